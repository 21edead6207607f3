//! A scrollable text pane for detail views and help: lines wrapped to the pane's width
//! with a hanging indent, scrolled by rendered rows, search matches highlighted.

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

use super::theme::Theme;
use crate::app::text_view::shown;
use crate::app::Screen;

/// What a drawn text pane holds: the runtime hands it back to `app::text_view`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extent {
    /// Rows the content takes once wrapped.
    pub rows: u16,
    /// Rows the pane shows.
    pub height: u16,
    /// The row each search match starts on.
    pub matches: Vec<u16>,
}

pub fn draw(
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
    title: &str,
    lines: Vec<Line<'_>>,
    screen: &Screen,
) -> Extent {
    // Sanitized at the sink as well: ratatui draws a Span's control characters raw.
    let title = crate::safety::sanitize(title);
    let title = ellipsize(&title, usize::from(area.width.saturating_sub(4)));
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme.dim)
        .title(Span::styled(format!(" {title} "), theme.title));
    let inner = block.inner(area);
    let (extent, top) = body(
        frame,
        inner,
        theme,
        lines,
        screen.scroll,
        &screen.filter,
        screen.selected,
    );
    // Where the view is in the whole, so rows below the fold are never a surprise.
    let block = match position(top, &extent) {
        Some(p) => block.title_bottom(Line::styled(p, theme.dim).right_aligned()),
        None => block,
    };
    frame.render_widget(block, area);
    extent
}

/// ` ↓ 1–19 of 85 ` while rows are hidden below, ` 67–85 of 85 ` at the end; nothing when
/// everything fits.
pub fn position(top: u16, e: &Extent) -> Option<String> {
    if e.rows <= e.height || e.height == 0 {
        return None;
    }
    let last = (top + e.height).min(e.rows);
    let more = if last < e.rows { "↓ " } else { "" };
    Some(format!(" {more}{}–{last} of {} ", top + 1, e.rows))
}

/// Draws `lines` wrapped into `area` (no border), scrolled to `scroll` (clamped so the
/// last row can reach the bottom and no further; `text_view::END` shows the end), with
/// matches of `query` highlighted (`current`: the one the search is on). Returns the
/// extent and the top row shown.
pub fn body(
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
    lines: Vec<Line<'_>>,
    scroll: u16,
    query: &str,
    current: usize,
) -> (Extent, u16) {
    let width = usize::from(area.width);
    let mut rows: Vec<Line<'static>> = Vec::new();
    let mut matches = Vec::new();
    let hit = theme.warn.add_modifier(Modifier::REVERSED);
    let here = theme
        .error
        .add_modifier(Modifier::REVERSED | Modifier::BOLD);
    for line in &lines {
        let mut cells = cells_of(line);
        let found = find(&cells, query);
        for (start, len) in &found {
            let style = if matches.len() == current { here } else { hit };
            for c in &mut cells[*start..start + len] {
                c.style = c.style.patch(style);
            }
            matches.push(*start);
        }
        let first_row = rows.len();
        let wrapped = wrap_cells(&cells, hang_of(line, width), width);
        // Each match lands on the row holding its first character.
        let n = matches.len();
        for m in &mut matches[n - found.len()..] {
            let r = wrapped.iter().rposition(|w| w.start <= *m).unwrap_or(0);
            *m = first_row + r;
        }
        rows.extend(wrapped.into_iter().map(|w| w.line.style(line.style)));
    }
    let extent = Extent {
        rows: clamp16(rows.len()),
        height: area.height,
        matches: matches.into_iter().map(clamp16).collect(),
    };
    let top = shown(scroll, extent.rows.saturating_sub(extent.height));
    let visible: Vec<Line> = rows
        .into_iter()
        .skip(usize::from(top))
        .take(usize::from(area.height))
        .collect();
    frame.render_widget(Paragraph::new(visible), area);
    (extent, top)
}

