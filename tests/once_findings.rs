//! `toadtop --once` with image-scan findings and alerts against the seeded test server
//! (scripts/testbed/seed.py): per-service findings in the JSON, the top-level alerts,
//! one DescribeImageScanFindings per distinct ECR digest, the table's Alerts section and
//! the `[alerts]` thresholds from a config file.

mod support;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use support::TestBed;

fn run(bed: &TestBed, extra: &[&str]) -> (Value, String) {
    let out = bed
        .toadtop()
        .args(["--once", "--output", "json"])
        .args(extra)
        .output()
        .expect("run toadtop");
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "stderr: {stderr}");
    let doc = serde_json::from_slice(&out.stdout).expect("stdout is one JSON document");
    (doc, stderr)
}

fn cluster<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no cluster {name}"))
}

fn service<'a>(doc: &'a Value, cluster_name: &str, name: &str) -> &'a Value {
    cluster(doc, cluster_name)["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no service {cluster_name}/{name}"))
}

fn alerts(doc: &Value) -> &Vec<Value> {
    doc["alerts"].as_array().expect("top-level alerts array")
}

fn alerts_of<'a>(doc: &'a Value, kind: &str, cluster: &str, service: &str) -> Vec<&'a Value> {
    alerts(doc)
        .iter()
        .filter(|a| a["kind"] == kind && a["cluster"] == cluster && a["service"] == service)
        .collect()
}

/// (cluster, service) of every service whose task definition runs `image`.
fn running(doc: &Value, image: &str) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for c in doc["clusters"].as_array().unwrap() {
        for s in c["services"].as_array().unwrap() {
            if s["containers"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["image"] == image)
            {
                out.insert((
                    c["name"].as_str().unwrap().to_string(),
                    s["name"].as_str().unwrap().to_string(),
                ));
            }
        }
    }
    out
}

