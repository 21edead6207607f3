//! `aws::metrics::service_metrics` against the seeded test bed's CloudWatch metrics (see
//! `metrics` in scripts/testbed/seed.py: 12 five-minute points per series, production
//! worker's CPU peaking at 97%, everything else between 20 and 60%).
//!
//! One test function: it sets AWS credentials in the process environment, which must not
//! race with another test doing the same.

mod support;

use std::collections::BTreeMap;

use support::TestBed;
use toadtop::aws::metrics::{max_over, service_metrics};

#[test]
fn service_metrics_reads_seeded_cpu_and_memory() {
    let bed = TestBed::seeded();
    std::env::set_var("AWS_ACCESS_KEY_ID", "test");
    std::env::set_var("AWS_SECRET_ACCESS_KEY", "test");
    for var in support::UNSET_ENV {
        std::env::remove_var(var);
    }
    // No developer config or credentials files either.
    std::env::set_var("AWS_CONFIG_FILE", bed.home.path().join("aws-config"));
    std::env::set_var(
        "AWS_SHARED_CREDENTIALS_FILE",
        bed.home.path().join("aws-credentials"),
    );
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let ctx = rt
        .block_on(toadtop::aws::connect(&toadtop::aws::AwsSettings {
            profile: None,
            region: Some("us-east-1".into()),
            endpoint_url: Some(bed.endpoint.clone()),
        }))
        .expect("connect");
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_millis() as i64;

    let seeded = bed.summary["metrics"]["clusters"]
        .as_object()
        .expect("seed summary has metrics");
    let mut calls = 0;
    for (cluster, services) in seeded {
        let names: Vec<String> = services.as_object().unwrap().keys().cloned().collect();
        let got = rt
            .block_on(service_metrics(&ctx, cluster, &names, now_ms))
            .unwrap_or_else(|e| panic!("{cluster}: {e}"));
        // One call per cluster: every service's two series in one GetMetricData.
        calls += 1;
        assert_eq!(
            ctx.stats.snapshot().get("GetMetricData"),
            Some(&calls),
            "{cluster}"
        );
        assert_eq!(
            got.keys().collect::<Vec<_>>(),
            names.iter().collect::<Vec<_>>()
        );
        for (svc, m) in &got {
            let want = &services[svc];
            for (series, points, key) in [
                ("cpu", &m.cpu_max, "cpuMax"),
                ("memory", &m.memory_max, "memoryMax"),
            ] {
                // 12 seeded, one per period; 11 if the clock crossed a period boundary
                // between seeding and this call (the oldest leaves the window).
                assert!(
                    (11..=12).contains(&points.len()),
                    "{cluster}/{svc} {series}: {points:?}"
                );
                assert!(
                    points.windows(2).all(|w| w[0].0 < w[1].0),
                    "{cluster}/{svc} {series} not oldest first: {points:?}"
                );
                assert!(
                    points.iter().all(|p| p.0 % 300_000 == 0),
                    "{cluster}/{svc} {series} not period-aligned: {points:?}"
                );
                assert!(points.last().unwrap().0 <= now_ms);
                // The newest seeded points are ours, in order, whatever the window cut.
                let seeded: Vec<f64> = want[series]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_f64().unwrap())
                    .collect();
                let values: Vec<f64> = points.iter().map(|p| p.1).collect();
                assert_eq!(values[..], seeded[seeded.len() - values.len()..]);
                if points.len() == 12 {
                    assert_eq!(max_over(points), want[key].as_f64());
                }
            }
        }
        if cluster == "production" {
            let cpu = |s: &str| max_over(&got[s].cpu_max).expect("points");
            assert_eq!(cpu("worker"), 97.0);
            assert!(cpu("web") < 90.0, "web cpu {}", cpu("web"));
        }
    }
    assert_eq!(calls, 3, "production, staging, production-eu");

    // A service CloudWatch knows nothing about: present, empty, and still one call.
    let got = rt
        .block_on(service_metrics(
            &ctx,
            "production",
            &["web".into(), "nope".into(), "web".into()],
            now_ms,
        ))
        .expect("metrics");
    assert_eq!(ctx.stats.snapshot()["GetMetricData"], calls + 1);
    let lens: BTreeMap<&str, (usize, usize)> = got
        .iter()
        .map(|(k, v)| (k.as_str(), (v.cpu_max.len(), v.memory_max.len())))
        .collect();
    assert_eq!(lens["nope"], (0, 0));
    assert!(lens["web"].0 >= 11 && lens["web"].1 >= 11);
    assert_eq!(lens.len(), 2);
}
