use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::text::{self, field, heading};
use super::theme::Theme;
use crate::app::{short_id, Screen, State};
use crate::safety::sanitize;

pub fn draw(
    state: &State,
    screen: &Screen,
    cluster: &str,
    service: &str,
    task: &str,
    frame: &mut Frame,
    area: Rect,
) -> super::text::Extent {
    let theme = Theme::new(&state.colors);
    let title = format!(
        "task {}{}",
        short_id(task),
        crate::app::fleet::stale_note(state, state.detail(cluster).and_then(|d| d.fetched_at))
    );
    let Some(t) = state.task(cluster, service, task) else {
        let loading = state.detail(cluster).is_some_and(|d| d.is_loading());
        return text::draw(
            frame,
            area,
            &theme,
            &title,
            text::missing("task", loading, &theme),
            screen,
        );
    };
    let opt = |v: &Option<String>| v.as_deref().map(sanitize).unwrap_or_else(|| "-".into());
    let when = |v: Option<crate::timefmt::Timestamp>| {
        v.map(|t| format!("{} ({} ago)", t.rfc3339(), t.age(state.now)))
            .unwrap_or_else(|| "-".into())
    };
    let mut lines = vec![
        heading("Task", &theme),
        field("id", sanitize(&t.id), &theme),
        field(
            "status",
            format!(
                "{} (desired {})",
                sanitize(&t.last_status),
                sanitize(&t.desired_status)
            ),
            &theme,
        ),
        field("health", sanitize(&t.health), &theme),
        field("started", when(t.started_at), &theme),
        field("stopped", when(t.stopped_at), &theme),
        field("stop code", opt(&t.stop_code), &theme),
        field("stopped reason", opt(&t.stopped_reason), &theme),
        field(
            "task definition",
            sanitize(&crate::domain::family_revision(&t.task_definition_arn)),
            &theme,
        ),
        field("group", opt(&t.group), &theme),
        field(
            "started by",
            match opt(&t.started_by) {
                by if t.started_by_toadtop() => format!("{by} (toadtop)"),
                by => by,
            },
            &theme,
        ),
        field(
            "launch",
            format!("{} {}", opt(&t.launch_type), opt(&t.platform_version)),
            &theme,
        ),
        field(
            "cpu / memory",
            format!("{} / {}", opt(&t.cpu), opt(&t.memory)),
            &theme,
        ),
        field(
            "exec",
            if t.exec_enabled {
                "enabled".into()
            } else {
                "disabled".into()
            },
            &theme,
        ),
        Line::raw(""),
        heading("Network", &theme),
        field("private ip", opt(&t.private_ip), &theme),
        field("subnet", opt(&t.subnet), &theme),
        field("zone", opt(&t.availability_zone), &theme),
        field("arn", sanitize(&t.arn), &theme),
    ];
    for c in &t.containers {
        lines.push(Line::raw(""));
        lines.push(Line::from(vec![
            Span::styled(format!("Container {}", sanitize(&c.name)), theme.title),
            Span::styled(
                match c.read_only_root {
                    Some(true) => "  read-only root",
                    Some(false) => "  writable root",
                    None => "",
                },
                theme.accent,
            ),
        ]));
        lines.push(field("image", sanitize(&c.image), &theme));
        lines.push(Line::from(vec![
            Span::styled(format!("  {:<18}", "status"), theme.dim),
            Span::styled(sanitize(&c.last_status), theme.status(&c.last_status)),
        ]));
        lines.push(field(
            "exit code",
            c.exit_code.map_or_else(|| "-".into(), |e| e.to_string()),
            &theme,
        ));
        lines.push(field("health", sanitize(&c.health), &theme));
        lines.push(field("reason", opt(&c.reason), &theme));
        lines.push(field("runtime id", opt(&c.runtime_id), &theme));
    }
    text::draw(frame, area, &theme, &title, lines, screen)
}
