//! The only code that talks to AWS. Everything here returns domain types or [`AwsError`].

pub mod attempts;
mod convert;
pub mod disk_cache;
pub mod ecr;
pub mod ecs;
pub mod ecs_write;
mod endpoint_prefix;
pub mod error;
pub mod findings;
pub mod image_config;
pub mod limiter;
pub mod logs;
pub mod metrics;
pub mod pages;
pub mod parameters;
pub mod profiles;
pub mod ssm_session;
pub mod stats;
pub mod taskdefs;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region};

use tokio::sync::OnceCell;

use crate::domain::TaskDefinition;
pub use error::AwsError;
pub use stats::ApiStats;

/// Where AWS calls go, after applying precedence. `None` leaves the choice to aws-config
/// (which reads the profile's config, SSO included).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AwsSettings {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
}

/// Clients for one profile/region, plus what the header shows about them.
#[derive(Clone, Debug)]
pub struct AwsContext {
    pub profile: String,
    /// The profile chosen by flag, env or config (`None`: the SDK's default chain).
    pub profile_flag: Option<String>,
    pub region: String,
    pub endpoint_url: Option<String>,
    pub ecs: aws_sdk_ecs::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    pub ecr: aws_sdk_ecr::Client,
    pub ssm: aws_sdk_ssm::Client,
    pub stats: Arc<ApiStats>,
    pub task_definitions: Arc<TaskDefinitionCache>,
    /// SSM parameter metadata for secrets checks, cached for a few minutes.
    pub parameters: Arc<parameters::ParameterCache>,
    /// Paces ECS calls to ECS's token buckets; one for the whole process.
    pub limiter: Arc<limiter::Limiter>,
    /// Revisions on disk (`None`: `--no-cache`, or not configured).
    pub taskdefs_disk: Option<Arc<disk_cache::DiskCache>>,
    /// Findings by digest on disk, and how long they are reused.
    pub findings_disk: Option<(Arc<disk_cache::DiskCache>, Duration)>,
}

impl AwsContext {
    /// Before each ECS call: counts it for `--stats` and waits for its token.
    pub async fn ecs_call(&self, operation: &'static str) {
        self.stats.record(operation);
        self.limiter.acquire(operation).await;
    }
}

/// The process's one limiter (`TOADTOP_ECS_QUOTA_SCALE` multiplies ECS's published
/// quotas, for an account whose quotas were raised; 0 turns pacing off).
fn process_limiter() -> Arc<limiter::Limiter> {
    static LIMITER: std::sync::OnceLock<Arc<limiter::Limiter>> = std::sync::OnceLock::new();
    Arc::clone(LIMITER.get_or_init(|| {
        let scale = std::env::var("TOADTOP_ECS_QUOTA_SCALE")
            .ok()
            .and_then(|v| v.trim().parse::<f64>().ok())
            .unwrap_or(1.0);
        Arc::new(limiter::Limiter::new(scale))
    }))
}

/// The revisions' and the findings' disk caches (the latter with its time to live).
type DiskCaches = (
    Option<Arc<disk_cache::DiskCache>>,
    Option<(Arc<disk_cache::DiskCache>, Duration)>,
);

/// The disk caches as `main` configured them (shared by every context of the process).
fn process_disk_caches() -> DiskCaches {
    static CACHES: std::sync::OnceLock<DiskCaches> = std::sync::OnceLock::new();
    CACHES
        .get_or_init(|| {
            let Some(settings) = disk_cache::settings() else {
                return (None, None);
            };
            let Some(dir) = &settings.dir else {
                return (None, None);
            };
            let taskdefs =
                disk_cache::DiskCache::new(dir.join("taskdefs"), disk_cache::MAX_TASKDEFS);
            let findings = (!settings.findings_ttl.is_zero()).then(|| {
                (
                    Arc::new(disk_cache::DiskCache::new(
                        dir.join("findings"),
                        disk_cache::MAX_FINDINGS,
                    )),
                    settings.findings_ttl,
                )
            });
            (Some(Arc::new(taskdefs)), findings)
        })
        .clone()
}

/// Task-definition revisions by ARN; one `OnceCell` per ARN lets concurrent loads share
/// a single DescribeTaskDefinition.
#[derive(Debug, Default)]
pub struct TaskDefinitionCache {
    cells: Mutex<HashMap<String, Arc<OnceCell<Option<TaskDefinition>>>>>,
}

impl TaskDefinitionCache {
    pub fn cell(&self, arn: &str) -> Arc<OnceCell<Option<TaskDefinition>>> {
        // A poisoned lock only means a panic elsewhere mid-insert; the map is still valid.
        let mut cells = self.cells.lock().unwrap_or_else(|e| e.into_inner());
        Arc::clone(cells.entry(arn.to_string()).or_default())
    }
}

/// Attempts per call, the first included: with adaptive retry a throttled or 5xx answer
/// is retried after a jittered, growing backoff, and the client also slows its own rate
/// after throttling; the SDK's retry quota stops retries when most calls fail.
pub const MAX_ATTEMPTS: u32 = 3;

/// The longest wait before a retry. The adaptive rate limiter asks for long waits right
/// after a throttle at a low request rate (up to the SDK's default of 20 s each); 5 s
/// keeps a call's three attempts well inside the operation timeout and a TUI refresh
/// responsive, while the limiter still spaces out new calls.
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// Independent calls in flight at once per list. ECS's quotas are kept by the process's
/// [`limiter::Limiter`], so this only bounds sockets and memory: enough to hide a
/// region's round trip while the token buckets allow it.
pub const CONCURRENCY: usize = 16;

