//! One pacer for every ECS call of the process, sized to ECS's published token buckets
//! ("Request throttling for the Amazon ECS API": per account and region, one bucket per
//! action category with a burst capacity and a refill rate a second). A call waits for
//! its category's token before it is sent, so a large fleet is read as fast as AWS
//! allows and never throttles itself; the SDK's adaptive retry stays as the backstop
//! (other clients of the account share the same buckets).
//!
//! The arithmetic ([`Bucket`]) is pure and takes the clock as an argument; [`Limiter`]
//! reads the clock and sleeps.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A token bucket that lets callers reserve tokens ahead (the count goes below zero):
/// each reservation is told how long to wait, so waiting callers are served in order and
/// the sustained rate holds exactly.
#[derive(Debug, Clone, PartialEq)]
pub struct Bucket {
    capacity: f64,
    per_sec: f64,
    tokens: f64,
    /// Clock reading of the last refill.
    at: Duration,
}

impl Bucket {
    /// A full bucket at clock reading `now`.
    pub fn new(capacity: f64, per_sec: f64, now: Duration) -> Bucket {
        Bucket {
            capacity,
            per_sec,
            tokens: capacity,
            at: now,
        }
    }

    /// Takes one token at `now` and returns how long to wait before using it (zero while
    /// the burst lasts, then 1/rate apart).
    pub fn reserve(&mut self, now: Duration) -> Duration {
        if now > self.at {
            let refill = (now - self.at).as_secs_f64() * self.per_sec;
            self.tokens = (self.tokens + refill).min(self.capacity);
            self.at = now;
        }
        self.tokens -= 1.0;
        if self.tokens >= 0.0 || self.per_sec <= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-self.tokens / self.per_sec)
        }
    }
}

/// ECS's bucket for an operation: (category, burst, sustained per second), from the
/// published table. `None`: an operation of another service, or one without a bucket.
pub fn ecs_bucket(operation: &str) -> Option<(&'static str, f64, f64)> {
    Some(match operation {
        "DescribeClusters" | "ListClusters" => ("cluster read", 50.0, 20.0),
        "DescribeTaskDefinition" | "ListTaskDefinitions" | "ListTaskDefinitionFamilies" => {
            ("task definition read", 50.0, 20.0)
        }
        "RegisterTaskDefinition" | "DeregisterTaskDefinition" => {
            ("task definition modify", 20.0, 1.0)
        }
        "DescribeTasks"
        | "ListTasks"
        | "DescribeContainerInstances"
        | "ListContainerInstances"
        | "ListAttributes" => ("cluster resource read", 100.0, 20.0),
        "RunTask" | "StartTask" | "StopTask" | "ExecuteCommand" | "PutAttributes"
        | "DeleteAttributes" => ("cluster resource modify", 100.0, 40.0),
        "DescribeServices" | "ListServices" => ("service read", 100.0, 20.0),
        "CreateService" | "DeleteService" | "UpdateService" => ("service modify", 50.0, 5.0),
        "DescribeServiceDeployments" | "ListServiceDeployments" => {
            ("service deployment", 50.0, 20.0)
        }
        "DescribeServiceRevisions" => ("service revision", 50.0, 20.0),
        "TagResource" | "UntagResource" => ("tag modify", 20.0, 10.0),
        "ListTagsForResource" => ("tag read", 50.0, 20.0),
        _ => return None,
    })
}

/// The process's buckets, by category. `scale` multiplies bursts and rates (an account
/// whose quotas AWS Support raised); 0 turns pacing off.
#[derive(Debug)]
pub struct Limiter {
    start: Instant,
    scale: f64,
    buckets: Mutex<HashMap<&'static str, Bucket>>,
}

impl Default for Limiter {
    fn default() -> Self {
        Limiter::new(1.0)
    }
}

