//! The rows a list pane shows after its filter: shared by `update` (cursor moves) and `ui`
//! (drawing), so both always agree on what row N is.

use std::collections::BTreeMap;

use crate::alerts::Alert;
use crate::domain::{Cluster, Service, Task};

use super::State;

use super::columns::{self, Column, Pane, Sort};

/// The sort chosen for a pane kind, if any.
pub fn sort_of(state: &State, pane: Pane) -> Option<Sort> {
    state.sorts.get(&pane).copied()
}

/// The name and direction of the sorted column of a pane, for its header.
pub fn sort_header(state: &State, pane: Pane) -> Option<(&'static str, bool)> {
    let sort = sort_of(state, pane)?;
    Some((column_names(pane).get(sort.column)?, sort.descending))
}

/// The sortable columns of a pane kind, by name.
pub fn column_names(pane: Pane) -> Vec<&'static str> {
    fn names<C, T: ?Sized>(columns: &[Column<C, T>]) -> Vec<&'static str> {
        columns.iter().map(|c| c.name).collect()
    }
    match pane {
        Pane::Clusters => names(CLUSTER_COLUMNS),
        Pane::Services => names(SERVICE_COLUMNS),
        Pane::Tasks => names(TASK_COLUMNS),
        Pane::Findings => names(&finding_columns()),
        Pane::Alerts => names(ALERT_COLUMNS),
        Pane::Standalone => names(STANDALONE_COLUMNS),
    }
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

pub const CLUSTER_COLUMNS: &[Column<State, Cluster>] = &[
    Column {
        name: "NAME",
        text: |_, c| c.name.clone(),
        num: None,
    },
    Column {
        name: "STATUS",
        text: |_, c| c.status.clone(),
        num: None,
    },
    Column {
        name: "SERVICES",
        text: |_, c| c.active_services.to_string(),
        num: Some(|_, c| f64::from(c.active_services)),
    },
    Column {
        name: "RUNNING",
        text: |_, c| c.running_tasks.to_string(),
        num: Some(|_, c| f64::from(c.running_tasks)),
    },
    Column {
        name: "PENDING",
        text: |_, c| c.pending_tasks.to_string(),
        num: Some(|_, c| f64::from(c.pending_tasks)),
    },
    Column {
        name: "ALERTS",
        text: |s, c| super::fleet::cell(s, &c.name).0,
        num: Some(|s, c| super::fleet::weight(s, &c.name)),
    },
];

/// Severity counts over the images a service runs (`None`: no scan known yet).
pub fn service_vulns(state: &State, s: &Service) -> Option<BTreeMap<String, i64>> {
    let mut counts = BTreeMap::new();
    let mut known = false;
    for c in s.task_definition.iter().flat_map(|td| &td.containers) {
        if let Some(f) = state.findings.get(&c.image) {
            known = true;
            for (sev, n) in &f.counts {
                *counts.entry(sev.clone()).or_insert(0) += n;
            }
        }
    }
    known.then_some(counts)
}

/// Worst first when sorted descending: criticals outweigh any number of highs.
fn vulns_weight(state: &State, s: &Service) -> f64 {
    service_vulns(state, s).map_or(-1.0, |counts| {
        counts
            .iter()
            .map(|(sev, n)| {
                let rank = i32::from(crate::domain::severity_rank(sev));
                *n as f64 * 1000f64.powi(5 - rank)
            })
            .sum()
    })
}

fn service_images(s: &Service) -> String {
    s.task_definition
        .iter()
        .flat_map(|td| td.containers.iter().map(|c| c.image.as_str()))
        .collect::<Vec<_>>()
        .join(" ")
}

