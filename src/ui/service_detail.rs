use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::services::rollout_style;
use super::text::{self, field, heading};
use super::theme::Theme;
use crate::app::{Screen, State};
use crate::safety::sanitize;

pub fn draw(
    state: &State,
    screen: &Screen,
    cluster: &str,
    service: &str,
    frame: &mut Frame,
    area: Rect,
) -> super::text::Extent {
    let theme = Theme::new(&state.colors);
    // Deployments, events and counts come with the cluster's load: as old as it.
    let title = format!(
        "service {}/{}{}",
        sanitize(cluster),
        sanitize(service),
        crate::app::fleet::stale_note(state, state.detail(cluster).and_then(|d| d.fetched_at))
    );
    let Some(s) = state.service(cluster, service) else {
        let loading = state.detail(cluster).is_some_and(|d| d.is_loading());
        return text::draw(
            frame,
            area,
            &theme,
            &title,
            text::missing("service", loading, &theme),
            screen,
        );
    };
    let mut lines = vec![
        heading("Service", &theme),
        field("status", sanitize(&s.status), &theme),
        field(
            "desired/run/pend",
            format!("{} / {} / {}", s.desired, s.running, s.pending),
            &theme,
        ),
        field("task definition", sanitize(&s.family_revision()), &theme),
        field(
            "launch",
            format!(
                "{} {}",
                sanitize(&s.launch_type),
                s.platform_version
                    .as_deref()
                    .map(sanitize)
                    .unwrap_or_default()
            ),
            &theme,
        ),
        field(
            "exec",
            if s.exec_enabled {
                "enabled".into()
            } else {
                "disabled".into()
            },
            &theme,
        ),
    ];
    if let Some(n) = &s.network {
        lines.push(field("subnets", sanitize(&n.subnets.join(", ")), &theme));
        lines.push(field(
            "security groups",
            sanitize(&n.security_groups.join(", ")),
            &theme,
        ));
        lines.push(field(
            "public ip",
            if n.assign_public_ip {
                "yes".into()
            } else {
                "no".into()
            },
            &theme,
        ));
    }
    lines.push(field("arn", sanitize(&s.arn), &theme));
    lines.push(Line::raw(""));
    lines.push(heading(
        &format!("Deployments ({})", s.deployments.len()),
        &theme,
    ));
    for d in &s.deployments {
        let rollout = d.rollout_state.clone().unwrap_or_else(|| "-".into());
        lines.push(Line::from(vec![
            Span::styled(
                format!("  {:<8} ", sanitize(&d.status)),
                theme.status(&d.status),
            ),
            Span::styled(
                format!("{:<12}", sanitize(&rollout)),
                rollout_style(&rollout, &theme),
            ),
            Span::raw(format!(
                "{}  desired {} running {} pending {} failed {}  {}",
                sanitize(&crate::domain::family_revision(&d.task_definition_arn)),
                d.desired,
                d.running,
                d.pending,
                d.failed_tasks,
                d.updated_at
                    .or(d.created_at)
                    .map(|t| format!("{} ago", t.age(state.now)))
                    .unwrap_or_default(),
            )),
        ]));
        lines.push(Line::styled(
            format!("           {}", sanitize(&d.id)),
            theme.dim,
        ));
        if let Some(reason) = &d.rollout_state_reason {
            lines.push(Line::styled(
                format!("           {}", sanitize(reason)),
                theme.dim,
            ));
        }
    }
    // Load over the last hour (CloudWatch, Maximum per 5 minutes).
    let slot = state.metrics.get(cluster);
    let metrics = slot
        .and_then(|m| m.data.as_ref())
        .and_then(|m| m.get(&s.name));
    // A failed GetMetricData (e.g. not allowed) says so rather than "no metrics yet".
    let failed = slot.and_then(|m| m.error.as_ref().map(|e| e.as_str()));
    lines.push(Line::raw(""));
    lines.push(heading("Last hour (Maximum)", &theme));
    match metrics {
        Some(m) => {
            let limits = &state.config.alerts;
            for (label, points, limit) in [
                ("cpu", &m.cpu_max, limits.cpu_max_percent),
                ("memory", &m.memory_max, limits.memory_max_percent),
            ] {
                let peak = points.iter().map(|p| p.1).fold(f64::NAN, f64::max);
                let style = if peak > limit { theme.error } else { theme.ok };
                lines.push(Line::from(vec![
                    Span::styled(format!("  {label:<18}"), theme.dim),
                    Span::styled(sparkline(points), style),
                    Span::raw(if peak.is_nan() {
                        "  no data".to_string()
                    } else {
                        format!("  max {peak:.0}%")
                    }),
                ]));
            }
        }
        None => match failed {
            Some(e) => lines.push(Line::styled(
                format!("  metrics unavailable: {}", sanitize(e)),
                theme.warn,
            )),
            None => lines.push(Line::styled("  no metrics yet", theme.dim)),
        },
    }
    if let (Some(_), Some(e)) = (metrics, failed) {
        lines.push(Line::styled(
            format!("  last update failed: {}", sanitize(e)),
            theme.warn,
        ));
    }
    let badge = super::services::vulns(state, s);
    lines.push(field(
        "image findings",
        badge
            .map(|b| {
                if b.is_empty() {
                    "none".into()
                } else {
                    format!("{b} (f lists them)")
                }
            })
            .unwrap_or_else(|| "loading…".into()),
        &theme,
    ));
    lines.push(Line::raw(""));
    lines.extend(super::service_secrets::lines(state, cluster, s, &theme));
    let alerts: Vec<&crate::alerts::Alert> = state
        .alerts
        .iter()
        .filter(|a| a.cluster == cluster && a.service == s.name)
        .collect();
    if !alerts.is_empty() {
        lines.push(Line::raw(""));
        lines.push(heading(&format!("Alerts ({})", alerts.len()), &theme));
        for a in alerts {
            let style = if a.level == crate::alerts::Level::Critical {
                theme.error
            } else {
                theme.warn
            };
            // Two spans: a wrapped message hangs under itself, not under the level.
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<8} ", a.level.as_str()), style),
                Span::styled(sanitize(&a.message), style),
            ]));
        }
    }
    lines.push(Line::raw(""));
    lines.push(heading(
        &format!("Events (last {})", s.events.len()),
        &theme,
    ));
    if s.events.is_empty() {
        lines.push(Line::styled("  no events", theme.dim));
    }
    for e in &s.events {
        let age = e.created_at.map(|t| t.age(state.now)).unwrap_or_default();
        // Red for exactly the events the alerts pane reports.
        let style = if crate::alerts::event_is_problem(&e.message) {
            theme.error
        } else {
            ratatui::style::Style::new()
        };
        lines.push(Line::from(vec![
            Span::styled(format!("  {age:>4} "), theme.dim),
            Span::styled(sanitize(&e.message), style),
        ]));
    }
    text::draw(frame, area, &theme, &title, lines, screen)
}

/// Eight-level block sparkline of percentages (0-100).
fn sparkline(points: &[(i64, f64)]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    points
        .iter()
        .map(|&(_, v)| BARS[((v.clamp(0.0, 100.0) / 100.0) * 7.0).round() as usize])
        .collect()
}
