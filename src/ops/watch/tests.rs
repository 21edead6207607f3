//! The event diff: alerts raised once and resolved once however many refreshes they last,
//! identity without text, groups by cause, deployments, and nothing resolved by a look
//! that could not see.

use std::collections::BTreeSet;

use super::*;
use crate::domain::{ClusterDetail, Deployment};
use crate::fixtures::{self, NOW};
use serde_json::json;

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
        group: None,
        findings: Vec::new(),
        counts: Vec::new(),
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

/// A finding alert of `service` whose image (digest sha256:aa) names `cves`, each
/// `CVE:SEVERITY` (CRITICAL when no severity is given), as alerts/findings.rs builds it.
fn finding_naming(cluster: &str, service: &str, cves: &[&str]) -> Alert {
    let mut a = finding(cluster, service);
    let mut findings: Vec<(String, String)> = cves
        .iter()
        .map(|c| match c.split_once(':') {
            Some((n, s)) => (n.to_string(), s.to_string()),
            None => (c.to_string(), "CRITICAL".to_string()),
        })
        .collect();
    findings.sort();
    let names: Vec<&str> = findings.iter().map(|(n, _)| n.as_str()).collect();
    a.cause = Some(format!("finding sha256:aa {}", names.join(",")));
    a.group = Some("finding sha256:aa".into());
    a.message = format!("php: {} finding(s) ({})", names.len(), names.join(", "));
    a.findings = findings;
    a
}

/// `finding_naming` for each of `services` of production.
fn image_run_by(services: &[&str], cves: &[&str]) -> Vec<Alert> {
    services
        .iter()
        .map(|s| finding_naming("production", s, cves))
        .collect()
}

fn new_findings(e: &Event) -> Vec<&str> {
    e.new_findings.iter().map(|(n, _)| n.as_str()).collect()
}

// Before findings were tracked, a finding alert's group was its cause, CVEs included, and
// its identity container@digest: a CVE published for an image already alerted was no
// event at all, a service starting that image afterwards was a second `alert_raised` of
// a second group (count 1) for the same digest, and the image going was two resolves.

#[test]
fn a_new_cve_in_an_alerted_image_is_one_update_naming_it_then_nothing() {
    let prod = cluster("production");
    let mut t = Tracker::default();
    let one = image_run_by(&["web", "worker"], &["CVE-2024-4577"]);
    let ev = look(&mut t, 0, &[&prod], &one);
    assert_eq!(names(&ev), ["alert_raised"]);
    assert!(
        ev[0].new_findings.is_empty(),
        "a raise names no news: {ev:#?}"
    );
    // Continuous scanning: the same digest now has one more CVE.
    let two = image_run_by(&["web", "worker"], &["CVE-2024-4577", "CVE-2024-9999"]);
    let ev = look(&mut t, 1, &[&prod], &two);
    assert_eq!(names(&ev), ["alert_updated"], "{ev:#?}");
    let e = &ev[0];
    assert_eq!(new_findings(e), ["CVE-2024-9999"]);
    assert_eq!(e.new_findings[0].1, "CRITICAL");
    assert!(e.gone_findings.is_empty());
    assert_eq!(
        (e.level, e.kind.as_str(), e.count),
        (Level::Critical, "finding", 2)
    );
    assert!(!e.initial);
    assert!(
        e.message
            .starts_with("new: CVE-2024-9999 (CRITICAL); php: 2 finding(s)"),
        "{}",
        e.message
    );
    assert_eq!(
        e.group.as_deref(),
        Some("finding sha256:aa CVE-2024-4577,CVE-2024-9999")
    );
    let v = e.to_json();
    assert_eq!(v["schema_version"], 1);
    assert_eq!(
        v["new_findings"],
        json!([{"name": "CVE-2024-9999", "severity": "CRITICAL"}])
    );
    assert_eq!(v["gone_findings"], json!([]));
    // The same state again: nothing, however many looks.
    for i in 2..5 {
        assert!(look(&mut t, i, &[&prod], &two).is_empty());
    }
    // A service starting the image now joins that group: an update, not a second raise.
    let three = image_run_by(
        &["web", "worker", "scheduler"],
        &["CVE-2024-4577", "CVE-2024-9999"],
    );
    let ev = look(&mut t, 5, &[&prod], &three);
    assert_eq!(names(&ev), ["alert_updated"], "{ev:#?}");
    assert_eq!(ev[0].count, 3);
    assert!(ev[0].new_findings.is_empty(), "{ev:#?}");
    assert!(
        ev[0].message.contains("joined: production/scheduler"),
        "{}",
        ev[0].message
    );
    // The image gone: one resolve.
    let ev = look(&mut t, 6, &[&prod], &[]);
    assert_eq!(names(&ev), ["alert_resolved"], "{ev:#?}");
    assert_eq!(ev[0].count, 3);
}

