//! The portfolio queries behind `hb insights` and the cycle's portfolio module.
//!
//! Each kind of finding is one WHERE clause over a partial or composite index, used both
//! to count and to stream rows, so a million-property store is never loaded into memory.

use anyhow::Result;
use std::sync::LazyLock;

use rusqlite::Row;

use super::column::{literal, OPEN_CONTRACT_STATUSES};
use super::properties::{resumed_before_sql, stale_sql, BLOCKED_SQL};
use super::Store;
use crate::pipeline::{ContractStatus, Stage};

/// One query of the portfolio, with the cutoffs it needs (unix seconds).
#[derive(Debug, Clone, PartialEq)]
pub enum FindingQuery {
    /// In `stage` since before `cutoff` (`pipeline::stale_cutoff`), and not blocked.
    Stale { stage: Stage, cutoff: i64 },
    /// A blocker is recorded.
    Blocked,
    /// An open contract whose deadline is before `until` (passed or near).
    Deadline { until: i64 },
    /// Sent before `cutoff` and still unsigned.
    Unsigned { cutoff: i64 },
    /// Created before `cutoff` and not enriched, unless it is already stale as new.
    MissingEnrichment { cutoff: i64, new_stale_cutoff: i64 },
    /// Enriched before `cutoff` and not skip traced, unless already stale as enriched.
    MissingSkipTrace {
        cutoff: i64,
        enriched_stale_cutoff: i64,
    },
    /// Score at least `min_score`, not complete, nothing happened since `cutoff`.
    HighScoreIdle { min_score: f64, cutoff: i64 },
}

/// What a finding needs from the store; `at` is the time the condition is measured from.
#[derive(Debug, Clone, PartialEq)]
pub struct FindingRow {
    pub property_id: i64,
    pub address: String,
    pub stage: Stage,
    pub at: i64,
    pub contract_id: Option<i64>,
    pub contract_name: Option<String>,
    pub blocked_reason: Option<String>,
    pub score: Option<f64>,
    /// The property's latest resume date: `at` of a stale property counts from it.
    pub snoozed_until: Option<i64>,
}

struct Plan {
    from: &'static str,
    /// What a count reads: contracts alone when the join only fetches display columns
    /// (every contract has its property: a foreign key).
    count_from: &'static str,
    filter: String,
    order: &'static str,
    /// Columns: property id, address, stage, at, contract id, contract name, blocker,
    /// score, resume date.
    columns: &'static str,
}

/// The properties the missing-enrichment finding can hold at `:b` (the new stage's stale
/// cutoff), as `properties p`: those past the new stage, and the new ones not stale
/// (`stage_entered_at >= :b`, or a snooze that ended at or after `:b`: the negation of
/// `stale_sql`); the first two branches read an index in creation order, the third the
/// few snoozed ones (named: asked for creation order, the planner walked the whole creation
/// index and looked every property up, 2 s on the 1M demo store). A new property entered its stage when it was created
/// (`pipeline::derive`), so `created_at >= :b` only restates the second branch's
/// condition as a range of the creation index (the `+`s keep the planner off the stage
/// index, whose order would need sorting every new property).
static UNENRICHED: LazyLock<String> = LazyLock::new(|| {
    let new = literal(Stage::New.as_str());
    format!(
        "(SELECT * FROM properties WHERE enriched_at IS NULL AND stage <> {new}
          UNION ALL
          SELECT * FROM properties WHERE +stage = {new} AND +stage_entered_at >= :b
            AND enriched_at IS NULL AND created_at >= :b
          UNION ALL
          SELECT * FROM properties INDEXED BY properties_snoozed
            WHERE +stage = {new} AND +stage_entered_at < :b
            AND snoozed_until >= :b AND enriched_at IS NULL) p"
    )
});

const PROPERTY_COLUMNS_AT_STAGE: &str = "p.id, p.address, p.stage, p.stage_entered_at, NULL, NULL,
     p.blocked_reason, p.score, p.snoozed_until";

