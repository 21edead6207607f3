//! Driving one forward, the same for the TUI and `toadtop forward`: audit start line,
//! StartSession, the plugin as a background child with its output captured, then (when
//! asked to stop, or when the plugin dies) the child ended, TerminateSession, audit end.

use std::future::Future;
use std::io::BufRead;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, oneshot};

use super::{ForwardSpec, TO_HOST};
use crate::aws::{ecs_write, ssm_session, AwsContext};
use crate::ops::audit::{record, Who};
use crate::ops::exec::plugin::{plugin_env, Invocation};
use crate::ops::progress::{Outcome, Step};

/// How long the plugin gets to leave after SIGTERM before SIGKILL.
const STOP_WAIT: Duration = Duration::from_secs(3);
/// How long a plugin that exited gets for its last output lines to be read.
const LAST_WORDS_WAIT: Duration = Duration::from_secs(1);
/// Plugin output lines kept to say why it died.
const KEEP_LINES: usize = 5;

/// What a running forward reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The session is open and the plugin started: `local` is `127.0.0.1:PORT`.
    Started { local: String, session_id: String },
    /// The plugin listens on the local port (it said so, or has run [`READY_FALLBACK`]
    /// without dying): connections work from now on.
    Ready,
    /// A line the plugin printed (sanitized).
    Output(String),
}

/// When the plugin never says it listens (another version's wording), it is taken to
/// after this long alive.
const READY_FALLBACK: Duration = Duration::from_secs(10);

/// What session-manager-plugin prints once the local port is open (`Port N opened for
/// sessionId X.` then `Waiting for connections...`).
fn says_ready(line: &str) -> bool {
    line.contains("Waiting for connections") || line.contains("opened for sessionId")
}

/// How it ended: `failure` is why when it was not asked to (the plugin died).
#[derive(Debug, Clone, PartialEq)]
pub struct Ended {
    pub failure: Option<String>,
    /// What stopped it when asked to (`stop`'s answer).
    pub stopped_by: Option<String>,
    pub duration: Duration,
    /// TerminateSession failed (the session may linger until SSM times it out).
    pub terminate_error: Option<String>,
}

/// The whole forward. `local_port` was checked free (see [`super::local_port`]);
/// `stop` resolves with the reason when the forward should end (ended by a key, quit,
/// a signal, the task stopped). Errs (no session open) when the audit refuses it or
/// StartSession fails.
pub async fn run(
    ctx: &AwsContext,
    spec: &ForwardSpec,
    plugin_path: &Path,
    local_port: u16,
    on_event: impl Fn(Event),
    stop: impl Future<Output = String>,
    on_audit_error: impl Fn(String),
) -> Result<Ended, String> {
    let local = format!("127.0.0.1:{local_port}");
    let who = Who::new(&ctx.profile, &ctx.region, Some(&spec.task.cluster_arn));
    let mut out = Outcome::new("forward", &spec.cluster, &spec.service);
    out.task = Some(spec.task.id.clone());
    out.command = Some(format!("{}: {local} → {}", spec.container, spec.remote()));
    crate::ops::audit::begin(&who, &out, &on_audit_error)?;
    let started = Instant::now();
    let fail_early = |out: Outcome, e: String| {
        if let Err(a) = record(
            &who,
            "end",
            &out.fail(Step::Forward, e.clone(), "no session was opened"),
        ) {
            on_audit_error(a);
        }
        Err(e)
    };
    let runtime_id = match spec.runtime_id() {
        Ok(r) => r,
        Err(e) => return fail_early(out, e),
    };
    let target = super::ssm_target(spec.cluster_name(), &spec.task.id, &runtime_id);
    let document = super::document(spec.remote_host.as_deref());
    let params = super::parameters(spec.remote_host.as_deref(), spec.remote_port, local_port);
    let session = match ssm_session::start_session(ctx, &target, document, &params).await {
        Ok(s) => s,
        Err(e) => return fail_early(out, e.to_string()),
    };
    let inv = super::invocation(
        plugin_path,
        &session.session_json,
        &ctx.region,
        ctx.profile_flag.as_deref(),
        &super::request_json(&target, document, &params),
        &super::ssm_endpoint(ctx.endpoint_url.as_deref(), &ctx.region),
    );
    tracing::info!(
        session_id = %session.session_id,
        target = %target,
        remote_host = document == TO_HOST,
        "forward session opened"
    );
    let (lines_tx, mut lines_rx) = mpsc::unbounded_channel::<String>();
    let child = spawn(&inv, lines_tx);
    let (failure, stopped_by) = match child {
        Err(e) => (
            Some(format!("could not run {}: {e}", inv.program.display())),
            None,
        ),
        Ok(mut child) => {
            on_event(Event::Started {
                local: local.clone(),
                session_id: session.session_id.clone(),
            });
            let mut last: std::collections::VecDeque<String> = Default::default();
            tokio::pin!(stop);
            let fallback = tokio::time::sleep(READY_FALLBACK);
            tokio::pin!(fallback);
            let mut ready = false;
            let ended = loop {
                tokio::select! {
                    () = &mut fallback, if !ready => {
                        ready = true;
                        on_event(Event::Ready);
                    }
                    line = lines_rx.recv() => match line {
                        Some(l) => {
                            if !ready && says_ready(&l) {
                                ready = true;
                                on_event(Event::Ready);
                            }
                            if last.len() == KEEP_LINES {
                                last.pop_front();
                            }
                            last.push_back(l.clone());
                            on_event(Event::Output(l));
                        }
                        // Both pipes closed: wait for the exit itself below.
                        None => break Ended2::Exited((&mut child.exit).await.ok()),
                    },
                    status = &mut child.exit => break Ended2::Exited(status.ok()),
                    why = &mut stop => break Ended2::Stopped(why),
                }
            };
            match ended {
                Ended2::Stopped(why) => {
                    child.terminate().await;
                    (None, Some(why))
                }
                Ended2::Exited(status) => {
                    // The last words: what it printed before it went. The readers may still
                    // be on them when the exit is seen: wait for its pipes to close (a
                    // moment at most; a grandchild could hold them open).
                    let deadline = tokio::time::Instant::now() + LAST_WORDS_WAIT;
                    while let Ok(Some(l)) = tokio::time::timeout_at(deadline, lines_rx.recv()).await
                    {
                        on_event(Event::Output(l.clone()));
                        if last.len() == KEEP_LINES {
                            last.pop_front();
                        }
                        last.push_back(l);
                    }
                    (Some(died(status, last.back().map(String::as_str))), None)
                }
            }
        }
    };
    // The plugin ends the session itself when it can; this makes sure it is gone.
    let terminate_error = ecs_write::terminate_session(ctx, &session.session_id)
        .await
        .err()
        .map(|e| e.to_string());
    out.duration_secs = started.elapsed().as_secs_f64();
    let secs = started.elapsed().as_secs();
    let state = match &terminate_error {
        None => format!("forwarded for {secs}s; session terminated"),
        Some(e) => format!("forwarded for {secs}s; TerminateSession failed: {e}"),
    };
    out.service_state = Some(state.clone());
    if let Some(f) = &failure {
        out = out.fail(Step::Forward, f.clone(), state);
    } else {
        out.reason = stopped_by.clone();
    }
    tracing::info!(
        session_id = %session.session_id,
        secs,
        failure = failure.as_deref().unwrap_or(""),
        "forward session ended"
    );
    if let Err(e) = record(&who, "end", &out) {
        on_audit_error(e);
    }
    Ok(Ended {
        failure,
        stopped_by,
        duration: started.elapsed(),
        terminate_error,
    })
}

