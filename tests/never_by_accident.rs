//! Confirmations cannot be answered by accident, and say exactly what they confirm: the
//! real binary in a pseudo-terminal against the seeded test server, keys written as a
//! terminal (or a key repeat, or a paste) would send them, and the outcome checked at the
//! server (its state and its request counter), not on the screen alone.
//!
//! Timeouts only stop a broken run from hanging. The fixed sleeps below are not timing
//! asserts: they give an Enter that got through time to reach the server, so that
//! "nothing happened" is a fact and not an early look.

#[path = "support/pty.rs"]
mod pty;
mod support;

use std::time::Duration;

use pty::{Tui, ENTER, ESC};
use serde_json::{json, Value};
use support::TestBed;

const LIMIT: Duration = Duration::from_secs(30);

/// Long enough for an accepted Enter to reach the server (UpdateService is the first
/// call a scale makes), far shorter than the hang guards.
const SETTLE: Duration = Duration::from_millis(1500);

fn start(bed: &TestBed) -> Tui {
    start_wide(bed, 120)
}

/// `cols` wide: the job pane wraps long lines, and a wrapped line cannot be matched.
fn start_wide(bed: &TestBed, cols: u16) -> Tui {
    let tui = Tui::start(bed, &bed.endpoint, cols, 40, &["--cluster", "production"]);
    tui.wait_for("the production services", LIMIT, |s| {
        s.contains("services · production")
            && ["scheduler", "web", "worker", "laravel-web:2"]
                .iter()
                .all(|t| s.contains(t))
    });
    tui
}

fn desired(bed: &TestBed, service: &str) -> i64 {
    bed.describe_service("production", service)["desiredCount"]
        .as_i64()
        .expect("desiredCount")
}

fn calls(bed: &TestBed, op: &str) -> u64 {
    bed.requests().get(op).copied().unwrap_or(0)
}

/// The line of the screen that contains `text`.
fn line_with<'a>(screen: &'a str, text: &str) -> Option<&'a str> {
    screen.lines().find(|l| l.contains(text))
}

/// The keys line of a confirmation once Enter counts.
fn armed(s: &str) -> bool {
    s.contains("enter: do it")
}

#[test]
fn s_0_and_two_enters_at_once_do_not_scale_and_the_name_must_be_typed() {
    let bed = TestBed::seeded();
    let mut tui = start(&bed);
    assert_eq!(desired(&bed, "web"), 3);

    tui.send("j");
    tui.send("S0");
    tui.wait_for("the scale modal with 0 typed", LIMIT, |s| {
        s.contains("desired count (now 3): 0")
    });
    // Both Enters in one write, as a key repeat or a paste delivers them.
    tui.send("\r\r");
    tui.wait_for("the confirmation asking for the name", LIMIT, |s| {
        s.contains("scale production/web?")
            && s.contains("desired count 3 → 0")
            && s.contains("type web to confirm:")
    });
    std::thread::sleep(SETTLE);
    assert_eq!(calls(&bed, "UpdateService"), 0, "{}", tui.screen());
    assert_eq!(desired(&bed, "web"), 3);

    // Armed, Enter alone is still not enough: the name is.
    tui.wait_for("the confirmation to take enter", LIMIT, armed);
    tui.send(ENTER);
    tui.wait_for("the refusal", LIMIT, |s| {
        s.contains("type the service name `web` exactly")
    });
    tui.send("web");
    tui.wait_for("the name typed", LIMIT, |s| {
        s.contains("type web to confirm: web▏")
    });
    tui.send(ENTER);
    tui.wait_for("the scale job", LIMIT, |s| {
        s.contains("update: scale production/web")
    });
    assert_eq!(desired(&bed, "web"), 0);
    // Quitting while the job still runs would ask first (issue 16, never lost).
    tui.wait_for("the scale job to end", LIMIT, |s| {
        s.contains("succeeded in")
    });
    assert_eq!(calls(&bed, "UpdateService"), 1);
    tui.quit(LIMIT);
}

#[test]
fn two_enters_at_once_do_not_confirm_a_scale_to_another_count_either() {
    let bed = TestBed::seeded();
    let mut tui = start(&bed);
    tui.send("j");
    tui.send("S1");
    tui.wait_for("1 typed", LIMIT, |s| s.contains("desired count (now 3): 1"));
    tui.send("\r\r");
    tui.wait_for("the confirmation", LIMIT, |s| {
        s.contains("scale production/web?") && s.contains("desired count 3 → 1")
    });
    std::thread::sleep(SETTLE);
    assert_eq!(calls(&bed, "UpdateService"), 0, "{}", tui.screen());
    assert_eq!(desired(&bed, "web"), 3);
    // Read, then one deliberate Enter: it runs.
    tui.wait_for("the confirmation to take enter", LIMIT, armed);
    tui.send(ENTER);
    tui.wait_for("the scale job", LIMIT, |s| {
        s.contains("update: scale production/web")
    });
    assert_eq!(desired(&bed, "web"), 1);
    // Quitting while the job still runs would ask first (issue 16, never lost).
    tui.wait_for("the scale job to end", LIMIT, |s| {
        s.contains("succeeded in")
    });
    tui.quit(LIMIT);
}

