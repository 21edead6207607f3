//! The sortable, filterable columns of each list pane.
//!
//! `o` cycles the sort column (and back to the API's order), `O` flips it; the choice is
//! kept per pane kind, so every services pane sorts the same way. A filter is a list of
//! words that must all match: `column:value` matches one column (by name or unique name
//! prefix: `status:run`, `img:8.3`), anything else matches any field of the row.

use std::borrow::Borrow;
use std::cmp::Ordering;

/// The pane kinds that have rows, as the sort memory's key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Pane {
    Clusters,
    Services,
    Tasks,
    Findings,
    Alerts,
    /// A cluster's standalone tasks (its own columns: group, started by, ...).
    Standalone,
}

/// A chosen sort: a column of the pane and its direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub column: usize,
    pub descending: bool,
}

/// What a column sorts by: numbers numerically, words case-insensitively (the text is
/// lower-cased once, when the key is made).
#[derive(Debug, Clone)]
pub enum Key {
    Num(f64),
    Text(String),
}

impl Ord for Key {
    fn cmp(&self, other: &Key) -> Ordering {
        match (self, other) {
            (Key::Num(a), Key::Num(b)) => a.total_cmp(b),
            (Key::Text(a), Key::Text(b)) => a.cmp(b),
            (Key::Num(_), Key::Text(_)) => Ordering::Less,
            (Key::Text(_), Key::Num(_)) => Ordering::Greater,
        }
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Key) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Key {}

/// One column: its header and how a row is read for sorting and `column:value` filters.
/// `C` is what a cell may need besides its row (the app's `State`: findings, the clock).
pub struct Column<C, T: ?Sized> {
    pub name: &'static str,
    pub text: fn(&C, &T) -> String,
    /// A numeric order where the text would sort wrongly (counts, ages, severities).
    pub num: Option<fn(&C, &T) -> f64>,
}

impl<C, T: ?Sized> Column<C, T> {
    fn key(&self, ctx: &C, row: &T) -> Key {
        match self.num {
            Some(num) => Key::Num(num(ctx, row)),
            None => Key::Text((self.text)(ctx, row).to_lowercase()),
        }
    }
}

/// The next sort after `o`: the next column, and after the last one the API's order.
pub fn cycle(current: Option<Sort>, columns: usize) -> Option<Sort> {
    match current {
        None if columns > 0 => Some(Sort {
            column: 0,
            descending: false,
        }),
        Some(s) if s.column + 1 < columns => Some(Sort {
            column: s.column + 1,
            descending: s.descending,
        }),
        _ => None,
    }
}

/// Sorts rows by a column; stable, so equal keys keep the API's order. Each row's key is
/// made once (a frame sorts 2,000 services; keys like VULNS are not cheap).
pub fn sort_rows<C, T: ?Sized, R: Borrow<T>>(
    ctx: &C,
    rows: &mut [R],
    columns: &[Column<C, T>],
    sort: Option<Sort>,
) {
    let Some(sort) = sort else { return };
    let Some(col) = columns.get(sort.column) else {
        return;
    };
    if sort.descending {
        rows.sort_by_cached_key(|r| std::cmp::Reverse(col.key(ctx, r.borrow())));
    } else {
        rows.sort_by_cached_key(|r| col.key(ctx, r.borrow()));
    }
}

/// A parsed filter: words for any field, and `column:value` terms for one column each.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Filter {
    words: Vec<String>,
    by_column: Vec<(usize, String)>,
}

/// Column names as typed in a filter: lower case, letters and digits only (`TASK DEF`
/// is `taskdef`, `D/R/P` is `drp`).
fn typed_name(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn column_named<C, T: ?Sized>(columns: &[Column<C, T>], typed: &str) -> Option<usize> {
    let typed = typed_name(typed);
    if typed.is_empty() {
        return None;
    }
    let names: Vec<String> = columns.iter().map(|c| typed_name(c.name)).collect();
    if let Some(i) = names.iter().position(|n| *n == typed) {
        return Some(i);
    }
    let mut hits = names
        .iter()
        .enumerate()
        .filter(|(_, n)| n.starts_with(&typed));
    match (hits.next(), hits.next()) {
        (Some((i, _)), None) => Some(i),
        _ => None,
    }
}

impl Filter {
    /// A word `a:b` is a column term only when `a` names a column: `php:8.3` stays a word.
    pub fn parse<C, T: ?Sized>(text: &str, columns: &[Column<C, T>]) -> Filter {
        let mut filter = Filter::default();
        for word in text.split_whitespace() {
            let column = word
                .split_once(':')
                .and_then(|(name, value)| Some((column_named(columns, name)?, value)));
            match column {
                Some((i, value)) => filter.by_column.push((i, value.to_lowercase())),
                None => filter.words.push(word.to_lowercase()),
            }
        }
        filter
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty() && self.by_column.is_empty()
    }

    /// Whether a row passes: every column term on its column, every word on some field.
    pub fn accepts<C, T: ?Sized>(
        &self,
        ctx: &C,
        row: &T,
        columns: &[Column<C, T>],
        fields: &[&str],
    ) -> bool {
        let column_ok = self.by_column.iter().all(|(i, value)| {
            columns
                .get(*i)
                .is_some_and(|c| (c.text)(ctx, row).to_lowercase().contains(value))
        });
        column_ok
            && self
                .words
                .iter()
                .all(|w| fields.iter().any(|f| f.to_lowercase().contains(w)))
    }
}

/// Applies `filter` to `rows`, then the pane's sort.
pub fn select<'a, C, T: ?Sized>(
    ctx: &C,
    rows: impl Iterator<Item = &'a T>,
    columns: &[Column<C, T>],
    filter: &str,
    sort: Option<Sort>,
    fields: impl Fn(&T) -> Vec<&str>,
) -> Vec<&'a T> {
    let filter = Filter::parse(filter, columns);
    let mut out: Vec<&T> = if filter.is_empty() {
        rows.collect()
    } else {
        rows.filter(|r| filter.accepts(ctx, *r, columns, &fields(r)))
            .collect()
    };
    sort_rows(ctx, &mut out, columns, sort);
    out
}

