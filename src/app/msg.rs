use crossterm::event::KeyEvent;

use crate::domain::{Cluster, ClusterDetail, Failure, ProfileInfo};
use crate::ops::logs::{FollowEvent, LogPlan};
use crate::timefmt::Timestamp;

/// Tags each load so a late answer to an old request is dropped.
pub type RequestId = u64;

/// A mouse event the runtime has already placed on the screen's layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MouseInput {
    /// A left click on a list row (its index in the visible rows).
    Click { row: usize, double: bool },
    /// Wheel turns: positive scrolls down.
    Wheel(i32),
}

#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    /// Text pasted into the terminal (bracketed paste): typed into the field being edited,
    /// never taken as keys, so a pasted newline is no Enter.
    Paste(String),
    Mouse(MouseInput),
    RevisionsListed {
        req: RequestId,
        family: String,
        result: Result<Vec<String>, String>,
    },
    RevisionsDescribed(Vec<(String, Result<crate::domain::TaskDefinition, String>)>),
    /// Periodic: advances the clock, the spinner and auto refresh.
    Tick(Timestamp),
    ClustersLoaded {
        req: RequestId,
        result: Result<Vec<Cluster>, Failure>,
    },
    DetailLoaded {
        req: RequestId,
        cluster: String,
        result: Result<ClusterDetail, Failure>,
    },
    /// From the log follower of pane `session`.
    Log {
        session: u64,
        event: FollowEvent,
    },
    /// A file was written (its path) or could not be.
    Saved(Result<String, String>),
    /// Tags of a container's ECR repository, for the deploy picker.
    ImagesLoaded {
        cluster: String,
        service: String,
        container: String,
        result: Result<Vec<crate::domain::EcrImage>, String>,
    },
    /// The preview of a deploy or a rollback (or why it cannot be made).
    Prepared {
        /// The job it was made for: a late answer to a cancelled one is dropped.
        job: crate::ops::jobs::JobRequest,
        result: Result<crate::ops::jobs::Preview, String>,
    },
    JobProgress {
        id: u64,
        progress: crate::ops::progress::Progress,
    },
    JobDone {
        id: u64,
        outcome: crate::ops::progress::Outcome,
    },
    /// An exec session ended (or could not start).
    ExecDone(Result<String, String>),
    /// News of a port forward running in the background.
    Forward {
        id: u64,
        event: ForwardEvent,
    },
    /// An image's own volumes for the exec doctor (`Effect::LoadImageVolumes`).
    ImageVolumes {
        query: crate::ops::exec::doctor::ImageQuery,
        volumes: crate::ops::exec::doctor::ImageVolumes,
    },
    FindingsLoaded(std::collections::BTreeMap<String, crate::domain::ImageFindings>),
    MetricsLoaded {
        req: RequestId,
        cluster: String,
        result: Result<std::collections::BTreeMap<String, crate::domain::ServiceMetrics>, Failure>,
    },
    /// The browser opener of an `Effect::OpenUrl` started (or why not).
    Opened {
        label: &'static str,
        url: String,
        result: Result<(), String>,
    },
    /// A `:profile`/`:region` switch ended: new clients are in place, or why not.
    Switched(Result<Switched, Failure>),
    /// Secrets health of a cluster's services, by service (failures are per secret).
    SecretsLoaded {
        req: RequestId,
        cluster: String,
        secrets: std::collections::BTreeMap<String, Vec<crate::domain::SecretHealth>>,
    },
}

/// What the runtime reports of one forward.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ForwardEvent {
    Started {
        local: String,
    },
    Ready,
    Output(String),
    /// `failure`: it ended by itself (why); else `stopped_by` asked it to.
    Ended {
        failure: Option<String>,
        stopped_by: Option<String>,
        /// TerminateSession or the audit log failed (said on the row).
        note: Option<String>,
    },
}

