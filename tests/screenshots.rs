//! The README's pictures (`assets/*.svg`): the real binary in a pseudo-terminal against
//! the seeded test server, keys pressed as a person would, each screen written as SVG by
//! support/svg.rs. `scripts/screenshots.sh` runs `capture_the_readme_screens` with
//! `TOADTOP_SCREENSHOTS_DIR=assets`; in the suite it writes into a throwaway directory, so
//! the capture cannot rot unnoticed. The other tests keep the writer and the committed
//! pictures honest. Timeouts only stop a broken run from hanging.

#[path = "support/pty.rs"]
mod pty;
mod support;
#[path = "support/svg.rs"]
mod svg;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use pty::{Tui, ENTER, ESC};
use support::TestBed;

const WAIT: Duration = Duration::from_secs(60);

/// The pictures and what each must show (text read back from the SVG).
const PICTURES: [(&str, &[&str]); 5] = [
    ("services.svg", &["services · production", "VULNS", "crit"]),
    (
        "tasks.svg",
        &["tasks · production/worker", "STOPPED", "exit 1"],
    ),
    ("logs.svg", &[" logs · ", "ERROR", "▸"]),
    ("deploy-preview.svg", &["deploy production/web?", "v1.4.0"]),
    ("alerts.svg", &["alerts", "crit"]),
];

// ---------------------------------------------------------------------------------------
// The capture (scripts/screenshots.sh)

/// Where the pictures go: `TOADTOP_SCREENSHOTS_DIR` (the script sets it to `assets/`),
/// else a directory of the bed's throwaway home, so the test suite never rewrites
/// tracked files.
fn out_dir(bed: &TestBed) -> PathBuf {
    let dir = std::env::var_os("TOADTOP_SCREENSHOTS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| bed.home.path().join("assets"));
    std::fs::create_dir_all(&dir).expect("create the pictures' directory");
    dir
}

fn save(tui: &Tui, dir: &Path, name: &str, title: &str) {
    let doc = svg::to_svg(&tui.vt_screen(), title);
    let path = dir.join(name);
    std::fs::write(&path, &doc).expect("write the picture");
    eprintln!("{}: {} bytes", path.display(), doc.len());
}

/// Starts scripts/testbed/demo_logs.py for `ticks` ticks half a second apart: the
/// requests, warnings, a failing queue job and errors with stack traces the demo's log
/// pane shows.
fn demo_logs(bed: &TestBed, ticks: u32) -> std::process::Child {
    let summary = bed.home.path().join("summary.json");
    std::fs::write(&summary, bed.summary.to_string()).expect("write the seed summary");
    Command::new(support::python())
        .arg(support::repo().join("scripts/testbed/demo_logs.py"))
        .args(["--endpoint", &bed.endpoint, "--summary"])
        .arg(&summary)
        .args(["--every", "0.5", "--ticks", &ticks.to_string()])
        .spawn()
        .expect("run demo_logs.py")
}

fn line_with<'a>(screen: &'a str, text: &str) -> Option<&'a str> {
    screen.lines().find(|l| l.contains(text))
}

/// Resizes the terminal and waits for the program to fill it: the footer on the last
/// row, the pane's bottom border above it.
fn resize(tui: &mut Tui, cols: u16, rows: u16) {
    tui.resize(cols, rows);
    tui.wait_for(&format!("a redraw at {cols}x{rows}"), WAIT, |s| {
        let lines: Vec<&str> = s.lines().collect();
        lines.len() == usize::from(rows)
            && lines
                .iter()
                .rev()
                .skip(1)
                .take(2)
                .any(|l| l.starts_with('└'))
    });
}

/// The header badge's counts once every alert of the production cluster is in:
/// `--once`'s alerts, those of one `cause` counted once (as tests/tui_alerts_logs_pty.rs
/// counts them).
fn badge(bed: &TestBed) -> String {
    let args = ["--cluster", "production", "--once", "--output", "json"];
    let doc = bed.run(args, Duration::from_secs(60)).json();
    let alerts = doc["alerts"].as_array().expect("alerts in --once");
    let count = |level: &str| {
        let mut causes = std::collections::BTreeSet::new();
        alerts
            .iter()
            .filter(|a| a["level"] == level)
            .filter(|a| a["cause"].as_str().is_none_or(|c| causes.insert(c)))
            .count()
    };
    format!(" {} crit  {} warn ", count("critical"), count("warning"))
}

