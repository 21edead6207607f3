//! Auto refresh while loads fail: the next try waits 2 s, then 4, 8, 16, 32, and at most a
//! minute (or the refresh interval if that is longer), counted from the last failure, so an
//! unreachable endpoint costs a few calls a minute rather than one per interval, and the
//! first answer after an outage shows without a key press. Pure: time comes from `Tick`.

use super::state::Failing;
use super::State;
use crate::domain::{ErrorKind, Failure};
use crate::timefmt::Timestamp;

/// The longest wait between automatic retries (unless the refresh interval is longer).
pub const MAX_WAIT_SECS: u64 = 60;

/// Milliseconds from the last failure to the next try after `failures` failures in a row.
pub fn retry_delay_ms(failures: u32, refresh_secs: u64) -> i64 {
    let cap = MAX_WAIT_SECS.max(refresh_secs) as i64 * 1000;
    (2000_i64 << failures.saturating_sub(1).min(16)).min(cap)
}

/// The failures behind what the current view shows: the cluster list's and the open
/// cluster's (both reload on refresh), merged: the longer run, its start, the latest try.
pub fn failing(state: &State) -> Option<Failing> {
    let detail = state
        .screen()
        .view
        .cluster()
        .and_then(|c| state.details.get(c))
        .and_then(|d| d.failing);
    match (state.clusters.failing, detail) {
        (Some(a), Some(b)) => Some(Failing {
            count: a.count.max(b.count),
            since: a.since.min(b.since),
            last: a.last.max(b.last),
        }),
        (a, b) => a.or(b),
    }
}

/// Whether one of those loads is still running (no retry is stacked on top of it).
fn in_flight(state: &State) -> bool {
    state.clusters.is_loading()
        || state
            .screen()
            .view
            .cluster()
            .and_then(|c| state.details.get(c))
            .is_some_and(|d| d.is_loading())
}

/// When the next automatic refresh is due: `None` while a retry is in flight.
pub fn next_refresh(state: &State) -> Option<Timestamp> {
    match failing(state) {
        Some(_) if in_flight(state) => None,
        Some(f) => Some(Timestamp(
            f.last.millis() + retry_delay_ms(f.count, state.refresh_secs),
        )),
        None => {
            Some(Timestamp(state.last_refresh.map_or(i64::MIN, |t| {
                t.millis() + state.refresh_secs as i64 * 1000
            })))
        }
    }
}

pub fn refresh_due(state: &State) -> bool {
    next_refresh(state).is_some_and(|t| state.now >= t)
}

/// The header's note while loads fail: `offline since 10:42:07 · retry in 8s` (offline
/// when the endpoint could not be reached at all, else `failing since`).
pub fn note(state: &State, error: Option<&Failure>) -> Option<String> {
    let f = failing(state)?;
    let what = if error.is_some_and(|e| e.kind == ErrorKind::Unreachable) {
        "offline"
    } else {
        "failing"
    };
    let next = match next_refresh(state) {
        None => "retrying…".to_string(),
        Some(t) => {
            let secs = (t.millis() - state.now.millis()).max(0) as u64;
            let secs = secs.div_ceil(1000) as i64;
            format!("retry in {}", crate::timefmt::short_duration(secs))
        }
    };
    Some(format!("{what} since {} · {next}", f.since.clock()))
}

#[cfg(test)]
#[path = "backoff_tests.rs"]
mod tests;
