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
    let [top, crumbs] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(area);

    // Right side first: freshness matters more than labels when the terminal is narrow.
    let mut right = Vec::new();
    let (fetched, error) = state.current_slot_age();
    match fetched {
        Some(t) => right.push(Span::raw(format!(
            "  ⟳ {} ({} ago)",
            t.clock(),
            t.age(state.now)
        ))),
        None => right.push(Span::styled("no data yet", theme.dim)),
    }
    if error.is_some() {
        right.push(Span::styled(" stale", theme.error));
    }
    if let Some(note) = crate::app::backoff::note(state, error) {
        // Narrow terminals drop "since HH:MM:SS": the age above already says how old.
        let note = match note.split_once(" since ") {
            Some((what, rest)) if top.width < 100 => {
                format!(
                    "{what} · {}",
                    rest.split_once(" · ").map_or(rest, |(_, r)| r)
                )
            }
            _ => note,
        };
        right.push(Span::styled(format!(" · {}", sanitize(&note)), theme.warn));
    }
    right.push(Span::styled(
        format!(
            " {}",
            if state.loading() {
                SPINNER[state.spinner % SPINNER.len()]
            } else {
                ' '
            }
        ),
        theme.accent,
    ));
    // Loads still succeed while throttled (the SDK retries), just slower: say why.
    if state.throttled {
        right.push(Span::styled(" throttled ", theme.warn.reversed()));
    }
    let (crit, warn, _) = crate::app::events::badge_counts(&state.alerts);
    if crit + warn > 0 {
        right.push(Span::raw(" "));
        if crit > 0 {
            right.push(crit_badge(state, crit, &theme));
        }
        if warn > 0 {
            right.push(Span::styled(
                format!(" {warn} warn "),
                theme.warn.reversed(),
            ));
        }
    }
    if state.read_only {
        right.push(Span::styled(" READ-ONLY ", theme.warn.reversed()));
    }
    let right = Line::from(right);
    let right_width = right.width() as u16;

    // Profile and region lead the breadcrumbs below; a custom endpoint is worth a
    // warning colour up here, since every call goes somewhere other than AWS.
    let mut left = vec![Span::styled(" toadtop ", theme.header)];
    if let Some(url) = &state.endpoint_url {
        let room = top.width.saturating_sub(right_width).saturating_sub(9);
        left.extend(endpoint_spans(url, usize::from(room), &theme));
    }
    let [l, r] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(right_width)]).areas(top);
    frame.render_widget(Paragraph::new(Line::from(left)), l);
    frame.render_widget(Paragraph::new(right), r);

    let mut crumb = vec![Span::styled(" ", theme.dim)];
    for (i, part) in breadcrumbs(state).into_iter().enumerate() {
        if i > 0 {
            crumb.push(Span::styled(" › ", theme.dim));
        }
        crumb.push(Span::styled(sanitize(&part), theme.accent));
    }
    if let Some(banner) = crate::app::update::switch::sso_banner(state) {
        crumb.push(Span::raw("   "));
        crumb.push(Span::styled(
            format!("⚠ {}", sanitize(&banner)),
            theme.error,
        ));
    }
    // Messages have a line of their own above the footer (ui::messages).
    frame.render_widget(Paragraph::new(Line::from(crumb)), crumbs);
}

/// `  endpoint HOST:PORT` in `room` cells: short of room the label goes, then the host
/// is cut from the left; the port (which local server it is) is never cut.
fn endpoint_spans<'a>(url: &str, room: usize, theme: &Theme) -> Vec<Span<'a>> {
    let short = sanitize(
        url.trim_start_matches("https://")
            .trim_start_matches("http://"),
    );
    if 11 + super::fit::width(&short) <= room {
        return vec![
            Span::styled("  endpoint ", theme.dim),
            Span::styled(short, theme.warn),
        ];
    }
    let cut = super::fit::cut_left(&short, room.saturating_sub(1)).into_owned();
    vec![Span::raw(" "), Span::styled(cut, theme.warn)]
}

/// `default › us-east-1 › production › web › 1a2b3c4d`: profile, region, then the
/// deepest view on the stack (`clusters` at the root).
fn breadcrumbs(state: &State) -> Vec<String> {
    let mut parts = vec![state.profile.clone(), state.region.clone()];
    let view = state
        .stack
        .iter()
        .rev()
        .map(|s| &s.view)
        .find(|v| !matches!(v, View::Help | View::Messages))
        .unwrap_or(&View::Clusters);
    match view {
        View::Clusters | View::Help | View::Messages => parts.push("clusters".into()),
        View::Alerts => parts.push("alerts".into()),
        View::Forwards => parts.push("forwards".into()),
        View::Events => parts.push("events".into()),
        View::TaskDefs { family } => {
            parts.push("taskdefs".into());
            parts.push(family.clone());
        }
        View::TaskDefDiff { before, after, .. } => {
            parts.push("taskdefs".into());
            parts.push(format!(
                "{} → {}",
                crate::domain::family_revision(before),
                crate::domain::family_revision(after)
            ));
        }
        View::Findings { cluster, service } => {
            parts.push(cluster.clone());
            if let Some(s) = service {
                parts.push(s.clone());
            }
            parts.push("findings".into());
        }
        View::FindingDetail { cluster, name, .. } => {
            parts.push(cluster.clone());
            parts.push("findings".into());
            parts.push(name.clone());
        }
        View::Job => {
            if let Some(job) = &state.job {
                let (c, s) = job.request.target();
                parts.push(c.to_string());
                parts.push(s.to_string());
                parts.push(job.request.verb().to_string());
            }
        }
        View::Services { cluster } => parts.push(cluster.clone()),
        View::Tasks { cluster, service }
        | View::ServiceDetail { cluster, service }
        | View::TaskDefinition { cluster, service } => {
            parts.push(cluster.clone());
            parts.push(service.clone());
        }
        View::Logs { cluster, service } => {
            parts.push(cluster.clone());
            parts.push(service.clone());
            parts.push("logs".into());
        }
        View::TaskDetail {
            cluster,
            service,
            task,
        } => {
            parts.push(cluster.clone());
            parts.push(service.clone());
            parts.push(short_id(task).to_string());
        }
    }
    // The standalone tasks' pseudo-owner reads as what it is.
    for p in &mut parts {
        if p == crate::domain::STANDALONE {
            *p = "standalone tasks".into();
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
    if state.screen().view == View::Messages {
        parts.push("messages".into());
    }
    parts
}

/// ` 3 crit `, or ` NEW 3 crit ` blinking for a while after a new critical event
/// (`:events` lists it).
fn crit_badge(state: &State, crit: usize, theme: &Theme) -> Span<'static> {
    if state.events.flashing(state.now) {
        Span::styled(
            format!(" NEW {crit} crit "),
            theme.error.reversed().add_modifier(
                ratatui::style::Modifier::SLOW_BLINK | ratatui::style::Modifier::BOLD,
            ),
        )
    } else {
        Span::styled(format!(" {crit} crit "), theme.error.reversed())
    }
}
