use super::*;

const CONFIG: &str = "\
# a comment line
; another one
[default]
region = us-east-1

[profile dev]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Developer
region = eu-west-1 # inline comment

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-central-1
sso_registration_scopes = sso:account:access

[profile legacy-sso]
sso_start_url = https://old.awsapps.com/start
sso_region = us-west-2
sso_account_id = 444455556666
sso_role_name = Admin

[profile prod]
role_arn = arn:aws:iam::999988887777:role/Operator
source_profile = dev
region = eu-central-1
s3 =
  max_concurrent_requests = 20
  region = not-a-profile-region

[profile ci]
role_arn = arn:aws:iam::999988887777:role/Ci
credential_source = Environment

[profile web]
role_arn = arn:aws:iam::999988887777:role/Web
web_identity_token_file = /var/run/token

[profile tool]
credential_process = /usr/local/bin/creds --json
REGION = ap-south-1

[profile empty]

[ignored-without-prefix]
region = us-west-1

[services local]
ecs =
  endpoint_url = http://localhost:4566
";

const CREDENTIALS: &str = "\
[default]
aws_access_key_id = AKIADEFAULT
aws_secret_access_key = secret

[keys-only]
aws_access_key_id = AKIAKEYS
aws_secret_access_key = secret;not-a-comment

[profile wrong-file]
aws_access_key_id = AKIAWRONG
";

fn find<'a>(all: &'a [ProfileInfo], name: &str) -> &'a ProfileInfo {
    all.iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no profile {name} in {all:#?}"))
}

#[test]
fn every_profile_of_both_files_sorted_and_nothing_else() {
    let all = parse(CONFIG, CREDENTIALS);
    let names: Vec<&str> = all.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "ci",
            "default",
            "dev",
            "empty",
            "keys-only",
            "legacy-sso",
            "prod",
            "tool",
            "web"
        ],
        "`[x]` in config, `[profile x]` in credentials, sso-session and services sections are not profiles"
    );
}

#[test]
fn sso_session_profiles_take_start_url_and_sso_region_from_the_session() {
    let all = parse(CONFIG, "");
    let dev = find(&all, "dev");
    assert_eq!(
        dev.region.as_deref(),
        Some("eu-west-1"),
        "inline comment cut"
    );
    assert_eq!(
        dev.kind,
        ProfileKind::Sso {
            session: Some("corp".into()),
            start_url: Some("https://corp.awsapps.com/start".into()),
            sso_region: Some("eu-central-1".into()),
            account_id: Some("111122223333".into()),
            role_name: Some("Developer".into()),
        }
    );
    let legacy = find(&all, "legacy-sso");
    assert_eq!(
        legacy.region, None,
        "sso_region is not the profile's region"
    );
    assert_eq!(
        legacy.kind,
        ProfileKind::Sso {
            session: None,
            start_url: Some("https://old.awsapps.com/start".into()),
            sso_region: Some("us-west-2".into()),
            account_id: Some("444455556666".into()),
            role_name: Some("Admin".into()),
        }
    );
}

#[test]
fn roles_web_identity_process_keys_and_regions() {
    let all = parse(CONFIG, CREDENTIALS);
    let prod = find(&all, "prod");
    assert_eq!(
        prod.region.as_deref(),
        Some("eu-central-1"),
        "an indented sub-property does not replace the region"
    );
    assert_eq!(
        prod.kind,
        ProfileKind::Role {
            role_arn: "arn:aws:iam::999988887777:role/Operator".into(),
            source_profile: Some("dev".into()),
            credential_source: None,
        }
    );
    assert_eq!(
        find(&all, "ci").kind,
        ProfileKind::Role {
            role_arn: "arn:aws:iam::999988887777:role/Ci".into(),
            source_profile: None,
            credential_source: Some("Environment".into()),
        }
    );
    assert_eq!(
        find(&all, "web").kind,
        ProfileKind::WebIdentity {
            role_arn: "arn:aws:iam::999988887777:role/Web".into()
        }
    );
    let tool = find(&all, "tool");
    assert_eq!(tool.kind, ProfileKind::CredentialProcess);
    assert_eq!(
        tool.region.as_deref(),
        Some("ap-south-1"),
        "keys are case-insensitive"
    );
    assert_eq!(find(&all, "keys-only").kind, ProfileKind::Static);
    assert_eq!(find(&all, "keys-only").region, None);
    let empty = find(&all, "empty");
    assert_eq!(
        (&empty.region, &empty.kind),
        (&None, &ProfileKind::NoCredentials)
    );
}

