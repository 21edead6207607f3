//! `toadtop logs` end to end: the real binary against the seeded test bed's CloudWatch
//! logs (see `log_lines` / `logs_fleet` in scripts/testbed/seed.py for what is there).
//!
//! Timeouts here only stop a broken run from hanging; nothing asserts on timing.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Output, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::Value;
use support::TestBed;

/// Generous: a guard against hangs, not a performance bound.
const TIMEOUT: Duration = Duration::from_secs(60);

/// The awslogs group of every production service (seed.py `ENVS`).
const PRODUCTION_GROUP: &str = "/ecs/laravel-production";

/// The keys of a `--output json` record, exactly.
const JSON_KEYS: [&str; 8] = [
    "channel",
    "container",
    "context",
    "level",
    "message",
    "stacktrace",
    "task",
    "timestamp",
];

/// Levels `--level error` lets through.
const ERROR_OR_WORSE: [&str; 4] = ["ERROR", "CRITICAL", "ALERT", "EMERGENCY"];

/// `toadtop logs --cluster C --service S` plus `args`, run to the end.
fn logs(bed: &TestBed, cluster: &str, service: &str, args: &[&str]) -> Output {
    bed.toadtop()
        .args(["logs", "--cluster", cluster, "--service", service])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run toadtop logs")
}

/// Parses one `--output json` line, checking it is an object with exactly `JSON_KEYS`.
fn parse_record(line: &str) -> Value {
    let v: Value =
        serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line:?}"));
    let keys: Vec<&str> = v
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {line:?}"))
        .keys()
        .map(String::as_str)
        .collect();
    let mut want = JSON_KEYS.to_vec();
    want.sort_unstable();
    let mut got = keys.clone();
    got.sort_unstable();
    assert_eq!(got, want, "record keys of {line:?}");
    v
}

/// `--output json` (plus `args`): succeeds, prints nothing on stderr but notes, every
/// line is a record, and no escape character gets through, raw or JSON-escaped.
fn json_records(bed: &TestBed, cluster: &str, service: &str, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["--output", "json"];
    all.extend_from_slice(args);
    let out = logs(bed, cluster, service, &all);
    let stdout = String::from_utf8(out.stdout).expect("stdout is UTF-8");
    assert!(
        out.status.success(),
        "toadtop logs {all:?} failed ({:?}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!stdout.contains('\u{1b}'), "a raw ESC on stdout");
    assert!(
        !stdout.to_ascii_lowercase().contains("\\u001b"),
        "an escaped ESC on stdout"
    );
    let records: Vec<Value> = stdout.lines().map(parse_record).collect();
    assert!(!records.is_empty(), "no records for {cluster}/{service}");
    records
}

fn s<'a>(r: &'a Value, key: &str) -> &'a str {
    r[key]
        .as_str()
        .unwrap_or_else(|| panic!("`{key}` is not a string in {r}"))
}

fn stacktrace(r: &Value) -> Vec<&str> {
    r["stacktrace"]
        .as_array()
        .unwrap_or_else(|| panic!("stacktrace is not an array in {r}"))
        .iter()
        .map(|l| l.as_str().expect("stack-trace line is a string"))
        .collect()
}

/// Every seeded task id of a service (running and stopped).
fn task_ids(bed: &TestBed, cluster: &str, service: &str) -> Vec<String> {
    bed.services(cluster)[service]["tasks"]
        .as_array()
        .expect("tasks in the summary")
        .iter()
        .map(|t| t["id"].as_str().expect("task id").to_string())
        .collect()
}

/// A running task of a service, from the summary.
fn running_task(bed: &TestBed, cluster: &str, service: &str) -> String {
    bed.services(cluster)[service]["tasks"]
        .as_array()
        .expect("tasks in the summary")
        .iter()
        .find(|t| t["desiredStatus"] == "RUNNING")
        .and_then(|t| t["id"].as_str())
        .expect("a running task")
        .to_string()
}

/// Events seeded into one stream (the summary's `logGroups`).
fn seeded_events(bed: &TestBed, group: &str, stream: &str) -> usize {
    bed.summary["logGroups"][group][stream]
        .as_u64()
        .unwrap_or_else(|| panic!("no stream {group} {stream} in the summary")) as usize
}

/// A marker no seeded line contains.
fn marker(what: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .subsec_nanos();
    format!("{what}-{}-{nanos}", std::process::id())
}

