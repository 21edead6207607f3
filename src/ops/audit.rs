//! The local audit log: one JSON line per mutating action, when it starts and how it
//! ended (`~/.local/share/toadtop/audit.log` on Linux). Never holds secrets: targets,
//! revisions, images, commands and results only.
//!
//! Every line carries the same fields (null when they do not apply): who (profile,
//! account, region), what (action, target, task, command, images, before/after,
//! deployment id) and how it went (result, failed step, reason, state). Each line goes
//! out in one `write` on a file opened with O_APPEND, so lines of two toadtop processes
//! never interleave. With `[audit] required` on (the default unless read-only) an action
//! whose `start` line cannot be written does not run.

use std::future::Future;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::{json, Value};

use super::interrupt::{Interruption, Tracker};
use super::progress::{Outcome, Result_};
use crate::timefmt::Timestamp;

pub fn path() -> Option<PathBuf> {
    crate::config::Config::data_dir().map(|d| d.join("audit.log"))
}

/// Whether an action must be refused when its `start` line cannot be written: one
/// setting for the whole process (`main` sets it from `[audit] required`). Fails closed
/// until set.
static REQUIRED: AtomicBool = AtomicBool::new(true);

pub fn set_required(required: bool) {
    REQUIRED.store(required, Ordering::Relaxed);
}

pub fn required() -> bool {
    REQUIRED.load(Ordering::Relaxed)
}

#[derive(Debug, Clone, Default)]
pub struct Who {
    pub profile: String,
    pub region: String,
    pub account: Option<String>,
}

impl Who {
    /// The account comes from an ARN of the target (service, cluster or task ARN), as
    /// the SDK offers no account without an extra STS call.
    pub fn new(profile: &str, region: &str, arn: Option<&str>) -> Who {
        Who {
            profile: profile.to_string(),
            region: region.to_string(),
            account: arn.and_then(crate::domain::account_of),
        }
    }
}

/// The line written for `phase` (`start` or `end`) of the action `o` (pure, for tests;
/// new fields go here).
pub fn line(who: &Who, phase: &str, o: &Outcome, time: &str) -> Value {
    json!({
        "time": time,
        "profile": who.profile,
        "account": who.account,
        "region": who.region,
        "phase": phase,
        "action": o.action,
        "target": format!("{}/{}", o.cluster, o.service),
        "task": o.task,
        "command": o.command.as_deref().map(crate::safety::mask_command_line),
        "images": o.images,
        "before": o.old_revision,
        "after": o.new_revision,
        "deployment_id": o.deployment_id,
        "result": if phase == "start" { json!("started") } else { json!(o.result) },
        "failed_step": o.failed_step,
        "reason": o.reason,
        "state": o.service_state,
    })
}

/// Opens the log for appending, creating it and its directory (0700 directory, 0600 file,
/// no symlink followed, owner checked). The one place the file is opened.
fn open_log(path: &Path) -> std::io::Result<std::fs::File> {
    if let Some(dir) = path.parent() {
        crate::private_fs::private_dir(dir)?;
    }
    crate::private_fs::open_append(path)
}

/// Appends one line; the error names the file and why.
pub fn record(who: &Who, phase: &str, outcome: &Outcome) -> Result<(), String> {
    let line = line(who, phase, outcome, &Timestamp::now().rfc3339());
    // The diagnostic log gets the same line: it holds no secrets by construction.
    tracing::info!(audit = %line, "action {phase}");
    let path = path().ok_or("audit log: no data directory (HOME is not set)")?;
    // Escaped like stdout's JSON: `cat audit.log` must not replay a hostile reason.
    let mut text = crate::safety::json_string(&line);
    text.push('\n');
    // One write_all of the whole line on an O_APPEND file: a concurrent writer's line
    // lands before or after it, never inside.
    open_log(&path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|e| format!("audit log {}: {e}", path.display()))
}

/// Writes the `start` line. `Err` (the refusal, in words) when it could not be written
/// and the audit is required: the caller must not run the action. Otherwise a failed
/// write goes to `on_error` and the action may run.
pub fn begin(who: &Who, start: &Outcome, on_error: impl Fn(String)) -> Result<(), String> {
    match record(who, "start", start) {
        Ok(()) => Ok(()),
        Err(e) if required() => Err(format!(
            "{e}; {} refused: the audit log is required ([audit] required in the config), nothing was done in AWS",
            start.action
        )),
        Err(e) => {
            on_error(format!("{e} (the action runs unrecorded: [audit] required is off)"));
            Ok(())
        }
    }
}

/// What the end line takes from the start line when the driver left it out: one action,
/// the same who/what on both lines.
fn carry(start: &Outcome, end: &mut Outcome) {
    if end.command.is_none() {
        end.command.clone_from(&start.command);
    }
    if end.images.is_none() {
        end.images.clone_from(&start.images);
    }
    if end.old_revision.is_none() {
        end.old_revision.clone_from(&start.old_revision);
    }
}

/// Writes the start and end lines around `run`. The start line first: when it cannot be
/// written and the audit is required, `run` is never polled (nothing happens in AWS) and
/// the outcome is `refused`. When `interrupt` finishes first, `run` is dropped and the
/// end line says `interrupted` with what `tracker` saw it leave in AWS. `on_error` shows
/// a failed write where the caller can (stderr, or the job pane: the TUI must never
/// print to the terminal).
pub async fn audited<F, I>(
    who: &Who,
    start: &Outcome,
    tracker: &Tracker,
    run: F,
    interrupt: I,
    on_error: impl Fn(String),
) -> Outcome
where
    F: Future<Output = Outcome>,
    I: Future<Output = Interruption>,
{
    if let Err(refusal) = begin(who, start, &on_error) {
        on_error(refusal.clone());
        let mut o = start.clone();
        o.result = Result_::Refused;
        o.reason = Some(refusal);
        return o;
    }
    let started = std::time::Instant::now();
    let mut out = tokio::select! {
        out = run => out,
        why = interrupt => tracker
            .left()
            .interrupted(start, why, started.elapsed().as_secs_f64()),
    };
    carry(start, &mut out);
    if let Err(e) = record(who, "end", &out) {
        on_error(e);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_has_every_field() {
        let who = Who::new(
            "prod",
            "eu-west-1",
            Some("arn:aws:ecs:eu-west-1:123456789012:service/c/web"),
        );
        let mut o = Outcome::new("migrate", "c", "web");
        o.command = Some("php artisan migrate --force".into());
        let l = line(&who, "start", &o, "t");
        for key in [
            "time",
            "profile",
            "account",
            "region",
            "phase",
            "action",
            "target",
            "task",
            "command",
            "images",
            "before",
            "after",
            "deployment_id",
            "result",
            "failed_step",
            "reason",
            "state",
        ] {
            assert!(l.get(key).is_some(), "no {key} in {l}");
        }
        assert_eq!(l["account"], "123456789012");
        assert_eq!(l["command"], "php artisan migrate --force");
        assert_eq!(l["result"], "started");
    }

    #[test]
    fn the_end_line_keeps_what_the_start_line_said() {
        let mut start = Outcome::new("deploy", "c", "web");
        start.images = Some([("php".to_string(), "repo:v2".to_string())].into());
        start.old_revision = Some("web:2".into());
        let mut end = Outcome::new("deploy", "c", "web");
        carry(&start, &mut end);
        assert_eq!(end.images, start.images);
        assert_eq!(end.old_revision.as_deref(), Some("web:2"));
    }
}
