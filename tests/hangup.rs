//! A terminal that goes away (an SSH connection dropping, a tmux pane or window closed)
//! ends toadtop as SIGHUP does: the process exits and writes no crash report. It used
//! to panic on the way out: ratatui's `Drop` re-shows the cursor and `eprintln!`s when
//! that fails, and `eprintln!` panics once the terminal is gone (seen as crash files
//! "failed printing to stderr: Input/output error" after closing tmux sessions).
//!
//! A real hang-up needs the terminal's master side closed, which tmux does when its
//! server is killed; the test runs toadtop in a tmux server of its own (a private socket).

mod support;

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use support::{TestBed, UNSET_ENV};

fn tmux(bed: &TestBed, socket: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::new("tmux");
    for var in UNSET_ENV {
        cmd.env_remove(var);
    }
    // A new tmux server copies this environment into its sessions.
    cmd.envs(bed.env_pairs());
    cmd.env("TERM", "xterm-256color");
    cmd.arg("-S").arg(socket).args(args);
    cmd.output()
        .expect("run tmux (the test needs it installed)")
}

/// Whether `pid` still runs: gone from /proc, or a zombie nobody reaped (the pane's
/// process is orphaned when tmux dies), counts as ended.
fn alive(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        // The state follows the parenthesised command name.
        stat.rsplit_once(") ")
            .is_some_and(|(_, rest)| !rest.starts_with('Z'))
    })
}

fn crash_reports(bed: &TestBed) -> Vec<String> {
    let dir = bed.home.path().join("data").join("toadtop");
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|name| name.starts_with("crash-"))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn closing_the_terminal_ends_toadtop_without_a_crash_report() {
    let bed = TestBed::seeded();
    let socket = bed.home.path().join("tmux.sock");
    let started = tmux(
        &bed,
        &socket,
        &[
            "new-session",
            "-d",
            "-x",
            "80",
            "-y",
            "24",
            env!("CARGO_BIN_EXE_toadtop"),
            "--endpoint-url",
            &bed.endpoint,
            "--cluster",
            "production",
        ],
    );
    assert!(started.status.success(), "{started:?}");
    let pid: i32 = String::from_utf8_lossy(
        &tmux(&bed, &socket, &["display-message", "-p", "#{pane_pid}"]).stdout,
    )
    .trim()
    .parse()
    .expect("tmux names the pane's pid");

    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let screen = tmux(&bed, &socket, &["capture-pane", "-p"]).stdout;
        if String::from_utf8_lossy(&screen).contains("worker") {
            break;
        }
        assert!(Instant::now() < deadline, "the services pane never showed");
        std::thread::sleep(Duration::from_millis(100));
    }

    // The pane's terminal goes away with the server, as a closed window's does.
    let killed = tmux(&bed, &socket, &["kill-server"]);
    assert!(killed.status.success(), "{killed:?}");
    let deadline = Instant::now() + Duration::from_secs(30);
    while alive(pid) {
        assert!(Instant::now() < deadline, "toadtop outlived its terminal");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(crash_reports(&bed), Vec::<String>::new());
}
