//! `hb status`: is the heartbeat alive, what did it find, what is open; the Nagios
//! verdict and its reasons.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use anyhow::Result;
use serde::Serialize;

use super::alerts::RejectedRecipient;
use super::silences::{CoverView, SilenceView, WindowView};
use crate::alert::Priority;
use crate::cadence;
use crate::checks::{self, AlertRules, CheckState, Status};
use crate::clock;
use crate::clock::format_opt;
use crate::config::Config;
use crate::cycle::Module;
use crate::store::{NotificationFilter, RunStatus, Store};

/// `hb status --json`: the full report, or the short one when there is no store yet.
#[derive(Debug, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum StatusReport {
    Full(Box<SystemStatus>),
    NoStore(NoStore),
}

impl StatusReport {
    /// The verdict: also the exit code (0, 1, 2, 3).
    pub fn status(&self) -> Status {
        match self {
            StatusReport::Full(full) => full.status,
            StatusReport::NoStore(none) => none.status,
        }
    }
}

/// No store: nothing ever ran here. Nagios reads that as unknown, not as an error.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct NoStore {
    // In this order: the document scripts have always read.
    pub reasons: Vec<String>,
    pub status: Status,
    /// The spoken sentence (`hb mcp` says it): nothing has run yet.
    pub voice_summary: String,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct SystemStatus {
    /// ok, warning, critical or unknown: also the exit code (0, 1, 2, 3).
    pub status: Status,
    pub reasons: Vec<String>,
    /// The answer in one spoken sentence: running or overdue, the last cycle's age, the
    /// checks failing (`hb mcp` says it).
    pub voice_summary: String,
    pub last_cycle: Option<LastCycle>,
    pub modules: Vec<ModuleStatus>,
    pub open_notifications: BTreeMap<String, i64>,
    pub top_actions: Vec<ActionItem>,
    /// Whether `on_failure` commands run at all (`[actions] enabled`).
    pub remediation: checks::RemediationStatus,
    /// The check board: each configured check's state and its figures over the window.
    pub checks: Vec<CheckBoardRow>,
    /// The latest value of each metric series recorded in the window.
    pub metrics: Vec<MetricValue>,
    /// Recipients a mail server refuses for good: they get no alerts until fixed.
    pub rejected_recipients: Vec<RejectedRecipient>,
    pub silences: SilencesStatus,
    /// The daily brief: when and where it goes, and the last one sent (null: no route).
    pub brief: Option<BriefStatus>,
    pub window: WindowStats,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct BriefStatus {
    /// `08:00` (UTC).
    pub at: String,
    pub route: Vec<String>,
    pub last_sent_at: Option<String>,
    pub last_subject: Option<String>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct CheckBoardRow {
    pub name: String,
    pub group: &'static str,
    pub enabled: bool,
    /// The latest result (any run), or null when it never ran.
    pub status: Option<Status>,
    pub since: Option<String>,
    pub message: Option<String>,
    /// Whether that latest result counted (false: `hb checks run` or the demo's run).
    pub counted: bool,
    /// The heartbeat's own state of the check, which the verdict reads; null when no
    /// cycle has run it.
    pub counted_status: Option<Status>,
    #[serde(skip)]
    pub counted_since: Option<String>,
    #[serde(skip)]
    pub counted_message: Option<String>,
    /// When the counted result was recorded, and its latency (`GET /health`).
    #[serde(skip)]
    pub counted_at: Option<String>,
    #[serde(skip)]
    pub counted_latency_ms: Option<u64>,
    /// After a status that did not count: " (manual, not counted)".
    #[serde(skip)]
    pub mark: &'static str,
    /// Alerting by its rules (and not recovered yet).
    pub alerting: bool,
    pub flapping: bool,
    /// What its rules' windows say ("2 of the last 5 runs failed (alerts at 3 of 5)").
    pub note: Option<String>,
    /// The silence covering it now: its failure alerts nothing and leaves the verdict.
    pub silenced: Option<CoverView>,
    #[serde(flatten)]
    pub window: checks::WindowStats,
}

/// Silences in effect or to come, the config's windows, and what silences held back in
/// the window.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct SilencesStatus {
    pub silences: Vec<SilenceView>,
    pub windows: Vec<WindowView>,
    /// Per check and silence: the results recorded under it in the window.
    pub held: Vec<Held>,
}

/// What one silence held back of one check in the window.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Held {
    pub check: String,
    /// `silence #3`, `[[silence]] 1`.
    pub by: String,
    pub reason: String,
    /// Results recorded under it, and how many of them failed.
    pub results: usize,
    pub failed: usize,
    /// How often each thing was held back: `alert`, `escalation`, `remediation`, ...
    pub counts: BTreeMap<String, usize>,
    pub first_at: String,
    pub last_at: String,
    pub last_status: Status,
}

