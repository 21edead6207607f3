//! AWS failures as one readable line: which call, why, and what to try.

use aws_sdk_ecs::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{operation} failed: {reason}{}", hint.map(|h| format!(" ({h})")).unwrap_or_default())]
pub struct AwsError {
    pub operation: &'static str,
    pub kind: AwsErrorKind,
    pub reason: String,
    pub hint: Option<&'static str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AwsErrorKind {
    Credentials,
    Unreachable,
    Timeout,
    Throttled,
    AccessDenied,
    NotFound,
    Service,
}

impl AwsError {
    pub fn new(operation: &'static str, kind: AwsErrorKind, reason: impl Into<String>) -> Self {
        AwsError {
            operation,
            kind,
            reason: reason.into(),
            hint: None,
        }
    }

    pub fn from_sdk<E, R>(operation: &'static str, err: SdkError<E, R>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug,
    {
        let full = DisplayErrorContext(&err).to_string();
        let (kind, reason, hint) = match &err {
            SdkError::ServiceError(se) => {
                let e = se.err();
                let code = e.code().unwrap_or("UnknownError");
                let msg = e.message().unwrap_or("");
                let kind = match code {
                    c if c.contains("Throttl") || c == "TooManyRequestsException" => {
                        AwsErrorKind::Throttled
                    }
                    c if c.contains("AccessDenied") || c.contains("Unauthorized") => {
                        AwsErrorKind::AccessDenied
                    }
                    c if c.contains("NotFound") => AwsErrorKind::NotFound,
                    "ExpiredTokenException"
                    | "UnrecognizedClientException"
                    | "InvalidClientTokenId" => AwsErrorKind::Credentials,
                    _ => AwsErrorKind::Service,
                };
                let hint = match kind {
                    AwsErrorKind::AccessDenied => Some("the role lacks this permission"),
                    AwsErrorKind::Credentials => {
                        Some("refresh the credentials, e.g. `aws sso login`")
                    }
                    AwsErrorKind::Throttled => Some("AWS is throttling; toadtop backs off"),
                    _ => None,
                };
                (
                    kind,
                    format!("{code}: {msg}").trim_end_matches(": ").to_string(),
                    hint,
                )
            }
            SdkError::TimeoutError(_) => (
                AwsErrorKind::Timeout,
                "timed out".to_string(),
                Some("check the network or --endpoint-url"),
            ),
            _ if full.contains("credentials") || full.contains("Credentials") => (
                AwsErrorKind::Credentials,
                "no usable AWS credentials".to_string(),
                Some("set AWS_PROFILE or run `aws configure` / `aws sso login`"),
            ),
            SdkError::DispatchFailure(_) => (
                AwsErrorKind::Unreachable,
                format!("cannot reach the endpoint: {}", last_cause(&full)),
                Some("check the network, region or --endpoint-url"),
            ),
            _ => (AwsErrorKind::Service, last_cause(&full), None),
        };
        let reason = crate::safety::sanitize(&reason);
        // The code and AWS's message, as the screen shows them; never the request.
        tracing::warn!(operation, kind = ?kind, reason = %reason, "AWS call failed");
        AwsError {
            operation,
            kind,
            reason,
            hint,
        }
    }
}

/// The innermost cause in the SDK's `a: b: c (DebugDump)` chain is the one a person needs.
fn last_cause(full: &str) -> String {
    let chain = [
        "DispatchFailure(",
        "ServiceError(",
        "TimeoutError(",
        "ResponseError(",
        "ConstructionFailure(",
    ]
    .iter()
    .filter_map(|marker| full.find(&format!(" ({marker}")))
    .min()
    .map_or(full, |i| &full[..i]);
    chain
        .rsplit(": ")
        .next()
        .unwrap_or(chain)
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn last_cause_drops_debug_dump() {
        let full = "dispatch failure: io error: client error (Connect): tcp connect error: Connection refused (os error 111) (DispatchFailure(DispatchFailure { source: x }))";
        assert_eq!(super::last_cause(full), "Connection refused (os error 111)");
        assert_eq!(super::last_cause("plain"), "plain");
    }
}
