//! A list pane that formats only the rows on screen, so 10,000 tasks cost what 30 do.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table, TableState};
use ratatui::Frame;

use super::theme::Theme;
use crate::safety::sanitize;

pub struct ListPane<'a> {
    pub title: String,
    pub columns: &'a [&'a str],
    pub widths: &'a [Constraint],
    pub len: usize,
    /// No data yet: the count in the title shows as `…`, not a misleading 0.
    pub loading: bool,
    pub selected: usize,
    /// Shown in place of rows when `len` is 0.
    pub empty: &'a str,
    /// A problem with this pane's data (failed call, stale data), shown above the rows.
    pub error: Option<String>,
}

/// First row drawn so that `selected` is visible in `height` rows.
pub fn window_start(selected: usize, height: usize) -> usize {
    if height == 0 || selected < height {
        0
    } else {
        selected + 1 - height
    }
}

impl ListPane<'_> {
    pub fn draw<'r>(
        self,
        frame: &mut Frame,
        area: Rect,
        theme: &Theme,
        mut row: impl FnMut(usize) -> Row<'r>,
    ) {
        let block = Block::new()
            .borders(Borders::ALL)
            .border_style(theme.dim)
            .title(Span::styled(
                if self.loading {
                    format!(" {} […] ", self.title)
                } else {
                    format!(" {} [{}] ", self.title, self.len)
                },
                theme.title,
            ));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let [err_area, rows_area] = Layout::vertical([
            Constraint::Length(u16::from(self.error.is_some())),
            Constraint::Min(0),
        ])
        .areas(inner);
        if let Some(err) = &self.error {
            frame.render_widget(
                Paragraph::new(Line::styled(format!("⚠ {}", sanitize(err)), theme.error)),
                err_area,
            );
        }
        if self.len == 0 {
            let [_, msg] =
                Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(rows_area);
            frame.render_widget(
                Paragraph::new(Line::styled(format!(" {}", self.empty), theme.dim)),
                msg,
            );
            let header = Row::new(self.columns.iter().copied()).style(theme.accent);
            frame.render_widget(
                Table::new(Vec::<Row>::new(), self.widths).header(header),
                rows_area,
            );
            return;
        }
        let height = usize::from(rows_area.height.saturating_sub(1));
        let selected = self.selected.min(self.len - 1);
        let start = window_start(selected, height);
        let end = (start + height).min(self.len);
        let rows: Vec<Row> = (start..end).map(&mut row).collect();
        let header = Row::new(self.columns.iter().copied()).style(theme.accent);
        let table = Table::new(rows, self.widths)
            .header(header)
            .column_spacing(1)
            .row_highlight_style(theme.selected);
        let mut state = TableState::default().with_selected(Some(selected - start));
        frame.render_stateful_widget(table, rows_area, &mut state);
    }
}

#[cfg(test)]
mod tests {
    use super::window_start;

    #[test]
    fn window_keeps_selection_visible() {
        assert_eq!(window_start(0, 10), 0);
        assert_eq!(window_start(9, 10), 0);
        assert_eq!(window_start(10, 10), 1);
        assert_eq!(window_start(9999, 30), 9970);
        assert_eq!(window_start(5, 0), 0);
    }
}
