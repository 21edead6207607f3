//! Mutating actions through `update`: the read-only refusal, the modals that ask, and
//! the job pane that follows a running action. Two-phase: only Enter in a confirm modal
//! emits `Effect::RunJob`.

use std::collections::BTreeMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::actions::{DeployPicker, Job, Modal, PickRow};
use super::{Action, Effect, Screen, State, View};
use crate::domain::{ecr_ref, Service};
use crate::logs::LogBuffer;
use crate::ops::deploy::{DeployRequest, WatchSettings};
use crate::ops::jobs::JobRequest;
use crate::ops::progress::{Outcome, Progress};

/// The service (and task) an action key refers to in the current view.
fn target(state: &State, with_task: bool) -> Option<(Service, Option<String>)> {
    let s = state.screen();
    let (cluster, service, task) = match &s.view {
        View::Services { cluster } => {
            let svc = super::visible_services(state, cluster, &s.filter)
                .get(s.selected)
                .map(|x| x.name.clone())?;
            (cluster.clone(), svc, None)
        }
        View::Tasks { cluster, service } => {
            let t = super::visible_tasks(state, cluster, service, &s.filter)
                .get(s.selected)
                .map(|t| t.arn.clone());
            (cluster.clone(), service.clone(), t)
        }
        View::TaskDetail {
            cluster,
            service,
            task,
        } => {
            let arn = state.task(cluster, service, task).map(|t| t.arn.clone());
            (cluster.clone(), service.clone(), arn)
        }
        View::ServiceDetail { cluster, service }
        | View::TaskDefinition { cluster, service }
        | View::Logs { cluster, service } => (cluster.clone(), service.clone(), None),
        View::Job => {
            let job = state.job.as_ref()?;
            let (c, s) = job.request.target();
            (c.to_string(), s.to_string(), None)
        }
        View::Clusters
        | View::Help
        | View::Alerts
        | View::FindingDetail { .. }
        | View::TaskDefs { .. }
        | View::TaskDefDiff { .. } => return None,
        View::Findings { cluster, service } => (cluster.clone(), service.clone()?, None),
    };
    let svc = state.service(&cluster, &service)?.clone();
    Some((svc, if with_task { task } else { None }))
}

/// Handles an action key; `None` when the key is not a mutating action.
pub fn on_action(state: &mut State, action: Action) -> Option<Vec<Effect>> {
    let verb = match action {
        Action::Deploy => "deploy",
        Action::Migrate => "migrate",
        Action::Restart => "restart",
        Action::Rollback => "rollback",
        Action::Scale => "scale",
        Action::StopTask => "stop-task",
        _ => return None,
    };
    // The one place the TUI refuses mutations under --read-only.
    if let Err(reason) = crate::ops::refuse_if_read_only(state.read_only, verb) {
        state.say(reason, true);
        return Some(Vec::new());
    }
    if state.job.as_ref().is_some_and(|j| j.outcome.is_none()) {
        state.say(
            "an action is still running: wait for it (its pane: :job)",
            true,
        );
        return Some(Vec::new());
    }
    // In the job pane, `b` rolls back what just failed.
    if action == Action::Rollback && state.screen().view == View::Job {
        return Some(match state.job.as_ref().and_then(Job::rollback_offer) {
            Some(job) => confirm(state, job),
            None => {
                state.say(
                    "nothing to roll back here: this action did not move the service (b in the services pane goes to the previous revision)",
                    true,
                );
                Vec::new()
            }
        });
    }
    let Some((svc, task)) = target(state, action == Action::StopTask) else {
        state.say(format!("{verb}: select a service first"), true);
        return Some(Vec::new());
    };
    let (cluster, service) = (svc.cluster.clone(), svc.name.clone());
    let effects = match action {
        Action::Deploy => open_picker(state, &svc),
        Action::Migrate => {
            let settings = state.config.service(&cluster, &service).migration;
            confirm(
                state,
                JobRequest::Migrate {
                    cluster,
                    service,
                    settings,
                },
            )
        }
        Action::Restart => confirm(state, JobRequest::Restart { cluster, service }),
        Action::Rollback => confirm(
            state,
            JobRequest::Rollback {
                cluster,
                service,
                to: None,
            },
        ),
        Action::Scale => {
            state.modal = Some(Modal::Scale {
                cluster,
                service,
                current: svc.desired,
                text: String::new(),
            });
            Vec::new()
        }
        Action::StopTask => match task {
            Some(task_arn) => confirm(
                state,
                JobRequest::StopTask {
                    cluster,
                    service,
                    task_arn,
                },
            ),
            None => {
                state.say("stop-task: select a task first (in the tasks pane)", true);
                Vec::new()
            }
        },
        _ => Vec::new(),
    };
    Some(effects)
}

