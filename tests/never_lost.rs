//! Actions are never lost: a signal (SIGINT, SIGTERM, SIGHUP) or quitting the TUI while
//! an action runs ends it as `interrupted` in the audit log, with the task or deployment
//! it left running in AWS, on stderr too, and exits 128 + the signal; the audit log
//! carries who and what on every line, refuses an action it cannot record (`[audit]
//! required`), and keeps the lines of concurrent writers whole.
//!
//! Against the test server: `TOADTOP_ROLLOUT_STEPS=0` makes a rollout never end and
//! `TOADTOP_TASK_STEPS=0` a migration task never stop, so the signal always comes
//! mid-action. Time limits are hang guards only.

#[path = "support/pty.rs"]
mod pty;
mod support;

use std::time::{Duration, Instant};

use pty::{Tui, ENTER, ESC};
use serde_json::Value;
use support::{Run, TestBed};

const LIMIT: Duration = Duration::from_secs(90);
const ACCOUNT: &str = "123456789012";

const LEAVE_ALT_SCREEN: &str = "\x1b[?1049l";
const SHOW_CURSOR: &str = "\x1b[?25h";

fn kill(pid: u32, signal: libc::c_int) {
    // SAFETY: kill(2) with a pid this test started and a plain signal number.
    let rc = unsafe { libc::kill(pid as libc::pid_t, signal) };
    assert_eq!(rc, 0, "kill({pid}, {signal})");
}

