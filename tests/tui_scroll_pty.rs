//! Scrolling the text panes as a person does at 80x24 (issue 17, items 1 and 2): the real
//! binary in a pseudo-terminal against the seeded test bed. Wrapped lines count as the
//! rows they take, `G` reaches the last one, `k` after `G` moves at once, `/` searches,
//! and a deploy's job pane shows its result without a key pressed.
//! Timeouts here only stop a broken run from hanging; nothing asserts on timing.

#[path = "support/pty.rs"]
mod pty;
mod support;

use std::time::Duration;

use pty::{Tui, ENTER};
use support::TestBed;

const WAIT: Duration = Duration::from_secs(30);

/// The production services, loaded.
fn services(screen: &str) -> bool {
    screen.contains("services · production")
        && ["scheduler", "worker", "laravel-web:"]
            .iter()
            .all(|t| screen.contains(t))
}

/// The pane's bottom border: where the position (` ↓ 1–19 of 45 `) is drawn.
fn bottom_border(screen: &str) -> &str {
    screen
        .lines()
        .rfind(|l| l.starts_with('└'))
        .unwrap_or_default()
}

/// More rows below than the pane shows.
fn more_below(screen: &str) -> bool {
    bottom_border(screen).contains('↓')
}

/// The last page: a position is shown and nothing is below.
fn at_the_end(screen: &str) -> bool {
    let b = bottom_border(screen);
    b.contains(" of ") && !b.contains('↓')
}

fn start(bed: &TestBed) -> Tui {
    let mut tui = Tui::start(bed, &bed.endpoint, 80, 24, &["--cluster", "production"]);
    tui.wait_for("the production services", WAIT, services);
    // Down to web, where the seeded fleet's events and alerts are.
    tui.send("j");
    tui
}

#[test]
fn service_detail_at_80x24_reaches_its_events_and_k_moves_back() {
    let bed = TestBed::seeded();
    let mut tui = start(&bed);
    tui.send("i");
    let first = tui.wait_for("web's details", WAIT, |s| {
        s.contains("service production/web") && s.contains("desired/run/pend")
    });
    assert!(
        !first.contains("Events (last") && more_below(&first),
        "the events are below the fold at 80x24:\n{first}"
    );
    tui.send("G");
    let end = tui.wait_for("the events on the last page", WAIT, |s| {
        s.contains("Events (last") && at_the_end(s)
    });
    // `k` right after `G` moves up a row (it used to count down from 32767).
    tui.send("k");
    let up = tui.wait_for("the view one row up", WAIT, more_below);
    assert_ne!(up, end);
    // PgUp goes a page further; `G` comes back to the same end.
    tui.send("\x1b[5~");
    tui.wait_for("a page up", WAIT, |s| {
        more_below(s) && !s.contains("Events (last")
    });
    tui.send("G");
    tui.wait_for("the end again", WAIT, |s| {
        s.contains("Events (last") && at_the_end(s)
    });
    tui.quit(WAIT);
}

#[test]
fn task_definition_at_80x24_reaches_its_volumes() {
    let bed = TestBed::seeded();
    let mut tui = start(&bed);
    tui.send("t");
    let first = tui.wait_for("web's task definition", WAIT, |s| {
        s.contains("task definition laravel-web:") && s.contains("network mode")
    });
    assert!(!first.contains("Volumes ("), "{first}");
    // Row by row down to the end: extra `j` past it are not counted.
    for _ in 0..200 {
        tui.send("j");
    }
    tui.wait_for("the volumes on the last page", WAIT, |s| {
        s.contains("Volumes (") && at_the_end(s)
    });
    tui.send("k");
    tui.wait_for("one row up at once", WAIT, more_below);
    tui.quit(WAIT);
}

#[test]
fn help_and_details_search_with_slash_n_and_wrap_around() {
    let bed = TestBed::seeded();
    let mut tui = start(&bed);
    tui.send("?");
    tui.wait_for("the help", WAIT, |s| {
        s.contains("› help") && s.contains("Commands")
    });
    tui.send("/");
    tui.send("stack trace");
    tui.wait_for("the search typed", WAIT, |s| s.contains("/stack trace"));
    tui.send(ENTER);
    // The one match is in "Marks", at the end of the page: it scrolls there.
    tui.wait_for("the match on screen", WAIT, |s| {
        s.contains("folded / unfolded stack trace") && s.contains("match 1/1")
    });
    tui.send("n");
    tui.wait_for("the search to wrap around", WAIT, |s| {
        s.contains("wrapped to the top")
    });
    // The first esc ends the search, the second closes the help.
    tui.send(pty::ESC);
    tui.wait_for("the search cleared", WAIT, |s| !s.contains("search: stack"));
    tui.send(pty::ESC);
    tui.wait_for("the services again", WAIT, services);

    // In web's details: the events are below the fold; a search brings them up.
    tui.send("i");
    tui.wait_for("web's details", WAIT, |s| {
        s.contains("service production/web") && !s.contains("Events (last")
    });
    tui.send("/");
    tui.send("steady state");
    tui.wait_for("the search typed", WAIT, |s| s.contains("/steady state"));
    tui.send(ENTER);
    let found = tui.wait_for("the first match on screen", WAIT, |s| {
        s.contains("match 1/") && s.contains("Events (last")
    });
    assert!(found.contains("has reached a steady state"), "{found}");
    tui.quit(WAIT);
}

/// The pane's rows, from its top border to its bottom border (not the message line).
fn pane_body(screen: &str) -> String {
    screen
        .lines()
        .skip_while(|l| !l.starts_with('┌'))
        .take_while(|l| !l.starts_with('└'))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_deploy_at_80x24_shows_succeeded_without_a_key_pressed() {
    let bed = TestBed::seeded();
    let mut tui = start(&bed);
    tui.send("d");
    tui.wait_for("the picker with php's tags", WAIT, |s| {
        s.contains("deploy production/web") && s.contains("( ) v1.4.1")
    });
    tui.move_cursor_to("v1.4.1", WAIT);
    tui.send(ENTER);
    tui.wait_for("v1.4.1 chosen", WAIT, |s| s.contains("(•) v1.4.1"));
    tui.move_cursor_to("→ preview and confirm", WAIT);
    tui.send(ENTER);
    tui.wait_for("the armed confirmation", WAIT, |s| {
        s.contains("deploy production/web?") && s.contains("enter: do it")
    });
    tui.send(ENTER);
    tui.wait_for("the job pane", WAIT, |s| {
        s.contains("production › web › deploy")
    });
    // The job polls every 5 s and the server completes a rollout on the third look: a
    // minute is a hang guard. The lines wrap at 80 columns; the pane follows the newest.
    let done = tui.wait_for("the result line", Duration::from_secs(60), |s| {
        s.contains("succeeded in")
    });
    assert!(
        done.contains("rollout: COMPLETED"),
        "the last steps are on screen too:\n{done}"
    );
    // Scrolled up, the pane stays there; `G` follows the end again. Three rows: the
    // message line (which also says "succeeded in") gives its row back when it goes.
    tui.send("kkk");
    tui.wait_for("scrolled up from the result", WAIT, |s| {
        !pane_body(s).contains("succeeded in") && more_below(s)
    });
    tui.send("G");
    tui.wait_for("the result again", WAIT, |s| {
        pane_body(s).contains("succeeded in")
    });
    tui.quit(WAIT);
}