fn current_revision(state: &State, job: &JobRequest) -> String {
    let (c, s) = job.target();
    state
        .service(c, s)
        .map_or_else(|| "?".into(), Service::family_revision)
}

fn confirm(state: &mut State, job: JobRequest) -> Vec<Effect> {
    let lines = job.describe(&current_revision(state, &job));
    let (c, s) = job.target();
    let title = format!("{} {c}/{s}?", job.verb());
    state.modal = Some(Modal::Confirm { title, lines, job });
    Vec::new()
}

fn open_picker(state: &mut State, svc: &Service) -> Vec<Effect> {
    let Some(td) = &svc.task_definition else {
        state.say(
            "deploy: the service's task definition is still loading",
            true,
        );
        return Vec::new();
    };
    let containers: Vec<(String, String)> = td
        .containers
        .iter()
        .map(|c| (c.name.clone(), c.image.clone()))
        .collect();
    let effects = containers
        .iter()
        .filter_map(|(name, image)| {
            let r = ecr_ref(image)?;
            Some(Effect::LoadImages {
                cluster: svc.cluster.clone(),
                service: svc.name.clone(),
                container: name.clone(),
                registry: r.account,
                repository: r.repository,
            })
        })
        .collect();
    let mut picker = DeployPicker {
        cluster: svc.cluster.clone(),
        service: svc.name.clone(),
        containers,
        images: BTreeMap::new(),
        chosen: BTreeMap::new(),
        migrate_first: false,
        selected: 0,
        now: state.now,
    };
    picker.first();
    state.modal = Some(Modal::Picker(picker));
    effects
}

/// Keys while a modal is open: it takes them all.
pub fn on_modal_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some(modal) = state.modal.take() else {
        return Vec::new();
    };
    let action = state.keymap.action_for(&key);
    let typed = match key.code {
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => Some(c),
        _ => None,
    };
    match modal {
        Modal::Confirm { title, lines, job } => match key.code {
            KeyCode::Enter => return start_job(state, job),
            KeyCode::Esc | KeyCode::Char('n') => {
                state.say(format!("{} cancelled", job.verb()), false)
            }
            _ => state.modal = Some(Modal::Confirm { title, lines, job }),
        },
        Modal::Preparing(job) => match key.code {
            KeyCode::Esc => state.say("deploy cancelled", false),
            _ => state.modal = Some(Modal::Preparing(job)),
        },
        Modal::Scale {
            cluster,
            service,
            current,
            mut text,
        } => match key.code {
            KeyCode::Esc => state.say("scale cancelled", false),
            KeyCode::Backspace => {
                text.pop();
                state.modal = Some(Modal::Scale {
                    cluster,
                    service,
                    current,
                    text,
                });
            }
            KeyCode::Enter => match text.parse::<i32>() {
                Ok(desired) if (0..=5000).contains(&desired) => {
                    return confirm(
                        state,
                        JobRequest::Scale {
                            cluster,
                            service,
                            desired,
                        },
                    );
                }
                _ => {
                    state.say("type a desired count from 0 to 5000", true);
                    state.modal = Some(Modal::Scale {
                        cluster,
                        service,
                        current,
                        text,
                    });
                }
            },
            _ => {
                if let Some(c) = typed.filter(char::is_ascii_digit) {
                    text.push(c);
                }
                state.modal = Some(Modal::Scale {
                    cluster,
                    service,
                    current,
                    text,
                });
            }
        },
        Modal::TypeImage {
            mut picker,
            container,
            mut text,
        } => match key.code {
            KeyCode::Esc => state.modal = Some(Modal::Picker(picker)),
            KeyCode::Enter => {
                let t = text.trim();
                if !t.is_empty() {
                    picker.chosen.insert(container, t.to_string());
                }
                state.modal = Some(Modal::Picker(picker));
            }
            KeyCode::Backspace => {
                text.pop();
                state.modal = Some(Modal::TypeImage {
                    picker,
                    container,
                    text,
                });
            }
            _ => {
                if let Some(c) = typed.filter(|c| !c.is_whitespace()) {
                    text.push(c);
                }
                state.modal = Some(Modal::TypeImage {
                    picker,
                    container,
                    text,
                });
            }
        },
        Modal::Exec(menu) => return super::update_exec::on_key(state, menu, key),
        Modal::QuitRunning => return super::update_quit::on_key(state, key),
        Modal::Picker(mut picker) => {
            if key.code == KeyCode::Esc {
                state.say("deploy cancelled", false);
                return Vec::new();
            }
            match action {
                Some(Action::Down) => picker.step(1),
                Some(Action::Up) => picker.step(-1),
                _ => {}
            }
            if matches!(key.code, KeyCode::Enter | KeyCode::Char(' ')) {
                let rows = picker.rows();
                match rows.get(picker.selected).cloned() {
                    Some(PickRow::Keep { container }) => {
                        picker.chosen.remove(&container);
                    }
                    Some(PickRow::Image {
                        container, image, ..
                    }) => {
                        picker.chosen.insert(container, image);
                    }
                    Some(PickRow::Typed { container }) => {
                        let text = picker.chosen.get(&container).cloned().unwrap_or_default();
                        state.modal = Some(Modal::TypeImage {
                            picker,
                            container,
                            text,
                        });
                        return Vec::new();
                    }
                    Some(PickRow::MigrateFirst) => picker.migrate_first = !picker.migrate_first,
                    Some(PickRow::Continue) => {
                        let images = picker.changes();
                        if images.is_empty() {
                            state.say("choose a new image first (enter on a tag)", true);
                        } else {
                            let migrate_first = picker.migrate_first.then(|| {
                                state
                                    .config
                                    .service(&picker.cluster, &picker.service)
                                    .migration
                            });
                            let job = JobRequest::Deploy(DeployRequest {
                                cluster: picker.cluster.clone(),
                                service: picker.service.clone(),
                                images,
                                migrate_first,
                                watch: WatchSettings::default(),
                                no_wait: false,
                            });
                            state.modal = Some(Modal::Preparing(job.clone()));
                            return vec![Effect::PrepareDeploy { job }];
                        }
                    }
                    _ => {}
                }
            }
            state.modal = Some(Modal::Picker(picker));
        }
    }
    Vec::new()
}

