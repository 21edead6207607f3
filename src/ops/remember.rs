//! Where the last TUI session ended (profile, region, cluster, pane), kept in
//! `state.json` in the data dir next to the audit log, so the next start opens there.
//! Flags, environment and config still choose first: the file only fills what they left
//! open. A missing file is a first start; an unreadable one is ignored with a warning.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
// Fields may be added later: older files lack them, newer ones may carry more.
#[serde(default)]
pub struct Remembered {
    /// The profile toadtop named to the SDK (`None`: the SDK's default chain).
    pub profile: Option<String>,
    pub region: Option<String>,
    pub cluster: Option<String>,
    pub pane: Pane,
    /// The service whose tasks were open (`pane` is `tasks`).
    pub service: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Pane {
    #[default]
    Clusters,
    Services,
    Tasks,
}

pub fn path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "toadtop").map(|d| d.data_dir().join("state.json"))
}

pub fn parse(text: &str) -> Result<Remembered, String> {
    serde_json::from_str(text).map_err(|e| e.to_string())
}

/// The remembered place: `Ok(None)` on a first start, `Err` with a warning to show when
/// the file exists but cannot be used.
pub fn read() -> Result<Option<Remembered>, String> {
    let Some(path) = path() else {
        return Ok(None);
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => parse(&text)
            .map(Some)
            .map_err(|e| format!("ignored {}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("ignored {}: {e}", path.display())),
    }
}

/// Writes the file whole (a synced temp file renamed over it), so a crash mid-write
/// cannot leave half a file behind; owner-only, in the owner-only data directory.
pub fn write(place: &Remembered) -> Result<(), String> {
    let path = path().ok_or("no data directory")?;
    let dir = path.parent().ok_or("no data directory")?;
    crate::private_fs::private_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let text = serde_json::to_string_pretty(place).map_err(|e| e.to_string())?;
    crate::private_fs::write_atomic(&path, (text + "\n").as_bytes())
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// The profile and region to start with, given what flags, environment and config chose
/// (`None`: nothing did). The remembered profile fills in only if it is still in the AWS
/// files (`known`); the remembered region only if the profile is the remembered one, since
/// it was that account's region.
pub fn choose(
    profile: Option<String>,
    region: Option<String>,
    remembered: &Remembered,
    known: &[&str],
) -> (Option<String>, Option<String>) {
    let profile = profile.or_else(|| {
        remembered
            .profile
            .clone()
            .filter(|p| known.contains(&p.as_str()))
    });
    let region = region.or_else(|| {
        (profile == remembered.profile)
            .then(|| remembered.region.clone())
            .flatten()
    });
    (profile, region)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(profile: Option<&str>, region: &str) -> Remembered {
        Remembered {
            profile: profile.map(str::to_string),
            region: Some(region.to_string()),
            cluster: Some("production".into()),
            pane: Pane::Tasks,
            service: Some("web".into()),
        }
    }

    fn s(v: &str) -> Option<String> {
        Some(v.to_string())
    }

    #[test]
    fn remembered_fills_only_what_nothing_else_chose() {
        let r = place(Some("prod"), "eu-west-1");
        let known = ["prod", "dev"];
        assert_eq!(
            choose(None, None, &r, &known),
            (s("prod"), s("eu-west-1")),
            "nothing chosen: both remembered"
        );
        assert_eq!(
            choose(s("dev"), s("us-east-1"), &r, &known),
            (s("dev"), s("us-east-1")),
            "flags/env/config win"
        );
        assert_eq!(
            choose(None, s("us-east-2"), &r, &known),
            (s("prod"), s("us-east-2")),
            "an explicit region keeps the remembered profile"
        );
        assert_eq!(
            choose(s("dev"), None, &r, &known),
            (s("dev"), None),
            "another profile: the remembered region was the other account's"
        );
        assert_eq!(
            choose(s("prod"), None, &r, &known),
            (s("prod"), s("eu-west-1")),
            "the same profile chosen explicitly: its remembered region applies"
        );
        assert_eq!(
            choose(None, None, &r, &["dev"]),
            (None, None),
            "a profile gone from the AWS files is not used (nor its region)"
        );
        let no_profile = place(None, "ap-south-1");
        assert_eq!(
            choose(None, None, &no_profile, &known),
            (None, s("ap-south-1")),
            "the SDK's default profile with a remembered region"
        );
    }

    #[test]
    fn the_file_round_trips_and_tolerates_old_and_new_fields() {
        let r = place(Some("prod"), "eu-west-1");
        let text = serde_json::to_string(&r).unwrap();
        assert!(text.contains(r#""pane":"tasks""#), "{text}");
        assert_eq!(parse(&text), Ok(r));
        assert_eq!(
            parse(r#"{"region":"us-east-1","later_field":true}"#),
            Ok(Remembered {
                region: s("us-east-1"),
                ..Remembered::default()
            })
        );
        assert!(parse("{not json").is_err());
        assert!(parse(r#"{"pane":"sideways"}"#).is_err());
    }
}
