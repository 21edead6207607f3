//! Port forwarding as a person does it, in a pseudo-terminal against the seeded test
//! server with the stand-in session-manager-plugin: `F` on a service opens the form with
//! the config's preset, a confirmation, the forward runs in the background (the local
//! port answers), `:forwards` lists it, `s` ends it and its session is terminated; a
//! second forward is ended by quitting. Timeouts only stop a broken run from hanging.

#[path = "support/pty.rs"]
mod pty;
mod support;

use std::io::Read;
use std::time::Duration;

use pty::{Tui, ENTER};
use serde_json::Value;
use support::TestBed;

const WAIT: Duration = Duration::from_secs(30);

fn line_with<'a>(screen: &'a str, text: &str) -> Option<&'a str> {
    screen.lines().find(|l| l.contains(text))
}

fn ssm_requests(bed: &TestBed) -> Vec<Value> {
    let (code, body) = bed.post("/_toadtop/ssm-sessions", &serde_json::json!({}));
    assert_eq!(code, 200, "{body}");
    serde_json::from_str::<Value>(&body).expect("JSON")["requests"]
        .as_array()
        .expect("requests")
        .clone()
}

/// Opens the form on web (the services pane's second row) and confirms its preset.
fn forward_web(tui: &mut Tui) {
    tui.send("F");
    tui.wait_for("the forward form with the preset", WAIT, |s| {
        line_with(s, "forward through php in task").is_some()
            && line_with(s, "preset").is_some_and(|l| l.contains("db"))
            && line_with(s, "remote host").is_some_and(|l| l.contains("db.example.internal"))
            && line_with(s, "remote port").is_some_and(|l| l.contains("3306"))
            && line_with(s, "local port").is_some_and(|l| l.contains("empty: a free one"))
    });
    tui.send(ENTER);
    tui.wait_for("the armed confirmation", WAIT, |s| {
        s.contains("Open an SSM session into php of task")
            && s.contains("a free local port → db.example.internal:3306")
            && s.contains("profile default")
            && s.contains("enter: start")
    });
    tui.send(ENTER);
}

#[test]
fn a_forward_runs_in_the_background_is_listed_and_ends_with_its_session() {
    let bed = TestBed::seeded();
    let log = bed.home.path().join("plugin.log");
    let config = bed.home.path().join("forwards.toml");
    std::fs::write(
        &config,
        "[services.web.forwards]\ndb = { host = \"db.example.internal\", port = 3306 }\n",
    )
    .expect("write config");
    let config = config.to_string_lossy().into_owned();
    let path = support::path_with_fixtures_bin()
        .to_string_lossy()
        .into_owned();
    let log_path = log.to_string_lossy().into_owned();
    let mut tui = Tui::start_env(
        &bed,
        &bed.endpoint,
        100,
        30,
        &["--cluster", "production", "--config", &config],
        &[
            ("PATH", path.as_str()),
            ("TOADTOP_PLUGIN_LOG", log_path.as_str()),
        ],
    );
    tui.wait_for("the production services", WAIT, |s| {
        s.contains("services · production") && s.contains("worker")
    });
    // scheduler, web, worker: one down is web.
    tui.send("j");
    forward_web(&mut tui);
    let screen = tui.wait_for("the forward open, said on the status line", WAIT, |s| {
        line_with(s, "forwarding 127.0.0.1:")
            .is_some_and(|l| l.contains("→ db.example.internal:3306 via task"))
    });
    let status = line_with(&screen, "forwarding 127.0.0.1:").unwrap();
    let port: u16 = status
        .split("127.0.0.1:")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in {status}"));
    // The TUI kept working, and the port answers through the (stand-in) plugin.
    let mut conn = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let mut answer = String::new();
    conn.read_to_string(&mut answer).expect("read");
    assert_eq!(answer, "stand-in forward to db.example.internal:3306\n");

    tui.send(":forwards");
    tui.send(ENTER);
    let local = format!("127.0.0.1:{port}");
    tui.wait_for("the forward listed as active", WAIT, |s| {
        s.contains("port forwards (1 active)")
            && line_with(s, &local).is_some_and(|l| {
                l.contains(" php ")
                    && l.contains("db.example.internal:3306")
                    && l.contains("active")
            })
            && s.contains("Connection accepted for session")
    });
    let reqs = ssm_requests(&bed);
    assert_eq!(reqs.len(), 1, "{reqs:#?}");
    assert_eq!(reqs[0]["operation"], "StartSession");
    assert_eq!(
        reqs[0]["body"]["DocumentName"],
        "AWS-StartPortForwardingSessionToRemoteHost"
    );

    tui.send("s");
    tui.wait_for("the forward ended", WAIT, |s| {
        s.contains("port forwards (0 active)")
            && line_with(s, &local).is_some_and(|l| l.trim_end_matches(['│', ' ']).ends_with("ended"))
            // Why, in the box under the list (the column says only "ended" this narrow).
            && s.contains("ended: ended from :forwards")
    });
    let reqs = ssm_requests(&bed);
    assert_eq!(reqs.len(), 2, "{reqs:#?}");
    assert_eq!(reqs[1]["operation"], "TerminateSession");
    let started: Value = serde_json::from_str(
        bed.plugin_log(&log).expect("the plugin ran")[0]["env_session"]
            .as_str()
            .expect("env_session"),
    )
    .expect("JSON");
    assert_eq!(reqs[1]["body"]["SessionId"], started["SessionId"]);
    assert!(
        bed.plugin_log(&log)
            .unwrap()
            .iter()
            .any(|r| r["signal"] == "SIGTERM"),
        "the plugin was not ended"
    );

    // A second forward, ended by quitting: its session is terminated too.
    tui.send("\x1b"); // back to the services pane
    tui.wait_for("the services pane", WAIT, |s| {
        s.contains("services · production")
    });
    forward_web(&mut tui);
    tui.wait_for("the second forward open", WAIT, |s| {
        line_with(s, "forwarding 127.0.0.1:").is_some()
    });
    tui.quit(WAIT);
    let reqs = ssm_requests(&bed);
    let ops: Vec<&str> = reqs
        .iter()
        .filter_map(|r| r["operation"].as_str())
        .collect();
    assert_eq!(
        ops,
        [
            "StartSession",
            "TerminateSession",
            "StartSession",
            "TerminateSession"
        ]
    );
    let audit = bed.audit_log();
    let ends: Vec<&str> = audit
        .iter()
        .filter(|l| l["phase"] == "end")
        .filter_map(|l| l["reason"].as_str())
        .collect();
    assert_eq!(ends, ["ended from :forwards", "toadtop quit"], "{audit:#?}");
}
