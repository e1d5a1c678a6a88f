//! One system-heartbeat cycle: take the lock, run the modules that are due (each in its
//! own transaction), log the run, prune the log, release the lock.

use std::collections::HashMap;
use std::time::Instant;

use anyhow::Result;
use serde::Serialize;

use crate::alert::Priority;
use crate::config::{Config, Loaded};
use crate::exit::HbError;
use crate::notification::NotificationKind;
use crate::store::{
    End, LockOutcome, MemoryBudget, ModuleResultRow, NotificationDraft, RunStatus, Store,
    Transitions, Tx,
};
use scan::ScanKind;

pub mod alerting;
pub mod brief;
#[cfg(test)]
mod equivalence;
pub mod heartbeat;
pub mod market;
pub mod portfolio;
pub mod predictive;
pub mod relationships;
pub mod reminders;
pub mod scan;
pub mod system;

/// The modules of a cycle, ordered as a cycle runs them.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Serialize,
    clap::ValueEnum,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Module {
    Portfolio,
    Market,
    Relationships,
    System,
    Predictive,
    Scheduled,
}

impl Module {
    /// The order of a cycle: the design's order.
    pub const ALL: [Module; 6] = [
        Module::Portfolio,
        Module::Market,
        Module::Relationships,
        Module::System,
        Module::Predictive,
        Module::Scheduled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Module::Portfolio => "portfolio",
            Module::Market => "market",
            Module::Relationships => "relationships",
            Module::System => "system",
            Module::Predictive => "predictive",
            Module::Scheduled => "scheduled",
        }
    }

    pub fn parse(s: &str) -> Option<Module> {
        Module::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// Cadence (seconds) and whether it is enabled, from the config.
    pub fn cadence(self, config: &Config) -> (i64, bool) {
        let m = &config.modules;
        match self {
            Module::Portfolio => (m.portfolio.every.as_secs(), m.portfolio.enabled),
            Module::Market => (m.market.every.as_secs(), m.market.enabled),
            Module::Relationships => (m.relationships.every.as_secs(), m.relationships.enabled),
            Module::System => (m.system.every.as_secs(), m.system.enabled),
            Module::Predictive => (m.predictive.every.as_secs(), m.predictive.enabled),
            Module::Scheduled => (m.scheduled.every.as_secs(), m.scheduled.enabled),
        }
    }
}

/// What became of a module in one cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ModuleStatus {
    Ok,
    Failed,
    /// Not due, or disabled.
    Skipped,
}

impl ModuleStatus {
    pub const ALL: [ModuleStatus; 3] = [
        ModuleStatus::Ok,
        ModuleStatus::Failed,
        ModuleStatus::Skipped,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ModuleStatus::Ok => "ok",
            ModuleStatus::Failed => "failed",
            ModuleStatus::Skipped => "skipped",
        }
    }
}

impl std::fmt::Display for ModuleStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Consecutive failed cycles before the escalation route is told (a failed heartbeat).
pub const CYCLE_ESCALATE_AFTER: i64 = 3;

/// What a module gets to work with.
pub struct ModuleEnv<'a> {
    pub config: &'a Config,
    pub now: i64,
    /// `None` in a dry run.
    pub run_id: Option<i64>,
    pub renotify_after: i64,
    /// `hb cycle --full`: the modules that keep incremental state reconcile in full.
    pub full: bool,
}

/// Ids or names an item keeps: `--json` and `-v` list them all, the summary line a few.
/// A bound, because the first cycle over a big portfolio finds hundreds of thousands.
pub const KEPT: usize = 100;
/// Ids or names per item in the one-line summary.
const SHOWN: usize = 3;
/// A terminal line per module stays within this many characters.
pub const TERMINAL_WIDTH: usize = 100;

/// A count for the summary line: "3 stale properties (5, 12, 27)".
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct SummaryItem {
    pub count: i64,
    #[serde(skip)]
    pub one: &'static str,
    pub what: &'static str,
    /// The first ids (at most [`KEPT`]), for the operator to look at first.
    pub ids: Vec<i64>,
    /// Or the first names (checks).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<String>,
}

impl SummaryItem {
    pub fn new(count: i64, one: &'static str, many: &'static str, mut ids: Vec<i64>) -> Self {
        ids.truncate(KEPT);
        SummaryItem {
            count,
            one,
            what: many,
            ids,
            names: Vec::new(),
        }
    }

