//! What a confirmation says beyond the action itself, pure: where it acts (account,
//! profile, region), when Enter starts to count, and warnings about the images a deploy
//! would run (a downgrade, a registry outside ECR).

use std::cmp::Ordering;

use crate::domain::EcrImage;
use crate::domain::{ecr_ref, image_tag};

/// Enter is ignored for this long after a confirmation opens (and again after each
/// early Enter), so a key repeat or a pasted "\r\r" cannot confirm what nobody read.
pub const ARM_MS: i64 = 400;

/// Lines that start with this are warnings (drawn in the warning colour).
pub const WARN: &str = "! ";

/// `account 123456789012 · profile prod · region eu-west-1`.
pub fn where_line(account: Option<&str>, profile: &str, region: &str) -> String {
    format!(
        "account {} · profile {profile} · region {region}",
        account.unwrap_or("?")
    )
}

/// Warnings about one container's new image: where it is pulled from when that is not
/// this account's ECR, and a downgrade. `service_account` is the service's account;
/// `ecr` the repository's images as the picker listed them (push times).
pub fn image_notes(
    container: &str,
    from: &str,
    to: &str,
    service_account: Option<&str>,
    ecr: Option<&[EcrImage]>,
) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(place) = pulled_from(to, service_account) {
        notes.push(format!("{WARN}{container}: {place}"));
    }
    if let Some(why) = downgrade(from, to, ecr) {
        notes.push(format!(
            "{WARN}{container}: {} is a downgrade: {why}",
            image_tag(to)
        ));
    }
    notes
}

/// Where an image comes from, when it is not the service account's own ECR.
pub fn pulled_from(image: &str, service_account: Option<&str>) -> Option<String> {
    if let Some(r) = ecr_ref(image) {
        return match service_account {
            Some(a) if a != r.account => Some(format!(
                "{image} — ECR of another account ({}, {}), pulled across accounts",
                r.account, r.region
            )),
            _ => None,
        };
    }
    // The reference grammar: a first component with a dot or a port, or `localhost`,
    // is a registry; anything else is Docker Hub, where a bare name is `library/`.
    let (first, rest) = image.split_once('/').unwrap_or(("", image));
    let is_host = first.contains(['.', ':']) || first == "localhost";
    if !is_host {
        let path = if first.is_empty() {
            format!("library/{rest}")
        } else {
            image.to_string()
        };
        return Some(format!(
            "docker.io/{path} — not ECR, pulled from Docker Hub"
        ));
    }
    Some(match first {
        "docker.io" | "index.docker.io" | "registry-1.docker.io" => {
            format!("{image} — not ECR, pulled from Docker Hub")
        }
        "public.ecr.aws" => format!("{image} — ECR Public, not this account's ECR"),
        host => format!("{image} — not ECR, pulled from {host}"),
    })
}

/// Why `to` is older than `from` (same repository): a lower version in the tag, or, when
/// the tags are no versions, an earlier push in ECR. `None` when it is not, or unknown.
pub fn downgrade(from: &str, to: &str, ecr: Option<&[EcrImage]>) -> Option<String> {
    if repository(from) != repository(to) {
        return None;
    }
    let (old, new) = (image_tag(from), image_tag(to));
    if let Some(order) = compare_versions(&new, &old) {
        return (order == Ordering::Less)
            .then(|| format!("an older version than the running {old}"));
    }
    let pushed = |tag: &str| {
        ecr?.iter()
            .find(|i| i.tags.iter().any(|t| t == tag))
            .and_then(|i| i.pushed_at)
    };
    match (pushed(&new), pushed(&old)) {
        (Some(n), Some(o)) if n < o => Some(format!("pushed to ECR before the running {old}")),
        _ => None,
    }
}

/// `host/repo` of `host/repo:tag` or `host/repo@digest`.
fn repository(image: &str) -> &str {
    if let Some((repo, _)) = image.split_once('@') {
        return repo;
    }
    match image.rfind(':') {
        Some(i) if !image[i..].contains('/') => &image[..i],
        _ => image,
    }
}

/// Orders two tags that both read as versions (`v1.5.0`, `1.27-alpine`, `2024.05.01`):
/// the dotted numbers before any `-`/`+` suffix. `None` if either is not a version.
pub fn compare_versions(a: &str, b: &str) -> Option<Ordering> {
    Some(version(a)?.cmp(&version(b)?))
}

