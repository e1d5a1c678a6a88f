//! Recurring reminders: `daily`, `weekly`, `monthly`, `every Nd`, and when the next
//! occurrence comes. Pure.

use anyhow::{bail, Result};
use chrono::Months;

use crate::clock::{self, DAY_SECS};

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
            for r in [
                Recurrence::Daily,
                Recurrence::Monthly,
                Recurrence::EveryDays(u32::MAX),
            ] {
                let next = r.next_after(t, t.max(0));
                assert!(next > t.max(0) || next == i64::MAX, "{r} {t}: {next}");
            }
        }
        // Years of missed daily occurrences jump in one step.
        assert_eq!(
            Recurrence::Daily.next_after(0, 100 * 365 * DAY_SECS),
            100 * 365 * DAY_SECS + DAY_SECS
        );
    }
}
