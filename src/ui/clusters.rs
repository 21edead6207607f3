use ratatui::layout::{Constraint, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Cell, Row};
use ratatui::Frame;

use super::table::{ListHit, ListPane};
use super::theme::Theme;
use crate::app::columns::Pane;
use crate::app::{sort_header, visible_clusters, Screen, State};
use crate::safety::sanitize;

pub fn draw(state: &State, screen: &Screen, frame: &mut Frame, area: Rect) -> Option<ListHit> {
    let theme = Theme::new(&state.colors);
    let rows = visible_clusters(state, &screen.filter);
    let pane = ListPane {
        loading: state.clusters.data.is_none(),
        title: "clusters".into(),
        columns: &["NAME", "STATUS", "SERVICES", "RUNNING", "PENDING"],
        widths: &[
            Constraint::Fill(1),
            Constraint::Length(10),
            Constraint::Length(9),
            Constraint::Length(8),
            Constraint::Length(8),
        ],
        len: rows.len(),
        selected: screen.selected,
        empty: if state.clusters.data.is_none() {
            "loading clusters…"
        } else {
            "no clusters match"
        },
        error: state.clusters.error.clone(),
        sort: sort_header(state, Pane::Clusters),
    };
    pane.draw(frame, area, &theme, |i| {
        let c = rows[i];
        Row::new(vec![
            Cell::from(sanitize(&c.name)),
            Cell::from(Span::styled(sanitize(&c.status), theme.status(&c.status))),
            Cell::from(c.active_services.to_string()),
            Cell::from(c.running_tasks.to_string()),
            Cell::from(c.pending_tasks.to_string()),
        ])
    })
}
