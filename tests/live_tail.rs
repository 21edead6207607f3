//! CloudWatch Logs live tail against the test server, through the real SDK: the endpoint
//! host prefix dropped for a custom endpoint URL (src/aws/endpoint_prefix.rs), sessions
//! that stream an update a second and can time out (scripts/testbed/ext_livetail.py), the
//! follower reconnecting or falling back to polling, and `toadtop logs --follow`.
//!
//! Timeouts here only stop a broken run from hanging; nothing asserts on timing.

mod support;

use std::io::{BufRead, BufReader, Read};
use std::process::Stdio;
use std::sync::{mpsc as std_mpsc, Arc, Mutex, Once};
use std::time::{Duration, Instant};

use support::TestBed;
use toadtop::aws::logs::{self, LiveTailNext};
use toadtop::aws::AwsContext;
use toadtop::ops::logs::follow::FollowOptions;
use toadtop::ops::logs::{follow, FollowEvent, FollowMode, LogPlan, LogSource};
use tokio::sync::{mpsc, watch};

/// A guard against hangs, not a performance bound.
const TIMEOUT: Duration = Duration::from_secs(60);
const GROUP: &str = "/ecs/laravel-production";
/// moto's account: every ARN in the test server has it.
const ACCOUNT: &str = "123456789012";

/// Dummy credentials and no developer config, for the SDK inside this test process. The
/// same values for every test, so tests running in parallel cannot disagree.
fn sdk_env() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for var in support::UNSET_ENV {
            std::env::remove_var(var);
        }
        for (k, v) in [
            ("AWS_ACCESS_KEY_ID", "test"),
            ("AWS_SECRET_ACCESS_KEY", "test"),
            ("AWS_REGION", "us-east-1"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
            ("AWS_CONFIG_FILE", "/nonexistent/toadtop-test/aws-config"),
            (
                "AWS_SHARED_CREDENTIALS_FILE",
                "/nonexistent/toadtop-test/aws-credentials",
            ),
        ] {
            std::env::set_var(k, v);
        }
    });
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

async fn connect(bed: &TestBed) -> AwsContext {
    sdk_env();
    toadtop::aws::connect(&toadtop::aws::AwsSettings {
        profile: None,
        region: Some("us-east-1".into()),
        endpoint_url: Some(bed.endpoint.clone()),
    })
    .await
    .expect("connect")
}

/// The php streams of production web's running tasks, as `ops::logs::plan` would give.
fn web_php_plan(bed: &TestBed) -> LogPlan {
    let mut sources: Vec<LogSource> = bed.services("production")["web"]["tasks"]
        .as_array()
        .expect("tasks in the summary")
        .iter()
        .filter(|t| t["desiredStatus"] == "RUNNING")
        .map(|t| {
            let id = t["id"].as_str().expect("task id");
            LogSource {
                group: GROUP.into(),
                stream: format!("web/php/{id}"),
                task: id.into(),
                container: "php".into(),
            }
        })
        .collect();
    sources.sort();
    assert!(!sources.is_empty(), "no running web task seeded");
    LogPlan {
        sources,
        unavailable: Vec::new(),
        account: Some(ACCOUNT.into()),
    }
}

/// A marker no seeded line contains.
fn marker(what: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .subsec_nanos();
    format!("{what}-{}-{nanos}", std::process::id())
}

fn laravel_info(text: &str) -> String {
    format!("[2026-01-01 00:00:00] production.INFO: {text} {{\"test\":true}}")
}

/// Puts a line from another thread (the python client takes a while to start), so the
/// test's runtime keeps reading the session meanwhile.
fn put_later(bed: &Arc<TestBed>, stream: &str, message: &str) -> std::thread::JoinHandle<()> {
    let (bed, stream, message) = (Arc::clone(bed), stream.to_string(), message.to_string());
    std::thread::spawn(move || bed.put_log_event(GROUP, &stream, &message))
}

/// Sets the test server's live tail knob (ext_livetail.py).
fn knob(bed: &TestBed, body: serde_json::Value) {
    let (status, answer) = bed.post("/_toadtop/livetail", &body);
    assert_eq!(status, 200, "live tail knob {body}: {answer}");
}

fn start_live_tails(bed: &TestBed) -> u64 {
    bed.requests().get("StartLiveTail").copied().unwrap_or(0)
}

