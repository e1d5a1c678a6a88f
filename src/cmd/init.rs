//! `hb init`

use anyhow::Result;

use super::Ctx;

pub fn run(_ctx: &mut Ctx, _args: crate::cli::InitArgs) -> Result<u8> {
    super::not_yet("init")
}
