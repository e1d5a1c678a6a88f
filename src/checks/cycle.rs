//! `cycle` (built in): the heartbeat watches itself. The run log must have no gap
//! between cycles longer than twice `[schedule] system`, within `window` (default: the
//! check's `every`), counting the time since the last cycle.

use std::time::Duration;

use rusqlite::{params, OptionalExtension};

use super::sql::{classify, open_read_only};
use super::{CheckConfig, Observation, Reading, RunContext};
use crate::clock;

/// Runs of `hb checks run` are not cycles and do not keep the heartbeat alive.
const NOT_A_CYCLE: &str = "checks";

pub fn observe(check: &CheckConfig, ctx: &RunContext) -> Observation {
    let Some(store) = &ctx.store_path else {
        return Observation::unknown("no store to read the run log from");
    };
    if !store.exists() {
        return Observation::unknown(format!(
            "no cycle has run yet (no store at {})",
            store.display()
        ));
    }
    let conn = match open_read_only(store, check.timeout.0) {
        Ok(conn) => conn,
        Err(not_evaluated) => return not_evaluated,
    };
    let window = check.window.unwrap_or(check.every).as_secs();
    let start = ctx.now.saturating_sub(window);
    let starts = (|| -> rusqlite::Result<(Option<i64>, Vec<i64>)> {
        let before: Option<i64> = conn
            .query_row(
                "SELECT max(started_at) FROM runs WHERE started_at < ?1 AND trigger <> ?2",
                params![start, NOT_A_CYCLE],
                |row| row.get(0),
            )
            .optional()?
            .flatten();
        let mut stmt = conn.prepare(
            "SELECT started_at FROM runs WHERE started_at >= ?1 AND started_at <= ?2 \
             AND trigger <> ?3 ORDER BY started_at",
        )?;
        let within = stmt
            .query_map(params![start, ctx.now, NOT_A_CYCLE], |row| row.get(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?;
        Ok((before, within))
    })();
    let (before, within) = match starts {
        Ok(found) => found,
        Err(err) => return classify(&err, check.timeout),
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
