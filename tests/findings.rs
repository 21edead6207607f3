//! `aws::findings::load` against the seeded test server (see scripts/testbed/seed.py's
//! ECR part). One test function: it sets process environment variables.

mod support;

use std::collections::BTreeMap;

use support::{TestBed, UNSET_ENV};
use toadtop::aws::findings::{load, FindingsCache};

fn delta(
    before: &BTreeMap<&'static str, u64>,
    after: &BTreeMap<&'static str, u64>,
    op: &str,
) -> u64 {
    after.get(op).copied().unwrap_or(0) - before.get(op).copied().unwrap_or(0)
}

#[test]
fn findings_from_ecr_scans() {
    let bed = TestBed::seeded();
    // The only test in this binary, so nothing races these.
    for var in UNSET_ENV {
        std::env::remove_var(var);
    }
    for (k, v) in bed.env_pairs() {
        std::env::set_var(k, v);
    }
    let ecr = &bed.summary["ecr"];
    let uri = ecr["uri"].as_str().expect("seed summary has ecr.uri");
    let digest_of = |tag: &str| {
        ecr["images"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["tag"] == tag)
            .and_then(|i| i["digest"].as_str())
            .unwrap()
            .to_string()
    };
    let v150 = format!("{uri}:v1.5.0");
    let v141 = format!("{uri}:v1.4.1");
    let missing = format!("{uri}:v9.9.9");
    let nginx = "nginx:stable-alpine".to_string();

    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let ctx = toadtop::aws::connect(&toadtop::aws::AwsSettings {
            profile: None,
            region: Some("us-east-1".into()),
            endpoint_url: Some(bed.endpoint.clone()),
        })
        .await
        .expect("connect");
        let cache = FindingsCache::default();
        let images = vec![
            v150.clone(),
            v141.clone(),
            nginx.clone(),
            missing.clone(),
            v150.clone(),
        ];

        let s0 = ctx.stats.snapshot();
        let got = load(&ctx, &images, &cache).await;
        let s1 = ctx.stats.snapshot();
        assert_eq!(got.len(), 4, "one entry per distinct image: {got:#?}");

        // v1.5.0: the seeded enhanced findings.
        let f = &got[&v150];
        assert_eq!(f.error, None, "{f:#?}");
        assert_eq!(f.digest.as_deref(), Some(digest_of("v1.5.0").as_str()));
        assert_eq!(f.status, "ACTIVE");
        let want: BTreeMap<String, i64> = ecr["findings"]["v1.5.0"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_i64().unwrap()))
            .collect();
        assert_eq!(f.counts, want);
        assert_eq!(f.items.len(), 3);
        let top = &f.items[0];
        assert_eq!(top.severity, "CRITICAL");
        assert!(top.name.contains("CVE-2024-4577"), "{top:#?}");
        assert_eq!(top.package.as_deref(), Some("php83"));
        assert_eq!(top.version.as_deref(), Some("8.3.7-r0"));
        assert_eq!(top.fixed_in.as_deref(), Some("8.3.8-r0"));
        assert_eq!(top.score, Some(9.8));
        assert_eq!(top.status.as_deref(), Some("ACTIVE"));
        assert_eq!(
            top.url.as_deref(),
            Some("https://nvd.nist.gov/vuln/detail/CVE-2024-4577")
        );
        let severities: Vec<&str> = f.items.iter().map(|i| i.severity.as_str()).collect();
        assert_eq!(severities, ["CRITICAL", "HIGH", "MEDIUM"]);
        // seed.py's enhanced_scanning: Inspector, continuous, for laravel-app.
        assert_eq!(f.scan_settings.as_deref(), Some("enhanced, continuous"));

        // v1.4.1: moto's default basic finding.
        let f = &got[&v141];
        assert_eq!(f.error, None, "{f:#?}");
        assert_eq!(f.status, "COMPLETE");
        assert_eq!(f.counts, BTreeMap::from([("HIGH".to_string(), 1)]));
        assert_eq!(f.items.len(), 1);
        let i = &f.items[0];
        assert_eq!(i.name, "CVE-9999-9999");
        assert_eq!(i.severity, "HIGH");
        assert_eq!(i.package.as_deref(), Some("moto_fake"));
        assert_eq!(i.version.as_deref(), Some("9.9.9"));
        assert_eq!(i.score, Some(7.5));
        assert!(i.url.as_deref().unwrap().contains("CVE-9999-9999"));

        // Not in ECR: no calls for it (the call counts below add up without it).
        let f = &got[&nginx];
        assert_eq!(f.status, "not in ECR");
        assert_eq!((f.error.as_ref(), f.digest.as_ref()), (None, None));
        assert!(f.items.is_empty() && f.scan_settings.is_none());

        // A tag that does not exist: an error for that image only.
        let f = &got[&missing];
        assert_eq!(f.status, "error");
        let err = f.error.as_deref().expect("error for a missing tag");
        assert!(err.contains("DescribeImages"), "{err}");
        assert!(err.contains("ImageNotFound"), "{err}");

        // The three tags of one repository in one DescribeImages; ECR refuses the whole
        // call for the missing tag, so they are then asked one at a time: 1 + 3.
        assert_eq!(delta(&s0, &s1, "DescribeImages"), 4, "{s1:?}");
        assert_eq!(delta(&s0, &s1, "DescribeImageScanFindings"), 2, "{s1:?}");
        assert_eq!(delta(&s0, &s1, "DescribeRepositories"), 1, "{s1:?}");
        assert_eq!(
            delta(&s0, &s1, "GetRegistryScanningConfiguration"),
            1,
            "{s1:?}"
        );

        // Same cache again: tags are resolved again, scans come from the cache.
        let again = load(&ctx, &images, &cache).await;
        let s2 = ctx.stats.snapshot();
        assert_eq!(delta(&s1, &s2, "DescribeImages"), 4, "{s2:?}");
        assert_eq!(delta(&s1, &s2, "DescribeImageScanFindings"), 0, "{s2:?}");
        assert_eq!(again[&v150], got[&v150]);
        assert_eq!(again[&v141], got[&v141]);

        // An image given by digest skips DescribeImages; a fresh cache reads the scan.
        let by_digest = format!("{uri}@{}", digest_of("v1.5.0"));
        let fresh = FindingsCache::default();
        let got = load(&ctx, std::slice::from_ref(&by_digest), &fresh).await;
        let s3 = ctx.stats.snapshot();
        assert_eq!(delta(&s2, &s3, "DescribeImages"), 0, "{s3:?}");
        assert_eq!(delta(&s2, &s3, "DescribeImageScanFindings"), 1, "{s3:?}");
        let f = &got[&by_digest];
        assert_eq!(f.error, None, "{f:#?}");
        assert_eq!(f.items[0].severity, "CRITICAL");
        assert_eq!(f.counts, want);

        // v1.4.0's enhanced scan has no findingSeverityCounts: counted from its findings.
        let v140 = format!("{uri}@{}", digest_of("v1.4.0"));
        let got = load(&ctx, std::slice::from_ref(&v140), &fresh).await;
        let f = &got[&v140];
        assert_eq!(f.error, None, "{f:#?}");
        let want: BTreeMap<String, i64> = ecr["findings"]["v1.4.0"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_i64().unwrap()))
            .collect();
        assert_eq!(
            want.get("CRITICAL"),
            Some(&2),
            "the seed's summary: {want:?}"
        );
        assert_eq!(f.counts, want);
        let names: Vec<&str> = f.items.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["CVE-2024-4577", "CVE-2024-5535", "CVE-2024-2511"]);
    });
}
