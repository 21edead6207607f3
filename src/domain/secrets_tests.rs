//! valueFrom parsing and joining a task definition's secrets with SSM's answers.

use std::collections::HashMap;

use super::*;
use crate::domain::SecretRef;

fn ssm(name: &str, region: Option<&str>, account: Option<&str>) -> SecretTarget {
    SecretTarget::Ssm {
        name: name.into(),
        region: region.map(Into::into),
        account: account.map(Into::into),
    }
}

#[test]
fn bare_names_are_ssm_parameters_of_the_task_region() {
    assert_eq!(parse_value_from("APP_KEY"), ssm("APP_KEY", None, None));
    assert_eq!(
        parse_value_from("/laravel/prod/APP_KEY"),
        ssm("/laravel/prod/APP_KEY", None, None)
    );
}

#[test]
fn ssm_arns_keep_the_leading_slash_of_hierarchical_names() {
    assert_eq!(
        parse_value_from("arn:aws:ssm:eu-west-1:123456789012:parameter/laravel/prod/APP_KEY"),
        ssm(
            "/laravel/prod/APP_KEY",
            Some("eu-west-1"),
            Some("123456789012")
        )
    );
    // A top-level name has no slash of its own: `parameter/APP_KEY` is `APP_KEY`.
    assert_eq!(
        parse_value_from("arn:aws:ssm:us-east-1:123456789012:parameter/APP_KEY"),
        ssm("APP_KEY", Some("us-east-1"), Some("123456789012"))
    );
    // Other partitions read the same.
    assert_eq!(
        parse_value_from("arn:aws-cn:ssm:cn-north-1:1:parameter/a/b"),
        ssm("/a/b", Some("cn-north-1"), Some("1"))
    );
}

#[test]
fn secrets_manager_arns_drop_the_json_key_and_version_suffixes() {
    let base = "arn:aws:secretsmanager:us-east-1:123456789012:secret:laravel/prod/db-AbCdEf";
    assert_eq!(
        parse_value_from(base),
        SecretTarget::SecretsManager {
            arn: base.into(),
            json_key: None,
            version_stage: None,
            version_id: None,
        }
    );
    assert_eq!(
        parse_value_from(&format!("{base}:password::")),
        SecretTarget::SecretsManager {
            arn: base.into(),
            json_key: Some("password".into()),
            version_stage: None,
            version_id: None,
        }
    );
    assert_eq!(
        parse_value_from(&format!("{base}::AWSPREVIOUS:")),
        SecretTarget::SecretsManager {
            arn: base.into(),
            json_key: None,
            version_stage: Some("AWSPREVIOUS".into()),
            version_id: None,
        }
    );
    assert_eq!(
        parse_value_from(&format!("{base}:password:AWSCURRENT:0123-abcd")),
        SecretTarget::SecretsManager {
            arn: base.into(),
            json_key: Some("password".into()),
            version_stage: Some("AWSCURRENT".into()),
            version_id: Some("0123-abcd".into()),
        }
    );
}

#[test]
fn other_and_malformed_arns_are_other() {
    for v in [
        "arn:aws:s3:::bucket/key",
        "arn:aws:ssm:us-east-1:1:document/x",
        "arn:aws:ssm:us-east-1:1:parameter/",
        "arn:aws:secretsmanager:us-east-1:1:secret:",
        "arn:aws:secretsmanager:us-east-1:1:other:x",
        "arn:aws:ssm",
    ] {
        assert_eq!(parse_value_from(v), SecretTarget::Other, "{v}");
    }
}

const TD_ARN: &str = "arn:aws:ecs:us-east-1:123456789012:task-definition/laravel-web:2";

