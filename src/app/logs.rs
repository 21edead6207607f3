//! The log pane: its state and how keys and follower events change it. Pure.

use std::collections::HashSet;
use std::time::Duration;

use crate::logs::{Level, LogBuffer, LogRecord};
use crate::ops::logs::{FollowEvent, FollowMode, LogPlan, LogScope};

/// How far back a pane starts; `T` cycles through these.
pub const SINCE_CHOICES: [Duration; 5] = [
    Duration::from_secs(600),
    Duration::from_secs(3600),
    Duration::from_secs(6 * 3600),
    Duration::from_secs(24 * 3600),
    Duration::from_secs(7 * 24 * 3600),
];

#[derive(Debug, Clone)]
pub struct LogPane {
    /// Tags follower events; a closed pane's late events are dropped.
    pub session: u64,
    pub cluster: String,
    pub service: String,
    pub scope: LogScope,
    pub plan: LogPlan,
    pub buffer: LogBuffer,
    pub mode: FollowMode,
    pub error: Option<String>,
    /// Stick to the newest record; off while the operator reads older ones.
    pub follow: bool,
    /// The selected record (by seq) when not following.
    pub cursor: Option<u64>,
    /// `Level::Unknown` shows everything.
    pub min_level: Level,
    pub container: Option<String>,
    /// The active search (as typed); matches are highlighted, n/N jump.
    pub search: String,
    pub expanded: HashSet<u64>,
    pub wrap: bool,
    pub since: Duration,
    /// Unfolded records and the paused cursor of the pane this one replaced (`T`), by
    /// content: the reloaded records get new sequence numbers.
    pub carried: Carried,
}

/// What `n`/`N` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    Next,
    /// No match past the cursor: the search went on from the other end.
    Wrapped,
    Nothing,
}

/// A record told apart from the others by content (sequence numbers start over when the
/// pane reloads).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RecordKey {
    timestamp_ms: i64,
    task: String,
    container: String,
    message: String,
}

impl RecordKey {
    pub fn of(r: &LogRecord) -> Self {
        RecordKey {
            timestamp_ms: r.timestamp_ms,
            task: r.task.to_string(),
            container: r.container.to_string(),
            message: r.message.clone(),
        }
    }
}

/// Waiting for records of a replaced pane to arrive again.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Carried {
    pub expanded: HashSet<RecordKey>,
    pub cursor: Option<RecordKey>,
}

impl LogPane {
    pub fn new(
        session: u64,
        cluster: String,
        service: String,
        scope: LogScope,
        plan: LogPlan,
        capacity: usize,
        since: Duration,
    ) -> Self {
        LogPane {
            session,
            cluster,
            service,
            scope,
            plan,
            buffer: LogBuffer::new(capacity.max(1)),
            mode: FollowMode::Backfill,
            error: None,
            follow: true,
            cursor: None,
            min_level: Level::Unknown,
            container: None,
            search: String::new(),
            expanded: HashSet::new(),
            wrap: false,
            since,
            carried: Carried::default(),
        }
    }

    /// Takes over what the operator set up in `old` (filters, search, wrap, unfolded
    /// records, pause and its place): `T` reloads further back, it does not start over.
    pub fn carry_over(&mut self, old: &LogPane) {
        self.min_level = old.min_level;
        self.container = old.container.clone();
        self.search = old.search.clone();
        self.wrap = old.wrap;
        self.follow = old.follow;
        self.cursor = None;
        let record = |seq: u64| {
            old.buffer
                .position_of(seq)
                .and_then(|p| old.buffer.get(p))
                .map(RecordKey::of)
        };
        self.carried = Carried {
            expanded: old.expanded.iter().filter_map(|&s| record(s)).collect(),
            cursor: if old.follow {
                None
            } else {
                old.cursor.and_then(record)
            },
        };
    }

    /// Records from `first_seq` on arrived: the carried ones get their state back.
    fn adopt(&mut self, first_seq: u64) {
        if self.carried == Carried::default() {
            return;
        }
        let start = self.buffer.position_of(first_seq).unwrap_or(0);
        for r in self.buffer.iter().skip(start) {
            if self.carried.expanded.is_empty() && self.carried.cursor.is_none() {
                break;
            }
            let key = RecordKey::of(r);
            if self.carried.expanded.remove(&key) {
                self.expanded.insert(r.seq);
            }
            if self.carried.cursor.as_ref() == Some(&key) {
                self.carried.cursor = None;
                self.cursor = Some(r.seq);
            }
        }
    }

    pub fn shows(&self, r: &LogRecord) -> bool {
        r.level >= self.min_level && self.container.as_deref().is_none_or(|c| *r.container == *c)
    }

    /// Buffer positions of the records the filters let through, oldest first.
    pub fn visible(&self) -> Vec<usize> {
        self.buffer
            .iter()
            .enumerate()
            .filter(|(_, r)| self.shows(r))
            .map(|(i, _)| i)
            .collect()
    }

    /// Index into `visible` of the record the view is anchored on (the cursor, or the
    /// newest when following).
    pub fn anchor(&self, visible: &[usize]) -> Option<usize> {
        if visible.is_empty() {
            return None;
        }
        if self.follow {
            return Some(visible.len() - 1);
        }
        let pos = self.cursor.and_then(|seq| self.buffer.position_of(seq));
        Some(match pos {
            // The cursor's record may be filtered out or evicted: take the nearest shown.
            Some(p) => match visible.binary_search(&p) {
                Ok(i) => i,
                Err(i) => i.min(visible.len() - 1),
            },
            None => 0,
        })
    }

