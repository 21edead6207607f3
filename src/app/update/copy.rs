//! `y`: the ARN (or id) of what is selected goes to the clipboard, through OSC 52 so it
//! works over SSH and in tmux.

use crate::app::lists::{visible_alerts, visible_clusters, visible_findings};
use crate::app::lists::{visible_services, visible_tasks};
use crate::app::{Effect, State, View};

/// What `y` copies in the current view: a label for the status line, and the text.
pub fn target(state: &State) -> Option<(&'static str, String)> {
    let s = state.screen();
    let f = &s.filter;
    let at = s.selected;
    match &s.view {
        View::Clusters => visible_clusters(state, f)
            .get(at)
            .map(|c| ("cluster ARN", c.arn.clone())),
        View::Services { cluster } => visible_services(state, cluster, f)
            .get(at)
            .map(|x| ("service ARN", x.arn.clone())),
        View::Tasks { cluster, service } => visible_tasks(state, cluster, service, f)
            .get(at)
            .map(|t| ("task ARN", t.arn.clone())),
        View::ServiceDetail { cluster, service } | View::Logs { cluster, service } => state
            .service(cluster, service)
            .map(|x| ("service ARN", x.arn.clone())),
        View::TaskDefinition { cluster, service } => state
            .service(cluster, service)
            .map(|x| ("task definition ARN", x.task_definition_arn.clone())),
        View::TaskDetail {
            cluster,
            service,
            task,
        } => state
            .task(cluster, service, task)
            .map(|t| ("task ARN", t.arn.clone())),
        View::Findings { cluster, service } => {
            visible_findings(state, cluster, service.as_deref(), f)
                .get(at)
                .map(|r| match r.finding {
                    Some(finding) => ("finding", finding.name.clone()),
                    None => ("image", r.image.to_string()),
                })
        }
        View::FindingDetail { name, .. } => Some(("finding", name.clone())),
        View::Alerts => visible_alerts(state, f).get(at).and_then(|a| {
            state
                .service(&a.cluster, &a.service)
                .map(|x| ("service ARN", x.arn.clone()))
        }),
        View::TaskDefs { family } => super::taskdefs::visible(state, family, f)
            .get(at)
            .map(|a| ("task definition ARN", a.to_string())),
        View::TaskDefDiff { after, .. } => Some(("task definition ARN", after.clone())),
        View::Forwards => super::forward::visible(state, f)
            .get(at)
            .and_then(|r| r.local.clone())
            .map(|l| ("local address", l)),
        View::Job | View::Help | View::Messages | View::Events => None,
    }
}

pub fn copy(state: &mut State) -> Vec<Effect> {
    match target(state) {
        Some((label, text)) => {
            state.say(
                format!("copied {label}: {}", crate::safety::sanitize(&text)),
                false,
            );
            vec![Effect::Copy { text }]
        }
        None => {
            state.say("nothing to copy here", true);
            Vec::new()
        }
    }
}
