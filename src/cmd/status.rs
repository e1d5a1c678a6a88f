//! `hb status`: is the heartbeat alive, what did it find, what is open. Exits Nagios-style.

use anyhow::Result;

use super::Ctx;
use crate::cli::StatusArgs;
use crate::exit::HbError;
use crate::view::status;

pub fn run(ctx: &mut Ctx, args: StatusArgs) -> Result<u8> {
    let window = crate::duration::ANY
        .parse(&args.window)
        .map_err(|e| HbError::Usage(format!("--window: {e:#}")))?;
    let (store, path, now) = (
        ctx.read_store_if_any()?,
        ctx.store_path()?,
        ctx.clock.now_ts(),
    );
    let config = &ctx.config()?.config;
    let report = status::report(store.as_ref(), &path, config, now, window)?;
    ctx.out.show(&report)?;
    Ok(report.status().exit_code())
}
