//! System: the health checks of the protocol, as the cycle runs them.
//!
//! The checks that are due run first, in parallel and outside any transaction (they wait
//! on the network); then, in the module's transaction, their results and state are
//! recorded and turned into notifications:
//! - a check that has failed `alert_after` runs in a row is a finding (`check:NAME`),
//!   notified once, re-notified after `renotify_after`, at once if it gets worse, and
//!   resolved with one recovery message when it passes again;
//! - a check whose failure is critical for `escalate_after` runs in a row escalates: the
//!   escalation route is told once, with every failing check and since when; the
//!   escalation re-arms when the check recovers.

use std::collections::HashMap;

use anyhow::Result;

use super::alerting::Recovery;
use super::{ModuleEnv, ModuleOutcome, SummaryItem};
use crate::alert::Priority;
use crate::checks::{self, Actions, Check, CheckOutcome, CheckState, Status};
use crate::clock;
use crate::config::Loaded;
use crate::notification::NotificationKind;
use crate::store::{Counting, NotificationDraft, Store, Tx};

/// Escalations are told once per failing streak: they never re-notify on a timer.
pub const NEVER: i64 = i64::MAX / 4;

/// Run the checks that are due (the slow part, before the module's transaction), with
/// remediation as `actions` allows.
pub fn run_due_checks(
    loaded: &Loaded,
    store: &Store,
    now: i64,
    actions: Actions,
) -> Result<Vec<CheckOutcome>> {
    let states = store.check_states()?;
    let due = checks::due_checks(&loaded.config.check, &states, now);
    let remediable = due
        .iter()
        .filter(|c| !c.common.on_failure.is_empty())
        .map(|c| c.common.name.as_str());
    let passed = store.passed_checks(remediable)?;
    let ctx = loaded
        .check_context(Some(store.path().to_path_buf()), now)
        .with_passed(passed);
    Ok(checks::run_checks(&due, &ctx, actions))
}

/// Whether this cycle may remediate: not in a dry run, not with `--no-remediate`, and
/// never while `[actions] enabled = false`.
pub fn cycle_actions(config: &crate::config::Config, dry_run: bool, no_remediate: bool) -> Actions {
    let requested = if dry_run {
        Actions::Off("a dry run runs no remediation")
    } else if no_remediate {
        Actions::Off("remediation is off for this cycle (hb cycle --no-remediate)")
    } else {
        Actions::On
    };
    requested.under(&config.actions)
}

/// The priority a failing check's notification carries.
pub fn priority_of(status: Status) -> Priority {
    match status {
        Status::Critical => Priority::Critical,
        Status::Unknown => Priority::High,
        _ => Priority::Medium,
    }
}

/// Is this check's failure one the heartbeat escalates (critical, long enough)?
pub fn escalates(check: &Check, state: &CheckState) -> bool {
    state.status == Status::Critical && state.should_escalate(check)
}

pub struct SystemOutcome {
    pub outcome: ModuleOutcome,
    /// Notification ids of new escalations (alerted to the escalation route).
    pub escalations: Vec<i64>,
    /// What the recovery alerts of checks that healed in this run say, by dedup key.
    pub recoveries: HashMap<String, Recovery>,
}

/// The recovery notice of a check whose failing streak ended with `outcome`: what
/// recovered and how long it failed, not the failure's text. None when it was not failing.
pub fn recovery(check: &Check, prev: &CheckState, outcome: &CheckOutcome) -> Option<Recovery> {
    if prev.consecutive_failures == 0 || outcome.status.is_failure() {
        return None;
    }
    let from = prev.failing_since.unwrap_or(prev.since);
    let lasted = clock::format_duration(std::time::Duration::from_secs(
        (outcome.started_at - from).max(0) as u64,
    ));
    let runs = prev.consecutive_failures;
    let plural = if runs == 1 { "" } else { "s" };
    let now = match outcome.status {
        Status::Ok => "is ok again".to_string(),
        other => format!("is {other} now"),
    };
    let healed_by = outcome
        .remediation
        .as_ref()
        .filter(|r| r.recovered)
        .map(|r| {
            let commands: Vec<String> = r
                .actions
                .iter()
                .map(|a| checks::display_argv(&a.command))
                .collect();
            format!(" Its remediation healed it: {}.", commands.join("; "))
        })
        .unwrap_or_default();
    Some(Recovery {
        subject: format!(
            "{} {now} after {runs} failed run{plural} ({lasted})",
            check.common.name
        ),
        message: format!(
            "{} check {} ({}) {now}: {}. It had failed {runs} run{plural} in a row, from {} \
             for {lasted}; the last failure was {}: {}.{healed_by}",
            check.common.group.as_str(),
            check.common.name,
            check.tag().as_str(),
            outcome.message,
            clock::format_ts(from),
            prev.status.as_str(),
            prev.last_message,
        ),
    })
}

