use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::app::actions::{Job, Modal};
use crate::app::{update, Msg};
use crate::domain::{ErrorKind, Failure, ProfileInfo, ProfileKind};
use crate::fixtures;
use crate::ops::jobs::JobRequest;

/// The profiles `aws::profiles::parse` reads from this config file (and, with
/// `other_keys`, a credentials file giving `other` static keys), sorted by name:
/// ```ini
/// [default]
/// region = us-east-1
/// [profile other]
/// region = eu-west-1
/// [profile sso-dev]
/// sso_session = corp
/// sso_account_id = 111122223333
/// sso_role_name = Dev
/// region = ap-southeast-2
/// [sso-session corp]
/// sso_start_url = https://corp.awsapps.com/start
/// sso_region = eu-central-1
/// [profile no-region]
/// credential_process = creds
/// [profile gov]
/// region = us-gov-west-1
/// ```
fn profiles(other_keys: bool) -> Vec<ProfileInfo> {
    let profile = |name: &str, region: Option<&str>, kind| ProfileInfo {
        name: name.into(),
        region: region.map(str::to_string),
        kind,
    };
    let other = if other_keys {
        ProfileKind::Static
    } else {
        ProfileKind::NoCredentials
    };
    vec![
        profile("default", Some("us-east-1"), ProfileKind::NoCredentials),
        profile("gov", Some("us-gov-west-1"), ProfileKind::NoCredentials),
        profile("no-region", None, ProfileKind::CredentialProcess),
        profile("other", Some("eu-west-1"), other),
        profile(
            "sso-dev",
            Some("ap-southeast-2"),
            ProfileKind::Sso {
                session: Some("corp".into()),
                start_url: Some("https://corp.awsapps.com/start".into()),
                sso_region: Some("eu-central-1".into()),
                account_id: Some("111122223333".into()),
                role_name: Some("Dev".into()),
            },
        ),
    ]
}

/// The seeded-like state (production and staging, production's detail) with profiles.
fn state() -> State {
    let mut s = fixtures::state_with(fixtures::production());
    s.account.profiles = profiles(true);
    s
}

/// `:text` then Enter, through `update` as the keys arrive.
fn palette(state: &mut State, text: &str) -> Vec<Effect> {
    let key = |c| Msg::Key(KeyEvent::new(c, KeyModifiers::NONE));
    let mut effects = update(state, key(KeyCode::Char(':')));
    for c in text.chars() {
        effects.extend(update(state, key(KeyCode::Char(c))));
    }
    effects.extend(update(state, key(KeyCode::Enter)));
    effects
}

fn status(state: &State) -> (String, bool) {
    let s = state.status.as_ref().expect("a status line");
    (s.text.clone(), s.error)
}

fn switch(profile: Option<&str>, region: &str) -> Effect {
    Effect::Switch {
        profile: profile.map(str::to_string),
        region: region.to_string(),
    }
}

fn switched(profile: &str, region: &str) -> Switched {
    Switched {
        profile_flag: Some(profile.to_string()),
        profile: profile.to_string(),
        region: region.to_string(),
        endpoint_url: Some("http://127.0.0.1:5000".into()),
        profiles: profiles(false),
    }
}

#[test]
fn profile_switches_to_that_profiles_region_and_one_switch_runs_at_a_time() {
    let mut s = state();
    assert_eq!(
        palette(&mut s, "profile other"),
        [switch(Some("other"), "eu-west-1")]
    );
    assert_eq!(
        status(&s),
        ("switching to other @ eu-west-1…".into(), false)
    );
    // The header still shows the old account until the new clients are there.
    assert_eq!(
        (s.profile.as_str(), s.region.as_str()),
        ("default", "us-east-1")
    );

    assert!(palette(&mut s, "region eu-west-2").is_empty());
    assert_eq!(
        status(&s),
        ("already switching to other @ eu-west-1".into(), true)
    );
}

#[test]
fn a_profile_without_a_region_keeps_the_current_one() {
    let mut s = state();
    assert_eq!(
        palette(&mut s, "profile no-region"),
        [switch(Some("no-region"), "us-east-1")]
    );
}

#[test]
fn unknown_profiles_and_bad_region_names_are_refused_with_what_exists() {
    let mut s = state();
    assert!(palette(&mut s, "profile nope").is_empty());
    let (text, error) = status(&s);
    assert!(error);
    assert!(
        text.starts_with("no profile `nope` in the AWS config files (known: default, gov, no-region, other, sso-dev)"),
        "{text}"
    );
    for bad in ["eu_west_1", "europe", "eu-west-", "EU-WEST-1"] {
        assert!(
            palette(&mut s, &format!("region {bad}")).is_empty(),
            "{bad}"
        );
        assert!(status(&s).0.contains("is not an AWS region name"), "{bad}");
    }
    assert_eq!(
        palette(&mut s, "region us-gov-east-1"),
        [switch(None, "us-gov-east-1")]
    );
}

#[test]
fn bare_commands_say_what_is_current() {
    let mut s = state();
    assert!(palette(&mut s, "profile").is_empty());
    let (text, error) = status(&s);
    assert!(!error);
    assert_eq!(
        text,
        "profile default; :profile NAME switches to default (no credentials), gov (no credentials), no-region (process), other (keys), sso-dev (sso)"
    );
    assert!(palette(&mut s, "region").is_empty());
    assert_eq!(status(&s).0, "region us-east-1; :region NAME switches");
}