#[test]
fn live_tail_streams_records_put_after_the_session_started_in_several_updates() {
    let bed = Arc::new(TestBed::seeded());
    let plan = web_php_plan(&bed);
    let stream = plan.sources[0].stream.clone();
    let streams: Vec<String> = plan.sources.iter().map(|s| s.stream.clone()).collect();
    let rt = runtime();
    rt.block_on(async {
        let ctx = connect(&bed).await;
        // With the SDK's `stream-` host prefix this fails: stream-127.0.0.1 does not resolve.
        let mut session = logs::start_live_tail(
            &ctx,
            &logs::log_group_arn("us-east-1", ACCOUNT, GROUP),
            &streams,
        )
        .await
        .expect("StartLiveTail against the endpoint URL");

        let mut got: Vec<(usize, String)> = Vec::new(); // (update number, message)
        let mut updates = 0;
        let deadline = Instant::now() + TIMEOUT;
        let first = marker("live-one");
        let second = marker("live-two");
        let mut putter = Some(put_later(&bed, &stream, &laravel_info(&first)));
        while !got.iter().any(|(_, m)| m.contains(&second)) {
            assert!(Instant::now() < deadline, "timed out; got {got:?}");
            let next = tokio::time::timeout(TIMEOUT, session.next())
                .await
                .expect("an update within the timeout")
                .expect("the session goes on");
            let LiveTailNext::Events(events) = next else {
                panic!("the session ended: {next:?}");
            };
            updates += 1;
            for e in events {
                assert_eq!(e.stream, stream, "a line of another stream: {e:?}");
                got.push((updates, e.message));
            }
            // The second line only once the first arrived: it must come in a later update.
            if got.iter().any(|(_, m)| m.contains(&first)) {
                if let Some(p) = putter.take() {
                    p.join().expect("put the first line");
                    putter = Some(put_later(&bed, &stream, &laravel_info(&second)));
                }
            }
        }
        if let Some(p) = putter {
            p.join().expect("put the second line");
        }
        // Only what was put while watching: the seeded history is not repeated.
        let messages: Vec<&str> = got.iter().map(|(_, m)| m.as_str()).collect();
        assert_eq!(
            messages,
            [laravel_info(&first), laravel_info(&second)],
            "live records"
        );
        assert!(
            got[1].0 > got[0].0,
            "both lines in one update ({got:?}): the session did not stream"
        );
        assert!(updates >= 2, "{updates} updates");
    });
    assert_eq!(start_live_tails(&bed), 1, "one session");
}

#[test]
fn a_session_that_reaches_its_time_limit_says_so() {
    let bed = Arc::new(TestBed::seeded());
    knob(&bed, serde_json::json!({"timeout_after": 2}));
    let streams: Vec<String> = web_php_plan(&bed)
        .sources
        .iter()
        .map(|s| s.stream.clone())
        .collect();
    runtime().block_on(async {
        let ctx = connect(&bed).await;
        let mut session = logs::start_live_tail(
            &ctx,
            &logs::log_group_arn("us-east-1", ACCOUNT, GROUP),
            &streams,
        )
        .await
        .expect("StartLiveTail");
        let end = tokio::time::timeout(TIMEOUT, async {
            loop {
                match session.next().await {
                    Ok(LiveTailNext::Events(_)) => continue,
                    other => break other,
                }
            }
        })
        .await
        .expect("the session ends");
        assert_eq!(end, Ok(LiveTailNext::TimedOut));
    });
}

/// The follower's events, read with a hang guard.
struct Events {
    rx: mpsc::UnboundedReceiver<FollowEvent>,
    seen: Vec<FollowEvent>,
}

impl Events {
    /// Reads until `pred` holds for the newest event; panics on the hang guard.
    async fn until(&mut self, what: &str, pred: impl Fn(&FollowEvent) -> bool) {
        let deadline = tokio::time::Instant::now() + TIMEOUT;
        loop {
            match tokio::time::timeout_at(deadline, self.rx.recv()).await {
                Ok(Some(e)) => {
                    let done = pred(&e);
                    self.seen.push(e);
                    if done {
                        return;
                    }
                }
                Ok(None) => panic!("the follower stopped before {what}: {:#?}", self.seen),
                Err(_) => panic!("timed out waiting for {what}: {:#?}", self.seen),
            }
        }
    }

