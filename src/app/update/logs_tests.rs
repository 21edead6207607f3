//! The log pane through `update`: opening, following, searching, re-planning, closing.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::{update, Effect, Input, Msg, Screen, State, View};
use crate::fixtures;
use crate::logs::Level;
use crate::ops::logs::{FollowEvent, FollowMode, LogLine};

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ch(c: char) -> Msg {
    key(KeyCode::Char(c))
}

fn send(state: &mut State, msgs: impl IntoIterator<Item = Msg>) -> Vec<Effect> {
    msgs.into_iter().flat_map(|m| update(state, m)).collect()
}

/// Services pane of production with `web` selected.
fn on_web() -> State {
    let mut state = fixtures::state_with(fixtures::production());
    let mut screen = Screen::new(View::Services {
        cluster: "production".into(),
    });
    screen.selected = 1;
    state.stack.push(screen);
    state
}

fn line(task: &str, container: &str, ts: i64, msg: &str) -> LogLine {
    LogLine {
        timestamp_ms: ts,
        task: task.into(),
        container: container.into(),
        message: msg.into(),
    }
}

fn session(state: &State) -> u64 {
    state
        .logs
        .as_ref()
        .map(|p| p.session)
        .expect("log pane open")
}

#[test]
fn l_on_a_service_opens_the_pane_and_starts_following_every_stream() {
    let mut state = on_web();
    let effects = send(&mut state, [ch('l')]);
    let [Effect::StartLogs {
        session,
        plan,
        since_ms,
        live_tail,
    }] = effects.as_slice()
    else {
        panic!("expected one StartLogs, got {effects:?}");
    };
    assert!(*live_tail);
    assert_eq!(*since_ms, fixtures::NOW.millis() - 600_000);
    // 4 web tasks × php + nginx.
    assert_eq!(plan.sources.len(), 8);
    assert_eq!(
        state.screen().view,
        View::Logs {
            cluster: "production".into(),
            service: "web".into()
        }
    );
    assert_eq!(state.logs.as_ref().map(|p| p.session), Some(*session));
}

#[test]
fn l_on_a_task_follows_only_that_task() {
    let mut state = on_web();
    send(&mut state, [key(KeyCode::Enter)]); // tasks of web
    let effects = send(&mut state, [ch('j'), ch('l')]);
    let Some(Effect::StartLogs { plan, .. }) = effects.first() else {
        panic!("{effects:?}")
    };
    assert_eq!(plan.sources.len(), 2);
    assert!(plan.sources.iter().all(|s| &*s.task == "1b2c3d4e5f60"));
}

#[test]
fn events_fill_the_pane_and_stale_sessions_are_ignored() {
    let mut state = on_web();
    send(&mut state, [ch('l')]);
    let s = session(&state);
    let lines = vec![
        line(
            "0a1b2c3d4e5f",
            "php",
            1,
            "[2026-11-26 06:00:00] production.ERROR: boom {}",
        ),
        line("0a1b2c3d4e5f", "php", 2, "[stacktrace]"),
        line("0a1b2c3d4e5f", "php", 3, "#0 /var/www/html/app.php(1): x()"),
    ];
    send(
        &mut state,
        [Msg::Log {
            session: s,
            event: FollowEvent::Lines(lines.clone()),
        }],
    );
    send(
        &mut state,
        [Msg::Log {
            session: s + 100,
            event: FollowEvent::Lines(lines),
        }],
    );
    let pane = state.logs.as_ref().unwrap();
    assert_eq!(
        pane.buffer.len(),
        1,
        "the trace joined its record; the stale batch was dropped"
    );
    assert_eq!(pane.buffer.get(0).unwrap().stacktrace.len(), 2);
    send(
        &mut state,
        [Msg::Log {
            session: s,
            event: FollowEvent::Mode(FollowMode::LiveTail),
        }],
    );
    assert_eq!(state.logs.as_ref().unwrap().mode, FollowMode::LiveTail);
    send(
        &mut state,
        [Msg::Log {
            session: s,
            event: FollowEvent::Error("FilterLogEvents failed: x".into()),
        }],
    );
    assert!(state.logs.as_ref().unwrap().error.is_some());
}

