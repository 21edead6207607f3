use ratatui::layout::Rect;
use ratatui::style::Stylize;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::theme::Theme;
use crate::app::{Action, Input, State, View};

pub fn draw(state: &State, frame: &mut Frame, area: Rect) {
    let theme = Theme::new(&state.colors);
    let line = match &state.input {
        Input::Filter => Line::from(vec![
            Span::styled("/", theme.accent),
            Span::raw(state.screen().filter.clone()),
            Span::styled("▏", theme.accent),
            Span::styled("  enter keep · esc clear", theme.dim),
        ]),
        Input::Command(text) => Line::from(vec![
            Span::styled(":", theme.accent),
            Span::raw(text.clone()),
            Span::styled("▏", theme.accent),
            Span::styled("  tab complete · enter run · esc cancel", theme.dim),
        ]),
        Input::None => {
            let mut spans = Vec::new();
            for (action, label) in hints(&state.screen().view) {
                spans.push(Span::styled(
                    format!(" {} ", state.keymap.label(action)),
                    theme.accent.reversed(),
                ));
                spans.push(Span::styled(format!(" {label} "), theme.dim));
            }
            if !state.screen().filter.is_empty() {
                spans.push(Span::styled(
                    format!(" filter: {}", state.screen().filter),
                    theme.warn,
                ));
            }
            Line::from(spans)
        }
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// The keys that do something in a view, most useful first (the line cuts off on the right).
pub fn hints(view: &View) -> Vec<(Action, &'static str)> {
    let mut h = match view {
        View::Clusters => vec![(Action::Enter, "services"), (Action::Filter, "filter")],
        View::Services { .. } => vec![
            (Action::Enter, "tasks"),
            (Action::Details, "details"),
            (Action::TaskDefinition, "task def"),
            (Action::Filter, "filter"),
            (Action::Back, "back"),
        ],
        View::Tasks { .. } => vec![
            (Action::Enter, "task"),
            (Action::TaskDefinition, "task def"),
            (Action::Filter, "filter"),
            (Action::Back, "back"),
        ],
        View::ServiceDetail { .. } | View::TaskDetail { .. } => {
            vec![
                (Action::Back, "back"),
                (Action::TaskDefinition, "task def"),
                (Action::Down, "scroll"),
            ]
        }
        View::TaskDefinition { .. } | View::Help => {
            vec![(Action::Back, "back"), (Action::Down, "scroll")]
        }
    };
    h.extend([
        (Action::Refresh, "refresh"),
        (Action::Command, "cmd"),
        (Action::Help, "help"),
        (Action::Quit, "quit"),
    ]);
    h
}
