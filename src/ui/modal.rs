//! Modals drawn over the current pane: the deploy picker, confirmations, typed input.

use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

use super::theme::Theme;
use crate::app::actions::{Modal, ModalView, PickRow};
use crate::app::State;
use crate::domain::image_tag;
use crate::safety::sanitize;

/// Rows a modal may take in `area` (the pane): all but the pane's top and bottom border
/// rows, so the pane's frame stays visible around it.
fn room(area: Rect) -> u16 {
    if area.height > 4 {
        area.height - 2
    } else {
        area.height
    }
}

/// A box of `width` x `height` centred in the pane, inside its border rows.
fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [v] = Layout::vertical([Constraint::Length(height.min(room(area)))])
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

/// Draws the modal over the pane in `area`; for a confirmation, returns how many rows its
/// text takes and how many show (it scrolls when longer than the pane).
pub fn draw(state: &State, frame: &mut Frame, area: Rect) -> Option<ModalView> {
    let Some(modal) = &state.modal else {
        return None;
    };
    let theme = Theme::new(&state.colors);
    let width = area.width.saturating_sub(4).min(110);
    match modal {
        Modal::Exec(menu) => draw_exec(menu, &theme, frame, area, width),
        Modal::Confirm {
            title,
            lines,
            opened_at,
            typed,
            job,
            scroll,
            ..
        } => {
            let text: Vec<Line> = lines
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
            let mut keys: Vec<Line> = Vec::new();
            if let Some(t) = typed {
                let (_, service) = job.target();
                keys.push(Line::from(vec![
                    Span::styled(
                        format!("type {} to confirm: ", sanitize(service)),
                        theme.warn,
                    ),
                    Span::raw(sanitize(t)),
                    Span::styled("▏", theme.accent),
                ]));
            }
            // Until armed, the keys line says so: Enter does nothing yet.
            keys.push(if Modal::armed(*opened_at, state.now) {
                Line::styled("enter: do it    esc: cancel", theme.warn)
            } else {
                Line::styled("read this first…    esc: cancel", theme.dim)
            });
            // While text is below the box, Enter only shows it (update/actions.rs).
            let before_end = Line::styled(
                "↓ more below: j/G or enter shows it    esc: cancel",
                theme.dim,
            );
            return Some(draw_scrolling(
                frame,
                area,
                width,
                frame_block(sanitize(title), &theme),
                &text,
                (&keys, before_end),
                *scroll,
                &theme,
            ));
        }
        Modal::Forward(form) => super::forwards::draw_form(state, form, frame, area, width),
        Modal::QuitRunning => {
            let (title, lines) = crate::app::update::quit::question(state);
            let text: Vec<Line> = lines.iter().map(|l| Line::raw(sanitize(l))).collect();
            let text = super::text::wrap(&text, usize::from(width.saturating_sub(2)));
            let rows = text.len() + 2;
            let paragraph = Paragraph::new(text).block(frame_block(sanitize(&title), &theme));
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
            let height = (rows.len() as u16 + 3).min(room(area));
            let r = centered(area, width, height);
            // Lines do not wrap here (one row per choice): a long one ends in `…`.
            let inner = usize::from(r.width.saturating_sub(2));
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
                    super::fit::cut_line(
                        Line::from(vec![
                            Span::styled(cursor, theme.accent),
                            Span::styled(sanitize(&text), style),
                        ]),
                        inner,
                    )
                })
                .collect();
            lines.push(Line::styled(
                "j/k move · enter choose · esc cancel",
                theme.dim,
            ));
            let block = frame_block(
                format!("deploy {}/{}", sanitize(&p.cluster), sanitize(&p.service)),
                &theme,
            );
            // Choices below the fold are marked in the bottom border, as in a text pane.
            let extent = super::text::Extent {
                rows: u16::try_from(rows.len()).unwrap_or(u16::MAX),
                height: u16::try_from(visible).unwrap_or(u16::MAX),
                matches: Vec::new(),
            };
            let start = u16::try_from(start).unwrap_or(u16::MAX);
            let block = match super::text::position(start, &extent) {
                Some(at) => block.title_bottom(Line::styled(at, theme.dim).right_aligned()),
                None => block,
            };
            frame.render_widget(Paragraph::new(lines).block(block), r);
        }
    }
    None
}