/// Polls `f` until it holds (a hang guard of a minute).
fn wait_until(what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !f() {
        assert!(Instant::now() < deadline, "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Waits until the server has answered `change` and then seen one more `poll`: toadtop
/// has the answer of `change` (its driver polls only after it), and now watches. Only
/// the server's request counter is read, so no call of this test adds to the counts.
fn wait_for_poll_after(bed: &TestBed, change: &str, poll: &str) {
    let mut polls_then = None;
    wait_until(&format!("{poll} after {change}"), || {
        let seen = bed.requests();
        let polls = seen.get(poll).copied().unwrap_or(0);
        match polls_then {
            None if seen.get(change).copied().unwrap_or(0) > 0 => {
                polls_then = Some(polls);
                false
            }
            Some(then) => polls > then,
            None => false,
        }
    });
}

fn end_line(bed: &TestBed) -> Value {
    let audit = bed.audit_log();
    assert_eq!(audit.len(), 2, "a start and an end line: {audit:?}");
    assert_eq!(audit[0]["phase"], "start");
    assert_eq!(audit[0]["result"], "started");
    assert_eq!(audit[1]["phase"], "end");
    audit[1].clone()
}

/// profile, region and account, on both lines.
fn assert_who(bed: &TestBed) {
    for line in bed.audit_log() {
        assert_eq!(line["profile"], "default", "{line}");
        assert_eq!(line["region"], "us-east-1", "{line}");
        assert_eq!(line["account"], ACCOUNT, "{line}");
    }
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}

/// Mutating ECS calls the server saw since the last reset.
fn changes(bed: &TestBed) -> Vec<(String, u64)> {
    const MUTATING: [&str; 6] = [
        "RegisterTaskDefinition",
        "UpdateService",
        "RunTask",
        "StopTask",
        "ExecuteCommand",
        "StartSession",
    ];
    bed.requests()
        .into_iter()
        .filter(|(op, _)| MUTATING.contains(&op.as_str()))
        .collect()
}

fn reset_requests(bed: &TestBed) {
    let (status, body) = bed.post("/_toadtop/requests", &serde_json::json!({}));
    assert_eq!(status, 200, "{body}");
}

// ---- headless ---------------------------------------------------------------------------

#[test]
fn sigterm_mid_deploy_records_the_rollout_it_leaves_and_exits_143() {
    let bed = TestBed::seeded_with(&[("TOADTOP_ROLLOUT_STEPS", "0")]);
    let running = bed.spawn([
        "deploy",
        "--cluster",
        "production",
        "--service",
        "web",
        "--image",
        "php=:v1.4.1",
        "--poll-every",
        "1s",
        "--output",
        "json",
    ]);
    wait_for_poll_after(&bed, "UpdateService", "DescribeServices");
    kill(running.pid(), libc::SIGTERM);
    let run = running.wait(LIMIT);
    assert_eq!(run.code, Some(143), "{run}");

    let out = run.json();
    assert_eq!(out["result"], "interrupted", "{run}");
    let dep = s(&out["deployment_id"]).to_string();
    assert!(dep.starts_with("ecs-svc/"), "{out}");

    let end = end_line(&bed);
    assert_eq!(end["result"], "interrupted", "{end}");
    assert_eq!(end["reason"], "interrupted by SIGTERM");
    assert_eq!(end["deployment_id"], dep.as_str());
    assert_eq!(end["before"], "laravel-web:2");
    let new_rev = s(&end["after"]).to_string();
    assert!(new_rev.starts_with("laravel-web:"), "{end}");
    assert_eq!(
        end["state"],
        format!("deployment {dep} of {new_rev} goes on in ECS (the previous revision was laravel-web:2)").as_str()
    );
    // The images on both lines, resolved to the full reference.
    for line in bed.audit_log() {
        let php = s(&line["images"]["php"]);
        assert!(
            php.ends_with("laravel-app:v1.4.1") && php.contains(".ecr."),
            "{line}"
        );
    }
    assert_who(&bed);
    // stderr says the same.
    assert!(
        run.stderr.contains("interrupted by SIGTERM")
            && run.stderr.contains(&dep)
            && run
                .stderr
                .contains("recorded in the audit log as interrupted"),
        "{run}"
    );
    // And it is true: the service points at the new revision, the rollout goes on.
    let svc = bed.describe_service("production", "web");
    assert!(s(&svc["taskDefinition"]).ends_with(&new_rev), "{svc}");
}

#[test]
fn sighup_mid_migrate_records_the_task_it_leaves_running_and_exits_129() {
    let bed = TestBed::seeded_with(&[("TOADTOP_TASK_STEPS", "0")]);
    let running = bed.spawn([
        "migrate",
        "--cluster",
        "production",
        "--service",
        "web",
        "--command",
        "php artisan migrate --force",
        "--poll-every",
        "1s",
        "--output",
        "json",
    ]);
    wait_for_poll_after(&bed, "RunTask", "DescribeTasks");
    // An SSH connection that drops sends SIGHUP.
    kill(running.pid(), libc::SIGHUP);
    let run = running.wait(LIMIT);
    assert_eq!(run.code, Some(129), "{run}");

    let task = bed
        .tasks("production", None, "RUNNING")
        .into_iter()
        .find(|t| t["startedBy"] == "toadtop")
        .unwrap_or_else(|| panic!("the migration task is no longer running:\n{run}"));
    let task_id = s(&task["taskArn"]).rsplit('/').next().unwrap().to_string();

    assert_eq!(run.json()["task"], task_id.as_str(), "{run}");
    let end = end_line(&bed);
    assert_eq!(end["result"], "interrupted", "{end}");
    assert_eq!(end["reason"], "interrupted by SIGHUP");
    assert_eq!(end["task"], task_id.as_str());
    assert_eq!(
        end["state"],
        format!("task {task_id} keeps running in ECS").as_str()
    );
    // The --command override on both lines.
    for line in bed.audit_log() {
        assert_eq!(line["command"], "php artisan migrate --force", "{line}");
    }
    assert_who(&bed);
    assert!(
        run.stderr.contains("interrupted by SIGHUP") && run.stderr.contains(&task_id),
        "{run}"
    );
}

#[test]
fn sigint_mid_rollback_exits_130() {
    let bed = TestBed::seeded_with(&[("TOADTOP_ROLLOUT_STEPS", "0")]);
    let running = bed.spawn([
        "rollback",
        "--cluster",
        "production",
        "--service",
        "web",
        "--poll-every",
        "1s",
    ]);
    wait_for_poll_after(&bed, "UpdateService", "DescribeServices");
    kill(running.pid(), libc::SIGINT);
    let run = running.wait(LIMIT);
    assert_eq!(run.code, Some(130), "{run}");
    let end = end_line(&bed);
    assert_eq!(end["result"], "interrupted", "{end}");
    assert_eq!(end["reason"], "interrupted by SIGINT");
    assert_eq!(end["after"], "laravel-web:1", "{end}");
    assert!(
        s(&end["state"]).contains("of laravel-web:1 goes on in ECS"),
        "{end}"
    );
    // Text output: the summary on stdout, the same on stderr.
    assert!(run.stdout.contains("interrupted by SIGINT"), "{run}");
    assert!(run.stderr.contains("interrupted by SIGINT"), "{run}");
}

/// A directory where audit.log should be: the start line cannot be written.
fn block_the_audit_log(bed: &TestBed) -> std::path::PathBuf {
    let path = bed.home.path().join("data/toadtop/audit.log");
    std::fs::create_dir_all(&path).expect("a directory in the way");
    path
}

fn run_headless(bed: &TestBed, args: &[&str]) -> Run {
    bed.run(args, LIMIT)
}

#[test]
fn an_audit_log_that_cannot_be_written_refuses_the_action() {
    let bed = TestBed::seeded();
    let path = block_the_audit_log(&bed);
    reset_requests(&bed);
    for args in [
        &[
            "deploy",
            "--cluster",
            "production",
            "--service",
            "web",
            "--image",
            "php=:v1.4.1",
        ][..],
        &["migrate", "--cluster", "production", "--service", "web"][..],
        &["rollback", "--cluster", "production", "--service", "web"][..],
    ] {
        let run = run_headless(&bed, args);
        assert_eq!(run.code, Some(5), "refused: {run}");
        assert!(
            run.stderr.contains(&path.display().to_string())
                && run.stderr.contains("Is a directory")
                && run.stderr.contains("nothing was done in AWS"),
            "names the path and the error: {run}"
        );
        assert!(run.stdout.contains("refused"), "{run}");
    }
    // An exec session too: no ExecuteCommand, the plugin never started.
    let log = bed.home.path().join("plugin.log");
    let run = bed.run_with_input(
        ["exec", "--cluster", "production", "--service", "worker"],
        &[
            ("PATH", support::path_with_fixtures_bin()),
            ("TOADTOP_PLUGIN_LOG", log.clone().into_os_string()),
        ],
        "",
        LIMIT,
    );
    assert_ne!(run.code, Some(0), "{run}");
    assert!(
        run.stderr.contains("Is a directory") && run.stderr.contains("exec refused"),
        "{run}"
    );
    assert_eq!(bed.plugin_log(&log), None, "the plugin ran: {run}");
    assert_eq!(
        changes(&bed),
        Vec::new(),
        "no mutating call reached the server"
    );
}

#[test]
fn the_tui_refuses_an_action_it_cannot_record() {
    let bed = TestBed::seeded();
    let path = block_the_audit_log(&bed);
    let mut tui = Tui::start(&bed, &bed.endpoint, 160, 40, &["--cluster", "production"]);
    tui.wait_for("the production services", LIMIT, services_pane);
    reset_requests(&bed);
    tui.send("j");
    tui.send("R");
    tui.wait_for("the restart's confirmation", LIMIT, |s| {
        s.contains("restart production/web?") && s.contains("enter: do it")
    });
    tui.send(ENTER);
    tui.wait_for("the refusal in the job pane", LIMIT, |s| {
        s.contains("restart production/web: refused")
            && s.contains(&path.display().to_string())
            && s.contains("Is a directory")
    });
    // No quit question: nothing runs.
    tui.send("q");
    let (status, _) = tui.finish(LIMIT);
    assert!(status.success(), "{status:?}");
    assert_eq!(
        changes(&bed),
        Vec::new(),
        "no mutating call reached the server"
    );
}

#[test]
fn with_the_audit_not_required_the_action_runs_and_says_it_is_unrecorded() {
    let bed = TestBed::seeded();
    block_the_audit_log(&bed);
    let dir = bed.home.path().join("config/toadtop");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), "[audit]\nrequired = false\n").unwrap();
    let run = run_headless(
        &bed,
        &[
            "migrate",
            "--cluster",
            "production",
            "--service",
            "web",
            "--poll-every",
            "1s",
        ],
    );
    assert_eq!(run.code, Some(0), "{run}");
    assert!(
        run.stderr
            .contains("the action runs unrecorded: [audit] required is off"),
        "{run}"
    );
}

/// Run by `concurrent_writers_never_interleave_lines` in two child processes; a no-op
/// in a normal test run.
#[test]
fn audit_writer_child() {
    let Ok(n) = std::env::var("TOADTOP_TEST_AUDIT_LINES") else {
        return;
    };
    let n: usize = n.parse().expect("a line count");
    let who = toadtop::ops::audit::Who::new("p", "r", None);
    let mut o = toadtop::ops::progress::Outcome::new("deploy", "c", "web");
    // Long lines make a line written in pieces likely to be cut into by the other writer.
    o.reason = Some(format!("pid {} {}", std::process::id(), "x".repeat(2000)));
    for _ in 0..n {
        toadtop::ops::audit::record(&who, "end", &o).expect("write an audit line");
    }
}

#[test]
fn concurrent_writers_never_interleave_lines() {
    const LINES: usize = 1500;
    let home = support::tempdir::TempDir::new();
    let writers: Vec<_> = (0..2)
        .map(|_| {
            std::process::Command::new(std::env::current_exe().unwrap())
                .args(["audit_writer_child", "--exact", "--test-threads", "1"])
                .env("TOADTOP_TEST_AUDIT_LINES", LINES.to_string())
                .env("HOME", home.path())
                .env("XDG_DATA_HOME", home.path().join("data"))
                .stdout(std::process::Stdio::null())
                .spawn()
                .expect("start a writer")
        })
        .collect();
    for mut w in writers {
        assert!(w.wait().unwrap().success());
    }
    let text = std::fs::read_to_string(home.path().join("data/toadtop/audit.log")).unwrap();
    let mut per_writer = std::collections::BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let v: Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("line {n} is not one JSON object ({e}): {line:.200}"));
        *per_writer
            .entry(s(&v["reason"]).split(' ').nth(1).unwrap().to_string())
            .or_insert(0) += 1;
    }
    assert_eq!(
        per_writer.values().copied().collect::<Vec<_>>(),
        [LINES, LINES]
    );
}

