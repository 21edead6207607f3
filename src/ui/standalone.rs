//! A cluster's standalone tasks (`M`, `:standalone`): tasks of no service, such as CI's
//! migration runs, RunTask one-offs and scheduled `schedule:run` tasks.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::table::{Col, ListHit, ListPane};
use super::tasks::container_spans;
use super::theme::Theme;
use crate::app::columns::Pane;
use crate::app::{short_id, sort_header, task_age, visible_tasks, Screen, State};
use crate::domain::{Task, STANDALONE};
use crate::safety::sanitize;

/// Marks a task toadtop started (`m`, `toadtop migrate`) in the STARTED BY column.
pub const TOADTOP_MARK: &str = "◆ ";

pub fn draw(
    state: &State,
    screen: &Screen,
    cluster: &str,
    frame: &mut Frame,
    area: Rect,
) -> Option<ListHit> {
    let theme = Theme::new(&state.colors);
    let rows = visible_tasks(state, cluster, STANDALONE, &screen.filter);
    let slot = state.detail(cluster);
    // The exit codes are what this pane is for: at narrow widths the stop code (also in
    // the task's detail) goes first, then who started it.
    let columns = [
        Col::new("GROUP", 8, 30, 6),
        Col::new("STARTED BY", 8, 36, 5),
        Col::new("ID", 8, 8, 9),
        Col::new("STATUS", 7, 10, 8),
        Col::new("EXIT", 18, 80, 9),
        Col::new("AGE", 3, 5, 7),
        Col::new("STOP CODE", 22, 25, 3),
    ];
    let pane = ListPane {
        loading: slot.is_none_or(|s| s.data.is_none()),
        title: format!(
            "standalone tasks · {}{}",
            sanitize(cluster),
            crate::app::fleet::stale_note(state, slot.and_then(|s| s.fetched_at))
        ),
        columns: &columns,
        len: rows.len(),
        selected: screen.selected,
        empty: if slot.is_some_and(|s| s.data.is_some()) {
            "no standalone tasks (none running, none stopped in the last hour)"
        } else {
            "loading tasks…"
        },
        error: slot.and_then(|s| s.error.as_ref().map(|e| e.text.clone())),
        sort: sort_header(state, Pane::Standalone),
    };
    pane.draw(frame, area, &theme, |i| row(state, rows[i], &theme))
}

fn row<'a>(state: &State, t: &Task, theme: &Theme) -> Vec<Line<'a>> {
    let by = sanitize(t.started_by.as_deref().unwrap_or("-"));
    let by = if t.started_by_toadtop() {
        Span::styled(format!("{TOADTOP_MARK}{by}"), theme.accent)
    } else {
        Span::raw(by)
    };
    let status = if t.desired_status != t.last_status && t.desired_status == "STOPPED" {
        format!("{}↓", t.last_status)
    } else {
        t.last_status.clone()
    };
    let mut exits = Vec::new();
    for (i, c) in t.containers.iter().enumerate() {
        if i > 0 {
            exits.push(Span::raw(" · "));
        }
        exits.extend(container_spans(c, theme));
    }
    let stop = t.stop_code.clone().unwrap_or_default();
    let stop_style = if t.failed_exits().is_empty() {
        theme.dim
    } else {
        theme.error
    };
    vec![
        Line::raw(sanitize(t.group.as_deref().unwrap_or("-"))),
        Line::from(by),
        Line::raw(short_id(&t.id).to_string()),
        Line::styled(sanitize(&status), theme.status(&t.last_status)),
        Line::from(exits),
        Line::raw(task_age(state, t)),
        Line::styled(sanitize(&stop), stop_style),
    ]
}
