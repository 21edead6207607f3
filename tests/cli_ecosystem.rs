//! The binary's ecosystem surface: shell completions and the man page (which must work
//! before any AWS or config setup), and the opt-in diagnostic log (`--log-file`): written
//! to a file only, with startup and AWS call lines, and never a credential or token.

mod support;

use std::ffi::OsString;
use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use support::tempdir::TempDir;
use support::{Run, TestBed};

/// A hang guard, not a timing assertion.
const LIMIT: Duration = Duration::from_secs(60);

/// Unique strings that must never reach the log: if the SDK's request dumps got in,
/// the signed request would carry the access key id and the session token.
const SECRET_CANARY: &str = "CANARYsecret123";
const TOKEN_CANARY: &str = "CANARYsessiontoken456";
const KEY_ID_CANARY: &str = "AKIACANARYKEYID789";

/// toadtop with no AWS settings at all, a home with a config file that does not parse,
/// and a bad TOADTOP_LOG: generated text must need none of them.
fn bare_toadtop(home: &Path) -> Command {
    let config_dir = home.join("config/toadtop");
    std::fs::create_dir_all(&config_dir).expect("mkdir");
    std::fs::write(
        config_dir.join("config.toml"),
        "this is = not [valid toml\n",
    )
    .expect("write");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_toadtop"));
    for (var, _) in std::env::vars_os() {
        if var.to_string_lossy().starts_with("AWS_") {
            cmd.env_remove(&var);
        }
    }
    // Not a level at all: it only matters once a log is written.
    cmd.env("TOADTOP_LOG", "not-a-level");
    cmd.env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"));
    cmd
}

