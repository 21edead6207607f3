use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::app::{update, Msg, Screen};
use crate::fixtures::{self, NOW};
use crate::timefmt::Timestamp;

fn fresh() -> State {
    State::new("default".into(), "us-east-1".into(), None, NOW)
}

fn place(cluster: &str, pane: Pane, service: Option<&str>) -> Remembered {
    Remembered {
        profile: None,
        region: Some("us-east-1".into()),
        cluster: Some(cluster.into()),
        pane,
        service: service.map(str::to_string),
    }
}

/// A fresh start that remembers `place`; returns the state after the first tick and the
/// cluster list's request id.
fn starting_with(place: Remembered) -> (State, u64) {
    let mut s = fresh();
    plan_restore(&mut s, place);
    assert!(
        s.account.restore.is_some(),
        "the place applies to this account"
    );
    let effects = update(&mut s, Msg::Tick(Timestamp(NOW.0 + 1)));
    let req = effects
        .iter()
        .find_map(|e| match e {
            Effect::LoadClusters { req } => Some(*req),
            _ => None,
        })
        .expect("the first tick loads the clusters");
    (s, req)
}

fn clusters(req: u64, names: &[&str]) -> Msg {
    Msg::ClustersLoaded {
        req,
        result: Ok(names.iter().map(|n| fixtures::cluster(n, 3, 3)).collect()),
    }
}

fn detail_req(effects: &[Effect], cluster: &str) -> u64 {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::LoadDetail { req, cluster: c } if c.name == cluster => Some(*req),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no detail load of {cluster} in {effects:?}"))
}

fn production_loaded(req: u64) -> Msg {
    Msg::DetailLoaded {
        req,
        cluster: "production".into(),
        result: Ok(fixtures::production()),
    }
}

fn views(state: &State) -> Vec<View> {
    state.stack.iter().map(|s| s.view.clone()).collect()
}

fn services(cluster: &str) -> View {
    View::Services {
        cluster: cluster.into(),
    }
}

fn tasks(service: &str) -> View {
    View::Tasks {
        cluster: "production".into(),
        service: service.into(),
    }
}

#[test]
fn the_deepest_cluster_and_service_on_the_stack_are_remembered() {
    let mut s = fixtures::state_with(fixtures::production());
    s.account.profile_flag = Some("prod".into());
    s.region = "eu-west-1".into();
    assert_eq!(
        snapshot(&s),
        Remembered {
            profile: Some("prod".into()),
            region: Some("eu-west-1".into()),
            ..Remembered::default()
        }
    );
    for (top, pane, service) in [
        (services("production"), Pane::Services, None),
        (tasks("web"), Pane::Tasks, Some("web")),
        (
            View::TaskDetail {
                cluster: "production".into(),
                service: "web".into(),
                task: "0a1b2c3d4e5f".into(),
            },
            Pane::Tasks,
            Some("web"),
        ),
        (
            View::Logs {
                cluster: "production".into(),
                service: "worker".into(),
            },
            Pane::Tasks,
            Some("worker"),
        ),
    ] {
        s.stack = vec![
            Screen::new(View::Clusters),
            Screen::new(services("production")),
            Screen::new(top.clone()),
            // Help on top does not hide where the user was.
            Screen::new(View::Help),
        ];
        let r = snapshot(&s);
        assert_eq!(
            (r.cluster.as_deref(), r.pane, r.service.as_deref()),
            (Some("production"), pane, service),
            "{top:?}"
        );
    }
}

#[test]
fn a_place_in_another_account_or_region_is_not_reopened() {
    let mut s = fresh();
    plan_restore(
        &mut s,
        Remembered {
            region: Some("eu-west-1".into()),
            ..place("production", Pane::Services, None)
        },
    );
    assert!(s.account.restore.is_none());
    plan_restore(
        &mut s,
        Remembered {
            profile: Some("other".into()),
            ..place("production", Pane::Services, None)
        },
    );
    assert!(s.account.restore.is_none());
    plan_restore(&mut s, place("production", Pane::Clusters, None));
    assert!(s.account.restore.is_none(), "nothing to reopen");
}

