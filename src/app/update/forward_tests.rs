//! `F`, its form and confirmation, and `:forwards` through `update`: keys in, the one
//! `Effect::StartForward` out, the runtime's news in, and a stopped task ending a forward.

use std::collections::BTreeMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{Field, ForwardEvent, ForwardForm, ForwardState};
use crate::app::actions::Modal;
use crate::app::{update, Effect, Msg, State, View};
use crate::config::{ForwardPreset, ServiceSettings};
use crate::fixtures;
use crate::timefmt::Timestamp;

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ch(c: char) -> Msg {
    key(KeyCode::Char(c))
}

fn send(state: &mut State, msgs: impl IntoIterator<Item = Msg>) -> Vec<Effect> {
    msgs.into_iter().flat_map(|m| update(state, m)).collect()
}

/// The services pane with web selected; web has a `db` preset.
fn on_web() -> State {
    let mut s = fixtures::state_with(fixtures::production());
    s.exec_plugin = Ok("/usr/local/bin/session-manager-plugin".into());
    s.config.services.insert(
        "web".into(),
        ServiceSettings {
            forwards: BTreeMap::from([(
                "db".to_string(),
                ForwardPreset {
                    host: Some("db.example.internal".into()),
                    port: 3306,
                    local: Some(13306),
                },
            )]),
            ..ServiceSettings::default()
        },
    );
    assert!(send(&mut s, [key(KeyCode::Enter), ch('j')]).is_empty());
    s
}

fn form(s: &State) -> &ForwardForm {
    match &s.modal {
        Some(Modal::Forward(f)) => f,
        other => panic!("no forward form: {other:?}"),
    }
}

/// Enter on the form, then (once armed) Enter on the confirmation.
fn confirm(s: &mut State) -> Vec<Effect> {
    assert_eq!(
        update(s, key(KeyCode::Enter)),
        vec![Effect::DropQueuedInput]
    );
    assert!(form(s).confirm_at.is_some(), "{:?}", form(s).error);
    // A second Enter at once is a repeat: ignored, and the wait starts again.
    assert!(update(s, key(KeyCode::Enter)).is_empty());
    s.now = Timestamp(s.now.millis() + 1_000);
    update(s, key(KeyCode::Enter))
}

