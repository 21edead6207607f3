//! The findings pane (most severe first, filterable) and one finding's detail.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::table::{Col, ListHit, ListPane};
use super::text::{self, field, heading};
use super::theme::Theme;
use crate::app::columns::Pane;
use crate::app::{sort_header, visible_findings, Screen, State};
use crate::domain::image_tag;
use crate::safety::sanitize;

pub fn severity_style(sev: &str, theme: &Theme) -> Style {
    match sev {
        "CRITICAL" => theme.error.add_modifier(ratatui::style::Modifier::BOLD),
        "HIGH" => theme.error,
        "MEDIUM" => theme.warn,
        _ => theme.dim,
    }
}

/// `C1 H2 M3` for a severity -> count map (zeros left out).
pub fn badge(counts: &std::collections::BTreeMap<String, i64>) -> String {
    ["CRITICAL", "HIGH", "MEDIUM", "LOW"]
        .iter()
        .filter_map(|s| {
            counts
                .get(*s)
                .filter(|n| **n > 0)
                .map(|n| format!("{}{n}", &s[..1]))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn draw(
    state: &State,
    screen: &Screen,
    cluster: &str,
    service: Option<&str>,
    frame: &mut Frame,
    area: Rect,
) -> Option<ListHit> {
    let theme = Theme::new(&state.colors);
    let rows = visible_findings(state, cluster, service, &screen.filter);
    let scope = service.map_or_else(|| format!("cluster {}", sanitize(cluster)), sanitize);
    let pane = ListPane {
        // The rows are the images the cluster's services run, looked up after each of
        // its loads: as old as that load.
        title: format!(
            "findings · {scope}{}",
            crate::app::fleet::stale_note(state, state.detail(cluster).and_then(|d| d.fetched_at))
        ),
        columns: &[
            Col::new("SEVERITY", 8, 9, 9),
            Col::new("FINDING", 14, 30, 9),
            Col::new("PACKAGE", 10, 40, 7),
            Col::new("FIXED IN", 8, 24, 6),
            Col::new("SCORE", 5, 5, 4),
            Col::new("IMAGE", 10, 60, 5),
        ],
        loading: state.findings.is_empty() && state.findings_loading,
        len: rows.len(),
        selected: screen.selected,
        empty: if state.findings_loading {
            "loading findings…"
        } else {
            "no findings match"
        },
        error: None,
        sort: sort_header(state, Pane::Findings),
    };
    pane.draw(frame, area, &theme, |i| {
        let r = &rows[i];
        let img = sanitize(&image_tag(r.image));
        match r.finding {
            Some(f) => vec![
                Line::styled(sanitize(&f.severity), severity_style(&f.severity, &theme)),
                Line::raw(sanitize(&f.name)),
                Line::raw(sanitize(&format!(
                    "{} {}",
                    f.package.as_deref().unwrap_or("-"),
                    f.version.as_deref().unwrap_or("")
                ))),
                Line::raw(sanitize(f.fixed_in.as_deref().unwrap_or("-"))),
                Line::raw(f.score.map_or_else(|| "-".into(), |s| format!("{s:.1}"))),
                Line::raw(img),
            ],
            None => {
                let settings = r
                    .scan
                    .scan_settings
                    .as_deref()
                    .map(sanitize)
                    .unwrap_or_default();
                let cells: [Line; 3] = match &r.scan.error {
                    // The FINDING column is narrow: the failure (which call, why) goes in
                    // the wide PACKAGE column so it stays readable.
                    Some(e) => [
                        Line::styled("⚠ error", theme.warn),
                        Line::styled(sanitize(e), theme.warn),
                        Line::styled(settings, theme.dim),
                    ],
                    None => [
                        Line::styled(
                            if r.scan.status == "COMPLETE" {
                                "no findings".into()
                            } else {
                                sanitize(&r.scan.status)
                            },
                            theme.dim,
                        ),
                        Line::styled(settings, theme.dim),
                        Line::raw(""),
                    ],
                };
                let [what, detail, more] = cells;
                vec![
                    Line::styled("-", theme.dim),
                    what,
                    detail,
                    more,
                    Line::raw(""),
                    Line::raw(sanitize(r.image)),
                ]
            }
        }
    })
}

pub fn draw_detail(
    state: &State,
    screen: &Screen,
    image: &str,
    name: &str,
    frame: &mut Frame,
    area: Rect,
) -> super::text::Extent {
    let theme = Theme::new(&state.colors);
    let scan = state.findings.get(image);
    let Some(f) = scan.and_then(|s| s.items.iter().find(|f| f.name == name)) else {
        return text::draw(
            frame,
            area,
            &theme,
            "finding",
            text::missing("finding", false, &theme),
            screen,
        );
    };
    let opt = |v: &Option<String>| v.as_deref().map(sanitize).unwrap_or_else(|| "-".into());
    let mut lines = vec![
        Line::from(vec![
            Span::styled(
                format!("{} ", sanitize(&f.severity)),
                severity_style(&f.severity, &theme),
            ),
            Span::styled(sanitize(&f.name), theme.title),
        ]),
        field("image", sanitize(image), &theme),
        field("digest", opt(&scan.and_then(|s| s.digest.clone())), &theme),
        field(
            "package",
            format!(
                "{} {}",
                opt(&f.package),
                f.version.as_deref().map(sanitize).unwrap_or_default()
            ),
            &theme,
        ),
        field("fixed in", opt(&f.fixed_in), &theme),
        field(
            "score",
            f.score.map_or_else(|| "-".into(), |s| format!("{s:.1}")),
            &theme,
        ),
        field("status", opt(&f.status), &theme),
        field("url", opt(&f.url), &theme),
        Line::raw(""),
        heading("Description", &theme),
    ];
    lines.push(Line::raw(opt(&f.description)));
    if let Some(settings) = scan.and_then(|s| s.scan_settings.clone()) {
        lines.push(Line::raw(""));
        lines.push(field("repository scan", sanitize(&settings), &theme));
    }
    text::draw(
        frame,
        area,
        &theme,
        &format!("finding {}", sanitize(name)),
        lines,
        screen,
    )
}