#[test]
fn the_remembered_tasks_pane_opens_once_its_data_is_there() {
    let (mut s, req) = starting_with(place("production", Pane::Tasks, Some("worker")));

    let effects = update(&mut s, clusters(req, &["production", "staging"]));
    assert_eq!(views(&s), [View::Clusters, services("production")]);
    assert_eq!(s.stack[0].selected, 0, "production's row");
    let req = detail_req(&effects, "production");

    update(&mut s, production_loaded(req));
    assert_eq!(
        views(&s),
        [View::Clusters, services("production"), tasks("worker")]
    );
    assert_eq!(s.stack[1].selected, 2, "Esc goes back to worker's row");
    assert!(s.account.restore.is_none(), "done");

    // Back out and reload: nothing reopens again.
    update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)),
    );
    update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)),
    );
    assert_eq!(views(&s), [View::Clusters]);
}

#[test]
fn the_remembered_standalone_tasks_pane_reopens_as_itself() {
    let (mut s, req) = starting_with(place(
        "production",
        Pane::Tasks,
        Some(crate::domain::STANDALONE),
    ));
    let effects = update(&mut s, clusters(req, &["production", "staging"]));
    update(
        &mut s,
        production_loaded(detail_req(&effects, "production")),
    );
    assert_eq!(
        views(&s),
        [
            View::Clusters,
            services("production"),
            View::Tasks {
                cluster: "production".into(),
                service: crate::domain::STANDALONE.into(),
            }
        ]
    );
    assert_eq!(
        snapshot(&s).service.as_deref(),
        Some(crate::domain::STANDALONE)
    );
}

#[test]
fn the_services_pane_of_a_cluster_further_down_the_list() {
    let (mut s, req) = starting_with(place("staging", Pane::Services, None));
    let effects = update(&mut s, clusters(req, &["production", "staging"]));
    assert_eq!(views(&s), [View::Clusters, services("staging")]);
    assert_eq!(s.stack[0].selected, 1);
    detail_req(&effects, "staging");
    assert!(s.account.restore.is_none());
}

#[test]
fn a_cluster_that_is_gone_leaves_the_clusters_list() {
    let (mut s, req) = starting_with(place("old", Pane::Tasks, Some("web")));
    update(&mut s, clusters(req, &["production", "staging"]));
    assert_eq!(views(&s), [View::Clusters]);
    assert!(s.account.restore.is_none());
}

#[test]
fn a_service_that_is_gone_stays_on_its_clusters_services() {
    let (mut s, req) = starting_with(place("production", Pane::Tasks, Some("horizon")));
    let effects = update(&mut s, clusters(req, &["production", "staging"]));
    update(
        &mut s,
        production_loaded(detail_req(&effects, "production")),
    );
    assert_eq!(views(&s), [View::Clusters, services("production")]);
    assert!(s.account.restore.is_none());
}

#[test]
fn moving_before_the_clusters_arrive_cancels_the_reopening() {
    let (mut s, req) = starting_with(place("production", Pane::Services, None));
    update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('?'), KeyModifiers::NONE)),
    );
    assert_eq!(views(&s), [View::Clusters, View::Help]);
    assert!(s.account.restore.is_none());
    update(&mut s, clusters(req, &["production", "staging"]));
    assert_eq!(views(&s), [View::Clusters, View::Help]);
}

#[test]
fn a_single_cluster_already_opened_by_cluster_flag_goes_on_to_the_tasks() {
    let (mut s, req) = starting_with(place("production", Pane::Tasks, Some("web")));
    let effects = update(&mut s, clusters(req, &["production"]));
    assert_eq!(views(&s), [View::Clusters, services("production")]);
    update(
        &mut s,
        production_loaded(detail_req(&effects, "production")),
    );
    assert_eq!(
        views(&s),
        [View::Clusters, services("production"), tasks("web")]
    );
}
