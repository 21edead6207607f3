//! What a running action reports, and how it ended: shared by the TUI's job pane and the
//! headless commands (stderr progress, stdout summary, audit log).

use std::sync::Arc;

use serde::Serialize;

use super::logs::LogLine;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Describe,
    /// `deploy --fail-on`: a new image's scan refused the deploy before anything changed.
    Findings,
    Register,
    Migrate,
    Update,
    Rollout,
    StopTask,
    Exec,
    Forward,
}

impl Step {
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Describe => "describe",
            Step::Findings => "findings",
            Step::Register => "register",
            Step::Migrate => "migrate",
            Step::Update => "update",
            Step::Rollout => "rollout",
            Step::StopTask => "stop-task",
            Step::Exec => "exec",
            Step::Forward => "forward",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Step,
    Info,
    Good,
    Bad,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    Line {
        tone: Tone,
        text: String,
    },
    /// A log line of the task an action runs (the migration task).
    Log(LogLine),
    /// What the action changed in AWS so far (kept for an interruption; not shown).
    Mark(Mark),
}

/// A milestone of a running action: what exists in AWS because of it so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mark {
    /// A call that changes AWS is going out (its operation name); until the next mark
    /// nobody knows whether it took effect.
    Sending(&'static str),
    /// A new task-definition revision was registered (`family:revision`).
    Registered(String),
    /// A one-off task (the migration) was started: its id.
    TaskStarted(String),
    /// That task reached STOPPED.
    TaskStopped,
    /// UpdateService was answered: the deployment it started (if any) runs `revision`;
    /// `desired` when the desired count was what changed.
    Updated {
        deployment_id: Option<String>,
        revision: String,
        desired: Option<i32>,
    },
    /// StopTask was answered.
    TaskStopSent(String),
}

/// Where a driver sends progress; cheap to clone into spawned work.
pub type Reporter = Arc<dyn Fn(Progress) + Send + Sync>;

pub fn say(report: &Reporter, tone: Tone, text: impl Into<String>) {
    report(Progress::Line {
        tone,
        text: text.into(),
    });
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Result_ {
    Succeeded,
    Failed,
    TimedOut,
    Refused,
    /// The change was sent, but AWS stopped answering before its result could be seen:
    /// neither success nor failure is claimed.
    Unconfirmed,
    /// A signal, or quitting the TUI, cut toadtop's part short; what AWS was left doing
    /// is in `service_state`.
    Interrupted,
}

/// How an action ended; printed as the JSON summary and written to the audit log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    pub action: String,
    pub cluster: String,
    pub service: String,
    pub result: Result_,
    /// The step that failed, when one did.
    pub failed_step: Option<Step>,
    pub reason: Option<String>,
    /// `family:revision` before and after.
    pub old_revision: Option<String>,
    pub new_revision: Option<String>,
    pub deployment_id: Option<String>,
    pub task: Option<String>,
    /// The command run (exec, migrations with a command override). Serialized masked
    /// ([`crate::safety::mask_command_line`]): it may carry a password flag or URL.
    #[serde(serialize_with = "masked_command")]
    pub command: Option<String>,
    /// Deploys: the new image per container.
    pub images: Option<std::collections::BTreeMap<String, String>>,
    pub duration_secs: f64,
    /// What the service was left in, in words.
    pub service_state: Option<String>,
    /// Per container of a one-off task: name, exit code, reason.
    pub containers: Vec<ContainerExit>,
    /// ECS (the circuit breaker) already put the previous revision back.
    pub rolled_back: bool,
    /// The signal that interrupted it (the exit code; `reason` names it).
    #[serde(skip)]
    pub signal: Option<Signal>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    Int,
    Term,
    Hup,
}

