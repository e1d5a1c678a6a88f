//! System: the health checks of the protocol, as the cycle runs them.
//!
//! The checks that are due run first, in parallel and outside any transaction (they wait
//! on the network); then, in the module's transaction, each check's state moves on under
//! its rules (`checks::state`), its results and state are recorded, and the state
//! becomes notifications:
//! - an alerting check (its `alert_after` or `fail_within` rule fired, and it has not had
//!   `recover_after` successes in a row since) is a finding (`check:NAME`), notified once,
//!   re-notified after `renotify_after`, at once if it gets worse, and resolved with one
//!   recovery message when it recovers;
//! - a flapping check is one notice (`flapping:check:NAME`) instead of an alert per
//!   change, and one more when it settles;
//! - a check whose failure is critical for `escalate_after` runs in a row escalates: the
//!   escalation route is told once, with every failing check and since when; the
//!   escalation re-arms when the check recovers;
//! - a silenced check (`hb silence`, `[[silence]]`) still runs and records, but its
//!   notices are left as they are until the silence ends; what it held back is recorded
//!   with the result, and a check still alerting when it ends is told at once.

use std::collections::HashMap;

use anyhow::Result;

use super::alerting::{Recovery, Resolution};
use super::{ModuleEnv, ModuleOutcome, SummaryItem};
use crate::alert::Priority;
use crate::checks::{
    self, Actions, AlertRules, Check, CheckOutcome, CheckState, Incident, Silenced, Status, Trigger,
};
use crate::clock;
use crate::config::{Config, Loaded};
use crate::notification::NotificationKind;
use crate::silence::{Cover, Silences};
use crate::store::{Counting, NotificationDraft, Store, Tx};

/// Escalations are told once per failing streak: they never re-notify on a timer.
pub const NEVER: i64 = i64::MAX / 4;

/// The stored silences that may cover a check from `since` on, and the config's windows.
pub fn silences(store: &Store, config: &Config, since: i64) -> Result<Silences> {
    Ok(Silences {
        stored: store.silences_ending_after(since)?,
        windows: config.silences.clone(),
    })
}

/// Run the checks that are due (the slow part, before the module's transaction), with
/// remediation as `actions` allows and never for a silenced check.
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
    let silences = silences(store, &loaded.config, now)?;
    let silenced: HashMap<String, Cover> = due
        .iter()
        .filter_map(|c| {
            let cover = silences.covering(&c.common.name, c.common.group, now)?;
            Some((c.common.name.clone(), cover))
        })
        .collect();
    let ctx = loaded
        .check_context(Some(store.path().to_path_buf()), now)
        .with_passed(passed)
        .with_silenced(silenced);
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
    state.should_escalate(&AlertRules::of(check))
}

pub struct SystemOutcome {
    pub outcome: ModuleOutcome,
    /// Notification ids of new escalations (alerted to the escalation route).
    pub escalations: Vec<i64>,
    /// How the notices resolved in this run are announced, by dedup key.
    pub recoveries: HashMap<String, Resolution>,
}