pub fn run(tx: &Tx<'_>, env: &ModuleEnv, outcomes: &[CheckOutcome]) -> Result<SystemOutcome> {
    let now = env.now;
    let mut states = tx.check_states()?;
    let mut recoveries: HashMap<String, Recovery> = outcomes
        .iter()
        .filter_map(|outcome| {
            let check = env
                .config
                .check
                .iter()
                .find(|c| c.common.name == outcome.name)?;
            let text = recovery(check, states.get(&outcome.name)?, outcome)?;
            Some((format!("check:{}", check.common.name), text))
        })
        .collect();
    // A failing check that was disabled or removed resolves too: say so, not "recovered".
    for state in states.values().filter(|s| s.status.is_failure()) {
        let why = match env
            .config
            .check
            .iter()
            .find(|c| c.common.name == state.name)
        {
            None => "it was removed from the config",
            Some(c) if !c.common.enabled => "it is disabled in the config",
            Some(_) => continue,
        };
        recoveries.insert(
            format!("check:{}", state.name),
            Recovery {
                subject: format!("{} no longer runs: {why}", state.name),
                message: format!(
                    "Check {} no longer runs ({why}); it was {} after {} failed run(s): {}.",
                    state.name,
                    state.status.as_str(),
                    state.consecutive_failures,
                    state.last_message
                ),
            },
        );
    }
    match env.run_id {
        Some(run_id) => {
            tx.record_check_results(run_id, outcomes, Counting::Counts)?;
            states = tx.check_states()?;
        }
        // A dry run moves the state on in memory only.
        None => {
            for outcome in outcomes {
                let next = CheckState::next(states.get(&outcome.name), outcome, None);
                states.insert(outcome.name.clone(), next);
            }
        }
    }

    let configured: Vec<&Check> = env
        .config
        .check
        .iter()
        .filter(|c| c.common.enabled)
        .collect();
    let failing: Vec<(&Check, &CheckState)> = configured
        .iter()
        .filter_map(|c| states.get(&c.common.name).map(|s| (*c, s)))
        .filter(|(_, s)| s.status.is_failure())
        .collect();

    let mut findings = tx.reconciler("system", now, env.renotify_after, env.run_id);
    let mut alerting = Vec::new();
    for (check, state) in &failing {
        if !state.should_alert(check) {
            continue;
        }
        alerting.push(check.common.name.clone());
        findings.add(&NotificationDraft {
            dedup_key: check_key(&check.common.name),
            kind: NotificationKind::CheckFailed,
            priority: priority_of(state.status),
            subject: format!(
                "Check {} is {}: {}",
                check.common.name,
                state.status.as_str(),
                state.last_message
            ),
            message: describe(check, state),
            property_id: None,
        })?;
    }
    let transitions = findings.apply()?;

    let escalating: Vec<&(&Check, &CheckState)> = failing
        .iter()
        .filter(|(check, state)| escalates(check, state))
        .collect();
    let mut escalations = tx.reconciler("escalation", now, NEVER, env.run_id);
    for (check, state) in &escalating {
        let others: Vec<String> = failing
            .iter()
            .map(|(c, s)| {
                format!(
                    "- {} ({}) since {}",
                    c.common.name,
                    s.status.as_str(),
                    since(s)
                )
            })
            .collect();
        escalations.add(&NotificationDraft {
            dedup_key: format!("escalation:{}", check_key(&check.common.name)),
            kind: NotificationKind::Escalation,
            priority: Priority::Critical,
            subject: format!(
                "Escalation: check {} has failed {} times in a row since {}",
                check.common.name,
                state.consecutive_failures,
                since(state)
            ),
            message: format!(
                "{}\n\nFailing checks now:\n{}",
                describe(check, state),
                others.join("\n")
            ),
            property_id: None,
        })?;
    }
    let escalated = escalations.apply()?;
    // Escalations that clear say nothing themselves: the check's recovery message does.
    let failed_now: Vec<String> = outcomes
        .iter()
        .filter(|o| o.status.is_failure())
        .map(|o| o.name.clone())
        .collect();
    let mut items = vec![SummaryItem::named(
        failed_now.len() as i64,
        "failing check",
        "failing checks",
        failed_now.clone(),
    )];
    if !escalated.new.is_empty() {
        items.push(SummaryItem::named(
            escalated.new.len() as i64,
            "escalation",
            "escalations",
            vec![],
        ));
    }
    Ok(SystemOutcome {
        outcome: ModuleOutcome {
            findings: failed_now.len() as i64,
            message: if outcomes.is_empty() {
                if env.config.check.is_empty() {
                    "no checks configured".into()
                } else {
                    "no check due".into()
                }
            } else {
                format!("ran {}", checks::summary(outcomes))
            },
            items,
            transitions,
        },
        escalations: escalated.new,
        recoveries,
    })
}

