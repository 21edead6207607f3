//! Counts API calls per operation, so `--stats` can show that batching holds.

use std::collections::BTreeMap;
use std::sync::Mutex;

#[derive(Debug, Default)]
pub struct ApiStats {
    calls: Mutex<BTreeMap<&'static str, u64>>,
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
}
