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

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use aws_config::BehaviorVersion;
    use aws_sdk_cloudwatchlogs::config::{Credentials, Region};
    use aws_smithy_runtime_api::client::http::{
        HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpConnector,
    };
    use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
    use aws_smithy_runtime_api::client::result::ConnectorError;

    use super::*;

    /// An HTTP client that records where each request would go and answers none.
    #[derive(Debug, Clone, Default)]
    struct Capture(Arc<Mutex<Vec<String>>>);

    impl HttpConnector for Capture {
        fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
            self.0.lock().unwrap().push(request.uri().to_string());
            HttpConnectorFuture::ready(Err(ConnectorError::other("captured".into(), None)))
        }
    }

    impl HttpClient for Capture {
        fn http_connector(
            &self,
            _settings: &HttpConnectorSettings,
            _components: &RuntimeComponents,
        ) -> SharedHttpConnector {
            SharedHttpConnector::new(self.clone())
        }
    }

    /// The URL StartLiveTail is sent to, with or without an endpoint URL.
    async fn live_tail_url(endpoint_url: Option<&str>) -> String {
        let capture = Capture::default();
        let mut conf = aws_sdk_cloudwatchlogs::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("eu-west-1"))
            .credentials_provider(Credentials::new("AKID", "SECRET", None, None, "test"))
            .http_client(capture.clone())
            .interceptor(DropPrefixForEndpointUrl);
        if let Some(url) = endpoint_url {
            conf = conf.endpoint_url(url);
        }
        let client = aws_sdk_cloudwatchlogs::Client::from_conf(conf.build());
        let sent = client
            .start_live_tail()
            .log_group_identifiers("arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/app")
            .send()
            .await;
        assert!(sent.is_err(), "the capture answers nothing");
        let urls = capture.0.lock().unwrap();
        urls.first().cloned().expect("a request was sent")
    }

    #[tokio::test]
    async fn the_prefix_goes_only_with_an_endpoint_url() {
        // AWS's own endpoint keeps the host live tail is served on.
        let aws = live_tail_url(None).await;
        assert!(
            aws.starts_with("https://stream-logs.eu-west-1.amazonaws.com"),
            "{aws}"
        );
        let local = live_tail_url(Some("http://127.0.0.1:5000")).await;
        assert!(local.starts_with("http://127.0.0.1:5000"), "{local}");
    }
}
