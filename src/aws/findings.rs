//! ECR scan findings for the images a fleet runs: one [`ImageFindings`] per image,
//! cached by digest (a digest's scan is immutable enough for one session, bounded, and on disk for
//! `[findings] cache_minutes`; tags move, so tag -> digest is resolved again on every
//! load). The calls are batched across all clusters of a load: one DescribeImages per
//! repository (up to 100 tags a call), one DescribeRepositories (up to 100 names a call)
//! and one GetRegistryScanningConfiguration per registry.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Mutex;

use aws_config::Region;
use aws_sdk_ecr::types::{
    EnhancedImageScanFinding, FindingSeverity, ImageIdentifier, ImageScanFinding, ScanFrequency,
    ScanType,
};
use futures::StreamExt;

use super::bounded::Bounded;
use super::{AwsContext, AwsError, CONCURRENCY};
use crate::domain::{ecr_ref, severity_rank, EcrRef, Finding, ImageFindings};

/// Findings per image, cached by digest for the life of the cache (`watch` starts it over
/// hourly, the TUI on a profile switch), at most [`super::disk_cache::MAX_FINDINGS`]
/// digests: the least recently used go, and one asked for again is read again.
#[derive(Debug)]
pub struct FindingsCache {
    /// `account/region/repository@digest` -> findings (image and scan settings are
    /// filled in per load).
    by_digest: Mutex<Bounded<String, ImageFindings>>,
}

impl Default for FindingsCache {
    fn default() -> FindingsCache {
        FindingsCache::with_cap(super::disk_cache::MAX_FINDINGS)
    }
}

impl FindingsCache {
    pub fn with_cap(cap: usize) -> FindingsCache {
        FindingsCache {
            by_digest: Mutex::new(Bounded::new(cap)),
        }
    }

    fn get(&self, key: &str) -> Option<ImageFindings> {
        // A poisoned lock only means a panic elsewhere mid-insert; the map is still valid.
        let mut map = self.by_digest.lock().unwrap_or_else(|e| e.into_inner());
        map.get(key).cloned()
    }

    fn put(&self, key: String, findings: ImageFindings) {
        let mut map = self.by_digest.lock().unwrap_or_else(|e| e.into_inner());
        map.insert(key, findings);
    }

