//! Snapshots at scale (issue 13), counted at the test server: a second `--once` reads
//! revisions and findings from the disk cache, ECR is asked once per registry and once
//! per repository however many clusters run its images, and `--no-cache` reads it all.

mod support;

use std::time::Duration;

use serde_json::{json, Value};
use support::{Run, TestBed};

const LIMIT: Duration = Duration::from_secs(120);

fn once(bed: &TestBed, extra: &[&str]) -> Run {
    let mut args = vec!["--once", "--output", "json", "--stats"];
    args.extend_from_slice(extra);
    let run = bed.run(&args, LIMIT);
    assert_eq!(run.code, Some(0), "{run}");
    run
}

fn reset_requests(bed: &TestBed) {
    let (status, body) = bed.post("/_toadtop/requests", &json!({}));
    assert_eq!(status, 200, "reset requests: {body}");
}

fn count(bed: &TestBed, op: &str) -> u64 {
    bed.requests().get(op).copied().unwrap_or(0)
}

/// The snapshot without its clock: two runs over an unchanged fleet print the same.
fn without_time(run: &Run) -> Value {
    let mut doc = run.json();
    doc["taken_at"] = Value::Null;
    doc
}

/// The `cache:` line of `--stats`.
fn cache_line(run: &Run) -> String {
    run.stderr
        .lines()
        .find(|l| l.starts_with("toadtop: cache:") || l.starts_with("cache:"))
        .unwrap_or_else(|| panic!("no cache line:\n{run}"))
        .to_string()
}

