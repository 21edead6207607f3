//! Property tests of the log parser and the ring buffer: any text (or any bytes, read as
//! lossy UTF-8, as CloudWatch text reaches us) parses without a panic, nothing that could
//! drive a terminal survives, and every line is accounted for: it becomes a record, or one
//! continuation line of an earlier record (or one count in its `… N more lines` marker).

use std::sync::Arc;

use proptest::collection::vec;
use proptest::prelude::*;

use super::parse::{floor_boundary, MAX_LINE_BYTES};
use super::{
    is_continuation, line_kind, parse_line, text, Format, Level, LineKind, LogBuffer, LogRecord,
};
use crate::safety::sanitize;

/// Pieces that steer the parser into each of its formats, plus escapes and odd bytes.
const TOKENS: &[&str] = &[
    "[2026-11-26 06:01:02] ",
    "production.",
    "ERROR: ",
    "INFO",
    "WARNING: ",
    "local.DEBUG: ",
    "{\"exception\":\"[object] (E(code: 0): x at /a.php:1)",
    "\"} ",
    "[stacktrace]",
    "#0 /var/www/html/app.php(12): handle()",
    "#12 {main}",
    "[previous exception] ",
    "Stack trace:",
    "PHP Fatal error:  Uncaught ",
    "PHP   1. {main}() /var/www/html/artisan:0",
    "Next App\\Exceptions\\X: y",
    "{\"message\":\"m\\nsecond\",\"level\":400,\"context\":{\"exception\":\"E\\n#0 f\"}}",
    "{\"msg\":",
    "10.0.1.5 - - [26/Nov/2026:06:01:02 +0000] \"GET / HTTP/1.1\" 500 12 \"-\" \"curl\"",
    "2026/11/26 06:01:02 [error] 7#7: *1 upstream timed out",
    "2026-11-26 06:01:02,123 INFO spawned: 'w' with pid 1",
    "[26-Nov-2026 06:01:02] WARNING: [pool www] child 1 said into stderr: \"",
    "NOTICE: fpm is running, pid 1",
    "  2026-11-26 06:01:02 App\\Jobs\\X ........ 1.2ms FAIL",
    "   INFO  Processing jobs.",
    "  ",
    "\t",
    "{",
    "}",
    "[",
    "]",
    "\"",
    "\\",
    ":",
    " {\"a\":1} []",
    "é",
    "😀",
    "\u{1b}[31m",
    "\u{1b}]52;c;SGFja2Vk\u{7}",
    "\u{1b}]8;;https://evil.example/\u{1b}\\",
    "\u{9b}2J",
    "\u{9d}0;title\u{9c}",
    "\u{202e}",
    "\u{2067}",
    "\u{200b}",
    "\u{feff}",
    "\u{85}",
    "\u{7}",
    "\u{0}",
    "\r",
];

/// One physical line (no `'\n'`): token soup, arbitrary text, or arbitrary bytes read as
/// lossy UTF-8.
fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => vec(prop::sample::select(TOKENS), 0..8).prop_map(|t| t.concat()),
        2 => "[^\n]{0,80}",
        1 => vec(any::<u8>(), 0..120)
            .prop_map(|b| String::from_utf8_lossy(&b).replace('\n', " ")),
    ]
}

/// One CloudWatch event: a few lines, `\n` or `\r\n` separated.
fn event() -> impl Strategy<Value = String> {
    (vec(line(), 1..5), any::<bool>())
        .prop_map(|(lines, crlf)| lines.join(if crlf { "\r\n" } else { "\n" }))
}

/// Nothing in `s` can move the cursor, write the clipboard, reorder or hide text. The
/// list is spelled out here rather than taken from `safety`, so a gap there fails here.
fn terminal_safe(s: &str) -> bool {
    !s.chars().any(|c| {
        c.is_control()
            || matches!(
                c,
                '\u{202a}'..='\u{202e}'
                    | '\u{2066}'..='\u{2069}'
                    | '\u{200b}'..='\u{200f}'
                    | '\u{2028}'
                    | '\u{2029}'
                    | '\u{2060}'
                    | '\u{feff}'
                    | '\u{61c}'
                    | '\u{ad}'
            )
    })
}