    pub fn named(
        count: i64,
        one: &'static str,
        many: &'static str,
        mut names: Vec<String>,
    ) -> Self {
        names.truncate(KEPT);
        SummaryItem {
            count,
            one,
            what: many,
            ids: Vec::new(),
            names,
        }
    }

    /// The ids or names it kept, as text.
    fn list(&self) -> Vec<String> {
        if self.names.is_empty() {
            self.ids.iter().map(|i| i.to_string()).collect()
        } else {
            self.names.clone()
        }
    }

    /// "3 stale properties (5, 12, ...)": the count and at most `shown` of its ids.
    pub fn render(&self, shown: usize) -> String {
        let noun = if self.count == 1 { self.one } else { self.what };
        let list = self.list();
        let ids = if list.is_empty() || shown == 0 {
            String::new()
        } else {
            let more = if self.count as usize > list.len().min(shown) {
                ", ..."
            } else {
                ""
            };
            let first: Vec<&str> = list.iter().take(shown).map(String::as_str).collect();
            format!(" ({}{more})", first.join(", "))
        };
        format!("{} {noun}{ids}", self.count)
    }

    /// "31 blocked properties: 4, 26, 45, ... (the first 100)": every id or name it kept.
    pub fn render_all(&self) -> String {
        let noun = if self.count == 1 { self.one } else { self.what };
        let list = self.list();
        if list.is_empty() {
            return format!("{} {noun}", self.count);
        }
        let more = if self.count as usize > list.len() {
            format!(", ... (the first {})", list.len())
        } else {
            String::new()
        };
        format!("{} {noun}: {}{more}", self.count, list.join(", "))
    }
}

/// `prefix` and the items on one line of at most `width` characters: fewer ids per item
/// first, then fewer items (", ..." and how many more kinds).
fn fit_items(prefix: &str, items: &[&SummaryItem], width: usize) -> String {
    for shown in (0..=SHOWN).rev() {
        let parts: Vec<String> = items.iter().map(|item| item.render(shown)).collect();
        let line = format!("{prefix}{}", parts.join(", "));
        if line.chars().count() <= width {
            return line;
        }
    }
    let mut line = prefix.to_string();
    for (i, item) in items.iter().enumerate() {
        let part = item.render(0);
        let rest = items.len() - i - 1;
        let tail = if rest > 0 {
            format!(", ... ({rest} more)")
        } else {
            String::new()
        };
        let sep = if i == 0 { "" } else { ", " };
        let candidate = format!("{line}{sep}{part}");
        // Room for this one and the note about the rest, else stop here.
        if candidate.chars().count() + tail.chars().count() > width {
            let left = items.len() - i;
            return format!("{line}{sep}... ({left} more)");
        }
        line = candidate;
    }
    line
}

/// What one module did.
#[derive(Debug, Clone, Default)]
pub struct ModuleOutcome {
    pub findings: i64,
    pub message: String,
    pub items: Vec<SummaryItem>,
    pub transitions: Transitions,
    /// For a module with incremental state: which kind of run, and how many rows it read.
    pub scan: Option<(ScanKind, i64)>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ModuleReport {
    pub module: Module,
    pub status: ModuleStatus,
    pub findings: i64,
    pub duration_ms: i64,
    pub message: String,
    pub items: Vec<SummaryItem>,
    /// Full or incremental, for a module that keeps incremental state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scan: Option<ScanKind>,
    /// How many rows it read, for the same modules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows: Option<i64>,
}

#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct NotificationCounts {
    pub new: usize,
    pub renotified: usize,
    pub resolved: usize,
    /// Event notifications (reminders, watchlist matches) resolved because they were
    /// acknowledged and delivered, or older than `[alerts] event_ttl`.
    pub settled_events: usize,
}

