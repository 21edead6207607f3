//! `:events` through `update`: opening the feed, Enter on an event, Enter expanding an
//! alert group, and each re-evaluation of the alerts fed to the tracker (the feed and its
//! rows live in `app/events.rs`).

use std::collections::BTreeSet;

use crate::alerts::Alert;
use crate::alerts::Level;
use crate::app::events::{group_size, visible_events, FLASH_MS, MAX_EVENTS};
use crate::app::{Effect, State, View};
use crate::domain::{ClusterDetail, STANDALONE};
use crate::ops::watch::Observation;
use crate::timefmt::Timestamp;

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
    // Bad news only: an update that tells of findings gone or services cleared (or a
    // resolve) is no reason to blink (`worsens` is decided where the event is built).
    let news = events
        .iter()
        .any(|e| e.level == Level::Critical && !e.initial && e.worsens);
    if news {
        state.events.flash_until = Some(Timestamp(state.now.millis() + FLASH_MS));
    }
    let feed = &mut state.events.items;
    feed.extend(events);
    while feed.len() > MAX_EVENTS {
        feed.pop_front();
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

/// `:events`.
pub fn open(state: &mut State) -> Vec<Effect> {
    if state.screen().view != View::Events {
        state.stack.push(crate::app::Screen::new(View::Events));
    }
    super::load_all_details(state)
}

/// Enter on an event: its task (a task's alert), else its service.
pub fn drill(state: &mut State) -> Vec<Effect> {
    let s = state.screen();
    let target = visible_events(state, &s.filter)
        .get(s.selected)
        .and_then(|e| Some((e.cluster.clone()?, e.service.clone()?, e.task.clone())));
    match target {
        Some((cluster, service, Some(task))) => super::open(
            state,
            View::TaskDetail {
                cluster,
                service,
                task,
            },
        ),
        Some((cluster, service, None)) if service != STANDALONE => {
            super::open(state, View::ServiceDetail { cluster, service })
        }
        _ => Vec::new(),
    }
}
