//! The image swap, decided before anything is called: which containers change, and the
//! preview an operator confirms.

use crate::domain::{family_revision, TaskDefinition};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageChange {
    pub container: String,
    pub from: String,
    pub to: String,
}

/// Validates `wanted` (container, new image) against the revision the service runs.
pub fn plan_swap(
    td: &TaskDefinition,
    wanted: &[(String, String)],
) -> Result<Vec<ImageChange>, String> {
    let mut changes = Vec::new();
    for (container, image) in wanted {
        // ECS names every container; an empty name would match a definition without one,
        // which the register copy could not address.
        let found = (!container.is_empty())
            .then(|| td.container(container))
            .flatten();
        let Some(c) = found else {
            let names: Vec<&str> = td.containers.iter().map(|c| c.name.as_str()).collect();
            return Err(format!(
                "{} has no container `{container}` (containers: {})",
                family_revision(&td.arn),
                names.join(", ")
            ));
        };
        let image = image.trim();
        // `:v1.6.0` means the same repository with another tag.
        let image = match image.strip_prefix(':') {
            Some(tag) => format!("{}:{tag}", repository_of(&c.image)),
            None => image.to_string(),
        };
        let image = image.as_str();
        if image.is_empty()
            || image
                .chars()
                .any(|ch| ch.is_whitespace() || ch.is_control())
        {
            return Err(format!("`{image}` is not an image reference"));
        }
        if changes
            .iter()
            .any(|x: &ImageChange| x.container == *container)
        {
            return Err(format!("container `{container}` is given twice"));
        }
        if c.image != image {
            changes.push(ImageChange {
                container: container.clone(),
                from: c.image.clone(),
                to: image.to_string(),
            });
        }
    }
    if changes.is_empty() {
        return Err("nothing to deploy: the service already runs these images".into());
    }
    Ok(changes)
}

/// `host/repo:tag` or `host/repo@digest` -> `host/repo`.
fn repository_of(image: &str) -> &str {
    if let Some((repo, _)) = image.split_once('@') {
        return repo;
    }
    match image.rfind(':') {
        Some(i) if !image[i..].contains('/') => &image[..i],
        _ => image,
    }
}

/// A diff of the register input: everything is copied, only these lines differ.
pub fn preview(td: &TaskDefinition, changes: &[ImageChange]) -> Vec<String> {
    let mut out = vec![format!(
        "task definition {} → a new revision of {} (a copy: roles, cpu/memory, volumes, mounts, secrets, logging, tags unchanged)",
        family_revision(&td.arn),
        td.family,
    )];
    for c in &td.containers {
        match changes.iter().find(|x| x.container == c.name) {
            Some(x) => {
                out.push(format!("  container {}:", c.name));
                out.push(format!("-   image: {}", x.from));
                out.push(format!("+   image: {}", x.to));
            }
            None => out.push(format!(
                "  container {}: image {} (unchanged)",
                c.name, c.image
            )),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;

    fn td() -> TaskDefinition {
        fixtures::web_task_definition(2)
    }

    #[test]
    fn swaps_only_what_changes() {
        let new = "123456789012.dkr.ecr.us-east-1.amazonaws.com/laravel-app:v1.6.0";
        let changes = plan_swap(
            &td(),
            &[
                ("php".into(), new.into()),
                ("nginx".into(), "nginx:stable-alpine".into()),
            ],
        )
        .unwrap();
        assert_eq!(changes.len(), 1, "nginx keeps its image");
        assert_eq!(changes[0].to, new);
        let p = preview(&td(), &changes);
        assert!(p.iter().any(|l| l == &format!("+   image: {new}")));
        assert!(p
            .iter()
            .any(|l| l.starts_with("-   image: ") && l.ends_with(":v1.5.0")));
        assert_eq!(
            p.iter()
                .filter(|l| l.starts_with('+') || l.starts_with('-'))
                .count(),
            2
        );
    }

    #[test]
    fn a_bare_tag_keeps_the_repository() {
        let changes = plan_swap(&td(), &[("php".into(), ":v1.6.0".into())]).unwrap();
        assert_eq!(
            changes[0].to,
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/laravel-app:v1.6.0"
        );
        let changes = plan_swap(&td(), &[("nginx".into(), ":1.27-alpine".into())]).unwrap();
        assert_eq!(changes[0].to, "nginx:1.27-alpine");
        assert_eq!(repository_of("localhost:5000/app"), "localhost:5000/app");
    }

    #[test]
    fn refuses_bad_requests() {
        let e = plan_swap(&td(), &[("queue".into(), "x:1".into())]).unwrap_err();
        assert!(
            e.contains("no container `queue`") && e.contains("php, nginx"),
            "{e}"
        );
        let same = td().containers[0].image.clone();
        assert!(plan_swap(&td(), &[("php".into(), same)])
            .unwrap_err()
            .contains("nothing to deploy"));
        assert!(plan_swap(&td(), &[("php".into(), "bad image".into())]).is_err());
        assert!(plan_swap(
            &td(),
            &[("php".into(), "a:1".into()), ("php".into(), "a:2".into())]
        )
        .is_err());
    }
}
