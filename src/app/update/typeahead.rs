//! Keys typed while a list pane waits for its first rows are kept and applied once the
//! rows are there: `j j enter` typed right after opening services selects the third
//! service, as it would have with the rows on screen.
//!
//! Only keys that look and move are kept; a mutating action (deploy, migrate, stop, exec,
//! ...) is never replayed: it runs when typed (and then has nothing selected), and a
//! confirmation opening during a replay drops the rest, as it drops queued terminal
//! input (`app::confirm`, `Effect::DropQueuedInput`).

use crossterm::event::{KeyCode, KeyEvent};

use crate::app::{Action, Effect, Input, State, View};

/// At most this many keys wait; more are dropped (a held-down `j` is no plan).
pub const MAX_KEYS: usize = 32;

/// Whether the current pane is a list still waiting for its first rows.
pub fn waiting(state: &State) -> bool {
    let clusters_loading = state.clusters.data.is_none() && state.clusters.is_loading();
    match &state.screen().view {
        View::Clusters => clusters_loading,
        View::Services { cluster } | View::Tasks { cluster, .. } => {
            match state.details.get(cluster) {
                Some(slot) => slot.data.is_none() && slot.is_loading(),
                // Not asked for yet: it is, once the cluster list is in.
                None => clusters_loading,
            }
        }
        View::TaskDefs { family } => state
            .taskdefs
            .get(family)
            .is_some_and(|slot| slot.data.is_none() && slot.is_loading()),
        _ => false,
    }
}

/// Keys that move or look, and so can wait for rows.
fn keeps(action: Action) -> bool {
    matches!(
        action,
        Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom
            | Action::Enter
            | Action::NextPane
            | Action::Filter
            | Action::Details
            | Action::Logs
            | Action::TaskDefinition
            | Action::Findings
    )
}

/// Whether `key` (an `action` or none) waits instead of running now. Once keys wait,
/// the ones after them wait too (they may be a filter's text), except Esc: it drops
/// what waits and goes back at once.
pub fn hold(state: &mut State, key: KeyEvent) -> bool {
    let action = state.keymap.action_for(&key);
    if state.modal.is_some() || state.input != Input::None {
        return false;
    }
    if key.code == KeyCode::Esc {
        state.typeahead.clear();
        return false;
    }
    let queue = !state.typeahead.is_empty() || (waiting(state) && action.is_some_and(keeps));
    if !queue {
        return false;
    }
    if state.typeahead.len() < MAX_KEYS {
        state.typeahead.push_back(key);
    }
    true
}

/// Applies the waiting keys once the pane has its rows, through `on_key`; stops (and
/// keeps the rest waiting) if a key opens another pane that loads.
pub fn replay(state: &mut State, on_key: fn(&mut State, KeyEvent) -> Vec<Effect>) -> Vec<Effect> {
    let mut effects = Vec::new();
    if state.typeahead.is_empty() || waiting(state) {
        return effects;
    }
    let mut keys = std::mem::take(&mut state.typeahead);
    while let Some(key) = keys.pop_front() {
        if state.modal.is_some() {
            // A confirmation takes no keys typed before it opened.
            keys.clear();
            break;
        }
        let action = state.keymap.action_for(&key);
        // A mutating key never runs late (it is only replayed as a filter's text).
        if state.input == Input::None && action.is_some_and(|a| !keeps(a) && !plain(a)) {
            continue;
        }
        effects.extend(on_key(state, key));
        if waiting(state) {
            state.typeahead = keys;
            return effects;
        }
    }
    effects
}

