//! Unit tests of `update`: keys and answers in, state and effects out. No I/O, no clock.

use std::collections::BTreeMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::update;
use crate::app::{visible_services, visible_tasks, Action, Effect, Input, Msg, State, View};
use crate::config::Keymap;
use crate::domain::{Cluster, Failure};
use crate::fixtures::{self, NOW};
use crate::timefmt::Timestamp;

// ---- helpers ------------------------------------------------------------------------

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ch(c: char) -> Msg {
    key(KeyCode::Char(c))
}

fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// Sends every message in order; returns all effects.
fn send(state: &mut State, msgs: impl IntoIterator<Item = Msg>) -> Vec<Effect> {
    msgs.into_iter().flat_map(|m| update(state, m)).collect()
}

fn type_text(state: &mut State, text: &str) -> Vec<Effect> {
    send(state, text.chars().map(ch))
}

/// `:text` then Enter.
fn command(state: &mut State, text: &str) -> Vec<Effect> {
    let mut effects = update(state, ch(':'));
    effects.extend(type_text(state, text));
    effects.extend(update(state, key(KeyCode::Enter)));
    effects
}

fn at(ms_after_now: i64) -> Timestamp {
    Timestamp(NOW.0 + ms_after_now)
}

/// Nothing loaded yet, as at start-up.
fn fresh() -> State {
    State::new("default".into(), "us-east-1".into(), None, NOW)
}

/// Clusters (production, staging) loaded, and production's detail loaded.
fn loaded() -> State {
    fixtures::state_with(fixtures::production())
}

/// `loaded()` with the production services pane open.
fn in_services() -> State {
    let mut s = loaded();
    assert!(update(&mut s, key(KeyCode::Enter)).is_empty());
    assert_eq!(view(&s), &services("production"));
    s
}

fn view(state: &State) -> &View {
    &state.screen().view
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

fn load_clusters_reqs(effects: &[Effect]) -> Vec<u64> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::LoadClusters { req } => Some(*req),
            _ => None,
        })
        .collect()
}

fn load_detail_reqs(effects: &[Effect], cluster: &str) -> Vec<u64> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::LoadDetail { req, cluster: c } if c.name == cluster => Some(*req),
            _ => None,
        })
        .collect()
}

fn clusters_answer(req: u64, names: &[&str]) -> Msg {
    Msg::ClustersLoaded {
        req,
        result: Ok(names.iter().map(|n| fixtures::cluster(n, 3, 3)).collect()),
    }
}

fn cluster_names(state: &State) -> Vec<String> {
    state
        .clusters
        .data
        .iter()
        .flatten()
        .map(|c: &Cluster| c.name.clone())
        .collect()
}

fn service_names(state: &State, filter: &str) -> Vec<String> {
    visible_services(state, "production", filter)
        .iter()
        .map(|s| s.name.clone())
        .collect()
}

// ---- ticks and auto refresh --------------------------------------------------------

#[test]
fn first_tick_loads_clusters_only_on_the_cluster_list() {
    let mut s = fresh();
    let fx = update(&mut s, Msg::Tick(NOW));
    assert_eq!(fx.len(), 1, "{fx:?}");
    let req = load_clusters_reqs(&fx)[0];
    assert_eq!(s.clusters.in_flight, Some(req));
    assert_eq!(s.last_refresh, Some(NOW));
    assert!(s.loading());
}

#[test]
fn first_tick_inside_a_cluster_also_loads_its_detail() {
    let mut s = in_services();
    s.last_refresh = None; // as if never refreshed
    let fx = update(&mut s, Msg::Tick(NOW));
    assert_eq!(load_clusters_reqs(&fx).len(), 1, "{fx:?}");
    assert_eq!(load_detail_reqs(&fx, "production").len(), 1, "{fx:?}");
    assert_eq!(fx.len(), 2);
    // Distinct request ids per load.
    assert_ne!(
        load_clusters_reqs(&fx)[0],
        load_detail_reqs(&fx, "production")[0]
    );
}