/// `d`, v1.4.1 for php, the cursor on "→ preview and confirm".
fn picker_on_continue(tui: &mut Tui) {
    tui.send("j");
    tui.send("d");
    tui.wait_for("the picker with php's tags", LIMIT, |s| {
        s.contains("deploy production/web")
            && line_with(s, "( ) v1.4.1 ").is_some()
            && !s.contains("loading tags")
    });
    tui.move_cursor_to("v1.4.1", LIMIT);
    tui.send(ENTER);
    tui.wait_for("v1.4.1 chosen", LIMIT, |s| {
        s.contains("container php: runs v1.5.0 (→ v1.4.1)")
    });
    tui.move_cursor_to("→ preview and confirm", LIMIT);
}

fn deploy_confirmation(s: &str) -> bool {
    s.contains("deploy production/web?")
        && line_with(s, "+   image:").is_some_and(|l| l.contains("laravel-app:v1.4.1"))
}

#[test]
fn a_repeated_enter_on_continue_does_not_confirm_the_deploy_preview() {
    let bed = TestBed::seeded();
    let mut tui = start(&bed);
    // The seed registered revisions too: count from here.
    let registered = calls(&bed, "RegisterTaskDefinition");
    picker_on_continue(&mut tui);
    tui.send("\r\r");
    tui.wait_for("the preview", LIMIT, deploy_confirmation);
    // Enter held down: the terminal repeats it every 30 ms for a while.
    for _ in 0..15 {
        tui.send(ENTER);
        std::thread::sleep(Duration::from_millis(30));
    }
    std::thread::sleep(SETTLE);
    let screen = tui.screen();
    assert!(deploy_confirmation(&screen), "{screen}");
    assert_eq!(
        calls(&bed, "RegisterTaskDefinition"),
        registered,
        "{screen}"
    );
    assert_eq!(calls(&bed, "UpdateService"), 0, "{screen}");
    tui.send(ESC);
    tui.wait_for("the deploy cancelled", LIMIT, |s| {
        !s.contains("deploy production/web?")
    });
    tui.quit(LIMIT);
}

#[test]
fn the_confirmation_names_account_region_revisions_and_warns_of_a_downgrade() {
    let bed = TestBed::seeded();
    let mut tui = start(&bed);
    picker_on_continue(&mut tui);
    tui.send(ENTER);
    tui.wait_for("the deploy confirmation's header", LIMIT, |s| {
        deploy_confirmation(s)
            && s.contains("account 123456789012 · profile ")
            && s.contains("· region us-east-1")
            && s.contains("cluster production · service web")
            && s.contains("revision laravel-web:2 → a new revision of laravel-web")
            && s.contains("! php: v1.4.1 is a downgrade: an older version than the running v1.5.0")
    });
    tui.send(ESC);
    tui.wait_for("the services again", LIMIT, |s| {
        !s.contains("deploy production/web?")
    });

    // `b`: the revision it goes back to and its images, described from the server.
    tui.send("b");
    tui.wait_for("the rollback confirmation", LIMIT, |s| {
        s.contains("rollback production/web?")
            && s.contains("revision laravel-web:2 → laravel-web:1")
            && line_with(s, "-   image:").is_some_and(|l| l.contains("laravel-app:v1.5.0"))
            && line_with(s, "+   image:").is_some_and(|l| l.contains("laravel-app:v1.4.1"))
            && s.contains("container nginx: image nginx:stable-alpine (unchanged)")
            && !s.contains("newest active revision")
    });
    tui.send(ESC);
    tui.wait_for("the services again", LIMIT, |s| {
        !s.contains("rollback production/web?")
    });
    tui.quit(LIMIT);
}

#[test]
fn a_deploy_whose_service_moved_since_the_preview_registers_nothing() {
    let bed = TestBed::seeded();
    let mut tui = start_wide(&bed, 250);
    picker_on_continue(&mut tui);
    tui.send(ENTER);
    tui.wait_for("the preview made from laravel-web:2", LIMIT, |s| {
        deploy_confirmation(s) && s.contains("revision laravel-web:2 → a new revision")
    });
    // Someone else rolls web back to revision 1 while the preview is on screen.
    let revisions_before = bed.revisions("laravel-web");
    let v1 = revisions_before
        .iter()
        .find(|a| a.ends_with("laravel-web:1"))
        .expect("laravel-web:1 in the seed")
        .clone();
    bed.ecs(
        "update_service",
        json!({"cluster": "production", "service": "web", "taskDefinition": v1}),
    );
    let registered_before = calls(&bed, "RegisterTaskDefinition");

    tui.wait_for("the confirmation to take enter", LIMIT, armed);
    tui.send(ENTER);
    tui.wait_for("the deploy stopped before registering", LIMIT, |s| {
        s.contains(
            "the service now runs laravel-web:1, not laravel-web:2 as the confirmation showed",
        ) && s.contains("nothing was registered")
    });
    assert_eq!(calls(&bed, "RegisterTaskDefinition"), registered_before);
    assert_eq!(bed.revisions("laravel-web"), revisions_before);
    let svc: Value = bed.describe_service("production", "web");
    assert!(
        svc["taskDefinition"]
            .as_str()
            .is_some_and(|t| t.ends_with("laravel-web:1")),
        "{svc}"
    );
    tui.quit(LIMIT);
}

