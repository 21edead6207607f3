//! Line classification without regex: each format is recognised by a few byte checks on the
//! first bytes of the line, so the common case (a Laravel `[date] channel.LEVEL: ...` line)
//! costs a handful of short scans plus [`sanitize`] of the pieces that are kept.
//!
//! Every function here is total: any `&str` (empty, truncated, binary-ish) gives a result and
//! never panics. All slicing happens at ASCII delimiters found in the same string, so it is
//! always on a char boundary.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::Value;

use super::record::{Format, Level};
use crate::safety::{is_printable_ascii, sanitize};

/// Physical lines longer than this are cut (at a char boundary) before parsing.
pub const MAX_LINE_BYTES: usize = 256 * 1024;

/// Continuation lines kept per record; past this one `… N more lines` marker stands for
/// the rest.
pub const MAX_STACK_LINES: usize = 500;

/// Continuation bytes kept per record (after sanitizing); past this, lines are counted in
/// the marker instead.
pub const MAX_STACK_BYTES: usize = 1024 * 1024;

/// The result of [`parse_line`]. Text fields are sanitized.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub level: Level,
    pub format: Format,
    pub channel: Option<String>,
    pub message: String,
    pub context: Option<String>,
    /// Extra lines carried inside the line itself: a JSON record's multi-line
    /// `context.exception` (lines after the first) or `context.exception.trace`, and the
    /// lines after the first of a multi-line JSON `message`. Empty for every other format.
    pub stacktrace: Vec<String>,
    /// Which of the lines that follow may still belong to this record.
    pub follow: Follow,
}

/// Which following lines a record may take, beyond the stack-trace markers every record
/// takes (see [`line_kind`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Follow {
    /// Markers only (and indented lines after Laravel, php and plain records).
    Markers,
    /// Also unindented text no format claims: a Laravel record whose message or context
    /// goes on over several lines (no complete `{context} [extra]` ends its first line).
    Text,
    /// Also text and the padded lines of Symfony's error box: a console exception block
    /// (Collision's `   Illuminate\Database\QueryException`, `[PDOException]`,
    /// `In Connection.php line 664:`, the red error box).
    Console,
}

/// What a physical line is, before knowing the record it follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// Only ever a continuation: `#0 …`, `[stacktrace]`, `[previous exception] …`, `"}`,
    /// `Stack trace:`, `PHP Stack trace:` (also after an error_log timestamp), `Next …`.
    Marker,
    /// Indented text that is no record of its own (`  thrown in …`, `  at vendor/…`,
    /// Collision's code frames): continues Laravel, php and plain records.
    Indented,
    /// A line of Symfony's padded error box (`  The "--id=" argument does not exist.  `):
    /// continues an open console exception, else starts one.
    BoxText,
    /// Unindented text no format claims: continues a record whose text is still open
    /// ([`Follow::Text`], [`Follow::Console`]), else a record without a level.
    Text,
    /// The first line of a record.
    Start,
}

impl Parsed {
    fn new(level: Level, format: Format, message: &str) -> Parsed {
        Parsed {
            level,
            format,
            channel: None,
            message: sanitize(message),
            context: None,
            stacktrace: Vec::new(),
            follow: Follow::Markers,
        }
    }

    fn plain(line: &str) -> Parsed {
        if console_title(line.trim()).is_some() {
            return Parsed::console(line);
        }
        Parsed::new(plain_level(line), Format::Plain, line)
    }

    /// The first line of a console exception block: an error whose message and trace follow.
    fn console(line: &str) -> Parsed {
        Parsed {
            follow: Follow::Console,
            ..Parsed::new(Level::Error, Format::Plain, line.trim_end())
        }
    }
}

/// Classifies one physical line (without its `'\n'`). Never panics; unrecognised text is
/// [`Format::Plain`] with a best-effort level.
pub fn parse_line(line: &str) -> Parsed {
    let b = line.as_bytes();
    let parsed = match b.first() {
        None => None,
        Some(b'[') => parse_bracketed(line),
        Some(b'{') => parse_json(line),
        Some(b'0'..=b'9') => parse_digit_led(line),
        Some(b'P') => parse_php(line),
        Some(b' ' | b'\t') => parse_indented(line),
        Some(b'-') => parse_fpm_access(line),
        Some(c) if c.is_ascii_uppercase() => {
            parse_fpm_bare(line).or_else(|| parse_level_json(line))
        }
        Some(_) => None,
    };
    parsed
        .or_else(|| match b.first() {
            Some(c) if c.is_ascii_hexdigit() || *c == b':' => {
                parse_nginx_access(line).or_else(|| parse_fpm_access(line))
            }
            _ => None,
        })
        .unwrap_or_else(|| Parsed::plain(line))
}

/// Classifies a line on its own and parses it when it can start a record: [`LineKind::Start`]
/// and [`LineKind::Text`] come with the parsed line, the others without. A line is a record
/// start when a format claims it (JSON only with a level), it has a level, or it looks like
/// the start of a record (a leading timestamp); other text is [`LineKind::Text`].
pub fn line_kind(line: &str) -> (LineKind, Option<Parsed>) {
    if is_marker(line) {
        return (LineKind::Marker, None);
    }
    if matches!(line.as_bytes().first(), Some(b' ' | b'\t')) {
        if let Some(p) = parse_indented(line) {
            return (LineKind::Start, Some(p));
        }
        if is_box_text(line) {
            return (LineKind::BoxText, None);
        }
        return (LineKind::Indented, None);
    }
    let p = parse_line(line);
    // JSON without a level is a body (Guzzle's `response:` in an exception message), not a
    // log record: it starts one only when nothing open takes it.
    let start = match p.format {
        Format::Plain => p.level != Level::Unknown || looks_like_start(line),
        Format::Json => p.level != Level::Unknown,
        _ => true,
    };
    let kind = if start {
        LineKind::Start
    } else {
        LineKind::Text
    };
    (kind, Some(p))
}

/// Unclaimed text that still opens a record: a leading `[1117/192051.633:…` or date.
fn looks_like_start(line: &str) -> bool {
    let b = line.as_bytes();
    match b.first() {
        Some(b'[') => b.get(1).is_some_and(u8::is_ascii_digit),
        Some(b'0'..=b'9') => is_ymd(b, b'-') || is_ymd(b, b'/') || is_hms(b),
        _ => false,
    }
}

/// A line of Symfony's error box: two spaces, text, at least two spaces of padding.
fn is_box_text(line: &str) -> bool {
    let b = line.as_bytes();
    b.len() > 6 && b.starts_with(b"  ") && !b[2].is_ascii_whitespace() && b.ends_with(b"  ")
}

/// Lines that belong to the previous record whatever it is: the markers (`[stacktrace]`,
/// `#0 ...`, `#12 {main}`, `[previous exception] ...`, `"}`, `Stack trace:`,
/// `PHP Stack trace:`, `PHP   1. ...`, `Next Some\Exception: ...`) and indented lines that
/// are no record of their own (not Artisan output such as
/// `  2026-11-26 06:01:02 App\Jobs\X .... DONE`, `   INFO  Processing ...`, a migration's
/// `  2014_10_12_000000_create_users_table .... 12ms DONE`, nor a console exception's first
/// line, nor a line of Symfony's error box). See [`line_kind`] for the lines whose place
/// depends on the record before them.
///
/// [`LogBuffer`](super::LogBuffer) attaches indented lines only to Laravel, php-fpm and
/// plain records; the markers attach to any open record.
pub fn is_continuation(line: &str) -> bool {
    if is_marker(line) {
        return true;
    }
    matches!(line.as_bytes().first(), Some(b' ' | b'\t'))
        && !line.trim_start().is_empty()
        && parse_indented(line).is_none()
        && !is_box_text(line)
}

/// The markers of [`is_continuation`].
fn is_marker(line: &str) -> bool {
    let b = line.as_bytes();
    match b.first() {
        Some(b'#') => {
            let digits = b[1..].iter().take_while(|c| c.is_ascii_digit()).count();
            digits > 0 && matches!(b.get(1 + digits), None | Some(b' '))
        }
        Some(b'[') => {
            line.starts_with("[stacktrace]")
                || line.starts_with("[previous exception]")
                || error_log_body(line).is_some_and(php_trace_line)
        }
        Some(b'"') => line.starts_with("\"}"),
        Some(b'S') => line.starts_with("Stack trace:"),
        Some(b'P') => php_trace_line(line),
        Some(b'N') => line.strip_prefix("Next ").is_some_and(|rest| {
            let token = rest.split(' ').next().unwrap_or("");
            token.contains('\\')
                || (token.len() > 1 && token.ends_with(':'))
                || rest.starts_with("exception '")
        }),
        _ => false,
    }
}