#[test]
fn tick_before_the_interval_does_nothing_and_after_it_refreshes() {
    let mut s = fresh();
    s.refresh_secs = 10;
    let first = update(&mut s, Msg::Tick(NOW));
    let req = load_clusters_reqs(&first)[0];
    // The answer starts only the clusters' background alert loads (app::fleet).
    let fx = update(&mut s, clusters_answer(req, &["a", "b"]));
    assert!(load_clusters_reqs(&fx).is_empty(), "{fx:?}");
    assert!(!s.clusters.is_loading());

    assert!(update(&mut s, Msg::Tick(at(1_000))).is_empty());
    assert!(update(&mut s, Msg::Tick(at(9_999))).is_empty());
    assert_eq!(s.now, at(9_999), "a tick still advances the clock");

    let again = update(&mut s, Msg::Tick(at(10_000)));
    assert_eq!(load_clusters_reqs(&again).len(), 1, "{again:?}");
    assert_ne!(load_clusters_reqs(&again)[0], req, "a new request id");
    assert_eq!(s.last_refresh, Some(at(10_000)));
}

#[test]
fn ticks_advance_the_spinner_only_while_loading() {
    let mut s = fresh();
    update(&mut s, Msg::Tick(NOW)); // starts a load
    let before = s.spinner;
    update(&mut s, Msg::Tick(at(100)));
    assert_eq!(s.spinner, before + 1);
    let req = s.clusters.in_flight.unwrap();
    // No clusters: no background alert loads keep the spinner going.
    update(&mut s, clusters_answer(req, &[]));
    update(&mut s, Msg::Tick(at(200)));
    assert_eq!(s.spinner, before + 1);
}

// ---- coalescing, stale answers, errors ---------------------------------------------

#[test]
fn refresh_spammed_while_in_flight_runs_at_most_twice() {
    let mut s = fresh();
    let mut loads = load_clusters_reqs(&update(&mut s, Msg::Tick(NOW)));
    assert_eq!(loads.len(), 1);
    for _ in 0..10 {
        loads.extend(load_clusters_reqs(&update(&mut s, ch('r'))));
    }
    assert_eq!(loads.len(), 1, "nothing new while one is in flight");
    assert!(s.clusters.again);

    // The answer arrives: exactly one follow-up load.
    let fx = update(&mut s, clusters_answer(loads[0], &["a", "b"]));
    loads.extend(load_clusters_reqs(&fx));
    assert_eq!(loads.len(), 2, "{fx:?}");
    assert!(!s.clusters.again);

    // Its answer does not start yet another.
    let fx = update(&mut s, clusters_answer(loads[1], &["a", "b"]));
    assert!(load_clusters_reqs(&fx).is_empty(), "{fx:?}");
    assert!(!s.clusters.is_loading());
}

#[test]
fn refresh_spam_coalesces_detail_loads_too() {
    let mut s = in_services();
    let mut details = Vec::new();
    let mut clusters = Vec::new();
    for _ in 0..10 {
        let fx = update(&mut s, ch('r'));
        details.extend(load_detail_reqs(&fx, "production"));
        clusters.extend(load_clusters_reqs(&fx));
    }
    assert_eq!((clusters.len(), details.len()), (1, 1));
    let fx = update(
        &mut s,
        Msg::DetailLoaded {
            req: details[0],
            cluster: "production".into(),
            result: Ok(fixtures::production()),
        },
    );
    assert_eq!(load_detail_reqs(&fx, "production").len(), 1, "{fx:?}");
}

#[test]
fn refresh_key_sets_a_status_line() {
    let mut s = loaded();
    update(&mut s, ch('r'));
    let status = s.status.clone().expect("status");
    assert!(!status.error);
    assert!(status.text.contains("refresh"), "{status:?}");
}

#[test]
fn stale_cluster_answer_is_ignored() {
    let mut s = fresh();
    let req = load_clusters_reqs(&update(&mut s, Msg::Tick(NOW)))[0];
    let fx = update(&mut s, clusters_answer(req + 100, &["wrong"]));
    assert!(fx.is_empty());
    assert!(s.clusters.data.is_none());
    assert_eq!(
        s.clusters.in_flight,
        Some(req),
        "still waiting for the real one"
    );

    update(&mut s, clusters_answer(req, &["right", "other"]));
    assert_eq!(cluster_names(&s), ["right", "other"]);
    assert_eq!(s.clusters.in_flight, None);
    assert_eq!(s.clusters.fetched_at, Some(NOW));

    // A late duplicate of an answered request changes nothing either.
    update(&mut s, clusters_answer(req, &["late"]));
    assert_eq!(cluster_names(&s), ["right", "other"]);
}

