//! CloudWatch metric reads: per-service CPU and memory utilisation from AWS/ECS.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataQuery, MetricStat, ScanBy};

use super::{AwsContext, AwsError};
use crate::domain::ServiceMetrics;

/// Seconds per datapoint.
pub const PERIOD_SECS: i32 = 300;
/// Datapoints per series: one hour of 5-minute periods.
pub const PERIODS: i64 = 12;
/// GetMetricData takes at most 500 queries per call; two per service.
pub const MAX_SERVICES_PER_CALL: usize = 250;

const PERIOD_MS: i64 = PERIOD_SECS as i64 * 1000;

/// The `[start, end)` window in epoch ms: the last `PERIODS` whole periods, the newest being
/// the one `now_ms` falls in. Aligned to the period so CloudWatch (and moto, which buckets
/// from StartTime) put each datapoint at a period start.
pub fn window(now_ms: i64) -> (i64, i64) {
    let end = now_ms.div_euclid(PERIOD_MS) * PERIOD_MS + PERIOD_MS;
    (end - PERIODS * PERIOD_MS, end)
}

/// CPUUtilization and MemoryUtilization, statistic Maximum, of each service over the last hour
/// (5-minute periods), from AWS/ECS with dimensions ClusterName and ServiceName — one
/// GetMetricData call per up to 250 services (500 queries max per call; paginated by NextToken).
/// Every requested service is in the map, with empty series when CloudWatch has no data;
/// points are (epoch ms, percent), oldest first.
pub async fn service_metrics(
    ctx: &AwsContext,
    cluster: &str,
    services: &[String],
    now_ms: i64,
) -> Result<BTreeMap<String, ServiceMetrics>, AwsError> {
    let names: Vec<&String> = services
        .iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut out: BTreeMap<String, ServiceMetrics> = names
        .iter()
        .map(|n| ((*n).clone(), ServiceMetrics::default()))
        .collect();
    let (start, end) = window(now_ms);
    for chunk in names.chunks(MAX_SERVICES_PER_CALL) {
        // Ids must match ^[a-z][a-zA-Z0-9_]*$, so index into the chunk instead of using names.
        let queries: Vec<MetricDataQuery> = chunk
            .iter()
            .enumerate()
            .flat_map(|(i, svc)| {
                [
                    query(format!("c{i}"), "CPUUtilization", cluster, svc),
                    query(format!("m{i}"), "MemoryUtilization", cluster, svc),
                ]
            })
            .collect();
        let mut token = None;
        let mut pages = super::pages::Pages::new("GetMetricData");
        loop {
            ctx.stats.record("GetMetricData");
            let page = ctx
                .cloudwatch
                .get_metric_data()
                .set_metric_data_queries(Some(queries.clone()))
                .start_time(DateTime::from_millis(start))
                .end_time(DateTime::from_millis(end))
                .scan_by(ScanBy::TimestampAscending)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("GetMetricData", e))?;
            for result in page.metric_data_results() {
                let Some((series, i)) = result.id().and_then(parse_id) else {
                    continue;
                };
                let Some(entry) = chunk.get(i).and_then(|svc| out.get_mut(svc.as_str())) else {
                    continue;
                };
                let points = if series == 'c' {
                    &mut entry.cpu_max
                } else {
                    &mut entry.memory_max
                };
                points.extend(
                    result
                        .timestamps()
                        .iter()
                        .zip(result.values())
                        .filter_map(|(t, v)| Some((t.to_millis().ok()?, *v))),
                );
            }
            token = pages.next(page.next_token())?;
            if token.is_none() {
                break;
            }
        }
    }
    for m in out.values_mut() {
        for points in [&mut m.cpu_max, &mut m.memory_max] {
            // Pages may split a series; whatever order they came in, oldest first, once.
            points.sort_by_key(|p| p.0);
            points.dedup_by_key(|p| p.0);
        }
    }
    Ok(out)
}

fn query(id: String, metric: &str, cluster: &str, service: &str) -> MetricDataQuery {
    let dim = |name: &str, value: &str| Dimension::builder().name(name).value(value).build();
    MetricDataQuery::builder()
        .id(id)
        .metric_stat(
            MetricStat::builder()
                .metric(
                    Metric::builder()
                        .namespace("AWS/ECS")
                        .metric_name(metric)
                        .dimensions(dim("ClusterName", cluster))
                        .dimensions(dim("ServiceName", service))
                        .build(),
                )
                .period(PERIOD_SECS)
                .stat("Maximum")
                .build(),
        )
        .return_data(true)
        .build()
}

/// `c7` -> ('c', 7); anything else (not ours) -> None.
fn parse_id(id: &str) -> Option<(char, usize)> {
    let series = id.chars().next().filter(|c| matches!(c, 'c' | 'm'))?;
    Some((series, id[1..].parse().ok()?))
}

/// The largest value of a series (NaN ignored); None when it is empty.
pub fn max_over(points: &[(i64, f64)]) -> Option<f64> {
    points
        .iter()
        .map(|p| p.1)
        .filter(|v| !v.is_nan())
        .reduce(f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_over_picks_the_largest() {
        assert_eq!(max_over(&[]), None);
        assert_eq!(max_over(&[(1, 12.5)]), Some(12.5));
        assert_eq!(max_over(&[(1, 20.0), (2, 97.0), (3, 41.0)]), Some(97.0));
        assert_eq!(max_over(&[(1, f64::NAN), (2, 3.0)]), Some(3.0));
        assert_eq!(max_over(&[(1, f64::NAN)]), None);
    }

    #[test]
    fn window_is_twelve_aligned_periods_ending_after_now() {
        let now = 1_700_000_123_456;
        let (start, end) = window(now);
        assert_eq!(end - start, 3_600_000);
        assert_eq!(start % PERIOD_MS, 0);
        assert!(end > now && end - now <= PERIOD_MS);
        assert_eq!(window(end).0, start + PERIOD_MS);
    }

    #[test]
    fn ids_map_back() {
        assert_eq!(parse_id("c0"), Some(('c', 0)));
        assert_eq!(parse_id("m249"), Some(('m', 249)));
        assert_eq!(parse_id("x1"), None);
        assert_eq!(parse_id("c"), None);
    }
}
