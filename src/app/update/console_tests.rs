//! `B` through `update`: each pane's console URL on the status line, copied and offered
//! to a browser; the opener's failure as a note.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::{update, Effect, Msg, Screen, State, View};
use crate::fixtures;

const ECS: &str = "https://us-east-1.console.aws.amazon.com/ecs/v2/";

fn press(s: &mut State, c: char) -> Vec<Effect> {
    update(
        s,
        Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
    )
}

/// `B` in the current view: the URL it copied and offered to open (checking the two
/// effects and the status line agree).
fn console(s: &mut State) -> String {
    let fx = press(s, 'B');
    let [Effect::Copy { text }, Effect::OpenUrl { label, url }] = fx.as_slice() else {
        panic!(
            "expected Copy then OpenUrl, got {fx:?}; status {:?}",
            s.status
        );
    };
    assert_eq!(text, url);
    let status = s.status.as_ref().expect("a status line");
    assert!(!status.error);
    assert_eq!(
        status.text,
        format!("{label} console URL copied: {url}"),
        "the whole URL on the status line"
    );
    url.clone()
}

fn with_view(view: View, selected: usize) -> State {
    let mut s = fixtures::state_with(fixtures::production_with_standalone());
    let mut screen = Screen::new(view);
    screen.selected = selected;
    s.stack.push(screen);
    s
}

fn production() -> String {
    "production".into()
}

#[test]
fn b_on_a_cluster() {
    let mut s = fixtures::state_with(fixtures::production());
    press(&mut s, 'j'); // staging
    assert_eq!(
        console(&mut s),
        format!("{ECS}clusters/staging/services?region=us-east-1")
    );
}

#[test]
fn b_on_a_service_and_its_detail() {
    let mut s = with_view(
        View::Services {
            cluster: production(),
        },
        1,
    );
    let url = format!("{ECS}clusters/production/services/web/health?region=us-east-1");
    assert_eq!(console(&mut s), url);
    press(&mut s, 'i');
    assert!(matches!(s.screen().view, View::ServiceDetail { .. }));
    assert_eq!(console(&mut s), url);
}

#[test]
fn b_on_a_task_its_detail_and_a_standalone_task() {
    let mut s = with_view(
        View::Tasks {
            cluster: production(),
            service: "web".into(),
        },
        1,
    );
    let url = format!("{ECS}clusters/production/tasks/1b2c3d4e5f60/configuration?region=us-east-1");
    assert_eq!(console(&mut s), url);
    update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
    assert!(matches!(s.screen().view, View::TaskDetail { .. }));
    assert_eq!(console(&mut s), url);

    let mut s = with_view(
        View::Tasks {
            cluster: production(),
            service: crate::domain::STANDALONE.into(),
        },
        0,
    );
    let url = console(&mut s);
    assert!(
        url.starts_with(&format!("{ECS}clusters/production/tasks/")),
        "{url}"
    );
    assert!(url.ends_with("/configuration?region=us-east-1"), "{url}");
}

#[test]
fn b_on_a_task_definition_revision() {
    // `t`: the revision the service runs.
    let mut s = with_view(
        View::TaskDefinition {
            cluster: production(),
            service: "web".into(),
        },
        0,
    );
    let running = format!("{ECS}task-definitions/laravel-web/2/containers?region=us-east-1");
    assert_eq!(console(&mut s), running);

    // `:taskdefs`: the selected revision.
    let arn =
        |n: u32| format!("arn:aws:ecs:us-east-1:123456789012:task-definition/laravel-web:{n}");
    let mut s = with_view(
        View::TaskDefs {
            family: "laravel-web".into(),
        },
        1,
    );
    let slot = s.taskdefs.entry("laravel-web".into()).or_default();
    slot.data = Some(vec![arn(3), arn(2), arn(1)]);
    assert_eq!(console(&mut s), running);

    // A diff: its newer side.
    let mut s = with_view(
        View::TaskDefDiff {
            family: "laravel-web".into(),
            before: arn(1),
            after: arn(3),
        },
        0,
    );
    assert_eq!(
        console(&mut s),
        format!("{ECS}task-definitions/laravel-web/3/containers?region=us-east-1")
    );
}

const LOGS: &str = "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:log-groups/log-group/$252Fecs$252Flaravel-production";

