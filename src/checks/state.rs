//! Per-check state across the heartbeat's runs, and the rules that move it: the current
//! status and since when, the streaks, the recent history, whether the check is alerting
//! (an incident: from the run its alert rule fired until `recover_after` successes in a
//! row) and whether it flaps. Every transition here is pure.
//!
//! The rules an operator sets per check ([`AlertRules`]):
//! - alert after `alert_after` failed runs in a row, or when `fail_within = "X of Y"`:
//!   X of the last Y runs failed;
//! - recover after `recover_after` successes in a row (the incident stays open until then);
//! - escalate after `escalate_after` critical runs in a row;
//! - flap when the status changed at least `flap_changes` times within the last
//!   `flap_window` runs; settle when it changes fewer than half as often.

use std::collections::HashMap;

use serde::Serialize;

use super::model::{Check, CheckOutcome, Status};

/// The most recent runs a check's history keeps: the widest window a rule may read
/// (`fail_within`'s Y, `flap_window`), plus the run before it (a change is a pair).
pub const HISTORY_RUNS: usize = MAX_WINDOW as usize + 1;
/// The widest window `fail_within` and `flap_window` accept.
pub const MAX_WINDOW: u32 = 100;

/// `fail_within = "3 of 5"`: alert once `failures` of the last `runs` runs failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Within {
    pub failures: u32,
    pub runs: u32,
}

impl Within {
    /// `"3 of 5"`: X and Y with 1 <= X <= Y <= [`MAX_WINDOW`].
    pub fn parse(text: &str) -> Result<Within, String> {
        let bad = || {
            format!(
                "{text:?} is not \"X of Y\": write how many of the last runs must fail, e.g. \
                 \"3 of 5\""
            )
        };
        let (x, y) = text.split_once(" of ").ok_or_else(bad)?;
        let failures: u32 = x.trim().parse().map_err(|_| bad())?;
        let runs: u32 = y.trim().parse().map_err(|_| bad())?;
        if failures == 0 || failures > runs {
            return Err(format!(
                "{text:?}: X must be at least 1 and at most Y (X failures of the last Y runs)"
            ));
        }
        if runs > MAX_WINDOW {
            return Err(format!(
                "{text:?}: hb keeps the last {MAX_WINDOW} runs of a check, so Y is at most \
                 {MAX_WINDOW}"
            ));
        }
        Ok(Within { failures, runs })
    }
}

impl std::fmt::Display for Within {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} of {}", self.failures, self.runs)
    }
}

/// When a failing check alerts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// `alert_after`: this many failed runs in a row.
    InARow(u32),
    /// `fail_within`: this many failed runs among the last ones.
    Within(Within),
}

/// Flap detection: `flap_changes` status changes within the last `flap_window` runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Flap {
    pub changes: u32,
    pub window: u32,
}

impl Flap {
    /// The defaults: 6 changes in 20 runs.
    pub const DEFAULT: Flap = Flap {
        changes: 6,
        window: 20,
    };

    /// A flapping check settles when its window holds fewer changes than this: half the
    /// threshold (rounded up), so a check changing at about the threshold's rate does not
    /// start and stop flapping every other run.
    pub fn settle_below(&self) -> u32 {
        self.changes.div_ceil(2)
    }
}

/// A check's alerting rules, as its `[[check]]` table sets them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlertRules {
    pub trigger: Trigger,
    pub recover_after: u32,
    pub escalate_after: u32,
    /// None: `flap_changes = 0`, no flap detection.
    pub flap: Option<Flap>,
}

impl AlertRules {
    /// A check's rules when its table sets none of them.
    pub const DEFAULT: AlertRules = AlertRules {
        trigger: Trigger::InARow(1),
        recover_after: 1,
        escalate_after: 3,
        flap: Some(Flap::DEFAULT),
    };

    pub fn of(check: &Check) -> AlertRules {
        let common = &check.common;
        AlertRules {
            trigger: match common.fail_within {
                Some(within) => Trigger::Within(within),
                None => Trigger::InARow(common.alert_after),
            },
            recover_after: common.recover_after,
            escalate_after: common.escalate_after,
            flap: common.flap,
        }
    }
}

