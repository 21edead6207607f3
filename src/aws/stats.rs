//! Counts API calls per operation, so `--stats` can show that batching holds; and what
//! the SDK's retries hide from the caller (throttled and 5xx attempts, calls in flight),
//! filled in by [`super::attempts::AttemptObserver`].

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long after the last throttled attempt the TUI still shows "throttled".
pub const THROTTLED_WINDOW: Duration = Duration::from_secs(60);

#[derive(Debug, Default)]
pub struct ApiStats {
    calls: Mutex<BTreeMap<&'static str, u64>>,
    attempts: Mutex<Attempts>,
    /// Disk cache lookups by cache (`taskdefs`, `findings`): (hits, misses).
    caches: Mutex<BTreeMap<&'static str, (u64, u64)>>,
}

/// Per-attempt facts, by the SDK's operation name.
#[derive(Debug, Default)]
struct Attempts {
    throttled: BTreeMap<String, u64>,
    server_errors: BTreeMap<String, u64>,
    last_throttle: Option<Instant>,
    /// Calls started and not yet finished (a call whose future was dropped stays here).
    in_flight: BTreeMap<String, usize>,
}

/// What one attempt's answer was, as far as retries care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptOutcome {
    Throttled,
    ServerError,
    /// Success, or an error that is neither (those are the caller's to report).
    Other,
}

impl ApiStats {
    pub fn record(&self, operation: &'static str) {
        // The operation name only: parameters may hold resource names, never bodies.
        tracing::debug!(operation, "AWS call");
        // A poisoned lock only means another thread panicked mid-increment; counts stay usable.
        let mut calls = self.calls.lock().unwrap_or_else(|e| e.into_inner());
        *calls.entry(operation).or_default() += 1;
    }

    pub fn snapshot(&self) -> BTreeMap<&'static str, u64> {
        self.calls.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub fn total(&self) -> u64 {
        self.snapshot().values().sum()
    }

    /// `ListClusters=1 DescribeClusters=1 ... total=9`
    pub fn summary(&self) -> String {
        let snap = self.snapshot();
        let mut parts: Vec<String> = snap.iter().map(|(k, v)| format!("{k}={v}")).collect();
        parts.push(format!("total={}", snap.values().sum::<u64>()));
        parts.join(" ")
    }

    /// One lookup in a disk cache: `hit` when it spared a call.
    pub fn cache_lookup(&self, cache: &'static str, hit: bool) {
        let mut caches = self.caches.lock().unwrap_or_else(|e| e.into_inner());
        let entry = caches.entry(cache).or_default();
        if hit {
            entry.0 += 1;
        } else {
            entry.1 += 1;
        }
    }

    /// `taskdefs 506 hit / 0 miss; findings 3 hit / 0 miss`, or `None` when no disk cache
    /// was asked (`--no-cache`).
    pub fn cache_summary(&self) -> Option<String> {
        let caches = self.caches.lock().unwrap_or_else(|e| e.into_inner());
        let parts: Vec<String> = caches
            .iter()
            .map(|(k, (hit, miss))| format!("{k} {hit} hit / {miss} miss"))
            .collect();
        (!parts.is_empty()).then(|| parts.join("; "))
    }

    fn attempts(&self) -> std::sync::MutexGuard<'_, Attempts> {
        // Poisoned: a panic elsewhere mid-update; the counts are still meaningful.
        self.attempts.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn call_started(&self, operation: &str) {
        *self
            .attempts()
            .in_flight
            .entry(operation.to_string())
            .or_default() += 1;
    }

    pub fn call_finished(&self, operation: &str) {
        let mut a = self.attempts();
        if let Some(n) = a.in_flight.get_mut(operation) {
            *n -= 1;
            if *n == 0 {
                a.in_flight.remove(operation);
            }
        }
    }

    pub fn attempt(&self, operation: &str, outcome: AttemptOutcome) {
        let mut a = self.attempts();
        match outcome {
            AttemptOutcome::Throttled => {
                tracing::warn!(operation, "AWS throttled an attempt; retrying with backoff");
                *a.throttled.entry(operation.to_string()).or_default() += 1;
                a.last_throttle = Some(Instant::now());
            }
            AttemptOutcome::ServerError => {
                tracing::warn!(operation, "AWS answered an attempt with a 5xx");
                *a.server_errors.entry(operation.to_string()).or_default() += 1;
            }
            AttemptOutcome::Other => {}
        }
    }

    /// Operations with a call in flight, by name.
    pub fn pending(&self) -> Vec<String> {
        self.attempts().in_flight.keys().cloned().collect()
    }

    /// Whether an attempt was throttled within `window` before `now`.
    pub fn throttled_within(&self, window: Duration, now: Instant) -> bool {
        self.attempts()
            .last_throttle
            .is_some_and(|t| now.saturating_duration_since(t) <= window)
    }

    /// `throttled ListServices=2 DescribeServices=1; 5xx DescribeTasks=1`, or `None`
    /// when every attempt went through.
    pub fn faults_summary(&self) -> Option<String> {
        let a = self.attempts();
        let list = |label: &str, m: &BTreeMap<String, u64>| {
            (!m.is_empty()).then(|| {
                let parts: Vec<String> = m.iter().map(|(k, v)| format!("{k}={v}")).collect();
                format!("{label} {}", parts.join(" "))
            })
        };
        let parts: Vec<String> = [
            list("throttled", &a.throttled),
            list("5xx", &a.server_errors),
        ]
        .into_iter()
        .flatten()
        .collect();
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttles_are_recent_for_a_window_and_pending_calls_are_named() {
        let stats = ApiStats::default();
        let now = Instant::now();
        assert!(!stats.throttled_within(THROTTLED_WINDOW, now));
        assert_eq!(stats.faults_summary(), None);
        stats.attempt("ListServices", AttemptOutcome::Other);
        assert_eq!(stats.faults_summary(), None);

        stats.attempt("ListServices", AttemptOutcome::Throttled);
        stats.attempt("ListServices", AttemptOutcome::Throttled);
        stats.attempt("DescribeTasks", AttemptOutcome::ServerError);
        let now = Instant::now();
        assert!(stats.throttled_within(THROTTLED_WINDOW, now));
        assert!(!stats.throttled_within(THROTTLED_WINDOW, now + Duration::from_secs(61)));
        assert_eq!(
            stats.faults_summary().as_deref(),
            Some("throttled ListServices=2; 5xx DescribeTasks=1")
        );

        stats.call_started("DescribeServices");
        stats.call_started("DescribeServices");
        stats.call_started("ListTasks");
        stats.call_finished("DescribeServices");
        stats.call_finished("ListTasks");
        stats.call_finished("NeverStarted");
        assert_eq!(stats.pending(), vec!["DescribeServices".to_string()]);
        stats.call_finished("DescribeServices");
        assert!(stats.pending().is_empty());
    }

    #[test]
    fn cache_lookups_are_summed_per_cache() {
        let stats = ApiStats::default();
        assert_eq!(stats.cache_summary(), None);
        stats.cache_lookup("taskdefs", true);
        stats.cache_lookup("taskdefs", true);
        stats.cache_lookup("taskdefs", false);
        stats.cache_lookup("findings", false);
        assert_eq!(
            stats.cache_summary().as_deref(),
            Some("findings 0 hit / 1 miss; taskdefs 2 hit / 1 miss")
        );
    }
}
