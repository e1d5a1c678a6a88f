//! Properties: their facts, the derived stage columns, and the portfolio queries.

use std::sync::LazyLock;

use anyhow::Result;
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::column::OPEN_CONTRACT_STATUSES;
use super::{ensure_changed, Store, Tx};
use crate::config::StaleDays;
use crate::pipeline::{self, ContractFacts, MissedDeadline, PropertyFacts, Stage};

/// One property as imported or generated: the facts, not the derived columns.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PropertyRecord {
    pub id: Option<i64>,
    pub external_ref: Option<String>,
    pub address: String,
    pub city: Option<String>,
    pub state: Option<String>,
    pub zip: Option<String>,
    pub kind: Option<String>,
    pub list_price: Option<f64>,
    pub beds: Option<i64>,
    pub baths: Option<f64>,
    pub sqft: Option<i64>,
    pub score: Option<f64>,
    pub created_at: i64,
    pub enriched_at: Option<i64>,
    pub skip_traced_at: Option<i64>,
    pub blocked_reason: Option<String>,
    pub last_action_at: Option<i64>,
    /// A hold with a resume date (`hb property snooze`), and why.
    pub snoozed_until: Option<i64>,
    pub snooze_reason: Option<String>,
}

/// A row of `hb property list`: what the list shows, health computed by SQL.
#[derive(Debug, Clone, PartialEq)]
pub struct PropertyListRow {
    pub id: i64,
    pub address: String,
    pub city: Option<String>,
    pub state: Option<String>,
    pub stage: Stage,
    pub stage_entered_at: i64,
    pub score: Option<f64>,
    pub blocked: bool,
    pub blocked_reason: Option<String>,
    /// Without a recorded blocker: the open contract whose deadline passed first.
    pub missed: Option<MissedDeadline>,
    pub snoozed_until: Option<i64>,
    pub snooze_reason: Option<String>,
}

/// A property on hold (`hb property snooze`).
#[derive(Debug, Clone, PartialEq)]
pub struct SnoozedProperty {
    pub id: i64,
    pub address: String,
    pub until: i64,
    pub reason: Option<String>,
}

/// Which properties a list wants, by health.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HealthFilter {
    Any,
    Healthy,
    Stale,
    Snoozed,
    Blocked,
}

/// Manual facts of `hb property set`; `None` leaves a fact as it is.
#[derive(Debug, Clone, Default)]
pub struct PropertyFactsUpdate {
    pub enriched_at: Option<i64>,
    pub skip_traced_at: Option<i64>,
    /// `Some(None)` clears the blocker.
    pub blocked_reason: Option<Option<String>>,
    pub score: Option<f64>,
    pub last_action_at: Option<i64>,
}

/// SQL for `c` being an open contract whose deadline has come by `:now`:
/// `pipeline::deadline_missed`.
pub(crate) static DEADLINE_MISSED_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "c.status IN {} AND c.deadline_at <= :now",
        *OPEN_CONTRACT_STATUSES
    )
});

/// SQL for "property `p` is blocked at `:now`": a recorded blocker, or an open contract
/// past its deadline (the `blocked` of `pipeline::health`).
pub(crate) static BLOCKED_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "(p.blocked_reason IS NOT NULL OR EXISTS (
            SELECT 1 FROM contracts c WHERE c.property_id = p.id AND {}))",
        *DEADLINE_MISSED_SQL
    )
});

/// SQL for "property `p` is stale at `cutoff`" (an SQL expression holding
/// `pipeline::stale_cutoff` of its stage): the comparison of `pipeline::is_stale` on
/// `pipeline::clock_start`, written as two conditions so the planner keeps its range on
/// stage_entered_at. A snoozed property's resume date is after any cutoff: never stale.
pub(crate) fn stale_sql(cutoff: &str) -> String {
    format!(
        "p.stage_entered_at < {cutoff} AND {}",
        resumed_before_sql(cutoff)
    )
}

/// SQL for "property `p`'s clock started before `cutoff`" as far as its snooze goes:
/// never snoozed, or resumed before it (`pipeline::clock_start`).
pub(crate) fn resumed_before_sql(cutoff: &str) -> String {
    format!("(p.snoozed_until IS NULL OR p.snoozed_until < {cutoff})")
}