/// `PHP Stack trace:` and `PHP   1. {main}() /var/www/html/artisan:0` (Xdebug).
fn php_trace_line(line: &str) -> bool {
    line.starts_with("PHP Stack trace:") || {
        let rest = line.get(4..).unwrap_or("");
        line.starts_with("PHP  ") && {
            let r = rest.trim_start().as_bytes();
            let d = r.iter().take_while(|c| c.is_ascii_digit()).count();
            d > 0 && r.get(d) == Some(&b'.')
        }
    }
}

/// What follows PHP's error_log timestamp (`[03-Nov-2025 04:45:20 UTC] `), if the line has one.
fn error_log_body(line: &str) -> Option<&str> {
    let b = line.as_bytes();
    if b.len() < 22 || !all_digits(&b[1..3]) || b[3] != b'-' || !b[4].is_ascii_alphabetic() {
        return None;
    }
    let close = find_byte(&b[..b.len().min(64)], b']')?;
    line[close + 1..].strip_prefix(' ')
}

// ---------------------------------------------------------------------------------------
// Shapes

fn all_digits(b: &[u8]) -> bool {
    b.iter().all(u8::is_ascii_digit)
}

/// `dddd<sep>dd<sep>dd` at the start of `b`.
fn is_ymd(b: &[u8], sep: u8) -> bool {
    b.len() >= 10
        && all_digits(&b[0..4])
        && b[4] == sep
        && all_digits(&b[5..7])
        && b[7] == sep
        && all_digits(&b[8..10])
}

/// `dd:dd:dd` at the start of `b`.
fn is_hms(b: &[u8]) -> bool {
    b.len() >= 8
        && all_digits(&b[0..2])
        && b[2] == b':'
        && all_digits(&b[3..5])
        && b[5] == b':'
        && all_digits(&b[6..8])
}

/// `YYYY-MM-DD HH:MM:SS` at the start of `b`.
fn is_datetime(b: &[u8], date_sep: u8) -> bool {
    b.len() >= 19 && is_ymd(b, date_sep) && b[10] == b' ' && is_hms(&b[11..])
}

fn find_byte(b: &[u8], needle: u8) -> Option<usize> {
    b.iter().position(|&c| c == needle)
}

/// Largest char boundary `<= at`.
pub(crate) fn floor_boundary(s: &str, at: usize) -> usize {
    if at >= s.len() {
        return s.len();
    }
    let mut i = at;
    while !s.is_char_boundary(i) {
        i -= 1; // terminates: 0 is always a boundary
    }
    i
}

// ---------------------------------------------------------------------------------------
// `[...]`-led lines: Laravel, php-fpm, old-style queue:work

fn parse_bracketed(line: &str) -> Option<Parsed> {
    let b = line.as_bytes();
    let close = find_byte(&b[..b.len().min(64)], b']')?;
    let ts = &b[1..close];
    let after = &line[close + 1..];
    if ts.len() >= 10 && is_ymd(ts, b'-') {
        if let Some(rest) = after.strip_prefix(' ') {
            return parse_laravel(rest);
        }
        if after.starts_with('[') {
            return Some(parse_old_queue(line, after));
        }
        // Swoole / Octane's server log: `[2021-10-03 00:22:20 $46.0]\tINFO\tServer is …`
        let word = after.strip_prefix('\t')?.split('\t').next()?;
        return Some(Parsed::new(Level::parse(word)?, Format::Plain, line));
    }
    // php-fpm `[26-Nov-2026 06:01:02] NOTICE: …` or PHP's error_log
    // `[26-Jul-2018 06:51:49 UTC] PHP Fatal error:  …` (any zone, or none)
    if ts.len() >= 11 && all_digits(&ts[0..2]) && ts[2] == b'-' && ts[3].is_ascii_alphabetic() {
        let rest = after.strip_prefix(' ')?;
        return parse_fpm_body(rest).or_else(|| {
            let level = php_error_level(rest).unwrap_or(Level::Unknown);
            Some(Parsed::new(level, Format::PhpFpm, rest))
        });
    }
    None
}

/// `channel.LEVEL: message {context} [extra]`
fn parse_laravel(rest: &str) -> Option<Parsed> {
    let sp = find_byte(rest.as_bytes(), b' ').unwrap_or(rest.len());
    let name = rest[..sp].strip_suffix(':')?;
    let (channel, level) = match name.rfind('.') {
        Some(dot) => (Some(&name[..dot]), &name[dot + 1..]),
        None => (None, name),
    };
    let level = Level::parse(level)?;
    let body = rest.get(sp + 1..).unwrap_or("");
    let (message, context, complete) = split_context(body);
    let message = message.trim_start();
    // Without a complete `{context} [extra]` at its end, a context opened on the line goes
    // on over the next lines, and so may the message of a warning or an error (an
    // exception's: `Did you mean one of these?`, a response body) or an empty one. With
    // `ignoreEmptyContextAndExtra` most info and debug lines end without either: their
    // message ends with the line, so the output of other processes is not taken in.
    let open_text =
        !complete && (context.is_some() || level >= Level::Warning || message.is_empty());
    Some(Parsed {
        level,
        format: Format::Laravel,
        channel: channel.map(sanitize).filter(|c| !c.is_empty()),
        message: sanitize(message),
        context: context.map(sanitize),
        stacktrace: Vec::new(),
        follow: if open_text {
            Follow::Text
        } else {
            Follow::Markers
        },
    })
}

/// Splits Monolog's `message {context} [extra]` tail, and says whether the line ends with
/// a complete context or extra. The context is a JSON object (or list) at the end (`[]`
/// when empty); extra follows it (`[]`, `{}` or an object). Both may be missing
/// (`ignoreEmptyContextAndExtra`). A context that continues on the next lines (Laravel's
/// multi-line exception, `{"exception":"[object] (...)` without its closing `"}`, or a
/// pretty-printed value) starts at its `"exception":"[object] ` key's ` {"`, else at the
/// first ` {"` that is not closed on the line. Braces inside the message are left alone
/// unless they form a JSON value at the very end.
pub(crate) fn split_context(body: &str) -> (&str, Option<&str>, bool) {
    let s = body.trim_end();
    let Some((v1, v1_empty)) = trailing_value(s) else {
        return match open_context_start(s) {
            Some(i) => (s[..i].trim_end(), Some(&s[i..]), false),
            None => (s, None, false),
        };
    };
    let before = s[..v1].trim_end();
    if let Some((v2, v2_empty)) = trailing_value(before) {
        // `message {context} {extra}`: keep extra only when it has something in it.
        let message = before[..v2].trim_end();
        let context = match (v2_empty, v1_empty) {
            (true, true) => None,
            (true, false) => Some(&s[v1..]),
            (false, true) => Some(&before[v2..]),
            (false, false) => Some(&s[v2..]),
        };
        return (message, context, true);
    }
    (before, (!v1_empty).then(|| &s[v1..]), true)
}

/// Start of a JSON value (`[]`, `{}`, `{"...}` or a list such as `["[object] (…)"]`) that
/// ends `s` and is preceded by a space (or starts `s`), and whether it is empty.
fn trailing_value(s: &str) -> Option<(usize, bool)> {
    let b = s.as_bytes();
    let (start, empty) = if b.ends_with(b"[]") || b.ends_with(b"{}") {
        (b.len() - 2, true)
    } else if b.last() == Some(&b'}') {
        let open = match_open(b, b'{', b'}')?;
        if b.get(open + 1) != Some(&b'"') {
            return None;
        }
        (open, false)
    } else if b.last() == Some(&b']') {
        // A list context (`Log::info($message, [$e])`); `[default]` and other bracketed
        // words in a message are no JSON.
        let open = match_open(b, b'[', b']')?;
        if !matches!(b.get(open + 1), Some(b'"' | b'{' | b'[' | b'0'..=b'9')) {
            return None;
        }
        (open, false)
    } else {
        return None;
    };
    (start == 0 || b[start - 1] == b' ').then_some((start, empty))
}

/// Index of the `open` matching the `close` that ends `b`, skipping any inside JSON
/// strings. Walks backwards; a `"` toggles string state unless an odd run of `\` precedes
/// it. Inside a string only the `"` that ends it (its opening quote) matters, so the walk
/// jumps from quote to quote there.
fn match_open(b: &[u8], open: u8, close: u8) -> Option<usize> {
    let unescaped = |i: usize| b[..i].iter().rev().take_while(|&&c| c == b'\\').count() % 2 == 0;
    let mut depth = 0usize;
    let mut i = b.len();
    while i > 0 {
        i -= 1;
        let c = b[i];
        if c == b'"' {
            if unescaped(i) {
                // The string's last quote: skip to its first (an unclosed string ends the walk).
                loop {
                    i = b[..i].iter().rposition(|&c| c == b'"')?;
                    if unescaped(i) {
                        break;
                    }
                }
            }
        } else if c == close {
            depth += 1;
        } else if c == open {
            depth = depth.checked_sub(1)?;
            if depth == 0 {
                return Some(i);
            }
        }
    }
    None
}