#[test]
fn esc_closes_the_pane_and_stops_the_follower() {
    let mut state = on_web();
    send(&mut state, [ch('l')]);
    let s = session(&state);
    let effects = send(&mut state, [key(KeyCode::Esc)]);
    assert_eq!(effects, vec![Effect::StopLogs { session: s }]);
    assert!(state.logs.is_none());
    assert!(matches!(state.screen().view, View::Services { .. }));
}

#[test]
fn leaving_by_command_also_stops_the_follower() {
    let mut state = on_web();
    send(&mut state, [ch('l')]);
    let s = session(&state);
    let effects = send(&mut state, [ch(':'), ch('c'), ch('l'), key(KeyCode::Enter)]);
    assert!(
        effects.contains(&Effect::StopLogs { session: s }),
        "{effects:?}"
    );
    assert!(state.logs.is_none());
}

#[test]
fn opening_again_replaces_the_pane() {
    let mut state = on_web();
    send(&mut state, [ch('l')]);
    let first = session(&state);
    send(&mut state, [key(KeyCode::Esc), ch('j'), ch('l')]);
    let second = session(&state);
    assert_ne!(first, second);
    assert_eq!(state.logs.as_ref().unwrap().service, "worker");
}

#[test]
fn new_tasks_join_through_an_updated_plan() {
    let mut state = on_web();
    send(&mut state, [ch('l')]);
    let s = session(&state);
    let mut detail = fixtures::production();
    detail.services[1]
        .tasks
        .push(fixtures::task("7f7f7f7f7f7f", "web", true));
    let req = 9_999;
    state.details.get_mut("production").unwrap().in_flight = Some(req);
    let effects = send(
        &mut state,
        [Msg::DetailLoaded {
            req,
            cluster: "production".into(),
            result: Ok(detail.clone()),
        }],
    );
    // Findings and metrics loads come along; the log pane's part is one plan update.
    let plans: Vec<&Effect> = effects
        .iter()
        .filter(|e| matches!(e, Effect::UpdateLogPlan { .. }))
        .collect();
    let [Effect::UpdateLogPlan { session, plan }] = plans.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(*session, s);
    assert!(plan
        .sources
        .iter()
        .any(|x| x.stream == "web/php/7f7f7f7f7f7f"));
    // The same tasks again: nothing to do.
    state.details.get_mut("production").unwrap().in_flight = Some(req + 1);
    let effects = send(
        &mut state,
        [Msg::DetailLoaded {
            req: req + 1,
            cluster: "production".into(),
            result: Ok(detail),
        }],
    );
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::UpdateLogPlan { .. })),
        "{effects:?}"
    );
}

#[test]
fn search_pauses_on_the_newest_match_and_n_walks_older() {
    let mut state = fixtures::log_state(500);
    send(&mut state, [ch('/')]);
    assert!(matches!(state.input, Input::Search(_)));
    send(&mut state, "sqlstate".chars().map(ch));
    send(&mut state, [key(KeyCode::Enter)]);
    let pane = state.logs.as_ref().unwrap();
    assert!(!pane.follow);
    let first = pane.cursor.unwrap();
    let rec = pane
        .buffer
        .get(pane.buffer.position_of(first).unwrap())
        .unwrap();
    assert!(rec.message.contains("SQLSTATE"));
    send(&mut state, [ch('N')]);
    let second = state.logs.as_ref().unwrap().cursor.unwrap();
    assert!(second < first, "N goes to an older match");
    send(&mut state, [ch('n')]);
    assert_eq!(state.logs.as_ref().unwrap().cursor, Some(first));
    // No newer match: n wraps to the oldest one and says so.
    send(&mut state, [ch('n')]);
    let oldest = state.logs.as_ref().unwrap().cursor.unwrap();
    assert!(oldest < second, "wrapped to the oldest match");
    let status = state.status.clone().unwrap();
    assert_eq!(status.text, "search wrapped to top");
    assert!(!status.error);
    let pane = state.logs.as_ref().unwrap();
    let older_matches = pane
        .buffer
        .iter()
        .filter(|r| r.seq < oldest && pane.shows(r) && r.matches("sqlstate"))
        .count();
    assert_eq!(older_matches, 0, "nothing older matches");
    // And N from there wraps back to the newest.
    send(&mut state, [ch('N')]);
    assert_eq!(state.logs.as_ref().unwrap().cursor, Some(first));
    assert_eq!(
        state.status.clone().unwrap().text,
        "search wrapped to bottom"
    );
}