#[test]
fn f_on_a_service_prefills_the_preset_and_starts_the_forward_after_a_confirmation() {
    let mut s = on_web();
    assert!(update(&mut s, ch('F')).is_empty());
    let f = form(&s);
    assert_eq!(f.field, Field::Preset);
    assert_eq!(f.container_name(), "php");
    assert_eq!(
        (f.host.as_str(), f.port.as_str(), f.local.as_str()),
        ("db.example.internal", "3306", "13306")
    );
    let task = f.task.clone();
    assert_eq!(task.last_status, "RUNNING");
    let lines = form(&s).confirm_lines(&s);
    assert!(
        lines[1].starts_with("127.0.0.1:13306 → db.example.internal:3306"),
        "{lines:?}"
    );
    let effects = confirm(&mut s);
    let [Effect::StartForward { id, spec }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert!(s.modal.is_none());
    assert_eq!(spec.remote_host.as_deref(), Some("db.example.internal"));
    assert_eq!((spec.remote_port, spec.local_port), (3306, Some(13306)));
    assert_eq!(spec.task.id, task.id);
    assert_eq!(s.forwards.rows[0].state, ForwardState::Starting);

    // The runtime's news, then `:forwards` and `s` ending it.
    send(
        &mut s,
        [
            Msg::Forward {
                id: *id,
                event: ForwardEvent::Started {
                    local: "127.0.0.1:13306".into(),
                },
            },
            Msg::Forward {
                id: *id,
                event: ForwardEvent::Ready,
            },
        ],
    );
    assert_eq!(s.forwards.rows[0].state, ForwardState::Active);
    assert!(s.status.as_ref().is_some_and(|l| l
        .text
        .starts_with("forwarding 127.0.0.1:13306 → db.example.internal:3306")));
    send(&mut s, [ch(':')]);
    send(&mut s, "forwards".chars().map(ch));
    send(&mut s, [key(KeyCode::Enter)]);
    assert_eq!(s.screen().view, View::Forwards);
    assert_eq!(
        update(&mut s, ch('s')),
        vec![Effect::StopForward {
            id: *id,
            why: "ended from :forwards".into()
        }]
    );
    update(
        &mut s,
        Msg::Forward {
            id: *id,
            event: ForwardEvent::Ended {
                failure: None,
                stopped_by: Some("ended from :forwards".into()),
                note: None,
            },
        },
    );
    assert_eq!(
        s.forwards.rows[0].state,
        ForwardState::Ended {
            why: "ended from :forwards".into(),
            error: false
        }
    );
    // An ended one is not ended twice.
    assert!(update(&mut s, ch('s')).is_empty());
}

#[test]
fn the_form_wants_a_remote_port_and_none_preset_means_a_container_port() {
    let mut s = on_web();
    update(&mut s, ch('F'));
    // ← on the preset row: none, the fields empty.
    update(&mut s, key(KeyCode::Left));
    assert_eq!(form(&s).preset, None);
    assert!(form(&s).port.is_empty());
    assert!(update(&mut s, key(KeyCode::Enter)).is_empty());
    assert_eq!(form(&s).error.as_deref(), Some("remote port is required"));
    // To the remote port; letters do not go in, digits do.
    send(
        &mut s,
        [key(KeyCode::Tab), key(KeyCode::Tab), key(KeyCode::Tab)],
    );
    assert_eq!(form(&s).field, Field::Port);
    send(&mut s, "8x0".chars().map(ch));
    assert_eq!(form(&s).port, "80");
    let effects = confirm(&mut s);
    let [Effect::StartForward { spec, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert_eq!(spec.remote_host, None);
    assert_eq!(spec.local_port, None);
    assert_eq!(spec.remote(), "php port 80");
}

#[test]
fn read_only_refuses_f_before_anything() {
    let mut s = on_web();
    s.read_only = true;
    assert!(update(&mut s, ch('F')).is_empty());
    assert!(s.modal.is_none());
    assert!(s
        .status
        .as_ref()
        .is_some_and(|l| l.error && l.text.contains("read-only")));
}

#[test]
fn a_forward_whose_task_stopped_is_ended_with_why() {
    let mut s = on_web();
    update(&mut s, ch('F'));
    let effects = confirm(&mut s);
    let [Effect::StartForward { id, spec }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    // The next load no longer has the task running.
    let mut detail = fixtures::production();
    for svc in &mut detail.services {
        svc.tasks.retain(|t| t.id != spec.task.id);
    }
    let req = s.next_request;
    s.details.get_mut("production").unwrap().in_flight = Some(req);
    let effects = update(
        &mut s,
        Msg::DetailLoaded {
            req,
            cluster: "production".into(),
            result: Ok(detail),
        },
    );
    let short = crate::domain::short_task_id(&spec.task.id).to_string();
    assert!(
        effects.contains(&Effect::StopForward {
            id: *id,
            why: format!("task {short} stopped")
        }),
        "{effects:?}"
    );
    update(
        &mut s,
        Msg::Forward {
            id: *id,
            event: ForwardEvent::Ended {
                failure: None,
                stopped_by: Some("ignored: the reason asked for wins".into()),
                note: None,
            },
        },
    );
    assert_eq!(
        s.forwards.rows[0].state,
        ForwardState::Ended {
            why: format!("task {short} stopped"),
            error: true
        }
    );
}

#[test]
fn the_forwards_pane_filters_by_what_it_shows() {
    let mut s = on_web();
    for _ in 0..2 {
        update(&mut s, ch('F'));
        confirm(&mut s);
    }
    s.forwards.rows[0].spec.remote_host = Some("redis.internal".into());
    assert_eq!(super::visible(&s, "").len(), 2);
    let hits = super::visible(&s, "REDIS");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].id, s.forwards.rows[0].id);
    assert!(super::visible(&s, "nothing-like-it").is_empty());
}
