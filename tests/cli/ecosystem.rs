//! Completions and man pages, timers, the Prometheus textfile, the dead-man's switch, and
//! the output conventions every command follows.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::Hb;

/// Every file under `dir`, by path relative to it.
fn files_under(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    for sub in ["completions", "man"] {
        let Ok(entries) = std::fs::read_dir(dir.join(sub)) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("dir entry").path();
            let content = std::fs::read(&path).expect("read generated file");
            let relative = path.strip_prefix(dir).expect("under dir").to_path_buf();
            files.insert(relative, content);
        }
    }
    files
}

#[test]
fn completions_and_man_pages_match_the_cli() {
    let hb = Hb::new();
    let out = hb.path("assets");
    hb.ok(&["generate-assets", out.to_str().unwrap()]);
    let generated = files_under(&out);
    let checked_in = files_under(Path::new(env!("CARGO_MANIFEST_DIR")));
    assert!(
        generated.keys().any(|p| p.ends_with("hb.1"))
            && generated.keys().any(|p| p.ends_with("hb.bash")),
        "{:?}",
        generated.keys()
    );
    let mut problems = Vec::new();
    for (path, content) in &generated {
        match checked_in.get(path) {
            None => problems.push(format!("missing: {}", path.display())),
            Some(ours) if ours != content => problems.push(format!("differs: {}", path.display())),
            Some(_) => {}
        }
    }
    for path in checked_in.keys().filter(|p| !generated.contains_key(*p)) {
        problems.push(format!("no longer generated: {}", path.display()));
    }
    assert!(
        problems.is_empty(),
        "completions/ and man/ are out of date with the CLI:\n  {}\n\
         regenerate them with `cargo run -- generate-assets` (from the repository root) and commit the result",
        problems.join("\n  ")
    );
}

#[test]
fn generate_assets_is_hidden() {
    let hb = Hb::new();
    let help = hb.ok(&["--help"]);
    assert!(!help.contains("generate-assets"), "{help}");
}