/// The recovery notice of a check whose incident ended with `outcome` (`next` is the
/// state after it): what recovered and how long it failed, not the failure's text.
pub fn recovery(
    check: &Check,
    incident: &Incident,
    next: &CheckState,
    outcome: &CheckOutcome,
) -> Recovery {
    let from = incident.since;
    // Until the first of the successes that ended it.
    let until = if next.status == Status::Ok {
        next.since
    } else {
        outcome.started_at
    };
    let lasted = human(until - from);
    let runs = incident.failures;
    let plural = if runs == 1 { "" } else { "s" };
    let now = match outcome.status {
        Status::Ok => "is ok again".to_string(),
        other => format!("is {other} now"),
    };
    let confirmed = match check.common.recover_after {
        n if n > 1 && outcome.status == Status::Ok => format!(" ({n} runs in a row)"),
        _ => String::new(),
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
    Recovery {
        subject: format!(
            "Recovered: {} {now}{confirmed} after {runs} failed run{plural} ({lasted})",
            check.common.name
        ),
        message: format!(
            "{} check {} ({}) {now}{confirmed}: {}. It had failed {runs} run{plural}, from {} \
             for {lasted}; the last failure was {}: {}.{healed_by}",
            check.common.group.as_str(),
            check.common.name,
            check.tag().as_str(),
            outcome.message,
            clock::format_ts(from),
            incident.status.as_str(),
            incident.message,
        ),
    }
}

/// The notice that a flapping check settled, with how it stands now.
fn settled(check: &Check, state: &CheckState, rules: &AlertRules) -> Recovery {
    let window = rules.flap.map_or(0, |f| f.window);
    let changes = state.changes_within(window);
    Recovery {
        subject: format!(
            "{} stopped flapping: {changes} change{} in its last {window} runs; it is {} now",
            check.common.name,
            if changes == 1 { "" } else { "s" },
            state.status.as_str()
        ),
        message: format!(
            "{} check {} ({}) stopped flapping: it changed status {changes} time{} in its last \
             {window} runs, and flapped from {}. It is {} now: {}. Its alerts follow its rules \
             again.",
            check.common.group.as_str(),
            check.common.name,
            check.tag().as_str(),
            if changes == 1 { "" } else { "s" },
            state
                .flapping_since
                .map(clock::format_ts)
                .unwrap_or_else(|| "-".into()),
            state.status.as_str(),
            state.last_message
        ),
    }
}

/// The notice of a flapping check: one instead of an alert per change.
fn flapping(check: &Check, state: &CheckState, rules: &AlertRules) -> NotificationDraft {
    let flap = rules.flap.unwrap_or(checks::Flap::DEFAULT);
    let changes = state.changes_within(flap.window);
    let (failed, runs) = state.failed_within(flap.window);
    // As urgent as the worst failure among those runs.
    let worst = state
        .history
        .iter()
        .rev()
        .take(flap.window as usize)
        .filter(|s| s.is_failure())
        .fold(Status::Warning, |worst, s| worst.worse(*s));
    NotificationDraft {
        dedup_key: flap_key(&check.common.name),
        kind: NotificationKind::CheckFlapping,
        priority: priority_of(worst),
        subject: format!(
            "{} is flapping: {changes} changes in {} runs",
            check.common.name, flap.window
        ),
        message: format!(
            "{} check {} ({}) changed status {changes} times in its last {runs} runs ({failed} \
             failed); it is {} now: {}. No alert is sent for each change while it flaps; one \
             notice follows when it settles (fewer than {} changes in {} runs).",
            check.common.group.as_str(),
            check.common.name,
            check.tag().as_str(),
            state.status.as_str(),
            state.last_message,
            flap.settle_below(),
            flap.window
        ),
        property_id: None,
    }
}

/// What a check's state says to the operator this run, before silences.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Says {
    Nothing,
    /// Alerting (and maybe escalating).
    Alert {
        escalate: bool,
    },
    Flapping,
}

fn says(check: &Check, state: &CheckState) -> Says {
    if state.is_flapping() {
        Says::Flapping
    } else if state.is_alerting() {
        Says::Alert {
            escalate: escalates(check, state),
        }
    } else {
        Says::Nothing
    }
}

/// What a silence holds back of what the state says: `alert`, `escalation`,
/// `flapping notice`, besides the remediation the run already held.
fn held(says: Says) -> Vec<String> {
    match says {
        Says::Nothing => vec![],
        Says::Alert { escalate: false } => vec!["alert".into()],
        Says::Alert { escalate: true } => vec!["alert".into(), "escalation".into()],
        Says::Flapping => vec!["flapping notice".into()],
    }
}

