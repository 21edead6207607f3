//! The events pane (`:events`): alerts raised, updated and resolved, deployments started,
//! completed and failed, since toadtop started; newest first.

use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::Frame;

use super::table::{Col, ListHit, ListPane};
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
    // The planner drops KIND first when narrow; WHAT is what a person reads.
    let columns = [
        Col::new("AT", 8, 8, 6),
        Col::new("LEVEL", 5, 8, 7),
        Col::new("EVENT", 6, if wide { 20 } else { 11 }, 8),
        Col::new("KIND", 8, 16, 2),
        Col::new("WHERE", 5, if wide { 28 } else { 18 }, 5),
        // As the alerts pane's WHY: at 80 columns KIND goes so the message has room.
        Col::new("WHAT", 44, 300, 9),
    ];
    let pane = ListPane {
        title: "events".into(),
        columns: &columns,
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
        vec![
            Line::styled(e.at.clock(), theme.dim),
            Line::styled(e.level.as_str(), style),
            Line::raw(event),
            Line::raw(sanitize(&e.kind)),
            Line::raw(sanitize(&e.place())),
            Line::styled(message, what_style),
        ]
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
