//! Findings, metrics and alerts through `update`: what to load after a cluster refresh,
//! storing the answers, and re-evaluating the alerts.

use std::collections::BTreeMap;

use crate::app::lists::{images_of, visible_findings};
use crate::app::{Effect, Screen, State, View};

/// CloudWatch metrics are 5-minute data: fetching them more often buys nothing.
const METRICS_EVERY_MS: i64 = 60_000;

/// After a cluster's detail arrived: its images' findings (cheap: cached by digest) and,
/// at most once a minute, its services' CPU/memory.
pub fn after_detail(state: &mut State, cluster: &str) -> Vec<Effect> {
    let mut effects = Vec::new();
    let images = images_of(state, cluster, None);
    if !images.is_empty() && !state.findings_loading {
        state.findings_loading = true;
        effects.push(Effect::LoadFindings { images });
    }
    let services: Vec<String> = state
        .detail(cluster)
        .and_then(|d| d.data.as_ref())
        .map(|d| d.services.iter().map(|s| s.name.clone()).collect())
        .unwrap_or_default();
    let now = state.now;
    let req = state.next_request;
    let slot = state.metrics.entry(cluster.to_string()).or_default();
    let stale = slot
        .fetched_at
        .is_none_or(|t| now.millis() - t.millis() >= METRICS_EVERY_MS);
    if !services.is_empty() && stale && slot.in_flight.is_none() {
        slot.in_flight = Some(req);
        state.next_request += 1;
        effects.push(Effect::LoadMetrics {
            req,
            cluster: cluster.to_string(),
            services,
        });
    }
    recompute(state);
    effects
}

pub fn on_findings(state: &mut State, found: BTreeMap<String, crate::domain::ImageFindings>) {
    state.findings_loading = false;
    state.findings.extend(found);
    recompute(state);
}

pub fn on_metrics(
    state: &mut State,
    req: u64,
    cluster: &str,
    result: Result<BTreeMap<String, crate::domain::ServiceMetrics>, crate::domain::Failure>,
) {
    let now = state.now;
    let Some(slot) = state
        .metrics
        .get_mut(cluster)
        .filter(|s| s.in_flight == Some(req))
    else {
        return;
    };
    slot.in_flight = None;
    match result {
        Ok(m) => {
            slot.data = Some(m);
            slot.fetched_at = Some(now);
            slot.error = None;
        }
        // Metrics failing (e.g. no cloudwatch:GetMetricData) must not hide the rest.
        Err(e) => {
            slot.error = Some(e);
            slot.fetched_at = Some(now);
        }
    }
    recompute(state);
}

/// Alerts of every cluster toadtop has loaded.
pub fn recompute(state: &mut State) {
    let empty = BTreeMap::new();
    let mut all = Vec::new();
    for (name, slot) in &state.details {
        let Some(detail) = &slot.data else { continue };
        let metrics = state
            .metrics
            .get(name)
            .and_then(|m| m.data.as_ref())
            .unwrap_or(&empty);
        all.extend(crate::alerts::evaluate(
            detail,
            &state.findings,
            metrics,
            &state.config.alerts,
            state.now,
        ));
        if let Some(secrets) = state.secrets.get(name).and_then(|s| s.data.as_ref()) {
            all.extend(crate::alerts::secret_alerts(name, secrets));
        }
    }
    crate::alerts::sort(&mut all);
    state.alerts = all;
    super::events::observe(state);
}

/// `f`: findings of the selected service (or the cluster's, from the cluster list).
pub fn open_findings(state: &mut State, cluster: String, service: Option<String>) -> Vec<Effect> {
    state
        .stack
        .push(Screen::new(View::Findings { cluster, service }));
    Vec::new()
}

/// Enter on a finding row.
pub fn drill(state: &mut State, cluster: &str, service: Option<&str>) -> Vec<Effect> {
    let s = state.screen();
    let rows = visible_findings(state, cluster, service, &s.filter);
    let Some(row) = rows.get(s.selected) else {
        return Vec::new();
    };
    let Some(f) = row.finding else {
        return Vec::new();
    };
    let view = View::FindingDetail {
        cluster: cluster.to_string(),
        image: row.image.to_string(),
        name: f.name.clone(),
    };
    state.stack.push(Screen::new(view));
    Vec::new()
}

#[cfg(test)]
#[path = "findings_tests.rs"]
mod tests;