/// A context that starts on this line and is closed by a later one: Laravel's multi-line
/// exception (`{"exception":"[object] (…` closed by a `"}` line) or a pretty-printed value.
pub(crate) fn open_context_start(s: &str) -> Option<usize> {
    if let Some(key) = s.find("\"exception\":\"[object] ") {
        let open = s[..=key].rfind(" {\"")?;
        return Some(open + 1);
    }
    let open = s.find(" {\"")? + 1;
    (!closes(&s.as_bytes()[open..])).then_some(open)
}

/// Whether the JSON value at the start of `b` ends on this line.
fn closes(b: &[u8]) -> bool {
    let (mut depth, mut in_str, mut escaped) = (0usize, false, false);
    for &c in b {
        if in_str {
            match c {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            b'"' => in_str = true,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => match depth.checked_sub(1) {
                Some(0) | None => return true,
                Some(d) => depth = d,
            },
            _ => {}
        }
    }
    false
}

/// `[2026-11-26 06:01:02][42] Processing: App\Jobs\SendMail` (Laravel < 9 queue:work).
fn parse_old_queue(line: &str, after: &str) -> Parsed {
    let word = after
        .find("] ")
        .map(|i| after[i + 2..].split(':').next().unwrap_or(""))
        .unwrap_or("");
    let level = match word {
        "Failed" => Level::Error,
        "Processing" | "Processed" => Level::Info,
        _ => plain_level(after),
    };
    Parsed::new(level, Format::Plain, line)
}

// ---------------------------------------------------------------------------------------
// php-fpm and PHP's own error log

/// `WARNING: [pool www] child 12 said into stderr: "..."` (after the timestamp).
fn parse_fpm_body(rest: &str) -> Option<Parsed> {
    let colon = find_byte(&rest.as_bytes()[..rest.len().min(12)], b':')?;
    let mut level = Level::parse(&rest[..colon])?;
    let message = rest[colon + 1..].trim_start();
    if let Some(i) = message.find("said into stderr: \"") {
        let inner = &message[i + 19..];
        let inner = &inner[..floor_boundary(inner, 160)];
        if let Some(php) = php_error_level(inner) {
            level = level.max(php);
        }
    } else if let Some(php) = php_error_level(message) {
        // `NOTICE: PHP message: PHP Fatal error:  Uncaught …` (catch_workers_output)
        level = level.max(php);
    }
    Some(Parsed::new(level, Format::PhpFpm, message))
}

/// `INFO {"message":"…","level":"INFO",…}`: Octane (and other stdout loggers) put the level
/// word before a JSON record.
fn parse_level_json(line: &str) -> Option<Parsed> {
    let sp = find_byte(&line.as_bytes()[..line.len().min(10)], b' ')?;
    let level = Level::parse(&line[..sp])?;
    let rest = &line[sp + 1..];
    if !rest.starts_with('{') {
        return None;
    }
    let mut p = parse_json(rest)?;
    if p.level == Level::Unknown {
        p.level = level;
    }
    Some(p)
}

/// `NOTICE: fpm is running, pid 1` without a timestamp. Only php-fpm's own upper-case level
/// words, and only with a message php-fpm writes; anything else (`ERROR: disk full`) is a
/// plain line with a level.
fn parse_fpm_bare(line: &str) -> Option<Parsed> {
    let colon = find_byte(&line.as_bytes()[..line.len().min(9)], b':')?;
    let word = &line[..colon];
    if !matches!(word, "DEBUG" | "NOTICE" | "WARNING" | "ERROR" | "ALERT") {
        return None;
    }
    let message = line[colon + 1..].trim_start();
    let fpm_like = message.starts_with("[pool ")
        || message.starts_with("PHP message:")
        || message.starts_with("ready to handle connections")
        || message.starts_with("exiting, bye-bye")
        || message.starts_with("Terminating")
        || message.starts_with("Reloading")
        || message.contains("fpm");
    fpm_like.then(|| parse_fpm_body(line)).flatten()
}

/// `PHP Fatal error:  Uncaught ...`, `PHP Warning:  ...`, `PHP Notice: ...`.
fn parse_php(line: &str) -> Option<Parsed> {
    let rest = line.strip_prefix("PHP ")?;
    let level = php_error_level(rest).unwrap_or(Level::Unknown);
    Some(Parsed::new(level, Format::PhpFpm, line))
}

/// Level of a PHP error message, with or without its `PHP ` / `PHP message: ` prefixes.
fn php_error_level(s: &str) -> Option<Level> {
    let mut s = s;
    for prefix in ["NOTICE: ", "WARNING: ", "PHP message: ", "PHP "] {
        s = s.strip_prefix(prefix).unwrap_or(s);
    }
    let level = if s.starts_with("Fatal error:") || s.starts_with("Parse error:") {
        Level::Critical
    } else if s.starts_with("Recoverable fatal error:") || s.starts_with("Uncaught ") {
        Level::Error
    } else if s.starts_with("Warning:") {
        Level::Warning
    } else if s.starts_with("Notice:") || s.starts_with("Deprecated:") {
        Level::Notice
    } else {
        return None;
    };
    Some(level)
}

// ---------------------------------------------------------------------------------------
// Digit-led lines: nginx error, supervisor, Artisan, nginx access

fn parse_digit_led(line: &str) -> Option<Parsed> {
    let b = line.as_bytes();
    if is_datetime(b, b'/') && b[19..].starts_with(b" [") {
        // nginx error: `2026/11/26 06:01:02 [error] 7#7: *1 upstream timed out ...`
        let rest = &line[21..];
        let close = find_byte(&rest.as_bytes()[..rest.len().min(10)], b']')?;
        let level = Level::parse(&rest[..close])?;
        let message = rest[close + 1..].trim_start();
        return Some(Parsed::new(level, Format::Nginx, message));
    }
    if is_datetime(b, b'-') {
        match b.get(19) {
            Some(b',') => return parse_supervisor(&line[20..]),
            Some(b' ') => {
                if let Some(level) = artisan_line(line) {
                    return Some(Parsed::new(level, Format::Plain, line.trim_end()));
                }
            }
            _ => {}
        }
        return None;
    }
    parse_nginx_access(line).or_else(|| parse_fpm_access(line))
}

/// After `2026-11-26 06:01:02,`: `123 INFO spawned: 'laravel-worker_00' with pid 12`.
fn parse_supervisor(rest: &str) -> Option<Parsed> {
    let ms = rest.bytes().take_while(u8::is_ascii_digit).count();
    let rest = rest[ms..].strip_prefix(' ')?;
    let sp = find_byte(rest.as_bytes(), b' ').unwrap_or(rest.len());
    let level = match &rest[..sp] {
        "DEBG" | "TRAC" | "BLAT" => Level::Debug,
        word => Level::parse(word)?,
    };
    let message = rest.get(sp + 1..).unwrap_or("");
    // supervisord reports a dead program at INFO (`gave up: x entered FATAL state`) and,
    // before 4.x, an unexpected exit too.
    let level = if message.starts_with("gave up: ") {
        level.max(Level::Error)
    } else if message.starts_with("exited: ") && message.contains("not expected") {
        level.max(Level::Warning)
    } else {
        level
    };
    Some(Parsed::new(level, Format::Supervisor, message))
}

/// php-fpm's access log, `access.format = "%R - %u %t \"%m %r\" %s"`:
/// `172.17.0.1 -  10/Oct/2016:15:00:18 +0000 "GET /index.php" 500` (`- -  …` without an
/// address).
fn parse_fpm_access(line: &str) -> Option<Parsed> {
    let b = line.as_bytes();
    let quote = find_byte(&b[..b.len().min(160)], b'"')?;
    // `dd/Mon/yyyy:hh:mm:ss +zzzz ` just before the request.
    let t = b.get(quote.checked_sub(27)?..quote)?;
    let time_ok = all_digits(&t[0..2])
        && t[2] == b'/'
        && t[3..6].iter().all(u8::is_ascii_alphabetic)
        && t[6] == b'/'
        && all_digits(&t[7..11])
        && t[11] == b':'
        && is_hms(&t[12..20])
        && t[20] == b' '
        && matches!(t[21], b'+' | b'-')
        && all_digits(&t[22..26])
        && t[26] == b' ';
    let head = &b[..quote - 27];
    let addr_ok = head.first() == Some(&b'-')
        || head
            .iter()
            .take_while(|c| **c != b' ')
            .all(|c| c.is_ascii_hexdigit() || *c == b'.' || *c == b':');
    if !time_ok || !addr_ok || !head.windows(3).any(|w| w == b" - ") && !head.starts_with(b"- ") {
        return None;
    }
    let end_req = quote + 1 + find_byte(&b[quote + 1..], b'"')?;
    let status = b.get(end_req + 1..end_req + 5)?;
    if status[0] != b' '
        || !all_digits(&status[1..4])
        || !matches!(b.get(end_req + 5), None | Some(b' '))
    {
        return None;
    }
    Some(Parsed::new(status_level(status[1]), Format::PhpFpm, line))
}

fn status_level(first_digit: u8) -> Level {
    match first_digit {
        b'5' => Level::Error,
        b'4' => Level::Warning,
        _ => Level::Info,
    }
}

/// `10.0.1.5 - - [26/Nov/2026:06:01:02 +0000] "GET /api/users HTTP/1.1" 500 1234 "-" "curl/8.0"`
fn parse_nginx_access(line: &str) -> Option<Parsed> {
    let b = line.as_bytes();
    let head = &b[..b.len().min(512)];
    let sp = find_byte(&head[..head.len().min(64)], b' ')?;
    if sp == 0
        || !head[..sp]
            .iter()
            .all(|c| c.is_ascii_hexdigit() || *c == b'.' || *c == b':')
    {
        return None;
    }
    let open = sp + find_byte(&head[sp..], b'[')?;
    let quote = open + head[open..].windows(3).position(|w| w == b"] \"")? + 3;
    let end_req = quote + find_byte(&b[quote..], b'"')?;
    let status = b.get(end_req + 1..end_req + 5)?;
    if status[0] != b' ' || !all_digits(&status[1..4]) {
        return None;
    }
    if !matches!(b.get(end_req + 5), None | Some(b' ')) {
        return None;
    }
    Some(Parsed::new(status_level(status[1]), Format::Nginx, line))
}

// ---------------------------------------------------------------------------------------
// Artisan output and plain lines

/// Indented Artisan lines: `  2026-11-26 06:01:02 App\Jobs\SendMail .... 12.34ms FAIL` and
/// `   INFO  Processing jobs from the [default] queue.`
fn parse_indented(line: &str) -> Option<Parsed> {
    let t = line.trim_start();
    let indent = line.len() - t.len();
    if indent <= 4 && console_head(t.trim_end()).is_some() {
        return Some(Parsed::console(t.trim_end()));
    }
    let level = artisan_line(t).or_else(|| badge_level(t))?;
    Some(Parsed::new(level, Format::Plain, t.trim_end()))
}

/// The first line of a console exception block, trimmed: Collision's class line
/// (`Illuminate\Database\QueryException`, `Error`, or older Collision's
/// `UnexpectedValueException  : The stream …`), Symfony's `[PDOException]` box title or
/// `In Connection.php line 664:`. Returns the header's class or title.
fn console_head(t: &str) -> Option<&str> {
    if let Some(title) = console_title(t) {
        return Some(title);
    }
    let class = t.split_once("  : ").map_or(t, |(class, _)| class);
    (is_exception_name(class) && is_class_name(class)).then_some(class)
}

/// Namespaced, or named like a throwable: `Illuminate\Database\QueryException`, `Error`.
fn is_exception_name(class: &str) -> bool {
    class.contains('\\') || class.ends_with("Exception") || class.ends_with("Error")
}

/// Symfony's console exception titles, also found unindented: `[PDOException]`,
/// `In Connection.php line 664:`.
fn console_title(t: &str) -> Option<&str> {
    if let Some(class) = t.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        return (is_exception_name(class) && is_class_name(class)).then_some(class);
    }
    let rest = t.strip_prefix("In ")?;
    let b = rest.as_bytes();
    let ok = b.len() > 2
        && b.ends_with(b":")
        && b[b.len() - 2].is_ascii_digit()
        && rest.contains(" line ");
    ok.then_some(t)
}

