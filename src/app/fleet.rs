//! The whole fleet's alerts, whatever the operator has browsed: every shown cluster's
//! detail is loaded in the background, a few at a time, once per refresh, so the header's
//! badge and the clusters pane's ALERTS column count every cluster from the first screen.
//! The ALERTS cells and counts here; `update/fleet.rs` decides which loads to start.

use super::State;
use crate::alerts::Alert;
use crate::timefmt::Timestamp;

/// Data this much older than the refresh interval is marked stale (a load in flight
/// takes a moment; a slow one is not yet a stale one).
const STALE_GRACE_SECS: i64 = 5;

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

/// When the oldest of the loaded clusters' details was fetched: the age of what the
/// alerts are evaluated from (every loaded cluster's), so the alerts pane is as stale as
/// its stalest cluster.
pub fn oldest_detail(state: &State) -> Option<Timestamp> {
    state
        .details
        .values()
        .filter(|d| d.data.is_some())
        .filter_map(|d| d.fetched_at)
        .min()
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
