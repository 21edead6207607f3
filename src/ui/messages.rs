//! The message line above the footer (action feedback, whole, wrapped) and the
//! `:messages` pane (the last 50, newest first).

use ratatui::layout::Rect;
use ratatui::style::Stylize;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::text;
use super::theme::Theme;
use crate::app::{Screen, State};

/// More than this and the line ends in `…` and points at `:messages`.
pub const MAX_LINES: usize = 3;

/// What an error says after its text: how to make it go.
const DISMISS: &str = "esc dismiss";

/// Text from anywhere (AWS errors, paths, commands) as it may be drawn: control
/// characters escaped and the credentials of URLs masked, as everywhere else.
pub fn clean(text: &str) -> String {
    crate::safety::mask_url_credentials(&crate::safety::sanitize(text)).into_owned()
}

/// Columns a character takes (ratatui's own measure, so wrapping agrees with drawing).
fn cells(c: char) -> usize {
    let mut buf = [0u8; 4];
    Span::raw(&*c.encode_utf8(&mut buf)).width()
}

/// `text` in lines of at most `width` columns, broken at spaces where it can, inside a
/// word where the word alone is wider than the line. Never empty.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for word in text.split(' ') {
        let w: usize = word.chars().map(cells).sum();
        let gap = usize::from(!line.is_empty() || used > 0);
        if used + gap + w <= width {
            if gap == 1 {
                line.push(' ');
            }
            line.push_str(word);
            used += gap + w;
            continue;
        }
        if used > 0 {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        // A word wider than a line is cut where the line ends.
        for c in word.chars() {
            let cw = cells(c);
            if used + cw > width {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            line.push(c);
            used += cw;
        }
    }
    lines.push(line);
    lines
}

/// The message as it is drawn in `width` columns: at most [`MAX_LINES`] lines, the last
/// one ending in `…` when the text is longer. An error ends with how to dismiss it.
pub fn lines_for(text: &str, error: bool, width: u16) -> Vec<String> {
    // One column of margin on the left, as the footer has.
    let width = usize::from(width).saturating_sub(1).max(8);
    let full = if error {
        format!("{}  {DISMISS}", clean(text))
    } else {
        clean(text)
    };
    let mut lines = wrap(&full, width);
    if lines.len() > MAX_LINES {
        lines.truncate(MAX_LINES);
        let more = "… :messages";
        let last = &mut lines[MAX_LINES - 1];
        let keep = width.saturating_sub(more.chars().count());
        *last = last.chars().take(keep).collect::<String>() + more;
    }
    lines
}

/// Rows the message line takes now (0 when there is nothing to say).
pub fn height(state: &State, width: u16) -> u16 {
    match &state.status {
        Some(s) => lines_for(&s.text, s.error, width).len() as u16,
        None => 0,
    }
}

pub fn draw_line(state: &State, frame: &mut Frame, area: Rect) {
    let Some(status) = &state.status else {
        return;
    };
    let theme = Theme::new(&state.colors);
    let style = if status.error { theme.error } else { theme.ok };
    let lines: Vec<Line> = lines_for(&status.text, status.error, area.width)
        .into_iter()
        .map(|l| {
            // The dismiss hint reads as a hint, not as part of the error.
            let text = status
                .error
                .then(|| l.strip_suffix(DISMISS).map(str::to_string))
                .flatten();
            match text {
                Some(text) => Line::from(vec![
                    Span::raw(" "),
                    Span::styled(text, style),
                    Span::styled(DISMISS, theme.dim),
                ]),
                None => Line::from(vec![Span::raw(" "), Span::styled(l, style)]),
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}

/// `:messages`: time (UTC), level and the whole text, newest first.
pub fn draw_pane(state: &State, screen: &Screen, frame: &mut Frame, area: Rect) -> text::Extent {
    let theme = Theme::new(&state.colors);
    let mut lines = Vec::new();
    if state.messages.is_empty() {
        lines.push(Line::styled("  no messages yet", theme.dim));
    }
    // ` 07:00:00 error  ` then the text, its wrapped lines indented under it.
    const INDENT: usize = 17;
    let room = usize::from(area.width.saturating_sub(2)).saturating_sub(INDENT);
    for m in state.messages.newest_first() {
        let (level, style) = if m.error {
            ("error", theme.error)
        } else {
            ("info ", theme.ok)
        };
        for (i, part) in wrap(&clean(&m.text), room.max(20)).into_iter().enumerate() {
            lines.push(if i == 0 {
                Line::from(vec![
                    Span::styled(format!(" {} ", m.at.clock()), theme.dim),
                    Span::styled(level, style.bold()),
                    Span::raw("  "),
                    Span::raw(part),
                ])
            } else {
                Line::raw(format!("{:INDENT$}{part}", ""))
            });
        }
    }
    let title = format!(
        "messages ({}, newest first, times UTC)",
        state.messages.len()
    );
    text::draw(frame, area, &theme, &title, lines, screen)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_spaces_and_cuts_long_words() {
        assert_eq!(wrap("saved to /tmp/x", 80), ["saved to /tmp/x"]);
        assert_eq!(wrap("aaa bbb ccc", 7), ["aaa bbb", "ccc"]);
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("ab cdefghij", 4), ["ab", "cdef", "ghij"]);
        assert_eq!(wrap("", 10), [""]);
        // Every character is kept, none is cut in half or lost.
        let long = "exec would fail: task running, ExecuteCommandAgent not running: wait for it";
        for w in [8, 13, 79] {
            let lines = wrap(long, w);
            assert!(lines.iter().all(|l| l.chars().count() <= w), "{lines:?}");
            assert_eq!(
                lines.concat().replace(' ', ""),
                long.replace(' ', ""),
                "{w}"
            );
        }
    }

    #[test]
    fn a_long_message_ends_in_an_ellipsis_and_an_error_says_how_to_go() {
        let text = "x ".repeat(200);
        let lines = lines_for(&text, false, 40);
        assert_eq!(lines.len(), MAX_LINES);
        assert!(lines[MAX_LINES - 1].ends_with("… :messages"), "{lines:?}");
        assert!(lines.iter().all(|l| l.chars().count() <= 39));
        let err = lines_for("could not save: disk full", true, 80);
        assert_eq!(err, ["could not save: disk full  esc dismiss"]);
    }

    #[test]
    fn control_characters_and_url_passwords_never_reach_the_line() {
        let lines = lines_for("bad \x1b[31m mysql://app:hunter2@db/x", true, 80).concat();
        assert!(!lines.contains('\x1b'), "{lines}");
        assert!(!lines.contains("hunter2"), "{lines}");
    }
}
