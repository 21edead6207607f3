//! SDK shapes -> domain structs. Strings from AWS keep their text here; sanitising happens
//! where they are drawn or printed.

use aws_sdk_ecs::primitives::DateTime;
use aws_sdk_ecs::types as ecs;

use crate::domain::*;
use crate::timefmt::Timestamp;

fn ts(t: Option<&DateTime>) -> Option<Timestamp> {
    t.map(|t| Timestamp::from_secs_f64(t.as_secs_f64()))
}

fn s(v: Option<&str>) -> String {
    v.unwrap_or_default().to_string()
}

pub fn cluster(c: &ecs::Cluster) -> Cluster {
    Cluster {
        name: s(c.cluster_name()),
        arn: s(c.cluster_arn()),
        status: s(c.status()),
        active_services: c.active_services_count(),
        running_tasks: c.running_tasks_count(),
        pending_tasks: c.pending_tasks_count(),
    }
}

pub fn service(cluster_name: &str, svc: &ecs::Service) -> Service {
    let launch_type = svc
        .launch_type()
        .map(|l| l.as_str().to_string())
        .or_else(|| {
            svc.capacity_provider_strategy()
                .first()
                .map(|c| c.capacity_provider().to_string())
        })
        .unwrap_or_default();
    let network = svc
        .network_configuration()
        .and_then(|n| n.awsvpc_configuration())
        .map(|a| NetworkConfig {
            subnets: a.subnets().to_vec(),
            security_groups: a.security_groups().to_vec(),
            assign_public_ip: a
                .assign_public_ip()
                .is_some_and(|p| *p == ecs::AssignPublicIp::Enabled),
        });
    Service {
        name: s(svc.service_name()),
        arn: s(svc.service_arn()),
        cluster: cluster_name.to_string(),
        status: s(svc.status()),
        launch_type,
        platform_version: svc.platform_version().map(str::to_string),
        desired: svc.desired_count(),
        running: svc.running_count(),
        pending: svc.pending_count(),
        task_definition_arn: s(svc.task_definition()),
        exec_enabled: svc.enable_execute_command(),
        deployments: svc.deployments().iter().map(deployment).collect(),
        events: svc
            .events()
            .iter()
            .take(Service::MAX_EVENTS)
            .map(|e| ServiceEvent {
                id: s(e.id()),
                created_at: ts(e.created_at()),
                message: s(e.message()),
            })
            .collect(),
        network,
        capacity_provider_strategy: svc
            .capacity_provider_strategy()
            .iter()
            .map(|c| CapacityProviderItem {
                provider: c.capacity_provider().to_string(),
                weight: c.weight(),
                base: c.base(),
            })
            .collect(),
        task_definition: None,
        tasks: Vec::new(),
    }
}

fn deployment(d: &ecs::Deployment) -> Deployment {
    Deployment {
        id: s(d.id()),
        status: s(d.status()),
        rollout_state: d.rollout_state().map(|r| r.as_str().to_string()),
        rollout_state_reason: d.rollout_state_reason().map(str::to_string),
        task_definition_arn: s(d.task_definition()),
        desired: d.desired_count(),
        running: d.running_count(),
        pending: d.pending_count(),
        failed_tasks: d.failed_tasks(),
        created_at: ts(d.created_at()),
        updated_at: ts(d.updated_at()),
    }
}

