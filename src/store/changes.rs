//! What the incremental cycle reads instead of the whole portfolio: the change watermark
//! (a sequence the triggers of migration 7 stamp on every changed property, contact and
//! price point), the moments findings become true (index ranges over the time a finding
//! is measured from), and where each module's incremental state stands.

use std::collections::BTreeSet;

use anyhow::Result;
use rusqlite::{params, OptionalExtension};

use super::column::{literal, OPEN_CONTRACT_STATUSES};
use super::notifications::RETOLD_SQL;
use super::{Store, Tx};
use crate::cycle::Module;
use crate::pipeline::{ContractStatus, Stage};

/// The rows whose measured-from time lies in `[from, to]` (unix seconds): the ones a
/// finding kind's moment (that time plus the kind's threshold) puts in a cycle's window.
/// Each is one range of an index.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Moment {
    /// Properties that entered `stage` then (stale; missing enrichment or skip trace ends).
    StageEntered { stage: Stage, from: i64, to: i64 },
    /// Open contracts whose deadline is then (passed, near; the property becomes blocked).
    Deadline { from: i64, to: i64 },
    /// Contracts sent then and still unsigned.
    Sent { from: i64, to: i64 },
    /// Properties created then and not enriched.
    Created { from: i64, to: i64 },
    /// Properties enriched then and not skip traced.
    Enriched { from: i64, to: i64 },
    /// Properties scoring at least `min_score` idle since then (last action or stage entry).
    Idle { min_score: f64, from: i64, to: i64 },
    /// Properties whose snooze ended then: their clock started again.
    Resumed { from: i64, to: i64 },
}

/// Where a module's incremental state stands (all `None` before its first run).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Watermark {
    /// The change sequence it has seen: rows stamped above it changed since.
    pub seen_seq: Option<i64>,
    /// The clock it last evaluated at: the window of its next run starts there.
    pub seen_at: Option<i64>,
    /// The settings its findings were computed with.
    pub fingerprint: Option<String>,
    /// When it last reconciled in full.
    pub full_at: Option<i64>,
}

fn moment_sql(moment: &Moment) -> String {
    match moment {
        Moment::StageEntered { .. } => {
            "SELECT id FROM properties WHERE stage = ?1 AND stage_entered_at BETWEEN ?2 AND ?3"
                .into()
        }
        Moment::Deadline { .. } => format!(
            "SELECT property_id FROM contracts WHERE deadline_at IS NOT NULL AND status IN {}
             AND deadline_at BETWEEN ?1 AND ?2",
            *OPEN_CONTRACT_STATUSES
        ),
        Moment::Sent { .. } => format!(
            "SELECT property_id FROM contracts WHERE status = {} AND sent_at BETWEEN ?1 AND ?2",
            literal(ContractStatus::Sent.as_str())
        ),
        Moment::Created { .. } => {
            "SELECT id FROM properties WHERE enriched_at IS NULL AND created_at BETWEEN ?1 AND ?2"
                .into()
        }
        Moment::Enriched { .. } => "SELECT id FROM properties
             WHERE skip_traced_at IS NULL AND enriched_at IS NOT NULL
               AND enriched_at BETWEEN ?1 AND ?2"
            .into(),
        Moment::Idle { .. } => "SELECT id FROM properties
             WHERE score IS NOT NULL
               AND max(coalesce(last_action_at, 0), stage_entered_at) BETWEEN ?1 AND ?2
               AND score >= ?3"
            .into(),
        Moment::Resumed { .. } => {
            "SELECT id FROM properties WHERE snoozed_until BETWEEN ?1 AND ?2".into()
        }
    }
}

impl Store {
    /// The change sequence now: every changed row is stamped at or below it.
    pub fn change_seq(&self) -> Result<i64> {
        Ok(self
            .conn()
            .prepare_cached("SELECT seq FROM change_clock WHERE id = 1")?
            .query_row([], |row| row.get(0))
            .optional()?
            .unwrap_or(0))
    }

