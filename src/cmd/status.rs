//! `hb status`: is the heartbeat alive, what did it find, what is open. Exits Nagios-style.

use std::collections::BTreeMap;

use anyhow::Result;
use comfy_table::Cell;
use serde::Serialize;

use super::alerts::RejectedRecipientView;
use super::Ctx;
use crate::cadence;
use crate::checks;
use crate::cli::StatusArgs;
use crate::clock;
use crate::cycle::Module;
use crate::exit::{self, HbError};
use crate::output;
use crate::store::NotificationFilter;

#[derive(Debug, Serialize)]
struct StatusOut {
    /// ok, warning, critical or unknown: also the exit code (0, 1, 2, 3).
    status: &'static str,
    reasons: Vec<String>,
    last_cycle: Option<LastCycle>,
    modules: Vec<ModuleStatus>,
    open_notifications: BTreeMap<String, i64>,
    top_actions: Vec<ActionItem>,
    /// Whether `on_failure` commands run at all (`[actions] enabled`).
    remediation: checks::RemediationStatus,
    /// The check board: each configured check's state and its figures over the window.
    checks: Vec<CheckBoardRow>,
    /// The latest value of each metric series recorded in the window.
    metrics: Vec<MetricOut>,
    /// Recipients a mail server refuses for good: they get no alerts until fixed.
    rejected_recipients: Vec<RejectedRecipientView>,
    window: WindowStats,
}

#[derive(Debug, Serialize)]
struct CheckBoardRow {
    name: String,
    group: &'static str,
    enabled: bool,
    /// The latest result (any run), or null when it never ran.
    status: Option<&'static str>,
    since: Option<String>,
    message: Option<String>,
    /// Whether that latest result counted (false: `hb checks run` or the demo's run).
    counted: bool,
    /// The heartbeat's own state of the check, which the verdict reads; null when no
    /// cycle has run it.
    counted_status: Option<&'static str>,
    #[serde(skip)]
    counted_since: Option<String>,
    #[serde(skip)]
    counted_message: Option<String>,
    #[serde(skip)]
    mark: &'static str,
    #[serde(flatten)]
    window: checks::WindowStats,
}

#[derive(Debug, Serialize)]
struct MetricOut {
    check: String,
    label: String,
    value: f64,
    unit: Option<String>,
    at: String,
}

#[derive(Debug, Serialize)]
struct LastCycle {
    run_id: i64,
    started_at: String,
    status: String,
    duration_ms: Option<i64>,
    age_seconds: i64,
    overdue: bool,
}

#[derive(Debug, Serialize)]
struct ModuleStatus {
    module: &'static str,
    enabled: bool,
    every: String,
    last_run_at: Option<String>,
    last_status: Option<String>,
    findings: Option<i64>,
    message: Option<String>,
    next_due_at: Option<String>,
}

#[derive(Debug, Serialize)]
struct ActionItem {
    id: i64,
    priority: String,
    kind: String,
    subject: String,
    since: String,
}

#[derive(Debug, Serialize)]
struct WindowStats {
    window: String,
    cycles: usize,
    ok: usize,
    failed: usize,
    aborted: usize,
    /// Cycles that completed ok, of those started in the window, in percent.
    completion_rate: Option<f64>,
}

