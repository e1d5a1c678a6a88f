//! The cadence rule: when something that runs every so often is due. Pure, and shared
//! by the cycle's modules, the checks, `hb status` and the checks board.

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

    /// Times from a damaged store or an extreme clock never overflow: they saturate.
    #[test]
    fn extreme_times_saturate() {
        let extremes = [i64::MIN, i64::MIN + 1, -1, 0, 1, i64::MAX - 1, i64::MAX];
        for t in extremes {
            for every in [0, 1, 300, i64::MAX] {
                let _ = next_due(Some(t), every);
                let _ = is_due(Some(t), every, t);
            }
        }
        assert_eq!(next_due(Some(i64::MAX), 300), Some(i64::MAX - 30));
    }
}
