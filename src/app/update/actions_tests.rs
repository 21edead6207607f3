//! Unit tests of mutating actions through `update`: keys and answers in, modals, jobs and
//! effects out. No I/O, no clock; the fixtures' production cluster throughout (web runs
//! laravel-web:2 with php from ECR at v1.5.0 and nginx:stable-alpine from Docker Hub).

use std::collections::BTreeMap;
use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::actions::{Modal, PickRow};
use crate::app::confirm::ARM_MS;
use crate::app::{update, Effect, Msg, State, View};
use crate::config::{MigrationSettings, ServiceSettings};
use crate::domain::EcrImage;
use crate::fixtures::{self, NOW};
use crate::ops::deploy::{DeployRequest, WatchSettings};
use crate::ops::jobs::{JobRequest, Preview};
use crate::ops::logs::LogLine;
use crate::ops::progress::{Outcome, Progress, Step, Tone};
use crate::timefmt::Timestamp;

const REPO: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com/laravel-app";

// ---- helpers ------------------------------------------------------------------------

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ch(c: char) -> Msg {
    key(KeyCode::Char(c))
}

fn send(state: &mut State, msgs: impl IntoIterator<Item = Msg>) -> Vec<Effect> {
    msgs.into_iter().flat_map(|m| update(state, m)).collect()
}

fn type_text(state: &mut State, text: &str) -> Vec<Effect> {
    send(state, text.chars().map(ch))
}

fn view(state: &State) -> &View {
    &state.screen().view
}

/// The production services pane with web (the second row) selected, reached by keys.
fn on_web() -> State {
    let mut s = fixtures::state_with(fixtures::production());
    assert!(send(&mut s, [key(KeyCode::Enter), ch('j')]).is_empty());
    assert_eq!(
        view(&s),
        &View::Services {
            cluster: "production".into()
        }
    );
    assert_eq!(s.screen().selected, 1);
    s
}

/// The tasks pane of web (four tasks, the first selected).
fn in_web_tasks() -> State {
    let mut s = on_web();
    assert!(update(&mut s, key(KeyCode::Enter)).is_empty());
    assert_eq!(
        view(&s),
        &View::Tasks {
            cluster: "production".into(),
            service: "web".into()
        }
    );
    s
}

fn web_arn(id: &str) -> String {
    format!("arn:aws:ecs:us-east-1:123456789012:task/production/{id}")
}

fn ecr_image(tag: &str, minutes_ago: i64, seed: char) -> EcrImage {
    EcrImage {
        tags: vec![tag.into()],
        digest: format!("sha256:{}", seed.to_string().repeat(64)),
        pushed_at: Some(Timestamp(NOW.0 - minutes_ago * 60_000)),
        findings: None,
    }
}

/// What ECR lists for laravel-app, newest first.
fn tags() -> Vec<EcrImage> {
    vec![
        ecr_image("v1.5.0", 90, 'c'),
        ecr_image("v1.4.1", 60 * 26, 'b'),
        ecr_image("v1.4.0", 60 * 24 * 9, 'a'),
    ]
}

fn images_loaded(service: &str, container: &str, result: Result<Vec<EcrImage>, String>) -> Msg {
    Msg::ImagesLoaded {
        cluster: "production".into(),
        service: service.into(),
        container: container.into(),
        result,
    }
}

fn picker_rows(state: &State) -> Vec<PickRow> {
    match &state.modal {
        Some(Modal::Picker(p)) => p.rows(),
        other => panic!("expected the deploy picker, got {other:?}"),
    }
}

fn selected_row(state: &State) -> PickRow {
    match &state.modal {
        Some(Modal::Picker(p)) => p.rows()[p.selected].clone(),
        other => panic!("expected the deploy picker, got {other:?}"),
    }
}

fn chosen(state: &State) -> BTreeMap<String, String> {
    match &state.modal {
        Some(Modal::Picker(p)) => p.chosen.clone(),
        other => panic!("expected the deploy picker, got {other:?}"),
    }
}

/// Moves the picker's cursor with k/j (as a person would) onto the first row matching
/// `want`; no key it presses may emit an effect.
fn move_to(state: &mut State, want: impl Fn(&PickRow) -> bool) {
    let n = picker_rows(state).len();
    for _ in 0..n {
        assert!(update(state, ch('k')).is_empty());
    }
    for _ in 0..=n {
        if want(&selected_row(state)) {
            return;
        }
        assert!(update(state, ch('j')).is_empty());
    }
    panic!("no such row in the picker: {:#?}", picker_rows(state));
}

fn is_tag(tag: &str) -> impl Fn(&PickRow) -> bool + '_ {
    move |r| matches!(r, PickRow::Image { image, .. } if image.ends_with(&format!(":{tag}")))
}

fn is_typed(container: &str) -> impl Fn(&PickRow) -> bool + '_ {
    move |r| matches!(r, PickRow::Typed { container: c } if c == container)
}

fn is_continue(r: &PickRow) -> bool {
    *r == PickRow::Continue
}

fn is_migrate_first(r: &PickRow) -> bool {
    *r == PickRow::MigrateFirst
}

/// `d` on web, the tags of php answered.
fn picker_with_tags() -> State {
    let mut s = on_web();
    update(&mut s, ch('d'));
    update(&mut s, images_loaded("web", "php", Ok(tags())));
    s
}

fn deploy_request(images: &[(&str, &str)], migrate_first: Option<MigrationSettings>) -> JobRequest {
    JobRequest::Deploy(DeployRequest {
        cluster: "production".into(),
        service: "web".into(),
        images: images
            .iter()
            .map(|(c, i)| (c.to_string(), i.to_string()))
            .collect(),
        migrate_first,
        watch: WatchSettings::default(),
        no_wait: false,
        expect_running: None,
    })
}

fn v141() -> String {
    format!("{REPO}:v1.4.1")
}

/// The picker with v1.4.1 chosen for php and Continue pressed: waiting for the preview.
fn preparing() -> State {
    let mut s = picker_with_tags();
    move_to(&mut s, is_tag("v1.4.1"));
    update(&mut s, key(KeyCode::Enter));
    move_to(&mut s, is_continue);
    let effects = update(&mut s, key(KeyCode::Enter));
    assert_eq!(
        effects,
        vec![Effect::PrepareDeploy {
            job: deploy_request(&[("php", &v141())], None)
        }]
    );
    s
}

const WEB_TD: &str = "arn:aws:ecs:us-east-1:123456789012:task-definition/laravel-web:2";

fn preview_lines() -> Vec<String> {
    vec![
        "New revision of laravel-web from laravel-web:2:".into(),
        format!("-   image: {REPO}:v1.5.0"),
        format!("+   image: {}", v141()),
    ]
}

/// The deploy preview as the runtime answers it: described while web ran laravel-web:2.
fn preview() -> Preview {
    Preview {
        running: WEB_TD.into(),
        target: None,
        account: Some("123456789012".into()),
        lines: preview_lines(),
        findings: Vec::new(),
    }
}

/// Lets the confirmation's first moment pass: Enter counts from now on.
fn arm(s: &mut State) {
    s.now = Timestamp(s.now.0 + ARM_MS);
}

/// The answer to the pending preview (or to the last one, once cancelled).
fn prepared(s: &State, result: Result<Preview, String>) -> Msg {
    let job = match &s.modal {
        Some(Modal::Preparing { job, .. }) => job.clone(),
        _ => JobRequest::Restart {
            cluster: "production".into(),
            service: "web".into(),
        },
    };
    Msg::Prepared { job, result }
}

/// The deploy confirm modal, preview shown.
fn confirming_deploy() -> State {
    let mut s = preparing();
    let msg = prepared(&s, Ok(preview()));
    assert_eq!(update(&mut s, msg), vec![Effect::DropQueuedInput]);
    s
}

