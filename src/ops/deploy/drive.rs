//! Carrying out deploys and the other service actions against AWS, step by step, with
//! progress reported as it happens. Each failure names its step and what state the
//! service was left in.

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use super::plan::{plan_swap, preview};
use super::watch::{judge, retry_delay, sent_but_unseen, Verdict, Watch};
use crate::aws::ecs_write::{self, ServiceUpdate};
use crate::aws::error::AwsErrorKind;
use crate::aws::{AwsContext, AwsError};
use crate::config::MigrationSettings;
use crate::domain::{family_revision, Service};
use crate::ops::interrupt::{mark, Mark};
use crate::ops::migrate::{migrate, MigrateRequest};
use crate::ops::progress::{say, Outcome, Reporter, Result_, Step, Tone};
use crate::timefmt::Timestamp;

#[derive(Debug, Clone, PartialEq)]
pub struct WatchSettings {
    pub timeout: Duration,
    pub max_failed_tasks: i32,
    pub poll_every: Duration,
}

impl Default for WatchSettings {
    fn default() -> Self {
        WatchSettings {
            timeout: Duration::from_secs(15 * 60),
            max_failed_tasks: 3,
            poll_every: Duration::from_secs(5),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct DeployRequest {
    pub cluster: String,
    pub service: String,
    /// (container, new image)
    pub images: Vec<(String, String)>,
    /// Run the migration task on the new revision before updating the service.
    pub migrate_first: Option<MigrationSettings>,
    pub watch: WatchSettings,
    /// Stop after UpdateService (headless `--no-wait`).
    pub no_wait: bool,
    /// The task-definition ARN the confirmed preview was made from (the TUI): if the
    /// service runs another one by the time the deploy starts, it stops before
    /// registering anything. Revisions are immutable, so the same ARN and the same images
    /// register exactly what the preview showed.
    pub expect_running: Option<String>,
}

/// Everything before the first change: the service, the revision it runs, the swap and
/// its preview. `--dry-run` and the TUI's preview stop here.
pub struct Prepared {
    pub service: Service,
    pub source: ecs_write::TaskDefinitionSource,
    pub images: BTreeMap<String, String>,
    pub preview: Vec<String>,
}

pub async fn prepare(ctx: &AwsContext, req: &DeployRequest) -> Result<Prepared, String> {
    try_prepare(ctx, req).await.map_err(|e| e.to_string())
}

/// Why a deploy could not be prepared.
#[derive(Debug, Clone, PartialEq)]
pub enum PrepareError {
    /// A describe call failed (the cluster or service may not exist: see [`Self::is_bad_input`]).
    Aws(AwsError),
    /// The request does not fit the running revision: an unknown container, a malformed
    /// image, or nothing that would change.
    Plan(String),
    /// The service runs another revision than the confirmed preview was made from.
    Stale(String),
}

impl PrepareError {
    /// The operator named something that is not there or asked for nothing: a correction,
    /// not a failure of AWS.
    pub fn is_bad_input(&self) -> bool {
        match self {
            PrepareError::Plan(_) => true,
            PrepareError::Stale(_) => false,
            PrepareError::Aws(e) => e.kind == AwsErrorKind::NotFound,
        }
    }
}

impl std::fmt::Display for PrepareError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PrepareError::Aws(e) => e.fmt(f),
            PrepareError::Plan(m) | PrepareError::Stale(m) => f.write_str(m),
        }
    }
}

/// [`prepare`] with the reason kept apart, so a headless deploy can refuse bad input
/// before it writes an audit line.
pub async fn try_prepare(ctx: &AwsContext, req: &DeployRequest) -> Result<Prepared, PrepareError> {
    let service = ecs_write::describe_service(ctx, &req.cluster, &req.service)
        .await
        .map_err(PrepareError::Aws)?;
    if let Some(expected) = &req.expect_running {
        if let Some(why) = stale(expected, &service.task_definition_arn) {
            return Err(PrepareError::Stale(format!(
                "{why}: nothing was registered; look again and deploy anew"
            )));
        }
    }
    let source = ecs_write::describe_task_definition_source(ctx, &service.task_definition_arn)
        .await
        .map_err(PrepareError::Aws)?;
    let changes = plan_swap(&source.domain, &req.images).map_err(PrepareError::Plan)?;
    let preview = preview(&source.domain, &changes);
    let images = changes.into_iter().map(|c| (c.container, c.to)).collect();
    Ok(Prepared {
        service,
        source,
        images,
        preview,
    })
}