    /// Digests held now.
    pub fn len(&self) -> usize {
        self.by_digest
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// (account, region, repository).
type RepoKey = (String, String, String);

fn repo_key(r: &EcrRef) -> RepoKey {
    (r.account.clone(), r.region.clone(), r.repository.clone())
}

/// Image ids a DescribeImages call takes at most, and repository names a
/// DescribeRepositories call takes at most.
const ECR_BATCH: usize = 100;

/// Findings for each distinct image of `images`, keyed by the image string. Never fails
/// as a whole: a failing call shows up as that image's `error`.
pub async fn load(
    ctx: &AwsContext,
    images: &[String],
    cache: &FindingsCache,
) -> BTreeMap<String, ImageFindings> {
    let distinct: BTreeSet<String> = images.iter().cloned().collect();
    let mut out = BTreeMap::new();
    let mut in_ecr = Vec::new();
    for image in distinct {
        match ecr_ref(&image) {
            Some(r) => in_ecr.push((image, r)),
            None => {
                let f = blank(&image, "not in ECR");
                out.insert(image, f);
            }
        }
    }
    // Tags to resolve, per repository; repositories per registry.
    let mut tags: BTreeMap<RepoKey, BTreeSet<String>> = BTreeMap::new();
    let mut registries: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for (image, r) in &in_ecr {
        if digest_of(image).is_none() {
            tags.entry(repo_key(r))
                .or_default()
                .insert(tag_of(image, r).to_string());
        }
        registries
            .entry((r.account.clone(), r.region.clone()))
            .or_default()
            .insert(r.repository.clone());
    }
    let settings_fut = futures::stream::iter(registries)
        .map(|((account, region), repos)| {
            let ctx = ctx.clone();
            async move { registry_settings(&ctx, &account, &region, &repos).await }
        })
        .buffer_unordered(CONCURRENCY)
        .collect::<Vec<_>>();
    let images_fut = async {
        let digests: HashMap<RepoKey, HashMap<String, Result<String, String>>> =
            futures::stream::iter(tags)
                .map(|(key, tags)| {
                    let ctx = ctx.clone();
                    async move {
                        let found = resolve_tags(&ctx, &key, &tags).await;
                        (key, found)
                    }
                })
                .buffer_unordered(CONCURRENCY)
                .collect()
                .await;
        futures::stream::iter(in_ecr)
            .map(|(image, r)| {
                let ctx = ctx.clone();
                let digest = match digest_of(&image) {
                    Some(d) => Ok(d.to_string()),
                    None => digests
                        .get(&repo_key(&r))
                        .and_then(|m| m.get(tag_of(&image, &r)))
                        .cloned()
                        .unwrap_or_else(|| Err("no digest".to_string())),
                };
                async move {
                    let f = image_findings(&ctx, &image, &r, digest, cache).await;
                    (image, r, f)
                }
            })
            .buffer_unordered(CONCURRENCY)
            .collect::<Vec<_>>()
            .await
    };
    let (settings, found) = futures::future::join(settings_fut, images_fut).await;
    let settings: HashMap<RepoKey, Option<String>> = settings.into_iter().flatten().collect();
    for (image, r, mut f) in found {
        f.scan_settings = settings.get(&repo_key(&r)).cloned().flatten();
        out.insert(image, f);
    }
    out
}

/// [`load`] without the disk cache (the session's `cache` still counts): for a gate
/// that must see the scan as it is now.
pub async fn load_fresh(
    ctx: &AwsContext,
    images: &[String],
    cache: &FindingsCache,
) -> BTreeMap<String, ImageFindings> {
    let ctx = AwsContext {
        findings_disk: None,
        ..ctx.clone()
    };
    load(&ctx, images, cache).await
}

/// tag -> digest (or why not) for the tags of one repository, up to [`ECR_BATCH`] a
/// call. ECR fails a whole call when one tag is missing: that batch is then asked one
/// tag at a time, so the others still resolve.
async fn resolve_tags(
    ctx: &AwsContext,
    (account, region, repository): &RepoKey,
    tags: &BTreeSet<String>,
) -> HashMap<String, Result<String, String>> {
    let client = client_for(ctx, region);
    let tags: Vec<&String> = tags.iter().collect();
    let mut out = HashMap::new();
    for chunk in tags.chunks(ECR_BATCH) {
        match describe_tags(ctx, &client, account, repository, chunk).await {
            Ok(found) => out.extend(found),
            Err((e, true)) if chunk.len() > 1 => {
                tracing::debug!(repository, error = %e, "a tag is missing; asking one by one");
                for tag in chunk {
                    match describe_tags(ctx, &client, account, repository, &[tag]).await {
                        Ok(found) => out.extend(found),
                        Err((e, _)) => {
                            out.insert(tag.to_string(), Err(e.to_string()));
                        }
                    }
                }
            }
            Err((e, _)) => {
                for tag in chunk {
                    out.insert(tag.to_string(), Err(e.to_string()));
                }
            }
        }
    }
    out
}

/// One DescribeImages for `tags`; each tag's digest, or a NotFound error for a tag the
/// answer lacks. The error's flag says ECR named an image that does not exist.
async fn describe_tags(
    ctx: &AwsContext,
    client: &aws_sdk_ecr::Client,
    account: &str,
    repository: &str,
    tags: &[&String],
) -> Result<HashMap<String, Result<String, String>>, (AwsError, bool)> {
    ctx.stats.record("DescribeImages");
    let ids = tags
        .iter()
        .map(|t| ImageIdentifier::builder().image_tag(t.as_str()).build())
        .collect();
    let out = client
        .describe_images()
        .registry_id(account)
        .repository_name(repository)
        .set_image_ids(Some(ids))
        .send()
        .await
        .map_err(|e| {
            let missing = e
                .as_service_error()
                .is_some_and(|se| se.is_image_not_found_exception());
            (AwsError::from_sdk("DescribeImages", e), missing)
        })?;
    let mut found: HashMap<String, String> = HashMap::new();
    for d in out.image_details() {
        let Some(digest) = d.image_digest() else {
            continue;
        };
        for t in d.image_tags() {
            found.insert(t.clone(), digest.to_string());
        }
    }
    Ok(tags
        .iter()
        .map(|t| {
            let digest = found.remove(t.as_str()).ok_or_else(|| {
                AwsError::new(
                    "DescribeImages",
                    super::error::AwsErrorKind::NotFound,
                    format!("no digest for {repository}:{t}"),
                )
                .to_string()
            });
            (t.to_string(), digest)
        })
        .collect())
}

fn blank(image: &str, status: &str) -> ImageFindings {
    ImageFindings {
        image: image.to_string(),
        digest: None,
        status: status.to_string(),
        counts: BTreeMap::new(),
        items: Vec::new(),
        scan_settings: None,
        error: None,
    }
}

/// `ctx.ecr`, or a copy of it for the image's region when that differs (the findings and
/// the image-config reads both go to the image's own region).
pub(crate) fn client_for(ctx: &AwsContext, region: &str) -> aws_sdk_ecr::Client {
    if region == ctx.region {
        ctx.ecr.clone()
    } else {
        let conf = ctx
            .ecr
            .config()
            .to_builder()
            .region(Region::new(region.to_string()))
            .build();
        aws_sdk_ecr::Client::from_conf(conf)
    }
}

/// The digest in `image@sha256:...`, if the image is given by digest.
fn digest_of(image: &str) -> Option<&str> {
    image
        .rsplit_once('@')
        .map(|(_, d)| d)
        .filter(|d| !d.is_empty())
}

/// The tag of an image reference without a digest (`latest` when absent, as Docker reads it).
fn tag_of<'a>(image: &'a str, r: &EcrRef) -> &'a str {
    image
        .strip_prefix(r.base.as_str())
        .and_then(|rest| rest.strip_prefix(':'))
        .filter(|t| !t.is_empty())
        .unwrap_or("latest")
}