#[test]
fn the_deploy_preview_shows_the_new_image_s_findings_and_warns_at_min_severity() {
    let found = vec![(
        "php".to_string(),
        scanned("v1.4.1", "ACTIVE", &[("CRITICAL", 1), ("HIGH", 2)]),
    )];
    let answer = |s: &State| {
        let mut p = preview();
        p.findings = found.clone();
        prepared(s, Ok(p))
    };
    let mut s = preparing();
    let msg = answer(&s);
    update(&mut s, msg);
    let (_, lines, _) = confirm_parts(&s);
    assert!(
        lines.contains(
            &"  findings php v1.4.1: CRITICAL 1, HIGH 2 (scan ACTIVE, enhanced, continuous)".into()
        ),
        "{lines:?}"
    );
    // [alerts] min_severity is CRITICAL by default: one findings warning (v1.4.1 after
    // v1.5.0 also warns of a downgrade, which is not counted here).
    let warnings: Vec<&String> = lines
        .iter()
        .filter(|l| l.starts_with('!') && l.contains("at or above"))
        .collect();
    assert_eq!(
        warnings,
        ["! php v1.4.1: 1 finding at or above CRITICAL"],
        "{lines:?}"
    );

    // MEDIUM: the HIGH findings count too; with none at or above, no warning.
    let mut s = preparing();
    s.config.alerts.min_severity = "MEDIUM".into();
    let msg = answer(&s);
    update(&mut s, msg);
    let (_, lines, _) = confirm_parts(&s);
    assert!(
        lines.contains(&"! php v1.4.1: 3 findings at or above MEDIUM".into()),
        "{lines:?}"
    );
    let mut s = preparing();
    let msg = prepared(&s, Ok(preview()));
    update(&mut s, msg);
    let (_, lines, _) = confirm_parts(&s);
    assert!(
        !lines
            .iter()
            .any(|l| l.starts_with('!') && l.contains("finding")),
        "{lines:?}"
    );
}

fn confirm_parts(state: &State) -> (String, Vec<String>, JobRequest) {
    match &state.modal {
        Some(Modal::Confirm {
            title, lines, job, ..
        }) => (title.clone(), lines.clone(), job.clone()),
        other => panic!("expected a confirm modal, got {other:?}"),
    }
}

fn run_jobs(effects: &[Effect]) -> Vec<(u64, JobRequest)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::RunJob { id, job, .. } => Some((*id, job.clone())),
            _ => None,
        })
        .collect()
}

/// A confirmed deploy of v1.4.1 to web, running in the job pane; returns its id.
fn running_deploy() -> (State, u64) {
    let mut s = confirming_deploy();
    arm(&mut s);
    let effects = update(&mut s, key(KeyCode::Enter));
    let jobs = run_jobs(&effects);
    assert_eq!(jobs.len(), 1, "{effects:?}");
    (s, jobs[0].0)
}

fn status_text(state: &State) -> String {
    state
        .status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default()
}

fn assert_error(state: &State, contains: &str) {
    let st = state.status.as_ref().expect("a status line");
    assert!(st.error, "not an error: {st:?}");
    assert!(
        st.text.contains(contains),
        "{:?} lacks {contains:?}",
        st.text
    );
}

fn deploy_outcome() -> Outcome {
    let mut o = Outcome::new("deploy", "production", "web");
    o.old_revision = Some("laravel-web:2".into());
    o.new_revision = Some("laravel-web:3".into());
    o.duration_secs = 42.0;
    o
}

fn failed_at(step: Step) -> Outcome {
    let mut o = deploy_outcome();
    if step != Step::Rollout {
        o.new_revision = None;
    }
    o.fail(
        step,
        "ECS deployment circuit breaker: tasks failed to start",
        "the service runs laravel-web:2 again",
    )
}

// ---- read-only ----------------------------------------------------------------------

#[test]
fn read_only_refuses_every_action_in_one_place() {
    // In the services pane, the tasks pane and the job pane after a failed deploy (where
    // `b` would otherwise offer a rollback).
    let mut after_failure = {
        let (mut s, id) = running_deploy();
        update(
            &mut s,
            Msg::JobDone {
                id,
                outcome: failed_at(Step::Rollout),
            },
        );
        assert_eq!(view(&s), &View::Job);
        s
    };
    let mut panes = [on_web(), in_web_tasks(), {
        after_failure.status = None;
        after_failure
    }];
    for state in &mut panes {
        state.read_only = true;
        for (k, verb) in [
            ('d', "deploy"),
            ('m', "migrate"),
            ('R', "restart"),
            ('b', "rollback"),
            ('S', "scale"),
            ('s', "stop-task"),
        ] {
            let before = state.stack.clone();
            let effects = update(state, ch(k));
            assert!(effects.is_empty(), "{k}: {effects:?}");
            assert!(state.modal.is_none(), "{k} opened {:?}", state.modal);
            assert_eq!(state.stack, before, "{k} changed the view");
            assert_error(state, "read-only");
            assert!(
                status_text(state).starts_with(verb),
                "{k}: {:?} does not name {verb}",
                status_text(state)
            );
        }
    }
}

// ---- deploy: the picker ---------------------------------------------------------------

#[test]
fn d_opens_the_picker_and_loads_tags_for_the_ecr_container_only() {
    let mut s = on_web();
    let effects = update(&mut s, ch('d'));
    // nginx:stable-alpine is on Docker Hub: nothing to list for it.
    assert_eq!(
        effects,
        vec![Effect::LoadImages {
            cluster: "production".into(),
            service: "web".into(),
            container: "php".into(),
            registry: "123456789012".into(),
            repository: "laravel-app".into(),
            base: REPO.into(),
        }]
    );
    let rows = picker_rows(&s);
    assert_eq!(
        rows,
        vec![
            PickRow::Container("php".into()),
            PickRow::Keep {
                container: "php".into()
            },
            PickRow::Note("loading tags from ECR…".into()),
            PickRow::Typed {
                container: "php".into()
            },
            PickRow::Container("nginx".into()),
            PickRow::Keep {
                container: "nginx".into()
            },
            PickRow::Note("stable-alpine is not in ECR: type an image to change it".into()),
            PickRow::Typed {
                container: "nginx".into()
            },
            PickRow::MigrateFirst,
            PickRow::Continue,
        ]
    );
    // The cursor starts on the first choice, not on a heading.
    assert_eq!(
        selected_row(&s),
        PickRow::Keep {
            container: "php".into()
        }
    );
    // The pane underneath stays where it was.
    assert_eq!(s.screen().selected, 1);
}

#[test]
fn d_works_from_the_service_detail_too() {
    let mut s = on_web();
    update(&mut s, ch('i'));
    assert!(matches!(view(&s), View::ServiceDetail { service, .. } if service == "web"));
    let effects = update(&mut s, ch('d'));
    assert_eq!(effects.len(), 1, "{effects:?}");
    assert!(matches!(&s.modal, Some(Modal::Picker(p)) if p.service == "web"));
}

#[test]
fn j_and_k_skip_headings_and_notes() {
    let mut s = on_web();
    update(&mut s, ch('d'));
    let mut seen = vec![selected_row(&s)];
    for _ in 0..10 {
        update(&mut s, ch('j'));
        seen.push(selected_row(&s));
    }
    seen.dedup();
    assert_eq!(
        seen,
        vec![
            PickRow::Keep {
                container: "php".into()
            },
            PickRow::Typed {
                container: "php".into()
            },
            PickRow::Keep {
                container: "nginx".into()
            },
            PickRow::Typed {
                container: "nginx".into()
            },
            PickRow::MigrateFirst,
            PickRow::Continue,
        ]
    );
    // At the top, k stays on the first choice.
    for _ in 0..10 {
        update(&mut s, ch('k'));
    }
    assert_eq!(
        selected_row(&s),
        PickRow::Keep {
            container: "php".into()
        }
    );
}

