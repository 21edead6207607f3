//! Rule 5: CPU and memory Maximum over the last hour above `cpu_max_percent` /
//! `memory_max_percent`.

use std::collections::BTreeMap;

use super::alert::{none, Level, Push};
use crate::config::AlertSettings;
use crate::domain::{Service, ServiceMetrics};
use crate::timefmt::Timestamp;

/// Rule 5: CPU and memory Maximum over the threshold in the last hour.
pub(super) fn cpu_and_memory_maximum(
    svc: &Service,
    metrics: &BTreeMap<String, ServiceMetrics>,
    cfg: &AlertSettings,
    push: &mut Push<'_>,
) {
    if let Some(m) = metrics.get(&svc.name) {
        for (kind, points, limit) in [
            ("cpu", &m.cpu_max, cfg.cpu_max_percent),
            ("memory", &m.memory_max, cfg.memory_max_percent),
        ] {
            if let Some(&(at, peak)) = points.iter().max_by(|a, b| a.1.total_cmp(&b.1)) {
                if peak > limit {
                    push(
                        Level::Warning,
                        kind,
                        None,
                        format!(
                            "{kind} maximum {peak:.0}% in the last hour (threshold {limit:.0}%)"
                        ),
                        Some(Timestamp(at)),
                        none(),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alerts::tests::{metrics, quiet, run_with};
    use crate::fixtures::NOW;

    #[test]
    fn cpu_over_the_threshold_warns_at_its_peak() {
        let m = metrics(&[40.0, 97.0, 60.0], &[50.0, 55.0, 60.0]);
        let alerts = run_with(quiet(), &BTreeMap::new(), &m, &AlertSettings::default());
        assert_eq!(alerts.len(), 1, "{alerts:#?}");
        let a = &alerts[0];
        assert_eq!((a.level, a.kind), (Level::Warning, "cpu"));
        assert!(a.message.contains("97%"), "{}", a.message);
        assert!(a.message.contains("threshold 90%"), "{}", a.message);
        assert_eq!(a.since, Some(Timestamp(NOW.0 - 300_000)));

        let lenient = AlertSettings {
            cpu_max_percent: 99.0,
            ..AlertSettings::default()
        };
        assert_eq!(run_with(quiet(), &BTreeMap::new(), &m, &lenient), vec![]);
    }

    #[test]
    fn memory_has_its_own_threshold() {
        let m = metrics(&[40.0, 50.0], &[85.0, 88.0]);
        assert_eq!(
            run_with(quiet(), &BTreeMap::new(), &m, &AlertSettings::default()),
            vec![]
        );
        let strict_memory = AlertSettings {
            memory_max_percent: 80.0,
            ..AlertSettings::default()
        };
        let alerts = run_with(quiet(), &BTreeMap::new(), &m, &strict_memory);
        assert_eq!(alerts.len(), 1, "{alerts:#?}");
        assert_eq!(alerts[0].kind, "memory");
        assert!(alerts[0].message.contains("88%"));
        // The CPU threshold does not apply to memory.
        let strict_cpu = AlertSettings {
            cpu_max_percent: 30.0,
            ..AlertSettings::default()
        };
        let alerts = run_with(quiet(), &BTreeMap::new(), &m, &strict_cpu);
        assert_eq!(alerts.len(), 1, "{alerts:#?}");
        assert_eq!(alerts[0].kind, "cpu");
    }

    #[test]
    fn metrics_of_another_service_or_no_points_do_not_alert() {
        let mut m = metrics(&[99.0], &[99.0]);
        let v = m.remove("web").unwrap();
        m.insert("worker".into(), v);
        m.insert("web".into(), ServiceMetrics::default());
        assert_eq!(
            run_with(quiet(), &BTreeMap::new(), &m, &AlertSettings::default()),
            vec![]
        );
    }
}