fn clamp16(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

/// One character of a line with its style.
#[derive(Debug, Clone)]
struct Cell {
    ch: char,
    style: Style,
    width: usize,
}

fn char_width(ch: char) -> usize {
    let mut buf = [0u8; 4];
    Span::raw(&*ch.encode_utf8(&mut buf)).width()
}

fn cells_of(line: &Line<'_>) -> Vec<Cell> {
    line.spans
        .iter()
        .flat_map(|s| {
            s.content.chars().map(move |ch| Cell {
                ch,
                style: s.style,
                width: char_width(ch),
            })
        })
        .collect()
}

/// Case-insensitive matches of `query` in the cells: (first cell, cell count).
fn find(cells: &[Cell], query: &str) -> Vec<(usize, usize)> {
    let fold = |c: char| c.to_lowercase().next().unwrap_or(c);
    let needle: Vec<char> = query.chars().map(fold).collect();
    if needle.is_empty() || needle.len() > cells.len() {
        return Vec::new();
    }
    let hay: Vec<char> = cells.iter().map(|c| fold(c.ch)).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i + needle.len() <= hay.len() {
        if hay[i..i + needle.len()] == needle[..] {
            out.push((i, needle.len()));
            i += needle.len();
        } else {
            i += 1;
        }
    }
    out
}

/// Where a line's continuation rows start: under its last span's text (a field's value,
/// an event's message, a key's description), or two columns past the leading spaces of a
/// one-span line. Leaving the value too little room (a long label, a wide table row), it falls
/// back to two columns past the line's leading spaces, and to nothing if even that is
/// too wide.
pub fn hang_of(line: &Line<'_>, width: usize) -> usize {
    let leading = |s: &str| s.chars().take_while(|c| *c == ' ').count();
    let spans: Vec<&Span> = line
        .spans
        .iter()
        .filter(|s| !s.content.is_empty())
        .collect();
    let Some((last, before)) = spans.split_last() else {
        return 0;
    };
    // Two columns past the line's start still reads as a continuation.
    let fallback = spans.first().map_or(0, |s| leading(&s.content)) + 2;
    let value = if before.is_empty() {
        fallback
    } else {
        before.iter().map(|s| s.width()).sum::<usize>() + leading(&last.content)
    };
    // The value keeps a readable column: 30 wide, or half a narrow pane.
    let room = 30.min(width / 2);
    [value, fallback]
        .into_iter()
        .find(|&h| width.saturating_sub(h) >= room)
        .unwrap_or(0)
}

/// A rendered row and the cell it starts at.
struct Row {
    start: usize,
    line: Line<'static>,
}

/// Word-wraps cells to `width` columns; continuation rows start with `hang` spaces. A
/// word longer than a row is cut where the row ends; the spaces a row breaks at are
/// dropped. An empty line is one empty row.
fn wrap_cells(cells: &[Cell], hang: usize, width: usize) -> Vec<Row> {
    let width = width.max(1);
    let hang = if hang < width { hang } else { 0 };
    let mut bounds: Vec<(usize, usize)> = Vec::new();
    let (mut start, mut col, mut avail) = (0usize, 0usize, width);
    let mut i = 0;
    let next_row = |bounds: &mut Vec<(usize, usize)>, start: usize, end: usize| {
        // The spaces a row ends with are where it broke.
        let mut e = end;
        while e > start && cells[e - 1].ch == ' ' {
            e -= 1;
        }
        bounds.push((start, e));
    };
    while i < cells.len() {
        if cells[i].ch == ' ' {
            if col + cells[i].width > avail && col > 0 {
                next_row(&mut bounds, start, i);
                while i < cells.len() && cells[i].ch == ' ' {
                    i += 1;
                }
                (start, col, avail) = (i, 0, width - hang);
                continue;
            }
            col += cells[i].width;
            i += 1;
            continue;
        }
        let end = cells[i..]
            .iter()
            .position(|c| c.ch == ' ')
            .map_or(cells.len(), |p| i + p);
        let word: usize = cells[i..end].iter().map(|c| c.width).sum();
        if col + word <= avail {
            col += word;
            i = end;
            continue;
        }
        if col > 0 && word <= width - hang {
            next_row(&mut bounds, start, i);
            (start, col, avail) = (i, 0, width - hang);
            continue;
        }
        // Longer than a row: cut it where rows end.
        while i < end {
            if col + cells[i].width > avail && col > 0 {
                bounds.push((start, i));
                (start, col, avail) = (i, 0, width - hang);
            }
            col += cells[i].width;
            i += 1;
        }
    }
    bounds.push((start, cells.len()));
    bounds
        .into_iter()
        .enumerate()
        .map(|(n, (s, e))| {
            let mut spans = Vec::new();
            if n > 0 && hang > 0 {
                spans.push(Span::raw(" ".repeat(hang)));
            }
            spans.extend(runs(&cells[s..e]));
            Row {
                start: s,
                line: Line::from(spans),
            }
        })
        .collect()
}

/// Cells back into spans, one per run of one style.
fn runs(cells: &[Cell]) -> Vec<Span<'static>> {
    let mut out: Vec<Span<'static>> = Vec::new();
    let mut text = String::new();
    let mut style = None;
    for c in cells {
        if style.is_some_and(|s| s != c.style) {
            out.push(Span::styled(
                std::mem::take(&mut text),
                style.unwrap_or_default(),
            ));
        }
        style = Some(c.style);
        text.push(c.ch);
    }
    if let Some(s) = style {
        out.push(Span::styled(text, s));
    }
    out
}

