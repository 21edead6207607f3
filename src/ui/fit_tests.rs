use super::*;
use proptest::prelude::*;
use ratatui::style::{Color, Style};

fn spec(min: u16, max: u16, content: u16, priority: u8) -> Spec {
    Spec {
        min,
        max,
        content,
        priority,
    }
}

#[test]
fn cut_marks_what_it_left_out() {
    assert_eq!(cut("nginx:stable", 12), "nginx:stable");
    assert_eq!(cut("nginx:stable", 8), "nginx:s…");
    assert_eq!(cut("nginx:stable", 1), "…");
    assert_eq!(cut("nginx:stable", 0), "");
    assert_eq!(cut("", 0), "");
    // Wide characters count two cells; one crossing the edge stays out.
    assert_eq!(cut("日本語テキスト", 6), "日本…");
    assert_eq!(width(&cut("日本語テキスト", 6)), 5);
    // A combining accent takes no cell of its own.
    assert_eq!(cut("e\u{301}te\u{301}", 3), "e\u{301}te\u{301}");
}

#[test]
fn cut_left_keeps_the_end() {
    assert_eq!(cut_left("laravel-web:42", 14), "laravel-web:42");
    assert_eq!(cut_left("laravel-web:42", 6), "…eb:42");
    assert_eq!(cut_left("localhost.example:5000", 10), "…mple:5000");
    assert_eq!(cut_left("日本語:7", 5), "…語:7");
}

#[test]
fn cut_line_keeps_styles_and_ends_in_the_cut_spans_style() {
    let red = Style::new().fg(Color::Red);
    let line = Line::from(vec![Span::raw("php "), Span::styled("RUNNING ro", red)]);
    let cut = cut_line(line.clone(), 8);
    assert_eq!(cut.to_string(), "php RUN…");
    assert_eq!(cut.spans.last().map(|s| s.style), Some(red));
    assert_eq!(cut_line(line.clone(), 14).to_string(), "php RUNNING ro");
    assert_eq!(cut_line(line.clone(), 4).to_string(), "php…");
    assert_eq!(cut_line_left(line, 6).to_string(), "…NG ro");
}

#[test]
fn everything_fits_at_its_content_width() {
    let specs = [spec(4, 30, 9, 9), spec(6, 10, 6, 5), spec(10, 60, 25, 7)];
    // 9 + 6 + 25 + 2 gaps = 42; more room is left unused, not spread as padding.
    assert_eq!(plan(&specs, 200, 1), vec![Some(9), Some(6), Some(25)]);
    assert_eq!(plan(&specs, 42, 1), vec![Some(9), Some(6), Some(25)]);
}

#[test]
fn a_long_column_stops_at_its_max_until_the_others_are_whole() {
    // Two long columns and a short one: first each up to its max...
    let specs = [spec(4, 40, 100, 9), spec(4, 40, 50, 5), spec(4, 10, 10, 1)];
    assert_eq!(plan(&specs, 92, 1), vec![Some(40), Some(40), Some(10)]);
    // ... then the room left goes past the max, to the more important first...
    assert_eq!(plan(&specs, 100, 1), vec![Some(48), Some(40), Some(10)]);
    // ... up to each one's content; the rest stays blank.
    assert_eq!(plan(&specs, 200, 1), vec![Some(100), Some(50), Some(10)]);
}

#[test]
fn short_room_is_shared_by_importance() {
    let specs = [spec(4, 40, 12, 9), spec(6, 10, 6, 5), spec(10, 80, 50, 7)];
    // 40 cells: 2 gaps, 38 for columns; NAME whole, the rest to the long one.
    assert_eq!(plan(&specs, 40, 1), vec![Some(12), Some(6), Some(20)]);
    // 22 cells: just what they need.
    assert_eq!(plan(&specs, 22, 1), vec![Some(4), Some(6), Some(10)]);
    // Two long columns of one priority meet in the middle; the shorter is whole first.
    let specs = [spec(4, 80, 50, 7), spec(4, 80, 30, 7)];
    assert_eq!(plan(&specs, 41, 1), vec![Some(20), Some(20)]);
    assert_eq!(plan(&specs, 71, 1), vec![Some(40), Some(30)]);
    // Unequal ones share in proportion to priority + 1: 9 : 4 of 39 cells.
    let specs = [spec(0, 80, 50, 8), spec(0, 80, 50, 3)];
    assert_eq!(plan(&specs, 40, 1), vec![Some(27), Some(12)]);
    // A short column is whole long before a long one.
    let specs = [spec(3, 5, 5, 2), spec(10, 300, 200, 9)];
    assert_eq!(plan(&specs, 40, 1), vec![Some(5), Some(34)]);
}

