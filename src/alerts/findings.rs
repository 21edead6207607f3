//! Rule 4: scan findings at or above `[alerts] min_severity` in images running now.

use std::collections::BTreeMap;

use super::alert::{About, Level, Push};
use crate::config::AlertSettings;
use crate::domain::{severity_rank, ImageFindings, Service};

/// Rule 4: findings at or above the configured severity in images running now.
pub(super) fn findings_in_running_images(
    svc: &Service,
    findings: &BTreeMap<String, ImageFindings>,
    cfg: &AlertSettings,
    push: &mut Push<'_>,
) {
    let min_rank = severity_rank(&cfg.min_severity);
    if let Some(td) = &svc.task_definition {
        for c in &td.containers {
            let Some(f) = findings.get(&c.image) else {
                continue;
            };
            let hits: Vec<&crate::domain::Finding> = f
                .items
                .iter()
                .filter(|x| severity_rank(&x.severity) <= min_rank)
                .collect();
            let counted: i64 = f
                .counts
                .iter()
                .filter(|(s, _)| severity_rank(s) <= min_rank)
                .map(|(_, n)| n)
                .sum();
            let n = counted.max(hits.len() as i64);
            if n > 0 {
                let names: Vec<&str> = hits.iter().take(3).map(|x| x.name.as_str()).collect();
                // A scan with counts alone has no names to list (no empty `()`).
                let named = if names.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", names.join(", "))
                };
                push(
                    Level::Critical,
                    "finding",
                    None,
                    format!(
                        "{}: {n} finding(s) at or above {} in {}{named}",
                        c.name,
                        cfg.min_severity,
                        crate::domain::image_tag(&c.image),
                    ),
                    None,
                    finding_about(&c.name, f, &hits, min_rank),
                );
            }
        }
    }
}

