//! The alerts pane: what needs attention now, most severe and newest first.

use ratatui::layout::{Constraint, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Cell, Row};
use ratatui::Frame;

use super::table::ListPane;
use super::theme::Theme;
use crate::alerts::Level;
use crate::app::{visible_alerts, Screen, State};
use crate::domain::short_task_id;
use crate::safety::sanitize;

pub fn draw(state: &State, screen: &Screen, frame: &mut Frame, area: Rect) {
    let theme = Theme::new(&state.colors);
    let rows = visible_alerts(state, &screen.filter);
    let pane = ListPane {
        title: "alerts".into(),
        columns: &["LEVEL", "KIND", "WHERE", "SINCE", "WHY"],
        widths: &[
            Constraint::Length(8),
            Constraint::Length(13),
            Constraint::Length(28),
            Constraint::Length(5),
            Constraint::Fill(1),
        ],
        loading: state.details.values().all(|d| d.data.is_none()),
        len: rows.len(),
        selected: screen.selected,
        empty: "no alerts: nothing needs attention",
        error: None,
    };
    pane.draw(frame, area, &theme, |i| {
        let a = rows[i];
        let style = match a.level {
            Level::Critical => theme.error,
            Level::Warning => theme.warn,
            Level::Info => theme.dim,
        };
        let mut place = format!("{}/{}", a.cluster, a.service);
        if let Some(t) = &a.task {
            place.push('/');
            place.push_str(short_task_id(t));
        }
        Row::new(vec![
            Cell::from(Span::styled(a.level.as_str(), style)),
            Cell::from(a.kind),
            Cell::from(sanitize(&place)),
            Cell::from(
                a.since
                    .map(|t| t.age(state.now))
                    .unwrap_or_else(|| "-".into()),
            ),
            Cell::from(Span::styled(sanitize(&a.message), style)),
        ])
    });
}
