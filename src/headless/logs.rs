//! `toadtop logs`: a service's CloudWatch logs on stdout, Laravel-aware, like
//! `aws logs tail`. Uses the same plan and follower as the TUI's log pane.

use std::collections::BTreeSet;
use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, watch};

use crate::aws::{ecs, AwsContext, AwsError};
use crate::cli::{LogOutput, LogsArgs};
use crate::domain::{short_task_id, Cluster, Service};
use crate::logs::{text, Level, LogBuffer};
use crate::ops::logs::follow::{follow_capped, BackfillCap, FollowOptions};
use crate::ops::logs::{plan, FollowEvent, FollowMode, LogScope};
use crate::timefmt::Timestamp;

#[derive(Debug, thiserror::Error)]
pub enum LogsError {
    #[error("{0}")]
    Aws(#[from] AwsError),
    #[error("{0}")]
    NotFound(String),
}

impl LogsError {
    pub fn exit_code(&self) -> u8 {
        match self {
            LogsError::Aws(_) => 1,
            LogsError::NotFound(_) => 2,
        }
    }
}

pub async fn run(ctx: &AwsContext, args: &LogsArgs) -> Result<(), LogsError> {
    let cluster = super::find_cluster(ctx, &args.cluster)
        .await
        .map_err(|e| match e {
            super::FindError::Aws(e) => LogsError::Aws(e),
            super::FindError::NotFound(m) => LogsError::NotFound(m),
        })?;
    let service = find_service(ctx, &cluster, &args.service).await?;
    let scope = LogScope {
        task: args.task.clone(),
        container: args.container.clone(),
    };
    check_scope(&service, &scope)?;
    let first = plan(&service, &scope);
    for note in &first.unavailable {
        super::say_error(format_args!("{note}"));
    }
    if first.sources.is_empty() {
        return Err(LogsError::NotFound(format!(
            "no CloudWatch log streams for {}/{} ({})",
            cluster.name,
            service.name,
            scope.describe()
        )));
    }

    let (plan_tx, plan_rx) = watch::channel(first);
    let (tx, mut rx) = mpsc::unbounded_channel();
    let since_ms = Timestamp::now().millis() - args.since.as_millis() as i64;
    let opts = FollowOptions {
        since_ms,
        follow: args.follow,
        live_tail: !args.no_live_tail,
    };
    let cap = BackfillCap {
        events: args.max_events,
        bytes: args.max_mib.saturating_mul(1 << 20),
    };
    let follower = tokio::spawn(follow_capped(ctx.clone(), plan_rx, opts, cap, tx));

    let mut printer = Printer::new(args.output, args.level);
    let mut replan = tokio::time::interval(args.replan_every.max(Duration::from_secs(1)));
    replan.tick().await;
    let mut last_mode = None;
    // When records held back by `flush(false)` must go out even if no more lines come.
    let mut release_at: Option<tokio::time::Instant> = None;
    loop {
        tokio::select! {
            event = rx.recv() => match event {
                None | Some(FollowEvent::Mode(FollowMode::Done)) => break,
                Some(FollowEvent::Lines(lines)) => {
                    for l in &lines {
                        printer.buffer.push(&l.task, &l.container, l.timestamp_ms, &l.message);
                    }
                    printer.flush(false);
                    // From the first held record on: busy streams must not postpone it.
                    release_at = if printer.holding() {
                        release_at.or_else(|| Some(tokio::time::Instant::now() + HOLD_OPEN_RECORDS))
                    } else {
                        None
                    };
                }
                Some(FollowEvent::Mode(mode)) => {
                    // One line per change of kind or reason, not per poll-interval change.
                    let label = match &mode {
                        FollowMode::Polling { why, .. } => format!("polling ({why})"),
                        other => other.label(),
                    };
                    if args.follow && last_mode.as_ref() != Some(&label) {
                        match &mode {
                            FollowMode::Polling { why, .. } if !why.is_empty() => {
                                super::say_error(format_args!("{} ({why})", mode.label()))
                            }
                            _ => super::say_error(format_args!("{}", mode.label())),
                        }
                    }
                    last_mode = Some(label);
                }
                Some(FollowEvent::Error(e)) => super::say_error(&e),
                // The poll after the held records brought no more of them: they are
                // complete, no need to wait out HOLD_OPEN_RECORDS.
                Some(FollowEvent::CaughtUp) => {
                    printer.flush(true);
                    release_at = None;
                }
            },
            // A quiet stream sends no more batches: print its last record after a while
            // (stack-trace lines arriving later then print as records of their own).
            _ = tokio::time::sleep_until(release_at.unwrap_or_else(tokio::time::Instant::now)), if release_at.is_some() => {
                printer.flush(true);
                release_at = None;
            }
            _ = replan.tick(), if args.follow => {
                // A failed reload keeps the old plan; the next tick tries again.
                if let Ok(s) = find_service(ctx, &cluster, &args.service).await {
                    let next = plan(&s, &scope);
                    if next != *plan_tx.borrow() && !next.sources.is_empty() {
                        let _ = plan_tx.send(next);
                    }
                }
            }
        }
    }
    printer.flush(true);
    drop(plan_tx);
    let _ = follower.await;
    Ok(())
}

async fn find_service(
    ctx: &AwsContext,
    cluster: &Cluster,
    name: &str,
) -> Result<Service, LogsError> {
    let detail = ecs::load_cluster_detail(ctx, cluster).await?;
    let names: Vec<String> = detail.services.iter().map(|s| s.name.clone()).collect();
    detail
        .services
        .into_iter()
        .find(|s| s.name == name)
        .ok_or_else(|| {
            LogsError::NotFound(format!(
                "no service `{name}` in {}; services: {}",
                cluster.name,
                list(&names)
            ))
        })
}

fn check_scope(service: &Service, scope: &LogScope) -> Result<(), LogsError> {
    let tasks: Vec<_> = service
        .tasks
        .iter()
        .filter(|t| scope.task.as_deref().is_none_or(|p| t.id.starts_with(p)))
        .collect();
    if let Some(prefix) = &scope.task {
        let ids: Vec<String> = service
            .tasks
            .iter()
            .map(|t| short_task_id(&t.id).to_string())
            .collect();
        match tasks.len() {
            0 => {
                return Err(LogsError::NotFound(format!(
                    "no task `{prefix}` in {}; tasks: {}",
                    service.name,
                    list(&ids)
                )))
            }
            1 => {}
            n => {
                return Err(LogsError::NotFound(format!(
                    "`{prefix}` matches {n} tasks; give more of the id"
                )))
            }
        }
    }
    if let Some(name) = &scope.container {
        let names: BTreeSet<&str> = tasks
            .iter()
            .flat_map(|t| t.containers.iter().map(|c| c.name.as_str()))
            .collect();
        if !names.contains(name.as_str()) {
            let names: Vec<String> = names.into_iter().map(str::to_string).collect();
            return Err(LogsError::NotFound(format!(
                "no container `{name}`; containers: {}",
                list(&names)
            )));
        }
    }
    Ok(())
}

use super::list;

/// How long `--follow` holds back the newest record of a stream waiting for more of its
/// stack trace: longer than a poll after new lines (1s) plus the call itself. Polling
/// releases them sooner, at the next poll that finds nothing (`FollowEvent::CaughtUp`);
/// this bound is for live tail, which never says so.
const HOLD_OPEN_RECORDS: Duration = Duration::from_secs(3);

/// Prints records once they are complete: the newest record of each stream may still
/// get stack-trace lines in the next batch, so it waits for that batch (or the end).
struct Printer {
    buffer: LogBuffer,
    output: LogOutput,
    level: Option<Level>,
    color: bool,
    printed: u64,
}

impl Printer {
    fn new(output: LogOutput, level: Option<Level>) -> Self {
        Printer {
            // Holds only what is not printed yet (see `flush`): a page of the backfill and
            // the records held open, so a long `--since` does not grow it.
            buffer: LogBuffer::new(1_000_000),
            output,
            level,
            color: output == LogOutput::Text
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
            printed: 0,
        }
    }

