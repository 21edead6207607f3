//! The retry schedule and what the header says about it, driven through `update`.

use super::*;
use crate::app::{update, Effect, Msg, State, View};
use crate::domain::{ErrorKind, Failure};
use crate::fixtures::{self, NOW};

const REFUSED: &str = "ListClusters failed: cannot reach the endpoint: Connection refused (os error 111) (check the network, region or --endpoint-url)";
const DENIED: &str =
    "ListClusters failed: AccessDeniedException: not allowed (the role lacks this permission)";

/// REFUSED as the runtime sends it (`aws::error::classify`): the endpoint is out of reach.
fn refused() -> Failure {
    Failure::new(REFUSED, ErrorKind::Unreachable)
}

fn denied() -> Failure {
    Failure::new(DENIED, ErrorKind::Other)
}

fn at(ms: i64) -> Timestamp {
    Timestamp(NOW.0 + ms)
}

fn tick(s: &mut State, ms: i64) -> Vec<Effect> {
    update(s, Msg::Tick(at(ms)))
}

/// The request id of the cluster load among `effects`, if there is one.
fn clusters_load(effects: &[Effect]) -> Option<u64> {
    effects.iter().find_map(|e| match e {
        Effect::LoadClusters { req } => Some(*req),
        _ => None,
    })
}

/// Answers the cluster load `req` at `ms` (the clock moves first, as a tick would).
fn answer(s: &mut State, ms: i64, req: u64, result: Result<Vec<&str>, Failure>) {
    s.now = at(ms);
    let result = result.map(|names| names.iter().map(|n| fixtures::cluster(n, 1, 1)).collect());
    update(s, Msg::ClustersLoaded { req, result });
}

/// Cluster list shown, loaded at NOW, refreshing every 10 s.
fn shown() -> State {
    let mut s = State::new("default".into(), "us-east-1".into(), None, NOW);
    s.refresh_secs = 10;
    let req = clusters_load(&tick(&mut s, 0)).expect("first tick loads");
    answer(&mut s, 0, req, Ok(vec!["production", "staging"]));
    s
}

#[test]
fn the_wait_doubles_from_two_seconds_to_a_minute() {
    let waits: Vec<i64> = (1..=8).map(|n| retry_delay_ms(n, 10) / 1000).collect();
    assert_eq!(waits, [2, 4, 8, 16, 32, 60, 60, 60]);
    // A longer refresh interval is the cap instead; no overflow however long it lasts.
    assert_eq!(retry_delay_ms(7, 300), 128_000);
    assert_eq!(retry_delay_ms(12, 300), 300_000);
    assert_eq!(retry_delay_ms(u32::MAX, 10), 60_000);
}

#[test]
fn failed_refreshes_back_off_and_the_first_answer_recovers_by_itself() {
    let mut s = shown();
    let mut loads = Vec::new();
    // Ticks every 250 ms for two minutes; the server is down until 30 s.
    for ms in (250..120_000).step_by(250) {
        if let Some(req) = clusters_load(&tick(&mut s, ms)) {
            loads.push(ms);
            // Each try takes 500 ms to fail (or to answer, once the server is back).
            let result = if ms < 30_000 {
                Err(refused())
            } else {
                Ok(vec!["production"])
            };
            answer(&mut s, ms + 500, req, result);
            if ms >= 30_000 {
                break;
            }
        }
    }
    // The regular refresh at 10 s fails; then 2, 4, 8 s after each failure, and the
    // next (16 s after the one at 24.5 s) is the first past 30 s: it gets the answer.
    assert_eq!(loads, [10_000, 12_500, 17_000, 25_500, 42_000]);
    assert_eq!(s.clusters.failing, None);
    assert_eq!(s.clusters.error, None);
    assert_eq!(s.clusters.fetched_at, Some(at(42_500)));
    assert_eq!(
        s.clusters.data.as_ref().map(Vec::len),
        Some(1),
        "data replaced"
    );
    // Back to the regular interval, from the refresh that worked.
    assert!(clusters_load(&tick(&mut s, 51_750)).is_none());
    assert!(clusters_load(&tick(&mut s, 52_000)).is_some());
}

#[test]
fn while_failing_the_header_says_since_when_and_when_it_tries_next() {
    let mut s = shown();
    assert_eq!(note(&s, None), None, "nothing to say while loads work");
    let req = clusters_load(&tick(&mut s, 10_000)).unwrap();
    answer(&mut s, 10_500, req, Err(refused()));
    s.now = at(11_000);
    let since = at(10_500).clock();
    assert_eq!(
        note(&s, Some(&refused())).as_deref(),
        Some(format!("offline since {since} · retry in 2s").as_str())
    );
    // Data from before stays, with its age and the stale mark (header tests).
    assert_eq!(s.current_slot_age(), (Some(NOW), Some(&refused())));

    // The retry is in flight: nothing else is started, whatever the clock says.
    let req = clusters_load(&tick(&mut s, 12_500)).unwrap();
    assert!(tick(&mut s, 60_000).is_empty());
    assert_eq!(
        note(&s, Some(&refused())).as_deref(),
        Some(format!("offline since {since} · retrying…").as_str())
    );
    // Another kind of failure is not "offline"; the run keeps its start.
    answer(&mut s, 60_100, req, Err(denied()));
    assert_eq!(s.clusters.failing.map(|f| f.count), Some(2));
    assert_eq!(
        note(&s, Some(&denied())).as_deref(),
        Some(format!("failing since {since} · retry in 4s").as_str())
    );
}

#[test]
fn a_failing_cluster_detail_backs_off_too() {
    let mut s = fixtures::state_with(fixtures::production());
    s.refresh_secs = 10;
    s.last_refresh = Some(NOW);
    s.stack.push(crate::app::Screen::new(View::Services {
        cluster: "production".into(),
    }));
    let detail_load = |fx: &[Effect]| {
        fx.iter().find_map(|e| match e {
            Effect::LoadDetail { req, .. } => Some(*req),
            _ => None,
        })
    };
    let fx = tick(&mut s, 10_000);
    let dreq = detail_load(&fx).expect("the open cluster reloads");
    let creq = clusters_load(&fx).expect("the cluster list reloads");
    answer(&mut s, 10_100, creq, Ok(vec!["production", "staging"]));
    s.now = at(10_200);
    update(
        &mut s,
        Msg::DetailLoaded {
            req: dreq,
            cluster: "production".into(),
            result: Err("DescribeServices failed: cannot reach the endpoint: x".into()),
        },
    );
    assert!(
        tick(&mut s, 12_199).is_empty(),
        "2 s after the failure, not before"
    );
    assert!(detail_load(&tick(&mut s, 12_200)).is_some());
}
