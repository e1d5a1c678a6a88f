//! `hb insights`: what needs attention now, highest priority first. Reads only.

use std::collections::BTreeMap;

use anyhow::Result;
use serde::Serialize;

use crate::clock::format_opt;
use crate::config::Config;
use crate::insights::{self, Finding, FindingKind};
use crate::store::Store;

/// `hb insights --json`.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Insights {
    pub generated_at: String,
    /// Every finding, whatever the limit.
    pub total: i64,
    pub counts: BTreeMap<&'static str, i64>,
    /// The answer in one spoken sentence: how many things, of which kinds (`hb mcp` says it).
    pub voice_summary: String,
    /// The most urgent findings, at most the limit.
    pub findings: Vec<InsightFinding>,
    /// Findings per kind, in priority order (the table's summary line).
    #[serde(skip)]
    pub by_kind: Vec<(FindingKind, i64)>,
    /// Properties on hold until a resume date: not findings, listed so they are not lost.
    pub snoozed: Snoozed,
}

/// The properties snoozed now, soonest resume first.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Snoozed {
    pub total: u64,
    /// At most [`SNOOZED_LISTED`].
    pub properties: Vec<SnoozedEntry>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct SnoozedEntry {
    pub property_id: i64,
    pub address: String,
    pub snoozed_until: String,
    pub snooze_reason: Option<String>,
}

/// How many snoozed properties the insights list.
pub const SNOOZED_LISTED: usize = 20;

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct InsightFinding {
    #[serde(flatten)]
    pub finding: Finding,
    pub since: Option<String>,
}

/// Every finding at `now`, counted; the `limit` most urgent listed (None: all).
pub fn insights(
    store: &Store,
    config: &Config,
    limit: Option<usize>,
    now: i64,
) -> Result<Insights> {
    let (cfg, stale) = (&config.insights, &config.property.stale_days);
    let by_kind = insights::counts(store, cfg, stale, now)?;
    // The top `limit` overall are among the top `limit` of each kind.
    let mut findings = Vec::new();
    insights::scan(store, cfg, stale, now, limit, |found| {
        findings.push(found.into_finding());
        Ok(())
    })?;
    most_urgent_first(&mut findings);
    if let Some(limit) = limit {
        findings.truncate(limit);
    }
    let (snoozed_total, snoozed) = store.snoozed_properties(now, Some(SNOOZED_LISTED))?;
    let total = by_kind.iter().map(|(_, n)| n).sum();
    Ok(Insights {
        generated_at: crate::clock::format_ts(now),
        total,
        counts: by_kind.iter().map(|(k, n)| (k.as_str(), *n)).collect(),
        voice_summary: crate::voice::insights(total, &by_kind, snoozed_total),
        findings: findings
            .into_iter()
            .map(|finding| InsightFinding {
                since: format_opt(finding.since),
                finding,
            })
            .collect(),
        by_kind,
        snoozed: Snoozed {
            total: snoozed_total,
            properties: snoozed
                .into_iter()
                .map(|p| SnoozedEntry {
                    property_id: p.id,
                    address: p.address,
                    snoozed_until: crate::clock::format_ts(p.until),
                    snooze_reason: p.reason,
                })
                .collect(),
        },
    })
}

/// Highest priority first; within a priority, the oldest condition first, then by property.
pub fn most_urgent_first(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        b.priority
            .cmp(&a.priority)
            .then(
                a.since
                    .unwrap_or(i64::MIN)
                    .cmp(&b.since.unwrap_or(i64::MIN)),
            )
            .then(a.property_id.cmp(&b.property_id))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alert::Priority;

    fn finding(kind: FindingKind, property_id: i64, since: Option<i64>) -> Finding {
        Finding {
            kind,
            priority: kind.priority(),
            property_id,
            contract_id: None,
            address: String::new(),
            subject: String::new(),
            since,
            dedup_key: format!("{}:{property_id}", kind.as_str()),
        }
    }

    #[test]
    fn findings_sort_by_priority_then_age_then_property() {
        let mut findings = vec![
            finding(FindingKind::MissingEnrichment, 1, Some(10)),
            finding(FindingKind::StaleProperty, 7, Some(50)),
            finding(FindingKind::StaleProperty, 3, Some(20)),
            finding(FindingKind::BlockedProperty, 9, None),
            finding(FindingKind::StaleProperty, 2, Some(20)),
        ];
        most_urgent_first(&mut findings);
        let order: Vec<(Priority, i64)> = findings
            .iter()
            .map(|f| (f.priority, f.property_id))
            .collect();
        assert_eq!(
            order,
            [
                (Priority::High, 9),
                (Priority::Medium, 2),
                (Priority::Medium, 3),
                (Priority::Medium, 7),
                (Priority::Low, 1),
            ]
        );
    }
}
