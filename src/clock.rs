//! The one clock every time-based decision reads, and the time formats hb accepts.
//!
//! An invocation runs one job, so the clock is one instant fixed at start: `--now` /
//! `HB_NOW` replaces it, which makes tests and replays exact. Elapsed durations
//! (how long a cycle took) use `std::time::Instant`, not this clock.

use std::time::Duration;

use anyhow::{bail, Context, Result};
use chrono::{DateTime, NaiveDate, SecondsFormat, TimeZone, Utc};

#[derive(Debug, Clone, Copy)]
pub struct Clock {
    now: DateTime<Utc>,
}

impl Clock {
    pub fn new(fixed: Option<DateTime<Utc>>) -> Self {
        // Whole seconds: the store keeps seconds, and a fixed clock compares exactly.
        let now = fixed.unwrap_or_else(Utc::now);
        let now = Utc
            .timestamp_opt(now.timestamp(), 0)
            .single()
            .unwrap_or(now);
        Clock { now }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// Unix seconds, the store's time unit.
    pub fn now_ts(&self) -> i64 {
        self.now.timestamp()
    }
}

/// A weekday as hb writes it: `sunday`.
pub fn weekday_name(day: chrono::Weekday) -> &'static str {
    match day {
        chrono::Weekday::Mon => "monday",
        chrono::Weekday::Tue => "tuesday",
        chrono::Weekday::Wed => "wednesday",
        chrono::Weekday::Thu => "thursday",
        chrono::Weekday::Fri => "friday",
        chrono::Weekday::Sat => "saturday",
        chrono::Weekday::Sun => "sunday",
    }
}

/// RFC 3339 (`2026-11-25T08:00:00Z`) or a date (`2026-11-25`, UTC midnight); `now` is not
/// accepted here (callers that allow it resolve it first).
pub fn parse_time(s: &str) -> Result<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        if let Some(t) = d.and_hms_opt(0, 0, 0) {
            return Ok(t.and_utc());
        }
    }
    bail!("invalid time {s:?}: expected RFC 3339 (2026-11-25T08:00:00Z) or a date (2026-11-25)")
}

/// Like `parse_time`, with `now` meaning the clock's instant.
pub fn parse_time_or_now(s: &str, clock: &Clock) -> Result<DateTime<Utc>> {
    if s.trim().eq_ignore_ascii_case("now") {
        Ok(clock.now())
    } else {
        parse_time(s)
    }
}

/// A duration such as `30s`, `5m`, `4h`, `1d` or `1h 30m`.
pub fn parse_duration(s: &str) -> Result<Duration> {
    let d = humantime::parse_duration(s.trim())
        .with_context(|| format!("invalid duration {s:?}: expected e.g. 30s, 5m, 4h, 1d"))?;
    if d.is_zero() {
        bail!("invalid duration {s:?}: must be greater than zero");
    }
    Ok(d)
}

/// A duration as an operator writes it: `5m`, `4h`, `1d 2h`.
pub fn format_duration(d: Duration) -> String {
    let mut secs = d.as_secs();
    if secs == 0 {
        return "0s".into();
    }
    let mut parts = Vec::new();
    for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)] {
        if secs >= size {
            parts.push(format!("{}{unit}", secs / size));
            secs %= size;
        }
    }
    parts.join(" ")
}

/// Unix seconds to a time.
pub fn from_ts(ts: i64) -> DateTime<Utc> {
    from_ts_checked(ts).unwrap_or_default()
}

/// Unix seconds to a time; None outside the calendar's range (about ±262,000 years).
pub fn from_ts_checked(ts: i64) -> Option<DateTime<Utc>> {
    Utc.timestamp_opt(ts, 0).single()
}

/// The instant `after` from now; a duration too long for the clock waits "forever"
/// (a hundred years) instead of overflowing.
pub fn deadline(after: Duration) -> std::time::Instant {
    let now = std::time::Instant::now();
    now.checked_add(after)
        .or_else(|| now.checked_add(Duration::from_secs(100 * 365 * DAY_SECS as u64)))
        .unwrap_or(now)
}

/// The one textual form of times in output: `2026-11-25T08:00:00Z`.
pub fn format_ts(ts: i64) -> String {
    from_ts(ts).to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// [`format_ts`] of a time that may be unset: None (null in JSON documents) stays None.
pub fn format_opt(ts: Option<i64>) -> Option<String> {
    ts.map(format_ts)
}

pub const DAY_SECS: i64 = 86_400;

/// Days between two instants, rounded to one decimal, never negative.
pub fn days_between(from_ts: i64, to_ts: i64) -> f64 {
    let days = (to_ts - from_ts).max(0) as f64 / DAY_SECS as f64;
    (days * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rfc3339_and_dates() {
        assert_eq!(
            parse_time("2026-11-25T08:00:00+01:00").unwrap().timestamp(),
            parse_time("2026-11-25T07:00:00Z").unwrap().timestamp()
        );
        assert_eq!(
            format_ts(parse_time("2026-11-25").unwrap().timestamp()),
            "2026-11-25T00:00:00Z"
        );
        assert!(parse_time("25/11/2026").is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("5m").unwrap(), Duration::from_secs(300));
        assert_eq!(parse_duration("1d").unwrap(), Duration::from_secs(86_400));
        assert_eq!(format_duration(Duration::from_secs(3600 * 4)), "4h");
        assert_eq!(
            format_duration(Duration::from_secs(7 * 86_400 + 1800)),
            "7d 30m"
        );
        assert_eq!(
            parse_duration(&format_duration(Duration::from_secs(93_784)))
                .unwrap()
                .as_secs(),
            93_784
        );
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("often").is_err());
    }

    #[test]
    fn days_round_to_one_decimal_and_clamp() {
        assert_eq!(days_between(0, DAY_SECS * 3 + DAY_SECS / 4), 3.3);
        assert_eq!(days_between(100, 0), 0.0);
    }

    #[test]
    fn fixed_clock_drops_subseconds() {
        let t = parse_time("2026-11-25T08:00:00.750Z").unwrap();
        assert_eq!(
            Clock::new(Some(t)).now_ts(),
            parse_time("2026-11-25T08:00:00Z").unwrap().timestamp()
        );
    }
}