fn fields(r: &LogRecord) -> impl Iterator<Item = &String> {
    [&r.message]
        .into_iter()
        .chain(r.context.as_ref())
        .chain(r.channel.as_ref())
        .chain(r.stacktrace.iter())
}

/// How many input lines a record stands for: itself, each continuation line, and the
/// lines a `… N more lines` marker counts.
fn lines_held(r: &LogRecord) -> usize {
    1 + r
        .stacktrace
        .iter()
        .map(|l| marker_count(l).unwrap_or(1))
        .sum::<usize>()
}

fn marker_count(line: &str) -> Option<usize> {
    let rest = line.strip_prefix("… ")?;
    let (n, word) = rest.split_once(' ')?;
    matches!(word, "more line" | "more lines")
        .then(|| n.parse().ok())
        .flatten()
}

/// The line as the buffer keeps it: `'\r'` trimmed, cut at [`MAX_LINE_BYTES`].
fn kept(raw: &str) -> (&str, usize) {
    let raw = raw.strip_suffix('\r').unwrap_or(raw);
    let end = floor_boundary(raw, MAX_LINE_BYTES);
    (&raw[..end], raw.len() - end)
}

proptest! {
    #![proptest_config(crate::testing::config(256))]

    #[test]
    fn props_parse_line_is_total_and_terminal_safe(l in line()) {
        let _ = is_continuation(&l);
        let p = parse_line(&l);
        for f in [&p.message].into_iter().chain(p.context.as_ref()).chain(p.channel.as_ref()).chain(p.stacktrace.iter()) {
            prop_assert!(terminal_safe(f), "{l:?} -> {f:?}");
        }
        // A plain line keeps all its visible text (Artisan lines lose trailing blanks).
        if p.format == Format::Plain && !l.starts_with([' ', '\t']) {
            let whole = sanitize(&l);
            prop_assert_eq!(p.message.trim_end(), whole.trim_end());
        }
    }

    /// Fed one line at a time (as awslogs sends them): a blank line changes nothing; any
    /// other line is one new record or one more line of the stream's open record. Fed the
    /// same lines as one multi-line event: the same records.
    #[test]
    fn props_every_line_is_accounted_for(events in vec((0usize..3, event()), 1..12)) {
        let tasks = [Arc::from("task-a"), Arc::from("task-b"), Arc::from("task-c")];
        let container: Arc<str> = Arc::from("php");
        // Large enough that nothing is evicted: every line must still be there.
        let mut one_by_one = LogBuffer::new(10_000);
        let mut whole = LogBuffer::new(10_000);
        let mut lines_in = 0;
        for (i, (task, ev)) in events.iter().enumerate() {
            let task = &tasks[*task];
            let ts = i as i64;
            whole.push(task, &container, ts, ev);
            for raw in ev.split('\n') {
                let before = one_by_one.clone();
                let held_before: usize = before.iter().map(lines_held).sum();
                let created = one_by_one.push(task, &container, ts, raw);
                let (line, cut) = kept(raw);
                let held_after: usize = one_by_one.iter().map(lines_held).sum();
                if raw.bytes().all(|b| b.is_ascii_whitespace()) {
                    prop_assert_eq!(created, 0);
                    prop_assert_eq!(held_after, held_before, "blank line {:?} left a trace", raw);
                    continue;
                }
                lines_in += 1;
                match created {
                    1 => {
                        let r = one_by_one.iter().next_back().expect("a new record");
                        prop_assert_eq!(one_by_one.len(), before.len() + 1);
                        prop_assert_eq!(r.cut_bytes, cut);
                        prop_assert_eq!(&*r.task, &**task);
                        prop_assert_eq!(r.timestamp_ms, ts);
                        // A JSON record may carry more lines of its own (its trace).
                        if r.format != Format::Json {
                            prop_assert_eq!(held_after, held_before + 1, "{:?}", raw);
                        }
                        if r.format == Format::Plain && r.level == Level::Unknown && is_continuation(line) {
                            // An orphaned continuation keeps its text as the message.
                            prop_assert_eq!(&r.message, &sanitize(line));
                        }
                    }
                    0 => {
                        // Attached: a continuation marker or indented line, or text that the
                        // open record takes (a multi-line message, a console block). A line
                        // that starts a record is never merged into the one before it.
                        let seen = sanitize_if_escaped(line);
                        prop_assert!(
                            is_continuation(&seen) || line_kind(&seen).0 != LineKind::Start,
                            "{:?} was dropped", raw
                        );
                        prop_assert_eq!(one_by_one.len(), before.len());
                        prop_assert_eq!(held_after, held_before + 1, "{:?} attached but not counted", raw);
                        // It went to this task's newest record, and only there.
                        let changed: Vec<_> = before.iter().zip(one_by_one.iter())
                            .filter(|(a, b)| a != b).map(|(_, b)| b).collect();
                        prop_assert_eq!(changed.len(), 1);
                        prop_assert_eq!(&*changed[0].task, &**task);
                        prop_assert_eq!(changed[0].cut_bytes, before.iter().find(|r| r.seq == changed[0].seq).map_or(0, |r| r.cut_bytes) + cut);
                    }
                    n => prop_assert!(false, "one line made {} records", n),
                }
            }
        }
        prop_assert!(lines_in >= one_by_one.iter().filter(|r| r.format != Format::Json).count());
        let a: Vec<_> = whole.iter().collect();
        let b: Vec<_> = one_by_one.iter().collect();
        prop_assert_eq!(a, b, "an event split into lines must give the same records");
        for r in whole.iter() {
            for f in fields(r) {
                prop_assert!(terminal_safe(f), "{:?}", f);
            }
            let text = text::record_text(r, false);
            prop_assert!(text.ends_with('\n'));
            prop_assert!(text.lines().all(terminal_safe), "{:?}", text);
            let json = text::json_line(r);
            prop_assert!(terminal_safe(json.trim_end_matches('\n')), "{:?}", json);
            let back: serde_json::Value = serde_json::from_str(&json).expect("a JSON line");
            prop_assert_eq!(back["message"].as_str(), Some(r.message.as_str()));
        }
    }

}

