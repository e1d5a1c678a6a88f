//! `hb checks [list] | run NAME... | validate | doc`

use std::collections::HashSet;
use std::time::Instant;

use anyhow::Result;

use super::Ctx;
use crate::checks::{self, Actions, CheckConfig, RunContext, RunOptions};
use crate::cli::{ChecksArgs, ChecksCommand};
use crate::config::{self, Loaded};
use crate::exit::{self, HbError};
use crate::output;
use crate::store::Store;
use crate::view;
use crate::view::checks::{RunReport, Validation};

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

fn run_list(ctx: &mut Ctx) -> Result<u8> {
    let (store, now) = (ctx.read_store_if_any()?, ctx.clock.now_ts());
    let board = view::checks::board(store.as_ref(), &ctx.config()?.config, now)?;
    board.render_verbose(&ctx.out, ctx.global.verbose > 0)?;
    Ok(exit::OK)
}

/// The checks a `run` names, in the order given, each once.
fn select<'a>(loaded: &'a Loaded, names: &[String]) -> Result<Vec<&'a CheckConfig>> {
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
            .find(|c| &c.name == name)
            .ok_or_else(|| HbError::Usage(view::checks::unknown_check(&loaded.config, name)))?;
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
    let selected: Vec<&CheckConfig> = if flags.due {
        let states = view::checks::states(ctx.read_store_if_any()?.as_ref())?;
        checks::due_checks(&loaded.config.check, &states, now)
    } else if flags.all {
        loaded.config.check.iter().filter(|c| c.enabled).collect()
    } else {
        select(&loaded, names)?
    };
    // --no-record excludes --remediate (clap): a run that leaves no trace changes nothing.
    let actions = if flags.remediate {
        Actions::On.under(&loaded.config.actions)
    } else {
        Actions::Off(NOT_ASKED)
    };
    let options = RunOptions::new(actions);
    let mut run_ctx = RunContext::new(&loaded, Some(store_path.clone()), now);
    if actions == Actions::On && store_path.exists() {
        let remediable = selected.iter().filter(|c| !c.on_failure.is_empty());
        let passed = Store::open_existing(&store_path)?
            .passed_checks(remediable.map(|c| c.name.as_str()))?;
        run_ctx = run_ctx.with_passed(passed);
    }
    let (run_id, outcomes) = if flags.no_record || selected.is_empty() {
        (None, checks::run_checks(&selected, &run_ctx, options))
    } else {
        let mut store = ctx.store()?;
        let started = Instant::now();
        let run_id = store.start_checks_run(now)?;
        let outcomes = checks::run_checks(&selected, &run_ctx, options);
        let elapsed = started.elapsed().as_millis() as u64;
        store.finish_checks_run(run_id, &outcomes, now, elapsed)?;
        (Some(run_id), outcomes)
    };
    let report = RunReport::new(run_id, &outcomes);
    ctx.out.show(&report)?;
    Ok(report.exit_code)
}

fn run_validate(ctx: &mut Ctx) -> Result<u8> {
    let explicit = ctx.global.config.clone();
    let validation = match config::load(explicit.as_deref()) {
        Ok(loaded) => view::checks::validate(&loaded)?,
        // A config that does not parse is the first thing validate reports.
        Err(err) if exit::code_for(&err) == exit::CONFIG => Validation::unparsable(
            explicit.map(|p| p.display().to_string()),
            format!("{err:#}"),
        ),
        Err(err) => return Err(err),
    };
    validation.print(&ctx.out)?;
    Ok(if validation.ok {
        exit::OK
    } else {
        exit::CONFIG
    })
}

fn run_doc(ctx: &mut Ctx) -> Result<u8> {
    let doc = view::checks::doc(&ctx.config()?.config);
    if ctx.out.json {
        output::print_json(&doc)?;
    } else {
        // Exactly the document: HEARTBEAT.md is this output byte for byte.
        output::print_raw(&doc.markdown)?;
    }
    Ok(exit::OK)
}