fn taskdef_files(bed: &TestBed) -> Vec<std::path::PathBuf> {
    let dir = bed.home.path().join("cache/taskdefs");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

/// Registers a copy of the service's revision and points the service at it (a deploy
/// as CI does it); returns the new revision's ARN.
fn new_revision(bed: &TestBed, cluster: &str, service: &str) -> String {
    let out = bed.boto(
        r#"
svc = ecs.describe_services(cluster=args['cluster'], services=[args['service']])['services'][0]
td = ecs.describe_task_definition(taskDefinition=svc['taskDefinition'])['taskDefinition']
keep = ['family', 'containerDefinitions', 'networkMode', 'requiresCompatibilities', 'cpu',
        'memory', 'taskRoleArn', 'executionRoleArn', 'volumes']
new = ecs.register_task_definition(**{k: td[k] for k in keep if k in td})['taskDefinition']
ecs.update_service(cluster=args['cluster'], service=args['service'],
                   taskDefinition=new['taskDefinitionArn'])
print(new['taskDefinitionArn'])
"#,
        &json!({"cluster": cluster, "service": service}),
    );
    out.trim().to_string()
}

#[test]
fn a_second_once_describes_no_revision_and_a_deploy_costs_one() {
    let bed = TestBed::seeded();
    let first = once(&bed, &[]);
    let revisions = count(&bed, "DescribeTaskDefinition");
    assert!(
        revisions >= 6,
        "the seed runs several revisions: {revisions}"
    );
    assert!(
        cache_line(&first).contains(&format!("taskdefs 0 hit / {revisions} miss")),
        "{}",
        cache_line(&first)
    );
    assert_eq!(taskdef_files(&bed).len() as u64, revisions);

    reset_requests(&bed);
    let second = once(&bed, &[]);
    let calls = bed.requests();
    assert_eq!(count(&bed, "DescribeTaskDefinition"), 0, "{calls:?}");
    // Findings by digest come from disk too; tag -> digest is asked again (tags move).
    assert_eq!(count(&bed, "DescribeImageScanFindings"), 0, "{calls:?}");
    assert!(count(&bed, "DescribeImages") >= 1, "{calls:?}");
    assert!(
        cache_line(&second).contains(&format!("taskdefs {revisions} hit / 0 miss")),
        "{}",
        cache_line(&second)
    );
    assert!(
        cache_line(&second).contains("findings 1 hit / 0 miss"),
        "{}",
        cache_line(&second)
    );
    assert_eq!(without_time(&first), without_time(&second));

    // One new revision deployed: exactly one describe, and the snapshot shows it.
    let arn = new_revision(&bed, "production", "worker");
    reset_requests(&bed);
    let third = once(&bed, &[]);
    assert_eq!(
        count(&bed, "DescribeTaskDefinition"),
        1,
        "{:?}",
        bed.requests()
    );
    let family_revision = arn.rsplit('/').next().unwrap().to_string();
    let doc = third.json();
    let worker = doc["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "production")
        .and_then(|c| {
            c["services"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["name"] == "worker")
        })
        .cloned()
        .expect("production/worker");
    assert_eq!(worker["task_definition"], family_revision.as_str());
    assert_eq!(worker["containers"][0]["name"], "php", "{worker}");
}

#[test]
fn a_corrupt_entry_is_ignored_and_fetched_again() {
    let bed = TestBed::seeded();
    once(&bed, &[]);
    let files = taskdef_files(&bed);
    // Half a file (a crash of some other writer, a full disk) and one that is not JSON.
    let text = std::fs::read(&files[0]).unwrap();
    std::fs::write(&files[0], &text[..text.len() / 2]).unwrap();
    std::fs::write(&files[1], b"\x00\xffnot json").unwrap();
    reset_requests(&bed);
    let run = once(&bed, &[]);
    assert_eq!(
        count(&bed, "DescribeTaskDefinition"),
        2,
        "{:?}",
        bed.requests()
    );
    assert!(cache_line(&run).contains(" 2 miss"), "{}", cache_line(&run));
    // Written again whole: the next run needs no call.
    reset_requests(&bed);
    once(&bed, &[]);
    assert_eq!(
        count(&bed, "DescribeTaskDefinition"),
        0,
        "{:?}",
        bed.requests()
    );
}

#[test]
fn no_cache_reads_every_revision_and_scan() {
    let bed = TestBed::seeded();
    let first = once(&bed, &[]);
    let revisions = count(&bed, "DescribeTaskDefinition");
    let scans = count(&bed, "DescribeImageScanFindings");
    assert!(scans >= 1, "{:?}", bed.requests());
    reset_requests(&bed);
    let run = once(&bed, &["--no-cache"]);
    assert_eq!(count(&bed, "DescribeTaskDefinition"), revisions);
    assert_eq!(count(&bed, "DescribeImageScanFindings"), scans);
    assert!(
        !run.stderr.contains("cache:"),
        "no cache asked, none reported:\n{run}"
    );
    assert_eq!(without_time(&first), without_time(&run));

    // `[findings] cache_minutes = 0`: revisions still from disk, scans read again.
    let config = bed.home.path().join("findings-off.toml");
    std::fs::write(&config, "[findings]\ncache_minutes = 0\n").unwrap();
    reset_requests(&bed);
    once(&bed, &["--config", config.to_str().unwrap()]);
    assert_eq!(count(&bed, "DescribeTaskDefinition"), 0);
    assert_eq!(count(&bed, "DescribeImageScanFindings"), scans);
}

/// A second ECR repository in the same registry, run by a service of another cluster
/// than the first repository's images, plus an older tag of the first repository: two
/// repositories, three tags, one registry, over several clusters.
fn second_repository(bed: &TestBed) {
    let net = &bed.summary["network"];
    bed.boto(
        r#"
ecr = _s.client('ecr', endpoint_url=os.environ['TOADTOP_TEST_ENDPOINT'], config=_cfg)
repo = ecr.create_repository(repositoryName='laravel-nginx')['repository']
manifest = json.dumps({
    'schemaVersion': 2,
    'mediaType': 'application/vnd.docker.distribution.manifest.v2+json',
    'config': {'mediaType': 'application/vnd.docker.container.image.v1+json', 'size': 7,
               'digest': 'sha256:' + '1' * 64},
    'layers': [{'mediaType': 'application/vnd.docker.image.rootfs.diff.tar.gzip', 'size': 9,
                'digest': 'sha256:' + '2' * 64}]})
ecr.put_image(repositoryName='laravel-nginx', imageManifest=manifest, imageTag='1.27')
ecr.start_image_scan(repositoryName='laravel-nginx', imageId={'imageTag': '1.27'})
app = repo['repositoryUri'].replace('laravel-nginx', 'laravel-app')
td = ecs.register_task_definition(
    family='edge', networkMode='awsvpc', requiresCompatibilities=['FARGATE'], cpu='512',
    memory='1024',
    containerDefinitions=[
        {'name': 'php', 'image': app + ':v1.4.1', 'essential': True},
        {'name': 'nginx', 'image': repo['repositoryUri'] + ':1.27', 'essential': True}],
)['taskDefinition']['taskDefinitionArn']
net = {'awsvpcConfiguration': {'subnets': args['subnets'], 'securityGroups': [args['sg']],
                               'assignPublicIp': 'DISABLED'}}
ecs.create_service(cluster='staging', serviceName='edge', taskDefinition=td, desiredCount=0,
                   launchType='FARGATE', networkConfiguration=net)
"#,
        &json!({"subnets": net["subnets"], "sg": net["securityGroup"]}),
    );
}

#[test]
fn ecr_is_asked_once_per_registry_and_once_per_repository() {
    let bed = TestBed::seeded();
    second_repository(&bed);
    reset_requests(&bed);
    let run = once(&bed, &["--no-cache"]);
    let calls = bed.requests();
    // Before: per repository DescribeRepositories and GetRegistryScanningConfiguration,
    // per tag DescribeImages (2, 2, 3).
    assert_eq!(count(&bed, "DescribeRepositories"), 1, "{calls:?}");
    assert_eq!(
        count(&bed, "GetRegistryScanningConfiguration"),
        1,
        "{calls:?}"
    );
    assert_eq!(count(&bed, "DescribeImages"), 2, "{calls:?}");
    // Every image still gets its own digest, scan and settings.
    let doc = run.json();
    let findings: Vec<&Value> = doc["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["services"].as_array().unwrap())
        .flat_map(|s| s["findings"].as_object().unwrap().iter())
        .filter(|(image, _)| image.contains(".dkr.ecr."))
        .map(|(_, f)| f)
        .collect();
    let digests: std::collections::BTreeSet<&str> = findings
        .iter()
        .map(|f| {
            assert!(f["error"].is_null(), "{f}");
            f["digest"].as_str().unwrap_or_else(|| panic!("{f}"))
        })
        .collect();
    assert_eq!(digests.len(), 3, "v1.5.0, v1.4.1, nginx 1.27: {digests:?}");
    let settings: std::collections::BTreeSet<&str> = findings
        .iter()
        .map(|f| f["scan_settings"].as_str().unwrap_or_else(|| panic!("{f}")))
        .collect();
    // laravel-app matches the registry's continuous rule; laravel-nginx no rule.
    assert_eq!(
        settings,
        ["enhanced, continuous", "enhanced, manual"]
            .into_iter()
            .collect()
    );
}

#[test]
fn a_missing_tag_does_not_cost_the_other_tags_their_digest() {
    let bed = TestBed::seeded();
    second_repository(&bed);
    // A service whose image tag was never pushed (deleted, or a typo in CI).
    bed.boto(
        r#"
svc = ecs.describe_services(cluster='staging', services=['edge'])['services'][0]
td = ecs.describe_task_definition(taskDefinition=svc['taskDefinition'])['taskDefinition']
for c in td['containerDefinitions']:
    if c['name'] == 'php':
        c['image'] = c['image'].replace(':v1.4.1', ':v0.0.0-gone')
new = ecs.register_task_definition(family='edge', networkMode='awsvpc',
    requiresCompatibilities=['FARGATE'], cpu='512', memory='1024',
    containerDefinitions=td['containerDefinitions'])['taskDefinition']['taskDefinitionArn']
ecs.update_service(cluster='staging', service='edge', taskDefinition=new)
"#,
        &json!({}),
    );
    let doc = once(&bed, &["--no-cache"]).json();
    let all: serde_json::Map<String, Value> = doc["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["services"].as_array().unwrap())
        .flat_map(|s| s["findings"].as_object().unwrap().clone())
        .collect();
    let (gone, f) = all
        .iter()
        .find(|(image, _)| image.ends_with(":v0.0.0-gone"))
        .expect("the missing tag is listed");
    assert!(f["digest"].is_null(), "{gone}: {f}");
    assert!(
        f["error"]
            .as_str()
            .is_some_and(|e| e.contains("v0.0.0-gone") || e.contains("not")),
        "{gone}: {f}"
    );
    let good = all
        .iter()
        .find(|(image, _)| image.ends_with("laravel-app:v1.5.0"))
        .expect("v1.5.0");
    assert!(
        good.1["digest"].is_string() && good.1["error"].is_null(),
        "{good:?}"
    );
}

#[test]
fn temp_files_a_killed_run_left_are_swept_by_the_next_fresh_ones_stay() {
    let bed = TestBed::seeded();
    once(&bed, &[]);
    let entry = taskdef_files(&bed)[0].clone();
    let temp = |pid: u32| {
        let mut name = entry.file_name().unwrap().to_os_string();
        name.push(format!(".{pid}.0.tmp"));
        entry.with_file_name(name)
    };
    let (old, fresh) = (temp(4_000_001), temp(4_000_002));
    let now = std::time::SystemTime::now();
    for (path, age) in [(&old, 7_200), (&fresh, 60)] {
        let f = std::fs::File::create(path).unwrap();
        f.set_modified(now - Duration::from_secs(age)).unwrap();
    }
    reset_requests(&bed);
    let run = once(&bed, &[]);
    assert!(!old.exists(), "a temp file two hours old is swept");
    assert!(
        fresh.exists(),
        "a minute-old one may be another run's, mid-write"
    );
    // The entries themselves stay: every revision still a hit.
    assert_eq!(count(&bed, "DescribeTaskDefinition"), 0, "{run}");
}
