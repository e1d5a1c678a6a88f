//! `hb generate-assets [DIR]` (hidden): write `completions/` and `man/` under DIR.
//!
//! Maintainers run `cargo run -- generate-assets` after changing the CLI and commit the
//! result; `tests/cli/ecosystem.rs` fails while the checked-in files are out of date.

use anyhow::Result;

use super::Ctx;
use crate::assets::{self, COMPLETIONS_DIR};
use crate::cli::GenerateAssetsArgs;
use crate::exit;

pub fn run(ctx: &mut Ctx, args: GenerateAssetsArgs) -> Result<u8> {
    let written = assets::write(&args.dir)?;
    if !ctx.out.quiet {
        eprintln!(
            "wrote {} files under {} ({} completions, {} man pages){}",
            written.files,
            args.dir
                .join(COMPLETIONS_DIR)
                .parent()
                .unwrap_or(&args.dir)
                .display(),
            assets::SHELLS.len(),
            written.files - assets::SHELLS.len(),
            if written.removed.is_empty() {
                String::new()
            } else {
                format!("; removed {}", written.removed.join(", "))
            }
        );
    }
    Ok(exit::OK)
}
