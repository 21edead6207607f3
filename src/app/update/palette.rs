//! Editing and running `:` commands; the command table and completion are in `palette`.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::findings;
use super::{context_cluster, context_service, error, load_all_details, on_action, open};
use crate::app::palette::{self, Arg};
use crate::app::{Action, Effect, Input, Screen, State, View};

pub fn edit(state: &mut State, key: KeyEvent, mut text: String) -> Vec<Effect> {
    // Tab and Shift-Tab go round the candidates; any other key ends the round.
    let round = state.palette_tab.take();
    match key.code {
        KeyCode::Esc => state.input = Input::None,
        KeyCode::Backspace => {
            if text.pop().is_none() {
                state.input = Input::None;
            } else {
                state.input = Input::Command(text);
            }
        }
        KeyCode::Enter => {
            state.input = Input::None;
            return run(state, text.trim());
        }
        KeyCode::Tab | KeyCode::BackTab => {
            let back = key.code == KeyCode::BackTab;
            match cycle(state, round, &text, back) {
                Some((shown, round)) => {
                    state.input = Input::Command(shown);
                    state.palette_tab = Some(round);
                }
                None => {
                    if let Some(done) = palette::complete(&text, &suggestions(state, &text)) {
                        state.input = Input::Command(done);
                    }
                }
            }
        }
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
            text.push(c);
            state.input = Input::Command(text);
        }
        _ => {}
    }
    Vec::new()
}

/// Tab once the typed text is completed as far as its candidates agree: the next (or,
/// `back`, the previous) candidate, and the round to remember (what was typed, which
/// candidate is shown). `None` when Tab should complete instead (the text still extends,
/// or there is one candidate or none).
fn cycle(
    state: &State,
    round: Option<(String, usize)>,
    text: &str,
    back: bool,
) -> Option<(String, (String, usize))> {
    // Still going round: the text on the line is the candidate we put there.
    if let Some((typed, at)) = round {
        let all = suggestions(state, &typed);
        if all.len() > 1 && all.get(at).is_some_and(|c| c == text) {
            let next = if back {
                (at + all.len() - 1) % all.len()
            } else {
                (at + 1) % all.len()
            };
            return Some((all[next].clone(), (typed, next)));
        }
    }
    let all = suggestions(state, text);
    if all.len() < 2 || (!back && palette::complete(text, &all).is_some()) {
        return None;
    }
    let first = if back { all.len() - 1 } else { 0 };
    Some((all[first].clone(), (text.to_string(), first)))
}

/// What the typed text could complete to, with the argument values known now (the
/// footer lists them while typing).
pub fn suggestions(state: &State, text: &str) -> Vec<String> {
    palette::suggestions(text, |arg| values(state, arg))
}

fn values(state: &State, arg: Arg) -> Vec<String> {
    match arg {
        Arg::Profile => super::switch::candidates(state, "profile"),
        Arg::Region => super::switch::candidates(state, "region"),
        Arg::Cluster => state
            .clusters
            .data
            .iter()
            .flatten()
            .map(|c| c.name.clone())
            .collect(),
        Arg::Family => {
            let mut families: Vec<String> = state
                .details
                .values()
                .filter_map(|d| d.data.as_ref())
                .flat_map(|d| &d.services)
                .filter_map(|s| crate::domain::family_and_revision(&s.task_definition_arn))
                .map(|(f, _)| f)
                .collect();
            families.sort();
            families.dedup();
            families
        }
    }
}

pub fn run(state: &mut State, line: &str) -> Vec<Effect> {
    if line.is_empty() {
        return Vec::new();
    }
    let (word, arg) = line
        .split_once(' ')
        .map_or((line, ""), |(w, a)| (w, a.trim()));
    let Some(command) = palette::find(word) else {
        return error(
            state,
            &format!("unknown command :{word} (:help lists them)"),
        );
    };
    match command.name {
        "quit" => super::quit(state),
        "help" => on_action(state, Action::Help),
        "doctor" => super::exec::open(state, true),
        "forwards" => super::forward::open_list(state),
        "logs" => {
            let before = state.stack.len();
            let effects = on_action(state, Action::Logs);
            if state.stack.len() == before && !matches!(state.screen().view, View::Logs { .. }) {
                return error(state, "select a service or task first");
            }
            effects
        }
        "taskdefs" => super::taskdefs::open(state, arg),
        "findings" => match context_cluster(state) {
            Some(cluster) => findings::open_findings(state, cluster, None),
            None => error(state, "select a cluster first"),
        },
        "alerts" => {
            if state.screen().view != View::Alerts {
                state.stack.push(Screen::new(View::Alerts));
            }
            load_all_details(state)
        }
        "events" => super::events::open(state),
        "job" => {
            if state.job.is_none() {
                return error(state, "no action has run yet");
            }
            if state.screen().view != View::Job {
                state.stack.push(Screen::new(View::Job));
            }
            Vec::new()
        }
        "messages" => {
            if state.screen().view != View::Messages {
                state.stack.push(Screen::new(View::Messages));
            }
            Vec::new()
        }
        "clusters" => {
            state.stack.truncate(1);
            Vec::new()
        }
        "services" => {
            let cluster = if arg.is_empty() {
                context_cluster(state)
            } else {
                state.cluster(arg).map(|c| c.name.clone())
            };
            match cluster {
                Some(cluster) => {
                    state.stack.truncate(1);
                    open(state, View::Services { cluster })
                }
                None if !arg.is_empty() => error(state, &format!("no cluster named {arg}")),
                None => error(state, "select a cluster first"),
            }
        }
        "tasks" => match context_service(state) {
            Some((cluster, service)) => {
                state.stack.truncate(1);
                state.stack.push(Screen::new(View::Services {
                    cluster: cluster.clone(),
                }));
                open(state, View::Tasks { cluster, service })
            }
            None => error(state, "select a service first"),
        },
        "standalone" => super::open_standalone(state),
        "profile" | "region" => super::switch::command(state, command.name, arg),
        // Every name in the table has an arm above; a new one shows up here in tests.
        other => error(state, &format!(":{other} is not wired up")),
    }
}