/// Why a confirmed action must not go on: the service runs `running`, not the `expected`
/// revision its confirmation showed. `None` when they are the same.
pub fn stale(expected: &str, running: &str) -> Option<String> {
    (expected != running).then(|| {
        format!(
            "the service now runs {}, not {} as the confirmation showed",
            family_revision(running),
            family_revision(expected)
        )
    })
}

pub async fn deploy(ctx: &AwsContext, req: &DeployRequest, report: &Reporter) -> Outcome {
    let started = Instant::now();
    say(
        report,
        Tone::Step,
        format!("describe: {}/{}", req.cluster, req.service),
    );
    match prepare(ctx, req).await {
        Ok(p) => deploy_prepared(ctx, req, p, report).await,
        Err(e) => {
            let mut o = Outcome::new("deploy", &req.cluster, &req.service).fail(
                Step::Describe,
                e,
                "nothing was changed",
            );
            o.duration_secs = started.elapsed().as_secs_f64();
            o
        }
    }
}

/// The deploy from the register step on, for a swap already prepared (and shown).
pub async fn deploy_prepared(
    ctx: &AwsContext,
    req: &DeployRequest,
    p: Prepared,
    report: &Reporter,
) -> Outcome {
    let started = Instant::now();
    let mut out = Outcome::new("deploy", &req.cluster, &req.service);
    let finish = |mut o: Outcome| {
        o.duration_secs = started.elapsed().as_secs_f64();
        o
    };
    let old = p.service.task_definition_arn.clone();
    out.old_revision = Some(family_revision(&old));
    out.images = Some(p.images.clone());
    for line in &p.preview {
        say(report, Tone::Info, line.clone());
    }

    say(
        report,
        Tone::Step,
        "register: a copy of the running revision with the new images",
    );
    mark(report, Mark::Sending("RegisterTaskDefinition"));
    let new_td = match ecs_write::register_with_images(ctx, &p.source, &p.images).await {
        Ok(td) => td,
        Err(e) => return finish(out.fail(Step::Register, e.to_string(), "nothing was changed")),
    };
    let new = new_td.arn.clone();
    out.new_revision = Some(family_revision(&new));
    mark(report, Mark::Registered(family_revision(&new)));
    say(
        report,
        Tone::Good,
        format!("register: {} registered", family_revision(&new)),
    );

    if let Some(settings) = &req.migrate_first {
        let mreq = MigrateRequest {
            service: p.service.clone(),
            task_definition: new_td.clone(),
            settings: settings.clone(),
            poll_every: req.watch.poll_every.min(Duration::from_secs(3)),
        };
        let state = format!(
            "the service is untouched (still {}); {} is registered but unused",
            family_revision(&old),
            family_revision(&new)
        );
        match migrate(ctx, &mreq, report).await {
            Ok(m) => {
                out.task = Some(crate::domain::arn_tail(&m.task_arn).to_string());
                out.containers = m.containers.clone();
                if !m.succeeded {
                    let result = m.failure();
                    let mut o = out.fail(Step::Migrate, m.reason.unwrap_or_default(), state);
                    o.result = result;
                    return finish(o);
                }
                say(report, Tone::Good, "migrate: succeeded");
            }
            Err(e) => return finish(out.fail(Step::Migrate, e, state)),
        }
    }

    say(
        report,
        Tone::Step,
        format!(
            "update: {} → {}",
            family_revision(&old),
            family_revision(&new)
        ),
    );
    let update = ServiceUpdate {
        task_definition: Some(new.clone()),
        ..ServiceUpdate::default()
    };
    mark(report, Mark::Sending("UpdateService"));
    let updated = match ecs_write::update_service(ctx, &req.cluster, &req.service, &update).await {
        Ok(s) => s,
        Err(e) => {
            let state = format!(
                "the service was not updated (still {})",
                family_revision(&old)
            );
            return finish(out.fail(Step::Update, e.to_string(), state));
        }
    };
    let deployment_id = updated
        .deployments
        .iter()
        .find(|d| d.status == "PRIMARY" && d.task_definition_arn == new)
        .map(|d| d.id.clone());
    out.deployment_id = deployment_id.clone();
    mark(
        report,
        Mark::Updated {
            deployment_id: deployment_id.clone(),
            revision: family_revision(&new),
            desired: None,
        },
    );
    if req.no_wait {
        say(
            report,
            Tone::Good,
            "update: done; not waiting for the rollout (--no-wait)",
        );
        out.service_state = Some(format!("rolling out {}", family_revision(&new)));
        return finish(out);
    }
    let watch = Watch {
        deployment_id,
        task_definition: new.clone(),
        started_ms: Timestamp::now().millis(),
        timeout: req.watch.timeout,
        max_failed_tasks: req.watch.max_failed_tasks,
    };
    let out = watch_rollout(
        ctx,
        &req.cluster,
        &req.service,
        &watch,
        &req.watch,
        report,
        out,
        &old,
    )
    .await;
    finish(out)
}

