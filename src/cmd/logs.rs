//! `hb logs [RUN_ID]`: the run log.

use anyhow::Result;

use super::Ctx;
use crate::cli::LogsArgs;
use crate::exit::{self, HbError};
use crate::output;
use crate::store::RunFilter;
use crate::view::logs;

pub fn run(ctx: &mut Ctx, args: LogsArgs) -> Result<u8> {
    let store = ctx.read_store()?;
    if let Some(id) = args.run_id {
        let detail = logs::run(&store, id)?;
        if args.ndjson {
            output::print_json_line(&detail)?;
        } else {
            ctx.out.show(&detail)?;
        }
        return Ok(exit::OK);
    }

    let since = args
        .since
        .as_deref()
        .map(|s| {
            crate::duration::ANY
                .parse(s)
                .map_err(|e| HbError::Usage(format!("--since: {e:#}")))
        })
        .transpose()?
        .map(|d| ctx.clock.now_ts().saturating_sub(d.as_secs() as i64));
    let filter = RunFilter {
        since,
        status: args.status,
        module: args.module,
        check: args.check,
        limit: crate::cli::row_limit(args.limit),
    };
    let list = logs::runs(&store, &ctx.config()?.config, &filter)?;
    if args.ndjson {
        for run in &list.runs {
            if output::stdout_closed() {
                break;
            }
            output::print_json_line(run)?;
        }
    } else {
        ctx.out.show(&list)?;
    }
    Ok(exit::OK)
}
