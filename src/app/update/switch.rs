//! `:profile NAME` and `:region NAME`: switching AWS account or region without a restart.
//! The runtime builds new clients (`Effect::Switch`); when they are in place every pane
//! starts over from the clusters list, since nothing loaded for the old account or region
//! belongs to the new one.

use crate::domain::{ErrorKind, Failure, REGIONS};

use crate::app::state::Target;
use crate::app::{Effect, Screen, Slot, State, Switched, View};

/// Runs `:profile [NAME]` or `:region [NAME]`; without a name it says what is current.
pub fn command(state: &mut State, verb: &str, arg: &str) -> Vec<Effect> {
    let arg = arg.trim();
    match (verb, arg) {
        ("profile", "") => {
            let known = state
                .account
                .profiles
                .iter()
                .map(|p| format!("{} ({})", p.name, p.kind.label()))
                .collect::<Vec<_>>()
                .join(", ");
            let text = if known.is_empty() {
                format!(
                    "profile {}; no profiles in the AWS config files",
                    state.profile
                )
            } else {
                format!(
                    "profile {}; :profile NAME switches to {known}",
                    state.profile
                )
            };
            state.say(text, false);
            Vec::new()
        }
        ("region", "") => {
            let text = format!("region {}; :region NAME switches", state.region);
            state.say(text, false);
            Vec::new()
        }
        ("profile", name) => {
            let Some(profile) = state.account.profiles.iter().find(|p| p.name == name) else {
                let known: Vec<&str> = state
                    .account
                    .profiles
                    .iter()
                    .map(|p| p.name.as_str())
                    .collect();
                return refuse(
                    state,
                    format!(
                        "no profile `{name}` in the AWS config files (known: {})",
                        if known.is_empty() {
                            "none".to_string()
                        } else {
                            known.join(", ")
                        }
                    ),
                );
            };
            // The profile's own region, as a fresh start with --profile would pick; a
            // profile without one keeps the region on screen.
            let region = profile
                .region
                .clone()
                .unwrap_or_else(|| state.region.clone());
            let target = Target {
                profile: name.to_string(),
                region,
            };
            start(state, Some(name.to_string()), target)
        }
        ("region", region) => {
            if !is_region_name(region) {
                return refuse(
                    state,
                    format!("`{region}` is not an AWS region name (e.g. eu-west-1)"),
                );
            }
            let target = Target {
                profile: state.profile.clone(),
                region: region.to_string(),
            };
            start(state, None, target)
        }
        (other, _) => refuse(state, format!("unknown command :{other}")),
    }
}

/// Names to complete after `:profile ` or `:region `, sorted.
pub fn candidates(state: &State, verb: &str) -> Vec<String> {
    let profiles = state.account.profiles.iter();
    let mut names: Vec<String> = match verb {
        "profile" => profiles.map(|p| p.name.clone()).collect(),
        "region" => REGIONS
            .iter()
            .map(|r| r.to_string())
            .chain(profiles.filter_map(|p| p.region.clone()))
            .collect(),
        _ => Vec::new(),
    };
    names.sort();
    names.dedup();
    names
}

/// The switch ended: on success everything per account starts over; on failure the old
/// clients and data stay and the status line says why.
pub fn on_switched(state: &mut State, result: Result<Switched, Failure>) -> Vec<Effect> {
    let target = state.account.switching.take();
    let sw = match result {
        Ok(sw) => sw,
        Err(e) => {
            let profile = target.map_or_else(|| state.profile.clone(), |t| t.profile);
            let text = if e.kind == ErrorKind::SsoLogin {
                sso_login_text(&profile)
            } else {
                format!("could not switch: {e}")
            };
            state.say(text, true);
            return Vec::new();
        }
    };
    let mut effects = Vec::new();
    if let Some(pane) = state.logs.take() {
        effects.push(Effect::StopLogs {
            session: pane.session,
        });
    }
    // A confirm modal holds an action for the old account: it must not survive.
    state.modal = None;
    state.stack = vec![Screen::new(View::Clusters)];
    state.clusters = Slot::default();
    state.details.clear();
    state.metrics.clear();
    // An old account's secrets answer must not land on a same-named cluster here.
    state.secrets.clear();
    state.findings.clear();
    state.findings_loading = false;
    state.alerts.clear();
    // Another account or region: :events keeps what happened, its next look starts over.
    state.events.tracker = Default::default();
    state.account.restore = None;
    state.account.profile_flag = sw.profile_flag;
    state.account.profiles = sw.profiles;
    state.profile = sw.profile;
    state.region = sw.region;
    state.endpoint_url = sw.endpoint_url;
    let text = format!("switched to {} @ {}", state.profile, state.region);
    state.say(text, false);
    effects.extend(super::refresh(state));
    effects
}

/// The header's banner when the current profile's SSO session has run out: every load
/// fails the same way, so it is said once, with the command that fixes it.
pub fn sso_banner(state: &State) -> Option<String> {
    let failing = state
        .clusters
        .error
        .iter()
        .chain(state.details.values().flat_map(|d| d.error.iter()))
        .chain(state.metrics.values().flat_map(|m| m.error.iter()))
        .any(|e| e.kind == ErrorKind::SsoLogin);
    failing.then(|| sso_login_text(&state.profile))
}

fn sso_login_text(profile: &str) -> String {
    format!("SSO session expired: run `aws sso login --profile {profile}`")
}

fn start(state: &mut State, profile: Option<String>, target: Target) -> Vec<Effect> {
    if let Some(job) = state.job.as_ref().filter(|j| j.outcome.is_none()) {
        let verb = job.request.verb();
        return refuse(
            state,
            format!("a {verb} is running: switch when it has ended (:job shows it)"),
        );
    }
    if let Some(t) = &state.account.switching {
        let text = format!("already switching to {} @ {}", t.profile, t.region);
        return refuse(state, text);
    }
    state.say(
        format!("switching to {} @ {}…", target.profile, target.region),
        false,
    );
    let region = target.region.clone();
    state.account.switching = Some(target);
    vec![Effect::Switch { profile, region }]
}

fn refuse(state: &mut State, text: String) -> Vec<Effect> {
    state.say(text, true);
    Vec::new()
}

/// `eu-west-1`, `us-gov-west-1`, `cn-north-1`: letters, dash-separated, a number last.
fn is_region_name(name: &str) -> bool {
    let parts: Vec<&str> = name.split('-').collect();
    parts.len() >= 3
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
        && parts[parts.len() - 1].chars().all(|c| c.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty()
}

#[cfg(test)]
#[path = "switch_tests.rs"]
mod tests;
