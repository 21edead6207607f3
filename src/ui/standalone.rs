//! A cluster's standalone tasks (`M`, `:standalone`): tasks of no service, such as CI's
//! migration runs, RunTask one-offs and scheduled `schedule:run` tasks.

use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};
use ratatui::Frame;

use super::table::{ListHit, ListPane};
use super::tasks::container_spans;
use super::theme::Theme;
use crate::app::columns::Pane;
use crate::app::{short_id, sort_header, visible_tasks, Screen, State};
use crate::domain::{Task, STANDALONE};
use crate::safety::sanitize;
use crate::timefmt::Timestamp;

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
    // Group and started-by sized to what is on screen, within reason.
    let fit = |f: &dyn Fn(&Task) -> usize, min: usize, max: usize| {
        rows.iter().map(|t| f(t)).max().unwrap_or(0).clamp(min, max) as u16
    };
    let group_w = fit(
        &|t| t.group.as_deref().map_or(1, |g| g.chars().count()),
        5,
        28,
    );
    let by_w = fit(
        &|t| t.started_by.as_deref().map_or(1, |b| b.chars().count()) + 2,
        10,
        36,
    );
    // The exit codes are what this pane is for: at narrow widths (80 columns) STARTED BY,
    // then GROUP, give up room (cut, as long names are) so EXIT keeps ~18 cells.
    let (group_w, by_w) = {
        let fixed = 2 + 5 + 8 + 9 + 4; // borders, column gaps, ID, STATUS, AGE
        let room = area.width.saturating_sub(fixed).saturating_sub(18);
        let by_w = by_w.min(room.saturating_sub(group_w).max(10));
        let group_w = group_w.min(room.saturating_sub(by_w).max(12));
        (group_w, by_w)
    };
    let stop_w = fit(
        &|t| t.stop_code.as_deref().map_or(0, |c| c.chars().count()),
        9,
        25,
    );
    // The exit codes are what this pane is for: below 150 columns the stop code (also in
    // the task's detail) gives them its room.
    let wide = area.width >= 150;
    let mut columns = vec!["GROUP", "STARTED BY", "ID", "STATUS", "EXIT", "AGE"];
    let mut widths = vec![
        Constraint::Length(group_w),
        Constraint::Length(by_w),
        Constraint::Length(8),
        Constraint::Length(9),
        Constraint::Fill(1),
        Constraint::Length(4),
    ];
    if wide {
        columns.push("STOP CODE");
        widths.push(Constraint::Length(stop_w));
    }
    let pane = ListPane {
        loading: slot.is_none_or(|s| s.data.is_none()),
        title: format!("standalone tasks · {}", sanitize(cluster)),
        columns: &columns,
        widths: &widths,
        len: rows.len(),
        selected: screen.selected,
        empty: if slot.is_some_and(|s| s.data.is_some()) {
            "no standalone tasks (none running, none stopped in the last hour)"
        } else {
            "loading tasks…"
        },
        error: slot.and_then(|s| s.error.clone()),
        sort: sort_header(state, Pane::Standalone),
    };
    pane.draw(frame, area, &theme, |i| {
        row(rows[i], state.now, &theme, wide)
    })
}

fn row<'a>(t: &Task, now: Timestamp, theme: &Theme, wide: bool) -> Row<'a> {
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
    let mut cells = vec![
        Cell::from(sanitize(t.group.as_deref().unwrap_or("-"))),
        Cell::from(by),
        Cell::from(short_id(&t.id).to_string()),
        Cell::from(Span::styled(
            sanitize(&status),
            theme.status(&t.last_status),
        )),
        Cell::from(Line::from(exits)),
        Cell::from(t.started_at.map(|s| s.age(now)).unwrap_or_default()),
    ];
    if wide {
        cells.push(Cell::from(Span::styled(sanitize(&stop), stop_style)));
    }
    Row::new(cells)
}
