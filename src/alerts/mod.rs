//! The five signals the team would otherwise wire up as CloudWatch/EventBridge alarms,
//! evaluated from what toadtop already fetched, plus missing secrets ([`secret_alerts`]).
//! Pure: data and thresholds in, alerts out.

mod alert;
mod cpu_memory;
mod deployments;
mod findings;
mod secrets;
mod service_events;
mod stopped_tasks;

use std::collections::BTreeMap;

use crate::config::AlertSettings;
use crate::domain::{ClusterDetail, ImageFindings, ServiceMetrics};
use crate::timefmt::Timestamp;

pub use alert::{sort, Alert, Level};
pub use secrets::secret_alerts;
pub use service_events::event_is_problem;

/// Every rule over one cluster, in the README's order: per service 1 to 5, then rule 1 for
/// the standalone tasks; most severe first, newest first within a level.
pub fn evaluate(
    detail: &ClusterDetail,
    findings: &BTreeMap<String, ImageFindings>,
    metrics: &BTreeMap<String, ServiceMetrics>,
    cfg: &AlertSettings,
    now: Timestamp,
) -> Vec<Alert> {
    let mut out = Vec::new();
    for svc in &detail.services {
        // `about`: the alert's subject, shared cause, ... (see [`Alert`]).
        let mut push = |level, kind, task: Option<String>, message: String, since, about| {
            let alert::About {
                subject,
                cause,
                group,
                findings,
                counts,
            } = about;
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
                group,
                findings,
                counts,
            })
        };
        stopped_tasks::stopped_tasks(svc, &mut push);
        deployments::deployments(svc, cfg, now, &mut push);
        deployments::under_desired(svc, &mut push);
        service_events::problem_events(svc, &mut push);
        findings::findings_in_running_images(svc, findings, cfg, &mut push);
        cpu_memory::cpu_and_memory_maximum(svc, metrics, cfg, &mut push);
    }
    stopped_tasks::stopped_standalone_tasks(detail, &mut out);
    sort(&mut out);
    out
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
