//! One log record as kept in the [`LogBuffer`](super::LogBuffer): parsed, sanitized text plus
//! where it came from.

use std::sync::Arc;

use serde::Serialize;

/// Severity, ordered from least to most severe (`Unknown` sorts first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Unknown,
    Debug,
    Info,
    Notice,
    Warning,
    Error,
    Critical,
    Alert,
    Emergency,
}

impl Level {
    /// Upper-case name as Monolog prints it; `-` for [`Level::Unknown`].
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Unknown => "-",
            Level::Debug => "DEBUG",
            Level::Info => "INFO",
            Level::Notice => "NOTICE",
            Level::Warning => "WARNING",
            Level::Error => "ERROR",
            Level::Critical => "CRITICAL",
            Level::Alert => "ALERT",
            Level::Emergency => "EMERGENCY",
        }
    }

    /// Case-insensitive: `debug info notice warning/warn error/err/erro critical/crit alert
    /// emergency/emerg`. No allocation.
    pub fn parse(s: &str) -> Option<Level> {
        let b = s.as_bytes();
        let is = |w: &str| b.eq_ignore_ascii_case(w.as_bytes());
        let level = match b.len() {
            3 if is("err") => Level::Error,
            4 if is("info") => Level::Info,
            4 if is("warn") => Level::Warning,
            4 if is("erro") => Level::Error,
            4 if is("crit") => Level::Critical,
            5 if is("debug") => Level::Debug,
            5 if is("error") => Level::Error,
            5 if is("alert") => Level::Alert,
            5 if is("emerg") => Level::Emergency,
            6 if is("notice") => Level::Notice,
            7 if is("warning") => Level::Warning,
            8 if is("critical") => Level::Critical,
            9 if is("emergency") => Level::Emergency,
            _ => return None,
        };
        Some(level)
    }

    /// Monolog's numeric levels (100..=600); small numbers on the pino/bunyan scale
    /// (10..=60) are understood too.
    pub(crate) fn from_number(n: i64) -> Level {
        match n {
            10..=20 => Level::Debug,
            21..=30 => Level::Info,
            31..=40 => Level::Warning,
            41..=50 => Level::Error,
            51..=99 => Level::Critical,
            100..=199 => Level::Debug,
            200..=249 => Level::Info,
            250..=299 => Level::Notice,
            300..=399 => Level::Warning,
            400..=499 => Level::Error,
            500..=549 => Level::Critical,
            550..=599 => Level::Alert,
            600.. => Level::Emergency,
            _ => Level::Unknown,
        }
    }
}

/// Which parser recognised the record's first line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Laravel,
    Json,
    Nginx,
    PhpFpm,
    Supervisor,
    Plain,
}

/// One record: a first line plus any continuation lines that were attached to it.
/// Every text field has been through [`crate::safety::sanitize`].
#[derive(Debug, Clone, PartialEq)]
pub struct LogRecord {
    /// Monotonically increasing per buffer; contiguous among the records a buffer keeps.
    pub seq: u64,
    /// CloudWatch event time (not the time printed in the text).
    pub timestamp_ms: i64,
    /// Task id (caller-provided).
    pub task: Arc<str>,
    pub container: Arc<str>,
    pub level: Level,
    pub format: Format,
    /// Monolog channel, e.g. `production`.
    pub channel: Option<String>,
    /// The first line's message part.
    pub message: String,
    /// Monolog's trailing `{...}` context (and non-empty extra) / JSON `context` as text.
    pub context: Option<String>,
    /// Continuation lines (`[stacktrace]`, `#0 ...`, `[previous exception]`, `"}`), capped:
    /// past the cap the last entry is a `… N more lines` marker.
    pub stacktrace: Vec<String>,
    /// Bytes dropped because a physical line exceeded
    /// [`MAX_LINE_BYTES`](super::parse::MAX_LINE_BYTES); 0 when nothing was cut.
    pub cut_bytes: usize,
}

impl LogRecord {
    /// Whether there are continuation lines to expand.
    pub fn has_more(&self) -> bool {
        !self.stacktrace.is_empty()
    }

    /// Case-insensitive search over message, context, channel and stacktrace. `needle_lower`
    /// must already be lower-case; an empty needle matches everything. ASCII needles are
    /// matched without allocating.
    pub fn matches(&self, needle_lower: &str) -> bool {
        if needle_lower.is_empty() {
            return true;
        }
        let hit = |hay: &str| contains_ignore_case(hay, needle_lower);
        hit(&self.message)
            || self.context.as_deref().is_some_and(hit)
            || self.channel.as_deref().is_some_and(hit)
            || self.stacktrace.iter().any(|line| hit(line))
    }
}

