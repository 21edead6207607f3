//! `toadtop deploy`, `migrate` and `rollback`: progress on stderr, a summary on stdout
//! (text or JSON), the audit log, and exit codes 0 success, 2 bad input, 3 failed,
//! 4 timed out, 5 refused (read-only), 6 unconfirmed (sent, but AWS stopped answering).

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;

use crate::aws::{ecs_write, AwsContext};
use crate::cli::{DeployArgs, LogOutput, MigrateArgs, RollbackArgs, Settings};
use crate::domain::{family_revision, short_task_id, Service};
use crate::ops::audit::{self, audited, Who};
use crate::ops::deploy::{self, DeployRequest, ServiceAction, WatchSettings};
use crate::ops::migrate::{self, MigrateRequest};
use crate::ops::progress::{Outcome, Progress, Reporter, Result_, Step, Tone};
use crate::safety::sanitize;

fn who(ctx: &AwsContext, service_arn: Option<&str>) -> Who {
    Who {
        profile: ctx.profile.clone(),
        region: ctx.region.clone(),
        account: service_arn
            .and_then(|a| a.split(':').nth(4))
            .map(str::to_string),
    }
}

fn stderr_reporter() -> Reporter {
    Arc::new(|p: Progress| match p {
        Progress::Line { tone, text } => {
            let mark = match tone {
                Tone::Step => "»",
                Tone::Info => " ",
                Tone::Good => "✓",
                Tone::Bad => "✗",
            };
            eprintln!("{mark} {}", sanitize(&text));
        }
        Progress::Log(l) => eprintln!(
            "  | {}/{} {}",
            short_task_id(&l.task),
            l.container,
            sanitize(&l.message)
        ),
    })
}

fn print(outcome: &Outcome, output: LogOutput) -> u8 {
    // Not after an unconfirmed rollout: nobody saw it fail.
    if outcome.failed_step == Some(Step::Rollout)
        && !outcome.rolled_back
        && outcome.result != Result_::Unconfirmed
    {
        if let Some(old) = &outcome.old_revision {
            eprintln!(
                "toadtop: to roll back: toadtop rollback --cluster {} --service {} --to {old}",
                outcome.cluster, outcome.service
            );
        }
    }
    match output {
        LogOutput::Json => println!("{}", serde_json::to_string(outcome).unwrap_or_default()),
        LogOutput::Text => println!("{}", sanitize(&outcome.summary())),
    }
    outcome.exit_code()
}

fn refused(
    action: &str,
    cluster: &str,
    service: &str,
    reason: String,
    ctx: &AwsContext,
    output: LogOutput,
) -> u8 {
    let mut o = Outcome::new(action, cluster, service);
    o.result = Result_::Refused;
    o.reason = Some(reason);
    if let Err(e) = audit::record(&who(ctx, None), "end", &o) {
        eprintln!("toadtop: {e}");
    }
    print(&o, output)
}

pub async fn deploy(ctx: &AwsContext, settings: &Settings, args: &DeployArgs) -> u8 {
    let mut images = Vec::new();
    for i in &args.images {
        match i.split_once('=') {
            Some((c, img)) if !c.is_empty() && !img.is_empty() => {
                images.push((c.to_string(), img.to_string()))
            }
            _ => {
                eprintln!("toadtop: --image `{i}` is not CONTAINER=IMAGE");
                return 2;
            }
        }
    }
    if !args.dry_run {
        if let Err(reason) = crate::ops::refuse_if_read_only(settings.read_only, "deploy") {
            return refused(
                "deploy",
                &args.cluster,
                &args.service,
                reason,
                ctx,
                args.output,
            );
        }
    }
    let migrate_first = args.migrate.then(|| {
        settings
            .config
            .service(&args.cluster, &args.service)
            .migration
    });
    let req = DeployRequest {
        cluster: args.cluster.clone(),
        service: args.service.clone(),
        images,
        migrate_first,
        watch: WatchSettings {
            timeout: args.timeout,
            max_failed_tasks: args.max_failed_tasks,
            poll_every: args.poll_every,
        },
        no_wait: args.no_wait,
    };
    if args.dry_run {
        return match deploy::prepare(ctx, &req).await {
            Ok(p) => {
                match args.output {
                    LogOutput::Json => println!(
                        "{}",
                        json!({
                            "dry_run": true,
                            "cluster": args.cluster,
                            "service": args.service,
                            "old_revision": family_revision(&p.service.task_definition_arn),
                            "images": p.images,
                            "preview": p.preview,
                        })
                    ),
                    LogOutput::Text => {
                        for l in &p.preview {
                            println!("{}", sanitize(l));
                        }
                        println!("dry run: nothing registered, the service is unchanged");
                    }
                }
                0
            }
            Err(e) => {
                eprintln!("toadtop: {e}");
                2
            }
        };
    }
    let report = stderr_reporter();
    let mut start = Outcome::new("deploy", &args.cluster, &args.service);
    // What is being replaced, for the audit log's start line (a failed describe here is
    // reported by the deploy's own describe step).
    let current = ecs_write::describe_service(ctx, &args.cluster, &args.service)
        .await
        .ok();
    start.old_revision = current.as_ref().map(Service::family_revision);
    start.command = Some(
        req.images
            .iter()
            .map(|(c, i)| format!("{c}={i}"))
            .collect::<Vec<_>>()
            .join(" "),
    );
    let who = who(ctx, current.as_ref().map(|s| s.arn.as_str()));
    let out = audited(&who, &start, deploy::deploy(ctx, &req, &report), |e| {
        eprintln!("toadtop: {e}")
    })
    .await;
    print(&out, args.output)
}

