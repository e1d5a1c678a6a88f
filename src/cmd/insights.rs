//! `hb insights`: what needs attention now. Reads only.

use anyhow::Result;

use super::Ctx;
use crate::cli::InsightsArgs;
use crate::exit;
use crate::view::insights;

pub fn run(ctx: &mut Ctx, args: InsightsArgs) -> Result<u8> {
    let store = ctx.read_store()?;
    let (limit, now) = (crate::cli::row_limit(args.limit), ctx.clock.now_ts());
    let insights = insights::insights(&store, &ctx.config()?.config, limit, now)?;
    ctx.out.show(&insights)?;
    Ok(exit::OK)
}
