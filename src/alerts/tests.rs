//! The alert rules (five signals and missing secrets), each firing and staying quiet, on
//! the fixtures' production cluster trimmed down to one service so each test sees only its
//! own rule.

use std::collections::BTreeMap;

use super::*;
use crate::domain::{
    Deployment, Finding, ImageFindings, SecretHealth, Service, ServiceEvent, ServiceMetrics,
};
use crate::fixtures::{self, NOW};

const PHP: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com/laravel-app:v1.5.0";

/// web with three running tasks, desired 3, a completed deployment and no events:
/// nothing alerts.
fn quiet() -> Service {
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

fn detail(services: Vec<Service>) -> ClusterDetail {
    ClusterDetail {
        cluster: "production".into(),
        services,
        tasks: Vec::new(),
    }
}

fn run(svc: Service) -> Vec<Alert> {
    run_with(
        svc,
        &BTreeMap::new(),
        &BTreeMap::new(),
        &AlertSettings::default(),
    )
}

fn run_with(
    svc: Service,
    findings: &BTreeMap<String, ImageFindings>,
    metrics: &BTreeMap<String, ServiceMetrics>,
    cfg: &AlertSettings,
) -> Vec<Alert> {
    evaluate(&detail(vec![svc]), findings, metrics, cfg, NOW)
}

fn finding(name: &str, severity: &str) -> Finding {
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

fn scan(image: &str, items: Vec<Finding>) -> ImageFindings {
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

fn findings_of(image: &str, items: Vec<Finding>) -> BTreeMap<String, ImageFindings> {
    BTreeMap::from([(image.to_string(), scan(image, items))])
}

fn deployment(state: &str, reason: &str, created_min_ago: i64) -> Deployment {
    let mut d = quiet().deployments.remove(0);
    d.rollout_state = Some(state.into());
    d.rollout_state_reason = Some(reason.into());
    d.created_at = Some(Timestamp(NOW.0 - created_min_ago * 60_000));
    d.updated_at = Some(Timestamp(NOW.0 - 60_000));
    d
}

fn metrics(cpu: &[f64], mem: &[f64]) -> BTreeMap<String, ServiceMetrics> {
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

// --- 1. stopped tasks ----------------------------------------------------------------

#[test]
fn a_task_the_scheduler_stopped_does_not_alert_even_with_exit_1() {
    let mut svc = quiet();
    let mut t = fixtures::task("3d4e5f607182", "web", false);
    t.stop_code = Some("ServiceSchedulerInitiated".into());
    t.stopped_reason = Some("Scaling activity initiated by (deployment ecs-svc/1)".into());
    assert_eq!(t.containers[0].exit_code, Some(1));
    svc.tasks.push(t);
    assert_eq!(run(svc), vec![]);
}

#[test]
fn an_essential_container_exit_is_critical_naming_container_and_code() {
    let mut svc = quiet();
    let mut t = fixtures::task("3d4e5f607182", "web", false);
    t.containers[1].exit_code = Some(0);
    svc.tasks.push(t);
    let alerts = run(svc);
    assert_eq!(alerts.len(), 1, "{alerts:#?}");
    let a = &alerts[0];
    assert_eq!(a.level, Level::Critical);
    assert_eq!(a.kind, "task_failed");
    assert_eq!(a.cluster, "production");
    assert_eq!(a.service, "web");
    assert_eq!(a.task.as_deref(), Some("3d4e5f607182"));
    assert!(a.message.contains("php exited 1"), "{}", a.message);
    assert!(
        !a.message.contains("nginx"),
        "exit 0 is not named: {}",
        a.message
    );
    assert!(
        a.message.contains("Essential container in task exited"),
        "{}",
        a.message
    );
    assert_eq!(a.since, Some(Timestamp(NOW.0 - 600_000)));
}

#[test]
fn a_stopped_task_with_clean_exits_does_not_alert() {
    let mut svc = quiet();
    let mut t = fixtures::task("3d4e5f607182", "web", false);
    for c in &mut t.containers {
        c.exit_code = Some(0);
    }
    svc.tasks.push(t);
    assert_eq!(run(svc), vec![]);
}

#[test]
fn a_task_that_failed_to_start_is_a_warning() {
    let mut svc = quiet();
    let mut t = fixtures::task("3d4e5f607182", "web", false);
    t.stop_code = Some("TaskFailedToStart".into());
    t.stopped_reason = Some("CannotPullContainerError: pull access denied".into());
    for c in &mut t.containers {
        c.exit_code = None;
    }
    svc.tasks.push(t);
    let alerts = run(svc);
    assert_eq!(alerts.len(), 1, "{alerts:#?}");
    assert_eq!(alerts[0].level, Level::Warning);
    assert_eq!(alerts[0].kind, "task_failed");
    assert!(alerts[0].message.contains("CannotPullContainerError"));
}

// --- 2. deployments and desired count ------------------------------------------------

#[test]
fn a_failed_deployment_is_critical_with_its_reason() {
    let mut svc = quiet();
    svc.deployments = vec![deployment(
        "FAILED",
        "ECS deployment circuit breaker: tasks failed to start.",
        10,
    )];
    let alerts = run(svc);
    assert_eq!(alerts.len(), 1, "{alerts:#?}");
    assert_eq!(alerts[0].level, Level::Critical);
    assert_eq!(alerts[0].kind, "deployment");
    assert!(alerts[0].message.contains("FAILED"));
    assert!(alerts[0]
        .message
        .contains("circuit breaker: tasks failed to start"));
    assert_eq!(alerts[0].since, Some(Timestamp(NOW.0 - 60_000)));
}

#[test]
fn a_primary_rolled_back_by_the_circuit_breaker_is_critical() {
    let mut svc = quiet();
    svc.deployments = vec![deployment(
        "COMPLETED",
        "ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1.",
        10,
    )];
    let alerts = run(svc);
    assert_eq!(alerts.len(), 1, "{alerts:#?}");
    assert_eq!(alerts[0].level, Level::Critical);
    assert!(alerts[0].message.contains("rolled back"));
}

#[test]
fn a_deployment_in_progress_past_the_threshold_warns() {
    let cfg = AlertSettings {
        deployment_in_progress_minutes: 30,
        ..AlertSettings::default()
    };
    let mut svc = quiet();
    svc.deployments = vec![deployment("IN_PROGRESS", "", 31)];
    let alerts = run_with(svc, &BTreeMap::new(), &BTreeMap::new(), &cfg);
    assert_eq!(alerts.len(), 1, "{alerts:#?}");
    assert_eq!(alerts[0].level, Level::Warning);
    assert_eq!(alerts[0].kind, "deployment");
    assert!(
        alerts[0].message.contains("31 minutes"),
        "{}",
        alerts[0].message
    );
    assert_eq!(alerts[0].since, Some(Timestamp(NOW.0 - 31 * 60_000)));

    let mut svc = quiet();
    svc.deployments = vec![deployment("IN_PROGRESS", "", 29)];
    assert_eq!(
        run_with(svc, &BTreeMap::new(), &BTreeMap::new(), &cfg),
        vec![]
    );
}

#[test]
fn fewer_running_than_desired_warns() {
    let mut svc = quiet();
    svc.tasks.pop();
    svc.running = 2;
    let alerts = run(svc);
    assert_eq!(alerts.len(), 1, "{alerts:#?}");
    assert_eq!(alerts[0].level, Level::Warning);
    assert_eq!(alerts[0].kind, "under_desired");
    assert!(
        alerts[0].message.contains("running 2 of 3"),
        "{}",
        alerts[0].message
    );

    // A draining service is not expected to run anything.
    let mut svc = quiet();
    svc.running = 2;
    svc.status = "DRAINING".into();
    assert_eq!(run(svc), vec![]);
}

// --- 3. service events ---------------------------------------------------------------

fn event(message: &str) -> ServiceEvent {
    ServiceEvent {
        id: "e1".into(),
        created_at: Some(Timestamp(NOW.0 - 120_000)),
        message: message.into(),
    }
}

#[test]
fn a_problem_event_warns_and_a_steady_state_does_not() {
    let mut svc = quiet();
    svc.events = vec![event(
        "(service web) was unable to place a task because no container instance met all of its requirements.",
    )];
    let alerts = run(svc);
    assert_eq!(alerts.len(), 1, "{alerts:#?}");
    assert_eq!(alerts[0].level, Level::Warning);
    assert_eq!(alerts[0].kind, "service_event");
    assert!(alerts[0].message.contains("unable to place"));
    assert_eq!(alerts[0].since, Some(Timestamp(NOW.0 - 120_000)));

    let mut svc = quiet();
    svc.events = vec![event("(service web) has reached a steady state.")];
    assert_eq!(run(svc), vec![]);
}

#[test]
fn problem_words() {
    assert!(event_is_problem("(task 1) failed container health checks."));
    assert!(event_is_problem("Unable to assume role"));
    assert!(!event_is_problem(
        "(service web) has started 1 tasks: (task 1)."
    ));
    assert!(!event_is_problem(
        "(service web) has stopped 1 running tasks."
    ));
}

// --- 4. findings ---------------------------------------------------------------------

#[test]
fn a_critical_finding_in_a_running_image_is_critical_naming_the_cve() {
    let f = findings_of(
        PHP,
        vec![
            finding("CVE-2024-4577", "CRITICAL"),
            finding("CVE-2024-2756", "HIGH"),
        ],
    );
    let alerts = run_with(quiet(), &f, &BTreeMap::new(), &AlertSettings::default());
    assert_eq!(alerts.len(), 1, "{alerts:#?}");
    let a = &alerts[0];
    assert_eq!((a.level, a.kind), (Level::Critical, "finding"));
    assert!(a.message.contains("CVE-2024-4577"), "{}", a.message);
    assert!(!a.message.contains("CVE-2024-2756"), "{}", a.message);
    assert!(a.message.contains("php"), "{}", a.message);
    assert!(a.message.contains("v1.5.0"), "{}", a.message);
    assert!(a.message.contains("1 finding"), "{}", a.message);
    assert_eq!(a.since, None);
}

#[test]
fn min_severity_decides_whether_a_high_finding_alerts() {
    let f = findings_of(PHP, vec![finding("CVE-2024-2756", "HIGH")]);
    assert_eq!(
        run_with(quiet(), &f, &BTreeMap::new(), &AlertSettings::default()),
        vec![]
    );
    let high = AlertSettings {
        min_severity: "HIGH".into(),
        ..AlertSettings::default()
    };
    let alerts = run_with(quiet(), &f, &BTreeMap::new(), &high);
    assert_eq!(alerts.len(), 1, "{alerts:#?}");
    assert_eq!(alerts[0].kind, "finding");
    assert!(alerts[0].message.contains("CVE-2024-2756"));
    assert!(alerts[0].message.contains("at or above HIGH"));
}

#[test]
fn counts_without_items_still_alert() {
    // Basic scanning reports only the summary counts when items are truncated.
    let mut s = scan(PHP, vec![]);
    s.counts.insert("CRITICAL".into(), 4);
    let f = BTreeMap::from([(PHP.to_string(), s)]);
    let alerts = run_with(quiet(), &f, &BTreeMap::new(), &AlertSettings::default());
    assert_eq!(alerts.len(), 1, "{alerts:#?}");
    assert!(
        alerts[0].message.contains("4 finding"),
        "{}",
        alerts[0].message
    );
}

#[test]
fn a_finding_in_an_image_no_service_runs_does_not_alert() {
    let other = "123456789012.dkr.ecr.us-east-1.amazonaws.com/laravel-app:v1.4.0";
    let f = findings_of(other, vec![finding("CVE-2024-4577", "CRITICAL")]);
    assert_eq!(
        run_with(quiet(), &f, &BTreeMap::new(), &AlertSettings::default()),
        vec![]
    );
}

#[test]
fn an_image_without_findings_does_not_alert() {
    let mut s = scan("nginx:stable-alpine", vec![]);
    s.status = "not in ECR".into();
    s.digest = None;
    let f = BTreeMap::from([("nginx:stable-alpine".to_string(), s)]);
    assert_eq!(
        run_with(quiet(), &f, &BTreeMap::new(), &AlertSettings::default()),
        vec![]
    );
}

// --- 5. CPU and memory ---------------------------------------------------------------

#[test]
fn cpu_over_the_threshold_warns_at_its_peak() {
    let m = metrics(&[40.0, 97.0, 60.0], &[50.0, 55.0, 60.0]);
    let alerts = run_with(quiet(), &BTreeMap::new(), &m, &AlertSettings::default());
    assert_eq!(alerts.len(), 1, "{alerts:#?}");
    let a = &alerts[0];
    assert_eq!((a.level, a.kind), (Level::Warning, "cpu"));
    assert!(a.message.contains("97%"), "{}", a.message);
    assert!(a.message.contains("threshold 90%"), "{}", a.message);
    assert_eq!(a.since, Some(Timestamp(NOW.0 - 300_000)));

    let lenient = AlertSettings {
        cpu_max_percent: 99.0,
        ..AlertSettings::default()
    };
    assert_eq!(run_with(quiet(), &BTreeMap::new(), &m, &lenient), vec![]);
}

#[test]
fn memory_has_its_own_threshold() {
    let m = metrics(&[40.0, 50.0], &[85.0, 88.0]);
    assert_eq!(
        run_with(quiet(), &BTreeMap::new(), &m, &AlertSettings::default()),
        vec![]
    );
    let strict_memory = AlertSettings {
        memory_max_percent: 80.0,
        ..AlertSettings::default()
    };
    let alerts = run_with(quiet(), &BTreeMap::new(), &m, &strict_memory);
    assert_eq!(alerts.len(), 1, "{alerts:#?}");
    assert_eq!(alerts[0].kind, "memory");
    assert!(alerts[0].message.contains("88%"));
    // The CPU threshold does not apply to memory.
    let strict_cpu = AlertSettings {
        cpu_max_percent: 30.0,
        ..AlertSettings::default()
    };
    let alerts = run_with(quiet(), &BTreeMap::new(), &m, &strict_cpu);
    assert_eq!(alerts.len(), 1, "{alerts:#?}");
    assert_eq!(alerts[0].kind, "cpu");
}

#[test]
fn metrics_of_another_service_or_no_points_do_not_alert() {
    let mut m = metrics(&[99.0], &[99.0]);
    let v = m.remove("web").unwrap();
    m.insert("worker".into(), v);
    m.insert("web".into(), ServiceMetrics::default());
    assert_eq!(
        run_with(quiet(), &BTreeMap::new(), &m, &AlertSettings::default()),
        vec![]
    );
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

#[test]
fn a_problem_event_before_the_last_steady_state_is_resolved() {
    let mut detail = fixtures::production();
    let web = &mut detail.services[1];
    // A steady state newer than the fixtures' "unable to place" event.
    web.events.insert(
        0,
        crate::domain::ServiceEvent {
            id: "e3".into(),
            created_at: Some(crate::timefmt::Timestamp(NOW.0 - 10_000)),
            message: "(service web) has reached a steady state.".into(),
        },
    );
    let alerts = evaluate(
        &detail,
        &Default::default(),
        &Default::default(),
        &AlertSettings::default(),
        NOW,
    );
    assert!(
        !alerts
            .iter()
            .any(|a| a.kind == "service_event" && a.service == "web"),
        "{alerts:#?}"
    );
    // The other services still have theirs.
    assert!(alerts
        .iter()
        .any(|a| a.kind == "service_event" && a.service == "worker"));
}

// --- 6. secrets -----------------------------------------------------------------------

fn secret(
    container: &str,
    name: &str,
    parameter: &str,
    state: crate::domain::SecretState,
) -> SecretHealth {
    let source = if parameter.starts_with("arn:aws:secretsmanager:") {
        crate::domain::SecretSource::SecretsManager
    } else {
        crate::domain::SecretSource::Ssm
    };
    SecretHealth {
        container: container.into(),
        name: name.into(),
        value_from: parameter.into(),
        parameter: parameter.into(),
        source,
        state,
        param_type: None,
        version: None,
        last_modified: None,
    }
}

#[test]
fn a_missing_secret_parameter_is_critical_and_names_service_container_and_parameter() {
    use crate::domain::SecretState::*;
    let secrets = BTreeMap::from([
        (
            "web".to_string(),
            vec![secret(
                "php",
                "DB_PASSWORD",
                "/laravel/production/DB_PASSWORD",
                Exists,
            )],
        ),
        (
            "worker".to_string(),
            vec![
                secret(
                    "php",
                    "DB_PASSWORD",
                    "/laravel/production/DB_PASSWORD",
                    Exists,
                ),
                secret(
                    "php",
                    "HORIZON_KEY",
                    "/laravel/production/HORIZON_KEY",
                    Missing,
                ),
            ],
        ),
    ]);
    let alerts = secret_alerts("production", &secrets);
    assert_eq!(alerts.len(), 1, "{alerts:#?}");
    let a = &alerts[0];
    assert_eq!(a.level, Level::Critical);
    assert_eq!(a.kind, "secret");
    assert_eq!(
        (a.cluster.as_str(), a.service.as_str()),
        ("production", "worker")
    );
    assert_eq!(a.task, None);
    for want in [
        "php",
        "HORIZON_KEY",
        "/laravel/production/HORIZON_KEY",
        "unable to pull secrets",
    ] {
        assert!(a.message.contains(want), "{want} missing: {}", a.message);
    }
}

#[test]
fn unchecked_or_unknown_secrets_do_not_alert() {
    use crate::domain::SecretState::*;
    let secrets = BTreeMap::from([(
        "web".to_string(),
        vec![
            secret(
                "php",
                "STRIPE",
                "arn:aws:secretsmanager:us-east-1:1:secret:stripe-AbCdEf",
                NotChecked("Secrets Manager: existence not checked".into()),
            ),
            secret(
                "php",
                "DB_PASSWORD",
                "/laravel/production/DB_PASSWORD",
                Unknown("DescribeParameters failed: AccessDeniedException".into()),
            ),
        ],
    )]);
    assert_eq!(secret_alerts("production", &secrets), vec![]);
    assert_eq!(secret_alerts("production", &BTreeMap::new()), vec![]);
}

// ---- standalone tasks (CI migrations, one-offs) ------------------------------------

fn standalone(tasks: Vec<crate::domain::Task>) -> Vec<Alert> {
    let mut d = detail(vec![quiet()]);
    d.tasks = tasks;
    evaluate(
        &d,
        &BTreeMap::new(),
        &BTreeMap::new(),
        &AlertSettings::default(),
        NOW,
    )
}

#[test]
fn a_failed_standalone_migration_is_critical_and_says_who_ran_it() {
    let a = standalone(vec![fixtures::standalone_task(
        "8b9c0d1e2f30",
        "github-actions",
        Some(1),
    )]);
    assert_eq!(a.len(), 1, "{a:#?}");
    assert_eq!(a[0].level, Level::Critical);
    assert_eq!(a[0].kind, "task_failed");
    assert_eq!(a[0].service, crate::domain::STANDALONE);
    assert_eq!(a[0].task.as_deref(), Some("8b9c0d1e2f30"));
    assert_eq!(
        a[0].message,
        "family:laravel-web task 8b9c0d1e stopped: php exited 1 \
         (Essential container in task exited); started by github-actions"
    );
    assert!(a[0].since.is_some());
}

#[test]
fn standalone_tasks_that_succeeded_run_or_were_stopped_by_the_scheduler_are_quiet() {
    let mut by_scheduler = fixtures::standalone_task("aaaaaaaaaaaa", "ci", Some(137));
    by_scheduler.stop_code = Some("ServiceSchedulerInitiated".into());
    let a = standalone(vec![
        fixtures::standalone_task("9c0d1e2f3041", "toadtop/alice", Some(0)),
        fixtures::standalone_task("7a8b9c0d1e2f", "events-rule/schedule", None),
        by_scheduler,
    ]);
    assert!(a.is_empty(), "{a:#?}");
}

#[test]
fn a_standalone_task_that_failed_to_start_is_a_warning() {
    let mut t = fixtures::standalone_task("8b9c0d1e2f30", "ci", Some(0));
    t.stop_code = Some("TaskFailedToStart".into());
    t.stopped_reason = Some("CannotPullContainerError: pull access denied".into());
    for c in &mut t.containers {
        c.exit_code = None;
    }
    let a = standalone(vec![t]);
    assert_eq!(a.len(), 1, "{a:#?}");
    assert_eq!(a[0].level, Level::Warning);
    assert!(
        a[0].message
            .starts_with("family:laravel-web task 8b9c0d1e failed to start: CannotPull"),
        "{}",
        a[0].message
    );
}