#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct AlertCounts {
    /// Outbox rows this cycle queued (one per alert and channel).
    pub queued: usize,
    /// Channels that accepted a message this cycle (a digest counts once).
    pub delivered: usize,
    /// Channels whose delivery failed this cycle; retried by later cycles.
    pub failed: usize,
    /// Channels left for the next cycle: the delivery budget had no room for them.
    pub deferred: usize,
    /// Why delivery could not run at all, if it could not.
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CycleReport {
    pub run_id: Option<i64>,
    /// ok, or failed when a module failed (the cycle itself still completed).
    pub status: RunStatus,
    pub dry_run: bool,
    pub started_at: String,
    pub duration_ms: i64,
    pub modules: Vec<ModuleReport>,
    pub notifications: NotificationCounts,
    pub alerts: AlertCounts,
    /// Runs of killed cycles this cycle marked aborted.
    pub aborted_runs: Vec<i64>,
    pub pruned_runs: usize,
    /// What the operator must know though the cycle ran: stored times after the clock.
    pub warnings: Vec<String>,
    /// The daily brief this cycle queued, if it was due.
    pub brief: Option<brief::BriefSent>,
    /// The `agent_runs` rows written for this cycle and earlier ones (`[runlog]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runlog: Option<crate::runlog::RunlogReport>,
    /// The summary line, as printed.
    pub line: String,
    /// The run in one spoken sentence (`hb mcp` says it).
    pub voice_summary: String,
}

impl CycleReport {
    /// The one line cron mails: `cycle 1842 ok in 212 ms: 3 stale properties (5, 12, 27), ...`.
    pub fn summary_line(&self) -> String {
        let mut parts: Vec<String> = self
            .modules
            .iter()
            .flat_map(|m| m.items.iter())
            .filter(|item| item.count > 0)
            .map(|item| item.render(SHOWN))
            .collect();
        for m in self
            .modules
            .iter()
            .filter(|m| m.status == ModuleStatus::Failed)
        {
            parts.push(format!("{} failed: {}", m.module.as_str(), m.message));
        }
        if parts.is_empty() {
            parts.push("nothing to report".into());
        }
        format!("{}: {}; {}", self.headline(), parts.join(", "), self.tail())
    }

    /// "cycle 1842 ok in 212 ms".
    fn headline(&self) -> String {
        let name = match (self.run_id, self.dry_run) {
            (_, true) => "dry-run cycle".to_string(),
            (Some(id), false) => format!("cycle {id}"),
            (None, false) => "cycle".to_string(),
        };
        format!(
            "{name} {} in {} ms{}",
            self.status,
            self.duration_ms,
            self.scan_note()
        )
    }

    /// " (incremental, 812 rows read)": how the modules that keep incremental state went
    /// about it (full when any of them reconciled in full), for the run log's list.
    fn scan_note(&self) -> String {
        let scanned: Vec<(ScanKind, i64)> = self
            .modules
            .iter()
            .filter_map(|m| m.scan.zip(m.rows))
            .collect();
        if scanned.is_empty() {
            return String::new();
        }
        let kind = if scanned.iter().any(|(k, _)| *k == ScanKind::Full) {
            ScanKind::Full
        } else {
            ScanKind::Incremental
        };
        let rows: i64 = scanned.iter().map(|(_, r)| r).sum();
        format!(" ({}, {rows} rows read)", kind.as_str())
    }

    /// On a terminal: the headline, then one line per module that found something (or
    /// failed), each within `width` characters; `--json` and `-v` have every id.
    pub fn terminal_lines(&self, width: usize) -> Vec<String> {
        let mut lines = vec![format!("{}; {}", self.headline(), self.tail())];
        for m in &self.modules {
            let prefix = format!("  {:<14}", m.module.as_str());
            if m.status == ModuleStatus::Failed {
                lines.push(crate::output::ellipsize(
                    &format!("{prefix}failed: {}", m.message),
                    width,
                ));
                continue;
            }
            let items: Vec<&SummaryItem> = m.items.iter().filter(|i| i.count > 0).collect();
            if !items.is_empty() {
                lines.push(fit_items(&prefix, &items, width));
            }
        }
        if lines.len() == 1 {
            lines.push("  nothing to report".into());
        }
        lines
    }