#[test]
fn stale_detail_answer_is_ignored() {
    let mut s = in_services();
    let req = load_detail_reqs(&update(&mut s, ch('r')), "production")[0];
    let fx = update(
        &mut s,
        Msg::DetailLoaded {
            req: req + 7,
            cluster: "production".into(),
            result: Ok(fixtures::large(1, 1)),
        },
    );
    assert!(fx.is_empty());
    assert_eq!(service_names(&s, ""), ["scheduler", "web", "worker"]);
    // An answer for a cluster nobody asked about is dropped too.
    let fx = update(
        &mut s,
        Msg::DetailLoaded {
            req,
            cluster: "nowhere".into(),
            result: Ok(fixtures::large(1, 1)),
        },
    );
    assert!(fx.is_empty());
    assert!(!s.details.contains_key("nowhere"));
}

#[test]
fn error_answer_keeps_old_data_and_sets_error() {
    let mut s = in_services();
    let fetched = s.details["production"].fetched_at;
    let fx = update(&mut s, ch('r'));
    let creq = load_clusters_reqs(&fx)[0];
    let dreq = load_detail_reqs(&fx, "production")[0];

    s.now = at(5_000);
    update(
        &mut s,
        Msg::DetailLoaded {
            req: dreq,
            cluster: "production".into(),
            result: Err("ThrottlingException: rate exceeded".into()),
        },
    );
    let slot = &s.details["production"];
    assert_eq!(
        slot.error.as_ref().map(Failure::as_str),
        Some("ThrottlingException: rate exceeded")
    );
    assert!(slot.data.is_some(), "old data stays");
    assert_eq!(slot.fetched_at, fetched, "its age is the old one");
    assert_eq!(slot.in_flight, None);
    assert_eq!(service_names(&s, "").len(), 3);
    assert_eq!(
        s.current_slot_age().1.map(Failure::as_str),
        Some("ThrottlingException: rate exceeded")
    );

    update(
        &mut s,
        Msg::ClustersLoaded {
            req: creq,
            result: Err("expired token".into()),
        },
    );
    assert_eq!(
        s.clusters.error.as_ref().map(Failure::as_str),
        Some("expired token")
    );
    assert_eq!(cluster_names(&s), ["production", "staging"]);

    // The next success clears the error.
    let dreq = load_detail_reqs(&update(&mut s, ch('r')), "production")[0];
    update(
        &mut s,
        Msg::DetailLoaded {
            req: dreq,
            cluster: "production".into(),
            result: Ok(fixtures::production()),
        },
    );
    assert_eq!(s.details["production"].error, None);
    assert_eq!(s.details["production"].fetched_at, Some(at(5_000)));
}

#[test]
fn a_shrinking_list_clamps_the_selection() {
    let mut s = in_services();
    send(&mut s, [ch('G')]);
    assert_eq!(s.screen().selected, 2);
    let dreq = load_detail_reqs(&update(&mut s, ch('r')), "production")[0];
    let mut smaller = fixtures::production();
    smaller.services.truncate(1);
    update(
        &mut s,
        Msg::DetailLoaded {
            req: dreq,
            cluster: "production".into(),
            result: Ok(smaller),
        },
    );
    assert_eq!(s.screen().selected, 0);
}

// ---- first load --------------------------------------------------------------------

#[test]
fn a_single_cluster_loaded_first_time_opens_its_services() {
    let mut s = fresh();
    let req = load_clusters_reqs(&update(&mut s, Msg::Tick(NOW)))[0];
    let fx = update(&mut s, clusters_answer(req, &["production"]));
    assert_eq!(view(&s), &services("production"));
    assert_eq!(s.stack.len(), 2, "the cluster list stays below it");
    let dreq = load_detail_reqs(&fx, "production");
    assert_eq!(dreq.len(), 1, "{fx:?}");
    assert_eq!(s.details["production"].in_flight, Some(dreq[0]));
}

