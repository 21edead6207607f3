//! `toadtop deploy`, `migrate` and `rollback` (the headless commands) against the test
//! server: exit codes, the JSON summary, the audit log, and what the server holds
//! afterwards (read back through boto3). Each test has its own server; rollouts and
//! migrations advance per poll (see scripts/testbed/server.py), so `--poll-every 1s` keeps
//! them short. Time limits here are hang guards only.

mod support;

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::{Run, TestBed};

/// Hang guard for one toadtop run (a deploy here takes a few seconds).
const LIMIT: Duration = Duration::from_secs(120);

const CLUSTER: &str = "production";
const SERVICE: &str = "web";

/// `arn:...:task-definition/laravel-web:2` -> `laravel-web:2`.
fn fam_rev(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}

/// The task definition the seed left production/web on (laravel-web:2).
fn seeded_web_td(bed: &TestBed) -> String {
    s(&bed.services(CLUSTER)[SERVICE]["taskDefinition"]).to_string()
}

fn deploy(bed: &TestBed, extra: &[&str]) -> Run {
    let mut args = vec![
        "deploy",
        "--cluster",
        CLUSTER,
        "--service",
        SERVICE,
        "--poll-every",
        "1s",
    ];
    args.extend_from_slice(extra);
    bed.run(args, LIMIT)
}

fn migrate(bed: &TestBed, extra: &[&str]) -> Run {
    let mut args = vec![
        "migrate",
        "--cluster",
        CLUSTER,
        "--service",
        SERVICE,
        "--poll-every",
        "1s",
        "--output",
        "json",
    ];
    args.extend_from_slice(extra);
    bed.run(args, LIMIT)
}

/// Polls `f` (every 200ms, at most a minute: a hang guard) until it gives a value.
fn wait_for<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn assert_exit(run: &Run, code: i32) {
    assert_eq!(run.code, Some(code), "{run}");
}

/// The service as the seed left it: same task definition, same single deployment.
fn assert_service_untouched(bed: &TestBed, before: &Value) {
    let now = bed.describe_service(CLUSTER, SERVICE);
    assert_eq!(now["taskDefinition"], before["taskDefinition"]);
    let ids = |v: &Value| -> Vec<Value> {
        v["deployments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["id"].clone())
            .collect()
    };
    assert_eq!(ids(&now), ids(before), "deployments changed: {now}");
}

/// The migration tasks toadtop started (startedBy "toadtop/<user>", or "toadtop" when
/// the user is unknown), stopped or not.
fn migration_tasks(bed: &TestBed) -> Vec<Value> {
    ["RUNNING", "STOPPED"]
        .iter()
        .flat_map(|st| bed.tasks(CLUSTER, None, st))
        .filter(|t| {
            t["startedBy"]
                .as_str()
                .is_some_and(|by| by == "toadtop" || by.starts_with("toadtop/"))
        })
        .collect()
}

fn php_override(task: &Value) -> &Value {
    task["overrides"]["containerOverrides"]
        .as_array()
        .and_then(|o| o.iter().find(|c| c["name"] == "php"))
        .unwrap_or_else(|| panic!("no php override in {}", task["overrides"]))
}

fn container_exit(out: &Value, name: &str) -> Value {
    out["containers"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["name"] == name))
        .unwrap_or_else(|| panic!("no container {name} in {}", out["containers"]))["exit_code"]
        .clone()
}

