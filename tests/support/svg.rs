//! A terminal screen (`vt100::Screen`) written as a small SVG picture: the README's
//! screenshots in `assets/` (tests/screenshots.rs makes them from the real binary).
//! Include with `#[path = "support/svg.rs"] mod svg;`. Test code, not part of the binary.
//!
//! Every cell keeps its column: each run of text starts at its own `x` and its
//! `textLength` spans exactly its cells, so a viewer font whose glyphs are a little wider
//! or narrower than the grid (or a fallback font for `⟳`) cannot shift the columns after
//! it; characters a monospace font may not draw one cell wide (wide CJK, symbols) get an
//! element of their own. Cells of one style are one `<text>`, background cells of one
//! colour one `<rect>` (also over several rows), and no font is embedded, so a 120x36
//! screen stays at a few tens of KB.
#![allow(dead_code)]

use std::fmt::Write as _;

/// One cell's width and height in SVG units (px at 100%): 0.6 em wide, as the usual
/// monospace fonts are, at a 14 px font.
pub const CELL_W: f64 = 8.4;
pub const CELL_H: f64 = 17.0;
pub const FONT_SIZE: f64 = 14.0;
/// The baseline's distance below a row's top.
const BASELINE: f64 = 13.0;
/// Box-drawing lines' width.
const LINE_WIDTH: f64 = 1.2;
/// The margin around the grid, as a terminal window has.
pub const PAD: f64 = 8.0;

pub const FONTS: &str =
    "ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', monospace";
/// A dark terminal: the default background and foreground.
pub const DEFAULT_BG: &str = "#1e1e1e";
pub const DEFAULT_FG: &str = "#e0e0e0";

/// The 16 ANSI colours: VS Code's terminal palette, legible on the dark background,
/// except grey (7) a little darker than the default text, as toadtop's dark theme draws
/// dim text (borders, hints) in it, and dark grey (8) darker, as the theme's selection
/// bar is that colour and red or green text on it must stay legible.
const ANSI: [&str; 16] = [
    "#000000", "#cd3131", "#0dbc79", "#e5e510", "#2472c8", "#bc3fbc", "#11a8cd", "#b4b4b4",
    "#464646", "#f14c4c", "#23d18b", "#f5f543", "#3b8eea", "#d670d6", "#29b8db", "#ffffff",
];

/// A palette colour (0-255) as `#rrggbb`: the 16 ANSI colours, the 6x6x6 cube, the 24
/// greys, as xterm defines them.
pub fn palette(n: u8) -> String {
    match n {
        0..=15 => ANSI[usize::from(n)].to_string(),
        16..=231 => {
            let level = |v: u8| if v == 0 { 0 } else { 55 + 40 * v };
            let i = n - 16;
            hex(level(i / 36), level(i / 6 % 6), level(i % 6))
        }
        232..=255 => {
            let v = 8 + 10 * (n - 232);
            hex(v, v, v)
        }
    }
}

fn hex(r: u8, g: u8, b: u8) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// A cell colour as `#rrggbb`; `Default` is the terminal's own (`default`).
fn colour(c: vt100::Color, default: &str) -> String {
    match c {
        vt100::Color::Default => default.to_string(),
        vt100::Color::Idx(n) => palette(n),
        vt100::Color::Rgb(r, g, b) => hex(r, g, b),
    }
}

/// Text as XML character data or attribute value. Control characters (which XML 1.0
/// does not allow and a terminal does not draw) become spaces.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// What a cell's text looks like; cells with equal styles share one `<text>`.
#[derive(Clone, PartialEq, Eq)]
struct Style {
    fg: String,
    bold: bool,
    italic: bool,
    underline: bool,
}

/// One drawn cell: its text (a space when empty), its colours after `reverse`, and how
/// many columns it covers.
struct Cell {
    text: String,
    style: Style,
    bg: String,
    width: u16,
}

fn cells(screen: &vt100::Screen, row: u16) -> Vec<(u16, Cell)> {
    let (_, cols) = screen.size();
    let mut out = Vec::new();
    for col in 0..cols {
        let Some(cell) = screen.cell(row, col) else {
            continue;
        };
        // The right half of a wide character: drawn by its left half.
        if cell.is_wide_continuation() {
            continue;
        }
        let (mut fg, mut bg) = (
            colour(cell.fgcolor(), DEFAULT_FG),
            colour(cell.bgcolor(), DEFAULT_BG),
        );
        if cell.inverse() {
            std::mem::swap(&mut fg, &mut bg);
        }
        let text = if cell.has_contents() {
            cell.contents()
        } else {
            " ".to_string()
        };
        out.push((
            col,
            Cell {
                text,
                style: Style {
                    fg,
                    bold: cell.bold(),
                    italic: cell.italic(),
                    underline: cell.underline(),
                },
                bg,
                width: if cell.is_wide() { 2 } else { 1 },
            },
        ));
    }
    out
}

