//! `x` and `:doctor` through `update`: keys in, the exec modal, its checks and the one
//! `Effect::Exec` out. The fixtures' production cluster: web's tasks run php (read-only
//! root with the agent volumes) and nginx (read-only root with only /tmp, its exec agent
//! STOPPED).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::ExecMenu;
use crate::app::actions::Modal;
use crate::app::{update, Effect, Msg, State, StatusLine, View};
use crate::config::{ExecSettings, ServiceSettings};
use crate::fixtures;
use crate::ops::exec::doctor::{self, Status};

const PLUGIN: &str = "/usr/local/bin/session-manager-plugin";

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ch(c: char) -> Msg {
    key(KeyCode::Char(c))
}

fn send(state: &mut State, msgs: impl IntoIterator<Item = Msg>) -> Vec<Effect> {
    msgs.into_iter().flat_map(|m| update(state, m)).collect()
}

/// The fixtures with the plugin found and web's exec settings: bash plus two quick
/// commands.
fn base() -> State {
    let mut s = fixtures::state_with(fixtures::production());
    s.exec_plugin = Ok(PLUGIN.into());
    s.config.services.insert(
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
    s
}

/// The services pane with web (second row) selected.
fn on_web(mut s: State) -> State {
    assert!(send(&mut s, [key(KeyCode::Enter), ch('j')]).is_empty());
    assert_eq!(
        s.screen().view,
        View::Services {
            cluster: "production".into()
        }
    );
    s
}

/// web's tasks pane, the first (running) task selected.
fn in_web_tasks(s: State) -> State {
    let mut s = on_web(s);
    assert!(update(&mut s, key(KeyCode::Enter)).is_empty());
    assert_eq!(
        s.screen().view,
        View::Tasks {
            cluster: "production".into(),
            service: "web".into()
        }
    );
    s
}

fn menu(s: &State) -> &ExecMenu {
    match &s.modal {
        Some(Modal::Exec(m)) => m,
        other => panic!("no exec modal: {other:?}"),
    }
}

fn check<'a>(m: &'a ExecMenu, name: &str) -> &'a doctor::Check {
    m.checks
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no check {name:?}: {:#?}", m.checks))
}

fn status(s: &State) -> &StatusLine {
    s.status.as_ref().expect("a status line")
}

/// The only effect, which must be an exec.
fn the_exec(effects: Vec<Effect>) -> crate::ops::exec::session::ExecTarget {
    match <[Effect; 1]>::try_from(effects) {
        Ok([Effect::Exec { target }]) => target,
        Ok(other) => panic!("not an exec: {other:?}"),
        Err(all) => panic!("not exactly one effect: {all:?}"),
    }
}

#[test]
fn x_on_a_task_opens_the_menu_on_the_configured_container_with_shell_and_quick_commands() {
    let mut s = in_web_tasks(base());
    assert!(update(&mut s, ch('x')).is_empty(), "opening runs nothing");
    let m = menu(&s);
    assert_eq!(m.target.cluster, "production");
    assert_eq!(m.target.service, "web");
    assert_eq!(m.target.task.id, "0a1b2c3d4e5f");
    assert_eq!(m.target.container, "php");
    assert_eq!(m.target.command, "", "nothing chosen yet");
    assert_eq!(
        m.choices,
        ["/bin/bash", "php artisan about", "php artisan tinker"]
    );
    assert_eq!(m.selected, 0);
    assert!(!m.doctor_only);
    assert!(
        m.checks.iter().all(|c| c.status == Status::Pass),
        "{:#?}",
        m.checks
    );
    assert_eq!(
        check(m, "session-manager-plugin").detail,
        format!("found at {PLUGIN}")
    );
    assert_eq!(check(m, "ExecuteCommandAgent").detail, "php: RUNNING");
    assert!(s.status.is_none(), "{:?}", s.status);
}

#[test]
fn without_config_the_menu_offers_sh_and_php() {
    let mut s = fixtures::state_with(fixtures::production());
    s.exec_plugin = Ok(PLUGIN.into());
    let mut s = in_web_tasks(s);
    update(&mut s, ch('x'));
    let m = menu(&s);
    assert_eq!(m.choices, ["/bin/sh"]);
    assert_eq!(m.target.container, "php");
}