fn plan(query: &FindingQuery) -> Plan {
    let blocked = &*BLOCKED_SQL;
    let property = "properties p";
    let contract = "contracts c JOIN properties p ON p.id = c.property_id";
    let contract_only = "contracts c";
    match query {
        FindingQuery::Stale { .. } => Plan {
            from: property,
            count_from: property,
            filter: format!("p.stage = :stage AND {} AND NOT {blocked}", stale_sql(":a")),
            order: "p.stage_entered_at, p.id",
            // Its clock: from its resume date when a snooze ended since it entered the stage.
            columns: "p.id, p.address, p.stage,
                      max(p.stage_entered_at, coalesce(p.snoozed_until, p.stage_entered_at)),
                      NULL, NULL, p.blocked_reason, p.score, p.snoozed_until",
        },
        FindingQuery::Blocked => Plan {
            from: property,
            count_from: property,
            filter: "p.blocked_reason IS NOT NULL".into(),
            order: "p.id",
            columns: PROPERTY_COLUMNS_AT_STAGE,
        },
        FindingQuery::Deadline { .. } => Plan {
            from: contract,
            count_from: contract_only,
            filter: format!(
                "c.deadline_at IS NOT NULL AND c.status IN {} AND c.deadline_at < :a",
                *OPEN_CONTRACT_STATUSES
            ),
            order: "c.deadline_at, c.id",
            columns: "p.id, p.address, p.stage, c.deadline_at, c.id, c.name, p.blocked_reason,
                      p.score, p.snoozed_until",
        },
        FindingQuery::Unsigned { .. } => Plan {
            from: contract,
            // The property's snooze counts too: the join is needed.
            count_from: contract,
            filter: format!(
                "c.status = {} AND c.sent_at < :a AND {}",
                literal(ContractStatus::Sent.as_str()),
                resumed_before_sql(":a")
            ),
            order: "c.sent_at, c.id",
            columns: "p.id, p.address, p.stage, c.sent_at, c.id, c.name, p.blocked_reason,
                      p.score, p.snoozed_until",
        },
        // Not enriched, and not stale as new: past the new stage (a small partial
        // index), or new and not yet stale (a range of the stage index).
        FindingQuery::MissingEnrichment { .. } => Plan {
            from: UNENRICHED.as_str(),
            count_from: UNENRICHED.as_str(),
            filter: format!("p.created_at < :a AND {}", resumed_before_sql(":a")),
            order: "p.created_at, p.id",
            columns: "p.id, p.address, p.stage, p.created_at, NULL, NULL, p.blocked_reason,
                      p.score, p.snoozed_until",
        },
        FindingQuery::MissingSkipTrace { .. } => Plan {
            from: property,
            count_from: property,
            filter: format!(
                "p.skip_traced_at IS NULL AND p.enriched_at IS NOT NULL AND p.enriched_at < :a
                 AND {} AND NOT (p.stage = {} AND {})",
                resumed_before_sql(":a"),
                literal(Stage::Enriched.as_str()),
                stale_sql(":b")
            ),
            order: "p.enriched_at, p.id",
            columns: "p.id, p.address, p.stage, p.enriched_at, NULL, NULL, p.blocked_reason,
                      p.score, p.snoozed_until",
        },
        FindingQuery::HighScoreIdle { .. } => Plan {
            from: property,
            count_from: property,
            filter: format!(
                "p.score IS NOT NULL AND p.score >= :score AND p.stage <> {}
                 AND max(coalesce(p.last_action_at, 0), p.stage_entered_at) < :a AND {}",
                literal(Stage::Complete.as_str()),
                resumed_before_sql(":a")
            ),
            order: "p.score DESC, p.id",
            columns:
                "p.id, p.address, p.stage, max(coalesce(p.last_action_at, 0), p.stage_entered_at),
                      NULL, NULL, p.blocked_reason, p.score, p.snoozed_until",
        },
    }
}

