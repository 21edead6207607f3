//! `toadtop forward` end to end against the seeded test bed: SSM StartSession and
//! TerminateSession as the test server's extension records them (ext_ssm_session.py),
//! and the stand-in session-manager-plugin (tests/fixtures/bin) recording how it was
//! started and listening on the local port as the real one does.
//!
//! Seed: production web (exec on; php and nginx), worker (exec on), scheduler (exec off).

mod support;

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;
use support::{Run, TestBed};

/// A hang guard, not a timing assertion.
const LIMIT: Duration = Duration::from_secs(60);

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

    fn env(&self) -> Vec<(&'static str, OsString)> {
        vec![
            ("PATH", support::path_with_fixtures_bin()),
            ("TOADTOP_PLUGIN_LOG", self.log.clone().into_os_string()),
        ]
    }

    /// toadtop to its end (for the runs that never open a forward).
    fn run(&self, args: &[&str]) -> Run {
        self.bed.run_with_input(args, &self.env(), "", LIMIT)
    }

    /// toadtop in the background; its stdout lines come through the receiver.
    fn start(&self, args: &[&str], extra: &[(&str, &str)]) -> Forwarding {
        let mut cmd = self.bed.toadtop();
        cmd.envs(self.env());
        cmd.envs(extra.iter().copied());
        let mut child = cmd
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start toadtop");
        let (tx, lines) = mpsc::channel();
        let out = child.stdout.take().expect("stdout");
        std::thread::spawn(move || {
            for l in BufReader::new(out).lines().map_while(Result::ok) {
                let _ = tx.send(l);
            }
        });
        let mut err = child.stderr.take().expect("stderr");
        let stderr = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = err.read_to_string(&mut s);
            s
        });
        Forwarding {
            child,
            lines,
            stderr: Some(stderr),
        }
    }

    /// The StartSession / TerminateSession requests the server saw, in order.
    fn ssm_requests(&self) -> Vec<Value> {
        let (code, body) = self
            .bed
            .post("/_toadtop/ssm-sessions", &serde_json::json!({}));
        assert_eq!(code, 200, "{body}");
        let v: Value = serde_json::from_str(&body).expect("JSON");
        v["requests"].as_array().expect("requests").clone()
    }

    fn plugin_log(&self) -> Vec<Value> {
        self.bed.plugin_log(&self.log).unwrap_or_default()
    }

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

    /// The full id of the running task of `service` that `line` names (`via task XXXXXXXX`).
    fn running_task_with_prefix(&self, service: &str, line: &str) -> String {
        let prefix = line
            .split("via task ")
            .nth(1)
            .and_then(|r| r.split(' ').next())
            .unwrap_or_else(|| panic!("no task in {line}"));
        self.bed
            .tasks("production", Some(service), "RUNNING")
            .iter()
            .filter_map(|t| t["taskArn"].as_str())
            .filter_map(|a| a.rsplit('/').next())
            .find(|id| id.starts_with(prefix))
            .unwrap_or_else(|| panic!("{prefix} is no running {service} task"))
            .to_string()
    }

    fn runtime_id(&self, service: &str, task_id: &str, container: &str) -> String {
        let task = self
            .bed
            .tasks("production", Some(service), "RUNNING")
            .into_iter()
            .find(|t| t["taskArn"].as_str().is_some_and(|a| a.ends_with(task_id)))
            .unwrap_or_else(|| panic!("{task_id} is not running"));
        task["containers"]
            .as_array()
            .expect("containers")
            .iter()
            .find(|c| c["name"] == container)
            .and_then(|c| c["runtimeId"].as_str())
            .expect("runtimeId")
            .to_string()
    }
}

struct Forwarding {
    child: Child,
    lines: mpsc::Receiver<String>,
    stderr: Option<std::thread::JoinHandle<String>>,
}

impl Forwarding {
    /// The first stdout line (the forward is open once it is printed).
    fn first_line(&mut self) -> String {
        match self.lines.recv_timeout(LIMIT) {
            Ok(l) => l,
            Err(e) => {
                let _ = self.child.kill();
                let _ = self.child.wait();
                let err = self.stderr.take().map(|h| h.join().unwrap_or_default());
                panic!("no line from toadtop forward ({e}); stderr:\n{err:?}");
            }
        }
    }