#[test]
fn stopping_the_last_running_task_of_a_service_needs_its_name() {
    let bed = TestBed::seeded();
    let mut tui = start(&bed);
    // scheduler (the first row) runs one task.
    tui.send(ENTER);
    tui.wait_for("the scheduler's task", LIMIT, |s| {
        s.contains("tasks · production/scheduler") && s.contains("RUNNING")
    });
    tui.send("s");
    tui.wait_for("the stop confirmation asking for the name", LIMIT, |s| {
        s.contains("stop-task production/scheduler?")
            && s.contains("This leaves scheduler with no running task")
            && s.contains("type scheduler to confirm:")
    });
    tui.wait_for("the confirmation to take enter", LIMIT, armed);
    tui.send(ENTER);
    tui.wait_for("the refusal", LIMIT, |s| {
        s.contains("type the service name `scheduler` exactly")
    });
    std::thread::sleep(SETTLE);
    assert_eq!(calls(&bed, "StopTask"), 0);
    tui.send("scheduler");
    tui.wait_for("the name typed", LIMIT, |s| {
        s.contains("type scheduler to confirm: scheduler▏")
    });
    tui.send(ENTER);
    tui.wait_for("the stop job", LIMIT, |s| s.contains("stop-task: "));
    tui.wait_for("StopTask at the server", LIMIT, |_| {
        calls(&bed, "StopTask") == 1
    });
    tui.quit(LIMIT);
}

/// Bracketed paste, as a terminal wraps pasted text.
fn paste(text: &str) -> String {
    format!("\x1b[200~{text}\x1b[201~")
}

#[test]
fn a_pasted_s_0_and_enters_is_no_keystrokes() {
    let bed = TestBed::seeded();
    let mut tui = start(&bed);
    tui.send("j");
    tui.send(&paste("S0\r\r"));
    tui.wait_for("the paste refused", LIMIT, |s| s.contains("paste ignored"));
    std::thread::sleep(SETTLE);
    let screen = tui.screen();
    // No scale modal ("S scale" in the footer is only the hint).
    assert!(!screen.contains("desired count"), "{screen}");
    assert_eq!(calls(&bed, "UpdateService"), 0);
    // Into the filter it is text.
    tui.send("/");
    tui.send(&paste("work\r"));
    tui.wait_for("the filter from the paste", LIMIT, |s| {
        s.contains("/work") && !s.contains("scheduler")
    });
    tui.send(ENTER); // keeps the filter; `q` quits again
    tui.send("q");
    let (status, raw) = tui.finish(LIMIT);
    assert!(status.success(), "{status:?}");
    // The terminal was asked to mark pastes, and told to stop on the way out.
    let (on, off) = (raw.find("\x1b[?2004h"), raw.rfind("\x1b[?2004l"));
    assert!(
        on.is_some() && off > on,
        "bracketed paste on {on:?}, off {off:?}"
    );
}

#[test]
fn a_rollback_whose_service_moved_since_the_confirmation_changes_nothing() {
    let bed = TestBed::seeded();
    let mut tui = start_wide(&bed, 250);
    tui.send("j");
    tui.send("b");
    tui.wait_for("the rollback confirmation", LIMIT, |s| {
        s.contains("rollback production/web?")
            && s.contains("revision laravel-web:2 → laravel-web:1")
    });
    // Someone else moves web to laravel-web:1 first.
    let v1 = bed
        .revisions("laravel-web")
        .into_iter()
        .find(|a| a.ends_with("laravel-web:1"))
        .expect("laravel-web:1 in the seed");
    bed.ecs(
        "update_service",
        json!({"cluster": "production", "service": "web", "taskDefinition": v1}),
    );
    let updates = calls(&bed, "UpdateService");
    tui.wait_for("the confirmation to take enter", LIMIT, armed);
    tui.send(ENTER);
    tui.wait_for("the rollback stopped", LIMIT, |s| {
        s.contains("rollback production/web")
            && s.contains("failed at step describe: the service now runs laravel-web:1, not laravel-web:2 as the confirmation showed")
    });
    assert_eq!(calls(&bed, "UpdateService"), updates);
    tui.quit(LIMIT);
}
