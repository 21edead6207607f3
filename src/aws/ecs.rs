//! Fleet reads: clusters, services, tasks and task definitions, paginated and batched to
//! the API limits, with independent calls in flight together (bounded by [`CONCURRENCY`]).

use std::collections::{BTreeSet, HashMap};

use aws_sdk_ecs::types::{ClusterField, DesiredStatus};
use futures::stream::{self, StreamExt, TryStreamExt};

use super::{convert, AwsContext, AwsError, CONCURRENCY};
use crate::domain::{Cluster, ClusterDetail, TaskDefinition};

pub const DESCRIBE_CLUSTERS_MAX: usize = 100;
pub const DESCRIBE_SERVICES_MAX: usize = 10;
pub const DESCRIBE_TASKS_MAX: usize = 100;

/// Every cluster whose name passes `keep`, sorted by name.
pub async fn load_clusters(
    ctx: &AwsContext,
    keep: &(dyn Fn(&str) -> bool + Sync),
) -> Result<Vec<Cluster>, AwsError> {
    let arns = list_cluster_arns(ctx).await?;
    let wanted: Vec<String> = arns
        .into_iter()
        .filter(|a| keep(crate::domain::arn_tail(a)))
        .collect();
    let mut clusters: Vec<Cluster> = stream::iter(batches(&wanted, DESCRIBE_CLUSTERS_MAX))
        .map(|chunk| {
            let ctx = ctx.clone();
            async move {
                ctx.ecs_call("DescribeClusters").await;
                let out = ctx
                    .ecs
                    .describe_clusters()
                    .set_clusters(Some(chunk))
                    .include(ClusterField::Statistics)
                    .send()
                    .await
                    .map_err(|e| AwsError::from_sdk("DescribeClusters", e))?;
                Ok::<_, AwsError>(
                    out.clusters()
                        .iter()
                        .map(convert::cluster)
                        .collect::<Vec<_>>(),
                )
            }
        })
        .buffered(CONCURRENCY)
        .try_concat()
        .await?;
    clusters.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(clusters)
}

/// Every cluster ARN in the region (ListClusters, all pages).
pub async fn list_cluster_arns(ctx: &AwsContext) -> Result<Vec<String>, AwsError> {
    let mut arns = Vec::new();
    let mut token = None;
    let mut pages = super::pages::Pages::new("ListClusters");
    loop {
        ctx.ecs_call("ListClusters").await;
        let out = ctx
            .ecs
            .list_clusters()
            .set_next_token(token)
            .max_results(100)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("ListClusters", e))?;
        arns.extend(out.cluster_arns().iter().cloned());
        token = pages.next(out.next_token())?;
        if token.is_none() {
            return Ok(arns);
        }
    }
}

/// Names of a cluster's services (ListServices, every page), sorted: for the "services:"
/// list of a message about a name that does not exist.
pub async fn list_service_names(ctx: &AwsContext, cluster: &str) -> Result<Vec<String>, AwsError> {
    let mut names = Vec::new();
    let mut token = None;
    let mut pages = super::pages::Pages::new("ListServices");
    loop {
        ctx.ecs_call("ListServices").await;
        let out = ctx
            .ecs
            .list_services()
            .cluster(cluster)
            .set_next_token(token)
            .max_results(100)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("ListServices", e))?;
        names.extend(
            out.service_arns()
                .iter()
                .map(|a| crate::domain::arn_tail(a).to_string()),
        );
        token = pages.next(out.next_token())?;
        if token.is_none() {
            names.sort();
            return Ok(names);
        }
    }
}

