//! The TOML config file: defaults, clusters to show, refresh, keys, colours and
//! per-service settings. Every key is documented in `config.example.toml`.

pub mod keymap;
pub mod theme;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

pub use keymap::{Action, KeyBinding, Keymap};
pub use theme::{Colors, ThemeSettings};

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// AWS profile when neither `--profile` nor `AWS_PROFILE` is set.
    pub profile: Option<String>,
    /// AWS region when neither `--region` nor `AWS_REGION` is set.
    pub region: Option<String>,
    /// Cluster names or globs (`staging-*`); empty shows every cluster.
    pub clusters: Vec<String>,
    /// Seconds between automatic refreshes.
    pub refresh_secs: u64,
    /// Start in read-only mode, as if `--read-only` were given.
    pub read_only: bool,
    /// Click selects, double-click drills in, the wheel scrolls. `false` leaves the mouse
    /// to the terminal (text selection without holding shift).
    pub mouse: bool,
    /// Write the diagnostic log here, as if `--log-file=PATH` were given.
    pub log_file: Option<PathBuf>,
    /// Detail of the diagnostic log when `--log-level` / `TOADTOP_LOG` are not set.
    pub log_level: Option<crate::logfile::LogLevel>,
    /// Per-action key lists replacing the defaults.
    pub keys: BTreeMap<Action, Vec<KeyBinding>>,
    pub theme: ThemeSettings,
    pub logs: LogsSettings,
    pub exec: ExecGlobal,
    pub alerts: AlertSettings,
    pub audit: AuditSettings,
    pub findings: FindingsSettings,
    /// Keyed by service name (`web`, any cluster) or `cluster/service`.
    pub services: BTreeMap<String, ServiceSettings>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            profile: None,
            region: None,
            clusters: Vec::new(),
            refresh_secs: 10,
            read_only: false,
            mouse: true,
            log_file: None,
            log_level: None,
            keys: BTreeMap::new(),
            theme: ThemeSettings::default(),
            logs: LogsSettings::default(),
            exec: ExecGlobal::default(),
            alerts: AlertSettings::default(),
            audit: AuditSettings::default(),
            findings: FindingsSettings::default(),
            services: BTreeMap::new(),
        }
    }
}

/// Thresholds of the alerts pane.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AlertSettings {
    /// Findings at or above this severity in running images alert.
    pub min_severity: String,
    pub cpu_max_percent: f64,
    pub memory_max_percent: f64,
    /// A deployment IN_PROGRESS longer than this alerts.
    pub deployment_in_progress_minutes: u64,
}

impl Default for AlertSettings {
    fn default() -> Self {
        AlertSettings {
            min_severity: "CRITICAL".into(),
            cpu_max_percent: 90.0,
            memory_max_percent: 90.0,
            deployment_in_progress_minutes: 30,
        }
    }
}

/// Scan findings, kept by image digest in the cache dir.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FindingsSettings {
    /// Minutes a digest's findings are reused from disk before they are read again
    /// (0: always read; the TUI still keeps them for its session).
    pub cache_minutes: u64,
}

impl Default for FindingsSettings {
    fn default() -> Self {
        FindingsSettings { cache_minutes: 10 }
    }
}

/// The audit log of mutating actions.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuditSettings {
    /// Refuse an action whose `start` line cannot be written. Unset: on, unless
    /// toadtop runs read-only (see [`Config::audit_required`]).
    pub required: Option<bool>,
}

impl Config {
    /// `[audit] required`, defaulting to on: a change to production that leaves no
    /// record is worse than one refused until the disk or the directory is fixed. Off by
    /// default under read-only, where nothing mutating runs except an exec allowed by
    /// `[exec] allow_in_read_only`, typically from accounts whose home is not writable.
    pub fn audit_required(&self, read_only: bool) -> bool {
        self.audit.required.unwrap_or(!read_only)
    }
}

