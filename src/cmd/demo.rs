//! `hb demo`

use anyhow::Result;

use super::Ctx;

pub fn run(_ctx: &mut Ctx, _args: crate::cli::DemoArgs) -> Result<u8> {
    super::not_yet("demo")
}
