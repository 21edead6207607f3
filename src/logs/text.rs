//! Records as text lines (`toadtop logs`, saved files) and as JSON lines.

use serde_json::json;

use super::{Level, LogRecord};
use crate::domain::short_task_id;
use crate::safety::{json_string, sanitize};
use crate::timefmt::Timestamp;

/// `{"timestamp","task","container","level","channel","message","context","stacktrace"}`.
/// The record's text is sanitized already; task and container names come from AWS as they
/// are, so they are sanitized here, and the line is written with [`json_string`].
pub fn json_line(r: &LogRecord) -> String {
    let mut line = json_string(&json!({
        "timestamp": Timestamp(r.timestamp_ms).rfc3339(),
        "task": sanitize(&r.task),
        "container": sanitize(&r.container),
        "level": r.level.as_str(),
        "channel": r.channel,
        "message": r.message,
        "context": r.context,
        "stacktrace": r.stacktrace,
    }));
    line.push('\n');
    line
}

/// `2026-11-26T06:01:02Z 0a1b2c3d/php ERROR   production: message {context}` and the
/// stack trace indented below. `color` adds ANSI colour to the level (toadtop's own
/// codes; the record text itself is already sanitized).
pub fn record_text(r: &LogRecord, color: bool) -> String {
    let (on, off) = match (color, r.level) {
        (false, _) => ("", ""),
        (true, l) if l >= Level::Error => ("\x1b[31m", "\x1b[0m"),
        (true, Level::Warning) => ("\x1b[33m", "\x1b[0m"),
        (true, Level::Debug) => ("\x1b[2m", "\x1b[0m"),
        _ => ("", ""),
    };
    let mut s = format!(
        "{} {}/{} {on}{:<7}{off} ",
        Timestamp(r.timestamp_ms).rfc3339(),
        sanitize(short_task_id(&r.task)),
        sanitize(&r.container),
        r.level.as_str()
    );
    if let Some(ch) = &r.channel {
        s.push_str(ch);
        s.push_str(": ");
    }
    s.push_str(&r.message);
    if let Some(ctx) = &r.context {
        s.push(' ');
        s.push_str(ctx);
    }
    if r.cut_bytes > 0 {
        s.push_str(&format!(" … [{} bytes cut]", r.cut_bytes));
    }
    s.push('\n');
    for line in &r.stacktrace {
        s.push_str("    ");
        s.push_str(line);
        s.push('\n');
    }
    s
}
