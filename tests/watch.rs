//! `toadtop watch` against the test server: the initial alerts, one `alert_raised` for a
//! task that exits 1 while it watches, `deployment_started` for a forced deployment,
//! `alert_resolved` when an alert clears, `watch_degraded`/`watch_recovered` around an
//! outage with nothing resolved in between, a CVE published for an image already alerted
//! (one `alert_updated` naming it), a CVE's severity raised (`raised_findings`), the
//! `--exec` hook, and SIGTERM. Time limits are hang guards only.

mod support;

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::TestBed;

/// How long any one expected event may take to show (several 1 s looks, retries).
const LIMIT: Duration = Duration::from_secs(60);

/// A `toadtop watch --output json` in the background, its stdout read line by line.
struct Watch {
    child: Child,
    lines: Receiver<String>,
    /// Every event seen so far, in order.
    seen: Vec<Value>,
    stderr: Option<std::thread::JoinHandle<String>>,
}

impl Watch {
    /// `watch --output json --interval 1s` plus `extra`.
    fn start(bed: &TestBed, extra: &[&str]) -> Watch {
        Watch::start_every(bed, "1s", extra)
    }

    fn start_every(bed: &TestBed, interval: &str, extra: &[&str]) -> Watch {
        let mut child = bed
            .toadtop()
            .args(["watch", "--interval", interval, "--output", "json"])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start toadtop watch");
        let (tx, lines) = std::sync::mpsc::channel();
        let out = child.stdout.take().expect("piped stdout");
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut err = child.stderr.take().expect("piped stderr");
        let stderr = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = err.read_to_string(&mut s);
            s
        });
        Watch {
            child,
            lines,
            seen: Vec::new(),
            stderr: Some(stderr),
        }
    }

    /// The next event (in order) that `want` accepts; panics after LIMIT with all seen.
    fn expect(&mut self, what: &str, want: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + LIMIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    let v: Value = serde_json::from_str(&line)
                        .unwrap_or_else(|e| panic!("not one JSON object a line ({e}): {line}"));
                    assert_eq!(v["schema_version"], 1, "{v}");
                    self.seen.push(v.clone());
                    if want(&v) {
                        return v;
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    panic!("no {what} within {LIMIT:?}; seen:\n{}", self.dump())
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("watch ended before {what}; seen:\n{}", self.dump())
                }
            }
        }
    }

    /// Every event that arrives within `d`.
    fn gather(&mut self, d: Duration) -> Vec<Value> {
        let deadline = Instant::now() + d;
        let mut got = Vec::new();
        while let Ok(line) = self
            .lines
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            let v: Value = serde_json::from_str(&line).expect("JSON line");
            self.seen.push(v.clone());
            got.push(v);
        }
        got
    }

    fn dump(&self) -> String {
        self.seen
            .iter()
            .map(Value::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// SIGTERM, then the exit code and stderr (None: still running after the guard).
    fn terminate(mut self) -> (Option<i32>, String, Duration) {
        let sent = Instant::now();
        let pid = libc::pid_t::try_from(self.child.id()).expect("pid fits pid_t");
        // SAFETY: kill(2) on the child this test started and still owns.
        assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
        let deadline = sent + Duration::from_secs(30);
        let code = loop {
            if let Some(s) = self.child.try_wait().expect("wait") {
                break s.code();
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let took = sent.elapsed();
        let stderr = self
            .stderr
            .take()
            .map(|h| h.join().unwrap_or_default())
            .unwrap_or_default();
        (code, stderr, took)
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn is(v: &Value, event: &str) -> bool {
    v["event"] == event
}

/// The seed's failed worker task, alerted from the start.
fn initial_task_failed(v: &Value) -> bool {
    is(v, "alert_raised") && v["kind"] == "task_failed" && v["service"] == "worker"
}

/// The task stops with its php container exiting 1, as ECS reports an essential
/// container that failed.
fn stop_with_exit_1(bed: &TestBed, id: &str) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs_f64();
    let (status, body) = bed.post(
        "/_toadtop/task",
        &json!({"region": "us-east-1", "cluster": "production", "task": id,
                "lastStatus": "STOPPED", "desiredStatus": "STOPPED",
                "stopCode": "EssentialContainerExited",
                "stoppedReason": "Essential container in task exited",
                "stoppedAt": now,
                "containers": [{"name": "php", "lastStatus": "STOPPED", "exitCode": 1}]}),
    );
    assert_eq!(status, 200, "{body}");
}

#[test]
fn watch_reports_the_initial_alerts_then_each_change_once() {
    let bed = TestBed::seeded();
    let mut w = Watch::start(&bed, &[]);

    // The first look: what is active now, marked initial; one CVE shared by every
    // service is one event naming them all.
    let first = w.expect("the initial task_failed alert", initial_task_failed);
    assert_eq!(first["initial"], true, "{first}");
    assert_eq!(first["level"], "critical");
    assert_eq!(first["cluster"], "production");
    assert!(first["message"].as_str().unwrap().contains("php exited 1"));
    for field in [
        "task",
        "deployment",
        "since",
        "at",
        "group",
        "services",
        "count",
    ] {
        assert!(first.get(field).is_some(), "no {field}: {first}");
    }
    let initial = w.gather(Duration::from_millis(500));
    let findings: Vec<&Value> = w.seen.iter().filter(|v| v["kind"] == "finding").collect();
    assert_eq!(
        findings.len(),
        1,
        "one event for the shared CVE:\n{}",
        w.dump()
    );
    let f = findings[0];
    assert!(
        f["group"].as_str().unwrap().contains("CVE-2024-4577"),
        "{f}"
    );
    assert_eq!(f["count"], 8, "{f}");
    assert_eq!(f["services"].as_array().unwrap().len(), 8, "{f}");
    assert!(
        initial.iter().chain(&w.seen).all(|v| v["initial"] == true),
        "only initial events at first:\n{}",
        w.dump()
    );

    // A task of web exits 1 during the watch: raised once, however many looks follow.
    let task = bed.run_service_task("production", "web");
    stop_with_exit_1(&bed, &task);
    let raised = w.expect("alert_raised for the task", |v| {
        is(v, "alert_raised") && v["task"] == task.as_str()
    });
    assert_eq!(raised["initial"], false, "{raised}");
    assert_eq!(raised["kind"], "task_failed");
    assert_eq!(raised["service"], "web");
    assert_eq!(raised["level"], "critical");

    // A forced deployment: started with its id (then completed, as the server rolls out).
    let svc = bed.ecs(
        "update_service",
        json!({"cluster": "production", "service": "scheduler", "forceNewDeployment": true}),
    );
    let dep = svc["service"]["deployments"][0]["id"]
        .as_str()
        .expect("a deployment id")
        .to_string();
    let started = w.expect("deployment_started", |v| is(v, "deployment_started"));
    assert_eq!(started["deployment"], dep.as_str(), "{started}");
    assert_eq!(started["cluster"], "production");
    assert_eq!(started["service"], "scheduler");
    assert_eq!(started["kind"], "deployment");
    let done = w.expect("deployment_completed", |v| is(v, "deployment_completed"));
    assert_eq!(done["deployment"], dep.as_str(), "{done}");

    // The worker's problem event clears once the service reaches a steady state.
    let (status, body) = bed.post(
        "/_toadtop/service",
        &json!({"region": "us-east-1", "cluster": "production", "service": "worker",
                "events": [{"message": "(service worker) has reached a steady state."}]}),
    );
    assert_eq!(status, 200, "{body}");
    let resolved = w.expect("alert_resolved of the service event", |v| {
        is(v, "alert_resolved") && v["kind"] == "service_event"
    });
    assert_eq!(resolved["service"], "worker", "{resolved}");
    assert_eq!(resolved["level"], "warning");

    // A few more looks: nothing is told twice.
    w.gather(Duration::from_secs(3));
    let told = |event: &str, pred: &dyn Fn(&Value) -> bool| {
        w.seen.iter().filter(|v| is(v, event) && pred(v)).count()
    };
    assert_eq!(
        told("alert_raised", &|v| v["task"] == task.as_str()),
        1,
        "{}",
        w.dump()
    );
    assert_eq!(
        told("deployment_started", &|v| v["deployment"] == dep.as_str()),
        1
    );
    assert_eq!(told("alert_resolved", &|v| v["kind"] == "service_event"), 1);
    assert_eq!(
        told("alert_raised", &|v| v["kind"] == "finding"),
        1,
        "{}",
        w.dump()
    );

    let (code, stderr, _) = w.terminate();
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn a_cve_published_for_an_image_already_alerted_is_one_update_naming_it() {
    let bed = TestBed::seeded();
    // Findings at most 0 minutes old: read again on every look, so a CVE added to the
    // image's scan shows within a look or two rather than the default 10 minutes.
    let mut w = watch_with_config(&bed, "[findings]\ncache_minutes = 0\n");
    let raised = w.expect("the initial finding alert", |v| {
        is(v, "alert_raised") && v["kind"] == "finding"
    });
    assert_eq!(raised["count"], 8, "{raised}");
    assert_eq!(raised["new_findings"], json!([]), "{raised}");
    let group = raised["group"].as_str().expect("a group").to_string();
    assert!(!group.contains("CVE-2024-9999"), "{group}");
    // A few looks: the unchanged findings tell nothing.
    w.gather(Duration::from_secs(2));

    // Continuous scanning: a new CRITICAL CVE for the same digest (v1.5.0, run by all 8).
    change_v150_findings(
        &bed,
        json!({"add": [{"name": "CVE-2024-9999", "severity": "CRITICAL"}]}),
    );
    let updated = w.expect("alert_updated naming the new CVE", |v| {
        is(v, "alert_updated") && v["kind"] == "finding"
    });
    assert_eq!(
        updated["new_findings"],
        json!([{"name": "CVE-2024-9999", "severity": "CRITICAL"}]),
        "{updated}"
    );
    assert_eq!(updated["gone_findings"], json!([]), "{updated}");
    assert_eq!(updated["level"], "critical");
    assert_eq!(updated["count"], 8, "{updated}");
    assert_eq!(updated["initial"], false);
    let message = updated["message"].as_str().expect("a message");
    assert!(
        message.starts_with("new: CVE-2024-9999 (CRITICAL); "),
        "{message}"
    );
    assert!(
        updated["group"]
            .as_str()
            .is_some_and(|g| g.contains("CVE-2024-9999") && g.contains("CVE-2024-4577")),
        "{updated}"
    );

    // More looks: told once, and the image's alert is neither resolved nor raised again.
    told_once_then_exit(w);
}

#[test]
fn a_severity_raised_for_a_cve_already_named_is_one_update_naming_it() {
    let bed = TestBed::seeded();
    // min HIGH: the seed's v1.5.0 names CVE-2024-4577 (CRITICAL) and CVE-2024-2511 (HIGH);
    // findings read again on every look (see the test above).
    let mut w = watch_with_config(
        &bed,
        "[findings]\ncache_minutes = 0\n[alerts]\nmin_severity = \"HIGH\"\n",
    );
    let raised = w.expect("the initial finding alert", |v| {
        is(v, "alert_raised") && v["kind"] == "finding"
    });
    assert!(
        raised["group"]
            .as_str()
            .is_some_and(|g| g.contains("CVE-2024-2511")),
        "{raised}"
    );
    assert_eq!(raised["raised_findings"], json!([]), "{raised}");
    w.gather(Duration::from_secs(2));

    // Inspector revises CVE-2024-2511 to CRITICAL (ext_findings.py's "set").
    change_v150_findings(
        &bed,
        json!({"set": [{"name": "CVE-2024-2511", "severity": "CRITICAL"}]}),
    );
    let updated = w.expect("alert_updated naming the raised CVE", |v| {
        is(v, "alert_updated") && v["kind"] == "finding"
    });
    assert_eq!(
        updated["raised_findings"],
        json!([{"name": "CVE-2024-2511", "severity": "CRITICAL", "was": "HIGH"}]),
        "{updated}"
    );
    assert_eq!(updated["new_findings"], json!([]), "{updated}");
    assert_eq!(updated["gone_findings"], json!([]), "{updated}");
    assert_eq!(updated["raised_counts"], json!([]), "{updated}");
    assert_eq!(updated["count"], 8, "{updated}");
    assert_eq!(updated["level"], "critical");
    assert_eq!(updated["initial"], false);
    let message = updated["message"].as_str().expect("a message");
    assert!(
        message.starts_with("raised: CVE-2024-2511 HIGH\u{2192}CRITICAL; "),
        "{message}"
    );

    // More looks: told once.
    told_once_then_exit(w);
}

/// `toadtop watch` with a config file of `toml` (written into the bed's home).
fn watch_with_config(bed: &TestBed, toml: &str) -> Watch {
    let config = bed.home.path().join("watch-config.toml");
    std::fs::write(&config, toml).expect("write config");
    Watch::start(bed, &["--config", config.to_str().expect("utf-8")])
}

/// Continuous scanning, as ext_findings.py plays it: `change` (`add` findings, or `set`
/// a severity) applied to the scan of laravel-app:v1.5.0, the image all 8 services run.
fn change_v150_findings(bed: &TestBed, mut change: Value) {
    change["region"] = json!("us-east-1");
    change["repository"] = json!("laravel-app");
    change["tag"] = json!("v1.5.0");
    let (status, body) = bed.post("/_toadtop/findings", &change);
    assert_eq!(status, 200, "{body}");
}

/// A few more looks tell the finding alert nothing more than its raise and the one
/// update; then SIGTERM ends the watch with 0.
fn told_once_then_exit(mut w: Watch) {
    w.gather(Duration::from_secs(3));
    let events: Vec<&str> = w
        .seen
        .iter()
        .filter(|v| v["kind"] == "finding")
        .map(|v| v["event"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(events, ["alert_raised", "alert_updated"], "{}", w.dump());
    let (code, stderr, _) = w.terminate();
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn an_outage_is_degraded_then_recovered_and_resolves_nothing() {
    let bed = TestBed::seeded();
    let mut w = Watch::start(&bed, &[]);
    w.expect("the initial alerts", initial_task_failed);
    w.gather(Duration::from_millis(1500));
    let before = w.seen.len();

    bed.stop();
    let degraded = w.expect("watch_degraded", |v| is(v, "watch_degraded"));
    assert_eq!(degraded["kind"], "watch", "{degraded}");
    assert!(
        degraded["message"].as_str().unwrap().contains("us-east-1"),
        "{degraded}"
    );
    // Down for several retries: degraded is said once.
    w.gather(Duration::from_secs(4));
    bed.restart();
    let recovered = w.expect("watch_recovered", |v| is(v, "watch_recovered"));
    assert!(recovered["since"].is_string(), "{recovered}");
    // A look after the recovery, so a wrong resolve would have been printed by now.
    w.gather(Duration::from_secs(3));

    let during: Vec<&Value> = w.seen[before..].iter().collect();
    assert_eq!(
        during.iter().filter(|v| is(v, "watch_degraded")).count(),
        1,
        "{}",
        w.dump()
    );
    assert!(
        during
            .iter()
            .all(|v| !is(v, "alert_resolved") && !is(v, "alert_raised")),
        "the outage changed the alerts:\n{}",
        w.dump()
    );
    let (code, stderr, _) = w.terminate();
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn an_exec_hook_gets_the_json_and_env_and_a_failing_one_does_not_stop_the_watch() {
    let bed = TestBed::seeded();
    let dir = support::tempdir::TempDir::new();
    // Each hook writes its stdin and environment to files of its own, then fails.
    let hook = format!(
        "d={}; cat > \"$d/event-$$.json\"; printf '%s|%s|%s|%s|%s' \"$TOADTOP_EVENT\" \
         \"$TOADTOP_LEVEL\" \"$TOADTOP_CLUSTER\" \"$TOADTOP_SERVICE\" \"$TOADTOP_MESSAGE\" \
         > \"$d/env-$$.txt\"; exit 3",
        dir.path().display()
    );
    let mut w = Watch::start(&bed, &["--min-level", "critical", "--exec", &hook]);
    let first = w.expect("the initial task_failed alert", initial_task_failed);
    w.gather(Duration::from_secs(2));
    // Only critical events were printed and hooked.
    assert!(
        w.seen.iter().all(|v| v["level"] == "critical"),
        "{}",
        w.dump()
    );

    let deadline = Instant::now() + LIMIT;
    let events = loop {
        let mut events: Vec<(Value, String)> = Vec::new();
        for entry in std::fs::read_dir(dir.path()).expect("read hook dir") {
            let path = entry.expect("entry").path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if let Some(pid) = name
                .strip_prefix("event-")
                .and_then(|n| n.strip_suffix(".json"))
            {
                let env = std::fs::read_to_string(dir.path().join(format!("env-{pid}.txt")))
                    .unwrap_or_default();
                let text = std::fs::read_to_string(&path).expect("read event");
                if let Ok(v) = serde_json::from_str::<Value>(text.trim()) {
                    events.push((v, env));
                }
            }
        }
        if events.len() >= w.seen.len() || Instant::now() > deadline {
            break events;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(
        events.len(),
        w.seen.len(),
        "a hook per printed event:\n{}",
        w.dump()
    );
    let (v, env) = events
        .iter()
        .find(|(v, _)| v["task"] == first["task"])
        .expect("the hook of the task_failed event");
    assert_eq!(v, &first, "the hook got the printed line");
    assert_eq!(
        env,
        &format!(
            "alert_raised|critical|production|worker|{}",
            first["message"].as_str().unwrap()
        )
    );
    let (code, stderr, _) = w.terminate();
    assert_eq!(code, Some(0), "{stderr}");
    // Each failure said on stderr, and the watch went on to its SIGTERM.
    assert!(
        stderr.contains("--exec hook for alert_raised") && stderr.contains("exited 3"),
        "{stderr}"
    );
}

#[test]
fn a_hanging_hook_is_killed_at_its_timeout() {
    let bed = TestBed::seeded();
    let mut w = Watch::start(
        &bed,
        &[
            "--min-level",
            "critical",
            "--exec",
            "sleep 30",
            "--timeout-exec",
            "1s",
        ],
    );
    w.expect("the initial task_failed alert", initial_task_failed);
    // Still looking while the hooks hang: a later look is no problem (3 s > the timeout).
    w.gather(Duration::from_secs(3));
    let (code, stderr, took) = w.terminate();
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("timed out after 1s and was killed"),
        "{stderr}"
    );
    assert!(took < Duration::from_secs(10), "exit took {took:?}");
}

#[test]
fn sigterm_exits_0_within_seconds() {
    let bed = TestBed::seeded();
    let mut w = Watch::start_every(&bed, "30s", &[]);
    w.expect("the initial alerts", initial_task_failed);
    // Mid-sleep (a 30 s interval): the signal ends it at once.
    let (code, stderr, took) = w.terminate();
    assert_eq!(code, Some(0), "{stderr}");
    assert!(took < Duration::from_secs(5), "exit took {took:?}");
}

#[test]
fn a_cluster_that_does_not_exist_exits_2_naming_the_clusters() {
    let bed = TestBed::seeded();
    let run = bed.run(
        ["watch", "--cluster", "nope", "--interval", "1s"],
        Duration::from_secs(60),
    );
    assert_eq!(run.code, Some(2), "{run}");
    assert!(run.stderr.contains("no cluster matches `nope`"), "{run}");
    assert!(run.stdout.is_empty(), "{run}");
}
