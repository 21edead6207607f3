//! Command line: flags, and how profile/region/endpoint resolve (flag, then the AWS CLI's
//! environment variables, then the config file, then the AWS profile's own config).

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::aws::AwsSettings;
use crate::config::Config;
use crate::duration::parse_duration;

#[derive(Debug, Clone, Parser)]
#[command(
    name = "toadtop",
    version,
    about = "A terminal UI for Laravel services on AWS ECS Fargate",
    after_help = "Environment: AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL behave as in the AWS CLI.\nKeys: press ? in the TUI."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// AWS profile (else AWS_PROFILE, else `profile` in the config, else default).
    #[arg(long, global = true)]
    pub profile: Option<String>,
    /// AWS region (else AWS_REGION / AWS_DEFAULT_REGION, config, the profile's region).
    #[arg(long, global = true)]
    pub region: Option<String>,
    /// Endpoint for every AWS call, e.g. a local test server (else AWS_ENDPOINT_URL).
    #[arg(long, value_name = "URL", global = true)]
    pub endpoint_url: Option<String>,
    /// Cluster to show; repeat for several. Names or globs. Replaces `clusters` in config.
    #[arg(long = "cluster", value_name = "NAME")]
    pub clusters: Vec<String>,
    /// Config file (default: the platform config dir, e.g. ~/.config/toadtop/config.toml).
    #[arg(long, value_name = "PATH", global = true)]
    pub config: Option<PathBuf>,
    /// Refuse every action that changes AWS resources.
    #[arg(long, global = true)]
    pub read_only: bool,
    /// Seconds between automatic refreshes.
    #[arg(long, value_name = "SECS", value_parser = parse_refresh)]
    pub refresh: Option<u64>,
    /// Print one snapshot and exit, without the TUI.
    #[arg(long)]
    pub once: bool,
    /// Snapshot format for --once.
    #[arg(long, value_enum, requires = "once")]
    pub output: Option<Output>,
    /// Give --once at most this long (30s, 2m), retries included; on expiry it exits 4
    /// naming the calls still waiting.
    #[arg(long, value_name = "DURATION", value_parser = parse_limit, requires = "once")]
    pub timeout: Option<Duration>,
    /// Print the number of AWS API calls per operation to stderr on exit (and what the
    /// disk caches spared).
    #[arg(long, global = true)]
    pub stats: bool,
    /// Neither read nor write the disk caches (task-definition revisions, scan findings):
    /// every revision and scan is read from AWS.
    #[arg(long, global = true)]
    pub no_cache: bool,
    /// Write a diagnostic log, never to the terminal: to PATH, else `log_file` from the
    /// config, else <data dir>/toadtop.log. Off unless given (or set in the config).
    #[arg(long, value_name = "PATH", require_equals = true, global = true)]
    pub log_file: Option<Option<PathBuf>>,
    /// Detail of the diagnostic log (else TOADTOP_LOG, else `log_level` in the config,
    /// else info). AWS SDK events stay at warn below trace.
    #[arg(long, value_enum, value_name = "LEVEL", global = true)]
    pub log_level: Option<crate::logfile::LogLevel>,
}

