//! One mutating action as a value: what the TUI's confirm modal holds and the runtime
//! runs. `describe` is the confirmation text; `run` carries it out.

use super::deploy::{self, DeployRequest, ServiceAction, WatchSettings};
use super::migrate::{self, MigrateRequest};
use super::progress::{Outcome, Reporter, Step};
use crate::aws::{ecs_write, AwsContext};
use crate::config::MigrationSettings;
use crate::domain::{family_revision, short_task_id, TaskDefinition};

#[derive(Debug, Clone, PartialEq)]
pub enum JobRequest {
    Deploy(DeployRequest),
    Migrate {
        cluster: String,
        service: String,
        settings: MigrationSettings,
    },
    Restart {
        cluster: String,
        service: String,
    },
    /// `to`: family:revision or ARN; `None` is the newest active revision before the current.
    Rollback {
        cluster: String,
        service: String,
        to: Option<String>,
    },
    Scale {
        cluster: String,
        service: String,
        desired: i32,
    },
    StopTask {
        cluster: String,
        service: String,
        task_arn: String,
    },
}

impl JobRequest {
    pub fn verb(&self) -> &'static str {
        match self {
            JobRequest::Deploy(_) => "deploy",
            JobRequest::Migrate { .. } => "migrate",
            JobRequest::Restart { .. } => "restart",
            JobRequest::Rollback { .. } => "rollback",
            JobRequest::Scale { .. } => "scale",
            JobRequest::StopTask { .. } => "stop-task",
        }
    }

    pub fn target(&self) -> (&str, &str) {
        match self {
            JobRequest::Deploy(d) => (&d.cluster, &d.service),
            JobRequest::Migrate {
                cluster, service, ..
            }
            | JobRequest::Restart { cluster, service }
            | JobRequest::Rollback {
                cluster, service, ..
            }
            | JobRequest::Scale {
                cluster, service, ..
            }
            | JobRequest::StopTask {
                cluster, service, ..
            } => (cluster, service),
        }
    }

    /// What the action does, for its confirmation (the TUI puts account, service and
    /// revisions above it; deploys and rollbacks add their preview below).
    pub fn describe(&self, current_revision: &str) -> Vec<String> {
        match self {
            JobRequest::Deploy(d) => vec![if d.migrate_first.is_some() {
                "The migration task runs on the new revision first; if it fails the service is not updated.".into()
            } else {
                "No migration task first.".into()
            }],
            JobRequest::Migrate { settings, .. } => {
                let env: Vec<String> = settings
                    .env
                    .iter()
                    .map(|(k, v)| format!("{k}={}", crate::safety::mask_env(k, v)))
                    .collect();
                vec![
                    format!(
                        "Runs one migration task of {current_revision}, container {} with {}{}",
                        settings.container,
                        env.join(" "),
                        if settings.command.is_empty() {
                            String::new()
                        } else {
                            format!(
                                ", command `{}`",
                                crate::safety::mask_command(&settings.command).join(" ")
                            )
                        }
                    ),
                    format!(
                        "Followed to STOPPED (up to {} minutes); the service itself is not changed.",
                        settings.timeout_minutes
                    ),
                ]
            }
            JobRequest::Restart { .. } => {
                vec!["Forces a new deployment of the same revision: every task is replaced.".into()]
            }
            JobRequest::Rollback { to, .. } => vec![match to {
                Some(t) => format!("The service goes back to {}.", family_revision(t)),
                None => {
                    "The service goes back to the newest active revision before the current one."
                        .into()
                }
            }],
            JobRequest::Scale { desired: 0, .. } => {
                vec!["Every task of the service is stopped.".into()]
            }
            JobRequest::Scale { desired, .. } => {
                vec![format!("ECS starts or stops tasks until {desired} run.")]
            }
            JobRequest::StopTask { task_arn, .. } => vec![
                format!(
                    "Stops task {}.",
                    short_task_id(crate::domain::arn_tail(task_arn))
                ),
                "The service starts a replacement if it falls below its desired count.".into(),
            ],
        }
    }
}