#[test]
fn deploy_copies_the_revision_swaps_one_image_and_rolls_out() {
    let bed = TestBed::seeded();
    let old_arn = seeded_web_td(&bed);
    assert_eq!(fam_rev(&old_arn), "laravel-web:2");
    let revisions = bed.summary["taskDefinitions"]["laravel-web"]
        .as_array()
        .unwrap()
        .len();

    let run = deploy(&bed, &["--image", "php=:v1.4.1", "--output", "json"]);
    assert_exit(&run, 0);
    assert_eq!(run.stdout.trim().lines().count(), 1, "{run}");
    let out = run.json();
    assert_eq!(out["action"], "deploy");
    assert_eq!(out["result"], "succeeded", "{run}");
    assert_eq!(out["failed_step"], Value::Null);
    assert_eq!(out["old_revision"], fam_rev(&old_arn));
    let new_rev = format!("laravel-web:{}", revisions + 1);
    assert_eq!(out["new_revision"], new_rev.as_str());
    let dep_id = s(&out["deployment_id"]).to_string();
    assert!(dep_id.starts_with("ecs-svc/"), "{out}");
    assert!(s(&out["service_state"]).contains(&new_rev), "{out}");
    assert!(run.stderr.contains("+   image: "), "{run}");

    // The new revision is the old one field by field, but for php's image.
    let pair = bed.boto(
        r#"
old = ecs.describe_task_definition(taskDefinition=args['old'], include=['TAGS'])
new = ecs.describe_task_definition(taskDefinition=args['new'], include=['TAGS'])
print(json.dumps({'old': old['taskDefinition'], 'new': new['taskDefinition'],
                  'old_tags': old.get('tags'), 'new_tags': new.get('tags')}, default=str))
"#,
        &json!({"old": old_arn, "new": new_rev}),
    );
    let pair: Value = serde_json::from_str(&pair).unwrap();
    assert!(
        pair["old_tags"].as_array().is_some_and(|t| !t.is_empty()),
        "the seed tags its revisions: {pair}"
    );
    assert_eq!(pair["new_tags"], pair["old_tags"], "tags are copied");
    let new_arn = s(&pair["new"]["taskDefinitionArn"]).to_string();
    assert_eq!(fam_rev(&new_arn), new_rev);
    let (mut old_td, mut new_td) = (pair["old"].clone(), pair["new"].clone());
    let old_image = s(&old_td["containerDefinitions"][0]["image"]).to_string();
    assert_eq!(old_td["containerDefinitions"][0]["name"], "php");
    assert_eq!(new_td["containerDefinitions"][0]["name"], "php");
    let (repo, tag) = old_image.rsplit_once(':').unwrap();
    assert_eq!(tag, "v1.5.0");
    assert_eq!(
        new_td["containerDefinitions"][0]["image"],
        format!("{repo}:v1.4.1").as_str(),
        "`php=:v1.4.1` keeps the repository"
    );
    new_td["containerDefinitions"][0]["image"] = old_image.clone().into();
    for read_only in [
        "taskDefinitionArn",
        "revision",
        "status",
        "registeredAt",
        "registeredBy",
        "requiresAttributes",
        "compatibilities",
        "deregisteredAt",
    ] {
        old_td.as_object_mut().unwrap().remove(read_only);
        new_td.as_object_mut().unwrap().remove(read_only);
    }
    for (key, value) in old_td.as_object().unwrap() {
        assert_eq!(
            new_td.get(key),
            Some(value),
            "{key} differs between {} and {new_rev}",
            fam_rev(&old_arn)
        );
    }
    assert_eq!(new_td, old_td, "no field was added");

    // The service runs the new revision; our deployment is the only one, completed.
    let svc = bed.describe_service(CLUSTER, SERVICE);
    assert_eq!(svc["taskDefinition"], new_arn.as_str());
    let deps = svc["deployments"].as_array().unwrap();
    assert_eq!(deps.len(), 1, "{svc}");
    assert_eq!(deps[0]["id"], dep_id.as_str());
    assert_eq!(deps[0]["rolloutState"], "COMPLETED");
    let running = bed.tasks(CLUSTER, Some(SERVICE), "RUNNING");
    assert_eq!(running.len() as i64, svc["desiredCount"].as_i64().unwrap());
    for t in &running {
        assert_eq!(t["taskDefinitionArn"], new_arn.as_str(), "{t}");
        assert_eq!(t["startedBy"], dep_id.as_str());
        assert!(s(&t["containers"][0]["image"]).ends_with(":v1.4.1"), "{t}");
    }

    // Audit: a start and an end line.
    let audit = bed.audit_log();
    assert_eq!(audit.len(), 2, "{audit:?}");
    for line in &audit {
        assert_eq!(line["action"], "deploy");
        assert_eq!(line["target"], "production/web");
    }
    assert_eq!(audit[0]["phase"], "start");
    assert_eq!(audit[0]["result"], "started");
    // The start line already says what is replaced and with what (the image resolved).
    assert_eq!(audit[0]["before"], "laravel-web:2");
    assert!(
        audit[0]["images"]["php"]
            .as_str()
            .is_some_and(|i| i.ends_with("/laravel-app:v1.4.1")),
        "{}",
        audit[0]
    );
    assert_eq!(audit[0]["account"], "123456789012");
    assert_eq!(audit[1]["phase"], "end");
    assert_eq!(audit[1]["result"], "succeeded");
    assert_eq!(audit[1]["before"], "laravel-web:2");
    assert_eq!(audit[1]["after"], new_rev.as_str());
    assert_eq!(audit[1]["deployment_id"], dep_id.as_str());
}

