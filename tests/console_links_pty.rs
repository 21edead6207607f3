//! `B` as a person uses it, in a pseudo-terminal against the seeded test server: the
//! service's AWS console URL shows on the status line, goes to the clipboard through
//! OSC 52, and reaches the browser `$BROWSER` names (a stand-in script that records its
//! argv); a browser that fails is a note, and toadtop keeps running.
//! Timeouts here only stop a broken run from hanging.

#[path = "support/pty.rs"]
mod pty;
mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use pty::{Tui, ENTER};
use support::TestBed;

const WAIT: Duration = Duration::from_secs(30);

/// The real console's page of production/web, though toadtop talks to the test server.
const WEB: &str =
    "https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/production/services/web/health?region=us-east-1";

/// An executable shell script at `path`.
fn script(path: &Path, body: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, format!("#!/bin/sh\n{body}\n")).expect("write script");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

/// toadtop at 260x50 (wide enough for the whole status line) with `$BROWSER` set, on production's services filtered to web.
fn on_web(bed: &TestBed, browser: &str) -> Tui {
    let mut tui = Tui::start_env(
        bed,
        &bed.endpoint,
        260,
        50,
        &["--cluster", "production"],
        &[("BROWSER", browser)],
    );
    tui.wait_for("production's services", WAIT, |s| {
        s.contains("services · production") && s.contains("│web ")
    });
    tui.send("/name:web");
    tui.send(ENTER);
    tui.wait_for("only web", WAIT, |s| {
        s.contains("│web ") && !s.contains("│worker ") && !s.contains("│scheduler ")
    });
    tui
}

/// The text of the last OSC 52 clipboard write in `raw`.
fn clipboard(raw: &str) -> String {
    const START: &str = "\x1b]52;c;";
    let start = raw.rfind(START).expect("an OSC 52 sequence") + START.len();
    let end = start + raw[start..].find('\x07').expect("BEL ends the sequence");
    String::from_utf8(unbase64(&raw[start..end])).expect("UTF-8")
}

fn unbase64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        other => panic!("not base64: {other}"),
    };
    let bytes: Vec<u8> = text.bytes().filter(|c| *c != b'=').map(value).collect();
    let mut out = Vec::new();
    for chunk in bytes.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, v)| n | (u32::from(*v) << (18 - 6 * i)));
        for i in 0..chunk.len().saturating_sub(1) {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    out
}

fn wait_for_file(path: &Path) -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        if let Ok(text) = std::fs::read_to_string(path) {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "{} never written",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn b_on_a_service_shows_copies_and_opens_its_console_url() {
    let bed = TestBed::seeded();
    let dir = bed.home.path().join("browser");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let browser = dir.join("record-browser");
    // Its argv, whether toadtop's AWS secret reached it, and its controlling terminal
    // (`?`: none, so it cannot draw over the TUI); renamed into place when complete.
    script(
        &browser,
        &format!(
            "d='{d}'\nprintf '%s\\n' \"$@\" > \"$d/argv.tmp\"\n\
             printf '%s\\n' \"${{AWS_SECRET_ACCESS_KEY-unset}}\" > \"$d/secret\"\n\
             ps -o tty= -p $$ > \"$d/tty\"\n\
             mv \"$d/argv.tmp\" \"$d/argv\"",
            d = dir.display()
        ),
    );
    let mut tui = on_web(&bed, &browser.display().to_string());
    tui.send("B");
    tui.wait_for("the URL on the status line", WAIT, |s| {
        s.contains(&format!("service console URL copied: {WEB}"))
    });
    assert_eq!(wait_for_file(&dir.join("argv")), format!("{WEB}\n"));
    assert_eq!(wait_for_file(&dir.join("secret")).trim(), "unset");
    assert_eq!(wait_for_file(&dir.join("tty")).trim(), "?");
    // Still working: the status line keeps the URL (the browser succeeded: no note),
    // and keys still move.
    tui.send("/");
    tui.wait_for("the filter line", WAIT, |s| {
        s.contains("enter keep · esc clear")
    });
    tui.send("\x1b");
    tui.wait_for("the filter cleared", WAIT, |s| {
        !s.contains("enter keep · esc clear") && s.contains("│worker ")
    });
    let (status, raw) = {
        tui.send("q");
        tui.finish(WAIT)
    };
    assert!(status.success(), "exit status {status:?}");
    assert_eq!(clipboard(&raw), WEB);
}

#[test]
fn a_failing_browser_is_a_note_and_toadtop_keeps_running() {
    let bed = TestBed::seeded();
    let browser = bed.home.path().join("broken-browser");
    script(&browser, "echo 'cannot open display' >&2\nexit 3");
    let mut tui = on_web(&bed, &browser.display().to_string());
    // Where there is nothing to link, `B` says so as an error: its colour, for below.
    tui.send("?");
    tui.send("B");
    tui.wait_for("no link in help", WAIT, |s| {
        s.contains("no console link here")
    });
    let (error_colour, _) = tui.style_of("no console link here").expect("the error");
    // The first Esc dismisses the error (errors stay until dismissed), the second goes back.
    tui.send("\x1b");
    tui.wait_for("the error dismissed", WAIT, |s| {
        !s.contains("no console link here")
    });
    tui.send("\x1b");
    tui.wait_for("back on the services", WAIT, |s| {
        s.contains("services · production")
    });
    tui.send("B");
    let screen = tui.wait_for("the failure as a note after the URL", WAIT, |s| {
        s.contains(&format!("{WEB} · broken-browser failed (exit status: 3)"))
    });
    // The browser's own output was discarded, not drawn over the screen.
    assert!(!screen.contains("cannot open display"), "{screen}");
    // Not an error colour: information.
    let (colour, _) = tui
        .style_of("service console URL copied")
        .expect("the status line");
    assert_ne!(colour, error_colour, "drawn as an error");
    tui.send("j");
    tui.quit(WAIT);
}