    fn flush(&mut self, all: bool) {
        let open: BTreeSet<u64> = if all {
            BTreeSet::new()
        } else {
            self.open_records()
        };
        let mut out = std::io::stdout().lock();
        let mut upto = self.printed;
        for r in self.buffer.iter().filter(|r| r.seq >= self.printed) {
            if open.contains(&r.seq) {
                break;
            }
            upto = r.seq + 1;
            if self.level.is_some_and(|min| r.level < min) {
                continue;
            }
            let text = match self.output {
                LogOutput::Json => text::json_line(r),
                LogOutput::Text => text::record_text(r, self.color),
            };
            // A closed pipe (`| head`) ends the output quietly.
            if out.write_all(text.as_bytes()).is_err() {
                std::process::exit(0);
            }
        }
        let _ = out.flush();
        self.printed = upto;
        if all {
            self.buffer.clear();
        } else {
            self.buffer.discard_before(upto);
        }
    }

    /// Records in the buffer not printed yet (held back by `flush(false)`).
    fn holding(&self) -> bool {
        self.buffer
            .iter()
            .next_back()
            .is_some_and(|r| r.seq >= self.printed)
    }

    /// The newest record of each (task, container): it may still grow.
    fn open_records(&self) -> BTreeSet<u64> {
        let mut last = std::collections::HashMap::<(Arc<str>, Arc<str>), u64>::new();
        for r in self.buffer.iter().filter(|r| r.seq >= self.printed) {
            last.insert((Arc::clone(&r.task), Arc::clone(&r.container)), r.seq);
        }
        last.into_values().collect()
    }
}
