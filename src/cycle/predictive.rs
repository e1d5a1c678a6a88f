//! Predictive: every property's close probability, recomputed in one SQL statement.
//!
//! [`close_probability`] is the rule; the store runs it as SQL over every property at
//! once, built from the constants here (a test compares the two on a generated store).

use std::collections::BTreeSet;

use anyhow::Result;

use super::scan::{self, Scan};
use super::{Module, ModuleEnv, ModuleOutcome, SummaryItem};
use crate::config::Config;
use crate::insights::{self, FindingKind};
use crate::pipeline::{Health, Stage};
use crate::store::{Transitions, Tx};

/// The score factor is `SCORE_BASE + score / SCORE_SPAN`, the score clamped to
/// `SCORE_RANGE`, and `UNSCORED` standing in for a missing score: 0.5 to 1.0.
pub const SCORE_BASE: f64 = 0.5;
pub const SCORE_SPAN: f64 = 200.0;
pub const SCORE_RANGE: (f64, f64) = (0.0, 100.0);
pub const UNSCORED: f64 = 50.0;

/// How likely a property of this stage is to close, before health and score.
pub fn stage_base(stage: Stage) -> f64 {
    match stage {
        Stage::New => 0.05,
        Stage::Enriched => 0.10,
        Stage::Researched => 0.20,
        Stage::WaitingForContracts => 0.50,
        // Every contract is done: certain, whatever its health or score.
        Stage::Complete => 1.0,
    }
}

pub fn health_factor(health: Health) -> f64 {
    match health {
        // On hold for a known reason: not rotting, so as likely as a healthy one.
        Health::Healthy | Health::Snoozed => 1.0,
        Health::Stale => 0.8,
        Health::Blocked => 0.5,
    }
}

pub fn score_factor(score: Option<f64>) -> f64 {
    let score = score.map_or(UNSCORED, |s| s.clamp(SCORE_RANGE.0, SCORE_RANGE.1));
    SCORE_BASE + score / SCORE_SPAN
}

/// Added before truncating to cents: a half, and a hair more so that a product that is a
/// half in decimal but a little less as a float (0.05 × 0.7 = 0.034999…) still rounds up.
pub const HALF_UP: f64 = 0.500_000_001;

/// Two decimals, half up, in the float operations the SQL does (`CAST(p * 100.0 +
/// HALF_UP AS INTEGER) / 100.0`), so both give the same bits. For `p` in 0..=1.
pub fn round_to_cents(p: f64) -> f64 {
    ((p * 100.0 + HALF_UP) as i64) as f64 / 100.0
}

/// close probability = stage base × health factor × score factor, capped at 1, two
/// decimals; a complete property is 1.0.
///
/// ```
/// use hb::pipeline::{Health, Stage};
/// use hb::predictive::close_probability;
///
/// // 0.50 × 0.8 × (0.5 + 80/200)
/// assert_eq!(close_probability(Stage::WaitingForContracts, Health::Stale, Some(80.0)), 0.36);
/// assert_eq!(close_probability(Stage::Complete, Health::Blocked, None), 1.0);
/// ```
pub fn close_probability(stage: Stage, health: Health, score: Option<f64>) -> f64 {
    let p = match stage {
        Stage::Complete => stage_base(stage),
        _ => stage_base(stage) * health_factor(health) * score_factor(score),
    };
    round_to_cents(p.min(1.0))
}

/// What close probabilities depend on besides the facts: the stale thresholds.
pub fn fingerprint(config: &Config) -> String {
    format!("{:?}", config.property.stale_days)
}

/// The rule of an incremental run: a property's probability moves only when its stage,
/// score or health does. Stage and score are facts (the change watermark); health moves
/// with time only when the property becomes stale (it entered its stage a stale
/// threshold ago) or blocked (an open contract's deadline passes), the moments of the
/// stale finding. Those properties are re-scored, and a new value is written only where
/// it differs from the stored one in its cents; every other property's stored
/// probability is what a full re-score would give.
pub fn run(tx: &Tx<'_>, env: &ModuleEnv) -> Result<ModuleOutcome> {
    let config = env.config;
    let stale = &config.property.stale_days;
    let fingerprint = fingerprint(config);
    let scan::Start { mark, seq, scan } = scan::start(tx, env, Module::Predictive, &fingerprint)?;
    let (changed, rows) = match scan {
        Scan::Full(_) => {
            let changed = tx.update_close_probabilities(stale, env.now)?;
            let rows = tx.count_by_stage()?.iter().map(|(_, n)| n).sum();
            (changed, rows)
        }
        Scan::Incremental { since, seen_seq } => {
            let mut ids = BTreeSet::new();
            let mut rows = tx.properties_changed_since(seen_seq, &mut ids)?;
            for moment in insights::moments(
                FindingKind::StaleProperty,
                &config.insights,
                stale,
                since,
                env.now,
            ) {
                rows += tx.properties_at(&moment, &mut ids)?;
            }
            (
                tx.update_close_probabilities_of(stale, env.now, &ids)?,
                rows as i64,
            )
        }
    };
    tx.set_watermark(
        Module::Predictive,
        &scan.next_mark(&mark, &fingerprint, seq, env.now),
    )?;
    let changed = changed as i64;
    Ok(ModuleOutcome {
        findings: 0,
        message: format!("{}: {changed} close probabilities changed", scan.describe()),
        items: vec![SummaryItem::new(
            changed,
            "close probability changed",
            "close probabilities changed",
            vec![],
        )],
        transitions: Transitions::default(),
        scan: Some((scan.kind(), rows)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_formula_of_the_readme() {
        // 0.50 × 0.8 × (0.5 + 80/200) = 0.36
        assert_eq!(
            close_probability(Stage::WaitingForContracts, Health::Stale, Some(80.0)),
            0.36
        );
        // No score: 0.75. 0.10 × 1.0 × 0.75 = 0.075, half up.
        assert_eq!(
            close_probability(Stage::Enriched, Health::Healthy, None),
            0.08
        );
        // Scores outside 0-100 count as their bound.
        assert_eq!(
            close_probability(Stage::Researched, Health::Blocked, Some(250.0)),
            0.1
        );
        assert_eq!(
            close_probability(Stage::New, Health::Healthy, Some(-40.0)),
            0.03
        );
        // Halves round up, as written, not as the float holds them: 0.05 × 0.7 = 0.035.
        assert_eq!(
            close_probability(Stage::New, Health::Healthy, Some(40.0)),
            0.04
        );
        // 0.5 × 0.5 × 0.5 = 0.125.
        assert_eq!(
            close_probability(Stage::WaitingForContracts, Health::Blocked, Some(0.0)),
            0.13
        );
        for health in [Health::Healthy, Health::Stale, Health::Blocked] {
            assert_eq!(close_probability(Stage::Complete, health, Some(0.0)), 1.0);
        }
    }
}
