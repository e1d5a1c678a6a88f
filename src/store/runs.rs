//! The run log: one row per cycle, a result row per module, the cycle lock, and each
//! module's last run.

use anyhow::Result;
use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;

use super::checks::CHECKS_TRIGGER;
use super::column::literal;
use super::{Store, Tx};
use crate::cycle::scan::ScanKind;
use crate::cycle::{Module, ModuleStatus};

/// Who holds the cycle lock.
#[derive(Debug, Clone, PartialEq)]
pub struct LockHolder {
    pub pid: i64,
    pub run_id: Option<i64>,
    pub started_at: i64,
}

/// What taking the lock found and did.
#[derive(Debug, Clone, PartialEq)]
pub enum LockOutcome {
    /// The lock is ours; `aborted` lists runs of killed cycles now marked aborted.
    Acquired { run_id: i64, aborted: Vec<i64> },
    /// A live cycle holds it: nothing was written.
    Busy(LockHolder),
}

#[derive(Debug, Clone, PartialEq)]
pub struct RunRow {
    pub id: i64,
    pub trigger: String,
    pub started_at: i64,
    pub finished_at: Option<i64>,
    pub status: RunStatus,
    pub duration_ms: Option<i64>,
    pub pid: Option<i64>,
    pub summary: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ModuleResultRow {
    pub run_id: i64,
    pub module: Module,
    pub status: ModuleStatus,
    pub findings: i64,
    pub duration_ms: i64,
    pub message: Option<String>,
    /// Full or incremental, and how many rows it read (modules with incremental state).
    pub scan: Option<(ScanKind, i64)>,
}

/// A run's status as the `runs` table records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RunStatus {
    // What each means is README's "Exit codes" and `hb logs --help`.
    Running,
    Ok,
    Failed,
    Aborted,
}

impl std::fmt::Display for RunStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl RunStatus {
    pub const ALL: [RunStatus; 4] = [
        RunStatus::Running,
        RunStatus::Ok,
        RunStatus::Failed,
        RunStatus::Aborted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Running => "running",
            RunStatus::Ok => "ok",
            RunStatus::Failed => "failed",
            RunStatus::Aborted => "aborted",
        }
    }
}

/// Filters of `hb logs`.
#[derive(Debug, Clone, Default)]
pub struct RunFilter {
    pub since: Option<i64>,
    pub status: Option<RunStatus>,
    pub module: Option<Module>,
    pub check: Option<String>,
    /// None: every run.
    pub limit: Option<usize>,
}

const SELECT_RUN: &str =
    "SELECT id, trigger, started_at, finished_at, status, duration_ms, pid, summary FROM runs";

impl Store {
    /// Take the cycle lock and open a run, in one transaction. A lock or `running` run
    /// left by a process that no longer exists is taken over and its run marked aborted.
    pub fn begin_run(
        &mut self,
        trigger: &str,
        pid: i64,
        now: i64,
        is_alive: impl Fn(i64) -> bool,
    ) -> Result<LockOutcome> {
        self.transaction(|tx| {
            let holder = tx
                .conn()
                .query_row("SELECT pid, run_id, started_at FROM cycle_lock WHERE id = 1", [], |row| {
                    Ok(LockHolder { pid: row.get(0)?, run_id: row.get(1)?, started_at: row.get(2)? })
                })
                .optional()?;
            if let Some(holder) = holder {
                if holder.pid != pid && is_alive(holder.pid) {
                    return Ok(LockOutcome::Busy(holder));
                }
            }
            let mut aborted = Vec::new();
            {
                // The literal, so the partial index on running runs serves it.
                let mut stmt = tx.conn().prepare(&format!(
                    "SELECT id, pid FROM runs WHERE status = {}",
                    literal(RunStatus::Running.as_str())
                ))?;
                let rows = stmt.query_map([], |row| Ok((row.get::<_, i64>(0)?, row.get::<_, Option<i64>>(1)?)))?;
                for row in rows {
                    let (id, run_pid) = row?;
                    if run_pid.is_none_or(|p| p == pid || !is_alive(p)) {
                        aborted.push(id);
                    }
                }
            }
            for id in &aborted {
                tx.conn().execute(
                    "UPDATE runs SET status = ?3, finished_at = ?2,
                        summary = json_object('error', 'the process running this cycle ended before it finished')
                     WHERE id = ?1",
                    params![id, now, RunStatus::Aborted],
                )?;
            }
            tx.conn().execute(
                "INSERT INTO runs (trigger, started_at, status, pid) VALUES (?1, ?2, ?3, ?4)",
                params![trigger, now, RunStatus::Running, pid],
            )?;
            let run_id = tx.conn().last_insert_rowid();
            tx.conn().execute(
                "INSERT OR REPLACE INTO cycle_lock (id, pid, run_id, started_at) VALUES (1, ?1, ?2, ?3)",
                params![pid, run_id, now],
            )?;
            Ok(LockOutcome::Acquired { run_id, aborted })
        })
    }

