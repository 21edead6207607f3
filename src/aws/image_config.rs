//! An image's own `config.Volumes` (its Dockerfile's `VOLUME` lines), read through ECR
//! only: BatchGetImage for the running digest (a manifest list or OCI index: the entry for
//! the task's architecture), GetDownloadUrlForLayer for the manifest's `config.digest`,
//! one GET of that URL, the body's sha256 checked against the digest. Answers are cached
//! by digest for the life of the process (a digest's content never changes), at most
//! [`MAX_CACHED`] of them (the least recently used go).

use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use aws_sdk_ecr::types::ImageIdentifier;
use aws_smithy_runtime_api::client::http::{HttpConnector, HttpConnectorSettings};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::bounded::Bounded;
use super::{AwsContext, AwsError};
use crate::domain::ecr_ref;

/// Manifest media types we ask ECR for (it converts to one of them when it can).
const MEDIA_TYPES: [&str; 4] = [
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.index.v1+json",
];

/// A config blob is a few kilobytes; anything far larger is not one.
const MAX_CONFIG_BYTES: usize = 4 << 20;

const GET_TIMEOUT: Duration = Duration::from_secs(20);

/// Image configs (digest and architecture) kept at most: a large account's every image.
pub const MAX_CACHED: usize = 2_000;

type Cache = Mutex<Bounded<String, Vec<String>>>;

fn cache() -> &'static Cache {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(Bounded::new(MAX_CACHED)))
}

/// The volumes the image at `digest` declares, for CPU architecture `arch` (`amd64`,
/// `arm64`). `Err` says why not, naming the call that failed.
pub async fn volumes(
    ctx: &AwsContext,
    image: &str,
    digest: &str,
    arch: &str,
) -> Result<Vec<String>, String> {
    let r = ecr_ref(image).ok_or_else(|| {
        "the image is not in ECR (its volumes are read through ECR only)".to_string()
    })?;
    let key = format!("{digest}/{arch}");
    if let Some(v) = cached(cache(), &key) {
        return Ok(v);
    }
    let client = super::findings::client_for(ctx, &r.region);
    let manifest = manifest_at(ctx, &client, &r.account, &r.repository, digest).await?;
    let manifest = match pick_platform(&manifest, arch)? {
        Some(child) => manifest_at(ctx, &client, &r.account, &r.repository, &child).await?,
        None => manifest,
    };
    let config_digest = manifest["config"]["digest"]
        .as_str()
        .ok_or("the image manifest has no config.digest")?
        .to_string();
    ctx.stats.record("GetDownloadUrlForLayer");
    let url = client
        .get_download_url_for_layer()
        .registry_id(&r.account)
        .repository_name(&r.repository)
        .layer_digest(&config_digest)
        .send()
        .await
        .map_err(|e| format!("ecr:{}", AwsError::from_sdk("GetDownloadUrlForLayer", e)))?
        .download_url
        .ok_or("ecr:GetDownloadUrlForLayer answered without a downloadUrl")?;
    check_scheme(&url, ctx.endpoint_url.is_some())?;
    let body = get(&url).await?;
    if !digest_matches(&body, &config_digest) {
        return Err(format!(
            "the config blob does not match its digest {config_digest} (sha256 mismatch)"
        ));
    }
    let volumes = config_volumes(&body)?;
    remember(cache(), key, volumes.clone());
    Ok(volumes)
}

/// The volumes kept for `key`, marked as just used.
fn cached(cache: &Cache, key: &str) -> Option<Vec<String>> {
    // A poisoned lock only means a panic elsewhere mid-insert; the map is still valid.
    let mut map = cache.lock().unwrap_or_else(|e| e.into_inner());
    map.get(key).cloned()
}

fn remember(cache: &Cache, key: String, volumes: Vec<String>) {
    let mut map = cache.lock().unwrap_or_else(|e| e.into_inner());
    map.insert(key, volumes);
}

