//! System: the health checks of the protocol (filled by the checks engine).

use anyhow::Result;

use super::{ModuleEnv, ModuleOutcome};
use crate::store::Store;

pub fn run(_store: &Store, env: &ModuleEnv) -> Result<ModuleOutcome> {
    let configured = env.config.check.len();
    Ok(ModuleOutcome {
        message: if configured == 0 {
            "no checks configured".into()
        } else {
            format!("{configured} checks configured")
        },
        ..ModuleOutcome::default()
    })
}