#[test]
fn several_clusters_stay_on_the_cluster_list() {
    let mut s = fresh();
    let req = load_clusters_reqs(&update(&mut s, Msg::Tick(NOW)))[0];
    let fx = update(&mut s, clusters_answer(req, &["production", "staging"]));
    // Only both clusters' details load, in the background, for their alerts.
    assert_eq!(fx.len(), 2, "{fx:?}");
    assert_eq!(load_detail_reqs(&fx, "production").len(), 1, "{fx:?}");
    assert_eq!(load_detail_reqs(&fx, "staging").len(), 1, "{fx:?}");
    assert_eq!(view(&s), &View::Clusters);
}

#[test]
fn a_single_cluster_does_not_reopen_after_going_back() {
    let mut s = fresh();
    let req = load_clusters_reqs(&update(&mut s, Msg::Tick(NOW)))[0];
    update(&mut s, clusters_answer(req, &["production"]));
    update(&mut s, key(KeyCode::Esc));
    assert_eq!(view(&s), &View::Clusters);
    let req = load_clusters_reqs(&update(&mut s, Msg::Tick(at(10_000))))[0];
    update(&mut s, clusters_answer(req, &["production"]));
    assert_eq!(view(&s), &View::Clusters, "only the first load opens it");
}

// ---- navigation --------------------------------------------------------------------

#[test]
fn enter_on_a_cluster_with_data_opens_services_without_loading() {
    let mut s = loaded();
    let fx = update(&mut s, key(KeyCode::Enter));
    assert!(fx.is_empty(), "{fx:?}");
    assert_eq!(view(&s), &services("production"));
}

#[test]
fn enter_on_a_cluster_without_data_loads_it() {
    let mut s = loaded();
    update(&mut s, ch('j'));
    let fx = update(&mut s, key(KeyCode::Enter));
    assert_eq!(view(&s), &services("staging"));
    let reqs = load_detail_reqs(&fx, "staging");
    assert_eq!(reqs.len(), 1, "{fx:?}");
    assert_eq!(fx.len(), 1);
    assert_eq!(s.details["staging"].in_flight, Some(reqs[0]));
}

#[test]
fn enter_drills_from_services_to_tasks_to_task_detail() {
    let mut s = in_services();
    update(&mut s, ch('j')); // web
    assert!(update(&mut s, key(KeyCode::Enter)).is_empty());
    assert_eq!(view(&s), &tasks("web"));

    update(&mut s, ch('G')); // the stopped one, last
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(
        view(&s),
        &View::TaskDetail {
            cluster: "production".into(),
            service: "web".into(),
            task: "3d4e5f607182".into(),
        }
    );
    assert_eq!(s.stack.len(), 4);
    // Enter on a text view does nothing.
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(s.stack.len(), 4);
}

#[test]
fn i_opens_service_detail_and_t_the_task_definition() {
    let mut s = in_services();
    update(&mut s, ch('j'));
    update(&mut s, ch('i'));
    assert_eq!(
        view(&s),
        &View::ServiceDetail {
            cluster: "production".into(),
            service: "web".into(),
        }
    );
    // `t` from the detail view opens that service's task definition...
    update(&mut s, ch('t'));
    let td = View::TaskDefinition {
        cluster: "production".into(),
        service: "web".into(),
    };
    assert_eq!(view(&s), &td);
    // ...and `t` again does not stack a second one.
    update(&mut s, ch('t'));
    assert_eq!(s.stack.len(), 4);

    // From the services list, `t` uses the selected row.
    let mut s = in_services();
    update(&mut s, ch('G'));
    update(&mut s, ch('t'));
    assert_eq!(
        view(&s),
        &View::TaskDefinition {
            cluster: "production".into(),
            service: "worker".into(),
        }
    );
    // `t` on the cluster list has no service to show.
    let mut s = loaded();
    update(&mut s, ch('t'));
    assert_eq!(view(&s), &View::Clusters);
}

#[test]
fn i_on_tasks_opens_task_detail() {
    let mut s = in_services();
    update(&mut s, key(KeyCode::Enter)); // scheduler
    update(&mut s, ch('i'));
    assert_eq!(
        view(&s),
        &View::TaskDetail {
            cluster: "production".into(),
            service: "scheduler".into(),
            task: "4e5f60718293".into(),
        }
    );
}

