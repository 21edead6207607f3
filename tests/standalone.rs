//! Standalone tasks (group not `service:…`): CI's migration runs, RunTask one-offs and
//! scheduled tasks, as `--once` reports them and as a person finds them in the TUI. The
//! seeded production cluster holds CI's failed migration (php exit 1), an earlier one
//! that succeeded, and a running `schedule:run` one-off (scripts/testbed/seed.py,
//! `standalone_tasks`).

#[path = "support/pty.rs"]
mod pty;
mod support;

use std::time::Duration;

use serde_json::{json, Value};
use support::TestBed;

const WAIT: Duration = Duration::from_secs(30);

fn once(bed: &TestBed, output: &str) -> String {
    let out = bed
        .toadtop()
        .args(["--once", "--output", output])
        .output()
        .expect("run toadtop");
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

fn once_json(bed: &TestBed) -> Value {
    serde_json::from_str(&once(bed, "json")).expect("one JSON document")
}

fn cluster<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["clusters"]
        .as_array()
        .and_then(|a| a.iter().find(|c| c["name"] == name))
        .unwrap_or_else(|| panic!("no cluster {name}"))
}

/// The seeded standalone task of this kind (`failed-migration`, `migration`,
/// `schedule-run`).
fn seeded<'a>(bed: &'a TestBed, what: &str) -> &'a Value {
    bed.summary["clusters"]["production"]["standalone"]
        .as_array()
        .and_then(|a| a.iter().find(|t| t["what"] == what))
        .unwrap_or_else(|| panic!("no seeded {what}"))
}

fn id(v: &Value) -> &str {
    v["id"].as_str().expect("an id")
}