/// The arrow shown beside a sorted column's name (`NAME▼`).
pub fn arrow(descending: bool) -> &'static str {
    if descending {
        "▼"
    } else {
        "▲"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Row {
        name: &'static str,
        status: &'static str,
        count: i32,
    }

    fn columns() -> Vec<Column<(), Row>> {
        vec![
            Column {
                name: "NAME",
                text: |_, r| r.name.to_string(),
                num: None,
            },
            Column {
                name: "STATUS",
                text: |_, r| r.status.to_string(),
                num: None,
            },
            Column {
                name: "STOP CODE",
                text: |_, r| r.count.to_string(),
                num: Some(|_, r| f64::from(r.count)),
            },
        ]
    }

    fn rows() -> Vec<Row> {
        vec![
            Row {
                name: "web",
                status: "ACTIVE",
                count: 10,
            },
            Row {
                name: "Queue",
                status: "DRAINING",
                count: 9,
            },
            Row {
                name: "api",
                status: "ACTIVE",
                count: 100,
            },
        ]
    }

    fn names(rows: &[&Row]) -> Vec<&'static str> {
        rows.iter().map(|r| r.name).collect()
    }

    fn pick<'a>(rows: &'a [Row], filter: &str, sort: Option<Sort>) -> Vec<&'a Row> {
        select(&(), rows.iter(), &columns(), filter, sort, |r| {
            vec![r.name, r.status]
        })
    }

    #[test]
    fn sorts_text_ignoring_case_and_numbers_numerically() {
        let rows = rows();
        let by = |column, descending| Some(Sort { column, descending });
        assert_eq!(
            names(&pick(&rows, "", by(0, false))),
            ["api", "Queue", "web"]
        );
        assert_eq!(
            names(&pick(&rows, "", by(0, true))),
            ["web", "Queue", "api"]
        );
        // 9 < 10 < 100, which a text sort would get wrong.
        assert_eq!(
            names(&pick(&rows, "", by(2, false))),
            ["Queue", "web", "api"]
        );
        // Stable: equal statuses keep the API's order.
        assert_eq!(
            names(&pick(&rows, "", by(1, false))),
            ["web", "api", "Queue"]
        );
        assert_eq!(names(&pick(&rows, "", None)), ["web", "Queue", "api"]);
    }

    #[test]
    fn cycle_walks_the_columns_then_back_to_api_order() {
        let mut sort = None;
        let mut seen = Vec::new();
        for _ in 0..4 {
            sort = cycle(sort, 3);
            seen.push(sort.map(|s| s.column));
        }
        assert_eq!(seen, [Some(0), Some(1), Some(2), None]);
        let desc = Some(Sort {
            column: 0,
            descending: true,
        });
        assert_eq!(cycle(desc, 3).map(|s| s.descending), Some(true));
    }

    #[test]
    fn column_terms_match_only_their_column() {
        let rows = rows();
        assert_eq!(names(&pick(&rows, "status:drain", None)), ["Queue"]);
        // A unique prefix of a column name works; `s` is ambiguous (STATUS, STOP CODE).
        assert_eq!(names(&pick(&rows, "stat:active", None)), ["web", "api"]);
        assert_eq!(names(&pick(&rows, "stopcode:100", None)), ["api"]);
        assert_eq!(names(&pick(&rows, "stop:100", None)), ["api"]);
        // `name:active` looks in NAME only: nothing.
        assert!(pick(&rows, "name:active", None).is_empty());
    }

    #[test]
    fn words_and_terms_must_all_match() {
        let rows = rows();
        assert_eq!(names(&pick(&rows, "active w", None)), ["web"]);
        assert_eq!(names(&pick(&rows, "status:active ap", None)), ["api"]);
        // Not a column name: the whole word is plain text (an image tag like `php:8.3`).
        assert!(pick(&rows, "php:8.3", None).is_empty());
        assert_eq!(
            Filter::parse("s:x", &columns()),
            Filter {
                words: vec!["s:x".into()],
                by_column: vec![]
            }
        );
    }
}