#[test]
fn a_configured_container_is_used_and_an_unknown_one_falls_back_to_the_first() {
    let mut s = base();
    s.config.services.get_mut("web").unwrap().exec.container = "nginx".into();
    let mut s = in_web_tasks(s);
    update(&mut s, ch('x'));
    assert_eq!(menu(&s).target.container, "nginx");

    let mut s = base();
    s.config.services.get_mut("web").unwrap().exec.container = "app".into();
    let mut s = in_web_tasks(s);
    update(&mut s, ch('x'));
    assert_eq!(menu(&s).target.container, "php");
}

#[test]
fn enter_with_passing_checks_gives_exactly_one_exec_of_the_shell_and_closes() {
    let mut s = in_web_tasks(base());
    update(&mut s, ch('x'));
    let target = the_exec(update(&mut s, key(KeyCode::Enter)));
    assert_eq!(target.command, "/bin/bash");
    assert_eq!(target.container, "php");
    assert_eq!(target.task.id, "0a1b2c3d4e5f");
    assert_eq!(
        (target.cluster.as_str(), target.service.as_str()),
        ("production", "web")
    );
    assert!(s.modal.is_none(), "the modal stays open: {:?}", s.modal);
    // The tasks pane is still underneath, for when the session ends.
    assert_eq!(
        s.screen().view,
        View::Tasks {
            cluster: "production".into(),
            service: "web".into()
        }
    );
}

#[test]
fn j_and_k_choose_a_quick_command_within_bounds() {
    let mut s = in_web_tasks(base());
    update(&mut s, ch('x'));
    assert!(send(&mut s, [ch('j')]).is_empty());
    assert_eq!(menu(&s).selected, 1);
    // Past the end stays on the last one.
    send(&mut s, [ch('j'), ch('j'), key(KeyCode::Down)]);
    assert_eq!(menu(&s).selected, 2);
    send(&mut s, [ch('k')]);
    assert_eq!(menu(&s).selected, 1);
    let target = the_exec(update(&mut s, key(KeyCode::Enter)));
    assert_eq!(target.command, "php artisan about");

    // k above the top stays on the shell.
    let mut s = in_web_tasks(base());
    update(&mut s, ch('x'));
    send(
        &mut s,
        [ch('k'), key(KeyCode::Up), ch('j'), ch('j'), ch('k')],
    );
    assert_eq!(menu(&s).selected, 1);
}

#[test]
fn a_stopped_task_fails_task_running_and_enter_refuses_with_an_error() {
    let mut s = in_web_tasks(base());
    // Four web tasks; the fourth is the stopped one.
    send(&mut s, [ch('j'), ch('j'), ch('j')]);
    update(&mut s, ch('x'));
    let m = menu(&s);
    assert_eq!(m.target.task.id, "3d4e5f607182");
    let running = check(m, "task running");
    assert_eq!(running.status, Status::Fail);
    assert_eq!(running.detail, "task is STOPPED (desired STOPPED)");
    assert!(!doctor::passed(&m.checks));

    let effects = update(&mut s, key(KeyCode::Enter));
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Exec { .. })),
        "{effects:?}"
    );
    assert!(effects.is_empty(), "{effects:?}");
    let st = status(&s);
    assert!(st.error, "{st:?}");
    assert!(st.text.starts_with("exec would fail: "), "{st:?}");
    assert!(st.text.contains("task running"), "{st:?}");
    // The checks stay up so the fixes can be read.
    assert_eq!(menu(&s).target.task.id, "3d4e5f607182");
}

#[test]
fn a_missing_plugin_fails_and_enter_refuses() {
    let mut s = base();
    s.exec_plugin = Err("session-manager-plugin is not on PATH".into());
    let mut s = in_web_tasks(s);
    update(&mut s, ch('x'));
    let c = check(menu(&s), "session-manager-plugin");
    assert_eq!(c.status, Status::Fail);
    assert_eq!(c.detail, "session-manager-plugin is not on PATH");
    assert!(update(&mut s, key(KeyCode::Enter)).is_empty());
    assert!(status(&s).error);
    assert!(
        status(&s).text.contains("session-manager-plugin"),
        "{:?}",
        s.status
    );
}

