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
        (":job", "the last action (deploy, migrate, ...)"),
        (":help", "this page"),
        (":q", "quit"),
    ] {
        lines.push(Line::from(vec![
            Span::styled(format!("  {cmd:<18}"), theme.accent),
            Span::raw(what),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(text::heading("Keys (j/k scroll this page)", &theme));
    for action in Action::ALL {
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
