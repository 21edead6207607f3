//! Calls that change ECS, and the single-object reads the deploy and migration drivers
//! poll. Only `ops/` calls these, after a confirmation and the read-only check.

use std::collections::BTreeMap;

use aws_sdk_ecs::types::{
    self as ecs, AssignPublicIp, AwsVpcConfiguration, CapacityProviderStrategyItem,
    ContainerOverride, KeyValuePair, LaunchType, NetworkConfiguration, ServiceField,
    TaskDefinitionField, TaskOverride,
};

use aws_sdk_ecs::operation::register_task_definition::builders::RegisterTaskDefinitionInputBuilder;
use aws_sdk_ecs::operation::register_task_definition::RegisterTaskDefinitionInput;

use super::{convert, AwsContext, AwsError};
use crate::domain::{CapacityProviderItem, NetworkConfig, Service, Task, TaskDefinition};

/// A task-definition revision exactly as ECS returned it, tags included, to copy from.
/// Opaque outside `aws/`: only the register call needs the SDK shape.
#[derive(Debug, Clone)]
pub struct TaskDefinitionSource {
    raw: ecs::TaskDefinition,
    tags: Vec<ecs::Tag>,
    pub domain: TaskDefinition,
}

impl TaskDefinitionSource {
    pub fn tags(&self) -> Vec<(String, String)> {
        self.tags
            .iter()
            .map(|t| {
                (
                    t.key().unwrap_or_default().to_string(),
                    t.value().unwrap_or_default().to_string(),
                )
            })
            .collect()
    }
}

pub async fn describe_task_definition_source(
    ctx: &AwsContext,
    arn: &str,
) -> Result<TaskDefinitionSource, AwsError> {
    ctx.ecs_call("DescribeTaskDefinition").await;
    let out = ctx
        .ecs
        .describe_task_definition()
        .task_definition(arn)
        .include(TaskDefinitionField::Tags)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("DescribeTaskDefinition", e))?;
    let raw = out.task_definition().cloned().ok_or_else(|| {
        AwsError::new(
            "DescribeTaskDefinition",
            super::error::AwsErrorKind::NotFound,
            format!("{arn} not found"),
        )
    })?;
    Ok(TaskDefinitionSource {
        domain: convert::task_definition(&raw),
        tags: out.tags().to_vec(),
        raw,
    })
}

/// Registers a copy of `source` in which only the named containers' images differ (see
/// [`register_input`]).
pub async fn register_with_images(
    ctx: &AwsContext,
    source: &TaskDefinitionSource,
    images: &BTreeMap<String, String>,
) -> Result<TaskDefinition, AwsError> {
    ctx.ecs_call("RegisterTaskDefinition").await;
    let out = register_input(&source.raw, &source.tags, images)
        .send_with(&ctx.ecs)
        .await
        .map_err(|e| AwsError::from_sdk("RegisterTaskDefinition", e))?;
    out.task_definition()
        .map(convert::task_definition)
        .ok_or_else(|| {
            AwsError::new(
                "RegisterTaskDefinition",
                super::error::AwsErrorKind::Service,
                "no task definition in the answer",
            )
        })
}

/// The RegisterTaskDefinition input that copies `td` (a revision as DescribeTaskDefinition
/// returned it, with its `tags`), changing only the image of each container named in
/// `images`. Read-only fields (ARN, revision, status, requiresAttributes, compatibilities,
/// registeredAt/By, deregisteredAt) are not part of the input; everything else is carried
/// over. Pure, so the property tests can check it for arbitrary task definitions.
pub(crate) fn register_input(
    td: &ecs::TaskDefinition,
    tags: &[ecs::Tag],
    images: &BTreeMap<String, String>,
) -> RegisterTaskDefinitionInputBuilder {
    let containers: Vec<ecs::ContainerDefinition> = td
        .container_definitions()
        .iter()
        .map(|c| {
            let mut c = c.clone();
            if let Some(image) = c.name.as_ref().and_then(|n| images.get(n)) {
                c.image = Some(image.clone());
            }
            c
        })
        .collect();
    RegisterTaskDefinitionInput::builder()
        .set_family(td.family.clone())
        .set_task_role_arn(td.task_role_arn.clone())
        .set_execution_role_arn(td.execution_role_arn.clone())
        .set_network_mode(td.network_mode.clone())
        .set_container_definitions(Some(containers))
        .set_volumes(td.volumes.clone())
        .set_placement_constraints(td.placement_constraints.clone())
        .set_requires_compatibilities(td.requires_compatibilities.clone())
        .set_cpu(td.cpu.clone())
        .set_memory(td.memory.clone())
        .set_tags((!tags.is_empty()).then(|| tags.to_vec()))
        .set_pid_mode(td.pid_mode.clone())
        .set_ipc_mode(td.ipc_mode.clone())
        .set_proxy_configuration(td.proxy_configuration.clone())
        .set_ephemeral_storage(td.ephemeral_storage.clone())
        .set_runtime_platform(td.runtime_platform.clone())
        // inferenceAccelerators: retired by AWS (the SDK marks it deprecated); Fargate
        // never had it, so it is not carried over.
        .set_enable_fault_injection(td.enable_fault_injection)
}