pub const SERVICE_COLUMNS: &[Column<State, Service>] = &[
    Column {
        name: "NAME",
        text: |_, s| s.name.clone(),
        num: None,
    },
    Column {
        name: "STATUS",
        text: |_, s| s.status.clone(),
        num: None,
    },
    // Sorted by how far running is from desired: short services first.
    Column {
        name: "D/R/P",
        text: |_, s| format!("{}/{}/{}", s.desired, s.running, s.pending),
        num: Some(|_, s| f64::from(s.running) - f64::from(s.desired)),
    },
    Column {
        name: "TASK DEF",
        text: |_, s| s.family_revision(),
        num: None,
    },
    Column {
        name: "IMAGES",
        text: |_, s| service_images(s),
        num: None,
    },
    Column {
        name: "ROLLOUT",
        text: |_, s| {
            s.primary_deployment()
                .and_then(|d| d.rollout_state.clone())
                .unwrap_or_default()
        },
        num: None,
    },
    Column {
        name: "VULNS",
        text: |state, s| {
            service_vulns(state, s)
                .map(|c| {
                    c.iter()
                        .map(|(sev, n)| format!("{sev} {n}"))
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .unwrap_or_default()
        },
        num: Some(vulns_weight),
    },
    Column {
        name: "EXEC",
        text: |_, s| if s.exec_enabled { "on" } else { "off" }.to_string(),
        num: None,
    },
    Column {
        name: "LAUNCH",
        text: |_, s| s.launch_type.clone(),
        num: None,
    },
];

/// When a task's AGE counts from: since it stopped for a STOPPED task (how long ago it
/// went away is what an operator asks of it), since it started otherwise.
pub fn age_from(t: &Task) -> Option<crate::timefmt::Timestamp> {
    if t.last_status == "STOPPED" {
        t.stopped_at.or(t.started_at)
    } else {
        t.started_at
    }
}

/// A task's AGE cell (see [`age_from`]).
pub fn task_age(state: &State, t: &Task) -> String {
    age_from(t).map(|s| s.age(state.now)).unwrap_or_default()
}

/// Youngest first, as an age column reads; never-started tasks last.
fn age_key(_: &State, t: &Task) -> f64 {
    age_from(t).map_or(f64::MAX, |s| -(s.millis() as f64))
}

pub const TASK_COLUMNS: &[Column<State, Task>] = &[
    Column {
        name: "ID",
        text: |_, t| t.id.clone(),
        num: None,
    },
    // family:revision, so old and new tasks are told apart during a rollout; sorted by
    // the revision number (newest last ascending).
    Column {
        name: "REVISION",
        text: |_, t| crate::domain::family_revision(&t.task_definition_arn),
        num: Some(|_, t| {
            crate::domain::family_and_revision(&t.task_definition_arn)
                .map_or(-1.0, |(_, r)| f64::from(r))
        }),
    },
    Column {
        name: "STATUS",
        text: |_, t| t.last_status.clone(),
        num: None,
    },
    Column {
        name: "HEALTH",
        text: |_, t| t.health.clone(),
        num: None,
    },
    Column {
        name: "AGE",
        text: task_age,
        num: Some(age_key),
    },
    Column {
        name: "STOP CODE",
        text: |_, t| opt(&t.stop_code.clone().or_else(|| t.stopped_reason.clone())),
        num: None,
    },
    Column {
        name: "CONTAINERS",
        text: |_, t| {
            t.containers
                .iter()
                .map(|c| format!("{} {} {}", c.name, c.image, c.last_status))
                .collect::<Vec<_>>()
                .join(" ")
        },
        num: None,
    },
];

/// `php exit 1 · nginx exit 0`, or the last status of containers still running.
pub fn exit_codes(t: &Task) -> String {
    t.containers
        .iter()
        .map(|c| match c.exit_code {
            Some(code) if c.last_status == "STOPPED" => format!("{} exit {code}", c.name),
            _ => format!("{} {}", c.name, c.last_status),
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// A cluster's standalone tasks: who started them and how they ended come first.
pub const STANDALONE_COLUMNS: &[Column<State, Task>] = &[
    Column {
        name: "GROUP",
        text: |_, t| opt(&t.group),
        num: None,
    },
    Column {
        name: "STARTED BY",
        text: |_, t| opt(&t.started_by),
        num: None,
    },
    Column {
        name: "ID",
        text: |_, t| t.id.clone(),
        num: None,
    },
    Column {
        name: "STATUS",
        text: |_, t| t.last_status.clone(),
        num: None,
    },
    // Failed first when sorted descending: the highest exit code of the task.
    Column {
        name: "EXIT",
        text: |_, t| exit_codes(t),
        num: Some(|_, t| {
            t.containers
                .iter()
                .filter_map(|c| c.exit_code)
                .max()
                .map_or(-1.0, f64::from)
        }),
    },
    Column {
        name: "AGE",
        text: task_age,
        num: Some(age_key),
    },
    Column {
        name: "STOP CODE",
        text: |_, t| opt(&t.stop_code.clone().or_else(|| t.stopped_reason.clone())),
        num: None,
    },
];

pub fn visible_clusters<'a>(state: &'a State, filter: &str) -> Vec<&'a Cluster> {
    columns::select(
        state,
        state.clusters.data.iter().flatten(),
        CLUSTER_COLUMNS,
        filter,
        sort_of(state, Pane::Clusters),
        |c| vec![&c.name, &c.status],
    )
}

pub fn visible_services<'a>(state: &'a State, cluster: &str, filter: &str) -> Vec<&'a Service> {
    let Some(d) = state.detail(cluster).and_then(|d| d.data.as_ref()) else {
        return Vec::new();
    };
    columns::select(
        state,
        d.services.iter(),
        SERVICE_COLUMNS,
        filter,
        sort_of(state, Pane::Services),
        |s| {
            let mut fields = vec![
                s.name.as_str(),
                s.status.as_str(),
                crate::domain::arn_tail(&s.task_definition_arn),
                s.launch_type.as_str(),
            ];
            fields.extend(
                s.task_definition
                    .iter()
                    .flat_map(|td| td.containers.iter().map(|c| c.image.as_str())),
            );
            fields
        },
    )
}

/// A service's tasks, or with `service` = [`crate::domain::STANDALONE`] the cluster's
/// standalone tasks (with their own columns and sort).
pub fn visible_tasks<'a>(
    state: &'a State,
    cluster: &str,
    service: &str,
    filter: &str,
) -> Vec<&'a Task> {
    let Some(tasks) = state.tasks_of(cluster, service) else {
        return Vec::new();
    };
    let (columns, pane) = if service == crate::domain::STANDALONE {
        (STANDALONE_COLUMNS, Pane::Standalone)
    } else {
        (TASK_COLUMNS, Pane::Tasks)
    };
    columns::select(
        state,
        tasks.iter(),
        columns,
        filter,
        sort_of(state, pane),
        |t| {
            let mut fields = vec![
                t.id.as_str(),
                t.last_status.as_str(),
                t.desired_status.as_str(),
                t.health.as_str(),
                t.stop_code.as_deref().unwrap_or(""),
                t.stopped_reason.as_deref().unwrap_or(""),
                t.group.as_deref().unwrap_or(""),
                t.started_by.as_deref().unwrap_or(""),
                crate::domain::arn_tail(&t.task_definition_arn),
            ];
            for c in &t.containers {
                fields.push(&c.name);
                fields.push(&c.image);
            }
            fields
        },
    )
}

