//! `hb generate-assets [DIR]` (hidden): write `completions/` and `man/` under DIR.
//!
//! Maintainers run `cargo run -- generate-assets` after changing the CLI and commit the
//! result; `tests/cli/ecosystem.rs` fails while the checked-in files are out of date.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::Ctx;
use crate::assets::{self, COMPLETIONS_DIR, MAN_DIR};
use crate::cli::GenerateAssetsArgs;
use crate::exit;

pub fn run(ctx: &mut Ctx, args: GenerateAssetsArgs) -> Result<u8> {
    let generated = assets::render()?;
    for dir in [COMPLETIONS_DIR, MAN_DIR] {
        let dir = args.dir.join(dir);
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("could not create {}: check DIR", dir.display()))?;
    }
    let mut written = BTreeSet::new();
    for asset in &generated {
        let path = args.dir.join(&asset.path);
        std::fs::write(&path, &asset.content)
            .with_context(|| format!("could not write {} (is DIR writable?)", path.display()))?;
        written.insert(path);
    }
    // A removed subcommand must not leave its page behind.
    let removed = remove_stale_pages(&args.dir.join(MAN_DIR), &written)?;
    if !ctx.out.quiet {
        eprintln!(
            "wrote {} files under {} ({} completions, {} man pages){}",
            generated.len(),
            args.dir
                .join(COMPLETIONS_DIR)
                .parent()
                .unwrap_or(&args.dir)
                .display(),
            assets::SHELLS.len(),
            generated.len() - assets::SHELLS.len(),
            if removed.is_empty() {
                String::new()
            } else {
                format!("; removed {}", removed.join(", "))
            }
        );
    }
    Ok(exit::OK)
}

fn remove_stale_pages(dir: &Path, written: &BTreeSet<PathBuf>) -> Result<Vec<String>> {
    let mut removed = Vec::new();
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("could not list {}", dir.display()))?;
    for entry in entries {
        let path = entry?.path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let ours = name == "hb.1" || (name.starts_with("hb-") && name.ends_with(".1"));
        if ours && !written.contains(&path) {
            std::fs::remove_file(&path)
                .with_context(|| format!("could not remove stale page {}", path.display()))?;
            removed.push(name);
        }
    }
    removed.sort();
    Ok(removed)
}
