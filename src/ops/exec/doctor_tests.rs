//! The doctor's verdicts from fixture facts: each check passing and failing, with the
//! detail and fix a user would read.

use super::*;
use crate::domain::{ManagedAgent, MountPoint};
use crate::fixtures;
use crate::timefmt::Timestamp;

/// Owned facts the tests tweak; `facts()` borrows them the way the callers do.
struct Case {
    task: Task,
    container: String,
    service: Service,
    plugin: Result<String, String>,
    /// Drop the task definition (as if it could not be described).
    no_task_definition: bool,
    /// The image's own volumes, as read from ECR (`None`: not read).
    image: Option<ImageVolumes>,
    now: Timestamp,
}

impl Case {
    /// A running web task, exec on everywhere, php selected, the plugin found: all pass.
    fn new() -> Case {
        let task = fixtures::task("0a1b2c3d4e5f", "web", true);
        let service = fixtures::service("web", vec![task.clone()]);
        Case {
            task,
            container: "php".into(),
            service,
            plugin: Ok("/usr/local/bin/session-manager-plugin".into()),
            no_task_definition: false,
            image: None,
            now: fixtures::NOW,
        }
    }

    fn td_mut(&mut self) -> &mut TaskDefinition {
        self.service.task_definition.as_mut().expect("fixture td")
    }

    fn def_mut(&mut self) -> &mut ContainerDefinition {
        let name = self.container.clone();
        self.td_mut()
            .containers
            .iter_mut()
            .find(|c| c.name == name)
            .expect("container definition")
    }

    fn container_mut(&mut self) -> &mut Container {
        let name = self.container.clone();
        self.task
            .containers
            .iter_mut()
            .find(|c| c.name == name)
            .expect("container")
    }

    fn checks(&self) -> Vec<Check> {
        let container = self
            .task
            .containers
            .iter()
            .find(|c| c.name == self.container)
            .expect("container");
        let td = if self.no_task_definition {
            None
        } else {
            self.service.task_definition.as_ref()
        };
        checks(&Facts {
            task: &self.task,
            container,
            definition: td.and_then(|td| td.container(&self.container)),
            task_definition: td,
            service: Some(&self.service),
            plugin: self.plugin.clone(),
            image: self.image.as_ref(),
            now: self.now,
        })
    }

    /// The ECR read the doctor would ask for.
    fn query(&self) -> Option<ImageQuery> {
        let container = self
            .task
            .containers
            .iter()
            .find(|c| c.name == self.container)
            .expect("container");
        let td = self.service.task_definition.as_ref();
        image_query(&Facts {
            task: &self.task,
            container,
            definition: td.and_then(|td| td.container(&self.container)),
            task_definition: td,
            service: Some(&self.service),
            plugin: self.plugin.clone(),
            image: None,
            now: self.now,
        })
    }

    /// php as in the reference setup: a read-only root whose agent paths are only image
    /// VOLUMEs (no task-definition mounts there), agent state `agent`.
    fn image_volume_php(agent: Option<(&str, Option<&str>)>) -> Case {
        let mut case = Case::new();
        case.def_mut().mount_points = vec![mount("/tmp", false)];
        case.container_mut().image_digest = Some("sha256:abc".into());
        case.container_mut().exec_agent = agent.map(|(status, reason)| ManagedAgent {
            status: status.into(),
            reason: reason.map(str::to_string),
        });
        case
    }
}

fn find<'a>(checks: &'a [Check], name: &str) -> &'a Check {
    checks
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no check {name:?} in {checks:#?}"))
}

/// The one check named `name`, after asserting it is the only one not passing.
fn only_problem<'a>(checks: &'a [Check], name: &str, status: Status) -> &'a Check {
    let problems: Vec<&str> = checks
        .iter()
        .filter(|c| c.status != Status::Pass)
        .map(|c| c.name)
        .collect();
    assert_eq!(problems, [name], "{checks:#?}");
    let c = find(checks, name);
    assert_eq!(c.status, status, "{c:#?}");
    assert!(!c.fix.is_empty(), "a {status:?} without a fix: {c:#?}");
    c
}

const ALL: [&str; 8] = [
    "session-manager-plugin",
    "task running",
    "execute command enabled",
    "Fargate platform >= 1.4.0",
    "ExecuteCommandAgent",
    "initProcessEnabled",
    "task role",
    "read-only root: agent paths writable",
];