    /// The notifications (and alert trouble) part of the summary.
    fn tail(&self) -> String {
        let n = &self.notifications;
        let mut tail = format!(
            "{} new notification{}",
            n.new,
            if n.new == 1 { "" } else { "s" }
        );
        if n.renotified > 0 {
            tail.push_str(&format!(", {} re-notified", n.renotified));
        }
        if n.resolved > 0 {
            tail.push_str(&format!(", {} resolved", n.resolved));
        }
        if let Some(brief) = &self.brief {
            tail.push_str(&format!(
                "; daily brief {} to {}",
                brief.day,
                brief.channels.join(", ")
            ));
        }
        if self.alerts.failed > 0 || self.alerts.error.is_some() {
            tail.push_str(&format!(
                "; alert delivery failed for {} channel{} (kept in the outbox: `hb alerts outbox`)",
                self.alerts.failed.max(1),
                if self.alerts.failed > 1 { "s" } else { "" }
            ));
        }
        if let Some(error) = self.runlog.as_ref().and_then(|r| r.error.as_ref()) {
            tail.push_str(&format!(
                "; agent_runs not written (retried next cycle): {error}"
            ));
        }
        if self.alerts.deferred > 0 {
            tail.push_str(&format!(
                "; {} channel{} left for the next cycle (delivery budget used up)",
                self.alerts.deferred,
                if self.alerts.deferred > 1 { "s" } else { "" }
            ));
        }
        tail
    }
}

/// Which modules this cycle runs.
#[derive(Debug, Clone)]
pub enum Selection {
    /// Those due by their cadence.
    Due,
    /// Every enabled module.
    All,
    /// Exactly these, due or not, enabled or not (the operator asked by name).
    Only(Vec<Module>),
}

pub struct CycleOptions {
    pub selection: Selection,
    pub dry_run: bool,
    /// `--no-remediate`: no `on_failure` command runs in this cycle.
    pub no_remediate: bool,
    /// `--full`: reconcile in full instead of looking at what changed.
    pub full: bool,
    pub pid: i64,
}

