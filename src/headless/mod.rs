//! Front ends without a terminal UI, for scripts and CI. They never enter raw mode.

pub mod actions;
pub mod exec;
pub mod forward;
pub mod logs;
pub mod once;
pub mod snapshot;
pub mod textable;
pub mod watch;

use crate::aws::{ecs, AwsContext, AwsError};
use crate::domain::Cluster;

/// Why a named cluster (or service, task, container) could not be used.
#[derive(Debug)]
pub enum FindError {
    Aws(AwsError),
    /// The name is wrong; the message lists what exists.
    NotFound(String),
}

impl std::fmt::Display for FindError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FindError::Aws(e) => e.fmt(f),
            FindError::NotFound(m) => f.write_str(m),
        }
    }
}

/// The cluster a headless command names (by name or ARN).
pub async fn find_cluster(ctx: &AwsContext, name: &str) -> Result<Cluster, FindError> {
    let all = ecs::load_clusters(ctx, &|_: &str| true)
        .await
        .map_err(FindError::Aws)?;
    let names: Vec<String> = all.iter().map(|c| c.name.clone()).collect();
    all.into_iter()
        .find(|c| c.name == name || c.arn == name)
        .ok_or_else(|| {
            FindError::NotFound(format!("no cluster `{name}`; clusters: {}", list(&names)))
        })
}

/// The message for a describe of `cluster`/`service` that found nothing: which of the two
/// does not exist, and what does. Falls back to `err` when listing fails as well.
pub async fn explain_not_found(
    ctx: &AwsContext,
    cluster: &str,
    service: &str,
    err: &AwsError,
) -> String {
    let Ok(arns) = ecs::list_cluster_arns(ctx).await else {
        return err.to_string();
    };
    let mut names: Vec<String> = arns
        .iter()
        .map(|a| crate::domain::arn_tail(a).to_string())
        .collect();
    names.sort();
    if !arns.iter().any(|a| a == cluster) && !names.iter().any(|n| n == cluster) {
        return format!("no cluster `{cluster}`; clusters: {}", list(&names));
    }
    match ecs::list_service_names(ctx, cluster).await {
        Ok(services) => format!(
            "no service `{service}` in {}; services: {}",
            crate::domain::arn_tail(cluster),
            list(&services)
        ),
        Err(_) => err.to_string(),
    }
}

/// Names for a "what exists" message.
pub fn list(names: &[String]) -> String {
    if names.is_empty() {
        "(none)".into()
    } else {
        names.join(", ")
    }
}

/// One line on stderr after `toadtop: `, stripped like everything else that may quote AWS
/// (names in "what exists" lists, reasons): never raw escapes, never several lines.
pub fn say_error(message: impl std::fmt::Display) {
    use std::io::Write;
    // Not eprintln!: it panics when stderr is gone (a hung-up terminal, a closed pipe).
    let _ = writeln!(
        std::io::stderr(),
        "toadtop: {}",
        crate::safety::sanitize(&message.to_string())
    );
}
