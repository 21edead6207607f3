//! Faults through the real binary: throttling and 5xx answers injected by the test server
//! (`/_toadtop/faults`, every attempt counted at `/_toadtop/requests`), slow answers from
//! a delaying proxy (scripts/testbed/slow_proxy.py) and AccessDenied on single calls
//! (TOADTOP_DENY). Timings are never asserted, except that a `--timeout` run ends long
//! before the answer it gave up on would have come.

mod support;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde_json::Value;
use support::{Run, SlowProxy, TestBed};

/// A hang guard only.
const LIMIT: Duration = Duration::from_secs(180);

/// toadtop's attempts per call (src/aws/mod.rs MAX_ATTEMPTS).
const MAX_ATTEMPTS: u64 = 3;

/// `--stats`' `api calls: A=1 B=2 total=3` -> logical calls of `op` (0 when absent).
fn calls(run: &Run, op: &str) -> u64 {
    let stats = run
        .stderr
        .lines()
        .find(|l| l.starts_with("api calls:"))
        .unwrap_or_else(|| panic!("no stats line:\n{run}"));
    stats
        .split_whitespace()
        .find_map(|kv| kv.strip_prefix(&format!("{op}=")))
        .map_or(0, |n| n.parse().expect("a count"))
}

/// Requests per operation the server saw between two `requests()` readings.
fn delta(before: &BTreeMap<String, u64>, after: &BTreeMap<String, u64>, op: &str) -> u64 {
    after.get(op).copied().unwrap_or(0) - before.get(op).copied().unwrap_or(0)
}

fn services(doc: &Value, cluster: &str) -> Vec<String> {
    doc["clusters"]
        .as_array()
        .expect("clusters")
        .iter()
        .find(|c| c["name"] == cluster)
        .unwrap_or_else(|| panic!("no cluster {cluster} in {doc}"))["services"]
        .as_array()
        .expect("services")
        .iter()
        .map(|s| s["name"].as_str().expect("name").to_string())
        .collect()
}

fn warnings(run: &Run) -> Vec<&str> {
    run.stderr
        .lines()
        .filter(|l| l.starts_with("toadtop: warning:"))
        .collect()
}

#[test]
fn throttling_below_the_attempt_limit_is_retried_and_reported() {
    let bed = TestBed::seeded();
    let before = bed.requests();
    bed.inject("ListServices", "throttle", 2);
    bed.inject("DescribeServices", "throttle", 1);
    let run = bed.run(["--once", "--output", "json", "--stats"], LIMIT);
    assert_eq!(run.code, Some(0), "retries cover the throttling:\n{run}");
    let doc = run.json();
    let mut names = services(&doc, "production");
    names.sort();
    assert_eq!(names, ["scheduler", "web", "worker"]);

    // Every injected fault cost exactly one more attempt, nothing more.
    let after = bed.requests();
    for (op, injected) in [("ListServices", 2), ("DescribeServices", 1)] {
        let logical = calls(&run, op);
        assert!(logical > 0, "{op} was called:\n{run}");
        assert_eq!(
            delta(&before, &after, op),
            logical + injected,
            "{op}:\n{run}"
        );
    }
    assert_eq!(
        delta(&before, &after, "ListClusters"),
        calls(&run, "ListClusters")
    );

    let warned = warnings(&run);
    assert_eq!(warned.len(), 1, "one warning line:\n{run}");
    assert!(
        warned[0].contains("throttled DescribeServices=1 ListServices=2"),
        "{}",
        warned[0]
    );
}

#[test]
fn throttling_beyond_the_attempt_limit_fails_naming_the_call_without_a_storm() {
    let bed = TestBed::seeded();
    let before = bed.requests();
    bed.inject("ListServices", "throttle", 50);
    // One cluster: one logical ListServices call.
    let run = bed.run(["--once", "--cluster", "production", "--stats"], LIMIT);
    assert_eq!(run.code, Some(1), "an AWS failure:\n{run}");
    let error = run
        .stderr
        .lines()
        .find(|l| l.starts_with("toadtop: ListServices failed"))
        .unwrap_or_else(|| panic!("the error names the call:\n{run}"));
    assert!(error.contains("ThrottlingException"), "{error}");
    assert!(error.contains("throttled"), "{error}");
    assert!(run.stdout.is_empty(), "no half snapshot:\n{run}");

    let after = bed.requests();
    assert_eq!(calls(&run, "ListServices"), 1, "{run}");
    assert_eq!(
        delta(&before, &after, "ListServices"),
        MAX_ATTEMPTS,
        "attempts are bounded"
    );
    assert!(warnings(&run)
        .iter()
        .any(|w| w.contains(&format!("throttled ListServices={MAX_ATTEMPTS}"))));
}