#[test]
fn esc_goes_back_one_level_and_never_pops_the_root() {
    let mut s = in_services();
    update(&mut s, key(KeyCode::Enter));
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(s.stack.len(), 4);
    update(&mut s, key(KeyCode::Esc));
    assert_eq!(view(&s), &tasks("scheduler"));
    update(&mut s, key(KeyCode::Esc));
    assert_eq!(view(&s), &services("production"));
    update(&mut s, key(KeyCode::Esc));
    assert_eq!(view(&s), &View::Clusters);
    for _ in 0..5 {
        assert!(update(&mut s, key(KeyCode::Esc)).is_empty());
    }
    assert_eq!(s.stack.len(), 1);
    assert_eq!(view(&s), &View::Clusters);
    assert!(!s.quit);
}

#[test]
fn esc_with_an_active_filter_clears_it_before_going_back() {
    let mut s = in_services();
    update(&mut s, ch('/'));
    type_text(&mut s, "wor");
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(s.input, Input::None);
    assert_eq!(s.screen().filter, "wor");

    update(&mut s, key(KeyCode::Esc));
    assert_eq!(view(&s), &services("production"), "still here");
    assert_eq!(s.screen().filter, "");
    update(&mut s, key(KeyCode::Esc));
    assert_eq!(view(&s), &View::Clusters);
}

#[test]
fn help_opens_once_and_esc_closes_it() {
    let mut s = in_services();
    update(&mut s, ch('?'));
    update(&mut s, ch('?'));
    assert_eq!(view(&s), &View::Help);
    assert_eq!(s.stack.len(), 3);
    update(&mut s, key(KeyCode::Esc));
    assert_eq!(view(&s), &services("production"));
}

#[test]
fn tab_drills_in_on_lists_and_returns_to_clusters_elsewhere() {
    let mut s = loaded();
    update(&mut s, key(KeyCode::Tab));
    assert_eq!(view(&s), &services("production"));
    update(&mut s, key(KeyCode::Tab));
    assert_eq!(view(&s), &tasks("scheduler"));
    update(&mut s, key(KeyCode::Tab));
    assert_eq!(view(&s), &View::Clusters);
    assert_eq!(s.stack.len(), 1);
}

// ---- filter ------------------------------------------------------------------------

#[test]
fn filter_narrows_live_case_insensitively_and_resets_selection() {
    let mut s = in_services();
    update(&mut s, ch('G'));
    assert_eq!(s.screen().selected, 2);

    update(&mut s, ch('/'));
    assert_eq!(s.input, Input::Filter);
    // Every fixture service runs image laravel-web, so "E" still matches all three.
    update(&mut s, ch('E'));
    assert_eq!(s.screen().filter, "E");
    assert_eq!(s.screen().selected, 0, "selection resets on each key");
    assert_eq!(service_names(&s, "E").len(), 3);

    update(&mut s, ch('R'));
    assert_eq!(s.screen().filter, "ER");
    assert_eq!(service_names(&s, "ER"), ["scheduler", "worker"]);
    assert_eq!(service_names(&s, "er"), ["scheduler", "worker"]);

    // Enter keeps the filter and leaves filter mode; keys are actions again.
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(s.input, Input::None);
    assert_eq!(s.screen().filter, "ER");
    update(&mut s, ch('j'));
    assert_eq!(s.screen().selected, 1);

    // Back into the filter: editing it resets the selection.
    update(&mut s, ch('/'));
    assert_eq!(s.screen().filter, "ER", "/ continues the kept filter");
    update(&mut s, key(KeyCode::Backspace));
    assert_eq!(s.screen().filter, "E");
    assert_eq!(s.screen().selected, 0);
    update(&mut s, key(KeyCode::Backspace));
    type_text(&mut s, "wO");
    assert_eq!(s.screen().filter, "wO");
    assert_eq!(service_names(&s, "wO"), ["worker"]);

    // Keys that are actions elsewhere are text while filtering.
    type_text(&mut s, "qj");
    assert!(!s.quit);
    assert_eq!(s.screen().filter, "wOqj");
    assert!(service_names(&s, "wOqj").is_empty());
    send(&mut s, [key(KeyCode::Backspace), key(KeyCode::Backspace)]);
    assert_eq!(s.screen().filter, "wO");

    update(&mut s, key(KeyCode::Enter));
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(view(&s), &tasks("worker"), "Enter opens the filtered row");
}

