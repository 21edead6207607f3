//! `toadtop watch` and the TUI's `:events`: what changed between two looks at the fleet,
//! as events (an alert raised, updated or resolved; a deployment started, completed or
//! failed). Pure: [`Tracker::observe`] takes what one refresh computed and returns the
//! events; the loop that refreshes lives in `headless/watch.rs`, the hook runner in
//! [`hook`].
//!
//! An alert's identity is kind + cluster + service + task + subject (see
//! [`crate::alerts::Alert`]), never its text, so "IN_PROGRESS for 12 minutes" becoming
//! "for 13 minutes" is no event. Alerts that share a cause (one CVE in one image run by
//! 510 services, one missing SSM parameter) form one group: one `alert_raised` names the
//! cause and the services; a service that joins later, or leaves while others remain, is
//! an `alert_updated` of that group; `alert_resolved` comes when the last one goes.
//!
//! A finding alert's group is its image digest, not its CVEs (see [`Alert::group`]):
//! continuous scanning finds new CVEs in an image that runs already, and a CVE the group
//! did not name before is an `alert_updated` too (`new_findings`), as is one it no longer
//! names while others remain (`gone_findings`), one whose severity rose
//! (`raised_findings`) and, for an alert built from severity counts alone, a count that
//! rose (`raised_counts`). A severity or count that falls while the alert stays is told
//! nothing (it changes neither the group's text nor its level); the next rise is measured
//! from it.
//!
//! [`Event::worsens`] says whether an event is bad news (what the TUI's badge flashes for).

pub mod hook;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use crate::alerts::{Alert, Level};
use crate::domain::{severity_rank, ClusterDetail};
use crate::timefmt::Timestamp;

pub const SCHEMA_VERSION: u32 = 1;

/// Services named in one event at most (the rest are counted).
pub const MAX_LISTED: usize = 50;
/// Services named in an event's message at most.
const MAX_IN_MESSAGE: usize = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EventKind {
    AlertRaised,
    AlertUpdated,
    AlertResolved,
    DeploymentStarted,
    DeploymentCompleted,
    DeploymentFailed,
    WatchDegraded,
    WatchRecovered,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::AlertRaised => "alert_raised",
            EventKind::AlertUpdated => "alert_updated",
            EventKind::AlertResolved => "alert_resolved",
            EventKind::DeploymentStarted => "deployment_started",
            EventKind::DeploymentCompleted => "deployment_completed",
            EventKind::DeploymentFailed => "deployment_failed",
            EventKind::WatchDegraded => "watch_degraded",
            EventKind::WatchRecovered => "watch_recovered",
        }
    }

    /// About the watch itself: shown whatever `--min-level` says.
    pub fn is_watch(self) -> bool {
        matches!(self, EventKind::WatchDegraded | EventKind::WatchRecovered)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub event: EventKind,
    pub level: Level,
    /// The alert's kind (`task_failed`, `finding`, ...), `deployment`, or `watch`.
    pub kind: String,
    pub cluster: Option<String>,
    /// For a group: its first service (all of them in `services`).
    pub service: Option<String>,
    pub task: Option<String>,
    pub deployment: Option<String>,
    pub message: String,
    pub since: Option<Timestamp>,
    pub at: Timestamp,
    /// Reported by the first look at a cluster: active already when the watch began.
    pub initial: bool,
    /// The shared cause of a group (`finding <digest> <CVEs>`, `secret <parameter>`).
    pub group: Option<String>,
    /// `cluster/service` of every member of a group, at most [`MAX_LISTED`].
    pub services: Vec<String>,
    /// Members of the group (1 for a lone alert).
    pub count: usize,
    /// An `alert_updated` of findings: `(finding, severity)` the group names now and did
    /// not before, most severe first, at most [`MAX_LISTED`].
    pub new_findings: Vec<(String, String)>,
    /// ... and those it named before and no longer does (fixed, suppressed), others
    /// remaining.
    pub gone_findings: Vec<(String, String)>,
    /// ... and those it names still, more severe now: `(finding, severity, was)`, most
    /// severe first, at most [`MAX_LISTED`]. (One that rises from below `min_severity`
    /// was not named before: it is in `new_findings`.)
    pub raised_findings: Vec<(String, String, String)>,
    /// An `alert_updated` of a finding alert built from severity counts alone (no
    /// findings listed): `(severity, count, was)` for each count that rose, most severe
    /// first.
    pub raised_counts: Vec<(String, i64, i64)>,
    /// Bad news: an alert raised, a finding new or more severe, a count that rose, a
    /// service joining a group, a deployment failed. Not an update that only tells of
    /// findings gone or services cleared, nor a resolve. Decided where the event is built
    /// so the TUI need not read messages; not in the JSON (the event and its fields say it).
    pub worsens: bool,
}

