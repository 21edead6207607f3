//! `F` and `:forwards`: a form for a port forward through a task (container, remote host
//! from the service's presets, remote port, local port), a confirmation (a session into
//! the container, as exec), and the list of forwards running in the background.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::actions::{Field, ForwardForm, Modal};
use crate::app::{Action, Effect, ForwardEvent, ForwardRow, ForwardState, Screen, State, View};
use crate::config::ForwardPreset;
use crate::ops::exec::doctor::{self, Check};
use crate::ops::forward::ForwardSpec;
use crate::timefmt::Timestamp;

/// Plugin output lines kept per forward.
const KEEP_OUTPUT: usize = 20;

impl ForwardRow {
    pub fn live(&self) -> bool {
        matches!(self.state, ForwardState::Starting | ForwardState::Active)
    }
}

impl ForwardForm {
    pub fn fields(&self) -> Vec<Field> {
        let mut f = Vec::new();
        if !self.presets.is_empty() {
            f.push(Field::Preset);
        }
        f.extend([Field::Container, Field::Host, Field::Port, Field::Local]);
        f
    }

    pub fn container_name(&self) -> &str {
        self.containers
            .get(self.container)
            .map_or("", String::as_str)
    }

    fn apply_preset(&mut self, i: Option<usize>) {
        self.preset = i;
        match i.and_then(|i| self.presets.get(i)) {
            Some((_, p)) => {
                self.host = p.host.clone().unwrap_or_default();
                self.port = p.port.to_string();
                self.local = p.local.map(|l| l.to_string()).unwrap_or_default();
            }
            None => {
                self.host.clear();
                self.port.clear();
                self.local.clear();
            }
        }
    }

    /// The spec the form describes, or what is wrong with it.
    pub fn spec(&self) -> Result<ForwardSpec, String> {
        let port = |text: &str, what: &str| -> Result<Option<u16>, String> {
            let t = text.trim();
            if t.is_empty() {
                return Ok(None);
            }
            match t.parse::<u16>() {
                Ok(p) if p > 0 => Ok(Some(p)),
                _ => Err(format!("{what} must be a port number (1-65535)")),
            }
        };
        let remote_port = port(&self.port, "remote port")?.ok_or("remote port is required")?;
        let local_port = port(&self.local, "local port")?;
        let host = self.host.trim();
        Ok(ForwardSpec {
            cluster: self.cluster.clone(),
            service: self.service.clone(),
            task: self.task.clone(),
            container: self.container_name().to_string(),
            remote_host: (!host.is_empty()).then(|| host.to_string()),
            remote_port,
            local_port,
        })
    }

    /// The confirmation's lines.
    pub fn confirm_lines(&self, state: &State) -> Vec<String> {
        let Ok(spec) = self.spec() else {
            return Vec::new();
        };
        let local = spec.local_port.map_or_else(
            || "a free local port".to_string(),
            |p| format!("127.0.0.1:{p}"),
        );
        vec![
            format!(
                "Open an SSM session into {} of task {} ({}/{}) and forward",
                spec.container,
                crate::domain::short_task_id(&spec.task.id),
                spec.cluster,
                spec.service
            ),
            format!("{local} → {} until you end it (:forwards).", spec.remote()),
            crate::app::confirm::where_line(
                crate::domain::account_of(&spec.task.cluster_arn).as_deref(),
                &state.profile,
                &state.region,
            ),
        ]
    }
}

fn checks_for(state: &State, form: &ForwardForm) -> Vec<Check> {
    match state.service(&form.cluster, &form.service) {
        Some(svc) => crate::ops::forward::checks(super::exec::checks_for(
            state,
            svc,
            &form.task,
            form.container_name(),
        )),
        None => Vec::new(),
    }
}

/// `F` on a task or a service (its newest running task).
pub fn open(state: &mut State) -> Vec<Effect> {
    if let Err(e) = crate::ops::forward::allowed(state.read_only, &state.config.exec) {
        state.say(e, true);
        return Vec::new();
    }
    let Some((svc, task)) = super::exec::target_task(state) else {
        state.say(
            "forward: select a task (or a service with a running task)",
            true,
        );
        return Vec::new();
    };
    let containers: Vec<String> = task.containers.iter().map(|c| c.name.clone()).collect();
    if containers.is_empty() {
        state.say("forward: the task has no containers", true);
        return Vec::new();
    }
    let settings = state.config.service(&svc.cluster, &svc.name);
    let container = containers
        .iter()
        .position(|c| *c == settings.exec.container)
        .unwrap_or(0);
    let presets: Vec<(String, ForwardPreset)> = settings.forwards.into_iter().collect();
    let mut form = ForwardForm {
        cluster: svc.cluster.clone(),
        service: svc.name.clone(),
        task,
        containers,
        container,
        preset: None,
        presets,
        host: String::new(),
        port: String::new(),
        local: String::new(),
        field: Field::Container,
        checks: Vec::new(),
        error: None,
        confirm_at: None,
    };
    if !form.presets.is_empty() {
        form.apply_preset(Some(0));
        form.field = Field::Preset;
    }
    form.checks = checks_for(state, &form);
    state.modal = Some(Modal::Forward(form));
    Vec::new()
}