/// Each outcome's check state after it, under its check's rules (a check the config no
/// longer declares keeps the default rules), by name.
pub fn next_states(
    checks: &[Check],
    prev: &HashMap<String, CheckState>,
    outcomes: &[CheckOutcome],
    run_id: Option<i64>,
) -> HashMap<String, CheckState> {
    let mut next: HashMap<String, CheckState> = HashMap::new();
    for outcome in outcomes {
        let rules = checks
            .iter()
            .find(|c| c.common.name == outcome.name)
            .map_or(AlertRules::DEFAULT, AlertRules::of);
        let before = next.get(&outcome.name).or_else(|| prev.get(&outcome.name));
        let state = CheckState::next(before, outcome, run_id, &rules);
        next.insert(outcome.name.clone(), state);
    }
    next
}

/// The failure a check is alerting on: from the run its alert rule fired until
/// `recover_after` successes in a row (or a skip: the check no longer applies).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Incident {
    /// When the failures it alerts on began: the first of the failed runs in a row
    /// (`alert_after`), or the run that made X of the last Y (`fail_within`).
    pub since: i64,
    /// Failed runs since then.
    pub failures: u32,
    /// Its latest failure's status and message.
    pub status: Status,
    pub message: String,
}

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
    /// The statuses of the last counted runs, oldest first (at most [`HISTORY_RUNS`]).
    #[serde(skip)]
    pub history: Vec<Status>,
    /// The failure the check is alerting on, if it is.
    pub incident: Option<Incident>,
    /// Since when the check flaps (None: it does not).
    pub flapping_since: Option<i64>,
}

