//! `toadtop exec` and `toadtop doctor`: the same target choice, doctor and plugin
//! hand-off as the TUI's `x`.

use crate::aws::{ecs, AwsContext};
use crate::cli::{DoctorArgs, ExecArgs, LogOutput, Settings};
use crate::domain::{short_task_id, Service, Task};
use crate::ops::exec::doctor::{self, Check, Status};
use crate::ops::exec::session::{self, Ended, ExecTarget};
use crate::ops::exec::{allowed, plugin};
use crate::safety::sanitize;

/// Finds the task (by id prefix, or the service's newest running one) with its service.
async fn find(
    ctx: &AwsContext,
    cluster: &str,
    service: Option<&str>,
    task: Option<&str>,
) -> Result<(Service, Task), String> {
    let c = &super::find_cluster(ctx, cluster)
        .await
        .map_err(|e| e.to_string())?;
    let detail = ecs::load_cluster_detail(ctx, c)
        .await
        .map_err(|e| e.to_string())?;
    if let Some(prefix) = task {
        let hits: Vec<(&Service, &Task)> = detail
            .services
            .iter()
            .flat_map(|s| s.tasks.iter().map(move |t| (s, t)))
            .filter(|(_, t)| t.id.starts_with(prefix))
            .collect();
        return match hits.as_slice() {
            [(s, t)] => Ok(((*s).clone(), (*t).clone())),
            [] => Err(format!("no task `{prefix}` in {cluster}")),
            many => Err(format!(
                "`{prefix}` matches {} tasks; give more of the id",
                many.len()
            )),
        };
    }
    let name = service.unwrap_or_default();
    let names: Vec<&str> = detail.services.iter().map(|s| s.name.as_str()).collect();
    let s = detail
        .services
        .iter()
        .find(|s| s.name == name)
        .ok_or_else(|| {
            format!(
                "no service `{name}` in {cluster}; services: {}",
                names.join(", ")
            )
        })?;
    let t = s
        .tasks
        .iter()
        .find(|t| t.last_status == "RUNNING")
        .ok_or_else(|| format!("service {name} has no running task"))?;
    Ok((s.clone(), t.clone()))
}

fn container_for(
    settings: &Settings,
    svc: &Service,
    task: &Task,
    wanted: Option<&str>,
) -> Result<String, String> {
    let names: Vec<&str> = task.containers.iter().map(|c| c.name.as_str()).collect();
    match wanted {
        Some(w) if names.contains(&w) => Ok(w.to_string()),
        Some(w) => Err(format!(
            "no container `{w}` in task {}; containers: {}",
            short_task_id(&task.id),
            names.join(", ")
        )),
        None => {
            let configured = settings
                .config
                .service(&svc.cluster, &svc.name)
                .exec
                .container;
            Ok(if names.contains(&configured.as_str()) {
                configured
            } else {
                names
                    .first()
                    .map(|n| n.to_string())
                    .ok_or("the task has no containers")?
            })
        }
    }
}

pub(super) fn print_checks(checks: &[Check], out: &mut dyn std::io::Write) {
    for c in checks {
        let mark = match c.status {
            Status::Pass => "pass",
            Status::Warn => "warn",
            Status::Fail => "FAIL",
        };
        let _ = writeln!(out, "{mark}  {:<38} {}", c.name, sanitize(&c.detail));
        if !c.fix.is_empty() {
            let _ = writeln!(out, "      fix: {}", sanitize(&c.fix));
        }
    }
}

/// The task and container a command names, or the message that says why not.
pub(super) async fn resolve(
    ctx: &AwsContext,
    settings: &Settings,
    cluster: &str,
    service: Option<&str>,
    task: Option<&str>,
    container: Option<&str>,
) -> Result<(Service, Task, String), String> {
    let (svc, task) = find(ctx, cluster, service, task).await?;
    let container = container_for(settings, &svc, &task, container)?;
    Ok((svc, task, container))
}

