//! The local AWS for tests: `scripts/testbed/server.py` (moto plus the few ECS behaviours
//! toadtop needs) on a free loopback port, seeded by `scripts/testbed/seed.py`.
//! Needs the virtualenv from `scripts/venv.sh` (or TOADTOP_PYTHON pointing at a python
//! that has moto[server] and boto3).
#![allow(dead_code)]

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

mod outage;

/// A developer's AWS settings (and log level) that would otherwise leak into the binary
/// under test.
pub const UNSET_ENV: [&str; 5] = [
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ENDPOINT_URL",
    "AWS_DEFAULT_REGION",
    "TOADTOP_LOG",
];

pub struct TestBed {
    child: Child,
    pub endpoint: String,
    /// What seed.py says it created.
    pub summary: serde_json::Value,
    /// An empty config/home dir so a developer's own config cannot leak into tests.
    pub home: tempdir::TempDir,
}

pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("TOADTOP_PYTHON") {
        return PathBuf::from(p);
    }
    let p = repo().join(".venv/bin/python");
    assert!(
        p.exists(),
        "no test virtualenv at {}: run scripts/venv.sh first",
        p.display()
    );
    p
}

/// Variables of the server process that change its behaviour (see the top of server.py):
/// removed from what the server inherits, so only `*_with` sets them.
pub const SERVER_ENV_PREFIXES: [&str; 2] = ["TOADTOP_", "MOTO_ECS_"];

/// How a toadtop run ended (`TestBed::run`).
#[derive(Debug)]
pub struct Run {
    /// The exit code (None: killed by a signal or by the hang guard).
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// stdout as one JSON object (`--output json`); panics with both streams if it is not.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(self.stdout.trim())
            .unwrap_or_else(|e| panic!("stdout is not one JSON object ({e}):\n{self}"))
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// A toadtop started in the background (`TestBed::spawn`); killed on drop if still running.
pub struct Running {
    child: Child,
    out: Option<std::thread::JoinHandle<String>>,
    err: Option<std::thread::JoinHandle<String>>,
}

impl Running {
    /// The process id, for sending it a signal.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits for the exit, killing the process after `limit` (a hang guard, not a timing
    /// assertion: a killed run has `code` None).
    pub fn wait(mut self, limit: std::time::Duration) -> Run {
        let deadline = std::time::Instant::now() + limit;
        let status = loop {
            if let Some(s) = self.child.try_wait().expect("wait for toadtop") {
                break Some(s);
            }
            if std::time::Instant::now() > deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                break None;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        };
        Run {
            code: status.and_then(|s| s.code()),
            stdout: self
                .out
                .take()
                .map(|h| h.join().unwrap_or_default())
                .unwrap_or_default(),
            stderr: self
                .err
                .take()
                .map(|h| h.join().unwrap_or_default())
                .unwrap_or_default(),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

impl TestBed {
    /// A server with nothing in it.
    pub fn empty() -> TestBed {
        TestBed::empty_with(&[])
    }

    /// A server with nothing in it, started with these extra environment variables (e.g.
    /// `("TOADTOP_ROLLOUT_STEPS", "0")`; see the top of server.py). Variables of that kind
    /// in the test's own environment are not passed on.
    pub fn empty_with(server_env: &[(&str, &str)]) -> TestBed {
        let mut cmd = Command::new(python());
        for (var, _) in std::env::vars_os() {
            let name = var.to_string_lossy();
            if SERVER_ENV_PREFIXES.iter().any(|p| name.starts_with(p)) {
                cmd.env_remove(&var);
            }
        }
        let mut child = cmd
            .envs(server_env.iter().copied())
            .arg(repo().join("scripts/testbed/server.py"))
            .args(["--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start testbed server");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read listening line");
        let endpoint = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("testbed did not report its address: {line:?}"))
            .to_string();
        TestBed {
            child,
            endpoint,
            summary: serde_json::Value::Null,
            home: tempdir::TempDir::new(),
        }
    }

    /// A server seeded with the Laravel fleet.
    pub fn seeded() -> TestBed {
        TestBed::seeded_with(&[])
    }

    /// A seeded server started with extra environment variables (see `empty_with`).
    pub fn seeded_with(server_env: &[(&str, &str)]) -> TestBed {
        let mut bed = TestBed::empty_with(server_env);
        let out = Command::new(python())
            .arg(repo().join("scripts/testbed/seed.py"))
            .args(["--endpoint", &bed.endpoint, "--quiet"])
            .output()
            .expect("run seed.py");
        assert!(
            out.status.success(),
            "seed failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        bed.summary = serde_json::from_slice(&out.stdout).expect("seed summary is JSON");
        bed
    }

    /// The toadtop binary with dummy credentials, this server as the endpoint, and no
    /// user config.
    pub fn toadtop(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_toadtop"));
        self.env(&mut cmd);
        cmd.args(["--endpoint-url", &self.endpoint]);
        cmd
    }

    pub fn env(&self, cmd: &mut Command) {
        for var in UNSET_ENV {
            cmd.env_remove(var);
        }
        cmd.envs(self.env_pairs());
    }

    /// The variables `env` sets (after removing `UNSET_ENV`), for launchers other than
    /// `std::process::Command` (e.g. a pseudo-terminal's command builder).
    pub fn env_pairs(&self) -> Vec<(&'static str, OsString)> {
        let home = self.home.path();
        vec![
            ("AWS_ACCESS_KEY_ID", "test".into()),
            ("AWS_SECRET_ACCESS_KEY", "test".into()),
            ("AWS_REGION", "us-east-1".into()),
            ("AWS_EC2_METADATA_DISABLED", "true".into()),
            ("HOME", home.into()),
            ("XDG_CONFIG_HOME", home.join("config").into()),
            ("XDG_DATA_HOME", home.join("data").into()),
            // The disk caches (revisions, findings): one per bed, never the developer's.
            ("TOADTOP_CACHE_DIR", home.join("cache").into()),
        ]
    }

    /// Starts toadtop with these arguments in the background (stdin closed, stdout and
    /// stderr collected).
    pub fn spawn<I, S>(&self, args: I) -> Running
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let mut child = self
            .toadtop()
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start toadtop");
        let collect = |mut r: Box<dyn Read + Send>| {
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                let _ = r.read_to_end(&mut buf);
                String::from_utf8_lossy(&buf).into_owned()
            })
        };
        let out = collect(Box::new(child.stdout.take().expect("piped stdout")));
        let err = collect(Box::new(child.stderr.take().expect("piped stderr")));
        Running {
            child,
            out: Some(out),
            err: Some(err),
        }
    }

    /// Runs toadtop with these arguments to the end; `limit` is a hang guard only.
    pub fn run<I, S>(&self, args: I, limit: std::time::Duration) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        self.spawn(args).wait(limit)
    }

