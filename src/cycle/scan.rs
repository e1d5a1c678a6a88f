//! Full or incremental: how a module that keeps incremental state goes about a run.
//!
//! An incremental run reads the rows changed since the module's watermark and the rows
//! whose moment falls in `(last run, now]`; a full one reads everything. The full
//! reconcile is the safety net: on `hb cycle --full`, on a module's first run, when the
//! settings its findings depend on changed, when the clock went back, and every
//! `[modules.portfolio] full_every`.

use anyhow::Result;
use serde::Serialize;

use super::{Module, ModuleEnv};
use crate::store::{MemoryBudget, Reconciler, Tx, Watermark};

/// Why a run reconciles in full.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FullReason {
    /// `hb cycle --full`.
    Asked,
    /// No incremental state yet.
    FirstRun,
    /// The thresholds the findings depend on are not the ones of the last run.
    SettingsChanged,
    /// The clock is before the last run's.
    ClockWentBack,
    /// `full_every` passed since the last full reconcile.
    Due,
}

impl std::fmt::Display for FullReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FullReason::Asked => "asked for (--full)",
            FullReason::FirstRun => "first run",
            FullReason::SettingsChanged => "the thresholds changed since the last run",
            FullReason::ClockWentBack => "the clock is before the last run",
            FullReason::Due => "full_every passed",
        })
    }
}

/// How a run goes about its work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scan {
    Full(FullReason),
    /// What changed after `seen_seq` and what came due in `(since, now]`.
    Incremental {
        since: i64,
        seen_seq: i64,
    },
}

/// Where a module stands as its run begins.
pub struct Start {
    pub mark: Watermark,
    /// The change sequence now: the write lock is held, so nothing commits between this
    /// read and the module's end.
    pub seq: i64,
    pub scan: Scan,
}

/// A module's watermark, the change sequence and its scan, with SQLite's memory set for
/// that scan (the small budget keeps the 5-minute cycle's peak down).
pub fn start(tx: &Tx<'_>, env: &ModuleEnv, module: Module, fingerprint: &str) -> Result<Start> {
    let mark = tx.watermark(module)?;
    let seq = tx.change_seq()?;
    let scan = decide(
        &mark,
        fingerprint,
        env.now,
        env.config.modules.portfolio.full_every.as_secs(),
        env.full,
    );
    tx.set_memory_budget(scan.memory_budget())?;
    Ok(Start { mark, seq, scan })
}

/// The decision, from the module's watermark and the run's inputs.
pub fn decide(mark: &Watermark, fingerprint: &str, now: i64, full_every: i64, asked: bool) -> Scan {
    if asked {
        return Scan::Full(FullReason::Asked);
    }
    let (Some(since), Some(seen_seq)) = (mark.seen_at, mark.seen_seq) else {
        return Scan::Full(FullReason::FirstRun);
    };
    if mark.fingerprint.as_deref() != Some(fingerprint) {
        return Scan::Full(FullReason::SettingsChanged);
    }
    if now < since {
        return Scan::Full(FullReason::ClockWentBack);
    }
    match mark.full_at {
        Some(full_at) if now.saturating_sub(full_at) < full_every && full_at <= now => {
            Scan::Incremental { since, seen_seq }
        }
        _ => Scan::Full(FullReason::Due),
    }
}

impl Scan {
    /// What SQLite may hold for this scan: a full one reads everything, an incremental
    /// one a few pages.
    pub fn memory_budget(&self) -> MemoryBudget {
        match self {
            Scan::Full(_) => MemoryBudget::Bulk,
            Scan::Incremental { .. } => MemoryBudget::Incremental,
        }
    }