/// The doctor's checks, with the image's volumes read from ECR when the writability
/// check needs them (see `doctor::image_query`).
pub(super) async fn checks_with_evidence(
    ctx: &AwsContext,
    svc: &Service,
    task: &Task,
    container: &str,
    plugin: Result<String, String>,
) -> Vec<Check> {
    let image = match doctor::image_query_for(svc, task, container) {
        Some(q) => Some(crate::ops::exec::image::volumes(ctx, &q).await),
        None => None,
    };
    doctor::for_container(
        svc,
        task,
        container,
        plugin,
        image.as_ref(),
        crate::timefmt::Timestamp::now(),
    )
}

pub async fn doctor(ctx: &AwsContext, settings: &Settings, args: &DoctorArgs) -> u8 {
    let (svc, task, container) = match resolve(
        ctx,
        settings,
        &args.cluster,
        None,
        Some(&args.task),
        args.container.as_deref(),
    )
    .await
    {
        Ok(x) => x,
        Err(e) => {
            super::say_error(&e);
            return 2;
        }
    };
    let plugin = plugin::locate_here(settings.config.exec.plugin.as_deref())
        .map(|p| p.display().to_string());
    let checks = checks_with_evidence(ctx, &svc, &task, &container, plugin).await;
    match args.output {
        LogOutput::Json => {
            let mut doc = serde_json::json!({
                "cluster": args.cluster,
                "service": svc.name,
                "task": task.id,
                "container": container,
                "passed": doctor::passed(&checks),
                "checks": checks,
            });
            crate::safety::sanitize_json(&mut doc);
            println!("{}", crate::safety::json_string(&doc));
        }
        LogOutput::Text => {
            let head = format!(
                "exec doctor: {} in task {} ({}/{})",
                container,
                short_task_id(&task.id),
                args.cluster,
                svc.name
            );
            println!("{}", sanitize(&head));
            print_checks(&checks, &mut std::io::stdout());
        }
    }
    if doctor::passed(&checks) {
        0
    } else {
        3
    }
}

pub async fn exec(ctx: &AwsContext, settings: &Settings, args: &ExecArgs) -> u8 {
    if let Err(e) = allowed(settings.read_only, &settings.config.exec) {
        super::say_error(&e);
        return 5;
    }
    let (svc, task, container) = match resolve(
        ctx,
        settings,
        &args.cluster,
        args.service.as_deref(),
        args.task.as_deref(),
        args.container.as_deref(),
    )
    .await
    {
        Ok(x) => x,
        Err(e) => {
            super::say_error(&e);
            return 2;
        }
    };
    // Located once: the doctor reports it, and the session uses it.
    let plugin_path = plugin::locate_here(settings.config.exec.plugin.as_deref());
    let checks = checks_with_evidence(
        ctx,
        &svc,
        &task,
        &container,
        plugin_path.clone().map(|p| p.display().to_string()),
    )
    .await;
    if !doctor::passed(&checks) {
        super::say_error("exec would fail:");
        print_checks(&checks, &mut std::io::stderr());
        return 3;
    }
    let Ok(plugin_path) = plugin_path else {
        // A missing plugin already failed the doctor above.
        return 3;
    };
    let command = if args.command.is_empty() {
        settings.config.service(&svc.cluster, &svc.name).exec.shell
    } else {
        args.command.join(" ")
    };
    let target = ExecTarget {
        cluster: args.cluster.clone(),
        service: svc.name.clone(),
        task: task.clone(),
        container: container.clone(),
        command: command.clone(),
    };
    let ended = session::run_audited(
        ctx,
        &target,
        &plugin_path,
        |inv| {
            super::say_error(format_args!(
                "{command} in {container} of task {}",
                short_task_id(&task.id)
            ));
            tokio::task::block_in_place(|| session::run_foreground(inv))
        },
        |e| super::say_error(&e),
    )
    .await;
    match ended {
        Err(e) => {
            super::say_error(&e);
            1
        }
        Ok(Ended { status: Ok(s), .. }) => s.code().and_then(|c| u8::try_from(c).ok()).unwrap_or(1),
        Ok(Ended {
            status: Err(e),
            program,
            ..
        }) => {
            super::say_error(format_args!("could not run {}: {e}", program.display()));
            1
        }
    }
}
