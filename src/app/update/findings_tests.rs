//! Findings, metrics and alerts through `update`: what a cluster refresh asks for, how
//! the answers are stored, and the `f` / `:findings` / `:alerts` navigation. The
//! fixtures' production cluster: scheduler, web and worker all run laravel-app v1.5.0
//! (php) and nginx:stable-alpine.

use std::collections::BTreeMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::alerts::Level;
use crate::app::{update, Effect, Msg, State, View};
use crate::domain::{Finding, ImageFindings, ServiceMetrics};
use crate::fixtures::{self, NOW};
use crate::timefmt::Timestamp;

const PHP: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com/laravel-app:v1.5.0";
const NGINX: &str = "nginx:stable-alpine";

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ch(c: char) -> Msg {
    key(KeyCode::Char(c))
}

fn send(state: &mut State, msgs: impl IntoIterator<Item = Msg>) -> Vec<Effect> {
    msgs.into_iter().flat_map(|m| update(state, m)).collect()
}

fn command(state: &mut State, text: &str) -> Vec<Effect> {
    let mut msgs = vec![ch(':')];
    msgs.extend(text.chars().map(ch));
    msgs.push(key(KeyCode::Enter));
    send(state, msgs)
}

/// production's detail arriving as the answer to a load toadtop asked for.
fn detail_loaded(state: &mut State) -> Vec<Effect> {
    let req = state.next_request;
    state.next_request += 1;
    state.details.get_mut("production").unwrap().in_flight = Some(req);
    update(
        state,
        Msg::DetailLoaded {
            req,
            cluster: "production".into(),
            result: Ok(fixtures::production()),
        },
    )
}

fn load_findings(effects: &[Effect]) -> Vec<&Vec<String>> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::LoadFindings { images } => Some(images),
            _ => None,
        })
        .collect()
}

fn load_metrics(effects: &[Effect]) -> Vec<(u64, &str, &Vec<String>)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::LoadMetrics {
                req,
                cluster,
                services,
            } => Some((*req, cluster.as_str(), services)),
            _ => None,
        })
        .collect()
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
        url: None,
        description: None,
    }
}

fn scans() -> BTreeMap<String, ImageFindings> {
    let php = ImageFindings {
        image: PHP.into(),
        digest: Some("sha256:0123".into()),
        status: "ACTIVE".into(),
        counts: BTreeMap::from([
            ("CRITICAL".into(), 1),
            ("HIGH".into(), 1),
            ("MEDIUM".into(), 1),
        ]),
        // Deliberately not in severity order: the list sorts.
        items: vec![
            finding("CVE-2024-5458", "MEDIUM"),
            finding("CVE-2024-4577", "CRITICAL"),
            finding("CVE-2024-2756", "HIGH"),
        ],
        scan_settings: Some("enhanced, continuous".into()),
        error: None,
    };
    let nginx = ImageFindings {
        image: NGINX.into(),
        digest: None,
        status: "not in ECR".into(),
        counts: BTreeMap::new(),
        items: vec![],
        scan_settings: None,
        error: None,
    };
    BTreeMap::from([(PHP.into(), php), (NGINX.into(), nginx)])
}

fn hot_worker() -> BTreeMap<String, ServiceMetrics> {
    BTreeMap::from([(
        "worker".to_string(),
        ServiceMetrics {
            cpu_max: vec![(NOW.0 - 300_000, 70.0), (NOW.0, 97.0)],
            memory_max: vec![(NOW.0 - 300_000, 40.0), (NOW.0, 45.0)],
        },
    )])
}

/// The services pane of production with web (second row) selected.
fn on_web(s: &mut State) {
    assert!(send(s, [key(KeyCode::Enter), ch('j')]).is_empty());
    assert_eq!(
        s.screen().view,
        View::Services {
            cluster: "production".into()
        }
    );
}

#[test]
fn a_loaded_detail_asks_for_its_images_findings_and_its_metrics() {
    let mut s = fixtures::state_with(fixtures::production());
    let effects = detail_loaded(&mut s);
    assert_eq!(
        load_findings(&effects),
        vec![&vec![PHP.to_string(), NGINX.to_string()]],
        "each distinct image once: {effects:#?}"
    );
    let metrics = load_metrics(&effects);
    assert_eq!(metrics.len(), 1, "{effects:#?}");
    let (req, cluster, services) = metrics[0];
    assert_eq!(cluster, "production");
    assert_eq!(services, &vec!["scheduler", "web", "worker"]);
    assert_eq!(s.metrics["production"].in_flight, Some(req));
    assert!(s.findings_loading);
}