fn start_job(state: &mut State, job: JobRequest) -> Vec<Effect> {
    let id = state.next_request;
    state.next_request += 1;
    let (before, account) = {
        let (c, s) = job.target();
        let svc = state.service(c, s);
        (
            svc.map(Service::family_revision),
            svc.and_then(|s| crate::ops::audit::account_of(&s.arn)),
        )
    };
    state.job = Some(Job {
        id,
        request: job.clone(),
        lines: Vec::new(),
        logs: LogBuffer::new(5_000),
        outcome: None,
        scroll: 0,
        before: before.clone(),
        left: Default::default(),
    });
    if state.screen().view != View::Job {
        state.stack.push(Screen::new(View::Job));
    }
    vec![Effect::RunJob {
        id,
        job,
        before,
        account,
    }]
}

pub fn on_images(
    state: &mut State,
    cluster: &str,
    service: &str,
    container: String,
    result: Result<Vec<crate::aws::ecr::EcrImage>, String>,
) {
    let picker = match &mut state.modal {
        Some(Modal::Picker(p)) | Some(Modal::TypeImage { picker: p, .. }) => p,
        _ => return,
    };
    if picker.cluster == cluster && picker.service == service {
        picker.images.insert(container, result);
    }
}

pub fn on_prepared(state: &mut State, for_job: &JobRequest, result: Result<Vec<String>, String>) {
    let job = match state.modal.take() {
        Some(Modal::Preparing(job)) if job == *for_job => job,
        other => {
            state.modal = other;
            return;
        }
    };
    match result {
        Ok(preview) => {
            let mut lines = job.describe(&current_revision(state, &job));
            lines.extend(preview);
            let (c, s) = job.target();
            let title = format!("deploy {c}/{s}?");
            state.modal = Some(Modal::Confirm { title, lines, job });
        }
        Err(e) => state.say(format!("deploy: {e}"), true),
    }
}

pub fn on_progress(state: &mut State, id: u64, progress: Progress) {
    let Some(job) = state.job.as_mut().filter(|j| j.id == id) else {
        return;
    };
    match progress {
        Progress::Line { tone, text } => job.lines.push((tone, text)),
        Progress::Log(l) => {
            job.logs
                .push(&l.task, &l.container, l.timestamp_ms, &l.message);
        }
        Progress::Mark(m) => job.left.apply(&m),
    }
}

/// The action ended: record it, and reload so the panes show the new state.
pub fn on_done(state: &mut State, id: u64, outcome: Outcome) -> Option<String> {
    let job = state.job.as_mut().filter(|j| j.id == id)?;
    let summary = outcome.summary();
    let ok = outcome.succeeded();
    let cluster = outcome.cluster.clone();
    job.outcome = Some(outcome);
    let offer = job.rollback_offer().is_some();
    state.say(
        if offer {
            format!("{summary} (b rolls back)")
        } else {
            summary
        },
        !ok,
    );
    Some(cluster)
}

#[cfg(test)]
#[path = "update_actions_tests.rs"]
mod tests;
