//! Secrets health through `update`: after each cluster load, ask about its services'
//! secrets (cheap: the AWS layer reuses answers for minutes, so most refreshes cost no
//! call), store the answer and re-evaluate the alerts.

use std::collections::BTreeMap;

use crate::app::{Effect, State};
use crate::domain::SecretHealth;

/// After a cluster's detail arrived: check the secrets its services' task definitions
/// name, unless the previous check is still running (the next refresh asks again).
pub fn after_detail(state: &mut State, cluster: &str) -> Vec<Effect> {
    let services = state
        .detail(cluster)
        .and_then(|d| d.data.as_ref())
        .map(|d| d.service_task_definitions())
        .unwrap_or_default();
    let any = services
        .iter()
        .any(|(_, td)| td.containers.iter().any(|c| !c.secrets.is_empty()));
    let req = state.next_request;
    let slot = state.secrets.entry(cluster.to_string()).or_default();
    if !any || slot.in_flight.is_some() {
        return Vec::new();
    }
    slot.in_flight = Some(req);
    state.next_request += 1;
    vec![Effect::LoadSecrets {
        req,
        cluster: cluster.to_string(),
        services,
    }]
}

/// Stores the answer to the latest request (older ones are dropped).
pub fn on_secrets(
    state: &mut State,
    req: u64,
    cluster: &str,
    secrets: BTreeMap<String, Vec<SecretHealth>>,
) {
    let now = state.now;
    let Some(slot) = state
        .secrets
        .get_mut(cluster)
        .filter(|s| s.in_flight == Some(req))
    else {
        return;
    };
    slot.in_flight = None;
    slot.data = Some(secrets);
    slot.fetched_at = Some(now);
    super::findings::recompute(state);
}

#[cfg(test)]
#[path = "secrets_tests.rs"]
mod tests;