/// ECS Exec for every service.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExecGlobal {
    /// Path or name of session-manager-plugin (default: found on PATH).
    pub plugin: Option<String>,
    /// Exec changes containers, so --read-only refuses it unless this is true.
    pub allow_in_read_only: bool,
    /// Forbid exec altogether.
    pub disabled: bool,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogsSettings {
    pub buffer_records: usize,
    #[serde(deserialize_with = "duration_text")]
    pub since: std::time::Duration,
    pub live_tail: bool,
}

impl Default for LogsSettings {
    fn default() -> Self {
        LogsSettings {
            buffer_records: 50_000,
            since: std::time::Duration::from_secs(600),
            live_tail: true,
        }
    }
}

fn duration_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<std::time::Duration, D::Error> {
    let text = String::deserialize(d)?;
    crate::duration::parse_duration(&text).map_err(serde::de::Error::custom)
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServiceSettings {
    pub migration: MigrationSettings,
    pub exec: ExecSettings,
    /// Port-forward presets by name (`db = { host = "...", port = 3306, local = 13306 }`).
    pub forwards: BTreeMap<String, ForwardPreset>,
}

/// A port forward the `F` form offers for a service.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForwardPreset {
    /// A host the task reaches (an RDS endpoint); omitted: a port of the container.
    pub host: Option<String>,
    pub port: u16,
    /// Local port (omitted: a free one).
    pub local: Option<u16>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MigrationSettings {
    pub container: String,
    pub env: BTreeMap<String, String>,
    /// Command override; empty keeps the image's command.
    pub command: Vec<String>,
    pub timeout_minutes: u64,
    /// `--timeout` of `toadtop migrate`, to the second (not a config key).
    #[serde(skip)]
    pub timeout_override: Option<std::time::Duration>,
}

impl Default for MigrationSettings {
    fn default() -> Self {
        MigrationSettings {
            container: "php".into(),
            env: BTreeMap::from([("RUN_MIGRATIONS".to_string(), "1".to_string())]),
            command: Vec::new(),
            timeout_minutes: 30,
            timeout_override: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExecSettings {
    pub container: String,
    pub shell: String,
    pub quick_commands: Vec<String>,
}

impl Default for ExecSettings {
    fn default() -> Self {
        ExecSettings {
            container: "php".into(),
            shell: "/bin/sh".into(),
            quick_commands: Vec::new(),
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ConfigError {
    #[error("cannot read config {path}: {reason}")]
    Read { path: PathBuf, reason: String },
    #[error("config {path}, line {line}{key}: {message}")]
    Invalid {
        path: PathBuf,
        line: usize,
        key: String,
        message: String,
    },
}

impl Config {
    /// The platform's default config path (`~/.config/toadtop/config.toml` on Linux).
    pub fn default_path() -> Option<PathBuf> {
        directories::ProjectDirs::from("", "", "toadtop")
            .map(|d| d.config_dir().join("config.toml"))
    }

    /// The platform's data dir (`~/.local/share/toadtop` on Linux): the audit log and
    /// the diagnostic log live there.
    pub fn data_dir() -> Option<PathBuf> {
        directories::ProjectDirs::from("", "", "toadtop").map(|d| d.data_dir().to_path_buf())
    }

    /// Loads `path`; a missing file at the default location means defaults, while a
    /// missing file the user named explicitly is an error.
    pub fn load(path: &Path, explicit: bool) -> Result<Config, ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Config::parse(&text, path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => {
                Ok(Config::default())
            }
            Err(e) => Err(ConfigError::Read {
                path: path.to_path_buf(),
                reason: e.to_string(),
            }),
        }
    }

    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            let line = line_at(text, offset);
            let key = key_on_line(text, line)
                .map(|k| format!(" (key `{k}`)"))
                .unwrap_or_default();
            // toml puts what it expected on a second line: one line reads better on stderr.
            let message: Vec<&str> = e
                .message()
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect();
            // toml has no words for some errors at the very end (`x = ` and nothing after).
            let message = match message.join("; ") {
                m if !m.is_empty() => m,
                _ if offset >= text.trim_end().len() => "the file ends too early".to_string(),
                _ => "invalid TOML".to_string(),
            };
            ConfigError::Invalid {
                path: path.to_path_buf(),
                line,
                key,
                message,
            }
        })?;
        if config.logs.buffer_records == 0 {
            return Err(ConfigError::Invalid {
                path: path.to_path_buf(),
                line: line_of_key(text, "buffer_records").unwrap_or(1),
                key: " (key `buffer_records`)".into(),
                message: "must be at least 1".into(),
            });
        }
        // A week at most: findings change as new CVEs are published.
        if config.findings.cache_minutes > 7 * 24 * 60 {
            return Err(ConfigError::Invalid {
                path: path.to_path_buf(),
                line: line_of_key(text, "cache_minutes").unwrap_or(1),
                key: " (key `cache_minutes`)".into(),
                message: "must be at most 10080 (a week)".into(),
            });
        }
        if config.refresh_secs == 0 {
            return Err(ConfigError::Invalid {
                path: path.to_path_buf(),
                line: line_of_key(text, "refresh_secs").unwrap_or(1),
                key: " (key `refresh_secs`)".into(),
                message: "must be at least 1 second".into(),
            });
        }
        Ok(config)
    }

    pub fn keymap(&self) -> Keymap {
        Keymap::with_overrides(&self.keys)
    }

    /// Settings for a service: `cluster/service` wins over `service`, else defaults.
    pub fn service(&self, cluster: &str, service: &str) -> ServiceSettings {
        self.services
            .get(&format!("{cluster}/{service}"))
            .or_else(|| self.services.get(service))
            .cloned()
            .unwrap_or_default()
    }

    /// Whether a cluster is shown, by the `clusters` names/globs (empty: all).
    pub fn shows_cluster(&self, name: &str) -> bool {
        self.clusters.is_empty() || self.clusters.iter().any(|p| glob_match(p, name))
    }
}

/// The 1-based line of byte `offset`, always one the file has: an error at the very end
/// (after the last newline) belongs to the last line, and an empty file has line 1.
fn line_at(text: &str, offset: usize) -> usize {
    let b = text.as_bytes();
    let line = b[..offset.min(b.len())]
        .iter()
        .filter(|&&c| c == b'\n')
        .count()
        + 1;
    line.min(text.lines().count().max(1))
}

fn key_on_line(text: &str, line: usize) -> Option<String> {
    let l = text.lines().nth(line.checked_sub(1)?)?.trim();
    if l.starts_with('[') {
        return Some(l.trim_matches(|c| c == '[' || c == ']').trim().to_string());
    }
    let (key, _) = l.split_once('=')?;
    Some(key.trim().to_string())
}

fn line_of_key(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| l.split_once('=').is_some_and(|(k, _)| k.trim() == key))
        .map(|i| i + 1)
}

/// Shell-style glob with `*` and `?`, whole-string match.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod props_tests;

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, Path::new("/tmp/t.toml"))
    }

    #[test]
    fn example_file_is_the_defaults_plus_examples() {
        let text = include_str!("../../config.example.toml");
        let config = parse(text).expect("example parses");
        assert_eq!(config.refresh_secs, 10);
        assert_eq!(config.theme.resolve(false), Colors::default());
        let web = config.service("production", "web");
        assert_eq!(web.migration.container, "php");
        assert_eq!(web.exec.shell, "/bin/sh");
    }

    #[test]
    fn empty_is_default() {
        assert_eq!(parse("").unwrap(), Config::default());
    }

    #[test]
    fn unknown_key_names_line_and_key() {
        let err = parse("refresh_secs = 5\n\nrefresh = 3\n").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("line 3"), "{text}");
        assert!(text.contains("`refresh`"), "{text}");
        assert!(text.contains("/tmp/t.toml"), "{text}");
    }

    #[test]
    fn wrong_type_names_line_and_key() {
        let err = parse("# c\nrefresh_secs = \"ten\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 2"), "{err}");
        assert!(err.contains("refresh_secs"), "{err}");
        let err = parse("[theme]\nok = \"blurple\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 2") && err.contains("blurple"), "{err}");
        let err = parse("[keys]\nquit = [\"nope\"]\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 2") && err.contains("nope"), "{err}");
        let err = parse("refresh_secs = 0\n").unwrap_err().to_string();
        assert!(err.contains("line 1") && err.contains("at least"), "{err}");
    }

    #[test]
    fn syntax_errors_are_one_line_on_a_line_that_exists() {
        let err = parse("refresh_secs = 5\n[theme\n").unwrap_err().to_string();
        assert!(err.contains("line 2") && err.contains("`theme`"), "{err}");
        assert!(!err.contains('\n'), "one line: {err}");
        // A value missing at the very end: the last line, not one past it.
        let err = parse("# c\nrefresh_secs =\n").unwrap_err().to_string();
        assert!(err.contains("line 2"), "{err}");
        // toml gives no message at all for this one.
        let err = parse("x = ").unwrap_err().to_string();
        assert!(
            err.ends_with("line 1 (key `x`): the file ends too early"),
            "{err}"
        );
        assert_eq!(line_at("", 0), 1);
        assert_eq!(line_at("a\n", 2), 1);
        assert_eq!(line_at("a\nb", 3), 2);
        assert_eq!(line_at("a\n\n\n", 99), 3);
    }

    #[test]
    fn findings_cache_minutes() {
        assert_eq!(Config::default().findings.cache_minutes, 10);
        let c = parse("[findings]\ncache_minutes = 0\n").unwrap();
        assert_eq!(c.findings.cache_minutes, 0);
        let err = parse("# c\n[findings]\ncache_minutes = -1\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("line 3") && err.contains("cache_minutes"),
            "{err}"
        );
        let err = parse("[findings]\n\ncache_minutes = 20000\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 3") && err.contains("at most"), "{err}");
        let err = parse("[findings]\ncache = 5\n").unwrap_err().to_string();
        assert!(err.contains("line 2") && err.contains("`cache`"), "{err}");
    }

    #[test]
    fn log_keys() {
        let c = parse("log_file = \"/var/tmp/toadtop.log\"\nlog_level = \"debug\"\n").unwrap();
        assert_eq!(c.log_file, Some(PathBuf::from("/var/tmp/toadtop.log")));
        assert_eq!(c.log_level, Some(crate::logfile::LogLevel::Debug));
        let err = parse("# c\nlog_level = \"loud\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 2") && err.contains("log_level"), "{err}");
        assert!(err.contains("loud") && err.contains("trace"), "{err}");
    }

    #[test]
    fn service_settings_prefer_cluster_specific() {
        let c = parse(
            "[services.web.exec]\nshell = \"/bin/bash\"\n[services.\"staging/web\".exec]\nshell = \"/bin/ash\"\n",
        )
        .unwrap();
        assert_eq!(c.service("production", "web").exec.shell, "/bin/bash");
        assert_eq!(c.service("staging", "web").exec.shell, "/bin/ash");
        assert_eq!(c.service("staging", "worker").exec.shell, "/bin/sh");
    }

    #[test]
    fn key_overrides() {
        let c = parse("[keys]\nquit = [\"x\", \"ctrl-q\"]\n").unwrap();
        assert_eq!(c.keymap().label(Action::Quit), "x");
    }

    #[test]
    fn globs() {
        assert!(glob_match("staging-*", "staging-eu"));
        assert!(glob_match("*", ""));
        assert!(glob_match("prod?", "prod1"));
        assert!(!glob_match("production", "production-eu"));
        assert!(glob_match("*-eu", "production-eu"));
        assert!(!glob_match("staging-*", "production"));
        let c = parse("clusters = [\"prod*\"]").unwrap();
        assert!(c.shows_cluster("production") && !c.shows_cluster("staging"));
    }

    #[test]
    fn missing_default_file_is_defaults_but_explicit_is_error() {
        let p = Path::new("/nonexistent/toadtop.toml");
        assert_eq!(Config::load(p, false).unwrap(), Config::default());
        assert!(matches!(
            Config::load(p, true),
            Err(ConfigError::Read { .. })
        ));
    }
}
