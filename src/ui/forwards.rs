//! `:forwards` (local address, target task and container, remote, since, state; the
//! selected one's plugin output below) and the `F` form.

use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::table::{Col, ListHit, ListPane};
use super::theme::Theme;
use crate::app::actions::Modal;
use crate::app::actions::{Field, ForwardForm};
use crate::app::update::forward::visible;
use crate::app::{ForwardRow, ForwardState};
use crate::app::{Screen, State};
use crate::ops::exec::doctor::Status;
use crate::safety::sanitize;
use crate::timefmt::Timestamp;

/// The STATE column: why an ended one ended only when wide (the box below says it).
fn state_text(r: &ForwardRow, wide: bool) -> String {
    match &r.state {
        ForwardState::Starting => "starting".into(),
        ForwardState::Active => "active".into(),
        ForwardState::Ending(_) => "ending…".into(),
        ForwardState::Ended { why, .. } if wide => format!("ended: {why}"),
        ForwardState::Ended { .. } => "ended".into(),
    }
}

fn via(r: &ForwardRow) -> String {
    format!(
        "{} {}",
        crate::domain::short_task_id(&r.spec.task.id),
        r.spec.container
    )
}

pub fn draw(state: &State, screen: &Screen, frame: &mut Frame, area: Rect) -> Option<ListHit> {
    let theme = Theme::new(&state.colors);
    let rows = visible(state, &screen.filter);
    let wide = area.width >= 110;
    // The selected forward's plugin output below the list, when there is room.
    let detail_h = if rows.is_empty() || area.height < 14 {
        0
    } else {
        (area.height / 3).clamp(4, 9)
    };
    let [list, detail] =
        Layout::vertical([Constraint::Min(4), Constraint::Length(detail_h)]).areas(area);
    let live = rows.iter().filter(|r| r.live()).count();
    let pane = ListPane {
        title: format!("port forwards ({live} active)"),
        columns: &[
            Col::new("LOCAL", 15, 21, 9),
            Col::new("VIA", 8, 24, 6),
            Col::new("REMOTE", 10, if wide { 48 } else { 30 }, 8),
            Col::new("SINCE", 5, 6, 4),
            Col::new("STATE", 5, 80, 7),
        ],
        loading: false,
        len: rows.len(),
        selected: screen.selected,
        empty: "no forwards yet: F on a task or a service opens one",
        error: None,
        sort: None,
    };
    let hit = pane.draw(frame, list, &theme, |i| {
        let r = rows[i];
        let style = match &r.state {
            ForwardState::Active => theme.ok,
            ForwardState::Ended { error: true, .. } => theme.error,
            ForwardState::Ended { .. } => theme.dim,
            _ => theme.warn,
        };
        vec![
            Line::raw(r.local.clone().unwrap_or_else(|| "…".into())),
            Line::raw(sanitize(&via(r))),
            Line::raw(sanitize(&r.spec.remote())),
            Line::raw(r.since.age(state.now)),
            Line::styled(sanitize(&state_text(r, wide)), style),
        ]
    });
    if detail_h > 0 {
        if let Some(r) = rows.get(screen.selected) {
            // The whole remote here: the column cuts a long RDS endpoint.
            let mut lines = vec![Line::styled(
                sanitize(&format!(
                    "{}/{}: {}",
                    r.spec.cluster,
                    r.spec.service,
                    crate::ops::forward::describe(&r.spec, r.local.as_deref().unwrap_or("…"))
                )),
                theme.dim,
            )];
            if let ForwardState::Ended { why, error } = &r.state {
                let style = if *error { theme.error } else { theme.dim };
                lines.push(Line::styled(sanitize(&format!("ended: {why}")), style));
            }
            // The newest output lines that fit under the (possibly wrapped) header lines.
            let inner_w = usize::from(detail.width.saturating_sub(2)).max(1);
            let header_rows: usize = lines
                .iter()
                .map(|l| l.width().div_ceil(inner_w).max(1))
                .sum();
            let room = usize::from(detail_h.saturating_sub(2)).saturating_sub(header_rows);
            let skip = r.output.len().saturating_sub(room);
            lines.extend(r.output.iter().skip(skip).map(|l| Line::raw(sanitize(l))));
            frame.render_widget(
                Paragraph::new(lines).wrap(Wrap { trim: false }).block(
                    Block::new()
                        .borders(Borders::ALL)
                        .border_style(theme.dim)
                        .title(" session-manager-plugin "),
                ),
                detail,
            );
        }
    }
    hit
}

