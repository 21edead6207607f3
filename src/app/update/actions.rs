//! Mutating actions through `update`: the read-only refusal, the modals that ask, and
//! the job pane that follows a running action. Two-phase: only Enter in a confirm modal
//! emits `Effect::RunJob`.

use std::collections::BTreeMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::actions::{DeployPicker, Job, Modal, PickRow};
use crate::app::{Action, Effect, Screen, State, View};
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
            let svc = crate::app::visible_services(state, cluster, &s.filter)
                .get(s.selected)
                .map(|x| x.name.clone())?;
            (cluster.clone(), svc, None)
        }
        View::Tasks { cluster, service } => {
            let t = crate::app::visible_tasks(state, cluster, service, &s.filter)
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
        | View::Messages
        | View::Alerts
        | View::Forwards
        | View::Events
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
            Some(job) => prepare(state, job, Vec::new()),
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
        Action::Rollback => prepare(
            state,
            JobRequest::Rollback {
                cluster,
                service,
                to: None,
            },
            Vec::new(),
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

/// The first lines of every confirmation: account, profile and region; cluster and
/// service; the revision before → after.
fn header(state: &State, job: &JobRequest, account: Option<&str>, revision: String) -> Vec<String> {
    let (c, s) = job.target();
    vec![
        crate::app::confirm::where_line(account, &state.profile, &state.region),
        format!("cluster {c} · service {s}"),
        revision,
    ]
}

/// Whether Enter alone is not enough: the action leaves the service with no running task.
fn needs_typed_name(state: &State, job: &JobRequest) -> bool {
    match job {
        JobRequest::Scale { desired, .. } => *desired == 0,
        JobRequest::StopTask {
            cluster,
            service,
            task_arn,
        } => state.service(cluster, service).is_none_or(|svc| {
            !svc.tasks
                .iter()
                .any(|t| t.arn != *task_arn && t.desired_status == "RUNNING")
        }),
        _ => false,
    }
}

/// Confirms an action that needs no preview from AWS (migrate, restart, scale,
/// stop-task): described from the loaded service.
fn confirm(state: &mut State, job: JobRequest) -> Vec<Effect> {
    let (c, s) = job.target();
    let svc = state.service(c, s);
    let rev = current_revision(state, &job);
    let revision = match &job {
        JobRequest::Restart { .. } => {
            format!("revision {rev} → {rev} (the same revision, new tasks)")
        }
        JobRequest::Scale { desired, .. } => format!(
            "revision {rev} (unchanged) · desired count {} → {desired}",
            svc.map_or_else(|| "?".into(), |x| x.desired.to_string())
        ),
        JobRequest::StopTask { task_arn, .. } => format!(
            "revision {rev} (unchanged) · task {}",
            crate::domain::short_task_id(crate::domain::arn_tail(task_arn))
        ),
        _ => format!("revision {rev} (unchanged)"),
    };
    let account = svc.and_then(|x| crate::domain::account_of(&x.arn));
    let mut lines = header(state, &job, account.as_deref(), revision);
    // The images of the revision shown, when it is loaded.
    if let Some(td) = svc
        .and_then(|x| x.task_definition.as_ref())
        .filter(|td| svc.is_some_and(|x| x.task_definition_arn == td.arn))
    {
        lines.extend(
            td.containers
                .iter()
                .map(|c| format!("  container {}: image {}", c.name, c.image)),
        );
    }
    lines.extend(job.describe(&rev));
    let typed = needs_typed_name(state, &job).then(String::new);
    if typed.is_some() {
        lines.push(format!(
            "{}This leaves {s} with no running task: type its name to confirm.",
            crate::app::confirm::WARN
        ));
    }
    // What the job checks again before it changes anything.
    let expect = match &job {
        JobRequest::Restart { .. } | JobRequest::Migrate { .. } => {
            svc.map(|x| x.task_definition_arn.clone())
        }
        _ => None,
    };
    let title = format!("{} {c}/{s}?", job.verb());
    open_confirm(state, title, lines, job, typed, expect)
}

fn open_confirm(
    state: &mut State,
    title: String,
    lines: Vec<String>,
    job: JobRequest,
    typed: Option<String>,
    expect: Option<String>,
) -> Vec<Effect> {
    state.modal = Some(Modal::Confirm {
        title,
        lines,
        job,
        opened_at: state.now,
        typed,
        expect,
        scroll: 0,
    });
    vec![Effect::DropQueuedInput]
}

/// Asks AWS for a deploy's or a rollback's preview; the confirmation opens with it.
fn prepare(state: &mut State, job: JobRequest, notes: Vec<String>) -> Vec<Effect> {
    state.modal = Some(Modal::Preparing {
        job: job.clone(),
        notes,
    });
    vec![match job {
        JobRequest::Deploy(_) => Effect::PrepareDeploy { job },
        _ => Effect::PrepareRollback { job },
    }]
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
                base: r.base,
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
    let typed_char = typed.filter(|c| !c.is_whitespace() && !c.is_control());
    match modal {
        Modal::Confirm {
            title,
            lines,
            job,
            mut opened_at,
            mut typed,
            expect,
            mut scroll,
        } => {
            // Scrolling a text longer than the box: it never confirms nor cancels.
            let scroll_by = confirm_scroll(state, &key, action, typed.is_some());
            match key.code {
                _ if scroll_by.is_some() => {
                    let max = state.modal_view.map(|v| v.max_scroll());
                    scroll = crate::app::text_view::scrolled(scroll, scroll_by.unwrap_or(0), max);
                }
                // `n` cancels only when no name is being typed (names hold n's).
                KeyCode::Esc => {
                    state.say(format!("{} cancelled", job.verb()), false);
                    return Vec::new();
                }
                KeyCode::Char('n') if typed.is_none() => {
                    state.say(format!("{} cancelled", job.verb()), false);
                    return Vec::new();
                }
                // Text below the box that was never shown: show it and arm again, so
                // nobody confirms past a warning they did not see.
                KeyCode::Enter if state.modal_view.is_some_and(|v| scroll < v.max_scroll()) => {
                    scroll = crate::app::text_view::END;
                    opened_at = state.now;
                    state.say(
                        "enter showed the end of the confirmation: read it, then press enter",
                        false,
                    );
                }
                KeyCode::Enter if !Modal::armed(opened_at, state.now) => {
                    // A repeat or a paste: start the wait again, so a held Enter never
                    // gets through.
                    opened_at = state.now;
                    state.say(
                        "enter ignored: the confirmation had just opened; read it, then press enter",
                        true,
                    );
                }
                KeyCode::Enter => {
                    let (_, service) = job.target();
                    match &typed {
                        Some(t) if t != service => state.say(
                            format!("type the service name `{service}` exactly, then enter"),
                            true,
                        ),
                        _ => return start_job(state, job, expect),
                    }
                }
                KeyCode::Backspace => {
                    if let Some(t) = typed.as_mut() {
                        t.pop();
                    }
                }
                _ => {
                    if let (Some(t), Some(c)) = (typed.as_mut(), typed_char) {
                        t.push(c);
                    }
                }
            }
            state.modal = Some(Modal::Confirm {
                title,
                lines,
                job,
                opened_at,
                typed,
                expect,
                scroll,
            });
        }
        Modal::Preparing { job, notes } => match key.code {
            KeyCode::Esc => state.say(format!("{} cancelled", job.verb()), false),
            _ => state.modal = Some(Modal::Preparing { job, notes }),
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
        Modal::Exec(menu) => return super::exec::on_key(state, menu, key),
        Modal::Forward(form) => return super::forward::on_key(state, form, key),
        Modal::QuitRunning => return super::quit::on_key(state, key),
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
                                expect_running: None,
                            });
                            let notes = picker_notes(state, &picker);
                            return prepare(state, job, notes);
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

/// Rows a key scrolls a confirmation by, if it is a scrolling key: ↑/↓, pgup/pgdown,
/// home/end, and while no name is being typed the keymap's moves (j/k, ctrl-b/ctrl-f,
/// g/G). Enter, Esc and `n` are never scrolling keys, whatever the keymap says: they
/// confirm and cancel.
fn confirm_scroll(
    state: &State,
    key: &KeyEvent,
    action: Option<Action>,
    typing: bool,
) -> Option<i64> {
    const FAR: i64 = u16::MAX as i64;
    if matches!(key.code, KeyCode::Enter | KeyCode::Esc | KeyCode::Char('n')) {
        return None;
    }
    let page = state
        .modal_view
        .map_or(state.page_rows, |v| usize::from(v.height))
        .max(1) as i64;
    let by_code = match key.code {
        KeyCode::Down => Some(1),
        KeyCode::Up => Some(-1),
        KeyCode::PageDown => Some(page),
        KeyCode::PageUp => Some(-page),
        KeyCode::Home => Some(-FAR),
        KeyCode::End => Some(FAR),
        _ => None,
    };
    if by_code.is_some() || typing {
        // A name being typed takes every character (`j`, `g`, …).
        return by_code;
    }
    match action? {
        Action::Down => Some(1),
        Action::Up => Some(-1),
        Action::PageDown => Some(page),
        Action::PageUp => Some(-page),
        Action::Top => Some(-FAR),
        Action::Bottom => Some(FAR),
        _ => None,
    }
}

/// Warnings about the images chosen in the picker (see `confirm::image_notes`).
fn picker_notes(state: &State, picker: &DeployPicker) -> Vec<String> {
    let account = state
        .service(&picker.cluster, &picker.service)
        .and_then(|s| crate::domain::account_of(&s.arn));
    picker
        .changes()
        .iter()
        .flat_map(|(container, to)| {
            let from = picker
                .containers
                .iter()
                .find(|(n, _)| n == container)
                .map_or("", |(_, i)| i.as_str());
            let ecr = match picker.images.get(container) {
                Some(Ok(images)) => Some(images.as_slice()),
                _ => None,
            };
            crate::app::confirm::image_notes(container, from, to, account.as_deref(), ecr)
        })
        .collect()
}

fn start_job(state: &mut State, job: JobRequest, expect: Option<String>) -> Vec<Effect> {
    let id = state.next_request;
    state.next_request += 1;
    let (before, account) = {
        let (c, s) = job.target();
        let svc = state.service(c, s);
        (
            svc.map(Service::family_revision),
            svc.and_then(|s| crate::domain::account_of(&s.arn)),
        )
    };
    state.job = Some(Job {
        id,
        request: job.clone(),
        lines: Vec::new(),
        logs: LogBuffer::new(5_000),
        outcome: None,
        // A new action's pane follows its newest line.
        scroll: crate::app::text_view::END,
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
        expect,
        account,
    }]
}

pub fn on_images(
    state: &mut State,
    cluster: &str,
    service: &str,
    container: String,
    result: Result<Vec<crate::domain::EcrImage>, String>,
) {
    let picker = match &mut state.modal {
        Some(Modal::Picker(p)) | Some(Modal::TypeImage { picker: p, .. }) => p,
        _ => return,
    };
    if picker.cluster == cluster && picker.service == service {
        picker.images.insert(container, result);
    }
}

pub fn on_prepared(
    state: &mut State,
    for_job: &JobRequest,
    result: Result<crate::ops::jobs::Preview, String>,
) -> Vec<Effect> {
    let (job, notes) = match state.modal.take() {
        Some(Modal::Preparing { job, notes }) if job == *for_job => (job, notes),
        other => {
            state.modal = other;
            return Vec::new();
        }
    };
    let preview = match result {
        Ok(p) => p,
        Err(e) => {
            state.say(format!("{}: {e}", job.verb()), true);
            return Vec::new();
        }
    };
    let running = crate::domain::family_revision(&preview.running);
    let (job, revision) = match job {
        JobRequest::Rollback {
            cluster, service, ..
        } => {
            // The job goes to exactly the revision shown.
            let to = preview.target.clone();
            let target = to
                .as_deref()
                .map_or_else(|| "?".into(), crate::domain::family_revision);
            (
                JobRequest::Rollback {
                    cluster,
                    service,
                    to,
                },
                format!("revision {running} → {target}"),
            )
        }
        other => {
            let family = crate::domain::family_and_revision(&preview.running)
                .map_or_else(|| running.clone(), |(f, _)| f);
            (
                other,
                format!("revision {running} → a new revision of {family}"),
            )
        }
    };
    let mut lines = header(state, &job, preview.account.as_deref(), revision);
    lines.extend(notes);
    lines.extend(job.describe(&running));
    lines.extend(preview.lines);
    // Each new image's scan; its warning lines (findings at or above the alert threshold)
    // are drawn in the warning style.
    lines.extend(crate::ops::deploy::findings::preview_lines(
        &preview.findings,
        &state.config.alerts.min_severity,
    ));
    let (c, s) = job.target();
    let title = format!("{} {c}/{s}?", job.verb());
    open_confirm(state, title, lines, job, None, Some(preview.running))
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
#[path = "actions_tests.rs"]
mod tests;
