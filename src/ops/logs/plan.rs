//! Which log streams hold a selection's logs: from each task's own task-definition
//! revision, awslogs group and stream `<prefix>/<container>/<task-id>`.

use std::sync::Arc;

use crate::domain::{Service, Task};

/// Which of a service's logs: every task (running and recently stopped) unless `task`
/// names one (a full id or a unique prefix), every container unless `container` names one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogScope {
    pub task: Option<String>,
    pub container: Option<String>,
}

impl LogScope {
    pub fn service() -> Self {
        LogScope::default()
    }

    pub fn task(id: &str) -> Self {
        LogScope {
            task: Some(id.to_string()),
            container: None,
        }
    }

    pub fn describe(&self) -> String {
        match (&self.task, &self.container) {
            (None, None) => "all tasks".into(),
            (Some(t), None) => format!("task {}", crate::domain::short_task_id(t)),
            (None, Some(c)) => format!("container {c}, all tasks"),
            (Some(t), Some(c)) => format!("task {} container {c}", crate::domain::short_task_id(t)),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct LogSource {
    pub group: String,
    pub stream: String,
    pub task: Arc<str>,
    pub container: Arc<str>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogPlan {
    /// Sorted, so two plans compare equal when they read the same streams.
    pub sources: Vec<LogSource>,
    /// Plain sentences for containers whose logs are not in CloudWatch.
    pub unavailable: Vec<String>,
    /// The account the cluster lives in (from its ARNs), for live tail's log-group ARNs.
    pub account: Option<String>,
}

impl LogPlan {
    pub fn groups(&self) -> Vec<&str> {
        let mut groups: Vec<&str> = self.sources.iter().map(|s| s.group.as_str()).collect();
        groups.dedup();
        groups
    }

    pub fn streams_of(&self, group: &str) -> Vec<String> {
        self.sources
            .iter()
            .filter(|s| s.group == group)
            .map(|s| s.stream.clone())
            .collect()
    }

    pub fn source(&self, stream: &str) -> Option<&LogSource> {
        self.sources.iter().find(|s| s.stream == stream)
    }
}

pub fn plan(service: &Service, scope: &LogScope) -> LogPlan {
    plan_tasks(&service.arn, &service.tasks, scope)
}

/// The streams of `tasks` (a service's, or a cluster's standalone ones); `arn` is any ARN
/// of the cluster's account.
pub fn plan_tasks(arn: &str, tasks: &[Task], scope: &LogScope) -> LogPlan {
    let mut out = LogPlan {
        account: arn
            .split(':')
            .nth(4)
            .map(str::to_string)
            .filter(|a| !a.is_empty()),
        ..LogPlan::default()
    };
    let (task_filter, container_filter) = (scope.task.as_deref(), scope.container.as_deref());
    for task in tasks {
        if task_filter.is_some_and(|t| !task.id.starts_with(t)) {
            continue;
        }
        let task_id: Arc<str> = Arc::from(task.id.as_str());
        for c in &task.containers {
            if container_filter.is_some_and(|n| n != c.name) {
                continue;
            }
            match &c.awslogs {
                Some(logs) => {
                    // The awslogs driver names streams prefix/container/task-id; without a
                    // prefix ECS uses the container id, which toadtop cannot know.
                    let Some(prefix) = &logs.stream_prefix else {
                        out.unavailable.push(format!(
                            "{}: awslogs without a stream prefix, streams cannot be found",
                            c.name
                        ));
                        continue;
                    };
                    out.sources.push(LogSource {
                        group: logs.group.clone(),
                        stream: format!("{prefix}/{}/{}", c.name, task.id),
                        task: Arc::clone(&task_id),
                        container: Arc::from(c.name.as_str()),
                    });
                }
                None => {
                    let line = format!(
                        "{}: no awslogs log driver, logs are not in CloudWatch",
                        c.name
                    );
                    if !out.unavailable.contains(&line) {
                        out.unavailable.push(line);
                    }
                }
            }
        }
    }
    out.sources.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;

    #[test]
    fn service_scope_reads_every_task_and_container() {
        let detail = fixtures::production();
        let web = &detail.services[1];
        let p = plan(web, &LogScope::service());
        assert_eq!(p.sources.len(), web.tasks.len() * 2);
        assert!(p
            .sources
            .iter()
            .any(|s| s.stream == "web/php/0a1b2c3d4e5f" && s.group == "/ecs/laravel-production"));
        assert_eq!(p.groups(), vec!["/ecs/laravel-production"]);
        assert_eq!(p.account.as_deref(), Some("123456789012"));
        assert!(p.unavailable.is_empty());
    }

    #[test]
    fn task_and_container_scopes_narrow_it() {
        let detail = fixtures::production();
        let web = &detail.services[1];
        let p = plan(web, &LogScope::task("1b2c"));
        let streams: Vec<&str> = p.sources.iter().map(|s| s.stream.as_str()).collect();
        assert_eq!(
            streams,
            vec!["web/nginx/1b2c3d4e5f60", "web/php/1b2c3d4e5f60"]
        );
        let p = plan(
            web,
            &LogScope {
                task: Some("1b2c3d4e5f60".into()),
                container: Some("php".into()),
            },
        );
        assert_eq!(p.sources.len(), 1);
        assert_eq!(&*p.sources[0].container, "php");
    }

    #[test]
    fn containers_without_awslogs_say_so() {
        let mut detail = fixtures::production();
        let web = &mut detail.services[1];
        for t in &mut web.tasks {
            t.containers[1].awslogs = None;
        }
        let p = plan(web, &LogScope::service());
        assert_eq!(p.sources.len(), web.tasks.len());
        assert_eq!(
            p.unavailable,
            vec!["nginx: no awslogs log driver, logs are not in CloudWatch".to_string()]
        );
    }
}