/// A Laravel Monolog INFO line carrying `text`.
fn laravel_info(text: &str) -> String {
    format!("[2026-01-01 00:00:00] production.INFO: {text} {{\"test\":true}}")
}

#[test]
fn worker_json_joins_stack_traces_sent_as_separate_events() {
    let bed = TestBed::seeded();
    let records = json_records(&bed, "production", "worker", &[]);
    let ids = task_ids(&bed, "production", "worker");
    assert_eq!(ids.len(), 3, "two running and one stopped worker seeded");

    // Full task ids, exactly the seeded workers' (the stopped one's logs too).
    let tasks: BTreeSet<&str> = records.iter().map(|r| s(r, "task")).collect();
    let want: BTreeSet<&str> = ids.iter().map(String::as_str).collect();
    assert_eq!(tasks, want, "task ids in the output");
    assert!(
        records.iter().all(|r| s(r, "container") == "php"),
        "a worker has only php"
    );

    for id in &ids {
        let stream = format!("worker/php/{id}");
        let events = seeded_events(&bed, PRODUCTION_GROUP, &stream);
        let mine: Vec<&Value> = records.iter().filter(|r| s(r, "task") == id).collect();

        // The Laravel error arrived as 7 events (the line, `[stacktrace]`, #0..#3,
        // `[previous exception]`): one record with the other 6 as its stack trace.
        let errors: Vec<&&Value> = mine
            .iter()
            .filter(|r| s(r, "level") == "ERROR" && r["channel"] == "production")
            .collect();
        assert_eq!(
            errors.len(),
            1,
            "one Laravel ERROR record for {id}: {errors:?}"
        );
        let error = errors[0];
        assert!(
            s(error, "message").starts_with("SQLSTATE[HY000] [2002] Connection refused"),
            "message of {error}"
        );
        let trace = stacktrace(error);
        assert!(trace.len() >= 5, "stack trace of {id}: {trace:?}");
        assert!(
            trace.contains(&"[stacktrace]"),
            "no [stacktrace] in {trace:?}"
        );
        assert!(
            trace.iter().any(|l| l.starts_with("#0 ")),
            "no #0 frame in {trace:?}"
        );
        assert!(
            trace.iter().any(|l| l.starts_with("[previous exception]")),
            "no [previous exception] in {trace:?}"
        );
        // Nothing of the trace leaked out as records of its own.
        for r in &mine {
            let m = s(r, "message");
            assert!(
                !m.starts_with('#')
                    && !m.starts_with("[stacktrace]")
                    && !m.starts_with("[previous"),
                "a stack-trace line as its own record: {r}"
            );
        }
        assert_eq!(
            mine.len(),
            events - trace.len(),
            "records of {id}: every event but the joined stack-trace lines"
        );

        // Artisan's `FAIL` (red in the terminal) is an error, without its colour codes.
        let fail: Vec<&&Value> = mine
            .iter()
            .filter(|r| {
                s(r, "message").contains("App\\Jobs\\SyncInventory")
                    && s(r, "message").ends_with("FAIL")
            })
            .collect();
        assert_eq!(fail.len(), 1, "one Artisan FAIL line for {id}");
        assert_eq!(s(fail[0], "level"), "ERROR", "level of {}", fail[0]);
        assert!(
            mine.iter()
                .any(|r| s(r, "message").ends_with("DONE") && s(r, "level") == "INFO"),
            "Artisan DONE lines are INFO"
        );
    }
}

