//! `toadtop deploy`, `migrate` and `rollback`: progress on stderr, a summary on stdout
//! (text or JSON), the audit log, and exit codes 0 success, 2 bad input, 3 failed (also a
//! deploy `--fail-on` refused for its images' findings), 4 timed out, 5 refused
//! (read-only, or a required audit log that cannot be written), 6 unconfirmed (sent, but
//! AWS stopped answering), 128 + the signal when SIGINT (130), SIGTERM (143) or SIGHUP
//! (129) interrupted it.

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;

use crate::aws::error::AwsErrorKind;
use crate::aws::{ecs_write, AwsContext};
use crate::cli::{DeployArgs, LogOutput, MigrateArgs, RollbackArgs, Settings};
use crate::domain::{family_revision, short_task_id, Service};
use crate::ops::audit::{self, audited, Who};
use crate::ops::deploy::{self, DeployRequest, PrepareError, ServiceAction, WatchSettings};
use crate::ops::interrupt::{Interruption, Signals, Tracker};
use crate::ops::migrate::{self, MigrateRequest};
use crate::ops::progress::{say, Outcome, Progress, Reporter, Result_, Step, Tone};
use crate::safety::sanitize;

fn who(ctx: &AwsContext, service_arn: Option<&str>) -> Who {
    Who::new(&ctx.profile, &ctx.region, service_arn)
}

/// Runs `run` between its audit lines, with SIGINT, SIGTERM and SIGHUP taken from the
/// start line on: a signal ends the action as `interrupted` (the end line and stderr say
/// what AWS was left doing) instead of killing toadtop between two lines.
async fn run_audited(
    who: &Who,
    start: &Outcome,
    tracker: &Tracker,
    run: impl std::future::Future<Output = Outcome>,
) -> Outcome {
    let mut signals = Signals::listen();
    let interrupt = async { Interruption::Signal(signals.recv().await) };
    let out = audited(who, start, tracker, run, interrupt, |e| {
        super::say_error(&e)
    })
    .await;
    if out.result == Result_::Interrupted {
        super::say_error(format_args!(
            "{}; recorded in the audit log as interrupted",
            out.summary()
        ));
    }
    out
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
            sanitize(short_task_id(&l.task)),
            sanitize(&l.container),
            sanitize(&l.message)
        ),
        // Kept by the tracker for an interruption; the lines already say it.
        Progress::Mark(_) => {}
    })
}