/// Characters every monospace font in `FONTS` draws one cell wide, so they may share a
/// run: ASCII, Latin-1, general punctuation (`…`, `—`, `›`), box drawing and blocks.
/// Anything else (`⟳`, `▶`, CJK, emoji) gets an element at its own column.
fn shares_runs(text: &str) -> bool {
    let mut chars = text.chars();
    let (Some(c), None) = (chars.next(), chars.next()) else {
        return false;
    };
    matches!(c, ' '..='~' | '\u{a0}'..='\u{ff}' | '\u{2010}'..='\u{205e}' | '\u{2500}'..='\u{259f}')
}

/// The arms of a light box-drawing character (left, right, up, down), which are drawn as
/// lines from the cell's centre to its edges: a font's glyphs leave gaps between rows
/// (the line height is more than the glyph) and columns (when its advance differs).
fn arms(text: &str) -> Option<[bool; 4]> {
    Some(match text {
        "─" => [true, true, false, false],
        "│" => [false, false, true, true],
        "┌" | "╭" => [false, true, false, true],
        "┐" | "╮" => [true, false, false, true],
        "└" | "╰" => [false, true, true, false],
        "┘" | "╯" => [true, false, true, false],
        "├" => [false, true, true, true],
        "┤" => [true, false, true, true],
        "┬" => [true, true, false, true],
        "┴" => [true, true, true, false],
        "┼" => [true, true, true, true],
        _ => return None,
    })
}

/// Box-drawing lines of one colour: per row (horizontal) or column (vertical), the
/// half-cell intervals they cover, merged where they touch.
#[derive(Default)]
struct Lines {
    /// (row, from, to) in half columns.
    across: Vec<(u16, u16, u16)>,
    /// (col, from, to) in half rows.
    down: Vec<(u16, u16, u16)>,
}

fn merged(mut segments: Vec<(u16, u16, u16)>) -> Vec<(u16, u16, u16)> {
    segments.sort_unstable();
    let mut out: Vec<(u16, u16, u16)> = Vec::with_capacity(segments.len());
    for s in segments {
        match out.last_mut() {
            Some(last) if last.0 == s.0 && last.2 >= s.1 => last.2 = last.2.max(s.2),
            _ => out.push(s),
        }
    }
    out
}

fn half_x(half_col: u16) -> f64 {
    PAD + f64::from(half_col) * CELL_W / 2.0
}

fn half_y(half_row: u16) -> f64 {
    PAD + f64::from(half_row) * CELL_H / 2.0
}

fn x(col: u16) -> String {
    num(PAD + f64::from(col) * CELL_W)
}

