use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};
use ratatui::Frame;

use super::table::{ListHit, ListPane};
use super::theme::Theme;
use crate::app::columns::Pane;
use crate::app::{service_vulns, sort_header, visible_services, Screen, State};
use crate::domain::{image_tag, Service};
use crate::safety::sanitize;

pub fn draw(
    state: &State,
    screen: &Screen,
    cluster: &str,
    frame: &mut Frame,
    area: Rect,
) -> Option<ListHit> {
    let theme = Theme::new(&state.colors);
    let rows = visible_services(state, cluster, &screen.filter);
    let slot = state.detail(cluster);
    let loaded = slot.is_some_and(|s| s.data.is_some());
    // Name and family:revision sized to what is on screen, so the revision is never cut;
    // narrow terminals drop the two least-read columns.
    let fit = |f: &dyn Fn(&Service) -> usize, min: usize, max: usize| {
        rows.iter().map(|s| f(s)).max().unwrap_or(0).clamp(min, max) as u16
    };
    let name_w = fit(&|s| s.name.chars().count(), 4, 30);
    let td_w = fit(&|s| s.family_revision().chars().count(), 8, 32);
    let wide = area.width >= 100;
    let mut columns = vec!["NAME", "STATUS", "D/R/P", "TASK DEF", "IMAGES", "ROLLOUT"];
    let mut widths = vec![
        Constraint::Length(name_w),
        Constraint::Length(8),
        Constraint::Length(7),
        Constraint::Length(td_w),
        Constraint::Fill(1),
        Constraint::Length(11),
    ];
    if wide {
        columns.extend(["VULNS", "EXEC", "LAUNCH"]);
        widths.extend([
            Constraint::Length(9),
            Constraint::Length(4),
            Constraint::Length(7),
        ]);
    }
    let pane = ListPane {
        title: format!(
            "services · {}{}{}",
            sanitize(cluster),
            standalone_hint(state, cluster),
            crate::app::fleet::stale_note(state, slot.and_then(|s| s.fetched_at))
        ),
        columns: &columns,
        widths: &widths,
        loading: !loaded,
        len: rows.len(),
        selected: screen.selected,
        empty: if loaded {
            "no services match"
        } else {
            "loading services…"
        },
        error: slot.and_then(|s| s.error.clone()),
        sort: sort_header(state, Pane::Services),
    };
    pane.draw(frame, area, &theme, |i| {
        service_row(state, rows[i], &theme, wide)
    })
}

/// ` · 3 standalone tasks, 1 failed (M)`: tasks of no service are one key away.
fn standalone_hint(state: &State, cluster: &str) -> String {
    let Some(tasks) = state
        .detail(cluster)
        .and_then(|d| d.data.as_ref())
        .map(|d| &d.tasks)
        .filter(|t| !t.is_empty())
    else {
        return String::new();
    };
    let failed = tasks
        .iter()
        .filter(|t| !t.failed_exits().is_empty())
        .count();
    let key = match state.keymap.keys(crate::app::Action::StandaloneTasks) {
        [] => ":standalone".to_string(),
        _ => state.keymap.label(crate::app::Action::StandaloneTasks),
    };
    format!(
        " · {} standalone task{}{} ({key})",
        tasks.len(),
        if tasks.len() == 1 { "" } else { "s" },
        if failed > 0 {
            format!(", {failed} failed")
        } else {
            String::new()
        }
    )
}

/// Severity counts over the images a service runs, e.g. `C1 H2`.
pub fn vulns(state: &State, s: &Service) -> Option<String> {
    service_vulns(state, s).map(|counts| super::findings::badge(&counts))
}

fn service_row<'a>(state: &State, s: &Service, theme: &Theme, wide: bool) -> Row<'a> {
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
                // The whole image first: a tag cut from inside an escape sequence would show its
                // payload as text.
                .map(|c| format!("{}:{}", c.name, image_tag(&sanitize(&c.image))))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|| "?".into());
    let rollout = s
        .primary_deployment()
        .and_then(|d| d.rollout_state.clone())
        .unwrap_or_else(|| "-".into());
    let mut cells = vec![
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
    ];
    if wide {
        let v = vulns(state, s);
        let style = match v.as_deref() {
            Some(b) if b.starts_with('C') => theme.error,
            Some(b) if b.starts_with('H') => theme.warn,
            _ => theme.dim,
        };
        cells.push(Cell::from(Span::styled(
            v.map(|b| if b.is_empty() { "none".to_string() } else { b })
                .unwrap_or_else(|| "…".into()),
            style,
        )));
        cells.push(Cell::from(if s.exec_enabled { "on" } else { "off" }));
        cells.push(Cell::from(sanitize(&s.launch_type)));
    }
    Row::new(cells)
}

pub fn rollout_style(rollout: &str, theme: &Theme) -> ratatui::style::Style {
    match rollout {
        "COMPLETED" => theme.ok,
        "FAILED" => theme.error,
        "IN_PROGRESS" => theme.warn,
        _ => theme.dim,
    }
}