pub fn run_cycle(
    store: &mut Store,
    loaded: &Loaded,
    now: i64,
    options: &CycleOptions,
) -> Result<CycleReport> {
    let config = &loaded.config;
    let started = Instant::now();
    let trigger = match &options.selection {
        Selection::Due => "timer".to_string(),
        Selection::All => "all".to_string(),
        Selection::Only(modules) => {
            format!(
                "only:{}",
                modules
                    .iter()
                    .map(|m| m.as_str())
                    .collect::<Vec<_>>()
                    .join(",")
            )
        }
    };
    let (run_id, aborted_runs) = if options.dry_run {
        (None, Vec::new())
    } else {
        match store.begin_run(&trigger, options.pid, now, is_alive)? {
            LockOutcome::Acquired { run_id, aborted } => (Some(run_id), aborted),
            LockOutcome::Busy(holder) => {
                return Err(HbError::Busy(format!(
                    "another cycle is running (pid {} since {}): try again when it ends",
                    holder.pid,
                    crate::clock::format_ts(holder.started_at)
                ))
                .into())
            }
        }
    };

    // Modules that scan in full ask for more (`scan::start`).
    store.set_memory_budget(MemoryBudget::Incremental)?;
    let env = ModuleEnv {
        config,
        now,
        run_id,
        renotify_after: renotify_after_secs(config),
        full: options.full,
    };
    let last_runs = store.module_last_runs()?;
    let checks_after: Vec<(String, i64)> = store
        .check_states()?
        .into_values()
        .filter(|s| crate::cadence::ran_after(s.last_run_at, now))
        .map(|s| (s.name, s.last_run_at))
        .collect();
    let module_runs: Vec<(String, i64)> = last_runs
        .iter()
        .map(|(module, at)| (module.as_str().to_string(), *at))
        .collect();
    let warnings: Vec<String> = clock_warning(
        now,
        &module_runs,
        &checks_after,
        store.outbox_rows_after(now)?,
    )
    .into_iter()
    .collect();
    let end = if options.dry_run {
        End::Rollback
    } else {
        End::Commit
    };
    let mut modules = Vec::new();
    let mut notifications = NotificationCounts::default();
    let mut alerts = AlertCounts::default();
    for module in Module::ALL {
        let (every, enabled) = module.cadence(config);
        let last = last_runs
            .iter()
            .find(|(m, _)| *m == module)
            .map(|(_, at)| *at);
        let selected = match &options.selection {
            Selection::Due => enabled && crate::cadence::is_due(last, every, now),
            Selection::All => enabled,
            Selection::Only(list) => list.contains(&module),
        };
        if !selected {
            let why = if enabled { "not due" } else { "disabled" };
            modules.push(skipped(module, why));
            continue;
        }
        let module_started = Instant::now();
        // Checks wait on the network: they run before the module's transaction opens.
        let check_outcomes = match module {
            Module::System => system::run_due_checks(
                loaded,
                store,
                now,
                system::cycle_actions(config, options.dry_run, options.no_remediate),
            ),
            _ => Ok(Vec::new()),
        };
        // A module's writes, its alerts, its result row and its last-run time commit together.
        let result = check_outcomes.and_then(|check_outcomes| {
            store.transaction_then(end, |tx| {
                // Only a check that heals deserves a recovery message; findings just go away.
                let (outcome, escalations, recoveries) = match module {
                    Module::System => {
                        let system = system::run(tx, &env, &check_outcomes)?;
                        (system.outcome, system.escalations, Some(system.recoveries))
                    }
                    _ => (run_module(module, tx, &env)?, Vec::new(), None),
                };
                let mut queued = alerting::enqueue_transitions(
                    tx,
                    &config.alerts,
                    &outcome.transitions,
                    recoveries.as_ref(),
                    &system::routes(config),
                    now,
                )?;
                queued += alerting::enqueue_escalations(tx, &config.alerts, &escalations, now)?;
                if let Some(run_id) = run_id {
                    tx.record_module_result(
                        &ModuleResultRow {
                            run_id,
                            module,
                            status: ModuleStatus::Ok,
                            findings: outcome.findings,
                            duration_ms: elapsed_ms(module_started),
                            message: Some(outcome.message.clone()),
                            scan: outcome.scan,
                        },
                        now,
                    )?;
                }
                Ok((outcome, queued))
            })
        });
        let duration_ms = elapsed_ms(module_started);
        match result {
            Ok((outcome, queued)) => {
                alerts.queued += queued;
                notifications.new += outcome.transitions.new.len();
                notifications.renotified += outcome.transitions.renotified.len();
                notifications.resolved += outcome.transitions.resolved.len();
                modules.push(ModuleReport {
                    module,
                    status: ModuleStatus::Ok,
                    findings: outcome.findings,
                    duration_ms,
                    message: outcome.message,
                    items: outcome.items,
                    scan: outcome.scan.map(|(kind, _)| kind),
                    rows: outcome.scan.map(|(_, rows)| rows),
                });
            }
            Err(err) => {
                let message = format!("{err:#}");
                if let Some(run_id) = run_id {
                    let row = ModuleResultRow {
                        run_id,
                        module,
                        status: ModuleStatus::Failed,
                        findings: 0,
                        duration_ms,
                        message: Some(message.clone()),
                        scan: None,
                    };
                    store.transaction(|tx| tx.record_module_result(&row, now))?;
                }
                modules.push(ModuleReport {
                    module,
                    status: ModuleStatus::Failed,
                    findings: 0,
                    duration_ms,
                    message,
                    items: Vec::new(),
                    scan: None,
                    rows: None,
                });
            }
        }
    }

    let status = if modules.iter().any(|m| m.status == ModuleStatus::Failed) {
        RunStatus::Failed
    } else {
        RunStatus::Ok
    };
    let mut report = CycleReport {
        run_id,
        status,
        dry_run: options.dry_run,
        started_at: crate::clock::format_ts(now),
        duration_ms: 0,
        modules,
        notifications,
        alerts,
        aborted_runs,
        pruned_runs: 0,
        warnings,
        brief: None,
        runlog: None,
        line: String::new(),
        voice_summary: String::new(),
    };
    if let Some(run_id) = run_id {
        // The heartbeat itself failing cycle after cycle escalates once; it re-arms when a
        // cycle completes cleanly again.
        let failed_in_a_row = if status == RunStatus::Failed {
            1 + store.failed_cycles_before(run_id)?
        } else {
            0
        };
        let escalate = failed_in_a_row >= CYCLE_ESCALATE_AFTER;
        let failed_modules: Vec<String> = report
            .modules
            .iter()
            .filter(|m| m.status == ModuleStatus::Failed)
            .map(|m| format!("- {}: {}", m.module.as_str(), m.message))
            .collect();
        report.alerts.queued += store.transaction(|tx| {
            let mut reconciler =
                tx.reconciler("escalation.cycle", now, system::NEVER, Some(run_id));
            if escalate {
                reconciler.add(&NotificationDraft {
                    dedup_key: "escalation:cycle".into(),
                    kind: NotificationKind::Escalation,
                    priority: Priority::Critical,
                    subject: format!(
                        "Escalation: the heartbeat cycle has failed {failed_in_a_row} times in a row"
                    ),
                    message: format!(
                        "Failing modules in cycle {run_id}:\n{}",
                        failed_modules.join("\n")
                    ),
                    property_id: None,
                })?;
            }
            let transitions = reconciler.apply()?;
            let queued = alerting::enqueue_escalations(tx, &config.alerts, &transitions.new, now)?;
            // The agent_runs row is queued with the cycle's writes; killed cycles found
            // at the start get theirs (failed) too.
            if config.runlog.is_some() {
                let finished = now + elapsed_ms(started) / 1000;
                let failed = status == RunStatus::Failed;
                tx.queue_runlog(&crate::runlog::entry(run_id, failed, now, finished))?;
                for aborted in &report.aborted_runs {
                    if let Some(run) = tx.run(*aborted)? {
                        let ended = run.finished_at.unwrap_or(now);
                        let entry = crate::runlog::entry(run.id, true, run.started_at, ended);
                        tx.queue_runlog_aborted(&entry)?;
                    }
                }
            }
            Ok(queued)
        })?;
        report.brief = store.transaction(|tx| brief::send_if_due(tx, config, now, run_id))?;
        if let Some(sent) = &report.brief {
            report.alerts.queued += sent.channels.len();
        }
        // After hb's commit: the application gets its rows; a failure is alerted like a
        // failing check and retried next cycle, and never fails this one.
        if let Some(runlog) = &config.runlog {
            let written = crate::runlog::write_pending(store, runlog, loaded.base_dir(), now)?;
            report.alerts.queued += store.transaction(|tx| {
                let renotify = renotify_after_secs(config);
                let transitions = runlog_finding(tx, runlog, &written, now, renotify, run_id)?;
                let recovery = runlog_recovery(runlog, &written);
                alerting::enqueue_transitions(
                    tx,
                    &config.alerts,
                    &transitions,
                    Some(&recovery),
                    &HashMap::new(),
                    now,
                )
            })?;
            report.runlog = Some(written);
        }
        // Delivery after the modules committed: a failure stays in the outbox for the
        // next cycle and never fails this one.
        match crate::alert::deliver_pending(store, &config.alerts, now) {
            Ok(delivery) => {
                report.alerts.delivered = delivery.channels.iter().filter(|c| c.delivered).count();
                report.alerts.failed = delivery.channels.iter().filter(|c| !c.delivered).count();
                report.alerts.deferred = delivery.deferred.len();
            }
            Err(err) => report.alerts.error = Some(format!("{err:#}")),
        }
        // After delivery, so an acknowledged event whose alert just went out settles now.
        let ttl = config.alerts.event_ttl.as_secs();
        report.notifications.settled_events = store.transaction(|tx| tx.settle_events(now, ttl))?;
        let retention = i64::from(config.store.retention_days) * crate::clock::DAY_SECS;
        report.pruned_runs = store.prune_runs(now - retention)?;
        report.duration_ms = elapsed_ms(started);
        report.line = report.summary_line();
        report.voice_summary = crate::voice::cycle(&report);
        let summary = serde_json::to_string(&report)?;
        store.finish_run(run_id, status, now, report.duration_ms, &summary)?;
    } else {
        report.duration_ms = elapsed_ms(started);
        report.line = report.summary_line();
        report.voice_summary = crate::voice::cycle(&report);
    }
    Ok(report)
}