    /// Close the run and release the lock.
    pub fn finish_run(
        &mut self,
        run_id: i64,
        status: RunStatus,
        finished_at: i64,
        duration_ms: i64,
        summary: &str,
    ) -> Result<()> {
        self.transaction(|tx| {
            tx.conn().execute(
                "UPDATE runs SET status = ?2, finished_at = ?3, duration_ms = ?4, summary = ?5 WHERE id = ?1",
                params![run_id, status, finished_at, duration_ms, summary],
            )?;
            tx.conn().execute("DELETE FROM cycle_lock WHERE run_id = ?1", [run_id])?;
            Ok(())
        })
    }

    /// Delete runs (with their results) that started before `cutoff`; returns how many.
    pub fn prune_runs(&mut self, cutoff: i64) -> Result<usize> {
        self.transaction(|tx| {
            let runs = tx.conn().execute(
                "DELETE FROM runs WHERE started_at < ?1 AND status <> ?2",
                params![cutoff, RunStatus::Running],
            )?;
            // Resolved notifications age out with the log; open ones stay whatever their age.
            tx.conn().execute(
                "DELETE FROM notifications WHERE resolved_at IS NOT NULL AND resolved_at < ?1",
                [cutoff],
            )?;
            // Silences that ended before it: the results they covered are gone too.
            tx.prune_silences(cutoff)?;
            Ok(runs)
        })
    }

