//! Insights: what needs attention in the portfolio now, highest priority first.
//!
//! The store finds the rows (indexed SQL); this module decides what each finding says,
//! how urgent it is and how it is keyed for de-duplication. No writes.

use anyhow::Result;
use serde::Serialize;

use crate::alert::Priority;
use crate::clock::{self, DAY_SECS};
use crate::config::{DeadlineLadder, InsightsConfig, StaleDays};
use crate::pipeline::{self, Stage};
use std::collections::BTreeSet;

use crate::store::{FindingQuery, FindingRow, Moment, Store};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    BlockedProperty,
    DeadlinePassed,
    DeadlineNear,
    StaleProperty,
    ContractUnsigned,
    HighScoreIdle,
    MissingEnrichment,
    MissingSkipTrace,
}

impl FindingKind {
    /// Every kind, in the order of [`queries`] (priority order).
    pub const ALL: [FindingKind; 8] = [
        FindingKind::BlockedProperty,
        FindingKind::DeadlinePassed,
        FindingKind::DeadlineNear,
        FindingKind::StaleProperty,
        FindingKind::ContractUnsigned,
        FindingKind::HighScoreIdle,
        FindingKind::MissingEnrichment,
        FindingKind::MissingSkipTrace,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::BlockedProperty => "blocked_property",
            FindingKind::DeadlinePassed => "deadline_passed",
            FindingKind::DeadlineNear => "deadline_near",
            FindingKind::StaleProperty => "stale_property",
            FindingKind::ContractUnsigned => "contract_unsigned",
            FindingKind::HighScoreIdle => "high_score_idle",
            FindingKind::MissingEnrichment => "missing_enrichment",
            FindingKind::MissingSkipTrace => "missing_skip_trace",
        }
    }

    /// The kind's priority; a near deadline's rises to high at its last step
    /// ([`deadline_step`]).
    pub fn priority(self) -> Priority {
        match self {
            FindingKind::DeadlinePassed => Priority::Critical,
            FindingKind::BlockedProperty => Priority::High,
            FindingKind::DeadlineNear
            | FindingKind::StaleProperty
            | FindingKind::ContractUnsigned
            | FindingKind::HighScoreIdle => Priority::Medium,
            FindingKind::MissingEnrichment | FindingKind::MissingSkipTrace => Priority::Low,
        }
    }

    /// Whether a persisting finding of this kind is told again after `renotify_after`.
    /// The deadline ladder tells each step once, and a passed deadline once.
    pub fn renotifies(self) -> bool {
        !matches!(
            self,
            FindingKind::DeadlineNear | FindingKind::DeadlinePassed
        )
    }

    /// Singular noun for summaries: "1 stale property".
    pub fn singular(self) -> &'static str {
        match self {
            FindingKind::BlockedProperty => "blocked property",
            FindingKind::DeadlinePassed => "missed contract deadline",
            FindingKind::DeadlineNear => "contract deadline near",
            FindingKind::StaleProperty => "stale property",
            FindingKind::ContractUnsigned => "contract unsigned",
            FindingKind::HighScoreIdle => "high-score property idle",
            FindingKind::MissingEnrichment => "property missing enrichment",
            FindingKind::MissingSkipTrace => "property missing skip trace",
        }
    }

    /// Plural noun for summaries: "3 stale properties".
    pub fn plural(self) -> &'static str {
        match self {
            FindingKind::BlockedProperty => "blocked properties",
            FindingKind::DeadlinePassed => "missed contract deadlines",
            FindingKind::DeadlineNear => "contract deadlines near",
            FindingKind::StaleProperty => "stale properties",
            FindingKind::ContractUnsigned => "contracts unsigned",
            FindingKind::HighScoreIdle => "high-score properties idle",
            FindingKind::MissingEnrichment => "properties missing enrichment",
            FindingKind::MissingSkipTrace => "properties missing skip trace",
        }
    }
}

/// One thing that needs attention.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Finding {
    pub kind: FindingKind,
    pub priority: Priority,
    pub property_id: i64,
    pub contract_id: Option<i64>,
    pub address: String,
    pub subject: String,
    /// When the condition began (unix seconds); `None` when unknown (a recorded blocker).
    #[serde(skip)]
    pub since: Option<i64>,
    /// Same condition, same key: the cycle notifies a key once, not every run.
    pub dedup_key: String,
}