#[test]
fn dry_run_and_read_only_change_nothing() {
    let bed = TestBed::seeded();
    let before = bed.describe_service(CLUSTER, SERVICE);
    let revisions = bed.revisions("laravel-web");
    assert_eq!(revisions.len(), 2);

    let run = deploy(&bed, &["--image", "php=:v1.4.1", "--dry-run"]);
    assert_exit(&run, 0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("-   image: ") && l.ends_with(":v1.5.0")),
        "{run}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("+   image: ") && l.ends_with(":v1.4.1")),
        "{run}"
    );
    assert!(run.stdout.contains("nothing registered"), "{run}");

    let run = deploy(
        &bed,
        &["--image", "php=:v1.4.1", "--dry-run", "--output", "json"],
    );
    assert_exit(&run, 0);
    let out = run.json();
    assert_eq!(out["dry_run"], true);
    assert_eq!(out["old_revision"], "laravel-web:2");
    assert!(
        s(&out["images"]["php"]).ends_with("laravel-app:v1.4.1"),
        "{out}"
    );

    // --read-only allows a dry run (it changes nothing) ...
    let run = bed.run(
        [
            "--read-only",
            "deploy",
            "--cluster",
            CLUSTER,
            "--service",
            SERVICE,
            "--image",
            "php=:v1.4.1",
            "--dry-run",
        ],
        LIMIT,
    );
    assert_exit(&run, 0);
    assert!(run.stdout.contains("+   image: "), "{run}");

    // ... and refuses the deploy.
    let run = bed.run(
        [
            "--read-only",
            "deploy",
            "--cluster",
            CLUSTER,
            "--service",
            SERVICE,
            "--image",
            "php=:v1.4.1",
            "--output",
            "json",
        ],
        LIMIT,
    );
    assert_exit(&run, 5);
    let out = run.json();
    assert_eq!(out["result"], "refused");
    assert!(s(&out["reason"]).contains("read-only"), "{out}");

    assert_eq!(
        bed.revisions("laravel-web"),
        revisions,
        "nothing registered"
    );
    assert_service_untouched(&bed, &before);
    let audit = bed.audit_log();
    assert_eq!(audit.len(), 1, "only the refusal is logged: {audit:?}");
    assert_eq!(audit[0]["result"], "refused");
}

#[test]
fn read_only_refuses_before_any_aws_call() {
    // An endpoint nothing listens on: a refusal that called AWS would fail differently.
    let bed = TestBed::empty();
    for (action, extra) in [
        ("deploy", vec!["--image", "php=:v2"]),
        ("migrate", vec![]),
        ("rollback", vec![]),
    ] {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_toadtop"));
        bed.env(&mut cmd);
        let out = cmd
            .args([
                "--endpoint-url",
                "http://127.0.0.1:9",
                "--read-only",
                action,
            ])
            .args([
                "--cluster",
                CLUSTER,
                "--service",
                SERVICE,
                "--output",
                "json",
            ])
            .args(&extra)
            .output()
            .expect("run toadtop");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(5),
            "{action}: {stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let o: Value = serde_json::from_str(stdout.trim()).expect("one JSON object");
        assert_eq!(
            (o["action"].as_str(), o["result"].as_str()),
            (Some(action), Some("refused"))
        );
    }
}

