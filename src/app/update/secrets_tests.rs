//! Secrets health through `update`: a cluster refresh asks for its secrets once at a time,
//! the latest answer is stored, and a missing parameter becomes an alert.

use std::collections::BTreeMap;

use crate::app::{update, Effect, Msg, State};
use crate::domain::{ClusterDetail, SecretHealth, SecretSource, SecretState};
use crate::fixtures::{self, NOW};

fn detail_loaded(state: &mut State, detail: ClusterDetail) -> Vec<Effect> {
    let req = state.next_request;
    state.next_request += 1;
    state
        .details
        .entry("production".into())
        .or_default()
        .in_flight = Some(req);
    update(
        state,
        Msg::DetailLoaded {
            req,
            cluster: "production".into(),
            result: Ok(detail),
        },
    )
}

fn load_secrets(effects: &[Effect]) -> Vec<(u64, &str, Vec<&str>)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::LoadSecrets {
                req,
                cluster,
                services,
            } => Some((
                *req,
                cluster.as_str(),
                services.iter().map(|(s, _)| s.as_str()).collect(),
            )),
            _ => None,
        })
        .collect()
}

fn row(state: SecretState) -> SecretHealth {
    SecretHealth {
        container: "php".into(),
        name: "DB_PASSWORD".into(),
        value_from: "/laravel/production/DB_PASSWORD".into(),
        parameter: "/laravel/production/DB_PASSWORD".into(),
        source: SecretSource::Ssm,
        state,
        param_type: None,
        version: None,
        last_modified: None,
    }
}

fn answer(state: &mut State, req: u64, worker: SecretState) {
    update(
        state,
        Msg::SecretsLoaded {
            req,
            cluster: "production".into(),
            secrets: BTreeMap::from([
                ("web".to_string(), vec![row(SecretState::Exists)]),
                ("worker".to_string(), vec![row(worker)]),
            ]),
        },
    );
}

#[test]
fn a_loaded_detail_asks_about_its_services_secrets_once_at_a_time() {
    let mut s = fixtures::state_with(fixtures::production());
    let effects = detail_loaded(&mut s, fixtures::production());
    let asked = load_secrets(&effects);
    assert_eq!(asked.len(), 1, "{effects:#?}");
    let (req, cluster, services) = &asked[0];
    assert_eq!(*cluster, "production");
    assert_eq!(services, &vec!["scheduler", "web", "worker"]);
    assert_eq!(s.secrets["production"].in_flight, Some(*req));

    // A refresh while the check runs does not start a second one.
    let again = detail_loaded(&mut s, fixtures::production());
    assert!(load_secrets(&again).is_empty(), "{again:#?}");

    // Answered: the next refresh asks again (the AWS layer's cache makes that cheap).
    answer(&mut s, *req, SecretState::Exists);
    assert_eq!(s.secrets["production"].in_flight, None);
    assert_eq!(s.secrets["production"].fetched_at, Some(NOW));
    let later = detail_loaded(&mut s, fixtures::production());
    assert_eq!(load_secrets(&later).len(), 1, "{later:#?}");
}

#[test]
fn a_missing_parameter_becomes_an_alert_and_stale_answers_are_dropped() {
    let mut s = fixtures::state_with(fixtures::production());
    let effects = detail_loaded(&mut s, fixtures::production());
    let req = load_secrets(&effects)[0].0;
    let secret_alerts = |s: &State| {
        s.alerts
            .iter()
            .filter(|a| a.kind == "secret")
            .map(|a| a.service.clone())
            .collect::<Vec<_>>()
    };

    // An answer to an older request changes nothing.
    answer(&mut s, req + 100, SecretState::Missing);
    assert!(s.secrets["production"].data.is_none());
    assert!(secret_alerts(&s).is_empty());

    answer(&mut s, req, SecretState::Missing);
    assert_eq!(secret_alerts(&s), vec!["worker".to_string()]);
    let stored = &s.secrets["production"].data.as_ref().unwrap()["worker"];
    assert_eq!(stored[0].state, SecretState::Missing);

    // The alert stays through later detail loads (recomputed from the stored answer).
    detail_loaded(&mut s, fixtures::production());
    assert_eq!(secret_alerts(&s), vec!["worker".to_string()]);
}

#[test]
fn services_without_secrets_cost_no_check() {
    let mut detail = fixtures::production();
    for svc in &mut detail.services {
        for c in &mut svc.task_definition.as_mut().unwrap().containers {
            c.secrets.clear();
        }
    }
    let mut s = fixtures::state_with(detail.clone());
    let effects = detail_loaded(&mut s, detail);
    assert!(load_secrets(&effects).is_empty(), "{effects:#?}");
}
