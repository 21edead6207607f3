//! The doctor's image evidence, gathered at the edge: the ECR read a check still needs.

use super::doctor::{ImageQuery, ImageVolumes};
use crate::aws::AwsContext;

pub async fn volumes(ctx: &AwsContext, q: &ImageQuery) -> ImageVolumes {
    match crate::aws::image_config::volumes(ctx, &q.image, &q.digest, &q.arch).await {
        Ok(v) => ImageVolumes::Known(v),
        Err(e) => ImageVolumes::Unknown(e),
    }
}