    fn signal(&self, sig: libc::c_int) {
        // SAFETY: kill(2) on the child this test started.
        let rc = unsafe { libc::kill(self.child.id() as libc::pid_t, sig) };
        assert_eq!(rc, 0, "kill");
    }

    /// Waits for the exit: (code, the rest of stdout, stderr).
    fn finish(mut self) -> (Option<i32>, String, String) {
        let deadline = std::time::Instant::now() + LIMIT;
        let status = loop {
            if let Some(s) = self.child.try_wait().expect("wait") {
                break Some(s);
            }
            if std::time::Instant::now() > deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let rest: Vec<String> = self.lines.try_iter().collect();
        let err = self
            .stderr
            .take()
            .map(|h| h.join().unwrap_or_default())
            .unwrap_or_default();
        (status.and_then(|s| s.code()), rest.join("\n"), err)
    }
}

impl Drop for Forwarding {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// What the stand-in answers on the local port.
fn through(port: u16) -> String {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect local port");
    s.set_read_timeout(Some(LIMIT)).expect("timeout");
    let mut text = String::new();
    let _ = s.read_to_string(&mut text);
    text
}

fn argv(rec: &Value) -> Vec<String> {
    rec["argv"]
        .as_array()
        .expect("argv")
        .iter()
        .map(|a| a.as_str().expect("string").to_string())
        .collect()
}

#[test]
fn a_forward_to_a_remote_host_starts_the_session_and_plugin_like_the_aws_cli_and_terminates_it() {
    let b = Bed::new();
    let port = free_port();
    let port_text = port.to_string();
    let mut f = b.start(
        &[
            "forward",
            "--cluster",
            "production",
            "--service",
            "web",
            "--remote-host",
            "db.example.internal",
            "--remote-port",
            "3306",
            "--local-port",
            &port_text,
        ],
        &[],
    );
    let line = f.first_line();
    // The service's newest running task: one of web's.
    let web = b.running_task_with_prefix("web", &line);
    assert_eq!(
        line,
        format!(
            "forwarding 127.0.0.1:{port} → db.example.internal:3306 via task {} (php)",
            &web[..8]
        )
    );
    // The stand-in listens where the real plugin would, and says where it forwards.
    assert_eq!(
        through(port),
        "stand-in forward to db.example.internal:3306\n"
    );

    // StartSession: the target, the document and its parameters.
    let reqs = b.ssm_requests();
    assert_eq!(reqs.len(), 1, "{reqs:#?}");
    assert_eq!(reqs[0]["operation"], "StartSession");
    let runtime = b.runtime_id("web", &web, "php");
    let want_target = format!("ecs:production_{web}_{runtime}");
    assert_eq!(
        reqs[0]["body"],
        serde_json::json!({
            "Target": want_target,
            "DocumentName": "AWS-StartPortForwardingSessionToRemoteHost",
            "Parameters": {
                "host": ["db.example.internal"],
                "portNumber": ["3306"],
                "localPortNumber": [port_text],
            }
        })
    );

    // The plugin: argv as the AWS CLI builds it, the response only in the environment.
    let runs = b.plugin_log();
    assert_eq!(runs.len(), 1, "{runs:#?}");
    let argv = argv(&runs[0]);
    assert_eq!(argv.len(), 7, "{argv:?}");
    assert_eq!(
        PathBuf::from(&argv[0]),
        support::fixtures_bin().join("session-manager-plugin")
    );
    assert_eq!(argv[1], "AWS_SSM_START_SESSION_RESPONSE");
    assert_eq!(argv[2], "us-east-1");
    assert_eq!(argv[3], "StartSession");
    assert_eq!(argv[4], "", "no profile given");
    let request: Value = serde_json::from_str(&argv[5]).expect("argv[5] is JSON");
    assert_eq!(request, reqs[0]["body"], "the request as sent");
    assert_eq!(
        argv[6], b.bed.endpoint,
        "the SSM endpoint toadtop was given"
    );
    let session: Value =
        serde_json::from_str(runs[0]["env_session"].as_str().expect("env_session")).expect("JSON");
    let session_id = session["SessionId"]
        .as_str()
        .expect("SessionId")
        .to_string();
    let token = session["TokenValue"]
        .as_str()
        .expect("TokenValue")
        .to_string();
    assert!(token.len() >= 32, "{session}");
    assert!(session["StreamUrl"]
        .as_str()
        .is_some_and(|u| u.ends_with(&session_id)));
    assert!(argv.iter().all(|a| !a.contains(&token)), "token on argv");
    // Only the allow-listed environment: no AWS secret key reaches the plugin.
    let names: Vec<&str> = runs[0]["env_names"]
        .as_array()
        .expect("env_names")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        names.contains(&"AWS_SSM_START_SESSION_RESPONSE"),
        "{names:?}"
    );
    assert!(names.contains(&"PATH"), "{names:?}");
    assert!(!names.contains(&"AWS_SECRET_ACCESS_KEY"), "{names:?}");
    assert!(!names.contains(&"AWS_ACCESS_KEY_ID"), "{names:?}");

