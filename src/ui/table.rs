//! A list pane that formats only the rows on screen, so 10,000 tasks cost what 30 do.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, TableState};
use ratatui::Frame;

use super::fit::{self, Spec};
use super::theme::Theme;
use crate::app::columns::arrow;
use crate::safety::sanitize;

/// One column of a list pane: its header and how it is sized (see [`fit::plan`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Col<'a> {
    pub name: &'a str,
    /// Narrowest width worth showing; below it the column is dropped instead.
    pub min: u16,
    /// Widest it gets, however long its content.
    pub max: u16,
    /// Higher is kept longer when the terminal is narrow.
    pub priority: u8,
    /// Cut from the left (`…web:42`): the end is what tells rows apart.
    pub keep_end: bool,
}

impl<'a> Col<'a> {
    pub const fn new(name: &'a str, min: u16, max: u16, priority: u8) -> Col<'a> {
        Col {
            name,
            min,
            max,
            priority,
            keep_end: false,
        }
    }

    pub const fn keep_end(self) -> Col<'a> {
        Col {
            keep_end: true,
            ..self
        }
    }

    /// The name without its hint: `CONTAINERS` of `CONTAINERS (ro: read-only root)`.
    fn short_name(&self) -> &'a str {
        self.name.split(" (").next().unwrap_or(self.name)
    }
}

pub struct ListPane<'a> {
    pub title: String,
    pub columns: &'a [Col<'a>],
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
fn header_cells(columns: &[&str], sort: Option<(&str, bool)>) -> (Vec<String>, Option<usize>) {
    let mut shown = None;
    let cells = columns
        .iter()
        .enumerate()
        .map(|(i, c)| match sort {
            Some((name, desc)) if *c == name || c.starts_with(&format!("{name} ")) => {
                shown = Some(i);
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
    /// Draws the pane; `row(i)` gives the cells of row `i` (one per column), and is
    /// called for the rows on screen only. Columns are sized by what those rows hold
    /// ([`fit::plan`]): the least important dropped first and named in the title, a cell
    /// too long for its column cut with `…`.
    pub fn draw<'r>(
        self,
        frame: &mut Frame,
        area: Rect,
        theme: &Theme,
        mut row: impl FnMut(usize) -> Vec<Line<'r>>,
    ) -> Option<ListHit> {
        let names: Vec<&str> = self.columns.iter().map(|c| c.name).collect();
        let (header_cells, sorted) = header_cells(&names, self.sort);
        let block = Block::new().borders(Borders::ALL).border_style(theme.dim);
        let inner = block.inner(area);
        let [err_area, rows_area] = Layout::vertical([
            Constraint::Length(u16::from(self.error.is_some())),
            Constraint::Min(0),
        ])
        .areas(inner);
        let height = usize::from(rows_area.height.saturating_sub(1));
        let selected = self.selected.min(self.len.saturating_sub(1));
        let start = window_start(selected, height);
        let end = (start + height).min(self.len);
        let cells: Vec<Vec<Line<'r>>> = (start..end).map(&mut row).collect();

        let specs: Vec<Spec> = self
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let content = cells
                    .iter()
                    .filter_map(|r| r.get(i))
                    .map(Line::width)
                    .chain([fit::width(&header_cells[i])])
                    .max()
                    .unwrap_or(0);
                Spec {
                    min: c.min,
                    max: c.max,
                    content: u16::try_from(content).unwrap_or(u16::MAX),
                    priority: c.priority,
                }
            })
            .collect();
        let widths = fit::plan(&specs, inner.width, 1);
        // Dropped columns are named in the title; a dropped sorted column is named there
        // already (`by VULNS▲`).
        let dropped: Vec<&str> = self
            .columns
            .iter()
            .enumerate()
            .filter(|&(i, _)| widths[i].is_none() && sorted != Some(i))
            .map(|(_, c)| c.short_name())
            .collect();

        // A sort on a column too wide for this terminal is still named, in the title.
        let by = match self.sort {
            Some((name, desc)) if sorted.is_none_or(|i| widths[i].is_none()) => {
                format!(" by {name}{}", arrow(desc))
            }
            _ => String::new(),
        };
        let less = if dropped.is_empty() {
            String::new()
        } else {
            format!(" − {}", dropped.join(", "))
        };
        let count = if self.loading {
            "…".to_string()
        } else {
            self.len.to_string()
        };
        let title = format!(" {} [{count}]{by}{less} ", sanitize(&self.title));
        let block = block.title(Span::styled(
            fit::cut(&title, usize::from(area.width.saturating_sub(2))).into_owned(),
            theme.title,
        ));
        frame.render_widget(block, area);
        if let Some(err) = &self.error {
            let err = format!("⚠ {}", sanitize(err));
            frame.render_widget(
                Paragraph::new(Line::styled(
                    fit::cut(&err, usize::from(err_area.width)).into_owned(),
                    theme.error,
                )),
                err_area,
            );
        }

        let kept: Vec<(usize, u16)> = widths
            .iter()
            .enumerate()
            .filter_map(|(i, w)| w.map(|w| (i, w)))
            .collect();
        let constraints: Vec<Constraint> =
            kept.iter().map(|(_, w)| Constraint::Length(*w)).collect();
        let fit_cell = |i: usize, w: u16, line: Line<'r>| -> Cell<'r> {
            let w = usize::from(w);
            Cell::from(if self.columns[i].keep_end {
                fit::cut_line_left(line, w)
            } else {
                fit::cut_line(line, w)
            })
        };
        let header = Row::new(
            kept.iter()
                .map(|&(i, w)| fit_cell(i, w, Line::raw(header_cells[i].clone())))
                .collect::<Vec<_>>(),
        )
        .style(theme.accent);
        if self.len == 0 {
            let [_, msg] =
                Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(rows_area);
            let empty = format!(" {}", self.empty);
            frame.render_widget(
                Paragraph::new(Line::styled(
                    fit::cut(&empty, usize::from(msg.width)).into_owned(),
                    theme.dim,
                )),
                msg,
            );
            frame.render_widget(
                Table::new(Vec::<Row>::new(), constraints).header(header),
                rows_area,
            );
            return None;
        }
        let rows: Vec<Row> = cells
            .into_iter()
            .map(|mut r| {
                r.resize(self.columns.len(), Line::default());
                let mut r: Vec<Option<Line<'r>>> = r.into_iter().map(Some).collect();
                Row::new(
                    kept.iter()
                        .map(|&(i, w)| fit_cell(i, w, r[i].take().unwrap_or_default()))
                        .collect::<Vec<_>>(),
                )
            })
            .collect();
        let table = Table::new(rows, constraints)
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
        assert_eq!(shown, Some(2));
        assert_eq!(cells[2], "CONTAINERS▼ (ro: read-only root)");
        assert_eq!(cells[1], "STATUS");
        let (_, shown) = header_cells(&cols, Some(("VULNS", false)));
        assert_eq!(shown, None, "a column not on screen goes to the title");
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
