//! Starting an exec session and running the plugin as a child that owns the terminal.

use std::path::Path;
use std::process::{Command, ExitStatus};

use super::plugin::{self, Invocation};
use crate::aws::{ecs_write, AwsContext};
use crate::domain::{Container, Task};

/// Which container of which task, running what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecTarget {
    pub cluster: String,
    pub service: String,
    pub task: Task,
    pub container: String,
    pub command: String,
}

impl ExecTarget {
    pub fn container(&self) -> Option<&Container> {
        self.task
            .containers
            .iter()
            .find(|c| c.name == self.container)
    }
}

/// Calls ExecuteCommand and builds the plugin invocation. The token stays inside
/// `Invocation::env`.
pub async fn start(
    ctx: &AwsContext,
    target: &ExecTarget,
    plugin_path: &Path,
) -> Result<(Invocation, String), String> {
    let runtime_id = target
        .container()
        .and_then(|c| c.runtime_id.clone())
        .ok_or_else(|| {
            format!(
                "container {} has no runtime id yet (is it running?)",
                target.container
            )
        })?;
    let session = ecs_write::execute_command(
        ctx,
        &target.cluster,
        &target.task.arn,
        &target.container,
        &target.command,
    )
    .await
    .map_err(|e| e.to_string())?;
    let cluster_name = crate::domain::arn_tail(&target.task.cluster_arn);
    let cluster_name = if cluster_name.is_empty() {
        target.cluster.as_str()
    } else {
        cluster_name
    };
    let inv = plugin::invocation(
        plugin_path,
        &session.session_json,
        &ctx.region,
        ctx.profile_flag.as_deref(),
        cluster_name,
        &target.task.id,
        &runtime_id,
        &plugin::ecs_endpoint(ctx.endpoint_url.as_deref(), &ctx.region),
    );
    Ok((inv, session.session_id))
}

/// Runs the plugin in the foreground and waits. Blocking: call it with the terminal
/// handed over (raw mode off, main screen) and from a blocking context.
///
/// toadtop ignores SIGINT/SIGQUIT/SIGTSTP meanwhile (the plugin forwards them into the
/// session); the child gets the default handlers back before exec.
pub fn run_foreground(inv: &Invocation) -> std::io::Result<ExitStatus> {
    let mut cmd = Command::new(&inv.program);
    cmd.args(&inv.args);
    // Only what the plugin needs of toadtop's environment (no AWS secret key).
    cmd.env_clear();
    cmd.envs(super::plugin::plugin_env(std::env::vars_os()));
    for (k, v) in &inv.env {
        cmd.env(k, v);
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: between fork and exec only async-signal-safe calls (signal(2)).
        unsafe {
            cmd.pre_exec(|| {
                for sig in [libc::SIGINT, libc::SIGQUIT, libc::SIGTSTP] {
                    libc::signal(sig, libc::SIG_DFL);
                }
                Ok(())
            });
        }
    }
    let _guard = IgnoreSignals::new();
    cmd.status()
}

/// Ignores the terminal's job-control signals in toadtop until dropped. The whole
/// previous `sigaction` is kept and put back: the TUI's SIGINT handler (tokio's) is an
/// SA_SIGINFO one, which `signal(2)` could not restore as it was.
struct IgnoreSignals {
    #[cfg(unix)]
    previous: Vec<(libc::c_int, libc::sigaction)>,
}

impl IgnoreSignals {
    fn new() -> Self {
        #[cfg(unix)]
        {
            let previous = [libc::SIGINT, libc::SIGQUIT, libc::SIGTSTP]
                .into_iter()
                .filter_map(|sig| {
                    // SAFETY: plain C structs, zeroed then filled by sigaction(2); installing
                    // SIG_IGN has no memory-safety preconditions.
                    unsafe {
                        let mut ignore: libc::sigaction = std::mem::zeroed();
                        ignore.sa_sigaction = libc::SIG_IGN;
                        let mut old: libc::sigaction = std::mem::zeroed();
                        (libc::sigaction(sig, &ignore, &mut old) == 0).then_some((sig, old))
                    }
                })
                .collect();
            IgnoreSignals { previous }
        }
        #[cfg(not(unix))]
        IgnoreSignals {}
    }
}

impl Drop for IgnoreSignals {
    fn drop(&mut self) {
        #[cfg(unix)]
        for (sig, old) in &self.previous {
            // SAFETY: restores the action that was installed before, as it was.
            unsafe {
                libc::sigaction(*sig, old, std::ptr::null_mut());
            }
        }
    }
}

/// How an audited session went.
pub struct Ended {
    pub status: std::io::Result<ExitStatus>,
    pub program: std::path::PathBuf,
    pub duration: std::time::Duration,
}

/// The whole session, the same for the TUI and `toadtop exec`: audit start line,
/// ExecuteCommand, `foreground` (which hands the terminal to the plugin and runs it),
/// TerminateSession, audit end line. `on_audit_error` shows a failed audit write where
/// the caller can. Errs when no session could be opened.
pub async fn run_audited(
    ctx: &AwsContext,
    target: &ExecTarget,
    plugin_path: &Path,
    foreground: impl FnOnce(&Invocation) -> std::io::Result<ExitStatus>,
    on_audit_error: impl Fn(String),
) -> Result<Ended, String> {
    use crate::ops::audit::{record, Who};
    use crate::ops::progress::{Outcome, Step};

    let who = Who::new(&ctx.profile, &ctx.region, Some(&target.task.cluster_arn));
    let mut out = Outcome::new("exec", &target.cluster, &target.service);
    out.task = Some(target.task.id.clone());
    out.command = Some(format!("{}: {}", target.container, target.command));
    // A required audit log that cannot be written refuses the session (no session opened).
    crate::ops::audit::begin(&who, &out, &on_audit_error)?;
    let started = std::time::Instant::now();
    let (inv, session_id) = match start(ctx, target, plugin_path).await {
        Ok(x) => x,
        Err(e) => {
            if let Err(a) = record(
                &who,
                "end",
                &out.fail(Step::Exec, e.clone(), "no session was opened"),
            ) {
                on_audit_error(a);
            }
            return Err(e);
        }
    };
    // The session id only: the token and stream URL stay inside `inv.env`.
    tracing::info!(
        session_id = %session_id,
        cluster = %target.cluster,
        task = %target.task.id,
        container = %target.container,
        "exec session opened"
    );
    let status = foreground(&inv);
    // The plugin normally ends the session itself; this makes sure (errors are harmless).
    let _ = ecs_write::terminate_session(ctx, &session_id).await;
    out.duration_secs = started.elapsed().as_secs_f64();
    let failure = match &status {
        Ok(s) if s.success() => None,
        Ok(s) => Some(
            s.code()
                .map_or_else(|| "ended by a signal".to_string(), |c| format!("exit {c}")),
        ),
        Err(e) => Some(format!("could not run {}: {e}", inv.program.display())),
    };
    tracing::info!(
        session_id = %session_id,
        secs = started.elapsed().as_secs(),
        failure = failure.as_deref().unwrap_or(""),
        "exec session ended"
    );
    if let Some(reason) = failure {
        out = out.fail(Step::Exec, reason, "the session ended with an error");
    }
    if let Err(e) = record(&who, "end", &out) {
        on_audit_error(e);
    }
    Ok(Ended {
        status,
        program: inv.program,
        duration: started.elapsed(),
    })
}
