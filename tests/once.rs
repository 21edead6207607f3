//! `toadtop --once` against the seeded test server: the JSON and table snapshots agree
//! with what the server holds, the call count matches the batching, and bad input fails
//! with one clear line.

mod support;

use std::collections::BTreeSet;

use serde_json::Value;
use support::TestBed;

fn run_json(bed: &TestBed, extra: &[&str]) -> Value {
    let out = bed
        .toadtop()
        .args(["--once", "--output", "json"])
        .args(extra)
        .output()
        .expect("run toadtop");
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is one JSON document")
}

fn find<'a>(items: &'a Value, name: &str) -> &'a Value {
    items
        .as_array()
        .and_then(|a| a.iter().find(|x| x["name"] == name))
        .unwrap_or_else(|| panic!("no {name} in {items}"))
}

#[test]
fn json_snapshot_matches_the_server() {
    let bed = TestBed::seeded();
    let doc = run_json(&bed, &[]);
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["region"], "us-east-1");
    assert!(doc["taken_at"]
        .as_str()
        .is_some_and(|t| t.ends_with('Z') && t.len() == 20));

    let names: BTreeSet<&str> = doc["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    let seeded: BTreeSet<&str> = bed.summary["clusters"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(names, seeded);

    for (cluster_name, seeded_cluster) in bed.summary["clusters"].as_object().unwrap() {
        let cluster = find(&doc["clusters"], cluster_name);
        assert_eq!(cluster["arn"], seeded_cluster["arn"]);
        assert_eq!(cluster["status"], "ACTIVE");
        let services = seeded_cluster["services"].as_object().unwrap();
        assert_eq!(
            cluster["services"].as_array().unwrap().len(),
            services.len()
        );
        assert_eq!(cluster["active_services"], services.len());
        for (svc_name, seeded_svc) in services {
            let svc = find(&cluster["services"], svc_name);
            assert_eq!(svc["arn"], seeded_svc["arn"]);
            assert_eq!(
                svc["desired"], seeded_svc["desiredCount"],
                "{cluster_name}/{svc_name}"
            );
            assert_eq!(svc["exec_enabled"], seeded_svc["enableExecuteCommand"]);
            let td = seeded_svc["taskDefinition"].as_str().unwrap();
            assert_eq!(svc["task_definition"], td.rsplit('/').next().unwrap());
            assert_eq!(svc["launch_type"], "FARGATE");

            // Every seeded task shows up under its own service, stopped ones included
            // (they need ListTasks desiredStatus=STOPPED), and nothing else does.
            let want: BTreeSet<&str> = seeded_svc["tasks"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["id"].as_str().unwrap())
                .collect();
            let got: BTreeSet<&str> = svc["tasks"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["id"].as_str().unwrap())
                .collect();
            assert_eq!(got, want, "{cluster_name}/{svc_name} tasks");
            let running = svc["tasks"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|t| t["last_status"] == "RUNNING")
                .count();
            assert_eq!(svc["running"], running);

            for seeded_task in seeded_svc["tasks"].as_array().unwrap() {
                let task = svc["tasks"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|t| t["id"] == seeded_task["id"])
                    .unwrap();
                assert_eq!(task["arn"], seeded_task["arn"]);
                assert_eq!(task["last_status"], seeded_task["lastStatus"]);
                assert_eq!(task["desired_status"], seeded_task["desiredStatus"]);
                assert_eq!(task["stop_code"], seeded_task["stopCode"]);
                assert_eq!(task["stopped_reason"], seeded_task["stoppedReason"]);
                for sc in seeded_task["containers"].as_array().unwrap() {
                    let c = find(&task["containers"], sc["name"].as_str().unwrap());
                    assert_eq!(c["last_status"], sc["lastStatus"]);
                    assert_eq!(
                        c["exit_code"],
                        sc.get("exitCode").cloned().unwrap_or(Value::Null)
                    );
                }
            }
        }
    }

    // The seeded details an operator looks for.
    let prod = find(&doc["clusters"], "production");
    let web = find(&prod["services"], "web");
    let containers: Vec<(&str, bool)> = web["containers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap(),
                c["read_only_root"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(containers, vec![("php", true), ("nginx", true)]);
    assert_eq!(web["deployments"][0]["status"], "PRIMARY");
    assert_eq!(web["deployments"][0]["task_definition"], "laravel-web:2");
    let worker = find(&prod["services"], "worker");
    let failed = worker["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["last_status"] == "STOPPED")
        .unwrap();
    assert_eq!(failed["stop_code"], "EssentialContainerExited");
    assert_eq!(failed["containers"][0]["exit_code"], 1);
    // Event text from AWS is stripped of escape sequences before it reaches stdout.
    let events = web["events"].as_array().unwrap();
    assert!(!events.is_empty());
    let text = serde_json::to_string(&doc).unwrap();
    assert!(
        !text.contains("\\u001b"),
        "escape sequence leaked into JSON"
    );
    assert!(events
        .iter()
        .any(|e| e["message"].as_str().unwrap().contains("red")));
}

#[test]
fn api_calls_follow_the_batching() {
    let bed = TestBed::seeded();
    let out = bed
        .toadtop()
        .args(["--once", "--output", "json", "--stats"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stats = stderr
        .lines()
        .find(|l| l.starts_with("api calls:"))
        .expect("stats line");
    let count = |op: &str| -> usize {
        stats
            .split_whitespace()
            .find_map(|kv| kv.strip_prefix(&format!("{op}=")))
            .map_or(0, |n| n.parse().unwrap())
    };
    let clusters = bed.summary["clusters"].as_object().unwrap();
    let mut services = 0;
    let mut describe_services = 0;
    let mut describe_tasks = 0;
    let mut revisions = BTreeSet::new();
    for c in clusters.values() {
        let svcs = c["services"].as_object().unwrap();
        services += svcs.len();
        describe_services += svcs.len().div_ceil(10);
        let tasks: usize = svcs
            .values()
            .map(|s| s["tasks"].as_array().unwrap().len())
            .sum();
        describe_tasks += tasks.div_ceil(100);
        for s in svcs.values() {
            revisions.insert(s["taskDefinition"].as_str().unwrap().to_string());
        }
    }
    assert!(services > 0);
    assert_eq!(count("ListClusters"), 1);
    assert_eq!(count("DescribeClusters"), 1);
    assert_eq!(count("ListServices"), clusters.len());
    assert_eq!(count("DescribeServices"), describe_services);
    // One RUNNING and one STOPPED listing per cluster, not one per service.
    assert_eq!(count("ListTasks"), 2 * clusters.len());
    assert_eq!(count("DescribeTasks"), describe_tasks);
    // Each distinct revision once, even where clusters share one.
    assert_eq!(count("DescribeTaskDefinition"), revisions.len());
    // Secrets: one DescribeParameters per cluster with names not asked yet (up to 50 names
    // a call; moto pages at 10). production's 6 distinct parameters (5 present, 1 missing)
    // take one call, production-eu runs production's task definition (answers cached: no
    // call), staging's 5 take one: 2. Values are never read.
    assert_eq!(count("DescribeParameters"), 2, "{stats}");
    assert_eq!(count("GetParameter") + count("GetParameters"), 0, "{stats}");
}

#[test]
fn cluster_flag_limits_and_globs() {
    let bed = TestBed::seeded();
    let doc = run_json(&bed, &["--cluster", "production"]);
    let names: Vec<&str> = doc["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["production"]);
    // production-eu's task must not leak into production (moto's filter is a substring match).
    let eu_task = bed.summary["clusters"]["production-eu"]["services"]["web"]["tasks"][0]["id"]
        .as_str()
        .unwrap();
    assert!(!doc.to_string().contains(eu_task));

    let doc = run_json(&bed, &["--cluster", "production*"]);
    assert_eq!(doc["clusters"].as_array().unwrap().len(), 2);
}

#[test]
fn table_output_lists_clusters_services_and_tasks() {
    let bed = TestBed::seeded();
    let out = bed.toadtop().args(["--once"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("CLUSTER"), "{text}");
    for c in ["production", "production-eu", "staging"] {
        assert!(text.lines().any(|l| l.starts_with(c)), "cluster row {c}");
    }
    let web_row = text
        .lines()
        .find(|l| l.starts_with("web ") && l.contains("laravel-web:2"))
        .expect("web service row");
    assert!(web_row.contains("nginx:stable-alpine"));
    assert!(
        text.contains("php exit 1 ro"),
        "failed worker container: {text}"
    );
    assert!(!text.contains('\u{1b}'));
}

#[test]
fn unknown_cluster_names_the_existing_ones() {
    let bed = TestBed::seeded();
    let out = bed
        .toadtop()
        .args(["--once", "--cluster", "prodution"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("`prodution`"), "{err}");
    assert!(err.contains("production, production-eu, staging"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn unreachable_endpoint_is_one_clear_line() {
    let bed = TestBed::empty();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_toadtop"));
    bed.env(&mut cmd);
    // Port 9 (discard) on loopback: nothing listens there in the test environment.
    let out = cmd
        .args(["--once", "--endpoint-url", "http://127.0.0.1:9"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("ListClusters failed"), "{err}");
    assert!(err.contains("cannot reach the endpoint"), "{err}");
    assert!(
        !err.contains("panicked") && !err.contains("backtrace"),
        "{err}"
    );
}

#[test]
fn missing_credentials_is_one_clear_line() {
    let bed = TestBed::seeded();
    let out = bed
        .toadtop()
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .args(["--once"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("ListClusters failed: no usable AWS credentials"),
        "{err}"
    );
}

#[test]
fn missing_region_is_one_clear_line() {
    let bed = TestBed::empty();
    let out = bed
        .toadtop()
        .env_remove("AWS_REGION")
        .args(["--once"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no AWS region"), "{err}");
    // With --region it works against the same (empty) server.
    let out = bed
        .toadtop()
        .env_remove("AWS_REGION")
        .args(["--once", "--output", "json", "--region", "us-east-1"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["clusters"], Value::Array(vec![]));
}

#[test]
fn bad_config_names_file_line_and_key() {
    let bed = TestBed::empty();
    let path = bed.home.path().join("bad.toml");
    std::fs::write(
        &path,
        "refresh_secs = 5\nclusters = [\"production\"]\nrefresh_sec = 3\n",
    )
    .unwrap();
    let out = bed
        .toadtop()
        .args(["--once", "--config"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&path.display().to_string()), "{err}");
    assert!(err.contains("line 3"), "{err}");
    assert!(err.contains("refresh_sec"), "{err}");

    // The same file in the default location is read too.
    let default = bed.home.path().join("config/toadtop/config.toml");
    std::fs::create_dir_all(default.parent().unwrap()).unwrap();
    std::fs::write(&default, "[theme]\nok = 3\n").unwrap();
    let out = bed.toadtop().args(["--once"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 2"));
}

#[test]
fn config_clusters_apply_and_flag_overrides_them() {
    let bed = TestBed::seeded();
    let path = bed.home.path().join("c.toml");
    std::fs::write(&path, "clusters = [\"staging\"]\n").unwrap();
    let cfg = path.to_str().unwrap();
    let doc = run_json(&bed, &["--config", cfg]);
    let names: Vec<&str> = doc["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["staging"]);
    let doc = run_json(&bed, &["--config", cfg, "--cluster", "production-eu"]);
    assert_eq!(doc["clusters"][0]["name"], "production-eu");
}