// ---- the TUI ----------------------------------------------------------------------------

fn with_config(bed: &TestBed, text: &str) {
    let dir = bed.home.path().join("config/toadtop");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), text).unwrap();
}

/// The terminal given back: the alternate screen left and the cursor shown, with `after`
/// among what is printed on the main screen afterwards.
fn assert_restored_then(raw: &str, after: &str) {
    let left = raw
        .rfind(LEAVE_ALT_SCREEN)
        .expect("never left the alternate screen");
    let tail = &raw[left..];
    assert!(tail.contains(SHOW_CURSOR), "cursor not shown again");
    assert!(
        !tail.contains("\x1b[?1049h"),
        "alternate screen entered again"
    );
    assert!(
        tail.contains(after),
        "{after:?} not printed after the restore: {tail:?}"
    );
}

fn services_pane(s: &str) -> bool {
    s.contains("services · production")
        && ["scheduler", "web", "worker"].iter().all(|t| s.contains(t))
}

/// From the production services, `m` on web and Enter once the confirmation takes it (it
/// ignores Enter for its first moment): the migration runs.
fn start_migration(tui: &mut Tui) {
    tui.wait_for("the production services", LIMIT, services_pane);
    tui.send("j");
    tui.send("m");
    tui.wait_for("the migration's confirmation", LIMIT, |s| {
        s.contains("migrate production/web?") && s.contains("enter: do it")
    });
    tui.send(ENTER);
    tui.wait_for("the migration task started", LIMIT, |s| {
        s.contains("migrate: task") && s.contains(" started")
    });
}

