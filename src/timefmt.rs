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

/// Read back what `Serialize` writes (`2026-11-26T06:58:01Z`), for the disk caches.
impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Timestamp::parse_rfc3339(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("not an RFC 3339 time: {text}")))
    }
}

impl Timestamp {
    /// `YYYY-MM-DDTHH:MM:SSZ` (UTC, whole seconds: the form `rfc3339` writes).
    pub fn parse_rfc3339(text: &str) -> Option<Timestamp> {
        let b = text.as_bytes();
        if b.len() != 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[19] != b'Z' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| text.get(r)?.parse::<i64>().ok();
        let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (hh, mm, ss) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if !(1..=12).contains(&m) || !(1..=31).contains(&d) || hh > 23 || mm > 59 || ss > 60 {
            return None;
        }
        // Days from the civil date (H. Hinnant's algorithm, the inverse of civil_from_days).
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let days = era * 146_097 + doe - 719_468;
        Some(Timestamp(
            ((days * 86_400) + hh * 3600 + mm * 60 + ss) * 1000,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_reads_back_what_it_writes() {
        for ms in [0, 951_782_400_000, 1_795_676_281_000, 4_102_444_799_000] {
            let t = Timestamp(ms);
            assert_eq!(Timestamp::parse_rfc3339(&t.rfc3339()), Some(t));
            let json = serde_json::to_string(&t).unwrap();
            assert_eq!(serde_json::from_str::<Timestamp>(&json).unwrap(), t);
        }
        for bad in [
            "",
            "2026-13-01T00:00:00Z",
            "2026-11-26 06:58:01Z",
            "2026-11-26T06:58:01",
        ] {
            assert_eq!(Timestamp::parse_rfc3339(bad), None, "{bad}");
        }
    }

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
