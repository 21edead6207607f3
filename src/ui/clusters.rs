use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::Frame;

use super::table::{Col, ListHit, ListPane};
use super::theme::Theme;
use crate::app::columns::Pane;
use crate::app::{fleet, sort_header, visible_clusters, Screen, State};
use crate::safety::sanitize;

pub fn draw(state: &State, screen: &Screen, frame: &mut Frame, area: Rect) -> Option<ListHit> {
    let theme = Theme::new(&state.colors);
    let rows = visible_clusters(state, &screen.filter);
    let empty = empty_text(state, &screen.filter);
    let cells: Vec<(String, bool)> = rows.iter().map(|c| fleet::cell(state, &c.name)).collect();
    let pane = ListPane {
        loading: state.clusters.data.is_none(),
        title: format!(
            "clusters{}",
            fleet::stale_note(state, state.clusters.fetched_at)
        ),
        columns: &[
            Col::new("NAME", 12, 60, 9),
            Col::new("STATUS", 6, 10, 5),
            Col::new("SERVICES", 4, 8, 4),
            Col::new("RUNNING", 4, 8, 6),
            Col::new("PENDING", 4, 8, 3),
            // Sized by the planner to what it says, up to a failed call's name.
            Col::new("ALERTS", 6, 28, 8),
        ],
        len: rows.len(),
        selected: screen.selected,
        empty: &empty,
        error: state
            .clusters
            .error
            .as_ref()
            .map(|e| e.text.clone())
            .or_else(|| selected_error(state, screen)),
        sort: sort_header(state, Pane::Clusters),
    };
    pane.draw(frame, area, &theme, |i| {
        let c = rows[i];
        let (alerts, failed) = cells[i].clone();
        let (crit, warn, _) = fleet::counts_of(&state.alerts, &c.name);
        let alert_style = if failed || crit > 0 {
            theme.error
        } else if warn > 0 {
            theme.warn
        } else {
            theme.dim
        };
        vec![
            Line::raw(sanitize(&c.name)),
            Line::styled(sanitize(&c.status), theme.status(&c.status)),
            Line::raw(c.active_services.to_string()),
            Line::raw(c.running_tasks.to_string()),
            Line::raw(c.pending_tasks.to_string()),
            Line::styled(alerts, alert_style),
        ]
    })
}

/// Why there are no rows: nothing loaded yet, a filter that matches nothing, or a region
/// without clusters (named, with the profile, since that is what to change).
fn empty_text(state: &State, filter: &str) -> String {
    if state.clusters.data.is_none() {
        "loading clusters…".into()
    } else if !filter.is_empty() {
        format!("no clusters match “{}”", sanitize(filter))
    } else if !state.config.clusters.is_empty() {
        format!(
            "no clusters in {} match the config's `clusters` ({})",
            sanitize(&state.region),
            sanitize(&state.config.clusters.join(", "))
        )
    } else {
        format!(
            "no clusters in {} (profile {}): :region or :profile switches",
            sanitize(&state.region),
            sanitize(&state.profile)
        )
    }
}

/// The selected cluster's failed alert load, whole (its row only has room for the call).
fn selected_error(state: &State, screen: &Screen) -> Option<String> {
    let rows = visible_clusters(state, &screen.filter);
    let c = rows.get(screen.selected)?;
    let e = state.details.get(&c.name)?.error.as_ref()?;
    Some(format!("{}: {e}", c.name))
}
