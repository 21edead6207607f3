//! `:taskdefs [FAMILY]`: a family's revisions, and the diff between any two of them.
//! Enter diffs the selected revision against the base: the one marked with space, or
//! else the revision services run now (or, on that one, the revision before it).

use crate::app::{Effect, Screen, State, View};
use crate::domain::family_and_revision;

/// The family `:taskdefs` opens without an argument: the one of the service in view.
fn context_family(state: &State) -> Option<String> {
    let (cluster, service) = super::context_service(state)?;
    let s = state.service(&cluster, &service)?;
    family_and_revision(&s.task_definition_arn).map(|(f, _)| f)
}

pub fn open(state: &mut State, arg: &str) -> Vec<Effect> {
    let family = if arg.is_empty() {
        match context_family(state) {
            Some(f) => f,
            None => {
                state.say("select a service first, or :taskdefs FAMILY", true);
                return Vec::new();
            }
        }
    } else {
        arg.to_string()
    };
    let view = View::TaskDefs {
        family: family.clone(),
    };
    if state.screen().view != view {
        state.stack.push(Screen::new(view));
    }
    load(state, &family).into_iter().collect()
}

/// Lists the family's revisions (again on refresh).
pub fn load(state: &mut State, family: &str) -> Option<Effect> {
    let req = state.next_request;
    let slot = state.taskdefs.entry(family.to_string()).or_default();
    if slot.in_flight.is_some() {
        slot.again = true;
        return None;
    }
    slot.in_flight = Some(req);
    state.next_request += 1;
    Some(Effect::LoadRevisions {
        req,
        family: family.to_string(),
    })
}

pub fn on_listed(
    state: &mut State,
    req: crate::app::RequestId,
    family: &str,
    result: Result<Vec<String>, String>,
) -> Vec<Effect> {
    let now = state.now;
    let Some(slot) = state.taskdefs.get_mut(family) else {
        return Vec::new();
    };
    if slot.in_flight != Some(req) {
        return Vec::new();
    }
    if super::finish(slot, now, result.map_err(crate::domain::Failure::from)) {
        return load(state, family).into_iter().collect();
    }
    describe_listed(state, family)
}

/// Revisions described for the list (registration time, images) at most: the newest,
/// where a deploy or rollback goes; older ones are described when diffed.
pub const DESCRIBE_LISTED: usize = 30;

/// Describes the newest listed revisions not described yet (each revision once: the
/// runtime's cache keeps them, and a revision never changes).
fn describe_listed(state: &State, family: &str) -> Vec<Effect> {
    let arns: Vec<String> = state
        .taskdefs
        .get(family)
        .and_then(|s| s.data.as_ref())
        .map(|all| {
            all.iter()
                .take(DESCRIBE_LISTED)
                .filter(|a| !state.revisions.contains_key(*a))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    if arns.is_empty() {
        Vec::new()
    } else {
        vec![Effect::DescribeRevisions { arns }]
    }
}

pub fn on_described(
    state: &mut State,
    described: Vec<(String, Result<crate::domain::TaskDefinition, String>)>,
) {
    state.revisions.extend(described);
}

/// The revisions the pane lists after its filter (ARN text match).
pub fn visible<'a>(state: &'a State, family: &str, filter: &str) -> Vec<&'a String> {
    let needle = filter.to_lowercase();
    state
        .taskdefs
        .get(family)
        .and_then(|s| s.data.as_ref())
        .map(|arns| {
            arns.iter()
                .filter(|a| {
                    needle.is_empty()
                        || crate::domain::family_revision(a)
                            .to_lowercase()
                            .contains(&needle)
                        || in_use(state, a).join(" ").to_lowercase().contains(&needle)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `cluster/service` of every loaded service running this revision.
pub fn in_use(state: &State, arn: &str) -> Vec<String> {
    let mut out: Vec<String> = state
        .details
        .values()
        .filter_map(|d| d.data.as_ref())
        .flat_map(|d| &d.services)
        .filter(|s| s.task_definition_arn == arn)
        .map(|s| format!("{}/{}", s.cluster, s.name))
        .collect();
    out.sort();
    out
}

fn selected(state: &State, family: &str) -> Option<String> {
    let s = state.screen();
    visible(state, family, &s.filter)
        .get(s.selected)
        .map(|a| a.to_string())
}

/// Space: the selected revision becomes the base the others are compared with.
pub fn mark(state: &mut State, family: &str) -> Vec<Effect> {
    if let Some(arn) = selected(state, family) {
        state.say(
            format!(
                "base: {} (enter compares a revision with it)",
                crate::domain::family_revision(&arn)
            ),
            false,
        );
        state.taskdef_base.insert(family.to_string(), arn);
    }
    Vec::new()
}

/// The revision the selection is compared with, see the module comment.
fn base_for(state: &State, family: &str, chosen: &str) -> Option<String> {
    let all = state.taskdefs.get(family)?.data.as_ref()?;
    let marked = state.taskdef_base.get(family).filter(|b| *b != chosen);
    let running = all
        .iter()
        .find(|a| *a != chosen && !in_use(state, a).is_empty());
    let previous = || {
        let i = all.iter().position(|a| a == chosen)?;
        all.get(i + 1)
            .or_else(|| i.checked_sub(1).and_then(|j| all.get(j)))
    };
    marked.or(running).or_else(previous).cloned()
}

/// Enter: opens the diff, older revision on the left.
pub fn drill(state: &mut State, family: &str) -> Vec<Effect> {
    let Some(chosen) = selected(state, family) else {
        return Vec::new();
    };
    let Some(base) = base_for(state, family, &chosen) else {
        state.say("one revision only: nothing to compare", true);
        return Vec::new();
    };
    let rev = |a: &str| family_and_revision(a).map_or(0, |(_, r)| r);
    let (before, after) = if rev(&base) <= rev(&chosen) {
        (base, chosen)
    } else {
        (chosen, base)
    };
    let missing: Vec<String> = [&before, &after]
        .into_iter()
        .filter(|a| !matches!(state.revisions.get(*a), Some(Ok(_))))
        .cloned()
        .collect();
    state.stack.push(Screen::new(View::TaskDefDiff {
        family: family.to_string(),
        before,
        after,
    }));
    if missing.is_empty() {
        Vec::new()
    } else {
        vec![Effect::DescribeRevisions { arns: missing }]
    }
}

#[cfg(test)]
#[path = "taskdefs_tests.rs"]
mod tests;
