//! Predictive: every property's close probability, recomputed in one SQL statement.
//!
//! close_probability = stage base × health factor × score factor, capped at 1, 2 decimals:
//! stage base new 0.05, enriched 0.10, researched 0.20, waiting_for_contracts 0.50
//! (complete is 1.0: every contract is done); health factor blocked 0.5, stale 0.8,
//! healthy 1.0; score factor 0.5 + score/200 (0.75 without a score).

use anyhow::Result;

use super::{ModuleEnv, ModuleOutcome, SummaryItem};
use crate::store::modules::{self as sql};
use crate::store::Store;
use crate::store::Transitions;

pub fn run(store: &Store, env: &ModuleEnv) -> Result<ModuleOutcome> {
    let conn = store.conn();
    let changed =
        sql::update_close_probabilities(conn, &env.config.property.stale_days, env.now)? as i64;
    Ok(ModuleOutcome {
        findings: 0,
        message: format!("{changed} close probabilities changed"),
        items: vec![SummaryItem::new(
            changed,
            "close probability changed",
            "close probabilities changed",
            vec![],
        )],
        transitions: Transitions::default(),
    })
}
