//! Counts for the metrics export, from indexes rather than a scan of every property.

use std::collections::HashMap;

use anyhow::Result;

use super::properties::{stale_sql, BLOCKED_SQL, DEADLINE_MISSED_SQL};
use super::Store;
use crate::config::StaleDays;
use crate::pipeline::{self, Health, Stage};

pub const HEALTHS: [Health; 4] = Health::ALL;

impl Store {
    /// Properties per stage and health at `now`, every combination present (0 when none).
    ///
    /// Health as everywhere else: blocked (a blocker, or an open contract past its
    /// deadline) wins over snoozed (a resume date ahead), which wins over stale (longer
    /// than its threshold since its clock started). Totals and
    /// "old in stage" are range counts on (stage, stage_entered_at); the blocked set comes
    /// from the partial indexes on blockers and open deadlines, and is classified here.
    pub fn count_by_stage_health(
        &self,
        stale: &StaleDays,
        now: i64,
    ) -> Result<Vec<(Stage, Health, i64)>> {
        let totals: HashMap<Stage, i64> = self.count_by_stage()?.into_iter().collect();
        let cutoff = |stage: Stage| pipeline::stale_cutoff(stage, stale, now);
        let mut old_stmt = self.conn.prepare_cached(&format!(
            "SELECT count(*) FROM properties p WHERE p.stage = ?1 AND {}",
            stale_sql("?2")
        ))?;
        let mut blocked_stmt = self.conn.prepare_cached(&format!(
            "WITH blocked (id) AS (
                SELECT id FROM properties WHERE blocked_reason IS NOT NULL
                UNION
                SELECT c.property_id FROM contracts c WHERE {}
             )
             SELECT p.stage, p.stage_entered_at, p.snoozed_until
             FROM blocked b JOIN properties p ON p.id = b.id",
            *DEADLINE_MISSED_SQL
        ))?;
        let blocked_rows =
            blocked_stmt.query_map(rusqlite::named_params! {":now": now}, |row| {
                Ok((
                    row.get::<_, Stage>(0)?,
                    row.get::<_, i64>(1)?,
                    row.get::<_, Option<i64>>(2)?,
                ))
            })?;
        // Per stage: blocked, and blocked while old enough to be stale (not counted twice).
        let mut blocked: HashMap<Stage, (i64, i64)> = HashMap::new();
        for row in blocked_rows {
            let (stage, entered, snoozed_until) = row?;
            let entry = blocked.entry(stage).or_default();
            entry.0 += 1;
            let clock = pipeline::clock_start(entered, snoozed_until);
            if pipeline::is_stale(stage, clock, stale, now) {
                entry.1 += 1;
            }
        }
        // Snoozed and not blocked, per stage (never stale: their resume date is ahead).
        let mut snoozed_stmt = self.conn.prepare_cached(&format!(
            "SELECT p.stage, count(*) FROM properties p
             WHERE p.snoozed_until > :now AND NOT {} GROUP BY p.stage",
            *BLOCKED_SQL
        ))?;
        let snoozed: HashMap<Stage, i64> = snoozed_stmt
            .query_map(rusqlite::named_params! {":now": now}, |row| {
                Ok((row.get::<_, Stage>(0)?, row.get::<_, i64>(1)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut counts = Vec::with_capacity(Stage::ALL.len() * HEALTHS.len());
        for stage in Stage::ALL {
            let total = totals.get(&stage).copied().unwrap_or(0);
            let old = match cutoff(stage) {
                Some(c) => old_stmt.query_row(rusqlite::params![stage, c], |r| r.get(0))?,
                None => 0,
            };
            let (blocked_all, blocked_old) = blocked.get(&stage).copied().unwrap_or((0, 0));
            let stale_count = old - blocked_old;
            let snoozed_count = snoozed.get(&stage).copied().unwrap_or(0);
            counts.push((
                stage,
                Health::Healthy,
                total - blocked_all - stale_count - snoozed_count,
            ));
            counts.push((stage, Health::Stale, stale_count));
            counts.push((stage, Health::Snoozed, snoozed_count));
            counts.push((stage, Health::Blocked, blocked_all));
        }
        Ok(counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{HealthFilter, PropertyRecord};

    const DAY: i64 = 86_400;
    const NOW: i64 = 1_795_000_000;

    fn property(id: i64, created_at: i64, blocked: Option<&str>) -> PropertyRecord {
        PropertyRecord {
            id: Some(id),
            address: format!("{id} Main St"),
            created_at,
            blocked_reason: blocked.map(str::to_string),
            ..PropertyRecord::default()
        }
    }

    #[test]
    fn counts_agree_with_the_property_list() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("hb.db")).unwrap();
        store
            .transaction(|tx| {
                let rows = [
                    property(1, NOW - DAY, None),                 // new, healthy
                    property(2, NOW - 10 * DAY, None),            // new, stale
                    property(3, NOW - 10 * DAY, Some("lawsuit")), // new, blocked (and old)
                    property(4, NOW - DAY, Some("title")),        // new, blocked
                    property(5, NOW - 10 * DAY, None),            // waiting, deadline passed
                    PropertyRecord {
                        snoozed_until: Some(NOW + DAY),
                        ..property(6, NOW - 10 * DAY, None) // new, snoozed (and old)
                    },
                    PropertyRecord {
                        snoozed_until: Some(NOW - DAY),
                        ..property(7, NOW - 10 * DAY, None) // new, resumed a day ago: healthy
                    },
                    PropertyRecord {
                        snoozed_until: Some(NOW + DAY),
                        ..property(8, NOW - DAY, Some("lien")) // new, blocked (and snoozed)
                    },
                ];
                for p in &rows {
                    tx.insert_property(p, NOW)?;
                }
                Ok(())
            })
            .unwrap();
        store
            .attach_contract(5, "Purchase", Some(NOW - DAY), NOW - 2 * DAY, NOW)
            .unwrap();
        let stale = StaleDays::default();
        let counts = store.count_by_stage_health(&stale, NOW).unwrap();
        assert_eq!(counts.len(), 20);
        let get = |stage: Stage, health: Health| {
            counts
                .iter()
                .find(|(s, h, _)| *s == stage && *h == health)
                .map(|(_, _, n)| *n)
                .unwrap()
        };
        assert_eq!(get(Stage::New, Health::Healthy), 2);
        assert_eq!(get(Stage::New, Health::Stale), 1);
        assert_eq!(get(Stage::New, Health::Snoozed), 1);
        assert_eq!(get(Stage::New, Health::Blocked), 3);
        assert_eq!(get(Stage::WaitingForContracts, Health::Blocked), 1);
        assert_eq!(get(Stage::WaitingForContracts, Health::Stale), 0);
        assert_eq!(get(Stage::Complete, Health::Healthy), 0);
        // The same answer as the list, filter by filter.
        for stage in Stage::ALL {
            for (health, filter) in [
                (Health::Healthy, HealthFilter::Healthy),
                (Health::Stale, HealthFilter::Stale),
                (Health::Snoozed, HealthFilter::Snoozed),
                (Health::Blocked, HealthFilter::Blocked),
            ] {
                let listed = store
                    .list_stage(stage, filter, &stale, NOW, Some(1000))
                    .unwrap()
                    .len() as i64;
                assert_eq!(get(stage, health), listed, "{stage:?} {health:?}");
            }
        }
    }

    #[test]
    fn queries_use_indexes() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("hb.db")).unwrap();
        let plan = |sql: &str| store.query_plan(sql);
        let old =
            plan("SELECT count(*) FROM properties WHERE stage = 'new' AND stage_entered_at < 5");
        assert!(old.contains("properties_stage_entered"), "{old}");
        let deadlines = plan(&format!(
            "SELECT c.property_id FROM contracts c WHERE {}",
            DEADLINE_MISSED_SQL.replace(":now", "5")
        ));
        assert!(deadlines.contains("contracts_open_deadline"), "{deadlines}");
        let blockers = plan("SELECT id FROM properties WHERE blocked_reason IS NOT NULL");
        assert!(blockers.contains("properties_blocked"), "{blockers}");
    }
}