    // SIGTERM: the plugin is ended, the session terminated, exit 0.
    f.signal(libc::SIGTERM);
    let (code, rest, stderr) = f.finish();
    assert_eq!(
        code,
        Some(0),
        "stdout after the line: {rest}\nstderr: {stderr}"
    );
    assert!(rest.is_empty(), "one line only: {rest}");
    assert!(!stderr.contains(&token), "{stderr}");
    let reqs = b.ssm_requests();
    assert_eq!(reqs.len(), 2, "{reqs:#?}");
    assert_eq!(reqs[1]["operation"], "TerminateSession");
    assert_eq!(reqs[1]["body"]["SessionId"], session_id.as_str());
    assert!(
        b.plugin_log().iter().any(|r| r["signal"] == "SIGTERM"),
        "the plugin was not sent SIGTERM: {:#?}",
        b.plugin_log()
    );

    // Audit: start and end, naming target, container, remote and ports; never the token.
    let audit = b.bed.audit_log();
    let text = serde_json::to_string(&audit).unwrap();
    assert!(!text.contains(&token), "token in the audit log");
    assert_eq!(audit.len(), 2, "{audit:#?}");
    assert_eq!(
        (audit[0]["phase"].as_str(), audit[1]["phase"].as_str()),
        (Some("start"), Some("end"))
    );
    for l in &audit {
        assert_eq!(l["action"], "forward", "{l}");
        assert_eq!(l["target"], "production/web", "{l}");
        assert_eq!(l["task"], web.as_str(), "{l}");
        assert_eq!(
            l["command"],
            format!("php: 127.0.0.1:{port} → db.example.internal:3306").as_str(),
            "{l}"
        );
    }
    assert_eq!(audit[1]["result"], "succeeded", "{:#}", audit[1]);
    assert_eq!(audit[1]["reason"], "ended by SIGTERM", "{:#}", audit[1]);
    assert!(
        audit[1]["state"]
            .as_str()
            .is_some_and(|s| s.starts_with("forwarded for ") && s.ends_with("session terminated")),
        "{:#}",
        audit[1]
    );
}

#[test]
fn a_container_port_without_a_local_port_uses_the_other_document_and_a_free_port() {
    let b = Bed::new();
    let web = b.seeded_running("web");
    let mut f = b.start(
        &[
            "forward",
            "--cluster",
            "production",
            "--task",
            &web[..8],
            "--container",
            "nginx",
            "--remote-port",
            "443",
        ],
        &[],
    );
    let line = f.first_line();
    let rest = line
        .strip_prefix("forwarding 127.0.0.1:")
        .unwrap_or_else(|| panic!("{line}"));
    let (port, tail) = rest.split_once(' ').expect("port then the rest");
    let port: u16 = port.parse().expect("a port number");
    assert_eq!(
        tail,
        format!("→ nginx port 443 via task {} (nginx)", &web[..8])
    );
    assert_eq!(through(port), "stand-in forward to localhost:443\n");
    let reqs = b.ssm_requests();
    let runtime = b.runtime_id("web", &web, "nginx");
    assert_eq!(
        reqs[0]["body"],
        serde_json::json!({
            "Target": format!("ecs:production_{web}_{runtime}"),
            "DocumentName": "AWS-StartPortForwardingSession",
            "Parameters": {"portNumber": ["443"], "localPortNumber": [port.to_string()]},
        })
    );
    f.signal(libc::SIGINT);
    let (code, _, stderr) = f.finish();
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(b.ssm_requests()[1]["operation"], "TerminateSession");
}

#[test]
fn a_plugin_that_dies_ends_the_forward_with_why_and_terminates_the_session() {
    let b = Bed::new();
    let mut f = b.start(
        &[
            "forward",
            "--cluster",
            "production",
            "--service",
            "worker",
            "--remote-host",
            "redis.internal",
            "--remote-port",
            "6379",
        ],
        &[("TOADTOP_PLUGIN_DIE_AFTER", "1")],
    );
    assert!(f.first_line().starts_with("forwarding 127.0.0.1:"));
    let (code, _, stderr) = f.finish();
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "session-manager-plugin ended (exit 1): stand-in: the connection to the agent was lost"
        ),
        "{stderr}"
    );
    let reqs = b.ssm_requests();
    assert_eq!(
        reqs.last().map(|r| &r["operation"]),
        Some(&Value::from("TerminateSession"))
    );
    let audit = b.bed.audit_log();
    assert_eq!(audit[1]["result"], "failed", "{audit:#?}");
    assert_eq!(audit[1]["failed_step"], "forward", "{audit:#?}");
}

