//! Relationship scores: how warm each contact is, from interaction recency and frequency.

use std::collections::BTreeSet;

use anyhow::Result;

use super::scan::{self, Scan};
use super::{Module, ModuleEnv, ModuleOutcome, SummaryItem};
use crate::alert::Priority;
use crate::clock::DAY_SECS;
use crate::config::Config;
use crate::notification::NotificationKind;
use crate::store::modules::ContactActivity;
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

/// The notification source of cooling relationships.
pub const SOURCE: &str = "relationships";

/// What the cooling findings depend on besides the interactions.
pub fn fingerprint(config: &Config) -> String {
    let cfg = &config.modules.relationships;
    format!(
        "window={} cooling_drop_percent={} renotify_after={}",
        cfg.window.as_secs(),
        cfg.cooling_drop_percent,
        super::renotify_after_secs(config)
    )
}

/// When a score `relationship_score(last_at, count, t)` rounded to `score` first rounds
/// lower as `t` passes with nothing else changing: recency halves every 14 days, so the
/// unrounded score drops below `score - 0.5` at one computable moment. Returned a minute
/// early (a re-score then is harmless; one after would be late). `None`: it never does.
fn decay_step(last_at: Option<i64>, count: i64, score: f64) -> Option<i64> {
    let last = last_at?;
    let frequency = 100.0 * (count as f64 / 12.0).min(1.0);
    let recency = (score - 0.5 - 0.3 * frequency) / 0.7;
    if recency <= 0.0 {
        return None;
    }
    let days = 14.0 * (100.0 / recency).log2();
    Some(last + (days * DAY_SECS as f64).floor() as i64 - 60)
}

/// The first moment after `now` at which what is reported about a contact (its score
/// and the score one `window` ago, both rounded) may change by itself: an interaction
/// entering or leaving the frequency window, now or as of a window ago, or a decay step
/// of either score. A contact is re-scored then, or when its interactions change.
pub fn next_change(
    times: &[i64],
    activity: &ContactActivity,
    score: f64,
    previous: f64,
    now: i64,
    window: i64,
) -> Option<i64> {
    let frequency = FREQUENCY_WINDOW_DAYS * DAY_SECS;
    let events = times.iter().flat_map(|&at| {
        [
            at,
            at + frequency + 1,
            at + window,
            at + window + frequency + 1,
        ]
    });
    let decays = [
        decay_step(activity.last_at, activity.recent_count, score),
        decay_step(activity.last_at_then, activity.recent_count_then, previous).map(|t| t + window),
    ];
    // A decay step due within its minute's margin is checked again at the next run.
    events
        .filter(|t| *t > now)
        .chain(decays.into_iter().flatten().map(|t| t.max(now + 1)))
        .min()
}

/// A contact's score now and one window ago, and its cooling notice if it is cooling.
fn assess(
    contact: &ContactActivity,
    env: &ModuleEnv,
    over: &str,
) -> (f64, f64, Option<NotificationDraft>) {
    let cfg = &env.config.modules.relationships;
    let then = env.now - cfg.window.as_secs();
    let score = relationship_score(contact.last_at, contact.recent_count, env.now);
    let previous = relationship_score(contact.last_at_then, contact.recent_count_then, then);
    let draft =
        is_cooling(Some(previous), score, cfg.cooling_drop_percent).then(|| NotificationDraft {
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
        });
    (score, previous, draft)
}

/// The score one comparison window ago is the same formula over the interactions known
/// up to then, so cooling compares two fixed points a window apart whatever the module's
/// cadence: scoring every 4 hours finds the same cooling contacts as scoring weekly. The
/// interactions are append-only facts; no score history is kept.
///
/// A full run scores every contact. An incremental one scores the contacts whose
/// interactions changed (the change watermark), those whose `next_change` came, and
/// those with a cooling notice due to be told again; every other contact reports what
/// it reported at the last run.
pub fn run(tx: &Tx<'_>, env: &ModuleEnv) -> Result<ModuleOutcome> {
    let config = env.config;
    let cfg = &config.modules.relationships;
    let window = cfg.window.as_secs();
    let then = env.now - window;
    let frequency = FREQUENCY_WINDOW_DAYS * DAY_SECS;
    let fingerprint = fingerprint(config);
    let scan::Start { mark, seq, scan } =
        scan::start(tx, env, Module::Relationships, &fingerprint)?;
    let over = crate::clock::format_duration(cfg.window.0);
    let mut reconciler = scan.reconciler(tx, SOURCE, env)?;
    let mut cooling = Vec::new();
    let mut scored = 0;
    let mut rows = 0;
    let mut score_one = |contact: &ContactActivity, times: &[i64]| -> Result<()> {
        let (score, previous, draft) = assess(contact, env, &over);
        let next = next_change(times, contact, score, previous, env.now, window);
        tx.save_contact_score(contact.contact_id, score, env.now, next)?;
        scored += 1;
        if let Some(draft) = draft {
            cooling.push(contact.contact_id);
            reconciler.add(&draft)?;
        }
        Ok(())
    };
    let transitions = match scan {
        Scan::Full(_) => {
            tx.each_contact_activity(env.now, then, frequency, |contact| {
                let times = tx.interaction_times(contact.contact_id)?;
                rows += times.len() + 1;
                score_one(&contact, &times)
            })?;
            reconciler.apply()?
        }
        Scan::Incremental { seen_seq, .. } => {
            let mut ids = BTreeSet::new();
            rows += tx.contacts_changed_since(seen_seq, &mut ids)?;
            rows += tx.contacts_due(env.now, &mut ids)?;
            for key in tx.keys_to_renotify(SOURCE, env.now.saturating_sub(env.renotify_after))? {
                if let Some(id) = key.strip_prefix("cooling:").and_then(|id| id.parse().ok()) {
                    ids.insert(id);
                    rows += 1;
                }
            }
            for &id in &ids {
                if let Some(contact) = tx.contact_activity_of(id, env.now, then, frequency)? {
                    let times = tx.interaction_times(id)?;
                    rows += times.len() + 1;
                    score_one(&contact, &times)?;
                }
            }
            let keys: Vec<String> = ids.iter().map(|id| format!("cooling:{id}")).collect();
            reconciler.apply_to_keys(&keys)?
        }
    };
    tx.set_watermark(
        Module::Relationships,
        &scan.next_mark(&mark, &fingerprint, seq, env.now),
    )?;
    let open = tx
        .open_counts_by_kind(SOURCE)?
        .iter()
        .map(|(_, n)| n)
        .sum::<i64>();
    cooling.truncate(super::KEPT);
    Ok(ModuleOutcome {
        findings: open,
        message: format!(
            "{}: scored {scored} contacts, {open} cooling",
            scan.describe()
        ),
        items: vec![SummaryItem::new(
            open,
            "cooling relationship",
            "cooling relationships",
            cooling,
        )],
        transitions,
        scan: Some((scan.kind(), rows as i64)),
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
