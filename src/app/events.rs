//! `:events`: the events `toadtop watch` would print, for the clusters this session has
//! loaded, newest first. Each re-evaluation of the alerts is an observation for the same
//! [`Tracker`]; a new critical event flashes the header badge for a while.

use std::collections::{BTreeSet, VecDeque};

use super::{Effect, State, View};
use crate::alerts::{Alert, Level};
use crate::domain::{ClusterDetail, STANDALONE};
use crate::ops::watch::{Event, EventKind, Observation, Tracker};
use crate::timefmt::Timestamp;

/// Events kept (the oldest go first): a day of a busy fleet, in little memory.
pub const MAX_EVENTS: usize = 1000;
/// How long a new critical event flashes the header badge.
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

/// Feeds the alerts just evaluated to the tracker. A cluster counts as looked at once its
/// detail, metrics and secrets are in (and no findings are loading), so its first look
/// reports everything active as `initial` rather than a trickle of "new" alerts.
pub fn observe(state: &mut State) {
    if state.findings_loading {
        return;
    }
    let mut covered: Vec<&ClusterDetail> = Vec::new();
    let mut held = BTreeSet::new();
    for (name, slot) in &state.details {
        let Some(detail) = &slot.data else { continue };
        let metrics = state.metrics.get(name);
        if !detail.services.is_empty() && metrics.is_none_or(|m| m.fetched_at.is_none()) {
            continue;
        }
        if state
            .secrets
            .get(name)
            .is_some_and(|s| s.data.is_none() && s.in_flight.is_some())
        {
            continue;
        }
        if metrics.is_some_and(|m| m.data.is_none()) {
            held.insert((name.clone(), "cpu"));
            held.insert((name.clone(), "memory"));
        }
        covered.push(detail);
    }
    let names: BTreeSet<&str> = covered.iter().map(|d| d.cluster.as_str()).collect();
    let alerts: Vec<crate::alerts::Alert> = state
        .alerts
        .iter()
        .filter(|a| names.contains(a.cluster.as_str()))
        .cloned()
        .collect();
    let events = state.events.tracker.observe(Observation {
        at: state.now,
        clusters: &covered,
        alerts: &alerts,
        held: &held,
    });
    let news = events.iter().any(|e| {
        e.level == Level::Critical
            && !e.initial
            && matches!(
                e.event,
                EventKind::AlertRaised | EventKind::AlertUpdated | EventKind::DeploymentFailed
            )
    });
    if news {
        state.events.flash_until = Some(Timestamp(state.now.millis() + FLASH_MS));
    }
    let feed = &mut state.events.items;
    feed.extend(events);
    while feed.len() > MAX_EVENTS {
        feed.pop_front();
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

/// Enter on an alert of a collapsed group of several: expands it (true), else false.
pub fn expand(state: &mut State, alert: &Alert) -> bool {
    match &alert.cause {
        Some(c) if group_size(state, alert) > 1 && !state.events.expanded.contains(c) => {
            state.events.expanded.insert(c.clone());
            true
        }
        _ => false,
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

/// `:events`.
pub fn open(state: &mut State) -> Vec<Effect> {
    if state.screen().view != View::Events {
        state.stack.push(super::Screen::new(View::Events));
    }
    super::update::load_all_details(state)
}

/// Enter on an event: its task (a task's alert), else its service.
pub fn drill(state: &mut State) -> Vec<Effect> {
    let s = state.screen();
    let target = visible_events(state, &s.filter)
        .get(s.selected)
        .and_then(|e| Some((e.cluster.clone()?, e.service.clone()?, e.task.clone())));
    match target {
        Some((cluster, service, Some(task))) => super::update::open(
            state,
            View::TaskDetail {
                cluster,
                service,
                task,
            },
        ),
        Some((cluster, service, None)) if service != STANDALONE => {
            super::update::open(state, View::ServiceDetail { cluster, service })
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
#[path = "events_tests.rs"]
mod tests;
