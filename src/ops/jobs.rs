//! One mutating action as a value: what the TUI's confirm modal holds and the runtime
//! runs. `describe` is the confirmation text; `run` carries it out.

use super::deploy::{self, DeployRequest, ServiceAction, WatchSettings};
use super::migrate::{self, MigrateRequest};
use super::progress::{Outcome, Reporter, Step};
use crate::aws::{ecs_write, AwsContext};
use crate::config::MigrationSettings;
use crate::domain::{family_revision, short_task_id};

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

    /// The confirmation text (deploys add their preview to it).
    pub fn describe(&self, current_revision: &str) -> Vec<String> {
        let (cluster, service) = self.target();
        let at = format!("cluster {cluster}, service {service} ({current_revision})");
        match self {
            JobRequest::Deploy(d) => vec![
                format!("Deploy to {at}"),
                if d.migrate_first.is_some() {
                    "The migration task runs on the new revision first; if it fails the service is not updated.".into()
                } else {
                    "No migration task first.".into()
                },
            ],
            JobRequest::Migrate { settings, .. } => {
                let env: Vec<String> = settings.env.iter().map(|(k, v)| format!("{k}={v}")).collect();
                vec![
                    format!("Run the migration task for {at}"),
                    format!(
                        "One task of {current_revision}, container {} with {}{}",
                        settings.container,
                        env.join(" "),
                        if settings.command.is_empty() {
                            String::new()
                        } else {
                            format!(", command `{}`", settings.command.join(" "))
                        }
                    ),
                    format!("Followed to STOPPED (up to {} minutes).", settings.timeout_minutes),
                ]
            }
            JobRequest::Restart { .. } => vec![
                format!("Restart {at}"),
                "Forces a new deployment of the same revision: every task is replaced.".into(),
            ],
            JobRequest::Rollback { to, .. } => vec![
                format!("Roll back {at}"),
                match to {
                    Some(t) => format!("The service goes back to {}.", family_revision(t)),
                    None => "The service goes back to the newest active revision before the current one.".into(),
                },
            ],
            JobRequest::Scale { desired, .. } => vec![format!("Set the desired count of {at} to {desired}.")],
            JobRequest::StopTask { task_arn, .. } => vec![
                format!("Stop task {} of {at}", short_task_id(crate::domain::arn_tail(task_arn))),
                "The service starts a replacement if it falls below its desired count.".into(),
            ],
        }
    }
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

pub async fn run(ctx: &AwsContext, job: &JobRequest, report: &Reporter) -> Outcome {
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
    let fr = svc.family_revision();
    let (family, rev) = fr
        .rsplit_once(':')
        .ok_or_else(|| format!("cannot read the revision of {fr}"))?;
    crate::aws::taskdefs::previous_revision(ctx, family, rev.parse().unwrap_or(i32::MAX))
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("{fr} has no earlier active revision to roll back to"))
}
