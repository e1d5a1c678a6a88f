//! When a module is due, and when a recurring reminder comes next. Pure.

use anyhow::{bail, Result};
use chrono::Months;

use crate::clock::{self, DAY_SECS};

/// When something that runs every `every_secs` is next due: its cadence after the last
/// run, less a small tolerance (a tenth of the cadence, at most 30 s), so a 5-minute
/// timer that fires a few seconds early does not skip every other run. `None`: it never
/// ran, so it is due now. Modules and checks share this rule.
pub fn next_due(last_run_at: Option<i64>, every_secs: i64) -> Option<i64> {
    // Saturating: a time or cadence from a damaged store must not wrap into "due now".
    last_run_at.map(|last| {
        last.saturating_add(every_secs)
            .saturating_sub((every_secs / 10).clamp(0, 30))
    })
}

/// When it is due as seen at `now`: at once when it never ran, or when its last run is
/// recorded after `now` (the clock went back, or a run had a wrong clock: waiting for that
/// time to come again would stop it for as long).
pub fn due_at(last_run_at: Option<i64>, every_secs: i64, now: i64) -> i64 {
    match last_run_at {
        Some(last) if !ran_after(last, now) => next_due(Some(last), every_secs).unwrap_or(now),
        _ => now,
    }
}

pub fn is_due(last_run_at: Option<i64>, every_secs: i64, now: i64) -> bool {
    now >= due_at(last_run_at, every_secs, now)
}

/// A stored time after `now`: the clock that wrote it was ahead of this one.
pub fn ran_after(at: i64, now: i64) -> bool {
    at > now
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recurrence {
    Daily,
    Weekly,
    Monthly,
    EveryDays(u32),
}

impl std::fmt::Display for Recurrence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Recurrence::Daily => f.write_str("daily"),
            Recurrence::Weekly => f.write_str("weekly"),
            Recurrence::Monthly => f.write_str("monthly"),
            Recurrence::EveryDays(n) => write!(f, "every {n}d"),
        }
    }
}

impl Recurrence {
    /// `daily`, `weekly`, `monthly` or `every Nd` (N days, N >= 1).
    pub fn parse(s: &str) -> Result<Recurrence> {
        let s = s.trim().to_ascii_lowercase();
        Ok(match s.as_str() {
            "daily" => Recurrence::Daily,
            "weekly" => Recurrence::Weekly,
            "monthly" => Recurrence::Monthly,
            other => {
                let days = other
                    .strip_prefix("every")
                    .map(str::trim)
                    .and_then(|rest| rest.strip_suffix('d'))
                    .and_then(|n| n.trim().parse::<u32>().ok())
                    .filter(|n| *n >= 1);
                match days {
                    Some(n) => Recurrence::EveryDays(n),
                    None => bail!("invalid recurrence {s:?}: expected daily, weekly, monthly or every Nd (e.g. every 3d)"),
                }
            }
        })
    }

    fn fixed_step(self) -> Option<i64> {
        match self {
            Recurrence::Daily => Some(DAY_SECS),
            Recurrence::Weekly => Some(7 * DAY_SECS),
            Recurrence::EveryDays(n) => Some(i64::from(n) * DAY_SECS),
            Recurrence::Monthly => None,
        }
    }

    fn step(self, from: i64) -> i64 {
        match self {
            Recurrence::Daily => from.saturating_add(DAY_SECS),
            Recurrence::Weekly => from.saturating_add(7 * DAY_SECS),
            Recurrence::EveryDays(n) => from.saturating_add(i64::from(n) * DAY_SECS),
            Recurrence::Monthly => clock::from_ts_checked(from)
                .and_then(|t| t.checked_add_months(Months::new(1)))
                .map(|t| t.timestamp())
                .unwrap_or(from.saturating_add(30 * DAY_SECS)),
        }
    }

    /// The first occurrence after `now`: missed occurrences are not replayed one by one.
    pub fn next_after(self, due_at: i64, now: i64) -> i64 {
        let mut next = self.step(due_at);
        // Fixed steps jump straight past `now`. Months step by the calendar, after a
        // jump of 30-day steps to within a year when centuries behind (a damaged time),
        // so the loop stays short. A saturated step ends it.
        let behind = now.saturating_sub(next);
        match self.fixed_step() {
            Some(step) if behind >= 0 && step > 0 => {
                next = next.saturating_add((behind / step + 1).saturating_mul(step));
            }
            None if behind > 100 * 366 * DAY_SECS => {
                let month = 30 * DAY_SECS;
                let jump = (behind - 366 * DAY_SECS) / month;
                next = next.saturating_add(jump.saturating_mul(month));
            }
            _ => {}
        }
        while next <= now && next < i64::MAX {
            next = self.step(next);
        }
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_with_tolerance() {
        assert!(is_due(None, 300, 0));
        assert!(is_due(Some(0), 300, 300));
        assert!(
            is_due(Some(0), 300, 290),
            "a timer firing 10 s early still runs"
        );
        assert!(!is_due(Some(0), 300, 260));
        assert!(!is_due(Some(0), 3600, 300));
        assert!(is_due(Some(0), 3600, 3600));
    }

    #[test]
    fn a_last_run_after_now_is_due_at_once() {
        // Stamped by a run whose clock said 2100; the clock is right again.
        let year_2100 = 4_102_444_800;
        assert!(is_due(Some(year_2100), 300, 1_800_000_000));
        assert_eq!(due_at(Some(year_2100), 300, 1_800_000_000), 1_800_000_000);
        assert_eq!(due_at(Some(1000), 300, 1100), 1270);
        assert_eq!(due_at(None, 300, 1100), 1100);
    }

    #[test]
    fn recurrences() {
        assert_eq!(Recurrence::parse("weekly").unwrap(), Recurrence::Weekly);
        assert_eq!(
            Recurrence::parse("every 3d").unwrap(),
            Recurrence::EveryDays(3)
        );
        assert!(Recurrence::parse("every 0d").is_err());
        assert!(Recurrence::parse("fortnightly").is_err());
        let due = clock::parse_time("2026-01-31T09:00:00Z")
            .unwrap()
            .timestamp();
        let next = Recurrence::Monthly.next_after(due, due);
        assert_eq!(clock::format_ts(next), "2026-02-28T09:00:00Z");
        // Missed occurrences collapse into the next future one.
        assert_eq!(
            Recurrence::Weekly.next_after(due, due + 15 * DAY_SECS),
            due + 21 * DAY_SECS
        );
    }

    /// Times from a damaged store or an extreme clock never overflow: they saturate.
    #[test]
    fn extreme_times_saturate() {
        let extremes = [i64::MIN, i64::MIN + 1, -1, 0, 1, i64::MAX - 1, i64::MAX];
        for t in extremes {
            for every in [0, 1, 300, i64::MAX] {
                let _ = next_due(Some(t), every);
                let _ = is_due(Some(t), every, t);
            }
            for r in [
                Recurrence::Daily,
                Recurrence::Monthly,
                Recurrence::EveryDays(u32::MAX),
            ] {
                let next = r.next_after(t, t.max(0));
                assert!(next > t.max(0) || next == i64::MAX, "{r} {t}: {next}");
            }
        }
        assert_eq!(next_due(Some(i64::MAX), 300), Some(i64::MAX - 30));
        // Years of missed daily occurrences jump in one step.
        assert_eq!(
            Recurrence::Daily.next_after(0, 100 * 365 * DAY_SECS),
            100 * 365 * DAY_SECS + DAY_SECS
        );
    }
}
