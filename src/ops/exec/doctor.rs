//! The ECS Exec pre-flight: every reason `execute-command` fails, checked from what
//! toadtop already knows (task, task definition, service, the plugin on disk), each with
//! its fix. Pure: the facts come in, the verdicts go out.

use serde::Serialize;

use crate::domain::{Container, ContainerDefinition, Service, Task, TaskDefinition};
use crate::timefmt::Timestamp;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Warn,
    Fail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub name: &'static str,
    pub status: Status,
    pub detail: String,
    /// What to do about it (empty on pass).
    pub fix: String,
}

/// What the doctor looks at.
pub struct Facts<'a> {
    pub task: &'a Task,
    pub container: &'a Container,
    pub definition: Option<&'a ContainerDefinition>,
    pub task_definition: Option<&'a TaskDefinition>,
    pub service: Option<&'a Service>,
    /// The plugin's resolved path, or why it was not found.
    pub plugin: Result<String, String>,
    /// The image's own volumes (`None`: not read, see [`image_query`]).
    pub image: Option<&'a ImageVolumes>,
    /// The clock, to tell a task that started moments ago.
    pub now: Timestamp,
}

/// The image's own `config.Volumes` (Dockerfile `VOLUME` lines), read through ECR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageVolumes {
    Known(Vec<String>),
    /// Could not be read: why, naming the call (an image outside ECR, a denied call, a
    /// config blob whose sha256 does not match its digest).
    Unknown(String),
}

/// What to read from ECR for the writability check: the container's running image.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ImageQuery {
    pub image: String,
    /// The running `imageDigest`.
    pub digest: String,
    /// The task's CPU architecture as image platforms name it (`amd64`, `arm64`).
    pub arch: String,
}

/// A task younger than this whose agent is PENDING or not reported yet may still be
/// starting it: a warning, not a failure.
pub const AGENT_GRACE_SECS: i64 = 120;

/// Writable paths the SSM agent needs inside a container with a read-only root.
/// (`/managed-agents` is bind-mounted by ECS itself on Fargate, so it is not checked.)
const AGENT_PATHS: [&str; 2] = ["/var/lib/amazon/ssm", "/var/log/amazon/ssm"];

pub fn checks(f: &Facts) -> Vec<Check> {
    let mut out = Vec::new();
    let mut add = |name, status, detail: String, fix: &str| {
        out.push(Check {
            name,
            status,
            detail,
            fix: if status == Status::Pass {
                String::new()
            } else {
                fix.to_string()
            },
        })
    };

    match &f.plugin {
        Ok(path) => add("session-manager-plugin", Status::Pass, format!("found at {path}"), ""),
        Err(why) => add(
            "session-manager-plugin",
            Status::Fail,
            why.clone(),
            "install it: https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html (or set [exec] plugin in the config)",
        ),
    }

    let running = f.task.last_status == "RUNNING";
    add(
        "task running",
        if running { Status::Pass } else { Status::Fail },
        format!(
            "task is {} (desired {})",
            f.task.last_status, f.task.desired_status
        ),
        "exec needs a RUNNING task: pick another task",
    );

    let svc_exec = f.service.map(|s| s.exec_enabled);
    add(
        "execute command enabled",
        if f.task.exec_enabled { Status::Pass } else { Status::Fail },
        match (f.task.exec_enabled, svc_exec) {
            (true, _) => "enableExecuteCommand is on for this task".into(),
            (false, Some(true)) => "the service has it on, but this task started before it was turned on".into(),
            (false, _) => "enableExecuteCommand is off".into(),
        },
        "aws ecs update-service --enable-execute-command --force-new-deployment (tasks started before it stay without exec)",
    );

    let fargate = f.task.launch_type.as_deref() == Some("FARGATE");
    if fargate {
        let pv = f.task.platform_version.as_deref().unwrap_or("");
        let ok = pv == "LATEST" || version_at_least(pv, (1, 4, 0));
        add(
            "Fargate platform >= 1.4.0",
            if ok { Status::Pass } else { Status::Fail },
            format!(
                "platform version {}",
                if pv.is_empty() { "unknown" } else { pv }
            ),
            "run the service on platform version 1.4.0 or LATEST",
        );
    }

    match f.container.exec_agent.as_ref() {
        Some(agent) if agent.status == "RUNNING" => add(
            "ExecuteCommandAgent",
            Status::Pass,
            format!("{}: RUNNING", f.container.name),
            "",
        ),
        Some(agent) => add(
            "ExecuteCommandAgent",
            Status::Fail,
            format!(
                "{}: {}{}",
                f.container.name,
                agent.status,
                agent.reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default()
            ),
            "the agent did not start: check the task role's ssmmessages permissions and the writable agent paths; restart the task",
        ),
        None => add(
            "ExecuteCommandAgent",
            Status::Fail,
            format!("{}: no ExecuteCommandAgent reported", f.container.name),
            "the task has no exec agent: enable execute command and start new tasks",
        ),
    }

    if let Some(d) = f.definition {
        add(
            "initProcessEnabled",
            if d.init_process_enabled {
                Status::Pass
            } else {
                Status::Warn
            },
            if d.init_process_enabled {
                "on".into()
            } else {
                "off: exec'd shells can leave zombie processes".into()
            },
            "set linuxParameters.initProcessEnabled = true in the container definition",
        );
    }

    match f.task_definition.map(|t| t.task_role_arn.clone()) {
        Some(Some(role)) => add("task role", Status::Pass, role, ""),
        Some(None) => add(
            "task role",
            Status::Fail,
            "the task definition has no taskRoleArn".into(),
            "add a task role allowing ssmmessages:CreateControlChannel/CreateDataChannel/OpenControlChannel/OpenDataChannel",
        ),
        None => add("task role", Status::Warn, "task definition not loaded".into(), "refresh and try again"),
    }

    if let Some(d) = f.definition {
        let (status, detail, fix) = agent_paths(f, d);
        add("read-only root: agent paths writable", status, detail, fix);
    }
    out
}