    pub fn watermark(&self, module: Module) -> Result<Watermark> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT seen_seq, seen_at, fingerprint, full_at FROM module_state WHERE module = ?1",
            )?
            .query_row([module], |row| {
                Ok(Watermark {
                    seen_seq: row.get(0)?,
                    seen_at: row.get(1)?,
                    fingerprint: row.get(2)?,
                    full_at: row.get(3)?,
                })
            })
            .optional()?
            .unwrap_or_default())
    }

    /// Add the properties changed after `seq` (facts or contracts) to `into`; returns how
    /// many rows the index range held.
    pub fn properties_changed_since(&self, seq: i64, into: &mut BTreeSet<i64>) -> Result<usize> {
        self.collect_ids(
            "SELECT id FROM properties WHERE change_seq > ?1",
            params![seq],
            into,
        )
    }

    /// Add the properties of the rows at `moment` to `into`; returns how many rows it read.
    pub fn properties_at(&self, moment: &Moment, into: &mut BTreeSet<i64>) -> Result<usize> {
        let sql = moment_sql(moment);
        match *moment {
            Moment::StageEntered { stage, from, to } => {
                self.collect_ids(&sql, params![stage, from, to], into)
            }
            Moment::Idle {
                min_score,
                from,
                to,
            } => self.collect_ids(&sql, params![from, to, min_score], into),
            Moment::Deadline { from, to }
            | Moment::Sent { from, to }
            | Moment::Created { from, to }
            | Moment::Enriched { from, to }
            | Moment::Resumed { from, to } => self.collect_ids(&sql, params![from, to], into),
        }
    }

    /// Add the properties of `source`'s open, unacknowledged notices last told at or
    /// before `cutoff` (due to be told again) to `into`.
    pub fn properties_to_renotify(
        &self,
        source: &str,
        cutoff: i64,
        into: &mut BTreeSet<i64>,
    ) -> Result<usize> {
        let sql = format!(
            "SELECT property_id FROM notifications
             WHERE resolved_at IS NULL AND acked_at IS NULL AND {RETOLD_SQL} AND notified_at <= ?2
               AND +source = ?1 AND property_id IS NOT NULL"
        );
        self.collect_ids(&sql, params![source, cutoff], into)
    }

    fn collect_ids(
        &self,
        sql: &str,
        params: &[&dyn rusqlite::ToSql],
        into: &mut BTreeSet<i64>,
    ) -> Result<usize> {
        let mut stmt = self.conn().prepare_cached(sql)?;
        let mut rows = stmt.query(params)?;
        let mut read = 0;
        while let Some(row) = rows.next()? {
            into.insert(row.get(0)?);
            read += 1;
        }
        Ok(read)
    }
}

