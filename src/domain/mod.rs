//! The fleet as toadtop sees it: plain data, no AWS types, so every layer above `aws/`
//! can be tested without the SDK.

use serde::Serialize;

use crate::timefmt::Timestamp;

pub mod console_url;
mod failure;
mod profiles;
mod secrets;
pub use failure::{ErrorKind, Failure};
pub use profiles::{ProfileInfo, ProfileKind, REGIONS};
pub use secrets::{
    check_for, parameter_key, parse_value_from, secret_health, ParameterLookup, ParameterMeta,
    SecretCheck, SecretHealth, SecretSource, SecretState, SecretTarget,
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cluster {
    pub name: String,
    pub arn: String,
    pub status: String,
    pub active_services: i32,
    pub running_tasks: i32,
    pub pending_tasks: i32,
}

/// Everything toadtop shows below one cluster, fetched in one refresh.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClusterDetail {
    pub cluster: String,
    pub services: Vec<Service>,
    /// Standalone tasks: those whose group is not `service:…` (CI migrations, RunTask
    /// one-offs, scheduled tasks), running and recently stopped, running first.
    pub tasks: Vec<Task>,
}

/// The owner shown for a cluster's standalone tasks where a service name would go (views,
/// alerts). ECS service names are letters, digits, hyphens and underscores, so it never
/// names a service.
pub const STANDALONE: &str = "(standalone)";

impl ClusterDetail {
    /// Distinct images the services (or one service) run, in service order; appended to
    /// `into` so several clusters can share one list.
    pub fn images_into(&self, service: Option<&str>, into: &mut Vec<String>) {
        for s in self
            .services
            .iter()
            .filter(|s| service.is_none_or(|n| n == s.name))
        {
            for c in s.task_definition.iter().flat_map(|td| &td.containers) {
                if !into.contains(&c.image) {
                    into.push(c.image.clone());
                }
            }
        }
    }

    /// Each service's running task definition (services not yet described are left out),
    /// for the secrets check.
    pub fn service_task_definitions(&self) -> Vec<(String, TaskDefinition)> {
        self.services
            .iter()
            .filter_map(|s| Some((s.name.clone(), s.task_definition.clone()?)))
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    pub name: String,
    pub arn: String,
    pub cluster: String,
    pub status: String,
    pub launch_type: String,
    pub platform_version: Option<String>,
    pub desired: i32,
    pub running: i32,
    pub pending: i32,
    /// Full ARN of the task definition the service runs.
    pub task_definition_arn: String,
    pub exec_enabled: bool,
    pub deployments: Vec<Deployment>,
    /// Newest first, at most [`Service::MAX_EVENTS`].
    pub events: Vec<ServiceEvent>,
    pub network: Option<NetworkConfig>,
    /// Empty when the service uses a launch type.
    pub capacity_provider_strategy: Vec<CapacityProviderItem>,
    /// The task definition the service runs, if it could be described.
    pub task_definition: Option<TaskDefinition>,
    /// Tasks of this service (group `service:NAME`), running and recently stopped.
    pub tasks: Vec<Task>,
}

impl Service {
    pub const MAX_EVENTS: usize = 20;

    /// `family:revision` of the running task definition.
    pub fn family_revision(&self) -> String {
        family_revision(&self.task_definition_arn)
    }

