//! Revisions of a task-definition family, for `:taskdefs` and its diff.

use std::collections::{BTreeSet, HashMap};

use aws_sdk_ecs as ecs;

use super::{AwsContext, AwsError};
use crate::domain::TaskDefinition;

/// Revisions listed at most: a family with years of deploys has hundreds, and the
/// ones worth comparing are recent.
pub const MAX_REVISIONS: usize = 100;

/// ARNs of a family's ACTIVE revisions, newest first.
pub async fn list_revisions(ctx: &AwsContext, family: &str) -> Result<Vec<String>, AwsError> {
    let mut arns = Vec::new();
    let mut token = None;
    loop {
        ctx.stats.record("ListTaskDefinitions");
        let out = ctx
            .ecs
            .list_task_definitions()
            .family_prefix(family)
            .status(ecs::types::TaskDefinitionStatus::Active)
            .sort(ecs::types::SortOrder::Desc)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("ListTaskDefinitions", e))?;
        arns.extend(out.task_definition_arns().iter().cloned());
        token = out.next_token().map(str::to_string);
        if token.is_none() || arns.len() >= MAX_REVISIONS * 2 {
            break;
        }
    }
    Ok(newest_first(family, arns))
}

/// Keeps the family's own revisions (the prefix `laravel-web` also lists
/// `laravel-web-staging`), newest first whatever order the API used.
pub fn newest_first(family: &str, arns: Vec<String>) -> Vec<String> {
    let mut revs: Vec<(i32, String)> = arns
        .into_iter()
        .filter_map(|arn| {
            let fr = crate::domain::family_revision(&arn);
            let (f, r) = fr.rsplit_once(':')?;
            (f == family).then_some((r.parse().ok()?, arn))
        })
        .collect();
    revs.sort_by_key(|r| std::cmp::Reverse(r.0));
    revs.dedup_by(|a, b| a.0 == b.0);
    revs.into_iter()
        .take(MAX_REVISIONS)
        .map(|(_, arn)| arn)
        .collect()
}

/// Describes revisions through the process-wide cache (a revision never changes).
pub async fn describe(
    ctx: &AwsContext,
    arns: &[String],
) -> Result<HashMap<String, TaskDefinition>, AwsError> {
    let set: BTreeSet<String> = arns.iter().cloned().collect();
    super::ecs::describe_task_definitions(ctx, set).await
}

#[cfg(test)]
mod tests {
    use super::newest_first;

    #[test]
    fn keeps_the_family_newest_first() {
        let arn = |fr: &str| format!("arn:aws:ecs:us-east-1:1:task-definition/{fr}");
        let got = newest_first(
            "laravel-web",
            vec![
                arn("laravel-web:2"),
                arn("laravel-web-staging:9"),
                arn("laravel-web:10"),
                arn("laravel-web:9"),
            ],
        );
        assert_eq!(
            got,
            [
                arn("laravel-web:10"),
                arn("laravel-web:9"),
                arn("laravel-web:2")
            ]
        );
    }
}
