//! `:events` as a person uses it: the real binary in a pseudo-terminal against the seeded
//! test bed. The alerts active at start are listed as such; a task that exits 1 while
//! toadtop runs shows up on top and flashes the header badge; `/` filters; Enter opens
//! the task. Time limits are hang guards only.

#[path = "support/pty.rs"]
mod pty;
mod support;

use std::time::Duration;

use pty::{Tui, ENTER, ESC};
use serde_json::json;
use support::TestBed;

const LIMIT: Duration = Duration::from_secs(60);

#[test]
fn events_lists_the_start_then_a_new_failure_flashes_and_enter_opens_the_task() {
    let bed = TestBed::seeded();
    let mut tui = Tui::start(&bed, &bed.endpoint, 200, 50, &["--refresh", "1"]);
    tui.wait_for("the cluster list", LIMIT, |s| s.contains("production-eu"));

    tui.send(":events");
    tui.send(ENTER);
    // Every cluster is loaded for the feed; what was already wrong is marked as such.
    let screen = tui.wait_for("the initial events", LIMIT, |s| {
        s.contains("php exited 1") && s.contains("(at start)")
    });
    assert!(screen.contains("alert_raised"), "{screen}");
    assert!(
        !screen.contains("NEW "),
        "no flash for what was there at start:\n{screen}"
    );

    // A web task stops with exit 1 while toadtop runs.
    let task = bed.run_service_task("production", "web");
    let (status, body) = bed.post(
        "/_toadtop/task",
        &json!({"region": "us-east-1", "cluster": "production", "task": task,
                "lastStatus": "STOPPED", "desiredStatus": "STOPPED",
                "stopCode": "EssentialContainerExited",
                "stoppedReason": "Essential container in task exited",
                "containers": [{"name": "php", "lastStatus": "STOPPED", "exitCode": 1}]}),
    );
    assert_eq!(status, 200, "{body}");
    let short = &task[..8];
    let screen = tui.wait_for("the new event and the flashing badge", LIMIT, |s| {
        s.contains(&format!("production/web/{short}")) && s.contains("NEW ")
    });
    // Newest first: the new event is the first row under the column header.
    let rows: Vec<&str> = screen
        .lines()
        .skip_while(|l| !l.contains("LEVEL"))
        .skip(1)
        .collect();
    assert!(rows[0].contains(short), "not on top:\n{screen}");
    assert!(!rows[0].contains("(at start)"), "{screen}");

    // A filter keeps that one row; Enter opens the task.
    tui.send("/");
    tui.send(short);
    tui.send(ENTER);
    let screen = tui.wait_for("the filtered feed", LIMIT, |s| {
        !s.contains("php exited 1 (Essential container in task exited); started by")
    });
    assert!(screen.contains(short), "{screen}");
    tui.send(ENTER);
    tui.wait_for("the task's detail", LIMIT, |s| {
        s.contains(&format!("task {short}"))
    });
    tui.send(ESC);
    tui.quit(LIMIT);
}
