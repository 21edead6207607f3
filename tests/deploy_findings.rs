//! `toadtop deploy --dry-run` and `--fail-on` against the seeded test server, whose
//! app repository is scanned with Inspector (seed.py's enhanced_scanning): DescribeImages
//! carries no severity summary there, and v1.4.0's findings (two CRITICAL, one HIGH) come
//! only as `enhancedFindings`, without `findingSeverityCounts`. What the server was asked
//! is read from its request counter. Time limits are hang guards only.

mod support;

use std::time::Duration;

use serde_json::{json, Value};
use support::{Run, TestBed};

const LIMIT: Duration = Duration::from_secs(120);

fn deploy(bed: &TestBed, extra: &[&str]) -> Run {
    let mut args = vec![
        "deploy",
        "--cluster",
        "production",
        "--service",
        "web",
        "--poll-every",
        "1s",
    ];
    args.extend_from_slice(extra);
    bed.run(args, LIMIT)
}

fn digest_of(bed: &TestBed, tag: &str) -> String {
    bed.summary["ecr"]["images"]
        .as_array()
        .and_then(|a| a.iter().find(|i| i["tag"] == tag))
        .and_then(|i| i["digest"].as_str())
        .unwrap_or_else(|| panic!("no {tag} in the seed"))
        .to_string()
}

/// Requests per operation since the last reset.
fn reset_requests(bed: &TestBed) {
    let (status, body) = bed.post("/_toadtop/requests", &json!({}));
    assert_eq!(status, 200, "{body}");
}

fn count(bed: &TestBed, op: &str) -> u64 {
    bed.requests().get(op).copied().unwrap_or(0)
}

const V140_CRITICAL: &str =
    "! php v1.4.0: 2 findings at or above CRITICAL (CVE-2024-4577, CVE-2024-5535)";

#[test]
fn the_test_fleet_scans_the_app_repository_with_inspector() {
    let bed = TestBed::seeded();
    let out = bed.boto(
        r#"
ecr = _s.client('ecr', endpoint_url=os.environ['TOADTOP_TEST_ENDPOINT'], config=_cfg)
conf = ecr.get_registry_scanning_configuration()['scanningConfiguration']
imgs = ecr.describe_images(repositoryName='laravel-app')['imageDetails']
print(json.dumps({'conf': conf, 'summaries': [i.get('imageScanFindingsSummary') for i in imgs]}))
"#,
        &json!({}),
    );
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(v["conf"]["scanType"], "ENHANCED", "{v}");
    assert_eq!(
        v["conf"]["rules"][0]["scanFrequency"], "CONTINUOUS_SCAN",
        "{v}"
    );
    let summaries = v["summaries"].as_array().unwrap();
    assert_eq!(summaries.len(), 3, "{v}");
    assert!(
        summaries.iter().all(Value::is_null),
        "no DescribeImages summary: {v}"
    );
}

#[test]
fn dry_run_shows_each_new_image_s_findings_in_text_and_json() {
    let bed = TestBed::seeded();
    let run = deploy(&bed, &["--image", "php=:v1.4.0", "--dry-run"]);
    assert_eq!(run.code, Some(0), "{run}");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(
        lines.contains(
            &"  findings php v1.4.0: CRITICAL 2, HIGH 1 (scan ACTIVE, enhanced, continuous)"
        ),
        "{run}"
    );
    // [alerts] min_severity (CRITICAL by default) decides what is flagged without --fail-on.
    assert!(lines.contains(&V140_CRITICAL), "{run}");
    assert!(!run.stdout.contains("not scanned"), "{run}");
    assert!(run.stdout.contains("dry run: nothing registered"), "{run}");

    let run = deploy(
        &bed,
        &["--image", "php=:v1.4.0", "--dry-run", "--output", "json"],
    );
    assert_eq!(run.code, Some(0), "{run}");
    let out = run.json();
    let php = &out["findings"]["php"];
    assert_eq!(php["digest"], digest_of(&bed, "v1.4.0").as_str(), "{out}");
    assert_eq!(php["status"], "ACTIVE", "{out}");
    assert_eq!(php["counts"], json!({"CRITICAL": 2, "HIGH": 1}), "{out}");
    assert_eq!(
        php["at_or_above"],
        json!({"severity": "CRITICAL", "count": 2}),
        "{out}"
    );
    assert_eq!(php["scan_settings"], "enhanced, continuous", "{out}");
    assert_eq!(php["error"], Value::Null, "{out}");
    assert!(
        php["image"]
            .as_str()
            .is_some_and(|i| i.ends_with("laravel-app:v1.4.0")),
        "{out}"
    );
    assert_eq!(out["fail_on"], Value::Null);
    assert_eq!(out["refused"], Value::Null);
    // Only the container that changes has a new image to judge.
    assert_eq!(out["findings"].as_object().unwrap().len(), 1, "{out}");
    // The basic scan of v1.4.1 (moto's default answer) keeps working.
    let run = deploy(
        &bed,
        &["--image", "php=:v1.4.1", "--dry-run", "--output", "json"],
    );
    assert_eq!(run.code, Some(0), "{run}");
    let php = &run.json()["findings"]["php"];
    assert_eq!(php["status"], "COMPLETE", "{php}");
    assert_eq!(php["counts"], json!({"HIGH": 1}), "{php}");
}

