//! Portfolio: the findings of `hb insights`, as notifications.
//!
//! A full reconcile streams every finding and resolves the open notices it did not see.
//! An incremental run re-checks only the properties that changed since the last run
//! (the change watermark), those with a finding's moment in `(last run, now]`
//! (`insights::moments`), and those with a notice due to be told again; every other
//! property's findings are what they were. A randomized test holds the two to the same
//! notifications.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Result;

use super::scan::{self, Scan, ScanKind};
use super::{Module, ModuleEnv, ModuleOutcome, SummaryItem};
use crate::alert::Priority;
use crate::config::Config;
use crate::insights::{self, Finding, FindingKind, Found};
use crate::notification::NotificationKind;
use crate::store::{Draftable, NotificationDraft, Reconciler, Tx};

/// The notification source of the portfolio's findings.
pub const SOURCE: &str = "portfolio";

/// What the portfolio's findings depend on besides the facts: a change of any of these
/// calls for a full reconcile.
pub fn fingerprint(config: &Config) -> String {
    format!(
        "{} renotify_after={}",
        insights::fingerprint(&config.insights, &config.property.stale_days),
        super::renotify_after_secs(config)
    )
}

/// Findings per kind, in the order they first came, with the first ids of each.
#[derive(Default)]
struct Tally {
    per_kind: BTreeMap<usize, (FindingKind, i64, Vec<i64>)>,
    order: Vec<FindingKind>,
    total: i64,
}

impl Tally {
    fn count(&mut self, found: &Found<'_>) {
        self.total += 1;
        let slot = match self.order.iter().position(|k| *k == found.kind) {
            Some(i) => i,
            None => {
                self.order.push(found.kind);
                self.order.len() - 1
            }
        };
        let entry = self
            .per_kind
            .entry(slot)
            .or_insert((found.kind, 0, Vec::new()));
        entry.1 += 1;
        let property_id = found.property_id();
        if entry.2.len() < super::KEPT && !entry.2.contains(&property_id) {
            entry.2.push(property_id);
        }
    }
}

fn draft(finding: Finding) -> NotificationDraft {
    NotificationDraft {
        message: format!("{} ({})", finding.subject, finding.address),
        dedup_key: finding.dedup_key,
        kind: finding.kind.into(),
        priority: finding.priority,
        subject: finding.subject,
        property_id: Some(finding.property_id),
    }
}

/// A finding's words are written only when it is told.
impl Draftable for Found<'_> {
    fn dedup_key(&self) -> &str {
        &self.dedup_key
    }
    fn priority(&self) -> Priority {
        self.priority
    }
    fn into_draft(self) -> NotificationDraft {
        draft(self.into_finding())
    }
}

/// Hand a finding to the reconciler. The deadline ladder tells each step once, and a
/// passed deadline once: never again on a timer.
fn tell(reconciler: &mut Reconciler<'_>, found: Found<'_>) -> Result<()> {
    if found.kind.renotifies() {
        reconciler.add(found)
    } else {
        reconciler.add_once(found)
    }
}

pub fn run(tx: &Tx<'_>, env: &ModuleEnv) -> Result<ModuleOutcome> {
    let config = env.config;
    let fingerprint = fingerprint(config);
    let scan::Start { mark, seq, scan } = scan::start(tx, env, Module::Portfolio, &fingerprint)?;
    let mut reconciler = scan.reconciler(tx, SOURCE, env)?;
    let mut tally = Tally::default();
    let (transitions, rows, message) = match scan {
        Scan::Full(_) => {
            insights::scan(
                tx,
                &config.insights,
                &config.property.stale_days,
                env.now,
                None,
                |found| {
                    tally.count(&found);
                    tell(&mut reconciler, found)
                },
            )?;
            let transitions = reconciler.apply()?;
            let message = format!("{}: {} findings", scan.describe(), tally.total);
            (transitions, tally.total, message)
        }
        Scan::Incremental { since, seen_seq } => {
            let (mut touched, mut looked) = (BTreeSet::new(), Looked::default());
            (looked.changed, looked.timed) = insights::touched_since(
                tx,
                &config.insights,
                &config.property.stale_days,
                since,
                seen_seq,
                env.now,
                &mut touched,
            )?;
            looked.renotify = tx.properties_to_renotify(
                SOURCE,
                env.now.saturating_sub(env.renotify_after),
                &mut touched,
            )?;
            insights::scan_properties(
                tx,
                &config.insights,
                &config.property.stale_days,
                env.now,
                &touched,
                |found| {
                    tally.count(&found);
                    tell(&mut reconciler, found)
                },
            )?;
            let transitions = reconciler.apply_to_properties(&touched)?;
            let open: i64 = open_by_kind(tx)?.iter().map(|(_, n)| n).sum();
            let message = format!(
                "incremental since {}: {} properties re-checked ({} changed, {} by time, {} due \
                 again), {} findings",
                crate::clock::format_ts(since),
                touched.len(),
                looked.changed,
                looked.timed,
                looked.renotify,
                open
            );
            (
                transitions,
                (looked.changed + looked.timed + looked.renotify) as i64 + tally.total,
                message,
            )
        }
    };
    tx.set_watermark(
        Module::Portfolio,
        &scan.next_mark(&mark, &fingerprint, seq, env.now),
    )?;
    let items: Vec<SummaryItem> = match scan.kind() {
        ScanKind::Full => tally
            .per_kind
            .into_values()
            .map(|(kind, count, ids)| SummaryItem::new(count, kind.singular(), kind.plural(), ids))
            .collect(),
        // The counts of every open finding, kept with the notifications, and the lowest
        // ids of each kind from their index.
        ScanKind::Incremental => {
            let mut items = Vec::new();
            for (kind, count) in open_by_kind(tx)? {
                let ids = tx.open_property_ids(SOURCE, kind.into(), super::KEPT)?;
                items.push(SummaryItem::new(count, kind.singular(), kind.plural(), ids));
            }
            items
        }
    };
    let findings = items.iter().map(|i: &SummaryItem| i.count).sum();
    Ok(ModuleOutcome {
        findings,
        message,
        items,
        transitions,
        scan: Some((scan.kind(), rows)),
    })
}

/// How many rows each source of re-checks held.
#[derive(Debug, Default)]
struct Looked {
    changed: usize,
    timed: usize,
    renotify: usize,
}

/// Open findings per kind, in the order of the kinds.
fn open_by_kind(tx: &Tx<'_>) -> Result<Vec<(FindingKind, i64)>> {
    let open = tx.open_counts_by_kind(SOURCE)?;
    Ok(FindingKind::ALL
        .into_iter()
        .filter_map(|kind| {
            open.iter()
                .find(|(k, _)| *k == NotificationKind::Finding(kind))
                .map(|(_, n)| (kind, *n))
        })
        .collect())
}
