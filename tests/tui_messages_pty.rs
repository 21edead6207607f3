//! The message line, `:messages`, the footer and typing ahead, as a person meets them: the
//! real `toadtop` in an 80x24 pseudo-terminal against the seeded test bed (issue 17,
//! items 3, 6 and 9). Timeouts only stop a broken run from hanging.

#[path = "support/pty.rs"]
mod pty;
mod support;

use std::time::{Duration, Instant};

use pty::{Tui, ENTER, ESC};
use support::{SlowProxy, TestBed};

const WAIT: Duration = Duration::from_secs(30);

/// The production services pane with its rows.
fn services_loaded(screen: &str) -> bool {
    screen.contains("services · production")
        && ["scheduler", "worker", "laravel-web:2"]
            .iter()
            .all(|t| screen.contains(t))
}

fn last_line(screen: &str) -> &str {
    screen.lines().last().unwrap_or_default()
}

/// The rows between the pane and the footer that are not the pane's: the message line.
/// The pane's bottom border is the last line starting with `└`.
fn message_lines(screen: &str) -> Vec<String> {
    let lines: Vec<&str> = screen.lines().collect();
    let bottom = lines
        .iter()
        .rposition(|l| l.starts_with('└'))
        .unwrap_or(lines.len());
    lines[bottom + 1..lines.len().saturating_sub(1)]
        .iter()
        .map(|l| l.trim().to_string())
        .collect()
}

fn command(tui: &mut Tui, text: &str) {
    tui.send(":");
    tui.send(text);
    tui.send(ENTER);
}

#[test]
fn a_long_error_is_shown_whole_and_stays_until_esc_and_info_goes() {
    let bed = TestBed::seeded();
    let mut tui = Tui::start(&bed, &bed.endpoint, 80, 24, &["--cluster", "production"]);
    tui.wait_for("the services", WAIT, services_loaded);

    // An unknown command longer than a line: the error names all of it.
    let word = "this-command-does-not-exist-and-its-name-is-longer-than-eighty-columns-by-far";
    command(&mut tui, word);
    let said = tui.wait_for("the error on its own lines", WAIT, |s| {
        message_lines(s).concat().contains("esc dismiss")
    });
    let lines = message_lines(&said);
    assert!(lines.len() >= 2, "wrapped over lines: {said}");
    let joined = lines.concat().replace(' ', "");
    assert!(
        joined.contains(&format!("unknowncommand:{word}(:helpliststhem)")),
        "the whole text: {said}"
    );
    // The breadcrumb line is only the place.
    let crumbs = said.lines().nth(1).unwrap_or_default();
    assert!(!crumbs.contains("unknown"), "{crumbs}");

    // Keys go on working under an error, and it stays (longer than info's 5 s).
    tui.send("j");
    std::thread::sleep(Duration::from_secs(6));
    let later = tui.screen();
    assert!(later.contains("unknown command"), "{later}");

    // Esc dismisses it, and only that: still the services pane.
    tui.send(ESC);
    tui.wait_for("the error gone", WAIT, |s| {
        !s.contains("unknown command") && services_loaded(s)
    });

    // Info (the new sort) shows, then goes on its own.
    tui.send("o");
    let shown = Instant::now();
    tui.wait_for("the sort's info message", WAIT, |s| {
        message_lines(s).concat().contains("sorted by")
    });
    tui.wait_for("the info message gone by itself", WAIT, |s| {
        !s.contains("sorted by")
    });
    assert!(
        shown.elapsed() >= Duration::from_secs(4),
        "info stays a few seconds: went after {:?}",
        shown.elapsed()
    );

    // `:messages`: both, newest first, with time and level.
    command(&mut tui, "messages");
    let list = tui.wait_for("the messages pane", WAIT, |s| {
        s.contains("messages (") && s.contains("sorted by")
    });
    let info_row = list.lines().position(|l| l.contains("sorted by"));
    let error_row = list.lines().position(|l| l.contains("unknown command"));
    assert!(info_row < error_row, "newest first: {list}");
    let row = list
        .lines()
        .find(|l| l.contains("unknown command"))
        .unwrap();
    assert!(row.contains("error"), "{row}");
    assert!(
        row.split_whitespace()
            .any(|w| w.len() == 8 && w.as_bytes()[2] == b':' && w.as_bytes()[5] == b':'),
        "a HH:MM:SS time: {row}"
    );
    assert!(list
        .lines()
        .any(|l| l.contains("sorted by") && l.contains("info")));
    tui.send(ESC);
    tui.wait_for("back in services", WAIT, services_loaded);
    tui.quit(WAIT);
}

#[test]
fn the_read_only_footer_offers_no_deploy_or_migration() {
    let bed = TestBed::seeded();
    let tui = Tui::start(&bed, &bed.endpoint, 80, 24, &["--cluster", "production"]);
    let normal = tui.wait_for("the services", WAIT, services_loaded);
    let foot = last_line(&normal);
    assert!(
        foot.contains("d deploy") && foot.contains("m migrate"),
        "{foot}"
    );
    assert!(foot.trim_end().ends_with("? help"), "{foot}");
    tui.quit(WAIT);

    let mut tui = Tui::start(
        &bed,
        &bed.endpoint,
        80,
        24,
        &["--cluster", "production", "--read-only"],
    );
    let ro = tui.wait_for("the services, read-only", WAIT, services_loaded);
    let foot = last_line(&ro);
    for refused in ["deploy", "migrate", "restart", "roll back", "scale", "exec"] {
        assert!(!foot.contains(refused), "{refused} offered: {foot}");
    }
    assert!(foot.contains("l logs"), "{foot}");
    assert!(foot.trim_end().ends_with("? help"), "{foot}");
    // What it does not offer, it also refuses.
    tui.send("d");
    tui.wait_for("the refusal", WAIT, |s| s.contains("read-only"));
    tui.quit(WAIT);
}

#[test]
fn keys_typed_while_services_load_are_applied_when_they_arrive() {
    let bed = TestBed::seeded();
    // Long enough that the keys are in before the rows, on any machine.
    let proxy = SlowProxy::start(&bed, &[("DescribeServices", 3_000)]);
    let mut tui = Tui::start(&bed, &proxy.endpoint, 80, 24, &["--cluster", "production"]);
    tui.wait_for("the services pane, loading", WAIT, |s| {
        s.contains("loading services…")
    });
    // scheduler, web, worker: two down is worker.
    tui.send("jj");
    tui.send(ENTER);
    let still = tui.screen();
    assert!(still.contains("loading services…"), "{still}");
    tui.wait_for("worker's tasks", WAIT, |s| {
        s.contains("tasks · production/worker")
    });
    tui.quit(WAIT);
}