/// One row of the findings pane: a finding of an image, or (`finding: None`) an image
/// with nothing to list (not in ECR, not scanned, clean, or an error).
pub struct FindingRow<'a> {
    pub image: &'a str,
    pub scan: &'a crate::domain::ImageFindings,
    pub finding: Option<&'a crate::domain::Finding>,
}

/// Images of a cluster's services (or one service), deduplicated, in service order.
pub fn images_of(state: &State, cluster: &str, service: Option<&str>) -> Vec<String> {
    let mut images = Vec::new();
    if let Some(d) = state.detail(cluster).and_then(|d| d.data.as_ref()) {
        d.images_into(service, &mut images);
    }
    images
}

fn finding_text(r: &FindingRow, f: fn(&crate::domain::Finding) -> String) -> String {
    r.finding.map(f).unwrap_or_default()
}

/// A function, not a const: the rows borrow from the state for `'a`.
pub fn finding_columns<'a>() -> [Column<State, FindingRow<'a>>; 6] {
    [
        Column {
            name: "SEVERITY",
            text: |_, r| finding_text(r, |f| f.severity.clone()),
            // Descending puts CRITICAL first.
            num: Some(|_, r| {
                r.finding.map_or(-1.0, |f| {
                    9.0 - f64::from(crate::domain::severity_rank(&f.severity))
                })
            }),
        },
        Column {
            name: "FINDING",
            text: |_, r| finding_text(r, |f| f.name.clone()),
            num: None,
        },
        Column {
            name: "PACKAGE",
            text: |_, r| finding_text(r, |f| opt(&f.package)),
            num: None,
        },
        Column {
            name: "FIXED IN",
            text: |_, r| finding_text(r, |f| opt(&f.fixed_in)),
            num: None,
        },
        Column {
            name: "SCORE",
            text: |_, r| {
                finding_text(r, |f| {
                    f.score.map(|s| format!("{s:.1}")).unwrap_or_default()
                })
            },
            num: Some(|_, r| r.finding.and_then(|f| f.score).unwrap_or(-1.0)),
        },
        Column {
            name: "IMAGE",
            text: |_, r| r.image.to_string(),
            num: None,
        },
    ]
}

