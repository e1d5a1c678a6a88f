//! `hb cycle`: one system-heartbeat cycle, as cron or a timer runs it.

use std::io::IsTerminal;

use anyhow::Result;

use super::Ctx;
use crate::cli::CycleArgs;
use crate::cycle::{self, CycleOptions, Module, Selection};
use crate::deadman::{Deadman, Ping};
use crate::exit::{self, HbError};
use crate::store::Store;
use crate::{export, output};

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
    let path = ctx.store_path()?;
    let now = ctx.clock.now_ts();
    let options = CycleOptions {
        selection,
        dry_run: args.dry_run,
        no_remediate: args.no_remediate,
        full: args.full,
        pid: i64::from(std::process::id()),
    };
    let report = if args.dry_run {
        // A dry run writes nothing, not even a new store, and tells no one.
        let mut store = Store::open_existing(&path)?;
        cycle::run_cycle(&mut store, &loaded, now, &options)?
    } else {
        let deadman = Deadman::from_config(&loaded.config.deadman);
        if let Some(deadman) = &deadman {
            deadman.ping(Ping::Start);
        }
        let result = Store::open(&path).and_then(|mut store| {
            let report = cycle::run_cycle(&mut store, &loaded, now, &options)?;
            if let Err(err) = export::write_textfile(&loaded, &store, &report, now) {
                eprintln!(
                    "warning: {err:#}: check [export] prometheus_textfile and that its directory \
                     exists and is writable (the cycle is unaffected)"
                );
            }
            Ok(report)
        });
        if let (Some(deadman), Some(ping)) = (&deadman, Ping::after(&result)) {
            deadman.ping(ping);
        }
        result?
    };

    // Even with -q: cron must mail it.
    for warning in &report.warnings {
        eprintln!("warning: {warning}");
    }
    if ctx.out.json {
        output::print_json(&report)?;
    } else if !ctx.out.quiet
        || report.status != crate::store::RunStatus::Ok
        || report.alerts.failed > 0
        || report.alerts.error.is_some()
    {
        // A terminal gets a line per module that fits it; cron mail the one line.
        let terminal = std::io::stdout().is_terminal();
        if terminal && ctx.global.verbose == 0 {
            for line in report.terminal_lines(cycle::TERMINAL_WIDTH) {
                output::print(line)?;
            }
        } else {
            output::print(report.summary_line())?;
        }
        if ctx.global.verbose > 0 {
            for m in &report.modules {
                output::print(format!(
                    "  {:<13} {:<7} {:>6} ms  {}",
                    m.module.as_str(),
                    m.status,
                    m.duration_ms,
                    m.message
                ))?;
                // Every id the module kept, for the operator to work through.
                for item in m.items.iter().filter(|i| i.count > 0) {
                    output::print(format!("      {}", item.render_all()))?;
                }
            }
        }
    }
    // The cycle completed: findings travel as notifications, not as an exit code.
    Ok(exit::OK)
}