#[test]
fn c_switches_to_nginx_and_recomputes_the_checks() {
    let mut s = in_web_tasks(base());
    update(&mut s, ch('x'));
    assert!(doctor::passed(&menu(&s).checks));

    assert!(update(&mut s, ch('c')).is_empty());
    let m = menu(&s);
    assert_eq!(m.target.container, "nginx");
    assert_eq!(
        check(m, "ExecuteCommandAgent").detail,
        format!("nginx: STOPPED ({})", fixtures::NGINX_AGENT_REASON)
    );
    let ro = check(m, "read-only root: agent paths writable");
    assert_eq!(ro.status, Status::Fail, "{ro:#?}");
    assert_eq!(
        ro.detail,
        format!(
            "agent STOPPED: {}; not on a volume: /var/lib/amazon/ssm, /var/log/amazon/ssm",
            fixtures::NGINX_AGENT_REASON
        )
    );

    assert!(update(&mut s, key(KeyCode::Enter)).is_empty());
    let st = status(&s);
    assert!(st.error && st.text.contains("read-only root"), "{st:?}");

    // Tab goes round to php again, whose checks pass, and Enter runs there.
    assert!(update(&mut s, key(KeyCode::Tab)).is_empty());
    let m = menu(&s);
    assert_eq!(m.target.container, "php");
    assert!(doctor::passed(&m.checks), "{:#?}", m.checks);
    let target = the_exec(update(&mut s, key(KeyCode::Enter)));
    assert_eq!(target.container, "php");
    assert_eq!(target.command, "/bin/bash");
}

#[test]
fn read_only_refuses_exec_naming_the_setting() {
    let mut s = base();
    s.read_only = true;
    let mut s = in_web_tasks(s);
    assert!(update(&mut s, ch('x')).is_empty());
    assert!(s.modal.is_none(), "{:?}", s.modal);
    let st = status(&s);
    assert!(st.error, "{st:?}");
    assert!(st.text.contains("read-only"), "{st:?}");
    assert!(st.text.contains("allow_in_read_only"), "{st:?}");
}

#[test]
fn allow_in_read_only_lets_exec_run_under_read_only() {
    let mut s = base();
    s.read_only = true;
    s.config.exec.allow_in_read_only = true;
    let mut s = in_web_tasks(s);
    update(&mut s, ch('x'));
    assert_eq!(menu(&s).target.container, "php");
    let target = the_exec(update(&mut s, key(KeyCode::Enter)));
    assert_eq!(target.command, "/bin/bash");
}

#[test]
fn disabled_refuses_always_even_when_read_only_is_allowed() {
    for (read_only, allow) in [(false, false), (true, true), (false, true)] {
        let mut s = base();
        s.read_only = read_only;
        s.config.exec.disabled = true;
        s.config.exec.allow_in_read_only = allow;
        let mut s = in_web_tasks(s);
        assert!(update(&mut s, ch('x')).is_empty());
        assert!(s.modal.is_none(), "{:?}", s.modal);
        let st = status(&s);
        assert!(st.error, "{st:?}");
        assert!(st.text.contains("disabled"), "{st:?}");
    }
}

fn doctor_command(s: &mut State) -> Vec<Effect> {
    let mut msgs = vec![ch(':')];
    msgs.extend("doctor".chars().map(ch));
    msgs.push(key(KeyCode::Enter));
    send(s, msgs)
}

#[test]
fn doctor_shows_the_checks_only_and_enter_runs_nothing() {
    let mut s = in_web_tasks(base());
    assert!(doctor_command(&mut s).is_empty());
    let m = menu(&s);
    assert!(m.doctor_only);
    assert_eq!(m.target.container, "php");
    assert_eq!(m.checks.len(), 8, "{:#?}", m.checks);

    assert!(update(&mut s, key(KeyCode::Enter)).is_empty());
    assert!(menu(&s).doctor_only, "Enter closed the doctor");
    assert!(s.status.is_none(), "{:?}", s.status);
    // c still switches container; Esc closes without running anything.
    update(&mut s, ch('c'));
    assert_eq!(menu(&s).target.container, "nginx");
    assert!(!doctor::passed(&menu(&s).checks));
    assert!(update(&mut s, key(KeyCode::Esc)).is_empty());
    assert!(s.modal.is_none());
}

#[test]
fn doctor_works_under_read_only_and_disabled_since_it_changes_nothing() {
    let mut s = base();
    s.read_only = true;
    s.config.exec.disabled = true;
    let mut s = in_web_tasks(s);
    assert!(doctor_command(&mut s).is_empty());
    assert!(menu(&s).doctor_only);
    assert!(update(&mut s, key(KeyCode::Enter)).is_empty());
}