fn scanned(tag: &str, status: &str, counts: &[(&str, i64)]) -> crate::domain::ImageFindings {
    crate::domain::ImageFindings {
        image: format!("{REPO}:{tag}"),
        digest: None,
        status: status.into(),
        counts: counts.iter().map(|(k, n)| (k.to_string(), *n)).collect(),
        items: Vec::new(),
        scan_settings: Some("enhanced, continuous".into()),
        error: None,
    }
}

fn labels(s: &State) -> Vec<String> {
    picker_rows(s)
        .into_iter()
        .filter_map(|r| match r {
            PickRow::Image { label, .. } => Some(label),
            _ => None,
        })
        .collect()
}

#[test]
fn the_picker_shows_each_tag_s_scan_from_the_findings_cache() {
    let mut s = picker_with_tags();
    let selected = |s: &State| match &s.modal {
        Some(Modal::Picker(p)) => p.selected,
        _ => usize::MAX,
    };
    update(&mut s, ch('j'));
    let cursor = selected(&s);
    // The second answer: the same tags, each with its DescribeImageScanFindings result.
    let mut images = tags();
    // Enhanced scanning: counts derived from the findings, DescribeImages had no summary.
    images[0].findings = Some(scanned("v1.5.0", "ACTIVE", &[("CRITICAL", 1), ("HIGH", 1)]));
    images[1].findings = Some(crate::domain::ImageFindings {
        error: Some("DescribeImageScanFindings: AccessDenied".into()),
        ..scanned("v1.4.1", "error", &[])
    });
    images[2].findings = Some(scanned("v1.4.0", "not scanned", &[]));
    update(&mut s, images_loaded("web", "php", Ok(images)));
    let texts = labels(&s);
    assert!(texts[0].ends_with("  C1 H1"), "{texts:?}");
    assert!(texts[1].ends_with("  scan error"), "{texts:?}");
    assert!(texts[2].ends_with("  not scanned"), "{texts:?}");
    assert_eq!(selected(&s), cursor, "the cursor stays where it was");

    let mut images = tags();
    images[0].findings = Some(scanned("v1.5.0", "COMPLETE", &[("LOW", 3)]));
    update(&mut s, images_loaded("web", "php", Ok(images)));
    assert!(
        labels(&s)[0].ends_with("  scan COMPLETE"),
        "{:?}",
        labels(&s)
    );
}

#[test]
fn images_loaded_fills_tag_rows_newest_first() {
    let s = picker_with_tags();
    let images: Vec<(String, String)> = picker_rows(&s)
        .into_iter()
        .filter_map(|r| match r {
            PickRow::Image {
                container,
                image,
                label,
            } => Some((container, format!("{image} | {label}"))),
            _ => None,
        })
        .collect();
    assert_eq!(images.len(), 3, "{images:?}");
    assert!(images.iter().all(|(container, _)| container == "php"));
    let texts: Vec<&str> = images.iter().map(|(_, t)| t.as_str()).collect();
    assert!(
        texts[0].starts_with(&format!("{REPO}:v1.5.0 | v1.5.0 ")),
        "{texts:?}"
    );
    assert!(
        texts[1].starts_with(&format!("{REPO}:v1.4.1 | v1.4.1 ")),
        "{texts:?}"
    );
    assert!(
        texts[2].starts_with(&format!("{REPO}:v1.4.0 | v1.4.0 ")),
        "{texts:?}"
    );
    // Age, the digest's start and the scan state are in the label.
    assert!(texts[1].contains("pushed") && texts[1].contains("bbbbbbbbbbbb"));
    // The scans come in a second answer (the findings cache): until then, a placeholder.
    assert!(texts[1].ends_with("scan …"), "{texts:?}");
    assert!(!picker_rows(&s)
        .iter()
        .any(|r| matches!(r, PickRow::Note(n) if n.contains("loading"))));
}

#[test]
fn images_for_another_service_or_after_cancel_are_dropped() {
    let mut s = on_web();
    update(&mut s, ch('d'));
    let before = picker_rows(&s);
    update(&mut s, images_loaded("worker", "php", Ok(tags())));
    assert_eq!(picker_rows(&s), before);

    update(&mut s, key(KeyCode::Esc));
    assert!(s.modal.is_none());
    update(&mut s, images_loaded("web", "php", Ok(tags())));
    assert!(s.modal.is_none(), "a late answer reopened the picker");
}

#[test]
fn an_ecr_error_shows_as_a_note_and_typing_still_works() {
    let mut s = on_web();
    update(&mut s, ch('d'));
    update(
        &mut s,
        images_loaded("web", "php", Err("AccessDeniedException".into())),
    );
    assert!(picker_rows(&s).contains(&PickRow::Note(
        "cannot list tags: AccessDeniedException".into()
    )));
    assert!(picker_rows(&s).contains(&PickRow::Typed {
        container: "php".into()
    }));
}

#[test]
fn choosing_a_tag_and_continue_prepares_the_deploy() {
    let mut s = picker_with_tags();
    move_to(&mut s, is_tag("v1.4.1"));
    assert!(update(&mut s, key(KeyCode::Enter)).is_empty());
    assert_eq!(chosen(&s), BTreeMap::from([("php".to_string(), v141())]));
    move_to(&mut s, is_continue);
    let effects = update(&mut s, key(KeyCode::Enter));
    let job = deploy_request(&[("php", &v141())], None);
    assert_eq!(effects, vec![Effect::PrepareDeploy { job: job.clone() }]);
    assert!(matches!(&s.modal, Some(Modal::Preparing { job: j, .. }) if *j == job));
    // Nothing runs yet.
    assert!(s.job.is_none());
}

#[test]
fn space_chooses_too_and_keep_undoes_a_choice() {
    let mut s = picker_with_tags();
    move_to(&mut s, is_tag("v1.4.0"));
    update(&mut s, ch(' '));
    assert_eq!(chosen(&s)["php"], format!("{REPO}:v1.4.0"));
    // Choosing another tag replaces it: one image per container.
    move_to(&mut s, is_tag("v1.4.1"));
    update(&mut s, ch(' '));
    assert_eq!(chosen(&s), BTreeMap::from([("php".to_string(), v141())]));
    move_to(
        &mut s,
        |r| matches!(r, PickRow::Keep { container } if container == "php"),
    );
    update(&mut s, key(KeyCode::Enter));
    assert!(chosen(&s).is_empty());
}

#[test]
fn continue_with_nothing_new_is_refused() {
    let mut s = picker_with_tags();
    move_to(&mut s, is_continue);
    let effects = update(&mut s, key(KeyCode::Enter));
    assert!(effects.is_empty(), "{effects:?}");
    assert_error(&s, "choose a new image first");
    assert!(
        matches!(s.modal, Some(Modal::Picker(_))),
        "the picker closed"
    );

    // Choosing the tag that already runs changes nothing either.
    s.status = None;
    move_to(&mut s, is_tag("v1.5.0"));
    update(&mut s, key(KeyCode::Enter));
    move_to(&mut s, is_continue);
    assert!(update(&mut s, key(KeyCode::Enter)).is_empty());
    assert_error(&s, "choose a new image first");
    assert!(matches!(s.modal, Some(Modal::Picker(_))));
}

#[test]
fn migrate_first_puts_the_configured_migration_into_the_request() {
    let mut s = picker_with_tags();
    let settings = MigrationSettings {
        timeout_override: None,
        container: "php".into(),
        env: BTreeMap::from([
            ("RUN_MIGRATIONS".to_string(), "1".to_string()),
            ("DB_TIMEOUT".to_string(), "30".to_string()),
        ]),
        command: vec![
            "php".into(),
            "artisan".into(),
            "migrate".into(),
            "--force".into(),
        ],
        timeout_minutes: 12,
    };
    s.config.services.insert(
        "production/web".into(),
        ServiceSettings {
            migration: settings.clone(),
            ..ServiceSettings::default()
        },
    );
    move_to(&mut s, is_tag("v1.4.1"));
    update(&mut s, key(KeyCode::Enter));
    move_to(&mut s, is_migrate_first);
    update(&mut s, key(KeyCode::Enter));
    assert!(matches!(&s.modal, Some(Modal::Picker(p)) if p.migrate_first));
    move_to(&mut s, is_continue);
    let effects = update(&mut s, key(KeyCode::Enter));
    assert_eq!(
        effects,
        vec![Effect::PrepareDeploy {
            job: deploy_request(&[("php", &v141())], Some(settings))
        }]
    );
}