pub fn run(tx: &Tx<'_>, env: &ModuleEnv, outcomes: &[CheckOutcome]) -> Result<SystemOutcome> {
    let now = env.now;
    let config = env.config;
    let find = |name: &str| config.check.iter().find(|c| c.common.name == name);
    let prev_run = tx
        .module_last_runs()?
        .into_iter()
        .find(|(m, _)| *m == super::Module::System)
        .map(|(_, at)| at);
    let silences = silences(tx, config, prev_run.unwrap_or(now).min(now))?;
    let mut states = tx.check_states()?;

    // Each check that ran moves its state on under its rules.
    let next_states = checks::next_states(&config.check, &states, outcomes, env.run_id);
    let mut recoveries: HashMap<String, Resolution> = HashMap::new();
    let mut outcomes: Vec<CheckOutcome> = outcomes.to_vec();
    for outcome in &outcomes {
        let (Some(check), Some(next)) = (find(&outcome.name), next_states.get(&outcome.name))
        else {
            continue;
        };
        let rules = AlertRules::of(check);
        let prev = states.get(&outcome.name);
        if let Some(incident) = prev.and_then(|p| p.incident.as_ref()) {
            if !next.is_alerting() {
                recoveries.insert(
                    check_key(&check.common.name),
                    Resolution::Say(recovery(check, incident, next, outcome)),
                );
            }
        }
        if prev.is_some_and(CheckState::is_flapping) && !next.is_flapping() {
            recoveries.insert(
                flap_key(&check.common.name),
                Resolution::Say(settled(check, next, &rules)),
            );
        }
    }
    // A failing check that was disabled or removed resolves too: say so, not "recovered".
    for state in states
        .values()
        .filter(|s| s.is_alerting() || s.is_flapping() || s.status.is_failure())
    {
        let why = match find(&state.name) {
            None => "it was removed from the config",
            Some(c) if !c.common.enabled => "it is disabled in the config",
            Some(_) => continue,
        };
        let failures = state
            .incident
            .as_ref()
            .map_or(state.consecutive_failures, |i| i.failures);
        let text = Recovery {
            subject: format!("{} no longer runs: {why}", state.name),
            message: format!(
                "Check {} no longer runs ({why}); it was {} after {failures} failed run(s): {}.",
                state.name,
                state.status.as_str(),
                state.last_message
            ),
        };
        recoveries.insert(flap_key(&state.name), Resolution::Say(text.clone()));
        recoveries.insert(check_key(&state.name), Resolution::Say(text));
    }
    for (name, next) in &next_states {
        states.insert(name.clone(), next.clone());
    }

    let configured: Vec<&Check> = config.check.iter().filter(|c| c.common.enabled).collect();
    let mut findings = tx.reconciler("system", now, env.renotify_after, env.run_id);
    let mut flaps = tx.reconciler("system.flapping", now, env.renotify_after, env.run_id);
    let mut escalations = tx.reconciler("escalation", now, NEVER, env.run_id);
    let mut alerting = Vec::new();
    let mut flapping_names = Vec::new();
    let mut silenced_names = Vec::new();
    let failing: Vec<(&Check, &CheckState)> = configured
        .iter()
        .filter_map(|c| states.get(&c.common.name).map(|s| (*c, s)))
        .filter(|(_, s)| s.status.is_failure())
        .collect();
    for check in &configured {
        let name = &check.common.name;
        let Some(state) = states.get(name) else {
            continue;
        };
        let says = says(check, state);
        if let Some(cover) = silences.covering(name, check.common.group, now) {
            // Its notices wait for the end of the silence, as they are.
            findings.keep(&check_key(name))?;
            flaps.keep(&flap_key(name))?;
            escalations.keep(&format!("escalation:{}", check_key(name)))?;
            silenced_names.push(name.clone());
            if let Some(outcome) = outcomes.iter_mut().find(|o| &o.name == name) {
                let mut silenced = outcome.silenced.take().unwrap_or_else(|| Silenced {
                    by: cover.by.clone(),
                    reason: cover.reason.clone(),
                    until: cover.until,
                    held: Vec::new(),
                });
                let mut also = held(says);
                also.append(&mut silenced.held);
                silenced.held = also;
                outcome.silenced = Some(silenced);
            }
            continue;
        }
        // A silence that just ended tells what it held back at once.
        let ended = prev_run
            .is_some_and(|before| silences.ended_between(name, check.common.group, before, now));
        match says {
            Says::Nothing => {}
            Says::Flapping => {
                flapping_names.push(name.clone());
                let draft = flapping(check, state, &AlertRules::of(check));
                if ended {
                    flaps.add_due(&draft)?;
                } else {
                    flaps.add(&draft)?;
                }
                // Its failure notice, if open, is said by the flapping notice now.
                recoveries.insert(check_key(name), Resolution::Quiet);
            }
            Says::Alert { escalate } => {
                alerting.push(name.clone());
                let draft = failure(check, state);
                if ended {
                    findings.add_due(&draft)?;
                } else {
                    findings.add(&draft)?;
                }
                if escalate {
                    escalations.add(&escalation(check, state, &failing))?;
                }
            }
        }
    }
    let mut transitions = findings.apply()?;
    transitions.extend(flaps.apply()?);
    let escalated = escalations.apply()?;

    // A dry run moves the state on in memory only.
    if let Some(run_id) = env.run_id {
        tx.record_check_results(run_id, &outcomes, Counting::Counts(&next_states))?;
    }

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
    if !flapping_names.is_empty() {
        items.push(SummaryItem::named(
            flapping_names.len() as i64,
            "flapping check",
            "flapping checks",
            flapping_names,
        ));
    }
    if !silenced_names.is_empty() {
        items.push(SummaryItem::named(
            silenced_names.len() as i64,
            "silenced check",
            "silenced checks",
            silenced_names,
        ));
    }
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
                if config.check.is_empty() {
                    "no checks configured".into()
                } else {
                    "no check due".into()
                }
            } else {
                format!("ran {}", checks::summary(&outcomes))
            },
            items,
            transitions,
            scan: None,
        },
        escalations: escalated.new,
        recoveries,
    })
}

