//! The local audit log: one JSON line per mutating action, when it starts and how it
//! ended (`~/.local/share/toadtop/audit.log` on Linux). Never holds secrets: targets,
//! revisions and results only.

use std::io::Write;
use std::path::PathBuf;

use serde_json::json;

use super::progress::Outcome;
use crate::timefmt::Timestamp;

pub fn path() -> Option<PathBuf> {
    crate::config::Config::data_dir().map(|d| d.join("audit.log"))
}

#[derive(Debug, Clone)]
pub struct Who {
    pub profile: String,
    pub region: String,
    pub account: Option<String>,
}

/// Appends one line; returns an error text the caller shows (an action is not undone
/// because its audit line could not be written, but the operator must know).
pub fn record(who: &Who, phase: &str, outcome: &Outcome) -> Result<(), String> {
    let line = json!({
        "time": Timestamp::now().rfc3339(),
        "profile": who.profile,
        "account": who.account,
        "region": who.region,
        "phase": phase,
        "action": outcome.action,
        "target": format!("{}/{}", outcome.cluster, outcome.service),
        "task": outcome.task,
        "command": outcome.command.as_deref().map(crate::safety::mask_command_line),
        "before": outcome.old_revision,
        "after": outcome.new_revision,
        "deployment_id": outcome.deployment_id,
        "result": if phase == "start" { json!("started") } else { json!(outcome.result) },
        "failed_step": outcome.failed_step,
        "reason": outcome.reason,
    });
    // The diagnostic log gets the same line: it holds no secrets by construction.
    tracing::info!(audit = %line, "action {phase}");
    let path = path().ok_or("no data directory for the audit log")?;
    if let Some(dir) = path.parent() {
        crate::private_fs::private_dir(dir)
            .map_err(|e| format!("audit log {}: {e}", dir.display()))?;
    }
    let mut f = crate::private_fs::open_append(&path)
        .map_err(|e| format!("audit log {}: {e}", path.display()))?;
    // Escaped like stdout's JSON: `cat audit.log` must not replay a hostile reason.
    writeln!(f, "{}", crate::safety::json_string(&line))
        .map_err(|e| format!("audit log {}: {e}", path.display()))
}

/// Writes the start and end lines around `run`; a failed audit write is reported, not fatal.
/// `on_error` shows a failed write where the caller can (stderr, or the job pane: the
/// TUI must never print to the terminal).
pub async fn audited<F: std::future::Future<Output = Outcome>>(
    who: &Who,
    start: &Outcome,
    run: F,
    on_error: impl Fn(String),
) -> Outcome {
    if let Err(e) = record(who, "start", start) {
        on_error(e);
    }
    let out = run.await;
    if let Err(e) = record(who, "end", &out) {
        on_error(e);
    }
    out
}
