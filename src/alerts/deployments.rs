//! Rule 2: deployments that FAILED, were rolled back by the circuit breaker or hang
//! IN_PROGRESS, and services running fewer tasks than desired.

use super::alert::{none, About, Level, Push};
use crate::config::AlertSettings;
use crate::domain::Service;
use crate::timefmt::Timestamp;

/// Rule 2: deployments that failed, were rolled back, or hang.
pub(super) fn deployments(svc: &Service, cfg: &AlertSettings, now: Timestamp, push: &mut Push<'_>) {
    for d in &svc.deployments {
        let reason = d.rollout_state_reason.clone().unwrap_or_default();
        let since = d.updated_at.or(d.created_at);
        match d.rollout_state.as_deref() {
            Some("FAILED") => push(
                Level::Critical,
                "deployment",
                None,
                format!("deployment {} FAILED: {reason}", d.id),
                since,
                About::subject(d.id.clone()),
            ),
            Some("IN_PROGRESS") => {
                if let Some(created) = d.created_at {
                    let minutes = (now.millis() - created.millis()) / 60_000;
                    if minutes >= cfg.deployment_in_progress_minutes as i64 {
                        push(
                            Level::Warning,
                            "deployment",
                            None,
                            format!("deployment {} IN_PROGRESS for {minutes} minutes", d.id),
                            Some(created),
                            About::subject(d.id.clone()),
                        );
                    }
                }
            }
            _ => {
                if d.status == "PRIMARY" && reason.to_lowercase().contains("circuit breaker") {
                    push(
                        Level::Critical,
                        "deployment",
                        None,
                        format!("rolled back by the circuit breaker: {reason}"),
                        since,
                        About::subject(d.id.clone()),
                    );
                }
            }
        }
    }
}

/// Rule 2, continued: fewer tasks running than desired (an ACTIVE service only: a
/// draining one is not expected to run anything).
pub(super) fn under_desired(svc: &Service, push: &mut Push<'_>) {
    if svc.status == "ACTIVE" && svc.running < svc.desired {
        push(
            Level::Warning,
            "under_desired",
            None,
            format!("running {} of {} desired tasks", svc.running, svc.desired),
            // ECS does not say since when; the deployment's time would mislead.
            None,
            none(),
        );
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::alerts::tests::{quiet, run, run_with};
    use crate::domain::Deployment;
    use crate::fixtures::NOW;

    fn deployment(state: &str, reason: &str, created_min_ago: i64) -> Deployment {
        let mut d = quiet().deployments.remove(0);
        d.rollout_state = Some(state.into());
        d.rollout_state_reason = Some(reason.into());
        d.created_at = Some(Timestamp(NOW.0 - created_min_ago * 60_000));
        d.updated_at = Some(Timestamp(NOW.0 - 60_000));
        d
    }

    #[test]
    fn a_failed_deployment_is_critical_with_its_reason() {
        let mut svc = quiet();
        svc.deployments = vec![deployment(
            "FAILED",
            "ECS deployment circuit breaker: tasks failed to start.",
            10,
        )];
        let alerts = run(svc);
        assert_eq!(alerts.len(), 1, "{alerts:#?}");
        assert_eq!(alerts[0].level, Level::Critical);
        assert_eq!(alerts[0].kind, "deployment");
        assert!(alerts[0].message.contains("FAILED"));
        assert!(alerts[0]
            .message
            .contains("circuit breaker: tasks failed to start"));
        assert_eq!(alerts[0].since, Some(Timestamp(NOW.0 - 60_000)));
    }

    #[test]
    fn a_primary_rolled_back_by_the_circuit_breaker_is_critical() {
        let mut svc = quiet();
        svc.deployments = vec![deployment(
            "COMPLETED",
            "ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1.",
            10,
        )];
        let alerts = run(svc);
        assert_eq!(alerts.len(), 1, "{alerts:#?}");
        assert_eq!(alerts[0].level, Level::Critical);
        assert!(alerts[0].message.contains("rolled back"));
    }

    #[test]
    fn a_deployment_in_progress_past_the_threshold_warns() {
        let cfg = AlertSettings {
            deployment_in_progress_minutes: 30,
            ..AlertSettings::default()
        };
        let mut svc = quiet();
        svc.deployments = vec![deployment("IN_PROGRESS", "", 31)];
        let alerts = run_with(svc, &BTreeMap::new(), &BTreeMap::new(), &cfg);
        assert_eq!(alerts.len(), 1, "{alerts:#?}");
        assert_eq!(alerts[0].level, Level::Warning);
        assert_eq!(alerts[0].kind, "deployment");
        assert!(
            alerts[0].message.contains("31 minutes"),
            "{}",
            alerts[0].message
        );
        assert_eq!(alerts[0].since, Some(Timestamp(NOW.0 - 31 * 60_000)));

        let mut svc = quiet();
        svc.deployments = vec![deployment("IN_PROGRESS", "", 29)];
        assert_eq!(
            run_with(svc, &BTreeMap::new(), &BTreeMap::new(), &cfg),
            vec![]
        );
    }

    #[test]
    fn fewer_running_than_desired_warns() {
        let mut svc = quiet();
        svc.tasks.pop();
        svc.running = 2;
        let alerts = run(svc);
        assert_eq!(alerts.len(), 1, "{alerts:#?}");
        assert_eq!(alerts[0].level, Level::Warning);
        assert_eq!(alerts[0].kind, "under_desired");
        assert!(
            alerts[0].message.contains("running 2 of 3"),
            "{}",
            alerts[0].message
        );

        // A draining service is not expected to run anything.
        let mut svc = quiet();
        svc.running = 2;
        svc.status = "DRAINING".into();
        assert_eq!(run(svc), vec![]);
    }
}