/// Polls the service until `judge` decides, reporting deployment progress and new events.
#[allow(clippy::too_many_arguments)]
pub async fn watch_rollout(
    ctx: &AwsContext,
    cluster: &str,
    service: &str,
    watch: &Watch,
    settings: &WatchSettings,
    report: &Reporter,
    mut out: Outcome,
    previous: &str,
) -> Outcome {
    say(
        report,
        Tone::Step,
        format!(
            "rollout: watching (timeout {}s)",
            settings.timeout.as_secs()
        ),
    );
    let mut seen_events: HashSet<String> = HashSet::new();
    let mut first = true;
    let mut last_summary = String::new();
    let deadline_ms = watch.started_ms + settings.timeout.as_millis() as i64;
    let mut failures = 0;
    loop {
        let svc = match ecs_write::describe_service(ctx, cluster, service).await {
            Ok(s) => s,
            Err(e) => {
                // The update went out; only its progress is unknown. Ask again, less often
                // the longer AWS stays away, until the rollout's own deadline.
                failures += 1;
                let reason = format!("could not confirm the rollout: {e}");
                let Some(wait) = retry_wait(settings, failures, deadline_ms) else {
                    return out.unconfirmed(Step::Rollout, reason, sent_but_unseen(watch));
                };
                say(
                    report,
                    Tone::Bad,
                    format!("rollout: {reason}; retrying in {}", secs(wait)),
                );
                tokio::time::sleep(wait).await;
                continue;
            }
        };
        if failures > 0 {
            say(
                report,
                Tone::Info,
                format!(
                    "rollout: DescribeServices answers again (after {failures} failed {}); watching",
                    if failures == 1 { "try" } else { "tries" }
                ),
            );
            failures = 0;
        }
        // Events newer than the deploy; on the first look only mark what is there.
        for e in svc.events.iter().rev() {
            if seen_events.insert(e.id.clone()) && !first {
                say(
                    report,
                    Tone::Info,
                    format!("event: {}", crate::safety::sanitize(&e.message)),
                );
            }
        }
        first = false;
        match judge(watch, &svc, Timestamp::now().millis()) {
            Verdict::Waiting(summary) => {
                if summary != last_summary {
                    say(report, Tone::Info, format!("rollout: {summary}"));
                    last_summary = summary;
                }
            }
            Verdict::Succeeded => {
                say(
                    report,
                    Tone::Good,
                    format!(
                        "rollout: COMPLETED on {}",
                        family_revision(&watch.task_definition)
                    ),
                );
                out.service_state = Some(format!(
                    "running {}",
                    family_revision(&watch.task_definition)
                ));
                return out;
            }
            Verdict::Failed(reason) => {
                let primary = svc
                    .primary_deployment()
                    .map(|d| d.task_definition_arn.clone());
                // The circuit breaker may already have put the old revision back.
                if primary.as_deref() == Some(previous) {
                    let state = format!(
                        "ECS already rolled back: the service runs {} again",
                        family_revision(previous)
                    );
                    let mut o = out.fail(Step::Rollout, reason, state);
                    o.rolled_back = true;
                    return o;
                }
                let state = format!(
                    "the service's primary deployment runs {}; the previous revision was {}",
                    primary.as_deref().map_or("?".into(), family_revision),
                    family_revision(previous)
                );
                return out.fail(Step::Rollout, reason, state);
            }
            Verdict::TimedOut(reason) => {
                let state = format!(
                    "the rollout goes on in ECS; the previous revision was {}",
                    family_revision(previous)
                );
                let mut o = out.fail(Step::Rollout, reason, state);
                o.result = Result_::TimedOut;
                return o;
            }
        }
        tokio::time::sleep(settings.poll_every).await;
    }
}