    pub fn primary_deployment(&self) -> Option<&Deployment> {
        self.deployments.iter().find(|d| d.status == "PRIMARY")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapacityProviderItem {
    pub provider: String,
    pub weight: i32,
    pub base: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NetworkConfig {
    pub subnets: Vec<String>,
    pub security_groups: Vec<String>,
    pub assign_public_ip: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deployment {
    pub id: String,
    pub status: String,
    pub rollout_state: Option<String>,
    pub rollout_state_reason: Option<String>,
    pub task_definition_arn: String,
    pub desired: i32,
    pub running: i32,
    pub pending: i32,
    pub failed_tasks: i32,
    pub created_at: Option<Timestamp>,
    pub updated_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceEvent {
    pub id: String,
    pub created_at: Option<Timestamp>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    pub id: String,
    pub arn: String,
    pub cluster_arn: String,
    pub group: Option<String>,
    pub last_status: String,
    pub desired_status: String,
    pub health: String,
    pub launch_type: Option<String>,
    pub platform_version: Option<String>,
    pub cpu: Option<String>,
    pub memory: Option<String>,
    pub started_at: Option<Timestamp>,
    pub stopped_at: Option<Timestamp>,
    pub stop_code: Option<String>,
    pub stopped_reason: Option<String>,
    /// Who started it: a service's deployment id (`ecs-svc/…`), CI's tag, `toadtop/<user>`
    /// for migrations toadtop ran, `events-rule/…` for scheduled tasks.
    pub started_by: Option<String>,
    pub task_definition_arn: String,
    pub availability_zone: Option<String>,
    pub private_ip: Option<String>,
    pub subnet: Option<String>,
    pub exec_enabled: bool,
    pub containers: Vec<Container>,
}

impl Task {
    /// The service a task belongs to, from its `group` (`service:NAME`).
    pub fn service_name(&self) -> Option<&str> {
        self.group.as_deref()?.strip_prefix("service:")
    }

    /// A migration (or other task) toadtop started: `startedBy` is `toadtop` or
    /// `toadtop/<user>` (see `ops::migrate::started_by`).
    pub fn started_by_toadtop(&self) -> bool {
        self.started_by
            .as_deref()
            .is_some_and(|s| s == "toadtop" || s.starts_with("toadtop/"))
    }

    /// The containers that exited non-zero, as `php exited 1`.
    pub fn failed_exits(&self) -> Vec<String> {
        self.containers
            .iter()
            .filter_map(|c| {
                c.exit_code
                    .filter(|&e| e != 0)
                    .map(|e| format!("{} exited {e}", c.name))
            })
            .collect()
    }
}

/// Splits a cluster's tasks into those of each service (by `group` = `service:NAME`) and
/// the standalone ones; each list running first, newest first.
pub fn group_tasks(tasks: Vec<Task>) -> (std::collections::HashMap<String, Vec<Task>>, Vec<Task>) {
    let mut by_service: std::collections::HashMap<String, Vec<Task>> = Default::default();
    let mut standalone = Vec::new();
    for task in tasks {
        match task.service_name() {
            Some(name) => by_service.entry(name.to_string()).or_default().push(task),
            None => standalone.push(task),
        }
    }
    for list in by_service
        .values_mut()
        .chain(std::iter::once(&mut standalone))
    {
        sort_tasks(list);
    }
    (by_service, standalone)
}

/// Running first, newest first: what an operator looks at.
pub fn sort_tasks(tasks: &mut [Task]) {
    tasks.sort_by(|a, b| {
        (a.desired_status != "RUNNING")
            .cmp(&(b.desired_status != "RUNNING"))
            .then(b.started_at.cmp(&a.started_at))
            .then(a.id.cmp(&b.id))
    });
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Container {
    pub name: String,
    pub image: String,
    pub last_status: String,
    pub exit_code: Option<i32>,
    pub health: String,
    pub reason: Option<String>,
    pub runtime_id: Option<String>,
    /// Filled from the task definition; `None` when it is unknown.
    pub read_only_root: Option<bool>,
    /// The container's awslogs settings, from the task's own task-definition revision.
    pub awslogs: Option<AwsLogs>,
    /// The ECS Exec agent, when the task has exec enabled.
    pub exec_agent: Option<ManagedAgent>,
    /// The digest of the image the container runs (DescribeTasks `imageDigest`).
    pub image_digest: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagedAgent {
    pub status: String,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct TaskDefinition {
    pub arn: String,
    pub family: String,
    pub revision: i32,
    pub cpu: Option<String>,
    pub memory: Option<String>,
    pub network_mode: Option<String>,
    pub task_role_arn: Option<String>,
    pub execution_role_arn: Option<String>,
    pub containers: Vec<ContainerDefinition>,
    pub volumes: Vec<Volume>,
    /// runtimePlatform.cpuArchitecture (`X86_64`, `ARM64`); `None`: not set (x86_64).
    pub cpu_architecture: Option<String>,
    /// When the revision was registered (`:taskdefs` shows it).
    pub registered_at: Option<Timestamp>,
}

impl TaskDefinition {
    pub fn container(&self, name: &str) -> Option<&ContainerDefinition> {
        self.containers.iter().find(|c| c.name == name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ContainerDefinition {
    pub name: String,
    pub image: String,
    pub cpu: i32,
    pub memory: Option<i32>,
    pub essential: bool,
    pub read_only_root: bool,
    /// linuxParameters.initProcessEnabled (reaps zombies left by exec'd shells).
    pub init_process_enabled: bool,
    pub command: Vec<String>,
    pub mount_points: Vec<MountPoint>,
    pub ports: Vec<i32>,
    pub awslogs: Option<AwsLogs>,
    /// Names only: values of `secrets` live in SSM / Secrets Manager and are never fetched.
    pub secrets: Vec<SecretRef>,
    /// Plain environment, as defined. Render through [`crate::safety::mask_env`].
    pub environment: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct MountPoint {
    pub source_volume: String,
    pub container_path: String,
    pub read_only: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Volume {
    pub name: String,
    /// `host`, `efs`, `docker` or `ephemeral`.
    pub kind: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct AwsLogs {
    pub group: String,
    pub stream_prefix: Option<String>,
    pub region: Option<String>,
}

/// One `secrets` entry: the variable `name` gets the value `value_from` points at (see
/// [`parse_value_from`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct SecretRef {
    pub name: String,
    pub value_from: String,
}

/// `arn:aws:ecs:r:a:task-definition/laravel-web:7` -> `laravel-web:7`.
pub fn family_revision(task_definition_arn: &str) -> String {
    task_definition_arn
        .rsplit_once('/')
        .map_or(task_definition_arn, |(_, fr)| fr)
        .to_string()
}

/// `(family, revision)` of a task-definition ARN; `None` when it does not end in
/// `family:N`.
pub fn family_and_revision(task_definition_arn: &str) -> Option<(String, i32)> {
    let fr = family_revision(task_definition_arn);
    let (f, r) = fr.rsplit_once(':')?;
    Some((f.to_string(), r.parse().ok()?))
}

/// Last path segment of an ARN: the task id of a task ARN, the name of a service ARN.
pub fn arn_tail(arn: &str) -> &str {
    arn.rsplit_once('/').map_or(arn, |(_, t)| t)
}

/// The account of an ARN (`arn:aws:ecs:us-east-1:123456789012:service/...`), if it has one.
pub fn account_of(arn: &str) -> Option<String> {
    let account = arn.strip_prefix("arn:")?.split(':').nth(3)?;
    (!account.is_empty()).then(|| account.to_string())
}

/// An image in ECR: `<account>.dkr.ecr.<region>.amazonaws.com/<repo>[:tag|@digest]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcrRef {
    pub account: String,
    pub region: String,
    pub repository: String,
    /// `host/repo`, to which `:tag` is appended for a new image.
    pub base: String,
}

pub fn ecr_ref(image: &str) -> Option<EcrRef> {
    let (host, rest) = image.split_once('/')?;
    let mut parts = host.split('.');
    let account = parts.next()?;
    if parts.next()? != "dkr" || parts.next()? != "ecr" {
        return None;
    }
    let region = parts.next()?;
    let repo_end = rest
        .find(['@'])
        .or_else(|| rest.rfind(':'))
        .unwrap_or(rest.len());
    let repository = &rest[..repo_end];
    if account.is_empty() || !account.bytes().all(|b| b.is_ascii_digit()) || repository.is_empty() {
        return None;
    }
    Some(EcrRef {
        account: account.to_string(),
        region: region.to_string(),
        repository: repository.to_string(),
        base: format!("{host}/{repository}"),
    })
}

/// The first 8 characters of a task id, as ECS's console shows them.
pub fn short_task_id(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

/// `123.dkr.ecr.us-east-1.amazonaws.com/laravel-app:v1.5.0` -> `v1.5.0`;
/// digests are shortened, a missing tag is `latest` as Docker reads it.
pub fn image_tag(image: &str) -> String {
    if let Some((_, digest)) = image.split_once('@') {
        let hex = digest.trim_start_matches("sha256:");
        // 12 characters, not bytes: an image name from AWS may hold anything.
        let short = hex.char_indices().nth(12).map_or(hex, |(i, _)| &hex[..i]);
        return format!("@{short}");
    }
    let last = image.rsplit_once('/').map_or(image, |(_, l)| l);
    match last.split_once(':') {
        Some((_, tag)) => tag.to_string(),
        None => "latest".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_of_reads_the_fifth_field() {
        assert_eq!(
            account_of("arn:aws:ecs:us-east-1:123456789012:service/production/web").as_deref(),
            Some("123456789012")
        );
        assert_eq!(
            account_of("arn:aws:ecs:us-east-1:111122223333:cluster/prod").as_deref(),
            Some("111122223333")
        );
        assert_eq!(account_of("laravel-web:2"), None);
        assert_eq!(account_of("arn:aws:s3:::bucket"), None);
    }

    #[test]
    fn family_revision_and_tail() {
        assert_eq!(
            family_revision("arn:aws:ecs:us-east-1:1:task-definition/laravel-web:7"),
            "laravel-web:7"
        );
        assert_eq!(
            arn_tail("arn:aws:ecs:us-east-1:1:task/prod/abc123"),
            "abc123"
        );
        assert_eq!(arn_tail("plain"), "plain");
    }

    #[test]
    fn tasks_split_into_services_and_standalone() {
        use crate::fixtures::{standalone_task, task, NOW};
        let mut old_web = task("000000000001", "web", false);
        old_web.started_at = Some(Timestamp(NOW.0 - 7_200_000));
        let mut ci = standalone_task("8b9c0d1e2f30", "github-actions", Some(1));
        ci.started_at = Some(Timestamp(NOW.0 - 60_000));
        let mut no_group = standalone_task("9c0d1e2f3041", "someone", None);
        no_group.group = None;
        // A family that merely starts like a service's group is not one.
        let mut lookalike = standalone_task("aaaaaaaaaaaa", "x", Some(0));
        lookalike.group = Some("services:web".into());
        let (by_service, standalone) = group_tasks(vec![
            old_web,
            ci,
            task("0a1b2c3d4e5f", "web", true),
            no_group,
            task("5f60718293a4", "worker", true),
            lookalike,
        ]);
        let ids = |v: &[Task]| v.iter().map(|t| t.id.clone()).collect::<Vec<_>>();
        assert_eq!(
            ids(&by_service["web"]),
            ["0a1b2c3d4e5f", "000000000001"],
            "running first"
        );
        assert_eq!(ids(&by_service["worker"]), ["5f60718293a4"]);
        assert_eq!(by_service.len(), 2);
        // Running first, then the newest stopped one.
        assert_eq!(
            ids(&standalone),
            ["9c0d1e2f3041", "8b9c0d1e2f30", "aaaaaaaaaaaa"]
        );
    }

    #[test]
    fn toadtop_started_tasks_are_recognised() {
        use crate::fixtures::standalone_task;
        assert!(standalone_task("a", "toadtop/alice", Some(0)).started_by_toadtop());
        assert!(standalone_task("a", "toadtop", Some(0)).started_by_toadtop());
        assert!(!standalone_task("a", "toadtopx", Some(0)).started_by_toadtop());
        assert!(!standalone_task("a", "github-actions", Some(0)).started_by_toadtop());
        let failed = standalone_task("a", "ci", Some(1));
        assert_eq!(failed.failed_exits(), ["php exited 1"]);
        assert!(standalone_task("a", "ci", Some(0))
            .failed_exits()
            .is_empty());
    }

    #[test]
    fn ecr_refs() {
        let r = ecr_ref("123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/laravel-app:v1.5.0")
            .unwrap();
        assert_eq!(r.account, "123456789012");
        assert_eq!(r.region, "eu-west-1");
        assert_eq!(r.repository, "team/laravel-app");
        assert_eq!(
            r.base,
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/laravel-app"
        );
        let d = ecr_ref("123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:abc").unwrap();
        assert_eq!(d.repository, "app");
        assert_eq!(
            ecr_ref("123456789012.dkr.ecr.us-east-1.amazonaws.com/app")
                .unwrap()
                .repository,
            "app"
        );
        assert_eq!(ecr_ref("nginx:stable-alpine"), None);
        assert_eq!(ecr_ref("public.ecr.aws/nginx/nginx:1"), None);
        assert_eq!(ecr_ref("ghcr.io/acme/app:1"), None);
    }

    #[test]
    fn image_tags() {
        assert_eq!(
            image_tag("1.dkr.ecr.us-east-1.amazonaws.com/laravel-app:v1.5.0"),
            "v1.5.0"
        );
        assert_eq!(image_tag("nginx"), "latest");
        assert_eq!(image_tag("localhost:5000/app"), "latest");
        assert_eq!(
            image_tag("app@sha256:0123456789abcdef0123"),
            "@0123456789ab"
        );
        // Multi-byte text where the 12th byte falls inside a character: no panic.
        assert_eq!(image_tag("app@a€€€€€"), "@a€€€€€");
        assert_eq!(image_tag("app@a€€€€€€€€€€€€"), "@a€€€€€€€€€€€");
    }
}

/// One vulnerability of an image (basic scanning or Inspector's enhanced findings).
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Finding {
    pub name: String,
    /// CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL, UNDEFINED.
    pub severity: String,
    pub package: Option<String>,
    pub version: Option<String>,
    pub fixed_in: Option<String>,
    pub score: Option<f64>,
    /// Enhanced findings: ACTIVE, SUPPRESSED, CLOSED.
    pub status: Option<String>,
    pub url: Option<String>,
    pub description: Option<String>,
}

/// What is known about one image's scan.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct ImageFindings {
    pub image: String,
    pub digest: Option<String>,
    /// `not in ECR`, `not scanned`, or ECR's scan status (COMPLETE, IN_PROGRESS, FAILED, ...).
    pub status: String,
    /// Severity -> count.
    pub counts: std::collections::BTreeMap<String, i64>,
    /// Sorted most severe first.
    pub items: Vec<Finding>,
    /// The repository's scan settings, e.g. "enhanced, continuous" or "basic, scan on push".
    pub scan_settings: Option<String>,
    /// A call that failed for this image (the rest of the screen keeps working).
    pub error: Option<String>,
}

/// One image of an ECR repository, for the deploy picker.
#[derive(Debug, Clone, PartialEq)]
pub struct EcrImage {
    pub tags: Vec<String>,
    pub digest: String,
    pub pushed_at: Option<Timestamp>,
    /// The image's scan, from the same per-digest DescribeImageScanFindings cache as the
    /// findings pane (`aws::findings`), not from DescribeImages: with enhanced scanning
    /// DescribeImages carries no severity summary. `None` until it is loaded.
    pub findings: Option<ImageFindings>,
}

/// Severity rank for sorting: CRITICAL first.
pub fn severity_rank(s: &str) -> u8 {
    match s {
        "CRITICAL" => 0,
        "HIGH" => 1,
        "MEDIUM" => 2,
        "LOW" => 3,
        "INFORMATIONAL" => 4,
        _ => 5,
    }
}

/// CPU and memory utilisation Maximum of a service over the last hour (percent).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ServiceMetrics {
    /// (epoch ms, percent), oldest first.
    pub cpu_max: Vec<(i64, f64)>,
    pub memory_max: Vec<(i64, f64)>,
}
