//! ECR reads for the deploy picker: a repository's images, newest first.

use std::collections::BTreeMap;

use aws_sdk_ecr::types::TagStatus;

use super::{AwsContext, AwsError};
use crate::timefmt::Timestamp;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcrImage {
    pub tags: Vec<String>,
    pub digest: String,
    pub pushed_at: Option<Timestamp>,
    /// From the last scan summary: CRITICAL, HIGH, ... -> count.
    pub severity_counts: BTreeMap<String, i32>,
    pub scan_status: Option<String>,
}

/// Tagged images of `repository` in `registry_id`, newest push first (all pages).
pub async fn list_images(
    ctx: &AwsContext,
    registry_id: &str,
    repository: &str,
) -> Result<Vec<EcrImage>, AwsError> {
    let mut images = Vec::new();
    let mut token = None;
    let mut pages = super::pages::Pages::new("DescribeImages");
    loop {
        ctx.stats.record("DescribeImages");
        let out = ctx
            .ecr
            .describe_images()
            .registry_id(registry_id)
            .repository_name(repository)
            .filter(
                aws_sdk_ecr::types::DescribeImagesFilter::builder()
                    .tag_status(TagStatus::Tagged)
                    .build(),
            )
            .set_next_token(token)
            .max_results(1000)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("DescribeImages", e))?;
        for d in out.image_details() {
            let summary = d.image_scan_findings_summary();
            images.push(EcrImage {
                tags: d.image_tags().to_vec(),
                digest: d.image_digest().unwrap_or_default().to_string(),
                pushed_at: d
                    .image_pushed_at()
                    .map(|t| Timestamp::from_secs_f64(t.as_secs_f64())),
                severity_counts: summary
                    .and_then(|s| s.finding_severity_counts())
                    .map(|m| {
                        m.iter()
                            .map(|(k, v)| (k.as_str().to_string(), *v))
                            .collect()
                    })
                    .unwrap_or_default(),
                scan_status: d
                    .image_scan_status()
                    .and_then(|s| s.status())
                    .map(|s| s.as_str().to_string()),
            });
        }
        token = pages.next(out.next_token())?;
        if token.is_none() {
            break;
        }
    }
    images.sort_by(|a, b| {
        b.pushed_at
            .cmp(&a.pushed_at)
            .then_with(|| a.tags.cmp(&b.tags))
    });
    Ok(images)
}