#[test]
fn a_healthy_fargate_task_passes_every_check_without_fixes() {
    let checks = Case::new().checks();
    let names: Vec<&str> = checks.iter().map(|c| c.name).collect();
    assert_eq!(names, ALL);
    for c in &checks {
        assert_eq!(c.status, Status::Pass, "{c:#?}");
        assert_eq!(c.fix, "", "a pass carries no fix: {c:#?}");
    }
    assert!(passed(&checks));
    assert_eq!(
        find(&checks, "session-manager-plugin").detail,
        "found at /usr/local/bin/session-manager-plugin"
    );
    assert_eq!(find(&checks, "ExecuteCommandAgent").detail, "php: RUNNING");
    assert_eq!(
        find(&checks, "task role").detail,
        "arn:aws:iam::123456789012:role/laravel-task"
    );
}

#[test]
fn a_missing_plugin_fails_with_the_reason_and_the_install_url() {
    let mut case = Case::new();
    case.plugin = Err("session-manager-plugin is not on PATH".into());
    let checks = case.checks();
    let c = only_problem(&checks, "session-manager-plugin", Status::Fail);
    assert_eq!(c.detail, "session-manager-plugin is not on PATH");
    assert!(
        c.fix.contains("https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html"),
        "{c:#?}"
    );
    assert!(c.fix.contains("[exec] plugin"), "{c:#?}");
    assert!(!passed(&checks));
}

#[test]
fn a_stopped_task_fails_task_running_with_both_statuses() {
    let mut case = Case::new();
    case.task.last_status = "STOPPED".into();
    case.task.desired_status = "STOPPED".into();
    let checks = case.checks();
    let c = only_problem(&checks, "task running", Status::Fail);
    assert_eq!(c.detail, "task is STOPPED (desired STOPPED)");
    assert!(c.fix.contains("RUNNING"), "{c:#?}");
    assert!(!passed(&checks));

    // Still starting counts as not running too.
    let mut case = Case::new();
    case.task.last_status = "PROVISIONING".into();
    let checks = case.checks();
    let c = only_problem(&checks, "task running", Status::Fail);
    assert_eq!(c.detail, "task is PROVISIONING (desired RUNNING)");
}

#[test]
fn exec_off_on_task_and_service_fails_with_the_update_service_fix() {
    let mut case = Case::new();
    case.task.exec_enabled = false;
    case.service.exec_enabled = false;
    let checks = case.checks();
    let c = only_problem(&checks, "execute command enabled", Status::Fail);
    assert_eq!(c.detail, "enableExecuteCommand is off");
    assert!(
        c.fix.contains("--enable-execute-command") && c.fix.contains("--force-new-deployment"),
        "{c:#?}"
    );
    assert!(!passed(&checks));
}

#[test]
fn exec_on_for_the_service_but_not_the_task_says_the_task_is_older() {
    let mut case = Case::new();
    case.task.exec_enabled = false;
    assert!(case.service.exec_enabled);
    let checks = case.checks();
    let c = only_problem(&checks, "execute command enabled", Status::Fail);
    assert_eq!(
        c.detail,
        "the service has it on, but this task started before it was turned on"
    );
    assert!(!passed(&checks));
}

#[test]
fn fargate_platform_1_3_0_fails_and_1_4_0_later_and_latest_pass() {
    for (version, ok) in [
        ("1.3.0", false),
        ("1.0.0", false),
        ("1.4.0", true),
        ("1.4", true),
        ("1.10.0", true),
        ("LATEST", true),
    ] {
        let mut case = Case::new();
        case.task.platform_version = Some(version.into());
        let checks = case.checks();
        let c = find(&checks, "Fargate platform >= 1.4.0");
        assert_eq!(c.detail, format!("platform version {version}"));
        if ok {
            assert_eq!(c.status, Status::Pass, "{version}: {c:#?}");
            assert!(passed(&checks), "{version}");
        } else {
            let c = only_problem(&checks, "Fargate platform >= 1.4.0", Status::Fail);
            assert!(
                c.fix.contains("1.4.0") && c.fix.contains("LATEST"),
                "{c:#?}"
            );
            assert!(!passed(&checks), "{version}");
        }
    }
}

