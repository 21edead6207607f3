//! Rule 3: service events that report a problem (unable to place, unhealthy, failed, ...).

use super::alert::{About, Level, Push};
use crate::domain::Service;

/// Event messages that report a problem rather than progress.
pub fn event_is_problem(message: &str) -> bool {
    let m = message.to_lowercase();
    [
        "unable to",
        "unhealthy",
        "failed",
        "error",
        "insufficient",
        "throttl",
        "could not",
        "stopped because",
    ]
    .iter()
    .any(|w| m.contains(w))
}

/// Rule 3: service events that report a problem (of the 20 newest ECS keeps), unless the
/// service has reached a steady state since.
pub(super) fn problem_events(svc: &Service, push: &mut Push<'_>) {
    let steady = svc
        .events
        .iter()
        .filter(|e| e.message.contains("reached a steady state"))
        .filter_map(|e| e.created_at)
        .max();
    for e in svc
        .events
        .iter()
        .filter(|e| event_is_problem(&e.message))
        .filter(|e| steady.is_none_or(|s| e.created_at.is_none_or(|t| t > s)))
    {
        push(
            Level::Warning,
            "service_event",
            None,
            e.message.clone(),
            e.created_at,
            About::subject(e.id.clone()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alerts::evaluate;
    use crate::alerts::tests::{quiet, run};
    use crate::config::AlertSettings;
    use crate::domain::ServiceEvent;
    use crate::fixtures::{self, NOW};
    use crate::timefmt::Timestamp;

    fn event(message: &str) -> ServiceEvent {
        ServiceEvent {
            id: "e1".into(),
            created_at: Some(Timestamp(NOW.0 - 120_000)),
            message: message.into(),
        }
    }

    #[test]
    fn a_problem_event_warns_and_a_steady_state_does_not() {
        let mut svc = quiet();
        svc.events = vec![event(
            "(service web) was unable to place a task because no container instance met all of its requirements.",
        )];
        let alerts = run(svc);
        assert_eq!(alerts.len(), 1, "{alerts:#?}");
        assert_eq!(alerts[0].level, Level::Warning);
        assert_eq!(alerts[0].kind, "service_event");
        assert!(alerts[0].message.contains("unable to place"));
        assert_eq!(alerts[0].since, Some(Timestamp(NOW.0 - 120_000)));

        let mut svc = quiet();
        svc.events = vec![event("(service web) has reached a steady state.")];
        assert_eq!(run(svc), vec![]);
    }

    #[test]
    fn problem_words() {
        assert!(event_is_problem("(task 1) failed container health checks."));
        assert!(event_is_problem("Unable to assume role"));
        assert!(!event_is_problem(
            "(service web) has started 1 tasks: (task 1)."
        ));
        assert!(!event_is_problem(
            "(service web) has stopped 1 running tasks."
        ));
    }

    #[test]
    fn a_problem_event_before_the_last_steady_state_is_resolved() {
        let mut detail = fixtures::production();
        let web = &mut detail.services[1];
        // A steady state newer than the fixtures' "unable to place" event.
        web.events.insert(
            0,
            crate::domain::ServiceEvent {
                id: "e3".into(),
                created_at: Some(crate::timefmt::Timestamp(NOW.0 - 10_000)),
                message: "(service web) has reached a steady state.".into(),
            },
        );
        let alerts = evaluate(
            &detail,
            &Default::default(),
            &Default::default(),
            &AlertSettings::default(),
            NOW,
        );
        assert!(
            !alerts
                .iter()
                .any(|a| a.kind == "service_event" && a.service == "web"),
            "{alerts:#?}"
        );
        // The other services still have theirs.
        assert!(alerts
            .iter()
            .any(|a| a.kind == "service_event" && a.service == "worker"));
    }
}
