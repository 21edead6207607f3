//! Does each SSM parameter a task definition's `secrets` name exist? DescribeParameters
//! only: it returns metadata (type, version, last modified) and never a value, unlike
//! GetParameter(s), which toadtop never calls. Names are deduplicated across services,
//! asked 50 per call (the API's maximum of Values in one Name filter), and each answer is
//! cached for a few minutes in [`AwsContext`], so a 10 s auto refresh costs no calls.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use aws_config::Region;
use aws_sdk_ssm::types::{ParameterMetadata, ParameterStringFilter};
use futures::StreamExt;

use super::bounded::Bounded;
use super::error::AwsErrorKind;
use super::{AwsContext, AwsError, CONCURRENCY};
use crate::domain::{
    check_for, parameter_key, parse_value_from, secret_health, ParameterLookup, ParameterMeta,
    SecretCheck, SecretHealth, TaskDefinition,
};
use crate::timefmt::Timestamp;

/// Values of one `Name Equals` filter (ParameterStringFilterValueList: 1..=50).
pub const DESCRIBE_PARAMETERS_MAX: usize = 50;
/// How long an answer is reused. Parameters change rarely; five minutes keeps a
/// deleted one from going unnoticed for long.
pub const CACHE_TTL: Duration = Duration::from_secs(300);
/// Failures (e.g. a missing ssm:DescribeParameters permission) are asked again sooner.
pub const ERROR_TTL: Duration = Duration::from_secs(60);

/// Parameters kept at most (a large account's every secret, several times over).
pub const MAX_CACHED: usize = 10_000;

type Key = (String, String);

/// Answers per (region, [`parameter_key`]), with when they were fetched. Bounded: an
/// expired answer is dropped when met, and all expired ones when one is stored (at
/// most once per [`ERROR_TTL`], or when full); beyond [`MAX_CACHED`] the least recently
/// used go.
#[derive(Debug)]
pub struct ParameterCache {
    entries: Mutex<Entries>,
}

#[derive(Debug)]
struct Entries {
    map: Bounded<Key, (Instant, ParameterLookup)>,
    /// When expired answers were last swept out.
    swept: Option<Instant>,
}

impl Default for ParameterCache {
    fn default() -> ParameterCache {
        ParameterCache::with_cap(MAX_CACHED)
    }
}

/// An answer fetched `at` is no longer used at `now` (errors are asked again sooner).
fn expired(at: Instant, answer: &ParameterLookup, now: Instant) -> bool {
    let ttl = if answer.is_ok() { CACHE_TTL } else { ERROR_TTL };
    now.saturating_duration_since(at) >= ttl
}

impl ParameterCache {
    pub fn with_cap(cap: usize) -> ParameterCache {
        ParameterCache {
            entries: Mutex::new(Entries {
                map: Bounded::new(cap),
                swept: None,
            }),
        }
    }

    fn get(&self, region: &str, key: &str, now: Instant) -> Option<ParameterLookup> {
        // A poisoned lock only means a panic elsewhere mid-insert; the map is still valid.
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let key = (region.to_string(), key.to_string());
        let (at, answer) = entries.map.peek(&key)?;
        if expired(*at, answer, now) {
            entries.map.remove(&key);
            return None;
        }
        entries.map.get(&key).map(|(_, answer)| answer.clone())
    }