/// Wide enough for every column of the services pane (VULNS among them); each screen
/// as tall as it needs, so the pictures carry no empty rows.
const COLS: u16 = 120;

#[test]
fn capture_the_readme_screens() {
    let bed = TestBed::seeded();
    let dir = out_dir(&bed);
    // Ticks 6 and 18 write an ERROR with its stack trace to web, 18 a failing job.
    let mut traffic = demo_logs(&bed, 20);
    let registered = || bed.requests().get("RegisterTaskDefinition").copied();
    let before = registered();

    let badge = badge(&bed);
    let mut tui = Tui::start(&bed, &bed.endpoint, COLS, 11, &["--cluster", "production"]);
    // Every service's findings in VULNS, the whole fleet's alerts in the badge.
    tui.wait_for("the production services with VULNS and alerts", WAIT, |s| {
        s.contains("services · production")
            && ["│scheduler ", "│web ", "│worker "]
                .iter()
                .all(|row| line_with(s, row).is_some_and(|l| l.contains("C1 H1 M1")))
            && s.lines().next().is_some_and(|l| l.contains(&badge))
    });
    save(&tui, &dir, "services.svg", "toadtop: the services pane");

    resize(&mut tui, COLS, 14);
    tui.send(":alerts");
    tui.send(ENTER);
    tui.wait_for("the alerts pane", WAIT, |s| {
        s.contains("┌ alerts [") && s.contains("WHY")
    });
    save(&tui, &dir, "alerts.svg", "toadtop: the alerts pane");
    tui.send(ESC);
    tui.wait_for("the services again", WAIT, |s| {
        s.contains("services · production")
    });

    resize(&mut tui, COLS, 36);
    assert!(traffic.wait().expect("demo_logs.py").success());
    tui.send("j"); // scheduler, web, worker
    tui.send("l");
    tui.wait_for(
        "web's logs with the demo's traffic and a folded trace",
        WAIT,
        |s| {
            s.contains(" › web › logs")
                && line_with(s, " logs · ").is_some_and(|t| !t.contains("loading"))
                && s.contains("Deadlock found")
                && s.contains('▸')
        },
    );
    save(&tui, &dir, "logs.svg", "toadtop: the log pane");
    tui.send(ESC);
    tui.wait_for("the services again", WAIT, |s| {
        s.contains("services · production") && !s.contains(" logs · ")
    });

    resize(&mut tui, COLS, 11);
    tui.send("j"); // worker: a task that exited 1 among its running ones
    tui.send(ENTER);
    tui.wait_for("worker's tasks with the stopped one", WAIT, |s| {
        s.contains("tasks · production/worker")
            && line_with(s, "STOPPED").is_some_and(|l| l.contains("exit 1"))
            && line_with(s, "RUNNING").is_some()
    });
    save(&tui, &dir, "tasks.svg", "toadtop: the tasks pane");
    tui.send(ESC);
    tui.wait_for("the services again", WAIT, |s| {
        s.contains("services · production")
    });
    resize(&mut tui, COLS, 36);
    tui.send("k"); // back to web

    tui.send("d");
    tui.wait_for("the image picker with each tag's findings", WAIT, |s| {
        s.contains("v1.4.0") && s.contains("v1.5.0 (running)")
    });
    tui.move_cursor_to("v1.4.0", WAIT);
    tui.send(ENTER);
    tui.wait_for("v1.4.0 chosen", WAIT, |s| {
        s.contains("container php: runs v1.5.0 (→ v1.4.0)")
    });
    tui.move_cursor_to("→ preview and confirm", WAIT);
    tui.send(ENTER);
    tui.wait_for("the preview with v1.4.0's findings", WAIT, |s| {
        s.contains("deploy production/web?")
            && s.contains("! php v1.4.0: 2 findings at or above CRITICAL")
    });
    save(
        &tui,
        &dir,
        "deploy-preview.svg",
        "toadtop: a deploy's preview",
    );
    // Never confirmed: the picture is of the question.
    tui.send(ESC);
    tui.wait_for("the deploy cancelled", WAIT, |s| {
        s.contains("deploy cancelled")
    });
    assert_eq!(registered(), before, "nothing was deployed");
    tui.quit(WAIT);

    for (name, texts) in PICTURES {
        let text = svg_text(&std::fs::read_to_string(dir.join(name)).expect("a picture"));
        for t in texts {
            assert!(text.contains(t), "{name} lacks {t:?}:\n{text}");
        }
    }
}

