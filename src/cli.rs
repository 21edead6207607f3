//! Command line: flags, and how profile/region/endpoint resolve (flag, then the AWS CLI's
//! environment variables, then the config file, then the AWS profile's own config).

use std::path::PathBuf;

use clap::{Parser, ValueEnum};

use crate::config::Config;

#[derive(Debug, Clone, Parser)]
#[command(
    name = "toadtop",
    version,
    about = "A terminal UI for Laravel services on AWS ECS Fargate",
    after_help = "Environment: AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL behave as in the AWS CLI.\nKeys: press ? in the TUI."
)]
pub struct Cli {
    /// AWS profile (else AWS_PROFILE, else `profile` in the config, else default).
    #[arg(long)]
    pub profile: Option<String>,
    /// AWS region (else AWS_REGION / AWS_DEFAULT_REGION, config, the profile's region).
    #[arg(long)]
    pub region: Option<String>,
    /// Endpoint for every AWS call, e.g. a local test server (else AWS_ENDPOINT_URL).
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Cluster to show; repeat for several. Names or globs. Replaces `clusters` in config.
    #[arg(long = "cluster", value_name = "NAME")]
    pub clusters: Vec<String>,
    /// Config file (default: the platform config dir, e.g. ~/.config/toadtop/config.toml).
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Refuse every action that changes AWS resources.
    #[arg(long)]
    pub read_only: bool,
    /// Seconds between automatic refreshes.
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..))]
    pub refresh: Option<u64>,
    /// Print one snapshot and exit, without the TUI.
    #[arg(long)]
    pub once: bool,
    /// Snapshot format for --once.
    #[arg(long, value_enum, requires = "once")]
    pub output: Option<Output>,
    /// Print the number of AWS API calls per operation to stderr on exit.
    #[arg(long)]
    pub stats: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    Table,
    Json,
}

/// Where AWS calls go, after applying precedence. `None` leaves the choice to aws-config
/// (which reads the profile's config, SSO included).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AwsSettings {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
}

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
    fn output_needs_once_and_refresh_must_be_positive() {
        let parse =
            |a: &[&str]| Cli::try_parse_from(std::iter::once("toadtop").chain(a.iter().copied()));
        assert!(parse(&["--output", "json"]).is_err());
        assert!(parse(&["--once", "--output", "json"]).is_ok());
        assert!(parse(&["--refresh", "0"]).is_err());
        assert!(parse(&["--once", "--output", "yaml"]).is_err());
    }
}
