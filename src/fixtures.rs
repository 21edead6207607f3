//! Deterministic sample fleets for unit tests, pane snapshots and benchmarks.
#![doc(hidden)]

use crate::app::State;
use crate::domain::*;
use crate::timefmt::Timestamp;

/// 2026-11-26T07:00:00Z: a fixed "now" so ages in snapshots do not drift.
pub const NOW: Timestamp = Timestamp(1_795_676_400_000);

fn arn(kind: &str, rest: &str) -> String {
    format!("arn:aws:ecs:us-east-1:123456789012:{kind}/{rest}")
}

pub fn cluster(name: &str, services: i32, running: i32) -> Cluster {
    Cluster {
        name: name.into(),
        arn: arn("cluster", name),
        status: "ACTIVE".into(),
        active_services: services,
        running_tasks: running,
        pending_tasks: 0,
    }
}

pub fn web_task_definition(revision: i32) -> TaskDefinition {
    let logs = |prefix: &str| {
        Some(AwsLogs {
            group: "/ecs/laravel-production".into(),
            stream_prefix: Some(prefix.into()),
            region: Some("us-east-1".into()),
        })
    };
    let mount = |vol: &str, path: &str| MountPoint {
        source_volume: vol.into(),
        container_path: path.into(),
        read_only: false,
    };
    TaskDefinition {
        arn: arn("task-definition", &format!("laravel-web:{revision}")),
        family: "laravel-web".into(),
        revision,
        cpu: Some("1024".into()),
        memory: Some("2048".into()),
        network_mode: Some("awsvpc".into()),
        task_role_arn: Some("arn:aws:iam::123456789012:role/laravel-task".into()),
        execution_role_arn: Some("arn:aws:iam::123456789012:role/ecsTaskExecutionRole".into()),
        containers: vec![
            ContainerDefinition {
                name: "php".into(),
                image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/laravel-app:v1.5.0".into(),
                cpu: 768,
                memory: Some(1536),
                essential: true,
                read_only_root: true,
                init_process_enabled: true,
                command: vec![],
                mount_points: vec![
                    mount("tmp", "/tmp"),
                    mount("storage", "/var/www/html/storage"),
                    mount("amazon-lib", "/var/lib/amazon"),
                    mount("amazon-log", "/var/log/amazon"),
                ],
                ports: vec![9000],
                awslogs: logs("web"),
                secrets: vec![SecretRef {
                    name: "DB_PASSWORD".into(),
                    value_from: "arn:aws:ssm:us-east-1:123456789012:parameter/laravel/production/DB_PASSWORD".into(),
                }],
                environment: vec![
                    ("APP_ENV".into(), "production".into()),
                    ("APP_KEY".into(), "base64:c2VjcmV0LXNob3VsZC1uZXZlci1zaG93".into()),
                ],
            },
            ContainerDefinition {
                name: "nginx".into(),
                image: "nginx:stable-alpine".into(),
                cpu: 256,
                memory: Some(512),
                essential: true,
                read_only_root: true,
                init_process_enabled: true,
                command: vec![],
                mount_points: vec![mount("tmp", "/tmp")],
                ports: vec![443],
                awslogs: logs("web"),
                secrets: vec![],
                environment: vec![],
            },
        ],
        volumes: vec![
            Volume { name: "tmp".into(), kind: "ephemeral".into() },
            Volume { name: "storage".into(), kind: "ephemeral".into() },
            Volume { name: "amazon-lib".into(), kind: "ephemeral".into() },
            Volume { name: "amazon-log".into(), kind: "ephemeral".into() },
        ],
        cpu_architecture: Some("X86_64".into()),
        // Revisions a day apart, revision 10 registered a day before NOW.
        registered_at: Some(Timestamp(
            NOW.0 - i64::from((11 - revision).max(1)) * 86_400_000,
        )),
    }
}

