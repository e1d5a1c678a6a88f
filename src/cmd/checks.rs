//! `hb checks [list] | run NAME... | validate | doc`

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use anyhow::Result;
use comfy_table::Cell;
use serde::Serialize;

use super::Ctx;
use crate::checks::lint::{self, Level, Problem};
use crate::checks::{
    self, display_argv, format_number, Actions, Check, CheckOutcome, CheckState, Shown, Status,
};
use crate::cli::{ChecksArgs, ChecksCommand};
use crate::config::{self, Loaded};
use crate::exit::{self, HbError};
use crate::output::{self, Output};
use crate::store::{trigger_counts, Store};

pub fn run(ctx: &mut Ctx, args: ChecksArgs) -> Result<u8> {
    match args.command {
        None | Some(ChecksCommand::List) => run_list(ctx),
        Some(ChecksCommand::Run {
            names,
            no_record,
            remediate,
            due,
            all,
        }) => run_run(
            ctx,
            &names,
            RunFlags {
                no_record,
                remediate,
                due,
                all,
            },
        ),
        Some(ChecksCommand::Validate) => run_validate(ctx),
        Some(ChecksCommand::Doc) => run_doc(ctx),
    }
}

/// The states of the store, if there is one (listing never creates a store).
fn states(ctx: &mut Ctx) -> Result<HashMap<String, CheckState>> {
    let path = ctx.store_path()?;
    if !path.exists() {
        return Ok(HashMap::new());
    }
    Store::open_read_only(&path)?.check_states()
}

/// Each check's counted state and what the board shows of it, by name.
type Board = HashMap<String, (Option<CheckState>, Option<Shown>)>;

/// What the board shows of each check: its counted state and its latest result.
fn board(ctx: &mut Ctx, loaded: &Loaded) -> Result<Board> {
    let path = ctx.store_path()?;
    let (mut states, latest) = if path.exists() {
        let store = Store::open_read_only(&path)?;
        let names = loaded.config.check.iter().map(|c| c.common.name.as_str());
        (store.check_states()?, store.latest_results(names)?)
    } else {
        Default::default()
    };
    Ok(loaded
        .config
        .check
        .iter()
        .map(|c| {
            let state = states.remove(&c.common.name);
            let shown = Shown::of(state.as_ref(), latest.get(&c.common.name), trigger_counts);
            (c.common.name.clone(), (state, shown))
        })
        .collect())
}

#[derive(Debug, Serialize)]
struct ListView {
    /// Whether `on_failure` commands run at all (`[actions] enabled`).
    remediation: checks::RemediationStatus,
    checks: Vec<ListRow>,
}

#[derive(Debug, Serialize)]
struct ListRow {
    name: String,
    group: checks::Group,
    #[serde(rename = "type")]
    kind: checks::Kind,
    every: String,
    every_secs: i64,
    severity: checks::Severity,
    enabled: bool,
    skip_unless_env: Option<String>,
    description: Option<String>,
    /// The latest recorded result, from any run; null when the check never ran.
    status: Option<Status>,
    since: Option<String>,
    last_run_at: Option<String>,
    last_run_id: Option<i64>,
    last_message: Option<String>,
    /// Whether that latest result counted: false for `hb checks run` and the demo's run,
    /// which are shown but move none of the counted fields below.
    counted: bool,
    /// The counted state: the heartbeat's (`hb cycle`) results only. Null when no cycle
    /// has run the check.
    counted_status: Option<Status>,
    counted_at: Option<String>,
    counted_run_id: Option<i64>,
    failing_since: Option<String>,
    next_due_at: Option<String>,
    due: bool,
    consecutive_failures: u32,
    consecutive_successes: u32,
    alert_after: u32,
    escalate_after: u32,
    /// `consecutive_failures >= alert_after`.
    alerting: bool,
    /// `consecutive_failures >= escalate_after`.
    escalated: bool,
}