/// The queries for every kind of finding at `now`, in priority order.
pub fn queries(
    cfg: &InsightsConfig,
    stale: &StaleDays,
    now: i64,
) -> Vec<(FindingKind, FindingQuery)> {
    let days = |d: f64| pipeline::days_to_secs(d);
    // A stage that is never stale has no cutoff: nothing entered it before i64::MIN.
    let stale_cutoff = |stage: Stage| pipeline::stale_cutoff(stage, stale, now).unwrap_or(i64::MIN);
    let mut queries = vec![
        (FindingKind::BlockedProperty, FindingQuery::Blocked),
        (
            FindingKind::DeadlinePassed,
            FindingQuery::Deadline { until: now + 1 },
        ),
    ];
    // Near deadlines: strictly in the future and within the widest step (inclusive).
    queries.push((
        FindingKind::DeadlineNear,
        FindingQuery::Deadline {
            until: now
                .saturating_add(days(cfg.deadline_ladder_days.widest()))
                .saturating_add(1),
        },
    ));
    for stage in [
        Stage::New,
        Stage::Enriched,
        Stage::Researched,
        Stage::WaitingForContracts,
    ] {
        queries.push((
            FindingKind::StaleProperty,
            FindingQuery::Stale {
                stage,
                cutoff: stale_cutoff(stage),
            },
        ));
    }
    queries.push((
        FindingKind::ContractUnsigned,
        FindingQuery::Unsigned {
            cutoff: now - days(cfg.unsigned_after_days),
        },
    ));
    queries.push((
        FindingKind::HighScoreIdle,
        FindingQuery::HighScoreIdle {
            min_score: cfg.high_score,
            cutoff: now - days(cfg.high_score_idle_days),
        },
    ));
    queries.push((
        FindingKind::MissingEnrichment,
        FindingQuery::MissingEnrichment {
            cutoff: now - days(cfg.enrichment_after_days),
            new_stale_cutoff: stale_cutoff(Stage::New),
        },
    ));
    queries.push((
        FindingKind::MissingSkipTrace,
        FindingQuery::MissingSkipTrace {
            cutoff: now - days(cfg.skip_trace_after_days),
            enriched_stale_cutoff: stale_cutoff(Stage::Enriched),
        },
    ));
    queries
}

/// The step of the deadline ladder a deadline `left` seconds ahead is at: the narrowest
/// step that holds it (a deadline 2 days ahead is at the 3-day step of 7, 3, 1), with
/// its days and priority (high at the last step, medium before). None beyond the widest.
pub fn deadline_step(ladder: &DeadlineLadder, left: i64) -> Option<(f64, Priority)> {
    let steps = ladder.steps();
    let index = steps
        .iter()
        .rposition(|days| left <= pipeline::days_to_secs(*days))?;
    let priority = if index + 1 == steps.len() {
        Priority::High
    } else {
        Priority::Medium
    };
    Some((steps[index], priority))
}

