//! Live tail as a person sees it: the TUI's log pane in a pseudo-terminal against the
//! test server, whose StartLiveTail streams (scripts/testbed/ext_livetail.py). Timeouts
//! here only stop a broken run from hanging.

#[path = "support/pty.rs"]
mod pty;
mod support;

use std::time::Duration;

use pty::Tui;
use support::TestBed;

const WAIT: Duration = Duration::from_secs(30);
const GROUP: &str = "/ecs/laravel-production";

fn services_pane(screen: &str) -> bool {
    screen.contains("services · production")
        && ["scheduler", "web", "worker", "laravel-web:2"]
            .iter()
            .all(|t| screen.contains(t))
}

/// The log pane's title line.
fn title(screen: &str) -> Option<&str> {
    screen.lines().find(|l| l.contains(" logs · "))
}

#[test]
fn the_log_pane_says_live_tail_and_shows_a_line_put_while_watching() {
    let bed = TestBed::seeded();
    let task = bed.services("production")["web"]["tasks"]
        .as_array()
        .expect("tasks in the summary")
        .iter()
        .find(|t| t["desiredStatus"] == "RUNNING")
        .and_then(|t| t["id"].as_str())
        .expect("a running web task")
        .to_string();
    let mut tui = Tui::start(&bed, &bed.endpoint, 200, 60, &["--cluster", "production"]);
    tui.wait_for("the production services", WAIT, services_pane);

    // scheduler, web, worker: one down is web.
    tui.send("j");
    tui.send("l");
    tui.wait_for("the backfill, following with live tail", WAIT, |s| {
        s.contains("User logged in") && title(s).is_some_and(|t| t.contains("· live tail ·"))
    });

    for n in 1..=2 {
        let text = format!("Invoice {n} paid while watching {}", std::process::id());
        bed.put_log_event(
            GROUP,
            &format!("web/php/{task}"),
            &format!("[2026-01-01 00:00:00] production.INFO: {text} {{\"invoice\":{n}}}"),
        );
        let screen = tui.wait_for("the new line in the pane", WAIT, |s| s.contains(&text));
        let row = screen
            .lines()
            .find(|l| l.contains(&text))
            .expect("the row of the new line");
        assert!(
            row.contains(&format!("{} php   INFO ", &task[..8])),
            "task, container and level on the row: {row:?}"
        );
        assert!(
            title(&screen).is_some_and(|t| t.contains("· live tail ·")),
            "still live tail: {screen}"
        );
        assert!(!screen.contains("ℹ polling"), "polling: {screen}");
    }
    tui.quit(WAIT);
}