#[test]
fn web_level_container_and_task_scopes() {
    let bed = TestBed::seeded();
    let ids = task_ids(&bed, "production", "web");
    let all = json_records(&bed, "production", "web", &[]);
    let tasks: BTreeSet<&str> = all.iter().map(|r| s(r, "task")).collect();
    assert_eq!(
        tasks,
        ids.iter().map(String::as_str).collect(),
        "every web task"
    );

    // --level error: the Laravel error (php) and the 500 (nginx) of each task, nothing less.
    let errors = json_records(&bed, "production", "web", &["--level", "error"]);
    for r in &errors {
        assert!(
            ERROR_OR_WORSE.contains(&s(r, "level")),
            "below ERROR with --level error: {r}"
        );
    }
    for id in &ids {
        for container in ["php", "nginx"] {
            assert!(
                errors
                    .iter()
                    .any(|r| s(r, "task") == id && s(r, "container") == container),
                "no {container} error of {id} with --level error"
            );
        }
    }
    let want_errors = all
        .iter()
        .filter(|r| ERROR_OR_WORSE.contains(&s(r, "level")))
        .count();
    assert_eq!(
        errors.len(),
        want_errors,
        "--level error drops only lower levels"
    );

    // --container nginx: only nginx, all of it.
    let nginx = json_records(&bed, "production", "web", &["--container", "nginx"]);
    assert!(
        nginx.iter().all(|r| s(r, "container") == "nginx"),
        "not nginx: {nginx:?}"
    );
    let seeded_nginx: usize = ids
        .iter()
        .map(|id| seeded_events(&bed, PRODUCTION_GROUP, &format!("web/nginx/{id}")))
        .sum();
    assert_eq!(
        nginx.len(),
        seeded_nginx,
        "one record per nginx access line"
    );
    assert!(
        nginx
            .iter()
            .any(|r| s(r, "message").contains("\" 404 ") && s(r, "level") == "WARNING"),
        "a 404 is a WARNING"
    );

    // --task <8-char prefix>: only that task, both containers.
    let id = running_task(&bed, "production", "web");
    let one = json_records(&bed, "production", "web", &["--task", &id[..8]]);
    assert!(
        one.iter().all(|r| s(r, "task") == id),
        "other tasks with --task"
    );
    let containers: BTreeSet<&str> = one.iter().map(|r| s(r, "container")).collect();
    assert_eq!(containers, BTreeSet::from(["nginx", "php"]));

    let php: Vec<&Value> = one.iter().filter(|r| s(r, "container") == "php").collect();
    let find = |text: &str| -> &Value {
        php.iter()
            .copied()
            .find(|r| s(r, "message").contains(text))
            .unwrap_or_else(|| panic!("no php record with {text:?} in {php:?}"))
    };
    // Unicode survives intact.
    let unicode = find("Jürgen");
    assert_eq!(
        s(unicode, "message"),
        "Bestellung für Jürgen bestätigt ✓ 注文"
    );
    assert_eq!(s(unicode, "level"), "INFO");
    // The OSC title change and the clear-screen are gone, payload and all.
    let osc = find("Title change");
    let m = s(osc, "message");
    assert!(
        !m.contains('\u{1b}') && !m.contains('\u{7}'),
        "escape bytes left in {m:?}"
    );
    assert!(!m.contains("pwned"), "the OSC payload is shown: {m:?}");
    assert_eq!(m, "Title change attempt in user agent");
    assert_eq!(s(osc, "level"), "WARNING");
    // The 20 KB line, whole.
    let big = find("Webhook payload");
    assert!(
        s(big, "message").chars().count() > 19_000,
        "the 20 KB line is {} chars",
        s(big, "message").chars().count()
    );
    assert_eq!(s(big, "level"), "DEBUG");
    // The web error was one event with newlines: joined just the same.
    let error = find("SQLSTATE[HY000]");
    assert_eq!(s(error, "level"), "ERROR");
    let trace = stacktrace(error);
    assert!(trace.len() >= 5 && trace[0] == "[stacktrace]", "{trace:?}");
}

#[test]
fn text_output_indents_the_stack_trace_under_its_record() {
    let bed = TestBed::seeded();
    let id = running_task(&bed, "production", "web");
    let short = &id[..8];
    let records = json_records(&bed, "production", "web", &["--task", short]);

    let out = logs(&bed, "production", "web", &["--task", short]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(!text.contains('\u{1b}'), "colour or escapes on a pipe");
    let lines: Vec<&str> = text.lines().collect();

    // No header: every line is a record (`<rfc3339> <task8>/<container> <LEVEL> ...`)
    // or a stack-trace line indented by 4 spaces under one.
    let is_record = |l: &str| {
        l.len() > 21
            && l.as_bytes()[4] == b'-'
            && l.as_bytes()[10] == b'T'
            && l[19..].starts_with("Z ")
            && (l[21..].starts_with(&format!("{short}/php "))
                || l[21..].starts_with(&format!("{short}/nginx ")))
    };
    assert!(
        is_record(lines[0]),
        "first line is not a record: {:?}",
        lines[0]
    );
    for l in &lines {
        assert!(
            is_record(l) || l.starts_with("    "),
            "neither a record nor an indented stack-trace line: {l:?}"
        );
    }
    let record_lines = lines.iter().filter(|l| is_record(l)).count();
    assert_eq!(record_lines, records.len(), "one line per record");

    let at = lines
        .iter()
        .position(|l| l.contains(&format!("{short}/php ERROR")) && l.contains("SQLSTATE"))
        .expect("the php ERROR line");
    let error = records
        .iter()
        .find(|r| s(r, "container") == "php" && s(r, "level") == "ERROR")
        .expect("the php ERROR record");
    let trace = stacktrace(error);
    let below: Vec<&str> = lines[at + 1..at + 1 + trace.len()].to_vec();
    let want: Vec<String> = trace.iter().map(|l| format!("    {l}")).collect();
    assert_eq!(below, want, "the stack trace under the ERROR line");
    assert!(below[0] == "    [stacktrace]" && below[1].starts_with("    #0 "));
    assert!(
        lines.get(at + 1 + trace.len()).is_none_or(|l| is_record(l)),
        "the stack trace goes on past its record"
    );
}

/// Exit code 2, nothing on stdout, and stderr naming `wanted` and listing `existing`.
fn assert_not_found(out: &Output, wanted: &str, existing: &[&str]) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "exit code; stderr: {stderr}");
    assert!(
        out.stdout.is_empty(),
        "stdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(stderr.contains(wanted), "{wanted:?} not named: {stderr}");
    for e in existing {
        assert!(stderr.contains(e), "{e:?} not listed: {stderr}");
    }
}

