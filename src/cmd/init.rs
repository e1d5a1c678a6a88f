//! `hb init`: write the commented config and create the store it names.

use std::path::PathBuf;

use anyhow::Result;

use super::Ctx;
use crate::cli::InitArgs;
use crate::config;
use crate::exit;
use crate::setup;

pub fn run(ctx: &mut Ctx, args: InitArgs) -> Result<u8> {
    // Not `ctx.config()`: that refuses a --config file that does not exist yet.
    let config_path = ctx
        .global
        .config
        .clone()
        .unwrap_or_else(|| PathBuf::from(config::FILE_NAME));
    let initialized = setup::init(&config_path, args.force, ctx.global.db.as_deref())?;
    ctx.out.show(&initialized)?;
    Ok(exit::OK)
}
