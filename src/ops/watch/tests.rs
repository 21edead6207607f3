//! The event diff: alerts raised once and resolved once however many refreshes they last,
//! identity without text, groups by cause, deployments, and nothing resolved by a look
//! that could not see.

use std::collections::BTreeSet;

use super::*;
use crate::domain::{ClusterDetail, Deployment};
use crate::fixtures::{self, NOW};

fn alert(cluster: &str, service: &str, kind: &'static str, subject: &str, msg: &str) -> Alert {
    Alert {
        level: Level::Critical,
        kind,
        cluster: cluster.into(),
        service: service.into(),
        task: None,
        message: msg.into(),
        since: None,
        subject: subject.into(),
        cause: None,
    }
}

fn finding(cluster: &str, service: &str) -> Alert {
    let mut a = alert(
        cluster,
        service,
        "finding",
        "php@sha256:aa",
        "php: 1 finding(s)",
    );
    a.cause = Some("finding sha256:aa CVE-2024-4577".into());
    a
}

fn cluster(name: &str) -> ClusterDetail {
    ClusterDetail {
        cluster: name.into(),
        services: Vec::new(),
        tasks: Vec::new(),
    }
}

fn at(secs: i64) -> Timestamp {
    Timestamp(NOW.0 + secs * 1000)
}

/// One look at `clusters` with `alerts` and nothing held.
fn look(t: &mut Tracker, secs: i64, clusters: &[&ClusterDetail], alerts: &[Alert]) -> Vec<Event> {
    look_held(t, secs, clusters, alerts, &BTreeSet::new())
}

fn look_held(
    t: &mut Tracker,
    secs: i64,
    clusters: &[&ClusterDetail],
    alerts: &[Alert],
    held: &BTreeSet<(String, &'static str)>,
) -> Vec<Event> {
    t.observe(Observation {
        at: at(secs),
        clusters,
        alerts,
        held,
    })
}

fn names(events: &[Event]) -> Vec<&'static str> {
    events.iter().map(|e| e.event.as_str()).collect()
}

#[test]
fn the_first_look_reports_active_alerts_as_initial_then_only_changes() {
    let prod = cluster("production");
    let a = alert("production", "web", "cpu", "", "cpu maximum 97%");
    let mut t = Tracker::default();
    let first = look(&mut t, 0, &[&prod], std::slice::from_ref(&a));
    assert_eq!(names(&first), ["alert_raised"]);
    assert!(first[0].initial);
    assert_eq!(first[0].cluster.as_deref(), Some("production"));
    assert_eq!(first[0].service.as_deref(), Some("web"));
    // The same alert, its text changed: no event, however many looks.
    let mut b = a.clone();
    b.message = "cpu maximum 98%".into();
    for i in 1..5 {
        assert!(look(&mut t, i, &[&prod], std::slice::from_ref(&b)).is_empty());
    }
    // A new one is not initial; the old one going is one resolve.
    let c = alert("production", "worker", "task_failed", "", "exited 1");
    let ev = look(&mut t, 6, &[&prod], std::slice::from_ref(&c));
    let mut got = names(&ev);
    got.sort_unstable();
    assert_eq!(got, ["alert_raised", "alert_resolved"]);
    let raised = ev
        .iter()
        .find(|e| e.event == EventKind::AlertRaised)
        .unwrap();
    assert!(!raised.initial);
    assert_eq!(raised.service.as_deref(), Some("worker"));
    let resolved = ev
        .iter()
        .find(|e| e.event == EventKind::AlertResolved)
        .unwrap();
    assert_eq!(resolved.service.as_deref(), Some("web"));
    assert!(look(&mut t, 7, &[&prod], std::slice::from_ref(&c)).is_empty());
}

#[test]
fn identity_is_kind_place_and_subject_not_text() {
    let prod = cluster("production");
    let mut t = Tracker::default();
    look(&mut t, 0, &[&prod], &[]);
    // Two deployment alerts of one service, told apart by the deployment id.
    let d1 = alert("production", "web", "deployment", "ecs-svc/1", "FAILED");
    let d2 = alert("production", "web", "deployment", "ecs-svc/2", "FAILED");
    let ev = look(&mut t, 1, &[&prod], &[d1.clone(), d2.clone()]);
    assert_eq!(names(&ev), ["alert_raised", "alert_raised"]);
    let ids: BTreeSet<_> = ev.iter().filter_map(|e| e.deployment.clone()).collect();
    assert_eq!(ids, ["ecs-svc/1", "ecs-svc/2"].map(String::from).into());
    let ev = look(&mut t, 2, &[&prod], &[d2]);
    assert_eq!(names(&ev), ["alert_resolved"]);
    assert_eq!(ev[0].deployment.as_deref(), Some("ecs-svc/1"));
}

