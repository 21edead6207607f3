//! `--once --output json` carries `console_url` on clusters, services and tasks (service
//! tasks and standalone ones): the real AWS console's pages, though toadtop talks to the
//! test server, built from each resource's ARN.

mod support;

use serde_json::Value;
use support::TestBed;

fn run_json(bed: &TestBed) -> Value {
    let out = bed
        .toadtop()
        .args(["--once", "--output", "json"])
        .output()
        .expect("run toadtop");
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is one JSON document")
}

/// The region field of an ARN.
fn region_of(arn: &str) -> &str {
    arn.split(':').nth(3).expect("an ARN with a region")
}

fn url(v: &Value) -> &str {
    v["console_url"]
        .as_str()
        .unwrap_or_else(|| panic!("no console_url in {v}"))
}

fn check_task(t: &Value, cluster: &str) {
    let arn = t["arn"].as_str().expect("task arn");
    let id = t["id"].as_str().expect("task id");
    let r = region_of(arn);
    assert_eq!(
        url(t),
        format!(
            "https://{r}.console.aws.amazon.com/ecs/v2/clusters/{cluster}/tasks/{id}/configuration?region={r}"
        )
    );
}

#[test]
fn clusters_services_and_tasks_carry_their_console_url() {
    let bed = TestBed::seeded();
    let doc = run_json(&bed);
    let clusters = doc["clusters"].as_array().expect("clusters");
    assert!(!clusters.is_empty());
    let (mut services, mut tasks, mut standalone) = (0, 0, 0);
    for c in clusters {
        let name = c["name"].as_str().expect("cluster name");
        let r = region_of(c["arn"].as_str().expect("cluster arn"));
        assert_eq!(
            url(c),
            format!(
                "https://{r}.console.aws.amazon.com/ecs/v2/clusters/{name}/services?region={r}"
            )
        );
        for s in c["services"].as_array().expect("services") {
            let svc = s["name"].as_str().expect("service name");
            assert_eq!(
                url(s),
                format!(
                    "https://{r}.console.aws.amazon.com/ecs/v2/clusters/{name}/services/{svc}/health?region={r}"
                )
            );
            services += 1;
            for t in s["tasks"].as_array().expect("tasks") {
                check_task(t, name);
                tasks += 1;
            }
        }
        for t in c["tasks"].as_array().expect("standalone tasks") {
            check_task(t, name);
            standalone += 1;
        }
    }
    // The seeded fleet has all three kinds, so each rule above was exercised.
    assert!(
        services > 0 && tasks > 0 && standalone > 0,
        "{services} {tasks} {standalone}"
    );

    // The links are the console's, never the endpoint toadtop was pointed at, and
    // nothing of the credentials.
    let text = doc.to_string();
    for v in text.split("\"console_url\":").skip(1) {
        let link = v.split('"').nth(1).expect("a string");
        assert!(
            link.starts_with("https://us-east-1.console.aws.amazon.com/"),
            "{link}"
        );
        assert!(
            !link.contains("127.0.0.1") && !link.contains("http://"),
            "{link}"
        );
        assert!(!link.contains("test"), "{link}");
    }
}
