use std::collections::HashMap;

use crate::config::{Colors, Keymap};
use crate::domain::{Cluster, ClusterDetail, Failure, ProfileInfo, Service, Task, STANDALONE};
use crate::ops::forward::ForwardSpec;
use crate::ops::remember::Remembered;
use crate::timefmt::Timestamp;

use super::RequestId;

/// One loadable piece of data with its age, error and in-flight request.
#[derive(Debug, Clone, PartialEq)]
pub struct Slot<T> {
    pub data: Option<T>,
    pub fetched_at: Option<Timestamp>,
    /// The last failure; kept data stays on screen, marked stale.
    pub error: Option<Failure>,
    pub in_flight: Option<RequestId>,
    /// A refresh was asked for while one was in flight: run once more after it.
    pub again: bool,
    /// The loads failing in a row, if the last one failed (auto refresh backs off).
    pub failing: Option<Failing>,
}

/// A run of failed loads: how many, since when, and when the last one failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failing {
    pub count: u32,
    pub since: Timestamp,
    pub last: Timestamp,
}

impl<T> Default for Slot<T> {
    fn default() -> Self {
        Slot {
            data: None,
            fetched_at: None,
            error: None,
            in_flight: None,
            again: false,
            failing: None,
        }
    }
}

impl<T> Slot<T> {
    pub fn is_loading(&self) -> bool {
        self.in_flight.is_some()
    }
}

/// The panes, from the outside in; each carries what it needs to find its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum View {
    Clusters,
    Services {
        cluster: String,
    },
    Tasks {
        cluster: String,
        service: String,
    },
    ServiceDetail {
        cluster: String,
        service: String,
    },
    TaskDefinition {
        cluster: String,
        service: String,
    },
    TaskDetail {
        cluster: String,
        service: String,
        task: String,
    },
    /// The log pane; its data lives in `State::logs`.
    Logs {
        cluster: String,
        service: String,
    },
    /// The running or last action; its data lives in `State::job`.
    Job,
    /// Scan findings of a cluster's images, or of one service's.
    Findings {
        cluster: String,
        service: Option<String>,
    },
    /// One finding, by image and name.
    FindingDetail {
        cluster: String,
        image: String,
        name: String,
    },
    Alerts,
    /// Port forwards (`:forwards`); their data lives in `State::forwards`.
    Forwards,
    /// The events since start (`:events`), newest first.
    Events,
    /// Revisions of a task-definition family (`:taskdefs`).
    TaskDefs {
        family: String,
    },
    /// What differs between two revisions (ARNs), older first.
    TaskDefDiff {
        family: String,
        before: String,
        after: String,
    },
    Help,
    /// The last messages, newest first (`:messages`).
    Messages,
}

impl View {
    pub fn cluster(&self) -> Option<&str> {
        match self {
            View::Clusters
            | View::Help
            | View::Messages
            | View::Job
            | View::Alerts
            | View::Forwards
            | View::Events
            | View::TaskDefs { .. }
            | View::TaskDefDiff { .. } => None,
            View::Findings { cluster, .. } | View::FindingDetail { cluster, .. } => Some(cluster),
            View::Services { cluster }
            | View::Tasks { cluster, .. }
            | View::ServiceDetail { cluster, .. }
            | View::TaskDefinition { cluster, .. }
            | View::TaskDetail { cluster, .. }
            | View::Logs { cluster, .. } => Some(cluster),
        }
    }

    /// The pane kind of a list view (what its sort is remembered under).
    pub fn pane(&self) -> Option<super::columns::Pane> {
        use super::columns::Pane;
        match self {
            View::Clusters => Some(Pane::Clusters),
            View::Services { .. } => Some(Pane::Services),
            View::Tasks { service, .. } if service == STANDALONE => Some(Pane::Standalone),
            View::Tasks { .. } => Some(Pane::Tasks),
            View::Findings { .. } => Some(Pane::Findings),
            View::Alerts => Some(Pane::Alerts),
            _ => None,
        }
    }