    fn modes(&self) -> Vec<FollowMode> {
        self.seen
            .iter()
            .filter_map(|e| match e {
                FollowEvent::Mode(m) => Some(m.clone()),
                _ => None,
            })
            .collect()
    }

    fn lines_with(&self, text: &str) -> usize {
        self.seen
            .iter()
            .map(|e| match e {
                FollowEvent::Lines(lines) => {
                    lines.iter().filter(|l| l.message.contains(text)).count()
                }
                _ => 0,
            })
            .sum()
    }
}

fn has_line(text: &str) -> impl Fn(&FollowEvent) -> bool + '_ {
    move |e| matches!(e, FollowEvent::Lines(lines) if lines.iter().any(|l| l.message.contains(text)))
}

/// Starts the follower on production web's php streams.
fn start_follower(
    ctx: AwsContext,
    plan: LogPlan,
) -> (watch::Sender<LogPlan>, Events, tokio::task::JoinHandle<()>) {
    let (plan_tx, plan_rx) = watch::channel(plan);
    let (tx, rx) = mpsc::unbounded_channel();
    let opts = FollowOptions {
        since_ms: 0,
        follow: true,
        live_tail: true,
    };
    let task = tokio::spawn(follow(ctx, plan_rx, opts, tx));
    (
        plan_tx,
        Events {
            rx,
            seen: Vec::new(),
        },
        task,
    )
}

#[test]
fn follower_reconnects_when_a_session_times_out_and_keeps_every_line() {
    let bed = Arc::new(TestBed::seeded());
    let plan = web_php_plan(&bed);
    let stream = plan.sources[0].stream.clone();
    runtime().block_on(async {
        let ctx = connect(&bed).await;
        let (_plan_tx, mut events, task) = start_follower(ctx, plan);
        events
            .until("live tail", |e| {
                *e == FollowEvent::Mode(FollowMode::LiveTail)
            })
            .await;
        let before = marker("before-timeout");
        let put = put_later(&bed, &stream, &laravel_info(&before));
        events.until("the line put live", has_line(&before)).await;
        put.join().expect("put");

        // The session reaches its time limit.
        knob(&bed, serde_json::json!({"end_open": true}));
        events
            .until("the reconnect", |e| {
                *e == FollowEvent::Mode(FollowMode::Reconnecting)
            })
            .await;
        events
            .until("live tail again", |e| {
                *e == FollowEvent::Mode(FollowMode::LiveTail)
            })
            .await;
        let after = marker("after-timeout");
        let put = put_later(&bed, &stream, &laravel_info(&after));
        events
            .until("the line put after the reconnect", has_line(&after))
            .await;
        put.join().expect("put");

        assert_eq!(
            events.modes(),
            [
                FollowMode::Backfill,
                FollowMode::LiveTail,
                FollowMode::Reconnecting,
                FollowMode::LiveTail
            ],
            "no polling"
        );
        // The gap poll after the reconnect and the new session see the same lines:
        // each shows once.
        assert_eq!(events.lines_with(&before), 1, "{:#?}", events.seen);
        assert_eq!(events.lines_with(&after), 1, "{:#?}", events.seen);
        task.abort();
    });
    assert_eq!(
        start_live_tails(&bed),
        2,
        "a second session after the timeout"
    );
}

#[test]
fn follower_polls_when_sessions_keep_timing_out() {
    let bed = Arc::new(TestBed::seeded());
    // Every session ends after 1 s: live tail cannot hold a session here.
    knob(&bed, serde_json::json!({"timeout_after": 1}));
    let plan = web_php_plan(&bed);
    let stream = plan.sources[0].stream.clone();
    runtime().block_on(async {
        let ctx = connect(&bed).await;
        let (_plan_tx, mut events, task) = start_follower(ctx, plan);
        events
            .until("polling", |e| {
                matches!(e, FollowEvent::Mode(FollowMode::Polling { .. }))
            })
            .await;
        let Some(FollowMode::Polling { why, .. }) = events.modes().last().cloned() else {
            unreachable!("the last event is the polling mode");
        };
        assert!(why.contains("keep timing out"), "why: {why}");
        let reconnects = events
            .modes()
            .iter()
            .filter(|m| **m == FollowMode::Reconnecting)
            .count();
        assert_eq!(reconnects, 2, "{:?}", events.modes());

        let text = marker("polled");
        let put = put_later(&bed, &stream, &laravel_info(&text));
        events.until("the polled line", has_line(&text)).await;
        put.join().expect("put");
        assert_eq!(events.lines_with(&text), 1);
        task.abort();
    });
    assert_eq!(start_live_tails(&bed), 3, "three sessions, then polling");
}

