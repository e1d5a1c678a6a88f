//! Check results, per-check state and metric series.

use std::collections::{HashMap, HashSet};

use anyhow::{Context, Result};
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::runs::RunStatus;
use super::{Store, Tx};
use crate::checks::{
    decode_history, encode_history, CheckOutcome, CheckState, Group, Incident, RecordedResult,
    Silenced, Status,
};

/// The `runs.trigger` of `hb checks run`.
pub const CHECKS_TRIGGER: &str = "checks";
/// The `runs.trigger` of the demo's own run of its checks.
pub const DEMO_TRIGGER: &str = "demo";

/// Whether a run's check results count toward the checks' state (the streaks that drive
/// `alert_after` and `escalate_after`, and when each check is next due). Only the system
/// heartbeat counts: `hb cycle`, whatever its selection. `hb checks run` and `hb demo`
/// are recorded and shown, but a manual run must never make the next cycle escalate.
pub fn trigger_counts(trigger: &str) -> bool {
    trigger != CHECKS_TRIGGER && trigger != DEMO_TRIGGER
}

/// Whether recorded results move the checks' counted state.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Counting<'a> {
    /// A heartbeat: results, and each check's state after them (`CheckState::next`,
    /// computed by the caller under the check's rules), by name.
    Counts(&'a HashMap<String, CheckState>),
    /// A manual or demo run: results only (shown on the boards as not counted).
    Shown,
}

/// One check's result in a run, as `hb logs RUN_ID` shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckResultRow {
    pub name: String,
    pub group: Group,
    pub status: Status,
    pub latency_ms: Option<i64>,
    pub message: String,
    pub value: Option<f64>,
    /// JSON written by the checks engine: the remediation commands and the re-check.
    pub remediation: Option<String>,
    /// The silence the result fell in and what it held back.
    pub silenced: Option<Silenced>,
}

/// A result recorded under a silence: which check, when, and what was held back.
#[derive(Debug, Clone, PartialEq)]
pub struct SilencedResult {
    pub check: String,
    pub status: Status,
    pub started_at: i64,
    pub silenced: Silenced,
}

/// One recorded result of one check, with the run that recorded it.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckHistoryRow {
    pub run_id: i64,
    /// `runs.trigger`: whether the result counted (`trigger_counts`).
    pub trigger: String,
    pub status: Status,
    pub started_at: i64,
    pub latency_ms: Option<i64>,
    pub value: Option<f64>,
    pub message: String,
}

/// The latest value of one metric series.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricRow {
    pub check: String,
    pub label: String,
    pub value: f64,
    pub unit: Option<String>,
    pub at: i64,
}