#[test]
fn a_failed_rollout_names_the_step_and_the_previous_revision() {
    let bed = TestBed::seeded_with(&[("TOADTOP_ROLLOUT_FAIL", "1")]);
    let old_tasks = bed.tasks(CLUSTER, Some(SERVICE), "RUNNING");
    let run = deploy(&bed, &["--image", "php=:v9.9.9", "--output", "json"]);
    assert_exit(&run, 3);
    let out = run.json();
    assert_eq!(out["result"], "failed");
    assert_eq!(out["failed_step"], "rollout");
    let reason = s(&out["reason"]);
    assert!(
        reason.contains("FAILED") && reason.contains("circuit breaker"),
        "{out}"
    );
    let state = s(&out["service_state"]);
    assert!(
        state.contains("laravel-web:2"),
        "names the previous revision: {out}"
    );
    assert_eq!(out["new_revision"], "laravel-web:3");

    // ECS left the failed deployment primary; the old tasks still run.
    let svc = bed.describe_service(CLUSTER, SERVICE);
    assert_eq!(svc["deployments"][0]["rolloutState"], "FAILED");
    assert_eq!(fam_rev(s(&svc["taskDefinition"])), "laravel-web:3");
    let arns = |ts: &[Value]| -> Vec<Value> {
        let mut v: Vec<Value> = ts.iter().map(|t| t["taskArn"].clone()).collect();
        v.sort_by_key(|a| a.to_string());
        v
    };
    assert_eq!(
        arns(&bed.tasks(CLUSTER, Some(SERVICE), "RUNNING")),
        arns(&old_tasks)
    );

    let audit = bed.audit_log();
    let end = audit.last().expect("an end line");
    assert_eq!(
        (end["phase"].as_str(), end["result"].as_str()),
        (Some("end"), Some("failed"))
    );
    assert_eq!(end["failed_step"], "rollout");
}