#[test]
fn follower_polls_when_live_tail_samples_a_burst_and_keeps_every_line() {
    let bed = Arc::new(TestBed::seeded());
    let plan = web_php_plan(&bed);
    let stream = plan.sources[0].stream.clone();
    runtime().block_on(async {
        let ctx = connect(&bed).await;
        let (_plan_tx, mut events, task) = start_follower(ctx, plan);
        events
            .until("live tail", |e| {
                *e == FollowEvent::Mode(FollowMode::LiveTail)
            })
            .await;
        // 600 lines at once: more than one update holds (500), so the update is a sample.
        let tag = marker("burst");
        let burst = {
            let (bed, stream, tag) = (Arc::clone(&bed), stream.clone(), tag.clone());
            std::thread::spawn(move || {
                bed.boto(
                    r#"
logs.put_log_events(logGroupName=args['group'], logStreamName=args['stream'], logEvents=[
    {'timestamp': now_ms, 'message': f"{args['tag']} line {n:03}"} for n in range(600)])
"#,
                    &serde_json::json!({"group": GROUP, "stream": stream, "tag": tag}),
                );
            })
        };
        events
            .until("polling", |e| {
                matches!(e, FollowEvent::Mode(FollowMode::Polling { .. }))
            })
            .await;
        burst.join().expect("put the burst");
        let Some(FollowMode::Polling { why, .. }) = events.modes().last().cloned() else {
            unreachable!("the last event is the polling mode");
        };
        assert!(why.contains("sampling"), "why: {why}");
        while events.lines_with(&tag) < 600 {
            events
                .until("the rest of the burst", |e| {
                    matches!(e, FollowEvent::Lines(_))
                })
                .await;
        }
        // Every line once: the sample and the polls that followed overlap.
        let mut got: Vec<String> = events
            .seen
            .iter()
            .flat_map(|e| match e {
                FollowEvent::Lines(lines) => lines.clone(),
                _ => Vec::new(),
            })
            .filter(|l| l.message.contains(&tag))
            .map(|l| l.message)
            .collect();
        got.sort();
        let want: Vec<String> = (0..600).map(|n| format!("{tag} line {n:03}")).collect();
        assert_eq!(got, want);
        task.abort();
    });
}