/// What a confirmation shows, described from AWS just before it opens (deploys and
/// rollbacks): the revision the service runs, and what it will run.
#[derive(Debug, Clone, PartialEq)]
pub struct Preview {
    /// The task-definition ARN the service ran when described; the confirmed job checks
    /// it again before changing anything.
    pub running: String,
    /// A rollback's target (full ARN), once resolved.
    pub target: Option<String>,
    /// The account, from the service's ARN.
    pub account: Option<String>,
    pub lines: Vec<String>,
    /// (container, scan of its new image) for a deploy, from the findings pane's cache.
    pub findings: Vec<(String, crate::domain::ImageFindings)>,
}

/// Describes what a deploy or a rollback would do, changing nothing.
pub async fn preview(
    ctx: &AwsContext,
    job: &JobRequest,
    findings: &crate::aws::findings::FindingsCache,
) -> Result<Preview, String> {
    match job {
        JobRequest::Deploy(req) => {
            let p = deploy::prepare(ctx, req).await?;
            let findings = deploy::findings::load(ctx, &p.images, findings).await;
            Ok(Preview {
                running: p.service.task_definition_arn.clone(),
                target: None,
                account: crate::domain::account_of(&p.service.arn),
                lines: p.preview,
                findings,
            })
        }
        JobRequest::Rollback {
            cluster,
            service,
            to,
        } => {
            let svc = ecs_write::describe_service(ctx, cluster, service)
                .await
                .map_err(|e| e.to_string())?;
            let target = match to {
                Some(t) => t.clone(),
                None => previous_of(ctx, &svc.task_definition_arn).await?,
            };
            let describe = |arn: String| async move {
                ecs_write::describe_task_definition_source(ctx, &arn)
                    .await
                    .map(|s| s.domain)
                    .map_err(|e| e.to_string())
            };
            let from = describe(svc.task_definition_arn.clone()).await?;
            let to = describe(target).await?;
            if to.arn == from.arn {
                return Err(format!(
                    "the service already runs {}: nothing to roll back",
                    family_revision(&to.arn)
                ));
            }
            Ok(Preview {
                running: from.arn.clone(),
                target: Some(to.arn.clone()),
                account: crate::domain::account_of(&svc.arn),
                lines: rollback_lines(&from, &to),
                findings: Vec::new(),
            })
        }
        other => Err(format!("{} has no preview", other.verb())),
    }
}

/// A rollback's preview: the revisions, and each container's image before and after.
pub fn rollback_lines(from: &TaskDefinition, to: &TaskDefinition) -> Vec<String> {
    let mut out = vec![format!(
        "task definition {} → {} (an existing revision: nothing is registered)",
        family_revision(&from.arn),
        family_revision(&to.arn)
    )];
    for c in &to.containers {
        match from.container(&c.name) {
            Some(old) if old.image == c.image => out.push(format!(
                "  container {}: image {} (unchanged)",
                c.name, c.image
            )),
            Some(old) => {
                out.push(format!("  container {}:", c.name));
                out.push(format!("-   image: {}", old.image));
                out.push(format!("+   image: {}", c.image));
            }
            None => out.push(format!(
                "+ container {}: image {} (not in {})",
                c.name,
                c.image,
                family_revision(&from.arn)
            )),
        }
    }
    for c in &from.containers {
        if to.container(&c.name).is_none() {
            out.push(format!(
                "- container {}: image {} (not in {})",
                c.name,
                c.image,
                family_revision(&to.arn)
            ));
        }
    }
    out
}

