//! `:events` through `update`: a cluster's first complete look is reported as initial, a
//! task failing later is one new event that flashes the badge, the feed filters, and
//! Enter goes to the task.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::app::update::events::observe;
use crate::app::{update, Effect, Msg, View};
use crate::domain::ClusterDetail;
use crate::fixtures::{self, NOW};
use crate::ops::watch::EventKind;

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn send(state: &mut State, msgs: impl IntoIterator<Item = Msg>) -> Vec<Effect> {
    msgs.into_iter().flat_map(|m| update(state, m)).collect()
}

fn command(state: &mut State, text: &str) -> Vec<Effect> {
    let mut msgs = vec![key(KeyCode::Char(':'))];
    msgs.extend(text.chars().map(|c| key(KeyCode::Char(c))));
    msgs.push(key(KeyCode::Enter));
    send(state, msgs)
}

/// `detail` of production arrives, then what it asked for (findings, metrics, secrets),
/// answered empty.
fn look(state: &mut State, detail: ClusterDetail) {
    look_with(state, detail, &Default::default());
}

/// [`look`], the images in `scans` answered with their scan.
fn look_with(
    state: &mut State,
    detail: ClusterDetail,
    scans: &std::collections::BTreeMap<String, crate::domain::ImageFindings>,
) {
    let req = state.next_request;
    state.next_request += 1;
    state.details.get_mut("production").unwrap().in_flight = Some(req);
    let effects = update(
        state,
        Msg::DetailLoaded {
            req,
            cluster: "production".into(),
            result: Ok(detail),
        },
    );
    // Answers can ask for more (the fleet's findings after a load): answer until quiet.
    let mut effects = effects;
    while let Some(e) = effects.pop() {
        match e {
            // Every image asked gets an answer, as the loader gives one (scan or error).
            Effect::LoadFindings { images } => {
                let answers = images
                    .into_iter()
                    .map(|i| {
                        if let Some(f) = scans.get(&i) {
                            return (i, f.clone());
                        }
                        let f = crate::domain::ImageFindings {
                            image: i.clone(),
                            digest: None,
                            status: "not scanned".into(),
                            counts: Default::default(),
                            items: Vec::new(),
                            scan_settings: None,
                            error: None,
                        };
                        (i, f)
                    })
                    .collect();
                effects.extend(update(state, Msg::FindingsLoaded(answers)));
            }
            Effect::LoadMetrics { req, cluster, .. } => {
                update(
                    state,
                    Msg::MetricsLoaded {
                        req,
                        cluster,
                        result: Ok(Default::default()),
                    },
                );
            }
            Effect::LoadSecrets { req, cluster, .. } => {
                update(
                    state,
                    Msg::SecretsLoaded {
                        req,
                        cluster,
                        secrets: Default::default(),
                    },
                );
            }
            _ => {}
        }
    }
}

fn names(state: &State) -> Vec<&'static str> {
    state
        .events
        .items
        .iter()
        .map(|e| e.event.as_str())
        .collect()
}

#[test]
fn the_first_look_is_initial_and_a_later_failure_flashes_the_badge() {
    let mut detail = fixtures::production();
    let mut s = fixtures::state_with(detail.clone());
    s.details.get_mut("production").unwrap().data = None;
    look(&mut s, detail.clone());
    assert!(!s.events.items.is_empty(), "the alerts active at start");
    assert!(
        s.events.items.iter().all(|e| e.initial),
        "{:#?}",
        s.events.items
    );
    assert!(!s.events.flashing(s.now));
    let before = s.events.items.len();

    // The same look again: nothing new.
    look(&mut s, detail.clone());
    assert_eq!(s.events.items.len(), before, "{:?}", names(&s));

    // A worker task stops with exit 1.
    let mut failed = fixtures::task("9f8e7d6c5b4a", "worker", false);
    failed.last_status = "STOPPED".into();
    failed.stop_code = Some("EssentialContainerExited".into());
    for c in &mut failed.containers {
        c.last_status = "STOPPED".into();
        c.exit_code = Some(1);
    }
    let worker = detail
        .services
        .iter_mut()
        .find(|x| x.name == "worker")
        .unwrap();
    worker.tasks.push(failed);
    look(&mut s, detail);
    let new: Vec<&Event> = s.events.items.iter().skip(before).collect();
    assert_eq!(new.len(), 1, "{new:#?}");
    assert_eq!(new[0].event, EventKind::AlertRaised);
    assert_eq!(new[0].task.as_deref(), Some("9f8e7d6c5b4a"));
    assert!(!new[0].initial);
    assert!(s.events.flashing(s.now));
    assert!(!s.events.flashing(Timestamp(NOW.0 + FLASH_MS)));

    // :events lists it first; a filter narrows; Enter goes to the task.
    command(&mut s, "events");
    assert_eq!(s.screen().view, View::Events);
    let shown = visible_events(&s, "");
    assert_eq!(shown[0].task.as_deref(), Some("9f8e7d6c5b4a"));
    assert_eq!(visible_events(&s, "9f8e7d6c").len(), 1);
    assert!(visible_events(&s, "no-such-thing").is_empty());
    send(&mut s, [key(KeyCode::Enter)]);
    assert_eq!(
        s.screen().view,
        View::TaskDetail {
            cluster: "production".into(),
            service: "worker".into(),
            task: "9f8e7d6c5b4a".into(),
        }
    );
}

