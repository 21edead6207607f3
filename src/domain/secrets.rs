//! Where a task definition's `secrets` point, and what SSM says about them. Values are
//! never fetched: toadtop only asks whether a parameter exists (DescribeParameters).

use super::TaskDefinition;
use crate::timefmt::Timestamp;

/// Where one `secrets[].valueFrom` points, parsed without any AWS call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretTarget {
    /// SSM Parameter Store, by bare name (the task's own region and account) or by ARN.
    Ssm {
        name: String,
        region: Option<String>,
        account: Option<String>,
    },
    /// Secrets Manager; `arn` is the secret's own ARN, without the optional
    /// `:json-key:version-stage:version-id` that ECS reads after it.
    SecretsManager {
        arn: String,
        json_key: Option<String>,
        version_stage: Option<String>,
        version_id: Option<String>,
    },
    /// An ARN of some other service (ECS refuses these at task start).
    Other,
}

/// Parses a `valueFrom`:
/// - `APP_KEY`, `/laravel/prod/APP_KEY`: an SSM parameter name;
/// - `arn:aws:ssm:REGION:ACCOUNT:parameter/laravel/prod/APP_KEY`: the name is
///   `/laravel/prod/APP_KEY` (a hierarchical name keeps the slash after `parameter`),
///   while `...:parameter/APP_KEY` names `APP_KEY`;
/// - `arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-AbCdEf[:json-key:stage:id]`.
pub fn parse_value_from(value_from: &str) -> SecretTarget {
    let Some(rest) = value_from.strip_prefix("arn:") else {
        return SecretTarget::Ssm {
            name: value_from.to_string(),
            region: None,
            account: None,
        };
    };
    // partition:service:region:account:resource (the resource may hold more colons).
    let parts: Vec<&str> = rest.splitn(5, ':').collect();
    let [_partition, service, region, account, resource] = parts[..] else {
        return SecretTarget::Other;
    };
    let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
    match service {
        "ssm" => {
            let Some(path) = resource.strip_prefix("parameter/") else {
                return SecretTarget::Other;
            };
            if path.is_empty() {
                return SecretTarget::Other;
            }
            let name = if path.contains('/') {
                format!("/{path}")
            } else {
                path.to_string()
            };
            SecretTarget::Ssm {
                name,
                region: some(region),
                account: some(account),
            }
        }
        "secretsmanager" => {
            // Secret names cannot hold colons, so after `secret:NAME` come only the suffixes.
            let mut fields = resource.split(':');
            let (Some("secret"), Some(name)) = (fields.next(), fields.next()) else {
                return SecretTarget::Other;
            };
            if name.is_empty() {
                return SecretTarget::Other;
            }
            // `resource` ends `value_from`, so the secret's ARN is everything up to NAME.
            let end = value_from.len() - resource.len() + "secret:".len() + name.len();
            let arn = value_from[..end].to_string();
            let mut suffix = || fields.next().and_then(some);
            SecretTarget::SecretsManager {
                arn,
                json_key: suffix(),
                version_stage: suffix(),
                version_id: suffix(),
            }
        }
        _ => SecretTarget::Other,
    }
}

/// What the API said about an SSM parameter (DescribeParameters: metadata, no value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParameterMeta {
    pub name: String,
    /// String, StringList or SecureString.
    pub param_type: String,
    pub version: i64,
    pub last_modified: Option<Timestamp>,
}

/// The answer for one parameter: metadata, `None` when it does not exist, or the error
/// (naming the call) when it could not be asked.
pub type ParameterLookup = Result<Option<ParameterMeta>, String>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretSource {
    Ssm,
    SecretsManager,
    Unknown,
}

