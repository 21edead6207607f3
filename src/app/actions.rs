//! State of mutating actions in the TUI: the modal that asks (picker, confirm, scale)
//! and the job pane that shows a running action. Pure data and small pure helpers.

use std::collections::BTreeMap;

use crate::config::ForwardPreset;
use crate::domain::EcrImage;
use crate::domain::Task;
use crate::domain::{ecr_ref, image_tag};
use crate::logs::LogBuffer;
use crate::ops::exec::doctor::{self, Check};
use crate::ops::exec::session::ExecTarget;
use crate::ops::jobs::JobRequest;
use crate::ops::progress::{Outcome, Tone};
use crate::timefmt::Timestamp;

/// One row of the deploy picker: a list the cursor walks top to bottom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickRow {
    /// A container heading (not selectable).
    Container(String),
    Keep {
        container: String,
    },
    Image {
        container: String,
        image: String,
        label: String,
    },
    /// Type any image for this container.
    Typed {
        container: String,
    },
    /// A note under a container (loading, not in ECR, an error).
    Note(String),
    MigrateFirst,
    Continue,
}

impl Modal {
    /// A confirmation that takes Enter now (`now`: the key's time).
    pub fn armed(opened_at: Timestamp, now: Timestamp) -> bool {
        now.millis() - opened_at.millis() >= super::confirm::ARM_MS
    }
}

impl PickRow {
    pub fn selectable(&self) -> bool {
        !matches!(self, PickRow::Container(_) | PickRow::Note(_))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct DeployPicker {
    pub cluster: String,
    pub service: String,
    /// Containers of the running revision with their current images, in order.
    pub containers: Vec<(String, String)>,
    /// ECR images per container: `None` while loading or outside ECR.
    pub images: BTreeMap<String, Result<Vec<EcrImage>, String>>,
    /// The chosen new image per container (absent: keep).
    pub chosen: BTreeMap<String, String>,
    pub migrate_first: bool,
    pub selected: usize,
    pub now: Timestamp,
}

/// Tags offered per container.
pub const MAX_TAGS: usize = 15;

impl DeployPicker {
    pub fn rows(&self) -> Vec<PickRow> {
        let mut rows = Vec::new();
        for (name, current) in &self.containers {
            rows.push(PickRow::Container(name.clone()));
            rows.push(PickRow::Keep {
                container: name.clone(),
            });
            match (ecr_ref(current), self.images.get(name)) {
                (None, _) => rows.push(PickRow::Note(format!(
                    "{} is not in ECR: type an image to change it",
                    image_tag(current)
                ))),
                (Some(_), None) => rows.push(PickRow::Note("loading tags from ECR…".into())),
                (Some(_), Some(Err(e))) => {
                    rows.push(PickRow::Note(format!("cannot list tags: {e}")))
                }
                (Some(r), Some(Ok(images))) => {
                    for img in images.iter().take(MAX_TAGS) {
                        for tag in &img.tags {
                            let image = format!("{}:{tag}", r.base);
                            let label = image_label(tag, image == *current, img, self.now);
                            rows.push(PickRow::Image {
                                container: name.clone(),
                                image,
                                label,
                            });
                        }
                    }
                }
            }
            rows.push(PickRow::Typed {
                container: name.clone(),
            });
        }
        rows.push(PickRow::MigrateFirst);
        rows.push(PickRow::Continue);
        rows
    }

    /// Moves to the next selectable row in `dir` (+1/-1).
    pub fn step(&mut self, dir: i64) {
        let rows = self.rows();
        let mut i = self.selected as i64;
        loop {
            i += dir;
            if i < 0 || i >= rows.len() as i64 {
                return;
            }
            if rows[i as usize].selectable() {
                self.selected = i as usize;
                return;
            }
        }
    }

    /// The first selectable row (after building or when rows change).
    pub fn first(&mut self) {
        self.selected = self
            .rows()
            .iter()
            .position(PickRow::selectable)
            .unwrap_or(0);
    }

    /// (container, image) pairs that differ from what runs.
    pub fn changes(&self) -> Vec<(String, String)> {
        self.containers
            .iter()
            .filter_map(|(n, cur)| {
                self.chosen
                    .get(n)
                    .filter(|img| *img != cur)
                    .map(|img| (n.clone(), img.clone()))
            })
            .collect()
    }
}

fn image_label(tag: &str, running: bool, img: &EcrImage, now: Timestamp) -> String {
    let tag = if running {
        format!("{tag} (running)")
    } else {
        tag.to_string()
    };
    let scan = img.findings.as_ref().map_or_else(
        || "scan …".to_string(),
        |f| {
            let sev: Vec<String> = ["CRITICAL", "HIGH", "MEDIUM"]
                .iter()
                .filter_map(|s| {
                    f.counts
                        .get(*s)
                        .filter(|n| **n > 0)
                        .map(|n| format!("{}{n}", &s[..1]))
                })
                .collect();
            if !sev.is_empty() {
                sev.join(" ")
            } else if f.error.is_some() {
                "scan error".into()
            } else if f.status == "not scanned" {
                f.status.clone()
            } else {
                format!("scan {}", f.status)
            }
        },
    );
    let digest = img.digest.trim_start_matches("sha256:");
    format!(
        "{tag:<24} pushed {:>4} ago  {}  {}",
        img.pushed_at.map_or_else(|| "?".into(), |t| t.age(now)),
        // 12 characters, never a slice inside one.
        digest
            .char_indices()
            .nth(12)
            .map_or(digest, |(i, _)| &digest[..i]),
        scan
    )
}

/// `x` / `:doctor`'s menu (`update::exec` drives it).
#[derive(Debug, Clone, PartialEq)]
pub struct ExecMenu {
    pub target: ExecTarget,
    pub checks: Vec<doctor::Check>,
    /// The shell first, then the configured quick commands.
    pub choices: Vec<String>,
    pub selected: usize,
    /// `:doctor`: show the checks only.
    pub doctor_only: bool,
}

/// The port-forward form's fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Preset,
    Container,
    Host,
    Port,
    Local,
}

/// `F`'s port-forward form (`update::forward` drives it and holds its methods).
#[derive(Debug, Clone, PartialEq)]
pub struct ForwardForm {
    pub cluster: String,
    pub service: String,
    pub task: Task,
    pub containers: Vec<String>,
    pub container: usize,
    /// `[services.<name>.forwards]`, by name.
    pub presets: Vec<(String, ForwardPreset)>,
    pub preset: Option<usize>,
    pub host: String,
    pub port: String,
    pub local: String,
    pub field: Field,
    pub checks: Vec<Check>,
    pub error: Option<String>,
    /// `Some(when it opened)`: the confirmation is showing (Enter counts once armed).
    pub confirm_at: Option<Timestamp>,
}

// One modal exists at a time, so the size of its biggest variant costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Modal {
    Picker(DeployPicker),
    /// Waiting for the preview of a deploy or a rollback (the running revision is
    /// described first); `notes`: warnings about the chosen images, for the confirmation.
    Preparing {
        job: JobRequest,
        notes: Vec<String>,
    },
    /// Holds the action; only Enter here runs it, and only once armed.
    Confirm {
        title: String,
        lines: Vec<String>,
        job: JobRequest,
        /// When it opened (`State::now`): Enter counts only [`super::confirm::ARM_MS`]
        /// later, so a repeated or pasted Enter cannot confirm what nobody read.
        opened_at: Timestamp,
        /// `Some(typed so far)` when the service's name must be typed first (scaling to
        /// 0, stopping the last running task).
        typed: Option<String>,
        /// The task-definition ARN the confirmation showed running: the job stops before
        /// changing anything if the service runs another one by then.
        expect: Option<String>,
        /// The first row of the text shown, when it is longer than the box (j/k, pages;
        /// `text_view::END`: the last page). The keys line below it always shows.
        scroll: u16,
    },
    /// Typing a desired count.
    Scale {
        cluster: String,
        service: String,
        current: i32,
        text: String,
    },
    /// `x` / `:doctor`: the pre-flight checks and the commands to run.
    Exec(ExecMenu),
    /// `F`: the port-forward form, then its confirmation.
    Forward(ForwardForm),
    /// Typing an image for one container of the picker (the picker waits underneath).
    TypeImage {
        picker: DeployPicker,
        container: String,
        text: String,
    },
    /// `q` or ctrl-c while an action runs: quit anyway? (the text is built from the job
    /// as it draws: `update::quit::question`).
    QuitRunning,
}