#[test]
fn checks_go_to_the_arn_region_and_skip_other_accounts() {
    let check = |v: &str| check_for(&parse_value_from(v), TD_ARN, "us-east-1");
    assert_eq!(
        check("/laravel/prod/DB_PASSWORD"),
        SecretCheck::Describe {
            region: "us-east-1".into(),
            name: "/laravel/prod/DB_PASSWORD".into()
        }
    );
    assert_eq!(
        check("arn:aws:ssm:eu-west-1:123456789012:parameter/laravel/prod/X"),
        SecretCheck::Describe {
            region: "eu-west-1".into(),
            name: "/laravel/prod/X".into()
        }
    );
    let SecretCheck::NotChecked(why) = check("arn:aws:ssm:us-east-1:999999999999:parameter/x")
    else {
        panic!("another account's parameter was checked");
    };
    assert!(why.contains("999999999999"), "{why}");
    let SecretCheck::NotChecked(why) =
        check("arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf")
    else {
        panic!("a Secrets Manager secret was checked");
    };
    assert!(why.contains("not checked"), "{why}");
}

fn td(secrets: &[(&str, &str, &str)]) -> TaskDefinition {
    let mut td = crate::fixtures::web_task_definition(2);
    for c in &mut td.containers {
        c.secrets = secrets
            .iter()
            .filter(|(container, _, _)| *container == c.name)
            .map(|(_, name, value_from)| SecretRef {
                name: (*name).into(),
                value_from: (*value_from).into(),
            })
            .collect();
    }
    td
}

#[test]
fn health_joins_entries_with_the_answers() {
    let td = td(&[
        ("php", "DB_PASSWORD", "/laravel/production/DB_PASSWORD"),
        (
            "php",
            "APP_KEY",
            "arn:aws:ssm:us-east-1:123456789012:parameter/laravel/production/APP_KEY",
        ),
        (
            "php",
            "STRIPE",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:stripe-AbCdEf:key::",
        ),
        ("nginx", "TLS_KEY", "tls-key"),
        (
            "nginx",
            "DENIED",
            "arn:aws:ssm:eu-west-1:123456789012:parameter/denied",
        ),
    ]);
    let meta = ParameterMeta {
        name: "/laravel/production/DB_PASSWORD".into(),
        param_type: "SecureString".into(),
        version: 3,
        last_modified: Some(Timestamp(1_000)),
    };
    let answers: HashMap<(String, String), ParameterLookup> = HashMap::from([
        (
            ("us-east-1".into(), "/laravel/production/DB_PASSWORD".into()),
            Ok(Some(meta)),
        ),
        (
            ("us-east-1".into(), "/laravel/production/APP_KEY".into()),
            Ok(None),
        ),
        (
            ("eu-west-1".into(), "denied".into()),
            Err("DescribeParameters failed: AccessDeniedException".into()),
        ),
    ]);
    let rows = secret_health(&td, "us-east-1", |region, name| {
        answers.get(&(region.to_string(), name.to_string()))
    });
    let summary: Vec<(&str, &str, &str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r.container.as_str(),
                r.name.as_str(),
                r.source.as_str(),
                r.state.as_str(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("php", "DB_PASSWORD", "ssm", "exists"),
            ("php", "APP_KEY", "ssm", "missing"),
            ("php", "STRIPE", "secretsmanager", "not checked"),
            ("nginx", "TLS_KEY", "ssm", "unknown"),
            ("nginx", "DENIED", "ssm", "unknown"),
        ]
    );
    assert_eq!(rows[0].param_type.as_deref(), Some("SecureString"));
    assert_eq!(rows[0].version, Some(3));
    assert_eq!(rows[0].last_modified, Some(Timestamp(1_000)));
    assert_eq!(rows[0].state.exists(), Some(true));
    assert_eq!(rows[1].state.exists(), Some(false));
    assert_eq!(rows[1].parameter, "/laravel/production/APP_KEY");
    assert_eq!(rows[1].param_type, None);
    assert_eq!(
        rows[2].parameter,
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:stripe-AbCdEf"
    );
    assert_eq!(rows[2].state.exists(), None);
    assert_eq!(rows[3].state.note(), Some("not looked up"));
    assert!(rows[4]
        .state
        .note()
        .is_some_and(|n| n.contains("DescribeParameters")));
}

#[test]
fn parameter_keys_ignore_one_leading_slash() {
    assert_eq!(parameter_key("APP_KEY"), "/APP_KEY");
    assert_eq!(parameter_key("/APP_KEY"), "/APP_KEY");
    assert_eq!(parameter_key("/a/b"), "/a/b");
}
