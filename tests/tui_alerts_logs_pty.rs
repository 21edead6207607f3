//! The fleet's alert badge and the log pane's keys as a person meets them: the real
//! binary in a pseudo-terminal against the seeded test server. Timeouts here only stop a
//! broken run from hanging; nothing asserts on timing.

#[path = "support/pty.rs"]
mod pty;
mod support;

use std::time::Duration;

use pty::{Tui, ENTER};
use support::TestBed;

const WAIT: Duration = Duration::from_secs(40);

fn line(screen: &str, n: usize) -> &str {
    screen.lines().nth(n).unwrap_or_default()
}

/// Critical and warning alerts over every cluster, as `--once` lists them, alerts of one
/// `cause` (a CVE in an image several services run) counted once, as the badge does.
fn fleet_counts(bed: &TestBed) -> (usize, usize) {
    let doc = bed
        .run(["--once", "--output", "json"], Duration::from_secs(60))
        .json();
    let alerts = doc["alerts"].as_array().expect("alerts in --once");
    let count = |level: &str| {
        let mut causes = std::collections::BTreeSet::new();
        alerts
            .iter()
            .filter(|a| a["level"] == level)
            .filter(|a| {
                a["cause"]
                    .as_str()
                    .is_none_or(|c| causes.insert(c.to_string()))
            })
            .count()
    };
    let grouped = alerts.iter().filter(|a| a["cause"].is_string()).count();
    assert!(
        grouped > 1,
        "the seed has alerts that share a cause: {alerts:?}"
    );
    (count("critical"), count("warning"))
}

/// The header's badge says exactly these counts.
fn badge_is(screen: &str, (crit, warn): (usize, usize)) -> bool {
    let header = line(screen, 0);
    header.contains(&format!(" {crit} crit ")) && header.contains(&format!(" {warn} warn "))
}

/// The clusters pane with every cluster's ALERTS cell known (none still `—`).
fn clusters_with_alerts(screen: &str) -> bool {
    let rows: Vec<&str> = screen
        .lines()
        .filter(|l| {
            ["│production ", "│production-eu ", "│staging "]
                .iter()
                .any(|c| l.starts_with(c))
        })
        .collect();
    screen.contains("ALERTS") && rows.len() == 3 && rows.iter().all(|r| !r.contains('—'))
}

#[test]
fn the_badge_counts_the_whole_fleet_on_the_first_screen_and_after_a_region_round_trip() {
    let bed = TestBed::seeded();
    let expected = fleet_counts(&bed);
    assert!(expected.0 > 0, "the seed has critical alerts: {expected:?}");
    let mut tui = Tui::start(&bed, &bed.endpoint, 80, 24, &[]);
    // Never entering a cluster: the badge and the ALERTS column count all of them.
    let screen = tui.wait_for("the whole fleet's alerts on the clusters pane", WAIT, |s| {
        line(s, 1).contains("us-east-1 › clusters")
            && badge_is(s, expected)
            && clusters_with_alerts(s)
    });
    let staging = screen
        .lines()
        .find(|l| l.starts_with("│staging "))
        .expect("staging row");
    assert!(
        staging.contains("crit"),
        "staging's failed rollout: {staging}"
    );

    tui.send(":region eu-west-1");
    tui.send(ENTER);
    tui.wait_for(
        "the empty region, named, without the old badge",
        WAIT,
        |s| {
            s.contains("no clusters in eu-west-1 (profile default)")
                && !line(s, 0).contains(" crit ")
        },
    );

    tui.send(":region us-east-1");
    tui.send(ENTER);
    tui.wait_for("the same badge back on the clusters pane", WAIT, |s| {
        line(s, 1).contains("us-east-1 › clusters")
            && badge_is(s, expected)
            && clusters_with_alerts(s)
    });
    tui.quit(WAIT);
}

/// The log pane's title line.
fn title(screen: &str) -> &str {
    screen
        .lines()
        .find(|l| l.contains(" logs · "))
        .unwrap_or_default()
}

/// Rows of the log pane's body (below its title, above its bottom border).
fn body(screen: &str) -> Vec<&str> {
    screen
        .lines()
        .skip_while(|l| !l.contains(" logs · "))
        .skip(1)
        .take_while(|l| !l.starts_with('└'))
        .collect()
}

#[test]
fn t_keeps_the_level_filter_and_search_and_n_wraps_past_the_last_match() {
    let bed = TestBed::seeded();
    let mut tui = Tui::start(&bed, &bed.endpoint, 200, 50, &["--cluster", "production"]);
    tui.wait_for("the production services", WAIT, |s| {
        s.contains("services · production") && s.contains("laravel-web:2")
    });
    // scheduler, web, worker: one down is web.
    tui.send("j");
    tui.send("l");
    tui.wait_for("web's records", WAIT, |s| {
        s.contains("Cache miss rate high") && s.contains("User logged in")
    });

    tui.send("L"); // WARNING and up
    tui.send("/cache miss");
    tui.send(ENTER);
    let before = tui.wait_for("the filter and the search applied", WAIT, |s| {
        let t = title(s);
        t.contains("≥WARNING")
            && t.contains("/cache miss")
            && t.contains("paused")
            && !s.contains("User logged in")
    });
    let records = |s: &str| {
        title(s)
            .split(" · ")
            .find(|p| p.ends_with(" records"))
            .map(str::to_string)
    };
    let shown = records(&before).expect("a record count in the title");

    tui.send("T");
    let after = tui.wait_for(
        "an hour back, the same filter, search and pause",
        WAIT,
        |s| {
            let t = title(s);
            t.contains("since 1h")
                && t.contains("≥WARNING")
                && t.contains("/cache miss")
                && t.contains("paused")
                && records(s).as_ref() == Some(&shown)
        },
    );
    let rows = body(&after);
    assert!(
        rows.iter().any(|r| r.contains("Cache miss rate high")),
        "{after}"
    );
    assert!(
        rows.iter()
            .all(|r| !r.contains(" INFO ") && !r.contains(" NOTICE ")),
        "the level filter still applies: {after}"
    );

    // The search started on the newest match: n goes past it, to the oldest, and says so.
    tui.send("n");
    tui.wait_for("n wrapped to the top", WAIT, |s| {
        s.contains("search wrapped to top")
    });
    tui.send("N");
    tui.wait_for("N wrapped back to the bottom", WAIT, |s| {
        s.contains("search wrapped to bottom")
    });
    tui.quit(WAIT);
}
