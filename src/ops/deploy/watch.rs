//! Judging a rollout from one DescribeServices answer. Pure, so every way a deploy can
//! end is a unit test.

use std::time::Duration;

use crate::domain::{family_revision, Service};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watch {
    /// Our deployment, once UpdateService told us its id.
    pub deployment_id: Option<String>,
    /// The task definition our deployment runs.
    pub task_definition: String,
    pub started_ms: i64,
    pub timeout: Duration,
    /// More failed tasks than this fails the deploy (the circuit breaker may be off).
    pub max_failed_tasks: i32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Still rolling: a one-line progress summary.
    Waiting(String),
    Succeeded,
    Failed(String),
    TimedOut(String),
}

/// The longest wait between two tries while AWS does not answer (unless polling is slower).
const MAX_RETRY_WAIT: Duration = Duration::from_secs(60);

/// How long to wait before asking again after `failures` calls in a row failed: the poll
/// interval, doubled per failure, capped at a minute (or at the poll interval if that is
/// longer), so an outage costs a handful of calls rather than one per poll.
pub fn retry_delay(poll_every: Duration, failures: u32) -> Duration {
    let doubled = poll_every.saturating_mul(1 << failures.saturating_sub(1).min(16));
    doubled.min(MAX_RETRY_WAIT.max(poll_every))
}

/// What an outage leaves the operator with once the change was sent: where to look.
pub fn sent_but_unseen(w: &Watch) -> String {
    let which = match &w.deployment_id {
        Some(id) => format!("deployment {id} of {}", family_revision(&w.task_definition)),
        None => family_revision(&w.task_definition).to_string(),
    };
    format!(
        "the service update was sent ({which}); check the rollout with `toadtop --once` or the console"
    )
}