/// Builds clients; fails only when no region can be found anywhere, since every
/// call would fail the same way. Credentials are resolved lazily, by the first call.
pub async fn connect(settings: &AwsSettings) -> Result<AwsContext, AwsError> {
    let sdk = load(settings).await?;
    Ok(context(settings, &sdk))
}

/// `connect`, and the credentials resolved once up front: switching profiles fails here,
/// with one clear reason (an expired SSO session, a missing profile), while the old
/// clients keep working.
pub async fn connect_checked(settings: &AwsSettings) -> Result<AwsContext, AwsError> {
    use aws_sdk_ecs::config::ProvideCredentials;

    let sdk = load(settings).await?;
    let Some(provider) = sdk.credentials_provider() else {
        return Err(AwsError::new(
            "loading credentials",
            error::AwsErrorKind::Credentials,
            "no credentials provider",
        ));
    };
    // SSO and role profiles call AWS to get credentials: bounded like any other call.
    match tokio::time::timeout(Duration::from_secs(30), provider.provide_credentials()).await {
        Ok(Ok(_)) => Ok(context(settings, &sdk)),
        Ok(Err(e)) => Err(AwsError::from_credentials(&e)),
        Err(_) => Err(AwsError::new(
            "loading credentials",
            error::AwsErrorKind::Timeout,
            "timed out",
        )),
    }
}

async fn load(settings: &AwsSettings) -> Result<aws_config::SdkConfig, AwsError> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        // Adaptive: standard retry (backoff with jitter on throttling and 5xx) plus a
        // client-side rate limiter that throttling answers turn on, so a throttled fleet
        // load backs off as a whole instead of every call retrying on its own schedule.
        .retry_config(
            RetryConfig::adaptive()
                .with_max_attempts(MAX_ATTEMPTS)
                .with_max_backoff(MAX_BACKOFF),
        )
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(3))
                .operation_attempt_timeout(Duration::from_secs(15))
                .operation_timeout(Duration::from_secs(40))
                .build(),
        );
    if let Some(p) = &settings.profile {
        loader = loader.profile_name(p);
    }
    if let Some(r) = &settings.region {
        loader = loader.region(Region::new(r.clone()));
    }
    if let Some(u) = &settings.endpoint_url {
        loader = loader.endpoint_url(u);
    }
    let sdk = loader.load().await;
    let Some(region) = sdk.region().cloned() else {
        return Err(AwsError {
            operation: "configuration",
            kind: error::AwsErrorKind::Credentials,
            reason: "no AWS region".into(),
            hint: Some(
                "pass --region, set AWS_REGION, or set region in the profile or config file",
            ),
        });
    };
    let Some(profile) = &settings.profile else {
        return Ok(sdk);
    };
    // A profile named by toadtop supplies the credentials itself, as `aws --profile` does:
    // the SDK's default chain would let AWS_ACCESS_KEY_ID in the environment win, and the
    // header would name one account while the calls went to another.
    let provider = aws_config::profile::ProfileFileCredentialsProvider::builder()
        .profile_name(profile)
        .configure(
            &aws_config::provider_config::ProviderConfig::default().with_region(Some(region)),
        )
        .build();
    Ok(sdk
        .to_builder()
        .credentials_provider(aws_sdk_ecs::config::SharedCredentialsProvider::new(
            provider,
        ))
        .build())
}

fn context(settings: &AwsSettings, sdk: &aws_config::SdkConfig) -> AwsContext {
    let stats = Arc::new(ApiStats::default());
    let observer = attempts::AttemptObserver::new(Arc::clone(&stats));
    let (taskdefs_disk, findings_disk) = process_disk_caches();
    AwsContext {
        profile: settings.profile.clone().unwrap_or_else(|| "default".into()),
        profile_flag: settings.profile.clone(),
        // `load` returns only configs with a region.
        region: sdk.region().map(ToString::to_string).unwrap_or_default(),
        endpoint_url: sdk.endpoint_url().map(str::to_string),
        // Every client reports its attempts (see `attempts`).
        ecs: aws_sdk_ecs::Client::from_conf(
            aws_sdk_ecs::config::Builder::from(sdk)
                .interceptor(observer.clone())
                .build(),
        ),
        logs: aws_sdk_cloudwatchlogs::Client::from_conf(
            aws_sdk_cloudwatchlogs::config::Builder::from(sdk)
                .interceptor(observer.clone())
                // Live tail against --endpoint-url (it acts only when one is set).
                .interceptor(endpoint_prefix::DropPrefixForEndpointUrl)
                .build(),
        ),
        cloudwatch: aws_sdk_cloudwatch::Client::from_conf(
            aws_sdk_cloudwatch::config::Builder::from(sdk)
                .interceptor(observer.clone())
                .build(),
        ),
        ecr: aws_sdk_ecr::Client::from_conf(
            aws_sdk_ecr::config::Builder::from(sdk)
                .interceptor(observer.clone())
                .build(),
        ),
        ssm: aws_sdk_ssm::Client::from_conf(
            aws_sdk_ssm::config::Builder::from(sdk)
                .interceptor(observer)
                .build(),
        ),
        stats,
        task_definitions: Arc::new(TaskDefinitionCache::default()),
        parameters: Arc::new(parameters::ParameterCache::default()),
        limiter: process_limiter(),
        taskdefs_disk,
        findings_disk,
    }
}
