//! `hb cycle`: one system-heartbeat cycle, as cron or a timer runs it.

use anyhow::Result;

use super::Ctx;
use crate::cli::CycleArgs;
use crate::cycle::{self, CycleOptions, Module, Selection};
use crate::exit::{self, HbError};

pub fn run(ctx: &mut Ctx, args: CycleArgs) -> Result<u8> {
    let selection = if args.all {
        Selection::All
    } else if !args.only.is_empty() {
        let mut modules = Vec::new();
        for name in &args.only {
            let module = Module::parse(name).ok_or_else(|| {
                let names: Vec<&str> = Module::ALL.iter().map(|m| m.as_str()).collect();
                HbError::Usage(format!(
                    "unknown module {name:?}: expected one of {}",
                    names.join(", ")
                ))
            })?;
            modules.push(module);
        }
        Selection::Only(modules)
    } else {
        Selection::Due
    };
    let loaded = ctx.config()?.clone();
    let (path, now) = (ctx.store_path()?, ctx.clock.now_ts());
    let options = CycleOptions {
        selection,
        dry_run: args.dry_run,
        no_remediate: args.no_remediate,
        full: args.full,
        pid: i64::from(std::process::id()),
    };
    let report = cycle::heartbeat::run(&loaded, &path, now, &options)?;

    report.show(&ctx.out, ctx.global.verbose > 0)?;
    // The cycle completed: findings travel as notifications, not as an exit code.
    Ok(exit::OK)
}
