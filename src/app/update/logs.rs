//! The log pane's part of `update`: opening, keys, follower events, re-planning.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::logs::{Found, LogPane};
use crate::app::{Action, Effect, Input, Screen, State, View};
use crate::ops::logs::{plan, plan_tasks, LogPlan, LogScope};

/// `l`: logs of the selected service or task.
pub fn open(state: &mut State, cluster: String, service: String, scope: LogScope) -> Vec<Effect> {
    let Some(p) = plan_of(state, &cluster, &service, &scope) else {
        state.say("the service is still loading", true);
        return Vec::new();
    };
    if p.sources.is_empty() {
        let why = if p.unavailable.is_empty() {
            "it has no tasks".to_string()
        } else {
            p.unavailable.join("; ")
        };
        state.say(format!("no CloudWatch logs for {service}: {why}"), true);
        return Vec::new();
    }
    let mut effects = close(state);
    let session = state.next_request;
    state.next_request += 1;
    let settings = state.log_settings.clone();
    let since_ms = state.now.millis() - settings.since.as_millis() as i64;
    effects.push(Effect::StartLogs {
        session,
        plan: p.clone(),
        since_ms,
        live_tail: settings.live_tail,
    });
    state.logs = Some(LogPane::new(
        session,
        cluster.clone(),
        service.clone(),
        scope,
        p,
        settings.buffer_records,
        settings.since,
    ));
    state
        .stack
        .push(Screen::new(View::Logs { cluster, service }));
    effects
}

/// The streams of a service's tasks, or with `service` = STANDALONE of the cluster's
/// standalone tasks (a scope names the task).
fn plan_of(state: &State, cluster: &str, service: &str, scope: &LogScope) -> Option<LogPlan> {
    if service == crate::domain::STANDALONE {
        let tasks = state.tasks_of(cluster, service)?;
        let arn = tasks.first().map_or("", |t| t.arn.as_str());
        return Some(plan_tasks(arn, tasks, scope));
    }
    Some(plan(state.service(cluster, service)?, scope))
}

/// Stops the follower and forgets the pane.
pub fn close(state: &mut State) -> Vec<Effect> {
    match state.logs.take() {
        Some(pane) => vec![Effect::StopLogs {
            session: pane.session,
        }],
        None => Vec::new(),
    }
}

/// The pane left the navigation stack (esc, `:clusters`, tab): stop following.
pub fn close_if_gone(state: &mut State) -> Vec<Effect> {
    let open = state
        .stack
        .iter()
        .any(|s| matches!(s.view, View::Logs { .. }));
    if state.logs.is_some() && !open {
        close(state)
    } else {
        Vec::new()
    }
}

/// New task list for the pane's cluster: new tasks (after a deploy) join the stream.
pub fn replan(state: &mut State, cluster: &str) -> Vec<Effect> {
    let Some(pane) = &state.logs else {
        return Vec::new();
    };
    if pane.cluster != cluster {
        return Vec::new();
    }
    let Some(next) = plan_of(state, cluster, &pane.service, &pane.scope) else {
        return Vec::new();
    };
    if next.sources.is_empty() || next == pane.plan {
        return Vec::new();
    }
    let session = pane.session;
    if let Some(pane) = &mut state.logs {
        pane.plan = next.clone();
    }
    vec![Effect::UpdateLogPlan {
        session,
        plan: next,
    }]
}

/// Keys while the log pane is on top. `None`: not a log-pane key.
pub fn on_action(state: &mut State, action: Action) -> Option<Vec<Effect>> {
    let page = state.page_rows.max(1) as i64;
    let pane = state.logs.as_mut()?;
    match action {
        Action::Up => pane.move_by(-1),
        Action::Down => pane.move_by(1),
        Action::PageUp => pane.move_by(-page),
        Action::PageDown => pane.move_by(page),
        Action::Top => pane.top(),
        Action::Bottom => pane.bottom(),
        Action::Enter => pane.toggle_expand(),
        Action::Follow => pane.toggle_follow(),
        Action::LevelFilter => pane.cycle_level(),
        Action::ContainerFilter => pane.cycle_container(),
        Action::Wrap => pane.wrap = !pane.wrap,
        Action::Filter => state.input = Input::Search(pane.search.clone()),
        Action::NextMatch | Action::PrevMatch => {
            if pane.search.is_empty() {
                state.say("no search yet: press / first", true);
            } else {
                let forward = action == Action::NextMatch;
                match pane.find(forward) {
                    Found::Next => {}
                    Found::Wrapped => {
                        let end = if forward { "top" } else { "bottom" };
                        state.say(format!("search wrapped to {end}"), false);
                    }
                    Found::Nothing => {
                        let text = format!("no match for “{}”", pane.search);
                        state.say(text, true);
                    }
                }
            }
        }
        Action::TimeRange => {
            let since = pane.next_since();
            // Taken, not cloned: the buffer may hold 50,000 records.
            let Some(old) = state.logs.take() else {
                return Some(Vec::new());
            };
            state.stack.pop();
            let saved = state.log_settings.since;
            state.log_settings.since = since;
            let mut effects = vec![Effect::StopLogs {
                session: old.session,
            }];
            let (cluster, service, scope) =
                (old.cluster.clone(), old.service.clone(), old.scope.clone());
            effects.extend(open(state, cluster, service, scope));
            state.log_settings.since = saved;
            // Further back, the same view: filters, search, unfolded records, pause.
            if let Some(pane) = state.logs.as_mut() {
                pane.carry_over(&old);
            }
            return Some(effects);
        }
        Action::Save => {
            let name = format!(
                "{}-{}-{}.log",
                pane.cluster,
                pane.service,
                state.now.rfc3339().replace([':', '-'], "")
            );
            let contents = pane.export();
            return Some(vec![Effect::SaveFile { name, contents }]);
        }
        Action::Back => {
            state.stack.pop();
            return Some(close(state));
        }
        _ => return None,
    }
    Some(Vec::new())
}

/// Typing a search: Enter jumps to the newest match, Esc cancels.
pub fn edit_search(state: &mut State, key: KeyEvent, mut text: String) -> Vec<Effect> {
    match key.code {
        KeyCode::Esc => state.input = Input::None,
        KeyCode::Enter => {
            state.input = Input::None;
            if let Some(pane) = &mut state.logs {
                pane.search = text.clone();
                if !text.is_empty() && !pane.find_newest() {
                    state.say(format!("no match for “{text}”"), true);
                }
            }
        }
        KeyCode::Backspace => {
            text.pop();
            state.input = Input::Search(text);
        }
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
            text.push(c);
            state.input = Input::Search(text);
        }
        _ => {}
    }
    Vec::new()
}

#[cfg(test)]
#[path = "logs_tests.rs"]
mod tests;