/// The moments in the window `(last, now]` at which findings of `kind` may begin or end
/// without any fact changing: each kind's "moment it becomes true" (the time it is
/// measured from plus its threshold), and the moments that end it (a property stale as
/// new no longer misses its enrichment; a passed deadline blocks, so the property is no
/// longer stale). The incremental cycle re-checks the properties of these rows, and of
/// the rows that changed; every other property's findings are the same as at `last`.
/// The ranges are a second wider on each side: re-checking one more property is free,
/// missing one is not. A new kind adds its arm here and its query in [`queries`].
pub fn moments(
    kind: FindingKind,
    cfg: &InsightsConfig,
    stale: &StaleDays,
    last: i64,
    now: i64,
) -> Vec<Moment> {
    let days = |d: f64| pipeline::days_to_secs(d);
    // Measured from t, true once t + threshold < now: t in [last - threshold, now - threshold).
    let after = |threshold: i64| {
        (
            last.saturating_sub(threshold).saturating_sub(1),
            now.saturating_sub(threshold).saturating_add(1),
        )
    };
    let entered = |stage: Stage| {
        stage.stale_after_days(stale).map(|limit| {
            let (from, to) = after(days(limit));
            Moment::StageEntered { stage, from, to }
        })
    };
    // A snooze restarts the clock of every "nothing happened" finding on its resume
    // date: measured from it, true once it is `threshold` behind now.
    let resumed = |threshold: i64| {
        let (from, to) = after(threshold);
        Moment::Resumed { from, to }
    };
    let stale_after = |stage: Stage| {
        stage
            .stale_after_days(stale)
            .map(|limit| resumed(days(limit)))
    };
    let passing = Moment::Deadline {
        from: last.saturating_sub(1),
        to: now.saturating_add(1),
    };
    let stale_stages = [
        Stage::New,
        Stage::Enriched,
        Stage::Researched,
        Stage::WaitingForContracts,
    ];
    match kind {
        FindingKind::BlockedProperty => Vec::new(),
        FindingKind::DeadlinePassed => vec![passing],
        // A deadline comes within each step of the ladder at its own moment (its key
        // names the step), and leaves the last when it passes.
        FindingKind::DeadlineNear => cfg
            .deadline_ladder_days
            .steps()
            .iter()
            .map(|step| {
                let within = days(*step);
                Moment::Deadline {
                    from: last.saturating_add(within).saturating_sub(1),
                    to: now.saturating_add(within).saturating_add(1),
                }
            })
            .chain([passing])
            .collect(),
        FindingKind::StaleProperty => stale_stages
            .into_iter()
            .filter_map(entered)
            .chain(stale_stages.into_iter().filter_map(stale_after))
            .chain([passing])
            .collect(),
        FindingKind::ContractUnsigned => {
            let threshold = days(cfg.unsigned_after_days);
            let (from, to) = after(threshold);
            vec![Moment::Sent { from, to }, resumed(threshold)]
        }
        FindingKind::HighScoreIdle => {
            let threshold = days(cfg.high_score_idle_days);
            let (from, to) = after(threshold);
            vec![
                Moment::Idle {
                    min_score: cfg.high_score,
                    from,
                    to,
                },
                resumed(threshold),
            ]
        }
        FindingKind::MissingEnrichment => {
            let threshold = days(cfg.enrichment_after_days);
            let (from, to) = after(threshold);
            let mut moments = vec![Moment::Created { from, to }, resumed(threshold)];
            moments.extend(entered(Stage::New));
            moments.extend(stale_after(Stage::New));
            moments
        }
        FindingKind::MissingSkipTrace => {
            let threshold = days(cfg.skip_trace_after_days);
            let (from, to) = after(threshold);
            let mut moments = vec![Moment::Enriched { from, to }, resumed(threshold)];
            moments.extend(entered(Stage::Enriched));
            moments.extend(stale_after(Stage::Enriched));
            moments
        }
    }
}

/// Every moment of every kind in `(last, now]`, without repeats.
pub fn all_moments(cfg: &InsightsConfig, stale: &StaleDays, last: i64, now: i64) -> Vec<Moment> {
    let mut all: Vec<Moment> = Vec::new();
    for kind in FindingKind::ALL {
        for moment in moments(kind, cfg, stale, last, now) {
            if !all.contains(&moment) {
                all.push(moment);
            }
        }
    }
    all
}

/// A finding as its query found it: what a reconcile decides on (kind, priority, key)
/// at once, its words (`into_finding`) only when they are told. A full reconcile over
/// hundreds of thousands of persisting findings formats none of them.
pub struct Found<'c> {
    pub kind: FindingKind,
    pub priority: Priority,
    /// Same condition, same key: the cycle notifies a key once, not every run.
    pub dedup_key: String,
    /// When the condition began (unix seconds); `None` when unknown (a recorded blocker).
    pub since: Option<i64>,
    row: FindingRow,
    stale: &'c StaleDays,
    now: i64,
}

