//! Every pane drawn from a fixture state into ratatui's `TestBackend`, compared as plain
//! text with insta snapshots (tests/snapshots/). Styles are not part of the snapshot; a few
//! tests also assert specific facts (secrets masked, escapes stripped, marks shown).
//!
//! Update after an intended UI change: `INSTA_UPDATE=always cargo test --test ui_snapshots`,
//! then read the changed .snap files before committing them.

#[path = "support/screen.rs"]
mod screen;

use ratatui::backend::TestBackend;
use ratatui::Terminal;
use screen::render;
use toadtop::app::{update, Input, Msg, Screen, State, View};
use toadtop::fixtures::{self, NOW};

const W: u16 = 120;
const H: u16 = 32;

/// Clusters and production's services loaded (fixtures), on the cluster list.
fn loaded() -> State {
    fixtures::state_with(fixtures::production())
}

fn open(mut state: State, views: impl IntoIterator<Item = View>) -> State {
    for v in views {
        state.stack.push(Screen::new(v));
    }
    state
}

fn services_view() -> View {
    View::Services {
        cluster: "production".into(),
    }
}

fn in_services() -> State {
    open(loaded(), [services_view()])
}

fn web(view: fn(String, String) -> View) -> View {
    view("production".into(), "web".into())
}

// ---- the panes -----------------------------------------------------------------------

#[test]
fn clusters() {
    let text = render(&loaded(), W, H);
    assert!(text.contains("production"));
    assert!(text.contains("staging"));
    insta::assert_snapshot!("clusters", text);
}

#[test]
fn services_80x24() {
    let text = render(&in_services(), 80, 24);
    for name in ["scheduler", "web", "worker"] {
        assert!(text.contains(name), "{name} missing:\n{text}");
    }
    insta::assert_snapshot!("services_80x24", text);
}

/// Production as the demo seeds it: scheduler and worker run their own families
/// (`laravel-scheduler:1`, `laravel-worker:1`) with one container, web runs php and nginx,
/// and the images have findings.
fn demo_families() -> State {
    let mut state = in_services();
    let detail = state
        .details
        .get_mut("production")
        .and_then(|d| d.data.as_mut())
        .expect("production");
    for s in &mut detail.services {
        if s.name == "web" {
            continue;
        }
        let family = format!("laravel-{}", s.name);
        let arn = format!("arn:aws:ecs:us-east-1:123456789012:task-definition/{family}:1");
        s.task_definition_arn = arn.clone();
        let td = s.task_definition.as_mut().expect("a revision");
        td.arn = arn.clone();
        td.family = family;
        td.revision = 1;
        td.containers.truncate(1);
        for t in &mut s.tasks {
            t.task_definition_arn = arn.clone();
            t.containers.truncate(1);
        }
    }
    state
}

/// At 80 columns the task definition shows whole (family and revision: which task
/// definition and which version) while the image list gives way, cut with `…`; the
/// tasks pane's REVISION is whole too.
#[test]
fn services_80x24_task_def_whole() {
    let state = demo_families();
    let text = render(&state, 80, 24);
    for whole in ["laravel-scheduler:1", "laravel-worker:1", "laravel-web:2"] {
        assert!(text.contains(&format!(" {whole} ")), "{whole} cut:\n{text}");
    }
    assert!(text.contains(" php:v1.5.0 ng"), "{text}");
    assert!(
        text.contains("… COMPLETED"),
        "the image list is cut:\n{text}"
    );
    insta::assert_snapshot!("services_80x24_task_def_whole", text);
    let tasks = render(
        &open(
            state,
            [View::Tasks {
                cluster: "production".into(),
                service: "scheduler".into(),
            }],
        ),
        80,
        24,
    );
    assert!(tasks.contains(" laravel-scheduler:1 "), "{tasks}");
    assert!(tasks.contains("php RUNNING ro"), "{tasks}");
}

#[test]
fn services_160x40() {
    let text = render(&in_services(), 160, 40);
    assert!(text.contains("laravel-web:2"));
    assert!(text.contains("COMPLETED"));
    insta::assert_snapshot!("services_160x40", text);
}

#[test]
fn tasks() {
    let mut state = open(
        in_services(),
        [web(|cluster, service| View::Tasks { cluster, service })],
    );
    state.screen_mut().selected = 3; // the stopped one
    let text = render(&state, W, H);
    // The revision each task runs, then its status.
    assert!(text.contains("│3d4e5f60 laravel-web:2 STOPPED"), "{text}");
    assert!(text.contains("EssentialContainer"), "{text}");
    assert!(text.contains("exit 1"));
    // Every fixture container has a read-only root: the `ro` mark shows on each.
    let task_rows: Vec<&str> = text.lines().filter(|l| l.contains("php ")).collect();
    assert_eq!(task_rows.len(), 4, "{text}");
    for row in task_rows {
        assert!(
            row.contains("php RUNNING ro") || row.contains("php exit 1 ro"),
            "{row}"
        );
    }
    insta::assert_snapshot!("tasks", text);
}

#[test]
fn service_detail() {
    let state = open(
        in_services(),
        [web(|cluster, service| View::ServiceDetail {
            cluster,
            service,
        })],
    );
    let text = render(&state, W, H);
    // The fixture's event message holds `ESC[31m`: the words stay, the sequence goes.
    assert!(text.contains("because"), "{text}");
    assert!(!text.contains('\u{1b}'));
    assert!(!text.contains("[31m"), "{text}");
    assert!(!text.contains("[0m"), "{text}");
    // Before the secrets check answers, the task definition's entries are listed.
    assert!(text.contains("checking…"), "{text}");
    insta::assert_snapshot!("service_detail", text);
}

#[test]
fn service_detail_secrets() {
    use std::collections::BTreeMap;
    use toadtop::domain::{SecretHealth, SecretSource, SecretState};
    use toadtop::timefmt::Timestamp;

    let row = |name: &str, parameter: &str, source, state| SecretHealth {
        container: "php".into(),
        name: name.into(),
        value_from: parameter.into(),
        parameter: parameter.into(),
        source,
        state,
        param_type: None,
        version: None,
        last_modified: None,
    };
    let mut present = row(
        "DB_PASSWORD",
        "/laravel/production/DB_PASSWORD",
        SecretSource::Ssm,
        SecretState::Exists,
    );
    present.param_type = Some("SecureString".into());
    present.version = Some(3);
    present.last_modified = Some(Timestamp(NOW.0 - 2 * 86_400_000));
    let secrets = BTreeMap::from([(
        "web".to_string(),
        vec![
            present,
            row(
                "HORIZON_KEY",
                "/laravel/production/HORIZON_KEY",
                SecretSource::Ssm,
                SecretState::Missing,
            ),
            row(
                "STRIPE_SECRET",
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:laravel/production/stripe-AbCdEf",
                SecretSource::SecretsManager,
                SecretState::NotChecked("Secrets Manager: existence not checked".into()),
            ),
        ],
    )]);
    let mut state = in_services();
    state.alerts = toadtop::alerts::secret_alerts("production", &secrets);
    let slot = state.secrets.entry("production".into()).or_default();
    slot.data = Some(secrets);
    let mut state = open(
        state,
        [web(|cluster, service| View::ServiceDetail {
            cluster,
            service,
        })],
    );
    // Scroll to the section (the pane is taller than 32 rows now).
    state.screen_mut().scroll = 16;
    let text = render(&state, W, H);
    for want in [
        "Secrets (3; values are never read)",
        "DB_PASSWORD",
        "SecureString",
        "v3",
        "2d",
        "HORIZON_KEY",
        "missing",
        "secretsmanager",
        "existence not checked",
        "secret HORIZON_KEY",
    ] {
        assert!(text.contains(want), "{want} missing:\n{text}");
    }
    insta::assert_snapshot!("service_detail_secrets", text);
}

#[test]
fn task_definition() {
    let state = open(
        in_services(),
        [web(|cluster, service| View::TaskDefinition {
            cluster,
            service,
        })],
    );
    let text = render(&state, W, 48); // tall enough to hold the whole definition
    assert!(text.contains("APP_KEY"), "{text}");
    assert!(
        !text.contains("base64:c2Vj"),
        "APP_KEY's value leaked:\n{text}"
    );
    assert!(
        !text.contains("c2VjcmV0"),
        "APP_KEY's value leaked:\n{text}"
    );
    assert!(text.contains("APP_ENV=production"), "plain values stay");
    // Secrets: name and ARN only.
    assert!(text.contains(
        "DB_PASSWORD ← arn:aws:ssm:us-east-1:123456789012:parameter/laravel/production/DB_PASSWORD"
    ));
    assert!(!text.contains("DB_PASSWORD="), "{text}");
    assert!(text.contains("read-only root"));
    insta::assert_snapshot!("task_definition", text);
}

#[test]
fn task_detail() {
    let state = open(
        in_services(),
        [
            web(|cluster, service| View::Tasks { cluster, service }),
            View::TaskDetail {
                cluster: "production".into(),
                service: "web".into(),
                task: "3d4e5f607182".into(),
            },
        ],
    );
    let text = render(&state, W, 48);
    assert!(text.contains("Essential container in task exited"));
    assert!(text.contains("us-east-1 › production › web › 3d4e5f60"));
    insta::assert_snapshot!("task_detail", text);
}

#[test]
fn help() {
    let state = open(in_services(), [View::Help]);
    let text = render(&state, W, 40);
    assert!(text.contains(":services"));
    insta::assert_snapshot!("help", text);
}

// ---- states across panes -------------------------------------------------------------

#[test]
fn filter_input_active() {
    let mut state = in_services();
    state.input = Input::Filter;
    state.screen_mut().filter = "wor".into();
    let text = render(&state, W, H);
    let last = text.lines().last().unwrap_or_default();
    assert!(last.starts_with("/wor"), "{last}");
    assert!(text.contains("worker"));
    assert!(!text.contains("scheduler"), "filtered out:\n{text}");
    insta::assert_snapshot!("filter_input_active", text);
}

#[test]
fn command_input_active() {
    let mut state = in_services();
    state.input = Input::Command("serv".into());
    let text = render(&state, W, H);
    assert!(text.lines().last().unwrap_or_default().starts_with(":serv"));
    insta::assert_snapshot!("command_input_active", text);
}

#[test]
fn error_keeps_data_and_marks_it_stale() {
    let mut state = in_services();
    let slot = state.details.get_mut("production").expect("slot");
    slot.error =
        Some("DescribeServices: ThrottlingException: Rate exceeded \u{1b}[2J(retrying)".into());
    let text = render(&state, W, H);
    let header = text.lines().next().unwrap_or_default();
    assert!(header.contains("stale"), "{header}");
    assert!(
        text.contains("⚠ DescribeServices: ThrottlingException"),
        "{text}"
    );
    assert!(text.contains("worker"), "the old rows stay");
    assert!(!text.contains('\u{1b}'));
    insta::assert_snapshot!("error_stale", text);
}

#[test]
fn offline_says_since_when_and_when_it_retries_80x24() {
    use toadtop::timefmt::Timestamp;
    let mut state = in_services();
    state.endpoint_url = Some("http://127.0.0.1:4566".into());
    state.now = Timestamp(NOW.0 + 40_000);
    let slot = state.details.get_mut("production").expect("slot");
    slot.error = Some(toadtop::domain::Failure::new(
        "DescribeServices failed: cannot reach the endpoint: Connection refused (os error 111)",
        toadtop::domain::ErrorKind::Unreachable,
    ));
    // Three failures, the last 5 s ago: the next try is 8 s after it.
    slot.failing = Some(toadtop::app::Failing {
        count: 3,
        since: Timestamp(NOW.0 + 20_000),
        last: Timestamp(NOW.0 + 35_000),
    });
    // Wide: since when. At 80 columns the clock goes (the age says it), and the
    // endpoint loses its label, never its port.
    let wide = render(&state, W, H);
    let header = wide.lines().next().unwrap_or_default();
    assert!(
        header.contains(&format!(
            "offline since {} · retry in 3s",
            Timestamp(NOW.0 + 20_000).clock()
        )),
        "{header}"
    );
    let text = render(&state, 80, 24);
    let header = text.lines().next().unwrap_or_default();
    assert!(
        header.contains("(43s ago) stale · offline · retry in 3s"),
        "{header}"
    );
    assert!(header.contains(" 127.0.0.1:4566 "), "{header}");
    assert!(text.contains("worker"), "the old rows stay");
    insta::assert_snapshot!("offline_80x24", text);
}

#[test]
fn loading_first_start() {
    let mut state = State::new("default".into(), "us-east-1".into(), None, NOW);
    let effects = update(&mut state, Msg::Tick(NOW));
    assert_eq!(effects.len(), 1);
    assert!(state.loading());
    let text = render(&state, W, 12);
    assert!(text.contains("loading clusters…"));
    assert!(text.contains("no data yet"));
    insta::assert_snapshot!("loading_clusters", text);
}

