//! A list pane that formats only the rows on screen, so 10,000 tasks cost what 30 do.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table, TableState};
use ratatui::Frame;

use super::theme::Theme;
use crate::app::columns::arrow;
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
    /// The sorted column's name and whether it runs backwards (`o`/`O`).
    pub sort: Option<(&'a str, bool)>,
}

/// Where the rows of the list on screen are, so a mouse click can find its row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListHit {
    /// Screen line of the first row drawn.
    pub top: u16,
    pub left: u16,
    pub width: u16,
    /// Index of the first row drawn, and how many are drawn.
    pub start: usize,
    pub rows: usize,
}

impl ListHit {
    /// The row under screen position (`column`, `line`), if any.
    pub fn row_at(&self, column: u16, line: u16) -> Option<usize> {
        let inside = column >= self.left && column < self.left + self.width;
        let offset = usize::from(line.checked_sub(self.top)?);
        (inside && offset < self.rows).then_some(self.start + offset)
    }
}

/// Header cells with the sort arrow on the sorted column (matched by name; a column
/// whose header adds a hint, like `CONTAINERS (ro: …)`, matches its first word).
fn header_cells(columns: &[&str], sort: Option<(&str, bool)>) -> (Vec<String>, bool) {
    let mut shown = false;
    let cells = columns
        .iter()
        .map(|c| match sort {
            Some((name, desc)) if *c == name || c.starts_with(&format!("{name} ")) => {
                shown = true;
                format!("{name}{}{}", arrow(desc), &c[name.len()..])
            }
            _ => c.to_string(),
        })
        .collect();
    (cells, shown)
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
    ) -> Option<ListHit> {
        let (header_cells, sort_shown) = header_cells(self.columns, self.sort);
        // A sort on a column too wide for this terminal is still named, in the title.
        let by = match self.sort {
            Some((name, desc)) if !sort_shown => {
                format!(" by {name}{}", arrow(desc))
            }
            _ => String::new(),
        };
        let block = Block::new()
            .borders(Borders::ALL)
            .border_style(theme.dim)
            .title(Span::styled(
                if self.loading {
                    format!(" {} […]{by} ", sanitize(&self.title))
                } else {
                    format!(" {} [{}]{by} ", sanitize(&self.title), self.len)
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
            let header = Row::new(header_cells).style(theme.accent);
            frame.render_widget(
                Table::new(Vec::<Row>::new(), self.widths).header(header),
                rows_area,
            );
            return None;
        }
        let height = usize::from(rows_area.height.saturating_sub(1));
        let selected = self.selected.min(self.len - 1);
        let start = window_start(selected, height);
        let end = (start + height).min(self.len);
        let rows: Vec<Row> = (start..end).map(&mut row).collect();
        let header = Row::new(header_cells).style(theme.accent);
        let table = Table::new(rows, self.widths)
            .header(header)
            .column_spacing(1)
            .row_highlight_style(theme.selected);
        let mut state = TableState::default().with_selected(Some(selected - start));
        frame.render_stateful_widget(table, rows_area, &mut state);
        Some(ListHit {
            top: rows_area.y + 1,
            left: rows_area.x,
            width: rows_area.width,
            start,
            rows: end - start,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{header_cells, window_start, ListHit};

    #[test]
    fn clicks_map_to_rows_below_the_header() {
        let hit = ListHit {
            top: 4,
            left: 1,
            width: 78,
            start: 10,
            rows: 5,
        };
        assert_eq!(hit.row_at(5, 4), Some(10));
        assert_eq!(hit.row_at(5, 8), Some(14));
        assert_eq!(hit.row_at(5, 9), None, "below the last row");
        assert_eq!(hit.row_at(5, 3), None, "the column header");
        assert_eq!(hit.row_at(0, 5), None, "the border");
    }

    #[test]
    fn sorted_column_gets_its_arrow() {
        let cols = ["ID", "STATUS", "CONTAINERS (ro: read-only root)"];
        let (cells, shown) = header_cells(&cols, Some(("CONTAINERS", true)));
        assert!(shown);
        assert_eq!(cells[2], "CONTAINERS▼ (ro: read-only root)");
        assert_eq!(cells[1], "STATUS");
        let (_, shown) = header_cells(&cols, Some(("VULNS", false)));
        assert!(!shown, "a column not on screen goes to the title");
    }

    #[test]
    fn window_keeps_selection_visible() {
        assert_eq!(window_start(0, 10), 0);
        assert_eq!(window_start(9, 10), 0);
        assert_eq!(window_start(10, 10), 1);
        assert_eq!(window_start(9999, 30), 9970);
        assert_eq!(window_start(5, 0), 0);
    }
}
