//! `toadtop exec` and `toadtop doctor` end to end against the seeded test bed, with the
//! stand-in session-manager-plugin (tests/fixtures/bin) recording how it was started.
//!
//! Seed: production web (exec on; php with the agent volumes, nginx without but with its
//! agent RUNNING), worker (exec on, php), scheduler (exec off).

mod support;

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;
use support::{Run, TestBed};

/// A hang guard, not a timing assertion.
const LIMIT: Duration = Duration::from_secs(60);

/// The bed plus where its stand-in plugin logs.
struct Bed {
    bed: TestBed,
    log: PathBuf,
}

impl Bed {
    fn new() -> Bed {
        let bed = TestBed::seeded();
        let log = bed.home.path().join("plugin.log");
        Bed { bed, log }
    }

    fn env<'a>(&self, path: OsString, extra: &[(&'a str, &str)]) -> Vec<(&'a str, OsString)> {
        let mut env = vec![
            ("PATH", path),
            ("TOADTOP_PLUGIN_LOG", self.log.clone().into_os_string()),
        ];
        env.extend(extra.iter().map(|(k, v)| (*k, OsString::from(v))));
        env
    }

    /// toadtop with the stand-in plugin on PATH.
    fn run(&self, args: &[&str], stdin: &str, extra: &[(&str, &str)]) -> Run {
        let env = self.env(support::path_with_fixtures_bin(), extra);
        self.bed.run_with_input(args, &env, stdin, LIMIT)
    }

    /// toadtop with a PATH holding no plugin (an empty directory: toadtop needs nothing
    /// else from PATH).
    fn run_without_plugin(&self, args: &[&str]) -> Run {
        let empty = self.bed.home.path().join("empty-bin");
        std::fs::create_dir_all(&empty).expect("mkdir");
        let env = self.env(empty.into_os_string(), &[]);
        self.bed.run_with_input(args, &env, "", LIMIT)
    }

    /// Every start of the plugin, one JSON record each (None: it never ran).
    fn plugin_runs(&self) -> Option<Vec<Value>> {
        self.bed.plugin_log(&self.log)
    }

    fn the_plugin_run(&self) -> Value {
        let runs = self.plugin_runs().expect("the plugin never ran");
        assert_eq!(runs.len(), 1, "{runs:#?}");
        runs.into_iter().next().unwrap()
    }

    fn assert_plugin_not_started(&self, run: &Run) {
        assert!(
            self.plugin_runs().is_none(),
            "the plugin was started: {:?}\n{run}",
            self.plugin_runs()
        );
        assert!(
            !run.stdout.contains("Starting session"),
            "plugin output seen:\n{run}"
        );
    }

    /// A RUNNING task of a service, described through boto3.
    fn running_task(&self, service: &str, id: &str) -> Value {
        self.bed
            .tasks("production", Some(service), "RUNNING")
            .into_iter()
            .find(|t| t["taskArn"].as_str().is_some_and(|a| a.ends_with(id)))
            .unwrap_or_else(|| panic!("{id} is not a running {service} task"))
    }

    /// The id of the first RUNNING task of a service in the seed summary.
    fn seeded_running(&self, service: &str) -> String {
        self.bed.services("production")[service]["tasks"]
            .as_array()
            .expect("tasks")
            .iter()
            .find(|t| t["lastStatus"] == "RUNNING")
            .and_then(|t| t["id"].as_str())
            .unwrap_or_else(|| panic!("no running {service} task in the seed"))
            .to_string()
    }
}

fn runtime_id(task: &Value, container: &str) -> String {
    task["containers"]
        .as_array()
        .expect("containers")
        .iter()
        .find(|c| c["name"] == container)
        .and_then(|c| c["runtimeId"].as_str())
        .unwrap_or_else(|| panic!("no runtimeId for {container}: {task:#}"))
        .to_string()
}

fn argv(run: &Value) -> Vec<String> {
    run["argv"]
        .as_array()
        .expect("argv")
        .iter()
        .map(|a| a.as_str().expect("argv strings").to_string())
        .collect()
}