#[test]
fn a_new_cve_in_an_image_eight_services_run_is_one_event_counting_eight() {
    let prod = cluster("production");
    let services = [
        "web",
        "worker",
        "scheduler",
        "api",
        "horizon",
        "reverb",
        "admin",
        "mail",
    ];
    let mut t = Tracker::default();
    look(
        &mut t,
        0,
        &[&prod],
        &image_run_by(&services, &["CVE-2024-4577"]),
    );
    let grown = image_run_by(
        &services,
        &["CVE-2024-4577", "CVE-2024-9999", "CVE-2024-2511:HIGH"],
    );
    let ev = look(&mut t, 1, &[&prod], &grown);
    assert_eq!(names(&ev), ["alert_updated"], "{ev:#?}");
    assert_eq!(ev[0].count, 8);
    assert_eq!(ev[0].services.len(), 8);
    // Most severe first.
    assert_eq!(new_findings(&ev[0]), ["CVE-2024-9999", "CVE-2024-2511"]);
    assert!(
        ev[0]
            .message
            .starts_with("new: CVE-2024-9999 (CRITICAL), CVE-2024-2511 (HIGH); "),
        "{}",
        ev[0].message
    );
    assert!(
        ev[0].message.contains("now 8 services"),
        "{}",
        ev[0].message
    );
    assert!(look(&mut t, 2, &[&prod], &grown).is_empty());
}

#[test]
fn a_cve_gone_while_another_remains_is_an_update_and_the_last_gone_a_resolve() {
    let prod = cluster("production");
    let mut t = Tracker::default();
    let both = image_run_by(&["web", "worker"], &["CVE-2024-4577", "CVE-2024-9999"]);
    look(&mut t, 0, &[&prod], &both);
    // Fixed or suppressed: the scan no longer lists it.
    let one = image_run_by(&["web", "worker"], &["CVE-2024-4577"]);
    let ev = look(&mut t, 1, &[&prod], &one);
    assert_eq!(names(&ev), ["alert_updated"], "{ev:#?}");
    assert!(ev[0].new_findings.is_empty());
    let gone: Vec<&str> = ev[0]
        .gone_findings
        .iter()
        .map(|(n, _)| n.as_str())
        .collect();
    assert_eq!(gone, ["CVE-2024-9999"]);
    assert!(
        ev[0]
            .message
            .starts_with("gone: CVE-2024-9999 (CRITICAL); "),
        "{}",
        ev[0].message
    );
    assert!(look(&mut t, 2, &[&prod], &one).is_empty());
    // One gone and one new in the same look: one update telling both.
    let swapped = image_run_by(&["web", "worker"], &["CVE-2024-0001"]);
    let ev = look(&mut t, 3, &[&prod], &swapped);
    assert_eq!(names(&ev), ["alert_updated"], "{ev:#?}");
    assert_eq!(new_findings(&ev[0]), ["CVE-2024-0001"]);
    assert_eq!(ev[0].gone_findings.len(), 1);
    assert!(
        ev[0]
            .message
            .starts_with("new: CVE-2024-0001 (CRITICAL); gone: CVE-2024-4577 (CRITICAL); "),
        "{}",
        ev[0].message
    );
    // All gone: the alert is no longer computed, the existing resolve.
    let ev = look(&mut t, 4, &[&prod], &[]);
    assert_eq!(names(&ev), ["alert_resolved"], "{ev:#?}");
    assert!(ev[0].gone_findings.is_empty());
}