// ---------------------------------------------------------------------------------------
// Reading an SVG back (for the checks below)

/// The `<text>` elements of an SVG: attributes and unescaped content.
fn texts(doc: &str) -> Vec<(BTreeMap<String, String>, String)> {
    let mut out = Vec::new();
    let mut rest = doc;
    while let Some(start) = rest.find("<text ") {
        rest = &rest[start + "<text ".len()..];
        let end = rest.find('>').expect("a closed start tag");
        let attrs = attributes(&rest[..end]);
        rest = &rest[end + 1..];
        let close = rest.find("</text>").expect("a closed text element");
        out.push((attrs, unescape(&rest[..close])));
        rest = &rest[close..];
    }
    out
}

fn attributes(tag: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut rest = tag.trim_end_matches('/').trim();
    while let Some(eq) = rest.find("=\"") {
        let name = rest[..eq].trim().to_string();
        let value_end = rest[eq + 2..].find('"').expect("a closed attribute value");
        out.insert(name, unescape(&rest[eq + 2..eq + 2 + value_end]));
        rest = rest[eq + 2 + value_end + 1..].trim_start();
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// All drawn text, one line per `y`, runs placed at their columns.
fn svg_text(doc: &str) -> String {
    let mut rows: BTreeMap<i64, String> = BTreeMap::new();
    for (attrs, text) in texts(doc) {
        let x: f64 = attrs["x"].parse().expect("numeric x");
        let y: f64 = attrs["y"].parse().expect("numeric y");
        let col = ((x - svg::PAD) / svg::CELL_W).round() as usize;
        let row = rows.entry(y.round() as i64).or_default();
        let have = row.chars().count();
        if have < col {
            row.extend(std::iter::repeat_n(' ', col - have));
        }
        row.push_str(&text);
    }
    rows.into_values().collect::<Vec<_>>().join("\n")
}

/// Tags balance, attributes are quoted, `&` starts an entity and no `<` is loose in
/// text: enough of XML's well-formedness to catch a writer's mistakes.
fn assert_well_formed(doc: &str) {
    let mut stack: Vec<&str> = Vec::new();
    let mut rest = doc;
    while let Some(open) = rest.find('<') {
        check_text(&rest[..open]);
        let close = rest[open..].find('>').expect("a closed tag") + open;
        let tag = &rest[open + 1..close];
        assert!(!tag.contains('<'), "a '<' inside a tag: {tag}");
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop(), Some(name), "unbalanced </{name}>");
        } else {
            let name = tag.split_whitespace().next().expect("a tag name");
            let attrs = tag[name.len()..].trim_end_matches('/');
            assert_eq!(attrs.matches('"').count() % 2, 0, "quotes in <{tag}>");
            check_text(attrs);
            if !tag.ends_with('/') {
                stack.push(name);
            }
        }
        rest = &rest[close + 1..];
    }
    check_text(rest);
    assert!(stack.is_empty(), "unclosed: {stack:?}");
}

