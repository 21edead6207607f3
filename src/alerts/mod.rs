//! The five signals the team would otherwise wire up as CloudWatch/EventBridge alarms,
//! evaluated from what toadtop already fetched, plus missing secrets ([`secret_alerts`]).
//! Pure: data and thresholds in, alerts out.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::config::AlertSettings;
use crate::domain::{
    severity_rank, short_task_id, ClusterDetail, ImageFindings, SecretHealth, SecretState,
    ServiceMetrics,
};
use crate::timefmt::Timestamp;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Critical,
    Warning,
    Info,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Critical => "critical",
            Level::Warning => "warning",
            Level::Info => "info",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alert {
    pub level: Level,
    /// task_failed, deployment, under_desired, service_event, finding, cpu, memory,
    /// secret
    pub kind: &'static str,
    pub cluster: String,
    /// The service, or [`crate::domain::STANDALONE`] for a standalone task's alert.
    pub service: String,
    pub task: Option<String>,
    pub message: String,
    pub since: Option<Timestamp>,
    /// What, within kind + cluster + service/task, the alert is about: a deployment's id,
    /// a service event's id, a finding's image digest, a secret's `container/name`
    /// (empty when kind + place say it all). With those, the alert's identity for
    /// `toadtop watch` (its text may change while it lasts).
    #[serde(skip)]
    pub subject: String,
    /// The one cause that alerts of several services share, so they are told as one
    /// event: `finding <digest> <CVEs>`, `secret <parameter>` (see [`crate::ops::watch`]).
    /// In `--once` JSON, so a script can count causes as the badge does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
}

/// Event messages that report a problem rather than progress.
pub fn event_is_problem(message: &str) -> bool {
    let m = message.to_lowercase();
    [
        "unable to",
        "unhealthy",
        "failed",
        "error",
        "insufficient",
        "throttl",
        "could not",
        "stopped because",
    ]
    .iter()
    .any(|w| m.contains(w))
}

pub fn evaluate(
    detail: &ClusterDetail,
    findings: &BTreeMap<String, ImageFindings>,
    metrics: &BTreeMap<String, ServiceMetrics>,
    cfg: &AlertSettings,
    now: Timestamp,
) -> Vec<Alert> {
    let mut out = Vec::new();
    for svc in &detail.services {
        // `about`: the alert's subject and shared cause (see [`Alert`]).
        let mut push = |level,
                        kind,
                        task: Option<String>,
                        message: String,
                        since,
                        about: (String, Option<String>)| {
            let (subject, cause) = about;
            out.push(Alert {
                level,
                kind,
                cluster: detail.cluster.clone(),
                service: svc.name.clone(),
                task,
                message,
                since,
                subject,
                cause,
            })
        };
        let none = || (String::new(), None);

        // 1. Tasks that stopped badly, unless the scheduler stopped them.
        for t in &svc.tasks {
            if let Some((level, message)) = task_failed(t, "") {
                push(
                    level,
                    "task_failed",
                    Some(t.id.clone()),
                    message,
                    t.stopped_at,
                    none(),
                );
            }
        }

        // 2. Deployments that failed, were rolled back, or hang; fewer tasks than desired.
        for d in &svc.deployments {
            let reason = d.rollout_state_reason.clone().unwrap_or_default();
            let since = d.updated_at.or(d.created_at);
            match d.rollout_state.as_deref() {
                Some("FAILED") => push(
                    Level::Critical,
                    "deployment",
                    None,
                    format!("deployment {} FAILED: {reason}", d.id),
                    since,
                    (d.id.clone(), None),
                ),
                Some("IN_PROGRESS") => {
                    if let Some(created) = d.created_at {
                        let minutes = (now.millis() - created.millis()) / 60_000;
                        if minutes >= cfg.deployment_in_progress_minutes as i64 {
                            push(
                                Level::Warning,
                                "deployment",
                                None,
                                format!("deployment {} IN_PROGRESS for {minutes} minutes", d.id),
                                Some(created),
                                (d.id.clone(), None),
                            );
                        }
                    }
                }
                _ => {
                    if d.status == "PRIMARY" && reason.to_lowercase().contains("circuit breaker") {
                        push(
                            Level::Critical,
                            "deployment",
                            None,
                            format!("rolled back by the circuit breaker: {reason}"),
                            since,
                            (d.id.clone(), None),
                        );
                    }
                }
            }
        }
        if svc.status == "ACTIVE" && svc.running < svc.desired {
            push(
                Level::Warning,
                "under_desired",
                None,
                format!("running {} of {} desired tasks", svc.running, svc.desired),
                // ECS does not say since when; the deployment's time would mislead.
                None,
                none(),
            );
        }

        // 3. Service events that report a problem (of the 20 newest ECS keeps), unless the
        //    service has reached a steady state since.
        let steady = svc
            .events
            .iter()
            .filter(|e| e.message.contains("reached a steady state"))
            .filter_map(|e| e.created_at)
            .max();
        for e in svc
            .events
            .iter()
            .filter(|e| event_is_problem(&e.message))
            .filter(|e| steady.is_none_or(|s| e.created_at.is_none_or(|t| t > s)))
        {
            push(
                Level::Warning,
                "service_event",
                None,
                e.message.clone(),
                e.created_at,
                (e.id.clone(), None),
            );
        }

        // 4. Findings at or above the configured severity in images running now.
        let min_rank = severity_rank(&cfg.min_severity);
        if let Some(td) = &svc.task_definition {
            for c in &td.containers {
                let Some(f) = findings.get(&c.image) else {
                    continue;
                };
                let hits: Vec<&crate::domain::Finding> = f
                    .items
                    .iter()
                    .filter(|x| severity_rank(&x.severity) <= min_rank)
                    .collect();
                let counted: i64 = f
                    .counts
                    .iter()
                    .filter(|(s, _)| severity_rank(s) <= min_rank)
                    .map(|(_, n)| n)
                    .sum();
                let n = counted.max(hits.len() as i64);
                if n > 0 {
                    let names: Vec<&str> = hits.iter().take(3).map(|x| x.name.as_str()).collect();
                    push(
                        Level::Critical,
                        "finding",
                        None,
                        format!(
                            "{}: {n} finding(s) at or above {} in {} ({})",
                            c.name,
                            cfg.min_severity,
                            crate::domain::image_tag(&c.image),
                            names.join(", ")
                        ),
                        None,
                        finding_about(&c.name, f, &hits),
                    );
                }
            }
        }

        // 5. CPU and memory Maximum over the threshold in the last hour.
        if let Some(m) = metrics.get(&svc.name) {
            for (kind, points, limit) in [
                ("cpu", &m.cpu_max, cfg.cpu_max_percent),
                ("memory", &m.memory_max, cfg.memory_max_percent),
            ] {
                if let Some(&(at, peak)) = points.iter().max_by(|a, b| a.1.total_cmp(&b.1)) {
                    if peak > limit {
                        push(
                            Level::Warning,
                            kind,
                            None,
                            format!("{kind} maximum {peak:.0}% in the last hour (threshold {limit:.0}%)"),
                            Some(Timestamp(at)),
                            none(),
                        );
                    }
                }
            }
        }
    }
    // 1, for standalone tasks (CI migrations, one-offs): the alarm the reference team has
    // for tasks of no service stopping badly.
    for t in &detail.tasks {
        let who = format!("{} ", t.group.as_deref().unwrap_or("no group"));
        if let Some((level, mut message)) = task_failed(t, &who) {
            if let Some(by) = &t.started_by {
                message.push_str(&format!("; started by {by}"));
            }
            out.push(Alert {
                level,
                kind: "task_failed",
                cluster: detail.cluster.clone(),
                service: crate::domain::STANDALONE.to_string(),
                task: Some(t.id.clone()),
                message,
                since: t.stopped_at,
                subject: String::new(),
                cause: None,
            });
        }
    }
    sort(&mut out);
    out
}