/// The wait before the next try after `failures` failed ones, cut short by the deadline;
/// `None` once the deadline has passed.
fn retry_wait(settings: &WatchSettings, failures: u32, deadline_ms: i64) -> Option<Duration> {
    let left = deadline_ms - Timestamp::now().millis();
    (left > 0)
        .then(|| retry_delay(settings.poll_every, failures).min(Duration::from_millis(left as u64)))
}

/// `3s`, rounded up (a wait under a second is still "1s", never "0s").
fn secs(d: Duration) -> String {
    crate::timefmt::short_duration(d.as_millis().div_ceil(1000) as i64)
}

/// Roll back (to `to`), restart (force a new deployment) or scale, then watch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceAction {
    Rollback { to: String },
    Restart,
    Scale { desired: i32 },
}

pub async fn run_action(
    ctx: &AwsContext,
    cluster: &str,
    service: &str,
    action: &ServiceAction,
    settings: &WatchSettings,
    report: &Reporter,
) -> Outcome {
    let started = Instant::now();
    let name = match action {
        ServiceAction::Rollback { .. } => "rollback",
        ServiceAction::Restart => "restart",
        ServiceAction::Scale { .. } => "scale",
    };
    let mut out = Outcome::new(name, cluster, service);
    let before = match ecs_write::describe_service(ctx, cluster, service).await {
        Ok(s) => s,
        Err(e) => {
            let mut o = out.fail(Step::Describe, e.to_string(), "nothing was changed");
            o.duration_secs = started.elapsed().as_secs_f64();
            return o;
        }
    };
    out.old_revision = Some(before.family_revision());
    let update = match action {
        ServiceAction::Rollback { to } => ServiceUpdate {
            task_definition: Some(to.clone()),
            ..ServiceUpdate::default()
        },
        ServiceAction::Restart => ServiceUpdate {
            force_new_deployment: true,
            ..ServiceUpdate::default()
        },
        ServiceAction::Scale { desired } => ServiceUpdate {
            desired_count: Some(*desired),
            ..ServiceUpdate::default()
        },
    };
    say(
        report,
        Tone::Step,
        format!("update: {name} {cluster}/{service}"),
    );
    mark(report, Mark::Sending("UpdateService"));
    let updated = match ecs_write::update_service(ctx, cluster, service, &update).await {
        Ok(s) => s,
        Err(e) => {
            let mut o = out.fail(
                Step::Update,
                e.to_string(),
                format!("unchanged ({})", before.family_revision()),
            );
            o.duration_secs = started.elapsed().as_secs_f64();
            return o;
        }
    };
    let td = updated.task_definition_arn.clone();
    out.new_revision = Some(family_revision(&td));
    let primary = updated.primary_deployment().cloned();
    out.deployment_id = primary.as_ref().map(|d| d.id.clone());
    mark(
        report,
        Mark::Updated {
            deployment_id: out.deployment_id.clone(),
            revision: family_revision(&td),
            desired: match action {
                ServiceAction::Scale { desired } => Some(*desired),
                _ => None,
            },
        },
    );
    let previous = before.task_definition_arn.clone();
    let out = match action {
        // Scaling keeps the deployment: done when the counts match.
        ServiceAction::Scale { desired } => {
            say(
                report,
                Tone::Good,
                format!("update: desired count {} → {desired}", before.desired),
            );
            wait_for_count(ctx, cluster, service, *desired, settings, report, out).await
        }
        _ => {
            let watch = Watch {
                deployment_id: primary.map(|d| d.id),
                task_definition: td,
                started_ms: Timestamp::now().millis(),
                timeout: settings.timeout,
                max_failed_tasks: settings.max_failed_tasks,
            };
            watch_rollout(
                ctx, cluster, service, &watch, settings, report, out, &previous,
            )
            .await
        }
    };
    Outcome {
        duration_secs: started.elapsed().as_secs_f64(),
        ..out
    }
}

