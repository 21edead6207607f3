//! The exec doctor on the reference setup's containers (issue 12): a read-only root whose
//! agent paths are only image VOLUMEs, judged from the live agent, the task definition's
//! mounts and the image config read through ECR (BatchGetImage, GetDownloadUrlForLayer,
//! one GET, sha256 checked), against the test server.
//!
//! Seed: production-eu/app runs php (laravel-app:v1.5.0, readonlyRootFilesystem, no mount
//! points; the image's config declares /var/lib/amazon and /var/log/amazon as VOLUMEs;
//! agent RUNNING) and nginx (not from ECR, read-only, agent STOPPED with a reason).

mod support;

use std::time::Duration;

use serde_json::{json, Value};
use support::{Run, TestBed};

const LIMIT: Duration = Duration::from_secs(60);
const WRITABLE: &str = "read-only root: agent paths writable";

fn app(bed: &TestBed) -> (String, Value) {
    let v = bed.summary["imageVolumes"].clone();
    assert_eq!(v["cluster"], "production-eu", "{v:#}");
    (v["task"].as_str().expect("task").to_string(), v)
}

/// `toadtop doctor --output json` with the stand-in plugin on PATH.
fn doctor(bed: &TestBed, task: &str, container: &str) -> Run {
    let run = bed.run_with_input(
        [
            "doctor",
            "--cluster",
            "production-eu",
            "--task",
            task,
            "--container",
            container,
            "--output",
            "json",
        ],
        &[("PATH", support::path_with_fixtures_bin())],
        "",
        LIMIT,
    );
    assert!(matches!(run.code, Some(0 | 3)), "{run}");
    run
}

/// (status, detail) of one check.
fn check(run: &Run, name: &str) -> (String, String) {
    let v = run.json();
    let c = v["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no check {name}: {v:#}"))
        .clone();
    (
        c["status"].as_str().unwrap().to_string(),
        c["detail"].as_str().unwrap().to_string(),
    )
}

/// Edits the app task's php container (test-only endpoint).
fn edit_php(bed: &TestBed, task: &str, fields: Value) {
    let mut php = json!({"name": "php"});
    php.as_object_mut()
        .unwrap()
        .extend(fields.as_object().unwrap().clone());
    let (code, body) = bed.post(
        "/_toadtop/task",
        &json!({"cluster": "production-eu", "task": task, "containers": [php]}),
    );
    assert_eq!(code, 200, "{body}");
}

/// No agent reported for php (as on a task whose agent state is not known): only the
/// task definition and the image can say whether its paths are writable.
fn without_agent(bed: &TestBed, task: &str) {
    edit_php(bed, task, json!({"managedAgents": []}));
}

fn ecr_calls(bed: &TestBed) -> (u64, u64) {
    let r = bed.requests();
    (
        r.get("BatchGetImage").copied().unwrap_or(0),
        r.get("GetDownloadUrlForLayer").copied().unwrap_or(0),
    )
}

#[test]
fn the_image_volume_service_passes_the_doctor_on_its_running_agent() {
    let bed = TestBed::seeded();
    let (task, _) = app(&bed);
    let run = doctor(&bed, &task, "php");
    assert_eq!(run.code, Some(0), "{run}");
    assert_eq!(run.json()["passed"], true);
    assert_eq!(
        check(&run, WRITABLE),
        ("pass".into(), "agent running".into())
    );
    // The strongest evidence settles it: no ECR read.
    assert_eq!(ecr_calls(&bed), (0, 0));
}

#[test]
fn without_a_running_agent_the_images_volumes_cover_the_paths() {
    let bed = TestBed::seeded();
    let (task, _) = app(&bed);
    without_agent(&bed, &task);
    let run = doctor(&bed, &task, "php");
    assert_eq!(
        check(&run, WRITABLE),
        (
            "pass".into(),
            "image VOLUME /var/lib/amazon, image VOLUME /var/log/amazon".into()
        ),
        "{run}"
    );
    // The agent itself is still missing: exec would fail, and the doctor says so.
    assert_eq!(check(&run, "ExecuteCommandAgent").0, "fail");
    assert_eq!(run.code, Some(3));
    // One manifest, one download URL (the GET goes to the server's blob path, not counted
    // as an AWS call).
    assert_eq!(ecr_calls(&bed), (1, 1));

    // Text output names the source too.
    let run = bed.run(
        ["doctor", "--cluster", "production-eu", "--task", &task],
        LIMIT,
    );
    assert!(
        run.stdout.lines().any(|l| l.starts_with("pass")
            && l.contains(WRITABLE)
            && l.contains("image VOLUME /var/lib/amazon")),
        "{run}"
    );
}

