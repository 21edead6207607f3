//! The only code that talks to AWS. Everything here returns domain types or [`AwsError`].

pub mod attempts;
pub mod bounded;
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
            // Opened once per process: the temp files a killed run left go now.
            let swept_before = std::time::SystemTime::now()
                .checked_sub(disk_cache::TEMP_MAX_AGE)
                .unwrap_or(std::time::UNIX_EPOCH);
            let taskdefs =
                disk_cache::DiskCache::new(dir.join("taskdefs"), disk_cache::MAX_TASKDEFS);
            taskdefs.sweep_temp_files(swept_before);
            let findings = (!settings.findings_ttl.is_zero()).then(|| {
                let findings =
                    disk_cache::DiskCache::new(dir.join("findings"), disk_cache::MAX_FINDINGS);
                findings.sweep_temp_files(swept_before);
                (Arc::new(findings), settings.findings_ttl)
            });
            (Some(Arc::new(taskdefs)), findings)
        })
        .clone()
}

/// Task-definition revisions by ARN; one `OnceCell` per ARN lets concurrent loads share
/// a single DescribeTaskDefinition. Every deploy adds a revision, so the cells are
/// bounded ([`disk_cache::MAX_TASKDEFS`], as on disk; the least recently used goes): a
/// revision evicted and asked for again is read from disk or described again. A caller
/// already holding an evicted cell still shares its one describe.
#[derive(Debug)]
pub struct TaskDefinitionCache {
    cells: Mutex<bounded::Bounded<String, Arc<OnceCell<Option<TaskDefinition>>>>>,
}

impl Default for TaskDefinitionCache {
    fn default() -> TaskDefinitionCache {
        TaskDefinitionCache::with_cap(disk_cache::MAX_TASKDEFS)
    }
}

impl TaskDefinitionCache {
    pub fn with_cap(cap: usize) -> TaskDefinitionCache {
        TaskDefinitionCache {
            cells: Mutex::new(bounded::Bounded::new(cap)),
        }
    }

    pub fn cell(&self, arn: &str) -> Arc<OnceCell<Option<TaskDefinition>>> {
        // A poisoned lock only means a panic elsewhere mid-insert; the map is still valid.
        let mut cells = self.cells.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(cell) = cells.get(arn) {
            return Arc::clone(cell);
        }
        let cell = Arc::new(OnceCell::new());
        cells.insert(arn.to_string(), Arc::clone(&cell));
        cell
    }

    /// Revisions held now.
    pub fn len(&self) -> usize {
        self.cells.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Loads `arn` through its cell, counting the loads (a describe each).
    async fn load(cache: &TaskDefinitionCache, arn: &str, loads: &AtomicUsize) {
        cache
            .cell(arn)
            .get_or_init(|| async {
                loads.fetch_add(1, Ordering::SeqCst);
                tokio::task::yield_now().await;
                None
            })
            .await;
    }

    #[tokio::test]
    async fn revisions_are_bounded_the_recent_stay_and_an_evicted_one_loads_again() {
        let cache = TaskDefinitionCache::with_cap(100);
        let loads = AtomicUsize::new(0);
        load(&cache, "arn:td/keep:1", &loads).await;
        for i in 0..1_000 {
            load(&cache, &format!("arn:td/app:{i}"), &loads).await;
            // Used on every look, as the running revision is.
            load(&cache, "arn:td/keep:1", &loads).await;
        }
        assert_eq!(cache.len(), 100);
        assert_eq!(loads.load(Ordering::SeqCst), 1_001, "each revision once");
        // The one used all along is still a hit; an early one was evicted and loads again.
        load(&cache, "arn:td/keep:1", &loads).await;
        load(&cache, "arn:td/app:999", &loads).await;
        assert_eq!(loads.load(Ordering::SeqCst), 1_001);
        load(&cache, "arn:td/app:0", &loads).await;
        assert_eq!(loads.load(Ordering::SeqCst), 1_002);
        assert_eq!(cache.len(), 100);
    }

    #[tokio::test]
    async fn concurrent_loads_of_one_revision_share_one_describe() {
        let cache = TaskDefinitionCache::with_cap(2);
        let loads = AtomicUsize::new(0);
        // Each load yields inside its describe, so the two overlap.
        tokio::join!(
            load(&cache, "arn:td/a:1", &loads),
            load(&cache, "arn:td/a:1", &loads)
        );
        assert_eq!(loads.load(Ordering::SeqCst), 1);
        // A caller holding a cell that is evicted meanwhile still shares its describe.
        let held = cache.cell("arn:td/b:1");
        let _ = cache.cell("arn:td/c:1");
        let _ = cache.cell("arn:td/d:1");
        assert_eq!(cache.len(), 2);
        let wait = Arc::clone(&held);
        tokio::join!(
            held.get_or_init(|| async {
                loads.fetch_add(1, Ordering::SeqCst);
                tokio::task::yield_now().await;
                None
            }),
            wait.get_or_init(|| async {
                loads.fetch_add(1, Ordering::SeqCst);
                None
            })
        );
        assert_eq!(loads.load(Ordering::SeqCst), 2);
    }
}