enum Ended2 {
    Exited(Option<std::io::Result<ExitStatus>>),
    Stopped(String),
}

fn died(status: Option<std::io::Result<ExitStatus>>, last: Option<&str>) -> String {
    let how = match status {
        Some(Ok(s)) => match s.code() {
            Some(c) => format!("exit {c}"),
            None => "killed by a signal".to_string(),
        },
        Some(Err(e)) => e.to_string(),
        None => "gone".to_string(),
    };
    match last {
        Some(l) => format!("session-manager-plugin ended ({how}): {l}"),
        None => format!("session-manager-plugin ended ({how})"),
    }
}

/// The plugin as a background child: its own process group (the terminal's signals are
/// toadtop's to handle, and it never reads the terminal), stdin closed, stdout and stderr
/// read line by line into `lines`.
struct Child {
    pid: u32,
    exit: oneshot::Receiver<std::io::Result<ExitStatus>>,
}

fn spawn(inv: &Invocation, lines: mpsc::UnboundedSender<String>) -> std::io::Result<Child> {
    let mut cmd = Command::new(&inv.program);
    cmd.args(&inv.args)
        .env_clear()
        .envs(plugin_env(std::env::vars_os()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in &inv.env {
        cmd.env(k, v);
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    let mut child = cmd.spawn()?;
    let pid = child.id();
    let readers: Vec<Box<dyn std::io::Read + Send>> = [
        child
            .stdout
            .take()
            .map(|r| Box::new(r) as Box<dyn std::io::Read + Send>),
        child
            .stderr
            .take()
            .map(|r| Box::new(r) as Box<dyn std::io::Read + Send>),
    ]
    .into_iter()
    .flatten()
    .collect();
    for r in readers {
        let tx = lines.clone();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(r).lines() {
                let Ok(line) = line else { break };
                let line = crate::safety::sanitize(line.trim_end());
                if !line.is_empty() && tx.send(line).is_err() {
                    break;
                }
            }
        });
    }
    let (tx, exit) = oneshot::channel();
    // A thread owns the child and reaps it; toadtop signals it by pid until then.
    std::thread::spawn(move || {
        let _ = tx.send(child.wait());
    });
    Ok(Child { pid, exit })
}

impl Child {
    /// SIGTERM, then SIGKILL if it has not left within [`STOP_WAIT`]. Only while the
    /// reaping thread has not seen it exit, so the pid is still this child's.
    async fn terminate(&mut self) {
        if self.signal_unless_gone(Sig::Term) {
            return;
        }
        if tokio::time::timeout(STOP_WAIT, &mut self.exit)
            .await
            .is_err()
        {
            self.signal_unless_gone(Sig::Kill);
            let _ = tokio::time::timeout(STOP_WAIT, &mut self.exit).await;
        }
    }

    /// Returns whether it was already gone.
    fn signal_unless_gone(&mut self, sig: Sig) -> bool {
        if !matches!(
            self.exit.try_recv(),
            Err(oneshot::error::TryRecvError::Empty)
        ) {
            return true;
        }
        #[cfg(unix)]
        {
            let s = match sig {
                Sig::Term => libc::SIGTERM,
                Sig::Kill => libc::SIGKILL,
            };
            // The pid is a child not reaped yet (checked just above), so it is ours.
            if let Ok(pid) = libc::pid_t::try_from(self.pid) {
                // SAFETY: kill(2) has no memory-safety preconditions.
                unsafe {
                    libc::kill(pid, s);
                }
            }
        }
        #[cfg(not(unix))]
        let _ = sig;
        false
    }
}

#[derive(Clone, Copy)]
enum Sig {
    Term,
    Kill,
}