/// The notice of an alerting check: its incident's latest failure (a check that is
/// recovering still says what it recovers from).
fn failure(check: &Check, state: &CheckState) -> NotificationDraft {
    let (status, message) = match &state.incident {
        Some(incident) => (incident.status, incident.message.as_str()),
        None => (state.status, state.last_message.as_str()),
    };
    NotificationDraft {
        dedup_key: check_key(&check.common.name),
        kind: NotificationKind::CheckFailed,
        priority: priority_of(status),
        subject: format!(
            "Check {} is {}: {}",
            check.common.name,
            status.as_str(),
            message
        ),
        message: describe(check, state),
        property_id: None,
    }
}

fn escalation(
    check: &Check,
    state: &CheckState,
    failing: &[(&Check, &CheckState)],
) -> NotificationDraft {
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
    NotificationDraft {
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
    }
}

fn human(secs: i64) -> String {
    clock::format_duration(std::time::Duration::from_secs(secs.max(0) as u64))
}

fn since(state: &CheckState) -> String {
    clock::format_ts(state.failing_since.unwrap_or(state.since))
}

/// What an alerting check's notice says: its status, and how its rule counted.
fn describe(check: &Check, state: &CheckState) -> String {
    let rules = AlertRules::of(check);
    let head = format!(
        "{} check {} ({}) is {}: {}.",
        check.common.group.as_str(),
        check.common.name,
        check.tag().as_str(),
        state.status.as_str(),
        state.last_message,
    );
    let plural = |n: u32| if n == 1 { "" } else { "s" };
    let counted = match (rules.trigger, &state.incident) {
        _ if state.is_recovering() => format!(
            "It is recovering: {} of the {} successes in a row it needs.",
            state.consecutive_successes, rules.recover_after
        ),
        (Trigger::Within(within), Some(incident)) => {
            let (failed, runs) = state.failed_within(within.runs);
            format!(
                "{failed} of its last {runs} runs failed (it alerts at {within}); alerting since {}.",
                clock::format_ts(incident.since)
            )
        }
        _ => format!(
            "It has failed {} run{} in a row, since {}.",
            state.consecutive_failures,
            plural(state.consecutive_failures),
            since(state)
        ),
    };
    format!("{head} {counted}")
}

