//! Handing an ExecuteCommand session to AWS's session-manager-plugin exactly as the AWS
//! CLI does, except that the session (with its token) travels in an environment
//! variable, so it never shows in the process list.

use std::path::{Path, PathBuf};

/// The environment variable the plugin reads the StartSession response from when
/// argv[1] names it.
pub const RESPONSE_ENV: &str = "AWS_SSM_START_SESSION_RESPONSE";

#[derive(Clone, PartialEq, Eq)]
pub struct Invocation {
    pub program: PathBuf,
    pub args: Vec<String>,
    /// (name, value) to add to the child's environment; holds the token.
    pub env: Vec<(String, String)>,
}

/// Names the environment variables but never their values (the session token), so no
/// `{:?}` in a log line or a failed test can leak it.
impl std::fmt::Debug for Invocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let env: Vec<&str> = self.env.iter().map(|(k, _)| k.as_str()).collect();
        f.debug_struct("Invocation")
            .field("program", &self.program)
            .field("args", &self.args)
            .field("env", &env)
            .finish()
    }
}

/// argv = [plugin, RESPONSE_ENV, region, "StartSession", profile or "",
/// {"Target":"ecs:<cluster>_<task-id>_<runtime-id>"}, ECS endpoint URL]
// Each argument is one slot of the plugin's argv; a struct would only rename them.
#[allow(clippy::too_many_arguments)]
pub fn invocation(
    plugin: &Path,
    session_json: &str,
    region: &str,
    profile: Option<&str>,
    cluster: &str,
    task_id: &str,
    runtime_id: &str,
    ecs_endpoint: &str,
) -> Invocation {
    let target = serde_json::json!({ "Target": format!("ecs:{cluster}_{task_id}_{runtime_id}") })
        .to_string();
    Invocation {
        program: plugin.to_path_buf(),
        args: vec![
            RESPONSE_ENV.to_string(),
            region.to_string(),
            "StartSession".to_string(),
            profile.unwrap_or("").to_string(),
            target,
            ecs_endpoint.to_string(),
        ],
        env: vec![(RESPONSE_ENV.to_string(), session_json.to_string())],
    }
}

/// `locate` with this process's PATH.
pub fn locate_here(configured: Option<&str>) -> Result<PathBuf, String> {
    locate(configured, std::env::var("PATH").ok().as_deref())
}

/// Finds the plugin: a configured path, else `session-manager-plugin` on PATH.
pub fn locate(configured: Option<&str>, path_var: Option<&str>) -> Result<PathBuf, String> {
    let name = configured.unwrap_or("session-manager-plugin");
    let p = Path::new(name);
    if p.components().count() > 1 {
        return if is_executable(p) {
            Ok(p.to_path_buf())
        } else {
            Err(format!("{name} is not an executable file"))
        };
    }
    path_var
        .unwrap_or("")
        .split(':')
        .filter(|d| !d.is_empty())
        .map(|d| Path::new(d).join(name))
        .find(|c| is_executable(c))
        .ok_or_else(|| format!("{name} is not on PATH"))
}

fn is_executable(p: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        p.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        p.is_file()
    }
}

/// The endpoint the plugin is told about: the custom one, or the regional ECS endpoint.
pub fn ecs_endpoint(custom: Option<&str>, region: &str) -> String {
    custom.map_or_else(
        || format!("https://ecs.{region}.amazonaws.com"),
        str::to_string,
    )
}

#[cfg(test)]
#[path = "plugin_tests.rs"]
mod tests;