/// laravel-app v1.5.0 (digest sha256:aa) naming `cves`, each `CVE:SEVERITY` (CRITICAL
/// when no severity is given).
fn app_image_naming(
    cves: &[&str],
) -> std::collections::BTreeMap<String, crate::domain::ImageFindings> {
    let image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/laravel-app:v1.5.0";
    let items = cves
        .iter()
        .map(|c| c.split_once(':').unwrap_or((c, "CRITICAL")))
        .map(|(c, severity)| crate::domain::Finding {
            name: c.to_string(),
            severity: severity.into(),
            package: None,
            version: None,
            fixed_in: None,
            score: None,
            status: None,
            url: None,
            description: None,
        })
        .collect();
    let f = crate::domain::ImageFindings {
        image: image.into(),
        digest: Some("sha256:aa".into()),
        status: "ACTIVE".into(),
        counts: Default::default(),
        items,
        scan_settings: None,
        error: None,
    };
    [(image.to_string(), f)].into()
}

#[test]
fn a_new_cve_in_an_image_already_alerted_is_one_event_that_flashes_the_badge() {
    let detail = fixtures::production();
    let mut s = fixtures::state_with(detail.clone());
    s.details.get_mut("production").unwrap().data = None;
    look_with(
        &mut s,
        detail.clone(),
        &app_image_naming(&["CVE-2024-4577"]),
    );
    let finding_events = |s: &State| {
        s.events
            .items
            .iter()
            .filter(|e| e.kind == "finding")
            .cloned()
            .collect::<Vec<Event>>()
    };
    let first = finding_events(&s);
    assert_eq!(first.len(), 1, "{first:#?}");
    assert!(first[0].initial && first[0].count > 1, "{first:#?}");
    assert!(!s.events.flashing(s.now));
    // The next refresh reads the image's scan again (the runtime's findings cache started
    // over): one more CVE, same digest.
    let grown = app_image_naming(&["CVE-2024-4577", "CVE-2024-9999"]);
    look_with(&mut s, detail.clone(), &grown);
    let now = finding_events(&s);
    assert_eq!(now.len(), 2, "{now:#?}");
    let e = &now[1];
    assert_eq!(e.event, EventKind::AlertUpdated);
    assert!(!e.initial);
    assert_eq!(e.count, first[0].count);
    assert!(
        e.message.starts_with("new: CVE-2024-9999 (CRITICAL); "),
        "{}",
        e.message
    );
    assert!(s.events.flashing(s.now));
    // And again: nothing.
    look_with(&mut s, detail, &grown);
    assert_eq!(finding_events(&s).len(), 2);
}

// Before `worsens`, any critical `alert_updated` flashed the badge: a CVE fixed or a
// service no longer running the image blinked `NEW 1 crit` as a new CVE did.