/// The notification key of a check's failure (`check:NAME`); its escalation's is
/// `escalation:check:NAME`, its flapping's `flapping:check:NAME`.
pub fn check_key(name: &str) -> String {
    format!("check:{name}")
}

/// The notification key of a check's flapping.
pub fn flap_key(name: &str) -> String {
    format!("flapping:{}", check_key(name))
}

/// The check a notification key is about, if it is about one.
pub fn check_of(dedup_key: &str) -> Option<&str> {
    dedup_key
        .strip_prefix("escalation:")
        .or_else(|| dedup_key.strip_prefix("flapping:"))
        .unwrap_or(dedup_key)
        .strip_prefix("check:")
}

/// Route overrides of the checks, by notification dedup key (its failure and flapping).
pub fn routes(config: &crate::config::Config) -> HashMap<String, Vec<String>> {
    config
        .check
        .iter()
        .filter_map(|c| c.common.route.clone().map(|r| (&c.common.name, r)))
        .flat_map(|(name, route)| [(check_key(name), route.clone()), (flap_key(name), route)])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(extra: &str) -> crate::config::Config {
        crate::config::parse(&format!(
            "[[check]]\nname = \"payments\"\ngroup = \"integration\"\ntype = \"tcp\"\n\
             address = \"127.0.0.1:1\"\n{extra}"
        ))
        .unwrap()
    }

    fn outcome(status: Status, at: i64) -> CheckOutcome {
        CheckOutcome {
            name: "payments".into(),
            group: checks::Group::Integration,
            kind: checks::Kind::Tcp,
            severity: checks::Severity::Critical,
            status,
            message: match status {
                Status::Ok => "connected to 127.0.0.1:12111 in 1 ms".into(),
                _ => "cannot connect to 127.0.0.1:12111".into(),
            },
            value: None,
            latency_ms: Some(1),
            started_at: at,
            duration_ms: 1,
            metrics: vec![],
            remediation: None,
            silenced: None,
        }
    }

    /// The states of `check` after each status, a run every `step` seconds from 1000.
    fn states(check: &Check, statuses: &[Status], step: i64) -> Vec<CheckState> {
        let rules = AlertRules::of(check);
        let mut out: Vec<CheckState> = Vec::new();
        for (i, status) in statuses.iter().enumerate() {
            let next = CheckState::next(
                out.last(),
                &outcome(*status, 1000 + step * i as i64),
                Some(i as i64),
                &rules,
            );
            out.push(next);
        }
        out
    }

    #[test]
    fn recovery_says_what_recovered_and_how_long_it_failed() {
        use Status::*;
        let config = config("");
        let check = &config.check[0];
        // Four failures from 1000, healed at 1000 + 2h 5m.
        let s = states(check, &[Critical, Critical, Critical, Critical, Ok], 1875);
        let incident = s[3].incident.as_ref().unwrap();
        let text = recovery(check, incident, &s[4], &outcome(Ok, 1000 + 4 * 1875));
        assert_eq!(
            text.subject,
            "Recovered: payments is ok again after 4 failed runs (2h 5m)"
        );
        assert!(
            text.message.starts_with(
                "integration check payments (tcp) is ok again: connected to 127.0.0.1:12111 in 1 ms. \
                 It had failed 4 runs, from 1970-01-01T00:16:40Z for 2h 5m"
            ),
            "{}",
            text.message
        );
        assert!(text
            .message
            .contains("the last failure was critical: cannot connect"));
        let s = states(check, &[Critical, Skipped], 60);
        let text = recovery(
            check,
            s[0].incident.as_ref().unwrap(),
            &s[1],
            &outcome(Skipped, 1060),
        );
        assert_eq!(
            text.subject,
            "Recovered: payments is skipped now after 1 failed run (1m)"
        );
    }

    #[test]
    fn recover_after_counts_the_failure_until_the_first_of_the_successes() {
        use Status::*;
        let config = config("recover_after = 3\n");
        let check = &config.check[0];
        let s = states(check, &[Critical, Critical, Ok, Ok, Ok], 300);
        assert!(s[3].is_alerting(), "two successes of three");
        assert!(!s[4].is_alerting());
        let text = recovery(
            check,
            s[3].incident.as_ref().unwrap(),
            &s[4],
            &outcome(Ok, 2200),
        );
        // Failing from 1000 until the first success at 1600: 10 minutes.
        assert_eq!(
            text.subject,
            "Recovered: payments is ok again (3 runs in a row) after 2 failed runs (10m)"
        );
        assert_eq!(
            describe(check, &s[3]),
            "integration check payments (tcp) is ok: connected to 127.0.0.1:12111 in 1 ms. \
             It is recovering: 2 of the 3 successes in a row it needs."
        );
        // Recovering, its notice still says what it recovers from.
        let draft = failure(check, &s[3]);
        assert_eq!(
            (draft.priority, draft.subject.as_str()),
            (
                Priority::Critical,
                "Check payments is critical: cannot connect to 127.0.0.1:12111"
            )
        );
    }

    #[test]
    fn fail_within_describes_the_window() {
        use Status::*;
        let config = config("fail_within = \"2 of 4\"\n");
        let check = &config.check[0];
        let s = states(check, &[Critical, Ok, Critical], 300);
        assert!(!s[0].is_alerting());
        assert!(s[2].is_alerting());
        assert_eq!(
            describe(check, &s[2]),
            "integration check payments (tcp) is critical: cannot connect to 127.0.0.1:12111. \
             2 of its last 3 runs failed (it alerts at 2 of 4); alerting since 1970-01-01T00:26:40Z."
        );
    }

    #[test]
    fn a_flapping_check_says_so_once_and_how_it_settled() {
        use Status::*;
        let config = config("flap_changes = 3\nflap_window = 5\n");
        let check = &config.check[0];
        let rules = AlertRules::of(check);
        let s = states(
            check,
            &[Ok, Critical, Ok, Critical, Ok, Ok, Ok, Ok, Ok],
            300,
        );
        assert!(!s[2].is_flapping());
        assert!(s[3].is_flapping());
        assert_eq!(says(check, &s[3]), Says::Flapping);
        let draft = flapping(check, &s[3], &rules);
        assert_eq!(draft.dedup_key, "flapping:check:payments");
        assert_eq!(draft.subject, "payments is flapping: 3 changes in 5 runs");
        assert_eq!(draft.priority, Priority::Critical);
        assert!(
            draft.message.contains("(fewer than 2 changes in 5 runs)"),
            "{}",
            draft.message
        );
        // Fewer than two changes in five runs: the last change (into run 4) is all that is left.
        let settled_at = (4..s.len()).find(|i| !s[*i].is_flapping()).unwrap();
        assert_eq!(settled_at, 8);
        assert_eq!(
            settled(check, &s[settled_at], &rules).subject,
            "payments stopped flapping: 1 change in its last 5 runs; it is ok now"
        );
    }

    #[test]
    fn silences_hold_back_what_the_state_says() {
        assert_eq!(held(Says::Nothing), Vec::<String>::new());
        assert_eq!(
            held(Says::Alert { escalate: true }),
            ["alert", "escalation"]
        );
        assert_eq!(held(Says::Flapping), ["flapping notice"]);
    }

    #[test]
    fn check_keys_name_their_check() {
        assert_eq!(check_of(&check_key("api")), Some("api"));
        assert_eq!(check_of("escalation:check:api"), Some("api"));
        assert_eq!(check_of(&flap_key("api")), Some("api"));
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