/// The audit log's start line of `job`: what it is asked to do (`before`: the service's
/// revision when it was confirmed).
pub fn start_line(job: &JobRequest, before: Option<String>) -> Outcome {
    let (c, s) = job.target();
    let mut start = Outcome::new(job.verb(), c, s);
    start.old_revision = before;
    let command = |m: &MigrationSettings| (!m.command.is_empty()).then(|| m.command.join(" "));
    match job {
        JobRequest::Deploy(d) => {
            start.images = Some(d.images.iter().cloned().collect());
            start.command = d.migrate_first.as_ref().and_then(command);
        }
        JobRequest::Migrate { settings, .. } => start.command = command(settings),
        JobRequest::Rollback { to: Some(to), .. } => {
            start.new_revision = Some(family_revision(to));
        }
        JobRequest::StopTask { task_arn, .. } => {
            start.task = Some(crate::domain::arn_tail(task_arn).to_string());
        }
        JobRequest::Rollback { to: None, .. }
        | JobRequest::Restart { .. }
        | JobRequest::Scale { .. } => {}
    }
    start
}

/// Runs a confirmed action. `expect`: the task-definition ARN the confirmation showed the
/// service running; a deploy, rollback, restart or migration whose service runs another
/// one by now stops before changing anything (scale and stop-task do not depend on it).
pub async fn run(
    ctx: &AwsContext,
    job: &JobRequest,
    expect: Option<&str>,
    report: &Reporter,
) -> Outcome {
    if let Some(expected) = expect {
        match job {
            JobRequest::Deploy(req) => {
                // Checked by `prepare` on the same DescribeServices it builds from.
                let req = DeployRequest {
                    expect_running: Some(expected.to_string()),
                    ..req.clone()
                };
                return deploy::deploy(ctx, &req, report).await;
            }
            JobRequest::Rollback { .. }
            | JobRequest::Restart { .. }
            | JobRequest::Migrate { .. } => {
                if let Err(stopped) = check_running(ctx, job, expected).await {
                    return stopped;
                }
            }
            JobRequest::Scale { .. } | JobRequest::StopTask { .. } => {}
        }
    }
    run_unchecked(ctx, job, report).await
}

/// The service must still run `expected`.
async fn check_running(ctx: &AwsContext, job: &JobRequest, expected: &str) -> Result<(), Outcome> {
    let (c, s) = job.target();
    let fail = |reason: String| {
        Outcome::new(job.verb(), c, s).fail(Step::Describe, reason, "nothing was changed")
    };
    let svc = ecs_write::describe_service(ctx, c, s)
        .await
        .map_err(|e| fail(e.to_string()))?;
    match deploy::drive::stale(expected, &svc.task_definition_arn) {
        None => Ok(()),
        Some(why) => {
            let mut o = fail(format!("{why}; look again and confirm anew"));
            o.old_revision = Some(svc.family_revision());
            Err(o)
        }
    }
}

