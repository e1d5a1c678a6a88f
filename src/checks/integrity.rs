//! `sqlite_integrity`: `PRAGMA integrity_check` and `PRAGMA foreign_key_check` (orphaned
//! records) on a database opened read-only.

use std::collections::BTreeMap;
use std::time::Instant;

use rusqlite::Connection;

use super::judge::{Observation, Reading};
use super::model::IntegrityCheck;
use super::runner::{Observe, RunContext};
use super::sql::{classify, open_read_only};
use crate::duration::Span;

/// How many integrity messages to keep: the first ones say what is wrong.
const MAX_PROBLEMS: usize = 20;

impl Observe for IntegrityCheck {
    fn observe(&self, timeout: Span, ctx: &RunContext) -> Observation {
        let started = Instant::now();
        let conn = match open_read_only(&ctx.resolve(&self.database), timeout.0) {
            Ok(conn) => conn,
            Err(not_evaluated) => return not_evaluated,
        };
        let result = integrity_problems(&conn).and_then(|problems| Ok((problems, orphans(&conn)?)));
        match result {
            Ok((problems, orphans)) => report(&problems, &orphans),
            Err(err) => classify(&err, timeout),
        }
        .with_latency(started.elapsed())
    }
}

/// What the two pragmas found, in a message; the value is the number of problems.
fn report(problems: &[String], orphans: &BTreeMap<(String, String), usize>) -> Observation {
    let orphan_count: usize = orphans.values().sum();
    let total = problems.len() + orphan_count;
    let mut parts = Vec::new();
    if !problems.is_empty() {
        let more = if problems.len() > 1 {
            format!(" (+{} more)", problems.len() - 1)
        } else {
            String::new()
        };
        parts.push(format!("integrity_check: {}{more}", problems[0]));
    }
    if orphan_count > 0 {
        let detail: Vec<String> = orphans
            .iter()
            .map(|((table, parent), n)| format!("{n} in {table} -> {parent}"))
            .collect();
        parts.push(format!(
            "{orphan_count} orphaned row{}: {}",
            if orphan_count == 1 { "" } else { "s" },
            detail.join(", ")
        ));
    }
    let obs = if parts.is_empty() {
        Observation::ok("integrity ok, no orphaned rows")
    } else {
        Observation::failed(parts.join("; "))
    };
    obs.with_reading(Reading::Number(total as f64))
}

fn integrity_problems(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare("PRAGMA integrity_check")?;
    let rows = stmt.query_map([], |row| row.get::<_, String>(0))?;
    let mut problems = Vec::new();
    for row in rows.take(MAX_PROBLEMS) {
        let line = row?;
        if line != "ok" {
            problems.push(line);
        }
    }
    Ok(problems)
}

/// Orphaned rows per (table, parent table).
fn orphans(conn: &Connection) -> rusqlite::Result<BTreeMap<(String, String), usize>> {
    let mut stmt = conn.prepare("PRAGMA foreign_key_check")?;
    let mut rows = stmt.query([])?;
    let mut counts = BTreeMap::new();
    while let Some(row) = rows.next()? {
        let table: String = row.get(0)?;
        let parent: String = row.get(2)?;
        *counts.entry((table, parent)).or_insert(0) += 1;
    }
    Ok(counts)
}