#[test]
fn an_unknown_fargate_platform_version_fails_and_ec2_has_no_platform_check() {
    let mut case = Case::new();
    case.task.platform_version = None;
    let checks = case.checks();
    let c = only_problem(&checks, "Fargate platform >= 1.4.0", Status::Fail);
    assert_eq!(c.detail, "platform version unknown");

    let mut case = Case::new();
    case.task.launch_type = Some("EC2".into());
    case.task.platform_version = None;
    let checks = case.checks();
    assert!(
        checks.iter().all(|c| c.name != "Fargate platform >= 1.4.0"),
        "{checks:#?}"
    );
    assert!(passed(&checks));
}

#[test]
fn no_exec_agent_fails() {
    let mut case = Case::new();
    case.container_mut().exec_agent = None;
    let checks = case.checks();
    let c = only_problem(&checks, "ExecuteCommandAgent", Status::Fail);
    assert_eq!(c.detail, "php: no ExecuteCommandAgent reported");
    assert!(c.fix.contains("start new tasks"), "{c:#?}");
    assert!(!passed(&checks));
}

#[test]
fn an_agent_not_running_fails_with_its_status_and_reason() {
    let mut case = Case::new();
    case.container_mut().exec_agent = Some(ManagedAgent {
        status: "STOPPED".into(),
        reason: Some("agent could not write to /var/lib/amazon/ssm".into()),
    });
    let checks = case.checks();
    let c = find(&checks, "ExecuteCommandAgent");
    assert_eq!(c.status, Status::Fail);
    assert_eq!(
        c.detail,
        "php: STOPPED (agent could not write to /var/lib/amazon/ssm)"
    );
    assert!(c.fix.contains("ssmmessages"), "{c:#?}");
    // The fixture mounts the agent's paths: the stopped agent contradicts that, which
    // the writability check reports as a warning.
    assert_eq!(find(&checks, WRITABLE).status, Status::Warn);

    // PENDING without a reason: no empty parentheses.
    let mut case = Case::new();
    case.container_mut().exec_agent = Some(ManagedAgent {
        status: "PENDING".into(),
        reason: None,
    });
    let checks = case.checks();
    let c = only_problem(&checks, "ExecuteCommandAgent", Status::Fail);
    assert_eq!(c.detail, "php: PENDING");
    assert!(!passed(&checks));
}

#[test]
fn init_process_off_is_a_warning_that_does_not_fail_the_doctor() {
    let mut case = Case::new();
    case.def_mut().init_process_enabled = false;
    let checks = case.checks();
    let c = only_problem(&checks, "initProcessEnabled", Status::Warn);
    assert!(c.detail.starts_with("off"), "{c:#?}");
    assert!(c.fix.contains("initProcessEnabled = true"), "{c:#?}");
    assert!(passed(&checks), "a warning must not fail the doctor");
}

#[test]
fn no_task_role_fails_and_an_undescribed_task_definition_warns() {
    let mut case = Case::new();
    case.td_mut().task_role_arn = None;
    let checks = case.checks();
    let c = only_problem(&checks, "task role", Status::Fail);
    assert_eq!(c.detail, "the task definition has no taskRoleArn");
    assert!(c.fix.contains("ssmmessages:CreateControlChannel"), "{c:#?}");
    assert!(!passed(&checks));

    // Without the task definition nothing about it can be said: a warning, and the
    // container-definition checks are left out rather than guessed.
    let mut case = Case::new();
    case.no_task_definition = true;
    let checks = case.checks();
    let c = only_problem(&checks, "task role", Status::Warn);
    assert_eq!(c.detail, "task definition not loaded");
    assert!(checks.iter().all(
        |c| c.name != "initProcessEnabled" && c.name != "read-only root: agent paths writable"
    ));
    assert!(passed(&checks));
}

fn mount(path: &str, read_only: bool) -> MountPoint {
    MountPoint {
        source_volume: path.trim_start_matches('/').replace('/', "-"),
        container_path: path.into(),
        read_only,
    }
}

const WRITABLE: &str = "read-only root: agent paths writable";

#[test]
fn a_running_agent_is_the_strongest_evidence_and_needs_no_image_read() {
    let case = Case::image_volume_php(Some(("RUNNING", None)));
    let checks = case.checks();
    let c = find(&checks, WRITABLE);
    assert_eq!(
        (c.status, c.detail.as_str()),
        (Status::Pass, "agent running")
    );
    assert!(passed(&checks));
    assert_eq!(case.query(), None, "nothing to read from ECR");
}

