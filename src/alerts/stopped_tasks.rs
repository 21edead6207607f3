//! Rule 1: tasks STOPPED with a non-zero exit code (or that failed to start), unless the
//! scheduler stopped them: tasks of services and standalone tasks alike.

use super::alert::{none, Alert, Level, Push};
use crate::domain::{short_task_id, ClusterDetail, Service};

/// Rule 1: tasks that stopped badly, unless the scheduler stopped them.
pub(super) fn stopped_tasks(svc: &Service, push: &mut Push<'_>) {
    for t in &svc.tasks {
        if let Some((level, message)) = task_failed(t, "") {
            push(
                level,
                "task_failed",
                Some(t.id.clone()),
                message,
                t.stopped_at,
                none(),
            );
        }
    }
}

/// Rule 1 for standalone tasks (CI migrations, one-offs): the alarm the reference team has
/// for tasks of no service stopping badly.
pub(super) fn stopped_standalone_tasks(detail: &ClusterDetail, out: &mut Vec<Alert>) {
    for t in &detail.tasks {
        let who = format!("{} ", t.group.as_deref().unwrap_or("no group"));
        if let Some((level, mut message)) = task_failed(t, &who) {
            if let Some(by) = &t.started_by {
                message.push_str(&format!("; started by {by}"));
            }
            out.push(Alert {
                level,
                kind: "task_failed",
                cluster: detail.cluster.clone(),
                service: crate::domain::STANDALONE.to_string(),
                task: Some(t.id.clone()),
                message,
                since: t.stopped_at,
                subject: String::new(),
                cause: None,
                group: None,
                findings: Vec::new(),
                counts: Vec::new(),
            });
        }
    }
}

