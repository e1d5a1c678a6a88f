//! `hb logs [RUN_ID]`: the run log.

use anyhow::Result;
use comfy_table::Cell;
use serde::Serialize;

use super::Ctx;
use crate::cli::LogsArgs;
use crate::clock;
use crate::exit::{self, HbError};
use crate::output;
use crate::store::{RunFilter, RunRow};

#[derive(Debug, Serialize)]
struct RunOut {
    id: i64,
    trigger: String,
    started_at: String,
    finished_at: Option<String>,
    status: String,
    duration_ms: Option<i64>,
    pid: Option<i64>,
    summary: serde_json::Value,
}

/// `hb logs --json`: the runs shown, and how many match.
#[derive(Debug, Serialize)]
struct RunsOut {
    /// Runs the filters match, whatever `--limit`.
    total: u64,
    runs: Vec<RunOut>,
}

#[derive(Debug, Serialize)]
struct RunDetail {
    #[serde(flatten)]
    run: RunOut,
    modules: Vec<ModuleOut>,
    checks: Vec<CheckOut>,
}

#[derive(Debug, Serialize)]
struct CheckOut {
    name: String,
    group: String,
    status: String,
    latency_ms: Option<i64>,
    message: String,
    value: Option<f64>,
    /// What the remediation commands did, when the check failed and had some.
    remediation: Option<serde_json::Value>,
}

#[derive(Debug, Serialize)]
struct ModuleOut {
    module: String,
    status: String,
    findings: i64,
    duration_ms: i64,
    message: Option<String>,
    /// full or incremental, for a module that keeps incremental state.
    #[serde(skip_serializing_if = "Option::is_none")]
    scan: Option<&'static str>,
    /// How many rows that module read.
    #[serde(skip_serializing_if = "Option::is_none")]
    rows: Option<i64>,
}

impl From<RunRow> for RunOut {
    fn from(run: RunRow) -> Self {
        RunOut {
            id: run.id,
            trigger: run.trigger,
            started_at: clock::format_ts(run.started_at),
            finished_at: output::ts(run.finished_at),
            status: run.status.to_string(),
            duration_ms: run.duration_ms,
            pid: run.pid,
            summary: run
                .summary
                .as_deref()
                .and_then(|s| serde_json::from_str(s).ok())
                .unwrap_or(serde_json::Value::Null),
        }
    }
}

