//! The rows a list pane shows after its filter: shared by `update` (cursor moves) and `ui`
//! (drawing), so both always agree on what row N is.

use crate::domain::{Cluster, Service, Task};

use super::State;

fn matches(filter: &str, fields: &[&str]) -> bool {
    if filter.is_empty() {
        return true;
    }
    let needle = filter.to_lowercase();
    fields.iter().any(|f| f.to_lowercase().contains(&needle))
}

pub fn visible_clusters<'a>(state: &'a State, filter: &str) -> Vec<&'a Cluster> {
    state
        .clusters
        .data
        .iter()
        .flatten()
        .filter(|c| matches(filter, &[&c.name, &c.status]))
        .collect()
}

pub fn visible_services<'a>(state: &'a State, cluster: &str, filter: &str) -> Vec<&'a Service> {
    state
        .detail(cluster)
        .and_then(|d| d.data.as_ref())
        .map(|d| {
            d.services
                .iter()
                .filter(|s| {
                    let images: Vec<&str> = s
                        .task_definition
                        .iter()
                        .flat_map(|td| td.containers.iter().map(|c| c.image.as_str()))
                        .collect();
                    let fr = crate::domain::arn_tail(&s.task_definition_arn);
                    matches(filter, &[&s.name, &s.status, fr, &s.launch_type])
                        || matches(filter, &images)
                })
                .collect()
        })
        .unwrap_or_default()
}

pub fn visible_tasks<'a>(
    state: &'a State,
    cluster: &str,
    service: &str,
    filter: &str,
) -> Vec<&'a Task> {
    state
        .service(cluster, service)
        .map(|s| {
            s.tasks
                .iter()
                .filter(|t| {
                    matches(
                        filter,
                        &[
                            &t.id,
                            &t.last_status,
                            &t.desired_status,
                            &t.health,
                            t.stop_code.as_deref().unwrap_or(""),
                            t.stopped_reason.as_deref().unwrap_or(""),
                        ],
                    ) || t
                        .containers
                        .iter()
                        .any(|c| matches(filter, &[&c.name, &c.image]))
                })
                .collect()
        })
        .unwrap_or_default()
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

pub fn visible_findings<'a>(
    state: &'a State,
    cluster: &str,
    service: Option<&str>,
    filter: &str,
) -> Vec<FindingRow<'a>> {
    let mut rows = Vec::new();
    for image in images_of(state, cluster, service) {
        let Some((image, scan)) = state.findings.get_key_value(&image) else {
            continue;
        };
        if scan.items.is_empty() {
            if matches(filter, &[image, &scan.status]) {
                rows.push(FindingRow {
                    image,
                    scan,
                    finding: None,
                });
            }
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
            if matches(filter, &fields) {
                rows.push(FindingRow {
                    image,
                    scan,
                    finding: Some(f),
                });
            }
        }
    }
    rows.sort_by_key(|r| {
        r.finding
            .map_or(9, |f| crate::domain::severity_rank(&f.severity))
    });
    rows
}

pub fn visible_alerts<'a>(state: &'a State, filter: &str) -> Vec<&'a crate::alerts::Alert> {
    state
        .alerts
        .iter()
        .filter(|a| {
            matches(
                filter,
                &[a.level.as_str(), a.kind, &a.cluster, &a.service, &a.message],
            )
        })
        .collect()
}
