//! `hb mcp`: serve the read model (and, when allowed, the writes) to an assistant over
//! the Model Context Protocol on stdio, until stdin closes.

use anyhow::Result;

use super::Ctx;
use crate::cli::McpArgs;
use crate::exit;
use crate::mcp::{self, Settings};

pub fn run(ctx: &mut Ctx, args: McpArgs) -> Result<u8> {
    let loaded = ctx.config()?.clone();
    let store_path = ctx.store_path()?;
    let allow_writes = args.allow_writes || loaded.config.mcp.allow_writes;
    mcp::serve(Settings {
        loaded,
        store_path,
        clock: ctx.clock,
        allow_writes,
        quiet: ctx.global.quiet,
    })?;
    Ok(exit::OK)
}