#[test]
fn loading_services() {
    let mut state = loaded();
    state.details.clear();
    state.stack.push(Screen::new(services_view()));
    state.last_refresh = None;
    let effects = update(&mut state, Msg::Tick(NOW));
    assert_eq!(effects.len(), 2, "{effects:?}");
    let text = render(&state, W, 12);
    assert!(text.contains("loading services…"), "{text}");
    insta::assert_snapshot!("loading_services", text);
}

#[test]
fn read_only_badge() {
    let mut state = in_services();
    state.read_only = true;
    let text = render(&state, W, H);
    let header = text.lines().next().unwrap_or_default();
    assert!(header.contains("READ-ONLY"), "{header}");
    insta::assert_snapshot!("read_only", text);

    state.read_only = false;
    assert!(!render(&state, W, H).contains("READ-ONLY"));
}

#[test]
fn throttled_badge() {
    let mut state = in_services();
    assert!(!render(&state, W, H).contains("throttled"));
    state.throttled = true;
    let text = render(&state, W, H);
    let header = text.lines().next().unwrap_or_default();
    assert!(header.trim_end().ends_with("throttled"), "{header}");
    // A badge, not a failure: the data is still fresh and shown.
    assert!(!header.contains("stale"), "{header}");
    assert!(text.contains("worker"), "{text}");
}

#[test]
fn endpoint_and_status_line() {
    let mut state = in_services();
    state.endpoint_url = Some("http://127.0.0.1:5000".into());
    state.read_only = true;
    // A bad command: the error names it in the status line.
    for c in ":nope".chars() {
        update(
            &mut state,
            Msg::Key(crossterm::event::KeyEvent::from(
                crossterm::event::KeyCode::Char(c),
            )),
        );
    }
    update(
        &mut state,
        Msg::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Enter,
        )),
    );
    let text = render(&state, 80, 24);
    assert!(text.contains("127.0.0.1:5000"), "{text}");
    assert!(text.contains("unknown command :nope"), "{text}");
    insta::assert_snapshot!("endpoint_status_80x24", text);
}

#[test]
fn log_pane_following() {
    let state = fixtures::log_state(200);
    let text = render(&state, W, H);
    assert!(text.contains("live tail"), "{text}");
    assert!(text.contains("▸"), "a folded trace is marked: {text}");
    insta::assert_snapshot!(text);
}

