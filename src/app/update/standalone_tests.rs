//! The standalone tasks pane (`M`, `:standalone`): opening it, drilling in, logs, its
//! alerts, and the keys that need a service saying so instead of acting on a pseudo-one.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::update;
use crate::app::{visible_tasks, Effect, Msg, State, View};
use crate::domain::STANDALONE;
use crate::fixtures::{self, NOW};

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ch(c: char) -> Msg {
    key(KeyCode::Char(c))
}

fn send(state: &mut State, msgs: impl IntoIterator<Item = Msg>) -> Vec<Effect> {
    msgs.into_iter().flat_map(|m| update(state, m)).collect()
}

/// Production (with CI's failed migration, toadtop's succeeded one and a running
/// schedule:run) loaded, its services pane open.
fn in_services() -> State {
    let mut s = fixtures::state_with(fixtures::production_with_standalone());
    send(&mut s, [key(KeyCode::Enter)]);
    assert_eq!(
        s.screen().view,
        View::Services {
            cluster: "production".into()
        }
    );
    s
}

fn standalone() -> View {
    View::Tasks {
        cluster: "production".into(),
        service: STANDALONE.into(),
    }
}

fn ids(state: &State) -> Vec<String> {
    visible_tasks(state, "production", STANDALONE, &state.screen().filter)
        .iter()
        .map(|t| t.id.clone())
        .collect()
}

#[test]
fn m_opens_the_clusters_standalone_tasks_and_enter_a_tasks_detail() {
    let mut s = in_services();
    assert!(send(&mut s, [ch('M')]).is_empty(), "data is loaded");
    assert_eq!(s.screen().view, standalone());
    assert_eq!(s.screen().view.title(), "standalone tasks (production)");
    // The cluster's own order (running first), none of the services' tasks.
    assert_eq!(ids(&s), ["7a8b9c0d1e2f", "8b9c0d1e2f30", "9c0d1e2f3041"]);
    // M again does not stack a second copy.
    send(&mut s, [ch('M')]);
    assert_eq!(s.stack.len(), 3);

    send(&mut s, [ch('j'), key(KeyCode::Enter)]);
    assert_eq!(
        s.screen().view,
        View::TaskDetail {
            cluster: "production".into(),
            service: STANDALONE.into(),
            task: "8b9c0d1e2f30".into(),
        }
    );
    let t = s.task("production", STANDALONE, "8b9c0d1e2f30").unwrap();
    assert_eq!(t.started_by.as_deref(), Some("github-actions"));
}

#[test]
fn the_palette_opens_it_from_the_cluster_list_too() {
    let mut s = fixtures::state_with(fixtures::production_with_standalone());
    send(&mut s, [ch(':')]);
    send(&mut s, "standalone".chars().map(ch));
    send(&mut s, [key(KeyCode::Enter)]);
    assert_eq!(s.screen().view, standalone());
}

#[test]
fn a_filter_finds_tasks_by_who_started_them() {
    let mut s = in_services();
    send(&mut s, [ch('M'), ch('/')]);
    send(&mut s, "github".chars().map(ch));
    assert_eq!(ids(&s), ["8b9c0d1e2f30"]);
}

#[test]
fn l_follows_the_selected_standalone_tasks_own_streams() {
    let mut s = in_services();
    send(&mut s, [ch('M'), ch('j')]);
    let effects = send(&mut s, [ch('l')]);
    let plan = effects
        .iter()
        .find_map(|e| match e {
            Effect::StartLogs { plan, .. } => Some(plan.clone()),
            _ => None,
        })
        .expect("a log follower starts");
    let streams: Vec<&str> = plan.sources.iter().map(|s| s.stream.as_str()).collect();
    assert_eq!(
        streams,
        ["web/nginx/8b9c0d1e2f30", "web/php/8b9c0d1e2f30"],
        "only that task's streams"
    );
    assert_eq!(plan.account.as_deref(), Some("123456789012"));
    assert!(matches!(s.screen().view, View::Logs { ref service, .. } if service == STANDALONE));
}

#[test]
fn the_failed_migrations_alert_leads_to_the_task() {
    let mut s = in_services();
    let detail = fixtures::production_with_standalone();
    s.alerts = crate::alerts::evaluate(
        &detail,
        &Default::default(),
        &Default::default(),
        &crate::config::AlertSettings::default(),
        NOW,
    );
    let i = s
        .alerts
        .iter()
        .position(|a| a.service == STANDALONE)
        .expect("the failed migration alerts");
    s.stack.push(crate::app::Screen::new(View::Alerts));
    s.screen_mut().selected = i;
    send(&mut s, [key(KeyCode::Enter)]);
    assert_eq!(
        s.screen().view,
        View::TaskDetail {
            cluster: "production".into(),
            service: STANDALONE.into(),
            task: "8b9c0d1e2f30".into(),
        }
    );
}

#[test]
fn service_keys_on_a_standalone_task_ask_for_a_service() {
    let mut s = in_services();
    send(&mut s, [ch('M')]);
    let before = s.stack.len();
    // Deploy, findings and the task definition belong to a service.
    for c in ['d', 'f', 't'] {
        send(&mut s, [ch(c)]);
    }
    assert!(s.modal.is_none());
    assert!(
        !s.stack.iter().any(|x| matches!(
            &x.view,
            View::Findings { service: Some(svc), .. } | View::TaskDefinition { service: svc, .. }
                if svc == STANDALONE
        )),
        "no pane for the pseudo-owner: {:?}",
        s.stack
    );
    assert!(s.stack.len() <= before + 1, "{:?}", s.stack);
}