#[test]
fn a_stopped_agent_fails_with_awss_reason_and_exec_refuses() {
    let bed = TestBed::seeded();
    let (task, v) = app(&bed);
    let reason = v["stoppedAgent"]["reason"].as_str().unwrap();
    let run = doctor(&bed, &task, "nginx");
    assert_eq!(run.code, Some(3), "{run}");
    let (status, detail) = check(&run, WRITABLE);
    assert_eq!(status, "fail", "{run}");
    assert_eq!(
        detail,
        format!(
            "agent STOPPED: {reason}; not on a volume: /var/lib/amazon/ssm, /var/log/amazon/ssm"
        )
    );
    assert_eq!(
        check(&run, "ExecuteCommandAgent"),
        ("fail".into(), format!("nginx: STOPPED ({reason})"))
    );
    // nginx is not from ECR: nothing to ask ECR.
    assert_eq!(ecr_calls(&bed), (0, 0));

    let log = bed.home.path().join("plugin.log");
    let env = [
        ("PATH", support::path_with_fixtures_bin()),
        ("TOADTOP_PLUGIN_LOG", log.clone().into_os_string()),
    ];
    let run = bed.run_with_input(
        [
            "exec",
            "--cluster",
            "production-eu",
            "--task",
            &task,
            "--container",
            "nginx",
        ],
        &env,
        "exit\n",
        LIMIT,
    );
    assert_eq!(run.code, Some(3), "{run}");
    assert!(
        run.stderr
            .lines()
            .any(|l| l.starts_with("FAIL") && l.contains(WRITABLE) && l.contains(reason)),
        "{run}"
    );
    assert!(!log.exists(), "the plugin was started");
}

#[test]
fn a_denied_ecr_call_is_a_warning_naming_it() {
    for op in ["BatchGetImage", "GetDownloadUrlForLayer"] {
        let deny = format!("AmazonEC2ContainerRegistry_V20150921.{op}");
        let bed = TestBed::seeded_with(&[("TOADTOP_DENY", deny.as_str())]);
        let (task, _) = app(&bed);
        without_agent(&bed, &task);
        let run = doctor(&bed, &task, "php");
        let (status, detail) = check(&run, WRITABLE);
        assert_eq!(status, "warn", "{op}: {run}");
        assert!(
            detail.contains(&format!(
                "image volumes unknown: ecr:{op} failed: AccessDeniedException"
            )),
            "{op}: {detail}"
        );
        let fix = run.json()["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == WRITABLE)
            .unwrap()["fix"]
            .clone();
        assert!(
            fix.as_str().unwrap().contains("ecr:GetDownloadUrlForLayer"),
            "{fix}"
        );
    }
}

/// Pushes `manifest` (JSON text) to laravel-app under its own sha256 digest and `tag`,
/// returning that digest.
fn put_manifest(bed: &TestBed, manifest: &Value, tag: &str) -> String {
    let text = manifest.to_string();
    let out = bed.boto(
        r#"
import hashlib
ecr = _s.client('ecr', endpoint_url=os.environ['TOADTOP_TEST_ENDPOINT'], config=_cfg)
digest = 'sha256:' + hashlib.sha256(args['text'].encode()).hexdigest()
ecr.put_image(repositoryName='laravel-app', imageManifest=args['text'], imageTag=args['tag'],
              imageDigest=digest)
print(digest)
"#,
        &json!({"text": text, "tag": tag}),
    );
    out.trim().to_string()
}

/// Stores a config blob declaring `volumes` (under its own digest, or `digest`).
fn put_config(bed: &TestBed, arch: &str, volumes: &[&str], digest: Option<&str>) -> String {
    let vols: serde_json::Map<String, Value> =
        volumes.iter().map(|v| (v.to_string(), json!({}))).collect();
    let content =
        json!({"architecture": arch, "os": "linux", "config": {"Volumes": vols}}).to_string();
    let mut body = json!({ "content": content });
    if let Some(d) = digest {
        body["digest"] = json!(d);
    }
    let (code, answer) = bed.post("/_toadtop/ecr-blob", &body);
    assert_eq!(code, 200, "{answer}");
    serde_json::from_str::<Value>(&answer).unwrap()["digest"]
        .as_str()
        .unwrap()
        .to_string()
}

fn image_manifest(config: &str, layer: &str) -> Value {
    json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "size": 1, "digest": config},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "size": 1,
                    "digest": format!("sha256:{:0>64}", layer)}],
    })
}