#[test]
fn unknown_names_exit_2_and_list_what_exists() {
    let bed = TestBed::seeded();

    let out = logs(&bed, "production", "api", &[]);
    assert_not_found(&out, "api", &["scheduler", "web", "worker"]);

    let web = task_ids(&bed, "production", "web");
    let shorts: Vec<&str> = web.iter().map(|id| &id[..8]).collect();
    let out = logs(&bed, "production", "web", &["--task", "zz99"]);
    assert_not_found(&out, "zz99", &shorts);

    let out = logs(&bed, "production", "web", &["--container", "redis"]);
    assert_not_found(&out, "redis", &["nginx", "php"]);
    // With --task, the containers are that task's.
    let out = logs(
        &bed,
        "production",
        "worker",
        &[
            "--task",
            &task_ids(&bed, "production", "worker")[0],
            "--container",
            "nginx",
        ],
    );
    assert_not_found(&out, "nginx", &["php"]);

    let out = logs(&bed, "nowhere", "web", &[]);
    assert_not_found(&out, "nowhere", &["production", "production-eu", "staging"]);
    // A name that moto's substring filter would match is still not a cluster.
    let out = logs(&bed, "product", "web", &[]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `toadtop logs --follow --output json` running in the background, its stdout read as
/// records and its stderr collected.
struct Follow {
    child: Child,
    lines: Receiver<String>,
    records: Vec<Value>,
    stderr: Arc<Mutex<String>>,
    readers: Vec<JoinHandle<()>>,
}

impl Follow {
    fn start(bed: &TestBed, cluster: &str, service: &str) -> Follow {
        let mut child = bed
            .toadtop()
            .args(["logs", "--cluster", cluster, "--service", service])
            .args(["--follow", "--replan-every", "1s", "--output", "json"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start toadtop logs --follow");
        let (tx, lines) = mpsc::channel();
        let stdout = child.stdout.take().expect("piped stdout");
        let out = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut pipe = child.stderr.take().expect("piped stderr");
        let err = {
            let stderr = Arc::clone(&stderr);
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n) = pipe.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    stderr
                        .lock()
                        .unwrap()
                        .push_str(&String::from_utf8_lossy(&buf[..n]));
                }
            })
        };
        Follow {
            child,
            lines,
            records: Vec::new(),
            stderr,
            readers: vec![out, err],
        }
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Reads records until `pred` holds for everything read so far; panics after
    /// `TIMEOUT`, or if the process ends first.
    fn wait_for(&mut self, what: &str, pred: impl Fn(&[Value]) -> bool) {
        let deadline = Instant::now() + TIMEOUT;
        while !pred(&self.records) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => self.records.push(parse_record(&line)),
                Err(RecvTimeoutError::Timeout) => panic!(
                    "timed out waiting for {what}; {} records; stderr:\n{}",
                    self.records.len(),
                    self.stderr()
                ),
                Err(RecvTimeoutError::Disconnected) => panic!(
                    "toadtop logs --follow ended ({:?}) before {what}; stderr:\n{}",
                    self.child.try_wait(),
                    self.stderr()
                ),
            }
        }
    }

    /// Waits until stderr contains every one of `texts`.
    fn wait_stderr(&self, texts: &[&str]) {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let err = self.stderr();
            if texts.iter().all(|t| err.contains(t)) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {texts:?} on stderr:\n{err}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Reads until every record of `backfill` has arrived (as a multiset: same lines,
    /// same count).
    fn wait_backfill(&mut self, backfill: &[Value]) {
        let want = count(backfill);
        self.wait_for("the whole backfill", |got| {
            let got = count(got);
            want.iter()
                .all(|(k, n)| got.get(k).copied().unwrap_or(0) >= *n)
        });
    }

    /// Records whose message contains `text`.
    fn with(&self, text: &str) -> Vec<&Value> {
        self.records
            .iter()
            .filter(|r| s(r, "message").contains(text))
            .collect()
    }
}

impl Drop for Follow {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        for r in self.readers.drain(..) {
            let _ = r.join();
        }
    }
}

