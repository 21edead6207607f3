//! CloudWatch Logs reads: FilterLogEvents pages and StartLiveTail sessions, as plain events.

use aws_sdk_cloudwatchlogs::types::StartLiveTailResponseStream;

use super::{AwsContext, AwsError};

/// One CloudWatch event, before toadtop knows which task/container it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CwEvent {
    /// FilterLogEvents gives ids; live tail does not.
    pub id: Option<String>,
    pub timestamp_ms: i64,
    pub stream: String,
    pub message: String,
}

/// FilterLogEvents allows at most 100 stream names per call.
pub const MAX_STREAMS_PER_FILTER: usize = 100;

/// One page of FilterLogEvents over `streams` of `group` from `start_ms`.
pub async fn filter_page(
    ctx: &AwsContext,
    group: &str,
    streams: &[String],
    start_ms: i64,
    token: Option<String>,
) -> Result<(Vec<CwEvent>, Option<String>), AwsError> {
    ctx.stats.record("FilterLogEvents");
    let out = ctx
        .logs
        .filter_log_events()
        .log_group_name(group)
        .set_log_stream_names(Some(streams.to_vec()))
        .start_time(start_ms)
        .set_next_token(token)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("FilterLogEvents", e))?;
    let events = out
        .events()
        .iter()
        .map(|e| CwEvent {
            id: e.event_id().map(str::to_string),
            timestamp_ms: e.timestamp().unwrap_or_default(),
            stream: e.log_stream_name().unwrap_or_default().to_string(),
            message: e.message().unwrap_or_default().to_string(),
        })
        .collect();
    Ok((events, out.next_token().map(str::to_string)))
}

/// A running StartLiveTail session over one log group.
pub struct LiveTail {
    stream: aws_sdk_cloudwatchlogs::primitives::event_stream::EventReceiver<
        StartLiveTailResponseStream,
        aws_sdk_cloudwatchlogs::types::error::StartLiveTailResponseStreamError,
    >,
}

/// The ARN live tail wants for a log group (it does not accept names).
pub fn log_group_arn(region: &str, account: &str, group: &str) -> String {
    format!("arn:aws:logs:{region}:{account}:log-group:{group}")
}

pub async fn start_live_tail(
    ctx: &AwsContext,
    group_arn: &str,
    streams: &[String],
) -> Result<LiveTail, AwsError> {
    ctx.stats.record("StartLiveTail");
    let out = ctx
        .logs
        .start_live_tail()
        .log_group_identifiers(group_arn)
        .set_log_stream_names(Some(streams.to_vec()))
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("StartLiveTail", e))?;
    Ok(LiveTail {
        stream: out.response_stream,
    })
}

/// What a live tail session gives next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveTailNext {
    /// One sessionUpdate's events (possibly none: AWS sends empty updates while quiet).
    Events(Vec<CwEvent>),
    /// An update that is only a sample: more events came than live tail sends in one
    /// update (500), and the rest of them will never arrive through this session.
    Sampled(Vec<CwEvent>),
    /// AWS ended the session because it reached its maximum length (three hours):
    /// SessionTimeoutException. Starting a new session is the expected answer.
    TimedOut,
    /// The stream ended without saying why.
    Ended,
}

impl LiveTail {
    /// The next batch of events, or how the session ended.
    pub async fn next(&mut self) -> Result<LiveTailNext, AwsError> {
        use aws_sdk_cloudwatchlogs::error::SdkError;
        use aws_sdk_cloudwatchlogs::types::error::StartLiveTailResponseStreamError as StreamError;
        loop {
            let item = match self.stream.recv().await {
                Ok(item) => item,
                Err(SdkError::ServiceError(e))
                    if matches!(e.err(), StreamError::SessionTimeoutException(_)) =>
                {
                    return Ok(LiveTailNext::TimedOut)
                }
                Err(e) => return Err(AwsError::from_sdk("StartLiveTail", e)),
            };
            match item {
                None => return Ok(LiveTailNext::Ended),
                Some(StartLiveTailResponseStream::SessionUpdate(update)) => {
                    let events = update
                        .session_results()
                        .iter()
                        .map(|e| CwEvent {
                            id: None,
                            timestamp_ms: e.timestamp().unwrap_or_default(),
                            stream: e.log_stream_name().unwrap_or_default().to_string(),
                            message: e.message().unwrap_or_default().to_string(),
                        })
                        .collect();
                    let sampled = update.session_metadata().is_some_and(|m| m.sampled());
                    return Ok(if sampled {
                        LiveTailNext::Sampled(events)
                    } else {
                        LiveTailNext::Events(events)
                    });
                }
                // SessionStart and future variants carry no events.
                Some(_) => {}
            }
        }
    }
}
