//! The plugin hand-off: the argv the AWS CLI would give session-manager-plugin, the token
//! only in the environment, and finding the plugin on disk.

use super::*;

/// A fresh directory under the system temp dir, removed on drop.
struct Dir(PathBuf);

impl Dir {
    fn new(tag: &str) -> Dir {
        use std::sync::atomic::{AtomicU32, Ordering};
        static N: AtomicU32 = AtomicU32::new(0);
        let p = std::env::temp_dir().join(format!(
            "toadtop-plugin-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&p).expect("create temp dir");
        Dir(p)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn str(&self) -> &str {
        self.0.to_str().expect("utf-8 temp path")
    }

    /// Writes a file named `name` with this mode and returns its path.
    fn file(&self, name: &str, mode: u32) -> PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, "#!/bin/sh\nexit 0\n").expect("write file");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).expect("chmod");
        }
        #[cfg(not(unix))]
        let _ = mode;
        p
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const SESSION: &str = r#"{"sessionId":"ecs-execute-command-0123","streamUrl":"wss://ssmmessages.us-east-1.amazonaws.com/v1/data-channel/ecs-execute-command-0123","tokenValue":"S3CRET-T0KEN"}"#;

fn sample(profile: Option<&str>) -> Invocation {
    invocation(
        Path::new("/opt/bin/session-manager-plugin"),
        SESSION,
        "eu-west-1",
        profile,
        "production",
        "0a1b2c3d4e5f",
        "0a1b2c3d4e5f-1234567890",
        "https://ecs.eu-west-1.amazonaws.com",
    )
}

#[test]
fn invocation_has_exactly_the_aws_cli_argv() {
    let inv = sample(Some("prod-admin"));
    assert_eq!(
        inv.program,
        PathBuf::from("/opt/bin/session-manager-plugin")
    );
    assert_eq!(
        inv.args,
        [
            "AWS_SSM_START_SESSION_RESPONSE",
            "eu-west-1",
            "StartSession",
            "prod-admin",
            r#"{"Target":"ecs:production_0a1b2c3d4e5f_0a1b2c3d4e5f-1234567890"}"#,
            "https://ecs.eu-west-1.amazonaws.com",
        ]
    );
    assert_eq!(inv.args[0], RESPONSE_ENV);
    // The target parses as JSON with only the Target key.
    let target: serde_json::Value = serde_json::from_str(&inv.args[4]).expect("target JSON");
    assert_eq!(
        target,
        serde_json::json!({"Target": "ecs:production_0a1b2c3d4e5f_0a1b2c3d4e5f-1234567890"})
    );
}

#[test]
fn invocation_without_a_profile_passes_an_empty_string() {
    let inv = sample(None);
    assert_eq!(inv.args.len(), 6);
    assert_eq!(inv.args[3], "");
    assert_eq!(inv.args[2], "StartSession");
}

#[test]
fn the_session_and_its_token_travel_only_in_the_environment() {
    let inv = sample(Some("p"));
    assert_eq!(
        inv.env,
        [(RESPONSE_ENV.to_string(), SESSION.to_string())],
        "exactly one variable, named as argv[1] says, holding the session verbatim"
    );
    assert_eq!(inv.env[0].0, inv.args[0]);
    for a in &inv.args {
        assert!(!a.contains("S3CRET-T0KEN"), "token in argv: {a}");
        assert!(!a.contains("sessionId"), "session in argv: {a}");
    }
    assert!(!inv.program.to_string_lossy().contains("S3CRET"));
    let debug = format!("{inv:?}");
    assert!(!debug.contains("S3CRET-T0KEN"), "token in Debug: {debug}");
    assert!(
        !debug.contains("data-channel"),
        "stream URL in Debug: {debug}"
    );
    assert!(debug.contains(RESPONSE_ENV), "{debug}");
}

#[test]
fn a_target_with_json_special_characters_stays_valid_json() {
    let inv = invocation(
        Path::new("p"),
        "{}",
        "us-east-1",
        None,
        "odd\"cluster",
        "t",
        "r",
        "e",
    );
    let target: serde_json::Value = serde_json::from_str(&inv.args[4]).expect("target JSON");
    assert_eq!(target["Target"], "ecs:odd\"cluster_t_r");
}

#[cfg(unix)]
#[test]
fn locate_finds_the_first_executable_on_path_and_skips_non_executables() {
    let plain = Dir::new("plain");
    let exe = Dir::new("exe");
    let later = Dir::new("later");
    plain.file("session-manager-plugin", 0o644);
    let want = exe.file("session-manager-plugin", 0o755);
    later.file("session-manager-plugin", 0o755);
    let path = format!(
        "/nonexistent-toadtop-dir::{}:{}:{}",
        plain.str(),
        exe.str(),
        later.str()
    );
    assert_eq!(locate(None, Some(&path)), Ok(want));
}

#[cfg(unix)]
#[test]
fn locate_skips_a_directory_with_the_plugins_name() {
    let d = Dir::new("dir");
    std::fs::create_dir(d.path().join("session-manager-plugin")).expect("mkdir");
    let exe = Dir::new("exe2");
    let want = exe.file("session-manager-plugin", 0o700);
    let path = format!("{}:{}", d.str(), exe.str());
    assert_eq!(locate(None, Some(&path)), Ok(want));
}

#[cfg(unix)]
#[test]
fn locate_errors_name_what_is_missing() {
    let plain = Dir::new("only-plain");
    plain.file("session-manager-plugin", 0o644);
    assert_eq!(
        locate(None, Some(plain.str())),
        Err("session-manager-plugin is not on PATH".to_string())
    );
    assert_eq!(
        locate(None, None),
        Err("session-manager-plugin is not on PATH".to_string())
    );
    assert_eq!(
        locate(None, Some("")),
        Err("session-manager-plugin is not on PATH".to_string())
    );
}

#[cfg(unix)]
#[test]
fn locate_honours_a_configured_absolute_path_and_ignores_path() {
    let d = Dir::new("configured");
    let custom = d.file("my-smp", 0o755);
    let custom_str = custom.to_str().expect("utf-8");
    // PATH has another plugin; the configured path wins, and PATH does not matter.
    let other = Dir::new("other");
    other.file("session-manager-plugin", 0o755);
    assert_eq!(
        locate(Some(custom_str), Some(other.str())),
        Ok(custom.clone())
    );
    assert_eq!(locate(Some(custom_str), None), Ok(custom));

    let plain = d.file("not-exec", 0o644);
    let plain_str = plain.to_str().expect("utf-8");
    assert_eq!(
        locate(Some(plain_str), Some(other.str())),
        Err(format!("{plain_str} is not an executable file"))
    );
    let missing = d.path().join("missing");
    let missing_str = missing.to_str().expect("utf-8");
    assert_eq!(
        locate(Some(missing_str), Some(other.str())),
        Err(format!("{missing_str} is not an executable file"))
    );
}

#[cfg(unix)]
#[test]
fn locate_looks_a_configured_bare_name_up_on_path() {
    let d = Dir::new("bare");
    let want = d.file("smp-v2", 0o755);
    assert_eq!(locate(Some("smp-v2"), Some(d.str())), Ok(want));
    assert_eq!(
        locate(Some("smp-v3"), Some(d.str())),
        Err("smp-v3 is not on PATH".to_string())
    );
}

#[test]
fn ecs_endpoint_is_the_custom_one_or_the_regional_default() {
    assert_eq!(
        ecs_endpoint(None, "eu-central-1"),
        "https://ecs.eu-central-1.amazonaws.com"
    );
    assert_eq!(
        ecs_endpoint(Some("http://127.0.0.1:4566"), "eu-central-1"),
        "http://127.0.0.1:4566"
    );
}

#[cfg(unix)]
#[test]
fn locate_skips_relative_path_entries() {
    // Unit tests run in the package root, where this relative directory holds an
    // executable stand-in plugin: found only through its absolute path.
    let rel = "tests/fixtures/bin";
    assert!(Path::new(rel).join("session-manager-plugin").is_file());
    assert!(locate(None, Some(rel)).is_err());
    let exe = Dir::new("absolute");
    let want = exe.file("session-manager-plugin", 0o755);
    let path = format!("{rel}:.::{}", exe.str());
    assert_eq!(locate(None, Some(&path)), Ok(want));
}

#[test]
fn the_plugin_gets_no_credentials_and_no_unrelated_variables() {
    let env = |pairs: &[(&str, &str)]| {
        plugin_env(
            pairs
                .iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect::<Vec<_>>()
                .into_iter(),
        )
        .into_iter()
        .map(|(k, _)| k.into_string().unwrap())
        .collect::<Vec<_>>()
    };
    let passed = env(&[
        ("PATH", "/usr/bin"),
        ("HOME", "/home/op"),
        ("TERM", "xterm-256color"),
        ("LANG", "en_US.UTF-8"),
        ("LC_ALL", "C.UTF-8"),
        ("HTTPS_PROXY", "http://proxy:3128"),
        ("AWS_PROFILE", "prod"),
        ("AWS_CONFIG_FILE", "/home/op/.aws/config"),
        ("AWS_ACCESS_KEY_ID", "AKIA..."),
        ("AWS_SECRET_ACCESS_KEY", "secret"),
        ("AWS_SESSION_TOKEN", "token"),
        ("AWS_SECURITY_TOKEN", "token"),
        ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "token"),
        ("DB_PASSWORD", "pw"),
        ("GITHUB_TOKEN", "ghp"),
    ]);
    assert_eq!(
        passed,
        [
            "PATH",
            "HOME",
            "TERM",
            "LANG",
            "LC_ALL",
            "HTTPS_PROXY",
            "AWS_PROFILE",
            "AWS_CONFIG_FILE"
        ]
    );
}
