//! Fitting text into cells: [`plan`] sizes a table's columns by their content, and
//! [`cut`] / [`cut_line`] shorten text to a display width with a `…`, so a reader always
//! sees that something was left out. Widths are terminal cells (unicode-width): `日本`
//! takes 4, a combining accent 0.

use std::borrow::Cow;

use ratatui::text::{Line, Span};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// What marks a cut.
pub const ELLIPSIS: &str = "…";

/// Display width of `s` in terminal cells.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

fn char_width(c: char) -> usize {
    UnicodeWidthChar::width(c).unwrap_or(0)
}

/// The longest head of `s` that fits in `max` cells (a wide character that would cross
/// the edge stays out), and its width.
fn head(s: &str, max: usize) -> (&str, usize) {
    let mut used = 0;
    let mut end = s.len();
    for (i, c) in s.char_indices() {
        let w = char_width(c);
        if used + w > max {
            end = i;
            break;
        }
        used += w;
    }
    // Character widths do not always add up to the string's (emoji sequences): step back
    // until the string's own width fits.
    let mut h = &s[..end];
    while width(h) > max {
        let mut chars = h.chars();
        chars.next_back();
        h = chars.as_str();
    }
    (h, width(h))
}

/// The longest tail of `s` that fits in `max` cells, and its width.
fn tail(s: &str, max: usize) -> (&str, usize) {
    let mut used = 0;
    let mut start = 0;
    for (i, c) in s.char_indices().rev() {
        let w = char_width(c);
        if used + w > max {
            start = i + c.len_utf8();
            break;
        }
        used += w;
    }
    let mut t = &s[start..];
    while width(t) > max {
        let mut chars = t.chars();
        chars.next();
        t = chars.as_str();
    }
    (t, width(t))
}

/// `s` in at most `max` cells: whole when it fits, else its head and `…`.
pub fn cut(s: &str, max: usize) -> Cow<'_, str> {
    if width(s) <= max {
        return Cow::Borrowed(s);
    }
    if max == 0 {
        return Cow::Borrowed("");
    }
    let (h, _) = head(s, max - 1);
    Cow::Owned(format!("{h}{ELLIPSIS}"))
}

/// `s` in at most `max` cells, keeping its end: `…` and its tail (a revision number, a
/// port: the part that tells rows apart is at the end).
pub fn cut_left(s: &str, max: usize) -> Cow<'_, str> {
    if width(s) <= max {
        return Cow::Borrowed(s);
    }
    if max == 0 {
        return Cow::Borrowed("");
    }
    let (t, _) = tail(s, max - 1);
    Cow::Owned(format!("{ELLIPSIS}{t}"))
}

