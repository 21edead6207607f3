//! ECR reads for the deploy picker: a repository's images, newest first.

use aws_sdk_ecr::types::TagStatus;

use super::{AwsContext, AwsError};
use crate::domain::EcrImage;
use crate::timefmt::Timestamp;

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
            images.push(EcrImage {
                tags: d.image_tags().to_vec(),
                digest: d.image_digest().unwrap_or_default().to_string(),
                pushed_at: d
                    .image_pushed_at()
                    .map(|t| Timestamp::from_secs_f64(t.as_secs_f64())),
                findings: None,
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

/// Fills in the scan of the first `limit` images (those the picker shows) through the
/// findings pane's cache: one DescribeImageScanFindings per digest not cached yet, no
/// DescribeImages (each image is named by digest). `base` is `host/repository`.
pub async fn add_findings(
    ctx: &AwsContext,
    base: &str,
    images: &mut [EcrImage],
    limit: usize,
    cache: &super::findings::FindingsCache,
) {
    let by_digest = |img: &EcrImage| format!("{base}@{}", img.digest);
    let refs: Vec<String> = images
        .iter()
        .take(limit)
        .filter(|i| !i.digest.is_empty())
        .map(by_digest)
        .collect();
    let mut found = super::findings::load(ctx, &refs, cache).await;
    for img in images.iter_mut().take(limit) {
        img.findings = found.remove(&by_digest(img));
    }
}