/// `Foo`, `Foo\Bar_Baz2`: a PHP class name, nothing else.
fn is_class_name(s: &str) -> bool {
    let b = s.as_bytes();
    b.first()
        .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_' || *c == b'\\')
        && b.len() <= 160
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'\\')
        && !b.ends_with(b"\\")
}

/// Artisan's task lines: `2026-11-26 06:01:02 <job> .... <time> DONE|FAIL|RUNNING`
/// (queue:work, schedule:run) and `<migration or step> .... <time> DONE|FAIL` (migrate).
fn artisan_line(t: &str) -> Option<Level> {
    let t = t.trim_end();
    let (head, status) = t.rsplit_once(' ')?;
    let level = match status {
        "FAIL" | "FAILED" => Level::Error,
        "DONE" | "RUNNING" | "SKIPPED" => Level::Info,
        _ => return None,
    };
    let dated = is_datetime(t.as_bytes(), b'-') && t.as_bytes().get(19) == Some(&b' ');
    (dated || head.contains(" ...")).then_some(level)
}

/// Laravel console badge: an upper-case level word followed by a space (`INFO  ...`).
fn badge_level(t: &str) -> Option<Level> {
    let b = t.as_bytes();
    let n = b
        .iter()
        .take(10)
        .take_while(|c| c.is_ascii_uppercase())
        .count();
    if n < 3 || b.get(n) != Some(&b' ') {
        return None;
    }
    match &t[..n] {
        "FAIL" => Some(Level::Error),
        "DONE" => Some(Level::Info),
        word => Level::parse(word),
    }
}

/// Best-effort level of an unrecognised line: `[ERROR] ...`, `ERROR: ...`, `error: ...`,
/// `WARN something`, also after one or two leading timestamp tokens
/// (`2026-11-26T06:01:02Z ERROR ...`).
fn plain_level(line: &str) -> Level {
    let t = line.trim_start();
    if let Some(level) = level_word(t).or_else(|| cli_level(t)) {
        return level;
    }
    let mut rest = t;
    for _ in 0..2 {
        if !rest.as_bytes().first().is_some_and(u8::is_ascii_digit) {
            break;
        }
        let Some(sp) = find_byte(&rest.as_bytes()[..rest.len().min(40)], b' ') else {
            break;
        };
        rest = rest[sp..].trim_start();
        if let Some(level) = level_word(rest) {
            return level;
        }
    }
    Level::Unknown
}

/// What the PHP CLI and Artisan print without a level word: PHP's display_errors
/// (`Fatal error: Uncaught …`, `Deprecated: …`), `Could not open input file: artisan`,
/// Laravel < 9's `Migrating: …`/`Migrated: …` and one-line `… successfully.` reports.
fn cli_level(t: &str) -> Option<Level> {
    const INFO: [&str; 7] = [
        "Migrating: ",
        "Migrated: ",
        "Rolling back: ",
        "Rolled back: ",
        "Seeding: ",
        "Seeded: ",
        "Running scheduled command: ",
    ];
    let level = if t.starts_with("Fatal error: ")
        || t.starts_with("Parse error: ")
        || t.starts_with("Recoverable fatal error: ")
    {
        Level::Critical
    } else if t.starts_with("Could not open input file: ") {
        Level::Error
    } else if t.starts_with("Deprecated: ") {
        Level::Notice
    } else if INFO.iter().any(|p| t.starts_with(p))
        || t.ends_with(" successfully.")
        || t.ends_with(" successfully!")
    {
        Level::Info
    } else {
        return None;
    };
    Some(level)
}

fn level_word(t: &str) -> Option<Level> {
    let b = t.as_bytes();
    if b.first() == Some(&b'[') {
        let close = 1 + find_byte(&b[1..b.len().min(13)], b']')?;
        return word_level(&t[1..close]);
    }
    let n = b
        .iter()
        .take(12)
        .take_while(|c| c.is_ascii_alphabetic())
        .count();
    if n < 3 {
        return None;
    }
    let word = &t[..n];
    match b.get(n) {
        Some(b':') => word_level(word),
        Some(b' ') | None if b[..n].iter().all(u8::is_ascii_uppercase) => word_level(word),
        _ => None,
    }
}

fn word_level(word: &str) -> Option<Level> {
    Level::parse(word).or_else(|| {
        let b = word.as_bytes();
        if b.eq_ignore_ascii_case(b"fatal") || b.eq_ignore_ascii_case(b"panic") {
            Some(Level::Critical)
        } else if b.eq_ignore_ascii_case(b"trace") {
            Some(Level::Debug)
        } else {
            None
        }
    })
}

// ---------------------------------------------------------------------------------------
// JSON lines (Monolog JsonFormatter and common JSON loggers)