/// What a row of a query means, at `now`.
pub fn found<'c>(
    kind: FindingKind,
    row: FindingRow,
    cfg: &InsightsConfig,
    stale: &'c StaleDays,
    now: i64,
) -> Found<'c> {
    let id = row.property_id;
    let contract_id = row.contract_id.unwrap_or_default();
    let mut priority = kind.priority();
    // A property's clock starts again on its resume date (`pipeline::clock_start`).
    let clock = |at: i64| pipeline::clock_start(at, row.snoozed_until);
    let (since, dedup_key) = match kind {
        FindingKind::BlockedProperty => (None, format!("blocked:{id}")),
        FindingKind::DeadlinePassed => (Some(row.at), format!("deadline_passed:{contract_id}")),
        FindingKind::DeadlineNear => {
            let (step, step_priority) = deadline_step(&cfg.deadline_ladder_days, row.at - now)
                .unwrap_or((cfg.deadline_ladder_days.widest(), kind.priority()));
            priority = step_priority;
            (
                // When this step of the ladder began.
                Some(row.at.saturating_sub(pipeline::days_to_secs(step))),
                format!(
                    "deadline_near:{contract_id}:{}d",
                    pipeline::format_days(step)
                ),
            )
        }
        FindingKind::StaleProperty => {
            let limit = row.stage.stale_after_days(stale).unwrap_or_default();
            (
                Some(row.at.saturating_add(pipeline::days_to_secs(limit))),
                format!("stale:{id}:{}", row.stage.as_str()),
            )
        }
        FindingKind::ContractUnsigned => (
            Some(clock(row.at).saturating_add(pipeline::days_to_secs(cfg.unsigned_after_days))),
            format!("unsigned:{contract_id}"),
        ),
        FindingKind::HighScoreIdle => (
            Some(clock(row.at).saturating_add(pipeline::days_to_secs(cfg.high_score_idle_days))),
            format!("high_score_idle:{id}"),
        ),
        FindingKind::MissingEnrichment => (
            Some(clock(row.at).saturating_add(pipeline::days_to_secs(cfg.enrichment_after_days))),
            format!("missing_enrichment:{id}"),
        ),
        FindingKind::MissingSkipTrace => (
            Some(clock(row.at).saturating_add(pipeline::days_to_secs(cfg.skip_trace_after_days))),
            format!("missing_skip_trace:{id}"),
        ),
    };
    Found {
        kind,
        priority,
        dedup_key,
        since,
        row,
        stale,
        now,
    }
}

impl Found<'_> {
    pub fn property_id(&self) -> i64 {
        self.row.property_id
    }

    /// The finding in words.
    pub fn into_finding(self) -> Finding {
        let (kind, row, stale, now) = (self.kind, self.row, self.stale, self.now);
        let id = row.property_id;
        let days_since = |at: i64| clock::days_between(at, now);
        let date = |at: i64| clock::from_ts(at).format("%Y-%m-%d").to_string();
        let contract = || {
            format!(
                "contract #{} \"{}\"",
                row.contract_id.unwrap_or_default(),
                row.contract_name.as_deref().unwrap_or("")
            )
        };
        let subject = match kind {
            FindingKind::BlockedProperty => format!(
                "Property #{id} is blocked: {}",
                row.blocked_reason.as_deref().unwrap_or("no reason given")
            ),
            FindingKind::DeadlinePassed => format!(
                "Property #{id}: {} missed its deadline of {}",
                contract(),
                date(row.at)
            ),
            FindingKind::DeadlineNear => format!(
                "Property #{id}: {} is due {} (in {:.1} days)",
                contract(),
                date(row.at),
                (row.at - now) as f64 / DAY_SECS as f64
            ),
            FindingKind::StaleProperty => {
                let limit = row.stage.stale_after_days(stale).unwrap_or_default();
                // `at` is its clock's start: the resume date when a snooze ended in the stage.
                let counted = if row.snoozed_until == Some(row.at) {
                    format!("days in {} since its snooze ended", row.stage.label())
                } else {
                    format!("days in {}", row.stage.label())
                };
                format!(
                    "Property #{id} is stale: {:.1} {counted} (limit {})",
                    days_since(row.at),
                    pipeline::format_days(limit)
                )
            }
            FindingKind::ContractUnsigned => format!(
                "Property #{id}: {} sent {:.1} days ago and still unsigned",
                contract(),
                days_since(row.at)
            ),
            FindingKind::HighScoreIdle => format!(
                "Property #{id} scores {:.0} but nothing happened for {:.1} days",
                row.score.unwrap_or_default(),
                days_since(row.at)
            ),
            FindingKind::MissingEnrichment => format!(
                "Property #{id} has no Zillow enrichment {:.1} days after it was added",
                days_since(row.at)
            ),
            FindingKind::MissingSkipTrace => format!(
                "Property #{id} has no skip trace {:.1} days after enrichment",
                days_since(row.at)
            ),
        };
        Finding {
            kind,
            priority: self.priority,
            property_id: id,
            contract_id: row.contract_id,
            address: row.address,
            subject,
            since: self.since,
            dedup_key: self.dedup_key,
        }
    }
}