/// SQL for "property `p` is snoozed at `:now`" (`pipeline::is_snoozed`).
pub(crate) const SNOOZED_SQL: &str = "coalesce(p.snoozed_until > :now, 0)";

/// The negation of [`stale_sql`].
fn not_stale_sql(cutoff: &str) -> String {
    format!("(p.stage_entered_at >= {cutoff} OR p.snoozed_until >= {cutoff})")
}

impl Store {
    /// Everything the property heartbeat needs, in two indexed lookups.
    pub fn property_facts(&self, id: i64) -> Result<Option<PropertyFacts>> {
        property_facts(&self.conn, id)
    }

    /// Record manual facts and refresh the derived stage, in one transaction.
    pub fn update_property_facts(
        &mut self,
        id: i64,
        update: &PropertyFactsUpdate,
        now: i64,
    ) -> Result<()> {
        self.transaction(|tx| {
            let changed = tx.conn().execute(
                "UPDATE properties SET
                    enriched_at = COALESCE(:enriched_at, enriched_at),
                    skip_traced_at = COALESCE(:skip_traced_at, skip_traced_at),
                    blocked_reason = CASE WHEN :set_blocked THEN :blocked_reason ELSE blocked_reason END,
                    score = COALESCE(:score, score),
                    last_action_at = COALESCE(:last_action_at, last_action_at),
                    updated_at = :now
                 WHERE id = :id",
                rusqlite::named_params! {
                    ":enriched_at": update.enriched_at,
                    ":skip_traced_at": update.skip_traced_at,
                    ":set_blocked": update.blocked_reason.is_some(),
                    ":blocked_reason": update.blocked_reason.clone().flatten(),
                    ":score": update.score,
                    ":last_action_at": update.last_action_at,
                    ":now": now,
                    ":id": id,
                },
            )?;
            ensure_changed(changed, "property", id)?;
            tx.refresh_derived(id, now)
        })
    }

    /// Snooze a property until `until` for `reason` (`hb property snooze`), or, with
    /// None, end its snooze now: its clock starts again now either way once it resumes.
    pub fn snooze_property(
        &mut self,
        id: i64,
        snooze: Option<(i64, &str)>,
        now: i64,
    ) -> Result<()> {
        self.transaction(|tx| {
            let changed = match snooze {
                Some((until, reason)) => tx.conn().execute(
                    "UPDATE properties SET snoozed_until = ?2, snooze_reason = ?3, updated_at = ?4
                     WHERE id = ?1",
                    params![id, until, reason, now],
                )?,
                // Ended now, if it was snoozed; the resume date stays as its clock's start.
                None => tx.conn().execute(
                    "UPDATE properties SET snoozed_until = CASE WHEN snoozed_until > ?2
                        THEN ?2 ELSE snoozed_until END, snooze_reason = NULL, updated_at = ?2
                     WHERE id = ?1",
                    params![id, now],
                )?,
            };
            ensure_changed(changed, "property", id)
        })
    }