#[test]
fn one_cause_is_one_event_and_later_services_update_it() {
    let (prod, stag) = (cluster("production"), cluster("staging"));
    let mut t = Tracker::default();
    look(&mut t, 0, &[&prod, &stag], &[]);
    let ev = look(
        &mut t,
        1,
        &[&prod, &stag],
        &[
            finding("production", "web"),
            finding("production", "worker"),
            finding("staging", "web"),
        ],
    );
    assert_eq!(names(&ev), ["alert_raised"], "{ev:#?}");
    let e = &ev[0];
    assert_eq!(e.count, 3);
    assert_eq!(e.group.as_deref(), Some("finding sha256:aa CVE-2024-4577"));
    assert_eq!(
        e.services,
        ["production/web", "production/worker", "staging/web"].map(String::from)
    );
    assert!(e.message.contains("3 services"), "{}", e.message);
    // A fourth service: an update of that event, not a new one.
    let four = [
        finding("production", "web"),
        finding("production", "worker"),
        finding("staging", "web"),
        finding("staging", "worker"),
    ];
    let ev = look(&mut t, 2, &[&prod, &stag], &four);
    assert_eq!(names(&ev), ["alert_updated"]);
    assert_eq!(ev[0].count, 4);
    assert!(
        ev[0].message.contains("joined: staging/worker"),
        "{}",
        ev[0].message
    );
    // Some leave: an update; the last leaving: the resolve.
    let ev = look(&mut t, 3, &[&prod, &stag], &four[..1]);
    assert_eq!(names(&ev), ["alert_updated"]);
    assert!(ev[0].message.contains("cleared:"), "{}", ev[0].message);
    let ev = look(&mut t, 4, &[&prod, &stag], &[]);
    assert_eq!(names(&ev), ["alert_resolved"]);
    assert_eq!(
        ev[0].group.as_deref(),
        Some("finding sha256:aa CVE-2024-4577")
    );
}

#[test]
fn hundreds_of_services_with_one_cve_are_one_event_listing_some_and_counting_all() {
    let prod = cluster("production");
    let alerts: Vec<Alert> = (0..510)
        .map(|i| finding("production", &format!("svc-{i:03}")))
        .collect();
    let mut t = Tracker::default();
    let ev = look(&mut t, 0, &[&prod], &alerts);
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0].count, 510);
    assert_eq!(ev[0].services.len(), MAX_LISTED);
    assert!(ev[0].message.contains("505 more"), "{}", ev[0].message);
    assert!(ev[0].initial);
}