#[test]
fn a_multi_arch_index_is_read_at_the_tasks_architecture_skipping_attestations() {
    let bed = TestBed::seeded();
    let (task, _) = app(&bed);
    let agent = ["/var/lib/amazon", "/var/log/amazon"];
    let amd = put_manifest(
        &bed,
        &image_manifest(&put_config(&bed, "amd64", &agent, None), "a1"),
        "multi-amd64",
    );
    let arm = put_manifest(
        &bed,
        &image_manifest(&put_config(&bed, "arm64", &["/tmp"], None), "b2"),
        "multi-arm64",
    );
    let att = put_manifest(
        &bed,
        &image_manifest(&put_config(&bed, "unknown", &[], None), "c3"),
        "multi-att",
    );
    let index = |entries: Vec<Value>| {
        json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
               "manifests": entries})
    };
    let entry = |digest: &str, arch: &str| {
        json!({"mediaType": "application/vnd.oci.image.manifest.v1+json", "size": 1,
               "digest": digest, "platform": {"architecture": arch, "os": "linux"}})
    };
    let attestation = json!({
        "mediaType": "application/vnd.oci.image.manifest.v1+json", "size": 1, "digest": att,
        "platform": {"architecture": "unknown", "os": "unknown"},
        "annotations": {"vnd.docker.reference.type": "attestation-manifest",
                        "vnd.docker.reference.digest": amd},
    });
    // The attestation and arm64 come first: picking either would find no agent VOLUMEs.
    let multi = put_manifest(
        &bed,
        &index(vec![
            attestation.clone(),
            entry(&arm, "arm64"),
            entry(&amd, "amd64"),
        ]),
        "multi",
    );
    without_agent(&bed, &task);
    edit_php(&bed, &task, json!({"imageDigest": multi}));
    let run = doctor(&bed, &task, "php");
    assert_eq!(
        check(&run, WRITABLE),
        (
            "pass".into(),
            "image VOLUME /var/lib/amazon, image VOLUME /var/log/amazon".into()
        ),
        "{run}"
    );
    // The index, then the amd64 manifest; one download URL.
    assert_eq!(ecr_calls(&bed), (2, 1));

    // An index without the task's architecture: unknown, a warning that says which.
    let arm_only = put_manifest(
        &bed,
        &index(vec![attestation, entry(&arm, "arm64")]),
        "multi-arm-only",
    );
    edit_php(&bed, &task, json!({"imageDigest": arm_only}));
    let (status, detail) = check(&doctor(&bed, &task, "php"), WRITABLE);
    assert_eq!(status, "warn");
    assert!(detail.ends_with("no linux/amd64 manifest"), "{detail}");
}

#[test]
fn a_config_blob_whose_sha256_does_not_match_is_unknown() {
    let bed = TestBed::seeded();
    let (task, _) = app(&bed);
    // Stored under a digest that is not its sha256 (a corrupt or substituted blob).
    let fake = format!("sha256:{}", "f".repeat(64));
    put_config(
        &bed,
        "amd64",
        &["/var/lib/amazon", "/var/log/amazon"],
        Some(&fake),
    );
    let digest = put_manifest(&bed, &image_manifest(&fake, "d4"), "corrupt");
    without_agent(&bed, &task);
    edit_php(&bed, &task, json!({"imageDigest": digest}));
    let run = doctor(&bed, &task, "php");
    let (status, detail) = check(&run, WRITABLE);
    assert_eq!(status, "warn", "{run}");
    assert!(
        detail.contains("image volumes unknown") && detail.contains("sha256 mismatch"),
        "{detail}"
    );
    assert!(
        !detail.contains("image VOLUME"),
        "the blob's volumes were believed: {detail}"
    );
}
