//! `:events`: the events `toadtop watch` would print, for the clusters this session has
//! loaded, newest first. Each re-evaluation of the alerts is an observation for the same
//! [`Tracker`]; a new critical event that makes things worse ([`Event::worsens`])
//! flashes the header badge for a while (the feed and its rows here; `update/events.rs`
//! feeds it).

use std::collections::{BTreeSet, VecDeque};

use super::State;
use crate::alerts::Alert;
use crate::ops::watch::{Event, Tracker};
use crate::timefmt::Timestamp;

/// Events kept (the oldest go first): a day of a busy fleet, in little memory.
pub const MAX_EVENTS: usize = 1000;
/// How long a new critical event that makes things worse flashes the header badge.
pub const FLASH_MS: i64 = 10_000;

#[derive(Debug, Default, Clone)]
pub struct EventFeed {
    pub tracker: Tracker,
    /// Oldest first, at most [`MAX_EVENTS`].
    pub items: VecDeque<Event>,
    /// The header badge flashes until then.
    pub flash_until: Option<Timestamp>,
    /// Alert groups (causes) the alerts pane shows expanded, one row per member.
    pub expanded: BTreeSet<String>,
}

impl EventFeed {
    pub fn flashing(&self, now: Timestamp) -> bool {
        self.flash_until.is_some_and(|t| now < t)
    }
}

/// The alerts pane's rows: a group of alerts with one cause (a CVE in a shared image, a
/// missing SSM parameter) is one row, its first, until Enter expands it.
pub fn collapse_groups<'a>(state: &State, rows: Vec<&'a Alert>) -> Vec<&'a Alert> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::with_capacity(rows.len());
    for (i, a) in rows.iter().enumerate() {
        let Some(c) = &a.cause else {
            out.push(*a);
            continue;
        };
        if !seen.insert(c) {
            continue;
        }
        out.push(*a);
        // Expanded: the group's other rows right under its first, in their order.
        if state.events.expanded.contains(c) {
            out.extend(rows[i + 1..].iter().filter(|b| b.cause.as_ref() == Some(c)));
        }
    }
    out
}

/// Services an alert's group touches (1 for an alert without a shared cause).
pub fn group_size(state: &State, alert: &Alert) -> usize {
    match &alert.cause {
        None => 1,
        Some(c) => state
            .alerts
            .iter()
            .filter(|a| a.cause.as_ref() == Some(c))
            .map(|a| (&a.cluster, &a.service))
            .collect::<BTreeSet<_>>()
            .len(),
    }
}

/// The header badge's counts: alerts by level, a group of one cause counted once.
pub fn badge_counts(alerts: &[Alert]) -> (usize, usize, usize) {
    let mut seen = BTreeSet::new();
    let lone: Vec<Alert> = alerts
        .iter()
        .filter(|a| a.cause.as_ref().is_none_or(|c| seen.insert(c.clone())))
        .cloned()
        .collect();
    crate::alerts::counts(&lone)
}

/// The feed after the filter (every word in one of level, event, kind, place, message),
/// newest first.
pub fn visible_events<'a>(state: &'a State, filter: &str) -> Vec<&'a Event> {
    let words: Vec<String> = filter.split_whitespace().map(str::to_lowercase).collect();
    state
        .events
        .items
        .iter()
        .rev()
        .filter(|e| {
            if words.is_empty() {
                return true;
            }
            let fields = [
                e.level.as_str().to_string(),
                e.event.as_str().to_string(),
                e.kind.to_lowercase(),
                e.place().to_lowercase(),
                e.message.to_lowercase(),
            ];
            words.iter().all(|w| fields.iter().any(|f| f.contains(w)))
        })
        .collect()
}

#[cfg(test)]
#[path = "events_tests.rs"]
mod tests;