fn since(state: &CheckState) -> String {
    clock::format_ts(state.failing_since.unwrap_or(state.since))
}

fn describe(check: &Check, state: &CheckState) -> String {
    format!(
        "{} check {} ({}) is {}: {}. It has failed {} run{} in a row, since {}.",
        check.common.group.as_str(),
        check.common.name,
        check.tag().as_str(),
        state.status.as_str(),
        state.last_message,
        state.consecutive_failures,
        if state.consecutive_failures == 1 {
            ""
        } else {
            "s"
        },
        since(state)
    )
}

/// The notification key of a check's failure (`check:NAME`); its escalation's is
/// `escalation:check:NAME`.
pub fn check_key(name: &str) -> String {
    format!("check:{name}")
}

/// The check a notification key is about, if it is about one.
pub fn check_of(dedup_key: &str) -> Option<&str> {
    dedup_key
        .strip_prefix("escalation:")
        .unwrap_or(dedup_key)
        .strip_prefix("check:")
}

/// Route overrides of the checks, by notification dedup key.
pub fn routes(config: &crate::config::Config) -> HashMap<String, Vec<String>> {
    config
        .check
        .iter()
        .filter_map(|c| {
            c.common
                .route
                .clone()
                .map(|r| (check_key(&c.common.name), r))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failing(failures: u32, since: i64) -> CheckState {
        CheckState {
            name: "payments".into(),
            status: Status::Critical,
            since,
            failing_since: Some(since),
            consecutive_failures: failures,
            consecutive_successes: 0,
            last_run_at: since,
            last_run_id: Some(1),
            last_ok_at: None,
            last_failure_at: Some(since),
            last_message: "cannot connect to 127.0.0.1:12111".into(),
            last_value: None,
            last_latency_ms: None,
        }
    }

    #[test]
    fn recovery_says_what_recovered_and_how_long_it_failed() {
        let config = crate::config::parse(
            "[[check]]\nname = \"payments\"\ngroup = \"integration\"\ntype = \"tcp\"\naddress = \"127.0.0.1:1\"\n",
        )
        .unwrap();
        let check = &config.check[0];
        let outcome = |status: Status, at: i64| CheckOutcome {
            name: "payments".into(),
            group: checks::Group::Integration,
            kind: checks::Kind::Tcp,
            severity: checks::Severity::Critical,
            status,
            message: "connected to 127.0.0.1:12111 in 1 ms".into(),
            value: None,
            latency_ms: Some(1),
            started_at: at,
            duration_ms: 1,
            metrics: vec![],
            remediation: None,
        };
        let prev = failing(4, 1000);
        let text = recovery(check, &prev, &outcome(Status::Ok, 1000 + 2 * 3600 + 300)).unwrap();
        assert_eq!(
            text.subject,
            "payments is ok again after 4 failed runs (2h 5m)"
        );
        assert!(
            text.message.starts_with(
                "integration check payments (tcp) is ok again: connected to 127.0.0.1:12111 in 1 ms. \
                 It had failed 4 runs in a row"
            ),
            "{}",
            text.message
        );
        assert!(text
            .message
            .contains("the last failure was critical: cannot connect"));
        assert_eq!(
            recovery(check, &failing(1, 0), &outcome(Status::Skipped, 60))
                .unwrap()
                .subject,
            "payments is skipped now after 1 failed run (1m)"
        );
        assert_eq!(
            recovery(check, &prev, &outcome(Status::Warning, 2000)),
            None
        );
        assert_eq!(
            recovery(check, &failing(0, 0), &outcome(Status::Ok, 2000)),
            None
        );
    }

    #[test]
    fn check_keys_name_their_check() {
        assert_eq!(check_of(&check_key("api")), Some("api"));
        assert_eq!(check_of("escalation:check:api"), Some("api"));
        assert_eq!(check_of("escalation:cycle"), None);
        assert_eq!(check_of("stale:5:enriched"), None);
    }

    #[test]
    fn priorities_follow_the_status() {
        assert_eq!(priority_of(Status::Critical).as_str(), "critical");
        assert_eq!(priority_of(Status::Unknown).as_str(), "high");
        assert_eq!(priority_of(Status::Warning).as_str(), "medium");
    }
}
