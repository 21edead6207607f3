//! The `:forwards` pane and the `F` form drawn from a fixture state into ratatui's
//! `TestBackend` at 80x24, compared as text with insta snapshots (tests/snapshots/).
//! Update after an intended change: `INSTA_UPDATE=always cargo test --test
//! forward_snapshots`, then read the changed .snap files.

#[path = "support/screen.rs"]
mod screen;

use std::collections::BTreeMap;

use screen::render;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use toadtop::app::{update, Msg, Screen, State, View};
use toadtop::app::{ForwardRow, ForwardState};
use toadtop::config::{ForwardPreset, ServiceSettings};
use toadtop::fixtures::{self, NOW};
use toadtop::ops::forward::ForwardSpec;
use toadtop::timefmt::Timestamp;

fn web_state() -> State {
    let mut s = fixtures::state_with(fixtures::production());
    s.exec_plugin = Ok("/usr/local/bin/session-manager-plugin".into());
    s.config.services.insert(
        "web".into(),
        ServiceSettings {
            forwards: BTreeMap::from([(
                "db".to_string(),
                ForwardPreset {
                    host: Some("mydb.abc123.eu-west-1.rds.amazonaws.com".into()),
                    port: 3306,
                    local: Some(13306),
                },
            )]),
            ..ServiceSettings::default()
        },
    );
    s.stack.push(Screen::new(View::Services {
        cluster: "production".into(),
    }));
    s.screen_mut().selected = 1; // web
    s
}

#[test]
fn forward_form_80x24() {
    let mut s = web_state();
    update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('F'), KeyModifiers::NONE)),
    );
    let text = render(&s, 80, 24);
    assert!(
        text.contains("mydb.abc123.eu-west-1.rds.amazonaws.com"),
        "{text}"
    );
    insta::assert_snapshot!("forward_form_80x24", text);
}

#[test]
fn forwards_pane_80x24() {
    let mut s = web_state();
    let task = s.service("production", "web").expect("web").tasks[0].clone();
    let spec = |host: Option<&str>, port: u16, container: &str| ForwardSpec {
        cluster: "production".into(),
        service: "web".into(),
        task: task.clone(),
        container: container.into(),
        remote_host: host.map(str::to_string),
        remote_port: port,
        local_port: None,
    };
    s.forwards.rows = vec![
        ForwardRow {
            id: 0,
            spec: spec(Some("cache.internal"), 6379, "php"),
            local: Some("127.0.0.1:40111".into()),
            since: Timestamp(NOW.millis() - 600_000),
            state: ForwardState::Ended {
                why: "session-manager-plugin ended (exit 1): the connection was lost".into(),
                error: true,
            },
            output: vec!["Waiting for connections...".into()],
        },
        ForwardRow {
            id: 1,
            spec: spec(Some("mydb.abc123.eu-west-1.rds.amazonaws.com"), 3306, "php"),
            local: Some("127.0.0.1:13306".into()),
            since: Timestamp(NOW.millis() - 125_000),
            state: ForwardState::Active,
            output: vec![
                "Starting session with SessionId: ops-0a1b2c3d".into(),
                "Port 13306 opened for sessionId ops-0a1b2c3d.".into(),
                "Waiting for connections...".into(),
                "Connection accepted for session [ops-0a1b2c3d]".into(),
            ],
        },
    ];
    s.stack.push(Screen::new(View::Forwards));
    let text = render(&s, 80, 24);
    assert!(text.contains("port forwards (1 active)"), "{text}");
    insta::assert_snapshot!("forwards_pane_80x24", text);
}
