//! `update(&mut State, Msg) -> Vec<Effect>`: the whole behaviour of the TUI, pure.

mod actions;
mod console;
mod copy;
pub mod events;
pub mod exec;
mod findings;
pub mod fleet;
pub mod forward;
mod logs;
pub(super) mod palette;
pub mod quit;
pub mod remember;
mod secrets;
mod sort;
pub mod switch;
pub mod taskdefs;
mod typeahead;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::lists::{visible_alerts, visible_findings};
use super::lists::{visible_clusters, visible_services, visible_tasks};
use super::{Action, Effect, Input, Msg, Screen, Slot, State, View};
use crate::domain::STANDALONE;
use crate::ops::logs::LogScope;

pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
    let mut effects = dispatch(state, msg);
    effects.extend(typeahead::replay(state, on_key));
    effects.extend(remember::after(state));
    effects
}

fn dispatch(state: &mut State, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Tick(now) => {
            state.now = now;
            super::messages::expire(state);
            if state.loading() {
                state.spinner = state.spinner.wrapping_add(1);
            }
            if super::backoff::refresh_due(state) {
                refresh(state)
            } else {
                Vec::new()
            }
        }
        Msg::Key(key) => on_key(state, key),
        Msg::Paste(text) => on_paste(state, &text),
        Msg::Mouse(input) => on_mouse(state, input),
        Msg::RevisionsListed {
            req,
            family,
            result,
        } => {
            let effects = taskdefs::on_listed(state, req, &family, result);
            clamp_all(state);
            effects
        }
        Msg::RevisionsDescribed(described) => {
            taskdefs::on_described(state, described);
            Vec::new()
        }
        Msg::ClustersLoaded { req, result } => {
            if state.clusters.in_flight != Some(req) {
                return Vec::new(); // stale answer
            }
            let first_load = state.clusters.data.is_none();
            let again = finish(&mut state.clusters, state.now, result);
            let mut effects = Vec::new();
            if again {
                effects.extend(load_clusters(state));
            }
            // One cluster asked for (e.g. `--cluster production`): open it, as k9s does
            // with a namespace.
            if first_load && state.stack.len() == 1 {
                if let Some([only]) = state.clusters.data.as_deref() {
                    let name = only.name.clone();
                    state
                        .stack
                        .push(Screen::new(View::Services { cluster: name }));
                }
            }
            // A view opened before its cluster was known can load now.
            if let Some(cluster) = state.screen().view.cluster().map(str::to_string) {
                if state
                    .details
                    .get(&cluster)
                    .is_none_or(|d| d.data.is_none() && !d.is_loading())
                {
                    effects.extend(load_detail(state, &cluster));
                }
            }
            effects.extend(fleet::pump(state));
            clamp_all(state);
            effects
        }
        Msg::DetailLoaded {
            req,
            cluster,
            result,
        } => {
            let now = state.now;
            let Some(slot) = state.details.get_mut(&cluster) else {
                return Vec::new();
            };
            if slot.in_flight != Some(req) {
                return Vec::new();
            }
            let again = finish(slot, now, result);
            clamp_all(state);
            let mut effects = logs::replan(state, &cluster);
            effects.extend(findings::after_detail(state, &cluster));
            effects.extend(secrets::after_detail(state, &cluster));
            effects.extend(forward::after_detail(state, &cluster));
            if again {
                effects.extend(load_detail(state, &cluster));
            }
            effects.extend(fleet::pump(state));
            effects
        }
        Msg::Log { session, event } => {
            if let Some(pane) = state.logs.as_mut().filter(|p| p.session == session) {
                pane.on_event(event);
            }
            Vec::new()
        }
        Msg::ImagesLoaded {
            cluster,
            service,
            container,
            result,
        } => {
            actions::on_images(state, &cluster, &service, container, result);
            Vec::new()
        }
        Msg::Prepared { job, result } => actions::on_prepared(state, &job, result),
        Msg::JobProgress { id, progress } => {
            actions::on_progress(state, id, progress);
            Vec::new()
        }
        Msg::JobDone { id, outcome } => match actions::on_done(state, id, outcome) {
            // The action changed the service: show it now rather than at the next tick.
            Some(cluster) => load_detail(state, &cluster).into_iter().collect(),
            None => Vec::new(),
        },
        Msg::FindingsLoaded(found) => {
            findings::on_findings(state, found);
            fleet::after_findings(state)
        }
        Msg::MetricsLoaded {
            req,
            cluster,
            result,
        } => {
            findings::on_metrics(state, req, &cluster, result);
            Vec::new()
        }
        Msg::SecretsLoaded {
            req,
            cluster,
            secrets,
        } => {
            secrets::on_secrets(state, req, &cluster, secrets);
            Vec::new()
        }
        Msg::ImageVolumes { query, volumes } => exec::on_image_volumes(state, query, volumes),
        Msg::Forward { id, event } => forward::on_event(state, id, event),
        Msg::ExecDone(result) => {
            match result {
                Ok(text) => state.say(text, false),
                Err(text) => state.say(text, true),
            }
            Vec::new()
        }
        Msg::Switched(result) => switch::on_switched(state, result),
        Msg::Opened { label, url, result } => {
            console::on_opened(state, label, &url, result);
            Vec::new()
        }
        Msg::Saved(result) => {
            match result {
                Ok(path) => state.say(format!("saved to {path}"), false),
                Err(e) => state.say(format!("could not save: {e}"), true),
            }
            Vec::new()
        }
    }
}

