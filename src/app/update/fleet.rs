//! The fleet's background alert loads: every shown cluster's detail loads in the
//! background, a few at a time, once per refresh (the ALERTS cells and counts live in
//! `app/fleet.rs`). Pure: it only decides which loads to start.

use crate::app::{Effect, State};

/// Cluster details loading at once (the open cluster's included): each is a handful of
/// ECS calls, so four keep a 30-cluster account moving without a burst of 120 requests.
pub const CONCURRENCY: usize = 4;

/// Whether `cluster`'s detail is due a background load: never tried, or last tried
/// (success or failure) before the current refresh round began, and not loading now.
fn due(state: &State, cluster: &str) -> bool {
    let Some(slot) = state.details.get(cluster) else {
        return true;
    };
    if slot.is_loading() {
        return false;
    }
    let tried = slot.fetched_at.max(slot.failing.map(|f| f.last));
    match (tried, state.last_refresh) {
        (None, _) => true,
        (Some(t), Some(round)) => t < round,
        (Some(_), None) => false,
    }
}

/// Starts background loads of the clusters that are due, in the order the clusters pane
/// lists them, while fewer than [`CONCURRENCY`] loads run. Called when the cluster list
/// or a cluster's detail arrives; a switch of region or profile clears the details, so
/// answers for the old account are dropped and the new list starts afresh.
pub fn pump(state: &mut State) -> Vec<Effect> {
    let mut running = state.details.values().filter(|d| d.is_loading()).count();
    if running >= CONCURRENCY {
        return Vec::new();
    }
    let names: Vec<String> = crate::app::visible_clusters(state, "")
        .iter()
        .map(|c| c.name.clone())
        .collect();
    let mut effects = Vec::new();
    for name in names {
        if running >= CONCURRENCY {
            break;
        }
        if due(state, &name) {
            effects.extend(super::load_detail(state, &name));
            running += 1;
        }
    }
    effects
}

/// After findings arrived: images of loaded clusters that still have none (their detail
/// came while another findings load ran) are asked for now. Every asked image gets an
/// entry in the answer, so this ends.
pub fn after_findings(state: &mut State) -> Vec<Effect> {
    if state.findings_loading {
        return Vec::new();
    }
    let mut images: Vec<String> = state
        .details
        .keys()
        .flat_map(|c| crate::app::images_of(state, c, None))
        .filter(|i| !state.findings.contains_key(i))
        .collect();
    images.sort();
    images.dedup();
    if images.is_empty() {
        return Vec::new();
    }
    state.findings_loading = true;
    vec![Effect::LoadFindings { images }]
}
