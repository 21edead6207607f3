use ratatui::layout::Rect;
use ratatui::style::Stylize;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::theme::Theme;
use crate::app::{Action, Input, State, View};
use crate::safety::sanitize;

/// The footer; `modal`: what the confirmation drawn above it holds (it says how to scroll
/// one longer than its box).
pub fn draw(
    state: &State,
    modal_view: Option<crate::app::actions::ModalView>,
    frame: &mut Frame,
    area: Rect,
) {
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
            // Text below the box: Enter shows it first (update/actions.rs).
            Modal::Confirm { scroll, .. }
                if modal_view.is_some_and(|v| *scroll < v.max_scroll()) =>
            {
                " enter shows the rest · esc cancel"
            }
            Modal::Confirm { typed: Some(_), .. } => {
                " type the service name · enter do it · esc cancel"
            }
            Modal::Confirm { .. } => " enter do it · esc or n cancel",
            Modal::QuitRunning => " y quit (the action keeps running) · n or esc stay",
            Modal::Forward(f) => crate::ui::forwards::footer(f, state.now),
            Modal::Scale { .. } | Modal::TypeImage { .. } => " type · enter next · esc back",
        };
        // A confirmation longer than its box scrolls: say with which keys.
        let scrolls =
            matches!(modal, Modal::Confirm { .. }) && modal_view.is_some_and(|v| v.rows > v.height);
        let text = match modal {
            Modal::Confirm { typed: Some(_), .. } if scrolls => format!(" ↑/↓ scroll ·{text}"),
            _ if scrolls => format!(" j/k scroll ·{text}"),
            _ => text.to_string(),
        };
        frame.render_widget(Paragraph::new(Line::styled(text, theme.warn)), area);
        return;
    }
    let line = match &state.input {
        Input::Filter => Line::from(vec![
            Span::styled("/", theme.accent),
            Span::raw(state.screen().filter.clone()),
            Span::styled("▏", theme.accent),
            Span::styled(
                if crate::app::text_view::is_text(&state.screen().view) {
                    "  search · enter find · esc clear"
                } else {
                    "  enter keep · esc clear"
                },
                theme.dim,
            ),
        ]),
        Input::Command(text) => {
            let mut spans = vec![
                Span::styled(":", theme.accent),
                Span::raw(sanitize(text)),
                Span::styled("▏", theme.accent),
            ];
            // What Tab can complete to, while there are a handful; else the usual hint.
            // Going round with Tab, the candidates of what was typed, the shown one lit.
            let (typed, at) = match &state.palette_tab {
                Some((typed, at)) => (typed.as_str(), Some(*at)),
                None => (text.as_str(), None),
            };
            let options = crate::app::command_suggestions(state, typed);
            if (2..=8).contains(&options.len()) {
                for (i, o) in options.iter().enumerate() {
                    let word = sanitize(o.rsplit(' ').next().unwrap_or(o));
                    spans.push(Span::raw("  "));
                    spans.push(if Some(i) == at {
                        Span::styled(word, theme.accent.reversed())
                    } else {
                        Span::styled(word, theme.dim)
                    });
                }
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
                // In a text pane `/` searches (`app::text_view`).
                let what = if crate::app::text_view::is_text(&state.screen().view) {
                    "search"
                } else {
                    "filter"
                };
                format!(" {what}: {}", state.screen().filter)
            };
            let hints = fit(
                &available(state),
                |a| state.keymap.label(a),
                // One column of margin on the left.
                usize::from(area.width)
                    .saturating_sub(filter_note.chars().count())
                    .saturating_sub(1),
            );
            let mut spans = vec![Span::raw(" ")];
            for (action, label) in hints {
                spans.push(Span::styled(
                    state.keymap.label(action),
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

/// Columns a hint takes: its key, a space, its label and a space.
fn cost(key: &str, label: &str) -> usize {
    key.chars().count() + label.chars().count() + 2
}

/// The hints that fit in `width` columns, most important first: each one that fits is
/// taken, one that does not is skipped whole (never cut) so a shorter one after it can
/// still use the room. Help (`?`, where every other key is listed) always ends the line.
pub fn fit(
    hints: &[(Action, &'static str)],
    label: impl Fn(Action) -> String,
    width: usize,
) -> Vec<(Action, &'static str)> {
    let help = (Action::Help, "help");
    let mut room = width.saturating_sub(cost(&label(help.0), help.1));
    let mut out = Vec::new();
    for &(action, text) in hints.iter().filter(|(a, _)| *a != Action::Help) {
        let c = cost(&label(action), text);
        if c <= room {
            room -= c;
            out.push((action, text));
        }
    }
    out.push(help);
    out
}

/// The hints of the current pane that would do something now, most important first:
/// no mutating action under --read-only, no exec when it is refused, nothing that needs
/// a selected row in an empty list, no `b` in the action pane unless it can roll back.
pub fn available(state: &State) -> Vec<(Action, &'static str)> {
    let mut all = hints(&state.screen().view);
    let exec_ok = crate::ops::exec::allowed(state.read_only, &state.config.exec).is_ok();
    let rows = rows(state);
    let view = &state.screen().view;
    let searching = state.logs.as_ref().is_some_and(|p| !p.search.is_empty());
    let following = state.logs.as_ref().is_some_and(|p| p.follow);
    for (a, label) in &mut all {
        if *a == Action::Follow && matches!(view, View::Logs { .. }) && following {
            *label = "pause";
        }
    }
    all.retain(|(a, _)| {
        let mutating = matches!(
            a,
            Action::Deploy
                | Action::Migrate
                | Action::Restart
                | Action::Rollback
                | Action::Scale
                | Action::StopTask
        );
        let needs_row = matches!(
            a,
            Action::Enter
                | Action::Logs
                | Action::Details
                | Action::TaskDefinition
                | Action::Exec
                | Action::Copy
        ) || mutating;
        // n/N only mean something once there is a search.
        let needs_search = matches!(a, Action::NextMatch | Action::PrevMatch);
        let no_rollback = *a == Action::Rollback
            && *view == View::Job
            && state
                .job
                .as_ref()
                .and_then(|j| j.rollback_offer())
                .is_none();
        let refused = (mutating && state.read_only)
            || (needs_search && !searching)
            || (*a == Action::Exec && !exec_ok)
            || (needs_row && rows == Some(0))
            || no_rollback;
        !refused
    });
    all
}

/// Rows a list pane shows after its filter; `None` for the other panes.
fn rows(state: &State) -> Option<usize> {
    let s = state.screen();
    let f = &s.filter;
    Some(match &s.view {
        View::Clusters => crate::app::visible_clusters(state, f).len(),
        View::Services { cluster } => crate::app::visible_services(state, cluster, f).len(),
        View::Tasks { cluster, service } => {
            crate::app::visible_tasks(state, cluster, service, f).len()
        }
        View::Findings { cluster, service } => {
            crate::app::visible_findings(state, cluster, service.as_deref(), f).len()
        }
        View::Alerts => crate::app::visible_alerts(state, f).len(),
        View::TaskDefs { family } => crate::app::update::taskdefs::visible(state, family, f).len(),
        _ => return None,
    })
}

/// The keys that do something in a view, most important first (the footer takes what
/// fits in this order; `?` lists them all).
pub fn hints(view: &View) -> Vec<(Action, &'static str)> {
    let mut h = match view {
        View::Clusters => vec![
            (Action::Enter, "services"),
            (Action::Filter, "filter"),
            (Action::Findings, "findings"),
            (Action::StandaloneTasks, "standalone"),
            (Action::SortColumn, "sort"),
            (Action::Copy, "copy ARN"),
        ],
        View::Services { .. } => vec![
            (Action::Enter, "tasks"),
            (Action::Logs, "logs"),
            (Action::Deploy, "deploy"),
            (Action::Exec, "exec"),
            (Action::Migrate, "migrate"),
            (Action::Filter, "filter"),
            (Action::Details, "details"),
            (Action::Back, "back"),
            (Action::Restart, "restart"),
            (Action::Rollback, "roll back"),
            (Action::Scale, "scale"),
            (Action::Findings, "findings"),
            (Action::TaskDefinition, "task def"),
            (Action::SortColumn, "sort"),
            (Action::SortOrder, "reverse"),
            (Action::Copy, "copy ARN"),
        ],
        View::Tasks { service, .. } if service == crate::domain::STANDALONE => vec![
            (Action::Enter, "task"),
            (Action::Logs, "logs"),
            (Action::Filter, "filter"),
            (Action::Back, "back"),
            (Action::SortColumn, "sort"),
            (Action::SortOrder, "reverse"),
            (Action::Copy, "copy ARN"),
        ],
        View::Tasks { .. } => vec![
            (Action::Enter, "task"),
            (Action::Logs, "logs"),
            (Action::Exec, "exec"),
            (Action::StopTask, "stop"),
            (Action::TaskDefinition, "task def"),
            (Action::Filter, "filter"),
            (Action::Back, "back"),
            (Action::SortColumn, "sort"),
            (Action::SortOrder, "reverse"),
            (Action::Copy, "copy ARN"),
        ],
        // Esc closes here as everywhere; the pane's own keys come first (at 80 columns
        // they all fit, Esc may not).
        View::Logs { .. } => vec![
            (Action::Follow, "follow"),
            (Action::Filter, "search"),
            (Action::LevelFilter, "level"),
            (Action::Enter, "unfold"),
            (Action::Wrap, "wrap"),
            (Action::TimeRange, "since"),
            (Action::ContainerFilter, "container"),
            (Action::Back, "close"),
            (Action::NextMatch, "next"),
            (Action::Save, "save"),
            (Action::PrevMatch, "prev"),
        ],
        View::ServiceDetail { .. } => vec![
            (Action::Back, "back"),
            (Action::Down, "scroll"),
            (Action::Filter, "search"),
            (Action::Logs, "logs"),
            (Action::Exec, "exec"),
            (Action::Deploy, "deploy"),
            (Action::TaskDefinition, "task def"),
            (Action::Restart, "restart"),
            (Action::Rollback, "roll back"),
            (Action::Scale, "scale"),
            (Action::Findings, "findings"),
            (Action::Copy, "copy ARN"),
        ],
        View::TaskDetail { .. } => vec![
            (Action::Back, "back"),
            (Action::Down, "scroll"),
            (Action::Filter, "search"),
            (Action::Logs, "logs"),
            (Action::Exec, "exec"),
            (Action::StopTask, "stop"),
            (Action::TaskDefinition, "task def"),
            (Action::Copy, "copy ARN"),
        ],
        View::Job => vec![
            (Action::Back, "back"),
            (Action::Rollback, "roll back"),
            (Action::Down, "scroll"),
        ],
        View::Findings { .. } => vec![
            (Action::Enter, "detail"),
            (Action::Filter, "filter"),
            (Action::Back, "back"),
            (Action::SortColumn, "sort"),
            (Action::SortOrder, "reverse"),
            (Action::Copy, "copy"),
        ],
        View::Forwards => vec![(Action::StopTask, "end forward"), (Action::Back, "back")],
        View::Events => vec![
            (Action::Enter, "go to"),
            (Action::Filter, "filter"),
            (Action::Back, "back"),
        ],
        View::Alerts => vec![
            (Action::Enter, "service"),
            (Action::Filter, "filter"),
            (Action::Back, "back"),
            (Action::SortColumn, "sort"),
            (Action::SortOrder, "reverse"),
            (Action::Copy, "copy ARN"),
        ],
        View::TaskDefs { .. } => vec![
            (Action::Enter, "diff with base"),
            (Action::Follow, "mark base"),
            (Action::Filter, "filter"),
            (Action::Back, "back"),
            (Action::Copy, "copy ARN"),
        ],
        View::FindingDetail { .. } | View::TaskDefinition { .. } | View::TaskDefDiff { .. } => {
            vec![
                (Action::Back, "back"),
                (Action::Down, "scroll"),
                (Action::Filter, "search"),
                (Action::Copy, "copy"),
            ]
        }
        View::Help | View::Messages => vec![
            (Action::Back, "back"),
            (Action::Down, "scroll"),
            (Action::Filter, "search"),
        ],
    };
    h.push((Action::Command, "cmd"));
    // Tab: into the selection at the top two levels, back to the clusters deeper down.
    if !matches!(view, View::Clusters | View::Services { .. }) {
        h.push((Action::NextPane, "clusters"));
    }
    h.extend([(Action::Refresh, "refresh"), (Action::Quit, "quit")]);
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::keymap::Keymap;

    fn width(hints: &[(Action, &str)], keymap: &Keymap) -> usize {
        hints.iter().map(|(a, l)| cost(&keymap.label(*a), l)).sum()
    }

    #[test]
    fn the_most_important_first_help_last_and_no_hint_cut() {
        let keymap = Keymap::default();
        let view = View::Services {
            cluster: "production".into(),
        };
        let all = hints(&view);
        let wide = fit(&all, |a| keymap.label(a), 500);
        assert_eq!(wide.len(), all.len() + 1, "all fit, then help: {wide:?}");
        assert_eq!(wide.last(), Some(&(Action::Help, "help")));
        for cols in [40, 79, 80, 120] {
            let narrow = fit(&all, |a| keymap.label(a), cols);
            let actions: Vec<Action> = narrow.iter().map(|(a, _)| *a).collect();
            assert_eq!(actions.first(), Some(&Action::Enter), "{cols}");
            assert_eq!(actions.last(), Some(&Action::Help), "{cols}");
            assert!(width(&narrow, &keymap) <= cols, "{cols}: {narrow:?}");
            // In priority order: a subsequence of the pane's list.
            let mut rest = all.iter().map(|(a, _)| *a);
            for a in &actions[..actions.len() - 1] {
                assert!(rest.any(|b| b == *a), "{cols}: {a:?} out of order");
            }
        }
    }

    #[test]
    fn a_long_hint_that_does_not_fit_leaves_room_for_shorter_ones() {
        let keymap = Keymap::default();
        let hints = [
            (Action::Enter, "a"),
            (Action::Logs, "a very long label that cannot fit"),
            (Action::Filter, "b"),
        ];
        // enter a (8) + / b (4) + ? help (7) = 19.
        let got = fit(&hints, |a| keymap.label(a), 19);
        assert_eq!(
            got,
            [
                (Action::Enter, "a"),
                (Action::Filter, "b"),
                (Action::Help, "help")
            ]
        );
        // Too narrow for anything but help: help alone, never half of a hint.
        assert_eq!(
            fit(&hints, |a| keymap.label(a), 8),
            [(Action::Help, "help")]
        );
    }

    #[test]
    fn the_log_footer_keeps_its_filters_at_80_columns() {
        let keymap = Keymap::default();
        let view = View::Logs {
            cluster: "production".into(),
            service: "web".into(),
        };
        let got: Vec<Action> = fit(&hints(&view), |a| keymap.label(a), 79)
            .into_iter()
            .map(|(a, _)| a)
            .collect();
        for a in [
            Action::Follow,
            Action::Filter,
            Action::LevelFilter,
            Action::Enter,
            Action::Wrap,
            Action::TimeRange,
            Action::ContainerFilter,
            Action::Help,
        ] {
            assert!(got.contains(&a), "{a:?} missing from {got:?}");
        }
    }

    #[test]
    fn read_only_hides_what_it_refuses() {
        let mut state = crate::fixtures::state_with(crate::fixtures::production());
        state.stack.push(crate::app::Screen::new(View::Services {
            cluster: "production".into(),
        }));
        let has = |s: &State, a: Action| available(s).iter().any(|(x, _)| *x == a);
        assert!(has(&state, Action::Deploy) && has(&state, Action::Migrate));
        assert!(has(&state, Action::Exec));
        state.read_only = true;
        for a in [
            Action::Deploy,
            Action::Migrate,
            Action::Restart,
            Action::Rollback,
            Action::Scale,
            Action::Exec,
        ] {
            assert!(!has(&state, a), "{a:?} advertised under --read-only");
        }
        assert!(has(&state, Action::Logs));
        state.read_only = false;
        state.config.exec.disabled = true;
        assert!(!has(&state, Action::Exec));
        // An empty list: nothing to act on.
        state.config.exec.disabled = false;
        state.screen_mut().filter = "no such service".into();
        assert!(!has(&state, Action::Deploy) && !has(&state, Action::Enter));
        assert!(has(&state, Action::Back));
    }
}
