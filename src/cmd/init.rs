//! `hb init`: write the commented config and create the store it names.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::Serialize;

use super::Ctx;
use crate::cli::InitArgs;
use crate::config;
use crate::exit;
use crate::output;
use crate::store::Store;

/// The shipped example config; `hb init` writes exactly this, so there is one source.
pub const SHIPPED_CONFIG: &str = include_str!("../../heartbeat.toml");

#[derive(Debug, Serialize)]
struct InitOut {
    config: PathBuf,
    /// True when an existing config was replaced (`--force`).
    config_replaced: bool,
    store: PathBuf,
    /// False when the store already existed: it is kept, only migrated.
    store_created: bool,
}

pub fn run(ctx: &mut Ctx, args: InitArgs) -> Result<u8> {
    // Not `ctx.config()`: that refuses a --config file that does not exist yet.
    let config_path = ctx
        .global
        .config
        .clone()
        .unwrap_or_else(|| PathBuf::from(config::FILE_NAME));
    let existed = config_path.exists();
    if existed && !args.force {
        bail!(
            "config {} already exists: use --force to overwrite it (the store is kept)",
            config_path.display()
        );
    }
    write_config(&config_path, SHIPPED_CONFIG)?;

    // Resolve the store as every later command will: --db/HB_DB, else the config's path.
    let loaded = config::load_file(&config_path)?;
    let store_path = loaded.store_path(ctx.global.db.as_deref())?;
    let store_created = !store_path.exists();
    let store = Store::open(&store_path)?;
    let store_path = absolute(store.path());
    let config_path = loaded.path.clone().unwrap_or(config_path);

    let out = InitOut {
        config: config_path,
        config_replaced: existed,
        store: store_path,
        store_created,
    };
    if ctx.out.json {
        output::print_json(&out)?;
    } else if !ctx.out.quiet {
        let verb = if out.config_replaced {
            "overwrote"
        } else {
            "wrote"
        };
        output::print(format!("{verb} config {}", out.config.display()))?;
        if out.store_created {
            output::print(format!("created store {}", out.store.display()))?;
        } else {
            output::print(format!("kept existing store {}", out.store.display()))?;
        }
    }
    Ok(exit::OK)
}

/// Write `text` to `path`, creating its directory.
pub(crate) fn write_config(path: &Path, text: &str) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("could not create directory {}", dir.display()))?;
    }
    std::fs::write(path, text).with_context(|| format!("could not write config {}", path.display()))
}

/// The path as the operator can reuse it from any directory.
pub(crate) fn absolute(path: &Path) -> PathBuf {
    std::fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::duration::Span;

    /// The shipped file parses, and its values are the built-in defaults it says they are.
    #[test]
    fn shipped_config_parses_and_matches_the_defaults() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(config::FILE_NAME);
        let loaded = config::load_file(&path).expect("shipped heartbeat.toml parses");
        let shipped = loaded.config;
        let defaults = Config::default();
        assert_eq!(shipped.store.path, Some(PathBuf::from("heartbeat.db")));
        assert_eq!(shipped.store.retention_days, defaults.store.retention_days);
        assert_eq!(shipped.schedule.system, defaults.schedule.system);
        assert_eq!(shipped.schedule.protocol, defaults.schedule.protocol);
        assert_eq!(shipped.property.stale_days, defaults.property.stale_days);
        assert_eq!(shipped.insights, defaults.insights);
        let m = &shipped.modules;
        let d = &defaults.modules;
        for (name, got, want) in [
            ("portfolio", m.portfolio.every, d.portfolio.every),
            ("market", m.market.every, d.market.every),
            (
                "relationships",
                m.relationships.every,
                d.relationships.every,
            ),
            ("system", m.system.every, d.system.every),
            ("predictive", m.predictive.every, d.predictive.every),
            ("scheduled", m.scheduled.every, d.scheduled.every),
        ] {
            assert_eq!(got, want, "modules.{name}.every");
        }
        assert_eq!(m.market.price_window, Span::secs(30 * 86_400));
        assert_eq!(m.market.price_shift_percent, d.market.price_shift_percent);
        assert_eq!(
            m.relationships.cooling_drop_percent,
            d.relationships.cooling_drop_percent
        );
        // The example protocol is there; no alert is sent until the operator routes one.
        assert_eq!(shipped.check.len(), 25);
        assert!(shipped.alerts.channels().is_empty());
    }
}