async fn image_findings(
    ctx: &AwsContext,
    image: &str,
    r: &EcrRef,
    digest: Result<String, String>,
    cache: &FindingsCache,
) -> ImageFindings {
    let client = client_for(ctx, &r.region);
    let failed = |digest: Option<String>, e: String| ImageFindings {
        digest,
        error: Some(e),
        ..blank(image, "error")
    };
    let digest = match digest {
        Ok(d) => d,
        Err(e) => return failed(None, e),
    };
    let key = format!("{}/{}/{}@{}", r.account, r.region, r.repository, digest);
    if let Some(mut f) = cache.get(&key) {
        f.image = image.to_string();
        return f;
    }
    let now = super::disk_cache::now_secs();
    if let Some((disk, ttl)) = &ctx.findings_disk {
        let fresh = disk
            .get::<ImageFindings>(&key)
            .filter(|(_, at)| now.saturating_sub(*at) < ttl.as_secs())
            // An entry of another digest (a planted or mixed-up file) is no answer.
            .filter(|(f, _)| f.digest.as_deref() == Some(digest.as_str()));
        ctx.stats.cache_lookup("findings", fresh.is_some());
        if let Some((mut f, _)) = fresh {
            cache.put(key, f.clone());
            f.image = image.to_string();
            return f;
        }
    }
    match scan_findings(ctx, &client, r, &digest).await {
        Ok(Some(scan)) => {
            let items = items(&scan);
            let f = ImageFindings {
                digest: Some(digest),
                counts: counts(&scan, &items),
                items,
                ..blank(image, &scan.status)
            };
            // A scan still running (or about to) will change; only settled results are kept.
            if !matches!(scan.status.as_str(), "IN_PROGRESS" | "PENDING") {
                if let Some((disk, _)) = &ctx.findings_disk {
                    disk.put(&key, &f, now);
                }
                cache.put(key, f.clone());
            }
            f
        }
        Ok(None) => ImageFindings {
            digest: Some(digest),
            ..blank(image, "not scanned")
        },
        Err(e) => failed(Some(digest), e.to_string()),
    }
}