/// `path` is `dir` or below it.
fn under(path: &str, dir: &str) -> bool {
    let dir = dir.trim_end_matches('/');
    path == dir || path.starts_with(&format!("{dir}/"))
}

/// Where a path is writable: a read-write task-definition mount at it or a parent, else
/// an image VOLUME at it or a parent.
fn source_of(d: &ContainerDefinition, image: Option<&ImageVolumes>, path: &str) -> Option<String> {
    if let Some(m) = d
        .mount_points
        .iter()
        .find(|m| !m.read_only && under(path, &m.container_path))
    {
        return Some(format!("task-definition volume {}", m.container_path));
    }
    match image {
        Some(ImageVolumes::Known(volumes)) => volumes
            .iter()
            .find(|v| under(path, v))
            .map(|v| format!("image VOLUME {v}")),
        _ => None,
    }
}

/// Whether the agent may still be starting: PENDING or not reported on a task that
/// started moments ago (or has not started yet).
fn agent_starting(f: &Facts) -> bool {
    let pending = f
        .container
        .exec_agent
        .as_ref()
        .is_none_or(|a| a.status == "PENDING");
    let young = f
        .task
        .started_at
        .is_none_or(|t| f.now.millis() - t.millis() < AGENT_GRACE_SECS * 1000);
    pending && young
}

/// "read-only root: agent paths writable", from the evidence strongest first: the live
/// agent, the task definition's mounts, the image's own VOLUMEs. Fails only when no source
/// covers the paths and the agent is not RUNNING; unknown evidence is a warning.
fn agent_paths(f: &Facts, d: &ContainerDefinition) -> (Status, String, &'static str) {
    const FIX: &str = "mount writable volumes at /var/lib/amazon and /var/log/amazon in this container (task-definition mountPoints or VOLUME lines in the Dockerfile)";
    if !d.read_only_root {
        return (Status::Pass, "root file system is writable".into(), "");
    }
    let agent = f.container.exec_agent.as_ref();
    if agent.is_some_and(|a| a.status == "RUNNING") {
        return (Status::Pass, "agent running".into(), "");
    }
    let mut sources: Vec<String> = Vec::new();
    let mut missing: Vec<&str> = Vec::new();
    for path in AGENT_PATHS {
        match source_of(d, f.image, path) {
            Some(s) if !sources.contains(&s) => sources.push(s),
            Some(_) => {}
            None => missing.push(path),
        }
    }
    // An image ECR cannot answer for is known to be unknown without a call.
    let unreadable = unreadable(f.container).map(ImageVolumes::Unknown);
    let image = f.image.or(unreadable.as_ref());
    let stopped = agent
        .filter(|a| a.status == "STOPPED")
        .map(|a| match &a.reason {
            Some(r) => format!("agent STOPPED: {r}"),
            None => "agent STOPPED".to_string(),
        });
    if missing.is_empty() {
        return match stopped {
            Some(s) => (
                Status::Warn,
                format!("{s}, although its paths are on {}", sources.join(", ")),
                "the paths look writable: the agent stopped for another reason (see ExecuteCommandAgent); restart the task",
            ),
            None => (Status::Pass, sources.join(", "), ""),
        };
    }
    let not_on = format!("not on a volume: {}", missing.join(", "));
    if let Some(s) = stopped {
        return (Status::Fail, format!("{s}; {not_on}"), FIX);
    }
    let not_on_td = format!("not on a task-definition volume: {}", missing.join(", "));
    match image {
        None => {
            return (
                Status::Warn,
                format!("{not_on_td}; the image's volumes are not read yet"),
                "wait a moment: toadtop reads them from ECR",
            )
        }
        Some(ImageVolumes::Unknown(why)) => {
            return (
                Status::Warn,
                format!("{not_on_td}; image volumes unknown: {why}"),
                if why.starts_with("ecr:") {
                    "allow ecr:BatchGetImage and ecr:GetDownloadUrlForLayer on the repository so the image's VOLUMEs can be checked"
                } else {
                    "to be sure, mount writable volumes at /var/lib/amazon and /var/log/amazon in the task definition"
                },
            )
        }
        Some(ImageVolumes::Known(_)) => {}
    }
    if agent_starting(f) {
        let agent = agent.map_or("not reported yet", |a| a.status.as_str());
        return (
            Status::Warn,
            format!("{not_on}; the agent is {agent} on a task that just started"),
            "wait a few seconds and check again: a RUNNING agent means its paths are writable",
        );
    }
    (Status::Fail, not_on, FIX)
}

