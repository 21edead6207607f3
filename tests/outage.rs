//! Faults against the test server: the server goes away in the middle of a deploy's
//! rollout (`outage_after` stops it right after it answered UpdateService) and comes back,
//! or does not. The deploy must say what it could not see
//! and never claim an outcome it did not see. Time limits are hang guards only.

mod support;

use std::time::Duration;

use serde_json::Value;
use support::{Run, TestBed};

const LIMIT: Duration = Duration::from_secs(120);

fn deploy(bed: &TestBed, timeout: &str) -> Run {
    bed.run(
        [
            "deploy",
            "--cluster",
            "production",
            "--service",
            "web",
            "--image",
            "php=:v1.4.1",
            "--poll-every",
            "1s",
            "--timeout",
            timeout,
            "--output",
            "json",
        ],
        LIMIT,
    )
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}

#[test]
fn a_deploy_resumes_watching_when_the_server_comes_back() {
    // Down for 4 s once UpdateService is answered: the first looks at the rollout fail.
    let bed = TestBed::seeded();
    bed.outage_after("UpdateService", 4);
    let run = deploy(&bed, "2m");
    assert_eq!(run.code, Some(0), "{run}");
    let out = run.json();
    assert_eq!(out["result"], "succeeded", "{run}");
    assert_eq!(out["failed_step"], Value::Null);
    assert_eq!(out["new_revision"], "laravel-web:3");
    // What the operator saw on the way: the step it could not confirm, then the recovery.
    let lost = run
        .stderr
        .find("✗ rollout: could not confirm the rollout: DescribeServices failed")
        .unwrap_or_else(|| panic!("no failed look at the rollout:\n{run}"));
    let back = run
        .stderr
        .find("rollout: DescribeServices answers again")
        .unwrap_or_else(|| panic!("no recovery line:\n{run}"));
    let done = run
        .stderr
        .find("rollout: COMPLETED on laravel-web:3")
        .unwrap_or_else(|| panic!("no completion:\n{run}"));
    assert!(lost < back && back < done, "out of order:\n{run}");
    assert!(run.stderr.contains("retrying in "), "{run}");

    let svc = bed.describe_service("production", "web");
    assert!(
        s(&svc["taskDefinition"]).ends_with("laravel-web:3"),
        "{svc}"
    );
}

#[test]
fn a_deploy_that_never_sees_its_rollout_exits_unconfirmed_and_says_what_to_check() {
    // Down from the UpdateService answer on, until the test brings it back.
    let bed = TestBed::seeded();
    bed.outage_after("UpdateService", 0);
    let run = deploy(&bed, "5s");
    assert_eq!(run.code, Some(6), "{run}");
    let out = run.json();
    assert_eq!(out["result"], "unconfirmed", "{run}");
    assert_eq!(out["failed_step"], "rollout", "{run}");
    assert_eq!(out["new_revision"], "laravel-web:3");
    assert!(
        s(&out["reason"]).starts_with("could not confirm the rollout: DescribeServices failed"),
        "{out}"
    );
    let dep_id = s(&out["deployment_id"]).to_string();
    let state = s(&out["service_state"]);
    assert!(
        state.contains(&format!(
            "the service update was sent (deployment {dep_id} of laravel-web:3)"
        )) && state.contains("check the rollout with `toadtop --once` or the console"),
        "{out}"
    );
    // Neither outcome is claimed, and no rollback is suggested for a rollout nobody saw fail.
    assert!(!run.stderr.contains("COMPLETED"), "{run}");
    assert!(!run.stderr.contains("to roll back"), "{run}");
    assert!(!bed.is_up(), "the server came back by itself");

    let audit = bed.audit_log();
    let end = audit.last().expect("an audit end line");
    assert_eq!(end["phase"], "end");
    assert_eq!(end["result"], "unconfirmed", "{end}");
    assert_eq!(end["failed_step"], "rollout", "{end}");

    // What the summary says was sent really was: the same deployment, on the new revision.
    bed.restart();
    let svc = bed.describe_service("production", "web");
    assert!(
        s(&svc["taskDefinition"]).ends_with("laravel-web:3"),
        "{svc}"
    );
    assert_eq!(svc["deployments"][0]["id"], dep_id.as_str(), "{svc}");
}

#[test]
fn a_migration_whose_task_is_never_seen_again_ends_unconfirmed_at_its_timeout() {
    // Down from the RunTask answer on: the task runs, nobody can see how it ends.
    let bed = TestBed::seeded();
    bed.outage_after("RunTask", 0);
    let run = bed.run(
        [
            "migrate",
            "--cluster",
            "production",
            "--service",
            "web",
            "--poll-every",
            "1s",
            "--timeout",
            "3s",
            "--output",
            "json",
        ],
        LIMIT,
    );
    assert_eq!(run.code, Some(6), "{run}");
    let out = run.json();
    assert_eq!(out["result"], "unconfirmed", "{run}");
    assert_eq!(out["failed_step"], "migrate", "{run}");
    assert_eq!(out["service_state"], "the service is untouched", "{run}");
    let task = s(&out["task"]).to_string();
    let reason = s(&out["reason"]);
    assert!(
        reason.starts_with("could not confirm the migration: DescribeTasks failed")
            && reason.contains(&format!("task {} was started", &task[..8])),
        "{out}"
    );
    assert!(
        run.stderr.contains("✗ migrate: DescribeTasks failed"),
        "{run}"
    );

    // It was: the task is there once the server is back.
    bed.restart();
    let running = bed.tasks("production", None, "RUNNING");
    assert!(
        running.iter().any(|t| s(&t["taskArn"]).ends_with(&task)),
        "task {task} not among {running:?}"
    );
}