/// `hay` contains `needle_lower`, ignoring case. ASCII needles use a byte scan; others fall
/// back to Unicode lower-casing of the haystack.
pub(crate) fn contains_ignore_case(hay: &str, needle_lower: &str) -> bool {
    if !needle_lower.is_ascii() {
        return hay.to_lowercase().contains(needle_lower);
    }
    let n = needle_lower.as_bytes();
    let h = hay.as_bytes();
    let Some(&first) = n.first() else {
        return true;
    };
    if n.len() > h.len() {
        return false;
    }
    let (lo, up) = (first.to_ascii_lowercase(), first.to_ascii_uppercase());
    let last_start = h.len() - n.len();
    let mut i = 0;
    while i <= last_start {
        match h[i..=last_start].iter().position(|&c| c == lo || c == up) {
            Some(off) => {
                let at = i + off;
                if h[at..at + n.len()].eq_ignore_ascii_case(n) {
                    return true;
                }
                i = at + 1;
            }
            None => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> LogRecord {
        LogRecord {
            seq: 0,
            timestamp_ms: 0,
            task: Arc::from("task"),
            container: Arc::from("app"),
            level: Level::Error,
            format: Format::Laravel,
            channel: Some("production".into()),
            message: "SQLSTATE[HY000] Connection refused".into(),
            context: Some(r#"{"user_id":42}"#.into()),
            stacktrace: vec!["#0 /var/www/html/app/Jobs/SendMail.php(31): handle()".into()],
            cut_bytes: 0,
        }
    }

    #[test]
    fn level_parse_and_names() {
        for (s, l) in [
            ("debug", Level::Debug),
            ("INFO", Level::Info),
            ("Notice", Level::Notice),
            ("warning", Level::Warning),
            ("WARN", Level::Warning),
            ("error", Level::Error),
            ("ERR", Level::Error),
            ("erro", Level::Error),
            ("CRITICAL", Level::Critical),
            ("crit", Level::Critical),
            ("alert", Level::Alert),
            ("EMERGENCY", Level::Emergency),
            ("emerg", Level::Emergency),
        ] {
            assert_eq!(Level::parse(s), Some(l), "{s}");
        }
        for s in ["", "e", "errors", "fatal", "inf", "ünfo", "warnin"] {
            assert_eq!(Level::parse(s), None, "{s}");
        }
        assert_eq!(Level::Unknown.as_str(), "-");
        assert_eq!(Level::Warning.as_str(), "WARNING");
        assert_eq!(Level::Emergency.as_str(), "EMERGENCY");
        assert!(Level::Unknown < Level::Debug && Level::Error < Level::Critical);
        assert_eq!(
            serde_json::to_string(&Level::Warning).unwrap(),
            "\"warning\""
        );
        assert_eq!(
            serde_json::to_string(&Format::PhpFpm).unwrap(),
            "\"php_fpm\""
        );
    }

    #[test]
    fn numeric_levels() {
        assert_eq!(Level::from_number(100), Level::Debug);
        assert_eq!(Level::from_number(200), Level::Info);
        assert_eq!(Level::from_number(250), Level::Notice);
        assert_eq!(Level::from_number(300), Level::Warning);
        assert_eq!(Level::from_number(400), Level::Error);
        assert_eq!(Level::from_number(500), Level::Critical);
        assert_eq!(Level::from_number(550), Level::Alert);
        assert_eq!(Level::from_number(600), Level::Emergency);
        assert_eq!(Level::from_number(30), Level::Info);
        assert_eq!(Level::from_number(50), Level::Error);
        assert_eq!(Level::from_number(-1), Level::Unknown);
        assert_eq!(Level::from_number(0), Level::Unknown);
    }

    #[test]
    fn matches_is_case_insensitive_over_all_fields() {
        let r = record();
        assert!(r.has_more());
        assert!(r.matches(""));
        assert!(r.matches("sqlstate"));
        assert!(r.matches("connection refused"));
        assert!(r.matches("user_id"));
        assert!(r.matches("product"));
        assert!(r.matches("sendmail.php"));
        assert!(!r.matches("nginx"));
        assert!(!r.matches("refusedx"));
        let mut u = record();
        u.message = "Benutzer GRÜN angemeldet".into();
        assert!(u.matches("grün"));
        assert!(u.matches("grü"));
        assert!(!u.matches("grünx"));
        assert!(!record().matches(
            "a very long needle that is longer than every field in the record, surely, yes"
        ));
    }

    #[test]
    fn contains_ignore_case_edges() {
        assert!(contains_ignore_case("abc", ""));
        assert!(!contains_ignore_case("", "a"));
        assert!(contains_ignore_case("xxABC", "abc"));
        assert!(contains_ignore_case("aaab", "aab"));
        assert!(contains_ignore_case("ÄäA", "a"));
        assert!(!contains_ignore_case("ab", "abc"));
    }
}
