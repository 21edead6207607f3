//! Bad config, bad flags and names that do not exist, against the seeded test bed: each is
//! refused with one clear message on stderr that names the bad thing, exit code 2 (README:
//! bad input), nothing on stdout, nothing changed on the server and no audit line.

mod support;

use std::time::Duration;

use serde_json::Value;
use support::{Run, TestBed};

/// A guard against hangs, not a performance bound.
const LIMIT: Duration = Duration::from_secs(60);

/// How many runs go at once (two cores; each run is a debug binary plus AWS calls).
const AT_ONCE: usize = 6;

struct Case {
    what: &'static str,
    /// A config file to write and pass with `--config`.
    config: Option<&'static str>,
    args: Vec<String>,
    /// All of these appear in the message.
    says: &'static [&'static str],
    /// clap's own usage errors: `error: ...` plus a usage hint, a few short lines.
    clap: bool,
}

fn case(what: &'static str, args: &str, says: &'static [&'static str]) -> Case {
    Case {
        what,
        config: None,
        args: args.split_whitespace().map(str::to_string).collect(),
        says,
        clap: false,
    }
}

fn clap(what: &'static str, args: &str, says: &'static [&'static str]) -> Case {
    Case {
        clap: true,
        ..case(what, args, says)
    }
}

fn config(what: &'static str, text: &'static str, says: &'static [&'static str]) -> Case {
    Case {
        config: Some(text),
        ..case(what, "--once", says)
    }
}

fn cases(task: &str) -> Vec<Case> {
    let task_args = |fmt: &str| fmt.replace("TASK", task);
    vec![
        // The config file.
        config(
            "malformed TOML",
            "refresh_secs = 5\n[theme\n",
            &["line 2", "theme", ".toml"],
        ),
        config(
            "unknown key",
            "refresh_secs = 5\n\nrefresh = 3\n",
            &["line 3", "unknown field `refresh`"],
        ),
        config(
            "wrong type",
            "# comment\nrefresh_secs = \"ten\"\n",
            &["line 2", "refresh_secs", "\"ten\""],
        ),
        config(
            "bad colour in [theme]",
            "[theme]\npreset = \"dark\"\nok = \"blurple\"\n",
            &["line 3", "blurple"],
        ),
        config(
            "bad key binding",
            "[keys]\nquit = [\"q\", \"nope\"]\n",
            &["line 2", "`nope`"],
        ),
        config(
            "bad duration in [logs]",
            "[logs]\nsince = \"5x\"\n",
            &["line 2", "5x"],
        ),
        config(
            "refresh of zero",
            "refresh_secs = 0\n",
            &["line 1", "at least 1"],
        ),
        config(
            "a value missing at the end",
            "x = ",
            &["line 1", "ends too early"],
        ),
        case(
            "a config file that is not there",
            "--config /nonexistent/toadtop.toml --once",
            &["/nonexistent/toadtop.toml"],
        ),
        // Flags.
        clap("unknown flag", "--once --bogus", &["--bogus"]),
        clap(
            "bad --output",
            "--once --output yaml",
            &["yaml", "table, json"],
        ),
        clap("--output without --once", "--output json", &["--once"]),
        clap(
            "bad duration",
            "logs --cluster production --service web --since 5x",
            &["5x", "unit"],
        ),
        clap(
            "a duration too long to count",
            "logs --cluster production --service web --since 99999999999999999d",
            &["too long"],
        ),
        clap("--refresh 0", "--refresh 0", &["at least 1 second"]),
        clap(
            "bad level",
            "logs --cluster production --service web --level loud",
            &["loud"],
        ),
        clap(
            "bad --timeout",
            "deploy --cluster production --service web --image php=:v9 --timeout soon",
            &["soon"],
        ),
        case(
            "--image without CONTAINER=",
            "deploy --cluster production --service web --image php",
            &["--image `php`", "CONTAINER=IMAGE"],
        ),
        case(
            "migrate --env without =",
            "migrate --cluster production --service web --env NOPE",
            &["--env", "NOPE"],
        ),
        // Names that do not exist.
        case(
            "--once, unknown cluster",
            "--once --cluster nope",
            &["`nope`", "production, production-eu, staging"],
        ),
        case(
            "--once json, unknown cluster",
            "--once --output json --cluster nope",
            &["`nope`", "production"],
        ),
        case(
            "logs, unknown cluster",
            "logs --cluster nope --service web",
            &["no cluster `nope`", "production, production-eu, staging"],
        ),
        case(
            "logs, unknown service",
            "logs --cluster production --service nope",
            &["no service `nope`", "scheduler, web, worker"],
        ),
        case(
            "logs, unknown task",
            "logs --cluster production --service web --task nope",
            &["no task `nope`"],
        ),
        case(
            "logs, unknown container",
            "logs --cluster production --service web --container nope",
            &["no container `nope`", "nginx, php"],
        ),
        case(
            "deploy, unknown cluster",
            "deploy --cluster nope --service web --image php=:v9",
            &["no cluster `nope`", "production, production-eu, staging"],
        ),
        case(
            "deploy, unknown service",
            "deploy --cluster production --service nope --image php=:v9",
            &["no service `nope` in production", "scheduler, web, worker"],
        ),
        case(
            "deploy, unknown container",
            "deploy --cluster production --service web --image nope=:v9 --output json",
            &["no container `nope`", "php, nginx"],
        ),
        case(
            "deploy --dry-run, unknown service",
            "deploy --cluster production --service nope --image php=:v9 --dry-run",
            &["no service `nope`"],
        ),
        case(
            "migrate, unknown cluster",
            "migrate --cluster nope --service web",
            &["no cluster `nope`", "production"],
        ),
        case(
            "migrate, unknown service",
            "migrate --cluster production --service nope --output json",
            &["no service `nope`", "web"],
        ),
        case(
            "migrate, unknown container",
            "migrate --cluster production --service web --container nope",
            &["no container `nope`", "php, nginx"],
        ),
        case(
            "rollback, unknown cluster",
            "rollback --cluster nope --service web",
            &["no cluster `nope`"],
        ),
        case(
            "rollback, unknown service",
            "rollback --cluster production --service nope",
            &["no service `nope`", "web"],
        ),
        case(
            "rollback, unknown revision",
            "rollback --cluster production --service web --to laravel-web:99",
            &["laravel-web:99"],
        ),
        case(
            "exec, unknown cluster",
            "exec --cluster nope --service web",
            &["no cluster `nope`", "production"],
        ),
        case(
            "exec, unknown service",
            "exec --cluster production --service nope",
            &["no service `nope`", "web"],
        ),
        case(
            "exec, unknown task",
            "exec --cluster production --task nope",
            &["no task `nope`"],
        ),
        Case {
            args: task_args("exec --cluster production --task TASK --container nope")
                .split_whitespace()
                .map(str::to_string)
                .collect(),
            ..case(
                "exec, unknown container",
                "",
                &["no container `nope`", "php, nginx"],
            )
        },
        case(
            "doctor, unknown cluster",
            "doctor --cluster nope --task abc",
            &["no cluster `nope`"],
        ),
        case(
            "doctor, unknown task",
            "doctor --cluster production --task nope --output json",
            &["no task `nope`"],
        ),
        Case {
            args: task_args("doctor --cluster production --task TASK --container nope")
                .split_whitespace()
                .map(str::to_string)
                .collect(),
            ..case("doctor, unknown container", "", &["no container `nope`"])
        },
    ]
}

/// What must not change: the web service's revision and count, the web family's
/// revisions, the running tasks (no migration or exec task), and the audit log.
fn server_state(bed: &TestBed) -> Value {
    let svc = bed.describe_service("production", "web");
    let running: Vec<Value> = bed
        .tasks("production", None, "RUNNING")
        .into_iter()
        .map(|t| t["taskArn"].clone())
        .collect();
    serde_json::json!({
        "taskDefinition": svc["taskDefinition"],
        "desiredCount": svc["desiredCount"],
        "deployments": svc["deployments"].as_array().map_or(0, Vec::len),
        "revisions": bed.revisions("laravel-web"),
        "running": running.len(),
    })
}

fn check(c: &Case, run: &Run) -> Result<(), String> {
    let fail = |why: &str| Err(format!("{}: {why}\n{run}", c.what));
    if run.code != Some(2) {
        return fail("exit code is not 2");
    }
    if !run.stdout.is_empty() {
        return fail("something on stdout");
    }
    let lines: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| !l.trim().is_empty())
        .collect();
    let first = lines.first().copied().unwrap_or_default();
    if c.clap {
        if !first.starts_with("error: ") || lines.len() > 6 {
            return fail("not a short usage error");
        }
    } else if lines.len() != 1 || !first.starts_with("toadtop: ") {
        return fail("not one `toadtop: ` line");
    }
    if let Some(missing) = c.says.iter().find(|s| !run.stderr.contains(*s)) {
        return fail(&format!("the message does not say {missing:?}"));
    }
    // No panic, backtrace or Debug dump of an SDK error.
    for noise in [
        "panicked",
        "backtrace",
        "Error {",
        "ServiceError(",
        "DispatchFailure(",
    ] {
        if run.stderr.contains(noise) {
            return fail(&format!("noise in the message: {noise}"));
        }
    }
    Ok(())
}