#[test]
fn read_only_refuses_before_any_aws_call_and_disabled_forbids_it() {
    let b = Bed::new();
    let args = [
        "forward",
        "--cluster",
        "production",
        "--service",
        "worker",
        "--remote-port",
        "80",
    ];
    // Counted from here: the seed's own calls are not toadtop's.
    b.bed.post("/_toadtop/requests", &serde_json::json!({}));
    let mut ro = vec!["--read-only"];
    ro.extend(args);
    let run = b.run(&ro);
    assert_eq!(run.code, Some(5), "{run}");
    assert!(
        run.stderr
            .contains("forward refused: toadtop runs read-only"),
        "{run}"
    );
    assert!(
        b.bed.requests().is_empty(),
        "AWS calls made: {:?}",
        b.bed.requests()
    );
    assert!(b.ssm_requests().is_empty());
    assert!(b.plugin_log().is_empty());

    let config = b.bed.home.path().join("forward.toml");
    std::fs::write(&config, "[exec]\ndisabled = true\n").expect("write config");
    let config = config.to_string_lossy().into_owned();
    let mut disabled = vec!["--config", config.as_str()];
    disabled.extend(args);
    let run = b.run(&disabled);
    assert_eq!(run.code, Some(5), "{run}");
    assert!(
        run.stderr
            .contains("port forwarding is disabled in the config"),
        "{run}"
    );
    assert!(
        b.bed.requests().is_empty(),
        "AWS calls made: {:?}",
        b.bed.requests()
    );
    assert!(b.bed.audit_log().is_empty());
}

#[test]
fn a_busy_local_port_is_a_clear_error_before_start_session() {
    let b = Bed::new();
    let held = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("bind");
    let port = held.local_addr().expect("addr").port().to_string();
    let run = b.run(&[
        "forward",
        "--cluster",
        "production",
        "--service",
        "worker",
        "--remote-port",
        "80",
        "--local-port",
        &port,
    ]);
    assert_eq!(run.code, Some(2), "{run}");
    assert!(
        run.stderr
            .contains(&format!("local port {port} is already in use on 127.0.0.1")),
        "{run}"
    );
    assert!(b.ssm_requests().is_empty(), "{:#?}", b.ssm_requests());
    assert!(b.plugin_log().is_empty());
    assert!(b.bed.audit_log().is_empty());
}

#[test]
fn exec_off_fails_the_doctor_with_3_and_opens_no_session() {
    let b = Bed::new();
    let run = b.run(&[
        "forward",
        "--cluster",
        "production",
        "--service",
        "scheduler",
        "--remote-port",
        "80",
    ]);
    assert_eq!(run.code, Some(3), "{run}");
    assert!(run.stderr.contains("forward would fail"), "{run}");
    assert!(
        run.stderr
            .lines()
            .any(|l| l.starts_with("FAIL") && l.contains("execute command enabled")),
        "{run}"
    );
    // The shell-only check is left out.
    assert!(!run.stderr.contains("initProcessEnabled"), "{run}");
    assert!(b.ssm_requests().is_empty());
}