fn write_config(bed: &TestBed, name: &str, body: &str) -> String {
    let path = bed.home.path().join(name);
    std::fs::write(&path, body).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn json_has_findings_per_service_and_the_alerts() {
    let bed = TestBed::seeded();
    let (doc, stderr) = run(&bed, &["--stats"]);
    let ecr = &bed.summary["ecr"];
    let uri = ecr["uri"].as_str().unwrap();
    let v150 = format!("{uri}:v1.5.0");
    let digest150 = ecr["images"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["tag"] == "v1.5.0")
        .and_then(|i| i["digest"].as_str())
        .unwrap();

    // --- findings of production/web ---------------------------------------------------
    let web = service(&doc, "production", "web");
    let php = &web["findings"][&v150];
    assert!(php.is_object(), "web runs {v150}: {}", web["findings"]);
    assert_eq!(php["digest"], digest150);
    assert!(digest150.starts_with("sha256:"));
    assert!(
        php["status"].as_str().is_some_and(|s| !s.is_empty()),
        "{php}"
    );
    assert_eq!(php["error"], Value::Null, "{php}");
    assert_eq!(
        php["counts"], ecr["findings"]["v1.5.0"],
        "counts as seeded: {php}"
    );
    let items = php["items"].as_array().unwrap();
    assert_eq!(items.len(), 3, "{php}");
    let cve = items
        .iter()
        .find(|i| {
            i["name"]
                .as_str()
                .is_some_and(|n| n.starts_with("CVE-2024-4577"))
        })
        .unwrap_or_else(|| panic!("CVE-2024-4577 in {php}"));
    assert_eq!(cve["severity"], "CRITICAL");
    assert!(
        cve["package"].as_str().is_some_and(|p| !p.is_empty()),
        "{cve}"
    );
    assert!(
        cve["fixed_in"].as_str().is_some_and(|p| !p.is_empty()),
        "{cve}"
    );
    assert!(cve["score"].as_f64().is_some_and(|s| s > 9.0), "{cve}");
    assert!(
        cve["url"].as_str().is_some_and(|u| u.starts_with("http")),
        "{cve}"
    );
    // Most severe first.
    assert_eq!(items[0]["severity"], "CRITICAL");

    let nginx = &web["findings"]["nginx:stable-alpine"];
    assert_eq!(nginx["status"], "not in ECR", "{}", web["findings"]);
    assert_eq!(nginx["digest"], Value::Null);
    assert_eq!(nginx["items"], serde_json::json!([]));

    // --- alerts -------------------------------------------------------------------------
    let all = alerts(&doc);
    for a in all {
        for k in [
            "level", "kind", "cluster", "service", "task", "message", "since",
        ] {
            assert!(a.get(k).is_some(), "{k} missing in {a}");
        }
        assert!(
            ["critical", "warning", "info"].contains(&a["level"].as_str().unwrap()),
            "{a}"
        );
        match &a["since"] {
            Value::Null => {}
            Value::String(t) => assert!(
                t.len() == 20 && t.ends_with('Z') && t.as_bytes()[10] == b'T',
                "since is RFC 3339: {a}"
            ),
            other => panic!("since is {other}"),
        }
    }
    // Critical first across clusters.
    let levels: Vec<&str> = all.iter().map(|a| a["level"].as_str().unwrap()).collect();
    let first_warning = levels
        .iter()
        .position(|l| *l != "critical")
        .unwrap_or(levels.len());
    assert!(
        levels[first_warning..].iter().all(|l| *l != "critical"),
        "critical alerts come first: {levels:?}"
    );

    // 1. The worker's php exited 1; the web task the scheduler stopped is no alert.
    let p = &bed.summary["clusters"]["production"]["services"];
    let failed = alerts_of(&doc, "task_failed", "production", "worker");
    assert_eq!(failed.len(), 1, "{all:#?}");
    assert_eq!(failed[0]["level"], "critical");
    assert!(failed[0]["task"].is_string());
    let msg = failed[0]["message"].as_str().unwrap();
    assert!(msg.contains("php exited 1"), "{msg}");
    assert!(failed[0]["since"].is_string());
    assert!(
        alerts_of(&doc, "task_failed", "production", "web").is_empty(),
        "scheduler-stopped task: {all:#?}"
    );
    let _ = p;

    // 4. One critical finding alert per service running v1.5.0.
    let on_v150 = running(&doc, &v150);
    assert!(on_v150.len() >= 2, "{on_v150:?}");
    let found: BTreeSet<(String, String)> = all
        .iter()
        .filter(|a| a["kind"] == "finding" && a["message"].as_str().unwrap().contains("v1.5.0"))
        .map(|a| {
            assert_eq!(a["level"], "critical");
            assert!(
                a["message"].as_str().unwrap().contains("CVE-2024-4577"),
                "{a}"
            );
            (
                a["cluster"].as_str().unwrap().to_string(),
                a["service"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(found, on_v150);
    assert!(
        !all.iter()
            .any(|a| a["kind"] == "finding" && !a["message"].as_str().unwrap().contains("v1.5.0")),
        "only v1.5.0 has a CRITICAL finding: {all:#?}"
    );

    // 5. The hot worker (seeded CPU max 97) and nobody else.
    let cpu: Vec<&Value> = all.iter().filter(|a| a["kind"] == "cpu").collect();
    assert_eq!(cpu.len(), 1, "{cpu:#?}");
    assert_eq!(
        (&cpu[0]["cluster"], &cpu[0]["service"], &cpu[0]["level"]),
        (
            &Value::from("production"),
            &Value::from("worker"),
            &Value::from("warning")
        )
    );
    assert!(
        cpu[0]["message"].as_str().unwrap().contains("97%"),
        "{}",
        cpu[0]
    );
    assert!(!all.iter().any(|a| a["kind"] == "memory"), "{all:#?}");

    // 2. staging/web's failed rollout.
    let dep = alerts_of(&doc, "deployment", "staging", "web");
    assert!(!dep.is_empty(), "{all:#?}");
    assert!(dep.iter().all(|a| a["level"] == "critical"));
    assert!(dep
        .iter()
        .any(|a| a["message"].as_str().unwrap().contains("circuit breaker")));

    // 3. The unable-to-place event.
    let ev = alerts_of(&doc, "service_event", "production", "worker");
    assert!(
        ev.iter().any(|a| a["level"] == "warning"
            && a["message"].as_str().unwrap().contains("unable to place")),
        "{all:#?}"
    );

    // --- one DescribeImageScanFindings per distinct ECR digest ---------------------------
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
    let mut digests = BTreeSet::new();
    let mut by_image = BTreeMap::new();
    for c in doc["clusters"].as_array().unwrap() {
        for s in c["services"].as_array().unwrap() {
            for (image, f) in s["findings"].as_object().unwrap() {
                by_image.insert(image.clone(), f["status"].clone());
                if let Some(d) = f["digest"].as_str() {
                    digests.insert(d.to_string());
                }
            }
        }
    }
    assert!(digests.contains(digest150));
    assert_eq!(
        count("DescribeImageScanFindings"),
        digests.len(),
        "{stats}\n{by_image:#?}"
    );
}

#[test]
fn the_table_has_an_alerts_section() {
    let bed = TestBed::seeded();
    let out = bed
        .toadtop()
        .args(["--once", "--output", "table"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let at = stdout
        .lines()
        .position(|l| l == "Alerts")
        .unwrap_or_else(|| panic!("no Alerts section:\n{stdout}"));
    let section: Vec<&str> = stdout
        .lines()
        .skip(at + 1)
        .take_while(|l| !l.is_empty())
        .collect();
    assert!(section[0].starts_with("LEVEL"), "{section:#?}");
    assert!(section.iter().any(|l| l.starts_with("CRITICAL")
        && l.contains("task_failed")
        && l.contains("production/worker")));
    assert!(section
        .iter()
        .any(|l| l.contains("cpu") && l.contains("97%")));
    assert!(section.iter().any(|l| l.contains("CVE-2024-4577")));
}

#[test]
fn alert_thresholds_come_from_the_config() {
    let bed = TestBed::seeded();
    let (base, _) = run(&bed, &[]);
    let count = |doc: &Value, kind: &str| alerts(doc).iter().filter(|a| a["kind"] == kind).count();

    let high = write_config(&bed, "high.toml", "[alerts]\nmin_severity = \"HIGH\"\n");
    let (doc, _) = run(&bed, &["--config", &high]);
    // Every seeded service runs v1.5.0 (CRITICAL + HIGH + MEDIUM): as many finding alerts,
    // each now counting the HIGH one too.
    assert_eq!(count(&doc, "finding"), count(&base, "finding"));
    for a in alerts(&base).iter().filter(|a| a["kind"] == "finding") {
        let m = a["message"].as_str().unwrap();
        assert!(m.contains("1 finding(s) at or above CRITICAL"), "{m}");
        assert!(!m.contains("CVE-2024-2511"), "{m}");
    }
    let v150: Vec<&Value> = alerts(&doc)
        .iter()
        .filter(|a| a["kind"] == "finding" && a["message"].as_str().unwrap().contains("v1.5.0"))
        .collect();
    assert!(!v150.is_empty());
    for a in v150 {
        let m = a["message"].as_str().unwrap();
        assert!(m.contains("2 finding(s) at or above HIGH"), "{m}");
        assert!(
            m.contains("CVE-2024-4577") && m.contains("CVE-2024-2511"),
            "{m}"
        );
    }

    let cool = write_config(&bed, "cpu.toml", "[alerts]\ncpu_max_percent = 99\n");
    let (doc, _) = run(&bed, &["--config", &cool]);
    assert_eq!(count(&doc, "cpu"), 0, "{:#?}", alerts(&doc));
    assert_eq!(count(&doc, "task_failed"), count(&base, "task_failed"));
    assert_eq!(count(&doc, "finding"), count(&base, "finding"));
}