fn print(outcome: &Outcome, output: LogOutput) -> u8 {
    // Not after an unconfirmed rollout: nobody saw it fail.
    if outcome.failed_step == Some(Step::Rollout)
        && !outcome.rolled_back
        && outcome.result != Result_::Unconfirmed
    {
        if let Some(old) = &outcome.old_revision {
            super::say_error(format_args!(
                "to roll back: toadtop rollback --cluster {} --service {} --to {old}",
                outcome.cluster, outcome.service
            ));
        }
    }
    match output {
        LogOutput::Json => {
            // Reasons quote AWS (stop reasons, events): stripped like the text summary.
            let mut doc = serde_json::to_value(outcome).unwrap_or_default();
            crate::safety::sanitize_json(&mut doc);
            println!("{}", crate::safety::json_string(&doc));
        }
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
        super::say_error(&e);
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
                super::say_error(format_args!("--image `{i}` is not CONTAINER=IMAGE"));
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
        expect_running: None,
    };
    // Names and images are checked before anything is written: a cluster, service or
    // container that does not exist is bad input (exit 2, no audit line), not a failed
    // deploy. When AWS itself fails here, the deploy reports its describe step as usual.
    let prepared = match deploy::try_prepare(ctx, &req).await {
        Ok(p) => Some(p),
        Err(e) if e.is_bad_input() => {
            let message = match &e {
                PrepareError::Aws(aws) => {
                    super::explain_not_found(ctx, &args.cluster, &args.service, aws).await
                }
                PrepareError::Plan(m) | PrepareError::Stale(m) => m.clone(),
            };
            super::say_error(message);
            return 2;
        }
        // --fail-on must judge the images before anything is registered, so it cannot
        // leave the describe to the deploy's own (retried) step.
        Err(e) if args.dry_run || args.fail_on.is_some() => {
            super::say_error(&e);
            return 1;
        }
        Err(_) => None,
    };
    // The new images' scans (the findings pane's DescribeImageScanFindings by digest):
    // shown by --dry-run, judged by --fail-on. A plain deploy skips them, so a CI role
    // needs no ECR read permission to deploy.
    let findings = match &prepared {
        Some(p) if args.dry_run || args.fail_on.is_some() => {
            let cache = crate::aws::findings::FindingsCache::default();
            deploy::findings::load(ctx, &p.images, &cache).await
        }
        _ => Vec::new(),
    };
    let threshold = args
        .fail_on
        .clone()
        .unwrap_or_else(|| settings.config.alerts.min_severity.clone());
    let refusal = args
        .fail_on
        .as_deref()
        .and_then(|min| deploy::findings::refusal(&findings, min));
    if args.dry_run {
        // Some: every error returned above.
        let Some(p) = prepared else { return 1 };
        match args.output {
            LogOutput::Json => {
                let scans: serde_json::Map<String, serde_json::Value> = findings
                    .iter()
                    .map(|(c, f)| {
                        (
                            c.clone(),
                            json!({
                                "image": f.image,
                                "digest": f.digest,
                                "status": f.status,
                                "counts": f.counts,
                                "at_or_above": {
                                    "severity": threshold,
                                    "count": deploy::findings::at_or_above(f, &threshold),
                                },
                                "scan_settings": f.scan_settings,
                                "error": f.error,
                            }),
                        )
                    })
                    .collect();
                let mut doc = json!({
                    "dry_run": true,
                    "cluster": args.cluster,
                    "service": args.service,
                    "old_revision": family_revision(&p.service.task_definition_arn),
                    "images": p.images,
                    "preview": p.preview,
                    "findings": scans,
                    "fail_on": args.fail_on,
                    "refused": refusal,
                });
                crate::safety::sanitize_json(&mut doc);
                println!("{}", crate::safety::json_string(&doc));
            }
            LogOutput::Text => {
                for l in p
                    .preview
                    .iter()
                    .chain(&deploy::findings::preview_lines(&findings, &threshold))
                {
                    println!("{}", sanitize(l));
                }
                if let Some(why) = &refusal {
                    println!("dry run: the deploy would be refused: {}", sanitize(why));
                }
                println!("dry run: nothing registered, the service is unchanged");
            }
        }
        return if refusal.is_some() { 3 } else { 0 };
    }
    let tracker = Tracker::default();
    let report = tracker.reporter(stderr_reporter());
    for l in deploy::findings::preview_lines(&findings, &threshold) {
        say(&report, Tone::Info, l);
    }
    let mut start = Outcome::new("deploy", &args.cluster, &args.service);
    // What is being replaced and with what, for the audit log's start line: the images
    // as resolved (`php=:v2` becomes the full reference) when the describe worked.
    let current = prepared.as_ref().map(|p| &p.service);
    start.old_revision = current.map(Service::family_revision);
    start.images = Some(match &prepared {
        Some(p) => p.images.clone(),
        None => req.images.iter().cloned().collect(),
    });
    start.command = req
        .migrate_first
        .as_ref()
        .and_then(|m| (!m.command.is_empty()).then(|| m.command.join(" ")));
    let who = who(ctx, current.map(|s| s.arn.as_str()));
    let run = async {
        match prepared {
            // Refused by --fail-on: nothing is registered, the audit log says why.
            Some(_) if refusal.is_some() => {
                let mut o = start.clone();
                o.command = None;
                o.fail(
                    Step::Findings,
                    refusal.clone().unwrap_or_default(),
                    "nothing was registered; the service is unchanged",
                )
            }
            Some(p) => {
                say(
                    &report,
                    Tone::Step,
                    format!("describe: {}/{}", req.cluster, req.service),
                );
                deploy::deploy_prepared(ctx, &req, p, &report).await
            }
            None => deploy::deploy(ctx, &req, &report).await,
        }
    };
    let out = run_audited(&who, &start, &tracker, run).await;
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
        match migrate::parse_env(&args.env, |k| std::env::var(k).ok()) {
            Ok(env) => m.env = env,
            Err(e) => {
                super::say_error(format_args!("--env {e}"));
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
    let service = match describe_named_service(ctx, &args.cluster, &args.service).await {
        Ok(s) => s,
        Err(code) => return code,
    };
    let td =
        match ecs_write::describe_task_definition_source(ctx, &service.task_definition_arn).await {
            Ok(s) => s.domain,
            Err(e) => {
                super::say_error(&e);
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
        super::say_error(&e);
        return 2;
    }
    let tracker = Tracker::default();
    let report = tracker.reporter(stderr_reporter());
    let mut start = Outcome::new("migrate", &args.cluster, &args.service);
    start.old_revision = Some(family_revision(&td.arn));
    start.command = (!req.settings.command.is_empty()).then(|| req.settings.command.join(" "));
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
    let out = run_audited(&who, &start, &tracker, run).await;
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
    let service = match describe_named_service(ctx, &args.cluster, &args.service).await {
        Ok(s) => s,
        Err(code) => return code,
    };
    let to = match &args.to {
        // A revision that does not exist is refused before the audit's start line.
        Some(t) => match ecs_write::describe_task_definition_source(ctx, t).await {
            Ok(td) => td.domain.arn,
            Err(e) if matches!(e.kind, AwsErrorKind::NotFound | AwsErrorKind::Service) => {
                super::say_error(format_args!(
                    "no task definition `{t}` to roll back to ({e})"
                ));
                return 2;
            }
            Err(e) => {
                super::say_error(&e);
                return 1;
            }
        },
        None => {
            let fr = service.family_revision();
            let Some((family, rev)) = fr.rsplit_once(':') else {
                super::say_error(format_args!("cannot read the revision of {fr}"));
                return 1;
            };
            match crate::aws::taskdefs::previous_revision(
                ctx,
                family,
                rev.parse().unwrap_or(i32::MAX),
            )
            .await
            {
                Ok(Some(arn)) => arn,
                Ok(None) => {
                    super::say_error(format_args!(
                        "{fr} has no earlier active revision to roll back to"
                    ));
                    return 2;
                }
                Err(e) => {
                    super::say_error(&e);
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
    let tracker = Tracker::default();
    let report = tracker.reporter(stderr_reporter());
    let mut start = Outcome::new("rollback", &args.cluster, &args.service);
    start.old_revision = Some(service.family_revision());
    start.new_revision = Some(family_revision(&to));
    let who = who(ctx, Some(&service.arn));
    let action = ServiceAction::Rollback { to };
    let out = run_audited(
        &who,
        &start,
        &tracker,
        deploy::run_action(
            ctx,
            &args.cluster,
            &args.service,
            &action,
            &settings,
            &report,
        ),
    )
    .await;
    print(&out, args.output)
}

/// The service a migrate or rollback names. Err: the exit code, after one line on stderr
/// (2 when the cluster or service does not exist, naming what does; as before otherwise).
async fn describe_named_service(
    ctx: &AwsContext,
    cluster: &str,
    service: &str,
) -> Result<Service, u8> {
    match ecs_write::describe_service(ctx, cluster, service).await {
        Ok(s) => Ok(s),
        Err(e) if e.kind == AwsErrorKind::NotFound => {
            super::say_error(super::explain_not_found(ctx, cluster, service, &e).await);
            Err(2)
        }
        Err(e) => {
            super::say_error(&e);
            Err(2)
        }
    }
}

/// Watch settings for TUI actions (the config has no knobs for them yet).
pub fn default_watch() -> WatchSettings {
    WatchSettings {
        poll_every: Duration::from_secs(5),
        ..WatchSettings::default()
    }
}