#[test]
fn migrate_first_toggles_off_again() {
    let mut s = picker_with_tags();
    move_to(&mut s, is_tag("v1.4.1"));
    update(&mut s, key(KeyCode::Enter));
    move_to(&mut s, is_migrate_first);
    update(&mut s, key(KeyCode::Enter));
    update(&mut s, ch(' '));
    move_to(&mut s, is_continue);
    let effects = update(&mut s, key(KeyCode::Enter));
    assert_eq!(
        effects,
        vec![Effect::PrepareDeploy {
            job: deploy_request(&[("php", &v141())], None)
        }]
    );
}

#[test]
fn typing_an_image_for_a_container_outside_ecr() {
    let mut s = picker_with_tags();
    move_to(&mut s, is_typed("nginx"));
    assert!(update(&mut s, key(KeyCode::Enter)).is_empty());
    assert!(
        matches!(&s.modal, Some(Modal::TypeImage { container, text, .. }) if container == "nginx" && text.is_empty()),
        "{:?}",
        s.modal
    );
    // Whitespace is not part of an image reference; Backspace edits; letters that are
    // keys elsewhere (j, k, q, d) are just text here.
    type_text(&mut s, "nginx:1.27 -alpinex");
    update(&mut s, key(KeyCode::Backspace));
    assert!(matches!(&s.modal, Some(Modal::TypeImage { text, .. }) if text == "nginx:1.27-alpine"));
    assert!(!s.quit);
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(
        chosen(&s),
        BTreeMap::from([("nginx".to_string(), "nginx:1.27-alpine".to_string())])
    );
    // The cursor is still on the typed row; Enter again edits what was typed.
    update(&mut s, key(KeyCode::Enter));
    assert!(matches!(&s.modal, Some(Modal::TypeImage { text, .. }) if text == "nginx:1.27-alpine"));
    update(&mut s, key(KeyCode::Esc));
    assert!(
        matches!(s.modal, Some(Modal::Picker(_))),
        "Esc goes back to the picker"
    );

    move_to(&mut s, is_continue);
    let effects = update(&mut s, key(KeyCode::Enter));
    assert_eq!(
        effects,
        vec![Effect::PrepareDeploy {
            job: deploy_request(&[("nginx", "nginx:1.27-alpine")], None)
        }]
    );
}

#[test]
fn esc_in_the_type_box_keeps_the_previous_choice() {
    let mut s = picker_with_tags();
    move_to(&mut s, is_tag("v1.4.1"));
    update(&mut s, key(KeyCode::Enter));
    move_to(&mut s, is_typed("php"));
    update(&mut s, key(KeyCode::Enter));
    // The box starts with the current choice.
    assert!(matches!(&s.modal, Some(Modal::TypeImage { text, .. }) if *text == v141()));
    type_text(&mut s, "-rc");
    update(&mut s, key(KeyCode::Esc));
    assert_eq!(chosen(&s), BTreeMap::from([("php".to_string(), v141())]));
}

#[test]
fn esc_cancels_the_picker() {
    let mut s = picker_with_tags();
    move_to(&mut s, is_tag("v1.4.1"));
    update(&mut s, key(KeyCode::Enter));
    let effects = update(&mut s, key(KeyCode::Esc));
    assert!(effects.is_empty());
    assert!(s.modal.is_none());
    assert_eq!(status_text(&s), "deploy cancelled");
    assert!(!s.status.as_ref().unwrap().error);
    // Esc closed the modal only, not the pane under it.
    assert!(matches!(view(&s), View::Services { .. }));
}

#[test]
fn the_picker_takes_every_key() {
    let mut s = picker_with_tags();
    let stack = s.stack.clone();
    // q, r, m, S, : would quit, refresh, migrate, scale, or type a command outside.
    let effects = type_text(&mut s, "qrmS:/l");
    assert!(effects.is_empty(), "{effects:?}");
    assert!(!s.quit);
    assert!(matches!(s.modal, Some(Modal::Picker(_))));
    assert_eq!(s.stack, stack);
    assert_eq!(s.input, crate::app::Input::None);
}

// ---- deploy: preview and confirm ------------------------------------------------------

#[test]
fn prepared_ok_turns_into_the_confirm_modal_with_the_preview() {
    let s = confirming_deploy();
    let (title, lines, job) = confirm_parts(&s);
    assert_eq!(title, "deploy production/web?");
    assert_eq!(job, deploy_request(&[("php", &v141())], None));
    assert_eq!(
        lines[..5],
        [
            "account 123456789012 · profile default · region us-east-1",
            "cluster production · service web",
            "revision laravel-web:2 → a new revision of laravel-web",
            "! php: v1.4.1 is a downgrade: an older version than the running v1.5.0",
            "No migration task first.",
        ]
    );
    assert_eq!(lines[5..], preview_lines()[..]);
    // The job carries the revision the preview was made from.
    assert!(matches!(&s.modal, Some(Modal::Confirm { expect: Some(e), .. }) if e == WEB_TD));
}

#[test]
fn prepared_err_is_an_error_status() {
    let mut s = preparing();
    let msg = prepared(&s, Err("DescribeServices: service web not found".into()));
    let effects = update(&mut s, msg);
    assert!(effects.is_empty());
    assert!(s.modal.is_none());
    assert_error(&s, "deploy: DescribeServices: service web not found");
}

#[test]
fn esc_while_preparing_cancels_and_a_late_preview_is_dropped() {
    let mut s = preparing();
    let late = prepared(&s, Ok(preview()));
    update(&mut s, ch('x'));
    assert!(matches!(s.modal, Some(Modal::Preparing { .. })));
    update(&mut s, key(KeyCode::Esc));
    assert!(s.modal.is_none());
    assert_eq!(status_text(&s), "deploy cancelled");
    assert!(update(&mut s, late.clone()).is_empty());
    assert!(s.modal.is_none(), "a late preview opened a confirm modal");
}

#[test]
fn a_late_preview_of_a_cancelled_deploy_never_lands_on_the_next_one() {
    let mut s = preparing();
    let late = prepared(&s, Ok(preview()));
    update(&mut s, key(KeyCode::Esc));
    // A second deploy with another choice (migrate first this time).
    let Msg::Prepared {
        job: JobRequest::Deploy(mut other),
        ..
    } = late.clone()
    else {
        panic!("deploy")
    };
    other.migrate_first = Some(MigrationSettings::default());
    s.modal = Some(Modal::Preparing {
        job: JobRequest::Deploy(other),
        notes: Vec::new(),
    });
    assert!(update(&mut s, late).is_empty());
    assert!(
        matches!(s.modal, Some(Modal::Preparing { .. })),
        "the old preview must not confirm the new deploy"
    );
}

#[test]
fn enter_in_confirm_runs_exactly_one_job_and_opens_the_job_pane() {
    let mut s = confirming_deploy();
    let depth = s.stack.len();
    arm(&mut s);
    let effects = update(&mut s, key(KeyCode::Enter));
    let jobs = run_jobs(&effects);
    assert_eq!(effects.len(), 1, "{effects:?}");
    assert!(
        matches!(&effects[0], Effect::RunJob { expect: Some(e), .. } if e == WEB_TD),
        "{effects:?}"
    );
    assert_eq!(jobs.len(), 1);
    let (id, job) = &jobs[0];
    assert_eq!(*job, deploy_request(&[("php", &v141())], None));
    assert!(s.modal.is_none());
    assert_eq!(view(&s), &View::Job);
    assert_eq!(s.stack.len(), depth + 1);
    let running = s.job.as_ref().expect("a job");
    assert_eq!(running.id, *id);
    assert_eq!(running.request, *job);
    assert!(running.outcome.is_none());
    assert_eq!(running.title(), "deploy production/web: running…");
}