/// Stores an answer; returns whether another refresh was requested meanwhile.
pub(super) fn finish<T>(
    slot: &mut Slot<T>,
    now: crate::timefmt::Timestamp,
    result: Result<T, crate::domain::Failure>,
) -> bool {
    slot.in_flight = None;
    match result {
        Ok(data) => {
            slot.data = Some(data);
            slot.fetched_at = Some(now);
            slot.error = None;
            slot.failing = None;
        }
        Err(e) => {
            slot.error = Some(e);
            let f = slot.failing.get_or_insert(super::state::Failing {
                count: 0,
                since: now,
                last: now,
            });
            f.count += 1;
            f.last = now;
        }
    }
    std::mem::take(&mut slot.again)
}

fn next_request(state: &mut State) -> u64 {
    let id = state.next_request;
    state.next_request += 1;
    id
}

/// Starts a load unless one is in flight; then marks it to run once more afterwards,
/// so a refresh spammed ten times costs at most two loads.
fn load_clusters(state: &mut State) -> Option<Effect> {
    if state.clusters.in_flight.is_some() {
        state.clusters.again = true;
        return None;
    }
    let req = next_request(state);
    state.clusters.in_flight = Some(req);
    Some(Effect::LoadClusters { req })
}

pub(super) fn load_detail(state: &mut State, cluster: &str) -> Option<Effect> {
    let c = state.cluster(cluster)?.clone();
    let req = state.next_request;
    let slot = state.details.entry(cluster.to_string()).or_default();
    if slot.in_flight.is_some() {
        slot.again = true;
        return None;
    }
    slot.in_flight = Some(req);
    state.next_request += 1;
    Some(Effect::LoadDetail { req, cluster: c })
}

/// The alerts pane covers every cluster: load the details of all of them.
pub(super) fn load_all_details(state: &mut State) -> Vec<Effect> {
    let names: Vec<String> = state
        .clusters
        .data
        .iter()
        .flatten()
        .map(|c| c.name.clone())
        .collect();
    names.iter().filter_map(|c| load_detail(state, c)).collect()
}

