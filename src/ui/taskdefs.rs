//! `:taskdefs`: a family's revisions, and the diff between two.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::table::{Col, ListHit, ListPane};
use super::text;
use super::theme::Theme;
use crate::app::update::taskdefs::{in_use, visible};
use crate::app::{Screen, State};
use crate::domain::{family_and_revision, family_revision, image_tag};
use crate::ops::taskdef_diff::diff;
use crate::safety::sanitize;

pub fn draw(
    state: &State,
    screen: &Screen,
    family: &str,
    frame: &mut Frame,
    area: Rect,
) -> Option<ListHit> {
    let theme = Theme::new(&state.colors);
    let rows = visible(state, family, &screen.filter);
    let slot = state.taskdefs.get(family);
    let loaded = slot.is_some_and(|s| s.data.is_some());
    let base = state.taskdef_base.get(family);
    let pane = ListPane {
        title: format!("revisions · {}", sanitize(family)),
        // The ARN is family:revision plus the account and region in the header; y copies it.
        columns: &[
            Col::new("REVISION", 4, 9, 9),
            Col::new("BASE", 4, 4, 8),
            Col::new("REGISTERED", 10, 26, 6),
            Col::new("IMAGES", 16, 80, 7),
            Col::new("RUNNING IN", 10, 60, 5),
        ],
        len: rows.len(),
        loading: !loaded,
        selected: screen.selected,
        empty: if loaded {
            "no revisions match"
        } else {
            "listing revisions…"
        },
        error: slot.and_then(|s| s.error.as_ref().map(|e| e.text.clone())),
        sort: None,
    };
    pane.draw(frame, area, &theme, |i| {
        let arn = rows[i];
        let rev =
            family_and_revision(arn).map_or_else(|| family_revision(arn), |(_, r)| r.to_string());
        let users = in_use(state, arn);
        let (registered, images) = described(state, arn, &theme);
        vec![
            Line::raw(sanitize(&rev)),
            Line::styled(if base == Some(arn) { "◆" } else { "" }, theme.accent),
            registered,
            images,
            Line::styled(sanitize(&users.join(" ")), theme.ok),
        ]
    })
}

/// The REGISTERED and IMAGES cells of a revision: `3d ago · 2026-11-20 09:14` and
/// `php:v1.2.3 nginx:1.25`, `…` while it is described, `⚠` when that failed.
fn described<'a>(state: &State, arn: &str, theme: &Theme) -> (Line<'a>, Line<'a>) {
    match state.revisions.get(arn) {
        Some(Ok(td)) => {
            let registered = td.registered_at.map_or_else(
                || "-".to_string(),
                |t| {
                    // The age first: where the column is cut, the date goes.
                    let stamp = t.rfc3339().replace('T', " ");
                    format!(
                        "{} ago · {}",
                        t.age(state.now),
                        &stamp[..stamp.len().min(16)]
                    )
                },
            );
            let images = td
                .containers
                .iter()
                .map(|c| format!("{}:{}", c.name, image_tag(&sanitize(&c.image))))
                .collect::<Vec<_>>()
                .join(" ");
            (Line::raw(registered), Line::raw(sanitize(&images)))
        }
        Some(Err(e)) => (
            Line::styled("⚠", theme.warn),
            Line::styled(format!("⚠ {}", sanitize(e)), theme.warn),
        ),
        None => (Line::styled("…", theme.dim), Line::styled("…", theme.dim)),
    }
}

pub fn draw_diff(
    state: &State,
    screen: &Screen,
    before: &str,
    after: &str,
    frame: &mut Frame,
    area: Rect,
) -> super::text::Extent {
    let theme = Theme::new(&state.colors);
    let title = format!(
        "{} → {}",
        sanitize(&family_revision(before)),
        sanitize(&family_revision(after))
    );
    let get = |arn: &str| state.revisions.get(arn);
    let lines = match (get(before), get(after)) {
        (Some(Ok(a)), Some(Ok(b))) => {
            let changes = diff(a, b);
            let mut lines = vec![text::heading(
                &format!("{} field(s) differ", changes.len()),
                &theme,
            )];
            if changes.is_empty() {
                lines.push(Line::styled("  the two revisions are the same", theme.dim));
            }
            for c in changes {
                lines.push(Line::styled(
                    format!("  {}", sanitize(&c.field)),
                    theme.accent,
                ));
                // The value in a span of its own: wrapped, it hangs under itself.
                if let Some(v) = c.before {
                    lines.push(Line::from(vec![
                        Span::styled("    - ", theme.error),
                        Span::styled(sanitize(&v), theme.error),
                    ]));
                }
                if let Some(v) = c.after {
                    lines.push(Line::from(vec![
                        Span::styled("    + ", theme.ok),
                        Span::styled(sanitize(&v), theme.ok),
                    ]));
                }
            }
            lines
        }
        (Some(Err(e)), _) | (_, Some(Err(e))) => {
            vec![Line::styled(format!("⚠ {}", sanitize(e)), theme.error)]
        }
        _ => vec![Line::styled("describing the two revisions…", theme.dim)],
    };
    text::draw(frame, area, &theme, &title, lines, screen)
}