fn version(tag: &str) -> Option<Vec<u64>> {
    let t = tag.strip_prefix(['v', 'V']).unwrap_or(tag);
    let head = t.split(['-', '+', '_']).next()?;
    head.split('.').map(|p| p.parse().ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timefmt::Timestamp;

    const REPO: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com/laravel-app";

    #[test]
    fn versions_compare_by_their_numbers() {
        use Ordering::*;
        for (a, b, want) in [
            ("v1.4.1", "v1.5.0", Some(Less)),
            ("v1.10.0", "v1.9.3", Some(Greater)),
            ("1.27-alpine", "1.27.3-alpine", Some(Less)),
            ("1.27-alpine", "1.27-bookworm", Some(Equal)),
            ("2024.05.01", "2024.11.30", Some(Less)),
            ("stable-alpine", "1.27", None),
            ("latest", "v1", None),
            ("3f2a9c1", "v1.2", None),
        ] {
            assert_eq!(compare_versions(a, b), want, "{a} vs {b}");
        }
    }

    fn pushed(tag: &str, minutes: i64) -> EcrImage {
        EcrImage {
            tags: vec![tag.into()],
            digest: format!("sha256:{tag}"),
            pushed_at: Some(Timestamp(minutes * 60_000)),
            findings: None,
        }
    }

    #[test]
    fn an_older_tag_is_a_downgrade() {
        let d = downgrade(&format!("{REPO}:v1.5.0"), &format!("{REPO}:v1.4.1"), None);
        assert_eq!(
            d.as_deref(),
            Some("an older version than the running v1.5.0")
        );
        assert_eq!(
            downgrade(&format!("{REPO}:v1.5.0"), &format!("{REPO}:v1.6.0"), None),
            None
        );
        // Another repository is no downgrade of this one.
        assert_eq!(downgrade("nginx:1.27", "other/nginx:1.25", None), None);
        // Tags that are no versions: the push times decide, if ECR listed them.
        let ecr = [pushed("main-3f2a", 10), pushed("main-9c1b", 20)];
        let d = downgrade(
            &format!("{REPO}:main-9c1b"),
            &format!("{REPO}:main-3f2a"),
            Some(&ecr),
        );
        assert_eq!(
            d.as_deref(),
            Some("pushed to ECR before the running main-9c1b")
        );
        assert_eq!(
            downgrade(
                &format!("{REPO}:main-3f2a"),
                &format!("{REPO}:main-9c1b"),
                Some(&ecr)
            ),
            None
        );
        assert_eq!(
            downgrade(
                &format!("{REPO}:main-9c1b"),
                &format!("{REPO}:main-3f2a"),
                None
            ),
            None
        );
    }

    #[test]
    fn images_outside_ecr_say_where_they_come_from() {
        let acct = Some("123456789012");
        for (image, want) in [
            (
                "nginx",
                "docker.io/library/nginx — not ECR, pulled from Docker Hub",
            ),
            (
                "nginx:1.27",
                "docker.io/library/nginx:1.27 — not ECR, pulled from Docker Hub",
            ),
            (
                "bitnami/redis:7",
                "docker.io/bitnami/redis:7 — not ECR, pulled from Docker Hub",
            ),
            (
                "docker.io/library/nginx",
                "docker.io/library/nginx — not ECR, pulled from Docker Hub",
            ),
            (
                "ghcr.io/acme/app:2",
                "ghcr.io/acme/app:2 — not ECR, pulled from ghcr.io",
            ),
            (
                "localhost:5000/app",
                "localhost:5000/app — not ECR, pulled from localhost:5000",
            ),
            (
                "public.ecr.aws/nginx/nginx:1",
                "public.ecr.aws/nginx/nginx:1 — ECR Public, not this account's ECR",
            ),
        ] {
            assert_eq!(pulled_from(image, acct).as_deref(), Some(want), "{image}");
        }
        assert_eq!(pulled_from(&format!("{REPO}:v1"), acct), None);
        assert_eq!(pulled_from(&format!("{REPO}:v1"), None), None);
        let other = "999999999999.dkr.ecr.eu-west-1.amazonaws.com/app:v1";
        assert_eq!(
            pulled_from(other, acct).as_deref(),
            Some(
                "999999999999.dkr.ecr.eu-west-1.amazonaws.com/app:v1 — ECR of another account (999999999999, eu-west-1), pulled across accounts"
            )
        );
    }

    #[test]
    fn notes_name_the_container() {
        let notes = image_notes(
            "php",
            &format!("{REPO}:v1.5.0"),
            &format!("{REPO}:v1.4.0"),
            Some("123456789012"),
            None,
        );
        assert_eq!(
            notes,
            ["! php: v1.4.0 is a downgrade: an older version than the running v1.5.0"]
        );
        let notes = image_notes(
            "nginx",
            "nginx:stable-alpine",
            "nginx:1.27",
            Some("123456789012"),
            None,
        );
        assert_eq!(
            notes,
            ["! nginx: docker.io/library/nginx:1.27 — not ECR, pulled from Docker Hub"]
        );
    }
}
