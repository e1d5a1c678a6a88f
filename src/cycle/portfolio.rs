//! Portfolio: the findings of `hb insights`, as notifications.

use std::collections::BTreeMap;

use anyhow::Result;

use super::{ModuleEnv, ModuleOutcome, SummaryItem};
use crate::insights::{self, FindingKind};
use crate::store::{NotificationDraft, Tx};

pub fn run(tx: &Tx<'_>, env: &ModuleEnv) -> Result<ModuleOutcome> {
    let config = env.config;
    let mut reconciler = tx.reconciler("portfolio", env.now, env.renotify_after, env.run_id);
    let mut per_kind: BTreeMap<usize, (FindingKind, i64, Vec<i64>)> = BTreeMap::new();
    let mut order = Vec::new();
    let mut total = 0;
    insights::scan(
        tx,
        &config.insights,
        &config.property.stale_days,
        env.now,
        None,
        |finding| {
            total += 1;
            let slot = match order.iter().position(|k| *k == finding.kind) {
                Some(i) => i,
                None => {
                    order.push(finding.kind);
                    order.len() - 1
                }
            };
            let entry = per_kind
                .entry(slot)
                .or_insert((finding.kind, 0, Vec::new()));
            entry.1 += 1;
            if entry.2.len() < super::KEPT && !entry.2.contains(&finding.property_id) {
                entry.2.push(finding.property_id);
            }
            let once = !finding.kind.renotifies();
            let draft = NotificationDraft {
                message: format!("{} ({})", finding.subject, finding.address),
                dedup_key: finding.dedup_key,
                kind: finding.kind.into(),
                priority: finding.priority,
                subject: finding.subject,
                property_id: Some(finding.property_id),
            };
            // The deadline ladder tells each step once: never again on a timer.
            if once {
                reconciler.add_once(&draft)
            } else {
                reconciler.add(&draft)
            }
        },
    )?;
    let transitions = reconciler.apply()?;
    let items = per_kind
        .into_values()
        .map(|(kind, count, ids)| SummaryItem::new(count, kind.singular(), kind.plural(), ids))
        .collect();
    Ok(ModuleOutcome {
        findings: total,
        message: format!("{total} findings"),
        items,
        transitions,
    })
}
