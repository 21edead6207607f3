//! StartLiveTail asks the SDK to put a host prefix on the endpoint (`stream-` in the
//! aws-sdk-cloudwatchlogs this builds with, `streaming-` in older ones), even for a
//! custom endpoint URL: against `http://127.0.0.1:5000` the call goes to
//! `stream-127.0.0.1` and fails with a DNS error, so live tail never worked against
//! moto, LocalStack or a proxy. The SDK has no switch for it (botocore's is
//! `inject_host_prefix=False`); this interceptor drops the prefix when an endpoint URL
//! is configured, whichever prefix the operation asked for. Against AWS's own endpoints
//! (no endpoint URL) the prefix stays: `stream-logs.REGION.amazonaws.com` is where live
//! tail is served.

use aws_sdk_cloudwatchlogs::config::interceptors::BeforeTransmitInterceptorContextMut;
use aws_sdk_cloudwatchlogs::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_cloudwatchlogs::error::BoxError;
use aws_smithy_runtime_api::client::endpoint::EndpointPrefix;
use aws_smithy_runtime_api::client::interceptors::OverriddenHooks;
use aws_types::endpoint_config::EndpointUrl;

#[derive(Debug, Clone, Default)]
pub struct DropPrefixForEndpointUrl;

impl Intercept for DropPrefixForEndpointUrl {
    fn name(&self) -> &'static str {
        "toadtop::DropPrefixForEndpointUrl"
    }

    // The operation's own interceptor stores the prefix in `read_before_execution`; the
    // endpoint is resolved and applied in each attempt, after this hook.
    fn modify_before_retry_loop(
        &self,
        _context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        // The endpoint URL however it was given: --endpoint-url, AWS_ENDPOINT_URL, the
        // service-specific AWS_ENDPOINT_URL_CLOUDWATCH_LOGS or a profile's endpoint_url.
        if cfg.load::<EndpointUrl>().is_some() && cfg.load::<EndpointPrefix>().is_some() {
            cfg.interceptor_state().unset::<EndpointPrefix>();
        }
        Ok(())
    }

    fn overridden_hooks(&self) -> OverriddenHooks {
        OverriddenHooks::MODIFY_BEFORE_RETRY_LOOP
    }
}
