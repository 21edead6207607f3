//! Secrets stay out of what toadtop prints and writes, its files are owner-only, the
//! session-manager-plugin gets no credentials, and listings and backfills are bounded:
//! end to end against the seeded test server.

mod support;

use std::ffi::OsString;
use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::TestBed;

/// A hang guard, not a timing assertion.
const LIMIT: Duration = Duration::from_secs(90);

const PRODUCTION_GROUP: &str = "/ecs/laravel-production";

fn mode(p: &std::path::Path) -> u32 {
    std::fs::symlink_metadata(p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .permissions()
        .mode()
        & 0o777
}

#[test]
fn migration_env_and_command_are_masked_on_screen_and_in_the_audit_log() {
    let bed = TestBed::seeded();
    let env = [(
        "APP_SECRET_FROM_ENV",
        OsString::from("value-from-toadtops-env"),
    )];
    let run = bed.run_with_input(
        [
            "migrate",
            "--cluster",
            "production",
            "--service",
            "web",
            "--poll-every",
            "1s",
            "--output",
            "json",
            "--env",
            "RUN_MIGRATIONS=1",
            "--env",
            "DB_PASSWORD=s3cr3t-pw",
            "--env",
            "CACHE_URL=redis://:url-pw@cache:6379",
            // A bare name: the value comes from toadtop's environment, not from argv.
            "--env",
            "APP_SECRET_FROM_ENV",
            "--command",
            "php artisan migrate --database=mysql://root:cmd-url-pw@db/app --password cmd-flag-pw",
        ],
        &env,
        "",
        LIMIT,
    );
    assert_eq!(run.code, Some(0), "{run}");
    let shown = format!("{}\n{}", run.stdout, run.stderr);
    let audit = std::fs::read_to_string(bed.home.path().join("data/toadtop/audit.log"))
        .expect("audit log written");
    for secret in [
        "s3cr3t-pw",
        "url-pw",
        "value-from-toadtops-env",
        "cmd-url-pw",
        "cmd-flag-pw",
    ] {
        assert!(!shown.contains(secret), "{secret} printed:\n{run}");
        assert!(
            !audit.contains(secret),
            "{secret} in the audit log:\n{audit}"
        );
    }
    assert!(
        run.stderr.contains("DB_PASSWORD=••••••")
            && run.stderr.contains("CACHE_URL=redis://:••••••@cache:6379")
            && run.stderr.contains("APP_SECRET_FROM_ENV=••••••")
            && run.stderr.contains("RUN_MIGRATIONS=1"),
        "the names and the harmless values are shown: {run}"
    );

    // The task itself got the real values.
    let task = ["RUNNING", "STOPPED"]
        .iter()
        .flat_map(|st| bed.tasks("production", None, st))
        .find(|t| t["startedBy"] == "toadtop")
        .expect("the migration task");
    let php = task["overrides"]["containerOverrides"]
        .as_array()
        .and_then(|o| o.iter().find(|c| c["name"] == "php"))
        .cloned()
        .expect("php override");
    let env: Vec<Value> = php["environment"].as_array().cloned().unwrap_or_default();
    for (k, v) in [
        ("DB_PASSWORD", "s3cr3t-pw"),
        ("APP_SECRET_FROM_ENV", "value-from-toadtops-env"),
    ] {
        assert!(
            env.contains(&json!({"name": k, "value": v})),
            "{k} not passed: {php}"
        );
    }
    assert!(
        php["command"].to_string().contains("cmd-url-pw"),
        "the real command was sent: {php}"
    );

    // Owner-only: the data directory and the audit log in it.
    let data = bed.home.path().join("data/toadtop");
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&data.join("audit.log")), 0o600);
}

#[test]
fn a_bare_env_name_missing_from_the_environment_is_refused() {
    let bed = TestBed::empty();
    let run = bed.run(
        [
            "migrate",
            "--cluster",
            "production",
            "--service",
            "web",
            "--env",
            "TOADTOP_TEST_SURELY_UNSET",
        ],
        LIMIT,
    );
    assert_eq!(run.code, Some(2), "{run}");
    assert!(
        run.stderr
            .contains("`TOADTOP_TEST_SURELY_UNSET` is not KEY=VALUE and not set"),
        "{run}"
    );
}

#[test]
fn a_diagnostic_log_path_that_is_a_symlink_is_refused() {
    let bed = TestBed::empty();
    let victim = bed.home.path().join("victim.txt");
    std::fs::write(&victim, "not toadtop's\n").unwrap();
    let link = bed.home.path().join("toadtop.log");
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    let run = bed.run(
        [
            "--once",
            "--output",
            "json",
            &format!("--log-file={}", link.display()),
        ],
        LIMIT,
    );
    assert_eq!(run.code, Some(2), "{run}");
    assert!(run.stderr.contains("symbolic link"), "{run}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "not toadtop's\n");

    // An existing log file of ours that others could read is narrowed to 0600.
    let open = bed.home.path().join("open.log");
    std::fs::write(&open, "").unwrap();
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o644)).unwrap();
    let run = bed.run(
        [
            "--once",
            "--output",
            "json",
            &format!("--log-file={}", open.display()),
        ],
        LIMIT,
    );
    assert_eq!(run.code, Some(0), "{run}");
    assert_eq!(mode(&open), 0o600);
}