/// One service with its events (for the rollout watch).
pub async fn describe_service(
    ctx: &AwsContext,
    cluster: &str,
    service: &str,
) -> Result<Service, AwsError> {
    ctx.ecs_call("DescribeServices").await;
    let out = ctx
        .ecs
        .describe_services()
        .cluster(cluster)
        .services(service)
        .include(ServiceField::Tags)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("DescribeServices", e))?;
    let cluster_name = crate::domain::arn_tail(cluster);
    out.services()
        .iter()
        .find(|s| s.status() != Some("INACTIVE"))
        .map(|s| convert::service(cluster_name, s))
        .ok_or_else(|| {
            AwsError::new(
                "DescribeServices",
                super::error::AwsErrorKind::NotFound,
                format!("service {service} not found in {cluster_name}"),
            )
        })
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceUpdate {
    pub task_definition: Option<String>,
    pub desired_count: Option<i32>,
    pub force_new_deployment: bool,
}

pub async fn update_service(
    ctx: &AwsContext,
    cluster: &str,
    service: &str,
    update: &ServiceUpdate,
) -> Result<Service, AwsError> {
    ctx.ecs_call("UpdateService").await;
    let out = ctx
        .ecs
        .update_service()
        .cluster(cluster)
        .service(service)
        .set_task_definition(update.task_definition.clone())
        .set_desired_count(update.desired_count)
        .force_new_deployment(update.force_new_deployment)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("UpdateService", e))?;
    let cluster_name = crate::domain::arn_tail(cluster);
    out.service()
        .map(|s| convert::service(cluster_name, s))
        .ok_or_else(|| {
            AwsError::new(
                "UpdateService",
                super::error::AwsErrorKind::Service,
                "no service in the answer",
            )
        })
}

/// A one-off task of a service's task definition (migrations).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunTaskSpec {
    pub cluster: String,
    pub task_definition: String,
    pub network: Option<NetworkConfig>,
    /// Used when `capacity_provider_strategy` is empty.
    pub launch_type: Option<String>,
    pub capacity_provider_strategy: Vec<CapacityProviderItem>,
    pub platform_version: Option<String>,
    pub container: String,
    pub environment: BTreeMap<String, String>,
    /// Empty keeps the image's command.
    pub command: Vec<String>,
    pub started_by: String,
    pub group: Option<String>,
}