/// argv[5]'s Target split into (cluster, task id, runtime id).
fn target(argv: &[String]) -> (String, String, String) {
    let t: Value = serde_json::from_str(&argv[5]).expect("argv[5] is JSON");
    let obj = t.as_object().expect("an object");
    assert_eq!(obj.len(), 1, "only Target: {t}");
    let rest = t["Target"]
        .as_str()
        .expect("Target")
        .strip_prefix("ecs:")
        .unwrap_or_else(|| panic!("Target without ecs: {t}"));
    let (cluster, rest) = rest.split_once('_').expect("cluster_");
    let (task, runtime) = rest.split_once('_').expect("task_runtime");
    (cluster.into(), task.into(), runtime.into())
}

#[test]
fn exec_into_worker_hands_the_session_to_the_plugin_like_the_aws_cli() {
    let b = Bed::new();
    let run = b.run(
        &[
            "exec",
            "--cluster",
            "production",
            "--service",
            "worker",
            "--",
            "php",
            "artisan",
            "about",
        ],
        "ls\nexit\n",
        &[],
    );
    assert_eq!(run.code, Some(0), "{run}");
    assert!(
        run.stdout
            .contains("Starting session with SessionId: stand-in"),
        "{run}"
    );
    assert!(run.stdout.contains("ran: ls"), "{run}");
    assert!(
        run.stderr.contains("php artisan about in php of task"),
        "{run}"
    );

    let rec = b.the_plugin_run();
    let argv = argv(&rec);
    assert_eq!(argv.len(), 7, "{argv:?}");
    assert_eq!(
        PathBuf::from(&argv[0]),
        support::fixtures_bin().join("session-manager-plugin")
    );
    assert_eq!(argv[1], "AWS_SSM_START_SESSION_RESPONSE");
    assert_eq!(argv[2], "us-east-1");
    assert_eq!(argv[3], "StartSession");
    assert_eq!(argv[4], "", "no profile given");
    assert_eq!(argv[6], b.bed.endpoint, "the endpoint toadtop was given");

    // The target: this cluster, a running worker task, and its php container's runtime
    // id as DescribeTasks reports it.
    let (cluster, task_id, runtime) = target(&argv);
    assert_eq!(cluster, "production");
    let task = b.running_task("worker", &task_id);
    assert_eq!(task["group"], "service:worker");
    assert_eq!(runtime, runtime_id(&task, "php"));

    // The session, token and all, only in the environment variable argv[1] names.
    let session: Value = serde_json::from_str(rec["env_session"].as_str().expect("env_session"))
        .expect("the session is JSON");
    let session_id = session["sessionId"].as_str().expect("sessionId");
    assert!(session_id.starts_with("ecs-execute-command-"), "{session}");
    assert!(
        session["streamUrl"]
            .as_str()
            .is_some_and(|u| u.starts_with("wss://") && u.ends_with(session_id)),
        "{session}"
    );
    let token = session["tokenValue"].as_str().expect("tokenValue");
    assert!(token.len() >= 32, "{session}");
    for a in &argv {
        assert!(!a.contains(token), "token in argv: {a}");
    }
    assert!(
        !run.stdout.contains(token) && !run.stderr.contains(token),
        "{run}"
    );
    assert_eq!(rec["stdin_tty"], false, "stdin was a pipe here");

    // Audit: a start and an end line naming the command, never the token.
    let audit = b.bed.audit_log();
    let text = serde_json::to_string(&audit).unwrap();
    assert!(!text.contains(token), "token in the audit log: {text}");
    let phases: Vec<(&str, &str)> = audit
        .iter()
        .map(|l| {
            (
                l["phase"].as_str().unwrap_or_default(),
                l["result"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        phases,
        [("start", "started"), ("end", "succeeded")],
        "{text}"
    );
    for l in &audit {
        assert_eq!(l["action"], "exec", "{l}");
        assert_eq!(l["target"], "production/worker", "{l}");
        assert_eq!(l["task"], task_id.as_str(), "{l}");
        assert_eq!(l["command"], "php: php artisan about", "{l}");
        assert_eq!(l["region"], "us-east-1", "{l}");
    }
}

#[test]
fn exec_by_task_into_a_named_container_of_a_two_container_task() {
    let b = Bed::new();
    let web = b.seeded_running("web");
    let run = b.run(
        &[
            "exec",
            "--cluster",
            "production",
            "--task",
            &web[..8],
            "--container",
            "php",
        ],
        "whoami\nexit\n",
        &[],
    );
    assert_eq!(run.code, Some(0), "{run}");
    assert!(run.stdout.contains("ran: whoami"), "{run}");
    let argv = argv(&b.the_plugin_run());
    let (cluster, task_id, runtime) = target(&argv);
    assert_eq!(
        (cluster.as_str(), task_id.as_str()),
        ("production", web.as_str())
    );
    let task = b.running_task("web", &web);
    assert_eq!(runtime, runtime_id(&task, "php"));
    assert_ne!(runtime, runtime_id(&task, "nginx"));
    // No command: the configured shell (the default /bin/sh).
    let audit = b.bed.audit_log();
    assert_eq!(audit.len(), 2, "{audit:#?}");
    assert_eq!(audit[1]["command"], "php: /bin/sh");
}

#[test]
fn exec_with_a_profile_passes_it_to_the_plugin() {
    let b = Bed::new();
    let aws = b.bed.home.path().join(".aws");
    std::fs::create_dir_all(&aws).expect("mkdir ~/.aws");
    std::fs::write(
        aws.join("config"),
        "[profile someprofile]\nregion = us-east-1\n",
    )
    .expect("write ~/.aws/config");
    std::fs::write(
        aws.join("credentials"),
        "[someprofile]\naws_access_key_id = test\naws_secret_access_key = test\n",
    )
    .expect("write ~/.aws/credentials");
    let run = b.run(
        &[
            "--profile",
            "someprofile",
            "exec",
            "--cluster",
            "production",
            "--service",
            "worker",
        ],
        "exit\n",
        &[],
    );
    assert_eq!(run.code, Some(0), "{run}");
    let argv = argv(&b.the_plugin_run());
    assert_eq!(argv[4], "someprofile", "{argv:?}");
    assert_eq!(argv[2], "us-east-1");
    let audit = b.bed.audit_log();
    assert!(
        audit.iter().all(|l| l["profile"] == "someprofile"),
        "{audit:#?}"
    );
}

#[test]
fn the_plugins_exit_code_is_toadtops_and_the_audit_records_the_failure() {
    let b = Bed::new();
    let run = b.run(
        &["exec", "--cluster", "production", "--service", "worker"],
        "exit\n",
        &[("TOADTOP_PLUGIN_EXIT", "7")],
    );
    assert_eq!(run.code, Some(7), "{run}");
    assert_eq!(b.plugin_runs().map(|r| r.len()), Some(1));
    let audit = b.bed.audit_log();
    assert_eq!(audit.len(), 2, "{audit:#?}");
    assert_eq!(audit[1]["phase"], "end");
    assert_eq!(audit[1]["result"], "failed", "{audit:#?}");
    assert_eq!(audit[1]["reason"], "exit 7", "{audit:#?}");
}

#[test]
fn exec_off_exits_3_with_the_failing_check_and_its_fix_and_starts_nothing() {
    let b = Bed::new();
    let run = b.run(
        &["exec", "--cluster", "production", "--service", "scheduler"],
        "exit\n",
        &[],
    );
    assert_eq!(run.code, Some(3), "{run}");
    assert!(run.stderr.contains("exec would fail"), "{run}");
    let failed = run
        .stderr
        .lines()
        .find(|l| l.starts_with("FAIL") && l.contains("execute command enabled"))
        .unwrap_or_else(|| panic!("no failing exec check:\n{run}"));
    assert!(failed.contains("enableExecuteCommand is off"), "{run}");
    assert!(
        run.stderr.contains(
            "fix: aws ecs update-service --enable-execute-command --force-new-deployment"
        ),
        "{run}"
    );
    // What passes is shown as passing.
    assert!(
        run.stderr
            .lines()
            .any(|l| l.starts_with("pass") && l.contains("session-manager-plugin")),
        "{run}"
    );
    b.assert_plugin_not_started(&run);
    assert!(b.bed.audit_log().is_empty(), "{:#?}", b.bed.audit_log());
}

#[test]
fn a_stopped_exec_agent_fails_the_doctor_before_any_session() {
    let b = Bed::new();
    let worker = b.seeded_running("worker");
    let (code, body) = b.bed.post(
        "/_toadtop/task",
        &serde_json::json!({
            "cluster": "production",
            "task": worker,
            "containers": [{"name": "php", "lastStatus": "STOPPED"}],
        }),
    );
    assert_eq!(code, 200, "{body}");
    let run = b.run(
        &["exec", "--cluster", "production", "--task", &worker],
        "exit\n",
        &[],
    );
    assert_eq!(run.code, Some(3), "{run}");
    assert!(
        run.stderr.lines().any(|l| l.starts_with("FAIL")
            && l.contains("ExecuteCommandAgent")
            && l.contains("php: STOPPED")),
        "{run}"
    );
    b.assert_plugin_not_started(&run);
}

#[test]
fn read_only_refuses_with_5_unless_the_config_allows_it() {
    let b = Bed::new();
    let run = b.run(
        &[
            "--read-only",
            "exec",
            "--cluster",
            "production",
            "--service",
            "worker",
        ],
        "exit\n",
        &[],
    );
    assert_eq!(run.code, Some(5), "{run}");
    assert!(run.stderr.contains("allow_in_read_only"), "{run}");
    b.assert_plugin_not_started(&run);
    assert!(b.bed.audit_log().is_empty());

    let config = b.bed.home.path().join("allow.toml");
    std::fs::write(&config, "[exec]\nallow_in_read_only = true\n").expect("write config");
    let run = b.run(
        &[
            "--read-only",
            "--config",
            config.to_str().expect("utf-8"),
            "exec",
            "--cluster",
            "production",
            "--service",
            "worker",
        ],
        "echo allowed\nexit\n",
        &[],
    );
    assert_eq!(run.code, Some(0), "{run}");
    assert!(run.stdout.contains("ran: echo allowed"), "{run}");
    assert_eq!(b.plugin_runs().map(|r| r.len()), Some(1));
}

#[test]
fn disabled_in_the_config_refuses_with_5() {
    let b = Bed::new();
    let config = b.bed.home.path().join("disabled.toml");
    std::fs::write(
        &config,
        "[exec]\ndisabled = true\nallow_in_read_only = true\n",
    )
    .expect("write config");
    let run = b.run(
        &[
            "--config",
            config.to_str().expect("utf-8"),
            "exec",
            "--cluster",
            "production",
            "--service",
            "worker",
        ],
        "exit\n",
        &[],
    );
    assert_eq!(run.code, Some(5), "{run}");
    assert!(run.stderr.contains("disabled"), "{run}");
    b.assert_plugin_not_started(&run);
}

#[test]
fn bad_names_exit_2() {
    let b = Bed::new();
    let web = b.seeded_running("web");
    for (args, says) in [
        (
            vec!["exec", "--cluster", "production", "--service", "nope"],
            "no service `nope` in production; services: ",
        ),
        (
            vec!["exec", "--cluster", "nope", "--service", "worker"],
            "no cluster `nope`",
        ),
        (
            vec![
                "exec",
                "--cluster",
                "production",
                "--task",
                &web,
                "--container",
                "redis",
            ],
            "no container `redis`",
        ),
        (
            vec![
                "doctor",
                "--cluster",
                "production",
                "--task",
                "ffffffff-nope",
            ],
            "no task `ffffffff-nope` in production",
        ),
    ] {
        let run = b.run(&args, "exit\n", &[]);
        assert_eq!(run.code, Some(2), "{args:?}: {run}");
        assert!(run.stderr.contains(says), "{args:?}: {run}");
    }
    assert!(b.plugin_runs().is_none());
}

fn doctor_json(run: &Run) -> (Value, Vec<(String, String, String)>) {
    let v = run.json();
    let checks = v["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_string(),
                c["status"].as_str().unwrap().to_string(),
                c["detail"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (v, checks)
}

#[test]
fn doctor_passes_nginx_on_its_running_agent_and_php_on_its_volumes() {
    let b = Bed::new();
    let web = b.seeded_running("web");
    // nginx has a read-only root and no volume at the agent's paths, but its agent is
    // RUNNING: the strongest evidence that it could write them (failing agents are
    // tested in exec_volumes.rs).
    let run = b.run(
        &[
            "doctor",
            "--cluster",
            "production",
            "--task",
            &web,
            "--container",
            "nginx",
            "--output",
            "json",
        ],
        "",
        &[],
    );
    assert_eq!(run.code, Some(0), "{run}");
    let (v, checks) = doctor_json(&run);
    assert_eq!(v["passed"], true, "{v:#}");
    assert_eq!(v["container"], "nginx");
    assert_eq!(v["service"], "web");
    assert_eq!(v["task"], web.as_str());
    let (_, status, detail) = checks
        .iter()
        .find(|(n, _, _)| n == "read-only root: agent paths writable")
        .unwrap();
    assert_eq!(
        (status.as_str(), detail.as_str()),
        ("pass", "agent running")
    );
    b.assert_plugin_not_started(&run);

    let run = b.run(
        &[
            "doctor",
            "--cluster",
            "production",
            "--task",
            &web,
            "--output",
            "json",
        ],
        "",
        &[],
    );
    assert_eq!(run.code, Some(0), "{run}");
    let (v, checks) = doctor_json(&run);
    assert_eq!(v["passed"], true, "{v:#}");
    assert_eq!(v["container"], "php", "the default container");
    assert!(checks.iter().all(|(_, s, _)| s != "fail"), "{checks:#?}");
    assert!(
        checks
            .iter()
            .any(|(n, s, _)| n == "read-only root: agent paths writable" && s == "pass"),
        "{checks:#?}"
    );
    assert!(
        checks
            .iter()
            .any(|(n, s, _)| n == "ExecuteCommandAgent" && s == "pass"),
        "{checks:#?}"
    );

    // Text output of the same.
    let run = b.run(
        &["doctor", "--cluster", "production", "--task", &web[..8]],
        "",
        &[],
    );
    assert_eq!(run.code, Some(0), "{run}");
    assert!(
        run.stdout.starts_with(&format!(
            "exec doctor: php in task {} (production/web)",
            &web[..8]
        )),
        "{run}"
    );
    assert!(
        run.stdout
            .lines()
            .any(|l| l.starts_with("pass") && l.contains("read-only root: agent paths writable")),
        "{run}"
    );
    assert!(
        b.plugin_runs().is_none(),
        "the doctor never starts the plugin"
    );
}

#[test]
fn doctor_without_the_plugin_names_it_and_where_to_get_it() {
    let b = Bed::new();
    let web = b.seeded_running("web");
    let run = b.run_without_plugin(&["doctor", "--cluster", "production", "--task", &web]);
    assert_eq!(run.code, Some(3), "{run}");
    let line = run
        .stdout
        .lines()
        .find(|l| l.starts_with("FAIL") && l.contains("session-manager-plugin"))
        .unwrap_or_else(|| panic!("no failing plugin check:\n{run}"));
    assert!(line.contains("not on PATH"), "{run}");
    assert!(
        run.stdout.contains(
            "https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html"
        ),
        "{run}"
    );
    // Only that fails.
    assert_eq!(
        run.stdout.lines().filter(|l| l.starts_with("FAIL")).count(),
        1,
        "{run}"
    );

    // exec refuses the same way, before any session.
    let run = b.run_without_plugin(&["exec", "--cluster", "production", "--service", "worker"]);
    assert_eq!(run.code, Some(3), "{run}");
    assert!(
        run.stderr.contains("session-manager-plugin is not on PATH"),
        "{run}"
    );
    assert!(b.bed.audit_log().is_empty());
}