/// A confirmation's box: `text` (wrapped, continuation rows indented) above `keys`
/// (the confirm line, and the name being typed). Sized by the rows drawn, inside the
/// pane's border; when the text is longer than that, it scrolls from `scroll` (clamped
/// so its last row reaches the bottom, `text_view::END` the last page) with the place
/// in its bottom border (` ↓ 1–12 of 30 `), and the keys stay at the bottom, always
/// seen.
#[allow(clippy::too_many_arguments)]
fn draw_scrolling(
    frame: &mut Frame,
    area: Rect,
    width: u16,
    block: Block<'_>,
    text: &[Line<'_>],
    (keys, before_end): (&[Line<'_>], Line<'_>),
    scroll: u16,
    theme: &Theme,
) -> ModalView {
    let inner_width = usize::from(width.saturating_sub(2));
    let text = super::text::wrap(text, inner_width);
    let mut keys = super::text::wrap(keys, inner_width);
    let inner_height = usize::from(room(area).saturating_sub(2));
    // A blank row sets the keys apart from the text, unless the box is too short to
    // show a few rows of text with it.
    let gap = usize::from(keys.len() + 1 + text.len().min(3) <= inner_height);
    let shown = text
        .len()
        .min(inner_height.saturating_sub(gap + keys.len()).max(1));
    let extent = super::text::Extent {
        rows: u16::try_from(text.len()).unwrap_or(u16::MAX),
        height: u16::try_from(shown).unwrap_or(u16::MAX),
        matches: Vec::new(),
    };
    let max = extent.rows.saturating_sub(extent.height);
    let top = crate::app::text_view::shown(scroll, max);
    // The last keys line (enter / read this first) says what Enter does while text is
    // still below the box.
    if top < max {
        if let Some(last) = keys.last_mut() {
            *last = before_end;
        }
    }
    let mut rows: Vec<Line> = text
        .into_iter()
        .skip(usize::from(top))
        .take(shown)
        .collect();
    rows.extend((0..gap).map(|_| Line::raw("")));
    rows.extend(keys);
    let block = match super::text::position(top, &extent) {
        Some(at) => block.title_bottom(Line::styled(at, theme.dim).right_aligned()),
        None => block,
    };
    let r = centered(
        area,
        width,
        u16::try_from(rows.len() + 2).unwrap_or(u16::MAX),
    );
    frame.render_widget(Clear, r);
    frame.render_widget(Paragraph::new(rows).block(block), r);
    ModalView {
        rows: extent.rows,
        height: extent.height,
    }
}

/// The exec menu: the doctor's checks, then the choices. It stays inside the pane's
/// border; when the checks do not fit, passing ones fold into one line, and what still
/// does not fit is cut with a note, never the choices.
fn draw_exec(
    menu: &crate::app::actions::ExecMenu,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
    width: u16,
) {
    use crate::ops::exec::doctor::Status;
    let inner = usize::from(width.saturating_sub(2));
    let name_width = menu
        .checks
        .iter()
        .map(|c| c.name.chars().count())
        .max()
        .unwrap_or(0)
        .min(38);
    // Roomy: details in a column. Short of rows: passes folded into one line, then
    // details right after the name (`✗ name: detail`), hanging under the name.
    let check_lines = |fold_passes: bool, compact: bool| {
        let mut text: Vec<Line> = Vec::new();
        let mut rows: Vec<Line> = Vec::new();
        let mut passed: Vec<&str> = Vec::new();
        for c in &menu.checks {
            let (mark, style) = match c.status {
                Status::Pass => ("✓", theme.ok),
                Status::Warn => ("!", theme.warn),
                Status::Fail => ("✗", theme.error),
            };
            if fold_passes && c.status == Status::Pass {
                passed.push(c.name);
                continue;
            }
            // Separate spans, so a long detail or fix wraps under itself.
            if compact {
                // What wrapped so far first: this line hangs under the name, not the detail.
                rows.extend(super::text::wrap(&std::mem::take(&mut text), inner));
                let line = Line::from(vec![
                    Span::styled(format!("{mark} {}: ", c.name), style),
                    Span::raw(sanitize(&c.detail)),
                ]);
                rows.extend(super::text::wrap_hanging(&line, 2, inner));
            } else {
                text.push(Line::from(vec![
                    Span::styled(format!("{mark} {:<name_width$}  ", c.name), style),
                    Span::raw(sanitize(&c.detail)),
                ]));
            }
            if !c.fix.is_empty() {
                text.push(Line::from(vec![
                    Span::styled("    fix: ", theme.dim),
                    Span::styled(sanitize(&c.fix), theme.dim),
                ]));
            }
        }
        if !passed.is_empty() {
            text.push(Line::from(vec![
                Span::styled(format!("✓ {} passed: ", passed.len()), theme.ok),
                Span::raw(passed.join(" · ")),
            ]));
        }
        rows.extend(super::text::wrap(&text, inner));
        rows
    };
    let mut choices: Vec<Line> = Vec::new();
    if !menu.doctor_only {
        choices.push(Line::raw(""));
        for (i, choice) in menu.choices.iter().enumerate() {
            let cursor = if i == menu.selected { "▶ " } else { "  " };
            let style = if i == menu.selected {
                theme.selected
            } else {
                ratatui::style::Style::new()
            };
            choices.push(Line::from(vec![
                Span::styled(cursor, theme.accent),
                Span::styled(sanitize(choice), style),
            ]));
        }
    }
    let mut choices = super::text::wrap(&choices, inner);
    // Inside the pane's border: a row above and below it stay the pane's.
    let fits = usize::from(area.height.saturating_sub(4));
    let mut checks = check_lines(false, false);
    for (fold, compact) in [(true, false), (true, true)] {
        if checks.len() + choices.len() > fits {
            checks = check_lines(fold, compact);
        }
    }
    if checks.len() + choices.len() > fits && choices.len() > 1 {
        // The blank row above the choices goes before any check does.
        choices.remove(0);
    }
    if checks.len() + choices.len() > fits {
        let keep = fits.saturating_sub(choices.len() + 1);
        let cut = checks.len() - keep;
        checks.truncate(keep);
        checks.push(Line::styled(
            format!("… {cut} more rows (toadtop doctor prints them all)"),
            theme.dim,
        ));
    }
    let mut text = checks;
    text.extend(choices);
    let title = format!(
        "{} {} in task {} ({}/{})",
        if menu.doctor_only { "doctor:" } else { "exec" },
        sanitize(&menu.target.container),
        crate::domain::short_task_id(&menu.target.task.id),
        sanitize(&menu.target.cluster),
        sanitize(&menu.target.service)
    );
    let title = super::text::ellipsize(&title, inner.saturating_sub(2));
    let height = u16::try_from(text.len() + 2).unwrap_or(u16::MAX);
    let r = centered(area, width, height.min(area.height.saturating_sub(2)));
    frame.render_widget(Clear, r);
    frame.render_widget(Paragraph::new(text).block(frame_block(title, theme)), r);
}

fn radio(on: bool, text: &str) -> String {
    format!("  ({}) {text}", if on { "•" } else { " " })
}
