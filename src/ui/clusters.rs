use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::Frame;

use super::table::{Col, ListHit, ListPane};
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
        columns: &[
            Col::new("NAME", 12, 60, 9),
            Col::new("STATUS", 6, 10, 5),
            Col::new("SERVICES", 4, 8, 4),
            Col::new("RUNNING", 4, 8, 6),
            Col::new("PENDING", 4, 8, 3),
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
        vec![
            Line::raw(sanitize(&c.name)),
            Line::styled(sanitize(&c.status), theme.status(&c.status)),
            Line::raw(c.active_services.to_string()),
            Line::raw(c.running_tasks.to_string()),
            Line::raw(c.pending_tasks.to_string()),
        ]
    })
}
