//! Port forwarding through a task, as `aws ssm start-session` does it: SSM StartSession
//! with a port-forwarding document, then session-manager-plugin, in the background with
//! its output captured. The plan here is pure; `run` drives it.

pub mod run;

use std::collections::BTreeMap;
use std::path::Path;

use crate::domain::{short_task_id, Task};
use crate::ops::exec::doctor::Check;
use crate::ops::exec::plugin::{Invocation, RESPONSE_ENV};

/// To a host the task can reach (RDS, ElastiCache, another service).
pub const TO_HOST: &str = "AWS-StartPortForwardingSessionToRemoteHost";
/// To a port of the container itself.
pub const TO_CONTAINER: &str = "AWS-StartPortForwardingSession";

/// What to forward: a local port to a remote host (or the container's own port) through
/// one container of one task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForwardSpec {
    pub cluster: String,
    pub service: String,
    pub task: Task,
    pub container: String,
    /// `None`: a port of the container itself.
    pub remote_host: Option<String>,
    pub remote_port: u16,
    /// `None`: pick a free one.
    pub local_port: Option<u16>,
}

impl ForwardSpec {
    /// `db.example.internal:3306`, or `php port 8080` for the container's own port.
    pub fn remote(&self) -> String {
        match &self.remote_host {
            Some(h) => format!("{h}:{}", self.remote_port),
            None => format!("{} port {}", self.container, self.remote_port),
        }
    }

    /// `task 3133b44f (php)`.
    pub fn via(&self) -> String {
        format!("task {} ({})", short_task_id(&self.task.id), self.container)
    }

    /// The container's runtime id, needed for the SSM target.
    pub fn runtime_id(&self) -> Result<String, String> {
        self.task
            .containers
            .iter()
            .find(|c| c.name == self.container)
            .and_then(|c| c.runtime_id.clone())
            .ok_or_else(|| {
                format!(
                    "container {} has no runtime id yet (is it running?)",
                    self.container
                )
            })
    }

    /// The cluster's name as the target spells it (from the task's ARN when known).
    pub fn cluster_name(&self) -> &str {
        match crate::domain::arn_tail(&self.task.cluster_arn) {
            "" => &self.cluster,
            name => name,
        }
    }
}

/// `forwarding 127.0.0.1:13306 → db.example.internal:3306 via task 3133b44f (php)`.
pub fn describe(spec: &ForwardSpec, local: &str) -> String {
    format!("forwarding {local} → {} via {}", spec.remote(), spec.via())
}

/// Forwarding opens a session into a container: the same rules as exec (one config
/// section for both), checked before any AWS call.
pub fn allowed(read_only: bool, config: &crate::config::ExecGlobal) -> Result<(), String> {
    if config.disabled {
        return Err("port forwarding is disabled in the config ([exec] disabled = true)".into());
    }
    if read_only && !config.allow_in_read_only {
        return Err("forward refused: toadtop runs read-only (set [exec] allow_in_read_only = true to allow it)".into());
    }
    Ok(())
}

/// The exec doctor's checks that matter to a forward: all but those about shells
/// (`initProcessEnabled` only reaps the processes an exec'd shell leaves).
pub fn checks(all: Vec<Check>) -> Vec<Check> {
    all.into_iter()
        .filter(|c| c.name != "initProcessEnabled")
        .collect()
}

/// `ecs:<cluster>_<task-id>_<container-runtime-id>`.
pub fn ssm_target(cluster: &str, task_id: &str, runtime_id: &str) -> String {
    format!("ecs:{cluster}_{task_id}_{runtime_id}")
}

pub fn document(remote_host: Option<&str>) -> &'static str {
    if remote_host.is_some() {
        TO_HOST
    } else {
        TO_CONTAINER
    }
}

/// The document's parameters, each a one-element list of strings.
pub fn parameters(
    remote_host: Option<&str>,
    remote_port: u16,
    local_port: u16,
) -> BTreeMap<String, Vec<String>> {
    let mut p = BTreeMap::new();
    if let Some(h) = remote_host {
        p.insert("host".to_string(), vec![h.to_string()]);
    }
    p.insert("portNumber".to_string(), vec![remote_port.to_string()]);
    p.insert("localPortNumber".to_string(), vec![local_port.to_string()]);
    p
}

/// The StartSession request as the plugin gets it (argv[5]).
pub fn request_json(
    target: &str,
    document: &str,
    params: &BTreeMap<String, Vec<String>>,
) -> String {
    serde_json::json!({
        "Target": target,
        "DocumentName": document,
        "Parameters": params,
    })
    .to_string()
}