pub fn visible_findings<'a>(
    state: &'a State,
    cluster: &str,
    service: Option<&str>,
    filter: &str,
) -> Vec<FindingRow<'a>> {
    let cols = finding_columns();
    let filter = columns::Filter::parse(filter, &cols);
    let mut rows = Vec::new();
    let mut keep = |row: FindingRow<'a>, fields: &[&str]| {
        if filter.accepts(state, &row, &cols, fields) {
            rows.push(row);
        }
    };
    for image in images_of(state, cluster, service) {
        let Some((image, scan)) = state.findings.get_key_value(&image) else {
            continue;
        };
        if scan.items.is_empty() {
            let row = FindingRow {
                image,
                scan,
                finding: None,
            };
            keep(row, &[image, &scan.status]);
            continue;
        }
        for f in &scan.items {
            let fields = [
                f.name.as_str(),
                f.severity.as_str(),
                f.package.as_deref().unwrap_or(""),
                image.as_str(),
                f.status.as_deref().unwrap_or(""),
            ];
            let row = FindingRow {
                image,
                scan,
                finding: Some(f),
            };
            keep(row, &fields);
        }
    }
    // Worst first unless the operator chose another order.
    rows.sort_by_key(|r| {
        r.finding
            .map_or(9, |f| crate::domain::severity_rank(&f.severity))
    });
    columns::sort_rows(state, &mut rows, &cols, sort_of(state, Pane::Findings));
    rows
}

pub const ALERT_COLUMNS: &[Column<State, Alert>] = &[
    Column {
        name: "LEVEL",
        text: |_, a| a.level.as_str().to_string(),
        num: Some(|_, a| match a.level {
            crate::alerts::Level::Critical => 2.0,
            crate::alerts::Level::Warning => 1.0,
            crate::alerts::Level::Info => 0.0,
        }),
    },
    Column {
        name: "KIND",
        text: |_, a| a.kind.to_string(),
        num: None,
    },
    Column {
        name: "WHERE",
        text: |_, a| format!("{}/{}", a.cluster, a.service),
        num: None,
    },
    Column {
        name: "SINCE",
        text: |state, a| a.since.map(|t| t.age(state.now)).unwrap_or_default(),
        num: Some(|_, a| a.since.map_or(f64::MAX, |t| -(t.millis() as f64))),
    },
    Column {
        name: "WHY",
        text: |_, a| a.message.clone(),
        num: None,
    },
];

pub fn visible_alerts<'a>(state: &'a State, filter: &str) -> Vec<&'a Alert> {
    let rows = columns::select(
        state,
        state.alerts.iter(),
        ALERT_COLUMNS,
        filter,
        sort_of(state, Pane::Alerts),
        |a| vec![a.level.as_str(), a.kind, &a.cluster, &a.service, &a.message],
    );
    super::events::collapse_groups(state, rows)
}