impl Store {
    /// `(check, status, latency_ms)` of every counted result since `since`, grouped by
    /// check: uptime and latency figures are the heartbeat's, not a manual run's.
    pub fn check_results_since(&self, since: i64) -> Result<Vec<(String, Status, Option<i64>)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.check_name, c.status, c.latency_ms FROM check_results c
             JOIN runs r ON r.id = c.run_id
             WHERE c.started_at >= ?1 AND r.trigger NOT IN (?2, ?3)
             ORDER BY c.check_name, c.started_at",
        )?;
        let rows = stmt.query_map(params![since, CHECKS_TRIGGER, DEMO_TRIGGER], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Every recorded result of the check `name` since `since`, from any run, newest first.
    pub fn check_history(&self, name: &str, since: i64) -> Result<Vec<CheckHistoryRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.run_id, r.trigger, c.status, c.started_at, c.latency_ms, c.value, c.message
             FROM check_results c JOIN runs r ON r.id = c.run_id
             WHERE c.check_name = ?1 AND c.started_at >= ?2
             ORDER BY c.started_at DESC, c.id DESC",
        )?;
        let rows = stmt.query_map(params![name, since], |row| {
            Ok(CheckHistoryRow {
                run_id: row.get(0)?,
                trigger: row.get(1)?,
                // Stored as text; unknown text is an error (`column`).
                status: row.get(2)?,
                started_at: row.get(3)?,
                latency_ms: row.get(4)?,
                value: row.get(5)?,
                message: row.get(6)?,
            })
        })?;
        let history = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(history)
    }

    /// Each named check's latest recorded result, from any run (boards show it, marked
    /// when it did not count).
    pub fn latest_results<'a>(
        &self,
        names: impl IntoIterator<Item = &'a str>,
    ) -> Result<HashMap<String, RecordedResult>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.run_id, r.trigger, c.status, c.message, c.started_at
             FROM check_results c JOIN runs r ON r.id = c.run_id
             WHERE c.check_name = ?1 ORDER BY c.started_at DESC, c.id DESC LIMIT 1",
        )?;
        let mut latest = HashMap::new();
        for name in names {
            let found = stmt
                .query_row([name], |row| {
                    Ok(RecordedResult {
                        run_id: row.get(0)?,
                        trigger: row.get(1)?,
                        status: row.get(2)?,
                        message: row.get(3)?,
                        started_at: row.get(4)?,
                    })
                })
                .optional()?;
            if let Some(result) = found {
                latest.insert(name.to_string(), result);
            }
        }
        Ok(latest)
    }

    /// The latest value of every metric series recorded since `since`.
    pub fn latest_metrics(&self, since: i64) -> Result<Vec<MetricRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT m.check_name, m.label, m.value, m.unit, m.at FROM metric_values m
             WHERE m.at >= ?1 AND m.at = (SELECT max(at) FROM metric_values l
                                          WHERE l.check_name = m.check_name AND l.label = m.label)
             GROUP BY m.check_name, m.label ORDER BY m.check_name, m.label",
        )?;
        let rows = stmt.query_map([since], |row| {
            Ok(MetricRow {
                check: row.get(0)?,
                label: row.get(1)?,
                value: row.get(2)?,
                unit: row.get(3)?,
                at: row.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Which of `names` hb has ever seen pass: an ok in their state or in any recorded
    /// result (a manual run's ok proves the address right as well as a cycle's).
    pub fn passed_checks<'a>(
        &self,
        names: impl IntoIterator<Item = &'a str>,
    ) -> Result<HashSet<String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM check_state WHERE name = ?1 AND last_ok_at IS NOT NULL)
                 OR EXISTS (SELECT 1 FROM check_results WHERE check_name = ?1 AND status = ?2)",
        )?;
        let mut passed = HashSet::new();
        for name in names {
            if stmt.query_row(params![name, Status::Ok], |row| row.get::<_, bool>(0))? {
                passed.insert(name.to_string());
            }
        }
        Ok(passed)
    }

    /// Every check's state, by name.
    pub fn check_states(&self) -> Result<HashMap<String, CheckState>> {
        check_states(&self.conn)
    }

    /// Record outcomes of a run (results, metric series and, when it counts, state) in
    /// one transaction.
    pub fn record_check_results(
        &mut self,
        run_id: i64,
        outcomes: &[CheckOutcome],
        counting: Counting,
    ) -> Result<()> {
        self.transaction(|tx| tx.record_check_results(run_id, outcomes, counting))
    }

    /// The check results recorded under one run, in the order they were recorded.
    pub fn check_results(&self, run_id: i64) -> Result<Vec<CheckResultRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT check_name, check_group, status, latency_ms, message, value, remediation,
                    silenced
             FROM check_results WHERE run_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([run_id], |row| {
            Ok(CheckResultRow {
                name: row.get(0)?,
                group: row.get(1)?,
                status: row.get(2)?,
                latency_ms: row.get(3)?,
                message: row.get(4)?,
                value: row.get(5)?,
                remediation: row.get(6)?,
                silenced: silenced_column(row, 7)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The results recorded under a silence since `since`, oldest first: what the
    /// silences held back, for `hb status`.
    pub fn silenced_results_since(&self, since: i64) -> Result<Vec<SilencedResult>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT check_name, status, started_at, silenced FROM check_results
             WHERE started_at >= ?1 AND silenced IS NOT NULL ORDER BY started_at, id",
        )?;
        let rows = stmt.query_map([since], |row| {
            Ok(SilencedResult {
                check: row.get(0)?,
                status: row.get(1)?,
                started_at: row.get(2)?,
                silenced: silenced_column(row, 3)?.unwrap_or_else(|| Silenced {
                    by: String::new(),
                    reason: String::new(),
                    until: 0,
                    held: Vec::new(),
                }),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// A `runs` row for `hb checks run`, status `running` until it is finished.
    pub fn start_checks_run(&mut self, now: i64) -> Result<i64> {
        self.transaction(|tx| {
            tx.conn().execute(
                "INSERT INTO runs (trigger, started_at, status, pid) VALUES (?1, ?2, ?3, ?4)",
                params![CHECKS_TRIGGER, now, RunStatus::Running, std::process::id()],
            )?;
            Ok(tx.conn().last_insert_rowid())
        })
        .context("could not start a run")
    }

    /// Record a `hb checks run` and finish its run row, in one transaction. The results
    /// are shown, not counted. The run is `ok`: it did its work, whatever the checks
    /// found (as a cycle with a critical check is ok); the summary carries the tally.
    pub fn finish_checks_run(
        &mut self,
        run_id: i64,
        outcomes: &[CheckOutcome],
        now: i64,
        duration_ms: u64,
    ) -> Result<()> {
        let line = format!("checks run {run_id}: {}", crate::checks::summary(outcomes));
        let summary = serde_json::json!({
            "line": line,
            "status": crate::checks::worst(outcomes),
        })
        .to_string();
        self.transaction(|tx| {
            tx.record_check_results(run_id, outcomes, Counting::Shown)?;
            tx.conn().execute(
                "UPDATE runs SET status = ?2, finished_at = ?3, duration_ms = ?4, summary = ?5
                 WHERE id = ?1",
                params![
                    run_id,
                    RunStatus::Ok,
                    now + (duration_ms / 1000) as i64,
                    duration_ms as i64,
                    summary
                ],
            )?;
            Ok(())
        })
    }
}

impl Tx<'_> {
    /// Insert each outcome's result and metric values under `run_id`, and, when the run
    /// counts, write each check's state after it. Times come from the outcomes
    /// (`started_at`).
    pub fn record_check_results(
        &self,
        run_id: i64,
        outcomes: &[CheckOutcome],
        counting: Counting,
    ) -> Result<()> {
        let conn = self.conn();
        let mut insert_result = conn.prepare_cached(
            "INSERT INTO check_results (run_id, check_name, check_group, check_type, severity,
                 status, latency_ms, message, value, started_at, duration_ms, remediation,
                 silenced)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        )?;
        let mut insert_metric = conn.prepare_cached(
            "INSERT INTO metric_values (run_id, check_name, label, value, unit, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for outcome in outcomes {
            let remediation = outcome
                .remediation
                .as_ref()
                .map(serde_json::to_string)
                .transpose()?;
            let silenced = outcome
                .silenced
                .as_ref()
                .map(serde_json::to_string)
                .transpose()?;
            insert_result.execute(params![
                run_id,
                outcome.name,
                outcome.group,
                outcome.kind.as_str(),
                outcome.severity.as_str(),
                outcome.status,
                outcome.latency_ms.map(|l| l as i64),
                outcome.message,
                outcome.value,
                outcome.started_at,
                outcome.duration_ms as i64,
                remediation,
                silenced,
            ])?;
            for metric in &outcome.metrics {
                insert_metric.execute(params![
                    run_id,
                    outcome.name,
                    metric.label,
                    metric.value,
                    metric.unit,
                    outcome.started_at
                ])?;
            }
            if let Counting::Counts(states) = counting {
                if let Some(next) = states.get(&outcome.name) {
                    write_state(conn, next)?;
                }
            }
        }
        Ok(())
    }
}

const STATE_COLUMNS: &str = "name, status, since, failing_since, consecutive_failures,
    consecutive_successes, last_run_at, last_run_id, last_ok_at, last_failure_at,
    last_message, last_value, last_latency_ms, history, incident_since, incident_failures,
    incident_status, incident_message, flapping_since";

/// `check_results.silenced`: JSON the cycle wrote (`Silenced`).
fn silenced_column(row: &Row<'_>, index: usize) -> rusqlite::Result<Option<Silenced>> {
    let Some(text) = row.get::<_, Option<String>>(index)? else {
        return Ok(None);
    };
    serde_json::from_str(&text).map(Some).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, e.into())
    })
}

fn state_from_row(row: &Row<'_>) -> rusqlite::Result<CheckState> {
    let history: String = row.get(13)?;
    let history = decode_history(&history).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            13,
            rusqlite::types::Type::Text,
            format!("check_state.history holds {history:?}, which this hb does not know").into(),
        )
    })?;
    let incident = match (
        row.get::<_, Option<i64>>(14)?,
        row.get::<_, Option<Status>>(16)?,
    ) {
        (Some(since), Some(status)) => Some(Incident {
            since,
            failures: row.get::<_, Option<u32>>(15)?.unwrap_or(0),
            status,
            message: row.get::<_, Option<String>>(17)?.unwrap_or_default(),
        }),
        _ => None,
    };
    Ok(CheckState {
        name: row.get(0)?,
        status: row.get(1)?,
        since: row.get(2)?,
        failing_since: row.get(3)?,
        consecutive_failures: row.get(4)?,
        consecutive_successes: row.get(5)?,
        last_run_at: row.get(6)?,
        last_run_id: row.get(7)?,
        last_ok_at: row.get(8)?,
        last_failure_at: row.get(9)?,
        last_message: row.get(10)?,
        last_value: row.get(11)?,
        last_latency_ms: row.get::<_, Option<i64>>(12)?.map(|l| l.max(0) as u64),
        history,
        incident,
        flapping_since: row.get(18)?,
    })
}

