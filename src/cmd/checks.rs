//! `hb checks [list] | run NAME... | validate | doc`

use anyhow::Result;

use super::Ctx;
use crate::checks::manual::{self, Selection};
use crate::cli::{ChecksArgs, ChecksCommand};
use crate::config;
use crate::exit;
use crate::output;
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
        }) => {
            let selection = if due {
                Selection::Due
            } else if all {
                Selection::All
            } else {
                Selection::Named(&names)
            };
            let options = manual::Options {
                record: !no_record,
                remediate,
            };
            run_run(ctx, selection, options)
        }
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

fn run_run(ctx: &mut Ctx, selection: Selection<'_>, options: manual::Options) -> Result<u8> {
    let loaded = ctx.config()?.clone();
    let (store_path, now) = (ctx.store_path()?, ctx.clock.now_ts());
    let run = manual::run(&loaded, &store_path, selection, options, now)?;
    let report = RunReport::new(run.run_id, &run.outcomes);
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
    validation.show_problems(&ctx.out)?;
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