/// The state a failed rollout leaves (revision 3 registered and primary, FAILED), made
/// through boto3 and the test endpoint; then `toadtop rollback` goes back to revision 2.
#[test]
fn rollback_returns_to_the_previous_revision() {
    let bed = TestBed::seeded();
    let old_arn = seeded_web_td(&bed);
    let new_arn = bed.boto(
        r#"
d = ecs.describe_task_definition(taskDefinition=args['td'], include=['TAGS'])
td = d['taskDefinition']
td['containerDefinitions'][0]['image'] = td['containerDefinitions'][0]['image'].rsplit(':', 1)[0] + ':v9.9.9'
keep = ('family', 'taskRoleArn', 'executionRoleArn', 'networkMode', 'containerDefinitions', 'volumes',
        'requiresCompatibilities', 'cpu', 'memory', 'runtimePlatform', 'ephemeralStorage')
arn = ecs.register_task_definition(**{k: td[k] for k in keep if k in td}, tags=d['tags'])['taskDefinition']['taskDefinitionArn']
ecs.update_service(cluster='production', service='web', taskDefinition=arn)
print(arn)
"#,
        &json!({"td": old_arn}),
    );
    let new_arn = new_arn.trim();
    assert_eq!(fam_rev(new_arn), "laravel-web:3");
    let (code, body) = bed.post(
        "/_toadtop/service",
        &json!({"cluster": CLUSTER, "service": SERVICE, "deployments": {
            "rolloutState": "FAILED",
            "rolloutStateReason": "ECS deployment circuit breaker: tasks failed to start.",
        }}),
    );
    assert_eq!(code, 200, "{body}");

    let run = bed.run(
        [
            "rollback",
            "--cluster",
            CLUSTER,
            "--service",
            SERVICE,
            "--poll-every",
            "1s",
            "--output",
            "json",
        ],
        LIMIT,
    );
    assert_exit(&run, 0);
    let out = run.json();
    assert_eq!(out["action"], "rollback");
    assert_eq!(out["result"], "succeeded", "{run}");
    assert_eq!(out["old_revision"], "laravel-web:3");
    assert_eq!(out["new_revision"], "laravel-web:2");

    let svc = bed.describe_service(CLUSTER, SERVICE);
    assert_eq!(svc["taskDefinition"], old_arn.as_str());
    assert_eq!(svc["deployments"].as_array().unwrap().len(), 1, "{svc}");
    assert_eq!(svc["deployments"][0]["rolloutState"], "COMPLETED");
    assert_eq!(svc["deployments"][0]["id"], out["deployment_id"]);
    let running = bed.tasks(CLUSTER, Some(SERVICE), "RUNNING");
    assert!(!running.is_empty());
    assert!(running
        .iter()
        .all(|t| t["taskDefinitionArn"] == old_arn.as_str()));

    let audit = bed.audit_log();
    assert_eq!(audit.len(), 2, "{audit:?}");
    assert_eq!(audit[0]["phase"], "start");
    assert_eq!(
        (audit[0]["before"].as_str(), audit[0]["after"].as_str()),
        (Some("laravel-web:3"), Some("laravel-web:2"))
    );
    assert_eq!(audit[1]["result"], "succeeded");

    // An explicit target.
    let run = bed.run(
        [
            "rollback",
            "--cluster",
            CLUSTER,
            "--service",
            SERVICE,
            "--to",
            "laravel-web:1",
            "--poll-every",
            "1s",
            "--output",
            "json",
        ],
        LIMIT,
    );
    assert_exit(&run, 0);
    let out = run.json();
    assert_eq!(out["old_revision"], "laravel-web:2");
    assert_eq!(out["new_revision"], "laravel-web:1");
    let svc = bed.describe_service(CLUSTER, SERVICE);
    assert_eq!(fam_rev(s(&svc["taskDefinition"])), "laravel-web:1");
}

#[test]
fn a_circuit_breaker_rollback_fails_the_deploy() {
    let bed = TestBed::seeded_with(&[("TOADTOP_ROLLOUT_FAIL", "rollback")]);
    let run = deploy(&bed, &["--image", "php=:v9.9.9", "--output", "json"]);
    assert_exit(&run, 3);
    let out = run.json();
    assert_eq!(out["failed_step"], "rollout");
    assert!(s(&out["reason"]).contains("circuit breaker"), "{out}");
    // ECS already put laravel-web:2 back: say so, and offer no second rollback.
    assert!(
        s(&out["service_state"])
            .contains("ECS already rolled back: the service runs laravel-web:2"),
        "{out}"
    );
    assert_eq!(out["rolled_back"], true, "{out}");
    assert!(!run.stderr.contains("to roll back:"), "{}", run.stderr);
    let svc = bed.describe_service(CLUSTER, SERVICE);
    assert_eq!(fam_rev(s(&svc["taskDefinition"])), "laravel-web:2");
    assert_eq!(svc["deployments"][0]["rolloutState"], "COMPLETED");
}

#[test]
fn too_many_failed_tasks_fail_the_deploy() {
    let bed = TestBed::seeded_with(&[("MOTO_ECS_SERVICE_FAILED_TASKS", "5")]);
    let run = deploy(
        &bed,
        &[
            "--image",
            "php=:v9.9.9",
            "--max-failed-tasks",
            "3",
            "--output",
            "json",
        ],
    );
    assert_exit(&run, 3);
    let out = run.json();
    assert_eq!(out["failed_step"], "rollout");
    assert!(s(&out["reason"]).contains("5 tasks failed"), "{out}");
}

