//! The runlog's queue: one `agent_runs` row per cycle, kept until the application's
//! database has it (see `crate::runlog`).

use anyhow::Result;
use rusqlite::params;

use super::{Store, Tx};

/// One cycle's `agent_runs` row, as queued.
#[derive(Debug, Clone, PartialEq)]
pub struct RunlogEntry {
    pub run_id: i64,
    /// The row's `id` in the application: a UUID, fixed when the entry is queued.
    pub entry_id: String,
    pub task_id: String,
    /// `completed` or `failed`.
    pub status: &'static str,
    pub started_at: i64,
    pub finished_at: i64,
    pub attempts: i64,
    pub last_error: Option<String>,
}

impl Tx<'_> {
    /// Queue a run's entry, in the caller's transaction; a run has one entry whatever
    /// queues it again.
    pub fn queue_runlog(&self, entry: &RunlogEntry) -> Result<()> {
        self.conn().prepare_cached(
        "INSERT OR IGNORE INTO runlog_entries (run_id, entry_id, task_id, status, started_at, finished_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        entry.run_id,
        entry.entry_id,
        entry.task_id,
        entry.status,
        entry.started_at,
        entry.finished_at
    ])?;
        Ok(())
    }

    /// Queue the entry of a run a killed cycle left behind: failed, also when the killed
    /// cycle had queued it (as completed) but the application never got it.
    pub fn queue_runlog_aborted(&self, entry: &RunlogEntry) -> Result<()> {
        self.conn().prepare_cached(
        "INSERT INTO runlog_entries (run_id, entry_id, task_id, status, started_at, finished_at)
         VALUES (?1, ?2, ?3, 'failed', ?4, ?5)
         ON CONFLICT (run_id) DO UPDATE SET status = 'failed', finished_at = excluded.finished_at
         WHERE written_at IS NULL",
    )?
    .execute(params![
        entry.run_id,
        entry.entry_id,
        entry.task_id,
        entry.started_at,
        entry.finished_at
    ])?;
        Ok(())
    }

    /// The application has the entry: it is never written again.
    pub fn runlog_written(&self, run_id: i64, at: i64) -> Result<()> {
        self.conn().prepare_cached(
        "UPDATE runlog_entries SET written_at = ?2, attempts = attempts + 1, last_attempt_at = ?2,
            last_error = NULL WHERE run_id = ?1",
    )?
    .execute(params![run_id, at])?;
        Ok(())
    }

    /// A write that failed: the entry stays pending for the next cycle.
    pub fn runlog_failed(&self, run_id: i64, error: &str, at: i64) -> Result<()> {
        self.conn().prepare_cached(
        "UPDATE runlog_entries SET attempts = attempts + 1, last_attempt_at = ?2, last_error = ?3
         WHERE run_id = ?1",
    )?
    .execute(params![run_id, at, error])?;
        Ok(())
    }
}

impl Store {
    /// Entries not yet written, oldest first (at most `limit`).
    pub fn pending_runlog(&self, limit: usize) -> Result<Vec<RunlogEntry>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT run_id, entry_id, task_id, status, started_at, finished_at, attempts, last_error
             FROM runlog_entries WHERE written_at IS NULL ORDER BY run_id LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], |row| {
            let status: String = row.get(3)?;
            Ok(RunlogEntry {
                run_id: row.get(0)?,
                entry_id: row.get(1)?,
                task_id: row.get(2)?,
                status: if status == "failed" {
                    "failed"
                } else {
                    "completed"
                },
                started_at: row.get(4)?,
                finished_at: row.get(5)?,
                attempts: row.get(6)?,
                last_error: row.get(7)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// How many entries wait to be written.
    pub fn pending_runlog_count(&self) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM runlog_entries WHERE written_at IS NULL",
            [],
            |row| row.get(0),
        )?)
    }
}