#[test]
fn filter_matches_images_and_task_definition_family() {
    let s = loaded();
    assert_eq!(service_names(&s, "NGINX:STABLE").len(), 3);
    assert_eq!(service_names(&s, "laravel-web:2").len(), 3);
    assert!(service_names(&s, "no-such").is_empty());
    assert_eq!(
        visible_tasks(&s, "production", "web", "stopped").len(),
        1,
        "tasks filter by status, case-insensitively"
    );
}

#[test]
fn esc_in_filter_mode_clears_the_filter() {
    let mut s = in_services();
    update(&mut s, ch('/'));
    type_text(&mut s, "er"); // scheduler, worker
    update(&mut s, key(KeyCode::Enter));
    update(&mut s, ch('j'));
    assert_eq!(s.screen().selected, 1);
    update(&mut s, ch('/'));
    update(&mut s, key(KeyCode::Esc));
    assert_eq!(s.input, Input::None);
    assert_eq!(s.screen().filter, "");
    assert_eq!(s.screen().selected, 0);
    assert_eq!(
        view(&s),
        &services("production"),
        "Esc only left filter mode"
    );
}

#[test]
fn filter_is_per_screen() {
    let mut s = in_services();
    update(&mut s, ch('/'));
    type_text(&mut s, "work");
    update(&mut s, key(KeyCode::Enter));
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(view(&s), &tasks("worker"));
    assert_eq!(s.screen().filter, "", "the tasks pane starts unfiltered");
    update(&mut s, key(KeyCode::Esc));
    assert_eq!(s.screen().filter, "work", "back to the services filter");
}

#[test]
fn slash_on_a_text_view_starts_a_search() {
    let mut s = in_services();
    update(&mut s, ch('i'));
    update(&mut s, ch('/'));
    assert_eq!(s.input, Input::Filter);
    type_text(&mut s, "event");
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(s.input, Input::None);
    assert_eq!(s.screen().filter, "event");
    // The first esc ends the search, the second leaves the pane.
    update(&mut s, key(KeyCode::Esc));
    assert_eq!(s.screen().filter, "");
    assert!(matches!(view(&s), View::ServiceDetail { .. }));
}

// ---- movement ----------------------------------------------------------------------

#[test]
fn j_k_g_and_shift_g_move_and_clamp() {
    let mut s = in_services(); // 3 services
    update(&mut s, ch('k'));
    assert_eq!(s.screen().selected, 0, "no wrap at the top");
    send(&mut s, [ch('j'), ch('j'), ch('j'), ch('j')]);
    assert_eq!(s.screen().selected, 2, "clamped at the bottom");
    update(&mut s, ch('g'));
    assert_eq!(s.screen().selected, 0);
    update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT)),
    );
    assert_eq!(s.screen().selected, 2);
    update(&mut s, key(KeyCode::Up));
    assert_eq!(s.screen().selected, 1);
    update(&mut s, key(KeyCode::Down));
    assert_eq!(s.screen().selected, 2);
}

#[test]
fn page_keys_move_by_page_rows_and_clamp() {
    let mut s = in_services();
    let req = load_detail_reqs(&update(&mut s, ch('r')), "production")[0];
    update(
        &mut s,
        Msg::DetailLoaded {
            req,
            cluster: "production".into(),
            result: Ok(fixtures::large(50, 1)),
        },
    );
    s.page_rows = 20;
    update(&mut s, key(KeyCode::PageDown));
    assert_eq!(s.screen().selected, 20);
    update(&mut s, ctrl('f'));
    assert_eq!(s.screen().selected, 40);
    update(&mut s, key(KeyCode::PageDown));
    assert_eq!(s.screen().selected, 49);
    update(&mut s, key(KeyCode::PageUp));
    assert_eq!(s.screen().selected, 29);
    send(&mut s, [ctrl('b'), ctrl('b')]);
    assert_eq!(s.screen().selected, 0);
}