#[test]
fn only_enter_confirms() {
    let mut s = confirming_deploy();
    // y, space and the action keys do not run anything.
    let effects = send(
        &mut s,
        [ch('y'), ch(' '), ch('d'), ch('j'), key(KeyCode::Tab)],
    );
    assert!(effects.is_empty(), "{effects:?}");
    assert!(matches!(s.modal, Some(Modal::Confirm { .. })));
    assert!(s.job.is_none());
}

#[test]
fn esc_or_n_in_confirm_runs_nothing() {
    for cancel in [key(KeyCode::Esc), ch('n')] {
        let mut s = confirming_deploy();
        let effects = update(&mut s, cancel);
        assert!(run_jobs(&effects).is_empty(), "{effects:?}");
        assert!(effects.is_empty());
        assert!(s.modal.is_none());
        assert!(s.job.is_none());
        assert!(matches!(view(&s), View::Services { .. }));
        assert_eq!(status_text(&s), "deploy cancelled");
    }
}

// ---- migrate, restart ------------------------------------------------------------------

#[test]
fn m_confirms_the_migration_task_then_runs_it() {
    let mut s = on_web();
    assert_eq!(update(&mut s, ch('m')), vec![Effect::DropQueuedInput]);
    let (title, lines, job) = confirm_parts(&s);
    assert_eq!(title, "migrate production/web?");
    let text = lines.join("\n");
    assert!(text.contains("RUN_MIGRATIONS=1"), "{text}");
    assert!(text.contains("container php"), "{text}");
    assert!(text.contains("laravel-web:2"), "{text}");
    let want = JobRequest::Migrate {
        cluster: "production".into(),
        service: "web".into(),
        settings: MigrationSettings::default(),
    };
    assert_eq!(job, want);
    arm(&mut s);
    let effects = update(&mut s, key(KeyCode::Enter));
    assert_eq!(run_jobs(&effects), vec![(s.job.as_ref().unwrap().id, want)]);
    assert_eq!(view(&s), &View::Job);
}

#[test]
fn m_uses_the_services_own_migration_settings() {
    let mut s = on_web();
    let settings = MigrationSettings {
        timeout_override: None,
        container: "app".into(),
        env: BTreeMap::from([("MIGRATE".to_string(), "yes".to_string())]),
        command: vec!["php".into(), "artisan".into(), "migrate".into()],
        timeout_minutes: 5,
    };
    s.config.services.insert(
        "web".into(),
        ServiceSettings {
            migration: settings.clone(),
            ..ServiceSettings::default()
        },
    );
    update(&mut s, ch('m'));
    let (_, lines, job) = confirm_parts(&s);
    let text = lines.join("\n");
    assert!(text.contains("container app with MIGRATE=yes"), "{text}");
    assert!(text.contains("command `php artisan migrate`"), "{text}");
    assert!(text.contains("up to 5 minutes"), "{text}");
    assert!(matches!(job, JobRequest::Migrate { settings: got, .. } if got == settings));
}

#[test]
fn capital_r_confirms_a_restart() {
    let mut s = on_web();
    update(&mut s, ch('R'));
    let (title, _, job) = confirm_parts(&s);
    assert_eq!(title, "restart production/web?");
    arm(&mut s);
    let effects = update(&mut s, key(KeyCode::Enter));
    assert_eq!(
        run_jobs(&effects)[0].1,
        JobRequest::Restart {
            cluster: "production".into(),
            service: "web".into()
        }
    );
    assert_eq!(job.verb(), "restart");
}

// ---- scale -------------------------------------------------------------------------------

fn scale_text(state: &State) -> String {
    match &state.modal {
        Some(Modal::Scale { text, .. }) => text.clone(),
        other => panic!("expected the scale modal, got {other:?}"),
    }
}

#[test]
fn scale_types_a_count_confirms_and_runs() {
    let mut s = on_web();
    assert!(update(&mut s, ch('S')).is_empty());
    assert!(
        matches!(&s.modal, Some(Modal::Scale { service, current: 3, text, .. }) if service == "web" && text.is_empty())
    );
    type_text(&mut s, "5");
    assert_eq!(scale_text(&s), "5");
    assert_eq!(
        update(&mut s, key(KeyCode::Enter)),
        vec![Effect::DropQueuedInput]
    );
    let (title, lines, job) = confirm_parts(&s);
    assert_eq!(title, "scale production/web?");
    assert_eq!(
        lines,
        vec![
            "account 123456789012 · profile default · region us-east-1".to_string(),
            "cluster production · service web".into(),
            "revision laravel-web:2 (unchanged) · desired count 3 → 5".into(),
            format!("  container php: image {REPO}:v1.5.0"),
            "  container nginx: image nginx:stable-alpine".into(),
            "ECS starts or stops tasks until 5 run.".into(),
        ]
    );
    let want = JobRequest::Scale {
        cluster: "production".into(),
        service: "web".into(),
        desired: 5,
    };
    assert_eq!(job, want);
    arm(&mut s);
    let effects = update(&mut s, key(KeyCode::Enter));
    assert_eq!(effects.len(), 1);
    assert_eq!(run_jobs(&effects)[0].1, want);
}

#[test]
fn scale_ignores_non_digits() {
    let mut s = on_web();
    update(&mut s, ch('S'));
    type_text(&mut s, "a-1 x2.q");
    assert_eq!(scale_text(&s), "12");
    assert!(!s.quit, "q quit from inside the modal");
    update(&mut s, key(KeyCode::Backspace));
    assert_eq!(scale_text(&s), "1");
}

#[test]
fn scale_refuses_out_of_range_and_empty() {
    for typed in ["5001", "", "99999999999"] {
        let mut s = on_web();
        update(&mut s, ch('S'));
        type_text(&mut s, typed);
        let effects = update(&mut s, key(KeyCode::Enter));
        assert!(effects.is_empty(), "{typed}: {effects:?}");
        assert_error(&s, "from 0 to 5000");
        // Still typing, with the text kept to correct.
        assert_eq!(scale_text(&s), typed);
    }
    // The bounds themselves are allowed; 0 stops the service.
    for (typed, n) in [("0", 0), ("5000", 5000)] {
        let mut s = on_web();
        update(&mut s, ch('S'));
        type_text(&mut s, typed);
        update(&mut s, key(KeyCode::Enter));
        assert!(matches!(confirm_parts(&s).2, JobRequest::Scale { desired, .. } if desired == n));
    }
}

#[test]
fn esc_cancels_scale() {
    let mut s = on_web();
    update(&mut s, ch('S'));
    type_text(&mut s, "7");
    assert!(update(&mut s, key(KeyCode::Esc)).is_empty());
    assert!(s.modal.is_none());
    assert_eq!(status_text(&s), "scale cancelled");
}

// ---- stop task -----------------------------------------------------------------------

#[test]
fn s_in_the_tasks_pane_stops_the_selected_task() {
    let mut s = in_web_tasks();
    update(&mut s, ch('j')); // the second task: 1b2c3d4e5f60
    assert_eq!(update(&mut s, ch('s')), vec![Effect::DropQueuedInput]);
    let (title, lines, job) = confirm_parts(&s);
    assert_eq!(title, "stop-task production/web?");
    assert!(
        lines.iter().any(|l| l == "Stops task 1b2c3d4e."),
        "{lines:?}"
    );
    assert_eq!(
        lines[2], "revision laravel-web:2 (unchanged) · task 1b2c3d4e",
        "{lines:?}"
    );
    assert!(!lines.join(" ").contains("0a1b2c3d"), "{lines:?}");
    let want = JobRequest::StopTask {
        cluster: "production".into(),
        service: "web".into(),
        task_arn: web_arn("1b2c3d4e5f60"),
    };
    assert_eq!(job, want);
    arm(&mut s);
    let effects = update(&mut s, key(KeyCode::Enter));
    assert_eq!(run_jobs(&effects)[0].1, want);
    assert_eq!(view(&s), &View::Job);
}

