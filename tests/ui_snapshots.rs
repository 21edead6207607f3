//! Every pane drawn from a fixture state into ratatui's `TestBackend`, compared as plain
//! text with insta snapshots (tests/snapshots/). Styles are not part of the snapshot; a few
//! tests also assert specific facts (secrets masked, escapes stripped, marks shown).
//!
//! Update after an intended UI change: `INSTA_UPDATE=always cargo test --test ui_snapshots`,
//! then read the changed .snap files before committing them.

use ratatui::backend::TestBackend;
use ratatui::text::Span;
use ratatui::Terminal;
use toadtop::app::{update, Input, Msg, Screen, State, View};
use toadtop::fixtures::{self, NOW};

const W: u16 = 120;
const H: u16 = 32;

/// Draws the whole screen and returns it as text, one line per row, trailing spaces cut.
fn render(state: &State, width: u16, height: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    term.draw(|f| {
        toadtop::ui::draw(state, f);
    })
    .expect("draw");
    let buf = term.backend().buffer();
    let mut out = Vec::with_capacity(usize::from(height));
    for y in 0..height {
        let mut line = String::new();
        // A wide symbol covers the cells after it; skip those as a terminal would.
        let mut skip = 0usize;
        for x in 0..width {
            let symbol = buf[(x, y)].symbol();
            if skip == 0 {
                line.push_str(symbol);
            }
            skip = skip.max(Span::raw(symbol).width()).saturating_sub(1);
        }
        out.push(line.trim_end().to_string());
    }
    out.join("\n")
}

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
    // The stop code column is narrow; its start is enough to tell which one it is.
    assert!(text.contains("│3d4e5f60 STOPPED"), "{text}");
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
    slot.error = Some(
        "DescribeServices failed: cannot reach the endpoint: Connection refused (os error 111)"
            .into(),
    );
    // Three failures, the last 5 s ago: the next try is 8 s after it.
    slot.failing = Some(toadtop::app::Failing {
        count: 3,
        since: Timestamp(NOW.0 + 20_000),
        last: Timestamp(NOW.0 + 35_000),
    });
    // Wide: since when. At 80 columns the clock goes (the age says it), and the
    // endpoint keeps a few columns.
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
    assert!(header.contains("endpoint 127.0"), "{header}");
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
    use toadtop::aws::ecr::EcrImage;
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
    fn picker_with_v141_chosen() -> State {
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

    #[test]
    fn scale_modal() {
        let mut state = in_services();
        keys(&mut state, "jS5");
        let text = render(&state, W, H);
        assert!(text.contains("scale web"), "{text}");
        assert!(text.contains("desired count (now 3): 5"), "{text}");
        insta::assert_snapshot!("scale_modal", text);
    }

    fn line(id: u64, tone: Tone, text: &str) -> Msg {
        Msg::JobProgress {
            id,
            progress: Progress::Line {
                tone,
                text: text.into(),
            },
        }
    }

    /// The deploy confirmed and running: what `deploy` reports up to the rollout.
    fn deploy_running() -> (State, u64) {
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
    fn with_data(mut state: State) -> State {
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
    // VULNS is the 7th column; at 80 columns it is not drawn.
    let text = render(&sorted(in_services(), 6, false), 80, 24);
    assert!(text.contains("by VULNS▲"), "{text}");
    insta::assert_snapshot!("services_sorted_by_vulns_80x24", text);
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