#[test]
fn server_errors_are_retried_and_persistent_ones_fail_naming_the_call() {
    let bed = TestBed::seeded();
    let bad = serde_json::json!({"operation": "DescribeTasks", "kind": "teapot"});
    assert_eq!(bed.post("/_toadtop/faults", &bad).0, 400);
    let before = bed.requests();
    bed.inject("DescribeTasks", "5xx", 2);
    let run = bed.run(["--once", "--output", "json", "--stats"], LIMIT);
    assert_eq!(run.code, Some(0), "{run}");
    let doc = run.json();
    let tasks: usize = doc["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["services"].as_array().unwrap())
        .map(|s| s["tasks"].as_array().unwrap().len())
        .sum();
    assert!(tasks > 0, "tasks are there after the retries:\n{doc}");
    let after = bed.requests();
    assert_eq!(
        delta(&before, &after, "DescribeTasks"),
        calls(&run, "DescribeTasks") + 2
    );
    assert!(
        warnings(&run)
            .iter()
            .any(|w| w.contains("5xx DescribeTasks=2")),
        "{run}"
    );

    let before = bed.requests();
    bed.inject("DescribeServices", "5xx", 50);
    let run = bed.run(["--once", "--cluster", "production", "--stats"], LIMIT);
    assert_eq!(run.code, Some(1), "{run}");
    assert!(
        run.stderr
            .lines()
            .any(|l| l.starts_with("toadtop: DescribeServices failed")
                && l.contains("ServiceUnavailableException")),
        "{run}"
    );
    let after = bed.requests();
    assert_eq!(calls(&run, "DescribeServices"), 1, "{run}");
    assert_eq!(delta(&before, &after, "DescribeServices"), MAX_ATTEMPTS);
}

/// The binary with the bed's environment but another endpoint (the proxy).
fn toadtop_via(bed: &TestBed, endpoint: &str) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_toadtop"));
    bed.env(&mut cmd);
    cmd.args(["--endpoint-url", endpoint]);
    cmd
}

#[test]
fn once_gives_up_at_its_timeout_naming_the_pending_call() {
    let bed = TestBed::seeded();
    let proxy = SlowProxy::start(&bed, &[("DescribeServices", 60_000)]);
    let started = Instant::now();
    let out = toadtop_via(&bed, &proxy.endpoint)
        .args(["--once", "--cluster", "production", "--timeout", "2s"])
        .output()
        .expect("run toadtop");
    let took = started.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(
        stderr.contains("toadtop: timed out after 2s waiting for DescribeServices"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
    // Far below the 60 s answer and the SDK's own 15 s attempt timeout.
    assert!(took < Duration::from_secs(30), "took {took:?}");

    // Through the same proxy, without the slow call, the snapshot completes in time.
    let fast = SlowProxy::start(&bed, &[("*", 50)]);
    let out = toadtop_via(&bed, &fast.endpoint)
        .args(["--once", "--cluster", "production", "--timeout", "2m"])
        .output()
        .expect("run toadtop");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("laravel-web:2"));
}

const ECR: &str = "AmazonEC2ContainerRegistry_V20150921";

#[test]
fn denied_scan_findings_degrade_only_the_findings() {
    let deny = format!("{ECR}.DescribeImageScanFindings");
    let bed = TestBed::seeded_with(&[("TOADTOP_DENY", &deny)]);
    let run = bed.run(["--once", "--output", "json"], LIMIT);
    assert_eq!(run.code, Some(0), "{run}");
    let doc = run.json();
    let clusters = doc["clusters"].as_array().unwrap();
    assert_eq!(clusters.len(), 3);
    let web = clusters
        .iter()
        .find(|c| c["name"] == "production")
        .and_then(|c| c["services"].as_array())
        .and_then(|s| s.iter().find(|s| s["name"] == "web"))
        .expect("production/web");
    assert!(
        web["tasks"].as_array().is_some_and(|t| !t.is_empty()),
        "{web}"
    );

    let uri = bed.summary["ecr"]["uri"].as_str().unwrap();
    let php = &web["findings"][format!("{uri}:v1.5.0")];
    let error = php["error"].as_str().unwrap_or_else(|| panic!("{php}"));
    assert!(
        error.contains("DescribeImageScanFindings failed") && error.contains("AccessDenied"),
        "{error}"
    );
    assert!(
        php["digest"]
            .as_str()
            .is_some_and(|d| d.starts_with("sha256:")),
        "the digest still resolved: {php}"
    );
    assert_eq!(
        web["findings"]["nginx:stable-alpine"]["status"], "not in ECR",
        "{web}"
    );

    // The other alerts stand; only the finding ones are unknown now.
    let kinds: Vec<&str> = doc["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    for kind in ["task_failed", "cpu", "secret"] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
    assert!(!kinds.contains(&"finding"), "{kinds:?}");
}

#[test]
fn denied_metrics_skip_only_the_cpu_and_memory_alerts() {
    let bed = TestBed::seeded_with(&[(
        "TOADTOP_DENY",
        "GraniteServiceVersion20100801.GetMetricData",
    )]);
    let run = bed.run(["--once", "--output", "json", "--stats"], LIMIT);
    assert_eq!(run.code, Some(0), "{run}");
    let doc = run.json();
    assert_eq!(doc["clusters"].as_array().unwrap().len(), 3);
    let kinds: Vec<&str> = doc["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    assert!(!kinds.contains(&"cpu"), "{kinds:?}");
    for kind in ["task_failed", "finding", "secret"] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
    let skipped: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("GetMetricData failed"))
        .collect();
    assert!(
        skipped.iter().any(|l| l.contains("AccessDenied")
            && l.contains("CPU/memory alerts skipped for production")),
        "{run}"
    );
    // Not retried: AccessDenied is not transient.
    assert_eq!(
        bed.requests().get("GetMetricData").copied(),
        Some(calls(&run, "GetMetricData"))
    );
}
