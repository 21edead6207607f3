//! The ECS Exec pre-flight: every reason `execute-command` fails, checked from what
//! toadtop already knows (task, task definition, service, the plugin on disk), each with
//! its fix. Pure: the facts come in, the verdicts go out.

use serde::Serialize;

use crate::domain::{Container, ContainerDefinition, Service, Task, TaskDefinition};

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
}

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
        if d.read_only_root {
            let missing: Vec<&str> = AGENT_PATHS
                .iter()
                .copied()
                .filter(|p| !covered(d, p))
                .collect();
            add(
                "read-only root: agent paths writable",
                if missing.is_empty() {
                    Status::Pass
                } else {
                    Status::Fail
                },
                if missing.is_empty() {
                    "the SSM agent's paths are on volumes".into()
                } else {
                    format!("not on a volume: {}", missing.join(", "))
                },
                "mount writable volumes at /var/lib/amazon and /var/log/amazon in this container",
            );
        } else {
            add(
                "read-only root: agent paths writable",
                Status::Pass,
                "root file system is writable".into(),
                "",
            );
        }
    }
    out
}

/// A path is writable when a volume is mounted read-write at it or one of its parents.
fn covered(d: &ContainerDefinition, path: &str) -> bool {
    d.mount_points.iter().any(|m| {
        !m.read_only && {
            let mp = m.container_path.trim_end_matches('/');
            path == mp || path.starts_with(&format!("{mp}/"))
        }
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
) -> Vec<Check> {
    let Some(c) = task.containers.iter().find(|c| c.name == container) else {
        return Vec::new();
    };
    let td = service.task_definition.as_ref();
    checks(&Facts {
        task,
        container: c,
        definition: td.and_then(|td| td.container(container)),
        task_definition: td,
        service: Some(service),
        plugin,
    })
}

pub fn passed(checks: &[Check]) -> bool {
    checks.iter().all(|c| c.status != Status::Fail)
}

#[cfg(test)]
#[path = "doctor_tests.rs"]
mod tests;