    /// The audit log toadtop wrote under this bed's XDG_DATA_HOME, one JSON value a line
    /// (empty when there is none).
    pub fn audit_log(&self) -> Vec<serde_json::Value> {
        let path = self.home.path().join("data/toadtop/audit.log");
        match std::fs::read_to_string(&path) {
            Ok(text) => text
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| {
                    serde_json::from_str(l)
                        .unwrap_or_else(|e| panic!("audit line is not JSON ({e}): {l}"))
                })
                .collect(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => panic!("read {}: {e}", path.display()),
        }
    }

    /// One ECS call through boto3: `ecs.<op>(**params)`, the answer as JSON (datetimes as
    /// strings, ResponseMetadata removed).
    pub fn ecs(&self, op: &str, params: serde_json::Value) -> serde_json::Value {
        let out = self.boto(
            r#"
r = getattr(ecs, args['op'])(**args['params'])
r.pop('ResponseMetadata', None)
print(json.dumps(r, default=str))
"#,
            &serde_json::json!({"op": op, "params": params}),
        );
        serde_json::from_str(&out)
            .unwrap_or_else(|e| panic!("{op} answer is not JSON ({e}): {out}"))
    }

    /// DescribeServices for one service.
    pub fn describe_service(&self, cluster: &str, service: &str) -> serde_json::Value {
        let mut r = self.ecs(
            "describe_services",
            serde_json::json!({"cluster": cluster, "services": [service]}),
        );
        r["services"][0].take()
    }

    /// The tasks of a cluster with this desired status, described (optionally only those
    /// of `service`).
    pub fn tasks(
        &self,
        cluster: &str,
        service: Option<&str>,
        desired_status: &str,
    ) -> Vec<serde_json::Value> {
        let out = self.boto(
            r#"
kw = {'cluster': args['cluster'], 'desiredStatus': args['status']}
if args['service']:
    kw['serviceName'] = args['service']
arns = ecs.list_tasks(**kw)['taskArns']
tasks = ecs.describe_tasks(cluster=args['cluster'], tasks=arns)['tasks'] if arns else []
print(json.dumps(tasks, default=str))
"#,
            &serde_json::json!({"cluster": cluster, "service": service, "status": desired_status}),
        );
        serde_json::from_str(&out).expect("tasks are JSON")
    }