#[test]
fn s_in_the_task_detail_stops_that_task() {
    let mut s = in_web_tasks();
    send(&mut s, [ch('j'), ch('j'), key(KeyCode::Enter)]);
    assert!(matches!(view(&s), View::TaskDetail { task, .. } if task == "2c3d4e5f6071"));
    update(&mut s, ch('s'));
    assert!(matches!(
        confirm_parts(&s).2,
        JobRequest::StopTask { task_arn, .. } if task_arn == web_arn("2c3d4e5f6071")
    ));
}

#[test]
fn s_in_the_services_pane_asks_for_a_task() {
    let mut s = on_web();
    let effects = update(&mut s, ch('s'));
    assert!(effects.is_empty());
    assert!(s.modal.is_none());
    assert_error(&s, "select a task");
}

#[test]
fn actions_need_a_service() {
    let mut s = fixtures::state_with(fixtures::production());
    assert_eq!(view(&s), &View::Clusters);
    for k in ['d', 'm', 'R', 'S'] {
        assert!(update(&mut s, ch(k)).is_empty());
        assert!(s.modal.is_none());
        assert_error(&s, "select a service first");
    }
}

// ---- the job -------------------------------------------------------------------------

#[test]
fn a_second_action_while_a_job_runs_is_refused() {
    let (mut s, _) = running_deploy();
    for k in ['d', 'm', 'R', 'b', 'S'] {
        let effects = update(&mut s, ch(k));
        assert!(effects.is_empty(), "{k}: {effects:?}");
        assert!(s.modal.is_none(), "{k} opened {:?}", s.modal);
        assert_error(&s, "still running");
    }
    // Also from another pane (the first Esc dismisses the error).
    update(&mut s, key(KeyCode::Esc));
    update(&mut s, key(KeyCode::Esc));
    assert!(matches!(view(&s), View::Services { .. }));
    update(&mut s, ch('R'));
    assert!(s.modal.is_none());
    assert_error(&s, "still running");
    // `:job` goes back to it.
    send(
        &mut s,
        [ch(':'), ch('j'), ch('o'), ch('b'), key(KeyCode::Enter)],
    );
    assert_eq!(view(&s), &View::Job);
}

#[test]
fn job_progress_lands_in_the_job() {
    let (mut s, id) = running_deploy();
    let line = |tone, text: &str| Msg::JobProgress {
        id,
        progress: Progress::Line {
            tone,
            text: text.into(),
        },
    };
    send(
        &mut s,
        [
            line(Tone::Step, "registering laravel-web:3"),
            line(Tone::Info, "rollout: IN_PROGRESS 1/3 running"),
        ],
    );
    update(
        &mut s,
        Msg::JobProgress {
            id,
            progress: Progress::Log(LogLine {
                timestamp_ms: NOW.0,
                task: Arc::from("9f8e7d6c5b4a"),
                container: Arc::from("php"),
                message: "Migrating: 2026_11_01_000000_create_orders_table".into(),
            }),
        },
    );
    // Another job's progress is not this one's.
    update(
        &mut s,
        Msg::JobProgress {
            id: id + 100,
            progress: Progress::Line {
                tone: Tone::Bad,
                text: "stale".into(),
            },
        },
    );
    let job = s.job.as_ref().unwrap();
    assert_eq!(
        job.lines,
        vec![
            (Tone::Step, "registering laravel-web:3".to_string()),
            (Tone::Info, "rollout: IN_PROGRESS 1/3 running".to_string()),
        ]
    );
    assert_eq!(job.logs.len(), 1);
    let rec = job.logs.iter().next().unwrap();
    assert_eq!(&*rec.task, "9f8e7d6c5b4a");
    assert_eq!(&*rec.container, "php");
    assert!(rec.message.contains("create_orders_table"), "{rec:?}");
    assert!(job.outcome.is_none());
}

#[test]
fn job_done_stores_the_outcome_sets_a_status_and_reloads_the_cluster() {
    let (mut s, id) = running_deploy();
    let effects = update(
        &mut s,
        Msg::JobDone {
            id,
            outcome: deploy_outcome(),
        },
    );
    assert_eq!(effects.len(), 1, "{effects:?}");
    assert!(
        matches!(&effects[0], Effect::LoadDetail { cluster, .. } if cluster.name == "production"),
        "{effects:?}"
    );
    let job = s.job.as_ref().unwrap();
    assert_eq!(job.outcome.as_ref(), Some(&deploy_outcome()));
    assert_eq!(job.title(), "deploy production/web: succeeded");
    let st = s.status.as_ref().unwrap();
    assert!(!st.error);
    assert_eq!(
        st.text,
        "deploy production/web laravel-web:2 → laravel-web:3: succeeded in 42s"
    );
    assert!(job.rollback_offer().is_none());

    // The next action is allowed again.
    update(&mut s, ch('R'));
    assert!(matches!(s.modal, Some(Modal::Confirm { .. })));
}

#[test]
fn job_done_for_another_id_is_ignored() {
    let (mut s, id) = running_deploy();
    let effects = update(
        &mut s,
        Msg::JobDone {
            id: id + 100,
            outcome: deploy_outcome(),
        },
    );
    assert!(effects.is_empty());
    assert!(s.job.as_ref().unwrap().outcome.is_none());
}

#[test]
fn b_after_a_failed_rollout_offers_the_old_revision() {
    let (mut s, id) = running_deploy();
    update(
        &mut s,
        Msg::JobDone {
            id,
            outcome: failed_at(Step::Rollout),
        },
    );
    assert_error(&s, "failed at step rollout");
    assert!(
        status_text(&s).ends_with("(b rolls back)"),
        "{}",
        status_text(&s)
    );
    assert_eq!(view(&s), &View::Job);

    // `b` asks AWS what the rollback would run before it asks the operator.
    let asked = JobRequest::Rollback {
        cluster: "production".into(),
        service: "web".into(),
        to: Some("laravel-web:2".into()),
    };
    assert_eq!(
        update(&mut s, ch('b')),
        vec![Effect::PrepareRollback { job: asked.clone() }]
    );
    assert!(matches!(&s.modal, Some(Modal::Preparing { job, .. }) if *job == asked));
    let v3 = WEB_TD.replace(":2", ":3");
    let answer = Preview {
        running: v3.clone(),
        target: Some(WEB_TD.into()),
        account: Some("123456789012".into()),
        lines: vec![
            "task definition laravel-web:3 → laravel-web:2 (an existing revision: nothing is registered)".into(),
            "  container php:".into(),
            format!("-   image: {}", v141()),
            format!("+   image: {REPO}:v1.5.0"),
        ],
        findings: Vec::new(),
    };
    assert_eq!(
        update(
            &mut s,
            Msg::Prepared {
                job: asked,
                result: Ok(answer.clone())
            }
        ),
        vec![Effect::DropQueuedInput]
    );
    let (title, lines, job) = confirm_parts(&s);
    assert_eq!(title, "rollback production/web?");
    // The job goes to exactly the revision shown, named with its images.
    let want = JobRequest::Rollback {
        cluster: "production".into(),
        service: "web".into(),
        to: Some(WEB_TD.into()),
    };
    assert_eq!(job, want);
    assert_eq!(
        lines[2], "revision laravel-web:3 → laravel-web:2",
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l == "The service goes back to laravel-web:2."),
        "{lines:?}"
    );
    assert!(lines.ends_with(&answer.lines), "{lines:?}");

    arm(&mut s);
    let effects = update(&mut s, key(KeyCode::Enter));
    let jobs = run_jobs(&effects);
    assert_eq!(jobs.len(), 1);
    assert_ne!(jobs[0].0, id, "the rollback is a new job");
    assert_eq!(jobs[0].1, want);
    assert!(
        matches!(&effects[0], Effect::RunJob { expect: Some(e), .. } if *e == v3),
        "{effects:?}"
    );
    // Still one job pane on the stack, now showing the rollback.
    assert_eq!(s.stack.iter().filter(|sc| sc.view == View::Job).count(), 1);
    assert_eq!(s.job.as_ref().unwrap().request, want);
}

