use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::text::{self, field, heading};
use super::theme::Theme;
use crate::app::{Screen, State};
use crate::domain::TaskDefinition;
use crate::safety::{mask_command, mask_env, sanitize};

pub fn draw(
    state: &State,
    screen: &Screen,
    cluster: &str,
    service: &str,
    frame: &mut Frame,
    area: Rect,
) -> super::text::Extent {
    let theme = Theme::new(&state.colors);
    let td = state
        .service(cluster, service)
        .and_then(|s| s.task_definition.as_ref());
    let Some(td) = td else {
        let loading = state.detail(cluster).is_some_and(|d| d.is_loading());
        let title = format!("task definition of {}", sanitize(service));
        return text::draw(
            frame,
            area,
            &theme,
            &title,
            text::missing("task definition", loading, &theme),
            screen,
        );
    };
    let title = format!("task definition {}:{}", sanitize(&td.family), td.revision);
    text::draw(frame, area, &theme, &title, lines(td, &theme), screen)
}

fn lines<'a>(td: &TaskDefinition, theme: &Theme) -> Vec<Line<'a>> {
    let opt = |v: &Option<String>| v.as_deref().map(sanitize).unwrap_or_else(|| "-".into());
    let mut out = vec![
        heading("Task", theme),
        field(
            "cpu / memory",
            format!("{} / {}", opt(&td.cpu), opt(&td.memory)),
            theme,
        ),
        field("network mode", opt(&td.network_mode), theme),
        field("task role", opt(&td.task_role_arn), theme),
        field("execution role", opt(&td.execution_role_arn), theme),
        field("arn", sanitize(&td.arn), theme),
    ];
    for c in &td.containers {
        out.push(Line::raw(""));
        out.push(Line::from(vec![
            Span::styled(format!("Container {}", sanitize(&c.name)), theme.title),
            Span::styled(if c.essential { "  essential" } else { "" }, theme.dim),
            Span::styled(
                if c.read_only_root {
                    "  read-only root"
                } else {
                    "  writable root"
                },
                theme.accent,
            ),
        ]));
        out.push(field("image", sanitize(&c.image), theme));
        out.push(field(
            "cpu / memory",
            format!(
                "{} / {}",
                c.cpu,
                c.memory.map_or_else(|| "-".into(), |m| m.to_string())
            ),
            theme,
        ));
        if !c.command.is_empty() {
            out.push(field(
                "command",
                sanitize(&mask_command(&c.command).join(" ")),
                theme,
            ));
        }
        if !c.ports.is_empty() {
            let ports: Vec<String> = c.ports.iter().map(ToString::to_string).collect();
            out.push(field("ports", ports.join(", "), theme));
        }
        match &c.awslogs {
            Some(l) => out.push(field(
                "awslogs",
                format!(
                    "group {}  prefix {}",
                    sanitize(&l.group),
                    l.stream_prefix
                        .as_deref()
                        .map(sanitize)
                        .unwrap_or_else(|| "-".into())
                ),
                theme,
            )),
            None => out.push(field(
                "logs",
                "not sent to CloudWatch (no awslogs driver)".into(),
                theme,
            )),
        }
        for m in &c.mount_points {
            out.push(field(
                "mount",
                format!(
                    "{} ← {}{}",
                    sanitize(&m.container_path),
                    sanitize(&m.source_volume),
                    if m.read_only { " (ro)" } else { "" }
                ),
                theme,
            ));
        }
        // Names and ARNs only: values are never fetched.
        for s in &c.secrets {
            out.push(field(
                "secret",
                format!("{} ← {}", sanitize(&s.name), sanitize(&s.value_from)),
                theme,
            ));
        }
        for (k, v) in &c.environment {
            out.push(field(
                "env",
                format!("{}={}", sanitize(k), mask_env(k, v)),
                theme,
            ));
        }
    }
    out.push(Line::raw(""));
    out.push(heading(&format!("Volumes ({})", td.volumes.len()), theme));
    for v in &td.volumes {
        out.push(field(&sanitize(&v.name), sanitize(&v.kind), theme));
    }
    out
}
