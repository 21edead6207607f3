//! AWS failures as one readable line: which call, why, and what to try.

use aws_sdk_ecs::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

use crate::domain::{ErrorKind, Failure};

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
    /// An SSO profile whose token expired (or was never fetched): `aws sso login` fixes it.
    SsoLogin,
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
                    AwsErrorKind::Throttled => {
                        Some("throttled by AWS on every attempt; try again in a minute")
                    }
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
            _ if needs_sso_login(&full) => sso_login(),
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

/// The reason every SSO failure shows as: [`classify`] recognises it by this text (see
/// [`is_sso_login`]), so it appears once as a banner instead of once per call.
pub const SSO_LOGIN_REASON: &str = "SSO session expired or not logged in";

fn sso_login() -> (AwsErrorKind, String, Option<&'static str>) {
    (
        AwsErrorKind::SsoLogin,
        SSO_LOGIN_REASON.to_string(),
        Some("run `aws sso login` for this profile"),
    )
}

/// Whether an error text (from any call) says the endpoint could not be reached or did
/// not answer in time (the reasons `from_sdk` gives those failures).
pub fn is_unreachable(text: &str) -> bool {
    text.contains("failed: cannot reach the endpoint") || text.contains("failed: timed out")
}

/// Whether an error text (from any call) is the SSO one.
pub fn is_sso_login(text: &str) -> bool {
    text.contains(SSO_LOGIN_REASON)
}

/// A failure's text with its kind, for the messages that carry it to `app/`: the SSO
/// one, an endpoint out of reach, or another.
pub fn classify(text: String) -> Failure {
    let kind = if is_sso_login(&text) {
        ErrorKind::SsoLogin
    } else if is_unreachable(&text) {
        ErrorKind::Unreachable
    } else {
        ErrorKind::Other
    };
    Failure::new(text, kind)
}

/// Whether aws-config's error chain says the SSO token is expired or missing. The texts
/// are aws-config 1.x's: the token provider of `sso_session` profiles ("the SSO token has
/// expired…", "failed to load the cached SSO token"), the legacy `sso_start_url` profiles
/// reading `~/.aws/sso/cache/<hash>.json` directly, and SSO's GetRoleCredentials
/// rejecting an expired token ("Session token not found or invalid").
fn needs_sso_login(full: &str) -> bool {
    const MARKERS: [&str; 5] = [
        "SSO token has expired",
        "failed to load the cached SSO token",
        "/sso/cache/",
        "\\sso\\cache\\",
        "Session token not found or invalid",
    ];
    MARKERS.iter().any(|m| full.contains(m))
}