/// Services of one cluster with their task definitions and tasks.
///
/// Tasks come from one cluster-wide ListTasks per desired status (RUNNING, and STOPPED so
/// exit codes stay visible) and are grouped by `group` = `service:NAME`, which costs
/// ceil(tasks/100) DescribeTasks instead of a ListTasks per service. Tasks of no service
/// (CI migrations, one-offs, scheduled tasks) become the cluster's standalone tasks.
pub async fn load_cluster_detail(
    ctx: &AwsContext,
    cluster: &Cluster,
) -> Result<ClusterDetail, AwsError> {
    let (mut services, mut tasks) =
        tokio::try_join!(load_services(ctx, cluster), load_tasks(ctx, cluster))?;

    let td_arns: BTreeSet<String> = services
        .iter()
        .map(|s| s.task_definition_arn.clone())
        .chain(tasks.iter().map(|t| t.task_definition_arn.clone()))
        .filter(|a| !a.is_empty())
        .collect();
    let task_defs = describe_task_definitions(ctx, td_arns).await?;

    for task in &mut tasks {
        if let Some(td) = task_defs.get(&task.task_definition_arn) {
            for c in &mut task.containers {
                let def = td.container(&c.name);
                c.read_only_root = def.map(|d| d.read_only_root);
                c.awslogs = def.and_then(|d| d.awslogs.clone());
            }
        }
    }
    let (mut by_service, standalone) = crate::domain::group_tasks(tasks);
    for svc in &mut services {
        svc.task_definition = task_defs.get(&svc.task_definition_arn).cloned();
        svc.tasks = by_service.remove(&svc.name).unwrap_or_default();
    }
    Ok(ClusterDetail {
        cluster: cluster.name.clone(),
        services,
        // Tasks of a service that no longer exists are left out, as before.
        tasks: standalone,
    })
}

async fn load_services(
    ctx: &AwsContext,
    cluster: &Cluster,
) -> Result<Vec<crate::domain::Service>, AwsError> {
    let mut arns = Vec::new();
    let mut token = None;
    let mut pages = super::pages::Pages::new("ListServices");
    loop {
        ctx.ecs_call("ListServices").await;
        let out = ctx
            .ecs
            .list_services()
            .cluster(&cluster.arn)
            .set_next_token(token)
            .max_results(100)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("ListServices", e))?;
        arns.extend(out.service_arns().iter().cloned());
        token = pages.next(out.next_token())?;
        if token.is_none() {
            break;
        }
    }
    let mut services: Vec<_> = stream::iter(batches(&arns, DESCRIBE_SERVICES_MAX))
        .map(|chunk| {
            let (ctx, cluster) = (ctx.clone(), cluster.clone());
            async move {
                ctx.ecs_call("DescribeServices").await;
                let out = ctx
                    .ecs
                    .describe_services()
                    .cluster(&cluster.arn)
                    .set_services(Some(chunk))
                    .send()
                    .await
                    .map_err(|e| AwsError::from_sdk("DescribeServices", e))?;
                Ok::<_, AwsError>(
                    out.services()
                        .iter()
                        .map(|s| convert::service(&cluster.name, s))
                        .collect::<Vec<_>>(),
                )
            }
        })
        .buffered(CONCURRENCY)
        .try_concat()
        .await?;
    services.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(services)
}

async fn load_tasks(
    ctx: &AwsContext,
    cluster: &Cluster,
) -> Result<Vec<crate::domain::Task>, AwsError> {
    let (running, stopped) = tokio::try_join!(
        list_task_arns(ctx, cluster, DesiredStatus::Running),
        list_task_arns(ctx, cluster, DesiredStatus::Stopped)
    )?;
    let arns: Vec<String> = running
        .into_iter()
        .chain(stopped)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let tasks: Vec<_> = stream::iter(batches(&arns, DESCRIBE_TASKS_MAX))
        .map(|chunk| {
            let (ctx, cluster) = (ctx.clone(), cluster.clone());
            async move {
                ctx.ecs_call("DescribeTasks").await;
                let out = ctx
                    .ecs
                    .describe_tasks()
                    .cluster(&cluster.arn)
                    .set_tasks(Some(chunk))
                    .send()
                    .await
                    .map_err(|e| AwsError::from_sdk("DescribeTasks", e))?;
                Ok::<_, AwsError>(out.tasks().iter().map(convert::task).collect::<Vec<_>>())
            }
        })
        .buffered(CONCURRENCY)
        .try_concat()
        .await?;
    // ListTasks filters are not to be trusted blindly (moto matches cluster names by
    // substring); the task's own clusterArn is the truth.
    Ok(tasks
        .into_iter()
        .filter(|t| t.cluster_arn == cluster.arn)
        .collect())
}

