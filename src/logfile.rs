//! The opt-in diagnostic log (`--log-file`): tracing events appended to a plain file,
//! never to the terminal (the TUI owns it, and headless stdout/stderr must stay clean).
//! Off unless `--log-file` or `log_file` in the config asks for it.
//!
//! What is written: toadtop's own events at the chosen level (startup settings, AWS
//! operation names and failures, effects, actions, exec sessions; never credentials,
//! tokens or request bodies), and other crates' events (the AWS SDK, hyper, rustls) at
//! warn; with `trace` those crates go up to debug but never to their own trace, where
//! the SDK prints whole HTTP requests and responses: signed headers, session tokens
//! and the token of an ExecuteCommand session.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use clap::ValueEnum;
use serde::Deserialize;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::prelude::*;

/// The default file name, in the data dir next to the audit log.
pub const FILE_NAME: &str = "toadtop.log";

/// Detail of the log, as `--log-level`, `TOADTOP_LOG` and `log_level` in the config
/// spell it. Parsed by hand (not tracing's EnvFilter) to keep its regex engine out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

impl LogLevel {
    fn filter(self) -> LevelFilter {
        match self {
            LogLevel::Error => LevelFilter::ERROR,
            LogLevel::Warn => LevelFilter::WARN,
            LogLevel::Info => LevelFilter::INFO,
            LogLevel::Debug => LevelFilter::DEBUG,
            LogLevel::Trace => LevelFilter::TRACE,
        }
    }
}

/// Where the log goes, if anywhere. `--log-file=PATH` wins; `--log-file` alone takes
/// the config's `log_file`, else `default`; without the flag the config decides.
pub fn choose_path(
    flag: Option<Option<&Path>>,
    config: Option<&Path>,
    default: Option<PathBuf>,
) -> Option<PathBuf> {
    match flag {
        Some(Some(path)) => Some(path.to_path_buf()),
        Some(None) => config.map(Path::to_path_buf).or(default),
        None => config.map(Path::to_path_buf),
    }
}

/// The level: `--log-level`, then `TOADTOP_LOG`, then the config, then info. Read by
/// hand rather than by clap, so that a bad TOADTOP_LOG only matters when a log is
/// written (it must not break `toadtop completions`).
pub fn choose_level(
    flag: Option<LogLevel>,
    env: Option<&str>,
    config: Option<LogLevel>,
) -> Result<LogLevel, String> {
    if let Some(level) = flag {
        return Ok(level);
    }
    match env.map(str::trim).filter(|v| !v.is_empty()) {
        Some(text) => LogLevel::from_str(text, true).map_err(|_| {
            format!("TOADTOP_LOG: unknown level `{text}` (error, warn, info, debug, trace)")
        }),
        None => Ok(config.unwrap_or(LogLevel::Info)),
    }
}

/// `<data dir>/toadtop.log` (`~/.local/share/toadtop/toadtop.log` on Linux), given the
/// data dir: the caller finds it, so the log stays below the config that names its level.
pub fn default_path(data_dir: Option<PathBuf>) -> Option<PathBuf> {
    data_dir.map(|d| d.join(FILE_NAME))
}

/// Which events reach the file: toadtop's at `level`, other crates' capped (see the
/// module comment for why their trace level is never written).
pub fn targets(level: LogLevel) -> Targets {
    let others = match level {
        LogLevel::Trace => LevelFilter::DEBUG,
        other => other.filter().min(LevelFilter::WARN),
    };
    // "toadtop" is the crate name of both the library and the binary, so it prefixes
    // every module path of ours.
    Targets::new()
        .with_target("toadtop", level.filter())
        .with_default(others)
}

/// Opens `path` for appending (creating its directory; owner-only on Unix, since it
/// names accounts and resources) and installs the subscriber for the whole process.
pub fn init(path: &Path, level: LogLevel) -> Result<(), String> {
    let file = open(path).map_err(|e| format!("log file {}: {e}", path.display()))?;
    let layer = tracing_subscriber::fmt::layer()
        .with_ansi(false)
        // Volume is low (a few lines per refresh): a locked, unbuffered file is enough.
        .with_writer(Mutex::new(file));
    tracing_subscriber::registry()
        .with(layer)
        .with(targets(level))
        .try_init()
        .map_err(|e| format!("log file {}: {e}", path.display()))
}