async fn run_unchecked(ctx: &AwsContext, job: &JobRequest, report: &Reporter) -> Outcome {
    let watch = WatchSettings::default();
    match job {
        JobRequest::Deploy(req) => deploy::deploy(ctx, req, report).await,
        JobRequest::Migrate {
            cluster,
            service,
            settings,
        } => {
            let started = std::time::Instant::now();
            let mut out = Outcome::new("migrate", cluster, service);
            let svc = match ecs_write::describe_service(ctx, cluster, service).await {
                Ok(s) => s,
                Err(e) => return out.fail(Step::Describe, e.to_string(), "nothing was changed"),
            };
            out.old_revision = Some(svc.family_revision());
            let td = match ecs_write::describe_task_definition_source(ctx, &svc.task_definition_arn)
                .await
            {
                Ok(s) => s.domain,
                Err(e) => return out.fail(Step::Describe, e.to_string(), "nothing was changed"),
            };
            let req = MigrateRequest {
                service: svc,
                task_definition: td,
                settings: settings.clone(),
                poll_every: std::time::Duration::from_secs(3),
            };
            let mut out = match migrate::migrate(ctx, &req, report).await {
                Ok(r) => {
                    out.task = Some(crate::domain::arn_tail(&r.task_arn).to_string());
                    let result = r.failure();
                    out.containers = r.containers;
                    if r.succeeded {
                        out.service_state = Some("the service is untouched".into());
                        out
                    } else {
                        let mut o = out.fail(
                            Step::Migrate,
                            r.reason.unwrap_or_default(),
                            "the service is untouched",
                        );
                        o.result = result;
                        o
                    }
                }
                Err(e) => out.fail(Step::Migrate, e, "the service is untouched"),
            };
            out.duration_secs = started.elapsed().as_secs_f64();
            out
        }
        JobRequest::Restart { cluster, service } => {
            deploy::run_action(
                ctx,
                cluster,
                service,
                &ServiceAction::Restart,
                &watch,
                report,
            )
            .await
        }
        JobRequest::Rollback {
            cluster,
            service,
            to,
        } => {
            let to = match to {
                Some(t) => t.clone(),
                None => match previous(ctx, cluster, service).await {
                    Ok(t) => t,
                    Err(e) => {
                        return Outcome::new("rollback", cluster, service).fail(
                            Step::Describe,
                            e,
                            "nothing was changed",
                        )
                    }
                },
            };
            deploy::run_action(
                ctx,
                cluster,
                service,
                &ServiceAction::Rollback { to },
                &watch,
                report,
            )
            .await
        }
        JobRequest::Scale {
            cluster,
            service,
            desired,
        } => {
            deploy::run_action(
                ctx,
                cluster,
                service,
                &ServiceAction::Scale { desired: *desired },
                &watch,
                report,
            )
            .await
        }
        JobRequest::StopTask {
            cluster,
            service,
            task_arn,
        } => deploy::stop_task(ctx, cluster, service, task_arn, report).await,
    }
}

async fn previous(ctx: &AwsContext, cluster: &str, service: &str) -> Result<String, String> {
    let svc = ecs_write::describe_service(ctx, cluster, service)
        .await
        .map_err(|e| e.to_string())?;
    previous_of(ctx, &svc.task_definition_arn).await
}

/// The newest active revision before `running` (an ARN).
async fn previous_of(ctx: &AwsContext, running: &str) -> Result<String, String> {
    let fr = family_revision(running);
    let (family, rev) = fr
        .rsplit_once(':')
        .ok_or_else(|| format!("cannot read the revision of {fr}"))?;
    crate::aws::taskdefs::previous_revision(ctx, family, rev.parse().unwrap_or(i32::MAX))
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("{fr} has no earlier active revision to roll back to"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;

    const REPO: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com/laravel-app";

    #[test]
    fn the_stale_check_names_both_revisions() {
        let v2 = fixtures::web_task_definition(2).arn;
        let v3 = fixtures::web_task_definition(3).arn;
        assert_eq!(deploy::drive::stale(&v2, &v2), None);
        assert_eq!(
            deploy::drive::stale(&v2, &v3).as_deref(),
            Some(
                "the service now runs laravel-web:3, not laravel-web:2 as the confirmation showed"
            )
        );
    }

    #[test]
    fn a_rollback_preview_names_the_revisions_and_each_image() {
        let from = fixtures::web_task_definition(2);
        let mut to = fixtures::web_task_definition(1);
        to.containers[0].image = format!("{REPO}:v1.4.1");
        assert_eq!(
            rollback_lines(&from, &to),
            [
                "task definition laravel-web:2 → laravel-web:1 (an existing revision: nothing is registered)".to_string(),
                "  container php:".into(),
                format!("-   image: {REPO}:v1.5.0"),
                format!("+   image: {REPO}:v1.4.1"),
                "  container nginx: image nginx:stable-alpine (unchanged)".into(),
            ]
        );
        // A container only one of them has.
        let mut to = fixtures::web_task_definition(1);
        to.containers.pop();
        let lines = rollback_lines(&from, &to);
        assert_eq!(
            lines.last().map(String::as_str),
            Some("- container nginx: image nginx:stable-alpine (not in laravel-web:1)")
        );
    }
}
