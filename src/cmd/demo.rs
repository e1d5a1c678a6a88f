//! `hb demo`: a fresh, deterministic sample portfolio in its own store, a sample
//! application with a health protocol that watches it, then a look at both.

use std::io::IsTerminal;
use std::time::Duration;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};

use super::Ctx;
use crate::cli::DemoArgs;
use crate::config;
use crate::demo::sandbox;
use crate::exit::{self, HbError};
use crate::output::{self, Output};
use crate::store::LoadStep;
use crate::view;

pub fn run(ctx: &mut Ctx, args: DemoArgs) -> Result<u8> {
    if args.properties == 0 {
        return Err(HbError::Usage("--properties must be at least 1".into()).into());
    }
    let dir = match args.dir {
        Some(dir) => dir,
        None => config::data_dir()?.join("demo"),
    };
    let now = ctx.clock.now_ts();
    let bar = progress_bar(&ctx.out, u64::from(args.properties));
    let built = sandbox::build(&dir, args.properties, now, |step| match step {
        LoadStep::Properties(n) => bar.set_position(n),
        LoadStep::Indexes if !bar.is_hidden() => {
            // The last few seconds of a big load have no count to show.
            if let Ok(style) =
                ProgressStyle::with_template("{spinner} building indexes ({elapsed})")
            {
                bar.set_style(style);
            }
            bar.enable_steady_tick(Duration::from_millis(120));
        }
        LoadStep::Indexes => {}
    })?;
    bar.finish_and_clear();
    let (sandbox, config, store) = (&built.sandbox, &built.loaded.config, &built.store);
    if ctx.out.json || ctx.out.quiet {
        ctx.out.show(sandbox)?;
        return Ok(exit::OK);
    }
    sandbox.show_summary(ctx.global.db.is_some())?;

    // Then the demo as the operator will see it: its insights, one property, the board.
    output::print("")?;
    let insights = view::insights::insights(store, config, Some(10), now)
        .context("the demo store is ready, but its insights could not be shown")?;
    ctx.out.show(&insights)?;
    let (id, why) = sandbox::featured(store, &config.property.stale_days, now)?;
    output::print(format!(
        "\nOne property heartbeat ({why}): hb property {id}"
    ))?;
    ctx.out
        .show(&view::property::heartbeat(store, config, id, now)?)?;
    output::print("")?;
    ctx.out.show(sandbox)?;
    Ok(exit::OK)
}

/// A bar on stderr for people watching; nothing for scripts, `-q` or `--json`.
fn progress_bar(out: &Output, len: u64) -> ProgressBar {
    if out.json || out.quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template(
        "writing demo properties {bar:40} {human_pos}/{human_len} ({eta} left)",
    ) {
        bar.set_style(style);
    }
    bar
}