#[test]
fn the_first_look_and_a_failed_findings_source_tell_no_new_cve() {
    let (prod, stag) = (cluster("production"), cluster("staging"));
    let mut t = Tracker::default();
    // First look: what is there, initial, however many CVEs.
    let ev = look(
        &mut t,
        0,
        &[&prod],
        &image_run_by(&["web"], &["CVE-2024-4577", "CVE-2024-9999"]),
    );
    assert_eq!(names(&ev), ["alert_raised"]);
    assert!(ev[0].initial && ev[0].new_findings.is_empty(), "{ev:#?}");
    // Findings could not be read: the alert is kept as it was, nothing is told.
    let held: BTreeSet<(String, &'static str)> = [("production".to_string(), "finding")].into();
    assert!(look_held(&mut t, 1, &[&prod], &[], &held).is_empty());
    // staging's first look brings a member naming one more CVE: one initial update.
    let mut both = image_run_by(&["web"], &["CVE-2024-4577", "CVE-2024-9999"]);
    both.push(finding_naming(
        "staging",
        "web",
        &["CVE-2024-4577", "CVE-2024-9999", "CVE-2024-1111"],
    ));
    let ev = look(&mut t, 2, &[&prod, &stag], &both);
    assert_eq!(names(&ev), ["alert_updated"], "{ev:#?}");
    assert!(ev[0].initial);
    assert_eq!(new_findings(&ev[0]), ["CVE-2024-1111"]);
    // production catching up names nothing new: no event.
    let all = image_run_by(
        &["web"],
        &["CVE-2024-4577", "CVE-2024-9999", "CVE-2024-1111"],
    )
    .into_iter()
    .chain([finding_naming(
        "staging",
        "web",
        &["CVE-2024-4577", "CVE-2024-9999", "CVE-2024-1111"],
    )])
    .collect::<Vec<_>>();
    assert!(look(&mut t, 3, &[&prod, &stag], &all).is_empty());
}

fn raised(e: &Event) -> Vec<(&str, &str, &str)> {
    e.raised_findings
        .iter()
        .map(|(n, s, w)| (n.as_str(), s.as_str(), w.as_str()))
        .collect()
}

// Before severities were compared, a CVE the alert named already that Inspector re-scored
// HIGH -> CRITICAL changed only the tracker's memory: no event, nothing flashed.

#[test]
fn a_severity_that_rises_is_one_update_naming_it_then_nothing() {
    let prod = cluster("production");
    let mut t = Tracker::default();
    let before = image_run_by(&["web", "worker"], &["CVE-2024-4577", "CVE-2024-2511:HIGH"]);
    let ev = look(&mut t, 0, &[&prod], &before);
    assert_eq!(names(&ev), ["alert_raised"]);
    // The first look tells what is there, not what rose.
    assert!(ev[0].raised_findings.is_empty(), "{ev:#?}");
    let after = image_run_by(&["web", "worker"], &["CVE-2024-4577", "CVE-2024-2511"]);
    let ev = look(&mut t, 1, &[&prod], &after);
    assert_eq!(names(&ev), ["alert_updated"], "{ev:#?}");
    let e = &ev[0];
    assert_eq!(raised(e), [("CVE-2024-2511", "CRITICAL", "HIGH")]);
    assert!(
        e.new_findings.is_empty() && e.gone_findings.is_empty(),
        "{e:#?}"
    );
    assert_eq!((e.level, e.count, e.initial), (Level::Critical, 2, false));
    assert!(e.worsens);
    assert!(
        e.message
            .starts_with("raised: CVE-2024-2511 HIGH\u{2192}CRITICAL; php: 2 finding(s)"),
        "{}",
        e.message
    );
    let v = e.to_json();
    assert_eq!(v["schema_version"], 1);
    assert_eq!(
        v["raised_findings"],
        json!([{"name": "CVE-2024-2511", "severity": "CRITICAL", "was": "HIGH"}])
    );
    assert_eq!(v["raised_counts"], json!([]));
    assert!(v.get("worsens").is_none(), "not part of the JSON: {v}");
    for i in 2..5 {
        assert!(look(&mut t, i, &[&prod], &after).is_empty());
    }
    // Falling back (still named): nothing told; a rise again is measured from there.
    assert!(look(&mut t, 5, &[&prod], &before).is_empty());
    assert!(look(&mut t, 6, &[&prod], &before).is_empty());
    let ev = look(&mut t, 7, &[&prod], &after);
    assert_eq!(names(&ev), ["alert_updated"], "{ev:#?}");
    assert_eq!(raised(&ev[0]), [("CVE-2024-2511", "CRITICAL", "HIGH")]);
}

#[test]
fn a_severity_rising_from_below_min_severity_is_a_new_finding() {
    // Below `min_severity` the rule does not name a finding (alerts/findings.rs), so a
    // MEDIUM CVE becoming CRITICAL (min CRITICAL) appears: `new`, not `raised`.
    let prod = cluster("production");
    let mut t = Tracker::default();
    look(
        &mut t,
        0,
        &[&prod],
        &image_run_by(&["web"], &["CVE-2024-4577"]),
    );
    let ev = look(
        &mut t,
        1,
        &[&prod],
        &image_run_by(&["web"], &["CVE-2024-4577", "CVE-2023-42366"]),
    );
    assert_eq!(names(&ev), ["alert_updated"], "{ev:#?}");
    assert_eq!(new_findings(&ev[0]), ["CVE-2023-42366"]);
    assert!(ev[0].raised_findings.is_empty() && ev[0].worsens, "{ev:#?}");
}

/// A finding alert built from severity counts alone (the scan lists no findings), as
/// alerts/findings.rs builds it: `counts` is `(severity, count)`, most severe first.
fn counted(service: &str, counts: &[(&str, i64)]) -> Alert {
    let mut a = finding("production", service);
    let n: i64 = counts.iter().map(|(_, n)| n).sum();
    a.cause = Some("finding sha256:aa ".into());
    a.group = Some("finding sha256:aa".into());
    a.message = format!("php: {n} finding(s) at or above HIGH in v1.5.0");
    a.counts = counts.iter().map(|(s, n)| (s.to_string(), *n)).collect();
    a
}

fn counted_by(services: &[&str], counts: &[(&str, i64)]) -> Vec<Alert> {
    services.iter().map(|s| counted(s, counts)).collect()
}

// Before counts were compared, a finding alert built from a summary alone named no
// findings, so a count rising (a new CRITICAL in basic scanning's summary) told nothing.

#[test]
fn a_count_that_rises_in_a_counts_only_alert_is_one_update_per_group() {
    let prod = cluster("production");
    let services = ["web", "worker", "scheduler"];
    let mut t = Tracker::default();
    let one = counted_by(&services, &[("CRITICAL", 1)]);
    let ev = look(&mut t, 0, &[&prod], &one);
    assert_eq!(names(&ev), ["alert_raised"]);
    assert!(ev[0].raised_counts.is_empty() && ev[0].initial, "{ev:#?}");
    assert!(look(&mut t, 1, &[&prod], &one).is_empty());
    let two = counted_by(&services, &[("CRITICAL", 2)]);
    let ev = look(&mut t, 2, &[&prod], &two);
    assert_eq!(names(&ev), ["alert_updated"], "{ev:#?}");
    let e = &ev[0];
    assert_eq!(e.raised_counts, [("CRITICAL".to_string(), 2, 1)]);
    assert_eq!((e.count, e.level, e.initial), (3, Level::Critical, false));
    assert!(e.worsens);
    assert!(
        e.message
            .starts_with("CRITICAL 1\u{2192}2; php: 2 finding(s)"),
        "{}",
        e.message
    );
    assert!(e.message.contains("now 3 services"), "{}", e.message);
    assert_eq!(
        e.to_json()["raised_counts"],
        json!([{"severity": "CRITICAL", "count": 2, "was": 1}])
    );
    for i in 3..6 {
        assert!(look(&mut t, i, &[&prod], &two).is_empty());
    }
    // A count that falls: nothing; a severity counted for the first time rose from 0.
    assert!(look(&mut t, 6, &[&prod], &one).is_empty());
    let more = counted_by(&services, &[("CRITICAL", 1), ("HIGH", 3)]);
    let ev = look(&mut t, 7, &[&prod], &more);
    assert_eq!(names(&ev), ["alert_updated"], "{ev:#?}");
    assert_eq!(ev[0].raised_counts, [("HIGH".to_string(), 3, 0)]);
    assert!(
        ev[0].message.starts_with("HIGH 0\u{2192}3; "),
        "{}",
        ev[0].message
    );
    assert!(look(&mut t, 8, &[&prod], &more).is_empty());
}

#[test]
fn counts_becoming_names_tell_the_names_not_the_counts() {
    // The summary gains its list (or loses it): counts compare only with counts.
    let prod = cluster("production");
    let mut t = Tracker::default();
    look(&mut t, 0, &[&prod], &[counted("web", &[("CRITICAL", 1)])]);
    let ev = look(
        &mut t,
        1,
        &[&prod],
        &image_run_by(&["web"], &["CVE-2024-4577", "CVE-2024-9999"]),
    );
    assert_eq!(names(&ev), ["alert_updated"], "{ev:#?}");
    assert_eq!(new_findings(&ev[0]), ["CVE-2024-4577", "CVE-2024-9999"]);
    assert!(ev[0].raised_counts.is_empty(), "{ev:#?}");
    // And back to counts alone: no count "rose" from names.
    let ev = look(&mut t, 2, &[&prod], &[counted("web", &[("CRITICAL", 3)])]);
    assert!(ev.iter().all(|e| e.raised_counts.is_empty()), "{ev:#?}");
}

#[test]
fn only_bad_news_worsens() {
    let prod = cluster("production");
    let mut t = Tracker::default();
    let both = image_run_by(&["web", "worker"], &["CVE-2024-4577", "CVE-2024-9999"]);
    let ev = look(&mut t, 0, &[&prod], &both);
    assert!(ev[0].worsens, "a raise is bad news, initial or not");
    // A CVE gone: good news.
    let one = image_run_by(&["web", "worker"], &["CVE-2024-4577"]);
    let ev = look(&mut t, 1, &[&prod], &one);
    assert_eq!(names(&ev), ["alert_updated"]);
    assert!(!ev[0].worsens, "{ev:#?}");
    // A service leaving: good news.
    let ev = look(&mut t, 2, &[&prod], &one[..1]);
    assert_eq!(names(&ev), ["alert_updated"]);
    assert!(ev[0].message.contains("cleared:"), "{}", ev[0].message);
    assert!(!ev[0].worsens, "{ev:#?}");
    // A service joining: bad news.
    let ev = look(&mut t, 3, &[&prod], &one);
    assert!(ev[0].message.contains("joined:"), "{}", ev[0].message);
    assert!(ev[0].worsens, "{ev:#?}");
    // One gone and one new at once: bad news (something new to act on).
    let swapped = image_run_by(&["web", "worker"], &["CVE-2024-0001"]);
    let ev = look(&mut t, 4, &[&prod], &swapped);
    assert!(!ev[0].gone_findings.is_empty() && ev[0].worsens, "{ev:#?}");
    // The resolve: good news.
    let ev = look(&mut t, 5, &[&prod], &[]);
    assert_eq!(names(&ev), ["alert_resolved"]);
    assert!(!ev[0].worsens);
    // Deployments: only a failure.
    let mut t = Tracker::default();
    look(&mut t, 0, &[&with_deployments(Vec::new())], &[]);
    let d = with_deployments(vec![deployment("ecs-svc/9", "IN_PROGRESS")]);
    let ev = look(&mut t, 1, &[&d], &[]);
    assert_eq!(names(&ev), ["deployment_started"]);
    assert!(!ev[0].worsens);
    let d = with_deployments(vec![deployment("ecs-svc/9", "FAILED")]);
    let ev = look(&mut t, 2, &[&d], &[]);
    assert_eq!(names(&ev), ["deployment_failed"]);
    assert!(ev[0].worsens);
    let ev = look(&mut t, 3, &[&with_deployments(Vec::new())], &[]);
    assert!(ev.is_empty(), "{ev:#?}");
}