pub fn run(ctx: &mut Ctx, args: StatusArgs) -> Result<u8> {
    let window = crate::duration::ANY
        .parse(&args.window)
        .map_err(|e| HbError::Usage(format!("--window: {e:#}")))?;
    let config = ctx.config()?.config.clone();
    let path = ctx.store_path()?;
    if !path.exists() {
        // No store: nothing ever ran here. Nagios reads that as unknown, not as an error.
        let reason = format!("no store at {}: no cycle has ever run", path.display());
        if ctx.out.json {
            output::print_json(&serde_json::json!({ "status": "unknown", "reasons": [reason] }))?;
        } else if !ctx.out.quiet {
            output::print(format!("UNKNOWN: {reason}"))?;
        }
        return Ok(exit::UNKNOWN);
    }
    let store = crate::store::Store::open_read_only(&path)?;
    let now = ctx.clock.now_ts();
    let cadence = config.schedule.system.as_secs();

    let last_cycle = store.last_run()?.map(|run| {
        let age = now.saturating_sub(run.started_at);
        LastCycle {
            run_id: run.id,
            started_at: clock::format_ts(run.started_at),
            status: run.status.to_string(),
            duration_ms: run.duration_ms,
            age_seconds: age,
            overdue: age > cadence.saturating_mul(2),
        }
    });

    let last_results = store.last_module_results()?;
    let modules = Module::ALL
        .into_iter()
        .map(|module| {
            let (every, enabled) = module.cadence(&config);
            let last = last_results.iter().find(|(row, _)| row.module == module);
            let last_at = last.map(|(_, at)| *at);
            let next_due = if enabled {
                Some(cadence::due_at(last_at, every, now).max(now))
            } else {
                None
            };
            ModuleStatus {
                module: module.as_str(),
                enabled,
                every: clock::format_duration(std::time::Duration::from_secs(every as u64)),
                last_run_at: output::ts(last_at),
                last_status: last.map(|(row, _)| row.status.to_string()),
                findings: last.map(|(row, _)| row.findings),
                message: last.and_then(|(row, _)| row.message.clone()),
                next_due_at: output::ts(next_due),
            }
        })
        .collect();

    let open: BTreeMap<String, i64> = store
        .open_notification_counts()?
        .into_iter()
        .map(|(priority, n)| (priority.to_string(), n))
        .collect();
    let top_actions = store
        .notifications(&NotificationFilter {
            limit: Some(5),
            ..NotificationFilter::default()
        })?
        .into_iter()
        .map(|n| ActionItem {
            id: n.id,
            priority: n.priority.to_string(),
            kind: n.kind.to_string(),
            subject: n.subject,
            since: clock::format_ts(n.created_at),
        })
        .collect();

    let starts = store.run_starts_since(now.saturating_sub(window.as_secs() as i64))?;
    let count = |s: &str| {
        starts
            .iter()
            .filter(|(_, status)| status.as_str() == s)
            .count()
    };
    let finished = starts
        .iter()
        .filter(|(_, s)| *s != crate::store::RunStatus::Running)
        .count();
    let window_stats = WindowStats {
        window: clock::format_duration(window),
        cycles: starts.len(),
        ok: count("ok"),
        failed: count("failed"),
        aborted: count("aborted"),
        completion_rate: (finished > 0)
            .then(|| (count("ok") as f64 / finished as f64 * 1000.0).round() / 10.0),
    };

    let window_start = now.saturating_sub(window.as_secs() as i64);
    let states = store.check_states()?;
    let latest = store.latest_results(config.check.iter().map(|c| c.common.name.as_str()))?;
    let results = store.check_results_since(window_start)?;
    let board: Vec<CheckBoardRow> = config
        .check
        .iter()
        .map(|check| {
            let state = states.get(&check.common.name);
            let in_window: Vec<(checks::Status, Option<i64>)> = results
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
                status: shown.as_ref().map(|s| s.status.as_str()),
                since: shown.as_ref().map(|s| clock::format_ts(s.since)),
                message: shown.as_ref().map(|s| s.message.clone()),
                counted: shown.as_ref().is_some_and(|s| s.not_counted.is_none()),
                counted_status: state.map(|s| s.status.as_str()),
                counted_since: state.map(|s| clock::format_ts(s.since)),
                counted_message: state.map(|s| s.last_message.clone()),
                mark: shown.as_ref().map_or("", |s| s.mark()),
                window: checks::window_stats(&in_window),
            }
        })
        .collect();
    let metrics = store
        .latest_metrics(window_start)?
        .into_iter()
        .map(|m| MetricOut {
            check: m.check,
            label: m.label,
            value: m.value,
            unit: m.unit,
            at: clock::format_ts(m.at),
        })
        .collect();

    // A channel no longer declared sends nothing: its old refusals are news no more.
    let rejected_recipients: Vec<RejectedRecipientView> = store
        .outbox_rejections()?
        .into_iter()
        .filter(|r| config.alerts.channel(&r.channel).is_some())
        .map(RejectedRecipientView::from)
        .collect();

    let (mut status, mut reasons) = verdict(last_cycle.as_ref(), &open, cadence);
    // The checks' counted state counts whether or not their notices were acknowledged;
    // a manual run is shown on the board but never changes the verdict.
    for row in board.iter().filter(|r| r.enabled) {
        let level = match row.counted_status {
            Some("critical") => "critical",
            Some("warning") | Some("unknown") => "warning",
            _ => continue,
        };
        reasons.push(format!(
            "check {} is {} since {}: {}",
            row.name,
            row.counted_status.unwrap_or_default(),
            row.counted_since.as_deref().unwrap_or("-"),
            row.counted_message.as_deref().unwrap_or("")
        ));
        status = worse(status, level);
    }
    for r in &rejected_recipients {
        reasons.push(format!("alerts do not reach a recipient: {}", r.line()));
        status = worse(status, "warning");
    }
    let out = StatusOut {
        status,
        reasons,
        last_cycle,
        modules,
        open_notifications: open,
        top_actions,
        remediation: checks::RemediationStatus::of(&config.actions),
        checks: board,
        metrics,
        rejected_recipients,
        window: window_stats,
    };
    let code = match status {
        "ok" => exit::OK,
        "warning" => exit::WARNING,
        "critical" => exit::CRITICAL,
        _ => exit::UNKNOWN,
    };
    if ctx.out.json {
        output::print_json(&out)?;
    } else if !ctx.out.quiet {
        print_table(ctx, &out)?;
    }
    Ok(code)
}

