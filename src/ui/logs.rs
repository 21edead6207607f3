//! The log pane: newest at the bottom, one line per record (stack traces folded, Enter
//! unfolds), levels coloured, search matches highlighted. Only records on screen are
//! formatted, so 50,000 records cost what 40 do.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

use super::theme::Theme;
use crate::app::logs::LogPane;
use crate::app::State;
use crate::domain::short_task_id;
use crate::logs::{Level, LogRecord};
use crate::safety::sanitize;
use crate::timefmt::{short_duration, Timestamp};

pub fn draw(state: &State, frame: &mut Frame, area: Rect) {
    let theme = Theme::new(&state.colors);
    let Some(pane) = &state.logs else {
        frame.render_widget(Paragraph::new("no log pane open"), area);
        return;
    };
    let visible = pane.visible();
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme.dim)
        .title(Span::styled(
            super::fit::cut(
                &title(pane, visible.len()),
                usize::from(area.width.saturating_sub(2)),
            )
            .into_owned(),
            theme.title,
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let mut notes: Vec<Line> = Vec::new();
    if let Some(e) = &pane.error {
        notes.push(Line::styled(format!("⚠ {}", sanitize(e)), theme.error));
    }
    if let crate::ops::logs::FollowMode::Polling { why, .. } = &pane.mode {
        if !why.is_empty() && pane.follow {
            notes.push(Line::styled(
                format!("ℹ polling: {}", sanitize(why)),
                theme.dim,
            ));
        }
    }
    for n in &pane.plan.unavailable {
        notes.push(Line::styled(format!("ℹ {}", sanitize(n)), theme.dim));
    }
    let [notes_area, body] =
        Layout::vertical([Constraint::Length(notes.len() as u16), Constraint::Min(0)]).areas(inner);
    frame.render_widget(Paragraph::new(notes), notes_area);

    let Some(anchor) = pane.anchor(&visible) else {
        let msg = if matches!(pane.mode, crate::ops::logs::FollowMode::Backfill) {
            "loading logs…"
        } else {
            "no log records in this time range (T goes further back)"
        };
        frame.render_widget(Paragraph::new(Line::styled(msg, theme.dim)), body);
        return;
    };
    let height = usize::from(body.height);
    let width = usize::from(body.width.max(1));
    let needle = pane.search.to_lowercase();
    let height_of = |lines: &[Line]| -> usize {
        lines
            .iter()
            .map(|l| {
                if pane.wrap {
                    l.width().div_ceil(width).max(1)
                } else {
                    1
                }
            })
            .sum()
    };
    // Paused: show some newer records below the anchor (up to a third of the screen), so
    // what followed a match is visible; then walk back from the anchor to fill the rest.
    let mut after: Vec<Vec<Line>> = Vec::new();
    let mut after_used = 0;
    if !pane.follow {
        for &pos in &visible[anchor + 1..] {
            let Some(r) = pane.buffer.get(pos) else {
                continue;
            };
            let lines = record_lines(r, pane, &theme, &needle, false);
            let h = height_of(&lines);
            if after_used + h > height / 3 {
                break;
            }
            after_used += h;
            after.push(lines);
        }
    }
    let mut blocks: Vec<Vec<Line>> = Vec::new();
    let mut used = after_used;
    for i in (0..=anchor).rev() {
        let Some(r) = pane.buffer.get(visible[i]) else {
            continue;
        };
        let selected = !pane.follow && i == anchor;
        let mut lines = record_lines(r, pane, &theme, &needle, selected);
        if selected && !pane.wrap {
            lines = reveal_match(lines, &needle, width, message_column(r, pane));
        }
        let h = height_of(&lines);
        if i == anchor && h + after_used > height {
            // A long unfolded trace: the anchor alone, from its first line.
            after.clear();
            used = h;
            blocks.push(lines);
            break;
        }
        used += h;
        blocks.push(lines);
        if used >= height {
            break;
        }
    }
    let anchor_only = blocks.len() == 1 && after.is_empty() && used > height;
    // Reached the oldest record with room left: fill the bottom with newer ones (the last
    // one may be cut at the bottom, which is where cutting belongs).
    let mut filled_forward = false;
    if used < height && !pane.follow && !anchor_only {
        filled_forward = true;
        for &pos in visible[anchor + 1..].iter().skip(after.len()) {
            let Some(r) = pane.buffer.get(pos) else {
                continue;
            };
            let lines = record_lines(r, pane, &theme, &needle, false);
            used += height_of(&lines);
            after.push(lines);
            if used >= height {
                break;
            }
        }
    }
    blocks.reverse();
    let mut lines: Vec<Line> = blocks.into_iter().chain(after).flatten().collect();
    // Not wrapping: a line wider than the pane ends in `…` (w wraps to read the rest).
    if !pane.wrap {
        lines = lines
            .into_iter()
            .map(|l| super::fit::cut_line(l, width))
            .collect();
    }
    // Otherwise too many lines: drop from the top so the anchor stays visible.
    let overflow = if anchor_only || filled_forward {
        0
    } else {
        used.saturating_sub(height)
    };
    let mut para = Paragraph::new(lines);
    if pane.wrap {
        para = para.wrap(Wrap { trim: false });
    }
    frame.render_widget(para.scroll((overflow as u16, 0)), body);
}

fn title(pane: &LogPane, shown: usize) -> String {
    // Cluster and service are in the breadcrumbs; the title keeps what changes.
    let mut t = format!(
        " logs · {} · {} · {} records · since {}",
        pane.scope.describe(),
        if pane.follow {
            pane.mode.label()
        } else {
            "paused".to_string()
        },
        shown,
        short_duration(pane.since.as_secs() as i64),
    );
    if pane.min_level != Level::Unknown {
        t.push_str(&format!(" · ≥{}", pane.min_level.as_str()));
    }
    if let Some(c) = &pane.container {
        t.push_str(&format!(" · {}", sanitize(c)));
    }
    if !pane.search.is_empty() {
        t.push_str(&format!(" · /{}", sanitize(&pane.search)));
    }
    t.push(' ');
    t
}

/// The level in at most 6 cells (`WARNING` and `EMERGENCY` would widen the column for
/// every line); the title's `≥WARNING` keeps the full names.
fn short_level(level: Level) -> &'static str {
    match level {
        Level::Warning => "WARN",
        Level::Critical => "CRIT",
        Level::Emergency => "EMERG",
        other => other.as_str(),
    }
}