fn run_list(ctx: &mut Ctx) -> Result<u8> {
    let loaded = ctx.config()?.clone();
    let board = board(ctx, &loaded)?;
    let now = ctx.clock.now_ts();
    let rows: Vec<ListRow> = loaded
        .config
        .check
        .iter()
        .map(|check| {
            let (state, shown) = &board[&check.common.name];
            let state = state.as_ref();
            let shown = shown.as_ref();
            let last = state.map(|s| s.last_run_at);
            ListRow {
                name: check.common.name.clone(),
                group: check.common.group,
                kind: check.tag(),
                every: check.common.every.to_string(),
                every_secs: check.common.every.as_secs(),
                severity: check.common.severity,
                enabled: check.common.enabled,
                skip_unless_env: check.common.skip_unless_env.clone(),
                description: check.common.description.clone(),
                status: shown.map(|s| s.status),
                since: output::ts(shown.map(|s| s.since)),
                last_run_at: output::ts(shown.map(|s| s.at)),
                last_run_id: shown.and_then(|s| s.run_id),
                last_message: shown.map(|s| s.message.clone()),
                counted: shown.is_some_and(|s| s.not_counted.is_none()),
                counted_status: state.map(|s| s.status),
                counted_at: output::ts(last),
                counted_run_id: state.and_then(|s| s.last_run_id),
                failing_since: output::ts(state.and_then(|s| s.failing_since)),
                next_due_at: check.common.enabled.then(|| {
                    let next = crate::cadence::due_at(last, check.common.every.as_secs(), now);
                    crate::clock::format_ts(next.max(now))
                }),
                due: check.common.enabled && checks::is_due(check.common.every, last, now),
                consecutive_failures: state.map_or(0, |s| s.consecutive_failures),
                consecutive_successes: state.map_or(0, |s| s.consecutive_successes),
                alert_after: check.common.alert_after,
                escalate_after: check.common.escalate_after,
                alerting: state.is_some_and(|s| s.is_alerting()),
                escalated: state.is_some_and(|s| crate::cycle::system::escalates(check, s)),
            }
        })
        .collect();
    let view = ListView {
        remediation: checks::RemediationStatus::of(&loaded.config.actions),
        checks: rows,
    };
    if ctx.out.json {
        output::print_json(&view)?;
        return Ok(exit::OK);
    }
    if ctx.out.quiet {
        return Ok(exit::OK);
    }
    if view.checks.is_empty() {
        output::print("no checks configured: add [[check]] tables to heartbeat.toml")?;
        return Ok(exit::OK);
    }
    if let Some(notice) = view.remediation.notice() {
        output::print(notice)?;
    }
    let out = ctx.out;
    let mut table = out.table([
        "Name", "Group", "Type", "Every", "Status", "Since", "Counted", "Next due",
    ]);
    let mut uncounted = false;
    for (row, check) in view.checks.iter().zip(&loaded.config.check) {
        let (state, shown) = &board[&check.common.name];
        let state = state.as_ref();
        let status = match shown {
            Some(shown) => {
                uncounted |= shown.not_counted.is_some();
                format!("{}{}", shown.status, shown.mark())
            }
            None => "never run".to_string(),
        };
        let next = if !row.enabled {
            "disabled".to_string()
        } else if row.due {
            "now".to_string()
        } else {
            output::ts_short(checks::next_due(
                check.common.every,
                state.map(|s| s.last_run_at),
            ))
        };
        table.add_row(vec![
            Cell::new(&row.name),
            Cell::new(row.group.as_str()),
            Cell::new(row.kind.as_str()),
            Cell::new(&row.every),
            out.status_cell(&status),
            Cell::new(output::ts_short(shown.as_ref().map(|s| s.since))),
            Cell::new(counted_cell(state)),
            Cell::new(next),
        ]);
    }
    output::print(table)?;
    if uncounted {
        output::print(
            "not counted: results of `hb checks run` and `hb demo` are shown, but only `hb cycle` \
             runs count toward alert_after and escalate_after (Counted)",
        )?;
    }
    if ctx.global.verbose > 0 {
        // What each check guarantees, under the board (as in HEARTBEAT.md).
        for row in view.checks.iter() {
            if let Some(description) = &row.description {
                output::print(format!("  {}: {description}", row.name))?;
            }
        }
    }
    Ok(exit::OK)
}

/// The counted streak: "3 failed", "12 ok", "skipped", "-" (no cycle ran it).
fn counted_cell(state: Option<&CheckState>) -> String {
    match state {
        None => "-".into(),
        Some(s) if s.consecutive_failures > 0 => format!("{} failed", s.consecutive_failures),
        Some(s) if s.consecutive_successes > 0 => format!("{} ok", s.consecutive_successes),
        Some(s) => s.status.to_string(),
    }
}

#[derive(Debug, Serialize)]
struct RunView {
    /// The `runs` row the results were recorded under (null with --no-record).
    run_id: Option<i64>,
    recorded: bool,
    status: Status,
    exit_code: u8,
    results: Vec<ResultView>,
}

#[derive(Debug, Serialize)]
struct ResultView {
    name: String,
    group: checks::Group,
    #[serde(rename = "type")]
    kind: checks::Kind,
    severity: checks::Severity,
    status: Status,
    message: String,
    value: Option<f64>,
    latency_ms: Option<u64>,
    started_at: String,
    duration_ms: u64,
    metrics: Vec<checks::Metric>,
    remediation: Option<checks::Remediation>,
}