#[test]
fn a_search_nothing_matches_says_so_on_n() {
    let mut state = fixtures::log_state(50);
    state.logs.as_mut().unwrap().search = "no-such-text-anywhere".into();
    send(&mut state, [ch('n')]);
    assert!(state.logs.as_ref().unwrap().follow, "still following");
    assert!(state
        .status
        .as_ref()
        .is_some_and(|s| s.error && s.text.contains("no match for")));
}

#[test]
fn time_range_keeps_filters_search_unfolded_records_and_pause() {
    let mut state = on_web();
    send(&mut state, [ch('l')]);
    let s = session(&state);
    let events = [
        line(
            "t1",
            "php",
            1_000,
            "[2026-01-01 00:00:00] production.INFO: ok",
        ),
        line(
            "t1",
            "php",
            2_000,
            "[2026-01-01 00:00:01] production.ERROR: boom\n[stacktrace]\n#0 /app/x.php(1): f()",
        ),
        line(
            "t1",
            "php",
            3_000,
            "[2026-01-01 00:00:02] production.ERROR: later",
        ),
    ];
    let feed = |state: &mut State, session: u64| {
        send(
            state,
            [Msg::Log {
                session,
                event: FollowEvent::Lines(events.to_vec()),
            }],
        )
    };
    feed(&mut state, s);
    send(&mut state, [ch('L')]); // level filter: warning and up
    send(&mut state, [ch('/')]);
    send(&mut state, "boom".chars().map(ch));
    send(&mut state, [key(KeyCode::Enter)]); // pauses on "boom"
    send(&mut state, [key(KeyCode::Enter)]); // unfolds it
    let before = state.logs.clone().unwrap();
    assert!(!before.follow);
    assert_eq!(before.expanded.len(), 1);

    send(&mut state, [ch('T')]);
    let pane = state.logs.as_ref().unwrap();
    assert_ne!(pane.session, s, "a new follower");
    assert_eq!(pane.since.as_secs(), 3600);
    assert_eq!(pane.min_level, before.min_level);
    assert_eq!(pane.search, "boom");
    assert!(!pane.follow, "still paused");
    // The records come again, with new sequence numbers: the same one is unfolded and
    // under the cursor.
    let s2 = pane.session;
    feed(&mut state, s2);
    let pane = state.logs.as_ref().unwrap();
    let at = pane
        .cursor
        .and_then(|c| pane.buffer.position_of(c))
        .unwrap();
    let rec = pane.buffer.get(at).unwrap();
    assert!(rec.message.contains("boom"), "{rec:?}");
    assert!(pane.expanded.contains(&rec.seq));
    assert_eq!(pane.expanded.len(), 1);
}

