//! `toadtop --once`: fetch every shown cluster with the same `aws/` code as the TUI,
//! then print JSON or tables.

use std::time::Duration;

use futures::stream::{self, StreamExt, TryStreamExt};

use super::snapshot::{self, Snapshot};
use crate::aws::{ecs, AwsContext, CONCURRENCY};
use crate::cli::{Output, Settings};
use crate::config::glob_match;
use crate::timefmt::Timestamp;

#[derive(Debug, thiserror::Error)]
pub enum OnceError {
    #[error("{0}")]
    Aws(#[from] crate::aws::AwsError),
    #[error("no cluster matches `{wanted}`; clusters in {region}: {existing}")]
    UnknownCluster {
        wanted: String,
        region: String,
        existing: String,
    },
    #[error("{}", timed_out(*.after, .pending))]
    TimedOut {
        after: Duration,
        /// Operations still waiting for an answer when time ran out.
        pending: Vec<String>,
    },
}

/// `timed out after 5s waiting for DescribeServices, ListTasks (--timeout)`
fn timed_out(after: Duration, pending: &[String]) -> String {
    // As the flag takes it, exactly (90s stays 90s).
    let after = match after.as_secs() {
        s if s >= 3600 && s % 3600 == 0 => format!("{}h", s / 3600),
        s if s >= 60 && s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    };
    if pending.is_empty() {
        format!("timed out after {after} (--timeout)")
    } else {
        format!(
            "timed out after {after} waiting for {} (--timeout)",
            pending.join(", ")
        )
    }
}

impl OnceError {
    /// 2 for input the user can correct, 1 for failures talking to AWS, 4 for running
    /// out of `--timeout` (as the action commands do).
    pub fn exit_code(&self) -> u8 {
        match self {
            OnceError::UnknownCluster { .. } => 2,
            OnceError::Aws(_) => 1,
            OnceError::TimedOut { .. } => 4,
        }
    }
}

/// `take`, given at most `limit` when there is one.
pub async fn take_within(
    ctx: &AwsContext,
    settings: &Settings,
    limit: Option<Duration>,
) -> Result<Snapshot, OnceError> {
    let Some(limit) = limit else {
        return take(ctx, settings).await;
    };
    match tokio::time::timeout(limit, take(ctx, settings)).await {
        Ok(result) => result,
        // The dropped calls never finished, so they are still listed as in flight.
        Err(_) => Err(OnceError::TimedOut {
            after: limit,
            pending: ctx.stats.pending(),
        }),
    }
}

/// One stderr line when AWS throttled or failed attempts that retries then covered:
/// the snapshot is complete, but the account is near its API limits.
pub fn retry_warning(ctx: &AwsContext) -> Option<String> {
    ctx.stats
        .faults_summary()
        .map(|f| format!("warning: AWS refused some attempts, toadtop retried them ({f})"))
}

pub async fn take(ctx: &AwsContext, settings: &Settings) -> Result<Snapshot, OnceError> {
    let all = ecs::load_clusters(ctx, &|_: &str| true).await?;
    for wanted in &settings.config.clusters {
        if !all.iter().any(|c| glob_match(wanted, &c.name)) {
            let names: Vec<&str> = all.iter().map(|c| c.name.as_str()).collect();
            return Err(OnceError::UnknownCluster {
                wanted: wanted.clone(),
                region: ctx.region.clone(),
                existing: if names.is_empty() {
                    "(none)".into()
                } else {
                    names.join(", ")
                },
            });
        }
    }
    let shown: Vec<_> = all
        .into_iter()
        .filter(|c| settings.config.shows_cluster(&c.name))
        .collect();
    let clusters = stream::iter(shown)
        .map(|c| async move {
            let detail = ecs::load_cluster_detail(ctx, &c).await?;
            Ok::<_, crate::aws::AwsError>((c, detail))
        })
        .buffered(CONCURRENCY)
        .try_collect()
        .await?;
    let clusters: Vec<(crate::domain::Cluster, crate::domain::ClusterDetail)> = clusters;
    // Findings of every image that runs, each distinct image once.
    let mut images: Vec<String> = Vec::new();
    for (_, d) in &clusters {
        d.images_into(None, &mut images);
    }
    let cache = crate::aws::findings::FindingsCache::default();
    let now = Timestamp::now();
    // Findings and every cluster's metrics are independent reads: in flight together
    // (one cluster after another cost a round trip per cluster on large fleets).
    let (findings, metrics) = tokio::join!(
        crate::aws::findings::load(ctx, &images, &cache),
        stream::iter(&clusters)
            .map(|(c, d)| cluster_metrics(ctx, c, d, now))
            .buffered(CONCURRENCY)
            .collect::<Vec<_>>()
    );
    let mut alerts = Vec::new();
    for ((_, d), metrics) in clusters.iter().zip(&metrics) {
        alerts.extend(crate::alerts::evaluate(
            d,
            &findings,
            metrics,
            &settings.config.alerts,
            now,
        ));
    }
    let secrets = secrets_of(ctx, &clusters, &mut alerts).await;
    // evaluate sorts one cluster's alerts; the document lists every cluster's the same way.
    crate::alerts::sort(&mut alerts);
    Ok(Snapshot {
        taken_at: now,
        profile: ctx.profile.clone(),
        region: ctx.region.clone(),
        clusters,
        findings,
        secrets,
        alerts,
    })
}

/// CPU/memory of one cluster's services. Metrics are one signal of five: a failure is
/// reported, not fatal.
async fn cluster_metrics(
    ctx: &AwsContext,
    cluster: &crate::domain::Cluster,
    detail: &crate::domain::ClusterDetail,
    now: Timestamp,
) -> std::collections::BTreeMap<String, crate::domain::ServiceMetrics> {
    let names: Vec<String> = detail.services.iter().map(|s| s.name.clone()).collect();
    if names.is_empty() {
        return Default::default();
    }
    match crate::aws::metrics::service_metrics(ctx, &cluster.name, &names, now.millis()).await {
        Ok(m) => m,
        Err(e) => {
            super::say_error(format_args!(
                "{e} (CPU/memory alerts skipped for {})",
                cluster.name
            ));
            Default::default()
        }
    }
}

/// Secrets health of every cluster's services (cluster -> service -> rows), their alerts
/// appended to `alerts`. DescribeParameters only; a failed call leaves those secrets
/// unknown (said on stderr, once per distinct error) and the rest of the snapshot stands.
async fn secrets_of(
    ctx: &AwsContext,
    clusters: &[(crate::domain::Cluster, crate::domain::ClusterDetail)],
    alerts: &mut Vec<crate::alerts::Alert>,
) -> snapshot::SecretsByCluster {
    let mut secrets = snapshot::SecretsByCluster::new();
    // error -> clusters it hit, so one denied permission is one line.
    let mut errors: std::collections::BTreeMap<String, Vec<&str>> = Default::default();
    // One cluster after another: the AWS layer's cache then spares clusters that share
    // parameters (or task definitions) a second call.
    for (c, d) in clusters {
        let by_service =
            crate::aws::parameters::secrets_health(ctx, &d.service_task_definitions()).await;
        for row in by_service.values().flatten() {
            if let crate::domain::SecretState::Unknown(e) = &row.state {
                let hit = errors.entry(e.clone()).or_default();
                if !hit.contains(&c.name.as_str()) {
                    hit.push(&c.name);
                }
            }
        }
        alerts.extend(crate::alerts::secret_alerts(&c.name, &by_service));
        secrets.insert(c.name.clone(), by_service);
    }
    for (e, hit) in errors {
        super::say_error(format_args!(
            "{e} (secrets of {} shown as unknown)",
            hit.join(", ")
        ));
    }
    secrets
}

pub fn render(s: &Snapshot, output: Output) -> String {
    match output {
        Output::Json => {
            let mut text = crate::safety::json_string_pretty(&snapshot::to_json(s));
            text.push('\n');
            text
        }
        Output::Table => snapshot::to_table(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timeout_names_what_it_waited_for_and_exits_4() {
        let e = OnceError::TimedOut {
            after: Duration::from_secs(5),
            pending: vec!["DescribeServices".into(), "ListTasks".into()],
        };
        assert_eq!(
            e.to_string(),
            "timed out after 5s waiting for DescribeServices, ListTasks (--timeout)"
        );
        assert_eq!(e.exit_code(), 4);
        let e = OnceError::TimedOut {
            after: Duration::from_secs(120),
            pending: vec![],
        };
        assert_eq!(e.to_string(), "timed out after 2m (--timeout)");
        let e = OnceError::TimedOut {
            after: Duration::from_secs(90),
            pending: vec![],
        };
        assert_eq!(e.to_string(), "timed out after 90s (--timeout)");
    }
}