#[test]
fn a_second_detail_within_a_minute_asks_for_nothing_new() {
    let mut s = fixtures::state_with(fixtures::production());
    let first = detail_loaded(&mut s);
    let (req, _, _) = load_metrics(&first)[0];

    // Both loads still in flight: nothing doubles up.
    let again = detail_loaded(&mut s);
    assert!(load_findings(&again).is_empty(), "{again:#?}");
    assert!(load_metrics(&again).is_empty(), "{again:#?}");

    // Metrics answered; 30 s later a refresh does not fetch them again.
    update(
        &mut s,
        Msg::MetricsLoaded {
            req,
            cluster: "production".into(),
            result: Ok(hot_worker()),
        },
    );
    s.now = Timestamp(NOW.0 + 30_000);
    let later = detail_loaded(&mut s);
    assert!(load_metrics(&later).is_empty(), "{later:#?}");
    assert!(
        load_findings(&later).is_empty(),
        "findings still in flight: {later:#?}"
    );

    // A minute after the answer: metrics again; findings once the first load answered.
    update(&mut s, Msg::FindingsLoaded(scans()));
    s.now = Timestamp(NOW.0 + 60_000);
    let minute = detail_loaded(&mut s);
    assert_eq!(load_metrics(&minute).len(), 1, "{minute:#?}");
    assert_eq!(load_findings(&minute).len(), 1, "{minute:#?}");
}

#[test]
fn findings_loaded_fills_the_findings_and_the_alerts() {
    let mut s = fixtures::state_with(fixtures::production());
    detail_loaded(&mut s);
    let before: Vec<&str> = s.alerts.iter().map(|a| a.kind).collect();
    assert!(!before.contains(&"finding"), "{before:?}");
    assert!(before.contains(&"task_failed"), "{before:?}");

    assert!(update(&mut s, Msg::FindingsLoaded(scans())).is_empty());
    assert!(!s.findings_loading);
    assert_eq!(s.findings.len(), 2);
    assert_eq!(s.findings[NGINX].status, "not in ECR");
    let found: Vec<_> = s.alerts.iter().filter(|a| a.kind == "finding").collect();
    assert_eq!(
        found.len(),
        3,
        "one per service running v1.5.0: {:#?}",
        s.alerts
    );
    assert!(found
        .iter()
        .all(|a| a.level == Level::Critical && a.message.contains("CVE-2024-4577")));
    assert_eq!(s.alerts[0].level, Level::Critical);
}

#[test]
fn a_stale_metrics_answer_is_ignored() {
    let mut s = fixtures::state_with(fixtures::production());
    let effects = detail_loaded(&mut s);
    let (req, _, _) = load_metrics(&effects)[0];
    update(
        &mut s,
        Msg::MetricsLoaded {
            req: req + 100,
            cluster: "production".into(),
            result: Ok(hot_worker()),
        },
    );
    let slot = &s.metrics["production"];
    assert_eq!(slot.data, None);
    assert_eq!(slot.in_flight, Some(req));
    assert!(!s.alerts.iter().any(|a| a.kind == "cpu"));

    // The real answer lands.
    update(
        &mut s,
        Msg::MetricsLoaded {
            req,
            cluster: "production".into(),
            result: Ok(hot_worker()),
        },
    );
    let cpu: Vec<_> = s.alerts.iter().filter(|a| a.kind == "cpu").collect();
    assert_eq!(cpu.len(), 1, "{:#?}", s.alerts);
    assert_eq!(cpu[0].service, "worker");
    assert_eq!(cpu[0].level, Level::Warning);
}

#[test]
fn a_metrics_error_keeps_the_other_alerts() {
    let mut s = fixtures::state_with(fixtures::production());
    let effects = detail_loaded(&mut s);
    let (req, _, _) = load_metrics(&effects)[0];
    update(&mut s, Msg::FindingsLoaded(scans()));
    let effects = update(
        &mut s,
        Msg::MetricsLoaded {
            req,
            cluster: "production".into(),
            result: Err("AccessDenied: cloudwatch:GetMetricData".into()),
        },
    );
    assert!(effects.is_empty());
    let slot = &s.metrics["production"];
    assert_eq!(slot.in_flight, None);
    assert!(slot
        .error
        .as_ref()
        .is_some_and(|e| e.as_str().contains("AccessDenied")));
    let kinds: Vec<&str> = s.alerts.iter().map(|a| a.kind).collect();
    assert!(kinds.contains(&"task_failed"), "{kinds:?}");
    assert!(kinds.contains(&"finding"), "{kinds:?}");
    assert!(!kinds.contains(&"cpu"), "{kinds:?}");
    // The failure counts as a fetch: no retry storm on every refresh.
    s.now = Timestamp(NOW.0 + 10_000);
    assert!(load_metrics(&detail_loaded(&mut s)).is_empty());
}

