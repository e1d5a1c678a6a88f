//! Durations as the config writes them (`"5m"`, `"4h"`, `"1d"`): the one type for
//! cadences, time limits, waits and periods, and the range each kind of key accepts.
//! A leaf module: config, checks and alerts all read it, it reads only the clock.

use std::time::Duration;

use serde::{Deserialize, Deserializer};

use crate::clock;

/// A duration written as `"5m"`, `"4h"`, `"1d"` in the config.
///
/// Any duration key accepts at most [`ANY`]'s range; most keys take a narrower one
/// (`#[serde(deserialize_with = "duration::de::...")]`), so that no sum of a time and a
/// configured duration can overflow and no value means "never" by wrapping around.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span(pub Duration);

impl Span {
    pub const fn secs(secs: u64) -> Self {
        Span(Duration::from_secs(secs))
    }
    /// Whole seconds, the store's unit (saturating: never negative).
    pub fn as_secs(&self) -> i64 {
        i64::try_from(self.0.as_secs()).unwrap_or(i64::MAX)
    }
}

impl std::fmt::Display for Span {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&clock::format_duration(self.0))
    }
}

impl<'de> Deserialize<'de> for Span {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        de::bounded(deserializer, ANY)
    }
}

/// The range of values a duration key accepts; the README's "Durations" lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DurationRange {
    /// What such a duration is, for the error: "a time limit".
    pub what: &'static str,
    pub min: Duration,
    pub max: Duration,
    /// A typical value, for the error's "e.g.".
    pub example: &'static str,
}

const DAY: u64 = 86_400;
/// The longest period any key accepts, in days (ten years).
pub const MAX_DAYS: u32 = 3660;

/// Time limits: a check's `timeout` and `remediation_timeout`, a channel's `timeout`,
/// `[deadman] timeout`.
pub const TIME_LIMIT: DurationRange = DurationRange {
    what: "a time limit",
    min: Duration::from_millis(1),
    max: Duration::from_secs(3600),
    example: "10s",
};
/// Waits inside a run: `recheck_delay`.
pub const WAIT: DurationRange = DurationRange {
    what: "a wait",
    min: Duration::from_millis(1),
    max: Duration::from_secs(3600),
    example: "30s",
};
/// How often something runs: `every`, `[schedule] system`/`protocol`.
pub const CADENCE: DurationRange = DurationRange {
    what: "a cadence",
    min: Duration::from_secs(1),
    max: Duration::from_secs(366 * DAY),
    example: "5m",
};
/// Windows and ages: `max_age`, `window`, `price_window`, `renotify_after`,
/// `give_up_after`.
pub const PERIOD: DurationRange = DurationRange {
    what: "a period",
    min: Duration::from_secs(1),
    max: Duration::from_secs(MAX_DAYS as u64 * DAY),
    example: "24h",
};
/// Any other duration (and command-line windows such as `--window`, `--since`).
pub const ANY: DurationRange = DurationRange {
    what: "a duration",
    min: Duration::from_millis(1),
    max: Duration::from_secs(MAX_DAYS as u64 * DAY),
    example: "5m",
};

impl DurationRange {
    /// `d` if it lies in the range, else what to write instead.
    pub fn check(&self, d: Duration, written: &str) -> Result<Duration, String> {
        if d < self.min || d > self.max {
            return Err(format!(
                "duration {:?} is out of range: {} is {} to {} (e.g. \"{}\")",
                written.trim(),
                self.what,
                human(self.min),
                human(self.max),
                self.example
            ));
        }
        Ok(d)
    }

    /// Parse and check a duration given outside the config (a command-line flag).
    pub fn parse(&self, text: &str) -> anyhow::Result<Duration> {
        let d = clock::parse_duration(text)?;
        self.check(d, text).map_err(anyhow::Error::msg)
    }
}

/// `1ms`, `1h`, `366d`: a range bound as written in the config.
fn human(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{}ms", d.as_millis())
    } else {
        clock::format_duration(d)
    }
}

/// `#[serde(deserialize_with = "...")]` adapters: a duration key and its range, for the
/// keys that use them. The `opt_` forms are for optional keys (with `#[serde(default)]`).
pub mod de {
    use serde::{Deserialize, Deserializer};

    use super::{DurationRange, Span, CADENCE, PERIOD, TIME_LIMIT, WAIT};
    use crate::clock;

    pub(super) fn bounded<'de, D: Deserializer<'de>>(
        deserializer: D,
        range: DurationRange,
    ) -> Result<Span, D::Error> {
        let text = String::deserialize(deserializer)?;
        let d =
            clock::parse_duration(&text).map_err(|e| serde::de::Error::custom(format!("{e:#}")))?;
        range
            .check(d, &text)
            .map(Span)
            .map_err(serde::de::Error::custom)
    }

    /// A cadence (`every`, `[schedule] system`/`protocol`).
    pub fn cadence<'de, D: Deserializer<'de>>(d: D) -> Result<Span, D::Error> {
        bounded(d, CADENCE)
    }

    /// A period (`price_window`, `renotify_after`, `give_up_after`).
    pub fn period<'de, D: Deserializer<'de>>(d: D) -> Result<Span, D::Error> {
        bounded(d, PERIOD)
    }

    /// An optional cadence (a check's `every`).
    pub fn opt_cadence<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Span>, D::Error> {
        bounded(d, CADENCE).map(Some)
    }

    /// An optional time limit (`timeout`, `remediation_timeout`).
    pub fn opt_time_limit<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Span>, D::Error> {
        bounded(d, TIME_LIMIT).map(Some)
    }

    /// An optional wait (`recheck_delay`).
    pub fn opt_wait<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Span>, D::Error> {
        bounded(d, WAIT).map(Some)
    }

    /// An optional period (`max_age`, `window`).
    pub fn opt_period<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Span>, D::Error> {
        bounded(d, PERIOD).map(Some)
    }

    /// A day count (`stale_days`, `*_days` of `[insights]`): 0 to `MAX_DAYS`, finite.
    pub fn days<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        days_in_range(f64::deserialize(d)?).map_err(serde::de::Error::custom)
    }

    pub fn days_in_range(days: f64) -> Result<f64, String> {
        if !(0.0..=super::MAX_DAYS as f64).contains(&days) {
            return Err(format!(
                "{days} days is out of range: a number of days is 0 to {} (e.g. 7 or 2.5)",
                super::MAX_DAYS
            ));
        }
        Ok(days)
    }

    /// `retention_days`: 1 to `MAX_DAYS`.
    pub fn retention_days<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
        let days = u32::deserialize(d)?;
        if !(1..=super::MAX_DAYS).contains(&days) {
            return Err(serde::de::Error::custom(format!(
                "{days} is out of range: retention_days is 1 to {} (e.g. 30)",
                super::MAX_DAYS
            )));
        }
        Ok(days)
    }
}