/// The manifest stored under `digest`, as JSON.
async fn manifest_at(
    ctx: &AwsContext,
    client: &aws_sdk_ecr::Client,
    registry: &str,
    repository: &str,
    digest: &str,
) -> Result<Value, String> {
    ctx.stats.record("BatchGetImage");
    let out = client
        .batch_get_image()
        .registry_id(registry)
        .repository_name(repository)
        .image_ids(ImageIdentifier::builder().image_digest(digest).build())
        .set_accepted_media_types(Some(MEDIA_TYPES.iter().map(|m| m.to_string()).collect()))
        .send()
        .await
        .map_err(|e| format!("ecr:{}", AwsError::from_sdk("BatchGetImage", e)))?;
    let text = out
        .images()
        .iter()
        .find(|i| i.image_id().and_then(|id| id.image_digest()) == Some(digest))
        .or_else(|| out.images().first())
        .and_then(|i| i.image_manifest())
        .ok_or_else(|| {
            let why = out
                .failures()
                .first()
                .and_then(|f| f.failure_reason())
                .unwrap_or("no such image");
            format!(
                "ecr:BatchGetImage found no image {digest}: {}",
                crate::safety::sanitize(why)
            )
        })?;
    serde_json::from_str(text)
        .map_err(|e| format!("ecr:BatchGetImage: the manifest is not JSON: {e}"))
}

/// For a manifest list / OCI index: the digest of the entry for `arch` (Linux), skipping
/// attestation manifests. `None`: `manifest` is an image manifest already.
pub fn pick_platform(manifest: &Value, arch: &str) -> Result<Option<String>, String> {
    let Some(entries) = manifest["manifests"].as_array() else {
        return Ok(None);
    };
    let attestation = |m: &Value| {
        m["annotations"]["vnd.docker.reference.type"] == "attestation-manifest"
            || m["platform"]["architecture"] == "unknown"
    };
    entries
        .iter()
        .filter(|m| !attestation(m))
        .find(|m| {
            m["platform"]["architecture"] == arch
                && m["platform"]["os"].as_str().is_none_or(|os| os == "linux")
        })
        .and_then(|m| m["digest"].as_str())
        .map(|d| Some(d.to_string()))
        .ok_or_else(|| format!("the image index has no linux/{arch} manifest"))
}

/// HTTPS only, except with a configured endpoint URL (a local test server serves its
/// blobs over plain HTTP on loopback).
pub fn check_scheme(url: &str, endpoint_configured: bool) -> Result<(), String> {
    if url.starts_with("https://") || (endpoint_configured && url.starts_with("http://")) {
        Ok(())
    } else {
        Err("ecr:GetDownloadUrlForLayer gave a URL that is not https".into())
    }
}

/// `body` hashes to `digest` (`sha256:<hex>`).
pub fn digest_matches(body: &[u8], digest: &str) -> bool {
    let Some(want) = digest.strip_prefix("sha256:") else {
        return false;
    };
    let got: String = Sha256::digest(body)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    got.eq_ignore_ascii_case(want)
}

/// The `config.Volumes` keys of an image config blob, sorted.
pub fn config_volumes(body: &[u8]) -> Result<Vec<String>, String> {
    let v: Value =
        serde_json::from_slice(body).map_err(|e| format!("the image config is not JSON: {e}"))?;
    let mut out: Vec<String> = v["config"]["Volumes"]
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    out.sort();
    Ok(out)
}

