//! The scans of the images a deploy brings in: read through the findings pane's cache
//! (DescribeImageScanFindings by digest), shown in the TUI's preview and `--dry-run`, and
//! judged by `deploy --fail-on`. Pure but for [`load`].

use std::collections::BTreeMap;

use crate::aws::findings::FindingsCache;
use crate::aws::AwsContext;
use crate::domain::{image_tag, severity_rank, ImageFindings};

/// The severities `--fail-on` and `[alerts] min_severity` name, most severe first.
pub const SEVERITIES: [&str; 5] = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL"];

/// `critical` -> `CRITICAL`; anything else is refused, naming the choices.
pub fn parse_severity(s: &str) -> Result<String, String> {
    let up = s.trim().to_ascii_uppercase();
    if SEVERITIES.contains(&up.as_str()) {
        Ok(up)
    } else {
        Err(format!(
            "`{s}` is not a severity ({})",
            SEVERITIES.join(", ")
        ))
    }
}

/// The scan of each new image, per container (`images`: container -> new image). Read
/// from ECR, not the disk cache: `--fail-on` gates on the scan as it is now.
pub async fn load(
    ctx: &AwsContext,
    images: &BTreeMap<String, String>,
    cache: &FindingsCache,
) -> Vec<(String, ImageFindings)> {
    let list: Vec<String> = images.values().cloned().collect();
    let found = crate::aws::findings::load_fresh(ctx, &list, cache).await;
    images
        .iter()
        .filter_map(|(c, image)| found.get(image).map(|f| (c.clone(), f.clone())))
        .collect()
}

/// Findings at or above `min`: by the counts, or by the listed findings when they say more.
pub fn at_or_above(f: &ImageFindings, min: &str) -> i64 {
    let rank = severity_rank(min);
    let counted: i64 = f
        .counts
        .iter()
        .filter(|(s, _)| severity_rank(s) <= rank)
        .map(|(_, n)| n)
        .sum();
    let listed = f
        .items
        .iter()
        .filter(|x| severity_rank(&x.severity) <= rank)
        .count();
    counted.max(i64::try_from(listed).unwrap_or(i64::MAX))
}