/// Every page of one image's scan, merged.
#[derive(Default)]
struct Scan {
    status: String,
    /// From the first page that has them (they describe the whole scan).
    counts: Option<HashMap<FindingSeverity, i32>>,
    findings: Vec<ImageScanFinding>,
    enhanced: Vec<EnhancedImageScanFinding>,
}

/// All pages of DescribeImageScanFindings; `None` when the image was never scanned.
async fn scan_findings(
    ctx: &AwsContext,
    client: &aws_sdk_ecr::Client,
    r: &EcrRef,
    digest: &str,
) -> Result<Option<Scan>, AwsError> {
    let mut scan = Scan::default();
    let mut token = None;
    let mut pages = super::pages::Pages::new("DescribeImageScanFindings");
    loop {
        ctx.stats.record("DescribeImageScanFindings");
        let res = client
            .describe_image_scan_findings()
            .registry_id(&r.account)
            .repository_name(&r.repository)
            .image_id(ImageIdentifier::builder().image_digest(digest).build())
            .set_next_token(token)
            .send()
            .await;
        let out = match res {
            Ok(out) => out,
            Err(e)
                if e.as_service_error()
                    .is_some_and(|se| se.is_scan_not_found_exception()) =>
            {
                return Ok(None)
            }
            Err(e) => return Err(AwsError::from_sdk("DescribeImageScanFindings", e)),
        };
        if let Some(s) = out.image_scan_status().and_then(|s| s.status()) {
            scan.status = s.as_str().to_string();
        }
        if let Some(page) = out.image_scan_findings() {
            if scan.counts.is_none() {
                scan.counts = page.finding_severity_counts().cloned();
            }
            scan.findings.extend_from_slice(page.findings());
            scan.enhanced.extend_from_slice(page.enhanced_findings());
        }
        token = pages.next(out.next_token())?;
        if token.is_none() {
            break;
        }
    }
    if scan.status.is_empty() {
        scan.status = "UNKNOWN".into();
    }
    Ok(Some(scan))
}

/// Severity -> count. With enhanced scanning (Inspector) `findingSeverityCounts` may be
/// absent, so the findings themselves (basic and enhanced, every page) are counted too;
/// per severity the larger number wins (the summary covers findings a page may not hold).
fn counts(scan: &Scan, items: &[Finding]) -> BTreeMap<String, i64> {
    let mut counts: BTreeMap<String, i64> = BTreeMap::new();
    for f in items {
        *counts.entry(f.severity.clone()).or_default() += 1;
    }
    for (k, v) in scan.counts.iter().flatten() {
        let n = counts.entry(k.as_str().to_string()).or_default();
        *n = (*n).max(i64::from(*v));
    }
    counts.retain(|_, n| *n > 0);
    counts
}

fn items(scan: &Scan) -> Vec<Finding> {
    let mut items: Vec<Finding> = scan
        .findings
        .iter()
        .map(basic)
        .chain(scan.enhanced.iter().map(enhanced))
        .collect();
    items.sort_by(|a, b| {
        severity_rank(&a.severity)
            .cmp(&severity_rank(&b.severity))
            .then_with(|| b.score.unwrap_or(-1.0).total_cmp(&a.score.unwrap_or(-1.0)))
            .then_with(|| a.name.cmp(&b.name))
    });
    items
}

