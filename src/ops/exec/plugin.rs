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

/// What the plugin gets of toadtop's environment: the variables a terminal program, an
/// HTTPS client behind a proxy and the AWS SDK's non-secret settings need, and toadtop's own
/// `TOADTOP_*`. Never credentials (`AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, …) nor the
/// rest of the environment (an operator's shell may hold a `DB_PASSWORD`): the session is
/// authorized by its own token. The plugin's own AWS calls (KMS for an encrypted session,
/// ResumeSession after a network drop) find credentials through the profile it is given,
/// the AWS files, web identity or the instance/container role.
pub fn passes_to_plugin(name: &str) -> bool {
    const EXACT: &[&str] = &[
        "PATH",
        "HOME",
        "USER",
        "LOGNAME",
        "SHELL",
        "TERM",
        "COLORTERM",
        "TERMINFO",
        "TERMINFO_DIRS",
        "LANG",
        "LANGUAGE",
        "TZ",
        "TMPDIR",
        "NO_COLOR",
        "SYSTEMROOT",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "NO_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "no_proxy",
        "all_proxy",
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_CONFIG_FILE",
        "AWS_SHARED_CREDENTIALS_FILE",
        "AWS_SDK_LOAD_CONFIG",
        "AWS_CA_BUNDLE",
        "AWS_STS_REGIONAL_ENDPOINTS",
        "AWS_EC2_METADATA_DISABLED",
        "AWS_USE_FIPS_ENDPOINT",
        "AWS_USE_DUALSTACK_ENDPOINT",
        "AWS_ROLE_ARN",
        "AWS_ROLE_SESSION_NAME",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    ];
    EXACT.contains(&name) || name.starts_with("LC_") || name.starts_with("TOADTOP_")
}

/// The part of `vars` (this process's environment) that [`passes_to_plugin`].
pub fn plugin_env(
    vars: impl Iterator<Item = (std::ffi::OsString, std::ffi::OsString)>,
) -> Vec<(std::ffi::OsString, std::ffi::OsString)> {
    vars.filter(|(k, _)| k.to_str().is_some_and(passes_to_plugin))
        .collect()
}

/// `locate` with this process's PATH.
pub fn locate_here(configured: Option<&str>) -> Result<PathBuf, String> {
    locate(configured, std::env::var("PATH").ok().as_deref())
}

/// Finds the plugin: a configured path, else `session-manager-plugin` on PATH. Relative
/// PATH entries (`.`, `bin`, an empty entry) are skipped: they would run whatever file
/// of that name the current directory holds.
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
        .map(Path::new)
        .filter(|d| d.is_absolute())
        .map(|d| d.join(name))
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
