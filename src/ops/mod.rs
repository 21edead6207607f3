//! Operations shared by the TUI and the headless commands: pure plans and verdicts, and
//! async drivers that carry them out and report progress.

pub mod audit;
pub mod deploy;
pub mod exec;
pub mod forward;
pub mod interrupt;
pub mod jobs;
pub mod logs;
pub mod migrate;
pub mod progress;
pub mod remember;
pub mod taskdef_diff;
pub mod watch;

/// The one place `--read-only` refuses a mutation, before any AWS call.
pub fn refuse_if_read_only(read_only: bool, action: &str) -> Result<(), String> {
    if read_only {
        Err(format!(
            "{action} refused: toadtop runs read-only (--read-only or read_only in the config)"
        ))
    } else {
        Ok(())
    }
}