impl Event {
    fn new(event: EventKind, level: Level, kind: &str, message: String, at: Timestamp) -> Event {
        Event {
            event,
            level,
            kind: kind.to_string(),
            cluster: None,
            service: None,
            task: None,
            deployment: None,
            message,
            since: None,
            at,
            initial: false,
            group: None,
            services: Vec::new(),
            count: 0,
            new_findings: Vec::new(),
            gone_findings: Vec::new(),
            raised_findings: Vec::new(),
            raised_counts: Vec::new(),
            worsens: false,
        }
    }

    /// The watch cannot see AWS (or part of it): `message` says what failed.
    pub fn degraded(region: &str, message: &str, at: Timestamp) -> Event {
        Event::new(
            EventKind::WatchDegraded,
            Level::Warning,
            "watch",
            format!("AWS in {region} cannot be read: {message}; alerts are kept as they were until it can"),
            at,
        )
    }

    pub fn recovered(region: &str, since: Timestamp, at: Timestamp) -> Event {
        let mut e = Event::new(
            EventKind::WatchRecovered,
            Level::Info,
            "watch",
            format!(
                "AWS in {region} answers again (degraded since {})",
                since.rfc3339()
            ),
            at,
        );
        e.since = Some(since);
        e
    }

    /// At or above `min` (Critical is the highest); watch events always are.
    pub fn passes(&self, min: Level) -> bool {
        self.event.is_watch() || self.level <= min
    }

    /// The JSON line (schema_version 1; fields may be added, never renamed), sanitized.
    pub fn to_json(&self) -> Value {
        let mut v = json!({
            "schema_version": SCHEMA_VERSION,
            "event": self.event.as_str(),
            "level": self.level.as_str(),
            "kind": self.kind,
            "cluster": self.cluster,
            "service": self.service,
            "task": self.task,
            "deployment": self.deployment,
            "message": self.message,
            "since": self.since.map(|t| t.rfc3339()),
            "at": self.at.rfc3339(),
            "initial": self.initial,
            "group": self.group,
            "services": self.services,
            "count": self.count,
            "new_findings": findings_json(&self.new_findings),
            "gone_findings": findings_json(&self.gone_findings),
            "raised_findings": self
                .raised_findings
                .iter()
                .map(|(name, severity, was)| json!({"name": name, "severity": severity, "was": was}))
                .collect::<Value>(),
            "raised_counts": self
                .raised_counts
                .iter()
                .map(|(severity, count, was)| json!({"severity": severity, "count": count, "was": was}))
                .collect::<Value>(),
        });
        crate::safety::sanitize_json(&mut v);
        v
    }

    /// Where it happened: `cluster/service[/task]`, `-` for the watch's own events.
    pub fn place(&self) -> String {
        let mut out = match (&self.cluster, &self.service) {
            (Some(c), Some(s)) => format!("{c}/{s}"),
            (Some(c), None) => c.clone(),
            _ => "-".to_string(),
        };
        if let Some(t) = &self.task {
            out.push('/');
            out.push_str(crate::domain::short_task_id(t));
        }
        out
    }

