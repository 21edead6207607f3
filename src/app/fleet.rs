//! The whole fleet's alerts, whatever the operator has browsed: every shown cluster's
//! detail is loaded in the background, a few at a time, once per refresh, so the header's
//! badge and the clusters pane's ALERTS column count every cluster from the first screen.
//! Pure: it only decides which loads to start; answers come back through `update`.

use super::{Effect, State};
use crate::alerts::Alert;
use crate::timefmt::Timestamp;

/// Cluster details loading at once (the open cluster's included): each is a handful of
/// ECS calls, so four keep a 30-cluster account moving without a burst of 120 requests.
pub const CONCURRENCY: usize = 4;

/// Data this much older than the refresh interval is marked stale (a load in flight
/// takes a moment; a slow one is not yet a stale one).
const STALE_GRACE_SECS: i64 = 5;

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
    let names: Vec<String> = super::visible_clusters(state, "")
        .iter()
        .map(|c| c.name.clone())
        .collect();
    let mut effects = Vec::new();
    for name in names {
        if running >= CONCURRENCY {
            break;
        }
        if due(state, &name) {
            effects.extend(super::update::load_detail(state, &name));
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
        .flat_map(|c| super::images_of(state, c, None))
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

/// Critical, warning and info alerts of one cluster, alerts of one cause counted once
/// (as the header's badge counts the fleet's).
pub fn counts_of(alerts: &[Alert], cluster: &str) -> (usize, usize, usize) {
    let mine: Vec<Alert> = alerts
        .iter()
        .filter(|a| a.cluster == cluster)
        .cloned()
        .collect();
    super::events::badge_counts(&mine)
}

/// `3 crit 2 warn`, `1 info`, `none`.
pub fn counts_text((crit, warn, info): (usize, usize, usize)) -> String {
    let parts: Vec<String> = [(crit, "crit"), (warn, "warn"), (info, "info")]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
    if parts.is_empty() {
        "none".into()
    } else {
        parts.join(" ")
    }
}

/// The AWS call an error names (`DescribeServices failed: …` → `DescribeServices`).
pub fn call_of(error: &str) -> &str {
    error
        .split_once(" failed")
        .map_or("error", |(call, _)| call.trim())
}

/// What the clusters pane's ALERTS cell says about `cluster`, and whether it is a problem
/// with loading rather than a count: the failed call if the last load failed, `—` while
/// nothing is known yet, else the counts.
pub fn cell(state: &State, cluster: &str) -> (String, bool) {
    let slot = state.details.get(cluster);
    if let Some(e) = slot.and_then(|s| s.error.as_ref().map(|e| e.as_str())) {
        return (format!("⚠ {}", call_of(e)), true);
    }
    if slot.is_none_or(|s| s.data.is_none()) {
        return ("—".into(), false);
    }
    (counts_text(counts_of(&state.alerts, cluster)), false)
}

/// A sort key for the ALERTS column: criticals outweigh any number of warnings; unknown
/// sorts below none.
pub fn weight(state: &State, cluster: &str) -> f64 {
    if state.details.get(cluster).is_none_or(|s| s.data.is_none()) {
        return -1.0;
    }
    let (c, w, i) = counts_of(&state.alerts, cluster);
    (c * 1_000_000 + w * 1_000 + i) as f64
}

/// Seconds past which data is stale, if `fetched_at` is: older than the refresh interval
/// (plus a little for the load in flight). `None`: fresh, or no data at all.
pub fn stale_secs(fetched_at: Option<Timestamp>, now: Timestamp, refresh_secs: u64) -> Option<i64> {
    let age = (now.millis() - fetched_at?.millis()) / 1000;
    (age > refresh_secs as i64 + STALE_GRACE_SECS).then_some(age)
}

/// ` · stale 2m` for a pane title, or nothing.
pub fn stale_note(state: &State, fetched_at: Option<Timestamp>) -> String {
    stale_secs(fetched_at, state.now, state.refresh_secs)
        .map(|s| format!(" · stale {}", crate::timefmt::short_duration(s)))
        .unwrap_or_default()
}

#[cfg(test)]
#[path = "fleet_tests.rs"]
mod tests;