#[test]
fn log_pane_search_unfolded_at_80x24() {
    let mut state = fixtures::log_state(200);
    if let Some(p) = state.logs.as_mut() {
        p.search = "sqlstate".into();
        p.find_newest();
        p.toggle_expand();
        p.min_level = toadtop::logs::Level::Warning;
    }
    let text = render(&state, 80, 24);
    assert!(
        text.contains("paused") && text.contains("/sqlstate") && text.contains("≥WARNING"),
        "{text}"
    );
    assert!(
        text.contains("▾") && text.contains("[stacktrace]"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn log_pane_hostile_text_is_drawn_harmless() {
    let mut state = fixtures::log_state(0);
    if let Some(p) = state.logs.as_mut() {
        let (t, c) = ("0a1b2c3d4e5f".into(), "php".into());
        p.buffer.push(&t, &c, NOW.0, "[2026-11-26 07:00:00] production.WARNING: \u{1b}]0;pwned\u{7}title \u{1b}[2Jclear \u{202e}evil {}");
        p.buffer.push(
            &t,
            &c,
            NOW.0,
            &format!(
                "[2026-11-26 07:00:01] production.DEBUG: {} {{}}",
                "x".repeat(300 * 1024)
            ),
        );
    }
    let text = render(&state, W, 12);
    assert!(!text.contains('\u{1b}') && !text.contains('\u{7}') && !text.contains('\u{202e}'));
    assert!(text.contains("title clear evil"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn log_pane_paused_shows_what_came_after_the_match() {
    let mut state = fixtures::log_state(300);
    let newest_seq = state
        .logs
        .as_ref()
        .and_then(|p| p.buffer.iter().last().map(|r| r.seq));
    if let Some(p) = state.logs.as_mut() {
        p.search = "sqlstate".into();
        p.find_newest();
        p.find(false); // one match older, so newer records exist below it
    }
    let text = render(&state, W, H);
    let body: Vec<&str> = text.lines().skip(3).take(usize::from(H) - 5).collect();
    let match_row = body
        .iter()
        .position(|l| l.contains("SQLSTATE"))
        .expect("match on screen");
    assert!(
        match_row + 3 < body.len(),
        "records after the match are drawn: {text}"
    );
    assert!(
        body.iter().all(|l| !l.trim_matches('│').trim().is_empty()),
        "no blank rows: {text}"
    );
    assert!(newest_seq.is_some());
    insta::assert_snapshot!(text);
}

// ---- mutating actions: modals and the job pane ----------------------------------------

mod actions {
    use crossterm::event::{KeyCode, KeyEvent};
    use toadtop::app::actions::{Modal, PickRow};
    use toadtop::app::{update, Effect, Msg, State, View};
    use toadtop::domain::EcrImage;
    use toadtop::domain::ImageFindings;
    use toadtop::fixtures::{self, NOW};
    use toadtop::ops::deploy::plan::{plan_swap, preview};
    use toadtop::ops::jobs::Preview;
    use toadtop::ops::progress::{Outcome, Progress, Step, Tone};
    use toadtop::timefmt::Timestamp;

    use super::{in_services, render, H, W};

    const REPO: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com/laravel-app";

    fn key(state: &mut State, code: KeyCode) -> Vec<Effect> {
        update(state, Msg::Key(KeyEvent::from(code)))
    }

    fn keys(state: &mut State, text: &str) -> Vec<Effect> {
        text.chars()
            .flat_map(|c| key(state, KeyCode::Char(c)))
            .collect()
    }

    /// An image's scan as the findings cache holds it (status COMPLETE).
    fn scan(tag: &str, findings: &[(&str, i64)]) -> ImageFindings {
        ImageFindings {
            image: format!("{REPO}:{tag}"),
            digest: None,
            status: "COMPLETE".into(),
            counts: findings.iter().map(|(s, n)| (s.to_string(), *n)).collect(),
            items: Vec::new(),
            scan_settings: Some("basic, scan on push".into()),
            error: None,
        }
    }

    fn image(tag: &str, hours_ago: i64, digest: char, findings: &[(&str, i64)]) -> EcrImage {
        EcrImage {
            tags: vec![tag.into()],
            digest: format!("sha256:{}", digest.to_string().repeat(64)),
            pushed_at: Some(Timestamp(NOW.0 - hours_ago * 3_600_000)),
            findings: Some(scan(tag, findings)),
        }
    }

    /// `d` on web, php's tags loaded, v1.4.1 chosen with Enter; the cursor stays on it.
    pub(super) fn picker_with_v141_chosen() -> State {
        let mut state = in_services();
        keys(&mut state, "jd"); // scheduler, web, worker: web
        update(
            &mut state,
            Msg::ImagesLoaded {
                cluster: "production".into(),
                service: "web".into(),
                container: "php".into(),
                result: Ok(vec![
                    image("v1.5.0", 2, 'c', &[]),
                    image("v1.4.1", 30, 'b', &[("HIGH", 1)]),
                    image("v1.4.0", 24 * 12, 'a', &[("CRITICAL", 1), ("MEDIUM", 4)]),
                ]),
            },
        );
        move_to(
            &mut state,
            |r| matches!(r, PickRow::Image { image, .. } if image.ends_with(":v1.4.1")),
        );
        key(&mut state, KeyCode::Enter);
        state
    }

    /// Presses `j` until the picker's cursor is on a row matching `want`.
    fn move_to(state: &mut State, want: impl Fn(&PickRow) -> bool) {
        for _ in 0..30 {
            let Some(Modal::Picker(p)) = &state.modal else {
                panic!("no picker: {:?}", state.modal)
            };
            if want(&p.rows()[p.selected]) {
                return;
            }
            keys(state, "j");
        }
        panic!("no such row in the picker");
    }

    fn check_picker(text: &str) {
        assert!(text.contains("deploy production/web"), "{text}");
        assert!(
            text.contains("container php: runs v1.5.0 (→ v1.4.1)"),
            "{text}"
        );
        assert!(text.contains("▶   (•) v1.4.1"), "{text}");
        assert!(
            text.contains("stable-alpine is not in ECR: type an image to change it"),
            "{text}"
        );
        assert!(
            text.contains("[ ] run the migration task on the new revision first"),
            "{text}"
        );
        assert!(text.contains("→ preview and confirm"), "{text}");
        assert!(
            text.contains("j/k move · enter choose · esc cancel"),
            "{text}"
        );
    }

    #[test]
    fn deploy_picker() {
        let text = render(&picker_with_v141_chosen(), W, H);
        check_picker(&text);
        insta::assert_snapshot!("deploy_picker", text);
    }

    #[test]
    fn deploy_picker_80x24() {
        let text = render(&picker_with_v141_chosen(), 80, 24);
        check_picker(&text);
        insta::assert_snapshot!("deploy_picker_80x24", text);
    }

    /// The confirm modal for v1.4.1 on web, with the preview `prepare` builds.
    fn confirm_deploy() -> State {
        confirm_deploy_with(scan("v1.4.1", &[("HIGH", 1)]))
    }

    /// The same, with `findings` as the new image's scan.
    fn confirm_deploy_with(findings: ImageFindings) -> State {
        let mut state = picker_with_v141_chosen();
        move_to(&mut state, |r| *r == PickRow::Continue);
        let effects = key(&mut state, KeyCode::Enter);
        let Some(Effect::PrepareDeploy { job }) = effects.first().cloned() else {
            panic!("no PrepareDeploy: {effects:?}")
        };
        let toadtop::ops::jobs::JobRequest::Deploy(req) = &job else {
            panic!("not a deploy: {job:?}")
        };
        let td = fixtures::web_task_definition(2);
        let changes = plan_swap(&td, &req.images).expect("a swap");
        let result = Ok(Preview {
            running: td.arn.clone(),
            target: None,
            account: Some("123456789012".into()),
            lines: preview(&td, &changes),
            findings: vec![("php".to_string(), findings)],
        });
        update(&mut state, Msg::Prepared { job, result });
        assert!(matches!(state.modal, Some(Modal::Confirm { .. })));
        arm(&mut state);
        state
    }

    /// The new image has a CRITICAL (enhanced scanning: the counts came from the
    /// findings): the preview says so and warns in the error colour, bold.
    #[test]
    fn confirm_deploy_preview_warns_about_critical_findings() {
        let mut found = scan("v1.4.1", &[("CRITICAL", 1), ("HIGH", 2)]);
        found.status = "ACTIVE".into();
        found.scan_settings = Some("enhanced, continuous".into());
        let state = confirm_deploy_with(found);
        let text = render(&state, W, H);
        assert!(
            text.contains(
                "findings php v1.4.1: CRITICAL 1, HIGH 2 (scan ACTIVE, enhanced, continuous)"
            ),
            "{text}"
        );
        assert!(
            text.contains("! php v1.4.1: 1 finding at or above CRITICAL"),
            "{text}"
        );
        let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(W, H)).unwrap();
        term.draw(|f| {
            toadtop::ui::draw(&state, f);
        })
        .unwrap();
        let buf = term.backend().buffer();
        let cell_of = |needle: &str| {
            let (y, line) = text
                .lines()
                .enumerate()
                .find(|(_, l)| l.contains(needle))
                .unwrap_or_else(|| panic!("no {needle} in {text}"));
            let col = line[..line.find(needle).unwrap()].chars().count();
            buf[(col as u16, y as u16)].clone()
        };
        let warn = cell_of("! php");
        let removed = cell_of("-   image:");
        let plain = cell_of("findings php");
        assert_eq!(warn.fg, removed.fg, "the error colour");
        assert_ne!(warn.fg, plain.fg, "not drawn like the other lines");
        assert!(warn.modifier.contains(ratatui::style::Modifier::BOLD));
        insta::assert_snapshot!("confirm_deploy_preview_critical", text);
    }

    /// Lets a confirmation's first moment pass (Enter is ignored until then).
    fn arm(state: &mut State) {
        state.now = Timestamp(state.now.0 + toadtop::app::confirm::ARM_MS);
    }

    /// Checks the lines every confirmation starts with.
    fn check_header(text: &str, revision: &str) {
        for want in [
            "account 123456789012 · profile default · region us-east-1",
            "cluster production · service web",
            revision,
        ] {
            assert!(text.contains(want), "{want:?} missing:\n{text}");
        }
    }

    #[test]
    fn confirm_just_opened_is_not_armed_yet() {
        let mut state = confirm_deploy();
        state.now = Timestamp(state.now.0 - toadtop::app::confirm::ARM_MS);
        let text = render(&state, W, H);
        assert!(text.contains("read this first…    esc: cancel"), "{text}");
        assert!(!text.contains("enter: do it"), "{text}");
        insta::assert_snapshot!("confirm_not_armed", text);
    }

    #[test]
    fn confirm_scale_to_zero_asks_for_the_name() {
        let mut state = in_services();
        keys(&mut state, "jS0");
        key(&mut state, KeyCode::Enter);
        arm(&mut state);
        keys(&mut state, "we");
        let text = render(&state, W, H);
        check_header(
            &text,
            "revision laravel-web:2 (unchanged) · desired count 3 → 0",
        );
        assert!(
            text.contains("This leaves web with no running task: type its name to confirm."),
            "{text}"
        );
        assert!(text.contains("type web to confirm: we▏"), "{text}");
        insta::assert_snapshot!("confirm_scale_to_zero", text);
    }

    /// On a short terminal the name being typed and the keys stay at the bottom of the
    /// box while the text above scrolls; letters type, so the footer offers ↑/↓.
    #[test]
    fn confirm_scale_to_zero_on_a_short_terminal() {
        let mut state = in_services();
        keys(&mut state, "jS0");
        key(&mut state, KeyCode::Enter);
        arm(&mut state);
        keys(&mut state, "we");
        let text = draw_kept(&mut state, 80, 14);
        assert!(text.contains("type web to confirm: we▏"), "{text}");
        // Text below the box: Enter would show it, not confirm.
        assert!(
            text.contains("↓ more below: j/G or enter shows it"),
            "{text}"
        );
        assert!(!text.contains("enter: do it"), "{text}");
        assert!(text.contains("↓ 1–"), "{text}");
        assert!(
            text.contains(" ↑/↓ scroll · enter shows the rest"),
            "{text}"
        );
        insta::assert_snapshot!("confirm_scale_to_zero_80x14", text);
        // j is a letter of the name here, not a scroll.
        keys(&mut state, "j");
        let text = draw_kept(&mut state, 80, 14);
        assert!(text.contains("type web to confirm: wej▏"), "{text}");
        assert!(text.contains("↓ 1–"), "{text}");
        key(&mut state, KeyCode::Down);
        let text = draw_kept(&mut state, 80, 14);
        assert!(text.contains(" 2–"), "{text}");
    }

    #[test]
    fn confirm_rollback_names_the_revision_and_its_images() {
        let mut state = in_services();
        keys(&mut state, "j");
        let effects = keys(&mut state, "b");
        let Some(Effect::PrepareRollback { job }) = effects.first().cloned() else {
            panic!("no PrepareRollback: {effects:?}")
        };
        let (v1, v2) = (
            fixtures::web_task_definition(1),
            fixtures::web_task_definition(2),
        );
        let mut v1 = v1;
        v1.containers[0].image = format!("{REPO}:v1.4.1");
        let result = Ok(Preview {
            running: v2.arn.clone(),
            target: Some(v1.arn.clone()),
            account: Some("123456789012".into()),
            lines: toadtop::ops::jobs::rollback_lines(&v2, &v1),
            findings: Vec::new(),
        });
        update(&mut state, Msg::Prepared { job, result });
        arm(&mut state);
        let text = render(&state, W, H);
        check_header(&text, "revision laravel-web:2 → laravel-web:1");
        assert!(
            text.contains(&format!("-   image: {REPO}:v1.5.0")),
            "{text}"
        );
        assert!(
            text.contains(&format!("+   image: {REPO}:v1.4.1")),
            "{text}"
        );
        assert!(
            text.contains("container nginx: image nginx:stable-alpine (unchanged)"),
            "{text}"
        );
        assert!(!text.contains("newest active revision"), "{text}");
        insta::assert_snapshot!("confirm_rollback", text);
    }

    #[test]
    fn confirm_deploy_preview() {
        let text = render(&confirm_deploy(), W, H);
        assert!(text.contains("deploy production/web?"), "{text}");
        check_header(
            &text,
            "revision laravel-web:2 → a new revision of laravel-web",
        );
        assert!(
            text.contains("! php: v1.4.1 is a downgrade: an older version than the running v1.5.0"),
            "{text}"
        );
        assert!(
            text.contains(&format!("-   image: {REPO}:v1.5.0")),
            "{text}"
        );
        assert!(
            text.contains(&format!("+   image: {REPO}:v1.4.1")),
            "{text}"
        );
        assert!(text.contains("enter: do it    esc: cancel"), "{text}");
        insta::assert_snapshot!("confirm_deploy_preview", text);
    }

    #[test]
    fn confirm_deploy_preview_80x24() {
        // Narrow: the long preview lines wrap, and the box grows to keep the keys shown.
        let text = render(&confirm_deploy(), 80, 24);
        assert!(text.contains("deploy production/web?"), "{text}");
        assert!(text.contains(":v1.4.1"), "{text}");
        assert!(text.contains("enter: do it    esc: cancel"), "{text}");
        insta::assert_snapshot!("confirm_deploy_preview_80x24", text);
    }

    /// Both images changed (php to v1.4.1 from ECR, nginx typed) and the migration task
    /// checked: a preview longer than an 80x24 pane, confirmed in the box, armed.
    fn confirm_long_deploy() -> State {
        let mut state = picker_with_v141_chosen();
        move_to(
            &mut state,
            |r| matches!(r, PickRow::Typed { container } if container == "nginx"),
        );
        key(&mut state, KeyCode::Enter);
        keys(&mut state, "nginx:1.27-alpine");
        key(&mut state, KeyCode::Enter);
        move_to(&mut state, |r| *r == PickRow::MigrateFirst);
        key(&mut state, KeyCode::Enter);
        move_to(&mut state, |r| *r == PickRow::Continue);
        let effects = key(&mut state, KeyCode::Enter);
        let Some(Effect::PrepareDeploy { job }) = effects.first().cloned() else {
            panic!("no PrepareDeploy: {effects:?}")
        };
        let toadtop::ops::jobs::JobRequest::Deploy(req) = &job else {
            panic!("not a deploy: {job:?}")
        };
        assert_eq!(req.images.len(), 2, "{req:?}");
        assert!(req.migrate_first.is_some(), "{req:?}");
        let td = fixtures::web_task_definition(2);
        let changes = plan_swap(&td, &req.images).expect("a swap");
        let result = Ok(Preview {
            running: td.arn.clone(),
            target: None,
            account: Some("123456789012".into()),
            lines: preview(&td, &changes),
            findings: vec![("php".to_string(), scan("v1.4.1", &[("HIGH", 1)]))],
        });
        update(&mut state, Msg::Prepared { job, result });
        assert!(matches!(state.modal, Some(Modal::Confirm { .. })));
        arm(&mut state);
        state
    }

    /// Draws as the runtime does, keeping what the confirmation reports (its rows), so
    /// the keys that follow scroll within it.
    fn draw_kept(state: &mut State, w: u16, h: u16) -> String {
        let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
        let mut view = None;
        term.draw(|f| view = toadtop::ui::draw(state, f).modal)
            .unwrap();
        state.modal_view = view;
        render(state, w, h)
    }

    /// The box of a confirmation at 80x24: between the pane's top and bottom border rows,
    /// never on them.
    fn check_inside_the_pane(text: &str) {
        let lines: Vec<&str> = text.lines().collect();
        let pane_bottom = lines[lines.len() - 2];
        assert!(
            pane_bottom.starts_with("└──") && pane_bottom.ends_with("──┘"),
            "the pane's bottom border is covered:\n{text}"
        );
        assert!(!pane_bottom.contains("└─└"), "{text}");
        assert!(lines[2].starts_with("┌ services"), "{text}");
        let boxed = lines
            .iter()
            .filter(|l| l.starts_with("│ │") || l.starts_with("│w│"))
            .count();
        assert!(boxed > 0, "{text}");
    }

    /// Longer than the pane: the box stays inside the pane's border, its text scrolls
    /// (the place in its bottom border, `j/k scroll` in the footer) and the confirm line
    /// stays at its bottom; j moves one row, G to the end, and nothing is confirmed.
    #[test]
    fn confirm_long_preview_scrolls_80x24() {
        let mut state = confirm_long_deploy();
        let text = draw_kept(&mut state, 80, 24);
        check_inside_the_pane(&text);
        // The end (the findings warnings) is below: Enter would show it, not confirm.
        assert!(
            text.contains("↓ more below: j/G or enter shows it"),
            "{text}"
        );
        assert!(!text.contains("enter: do it"), "{text}");
        assert!(text.contains("↓ 1–"), "{text}");
        assert!(text.contains("account 123456789012"), "{text}");
        assert!(
            text.contains(" j/k scroll · enter shows the rest"),
            "{text}"
        );
        let view = state.modal_view.expect("the confirmation reports its rows");
        assert!(view.rows > view.height, "{view:?}");
        insta::assert_snapshot!("confirm_long_preview_80x24", text);

        key(&mut state, KeyCode::Char('j'));
        let text = draw_kept(&mut state, 80, 24);
        assert!(text.contains(" 2–"), "one row down:\n{text}");
        assert!(
            !text.contains("account 123456789012"),
            "scrolled past:\n{text}"
        );
        assert!(
            text.contains("↓ more below: j/G or enter shows it"),
            "{text}"
        );
        assert!(state.job.is_none());

        key(&mut state, KeyCode::Char('G'));
        let text = draw_kept(&mut state, 80, 24);
        check_inside_the_pane(&text);
        assert!(!text.contains('↓'), "at the end:\n{text}");
        assert!(text.contains(&format!(" of {} ", view.rows)), "{text}");
        assert!(text.contains("findings php v1.4.1: HIGH 1"), "{text}");
        assert!(text.contains("enter: do it    esc: cancel"), "{text}");
        assert!(text.contains(" j/k scroll · enter do it"), "{text}");
        insta::assert_snapshot!("confirm_long_preview_end_80x24", text);
        assert!(state.job.is_none());
        assert!(matches!(state.modal, Some(Modal::Confirm { .. })));
    }

    /// At 200x50 the same preview fits: no scrolling, no mark, the blank row above the keys.
    #[test]
    fn confirm_long_preview_200x50() {
        let mut state = confirm_long_deploy();
        let text = draw_kept(&mut state, 200, 50);
        assert!(!text.contains('↓'), "{text}");
        assert!(!text.contains("scroll"), "{text}");
        let view = state.modal_view.expect("rows");
        assert_eq!(view.rows, view.height);
        insta::assert_snapshot!("confirm_long_preview_200x50", text);
    }

    /// A picker longer than the pane stays inside its border and marks what is below.
    #[test]
    fn deploy_picker_long_80x24() {
        let mut state = in_services();
        keys(&mut state, "jd"); // web
        update(
            &mut state,
            Msg::ImagesLoaded {
                cluster: "production".into(),
                service: "web".into(),
                container: "php".into(),
                result: Ok((0..12)
                    .map(|i| image(&format!("v1.{}.0", 12 - i), i + 1, 'd', &[]))
                    .collect()),
            },
        );
        let text = render(&state, 80, 24);
        check_inside_the_pane(&text);
        assert!(
            text.contains("j/k move · enter choose · esc cancel"),
            "{text}"
        );
        assert!(text.contains("↓ 1–"), "{text}");
        insta::assert_snapshot!("deploy_picker_long_80x24", text);
    }

    #[test]
    fn scale_modal() {
        let mut state = in_services();
        keys(&mut state, "jS5");
        let text = render(&state, W, H);
        assert!(text.contains("scale web"), "{text}");
        assert!(text.contains("desired count (now 3): 5"), "{text}");
        insta::assert_snapshot!("scale_modal", text);
    }

    pub(super) fn line(id: u64, tone: Tone, text: &str) -> Msg {
        Msg::JobProgress {
            id,
            progress: Progress::Line {
                tone,
                text: text.into(),
            },
        }
    }

    /// The deploy confirmed and running: what `deploy` reports up to the rollout.
    pub(super) fn deploy_running() -> (State, u64) {
        let mut state = confirm_deploy();
        let effects = key(&mut state, KeyCode::Enter);
        let Some(Effect::RunJob { id, .. }) = effects.first() else {
            panic!("no RunJob: {effects:?}")
        };
        let id = *id;
        assert_eq!(state.screen().view, View::Job);
        let td = fixtures::web_task_definition(2);
        let changes = plan_swap(&td, &[("php".into(), format!("{REPO}:v1.4.1"))]).expect("a swap");
        let mut msgs = vec![line(id, Tone::Step, "describe: production/web")];
        msgs.extend(
            preview(&td, &changes)
                .iter()
                .map(|l| line(id, Tone::Info, l)),
        );
        msgs.extend([
            line(
                id,
                Tone::Step,
                "register: a copy of the running revision with the new images",
            ),
            line(id, Tone::Good, "register: laravel-web:3 registered"),
            line(id, Tone::Step, "update: laravel-web:2 → laravel-web:3"),
            line(id, Tone::Step, "rollout: watching (timeout 900s)"),
            line(
                id,
                Tone::Info,
                "rollout: ecs-svc/9876543210 IN_PROGRESS: desired 3 running 0 pending 3 failed 0",
            ),
            line(
                id,
                Tone::Info,
                "event: (service web) has started 3 tasks: (task 7a8b9c0d1e2f) (task 8b9c0d1e2f30) (task 9c0d1e2f3041).",
            ),
        ]);
        for m in msgs {
            update(&mut state, m);
        }
        (state, id)
    }

    #[test]
    fn job_pane_deploy_running() {
        let (state, _) = deploy_running();
        let text = render(&state, W, H);
        assert!(text.contains("running…"), "{text}");
        assert!(text.contains("» rollout: watching"), "{text}");
        assert!(
            text.contains("✓ register: laravel-web:3 registered"),
            "{text}"
        );
        assert!(!text.contains("press b"), "{text}");
        insta::assert_snapshot!("job_pane_deploy_running", text);
    }

    #[test]
    fn job_pane_deploy_failed_offers_rollback() {
        let (mut state, id) = deploy_running();
        update(
            &mut state,
            line(
                id,
                Tone::Info,
                "rollout: ecs-svc/9876543210 IN_PROGRESS: desired 3 running 0 pending 3 failed 4",
            ),
        );
        let mut outcome = Outcome::new("deploy", "production", "web");
        outcome.old_revision = Some("laravel-web:2".into());
        outcome.new_revision = Some("laravel-web:3".into());
        outcome.deployment_id = Some("ecs-svc/9876543210".into());
        outcome.duration_secs = 75.0;
        let outcome = outcome.fail(
            Step::Rollout,
            "4 tasks failed to start (limit 3)",
            "the service's primary deployment runs laravel-web:3; the previous revision was laravel-web:2 (roll back with `b`, or `toadtop rollback`)",
        );
        update(&mut state, Msg::JobDone { id, outcome });
        let text = render(&state, W, H);
        assert!(text.contains("failed at step rollout"), "{text}");
        assert!(
            text.contains("press b to roll back to laravel-web:2"),
            "{text}"
        );
        insta::assert_snapshot!("job_pane_deploy_failed", text);
    }

    #[test]
    fn quit_while_deploying_asks_and_says_what_is_left() {
        use toadtop::ops::interrupt::Mark;
        let (mut state, id) = deploy_running();
        for mark in [
            Mark::Registered("laravel-web:3".into()),
            Mark::Updated {
                deployment_id: Some("ecs-svc/9876543210".into()),
                revision: "laravel-web:3".into(),
                desired: None,
            },
        ] {
            update(
                &mut state,
                Msg::JobProgress {
                    id,
                    progress: Progress::Mark(mark),
                },
            );
        }
        assert!(keys(&mut state, "q").is_empty(), "asks, does not quit");
        assert!(matches!(state.modal, Some(Modal::QuitRunning)));
        let text = render(&state, W, H);
        assert!(
            text.contains("quit while deploy production/web runs?"),
            "{text}"
        );
        assert!(text.contains("deployment ecs-svc/9876543210"), "{text}");
        assert!(text.contains("y quit (the action keeps running)"), "{text}");
        insta::assert_snapshot!("quit_while_deploying", text);
    }
}

// ---- exec ------------------------------------------------------------------------------

mod exec {
    use crossterm::event::{KeyCode, KeyEvent};
    use toadtop::app::actions::Modal;
    use toadtop::app::{update, Msg, State};
    use toadtop::config::{ExecSettings, ServiceSettings};

    use super::{in_services, render, H, W};

    fn press(state: &mut State, code: KeyCode) {
        let effects = update(state, Msg::Key(KeyEvent::from(code)));
        assert!(effects.is_empty(), "{effects:?}");
    }

    /// `x` on web's first task, then `c` to nginx, whose read-only root lacks the agent's
    /// volumes: passes, a failure with its fix, and the configured commands.
    #[test]
    fn exec_modal_on_nginx_with_a_failing_check() {
        let mut state = in_services();
        state.exec_plugin = Ok("/usr/local/bin/session-manager-plugin".into());
        state.config.services.insert(
            "web".into(),
            ServiceSettings {
                exec: ExecSettings {
                    container: "php".into(),
                    shell: "/bin/bash".into(),
                    quick_commands: vec!["php artisan about".into(), "php artisan tinker".into()],
                },
                ..ServiceSettings::default()
            },
        );
        // scheduler, web, worker: web; its tasks; the first task's menu; nginx; a command.
        for code in [
            KeyCode::Char('j'),
            KeyCode::Enter,
            KeyCode::Char('x'),
            KeyCode::Char('c'),
            KeyCode::Char('j'),
        ] {
            press(&mut state, code);
        }
        assert!(matches!(&state.modal, Some(Modal::Exec(m)) if m.target.container == "nginx"));
        let text = render(&state, W, H);
        assert!(
            text.contains("exec nginx in task 0a1b2c3d (production/web)"),
            "{text}"
        );
        assert!(
            text.contains("✓ session-manager-plugin")
                && text.contains("found at /usr/local/bin/session-manager-plugin"),
            "{text}"
        );
        assert!(
            text.contains("✗ read-only root: agent paths writable"),
            "{text}"
        );
        assert!(
            text.contains("fix: mount writable volumes at /var/lib/amazon and /var/log/amazon"),
            "{text}"
        );
        assert!(text.contains("▶ php artisan about"), "{text}");
        assert!(text.contains("c other container"), "{text}");
        insta::assert_snapshot!("exec_modal_nginx", text);
    }
}

// ---- image-scan findings and alerts ----------------------------------------------------

mod findings_alerts {
    use std::collections::BTreeMap;

    use super::*;
    use toadtop::config::AlertSettings;
    use toadtop::domain::{Finding, ImageFindings, ServiceMetrics};

    const PHP: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com/laravel-app:v1.5.0";
    const NGINX: &str = "nginx:stable-alpine";

    #[allow(clippy::too_many_arguments)]
    fn finding(
        name: &str,
        severity: &str,
        package: &str,
        version: &str,
        fixed: Option<&str>,
        score: f64,
        description: &str,
    ) -> Finding {
        Finding {
            name: name.into(),
            severity: severity.into(),
            package: Some(package.into()),
            version: Some(version.into()),
            fixed_in: fixed.map(str::to_string),
            score: Some(score),
            status: Some("ACTIVE".into()),
            url: Some(format!("https://nvd.nist.gov/vuln/detail/{name}")),
            description: Some(description.into()),
        }
    }

    fn scans() -> BTreeMap<String, ImageFindings> {
        let items = vec![
            finding(
                "CVE-2024-4577",
                "CRITICAL",
                "php83",
                "8.3.7-r0",
                Some("8.3.8-r0"),
                9.8,
                "PHP-CGI argument injection on Windows code pages.",
            ),
            finding(
                "CVE-2024-2511",
                "HIGH",
                "openssl",
                "3.1.4-r5",
                Some("3.1.4-r6"),
                7.5,
                "Unbounded memory growth with session handling in TLSv1.3.",
            ),
            finding(
                "CVE-2023-42366",
                "MEDIUM",
                "busybox",
                "1.36.1-r15",
                None,
                5.3,
                "A heap-buffer-overflow in awk.",
            ),
        ];
        let php = ImageFindings {
            image: PHP.into(),
            digest: Some(
                "sha256:c8661b83504ff75bf6b7a507c683ddfd41c06c76132d2fb6ec1566733a06db53".into(),
            ),
            status: "ACTIVE".into(),
            counts: BTreeMap::from([
                ("CRITICAL".into(), 1),
                ("HIGH".into(), 1),
                ("MEDIUM".into(), 1),
            ]),
            items,
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

    /// 12 five-minute points, oldest first, ending at NOW.
    fn series(values: [f64; 12]) -> Vec<(i64, f64)> {
        values
            .iter()
            .enumerate()
            .map(|(k, &v)| (NOW.0 - (11 - k as i64) * 300_000, v))
            .collect()
    }

    fn metrics() -> BTreeMap<String, ServiceMetrics> {
        BTreeMap::from([
            (
                "web".to_string(),
                ServiceMetrics {
                    cpu_max: series([
                        20.0, 25.0, 31.0, 40.0, 52.0, 48.0, 35.0, 30.0, 28.0, 45.0, 60.0, 38.0,
                    ]),
                    memory_max: series([
                        55.0, 55.0, 56.0, 57.0, 57.0, 58.0, 58.0, 59.0, 60.0, 60.0, 61.0, 61.0,
                    ]),
                },
            ),
            (
                "worker".to_string(),
                ServiceMetrics {
                    cpu_max: series([
                        70.0, 73.0, 76.0, 79.0, 97.0, 85.0, 88.0, 71.0, 74.0, 77.0, 80.0, 83.0,
                    ]),
                    memory_max: series([
                        40.0, 41.0, 42.0, 43.0, 44.0, 45.0, 46.0, 47.0, 48.0, 49.0, 50.0, 51.0,
                    ]),
                },
            ),
        ])
    }

    /// The fixtures with findings, metrics and the alerts they make, set on the state.
    pub(super) fn with_data(mut state: State) -> State {
        state.findings = scans();
        let slot = state.metrics.entry("production".into()).or_default();
        slot.data = Some(metrics());
        slot.fetched_at = Some(NOW);
        let detail = state.details["production"].data.clone().unwrap();
        state.alerts = toadtop::alerts::evaluate(
            &detail,
            &state.findings,
            &metrics(),
            &AlertSettings::default(),
            NOW,
        );
        state
    }

    #[test]
    fn findings_pane_of_web() {
        let state = open(
            with_data(loaded()),
            [
                services_view(),
                View::Findings {
                    cluster: "production".into(),
                    service: Some("web".into()),
                },
            ],
        );
        let text = render(&state, W, H);
        for want in [
            "CVE-2024-4577",
            "CVE-2024-2511",
            "CVE-2023-42366",
            "not in ECR",
        ] {
            assert!(text.contains(want), "{want} missing:\n{text}");
        }
        let row = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap();
        assert!(row("CVE-2024-4577") < row("CVE-2024-2511"));
        assert!(row("CVE-2024-2511") < row("CVE-2023-42366"));
        assert!(row("CVE-2023-42366") < row("not in ECR"));
        insta::assert_snapshot!("findings_pane_web", text);
    }

    #[test]
    fn findings_pane_names_a_failed_call_readably() {
        let mut state = open(
            with_data(loaded()),
            [
                services_view(),
                View::Findings {
                    cluster: "production".into(),
                    service: Some("web".into()),
                },
            ],
        );
        let php = state.findings.get_mut(PHP).unwrap();
        php.items.clear();
        php.counts.clear();
        php.status = "error".into();
        php.error = Some("DescribeImages failed: AccessDeniedException: not authorized".into());
        let text = render(&state, W, H);
        let row = text
            .lines()
            .find(|l| l.contains("⚠ error"))
            .unwrap_or_else(|| panic!("an error row:\n{text}"));
        assert!(row.contains("DescribeImages failed: AccessDen"), "{row}");
        assert!(text.contains("not in ECR"), "{text}");
    }

    #[test]
    fn alerts_pane() {
        let state = open(with_data(loaded()), [View::Alerts]);
        let text = render(&state, W, H);
        for want in ["task_failed", "finding", "cpu", "unable to place", "97%"] {
            assert!(text.contains(want), "{want} missing:\n{text}");
        }
        // One CVE in the image all three services run: one row and one count in the badge.
        assert_eq!(
            text.lines()
                .filter(|l| l.contains("critical finding"))
                .count(),
            1,
            "the finding group is one row:\n{text}"
        );
        assert!(text.contains("[3 services, enter expands]"), "{text}");
        let (crit, warn, _) = toadtop::app::events::badge_counts(&state.alerts);
        assert!(crit < toadtop::alerts::counts(&state.alerts).0);
        assert!(
            text.lines().next().is_some_and(
                |l| l.contains(&format!("{crit} crit")) && l.contains(&format!("{warn} warn"))
            ),
            "header badge:\n{text}"
        );
        insta::assert_snapshot!("alerts_pane", text);
    }

    #[test]
    fn services_160x40_with_vulns() {
        let state = open(with_data(loaded()), [services_view()]);
        let text = render(&state, 160, 40);
        assert!(text.contains("VULNS"), "{text}");
        insta::assert_snapshot!("services_160x40_vulns", text);
    }

    #[test]
    fn service_detail_with_metrics() {
        let state = open(
            with_data(loaded()),
            [
                services_view(),
                web(|cluster, service| View::ServiceDetail { cluster, service }),
            ],
        );
        let text = render(&state, W, 40);
        assert!(text.contains("Last hour (Maximum)"), "{text}");
        assert!(!text.contains("no metrics yet"), "{text}");
        insta::assert_snapshot!("service_detail_metrics", text);
    }

    #[test]
    fn service_detail_when_metrics_are_denied() {
        let denied = "GetMetricData failed: AccessDeniedException: not authorized";
        let mut state = open(
            loaded(),
            [
                services_view(),
                web(|cluster, service| View::ServiceDetail { cluster, service }),
            ],
        );
        let slot = state.metrics.entry("production".into()).or_default();
        slot.error = Some(denied.into());
        slot.fetched_at = Some(NOW);
        let text = render(&state, W, 40);
        assert!(
            text.contains(&format!("metrics unavailable: {denied}")),
            "{text}"
        );
        assert!(!text.contains("no metrics yet"), "{text}");
        // The rest of the detail is there.
        assert!(text.contains("laravel-web:2"), "{text}");

        // Data from before the failure stays, with the failure under it.
        let mut state = open(
            with_data(loaded()),
            [
                services_view(),
                web(|cluster, service| View::ServiceDetail { cluster, service }),
            ],
        );
        state.metrics.get_mut("production").unwrap().error = Some(denied.into());
        let text = render(&state, W, 40);
        assert!(text.contains("max 60%"), "{text}");
        assert!(
            text.contains(&format!("last update failed: {denied}")),
            "{text}"
        );
    }
}

// ---- sorting, the palette, revisions, themes ---------------------------------------------

fn sorted(mut state: State, column: usize, descending: bool) -> State {
    state.sorts.insert(
        toadtop::app::columns::Pane::Services,
        toadtop::app::columns::Sort { column, descending },
    );
    state
}

#[test]
fn services_sorted_by_name_descending() {
    let text = render(&sorted(in_services(), 0, true), W, H);
    assert!(text.contains("NAME▼"), "{text}");
    let order: Vec<usize> = ["worker", "web", "scheduler"]
        .iter()
        .map(|n| text.find(&format!("│{n} ")).expect(n))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{text}");
    insta::assert_snapshot!("services_sorted_by_name_descending", text);
}

#[test]
fn a_sort_on_a_column_off_screen_is_named_in_the_title() {
    // LAUNCH is the last column and the first dropped at 80 columns: the sort is named
    // in the title, and not again among the dropped columns.
    let text = render(&sorted(in_services(), 8, false), 80, 24);
    let title = text.lines().nth(2).unwrap_or_default();
    assert!(title.contains("by LAUNCH▲ "), "{text}");
    assert_eq!(title.matches("LAUNCH").count(), 1, "{text}");
    let header = text.lines().nth(3).unwrap_or_default();
    assert!(
        header.starts_with("│NAME") && !header.contains("LAUNCH"),
        "{text}"
    );
    insta::assert_snapshot!("services_sorted_by_launch_80x24", text);
}

#[test]
fn palette_lists_what_tab_completes_to() {
    let mut state = in_services();
    state.input = Input::Command("ta".into());
    let text = render(&state, W, H);
    let last = text.lines().last().unwrap_or_default();
    assert!(
        last.starts_with(":ta▏") && last.contains("tasks  taskdefs"),
        "{last}"
    );
    state.input = Input::Command("services ".into());
    let text = render(&state, W, H);
    let last = text.lines().last().unwrap_or_default();
    assert!(last.contains("production  staging"), "{last}");
    insta::assert_snapshot!("palette_cluster_names", text);
}

fn revisions_state() -> State {
    let mut state = open(
        loaded(),
        [View::TaskDefs {
            family: "laravel-web".into(),
        }],
    );
    let arns: Vec<String> = (1..=3)
        .rev()
        .map(|r| fixtures::web_task_definition(r).arn)
        .collect();
    let slot = state.taskdefs.entry("laravel-web".into()).or_default();
    slot.data = Some(arns);
    slot.fetched_at = Some(NOW);
    // Revisions 3 and 2 described (registration time, images); 1 still on its way.
    for r in [3, 2] {
        let td = fixtures::web_task_definition(r);
        state.revisions.insert(td.arn.clone(), Ok(td));
    }
    state
}

#[test]
fn taskdefs_revisions_with_who_runs_them() {
    let mut state = revisions_state();
    state
        .taskdef_base
        .insert("laravel-web".into(), fixtures::web_task_definition(1).arn);
    let text = render(&state, W, H);
    // The fixture services all run revision 2.
    let rev2 = text
        .lines()
        .find(|l| l.starts_with("│2 "))
        .unwrap_or_default();
    assert!(
        rev2.contains("production/scheduler production/web"),
        "{text}"
    );
    let rev1 = text
        .lines()
        .find(|l| l.starts_with("│1 "))
        .unwrap_or_default();
    assert!(rev1.contains('◆'), "the marked base:\n{text}");
    // When each was registered and what it runs; `…` while one is being described.
    assert!(
        rev2.contains("9d ago · 2026-11-17 07:00 php:v1.5.0 nginx:stable-alpine"),
        "{text}"
    );
    assert!(rev1.contains('…'), "{text}");
    insta::assert_snapshot!("taskdefs_revisions", text);
}

#[test]
fn taskdef_diff_masks_secret_looking_values() {
    let before = fixtures::web_task_definition(2);
    let mut after = fixtures::web_task_definition(3);
    for c in &mut after.containers {
        if c.name == "php" {
            c.image = c.image.replace(":v1", ":v2");
            for (k, v) in &mut c.environment {
                if k == "APP_KEY" {
                    *v = "base64:rotated-key-never-shown".into();
                }
            }
        }
    }
    let mut state = open(
        revisions_state(),
        [View::TaskDefDiff {
            family: "laravel-web".into(),
            before: before.arn.clone(),
            after: after.arn.clone(),
        }],
    );
    state.revisions.insert(before.arn.clone(), Ok(before));
    state.revisions.insert(after.arn.clone(), Ok(after));
    let text = render(&state, W, H);
    assert!(text.contains("laravel-web:2 → laravel-web:3"), "{text}");
    assert!(text.contains("php: env APP_KEY"), "{text}");
    assert!(text.contains("+ •••••• (changed)"), "{text}");
    assert!(!text.contains("rotated-key"), "{text}");
    insta::assert_snapshot!("taskdef_diff", text);
}

#[test]
fn mono_theme_draws_no_colour_at_all() {
    let mut state = sorted(in_services(), 0, false);
    state.colors = toadtop::config::Colors::preset(toadtop::config::theme::Preset::Mono);
    state.say("a status line", true);
    let mut term = Terminal::new(TestBackend::new(W, H)).expect("terminal");
    term.draw(|f| {
        toadtop::ui::draw(&state, f);
    })
    .expect("draw");
    let buf = term.backend().buffer();
    let coloured: Vec<(u16, u16)> = (0..H)
        .flat_map(|y| (0..W).map(move |x| (x, y)))
        .filter(|&(x, y)| {
            let cell = &buf[(x, y)];
            cell.fg != ratatui::style::Color::Reset || cell.bg != ratatui::style::Color::Reset
        })
        .collect();
    assert!(
        coloured.is_empty(),
        "cells with colour: {:?}",
        &coloured[..coloured.len().min(5)]
    );
    // The selection is still visible: reversed.
    let selected = (0..W).any(|x| {
        buf[(x, 4)]
            .modifier
            .contains(ratatui::style::Modifier::REVERSED)
    });
    assert!(selected, "the selected row is not marked");
}

mod standalone {
    //! The standalone tasks pane (`M`): CI's failed migration, toadtop's own (marked), a
    //! running scheduled one-off; and the services pane's hint that leads there.
    use super::*;
    use toadtop::domain::STANDALONE;

    fn with_standalone() -> State {
        let mut state = fixtures::state_with(fixtures::production_with_standalone());
        state.stack.push(Screen::new(services_view()));
        state
    }

    #[test]
    fn standalone_tasks_pane() {
        let state = open(
            with_standalone(),
            [View::Tasks {
                cluster: "production".into(),
                service: STANDALONE.into(),
            }],
        );
        let text = render(&state, W, 14);
        let row = |id: &str| {
            text.lines()
                .find(|l| l.contains(id))
                .unwrap_or_else(|| panic!("no {id}:\n{text}"))
                .to_string()
        };
        let failed = row("8b9c0d1e");
        assert!(
            failed.contains("github-actions") && failed.contains("php exit 1"),
            "{failed}"
        );
        assert!(
            row("9c0d1e2f").contains("◆ toadtop/alice"),
            "toadtop's own is marked"
        );
        assert!(text.contains("us-east-1 › production › standalone tasks"));
        insta::assert_snapshot!("standalone_tasks", text);
        // Wide enough, the stop code joins.
        let wide = render(&state, 160, 14);
        assert!(
            wide.lines()
                .any(|l| l.contains("8b9c0d1e") && l.contains("EssentialContainerExited")),
            "{wide}"
        );
        // At 80 columns the exit code still shows: the long GROUP and STARTED BY give way.
        let narrow = render(&state, 80, 14);
        assert!(
            narrow
                .lines()
                .any(|l| l.contains("8b9c0d1e") && l.contains("php exit 1")),
            "{narrow}"
        );
    }

    #[test]
    fn services_pane_says_how_many_standalone_tasks_and_failed() {
        let text = render(&with_standalone(), W, 10);
        assert!(
            text.contains("services · production · 3 standalone tasks, 1 failed (M)"),
            "{text}"
        );
    }
}

// ---- scrolling text panes by rendered rows (issue 17, items 1, 2, 8, 9) ----------------

mod scroll {
    use crossterm::event::{KeyCode, KeyEvent};
    use ratatui::backend::TestBackend;
    use ratatui::Terminal;
    use toadtop::app::{update, Msg, State, View};
    use toadtop::fixtures;
    use toadtop::ops::progress::{Outcome, Tone};

    use super::{in_services, open, web};

    /// Draws as the runtime does: the screen as text, and what the text pane reported
    /// kept in the state for the next keys.
    fn draw(state: &mut State, width: u16, height: u16) -> String {
        let mut term = Terminal::new(TestBackend::new(width, height)).expect("terminal");
        let mut text = None;
        term.draw(|f| text = toadtop::ui::draw(state, f).text)
            .expect("draw");
        state.text_viewport = text;
        crate::screen::text_of(term.backend().buffer())
    }

    fn press(state: &mut State, code: KeyCode) {
        update(state, Msg::Key(KeyEvent::from(code)));
    }

    /// The rows inside the pane's border (the body between its top and bottom lines).
    fn pane_rows(screen: &str) -> Vec<String> {
        let lines: Vec<&str> = screen.lines().collect();
        let top = lines.iter().position(|l| l.starts_with('┌')).unwrap_or(0);
        let bottom = lines.iter().rposition(|l| l.starts_with('└')).unwrap_or(0);
        lines[top + 1..bottom]
            .iter()
            .map(|l| {
                let inner = l.strip_prefix('│').unwrap_or(l);
                inner
                    .trim_end()
                    .strip_suffix('│')
                    .unwrap_or(inner)
                    .to_string()
            })
            .collect()
    }

    /// Every row of the pane, read by scrolling down one row at a time from the top.
    fn whole(state: &mut State, width: u16, height: u16) -> Vec<String> {
        press(state, KeyCode::Char('g'));
        let mut screen = draw(state, width, height);
        let mut rows = pane_rows(&screen);
        for _ in 0..500 {
            press(state, KeyCode::Char('j'));
            let next = draw(state, width, height);
            if next == screen {
                return rows;
            }
            rows.push(pane_rows(&next).last().cloned().unwrap_or_default());
            screen = next;
        }
        panic!("j never reached the end:\n{screen}");
    }

    /// Whether `value` is on the pane, read across its wrapped rows.
    fn holds(rows: &[String], value: &str) -> bool {
        let flat: String = rows.iter().flat_map(|r| r.split_whitespace()).collect();
        let want: String = value.split_whitespace().collect();
        flat.contains(&want)
    }

    /// The checks every long text pane passes at `width`x`height`: `G` shows `last` on
    /// the pane's last row, `k` and PgUp move up at once, and the values are all there
    /// across wrapped rows (nothing cut). Returns the screen after `G` for a snapshot.
    fn check(mut state: State, width: u16, height: u16, last: &str, values: &[&str]) -> String {
        let first = draw(&mut state, width, height);
        press(&mut state, KeyCode::Char('G'));
        let end = draw(&mut state, width, height);
        let rows = pane_rows(&end);
        let bottom = rows.iter().rposition(|r| !r.trim().is_empty()).unwrap_or(0);
        assert!(
            rows[bottom].contains(last),
            "G: {last:?} is not the last row:\n{end}"
        );
        let scrolls = state
            .text_viewport
            .as_ref()
            .is_some_and(|v| v.rows > v.height);
        assert_eq!(
            scrolls,
            pane_rows(&end) != pane_rows(&first),
            "G moves exactly when the pane does not hold it all"
        );
        if scrolls {
            // Scrolled: the way back up works at once (the bug: G set 32767).
            press(&mut state, KeyCode::Char('k'));
            let up = draw(&mut state, width, height);
            assert_ne!(up, end, "k after G did not move:\n{up}");
            assert!(up.contains('↓'), "rows below are marked:\n{up}");
            press(&mut state, KeyCode::Char('G'));
            draw(&mut state, width, height);
            press(&mut state, KeyCode::PageUp);
            let page_up = draw(&mut state, width, height);
            assert_ne!(page_up, end, "PgUp after G did not move:\n{page_up}");
            // Many j past the end, then one k: one row up from the end.
            for _ in 0..50 {
                press(&mut state, KeyCode::Char('j'));
            }
            draw(&mut state, width, height);
            press(&mut state, KeyCode::Char('k'));
            assert_eq!(
                draw(&mut state, width, height),
                up,
                "j past the end piled up"
            );
        }
        let all = whole(&mut state, width, height);
        for v in values {
            assert!(
                holds(&all, v),
                "{v:?} is not on the pane:\n{}",
                all.join("\n")
            );
        }
        end
    }

    fn service_detail() -> State {
        open(
            in_services(),
            [web(|cluster, service| View::ServiceDetail {
                cluster,
                service,
            })],
        )
    }

    #[test]
    fn service_detail_reaches_its_events() {
        for (w, h) in [(80, 24), (200, 50)] {
            let end = check(
                service_detail(),
                w,
                h,
                "has reached a steady state",
                &[
                    "arn:aws:ecs:us-east-1:123456789012:service/production/web",
                    "Events (last 2)",
                ],
            );
            assert!(end.contains("Events (last 2)"), "{end}");
            insta::assert_snapshot!(format!("scroll_service_detail_end_{w}x{h}"), end);
        }
    }

    #[test]
    fn an_arn_hangs_under_its_label() {
        // The task definition's ARN is wider than an 80-column pane's value column.
        let mut state = open(
            in_services(),
            [web(|cluster, service| View::TaskDefinition {
                cluster,
                service,
            })],
        );
        let rows = whole(&mut state, 80, 24);
        let arn = rows
            .iter()
            .position(|r| r.starts_with("  arn "))
            .expect("the arn row");
        assert!(
            rows[arn + 1].starts_with(&" ".repeat(20)) && !rows[arn + 1].trim().is_empty(),
            "the ARN's second row hangs under its value:\n{}",
            rows.join("\n")
        );
    }

    #[test]
    fn task_detail_reaches_its_last_container() {
        for (w, h) in [(80, 24), (200, 50)] {
            let state = open(
                in_services(),
                [
                    web(|cluster, service| View::Tasks { cluster, service }),
                    View::TaskDetail {
                        cluster: "production".into(),
                        service: "web".into(),
                        task: "3d4e5f607182".into(),
                    },
                ],
            );
            let end = check(
                state,
                w,
                h,
                "runtime id",
                &["Essential container in task exited"],
            );
            insta::assert_snapshot!(format!("scroll_task_detail_end_{w}x{h}"), end);
        }
    }

    #[test]
    fn task_definition_reaches_its_volumes() {
        for (w, h) in [(80, 24), (200, 50)] {
            let state = open(
                in_services(),
                [web(|cluster, service| View::TaskDefinition {
                    cluster,
                    service,
                })],
            );
            let td = fixtures::web_task_definition(2);
            let last = td
                .volumes
                .last()
                .map(|v| v.name.clone())
                .unwrap_or_default();
            let end = check(
                state,
                w,
                h,
                &last,
                &[
                    "DB_PASSWORD ← arn:aws:ssm:us-east-1:123456789012:parameter/laravel/production/DB_PASSWORD",
                    &td.arn,
                ],
            );
            assert!(end.contains("Volumes ("), "{end}");
            insta::assert_snapshot!(format!("scroll_task_definition_end_{w}x{h}"), end);
        }
    }

    #[test]
    fn help_reaches_its_marks() {
        for (w, h) in [(80, 24), (200, 50)] {
            let state = open(in_services(), [View::Help]);
            let end = check(
                state,
                w,
                h,
                "a log record's folded / unfolded stack trace",
                &["standalone tasks of the cluster (migrations, one-offs)"],
            );
            insta::assert_snapshot!(format!("scroll_help_end_{w}x{h}"), end);
        }
    }

    fn diff_state() -> State {
        let before = fixtures::web_task_definition(2);
        let mut after = fixtures::web_task_definition(3);
        for c in &mut after.containers {
            c.image = c.image.replace(":v1", ":v2");
            // Enough changes that the diff is taller than an 80x24 pane.
            for n in 0..12 {
                c.environment.push((format!("FEATURE_{n}"), "on".into()));
            }
            for (k, v) in &mut c.environment {
                if k == "APP_ENV" {
                    *v = "https://a-much-longer-host-name.example.com/with/a/path/that/goes/on/and/on".into();
                }
            }
        }
        let mut state = open(
            super::loaded(),
            [View::TaskDefDiff {
                family: "laravel-web".into(),
                before: before.arn.clone(),
                after: after.arn.clone(),
            }],
        );
        state.revisions.insert(before.arn.clone(), Ok(before));
        state.revisions.insert(after.arn.clone(), Ok(after));
        state
    }

    #[test]
    fn diff_reaches_its_last_change() {
        for (w, h) in [(80, 24), (200, 50)] {
            let end = check(
                diff_state(),
                w,
                h,
                "+ 123456789012.dkr.ecr.us-east-1.amazonaws.com/laravel-app:v2.5.0",
                &["+ https://a-much-longer-host-name.example.com/with/a/path/that/goes/on/and/on"],
            );
            insta::assert_snapshot!(format!("scroll_taskdef_diff_end_{w}x{h}"), end);
        }
    }

    #[test]
    fn search_in_help_highlights_jumps_and_wraps_around() {
        let mut state = open(in_services(), [View::Help]);
        draw(&mut state, 80, 24);
        press(&mut state, KeyCode::Char('/'));
        let mut typing = String::new();
        for c in "logs:".chars() {
            press(&mut state, KeyCode::Char(c));
            typing = draw(&mut state, 80, 24);
        }
        assert!(typing.contains("/logs:▏  search · enter find"), "{typing}");
        press(&mut state, KeyCode::Enter);
        let screen = draw(&mut state, 80, 24);
        // "logs: next match" ... are far below the first page: the first is on screen now.
        assert!(screen.contains("logs: follow / pause"), "{screen}");
        let matches = state.text_viewport.as_ref().map_or(0, |v| v.matches.len());
        assert!(matches >= 5, "{matches}");
        for _ in 1..matches {
            press(&mut state, KeyCode::Char('n'));
            draw(&mut state, 80, 24);
        }
        let said = |s: &State| {
            s.status
                .as_ref()
                .map(|m| m.text.clone())
                .unwrap_or_default()
        };
        assert!(
            said(&state).contains(&format!("match {matches}/{matches}")),
            "{}",
            said(&state)
        );
        press(&mut state, KeyCode::Char('n'));
        let screen = draw(&mut state, 80, 24);
        assert!(
            said(&state).contains("wrapped to the top"),
            "{}",
            said(&state)
        );
        assert!(screen.contains("logs: follow / pause"), "{screen}");
        assert!(
            screen.contains("search: logs:"),
            "the footer names the search:\n{screen}"
        );
    }

    /// A deploy's job pane at 80x24 whose lines wrap: it follows the newest line until
    /// scrolled up, and follows again from `G`.
    #[test]
    fn job_pane_follows_its_newest_line_until_scrolled_up() {
        let (mut state, id) = super::actions::deploy_running();
        // More lines than the pane holds.
        for n in 0..10 {
            let filler = super::actions::line(id, Tone::Info, &format!("event: filler {n}"));
            update(&mut state, filler);
        }
        let newest = "event: (service web) has started 3 tasks: (task 7a8b9c0d1e2f) (task 8b9c0d1e2f30) (task 9c0d1e2f3041).";
        update(&mut state, super::actions::line(id, Tone::Info, newest));
        let screen = draw(&mut state, 80, 24);
        assert!(
            screen.contains("(task 9c0d1e2f3041)."),
            "the newest line:\n{screen}"
        );
        press(&mut state, KeyCode::Char('k'));
        draw(&mut state, 80, 24);
        update(
            &mut state,
            super::actions::line(id, Tone::Info, "event: newest while scrolled up"),
        );
        let screen = draw(&mut state, 80, 24);
        assert!(
            !screen.contains("newest while scrolled up"),
            "scrolled up stays:\n{screen}"
        );
        press(&mut state, KeyCode::Char('G'));
        let screen = draw(&mut state, 80, 24);
        assert!(screen.contains("newest while scrolled up"), "{screen}");

        let mut outcome = Outcome::new("deploy", "production", "web");
        outcome.old_revision = Some("laravel-web:2".into());
        outcome.new_revision = Some("laravel-web:3".into());
        outcome.duration_secs = 42.0;
        update(&mut state, Msg::JobDone { id, outcome });
        let screen = draw(&mut state, 80, 24);
        assert!(screen.contains("succeeded in"), "no key pressed:\n{screen}");
        insta::assert_snapshot!("scroll_job_pane_succeeded_80x24", screen);
        let end = check(state, 200, 50, "succeeded in", &["(task 8b9c0d1e2f30)"]);
        insta::assert_snapshot!("scroll_job_pane_succeeded_200x50", end);
    }

    /// The exec menu at 80x24 stays inside the pane's border and its wrapped details
    /// hang under themselves.
    #[test]
    fn exec_modal_fits_inside_the_pane_at_80x24() {
        let mut state = in_services();
        state.exec_plugin = Err("session-manager-plugin is not on PATH".into());
        for code in [KeyCode::Char('j'), KeyCode::Enter, KeyCode::Char('x')] {
            press(&mut state, code);
        }
        for (w, h) in [(80, 24), (200, 50)] {
            let screen = draw(&mut state, w, h);
            let lines: Vec<&str> = screen.lines().collect();
            let pane_top = lines.iter().position(|l| l.starts_with('┌')).expect("pane");
            let pane_bottom = lines
                .iter()
                .rposition(|l| l.starts_with('└'))
                .expect("pane");
            for row in [pane_top, pane_bottom] {
                assert!(
                    lines[row].chars().filter(|c| "┌└".contains(*c)).count() == 1,
                    "the menu covers the pane's border:\n{screen}"
                );
            }
            assert!(screen.contains("▶ "), "the choices stay:\n{screen}");
            // Every row of the menu inside its own border, none starting at its column 0
            // unless it is a check or a choice.
            let title = lines
                .iter()
                .find(|l| l.contains("exec php in task"))
                .expect("the menu");
            let left = title
                .chars()
                .skip(1)
                .position(|c| c == '┌')
                .expect("its corner")
                + 2;
            let menu: Vec<String> = lines
                .iter()
                .filter(|l| l.chars().nth(left - 1) == Some('│'))
                .map(|l| l.chars().skip(left).collect())
                .collect();
            assert!(!menu.is_empty(), "{screen}");
            for r in &menu {
                let first = r.chars().next().unwrap_or(' ');
                assert!(
                    " ✓✗!▶…".contains(first),
                    "a wrapped row starts at column 0: {r:?}\n{screen}"
                );
            }
            insta::assert_snapshot!(format!("scroll_exec_modal_{w}x{h}"), screen);
        }
    }
}

mod scroll_exec_short {
    use crossterm::event::{KeyCode, KeyEvent};
    use toadtop::app::{update, Msg};
    use toadtop::config::{ExecSettings, ServiceSettings};

    use super::{in_services, render};

    /// Three failing checks with their fixes and two quick commands do not fit an 80x24
    /// pane: the passing checks fold, details follow their names, the rest is cut with a
    /// note; the choices stay and the pane's border shows.
    #[test]
    fn exec_modal_folds_passing_checks_when_short_of_rows() {
        let mut state = in_services();
        state.exec_plugin = Err("session-manager-plugin is not on PATH".into());
        state.config.services.insert(
            "web".into(),
            ServiceSettings {
                exec: ExecSettings {
                    container: "php".into(),
                    shell: "/bin/bash".into(),
                    quick_commands: vec!["php artisan about".into(), "php artisan tinker".into()],
                },
                ..ServiceSettings::default()
            },
        );
        for code in [
            KeyCode::Char('j'),
            KeyCode::Enter,
            KeyCode::Char('x'),
            KeyCode::Char('c'),
        ] {
            update(&mut state, Msg::Key(KeyEvent::from(code)));
        }
        let text = render(&state, 80, 24);
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[2].starts_with("┌ tasks") && lines[22].starts_with('└'),
            "{text}"
        );
        // Even folded and compact, three failures with fixes do not fit: what is cut
        // says so, and where to read it all.
        assert!(
            text.contains("more rows (toadtop doctor prints them all)"),
            "{text}"
        );
        assert!(
            !text.contains("✓ task running"),
            "the passes folded:\n{text}"
        );
        assert!(text.contains("✗ session-manager-plugin"), "{text}");
        assert!(
            text.contains("✗ read-only root: agent paths writable"),
            "{text}"
        );
        for choice in ["/bin/bash", "php artisan about", "php artisan tinker"] {
            assert!(text.contains(choice), "{choice} cut:\n{text}");
        }
        insta::assert_snapshot!("scroll_exec_modal_folded_80x24", text);
    }
}

// ---- the fleet's alerts, empty regions, stale data, a match off to the right ----------

mod fleet_and_logs {
    use super::{render, NOW};
    use toadtop::app::{update, Msg, State};
    use toadtop::fixtures;
    use toadtop::timefmt::Timestamp;

    /// Three clusters: production loaded (its alerts counted), staging's load failed,
    /// production-eu not loaded yet.
    fn fleet() -> State {
        let mut state = fixtures::state_with(fixtures::production());
        if let Some(list) = state.clusters.data.as_mut() {
            list.push(fixtures::cluster("production-eu", 2, 2));
        }
        let staging = state.details.entry("staging".into()).or_default();
        staging.error = Some(
            "DescribeServices failed: AccessDeniedException: not authorized to perform ecs:DescribeServices"
                .into(),
        );
        // Any findings answer re-evaluates the alerts, as after a real load.
        update(&mut state, Msg::FindingsLoaded(Default::default()));
        state
    }

    fn alerts_row<'a>(text: &'a str, cluster: &str) -> &'a str {
        text.lines()
            .find(|l| l.starts_with(&format!("│{cluster} ")))
            .unwrap_or_else(|| panic!("no {cluster} row:\n{text}"))
    }

    fn check_fleet(text: &str) {
        assert!(text.contains("ALERTS"), "{text}");
        let (crit, warn, _) = toadtop::alerts::counts(&fleet().alerts);
        assert!(crit + warn > 0, "the fixture has alerts");
        let counts = format!("{crit} crit {warn} warn");
        assert!(alerts_row(text, "production").contains(&counts), "{text}");
        assert!(
            alerts_row(text, "staging").contains("⚠ DescribeServices"),
            "{text}"
        );
        assert!(alerts_row(text, "production-eu").contains("—"), "{text}");
        // The header's badge counts the same alerts.
        assert!(text
            .lines()
            .next()
            .unwrap()
            .contains(&format!(" {crit} crit ")));
    }

    #[test]
    fn clusters_alerts_80x24() {
        let text = render(&fleet(), 80, 24);
        check_fleet(&text);
        insta::assert_snapshot!(text);
    }

    #[test]
    fn clusters_alerts_200x50() {
        let mut state = fleet();
        state.screen_mut().selected = 1; // staging: its whole error above the rows
        let text = render(&state, 200, 50);
        check_fleet(&text);
        assert!(
            text.contains("⚠ staging: DescribeServices failed: AccessDeniedException"),
            "{text}"
        );
        insta::assert_snapshot!(text);
    }

    fn empty_region() -> State {
        let mut state = State::new("ops".into(), "eu-west-1".into(), None, NOW);
        state.clusters.data = Some(Vec::new());
        state.clusters.fetched_at = Some(NOW);
        state
    }

    #[test]
    fn empty_region_80x24() {
        let text = render(&empty_region(), 80, 24);
        assert!(
            text.contains("no clusters in eu-west-1 (profile ops)"),
            "{text}"
        );
        insta::assert_snapshot!(text);
    }

    #[test]
    fn empty_region_200x50() {
        let text = render(&empty_region(), 200, 50);
        assert!(
            text.contains("no clusters in eu-west-1 (profile ops): :region or :profile switches"),
            "{text}"
        );
        insta::assert_snapshot!(text);
    }

    #[test]
    fn a_filter_matching_nothing_is_not_an_empty_region() {
        let mut state = fixtures::state_with(fixtures::production());
        state.screen_mut().filter = "zzz".into();
        let text = render(&state, 80, 24);
        assert!(text.contains("no clusters match “zzz”"), "{text}");
        assert!(!text.contains("no clusters in"), "{text}");
    }

    /// The cluster list last loaded 2½ minutes ago (the refresh interval is 10 s).
    fn stale() -> State {
        let mut state = fleet();
        state.clusters.fetched_at = Some(Timestamp(NOW.0 - 150_000));
        state.clusters.error =
            Some("ListClusters failed: ThrottlingException: Rate exceeded".into());
        state
    }

    #[test]
    fn stale_mark_80x24() {
        let text = render(&stale(), 80, 24);
        assert!(text.contains("┌ clusters · stale 2m [3]"), "{text}");
        insta::assert_snapshot!(text);
    }

    #[test]
    fn stale_mark_200x50() {
        let text = render(&stale(), 200, 50);
        assert!(text.contains("┌ clusters · stale 2m [3]"), "{text}");
        // Fresh data clears it.
        let mut fresh = stale();
        fresh.clusters.fetched_at = Some(NOW);
        fresh.clusters.error = None;
        assert!(!render(&fresh, 200, 50).contains("stale"));
        insta::assert_snapshot!(text);
    }

    /// Production's detail last loaded 2½ minutes ago, its refresh failing.
    fn production_stale() -> State {
        let mut state = fleet();
        let slot = state.details.get_mut("production").expect("production");
        slot.fetched_at = Some(Timestamp(NOW.0 - 150_000));
        slot.error = Some("DescribeServices failed: ThrottlingException: Rate exceeded".into());
        state
    }

    /// Every pane showing data with an age says when it is stale, in its title: the
    /// standalone tasks, the alerts (as old as the stalest cluster), the findings, a
    /// task's and a service's detail; fresh data clears the mark.
    #[test]
    fn stale_mark_on_every_pane_with_an_age() {
        use toadtop::app::{Screen, View};
        let (c, s) = ("production".to_string(), "web".to_string());
        let panes = [
            (
                View::Tasks {
                    cluster: c.clone(),
                    service: toadtop::domain::STANDALONE.into(),
                },
                "┌ standalone tasks · production · stale 2m [",
            ),
            (View::Alerts, "┌ alerts · stale 2m ["),
            (
                View::Findings {
                    cluster: c.clone(),
                    service: Some(s.clone()),
                },
                "┌ findings · web · stale 2m [",
            ),
            (
                View::TaskDetail {
                    cluster: c.clone(),
                    service: s.clone(),
                    task: "0a1b2c3d4e5f".into(),
                },
                "┌ task 0a1b2c3d · stale 2m ",
            ),
            (
                View::ServiceDetail {
                    cluster: c.clone(),
                    service: s.clone(),
                },
                "┌ service production/web · stale 2m ",
            ),
        ];
        for (view, title) in panes {
            let mut state = production_stale();
            state.stack.push(Screen::new(view.clone()));
            let text = render(&state, 80, 24);
            assert!(text.contains(title), "{view:?}: no {title:?} in\n{text}");
            if view == View::Alerts {
                insta::assert_snapshot!("stale_mark_alerts_80x24", text);
            }
            let mut fresh = fleet();
            fresh.stack.push(Screen::new(view.clone()));
            let text = render(&fresh, 80, 24);
            assert!(!text.contains("stale"), "{view:?}:\n{text}");
        }
    }

    /// A record whose only match sits far past the right edge, selected by the search.
    fn match_to_the_right() -> State {
        let mut state = fixtures::log_state(40);
        if let Some(p) = state.logs.as_mut() {
            let (t, c) = ("0a1b2c3d4e5f".into(), "php".into());
            let message = format!(
                "[2026-11-26 07:00:00] production.INFO: {} charged invoice-4711 twice {{}}",
                "payload ".repeat(30)
            );
            p.buffer.push(&t, &c, NOW.0 - 60_000, &message);
            // Newer records after it, so it is not simply the last line.
            for i in 0..3 {
                let line = format!("[2026-11-26 07:00:0{i}] production.INFO: later {i} {{}}");
                p.buffer.push(&t, &c, NOW.0, &line);
            }
            p.search = "invoice-4711".into();
            assert!(p.find_newest());
        }
        state
    }

    #[test]
    fn log_pane_match_to_the_right_80x24() {
        let text = render(&match_to_the_right(), 80, 24);
        assert!(text.contains("invoice-4711"), "{text}");
        insta::assert_snapshot!(text);
    }

    #[test]
    fn log_pane_match_to_the_right_200x50() {
        let text = render(&match_to_the_right(), 200, 50);
        assert!(text.contains("invoice-4711"), "{text}");
        insta::assert_snapshot!(text);
    }
}

// ---- the message line and the footers (issue 17, items 3 and 6) ----------------------

/// A message said through `update`, as an action would: `text` is a long info or error.
fn saying(mut state: State, text: &str, error: bool) -> State {
    state.say(text, error);
    state
}

const LONG_INFO: &str = "saved to /tmp/rvhome/.local/share/toadtop/logs/production-web-2026-11-26T07-00-00Z.log (1200 records, 312 KiB)";
const LONG_ERROR: &str = "exec would fail: task running, ExecuteCommandAgent not running on container php (enableExecuteCommand is off for the service: turn it on and force a new deployment)";

#[test]
fn message_line_long_info_and_error() {
    for (name, text, error) in [("info", LONG_INFO, false), ("error", LONG_ERROR, true)] {
        for (w, h) in [(80, 24), (200, 50)] {
            let state = saying(in_services(), text, error);
            let screen = render(&state, w, h);
            // Whole: every word of the message is on the screen, nothing on the crumbs line.
            let flat = screen.split_whitespace().collect::<Vec<_>>().join(" ");
            for word in text.split(' ') {
                assert!(flat.contains(word), "{word} missing at {w}x{h}:\n{screen}");
            }
            assert!(!screen.lines().nth(1).unwrap().contains("saved"));
            assert_eq!(screen.contains("esc dismiss"), error, "{screen}");
            insta::assert_snapshot!(format!("message_line_{name}_{w}x{h}"), screen);
        }
    }
}

#[test]
fn messages_pane_newest_first() {
    let mut state = in_services();
    state.now = toadtop::timefmt::Timestamp(NOW.0 - 60_000);
    state.say("sorted by NAME ▲", false);
    state.now = toadtop::timefmt::Timestamp(NOW.0 - 30_000);
    state.say(LONG_ERROR, true);
    state.now = NOW;
    state.say(LONG_INFO, false);
    let state = open(state, [View::Messages]);
    let text = render(&state, 80, 24);
    let newest = text.find("saved to").expect("the newest");
    let oldest = text.find("sorted by").expect("the oldest");
    assert!(newest < oldest, "{text}");
    assert!(text.contains("06:59:30 error"), "{text}");
    assert!(
        text.contains("› production › messages"),
        "the place stays: {text}"
    );
    insta::assert_snapshot!("messages_pane_80x24", text);
}

/// Every pane's footer at `width`, one per line, with the pane's name.
fn footers(width: u16, height: u16, read_only: bool) -> String {
    use toadtop::domain::STANDALONE;
    let log_view = fixtures::log_state(10).screen().view.clone();
    let first_rev = "arn:aws:ecs:us-east-1:123456789012:task-definition/laravel-web:1";
    let second_rev = "arn:aws:ecs:us-east-1:123456789012:task-definition/laravel-web:2";
    let views: Vec<(&str, View)> = vec![
        ("clusters", View::Clusters),
        ("services", services_view()),
        (
            "tasks",
            web(|cluster, service| View::Tasks { cluster, service }),
        ),
        (
            "standalone",
            View::Tasks {
                cluster: "production".into(),
                service: STANDALONE.into(),
            },
        ),
        (
            "service detail",
            web(|cluster, service| View::ServiceDetail { cluster, service }),
        ),
        (
            "task definition",
            web(|cluster, service| View::TaskDefinition { cluster, service }),
        ),
        (
            "task detail",
            View::TaskDetail {
                cluster: "production".into(),
                service: "web".into(),
                task: "3d4e5f607182".into(),
            },
        ),
        ("logs", log_view),
        ("action", View::Job),
        (
            "findings",
            View::Findings {
                cluster: "production".into(),
                service: None,
            },
        ),
        (
            "finding",
            View::FindingDetail {
                cluster: "production".into(),
                image: "laravel-app:v1".into(),
                name: "CVE-2026-0001".into(),
            },
        ),
        ("alerts", View::Alerts),
        (
            "taskdefs",
            View::TaskDefs {
                family: "laravel-web".into(),
            },
        ),
        (
            "diff",
            View::TaskDefDiff {
                family: "laravel-web".into(),
                before: first_rev.into(),
                after: second_rev.into(),
            },
        ),
        ("help", View::Help),
        ("messages", View::Messages),
    ];
    let mut out = Vec::new();
    for (name, view) in views {
        let mut state = if matches!(view, View::Logs { .. }) {
            fixtures::log_state(10)
        } else {
            let mut s = open(loaded(), [view.clone()]);
            if matches!(view, View::TaskDefs { .. }) {
                let slot = s.taskdefs.entry("laravel-web".into()).or_default();
                slot.data = Some(vec![second_rev.into(), first_rev.into()]);
            }
            s
        };
        state.read_only = read_only;
        let screen = render(&state, width, height);
        let foot = screen.lines().last().unwrap_or_default().to_string();
        assert!(foot.ends_with("? help"), "{name}: {foot}");
        if read_only {
            for refused in [
                " deploy",
                " migrate",
                " restart",
                " roll back",
                " scale",
                " stop",
            ] {
                assert!(!foot.contains(refused), "{name}: {refused} offered: {foot}");
            }
        }
        out.push(format!("{name:<16}|{foot}"));
    }
    out.join("\n")
}

#[test]
fn footers_of_every_pane() {
    for (w, h) in [(80, 24), (200, 50)] {
        for read_only in [false, true] {
            let text = footers(w, h, read_only);
            let mode = if read_only { "read_only" } else { "normal" };
            insta::assert_snapshot!(format!("footers_{mode}_{w}x{h}"), text);
        }
    }
    // At 80 columns the log pane keeps its filters (issue 17: L, w, T, c, Enter dropped).
    let logs = footers(80, 24, false)
        .lines()
        .find(|l| l.starts_with("logs "))
        .unwrap()
        .to_string();
    for hint in [
        "L level",
        "w wrap",
        "T since",
        "c container",
        "enter unfold",
    ] {
        assert!(logs.contains(hint), "{hint} missing: {logs}");
    }
}

mod columns {
    //! Every table pane at 80x24 and 200x50, with content long enough to need cutting:
    //! a cut cell ends in `…` (or starts with it, for a revision), no column is wider than
    //! its widest cell, and a column left out is named in the title.
    use super::*;
    use toadtop::domain::STANDALONE;

    const SIZES: [(u16, u16); 2] = [(80, 24), (200, 50)];
    const LONG_CLUSTER: &str = "payments-platform-production-eu-west-1-blue-green-2026-migration";
    const LONG_SERVICE: &str = "worker-for-the-long-running-horizon-queues-and-notifications";
    const LONG_TAG: &str = "v1.5.0-build.20261206.feature-a-rather-long-branch-name";
    const LONG_REVISION: &str = "laravel-web-with-a-rather-long-family-name:17";

    /// A long cluster name, service name, image tag and task-definition family.
    fn long(mut state: State) -> State {
        if let Some(clusters) = state.clusters.data.as_mut() {
            let mut c = clusters[0].clone();
            c.name = LONG_CLUSTER.into();
            clusters.push(c);
        }
        let detail = state
            .details
            .get_mut("production")
            .and_then(|d| d.data.as_mut())
            .expect("production");
        for s in &mut detail.services {
            if s.name == "worker" {
                s.name = LONG_SERVICE.into();
            }
            if s.name == "web" {
                let td = s.task_definition.as_mut().expect("web's revision");
                td.containers[0].image = format!(
                    "{}:{LONG_TAG}",
                    td.containers[0].image.split(':').next().unwrap_or("")
                );
                s.tasks[0].task_definition_arn =
                    format!("arn:aws:ecs:us-east-1:123456789012:task-definition/{LONG_REVISION}");
            }
        }
        state
    }

    /// `value` is on screen whole, or cut with `…` at its end (or, for a column that
    /// keeps its end, at its start) after at least two of its characters.
    fn whole_or_cut(text: &str, value: &str) -> bool {
        if text.contains(value) {
            return true;
        }
        let chars: Vec<char> = value.chars().collect();
        (2..chars.len()).any(|k| {
            let head: String = chars[..k].iter().collect();
            let tail: String = chars[chars.len() - k..].iter().collect();
            text.contains(&format!("{head}…")) || text.contains(&format!("…{tail}"))
        })
    }

    /// Checks the table of `text`: `headers` shown in order or named as dropped in the
    /// title, no column wider than its widest cell, `values` whole or cut with `…`.
    fn check_table(text: &str, headers: &[&str], values: &[&str]) {
        let lines: Vec<&str> = text.lines().collect();
        let title = lines[2];
        let h = lines
            .iter()
            .position(|l| l.starts_with(&format!("│{}", headers[0])))
            .unwrap_or_else(|| panic!("no header row:\n{text}"));
        let header = lines[h];
        let mut starts = Vec::new();
        let mut from = 0;
        for name in headers {
            // Char positions: the border and `…` take one cell each, like every char here.
            let header_chars: Vec<char> = header.chars().collect();
            let hay: String = header_chars[from.min(header_chars.len())..]
                .iter()
                .collect();
            match hay.find(name) {
                Some(byte) => {
                    let at = from + hay[..byte].chars().count();
                    starts.push(at);
                    from = at + name.chars().count();
                }
                None => {
                    let dropped = title.split(" − ").nth(1).unwrap_or_default();
                    assert!(
                        dropped
                            .split(", ")
                            .any(|d| d.trim_end_matches([' ', '─', '┐']) == *name),
                        "{name} neither shown nor named as dropped:\n{text}"
                    );
                }
            }
        }
        let table: Vec<Vec<char>> = lines[h..]
            .iter()
            .take_while(|l| l.starts_with('│'))
            .map(|l| l.chars().collect())
            .collect();
        for pair in starts.windows(2) {
            // The column's last cell (one blank cell separates columns) holds something
            // on some row: the column is no wider than its widest cell.
            let last = pair[1] - 2;
            assert!(
                table.iter().any(|l| l.get(last).is_some_and(|c| *c != ' ')),
                "the column at {} is padded past its content:\n{text}",
                pair[0]
            );
        }
        for v in values {
            assert!(whole_or_cut(text, v), "{v:?} cut without …:\n{text}");
        }
    }

    fn each_size(state: &State, name: &str, check: impl Fn(&str)) {
        for (w, h) in SIZES {
            let text = render(state, w, h);
            check(&text);
            insta::assert_snapshot!(format!("columns_{name}_{w}x{h}"), text);
        }
    }

    #[test]
    fn clusters() {
        let state = long(loaded());
        each_size(&state, "clusters", |text| {
            check_table(
                text,
                &["NAME", "STATUS", "SERVICES", "RUNNING", "PENDING"],
                &["production", "staging", LONG_CLUSTER, "ACTIVE"],
            )
        });
    }

    const SERVICE_HEADERS: [&str; 9] = [
        "NAME", "STATUS", "D/R/P", "TASK DEF", "IMAGES", "ROLLOUT", "VULNS", "EXEC", "LAUNCH",
    ];

    #[test]
    fn services() {
        let state = long(in_services());
        let long_images = format!("php:{LONG_TAG} nginx:stable-alpine");
        each_size(&state, "services", |text| {
            check_table(
                text,
                &SERVICE_HEADERS,
                &[
                    "scheduler",
                    "web",
                    LONG_SERVICE,
                    "laravel-web:2",
                    "php:v1.5.0 nginx:stable-alpine",
                    &long_images,
                    "COMPLETED",
                ],
            )
        });
        // At 80 columns the least-read column goes, and the title says which; the task
        // definition stays whole while the image list gives way.
        let narrow = render(&state, 80, 24);
        assert!(
            narrow
                .lines()
                .nth(2)
                .is_some_and(|t| t.contains("− LAUNCH ")),
            "{narrow}"
        );
        assert!(narrow.contains(" laravel-web:2 "), "{narrow}");
        assert!(narrow.contains(" php:v1.5.0 ng… "), "{narrow}");
        // At 200 nothing is dropped, and with every column whole the long name takes the
        // room left: whole too, past its column's usual maximum.
        let wide = render(&state, 200, 50);
        assert!(
            !wide.lines().nth(2).unwrap_or_default().contains('−'),
            "{wide}"
        );
        let name_row = wide
            .lines()
            .find(|l| l.contains("worker-for"))
            .unwrap_or_default();
        assert!(
            name_row.contains(&format!("{LONG_SERVICE} ACTIVE")),
            "{wide}"
        );
    }

    #[test]
    fn tasks() {
        let state = open(
            long(in_services()),
            [web(|cluster, service| View::Tasks { cluster, service })],
        );
        each_size(&state, "tasks", |text| {
            let mut values = vec![
                "laravel-web:2",
                LONG_REVISION,
                "php RUNNING ro · nginx RUNNING ro",
                "php exit 1 ro · nginx exit 1 ro",
            ];
            // The stop code is whole or not at all: at 80 columns it goes first.
            let narrow = text.lines().next().is_some_and(|l| l.chars().count() <= 80);
            if narrow {
                assert!(text.contains("− STOP CODE"), "{text}");
            } else {
                values.push("EssentialContainerExited");
            }
            check_table(
                text,
                &[
                    "ID",
                    "REVISION",
                    "STATUS",
                    "HEALTH",
                    "AGE",
                    "STOP CODE",
                    "CONTAINERS",
                ],
                &values,
            );
            // A cut revision keeps its number.
            assert!(
                text.contains(":17 ") || text.contains(LONG_REVISION),
                "{text}"
            );
        });
    }

    #[test]
    fn standalone() {
        let mut state = fixtures::state_with(fixtures::production_with_standalone());
        state.stack.push(Screen::new(services_view()));
        let state = open(
            state,
            [View::Tasks {
                cluster: "production".into(),
                service: STANDALONE.into(),
            }],
        );
        each_size(&state, "standalone", |text| {
            let mut values = vec![
                "family:laravel-scheduler",
                "events-rule/laravel-schedule-run",
                "◆ toadtop/alice",
                "php exit 1 ro · nginx exit 0 ro",
            ];
            // At 80 columns the stop code (in the task's detail too) gives up its room.
            let narrow = text.lines().next().is_some_and(|l| l.chars().count() <= 80);
            if narrow {
                assert!(text.contains("− STOP CODE"), "{text}");
            } else {
                values.push("EssentialContainerExited");
            }
            check_table(
                text,
                &[
                    "GROUP",
                    "STARTED BY",
                    "ID",
                    "STATUS",
                    "EXIT",
                    "AGE",
                    "STOP CODE",
                ],
                &values,
            )
        });
    }

    #[test]
    fn findings() {
        let state = open(
            findings_alerts::with_data(loaded()),
            [
                services_view(),
                View::Findings {
                    cluster: "production".into(),
                    service: None,
                },
            ],
        );
        each_size(&state, "findings", |text| {
            check_table(
                text,
                &[
                    "SEVERITY", "FINDING", "PACKAGE", "FIXED IN", "SCORE", "IMAGE",
                ],
                &[
                    "CVE-2024-4577",
                    "CVE-2023-42366",
                    "php83 8.3.7-r0",
                    "busybox 1.36.1-r15",
                    "8.3.8-r0",
                    "nginx:stable-alpine",
                    "not in ECR",
                ],
            )
        });
    }

    #[test]
    fn alerts() {
        let state = open(findings_alerts::with_data(loaded()), [View::Alerts]);
        let messages: Vec<String> = state
            .alerts
            .iter()
            .map(|a| toadtop::safety::sanitize(&a.message))
            .collect();
        each_size(&state, "alerts", |text| {
            let mut values: Vec<&str> = messages.iter().map(String::as_str).collect();
            values.extend(["critical", "warning", "production/web/3d4e5f60"]);
            check_table(text, &["LEVEL", "KIND", "WHERE", "SINCE", "WHY"], &values);
        });
    }

    #[test]
    fn taskdefs() {
        let state = revisions_state();
        each_size(&state, "taskdefs", |text| {
            check_table(
                text,
                &["REVISION", "BASE", "REGISTERED", "IMAGES", "RUNNING IN"],
                &[
                    "9d ago · 2026-11-17 07:00",
                    "php:v1.5.0 nginx:stable-alpine",
                    "production/scheduler production/web production/worker",
                ],
            )
        });
    }

    #[test]
    fn deploy_picker() {
        let state = actions::picker_with_v141_chosen();
        each_size(&state, "deploy_picker", |text| {
            for v in [
                "v1.5.0 (running)         pushed   2h ago  cccccccccccc  scan COMPLETE",
                "stable-alpine is not in ECR: type an image to change it",
                "container php: runs v1.5.0 (→ v1.4.1)",
            ] {
                assert!(whole_or_cut(text, v), "{v:?} cut without …:\n{text}");
            }
        });
    }

    #[test]
    fn logs() {
        let state = fixtures::log_state(200);
        each_size(&state, "logs", |text| {
            // A record wider than the pane ends in `…` right at the border.
            let body: Vec<&str> = text
                .lines()
                .skip(3)
                .take_while(|l| l.starts_with('│'))
                .collect();
            assert!(!body.is_empty(), "{text}");
            let full = body.iter().filter(|l| !l.ends_with(" │")).count();
            assert!(
                body.iter()
                    .filter(|l| !l.ends_with(" │"))
                    .all(|l| l.ends_with("…│")),
                "a line cut without …:\n{text}"
            );
            // The fixture has lines wider than 80 columns.
            if text.lines().next().is_some_and(|l| l.chars().count() <= 80) {
                assert!(full > 0, "{text}");
            }
            // The level column is 6 cells wide: `WARNING` is `WARN`.
            assert!(!text.contains(" WARNING "), "{text}");
        });
    }

    #[test]
    fn header_keeps_the_endpoint_port() {
        let mut state = findings_alerts::with_data(in_services());
        state.endpoint_url = Some("http://localstack.internal.example.com:4566".into());
        state.read_only = true;
        state.throttled = true;
        let text = render(&state, 80, 24);
        let header = text.lines().next().unwrap_or_default();
        assert!(header.contains(":4566 "), "{header}");
        assert!(header.contains('…'), "the host is cut, with …: {header}");
    }
}