impl From<&CheckOutcome> for ResultView {
    fn from(o: &CheckOutcome) -> Self {
        ResultView {
            name: o.name.clone(),
            group: o.group,
            kind: o.kind,
            severity: o.severity,
            status: o.status,
            message: o.message.clone(),
            value: o.value,
            latency_ms: o.latency_ms,
            started_at: crate::clock::format_ts(o.started_at),
            duration_ms: o.duration_ms,
            metrics: o.metrics.clone(),
            remediation: o.remediation.clone(),
        }
    }
}

/// The checks a `run` names, in the order given, each once.
fn select<'a>(loaded: &'a Loaded, names: &[String]) -> Result<Vec<&'a Check>> {
    let mut seen = HashSet::new();
    let mut selected = Vec::new();
    for name in names {
        if !seen.insert(name.as_str()) {
            continue;
        }
        let check = loaded
            .config
            .check
            .iter()
            .find(|c| &c.common.name == name)
            .ok_or_else(|| {
                let known: Vec<&str> = loaded
                    .config
                    .check
                    .iter()
                    .map(|c| c.common.name.as_str())
                    .collect();
                let hint = if known.is_empty() {
                    "no checks are configured".to_string()
                } else {
                    format!("known checks: {}", known.join(", "))
                };
                HbError::Usage(format!("no check named `{name}` ({hint})"))
            })?;
        selected.push(check);
    }
    Ok(selected)
}

/// The flags of `hb checks run`.
struct RunFlags {
    no_record: bool,
    remediate: bool,
    due: bool,
    all: bool,
}

/// Why `hb checks run` did not remediate: it is what people run while editing a config.
const NOT_ASKED: &str = "`hb checks run` remediates only with --remediate";

fn run_run(ctx: &mut Ctx, names: &[String], flags: RunFlags) -> Result<u8> {
    let loaded = ctx.config()?.clone();
    let now = ctx.clock.now_ts();
    let store_path = ctx.store_path()?;
    let selected: Vec<&Check> = if flags.due {
        let states = states(ctx)?;
        checks::due_checks(&loaded.config.check, &states, now)
    } else if flags.all {
        loaded
            .config
            .check
            .iter()
            .filter(|c| c.common.enabled)
            .collect()
    } else {
        select(&loaded, names)?
    };
    // --no-record excludes --remediate (clap): a run that leaves no trace changes nothing.
    let actions = if flags.remediate {
        Actions::On.under(&loaded.config.actions)
    } else {
        Actions::Off(NOT_ASKED)
    };
    let mut run_ctx = loaded.check_context(Some(store_path.clone()), now);
    if actions == Actions::On && store_path.exists() {
        let remediable = selected.iter().filter(|c| !c.common.on_failure.is_empty());
        let passed = Store::open_existing(&store_path)?
            .passed_checks(remediable.map(|c| c.common.name.as_str()))?;
        run_ctx = run_ctx.with_passed(passed);
    }
    let (run_id, outcomes) = if flags.no_record || selected.is_empty() {
        (None, checks::run_checks(&selected, &run_ctx, actions))
    } else {
        let mut store = ctx.store()?;
        let started = Instant::now();
        let run_id = store.start_checks_run(now)?;
        let outcomes = checks::run_checks(&selected, &run_ctx, actions);
        let elapsed = started.elapsed().as_millis() as u64;
        store.finish_checks_run(run_id, &outcomes, now, elapsed)?;
        (Some(run_id), outcomes)
    };
    let status = checks::worst(&outcomes);
    let view = RunView {
        run_id,
        recorded: run_id.is_some(),
        status,
        exit_code: status.exit_code(),
        results: outcomes.iter().map(ResultView::from).collect(),
    };
    print_run(&ctx.out, &view)?;
    Ok(view.exit_code)
}

