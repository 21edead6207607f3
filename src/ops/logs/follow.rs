//! Following logs: a backfill with FilterLogEvents, then StartLiveTail where it works
//! (a session that reaches AWS's time limit is replaced by a new one), falling back to
//! polling FilterLogEvents (adaptive interval, de-duplicated) when live tail is refused,
//! limited, unavailable, or ends any other way. A new plan (tasks came or went)
//! takes effect without restarting the follower.

use std::collections::{HashMap, VecDeque};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, watch};

use super::plan::LogPlan;
use crate::aws::logs::{self, CwEvent, LiveTailNext, MAX_STREAMS_PER_FILTER};
use crate::aws::{AwsContext, AwsError};

/// One event, attributed to its task and container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub timestamp_ms: i64,
    pub task: Arc<str>,
    pub container: Arc<str>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FollowMode {
    Backfill,
    LiveTail,
    /// A live tail session reached AWS's time limit; a new one is starting.
    Reconnecting,
    /// Polling, with why live tail is not used.
    Polling {
        every: Duration,
        why: String,
    },
    /// Not following (backfill only), or the follower stopped.
    Done,
}

impl FollowMode {
    pub fn label(&self) -> String {
        match self {
            FollowMode::Backfill => "loading".into(),
            FollowMode::LiveTail => "live tail".into(),
            FollowMode::Reconnecting => "live tail session timed out, reconnecting".into(),
            FollowMode::Polling { every, .. } => format!("polling every {}s", every.as_secs()),
            FollowMode::Done => "stopped".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FollowEvent {
    Lines(Vec<LogLine>),
    Mode(FollowMode),
    /// A failed call; following goes on (the next poll retries).
    Error(String),
    /// A poll found nothing new: the streams' newest records are complete as far as
    /// CloudWatch knows (`logs --follow` prints what it held back for stack-trace lines).
    CaughtUp,
}

#[derive(Debug, Clone, Copy)]
pub struct FollowOptions {
    pub since_ms: i64,
    pub follow: bool,
    /// Try StartLiveTail before polling.
    pub live_tail: bool,
}

/// AWS ends every live tail session after three hours (SessionTimeoutException) and a
/// new one is started at once. Sessions that time out sooner than this, several in a
/// row, mean the endpoint cannot hold one: polling takes over.
const SHORT_SESSION: Duration = Duration::from_secs(60);
const MAX_SHORT_SESSIONS: u32 = 3;

const MIN_POLL: Duration = Duration::from_secs(1);
const MAX_POLL: Duration = Duration::from_secs(8);
/// Late-ingested events can carry older timestamps: each poll looks back this far and
/// drops what it has already seen.
const OVERLAP_MS: i64 = 30_000;

/// Runs until the plan sender is dropped (the pane closed) or the receiver of `out` is.
pub async fn follow(
    ctx: AwsContext,
    mut plans: watch::Receiver<LogPlan>,
    opts: FollowOptions,
    out: mpsc::UnboundedSender<FollowEvent>,
) {
    let mut seen = Seen::default();
    let mut cursor = opts.since_ms;
    let send = |e: FollowEvent| out.send(e).is_ok();

    if !send(FollowEvent::Mode(FollowMode::Backfill)) {
        return;
    }
    let mut plan = plans.borrow_and_update().clone();
    match poll_once(&ctx, &plan, opts.since_ms, &mut seen, &mut cursor).await {
        Ok(lines) if !lines.is_empty() => {
            if !send(FollowEvent::Lines(lines)) {
                return;
            }
        }
        Ok(_) => {}
        Err(e) => {
            if !send(FollowEvent::Error(e.to_string())) {
                return;
            }
        }
    }
    if !opts.follow {
        send(FollowEvent::Mode(FollowMode::Done));
        return;
    }

    let mut no_live: Option<String> = (!opts.live_tail).then(|| "live tail disabled".to_string());
    let mut short_sessions = 0;
    let mut every = MIN_POLL;
    loop {
        if no_live.is_none() {
            match live_target(&ctx, &plan) {
                Err(why) => no_live = Some(why),
                Ok((arn, streams)) => match logs::start_live_tail(&ctx, &arn, &streams).await {
                    Err(e) => no_live = Some(format!("live tail refused: {e}")),
                    Ok(mut session) => {
                        let started = tokio::time::Instant::now();
                        if !send(FollowEvent::Mode(FollowMode::LiveTail)) {
                            return;
                        }
                        // A session only sees events ingested after it started: one poll
                        // covers what was logged since the backfill, the last poll or the
                        // previous session (what both deliver is shown once).
                        let gap = match poll_once(
                            &ctx,
                            &plan,
                            cursor - OVERLAP_MS,
                            &mut seen,
                            &mut cursor,
                        )
                        .await
                        {
                            Ok(lines) if lines.is_empty() => None,
                            Ok(lines) => Some(FollowEvent::Lines(lines)),
                            Err(e) => Some(FollowEvent::Error(e.to_string())),
                        };
                        if gap.is_some_and(|e| !send(e)) {
                            return;
                        }
                        let end = loop {
                            tokio::select! {
                                next = session.next() => match next {
                                    Ok(LiveTailNext::Events(events)) => {
                                        let lines = attribute(&plan, fresh(events, &mut seen, &mut cursor));
                                        if !lines.is_empty() && !send(FollowEvent::Lines(lines)) {
                                            return;
                                        }
                                    }
                                    // Live tail drops what does not fit; FilterLogEvents
                                    // returns every line (the first poll looks back over
                                    // the burst).
                                    Ok(LiveTailNext::Sampled(events)) => {
                                        let lines = attribute(&plan, fresh(events, &mut seen, &mut cursor));
                                        if !lines.is_empty() && !send(FollowEvent::Lines(lines)) {
                                            return;
                                        }
                                        break SessionEnd::Other("live tail is sampling (more than 500 lines a second)".into());
                                    }
                                    Ok(LiveTailNext::TimedOut) => break SessionEnd::TimedOut,
                                    Ok(LiveTailNext::Ended) => break SessionEnd::Other("live tail session ended".into()),
                                    Err(e) => break SessionEnd::Other(format!("live tail stopped: {e}")),
                                },
                                changed = plans.changed() => {
                                    if changed.is_err() { return; }
                                    plan = plans.borrow_and_update().clone();
                                    break SessionEnd::NewPlan;
                                }
                            }
                        };
                        match end {
                            // Restart the session with the new streams.
                            SessionEnd::NewPlan => {}
                            SessionEnd::TimedOut => {
                                short_sessions = if started.elapsed() < SHORT_SESSION {
                                    short_sessions + 1
                                } else {
                                    0
                                };
                                if short_sessions >= MAX_SHORT_SESSIONS {
                                    no_live = Some(format!(
                                        "live tail sessions keep timing out ({MAX_SHORT_SESSIONS} in a row within {}s)",
                                        SHORT_SESSION.as_secs()
                                    ));
                                } else if !send(FollowEvent::Mode(FollowMode::Reconnecting)) {
                                    return;
                                }
                            }
                            SessionEnd::Other(why) => no_live = Some(why),
                        }
                        continue;
                    }
                },
            }
        }

        let why = no_live.clone().unwrap_or_default();
        if !send(FollowEvent::Mode(FollowMode::Polling {
            every,
            why: why.clone(),
        })) {
            return;
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            changed = plans.changed() => {
                if changed.is_err() { return; }
                plan = plans.borrow_and_update().clone();
            }
        }
        match poll_once(&ctx, &plan, cursor - OVERLAP_MS, &mut seen, &mut cursor).await {
            Ok(lines) => {
                // Busy streams are polled often, quiet ones back off.
                every = if lines.is_empty() {
                    (every * 2).min(MAX_POLL)
                } else {
                    MIN_POLL
                };
                let event = if lines.is_empty() {
                    FollowEvent::CaughtUp
                } else {
                    FollowEvent::Lines(lines)
                };
                if !send(event) {
                    return;
                }
            }
            Err(e) => {
                every = MAX_POLL;
                if !send(FollowEvent::Error(e.to_string())) {
                    return;
                }
            }
        }
    }
}

/// How a live tail session ended.
enum SessionEnd {
    /// The plan changed: a new session over the new streams.
    NewPlan,
    /// AWS's session length limit: reconnect.
    TimedOut,
    /// Refused mid-way, a broken stream, or an end without a reason: poll instead.
    Other(String),
}

/// Live tail takes log-group ARNs and, with stream names, exactly one group.
fn live_target(ctx: &AwsContext, plan: &LogPlan) -> Result<(String, Vec<String>), String> {
    let groups = plan.groups();
    let [group] = groups.as_slice() else {
        return Err(format!(
            "live tail needs one log group, these logs span {}",
            groups.len()
        ));
    };
    let Some(account) = &plan.account else {
        return Err("account id unknown, live tail needs log-group ARNs".into());
    };
    let streams = plan.streams_of(group);
    if streams.len() > MAX_STREAMS_PER_FILTER {
        return Err(format!(
            "live tail takes at most 100 streams, these are {}",
            streams.len()
        ));
    }
    Ok((logs::log_group_arn(&ctx.region, account, group), streams))
}

/// Every group's streams from `start_ms`, all pages, new events only, oldest first.
async fn poll_once(
    ctx: &AwsContext,
    plan: &LogPlan,
    start_ms: i64,
    seen: &mut Seen,
    cursor: &mut i64,
) -> Result<Vec<LogLine>, AwsError> {
    let mut events = Vec::new();
    for group in plan.groups() {
        for chunk in plan.streams_of(group).chunks(MAX_STREAMS_PER_FILTER) {
            let mut token = None;
            loop {
                let (page, next) = logs::filter_page(ctx, group, chunk, start_ms, token).await?;
                events.extend(page);
                match next {
                    Some(t) => token = Some(t),
                    None => break,
                }
            }
        }
    }
    Ok(attribute(plan, fresh(events, seen, cursor)))
}

fn fresh(mut events: Vec<CwEvent>, seen: &mut Seen, cursor: &mut i64) -> Vec<CwEvent> {
    // Stable: lines of one stream with equal timestamps keep their order.
    events.sort_by_key(|e| e.timestamp_ms);
    events.retain(|e| seen.insert(e));
    if let Some(last) = events.last() {
        *cursor = (*cursor).max(last.timestamp_ms);
    }
    seen.prune(*cursor - 2 * OVERLAP_MS);
    events
}

fn attribute(plan: &LogPlan, events: Vec<CwEvent>) -> Vec<LogLine> {
    let by_stream: HashMap<&str, _> = plan
        .sources
        .iter()
        .map(|s| (s.stream.as_str(), s))
        .collect();
    events
        .into_iter()
        .filter_map(|e| {
            let src = by_stream.get(e.stream.as_str())?;
            Some(LogLine {
                timestamp_ms: e.timestamp_ms,
                task: Arc::clone(&src.task),
                container: Arc::clone(&src.container),
                message: e.message,
            })
        })
        .collect()
}

/// Events already delivered, keyed by content (stream, time, text) rather than event id,
/// because live tail gives no ids and the same event may come from both sources.
/// Identical lines in one stream within the same millisecond are shown once.
#[derive(Default)]
struct Seen {
    keys: HashMap<u64, i64>,
    order: VecDeque<(i64, u64)>,
}

impl Seen {
    fn insert(&mut self, e: &CwEvent) -> bool {
        let mut h = DefaultHasher::new();
        (&e.stream, e.timestamp_ms, &e.message).hash(&mut h);
        let key = h.finish();
        if self.keys.insert(key, e.timestamp_ms).is_some() {
            return false;
        }
        self.order.push_back((e.timestamp_ms, key));
        true
    }

    /// Forget events older than `before`; they are outside every later poll's window.
    fn prune(&mut self, before: i64) {
        // Insertion order is roughly time order; stop at the first young entry.
        while let Some(&(ts, key)) = self.order.front() {
            if ts >= before && self.order.len() < 200_000 {
                break;
            }
            self.order.pop_front();
            self.keys.remove(&key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(stream: &str, ts: i64, msg: &str) -> CwEvent {
        CwEvent {
            id: None,
            timestamp_ms: ts,
            stream: stream.into(),
            message: msg.into(),
        }
    }

    #[test]
    fn fresh_dedupes_sorts_and_advances_cursor() {
        let mut seen = Seen::default();
        let mut cursor = 0;
        let first = fresh(
            vec![ev("a", 20, "two"), ev("a", 10, "one")],
            &mut seen,
            &mut cursor,
        );
        assert_eq!(
            first.iter().map(|e| e.message.as_str()).collect::<Vec<_>>(),
            ["one", "two"]
        );
        assert_eq!(cursor, 20);
        // The overlap window returns "two" again, plus a new line.
        let second = fresh(
            vec![ev("a", 20, "two"), ev("a", 25, "three")],
            &mut seen,
            &mut cursor,
        );
        assert_eq!(second.len(), 1);
        assert_eq!(second[0].message, "three");
        assert_eq!(cursor, 25);
    }

    #[test]
    fn prune_forgets_old_events() {
        let mut seen = Seen::default();
        let mut cursor = 0;
        fresh(vec![ev("a", 1, "old")], &mut seen, &mut cursor);
        fresh(vec![ev("a", 1_000_000, "new")], &mut seen, &mut cursor);
        assert!(!seen.keys.values().any(|&ts| ts == 1));
        assert_eq!(seen.keys.len(), 1);
    }

    #[test]
    fn attribute_maps_streams_and_drops_unknown() {
        let detail = crate::fixtures::production();
        let p = super::super::plan(&detail.services[1], &super::super::LogScope::service());
        let lines = attribute(
            &p,
            vec![
                ev("web/php/0a1b2c3d4e5f", 5, "hi"),
                ev("other/x/y", 6, "no"),
            ],
        );
        assert_eq!(lines.len(), 1);
        assert_eq!(&*lines[0].task, "0a1b2c3d4e5f");
        assert_eq!(&*lines[0].container, "php");
    }
}