#[test]
fn read_only_root_with_the_agent_volumes_passes() {
    let mut case = Case::new();
    assert!(case.def_mut().read_only_root);
    // Without a running agent the mounts decide. The fixture's php mounts
    // /var/lib/amazon and /var/log/amazon (parents of the agent's paths); exact paths and
    // a trailing slash count too.
    case.container_mut().exec_agent = None;
    let checks = case.checks();
    let c = find(&checks, WRITABLE);
    assert_eq!(c.status, Status::Pass);
    assert_eq!(
        c.detail,
        "task-definition volume /var/lib/amazon, task-definition volume /var/log/amazon"
    );
    assert_eq!(case.query(), None, "the task definition covers them");

    case.def_mut().mount_points = vec![
        mount("/var/lib/amazon/ssm", false),
        mount("/var/log/amazon/", false),
    ];
    let checks = case.checks();
    assert_eq!(find(&checks, WRITABLE).status, Status::Pass, "{checks:#?}");
}

#[test]
fn image_volumes_cover_the_paths_when_the_task_definition_does_not() {
    // The agent not reported (an older task; exec is judged by its own check).
    let mut case = Case::image_volume_php(None);
    let q = case.query().expect("an ECR read is needed");
    assert_eq!(
        q,
        ImageQuery {
            image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/laravel-app:v1.5.0".into(),
            digest: "sha256:abc".into(),
            arch: "amd64".into(),
        }
    );
    case.image = Some(ImageVolumes::Known(vec![
        "/opt/php".into(),
        "/var/lib/amazon".into(),
        "/var/log/amazon".into(),
    ]));
    let checks = case.checks();
    let c = find(&checks, WRITABLE);
    assert_eq!(c.status, Status::Pass, "{c:#?}");
    assert_eq!(
        c.detail,
        "image VOLUME /var/lib/amazon, image VOLUME /var/log/amazon"
    );

    // Mixed: one from each source, the task definition first.
    case.def_mut().mount_points = vec![mount("/var/log/amazon", false)];
    let checks = case.checks();
    assert_eq!(
        find(&checks, WRITABLE).detail,
        "image VOLUME /var/lib/amazon, task-definition volume /var/log/amazon"
    );

    // ARM64 tasks read the arm64 entry of a multi-arch image.
    case.td_mut().cpu_architecture = Some("ARM64".into());
    assert_eq!(case.query().map(|q| q.arch), Some("arm64".into()));
}

#[test]
fn a_stopped_agent_fails_with_its_reason_when_no_source_covers_the_paths() {
    let reason = "Failed to create /var/lib/amazon/ssm: read-only file system";
    let mut case = Case::image_volume_php(Some(("STOPPED", Some(reason))));
    case.image = Some(ImageVolumes::Known(vec!["/opt/php".into()]));
    let checks = case.checks();
    let c = find(&checks, WRITABLE);
    assert_eq!(c.status, Status::Fail);
    assert_eq!(
        c.detail,
        format!(
            "agent STOPPED: {reason}; not on a volume: /var/lib/amazon/ssm, /var/log/amazon/ssm"
        )
    );
    assert!(c.fix.contains("VOLUME"), "{c:#?}");

    // Even with the image unread or unreadable: a stopped agent is evidence enough.
    case.image = Some(ImageVolumes::Unknown("denied".into()));
    assert_eq!(find(&case.checks(), WRITABLE).status, Status::Fail);
}

#[test]
fn a_stopped_agent_whose_paths_are_covered_is_a_warning_not_a_failure() {
    let mut case = Case::image_volume_php(Some(("STOPPED", Some("ssmmessages: AccessDenied"))));
    case.image = Some(ImageVolumes::Known(vec![
        "/var/lib/amazon".into(),
        "/var/log/amazon".into(),
    ]));
    let checks = case.checks();
    let c = find(&checks, WRITABLE);
    assert_eq!(c.status, Status::Warn, "{c:#?}");
    assert_eq!(
        c.detail,
        "agent STOPPED: ssmmessages: AccessDenied, although its paths are on image VOLUME /var/lib/amazon, image VOLUME /var/log/amazon"
    );
    // The agent's own check still fails the doctor.
    assert_eq!(find(&checks, "ExecuteCommandAgent").status, Status::Fail);
}