    /// One readable line, sanitized: `2026-12-06T22:50:00Z CRITICAL alert_raised
    /// production/worker task_failed: ... (initial)`.
    pub fn to_text(&self) -> String {
        let line = format!(
            "{} {:<8} {:<20} {} {}: {}{}",
            self.at.rfc3339(),
            self.level.as_str().to_uppercase(),
            self.event.as_str(),
            self.place(),
            self.kind,
            self.message,
            if self.initial { " (initial)" } else { "" }
        );
        crate::safety::sanitize(&line)
    }
}

/// `[{"name", "severity"}]`.
fn findings_json(findings: &[(String, String)]) -> Value {
    findings
        .iter()
        .map(|(name, severity)| json!({"name": name, "severity": severity}))
        .collect()
}

/// An alert's identity (see the module doc).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Key {
    pub kind: &'static str,
    pub cluster: String,
    pub service: String,
    pub task: Option<String>,
    pub subject: String,
}

impl Key {
    pub fn of(a: &Alert) -> Key {
        Key {
            kind: a.kind,
            cluster: a.cluster.clone(),
            service: a.service.clone(),
            task: a.task.clone(),
            subject: a.subject.clone(),
        }
    }

    /// The group of an alert without a shared cause: itself.
    fn lone(&self) -> String {
        format!(
            "{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
            self.kind,
            self.cluster,
            self.service,
            self.task.as_deref().unwrap_or(""),
            self.subject
        )
    }
}

/// The group an alert belongs to: the stable part of its cause (a finding's digest),
/// its cause, or itself.
pub fn group_of(a: &Alert) -> String {
    a.group
        .clone()
        .or_else(|| a.cause.clone())
        .unwrap_or_else(|| Key::of(a).lone())
}

/// Finding name -> severity: what a group's alerts name.
type Named = BTreeMap<String, String>;

/// Severity -> count: what a group's alerts built from counts alone count.
type Counted = BTreeMap<String, i64>;

/// Findings named then and now that are more severe now: `(name, severity, was)`, most
/// severe first, then by name.
fn raised_findings(was: &Named, is: &Named) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = is
        .iter()
        .filter_map(|(n, s)| {
            let w = was.get(n)?;
            (severity_rank(s) < severity_rank(w)).then(|| (n.clone(), s.clone(), w.clone()))
        })
        .collect();
    most_severe_first(&mut out, |(n, s, _)| (s, n));
    out
}

/// Sorts most severe first, then by name (`key`: an item's severity and name).
fn most_severe_first<T>(items: &mut [T], key: impl Fn(&T) -> (&String, &String)) {
    items.sort_by(|a, b| {
        let ((sa, na), (sb, nb)) = (key(a), key(b));
        severity_rank(sa).cmp(&severity_rank(sb)).then(na.cmp(nb))
    });
}

/// Counts higher now than then (a severity not counted then was 0): `(severity, count,
/// was)`, most severe first.
fn raised_counts(was: &Counted, is: &Counted) -> Vec<(String, i64, i64)> {
    let mut out: Vec<(String, i64, i64)> = is
        .iter()
        .filter_map(|(s, n)| {
            let w = was.get(s).copied().unwrap_or(0);
            (*n > w).then(|| (s.clone(), *n, w))
        })
        .collect();
    out.sort_by_key(|(s, _, _)| severity_rank(s));
    out
}

/// Most severe first, then by name.
fn by_severity(named: &Named, names: impl Iterator<Item = String>) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = names
        .filter_map(|n| named.get(&n).map(|s| (n, s.clone())))
        .collect();
    most_severe_first(&mut out, |(n, s)| (s, n));
    out
}

/// What changed in one group between two looks.
struct Change<'a> {
    came: &'a [Key],
    went: &'a [Key],
    new: &'a [(String, String)],
    gone: &'a [(String, String)],
    raised: &'a [(String, String, String)],
    counts: &'a [(String, i64, i64)],
}