/// The notification of `agent_runs` rows that could not be written: one open finding
/// (`runlog`) while entries wait, re-notified like a failing check, resolved once they
/// are written.
fn runlog_finding(
    tx: &Tx<'_>,
    config: &crate::runlog::RunlogConfig,
    report: &crate::runlog::RunlogReport,
    now: i64,
    renotify_after: i64,
    run_id: i64,
) -> Result<Transitions> {
    let mut findings = tx.reconciler("runlog", now, renotify_after, Some(run_id));
    if let Some(error) = &report.error {
        let rows = if report.pending == 1 { "row" } else { "rows" };
        findings.add(&NotificationDraft {
            dedup_key: RUNLOG_KEY.into(),
            kind: NotificationKind::CheckFailed,
            priority: Priority::High,
            subject: format!(
                "Runlog: {} {rows} not written to {}: {error}",
                report.pending, config.table
            ),
            message: format!(
                "hb could not write {} {rows} of the heartbeat log to {} in {}: {error}. \
                 hb's own runs are recorded; the rows are retried on every cycle, each \
                 written once ({} failed attempts of the oldest so far).",
                report.pending,
                config.table,
                config.database.describe(),
                report.attempts
            ),
            property_id: None,
        })?;
    }
    findings.apply()
}

/// The notification key of the runlog's failure.
const RUNLOG_KEY: &str = "runlog:agent_runs";