/// Reloads what the current view shows: the cluster list, and the open cluster's detail.
pub(super) fn refresh(state: &mut State) -> Vec<Effect> {
    state.last_refresh = Some(state.now);
    let mut effects: Vec<Effect> = load_clusters(state).into_iter().collect();
    if matches!(state.screen().view, View::Alerts | View::Events) {
        effects.extend(load_all_details(state));
        return effects;
    }
    if let Some(cluster) = state.screen().view.cluster().map(str::to_string) {
        effects.extend(load_detail(state, &cluster));
    }
    if let View::TaskDefs { family } = state.screen().view.clone() {
        effects.extend(taskdefs::load(state, &family));
    }
    effects
}

fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    // Raw mode turns off SIGINT: ctrl-c must quit from anywhere, also while typing.
    if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
        return quit(state);
    }
    if state.modal.is_some() {
        return actions::on_modal_key(state, key);
    }
    let mut effects = match state.input.clone() {
        Input::Filter => {
            edit_filter(state, key);
            if key.code == KeyCode::Enter {
                super::text_view::search_entered(state);
            }
            Vec::new()
        }
        Input::Command(text) => palette::edit(state, key, text),
        Input::Search(text) => logs::edit_search(state, key, text),
        Input::None if typeahead::hold(state, key) => Vec::new(),
        Input::None => match state.keymap.action_for(&key) {
            // Esc dismisses an error on the message line before it means back.
            Some(Action::Back) if super::messages::dismiss(state) => Vec::new(),
            Some(action) => run_action(state, action),
            None => Vec::new(),
        },
    };
    effects.extend(logs::close_if_gone(state));
    effects
}

/// A paste goes into a text field (filter, command, search, an image, a count) as typed
/// characters, line breaks and other controls dropped. Anywhere else it is ignored: pasted
/// text is no keystrokes, and it never answers a confirmation (not even a typed name).
fn on_paste(state: &mut State, text: &str) -> Vec<Effect> {
    use super::actions::Modal;
    let field = match &state.modal {
        Some(Modal::TypeImage { .. } | Modal::Scale { .. }) => true,
        Some(_) => false,
        None => state.input != Input::None,
    };
    if !field {
        state.say("paste ignored: it only goes into a text field", true);
        return Vec::new();
    }
    text.chars()
        .filter(|c| !c.is_control())
        .flat_map(|c| on_key(state, KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)))
        .collect()
}

/// An action in the current view: the log pane reads its own keys first.
fn run_action(state: &mut State, action: Action) -> Vec<Effect> {
    let in_logs = matches!(state.screen().view, View::Logs { .. });
    match in_logs.then(|| logs::on_action(state, action)).flatten() {
        Some(effects) => effects,
        None => on_action(state, action),
    }
}

/// Clicks and the wheel do what the keys do; ignored while a modal or the bottom line
/// is taking input, so a stray click cannot confirm or cancel anything.
fn on_mouse(state: &mut State, input: super::MouseInput) -> Vec<Effect> {
    if state.modal.is_some() || state.input != Input::None {
        return Vec::new();
    }
    match input {
        super::MouseInput::Click { row, double } => {
            let Some(n) = row_count(state, state.screen()) else {
                return Vec::new();
            };
            if row >= n {
                return Vec::new();
            }
            state.screen_mut().selected = row;
            if double {
                drill_in(state)
            } else {
                Vec::new()
            }
        }
        super::MouseInput::Wheel(turns) => {
            let action = if turns < 0 { Action::Up } else { Action::Down };
            (0..turns.unsigned_abs())
                .flat_map(|_| run_action(state, action))
                .collect()
        }
    }
}

fn edit_filter(state: &mut State, key: KeyEvent) {
    let screen = state.screen_mut();
    match key.code {
        KeyCode::Enter => state.input = Input::None,
        KeyCode::Esc => {
            screen.filter.clear();
            screen.selected = 0;
            state.input = Input::None;
        }
        KeyCode::Backspace => {
            screen.filter.pop();
            screen.selected = 0;
        }
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
            screen.filter.push(c);
            screen.selected = 0;
        }
        _ => {}
    }
}