#[test]
fn unknown_image_volumes_are_a_warning_naming_the_call() {
    let mut case = Case::image_volume_php(None);
    case.image = Some(ImageVolumes::Unknown(
        "ecr:GetDownloadUrlForLayer failed: AccessDeniedException: not authorized".into(),
    ));
    let checks = case.checks();
    let c = find(&checks, WRITABLE);
    assert_eq!(c.status, Status::Warn, "{c:#?}");
    assert!(
        c.detail
            .ends_with("image volumes unknown: ecr:GetDownloadUrlForLayer failed: AccessDeniedException: not authorized"),
        "{c:#?}"
    );
    assert!(
        c.detail.starts_with(
            "not on a task-definition volume: /var/lib/amazon/ssm, /var/log/amazon/ssm; "
        ),
        "{c:#?}"
    );
    assert!(
        c.fix.contains("ecr:BatchGetImage") && c.fix.contains("ecr:GetDownloadUrlForLayer"),
        "{c:#?}"
    );

    // Not read yet (the TUI is reading it): a warning too.
    case.image = None;
    let c = find(&case.checks(), WRITABLE).clone();
    assert_eq!(c.status, Status::Warn, "{c:#?}");
    assert!(c.detail.contains("not read yet"), "{c:#?}");
}

#[test]
fn a_pending_or_missing_agent_on_a_task_that_just_started_is_a_warning() {
    for agent in [Some(("PENDING", None)), None] {
        let mut case = Case::image_volume_php(agent);
        case.image = Some(ImageVolumes::Known(vec![]));
        case.task.started_at = Some(Timestamp(fixtures::NOW.0 - 30_000));
        let c = find(&case.checks(), WRITABLE).clone();
        assert_eq!(c.status, Status::Warn, "{agent:?}: {c:#?}");
        assert!(c.detail.contains("just started"), "{c:#?}");

        // Not started yet at all: the same.
        case.task.started_at = None;
        assert_eq!(find(&case.checks(), WRITABLE).status, Status::Warn);

        // Ten minutes later it is no longer "moments ago".
        case.task.started_at = Some(Timestamp(fixtures::NOW.0 - 600_000));
        let c = find(&case.checks(), WRITABLE).clone();
        assert_eq!(c.status, Status::Fail, "{agent:?}: {c:#?}");
        assert_eq!(
            c.detail,
            "not on a volume: /var/lib/amazon/ssm, /var/log/amazon/ssm"
        );
    }
}

#[test]
fn a_writable_root_or_no_definition_needs_no_image_read() {
    let mut case = Case::image_volume_php(None);
    case.def_mut().read_only_root = false;
    assert_eq!(case.query(), None);
    let mut case = Case::image_volume_php(None);
    case.no_task_definition = true;
    assert!(case.checks().iter().all(|c| c.name != WRITABLE));
}

#[test]
fn read_only_root_with_only_tmp_fails_naming_both_missing_paths() {
    let mut case = Case::new();
    case.def_mut().mount_points = vec![mount("/tmp", false)];
    // An old task whose agent is not reported, and an image without those VOLUMEs.
    case.container_mut().exec_agent = None;
    case.image = Some(ImageVolumes::Known(vec!["/tmp".into()]));
    let checks = case.checks();
    let c = find(&checks, WRITABLE);
    assert_eq!(c.status, Status::Fail, "{c:#?}");
    assert_eq!(
        c.detail,
        "not on a volume: /var/lib/amazon/ssm, /var/log/amazon/ssm"
    );
    assert!(
        c.fix.contains("/var/lib/amazon") && c.fix.contains("/var/log/amazon"),
        "{c:#?}"
    );
    assert!(!passed(&checks));

    // The fixture's nginx mounts neither, and its agent stopped: AWS's reason leads.
    let mut case = Case::new();
    case.container = "nginx".into();
    let checks = case.checks();
    let c = find(&checks, WRITABLE);
    assert_eq!(c.status, Status::Fail);
    assert_eq!(
        c.detail,
        format!(
            "agent STOPPED: {}; not on a volume: /var/lib/amazon/ssm, /var/log/amazon/ssm",
            fixtures::NGINX_AGENT_REASON
        )
    );
    assert_eq!(
        find(&checks, "ExecuteCommandAgent").detail,
        format!("nginx: STOPPED ({})", fixtures::NGINX_AGENT_REASON)
    );

    // Had it started, a RUNNING agent would prove the paths writable after all.
    case.container_mut().exec_agent = Some(ManagedAgent {
        status: "RUNNING".into(),
        reason: None,
    });
    let checks = case.checks();
    assert_eq!(find(&checks, WRITABLE).detail, "agent running");
    assert!(passed(&checks));
}

