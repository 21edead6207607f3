//! The alerts pane: what needs attention now, most severe and newest first.

use ratatui::layout::{Constraint, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Cell, Row};
use ratatui::Frame;

use super::table::{ListHit, ListPane};
use super::theme::Theme;
use crate::alerts::Level;
use crate::app::columns::Pane;
use crate::app::{sort_header, visible_alerts, Screen, State};
use crate::domain::short_task_id;
use crate::safety::sanitize;

pub fn draw(state: &State, screen: &Screen, frame: &mut Frame, area: Rect) -> Option<ListHit> {
    let theme = Theme::new(&state.colors);
    let rows = visible_alerts(state, &screen.filter);
    // Narrow terminals keep the message readable: no KIND column, WHERE sized to content.
    let wide = area.width >= 110;
    let place = |a: &crate::alerts::Alert| {
        let mut p = format!("{}/{}", a.cluster, a.service);
        if let Some(t) = &a.task {
            p.push('/');
            p.push_str(short_task_id(t));
        }
        p
    };
    let where_w = rows
        .iter()
        .map(|a| place(a).chars().count())
        .max()
        .unwrap_or(5)
        .clamp(5, 28) as u16;
    let mut columns = vec!["LEVEL"];
    let mut widths = vec![Constraint::Length(8)];
    if wide {
        columns.push("KIND");
        widths.push(Constraint::Length(13));
    }
    columns.extend(["WHERE", "SINCE", "WHY"]);
    widths.extend([
        Constraint::Length(where_w),
        Constraint::Length(5),
        Constraint::Fill(1),
    ]);
    let pane = ListPane {
        title: "alerts".into(),
        columns: &columns,
        widths: &widths,
        loading: state.details.values().all(|d| d.data.is_none()),
        len: rows.len(),
        selected: screen.selected,
        empty: "no alerts: nothing needs attention",
        error: None,
        sort: sort_header(state, Pane::Alerts),
    };
    pane.draw(frame, area, &theme, |i| {
        let a = rows[i];
        let style = match a.level {
            Level::Critical => theme.error,
            Level::Warning => theme.warn,
            Level::Info => theme.dim,
        };
        let mut cells = vec![Cell::from(Span::styled(a.level.as_str(), style))];
        if wide {
            cells.push(Cell::from(a.kind));
        }
        cells.extend([
            Cell::from(sanitize(&place(a))),
            Cell::from(
                a.since
                    .map(|t| t.age(state.now))
                    .unwrap_or_else(|| "-".into()),
            ),
            Cell::from(Span::styled(sanitize(&with_group(state, a)), style)),
        ]);
        Row::new(cells)
    })
}

/// The message, and for an alert whose cause several services share, how many: the
/// collapsed row says Enter expands it.
fn with_group(state: &State, a: &crate::alerts::Alert) -> String {
    let n = crate::app::events::group_size(state, a);
    match &a.cause {
        Some(c) if n > 1 && !state.events.expanded.contains(c) => {
            format!("[{n} services, enter expands] {}", a.message)
        }
        Some(_) if n > 1 => format!("[1 of {n} services] {}", a.message),
        _ => a.message.clone(),
    }
}