    /// The reconciler of `source`'s findings for this scan: a full one adds every
    /// finding, so it reads the source's open notices ahead instead of asking the index
    /// for each.
    pub fn reconciler<'t, 's: 't>(
        &self,
        tx: &'t Tx<'s>,
        source: &str,
        env: &ModuleEnv,
    ) -> Result<Reconciler<'t>> {
        let reconciler = tx.reconciler(source, env.now, env.renotify_after, env.run_id);
        match self {
            Scan::Full(_) => reconciler.reading_open_notices(),
            Scan::Incremental { .. } => Ok(reconciler),
        }
    }

    /// The watermark after this run, which saw everything up to `seq` at `now`.
    pub fn next_mark(
        &self,
        previous: &Watermark,
        fingerprint: &str,
        seq: i64,
        now: i64,
    ) -> Watermark {
        Watermark {
            seen_seq: Some(seq),
            seen_at: Some(now),
            fingerprint: Some(fingerprint.to_string()),
            full_at: match self {
                Scan::Full(_) => Some(now),
                Scan::Incremental { .. } => previous.full_at,
            },
        }
    }

    pub fn kind(&self) -> ScanKind {
        match self {
            Scan::Full(_) => ScanKind::Full,
            Scan::Incremental { .. } => ScanKind::Incremental,
        }
    }

    /// "full reconcile (first run)" or "incremental": for the module's message.
    pub fn describe(&self) -> String {
        match self {
            Scan::Full(reason) => format!("full reconcile ({reason})"),
            Scan::Incremental { .. } => "incremental".to_string(),
        }
    }
}

/// Which kind a run was, as `hb logs` and `--json` show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ScanKind {
    Full,
    Incremental,
}

impl ScanKind {
    pub const ALL: [ScanKind; 2] = [ScanKind::Full, ScanKind::Incremental];

    pub fn as_str(self) -> &'static str {
        match self {
            ScanKind::Full => "full",
            ScanKind::Incremental => "incremental",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(seen_at: i64, full_at: i64) -> Watermark {
        Watermark {
            seen_seq: Some(10),
            seen_at: Some(seen_at),
            fingerprint: Some("f".into()),
            full_at: Some(full_at),
        }
    }

    #[test]
    fn a_full_scan_gets_the_bulk_memory_and_an_incremental_one_the_small() {
        let day = 86_400;
        assert_eq!(
            decide(&mark(100, 50), "f", 400, day, false).memory_budget(),
            MemoryBudget::Incremental
        );
        for full in [
            decide(&mark(100, 50), "f", 400, day, true),
            decide(&Watermark::default(), "f", 400, day, false),
            decide(&mark(100, 50), "g", 400, day, false),
        ] {
            assert_eq!(full.memory_budget(), MemoryBudget::Bulk, "{full:?}");
        }
    }

    #[test]
    fn incremental_only_when_nothing_calls_for_a_full_reconcile() {
        let day = 86_400;
        assert_eq!(
            decide(&mark(100, 50), "f", 400, day, false),
            Scan::Incremental {
                since: 100,
                seen_seq: 10
            }
        );
        assert_eq!(
            decide(&mark(100, 50), "f", 400, day, true),
            Scan::Full(FullReason::Asked)
        );
        assert_eq!(
            decide(&Watermark::default(), "f", 400, day, false),
            Scan::Full(FullReason::FirstRun)
        );
        assert_eq!(
            decide(&mark(100, 50), "g", 400, day, false),
            Scan::Full(FullReason::SettingsChanged)
        );
        assert_eq!(
            decide(&mark(100, 50), "f", 99, day, false),
            Scan::Full(FullReason::ClockWentBack)
        );
        assert_eq!(
            decide(&mark(100, 50), "f", 50 + day, day, false),
            Scan::Full(FullReason::Due)
        );
        let after = Scan::Full(FullReason::Due).next_mark(&mark(100, 50), "f", 12, 500);
        assert_eq!(
            (after.seen_seq, after.seen_at, after.full_at),
            (Some(12), Some(500), Some(500))
        );
        let after = Scan::Incremental {
            since: 100,
            seen_seq: 10,
        }
        .next_mark(&mark(100, 50), "f", 12, 500);
        assert_eq!(after.full_at, Some(50));
    }
}