fn print_run(out: &Output, view: &RunView) -> Result<()> {
    if out.json {
        return output::print_json(view);
    }
    if out.quiet {
        return Ok(());
    }
    if view.results.is_empty() {
        return output::print("no checks to run");
    }
    let mut table = out.table(["Name", "Group", "Status", "Latency", "Value", "Message"]);
    for r in &view.results {
        table.add_row(vec![
            Cell::new(&r.name),
            Cell::new(r.group.as_str()),
            out.status_cell(r.status.as_str()),
            Cell::new(
                r.latency_ms
                    .map(|l| format!("{l} ms"))
                    .unwrap_or_else(|| "-".into()),
            ),
            Cell::new(r.value.map(format_number).unwrap_or_else(|| "-".into())),
            Cell::new(&r.message),
        ]);
    }
    output::print(table)?;
    for r in &view.results {
        let Some(rem) = &r.remediation else { continue };
        if let Some(why) = &rem.held {
            output::print(format!(
                "{}: {}, remediation not run: {why}",
                r.name, r.status
            ))?;
            continue;
        }
        output::print(format!(
            "{}: {} ({}), remediation:",
            r.name, rem.initial_status, rem.initial_message
        ))?;
        for action in &rem.actions {
            let result = match (action.exit_code, action.timed_out) {
                (_, true) => "timed out, killed".to_string(),
                (Some(code), _) => format!("exit {code}"),
                (None, false) => "did not run".to_string(),
            };
            output::print(format!(
                "  {} -> {result} in {} ms",
                display_argv(&action.command),
                action.duration_ms
            ))?;
        }
        if rem.rechecked {
            let verdict = if rem.recovered {
                "recovered"
            } else {
                "still failing"
            };
            output::print(format!("  re-check: {} ({verdict})", r.status))?;
        }
    }
    let summary = format!("{}: exit {}", view.status, view.exit_code);
    let run = view
        .run_id
        .map(|id| format!(", recorded as run {id}"))
        .unwrap_or_else(|| ", not recorded".to_string());
    output::print(format!("{summary}{run}"))
}

#[derive(Debug, Serialize)]
struct ValidateView {
    file: Option<String>,
    checks: usize,
    ok: bool,
    errors: usize,
    warnings: usize,
    problems: Vec<Problem>,
}

fn run_validate(ctx: &mut Ctx) -> Result<u8> {
    let explicit = ctx.global.config.clone();
    let view = match config::load(explicit.as_deref()) {
        Ok(loaded) => validate_loaded(&loaded)?,
        Err(err) => {
            // A config that does not parse is the first thing validate reports.
            let message = format!("{err:#}");
            if exit::code_for(&err) != exit::CONFIG {
                return Err(err);
            }
            ValidateView {
                file: explicit.map(|p| p.display().to_string()),
                checks: 0,
                ok: false,
                errors: 1,
                warnings: 0,
                problems: vec![Problem {
                    level: Level::Error,
                    line: None,
                    check: None,
                    key: None,
                    message,
                }],
            }
        }
    };
    print_validate(&ctx.out, &view)?;
    Ok(if view.ok { exit::OK } else { exit::CONFIG })
}

fn validate_loaded(loaded: &Loaded) -> Result<ValidateView> {
    let Some(path) = &loaded.path else {
        return Err(HbError::Config(format!(
            "no config file to validate: create {} or pass --config",
            config::FILE_NAME
        ))
        .into());
    };
    let problems = lint::lint(&loaded.config.check, loaded.base_dir());
    let errors = problems.iter().filter(|p| p.level == Level::Error).count();
    Ok(ValidateView {
        file: Some(path.display().to_string()),
        checks: loaded.config.check.len(),
        ok: errors == 0,
        errors,
        warnings: problems.len() - errors,
        problems,
    })
}

fn print_validate(out: &Output, view: &ValidateView) -> Result<()> {
    if out.json {
        return output::print_json(view);
    }
    let file = view.file.as_deref().unwrap_or(config::FILE_NAME);
    for p in &view.problems {
        // A parse error is already rendered with its file and line.
        if p.line.is_none() && p.check.is_none() {
            output::print(format!("error: {}", p.message))?;
            continue;
        }
        let level = match p.level {
            Level::Error => "error",
            Level::Warning => "warning",
        };
        let mut text = file.to_string();
        if let Some(line) = p.line {
            text.push_str(&format!(":{line}"));
        }
        text.push_str(&format!(": {level}"));
        if let Some(check) = &p.check {
            text.push_str(&format!(": check `{check}`"));
        }
        if let Some(key) = &p.key {
            text.push_str(&format!(": key `{key}`"));
        }
        text.push_str(&format!(": {}", p.message));
        output::print(text)?;
    }
    if out.quiet {
        return Ok(());
    }
    output::print(format!(
        "{file}: {} checks, {} errors, {} warnings",
        view.checks, view.errors, view.warnings
    ))
}

#[derive(Debug, Serialize)]
struct DocView {
    markdown: String,
}

fn run_doc(ctx: &mut Ctx) -> Result<u8> {
    let config = &ctx.config()?.config;
    let markdown = checks::doc::markdown(
        &config.check,
        config.schedule.system,
        config.schedule.protocol,
        &config.actions,
    );
    if ctx.out.json {
        output::print_json(&DocView { markdown })?;
    } else {
        // Exactly the document: HEARTBEAT.md is this output byte for byte.
        output::print_raw(&markdown)?;
    }
    Ok(exit::OK)
}
