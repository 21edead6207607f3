//! `toadtop --once`: fetch every shown cluster with the same `aws/` code as the TUI,
//! then print JSON or tables.

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
}

impl OnceError {
    /// 2 for input the user can correct, 1 for failures talking to AWS.
    pub fn exit_code(&self) -> u8 {
        match self {
            OnceError::UnknownCluster { .. } => 2,
            OnceError::Aws(_) => 1,
        }
    }
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
            eprintln!(
                "toadtop: {e} (CPU/memory alerts skipped for {})",
                cluster.name
            );
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
        eprintln!(
            "toadtop: {e} (secrets of {} shown as unknown)",
            hit.join(", ")
        );
    }
    secrets
}

pub fn render(s: &Snapshot, output: Output) -> String {
    match output {
        Output::Json => {
            let mut text = serde_json::to_string_pretty(&snapshot::to_json(s)).unwrap_or_default();
            text.push('\n');
            text
        }
        Output::Table => snapshot::to_table(s),
    }
}
