//! What differs between two task-definition revisions, field by field, for `:taskdefs`.
//! Environment values whose names look secret, URL credentials and secret-looking
//! command flags are masked on both sides.

use std::collections::BTreeMap;

use crate::domain::{ContainerDefinition, TaskDefinition};
use crate::safety::{mask_command, mask_env};

/// One field that differs; `None` on a side where the field does not exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Changes from `before` to `after`, task-level fields first, then each container's.
pub fn diff(before: &TaskDefinition, after: &TaskDefinition) -> Vec<Change> {
    let (a, b) = (fields(before), fields(after));
    let mut keys: Vec<&(u8, String)> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| {
            let (before, after) = (a.get(k), b.get(k));
            // Values compared raw, shown masked: a rotated APP_KEY is a visible change.
            let show = |v: Option<&Field>, changed: &str| {
                v.map(|f| match &f.masked {
                    Some(m) => format!("{m}{changed}"),
                    None => f.raw.clone(),
                })
            };
            let changed = if before.is_some() && after.is_some() {
                " (changed)"
            } else {
                ""
            };
            Change {
                field: k.1.clone(),
                before: show(before, ""),
                after: show(after, changed),
            }
        })
        .collect()
}

/// A field's value, and what to show instead when it looks secret.
#[derive(Debug, PartialEq, Eq)]
struct Field {
    raw: String,
    masked: Option<String>,
}

impl From<String> for Field {
    fn from(raw: String) -> Self {
        Field { raw, masked: None }
    }
}

/// Every compared field as `(group, name) -> value`; group 0 is the task, 1 containers.
fn fields(td: &TaskDefinition) -> BTreeMap<(u8, String), Field> {
    let mut out = BTreeMap::new();
    let mut task = |name: &str, value: Option<&String>| {
        if let Some(v) = value {
            out.insert((0, name.to_string()), v.clone().into());
        }
    };
    task("cpu", td.cpu.as_ref());
    task("memory", td.memory.as_ref());
    task("network mode", td.network_mode.as_ref());
    task("task role", td.task_role_arn.as_ref());
    task("execution role", td.execution_role_arn.as_ref());
    for v in &td.volumes {
        out.insert((0, format!("volume {}", v.name)), v.kind.clone().into());
    }
    for c in &td.containers {
        container_fields(c, &mut out);
    }
    out
}

fn container_fields(c: &ContainerDefinition, out: &mut BTreeMap<(u8, String), Field>) {
    let mut put_field = |name: &str, value: Field| {
        out.insert((1, format!("{}: {name}", c.name)), value);
    };
    let mut put = |name: &str, value: String| put_field(name, value.into());
    put("image", c.image.clone());
    put("cpu", c.cpu.to_string());
    if let Some(m) = c.memory {
        put("memory", m.to_string());
    }
    put("essential", c.essential.to_string());
    put("read-only root", c.read_only_root.to_string());
    put("init process", c.init_process_enabled.to_string());
    if !c.ports.is_empty() {
        let ports: Vec<String> = c.ports.iter().map(i32::to_string).collect();
        put("ports", ports.join(","));
    }
    if let Some(l) = &c.awslogs {
        put("log group", l.group.clone());
    }
    for m in &c.mount_points {
        put(
            &format!("mount {}", m.container_path),
            format!(
                "{}{}",
                m.source_volume,
                if m.read_only { " (ro)" } else { "" }
            ),
        );
    }
    for s in &c.secrets {
        put(&format!("secret {}", s.name), s.value_from.clone());
    }
    // After the last `put`: a BTreeMap, so the order of inserts does not matter.
    if !c.command.is_empty() {
        let raw = c.command.join(" ");
        let masked = mask_command(&c.command).join(" ");
        let masked = (masked != raw).then_some(masked);
        put_field("command", Field { raw, masked });
    }
    for (k, v) in &c.environment {
        let masked = mask_env(k, v);
        let masked = (masked != *v).then_some(masked);
        put_field(
            &format!("env {k}"),
            Field {
                raw: v.clone(),
                masked,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::SecretRef;

    fn base() -> TaskDefinition {
        crate::fixtures::web_task_definition(7)
    }

    #[test]
    fn the_same_revision_has_no_changes() {
        assert!(diff(&base(), &base()).is_empty());
    }

    #[test]
    fn image_env_and_secret_changes_are_listed_masked() {
        let before = base();
        let mut after = base();
        after.revision = 8;
        let php = after
            .containers
            .iter_mut()
            .find(|c| c.name == "php")
            .expect("php container");
        php.image = "1.dkr.ecr.us-east-1.amazonaws.com/laravel:v2".into();
        let key = php
            .environment
            .iter_mut()
            .find(|(k, _)| k == "APP_KEY")
            .expect("APP_KEY in the fixture");
        key.1 = "base64:new".into();
        php.environment.push(("LOG_LEVEL".into(), "debug".into()));
        php.secrets.push(SecretRef {
            name: "STRIPE_SECRET".into(),
            value_from: "/laravel/prod/STRIPE_SECRET".into(),
        });
        after.memory = Some("4096".into());
        let changes = diff(&before, &after);
        let find = |f: &str| changes.iter().find(|c| c.field == f);
        assert_eq!(
            find("php: image").and_then(|c| c.after.as_deref()),
            Some("1.dkr.ecr.us-east-1.amazonaws.com/laravel:v2")
        );
        assert_eq!(
            find("memory").and_then(|c| c.after.as_deref()),
            Some("4096")
        );
        let log = find("php: env LOG_LEVEL").expect("new env var");
        assert_eq!(
            (log.before.as_deref(), log.after.as_deref()),
            (None, Some("debug"))
        );
        assert_eq!(
            find("php: secret STRIPE_SECRET").and_then(|c| c.after.as_deref()),
            Some("/laravel/prod/STRIPE_SECRET")
        );
        // The secret-looking value never appears, only that it changed.
        let key = find("php: env APP_KEY").expect("rotated key is a change");
        assert_eq!(key.after.as_deref(), Some("•••••• (changed)"));
        let rendered = format!("{changes:?}");
        assert!(!rendered.contains("base64:"), "{rendered}");
        // A URL's password and a command's secret flag are masked too, whatever the name.
        let php = after
            .containers
            .iter_mut()
            .find(|c| c.name == "php")
            .unwrap();
        php.environment
            .push(("DATABASE_URL".into(), "mysql://app:pw-in-url@db/app".into()));
        php.command = vec![
            "php".into(),
            "artisan".into(),
            "--password=pw-in-flag".into(),
        ];
        let more = diff(&before, &after);
        let rendered = format!("{more:?}");
        assert!(!rendered.contains("pw-in-"), "{rendered}");
        assert!(rendered.contains("mysql://app:••••••@db/app"), "{rendered}");
        assert!(rendered.contains("--password=••••••"), "{rendered}");
        // Task-level fields come before containers'.
        assert_eq!(changes[0].field, "memory");
        assert_eq!(changes.len(), 5, "{changes:#?}");
    }
}