fn count(records: &[Value]) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for r in records {
        *m.entry(r.to_string()).or_insert(0) += 1;
    }
    m
}

#[test]
fn follow_backfills_then_polls_when_live_tail_is_refused() {
    // A role without logs:StartLiveTail (live tail itself works here: tests/live_tail.rs).
    let bed = TestBed::seeded_with(&[("TOADTOP_DENY", "Logs_20140328.StartLiveTail")]);
    let backfill = json_records(&bed, "production", "web", &[]);
    let mut follow = Follow::start(&bed, "production", "web");

    // Every record of a one-shot run, the newest of each stream included (it is held
    // back for late stack-trace lines, but not forever).
    follow.wait_backfill(&backfill);
    assert_eq!(
        follow.records.len(),
        backfill.len(),
        "more than the backfill before anything was logged"
    );
    // Polling, and the reason, on stderr.
    follow.wait_stderr(&["polling every", "live tail refused", "AccessDenied"]);

    let id = running_task(&bed, "production", "web");
    let stream = format!("web/php/{id}");
    let first = marker("follow-one");
    bed.put_log_event(PRODUCTION_GROUP, &stream, &laravel_info(&first));
    follow.wait_for("the new line", |r| {
        r.iter().any(|r| s(r, "message").contains(&first))
    });
    let got = follow.with(&first);
    let r = got[0];
    assert_eq!(s(r, "task"), id);
    assert_eq!(s(r, "container"), "php");
    assert_eq!(s(r, "level"), "INFO");
    assert_eq!(r["channel"], "production");
    assert_eq!(s(r, "message"), first);

    // A second line: by the time it shows, later polls (which look back over the first
    // one) have run, and the first is still there once.
    let second = marker("follow-two");
    bed.put_log_event(PRODUCTION_GROUP, &stream, &laravel_info(&second));
    follow.wait_for("the second new line", |r| {
        r.iter().any(|r| s(r, "message").contains(&second))
    });
    assert_eq!(follow.with(&first).len(), 1, "the first new line repeated");
    assert_eq!(
        follow.with(&second).len(),
        1,
        "the second new line repeated"
    );
    assert_eq!(
        follow.records.len(),
        backfill.len() + 2,
        "anything but the two new lines after the backfill"
    );
    assert!(
        follow.child.try_wait().expect("try_wait").is_none(),
        "--follow exited"
    );
}

#[test]
fn follow_picks_up_a_new_task_of_the_service() {
    let bed = TestBed::seeded();
    let backfill = json_records(&bed, "production", "worker", &[]);
    let mut follow = Follow::start(&bed, "production", "worker");
    follow.wait_backfill(&backfill);

    // The scheduler starts a worker; its php container logs to its own stream.
    let id = bed.run_service_task("production", "worker");
    assert!(
        !task_ids(&bed, "production", "worker").contains(&id),
        "run_task returned a seeded task"
    );
    let stream = format!("worker/php/{id}");
    bed.create_log_stream(PRODUCTION_GROUP, &stream);
    let text = marker("new-task");
    bed.put_log_event(PRODUCTION_GROUP, &stream, &laravel_info(&text));

    follow.wait_for("the new task's line", |r| {
        r.iter().any(|r| s(r, "message").contains(&text))
    });
    let got = follow.with(&text);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(
        s(got[0], "task"),
        id,
        "attributed to the new task (full id)"
    );
    assert_eq!(s(got[0], "container"), "php");
    assert_eq!(s(got[0], "level"), "INFO");
}
