//! `toadtop watch`: the TUI's alert rules, evaluated every `--interval` with the same
//! loaders, printed as one line per event ([`crate::ops::watch`] decides which). AWS
//! failing: back off as the TUI does, say `watch_degraded` once and `watch_recovered`
//! when answers come back, and resolve nothing that could not be looked at. SIGINT and
//! SIGTERM (and SIGHUP) drop the look in flight and exit 0.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::stream::{self, StreamExt};

use super::once::OnceError;
use crate::alerts::Alert;
use crate::aws::findings::FindingsCache;
use crate::aws::{ecs, AwsContext, CONCURRENCY};
use crate::cli::{LogOutput, Settings, WatchArgs};
use crate::config::glob_match;
use crate::domain::{ClusterDetail, ImageFindings, SecretState, ServiceMetrics};
use crate::ops::interrupt::Signals;
use crate::ops::watch::hook::Hooks;
use crate::ops::watch::{Event, Observation, Tracker};
use crate::timefmt::Timestamp;

/// CloudWatch metrics are 5-minute data (as in the TUI).
const METRICS_EVERY: Duration = Duration::from_secs(60);
/// A digest's findings are cached, but continuous scanning finds new CVEs in old images:
/// the cache starts over this often at most, or every `[findings] cache_minutes` (and so
/// stays the size of what runs).
const FINDINGS_CACHE_FOR: Duration = Duration::from_secs(3600);
/// How long the hooks still running at exit may take to finish.
const DRAIN_AT_EXIT: Duration = Duration::from_secs(5);

/// What one look computed.
struct Pass {
    details: Vec<ClusterDetail>,
    alerts: Vec<Alert>,
    /// (cluster, kind) whose source failed: their alerts are kept.
    held: BTreeSet<(String, &'static str)>,
    /// Clusters that could not be loaded (the look is partial).
    failures: Vec<String>,
}

/// The caches that outlive one look.
struct Loader {
    findings_cache: FindingsCache,
    cache_born: Instant,
    /// By image: the last good answer, used while a new one fails.
    findings: BTreeMap<String, ImageFindings>,
    /// By cluster: when fetched, and what.
    metrics: BTreeMap<String, (Instant, BTreeMap<String, ServiceMetrics>)>,
    /// Clusters watched so far: one that is no longer listed was deleted, and its
    /// alerts go with it.
    known: BTreeSet<String>,
}

impl Loader {
    fn new() -> Loader {
        Loader {
            findings_cache: FindingsCache::default(),
            cache_born: Instant::now(),
            findings: BTreeMap::new(),
            metrics: BTreeMap::new(),
            known: BTreeSet::new(),
        }
    }