fn step_field(form: &mut ForwardForm, dir: i64) {
    let fields = form.fields();
    let i = fields.iter().position(|f| *f == form.field).unwrap_or(0) as i64;
    let n = fields.len() as i64;
    form.field = fields[((i + dir).rem_euclid(n)) as usize];
}

pub fn on_key(state: &mut State, mut form: ForwardForm, key: KeyEvent) -> Vec<Effect> {
    if let Some(opened_at) = form.confirm_at {
        return on_confirm_key(state, form, opened_at, key);
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Esc => {
            state.say("forward cancelled", false);
            return Vec::new();
        }
        KeyCode::Tab | KeyCode::Down => step_field(&mut form, 1),
        KeyCode::BackTab | KeyCode::Up => step_field(&mut form, -1),
        KeyCode::Left | KeyCode::Right | KeyCode::Char(' ')
            if matches!(form.field, Field::Preset | Field::Container) =>
        {
            let dir = if key.code == KeyCode::Left { -1 } else { 1 };
            if form.field == Field::Container {
                let n = form.containers.len() as i64;
                form.container = ((form.container as i64 + dir).rem_euclid(n)) as usize;
                form.checks = checks_for(state, &form);
            } else {
                // The presets, then none (a port of the container, typed).
                let n = form.presets.len() as i64 + 1;
                let at = form.preset.map_or(n - 1, |p| p as i64);
                let next = (at + dir).rem_euclid(n);
                form.apply_preset((next < n - 1).then_some(next as usize));
            }
        }
        KeyCode::Backspace => {
            if let Some(text) = text_of(&mut form) {
                text.pop();
            }
        }
        KeyCode::Char(c) if !ctrl && !c.is_control() => {
            let field = form.field;
            if let Some(text) = text_of(&mut form) {
                let ok = match field {
                    Field::Port | Field::Local => c.is_ascii_digit() && text.len() < 5,
                    _ => !c.is_whitespace() && text.len() < 253,
                };
                if ok {
                    text.push(c);
                }
            }
        }
        KeyCode::Enter => {
            form.error = None;
            match form.spec() {
                Err(e) => form.error = Some(e),
                Ok(_) => {
                    let failed: Vec<&str> = form
                        .checks
                        .iter()
                        .filter(|c| c.status == doctor::Status::Fail)
                        .map(|c| c.name)
                        .collect();
                    if failed.is_empty() {
                        form.confirm_at = Some(state.now);
                        state.modal = Some(Modal::Forward(form));
                        return vec![Effect::DropQueuedInput];
                    }
                    form.error = Some(format!("forward would fail: {}", failed.join(", ")));
                }
            }
        }
        _ => {}
    }
    state.modal = Some(Modal::Forward(form));
    Vec::new()
}

fn text_of(form: &mut ForwardForm) -> Option<&mut String> {
    match form.field {
        Field::Host => Some(&mut form.host),
        Field::Port => Some(&mut form.port),
        Field::Local => Some(&mut form.local),
        Field::Preset | Field::Container => None,
    }
}

fn on_confirm_key(
    state: &mut State,
    mut form: ForwardForm,
    opened_at: Timestamp,
    key: KeyEvent,
) -> Vec<Effect> {
    match key.code {
        // Back to the form, to change something.
        KeyCode::Esc | KeyCode::Char('n') => form.confirm_at = None,
        KeyCode::Enter if !Modal::armed(opened_at, state.now) => {
            form.confirm_at = Some(state.now);
            state.say(
                "enter ignored: the confirmation had just opened; read it, then press enter",
                true,
            );
        }
        KeyCode::Enter => {
            let Ok(spec) = form.spec() else {
                form.confirm_at = None;
                state.modal = Some(Modal::Forward(form));
                return Vec::new();
            };
            let id = state.forwards.next_id;
            state.forwards.next_id += 1;
            state.forwards.rows.push(ForwardRow {
                id,
                spec: spec.clone(),
                local: spec.local_port.map(|p| format!("127.0.0.1:{p}")),
                since: state.now,
                state: ForwardState::Starting,
                output: Vec::new(),
            });
            state.say(
                format!("forward starting: {} (:forwards lists it)", spec.remote()),
                false,
            );
            return vec![Effect::StartForward { id, spec }];
        }
        _ => {}
    }
    state.modal = Some(Modal::Forward(form));
    Vec::new()
}