#[test]
fn a_rollout_that_never_ends_times_out() {
    let bed = TestBed::seeded_with(&[("TOADTOP_ROLLOUT_STEPS", "0")]);
    let run = deploy(&bed, &["--image", "php=:v1.4.1", "--timeout", "4s"]);
    assert_exit(&run, 4);
    let summary: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(summary.len(), 1, "{run}");
    assert!(
        summary[0].starts_with(
            "deploy production/web laravel-web:2 → laravel-web:3: timed out at step rollout: "
        ),
        "{run}"
    );
    let audit = bed.audit_log();
    assert_eq!(audit.last().unwrap()["result"], "timed_out");
    // The rollout goes on in ECS.
    let svc = bed.describe_service(CLUSTER, SERVICE);
    assert_eq!(fam_rev(s(&svc["taskDefinition"])), "laravel-web:3");
    assert_eq!(svc["deployments"][0]["rolloutState"], "IN_PROGRESS");
}

#[test]
fn no_wait_returns_after_the_update() {
    let bed = TestBed::seeded_with(&[("TOADTOP_ROLLOUT_STEPS", "0")]);
    let run = deploy(
        &bed,
        &["--image", "php=:v1.4.1", "--no-wait", "--output", "json"],
    );
    assert_exit(&run, 0);
    let out = run.json();
    assert_eq!(out["result"], "succeeded");
    assert!(
        s(&out["service_state"]).contains("rolling out laravel-web:3"),
        "{out}"
    );
    let svc = bed.describe_service(CLUSTER, SERVICE);
    assert_eq!(svc["deployments"][0]["id"], out["deployment_id"]);
    assert_eq!(svc["deployments"][0]["rolloutState"], "IN_PROGRESS");
}

/// Starts a deploy whose rollout never ends and waits until its deployment is primary.
fn deploy_in_background(bed: &TestBed) -> (support::Running, String) {
    let running = bed.spawn([
        "deploy",
        "--cluster",
        CLUSTER,
        "--service",
        SERVICE,
        "--image",
        "php=:v1.4.1",
        "--poll-every",
        "1s",
        "--output",
        "json",
    ]);
    let ours = wait_for("the deploy's new deployment", || {
        let svc = bed.describe_service(CLUSTER, SERVICE);
        let primary = &svc["deployments"][0];
        (fam_rev(s(&primary["taskDefinition"])) == "laravel-web:3")
            .then(|| s(&primary["id"]).to_string())
    });
    (running, ours)
}

#[test]
fn a_deploy_replaced_by_another_deployment_fails() {
    let bed = TestBed::seeded_with(&[("TOADTOP_ROLLOUT_STEPS", "0")]);
    let (running, ours) = deploy_in_background(&bed);
    let other = bed.ecs(
        "update_service",
        json!({"cluster": CLUSTER, "service": SERVICE, "forceNewDeployment": true}),
    );
    let other = s(&other["service"]["deployments"][0]["id"]).to_string();
    assert_ne!(other, ours);

    let run = running.wait(LIMIT);
    assert_exit(&run, 3);
    let out = run.json();
    assert_eq!(out["deployment_id"], ours.as_str());
    assert_eq!(out["failed_step"], "rollout");
    let reason = s(&out["reason"]);
    assert!(
        reason.contains("replaced") && reason.contains(&other),
        "{out}"
    );
}

#[test]
fn a_deploy_whose_deployment_disappears_fails() {
    let bed = TestBed::seeded_with(&[("TOADTOP_ROLLOUT_STEPS", "0")]);
    let old_arn = seeded_web_td(&bed);
    let (running, ours) = deploy_in_background(&bed);
    // Someone else's deployment of the old revision replaces every deployment.
    let (code, body) = bed.post(
        "/_toadtop/service",
        &json!({"cluster": CLUSTER, "service": SERVICE, "deployments": [
            {"taskDefinition": old_arn, "status": "PRIMARY", "rolloutState": "COMPLETED"},
        ]}),
    );
    assert_eq!(code, 200, "{body}");

    let run = running.wait(LIMIT);
    assert_exit(&run, 3);
    let out = run.json();
    assert_eq!(out["deployment_id"], ours.as_str());
    let reason = s(&out["reason"]);
    assert!(
        reason.contains("gone") && reason.contains("laravel-web:2") && reason.contains("replaced"),
        "{out}"
    );
}