/// The footer's keys while the form is open.
pub fn footer(form: &ForwardForm, now: Timestamp) -> &'static str {
    match form.confirm_at {
        Some(at) if !Modal::armed(at, now) => " read the confirmation first… · esc back",
        Some(_) => " enter start the forward · esc back to the form",
        None => " tab/↑↓ field · ←→ choose · type · enter next · esc cancel",
    }
}

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [v] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [h] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(v);
    h
}

pub fn draw_form(state: &State, form: &ForwardForm, frame: &mut Frame, area: Rect, width: u16) {
    let theme = Theme::new(&state.colors);
    let mut text: Vec<Line> = Vec::new();
    if form.confirm_at.is_some() {
        text.extend(
            form.confirm_lines(state)
                .into_iter()
                .map(|l| Line::raw(sanitize(&l))),
        );
        text.push(Line::raw(""));
        text.push(match form.confirm_at {
            Some(at) if Modal::armed(at, state.now) => {
                Line::styled("enter: start    esc: back to the form", theme.warn)
            }
            _ => Line::styled("read this first…    esc: back", theme.dim),
        });
    } else {
        let field = |f: Field, label: &str, value: String, hint: &str| {
            let on = form.field == f;
            let mut spans = vec![
                Span::styled(if on { "▶ " } else { "  " }, theme.accent),
                Span::styled(
                    format!("{label:<12}"),
                    if on { theme.title } else { Style::new() },
                ),
                Span::styled(
                    sanitize(&value),
                    if on { theme.selected } else { Style::new() },
                ),
            ];
            if on && matches!(f, Field::Host | Field::Port | Field::Local) {
                spans.push(Span::styled("▏", theme.accent));
            }
            if !hint.is_empty() {
                spans.push(Span::styled(format!("  {hint}"), theme.dim));
            }
            Line::from(spans)
        };
        if !form.presets.is_empty() {
            let name = form
                .preset
                .and_then(|i| form.presets.get(i))
                .map_or_else(|| "(none)".to_string(), |(n, _)| n.clone());
            text.push(field(Field::Preset, "preset", format!("◀ {name} ▶"), ""));
        }
        text.push(field(
            Field::Container,
            "container",
            format!("◀ {} ▶", form.container_name()),
            "",
        ));
        text.push(field(
            Field::Host,
            "remote host",
            form.host.clone(),
            if form.host.is_empty() {
                "empty: a port of the container"
            } else {
                ""
            },
        ));
        text.push(field(Field::Port, "remote port", form.port.clone(), ""));
        text.push(field(
            Field::Local,
            "local port",
            form.local.clone(),
            if form.local.is_empty() {
                "empty: a free one"
            } else {
                ""
            },
        ));
        // The doctor's verdicts that matter: failures and warnings.
        let notable: Vec<_> = form
            .checks
            .iter()
            .filter(|c| c.status != Status::Pass)
            .collect();
        if !notable.is_empty() {
            text.push(Line::raw(""));
        }
        for c in notable {
            let (mark, style) = match c.status {
                Status::Fail => ("✗", theme.error),
                _ => ("!", theme.warn),
            };
            text.push(Line::from(vec![
                Span::styled(format!("{mark} {}: ", c.name), style),
                Span::raw(sanitize(&c.detail)),
            ]));
            if !c.fix.is_empty() {
                text.push(Line::styled(
                    format!("    fix: {}", sanitize(&c.fix)),
                    theme.dim,
                ));
            }
        }
        if let Some(e) = &form.error {
            text.push(Line::styled(sanitize(e), theme.error));
        }
    }
    let title = format!(
        " forward through {} in task {} ({}/{}) ",
        sanitize(form.container_name()),
        crate::domain::short_task_id(&form.task.id),
        sanitize(&form.cluster),
        sanitize(&form.service)
    );
    let width = width.min(90);
    let para = Paragraph::new(text).wrap(Wrap { trim: false }).block(
        Block::new()
            .borders(Borders::ALL)
            .border_style(theme.warn)
            .title(Span::styled(sanitize(&title), theme.title)),
    );
    let rows = para.line_count(width.saturating_sub(2));
    let r = centered(area, width, u16::try_from(rows).unwrap_or(u16::MAX));
    frame.render_widget(Clear, r);
    frame.render_widget(para, r);
}
