use ratatui::layout::Rect;
use ratatui::style::Stylize;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::theme::Theme;
use crate::app::{Action, Input, State, View};
use crate::safety::sanitize;

pub fn draw(state: &State, frame: &mut Frame, area: Rect) {
    let theme = Theme::new(&state.colors);
    // A modal takes every key: say which.
    if let Some(modal) = &state.modal {
        use crate::app::actions::Modal;
        let text = match modal {
            Modal::Picker(_) => " j/k move · enter/space choose · esc cancel",
            Modal::Exec(m) if m.doctor_only => " c other container · esc close",
            Modal::Exec(_) => " j/k choose · c other container · enter run · esc cancel",
            Modal::Preparing { .. } => " describing the running revision… · esc cancel",
            Modal::Confirm { opened_at, .. } if !Modal::armed(*opened_at, state.now) => {
                " read the confirmation first… · esc cancel"
            }
            Modal::Confirm { typed: Some(_), .. } => {
                " type the service name · enter do it · esc cancel"
            }
            Modal::Confirm { .. } => " enter do it · esc or n cancel",
            Modal::QuitRunning => " y quit (the action keeps running) · n or esc stay",
            Modal::Scale { .. } | Modal::TypeImage { .. } => " type · enter next · esc back",
        };
        frame.render_widget(Paragraph::new(Line::styled(text, theme.warn)), area);
        return;
    }
    let line = match &state.input {
        Input::Filter => Line::from(vec![
            Span::styled("/", theme.accent),
            Span::raw(state.screen().filter.clone()),
            Span::styled("▏", theme.accent),
            Span::styled("  enter keep · esc clear", theme.dim),
        ]),
        Input::Command(text) => {
            let mut spans = vec![
                Span::styled(":", theme.accent),
                Span::raw(sanitize(text)),
                Span::styled("▏", theme.accent),
            ];
            // What Tab can complete to, while there are a handful; else the usual hint.
            let options = crate::app::command_suggestions(state, text);
            if (2..=8).contains(&options.len()) {
                let last_words: Vec<String> = options
                    .iter()
                    .map(|o| o.rsplit(' ').next().unwrap_or(o).to_string())
                    .collect();
                spans.push(Span::styled(
                    format!("  {}", sanitize(&last_words.join("  "))),
                    theme.dim,
                ));
            } else {
                spans.push(Span::styled(
                    "  tab complete · enter run · esc cancel",
                    theme.dim,
                ));
            }
            Line::from(spans)
        }
        Input::Search(text) => Line::from(vec![
            Span::styled("search /", theme.accent),
            Span::raw(text.clone()),
            Span::styled("▏", theme.accent),
            Span::styled("  enter find · esc cancel", theme.dim),
        ]),
        Input::None => {
            let filter_note = if state.screen().filter.is_empty() {
                String::new()
            } else {
                format!(" filter: {}", state.screen().filter)
            };
            let mut all = hints(&state.screen().view);
            // `b` in the action pane only means something after a failed rollout.
            if state.screen().view == View::Job
                && state
                    .job
                    .as_ref()
                    .and_then(|j| j.rollback_offer())
                    .is_none()
            {
                all.retain(|(a, _)| *a != Action::Rollback);
            }
            let hints = fit(
                all,
                |a| state.keymap.label(a),
                usize::from(area.width).saturating_sub(filter_note.chars().count()),
            );
            let mut spans = Vec::new();
            for (action, label) in hints {
                spans.push(Span::styled(
                    format!(" {} ", state.keymap.label(action)),
                    theme.accent.reversed(),
                ));
                spans.push(Span::styled(format!(" {label} "), theme.dim));
            }
            if !filter_note.is_empty() {
                spans.push(Span::styled(filter_note, theme.warn));
            }
            Line::from(spans)
        }
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// Drops hints from the right until the line fits in `width` columns, but never help or
/// quit: at 80 columns the full list of a services view would cut off the way out.
fn fit(
    mut hints: Vec<(Action, &'static str)>,
    label: impl Fn(Action) -> String,
    width: usize,
) -> Vec<(Action, &'static str)> {
    // Each hint renders as ` key ` then ` label `.
    let cost = |(a, l): &(Action, &str)| label(*a).chars().count() + l.chars().count() + 4;
    let keep = |a: Action| matches!(a, Action::Help | Action::Quit);
    while hints.iter().map(cost).sum::<usize>() > width {
        match hints.iter().rposition(|(a, _)| !keep(*a)) {
            Some(i) => {
                hints.remove(i);
            }
            None => break,
        }
    }
    hints
}

/// The keys that do something in a view, most useful first (the line cuts off on the right).
pub fn hints(view: &View) -> Vec<(Action, &'static str)> {
    let mut h = match view {
        View::Clusters => vec![(Action::Enter, "services"), (Action::Filter, "filter")],
        View::Services { .. } => vec![
            (Action::Enter, "tasks"),
            (Action::Logs, "logs"),
            (Action::Deploy, "deploy"),
            (Action::Findings, "findings"),
            (Action::Migrate, "migrate"),
            (Action::Details, "details"),
            (Action::TaskDefinition, "task def"),
            (Action::Filter, "filter"),
            (Action::Back, "back"),
        ],
        View::Tasks { service, .. } if service == crate::domain::STANDALONE => vec![
            (Action::Enter, "task"),
            (Action::Logs, "logs"),
            (Action::Filter, "filter"),
            (Action::SortColumn, "sort"),
            (Action::Back, "back"),
        ],
        View::Tasks { .. } => vec![
            (Action::Enter, "task"),
            (Action::Logs, "logs"),
            (Action::StopTask, "stop"),
            (Action::TaskDefinition, "task def"),
            (Action::Filter, "filter"),
            (Action::Back, "back"),
        ],
        View::Logs { .. } => vec![
            (Action::Back, "close"),
            (Action::Follow, "follow/pause"),
            (Action::Filter, "search"),
            (Action::NextMatch, "next"),
            (Action::Enter, "unfold"),
            (Action::LevelFilter, "level"),
            (Action::ContainerFilter, "container"),
            (Action::Wrap, "wrap"),
            (Action::TimeRange, "since"),
            (Action::Save, "save"),
        ],
        View::ServiceDetail { .. } | View::TaskDetail { .. } => {
            vec![
                (Action::Back, "back"),
                (Action::Logs, "logs"),
                (Action::TaskDefinition, "task def"),
                (Action::Down, "scroll"),
            ]
        }
        View::Job => vec![
            (Action::Back, "back"),
            (Action::Rollback, "roll back (after a failure)"),
            (Action::Down, "scroll"),
        ],
        View::Findings { .. } => vec![
            (Action::Enter, "detail"),
            (Action::Filter, "filter"),
            (Action::Back, "back"),
        ],
        View::Events => vec![
            (Action::Enter, "go to"),
            (Action::Filter, "filter"),
            (Action::Back, "back"),
        ],
        View::Alerts => vec![
            (Action::Enter, "service"),
            (Action::Filter, "filter"),
            (Action::Back, "back"),
        ],
        View::TaskDefs { .. } => vec![
            (Action::Enter, "diff with base"),
            (Action::Follow, "mark base"),
            (Action::Filter, "filter"),
            (Action::Back, "back"),
        ],
        View::FindingDetail { .. }
        | View::TaskDefinition { .. }
        | View::TaskDefDiff { .. }
        | View::Help => {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::keymap::Keymap;

    #[test]
    fn help_and_quit_survive_a_narrow_footer() {
        let keymap = Keymap::default();
        let view = View::Services {
            cluster: "production".into(),
        };
        let all = hints(&view);
        assert_eq!(fit(all.clone(), |a| keymap.label(a), 500), all);
        let narrow = fit(all, |a| keymap.label(a), 80);
        let actions: Vec<Action> = narrow.iter().map(|(a, _)| *a).collect();
        assert_eq!(actions.first(), Some(&Action::Enter));
        assert!(
            actions.ends_with(&[Action::Help, Action::Quit]),
            "{actions:?}"
        );
        let width: usize = narrow
            .iter()
            .map(|(a, l)| keymap.label(*a).chars().count() + l.chars().count() + 4)
            .sum();
        assert!(width <= 80, "{width}");
    }
}
