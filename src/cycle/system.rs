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

use super::{ModuleEnv, ModuleOutcome, SummaryItem};
use crate::checks::{self, CheckConfig, CheckOutcome, CheckState, RunContext, RunOptions, Status};
use crate::clock;
use crate::config::Loaded;
use crate::notification::NotificationKind;
use crate::store::{NotificationDraft, Reconciler, Store};

/// Escalations are told once per failing streak: they never re-notify on a timer.
pub const NEVER: i64 = i64::MAX / 4;

/// Run the checks that are due (the slow part, before the module's transaction).
/// A dry run does not run remediation commands.
pub fn run_due_checks(
    loaded: &Loaded,
    store: &Store,
    now: i64,
    dry_run: bool,
) -> Result<Vec<CheckOutcome>> {
    let states = store.check_states()?;
    let due = checks::due_checks(&loaded.config.check, &states, now);
    let ctx = RunContext::new(loaded, Some(store.path().to_path_buf()), now);
    Ok(checks::run_checks(
        &due,
        &ctx,
        RunOptions {
            remediate: !dry_run,
            ..RunOptions::default()
        },
    ))
}

/// The priority a failing check's notification carries.
pub fn priority_of(status: Status) -> &'static str {
    match status {
        Status::Critical => "critical",
        Status::Unknown => "high",
        _ => "medium",
    }
}

/// Is this check's failure one the heartbeat escalates (critical, long enough)?
pub fn escalates(check: &CheckConfig, state: &CheckState) -> bool {
    state.status == Status::Critical && state.should_escalate(check)
}

pub struct SystemOutcome {
    pub outcome: ModuleOutcome,
    /// Notification ids of new escalations (alerted to the escalation route).
    pub escalations: Vec<i64>,
}

pub fn run(store: &Store, env: &ModuleEnv, outcomes: &[CheckOutcome]) -> Result<SystemOutcome> {
    let conn = store.conn();
    let now = env.now;
    let mut states = store.check_states()?;
    match env.run_id {
        Some(run_id) => {
            crate::store::record_check_results_in(conn, run_id, outcomes, now)?;
            states = store.check_states()?;
        }
        // A dry run moves the state on in memory only.
        None => {
            for outcome in outcomes {
                let next = CheckState::next(states.get(&outcome.name), outcome, None);
                states.insert(outcome.name.clone(), next);
            }
        }
    }

    let configured: Vec<&CheckConfig> = env.config.check.iter().filter(|c| c.enabled).collect();
    let failing: Vec<(&CheckConfig, &CheckState)> = configured
        .iter()
        .filter_map(|c| states.get(&c.name).map(|s| (*c, s)))
        .filter(|(_, s)| s.status.is_failure())
        .collect();

    let mut findings = Reconciler::new(conn, "system", now, env.renotify_after, env.run_id)?;
    let mut alerting = Vec::new();
    for (check, state) in &failing {
        if !state.should_alert(check) {
            continue;
        }
        alerting.push(check.name.clone());
        findings.add(&NotificationDraft {
            dedup_key: format!("check:{}", check.name),
            kind: NotificationKind::CheckFailed,
            priority: priority_of(state.status).into(),
            subject: format!(
                "Check {} is {}: {}",
                check.name,
                state.status.as_str(),
                state.last_message
            ),
            message: describe(check, state),
            property_id: None,
        })?;
    }
    let transitions = findings.apply()?;

    let escalating: Vec<&(&CheckConfig, &CheckState)> = failing
        .iter()
        .filter(|(check, state)| escalates(check, state))
        .collect();
    let mut escalations = Reconciler::new(conn, "escalation", now, NEVER, env.run_id)?;
    for (check, state) in &escalating {
        let others: Vec<String> = failing
            .iter()
            .map(|(c, s)| format!("- {} ({}) since {}", c.name, s.status.as_str(), since(s)))
            .collect();
        escalations.add(&NotificationDraft {
            dedup_key: format!("escalation:check:{}", check.name),
            kind: NotificationKind::Escalation,
            priority: "critical".into(),
            subject: format!(
                "Escalation: check {} has failed {} times in a row since {}",
                check.name,
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
    })
}

fn since(state: &CheckState) -> String {
    clock::format_ts(state.failing_since.unwrap_or(state.since))
}

fn describe(check: &CheckConfig, state: &CheckState) -> String {
    format!(
        "{} check {} ({}) is {}: {}. It has failed {} run{} in a row, since {}.",
        check.group.as_str(),
        check.name,
        check.kind.as_str(),
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

/// Route overrides of the checks, by notification dedup key.
pub fn routes(config: &crate::config::Config) -> HashMap<String, Vec<String>> {
    config
        .check
        .iter()
        .filter_map(|c| c.route.clone().map(|r| (format!("check:{}", c.name), r)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priorities_follow_the_status() {
        assert_eq!(priority_of(Status::Critical), "critical");
        assert_eq!(priority_of(Status::Unknown), "high");
        assert_eq!(priority_of(Status::Warning), "medium");
    }
}
