//! `x` and `:doctor`: pick the target container, run the pre-flight checks, offer the
//! shell and the service's quick commands; Enter hands over to the runtime.

use crossterm::event::{KeyCode, KeyEvent};

use crate::app::actions::{ExecMenu, Modal};
use crate::app::{Effect, State, View};
use crate::domain::{Service, Task};
use crate::ops::exec::doctor;
use crate::ops::exec::session::ExecTarget;

/// The task to exec into: the selected one, or on a service the newest running task.
pub(super) fn target_task(state: &State) -> Option<(Service, Task)> {
    let s = state.screen();
    let (cluster, service, task) = match &s.view {
        View::Tasks { cluster, service } => {
            let t = crate::app::visible_tasks(state, cluster, service, &s.filter)
                .get(s.selected)
                .map(|t| t.id.clone());
            (cluster, service, t)
        }
        View::TaskDetail {
            cluster,
            service,
            task,
        } => (cluster, service, Some(task.clone())),
        View::Services { cluster } => {
            let svc = crate::app::visible_services(state, cluster, &s.filter)
                .get(s.selected)
                .map(|x| x.name.clone())?;
            let svc_ref = state.service(cluster, &svc)?;
            let t = svc_ref
                .tasks
                .iter()
                .find(|t| t.last_status == "RUNNING")
                .map(|t| t.id.clone());
            return t.and_then(|t| Some((svc_ref.clone(), state.task(cluster, &svc, &t)?.clone())));
        }
        View::ServiceDetail { cluster, service } | View::Logs { cluster, service } => {
            let svc = state.service(cluster, service)?;
            let t = svc.tasks.iter().find(|t| t.last_status == "RUNNING")?;
            return Some((svc.clone(), t.clone()));
        }
        _ => return None,
    };
    let svc = state.service(cluster, service)?.clone();
    let task = state.task(cluster, service, task.as_deref()?)?.clone();
    Some((svc, task))
}

/// The configured exec container if the task has it, else its first container.
fn pick_container(state: &State, svc: &Service, task: &Task) -> Option<String> {
    let wanted = state.config.service(&svc.cluster, &svc.name).exec.container;
    task.containers
        .iter()
        .find(|c| c.name == wanted)
        .or_else(|| task.containers.first())
        .map(|c| c.name.clone())
}

pub fn checks_for(
    state: &State,
    svc: &Service,
    task: &Task,
    container: &str,
) -> Vec<doctor::Check> {
    let image =
        doctor::image_query_for(svc, task, container).and_then(|q| state.exec_images.get(&q));
    doctor::for_container(
        svc,
        task,
        container,
        state.exec_plugin.clone(),
        image,
        state.now,
    )
}

/// The ECR read the doctor still needs for this container, unless it is known already.
fn image_effect(state: &State, svc: &Service, task: &Task, container: &str) -> Vec<Effect> {
    match doctor::image_query_for(svc, task, container) {
        Some(query) if !state.exec_images.contains_key(&query) => {
            vec![Effect::LoadImageVolumes { query }]
        }
        _ => Vec::new(),
    }
}

/// The image's volumes arrived: remember them and judge the open exec menu again.
pub fn on_image_volumes(
    state: &mut State,
    query: doctor::ImageQuery,
    volumes: doctor::ImageVolumes,
) -> Vec<Effect> {
    state.exec_images.insert(query, volumes);
    if let Some(Modal::Exec(mut menu)) = state.modal.take() {
        if let Some(svc) = state
            .service(&menu.target.cluster, &menu.target.service)
            .cloned()
        {
            menu.checks = checks_for(state, &svc, &menu.target.task, &menu.target.container);
        }
        state.modal = Some(Modal::Exec(menu));
    }
    Vec::new()
}

/// `x` (`doctor_only`: `:doctor`).
pub fn open(state: &mut State, doctor_only: bool) -> Vec<Effect> {
    if !doctor_only {
        if let Err(e) = crate::ops::exec::allowed(state.read_only, &state.config.exec) {
            state.say(e, true);
            return Vec::new();
        }
    }
    let Some((svc, task)) = target_task(state) else {
        state.say(
            "exec: select a task (or a service with a running task)",
            true,
        );
        return Vec::new();
    };
    let Some(container) = pick_container(state, &svc, &task) else {
        state.say("exec: the task has no containers", true);
        return Vec::new();
    };
    let settings = state.config.service(&svc.cluster, &svc.name).exec;
    let mut choices = vec![settings.shell.clone()];
    choices.extend(settings.quick_commands.iter().cloned());
    let checks = checks_for(state, &svc, &task, &container);
    let effects = image_effect(state, &svc, &task, &container);
    state.modal = Some(Modal::Exec(ExecMenu {
        target: ExecTarget {
            cluster: svc.cluster.clone(),
            service: svc.name.clone(),
            task,
            container,
            command: String::new(),
        },
        checks,
        choices,
        selected: 0,
        doctor_only,
    }));
    effects
}

pub fn on_key(state: &mut State, mut menu: ExecMenu, key: KeyEvent) -> Vec<Effect> {
    match key.code {
        KeyCode::Esc | KeyCode::Char('q') => return Vec::new(),
        KeyCode::Char('j') | KeyCode::Down => {
            menu.selected = (menu.selected + 1).min(menu.choices.len().saturating_sub(1))
        }
        KeyCode::Char('k') | KeyCode::Up => menu.selected = menu.selected.saturating_sub(1),
        // Another container of the same task.
        KeyCode::Char('c') | KeyCode::Tab => {
            let names: Vec<String> = menu
                .target
                .task
                .containers
                .iter()
                .map(|c| c.name.clone())
                .collect();
            if let Some(i) = names.iter().position(|n| *n == menu.target.container) {
                menu.target.container = names[(i + 1) % names.len()].clone();
                if let Some(svc) = state
                    .service(&menu.target.cluster, &menu.target.service)
                    .cloned()
                {
                    menu.checks =
                        checks_for(state, &svc, &menu.target.task, &menu.target.container);
                    let effects =
                        image_effect(state, &svc, &menu.target.task, &menu.target.container);
                    state.modal = Some(Modal::Exec(menu));
                    return effects;
                }
            }
        }
        KeyCode::Enter if !menu.doctor_only => {
            let failed: Vec<&str> = menu
                .checks
                .iter()
                .filter(|c| c.status == doctor::Status::Fail)
                .map(|c| c.name)
                .collect();
            if !failed.is_empty() {
                state.say(
                    format!(
                        "exec would fail: {} (see the fixes above)",
                        failed.join(", ")
                    ),
                    true,
                );
            } else if let Some(command) = menu.choices.get(menu.selected).cloned() {
                let mut target = menu.target;
                target.command = command;
                return vec![Effect::Exec { target }];
            }
        }
        _ => {}
    }
    state.modal = Some(Modal::Exec(menu));
    Vec::new()
}

#[cfg(test)]
#[path = "exec_tests.rs"]
mod tests;