#[test]
fn a_read_only_or_look_alike_mount_does_not_count() {
    let mut case = Case::new();
    case.container_mut().exec_agent = None;
    case.image = Some(ImageVolumes::Known(vec![]));
    case.def_mut().mount_points = vec![
        mount("/var/lib/amazon", true),
        mount("/var/log/amazon", false),
    ];
    let checks = case.checks();
    let c = find(&checks, WRITABLE);
    assert_eq!(c.status, Status::Fail);
    assert_eq!(c.detail, "not on a volume: /var/lib/amazon/ssm");

    // `/var/lib/amazon-other` is not a parent of `/var/lib/amazon/ssm`, nor is a child.
    case.def_mut().mount_points = vec![
        mount("/var/lib/amazon-other", false),
        mount("/var/log/amazon/ssm/logs", false),
    ];
    let checks = case.checks();
    let c = find(&checks, WRITABLE);
    assert_eq!(c.status, Status::Fail);
    assert_eq!(
        c.detail,
        "not on a volume: /var/lib/amazon/ssm, /var/log/amazon/ssm"
    );
}

#[test]
fn a_writable_root_needs_no_volumes() {
    let mut case = Case::new();
    case.container = "nginx".into();
    case.def_mut().read_only_root = false;
    case.def_mut().mount_points.clear();
    case.container_mut().exec_agent = Some(ManagedAgent {
        status: "RUNNING".into(),
        reason: None,
    });
    let checks = case.checks();
    let c = find(&checks, "read-only root: agent paths writable");
    assert_eq!(c.status, Status::Pass, "{c:#?}");
    assert_eq!(c.detail, "root file system is writable");
    assert!(passed(&checks));
}

#[test]
fn several_failures_are_all_reported_in_order() {
    let mut case = Case::new();
    case.plugin = Err("nope".into());
    case.task.last_status = "STOPPED".into();
    case.task.exec_enabled = false;
    case.container_mut().exec_agent = None;
    let checks = case.checks();
    let failed: Vec<&str> = checks
        .iter()
        .filter(|c| c.status == Status::Fail)
        .map(|c| c.name)
        .collect();
    assert_eq!(
        failed,
        [
            "session-manager-plugin",
            "task running",
            "execute command enabled",
            "ExecuteCommandAgent"
        ]
    );
    assert!(!passed(&checks));
}

#[test]
fn checks_serialise_with_lowercase_status() {
    let mut case = Case::new();
    case.def_mut().init_process_enabled = false;
    let json = serde_json::to_value(case.checks()).expect("serialise");
    let statuses: Vec<&str> = json
        .as_array()
        .expect("array")
        .iter()
        .map(|c| c["status"].as_str().expect("status"))
        .collect();
    assert_eq!(
        statuses,
        ["pass", "pass", "pass", "pass", "pass", "warn", "pass", "pass"]
    );
    assert_eq!(json[1]["name"], "task running");
    assert_eq!(json[1]["fix"], "");
}

#[test]
fn an_image_outside_ecr_or_without_a_digest_is_unknown_without_a_call() {
    // nginx (Docker Hub) with its agent not reported: nothing can be read about it.
    let mut case = Case::new();
    case.container = "nginx".into();
    case.container_mut().exec_agent = None;
    assert_eq!(case.query(), None, "no ECR read for a Docker Hub image");
    let c = find(&case.checks(), WRITABLE).clone();
    assert_eq!(c.status, Status::Warn, "{c:#?}");
    assert!(c.detail.ends_with("image volumes unknown: the image is not in ECR (its volumes are read through ECR only)"), "{c:#?}");

    // An ECR image the task reports no digest for.
    let mut case = Case::image_volume_php(None);
    case.container_mut().image_digest = None;
    assert_eq!(case.query(), None);
    let c = find(&case.checks(), WRITABLE).clone();
    assert_eq!(c.status, Status::Warn, "{c:#?}");
    assert!(c.detail.contains("no imageDigest"), "{c:#?}");
}