fn level_style(level: Level, theme: &Theme) -> Style {
    match level {
        Level::Emergency | Level::Alert | Level::Critical => {
            theme.error.add_modifier(Modifier::BOLD)
        }
        Level::Error => theme.error,
        Level::Warning => theme.warn,
        Level::Notice | Level::Info => theme.ok,
        Level::Debug | Level::Unknown => theme.dim,
    }
}

/// Where an unfolded stack trace's lines start.
const TRACE_INDENT: &str = "      ";

fn record_lines<'a>(
    r: &LogRecord,
    pane: &LogPane,
    theme: &Theme,
    needle: &str,
    selected: bool,
) -> Vec<Line<'a>> {
    let expanded = pane.expanded.contains(&r.seq);
    let mut spans = vec![
        Span::styled(Timestamp(r.timestamp_ms).clock(), theme.dim),
        Span::raw(" "),
    ];
    // With one task in scope the task id adds nothing.
    if pane.scope.task.is_none() {
        spans.push(Span::styled(
            format!("{} ", short_task_id(&r.task)),
            theme.dim,
        ));
    }
    spans.push(Span::styled(
        format!("{:<6}", sanitize(&r.container)),
        theme.accent,
    ));
    spans.push(Span::styled(
        format!("{:<6} ", short_level(r.level)),
        level_style(r.level, theme),
    ));
    // The fold mark sits before the text, so long lines cannot push it off screen.
    spans.push(Span::styled(
        match (r.has_more(), expanded) {
            (false, _) => "  ",
            (true, false) => "▸ ",
            (true, true) => "▾ ",
        },
        theme.accent,
    ));
    let mut text = String::new();
    if let Some(ch) = &r.channel {
        text.push_str(ch);
        text.push_str(": ");
    }
    text.push_str(&r.message);
    if r.has_more() && !expanded {
        text.push_str(&format!(" (+{} lines)", r.stacktrace.len()));
    }
    if let Some(c) = &r.context {
        text.push(' ');
        text.push_str(c);
    }
    let body_style = if r.level >= Level::Error {
        theme.error
    } else {
        Style::new()
    };
    spans.extend(highlight(text, needle, body_style, theme));
    if r.cut_bytes > 0 {
        spans.push(Span::styled(
            format!(" … [{} bytes cut]", r.cut_bytes),
            theme.warn,
        ));
    }
    let mut line = Line::from(spans);
    if selected {
        line = line.style(theme.selected);
    }
    let mut out = vec![line];
    if expanded {
        for l in &r.stacktrace {
            let mut spans = vec![Span::raw(TRACE_INDENT)];
            spans.extend(highlight(l.clone(), needle, theme.dim, theme));
            out.push(Line::from(spans));
        }
    }
    out
}

/// Where a record's text starts on its first line (after time, task, container, level and
/// the fold mark, as [`record_lines`] pads them).
fn message_column(r: &LogRecord, pane: &LogPane) -> usize {
    let clock = Span::raw(Timestamp(r.timestamp_ms).clock()).width() + 1;
    let task = if pane.scope.task.is_none() {
        Span::raw(short_task_id(&r.task)).width() + 1
    } else {
        0
    };
    let container = Span::raw(sanitize(&r.container)).width().max(6);
    let level = r.level.as_str().len().max(9);
    clock + task + container + level + 2
}

