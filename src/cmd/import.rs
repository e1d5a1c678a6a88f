//! `hb import`

use anyhow::Result;

use super::Ctx;

pub fn run(_ctx: &mut Ctx, _args: crate::cli::ImportArgs) -> Result<u8> {
    super::not_yet("import")
}
