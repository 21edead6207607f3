//! Modals drawn over the current pane: the deploy picker, confirmations, typed input.

use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::theme::Theme;
use crate::app::actions::{Modal, PickRow};
use crate::app::State;
use crate::domain::image_tag;
use crate::safety::sanitize;

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [v] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [h] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(v);
    h
}

/// Sanitizes the title here, at the sink: titles are built from task ids, cluster and
/// service names, and ratatui draws a Span's control characters as they are.
fn frame_block<'a>(title: String, theme: &Theme) -> Block<'a> {
    Block::new()
        .borders(Borders::ALL)
        .border_style(theme.warn)
        .title(Span::styled(format!(" {} ", sanitize(&title)), theme.title))
}

pub fn draw(state: &State, frame: &mut Frame, area: Rect) {
    let Some(modal) = &state.modal else { return };
    let theme = Theme::new(&state.colors);
    let width = area.width.saturating_sub(4).min(110);
    match modal {
        Modal::Exec(menu) => {
            use crate::ops::exec::doctor::Status;
            let mut text: Vec<Line> = Vec::new();
            for c in &menu.checks {
                let (mark, style) = match c.status {
                    Status::Pass => ("✓", theme.ok),
                    Status::Warn => ("!", theme.warn),
                    Status::Fail => ("✗", theme.error),
                };
                text.push(Line::from(vec![
                    Span::styled(format!("{mark} {:<38}", c.name), style),
                    Span::raw(sanitize(&c.detail)),
                ]));
                if !c.fix.is_empty() {
                    text.push(Line::styled(
                        format!("    fix: {}", sanitize(&c.fix)),
                        theme.dim,
                    ));
                }
            }
            if !menu.doctor_only {
                text.push(Line::raw(""));
                for (i, choice) in menu.choices.iter().enumerate() {
                    let cursor = if i == menu.selected { "▶ " } else { "  " };
                    let style = if i == menu.selected {
                        theme.selected
                    } else {
                        ratatui::style::Style::new()
                    };
                    text.push(Line::from(vec![
                        Span::styled(cursor, theme.accent),
                        Span::styled(sanitize(choice), style),
                    ]));
                }
            }
            let title = format!(
                "{} {} in task {} ({}/{})",
                if menu.doctor_only { "doctor:" } else { "exec" },
                sanitize(&menu.target.container),
                crate::domain::short_task_id(&menu.target.task.id),
                sanitize(&menu.target.cluster),
                sanitize(&menu.target.service)
            );
            let para = Paragraph::new(text)
                .wrap(Wrap { trim: false })
                .block(frame_block(title, &theme));
            let height = (para.line_count(width.saturating_sub(2)) as u16).min(area.height);
            let r = centered(area, width, height);
            frame.render_widget(Clear, r);
            frame.render_widget(para, r);
        }
        Modal::Confirm {
            title,
            lines,
            opened_at,
            typed,
            job,
            ..
        } => {
            let mut text: Vec<Line> = lines
                .iter()
                .map(|l| {
                    let style = if l.starts_with('+') {
                        theme.ok
                    } else if l.starts_with('-') {
                        theme.error
                    } else if l.starts_with(crate::app::confirm::WARN) {
                        // A downgrade, an image from outside ECR, or findings at or above
                        // [alerts] min_severity: drawn to be seen.
                        theme.error.add_modifier(ratatui::style::Modifier::BOLD)
                    } else {
                        ratatui::style::Style::new()
                    };
                    Line::styled(sanitize(l), style)
                })
                .collect();
            text.push(Line::raw(""));
            if let Some(t) = typed {
                let (_, service) = job.target();
                text.push(Line::from(vec![
                    Span::styled(
                        format!("type {} to confirm: ", sanitize(service)),
                        theme.warn,
                    ),
                    Span::raw(sanitize(t)),
                    Span::styled("▏", theme.accent),
                ]));
            }
            // Until armed, the keys line says so: Enter does nothing yet.
            text.push(if Modal::armed(*opened_at, state.now) {
                Line::styled("enter: do it    esc: cancel", theme.warn)
            } else {
                Line::styled("read this first…    esc: cancel", theme.dim)
            });
            let paragraph = Paragraph::new(text)
                .wrap(Wrap { trim: false })
                .block(frame_block(sanitize(title), &theme));
            // Long lines wrap: size the box by the rows drawn (borders included), not by
            // the line count, or the last lines (the keys) are cut off.
            let rows = paragraph.line_count(width.saturating_sub(2));
            let r = centered(area, width, u16::try_from(rows).unwrap_or(u16::MAX));
            frame.render_widget(Clear, r);
            frame.render_widget(paragraph, r);
        }
        Modal::Forward(form) => super::forwards::draw_form(state, form, frame, area, width),
        Modal::QuitRunning => {
            let (title, lines) = crate::app::update_quit::question(state);
            let text: Vec<Line> = lines.iter().map(|l| Line::raw(sanitize(l))).collect();
            let paragraph = Paragraph::new(text)
                .wrap(Wrap { trim: false })
                .block(frame_block(sanitize(&title), &theme));
            let rows = paragraph.line_count(width.saturating_sub(2));
            let r = centered(area, width, u16::try_from(rows).unwrap_or(u16::MAX));
            frame.render_widget(Clear, r);
            frame.render_widget(paragraph, r);
        }
        Modal::Preparing { job, .. } => {
            let (c, s) = job.target();
            let r = centered(area, width.min(60), 3);
            frame.render_widget(Clear, r);
            frame.render_widget(
                Paragraph::new(Line::styled(
                    "describing the running revision…  (esc cancels)",
                    theme.dim,
                ))
                .block(frame_block(
                    format!("{} {}/{}", job.verb(), sanitize(c), sanitize(s)),
                    &theme,
                )),
                r,
            );
        }
        Modal::Scale {
            service,
            current,
            text,
            ..
        } => {
            let r = centered(area, width.min(60), 4);
            frame.render_widget(Clear, r);
            frame.render_widget(
                Paragraph::new(vec![
                    Line::raw(format!("desired count (now {current}): {text}▏")),
                    Line::styled("enter: next    esc: cancel", theme.dim),
                ])
                .block(frame_block(format!("scale {}", sanitize(service)), &theme)),
                r,
            );
        }
        Modal::TypeImage {
            container, text, ..
        } => {
            let r = centered(area, width, 4);
            frame.render_widget(Clear, r);
            frame.render_widget(
                Paragraph::new(vec![
                    Line::raw(format!("image: {}▏", sanitize(text))),
                    Line::styled(
                        "repo:tag or repo@sha256:… · enter use · esc back",
                        theme.dim,
                    ),
                ])
                .block(frame_block(
                    format!("image for {}", sanitize(container)),
                    &theme,
                )),
                r,
            );
        }
        Modal::Picker(p) => {
            let rows = p.rows();
            let height = (rows.len() as u16 + 3).min(area.height);
            let r = centered(area, width, height);
            frame.render_widget(Clear, r);
            let visible = usize::from(height.saturating_sub(3));
            let start = p.selected.saturating_sub(visible.saturating_sub(1));
            let mut lines: Vec<Line> = rows
                .iter()
                .enumerate()
                .skip(start)
                .take(visible)
                .map(|(i, row)| {
                    let cursor = if i == p.selected { "▶ " } else { "  " };
                    let (text, style) = match row {
                        PickRow::Container(name) => {
                            let current = p
                                .containers
                                .iter()
                                .find(|(n, _)| n == name)
                                .map(|(_, i)| i.as_str())
                                .unwrap_or("");
                            let choice = p.chosen.get(name).map_or_else(
                                || "keep".to_string(),
                                |img| format!("→ {}", image_tag(img)),
                            );
                            (
                                format!("container {name}: runs {} ({choice})", image_tag(current)),
                                theme.title,
                            )
                        }
                        PickRow::Keep { container } => (
                            radio(!p.chosen.contains_key(container), "keep the current image"),
                            ratatui::style::Style::new(),
                        ),
                        PickRow::Image {
                            container,
                            image,
                            label,
                        } => (
                            radio(p.chosen.get(container) == Some(image), label),
                            ratatui::style::Style::new(),
                        ),
                        PickRow::Typed { container } => {
                            let typed = p.chosen.get(container).filter(|img| {
                                !rows.iter().any(
                                    |r| matches!(r, PickRow::Image { image, .. } if image == *img),
                                )
                            });
                            (
                                radio(
                                    typed.is_some(),
                                    &typed.map_or_else(
                                        || "type an image…".to_string(),
                                        |t| format!("typed: {t}"),
                                    ),
                                ),
                                ratatui::style::Style::new(),
                            )
                        }
                        PickRow::Note(n) => (format!("    {n}"), theme.dim),
                        PickRow::MigrateFirst => (
                            format!(
                                "[{}] run the migration task on the new revision first",
                                if p.migrate_first { "x" } else { " " }
                            ),
                            theme.accent,
                        ),
                        PickRow::Continue => ("→ preview and confirm".to_string(), theme.warn),
                    };
                    let style = if i == p.selected {
                        style.patch(theme.selected)
                    } else {
                        style
                    };
                    Line::from(vec![
                        Span::styled(cursor, theme.accent),
                        Span::styled(sanitize(&text), style),
                    ])
                })
                .collect();
            lines.push(Line::styled(
                "j/k move · enter choose · esc cancel",
                theme.dim,
            ));
            frame.render_widget(
                Paragraph::new(lines).block(frame_block(
                    format!("deploy {}/{}", sanitize(&p.cluster), sanitize(&p.service)),
                    &theme,
                )),
                r,
            );
        }
    }
}

fn radio(on: bool, text: &str) -> String {
    format!("  ({}) {text}", if on { "•" } else { " " })
}