#[test]
fn the_least_important_column_goes_first_then_the_next() {
    let specs = [
        spec(8, 40, 9, 9),   // NAME
        spec(6, 10, 6, 6),   // STATUS
        spec(16, 80, 40, 7), // IMAGES
        spec(7, 8, 7, 1),    // LAUNCH
        spec(4, 4, 4, 2),    // EXEC
    ];
    // Needs: 8 + 6 + 16 + 7 + 4 + 4 gaps = 45.
    assert!(plan(&specs, 45, 1).iter().all(Option::is_some));
    let p = plan(&specs, 44, 1);
    assert_eq!(p[3], None, "LAUNCH first");
    assert!(p[4].is_some());
    let p = plan(&specs, 36, 1);
    assert_eq!((p[3], p[4]), (None, None), "then EXEC");
    // 34 cells for 30 needed: NAME gets its last cell, IMAGES the rest.
    assert_eq!(p[..3], [Some(9), Some(6), Some(19)]);
    // Too narrow for even the most important column: it gets what there is.
    assert_eq!(plan(&specs, 5, 1), vec![Some(5), None, None, None, None]);
}

#[test]
fn equals_drop_from_the_right() {
    let specs = [
        spec(10, 10, 10, 3),
        spec(10, 10, 10, 3),
        spec(10, 10, 10, 3),
    ];
    assert_eq!(plan(&specs, 25, 1), vec![Some(10), Some(10), None]);
}

#[test]
fn a_column_narrower_than_its_min_needs_only_its_content() {
    // EXEC `on`/`off` under a min of 10 is kept at 4 cells (its header).
    let specs = [spec(8, 40, 20, 9), spec(10, 10, 4, 1)];
    assert_eq!(plan(&specs, 25, 1), vec![Some(20), Some(4)]);
}

fn specs_strategy() -> impl Strategy<Value = Vec<Spec>> {
    prop::collection::vec(
        (0u16..30, 0u16..120, 0u16..300, 0u8..10)
            .prop_map(|(min, max, content, priority)| spec(min, max, content, priority)),
        0..10,
    )
}

proptest! {
    #[test]
    fn plans_fit_never_pad_and_drop_the_least_important(
        specs in specs_strategy(),
        width in 0u16..400,
        spacing in 0u16..3,
    ) {
        let p = plan(&specs, width, spacing);
        prop_assert_eq!(p.len(), specs.len());
        let kept: Vec<usize> = (0..specs.len()).filter(|&i| p[i].is_some()).collect();
        let total: u32 = kept.iter().map(|&i| u32::from(p[i].unwrap_or(0))).sum::<u32>()
            + (kept.len() as u32).saturating_sub(1) * u32::from(spacing);
        // Fits the room.
        prop_assert!(total <= u32::from(width), "{total} > {width}");
        // A column is kept whenever there are columns.
        prop_assert_eq!(kept.is_empty(), specs.is_empty());
        for &i in &kept {
            let w = p[i].unwrap_or(0);
            // Never wider than its content (no padding), never below its need unless it
            // is the one column left.
            prop_assert!(w <= specs[i].content);
            if kept.len() > 1 {
                prop_assert!(w >= specs[i].need());
            }
        }
        // Dropped columns are never more important than kept ones.
        for d in (0..specs.len()).filter(|&i| p[i].is_none()) {
            for &k in &kept {
                prop_assert!(specs[d].priority <= specs[k].priority);
            }
        }
        // A cut column leaves no room unused.
        let cut = kept.iter().any(|&i| p[i].unwrap_or(0) < specs[i].content);
        if cut {
            prop_assert_eq!(total, u32::from(width));
        }
        // A column past its max only when every column has its ideal.
        if kept.iter().any(|&i| p[i].unwrap_or(0) > specs[i].ideal()) {
            for &k in &kept {
                prop_assert!(p[k].unwrap_or(0) >= specs[k].ideal());
            }
        }
        // Nothing dropped, every column at its ideal, when the ideals fit.
        let ideal: u32 = specs.iter().map(|s| u32::from(s.ideal())).sum::<u32>()
            + (specs.len() as u32).saturating_sub(1) * u32::from(spacing);
        if ideal <= u32::from(width) {
            prop_assert_eq!(kept.len(), specs.len());
            for &k in &kept {
                prop_assert!(p[k].unwrap_or(0) >= specs[k].ideal());
            }
        }
    }

    #[test]
    fn more_room_never_drops_more(specs in specs_strategy(), width in 0u16..300) {
        let dropped = |w| plan(&specs, w, 1).iter().filter(|x| x.is_none()).count();
        prop_assert!(dropped(width + 1) <= dropped(width));
    }

    #[test]
    fn cuts_fit_and_say_so(s in "\\PC{0,40}", max in 0usize..50) {
        for out in [cut(&s, max), cut_left(&s, max)] {
            prop_assert!(width(&out) <= max);
            if width(&s) <= max {
                prop_assert_eq!(&*out, s.as_str());
            } else if max > 0 {
                prop_assert!(out.contains(ELLIPSIS));
            }
        }
        let line = cut_line(Line::from(vec![Span::raw(s.clone()), Span::raw(s.clone())]), max);
        prop_assert!(line.width() <= max);
    }
}
