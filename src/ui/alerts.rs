//! The alerts pane: what needs attention now, most severe and newest first.

use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::Frame;

use super::table::{Col, ListHit, ListPane};
use super::theme::Theme;
use crate::alerts::Level;
use crate::app::columns::Pane;
use crate::app::{sort_header, visible_alerts, Screen, State};
use crate::domain::short_task_id;
use crate::safety::sanitize;

pub fn draw(state: &State, screen: &Screen, frame: &mut Frame, area: Rect) -> Option<ListHit> {
    let theme = Theme::new(&state.colors);
    let rows = visible_alerts(state, &screen.filter);
    let place = |a: &crate::alerts::Alert| {
        let mut p = format!("{}/{}", a.cluster, a.service);
        if let Some(t) = &a.task {
            p.push('/');
            p.push_str(short_task_id(t));
        }
        p
    };
    // Narrow terminals keep the message readable: KIND goes first.
    let columns = [
        Col::new("LEVEL", 8, 8, 9),
        Col::new("KIND", 10, 16, 3),
        Col::new("WHERE", 10, 36, 7),
        Col::new("SINCE", 3, 5, 6),
        Col::new("WHY", 44, 300, 8),
    ];
    let pane = ListPane {
        title: format!(
            "alerts{}",
            crate::app::fleet::stale_note(state, crate::app::fleet::oldest_detail(state))
        ),
        columns: &columns,
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
        vec![
            Line::styled(a.level.as_str(), style),
            Line::raw(a.kind),
            Line::raw(sanitize(&place(a))),
            Line::raw(
                a.since
                    .map(|t| t.age(state.now))
                    .unwrap_or_else(|| "-".into()),
            ),
            Line::styled(sanitize(&with_group(state, a)), style),
        ]
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