fn basic(f: &ImageScanFinding) -> Finding {
    let attr = |k: &str| {
        f.attributes()
            .iter()
            .find(|a| a.key() == k)
            .and_then(|a| a.value())
            .map(str::to_string)
    };
    Finding {
        name: f.name().unwrap_or_default().to_string(),
        severity: f
            .severity()
            .map(|s| s.as_str().to_string())
            .unwrap_or_else(|| "UNDEFINED".into()),
        package: attr("package_name"),
        version: attr("package_version"),
        fixed_in: None,
        score: attr("CVSS3_SCORE")
            .or_else(|| attr("CVSS2_SCORE"))
            .and_then(|s| s.parse().ok()),
        status: None,
        url: f.uri().map(str::to_string),
        description: f.description().map(str::to_string),
    }
}

fn enhanced(f: &EnhancedImageScanFinding) -> Finding {
    let details = f.package_vulnerability_details();
    let package = details.and_then(|d| d.vulnerable_packages().first());
    Finding {
        // The CVE id is what operators search for; the title goes into the description.
        name: details
            .and_then(|d| d.vulnerability_id())
            .or_else(|| f.title())
            .unwrap_or_default()
            .to_string(),
        severity: f.severity().unwrap_or("UNDEFINED").to_string(),
        package: package.and_then(|p| p.name()).map(str::to_string),
        version: package.and_then(|p| p.version()).map(str::to_string),
        fixed_in: package
            .and_then(|p| p.fixed_in_version())
            .map(str::to_string),
        // ECR sends 0 when Inspector has no score.
        score: Some(f.score()).filter(|s| *s > 0.0),
        status: f.status().map(str::to_string),
        url: details.and_then(|d| d.source_url()).map(str::to_string),
        description: match (f.title(), f.description()) {
            (Some(t), Some(d)) => Some(format!("{t}. {d}")),
            (t, d) => t.or(d).map(str::to_string),
        },
    }
}

/// Each repository's scan settings ("enhanced, continuous", "basic, scan on push",
/// "basic, manual") for one registry: one GetRegistryScanningConfiguration, and
/// DescribeRepositories for up to [`ECR_BATCH`] names a call. `None` for a repository
/// when a call fails or the registry is not the caller's (its scanning configuration is
/// private).
async fn registry_settings(
    ctx: &AwsContext,
    account: &str,
    region: &str,
    repositories: &BTreeSet<String>,
) -> Vec<(RepoKey, Option<String>)> {
    let client = client_for(ctx, region);
    let names: Vec<&String> = repositories.iter().collect();
    let registry = async {
        ctx.stats.record("GetRegistryScanningConfiguration");
        client
            .get_registry_scanning_configuration()
            .send()
            .await
            .ok()
    };
    let repos = async {
        let mut scan_on_push: HashMap<String, bool> = HashMap::new();
        for chunk in names.chunks(ECR_BATCH) {
            match describe_repositories(ctx, &client, account, chunk).await {
                Ok(found) => scan_on_push.extend(found),
                // ECR fails the whole call for one missing name: ask one by one.
                Err(true) if chunk.len() > 1 => {
                    for name in chunk {
                        if let Ok(found) =
                            describe_repositories(ctx, &client, account, &[name]).await
                        {
                            scan_on_push.extend(found);
                        }
                    }
                }
                Err(_) => {}
            }
        }
        scan_on_push
    };
    let (registry, scan_on_push) = futures::future::join(registry, repos).await;
    let conf = registry
        .as_ref()
        .filter(|reg| reg.registry_id().is_none_or(|id| id == account))
        .and_then(|reg| reg.scanning_configuration());
    repositories
        .iter()
        .map(|repo| {
            let text = match (conf, scan_on_push.get(repo)) {
                (Some(conf), Some(on_push)) => Some(settings_text(conf, *on_push, repo)),
                _ => None,
            };
            (
                (account.to_string(), region.to_string(), repo.clone()),
                text,
            )
        })
        .collect()
}