fn bind<'a>(
    query: &'a FindingQuery,
    now: &'a i64,
    sql: &str,
) -> Vec<(&'static str, &'a dyn rusqlite::ToSql)> {
    let mut params: Vec<(&'static str, &dyn rusqlite::ToSql)> = Vec::new();
    if sql.contains(":now") {
        params.push((":now", now));
    }
    match query {
        FindingQuery::Stale { stage, cutoff } => {
            params.push((":stage", stage));
            params.push((":a", cutoff));
        }
        FindingQuery::Blocked => {}
        FindingQuery::Deadline { until: a } | FindingQuery::Unsigned { cutoff: a } => {
            params.push((":a", a))
        }
        FindingQuery::MissingEnrichment {
            cutoff,
            new_stale_cutoff: b,
        }
        | FindingQuery::MissingSkipTrace {
            cutoff,
            enriched_stale_cutoff: b,
        } => {
            params.push((":a", cutoff));
            params.push((":b", b));
        }
        FindingQuery::HighScoreIdle { min_score, cutoff } => {
            params.push((":score", min_score));
            params.push((":a", cutoff));
        }
    }
    params
}

impl Store {
    pub fn count_findings(&self, query: &FindingQuery, now: i64) -> Result<i64> {
        let plan = plan(query);
        let sql = format!(
            "SELECT count(*) FROM {} WHERE {}",
            plan.count_from, plan.filter
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let params = bind(query, &now, &sql);
        Ok(stmt.query_row(params.as_slice(), |row| row.get(0))?)
    }

    /// Stream the rows of one finding query, in the query's natural order.
    pub fn scan_findings(
        &self,
        query: &FindingQuery,
        now: i64,
        limit: Option<usize>,
        mut each: impl FnMut(FindingRow) -> Result<()>,
    ) -> Result<()> {
        let plan = plan(query);
        let sql = format!(
            "SELECT {} FROM {} WHERE {} ORDER BY {} LIMIT {}",
            plan.columns,
            plan.from,
            plan.filter,
            plan.order,
            limit.map(|l| l as i64).unwrap_or(-1)
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let params = bind(query, &now, &sql);
        let mut rows = stmt.query(params.as_slice())?;
        while let Some(row) = rows.next()? {
            each(finding_row(row)?)?;
        }
        Ok(())
    }

    /// The rows of one finding query for the properties `ids`: the incremental cycle's
    /// re-check of the properties that changed or whose moment came (the full scan's
    /// filter, and a lookup by property id; one statement for them all).
    pub fn scan_findings_of(
        &self,
        query: &FindingQuery,
        now: i64,
        ids: &std::collections::BTreeSet<i64>,
        mut each: impl FnMut(FindingRow) -> Result<()>,
    ) -> Result<()> {
        let plan = plan(query);
        let sql = format!(
            "SELECT {} FROM {} WHERE p.id = :property AND {} ORDER BY {}",
            plan.columns, plan.from, plan.filter, plan.order,
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        for id in ids {
            let mut params = bind(query, &now, &sql);
            params.push((":property", id));
            let mut rows = stmt.query(params.as_slice())?;
            while let Some(row) = rows.next()? {
                each(finding_row(row)?)?;
            }
        }
        Ok(())
    }

    /// The statements of the full scan with their values inlined, as `sqlite3` can run
    /// them: the floor the benchmark compares the full reconcile with.
    pub fn finding_scan_sql(&self, query: &FindingQuery, now: i64) -> Result<String> {
        let plan = plan(query);
        // The statement `scan_findings` runs without a limit, as text.
        let sql = format!(
            "SELECT {} FROM {} WHERE {} ORDER BY {} LIMIT -1",
            plan.columns, plan.from, plan.filter, plan.order
        );
        let mut text = sql.clone();
        // Longest names first: `:a` must not eat the start of another name.
        let mut params = bind(query, &now, &sql);
        params.sort_by_key(|(name, _)| std::cmp::Reverse(name.len()));
        for (name, value) in params {
            let literal: String = self
                .conn
                .query_row("SELECT quote(?1)", [value], |r| r.get(0))?;
            text = text.replace(name, &literal);
        }
        Ok(format!(
            "{};",
            text.split_whitespace().collect::<Vec<_>>().join(" ")
        ))
    }
}

fn finding_row(row: &Row<'_>) -> rusqlite::Result<FindingRow> {
    Ok(FindingRow {
        property_id: row.get(0)?,
        address: row.get(1)?,
        stage: row.get(2)?,
        at: row.get(3)?,
        contract_id: row.get(4)?,
        contract_name: row.get(5)?,
        blocked_reason: row.get(6)?,
        score: row.get(7)?,
        snoozed_until: row.get(8)?,
    })
}