    /// When each module last ran (`module_state`).
    pub fn module_last_runs(&self) -> Result<Vec<(Module, i64)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT module, last_run_at FROM module_state WHERE last_run_at IS NOT NULL",
        )?;
        let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    pub fn last_run(&self) -> Result<Option<RunRow>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "{SELECT_RUN} WHERE trigger <> ?1 ORDER BY id DESC LIMIT 1"
            ))?
            .query_row([CHECKS_TRIGGER], run_row)
            .optional()?)
    }

    /// The latest cycle that finished (ok, failed or aborted): what the metrics report.
    pub fn last_finished_run(&self) -> Result<Option<RunRow>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "{SELECT_RUN} WHERE trigger <> ?1 AND status <> ?2 ORDER BY id DESC LIMIT 1"
            ))?
            .query_row(params![CHECKS_TRIGGER, RunStatus::Running], run_row)
            .optional()?)
    }

    pub fn run(&self, id: i64) -> Result<Option<RunRow>> {
        Ok(self
            .conn
            .prepare_cached(&format!("{SELECT_RUN} WHERE id = ?1"))?
            .query_row([id], run_row)
            .optional()?)
    }

    pub fn runs(&self, filter: &RunFilter) -> Result<Vec<RunRow>> {
        let (clause, mut params) = run_where(filter);
        let sql = format!("{SELECT_RUN} r WHERE {clause} ORDER BY r.id DESC LIMIT ?");
        params.push(Box::new(filter.limit.map_or(-1, |l| l as i64)));
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(params.iter()), run_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// How many runs the filter matches, whatever its limit.
    pub fn count_runs(&self, filter: &RunFilter) -> Result<u64> {
        let (clause, params) = run_where(filter);
        let sql = format!("SELECT count(*) FROM runs r WHERE {clause}");
        let mut stmt = self.conn.prepare(&sql)?;
        Ok(stmt.query_row(rusqlite::params_from_iter(params.iter()), |row| row.get(0))?)
    }

    /// Every check name the run log knows (results are kept as long as their runs).
    pub fn recorded_check_names(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT DISTINCT check_name FROM check_results ORDER BY check_name")?;
        let rows = stmt.query_map([], |row| row.get(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    pub fn module_results(&self, run_id: i64) -> Result<Vec<ModuleResultRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT run_id, module, status, findings, duration_ms, message, scan, rows_read
             FROM module_results WHERE run_id = ?1",
        )?;
        let rows = stmt.query_map([run_id], module_result_row)?;
        let mut rows = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        // In the order of a cycle.
        rows.sort_by_key(|row| row.module);
        Ok(rows)
    }

    /// Each module's most recent result that actually ran (not skipped).
    pub fn last_module_results(&self) -> Result<Vec<(ModuleResultRow, i64)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT m.run_id, m.module, m.status, m.findings, m.duration_ms, m.message, m.scan,
                    m.rows_read, r.started_at
             FROM module_results m JOIN runs r ON r.id = m.run_id
             WHERE m.run_id = (SELECT max(m2.run_id) FROM module_results m2
                               WHERE m2.module = m.module AND m2.status <> ?1)
             ORDER BY m.module",
        )?;
        let rows = stmt.query_map([ModuleStatus::Skipped], |row| {
            Ok((module_result_row(row)?, row.get(8)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// How many cycles right before `run_id` failed in a row.
    pub fn failed_cycles_before(&self, run_id: i64) -> Result<i64> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT status FROM runs WHERE id < ?1 AND trigger <> ?2 ORDER BY id DESC LIMIT 100",
        )?;
        let statuses = stmt.query_map(params![run_id, CHECKS_TRIGGER], |row| {
            row.get::<_, RunStatus>(0)
        })?;
        let mut count = 0;
        for status in statuses {
            if status? != RunStatus::Failed {
                break;
            }
            count += 1;
        }
        Ok(count)
    }

    /// The cycles around a window, for the built-in `cycle` check: the start of the last
    /// cycle before `from`, and the starts from `from` to `to`, oldest first. Runs of
    /// `hb checks run` are not cycles and do not keep the heartbeat alive.
    pub fn cycle_starts(&self, from: i64, to: i64) -> Result<(Option<i64>, Vec<i64>)> {
        let before: Option<i64> = self
            .conn
            .prepare_cached(
                "SELECT max(started_at) FROM runs WHERE started_at < ?1 AND trigger <> ?2",
            )?
            .query_row(params![from, super::checks::CHECKS_TRIGGER], |row| {
                row.get(0)
            })
            .optional()?
            .flatten();
        let mut stmt = self.conn.prepare_cached(
            "SELECT started_at FROM runs WHERE started_at >= ?1 AND started_at <= ?2 \
             AND trigger <> ?3 ORDER BY started_at",
        )?;
        let within = stmt
            .query_map(params![from, to, super::checks::CHECKS_TRIGGER], |row| {
                row.get(0)
            })?
            .collect::<rusqlite::Result<Vec<i64>>>()?;
        Ok((before, within))
    }

    /// Start times of runs since `since`, oldest first (for gaps and completion rates).
    pub fn run_starts_since(&self, since: i64) -> Result<Vec<(i64, RunStatus)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT started_at, status FROM runs WHERE started_at >= ?1 AND trigger <> ?2 ORDER BY started_at",
        )?;
        let rows = stmt.query_map(params![since, CHECKS_TRIGGER], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

/// The WHERE clause of a run filter and its arguments (without the limit).
fn run_where(filter: &RunFilter) -> (String, Vec<Box<dyn rusqlite::ToSql>>) {
    let mut clause = String::from("1 = 1");
    let mut params: Vec<Box<dyn rusqlite::ToSql>> = Vec::new();
    if let Some(since) = filter.since {
        clause.push_str(" AND r.started_at >= ?");
        params.push(Box::new(since));
    }
    if let Some(status) = filter.status {
        clause.push_str(" AND r.status = ?");
        params.push(Box::new(status));
    }
    if let Some(module) = filter.module {
        clause.push_str(" AND EXISTS (SELECT 1 FROM module_results m WHERE m.run_id = r.id AND m.module = ? AND m.status <> ?)");
        params.push(Box::new(module));
        params.push(Box::new(ModuleStatus::Skipped));
    }
    if let Some(check) = &filter.check {
        clause.push_str(
            " AND EXISTS (SELECT 1 FROM check_results c WHERE c.run_id = r.id AND c.check_name = ?)",
        );
        params.push(Box::new(check.clone()));
    }
    (clause, params)
}

impl Tx<'_> {
    /// Record a module's result and, when it ran, its last run: inside the module's own
    /// transaction, so the result commits with the module's writes.
    pub fn record_module_result(&self, result: &ModuleResultRow, ran_at: i64) -> Result<()> {
        let conn = self.conn();
        conn.prepare_cached(
            "INSERT OR REPLACE INTO module_results (run_id, module, status, findings, duration_ms,
                message, scan, rows_read)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            result.run_id,
            result.module,
            result.status,
            result.findings,
            result.duration_ms,
            result.message,
            result.scan.map(|(kind, _)| kind),
            result.scan.map(|(_, rows)| rows),
        ])?;
        if result.status == ModuleStatus::Ok {
            conn.prepare_cached(
                "INSERT INTO module_state (module, last_run_at, last_run_id) VALUES (?1, ?2, ?3)
                 ON CONFLICT (module) DO UPDATE SET last_run_at = excluded.last_run_at, last_run_id = excluded.last_run_id",
            )?
            .execute(params![result.module, ran_at, result.run_id])?;
        }
        Ok(())
    }
}