#[derive(Deserialize)]
struct JsonLine<'a> {
    #[serde(borrow, default)]
    message: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    msg: Option<Cow<'a, str>>,
    #[serde(default)]
    context: Option<Value>,
    #[serde(default)]
    level: Option<Value>,
    #[serde(borrow, default)]
    level_name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    channel: Option<Cow<'a, str>>,
}

fn parse_json(line: &str) -> Option<Parsed> {
    let j: JsonLine<'_> = serde_json::from_str(line).ok()?;
    let level = j
        .level_name
        .as_deref()
        .and_then(Level::parse)
        .or_else(|| match &j.level {
            Some(Value::Number(n)) => n.as_i64().map(Level::from_number),
            Some(Value::String(s)) => word_level(s),
            _ => None,
        })
        .unwrap_or(Level::Unknown);
    let mut stacktrace = Vec::new();
    let message = match j.message.as_deref().or(j.msg.as_deref()) {
        Some(m) => {
            let mut lines = m.lines();
            let first = sanitize(lines.next().unwrap_or(""));
            push_lines(&mut stacktrace, lines);
            first
        }
        None => sanitize(line),
    };
    let context = j.context.and_then(|c| json_context(c, &mut stacktrace));
    Some(Parsed {
        level,
        format: Format::Json,
        channel: j.channel.as_deref().map(sanitize).filter(|c| !c.is_empty()),
        message,
        context,
        stacktrace,
        follow: Follow::Markers,
    })
}