/// Why the container's image volumes cannot be read at all, if so.
fn unreadable(c: &Container) -> Option<String> {
    if crate::domain::ecr_ref(&c.image).is_none() {
        Some("the image is not in ECR (its volumes are read through ECR only)".into())
    } else if c.image_digest.is_none() {
        Some("the task reports no imageDigest for the container".into())
    } else {
        None
    }
}

/// The ECR read the writability check still needs, if any: only for a read-only root
/// whose agent is not RUNNING and whose task-definition mounts do not cover the paths,
/// running an ECR image by digest.
pub fn image_query(f: &Facts) -> Option<ImageQuery> {
    let d = f.definition?;
    let digest = f.container.image_digest.clone()?;
    if unreadable(f.container).is_some()
        || !d.read_only_root
        || f.container
            .exec_agent
            .as_ref()
            .is_some_and(|a| a.status == "RUNNING")
        || AGENT_PATHS.iter().all(|p| source_of(d, None, p).is_some())
    {
        return None;
    }
    let arch = match f
        .task_definition
        .and_then(|td| td.cpu_architecture.as_deref())
    {
        Some("ARM64") => "arm64",
        _ => "amd64",
    };
    Some(ImageQuery {
        image: f.container.image.clone(),
        digest,
        arch: arch.to_string(),
    })
}

fn version_at_least(v: &str, min: (u32, u32, u32)) -> bool {
    let mut parts = v.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    let got = (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    );
    got >= min
}

/// The checks for one container of a task, judged against the service's current revision
/// (toadtop keeps one revision per service: during a deploy a task of the older
/// revision is checked against the newer one's containers).
pub fn for_container(
    service: &Service,
    task: &Task,
    container: &str,
    plugin: Result<String, String>,
    image: Option<&ImageVolumes>,
    now: Timestamp,
) -> Vec<Check> {
    facts(service, task, container, plugin, image, now)
        .map(|f| checks(&f))
        .unwrap_or_default()
}

/// The ECR read [`for_container`] would use (see [`image_query`]).
pub fn image_query_for(service: &Service, task: &Task, container: &str) -> Option<ImageQuery> {
    facts(
        service,
        task,
        container,
        Ok(String::new()),
        None,
        Timestamp(0),
    )
    .and_then(|f| image_query(&f))
}

fn facts<'a>(
    service: &'a Service,
    task: &'a Task,
    container: &str,
    plugin: Result<String, String>,
    image: Option<&'a ImageVolumes>,
    now: Timestamp,
) -> Option<Facts<'a>> {
    let c = task.containers.iter().find(|c| c.name == container)?;
    let td = service.task_definition.as_ref();
    Some(Facts {
        task,
        container: c,
        definition: td.and_then(|td| td.container(container)),
        task_definition: td,
        service: Some(service),
        plugin,
        image,
        now,
    })
}

pub fn passed(checks: &[Check]) -> bool {
    checks.iter().all(|c| c.status != Status::Fail)
}

#[cfg(test)]
#[path = "doctor_tests.rs"]
mod tests;