/// A finding alert's subject (container and image digest, else the image), cause (the
/// digest and its CVEs, so every service running that image is one event), group (the
/// digest alone: the CVEs change while the image runs), findings, and, when the scan
/// names none at or above `min_rank` (a summary only), its counts.
fn finding_about(
    container: &str,
    f: &ImageFindings,
    hits: &[&crate::domain::Finding],
    min_rank: u8,
) -> About {
    let image = f.digest.as_deref().unwrap_or(&f.image);
    let mut findings: Vec<(String, String)> = hits
        .iter()
        .map(|x| (x.name.clone(), x.severity.clone()))
        .collect();
    // One name per finding, its most severe entry (an image may list a CVE per package).
    findings.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then(severity_rank(&a.1).cmp(&severity_rank(&b.1)))
    });
    findings.dedup_by(|later, first| later.0 == first.0);
    let names: Vec<&str> = findings.iter().map(|(n, _)| n.as_str()).collect();
    // Without names, the counts are all `toadtop watch` can compare between looks.
    let mut counts: Vec<(String, i64)> = Vec::new();
    if findings.is_empty() {
        counts = f
            .counts
            .iter()
            .filter(|(s, n)| severity_rank(s) <= min_rank && **n > 0)
            .map(|(s, n)| (s.clone(), *n))
            .collect();
        counts.sort_by_key(|(s, _)| severity_rank(s));
    }
    About {
        subject: format!("{container}@{image}"),
        cause: Some(format!("finding {image} {}", names.join(","))),
        group: Some(format!("finding {image}")),
        findings,
        counts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alerts::tests::{finding, findings_of, quiet, run_with, scan, PHP};

    #[test]
    fn a_critical_finding_in_a_running_image_is_critical_naming_the_cve() {
        let f = findings_of(
            PHP,
            vec![
                finding("CVE-2024-4577", "CRITICAL"),
                finding("CVE-2024-2756", "HIGH"),
            ],
        );
        let alerts = run_with(quiet(), &f, &BTreeMap::new(), &AlertSettings::default());
        assert_eq!(alerts.len(), 1, "{alerts:#?}");
        let a = &alerts[0];
        assert_eq!((a.level, a.kind), (Level::Critical, "finding"));
        assert!(a.message.contains("CVE-2024-4577"), "{}", a.message);
        assert!(!a.message.contains("CVE-2024-2756"), "{}", a.message);
        assert!(a.message.contains("php"), "{}", a.message);
        assert!(a.message.contains("v1.5.0"), "{}", a.message);
        assert!(a.message.contains("1 finding"), "{}", a.message);
        assert_eq!(a.since, None);
    }

    #[test]
    fn a_finding_alert_groups_by_digest_and_names_its_findings_with_severities() {
        let high = AlertSettings {
            min_severity: "HIGH".into(),
            ..AlertSettings::default()
        };
        let f = findings_of(
            PHP,
            vec![
                finding("CVE-2024-4577", "CRITICAL"),
                finding("CVE-2024-2756", "HIGH"),
                // The same CVE in a second package: named once, at its worst.
                finding("CVE-2024-2756", "CRITICAL"),
                finding("CVE-2023-0001", "LOW"),
            ],
        );
        let alerts = run_with(quiet(), &f, &BTreeMap::new(), &high);
        assert_eq!(alerts.len(), 1, "{alerts:#?}");
        let a = &alerts[0];
        let digest = f[PHP].digest.clone().expect("a digest");
        assert_eq!(a.group, Some(format!("finding {digest}")));
        assert_eq!(
            a.cause,
            Some(format!("finding {digest} CVE-2024-2756,CVE-2024-4577"))
        );
        assert_eq!(
            a.findings,
            [
                ("CVE-2024-2756".to_string(), "CRITICAL".to_string()),
                ("CVE-2024-4577".to_string(), "CRITICAL".to_string())
            ]
        );
    }

    #[test]
    fn min_severity_decides_whether_a_high_finding_alerts() {
        let f = findings_of(PHP, vec![finding("CVE-2024-2756", "HIGH")]);
        assert_eq!(
            run_with(quiet(), &f, &BTreeMap::new(), &AlertSettings::default()),
            vec![]
        );
        let high = AlertSettings {
            min_severity: "HIGH".into(),
            ..AlertSettings::default()
        };
        let alerts = run_with(quiet(), &f, &BTreeMap::new(), &high);
        assert_eq!(alerts.len(), 1, "{alerts:#?}");
        assert_eq!(alerts[0].kind, "finding");
        assert!(alerts[0].message.contains("CVE-2024-2756"));
        assert!(alerts[0].message.contains("at or above HIGH"));
    }

    #[test]
    fn counts_without_items_still_alert() {
        // Basic scanning reports only the summary counts when items are truncated.
        let mut s = scan(PHP, vec![]);
        s.counts.insert("CRITICAL".into(), 4);
        let f = BTreeMap::from([(PHP.to_string(), s)]);
        let alerts = run_with(quiet(), &f, &BTreeMap::new(), &AlertSettings::default());
        assert_eq!(alerts.len(), 1, "{alerts:#?}");
        assert!(
            alerts[0].message.contains("4 finding"),
            "{}",
            alerts[0].message
        );
        assert!(
            alerts[0].message.ends_with("in v1.5.0"),
            "{}",
            alerts[0].message
        );
        // No names to compare between looks: the counts at or above the threshold are.
        assert!(alerts[0].findings.is_empty());
        assert_eq!(alerts[0].counts, [("CRITICAL".to_string(), 4)]);
    }

    #[test]
    fn a_count_only_alert_carries_the_counts_at_or_above_the_threshold_most_severe_first() {
        let high = AlertSettings {
            min_severity: "HIGH".into(),
            ..AlertSettings::default()
        };
        let mut s = scan(PHP, vec![]);
        s.counts = [("HIGH", 3), ("CRITICAL", 1), ("MEDIUM", 7)]
            .map(|(k, n)| (k.to_string(), n))
            .into();
        let f = BTreeMap::from([(PHP.to_string(), s)]);
        let alerts = run_with(quiet(), &f, &BTreeMap::new(), &high);
        assert_eq!(alerts.len(), 1, "{alerts:#?}");
        assert_eq!(
            alerts[0].counts,
            [("CRITICAL".to_string(), 1), ("HIGH".to_string(), 3)]
        );
        // An alert naming its findings needs no counts (its CVEs are compared).
        let named = findings_of(PHP, vec![finding("CVE-2024-4577", "CRITICAL")]);
        let alerts = run_with(quiet(), &named, &BTreeMap::new(), &high);
        assert_eq!(alerts.len(), 1, "{alerts:#?}");
        assert!(alerts[0].counts.is_empty(), "{alerts:#?}");
    }

    #[test]
    fn a_finding_in_an_image_no_service_runs_does_not_alert() {
        let other = "123456789012.dkr.ecr.us-east-1.amazonaws.com/laravel-app:v1.4.0";
        let f = findings_of(other, vec![finding("CVE-2024-4577", "CRITICAL")]);
        assert_eq!(
            run_with(quiet(), &f, &BTreeMap::new(), &AlertSettings::default()),
            vec![]
        );
    }

    #[test]
    fn an_image_without_findings_does_not_alert() {
        let mut s = scan("nginx:stable-alpine", vec![]);
        s.status = "not in ECR".into();
        s.digest = None;
        let f = BTreeMap::from([("nginx:stable-alpine".to_string(), s)]);
        assert_eq!(
            run_with(quiet(), &f, &BTreeMap::new(), &AlertSettings::default()),
            vec![]
        );
    }
}
