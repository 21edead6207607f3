//! The profiles in the AWS shared config and credentials files, for `:profile` and its
//! completion. Only names, regions and what kind of credentials each uses: resolving them
//! stays with aws-config (`connect` with the profile's name).
//!
//! The file format follows aws-config's parser: `#`/`;` comment lines, inline comments
//! only after whitespace, lower-cased keys, indented lines continue a property;
//! `[profile x]` (and `[default]`) in the config file, bare `[x]` in the credentials
//! file, whose keys win over the config file's.

use std::collections::BTreeMap;
use std::path::PathBuf;

pub use crate::domain::{ProfileInfo, ProfileKind};

type Properties = BTreeMap<String, String>;

/// What one file holds: profiles and `[sso-session]` sections by name.
#[derive(Default)]
struct Sections {
    profiles: BTreeMap<String, Properties>,
    sso_sessions: BTreeMap<String, Properties>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum FileKind {
    Config,
    Credentials,
}

/// Where the properties that follow a section header go.
enum Target {
    Profile(String),
    /// `[default]` in the config file: dropped when `[profile default]` exists too.
    BareDefault,
    SsoSession(String),
    Ignored,
}

/// Every profile in the two files, sorted by name.
pub fn parse(config: &str, credentials: &str) -> Vec<ProfileInfo> {
    let config = sections(config, FileKind::Config);
    let credentials = sections(credentials, FileKind::Credentials);
    let mut profiles = config.profiles;
    for (name, props) in credentials.profiles {
        profiles.entry(name).or_default().extend(props);
    }
    profiles
        .into_iter()
        .map(|(name, props)| ProfileInfo {
            region: non_empty(props.get("region")),
            kind: kind_of(&props, &config.sso_sessions),
            name,
        })
        .collect()
}

/// The config and credentials file paths: `AWS_CONFIG_FILE` and
/// `AWS_SHARED_CREDENTIALS_FILE` (a leading `~` is the home dir), else `~/.aws/…`.
pub fn paths(env: impl Fn(&str) -> Option<String>) -> (PathBuf, PathBuf) {
    let home = env("HOME")
        .or_else(|| env("USERPROFILE"))
        .filter(|h| !h.is_empty());
    let pick = |var: &str, default: &str| -> PathBuf {
        let path = env(var)
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| format!("~/.aws/{default}"));
        match (path.strip_prefix("~/"), &home) {
            (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
            _ => PathBuf::from(path),
        }
    };
    (
        pick("AWS_CONFIG_FILE", "config"),
        pick("AWS_SHARED_CREDENTIALS_FILE", "credentials"),
    )
}

/// Reads and parses both files; a missing or unreadable file counts as empty, as it does
/// for aws-config.
pub fn load(env: impl Fn(&str) -> Option<String>) -> Vec<ProfileInfo> {
    let (config, credentials) = paths(env);
    let read = |p: &PathBuf| std::fs::read_to_string(p).unwrap_or_default();
    parse(&read(&config), &read(&credentials))
}

fn non_empty(value: Option<&String>) -> Option<String> {
    value.filter(|v| !v.is_empty()).cloned()
}

fn kind_of(props: &Properties, sso_sessions: &BTreeMap<String, Properties>) -> ProfileKind {
    let get = |key: &str| non_empty(props.get(key));
    if let Some(role_arn) = get("role_arn") {
        if get("web_identity_token_file").is_some() {
            return ProfileKind::WebIdentity { role_arn };
        }
        return ProfileKind::Role {
            role_arn,
            source_profile: get("source_profile"),
            credential_source: get("credential_source"),
        };
    }
    let session = get("sso_session");
    if session.is_some() || get("sso_start_url").is_some() || get("sso_account_id").is_some() {
        let from_session = |key: &str| non_empty(sso_sessions.get(session.as_deref()?)?.get(key));
        return ProfileKind::Sso {
            start_url: get("sso_start_url").or_else(|| from_session("sso_start_url")),
            sso_region: get("sso_region").or_else(|| from_session("sso_region")),
            account_id: get("sso_account_id"),
            role_name: get("sso_role_name"),
            session,
        };
    }
    if get("credential_process").is_some() {
        ProfileKind::CredentialProcess
    } else if get("aws_access_key_id").is_some() {
        ProfileKind::Static
    } else {
        ProfileKind::NoCredentials
    }
}

fn sections(text: &str, kind: FileKind) -> Sections {
    let mut out = Sections::default();
    // `None` until a `[default]` header is seen (an empty section still defines it).
    let mut bare_default: Option<Properties> = None;
    let mut prefixed_default = false;
    let mut target = Target::Ignored;
    for line in text.lines() {
        if line.trim().is_empty() || line.starts_with(['#', ';']) {
            continue;
        }
        if line.starts_with('[') {
            target = section_target(strip_comment(line, false), kind);
            match &target {
                Target::Profile(n) => {
                    prefixed_default |= n == "default";
                    out.profiles.entry(n.clone()).or_default();
                }
                Target::BareDefault => {
                    bare_default.get_or_insert_with(Properties::new);
                }
                Target::SsoSession(_) | Target::Ignored => {}
            }
            continue;
        }
        // An indented line continues the previous property (sub-properties such as
        // `s3 =` blocks): nothing a profile list needs.
        if line.starts_with([' ', '\t']) {
            continue;
        }
        let Some((key, value)) = strip_comment(line, true).split_once('=') else {
            continue;
        };
        let (key, value) = (key.trim().to_ascii_lowercase(), value.trim().to_string());
        let props = match &target {
            Target::Profile(name) => out.profiles.entry(name.clone()).or_default(),
            Target::SsoSession(name) => out.sso_sessions.entry(name.clone()).or_default(),
            Target::BareDefault => bare_default.get_or_insert_with(Properties::new),
            Target::Ignored => continue,
        };
        props.insert(key, value);
    }
    match bare_default {
        Some(props) if !prefixed_default => {
            out.profiles
                .entry("default".into())
                .or_default()
                .extend(props);
        }
        _ => {}
    }
    out
}

/// What a `[...]` header names, by the rules of the file it is in.
fn section_target(header: &str, kind: FileKind) -> Target {
    let Some(inner) = header
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .map(str::trim)
    else {
        return Target::Ignored;
    };
    let (prefix, name) = match inner.split_once([' ', '\t']) {
        Some((p, n)) => (Some(p.trim()), n.trim()),
        None => (None, inner),
    };
    if name.is_empty() || !name.chars().all(is_identifier_char) {
        return Target::Ignored;
    }
    match (kind, prefix) {
        (FileKind::Config, Some("profile")) => Target::Profile(name.into()),
        (FileKind::Config, Some("sso-session")) => Target::SsoSession(name.into()),
        (FileKind::Config, None) if name == "default" => Target::BareDefault,
        (FileKind::Credentials, None) => Target::Profile(name.into()),
        // `[x]` in the config file, `[profile x]` in the credentials file, `[services x]`:
        // aws-config ignores them as profiles, so do we.
        _ => Target::Ignored,
    }
}

fn is_identifier_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_-/.%@:+".contains(c)
}

/// Cuts a `#`/`;` comment; in property lines only one that follows whitespace
/// (`key = a#b` keeps `a#b`).
fn strip_comment(line: &str, needs_whitespace: bool) -> &str {
    let line = line.trim();
    let mut prev_space = false;
    for (i, c) in line.char_indices() {
        if (c == '#' || c == ';') && (prev_space || !needs_whitespace) {
            return line[..i].trim();
        }
        prev_space = c.is_whitespace();
    }
    line
}

#[cfg(test)]
#[path = "profiles_tests.rs"]
mod tests;