/// The worse of two verdicts; unknown (no cycle ever ran) stays unknown.
fn worse(a: &'static str, b: &'static str) -> &'static str {
    let rank = |s: &str| match s {
        "ok" => 0,
        "warning" => 1,
        "critical" => 2,
        _ => 3,
    };
    if rank(b) > rank(a) {
        b
    } else {
        a
    }
}

/// unknown: no cycle ever ran. critical: the heartbeat is overdue, or critical
/// notifications are open. warning: the last cycle failed or was aborted, or high-priority
/// notifications are open. ok otherwise.
fn verdict(
    last: Option<&LastCycle>,
    open: &BTreeMap<String, i64>,
    cadence: i64,
) -> (&'static str, Vec<String>) {
    let Some(last) = last else {
        return (
            "unknown",
            vec![
                "no cycle has ever run: run `hb cycle` or install the timer (`hb schedule`)".into(),
            ],
        );
    };
    let mut critical = Vec::new();
    let mut warning = Vec::new();
    if last.overdue {
        critical.push(format!(
            "the last cycle started {} ago, more than twice the {} cadence: is the timer running?",
            clock::format_duration(std::time::Duration::from_secs(
                last.age_seconds.max(0) as u64
            )),
            clock::format_duration(std::time::Duration::from_secs(cadence as u64))
        ));
    }
    if let Some(n) = open.get("critical").filter(|n| **n > 0) {
        critical.push(format!(
            "{n} critical notification{} open",
            if *n == 1 { "" } else { "s" }
        ));
    }
    if last.status == "failed" || last.status == "aborted" {
        warning.push(format!(
            "the last cycle (run {}) {}",
            last.run_id, last.status
        ));
    }
    if let Some(n) = open.get("high").filter(|n| **n > 0) {
        warning.push(format!(
            "{n} high-priority notification{} open",
            if *n == 1 { "" } else { "s" }
        ));
    }
    if !critical.is_empty() {
        critical.extend(warning);
        ("critical", critical)
    } else if !warning.is_empty() {
        ("warning", warning)
    } else {
        ("ok", Vec::new())
    }
}

