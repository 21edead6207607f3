use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::table::{Col, ListHit, ListPane};
use super::theme::Theme;
use crate::app::columns::Pane;
use crate::app::{short_id, sort_header, task_age, visible_tasks, Screen, State};
use crate::domain::{family_revision, Container, Task};
use crate::safety::sanitize;

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
    let pane = ListPane {
        loading: slot.is_none_or(|s| s.data.is_none()),
        title: format!(
            "tasks · {}/{}{}",
            sanitize(cluster),
            sanitize(service),
            crate::app::fleet::stale_note(state, state.detail(cluster).and_then(|d| d.fetched_at))
        ),
        columns: &[
            Col::new("ID", 8, 8, 9),
            // Whole up to 20 cells (`laravel-scheduler:1`); longer ones are cut from the
            // left: the revision number is what tells old tasks from new.
            Col::new("REVISION", 20, 40, 7).keep_end(),
            Col::new("STATUS", 7, 10, 8),
            Col::new("HEALTH", 7, 9, 4),
            Col::new("AGE", 3, 5, 6),
            // Whole or not at all (the task's detail has it too): at 80 columns it goes
            // first, so the revision and the containers keep their room.
            Col::new("STOP CODE", 25, 25, 3),
            Col::new("CONTAINERS (ro: read-only root)", 18, 120, 8),
        ],
        len: rows.len(),
        selected: screen.selected,
        empty: if slot.is_some_and(|s| s.data.is_some()) {
            "no tasks match"
        } else {
            "loading tasks…"
        },
        error: slot.and_then(|s| s.error.as_ref().map(|e| e.text.clone())),
        sort: sort_header(state, Pane::Tasks),
    };
    pane.draw(frame, area, &theme, |i| task_row(state, rows[i], &theme))
}

fn task_row<'a>(state: &State, t: &Task, theme: &Theme) -> Vec<Line<'a>> {
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
    vec![
        Line::raw(sanitize(short_id(&t.id))),
        Line::raw(sanitize(&family_revision(&t.task_definition_arn))),
        Line::styled(sanitize(&status), theme.status(&t.last_status)),
        Line::styled(sanitize(&t.health), theme.status(&t.health)),
        Line::raw(task_age(state, t)),
        Line::styled(sanitize(&stop), theme.warn),
        Line::from(spans),
    ]
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