pub fn run(ctx: &mut Ctx, args: LogsArgs) -> Result<u8> {
    let store = ctx.read_store()?;
    if let Some(id) = args.run_id {
        let run = store.run(id)?.ok_or_else(|| {
            HbError::NotFound(format!("no run with id {id} (list runs with `hb logs`)"))
        })?;
        let modules = store
            .module_results(id)?
            .into_iter()
            .map(|m| ModuleOut {
                module: m.module.as_str().to_string(),
                status: m.status.to_string(),
                findings: m.findings,
                duration_ms: m.duration_ms,
                message: m.message,
                scan: m.scan.map(|(kind, _)| kind.as_str()),
                rows: m.scan.map(|(_, rows)| rows),
            })
            .collect();
        let checks = store
            .check_results(id)?
            .into_iter()
            .map(|c| CheckOut {
                name: c.name,
                group: c.group.as_str().to_string(),
                status: c.status.to_string(),
                latency_ms: c.latency_ms,
                message: c.message,
                value: c.value,
                remediation: c
                    .remediation
                    .as_deref()
                    .and_then(|r| serde_json::from_str(r).ok()),
            })
            .collect();
        let detail = RunDetail {
            run: run.into(),
            modules,
            checks,
        };
        if ctx.out.json || args.ndjson {
            if args.ndjson {
                output::print_json_line(&detail)?;
            } else {
                output::print_json(&detail)?;
            }
        } else if !ctx.out.quiet {
            let r = &detail.run;
            output::print(format!(
                "run {} ({}) {} at {}, {} ms",
                r.id,
                r.trigger,
                r.status,
                r.started_at,
                r.duration_ms
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "-".into())
            ))?;
            let warnings = r.summary.get("warnings").and_then(|w| w.as_array());
            for warning in warnings.into_iter().flatten().filter_map(|w| w.as_str()) {
                output::print(format!("warning: {warning}"))?;
            }
            // The whole summary here, as text: the list's cell shows its start.
            if let Some(line) = r.summary.get("line").and_then(|l| l.as_str()) {
                output::print(line)?;
            }
            // Messages too long for a cell, in full under the tables.
            let mut long = Vec::new();
            let mut table = ctx.out.table([
                "Module", "Status", "Findings", "ms", "Scan", "Rows", "Message",
            ]);
            for m in &detail.modules {
                let message = m.message.as_deref().unwrap_or("");
                if message.chars().count() > output::CELL_MAX {
                    long.push((m.module.as_str(), message));
                }
                table.add_row(vec![
                    Cell::new(&m.module),
                    ctx.out.status_cell(&m.status),
                    Cell::new(m.findings),
                    Cell::new(m.duration_ms),
                    Cell::new(m.scan.unwrap_or("-")),
                    Cell::new(m.rows.map_or("-".to_string(), |r| r.to_string())),
                    Cell::new(output::ellipsize(message, output::CELL_MAX)),
                ]);
            }
            if !detail.modules.is_empty() {
                output::print(table)?;
            }
            if !detail.checks.is_empty() {
                let mut table = ctx.out.table(["Check", "Group", "Status", "ms", "Message"]);
                for c in &detail.checks {
                    let held = c
                        .remediation
                        .as_ref()
                        .and_then(|r| r.get("held"))
                        .and_then(|h| h.as_str());
                    let remediated = match (&c.remediation, held) {
                        (None, _) => String::new(),
                        (Some(_), Some(why)) => format!(" (remediation not run: {why})"),
                        (Some(_), None) => " (remediation ran)".to_string(),
                    };
                    let message = format!("{}{remediated}", c.message);
                    if message.chars().count() > output::CELL_MAX {
                        long.push((c.name.as_str(), &c.message));
                    }
                    table.add_row(vec![
                        Cell::new(&c.name),
                        Cell::new(&c.group),
                        ctx.out.status_cell(&c.status),
                        Cell::new(
                            c.latency_ms
                                .map(|l| l.to_string())
                                .unwrap_or_else(|| "-".into()),
                        ),
                        Cell::new(output::ellipsize(&message, output::CELL_MAX)),
                    ]);
                }
                output::print(table)?;
            }
            for (name, message) in long {
                output::print(format!("{name}: {message}"))?;
            }
        }
        return Ok(exit::OK);
    }

    let since = args
        .since
        .as_deref()
        .map(|s| {
            crate::duration::ANY
                .parse(s)
                .map_err(|e| HbError::Usage(format!("--since: {e:#}")))
        })
        .transpose()?
        .map(|d| ctx.clock.now_ts().saturating_sub(d.as_secs() as i64));
    if let Some(name) = &args.check {
        known_check(ctx, &store, name)?;
    }
    let filter = RunFilter {
        since,
        status: args.status,
        module: args.module,
        check: args.check,
        limit: crate::cli::row_limit(args.limit),
    };
    let runs: Vec<RunOut> = store.runs(&filter)?.into_iter().map(RunOut::from).collect();
    let total = match filter.limit {
        Some(limit) if runs.len() >= limit => store.count_runs(&filter)?,
        _ => runs.len() as u64,
    };
    if args.ndjson {
        for run in &runs {
            if output::stdout_closed() {
                break;
            }
            output::print_json_line(run)?;
        }
    } else if ctx.out.json {
        output::print_json(&RunsOut { total, runs })?;
    } else if !ctx.out.quiet {
        if runs.is_empty() {
            output::print("no runs match")?;
            return Ok(exit::OK);
        }
        let mut table = ctx
            .out
            .table(["Run", "Trigger", "Started", "Status", "ms", "Summary"]);
        for run in &runs {
            let line = run
                .summary
                .get("line")
                .and_then(|l| l.as_str())
                .unwrap_or("")
                .to_string();
            table.add_row(vec![
                Cell::new(run.id),
                Cell::new(&run.trigger),
                Cell::new(&run.started_at),
                ctx.out.status_cell(&run.status),
                Cell::new(
                    run.duration_ms
                        .map(|d| d.to_string())
                        .unwrap_or_else(|| "-".into()),
                ),
                // A cycle's line can run to hundreds of characters: its start here,
                // the whole of it in `hb logs RUN_ID` and --json.
                Cell::new(output::ellipsize(&line, output::CELL_MAX)),
            ]);
        }
        output::print(table)?;
        ctx.out.note_truncated(runs.len(), total);
    }
    Ok(exit::OK)
}

/// `--check NAME` must name a check of the config or of the run log: a typo is an error,
/// not an empty list.
fn known_check(ctx: &mut Ctx, store: &crate::store::Store, name: &str) -> Result<()> {
    let mut known: Vec<String> = ctx
        .config()?
        .config
        .check
        .iter()
        .map(|c| c.common.name.clone())
        .collect();
    if known.iter().any(|k| k == name) {
        return Ok(());
    }
    let recorded = store.recorded_check_names()?;
    if recorded.iter().any(|k| k == name) {
        return Ok(());
    }
    known.extend(recorded);
    known.sort();
    known.dedup();
    let hint = if known.is_empty() {
        "no check is configured or was ever recorded".to_string()
    } else {
        format!("known checks: {}", known.join(", "))
    };
    Err(HbError::Usage(format!("--check: no check named `{name}` ({hint})")).into())
}