#[test]
fn a_running_action_blocks_switching_read_only_does_not() {
    let mut s = state();
    s.job = Some(Job {
        id: 1,
        request: JobRequest::Restart {
            cluster: "production".into(),
            service: "web".into(),
        },
        lines: Vec::new(),
        logs: crate::logs::LogBuffer::new(10),
        outcome: None,
        scroll: 0,
        before: None,
        left: Default::default(),
    });
    assert!(palette(&mut s, "profile other").is_empty());
    assert_eq!(
        status(&s),
        (
            "a restart is running: switch when it has ended (:job shows it)".into(),
            true
        )
    );
    s.job = None;
    s.read_only = true;
    assert_eq!(
        palette(&mut s, "region eu-north-1"),
        [switch(None, "eu-north-1")]
    );
}

#[test]
fn a_switch_starts_every_pane_over_and_reloads() {
    let mut s = fixtures::log_state(10);
    s.account.profiles = profiles(false);
    assert!(s.logs.is_some() && s.stack.len() > 1 && s.details.contains_key("production"));
    let session = s.logs.as_ref().unwrap().session;
    s.modal = Some(Modal::Preparing {
        job: JobRequest::Restart {
            cluster: "production".into(),
            service: "web".into(),
        },
        notes: Vec::new(),
    });
    s.account.switching = Some(Target {
        profile: "other".into(),
        region: "eu-west-1".into(),
    });

    let effects = update(&mut s, Msg::Switched(Ok(switched("other", "eu-west-1"))));

    assert!(
        effects.contains(&Effect::StopLogs { session }),
        "{effects:?}"
    );
    let loads: Vec<&Effect> = effects
        .iter()
        .filter(|e| matches!(e, Effect::LoadClusters { .. }))
        .collect();
    assert_eq!(loads.len(), 1, "{effects:?}");
    assert!(s.logs.is_none() && s.modal.is_none());
    assert_eq!(s.stack.len(), 1);
    assert_eq!(s.screen().view, View::Clusters);
    assert!(s.clusters.data.is_none() && s.clusters.is_loading());
    assert!(s.details.is_empty() && s.findings.is_empty() && s.alerts.is_empty());
    assert_eq!(
        (s.profile.as_str(), s.region.as_str()),
        ("other", "eu-west-1")
    );
    assert_eq!(s.account.profile_flag.as_deref(), Some("other"));
    assert_eq!(s.endpoint_url.as_deref(), Some("http://127.0.0.1:5000"));
    assert!(s.account.switching.is_none());
    assert_eq!(status(&s), ("switched to other @ eu-west-1".into(), false));
}

#[test]
fn a_failed_switch_keeps_everything_and_an_sso_failure_says_what_to_run() {
    let mut s = state();
    palette(&mut s, "profile sso-dev");
    let before = (s.clusters.clone(), s.stack.clone());

    let sso = "loading credentials failed: SSO session expired or not logged in (run `aws sso login` for this profile)";
    let sso = Failure::new(sso, ErrorKind::SsoLogin);
    assert!(update(&mut s, Msg::Switched(Err(sso))).is_empty());

    assert_eq!(
        status(&s),
        (
            "SSO session expired: run `aws sso login --profile sso-dev`".into(),
            true
        )
    );
    assert_eq!((s.clusters.clone(), s.stack.clone()), before);
    assert_eq!(s.profile, "default");
    assert!(s.account.switching.is_none(), "a new switch may start");

    palette(&mut s, "profile other");
    update(
        &mut s,
        Msg::Switched(Err(
            "loading credentials failed: profile `other` has no credentials".into(),
        )),
    );
    assert_eq!(
        status(&s).0,
        "could not switch: loading credentials failed: profile `other` has no credentials"
    );
}

#[test]
fn failing_sso_loads_make_one_banner_until_a_load_succeeds() {
    let mut s = state();
    assert_eq!(sso_banner(&s), None);
    let sso = "ListClusters failed: SSO session expired or not logged in (run `aws sso login` for this profile)";
    s.clusters.error = Some(Failure::new(sso, ErrorKind::SsoLogin));
    s.details.get_mut("production").unwrap().error = Some(Failure::new(
        sso.replace("ListClusters", "DescribeServices"),
        ErrorKind::SsoLogin,
    ));
    assert_eq!(
        sso_banner(&s).as_deref(),
        Some("SSO session expired: run `aws sso login --profile default`")
    );
    s.clusters.error = None;
    s.details.get_mut("production").unwrap().error =
        Some("DescribeServices failed: timed out".into());
    assert_eq!(sso_banner(&s), None);
}

#[test]
fn candidates_are_profile_names_and_regions_sorted() {
    let s = state();
    assert_eq!(
        candidates(&s, "profile"),
        ["default", "gov", "no-region", "other", "sso-dev"]
    );
    let regions = candidates(&s, "region");
    assert!(
        regions.windows(2).all(|w| w[0] < w[1]),
        "sorted, no duplicates"
    );
    for r in ["us-east-1", "eu-west-1", "ap-southeast-2", "us-gov-west-1"] {
        assert!(regions.iter().any(|x| x == r), "{r} in {regions:?}");
    }
    assert_eq!(
        regions.len(),
        REGIONS.len() + 1,
        "only gov's region is extra"
    );
    assert!(candidates(&s, "cluster").is_empty());
    assert!(matches!(
        s.account
            .profiles
            .iter()
            .find(|p| p.name == "sso-dev")
            .unwrap()
            .kind,
        ProfileKind::Sso { .. }
    ));
}