impl Change<'_> {
    /// Worse than before: a member, a finding, a severity or a count more.
    fn worsens(&self) -> bool {
        !self.came.is_empty()
            || !self.new.is_empty()
            || !self.raised.is_empty()
            || !self.counts.is_empty()
    }

    /// Anything to tell at all (a fall in severity or count alone is not: see the module
    /// doc).
    fn tells(&self) -> bool {
        self.worsens() || !self.went.is_empty() || !self.gone.is_empty()
    }
}

/// What one refresh computed.
#[derive(Debug, Clone, Copy)]
pub struct Observation<'a> {
    pub at: Timestamp,
    /// The clusters this refresh loaded: the alerts and deployments of any other cluster
    /// are kept as they were (a cluster that failed to load resolves nothing).
    pub clusters: &'a [&'a ClusterDetail],
    /// Every alert computed now, of those clusters.
    pub alerts: &'a [Alert],
    /// (cluster, kind) whose source failed this time (findings, metrics, secrets): their
    /// alerts are kept, not resolved.
    pub held: &'a BTreeSet<(String, &'static str)>,
}

#[derive(Debug, Clone)]
struct Group {
    members: BTreeSet<Key>,
    /// What its members' alerts named when it was last reported.
    named: Named,
    /// ... and counted, those built from counts alone.
    counted: Counted,
}

/// A deployment as last seen: (rollout state, status).
type Seen = (Option<String>, String);

/// What the watch remembers between refreshes: the active alerts, their groups, the
/// deployments. Its size follows the fleet, not the watch's age.
#[derive(Debug, Default, Clone)]
pub struct Tracker {
    active: BTreeMap<Key, Alert>,
    /// Key -> the group it joined (kept even if its cause's text changes later).
    joined: BTreeMap<Key, String>,
    groups: BTreeMap<String, Group>,
    /// (cluster, service, deployment id) -> as last seen.
    deployments: BTreeMap<(String, String, String), Seen>,
    /// Clusters seen at least once: their first look reports `initial` events.
    primed: BTreeSet<String>,
}

impl Tracker {
    /// Alerts active now, as the tracker knows them.
    pub fn active(&self) -> impl Iterator<Item = &Alert> {
        self.active.values()
    }

