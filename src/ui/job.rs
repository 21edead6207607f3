//! The job pane: what a running or finished action did, step by step, with the log lines
//! of the task it ran (migrations) below.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

use super::theme::Theme;
use crate::app::{Screen, State};
use crate::domain::short_task_id;
use crate::ops::progress::Tone;
use crate::safety::sanitize;
use crate::timefmt::Timestamp;

pub fn draw(state: &State, screen: &Screen, frame: &mut Frame, area: Rect) -> super::text::Extent {
    let theme = Theme::new(&state.colors);
    let Some(job) = &state.job else {
        frame.render_widget(Paragraph::new("no action has run"), area);
        return super::text::Extent::default();
    };
    let title_style = match &job.outcome {
        None => theme.warn,
        Some(o) if o.succeeded() => theme.ok,
        Some(o) if o.result == crate::ops::progress::Result_::Unconfirmed => theme.warn,
        Some(_) => theme.error,
    };
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme.dim)
        .title(Span::styled(
            format!(
                " {} ",
                super::text::ellipsize(
                    &sanitize(&job.title()),
                    usize::from(area.width.saturating_sub(4))
                )
            ),
            title_style,
        ));
    let inner = block.inner(area);

    let log_rows = if job.logs.is_empty() {
        0
    } else {
        (inner.height / 3).max(3)
    };
    let [steps_area, logs_area] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(log_rows)]).areas(inner);

    let mut lines: Vec<Line> = job
        .lines
        .iter()
        .map(|(tone, text)| {
            let (mark, style) = match tone {
                Tone::Step => ("» ", theme.accent),
                Tone::Info => ("  ", Style::new()),
                Tone::Good => ("✓ ", theme.ok),
                Tone::Bad => ("✗ ", theme.error),
            };
            let style = if text.starts_with('+') || text.starts_with("  +") {
                theme.ok
            } else if text.starts_with('-') || text.starts_with("  -") {
                theme.error
            } else {
                style
            };
            Line::from(vec![
                Span::styled(mark, style),
                Span::styled(sanitize(text), style),
            ])
        })
        .collect();
    if let Some(o) = &job.outcome {
        lines.push(Line::raw(""));
        lines.push(Line::styled(sanitize(&o.summary()), title_style));
        if job.rollback_offer().is_some() {
            lines.push(Line::styled(
                format!(
                    "press {} to roll back to {}",
                    state.keymap.label(crate::app::Action::Rollback),
                    o.old_revision.as_deref().unwrap_or("?")
                ),
                theme.warn,
            ));
        }
    }
    // Wrapped, scrolled by rendered rows; `job.scroll` is `text_view::END` (follow the
    // newest line) until the operator scrolls up.
    let (extent, top) = super::text::body(
        frame,
        steps_area,
        &theme,
        lines,
        job.scroll,
        &screen.filter,
        screen.selected,
    );
    // Drawn after the body, with where the view is when rows are hidden.
    let block = match super::text::position(top, &extent) {
        Some(p) => block.title_bottom(Line::styled(p, theme.dim).right_aligned()),
        None => block,
    };
    frame.render_widget(block, area);

    if log_rows > 0 {
        let n = usize::from(log_rows.saturating_sub(1));
        let start = job.logs.len().saturating_sub(n);
        let mut log_lines = vec![Line::styled("task logs", theme.title)];
        for r in job.logs.iter().skip(start) {
            let line = Line::from(vec![
                Span::styled(format!("{} ", Timestamp(r.timestamp_ms).clock()), theme.dim),
                Span::styled(
                    format!("{}/{} ", short_task_id(&r.task), r.container),
                    theme.dim,
                ),
                Span::raw(r.message.clone()),
            ]);
            // One row per record: a long one ends in `…` rather than being cut silently.
            log_lines.push(super::text::cut(line, usize::from(logs_area.width)));
        }
        frame.render_widget(Paragraph::new(log_lines), logs_area);
    }
    extent
}