impl AwsError {
    /// A failure to resolve credentials up front (when switching profiles), from
    /// aws-config's error chain.
    pub fn from_credentials(err: &(dyn std::error::Error + 'static)) -> Self {
        // The Display of each cause (DisplayErrorContext would add a Debug dump).
        let causes: Vec<String> = std::iter::successors(Some(err), |e| e.source())
            .map(ToString::to_string)
            .collect();
        let (kind, reason, hint) = if needs_sso_login(&causes.join(": ")) {
            sso_login()
        } else {
            (
                AwsErrorKind::Credentials,
                last_cause(causes.last().map_or("", String::as_str)),
                Some("check the profile in ~/.aws/config and ~/.aws/credentials"),
            )
        };
        AwsError {
            operation: "loading credentials",
            kind,
            reason: crate::safety::sanitize(&reason),
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
    use super::*;

    /// What aws-config 1.13 reports, through a real ListClusters (DisplayErrorContext of
    /// the SdkError), for an `sso_session` profile with an expired token, the same with no
    /// cached token, and a legacy `sso_start_url` profile with no cached token.
    const EXPIRED: &str = "dispatch failure: other: an error occurred while loading credentials: an error occurred while loading credentials: an error occurred while loading an access token: the SSO token has expired and cannot be refreshed (DispatchFailure(DispatchFailure { source: ConnectorError { kind: Other(None), source: ProviderError(ProviderError { source: ProviderError(ProviderError { source: ProviderError(ProviderError { source: ExpiredToken }) }) }), connection: Unknown } }))";
    const NO_TOKEN: &str = "dispatch failure: other: an error occurred while loading credentials: an error occurred while loading credentials: an error occurred while loading an access token: failed to load the cached SSO token (DispatchFailure(DispatchFailure { source: ConnectorError { kind: Other(None), source: ProviderError(ProviderError { source: ProviderError(ProviderError { source: ProviderError(ProviderError { source: FailedToLoadToken { source: IoError { what: \"read\", path: \"/home/op/.aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json\", source: Os { code: 2, kind: NotFound, message: \"No such file or directory\" } } } }) }) }), connection: Unknown } }))";
    const LEGACY_NO_TOKEN: &str = "dispatch failure: other: an error occurred while loading credentials: an error occurred while loading credentials: failed to read `/home/op/.aws/sso/cache/a51746d4aa793ae07b25e90c3a5db96fc7832bd7.json`: No such file or directory (os error 2) (DispatchFailure(DispatchFailure { source: ConnectorError { kind: Other(None), source: ProviderError(ProviderError { source: ProviderError(ProviderError { source: IoError { what: \"read\", path: \"/home/op/.aws/sso/cache/a51746d4aa793ae07b25e90c3a5db96fc7832bd7.json\", source: Os { code: 2, kind: NotFound, message: \"No such file or directory\" } } }) }), connection: Unknown } }))";
    /// The SSO portal's answer to an expired token (aws-cli issue 7340).
    const REJECTED: &str = "an error occurred while loading credentials: service error: unhandled error (UnauthorizedException): Session token not found or invalid";

    #[test]
    fn sso_texts_are_recognised_and_others_are_not() {
        for text in [EXPIRED, NO_TOKEN, LEGACY_NO_TOKEN, REJECTED] {
            assert!(needs_sso_login(text), "{text}");
        }
        for text in [
            "dispatch failure: other: an error occurred while loading credentials: the credentials provider was not enabled: no providers in chain provided credentials",
            "ExpiredTokenException: The security token included in the request is expired",
            "dispatch failure: io error: client error (Connect): tcp connect error: Connection refused (os error 111)",
        ] {
            assert!(!needs_sso_login(text), "{text}");
        }
    }

    #[test]
    fn an_sso_failure_is_one_short_line_that_says_what_to_run() {
        #[derive(Debug)]
        struct Chain(&'static str);
        impl std::fmt::Display for Chain {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.0)
            }
        }
        impl std::error::Error for Chain {}
        let e = AwsError::from_credentials(&Chain(EXPIRED));
        assert_eq!(e.kind, AwsErrorKind::SsoLogin);
        assert_eq!(
            e.to_string(),
            "loading credentials failed: SSO session expired or not logged in (run `aws sso login` for this profile)"
        );
        assert!(is_sso_login(&e.to_string()));
        let e = AwsError::from_credentials(&Chain(
            "an error occurred while loading credentials: profile `x` was not defined",
        ));
        assert_eq!(e.kind, AwsErrorKind::Credentials);
        assert_eq!(e.reason, "profile `x` was not defined");
        assert!(!is_sso_login(&e.to_string()));
    }

    #[test]
    fn classify_gives_the_kind_app_branches_on() {
        let sso = "ListClusters failed: SSO session expired or not logged in (run `aws sso login` for this profile)";
        let refused = "ListClusters failed: cannot reach the endpoint: Connection refused (os error 111) (check the network, region or --endpoint-url)";
        let timeout = "DescribeServices failed: timed out (check the network or --endpoint-url)";
        let denied = "ListClusters failed: AccessDeniedException: not allowed (the role lacks this permission)";
        for (text, kind) in [
            (sso, ErrorKind::SsoLogin),
            (refused, ErrorKind::Unreachable),
            (timeout, ErrorKind::Unreachable),
            (denied, ErrorKind::Other),
        ] {
            assert_eq!(classify(text.into()), Failure::new(text, kind), "{text}");
        }
    }

    #[test]
    fn last_cause_drops_debug_dump() {
        let full = "dispatch failure: io error: client error (Connect): tcp connect error: Connection refused (os error 111) (DispatchFailure(DispatchFailure { source: x }))";
        assert_eq!(super::last_cause(full), "Connection refused (os error 111)");
        assert_eq!(super::last_cause("plain"), "plain");
    }
}