    /// The properties snoozed at `now`, soonest resume first (at most `limit`), and how
    /// many there are.
    pub fn snoozed_properties(
        &self,
        now: i64,
        limit: Option<usize>,
    ) -> Result<(u64, Vec<SnoozedProperty>)> {
        let total: u64 = self
            .conn
            .prepare_cached("SELECT count(*) FROM properties WHERE snoozed_until > ?1")?
            .query_row([now], |row| row.get(0))?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, address, snoozed_until, snooze_reason FROM properties
             WHERE snoozed_until > ?1 ORDER BY snoozed_until, id LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![now, limit.map_or(-1, |l| l as i64)], |row| {
            Ok(SnoozedProperty {
                id: row.get(0)?,
                address: row.get(1)?,
                until: row.get(2)?,
                reason: row.get(3)?,
            })
        })?;
        Ok((total, rows.collect::<rusqlite::Result<Vec<_>>>()?))
    }

    /// Properties of one stage, oldest in stage first, filtered by health at `now`; `limit`
    /// None: all of them. Uses the (stage, stage_entered_at) index, so a limit stays cheap
    /// on big stores.
    pub fn list_stage(
        &self,
        stage: Stage,
        health: HealthFilter,
        stale: &StaleDays,
        now: i64,
        limit: Option<usize>,
    ) -> Result<Vec<PropertyListRow>> {
        let Some(clause) = StageClause::new(stage, health, stale, now) else {
            return Ok(Vec::new());
        };
        // The first missed deadline, for the same blocked_reason `hb property ID` gives.
        let sql = format!(
            "SELECT p.id, p.address, p.city, p.state, p.stage, p.stage_entered_at, p.score,
                    {blocked} AS blocked, p.blocked_reason, m.id, m.name, m.deadline_at,
                    p.snoozed_until, p.snooze_reason
             FROM properties p
             LEFT JOIN contracts m ON p.blocked_reason IS NULL AND m.id = (
                 SELECT c.id FROM contracts c WHERE c.property_id = p.id AND {missed}
                 ORDER BY c.deadline_at, c.id LIMIT 1)
             WHERE p.stage = :stage {}
             ORDER BY p.stage_entered_at, p.id
             LIMIT :limit",
            clause.sql,
            blocked = *BLOCKED_SQL,
            missed = *DEADLINE_MISSED_SQL,
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let limit = limit.map_or(-1, |l| l as i64);
        let mut params = clause.params(&sql);
        params.push((":limit", &limit));
        let rows = stmt.query_map(params.as_slice(), list_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// How many properties `list_stage` would list without a limit.
    pub fn count_stage(
        &self,
        stage: Stage,
        health: HealthFilter,
        stale: &StaleDays,
        now: i64,
    ) -> Result<u64> {
        let Some(clause) = StageClause::new(stage, health, stale, now) else {
            return Ok(0);
        };
        let sql = format!(
            "SELECT count(*) FROM properties p WHERE p.stage = :stage {}",
            clause.sql
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let params = clause.params(&sql);
        Ok(stmt.query_row(params.as_slice(), |row| row.get(0))?)
    }

    /// Number of properties per stage.
    pub fn count_by_stage(&self) -> Result<Vec<(Stage, i64)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT stage, count(*) FROM properties GROUP BY stage")?;
        let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

/// The health filter of one stage's list, as SQL over `properties p`.
struct StageClause {
    sql: String,
    stage: Stage,
    now: i64,
    cutoff: Option<i64>,
}

impl StageClause {
    /// None when nothing in the stage can match (complete properties are never stale).
    fn new(stage: Stage, health: HealthFilter, stale: &StaleDays, now: i64) -> Option<Self> {
        let cutoff = pipeline::stale_cutoff(stage, stale, now);
        let blocked = &*BLOCKED_SQL;
        let stale_sql = stale_sql(":cutoff");
        let snoozed = SNOOZED_SQL;
        // `pipeline::health`: blocked, then snoozed, then stale, then healthy.
        let sql = match (health, cutoff) {
            (HealthFilter::Any, _) => String::new(),
            (HealthFilter::Blocked, _) => format!("AND {blocked}"),
            (HealthFilter::Snoozed, _) => format!("AND {snoozed} AND NOT {blocked}"),
            (HealthFilter::Stale, None) => return None,
            (HealthFilter::Stale, Some(_)) => format!("AND {stale_sql} AND NOT {blocked}"),
            (HealthFilter::Healthy, None) => format!("AND NOT {snoozed} AND NOT {blocked}"),
            (HealthFilter::Healthy, Some(_)) => format!(
                "AND {} AND NOT {snoozed} AND NOT {blocked}",
                not_stale_sql(":cutoff")
            ),
        };
        Some(StageClause {
            sql,
            stage,
            now,
            cutoff,
        })
    }

    /// The named parameters `sql` (a statement using this clause) needs.
    fn params(&self, sql: &str) -> Vec<(&'static str, &dyn rusqlite::ToSql)> {
        let mut params: Vec<(&'static str, &dyn rusqlite::ToSql)> = vec![(":stage", &self.stage)];
        if sql.contains(":now") {
            params.push((":now", &self.now));
        }
        if let (true, Some(cutoff)) = (sql.contains(":cutoff"), &self.cutoff) {
            params.push((":cutoff", cutoff));
        }
        params
    }
}

fn list_row(row: &Row<'_>) -> rusqlite::Result<PropertyListRow> {
    Ok(PropertyListRow {
        id: row.get(0)?,
        address: row.get(1)?,
        city: row.get(2)?,
        state: row.get(3)?,
        stage: row.get(4)?,
        stage_entered_at: row.get(5)?,
        score: row.get(6)?,
        blocked: row.get(7)?,
        blocked_reason: row.get(8)?,
        missed: match row.get::<_, Option<i64>>(9)? {
            Some(contract_id) => Some(MissedDeadline {
                contract_id,
                name: row.get(10)?,
                deadline_at: row.get(11)?,
            }),
            None => None,
        },
        snoozed_until: row.get(12)?,
        snooze_reason: row.get(13)?,
    })
}

pub(crate) fn property_facts(conn: &Connection, id: i64) -> Result<Option<PropertyFacts>> {
    let property = conn
        .prepare_cached(
            "SELECT id, address, created_at, enriched_at, skip_traced_at, blocked_reason,
                    snoozed_until, snooze_reason
             FROM properties WHERE id = ?1",
        )?
        .query_row([id], |row| {
            Ok(PropertyFacts {
                id: row.get(0)?,
                address: row.get(1)?,
                created_at: row.get(2)?,
                enriched_at: row.get(3)?,
                skip_traced_at: row.get(4)?,
                blocked_reason: row.get(5)?,
                snoozed_until: row.get(6)?,
                snooze_reason: row.get(7)?,
                contracts: Vec::new(),
            })
        })
        .optional()?;
    let Some(mut property) = property else {
        return Ok(None);
    };
    property.contracts = contract_facts(conn, id)?;
    Ok(Some(property))
}

pub(crate) fn contract_facts(conn: &Connection, property_id: i64) -> Result<Vec<ContractFacts>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, status, attached_at, completed_at, deadline_at
         FROM contracts WHERE property_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([property_id], |row| {
        Ok(ContractFacts {
            id: row.get(0)?,
            name: row.get(1)?,
            status: row.get(2)?,
            attached_at: row.get(3)?,
            completed_at: row.get(4)?,
            deadline_at: row.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

impl Tx<'_> {
    /// Recompute a property's derived stage columns from its facts and contracts.
    pub(crate) fn refresh_derived(&self, id: i64, now: i64) -> Result<()> {
        let conn = self.conn();
        let Some(facts) = property_facts(conn, id)? else {
            return Ok(());
        };
        let derived = pipeline::derive(
            facts.created_at,
            facts.enriched_at,
            facts.skip_traced_at,
            &facts.contracts,
        );
        conn.prepare_cached(
            "UPDATE properties SET stage = ?2, stage_entered_at = ?3, contracts_attached_at = ?4,
            contracts_completed_at = ?5, updated_at = ?6 WHERE id = ?1",
        )?
        .execute(params![
            id,
            derived.stage,
            derived.stage_entered_at,
            derived.contracts_attached_at,
            derived.contracts_completed_at,
            now
        ])?;
        Ok(())
    }

    /// Insert a property with its derived columns (a new property has no contracts yet).
    /// Returns its id.
    pub(crate) fn insert_property(&self, p: &PropertyRecord, now: i64) -> Result<i64> {
        let conn = self.conn();
        let derived = pipeline::derive(p.created_at, p.enriched_at, p.skip_traced_at, &[]);
        conn.prepare_cached(
            "INSERT INTO properties (id, external_ref, address, city, state, zip, kind, list_price,
                beds, baths, sqft, score, created_at, enriched_at, skip_traced_at, blocked_reason,
                last_action_at, stage, stage_entered_at, updated_at, snoozed_until, snooze_reason)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                ?18, ?19, ?20, ?21, ?22)",
        )?
        .execute(params![
            p.id,
            p.external_ref,
            p.address,
            p.city,
            p.state,
            p.zip,
            p.kind,
            p.list_price,
            p.beds,
            p.baths,
            p.sqft,
            p.score,
            p.created_at,
            p.enriched_at,
            p.skip_traced_at,
            p.blocked_reason,
            p.last_action_at,
            derived.stage,
            derived.stage_entered_at,
            now,
            p.snoozed_until,
            p.snooze_reason
        ])?;
        Ok(conn.last_insert_rowid())
    }
}