/// A coordinate with at most one decimal (every one here is a multiple of 0.1).
pub fn num(v: f64) -> String {
    let s = format!("{v:.1}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// A background rectangle: from `col`, `width` columns, `rows` rows tall.
struct Rect {
    col: u16,
    width: u16,
    row: u16,
    rows: u16,
    fill: String,
}

/// The screen as an SVG document; `title` is its accessible name (`<title>`).
pub fn to_svg(screen: &vt100::Screen, title: &str) -> String {
    let (rows, cols) = screen.size();
    let width = PAD * 2.0 + f64::from(cols) * CELL_W;
    let height = PAD * 2.0 + f64::from(rows) * CELL_H;
    let mut rects: Vec<Rect> = Vec::new();
    let mut lines: Vec<(String, Lines)> = Vec::new();
    let mut texts = String::new();
    for row in 0..rows {
        let line = cells(screen, row);
        // Backgrounds: runs of one non-default colour; a run exactly below one of the
        // row above grows that one.
        let mut i = 0;
        while i < line.len() {
            let (col, cell) = &line[i];
            let mut j = i;
            let mut width = 0;
            while j < line.len() && line[j].1.bg == cell.bg {
                width += line[j].1.width;
                j += 1;
            }
            if cell.bg != DEFAULT_BG {
                match rects.iter_mut().find(|r| {
                    r.row + r.rows == row && r.col == *col && r.width == width && r.fill == cell.bg
                }) {
                    Some(r) => r.rows += 1,
                    None => rects.push(Rect {
                        col: *col,
                        width,
                        row,
                        rows: 1,
                        fill: cell.bg.clone(),
                    }),
                }
            }
            i = j;
        }
        // Box drawing: lines, not text.
        for (col, cell) in &line {
            let Some([left, right, up, down]) = arms(&cell.text) else {
                continue;
            };
            let at = match lines.iter().position(|(c, _)| *c == cell.style.fg) {
                Some(at) => at,
                None => {
                    lines.push((cell.style.fg.clone(), Lines::default()));
                    lines.len() - 1
                }
            };
            let l = &mut lines[at].1;
            let (c2, r2) = (col * 2, row * 2);
            if left || right {
                l.across.push((
                    row,
                    if left { c2 } else { c2 + 1 },
                    if right { c2 + 2 } else { c2 + 1 },
                ));
            }
            if up || down {
                l.down.push((
                    *col,
                    if up { r2 } else { r2 + 1 },
                    if down { r2 + 2 } else { r2 + 1 },
                ));
            }
        }
        // Text: runs of one style, cut at two or more blanks (nothing to draw there), at
        // box drawing and around characters that get their own element.
        let y = num(PAD + f64::from(row) * CELL_H + BASELINE);
        let nothing = |c: &Cell| (c.text == " " && !c.style.underline) || arms(&c.text).is_some();
        let mut i = 0;
        while i < line.len() {
            let (col, cell) = &line[i];
            if nothing(cell) {
                i += 1;
                continue;
            }
            let mut run = cell.text.clone();
            let mut width = cell.width;
            let mut j = i + 1;
            if shares_runs(&cell.text) {
                while j < line.len() {
                    let next = &line[j].1;
                    let blank = |k: usize| line.get(k).is_none_or(|(_, c)| nothing(c));
                    if next.style != cell.style
                        || !shares_runs(&next.text)
                        || arms(&next.text).is_some()
                        || (nothing(next) && blank(j + 1))
                    {
                        break;
                    }
                    run.push_str(&next.text);
                    width += next.width;
                    j += 1;
                }
            }
            // Trailing blanks draw nothing, unless underlined (each is one cell).
            let drawn = if cell.style.underline {
                run.as_str()
            } else {
                run.trim_end_matches(' ')
            };
            let cols = width - u16::try_from(run.len() - drawn.len()).unwrap_or(width);
            write_text(&mut texts, *col, &y, cols, drawn, &cell.style);
            i = j;
        }
    }
    let mut out = String::with_capacity(texts.len() + rects.len() * 64 + 512);
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
         viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{t}\">\n<title>{t}</title>\n\
         <rect width=\"100%\" height=\"100%\" rx=\"6\" fill=\"{DEFAULT_BG}\"/>\n",
        w = num(width),
        h = num(height),
        t = escape(title),
    );
    for r in &rects {
        let _ = writeln!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>",
            x(r.col),
            num(PAD + f64::from(r.row) * CELL_H),
            num(f64::from(r.width) * CELL_W),
            num(f64::from(r.rows) * CELL_H),
            r.fill
        );
    }
    for (colour, l) in lines {
        let mut d = String::new();
        for (row, from, to) in merged(l.across) {
            let y = PAD + (f64::from(row) + 0.5) * CELL_H;
            let (x0, x1) = (half_x(from), half_x(to));
            let _ = write!(d, "M{} {}H{}", num(x0), num(y), num(x1));
        }
        for (col, from, to) in merged(l.down) {
            let x = PAD + (f64::from(col) + 0.5) * CELL_W;
            let (y0, y1) = (half_y(from), half_y(to));
            let _ = write!(d, "M{} {}V{}", num(x), num(y0), num(y1));
        }
        let _ = writeln!(
            out,
            "<path d=\"{d}\" stroke=\"{colour}\" stroke-width=\"{}\" \
             stroke-linecap=\"square\" fill=\"none\"/>",
            num(LINE_WIDTH)
        );
    }
    let _ = write!(
        out,
        "<g font-family=\"{FONTS}\" font-size=\"{}\" fill=\"{DEFAULT_FG}\" \
         xml:space=\"preserve\">\n{texts}</g>\n</svg>\n",
        num(FONT_SIZE)
    );
    out
}

/// One `<text>` at `col`; `cols` cells wide (its `textLength` when more than one).
fn write_text(out: &mut String, col: u16, y: &str, cols: u16, text: &str, style: &Style) {
    let _ = write!(out, "<text x=\"{}\" y=\"{y}\"", x(col));
    if text.chars().count() > 1 {
        let _ = write!(out, " textLength=\"{}\"", num(f64::from(cols) * CELL_W));
    }
    if style.fg != DEFAULT_FG {
        let _ = write!(out, " fill=\"{}\"", style.fg);
    }
    if style.bold {
        out.push_str(" font-weight=\"bold\"");
    }
    if style.italic {
        out.push_str(" font-style=\"italic\"");
    }
    if style.underline {
        out.push_str(" text-decoration=\"underline\"");
    }
    let _ = writeln!(out, ">{}</text>", escape(text));
}