#[test]
fn f_opens_the_selected_services_findings() {
    let mut s = fixtures::state_with(fixtures::production());
    s.findings = scans();
    on_web(&mut s);
    assert!(send(&mut s, [ch('f')]).is_empty());
    assert_eq!(
        s.screen().view,
        View::Findings {
            cluster: "production".into(),
            service: Some("web".into())
        }
    );
    // From the cluster list, f shows the selected cluster's.
    let mut s = fixtures::state_with(fixtures::production());
    send(&mut s, [ch('f')]);
    assert_eq!(
        s.screen().view,
        View::Findings {
            cluster: "production".into(),
            service: None
        }
    );
}

#[test]
fn the_findings_command_opens_the_clusters_findings() {
    let mut s = fixtures::state_with(fixtures::production());
    on_web(&mut s);
    command(&mut s, "findings");
    assert_eq!(
        s.screen().view,
        View::Findings {
            cluster: "production".into(),
            service: None
        }
    );
}

#[test]
fn the_alerts_command_opens_the_pane_and_loads_every_cluster() {
    let mut s = fixtures::state_with(fixtures::production());
    let effects = command(&mut s, "alerts");
    assert_eq!(s.screen().view, View::Alerts);
    let loads: Vec<&str> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::LoadDetail { cluster, .. } => Some(cluster.name.as_str()),
            _ => None,
        })
        .collect();
    assert!(loads.contains(&"staging"), "{effects:#?}");
    // Again from the alerts pane: no second pane, and loads in flight are not doubled.
    let depth = s.stack.len();
    let again = command(&mut s, "alerts");
    assert_eq!(s.stack.len(), depth);
    assert!(
        !again.iter().any(|e| matches!(e, Effect::LoadDetail { .. })),
        "{again:#?}"
    );
}

#[test]
fn enter_on_a_finding_opens_its_detail_most_severe_first() {
    let mut s = fixtures::state_with(fixtures::production());
    s.findings = scans();
    on_web(&mut s);
    send(&mut s, [ch('f')]);
    let rows: Vec<(Option<&str>, &str)> =
        crate::app::visible_findings(&s, "production", Some("web"), "")
            .iter()
            .map(|r| (r.finding.map(|f| f.severity.as_str()), r.image))
            .collect();
    assert_eq!(
        rows,
        vec![
            (Some("CRITICAL"), PHP),
            (Some("HIGH"), PHP),
            (Some("MEDIUM"), PHP),
            (None, NGINX)
        ]
    );
    assert!(send(&mut s, [key(KeyCode::Enter)]).is_empty());
    assert_eq!(
        s.screen().view,
        View::FindingDetail {
            cluster: "production".into(),
            image: PHP.into(),
            name: "CVE-2024-4577".into()
        }
    );
    // Back, down one: the HIGH one.
    send(&mut s, [key(KeyCode::Esc), ch('j'), key(KeyCode::Enter)]);
    assert_eq!(
        s.screen().view,
        View::FindingDetail {
            cluster: "production".into(),
            image: PHP.into(),
            name: "CVE-2024-2756".into()
        }
    );
}

#[test]
fn the_filter_narrows_the_findings_and_a_row_without_finding_does_not_drill() {
    let mut s = fixtures::state_with(fixtures::production());
    s.findings = scans();
    on_web(&mut s);
    send(&mut s, [ch('f'), ch('/')]);
    send(&mut s, "nginx".chars().map(ch));
    send(&mut s, [key(KeyCode::Enter)]);
    assert_eq!(s.screen().filter, "nginx");
    let rows = crate::app::visible_findings(&s, "production", Some("web"), &s.screen().filter);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].image, NGINX);
    assert!(rows[0].finding.is_none());
    assert_eq!(rows[0].scan.status, "not in ECR");
    // Enter on "not in ECR" stays put.
    let depth = s.stack.len();
    send(&mut s, [key(KeyCode::Enter)]);
    assert_eq!(s.stack.len(), depth);

    let critical = crate::app::visible_findings(&s, "production", Some("web"), "critical");
    assert_eq!(critical.len(), 1);
    assert_eq!(critical[0].finding.unwrap().name, "CVE-2024-4577");
}

#[test]
fn enter_on_an_alert_opens_its_service() {
    let mut s = crate::fixtures::state_with(crate::fixtures::production());
    super::recompute(&mut s);
    assert!(!s.alerts.is_empty());
    let first = s.alerts[0].clone();
    s.stack
        .push(crate::app::Screen::new(crate::app::View::Alerts));
    crate::app::update(
        &mut s,
        crate::app::Msg::Key(crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Enter,
            crossterm::event::KeyModifiers::NONE,
        )),
    );
    assert_eq!(
        s.screen().view,
        crate::app::View::ServiceDetail {
            cluster: first.cluster,
            service: first.service
        }
    );
}
