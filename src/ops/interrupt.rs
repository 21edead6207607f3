//! An action cut short: by a signal (SIGINT, SIGTERM, SIGHUP: an SSH connection that
//! drops mid-deploy) or by quitting the TUI while it runs. What AWS keeps doing is not
//! toadtop's to stop, so the point is to say what was left: the drivers report
//! [`Mark`]s as they change things, a [`Tracker`] keeps them in a [`Left`], and the audit
//! log's `end` line (result `interrupted`) and stderr say it in words.

use std::sync::{Arc, Mutex};

use super::progress::{Outcome, Progress, Reporter, Result_};

// Defined beside `Progress` and `Outcome`, which carry them.
pub use super::progress::{Mark, Signal};

/// Reports a mark (the reporter passes it to whoever tracks it; the others ignore it).
pub fn mark(report: &Reporter, mark: Mark) {
    report(Progress::Mark(mark));
}

/// What a running action has left in AWS so far, from its marks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Left {
    pub in_flight: Option<&'static str>,
    pub registered: Option<String>,
    pub task: Option<String>,
    pub task_stopped: bool,
    pub deployment_id: Option<String>,
    /// The revision an answered UpdateService points the service at.
    pub rolling_out: Option<String>,
    pub desired: Option<i32>,
    pub stop_sent: Option<String>,
}

impl Left {
    pub fn apply(&mut self, mark: &Mark) {
        self.in_flight = None;
        match mark {
            Mark::Sending(op) => self.in_flight = Some(*op),
            Mark::Registered(rev) => self.registered = Some(rev.clone()),
            Mark::TaskStarted(id) => self.task = Some(id.clone()),
            Mark::TaskStopped => self.task_stopped = true,
            Mark::Updated {
                deployment_id,
                revision,
                desired,
            } => {
                self.deployment_id = deployment_id.clone();
                self.rolling_out = Some(revision.clone());
                self.desired = *desired;
            }
            Mark::TaskStopSent(id) => self.stop_sent = Some(id.clone()),
        }
    }

    /// In words, for the audit line's `state`, stderr and the TUI's quit question.
    /// `before`: the revision the service ran when the action started.
    pub fn describe(&self, before: Option<&str>) -> String {
        let mut parts = Vec::new();
        match (&self.rolling_out, self.desired) {
            (Some(_), Some(n)) => parts.push(format!(
                "the desired count {n} was sent: ECS goes on starting or stopping tasks"
            )),
            (Some(rev), None) => parts.push(format!(
                "{} of {rev} goes on in ECS{}",
                self.deployment_id
                    .as_deref()
                    .map_or_else(|| "the rollout".to_string(), |d| format!("deployment {d}")),
                before
                    .filter(|b| *b != rev.as_str())
                    .map(|b| format!(" (the previous revision was {b})"))
                    .unwrap_or_default()
            )),
            (None, _) => {
                if let Some(rev) = &self.registered {
                    parts.push(format!(
                        "{rev} is registered but unused; the service is untouched{}",
                        before.map(|b| format!(" (still {b})")).unwrap_or_default()
                    ));
                }
            }
        }
        if let Some(t) = &self.task {
            parts.push(if self.task_stopped {
                format!("task {t} had already stopped")
            } else {
                format!("task {t} keeps running in ECS")
            });
        }
        if let Some(t) = &self.stop_sent {
            parts.push(format!("StopTask was sent for task {t}"));
        }
        if let Some(op) = self.in_flight {
            parts.push(format!(
                "{op} was sent and its answer not seen: it may have taken effect"
            ));
        }
        if parts.is_empty() {
            "nothing was changed".into()
        } else {
            parts.join("; ")
        }
    }

    /// How the action ends when cut short: the start line's fields, what was left, why.
    pub fn interrupted(&self, start: &Outcome, why: Interruption, duration_secs: f64) -> Outcome {
        let mut o = start.clone();
        o.result = Result_::Interrupted;
        o.signal = why.signal();
        o.reason = Some(why.to_string());
        o.task = self.task.clone().or(o.task);
        o.deployment_id = self.deployment_id.clone();
        // For a scale the "revision" is the one it keeps: only a new one is news.
        if let Some(rev) = self.rolling_out.as_ref().or(self.registered.as_ref()) {
            o.new_revision = Some(rev.clone());
        }
        o.service_state = Some(self.describe(start.old_revision.as_deref()));
        o.duration_secs = duration_secs;
        o
    }
}

/// Notes the marks of one running action; cheap to clone into the task that runs it.
#[derive(Debug, Clone, Default)]
pub struct Tracker(Arc<Mutex<Left>>);

impl Tracker {
    /// A reporter that keeps the marks and passes everything on to `inner`.
    pub fn reporter(&self, inner: Reporter) -> Reporter {
        let left = Arc::clone(&self.0);
        Arc::new(move |p: Progress| {
            if let Progress::Mark(m) = &p {
                // A poisoned lock only means a panic elsewhere mid-apply; the data is plain.
                left.lock().unwrap_or_else(|e| e.into_inner()).apply(m);
            }
            inner(p);
        })
    }