/// What the last draw learned about the confirmation's text (kept in
/// `State::modal_view` by the runtime, as `text_viewport` for text panes): how many
/// rows it takes wrapped and how many the box shows, so scrolling stops at its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModalView {
    pub rows: u16,
    pub height: u16,
}

impl ModalView {
    /// The scroll that puts the last row at the bottom of the box.
    pub fn max_scroll(&self) -> u16 {
        self.rows.saturating_sub(self.height)
    }
}

/// A running or finished action, shown in the job pane.
#[derive(Debug, Clone)]
pub struct Job {
    pub id: u64,
    pub request: JobRequest,
    pub lines: Vec<(Tone, String)>,
    /// Log lines of the task the action runs (the migration task).
    pub logs: LogBuffer,
    pub outcome: Option<Outcome>,
    /// The pane's scroll; `text_view::END` follows the newest line.
    pub scroll: u16,
    /// The service's revision when it started.
    pub before: Option<String>,
    /// What it has changed in AWS so far (its progress marks).
    pub left: crate::ops::interrupt::Left,
}

impl Job {
    pub fn title(&self) -> String {
        let (c, s) = self.request.target();
        let state = match &self.outcome {
            None => "running…".to_string(),
            Some(o) => match (o.result, o.failed_step) {
                (crate::ops::progress::Result_::Succeeded, _) => "succeeded".into(),
                (crate::ops::progress::Result_::TimedOut, _) => "timed out".into(),
                (crate::ops::progress::Result_::Refused, _) => "refused".into(),
                (crate::ops::progress::Result_::Unconfirmed, _) => "unconfirmed".into(),
                (crate::ops::progress::Result_::Interrupted, _) => "interrupted".into(),
                (_, Some(step)) => format!("failed at {}", step.as_str()),
                (_, None) => "failed".into(),
            },
        };
        format!("{} {c}/{s}: {state}", self.request.verb())
    }

    /// After a failed deploy or restart: roll back to the revision the service ran before.
    pub fn rollback_offer(&self) -> Option<JobRequest> {
        let o = self.outcome.as_ref()?;
        // Unconfirmed: nobody saw the rollout fail, so rolling back would be a guess.
        if o.succeeded()
            || o.rolled_back
            || o.result == crate::ops::progress::Result_::Unconfirmed
            || !matches!(
                self.request,
                JobRequest::Deploy(_) | JobRequest::Restart { .. }
            )
        {
            return None;
        }
        // Only once the service was actually pointed elsewhere.
        if !matches!(o.failed_step, Some(crate::ops::progress::Step::Rollout)) {
            return None;
        }
        let (c, s) = self.request.target();
        Some(JobRequest::Rollback {
            cluster: c.to_string(),
            service: s.to_string(),
            to: o.old_revision.clone(),
        })
    }
}
