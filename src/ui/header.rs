use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Stylize;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::theme::Theme;
use crate::app::{short_id, State, View};
use crate::safety::sanitize;

const SPINNER: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

pub fn draw(state: &State, frame: &mut Frame, area: Rect) {
    let theme = Theme::new(&state.colors);
    let [top, crumbs] = Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(area);

    let mut spans = vec![
        Span::styled(" toadtop ", theme.header),
        Span::raw(" "),
        Span::styled("profile ", theme.dim),
        Span::raw(sanitize(&state.profile)),
        Span::styled("  region ", theme.dim),
        Span::raw(sanitize(&state.region)),
    ];
    if let Some(url) = &state.endpoint_url {
        spans.push(Span::styled("  endpoint ", theme.dim));
        spans.push(Span::styled(sanitize(url), theme.warn));
    }
    let (fetched, error) = state.current_slot_age();
    match fetched {
        Some(t) => {
            spans.push(Span::styled("  refreshed ", theme.dim));
            spans.push(Span::raw(format!("{} ({} ago)", t.clock(), t.age(state.now))));
        }
        None => spans.push(Span::styled("  no data yet", theme.dim)),
    }
    if error.is_some() {
        spans.push(Span::styled(" stale", theme.error));
    }
    if state.loading() {
        spans.push(Span::styled(format!(" {}", SPINNER[state.spinner % SPINNER.len()]), theme.accent));
    }
    if state.read_only {
        spans.push(Span::raw("  "));
        spans.push(Span::styled(" READ-ONLY ", theme.warn.reversed()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), top);

    let mut crumb = vec![Span::styled(" ", theme.dim)];
    for (i, part) in breadcrumbs(state).into_iter().enumerate() {
        if i > 0 {
            crumb.push(Span::styled(" › ", theme.dim));
        }
        crumb.push(Span::styled(sanitize(&part), theme.accent));
    }
    if let Some(status) = &state.status {
        crumb.push(Span::raw("   "));
        crumb.push(Span::styled(
            sanitize(&status.text),
            if status.error { theme.error } else { theme.ok },
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(crumb)), crumbs);
}

/// `clusters › production › web › 1a2b3c4d`, from the deepest view on the stack.
fn breadcrumbs(state: &State) -> Vec<String> {
    let mut parts = vec!["clusters".to_string()];
    let view = state
        .stack
        .iter()
        .rev()
        .map(|s| &s.view)
        .find(|v| **v != View::Help)
        .unwrap_or(&View::Clusters);
    match view {
        View::Clusters | View::Help => {}
        View::Services { cluster } => parts.push(cluster.clone()),
        View::Tasks { cluster, service }
        | View::ServiceDetail { cluster, service }
        | View::TaskDefinition { cluster, service } => {
            parts.push(cluster.clone());
            parts.push(service.clone());
        }
        View::TaskDetail { cluster, service, task } => {
            parts.push(cluster.clone());
            parts.push(service.clone());
            parts.push(short_id(task).to_string());
        }
    }
    if let View::ServiceDetail { .. } = view {
        parts.push("details".into());
    }
    if let View::TaskDefinition { .. } = view {
        parts.push("task definition".into());
    }
    if state.screen().view == View::Help {
        parts.push("help".into());
    }
    parts
}
