//! The migration task: one task of the service's task definition (or a new revision)
//! with the service's network and launch settings and the configured overrides, followed
//! to STOPPED with its logs; success only when every essential container exited 0.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, watch};

use super::logs::follow::FollowOptions;
use super::logs::{follow, FollowEvent, FollowMode, LogPlan, LogSource};
use super::progress::{say, ContainerExit, Progress, Reporter, Tone};
use crate::aws::ecs_write::{self, RunTaskSpec};
use crate::aws::AwsContext;
use crate::config::MigrationSettings;
use crate::domain::{short_task_id, Service, TaskDefinition};
use crate::timefmt::Timestamp;

#[derive(Debug, Clone)]
pub struct MigrateRequest {
    pub service: Service,
    /// The revision to run: the service's, or the one a deploy just registered.
    pub task_definition: TaskDefinition,
    pub settings: MigrationSettings,
    pub poll_every: Duration,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MigrationResult {
    pub task_arn: String,
    pub succeeded: bool,
    pub timed_out: bool,
    /// AWS stopped answering until the timeout: the task was started, its end not seen.
    pub unconfirmed: bool,
    /// Why it failed, in words (None on success).
    pub reason: Option<String>,
    pub containers: Vec<ContainerExit>,
}

impl MigrationResult {
    /// How the action ends when the migration did not succeed (failed, timed out, unconfirmed).
    pub fn failure(&self) -> super::progress::Result_ {
        use super::progress::Result_;
        match (self.unconfirmed, self.timed_out) {
            (true, _) => Result_::Unconfirmed,
            (_, true) => Result_::TimedOut,
            _ => Result_::Failed,
        }
    }
}

/// The RunTask input for a migration: pure, so the overrides are unit-tested.
pub fn run_spec(req: &MigrateRequest) -> Result<RunTaskSpec, String> {
    let s = &req.settings;
    if req.task_definition.container(&s.container).is_none() {
        let names: Vec<&str> = req
            .task_definition
            .containers
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        return Err(format!(
            "{}:{} has no container `{}` for migrations (containers: {}); set [services.{}.migration] container",
            req.task_definition.family,
            req.task_definition.revision,
            s.container,
            names.join(", "),
            req.service.name
        ));
    }
    let launch_type = (!req.service.launch_type.is_empty()
        && req.service.capacity_provider_strategy.is_empty())
    .then(|| req.service.launch_type.clone());
    Ok(RunTaskSpec {
        cluster: req.service.cluster.clone(),
        task_definition: req.task_definition.arn.clone(),
        network: req.service.network.clone(),
        launch_type,
        capacity_provider_strategy: req.service.capacity_provider_strategy.clone(),
        platform_version: req.service.platform_version.clone(),
        container: s.container.clone(),
        environment: s.env.clone(),
        command: s.command.clone(),
        started_by: started_by(local_user().as_deref()),
        // RunTask's default, `family:<family>`: the group CI's migration tasks have too.
        group: None,
    })
}

/// RunTask's limit on `startedBy`.
const STARTED_BY_MAX: usize = 128;

/// `startedBy` of the migration tasks toadtop runs: `toadtop/<user>`, or `toadtop` when the
/// local user is unknown, so the standalone tasks list can tell them from CI's. RunTask
/// takes up to 128 letters, digits, hyphens, underscores and slashes: any other character
/// of the user name becomes `_`, and a long name is cut.
pub fn started_by(user: Option<&str>) -> String {
    let mut out = String::from("toadtop");
    let Some(user) = user.map(str::trim).filter(|u| !u.is_empty()) else {
        return out;
    };
    out.push('/');
    for c in user.chars() {
        if out.len() >= STARTED_BY_MAX {
            break;
        }
        out.push(
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/') {
                c
            } else {
                '_'
            },
        );
    }
    out
}

/// The local login name, as the shell knows it.
fn local_user() -> Option<String> {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .ok()
}

