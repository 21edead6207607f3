//! `o` and `O`: the sort of the current list pane, remembered per pane kind.

use crate::app::columns::{arrow, cycle, Sort};
use crate::app::lists::column_names;
use crate::app::{Effect, State};

pub fn next_column(state: &mut State) -> Vec<Effect> {
    let Some(pane) = state.screen().view.pane() else {
        return Vec::new();
    };
    let names = column_names(pane);
    match cycle(state.sorts.get(&pane).copied(), names.len()) {
        Some(sort) => {
            state.sorts.insert(pane, sort);
        }
        None => {
            state.sorts.remove(&pane);
        }
    }
    announce(state, &names);
    Vec::new()
}

pub fn flip_order(state: &mut State) -> Vec<Effect> {
    let Some(pane) = state.screen().view.pane() else {
        return Vec::new();
    };
    let names = column_names(pane);
    // Unsorted, `O` means "the first column, backwards" rather than nothing.
    let sort = state.sorts.get(&pane).map_or(
        Sort {
            column: 0,
            descending: true,
        },
        |s| Sort {
            descending: !s.descending,
            ..*s
        },
    );
    state.sorts.insert(pane, sort);
    announce(state, &names);
    Vec::new()
}

fn announce(state: &mut State, names: &[&str]) {
    let pane = state.screen().view.pane();
    let text = match pane.and_then(|p| state.sorts.get(&p)) {
        Some(s) => format!(
            "sorted by {} {}",
            names.get(s.column).copied().unwrap_or("?"),
            arrow(s.descending)
        ),
        None => "in the order AWS lists them".into(),
    };
    state.say(text, false);
    // Back to the first row: after a sort the old row number points at an unrelated item.
    state.screen_mut().selected = 0;
}