/// New directories 0700, the file 0600 (an existing one narrowed), never through a
/// symbolic link: the README's example path is in `/tmp`, where anyone can plant one.
fn open(path: &Path) -> std::io::Result<File> {
    if let Some(dir) = path.parent() {
        crate::private_fs::ensure_dir(dir)?;
    }
    crate::private_fs::open_append(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing::Level;

    fn enabled(targets: &Targets, target: &str, level: Level) -> bool {
        targets.would_enable(target, &level)
    }

    #[test]
    fn flag_path_beats_config_beats_default() {
        let flag = Path::new("/tmp/flag.log");
        let config = Path::new("/tmp/config.log");
        let default = || Some(PathBuf::from("/data/toadtop.log"));
        assert_eq!(
            choose_path(Some(Some(flag)), Some(config), default()),
            Some(flag.to_path_buf())
        );
        assert_eq!(
            choose_path(Some(None), Some(config), default()),
            Some(config.to_path_buf())
        );
        assert_eq!(choose_path(Some(None), None, default()), default());
        assert_eq!(
            choose_path(None, Some(config), default()),
            Some(config.to_path_buf())
        );
        assert_eq!(choose_path(None, None, default()), None);
    }

    #[test]
    fn level_flag_beats_env_beats_config() {
        use LogLevel::*;
        assert_eq!(
            choose_level(Some(Warn), Some("debug"), Some(Error)),
            Ok(Warn)
        );
        assert_eq!(choose_level(None, Some("DEBUG"), Some(Error)), Ok(Debug));
        assert_eq!(choose_level(None, Some(""), Some(Error)), Ok(Error));
        assert_eq!(choose_level(None, None, None), Ok(Info));
        let err = choose_level(None, Some("loud"), None).unwrap_err();
        assert!(err.contains("TOADTOP_LOG") && err.contains("loud"), "{err}");
        // The flag wins even over a bad variable.
        assert_eq!(choose_level(Some(Trace), Some("loud"), None), Ok(Trace));
    }

    #[test]
    fn sdk_stays_at_warn_below_trace_and_never_logs_its_trace() {
        let debug = targets(LogLevel::Debug);
        assert!(enabled(&debug, "toadtop::aws::stats", Level::DEBUG));
        assert!(enabled(&debug, "toadtop", Level::DEBUG));
        assert!(!enabled(&debug, "toadtop::tui", Level::TRACE));
        assert!(enabled(&debug, "aws_smithy_runtime::client", Level::WARN));
        assert!(!enabled(&debug, "aws_smithy_runtime::client", Level::INFO));
        assert!(!enabled(&debug, "hyper_util::client", Level::DEBUG));

        let trace = targets(LogLevel::Trace);
        assert!(enabled(&trace, "toadtop::app", Level::TRACE));
        assert!(enabled(&trace, "aws_sigv4::http_request", Level::DEBUG));
        assert!(!enabled(&trace, "aws_sigv4::http_request", Level::TRACE));
        assert!(!enabled(&trace, "aws_smithy_runtime::client", Level::TRACE));

        let error = targets(LogLevel::Error);
        assert!(!enabled(&error, "aws_config", Level::WARN));
        assert!(!enabled(&error, "toadtop", Level::WARN));
        assert!(enabled(&error, "toadtop", Level::ERROR));
    }

    #[test]
    fn levels_parse_like_the_flag_and_the_config() {
        assert_eq!(LogLevel::from_str("debug", true), Ok(LogLevel::Debug));
        assert!(LogLevel::from_str("verbose", true).is_err());
        #[derive(Deserialize)]
        struct T {
            level: LogLevel,
        }
        let t: T = toml::from_str("level = \"trace\"").expect("parses");
        assert_eq!(t.level, LogLevel::Trace);
    }

    #[test]
    fn open_creates_the_directory_owner_only() {
        let dir = std::env::temp_dir().join(format!("toadtop-logfile-{}", std::process::id()));
        let path = dir.join("nested/toadtop.log");
        open(&path).expect("opens");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path)
                .expect("exists")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