fn migration_task_id(bed: &TestBed) -> String {
    let task = bed
        .tasks("production", None, "RUNNING")
        .into_iter()
        .find(|t| t["startedBy"] == "toadtop")
        .expect("the migration task runs");
    s(&task["taskArn"]).rsplit('/').next().unwrap().to_string()
}

#[test]
fn quit_while_a_migration_runs_asks_and_yes_records_it_interrupted() {
    let bed = TestBed::seeded_with(&[("TOADTOP_TASK_STEPS", "0")]);
    with_config(
        &bed,
        "[services.web.migration]\ncommand = [\"php\", \"artisan\", \"migrate\", \"--force\"]\n",
    );
    let mut tui = Tui::start(&bed, &bed.endpoint, 160, 40, &["--cluster", "production"]);
    start_migration(&mut tui);
    let task_id = migration_task_id(&bed);

    // q asks, naming what stays running; n (and esc) stay.
    tui.send("q");
    tui.wait_for("the question", LIMIT, |s| {
        s.contains("quit while migrate production/web runs?")
            && s.contains(&format!("task {task_id} keeps running in ECS"))
            && s.contains("y: quit (it keeps running)")
    });
    tui.send("n");
    tui.wait_for("the question gone", LIMIT, |s| {
        !s.contains("quit while migrate") && s.contains("still running")
    });
    // ctrl-c asks the same; Enter is no answer.
    tui.send("\x03");
    tui.wait_for("the question again", LIMIT, |s| {
        s.contains("quit while migrate production/web runs?")
    });
    tui.send(ENTER);
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        tui.screen().contains("quit while migrate"),
        "Enter answered"
    );
    tui.send("y");
    let (status, raw) = tui.finish(LIMIT);
    assert!(status.success(), "exit status {status:?}");
    assert_restored_then(&raw, "interrupted");
    assert!(raw.contains(&task_id), "what was left is printed");

    let end = end_line(&bed);
    assert_eq!(end["result"], "interrupted", "{end}");
    assert_eq!(end["reason"], "toadtop was quit while it ran");
    assert_eq!(end["task"], task_id.as_str());
    assert_eq!(
        end["state"],
        format!("task {task_id} keeps running in ECS").as_str()
    );
    for line in bed.audit_log() {
        assert_eq!(line["command"], "php artisan migrate --force", "{line}");
    }
    assert_who(&bed);
    // It does keep running.
    assert_eq!(migration_task_id(&bed), task_id);
}

