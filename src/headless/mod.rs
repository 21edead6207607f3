//! Front ends without a terminal UI, for scripts and CI. They never enter raw mode.

pub mod actions;
pub mod exec;
pub mod logs;
pub mod once;
pub mod snapshot;
pub mod textable;

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

/// Names for a "what exists" message.
pub fn list(names: &[String]) -> String {
    if names.is_empty() {
        "(none)".into()
    } else {
        names.join(", ")
    }
}
