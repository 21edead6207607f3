use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::Frame;

use super::table::{Col, ListHit, ListPane};
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
    // Sized by content (ui/fit.rs); narrow terminals drop the least-read columns first.
    let columns = [
        Col::new("NAME", 12, 40, 9),
        Col::new("STATUS", 6, 10, 6),
        Col::new("D/R/P", 5, 11, 8),
        // Whole up to 20 cells (`laravel-scheduler:1`): the family says which task
        // definition, the revision which version. Longer ones are cut from the left, the
        // revision being what tells two task definitions apart.
        Col::new("TASK DEF", 20, 40, 8).keep_end(),
        // The full image list is in `i`: it gives way first, down to about one image
        // (`php:v1.5.0 ngi…`), and goes before ROLLOUT and VULNS.
        Col::new("IMAGES", 14, 80, 3),
        Col::new("ROLLOUT", 9, 11, 5),
        Col::new("VULNS", 8, 16, 4),
        Col::new("EXEC", 4, 4, 2),
        Col::new("LAUNCH", 7, 8, 1),
    ];
    let pane = ListPane {
        title: format!(
            "services · {}{}{}",
            sanitize(cluster),
            standalone_hint(state, cluster),
            crate::app::fleet::stale_note(state, slot.and_then(|s| s.fetched_at))
        ),
        columns: &columns,
        loading: !loaded,
        len: rows.len(),
        selected: screen.selected,
        empty: if loaded {
            "no services match"
        } else {
            "loading services…"
        },
        error: slot.and_then(|s| s.error.as_ref().map(|e| e.text.clone())),
        sort: sort_header(state, Pane::Services),
    };
    pane.draw(frame, area, &theme, |i| service_row(state, rows[i], &theme))
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

fn service_row<'a>(state: &State, s: &Service, theme: &Theme) -> Vec<Line<'a>> {
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
    let v = vulns(state, s);
    let vulns_style = match v.as_deref() {
        Some(b) if b.starts_with('C') => theme.error,
        Some(b) if b.starts_with('H') => theme.warn,
        _ => theme.dim,
    };
    vec![
        Line::raw(sanitize(&s.name)),
        Line::styled(sanitize(&s.status), theme.status(&s.status)),
        Line::styled(
            format!("{}/{}/{}", s.desired, s.running, s.pending),
            counts_style,
        ),
        Line::raw(sanitize(&s.family_revision())),
        Line::raw(sanitize(&images)),
        Line::styled(sanitize(&rollout), rollout_style(&rollout, theme)),
        Line::styled(
            v.map(|b| if b.is_empty() { "none".to_string() } else { b })
                .unwrap_or_else(|| "…".into()),
            vulns_style,
        ),
        Line::raw(if s.exec_enabled { "on" } else { "off" }),
        Line::raw(sanitize(&s.launch_type)),
    ]
}

pub fn rollout_style(rollout: &str, theme: &Theme) -> ratatui::style::Style {
    match rollout {
        "COMPLETED" => theme.ok,
        "FAILED" => theme.error,
        "IN_PROGRESS" => theme.warn,
        _ => theme.dim,
    }
}