/// A STOPPED task with a non-zero exit code (critical) or that failed to start (warning),
/// unless the scheduler stopped it (`ServiceSchedulerInitiated`). `what` prefixes the
/// message (a standalone task's group).
fn task_failed(t: &crate::domain::Task, what: &str) -> Option<(Level, String)> {
    if t.last_status != "STOPPED" || t.stop_code.as_deref() == Some("ServiceSchedulerInitiated") {
        return None;
    }
    let bad = t.failed_exits();
    let reason = t.stopped_reason.clone().unwrap_or_default();
    if !bad.is_empty() {
        Some((
            Level::Critical,
            format!(
                "{what}task {} stopped: {} ({reason})",
                short_task_id(&t.id),
                bad.join(", ")
            ),
        ))
    } else if t.stop_code.as_deref() == Some("TaskFailedToStart") {
        Some((
            Level::Warning,
            format!(
                "{what}task {} failed to start: {reason}",
                short_task_id(&t.id)
            ),
        ))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::alerts::evaluate;
    use crate::alerts::tests::{detail, quiet, run};
    use crate::config::AlertSettings;
    use crate::fixtures::{self, NOW};
    use crate::timefmt::Timestamp;

    #[test]
    fn a_task_the_scheduler_stopped_does_not_alert_even_with_exit_1() {
        let mut svc = quiet();
        let mut t = fixtures::task("3d4e5f607182", "web", false);
        t.stop_code = Some("ServiceSchedulerInitiated".into());
        t.stopped_reason = Some("Scaling activity initiated by (deployment ecs-svc/1)".into());
        assert_eq!(t.containers[0].exit_code, Some(1));
        svc.tasks.push(t);
        assert_eq!(run(svc), vec![]);
    }

    #[test]
    fn an_essential_container_exit_is_critical_naming_container_and_code() {
        let mut svc = quiet();
        let mut t = fixtures::task("3d4e5f607182", "web", false);
        t.containers[1].exit_code = Some(0);
        svc.tasks.push(t);
        let alerts = run(svc);
        assert_eq!(alerts.len(), 1, "{alerts:#?}");
        let a = &alerts[0];
        assert_eq!(a.level, Level::Critical);
        assert_eq!(a.kind, "task_failed");
        assert_eq!(a.cluster, "production");
        assert_eq!(a.service, "web");
        assert_eq!(a.task.as_deref(), Some("3d4e5f607182"));
        assert!(a.message.contains("php exited 1"), "{}", a.message);
        assert!(
            !a.message.contains("nginx"),
            "exit 0 is not named: {}",
            a.message
        );
        assert!(
            a.message.contains("Essential container in task exited"),
            "{}",
            a.message
        );
        assert_eq!(a.since, Some(Timestamp(NOW.0 - 600_000)));
    }

    #[test]
    fn a_stopped_task_with_clean_exits_does_not_alert() {
        let mut svc = quiet();
        let mut t = fixtures::task("3d4e5f607182", "web", false);
        for c in &mut t.containers {
            c.exit_code = Some(0);
        }
        svc.tasks.push(t);
        assert_eq!(run(svc), vec![]);
    }

    #[test]
    fn a_task_that_failed_to_start_is_a_warning() {
        let mut svc = quiet();
        let mut t = fixtures::task("3d4e5f607182", "web", false);
        t.stop_code = Some("TaskFailedToStart".into());
        t.stopped_reason = Some("CannotPullContainerError: pull access denied".into());
        for c in &mut t.containers {
            c.exit_code = None;
        }
        svc.tasks.push(t);
        let alerts = run(svc);
        assert_eq!(alerts.len(), 1, "{alerts:#?}");
        assert_eq!(alerts[0].level, Level::Warning);
        assert_eq!(alerts[0].kind, "task_failed");
        assert!(alerts[0].message.contains("CannotPullContainerError"));
    }

    // ---- standalone tasks (CI migrations, one-offs) ------------------------------------

    fn standalone(tasks: Vec<crate::domain::Task>) -> Vec<Alert> {
        let mut d = detail(vec![quiet()]);
        d.tasks = tasks;
        evaluate(
            &d,
            &BTreeMap::new(),
            &BTreeMap::new(),
            &AlertSettings::default(),
            NOW,
        )
    }

    #[test]
    fn a_failed_standalone_migration_is_critical_and_says_who_ran_it() {
        let a = standalone(vec![fixtures::standalone_task(
            "8b9c0d1e2f30",
            "github-actions",
            Some(1),
        )]);
        assert_eq!(a.len(), 1, "{a:#?}");
        assert_eq!(a[0].level, Level::Critical);
        assert_eq!(a[0].kind, "task_failed");
        assert_eq!(a[0].service, crate::domain::STANDALONE);
        assert_eq!(a[0].task.as_deref(), Some("8b9c0d1e2f30"));
        assert_eq!(
            a[0].message,
            "family:laravel-web task 8b9c0d1e stopped: php exited 1 \
             (Essential container in task exited); started by github-actions"
        );
        assert!(a[0].since.is_some());
    }

    #[test]
    fn standalone_tasks_that_succeeded_run_or_were_stopped_by_the_scheduler_are_quiet() {
        let mut by_scheduler = fixtures::standalone_task("aaaaaaaaaaaa", "ci", Some(137));
        by_scheduler.stop_code = Some("ServiceSchedulerInitiated".into());
        let a = standalone(vec![
            fixtures::standalone_task("9c0d1e2f3041", "toadtop/alice", Some(0)),
            fixtures::standalone_task("7a8b9c0d1e2f", "events-rule/schedule", None),
            by_scheduler,
        ]);
        assert!(a.is_empty(), "{a:#?}");
    }

    #[test]
    fn a_standalone_task_that_failed_to_start_is_a_warning() {
        let mut t = fixtures::standalone_task("8b9c0d1e2f30", "ci", Some(0));
        t.stop_code = Some("TaskFailedToStart".into());
        t.stopped_reason = Some("CannotPullContainerError: pull access denied".into());
        for c in &mut t.containers {
            c.exit_code = None;
        }
        let a = standalone(vec![t]);
        assert_eq!(a.len(), 1, "{a:#?}");
        assert_eq!(a[0].level, Level::Warning);
        assert!(
            a[0].message
                .starts_with("family:laravel-web task 8b9c0d1e failed to start: CannotPull"),
            "{}",
            a[0].message
        );
    }
}
