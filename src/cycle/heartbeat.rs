//! One cycle as an invocation runs it (`hb cycle`, a timer, an assistant's trigger): the
//! dead-man pings around it and the metrics export after it; a dry run opens an existing
//! store, writes nothing and tells no one.

use std::path::Path;

use anyhow::Result;

use super::{run_cycle, CycleOptions, CycleReport};
use crate::config::Loaded;
use crate::deadman::{Deadman, Ping};
use crate::export;
use crate::store::Store;

/// Run one cycle on the store at `store_path` (created when needed, unless dry).
pub fn run(
    loaded: &Loaded,
    store_path: &Path,
    now: i64,
    options: &CycleOptions,
) -> Result<CycleReport> {
    if options.dry_run {
        // A dry run writes nothing, not even a new store, and tells no one.
        let mut store = Store::open_existing(store_path)?;
        return run_cycle(&mut store, loaded, now, options);
    }
    let deadman = Deadman::from_config(&loaded.config.deadman);
    if let Some(deadman) = &deadman {
        deadman.ping(Ping::Start);
    }
    let result = Store::open(store_path).and_then(|mut store| {
        let report = run_cycle(&mut store, loaded, now, options)?;
        if let Err(err) = export::write_textfile(loaded, &store, &report, now) {
            eprintln!(
                "warning: {err:#}: check [export] prometheus_textfile and that its directory \
                 exists and is writable (the cycle is unaffected)"
            );
        }
        Ok(report)
    });
    if let (Some(deadman), Some(ping)) = (&deadman, Ping::after(&result)) {
        deadman.ping(ping);
    }
    result
}
