use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::text;
use super::theme::Theme;
use crate::app::palette::{usage, COMMANDS};
use crate::app::{Action, Screen, State};

/// Built from the keymap in use, so overridden keys show as configured. Commands first:
/// they are few, and the key list is long.
pub fn draw(state: &State, screen: &Screen, frame: &mut Frame, area: Rect) -> super::text::Extent {
    let theme = Theme::new(&state.colors);
    let mut lines = vec![text::heading(
        "Commands (press : then type, tab completes)",
        &theme,
    )];
    for c in COMMANDS {
        let cmd = format!(":{}", usage(c));
        lines.push(Line::from(vec![
            Span::styled(format!("  {cmd:<21} "), theme.accent),
            Span::raw(c.about),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(text::heading(
        "Keys (j/k scroll, / search this page, n/N next/previous match)",
        &theme,
    ));
    // The keys a newcomer needs first: on a short terminal they must be on the first page.
    let first = [
        Action::Quit,
        Action::Help,
        Action::Enter,
        Action::Back,
        Action::Filter,
        Action::Command,
    ];
    let order = first
        .into_iter()
        .chain(Action::ALL.into_iter().filter(|a| !first.contains(a)));
    for action in order {
        let keys: Vec<String> = state
            .keymap
            .keys(action)
            .iter()
            .map(ToString::to_string)
            .collect();
        lines.push(Line::from(vec![
            Span::styled(format!("  {:<21} ", keys.join(", ")), theme.accent),
            Span::raw(action.describe()),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(text::heading("Marks", &theme));
    lines.push(Line::raw("  D/R/P    desired / running / pending tasks"));
    lines.push(Line::raw(
        "  ro       container with a read-only root file system",
    ));
    lines.push(Line::raw(
        "  stale    the last refresh failed; the data shown is older",
    ));
    lines.push(Line::raw(
        "  ▸ / ▾    a log record's folded / unfolded stack trace",
    ));
    text::draw(frame, area, &theme, "help", lines, screen)
}