/// Wraps `lines` to `width` columns as a text pane does (hanging indents included).
pub fn wrap(lines: &[Line<'_>], width: usize) -> Vec<Line<'static>> {
    lines
        .iter()
        .flat_map(|l| {
            wrap_cells(&cells_of(l), hang_of(l, width), width)
                .into_iter()
                .map(|r| r.line.style(l.style))
        })
        .collect()
}

/// One line wrapped to `width` columns with continuation rows `hang` columns in (for a
/// line whose own spans do not say where its value starts).
pub fn wrap_hanging(line: &Line<'_>, hang: usize, width: usize) -> Vec<Line<'static>> {
    wrap_cells(&cells_of(line), hang, width)
        .into_iter()
        .map(|r| r.line.style(line.style))
        .collect()
}

/// `text` in at most `width` columns, its end replaced by `…` if it had to be cut.
pub fn ellipsize(text: &str, width: usize) -> String {
    if Span::raw(text).width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for ch in text.chars() {
        let w = char_width(ch);
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push(ch);
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// A line cut to `width` columns, ending in `…` where it was cut.
pub fn cut(line: Line<'_>, width: usize) -> Line<'static> {
    let cells = cells_of(&line);
    let total: usize = cells.iter().map(|c| c.width).sum();
    if total <= width {
        return Line::from(runs(&cells)).style(line.style);
    }
    let mut used = 0;
    let mut keep = Vec::new();
    for c in cells {
        if used + c.width + 1 > width {
            break;
        }
        used += c.width;
        keep.push(c);
    }
    let mut spans = runs(&keep);
    if width > 0 {
        spans.push(Span::raw("…"));
    }
    Line::from(spans).style(line.style)
}

/// A section heading line.
pub fn heading<'a>(text: &str, theme: &Theme) -> Line<'a> {
    Line::styled(text.to_string(), theme.title)
}

/// `  label  value` with the label dimmed and padded; a long value wraps under itself.
pub fn field<'a>(label: &str, value: String, theme: &Theme) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!("  {label:<18}"), theme.dim),
        Span::raw(value),
    ])
}

/// A message in place of a detail view whose data is not there (yet).
pub fn missing<'a>(what: &str, loading: bool, theme: &Theme) -> Vec<Line<'a>> {
    let text = if loading {
        format!("loading {what}…")
    } else {
        format!("{what} not found (it may have gone away; press esc)")
    };
    vec![Line::styled(text, theme.dim)]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(lines: &[Line<'_>]) -> Vec<String> {
        lines.iter().map(ToString::to_string).collect()
    }

    fn field_line(label: &str, value: &str) -> Line<'static> {
        Line::from(vec![
            Span::raw(format!("  {label:<18}")),
            Span::raw(value.to_string()),
        ])
    }

    #[test]
    fn short_lines_stay_whole_and_empty_lines_keep_their_row() {
        let lines = [Line::raw("hello world"), Line::raw("")];
        assert_eq!(texts(&wrap(&lines, 20)), ["hello world", ""]);
    }

    #[test]
    fn words_wrap_and_continuation_rows_hang_under_the_value() {
        let l = field_line("reason", "the task failed its health check twice");
        let rows = texts(&wrap(&[l], 40));
        assert_eq!(
            rows,
            [
                "  reason            the task failed its",
                "                    health check twice",
            ]
        );
        assert!(rows.iter().all(|r| Span::raw(r.as_str()).width() <= 40));
    }

    #[test]
    fn an_arn_longer_than_a_row_is_cut_under_its_label() {
        let arn = "arn:aws:ecs:eu-west-1:123456789012:service/production/web";
        let rows = texts(&wrap(&[field_line("arn", arn)], 40));
        assert_eq!(rows[0], format!("  arn               {}", &arn[..20]));
        for r in &rows[1..] {
            assert!(r.starts_with(&" ".repeat(20)), "{r:?}");
        }
        // Nothing lost: the pieces put together are the ARN.
        let joined: String = rows.iter().map(|r| &r[20..]).collect();
        assert_eq!(joined, arn);
    }

    #[test]
    fn a_one_span_line_hangs_two_columns_past_its_leading_spaces() {
        let rows = texts(&wrap(&[Line::raw("    - alpha beta gamma")], 16));
        assert_eq!(rows, ["    - alpha beta", "      gamma"]);
        // Prose from column 0 goes on at column 2: a wrapped row never looks like a new line.
        let rows = texts(&wrap(&[Line::raw("one two three")], 8));
        assert_eq!(rows, ["one two", "  three"]);
    }

    #[test]
    fn a_hang_wider_than_half_the_pane_falls_back() {
        let l = field_line("a label far too long to hang", "value value");
        assert_eq!(hang_of(&l, 40), 4);
        assert_eq!(hang_of(&l, 200), 30);
        // The line's count of rows is what the scroll limit uses.
        assert_eq!(wrap(&[l], 20).len(), 3);
    }

    #[test]
    fn wrap_hanging_uses_the_hang_it_is_given() {
        let l = Line::from(vec![Span::raw("✗ name: "), Span::raw("a long detail here")]);
        let rows: Vec<String> = wrap_hanging(&l, 2, 16)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(rows, ["✗ name: a long", "  detail here"]);
    }

    #[test]
    fn wide_characters_count_two_columns() {
        let rows = texts(&wrap(&[Line::raw("日本語日本語")], 6));
        assert_eq!(rows, ["日本語", "  日本", "  語"]);
        // An odd column left over stays empty rather than splitting a character.
        let rows = texts(&wrap(&[Line::raw("日本語")], 5));
        assert_eq!(rows[0], "日本");
    }

    #[test]
    fn a_tiny_width_never_loops_forever() {
        assert_eq!(wrap(&[Line::raw("日本")], 1).len(), 2);
        assert_eq!(wrap(&[Line::raw("abc")], 0).len(), 3);
    }

    #[test]
    fn matches_are_case_insensitive_and_do_not_overlap() {
        let cells = cells_of(&Line::raw("Events: events, EVENTS"));
        assert_eq!(find(&cells, "event"), [(0, 5), (8, 5), (16, 5)]);
        assert_eq!(find(&cells, "aa"), []);
        assert_eq!(find(&cells, ""), []);
    }

    #[test]
    fn cut_and_ellipsize_end_in_an_ellipsis() {
        assert_eq!(ellipsize("abcdef", 4), "abc…");
        assert_eq!(ellipsize("abc", 4), "abc");
        assert_eq!(cut(Line::raw("abcdef"), 4).to_string(), "abc…");
        assert_eq!(cut(Line::raw("abcd"), 4).to_string(), "abcd");
    }

    #[test]
    fn position_says_what_is_below() {
        let e = Extent {
            rows: 85,
            height: 19,
            matches: vec![],
        };
        assert_eq!(position(0, &e).as_deref(), Some(" ↓ 1–19 of 85 "));
        assert_eq!(position(66, &e).as_deref(), Some(" 67–85 of 85 "));
        let fits = Extent {
            rows: 5,
            height: 19,
            matches: vec![],
        };
        assert_eq!(position(0, &fits), None);
    }
}