#[test]
fn an_unconfirmed_rollout_says_so_and_offers_no_rollback() {
    let (mut s, id) = running_deploy();
    let outcome = deploy_outcome().unconfirmed(
        Step::Rollout,
        "could not confirm the rollout: DescribeServices failed: cannot reach the endpoint",
        "the service update was sent (laravel-web:3); check the rollout with `toadtop --once` or the console",
    );
    assert_eq!(outcome.exit_code(), 6);
    update(&mut s, Msg::JobDone { id, outcome });
    let job = s.job.as_ref().unwrap();
    assert_eq!(job.title(), "deploy production/web: unconfirmed");
    assert!(job.rollback_offer().is_none());
    assert_error(
        &s,
        "unconfirmed at step rollout: could not confirm the rollout",
    );
    assert!(
        status_text(&s).contains("toadtop --once"),
        "{}",
        status_text(&s)
    );
    assert!(
        !status_text(&s).contains("rolls back"),
        "{}",
        status_text(&s)
    );
    assert!(update(&mut s, ch('b')).is_empty());
    assert!(s.modal.is_none());
}

#[test]
fn no_rollback_offer_after_a_failed_migration() {
    let (mut s, id) = running_deploy();
    update(
        &mut s,
        Msg::JobDone {
            id,
            outcome: failed_at(Step::Migrate),
        },
    );
    assert_error(&s, "failed at step migrate");
    assert!(
        !status_text(&s).contains("rolls back"),
        "{}",
        status_text(&s)
    );
    assert!(s.job.as_ref().unwrap().rollback_offer().is_none());
    // `b` in the action pane refuses: the failed migration never moved the service.
    let effects = update(&mut s, ch('b'));
    assert!(effects.is_empty());
    assert!(s.modal.is_none());
    assert_error(&s, "nothing to roll back");
}

// ---- never by accident ------------------------------------------------------------------

fn typed_text(state: &State) -> Option<String> {
    match &state.modal {
        Some(Modal::Confirm { typed, .. }) => typed.clone(),
        other => panic!("expected a confirm modal, got {other:?}"),
    }
}

#[test]
fn enter_right_after_a_confirmation_opens_is_ignored_and_starts_the_wait_again() {
    let mut s = confirming_deploy();
    let opened = s.now;
    // The second Enter of a key repeat or a paste: same moment.
    assert!(update(&mut s, key(KeyCode::Enter)).is_empty());
    assert!(matches!(s.modal, Some(Modal::Confirm { .. })));
    assert!(s.job.is_none());
    assert_error(&s, "enter ignored");
    // Held down: each early Enter restarts the wait, so a repeat never gets through.
    for step in [100, 200, 300, 399] {
        s.now = Timestamp(opened.0 + step);
        assert!(
            update(&mut s, key(KeyCode::Enter)).is_empty(),
            "at +{step} ms"
        );
    }
    s.now = Timestamp(opened.0 + ARM_MS + 100);
    assert!(
        update(&mut s, key(KeyCode::Enter)).is_empty(),
        "only 101 ms after the last early Enter"
    );
    // A moment of quiet, then Enter runs it.
    s.now = Timestamp(s.now.0 + ARM_MS);
    let effects = update(&mut s, key(KeyCode::Enter));
    assert_eq!(run_jobs(&effects).len(), 1, "{effects:?}");
}

#[test]
fn the_window_is_measured_from_the_moment_the_confirmation_opened() {
    let mut s = on_web();
    s.now = Timestamp(NOW.0 + 5_000);
    update(&mut s, ch('R'));
    assert!(matches!(&s.modal, Some(Modal::Confirm { opened_at, .. }) if *opened_at == s.now));
    s.now = Timestamp(NOW.0 + 5_000 + ARM_MS - 1);
    assert!(update(&mut s, key(KeyCode::Enter)).is_empty());
    assert!(s.job.is_none());
    // Esc is never held back.
    let mut s = on_web();
    update(&mut s, ch('R'));
    update(&mut s, key(KeyCode::Esc));
    assert!(s.modal.is_none());
}

#[test]
fn every_confirmation_opening_drops_input_queued_before_it() {
    let mut s = on_web();
    for k in ['m', 'R'] {
        assert_eq!(update(&mut s, ch(k)), vec![Effect::DropQueuedInput], "{k}");
        update(&mut s, key(KeyCode::Esc));
    }
    update(&mut s, ch('S'));
    type_text(&mut s, "2");
    assert_eq!(
        update(&mut s, key(KeyCode::Enter)),
        vec![Effect::DropQueuedInput]
    );
}

#[test]
fn scaling_to_zero_needs_the_service_name_typed() {
    let mut s = on_web();
    update(&mut s, ch('S'));
    type_text(&mut s, "0");
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(typed_text(&s).as_deref(), Some(""));
    let (_, lines, _) = confirm_parts(&s);
    assert!(
        lines
            .iter()
            .any(|l| l == "! This leaves web with no running task: type its name to confirm."),
        "{lines:?}"
    );
    arm(&mut s);
    // Armed, but nothing typed: Enter alone does nothing.
    assert!(update(&mut s, key(KeyCode::Enter)).is_empty());
    assert_error(&s, "type the service name `web`");
    // `n` is a letter here, not a cancel; a wrong name is refused.
    type_text(&mut s, "wen");
    assert_eq!(typed_text(&s).as_deref(), Some("wen"));
    assert!(update(&mut s, key(KeyCode::Enter)).is_empty());
    assert!(s.job.is_none());
    update(&mut s, key(KeyCode::Backspace));
    type_text(&mut s, "b");
    let effects = update(&mut s, key(KeyCode::Enter));
    assert_eq!(
        run_jobs(&effects)[0].1,
        JobRequest::Scale {
            cluster: "production".into(),
            service: "web".into(),
            desired: 0
        }
    );
}

#[test]
fn scaling_to_another_count_needs_no_name() {
    let mut s = on_web();
    update(&mut s, ch('S'));
    type_text(&mut s, "1");
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(typed_text(&s), None);
}

#[test]
fn stopping_the_last_running_task_needs_the_service_name_typed() {
    let mut s = fixtures::state_with(fixtures::production());
    // scheduler (the first row) runs one task.
    send(&mut s, [key(KeyCode::Enter), key(KeyCode::Enter)]);
    assert!(matches!(view(&s), View::Tasks { service, .. } if service == "scheduler"));
    update(&mut s, ch('s'));
    assert_eq!(typed_text(&s).as_deref(), Some(""));
    arm(&mut s);
    type_text(&mut s, "scheduler");
    let effects = update(&mut s, key(KeyCode::Enter));
    assert!(matches!(
        &run_jobs(&effects)[0].1,
        JobRequest::StopTask { service, .. } if service == "scheduler"
    ));

    // One of web's three running tasks: Enter is enough.
    let mut s = in_web_tasks();
    update(&mut s, ch('s'));
    assert_eq!(typed_text(&s), None);
}

