//! Per-check state across runs: the current status and since when, and the streaks that
//! alerting reads (`alert_after`, `escalate_after`). The transition is pure.

use serde::Serialize;

use super::model::{Check, CheckOutcome, Status};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckState {
    pub name: String,
    pub status: Status,
    /// When the current status began.
    pub since: i64,
    /// When the current failing streak began (warning, critical or unknown in a row).
    pub failing_since: Option<i64>,
    pub consecutive_failures: u32,
    pub consecutive_successes: u32,
    pub last_run_at: i64,
    pub last_run_id: Option<i64>,
    pub last_ok_at: Option<i64>,
    pub last_failure_at: Option<i64>,
    pub last_message: String,
    pub last_value: Option<f64>,
    pub last_latency_ms: Option<u64>,
}

impl CheckState {
    /// The state after `outcome`. A skipped run resets both streaks: a check that does
    /// not apply is neither failing nor proving health.
    pub fn next(
        prev: Option<&CheckState>,
        outcome: &CheckOutcome,
        run_id: Option<i64>,
    ) -> CheckState {
        let now = outcome.started_at;
        let status = outcome.status;
        let since = match prev {
            Some(p) if p.status == status => p.since,
            _ => now,
        };
        let prev_failures = prev.map_or(0, |p| p.consecutive_failures);
        let prev_successes = prev.map_or(0, |p| p.consecutive_successes);
        let (failures, successes, failing_since) = if status.is_failure() {
            let failing_since = prev.and_then(|p| p.failing_since).unwrap_or(now);
            (prev_failures + 1, 0, Some(failing_since))
        } else if status == Status::Ok {
            (0, prev_successes + 1, None)
        } else {
            (0, 0, None)
        };
        CheckState {
            name: outcome.name.clone(),
            status,
            since,
            failing_since,
            consecutive_failures: failures,
            consecutive_successes: successes,
            last_run_at: now,
            last_run_id: run_id,
            last_ok_at: if status == Status::Ok {
                Some(now)
            } else {
                prev.and_then(|p| p.last_ok_at)
            },
            last_failure_at: if status.is_failure() {
                Some(now)
            } else {
                prev.and_then(|p| p.last_failure_at)
            },
            last_message: outcome.message.clone(),
            last_value: outcome.value,
            last_latency_ms: outcome.latency_ms,
        }
    }

    /// Failed often enough in a row to alert (`alert_after`).
    pub fn should_alert(&self, check: &Check) -> bool {
        self.consecutive_failures >= check.common.alert_after
    }

    /// Failed often enough in a row to escalate (`escalate_after`).
    pub fn should_escalate(&self, check: &Check) -> bool {
        self.consecutive_failures >= check.common.escalate_after
    }
}

/// A check's latest recorded result, from any run.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedResult {
    pub run_id: i64,
    /// `runs.trigger` of the run that recorded it (`timer`, `all`, `checks`, `demo`, ...).
    pub trigger: String,
    pub status: Status,
    pub message: String,
    pub started_at: i64,
}

/// One check as the boards show it: its latest result, and whether that result counted.
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    pub status: Status,
    /// Since when this status holds, as far as the shown results tell.
    pub since: i64,
    pub at: i64,
    pub message: String,
    pub run_id: Option<i64>,
    /// The latest result came from a run that does not count (`hb checks run`, the demo):
    /// its trigger. None when the latest result is the heartbeat's own.
    pub not_counted: Option<String>,
}

impl Shown {
    /// The latest of the counted state and the latest recorded result. A manual result
    /// newer than the last counted one is what the board shows, marked as not counted;
    /// the counted state (streaks, due times, alerts) stays the heartbeat's.
    pub fn of(
        counted: Option<&CheckState>,
        latest: Option<&RecordedResult>,
        counts: impl Fn(&str) -> bool,
    ) -> Option<Shown> {
        let newer_uncounted = latest.filter(|l| {
            !counts(&l.trigger) && counted.is_none_or(|s| Some(l.run_id) > s.last_run_id)
        });
        match (counted, newer_uncounted) {
            (state, Some(result)) => Some(Shown {
                status: result.status,
                since: match state {
                    Some(s) if s.status == result.status => s.since,
                    _ => result.started_at,
                },
                at: result.started_at,
                message: result.message.clone(),
                run_id: Some(result.run_id),
                not_counted: Some(result.trigger.clone()),
            }),
            (Some(state), None) => Some(Shown {
                status: state.status,
                since: state.since,
                at: state.last_run_at,
                message: state.last_message.clone(),
                run_id: state.last_run_id,
                not_counted: None,
            }),
            (None, None) => None,
        }
    }

