//! Sorting, `column:value` filters, copying, the mouse and the palette, through `update`.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::{update, visible_services, Effect, Input, MouseInput, Msg, State, View};
use crate::fixtures;

fn press(s: &mut State, code: KeyCode) -> Vec<Effect> {
    update(s, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn typed(s: &mut State, text: &str) -> Vec<Effect> {
    text.chars()
        .flat_map(|c| press(s, KeyCode::Char(c)))
        .collect()
}

fn command(s: &mut State, text: &str) -> Vec<Effect> {
    press(s, KeyCode::Char(':'));
    typed(s, text);
    press(s, KeyCode::Enter)
}

/// Production with services that differ: web short of tasks, worker scaled up.
fn in_services() -> State {
    let mut detail = fixtures::production();
    detail.services[0].desired = 1; // scheduler 1/1
    detail.services[1].desired = 4; // web 3 of 4
    detail.services[2].desired = 2; // worker 2/2
    detail.services[2].status = "DRAINING".into();
    let mut s = fixtures::state_with(detail);
    press(&mut s, KeyCode::Enter);
    assert_eq!(
        s.screen().view,
        View::Services {
            cluster: "production".into()
        }
    );
    s
}

fn names(s: &State) -> Vec<String> {
    visible_services(s, "production", &s.screen().filter)
        .iter()
        .map(|x| x.name.clone())
        .collect()
}

#[test]
fn o_cycles_columns_and_o_upper_flips_the_order() {
    let mut s = in_services();
    assert_eq!(names(&s), ["scheduler", "web", "worker"], "API order");
    press(&mut s, KeyCode::Char('O')); // unsorted: first column, backwards
    assert_eq!(names(&s), ["worker", "web", "scheduler"]);
    assert!(s
        .status
        .as_ref()
        .is_some_and(|st| st.text.contains("NAME ▼")));
    press(&mut s, KeyCode::Char('O'));
    assert_eq!(names(&s), ["scheduler", "web", "worker"]);
    press(&mut s, KeyCode::Char('o')); // STATUS ▲
    assert_eq!(names(&s), ["scheduler", "web", "worker"]);
    press(&mut s, KeyCode::Char('O')); // STATUS ▼: DRAINING after ACTIVE, reversed
    assert_eq!(names(&s)[0], "worker");
    press(&mut s, KeyCode::Char('O'));
    press(&mut s, KeyCode::Char('o')); // D/R/P: the service short of tasks first
    assert_eq!(names(&s)[0], "web", "web runs 3 of 4");
}

#[test]
fn the_sort_is_kept_per_pane_kind_and_resets_the_cursor() {
    let mut s = in_services();
    press(&mut s, KeyCode::Char('j'));
    press(&mut s, KeyCode::Char('O'));
    assert_eq!(s.screen().selected, 0);
    // Into the tasks pane and back: the services pane is still sorted, tasks are not.
    press(&mut s, KeyCode::Enter);
    assert!(matches!(s.screen().view, View::Tasks { .. }));
    assert!(!s.sorts.contains_key(&crate::app::columns::Pane::Tasks));
    press(&mut s, KeyCode::Esc);
    assert_eq!(names(&s), ["worker", "web", "scheduler"]);
    // Text views have no columns: o does nothing there.
    press(&mut s, KeyCode::Char('i'));
    let before = s.sorts.clone();
    press(&mut s, KeyCode::Char('o'));
    assert_eq!(s.sorts, before);
}

#[test]
fn filter_terms_can_name_a_column() {
    let mut s = in_services();
    press(&mut s, KeyCode::Char('/'));
    typed(&mut s, "status:drain");
    press(&mut s, KeyCode::Enter);
    assert_eq!(names(&s), ["worker"]);
    // A plain word still matches any field, images included.
    s.screen_mut().filter = "nginx".into();
    assert_eq!(names(&s), ["scheduler", "web", "worker"]);
    s.screen_mut().filter = "name:w status:active".into();
    assert_eq!(names(&s), ["web"]);
}

#[test]
fn y_copies_the_selected_rows_arn() {
    let mut s = in_services();
    press(&mut s, KeyCode::Char('j'));
    let fx = press(&mut s, KeyCode::Char('y'));
    let arn = s.service("production", "web").expect("web").arn.clone();
    assert_eq!(fx, vec![Effect::Copy { text: arn.clone() }]);
    assert!(s.status.as_ref().is_some_and(|st| st.text.contains(&arn)));
    // In the tasks pane, the task's ARN.
    press(&mut s, KeyCode::Enter);
    let fx = press(&mut s, KeyCode::Char('y'));
    let task = s.service("production", "web").expect("web").tasks[0]
        .arn
        .clone();
    assert_eq!(fx, vec![Effect::Copy { text: task }]);
    // The help page has nothing to copy.
    press(&mut s, KeyCode::Char('?'));
    assert!(press(&mut s, KeyCode::Char('y')).is_empty());
    assert!(s.status.as_ref().is_some_and(|st| st.error));
}

#[test]
fn clicks_select_double_clicks_drill_in_and_the_wheel_scrolls() {
    let mut s = in_services();
    let click = |row, double| Msg::Mouse(MouseInput::Click { row, double });
    update(&mut s, click(2, false));
    assert_eq!(s.screen().selected, 2);
    update(&mut s, click(9, false));
    assert_eq!(
        s.screen().selected,
        2,
        "a click below the rows changes nothing"
    );
    update(&mut s, click(1, true));
    assert_eq!(
        s.screen().view,
        View::Tasks {
            cluster: "production".into(),
            service: "web".into()
        }
    );
    update(&mut s, Msg::Mouse(MouseInput::Wheel(3)));
    assert_eq!(s.screen().selected, 3);
    update(&mut s, Msg::Mouse(MouseInput::Wheel(-3)));
    assert_eq!(s.screen().selected, 0);
    // While the bottom line takes input, clicks are ignored.
    press(&mut s, KeyCode::Char(':'));
    update(&mut s, click(1, true));
    assert!(matches!(s.screen().view, View::Tasks { .. }));
    assert_eq!(s.input, Input::Command(String::new()));
}

#[test]
fn palette_completes_arguments_and_runs_aliases() {
    let mut s = in_services();
    press(&mut s, KeyCode::Char(':'));
    typed(&mut s, "svc st");
    press(&mut s, KeyCode::Tab);
    assert_eq!(s.input, Input::Command("svc staging".into()));
    press(&mut s, KeyCode::Enter);
    assert_eq!(
        s.screen().view,
        View::Services {
            cluster: "staging".into()
        }
    );
    command(&mut s, "services nope");
    assert!(s
        .status
        .as_ref()
        .is_some_and(|st| st.error && st.text.contains("nope")));
    // :logs needs a service or task in view.
    command(&mut s, "clusters");
    command(&mut s, "logs");
    assert!(s.status.as_ref().is_some_and(|st| st.error));
    command(&mut s, "svc production");
    let fx = command(&mut s, "logs");
    assert!(matches!(s.screen().view, View::Logs { .. }), "{fx:?}");
    command(&mut s, "bogus");
    assert!(s
        .status
        .as_ref()
        .is_some_and(|st| st.error && st.text.contains(":bogus")));
}

#[test]
fn every_palette_command_is_wired_up() {
    for c in crate::app::palette::COMMANDS {
        let mut s = in_services();
        command(&mut s, c.name);
        let wired = s
            .status
            .as_ref()
            .is_none_or(|st| !st.text.contains("not wired up"));
        assert!(wired, ":{} fell through", c.name);
    }
}
