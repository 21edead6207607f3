//! The fleet's background alert loads through `update`: which loads start, how many at
//! once, what the ALERTS cell says.

use super::*;
use crate::app::update::fleet::CONCURRENCY;
use crate::app::{update, Effect, Msg};
use crate::fixtures::{self, NOW};
use crate::timefmt::Timestamp;

fn clusters(names: &[&str]) -> Vec<crate::domain::Cluster> {
    names.iter().map(|n| fixtures::cluster(n, 2, 2)).collect()
}

/// A detail answer for `cluster` (the fixture is production's; its alerts carry the name).
fn detail(cluster: &str) -> crate::domain::ClusterDetail {
    let mut d = fixtures::production();
    d.cluster = cluster.to_string();
    d
}

fn details_asked(effects: &[Effect]) -> Vec<(u64, String)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::LoadDetail { req, cluster } => Some((*req, cluster.name.clone())),
            _ => None,
        })
        .collect()
}

/// Start-up: the first tick refreshes, the cluster list arrives.
fn started(names: &[&str]) -> (State, Vec<Effect>) {
    let mut state = State::new("default".into(), "us-east-1".into(), None, NOW);
    let effects = update(&mut state, Msg::Tick(NOW));
    let Some(Effect::LoadClusters { req }) = effects.first().cloned() else {
        panic!("{effects:?}")
    };
    let effects = update(
        &mut state,
        Msg::ClustersLoaded {
            req,
            result: Ok(clusters(names)),
        },
    );
    (state, effects)
}

#[test]
fn the_cluster_list_starts_background_loads_four_at_a_time_in_list_order() {
    let names = ["a", "b", "c", "d", "e", "f"];
    let (mut state, effects) = started(&names);
    let asked = details_asked(&effects);
    assert_eq!(
        asked.iter().map(|(_, c)| c.as_str()).collect::<Vec<_>>(),
        ["a", "b", "c", "d"]
    );
    // Each answer makes room for the next cluster, until every one has been asked once.
    let mut all: Vec<String> = asked.iter().map(|(_, c)| c.clone()).collect();
    let mut pending = asked;
    while let Some((req, cluster)) = pending.pop() {
        let effects = update(
            &mut state,
            Msg::DetailLoaded {
                req,
                result: Ok(detail(&cluster)),
                cluster,
            },
        );
        let running = state.details.values().filter(|d| d.is_loading()).count();
        assert!(running <= CONCURRENCY, "{running} loads at once");
        for next in details_asked(&effects) {
            all.push(next.1.clone());
            pending.push(next);
        }
    }
    all.sort();
    assert_eq!(all, names, "each cluster exactly once per refresh");
}

#[test]
fn the_next_refresh_loads_them_again_and_a_failure_stays_in_its_row() {
    let (mut state, effects) = started(&["a", "b"]);
    for (req, cluster) in details_asked(&effects) {
        let result = if cluster == "b" {
            Err("DescribeServices failed: AccessDeniedException: no".into())
        } else {
            Ok(detail(&cluster))
        };
        update(
            &mut state,
            Msg::DetailLoaded {
                req,
                cluster,
                result,
            },
        );
    }
    assert_eq!(cell(&state, "b"), ("⚠ DescribeServices".to_string(), true));
    let (a, failed) = cell(&state, "a");
    assert!(!failed);
    assert_ne!(a, "—", "a's counts survive b's failure");
    assert_eq!(a, counts_text(counts_of(&state.alerts, "a")));
    assert!(state.alerts.iter().any(|x| x.cluster == "a"));

    // Nothing more until the refresh interval has passed.
    let later = Timestamp(NOW.0 + 1_000);
    assert!(details_asked(&update(&mut state, Msg::Tick(later))).is_empty());
    let due = Timestamp(NOW.0 + state.refresh_secs as i64 * 1000 + 1);
    let effects = update(&mut state, Msg::Tick(due));
    let Some(Effect::LoadClusters { req }) = effects.first().cloned() else {
        panic!("{effects:?}")
    };
    let effects = update(
        &mut state,
        Msg::ClustersLoaded {
            req,
            result: Ok(clusters(&["a", "b"])),
        },
    );
    let mut again: Vec<String> = details_asked(&effects).into_iter().map(|x| x.1).collect();
    again.sort();
    assert_eq!(again, ["a", "b"]);
}