pub fn judge(w: &Watch, svc: &Service, now_ms: i64) -> Verdict {
    let ours = svc.deployments.iter().find(|d| match &w.deployment_id {
        Some(id) => d.id == *id,
        None => d.status == "PRIMARY" && d.task_definition_arn == w.task_definition,
    });
    let primary = svc.primary_deployment();
    let Some(ours) = ours else {
        return match primary {
            Some(p) if p.task_definition_arn != w.task_definition => Verdict::Failed(format!(
                "our deployment is gone: the primary deployment {} runs {} (rolled back by the circuit breaker or replaced)",
                p.id,
                family_revision(&p.task_definition_arn)
            )),
            _ => Verdict::Failed("our deployment is gone from the service".into()),
        };
    };
    if ours.rollout_state.as_deref() == Some("FAILED") {
        return Verdict::Failed(format!(
            "rollout FAILED: {}",
            ours.rollout_state_reason
                .as_deref()
                .unwrap_or("no reason given")
        ));
    }
    if ours.status != "PRIMARY" {
        let by = primary.map_or_else(
            || "another deployment".to_string(),
            |p| {
                format!(
                    "deployment {} ({})",
                    p.id,
                    family_revision(&p.task_definition_arn)
                )
            },
        );
        return Verdict::Failed(format!("replaced by {by} before it finished"));
    }
    if ours.failed_tasks > w.max_failed_tasks {
        return Verdict::Failed(format!(
            "{} tasks failed to start (limit {})",
            ours.failed_tasks, w.max_failed_tasks
        ));
    }
    if ours.rollout_state.as_deref() == Some("COMPLETED") {
        return Verdict::Succeeded;
    }
    let summary = format!(
        "{} {}: desired {} running {} pending {} failed {}",
        ours.id,
        ours.rollout_state.as_deref().unwrap_or("IN_PROGRESS"),
        ours.desired,
        ours.running,
        ours.pending,
        ours.failed_tasks
    );
    if now_ms - w.started_ms > w.timeout.as_millis() as i64 {
        return Verdict::TimedOut(format!(
            "not finished after {}s ({summary})",
            w.timeout.as_secs()
        ));
    }
    Verdict::Waiting(summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Deployment;
    use crate::fixtures;

    const NEW: &str = "arn:aws:ecs:us-east-1:123456789012:task-definition/laravel-web:3";
    const OLD: &str = "arn:aws:ecs:us-east-1:123456789012:task-definition/laravel-web:2";

    fn dep(id: &str, status: &str, td: &str, rollout: &str, failed: i32) -> Deployment {
        Deployment {
            id: id.into(),
            status: status.into(),
            rollout_state: Some(rollout.into()),
            rollout_state_reason: Some(format!("reason for {id}")),
            task_definition_arn: td.into(),
            desired: 3,
            running: 1,
            pending: 2,
            failed_tasks: failed,
            created_at: None,
            updated_at: None,
        }
    }

    fn svc(deployments: Vec<Deployment>) -> Service {
        let mut s = fixtures::service("web", vec![]);
        s.deployments = deployments;
        s
    }

    fn watch() -> Watch {
        Watch {
            deployment_id: Some("ecs-svc/new".into()),
            task_definition: NEW.into(),
            started_ms: 0,
            timeout: Duration::from_secs(900),
            max_failed_tasks: 2,
        }
    }

    #[test]
    fn waiting_then_success() {
        let s = svc(vec![
            dep("ecs-svc/new", "PRIMARY", NEW, "IN_PROGRESS", 0),
            dep("ecs-svc/old", "ACTIVE", OLD, "COMPLETED", 0),
        ]);
        assert!(
            matches!(judge(&watch(), &s, 1000), Verdict::Waiting(m) if m.contains("running 1"))
        );
        let s = svc(vec![dep("ecs-svc/new", "PRIMARY", NEW, "COMPLETED", 0)]);
        assert_eq!(judge(&watch(), &s, 1000), Verdict::Succeeded);
    }

    #[test]
    fn every_failure_is_named() {
        let failed = svc(vec![dep("ecs-svc/new", "PRIMARY", NEW, "FAILED", 3)]);
        assert!(
            matches!(judge(&watch(), &failed, 1), Verdict::Failed(m) if m.contains("FAILED") && m.contains("reason for ecs-svc/new"))
        );
        let rolled_back = svc(vec![dep("ecs-svc/rb", "PRIMARY", OLD, "COMPLETED", 0)]);
        assert!(
            matches!(judge(&watch(), &rolled_back, 1), Verdict::Failed(m) if m.contains("laravel-web:2") && m.contains("circuit breaker"))
        );
        let replaced = svc(vec![
            dep("ecs-svc/other", "PRIMARY", OLD, "IN_PROGRESS", 0),
            dep("ecs-svc/new", "ACTIVE", NEW, "IN_PROGRESS", 0),
        ]);
        assert!(
            matches!(judge(&watch(), &replaced, 1), Verdict::Failed(m) if m.contains("replaced by deployment ecs-svc/other"))
        );
        let failing_tasks = svc(vec![dep("ecs-svc/new", "PRIMARY", NEW, "IN_PROGRESS", 3)]);
        assert!(
            matches!(judge(&watch(), &failing_tasks, 1), Verdict::Failed(m) if m.contains("3 tasks failed"))
        );
        let slow = svc(vec![dep("ecs-svc/new", "PRIMARY", NEW, "IN_PROGRESS", 0)]);
        assert!(
            matches!(judge(&watch(), &slow, 901_000), Verdict::TimedOut(m) if m.contains("900s"))
        );
    }

    #[test]
    fn retries_back_off_from_the_poll_interval_to_a_minute() {
        let secs = |poll: u64, failures: u32| retry_delay(Duration::from_secs(poll), failures);
        let waits: Vec<u64> = (1..=8).map(|n| secs(5, n).as_secs()).collect();
        assert_eq!(waits, [5, 10, 20, 40, 60, 60, 60, 60]);
        assert_eq!(secs(1, 1), Duration::from_secs(1));
        assert_eq!(secs(1, 3), Duration::from_secs(4));
        // No overflow however long the outage; a slow poll is never made faster.
        assert_eq!(secs(1, u32::MAX), Duration::from_secs(60));
        assert_eq!(secs(90, 4), Duration::from_secs(90));
    }

    #[test]
    fn an_unseen_rollout_says_what_was_sent_and_where_to_look() {
        let text = sent_but_unseen(&watch());
        assert!(
            text.contains("deployment ecs-svc/new of laravel-web:3"),
            "{text}"
        );
        assert!(text.contains("toadtop --once"), "{text}");
        let mut w = watch();
        w.deployment_id = None;
        assert!(sent_but_unseen(&w).contains("(laravel-web:3)"));
    }

    #[test]
    fn without_an_id_our_deployment_is_the_primary_running_our_revision() {
        let mut w = watch();
        w.deployment_id = None;
        let s = svc(vec![dep("ecs-svc/x", "PRIMARY", NEW, "COMPLETED", 0)]);
        assert_eq!(judge(&w, &s, 1), Verdict::Succeeded);
    }
}