impl Held {
    /// `payments under silence #3 (db migration): 12 results, 12 failed; held alert 12, remediation 3`.
    pub fn line(&self) -> String {
        let counts: Vec<String> = self
            .counts
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        let held = if counts.is_empty() {
            "nothing held back".to_string()
        } else {
            format!("held back {}", counts.join(", "))
        };
        format!(
            "{} under {} ({}): {} result{}, {} failed, the last {} at {}; {held}",
            self.check,
            self.by,
            self.reason,
            self.results,
            if self.results == 1 { "" } else { "s" },
            self.failed,
            self.last_status,
            self.last_at
        )
    }
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct MetricValue {
    pub check: String,
    pub label: String,
    pub value: f64,
    pub unit: Option<String>,
    pub at: String,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct LastCycle {
    pub run_id: i64,
    pub started_at: String,
    pub status: RunStatus,
    pub duration_ms: Option<i64>,
    pub age_seconds: i64,
    pub overdue: bool,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ModuleStatus {
    pub module: &'static str,
    pub enabled: bool,
    pub every: String,
    pub last_run_at: Option<String>,
    pub last_status: Option<crate::cycle::ModuleStatus>,
    pub findings: Option<i64>,
    pub message: Option<String>,
    pub next_due_at: Option<String>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ActionItem {
    pub id: i64,
    pub priority: Priority,
    pub kind: String,
    pub subject: String,
    pub since: String,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct WindowStats {
    pub window: String,
    pub cycles: usize,
    pub ok: usize,
    pub failed: usize,
    pub aborted: usize,
    /// Cycles that completed ok, of those started in the window, in percent.
    pub completion_rate: Option<f64>,
}

/// The verdict and what it reads: the first part of `hb status`, and all of `GET /health`.
#[derive(Debug)]
pub struct Assessment {
    /// ok, warning, critical or unknown: also `hb status`'s exit code.
    pub status: Status,
    /// Why, worst first.
    pub reasons: Vec<String>,
    pub last_cycle: Option<LastCycle>,
    pub open_notifications: BTreeMap<String, i64>,
    /// The check board (the window's figures only when asked for).
    pub checks: Vec<CheckBoardRow>,
    pub rejected_recipients: Vec<RejectedRecipient>,
}

/// The verdict at `now` of the store at `store_path` (`store`: None when there is none),
/// with the board's uptime and latency figures since `window_start` (None: no figures, the
/// board's window left empty).
pub fn assess(
    store: Option<&Store>,
    store_path: &Path,
    config: &Config,
    now: i64,
    window_start: Option<i64>,
) -> Result<Assessment> {
    let Some(store) = store else {
        return Ok(Assessment {
            status: Status::Unknown,
            reasons: vec![format!(
                "no store at {}: no cycle has ever run",
                store_path.display()
            )],
            last_cycle: None,
            open_notifications: BTreeMap::new(),
            checks: Vec::new(),
            rejected_recipients: Vec::new(),
        });
    };
    let last_cycle = last_cycle(store, config, now)?;
    // Keyed by the priority's text, in that order: the document scripts have read.
    let open: BTreeMap<String, i64> = store
        .open_notification_counts()?
        .into_iter()
        .map(|(priority, n)| (priority.to_string(), n))
        .collect();
    let board = board(store, config, window_start, now)?;
    // A channel no longer declared sends nothing: its old refusals are news no more.
    let rejected_recipients: Vec<RejectedRecipient> = store
        .outbox_rejections()?
        .into_iter()
        .filter(|r| config.alerts.channel(&r.channel).is_some())
        .map(RejectedRecipient::from)
        .collect();
    let (status, reasons) = verdict(
        last_cycle.as_ref(),
        &open,
        config.schedule.system.as_secs(),
        &board,
        &rejected_recipients,
    );
    Ok(Assessment {
        status,
        reasons,
        last_cycle,
        open_notifications: open,
        checks: board,
        rejected_recipients,
    })
}

/// The status at `now` of the store at `store_path` (`store`: None when there is none),
/// with uptime and latency figures over `window`.
pub fn report(
    store: Option<&Store>,
    store_path: &Path,
    config: &Config,
    now: i64,
    window: Duration,
) -> Result<StatusReport> {
    let window_start = now.saturating_sub(window.as_secs() as i64);
    let assessment = assess(store, store_path, config, now, Some(window_start))?;
    let Some(store) = store else {
        return Ok(StatusReport::NoStore(NoStore {
            reasons: assessment.reasons,
            status: assessment.status,
            voice_summary: crate::voice::no_store(),
        }));
    };
    let mut full = SystemStatus {
        status: assessment.status,
        reasons: assessment.reasons,
        voice_summary: String::new(),
        last_cycle: assessment.last_cycle,
        modules: modules(store, config, now)?,
        open_notifications: assessment.open_notifications,
        top_actions: top_actions(store)?,
        remediation: checks::RemediationStatus::of(&config.actions),
        checks: assessment.checks,
        metrics: store
            .latest_metrics(window_start)?
            .into_iter()
            .map(|m| MetricValue {
                check: m.check,
                label: m.label,
                value: m.value,
                unit: m.unit,
                at: clock::format_ts(m.at),
            })
            .collect(),
        rejected_recipients: assessment.rejected_recipients,
        silences: silences_status(store, config, now, window_start)?,
        brief: brief_status(store, config)?,
        window: cycle_window(store, now, window)?,
    };
    full.voice_summary = crate::voice::status(&full, config.schedule.system.as_secs());
    Ok(StatusReport::Full(Box::new(full)))
}

/// The latest cycle (not a manual run of the checks) at `now`: its age, and whether it is
/// overdue by the system cadence.
pub fn last_cycle(store: &Store, config: &Config, now: i64) -> Result<Option<LastCycle>> {
    let cadence = config.schedule.system.as_secs();
    Ok(store.last_run()?.map(|run| {
        let age = now.saturating_sub(run.started_at);
        LastCycle {
            run_id: run.id,
            started_at: clock::format_ts(run.started_at),
            status: run.status,
            duration_ms: run.duration_ms,
            age_seconds: age,
            overdue: is_overdue(age, cadence),
        }
    }))
}

/// A last cycle older than twice the system cadence: is the timer running?
pub fn is_overdue(age_seconds: i64, cadence_secs: i64) -> bool {
    age_seconds > cadence_secs.saturating_mul(2)
}

/// The Nagios verdict and its reasons, worst first.
///
/// unknown: no cycle ever ran (whatever else is found). critical: the heartbeat is
/// overdue, critical notifications are open, or a check's counted state is critical.
/// warning: the last cycle failed or was aborted, high-priority notifications are open, a
/// check's counted state is warning or unknown, or a mail server refuses a recipient. ok
/// otherwise. Acknowledging a check's notice does not change its counted state; a manual
/// run is shown on the board but never changes the verdict.
pub fn verdict(
    last: Option<&LastCycle>,
    open: &BTreeMap<String, i64>,
    cadence_secs: i64,
    board: &[CheckBoardRow],
    rejected: &[RejectedRecipient],
) -> (Status, Vec<String>) {
    let mut critical = Vec::new();
    let mut warning = Vec::new();
    match last {
        None => critical.push(
            "no cycle has ever run: run `hb cycle` or install the timer (`hb schedule`)".into(),
        ),
        Some(last) => {
            if last.overdue {
                critical.push(format!(
                    "the last cycle started {} ago, more than twice the {} cadence: is the timer running?",
                    format_secs(last.age_seconds),
                    format_secs(cadence_secs)
                ));
            }
            if let Some(n) = open.get("critical").filter(|n| **n > 0) {
                critical.push(format!("{n} critical notification{} open", plural(*n)));
            }
            if matches!(last.status, RunStatus::Failed | RunStatus::Aborted) {
                warning.push(format!(
                    "the last cycle (run {}) {}",
                    last.run_id, last.status
                ));
            }
            if let Some(n) = open.get("high").filter(|n| **n > 0) {
                warning.push(format!("{n} high-priority notification{} open", plural(*n)));
            }
        }
    }
    let mut status = if last.is_none() {
        Status::Unknown
    } else if !critical.is_empty() {
        Status::Critical
    } else if !warning.is_empty() {
        Status::Warning
    } else {
        Status::Ok
    };
    let mut reasons = critical;
    reasons.extend(warning);
    for row in board.iter().filter(|r| r.enabled) {
        // A check that cannot tell is a warning here: only a cycle's critical is critical.
        let level = match row.counted_status {
            Some(Status::Critical) => Status::Critical,
            Some(Status::Warning | Status::Unknown) => Status::Warning,
            _ => continue,
        };
        let reason = format!(
            "check {} is {} since {}: {}",
            row.name,
            row.counted_status.map_or("", Status::as_str),
            row.counted_since.as_deref().unwrap_or("-"),
            row.counted_message.as_deref().unwrap_or("")
        );
        // Under a maintenance window a failure is expected: said, but not the verdict.
        match &row.silenced {
            Some(cover) => reasons.push(format!("{reason} ({}; not counted)", cover.line())),
            None => {
                reasons.push(reason);
                status = worse(status, level);
            }
        }
    }
    for r in rejected {
        reasons.push(format!("alerts do not reach a recipient: {}", r.line()));
        status = worse(status, Status::Warning);
    }
    (status, reasons)
}

/// The worse verdict by the checks' own rank; unknown (no cycle ever ran) stays unknown.
fn worse(verdict: Status, level: Status) -> Status {
    if verdict == Status::Unknown {
        verdict
    } else {
        verdict.worse(level)
    }
}

fn plural(n: i64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

pub(crate) fn format_secs(secs: i64) -> String {
    clock::format_duration(Duration::from_secs(secs.max(0) as u64))
}

/// Each module: its cadence, its last result that ran, and when it is next due.
fn modules(store: &Store, config: &Config, now: i64) -> Result<Vec<ModuleStatus>> {
    let last_results = store.last_module_results()?;
    Ok(Module::ALL
        .into_iter()
        .map(|module| {
            let (every, enabled) = module.cadence(config);
            let last = last_results.iter().find(|(row, _)| row.module == module);
            let last_at = last.map(|(_, at)| *at);
            let next_due = enabled.then(|| cadence::due_at(last_at, every, now).max(now));
            ModuleStatus {
                module: module.as_str(),
                enabled,
                every: format_secs(every),
                last_run_at: format_opt(last_at),
                last_status: last.map(|(row, _)| row.status),
                findings: last.map(|(row, _)| row.findings),
                message: last.and_then(|(row, _)| row.message.clone()),
                next_due_at: format_opt(next_due),
            }
        })
        .collect())
}

/// The five most urgent open notifications.
fn top_actions(store: &Store) -> Result<Vec<ActionItem>> {
    Ok(store
        .notifications(&NotificationFilter {
            limit: Some(5),
            ..NotificationFilter::default()
        })?
        .into_iter()
        .map(|n| ActionItem {
            id: n.id,
            priority: n.priority,
            kind: n.kind.to_string(),
            subject: n.subject,
            since: clock::format_ts(n.created_at),
        })
        .collect())
}

/// The cycles started in the window and how many completed.
fn cycle_window(store: &Store, now: i64, window: Duration) -> Result<WindowStats> {
    let starts = store.run_starts_since(now.saturating_sub(window.as_secs() as i64))?;
    let count = |s: RunStatus| starts.iter().filter(|(_, status)| *status == s).count();
    let finished = starts
        .iter()
        .filter(|(_, s)| *s != RunStatus::Running)
        .count();
    Ok(WindowStats {
        window: clock::format_duration(window),
        cycles: starts.len(),
        ok: count(RunStatus::Ok),
        failed: count(RunStatus::Failed),
        aborted: count(RunStatus::Aborted),
        completion_rate: (finished > 0)
            .then(|| (count(RunStatus::Ok) as f64 / finished as f64 * 1000.0).round() / 10.0),
    })
}

/// Where the daily brief goes and the last one sent; None when it goes nowhere.
fn brief_status(store: &Store, config: &Config) -> Result<Option<BriefStatus>> {
    if config.brief.route.is_empty() {
        return Ok(None);
    }
    let last = store.last_brief()?;
    Ok(Some(BriefStatus {
        at: config.brief.at_text(),
        route: config.brief.route.clone(),
        last_sent_at: format_opt(last.as_ref().map(|b| b.sent_at)),
        last_subject: last.map(|b| b.subject),
    }))
}

/// The silences in effect or to come at `now`, the windows, and what silences held back
/// since `window_start`.
fn silences_status(
    store: &Store,
    config: &Config,
    now: i64,
    window_start: i64,
) -> Result<SilencesStatus> {
    let list = super::silences::list(Some(store), config, now, false)?;
    let mut held: Vec<Held> = Vec::new();
    for result in store.silenced_results_since(window_start)? {
        let at = clock::format_ts(result.started_at);
        let entry = match held
            .iter_mut()
            .find(|h| h.check == result.check && h.by == result.silenced.by)
        {
            Some(entry) => entry,
            None => {
                held.push(Held {
                    check: result.check.clone(),
                    by: result.silenced.by.clone(),
                    reason: result.silenced.reason.clone(),
                    results: 0,
                    failed: 0,
                    counts: BTreeMap::new(),
                    first_at: at.clone(),
                    last_at: at.clone(),
                    last_status: result.status,
                });
                held.last_mut().expect("just pushed")
            }
        };
        entry.results += 1;
        entry.failed += usize::from(result.status.is_failure());
        for what in &result.silenced.held {
            *entry.counts.entry(what.clone()).or_default() += 1;
        }
        entry.last_at = at;
        entry.last_status = result.status;
    }
    Ok(SilencesStatus {
        silences: list.silences,
        windows: list.windows,
        held,
    })
}

/// Each configured check: what the board shows, its counted state, and its figures since
/// `window_start` (None: none), and the silence covering each at `now`.
fn board(
    store: &Store,
    config: &Config,
    window_start: Option<i64>,
    now: i64,
) -> Result<Vec<CheckBoardRow>> {
    let silences = super::checks::silences_at(Some(store), config, now)?;
    let states = store.check_states()?;
    let latest = store.latest_results(config.check.iter().map(|c| c.common.name.as_str()))?;
    let results = match window_start {
        Some(start) => store.check_results_since(start)?,
        None => Vec::new(),
    };
    Ok(config
        .check
        .iter()
        .map(|check| {
            let state = states.get(&check.common.name);
            let in_window: Vec<(Status, Option<i64>)> = results
                .iter()
                .filter(|(name, _, _)| *name == check.common.name)
                .map(|(_, status, latency)| (*status, *latency))
                .collect();
            let shown = checks::Shown::of(
                state,
                latest.get(&check.common.name),
                crate::store::trigger_counts,
            );
            CheckBoardRow {
                name: check.common.name.clone(),
                group: check.common.group.as_str(),
                enabled: check.common.enabled,
                status: shown.as_ref().map(|s| s.status),
                since: shown.as_ref().map(|s| clock::format_ts(s.since)),
                message: shown.as_ref().map(|s| s.message.clone()),
                counted: shown.as_ref().is_some_and(|s| s.not_counted.is_none()),
                counted_status: state.map(|s| s.status),
                counted_since: state.map(|s| clock::format_ts(s.since)),
                counted_message: state.map(|s| s.last_message.clone()),
                counted_at: state.map(|s| clock::format_ts(s.last_run_at)),
                counted_latency_ms: state.and_then(|s| s.last_latency_ms),
                mark: shown.as_ref().map_or("", |s| s.mark()),
                alerting: state.is_some_and(CheckState::is_alerting),
                flapping: state.is_some_and(CheckState::is_flapping),
                note: state.and_then(|s| s.window_note(&AlertRules::of(check))),
                silenced: silences
                    .covering(&check.common.name, check.common.group, now)
                    .map(CoverView::from),
                window: checks::window_stats(&in_window),
            }
        })
        .collect())
}

/// A board row whose counted status is `counted` (failing since 11:00, last run 11:55),
/// for the tests of the views that judge the board.
#[cfg(test)]
pub(crate) fn board_row(name: &str, enabled: bool, counted: Option<Status>) -> CheckBoardRow {
    CheckBoardRow {
        name: name.into(),
        group: "system",
        enabled,
        status: counted,
        since: None,
        message: None,
        counted: true,
        counted_status: counted,
        counted_since: Some("2026-11-25T11:00:00Z".into()),
        counted_message: Some("down".into()),
        counted_at: Some("2026-11-25T11:55:00Z".into()),
        counted_latency_ms: Some(12),
        mark: "",
        alerting: false,
        flapping: false,
        note: None,
        silenced: None,
        window: checks::window_stats(&[]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn last(status: RunStatus, age_seconds: i64) -> LastCycle {
        LastCycle {
            run_id: 7,
            started_at: "2026-11-25T12:00:00Z".into(),
            status,
            duration_ms: Some(10),
            age_seconds,
            overdue: is_overdue(age_seconds, 300),
        }
    }

    fn check(name: &str, counted: Option<Status>) -> CheckBoardRow {
        board_row(name, true, counted)
    }

    fn open(pairs: &[(&str, i64)]) -> BTreeMap<String, i64> {
        pairs.iter().map(|(k, n)| (k.to_string(), *n)).collect()
    }

    #[test]
    fn no_cycle_is_unknown_whatever_else_is_found() {
        let board = [check("api", Some(Status::Critical))];
        let (status, reasons) = verdict(None, &open(&[]), 300, &board, &[]);
        assert_eq!(status, Status::Unknown);
        assert_eq!(status.exit_code(), crate::exit::UNKNOWN);
        assert!(
            reasons[0].starts_with("no cycle has ever run"),
            "{reasons:?}"
        );
        assert_eq!(
            reasons[1],
            "check api is critical since 2026-11-25T11:00:00Z: down"
        );
    }

    #[test]
    fn a_fresh_ok_cycle_with_nothing_open_is_ok() {
        let (status, reasons) = verdict(Some(&last(RunStatus::Ok, 60)), &open(&[]), 300, &[], &[]);
        assert_eq!((status, reasons.len()), (Status::Ok, 0));
    }

    #[test]
    fn overdue_and_critical_notices_are_critical_and_come_first() {
        let open = open(&[("critical", 2), ("high", 1)]);
        let (status, reasons) = verdict(Some(&last(RunStatus::Failed, 900)), &open, 300, &[], &[]);
        assert_eq!(status, Status::Critical);
        assert_eq!(
            reasons,
            [
                "the last cycle started 15m ago, more than twice the 5m cadence: is the timer running?",
                "2 critical notifications open",
                "the last cycle (run 7) failed",
                "1 high-priority notification open",
            ]
        );
    }

    #[test]
    fn a_silenced_failure_is_said_but_leaves_the_verdict() {
        let mut silenced = check("payments", Some(Status::Critical));
        silenced.silenced = Some(CoverView {
            by: "silence #3".into(),
            reason: "gateway migration".into(),
            until: "2026-11-25T14:00:00Z".into(),
        });
        let last = last(RunStatus::Ok, 60);
        let (status, reasons) = verdict(Some(&last), &open(&[]), 300, &[silenced], &[]);
        assert_eq!(status, Status::Ok);
        assert_eq!(
            reasons,
            [
                "check payments is critical since 2026-11-25T11:00:00Z: down (silenced by silence \
              #3 until 2026-11-25T14:00:00Z (gateway migration); not counted)"
            ]
        );
    }

    #[test]
    fn checks_count_by_their_counted_state_and_unknown_reads_as_warning() {
        let board = [
            check("db", Some(Status::Unknown)),
            check("ok", Some(Status::Ok)),
            check("never", None),
        ];
        let (status, reasons) =
            verdict(Some(&last(RunStatus::Ok, 60)), &open(&[]), 300, &board, &[]);
        assert_eq!(status, Status::Warning);
        assert_eq!(reasons.len(), 1, "{reasons:?}");
        let mut disabled = check("api", Some(Status::Critical));
        disabled.enabled = false;
        let (status, _) = verdict(
            Some(&last(RunStatus::Ok, 60)),
            &open(&[]),
            300,
            &[disabled],
            &[],
        );
        assert_eq!(status, Status::Ok);
    }

    #[test]
    fn a_refused_recipient_is_a_warning() {
        let rejected = RejectedRecipient {
            channel: "ops-email".into(),
            recipient: "gone@example.com".into(),
            reply: "550 no such user".into(),
            first_at: "2026-11-25T12:00:00Z".into(),
            last_at: "2026-11-25T12:00:00Z".into(),
        };
        let (status, reasons) = verdict(
            Some(&last(RunStatus::Ok, 60)),
            &open(&[]),
            300,
            &[],
            &[rejected],
        );
        assert_eq!(status, Status::Warning);
        assert_eq!(
            reasons,
            [
                "alerts do not reach a recipient: ops-email refuses gone@example.com since \
              2026-11-25T12:00:00Z: 550 no such user"
            ]
        );
    }

    #[test]
    fn without_a_store_the_report_is_unknown_and_short() {
        let config = Config::default();
        let path = Path::new("/srv/hb/none.db");
        let report = report(None, path, &config, 0, Duration::from_secs(86_400)).expect("report");
        assert_eq!(report.status(), Status::Unknown);
        assert_eq!(
            serde_json::to_string(&report).expect("serializes"),
            r#"{"reasons":["no store at /srv/hb/none.db: no cycle has ever run"],"status":"unknown","voice_summary":"The system heartbeat has not run yet: there is no store, so no cycle has run."}"#
        );
    }
}
