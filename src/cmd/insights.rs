//! `hb insights`: what needs attention now. Reads only.

use anyhow::Result;

use super::Ctx;
use crate::cli::InsightsArgs;
use crate::exit;
use crate::view::insights;

pub fn run(ctx: &mut Ctx, args: InsightsArgs) -> Result<u8> {
    let store = ctx.read_store()?;
    let (limit, now) = (crate::cli::row_limit(args.limit), ctx.clock.now_ts());
    if args.print_sql {
        let config = &ctx.config()?.config;
        let sql =
            crate::insights::scan_sql(&store, &config.insights, &config.property.stale_days, now)?;
        crate::output::print(sql.join("\n"))?;
        return Ok(exit::OK);
    }
    let insights = insights::insights(&store, &ctx.config()?.config, limit, now)?;
    ctx.out.show(&insights)?;
    Ok(exit::OK)
}