#[test]
fn sigterm_to_the_tui_mid_migration_records_the_end_and_restores_the_terminal() {
    let bed = TestBed::seeded_with(&[("TOADTOP_TASK_STEPS", "0")]);
    let mut tui = Tui::start(&bed, &bed.endpoint, 160, 40, &["--cluster", "production"]);
    start_migration(&mut tui);
    let task_id = migration_task_id(&bed);
    kill(tui.pid(), libc::SIGTERM);
    let (status, raw) = tui.finish(LIMIT);
    assert_eq!(status.exit_code(), 143, "{status:?}");
    assert_restored_then(&raw, "interrupted by SIGTERM");
    let end = end_line(&bed);
    assert_eq!(end["reason"], "interrupted by SIGTERM", "{end}");
    assert_eq!(end["task"], task_id.as_str());
    assert_who(&bed);
}

#[test]
fn sighup_to_the_tui_mid_deploy_records_the_images_and_the_rollout_left() {
    let bed = TestBed::seeded_with(&[("TOADTOP_ROLLOUT_STEPS", "0")]);
    let mut tui = Tui::start(&bed, &bed.endpoint, 160, 45, &["--cluster", "production"]);
    tui.wait_for("the production services", LIMIT, services_pane);
    tui.send("j");
    tui.send("d");
    tui.wait_for("the picker with php's tags", LIMIT, |s| {
        s.contains("( ) v1.4.1") && !s.contains("loading tags")
    });
    tui.move_cursor_to("v1.4.1", LIMIT);
    tui.send(ENTER);
    tui.wait_for("v1.4.1 chosen", LIMIT, |s| s.contains("(→ v1.4.1)"));
    tui.move_cursor_to("→ preview and confirm", LIMIT);
    tui.send(ENTER);
    tui.wait_for("the confirmation", LIMIT, |s| {
        s.contains("deploy production/web?") && s.contains("enter: do it")
    });
    tui.send(ENTER);
    tui.wait_for("the rollout watched", LIMIT, |s| {
        s.contains("rollout: watching")
    });
    // The quit question, then gone: the job pane again.
    tui.send("q");
    tui.wait_for("the question", LIMIT, |s| {
        s.contains("quit while deploy production/web runs?")
            && s.contains("Left as it is now: deployment ecs-svc/")
            && s.contains("of laravel-web:3 goes on in ECS")
    });
    tui.send(ESC);
    tui.wait_for("the question gone", LIMIT, |s| {
        !s.contains("quit while deploy")
    });

    kill(tui.pid(), libc::SIGHUP);
    let (status, raw) = tui.finish(LIMIT);
    assert_eq!(status.exit_code(), 129, "{status:?}");
    assert_restored_then(&raw, "interrupted by SIGHUP");

    let end = end_line(&bed);
    assert_eq!(end["result"], "interrupted", "{end}");
    assert!(s(&end["deployment_id"]).starts_with("ecs-svc/"), "{end}");
    assert!(s(&end["state"]).contains("goes on in ECS"), "{end}");
    for line in bed.audit_log() {
        assert!(
            s(&line["images"]["php"]).ends_with("laravel-app:v1.4.1"),
            "the TUI's lines carry the images: {line}"
        );
        assert_eq!(line["before"], "laravel-web:2", "{line}");
    }
    assert_who(&bed);
}
