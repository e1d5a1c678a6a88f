//! `hb schedule cron|systemd`: print timer entries for the two cadences.

use anyhow::{Context, Result};

use super::Ctx;
use crate::cli::ScheduleArgs;
use crate::exit;
use crate::timers::{self, Plan};
use crate::view::schedule;

pub fn run(ctx: &mut Ctx, args: ScheduleArgs) -> Result<u8> {
    let exe = std::env::current_exe()
        .context("could not find the path of the running hb binary: run it by its full path")?;
    let loaded = ctx.config()?.clone();
    // The timer's environment has no HB_DB: pass the store when it was given, or when no
    // config file names it.
    let db = if ctx.global.db.is_some() || loaded.path.is_none() {
        Some(timers::absolute(&ctx.store_path()?))
    } else {
        None
    };
    let plan = Plan {
        exe: timers::absolute(&exe),
        config: loaded.path.as_deref().map(timers::absolute),
        db,
        store: timers::absolute(&ctx.store_path()?),
        system: loaded.config.schedule.system.0,
        protocol: loaded.config.schedule.protocol.0,
    };
    ctx.out.show(&schedule::schedule(args.kind, &plan)?)?;
    Ok(exit::OK)
}