    pub fn on_event(&mut self, event: FollowEvent) {
        match event {
            FollowEvent::Lines(lines) => {
                let first = self.buffer.iter().next_back().map_or(0, |r| r.seq + 1);
                for l in &lines {
                    self.buffer
                        .push(&l.task, &l.container, l.timestamp_ms, &l.message);
                }
                self.adopt(first);
                self.error = None;
            }
            FollowEvent::Mode(mode) => self.mode = mode,
            FollowEvent::Error(e) => self.error = Some(e),
            // Records are shown as they come; nothing is held back here.
            FollowEvent::CaughtUp => {}
        }
    }

    fn select(&mut self, visible: &[usize], i: usize) {
        self.cursor = visible
            .get(i)
            .and_then(|&p| self.buffer.get(p))
            .map(|r| r.seq);
    }

    /// Moves the cursor by `delta` records; leaving the newest record pauses following,
    /// reaching it again resumes.
    pub fn move_by(&mut self, delta: i64) {
        let visible = self.visible();
        let Some(at) = self.anchor(&visible) else {
            return;
        };
        let last = visible.len() as i64 - 1;
        let to = (at as i64 + delta).clamp(0, last);
        if to == last && delta > 0 {
            self.follow = true;
            self.cursor = None;
        } else {
            self.follow = false;
            self.select(&visible, to as usize);
        }
    }

    pub fn top(&mut self) {
        let visible = self.visible();
        self.follow = false;
        self.select(&visible, 0);
    }

    pub fn bottom(&mut self) {
        self.follow = true;
        self.cursor = None;
    }

    pub fn toggle_follow(&mut self) {
        if self.follow {
            let visible = self.visible();
            if let Some(at) = self.anchor(&visible) {
                self.select(&visible, at);
            }
            self.follow = false;
        } else {
            self.bottom();
        }
    }

    pub fn toggle_expand(&mut self) {
        let visible = self.visible();
        let Some(at) = self.anchor(&visible) else {
            return;
        };
        let Some(r) = self.buffer.get(visible[at]) else {
            return;
        };
        if r.has_more() && !self.expanded.remove(&r.seq) {
            self.expanded.insert(r.seq);
        }
    }

    pub fn cycle_level(&mut self) {
        self.min_level = match self.min_level {
            Level::Unknown => Level::Warning,
            Level::Warning => Level::Error,
            _ => Level::Unknown,
        };
    }

    pub fn cycle_container(&mut self) {
        let mut names: Vec<&str> = self.plan.sources.iter().map(|s| &*s.container).collect();
        names.sort_unstable();
        names.dedup();
        self.container = match &self.container {
            None => names.first().map(|s| s.to_string()),
            Some(cur) => names
                .iter()
                .position(|n| n == cur)
                .and_then(|i| names.get(i + 1))
                .map(|s| s.to_string()),
        };
    }

    pub fn next_since(&self) -> Duration {
        let i = SINCE_CHOICES
            .iter()
            .position(|d| *d == self.since)
            .map_or(0, |i| i + 1);
        SINCE_CHOICES[i % SINCE_CHOICES.len()]
    }

    /// Jumps to the next match older (`forward == false`) or newer than the cursor; past
    /// the last one, from the other end (as vim's search does).
    pub fn find(&mut self, forward: bool) -> Found {
        if self.search.is_empty() {
            return Found::Nothing;
        }
        let needle = self.search.to_lowercase();
        let visible = self.visible();
        let Some(at) = self.anchor(&visible) else {
            return Found::Nothing;
        };
        let hit = |mut range: &mut dyn Iterator<Item = usize>| {
            Iterator::find(&mut range, |&i| self.matches(visible[i], &needle))
        };
        let (next, wrapped) = if forward {
            (hit(&mut (at + 1..visible.len())), hit(&mut (0..=at)))
        } else {
            (hit(&mut (0..at).rev()), hit(&mut (at..visible.len()).rev()))
        };
        let (i, found) = match (next, wrapped) {
            (Some(i), _) => (i, Found::Next),
            (None, Some(i)) => (i, Found::Wrapped),
            (None, None) => return Found::Nothing,
        };
        self.follow = false;
        self.select(&visible, i);
        found
    }

    /// After a new search: the newest match, including the anchored record.
    pub fn find_newest(&mut self) -> bool {
        let needle = self.search.to_lowercase();
        let visible = self.visible();
        match (0..visible.len())
            .rev()
            .find(|&i| self.matches(visible[i], &needle))
        {
            Some(i) => {
                self.follow = false;
                self.select(&visible, i);
                true
            }
            None => false,
        }
    }

    fn matches(&self, pos: usize, needle: &str) -> bool {
        self.buffer.get(pos).is_some_and(|r| r.matches(needle))
    }

    /// The records the filters show, as plain text, for saving.
    pub fn export(&self) -> String {
        let mut out = String::new();
        for r in self.buffer.iter().filter(|r| self.shows(r)) {
            out.push_str(&crate::logs::text::record_text(r, false));
        }
        out
    }
}
