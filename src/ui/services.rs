use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};
use ratatui::Frame;

use super::table::ListPane;
use super::theme::Theme;
use crate::app::{visible_services, Screen, State};
use crate::domain::{image_tag, Service};
use crate::safety::sanitize;

pub fn draw(state: &State, screen: &Screen, cluster: &str, frame: &mut Frame, area: Rect) {
    let theme = Theme::new(&state.colors);
    let rows = visible_services(state, cluster, &screen.filter);
    let slot = state.detail(cluster);
    let loaded = slot.is_some_and(|s| s.data.is_some());
    let pane = ListPane {
        title: format!("services · {}", sanitize(cluster)),
        columns: &[
            "NAME", "STATUS", "D/R/P", "TASK DEF", "IMAGES", "ROLLOUT", "EXEC", "LAUNCH",
        ],
        widths: &[
            Constraint::Fill(2),
            Constraint::Length(8),
            Constraint::Length(8),
            Constraint::Fill(2),
            Constraint::Fill(3),
            Constraint::Length(11),
            Constraint::Length(4),
            Constraint::Length(7),
        ],
        len: rows.len(),
        selected: screen.selected,
        empty: if loaded {
            "no services match"
        } else {
            "loading services…"
        },
        error: slot.and_then(|s| s.error.clone()),
    };
    pane.draw(frame, area, &theme, |i| service_row(rows[i], &theme));
}

fn service_row<'a>(s: &Service, theme: &Theme) -> Row<'a> {
    let counts_style = if s.running < s.desired {
        theme.warn
    } else {
        theme.ok
    };
    let images = s
        .task_definition
        .as_ref()
        .map(|td| {
            td.containers
                .iter()
                .map(|c| format!("{}:{}", c.name, image_tag(&c.image)))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|| "?".into());
    let rollout = s
        .primary_deployment()
        .and_then(|d| d.rollout_state.clone())
        .unwrap_or_else(|| "-".into());
    Row::new(vec![
        Cell::from(sanitize(&s.name)),
        Cell::from(Span::styled(sanitize(&s.status), theme.status(&s.status))),
        Cell::from(Span::styled(
            format!("{}/{}/{}", s.desired, s.running, s.pending),
            counts_style,
        )),
        Cell::from(sanitize(&s.family_revision())),
        Cell::from(sanitize(&images)),
        Cell::from(Line::styled(
            sanitize(&rollout),
            rollout_style(&rollout, theme),
        )),
        Cell::from(if s.exec_enabled { "on" } else { "off" }),
        Cell::from(sanitize(&s.launch_type)),
    ])
}

pub fn rollout_style(rollout: &str, theme: &Theme) -> ratatui::style::Style {
    match rollout {
        "COMPLETED" => theme.ok,
        "FAILED" => theme.error,
        "IN_PROGRESS" => theme.warn,
        _ => theme.dim,
    }
}
