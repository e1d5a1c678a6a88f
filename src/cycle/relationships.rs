//! Relationship scores: how warm each contact is, from interaction recency and frequency.

use anyhow::Result;

use super::{ModuleEnv, ModuleOutcome, SummaryItem};
use crate::alert::Priority;
use crate::clock::DAY_SECS;
use crate::notification::NotificationKind;
use crate::store::{NotificationDraft, Tx};

/// Interactions counted for frequency: the last 90 days.
pub const FREQUENCY_WINDOW_DAYS: i64 = 90;

/// score = 0.7 × recency + 0.3 × frequency, rounded, 0-100, where
/// recency = 100 × 0.5^(days since the last interaction / 14) (half-life two weeks) and
/// frequency = 100 × min(1, interactions in the last 90 days / 12) (monthly contact = full).
/// A contact never contacted scores 0.
pub fn relationship_score(last_at: Option<i64>, recent_count: i64, now: i64) -> f64 {
    let Some(last) = last_at else { return 0.0 };
    let days = (now - last).max(0) as f64 / DAY_SECS as f64;
    let recency = 100.0 * 0.5_f64.powf(days / 14.0);
    let frequency = 100.0 * (recent_count as f64 / 12.0).min(1.0);
    (0.7 * recency + 0.3 * frequency).round()
}

/// Cooling: the score fell by `drop_percent` or more against the score of one comparison
/// window ago (`[modules.relationships] window`).
pub fn is_cooling(previous: Option<f64>, current: f64, drop_percent: f64) -> bool {
    match previous {
        Some(prev) if prev > 0.0 => (prev - current) / prev * 100.0 >= drop_percent,
        _ => false,
    }
}

/// The score one comparison window ago is the same formula over the interactions known
/// up to then, so cooling compares two fixed points a window apart whatever the module's
/// cadence: scoring every 4 hours finds the same cooling contacts as scoring weekly. The
/// interactions are append-only facts; no score history is kept.
pub fn run(tx: &Tx<'_>, env: &ModuleEnv) -> Result<ModuleOutcome> {
    let cfg = &env.config.modules.relationships;
    let window = cfg.window.as_secs();
    let then = env.now - window;
    let contacts = tx.contact_activity(env.now, then, FREQUENCY_WINDOW_DAYS * DAY_SECS)?;
    let over = crate::clock::format_duration(cfg.window.0);
    let mut reconciler = tx.reconciler("relationships", env.now, env.renotify_after, env.run_id);
    let mut cooling = Vec::new();
    for contact in &contacts {
        let score = relationship_score(contact.last_at, contact.recent_count, env.now);
        let previous = relationship_score(contact.last_at_then, contact.recent_count_then, then);
        tx.save_contact_score(contact.contact_id, score, env.now)?;
        if is_cooling(Some(previous), score, cfg.cooling_drop_percent) {
            cooling.push(contact.contact_id);
            reconciler.add(&NotificationDraft {
                dedup_key: format!("cooling:{}", contact.contact_id),
                kind: NotificationKind::CoolingRelationship,
                priority: Priority::Medium,
                subject: format!(
                    "Relationship with {} is cooling: score {previous:.0} -> {score:.0} over {over}",
                    contact.name
                ),
                message: format!(
                    "Contact #{} {} scores {score:.0}, down from {previous:.0} {over} ago.",
                    contact.contact_id, contact.name
                ),
                property_id: None,
            })?;
        }
    }
    let transitions = reconciler.apply()?;
    Ok(ModuleOutcome {
        findings: cooling.len() as i64,
        message: format!(
            "scored {} contacts, {} cooling",
            contacts.len(),
            cooling.len()
        ),
        items: vec![SummaryItem::new(
            cooling.len() as i64,
            "cooling relationship",
            "cooling relationships",
            cooling,
        )],
        transitions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_formula() {
        let now = 1_000 * DAY_SECS;
        assert_eq!(relationship_score(None, 0, now), 0.0);
        assert_eq!(relationship_score(Some(now), 12, now), 100.0);
        // Two weeks of silence halves recency: 0.7 × 50 + 0.3 × 50 = 50.
        assert_eq!(relationship_score(Some(now - 14 * DAY_SECS), 6, now), 50.0);
    }

    #[test]
    fn cooling_threshold() {
        assert!(is_cooling(Some(50.0), 45.0, 10.0));
        assert!(!is_cooling(Some(50.0), 45.5, 10.0));
        assert!(!is_cooling(None, 0.0, 10.0));
        assert!(!is_cooling(Some(0.0), 0.0, 10.0));
    }
}