/// A finding alert's subject (container and image digest, else the image) and cause: the
/// digest and its CVEs, so every service running that image is one event.
fn finding_about(
    container: &str,
    f: &ImageFindings,
    hits: &[&crate::domain::Finding],
) -> (String, Option<String>) {
    let image = f.digest.as_deref().unwrap_or(&f.image);
    let mut names: Vec<&str> = hits.iter().map(|x| x.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    (
        format!("{container}@{image}"),
        Some(format!("finding {image} {}", names.join(","))),
    )
}

/// A STOPPED task with a non-zero exit code (critical) or that failed to start (warning),
/// unless the scheduler stopped it (`ServiceSchedulerInitiated`). `what` prefixes the
/// message (a standalone task's group).
fn task_failed(t: &crate::domain::Task, what: &str) -> Option<(Level, String)> {
    if t.last_status != "STOPPED" || t.stop_code.as_deref() == Some("ServiceSchedulerInitiated") {
        return None;
    }
    let bad = t.failed_exits();
    let reason = t.stopped_reason.clone().unwrap_or_default();
    if !bad.is_empty() {
        Some((
            Level::Critical,
            format!(
                "{what}task {} stopped: {} ({reason})",
                short_task_id(&t.id),
                bad.join(", ")
            ),
        ))
    } else if t.stop_code.as_deref() == Some("TaskFailedToStart") {
        Some((
            Level::Warning,
            format!(
                "{what}task {} failed to start: {reason}",
                short_task_id(&t.id)
            ),
        ))
    } else {
        None
    }
}

/// The sixth signal: secrets whose SSM parameter does not exist, by service of `cluster`.
/// ECS cannot start the service's next task (ResourceInitializationError: unable to pull
/// secrets). Unchecked or unknown ones (Secrets Manager, a failed lookup) are not alerts.
pub fn secret_alerts(
    cluster: &str,
    by_service: &BTreeMap<String, Vec<SecretHealth>>,
) -> Vec<Alert> {
    let mut out: Vec<Alert> = by_service
        .iter()
        .flat_map(|(service, rows)| rows.iter().map(move |r| (service, r)))
        .filter(|(_, r)| r.state == SecretState::Missing)
        .map(|(service, r)| Alert {
            level: Level::Critical,
            kind: "secret",
            cluster: cluster.to_string(),
            service: service.clone(),
            task: None,
            message: format!(
                "{}: secret {} ← SSM parameter {} does not exist; new tasks fail with \
                 ResourceInitializationError (unable to pull secrets)",
                r.container, r.name, r.parameter
            ),
            since: None,
            subject: format!("{}/{}", r.container, r.name),
            cause: Some(format!("secret {}", r.parameter)),
        })
        .collect();
    sort(&mut out);
    out
}

/// Most severe first, newest first within a level (alerts without a time last).
pub fn sort(alerts: &mut [Alert]) {
    alerts.sort_by(|a, b| a.level.cmp(&b.level).then(b.since.cmp(&a.since)));
}

/// Counts by level for the header badge.
pub fn counts(alerts: &[Alert]) -> (usize, usize, usize) {
    alerts.iter().fold((0, 0, 0), |(c, w, i), a| match a.level {
        Level::Critical => (c + 1, w, i),
        Level::Warning => (c, w + 1, i),
        Level::Info => (c, w, i + 1),
    })
}

#[cfg(test)]
mod tests;
