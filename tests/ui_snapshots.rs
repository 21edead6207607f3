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
    term.draw(|f| toadtop::ui::draw(state, f)).expect("draw");
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
    insta::assert_snapshot!("service_detail", text);
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
    assert!(text.contains("clusters › production › web › 3d4e5f60"));
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