    pub fn title(&self) -> String {
        match self {
            View::Clusters => "clusters".into(),
            View::Services { cluster } => format!("services ({cluster})"),
            View::Tasks { cluster, service } if service == STANDALONE => {
                format!("standalone tasks ({cluster})")
            }
            View::Tasks { service, .. } => format!("tasks ({service})"),
            View::ServiceDetail { service, .. } => format!("service {service}"),
            View::TaskDefinition { service, .. } => format!("task definition of {service}"),
            View::TaskDetail { task, .. } => format!("task {}", short_id(task)),
            View::Logs { service, .. } if service == STANDALONE => {
                "logs of a standalone task".into()
            }
            View::Logs { service, .. } => format!("logs of {service}"),
            View::Job => "action".into(),
            View::Findings { .. } => "findings".into(),
            View::FindingDetail { name, .. } => format!("finding {name}"),
            View::Alerts => "alerts".into(),
            View::Forwards => "port forwards".into(),
            View::Events => "events".into(),
            View::TaskDefs { family } => format!("revisions of {family}"),
            View::TaskDefDiff { before, after, .. } => format!(
                "{} → {}",
                crate::domain::family_revision(before),
                crate::domain::family_revision(after)
            ),
            View::Help => "help".into(),
            View::Messages => "messages".into(),
        }
    }
}

/// The first 8 characters (not bytes: an id from AWS may hold anything).
pub fn short_id(id: &str) -> &str {
    id.char_indices().nth(8).map_or(id, |(i, _)| &id[..i])
}

/// A view on the navigation stack, with its own cursor, scroll and filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Screen {
    pub view: View,
    /// A list's cursor; in a text view, the current search match.
    pub selected: usize,
    /// Scroll offset for text views (details, help); `text_view::END` follows the end.
    pub scroll: u16,
    pub filter: String,
}

impl Screen {
    pub fn new(view: View) -> Self {
        Screen {
            view,
            selected: 0,
            scroll: 0,
            filter: String::new(),
        }
    }
}