#[test]
fn keys_change_follow_level_container_and_wrap() {
    let mut state = fixtures::log_state(300);
    send(&mut state, [ch('k')]);
    assert!(!state.logs.as_ref().unwrap().follow, "moving up pauses");
    send(&mut state, [ch('G')]);
    assert!(state.logs.as_ref().unwrap().follow, "G follows again");
    send(&mut state, [ch(' ')]);
    assert!(!state.logs.as_ref().unwrap().follow);
    send(&mut state, [ch('L')]);
    assert_eq!(state.logs.as_ref().unwrap().min_level, Level::Warning);
    send(&mut state, [ch('L')]);
    let pane = state.logs.as_ref().unwrap();
    assert_eq!(pane.min_level, Level::Error);
    assert!(pane
        .visible()
        .iter()
        .all(|&i| pane.buffer.get(i).unwrap().level >= Level::Error));
    send(&mut state, [ch('c')]);
    let pane = state.logs.as_ref().unwrap();
    assert_eq!(pane.container.as_deref(), Some("nginx"));
    assert!(pane
        .visible()
        .iter()
        .all(|&i| &*pane.buffer.get(i).unwrap().container == "nginx"));
    send(&mut state, [ch('c'), ch('c')]);
    assert_eq!(
        state.logs.as_ref().unwrap().container,
        None,
        "cycles back to all"
    );
    send(&mut state, [ch('w')]);
    assert!(state.logs.as_ref().unwrap().wrap);
}

#[test]
fn enter_unfolds_the_selected_trace() {
    let mut state = fixtures::log_state(300);
    send(&mut state, [ch('/')]);
    send(&mut state, "sqlstate".chars().map(ch));
    send(&mut state, [key(KeyCode::Enter), key(KeyCode::Enter)]);
    let pane = state.logs.as_ref().unwrap();
    assert!(pane.expanded.contains(&pane.cursor.unwrap()));
    send(&mut state, [key(KeyCode::Enter)]);
    assert!(
        state.logs.as_ref().unwrap().expanded.is_empty(),
        "enter folds it again"
    );
}

#[test]
fn time_range_restarts_the_follower_further_back() {
    let mut state = on_web();
    send(&mut state, [ch('l')]);
    let s = session(&state);
    let effects = send(&mut state, [ch('T')]);
    assert_eq!(effects.first(), Some(&Effect::StopLogs { session: s }));
    let Some(Effect::StartLogs { since_ms, .. }) = effects.get(1) else {
        panic!("{effects:?}")
    };
    assert_eq!(*since_ms, fixtures::NOW.millis() - 3_600_000);
    assert_eq!(state.logs.as_ref().unwrap().since.as_secs(), 3600);
    // One log view on the stack, not two.
    assert_eq!(
        state
            .stack
            .iter()
            .filter(|s| matches!(s.view, View::Logs { .. }))
            .count(),
        1
    );
    // The next `l` starts from the configured default again.
    assert_eq!(state.log_settings.since.as_secs(), 600);
}

#[test]
fn save_writes_what_the_filters_show() {
    let mut state = fixtures::log_state(300);
    send(&mut state, [ch('L'), ch('L')]);
    let effects = send(
        &mut state,
        [Msg::Key(KeyEvent::new(
            KeyCode::Char('s'),
            KeyModifiers::CONTROL,
        ))],
    );
    let [Effect::SaveFile { name, contents }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert!(
        name.starts_with("production-web-") && name.ends_with(".log"),
        "{name}"
    );
    assert!(contents.contains("ERROR"));
    assert!(!contents.contains(" INFO "), "filtered out");
    send(&mut state, [Msg::Saved(Ok("/tmp/x.log".into()))]);
    assert!(state
        .status
        .as_ref()
        .is_some_and(|s| s.text.contains("/tmp/x.log")));
}

#[test]
fn a_service_without_awslogs_says_why_instead_of_opening() {
    let mut state = on_web();
    let detail = state
        .details
        .get_mut("production")
        .unwrap()
        .data
        .as_mut()
        .unwrap();
    for t in &mut detail.services[1].tasks {
        for c in &mut t.containers {
            c.awslogs = None;
        }
    }
    let effects = send(&mut state, [ch('l')]);
    assert!(effects.is_empty());
    assert!(state.logs.is_none());
    let status = state.status.clone().unwrap();
    assert!(
        status.error && status.text.contains("no awslogs"),
        "{}",
        status.text
    );
}