impl Limiter {
    pub fn new(scale: f64) -> Limiter {
        Limiter {
            start: Instant::now(),
            scale: if scale.is_finite() {
                scale.max(0.0)
            } else {
                1.0
            },
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// How long a call of `operation` made at clock reading `now` waits (its token taken).
    pub fn reserve_at(&self, operation: &str, now: Duration) -> Duration {
        let Some((category, burst, rate)) = ecs_bucket(operation) else {
            return Duration::ZERO;
        };
        if self.scale == 0.0 {
            return Duration::ZERO;
        }
        // A poisoned lock only means a panic elsewhere mid-update; the buckets stay usable.
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        buckets
            .entry(category)
            .or_insert_with(|| Bucket::new(burst * self.scale, rate * self.scale, now))
            .reserve(now)
    }

    /// Waits for `operation`'s token.
    pub async fn acquire(&self, operation: &str) {
        let wait = self.reserve_at(operation, self.start.elapsed());
        if !wait.is_zero() {
            tracing::debug!(operation, wait_ms = wait.as_millis() as u64, "paced");
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// Equal to the microsecond (the waits are computed in floating point).
    #[track_caller]
    fn close(got: Duration, want: Duration, why: &str) {
        let diff = got.abs_diff(want);
        assert!(diff < Duration::from_micros(1), "{got:?} != {want:?} {why}");
    }

    #[test]
    fn the_burst_goes_at_once_then_the_sustained_rate() {
        let mut b = Bucket::new(50.0, 20.0, ms(0));
        for _ in 0..50 {
            close(b.reserve(ms(0)), Duration::ZERO, "");
        }
        // The 51st waits one refill (50 ms at 20/s), the 52nd two.
        close(b.reserve(ms(0)), ms(50), "");
        close(b.reserve(ms(0)), ms(100), "");
        // 506 revisions at once: 50 free, the last waits (506 - 50) / 20 s.
        let mut b = Bucket::new(50.0, 20.0, ms(0));
        let last = (0..506).map(|_| b.reserve(ms(0))).last().unwrap();
        close(last, ms(22_800), "");
    }

    #[test]
    fn tokens_come_back_at_the_rate_up_to_the_capacity() {
        let mut b = Bucket::new(2.0, 1.0, ms(0));
        b.reserve(ms(0));
        b.reserve(ms(0));
        close(b.reserve(ms(500)), ms(500), "half a token back after 0.5 s");
        // Long idle: full again, never more than the capacity.
        let mut b = Bucket::new(2.0, 1.0, ms(0));
        close(b.reserve(ms(60_000)), Duration::ZERO, "");
        close(b.reserve(ms(60_000)), Duration::ZERO, "");
        close(b.reserve(ms(60_000)), ms(1000), "");
        // A clock reading from before the last one (a caller that read it earlier) does
        // not refill backwards.
        close(b.reserve(ms(59_000)), ms(2000), "");
    }

    #[test]
    fn categories_share_a_bucket_and_others_are_free() {
        let l = Limiter::new(1.0);
        for _ in 0..25 {
            close(l.reserve_at("DescribeClusters", ms(0)), Duration::ZERO, "");
            close(l.reserve_at("ListClusters", ms(0)), Duration::ZERO, "");
        }
        // 50 cluster reads used the burst; the task-definition bucket is untouched.
        close(l.reserve_at("ListClusters", ms(0)), ms(50), "");
        close(
            l.reserve_at("DescribeTaskDefinition", ms(0)),
            Duration::ZERO,
            "",
        );
        // Not ECS (or no bucket): never waits.
        for _ in 0..1000 {
            close(l.reserve_at("GetMetricData", ms(0)), Duration::ZERO, "");
        }
        // Register: a burst of 20, then one a second.
        for _ in 0..20 {
            close(
                l.reserve_at("RegisterTaskDefinition", ms(0)),
                Duration::ZERO,
                "",
            );
        }
        close(l.reserve_at("RegisterTaskDefinition", ms(0)), ms(1000), "");
    }

    #[test]
    fn scale_multiplies_and_zero_turns_pacing_off() {
        let l = Limiter::new(2.0);
        for _ in 0..100 {
            close(l.reserve_at("DescribeClusters", ms(0)), Duration::ZERO, "");
        }
        close(l.reserve_at("DescribeClusters", ms(0)), ms(25), "");
        let off = Limiter::new(0.0);
        for _ in 0..1000 {
            close(
                off.reserve_at("DescribeClusters", ms(0)),
                Duration::ZERO,
                "",
            );
        }
    }
}
