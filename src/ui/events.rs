//! The events pane (`:events`): alerts raised, updated and resolved, deployments started,
//! completed and failed, since toadtop started; newest first.

use ratatui::layout::{Constraint, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Cell, Row};
use ratatui::Frame;

use super::table::{ListHit, ListPane};
use super::theme::Theme;
use crate::alerts::Level;
use crate::app::events::visible_events;
use crate::app::{Screen, State};
use crate::ops::watch::EventKind;
use crate::safety::sanitize;

pub fn draw(state: &State, screen: &Screen, frame: &mut Frame, area: Rect) -> Option<ListHit> {
    let theme = Theme::new(&state.colors);
    let rows = visible_events(state, &screen.filter);
    let wide = area.width >= 110;
    let where_w = rows
        .iter()
        .map(|e| e.place().chars().count())
        .max()
        .unwrap_or(5)
        .clamp(5, if wide { 28 } else { 18 }) as u16;
    let mut columns = vec!["AT", "LEVEL", "EVENT"];
    let mut widths = vec![
        Constraint::Length(8),
        Constraint::Length(8),
        Constraint::Length(if wide { 20 } else { 11 }),
    ];
    if wide {
        columns.push("KIND");
        widths.push(Constraint::Length(13));
    }
    columns.extend(["WHERE", "WHAT"]);
    widths.extend([Constraint::Length(where_w), Constraint::Fill(1)]);
    let pane = ListPane {
        title: "events".into(),
        columns: &columns,
        widths: &widths,
        loading: false,
        len: rows.len(),
        selected: screen.selected,
        empty: "no events yet: alerts and deployments that change show here",
        error: None,
        sort: None,
    };
    pane.draw(frame, area, &theme, |i| {
        let e = rows[i];
        let style = match e.level {
            Level::Critical => theme.error,
            Level::Warning => theme.warn,
            Level::Info => theme.dim,
        };
        let resolved = e.event == EventKind::AlertResolved;
        let what_style = if resolved { theme.dim } else { style };
        let event = if wide {
            e.event.as_str().to_string()
        } else {
            short_event(e.event).to_string()
        };
        let mut message = sanitize(&e.message);
        if e.initial {
            message.push_str(" (at start)");
        }
        let mut cells = vec![
            Cell::from(Span::styled(e.at.clock(), theme.dim)),
            Cell::from(Span::styled(e.level.as_str(), style)),
            Cell::from(event),
        ];
        if wide {
            cells.push(Cell::from(sanitize(&e.kind)));
        }
        cells.extend([
            Cell::from(sanitize(&e.place())),
            Cell::from(Span::styled(message, what_style)),
        ]);
        Row::new(cells)
    })
}

/// The event's name for narrow terminals.
fn short_event(e: EventKind) -> &'static str {
    match e {
        EventKind::AlertRaised => "raised",
        EventKind::AlertUpdated => "updated",
        EventKind::AlertResolved => "resolved",
        EventKind::DeploymentStarted => "deploy",
        EventKind::DeploymentCompleted => "deployed",
        EventKind::DeploymentFailed => "deploy fail",
        EventKind::WatchDegraded => "degraded",
        EventKind::WatchRecovered => "recovered",
    }
}