    /// ARNs of the ACTIVE revisions of a family (exactly that family, not the prefix).
    pub fn revisions(&self, family: &str) -> Vec<String> {
        let out = self.boto(
            r#"
arns = []
for page in ecs.get_paginator('list_task_definitions').paginate(familyPrefix=args['family']):
    arns += [a for a in page['taskDefinitionArns']
             if a.split('/')[-1].rsplit(':', 1)[0] == args['family']]
print(json.dumps(arns))
"#,
            &serde_json::json!({"family": family}),
        );
        serde_json::from_str(&out).expect("ARNs are JSON")
    }

    /// POST JSON to the server (test-only endpoints), returning status and body.
    pub fn post(&self, path: &str, body: &serde_json::Value) -> (u16, String) {
        let addr = self.endpoint.trim_start_matches("http://");
        let body = body.to_string();
        let resp = exchange(
            addr,
            &format!(
                "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            ),
        );
        let status = resp
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        let body = resp
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default();
        (status, body)
    }

    /// Runs a python snippet against this server with boto3 clients already made:
    /// `ecs`, `logs` (dummy credentials, us-east-1), `now_ms` (the wall clock in ms) and
    /// `args` (the JSON `args` given here). Returns the snippet's stdout; panics with its
    /// stderr if it fails.
    pub fn boto(&self, code: &str, args: &serde_json::Value) -> String {
        const PRELUDE: &str = "\
import json, os, sys, time
import boto3
from botocore.config import Config
_s = boto3.session.Session(aws_access_key_id='test', aws_secret_access_key='test', region_name='us-east-1')
_cfg = Config(retries={'max_attempts': 1, 'mode': 'standard'})
ecs = _s.client('ecs', endpoint_url=os.environ['TOADTOP_TEST_ENDPOINT'], config=_cfg)
logs = _s.client('logs', endpoint_url=os.environ['TOADTOP_TEST_ENDPOINT'], config=_cfg)
now_ms = int(time.time() * 1000)
args = json.loads(sys.argv[1])
";
        let mut cmd = Command::new(python());
        for var in UNSET_ENV {
            cmd.env_remove(var);
        }
        let out = cmd
            .env("TOADTOP_TEST_ENDPOINT", &self.endpoint)
            .arg("-c")
            .arg(format!("{PRELUDE}{code}"))
            .arg(args.to_string())
            .output()
            .expect("run python");
        assert!(
            out.status.success(),
            "python snippet failed: {}\n{code}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 from python")
    }

    /// Puts one event stamped with the current time into an existing log stream.
    pub fn put_log_event(&self, group: &str, stream: &str, message: &str) {
        self.boto(
            r#"
logs.put_log_events(logGroupName=args['group'], logStreamName=args['stream'],
                    logEvents=[{'timestamp': now_ms, 'message': args['message']}])
"#,
            &serde_json::json!({"group": group, "stream": stream, "message": message}),
        );
    }

    /// Creates a log stream.
    pub fn create_log_stream(&self, group: &str, stream: &str) {
        self.boto(
            "logs.create_log_stream(logGroupName=args['group'], logStreamName=args['stream'])\n",
            &serde_json::json!({"group": group, "stream": stream}),
        );
    }

    /// Starts one more task of a seeded service, the way the service scheduler would
    /// (`group` = `service:NAME`, Fargate, the seed's network, exec enabled), and
    /// returns its id.
    pub fn run_service_task(&self, cluster: &str, service: &str) -> String {
        let svc = &self.services(cluster)[service];
        let net = &self.summary["network"];
        let out = self.boto(
            r#"
net = {'awsvpcConfiguration': {'subnets': args['subnets'], 'securityGroups': [args['sg']],
                               'assignPublicIp': 'DISABLED'}}
t = ecs.run_task(cluster=args['cluster'], taskDefinition=args['td'], count=1,
                 launchType='FARGATE', networkConfiguration=net,
                 group='service:' + args['service'], startedBy='toadtop-test',
                 enableExecuteCommand=True)['tasks'][0]
print(t['taskArn'].split('/')[-1])
"#,
            &serde_json::json!({
                "cluster": cluster,
                "service": service,
                "td": svc["taskDefinition"],
                "subnets": net["subnets"],
                "sg": net["securityGroup"],
            }),
        );
        let id = out.trim().to_string();
        assert!(!id.is_empty(), "run_task printed no task id");
        id
    }

    /// The seeded services of a cluster, from the summary.
    pub fn services(&self, cluster: &str) -> &serde_json::Map<String, serde_json::Value> {
        self.summary["clusters"][cluster]["services"]
            .as_object()
            .unwrap_or_else(|| panic!("no cluster {cluster} in summary"))
    }
}

impl Drop for TestBed {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A minimal temp dir (no extra crate): removed on drop.
pub mod tempdir {
    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicU32, Ordering};