/// `CRITICAL 2, HIGH 1`, most severe first; `none` for a clean scan.
pub fn counts_text(f: &ImageFindings) -> String {
    let mut counts: Vec<(&String, &i64)> = f.counts.iter().filter(|(_, n)| **n > 0).collect();
    if counts.is_empty() {
        return "none".into();
    }
    counts.sort_by_key(|(s, _)| severity_rank(s));
    counts
        .iter()
        .map(|(s, n)| format!("{s} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn what(container: &str, f: &ImageFindings) -> String {
    format!("{container} {}", image_tag(&f.image))
}

/// One line per new image (`  findings php v1.6.0: CRITICAL 1, HIGH 2 (scan ACTIVE, ...)`),
/// then a `!` line per image with findings at or above `min`; the confirm modal draws `!`
/// lines in the error colour.
pub fn preview_lines(findings: &[(String, ImageFindings)], min: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (c, f) in findings {
        let scan = |status: &str| match &f.scan_settings {
            Some(s) => format!("{status}, {s}"),
            None => status.to_string(),
        };
        let state = match (&f.error, f.status.as_str()) {
            (Some(e), _) => format!("unknown: {e}"),
            (None, "not in ECR") => "not in ECR (no ECR scan)".into(),
            (None, "not scanned") => scan("not scanned"),
            (None, status) => format!("{} ({})", counts_text(f), scan(&format!("scan {status}"))),
        };
        out.push(format!("  findings {}: {state}", what(c, f)));
    }
    for (c, f) in findings {
        let n = at_or_above(f, min);
        if n > 0 {
            out.push(format!(
                "! {}: {n} finding{} at or above {min}{}",
                what(c, f),
                if n == 1 { "" } else { "s" },
                names(f, min)
            ));
        }
    }
    out
}

/// ` (CVE-1, CVE-2, …)`: the first three listed at or above `min`.
fn names(f: &ImageFindings, min: &str) -> String {
    let rank = severity_rank(min);
    let hits: Vec<&str> = f
        .items
        .iter()
        .filter(|x| severity_rank(&x.severity) <= rank)
        .map(|x| x.name.as_str())
        .collect();
    match hits.len() {
        0 => String::new(),
        1..=3 => format!(" ({})", hits.join(", ")),
        _ => format!(" ({}, …)", hits[..3].join(", ")),
    }
}

/// Why `--fail-on min` refuses this deploy, if it does: a new image with findings at or
/// above `min`, or one whose scan could not be read (a gate must not pass what it could
/// not check). Images outside ECR or never scanned pass; the preview names them.
pub fn refusal(findings: &[(String, ImageFindings)], min: &str) -> Option<String> {
    let mut why = Vec::new();
    for (c, f) in findings {
        let n = at_or_above(f, min);
        if n > 0 {
            why.push(format!(
                "{} has {n} finding{} at or above {min}{}",
                what(c, f),
                if n == 1 { "" } else { "s" },
                names(f, min)
            ));
        } else if let Some(e) = &f.error {
            why.push(format!("{}: its scan could not be read ({e})", what(c, f)));
        }
    }
    (!why.is_empty()).then(|| format!("--fail-on {min}: {}", why.join("; ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Finding;

    const REPO: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com/laravel-app";

    fn finding(name: &str, severity: &str) -> Finding {
        Finding {
            name: name.into(),
            severity: severity.into(),
            package: None,
            version: None,
            fixed_in: None,
            score: None,
            status: None,
            url: None,
            description: None,
        }
    }

    fn scanned(tag: &str, items: &[(&str, &str)], counts: &[(&str, i64)]) -> ImageFindings {
        ImageFindings {
            image: format!("{REPO}:{tag}"),
            digest: Some("sha256:ab".into()),
            status: "ACTIVE".into(),
            counts: counts.iter().map(|(s, n)| (s.to_string(), *n)).collect(),
            items: items.iter().map(|(n, s)| finding(n, s)).collect(),
            scan_settings: Some("enhanced, continuous".into()),
            error: None,
        }
    }

    fn critical() -> ImageFindings {
        scanned(
            "v1.4.0",
            &[("CVE-2024-4577", "CRITICAL"), ("CVE-2024-2511", "HIGH")],
            &[("CRITICAL", 1), ("HIGH", 1)],
        )
    }

    #[test]
    fn severities_at_or_above_a_threshold() {
        let f = critical();
        assert_eq!(at_or_above(&f, "CRITICAL"), 1);
        assert_eq!(at_or_above(&f, "HIGH"), 2);
        assert_eq!(at_or_above(&f, "LOW"), 2);
        // Listed findings count when the counts are missing.
        let listed = scanned("v2", &[("CVE-1", "CRITICAL"), ("CVE-2", "CRITICAL")], &[]);
        assert_eq!(at_or_above(&listed, "CRITICAL"), 2);
        assert_eq!(counts_text(&f), "CRITICAL 1, HIGH 1");
        assert_eq!(counts_text(&scanned("v3", &[], &[])), "none");
        assert_eq!(parse_severity("high"), Ok("HIGH".into()));
        assert!(parse_severity("severe")
            .unwrap_err()
            .contains("CRITICAL, HIGH"));
    }

    #[test]
    fn the_preview_names_each_new_image_and_warns_at_the_threshold() {
        let clean = scanned("v1.4.1", &[("CVE-9", "LOW")], &[("LOW", 1)]);
        let outside = ImageFindings {
            image: "nginx:1.27-alpine".into(),
            digest: None,
            status: "not in ECR".into(),
            counts: BTreeMap::new(),
            items: Vec::new(),
            scan_settings: None,
            error: None,
        };
        let found = vec![
            ("nginx".to_string(), outside),
            ("php".to_string(), critical()),
            ("queue".to_string(), clean),
        ];
        let lines = preview_lines(&found, "CRITICAL");
        assert_eq!(
            lines,
            [
                "  findings nginx 1.27-alpine: not in ECR (no ECR scan)",
                "  findings php v1.4.0: CRITICAL 1, HIGH 1 (scan ACTIVE, enhanced, continuous)",
                "  findings queue v1.4.1: LOW 1 (scan ACTIVE, enhanced, continuous)",
                "! php v1.4.0: 1 finding at or above CRITICAL (CVE-2024-4577)",
            ]
        );
        // A lower threshold warns about more.
        let lines = preview_lines(&found, "LOW");
        assert_eq!(lines.iter().filter(|l| l.starts_with('!')).count(), 2);
    }

    #[test]
    fn fail_on_refuses_findings_at_or_above_and_unreadable_scans() {
        let php = vec![("php".to_string(), critical())];
        let why = refusal(&php, "CRITICAL").expect("refused");
        assert_eq!(
            why,
            "--fail-on CRITICAL: php v1.4.0 has 1 finding at or above CRITICAL (CVE-2024-4577)"
        );
        let only_high = vec![(
            "php".to_string(),
            scanned("v1.4.1", &[("CVE-9", "HIGH")], &[("HIGH", 1)]),
        )];
        assert_eq!(refusal(&only_high, "CRITICAL"), None);
        assert!(refusal(&only_high, "HIGH").is_some());
        let mut unreadable = critical();
        unreadable.counts.clear();
        unreadable.items.clear();
        unreadable.status = "error".into();
        unreadable.error = Some("DescribeImageScanFindings: AccessDenied".into());
        let why = refusal(&[("php".to_string(), unreadable)], "CRITICAL").expect("refused");
        assert!(
            why.contains("could not be read") && why.contains("AccessDenied"),
            "{why}"
        );
        let mut never = critical();
        never.counts.clear();
        never.items.clear();
        never.status = "not scanned".into();
        assert_eq!(refusal(&[("php".to_string(), never)], "CRITICAL"), None);
    }
}
