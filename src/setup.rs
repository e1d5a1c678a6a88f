//! Setting hb up in a place: `hb init` writes the commented config and creates the store
//! it names; `hb demo` writes its own config the same way.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::Serialize;

use crate::config;
use crate::store::Store;

/// The shipped example config; `hb init` writes exactly this, so there is one source.
pub const SHIPPED_CONFIG: &str = include_str!("../heartbeat.toml");

/// What `hb init` did (`--json`).
#[derive(Debug, Serialize)]
pub struct Initialized {
    pub config: PathBuf,
    /// True when an existing config was replaced (`--force`).
    pub config_replaced: bool,
    pub store: PathBuf,
    /// False when the store already existed: it is kept, only migrated.
    pub store_created: bool,
}

/// Write the shipped config to `config_path` (an existing one only with `force`) and
/// create the store it names, or `db` (`--db`/`HB_DB`) as every later command will; an
/// existing store is kept and migrated.
pub fn init(config_path: &Path, force: bool, db: Option<&Path>) -> Result<Initialized> {
    let existed = config_path.exists();
    if existed && !force {
        bail!(
            "config {} already exists: use --force to overwrite it (the store is kept)",
            config_path.display()
        );
    }
    write_config(config_path, SHIPPED_CONFIG)?;
    let loaded = config::load_file(config_path)?;
    let store_path = loaded.store_path(db)?;
    let store_created = !store_path.exists();
    let store = Store::open(&store_path)?;
    Ok(Initialized {
        config: loaded.path.clone().unwrap_or(config_path.to_path_buf()),
        config_replaced: existed,
        store: canonical(store.path()),
        store_created,
    })
}

/// Write `text` to `path`, creating its directory.
pub fn write_config(path: &Path, text: &str) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("could not create directory {}", dir.display()))?;
    }
    std::fs::write(path, text).with_context(|| format!("could not write config {}", path.display()))
}

/// The path as the operator can reuse it from any directory: resolved on disk (links
/// followed), else made absolute (`timers::absolute` never touches the disk).
pub fn canonical(path: &Path) -> PathBuf {
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
        assert_eq!(shipped.check.len(), 28);
        assert!(
            shipped.runlog.is_none(),
            "the runlog is the operator's choice"
        );
        assert!(shipped.alerts.channels().is_empty());
    }
}