    /// The events between the last observation and this one.
    pub fn observe(&mut self, obs: Observation<'_>) -> Vec<Event> {
        let covered: BTreeSet<&str> = obs.clusters.iter().map(|d| d.cluster.as_str()).collect();
        let fresh: BTreeSet<String> = covered
            .iter()
            .filter(|c| !self.primed.contains(**c))
            .map(|c| c.to_string())
            .collect();
        let mut events = self.deployment_events(&obs, &fresh);

        // The alert set now: what was computed, plus what could not be looked at.
        let mut now: BTreeMap<Key, Alert> = BTreeMap::new();
        for a in obs.alerts {
            now.entry(Key::of(a)).or_insert_with(|| a.clone());
        }
        for (k, a) in &self.active {
            let kept = !covered.contains(k.cluster.as_str())
                || obs.held.contains(&(k.cluster.clone(), k.kind));
            if kept && !now.contains_key(k) {
                now.insert(k.clone(), a.clone());
            }
        }

        // Per group: who joined, who left.
        let mut joined: BTreeMap<String, Vec<Key>> = BTreeMap::new();
        let mut left: BTreeMap<String, Vec<Key>> = BTreeMap::new();
        for (k, a) in &now {
            if !self.active.contains_key(k) {
                let g = group_of(a);
                self.joined.insert(k.clone(), g.clone());
                joined.entry(g).or_default().push(k.clone());
            }
        }
        for k in self.active.keys() {
            if !now.contains_key(k) {
                let g = self.joined.remove(k).unwrap_or_default();
                left.entry(g).or_default().push(k.clone());
            }
        }
        let previous = std::mem::replace(&mut self.active, now);
        // What each group's alerts name now (kept alerts as they were: a source that
        // failed changes nothing).
        let mut named: BTreeMap<String, Named> = BTreeMap::new();
        let mut counted: BTreeMap<String, Counted> = BTreeMap::new();
        for (k, a) in &self.active {
            if a.findings.is_empty() && a.counts.is_empty() {
                continue;
            }
            let g = self.joined.get(k).cloned().unwrap_or_else(|| group_of(a));
            if !a.counts.is_empty() {
                // Members share one image's scan; one looked at later may count more.
                let m = counted.entry(g.clone()).or_default();
                for (severity, n) in &a.counts {
                    let cur = m.entry(severity.clone()).or_default();
                    *cur = (*cur).max(*n);
                }
            }
            if a.findings.is_empty() {
                continue;
            }
            let m = named.entry(g).or_default();
            for (name, severity) in &a.findings {
                let cur = m.entry(name.clone()).or_insert_with(|| severity.clone());
                if severity_rank(severity) < severity_rank(cur) {
                    cur.clone_from(severity);
                }
            }
        }
        let renamed = self
            .groups
            .iter()
            .filter(|(g, x)| {
                named.get(*g).map_or(!x.named.is_empty(), |n| *n != x.named)
                    || counted
                        .get(*g)
                        .map_or(!x.counted.is_empty(), |c| *c != x.counted)
            })
            .map(|(g, _)| g.clone());
        let touched: BTreeSet<String> = joined
            .keys()
            .chain(left.keys())
            .cloned()
            .chain(renamed)
            .collect::<BTreeSet<_>>();
        for g in touched {
            let (before, was, was_counted) = self
                .groups
                .get(&g)
                .map(|x| (x.members.clone(), x.named.clone(), x.counted.clone()))
                .unwrap_or_default();
            let is = named.remove(&g).unwrap_or_default();
            let is_counted = counted.remove(&g).unwrap_or_default();
            let mut after = before.clone();
            let came = joined.remove(&g).unwrap_or_default();
            let went = left.remove(&g).unwrap_or_default();
            after.extend(came.iter().cloned());
            for k in &went {
                after.remove(k);
            }
            let new = by_severity(&is, is.keys().filter(|n| !was.contains_key(*n)).cloned());
            let gone = by_severity(&was, was.keys().filter(|n| !is.contains_key(*n)).cloned());
            let raised = raised_findings(&was, &is);
            // Counts compare only with counts: a group that named its findings before
            // (or had none) has no count to rise from.
            let rose = if was_counted.is_empty() {
                Vec::new()
            } else {
                raised_counts(&was_counted, &is_counted)
            };
            let change = Change {
                came: &came,
                went: &went,
                new: &new,
                gone: &gone,
                raised: &raised,
                counts: &rose,
            };
            let initial = came.iter().all(|k| fresh.contains(&k.cluster)) && !came.is_empty();
            if before.is_empty() && !after.is_empty() {
                events.push(self.group_event(
                    EventKind::AlertRaised,
                    &g,
                    &after,
                    &change,
                    &previous,
                    obs.at,
                    initial,
                ));
            } else if !before.is_empty() && after.is_empty() {
                events.push(self.group_event(
                    EventKind::AlertResolved,
                    &g,
                    &before,
                    &change,
                    &previous,
                    obs.at,
                    false,
                ));
            } else if !after.is_empty() && change.tells() {
                events.push(self.group_event(
                    EventKind::AlertUpdated,
                    &g,
                    &after,
                    &change,
                    &previous,
                    obs.at,
                    initial,
                ));
            }
            if after.is_empty() {
                self.groups.remove(&g);
            } else {
                self.groups.insert(
                    g,
                    Group {
                        members: after,
                        named: is,
                        counted: is_counted,
                    },
                );
            }
        }
        self.primed.extend(fresh);
        events
    }