pub fn task(t: &ecs::Task) -> Task {
    let arn = s(t.task_arn());
    let eni = t
        .attachments()
        .iter()
        .find(|a| a.r#type() == Some("ElasticNetworkInterface"));
    let detail = |name: &str| {
        eni.and_then(|a| {
            a.details()
                .iter()
                .find(|d| d.name() == Some(name))
                .and_then(|d| d.value().map(str::to_string))
        })
    };
    Task {
        id: arn_tail(&arn).to_string(),
        cluster_arn: s(t.cluster_arn()),
        group: t.group().map(str::to_string),
        last_status: s(t.last_status()),
        desired_status: s(t.desired_status()),
        health: t
            .health_status()
            .map_or_else(|| "UNKNOWN".to_string(), |h| h.as_str().to_string()),
        launch_type: t.launch_type().map(|l| l.as_str().to_string()),
        platform_version: t.platform_version().map(str::to_string),
        cpu: t.cpu().map(str::to_string),
        memory: t.memory().map(str::to_string),
        started_at: ts(t.started_at()),
        stopped_at: ts(t.stopped_at()),
        stop_code: t.stop_code().map(|c| c.as_str().to_string()),
        stopped_reason: t.stopped_reason().map(str::to_string),
        started_by: t.started_by().map(str::to_string),
        task_definition_arn: s(t.task_definition_arn()),
        availability_zone: t.availability_zone().map(str::to_string),
        private_ip: detail("privateIPv4Address"),
        subnet: detail("subnetId"),
        exec_enabled: t.enable_execute_command(),
        containers: t
            .containers()
            .iter()
            .map(|c| Container {
                name: s(c.name()),
                image: s(c.image()),
                last_status: s(c.last_status()),
                exit_code: c.exit_code(),
                health: c
                    .health_status()
                    .map_or_else(|| "UNKNOWN".to_string(), |h| h.as_str().to_string()),
                reason: c.reason().map(str::to_string),
                runtime_id: c.runtime_id().map(str::to_string),
                read_only_root: None,
                awslogs: None,
                exec_agent: c
                    .managed_agents()
                    .iter()
                    .find(|a| {
                        a.name()
                            .is_some_and(|n| n.as_str() == "ExecuteCommandAgent")
                    })
                    .map(|a| ManagedAgent {
                        status: a.last_status().unwrap_or("UNKNOWN").to_string(),
                        reason: a.reason().map(str::to_string),
                    }),
                image_digest: c.image_digest().map(str::to_string),
            })
            .collect(),
        arn,
    }
}

pub fn task_definition(td: &ecs::TaskDefinition) -> TaskDefinition {
    TaskDefinition {
        arn: s(td.task_definition_arn()),
        family: s(td.family()),
        revision: td.revision(),
        cpu: td.cpu().map(str::to_string),
        memory: td.memory().map(str::to_string),
        network_mode: td.network_mode().map(|n| n.as_str().to_string()),
        task_role_arn: td.task_role_arn().map(str::to_string),
        execution_role_arn: td.execution_role_arn().map(str::to_string),
        containers: td
            .container_definitions()
            .iter()
            .map(container_definition)
            .collect(),
        volumes: td
            .volumes()
            .iter()
            .map(|v| Volume {
                name: s(v.name()),
                kind: if v.efs_volume_configuration().is_some() {
                    "efs"
                } else if v.docker_volume_configuration().is_some() {
                    "docker"
                } else if v.host().and_then(|h| h.source_path()).is_some() {
                    "host"
                } else {
                    "ephemeral"
                }
                .to_string(),
            })
            .collect(),
        registered_at: ts(td.registered_at()),
        cpu_architecture: td
            .runtime_platform()
            .and_then(|p| p.cpu_architecture())
            .map(|a| a.as_str().to_string()),
    }
}

fn container_definition(c: &ecs::ContainerDefinition) -> ContainerDefinition {
    let awslogs = c
        .log_configuration()
        .filter(|l| *l.log_driver() == ecs::LogDriver::Awslogs)
        .and_then(|l| l.options())
        .and_then(|o| {
            Some(AwsLogs {
                group: o.get("awslogs-group")?.clone(),
                stream_prefix: o.get("awslogs-stream-prefix").cloned(),
                region: o.get("awslogs-region").cloned(),
            })
        });
    ContainerDefinition {
        name: s(c.name()),
        image: s(c.image()),
        cpu: c.cpu(),
        memory: c.memory(),
        // ECS treats a container as essential unless told otherwise.
        essential: c.essential().unwrap_or(true),
        read_only_root: c.readonly_root_filesystem().unwrap_or(false),
        init_process_enabled: c
            .linux_parameters()
            .and_then(|l| l.init_process_enabled())
            .unwrap_or(false),
        command: c.command().to_vec(),
        mount_points: c
            .mount_points()
            .iter()
            .map(|m| MountPoint {
                source_volume: s(m.source_volume()),
                container_path: s(m.container_path()),
                read_only: m.read_only().unwrap_or(false),
            })
            .collect(),
        ports: c
            .port_mappings()
            .iter()
            .filter_map(|p| p.container_port())
            .collect(),
        awslogs,
        secrets: c
            .secrets()
            .iter()
            .map(|x| SecretRef {
                name: x.name().to_string(),
                value_from: x.value_from().to_string(),
            })
            .collect(),
        environment: c
            .environment()
            .iter()
            .map(|kv| (s(kv.name()), s(kv.value())))
            .collect(),
    }
}