    fn put(&self, region: &str, key: String, answer: ParameterLookup, now: Instant) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let due = entries
            .swept
            .is_none_or(|at| now.saturating_duration_since(at) >= ERROR_TTL);
        if due || entries.map.len() >= entries.map.cap() {
            entries
                .map
                .retain(|_, (at, answer)| !expired(*at, answer, now));
            entries.swept = Some(now);
        }
        entries.map.insert((region.to_string(), key), (now, answer));
    }

    /// Answers held now, expired ones not yet dropped included.
    pub fn len(&self) -> usize {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The secrets of each service's task definition with what SSM says about them, by
/// service name. Never fails as a whole: a failed call marks its parameters `Unknown`
/// with the error (which names DescribeParameters), and the rest stays usable.
pub async fn secrets_health(
    ctx: &AwsContext,
    services: &[(String, TaskDefinition)],
) -> BTreeMap<String, Vec<SecretHealth>> {
    // region -> key -> the name as written (sent as is; SSM matches either form).
    let mut wanted: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for (_, td) in services {
        for s in td.containers.iter().flat_map(|c| &c.secrets) {
            let target = parse_value_from(&s.value_from);
            if let SecretCheck::Describe { region, name } = check_for(&target, &td.arn, &ctx.region)
            {
                wanted
                    .entry(region)
                    .or_default()
                    .entry(parameter_key(&name))
                    .or_insert(name);
            }
        }
    }
    let answers = lookup(ctx, wanted).await;
    services
        .iter()
        .map(|(service, td)| {
            let rows = secret_health(td, &ctx.region, |region, name| {
                answers.get(&(region.to_string(), parameter_key(name)))
            });
            (service.clone(), rows)
        })
        .collect()
}

/// Answers for every wanted parameter: from the cache, else DescribeParameters.
async fn lookup(
    ctx: &AwsContext,
    wanted: BTreeMap<String, BTreeMap<String, String>>,
) -> HashMap<(String, String), ParameterLookup> {
    let now = Instant::now();
    let mut answers = HashMap::new();
    let mut batches = Vec::new();
    for (region, names) in wanted {
        let mut ask = Vec::new();
        for (key, name) in names {
            match ctx.parameters.get(&region, &key, now) {
                Some(answer) => {
                    answers.insert((region.clone(), key), answer);
                }
                None => ask.push((key, name)),
            }
        }
        for chunk in ask.chunks(DESCRIBE_PARAMETERS_MAX) {
            batches.push((region.clone(), chunk.to_vec()));
        }
    }
    let fetched: Vec<_> = futures::stream::iter(batches)
        .map(|(region, chunk)| async move {
            let client = client_for(ctx, &region);
            let names = chunk.iter().map(|(_, n)| n.clone()).collect();
            let result = describe(ctx, &client, names).await;
            (region, chunk, result)
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    for (region, chunk, result) in fetched {
        let found: Result<HashMap<String, ParameterMeta>, String> = result
            .map(|metas| {
                metas
                    .into_iter()
                    .map(|m| (parameter_key(&m.name), m))
                    .collect()
            })
            .map_err(|e| e.to_string());
        for (key, _) in chunk {
            let answer = match &found {
                Ok(by_key) => Ok(by_key.get(&key).cloned()),
                Err(e) => Err(e.clone()),
            };
            ctx.parameters
                .put(&region, key.clone(), answer.clone(), now);
            answers.insert((region.clone(), key), answer);
        }
    }
    answers
}

/// DescribeParameters with `Name Equals names` (at most 50), every page.
async fn describe(
    ctx: &AwsContext,
    client: &aws_sdk_ssm::Client,
    names: Vec<String>,
) -> Result<Vec<ParameterMeta>, AwsError> {
    let filter = ParameterStringFilter::builder()
        .key("Name")
        .option("Equals")
        .set_values(Some(names))
        .build()
        .map_err(|e| AwsError::new("DescribeParameters", AwsErrorKind::Service, e.to_string()))?;
    let mut out = Vec::new();
    let mut token = None;
    let mut pages = super::pages::Pages::new("DescribeParameters");
    loop {
        ctx.stats.record("DescribeParameters");
        let page = client
            .describe_parameters()
            .parameter_filters(filter.clone())
            .max_results(50)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("DescribeParameters", e))?;
        out.extend(page.parameters().iter().filter_map(meta));
        token = pages.next(page.next_token())?;
        if token.is_none() {
            return Ok(out);
        }
    }
}

fn meta(p: &ParameterMetadata) -> Option<ParameterMeta> {
    Some(ParameterMeta {
        name: p.name()?.to_string(),
        param_type: p
            .r#type()
            .map_or_else(|| "-".to_string(), |t| t.as_str().to_string()),
        version: p.version(),
        last_modified: p
            .last_modified_date()
            .map(|t| Timestamp::from_secs_f64(t.as_secs_f64())),
    })
}

/// `ctx.ssm`, or a copy of it for a parameter ARN's region (ECS reads those there).
fn client_for(ctx: &AwsContext, region: &str) -> aws_sdk_ssm::Client {
    if region == ctx.region {
        ctx.ssm.clone()
    } else {
        let conf = ctx
            .ssm
            .config()
            .to_builder()
            .region(Region::new(region.to_string()))
            .build();
        aws_sdk_ssm::Client::from_conf(conf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cached_answers_expire_errors_sooner() {
        let cache = ParameterCache::default();
        let t0 = Instant::now();
        cache.put("us-east-1", "/a".into(), Ok(None), t0);
        cache.put(
            "us-east-1",
            "/b".into(),
            Err("DescribeParameters failed".into()),
            t0,
        );
        let at = |secs| t0 + Duration::from_secs(secs);
        assert_eq!(cache.get("us-east-1", "/a", at(59)), Some(Ok(None)));
        assert!(cache.get("us-east-1", "/b", at(59)).is_some());
        assert!(cache.get("us-east-1", "/b", at(60)).is_none());
        assert_eq!(cache.get("us-east-1", "/a", at(299)), Some(Ok(None)));
        assert!(cache.get("us-east-1", "/a", at(300)).is_none());
        // Keyed by region too.
        assert!(cache.get("eu-west-1", "/a", at(1)).is_none());
    }

    #[test]
    fn expired_answers_are_dropped_when_met_or_on_a_later_put() {
        let cache = ParameterCache::default();
        let t0 = Instant::now();
        let at = |secs| t0 + Duration::from_secs(secs);
        cache.put("us-east-1", "/a".into(), Ok(None), t0);
        cache.put("us-east-1", "/err".into(), Err("denied".into()), t0);
        cache.put("us-east-1", "/b".into(), Ok(None), at(50));
        assert_eq!(cache.len(), 3);
        // Met after its time: gone, not only hidden.
        assert!(cache.get("us-east-1", "/err", at(61)).is_none());
        assert_eq!(cache.len(), 2);
        // A put after /a expired sweeps it out, never met again; /b, still fresh, stays.
        cache.put("us-east-1", "/c".into(), Ok(None), at(301));
        assert_eq!(cache.len(), 2);
        assert!(cache.get("us-east-1", "/b", at(301)).is_some());
        assert!(cache.get("us-east-1", "/c", at(301)).is_some());
    }

    #[test]
    fn the_parameter_cache_keeps_its_cap_and_the_recently_used() {
        let cache = ParameterCache::with_cap(100);
        let t0 = Instant::now();
        cache.put("us-east-1", "/app/key".into(), Ok(None), t0);
        for i in 0..1_000 {
            cache.put("us-east-1", format!("/p/{i}"), Ok(None), t0);
            assert!(cache.get("us-east-1", "/app/key", t0).is_some());
        }
        assert_eq!(cache.len(), 100);
        assert!(cache.get("us-east-1", "/p/999", t0).is_some());
        // Evicted: a miss, so `lookup` asks DescribeParameters again.
        assert!(cache.get("us-east-1", "/p/0", t0).is_none());
        // Once their time is past, the next put sweeps them all out.
        let later = t0 + CACHE_TTL;
        cache.put("us-east-1", "/new".into(), Ok(None), later);
        assert_eq!(cache.len(), 1);
    }
}