/// One GET through the SDK's own HTTPS connector (no second HTTP stack).
async fn get(url: &str) -> Result<Vec<u8>, String> {
    let fail = |e: String| format!("downloading the image config failed: {e}");
    let settings = HttpConnectorSettings::builder().build();
    let connector = aws_smithy_http_client::default_connector(&settings, None)
        .ok_or_else(|| fail("no HTTPS connector".into()))?;
    let mut req =
        aws_smithy_runtime_api::http::Request::new(aws_smithy_types::body::SdkBody::empty());
    req.set_uri(url).map_err(|e| fail(e.to_string()))?;
    let answer = async {
        let resp = connector
            .call(req)
            .await
            .map_err(|e| fail(format!("{e:?}")))?;
        let status = resp.status();
        let body = aws_smithy_types::byte_stream::ByteStream::new(resp.into_body())
            .collect()
            .await
            .map_err(|e| fail(e.to_string()))?
            .into_bytes();
        if !status.is_success() {
            return Err(fail(format!("HTTP {}", status.as_u16())));
        }
        if body.len() > MAX_CONFIG_BYTES {
            return Err(fail(format!(
                "{} bytes is too large for a config",
                body.len()
            )));
        }
        Ok(body.to_vec())
    };
    tokio::time::timeout(GET_TIMEOUT, answer)
        .await
        .map_err(|_| fail("timed out".into()))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_keeps_at_most_its_cap_and_the_recently_used() {
        let cache: Cache = Mutex::new(Bounded::new(MAX_CACHED));
        let running = "sha256:running/amd64";
        remember(&cache, running.into(), vec!["/data".into()]);
        for i in 0..3 * MAX_CACHED {
            remember(&cache, format!("sha256:{i}/amd64"), vec![]);
            // The image still running is asked for on every look.
            assert!(cached(&cache, running).is_some());
        }
        assert_eq!(cache.lock().unwrap().len(), MAX_CACHED);
        assert_eq!(cached(&cache, running), Some(vec!["/data".to_string()]));
        // Evicted: a miss, so `volumes` reads it through ECR again and keeps it.
        assert_eq!(cached(&cache, "sha256:0/amd64"), None);
        remember(&cache, "sha256:0/amd64".into(), vec!["/v".into()]);
        assert_eq!(
            cached(&cache, "sha256:0/amd64"),
            Some(vec!["/v".to_string()])
        );
        assert_eq!(cache.lock().unwrap().len(), MAX_CACHED);
    }

    #[test]
    fn the_index_entry_for_the_architecture_skipping_attestations() {
        let index = serde_json::json!({
            "mediaType": "application/vnd.oci.image.index.v1+json",
            "manifests": [
                {"digest": "sha256:att", "platform": {"architecture": "unknown", "os": "unknown"},
                 "annotations": {"vnd.docker.reference.type": "attestation-manifest"}},
                {"digest": "sha256:arm", "platform": {"architecture": "arm64", "os": "linux"}},
                {"digest": "sha256:amd", "platform": {"architecture": "amd64", "os": "linux"}},
            ]
        });
        assert_eq!(
            pick_platform(&index, "amd64"),
            Ok(Some("sha256:amd".into()))
        );
        assert_eq!(
            pick_platform(&index, "arm64"),
            Ok(Some("sha256:arm".into()))
        );
        assert!(pick_platform(&index, "s390x")
            .unwrap_err()
            .contains("no linux/s390x"));
        // An image manifest is not an index.
        let manifest = serde_json::json!({"config": {"digest": "sha256:c"}, "layers": []});
        assert_eq!(pick_platform(&manifest, "amd64"), Ok(None));
    }

    #[test]
    fn the_digest_is_the_sha256_of_the_body() {
        // sha256("") is well known.
        let empty = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        assert!(digest_matches(b"", empty));
        assert!(!digest_matches(b"x", empty));
        assert!(!digest_matches(b"", "md5:d41d8cd98f00b204e9800998ecf8427e"));
    }

    #[test]
    fn volumes_come_from_config_volumes() {
        let body = br#"{"architecture":"amd64","config":{"Volumes":{"/var/log/amazon":{},"/var/lib/amazon":{}}}}"#;
        assert_eq!(
            config_volumes(body),
            Ok(vec![
                "/var/lib/amazon".to_string(),
                "/var/log/amazon".to_string()
            ])
        );
        assert_eq!(config_volumes(br#"{"config":{}}"#), Ok(vec![]));
        assert!(config_volumes(b"<html>").is_err());
    }

    #[test]
    fn plain_http_only_with_an_endpoint_url() {
        assert!(check_scheme(
            "https://prod-us-east-1-starport-layer-bucket.s3.amazonaws.com/x",
            false
        )
        .is_ok());
        assert!(check_scheme("http://127.0.0.1:5000/blob", true).is_ok());
        assert!(check_scheme("http://example.com/blob", false).is_err());
        assert!(check_scheme("file:///etc/passwd", true).is_err());
    }
}
