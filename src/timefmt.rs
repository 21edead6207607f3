//! Timestamps without a date-time crate: epoch milliseconds, formatted as RFC 3339 (UTC)
//! and as short ages ("42s", "3m", "5h", "2d") the way k9s shows them.

use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub fn now() -> Self {
        let ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64);
        Timestamp(ms)
    }

    pub fn from_secs_f64(secs: f64) -> Self {
        Timestamp((secs * 1000.0).round() as i64)
    }

    pub fn millis(self) -> i64 {
        self.0
    }

    /// `2026-11-26T06:58:01Z` (fractions dropped: operators read seconds).
    pub fn rfc3339(self) -> String {
        let (date, secs_of_day) = self.split();
        let (y, m, d) = civil_from_days(date);
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
            secs_of_day / 3600,
            secs_of_day / 60 % 60,
            secs_of_day % 60
        )
    }

    /// `06:58:01` in UTC.
    pub fn clock(self) -> String {
        let (_, s) = self.split();
        format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    }

    /// Time elapsed from `self` to `now`, short.
    pub fn age(self, now: Timestamp) -> String {
        short_duration(((now.0 - self.0) / 1000).max(0))
    }

    fn split(self) -> (i64, i64) {
        let secs = self.0.div_euclid(1000);
        (secs.div_euclid(86_400), secs.rem_euclid(86_400))
    }
}

pub fn short_duration(secs: i64) -> String {
    match secs {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m", s / 60),
        s if s < 86_400 => format!("{}h", s / 3600),
        s => format!("{}d", s / 86_400),
    }
}

/// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian calendar).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Serialised as RFC 3339 (UTC), the way every JSON output of toadtop shows time.
impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.rfc3339())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_rfc3339() {
        assert_eq!(Timestamp(0).rfc3339(), "1970-01-01T00:00:00Z");
        // 2026-11-26T06:58:01Z
        assert_eq!(
            Timestamp(1_795_676_281_000).rfc3339(),
            "2026-11-26T06:58:01Z"
        );
        assert_eq!(Timestamp(951_782_400_000).rfc3339(), "2000-02-29T00:00:00Z");
        assert_eq!(Timestamp(1_795_676_281_000).clock(), "06:58:01");
    }

    #[test]
    fn ages() {
        let t = Timestamp(1_000_000);
        assert_eq!(t.age(Timestamp(1_000_000 + 5_000)), "5s");
        assert_eq!(t.age(Timestamp(1_000_000 + 125_000)), "2m");
        assert_eq!(t.age(Timestamp(1_000_000 + 7_200_000)), "2h");
        assert_eq!(t.age(Timestamp(1_000_000 + 3 * 86_400_000)), "3d");
        assert_eq!(t.age(Timestamp(0)), "0s");
    }
}
