//! Container log lines: a pure, allocation-lean parser for the formats a Laravel service on
//! ECS emits (Monolog line and JSON formatters, nginx, php-fpm and PHP's error_log,
//! supervisor, Artisan, Collision/Symfony console exceptions) and a bounded ring buffer that
//! joins a record's further lines (stack traces, multi-line messages, console blocks) to it.
//! It is checked against real output in `tests/fixtures/logs` (`tests/logs_corpus.rs`).
//!
//! No I/O, no async, no AWS types: callers hand in `(task, container, timestamp, message)`
//! for each CloudWatch event. Every text field is passed through
//! [`crate::safety::sanitize`], so log text can never drive the operator's terminal.

pub mod buffer;
pub mod parse;
pub mod record;
pub mod text;

pub use buffer::LogBuffer;
pub use parse::{is_continuation, line_kind, parse_line, Follow, LineKind, Parsed, MAX_LINE_BYTES};
pub use record::{Format, Level, LogRecord};

/// Deterministic, realistic log traffic for benchmarks and tests: writes event `i` into
/// `out` and returns its stream as `(task index 0..4, container index 0..2)` where
/// container 0 is the PHP app and 1 is nginx. Per 100 events: 60 Laravel INFO lines with
/// context, 10 nginx access lines, 8 JSON lines, supervisor and php-fpm lines, a Laravel
/// ERROR followed by its 17-line stack trace (one event per line, as awslogs sends them),
/// Artisan queue output and DEBUG lines without context.
#[doc(hidden)]
pub fn synthetic_event(i: u64, out: &mut String) -> (usize, usize) {
    use std::fmt::Write;
    out.clear();
    let slot = i % 100;
    let cycle = i / 100;
    let task = (cycle % 4) as usize;
    let (mm, ss) = ((i / 60) % 60, i % 60);
    let user = (i * 7919) % 100_000;
    // Writing into a String cannot fail.
    let _ = match slot {
        0..=59 => write!(
            out,
            "[2026-11-26 06:{mm:02}:{ss:02}] production.INFO: User {user} fetched dashboard in {} ms {{\"user_id\":{user},\"route\":\"dashboard.index\",\"ip\":\"10.0.{}.{}\"}} []",
            i % 997,
            i % 255,
            user % 255
        ),
        60..=69 => {
            let status = [200, 200, 200, 201, 204, 302, 404, 422, 500, 200][(slot - 60) as usize];
            write!(
                out,
                "10.0.{}.{} - - [26/Nov/2026:06:{mm:02}:{ss:02} +0000] \"GET /api/users/{user}?page={} HTTP/1.1\" {status} {} \"https://app.example.com/\" \"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36\"",
                i % 255,
                user % 255,
                i % 20,
                (i * 31) % 20_000
            )
        }
        70..=77 => write!(
            out,
            "{{\"message\":\"Order {user} shipped\",\"context\":{{\"order_id\":{user},\"carrier\":\"ups\"}},\"level\":200,\"level_name\":\"INFO\",\"channel\":\"production\",\"datetime\":\"2026-11-26T06:{mm:02}:{ss:02}.123456+00:00\",\"extra\":{{}}}}"
        ),
        78 => write!(
            out,
            "2026-11-26 06:{mm:02}:{ss:02},123 INFO spawned: 'laravel-worker_{:02}' with pid {}",
            i % 8,
            i % 30_000
        ),
        79 => write!(
            out,
            "[26-Nov-2026 06:{mm:02}:{ss:02}] WARNING: [pool www] child {} said into stderr: \"Deprecated: something in /var/www/html/vendor/foo.php on line 12\"",
            i % 30_000
        ),
        80 => write!(
            out,
            "[2026-11-26 06:{mm:02}:{ss:02}] production.ERROR: SQLSTATE[HY000] [2002] Connection refused (SQL: select * from users where id = {user}) {{\"exception\":\"[object] (Illuminate\\\\Database\\\\QueryException(code: 2002): SQLSTATE[HY000] [2002] Connection refused (SQL: select * from users where id = {user}) at /var/www/html/vendor/laravel/framework/src/Illuminate/Database/Connection.php:760)"
        ),
        81 => write!(out, "[stacktrace]"),
        82..=95 => write!(
            out,
            "#{} /var/www/html/vendor/laravel/framework/src/Illuminate/Database/Connection.php({}): Illuminate\\Database\\Connection->runQueryCallback('select * from u...', Array, Object(Closure))",
            slot - 82,
            700 + slot
        ),
        96 => write!(out, "#14 {{main}}"),
        97 => write!(out, "\"}} "),
        98 => write!(
            out,
            "  2026-11-26 06:{mm:02}:{ss:02} App\\Jobs\\SendWelcomeMail ............................ {}.{:02}ms {}",
            i % 900,
            i % 100,
            if cycle.is_multiple_of(10) { "FAIL" } else { "DONE" }
        ),
        _ => write!(
            out,
            "[2026-11-26 06:{mm:02}:{ss:02}] production.DEBUG: Cache hit for key user:{user}:profile"
        ),
    };
    (task, usize::from((60..=69).contains(&slot)))
}

#[cfg(test)]
mod props_tests;

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn synthetic_corpus_parses_as_intended() {
        let tasks: Vec<Arc<str>> = (0..4).map(|i| Arc::from(format!("task-{i}"))).collect();
        let containers: Vec<Arc<str>> = vec![Arc::from("app"), Arc::from("nginx")];
        let mut buf = LogBuffer::new(1000);
        let mut line = String::new();
        let mut created = 0;
        for i in 0..400 {
            let (t, c) = synthetic_event(i, &mut line);
            created += buf.push(&tasks[t], &containers[c], i as i64, &line);
        }
        // 17 continuation lines per 100 events attach to their ERROR record.
        assert_eq!(created, 4 * 83);
        assert_eq!(buf.len(), created);
        let errors: Vec<_> = buf
            .iter()
            .filter(|r| r.format == Format::Laravel && r.level == Level::Error)
            .collect();
        assert_eq!(errors.len(), 4);
        assert!(errors.iter().all(|r| r.stacktrace.len() == 17));
        for format in [
            Format::Laravel,
            Format::Json,
            Format::Nginx,
            Format::PhpFpm,
            Format::Supervisor,
            Format::Plain,
        ] {
            assert!(buf.iter().any(|r| r.format == format), "{format:?}");
        }
        assert!(buf
            .iter()
            .all(|r| r.format != Format::Plain || r.level != Level::Unknown));
    }
}