/// The selected record's lines whose first search match ends past the right edge, wrapped
/// at `width`, so `n` never lands on a match nobody can see (other records stay one line).
/// Continuation lines start under the text: `indent` in on the first line's, under the
/// stack trace's own indent on the others'.
fn reveal_match<'a>(
    lines: Vec<Line<'a>>,
    needle: &str,
    width: usize,
    indent: usize,
) -> Vec<Line<'a>> {
    if needle.is_empty() || !needle.is_ascii() || width == 0 {
        return lines;
    }
    let mut out = Vec::with_capacity(lines.len());
    for (n, line) in lines.into_iter().enumerate() {
        let indent = if n == 0 { indent } else { TRACE_INDENT.len() };
        // Keep at least half the width for text, however long the prefix.
        let indent = indent.min(width / 2);
        let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
        let beyond = text
            .to_ascii_lowercase()
            .find(needle)
            .is_some_and(|at| Span::raw(&text[..at + needle.len()]).width() > width);
        if beyond {
            out.extend(split_line(line, width, indent));
        } else {
            out.push(line);
        }
    }
    out
}

/// `line` cut into lines of at most `width` cells, styles kept; every line after the
/// first starts with `indent` spaces.
fn split_line(line: Line<'_>, width: usize, indent: usize) -> Vec<Line<'_>> {
    let indent = indent.min(width.saturating_sub(1));
    let mut out = Vec::new();
    let mut spans: Vec<Span> = Vec::new();
    let mut used = 0;
    for span in &line.spans {
        let mut piece = String::new();
        for c in span.content.chars() {
            let w = Span::raw(c.to_string()).width();
            if used + w > width && used > 0 {
                if !piece.is_empty() {
                    spans.push(Span::styled(std::mem::take(&mut piece), span.style));
                }
                out.push(Line::from(std::mem::take(&mut spans)).style(line.style));
                spans.push(Span::raw(" ".repeat(indent)));
                used = indent;
            }
            piece.push(c);
            used += w;
        }
        if !piece.is_empty() {
            spans.push(Span::styled(piece, span.style));
        }
    }
    if !spans.is_empty() {
        out.push(Line::from(spans).style(line.style));
    }
    out
}

/// Splits `text` around case-insensitive matches of `needle` (ASCII-folded, so byte
/// offsets stay valid).
fn highlight<'a>(text: String, needle: &str, style: Style, theme: &Theme) -> Vec<Span<'a>> {
    if needle.is_empty() || !needle.is_ascii() {
        return vec![Span::styled(text, style)];
    }
    let hay = text.to_ascii_lowercase();
    let mut spans = Vec::new();
    let mut at = 0;
    while let Some(off) = hay[at..].find(needle) {
        let start = at + off;
        let end = start + needle.len();
        if start > at {
            spans.push(Span::styled(text[at..start].to_string(), style));
        }
        spans.push(Span::styled(
            text[start..end].to_string(),
            theme.warn.add_modifier(Modifier::REVERSED),
        ));
        at = end;
    }
    if at < text.len() {
        spans.push(Span::styled(text[at..].to_string(), style));
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(line: &Line) -> String {
        line.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn a_match_past_the_edge_wraps_its_line_styles_kept() {
        let style = Style::new().add_modifier(Modifier::BOLD);
        let line = Line::from(vec![
            Span::raw("12:00:00 "),
            Span::styled("x".repeat(30) + "needle tail", style),
        ]);
        let out = reveal_match(vec![line.clone()], "needle", 20, 9);
        let texts: Vec<String> = out.iter().map(text).collect();
        assert!(texts.iter().all(|t| t.chars().count() <= 20), "{texts:?}");
        assert!(texts.len() >= 3, "{texts:?}");
        // Continuations start under the text; without their indent nothing is lost.
        let pad = " ".repeat(9);
        let mut joined = texts[0].clone();
        for t in &texts[1..] {
            joined.push_str(t.strip_prefix(&pad).expect("indented"));
        }
        assert_eq!(joined, text(&line));
        assert!(out[1].spans.iter().skip(1).all(|s| s.style == style));
        // A match on screen, or no search: left alone.
        assert_eq!(reveal_match(vec![line.clone()], "12:00", 20, 9).len(), 1);
        assert_eq!(reveal_match(vec![line], "", 20, 9).len(), 1);
    }

    #[test]
    fn wide_characters_never_straddle_the_edge() {
        let line = Line::from("日本語日本語日本語 needle");
        let out = split_line(line, 5, 0);
        assert!(out.iter().all(|l| l.width() <= 5));
        assert_eq!(
            out.iter().map(text).collect::<String>(),
            "日本語日本語日本語 needle"
        );
    }
}