pub fn on_event(state: &mut State, id: u64, event: ForwardEvent) -> Vec<Effect> {
    let Some(row) = state.forwards.rows.iter_mut().find(|r| r.id == id) else {
        return Vec::new();
    };
    match event {
        ForwardEvent::Started { local } => row.local = Some(local),
        ForwardEvent::Ready => {
            if row.state == ForwardState::Starting {
                row.state = ForwardState::Active;
            }
            let text =
                crate::ops::forward::describe(&row.spec, row.local.as_deref().unwrap_or("?"));
            state.say(text, false);
        }
        ForwardEvent::Output(line) => {
            if row.output.len() == KEEP_OUTPUT {
                row.output.remove(0);
            }
            row.output.push(line);
        }
        ForwardEvent::Ended {
            failure,
            stopped_by,
            note,
        } => {
            // A reason given when it was asked to end (the task stopped) wins over "ended".
            let asked = match &row.state {
                ForwardState::Ending(why) => Some(why.clone()),
                _ => None,
            };
            let (mut why, error) = match failure {
                Some(f) => (f, true),
                None => (
                    asked.or(stopped_by).unwrap_or_else(|| "ended".into()),
                    false,
                ),
            };
            if let Some(n) = note {
                why = format!("{why} ({n})");
            }
            let error = error || why.starts_with("task ");
            row.state = ForwardState::Ended {
                why: why.clone(),
                error,
            };
            if error {
                state.say(format!("forward ended: {why}"), true);
            }
        }
    }
    Vec::new()
}

/// Asks the runtime to end a live forward.
fn end(state: &mut State, id: u64, why: &str) -> Vec<Effect> {
    match state.forwards.rows.iter_mut().find(|r| r.id == id) {
        Some(row) if row.live() => {
            row.state = ForwardState::Ending(why.to_string());
            vec![Effect::StopForward {
                id,
                why: why.to_string(),
            }]
        }
        _ => Vec::new(),
    }
}

/// After a cluster's detail loaded: forwards through a task that is no longer running
/// end, saying so.
pub fn after_detail(state: &mut State, cluster: &str) -> Vec<Effect> {
    let Some(detail) = state.details.get(cluster).and_then(|d| d.data.as_ref()) else {
        return Vec::new();
    };
    let gone: Vec<(u64, String)> = state
        .forwards
        .rows
        .iter()
        .filter(|r| r.live() && r.spec.cluster == cluster)
        .filter_map(|r| {
            let task = detail
                .services
                .iter()
                .flat_map(|s| s.tasks.iter())
                .chain(detail.tasks.iter())
                .find(|t| t.id == r.spec.task.id);
            let short = crate::domain::short_task_id(&r.spec.task.id);
            match task {
                Some(t) if t.last_status == "RUNNING" => None,
                Some(t) => Some((r.id, format!("task {short} is {}", t.last_status))),
                None => Some((r.id, format!("task {short} stopped"))),
            }
        })
        .collect();
    gone.into_iter()
        .flat_map(|(id, why)| end(state, id, &why))
        .collect()
}

/// The rows `:forwards` shows, newest first, those matching `filter` (`/`: any of
/// local address, task, container, remote, cluster/service; case-insensitive).
pub fn visible<'a>(state: &'a State, filter: &str) -> Vec<&'a ForwardRow> {
    let f = filter.to_lowercase();
    state
        .forwards
        .rows
        .iter()
        .rev()
        .filter(|r| {
            f.is_empty()
                || [
                    r.local.as_deref().unwrap_or(""),
                    &r.spec.task.id,
                    &r.spec.container,
                    &r.spec.remote(),
                    &format!("{}/{}", r.spec.cluster, r.spec.service),
                ]
                .iter()
                .any(|t| t.to_lowercase().contains(&f))
        })
        .collect()
}

/// `:forwards`.
pub fn open_list(state: &mut State) -> Vec<Effect> {
    if state.screen().view != View::Forwards {
        state.stack.push(Screen::new(View::Forwards));
    }
    Vec::new()
}

/// Keys of the forwards pane before the general ones: `s` ends the selected forward.
pub fn on_action(state: &mut State, action: Action) -> Option<Vec<Effect>> {
    if action == Action::Forward {
        return Some(open(state));
    }
    if state.screen().view != View::Forwards || action != Action::StopTask {
        return None;
    }
    let selected = state.screen().selected;
    let Some(row) = visible(state, &state.screen().filter)
        .get(selected)
        .map(|r| (r.id, r.live()))
    else {
        return Some(Vec::new());
    };
    if !row.1 {
        state.say("that forward has ended already", true);
        return Some(Vec::new());
    }
    Some(end(state, row.0, "ended from :forwards"))
}

/// Live forwards, for the quit path (the runtime ends them all).
pub fn live_count(state: &State) -> usize {
    state.forwards.rows.iter().filter(|r| r.live()).count()
}

#[cfg(test)]
#[path = "forward_tests.rs"]
mod tests;