#[test]
fn movement_clamps_within_the_filtered_rows() {
    let mut s = in_services();
    update(&mut s, ch('/'));
    type_text(&mut s, "er"); // scheduler, worker
    update(&mut s, key(KeyCode::Enter));
    update(&mut s, ch('G'));
    assert_eq!(s.screen().selected, 1, "last of 2 filtered rows, not of 3");
    update(&mut s, key(KeyCode::PageDown));
    assert_eq!(s.screen().selected, 1);

    update(&mut s, ch('/'));
    type_text(&mut s, "zzz"); // nothing matches
    update(&mut s, key(KeyCode::Enter));
    send(&mut s, [ch('j'), ch('G'), key(KeyCode::PageDown)]);
    assert_eq!(s.screen().selected, 0);
    assert!(update(&mut s, key(KeyCode::Enter)).is_empty());
    assert_eq!(s.stack.len(), 2, "Enter on an empty list goes nowhere");
}

#[test]
fn movement_on_text_views_scrolls() {
    let mut s = in_services();
    update(&mut s, ch('i'));
    send(&mut s, [ch('j'), ch('j'), ch('j')]);
    assert_eq!(s.screen().scroll, 3);
    assert_eq!(s.screen().selected, 0);
    send(&mut s, [ch('k'), ch('k'), ch('k'), ch('k')]);
    assert_eq!(s.screen().scroll, 0);
    update(&mut s, ch('G'));
    assert!(s.screen().scroll > 0);
    update(&mut s, ch('g'));
    assert_eq!(s.screen().scroll, 0);
}

// ---- command line ------------------------------------------------------------------

#[test]
fn colon_services_opens_the_selected_clusters_services() {
    let mut s = loaded();
    update(&mut s, ch('j')); // staging, no data
    let fx = command(&mut s, "services");
    assert_eq!(view(&s), &services("staging"));
    assert_eq!(s.stack.len(), 2);
    assert_eq!(load_detail_reqs(&fx, "staging").len(), 1, "{fx:?}");
    assert_eq!(s.input, Input::None);
}

#[test]
fn colon_services_from_deep_inside_goes_to_that_clusters_services() {
    let mut s = in_services();
    send(&mut s, [key(KeyCode::Enter), key(KeyCode::Enter)]);
    assert_eq!(s.stack.len(), 4);
    assert!(command(&mut s, "svc").is_empty());
    assert_eq!(view(&s), &services("production"));
    assert_eq!(s.stack.len(), 2);
}

#[test]
fn colon_tasks_opens_the_selected_services_tasks() {
    let mut s = in_services();
    update(&mut s, ch('j'));
    command(&mut s, "tasks");
    assert_eq!(view(&s), &tasks("web"));
    assert_eq!(s.stack.len(), 3);
    assert_eq!(s.stack[1].view, services("production"));

    let mut s = loaded();
    command(&mut s, "tasks");
    assert_eq!(view(&s), &View::Clusters);
    let status = s.status.clone().expect("an error");
    assert!(status.error);
    assert!(status.text.contains("service"), "{status:?}");
}

#[test]
fn colon_clusters_returns_to_the_root() {
    let mut s = in_services();
    update(&mut s, key(KeyCode::Enter));
    command(&mut s, "clusters");
    assert_eq!(view(&s), &View::Clusters);
    assert_eq!(s.stack.len(), 1);
}

#[test]
fn colon_q_quits() {
    for text in ["q", "quit", " q "] {
        let mut s = in_services();
        let fx = command(&mut s, text);
        assert_eq!(fx, vec![Effect::Quit], "{text:?}");
        assert!(s.quit);
    }
}

#[test]
fn colon_help_opens_help() {
    let mut s = loaded();
    command(&mut s, "help");
    assert_eq!(view(&s), &View::Help);
}

#[test]
fn an_unknown_command_names_itself_in_an_error() {
    let mut s = in_services();
    let fx = command(&mut s, "deploy-everything");
    assert!(fx.is_empty());
    let status = s.status.clone().expect("status");
    assert!(status.error);
    assert!(
        status.text.contains(":deploy-everything"),
        "{:?}",
        status.text
    );
    assert_eq!(view(&s), &services("production"));
    assert!(!s.quit);
    // The error stays while keys go on working; Esc dismisses it and only that.
    update(&mut s, ch('j'));
    assert!(s.status.as_ref().is_some_and(|st| st.error));
    update(&mut s, key(KeyCode::Esc));
    assert_eq!(s.status, None);
    assert_eq!(view(&s), &services("production"));
}

