//! Sees every attempt the SDK makes, retries included: the retry layer hides a throttled
//! attempt that a later one made good, yet the operator should know AWS is pushing back.
//! Counts go to [`ApiStats`]; calls in flight are kept for `--timeout`'s message.

use std::sync::Arc;

use aws_sdk_ecs::config::interceptors::{
    BeforeSerializationInterceptorContextRef, FinalizerInterceptorContextRef,
};
use aws_sdk_ecs::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_ecs::error::BoxError;
use aws_smithy_runtime_api::client::interceptors::OverriddenHooks;
use aws_smithy_runtime_api::client::orchestrator::Metadata;

use super::stats::{ApiStats, AttemptOutcome};

/// One per client; all of a context's clients share its [`ApiStats`].
#[derive(Debug, Clone)]
pub struct AttemptObserver {
    stats: Arc<ApiStats>,
}

impl AttemptObserver {
    pub fn new(stats: Arc<ApiStats>) -> Self {
        AttemptObserver { stats }
    }
}

/// The operation name the SDK put in the config bag (always there for generated clients).
fn operation(cfg: &ConfigBag) -> &str {
    cfg.load::<Metadata>().map_or("unknown", Metadata::name)
}

impl Intercept for AttemptObserver {
    fn name(&self) -> &'static str {
        "toadtop::AttemptObserver"
    }

    // Not read_before_execution: client interceptors see that before the operation's
    // config (with its name) is in the bag.
    fn read_before_serialization(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.stats.call_started(operation(cfg));
        Ok(())
    }

    fn read_after_attempt(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(response) = context.response() {
            let outcome = classify(response.status().as_u16(), response.body().bytes());
            self.stats.attempt(operation(cfg), outcome);
        }
        Ok(())
    }

    fn read_after_execution(
        &self,
        _context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.stats.call_finished(operation(cfg));
        Ok(())
    }

    fn overridden_hooks(&self) -> OverriddenHooks {
        OverriddenHooks::READ_BEFORE_SERIALIZATION
            | OverriddenHooks::READ_AFTER_ATTEMPT
            | OverriddenHooks::READ_AFTER_EXECUTION
    }
}

/// Error codes AWS uses for "slow down" (the SDK's throttling list, less codes that also
/// mean real limits, such as LimitExceededException). They appear as text in every
/// protocol's error body: JSON `__type`, CBOR text strings, XML `<Code>`.
const THROTTLING_CODES: [&[u8]; 6] = [
    b"Throttl", // Throttling, ThrottlingException, ThrottledException, RequestThrottled...
    b"TooManyRequestsException",
    b"RequestLimitExceeded",
    b"ProvisionedThroughputExceededException",
    b"BandwidthLimitExceeded",
    b"SlowDown",
];

/// An attempt's answer by status and (already read) body. Bodies of successful answers
/// are never searched: data may well contain the word "Throttling".
pub fn classify(status: u16, body: Option<&[u8]>) -> AttemptOutcome {
    let throttling_code = || {
        body.is_some_and(|b| {
            THROTTLING_CODES
                .iter()
                .any(|code| b.windows(code.len()).any(|w| w == *code))
        })
    };
    match status {
        429 => AttemptOutcome::Throttled,
        // S3's SlowDown comes as a 503: the code says more than the status.
        400.. if throttling_code() => AttemptOutcome::Throttled,
        500.. => AttemptOutcome::ServerError,
        _ => AttemptOutcome::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttling_is_told_by_code_in_any_protocol_and_never_in_success() {
        let json = br#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#;
        assert_eq!(classify(400, Some(json)), AttemptOutcome::Throttled);
        // CBOR: text strings are their UTF-8 bytes after a one-byte header.
        let cbor = b"\xa2f__typesThrottlingExceptiongmessagemRate exceeded";
        assert_eq!(classify(400, Some(cbor)), AttemptOutcome::Throttled);
        let xml = b"<Error><Code>RequestLimitExceeded</Code></Error>";
        assert_eq!(classify(400, Some(xml)), AttemptOutcome::Throttled);
        assert_eq!(
            classify(503, Some(b"<Code>SlowDown</Code>")),
            AttemptOutcome::Throttled
        );
        let unavailable = br#"{"__type":"ServiceUnavailableException"}"#;
        assert_eq!(
            classify(503, Some(unavailable)),
            AttemptOutcome::ServerError
        );
        assert_eq!(classify(429, None), AttemptOutcome::Throttled);
        assert_eq!(classify(500, None), AttemptOutcome::ServerError);

        let denied = br#"{"__type":"AccessDeniedException","message":"not authorized"}"#;
        assert_eq!(classify(400, Some(denied)), AttemptOutcome::Other);
        assert_eq!(classify(400, None), AttemptOutcome::Other);
        let log_line = br#"{"events":[{"message":"ThrottlingException from Stripe"}]}"#;
        assert_eq!(classify(200, Some(log_line)), AttemptOutcome::Other);
    }
}
