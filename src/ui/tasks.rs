use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};
use ratatui::Frame;

use super::table::{ListHit, ListPane};
use super::theme::Theme;
use crate::app::columns::Pane;
use crate::app::{short_id, sort_header, visible_tasks, Screen, State};
use crate::domain::{Container, Task};
use crate::safety::sanitize;
use crate::timefmt::Timestamp;

pub fn draw(
    state: &State,
    screen: &Screen,
    cluster: &str,
    service: &str,
    frame: &mut Frame,
    area: Rect,
) -> Option<ListHit> {
    let theme = Theme::new(&state.colors);
    let rows = visible_tasks(state, cluster, service, &screen.filter);
    let slot = state.detail(cluster);
    let stop_w = rows
        .iter()
        .filter_map(|t| t.stop_code.as_ref().or(t.stopped_reason.as_ref()))
        .map(|c| c.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(9, 25) as u16;
    let pane = ListPane {
        loading: slot.is_none_or(|s| s.data.is_none()),
        title: format!(
            "tasks · {}/{}{}",
            sanitize(cluster),
            sanitize(service),
            crate::app::fleet::stale_note(state, state.detail(cluster).and_then(|d| d.fetched_at))
        ),
        columns: &[
            "ID",
            "STATUS",
            "HEALTH",
            "AGE",
            "STOP CODE",
            "CONTAINERS (ro: read-only root)",
        ],
        widths: &[
            Constraint::Length(8),
            Constraint::Length(9),
            Constraint::Length(9),
            Constraint::Length(4),
            Constraint::Length(stop_w),
            Constraint::Fill(1),
        ],
        len: rows.len(),
        selected: screen.selected,
        empty: if slot.is_some_and(|s| s.data.is_some()) {
            "no tasks match"
        } else {
            "loading tasks…"
        },
        error: slot.and_then(|s| s.error.clone()),
        sort: sort_header(state, Pane::Tasks),
    };
    pane.draw(frame, area, &theme, |i| {
        task_row(rows[i], state.now, &theme)
    })
}

fn task_row<'a>(t: &Task, now: Timestamp, theme: &Theme) -> Row<'a> {
    // The full reason is in the task detail; the code is what fits a column.
    let stop = t
        .stop_code
        .clone()
        .or_else(|| t.stopped_reason.clone())
        .unwrap_or_default();
    // A task on its way down (RUNNING, desired STOPPED) shows where it is going.
    let status = if t.desired_status != t.last_status && t.desired_status == "STOPPED" {
        format!("{}↓", t.last_status)
    } else {
        t.last_status.clone()
    };
    let mut spans = Vec::new();
    for (i, c) in t.containers.iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw(" · "));
        }
        spans.extend(container_spans(c, theme));
    }
    Row::new(vec![
        Cell::from(sanitize(short_id(&t.id))),
        Cell::from(Span::styled(
            sanitize(&status),
            theme.status(&t.last_status),
        )),
        Cell::from(Span::styled(sanitize(&t.health), theme.status(&t.health))),
        Cell::from(t.started_at.map(|s| s.age(now)).unwrap_or_default()),
        Cell::from(Span::styled(sanitize(&stop), theme.warn)),
        Cell::from(Line::from(spans)),
    ])
}

/// `php RUNNING ro` / `php exit 1 ro`: the name, its state or exit code, and the mark.
pub fn container_spans<'a>(c: &Container, theme: &Theme) -> Vec<Span<'a>> {
    let (text, style) = match c.exit_code {
        Some(code) if c.last_status == "STOPPED" => (
            format!("exit {code}"),
            if code == 0 { theme.dim } else { theme.error },
        ),
        _ => (sanitize(&c.last_status), theme.status(&c.last_status)),
    };
    let mut spans = vec![
        Span::raw(format!("{} ", sanitize(&c.name))),
        Span::styled(text, style),
    ];
    if c.health == "UNHEALTHY" {
        spans.push(Span::styled(" unhealthy", theme.error));
    }
    if c.read_only_root == Some(true) {
        spans.push(Span::styled(" ro", theme.accent));
    }
    spans
}
