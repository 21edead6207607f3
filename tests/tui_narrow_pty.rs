//! An 80x24 terminal as an operator meets it, in a pseudo-terminal against the seeded
//! test server: the services pane shows each task definition whole (`laravel-scheduler:1`)
//! while the image list gives way, and a deploy preview longer than the pane (two images
//! changed and the migration task first) keeps its confirm line on screen, scrolls with
//! `j` without confirming, Enter shows its end instead of confirming, and Esc cancels with
//! nothing registered. Timeouts here only stop a broken run from hanging.

#[path = "support/pty.rs"]
mod pty;
mod support;

use std::time::Duration;

use pty::{Tui, ENTER, ESC};
use support::TestBed;

const WAIT: Duration = Duration::from_secs(30);

/// The modal's place mark in its bottom border (` ↓ 1–15 of 19 `), if any.
fn place(screen: &str) -> Option<String> {
    screen
        .lines()
        .find(|l| l.contains(" of ") && l.contains('┘') && l.starts_with("│ └"))
        .map(|l| {
            l.trim_start_matches("│ └")
                .trim_matches(['─', '┘', '│', ' '])
                .to_string()
        })
}

#[test]
fn at_80x24_task_defs_are_whole_and_a_long_deploy_preview_scrolls_without_confirming() {
    let bed = TestBed::seeded();
    let calls = |bed: &TestBed, op: &str| bed.requests().get(op).copied().unwrap_or(0);
    // The seed registered the fleet's revisions.
    let seeded = calls(&bed, "RegisterTaskDefinition");
    let mut tui = Tui::start(&bed, &bed.endpoint, 80, 24, &["--cluster", "production"]);
    let screen = tui.wait_for(
        "the production services, scheduler's revision whole",
        WAIT,
        |s| s.contains("services · production") && s.contains(" laravel-scheduler:1 "),
    );
    assert!(screen.contains(" laravel-worker:1 "), "{screen}");
    assert!(screen.contains(" laravel-web:2 "), "{screen}");
    assert!(!screen.contains("…-scheduler:1"), "{screen}");
    // web's php and nginx do not fit beside them: its image list is cut, with `…`.
    let web = screen
        .lines()
        .find(|l| l.contains(" laravel-web:2 "))
        .unwrap_or_default();
    assert!(web.contains("php:v1.5.0") && web.contains('…'), "{screen}");

    // scheduler, web, worker: one down is web. php to v1.4.1, nginx typed, the
    // migration task first.
    tui.send("j");
    tui.send("d");
    tui.wait_for("the picker with php's tags", WAIT, |s| {
        s.contains("( ) v1.4.1")
    });
    tui.move_cursor_to("v1.4.1", WAIT);
    tui.send(ENTER);
    tui.wait_for("v1.4.1 chosen", WAIT, |s| s.contains("(→ v1.4.1)"));
    tui.move_cursor_to("run the migration task", WAIT);
    // nginx's `type an image…` is the row above.
    tui.send("k");
    tui.wait_for("on nginx's typed row", WAIT, |s| {
        s.lines()
            .any(|l| l.contains('▶') && l.contains("type an image…"))
    });
    tui.send(ENTER);
    tui.wait_for("the image box", WAIT, |s| s.contains("image for nginx"));
    tui.send("nginx:1.27-alpine");
    tui.send(ENTER);
    tui.wait_for("nginx's image chosen", WAIT, |s| {
        s.contains("container nginx: runs stable-alpine (→ 1.27-alpine)")
    });
    tui.move_cursor_to("run the migration task", WAIT);
    tui.send(" ");
    tui.wait_for("the migration checked", WAIT, |s| {
        s.contains("[x] run the migration task")
    });
    tui.move_cursor_to("→ preview and confirm", WAIT);
    tui.send(ENTER);
    let screen = tui.wait_for("the preview, longer than the pane", WAIT, |s| {
        s.contains("deploy production/web?")
            && s.contains("↓ more below: j/G or enter shows it")
            && place(s).is_some_and(|p| p.starts_with("↓ 1–"))
    });
    let lines: Vec<&str> = screen.lines().collect();
    // The box stays inside the pane: the pane's bottom border is whole below it.
    assert!(
        lines[22].starts_with("└──") && lines[22].ends_with("──┘"),
        "{screen}"
    );
    assert!(screen.contains("account "), "{screen}");
    assert!(screen.contains("j/k scroll"), "{screen}");

    // j scrolls one row: the top line goes, the confirm line stays, nothing confirmed.
    tui.send("j");
    let screen = tui.wait_for("one row down", WAIT, |s| {
        place(s).is_some_and(|p| p.contains("2–"))
    });
    assert!(!screen.contains("account "), "{screen}");
    assert!(
        screen.contains("↓ more below: j/G or enter shows it"),
        "{screen}"
    );
    assert!(screen.contains("deploy production/web?"), "{screen}");
    // Enter with the end below the box shows the end (its findings warnings) instead of
    // confirming; the confirmation stays, waiting to be read.
    tui.send(ENTER);
    let screen = tui.wait_for("the end of the preview", WAIT, |s| {
        place(s).is_some_and(|p| !p.contains('↓')) && s.contains("enter showed the end")
    });
    assert!(screen.contains("findings php v1.4.1"), "{screen}");
    assert!(screen.contains("deploy production/web?"), "{screen}");
    assert_eq!(calls(&bed, "RegisterTaskDefinition"), seeded);

    tui.send(ESC);
    tui.wait_for("the deploy cancelled", WAIT, |s| {
        s.contains("deploy cancelled")
    });
    assert_eq!(calls(&bed, "RegisterTaskDefinition"), seeded);
    assert_eq!(calls(&bed, "UpdateService"), 0);
    tui.quit(WAIT);
}