fn task_failed_alerts(doc: &Value) -> Vec<&Value> {
    doc["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["kind"] == "task_failed")
        .collect()
}

#[test]
fn once_json_lists_standalone_tasks_and_alerts_the_failed_migration() {
    let bed = TestBed::seeded();
    let doc = once_json(&bed);
    let prod = cluster(&doc, "production");
    let tasks = prod["tasks"].as_array().expect("clusters[].tasks");
    let ids: Vec<&str> = tasks.iter().map(id).collect();
    let (failed, ok, sched) = (
        seeded(&bed, "failed-migration"),
        seeded(&bed, "migration"),
        seeded(&bed, "schedule-run"),
    );
    // The running one first (it needs a ListTasks without desiredStatus=STOPPED, the
    // stopped ones one with it), then the newest stopped one.
    assert_eq!(ids, [id(sched), id(failed), id(ok)], "{prod:#}");

    let t = &tasks[1];
    assert_eq!(t["group"], "family:laravel-web");
    assert_eq!(t["started_by"], "github-actions");
    assert_eq!(t["started_by_toadtop"], false);
    assert_eq!(t["last_status"], "STOPPED");
    assert_eq!(t["stop_code"], "EssentialContainerExited");
    assert_eq!(t["task_definition"], "laravel-web:2");
    let exits: Vec<(&str, i64)> = t["containers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap(),
                c["exit_code"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(exits, [("php", 1), ("nginx", 0)]);
    assert_eq!(tasks[0]["group"], "family:laravel-scheduler");
    assert_eq!(tasks[0]["started_by"], "events-rule/laravel-schedule-run");

    // Service tasks carry the new fields too, and no standalone task hides among them.
    let web = prod["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "web")
        .unwrap();
    assert!(web["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["group"] == "service:web"
            && t["started_by"].as_str().unwrap().starts_with("ecs-svc/")));
    // Other clusters have none.
    assert_eq!(cluster(&doc, "staging")["tasks"], json!([]));

    // The failed migration alerts like a service task; the succeeded one does not.
    let standalone: Vec<&Value> = task_failed_alerts(&doc)
        .into_iter()
        .filter(|a| a["service"] == "(standalone)")
        .collect();
    assert_eq!(standalone.len(), 1, "{:#}", doc["alerts"]);
    let a = standalone[0];
    assert_eq!(a["level"], "critical");
    assert_eq!(a["cluster"], "production");
    assert_eq!(a["task"], id(failed));
    let msg = a["message"].as_str().unwrap();
    assert!(
        msg.starts_with("family:laravel-web task ")
            && msg.contains("php exited 1")
            && msg.ends_with("started by github-actions"),
        "{msg}"
    );
}

#[test]
fn a_standalone_task_the_scheduler_stopped_does_not_alert() {
    let bed = TestBed::seeded();
    // The succeeded migration, as if the scheduler had stopped it mid-run (exit 137).
    let ok = id(seeded(&bed, "migration")).to_string();
    let (status, body) = bed.post(
        "/_toadtop/task",
        &json!({"region": "us-east-1", "cluster": "production", "task": ok,
                "stopCode": "ServiceSchedulerInitiated",
                "containers": [{"name": "php", "exitCode": 137}]}),
    );
    assert_eq!(status, 200, "{body}");
    let doc = once_json(&bed);
    let alerted: Vec<&str> = task_failed_alerts(&doc)
        .iter()
        .filter_map(|a| a["task"].as_str())
        .collect();
    assert!(!alerted.contains(&ok.as_str()), "{alerted:?}");
    // Still listed, with its exit code.
    let prod = cluster(&doc, "production");
    let t = prod["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == ok)
        .expect("still listed");
    assert_eq!(t["containers"][0]["exit_code"], 137);
    // The failed one still does: the rule is the same, only the scheduler is excused.
    assert!(alerted.contains(&id(seeded(&bed, "failed-migration"))));
}

#[test]
fn once_table_has_a_standalone_tasks_section() {
    let bed = TestBed::seeded();
    let text = once(&bed, "table");
    let section = text
        .split("\nStandalone tasks in production\n")
        .nth(1)
        .unwrap_or_else(|| panic!("no standalone section:\n{text}"));
    let section = section.split("\n\n").next().unwrap();
    let header = section.lines().next().unwrap();
    for col in [
        "GROUP",
        "STARTED BY",
        "TASK",
        "LAST",
        "AGE",
        "STOP CODE",
        "CONTAINERS",
    ] {
        assert!(header.contains(col), "{header}");
    }
    let failed = id(seeded(&bed, "failed-migration"));
    let row = section
        .lines()
        .find(|l| l.contains(failed))
        .unwrap_or_else(|| panic!("no row for {failed}:\n{section}"));
    for cell in [
        "family:laravel-web",
        "github-actions",
        "STOPPED",
        "EssentialContainerExited",
        "php exit 1",
        "nginx exit 0",
    ] {
        assert!(row.contains(cell), "{cell} in {row}");
    }
    assert_eq!(
        section.lines().count(),
        4,
        "header and three tasks:\n{section}"
    );
    assert!(!text.contains("Standalone tasks in staging"), "{text}");
    // The alert names where it is.
    assert!(
        text.lines()
            .any(|l| l.contains("task_failed") && l.contains("production/(standalone)")),
        "{text}"
    );
}

#[test]
fn a_migration_toadtop_runs_names_toadtop_and_its_user() {
    let bed = TestBed::seeded();
    let out = bed
        .toadtop()
        .env("USER", "ci bot")
        .args([
            "migrate",
            "--cluster",
            "production",
            "--service",
            "web",
            "--poll-every",
            "1s",
            "--output",
            "json",
        ])
        .output()
        .expect("run toadtop migrate");
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = once_json(&bed);
    let ours: Vec<&Value> = cluster(&doc, "production")["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["started_by_toadtop"] == true)
        .collect();
    assert_eq!(ours.len(), 1, "{doc:#}");
    // RunTask allows letters, digits, - _ /: the space became `_`.
    assert_eq!(ours[0]["started_by"], "toadtop/ci_bot");
    assert_eq!(ours[0]["group"], "family:laravel-web");
    assert_eq!(ours[0]["containers"][0]["exit_code"], 0);
}

/// A person opens production, sees the hint, presses M and finds CI's failed migration
/// with its exit code; Enter shows who started it, `l` its logs.
#[test]
fn the_failed_migration_is_listed_with_its_exit_code_in_the_tui() {
    let bed = TestBed::seeded();
    let failed = id(seeded(&bed, "failed-migration")).to_string();
    let short = failed[..8].to_string();
    let mut tui = pty::Tui::start(&bed, &bed.endpoint, 140, 30, &["--cluster", "production"]);
    tui.wait_for("the services pane with the standalone hint", WAIT, |s| {
        s.contains("services · production · 3 standalone tasks, 1 failed (M)")
    });
    tui.send("M");
    let screen = tui.wait_for("the standalone tasks", WAIT, |s| {
        s.contains("standalone tasks · production") && s.contains(&short)
    });
    let row = screen
        .lines()
        .find(|l| l.contains(&short))
        .unwrap()
        .to_string();
    for cell in [
        "family:laravel-web",
        "github-actions",
        "STOPPED",
        "php exit 1",
        "nginx exit 0",
    ] {
        assert!(row.contains(cell), "{cell} in {row}\n{screen}");
    }
    assert!(
        screen.contains("events-rule/laravel-schedule-run") && screen.contains("RUNNING"),
        "{screen}"
    );

    // Down to it (running first, so it is the second row), then its detail.
    tui.send("j");
    tui.send(pty::ENTER);
    tui.wait_for("the task's detail", WAIT, |s| {
        s.contains(&format!("task {short}"))
            && s.contains("started by")
            && s.contains("github-actions")
            && s.contains("family:laravel-web")
            && s.contains("exit code")
    });
    tui.send("l");
    tui.wait_for("its logs", WAIT, |s| s.contains("Duplicate column name"));
    // One Esc at a time: two in one write read as Alt+Esc.
    tui.send(pty::ESC);
    tui.wait_for("back on the task", WAIT, |s| {
        s.contains(&format!("task {short}")) && s.contains("started by")
    });
    tui.send(pty::ESC);
    tui.wait_for("back on the list", WAIT, |s| {
        s.contains("standalone tasks · production")
    });
    tui.quit(WAIT);
}