pub async fn run_task(ctx: &AwsContext, spec: &RunTaskSpec) -> Result<Task, AwsError> {
    let overrides = TaskOverride::builder()
        .container_overrides(
            ContainerOverride::builder()
                .name(&spec.container)
                .set_environment(Some(
                    spec.environment
                        .iter()
                        .map(|(k, v)| KeyValuePair::builder().name(k).value(v).build())
                        .collect(),
                ))
                .set_command((!spec.command.is_empty()).then(|| spec.command.clone()))
                .build(),
        )
        .build();
    let network = spec.network.as_ref().map(|n| {
        NetworkConfiguration::builder()
            .set_awsvpc_configuration(
                // The builder only fails without subnets, which ECS would refuse anyway.
                AwsVpcConfiguration::builder()
                    .set_subnets(Some(n.subnets.clone()))
                    .set_security_groups(Some(n.security_groups.clone()))
                    .assign_public_ip(if n.assign_public_ip {
                        AssignPublicIp::Enabled
                    } else {
                        AssignPublicIp::Disabled
                    })
                    .build()
                    .ok(),
            )
            .build()
    });
    let strategy: Vec<CapacityProviderStrategyItem> = spec
        .capacity_provider_strategy
        .iter()
        .filter_map(|c| {
            CapacityProviderStrategyItem::builder()
                .capacity_provider(&c.provider)
                .weight(c.weight)
                .base(c.base)
                .build()
                .ok()
        })
        .collect();
    let launch_type = if strategy.is_empty() {
        spec.launch_type.as_deref().map(LaunchType::from)
    } else {
        None
    };
    ctx.ecs_call("RunTask").await;
    let out = ctx
        .ecs
        .run_task()
        .cluster(&spec.cluster)
        .task_definition(&spec.task_definition)
        .count(1)
        .overrides(overrides)
        .set_network_configuration(network)
        .set_launch_type(launch_type)
        .set_capacity_provider_strategy((!strategy.is_empty()).then_some(strategy))
        .set_platform_version(spec.platform_version.clone())
        .started_by(&spec.started_by)
        .set_group(spec.group.clone())
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("RunTask", e))?;
    if let Some(f) = out.failures().first() {
        return Err(AwsError::new(
            "RunTask",
            super::error::AwsErrorKind::Service,
            format!(
                "{} {}",
                f.reason().unwrap_or("failed"),
                f.detail().unwrap_or_default()
            ),
        ));
    }
    out.tasks().first().map(convert::task).ok_or_else(|| {
        AwsError::new(
            "RunTask",
            super::error::AwsErrorKind::Service,
            "no task started",
        )
    })
}

pub async fn describe_task(
    ctx: &AwsContext,
    cluster: &str,
    task_arn: &str,
) -> Result<Option<Task>, AwsError> {
    ctx.ecs_call("DescribeTasks").await;
    let out = ctx
        .ecs
        .describe_tasks()
        .cluster(cluster)
        .tasks(task_arn)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("DescribeTasks", e))?;
    Ok(out.tasks().first().map(convert::task))
}

pub async fn stop_task(
    ctx: &AwsContext,
    cluster: &str,
    task_arn: &str,
    reason: &str,
) -> Result<Task, AwsError> {
    ctx.ecs_call("StopTask").await;
    let out = ctx
        .ecs
        .stop_task()
        .cluster(cluster)
        .task(task_arn)
        .reason(reason)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("StopTask", e))?;
    out.task().map(convert::task).ok_or_else(|| {
        AwsError::new(
            "StopTask",
            super::error::AwsErrorKind::Service,
            "no task in the answer",
        )
    })
}

/// An ECS Exec session as ECS returned it. `session_json` holds the token: it goes to
/// the plugin through the environment only, never to argv, logs or the screen.
#[derive(Clone)]
pub struct ExecSession {
    pub session_id: String,
    pub session_json: String,
}

impl std::fmt::Debug for ExecSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExecSession")
            .field("session_id", &self.session_id)
            .finish_non_exhaustive()
    }
}

pub async fn execute_command(
    ctx: &AwsContext,
    cluster: &str,
    task_arn: &str,
    container: &str,
    command: &str,
) -> Result<ExecSession, AwsError> {
    ctx.ecs_call("ExecuteCommand").await;
    let out = ctx
        .ecs
        .execute_command()
        .cluster(cluster)
        .task(task_arn)
        .container(container)
        .interactive(true)
        .command(command)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("ExecuteCommand", e))?;
    let s = out.session().ok_or_else(|| {
        AwsError::new(
            "ExecuteCommand",
            super::error::AwsErrorKind::Service,
            "no session in the answer",
        )
    })?;
    let session_id = s.session_id().unwrap_or_default().to_string();
    // The shape the AWS CLI hands the plugin: the response's `session` object.
    let session_json = serde_json::json!({
        "sessionId": session_id,
        "streamUrl": s.stream_url().unwrap_or_default(),
        "tokenValue": s.token_value().unwrap_or_default(),
    })
    .to_string();
    Ok(ExecSession {
        session_id,
        session_json,
    })
}

/// Ends an SSM session after the plugin exits (the plugin usually does; this makes sure).
pub async fn terminate_session(ctx: &AwsContext, session_id: &str) -> Result<(), AwsError> {
    ctx.stats.record("TerminateSession");
    ctx.ssm
        .terminate_session()
        .session_id(session_id)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("TerminateSession", e))?;
    Ok(())
}

#[cfg(test)]
#[path = "ecs_write_tests.rs"]
mod tests;