#[test]
fn the_plugin_gets_no_aws_credentials_nor_unrelated_variables() {
    let bed = TestBed::seeded();
    let log = bed.home.path().join("plugin.log");
    let env = [
        ("PATH", support::path_with_fixtures_bin()),
        ("TOADTOP_PLUGIN_LOG", log.clone().into_os_string()),
        ("AWS_SESSION_TOKEN", OsString::from("session-token")),
        ("DB_PASSWORD", OsString::from("operator-shell-secret")),
        ("LC_TIME", OsString::from("C")),
    ];
    let run = bed.run_with_input(
        ["exec", "--cluster", "production", "--service", "worker"],
        &env,
        "exit\n",
        LIMIT,
    );
    assert_eq!(run.code, Some(0), "{run}");
    let runs = bed.plugin_log(&log).expect("the plugin ran");
    let names: Vec<&str> = runs[0]["env_names"]
        .as_array()
        .expect("env_names recorded")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for absent in [
        "AWS_SECRET_ACCESS_KEY",
        "AWS_ACCESS_KEY_ID",
        "AWS_SESSION_TOKEN",
        "DB_PASSWORD",
    ] {
        assert!(!names.contains(&absent), "{absent} passed: {names:?}");
    }
    for present in [
        "PATH",
        "HOME",
        "LC_TIME",
        "AWS_REGION",
        "AWS_SSM_START_SESSION_RESPONSE",
    ] {
        assert!(names.contains(&present), "{present} missing: {names:?}");
    }
}

#[test]
fn a_server_repeating_next_token_stops_with_an_error_naming_the_call() {
    let bed = TestBed::seeded();
    let (status, body) = bed.post(
        "/_toadtop/repeat-token",
        &json!({"operation": "ListClusters"}),
    );
    assert_eq!(status, 200, "{body}");
    let started = Instant::now();
    let run = bed.run(["--once", "--output", "json"], LIMIT);
    assert!(started.elapsed() < LIMIT, "looped until killed: {run}");
    assert_ne!(run.code, Some(0), "{run}");
    assert!(
        run.stderr.contains("ListClusters failed") && run.stderr.contains("same nextToken"),
        "{run}"
    );

    // A log backfill's FilterLogEvents pages too.
    for arm in [
        json!({"operation": "ListClusters", "token": null}),
        json!({"operation": "FilterLogEvents"}),
    ] {
        let (status, body) = bed.post("/_toadtop/repeat-token", &arm);
        assert_eq!(status, 200, "{body}");
    }
    let run = bed.run(
        [
            "logs",
            "--cluster",
            "production",
            "--service",
            "worker",
            "--since",
            "1h",
        ],
        LIMIT,
    );
    assert!(
        run.stderr.contains("FilterLogEvents failed") && run.stderr.contains("same nextToken"),
        "{run}"
    );
}

/// 25,000 numbered events (three FilterLogEvents pages of moto's 10,000) in one php stream
/// of a running web task, an hour old: before every seeded line.
fn seed_many_events(bed: &TestBed) -> String {
    let task = bed.services("production")["web"]["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["lastStatus"] == "RUNNING")
        .and_then(|t| t["id"].as_str())
        .expect("a running web task")
        .to_string();
    bed.boto(
        r#"
stream = f"web/php/{args['task']}"
try:
    logs.create_log_stream(logGroupName=args['group'], logStreamName=stream)
except logs.exceptions.ResourceAlreadyExistsException:
    pass
base = now_ms - 3_600_000
for start in range(0, 25_000, 5_000):
    logs.put_log_events(logGroupName=args['group'], logStreamName=stream, logEvents=[
        {'timestamp': base + i, 'message': f'line-{i:05d}'} for i in range(start, start + 5_000)])
"#,
        &json!({"group": PRODUCTION_GROUP, "task": task}),
    );
    task
}

#[test]
fn a_large_backfill_is_streamed_in_order_and_capped() {
    let bed = TestBed::seeded();
    let task = seed_many_events(&bed);
    let args = |extra: &[&str]| {
        let mut a = vec![
            "logs",
            "--cluster",
            "production",
            "--service",
            "web",
            "--task",
            task.as_str(),
            "--container",
            "php",
            "--since",
            "2h",
        ];
        a.extend_from_slice(extra);
        a.into_iter().map(String::from).collect::<Vec<_>>()
    };
    let numbered = |stdout: &str| -> Vec<usize> {
        stdout
            .lines()
            .filter_map(|l| l.split("line-").nth(1))
            .filter_map(|n| n.get(..5)?.parse().ok())
            .collect()
    };

    // All three pages, merged in order.
    let run = bed.run(args(&[]), LIMIT);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let all = numbered(&run.stdout);
    assert_eq!(all, (0..25_000).collect::<Vec<_>>());
    assert!(!run.stderr.contains("backfill stopped"), "{}", run.stderr);

    // Capped across a page boundary: the oldest 15,000, then a note on stderr.
    let run = bed.run(args(&["--max-events", "15000"]), LIMIT);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(numbered(&run.stdout), (0..15_000).collect::<Vec<_>>());
    assert_eq!(run.stdout.lines().count(), 15_000);
    assert!(
        run.stderr
            .contains("backfill stopped at its cap (15000 events"),
        "{}",
        run.stderr
    );

    // The byte cap: with none to spend, not even the first message goes.
    let run = bed.run(args(&["--max-mib", "0"]), LIMIT);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(numbered(&run.stdout).is_empty(), "{}", run.stdout);
    assert!(
        run.stderr
            .contains("backfill stopped at its cap (0 events, 0 MiB)"),
        "{}",
        run.stderr
    );
}
