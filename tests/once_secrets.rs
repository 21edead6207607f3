//! Secrets health through the real binary against the seeded test server (see `parameters`
//! and `php` in scripts/testbed/seed.py): every php container names SSM parameters by ARN,
//! by bare hierarchical name and by bare top-level name, plus one Secrets Manager secret;
//! production's worker also names /laravel/production/HORIZON_LICENSE_KEY, which does not
//! exist. Values are never read: the seeded ones must not appear anywhere in the output.

mod support;

use std::collections::BTreeSet;

use serde_json::Value;
use support::{Run, TestBed};

const LIMIT: std::time::Duration = std::time::Duration::from_secs(120);

fn find<'a>(items: &'a Value, name: &str) -> &'a Value {
    items
        .as_array()
        .and_then(|a| a.iter().find(|x| x["name"] == name))
        .unwrap_or_else(|| panic!("no {name} in {items}"))
}

fn services(doc: &Value) -> impl Iterator<Item = (&str, &Value)> {
    doc["clusters"].as_array().unwrap().iter().flat_map(|c| {
        let cluster = c["name"].as_str().unwrap();
        c["services"]
            .as_array()
            .unwrap()
            .iter()
            .map(move |s| (cluster, s))
    })
}

/// Stats line `api calls: A=1 B=2 total=3` -> count of `op` (0 when absent).
fn count(run: &Run, op: &str) -> usize {
    let stats = run
        .stderr
        .lines()
        .find(|l| l.starts_with("api calls:"))
        .unwrap_or_else(|| panic!("no stats line:\n{run}"));
    stats
        .split_whitespace()
        .find_map(|kv| kv.strip_prefix(&format!("{op}=")))
        .map_or(0, |n| n.parse().unwrap())
}

fn assert_no_values(bed: &TestBed, run: &Run) {
    let values = bed.summary["secrets"]["values"].as_array().unwrap();
    assert!(!values.is_empty());
    for v in values {
        let v = v.as_str().unwrap();
        assert!(!run.stdout.contains(v), "secret value {v} on stdout");
        assert!(!run.stderr.contains(v), "secret value {v} on stderr");
    }
}

