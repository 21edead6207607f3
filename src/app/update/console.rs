//! `B`: the AWS console page of what is selected (cluster, service, task, task-definition
//! revision, log stream or group) goes on the status line and the clipboard (OSC 52, as
//! `y`), and to a browser when the machine has an opener (the runtime looks for one).

use crate::app::lists::{visible_alerts, visible_clusters, visible_services, visible_tasks};
use crate::app::{Effect, State, View};
use crate::domain::console_url::{self, Place};
use crate::domain::STANDALONE;

/// What `B` links to in the current view: a label for the status line and the URL, or
/// why there is none.
pub fn target(state: &State) -> Result<(&'static str, String), &'static str> {
    let s = state.screen();
    let (f, at) = (&s.filter, s.selected);
    let found = match &s.view {
        View::Clusters => visible_clusters(state, f)
            .get(at)
            .map(|c| ("cluster", c.console_url())),
        View::Services { cluster } => visible_services(state, cluster, f)
            .get(at)
            .map(|x| ("service", x.console_url())),
        View::Tasks { cluster, service } => visible_tasks(state, cluster, service, f)
            .get(at)
            .map(|t| ("task", t.console_url())),
        View::ServiceDetail { cluster, service } => state
            .service(cluster, service)
            .map(|x| ("service", x.console_url())),
        View::TaskDetail {
            cluster,
            service,
            task,
        } => state
            .task(cluster, service, task)
            .map(|t| ("task", t.console_url())),
        View::TaskDefinition { cluster, service } => state.service(cluster, service).map(|x| {
            let url = console_url::task_definition_arn(&x.task_definition_arn);
            ("task definition", url)
        }),
        View::TaskDefs { family } => super::taskdefs::visible(state, family, f)
            .get(at)
            .map(|a| ("task definition", console_url::task_definition_arn(a))),
        View::TaskDefDiff { after, .. } => {
            Some(("task definition", console_url::task_definition_arn(after)))
        }
        View::Logs { cluster, .. } => log_target(state, cluster),
        // An alert leads where Enter goes: its service, or a standalone task.
        View::Alerts => visible_alerts(state, f).get(at).and_then(|a| {
            match (&a.task, a.service == STANDALONE) {
                (Some(task), true) => state
                    .task(&a.cluster, &a.service, task)
                    .map(|t| ("task", t.console_url())),
                _ => state
                    .service(&a.cluster, &a.service)
                    .map(|x| ("service", x.console_url())),
            }
        }),
        View::Findings { .. }
        | View::FindingDetail { .. }
        | View::Job
        | View::Help
        | View::Messages
        | View::Events
        | View::Forwards => {
            return Err("no console link here: select a cluster, service, task, revision or log");
        }
    };
    match found {
        Some((label, Some(url))) => Ok((label, url)),
        Some((_, None)) => Err("no console link: the ARN names no region of a public AWS console"),
        None => Err("nothing selected to link to"),
    }
}

/// The log pane: the stream of the selected record (when paused on one), else the one
/// stream the pane reads, else its log group.
fn log_target(state: &State, cluster: &str) -> Option<(&'static str, Option<String>)> {
    let pane = state.logs.as_ref()?;
    let record = (!pane.follow)
        .then(|| {
            let visible = pane.visible();
            let i = pane.anchor(&visible)?;
            pane.buffer.get(visible[i])
        })
        .flatten();
    let source = match record {
        Some(r) => pane
            .plan
            .sources
            .iter()
            .find(|s| *s.task == *r.task && *s.container == *r.container),
        None => None,
    };
    let one_stream = match pane.plan.sources.as_slice() {
        [only] => Some(only),
        _ => None,
    };
    let first = pane.plan.sources.first()?;
    // Region and partition from the cluster's ARN (the console is the real one even
    // against a custom endpoint), unless the container's awslogs-region says otherwise.
    let base = state
        .cluster(cluster)
        .and_then(|c| Place::of_arn(&c.arn))
        .or_else(|| Place::of_region(&state.region));
    let place_of = |task: &str, container: &str| -> Option<Place> {
        let base = base.clone()?;
        let region = state
            .tasks_of(cluster, &pane.service)
            .and_then(|ts| ts.iter().find(|t| t.id == task))
            .and_then(|t| t.containers.iter().find(|c| c.name == container))
            .and_then(|c| c.awslogs.as_ref()?.region.clone());
        match region {
            Some(r) => base.in_region(&r),
            None => Some(base),
        }
    };
    Some(match source.or(one_stream) {
        Some(s) => (
            "log stream",
            place_of(&s.task, &s.container)
                .map(|p| console_url::log_stream(&p, &s.group, &s.stream)),
        ),
        None => (
            "log group",
            place_of(&first.task, &first.container)
                .map(|p| console_url::log_group(&p, &first.group)),
        ),
    })
}

pub fn open(state: &mut State) -> Vec<Effect> {
    match target(state) {
        Ok((label, url)) => {
            state.say(status_text(label, &url, None), false);
            vec![
                Effect::Copy { text: url.clone() },
                Effect::OpenUrl { label, url },
            ]
        }
        Err(why) => {
            state.say(why, true);
            Vec::new()
        }
    }
}

fn status_text(label: &str, url: &str, note: Option<&str>) -> String {
    let url = crate::safety::sanitize(url);
    match note {
        None => format!("{label} console URL copied: {url}"),
        Some(n) => format!(
            "{label} console URL copied: {url} · {}",
            crate::safety::sanitize(n)
        ),
    }
}

/// The opener's answer. A failure is a note after the URL (it is still copied), not an
/// error; said only while the status line still shows that URL.
pub fn on_opened(state: &mut State, label: &str, url: &str, result: Result<(), String>) {
    let Err(why) = result else {
        return;
    };
    let shown = status_text(label, url, None);
    if state.status.as_ref().is_some_and(|s| s.text == shown) {
        state.say(status_text(label, url, Some(&why)), false);
    }
}

#[cfg(test)]
#[path = "console_tests.rs"]
mod tests;