#[test]
fn a_cluster_that_could_not_be_loaded_or_a_failed_source_resolves_nothing() {
    let (prod, stag) = (cluster("production"), cluster("staging"));
    let cpu = alert("production", "web", "cpu", "", "cpu");
    let task = alert("staging", "web", "task_failed", "", "exit 1");
    let mut t = Tracker::default();
    look(&mut t, 0, &[&prod, &stag], &[cpu.clone(), task.clone()]);
    // staging not loaded this time: its alert stays.
    assert!(look(&mut t, 1, &[&prod], std::slice::from_ref(&cpu)).is_empty());
    // Metrics of production failed: its cpu alert stays.
    let held: BTreeSet<(String, &'static str)> = [("production".to_string(), "cpu")].into();
    assert!(look_held(
        &mut t,
        2,
        &[&prod, &stag],
        std::slice::from_ref(&task),
        &held
    )
    .is_empty());
    // Nothing loaded at all: nothing changes.
    assert!(look(&mut t, 3, &[], &[]).is_empty());
    assert_eq!(t.active().count(), 2);
    // Seen again without it: now it is resolved.
    let ev = look(&mut t, 4, &[&prod, &stag], std::slice::from_ref(&task));
    assert_eq!(names(&ev), ["alert_resolved"]);
}

fn deployment(id: &str, state: &str) -> Deployment {
    Deployment {
        id: id.into(),
        status: "PRIMARY".into(),
        rollout_state: Some(state.into()),
        rollout_state_reason: None,
        task_definition_arn: "arn:aws:ecs:us-east-1:1:task-definition/laravel-web:3".into(),
        desired: 2,
        running: 0,
        pending: 0,
        failed_tasks: 0,
        created_at: Some(NOW),
        updated_at: Some(NOW),
    }
}

fn with_deployments(deps: Vec<Deployment>) -> ClusterDetail {
    let mut svc = fixtures::service("web", Vec::new());
    svc.deployments = deps;
    ClusterDetail {
        cluster: "production".into(),
        services: vec![svc],
        tasks: Vec::new(),
    }
}

#[test]
fn deployments_started_completed_and_failed() {
    let mut t = Tracker::default();
    // At start: remembered, not reported.
    let d = with_deployments(vec![deployment("ecs-svc/1", "COMPLETED")]);
    assert!(look(&mut t, 0, &[&d], &[]).is_empty());
    // A new one appears in progress.
    let d = with_deployments(vec![
        deployment("ecs-svc/2", "IN_PROGRESS"),
        deployment("ecs-svc/1", "COMPLETED"),
    ]);
    let ev = look(&mut t, 1, &[&d], &[]);
    assert_eq!(names(&ev), ["deployment_started"]);
    assert_eq!(ev[0].deployment.as_deref(), Some("ecs-svc/2"));
    assert_eq!(ev[0].level, Level::Info);
    assert!(ev[0].message.contains("laravel-web:3"), "{}", ev[0].message);
    assert!(look(&mut t, 2, &[&d], &[]).is_empty());
    let d = with_deployments(vec![deployment("ecs-svc/2", "COMPLETED")]);
    let ev = look(&mut t, 3, &[&d], &[]);
    assert_eq!(names(&ev), ["deployment_completed"]);
    // Another fails (the circuit breaker).
    let mut failed = deployment("ecs-svc/3", "IN_PROGRESS");
    let d = with_deployments(vec![failed.clone(), deployment("ecs-svc/2", "COMPLETED")]);
    look(&mut t, 4, &[&d], &[]);
    failed.rollout_state = Some("FAILED".into());
    failed.rollout_state_reason =
        Some("ECS deployment circuit breaker: tasks failed to start.".into());
    let d = with_deployments(vec![failed, deployment("ecs-svc/2", "COMPLETED")]);
    let ev = look(&mut t, 5, &[&d], &[]);
    assert_eq!(names(&ev), ["deployment_failed"]);
    assert_eq!(ev[0].level, Level::Critical);
    assert!(
        ev[0].message.contains("circuit breaker"),
        "{}",
        ev[0].message
    );
}

#[test]
fn min_level_filters_but_never_the_watch_itself() {
    let info = Event::recovered("us-east-1", NOW, at(5));
    assert!(info.passes(Level::Critical));
    let mut e = info.clone();
    e.event = EventKind::DeploymentStarted;
    assert!(!e.passes(Level::Warning));
    assert!(e.passes(Level::Info));
    e.level = Level::Critical;
    assert!(e.passes(Level::Critical));
}

#[test]
fn json_and_text_are_one_line_and_sanitized() {
    let prod = cluster("production");
    let mut a = alert(
        "production",
        "web",
        "service_event",
        "e1",
        "bad \u{1b}[31mred\u{1b}[0m\nline",
    );
    a.since = Some(NOW);
    let mut t = Tracker::default();
    let ev = look(&mut t, 0, &[&prod], &[a]);
    let v = ev[0].to_json();
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["event"], "alert_raised");
    assert_eq!(v["level"], "critical");
    assert_eq!(v["kind"], "service_event");
    assert_eq!(v["initial"], true);
    assert_eq!(v["since"], NOW.rfc3339());
    assert_eq!(v["at"], NOW.rfc3339());
    for field in ["cluster", "service", "task", "deployment", "message"] {
        assert!(v.get(field).is_some(), "{field} missing: {v}");
    }
    let line = crate::safety::json_string(&v);
    assert!(!line.contains('\n') && !line.contains('\u{1b}'), "{line}");
    let text = ev[0].to_text();
    assert!(!text.contains('\n') && !text.contains('\u{1b}'), "{text}");
    assert!(
        text.contains("alert_raised") && text.contains("production/web"),
        "{text}"
    );
    assert!(text.ends_with("(initial)"), "{text}");
}
