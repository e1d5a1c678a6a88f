//! `cycle` (built in): the heartbeat watches itself. The run log must have no gap
//! between cycles longer than twice `[schedule] system`, within `window` (default: the
//! check's `every`), counting the time since the last cycle.

use std::time::Duration;

use super::judge::{Observation, Reading};
use super::model::CycleCheck;
use super::runner::{Observe, RunContext};
use super::sql::classify;
use crate::clock;
use crate::duration::Span;
use crate::store::Store;

impl Observe for CycleCheck {
    fn observe(&self, timeout: Span, ctx: &RunContext) -> Observation {
        let Some(store) = &ctx.store_path else {
            return Observation::unknown("no store to read the run log from");
        };
        if !store.exists() {
            return Observation::unknown(format!(
                "no cycle has run yet (no store at {})",
                store.display()
            ));
        }
        let window = self.window.as_secs();
        let start = ctx.now.saturating_sub(window);
        let starts =
            Store::open_read_only(store).and_then(|store| store.cycle_starts(start, ctx.now));
        let (before, within) = match starts {
            Ok(found) => found,
            Err(err) => return not_read(&err, timeout),
        };
        let cadence = ctx.cycle_cadence.as_secs();
        let limit = cadence.saturating_mul(2);
        let Some((gap, from, to)) = longest_gap(before, &within, ctx.now) else {
            return Observation::unknown("no cycle has run yet");
        };
        let human = |secs: i64| clock::format_duration(Duration::from_secs(secs.max(0) as u64));
        let obs = if gap > limit {
            let until = if to == ctx.now {
                "now".to_string()
            } else {
                clock::format_ts(to)
            };
            Observation::failed(format!(
                "no cycle for {} (from {} to {until}); the limit is {} (twice the cadence {})",
                human(gap),
                clock::format_ts(from),
                human(limit),
                human(cadence)
            ))
        } else {
            Observation::ok(format!(
                "{} cycles in the last {}, longest gap {} (limit {})",
                within.len(),
                human(window),
                human(gap),
                human(limit)
            ))
        };
        obs.with_reading(Reading::Number(gap as f64))
    }
}

/// A run log that could not be read: a busy or corrupt store is the heartbeat failing
/// (as for any database), anything else a check hb cannot evaluate.
fn not_read(err: &anyhow::Error, timeout: Span) -> Observation {
    match err
        .chain()
        .find_map(|cause| cause.downcast_ref::<rusqlite::Error>())
    {
        Some(sqlite) => classify(sqlite, timeout),
        None => Observation::unknown(format!("{err:#}")),
    }
}

/// The longest gap (seconds, from, to) between consecutive cycle starts, including the
/// one before the window and the time since the last; None when no cycle ever ran.
pub fn longest_gap(before: Option<i64>, within: &[i64], now: i64) -> Option<(i64, i64, i64)> {
    let points: Vec<i64> = before
        .into_iter()
        .chain(within.iter().copied())
        .chain(std::iter::once(now))
        .collect();
    if points.len() < 2 {
        return None;
    }
    points
        .windows(2)
        .map(|w| (w[1] - w[0], w[0], w[1]))
        .max_by_key(|(gap, from, _)| (*gap, -from))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps() {
        assert_eq!(longest_gap(None, &[], 1000), None);
        assert_eq!(longest_gap(Some(100), &[], 1000), Some((900, 100, 1000)));
        assert_eq!(
            longest_gap(Some(0), &[300, 600, 2400, 2700], 3000),
            Some((1800, 600, 2400))
        );
        assert_eq!(longest_gap(None, &[900], 1000), Some((100, 900, 1000)));
    }
}