/// What the bottom line is editing, if anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    None,
    Filter,
    Command(String),
    /// Typing a search in the log pane.
    Search(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusLine {
    pub text: String,
    pub error: bool,
}

#[derive(Debug, Clone)]
pub struct State {
    pub profile: String,
    pub region: String,
    pub endpoint_url: Option<String>,
    pub read_only: bool,
    pub refresh_secs: u64,
    pub keymap: Keymap,
    pub colors: Colors,
    pub now: Timestamp,
    /// Never empty: the bottom is always the clusters pane.
    pub stack: Vec<Screen>,
    pub input: Input,
    /// Tab going round the palette's candidates: what was typed, which one is shown.
    pub palette_tab: Option<(String, usize)>,
    /// Keys typed while the pane was loading, applied once it has (`update::typeahead`).
    pub typeahead: std::collections::VecDeque<crossterm::event::KeyEvent>,
    pub status: Option<StatusLine>,
    /// When the status was said, and the last messages (`app::messages`).
    pub messages: super::messages::Messages,
    pub clusters: Slot<Vec<Cluster>>,
    pub details: HashMap<String, Slot<ClusterDetail>>,
    pub next_request: RequestId,
    pub last_refresh: Option<Timestamp>,
    pub spinner: usize,
    /// Rows a page holds, learned from the last draw (for page up/down).
    pub page_rows: usize,
    /// The open log pane, if any (one at a time).
    pub logs: Option<super::logs::LogPane>,
    pub log_settings: crate::config::LogsSettings,
    /// Per-service settings (migration, exec) and the rest of the config.
    pub config: crate::config::Config,
    /// A modal asking before a mutating action; it takes every key while open.
    pub modal: Option<super::actions::Modal>,
    /// The running or last mutating action.
    pub job: Option<super::actions::Job>,
    /// session-manager-plugin's path, or why it was not found (for the exec doctor).
    pub exec_plugin: Result<String, String>,
    /// Images' own volumes for the exec doctor, as read from ECR (by running image).
    pub exec_images:
        HashMap<crate::ops::exec::doctor::ImageQuery, crate::ops::exec::doctor::ImageVolumes>,
    /// Scan findings by image (across clusters; the runtime caches them by digest).
    pub findings: std::collections::BTreeMap<String, crate::domain::ImageFindings>,
    pub findings_loading: bool,
    /// CPU/memory maxima per cluster, by service.
    pub metrics:
        HashMap<String, Slot<std::collections::BTreeMap<String, crate::domain::ServiceMetrics>>>,
    /// Revision ARNs per task-definition family, newest first (`:taskdefs`).
    pub taskdefs: HashMap<String, Slot<Vec<String>>>,
    /// Described revisions by ARN, for the diff.
    pub revisions: HashMap<String, Result<crate::domain::TaskDefinition, String>>,
    /// The revision marked as the diff's base, per family.
    pub taskdef_base: HashMap<String, String>,
    /// The sort chosen per pane kind (`o`/`O`), kept while toadtop runs.
    pub sorts: HashMap<super::columns::Pane, super::columns::Sort>,
    /// Secrets health per cluster, by service.
    pub secrets:
        HashMap<String, Slot<std::collections::BTreeMap<String, Vec<crate::domain::SecretHealth>>>>,
    /// Evaluated after every load, so panes and the header badge just read them.
    pub alerts: Vec<crate::alerts::Alert>,
    /// What changed in the alerts and deployments since start (`:events`).
    pub events: super::events::EventFeed,
    /// Profiles, the switch in flight and the place to reopen (`update::switch`).
    pub account: Account,
    /// AWS throttled an attempt in the last minute (set by the runtime from the API
    /// stats on each tick; the SDK's retries hide it from the loads' results).
    pub throttled: bool,
    /// The text pane on top as last drawn: rows, height, search matches (`text_view`).
    pub text_viewport: Option<super::text_view::TextViewport>,
    /// What the confirmation on screen holds, for scrolling it (`update::actions`).
    pub modal_view: Option<super::actions::ModalView>,
    /// Port forwards running in the background, and those that ended (`:forwards`).
    pub forwards: Forwards,
    pub quit: bool,
}

impl State {
    /// Sets the status line (`error`: shown in the error colour).
    /// Also remembered for `:messages`; info goes after a few seconds, an error stays
    /// until Esc or the next message (`app::messages`).
    pub fn say(&mut self, text: impl Into<String>, error: bool) {
        let text = text.into();
        self.messages.record(self.now, &text, error);
        self.status = Some(StatusLine { text, error });
    }

    pub fn new(
        profile: String,
        region: String,
        endpoint_url: Option<String>,
        now: Timestamp,
    ) -> Self {
        State {
            profile,
            region,
            endpoint_url,
            read_only: false,
            refresh_secs: 10,
            keymap: Keymap::default(),
            colors: Colors::default(),
            now,
            stack: vec![Screen::new(View::Clusters)],
            input: Input::None,
            palette_tab: None,
            typeahead: std::collections::VecDeque::new(),
            status: None,
            messages: super::messages::Messages::default(),
            clusters: Slot::default(),
            details: HashMap::new(),
            next_request: 1,
            last_refresh: None,
            spinner: 0,
            page_rows: 20,
            logs: None,
            log_settings: crate::config::LogsSettings::default(),
            config: crate::config::Config::default(),
            modal: None,
            job: None,
            exec_plugin: Err("not looked up".into()),
            exec_images: HashMap::new(),
            findings: std::collections::BTreeMap::new(),
            findings_loading: false,
            metrics: HashMap::new(),
            taskdefs: HashMap::new(),
            revisions: HashMap::new(),
            taskdef_base: HashMap::new(),
            sorts: HashMap::new(),
            secrets: HashMap::new(),
            alerts: Vec::new(),
            events: Default::default(),
            account: Account::default(),
            throttled: false,
            text_viewport: None,
            modal_view: None,
            forwards: Default::default(),
            quit: false,
        }
    }

    pub fn screen(&self) -> &Screen {
        // The stack is never empty (invariant kept by `update`'s Back handling).
        &self.stack[self.stack.len() - 1]
    }

    pub fn screen_mut(&mut self) -> &mut Screen {
        let i = self.stack.len() - 1;
        &mut self.stack[i]
    }

    pub fn loading(&self) -> bool {
        self.clusters.is_loading() || self.details.values().any(Slot::is_loading)
    }

    pub fn cluster(&self, name: &str) -> Option<&Cluster> {
        self.clusters.data.as_ref()?.iter().find(|c| c.name == name)
    }

    pub fn detail(&self, cluster: &str) -> Option<&Slot<ClusterDetail>> {
        self.details.get(cluster)
    }

    pub fn service(&self, cluster: &str, service: &str) -> Option<&Service> {
        self.details
            .get(cluster)?
            .data
            .as_ref()?
            .services
            .iter()
            .find(|s| s.name == service)
    }

    /// A task of a service, or with `service` = [`STANDALONE`] a standalone task.
    pub fn task(&self, cluster: &str, service: &str, task: &str) -> Option<&Task> {
        self.tasks_of(cluster, service)?
            .iter()
            .find(|t| t.id == task)
    }

    /// A service's tasks, or with `service` = [`STANDALONE`] the cluster's standalone tasks.
    pub fn tasks_of(&self, cluster: &str, service: &str) -> Option<&[Task]> {
        if service == STANDALONE {
            return Some(&self.details.get(cluster)?.data.as_ref()?.tasks);
        }
        Some(&self.service(cluster, service)?.tasks)
    }

    /// When the data behind the current view was fetched, and its error if the last try failed.
    pub fn current_slot_age(&self) -> (Option<Timestamp>, Option<&Failure>) {
        match self
            .screen()
            .view
            .cluster()
            .and_then(|c| self.details.get(c))
        {
            Some(slot) => (slot.fetched_at, slot.error.as_ref()),
            None => (self.clusters.fetched_at, self.clusters.error.as_ref()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ForwardState {
    /// StartSession sent / the plugin starting.
    Starting,
    /// The plugin listens on the local port.
    Active,
    /// Asked to end: the plugin is being stopped and the session terminated.
    Ending(String),
    Ended {
        why: String,
        error: bool,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct ForwardRow {
    pub id: u64,
    pub spec: ForwardSpec,
    /// `127.0.0.1:PORT` once known.
    pub local: Option<String>,
    pub since: Timestamp,
    pub state: ForwardState,
    /// The plugin's last lines (sanitized by the runtime).
    pub output: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Forwards {
    pub rows: Vec<ForwardRow>,
    pub next_id: u64,
}

/// Profiles and switching; lives in `State::account`.
#[derive(Debug, Clone, Default)]
pub struct Account {
    /// The profiles of the AWS config and credentials files.
    pub profiles: Vec<ProfileInfo>,
    /// The profile toadtop names to the SDK (`None`: the SDK's default chain).
    pub profile_flag: Option<String>,
    /// The switch in flight.
    pub switching: Option<Target>,
    /// Where the last session ended, reopened once its cluster is loaded
    /// (`update::remember`).
    pub restore: Option<Remembered>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The profile as the header shows it.
    pub profile: String,
    pub region: String,
}

#[cfg(test)]
mod short_id_tests {
    #[test]
    fn short_id_counts_characters_not_bytes() {
        assert_eq!(super::short_id("3105b0ed1234"), "3105b0ed");
        assert_eq!(super::short_id("abc"), "abc");
        // The 8th byte falls inside a character: no panic, 8 characters.
        assert_eq!(super::short_id("abcdefg€hij"), "abcdefg€");
        assert_eq!(super::short_id("€€€€€€€€€"), "€€€€€€€€");
    }
}
