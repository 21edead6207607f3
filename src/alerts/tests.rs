//! What the alert rules' tests share (each rule's tests sit beside it, firing and staying
//! quiet): the fixtures' production cluster trimmed down to one service so each test sees
//! only its own rule. Here too the tests of the whole: a quiet service, order and counts.

use std::collections::BTreeMap;

use super::*;
use crate::domain::{Finding, ImageFindings, Service, ServiceMetrics};
use crate::fixtures::{self, NOW};

pub(super) const PHP: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com/laravel-app:v1.5.0";

/// web with three running tasks, desired 3, a completed deployment and no events:
/// nothing alerts.
pub(super) fn quiet() -> Service {
    let mut s = fixtures::service(
        "web",
        vec![
            fixtures::task("0a1b2c3d4e5f", "web", true),
            fixtures::task("1b2c3d4e5f60", "web", true),
            fixtures::task("2c3d4e5f6071", "web", true),
        ],
    );
    s.events.clear();
    s
}

pub(super) fn detail(services: Vec<Service>) -> ClusterDetail {
    ClusterDetail {
        cluster: "production".into(),
        services,
        tasks: Vec::new(),
    }
}

pub(super) fn run(svc: Service) -> Vec<Alert> {
    run_with(
        svc,
        &BTreeMap::new(),
        &BTreeMap::new(),
        &AlertSettings::default(),
    )
}

pub(super) fn run_with(
    svc: Service,
    findings: &BTreeMap<String, ImageFindings>,
    metrics: &BTreeMap<String, ServiceMetrics>,
    cfg: &AlertSettings,
) -> Vec<Alert> {
    evaluate(&detail(vec![svc]), findings, metrics, cfg, NOW)
}

pub(super) fn finding(name: &str, severity: &str) -> Finding {
    Finding {
        name: name.into(),
        severity: severity.into(),
        package: Some("php".into()),
        version: Some("8.3.7".into()),
        fixed_in: Some("8.3.8".into()),
        score: Some(9.8),
        status: Some("ACTIVE".into()),
        url: Some(format!("https://nvd.nist.gov/vuln/detail/{name}")),
        description: None,
    }
}

pub(super) fn scan(image: &str, items: Vec<Finding>) -> ImageFindings {
    let mut counts = BTreeMap::new();
    for f in &items {
        *counts.entry(f.severity.clone()).or_insert(0) += 1;
    }
    ImageFindings {
        image: image.into(),
        digest: Some("sha256:0123".into()),
        status: "ACTIVE".into(),
        counts,
        items,
        scan_settings: Some("enhanced, continuous".into()),
        error: None,
    }
}

pub(super) fn findings_of(image: &str, items: Vec<Finding>) -> BTreeMap<String, ImageFindings> {
    BTreeMap::from([(image.to_string(), scan(image, items))])
}

pub(super) fn metrics(cpu: &[f64], mem: &[f64]) -> BTreeMap<String, ServiceMetrics> {
    let series = |v: &[f64]| -> Vec<(i64, f64)> {
        v.iter()
            .enumerate()
            .map(|(k, &x)| (NOW.0 - (v.len() - 1 - k) as i64 * 300_000, x))
            .collect()
    };
    BTreeMap::from([(
        "web".to_string(),
        ServiceMetrics {
            cpu_max: series(cpu),
            memory_max: series(mem),
        },
    )])
}

#[test]
fn a_quiet_service_has_no_alerts() {
    assert_eq!(run(quiet()), vec![]);
}

// --- ordering and counts -------------------------------------------------------------

#[test]
fn critical_comes_first_then_newest_first() {
    // The fixtures' production: web's stopped task (critical), unable-to-place events and
    // scheduler running 1 of 3 (warnings), plus a finding (critical, no time).
    let f = findings_of(PHP, vec![finding("CVE-2024-4577", "CRITICAL")]);
    let m = metrics(&[97.0], &[10.0]);
    let alerts = evaluate(
        &fixtures::production(),
        &f,
        &m,
        &AlertSettings::default(),
        NOW,
    );
    let levels: Vec<Level> = alerts.iter().map(|a| a.level).collect();
    let mut sorted = levels.clone();
    sorted.sort();
    assert_eq!(levels, sorted, "{alerts:#?}");
    assert_eq!(alerts[0].level, Level::Critical);
    for pair in alerts.windows(2) {
        if pair[0].level == pair[1].level {
            if let (Some(a), Some(b)) = (pair[0].since, pair[1].since) {
                assert!(a >= b, "newest first within a level: {alerts:#?}");
            } else {
                assert!(
                    pair[0].since.is_some() || pair[1].since.is_none(),
                    "alerts without a time come last: {alerts:#?}"
                );
            }
        }
    }
    let kinds: Vec<&str> = alerts.iter().map(|a| a.kind).collect();
    for k in [
        "task_failed",
        "finding",
        "under_desired",
        "service_event",
        "cpu",
    ] {
        assert!(kinds.contains(&k), "{k} missing: {kinds:?}");
    }
    // One finding alert per service running the image (all three run laravel-app v1.5.0).
    assert_eq!(kinds.iter().filter(|k| **k == "finding").count(), 3);
    // The newest warning (cpu peak at NOW) comes before the older event warnings.
    let first_warning = alerts.iter().find(|a| a.level == Level::Warning).unwrap();
    assert_eq!(first_warning.kind, "cpu");
}

#[test]
fn counts_by_level() {
    let a = |level| Alert {
        level,
        kind: "cpu",
        cluster: "production".into(),
        service: "web".into(),
        task: None,
        message: String::new(),
        since: None,
        subject: String::new(),
        cause: None,
        group: None,
        findings: Vec::new(),
        counts: Vec::new(),
    };
    assert_eq!(counts(&[]), (0, 0, 0));
    assert_eq!(
        counts(&[
            a(Level::Critical),
            a(Level::Warning),
            a(Level::Critical),
            a(Level::Info),
            a(Level::Warning),
            a(Level::Warning),
        ]),
        (2, 3, 1)
    );
}