/// Compact text of the context; a multi-line `exception` string keeps its first line and
/// moves the rest to `stacktrace`, a normalized exception's `trace` array moves there too.
fn json_context(mut context: Value, stacktrace: &mut Vec<String>) -> Option<String> {
    match &mut context {
        Value::Null => return None,
        Value::Array(a) if a.is_empty() => return None,
        Value::Object(map) => {
            if map.is_empty() {
                return None;
            }
            match map.get_mut("exception") {
                Some(Value::String(ex)) if ex.contains('\n') => {
                    let mut lines = ex.lines();
                    let first = lines.next().unwrap_or("").to_owned();
                    push_lines(stacktrace, lines);
                    *ex = first;
                }
                Some(Value::Object(ex)) => {
                    if let Some(Value::Array(trace)) = ex.remove("trace") {
                        for frame in trace.iter().take(MAX_STACK_LINES + 1) {
                            match frame {
                                Value::String(s) => push_lines(stacktrace, s.lines()),
                                other => stacktrace.push(sanitize(&other.to_string())),
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        _ => {}
    }
    let text = context.to_string();
    // Mostly printable ASCII already: keep the string rather than copy it.
    Some(if is_printable_ascii(text.as_bytes()) {
        text
    } else {
        sanitize(&text)
    })
}

fn push_lines<'a>(out: &mut Vec<String>, lines: impl Iterator<Item = &'a str>) {
    out.extend(
        lines
            .filter(|l| !l.trim().is_empty())
            .take(MAX_STACK_LINES + 1)
            .map(sanitize),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(line: &str) -> Parsed {
        parse_line(line)
    }

    const LARAVEL_ERROR: &str = r#"[2026-11-26 06:01:02] production.ERROR: SQLSTATE[HY000] [2002] Connection refused (SQL: select * from users) {"exception":"[object] (Illuminate\\Database\\QueryException(code: 2002): SQLSTATE[HY000] [2002] Connection refused (SQL: select * from users) at /var/www/html/vendor/laravel/framework/src/Illuminate/Database/Connection.php:760)"} []"#;

    #[test]
    fn laravel_single_line_error_with_context_and_extra() {
        let r = p(LARAVEL_ERROR);
        assert_eq!(r.format, Format::Laravel);
        assert_eq!(r.level, Level::Error);
        assert_eq!(r.channel.as_deref(), Some("production"));
        assert_eq!(
            r.message,
            "SQLSTATE[HY000] [2002] Connection refused (SQL: select * from users)"
        );
        let ctx = r.context.unwrap();
        assert!(ctx.starts_with(r#"{"exception":"[object] (Illuminate\\Database"#));
        assert!(ctx.ends_with(r#"Connection.php:760)"}"#));
        assert!(r.stacktrace.is_empty());
    }

    #[test]
    fn laravel_fractional_timestamp_and_channels() {
        let r = p("[2026-11-26T06:01:02.123456+00:00] local.INFO: User 42 logged in {\"user_id\":42} {\"request_id\":\"abc\"}");
        assert_eq!(r.format, Format::Laravel);
        assert_eq!(r.level, Level::Info);
        assert_eq!(r.channel.as_deref(), Some("local"));
        assert_eq!(r.message, "User 42 logged in");
        assert_eq!(
            r.context.as_deref(),
            Some(r#"{"user_id":42} {"request_id":"abc"}"#)
        );

        let r = p("[2026-11-26 06:01:02] my-app.billing.WARNING: Card declined [] []");
        assert_eq!(r.channel.as_deref(), Some("my-app.billing"));
        assert_eq!(r.level, Level::Warning);
        assert_eq!(r.message, "Card declined");
        assert_eq!(r.context, None);

        let r = p("[2026-11-26 06:01:02] stack.DEBUG: cache miss");
        assert_eq!(r.channel.as_deref(), Some("stack"));
        assert_eq!(r.level, Level::Debug);
        assert_eq!(r.message, "cache miss");
        assert_eq!(r.context, None);

        for (lvl, want) in [
            ("NOTICE", Level::Notice),
            ("CRITICAL", Level::Critical),
            ("ALERT", Level::Alert),
            ("EMERGENCY", Level::Emergency),
        ] {
            let r = p(&format!("[2026-11-26 06:01:02] production.{lvl}: x"));
            assert_eq!((r.format, r.level), (Format::Laravel, want));
        }
        // Empty context, non-empty extra.
        let r = p(r#"[2026-11-26 06:01:02] production.INFO: hi [] {"ip":"10.0.0.1"}"#);
        assert_eq!(r.message, "hi");
        assert_eq!(r.context.as_deref(), Some(r#"{"ip":"10.0.0.1"}"#));
        // Only a context (ignoreEmptyContextAndExtra drops the empty extra).
        let r =
            p(r#"[2026-11-26 06:01:02] production.INFO: Order shipped {"order":7,"items":[1,2]}"#);
        assert_eq!(r.message, "Order shipped");
        assert_eq!(r.context.as_deref(), Some(r#"{"order":7,"items":[1,2]}"#));
    }

    #[test]
    fn laravel_braces_in_message_are_not_context() {
        let r = p("[2026-11-26 06:01:02] production.INFO: Route {user} resolved for {id} in 3ms");
        assert_eq!(r.message, "Route {user} resolved for {id} in 3ms");
        assert_eq!(r.context, None);
        let r = p("[2026-11-26 06:01:02] production.INFO: Template {name} {\"a\":\"}{\"} []");
        assert_eq!(r.message, "Template {name}");
        assert_eq!(r.context.as_deref(), Some("{\"a\":\"}{\"}"));
        let r = p(r#"[2026-11-26 06:01:02] production.INFO: quoted \"{x}\" {"k":"v \" } {"} []"#);
        assert_eq!(r.message, r#"quoted \"{x}\""#);
        assert_eq!(r.context.as_deref(), Some(r#"{"k":"v \" } {"}"#));
        // A message ending in a non-JSON brace group stays whole.
        let r = p("[2026-11-26 06:01:02] production.INFO: ends with {main}");
        assert_eq!(r.message, "ends with {main}");
        assert_eq!(r.context, None);
    }

    #[test]
    fn laravel_multiline_exception_head() {
        let r = p(
            r#"[2026-11-26 06:01:02] production.ERROR: Undefined variable $user {"userId":5,"exception":"[object] (ErrorException(code: 0): Undefined variable $user at /var/www/html/app/Http/Controllers/HomeController.php:21)"#,
        );
        assert_eq!(r.format, Format::Laravel);
        assert_eq!(r.level, Level::Error);
        assert_eq!(r.message, "Undefined variable $user");
        assert!(r
            .context
            .unwrap()
            .starts_with("{\"userId\":5,\"exception\":\"[object] (ErrorException"));
    }

    #[test]
    fn laravel_header_must_be_valid() {
        assert_eq!(
            p("[2026-11-26 06:01:02] production.BOGUS: x").format,
            Format::Plain
        );
        assert_eq!(
            p("[2026-11-26 06:01:02] no colon here").format,
            Format::Plain
        );
        assert_eq!(p("[2026-11-26 06:01:02]").format, Format::Plain);
        let r = p("[2026-11-26 06:01:02] ERROR: bare level");
        assert_eq!(
            (r.format, r.level, r.channel),
            (Format::Laravel, Level::Error, None)
        );
    }

    #[test]
    fn continuation_markers() {
        for line in [
            "[stacktrace]",
            "#0 /var/www/html/vendor/laravel/framework/src/Illuminate/Database/Connection.php(720): Illuminate\\Database\\Connection->runQueryCallback()",
            "#12 {main}",
            "#3",
            "[previous exception] [object] (PDOException(code: 2002): SQLSTATE[HY000] [2002] Connection refused at /var/www/html/vendor/laravel/framework/src/Illuminate/Database/Connectors/Connector.php:70)",
            "\"} ",
            "\"} []",
            "Stack trace:",
            "PHP Stack trace:",
            "PHP   1. {main}() /var/www/html/artisan:0",
            "Next Illuminate\\Database\\QueryException: SQLSTATE[HY000]",
            "  thrown in /var/www/html/app/Foo.php on line 12",
            "\tat Foo.bar(Foo.java:1)",
        ] {
            assert!(is_continuation(line), "{line}");
        }
        for line in [
            "",
            "   ",
            "#hashtag",
            "#1x",
            "[2026-11-26 06:01:02] production.INFO: x",
            "  2026-11-26 06:01:02 App\\Jobs\\SendMail ........ 12.34ms FAIL",
            "   INFO  Processing jobs from the [default] queue.",
            "Stack overflow",
            "PHP Warning:  foo",
            "Next week",
            "\"quoted\"",
            "plain text",
        ] {
            assert!(!is_continuation(line), "{line:?}");
        }
    }

    #[test]
    fn json_monolog() {
        let r = p(
            r#"{"message":"Payment failed","context":{"order":7,"exception":"Stripe\\Exception\\CardException: declined\n#0 /var/www/html/app/Billing.php(12): charge()\n#1 {main}"},"level":400,"level_name":"ERROR","channel":"production","datetime":"2026-11-26T06:01:02.123456+00:00","extra":{}}"#,
        );
        assert_eq!(r.format, Format::Json);
        assert_eq!(r.level, Level::Error);
        assert_eq!(r.channel.as_deref(), Some("production"));
        assert_eq!(r.message, "Payment failed");
        // Key order follows serde_json's map (sorted unless `preserve_order` is enabled).
        let ctx: Value = serde_json::from_str(r.context.as_deref().unwrap()).unwrap();
        assert_eq!(
            ctx,
            serde_json::json!({"order": 7, "exception": "Stripe\\Exception\\CardException: declined"})
        );
        assert_eq!(
            r.stacktrace,
            vec![
                "#0 /var/www/html/app/Billing.php(12): charge()".to_string(),
                "#1 {main}".to_string()
            ]
        );

        let r = p(r#"{"message":"hello","context":{},"level":250,"channel":"stack","extra":{}}"#);
        assert_eq!((r.level, r.context), (Level::Notice, None));
        let r = p(r#"{"message":"x","context":[],"level":550}"#);
        assert_eq!((r.level, r.context), (Level::Alert, None));
        let r = p(r#"{"msg":"started","level":"warn"}"#);
        assert_eq!((r.level, r.message.as_str()), (Level::Warning, "started"));
        let r = p(r#"{"level":30,"time":1}"#);
        assert_eq!(r.level, Level::Info);
        assert_eq!(r.message, r#"{"level":30,"time":1}"#);
        // Normalized exception object: trace frames move to the stacktrace.
        let r = p(
            r#"{"message":"boom","context":{"exception":{"class":"RuntimeException","message":"boom","code":0,"file":"/var/www/html/app/X.php:3","trace":["/var/www/html/app/Y.php:9","/var/www/html/artisan:35"]}},"level_name":"CRITICAL"}"#,
        );
        assert_eq!(r.level, Level::Critical);
        assert_eq!(r.stacktrace.len(), 2);
        assert!(!r.context.unwrap().contains("trace"));
        // Multi-line message: first line is the message.
        let r = p(r#"{"message":"line one\nline two","level_name":"INFO"}"#);
        assert_eq!(r.message, "line one");
        assert_eq!(r.stacktrace, vec!["line two".to_string()]);
    }

    #[test]
    fn malformed_json_is_plain() {
        for line in [
            "{",
            "{\"message\":",
            "{\"message\":\"x\"} trailing",
            "{\"message\":5}",
            "{not json}",
            "{}}",
        ] {
            let r = p(line);
            assert_eq!(r.format, Format::Plain, "{line}");
            assert_eq!(r.message, line);
        }
        assert_eq!(p("{}").format, Format::Json);
        let deep = "[".repeat(5000);
        let deep = format!("{{\"context\":{deep}");
        assert_eq!(p(&deep).format, Format::Plain);
    }

    #[test]
    fn nginx_access_and_error() {
        let r = p(
            r#"10.0.1.5 - - [26/Nov/2026:06:01:02 +0000] "GET /api/users HTTP/1.1" 500 1234 "-" "curl/8.0""#,
        );
        assert_eq!((r.format, r.level), (Format::Nginx, Level::Error));
        assert!(r.message.contains("GET /api/users"));
        let r = p(
            r#"10.0.1.5 - alice [26/Nov/2026:06:01:02 +0000] "POST /login HTTP/2.0" 422 81 "https://x/" "Mozilla/5.0 (X11; Linux)""#,
        );
        assert_eq!((r.format, r.level), (Format::Nginx, Level::Warning));
        let r = p(
            r#"::1 - - [26/Nov/2026:06:01:02 +0000] "GET /health HTTP/1.1" 200 2 "-" "ELB-HealthChecker/2.0""#,
        );
        assert_eq!((r.format, r.level), (Format::Nginx, Level::Info));
        let r =
            p(r#"fd00:ec2::23 - - [26/Nov/2026:06:01:02 +0000] "GET / HTTP/1.1" 301 0 "-" "-""#);
        assert_eq!((r.format, r.level), (Format::Nginx, Level::Info));
        // Not quite access logs.
        assert_eq!(p("10.0.1.5 hello [x] \"GET\" abc").format, Format::Plain);
        assert_eq!(
            p("10.0.1.5 - - [26/Nov/2026:06:01:02 +0000] \"GET / HTTP/1.1\" 5000").format,
            Format::Plain
        );

        let r = p("2026/11/26 06:01:02 [error] 7#7: *1 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 10.0.1.5");
        assert_eq!((r.format, r.level), (Format::Nginx, Level::Error));
        assert!(r.message.starts_with("7#7: *1 upstream timed out"));
        assert_eq!(
            p("2026/11/26 06:01:02 [warn] 1#1: conflicting server name").level,
            Level::Warning
        );
        assert_eq!(
            p("2026/11/26 06:01:02 [crit] 1#1: x").level,
            Level::Critical
        );
        assert_eq!(
            p("2026/11/26 06:01:02 [emerg] 1#1: bind() failed").level,
            Level::Emergency
        );
        assert_eq!(
            p("2026/11/26 06:01:02 [notice] 1#1: start worker processes").level,
            Level::Notice
        );
    }

    #[test]
    fn php_fpm() {
        let r = p(
            r#"[26-Nov-2026 06:01:02] WARNING: [pool www] child 12 said into stderr: "Some output""#,
        );
        assert_eq!((r.format, r.level), (Format::PhpFpm, Level::Warning));
        assert_eq!(
            r.message,
            r#"[pool www] child 12 said into stderr: "Some output""#
        );
        let r = p(
            r#"[26-Nov-2026 06:01:02] WARNING: [pool www] child 12 said into stderr: "NOTICE: PHP message: PHP Fatal error:  Uncaught Error: Call to undefined function foo()""#,
        );
        assert_eq!(r.level, Level::Critical);
        let r = p("[26-Nov-2026 06:01:02] NOTICE: fpm is running, pid 1");
        assert_eq!((r.format, r.level), (Format::PhpFpm, Level::Notice));
        assert_eq!(r.message, "fpm is running, pid 1");
        let r =
            p("[26-Nov-2026 06:01:02] ERROR: unable to bind listening socket for address '9000'");
        assert_eq!((r.format, r.level), (Format::PhpFpm, Level::Error));
        let r = p("[26-Nov-2026 06:01:02] ALERT: oops");
        assert_eq!(r.level, Level::Alert);
        let r = p("NOTICE: fpm is running, pid 1");
        assert_eq!((r.format, r.level), (Format::PhpFpm, Level::Notice));
        let r = p(
            "WARNING: [pool www] server reached pm.max_children setting (5), consider raising it",
        );
        assert_eq!((r.format, r.level), (Format::PhpFpm, Level::Warning));
        let r = p("NOTICE: ready to handle connections");
        assert_eq!(r.format, Format::PhpFpm);

        let r = p("PHP Fatal error:  Uncaught Exception: boom in /var/www/html/index.php:3");
        assert_eq!((r.format, r.level), (Format::PhpFpm, Level::Critical));
        assert_eq!(
            p("PHP Warning:  Undefined array key \"x\" in /var/www/html/a.php on line 3").level,
            Level::Warning
        );
        assert_eq!(p("PHP Notice:  Undefined index: x").level, Level::Notice);
        assert_eq!(p("PHP Deprecated:  Return type of X").level, Level::Notice);
        assert_eq!(p("PHP Parse error:  syntax error").level, Level::Critical);
        assert_eq!(p("PHP Stack trace:").format, Format::PhpFpm);
        assert_eq!(p("PHPUnit 10.5").format, Format::Plain);
    }

    #[test]
    fn supervisor() {
        let r = p("2026-11-26 06:01:02,123 INFO spawned: 'laravel-worker_00' with pid 12");
        assert_eq!((r.format, r.level), (Format::Supervisor, Level::Info));
        assert_eq!(r.message, "spawned: 'laravel-worker_00' with pid 12");
        let r = p(
            "2026-11-26 06:01:02,456 WARN exited: laravel-worker_01 (exit status 1; not expected)",
        );
        assert_eq!((r.format, r.level), (Format::Supervisor, Level::Warning));
        assert_eq!(
            p("2026-11-26 06:01:02,789 CRIT Supervisor is running as root").level,
            Level::Critical
        );
        assert_eq!(
            p("2026-11-26 06:01:02,789 ERRO pool x event buffer overflowed").level,
            Level::Error
        );
        assert_eq!(
            p("2026-11-26 06:01:02,789 DEBG fd 8 closed").level,
            Level::Debug
        );
        assert_eq!(p("2026-11-26 06:01:02,789 BLAH x").format, Format::Plain);
        assert_eq!(p("2026-11-26 06:01:02,789").format, Format::Plain);
    }

    #[test]
    fn plain_and_artisan() {
        let r = p("  2026-11-26 06:01:02 App\\Jobs\\SendMail ........ 12.34ms FAIL");
        assert_eq!((r.format, r.level), (Format::Plain, Level::Error));
        assert_eq!(
            r.message,
            "2026-11-26 06:01:02 App\\Jobs\\SendMail ........ 12.34ms FAIL"
        );
        assert_eq!(
            p("  2026-11-26 06:01:02 App\\Jobs\\SendMail ........ 12.34ms DONE").level,
            Level::Info
        );
        assert_eq!(
            p("  2026-11-26 06:01:02 App\\Jobs\\SendMail ............. RUNNING").level,
            Level::Info
        );
        assert_eq!(
            p("2026-11-26 06:01:02 App\\Jobs\\SendMail ........ 3s DONE").level,
            Level::Info
        );
        assert_eq!(
            p("   INFO  Processing jobs from the [default] queue.").level,
            Level::Info
        );
        assert_eq!(
            p("[2026-11-26 06:01:02][42] Failed:     App\\Jobs\\SendMail").level,
            Level::Error
        );
        assert_eq!(
            p("[2026-11-26 06:01:02][42] Processed:  App\\Jobs\\SendMail").level,
            Level::Info
        );

        for (line, want) in [
            ("ERROR: disk full", Level::Error),
            ("[ERROR] disk full", Level::Error),
            ("error: could not connect", Level::Error),
            ("Warning: low memory", Level::Warning),
            ("[warn] hmm", Level::Warning),
            ("INFO starting", Level::Info),
            ("FATAL crash", Level::Critical),
            ("2026-11-26T06:01:02Z ERROR something broke", Level::Error),
            ("2026-11-26 06:01:02.123 [info] ok", Level::Info),
            ("Info about things", Level::Unknown),
            ("errors everywhere", Level::Unknown),
            ("hello world", Level::Unknown),
            ("Stack overflow", Level::Unknown),
        ] {
            let r = p(line);
            assert_eq!((r.format, r.level), (Format::Plain, want), "{line}");
            assert_eq!(r.message, line);
        }
    }

    #[test]
    fn escapes_are_stripped_everywhere() {
        let r = p("[2026-11-26 06:01:02] prod\u{1b}[2J.ERROR: \u{1b}[31mred\u{1b}[0m \u{1b}]0;pwned\u{7}done\u{202e}txt {\"k\":\"\u{1b}[1mv\"} []");
        assert_eq!(r.channel.as_deref(), Some("prod"));
        assert_eq!(r.message, "red donetxt");
        assert_eq!(r.context.as_deref(), Some("{\"k\":\"v\"}"));
        let r = p("{\"message\":\"\\u001b[31mred\\u202e\",\"context\":{\"exception\":\"x\\n#0 \\u001b]0;t\\u0007y\"},\"channel\":\"\\u001b[2J\"}");
        assert_eq!(r.message, "red");
        assert_eq!(r.stacktrace, vec!["#0 y".to_string()]);
        assert!(!r.context.unwrap().contains('\u{1b}'));
        assert_eq!(r.channel, None);
        let r = p("ünïcödé ✓ \u{1b}[31mrot");
        assert_eq!(r.message, "ünïcödé ✓ rot");
    }

    #[test]
    fn odd_input_never_panics() {
        for line in [
            "",
            "[",
            "]",
            "{",
            "}",
            "[2026-",
            "[2026-11-26",
            "[2026-11-26 06:01:02",
            "[2026-11-26 06:01:02] ",
            "[2026-11-26 06:01:02] .:",
            "[2026-11-26 06:01:02] production.ERROR:",
            "[26-Nov-2026 06:01:02]",
            "[26-Nov-2026 06:01:02] ",
            "[26-Nov-2026 06:01:02] :",
            "2026/11/26 06:01:02 [",
            "2026/11/26 06:01:02 [error",
            "2026-11-26 06:01:02,",
            "2026-11-26 06:01:02 ",
            "1 - - [",
            "1 - - [x] \"",
            "1 - - [x] \"GET",
            "#",
            "#0",
            "\"",
            "\"}",
            "PHP",
            "PHP ",
            "PHP  ",
            "Next ",
            "N",
            "P",
            " ",
            "\t",
            "é",
            "[é",
            "{é",
            "[ü]",
            "[2026-11-26 06:01:02] ü.ÜRROR: x",
            "é - - [é] \"é\" 500",
            "\\",
            "\\\"}",
            "}{",
            "[2026-11-26 06:01:02] production.INFO: x \\\"}",
            "[2026-11-26 06:01:02] production.INFO: \"}",
            "[2026-11-26 06:01:02] production.INFO: {\"exception\":\"[object] ",
            "WARNING:",
            "ERROR:x",
        ] {
            let r = parse_line(line);
            assert!(!r.message.contains('\u{1b}'));
            let _ = is_continuation(line);
        }
    }

    #[test]
    fn line_kinds() {
        let kind = |l: &str| line_kind(l).0;
        for l in [
            "#0 {main}",
            "[stacktrace]",
            "\"} ",
            "Stack trace:",
            "[10-Jan-2022 07:38:55 UTC] PHP Stack trace:",
            "[10-Jan-2022 07:38:55 UTC] PHP   1. {main}() /app/artisan:0",
            "Next exception 'Illuminate\\Database\\QueryException' with message 'x'",
        ] {
            assert_eq!(kind(l), LineKind::Marker, "{l}");
        }
        for l in [
            "  thrown in /var/www/artisan on line 9",
            "  at vendor/laravel/framework/src/Illuminate/Database/Connection.php:760",
            "    760▕             throw new QueryException(",
            "      +39 vendor frames ",
            "    migrate:fresh",
            "      Illuminate\\Foundation\\Console\\Kernel::handle()",
        ] {
            assert_eq!(kind(l), LineKind::Indented, "{l}");
            assert!(is_continuation(l), "{l}");
        }
        assert_eq!(
            kind("  The \"--id=\" argument does not exist.  "),
            LineKind::BoxText
        );
        for l in [
            "Did you mean one of these?",
            "\" in C:\\xampp\\htdocs\\AbstractSmtpTransport.php:457",
            "}\",\"headers\":{\"host\":[\"127.0.0.1:8000\"]}} ",
            "Configuration cache cleared!",
        ] {
            assert_eq!(kind(l), LineKind::Text, "{l}");
            assert!(!is_continuation(l), "{l}");
        }
        for l in [
            "   Illuminate\\Database\\QueryException ",
            "   Error ",
            "   UnexpectedValueException  : The stream or file \"x\" could not be opened",
            "  [Doctrine\\DBAL\\Driver\\PDOException]  ",
            "[PDOException]",
            "In AppServiceProvider.php line 33:",
            "  2014_10_12_000000_create_users_table ........ 12.34ms FAIL",
            "  Creating migration table ............. 546ms DONE",
            "Horizon started successfully.",
            "[1117/192051.633:WARNING:dns_config_service_win.cc(668)] Failed to read DnsConfig.",
        ] {
            assert_eq!(kind(l), LineKind::Start, "{l}");
            assert!(!is_continuation(l), "{l}");
        }
    }

    #[test]
    fn console_exception_heads() {
        for (l, msg) in [
            (
                "   Illuminate\\Database\\QueryException ",
                "Illuminate\\Database\\QueryException",
            ),
            ("   Error ", "Error"),
            ("[PDOException]   ", "[PDOException]"),
            ("In Connection.php line 664:", "In Connection.php line 664:"),
        ] {
            let r = p(l);
            assert_eq!(
                (r.level, r.format, r.follow, r.message.as_str()),
                (Level::Error, Format::Plain, Follow::Console, msg),
                "{l}"
            );
        }
        // Not a console head: a frame, a suggestion, a lone word at the margin.
        for l in [
            "      Illuminate\\Foundation\\Console\\Kernel::handle()",
            "    migrate",
            "RuntimeException",
            "[default]",
            "In the beginning",
        ] {
            assert_ne!(p(l).follow, Follow::Console, "{l}");
        }
        let r = p("  2014_10_12_000000_create_users_table .......... 124.42ms FAIL");
        assert_eq!((r.level, r.format), (Level::Error, Format::Plain));
        assert_eq!(
            p("  2018_12_07_184310_create_actor_table ........ 1,736ms DONE").level,
            Level::Info
        );
    }

    #[test]
    fn php_error_log_and_cli() {
        let r = p("[26-Jul-2018 06:51:49 UTC] PHP Fatal error:  Uncaught Exception: boom in /var/www/html/index.php:3");
        assert_eq!((r.format, r.level), (Format::PhpFpm, Level::Critical));
        assert_eq!(
            r.message,
            "PHP Fatal error:  Uncaught Exception: boom in /var/www/html/index.php:3"
        );
        let r = p("[26-Jul-2018 06:51:49 Europe/Berlin] PHP Warning:  foo in /a.php on line 3");
        assert_eq!((r.format, r.level), (Format::PhpFpm, Level::Warning));
        let r = p("[26-Jul-2018 06:51:49] PHP Notice:  Undefined index: x");
        assert_eq!((r.format, r.level), (Format::PhpFpm, Level::Notice));
        let r = p("[03-Nov-2025 04:45:46 UTC] Mailpit Logging Failed: SMTP Error");
        assert_eq!((r.format, r.level), (Format::PhpFpm, Level::Unknown));
        for (l, want) in [
            (
                "Fatal error: Uncaught Error: x in /var/www/artisan:9",
                Level::Critical,
            ),
            ("Deprecated: Return type of X", Level::Notice),
            ("Could not open input file: artisan", Level::Error),
            (
                "Migrating: 2014_10_12_000000_create_users_table",
                Level::Info,
            ),
            (
                "Migrated:  2014_10_12_000000_create_users_table (0.72 seconds)",
                Level::Info,
            ),
        ] {
            let r = p(l);
            assert_eq!(
                (r.format, r.level, r.message.as_str()),
                (Format::Plain, want, l)
            );
        }
        // catch_workers_output: php-fpm's NOTICE carries PHP's fatal.
        let r = p("NOTICE: PHP message: PHP Fatal error:  Uncaught Error: x in /a.php:11");
        assert_eq!((r.format, r.level), (Format::PhpFpm, Level::Critical));
    }

    #[test]
    fn php_fpm_access_lines() {
        for (l, want) in [
            (
                "172.19.0.6 -  01/Apr/2020:04:25:29 +0000 \"GET /index.php\" 500",
                Level::Error,
            ),
            (
                "172.17.0.1 -  10/Oct/2016:15:00:18 +0000 \"GET /index.php\" 404",
                Level::Warning,
            ),
            (
                "- -  01/Jul/2020:15:34:08 +0000 \"GET /index.php\" 200",
                Level::Info,
            ),
            (
                "::1 -  01/Jul/2020:15:34:08 +0000 \"POST /index.php\" 502",
                Level::Error,
            ),
        ] {
            let r = p(l);
            assert_eq!(
                (r.format, r.level, r.message.as_str()),
                (Format::PhpFpm, want, l)
            );
        }
        for l in [
            "172.19.0.6 -  01/Apr/2020:04:25:29 +0000 \"GET /index.php\" 5000",
            "172.19.0.6 -  01/Apr/2020 \"GET /index.php\" 500",
            "- - nothing \"GET\" 500",
        ] {
            assert_eq!(p(l).format, Format::Plain, "{l}");
        }
    }

    #[test]
    fn level_prefixed_json_and_swoole() {
        let r = p(
            r#"INFO {"@timestamp":"2021-07-06T11:18:00.751731+00:00","message":"Some message","channel":"local","level":"INFO","context":{}}"#,
        );
        assert_eq!(
            (r.format, r.level, r.message.as_str(), r.channel.as_deref()),
            (Format::Json, Level::Info, "Some message", Some("local"))
        );
        assert_eq!(r.context, None);
        let r = p(r#"ERROR {"message":"boom","context":{"exception":"E: x\n#0 {main}"}}"#);
        assert_eq!((r.format, r.level), (Format::Json, Level::Error));
        assert_eq!(r.stacktrace, vec!["#0 {main}".to_string()]);
        assert_eq!(p("INFO {not json").format, Format::Plain);

        let r =
            p("[2022-02-25 19:41:12 *7541.2]\tERROR\tphp_swoole_server_rshutdown(): Fatal error");
        assert_eq!((r.format, r.level), (Format::Plain, Level::Error));
        assert_eq!(
            p("[2021-10-03 00:22:20 $46.0]\tNOTICE\tServer is reloading").level,
            Level::Notice
        );
    }

    #[test]
    fn laravel_list_and_open_contexts() {
        let r = p(
            r#"[2024-01-01 00:00:00] production.ERROR: exception logged ["[object] (Exception(code: 0): boom at /var/www/app/X.php:3)"] []"#,
        );
        assert_eq!(r.message, "exception logged");
        assert_eq!(
            r.context.as_deref(),
            Some(r#"["[object] (Exception(code: 0): boom at /var/www/app/X.php:3)"]"#)
        );
        assert_eq!(r.follow, Follow::Markers);
        let r = p("[2024-01-01 00:00:00] production.INFO: ids [1,2] []");
        assert_eq!(
            (r.message.as_str(), r.context.as_deref()),
            ("ids", Some("[1,2]"))
        );
        // A bracketed word ends the message: no context.
        let r = p("[2024-01-01 00:00:00] production.INFO: Processing the [default]");
        assert_eq!(
            (r.message.as_str(), r.context, r.follow),
            ("Processing the [default]", None, Follow::Markers)
        );
        // A pretty-printed context opens on the first line.
        let r = p(r#"[2025-12-18 04:50:21] local.INFO: Webhook Raw: {"content":"{"#);
        assert_eq!(
            (r.message.as_str(), r.context.as_deref(), r.follow),
            ("Webhook Raw:", Some(r#"{"content":"{"#), Follow::Text)
        );
        // A complete context closes the record's text; none leaves it open.
        assert_eq!(p(LARAVEL_ERROR).follow, Follow::Markers);
        assert_eq!(
            p("[2023-10-17 10:26:43] local.ERROR: Command \"x\" is not defined.").follow,
            Follow::Text
        );
        // An info line without context ends with its line.
        assert_eq!(
            p("[2023-10-17 10:26:43] local.INFO: cronjob run  ").follow,
            Follow::Markers
        );
        let r = p("[2023-07-21 05:25:43] local.ERROR:  The DB otp  ");
        assert_eq!(r.message, "The DB otp");
    }

    #[test]
    fn supervisor_reports_dead_programs() {
        assert_eq!(
            p("2021-08-03 07:56:28,595 INFO gave up: queue entered FATAL state, too many start retries too quickly").level,
            Level::Error
        );
        assert_eq!(
            p("2021-08-03 07:56:20,855 INFO exited: queue (exit status 0; not expected)").level,
            Level::Warning
        );
        assert_eq!(
            p("2021-08-03 07:56:20,855 INFO exited: queue (exit status 0; expected)").level,
            Level::Info
        );
    }

    #[test]
    fn floor_boundary_is_a_boundary() {
        let s = "aé✓😀";
        for i in 0..=s.len() + 2 {
            let f = floor_boundary(s, i);
            assert!(s.is_char_boundary(f) && f <= i.min(s.len()));
        }
    }
}