fn run_bare(home: &Path, args: &[&str]) -> Output {
    bare_toadtop(home).args(args).output().expect("run toadtop")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("utf-8 stdout")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn completions_for_bash_zsh_and_fish_despite_a_broken_config_and_no_aws() {
    let home = TempDir::new();
    // The broken config really does stop a normal run, so the completions below prove
    // that they skip it.
    let normal = run_bare(home.path(), &["--once"]);
    assert_eq!(normal.status.code(), Some(2), "{}", stderr(&normal));
    assert!(
        stderr(&normal).contains("config.toml"),
        "{}",
        stderr(&normal)
    );

    let bash = run_bare(home.path(), &["completions", "bash"]);
    assert!(bash.status.success(), "{}", stderr(&bash));
    let script = stdout(&bash);
    assert!(script.contains("complete -F _toadtop"), "{script}");
    for word in [
        "logs",
        "deploy",
        "exec",
        "migrate",
        "rollback",
        "doctor",
        "--read-only",
    ] {
        assert!(script.contains(word), "bash: no {word}");
    }

    let zsh = run_bare(home.path(), &["completions", "zsh"]);
    assert!(zsh.status.success(), "{}", stderr(&zsh));
    assert!(
        stdout(&zsh).starts_with("#compdef toadtop"),
        "{}",
        stdout(&zsh)
    );
    assert!(stdout(&zsh).contains("deploy"));

    let fish = run_bare(home.path(), &["completions", "fish"]);
    assert!(fish.status.success(), "{}", stderr(&fish));
    assert!(
        stdout(&fish).contains("complete -c toadtop"),
        "{}",
        stdout(&fish)
    );
    assert!(stdout(&fish).contains("exec"));

    for out in [&bash, &zsh, &fish] {
        assert!(out.stderr.is_empty(), "{}", stderr(out));
    }
    assert!(
        !home.path().join("data").exists(),
        "completions wrote to the data dir"
    );
}

#[test]
fn an_unknown_shell_fails_naming_the_shells_there_are() {
    let home = TempDir::new();
    let out = run_bare(home.path(), &["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains("'tcsh'"), "{err}");
    for shell in ["bash", "zsh", "fish"] {
        assert!(err.contains(shell), "{err}");
    }
}

#[test]
fn man_page_lists_the_flags_and_commands() {
    let home = TempDir::new();
    let out = run_bare(home.path(), &["man"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = stdout(&out);
    assert!(page.contains(".TH toadtop 1"), "{page}");
    // roff escapes every hyphen of a flag.
    for flag in [
        "\\-\\-read\\-only",
        "\\-\\-log\\-file",
        "\\-\\-endpoint\\-url",
    ] {
        assert!(page.contains(flag), "no {flag} in\n{page}");
    }
    assert!(page.contains(".SH SUBCOMMANDS") && page.contains("toadtop\\-deploy"));

    let dir = home.path().join("man1");
    let out = run_bare(home.path(), &["man", "--dir", dir.to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    let deploy = std::fs::read_to_string(dir.join("toadtop-deploy.1")).expect("deploy page");
    assert!(deploy.contains("\\-\\-max\\-failed\\-tasks"), "{deploy}");
    assert!(dir.join("toadtop.1").exists() && dir.join("toadtop-logs.1").exists());
}

/// The bed's toadtop with the canary credentials instead of the dummy ones.
fn with_canaries(bed: &TestBed, args: &[&str], extra_env: &[(&str, OsString)]) -> Run {
    let mut env: Vec<(&str, OsString)> = vec![
        ("AWS_ACCESS_KEY_ID", KEY_ID_CANARY.into()),
        ("AWS_SECRET_ACCESS_KEY", SECRET_CANARY.into()),
        ("AWS_SESSION_TOKEN", TOKEN_CANARY.into()),
    ];
    env.extend(extra_env.iter().cloned());
    bed.run_with_input(args, &env, "", LIMIT)
}

/// An endpoint nobody listens on: a port the OS just handed out and took back.
fn closed_port() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// The secret key and the session token never; the access key id (an identifier, not a
/// secret) only at trace, where the SDK's debug events name it.
fn assert_no_canary(log: &str, trace: bool) {
    let key_id = if trace { None } else { Some(KEY_ID_CANARY) };
    for canary in [Some(SECRET_CANARY), Some(TOKEN_CANARY), key_id]
        .into_iter()
        .flatten()
    {
        assert!(!log.contains(canary), "{canary} in the log:\n{log}");
    }
}

#[test]
fn log_file_gets_startup_and_aws_calls_but_no_credentials_and_stdout_stays_json() {
    let bed = TestBed::seeded();
    let log = bed.home.path().join("logs/debug.log");
    let flag = format!("--log-file={}", log.display());
    let run = with_canaries(
        &bed,
        &[
            "--once",
            "--output",
            "json",
            &flag,
            "--log-level",
            "debug",
            "--read-only",
        ],
        &[],
    );
    assert_eq!(run.code, Some(0), "{run}");
    run.json();
    assert_eq!(run.stderr, "", "nothing on stderr: {run}");
    let text = read(&log);
    let startup = text
        .lines()
        .find(|l| l.contains("toadtop started"))
        .unwrap_or_else(|| panic!("no startup line:\n{text}"));
    for field in [
        "mode=\"once\"",
        "region=us-east-1",
        "read_only=true",
        env!("CARGO_PKG_VERSION"),
        &bed.endpoint,
    ] {
        assert!(startup.contains(field), "no {field} in {startup}");
    }
    assert!(
        text.lines()
            .any(|l| l.contains("DEBUG") && l.contains("operation=\"ListClusters\"")),
        "no AWS call line:\n{text}"
    );
    // Below trace the SDK's own events stay out (they are capped at warn).
    assert!(!text.contains("aws_smithy_runtime"), "{text}");
    assert_no_canary(&text, false);

    // At trace the SDK's debug events come in, still without its request dumps.
    let trace_log = bed.home.path().join("trace.log");
    let flag = format!("--log-file={}", trace_log.display());
    let run = with_canaries(
        &bed,
        &["--once", "--output", "json", &flag],
        &[("TOADTOP_LOG", "trace".into())],
    );
    assert_eq!(run.code, Some(0), "{run}");
    run.json();
    assert_eq!(run.stderr, "", "{run}");
    let text = read(&trace_log);
    assert!(text.contains("toadtop started"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.contains("DEBUG") && l.contains("aws_smithy_runtime")),
        "TOADTOP_LOG=trace let no SDK debug events in:\n{text}"
    );
    assert!(!text.contains("TRACE aws_"), "an SDK trace event:\n{text}");
    assert_no_canary(&text, true);
}

#[test]
fn no_log_file_unless_asked_and_the_default_lives_in_the_data_dir() {
    let bed = TestBed::seeded();
    let default = bed.home.path().join("data/toadtop/toadtop.log");
    let run = bed.run(["--once", "--output", "json"], LIMIT);
    assert_eq!(run.code, Some(0), "{run}");
    run.json();
    assert_eq!(run.stderr, "", "{run}");
    assert!(!default.exists(), "a log without --log-file");

    let run = bed.run(["--once", "--output", "json", "--log-file"], LIMIT);
    assert_eq!(run.code, Some(0), "{run}");
    run.json();
    let text = read(&default);
    assert!(
        text.contains("INFO") && text.contains("toadtop started"),
        "{text}"
    );
    assert!(
        !text.contains("DEBUG"),
        "the default level is info:\n{text}"
    );

    // `log_file` in the config turns it on too; a failing call is logged at warn, with
    // the operation and why, and info (the startup line) is left out.
    let config = bed.home.path().join("config/toadtop/config.toml");
    let configured = bed.home.path().join("configured.log");
    std::fs::create_dir_all(config.parent().expect("dir")).expect("mkdir");
    std::fs::write(
        &config,
        format!(
            "log_file = {:?}\nlog_level = \"warn\"\n",
            configured.display().to_string()
        ),
    )
    .expect("write config");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_toadtop"));
    bed.env(&mut cmd);
    let out = cmd
        .args(["--once", "--endpoint-url", &closed_port()])
        .output()
        .expect("run toadtop");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = read(&configured);
    let failure = text
        .lines()
        .find(|l| l.contains("AWS call failed"))
        .unwrap_or_else(|| panic!("no failure line:\n{text}"));
    assert!(failure.contains(" WARN "), "{failure}");
    assert!(failure.contains("operation=\"ListClusters\""), "{failure}");
    assert!(failure.contains("kind=Unreachable"), "{failure}");
    assert!(
        !text.contains("toadtop started"),
        "warn hides info:\n{text}"
    );
}

#[test]
fn a_bad_level_or_an_unwritable_log_file_is_bad_input() {
    let home = TempDir::new();
    // A valid (empty) config, so only the log settings can be what fails.
    let valid = |mut cmd: Command| {
        std::fs::write(home.path().join("config/toadtop/config.toml"), "").expect("write");
        cmd.args(["--once", "--region", "us-east-1"]);
        cmd
    };
    let flag = format!("--log-file={}", home.path().join("ok.log").display());
    let out = valid(bare_toadtop(home.path()))
        .arg(&flag)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("TOADTOP_LOG: unknown level `not-a-level`"),
        "{}",
        stderr(&out)
    );

    let file = home.path().join("a-file");
    std::fs::write(&file, "").expect("write");
    // A path under a regular file cannot be created.
    let flag = format!("--log-file={}", file.join("toadtop.log").display());
    let out = valid(bare_toadtop(home.path()))
        .env_remove("TOADTOP_LOG")
        .arg(&flag)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("log file"), "{}", stderr(&out));
    assert!(stderr(&out).contains("a-file"), "{}", stderr(&out));
}

#[test]
fn exec_sessions_are_logged_without_their_token() {
    let bed = TestBed::seeded();
    let plugin_log = bed.home.path().join("plugin.log");
    let log = bed.home.path().join("exec.log");
    let flag = format!("--log-file={}", log.display());
    let run = with_canaries(
        &bed,
        &[
            "exec",
            "--cluster",
            "production",
            "--service",
            "worker",
            &flag,
            "--log-level",
            "trace",
        ],
        &[
            ("PATH", support::path_with_fixtures_bin()),
            ("TOADTOP_PLUGIN_LOG", plugin_log.clone().into_os_string()),
        ],
    );
    assert_eq!(run.code, Some(0), "{run}");
    let session = bed.plugin_log(&plugin_log).expect("the plugin ran");
    let session: serde_json::Value =
        serde_json::from_str(session[0]["env_session"].as_str().expect("session"))
            .expect("session JSON");
    let token = session["tokenValue"].as_str().expect("token");
    let stream = session["streamUrl"].as_str().expect("stream URL");
    let id = session["sessionId"].as_str().expect("session id");

    let text = read(&log);
    for event in ["exec session opened", "exec session ended", "action start"] {
        assert!(text.contains(event), "no {event}:\n{text}");
    }
    assert!(
        text.contains(id),
        "the session id names the session:\n{text}"
    );
    assert!(text.contains("operation=\"ExecuteCommand\""), "{text}");
    assert!(
        !text.contains(token),
        "the session token in the log:\n{text}"
    );
    assert!(!text.contains(stream), "the stream URL in the log:\n{text}");
    assert!(!text.contains("AWS_SSM_START_SESSION_RESPONSE"), "{text}");
    assert_no_canary(&text, true);
}