#[test]
fn default_merges_config_region_with_credentials_keys() {
    let all = parse(CONFIG, CREDENTIALS);
    let default = find(&all, "default");
    assert_eq!(default.region.as_deref(), Some("us-east-1"));
    assert_eq!(default.kind, ProfileKind::Static);
}

#[test]
fn profile_default_in_config_wins_over_bare_default() {
    let all = parse(
        "[default]\nregion = us-east-1\n[profile default]\nregion = eu-north-1\n",
        "",
    );
    assert_eq!(all.len(), 1, "{all:#?}");
    assert_eq!(all[0].region.as_deref(), Some("eu-north-1"));
    // An empty `[default]` still defines the profile.
    let all = parse("[default]\n", "");
    assert_eq!(all[0].name, "default");
    assert_eq!(all[0].kind, ProfileKind::NoCredentials);
}

#[test]
fn credentials_file_keys_win_over_config_for_the_same_profile() {
    let all = parse(
        "[profile both]\nregion = eu-west-3\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = base\n",
        "[both]\nregion = us-west-1\naws_access_key_id = AKIA\n",
    );
    let both = find(&all, "both");
    assert_eq!(both.region.as_deref(), Some("us-west-1"));
    // A role_arn still makes it a role profile (aws-config assumes the role first).
    assert!(matches!(both.kind, ProfileKind::Role { .. }), "{both:?}");
}

#[test]
fn garbage_lines_and_headers_do_not_break_the_rest() {
    let all = parse(
        "region = before-any-section\n[profile ok]\nno equals sign\nregion=us-east-2\n[profile bad name!]\nregion = x\n[profile unterminated\nregion = y\n",
        "",
    );
    let names: Vec<&str> = all.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["ok"]);
    assert_eq!(all[0].region.as_deref(), Some("us-east-2"));
}

#[test]
fn paths_from_env_overrides_with_tilde_else_home_dot_aws() {
    let env = |vars: &'static [(&'static str, &'static str)]| {
        move |k: &str| {
            vars.iter()
                .find(|(name, _)| *name == k)
                .map(|(_, v)| v.to_string())
        }
    };
    let (config, credentials) = paths(env(&[("HOME", "/home/op")]));
    assert_eq!(config, PathBuf::from("/home/op/.aws/config"));
    assert_eq!(credentials, PathBuf::from("/home/op/.aws/credentials"));
    let (config, credentials) = paths(env(&[
        ("HOME", "/home/op"),
        ("AWS_CONFIG_FILE", "/etc/aws/config"),
        ("AWS_SHARED_CREDENTIALS_FILE", "~/secrets/creds"),
    ]));
    assert_eq!(config, PathBuf::from("/etc/aws/config"));
    assert_eq!(credentials, PathBuf::from("/home/op/secrets/creds"));
}

#[test]
fn load_reads_the_files_the_env_names_and_tolerates_missing_ones() {
    let dir = std::env::temp_dir().join(format!("toadtop-profiles-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("config");
    std::fs::write(&config, "[profile from-env]\nregion = sa-east-1\n").unwrap();
    let (c, missing) = (
        config.display().to_string(),
        dir.join("nope").display().to_string(),
    );
    let all = load(|k| match k {
        "AWS_CONFIG_FILE" => Some(c.clone()),
        "AWS_SHARED_CREDENTIALS_FILE" => Some(missing.clone()),
        _ => None,
    });
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].name, "from-env");
    assert_eq!(all[0].region.as_deref(), Some("sa-east-1"));
}