#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Print a service's CloudWatch logs, Laravel-aware, like `aws logs tail`.
    Logs(LogsArgs),
    /// Swap images into a new task-definition revision, update the service, watch the rollout.
    Deploy(DeployArgs),
    /// Run the migration task (the service's task definition once, with RUN_MIGRATIONS=1).
    Migrate(MigrateArgs),
    /// Point the service back at an earlier revision and watch the rollout.
    Rollback(RollbackArgs),
    /// Open a shell (or run COMMAND) in a container with ECS Exec.
    Exec(ExecArgs),
    /// Check why ECS Exec would fail for a task, with fixes.
    Doctor(DoctorArgs),
    /// Forward a local port through a task to a host it reaches (RDS, Redis) or to the
    /// container's own port, with SSM port forwarding; ends on Ctrl-C or SIGTERM.
    Forward(ForwardArgs),
    /// Evaluate the alert rules every interval and print one line per event (alert
    /// raised/updated/resolved, deployment started/completed/failed); optionally run a
    /// command for each.
    Watch(WatchArgs),
    /// Print a shell completion script (see the README for where it goes).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), or write one page per command into --dir.
    Man {
        /// Write toadtop.1 and toadtop-<command>.1 here instead of printing toadtop.1.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Args)]
pub struct ExecArgs {
    #[arg(long)]
    pub cluster: String,
    /// Exec into the newest running task of this service…
    #[arg(long, required_unless_present = "task", conflicts_with = "task")]
    pub service: Option<String>,
    /// …or into this task (id or unique prefix).
    #[arg(long)]
    pub task: Option<String>,
    /// Container (default from config, else php, else the first).
    #[arg(long)]
    pub container: Option<String>,
    /// The command (default: the configured shell, /bin/sh).
    #[arg(last = true)]
    pub command: Vec<String>,
}

#[derive(Debug, Clone, Args)]
pub struct ForwardArgs {
    #[arg(long)]
    pub cluster: String,
    /// Through the newest running task of this service…
    #[arg(long, required_unless_present = "task", conflicts_with = "task")]
    pub service: Option<String>,
    /// …or through this task (id or unique prefix).
    #[arg(long)]
    pub task: Option<String>,
    /// Container (default from config, else php, else the first).
    #[arg(long)]
    pub container: Option<String>,
    /// Host the task reaches (an RDS endpoint, say); omitted: a port of the container.
    #[arg(long, value_name = "HOST")]
    pub remote_host: Option<String>,
    #[arg(long, value_name = "PORT", value_parser = clap::value_parser!(u16).range(1..))]
    pub remote_port: u16,
    /// Local port on 127.0.0.1 (omitted: a free one, printed).
    #[arg(long, value_name = "PORT", value_parser = clap::value_parser!(u16).range(1..))]
    pub local_port: Option<u16>,
}

#[derive(Debug, Clone, Args)]
pub struct DoctorArgs {
    #[arg(long)]
    pub cluster: String,
    /// Task id or unique prefix.
    #[arg(long)]
    pub task: String,
    #[arg(long)]
    pub container: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    pub output: LogOutput,
}

#[derive(Debug, Clone, Args)]
pub struct DeployArgs {
    #[arg(long)]
    pub cluster: String,
    #[arg(long)]
    pub service: String,
    /// CONTAINER=IMAGE (repeatable); CONTAINER=:TAG keeps the repository.
    #[arg(long = "image", value_name = "CONTAINER=IMAGE", required = true)]
    pub images: Vec<String>,
    /// Run the migration task on the new revision first; a failure stops the deploy.
    #[arg(long)]
    pub migrate: bool,
    /// Give up watching after this long (the rollout itself goes on in ECS).
    #[arg(long, default_value = "15m", value_parser = parse_duration)]
    pub timeout: Duration,
    /// More failed tasks than this fails the deploy.
    #[arg(long, default_value_t = 3)]
    pub max_failed_tasks: i32,
    /// Return after UpdateService, without watching.
    #[arg(long)]
    pub no_wait: bool,
    /// Print what would be registered, and the new images' scan findings; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Refuse the deploy (exit 3, before anything is registered) when a new image has
    /// scan findings at or above SEVERITY (CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL) or
    /// its scan cannot be read.
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    pub fail_on: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    pub output: LogOutput,
    /// How often to poll while watching (tests shorten it).
    #[arg(long, default_value = "5s", value_parser = parse_duration, hide = true)]
    pub poll_every: Duration,
}

fn parse_severity(s: &str) -> Result<String, String> {
    crate::ops::deploy::findings::parse_severity(s)
}

#[derive(Debug, Clone, Args)]
pub struct MigrateArgs {
    #[arg(long)]
    pub cluster: String,
    #[arg(long)]
    pub service: String,
    /// Container to override (default from config, else php).
    #[arg(long)]
    pub container: Option<String>,
    /// KEY=VALUE for the container (repeatable; replaces the configured env). A bare KEY
    /// takes its value from toadtop's own environment, keeping it out of `ps`.
    #[arg(long = "env", value_name = "KEY[=VALUE]")]
    pub env: Vec<String>,
    /// Command override, e.g. "php artisan migrate --force --isolated".
    #[arg(long)]
    pub command: Option<String>,
    #[arg(long, value_parser = parse_duration)]
    pub timeout: Option<Duration>,
    #[arg(long, value_enum, default_value = "text")]
    pub output: LogOutput,
    #[arg(long, default_value = "3s", value_parser = parse_duration, hide = true)]
    pub poll_every: Duration,
}

#[derive(Debug, Clone, Args)]
pub struct RollbackArgs {
    #[arg(long)]
    pub cluster: String,
    #[arg(long)]
    pub service: String,
    /// family:revision or ARN (default: the newest active revision before the current one).
    #[arg(long)]
    pub to: Option<String>,
    #[arg(long, default_value = "15m", value_parser = parse_duration)]
    pub timeout: Duration,
    #[arg(long, value_enum, default_value = "text")]
    pub output: LogOutput,
    #[arg(long, default_value = "5s", value_parser = parse_duration, hide = true)]
    pub poll_every: Duration,
}

#[derive(Debug, Clone, Args)]
pub struct LogsArgs {
    #[arg(long)]
    pub cluster: String,
    #[arg(long)]
    pub service: String,
    /// One task: its id or a unique prefix of it.
    #[arg(long)]
    pub task: Option<String>,
    /// One container (of every task, unless --task).
    #[arg(long)]
    pub container: Option<String>,
    /// How far back to start: 30s, 10m, 2h, 1d.
    #[arg(long, default_value = "10m", value_parser = parse_duration)]
    pub since: Duration,
    /// Keep printing new lines (live tail, else polling); new tasks join.
    #[arg(long, short = 'f')]
    pub follow: bool,
    /// Only records at or above this level (debug, info, notice, warning, error, critical).
    #[arg(long, value_parser = parse_level)]
    pub level: Option<crate::logs::Level>,
    #[arg(long, value_enum, default_value = "text")]
    pub output: LogOutput,
    /// Poll FilterLogEvents instead of trying StartLiveTail first.
    #[arg(long)]
    pub no_live_tail: bool,
    /// The backfill (--since up to now) stops after this many events, and says so.
    #[arg(long, default_value_t = 200_000, value_parser = clap::value_parser!(usize))]
    pub max_events: usize,
    /// The backfill stops after this many MiB of messages, and says so.
    #[arg(long, default_value_t = 256)]
    pub max_mib: usize,
    /// How often --follow looks for new tasks of the service (tests shorten it).
    #[arg(long, default_value = "20s", value_parser = parse_duration, hide = true)]
    pub replan_every: Duration,
}

#[derive(Debug, Clone, Args)]
pub struct WatchArgs {
    /// Cluster to watch; repeat for several. Names or globs (default: `clusters` in the
    /// config, else every cluster).
    #[arg(long = "cluster", value_name = "NAME")]
    pub clusters: Vec<String>,
    /// Time between looks (30s, 2m; 500ms). Metrics are fetched at most once a minute.
    #[arg(long, default_value = "30s", value_parser = parse_interval)]
    pub interval: Duration,
    #[arg(long, value_enum, default_value = "text")]
    pub output: LogOutput,
    /// Only events at or above this level (watch_degraded/recovered always show).
    #[arg(long, value_enum, default_value = "info")]
    pub min_level: MinLevel,
    /// Run CMD with `sh -c` for each event: the JSON line on stdin, TOADTOP_EVENT,
    /// TOADTOP_LEVEL, TOADTOP_CLUSTER, TOADTOP_SERVICE, TOADTOP_MESSAGE in its environment.
    #[arg(long, value_name = "CMD")]
    pub exec: Option<String>,
    /// Kill an --exec command that runs longer than this.
    #[arg(long, default_value = "10s", value_parser = parse_limit)]
    pub timeout_exec: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MinLevel {
    Info,
    Warning,
    Critical,
}

impl MinLevel {
    pub fn level(self) -> crate::alerts::Level {
        match self {
            MinLevel::Info => crate::alerts::Level::Info,
            MinLevel::Warning => crate::alerts::Level::Warning,
            MinLevel::Critical => crate::alerts::Level::Critical,
        }
    }
}

/// `--interval`: a duration (30s, 2m) or milliseconds (`500ms`), at least 100ms.
fn parse_interval(text: &str) -> Result<Duration, String> {
    let d = match text.trim().strip_suffix("ms") {
        Some(ms) => ms
            .parse::<u64>()
            .map(Duration::from_millis)
            .map_err(|_| format!("`{text}` is not a duration (use e.g. 500ms, 30s, 2m)"))?,
        None => parse_duration(text)?,
    };
    if d < Duration::from_millis(100) {
        return Err("must be at least 100ms".into());
    }
    Ok(d)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogOutput {
    Text,
    Json,
}

/// `--refresh`: whole seconds, at least 1.
fn parse_refresh(text: &str) -> Result<u64, String> {
    match text.trim().parse::<u64>() {
        Ok(0) => Err("must be at least 1 second".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("`{text}` is not a number of seconds")),
    }
}

/// A duration that is not zero (a zero limit could never be met).
fn parse_limit(text: &str) -> Result<Duration, String> {
    parse_duration(text).and_then(|d| {
        if d.is_zero() {
            Err("must be more than 0s".into())
        } else {
            Ok(d)
        }
    })
}

fn parse_level(text: &str) -> Result<crate::logs::Level, String> {
    crate::logs::Level::parse(text)
        .ok_or_else(|| format!("unknown level `{text}` (debug, info, notice, warning, error, critical, alert, emergency)"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    Table,
    Json,
}

/// The precedence lives here, beside the flags it reads; the type is the AWS layer's.
impl AwsSettings {
    pub fn resolve(cli: &Cli, config: &Config, env: impl Fn(&str) -> Option<String>) -> Self {
        let env = |k: &str| env(k).filter(|v| !v.is_empty());
        AwsSettings {
            profile: cli
                .profile
                .clone()
                .or_else(|| env("AWS_PROFILE"))
                .or_else(|| config.profile.clone()),
            region: cli
                .region
                .clone()
                .or_else(|| env("AWS_REGION"))
                .or_else(|| env("AWS_DEFAULT_REGION"))
                .or_else(|| config.region.clone()),
            endpoint_url: cli.endpoint_url.clone().or_else(|| env("AWS_ENDPOINT_URL")),
        }
    }
}

/// The run's effective settings once config and flags are merged.
#[derive(Debug, Clone)]
pub struct Settings {
    pub aws: AwsSettings,
    pub config: Config,
    pub read_only: bool,
    pub refresh_secs: u64,
}

impl Settings {
    pub fn merge(cli: &Cli, mut config: Config, env: impl Fn(&str) -> Option<String>) -> Self {
        if !cli.clusters.is_empty() {
            config.clusters = cli.clusters.clone();
        }
        Settings {
            aws: AwsSettings::resolve(cli, &config, env),
            read_only: cli.read_only || config.read_only,
            refresh_secs: cli.refresh.unwrap_or(config.refresh_secs),
            config,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cli(args: &[&str]) -> Cli {
        Cli::try_parse_from(std::iter::once("toadtop").chain(args.iter().copied())).unwrap()
    }

    #[test]
    fn flag_beats_env_beats_config() {
        let config = Config {
            profile: Some("cfg".into()),
            region: Some("eu-west-1".into()),
            ..Config::default()
        };
        let env = |k: &str| match k {
            "AWS_PROFILE" => Some("envp".to_string()),
            "AWS_DEFAULT_REGION" => Some("us-west-2".to_string()),
            _ => None,
        };
        let s = AwsSettings::resolve(&cli(&[]), &config, env);
        assert_eq!(s.profile.as_deref(), Some("envp"));
        assert_eq!(s.region.as_deref(), Some("us-west-2"));
        let s = AwsSettings::resolve(
            &cli(&["--profile", "flag", "--region", "ap-south-1"]),
            &config,
            env,
        );
        assert_eq!(s.profile.as_deref(), Some("flag"));
        assert_eq!(s.region.as_deref(), Some("ap-south-1"));
        let s = AwsSettings::resolve(&cli(&[]), &config, |_| None);
        assert_eq!(s.profile.as_deref(), Some("cfg"));
        assert_eq!(s.region.as_deref(), Some("eu-west-1"));
        assert_eq!(s.endpoint_url, None);
    }

    #[test]
    fn merge_flags_over_config() {
        let config = Config {
            clusters: vec!["staging".into()],
            refresh_secs: 30,
            ..Config::default()
        };
        let s = Settings::merge(
            &cli(&["--cluster", "production", "--refresh", "5", "--read-only"]),
            config,
            |_| None,
        );
        assert_eq!(s.config.clusters, vec!["production".to_string()]);
        assert_eq!(s.refresh_secs, 5);
        assert!(s.read_only);
    }

    #[test]
    fn logs_args() {
        let c = cli(&[
            "logs",
            "--cluster",
            "production",
            "--service",
            "web",
            "-f",
            "--level",
            "error",
            "--region",
            "eu-west-1",
        ]);
        let Some(Command::Logs(a)) = c.command else {
            panic!("logs subcommand")
        };
        assert!(a.follow);
        assert_eq!(a.level, Some(crate::logs::Level::Error));
        assert_eq!(a.since, Duration::from_secs(600));
        assert_eq!(c.region.as_deref(), Some("eu-west-1"));
    }

    #[test]
    fn log_file_takes_its_path_only_after_equals() {
        assert_eq!(cli(&[]).log_file, None);
        assert_eq!(cli(&["--log-file"]).log_file, Some(None));
        assert_eq!(
            cli(&["--log-file=/tmp/t.log"]).log_file,
            Some(Some(PathBuf::from("/tmp/t.log")))
        );
        // A bare word after it is the command, not a path.
        let c = cli(&["--log-file", "logs", "--cluster", "c", "--service", "s"]);
        assert_eq!(c.log_file, Some(None));
        assert!(matches!(c.command, Some(Command::Logs(_))));
        let c = cli(&["--log-level", "trace"]);
        assert_eq!(c.log_level, Some(crate::logfile::LogLevel::Trace));
    }

    #[test]
    fn watch_args() {
        let c = cli(&[
            "watch",
            "--cluster",
            "prod*",
            "--interval",
            "500ms",
            "--min-level",
            "critical",
        ]);
        let Some(Command::Watch(a)) = c.command else {
            panic!("watch subcommand")
        };
        assert_eq!(a.clusters, vec!["prod*".to_string()]);
        assert_eq!(a.interval, Duration::from_millis(500));
        assert_eq!(a.min_level, MinLevel::Critical);
        assert_eq!(a.timeout_exec, Duration::from_secs(10));
        let Some(Command::Watch(a)) = cli(&["watch"]).command else {
            panic!("watch subcommand")
        };
        assert_eq!(a.interval, Duration::from_secs(30));
        assert_eq!(a.output, LogOutput::Text);
        assert!(parse_interval("0").is_err());
        assert!(parse_interval("50ms").is_err());
        assert!(parse_interval("xms").is_err());
        assert_eq!(parse_interval("2m"), Ok(Duration::from_secs(120)));
    }

    #[test]
    fn output_needs_once_and_refresh_must_be_positive() {
        let parse =
            |a: &[&str]| Cli::try_parse_from(std::iter::once("toadtop").chain(a.iter().copied()));
        assert!(parse(&["--output", "json"]).is_err());
        assert!(parse(&["--once", "--output", "json"]).is_ok());
        let e = parse(&["--refresh", "0"]).unwrap_err().to_string();
        assert!(e.contains("at least 1 second"), "{e}");
        assert!(parse(&["--refresh", "x"]).is_err());
        assert!(parse(&["--once", "--output", "yaml"]).is_err());
        assert!(parse(&["--timeout", "5s"]).is_err());
        assert!(parse(&["--once", "--timeout", "0"]).is_err());
        let c = parse(&["--once", "--timeout", "2m"]).unwrap();
        assert_eq!(c.timeout, Some(Duration::from_secs(120)));
    }
}
