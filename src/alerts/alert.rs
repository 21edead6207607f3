//! What an alert is: its [`Level`], the [`Alert`] itself and their order; what every
//! rule returns.

use serde::Serialize;

use crate::timefmt::Timestamp;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Critical,
    Warning,
    Info,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Critical => "critical",
            Level::Warning => "warning",
            Level::Info => "info",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alert {
    pub level: Level,
    /// task_failed, deployment, under_desired, service_event, finding, cpu, memory,
    /// secret
    pub kind: &'static str,
    pub cluster: String,
    /// The service, or [`crate::domain::STANDALONE`] for a standalone task's alert.
    pub service: String,
    pub task: Option<String>,
    pub message: String,
    pub since: Option<Timestamp>,
    /// What, within kind + cluster + service/task, the alert is about: a deployment's id,
    /// a service event's id, a finding's image digest, a secret's `container/name`
    /// (empty when kind + place say it all). With those, the alert's identity for
    /// `toadtop watch` (its text may change while it lasts).
    #[serde(skip)]
    pub subject: String,
    /// The one cause that alerts of several services share, so they are told as one
    /// event: `finding <digest> <CVEs>`, `secret <parameter>` (see [`crate::ops::watch`]).
    /// In `--once` JSON, so a script can count causes as the badge does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    /// The part of `cause` that stays while the alert lasts, when the rest may change: a
    /// finding alert's `finding <digest>` (its CVEs come and go with continuous scanning).
    /// `None`: the cause itself. What `toadtop watch` groups by.
    #[serde(skip)]
    pub group: Option<String>,
    /// What a finding alert names, `(finding, severity)` sorted by name: every finding at
    /// or above `[alerts] min_severity` in the image. `toadtop watch` tells the ones that
    /// come (a CVE published for an image already alerted) and go. Empty for other kinds.
    #[serde(skip)]
    pub findings: Vec<(String, String)>,
    /// A finding alert built from severity counts only (the scan has a summary but lists
    /// no findings, as basic scanning can): `(severity, count)` at or above `[alerts]
    /// min_severity`, most severe first. `toadtop watch` tells a count that rises. Empty
    /// when the alert names its findings, and for other kinds.
    #[serde(skip)]
    pub counts: Vec<(String, i64)>,
}

/// Most severe first, newest first within a level (alerts without a time last).
pub fn sort(alerts: &mut [Alert]) {
    alerts.sort_by(|a, b| a.level.cmp(&b.level).then(b.since.cmp(&a.since)));
}

/// How a rule reports an alert about the service it looks at: level, kind, task,
/// message, since, and what it is [`About`].
pub(super) type Push<'a> =
    dyn FnMut(Level, &'static str, Option<String>, String, Option<Timestamp>, About) + 'a;

/// An alert's subject, shared cause, stable group, findings and counts (see [`Alert`]).
#[derive(Debug, Default)]
pub(super) struct About {
    pub subject: String,
    pub cause: Option<String>,
    pub group: Option<String>,
    pub findings: Vec<(String, String)>,
    pub counts: Vec<(String, i64)>,
}

impl About {
    /// About `subject`, with no shared cause.
    pub fn subject(subject: String) -> About {
        About {
            subject,
            ..About::default()
        }
    }
}

/// `about` for an alert that kind and place say all about.
pub(super) fn none() -> About {
    About::default()
}