proptest! {
    // Each case builds a quarter-megabyte line: fewer of them.
    #![proptest_config(crate::testing::config(24))]

    /// Long lines: cut at a char boundary at [`MAX_LINE_BYTES`], the cut counted, never a
    /// panic, however the multi-byte characters fall.
    #[test]
    fn props_huge_lines_are_cut_as_documented(
        pad in 0usize..4,
        unit in prop::sample::select(vec!["a", "é", "€", "😀", "\u{1b}[0m", "\u{202e}x"]),
        extra in 0usize..5000,
        continuation in any::<bool>(),
    ) {
        let head = if continuation { "#0 " } else { "" };
        let body_len = MAX_LINE_BYTES + extra;
        let mut raw = format!("{head}{}", "x".repeat(pad));
        while raw.len() < body_len {
            raw.push_str(unit);
        }
        let (t, c): (Arc<str>, Arc<str>) = (Arc::from("t"), Arc::from("c"));
        let mut buf = LogBuffer::new(4);
        if continuation {
            buf.push(&t, &c, 0, "[2026-11-26 06:01:02] production.ERROR: head");
        }
        let created = buf.push(&t, &c, 1, &raw);
        let (line, cut) = kept(&raw);
        prop_assert_eq!(cut, raw.len() - floor_boundary(&raw, MAX_LINE_BYTES));
        prop_assert!(line.len() <= MAX_LINE_BYTES && line.len() + 4 > MAX_LINE_BYTES);
        let r = buf.iter().next_back().expect("a record");
        prop_assert_eq!(r.cut_bytes, cut);
        prop_assert_eq!(created, usize::from(!continuation));
        let kept_text = if continuation { r.stacktrace.last().expect("attached") } else { &r.message };
        prop_assert!(kept_text.len() <= MAX_LINE_BYTES);
        prop_assert!(terminal_safe(kept_text));
        let marker = format!("[{cut} bytes cut]");
        prop_assert_eq!(text::record_text(r, false).contains(&marker), cut > 0);
    }
}

/// The buffer strips colour codes before it classifies a line (see `LogBuffer::push`).
fn sanitize_if_escaped(line: &str) -> String {
    if line.contains('\u{1b}') {
        sanitize(line)
    } else {
        line.to_string()
    }
}