fn check_text(text: &str) {
    assert!(
        !text.contains('>') || text.trim().is_empty(),
        "a loose '>': {text}"
    );
    for (i, _) in text.match_indices('&') {
        let entity = &text[i..];
        assert!(
            ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"]
                .iter()
                .any(|e| entity.starts_with(e)),
            "a bare '&': {text}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// The writer on a small screen

fn screen(cols: u16, rows: u16, bytes: &str) -> vt100::Screen {
    let mut parser = vt100::Parser::new(rows, cols, 0);
    parser.process(bytes.as_bytes());
    parser.screen().clone()
}

/// The `<text>` that starts at `col` on `row`.
fn text_at(doc: &str, row: u16, col: u16) -> (BTreeMap<String, String>, String) {
    let x = svg::PAD + f64::from(col) * svg::CELL_W;
    let y = svg::PAD + f64::from(row) * svg::CELL_H;
    texts(doc)
        .into_iter()
        .find(|(a, _)| {
            let ax: f64 = a["x"].parse().unwrap();
            let ay: f64 = a["y"].parse().unwrap();
            (ax - x).abs() < 0.01 && ay > y && ay < y + svg::CELL_H
        })
        .unwrap_or_else(|| panic!("no text at row {row} col {col} in:\n{doc}"))
}

fn rects(doc: &str) -> Vec<BTreeMap<String, String>> {
    doc.match_indices("<rect ")
        .map(|(i, _)| {
            let end = doc[i..].find('>').unwrap() + i;
            attributes(&doc[i + "<rect ".len()..end])
        })
        .collect()
}

#[test]
fn the_writer_keeps_colours_weights_and_columns() {
    let bytes = concat!(
        "\x1b[1;31mERR\x1b[0m plain\r\n", // bold red, then default
        "\x1b[38;5;28mok\x1b[0m \x1b[38;2;170;85;0mrgb\x1b[0m\r\n", // 256-colour green, RGB
        "a<&>\"'b \x1b[7mrev\x1b[0m \x1b[7;31;42mRG\x1b[0m\r\n", // escaping; reverse video
        "x注y \x1b[4mu\x1b[0m \x1b[3mi\x1b[0m\r\n", // a wide character; underline, italic
        "\x1b[48;5;160m  \x1b[0m\r\n\x1b[48;5;160m  \x1b[0m", // one background over two rows
    );
    let doc = svg::to_svg(&screen(20, 6, bytes), "a <test> & more");
    assert_well_formed(&doc);
    assert!(
        doc.contains("<title>a &lt;test&gt; &amp; more</title>"),
        "{doc}"
    );
    assert!(
        !doc.contains("@font-face") && !doc.contains("base64"),
        "{doc}"
    );

    let (err, text) = text_at(&doc, 0, 0);
    assert_eq!(text, "ERR");
    assert_eq!(err.get("fill").map(String::as_str), Some("#cd3131"));
    assert_eq!(err.get("font-weight").map(String::as_str), Some("bold"));
    assert_eq!(err["textLength"], "25.2", "three cells");
    let (plain, text) = text_at(&doc, 0, 4);
    assert_eq!(text, "plain");
    assert!(!plain.contains_key("fill") && !plain.contains_key("font-weight"));

    let (ok, text) = text_at(&doc, 1, 0);
    assert_eq!((ok["fill"].as_str(), text.as_str()), ("#008700", "ok"));
    let (rgb, text) = text_at(&doc, 1, 3);
    assert_eq!((rgb["fill"].as_str(), text.as_str()), ("#aa5500", "rgb"));

    let (_, text) = text_at(&doc, 2, 0);
    assert_eq!(text, "a<&>\"'b");
    assert!(doc.contains(">a&lt;&amp;&gt;&quot;&apos;b<"), "{doc}");
    // Reverse video: the default colours swapped, text dark on a light cell.
    let (rev, text) = text_at(&doc, 2, 8);
    assert_eq!(
        (rev["fill"].as_str(), text.as_str()),
        (svg::DEFAULT_BG, "rev")
    );
    let x = |col: u16| svg::PAD + f64::from(col) * svg::CELL_W;
    let cell_rect = |col: u16, row: u16| {
        rects(&doc).into_iter().find(|r| {
            r.get("x")
                .is_some_and(|v| (v.parse::<f64>().unwrap() - x(col)).abs() < 0.01)
                && r.get("y").is_some_and(|v| {
                    (v.parse::<f64>().unwrap() - (svg::PAD + f64::from(row) * svg::CELL_H)).abs()
                        < 0.01
                })
        })
    };
    let rev_bg = cell_rect(8, 2).expect("a background behind the reversed cells");
    assert_eq!(rev_bg["fill"], svg::DEFAULT_FG);
    assert_eq!(rev_bg["width"], "25.2");
    // Red on green, reversed: green text on red.
    let (rg, text) = text_at(&doc, 2, 12);
    assert_eq!((rg["fill"].as_str(), text.as_str()), ("#0dbc79", "RG"));
    assert_eq!(cell_rect(12, 2).expect("red behind RG")["fill"], "#cd3131");

    // The wide character covers columns 1-2: y is at column 3, each at its own x.
    assert_eq!(text_at(&doc, 3, 0).1, "x");
    assert_eq!(text_at(&doc, 3, 1).1, "注");
    assert_eq!(text_at(&doc, 3, 3).1, "y");
    let (u, text) = text_at(&doc, 3, 5);
    assert_eq!(text, "u");
    assert_eq!(u["text-decoration"], "underline");
    assert_eq!(text_at(&doc, 3, 7).0["font-style"], "italic");

    // Two rows of the same background are one rectangle.
    let red = cell_rect(0, 4).expect("the background of rows 4-5");
    assert_eq!(red["fill"], "#d70000");
    assert_eq!(red["width"], "16.8");
    assert_eq!(red["height"], "34");
    assert!(cell_rect(0, 5).is_none(), "no second rectangle: {doc}");
}

#[test]
fn box_drawing_is_lines_without_gaps() {
    // A box with a title in its top border, in blue, as a pane draws it.
    let bytes =
        "\x1b[34m┌ t ┐\x1b[0m\r\n\x1b[34m│\x1b[0mab \x1b[34m│\x1b[0m\r\n\x1b[34m└───┘\x1b[0m";
    let doc = svg::to_svg(&screen(5, 3, bytes), "a box");
    assert_well_formed(&doc);
    let found: Vec<String> = texts(&doc).into_iter().map(|(_, t)| t).collect();
    assert_eq!(found, ["t", "ab"], "no box character is text: {doc}");
    let paths: Vec<&str> = doc.lines().filter(|l| l.starts_with("<path ")).collect();
    assert_eq!(paths.len(), 1, "one path per colour: {doc}");
    let d = attributes(&paths[0]["<path ".len()..])["d"].clone();
    assert!(paths[0].contains("stroke=\"#2472c8\""), "{doc}");
    // Row 0: the corners' arms, cut by the title; row 2: one line from centre to centre.
    // Columns 0 and 4: from the middle of row 0 to the middle of row 2, one line each.
    let (x, y) = (
        |half: u16| svg::num(svg::PAD + f64::from(half) * svg::CELL_W / 2.0),
        |half: u16| svg::num(svg::PAD + f64::from(half) * svg::CELL_H / 2.0),
    );
    let want = [
        format!("M{} {}H{}", x(1), y(1), x(2)),
        format!("M{} {}H{}", x(8), y(1), x(9)),
        format!("M{} {}H{}", x(1), y(5), x(9)),
        format!("M{} {}V{}", x(1), y(1), y(5)),
        format!("M{} {}V{}", x(9), y(1), y(5)),
    ];
    assert_eq!(d, want.concat());
}

#[test]
fn the_palette_is_xterms() {
    assert_eq!(svg::palette(1), "#cd3131");
    assert_eq!(svg::palette(16), "#000000");
    assert_eq!(svg::palette(153), "#afd7ff");
    assert_eq!(svg::palette(231), "#ffffff");
    assert_eq!(svg::palette(232), "#080808");
    assert_eq!(svg::palette(242), "#6c6c6c");
}

#[test]
fn one_style_is_one_text_element_and_wide_gaps_or_lines_split_it() {
    // A table row: columns one blank apart stay one run; two blanks or more end it.
    let row = "web ACTIVE 3/3/0 laravel-web:2  php:v1.5.0 │ C1 H1";
    let doc = svg::to_svg(&screen(60, 2, row), "one row");
    let found: Vec<String> = texts(&doc).into_iter().map(|(_, t)| t).collect();
    // A box-drawing character is a line, not text: it ends a run too.
    assert_eq!(
        found,
        ["web ACTIVE 3/3/0 laravel-web:2", "php:v1.5.0", "C1 H1"]
    );
    assert_eq!(text_at(&doc, 0, 32).1, "php:v1.5.0");
    assert_eq!(text_at(&doc, 0, 45).1, "C1 H1");
    assert_eq!(rects(&doc).len(), 1, "only the window's background: {doc}");
}

// ---------------------------------------------------------------------------------------
// The committed pictures

#[test]
fn the_readme_pictures_exist_are_small_and_show_the_real_screens() {
    let dir = support::repo().join("assets");
    let readme = std::fs::read_to_string(support::repo().join("README.md")).expect("README");
    for (name, must_show) in PICTURES {
        let path = dir.join(name);
        let doc = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e}; run scripts/screenshots.sh", path.display()));
        assert!(doc.len() < 100_000, "{name}: {} bytes", doc.len());
        assert_well_formed(&doc);
        let text = svg_text(&doc);
        for t in must_show {
            assert!(text.contains(t), "{name} lacks {t:?}:\n{text}");
        }
        assert!(
            readme.contains(&format!("](assets/{name})")),
            "README shows {name}"
        );
    }
}