pub fn task(id: &str, service: &str, running: bool) -> Task {
    let container = |name: &str, image: &str| Container {
        name: name.into(),
        image: image.into(),
        last_status: if running { "RUNNING" } else { "STOPPED" }.into(),
        exit_code: if running { None } else { Some(1) },
        health: "HEALTHY".into(),
        reason: None,
        runtime_id: Some(format!("{id}-{name}")),
        read_only_root: Some(true),
        awslogs: Some(AwsLogs {
            group: "/ecs/laravel-production".into(),
            stream_prefix: Some(service.into()),
            region: Some("us-east-1".into()),
        }),
        exec_agent: running.then(|| ManagedAgent {
            status: "RUNNING".into(),
            reason: None,
        }),
        image_digest: None,
    };
    Task {
        id: id.into(),
        arn: arn("task", &format!("production/{id}")),
        cluster_arn: arn("cluster", "production"),
        group: Some(format!("service:{service}")),
        last_status: if running { "RUNNING" } else { "STOPPED" }.into(),
        desired_status: if running { "RUNNING" } else { "STOPPED" }.into(),
        health: "HEALTHY".into(),
        launch_type: Some("FARGATE".into()),
        platform_version: Some("1.4.0".into()),
        cpu: Some("1024".into()),
        memory: Some("2048".into()),
        started_at: Some(Timestamp(NOW.0 - 3_600_000)),
        stopped_at: if running {
            None
        } else {
            Some(Timestamp(NOW.0 - 600_000))
        },
        stop_code: if running {
            None
        } else {
            Some("EssentialContainerExited".into())
        },
        stopped_reason: if running {
            None
        } else {
            Some("Essential container in task exited".into())
        },
        started_by: Some("ecs-svc/1234567890".into()),
        task_definition_arn: arn("task-definition", "laravel-web:2"),
        availability_zone: Some("us-east-1a".into()),
        private_ip: Some("10.0.1.23".into()),
        subnet: Some("subnet-0abc".into()),
        exec_enabled: true,
        containers: vec![
            container(
                "php",
                "123456789012.dkr.ecr.us-east-1.amazonaws.com/laravel-app:v1.5.0",
            ),
            Container {
                // A read-only root with nowhere to write: its exec agent could not start.
                exec_agent: running.then(|| ManagedAgent {
                    status: "STOPPED".into(),
                    reason: Some(NGINX_AGENT_REASON.into()),
                }),
                ..container("nginx", "nginx:stable-alpine")
            },
        ],
    }
}

/// Why the fixtures' nginx has no running exec agent.
pub const NGINX_AGENT_REASON: &str = "mkdir /var/lib/amazon: read-only file system";

pub fn service(name: &str, tasks: Vec<Task>) -> Service {
    let td = web_task_definition(2);
    Service {
        name: name.into(),
        arn: arn("service", &format!("production/{name}")),
        cluster: "production".into(),
        status: "ACTIVE".into(),
        launch_type: "FARGATE".into(),
        platform_version: Some("LATEST".into()),
        desired: 3,
        running: tasks.iter().filter(|t| t.last_status == "RUNNING").count() as i32,
        pending: 0,
        task_definition_arn: td.arn.clone(),
        exec_enabled: true,
        deployments: vec![Deployment {
            id: "ecs-svc/1234567890".into(),
            status: "PRIMARY".into(),
            rollout_state: Some("COMPLETED".into()),
            rollout_state_reason: Some("ECS deployment ecs-svc/1234567890 completed.".into()),
            task_definition_arn: td.arn.clone(),
            desired: 3,
            running: 3,
            pending: 0,
            failed_tasks: 0,
            created_at: Some(Timestamp(NOW.0 - 7_200_000)),
            updated_at: Some(Timestamp(NOW.0 - 3_600_000)),
        }],
        events: vec![
            // Newest first, as ECS lists them: a problem after the last steady state.
            ServiceEvent {
                id: "e2".into(),
                created_at: Some(Timestamp(NOW.0 - 60_000)),
                message: format!("(service {name}) was unable to place a task \u{1b}[31mbecause\u{1b}[0m no container instance met all of its requirements."),
            },
            ServiceEvent {
                id: "e1".into(),
                created_at: Some(Timestamp(NOW.0 - 120_000)),
                message: format!("(service {name}) has reached a steady state."),
            },
        ],
        network: Some(NetworkConfig {
            subnets: vec!["subnet-0abc".into(), "subnet-0def".into()],
            security_groups: vec!["sg-0123".into()],
            assign_public_ip: false,
        }),
        capacity_provider_strategy: Vec::new(),
        task_definition: Some(td),
        tasks,
    }
}

