//! Rule 6: secrets whose SSM parameter does not exist.

use std::collections::BTreeMap;

use super::alert::{sort, Alert, Level};
use crate::domain::{SecretHealth, SecretState};

/// The sixth signal: secrets whose SSM parameter does not exist, by service of `cluster`.
/// ECS cannot start the service's next task (ResourceInitializationError: unable to pull
/// secrets). Unchecked or unknown ones (Secrets Manager, a failed lookup) are not alerts.
pub fn secret_alerts(
    cluster: &str,
    by_service: &BTreeMap<String, Vec<SecretHealth>>,
) -> Vec<Alert> {
    let mut out: Vec<Alert> = by_service
        .iter()
        .flat_map(|(service, rows)| rows.iter().map(move |r| (service, r)))
        .filter(|(_, r)| r.state == SecretState::Missing)
        .map(|(service, r)| Alert {
            level: Level::Critical,
            kind: "secret",
            cluster: cluster.to_string(),
            service: service.clone(),
            task: None,
            message: format!(
                "{}: secret {} ← SSM parameter {} does not exist; new tasks fail with \
                 ResourceInitializationError (unable to pull secrets)",
                r.container, r.name, r.parameter
            ),
            since: None,
            subject: format!("{}/{}", r.container, r.name),
            cause: Some(format!("secret {}", r.parameter)),
            group: None,
            findings: Vec::new(),
            counts: Vec::new(),
        })
        .collect();
    sort(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(
        container: &str,
        name: &str,
        parameter: &str,
        state: crate::domain::SecretState,
    ) -> SecretHealth {
        let source = if parameter.starts_with("arn:aws:secretsmanager:") {
            crate::domain::SecretSource::SecretsManager
        } else {
            crate::domain::SecretSource::Ssm
        };
        SecretHealth {
            container: container.into(),
            name: name.into(),
            value_from: parameter.into(),
            parameter: parameter.into(),
            source,
            state,
            param_type: None,
            version: None,
            last_modified: None,
        }
    }

    #[test]
    fn a_missing_secret_parameter_is_critical_and_names_service_container_and_parameter() {
        use crate::domain::SecretState::*;
        let secrets = BTreeMap::from([
            (
                "web".to_string(),
                vec![secret(
                    "php",
                    "DB_PASSWORD",
                    "/laravel/production/DB_PASSWORD",
                    Exists,
                )],
            ),
            (
                "worker".to_string(),
                vec![
                    secret(
                        "php",
                        "DB_PASSWORD",
                        "/laravel/production/DB_PASSWORD",
                        Exists,
                    ),
                    secret(
                        "php",
                        "HORIZON_KEY",
                        "/laravel/production/HORIZON_KEY",
                        Missing,
                    ),
                ],
            ),
        ]);
        let alerts = secret_alerts("production", &secrets);
        assert_eq!(alerts.len(), 1, "{alerts:#?}");
        let a = &alerts[0];
        assert_eq!(a.level, Level::Critical);
        assert_eq!(a.kind, "secret");
        assert_eq!(
            (a.cluster.as_str(), a.service.as_str()),
            ("production", "worker")
        );
        assert_eq!(a.task, None);
        for want in [
            "php",
            "HORIZON_KEY",
            "/laravel/production/HORIZON_KEY",
            "unable to pull secrets",
        ] {
            assert!(a.message.contains(want), "{want} missing: {}", a.message);
        }
    }

    #[test]
    fn unchecked_or_unknown_secrets_do_not_alert() {
        use crate::domain::SecretState::*;
        let secrets = BTreeMap::from([(
            "web".to_string(),
            vec![
                secret(
                    "php",
                    "STRIPE",
                    "arn:aws:secretsmanager:us-east-1:1:secret:stripe-AbCdEf",
                    NotChecked("Secrets Manager: existence not checked".into()),
                ),
                secret(
                    "php",
                    "DB_PASSWORD",
                    "/laravel/production/DB_PASSWORD",
                    Unknown("DescribeParameters failed: AccessDeniedException".into()),
                ),
            ],
        )]);
        assert_eq!(secret_alerts("production", &secrets), vec![]);
        assert_eq!(secret_alerts("production", &BTreeMap::new()), vec![]);
    }
}
