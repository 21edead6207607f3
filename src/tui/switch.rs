//! Carrying out `Effect::Switch`: clients for another profile or region, built and checked
//! in the background while the old ones keep serving the screen.

use tokio::sync::mpsc::UnboundedSender;

use crate::aws::profiles::ProfileInfo;
use crate::aws::{self, AwsContext, AwsSettings};

/// A finished switch, for the event loop to install.
pub struct Done {
    pub settings: AwsSettings,
    pub result: Result<AwsContext, String>,
    pub profiles: Vec<ProfileInfo>,
}

/// The settings to switch to: a new profile (else the current one) and region; the
/// endpoint override is a flag of this run and stays.
pub fn target(current: &AwsSettings, profile: Option<String>, region: String) -> AwsSettings {
    AwsSettings {
        profile: profile.or_else(|| current.profile.clone()),
        region: Some(region),
        endpoint_url: current.endpoint_url.clone(),
    }
}

pub fn spawn(settings: AwsSettings, tx: UnboundedSender<Done>) {
    tokio::spawn(async move {
        let result = aws::connect_checked(&settings)
            .await
            .map_err(|e| e.to_string());
        // Read again so a profile added while toadtop runs can be switched to next; two
        // small files.
        let profiles = aws::profiles::load(|k| std::env::var(k).ok());
        let _ = tx.send(Done {
            settings,
            result,
            profiles,
        });
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_endpoint_stays_and_the_profile_is_kept_unless_named() {
        let current = AwsSettings {
            profile: Some("dev".into()),
            region: None,
            endpoint_url: Some("http://127.0.0.1:5000".into()),
        };
        let t = target(&current, None, "eu-west-1".into());
        assert_eq!(t.profile.as_deref(), Some("dev"));
        assert_eq!(t.region.as_deref(), Some("eu-west-1"));
        assert_eq!(t.endpoint_url, current.endpoint_url);
        let t = target(&current, Some("prod".into()), "us-east-2".into());
        assert_eq!(t.profile.as_deref(), Some("prod"));
        assert_eq!(t.endpoint_url, current.endpoint_url);
    }
}