/// The seeded-looking production cluster: web (3 running, 1 failed), worker, scheduler.
pub fn production() -> ClusterDetail {
    let web_tasks = vec![
        task("0a1b2c3d4e5f", "web", true),
        task("1b2c3d4e5f60", "web", true),
        task("2c3d4e5f6071", "web", true),
        task("3d4e5f607182", "web", false),
    ];
    ClusterDetail {
        cluster: "production".into(),
        services: vec![
            service("scheduler", vec![task("4e5f60718293", "scheduler", true)]),
            service("web", web_tasks),
            service(
                "worker",
                vec![
                    task("5f60718293a4", "worker", true),
                    task("60718293a4b5", "worker", true),
                ],
            ),
        ],
        tasks: Vec::new(),
    }
}

/// A standalone task of laravel-web (group `family:laravel-web`): a migration when
/// `exit` is `Some` (STOPPED, php exited with it), else a running one-off.
pub fn standalone_task(id: &str, started_by: &str, exit: Option<i32>) -> Task {
    let mut t = task(id, "web", exit.is_none());
    t.group = Some("family:laravel-web".into());
    t.started_by = Some(started_by.into());
    t.exec_enabled = false;
    if let Some(code) = exit {
        t.containers[0].exit_code = Some(code);
        t.containers[1].exit_code = Some(0);
    }
    t
}

/// production with the standalone tasks the reference setup has: CI's failed migration,
/// toadtop's succeeded one, and a running `schedule:run` one-off.
pub fn production_with_standalone() -> ClusterDetail {
    let mut d = production();
    let mut schedule = standalone_task("7a8b9c0d1e2f", "events-rule/laravel-schedule-run", None);
    schedule.group = Some("family:laravel-scheduler".into());
    d.tasks = vec![
        schedule,
        standalone_task("8b9c0d1e2f30", "github-actions", Some(1)),
        standalone_task("9c0d1e2f3041", "toadtop/alice", Some(0)),
    ];
    d
}

/// A large cluster for benchmarks: `services` services with `tasks` tasks each.
pub fn large(services: usize, tasks: usize) -> ClusterDetail {
    ClusterDetail {
        cluster: "production".into(),
        services: (0..services)
            .map(|i| {
                let ts = (0..tasks)
                    .map(|j| task(&format!("{i:06x}{j:06x}"), "svc", j % 10 != 9))
                    .collect();
                service(&format!("service-{i:05}"), ts)
            })
            .collect(),
        tasks: Vec::new(),
    }
}

/// A state with clusters loaded and `detail` loaded for production.
pub fn state_with(detail: ClusterDetail) -> State {
    let mut state = State::new("default".into(), "us-east-1".into(), None, NOW);
    state.clusters.data = Some(vec![
        cluster("production", detail.services.len() as i32, 6),
        cluster("staging", 3, 3),
    ]);
    state.clusters.fetched_at = Some(Timestamp(NOW.0 - 3_000));
    state.last_refresh = Some(Timestamp(NOW.0 - 3_000));
    let slot = state.details.entry("production".into()).or_default();
    slot.data = Some(detail);
    slot.fetched_at = Some(Timestamp(NOW.0 - 3_000));
    state
}

/// A state with the log pane open on production/web holding `records` events from the
/// synthetic corpus (Laravel, JSON, nginx, php-fpm, supervisor lines and stack traces).
pub fn log_state(events: u64) -> State {
    use crate::app::logs::LogPane;
    use crate::app::{Screen, View};
    use crate::ops::logs::{plan, FollowMode, LogScope};
    use std::sync::Arc;

    let detail = production();
    let web = &detail.services[1];
    let p = plan(web, &LogScope::service());
    let mut pane = LogPane::new(
        7,
        "production".into(),
        "web".into(),
        LogScope::service(),
        p,
        50_000,
        std::time::Duration::from_secs(600),
    );
    let tasks: Vec<Arc<str>> = web.tasks.iter().map(|t| Arc::from(t.id.as_str())).collect();
    let containers: [Arc<str>; 2] = [Arc::from("php"), Arc::from("nginx")];
    let mut line = String::new();
    for i in 0..events {
        let (t, c) = crate::logs::synthetic_event(i, &mut line);
        pane.buffer.push(
            &tasks[t % tasks.len()],
            &containers[c],
            NOW.0 - 600_000 + i as i64 * 10,
            &line,
        );
    }
    pane.mode = FollowMode::LiveTail;
    let mut state = state_with(detail);
    state.stack.push(Screen::new(View::Services {
        cluster: "production".into(),
    }));
    state.stack.push(Screen::new(View::Logs {
        cluster: "production".into(),
        service: "web".into(),
    }));
    state.logs = Some(pane);
    state
}
