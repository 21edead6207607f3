use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::text;
use super::theme::Theme;
use crate::app::{Action, Screen, State};

/// Built from the keymap in use, so overridden keys show as configured. Commands first:
/// they are few, and the key list is long.
pub fn draw(state: &State, screen: &Screen, frame: &mut Frame, area: Rect) {
    let theme = Theme::new(&state.colors);
    let mut lines = vec![text::heading(
        "Commands (press : then type, tab completes)",
        &theme,
    )];
    for (cmd, what) in [
        (":clusters", "the cluster list"),
        (":services", "services of the current cluster"),
        (":tasks", "tasks of the current service"),
        (":findings", "image-scan findings of the cluster"),
        (":alerts", "what needs attention, every cluster"),
        (":doctor", "why exec would fail for the selected task"),
        (":job", "the last action (deploy, migrate, ...)"),
        (":profile NAME", "switch AWS profile (and to its region)"),
        (":region NAME", "switch region"),
        (":help", "this page"),
        (":q", "leave toadtop"),
    ] {
        lines.push(Line::from(vec![
            Span::styled(format!("  {cmd:<18}"), theme.accent),
            Span::raw(what),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(text::heading("Keys (j/k scroll this page)", &theme));
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
            Span::styled(format!("  {:<18}", keys.join(", ")), theme.accent),
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
    text::draw(frame, area, &theme, "help", lines, screen.scroll);
}
