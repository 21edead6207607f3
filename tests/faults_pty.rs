//! Faults as a person sees them: the TUI in a pseudo-terminal while AWS is slow
//! (scripts/testbed/slow_proxy.py), throttling (`/_toadtop/faults`) or refusing single
//! calls (TOADTOP_DENY). Timeouts here only stop a broken run from hanging.

#[path = "support/pty.rs"]
mod pty;
mod support;

use std::time::Duration;

use pty::{Tui, ENTER, ESC};
use support::{SlowProxy, TestBed};

const WAIT: Duration = Duration::from_secs(30);

/// The frames of the header's spinner (src/ui/header.rs).
const SPINNER: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

fn spinner(screen: &str) -> Option<char> {
    screen
        .lines()
        .next()
        .and_then(|top| top.chars().find(|c| SPINNER.contains(c)))
}

/// The production services pane with its rows.
fn services_loaded(screen: &str) -> bool {
    screen.contains("services · production")
        && ["scheduler", "worker", "laravel-web:2"]
            .iter()
            .all(|t| screen.contains(t))
}

#[test]
fn a_slow_load_leaves_the_ui_drawing_and_taking_keys() {
    let bed = TestBed::seeded();
    // Long enough that everything below happens before the answer, on any machine.
    let proxy = SlowProxy::start(&bed, &[("DescribeServices", 8_000)]);
    let mut tui = Tui::start(&bed, &proxy.endpoint, 100, 30, &["--cluster", "production"]);
    let first = tui.wait_for("the services pane, loading", WAIT, |s| {
        s.contains("loading services…") && spinner(s).is_some()
    });
    let frame = spinner(&first);
    tui.wait_for("the spinner to move on", WAIT, |s| {
        s.contains("loading services…") && spinner(s).is_some_and(|c| Some(c) != frame)
    });

    tui.send("?");
    tui.wait_for("the help page", WAIT, |s| {
        s.contains("› help") && s.contains("drill in")
    });
    tui.send(ESC);
    tui.wait_for("the help to close, the load still running", WAIT, |s| {
        !s.contains("drill in") && s.contains("loading services…")
    });

    // The answer comes, and the pane fills without any key pressed.
    tui.wait_for("the services", WAIT, services_loaded);
    tui.quit(WAIT);
}

#[test]
fn throttling_shows_in_the_header_while_the_data_still_loads() {
    let bed = TestBed::seeded();
    bed.inject("DescribeServices", "throttle", 2);
    let tui = Tui::start(&bed, &bed.endpoint, 120, 30, &["--cluster", "production"]);
    tui.wait_for("the services and the throttled badge", WAIT, |s| {
        services_loaded(s)
            && s.lines()
                .next()
                .is_some_and(|top| top.contains("throttled"))
    });
    tui.quit(WAIT);
}

#[test]
fn denied_ecr_and_metrics_degrade_only_their_panes() {
    let deny = "AmazonEC2ContainerRegistry_V20150921.DescribeImages,\
                GraniteServiceVersion20100801.GetMetricData";
    let bed = TestBed::seeded_with(&[("TOADTOP_DENY", deny)]);
    let mut tui = Tui::start(&bed, &bed.endpoint, 200, 40, &["--cluster", "production"]);
    tui.wait_for("the services", WAIT, services_loaded);

    // scheduler, web, worker: one down is web.
    tui.send("j");
    tui.send("f");
    tui.wait_for("the findings pane naming the denied call", WAIT, |s| {
        s.contains("findings")
            && s.lines().any(|l| {
                l.contains("⚠ error")
                    && l.contains("DescribeImages failed: AccessDeniedException")
                    && l.contains("laravel-app:v1.5.0")
            })
            && s.contains("not in ECR")
    });
    tui.send(ESC);
    tui.wait_for("the services again", WAIT, |s| {
        services_loaded(s) && !s.contains("AccessDenied")
    });

    tui.send("i");
    tui.wait_for("web's detail, metrics unavailable", WAIT, |s| {
        s.contains("Last hour (Maximum)")
            && s.contains("metrics unavailable: GetMetricData failed: AccessDeniedException")
            && s.contains("laravel-web:2")
    });
    tui.send(ESC);
    tui.wait_for("the services again", WAIT, services_loaded);

    tui.send(ENTER);
    tui.wait_for("web's tasks, unaffected", WAIT, |s| {
        s.contains("tasks · production/web") && s.contains("RUNNING")
    });
    tui.quit(WAIT);
}
