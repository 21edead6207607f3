//! The deploy picker and preview as a person sees them, in a pseudo-terminal against the
//! seeded test server whose app repository is scanned with Inspector (no DescribeImages
//! summary): each tag shows its severities from DescribeImageScanFindings (not "not
//! scanned"), and the preview of an image with a CRITICAL warns in the error colour.
//! Timeouts here only stop a broken run from hanging.

#[path = "support/pty.rs"]
mod pty;
mod support;

use std::time::Duration;

use pty::{Tui, ENTER, ESC};
use support::TestBed;

const WAIT: Duration = Duration::from_secs(30);

fn line_with<'a>(screen: &'a str, text: &str) -> Option<&'a str> {
    screen.lines().find(|l| l.contains(text))
}

/// Whether the picker row with `tag` ends (inside the modal's borders) with `scan`.
fn row_ends(screen: &str, tag: &str, scan: &str) -> bool {
    line_with(screen, tag).is_some_and(|l| {
        l.trim_end_matches(['│', ' '])
            .ends_with(&format!("  {scan}"))
    })
}

#[test]
fn the_picker_and_preview_show_the_critical_findings_of_an_enhanced_scan() {
    let bed = TestBed::seeded();
    let registered = |bed: &TestBed| {
        bed.requests()
            .get("RegisterTaskDefinition")
            .copied()
            .unwrap_or(0)
    };
    // The seed registered the fleet's revisions.
    let seeded = registered(&bed);
    let mut tui = Tui::start(&bed, &bed.endpoint, 120, 40, &["--cluster", "production"]);
    tui.wait_for("the production services", WAIT, |s| {
        s.contains("services · production") && s.contains("laravel-web:2")
    });
    // scheduler, web, worker: one down is web.
    tui.send("j");
    tui.send("d");
    let screen = tui.wait_for("the picker with each tag's findings", WAIT, |s| {
        row_ends(s, "( ) v1.5.0 (running)", "C1 H1 M1")
            && row_ends(s, "( ) v1.4.0", "C2 H1")
            && row_ends(s, "( ) v1.4.1", "H1")
    });
    assert!(!screen.contains("not scanned"), "{screen}");
    assert!(!screen.contains("scan …"), "{screen}");

    tui.move_cursor_to("v1.4.0", WAIT);
    tui.send(ENTER);
    tui.wait_for("v1.4.0 chosen", WAIT, |s| {
        s.contains("container php: runs v1.5.0 (→ v1.4.0)")
    });
    tui.move_cursor_to("→ preview and confirm", WAIT);
    tui.send(ENTER);
    let screen = tui.wait_for("the preview with v1.4.0's findings", WAIT, |s| {
        s.contains("deploy production/web?")
            && s.contains("findings php v1.4.0: CRITICAL 2, HIGH 1 (scan ACTIVE, enhanced,")
            && s.contains("! php v1.4.0: 2 findings at or above CRITICAL")
    });
    // The warning is drawn in the error colour (as the removed image line), bold.
    let (warn, bold) = tui.style_of("! php v1.4.0").expect("the warning on screen");
    let (removed, _) = tui.style_of("-   image:").expect("the removed image line");
    let (plain, _) = tui
        .style_of("findings php v1.4.0")
        .expect("the findings line");
    assert_eq!(warn, removed, "{screen}");
    assert_ne!(warn, plain, "{screen}");
    assert!(bold, "{screen}");

    // Cancelled: nothing was registered.
    tui.send(ESC);
    tui.wait_for("the modal closed", WAIT, |s| s.contains("deploy cancelled"));
    assert_eq!(registered(&bed), seeded);
    tui.quit(WAIT);
}