pub(super) fn error(state: &mut State, text: &str) -> Vec<Effect> {
    state.say(text, true);
    Vec::new()
}

/// Quits, or asks first while an action runs (`quit`).
pub(super) fn quit(state: &mut State) -> Vec<Effect> {
    quit::quit(state)
}

/// The cluster the user is in or pointing at.
pub(super) fn context_cluster(state: &State) -> Option<String> {
    match &state.screen().view {
        View::Clusters => selected_cluster(state),
        v => v.cluster().map(str::to_string),
    }
}

/// The service the user is in or pointing at; never the standalone tasks' pseudo-owner
/// (deploy, findings, task definition have no meaning there).
pub(super) fn context_service(state: &State) -> Option<(String, String)> {
    context_owner(state).filter(|(_, s)| s != STANDALONE)
}

fn context_owner(state: &State) -> Option<(String, String)> {
    match &state.screen().view {
        View::Services { cluster } => selected_service(state).map(|s| (cluster.clone(), s)),
        View::Tasks { cluster, service }
        | View::ServiceDetail { cluster, service }
        | View::TaskDefinition { cluster, service }
        | View::TaskDetail {
            cluster, service, ..
        }
        | View::Logs { cluster, service } => Some((cluster.clone(), service.clone())),
        View::Findings {
            cluster,
            service: Some(service),
        } => Some((cluster.clone(), service.clone())),
        View::Findings { service: None, .. }
        | View::FindingDetail { .. }
        | View::Clusters
        | View::Help
        | View::Messages
        | View::Job
        | View::Alerts
        | View::Forwards
        | View::Events
        | View::TaskDefs { .. }
        | View::TaskDefDiff { .. } => None,
    }
}

fn selected_cluster(state: &State) -> Option<String> {
    let s = state.screen();
    visible_clusters(state, &s.filter)
        .get(s.selected)
        .map(|c| c.name.clone())
}

fn selected_service(state: &State) -> Option<String> {
    let s = state.screen();
    let View::Services { cluster } = &s.view else {
        return None;
    };
    visible_services(state, cluster, &s.filter)
        .get(s.selected)
        .map(|x| x.name.clone())
}

fn selected_task(state: &State) -> Option<String> {
    let s = state.screen();
    let View::Tasks { cluster, service } = &s.view else {
        return None;
    };
    visible_tasks(state, cluster, service, &s.filter)
        .get(s.selected)
        .map(|t| t.id.clone())
}

/// Rows in a list view after its filter; `None` for text views.
fn row_count(state: &State, screen: &Screen) -> Option<usize> {
    match &screen.view {
        View::Clusters => Some(visible_clusters(state, &screen.filter).len()),
        View::Services { cluster } => Some(visible_services(state, cluster, &screen.filter).len()),
        View::Tasks { cluster, service } => {
            Some(visible_tasks(state, cluster, service, &screen.filter).len())
        }
        View::Findings { cluster, service } => {
            Some(visible_findings(state, cluster, service.as_deref(), &screen.filter).len())
        }
        View::Alerts => Some(visible_alerts(state, &screen.filter).len()),
        View::Forwards => Some(forward::visible(state, &screen.filter).len()),
        View::Events => Some(super::events::visible_events(state, &screen.filter).len()),
        View::TaskDefs { family } => Some(taskdefs::visible(state, family, &screen.filter).len()),
        _ => None,
    }
}

fn clamp_all(state: &mut State) {
    for i in 0..state.stack.len() {
        if let Some(n) = row_count(state, &state.stack[i]) {
            let s = &mut state.stack[i];
            s.selected = s.selected.min(n.saturating_sub(1));
        }
    }
}