#[test]
fn migrate_runs_one_task_like_the_service() {
    let bed = TestBed::seeded();
    let before = bed.describe_service(CLUSTER, SERVICE);
    let run = migrate(&bed, &[]);
    assert_exit(&run, 0);
    let out = run.json();
    assert_eq!(out["action"], "migrate");
    assert_eq!(out["result"], "succeeded", "{run}");
    assert_eq!(out["old_revision"], "laravel-web:2");
    assert_eq!(container_exit(&out, "php"), 0);
    assert!(
        run.stderr
            .lines()
            .any(|l| l.contains("| ") && l.contains("Running migrations")),
        "the migration's log lines are shown: {run}"
    );

    let tasks = migration_tasks(&bed);
    assert_eq!(tasks.len(), 1, "{tasks:?}");
    let t = &tasks[0];
    assert_eq!(fam_rev(s(&t["taskArn"])), s(&out["task"]));
    assert_eq!(t["lastStatus"], "STOPPED");
    assert_eq!(t["taskDefinitionArn"], before["taskDefinition"]);
    assert_eq!(t["launchType"], "FARGATE");
    let o = php_override(t);
    assert_eq!(
        o["environment"],
        json!([{"name": "RUN_MIGRATIONS", "value": "1"}])
    );
    assert!(
        o.get("command").is_none(),
        "no command override by default: {o}"
    );
    let subnet = t["attachments"][0]["details"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "subnetId")
        .expect("a subnet in the attachment")["value"]
        .clone();
    let service_subnets = &before["networkConfiguration"]["awsvpcConfiguration"]["subnets"];
    assert!(
        service_subnets.as_array().unwrap().contains(&subnet),
        "{subnet} not in {service_subnets}"
    );
    assert_service_untouched(&bed, &before);
    let audit = bed.audit_log();
    assert_eq!(audit.len(), 2, "{audit:?}");
    assert_eq!(audit[1]["result"], "succeeded");
    assert_eq!(audit[1]["task"], out["task"]);

    // A command and environment of our own.
    let run = migrate(
        &bed,
        &[
            "--command",
            "php artisan migrate --force",
            "--env",
            "RUN_MIGRATIONS=1",
            "--env",
            "DB_TIMEOUT=60",
        ],
    );
    assert_exit(&run, 0);
    let out = run.json();
    let t = migration_tasks(&bed)
        .into_iter()
        .find(|t| fam_rev(s(&t["taskArn"])) == s(&out["task"]))
        .expect("the second migration task");
    let o = php_override(&t);
    assert_eq!(
        o["command"],
        json!(["php", "artisan", "migrate", "--force"])
    );
    let mut env: Vec<(String, String)> = o["environment"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (s(&e["name"]).to_string(), s(&e["value"]).to_string()))
        .collect();
    env.sort();
    assert_eq!(
        env,
        [
            ("DB_TIMEOUT".into(), "60".into()),
            ("RUN_MIGRATIONS".into(), "1".into())
        ]
    );
}

#[test]
fn a_failing_migration_fails_with_its_exit_code() {
    // A migration that runs a few polls: the log follower's interval has backed off by
    // the time the error is written, as it stops.
    let bed = TestBed::seeded_with(&[
        ("TOADTOP_MIGRATION_EXIT_CODE", "1"),
        ("TOADTOP_TASK_STEPS", "6"),
    ]);
    let before = bed.describe_service(CLUSTER, SERVICE);
    let run = migrate(&bed, &[]);
    assert_exit(&run, 3);
    let out = run.json();
    assert_eq!(out["result"], "failed");
    assert_eq!(out["failed_step"], "migrate");
    assert_eq!(container_exit(&out, "php"), 1);
    assert!(s(&out["reason"]).contains("php exited 1"), "{out}");
    assert!(run.stderr.contains("SQLSTATE"), "the error is shown: {run}");
    assert_service_untouched(&bed, &before);
}

