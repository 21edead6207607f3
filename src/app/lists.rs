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
