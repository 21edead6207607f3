//! Scrolling and searching the text panes (details, task definition, diff, help, job).
//!
//! Text wraps to the pane's width, so only a draw knows how many rows the content takes
//! and on which row each search match lands. The renderer reports that back
//! ([`TextViewport`], kept in `State::text_viewport` by the runtime after each draw) and
//! the keys here clamp and jump with it: `app/` stays pure and `ui/` only reads `State`.

use super::{Action, Effect, State, View};

/// A scroll position meaning "the end, following new lines" (`G`, or scrolling down to
/// the last row). The renderer shows the last page for it.
pub const END: u16 = u16::MAX;

/// Far enough down for any pane (before a draw has told the real end).
const UNKNOWN_LIMIT: u16 = u16::MAX / 2;

/// What the last draw learned about the text pane on top.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextViewport {
    /// The view it was drawn for (a key arriving before the next draw of another view
    /// must not use it).
    pub view: View,
    /// Rows the content takes once wrapped to the pane's width.
    pub rows: u16,
    /// Rows the pane shows.
    pub height: u16,
    /// The search the matches are for.
    pub query: String,
    /// The row each match starts on, in reading order.
    pub matches: Vec<u16>,
}

impl TextViewport {
    /// The scroll that puts the last row at the bottom of the pane.
    pub fn max_scroll(&self) -> u16 {
        self.rows.saturating_sub(self.height)
    }
}

/// Where a pane with `scroll` is shown, given its last row fits at `max`.
pub fn shown(scroll: u16, max: u16) -> u16 {
    scroll.min(max)
}

/// The panes whose content is text to scroll (the log pane has its own keys).
pub fn is_text(view: &View) -> bool {
    matches!(
        view,
        View::ServiceDetail { .. }
            | View::TaskDefinition { .. }
            | View::TaskDetail { .. }
            | View::FindingDetail { .. }
            | View::TaskDefDiff { .. }
            | View::Help
            | View::Messages
            | View::Job
    )
}

/// The scroll position after moving `delta` rows from `scroll`, with the last row at
/// `max` (`None`: not drawn yet). Reaching the end (or asking past it) returns [`END`],
/// so a growing pane keeps following its newest line.
pub fn scrolled(scroll: u16, delta: i64, max: Option<u16>) -> u16 {
    let limit = max.unwrap_or(UNKNOWN_LIMIT);
    // From END (or a stale position past the end) moving up starts at the last page.
    let from = i64::from(scroll.min(limit));
    let to = (from + delta).clamp(0, i64::from(limit));
    if delta > 0 && (to == i64::from(limit)) {
        END
    } else {
        // In range by the clamp above.
        to as u16
    }
}

/// The match to go to from match `current` (`None`: none chosen yet, go to the first
/// one at or below `top`), and whether the search wrapped around.
pub fn next_match(
    matches: &[u16],
    current: Option<usize>,
    top: u16,
    forward: bool,
) -> Option<(usize, bool)> {
    let n = matches.len();
    if n == 0 {
        return None;
    }
    Some(match (current, forward) {
        (Some(i), true) if i + 1 < n => (i + 1, false),
        (Some(_), true) => (0, true),
        (Some(i), false) if i > 0 && i <= n => (i - 1, false),
        (Some(_), false) => (n - 1, true),
        (None, true) => match matches.iter().position(|&r| r >= top) {
            Some(i) => (i, false),
            None => (0, true),
        },
        (None, false) => match matches.iter().rposition(|&r| r < top) {
            Some(i) => (i, false),
            None => (n - 1, true),
        },
    })
}

/// The viewport of the view on top, if the last draw was of it.
fn viewport(state: &State) -> Option<&TextViewport> {
    state
        .text_viewport
        .as_ref()
        .filter(|v| v.view == state.screen().view)
}

fn scroll_mut(state: &mut State) -> &mut u16 {
    let on_job = state.screen().view == View::Job;
    let i = state.stack.len() - 1;
    match state.job.as_mut() {
        Some(job) if on_job => &mut job.scroll,
        _ => &mut state.stack[i].scroll,
    }
}

/// The current scroll of the pane on top.
fn scroll(state: &State) -> u16 {
    match (&state.screen().view, &state.job) {
        (View::Job, Some(job)) => job.scroll,
        _ => state.screen().scroll,
    }
}

/// Keys of a text pane: movement clamped to its content, `n`/`N` through the search's
/// matches. `None`: not a text pane, or not one of these keys.
pub fn on_action(state: &mut State, action: Action) -> Option<Vec<Effect>> {
    if !is_text(&state.screen().view) {
        return None;
    }
    let vp = viewport(state);
    let max = vp.map(TextViewport::max_scroll);
    // A page keeps one row of the last for context.
    let page = vp.map_or(state.page_rows as i64, |v| i64::from(v.height.max(2) - 1));
    let delta = match action {
        Action::Up => -1,
        Action::Down => 1,
        Action::PageUp => -page,
        Action::PageDown => page,
        Action::Top => i64::MIN / 2,
        Action::Bottom => i64::MAX / 2,
        Action::NextMatch | Action::PrevMatch => {
            go_to_match(state, action == Action::NextMatch, false);
            return Some(Vec::new());
        }
        _ => return None,
    };
    let s = scroll_mut(state);
    *s = scrolled(*s, delta, max);
    Some(Vec::new())
}