/// Pushes a view and loads its cluster's data if it has none yet.
pub(super) fn open(state: &mut State, view: View) -> Vec<Effect> {
    let cluster = view.cluster().map(str::to_string);
    state.stack.push(Screen::new(view));
    match cluster {
        Some(c) if state.details.get(&c).is_none_or(|d| d.data.is_none()) => {
            load_detail(state, &c).into_iter().collect()
        }
        _ => Vec::new(),
    }
}

pub(super) fn on_action(state: &mut State, action: Action) -> Vec<Effect> {
    if let Some(effects) = forward::on_action(state, action) {
        return effects;
    }
    if let Some(effects) = actions::on_action(state, action) {
        return effects;
    }
    if let Some(effects) = super::text_view::on_action(state, action) {
        return effects;
    }
    let page = state.page_rows.max(1);
    match action {
        Action::Quit => quit(state),
        Action::Up => move_by(state, -1),
        Action::Down => move_by(state, 1),
        Action::PageUp => move_by(state, -(page as i64)),
        Action::PageDown => move_by(state, page as i64),
        Action::Top => move_by(state, i64::MIN / 2),
        Action::Bottom => move_by(state, i64::MAX / 2),
        Action::Refresh => {
            state.say("refreshing…", false);
            refresh(state)
        }
        Action::Help => {
            if state.screen().view != View::Help {
                state.stack.push(Screen::new(View::Help));
            }
            Vec::new()
        }
        Action::Back => {
            let screen = state.screen_mut();
            if !screen.filter.is_empty() {
                screen.filter.clear();
                screen.selected = 0;
            } else if state.stack.len() > 1 {
                state.stack.pop();
            }
            Vec::new()
        }
        Action::Filter => {
            // In a list it filters; in a text pane it searches (`text_view`).
            let view = &state.screen().view;
            if row_count(state, state.screen()).is_some() || super::text_view::is_text(view) {
                state.input = Input::Filter;
            }
            Vec::new()
        }
        Action::Command => {
            state.input = Input::Command(String::new());
            Vec::new()
        }
        Action::Enter => drill_in(state),
        Action::Logs => match state.screen().view.clone() {
            View::Services { cluster } => match selected_service(state) {
                Some(service) => logs::open(state, cluster, service, LogScope::service()),
                None => Vec::new(),
            },
            View::ServiceDetail { cluster, service } => {
                logs::open(state, cluster, service, LogScope::service())
            }
            View::Tasks { cluster, service } => match selected_task(state) {
                Some(task) => logs::open(state, cluster, service, LogScope::task(&task)),
                None => Vec::new(),
            },
            View::TaskDetail {
                cluster,
                service,
                task,
            } => logs::open(state, cluster, service, LogScope::task(&task)),
            _ => Vec::new(),
        },
        // Space marks the diff's base among a family's revisions.
        Action::Follow => match state.screen().view.clone() {
            View::TaskDefs { family } => taskdefs::mark(state, &family),
            _ => Vec::new(),
        },
        // Log-pane keys elsewhere do nothing.
        Action::NextMatch
        | Action::PrevMatch
        | Action::LevelFilter
        | Action::ContainerFilter
        | Action::Wrap
        | Action::TimeRange
        | Action::Save => Vec::new(),
        // Handled by actions::on_action above.
        Action::Deploy
        | Action::Migrate
        | Action::Restart
        | Action::Rollback
        | Action::Scale
        | Action::StopTask => Vec::new(),
        Action::Exec => exec::open(state, false),
        // Taken by forward::on_action first.
        Action::Forward => Vec::new(),
        Action::SortColumn => sort::next_column(state),
        Action::SortOrder => sort::flip_order(state),
        Action::Copy => copy::copy(state),
        Action::ConsoleUrl => console::open(state),
        Action::StandaloneTasks => open_standalone(state),
        Action::Findings => match context_service(state) {
            Some((cluster, service)) => findings::open_findings(state, cluster, Some(service)),
            None => match context_cluster(state) {
                Some(cluster) => findings::open_findings(state, cluster, None),
                None => Vec::new(),
            },
        },
        Action::NextPane => match state.screen().view {
            View::Clusters | View::Services { .. } => drill_in(state),
            _ => {
                state.stack.truncate(1);
                Vec::new()
            }
        },
        Action::Details => match state.screen().view.clone() {
            View::Services { cluster } => match selected_service(state) {
                Some(service) => open(state, View::ServiceDetail { cluster, service }),
                None => Vec::new(),
            },
            // A task's details are where Enter goes too.
            View::Tasks { .. } => drill_in(state),
            _ => Vec::new(),
        },
        Action::TaskDefinition => match context_service(state) {
            Some((cluster, service))
                if !matches!(state.screen().view, View::TaskDefinition { .. }) =>
            {
                open(state, View::TaskDefinition { cluster, service })
            }
            _ => Vec::new(),
        },
    }
}