#[test]
fn bad_input_is_one_clear_message_exit_2_and_changes_nothing() {
    let bed = TestBed::seeded();
    let task = bed.services("production")["web"]["tasks"]
        .as_array()
        .and_then(|ts| ts.iter().find(|t| t["desiredStatus"] == "RUNNING"))
        .and_then(|t| t["id"].as_str())
        .expect("a running web task")
        .to_string();
    let before = server_state(&bed);
    let config_path = bed.home.path().join("toadtop.toml");

    let cases = cases(&task);
    let mut failures = Vec::new();
    for chunk in cases.chunks(AT_ONCE) {
        let running: Vec<_> = chunk
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let mut args = c.args.clone();
                if let Some(text) = c.config {
                    // One file per case of the chunk: they run at the same time.
                    let path = config_path.with_file_name(format!("toadtop-{i}.toml"));
                    std::fs::write(&path, text).expect("write config");
                    args.splice(0..0, ["--config".to_string(), path.display().to_string()]);
                }
                bed.spawn(args)
            })
            .collect();
        for (c, r) in chunk.iter().zip(running) {
            if let Err(e) = check(c, &r.wait(LIMIT)) {
                failures.push(e);
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));

    assert_eq!(server_state(&bed), before, "the server changed");
    assert!(
        bed.audit_log().is_empty(),
        "refused input was audited: {:?}",
        bed.audit_log()
    );
}
