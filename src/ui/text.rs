//! A scrollable text pane for detail views and help.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

use super::theme::Theme;

pub fn draw(
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
    title: &str,
    lines: Vec<Line<'_>>,
    scroll: u16,
) {
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme.dim)
        // Sanitized at the sink as well: ratatui draws a Span's control characters raw.
        .title(Span::styled(
            format!(" {} ", crate::safety::sanitize(title)),
            theme.title,
        ));
    let max_scroll = (lines.len() as u16).saturating_sub(area.height.saturating_sub(2));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((scroll.min(max_scroll), 0)),
        area,
    );
}

/// A section heading line.
pub fn heading<'a>(text: &str, theme: &Theme) -> Line<'a> {
    Line::styled(text.to_string(), theme.title)
}

/// `  label  value` with the label dimmed and padded.
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