/// What the runtime reports after a successful switch.
#[derive(Debug, Clone, PartialEq)]
pub struct Switched {
    pub profile_flag: Option<String>,
    pub profile: String,
    pub region: String,
    pub endpoint_url: Option<String>,
    /// The AWS files read again, so profiles added meanwhile can be completed.
    pub profiles: Vec<ProfileInfo>,
}

/// What `update` asks the runtime to do. A handful exist per key press; their size
/// does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    LoadClusters {
        req: RequestId,
    },
    LoadDetail {
        req: RequestId,
        cluster: Cluster,
    },
    /// Follow logs for a pane; `since_ms` is epoch milliseconds.
    StartLogs {
        session: u64,
        plan: LogPlan,
        since_ms: i64,
        live_tail: bool,
    },
    /// The pane's tasks changed: read these streams from now on.
    UpdateLogPlan {
        session: u64,
        plan: LogPlan,
    },
    StopLogs {
        session: u64,
    },
    /// Write `contents` to a new file named `name` in the data dir.
    SaveFile {
        name: String,
        contents: String,
    },
    /// The repository's tags, then (a second `ImagesLoaded`) their scans by digest.
    LoadImages {
        cluster: String,
        service: String,
        container: String,
        registry: String,
        repository: String,
        /// `host/repository`, to name each image by digest for the findings cache.
        base: String,
    },
    /// Describe the service and its revision and build the deploy preview.
    PrepareDeploy {
        job: crate::ops::jobs::JobRequest,
    },
    /// Describe the service, the revision it runs and the one a rollback goes to.
    PrepareRollback {
        job: crate::ops::jobs::JobRequest,
    },
    /// A confirmation just opened: drop the input already read or waiting (keys typed or
    /// pasted before it appeared were not meant for it).
    DropQueuedInput,
    /// Scan findings of these images (cached by digest in the runtime).
    LoadFindings {
        images: Vec<String>,
    },
    LoadMetrics {
        req: RequestId,
        cluster: String,
        services: Vec<String>,
    },
    /// Check the SSM parameters these task definitions' secrets name (by service).
    LoadSecrets {
        req: RequestId,
        cluster: String,
        services: Vec<(String, crate::domain::TaskDefinition)>,
    },
    /// Hand the terminal to session-manager-plugin for an exec session.
    Exec {
        target: crate::ops::exec::session::ExecTarget,
    },
    /// Open a port forward in the background (only from the form's confirmation).
    StartForward {
        id: u64,
        spec: crate::ops::forward::ForwardSpec,
    },
    /// End a running forward: the plugin, then TerminateSession.
    StopForward {
        id: u64,
        why: String,
    },
    /// Read an image's own volumes from ECR for the exec doctor.
    LoadImageVolumes {
        query: crate::ops::exec::doctor::ImageQuery,
    },
    /// Run a confirmed action (only ever emitted from a confirm modal's Enter).
    RunJob {
        id: u64,
        job: crate::ops::jobs::JobRequest,
        /// The service's revision when confirmed, for the audit log's start line.
        before: Option<String>,
        /// The task-definition ARN the confirmation showed: a deploy, rollback, restart
        /// or migration stops before changing anything if the service runs another one.
        expect: Option<String>,
        /// The AWS account, from the service's ARN, for the audit log.
        account: Option<String>,
    },
    /// List a task-definition family's revisions.
    LoadRevisions {
        req: RequestId,
        family: String,
    },
    /// Describe revisions (through the process-wide cache) for a diff.
    DescribeRevisions {
        arns: Vec<String>,
    },
    /// Put text on the clipboard (OSC 52).
    Copy {
        text: String,
    },
    /// Open a console URL in a browser, if the machine has an opener (`B`).
    OpenUrl {
        label: &'static str,
        url: String,
    },
    /// Rebuild the AWS clients for another profile (`None`: keep the current one) and
    /// region; the endpoint override stays.
    Switch {
        profile: Option<String>,
        region: String,
    },
    Quit,
}