#[test]
fn logs_follow_headless_uses_live_tail_against_the_endpoint() {
    let bed = Arc::new(TestBed::seeded());
    let plan = web_php_plan(&bed);
    let stream = plan.sources[0].stream.clone();
    let task = plan.sources[0].task.to_string();
    let mut child = bed
        .toadtop()
        .args(["logs", "--cluster", "production", "--service", "web"])
        .args(["--container", "php", "--follow", "--output", "json"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start toadtop logs --follow");
    let (lines, stderr) = read_output(&mut child);
    let err = || stderr.lock().unwrap().clone();
    let deadline = Instant::now() + TIMEOUT;
    while !err().contains("live tail") {
        assert!(
            Instant::now() < deadline,
            "no live tail on stderr:\n{}",
            err()
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    let mut records: Vec<serde_json::Value> = Vec::new();
    for what in ["headless-one", "headless-two", "after-reconnect"] {
        if what == "after-reconnect" {
            // The session reaches its time limit: stderr says so, and a new one follows.
            knob(&bed, serde_json::json!({"end_open": true}));
            while !err().contains("reconnecting")
                || !err().trim_end().ends_with("toadtop: live tail")
            {
                assert!(
                    Instant::now() < deadline,
                    "no reconnect on stderr:\n{}",
                    err()
                );
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        let text = marker(what);
        bed.put_log_event(GROUP, &stream, &laravel_info(&text));
        while !records.iter().any(|r| r["message"] == text.as_str()) {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = lines
                .recv_timeout(left)
                .unwrap_or_else(|e| panic!("no {what} ({e}); stderr:\n{}", err()));
            records.push(serde_json::from_str(&line).expect("a JSON record"));
        }
        let r = records
            .iter()
            .find(|r| r["message"] == text.as_str())
            .unwrap();
        assert_eq!(r["task"], task.as_str());
        assert_eq!(r["container"], "php");
        assert_eq!(r["level"], "INFO");
    }
    let _ = child.kill();
    let _ = child.wait();
    let err = err();
    assert!(!err.contains("polling"), "polled instead:\n{err}");
    assert!(
        err.contains("toadtop: live tail session timed out, reconnecting\ntoadtop: live tail\n"),
        "stderr:\n{err}"
    );
    assert_eq!(start_live_tails(&bed), 2, "stderr:\n{err}");
}

/// Runs scripts/testbed/demo_logs.py against `bed` for `ticks` ticks, without pauses.
fn demo_logs(bed: &TestBed, ticks: u32) {
    let dir = support::tempdir::TempDir::new();
    let summary = dir.path().join("summary.json");
    std::fs::write(&summary, bed.summary.to_string()).expect("write the summary");
    let out = std::process::Command::new(support::python())
        .arg(support::repo().join("scripts/testbed/demo_logs.py"))
        .args(["--endpoint", &bed.endpoint, "--summary"])
        .arg(&summary)
        .args(["--ticks", &ticks.to_string(), "--every", "0"])
        .output()
        .expect("run demo_logs.py");
    assert!(
        out.status.success(),
        "demo_logs.py: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn json_records(bed: &TestBed, service: &str) -> Vec<serde_json::Value> {
    let out = bed
        .toadtop()
        .args(["logs", "--cluster", "production", "--service", service])
        .args(["--since", "1m", "--output", "json"])
        .stdin(Stdio::null())
        .output()
        .expect("run toadtop logs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("UTF-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON record"))
        .collect()
}

#[test]
fn the_demo_generator_writes_laravel_lines_toadtop_reads_as_such() {
    let bed = TestBed::seeded();
    // Ticks 0..=20: WARNINGs at 3, 10, 17; the web ERROR at 6 and 18; the worker's FAIL
    // at 18 (see demo_logs.py).
    demo_logs(&bed, 21);
    let web = json_records(&bed, "web");
    let level = |r: &serde_json::Value| r["level"].as_str().unwrap_or_default().to_string();
    let php: Vec<&serde_json::Value> = web.iter().filter(|r| r["container"] == "php").collect();
    let requests = php
        .iter()
        .filter(|r| level(r) == "INFO" && r["context"].to_string().contains("Controller@"))
        .count();
    let running_web = bed.services("production")["web"]["runningCount"]
        .as_u64()
        .expect("runningCount") as usize;
    assert_eq!(
        requests,
        21 * running_web,
        "one request line per web task a tick"
    );
    assert!(
        php.iter().filter(|r| level(r) == "WARNING").count() >= 3 * running_web,
        "WARNINGs: {php:#?}"
    );
    let errors: Vec<&&serde_json::Value> = php.iter().filter(|r| level(r) == "ERROR").collect();
    assert_eq!(errors.len(), 2, "{errors:#?}");
    for e in &errors {
        let trace = e["stacktrace"].as_array().expect("a stack trace");
        assert_eq!(trace[0], "[stacktrace]", "{e}");
        assert!(trace.len() >= 5, "{e}");
    }
    assert!(
        web.iter().any(|r| r["container"] == "nginx"
            && r["message"].as_str().unwrap_or("").contains("\" 500 ")),
        "nginx logged the failed request"
    );

    let worker = json_records(&bed, "worker");
    assert!(
        worker
            .iter()
            .any(|r| level(r) == "INFO" && r["message"].as_str().unwrap_or("").ends_with("DONE")),
        "Artisan DONE lines: {worker:#?}"
    );
    let fail = worker
        .iter()
        .find(|r| {
            level(r) == "ERROR"
                && r["message"]
                    .as_str()
                    .unwrap_or("")
                    .contains("Connection refused [tcp://redis")
        })
        .unwrap_or_else(|| panic!("the worker's error: {worker:#?}"));
    assert!(
        fail["stacktrace"].as_array().is_some_and(|t| t.len() >= 2),
        "its stack trace, sent as separate events, joined: {fail}"
    );
}

/// The pids of the direct children of `pid` (Linux /proc).
fn children(pid: u32) -> Vec<u32> {
    std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"))
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|p| p.parse().ok())
        .collect()
}

fn cmdline(pid: u32) -> String {
    std::fs::read(format!("/proc/{pid}/cmdline"))
        .map(|b| String::from_utf8_lossy(&b).replace('\0', " "))
        .unwrap_or_default()
}

fn alive(pid: u32) -> bool {
    // A zombie has exited; only its parent has not collected it yet.
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
        !s.rsplit(')')
            .next()
            .unwrap_or("")
            .trim_start()
            .starts_with('Z')
    })
}

#[test]
fn the_demo_shows_generated_lines_by_live_tail_and_its_generator_stops_with_it() {
    let home = support::tempdir::TempDir::new();
    let mut demo = std::process::Command::new(support::repo().join("scripts/demo.sh"));
    for var in support::UNSET_ENV {
        demo.env_remove(var);
    }
    for prefix in support::SERVER_ENV_PREFIXES {
        for (var, _) in std::env::vars_os() {
            if var.to_string_lossy().starts_with(prefix) {
                demo.env_remove(&var);
            }
        }
    }
    let mut demo = demo
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env(
            "TOADTOP_VENV",
            support::python()
                .parent()
                .and_then(|b| b.parent())
                .expect("venv dir"),
        )
        .env("TOADTOP_BIN", env!("CARGO_BIN_EXE_toadtop"))
        .args(["logs", "--cluster", "production", "--service", "web"])
        .args(["--follow", "--since", "1m", "--output", "json"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start scripts/demo.sh");
    let demo_pid = demo.id();
    let (lines, stderr) = read_output(&mut demo);
    let err = || stderr.lock().unwrap().clone();

    // Generated lines keep coming once the follower is live: lines of three different
    // seconds, more than the one poll that covers the session's start can hold.
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut seconds = std::collections::BTreeSet::new();
    while seconds.len() < 3 {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = lines
            .recv_timeout(left)
            .unwrap_or_else(|e| panic!("no generated line ({e}); stderr:\n{}", err()));
        let r: serde_json::Value = serde_json::from_str(&line).expect("a JSON record");
        // Request lines carry the controller action in their Laravel context.
        let generated = r["context"].to_string().contains("Controller@");
        if generated && err().contains("toadtop: live tail") {
            seconds.insert(r["timestamp"].as_str().unwrap_or("")[..19].to_string());
        }
    }
    assert!(!err().contains("polling"), "polled instead:\n{}", err());

    // The processes the demo started: the server, the generator, toadtop.
    let kids = children(demo_pid);
    let find = |what: &str| {
        kids.iter()
            .copied()
            .find(|p| cmdline(*p).contains(what))
            .unwrap_or_else(|| panic!("no {what} among {kids:?}"))
    };
    let (server, generator, toadtop) = (
        find("testbed/server.py"),
        find("demo_logs.py"),
        find(env!("CARGO_BIN_EXE_toadtop")),
    );
    // Quitting toadtop ends the demo.
    terminate(toadtop);
    let deadline = Instant::now() + TIMEOUT;
    while demo.try_wait().expect("try_wait").is_none() {
        assert!(Instant::now() < deadline, "demo.sh did not end");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!alive(generator), "the generator outlived the demo");
    assert!(!alive(server), "the server outlived the demo");
}

/// SIGTERM to one process this test started (through demo.sh), by pid.
fn terminate(pid: u32) {
    let ok = std::process::Command::new("kill")
        .arg(pid.to_string())
        .status()
        .expect("run kill");
    assert!(ok.success(), "kill {pid}");
}

/// A child's stdout as lines on a channel, and its stderr gathered as it comes (both read
/// on their own threads, so neither pipe fills up while the test waits).
fn read_output(
    child: &mut std::process::Child,
) -> (std_mpsc::Receiver<String>, Arc<Mutex<String>>) {
    let (tx, lines) = std_mpsc::channel::<String>();
    let stdout = child.stdout.take().expect("piped stdout");
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let stderr = Arc::new(Mutex::new(String::new()));
    let gathered = Arc::clone(&stderr);
    let mut pipe = child.stderr.take().expect("piped stderr");
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = pipe.read(&mut buf) {
            if n == 0 {
                break;
            }
            gathered
                .lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    (lines, stderr)
}