/// A styled line in at most `max` cells: whole when it fits, else cut where it crosses
/// `max - 1` and ended with `…` in the style of the span it cut.
pub fn cut_line(line: Line<'_>, max: usize) -> Line<'_> {
    if line.width() <= max {
        return line;
    }
    let Line {
        spans,
        style,
        alignment,
    } = line;
    let mut out: Vec<Span> = Vec::with_capacity(spans.len() + 1);
    let mut room = max.saturating_sub(1);
    let mut last_style = spans.first().map(|s| s.style).unwrap_or_default();
    for span in spans {
        let w = span.width();
        if w <= room {
            room -= w;
            out.push(span);
            continue;
        }
        let (h, _) = head(&span.content, room);
        last_style = span.style;
        if !h.is_empty() {
            out.push(Span::styled(h.to_string(), span.style));
        }
        break;
    }
    if max > 0 {
        out.push(Span::styled(ELLIPSIS, last_style));
    }
    Line {
        spans: out,
        style,
        alignment,
    }
}

/// A styled line in at most `max` cells keeping its end (see [`cut_left`]).
pub fn cut_line_left(line: Line<'_>, max: usize) -> Line<'_> {
    if line.width() <= max {
        return line;
    }
    let Line {
        spans,
        style,
        alignment,
    } = line;
    let mut out: Vec<Span> = Vec::with_capacity(spans.len() + 1);
    let mut room = max.saturating_sub(1);
    let mut first_style = spans.last().map(|s| s.style).unwrap_or_default();
    for span in spans.into_iter().rev() {
        let w = span.width();
        if w <= room {
            room -= w;
            out.push(span);
            continue;
        }
        let (t, _) = tail(&span.content, room);
        first_style = span.style;
        if !t.is_empty() {
            out.push(Span::styled(t.to_string(), span.style));
        }
        break;
    }
    if max > 0 {
        out.push(Span::styled(ELLIPSIS, first_style));
    }
    out.reverse();
    Line {
        spans: out,
        style,
        alignment,
    }
}

/// One column as the planner sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    /// The narrowest width worth showing; a column that cannot get it (or its content,
    /// if narrower) is dropped instead.
    pub min: u16,
    /// The widest it gets while another column is short of its own ideal, so a few long
    /// rows cannot take the room of every other column (room nobody else wants, it may
    /// use).
    pub max: u16,
    /// Its widest cell (header included), as drawn.
    pub content: u16,
    /// Higher is kept longer: the least important column is dropped first.
    pub priority: u8,
}

impl Spec {
    /// The width it would like: its content, up to `max`.
    pub fn ideal(&self) -> u16 {
        self.content.min(self.max)
    }

    /// The width it must have to be kept: `min`, or less if its content is narrower.
    pub fn need(&self) -> u16 {
        self.min.min(self.ideal())
    }
}

/// Widths for `specs` in `width` cells with `spacing` cells between columns: `None` for
/// a dropped column.
///
/// Columns are dropped least important first (the rightmost of equals) until what the
/// rest need fits; the one column left is never dropped (it gets what there is). Then
/// every kept column gets what it needs, and the room left is shared, one cell at a
/// time, among the columns still short of their ideal in proportion to their priority
/// (plus one); room left when every column has its ideal goes, the same way, to those
/// whose content is longer than their max. So no column is wider than its content,
/// short columns are whole before long ones, and a cut column never leaves room unused.
pub fn plan(specs: &[Spec], width: u16, spacing: u16) -> Vec<Option<u16>> {
    let mut kept: Vec<bool> = vec![true; specs.len()];
    let used = |kept: &[bool]| -> u32 {
        let n = kept.iter().filter(|k| **k).count() as u32;
        let needs: u32 = specs
            .iter()
            .zip(kept)
            .filter(|(_, k)| **k)
            .map(|(s, _)| u32::from(s.need()))
            .sum();
        needs + n.saturating_sub(1) * u32::from(spacing)
    };
    while used(&kept) > u32::from(width) && kept.iter().filter(|k| **k).count() > 1 {
        // The least important kept column; the rightmost among equals.
        let drop = (0..specs.len())
            .filter(|&i| kept[i])
            .min_by_key(|&i| (specs[i].priority, std::cmp::Reverse(i)));
        match drop {
            Some(i) => kept[i] = false,
            None => break,
        }
    }
    let n = kept.iter().filter(|k| **k).count() as u32;
    let room = u32::from(width).saturating_sub(n.saturating_sub(1) * u32::from(spacing));
    let mut widths: Vec<u32> = specs
        .iter()
        .zip(&kept)
        .map(|(s, k)| if *k { u32::from(s.need()) } else { 0 })
        .collect();
    // The one column left when even it does not fit: it gets what there is.
    if n == 1 {
        if let Some(i) = kept.iter().position(|k| *k) {
            widths[i] = widths[i].min(room);
        }
    }
    let mut left = room.saturating_sub(widths.iter().sum());
    // First up to each column's ideal (its content, at most its max); then, when every
    // column has that and room is left, past the max towards the whole content.
    let ideal: Vec<u32> = specs.iter().map(|s| u32::from(s.ideal())).collect();
    let content: Vec<u32> = specs.iter().map(|s| u32::from(s.content)).collect();
    for cap in [&ideal, &content] {
        while left > 0 {
            // The column still short of its cap that is narrowest for its importance:
            // cut columns end up with widths in proportion to priority + 1, and a short
            // column (AGE, STATUS) is whole long before a long one (a message) is.
            let weight = |i: usize| u64::from(specs[i].priority) + 1;
            let next = (0..specs.len())
                .filter(|&i| kept[i] && widths[i] < cap[i])
                .min_by(|&a, &b| {
                    let wa = u64::from(widths[a]) + 1;
                    let wb = u64::from(widths[b]) + 1;
                    (wa * weight(b))
                        .cmp(&(wb * weight(a)))
                        .then(specs[b].priority.cmp(&specs[a].priority))
                        .then(a.cmp(&b))
                });
            let Some(i) = next else { break };
            widths[i] += 1;
            left -= 1;
        }
    }
    widths
        .into_iter()
        .zip(kept)
        .map(|(w, k)| k.then_some(w as u16))
        .collect()
}

#[cfg(test)]
#[path = "fit_tests.rs"]
mod tests;