    /// What the board writes after a status that did not count: "(manual)", "(demo)".
    pub fn mark(&self) -> &'static str {
        match self.not_counted.as_deref() {
            None => "",
            Some(crate::store::DEMO_TRIGGER) => " (demo, not counted)",
            Some(_) => " (manual, not counted)",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::{Group, Kind, Severity};

    fn outcome(status: Status, at: i64) -> CheckOutcome {
        CheckOutcome {
            name: "api".into(),
            group: Group::System,
            kind: Kind::Http,
            severity: Severity::Critical,
            status,
            message: status.to_string(),
            value: None,
            latency_ms: Some(5),
            started_at: at,
            duration_ms: 5,
            metrics: vec![],
            remediation: None,
        }
    }

    #[test]
    fn streaks_and_since() {
        let s1 = CheckState::next(None, &outcome(Status::Ok, 100), Some(1));
        assert_eq!(
            (s1.consecutive_successes, s1.consecutive_failures, s1.since),
            (1, 0, 100)
        );
        let s2 = CheckState::next(Some(&s1), &outcome(Status::Ok, 200), Some(2));
        assert_eq!(
            (s2.consecutive_successes, s2.since, s2.last_ok_at),
            (2, 100, Some(200))
        );
        let s3 = CheckState::next(Some(&s2), &outcome(Status::Warning, 300), Some(3));
        assert_eq!((s3.consecutive_failures, s3.consecutive_successes), (1, 0));
        assert_eq!(
            (s3.since, s3.failing_since, s3.last_ok_at),
            (300, Some(300), Some(200))
        );
        let s4 = CheckState::next(Some(&s3), &outcome(Status::Critical, 400), Some(4));
        // The status changed, the failing streak did not.
        assert_eq!(
            (s4.consecutive_failures, s4.since, s4.failing_since),
            (2, 400, Some(300))
        );
        let s5 = CheckState::next(Some(&s4), &outcome(Status::Critical, 500), Some(5));
        assert_eq!((s5.consecutive_failures, s5.since), (3, 400));
        let s6 = CheckState::next(Some(&s5), &outcome(Status::Ok, 600), Some(6));
        assert_eq!(
            (
                s6.consecutive_failures,
                s6.consecutive_successes,
                s6.failing_since
            ),
            (0, 1, None)
        );
        assert_eq!(s6.last_failure_at, Some(500));
        let s7 = CheckState::next(Some(&s6), &outcome(Status::Skipped, 700), Some(7));
        assert_eq!(
            (s7.consecutive_failures, s7.consecutive_successes, s7.since),
            (0, 0, 700)
        );
    }

    #[test]
    fn boards_show_the_latest_result_and_whether_it_counted() {
        let counts = |t: &str| t != "checks";
        let s1 = CheckState::next(None, &outcome(Status::Ok, 100), Some(1));
        let manual = |run_id, status| RecordedResult {
            run_id,
            trigger: "checks".into(),
            status,
            message: "manual".into(),
            started_at: 200,
        };
        assert_eq!(Shown::of(None, None, counts), None);
        let shown = Shown::of(Some(&s1), None, counts).unwrap();
        assert_eq!((shown.status, shown.not_counted), (Status::Ok, None));
        let shown = Shown::of(Some(&s1), Some(&manual(2, Status::Critical)), counts).unwrap();
        assert_eq!(
            (shown.status, shown.since, shown.mark()),
            (Status::Critical, 200, " (manual, not counted)")
        );
        // The same status as counted: it has held since the counted run said so.
        let shown = Shown::of(Some(&s1), Some(&manual(2, Status::Ok)), counts).unwrap();
        assert_eq!(shown.since, 100);
        // A manual run older than the last cycle is history, not the board.
        let s3 = CheckState::next(Some(&s1), &outcome(Status::Ok, 300), Some(3));
        let shown = Shown::of(Some(&s3), Some(&manual(2, Status::Critical)), counts).unwrap();
        assert_eq!((shown.status, shown.not_counted), (Status::Ok, None));
        let shown = Shown::of(None, Some(&manual(2, Status::Warning)), counts).unwrap();
        assert_eq!(shown.status, Status::Warning);
    }
}