async fn list_task_arns(
    ctx: &AwsContext,
    cluster: &Cluster,
    status: DesiredStatus,
) -> Result<Vec<String>, AwsError> {
    let mut arns = Vec::new();
    let mut token = None;
    let mut pages = super::pages::Pages::new("ListTasks");
    loop {
        ctx.ecs_call("ListTasks").await;
        let out = ctx
            .ecs
            .list_tasks()
            .cluster(&cluster.arn)
            .desired_status(status.clone())
            .set_next_token(token)
            .max_results(100)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("ListTasks", e))?;
        arns.extend(out.task_arns().iter().cloned());
        token = pages.next(out.next_token())?;
        if token.is_none() {
            return Ok(arns);
        }
    }
}

/// Each distinct revision described once per process: a revision's content never
/// changes, so the cache (with concurrent callers sharing one call) is always right.
/// Across processes the revisions come from the disk cache (`disk_cache`): described
/// with their tags, and described again once the entry is older than
/// [`super::disk_cache::TAGS_MAX_AGE`] (tags can change).
pub(crate) async fn describe_task_definitions(
    ctx: &AwsContext,
    arns: BTreeSet<String>,
) -> Result<HashMap<String, TaskDefinition>, AwsError> {
    stream::iter(arns)
        .map(|arn| {
            let ctx = ctx.clone();
            async move {
                let cell = ctx.task_definitions.cell(&arn);
                let td = cell.get_or_try_init(|| describe_one(&ctx, &arn)).await?;
                Ok::<_, AwsError>(td.clone().map(|td| (arn, td)))
            }
        })
        .buffer_unordered(CONCURRENCY)
        .try_collect::<Vec<_>>()
        .await
        .map(|v| v.into_iter().flatten().collect())
}

/// A revision as kept on disk: its content and its tags when it was described.
#[derive(serde::Serialize, serde::Deserialize)]
struct StoredRevision {
    task_definition: TaskDefinition,
    tags: Vec<(String, String)>,
}

/// One revision: from disk when a fresh enough entry is there, else described (with
/// its tags) and stored.
async fn describe_one(ctx: &AwsContext, arn: &str) -> Result<Option<TaskDefinition>, AwsError> {
    let now = super::disk_cache::now_secs();
    if let Some(disk) = &ctx.taskdefs_disk {
        let fresh = disk
            .get::<StoredRevision>(arn)
            .filter(|(_, at)| now.saturating_sub(*at) < super::disk_cache::TAGS_MAX_AGE.as_secs())
            // An entry for another revision (a planted or mixed-up file) is no answer.
            .filter(|(r, _)| r.task_definition.arn == arn);
        ctx.stats.cache_lookup("taskdefs", fresh.is_some());
        if let Some((stored, _)) = fresh {
            return Ok(Some(stored.task_definition));
        }
    }
    ctx.ecs_call("DescribeTaskDefinition").await;
    let out = ctx
        .ecs
        .describe_task_definition()
        .task_definition(arn)
        .include(aws_sdk_ecs::types::TaskDefinitionField::Tags)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("DescribeTaskDefinition", e))?;
    let td = out.task_definition().map(convert::task_definition);
    if let (Some(disk), Some(td)) = (&ctx.taskdefs_disk, &td) {
        // Only the revision asked for: the key is its ARN.
        if td.arn == arn {
            let tags = out
                .tags()
                .iter()
                .map(|t| {
                    (
                        t.key().unwrap_or_default().to_string(),
                        t.value().unwrap_or_default().to_string(),
                    )
                })
                .collect();
            let stored = StoredRevision {
                task_definition: td.clone(),
                tags,
            };
            disk.put(arn, &stored, now);
        }
    }
    Ok(td)
}

/// Owned batches: streams over borrowed chunks trip the compiler's higher-ranked
/// lifetime check once the future is spawned.
fn batches(items: &[String], size: usize) -> Vec<Vec<String>> {
    items.chunks(size).map(<[String]>::to_vec).collect()
}