pub async fn migrate(
    ctx: &AwsContext,
    req: &MigrateRequest,
    report: &Reporter,
) -> Result<MigrationResult, String> {
    let spec = run_spec(req)?;
    let env: Vec<String> = spec
        .environment
        .iter()
        .map(|(k, v)| format!("{k}={}", crate::safety::mask_env(k, v)))
        .collect();
    say(
        report,
        Tone::Step,
        format!(
            "migrate: running {}:{} container {} with {}{}",
            req.task_definition.family,
            req.task_definition.revision,
            spec.container,
            env.join(" "),
            if spec.command.is_empty() {
                String::new()
            } else {
                format!(
                    ", command `{}`",
                    crate::safety::mask_command(&spec.command).join(" ")
                )
            }
        ),
    );
    super::interrupt::mark(report, super::interrupt::Mark::Sending("RunTask"));
    let task = ecs_write::run_task(ctx, &spec)
        .await
        .map_err(|e| e.to_string())?;
    super::interrupt::mark(report, super::interrupt::Mark::TaskStarted(task.id.clone()));
    say(
        report,
        Tone::Info,
        format!("migrate: task {} started", short_task_id(&task.id)),
    );

    // Its logs stream into the report while it runs.
    let (plan_tx, plan_rx) =
        watch::channel(log_plan(&req.task_definition, &task.id, &req.service.arn));
    let (ltx, mut lrx) = mpsc::unbounded_channel();
    let since = Timestamp::now().millis() - 60_000;
    let follower = tokio::spawn(follow(
        ctx.clone(),
        plan_rx,
        FollowOptions {
            since_ms: since,
            follow: true,
            live_tail: true,
        },
        ltx,
    ));
    let log_report = Arc::clone(report);
    let polling = Arc::new(AtomicBool::new(false));
    let polling_seen = Arc::clone(&polling);
    let forwarder = tokio::spawn(async move {
        while let Some(ev) = lrx.recv().await {
            match ev {
                FollowEvent::Lines(lines) => {
                    for l in lines {
                        log_report(Progress::Log(l));
                    }
                }
                FollowEvent::Mode(m) => {
                    polling_seen.store(matches!(m, FollowMode::Polling { .. }), Ordering::Relaxed)
                }
                FollowEvent::Error(_) | FollowEvent::CaughtUp => {}
            }
        }
    });

    let started = Instant::now();
    let timeout = req
        .settings
        .timeout_override
        .unwrap_or_else(|| Duration::from_secs(req.settings.timeout_minutes.max(1) * 60));
    let mut last_status = String::new();
    let result = loop {
        tokio::time::sleep(req.poll_every).await;
        let t = match ecs_write::describe_task(ctx, &spec.cluster, &task.arn).await {
            Ok(Some(t)) => t,
            Ok(None) => break Err(format!("task {} disappeared", short_task_id(&task.id))),
            // A failed poll is not a failed migration: say so and poll again, until the
            // timeout; then say what was started rather than how it ended.
            Err(e) => {
                let over = started.elapsed() > timeout;
                let next = if over {
                    "the timeout has passed"
                } else {
                    "retrying"
                };
                say(report, Tone::Bad, format!("migrate: {e}; {next}"));
                if over {
                    break Ok(MigrationResult {
                        task_arn: task.arn.clone(),
                        succeeded: false,
                        timed_out: false,
                        unconfirmed: true,
                        reason: Some(format!(
                            "could not confirm the migration: {e}; task {} was started: check it with `toadtop --once` or the console",
                            short_task_id(&task.id)
                        )),
                        containers: Vec::new(),
                    });
                }
                continue;
            }
        };
        if t.last_status != last_status {
            say(
                report,
                Tone::Info,
                format!("migrate: task {} {}", short_task_id(&t.id), t.last_status),
            );
            last_status = t.last_status.clone();
        }
        if t.last_status == "STOPPED" {
            super::interrupt::mark(report, super::interrupt::Mark::TaskStopped);
            let containers: Vec<ContainerExit> = t
                .containers
                .iter()
                .map(|c| ContainerExit {
                    name: c.name.clone(),
                    essential: req
                        .task_definition
                        .container(&c.name)
                        .is_none_or(|d| d.essential),
                    exit_code: c.exit_code,
                    reason: c.reason.clone(),
                })
                .collect();
            let bad: Vec<String> = containers
                .iter()
                .filter(|c| c.essential && c.exit_code != Some(0))
                .map(|c| match c.exit_code {
                    Some(code) => format!("{} exited {code}", c.name),
                    None => format!("{} has no exit code", c.name),
                })
                .collect();
            let reason = (!bad.is_empty()).then(|| {
                format!(
                    "{} (stopped: {})",
                    bad.join(", "),
                    t.stopped_reason.as_deref().unwrap_or("no reason given")
                )
            });
            break Ok(MigrationResult {
                task_arn: t.arn.clone(),
                succeeded: bad.is_empty(),
                timed_out: false,
                unconfirmed: false,
                reason,
                containers,
            });
        }
        if started.elapsed() > timeout {
            break Ok(MigrationResult {
                task_arn: task.arn.clone(),
                succeeded: false,
                timed_out: true,
                unconfirmed: false,
                reason: Some(format!(
                    "still {} after {}; the task keeps running (stop it with `s` or wait)",
                    t.last_status,
                    crate::timefmt::short_duration(timeout.as_secs() as i64)
                )),
                containers: Vec::new(),
            });
        }
    };
    // One last look for lines written just before the stop (a failure's error among
    // them). A polling follower's interval backs off on quiet streams (up to 8s), so wake
    // it to poll now; a plan change does that.
    if polling.load(Ordering::Relaxed) {
        plan_tx.send_modify(|_| {});
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    drop(plan_tx);
    follower.abort();
    forwarder.abort();
    if let Ok(r) = &result {
        for c in &r.containers {
            say(
                report,
                if c.exit_code == Some(0) || !c.essential {
                    Tone::Info
                } else {
                    Tone::Bad
                },
                format!(
                    "migrate: container {} exit {}{}",
                    c.name,
                    c.exit_code.map_or_else(|| "-".into(), |x| x.to_string()),
                    c.reason
                        .as_deref()
                        .map(|r| format!(" ({r})"))
                        .unwrap_or_default()
                ),
            );
        }
    }
    result
}

/// The migration task's own streams, from its task definition's awslogs settings.
fn log_plan(td: &TaskDefinition, task_id: &str, service_arn: &str) -> LogPlan {
    let task: Arc<str> = Arc::from(task_id);
    let mut sources: Vec<LogSource> = td
        .containers
        .iter()
        .filter_map(|c| {
            let l = c.awslogs.as_ref()?;
            Some(LogSource {
                group: l.group.clone(),
                stream: format!("{}/{}/{task_id}", l.stream_prefix.as_deref()?, c.name),
                task: Arc::clone(&task),
                container: Arc::from(c.name.as_str()),
            })
        })
        .collect();
    sources.sort();
    LogPlan {
        sources,
        unavailable: Vec::new(),
        account: service_arn.split(':').nth(4).map(str::to_string),
    }
}

/// Environment from `K=V` strings (headless `--env`).
/// `--env` arguments: `KEY=VALUE`, or a bare `KEY` whose value comes from `lookup`
/// (toadtop's own environment), so a secret need not be on the command line where `ps`
/// shows it.
pub fn parse_env(
    pairs: &[String],
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<BTreeMap<String, String>, String> {
    pairs
        .iter()
        .map(|p| match p.split_once('=') {
            Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
            None if !p.is_empty() => match lookup(p) {
                Some(v) => Ok((p.to_string(), v)),
                None => Err(format!(
                    "`{p}` is not KEY=VALUE and not set in toadtop's environment"
                )),
            },
            _ => Err(format!("`{p}` is not KEY=VALUE")),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;

    fn req() -> MigrateRequest {
        let detail = fixtures::production();
        let web = detail.services[1].clone();
        MigrateRequest {
            task_definition: web.task_definition.clone().unwrap(),
            service: web,
            settings: MigrationSettings::default(),
            poll_every: Duration::from_secs(3),
        }
    }

    #[test]
    fn run_spec_uses_the_service_network_and_overrides() {
        let mut r = req();
        r.settings.command = vec![
            "php".into(),
            "artisan".into(),
            "migrate".into(),
            "--force".into(),
        ];
        let spec = run_spec(&r).unwrap();
        assert_eq!(spec.container, "php");
        assert_eq!(
            spec.environment.get("RUN_MIGRATIONS").map(String::as_str),
            Some("1")
        );
        assert_eq!(spec.command.len(), 4);
        assert!(
            spec.started_by == "toadtop" || spec.started_by.starts_with("toadtop/"),
            "{}",
            spec.started_by
        );
        assert_eq!(spec.launch_type.as_deref(), Some("FARGATE"));
        assert_eq!(spec.platform_version.as_deref(), Some("LATEST"));
        assert_eq!(spec.network.as_ref().unwrap().subnets.len(), 2);
        assert!(spec.task_definition.ends_with("laravel-web:2"));
    }

    #[test]
    fn capacity_providers_replace_the_launch_type() {
        let mut r = req();
        r.service.capacity_provider_strategy = vec![crate::domain::CapacityProviderItem {
            provider: "FARGATE_SPOT".into(),
            weight: 1,
            base: 0,
        }];
        let spec = run_spec(&r).unwrap();
        assert_eq!(spec.launch_type, None);
        assert_eq!(spec.capacity_provider_strategy.len(), 1);
    }

    #[test]
    fn unknown_container_is_refused_with_the_fix() {
        let mut r = req();
        r.settings.container = "app".into();
        let e = run_spec(&r).unwrap_err();
        assert!(
            e.contains("no container `app`")
                && e.contains("php, nginx")
                && e.contains("[services.web.migration]"),
            "{e}"
        );
    }

    #[test]
    fn started_by_names_toadtop_and_fits_runtask() {
        assert_eq!(started_by(Some("alice")), "toadtop/alice");
        assert_eq!(started_by(None), "toadtop");
        assert_eq!(started_by(Some("  ")), "toadtop");
        // Only letters, digits, - _ / survive; the rest would make RunTask refuse the call.
        assert_eq!(started_by(Some("Jürgen M.@corp")), "toadtop/J_rgen_M__corp");
        assert_eq!(started_by(Some("DOMAIN\\bob")), "toadtop/DOMAIN_bob");
        let long = started_by(Some(&"x".repeat(500)));
        assert_eq!(long.len(), 128);
        assert!(long.starts_with("toadtop/xxx"));
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/');
        assert!(started_by(Some("a\u{1b}[31mb ✓")).chars().all(allowed));
    }

    #[test]
    fn env_pairs() {
        let none = |_: &str| None;
        assert_eq!(
            parse_env(&["A=1".into(), "B=x=y".into()], none)
                .unwrap()
                .get("B")
                .unwrap(),
            "x=y"
        );
        assert!(parse_env(&["=1".into()], none).is_err());
        assert!(parse_env(&["NOPE".into()], none).is_err());
        assert!(parse_env(&["".into()], |_| Some("x".into())).is_err());
        // A bare name takes its value from the environment given.
        let env = parse_env(&["DB_PASSWORD".into()], |k| {
            (k == "DB_PASSWORD").then(|| "from-env".to_string())
        })
        .unwrap();
        assert_eq!(env.get("DB_PASSWORD").map(String::as_str), Some("from-env"));
    }
}