#[test]
fn restart_and_migrate_carry_the_revision_they_showed() {
    for k in ['R', 'm'] {
        let mut s = on_web();
        update(&mut s, ch(k));
        arm(&mut s);
        let effects = update(&mut s, key(KeyCode::Enter));
        assert!(
            matches!(&effects[0], Effect::RunJob { expect: Some(e), before: Some(b), .. } if e == WEB_TD && b == "laravel-web:2"),
            "{k}: {effects:?}"
        );
    }
    // Scale does not depend on the revision.
    let mut s = on_web();
    update(&mut s, ch('S'));
    type_text(&mut s, "4");
    update(&mut s, key(KeyCode::Enter));
    arm(&mut s);
    let effects = update(&mut s, key(KeyCode::Enter));
    assert!(
        matches!(&effects[0], Effect::RunJob { expect: None, .. }),
        "{effects:?}"
    );
}

#[test]
fn b_in_the_services_pane_previews_the_rollback_first() {
    let mut s = on_web();
    let want = JobRequest::Rollback {
        cluster: "production".into(),
        service: "web".into(),
        to: None,
    };
    assert_eq!(
        update(&mut s, ch('b')),
        vec![Effect::PrepareRollback { job: want.clone() }]
    );
    let msg = Msg::Prepared {
        job: want,
        result: Err("laravel-web:2 has no earlier active revision to roll back to".into()),
    };
    assert!(update(&mut s, msg).is_empty());
    assert!(s.modal.is_none());
    assert_error(&s, "rollback: laravel-web:2 has no earlier active revision");
}

#[test]
fn a_typed_image_outside_ecr_says_where_it_comes_from() {
    let mut s = picker_with_tags();
    move_to(&mut s, is_typed("nginx"));
    update(&mut s, key(KeyCode::Enter));
    type_text(&mut s, "nginx:1.27-alpine");
    update(&mut s, key(KeyCode::Enter));
    move_to(&mut s, is_continue);
    update(&mut s, key(KeyCode::Enter));
    let msg = prepared(&s, Ok(preview()));
    update(&mut s, msg);
    let (_, lines, _) = confirm_parts(&s);
    assert_eq!(
        lines[3], "! nginx: docker.io/library/nginx:1.27-alpine — not ECR, pulled from Docker Hub",
        "{lines:?}"
    );
}

#[test]
fn a_paste_is_text_for_a_field_and_never_keys() {
    // On the services pane a pasted "S0⏎⏎" scales nothing: it is not keystrokes.
    let mut s = on_web();
    assert!(update(&mut s, Msg::Paste("S0\r\r".into())).is_empty());
    assert!(s.modal.is_none());
    assert_error(&s, "paste ignored");
    // Into the scale modal only its digits go; the line breaks do not confirm.
    update(&mut s, ch('S'));
    assert!(update(&mut s, Msg::Paste("1\r\r".into())).is_empty());
    assert_eq!(scale_text(&s), "1");
    // A typed-name confirmation takes no paste either.
    let mut s = on_web();
    update(&mut s, ch('S'));
    type_text(&mut s, "0");
    update(&mut s, key(KeyCode::Enter));
    arm(&mut s);
    assert!(update(&mut s, Msg::Paste("web\r".into())).is_empty());
    assert_eq!(typed_text(&s).as_deref(), Some(""));
    assert!(s.job.is_none());
    // An image pasted into the type box.
    let mut s = picker_with_tags();
    move_to(&mut s, is_typed("nginx"));
    update(&mut s, key(KeyCode::Enter));
    update(&mut s, Msg::Paste("nginx:1.27-alpine\n".into()));
    assert!(
        matches!(&s.modal, Some(Modal::TypeImage { text, .. }) if text == "nginx:1.27-alpine"),
        "{:?}",
        s.modal
    );
}

// ---- a confirmation longer than its box scrolls ------------------------------------------

fn confirm_scroll_of(state: &State) -> u16 {
    match &state.modal {
        Some(Modal::Confirm { scroll, .. }) => *scroll,
        other => panic!("expected a confirm modal, got {other:?}"),
    }
}

#[test]
fn scrolling_a_confirmation_moves_its_text_and_never_confirms_or_cancels() {
    use crate::app::actions::ModalView;
    use crate::app::text_view::END;
    let mut s = confirming_deploy();
    arm(&mut s);
    // As a draw at 80x24 reports it: 30 rows of text, 12 shown.
    s.modal_view = Some(ModalView {
        rows: 30,
        height: 12,
    });
    for (k, want) in [
        (ch('j'), 1),
        (key(KeyCode::Down), 2),
        (ch('k'), 1),
        (key(KeyCode::PageDown), 13),
        (key(KeyCode::PageUp), 1),
        (ch('G'), END),
        // Up from the end starts at the last page (18 = 30 - 12).
        (ch('k'), 17),
        (ch('g'), 0),
        (ch('k'), 0),
    ] {
        let shown = format!("{k:?}");
        assert!(update(&mut s, k).is_empty(), "{shown}");
        assert_eq!(confirm_scroll_of(&s), want, "after {shown}");
        assert!(s.job.is_none(), "{shown} confirmed");
    }
    // Armed all along, but the end is below the box: Enter shows it (below); once it
    // is shown, Enter confirms, once.
    update(&mut s, ch('G'));
    let effects = update(&mut s, key(KeyCode::Enter));
    assert_eq!(run_jobs(&effects).len(), 1, "{effects:?}");
}

#[test]
fn enter_with_text_below_the_box_shows_it_and_waits_to_be_read_again() {
    use crate::app::actions::ModalView;
    use crate::app::text_view::END;
    let mut s = confirming_deploy();
    arm(&mut s);
    // As a draw at 80x24 reports a long preview: the warnings at its end are not shown.
    s.modal_view = Some(ModalView {
        rows: 30,
        height: 12,
    });
    let effects = update(&mut s, key(KeyCode::Enter));
    assert!(run_jobs(&effects).is_empty(), "{effects:?}");
    assert!(s.job.is_none(), "confirmed past text nobody saw");
    assert_eq!(confirm_scroll_of(&s), END, "enter shows the end");
    let said = s
        .status
        .as_ref()
        .map(|l| l.text.clone())
        .unwrap_or_default();
    assert!(said.contains("read it, then press enter"), "{said:?}");
    // The wait starts again: a second Enter at once (a held or doubled key) does nothing.
    let effects = update(&mut s, key(KeyCode::Enter));
    assert!(run_jobs(&effects).is_empty(), "{effects:?}");
    assert!(s.job.is_none(), "a doubled enter confirmed");
    // Read, then Enter: it confirms, once.
    arm(&mut s);
    let effects = update(&mut s, key(KeyCode::Enter));
    assert_eq!(run_jobs(&effects).len(), 1, "{effects:?}");
    // A confirmation that fits its box confirms at the first armed Enter, as before.
    let mut s = confirming_deploy();
    arm(&mut s);
    s.modal_view = Some(ModalView {
        rows: 10,
        height: 12,
    });
    let effects = update(&mut s, key(KeyCode::Enter));
    assert_eq!(run_jobs(&effects).len(), 1, "{effects:?}");
}

#[test]
fn while_a_name_is_typed_letters_type_and_only_arrows_scroll() {
    use crate::app::actions::ModalView;
    let mut s = on_web();
    update(&mut s, ch('S'));
    type_text(&mut s, "0");
    update(&mut s, key(KeyCode::Enter));
    arm(&mut s);
    s.modal_view = Some(ModalView { rows: 9, height: 4 });
    type_text(&mut s, "jk");
    assert_eq!(typed_text(&s).as_deref(), Some("jk"));
    assert_eq!(confirm_scroll_of(&s), 0);
    update(&mut s, key(KeyCode::Down));
    assert_eq!(confirm_scroll_of(&s), 1);
    assert_eq!(typed_text(&s).as_deref(), Some("jk"));
    // Esc still cancels, scrolled or not.
    update(&mut s, key(KeyCode::Esc));
    assert!(s.modal.is_none());
    assert!(s.job.is_none());
}