    /// One look at every watched cluster: the same calls as `--once`, plus the caches.
    async fn pass(&mut self, ctx: &AwsContext, settings: &Settings) -> Result<Pass, OnceError> {
        // `[findings] cache_minutes` is how old findings may be (0: read on every look).
        let fresh_for = FINDINGS_CACHE_FOR.min(Duration::from_secs(
            settings.config.findings.cache_minutes * 60,
        ));
        if self.cache_born.elapsed() >= fresh_for {
            self.findings_cache = FindingsCache::default();
            self.cache_born = Instant::now();
        }
        let all = ecs::load_clusters(ctx, &|_: &str| true).await?;
        for wanted in &settings.config.clusters {
            if !all.iter().any(|c| glob_match(wanted, &c.name)) {
                let names: Vec<String> = all.iter().map(|c| c.name.clone()).collect();
                return Err(OnceError::UnknownCluster {
                    wanted: wanted.clone(),
                    region: ctx.region.clone(),
                    existing: super::list(&names),
                });
            }
        }
        let shown: Vec<_> = all
            .into_iter()
            .filter(|c| settings.config.shows_cluster(&c.name))
            .collect();
        let loaded: Vec<_> = stream::iter(&shown)
            .map(|c| async move { (c, ecs::load_cluster_detail(ctx, c).await) })
            .buffered(CONCURRENCY)
            .collect()
            .await;
        let mut details = Vec::new();
        let mut failures = Vec::new();
        for (c, result) in loaded {
            match result {
                Ok(d) => details.push(d),
                Err(e) => failures.push(format!("{}: {e}", c.name)),
            }
        }
        // A watched cluster ListClusters no longer lists: looked at, and empty.
        let listed: BTreeSet<String> = shown.iter().map(|c| c.name.clone()).collect();
        for gone in self.known.difference(&listed) {
            details.push(ClusterDetail {
                cluster: gone.clone(),
                services: Vec::new(),
                tasks: Vec::new(),
            });
        }
        self.known = listed;
        let mut held = BTreeSet::new();
        let now = Timestamp::now();

        // Findings: a failed answer keeps the last good one (else its alerts are held).
        let mut images = Vec::new();
        for d in &details {
            d.images_into(None, &mut images);
        }
        let found = crate::aws::findings::load(ctx, &images, &self.findings_cache).await;
        let mut findings = BTreeMap::new();
        for (image, f) in found {
            match (&f.error, self.findings.remove(&image)) {
                (Some(_), Some(old)) => {
                    findings.insert(image, old);
                }
                (Some(_), None) => {
                    for d in &details {
                        held.insert((d.cluster.clone(), "finding"));
                    }
                    findings.insert(image, f);
                }
                (None, _) => {
                    findings.insert(image, f);
                }
            }
        }
        // Only images that run now are remembered.
        self.findings = findings;

        // Metrics: at most once a minute per cluster; a failure keeps the last answer.
        let names: BTreeSet<&str> = shown.iter().map(|c| c.name.as_str()).collect();
        self.metrics.retain(|c, _| names.contains(c.as_str()));
        let due: Vec<&ClusterDetail> = details
            .iter()
            .filter(|d| !d.services.is_empty())
            .filter(|d| {
                self.metrics
                    .get(&d.cluster)
                    .is_none_or(|(t, _)| t.elapsed() >= METRICS_EVERY)
            })
            .collect();
        let fetched: Vec<_> = stream::iter(due)
            .map(|d| async move {
                let names: Vec<String> = d.services.iter().map(|s| s.name.clone()).collect();
                let r = crate::aws::metrics::service_metrics(ctx, &d.cluster, &names, now.millis())
                    .await;
                (d.cluster.clone(), r)
            })
            .buffered(CONCURRENCY)
            .collect()
            .await;
        for (cluster, result) in fetched {
            match result {
                Ok(m) => {
                    self.metrics.insert(cluster, (Instant::now(), m));
                }
                Err(e) => {
                    tracing::warn!(cluster = %cluster, error = %e, "watch: metrics failed");
                    if !self.metrics.contains_key(&cluster) {
                        held.insert((cluster.clone(), "cpu"));
                        held.insert((cluster, "memory"));
                    }
                }
            }
        }

        let empty = BTreeMap::new();
        let mut alerts = Vec::new();
        for d in &details {
            let metrics = self.metrics.get(&d.cluster).map_or(&empty, |(_, m)| m);
            alerts.extend(crate::alerts::evaluate(
                d,
                &self.findings,
                metrics,
                &settings.config.alerts,
                now,
            ));
            // Secrets: a parameter that could not be checked holds that cluster's alerts.
            let by_service =
                crate::aws::parameters::secrets_health(ctx, &d.service_task_definitions()).await;
            if by_service
                .values()
                .flatten()
                .any(|r| matches!(r.state, SecretState::Unknown(_)))
            {
                held.insert((d.cluster.clone(), "secret"));
            }
            alerts.extend(crate::alerts::secret_alerts(&d.cluster, &by_service));
        }
        Ok(Pass {
            details,
            alerts,
            held,
            failures,
        })
    }
}

/// Where events go: stdout (text or JSON lines) and the hooks.
struct Sink {
    output: LogOutput,
    min: crate::alerts::Level,
    hooks: Option<Hooks>,
}

impl Sink {
    /// Prints and hands on the events that pass `--min-level`; false once stdout is gone.
    fn emit(&self, events: &[Event]) -> bool {
        let mut out = std::io::stdout().lock();
        for e in events.iter().filter(|e| e.passes(self.min)) {
            let line = match self.output {
                LogOutput::Json => crate::safety::json_string(&e.to_json()),
                LogOutput::Text => e.to_text(),
            };
            if writeln!(out, "{line}").and_then(|()| out.flush()).is_err() {
                return false;
            }
            if let Some(h) = &self.hooks {
                h.fire(e);
            }
        }
        true
    }
}

pub async fn run(ctx: &AwsContext, settings: &Settings, args: &WatchArgs) -> u8 {
    let mut settings = settings.clone();
    if !args.clusters.is_empty() {
        settings.config.clusters = args.clusters.clone();
    }
    let mut signals = Signals::listen();
    let report: crate::ops::watch::hook::Report = Arc::new(|m: String| super::say_error(m));
    let sink = Sink {
        output: args.output,
        min: args.min_level.level(),
        hooks: args
            .exec
            .clone()
            .map(|cmd| Hooks::new(cmd, args.timeout_exec, report)),
    };
    let interval_secs = args.interval.as_secs().max(1);
    let mut loader = Loader::new();
    let mut tracker = Tracker::default();
    // Failed looks in a row, and since when.
    let mut failing: Option<(u32, Timestamp)> = None;
    let mut first = true;
    let code = loop {
        let pass = tokio::select! {
            _ = signals.recv() => break 0,
            p = loader.pass(ctx, &settings) => p,
        };
        let at = Timestamp::now();
        let mut events = Vec::new();
        let failure = match pass {
            // A cluster named at start that does not exist is a mistake to fix, as in --once.
            Err(e @ OnceError::UnknownCluster { .. }) if first => {
                super::say_error(&e);
                break 2;
            }
            Err(e) => Some(e.to_string()),
            Ok(p) => {
                let refs: Vec<&ClusterDetail> = p.details.iter().collect();
                events.extend(tracker.observe(Observation {
                    at,
                    clusters: &refs,
                    alerts: &p.alerts,
                    held: &p.held,
                }));
                p.failures.first().cloned()
            }
        };
        first = false;
        let mut delay = args.interval;
        match (failure, failing) {
            (Some(why), None) => {
                tracing::warn!(error = %why, "watch: degraded");
                events.push(Event::degraded(&ctx.region, &why, at));
                failing = Some((1, at));
                delay = delay.max(retry_delay(1, interval_secs));
            }
            (Some(why), Some((n, since))) => {
                tracing::warn!(error = %why, failures = n + 1, "watch: still degraded");
                failing = Some((n + 1, since));
                delay = delay.max(retry_delay(n + 1, interval_secs));
            }
            (None, Some((_, since))) => {
                events.push(Event::recovered(&ctx.region, since, at));
                failing = None;
            }
            (None, None) => {}
        }
        if !sink.emit(&events) {
            // stdout closed (`| head`): nobody is reading.
            break 0;
        }
        tokio::select! {
            _ = signals.recv() => break 0,
            _ = tokio::time::sleep(delay) => {}
        }
    };
    if let Some(h) = &sink.hooks {
        h.drain(args.timeout_exec.min(DRAIN_AT_EXIT)).await;
    }
    code
}

/// The TUI's backoff: 2 s, 4, 8, ... at most a minute (or the interval, if longer).
fn retry_delay(failures: u32, interval_secs: u64) -> Duration {
    let ms = crate::app::backoff::retry_delay_ms(failures, interval_secs);
    Duration::from_millis(u64::try_from(ms).unwrap_or(0))
}