#[test]
fn good_news_does_not_flash_the_badge_and_bad_news_does() {
    let mut detail = fixtures::production();
    let mut s = fixtures::state_with(detail.clone());
    s.config.alerts.min_severity = "HIGH".into();
    s.details.get_mut("production").unwrap().data = None;
    let finding_updates = |s: &State| {
        s.events
            .items
            .iter()
            .filter(|e| e.kind == "finding" && e.event == EventKind::AlertUpdated)
            .cloned()
            .collect::<Vec<Event>>()
    };
    look_with(
        &mut s,
        detail.clone(),
        &app_image_naming(&["CVE-2024-4577", "CVE-2024-2511:HIGH", "CVE-2024-9999"]),
    );
    assert!(!s.events.flashing(s.now));
    // A CVE fixed: told, but no blinking.
    let fixed = app_image_naming(&["CVE-2024-4577", "CVE-2024-2511:HIGH"]);
    look_with(&mut s, detail.clone(), &fixed);
    let told = finding_updates(&s);
    assert_eq!(told.len(), 1, "{told:#?}");
    assert!(
        told[0].message.starts_with("gone: CVE-2024-9999"),
        "{told:#?}"
    );
    assert_eq!(told[0].level, crate::alerts::Level::Critical);
    assert!(!s.events.flashing(s.now));
    // A service no longer running the image (gone from the cluster): cleared, no blinking.
    detail.services.retain(|x| x.name != "scheduler");
    look_with(&mut s, detail.clone(), &fixed);
    let told = finding_updates(&s);
    assert_eq!(told.len(), 2, "{told:#?}");
    assert!(told[1].message.contains("cleared: "), "{told:#?}");
    assert!(!s.events.flashing(s.now));
    // Inspector re-scores the HIGH one CRITICAL: bad news, the badge blinks.
    let worse = app_image_naming(&["CVE-2024-4577", "CVE-2024-2511:CRITICAL"]);
    look_with(&mut s, detail.clone(), &worse);
    let told = finding_updates(&s);
    assert_eq!(told.len(), 3, "{told:#?}");
    assert!(
        told[2]
            .message
            .starts_with("raised: CVE-2024-2511 HIGH\u{2192}CRITICAL; "),
        "{told:#?}"
    );
    assert!(s.events.flashing(s.now));
}

#[test]
fn a_cluster_is_not_observed_until_its_findings_are_in() {
    let detail = fixtures::production();
    let mut s = fixtures::state_with(detail);
    s.findings_loading = true;
    observe(&mut s);
    assert!(s.events.items.is_empty());
}

#[test]
fn the_alerts_pane_shows_a_shared_cause_once_until_enter_expands_it() {
    // fixtures: scheduler, web and worker all run laravel-app v1.5.0 with one CRITICAL.
    let mut s = fixtures::state_with(fixtures::production());
    let image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/laravel-app:v1.5.0";
    let mut f = crate::domain::ImageFindings {
        image: image.into(),
        digest: Some("sha256:aa".into()),
        status: "COMPLETE".into(),
        counts: [("CRITICAL".to_string(), 1)].into(),
        items: Vec::new(),
        scan_settings: None,
        error: None,
    };
    f.items.push(crate::domain::Finding {
        name: "CVE-2024-4577".into(),
        severity: "CRITICAL".into(),
        package: None,
        version: None,
        fixed_in: None,
        score: None,
        status: None,
        url: None,
        description: None,
    });
    update(&mut s, Msg::FindingsLoaded([(image.to_string(), f)].into()));
    let findings = |s: &State| {
        crate::app::visible_alerts(s, "")
            .iter()
            .filter(|a| a.kind == "finding")
            .count()
    };
    assert_eq!(s.alerts.iter().filter(|a| a.kind == "finding").count(), 3);
    // A lone alert sorted between two of the group's (as a missing secret can be).
    let first = s.alerts.iter().position(|a| a.kind == "finding").unwrap();
    let mut lone = s.alerts[first].clone();
    (lone.kind, lone.cause, lone.service) = ("secret", None, "web".into());
    s.alerts.insert(first + 1, lone);
    assert_eq!(findings(&s), 1);
    let all = crate::alerts::counts(&s.alerts).0;
    assert_eq!(badge_counts(&s.alerts).0, all - 2);
    command(&mut s, "alerts");
    let at = crate::app::visible_alerts(&s, "")
        .iter()
        .position(|a| a.kind == "finding")
        .unwrap();
    s.stack.last_mut().unwrap().selected = at;
    // Enter expands the group (and stays); Enter again opens that row's service.
    send(&mut s, [key(KeyCode::Enter)]);
    assert_eq!(s.screen().view, View::Alerts);
    assert_eq!(findings(&s), 3);
    // The group's rows stay together, under its first.
    let kinds: Vec<&str> = crate::app::visible_alerts(&s, "")
        .iter()
        .map(|a| a.kind)
        .collect();
    assert_eq!(kinds[at..at + 3], ["finding"; 3], "{kinds:?}");
    send(&mut s, [key(KeyCode::Enter)]);
    assert!(
        matches!(s.screen().view, View::ServiceDetail { .. }),
        "{:?}",
        s.screen().view
    );
}
