//! Crash reports: what a panic leaves behind once the TUI is gone. The report (message,
//! place, thread, backtrace, version, time) goes to `crash-<time>-<pid>.txt` in the data
//! dir next to the audit log (`~/.local/share/toadtop` on Linux), owner-only. It holds
//! the panic's own text and toadtop's stack, never requests or credentials; the message
//! is sanitized (it may quote text that came from AWS).

use std::any::Any;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::safety::sanitize;
use crate::timefmt::Timestamp;

/// What a panic carries that goes in the report.
pub struct Crash<'a> {
    pub message: String,
    /// `src/app/update.rs:42:9`
    pub location: Option<String>,
    pub thread: &'a str,
    pub backtrace: String,
    pub time: Timestamp,
}

/// The text of a panic payload (`panic!` gives a `&str` or a `String`).
pub fn message(payload: &dyn Any) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(a panic without a message)".into())
}

pub fn render(c: &Crash) -> String {
    let message: Vec<String> = c.message.lines().map(sanitize).collect();
    format!(
        "toadtop {version} crashed at {time}\n\
         \n\
         message:  {message}\n\
         location: {location}\n\
         thread:   {thread}\n\
         platform: {os}/{arch}\n\
         \n\
         backtrace:\n{backtrace}\n",
        version = env!("CARGO_PKG_VERSION"),
        time = c.time.rfc3339(),
        message = message.join("\n          "),
        location = c.location.as_deref().unwrap_or("unknown"),
        thread = sanitize(c.thread),
        os = std::env::consts::OS,
        arch = std::env::consts::ARCH,
        backtrace = c.backtrace.trim_end(),
    )
}

/// `crash-2026-11-26T065801Z-4242.txt`: sortable, no colons (Windows), one per process.
pub fn file_name(time: Timestamp, pid: u32) -> String {
    format!("crash-{}-{pid}.txt", time.rfc3339().replace(':', ""))
}

/// Writes `text` to a new file `name` in `dir` (created if needed), owner-only.
pub fn write(dir: &Path, name: &str, text: &str) -> std::io::Result<PathBuf> {
    crate::private_fs::private_dir(dir)?;
    let path = dir.join(name);
    crate::private_fs::create_new(&path)?.write_all(text.as_bytes())?;
    Ok(path)
}

/// Gathers the report of the panic being handled and writes it to the data dir.
pub fn record(info: &std::panic::PanicHookInfo) -> Result<PathBuf, String> {
    let thread = std::thread::current();
    let time = Timestamp::now();
    let crash = Crash {
        message: message(info.payload()),
        location: info.location().map(ToString::to_string),
        thread: thread.name().unwrap_or("unnamed"),
        // Always, not only with RUST_BACKTRACE: a crash is rare and the report is the
        // only record of it.
        backtrace: std::backtrace::Backtrace::force_capture().to_string(),
        time,
    };
    tracing::error!(message = %crash.message, location = ?crash.location, "panic");
    let dir = crate::config::Config::data_dir().ok_or("no data directory")?;
    let name = file_name(time, std::process::id());
    write(&dir, &name, &render(&crash)).map_err(|e| format!("{}: {e}", dir.join(&name).display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crash(message: &str) -> Crash<'static> {
        Crash {
            message: message.into(),
            location: Some("src/app/update.rs:42:9".into()),
            thread: "main",
            backtrace: "   0: toadtop::app::update\n   1: main\n".into(),
            time: Timestamp(1_795_676_281_000),
        }
    }

    #[test]
    fn the_report_names_what_where_when_and_the_version() {
        let text = render(&crash(
            "index out of bounds: the len is 3 but the index is 7",
        ));
        assert!(text.starts_with(&format!(
            "toadtop {} crashed at 2026-11-26T06:58:01Z\n",
            env!("CARGO_PKG_VERSION")
        )));
        assert!(text.contains("message:  index out of bounds: the len is 3 but the index is 7\n"));
        assert!(text.contains("location: src/app/update.rs:42:9\n"));
        assert!(text.contains("thread:   main\n"));
        assert!(text.contains("backtrace:\n   0: toadtop::app::update\n   1: main\n"));
    }

    #[test]
    fn escapes_in_the_message_are_removed_and_lines_kept() {
        let text = render(&crash("bad name \u{1b}]0;owned\u{7}web\nsecond line"));
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{text:?}"
        );
        assert!(text.contains("bad name"), "{text}");
        assert!(text.contains("\n          second line\n"), "{text}");
    }

    #[test]
    fn payloads_of_both_kinds_have_their_text() {
        assert_eq!(message(&"static text"), "static text");
        assert_eq!(message(&String::from("formatted 7")), "formatted 7");
        assert_eq!(message(&42_u8), "(a panic without a message)");
    }

    #[test]
    fn the_file_is_new_owner_only_and_named_by_time_and_pid() {
        let name = file_name(Timestamp(1_795_676_281_000), 4242);
        assert_eq!(name, "crash-2026-11-26T065801Z-4242.txt");
        let dir = std::env::temp_dir().join(format!("toadtop-crash-{}", std::process::id()));
        let path = write(&dir.join("nested"), &name, "report").expect("written");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "report");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(
            write(&dir.join("nested"), &name, "again").is_err(),
            "never overwritten"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
