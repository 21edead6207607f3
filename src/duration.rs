//! Durations as flags and the config spell them: `90s`, `10m`, `2h`, `1d`.

use std::time::Duration;

/// The longest duration a flag or the config takes. Far beyond any real use (CloudWatch
/// keeps logs 10 years at most), and small enough that every millisecond sum stays in i64.
pub const MAX_DURATION_DAYS: u64 = 36_500;

/// `90s`, `10m`, `2h`, `1d` (a bare number is seconds), at most [`MAX_DURATION_DAYS`].
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (num, unit) = text.split_at(split);
    let n: u64 = num
        .parse()
        .map_err(|_| format!("`{text}` is not a duration (use e.g. 30s, 10m, 2h, 1d)"))?;
    let unit_secs = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(format!("unknown unit in `{text}` (use s, m, h or d)")),
    };
    match n.checked_mul(unit_secs) {
        Some(secs) if secs <= MAX_DURATION_DAYS * 86_400 => Ok(Duration::from_secs(secs)),
        _ => Err(format!(
            "`{text}` is too long (at most {MAX_DURATION_DAYS}d)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(parse_duration("2h"), Ok(Duration::from_secs(7200)));
        assert_eq!(parse_duration("1d"), Ok(Duration::from_secs(86_400)));
        assert!(parse_duration("ten").is_err());
        assert!(parse_duration("5y").is_err());
        // Too big to multiply or to add to a clock in milliseconds: an error, not a panic.
        let e = parse_duration("99999999999999999d").unwrap_err();
        assert!(e.contains("too long") && e.contains("36500d"), "{e}");
        assert!(parse_duration(&u64::MAX.to_string()).is_err());
        assert_eq!(
            parse_duration("36500d"),
            Ok(Duration::from_secs(36_500 * 86_400))
        );
        assert!(parse_duration("36501d").is_err());
    }
}