    pub struct TempDir(PathBuf);

    impl TempDir {
        pub fn new() -> TempDir {
            static N: AtomicU32 = AtomicU32::new(0);
            let p = std::env::temp_dir().join(format!(
                "toadtop-test-{}-{}",
                std::process::id(),
                N.fetch_add(1, Ordering::SeqCst)
            ));
            std::fs::create_dir_all(&p).expect("create temp dir");
            TempDir(p)
        }
        pub fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// tests/fixtures/bin: the stand-in session-manager-plugin (python; see its header).
pub fn fixtures_bin() -> PathBuf {
    repo().join("tests/fixtures/bin")
}

/// PATH with tests/fixtures/bin first, so the stand-in plugin is found.
pub fn path_with_fixtures_bin() -> OsString {
    let mut dirs = vec![fixtures_bin()];
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(dirs).expect("PATH joins")
}

impl TestBed {
    /// Like `run`, with extra environment variables and `stdin` written to toadtop's
    /// standard input (then closed); `limit` is a hang guard only.
    pub fn run_with_input<I, S>(
        &self,
        args: I,
        env: &[(&str, OsString)],
        stdin: &str,
        limit: std::time::Duration,
    ) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let mut cmd = self.toadtop();
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start toadtop");
        let mut input = child.stdin.take().expect("piped stdin");
        let text = stdin.to_string();
        // A writer thread: the child may exit before reading it all (a broken pipe is fine).
        std::thread::spawn(move || {
            let _ = input.write_all(text.as_bytes());
        });
        let collect = |mut r: Box<dyn Read + Send>| {
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                let _ = r.read_to_end(&mut buf);
                String::from_utf8_lossy(&buf).into_owned()
            })
        };
        let out = collect(Box::new(child.stdout.take().expect("piped stdout")));
        let err = collect(Box::new(child.stderr.take().expect("piped stderr")));
        Running {
            child,
            out: Some(out),
            err: Some(err),
        }
        .wait(limit)
    }

    /// The JSON lines the stand-in plugin appended to `log` (None: it never ran).
    pub fn plugin_log(&self, log: &Path) -> Option<Vec<serde_json::Value>> {
        match std::fs::read_to_string(log) {
            Ok(text) => Some(
                text.lines()
                    .filter(|l| !l.trim().is_empty())
                    .map(|l| {
                        serde_json::from_str(l)
                            .unwrap_or_else(|e| panic!("plugin log line is not JSON ({e}): {l}"))
                    })
                    .collect(),
            ),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => panic!("read {}: {e}", log.display()),
        }
    }
}

impl TestBed {
    /// AWS config and credentials files in the bed's home, named by AWS_CONFIG_FILE and
    /// AWS_SHARED_CREDENTIALS_FILE: `default`; `other` (eu-west-1, keys in the credentials
    /// file); `expired`, an SSO profile whose cached token ran out in 2020 (in
    /// `$HOME/.aws/sso/cache`, where aws-config looks for it).
    pub fn aws_profiles(&self) -> Vec<(&'static str, OsString)> {
        let dir = self.home.path().join("aws-files");
        std::fs::create_dir_all(&dir).expect("mkdir aws-files");
        let config = dir.join("config");
        let credentials = dir.join("credentials");
        std::fs::write(
            &config,
            "\
[default]
region = us-east-1

# the one the test switches to
[profile other]
region = eu-west-1

[profile expired]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = ReadOnly
region = us-east-1

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1
",
        )
        .expect("write config");
        std::fs::write(
            &credentials,
            "[other]\naws_access_key_id = other\naws_secret_access_key = other\n",
        )
        .expect("write credentials");
        // aws-config names the cached token after the SHA-1 of the session name.
        let hash = self.boto(
            "import hashlib\nprint(hashlib.sha1(args['s'].encode()).hexdigest())\n",
            &serde_json::json!({"s": "corp"}),
        );
        let cache = self.home.path().join(".aws/sso/cache");
        std::fs::create_dir_all(&cache).expect("mkdir sso cache");
        std::fs::write(
            cache.join(format!("{}.json", hash.trim())),
            r#"{"accessToken":"expired","expiresAt":"2020-01-01T00:00:00Z","region":"us-east-1","startUrl":"https://corp.awsapps.com/start"}"#,
        )
        .expect("write the cached token");
        vec![
            ("AWS_CONFIG_FILE", config.into_os_string()),
            ("AWS_SHARED_CREDENTIALS_FILE", credentials.into_os_string()),
        ]
    }
}

/// Faults and slow answers (`/_toadtop/faults`, `/_toadtop/requests`, slow_proxy.py).
impl TestBed {
    /// The next `count` requests of `operation` (e.g. "ListServices") answer `kind`:
    /// "throttle" (HTTP 400 ThrottlingException) or "5xx" (HTTP 503).
    pub fn inject(&self, operation: &str, kind: &str, count: u32) {
        let (status, body) = self.post(
            "/_toadtop/faults",
            &serde_json::json!({"operation": operation, "kind": kind, "count": count}),
        );
        assert_eq!(status, 200, "inject {kind} on {operation}: {body}");
    }