/// scanOnPush per repository of one DescribeRepositories; `Err(true)` when ECR said a
/// repository does not exist.
async fn describe_repositories(
    ctx: &AwsContext,
    client: &aws_sdk_ecr::Client,
    account: &str,
    names: &[&String],
) -> Result<HashMap<String, bool>, bool> {
    ctx.stats.record("DescribeRepositories");
    let out = client
        .describe_repositories()
        .registry_id(account)
        .set_repository_names(Some(names.iter().map(|n| n.to_string()).collect()))
        .send()
        .await
        .map_err(|e| {
            e.as_service_error()
                .is_some_and(|se| se.is_repository_not_found_exception())
        })?;
    Ok(out
        .repositories()
        .iter()
        .filter_map(|r| {
            let on_push = r
                .image_scanning_configuration()
                .is_some_and(|c| c.scan_on_push());
            Some((r.repository_name()?.to_string(), on_push))
        })
        .collect())
}

fn settings_text(
    conf: &aws_sdk_ecr::types::RegistryScanningConfiguration,
    scan_on_push: bool,
    repository: &str,
) -> String {
    let enhanced = conf.scan_type() == Some(&ScanType::Enhanced);
    let frequency = conf
        .rules()
        .iter()
        .filter(|rule| {
            rule.repository_filters()
                .iter()
                .any(|f| filter_matches(f.filter(), repository))
        })
        .map(|rule| rule.scan_frequency().clone())
        // The most frequent scanning among the matching rules wins.
        .min_by_key(|f| match f {
            ScanFrequency::ContinuousScan => 0,
            ScanFrequency::ScanOnPush => 1,
            _ => 2,
        });
    let how = match frequency {
        Some(ScanFrequency::ContinuousScan) => "continuous",
        Some(ScanFrequency::ScanOnPush) => "scan on push",
        _ if !enhanced && scan_on_push => "scan on push",
        _ => "manual",
    };
    format!("{}, {how}", if enhanced { "enhanced" } else { "basic" })
}