#[test]
fn command_line_editing() {
    let mut s = loaded();
    update(&mut s, ch(':'));
    assert_eq!(s.input, Input::Command(String::new()));
    type_text(&mut s, "qx");
    assert_eq!(s.input, Input::Command("qx".into()));
    assert!(!s.quit, "typing q is text here");
    update(&mut s, key(KeyCode::Backspace));
    assert_eq!(s.input, Input::Command("q".into()));
    update(&mut s, key(KeyCode::Esc));
    assert_eq!(s.input, Input::None);
    assert!(!s.quit);
    assert_eq!(
        view(&s),
        &View::Clusters,
        "Esc only closed the command line"
    );

    // Backspace on an empty command line closes it.
    update(&mut s, ch(':'));
    update(&mut s, key(KeyCode::Backspace));
    assert_eq!(s.input, Input::None);
    // An empty command does nothing.
    assert!(command(&mut s, "").is_empty());
    assert_eq!(s.status, None);
}

#[test]
fn tab_completes_a_unique_command_prefix() {
    let mut s = loaded();
    update(&mut s, ch(':'));
    type_text(&mut s, "se");
    update(&mut s, key(KeyCode::Tab));
    // `:services` takes an optional cluster: the space is there for the next Tab.
    assert_eq!(s.input, Input::Command("services ".into()));
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(view(&s), &services("production"));

    let mut s = loaded();
    update(&mut s, ch(':'));
    type_text(&mut s, "q");
    update(&mut s, key(KeyCode::Tab));
    assert_eq!(s.input, Input::Command("quit".into()));

    // No match: left as typed (an empty prefix goes round every command instead).
    let mut s = loaded();
    update(&mut s, ch(':'));
    type_text(&mut s, "zz");
    update(&mut s, key(KeyCode::Tab));
    assert_eq!(s.input, Input::Command("zz".into()));
}

// ---- quitting and the keymap --------------------------------------------------------

#[test]
fn q_and_ctrl_c_quit() {
    let mut s = in_services();
    assert_eq!(update(&mut s, ch('q')), vec![Effect::Quit]);
    assert!(s.quit);

    let mut s = in_services();
    assert_eq!(update(&mut s, ctrl('c')), vec![Effect::Quit]);
    assert!(s.quit);
}

#[test]
fn ctrl_c_quits_even_while_typing() {
    let mut s = in_services();
    update(&mut s, ch('/'));
    type_text(&mut s, "we");
    assert_eq!(update(&mut s, ctrl('c')), vec![Effect::Quit]);
    assert!(s.quit);
    assert_eq!(s.screen().filter, "we", "not typed into the filter");

    let mut s = loaded();
    update(&mut s, ch(':'));
    type_text(&mut s, "clu");
    assert_eq!(update(&mut s, ctrl('c')), vec![Effect::Quit]);
    assert!(s.quit);
}

#[test]
fn plain_c_is_not_ctrl_c() {
    let mut s = loaded();
    assert!(update(&mut s, ch('c')).is_empty());
    assert!(!s.quit);
}

#[test]
fn unbound_keys_do_nothing() {
    let mut s = in_services();
    let before = s.stack.clone();
    for c in ['z', 'Z', '~'] {
        assert!(update(&mut s, ch(c)).is_empty());
    }
    assert!(update(&mut s, key(KeyCode::F(7))).is_empty());
    assert_eq!(s.stack, before);
    assert!(!s.quit);
}

#[test]
fn keys_go_through_the_keymap() {
    let mut overrides = BTreeMap::new();
    overrides.insert(Action::Down, vec!["n".parse().unwrap()]);
    overrides.insert(Action::Quit, vec!["x".parse().unwrap()]);
    let mut s = in_services();
    s.keymap = Keymap::with_overrides(&overrides);

    update(&mut s, ch('j'));
    assert_eq!(s.screen().selected, 0, "j is no longer down");
    update(&mut s, ch('n'));
    assert_eq!(s.screen().selected, 1, "n is");
    update(&mut s, key(KeyCode::Down));
    assert_eq!(
        s.screen().selected,
        1,
        "the override replaced all default keys"
    );

    assert!(update(&mut s, ch('q')).is_empty());
    assert!(!s.quit, "q is no longer quit");
    assert_eq!(update(&mut s, ch('x')), vec![Effect::Quit]);
    assert!(s.quit);
}