/// After the search was typed (Enter): to the first match at or below the top of the
/// pane.
pub fn search_entered(state: &mut State) {
    if is_text(&state.screen().view) && !state.screen().filter.is_empty() {
        go_to_match(state, true, true);
    }
}

/// Scrolls to the next (or previous) match; `fresh`: a new search, start from the top
/// of the pane rather than from the current match.
fn go_to_match(state: &mut State, forward: bool, fresh: bool) {
    let query = state.screen().filter.clone();
    if query.is_empty() {
        state.say("no search yet: press / first", true);
        return;
    }
    let Some(vp) = viewport(state).filter(|v| v.query == query).cloned() else {
        // Not drawn with this search yet (cannot happen after a typed search, which draws
        // on every key): nothing known to jump to.
        return;
    };
    let max = vp.max_scroll();
    let top = shown(scroll(state), max);
    let on_screen = |row: u16| row >= top && row < top.saturating_add(vp.height);
    // Where a match may stay without scrolling: not the bottom rows, which the message
    // line about to say "match i/n" may take (up to three).
    let in_clear_view =
        |row: u16| row >= top && row < top.saturating_add(vp.height.saturating_sub(3).max(1));
    // `selected` is a list's cursor; a text pane has none and keeps its current match
    // there. Scrolled away from it, the search goes on from what is on screen.
    let current = (!fresh)
        .then_some(state.screen().selected)
        .filter(|&i| vp.matches.get(i).is_some_and(|&row| on_screen(row)));
    let Some((i, wrapped)) = next_match(&vp.matches, current, top, forward) else {
        state.say(format!("no match for “{query}”"), true);
        return;
    };
    state.screen_mut().selected = i;
    let row = vp.matches[i];
    // A match already on screen stays where it is; else it goes to the top row (or as
    // high as the end allows).
    if !in_clear_view(row) {
        // On the last page: pin to the end rather than to a row, so the match stays in
        // view when the pane shrinks (the message line saying "match 1/n" takes a row).
        *scroll_mut(state) = if row >= max { END } else { row };
    }
    let n = vp.matches.len();
    if wrapped && !fresh {
        let whence = if forward { "top" } else { "bottom" };
        state.say(
            format!("wrapped to the {whence}: match {}/{n}", i + 1),
            false,
        );
    } else {
        state.say(format!("match {}/{n}", i + 1), false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrolling_stops_at_the_last_page_and_pins_to_the_end() {
        // 10 rows past one page: j moves, and the tenth reaches (and follows) the end.
        assert_eq!(scrolled(0, 1, Some(10)), 1);
        assert_eq!(scrolled(9, 1, Some(10)), END);
        assert_eq!(scrolled(END, 1, Some(10)), END);
        // Up from the end moves at once (the bug: G then k did nothing).
        assert_eq!(scrolled(END, -1, Some(10)), 9);
        assert_eq!(scrolled(END, -5, Some(10)), 5);
        // A stale position past the end (content shrank) counts from the end.
        assert_eq!(scrolled(40, -1, Some(10)), 9);
        assert_eq!(scrolled(3, i64::MIN / 2, Some(10)), 0);
        assert_eq!(scrolled(3, i64::MAX / 2, Some(10)), END);
        assert_eq!(scrolled(0, -1, Some(10)), 0);
    }

    #[test]
    fn content_that_fits_has_nowhere_to_go() {
        assert_eq!(scrolled(0, -1, Some(0)), 0);
        assert_eq!(shown(scrolled(0, 1, Some(0)), 0), 0);
        assert_eq!(shown(scrolled(END, -3, Some(0)), 0), 0);
    }

    #[test]
    fn before_a_draw_scrolling_is_bounded_but_moves() {
        assert_eq!(scrolled(0, 3, None), 3);
        assert_eq!(scrolled(END, -1, None), UNKNOWN_LIMIT - 1);
    }

    #[test]
    fn shown_clamps_to_the_last_page() {
        assert_eq!(shown(END, 12), 12);
        assert_eq!(shown(5, 12), 5);
    }

    #[test]
    fn matches_go_forward_and_back_and_wrap() {
        let m = [3, 10, 40];
        // A new search starts at the first match at or below the top of the pane.
        assert_eq!(next_match(&m, None, 0, true), Some((0, false)));
        assert_eq!(next_match(&m, None, 11, true), Some((2, false)));
        assert_eq!(next_match(&m, None, 41, true), Some((0, true)));
        assert_eq!(next_match(&m, Some(0), 0, true), Some((1, false)));
        assert_eq!(next_match(&m, Some(2), 0, true), Some((0, true)));
        assert_eq!(next_match(&m, Some(1), 0, false), Some((0, false)));
        assert_eq!(next_match(&m, Some(0), 0, false), Some((2, true)));
        assert_eq!(next_match(&m, None, 11, false), Some((1, false)));
        assert_eq!(next_match(&[], None, 0, true), None);
    }

    fn detail() -> View {
        View::ServiceDetail {
            cluster: "production".into(),
            service: "web".into(),
        }
    }

    /// A state on a service detail whose last draw had `rows` rows in `height`.
    fn drawn(rows: u16, height: u16, query: &str, matches: Vec<u16>) -> State {
        let mut s = State::new("p".into(), "r".into(), None, crate::timefmt::Timestamp(0));
        s.stack.push(crate::app::Screen::new(detail()));
        s.screen_mut().filter = query.into();
        s.text_viewport = Some(TextViewport {
            view: detail(),
            rows,
            height,
            query: query.into(),
            matches,
        });
        s
    }

    fn act(s: &mut State, a: Action) {
        assert!(on_action(s, a).is_some(), "{a:?} is a text-pane key");
    }

    #[test]
    fn after_g_k_and_page_up_move_at_once() {
        let mut s = drawn(50, 20, "", vec![]);
        act(&mut s, Action::Bottom);
        act(&mut s, Action::Up);
        assert_eq!(s.screen().scroll, 29, "one row above the last page");
        act(&mut s, Action::Bottom);
        act(&mut s, Action::PageUp);
        assert_eq!(s.screen().scroll, 11, "a page (less a row) above the end");
    }

    #[test]
    fn j_past_the_end_does_not_pile_up() {
        let mut s = drawn(50, 20, "", vec![]);
        for _ in 0..100 {
            act(&mut s, Action::Down);
        }
        act(&mut s, Action::Up);
        assert_eq!(s.screen().scroll, 29);
    }

    #[test]
    fn a_viewport_of_another_view_is_not_used() {
        let mut s = drawn(50, 20, "", vec![]);
        s.stack.push(crate::app::Screen::new(View::Help));
        act(&mut s, Action::Bottom);
        act(&mut s, Action::Up);
        assert_eq!(s.screen().scroll, UNKNOWN_LIMIT - 1);
    }

    #[test]
    fn n_and_shift_n_go_through_matches_and_say_when_they_wrap() {
        let mut s = drawn(100, 20, "event", vec![5, 30, 90]);
        search_entered(&mut s);
        assert_eq!(
            (s.screen().selected, s.screen().scroll),
            (0, 0),
            "row 5 is on screen"
        );
        act(&mut s, Action::NextMatch);
        assert_eq!((s.screen().selected, s.screen().scroll), (1, 30));
        act(&mut s, Action::NextMatch);
        // Row 90 is on the last page: pinned to the end (the last row at the bottom,
        // whatever height the pane has once the message line takes its rows).
        assert_eq!((s.screen().selected, s.screen().scroll), (2, END));
        act(&mut s, Action::NextMatch);
        assert_eq!((s.screen().selected, s.screen().scroll), (0, 5));
        let said = s
            .status
            .as_ref()
            .map(|m| m.text.clone())
            .unwrap_or_default();
        assert!(said.contains("wrapped to the top"), "{said}");
        act(&mut s, Action::PrevMatch);
        assert_eq!(s.screen().selected, 2);
        let said = s
            .status
            .as_ref()
            .map(|m| m.text.clone())
            .unwrap_or_default();
        assert!(said.contains("wrapped to the bottom"), "{said}");
    }

    #[test]
    fn scrolled_away_from_the_match_n_goes_on_from_the_screen() {
        let mut s = drawn(100, 20, "event", vec![5, 30, 60, 90]);
        search_entered(&mut s);
        assert_eq!(s.screen().selected, 0);
        // Down to rows 40..60 with j: the next match is the one below, not row 30.
        s.screen_mut().scroll = 40;
        act(&mut s, Action::NextMatch);
        assert_eq!((s.screen().selected, s.screen().scroll), (2, 60));
        s.screen_mut().scroll = 40;
        act(&mut s, Action::PrevMatch);
        assert_eq!((s.screen().selected, s.screen().scroll), (1, 30));
    }

    #[test]
    fn a_search_without_matches_says_so() {
        let mut s = drawn(100, 20, "zzz", vec![]);
        search_entered(&mut s);
        let said = s
            .status
            .as_ref()
            .map(|m| m.text.clone())
            .unwrap_or_default();
        assert!(said.contains("no match"), "{said}");
        s.screen_mut().filter.clear();
        act(&mut s, Action::NextMatch);
        assert!(s.status.as_ref().is_some_and(|m| m.error));
    }

    #[test]
    fn lists_are_not_text_panes() {
        let mut s = drawn(50, 20, "", vec![]);
        s.stack.push(crate::app::Screen::new(View::Alerts));
        assert!(on_action(&mut s, Action::Down).is_none());
    }
}
