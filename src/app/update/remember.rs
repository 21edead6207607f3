//! Reopening where the last session ended, and saying where this one is. The file itself
//! is `ops::remember`; the runtime reads and writes it.

use crate::ops::remember::{Pane, Remembered};

use crate::app::lists::{visible_clusters, visible_services};
use crate::app::{Effect, State, View};

/// The place to remember: the profile and region, and the deepest cluster (and service)
/// on the navigation stack, as a services or tasks pane.
pub fn snapshot(state: &State) -> Remembered {
    let place = state.stack.iter().rev().find_map(|s| match &s.view {
        View::Tasks { cluster, service }
        | View::ServiceDetail { cluster, service }
        | View::TaskDefinition { cluster, service }
        | View::TaskDetail {
            cluster, service, ..
        }
        | View::Logs { cluster, service }
        | View::Findings {
            cluster,
            service: Some(service),
        } => Some((cluster, Some(service))),
        View::Services { cluster }
        | View::Findings {
            cluster,
            service: None,
        }
        | View::FindingDetail { cluster, .. } => Some((cluster, None)),
        View::Clusters
        | View::Job
        | View::Alerts
        | View::Forwards
        | View::Events
        | View::Help
        | View::Messages
        | View::TaskDefs { .. }
        | View::TaskDefDiff { .. } => None,
    });
    let (cluster, service, pane) = match place {
        Some((c, Some(s))) => (Some(c.clone()), Some(s.clone()), Pane::Tasks),
        Some((c, None)) => (Some(c.clone()), None, Pane::Services),
        None => (None, None, Pane::Clusters),
    };
    Remembered {
        profile: state.account.profile_flag.clone(),
        region: Some(state.region.clone()),
        cluster,
        pane,
        service,
    }
}

/// At startup: a remembered place is reopened only in the account and region it was in
/// (a cluster of the same name elsewhere is another cluster).
pub fn plan_restore(state: &mut State, remembered: Remembered) {
    let same_place = remembered.profile == state.account.profile_flag
        && remembered.region.as_deref() == Some(state.region.as_str());
    if same_place && remembered.cluster.is_some() && remembered.pane != Pane::Clusters {
        state.account.restore = Some(remembered);
    }
}

/// Runs after every `update`: once the remembered cluster is listed, opens its services,
/// then, once they are loaded, the remembered service's tasks. Gives up as soon as the
/// cluster or service is gone or the user went elsewhere.
pub fn after(state: &mut State) -> Vec<Effect> {
    let Some(place) = state.account.restore.clone() else {
        return Vec::new();
    };
    let Some(cluster) = place.cluster.clone() else {
        state.account.restore = None;
        return Vec::new();
    };
    if state.clusters.data.is_none() {
        // Not listed yet; waiting is fine while the user stays on the clusters pane.
        if state.stack.len() > 1 {
            state.account.restore = None;
        }
        return Vec::new();
    }
    let on_its_services =
        |s: &State| s.stack.len() == 2 && s.screen().view == services_of(&cluster);
    let mut effects = Vec::new();
    if state.stack.len() == 1 {
        let Some(row) = visible_clusters(state, "")
            .iter()
            .position(|c| c.name == cluster)
        else {
            state.account.restore = None;
            return Vec::new();
        };
        state.stack[0].selected = row;
        effects = super::open(state, services_of(&cluster));
    }
    // `--cluster NAME` may have opened the services already; anything else is the user's.
    if !on_its_services(state) {
        state.account.restore = None;
        return effects;
    }
    let service = match (place.pane, &place.service) {
        (Pane::Tasks, Some(service)) => service.clone(),
        _ => {
            state.account.restore = None;
            return effects;
        }
    };
    let Some(slot) = state.detail(&cluster) else {
        return effects;
    };
    if slot.data.is_none() {
        if slot.error.is_some() && !slot.is_loading() {
            state.account.restore = None;
        }
        return effects;
    }
    state.account.restore = None;
    // The standalone tasks pane reopens as itself (it has no row among the services).
    if service == crate::domain::STANDALONE {
        effects.extend(super::open(state, View::Tasks { cluster, service }));
    } else if let Some(row) = visible_services(state, &cluster, "")
        .iter()
        .position(|s| s.name == service)
    {
        state.stack[1].selected = row;
        effects.extend(super::open(state, View::Tasks { cluster, service }));
    }
    effects
}

fn services_of(cluster: &str) -> View {
    View::Services {
        cluster: cluster.to_string(),
    }
}

#[cfg(test)]
#[path = "remember_tests.rs"]
mod tests;