/// Actions that only look (no effect on AWS, no modal): safe to replay as well.
fn plain(action: Action) -> bool {
    matches!(
        action,
        Action::Command
            | Action::Help
            | Action::Refresh
            | Action::SortColumn
            | Action::SortOrder
            | Action::StandaloneTasks
            | Action::Back
            | Action::Quit
    )
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use crate::app::{update, visible_services, Effect, Input, Msg, State, View};
    use crate::fixtures;

    fn key(code: KeyCode) -> Msg {
        Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    fn ch(c: char) -> Msg {
        key(KeyCode::Char(c))
    }

    /// Clusters loaded, production's services asked for and not answered yet.
    fn opening_services() -> (State, u64) {
        let mut s = fixtures::state_with(fixtures::production());
        s.details.remove("production");
        let effects = update(&mut s, key(KeyCode::Enter));
        let req = match effects.as_slice() {
            [Effect::LoadDetail { req, .. }] => *req,
            other => panic!("expected one detail load, got {other:?}"),
        };
        assert!(super::waiting(&s));
        (s, req)
    }

    fn answer(s: &mut State, req: u64) -> Vec<Effect> {
        update(
            s,
            Msg::DetailLoaded {
                req,
                cluster: "production".into(),
                result: Ok(fixtures::production()),
            },
        )
    }

    #[test]
    fn keys_typed_while_services_load_select_once_they_arrive() {
        let (mut s, req) = opening_services();
        for m in [ch('j'), ch('j'), key(KeyCode::Enter)] {
            assert!(update(&mut s, m).is_empty());
        }
        assert_eq!(s.typeahead.len(), 3);
        answer(&mut s, req);
        assert!(s.typeahead.is_empty());
        let third = visible_services(
            &fixtures::state_with(fixtures::production()),
            "production",
            "",
        )[2]
        .name
        .clone();
        assert_eq!(
            s.screen().view,
            View::Tasks {
                cluster: "production".into(),
                service: third
            }
        );
    }

    #[test]
    fn a_mutating_key_is_never_replayed_and_esc_drops_the_wait() {
        let (mut s, req) = opening_services();
        update(&mut s, ch('j'));
        // `d` while rows load: not kept for later (it says there is nothing selected).
        update(&mut s, ch('R'));
        update(&mut s, ch('d'));
        answer(&mut s, req);
        assert!(s.modal.is_none(), "{:?}", s.modal);
        assert_eq!(s.screen().selected, 1);

        let (mut s, req) = opening_services();
        update(&mut s, ch('j'));
        update(&mut s, key(KeyCode::Esc));
        assert!(s.typeahead.is_empty());
        answer(&mut s, req);
        assert_eq!(s.screen().view, View::Clusters);
    }

    #[test]
    fn a_filter_typed_while_loading_is_typed_into_the_filter() {
        let (mut s, req) = opening_services();
        for c in "/worker".chars() {
            update(&mut s, ch(c));
        }
        update(&mut s, key(KeyCode::Enter));
        answer(&mut s, req);
        assert_eq!(s.screen().filter, "worker");
        assert_eq!(s.input, Input::None);
    }

    #[test]
    fn the_wait_is_bounded() {
        let (mut s, _) = opening_services();
        for _ in 0..100 {
            update(&mut s, ch('j'));
        }
        assert_eq!(s.typeahead.len(), super::MAX_KEYS);
    }

    #[test]
    fn tab_goes_round_the_palette_candidates_and_shift_tab_back() {
        let mut s = fixtures::state_with(fixtures::production());
        update(&mut s, ch(':'));
        update(&mut s, ch('t'));
        // `t`: tasks and taskdefs share `task`: the first Tab completes that far.
        update(&mut s, key(KeyCode::Tab));
        assert_eq!(s.input, Input::Command("task".into()));
        update(&mut s, key(KeyCode::Tab));
        assert_eq!(s.input, Input::Command("tasks".into()));
        update(&mut s, key(KeyCode::Tab));
        assert_eq!(s.input, Input::Command("taskdefs".into()));
        update(&mut s, key(KeyCode::Tab));
        assert_eq!(s.input, Input::Command("tasks".into()));
        update(&mut s, key(KeyCode::BackTab));
        assert_eq!(s.input, Input::Command("taskdefs".into()));
        // Typing ends the round: Tab completes from the new text.
        update(&mut s, key(KeyCode::Backspace));
        assert_eq!(s.palette_tab, None);
        update(&mut s, key(KeyCode::Tab));
        assert_eq!(s.input, Input::Command("taskdefs ".into()));
    }
}