fn check_states(conn: &Connection) -> Result<HashMap<String, CheckState>> {
    let sql = format!("SELECT {STATE_COLUMNS} FROM check_state");
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([], state_from_row)?;
    let mut states = HashMap::new();
    for row in rows {
        let state = row?;
        states.insert(state.name.clone(), state);
    }
    Ok(states)
}

fn write_state(conn: &Connection, s: &CheckState) -> Result<()> {
    let sql = format!(
        "INSERT OR REPLACE INTO check_state ({STATE_COLUMNS})
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                 ?18, ?19)"
    );
    let incident = s.incident.as_ref();
    conn.prepare_cached(&sql)?.execute(params![
        s.name,
        s.status,
        s.since,
        s.failing_since,
        s.consecutive_failures,
        s.consecutive_successes,
        s.last_run_at,
        s.last_run_id,
        s.last_ok_at,
        s.last_failure_at,
        s.last_message,
        s.last_value,
        s.last_latency_ms.map(|l| l as i64),
        encode_history(&s.history),
        incident.map(|i| i.since),
        incident.map(|i| i.failures),
        incident.map(|i| i.status),
        incident.map(|i| i.message.as_str()),
        s.flapping_since,
    ])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::{Group, Kind, Metric, Severity};

    fn outcome(name: &str, status: Status, at: i64) -> CheckOutcome {
        CheckOutcome {
            name: name.into(),
            group: Group::Queue,
            kind: Kind::Sql,
            severity: Severity::Critical,
            status,
            message: "m".into(),
            value: Some(3.0),
            latency_ms: Some(2),
            started_at: at,
            duration_ms: 2,
            metrics: vec![Metric {
                label: "tenant-a".into(),
                value: 1.5,
                unit: None,
            }],
            remediation: None,
            silenced: None,
        }
    }

    #[test]
    fn records_results_state_and_metrics() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("hb.db")).unwrap();
        let run = store.start_checks_run(100).unwrap();
        let outcomes = vec![
            outcome("a", Status::Ok, 100),
            outcome("b", Status::Critical, 100),
        ];
        store.finish_checks_run(run, &outcomes, 100, 1500).unwrap();
        // A manual run is recorded and shown, and counts nothing.
        assert!(store.check_states().unwrap().is_empty());
        let latest = store.latest_results(["a", "b", "c"]).unwrap();
        assert_eq!(latest["b"].status, Status::Critical);
        assert_eq!(
            (latest["b"].run_id, latest["b"].trigger.as_str()),
            (run, "checks")
        );
        assert!(!latest.contains_key("c"));
        assert!(!trigger_counts(&latest["b"].trigger));

        let mut counted = Vec::new();
        for at in [400, 700] {
            let run = match store.begin_run("timer", 1, at, |_| false).unwrap() {
                crate::store::LockOutcome::Acquired { run_id, .. } => run_id,
                busy => panic!("{busy:?}"),
            };
            let results = [
                outcome("a", Status::Ok, at),
                outcome("b", Status::Critical, at),
            ];
            let prev = store.check_states().unwrap();
            let next = crate::checks::next_states(&[], &prev, &results, Some(run));
            store
                .record_check_results(run, &results, Counting::Counts(&next))
                .unwrap();
            store.finish_run(run, RunStatus::Ok, at, 1, "{}").unwrap();
            counted.push(run);
        }
        let states = store.check_states().unwrap();
        assert_eq!(states["a"].consecutive_successes, 2);
        assert_eq!(states["b"].consecutive_failures, 2);
        assert_eq!(states["b"].since, 400);
        assert_eq!(states["b"].last_run_id, Some(counted[1]));
        // The rules' state reads back as it was written.
        assert_eq!(encode_history(&states["b"].history), "cc");
        let incident = states["b"].incident.as_ref().unwrap();
        assert_eq!((incident.since, incident.failures), (400, 2));
        assert_eq!(states["a"].incident, None);
        assert_eq!(store.latest_results(["b"]).unwrap()["b"].run_id, counted[1]);
        // Uptime figures read the heartbeat's results only.
        assert_eq!(store.check_results_since(0).unwrap().len(), 4);
        let (status, finished, summary): (String, i64, String) = store
            .conn
            .query_row(
                "SELECT status, finished_at, summary FROM runs WHERE id = ?1",
                [run],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        // It did its work: ok, with a critical finding in its summary.
        assert_eq!((status.as_str(), finished), ("ok", 101));
        let summary: serde_json::Value = serde_json::from_str(&summary).unwrap();
        assert_eq!(
            summary["line"],
            format!("checks run {run}: 2 checks: 1 ok, 1 critical")
        );
        assert_eq!(summary["status"], "critical");
        let metrics: i64 = store
            .conn
            .query_row("SELECT count(*) FROM metric_values", [], |r| r.get(0))
            .unwrap();
        assert_eq!(metrics, 6);
    }
}