    pub fn left(&self) -> Left {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// Why an action was cut short.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interruption {
    Signal(Signal),
    /// The operator quit the TUI while it ran (and said yes when asked).
    Quit,
}

impl Interruption {
    pub fn signal(self) -> Option<Signal> {
        match self {
            Interruption::Signal(s) => Some(s),
            Interruption::Quit => None,
        }
    }
}

impl std::fmt::Display for Interruption {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Interruption::Signal(s) => write!(f, "interrupted by {}", s.name()),
            Interruption::Quit => f.write_str("toadtop was quit while it ran"),
        }
    }
}

/// SIGINT, SIGTERM and SIGHUP, listened for from `listen` on: from then on they no
/// longer end the process by themselves (whoever listens must end it).
pub struct Signals {
    #[cfg(unix)]
    streams: Vec<(Signal, tokio::signal::unix::Signal)>,
}

impl Signals {
    /// Must run inside the tokio runtime. A signal that cannot be listened for keeps its
    /// default action (the process ends), which is no worse than before.
    pub fn listen() -> Signals {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let streams = [
                (Signal::Int, SignalKind::interrupt()),
                (Signal::Term, SignalKind::terminate()),
                (Signal::Hup, SignalKind::hangup()),
            ]
            .into_iter()
            .filter_map(|(s, kind)| signal(kind).ok().map(|stream| (s, stream)))
            .collect();
            Signals { streams }
        }
        #[cfg(not(unix))]
        Signals {}
    }

    /// The next signal (never returns when none can be listened for).
    pub async fn recv(&mut self) -> Signal {
        #[cfg(unix)]
        {
            if self.streams.is_empty() {
                return std::future::pending().await;
            }
            let waits = self.streams.iter_mut().map(|(s, stream)| {
                let s = *s;
                Box::pin(async move {
                    stream.recv().await;
                    s
                })
            });
            futures::future::select_all(waits).await.0
        }
        #[cfg(not(unix))]
        std::future::pending().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn left(marks: &[Mark]) -> Left {
        let mut l = Left::default();
        marks.iter().for_each(|m| l.apply(m));
        l
    }

    #[test]
    fn nothing_sent_is_nothing_changed() {
        assert_eq!(left(&[]).describe(Some("web:2")), "nothing was changed");
    }

    #[test]
    fn a_call_in_flight_may_have_taken_effect() {
        let l = left(&[Mark::Sending("RegisterTaskDefinition")]);
        assert_eq!(
            l.describe(Some("web:2")),
            "RegisterTaskDefinition was sent and its answer not seen: it may have taken effect"
        );
        // Its answer clears it.
        let l = left(&[
            Mark::Sending("RegisterTaskDefinition"),
            Mark::Registered("web:3".into()),
        ]);
        assert_eq!(
            l.describe(Some("web:2")),
            "web:3 is registered but unused; the service is untouched (still web:2)"
        );
    }

    #[test]
    fn a_deploy_mid_rollout_names_the_deployment_and_the_previous_revision() {
        let l = left(&[
            Mark::Registered("web:3".into()),
            Mark::Sending("UpdateService"),
            Mark::Updated {
                deployment_id: Some("ecs-svc/123".into()),
                revision: "web:3".into(),
                desired: None,
            },
        ]);
        assert_eq!(
            l.describe(Some("web:2")),
            "deployment ecs-svc/123 of web:3 goes on in ECS (the previous revision was web:2)"
        );
        let mut start = Outcome::new("deploy", "prod", "web");
        start.old_revision = Some("web:2".into());
        let o = l.interrupted(&start, Interruption::Signal(Signal::Term), 3.0);
        assert_eq!(o.result, Result_::Interrupted);
        assert_eq!(o.exit_code(), 143);
        assert_eq!(o.deployment_id.as_deref(), Some("ecs-svc/123"));
        assert_eq!(o.new_revision.as_deref(), Some("web:3"));
        assert_eq!(o.reason.as_deref(), Some("interrupted by SIGTERM"));
        assert!(o.summary().contains("interrupted"), "{}", o.summary());
    }

    #[test]
    fn a_migration_names_its_task_running_or_stopped() {
        let l = left(&[Mark::Sending("RunTask"), Mark::TaskStarted("abc".into())]);
        assert_eq!(l.describe(None), "task abc keeps running in ECS");
        let o = l.interrupted(
            &Outcome::new("migrate", "prod", "web"),
            Interruption::Quit,
            1.0,
        );
        assert_eq!(o.task.as_deref(), Some("abc"));
        assert_eq!(o.reason.as_deref(), Some("toadtop was quit while it ran"));
        let l = left(&[Mark::TaskStarted("abc".into()), Mark::TaskStopped]);
        assert_eq!(l.describe(None), "task abc had already stopped");
    }

    #[test]
    fn a_scale_says_the_count_was_sent() {
        let l = left(&[Mark::Updated {
            deployment_id: Some("ecs-svc/1".into()),
            revision: "web:2".into(),
            desired: Some(0),
        }]);
        assert!(l
            .describe(Some("web:2"))
            .starts_with("the desired count 0 was sent"));
    }

    #[test]
    fn signals_exit_as_a_shell_reports_them() {
        assert_eq!(Signal::Int.exit_code(), 130);
        assert_eq!(Signal::Term.exit_code(), 143);
        assert_eq!(Signal::Hup.exit_code(), 129);
    }
}