pub async fn migrate(ctx: &AwsContext, settings: &Settings, args: &MigrateArgs) -> u8 {
    if let Err(reason) = crate::ops::refuse_if_read_only(settings.read_only, "migrate") {
        return refused(
            "migrate",
            &args.cluster,
            &args.service,
            reason,
            ctx,
            args.output,
        );
    }
    let mut m = settings
        .config
        .service(&args.cluster, &args.service)
        .migration;
    if let Some(c) = &args.container {
        m.container = c.clone();
    }
    if !args.env.is_empty() {
        match migrate::parse_env(&args.env) {
            Ok(env) => m.env = env,
            Err(e) => {
                eprintln!("toadtop: --env {e}");
                return 2;
            }
        }
    }
    if let Some(cmd) = &args.command {
        m.command = cmd.split_whitespace().map(str::to_string).collect();
    }
    if let Some(t) = args.timeout {
        m.timeout_override = Some(t);
    }
    let service = match ecs_write::describe_service(ctx, &args.cluster, &args.service).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("toadtop: {e}");
            return 2;
        }
    };
    let td =
        match ecs_write::describe_task_definition_source(ctx, &service.task_definition_arn).await {
            Ok(s) => s.domain,
            Err(e) => {
                eprintln!("toadtop: {e}");
                return 1;
            }
        };
    let req = MigrateRequest {
        service: service.clone(),
        task_definition: td.clone(),
        settings: m,
        poll_every: args.poll_every,
    };
    if let Err(e) = migrate::run_spec(&req) {
        eprintln!("toadtop: {e}");
        return 2;
    }
    let report = stderr_reporter();
    let mut start = Outcome::new("migrate", &args.cluster, &args.service);
    start.old_revision = Some(family_revision(&td.arn));
    let who = who(ctx, Some(&service.arn));
    let started = std::time::Instant::now();
    let run = async {
        let mut o = start.clone();
        match migrate::migrate(ctx, &req, &report).await {
            Ok(r) => {
                o.task = Some(crate::domain::arn_tail(&r.task_arn).to_string());
                let result = r.failure();
                o.containers = r.containers;
                if !r.succeeded {
                    o = o.fail(
                        Step::Migrate,
                        r.reason.unwrap_or_default(),
                        "the service is untouched",
                    );
                    o.result = result;
                } else {
                    o.service_state = Some("the service is untouched".into());
                }
            }
            Err(e) => o = o.fail(Step::Migrate, e, "the service is untouched"),
        }
        o.duration_secs = started.elapsed().as_secs_f64();
        o
    };
    let out = audited(&who, &start, run, |e| eprintln!("toadtop: {e}")).await;
    print(&out, args.output)
}

pub async fn rollback(ctx: &AwsContext, settings: &Settings, args: &RollbackArgs) -> u8 {
    if let Err(reason) = crate::ops::refuse_if_read_only(settings.read_only, "rollback") {
        return refused(
            "rollback",
            &args.cluster,
            &args.service,
            reason,
            ctx,
            args.output,
        );
    }
    let service = match ecs_write::describe_service(ctx, &args.cluster, &args.service).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("toadtop: {e}");
            return 2;
        }
    };
    let to = match &args.to {
        Some(t) => t.clone(),
        None => {
            let fr = service.family_revision();
            let Some((family, rev)) = fr.rsplit_once(':') else {
                eprintln!("toadtop: cannot read the revision of {fr}");
                return 1;
            };
            match ecs_write::previous_revision(ctx, family, rev.parse().unwrap_or(i32::MAX)).await {
                Ok(Some(arn)) => arn,
                Ok(None) => {
                    eprintln!("toadtop: {fr} has no earlier active revision to roll back to");
                    return 2;
                }
                Err(e) => {
                    eprintln!("toadtop: {e}");
                    return 1;
                }
            }
        }
    };
    let settings = WatchSettings {
        timeout: args.timeout,
        poll_every: args.poll_every,
        ..WatchSettings::default()
    };
    let report = stderr_reporter();
    let mut start = Outcome::new("rollback", &args.cluster, &args.service);
    start.old_revision = Some(service.family_revision());
    start.new_revision = Some(family_revision(&to));
    let who = who(ctx, Some(&service.arn));
    let action = ServiceAction::Rollback { to };
    let out = audited(
        &who,
        &start,
        deploy::run_action(
            ctx,
            &args.cluster,
            &args.service,
            &action,
            &settings,
            &report,
        ),
        |e| eprintln!("toadtop: {e}"),
    )
    .await;
    print(&out, args.output)
}

/// Watch settings for TUI actions (the config has no knobs for them yet).
pub fn default_watch() -> WatchSettings {
    WatchSettings {
        poll_every: Duration::from_secs(5),
        ..WatchSettings::default()
    }
}