    /// Requests the server has seen per operation (every attempt, retries included), by
    /// action name (`ListServices`): the server counts by X-Amz-Target.
    pub fn requests(&self) -> std::collections::BTreeMap<String, u64> {
        let addr = self.endpoint.trim_start_matches("http://");
        let resp = exchange(
            addr,
            &format!(
                "GET /_toadtop/requests HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
            ),
        );
        let body = resp.split_once("\r\n\r\n").map_or("", |(_, b)| b);
        let by_target: std::collections::BTreeMap<String, u64> = serde_json::from_str(body)
            .unwrap_or_else(|e| panic!("requests are JSON ({e}): {resp}"));
        let mut by_action = std::collections::BTreeMap::new();
        for (target, n) in by_target {
            let action = target.rsplit('.').next().unwrap_or(&target).to_string();
            *by_action.entry(action).or_insert(0) += n;
        }
        by_action
    }
}

/// Sends one HTTP/1.1 request to the test server and returns the whole response. Done
/// by hand (no HTTP client in the test dependencies). Seen under load (a handful of times
/// in full runs): an answer whose connection was not closed, or no answer at all. So the
/// response is complete once its headers and Content-Length bytes are in (EOF not
/// awaited), and a connection that answers nothing within 15 s is tried once more (the
/// test endpoints set state, so a repeat is harmless).
fn exchange(addr: &str, request: &str) -> String {
    for attempt in 0..2 {
        let mut s = TcpStream::connect(addr).expect("connect testbed");
        s.set_read_timeout(Some(std::time::Duration::from_secs(15)))
            .expect("read timeout");
        s.write_all(request.as_bytes()).expect("send");
        let mut resp = Vec::new();
        let mut buf = [0u8; 8192];
        loop {
            match s.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    resp.extend_from_slice(&buf[..n]);
                    if response_complete(&resp) {
                        break;
                    }
                }
                Err(e) if resp.is_empty() && attempt == 0 => {
                    eprintln!("testbed: no answer within 15 s ({e}); sending again");
                    break;
                }
                Err(e) => panic!(
                    "read from testbed: {e}; got so far: {}",
                    String::from_utf8_lossy(&resp)
                ),
            }
        }
        if !resp.is_empty() {
            return String::from_utf8_lossy(&resp).into_owned();
        }
    }
    panic!("the testbed answered nothing to: {request}")
}

/// Headers in and, when they give a Content-Length, that many body bytes.
fn response_complete(resp: &[u8]) -> bool {
    let Some(end) = resp.windows(4).position(|w| w == b"\r\n\r\n") else {
        return false;
    };
    let head = String::from_utf8_lossy(&resp[..end]).to_ascii_lowercase();
    head.lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|n| n.trim().parse::<usize>().ok())
        .is_some_and(|len| resp.len() >= end + 4 + len)
}

/// scripts/testbed/slow_proxy.py in front of a bed: the same server, with chosen
/// operations answered `delay` ms late. Stopped on drop.
pub struct SlowProxy {
    child: Child,
    pub endpoint: String,
}

impl SlowProxy {
    /// `delays`: (operation, ms); "*" is every other operation.
    pub fn start(bed: &TestBed, delays: &[(&str, u64)]) -> SlowProxy {
        let mut cmd = Command::new(python());
        cmd.arg(repo().join("scripts/testbed/slow_proxy.py")).args([
            "--upstream",
            &bed.endpoint,
            "--port",
            "0",
        ]);
        for (op, ms) in delays {
            cmd.arg("--delay").arg(format!("{op}={ms}"));
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start slow_proxy.py");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped stdout"))
            .read_line(&mut line)
            .expect("read listening line");
        let endpoint = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("slow proxy did not report its address: {line:?}"))
            .to_string();
        SlowProxy { child, endpoint }
    }
}

impl Drop for SlowProxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