impl CheckState {
    /// The state after `outcome`, under `rules`. A skipped run resets both streaks and
    /// ends an incident: a check that does not apply is neither failing nor proving health.
    pub fn next(
        prev: Option<&CheckState>,
        outcome: &CheckOutcome,
        run_id: Option<i64>,
        rules: &AlertRules,
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
        let mut history = prev.map(|p| p.history.clone()).unwrap_or_default();
        history.push(status);
        if history.len() > HISTORY_RUNS {
            history.drain(..history.len() - HISTORY_RUNS);
        }
        let incident = next_incident(
            prev.and_then(|p| p.incident.as_ref()),
            outcome,
            &history,
            failures,
            failing_since,
            successes,
            rules,
        );
        let flapping_since = rules.flap.and_then(|flap| {
            let changes = changes_within(&history, flap.window);
            match prev.and_then(|p| p.flapping_since) {
                Some(since) if changes >= flap.settle_below() => Some(since),
                Some(_) => None,
                None => (changes >= flap.changes).then_some(now),
            }
        });
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
            history,
            incident,
            flapping_since,
        }
    }

    /// Alerting: its alert rule fired and it has not recovered yet.
    pub fn is_alerting(&self) -> bool {
        self.incident.is_some()
    }

    /// Recovering: alerting, but passing now (waiting for `recover_after` successes).
    pub fn is_recovering(&self) -> bool {
        self.incident.is_some() && self.status == Status::Ok
    }

    pub fn is_flapping(&self) -> bool {
        self.flapping_since.is_some()
    }

    /// Critical often enough in a row to escalate (`escalate_after`).
    pub fn should_escalate(&self, rules: &AlertRules) -> bool {
        self.status == Status::Critical && self.consecutive_failures >= rules.escalate_after
    }

    /// Failed runs among the last `runs` (fewer when it has run fewer times), and how
    /// many runs that was.
    pub fn failed_within(&self, runs: u32) -> (u32, u32) {
        let last = last(&self.history, runs as usize);
        (
            last.iter().filter(|s| s.is_failure()).count() as u32,
            last.len() as u32,
        )
    }

    /// Status changes within the last `window` runs.
    pub fn changes_within(&self, window: u32) -> u32 {
        changes_within(&self.history, window)
    }

    /// What the board says of the rules' windows: "2 of the last 5 runs failed (alerts
    /// at 3)", "flapping: 7 changes in 20 runs". None when no window rule is set.
    pub fn window_note(&self, rules: &AlertRules) -> Option<String> {
        let mut parts = Vec::new();
        if let Trigger::Within(within) = rules.trigger {
            let (failed, runs) = self.failed_within(within.runs);
            parts.push(format!(
                "{failed} of the last {runs} run{} failed (alerts at {within})",
                plural(runs)
            ));
        }
        if let (Some(flap), true) = (rules.flap, self.is_flapping()) {
            parts.push(format!(
                "flapping: {} changes in {} runs",
                self.changes_within(flap.window),
                flap.window
            ));
        }
        if let (Some(incident), true) = (&self.incident, self.is_recovering()) {
            parts.push(format!(
                "recovering: {} of {} successes ({} before)",
                self.consecutive_successes, rules.recover_after, incident.status
            ));
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

/// The incident after one run: it opens when the alert rule fires on a failure, counts
/// the failures while it lasts, and closes after `recover_after` successes in a row or a
/// skip.
fn next_incident(
    prev: Option<&Incident>,
    outcome: &CheckOutcome,
    history: &[Status],
    failures_in_a_row: u32,
    failing_since: Option<i64>,
    successes: u32,
    rules: &AlertRules,
) -> Option<Incident> {
    let status = outcome.status;
    match prev {
        Some(incident) if status.is_failure() => Some(Incident {
            since: incident.since,
            failures: incident.failures + 1,
            status,
            message: outcome.message.clone(),
        }),
        Some(incident) if status == Status::Ok && successes < rules.recover_after => {
            Some(incident.clone())
        }
        Some(_) => None,
        None if status.is_failure() => {
            let (fires, since, failures) = match rules.trigger {
                Trigger::InARow(n) => (
                    failures_in_a_row >= n,
                    failing_since.unwrap_or(outcome.started_at),
                    failures_in_a_row,
                ),
                Trigger::Within(within) => {
                    let failed = last(history, within.runs as usize)
                        .iter()
                        .filter(|s| s.is_failure())
                        .count() as u32;
                    (failed >= within.failures, outcome.started_at, failed)
                }
            };
            fires.then(|| Incident {
                since,
                failures,
                status,
                message: outcome.message.clone(),
            })
        }
        None => None,
    }
}

fn last(history: &[Status], runs: usize) -> &[Status] {
    &history[history.len().saturating_sub(runs)..]
}

/// Changes of status between consecutive runs, counting the changes *into* each of the
/// last `window` runs (so a window of 20 can hold 20 changes).
fn changes_within(history: &[Status], window: u32) -> u32 {
    let pairs = last(history, window as usize + 1);
    pairs.windows(2).filter(|w| w[0] != w[1]).count() as u32
}

fn plural(n: u32) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// One status per character, for the store's `check_state.history`.
pub fn encode_history(history: &[Status]) -> String {
    history
        .iter()
        .map(|s| match s {
            Status::Ok => 'o',
            Status::Warning => 'w',
            Status::Critical => 'c',
            Status::Unknown => 'u',
            Status::Skipped => 's',
        })
        .collect()
}

/// The history back from its characters; None for a character no status spells.
pub fn decode_history(text: &str) -> Option<Vec<Status>> {
    text.chars()
        .map(|c| match c {
            'o' => Some(Status::Ok),
            'w' => Some(Status::Warning),
            'c' => Some(Status::Critical),
            'u' => Some(Status::Unknown),
            's' => Some(Status::Skipped),
            _ => None,
        })
        .collect()
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
            silenced: None,
        }
    }

    const DEFAULT: AlertRules = AlertRules::DEFAULT;

    /// Feed `pattern` (`o`, `w`, `c`, `u`, `s` per run, a run every 5 minutes) through the
    /// rules; every state along the way.
    fn run(pattern: &str, rules: &AlertRules) -> Vec<CheckState> {
        let mut states: Vec<CheckState> = Vec::new();
        for (i, status) in decode_history(pattern).unwrap().into_iter().enumerate() {
            let next = CheckState::next(
                states.last(),
                &outcome(status, 300 * i as i64),
                Some(i as i64 + 1),
                rules,
            );
            states.push(next);
        }
        states
    }

    /// One character per run: `A` an incident opened, `R` it closed, `F` flapping
    /// started, `S` it settled, `.` nothing of the kind (both at once: the first).
    fn events(states: &[CheckState]) -> String {
        let mut out = String::new();
        let mut prev: Option<&CheckState> = None;
        for s in states {
            let was_alerting = prev.is_some_and(|p| p.is_alerting());
            let was_flapping = prev.is_some_and(|p| p.is_flapping());
            out.push(match () {
                _ if s.is_flapping() && !was_flapping => 'F',
                _ if !s.is_flapping() && was_flapping => 'S',
                _ if s.is_alerting() && !was_alerting => 'A',
                _ if !s.is_alerting() && was_alerting => 'R',
                _ => '.',
            });
            prev = Some(s);
        }
        out
    }

    #[test]
    fn streaks_and_since() {
        let states = run("oowcco", &DEFAULT);
        let s = |i: usize| &states[i];
        assert_eq!(
            (
                s(0).consecutive_successes,
                s(0).consecutive_failures,
                s(0).since
            ),
            (1, 0, 0)
        );
        assert_eq!(
            (s(1).consecutive_successes, s(1).since, s(1).last_ok_at),
            (2, 0, Some(300))
        );
        assert_eq!(
            (s(2).consecutive_failures, s(2).consecutive_successes),
            (1, 0)
        );
        assert_eq!(
            (s(2).since, s(2).failing_since, s(2).last_ok_at),
            (600, Some(600), Some(300))
        );
        // The status changed, the failing streak did not.
        assert_eq!(
            (s(3).consecutive_failures, s(3).since, s(3).failing_since),
            (2, 900, Some(600))
        );
        assert_eq!((s(4).consecutive_failures, s(4).since), (3, 900));
        assert_eq!(
            (
                s(5).consecutive_failures,
                s(5).consecutive_successes,
                s(5).failing_since
            ),
            (0, 1, None)
        );
        assert_eq!(s(5).last_failure_at, Some(1200));
        let skipped = CheckState::next(Some(s(5)), &outcome(Status::Skipped, 1800), None, &DEFAULT);
        assert_eq!(
            (
                skipped.consecutive_failures,
                skipped.consecutive_successes,
                skipped.since
            ),
            (0, 0, 1800)
        );
        assert_eq!(encode_history(&skipped.history), "oowccos");
    }

    #[test]
    fn alert_after_opens_an_incident_and_one_success_closes_it() {
        let rules = AlertRules {
            trigger: Trigger::InARow(2),
            ..DEFAULT
        };
        let states = run("occcoc", &rules);
        assert_eq!(events(&states), "..A.R.");
        let incident = states[3].incident.as_ref().unwrap();
        // From the first failure of the streak, counting every failed run since.
        assert_eq!((incident.since, incident.failures), (300, 3));
        assert!(states[4].incident.is_none());
    }

    #[test]
    fn recover_after_keeps_the_incident_open_until_enough_successes_in_a_row() {
        let rules = AlertRules {
            recover_after: 3,
            ..DEFAULT
        };
        let states = run("coocoooo", &rules);
        // A failure while recovering is the same incident: no new alert.
        assert_eq!(events(&states), "A.....R.");
        assert!(states[2].is_recovering());
        assert_eq!(
            states[2].window_note(&rules).as_deref(),
            Some("recovering: 2 of 3 successes (critical before)")
        );
        assert_eq!(states[5].incident.as_ref().unwrap().failures, 2);
        // A skip ends it: the check does not apply any more.
        let states = run("cos", &rules);
        assert_eq!(events(&states), "A.R");
    }

    #[test]
    fn fail_within_counts_failures_among_the_last_runs() {
        let rules = AlertRules {
            trigger: Trigger::Within(Within::parse("3 of 5").unwrap()),
            flap: None,
            ..DEFAULT
        };
        // Two of every five runs fail: never three of the last five.
        let twice = run(&"ccooo".repeat(60), &rules);
        assert!(twice.iter().all(|s| !s.is_alerting()));
        assert_eq!(
            twice.last().unwrap().window_note(&rules).as_deref(),
            Some("2 of the last 5 runs failed (alerts at 3 of 5)")
        );
        // The third failure within five runs alerts, whether or not in a row.
        let states = run("cococoooooo", &rules);
        assert_eq!(events(&states), "....AR.....");
        let incident = states[4].incident.as_ref().unwrap();
        assert_eq!((incident.since, incident.failures), (1200, 3));
        assert_eq!(states[0].failed_within(5), (1, 1));
        assert_eq!(
            states[0].window_note(&rules).as_deref(),
            Some("1 of the last 1 run failed (alerts at 3 of 5)")
        );
    }

    #[test]
    fn within_is_x_of_y() {
        assert_eq!(
            Within::parse("3 of 5"),
            Ok(Within {
                failures: 3,
                runs: 5
            })
        );
        for bad in ["3/5", "three of 5", "0 of 5", "6 of 5", "3 of 101", ""] {
            assert!(Within::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Within::parse(" 2 of 100 ").unwrap().to_string(), "2 of 100");
    }

    #[test]
    fn a_flapping_check_is_told_once_and_once_more_when_it_settles() {
        // Alternating every run: the sixth change within twenty runs starts flapping.
        let pattern = format!("{}{}", "oc".repeat(20), "o".repeat(25));
        let states = run(&pattern, &DEFAULT);
        let events = events(&states);
        assert_eq!(&events[..7], ".ARARAF", "{events}");
        assert_eq!(events.matches('F').count(), 1, "{events}");
        assert_eq!(events.matches('S').count(), 1, "{events}");
        // It settles once its last twenty runs hold fewer than three changes.
        let settled = events.find('S').unwrap();
        assert_eq!(states[settled].changes_within(20), 2);
        assert_eq!(states[settled - 1].changes_within(20), 3);
        assert_eq!(
            states[20].window_note(&DEFAULT).as_deref(),
            Some("flapping: 20 changes in 20 runs")
        );
        // Without flap detection: nothing ever flaps.
        let off = AlertRules {
            flap: None,
            ..DEFAULT
        };
        assert!(run(&pattern, &off).iter().all(|s| !s.is_flapping()));
    }

    #[test]
    fn a_steady_flapping_rate_stays_flapping_instead_of_starting_again_and_again() {
        // Changes at about the threshold's rate: 6 or 7 in every 20 runs.
        let states = run(&"ccoooo".repeat(30), &DEFAULT);
        let events = events(&states);
        assert_eq!(events.matches('F').count(), 1, "{events}");
        assert_eq!(events.matches('S').count(), 0, "{events}");
    }

    #[test]
    fn escalation_needs_critical_runs_in_a_row() {
        let states = run("ccwcc", &DEFAULT);
        let escalates: Vec<bool> = states.iter().map(|s| s.should_escalate(&DEFAULT)).collect();
        // A warning is a failure (the streak goes on) but not one that escalates.
        assert_eq!(escalates, [false, false, false, true, true]);
    }

    #[test]
    fn history_keeps_the_widest_window_and_round_trips() {
        let states = run(&"oc".repeat(80), &DEFAULT);
        let last = states.last().unwrap();
        assert_eq!(last.history.len(), HISTORY_RUNS);
        assert_eq!(
            decode_history(&encode_history(&last.history)).unwrap(),
            last.history
        );
        assert_eq!(decode_history("ox"), None);
        assert_eq!(last.changes_within(100), 100);
    }

    #[test]
    fn boards_show_the_latest_result_and_whether_it_counted() {
        let counts = |t: &str| t != "checks";
        let s1 = CheckState::next(None, &outcome(Status::Ok, 100), Some(1), &DEFAULT);
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
        let s3 = CheckState::next(Some(&s1), &outcome(Status::Ok, 300), Some(3), &DEFAULT);
        let shown = Shown::of(Some(&s3), Some(&manual(2, Status::Critical)), counts).unwrap();
        assert_eq!((shown.status, shown.not_counted), (Status::Ok, None));
        let shown = Shown::of(None, Some(&manual(2, Status::Warning)), counts).unwrap();
        assert_eq!(shown.status, Status::Warning);
    }
}