/// `M` / `:standalone`: the standalone tasks (migrations, one-offs) of the cluster the
/// user is in or pointing at.
pub(super) fn open_standalone(state: &mut State) -> Vec<Effect> {
    let Some(cluster) = context_cluster(state) else {
        return error(state, "select a cluster first");
    };
    let view = View::Tasks {
        cluster,
        service: STANDALONE.to_string(),
    };
    if state.screen().view == view {
        return Vec::new();
    }
    open(state, view)
}

fn drill_in(state: &mut State) -> Vec<Effect> {
    match state.screen().view.clone() {
        View::TaskDefs { family } => taskdefs::drill(state, &family),
        View::Findings { cluster, service } => findings::drill(state, &cluster, service.as_deref()),
        View::Events => events::drill(state),
        // An alert leads to its service: deployments, events, load and findings; a
        // standalone task's alert to that task.
        View::Alerts => {
            let s = state.screen();
            // A collapsed group of several services opens first.
            let selected = visible_alerts(state, &s.filter)
                .get(s.selected)
                .cloned()
                .cloned();
            if selected.is_some_and(|a| events::expand(state, &a)) {
                return Vec::new();
            }
            let s = state.screen();
            let target = visible_alerts(state, &s.filter)
                .get(s.selected)
                .map(|a| (a.cluster.clone(), a.service.clone(), a.task.clone()));
            match target {
                Some((cluster, service, Some(task))) if service == STANDALONE => open(
                    state,
                    View::TaskDetail {
                        cluster,
                        service,
                        task,
                    },
                ),
                Some((cluster, service, _)) => {
                    open(state, View::ServiceDetail { cluster, service })
                }
                None => Vec::new(),
            }
        }
        View::Clusters => match selected_cluster(state) {
            Some(cluster) => open(state, View::Services { cluster }),
            None => Vec::new(),
        },
        View::Services { cluster } => match selected_service(state) {
            Some(service) => open(state, View::Tasks { cluster, service }),
            None => Vec::new(),
        },
        View::Tasks { cluster, service } => match selected_task(state) {
            Some(task) => open(
                state,
                View::TaskDetail {
                    cluster,
                    service,
                    task,
                },
            ),
            None => Vec::new(),
        },
        _ => Vec::new(),
    }
}

fn move_by(state: &mut State, delta: i64) -> Vec<Effect> {
    let count = row_count(state, state.screen());
    let screen = state.screen_mut();
    match count {
        Some(n) => {
            let max = n.saturating_sub(1) as i64;
            screen.selected = (screen.selected as i64 + delta).clamp(0, max) as usize;
        }
        None => {
            screen.scroll =
                (i64::from(screen.scroll) + delta).clamp(0, i64::from(u16::MAX / 2)) as u16;
        }
    }
    Vec::new()
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;

#[cfg(test)]
#[path = "comfort_tests.rs"]
mod comfort_tests;

#[cfg(test)]
#[path = "standalone_tests.rs"]
mod standalone_tests;