#[test]
fn a_region_switch_drops_the_old_accounts_answers() {
    let (mut state, effects) = started(&["a", "b"]);
    let asked = details_asked(&effects);
    update(
        &mut state,
        Msg::Switched(Ok(crate::app::Switched {
            profile: "default".into(),
            region: "eu-west-1".into(),
            endpoint_url: None,
            profile_flag: None,
            profiles: Vec::new(),
        })),
    );
    for (req, cluster) in asked {
        update(
            &mut state,
            Msg::DetailLoaded {
                req,
                result: Ok(detail(&cluster)),
                cluster,
            },
        );
    }
    assert!(state.details.is_empty(), "{:?}", state.details.keys());
    assert!(state.alerts.is_empty());
}

#[test]
fn counts_read_as_levels_present() {
    assert_eq!(counts_text((3, 2, 0)), "3 crit 2 warn");
    assert_eq!(counts_text((0, 0, 1)), "1 info");
    assert_eq!(counts_text((0, 0, 0)), "none");
}

#[test]
fn the_failed_call_is_named() {
    assert_eq!(
        call_of("ListServices failed: AccessDeniedException: nope"),
        "ListServices"
    );
    assert_eq!(call_of("connection refused"), "error");
}

#[test]
fn unknown_clusters_show_a_dash_and_sort_below_none() {
    let state = fixtures::state_with(fixtures::production());
    assert_eq!(cell(&state, "staging"), ("—".to_string(), false));
    assert!(weight(&state, "staging") < 0.0);
    assert!(weight(&state, "production") >= 0.0);
}

#[test]
fn data_is_stale_past_the_refresh_interval_plus_a_grace() {
    let at = |secs: i64| Some(Timestamp(NOW.0 - secs * 1000));
    assert_eq!(stale_secs(at(3), NOW, 10), None);
    assert_eq!(stale_secs(at(15), NOW, 10), None, "a load in flight");
    assert_eq!(stale_secs(at(16), NOW, 10), Some(16));
    assert_eq!(stale_secs(at(120), NOW, 10), Some(120));
    assert_eq!(stale_secs(None, NOW, 10), None, "no data is not stale data");
}

#[test]
fn images_of_a_cluster_loaded_while_findings_were_loading_are_asked_for_after() {
    let (mut state, effects) = started(&["a", "b"]);
    let asked = details_asked(&effects);
    let mut b = detail("b");
    for s in &mut b.services {
        for c in s
            .task_definition
            .iter_mut()
            .flat_map(|td| &mut td.containers)
        {
            c.image = format!("{}-b", c.image);
        }
    }
    let mut findings_for = Vec::new();
    for (req, cluster) in asked {
        let result = Ok(if cluster == "b" {
            b.clone()
        } else {
            detail("a")
        });
        let fx = update(
            &mut state,
            Msg::DetailLoaded {
                req,
                cluster,
                result,
            },
        );
        findings_for.extend(fx.into_iter().filter_map(|e| match e {
            Effect::LoadFindings { images } => Some(images),
            _ => None,
        }));
    }
    // The first detail's findings load was still running when the second arrived.
    assert_eq!(findings_for.len(), 1, "{findings_for:?}");
    let first = findings_for.remove(0);
    let answer = first
        .iter()
        .map(|i| {
            let f = crate::domain::ImageFindings {
                image: i.clone(),
                digest: None,
                status: "COMPLETE".into(),
                counts: Default::default(),
                items: Vec::new(),
                scan_settings: None,
                error: None,
            };
            (i.clone(), f)
        })
        .collect();
    let fx = update(&mut state, Msg::FindingsLoaded(answer));
    let [Effect::LoadFindings { images }] = fx.as_slice() else {
        panic!("the other cluster's images next: {fx:?}")
    };
    assert!(!images.is_empty());
    assert!(images.iter().all(|i| !first.contains(i)), "{images:?}");
    // Once every image has an answer, nothing more is asked.
    let rest = images
        .iter()
        .map(|i| {
            let mut f = state.findings[&first[0]].clone();
            f.image = i.clone();
            (i.clone(), f)
        })
        .collect();
    assert!(update(&mut state, Msg::FindingsLoaded(rest)).is_empty());
}