impl SecretSource {
    pub fn as_str(self) -> &'static str {
        match self {
            SecretSource::Ssm => "ssm",
            SecretSource::SecretsManager => "secretsmanager",
            SecretSource::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretState {
    Exists,
    /// Tasks started now fail: ResourceInitializationError, unable to pull secrets.
    Missing,
    /// Deliberately not looked up, and why.
    NotChecked(String),
    /// The lookup failed; the text names the call.
    Unknown(String),
}

impl SecretState {
    pub fn as_str(&self) -> &'static str {
        match self {
            SecretState::Exists => "exists",
            SecretState::Missing => "missing",
            SecretState::NotChecked(_) => "not checked",
            SecretState::Unknown(_) => "unknown",
        }
    }

    /// `Some` only when SSM answered.
    pub fn exists(&self) -> Option<bool> {
        match self {
            SecretState::Exists => Some(true),
            SecretState::Missing => Some(false),
            SecretState::NotChecked(_) | SecretState::Unknown(_) => None,
        }
    }

    /// Why it was not checked, or the error.
    pub fn note(&self) -> Option<&str> {
        match self {
            SecretState::NotChecked(n) | SecretState::Unknown(n) => Some(n),
            SecretState::Exists | SecretState::Missing => None,
        }
    }
}

/// One `secrets` entry of a service's running task definition and what is known about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretHealth {
    pub container: String,
    /// The environment variable the container gets.
    pub name: String,
    pub value_from: String,
    /// The SSM parameter name, or the secret's ARN (without json-key/version suffixes).
    pub parameter: String,
    pub source: SecretSource,
    pub state: SecretState,
    pub param_type: Option<String>,
    pub version: Option<i64>,
    pub last_modified: Option<Timestamp>,
}

/// What to do about one entry: ask SSM in `region` for `name`, or report it unchecked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretCheck {
    Describe { region: String, name: String },
    NotChecked(String),
}

/// `arn:aws:ecs:REGION:ACCOUNT:...` -> ACCOUNT.
fn arn_account(arn: &str) -> Option<&str> {
    arn.split(':').nth(4).filter(|a| !a.is_empty())
}

/// How to check `target` for a task definition whose ARN is `td_arn`; `home_region` is
/// where bare names live (ECS resolves them in the task's region).
pub fn check_for(target: &SecretTarget, td_arn: &str, home_region: &str) -> SecretCheck {
    match target {
        SecretTarget::Ssm {
            name,
            region,
            account,
        } => {
            let home_account = arn_account(td_arn);
            match (account, home_account) {
                // DescribeParameters lists the caller's own parameters; another account's
                // (shared) parameter would look missing.
                (Some(a), Some(h)) if a != h => SecretCheck::NotChecked(format!(
                    "parameter of account {a}: shared parameters are not checked"
                )),
                _ => SecretCheck::Describe {
                    region: region.clone().unwrap_or_else(|| home_region.to_string()),
                    name: name.clone(),
                },
            }
        }
        SecretTarget::SecretsManager { .. } => {
            SecretCheck::NotChecked("Secrets Manager: existence not checked".into())
        }
        SecretTarget::Other => {
            SecretCheck::NotChecked("not an SSM parameter or Secrets Manager secret".into())
        }
    }
}

/// Every entry of `td`, joined with the SSM answers `lookup(region, name)` gives; an entry
/// whose answer is absent is `Unknown` ("not looked up").
pub fn secret_health<'a>(
    td: &TaskDefinition,
    home_region: &str,
    lookup: impl Fn(&str, &str) -> Option<&'a ParameterLookup>,
) -> Vec<SecretHealth> {
    let mut out = Vec::new();
    for c in &td.containers {
        for s in &c.secrets {
            let target = parse_value_from(&s.value_from);
            let (parameter, source) = match &target {
                SecretTarget::Ssm { name, .. } => (name.clone(), SecretSource::Ssm),
                SecretTarget::SecretsManager { arn, .. } => {
                    (arn.clone(), SecretSource::SecretsManager)
                }
                SecretTarget::Other => (s.value_from.clone(), SecretSource::Unknown),
            };
            let mut health = SecretHealth {
                container: c.name.clone(),
                name: s.name.clone(),
                value_from: s.value_from.clone(),
                parameter,
                source,
                state: SecretState::Unknown("not looked up".into()),
                param_type: None,
                version: None,
                last_modified: None,
            };
            match check_for(&target, &td.arn, home_region) {
                SecretCheck::NotChecked(why) => health.state = SecretState::NotChecked(why),
                SecretCheck::Describe { region, name } => match lookup(&region, &name) {
                    Some(Ok(Some(meta))) => {
                        health.state = SecretState::Exists;
                        health.param_type = Some(meta.param_type.clone());
                        health.version = Some(meta.version);
                        health.last_modified = meta.last_modified;
                    }
                    Some(Ok(None)) => health.state = SecretState::Missing,
                    Some(Err(e)) => health.state = SecretState::Unknown(e.clone()),
                    None => {}
                },
            }
            out.push(health);
        }
    }
    out
}

/// SSM treats `/name` and `name` of a top-level parameter as one in its Name filter
/// (moto does too): the form results are matched on.
pub fn parameter_key(name: &str) -> String {
    format!("/{}", name.trim_start_matches('/'))
}

#[cfg(test)]
#[path = "secrets_tests.rs"]
mod tests;