    /// One event for group `g` whose members are `members` (for a resolve: those it had).
    #[allow(clippy::too_many_arguments)]
    fn group_event(
        &self,
        event: EventKind,
        g: &str,
        members: &BTreeSet<Key>,
        change: &Change<'_>,
        previous: &BTreeMap<Key, Alert>,
        at: Timestamp,
        initial: bool,
    ) -> Event {
        let alert = |k: &Key| self.active.get(k).or_else(|| previous.get(k));
        let alerts: Vec<&Alert> = members.iter().filter_map(alert).collect();
        // The most severe member speaks for the group (a resolve: as it was).
        let lead = alerts.iter().min_by_key(|a| a.level).copied();
        let level = lead.map_or(Level::Warning, |a| a.level);
        let kind = lead.map_or("alert", |a| a.kind);
        let mut e = Event::new(event, level, kind, String::new(), at);
        e.initial = initial;
        e.count = members.len();
        e.worsens = match event {
            EventKind::AlertRaised => true,
            EventKind::AlertUpdated => change.worsens(),
            _ => false,
        };
        let places: Vec<String> = members
            .iter()
            .map(|k| format!("{}/{}", k.cluster, k.service))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        if let Some(a) = lead {
            e.cluster = Some(a.cluster.clone());
            e.service = Some(a.service.clone());
            e.since = alerts.iter().filter_map(|a| a.since).min();
            if members.len() == 1 {
                e.task = a.task.clone();
                if a.kind == "deployment" {
                    e.deployment = Some(a.subject.clone());
                }
            }
            e.message = a.message.clone();
            if let Some(cause) = &a.cause {
                e.group = Some(cause.clone());
            }
        }
        if e.group.is_none() && members.len() > 1 {
            e.group = Some(g.to_string());
        }
        if e.group.is_some() {
            e.services = places.iter().take(MAX_LISTED).cloned().collect();
        }
        // New findings (or gone ones) of an update lead its message: what the operator
        // has not heard of yet.
        if event == EventKind::AlertUpdated {
            let told = |list: &[(String, String)]| {
                let mut names: Vec<String> = list
                    .iter()
                    .take(MAX_IN_MESSAGE)
                    .map(|(n, s)| format!("{n} ({s})"))
                    .collect();
                if list.len() > MAX_IN_MESSAGE {
                    names.push(format!("{} more", list.len() - MAX_IN_MESSAGE));
                }
                names.join(", ")
            };
            let mut parts = Vec::new();
            if !change.new.is_empty() {
                parts.push(format!("new: {}", told(change.new)));
            }
            if !change.raised.is_empty() {
                let mut names: Vec<String> = change
                    .raised
                    .iter()
                    .take(MAX_IN_MESSAGE)
                    .map(|(n, s, was)| format!("{n} {was}\u{2192}{s}"))
                    .collect();
                if change.raised.len() > MAX_IN_MESSAGE {
                    names.push(format!("{} more", change.raised.len() - MAX_IN_MESSAGE));
                }
                parts.push(format!("raised: {}", names.join(", ")));
            }
            if !change.counts.is_empty() {
                let counts: Vec<String> = change
                    .counts
                    .iter()
                    .map(|(s, n, was)| format!("{s} {was}\u{2192}{n}"))
                    .collect();
                parts.push(counts.join(", "));
            }
            if !change.gone.is_empty() {
                parts.push(format!("gone: {}", told(change.gone)));
            }
            if !parts.is_empty() {
                e.message = format!("{}; {}", parts.join("; "), e.message);
            }
            e.new_findings = change.new.iter().take(MAX_LISTED).cloned().collect();
            e.gone_findings = change.gone.iter().take(MAX_LISTED).cloned().collect();
            e.raised_findings = change.raised.iter().take(MAX_LISTED).cloned().collect();
            e.raised_counts = change.counts.to_vec();
        }
        // A cause that touches one service so far reads as a lone alert.
        if e.group.is_some() && (places.len() > 1 || event == EventKind::AlertUpdated) {
            let named = |keys: &[Key]| {
                let mut names: Vec<String> = keys
                    .iter()
                    .map(|k| format!("{}/{}", k.cluster, k.service))
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect();
                let more = names.len().saturating_sub(MAX_IN_MESSAGE);
                names.truncate(MAX_IN_MESSAGE);
                if more > 0 {
                    names.push(format!("{more} more"));
                }
                names.join(", ")
            };
            let n = places.len();
            let services = if n == 1 { "service" } else { "services" };
            let suffix = match event {
                EventKind::AlertUpdated => {
                    let mut parts = vec![format!("now {n} {services}")];
                    if !change.came.is_empty() {
                        parts.push(format!("joined: {}", named(change.came)));
                    }
                    if !change.went.is_empty() {
                        parts.push(format!("cleared: {}", named(change.went)));
                    }
                    parts.join("; ")
                }
                _ => {
                    let all: Vec<Key> = members.iter().cloned().collect();
                    format!("{n} {services}: {}", named(&all))
                }
            };
            e.message = format!("{} [{suffix}]", e.message);
        }
        e
    }