fn print_table(ctx: &Ctx, out: &StatusOut) -> Result<()> {
    let o = ctx.out;
    let headline = match &out.last_cycle {
        Some(last) => format!(
            "{}: last cycle {} at {} ({}, {} ms){}",
            out.status.to_uppercase(),
            last.run_id,
            last.started_at,
            last.status,
            last.duration_ms.unwrap_or_default(),
            if last.overdue { ", OVERDUE" } else { "" }
        ),
        None => format!("{}: no cycle has run yet", out.status.to_uppercase()),
    };
    output::print(headline)?;
    for reason in &out.reasons {
        output::print(format!("  - {reason}"))?;
    }
    let mut table = o.table([
        "Module", "Every", "Last run", "Status", "Findings", "Next due",
    ]);
    for m in &out.modules {
        let status = if m.enabled {
            m.last_status.clone().unwrap_or_else(|| "-".into())
        } else {
            "disabled".into()
        };
        table.add_row(vec![
            Cell::new(m.module),
            Cell::new(&m.every),
            Cell::new(m.last_run_at.as_deref().unwrap_or("never")),
            o.status_cell(&status),
            Cell::new(
                m.findings
                    .map(|f| f.to_string())
                    .unwrap_or_else(|| "-".into()),
            ),
            Cell::new(m.next_due_at.as_deref().unwrap_or("-")),
        ]);
    }
    output::print(table)?;
    if let Some(notice) = out.remediation.notice() {
        output::print(notice)?;
    }
    if !out.checks.is_empty() {
        let mut board = o.table([
            "Check", "Group", "Status", "Since", "Uptime", "Avg ms", "p95 ms",
        ]);
        for c in &out.checks {
            let status = if c.enabled {
                format!("{}{}", c.status.unwrap_or("never ran"), c.mark)
            } else {
                "disabled".to_string()
            };
            let figure = |v: Option<f64>, suffix: &str| {
                v.map(|v| format!("{v}{suffix}"))
                    .unwrap_or_else(|| "-".into())
            };
            board.add_row(vec![
                Cell::new(&c.name),
                Cell::new(c.group),
                o.status_cell(&status),
                Cell::new(c.since.as_deref().unwrap_or("-")),
                Cell::new(figure(c.window.uptime_percent, "%")),
                Cell::new(figure(c.window.avg_latency_ms, "")),
                Cell::new(figure(c.window.p95_latency_ms, "")),
            ]);
        }
        output::print(board)?;
    }
    for m in &out.metrics {
        output::print(format!(
            "metric {} {} = {}{}",
            m.check,
            m.label,
            m.value,
            m.unit
                .as_deref()
                .map(|u| format!(" {u}"))
                .unwrap_or_default()
        ))?;
    }
    let open: Vec<String> = ["critical", "high", "medium", "low"]
        .iter()
        .filter_map(|p| out.open_notifications.get(*p).map(|n| format!("{n} {p}")))
        .collect();
    output::print(format!(
        "open notifications: {}",
        if open.is_empty() {
            "none".to_string()
        } else {
            open.join(", ")
        }
    ))?;
    let w = &out.window;
    output::print(format!(
        "last {}: {} cycles, {} ok, {} failed, {} aborted{}",
        w.window,
        w.cycles,
        w.ok,
        w.failed,
        w.aborted,
        w.completion_rate
            .map(|r| format!(" ({r}% completed)"))
            .unwrap_or_default()
    ))?;
    if !out.top_actions.is_empty() {
        output::print("top action items:")?;
        for a in &out.top_actions {
            output::print(format!("  #{} [{}] {}", a.id, a.priority, a.subject))?;
        }
    }
    Ok(())
}
