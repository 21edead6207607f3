//! Revisions of a task-definition family, for `:taskdefs` and its diff.

use std::collections::{BTreeSet, HashMap};

use aws_sdk_ecs as ecs;

use super::{AwsContext, AwsError};
use crate::domain::{family_and_revision, TaskDefinition};

/// Revisions listed at most: a family with years of deploys has hundreds, and the
/// ones worth comparing are recent.
pub const MAX_REVISIONS: usize = 100;

/// Pages through the ACTIVE revisions whose family starts with `family`, newest first
/// (as AWS sorts them), until `enough` says so.
async fn pages(
    ctx: &AwsContext,
    family: &str,
    mut enough: impl FnMut(&[String]) -> bool,
) -> Result<(), AwsError> {
    let mut token = None;
    let mut pages = super::pages::Pages::new("ListTaskDefinitions");
    loop {
        ctx.ecs_call("ListTaskDefinitions").await;
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
        token = pages.next(out.next_token())?;
        if enough(out.task_definition_arns()) || token.is_none() {
            return Ok(());
        }
    }
}

/// ARNs of a family's ACTIVE revisions, newest first.
pub async fn list_revisions(ctx: &AwsContext, family: &str) -> Result<Vec<String>, AwsError> {
    let mut arns = Vec::new();
    pages(ctx, family, |page| {
        arns.extend(page.iter().cloned());
        arns.len() >= MAX_REVISIONS * 2
    })
    .await?;
    Ok(newest_first(family, arns))
}

/// The newest ACTIVE revision of `family` older than `revision` (what a rollback goes to).
pub async fn previous_revision(
    ctx: &AwsContext,
    family: &str,
    revision: i32,
) -> Result<Option<String>, AwsError> {
    let mut hit = None;
    pages(ctx, family, |page| {
        // familyPrefix is a prefix: `laravel-web` also lists `laravel-web-staging`.
        hit = page
            .iter()
            .find(|arn| family_and_revision(arn).is_some_and(|(f, r)| f == family && r < revision))
            .cloned();
        hit.is_some()
    })
    .await?;
    Ok(hit)
}

/// Keeps the family's own revisions (the prefix `laravel-web` also lists
/// `laravel-web-staging`), newest first whatever order the API used.
pub fn newest_first(family: &str, arns: Vec<String>) -> Vec<String> {
    let mut revs: Vec<(i32, String)> = arns
        .into_iter()
        .filter_map(|arn| {
            let (f, r) = family_and_revision(&arn)?;
            (f == family).then_some((r, arn))
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