impl Tx<'_> {
    pub fn set_watermark(&self, module: Module, mark: &Watermark) -> Result<()> {
        self.conn()
            .prepare_cached(
                "INSERT INTO module_state (module, seen_seq, seen_at, fingerprint, full_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (module) DO UPDATE SET seen_seq = excluded.seen_seq,
                    seen_at = excluded.seen_at, fingerprint = excluded.fingerprint,
                    full_at = excluded.full_at",
            )?
            .execute(params![
                module,
                mark.seen_seq,
                mark.seen_at,
                mark.fingerprint,
                mark.full_at
            ])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The told-once kinds in SQL are the ones `FindingKind::renotifies` says, and the
    /// migration's partial index has the same condition.
    #[test]
    fn the_notices_never_told_again_are_the_ladders() {
        let once: Vec<String> = crate::insights::FindingKind::ALL
            .into_iter()
            .filter(|kind| !kind.renotifies())
            .map(|kind| format!("'{}'", kind.as_str()))
            .collect();
        assert_eq!(RETOLD_SQL, format!("kind NOT IN ({})", once.join(", ")));
        assert!(super::super::schema::MIGRATIONS
            .iter()
            .any(|m| m.contains(&format!("AND {RETOLD_SQL};"))));
    }

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("hb.db")).unwrap();
        (dir, store)
    }

    #[test]
    fn every_moment_is_an_index_range() {
        let (_dir, store) = store();
        let moments = [
            Moment::StageEntered {
                stage: Stage::New,
                from: 0,
                to: 1,
            },
            Moment::Deadline { from: 0, to: 1 },
            Moment::Sent { from: 0, to: 1 },
            Moment::Created { from: 0, to: 1 },
            Moment::Enriched { from: 0, to: 1 },
            Moment::Idle {
                min_score: 80.0,
                from: 0,
                to: 1,
            },
        ];
        for moment in moments {
            let sql = moment_sql(&moment)
                .replace("?1", "1")
                .replace("?2", "2")
                .replace("?3", "3");
            let plan = store.query_plan(&sql);
            assert!(
                plan.contains("USING INDEX") || plan.contains("USING COVERING INDEX"),
                "{moment:?}: {plan}"
            );
            assert!(
                plan.contains('<') || plan.contains('='),
                "{moment:?}: {plan}"
            );
        }
        let plan = store.query_plan("SELECT id FROM properties WHERE change_seq > 5");
        assert!(plan.contains("properties_changed"), "{plan}");
        // Due to be told again: by the time range, never by the source's every notice.
        let plan = store.query_plan(
            "SELECT property_id FROM notifications
             WHERE resolved_at IS NULL AND acked_at IS NULL
               AND kind NOT IN ('deadline_passed', 'deadline_near') AND notified_at <= 5
               AND +source = 'portfolio' AND property_id IS NOT NULL",
        );
        assert!(plan.contains("notifications_renotify"), "{plan}");
        // Pruning and settling read their own indexes, not every notification.
        let plan = store.query_plan(
            "SELECT id FROM notifications WHERE resolved_at IS NOT NULL AND resolved_at < 5",
        );
        assert!(plan.contains("notifications_resolved"), "{plan}");
        let plan = store.query_plan(
            "SELECT id FROM notifications
             WHERE source IN ('a', 'b') AND resolved_at IS NULL AND created_at <= 5",
        );
        assert!(plan.contains("notifications_open_created"), "{plan}");
        let plan = store.query_plan(
            "SELECT id FROM notifications WHERE source = 'portfolio' AND resolved_at IS NULL",
        );
        assert!(plan.contains("COVERING INDEX"), "{plan}");
    }

    #[test]
    fn every_write_to_a_property_or_its_contracts_moves_the_watermark() {
        let (_dir, mut store) = store();
        let seq = |store: &Store| store.change_seq().unwrap();
        let stamp = |store: &Store, id: i64| -> i64 {
            store
                .conn()
                .query_row(
                    "SELECT change_seq FROM properties WHERE id = ?1",
                    [id],
                    |r| r.get(0),
                )
                .unwrap()
        };
        store
            .transaction(|tx| {
                tx.insert_property(
                    &crate::store::PropertyRecord {
                        id: Some(7),
                        address: "1 Main St".into(),
                        ..Default::default()
                    },
                    0,
                )?;
                tx.insert_property(
                    &crate::store::PropertyRecord {
                        id: Some(3),
                        address: "2 Main St".into(),
                        ..Default::default()
                    },
                    0,
                )
            })
            .unwrap();
        assert_eq!(seq(&store), 2);
        assert_eq!((stamp(&store, 7), stamp(&store, 3)), (1, 2));
        // A re-score of close probabilities is not a change of facts.
        store
            .transaction(|tx| {
                Ok(tx
                    .conn()
                    .execute("UPDATE properties SET close_probability = 0.5", [])?)
            })
            .unwrap();
        assert_eq!(seq(&store), 2);
        // A contract on property 7 stamps it; the lower id 3 changes later and is above too.
        store.attach_contract(7, "Purchase", None, 10, 10).unwrap();
        assert!(stamp(&store, 7) > 2);
        store
            .update_property_facts(
                3,
                &crate::store::PropertyFactsUpdate {
                    score: Some(90.0),
                    ..Default::default()
                },
                20,
            )
            .unwrap();
        let mut changed = BTreeSet::new();
        store
            .properties_changed_since(stamp(&store, 7) - 1, &mut changed)
            .unwrap();
        assert_eq!(changed.into_iter().collect::<Vec<_>>(), vec![3, 7]);
    }
}