/// Stream every finding at `now` (at most `limit_per_kind` of each kind), kind by kind in
/// priority order. A deadline that is both passed and near counts once, as passed.
pub fn scan(
    store: &Store,
    cfg: &InsightsConfig,
    stale: &StaleDays,
    now: i64,
    limit_per_kind: Option<usize>,
    mut each: impl FnMut(Found<'_>) -> Result<()>,
) -> Result<()> {
    for (kind, query) in queries(cfg, stale, now) {
        store.scan_findings(&query, now, limit_per_kind, |row| {
            if kind == FindingKind::DeadlineNear && row.at <= now {
                return Ok(());
            }
            each(found(kind, row, cfg, stale, now))
        })?;
    }
    Ok(())
}

/// Stream the findings at `now` of the properties `ids` (every kind, as [`scan`] finds
/// them, restricted to those properties).
pub fn scan_properties(
    store: &Store,
    cfg: &InsightsConfig,
    stale: &StaleDays,
    now: i64,
    ids: &BTreeSet<i64>,
    mut each: impl FnMut(Found<'_>) -> Result<()>,
) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    for (kind, query) in queries(cfg, stale, now) {
        store.scan_findings_of(&query, now, ids, |row| {
            if kind == FindingKind::DeadlineNear && row.at <= now {
                return Ok(());
            }
            each(found(kind, row, cfg, stale, now))
        })?;
    }
    Ok(())
}

/// What findings depend on besides the facts: the thresholds, as the portfolio module
/// records them with its incremental state.
pub fn fingerprint(cfg: &InsightsConfig, stale: &StaleDays) -> String {
    format!("{cfg:?} {stale:?}")
}

/// Add the properties whose findings may differ between `since` and `now` to `into`:
/// those changed after `seen_seq` and those with a moment in `(since, now]`. Returns
/// how many rows each held (changed, by time).
pub fn touched_since(
    store: &Store,
    cfg: &InsightsConfig,
    stale: &StaleDays,
    since: i64,
    seen_seq: i64,
    now: i64,
    into: &mut BTreeSet<i64>,
) -> Result<(usize, usize)> {
    let changed = store.properties_changed_since(seen_seq, into)?;
    let mut timed = 0;
    for moment in all_moments(cfg, stale, since, now) {
        timed += store.properties_at(&moment, into)?;
    }
    Ok((changed, timed))
}

/// How many findings of each kind there are at `now`. When the portfolio module's last
/// run used these thresholds and ran at or before `now`, from its open notices (kept
/// counts) corrected by the properties whose findings may have changed since; else
/// counted by the finding queries.
pub fn counts(
    store: &Store,
    cfg: &InsightsConfig,
    stale: &StaleDays,
    now: i64,
) -> Result<Vec<(FindingKind, i64)>> {
    let mark = store.watermark(crate::cycle::Module::Portfolio)?;
    let current = mark.fingerprint.as_deref().is_some_and(|f| {
        f.strip_prefix(fingerprint(cfg, stale).as_str())
            .is_some_and(|rest| rest.starts_with(' '))
    });
    match (mark.seen_at, mark.seen_seq) {
        (Some(since), Some(seen_seq)) if current && since <= now => {
            let mut touched = BTreeSet::new();
            touched_since(store, cfg, stale, since, seen_seq, now, &mut touched)?;
            let mut counts: Vec<(FindingKind, i64)> =
                FindingKind::ALL.iter().map(|k| (*k, 0)).collect();
            let mut add = |kind: FindingKind, n: i64| {
                if let Some((_, total)) = counts.iter_mut().find(|(k, _)| *k == kind) {
                    *total += n;
                }
            };
            for (kind, n) in store.open_counts_by_kind(crate::cycle::portfolio::SOURCE)? {
                if let crate::notification::NotificationKind::Finding(kind) = kind {
                    add(kind, n);
                }
            }
            for kind in store.open_kinds_of_properties(crate::cycle::portfolio::SOURCE, &touched)? {
                if let crate::notification::NotificationKind::Finding(kind) = kind {
                    add(kind, -1);
                }
            }
            scan_properties(store, cfg, stale, now, &touched, |finding| {
                add(finding.kind, 1);
                Ok(())
            })?;
            Ok(counts)
        }
        _ => exact_counts(store, cfg, stale, now),
    }
}

/// The statements a full reconcile runs at `now`, values inlined, one per line: what
/// `sqlite3` runs as the floor of the benchmark (`hb insights --print-sql`).
pub fn scan_sql(
    store: &Store,
    cfg: &InsightsConfig,
    stale: &StaleDays,
    now: i64,
) -> Result<Vec<String>> {
    queries(cfg, stale, now)
        .iter()
        .map(|(_, query)| store.finding_scan_sql(query, now))
        .collect()
}

/// How many findings of each kind there are at `now`, counted by the finding queries.
pub fn exact_counts(
    store: &Store,
    cfg: &InsightsConfig,
    stale: &StaleDays,
    now: i64,
) -> Result<Vec<(FindingKind, i64)>> {
    let mut counts: Vec<(FindingKind, i64)> = Vec::new();
    let mut passed = 0;
    for (kind, query) in queries(cfg, stale, now) {
        let mut count = store.count_findings(&query, now)?;
        match kind {
            FindingKind::DeadlinePassed => passed = count,
            // The near window includes the passed ones: count them once.
            FindingKind::DeadlineNear => count -= passed,
            _ => {}
        }
        match counts.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, total)) => *total += count,
            None => counts.push((kind, count)),
        }
    }
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;

    fn covers(moments: &[Moment], at: i64, deadline: bool) -> bool {
        moments.iter().any(|m| match *m {
            Moment::Deadline { from, to } => deadline && (from..=to).contains(&at),
            Moment::Resumed { from, to } => !deadline && (from..=to).contains(&at),
            _ => false,
        })
    }

    /// The incremental cycle re-checks a deadline as it enters each step of the ladder
    /// (its key names the step), and a snoozed property when each clock that restarted
    /// on its resume date reaches its threshold.
    #[test]
    fn moments_cover_each_ladder_step_and_each_clock_a_snooze_restarts() {
        let cfg = InsightsConfig::default();
        let stale = StaleDays::default();
        let (last, now) = (NOW - 300, NOW);
        let near = moments(FindingKind::DeadlineNear, &cfg, &stale, last, now);
        for step in cfg.deadline_ladder_days.steps() {
            let enters = NOW - 100 + pipeline::days_to_secs(*step);
            assert!(covers(&near, enters, true), "the {step}-day step: {near:?}");
        }
        assert!(
            !covers(&near, NOW + pipeline::days_to_secs(5.0), true),
            "between steps nothing changes: {near:?}"
        );
        let day = pipeline::days_to_secs;
        for (kind, threshold) in [
            (FindingKind::StaleProperty, day(stale.researched)),
            (FindingKind::ContractUnsigned, day(cfg.unsigned_after_days)),
            (FindingKind::HighScoreIdle, day(cfg.high_score_idle_days)),
            (
                FindingKind::MissingEnrichment,
                day(cfg.enrichment_after_days),
            ),
            (
                FindingKind::MissingSkipTrace,
                day(cfg.skip_trace_after_days),
            ),
        ] {
            let resumed = NOW - 100 - threshold;
            let at = moments(kind, &cfg, &stale, last, now);
            assert!(covers(&at, resumed, false), "{kind:?}: {at:?}");
        }
    }

    fn row(at: i64) -> FindingRow {
        FindingRow {
            property_id: 5,
            address: "123 Main St".into(),
            stage: Stage::Enriched,
            at,
            contract_id: Some(9),
            contract_name: Some("Purchase".into()),
            blocked_reason: None,
            score: Some(91.0),
            snoozed_until: None,
        }
    }

    fn finding(
        kind: FindingKind,
        row: FindingRow,
        cfg: &InsightsConfig,
        stale: &StaleDays,
        now: i64,
    ) -> Finding {
        found(kind, row, cfg, stale, now).into_finding()
    }

    #[test]
    fn stale_finding_is_keyed_by_property_and_stage() {
        let f = finding(
            FindingKind::StaleProperty,
            row(NOW - 6 * DAY_SECS),
            &InsightsConfig::default(),
            &StaleDays::default(),
            NOW,
        );
        assert_eq!(f.dedup_key, "stale:5:enriched");
        assert_eq!(f.priority, Priority::Medium);
        assert_eq!(
            f.subject,
            "Property #5 is stale: 6.0 days in Enriched (limit 5)"
        );
        assert_eq!(f.since, Some(NOW - DAY_SECS));
    }

    #[test]
    fn deadlines_and_priorities() {
        let cfg = InsightsConfig::default();
        let passed = finding(
            FindingKind::DeadlinePassed,
            row(NOW - DAY_SECS),
            &cfg,
            &StaleDays::default(),
            NOW,
        );
        assert_eq!(passed.priority, Priority::Critical);
        assert_eq!(passed.dedup_key, "deadline_passed:9");
        let near = |ahead: i64| {
            finding(
                FindingKind::DeadlineNear,
                row(NOW + ahead),
                &cfg,
                &StaleDays::default(),
                NOW,
            )
        };
        let two_days = near(2 * DAY_SECS);
        assert!(
            two_days.subject.contains("in 2.0 days"),
            "{}",
            two_days.subject
        );
        // Each step of the ladder has its own key, so each is told once.
        let steps: Vec<(String, Priority, Option<i64>)> = [
            7 * DAY_SECS,
            5 * DAY_SECS,
            3 * DAY_SECS,
            2 * DAY_SECS,
            DAY_SECS,
            60,
        ]
        .into_iter()
        .map(|ahead| {
            let f = near(ahead);
            (f.dedup_key, f.priority, f.since.map(|s| s - NOW))
        })
        .collect();
        assert_eq!(
            steps,
            [
                ("deadline_near:9:7d".into(), Priority::Medium, Some(0)),
                (
                    "deadline_near:9:7d".into(),
                    Priority::Medium,
                    Some(-2 * DAY_SECS)
                ),
                ("deadline_near:9:3d".into(), Priority::Medium, Some(0)),
                (
                    "deadline_near:9:3d".into(),
                    Priority::Medium,
                    Some(-DAY_SECS)
                ),
                ("deadline_near:9:1d".into(), Priority::High, Some(0)),
                (
                    "deadline_near:9:1d".into(),
                    Priority::High,
                    Some(60 - DAY_SECS)
                ),
            ]
        );
        assert_eq!(
            deadline_step(&cfg.deadline_ladder_days, 7 * DAY_SECS + 1),
            None
        );
        assert!(!FindingKind::DeadlineNear.renotifies());
        assert!(!FindingKind::DeadlinePassed.renotifies());
        assert!(FindingKind::StaleProperty.renotifies());
        assert!(FindingKind::MissingEnrichment.priority() < FindingKind::StaleProperty.priority());
    }

    #[test]
    fn queries_use_configured_thresholds() {
        let stale = StaleDays {
            enriched: 2.0,
            ..StaleDays::default()
        };
        let qs = queries(&InsightsConfig::default(), &stale, NOW);
        assert!(qs.contains(&(
            FindingKind::StaleProperty,
            FindingQuery::Stale {
                stage: Stage::Enriched,
                cutoff: NOW - 2 * DAY_SECS
            }
        )));
    }
}