#[test]
fn fail_on_critical_refuses_before_anything_is_registered() {
    let bed = TestBed::seeded();
    let before = bed.describe_service("production", "web");
    let revisions = bed.revisions("laravel-web");

    // A dry run says it would be refused, with the same exit code.
    let run = deploy(
        &bed,
        &[
            "--image",
            "php=:v1.4.0",
            "--dry-run",
            "--fail-on",
            "CRITICAL",
            "--output",
            "json",
        ],
    );
    assert_eq!(run.code, Some(3), "{run}");
    let out = run.json();
    assert_eq!(out["fail_on"], "CRITICAL");
    assert!(
        out["refused"]
            .as_str()
            .is_some_and(|r| r.contains("php v1.4.0 has 2 findings at or above CRITICAL")),
        "{out}"
    );
    assert!(bed.audit_log().is_empty(), "a dry run writes no audit line");

    reset_requests(&bed);
    let run = deploy(&bed, &["--image", "php=:v1.4.0", "--fail-on", "critical"]);
    assert_eq!(run.code, Some(3), "{run}");
    let summary = run.stdout.trim();
    assert_eq!(
        summary,
        "deploy production/web: failed at step findings: --fail-on CRITICAL: php v1.4.0 has 2 \
         findings at or above CRITICAL (CVE-2024-4577, CVE-2024-5535); nothing was registered; \
         the service is unchanged",
        "{run}"
    );
    assert!(run.stderr.contains(V140_CRITICAL), "{run}");
    // Nothing registered or changed: counted by the server.
    assert!(
        count(&bed, "DescribeImageScanFindings") >= 1,
        "{:?}",
        bed.requests()
    );
    for op in ["RegisterTaskDefinition", "UpdateService", "RunTask"] {
        assert_eq!(count(&bed, op), 0, "{op}: {:?}", bed.requests());
    }
    assert_eq!(bed.revisions("laravel-web"), revisions);
    let now = bed.describe_service("production", "web");
    assert_eq!(now["taskDefinition"], before["taskDefinition"]);
    let ids = |v: &Value| -> Vec<Value> {
        v["deployments"]
            .as_array()
            .map(|d| d.iter().map(|d| d["id"].clone()).collect())
            .unwrap_or_default()
    };
    assert_eq!(ids(&now), ids(&before), "deployments changed: {now}");

    let audit = bed.audit_log();
    assert_eq!(audit.len(), 2, "{audit:?}");
    assert_eq!(audit[0]["phase"], "start");
    let end = &audit[1];
    assert_eq!(end["phase"], "end");
    assert_eq!(end["result"], "failed", "{end}");
    assert_eq!(end["failed_step"], "findings", "{end}");
    assert_eq!(end["after"], Value::Null, "{end}");
    assert!(
        end["reason"]
            .as_str()
            .is_some_and(|r| r.starts_with("--fail-on CRITICAL: php v1.4.0 has 2 findings")),
        "{end}"
    );

    // JSON: the same outcome.
    let run = deploy(
        &bed,
        &[
            "--image",
            "php=:v1.4.0",
            "--fail-on",
            "CRITICAL",
            "--output",
            "json",
        ],
    );
    assert_eq!(run.code, Some(3), "{run}");
    let out = run.json();
    assert_eq!(out["result"], "failed");
    assert_eq!(out["failed_step"], "findings");
    assert_eq!(count(&bed, "RegisterTaskDefinition"), 0);
}

#[test]
fn fail_on_passes_images_whose_findings_are_below_it() {
    let bed = TestBed::seeded();
    // Not a severity: bad input, nothing called.
    let run = deploy(&bed, &["--image", "php=:v1.4.1", "--fail-on", "severe"]);
    assert_eq!(run.code, Some(2), "{run}");
    assert!(run.stderr.contains("CRITICAL, HIGH"), "{run}");

    // v1.4.1 has one HIGH: --fail-on HIGH refuses it ...
    let run = deploy(&bed, &["--image", "php=:v1.4.1", "--fail-on", "HIGH"]);
    assert_eq!(run.code, Some(3), "{run}");
    assert!(
        run.stdout
            .contains("php v1.4.1 has 1 finding at or above HIGH"),
        "{run}"
    );

    // ... --fail-on CRITICAL lets it through, and the deploy runs as usual.
    reset_requests(&bed);
    let run = deploy(
        &bed,
        &[
            "--image",
            "php=:v1.4.1",
            "--fail-on",
            "CRITICAL",
            "--output",
            "json",
        ],
    );
    assert_eq!(run.code, Some(0), "{run}");
    assert_eq!(run.json()["result"], "succeeded", "{run}");
    assert!(
        run.stderr
            .contains("  findings php v1.4.1: HIGH 1 (scan COMPLETE"),
        "{run}"
    );
    assert!(!run.stderr.contains("! php"), "{run}");
    assert_eq!(
        count(&bed, "RegisterTaskDefinition"),
        1,
        "{:?}",
        bed.requests()
    );
    let svc = bed.describe_service("production", "web");
    assert!(
        svc["taskDefinition"]
            .as_str()
            .is_some_and(|t| t.ends_with("laravel-web:3")),
        "{svc}"
    );
}