    /// Deployments that appeared, completed or failed in the clusters looked at.
    fn deployment_events(&mut self, obs: &Observation<'_>, fresh: &BTreeSet<String>) -> Vec<Event> {
        let mut events = Vec::new();
        for d in obs.clusters {
            let quiet = fresh.contains(&d.cluster);
            // Deployments of this cluster no longer listed are forgotten (memory stays flat).
            let mut listed = BTreeSet::new();
            for svc in &d.services {
                for dep in &svc.deployments {
                    let key = (d.cluster.clone(), svc.name.clone(), dep.id.clone());
                    listed.insert(key.clone());
                    let now: Seen = (dep.rollout_state.clone(), dep.status.clone());
                    let before = self.deployments.insert(key, now.clone());
                    if quiet {
                        continue;
                    }
                    let revision = crate::domain::family_revision(&dep.task_definition_arn);
                    let reason = dep.rollout_state_reason.clone().unwrap_or_default();
                    let mk = |event, level, message: String| {
                        let mut e = Event::new(event, level, "deployment", message, obs.at);
                        e.cluster = Some(d.cluster.clone());
                        e.service = Some(svc.name.clone());
                        e.deployment = Some(dep.id.clone());
                        e.since = dep.created_at;
                        e.count = 1;
                        // A failed deployment is bad news; started and completed are not.
                        e.worsens = event == EventKind::DeploymentFailed;
                        e
                    };
                    let state = now.0.as_deref();
                    let was = before.as_ref().and_then(|b| b.0.as_deref());
                    if before.is_none() {
                        let rollback = reason.to_lowercase().contains("circuit breaker")
                            && dep.status == "PRIMARY";
                        events.push(mk(
                            EventKind::DeploymentStarted,
                            Level::Info,
                            format!(
                                "deployment {} of {revision} started{}",
                                dep.id,
                                if rollback {
                                    format!(" (a rollback by the circuit breaker: {reason})")
                                } else {
                                    String::new()
                                }
                            ),
                        ));
                    }
                    if state == was {
                        continue;
                    }
                    match state {
                        Some("COMPLETED") => events.push(mk(
                            EventKind::DeploymentCompleted,
                            Level::Info,
                            format!("deployment {} of {revision} COMPLETED", dep.id),
                        )),
                        Some("FAILED") => events.push(mk(
                            EventKind::DeploymentFailed,
                            Level::Critical,
                            format!(
                                "deployment {} of {revision} FAILED{}",
                                dep.id,
                                if reason.is_empty() {
                                    String::new()
                                } else {
                                    format!(": {reason}")
                                }
                            ),
                        )),
                        _ => {}
                    }
                }
            }
            self.deployments
                .retain(|k, _| k.0 != d.cluster || listed.contains(k));
        }
        events
    }
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