async fn wait_for_count(
    ctx: &AwsContext,
    cluster: &str,
    service: &str,
    desired: i32,
    settings: &WatchSettings,
    report: &Reporter,
    out: Outcome,
) -> Outcome {
    let started = Instant::now();
    let deadline_ms = Timestamp::now().millis() + settings.timeout.as_millis() as i64;
    let mut last = (-1, -1);
    let mut failures = 0;
    loop {
        match ecs_write::describe_service(ctx, cluster, service).await {
            Ok(s) => {
                failures = 0;
                if (s.running, s.pending) != last {
                    say(
                        report,
                        Tone::Info,
                        format!(
                            "scale: running {} pending {} of {desired}",
                            s.running, s.pending
                        ),
                    );
                    last = (s.running, s.pending);
                }
                if s.running == desired && s.pending == 0 {
                    say(report, Tone::Good, format!("scale: {desired} running"));
                    return Outcome {
                        service_state: Some(format!("{desired} tasks desired and running")),
                        ..out
                    };
                }
            }
            Err(e) => {
                failures += 1;
                let reason = format!("could not confirm the running count: {e}");
                let Some(wait) = retry_wait(settings, failures, deadline_ms) else {
                    let state = format!(
                        "the desired count {desired} was sent; check with `toadtop --once` or the console"
                    );
                    return out.unconfirmed(Step::Rollout, reason, state);
                };
                say(
                    report,
                    Tone::Bad,
                    format!("scale: {reason}; retrying in {}", secs(wait)),
                );
                tokio::time::sleep(wait).await;
                continue;
            }
        }
        if started.elapsed() > settings.timeout {
            let mut o = out.fail(
                Step::Rollout,
                format!(
                    "running count did not reach {desired} in {}s",
                    settings.timeout.as_secs()
                ),
                format!("desired count is {desired}; ECS keeps trying"),
            );
            o.result = Result_::TimedOut;
            return o;
        }
        tokio::time::sleep(settings.poll_every).await;
    }
}

/// Stops one task and reports its final state.
pub async fn stop_task(
    ctx: &AwsContext,
    cluster: &str,
    service: &str,
    task_arn: &str,
    report: &Reporter,
) -> Outcome {
    let started = Instant::now();
    let mut out = Outcome::new("stop-task", cluster, service);
    out.task = Some(crate::domain::arn_tail(task_arn).to_string());
    say(
        report,
        Tone::Step,
        format!(
            "stop-task: {}",
            crate::domain::short_task_id(crate::domain::arn_tail(task_arn))
        ),
    );
    mark(report, Mark::Sending("StopTask"));
    let out = match ecs_write::stop_task(ctx, cluster, task_arn, "Stopped by toadtop").await {
        Ok(t) => {
            mark(report, Mark::TaskStopSent(t.id.clone()));
            say(
                report,
                Tone::Good,
                format!(
                    "stop-task: {} is {} (desired {})",
                    crate::domain::short_task_id(&t.id),
                    t.last_status,
                    t.desired_status
                ),
            );
            Outcome {
                service_state: Some(
                    "the service starts a replacement if it is below its desired count".into(),
                ),
                ..out
            }
        }
        Err(e) => out.fail(Step::StopTask, e.to_string(), "the task was not stopped"),
    };
    Outcome {
        duration_secs: started.elapsed().as_secs_f64(),
        ..out
    }
}
