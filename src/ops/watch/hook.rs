//! `--exec CMD`: each event runs `sh -c CMD` with the JSON line on stdin and
//! `TOADTOP_EVENT`, `TOADTOP_LEVEL`, `TOADTOP_CLUSTER`, `TOADTOP_SERVICE`,
//! `TOADTOP_MESSAGE` in its environment. At most [`MAX_RUNNING`] at once, each killed
//! after the timeout; a hook that fails or hangs is reported (through `report`) and the
//! watch goes on. The hook's stdout goes to toadtop's stderr, so stdout stays one event
//! a line.

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::Event;

/// Hooks running at once.
pub const MAX_RUNNING: usize = 4;
/// Hooks waiting for a slot, beyond which new events skip the hook (said on stderr): a
/// hook that always hangs must not make the watch's memory grow.
pub const MAX_WAITING: usize = 256;

pub type Report = Arc<dyn Fn(String) + Send + Sync>;

#[derive(Clone)]
pub struct Hooks {
    command: String,
    timeout: Duration,
    slots: Arc<tokio::sync::Semaphore>,
    pending: Arc<AtomicUsize>,
    report: Report,
}

impl Hooks {
    pub fn new(command: String, timeout: Duration, report: Report) -> Hooks {
        Hooks {
            command,
            timeout,
            slots: Arc::new(tokio::sync::Semaphore::new(MAX_RUNNING)),
            pending: Arc::new(AtomicUsize::new(0)),
            report,
        }
    }

    /// Hooks started or waiting, not yet finished.
    pub fn pending(&self) -> usize {
        self.pending.load(Ordering::SeqCst)
    }

    /// Runs the hook for `event` in the background.
    pub fn fire(&self, event: &Event) {
        if self.pending.fetch_add(1, Ordering::SeqCst) >= MAX_RUNNING + MAX_WAITING {
            self.pending.fetch_sub(1, Ordering::SeqCst);
            (self.report)(format!(
                "--exec: {} hooks already running or waiting; skipped for {} ({})",
                MAX_RUNNING + MAX_WAITING,
                event.event.as_str(),
                event.place()
            ));
            return;
        }
        let mut line = crate::safety::json_string(&event.to_json());
        line.push('\n');
        let env = env_of(event);
        let what = format!("{} ({})", event.event.as_str(), event.place());
        let this = self.clone();
        tokio::spawn(async move {
            // The semaphore is never closed, so acquire only fails if it were.
            if let Ok(_slot) = this.slots.clone().acquire_owned().await {
                let (command, timeout) = (this.command.clone(), this.timeout);
                let outcome =
                    tokio::task::spawn_blocking(move || run(&command, &line, &env, timeout)).await;
                match outcome {
                    Ok(Ok(())) => {}
                    Ok(Err(why)) => (this.report)(format!("--exec hook for {what} {why}")),
                    Err(e) => (this.report)(format!("--exec hook for {what} failed: {e}")),
                }
            }
            this.pending.fetch_sub(1, Ordering::SeqCst);
        });
    }

    /// Waits until every hook has finished, at most `limit`.
    pub async fn drain(&self, limit: Duration) {
        let deadline = Instant::now() + limit;
        while self.pending() > 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// The hook's environment: plain text, control characters stripped.
pub fn env_of(e: &Event) -> Vec<(&'static str, String)> {
    let s = |v: &str| crate::safety::sanitize(v);
    vec![
        ("TOADTOP_EVENT", e.event.as_str().to_string()),
        ("TOADTOP_LEVEL", e.level.as_str().to_string()),
        ("TOADTOP_CLUSTER", s(e.cluster.as_deref().unwrap_or(""))),
        ("TOADTOP_SERVICE", s(e.service.as_deref().unwrap_or(""))),
        ("TOADTOP_MESSAGE", s(&e.message)),
    ]
}

/// Runs `sh -c command` with `input` on stdin; `Err` says how it failed in words.
fn run(
    command: &str,
    input: &str,
    env: &[(&'static str, String)],
    timeout: Duration,
) -> Result<(), String> {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(command)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::piped())
        .stdout(hook_stdout());
    let mut child = cmd.spawn().map_err(|e| format!("could not start: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A hook that does not read its stdin is fine (EPIPE is not a failure).
        let _ = stdin.write_all(input.as_bytes());
    }
    let deadline = Instant::now() + timeout;
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => {
                return Err(match status.code() {
                    Some(code) => format!("exited {code}"),
                    None => format!("was killed ({status})"),
                })
            }
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "timed out after {}s and was killed (--timeout-exec)",
                    timeout.as_secs_f64()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(format!("could not be waited for: {e}")),
        }
    }
}

/// toadtop's own stderr, for the hook's stdout (null if it cannot be duplicated).
fn hook_stdout() -> Stdio {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        if let Ok(fd) = std::io::stderr().as_fd().try_clone_to_owned() {
            return Stdio::from(fd);
        }
    }
    Stdio::null()
}
