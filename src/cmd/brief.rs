//! `hb brief`: the daily brief as it reads now. Reads only; the cycle sends it.

use anyhow::Result;

use super::Ctx;
use crate::exit;
use crate::view::brief;

pub fn run(ctx: &mut Ctx) -> Result<u8> {
    let store = ctx.read_store()?;
    let now = ctx.clock.now_ts();
    let doc = brief::brief(&store, &ctx.config()?.config, now)?;
    ctx.out.show(&doc)?;
    Ok(exit::OK)
}