#[test]
fn b_in_the_log_pane_the_group_while_following_the_record_s_stream_when_paused() {
    let mut s = fixtures::log_state(40);
    // Following eight streams (4 tasks × php, nginx): the group.
    assert_eq!(console(&mut s), LOGS);

    // Paused on a record: its own stream.
    press(&mut s, 'k');
    let pane = s.logs.as_ref().expect("pane");
    assert!(!pane.follow);
    let visible = pane.visible();
    let at = pane.anchor(&visible).expect("a record");
    let r = pane.buffer.get(visible[at]).expect("the record");
    let stream = format!("web$252F{}$252F{}", r.container, r.task);
    assert_eq!(console(&mut s), format!("{LOGS}/log-events/{stream}"));
}

#[test]
fn b_in_the_log_pane_reads_the_container_s_awslogs_region() {
    let mut detail = fixtures::production();
    for t in &mut detail.services[1].tasks {
        for c in &mut t.containers {
            if let Some(l) = c.awslogs.as_mut() {
                l.region = Some("eu-west-1".into());
            }
        }
    }
    let mut s = fixtures::log_state(10);
    s.details.get_mut("production").expect("slot").data = Some(detail);
    let url = console(&mut s);
    assert!(
        url.starts_with("https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Fecs"),
        "{url}"
    );
}

#[test]
fn b_on_an_alert_opens_what_enter_would() {
    let mut s = fixtures::state_with(fixtures::production_with_standalone());
    s.alerts = crate::alerts::evaluate(
        &fixtures::production_with_standalone(),
        &Default::default(),
        &Default::default(),
        &crate::config::AlertSettings::default(),
        fixtures::NOW,
    );
    s.stack.push(Screen::new(View::Alerts));
    let rows = crate::app::visible_alerts(&s, "");
    let standalone = rows
        .iter()
        .position(|a| a.service == crate::domain::STANDALONE)
        .expect("the failed migration's alert");
    s.screen_mut().selected = standalone;
    assert_eq!(
        console(&mut s),
        format!("{ECS}clusters/production/tasks/8b9c0d1e2f30/configuration?region=us-east-1")
    );
}

#[test]
fn no_link_where_there_is_nothing_to_link() {
    let mut s = with_view(
        View::Findings {
            cluster: production(),
            service: None,
        },
        0,
    );
    assert_eq!(press(&mut s, 'B'), Vec::new());
    let status = s.status.clone().expect("a status line");
    assert!(
        status.error && status.text.starts_with("no console link here"),
        "{status:?}"
    );

    // An ARN of a partition without a public console.
    let mut s = fixtures::state_with(fixtures::production());
    if let Some(c) = s.clusters.data.as_mut() {
        c[0].arn = "arn:aws-iso:ecs:us-iso-east-1:123456789012:cluster/production".into();
    }
    assert_eq!(press(&mut s, 'B'), Vec::new());
    assert!(s
        .status
        .as_ref()
        .is_some_and(|st| st.error && st.text.contains("no console link")));
}

#[test]
fn a_failed_opener_is_a_note_after_the_url_only_while_it_shows() {
    let mut s = fixtures::state_with(fixtures::production());
    let url = console(&mut s);
    let failed = |url: &str| Msg::Opened {
        label: "cluster",
        url: url.to_string(),
        result: Err("xdg-open failed (exit status: 3)".into()),
    };
    update(&mut s, failed(&url));
    let status = s.status.clone().expect("status");
    assert!(
        !status.error,
        "an opener failing is information, not an error"
    );
    assert_eq!(
        status.text,
        format!("cluster console URL copied: {url} · xdg-open failed (exit status: 3)")
    );
    // Opened fine: nothing changes.
    let before = s.status.clone();
    update(
        &mut s,
        Msg::Opened {
            label: "cluster",
            url: url.clone(),
            result: Ok(()),
        },
    );
    assert_eq!(s.status, before);
    // Something else is on the status line by now: a late failure leaves it.
    s.say("refreshing…", false);
    update(&mut s, failed(&url));
    assert_eq!(s.status.map(|st| st.text).as_deref(), Some("refreshing…"));
}

#[test]
fn b_is_not_b() {
    // `b` rolls back; `B` must never reach the rollback, nor `b` the console.
    let mut s = with_view(
        View::Services {
            cluster: production(),
        },
        1,
    );
    let fx = press(&mut s, 'b');
    assert!(!fx.iter().any(|e| matches!(e, Effect::OpenUrl { .. })));
    s.modal = None;
    s.status = None;
    assert!(console(&mut s).contains("/services/web/health"));
    assert!(s.modal.is_none(), "B opened a modal");
}
