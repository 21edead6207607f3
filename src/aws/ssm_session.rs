//! SSM StartSession for port forwarding (the session ECS Exec opens comes from
//! ExecuteCommand instead; both end with `ecs_write::terminate_session`).

use std::collections::BTreeMap;

use super::error::{AwsError, AwsErrorKind};
use super::AwsContext;

/// An opened session. `session_json` holds the token: it goes to the plugin's
/// environment and nowhere else.
pub struct SsmSession {
    pub session_id: String,
    pub session_json: String,
}

/// StartSession with a document and its parameters (each a list of strings, as SSM wants).
pub async fn start_session(
    ctx: &AwsContext,
    target: &str,
    document: &str,
    parameters: &BTreeMap<String, Vec<String>>,
) -> Result<SsmSession, AwsError> {
    ctx.stats.record("StartSession");
    let mut req = ctx
        .ssm
        .start_session()
        .target(target)
        .document_name(document);
    for (k, v) in parameters {
        req = req.parameters(k, v.clone());
    }
    let out = req
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("StartSession", e))?;
    let session_id = out
        .session_id()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            AwsError::new(
                "StartSession",
                AwsErrorKind::Service,
                "no session in the answer",
            )
        })?
        .to_string();
    // The shape the AWS CLI hands the plugin for `aws ssm start-session`: the response.
    let session_json = serde_json::json!({
        "SessionId": session_id,
        "TokenValue": out.token_value().unwrap_or_default(),
        "StreamUrl": out.stream_url().unwrap_or_default(),
    })
    .to_string();
    Ok(SsmSession {
        session_id,
        session_json,
    })
}
