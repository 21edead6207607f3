use ratatui::layout::{Constraint, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Cell, Row};
use ratatui::Frame;

use super::table::{ListHit, ListPane};
use super::theme::Theme;
use crate::app::columns::Pane;
use crate::app::{fleet, sort_header, visible_clusters, Screen, State};
use crate::safety::sanitize;

pub fn draw(state: &State, screen: &Screen, frame: &mut Frame, area: Rect) -> Option<ListHit> {
    let theme = Theme::new(&state.colors);
    let rows = visible_clusters(state, &screen.filter);
    let empty = empty_text(state, &screen.filter);
    // Sized to what it says, so a failed call's name is never cut.
    let cells: Vec<(String, bool)> = rows.iter().map(|c| fleet::cell(state, &c.name)).collect();
    let alerts_w = cells
        .iter()
        .map(|(t, _)| t.chars().count())
        .max()
        .unwrap_or(0)
        .clamp("ALERTS".len(), 28) as u16;
    let pane = ListPane {
        loading: state.clusters.data.is_none(),
        title: format!(
            "clusters{}",
            fleet::stale_note(state, state.clusters.fetched_at)
        ),
        columns: &["NAME", "STATUS", "SERVICES", "RUNNING", "PENDING", "ALERTS"],
        widths: &[
            Constraint::Fill(1),
            Constraint::Length(10),
            Constraint::Length(9),
            Constraint::Length(8),
            Constraint::Length(8),
            Constraint::Length(alerts_w),
        ],
        len: rows.len(),
        selected: screen.selected,
        empty: &empty,
        error: state
            .clusters
            .error
            .clone()
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
        Row::new(vec![
            Cell::from(sanitize(&c.name)),
            Cell::from(Span::styled(sanitize(&c.status), theme.status(&c.status))),
            Cell::from(c.active_services.to_string()),
            Cell::from(c.running_tasks.to_string()),
            Cell::from(c.pending_tasks.to_string()),
            Cell::from(Span::styled(alerts, alert_style)),
        ])
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