#[test]
fn secrets_show_existence_type_and_version_never_values() {
    let bed = TestBed::seeded();
    let run = bed.run(["--once", "--output", "json", "--stats"], LIMIT);
    assert_eq!(run.code, Some(0), "{run}");
    let doc = run.json();
    let seeded = &bed.summary["secrets"];

    let mut checked = 0;
    for (cluster, svc) in services(&doc) {
        let env = if cluster == "staging" {
            "staging"
        } else {
            "production"
        };
        let secrets = &svc["secrets"];
        let at = format!("{cluster}/{}", svc["name"]);
        for row in secrets.as_array().unwrap() {
            for k in [
                "container",
                "name",
                "value_from",
                "parameter",
                "source",
                "state",
                "exists",
                "note",
                "type",
                "version",
                "last_modified",
            ] {
                assert!(row.get(k).is_some(), "{k} missing in {row}");
            }
        }

        // By ARN: the name keeps its leading slash; DB_PASSWORD was rotated in production.
        let db = find(secrets, "DB_PASSWORD");
        assert_eq!(db["container"], "php", "{at}");
        assert_eq!(
            db["parameter"],
            format!("/laravel/{env}/DB_PASSWORD"),
            "{at}"
        );
        assert!(db["value_from"]
            .as_str()
            .unwrap()
            .starts_with("arn:aws:ssm:"));
        assert_eq!(
            (&db["source"], &db["state"], &db["exists"]),
            (&"ssm".into(), &"exists".into(), &true.into()),
            "{at}"
        );
        assert_eq!(db["type"], "SecureString", "{at}");
        assert_eq!(
            db["version"],
            if env == "production" { 2 } else { 1 },
            "{at}"
        );
        let modified = db["last_modified"].as_str().unwrap();
        assert!(modified.len() == 20 && modified.ends_with('Z'), "{db}");

        // By bare hierarchical name, a plain String.
        let sentry = find(secrets, "SENTRY_DSN");
        assert_eq!(sentry["exists"], true, "{at}");
        assert_eq!(sentry["type"], seeded["types"]["SENTRY_DSN"], "{at}");
        assert_eq!(sentry["version"], 1, "{at}");

        // By bare top-level name.
        let pusher = find(secrets, "PUSHER_APP_SECRET");
        assert_eq!(pusher["parameter"], format!("laravel-{env}-pusher-secret"));
        assert_eq!(pusher["exists"], true, "{at}");

        // Secrets Manager: listed as such, its existence not checked.
        let stripe = find(secrets, "STRIPE_SECRET");
        assert_eq!(stripe["source"], "secretsmanager", "{at}");
        assert_eq!(stripe["state"], "not checked", "{at}");
        assert_eq!(stripe["exists"], Value::Null, "{at}");
        assert_eq!(stripe["parameter"], seeded["secretsManager"][env], "{at}");
        assert!(stripe["note"].as_str().unwrap().contains("not checked"));

        // The missing one, only where it is referenced.
        let missing: Vec<&Value> = secrets
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["exists"] == false)
            .collect();
        if (cluster, svc["name"].as_str().unwrap()) == ("production", "worker") {
            assert_eq!(missing.len(), 1, "{secrets}");
            assert_eq!(missing[0]["name"], seeded["missingIn"]["name"]);
            assert_eq!(missing[0]["parameter"], seeded["missing"]);
            assert_eq!(missing[0]["state"], "missing");
            assert_eq!(missing[0]["type"], Value::Null);
        } else {
            assert!(missing.is_empty(), "{at}: {secrets}");
        }
        checked += 1;
    }
    let seeded_services: usize = bed.summary["clusters"]
        .as_object()
        .unwrap()
        .values()
        .map(|c| c["services"].as_object().unwrap().len())
        .sum();
    assert_eq!(checked, seeded_services, "every fleet service was checked");

    // The missing parameter is one critical alert naming service, container and parameter.
    let alerts: Vec<&Value> = doc["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["kind"] == "secret")
        .collect();
    assert_eq!(alerts.len(), 1, "{:#}", doc["alerts"]);
    let a = alerts[0];
    assert_eq!(
        (&a["level"], &a["cluster"], &a["service"]),
        (&"critical".into(), &"production".into(), &"worker".into())
    );
    let msg = a["message"].as_str().unwrap();
    for want in [
        "php",
        "HORIZON_LICENSE_KEY",
        seeded["missing"].as_str().unwrap(),
    ] {
        assert!(msg.contains(want), "{want} missing in {msg}");
    }

    assert_no_values(&bed, &run);

    // DescribeParameters only, never a call that reads values. Clusters are checked one
    // after another (production, production-eu, staging) and answers are cached, so each
    // distinct name is asked once: production's names in one call, production-eu (same
    // task definition) in none, staging's in one. moto answers 10 parameters a page.
    assert_eq!(count(&run, "GetParameter"), 0, "{run}");
    assert_eq!(count(&run, "GetParameters"), 0, "{run}");
    assert_eq!(count(&run, "GetParametersByPath"), 0, "{run}");
    let mut seen = BTreeSet::new();
    let mut calls = 0;
    for c in doc["clusters"].as_array().unwrap() {
        let mut new = BTreeSet::new();
        for s in c["services"].as_array().unwrap() {
            for r in s["secrets"].as_array().unwrap() {
                let name = r["parameter"].as_str().unwrap();
                if r["source"] == "ssm" && !seen.contains(name) {
                    new.insert(name);
                }
            }
        }
        assert!(new.len() <= 50, "one batch per cluster in this fleet");
        calls += new.len().div_ceil(10);
        seen.extend(new);
    }
    assert_eq!(calls, 2, "{seen:?}");
    assert_eq!(count(&run, "DescribeParameters"), calls, "{run}");

    // The table: one row per service, the missing parameter named; no values either.
    let table = bed.run(["--once"], LIMIT);
    assert_eq!(table.code, Some(0), "{table}");
    let worker = table
        .stdout
        .split("Secrets in production\n")
        .nth(1)
        .and_then(|s| s.lines().find(|l| l.starts_with("worker ")))
        .unwrap_or_else(|| panic!("no worker secrets row:\n{table}"));
    let cols: Vec<&str> = worker.split_whitespace().collect();
    // SERVICE SECRETS EXIST MISSING NOT-CHECKED UNKNOWN MISSING-PARAMETERS
    assert_eq!(&cols[..6], ["worker", "7", "5", "1", "1", "0"], "{worker}");
    assert!(
        worker.contains("php:HORIZON_LICENSE_KEY←/laravel/production/HORIZON_LICENSE_KEY"),
        "{worker}"
    );
    assert_no_values(&bed, &table);
}

#[test]
fn access_denied_leaves_secrets_unknown_and_the_rest_intact() {
    let bed = TestBed::seeded_with(&[("TOADTOP_DENY", "AmazonSSM.DescribeParameters")]);
    let run = bed.run(["--once", "--output", "json", "--stats"], LIMIT);
    assert_eq!(
        run.code,
        Some(0),
        "a denied secrets check fails nothing else:\n{run}"
    );
    let doc = run.json();
    assert_eq!(doc["clusters"].as_array().unwrap().len(), 3);

    for (cluster, svc) in services(&doc) {
        for r in svc["secrets"].as_array().unwrap() {
            if r["source"] == "secretsmanager" {
                assert_eq!(r["state"], "not checked");
                continue;
            }
            assert_eq!(r["state"], "unknown", "{cluster}: {r}");
            assert_eq!(r["exists"], Value::Null, "{cluster}: {r}");
            let note = r["note"].as_str().unwrap();
            assert!(
                note.contains("DescribeParameters failed") && note.contains("AccessDenied"),
                "{note}"
            );
        }
    }
    // Not knowing is not "missing": no secret alert, the other alerts still there.
    let kinds: BTreeSet<&str> = doc["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    assert!(!kinds.contains("secret"), "{kinds:?}");
    assert!(kinds.contains("task_failed"), "{kinds:?}");

    // One line on stderr names the call and every cluster it hit.
    let lines: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("toadtop:") && l.contains("DescribeParameters"))
        .collect();
    assert_eq!(lines.len(), 1, "{run}");
    assert!(
        lines[0].contains("production, production-eu, staging"),
        "{}",
        lines[0]
    );
    // Denied answers are cached like others: production's batch and staging's, no retry
    // storm (the SDK does not retry AccessDenied).
    assert_eq!(count(&run, "DescribeParameters"), 2, "{run}");
    assert_no_values(&bed, &run);
}
