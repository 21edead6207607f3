//! The `--once` snapshot: one document of clusters, services and tasks, as stable JSON
//! (schema_version 1: fields may be added, never renamed) or aligned tables.

use serde_json::{json, Value};

use super::textable;
use crate::domain::{image_tag, Cluster, ClusterDetail, SecretHealth, Service, Task};
use crate::safety::sanitize;
use crate::timefmt::Timestamp;

pub const SCHEMA_VERSION: u32 = 1;

/// Secrets health: cluster -> service -> one row per `secrets` entry.
pub type SecretsByCluster =
    std::collections::BTreeMap<String, std::collections::BTreeMap<String, Vec<SecretHealth>>>;

#[derive(Debug, Clone)]
pub struct Snapshot {
    pub taken_at: Timestamp,
    pub profile: String,
    pub region: String,
    pub clusters: Vec<(Cluster, ClusterDetail)>,
    /// By image.
    pub findings: std::collections::BTreeMap<String, crate::domain::ImageFindings>,
    pub secrets: SecretsByCluster,
    pub alerts: Vec<crate::alerts::Alert>,
}

fn rfc(t: Option<Timestamp>) -> Value {
    t.map_or(Value::Null, |t| Value::String(t.rfc3339()))
}

pub fn to_json(s: &Snapshot) -> Value {
    let mut doc = json!({
        "schema_version": SCHEMA_VERSION,
        "taken_at": s.taken_at.rfc3339(),
        "profile": s.profile,
        "region": s.region,
        "clusters": s.clusters.iter().map(|(c, d)| json!({
            "name": c.name,
            "arn": c.arn,
            "status": c.status,
            "active_services": c.active_services,
            "running_tasks": c.running_tasks,
            "pending_tasks": c.pending_tasks,
            "console_url": c.console_url(),
            "services": d.services.iter().map(|svc| service_json(svc, &s.findings, secrets_of(s, svc))).collect::<Vec<_>>(),
            // Standalone tasks: group not `service:…` (CI migrations, one-offs, scheduled).
            "tasks": d.tasks.iter().map(task_json).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "alerts": s.alerts.iter().map(|a| json!({
            "level": a.level.as_str(),
            "kind": a.kind,
            "cluster": a.cluster,
            "service": a.service,
            "task": a.task,
            "message": a.message,
            "since": rfc(a.since),
            // What several services' alerts share (counted once by the badge and watch).
            "cause": a.cause,
        })).collect::<Vec<_>>(),
    });
    crate::safety::sanitize_json(&mut doc);
    doc
}

/// The secrets rows of one service (empty when it has none or was not checked).
fn secrets_of<'a>(s: &'a Snapshot, svc: &Service) -> &'a [SecretHealth] {
    s.secrets
        .get(&svc.cluster)
        .and_then(|m| m.get(&svc.name))
        .map_or(&[], Vec::as_slice)
}

/// Names, sources and SSM metadata only: values are never fetched, so never printed.
fn secret_json(r: &SecretHealth) -> Value {
    json!({
        "container": r.container,
        "name": r.name,
        "value_from": r.value_from,
        "parameter": r.parameter,
        "source": r.source.as_str(),
        "state": r.state.as_str(),
        "exists": r.state.exists(),
        "note": r.state.note(),
        "type": r.param_type,
        "version": r.version,
        "last_modified": rfc(r.last_modified),
    })
}

fn service_json(
    s: &Service,
    all: &std::collections::BTreeMap<String, crate::domain::ImageFindings>,
    secrets: &[SecretHealth],
) -> Value {
    let mut findings = serde_json::Map::new();
    for c in s.task_definition.iter().flat_map(|td| &td.containers) {
        if let Some(f) = all.get(&c.image) {
            findings.insert(
                c.image.clone(),
                json!({
                    "digest": f.digest,
                    "status": f.status,
                    "counts": f.counts,
                    "scan_settings": f.scan_settings,
                    "error": f.error,
                    "items": f.items,
                }),
            );
        }
    }
    let containers: Vec<Value> = s
        .task_definition
        .iter()
        .flat_map(|td| &td.containers)
        .map(|c| json!({"name": c.name, "image": c.image, "read_only_root": c.read_only_root}))
        .collect();
    json!({
        "name": s.name,
        "arn": s.arn,
        "status": s.status,
        "launch_type": s.launch_type,
        "desired": s.desired,
        "running": s.running,
        "pending": s.pending,
        "task_definition": s.family_revision(),
        "exec_enabled": s.exec_enabled,
        "console_url": s.console_url(),
        "containers": containers,
        "findings": findings,
        "secrets": secrets.iter().map(secret_json).collect::<Vec<_>>(),
        "deployments": s.deployments.iter().map(|d| json!({
            "id": d.id,
            "status": d.status,
            "rollout_state": d.rollout_state,
            "task_definition": crate::domain::family_revision(&d.task_definition_arn),
            "desired": d.desired,
            "running": d.running,
            "pending": d.pending,
            "failed_tasks": d.failed_tasks,
            "created_at": rfc(d.created_at),
            "updated_at": rfc(d.updated_at),
        })).collect::<Vec<_>>(),
        "events": s.events.iter().map(|e| json!({
            "id": e.id,
            "created_at": rfc(e.created_at),
            "message": e.message,
        })).collect::<Vec<_>>(),
        "tasks": s.tasks.iter().map(task_json).collect::<Vec<_>>(),
    })
}

fn task_json(t: &Task) -> Value {
    json!({
        "id": t.id,
        "arn": t.arn,
        "last_status": t.last_status,
        "desired_status": t.desired_status,
        "health": t.health,
        "started_at": rfc(t.started_at),
        "stopped_at": rfc(t.stopped_at),
        "stop_code": t.stop_code,
        "stopped_reason": t.stopped_reason,
        "group": t.group,
        "started_by": t.started_by,
        "started_by_toadtop": t.started_by_toadtop(),
        "task_definition": crate::domain::family_revision(&t.task_definition_arn),
        "console_url": t.console_url(),
        "containers": t.containers.iter().map(|c| json!({
            "name": c.name,
            "image": c.image,
            "last_status": c.last_status,
            "exit_code": c.exit_code,
            "health": c.health,
            "reason": c.reason,
        })).collect::<Vec<_>>(),
    })
}

pub fn to_table(s: &Snapshot) -> String {
    let mut out = format!(
        "profile {}  region {}  taken {}\n\n",
        sanitize(&s.profile),
        sanitize(&s.region),
        s.taken_at.rfc3339()
    );
    let rows: Vec<Vec<String>> = s
        .clusters
        .iter()
        .map(|(c, _)| {
            vec![
                sanitize(&c.name),
                sanitize(&c.status),
                c.active_services.to_string(),
                c.running_tasks.to_string(),
                c.pending_tasks.to_string(),
            ]
        })
        .collect();
    out.push_str(&textable::render(
        &["CLUSTER", "STATUS", "SERVICES", "RUNNING", "PENDING"],
        &rows,
    ));
    if !s.alerts.is_empty() {
        out.push_str("\nAlerts\n");
        let rows: Vec<Vec<String>> = s
            .alerts
            .iter()
            .map(|a| {
                vec![
                    a.level.as_str().to_uppercase(),
                    a.kind.to_string(),
                    sanitize(&format!("{}/{}", a.cluster, a.service)),
                    a.since
                        .map(|t| t.age(s.taken_at))
                        .unwrap_or_else(|| "-".into()),
                    sanitize(&a.message),
                ]
            })
            .collect();
        out.push_str(&textable::render(
            &["LEVEL", "KIND", "WHERE", "SINCE", "WHY"],
            &rows,
        ));
    }
    for (c, d) in &s.clusters {
        out.push_str(&format!("\nServices in {}\n", sanitize(&c.name)));
        let rows: Vec<Vec<String>> = d.services.iter().map(service_row).collect();
        out.push_str(&textable::render(
            &[
                "SERVICE", "STATUS", "DESIRED", "RUNNING", "PENDING", "TASK DEF", "ROLLOUT",
                "EXEC", "LAUNCH", "IMAGES",
            ],
            &rows,
        ));
        let rows: Vec<Vec<String>> = s
            .secrets
            .get(&c.name)
            .into_iter()
            .flatten()
            .filter(|(_, rows)| !rows.is_empty())
            .map(|(svc, rows)| secrets_row(svc, rows))
            .collect();
        if !rows.is_empty() {
            out.push_str(&format!("\nSecrets in {}\n", sanitize(&c.name)));
            out.push_str(&textable::render(
                &[
                    "SERVICE",
                    "SECRETS",
                    "EXIST",
                    "MISSING",
                    "NOT CHECKED",
                    "UNKNOWN",
                    "MISSING PARAMETERS",
                ],
                &rows,
            ));
        }
        let rows: Vec<Vec<String>> = d
            .services
            .iter()
            .flat_map(|svc| {
                svc.tasks
                    .iter()
                    .map(move |t| task_row(&svc.name, t, s.taken_at))
            })
            .collect();
        if !rows.is_empty() {
            out.push_str(&format!("\nTasks in {}\n", sanitize(&c.name)));
            out.push_str(&textable::render(
                &[
                    "SERVICE",
                    "TASK",
                    "LAST",
                    "DESIRED",
                    "HEALTH",
                    "AGE",
                    "STOP CODE",
                    "CONTAINERS",
                ],
                &rows,
            ));
        }
        if !d.tasks.is_empty() {
            out.push_str(&format!("\nStandalone tasks in {}\n", sanitize(&c.name)));
            let rows: Vec<Vec<String>> = d
                .tasks
                .iter()
                .map(|t| standalone_row(t, s.taken_at))
                .collect();
            out.push_str(&textable::render(
                &[
                    "GROUP",
                    "STARTED BY",
                    "TASK",
                    "LAST",
                    "DESIRED",
                    "AGE",
                    "STOP CODE",
                    "CONTAINERS",
                ],
                &rows,
            ));
        }
    }
    out
}

/// A standalone task: its group and who started it (`(toadtop)` marks toadtop's own
/// migrations), then the service task's columns.
fn standalone_row(t: &Task, now: Timestamp) -> Vec<String> {
    let mut row = task_row(t.group.as_deref().unwrap_or("-"), t, now);
    let by = t.started_by.as_deref().unwrap_or("-");
    let by = if t.started_by_toadtop() {
        format!("{by} (toadtop)")
    } else {
        by.to_string()
    };
    // task_row: SERVICE TASK LAST DESIRED HEALTH AGE STOP CODE CONTAINERS; health is
    // dropped (one-offs rarely have a health check) for STARTED BY.
    row.remove(4);
    row.insert(1, sanitize(&by));
    row
}

fn service_row(s: &Service) -> Vec<String> {
    let images = s
        .task_definition
        .iter()
        .flat_map(|td| &td.containers)
        // The whole image first: a tag cut from inside an escape sequence would show its
        // payload as text.
        .map(|c| format!("{}:{}", c.name, image_tag(&sanitize(&c.image))))
        .collect::<Vec<_>>()
        .join(" ");
    vec![
        sanitize(&s.name),
        sanitize(&s.status),
        s.desired.to_string(),
        s.running.to_string(),
        s.pending.to_string(),
        sanitize(&s.family_revision()),
        sanitize(
            s.primary_deployment()
                .and_then(|d| d.rollout_state.as_deref())
                .unwrap_or("-"),
        ),
        if s.exec_enabled { "on" } else { "off" }.to_string(),
        sanitize(&s.launch_type),
        sanitize(&images),
    ]
}

/// One service's secrets in one line: counts by state, then the missing ones
/// (`php:DB_PASSWORD←/laravel/production/DB_PASSWORD`; why others are unknown goes to stderr).
fn secrets_row(service: &str, rows: &[SecretHealth]) -> Vec<String> {
    use crate::domain::SecretState as S;
    let count = |f: fn(&S) -> bool| rows.iter().filter(|r| f(&r.state)).count();
    let missing: Vec<String> = rows
        .iter()
        .filter(|r| r.state == S::Missing)
        .map(|r| format!("{}:{}←{}", r.container, r.name, r.parameter))
        .collect();
    vec![
        sanitize(service),
        rows.len().to_string(),
        count(|s| *s == S::Exists).to_string(),
        count(|s| *s == S::Missing).to_string(),
        count(|s| matches!(s, S::NotChecked(_))).to_string(),
        count(|s| matches!(s, S::Unknown(_))).to_string(),
        if missing.is_empty() {
            "-".to_string()
        } else {
            sanitize(&missing.join(", "))
        },
    ]
}

fn task_row(service: &str, t: &Task, now: Timestamp) -> Vec<String> {
    let containers = t
        .containers
        .iter()
        .map(|c| {
            let state = match c.exit_code {
                Some(code) if c.last_status == "STOPPED" => format!("exit {code}"),
                _ => c.last_status.clone(),
            };
            let ro = if c.read_only_root == Some(true) {
                " ro"
            } else {
                ""
            };
            format!("{} {state}{ro}", c.name)
        })
        .collect::<Vec<_>>()
        .join(", ");
    vec![
        sanitize(service),
        sanitize(&t.id),
        sanitize(&t.last_status),
        sanitize(&t.desired_status),
        sanitize(&t.health),
        t.started_at
            .map(|s| s.age(now))
            .unwrap_or_else(|| "-".into()),
        sanitize(t.stop_code.as_deref().unwrap_or("-")),
        sanitize(&containers),
    ]
}