impl Signal {
    pub fn name(self) -> &'static str {
        match self {
            Signal::Int => "SIGINT",
            Signal::Term => "SIGTERM",
            Signal::Hup => "SIGHUP",
        }
    }

    /// 128 + the signal number, as a shell reports a process the signal ended.
    pub fn exit_code(self) -> u8 {
        match self {
            Signal::Hup => 129,
            Signal::Int => 130,
            Signal::Term => 143,
        }
    }
}

fn masked_command<S: serde::Serializer>(c: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
    c.as_deref()
        .map(crate::safety::mask_command_line)
        .serialize(s)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContainerExit {
    pub name: String,
    pub essential: bool,
    pub exit_code: Option<i32>,
    pub reason: Option<String>,
}

impl Outcome {
    pub fn new(action: &str, cluster: &str, service: &str) -> Self {
        Outcome {
            action: action.into(),
            cluster: cluster.into(),
            service: service.into(),
            result: Result_::Succeeded,
            failed_step: None,
            reason: None,
            old_revision: None,
            new_revision: None,
            deployment_id: None,
            task: None,
            command: None,
            images: None,
            rolled_back: false,
            signal: None,
            duration_secs: 0.0,
            service_state: None,
            containers: Vec::new(),
        }
    }

    pub fn fail(mut self, step: Step, reason: impl Into<String>, state: impl Into<String>) -> Self {
        self.result = Result_::Failed;
        self.failed_step = Some(step);
        self.reason = Some(reason.into());
        self.service_state = Some(state.into());
        self
    }

    /// The change went out but `step` could not see how it ended (`reason` names the
    /// call that failed; `state` says what was sent and where to look).
    pub fn unconfirmed(
        mut self,
        step: Step,
        reason: impl Into<String>,
        state: impl Into<String>,
    ) -> Self {
        self = self.fail(step, reason, state);
        self.result = Result_::Unconfirmed;
        self
    }

    pub fn succeeded(&self) -> bool {
        self.result == Result_::Succeeded
    }

    /// Exit status for headless commands: 0 success, 3 failed, 4 timed out, 5 refused,
    /// 6 unconfirmed (sent, but the outcome could not be seen); interrupted: 128 + the
    /// signal's number (130 SIGINT, 143 SIGTERM, 129 SIGHUP).
    pub fn exit_code(&self) -> u8 {
        match self.result {
            Result_::Succeeded => 0,
            Result_::Failed => 3,
            Result_::TimedOut => 4,
            Result_::Refused => 5,
            Result_::Unconfirmed => 6,
            Result_::Interrupted => self.signal.map_or(130, Signal::exit_code),
        }
    }

    /// One line for people.
    pub fn summary(&self) -> String {
        let what = format!("{} {}/{}", self.action, self.cluster, self.service);
        let revs = match (&self.old_revision, &self.new_revision) {
            (Some(a), Some(b)) if a != b => format!(" {a} → {b}"),
            (_, Some(b)) => format!(" {b}"),
            _ => String::new(),
        };
        match self.result {
            Result_::Succeeded => format!("{what}{revs}: succeeded in {:.0}s", self.duration_secs),
            Result_::Refused => {
                format!("{what}: refused: {}", self.reason.as_deref().unwrap_or(""))
            }
            Result_::Interrupted => format!(
                "{what}{revs}: {}; {}",
                self.reason.as_deref().unwrap_or("interrupted"),
                self.service_state.as_deref().unwrap_or("")
            ),
            Result_::TimedOut | Result_::Failed | Result_::Unconfirmed => format!(
                "{what}{revs}: {} at step {}: {}{}",
                match self.result {
                    Result_::TimedOut => "timed out",
                    Result_::Unconfirmed => "unconfirmed",
                    _ => "failed",
                },
                self.failed_step.map_or("?", Step::as_str),
                self.reason.as_deref().unwrap_or("").trim_end_matches('.'),
                self.service_state
                    .as_deref()
                    .map(|s| format!("; {s}"))
                    .unwrap_or_default()
            ),
        }
    }
}