fn run_row(row: &Row<'_>) -> rusqlite::Result<RunRow> {
    Ok(RunRow {
        id: row.get(0)?,
        trigger: row.get(1)?,
        started_at: row.get(2)?,
        finished_at: row.get(3)?,
        status: row.get(4)?,
        duration_ms: row.get(5)?,
        pid: row.get(6)?,
        summary: row.get(7)?,
    })
}

fn module_result_row(row: &Row<'_>) -> rusqlite::Result<ModuleResultRow> {
    Ok(ModuleResultRow {
        run_id: row.get(0)?,
        module: row.get(1)?,
        status: row.get(2)?,
        findings: row.get(3)?,
        duration_ms: row.get(4)?,
        message: row.get(5)?,
        scan: match (
            row.get::<_, Option<ScanKind>>(6)?,
            row.get::<_, Option<i64>>(7)?,
        ) {
            (Some(kind), rows) => Some((kind, rows.unwrap_or_default())),
            (None, _) => None,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `cycle` check's view of the run log: the last cycle before the window and
    /// those in it; `hb checks run` is not a cycle, the demo's run is.
    #[test]
    fn cycle_starts_around_a_window_leave_out_manual_check_runs() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("hb.db")).unwrap();
        for (trigger, at) in [
            ("timer", 100),
            ("timer", 400),
            ("checks", 500),
            ("timer", 900),
            ("demo", 1000),
            ("checks", 1100),
            ("timer", 2000),
        ] {
            let LockOutcome::Acquired { run_id, .. } =
                store.begin_run(trigger, 1, at, |_| false).unwrap()
            else {
                panic!("busy")
            };
            store
                .finish_run(run_id, RunStatus::Ok, at, 1, "{}")
                .unwrap();
        }
        assert_eq!(
            store.cycle_starts(600, 1500).unwrap(),
            (Some(400), vec![900, 1000])
        );
        assert_eq!(store.cycle_starts(50, 60).unwrap(), (None, vec![]));
    }
}
