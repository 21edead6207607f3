//! ECS Exec: the pre-flight doctor, choosing the target, and handing the session to
//! session-manager-plugin the way the AWS CLI does.

pub mod doctor;
pub mod image;
pub mod plugin;
pub mod session;

/// Exec changes running containers: refused under read-only unless the config allows
/// it, and refused everywhere when the config forbids it.
pub fn allowed(read_only: bool, config: &crate::config::ExecGlobal) -> Result<(), String> {
    if config.disabled {
        return Err("exec is disabled in the config ([exec] disabled = true)".into());
    }
    if read_only && !config.allow_in_read_only {
        return Err("exec refused: toadtop runs read-only (set [exec] allow_in_read_only = true to allow it)".into());
    }
    Ok(())
}
