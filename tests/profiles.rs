//! Profiles from the AWS files through the real binary: an SSO profile whose token has
//! expired is one line that says what to run, in the headless commands too.

mod support;

use std::time::Duration;

use support::TestBed;

#[test]
fn once_with_an_expired_sso_profile_says_to_log_in_and_nothing_more() {
    // Nothing is listed, so an empty server will do.
    let bed = TestBed::empty();
    let env = bed.aws_profiles();
    let run = bed.run_with_input(
        ["--once", "--profile", "expired"],
        &env,
        "",
        Duration::from_secs(60),
    );
    assert_eq!(run.code, Some(1), "{run}");
    assert_eq!(
        run.stderr.trim(),
        "toadtop: ListClusters failed: SSO session expired or not logged in (run `aws sso login` for this profile)",
        "{run}"
    );
}

#[test]
fn a_named_profile_reads_its_keys_from_the_credentials_file() {
    let bed = TestBed::seeded();
    let env = bed.aws_profiles();
    // A named profile supplies its own credentials (`other`'s are in the credentials
    // file); --region beats the profile's eu-west-1, where nothing is seeded.
    let run = bed.run_with_input(
        [
            "--once",
            "--output",
            "json",
            "--profile",
            "other",
            "--region",
            "us-east-1",
        ],
        &env,
        "",
        Duration::from_secs(60),
    );
    assert_eq!(run.code, Some(0), "{run}");
    let snapshot = run.json();
    assert_eq!(snapshot["profile"], "other");
    assert_eq!(snapshot["region"], "us-east-1");
    assert_eq!(
        snapshot["clusters"].as_array().map(Vec::len),
        Some(3),
        "{run}"
    );
}