fn runlog_recovery(
    config: &crate::runlog::RunlogConfig,
    report: &crate::runlog::RunlogReport,
) -> HashMap<String, alerting::Resolution> {
    let text = format!(
        "the heartbeat log is written to {} again ({} {} caught up)",
        config.table,
        report.written.len(),
        if report.written.len() == 1 {
            "row"
        } else {
            "rows"
        }
    );
    HashMap::from([(
        RUNLOG_KEY.to_string(),
        alerting::Resolution::Say(alerting::Recovery {
            subject: format!("Recovered: Runlog: {text}"),
            message: format!("{}.", capitalize_first(&text)),
        }),
    )])
}

fn capitalize_first(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The warning for stored times after `now` (a clock that went back, or an earlier run
/// under a wrong clock), which the cycle treats as due instead of waiting for them:
/// modules' and checks' last runs, and pending alerts last tried or queued then.
pub fn clock_warning(
    now: i64,
    modules: &[(String, i64)],
    checks: &[(String, i64)],
    pending_alerts: i64,
) -> Option<String> {
    let after = |list: &[(String, i64)]| -> Vec<String> {
        let mut names: Vec<String> = list
            .iter()
            .filter(|(_, at)| crate::cadence::ran_after(*at, now))
            .map(|(name, at)| format!("{name} ({})", crate::clock::format_ts(*at)))
            .collect();
        names.sort();
        names
    };
    let mut parts = Vec::new();
    let modules = after(modules);
    if !modules.is_empty() {
        parts.push(format!("last run of modules {}", modules.join(", ")));
    }
    let checks = after(checks);
    if !checks.is_empty() {
        parts.push(format!("last run of checks {}", checks.join(", ")));
    }
    if pending_alerts > 0 {
        parts.push(format!(
            "{pending_alerts} pending alert{} last tried or queued then",
            if pending_alerts == 1 { "" } else { "s" }
        ));
    }
    (!parts.is_empty()).then(|| {
        format!(
            "stored times are after the clock ({}): {}. The clock went back, or an earlier run \
             had a wrong clock (--now, HB_NOW, the system clock); they are treated as due now",
            crate::clock::format_ts(now),
            parts.join("; ")
        )
    })
}

fn run_module(module: Module, tx: &Tx<'_>, env: &ModuleEnv) -> Result<ModuleOutcome> {
    match module {
        Module::Portfolio => portfolio::run(tx, env),
        Module::Market => market::run(tx, env),
        Module::Relationships => relationships::run(tx, env),
        // Needs the checks' outcomes: run by `run_cycle` itself.
        Module::System => Ok(ModuleOutcome::default()),
        Module::Predictive => predictive::run(tx, env),
        Module::Scheduled => reminders::run(tx, env),
    }
}

fn skipped(module: Module, why: &str) -> ModuleReport {
    ModuleReport {
        module,
        status: ModuleStatus::Skipped,
        findings: 0,
        duration_ms: 0,
        message: why.into(),
        items: Vec::new(),
        scan: None,
        rows: None,
    }
}

fn elapsed_ms(since: Instant) -> i64 {
    since.elapsed().as_millis() as i64
}

/// How long a persisting finding waits before it is notified again.
pub fn renotify_after_secs(config: &Config) -> i64 {
    config.alerts.routes.renotify_after.as_secs()
}

/// Is the process that holds the lock still there? `kill(pid, 0)` asks without
/// signalling (a process of another user answers EPERM: it is there). Where /proc shows
/// the executable, it must also be an hb: a reused pid of another program does not hold
/// our lock.
#[cfg(unix)]
pub fn is_alive(pid: i64) -> bool {
    let Some(raw) = i32::try_from(pid).ok().filter(|raw| *raw > 0) else {
        return false;
    };
    let Some(target) = rustix::process::Pid::from_raw(raw) else {
        return false;
    };
    if rustix::process::test_kill_process(target) == Err(rustix::io::Errno::SRCH) {
        return false;
    }
    match (
        std::fs::read_link(format!("/proc/{pid}/exe")),
        std::env::current_exe(),
    ) {
        (Ok(theirs), Ok(ours)) => {
            let name = |p: &std::path::Path| {
                p.file_name().map(|n| {
                    n.to_string_lossy()
                        .trim_end_matches(" (deleted)")
                        .to_string()
                })
            };
            name(&theirs) == name(&ours)
        }
        // No /proc, or unreadable (another user's process): it is there, assume it is ours.
        _ => true,
    }
}

/// Without a way to ask, a lock holder is assumed alive: a stale lock is safer than two
/// cycles at once.
#[cfg(not(unix))]
pub fn is_alive(_pid: i64) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_line_reads_like_the_design() {
        let report = CycleReport {
            run_id: Some(1842),
            status: RunStatus::Ok,
            dry_run: false,
            started_at: String::new(),
            duration_ms: 212,
            modules: vec![ModuleReport {
                module: Module::Portfolio,
                status: ModuleStatus::Ok,
                findings: 3,
                duration_ms: 1,
                message: String::new(),
                scan: None,
                rows: None,
                items: vec![
                    SummaryItem::new(3, "stale property", "stale properties", vec![5, 12, 27]),
                    SummaryItem::new(1, "reminder due", "reminders due", vec![4]),
                    SummaryItem::new(0, "price shift", "price shifts", vec![]),
                ],
            }],
            notifications: NotificationCounts {
                new: 4,
                renotified: 0,
                resolved: 0,
                settled_events: 0,
            },
            alerts: AlertCounts::default(),
            aborted_runs: vec![],
            pruned_runs: 0,
            warnings: vec![],
            brief: None,
            runlog: None,
            line: String::new(),
            voice_summary: String::new(),
        };
        assert_eq!(
            report.summary_line(),
            "cycle 1842 ok in 212 ms: 3 stale properties (5, 12, 27), 1 reminder due (4); 4 new notifications"
        );
    }

    #[test]
    fn clock_warning_names_what_lies_after_now() {
        assert_eq!(clock_warning(100, &[("system".into(), 100)], &[], 0), None);
        let warning = clock_warning(
            0,
            &[("system".into(), 4_102_444_800), ("market".into(), -5)],
            &[("api".into(), 4_102_444_800)],
            2,
        )
        .unwrap();
        assert!(
            warning.starts_with(
                "stored times are after the clock (1970-01-01T00:00:00Z): last run of modules \
                 system (2100-01-01T00:00:00Z); last run of checks api (2100-01-01T00:00:00Z); \
                 2 pending alerts last tried or queued then."
            ),
            "{warning}"
        );
    }

    #[test]
    fn a_terminal_line_fits_by_dropping_ids_then_items() {
        let many: Vec<i64> = (1000..1200).collect();
        let items = [
            SummaryItem::new(200, "stale property", "stale properties", many.clone()),
            SummaryItem::new(31, "blocked property", "blocked properties", many.clone()),
            SummaryItem::new(9, "missed deadline", "missed deadlines", many.clone()),
        ];
        let refs: Vec<&SummaryItem> = items.iter().collect();
        assert_eq!(
            fit_items("  portfolio     ", &refs, 200),
            "  portfolio     200 stale properties (1000, 1001, 1002, ...), 31 blocked properties \
             (1000, 1001, 1002, ...), 9 missed deadlines (1000, 1001, 1002, ...)"
        );
        assert_eq!(
            fit_items("  portfolio     ", &refs, 80),
            "  portfolio     200 stale properties, 31 blocked properties, 9 missed deadlines"
        );
        let line = fit_items("  portfolio     ", &refs, 60);
        assert_eq!(line, "  portfolio     200 stale properties, ... (2 more)");
        assert!(line.chars().count() <= 60);
        // The JSON keeps the first KEPT ids; -v lists them.
        assert_eq!(items[0].ids.len(), KEPT);
        assert!(items[0].render_all().ends_with("1099, ... (the first 100)"));
    }

    #[test]
    fn our_own_pid_is_alive_and_a_missing_one_is_not() {
        assert!(is_alive(std::process::id() as i64));
        assert!(!is_alive(i32::MAX as i64));
    }
}