/// ECR's repository filters: `*` matches any run of characters.
fn filter_matches(filter: &str, name: &str) -> bool {
    let parts: Vec<&str> = filter.split('*').collect();
    if parts.len() == 1 {
        return filter == name;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !name.starts_with(first) || name.len() < first.len() + last.len() || !name.ends_with(last) {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for p in &parts[1..parts.len() - 1] {
        match rest.find(p) {
            Some(i) => rest = &rest[i + p.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_findings_cache_keeps_its_cap_and_the_recently_used() {
        let cache = FindingsCache::with_cap(50);
        let running = "1/us-east-1/app@sha256:running";
        cache.put(running.into(), blank("app:v1", "COMPLETE"));
        for i in 0..500 {
            cache.put(
                format!("1/us-east-1/app@sha256:{i}"),
                blank("old", "COMPLETE"),
            );
            assert!(cache.get(running).is_some(), "used on every look");
        }
        assert_eq!(cache.len(), 50);
        assert_eq!(cache.get(running).map(|f| f.image), Some("app:v1".into()));
        assert!(cache.get("1/us-east-1/app@sha256:499").is_some());
        // Evicted: a miss, so `image_findings` reads the scan (or the disk) again.
        assert!(cache.get("1/us-east-1/app@sha256:0").is_none());
        // The default holds a large account's every image.
        assert_eq!(
            FindingsCache::default().by_digest.lock().unwrap().cap(),
            super::super::disk_cache::MAX_FINDINGS
        );
    }

    #[test]
    fn filters() {
        assert!(filter_matches("*", "laravel-app"));
        assert!(filter_matches("laravel-*", "laravel-app"));
        assert!(filter_matches("*-app", "laravel-app"));
        assert!(filter_matches("l*v*app", "laravel-app"));
        assert!(filter_matches("laravel-app", "laravel-app"));
        assert!(!filter_matches("laravel", "laravel-app"));
        assert!(!filter_matches("api-*", "laravel-app"));
        assert!(!filter_matches("a*a", "a"));
    }

    #[test]
    fn image_refs() {
        let img = "1.dkr.ecr.us-east-1.amazonaws.com/app:v1";
        let r = ecr_ref(img).unwrap();
        assert_eq!(tag_of(img, &r), "v1");
        assert_eq!(
            tag_of("1.dkr.ecr.us-east-1.amazonaws.com/app", &r),
            "latest"
        );
        assert_eq!(
            digest_of("1.dkr.ecr.us-east-1.amazonaws.com/app@sha256:ab"),
            Some("sha256:ab")
        );
        assert_eq!(digest_of(img), None);
    }

    #[test]
    fn findings_sorted_by_severity_then_score() {
        let scan = Scan {
            findings: vec![ImageScanFinding::builder()
                .name("CVE-B")
                .severity(FindingSeverity::High)
                .attributes(
                    aws_sdk_ecr::types::Attribute::builder()
                        .key("CVSS2_SCORE")
                        .value("7.5")
                        .build()
                        .unwrap(),
                )
                .build()],
            enhanced: vec![
                EnhancedImageScanFinding::builder()
                    .title("CVE-A")
                    .severity("HIGH")
                    .score(8.1)
                    .build(),
                EnhancedImageScanFinding::builder()
                    .title("CVE-C")
                    .severity("CRITICAL")
                    .score(9.8)
                    .build(),
            ],
            ..Scan::default()
        };
        let names: Vec<String> = items(&scan).into_iter().map(|f| f.name).collect();
        assert_eq!(names, ["CVE-C", "CVE-A", "CVE-B"]);
    }

    fn enhanced_finding(severity: &str) -> EnhancedImageScanFinding {
        EnhancedImageScanFinding::builder()
            .severity(severity)
            .build()
    }

    fn counted(scan: &Scan) -> Vec<(String, i64)> {
        counts(scan, &items(scan)).into_iter().collect()
    }

    fn pairs(p: &[(&str, i64)]) -> Vec<(String, i64)> {
        p.iter().map(|(k, n)| (k.to_string(), *n)).collect()
    }

    #[test]
    fn enhanced_scans_without_a_summary_are_counted_from_their_findings() {
        // What ECR answers with Inspector: enhancedFindings, no findingSeverityCounts.
        let scan = Scan {
            enhanced: ["CRITICAL", "HIGH", "CRITICAL", "UNTRIAGED"]
                .into_iter()
                .map(enhanced_finding)
                .collect(),
            ..Scan::default()
        };
        assert_eq!(
            counted(&scan),
            pairs(&[("CRITICAL", 2), ("HIGH", 1), ("UNTRIAGED", 1)])
        );
    }

    #[test]
    fn a_summary_covers_findings_on_pages_not_read() {
        let scan = Scan {
            counts: Some(HashMap::from([
                (FindingSeverity::Critical, 3),
                (FindingSeverity::Medium, 0),
            ])),
            enhanced: vec![enhanced_finding("CRITICAL"), enhanced_finding("LOW")],
            ..Scan::default()
        };
        // CRITICAL from the summary (3 > 1 listed); LOW only listed; a zero is no count.
        assert_eq!(counted(&scan), pairs(&[("CRITICAL", 3), ("LOW", 1)]));
    }

    #[test]
    fn basic_scans_keep_their_summary() {
        let scan = Scan {
            counts: Some(HashMap::from([(FindingSeverity::High, 2)])),
            findings: vec![ImageScanFinding::builder()
                .name("CVE-1")
                .severity(FindingSeverity::High)
                .build()],
            ..Scan::default()
        };
        assert_eq!(counted(&scan), pairs(&[("HIGH", 2)]));
        assert!(counted(&Scan::default()).is_empty(), "a clean scan");
    }
}