#[test]
fn esc_and_q_cancel_without_running() {
    for k in [key(KeyCode::Esc), ch('q')] {
        let mut s = in_web_tasks(base());
        update(&mut s, ch('x'));
        assert!(update(&mut s, k).is_empty());
        assert!(s.modal.is_none());
        assert!(!s.quit, "q in the modal must not quit toadtop");
    }
}

#[test]
fn x_on_a_service_takes_its_first_running_task() {
    let mut s = on_web(base());
    update(&mut s, ch('x'));
    let m = menu(&s);
    assert_eq!(m.target.service, "web");
    assert_eq!(m.target.task.id, "0a1b2c3d4e5f");
    assert_eq!(m.target.task.last_status, "RUNNING");
}

#[test]
fn x_in_task_detail_uses_that_task() {
    let mut s = in_web_tasks(base());
    send(&mut s, [ch('j'), ch('i')]);
    assert!(
        matches!(&s.screen().view, View::TaskDetail { task, .. } if task == "1b2c3d4e5f60"),
        "{:?}",
        s.screen().view
    );
    update(&mut s, ch('x'));
    assert_eq!(menu(&s).target.task.id, "1b2c3d4e5f60");
}

#[test]
fn x_with_nothing_to_exec_into_says_so() {
    let mut s = base();
    assert!(update(&mut s, ch('x')).is_empty());
    assert!(s.modal.is_none());
    let st = status(&s);
    assert!(st.error && st.text.contains("select a task"), "{st:?}");
}

#[test]
fn exec_done_sets_the_status_line() {
    let mut s = in_web_tasks(base());
    assert!(update(
        &mut s,
        Msg::ExecDone(Ok("exec /bin/bash in php: exit 0 after 3s".into()))
    )
    .is_empty());
    assert_eq!(
        status(&s),
        &StatusLine {
            text: "exec /bin/bash in php: exit 0 after 3s".into(),
            error: false
        }
    );
    update(
        &mut s,
        Msg::ExecDone(Err("exec: the session could not start".into())),
    );
    assert_eq!(
        status(&s),
        &StatusLine {
            text: "exec: the session could not start".into(),
            error: true
        }
    );
}

/// web as the reference setup builds it: php's agent paths only as image VOLUMEs (no
/// mounts there), its agent not reported, running the image by digest.
fn image_volume_web() -> State {
    let mut detail = fixtures::production();
    let web = &mut detail.services[1];
    let td = web.task_definition.as_mut().expect("td");
    td.containers[0]
        .mount_points
        .retain(|m| !m.container_path.contains("amazon"));
    for t in &mut web.tasks {
        let php = &mut t.containers[0];
        php.exec_agent = None;
        php.image_digest = Some("sha256:5150".into());
    }
    let mut s = fixtures::state_with(detail);
    s.exec_plugin = Ok(PLUGIN.into());
    s
}

#[test]
fn x_reads_the_image_volumes_once_and_judges_again_when_they_arrive() {
    let mut s = in_web_tasks(image_volume_web());
    let effects = update(&mut s, ch('x'));
    let query = match <[Effect; 1]>::try_from(effects) {
        Ok([Effect::LoadImageVolumes { query }]) => query,
        other => panic!("not one image read: {other:?}"),
    };
    assert_eq!(query.digest, "sha256:5150");
    assert_eq!(query.arch, "amd64");
    // Meanwhile: a warning saying so, not a failure.
    let ro = check(menu(&s), "read-only root: agent paths writable").clone();
    assert_eq!(ro.status, Status::Warn, "{ro:#?}");
    assert!(ro.detail.contains("not read yet"), "{ro:#?}");

    let effects = update(
        &mut s,
        Msg::ImageVolumes {
            query: query.clone(),
            volumes: doctor::ImageVolumes::Known(vec![
                "/var/lib/amazon".into(),
                "/var/log/amazon".into(),
            ]),
        },
    );
    assert!(effects.is_empty());
    let ro = check(menu(&s), "read-only root: agent paths writable");
    assert_eq!(ro.status, Status::Pass, "{ro:#?}");
    assert_eq!(
        ro.detail,
        "image VOLUME /var/lib/amazon, image VOLUME /var/log/amazon"
    );

    // Known now: opening the menu again reads nothing.
    update(&mut s, key(KeyCode::Esc));
    assert!(update(&mut s, ch('x')).is_empty());
    assert_eq!(
        check(menu(&s), "read-only root: agent paths writable").status,
        Status::Pass
    );
}