#[test]
fn deploy_with_migrate_runs_the_migration_on_the_new_revision_first() {
    let bed = TestBed::seeded();
    let run = deploy(
        &bed,
        &["--image", "php=:v1.4.1", "--migrate", "--output", "json"],
    );
    assert_exit(&run, 0);
    let out = run.json();
    assert_eq!(out["result"], "succeeded", "{run}");
    assert_eq!(container_exit(&out, "php"), 0);
    let migrated = run
        .stderr
        .find("migrate: succeeded")
        .expect("migration line");
    let updated = run.stderr.find("» update: ").expect("update line");
    assert!(migrated < updated, "migration before the update: {run}");
    let tasks = migration_tasks(&bed);
    assert_eq!(tasks.len(), 1);
    assert_eq!(fam_rev(s(&tasks[0]["taskDefinitionArn"])), "laravel-web:3");
    let svc = bed.describe_service(CLUSTER, SERVICE);
    assert_eq!(fam_rev(s(&svc["taskDefinition"])), "laravel-web:3");
}

#[test]
fn deploy_with_a_failing_migration_leaves_the_service_alone() {
    let bed = TestBed::seeded_with(&[("TOADTOP_MIGRATION_EXIT_CODE", "1")]);
    let before = bed.describe_service(CLUSTER, SERVICE);
    let run = deploy(
        &bed,
        &["--image", "php=:v1.4.1", "--migrate", "--output", "json"],
    );
    assert_exit(&run, 3);
    let out = run.json();
    assert_eq!(out["failed_step"], "migrate");
    assert_eq!(out["new_revision"], "laravel-web:3");
    assert_eq!(container_exit(&out, "php"), 1);
    assert!(s(&out["service_state"]).contains("untouched"), "{out}");

    assert_service_untouched(&bed, &before);
    assert_eq!(fam_rev(s(&before["taskDefinition"])), "laravel-web:2");
    let tasks = migration_tasks(&bed);
    assert_eq!(tasks.len(), 1);
    assert_eq!(
        fam_rev(s(&tasks[0]["taskDefinitionArn"])),
        "laravel-web:3",
        "the migration ran the new revision"
    );
    assert_eq!(tasks[0]["lastStatus"], "STOPPED");
}

#[test]
fn bad_input_is_refused_with_the_fix() {
    let bed = TestBed::seeded();
    let before = bed.describe_service(CLUSTER, SERVICE);
    let revisions = bed.revisions("laravel-web");

    for image in ["php", "php=", "=nginx:1"] {
        let run = deploy(&bed, &["--image", image]);
        assert_exit(&run, 2);
        assert!(run.stderr.contains("not CONTAINER=IMAGE"), "{run}");
    }

    // An unknown container: refused before anything is registered, naming the real ones.
    let run = deploy(&bed, &["--image", "queue=app:v2", "--dry-run"]);
    assert_exit(&run, 2);
    assert!(run.stderr.contains("php, nginx"), "{run}");
    // Also without --dry-run: bad input, not a failed deploy (nothing on stdout, no audit).
    let run = deploy(&bed, &["--image", "queue=app:v2", "--output", "json"]);
    assert_exit(&run, 2);
    assert!(
        run.stderr.contains("no container `queue`") && run.stderr.contains("php, nginx"),
        "{run}"
    );
    assert!(run.stdout.is_empty(), "{run}");
    assert!(bed.audit_log().is_empty(), "{:?}", bed.audit_log());

    let run = migrate(&bed, &["--container", "queue"]);
    assert_exit(&run, 2);
    assert!(run.stderr.contains("php, nginx"), "{run}");
    let run = migrate(&bed, &["--env", "NOPE"]);
    assert_exit(&run, 2);

    assert_eq!(
        bed.revisions("laravel-web"),
        revisions,
        "nothing registered"
    );
    assert_service_untouched(&bed, &before);
    assert!(migration_tasks(&bed).is_empty());
}