/// The SSM endpoint the plugin is told about: the custom one, or the regional endpoint.
pub fn ssm_endpoint(custom: Option<&str>, region: &str) -> String {
    custom.map_or_else(
        || format!("https://ssm.{region}.amazonaws.com"),
        str::to_string,
    )
}

/// argv = [plugin, RESPONSE_ENV, region, "StartSession", profile or "", request JSON,
/// SSM endpoint]; the response (with the token) only in the environment.
pub fn invocation(
    plugin: &Path,
    session_json: &str,
    region: &str,
    profile: Option<&str>,
    request_json: &str,
    ssm_endpoint: &str,
) -> Invocation {
    Invocation {
        program: plugin.to_path_buf(),
        args: vec![
            RESPONSE_ENV.to_string(),
            region.to_string(),
            "StartSession".to_string(),
            profile.unwrap_or("").to_string(),
            request_json.to_string(),
            ssm_endpoint.to_string(),
        ],
        env: vec![(RESPONSE_ENV.to_string(), session_json.to_string())],
    }
}

/// The local port to listen on: `wanted` if it is free on 127.0.0.1, else an error
/// saying so; none wanted: one the system says is free. The plugin binds it a moment
/// later (another program could take it in between; the plugin then says so and dies).
pub fn local_port(wanted: Option<u16>) -> Result<u16, String> {
    let port = wanted.unwrap_or(0);
    match std::net::TcpListener::bind(("127.0.0.1", port)) {
        Ok(l) => l
            .local_addr()
            .map(|a| a.port())
            .map_err(|e| format!("local port: {e}")),
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => Err(format!(
            "local port {port} is already in use on 127.0.0.1 (another program or forward): choose another local port"
        )),
        Err(e) => Err(format!("local port {port}: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_remote_host_uses_the_remote_host_document_with_three_parameters() {
        assert_eq!(document(Some("db")), TO_HOST);
        assert_eq!(document(None), TO_CONTAINER);
        let p = parameters(Some("db.example.internal"), 3306, 13306);
        let v: serde_json::Value =
            serde_json::from_str(&request_json("ecs:c_t_r", TO_HOST, &p)).unwrap();
        assert_eq!(
            v,
            serde_json::json!({
                "Target": "ecs:c_t_r",
                "DocumentName": TO_HOST,
                "Parameters": {
                    "host": ["db.example.internal"],
                    "portNumber": ["3306"],
                    "localPortNumber": ["13306"],
                }
            })
        );
        let p = parameters(None, 8080, 18080);
        assert_eq!(p.len(), 2);
        assert!(!p.contains_key("host"));
    }

    #[test]
    fn the_plugin_gets_the_aws_cli_argv_and_the_token_only_in_its_environment() {
        let inv = invocation(
            Path::new("/bin/smp"),
            r#"{"TokenValue":"secret"}"#,
            "eu-west-1",
            None,
            "{}",
            &ssm_endpoint(None, "eu-west-1"),
        );
        assert_eq!(
            inv.args,
            [
                RESPONSE_ENV,
                "eu-west-1",
                "StartSession",
                "",
                "{}",
                "https://ssm.eu-west-1.amazonaws.com"
            ]
        );
        assert!(inv.args.iter().all(|a| !a.contains("secret")));
        assert!(!format!("{inv:?}").contains("secret"));
        assert_eq!(ssm_endpoint(Some("http://x:1"), "r"), "http://x:1");
    }

    #[test]
    fn read_only_and_disabled_refuse() {
        let mut c = crate::config::ExecGlobal::default();
        assert!(allowed(false, &c).is_ok());
        assert!(allowed(true, &c).unwrap_err().contains("read-only"));
        c.allow_in_read_only = true;
        assert!(allowed(true, &c).is_ok());
        c.disabled = true;
        assert!(allowed(false, &c).unwrap_err().contains("disabled"));
    }

    #[test]
    fn a_busy_local_port_is_an_error_and_none_picks_a_free_one() {
        let held = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let busy = held.local_addr().unwrap().port();
        let e = local_port(Some(busy)).unwrap_err();
        assert!(
            e.contains(&format!("local port {busy} is already in use")),
            "{e}"
        );
        let free = local_port(None).unwrap();
        assert_ne!(free, 0);
        assert_eq!(local_port(Some(free)), Ok(free));
    }
}
