//! `sql`: a query against a SQLite database opened read-only, or a PostgreSQL database
//! in a read-only transaction (`postgres`), judged by `expect` or thresholds; with
//! `metrics = true` its `(label, value)` rows become metric series.

use std::path::Path;
use std::time::{Duration, Instant};

use std::sync::{Arc, Mutex};

use rusqlite::hooks::{AuthAction, AuthContext, Authorization};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, ErrorCode, OpenFlags};

use super::judge::{format_value, judge, Observation, Reading};
use super::model::{Database, Metric, Postgres, SqlCheck, Status};
use super::postgres;
use super::runner::{Observe, RunContext};
use crate::duration::Span;

/// An application database opened so that no statement can create or change a file:
/// `SQLITE_OPEN_READONLY`, plus an authorizer that allows only reads (a read-only
/// connection alone still runs `VACUUM INTO '/any/path'` and `ATTACH`).
pub(super) struct ReadOnlyDb {
    conn: Connection,
    /// Why the authorizer refused the last statement it refused.
    refused: Arc<Mutex<Option<String>>>,
}

impl std::ops::Deref for ReadOnlyDb {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.conn
    }
}

impl ReadOnlyDb {
    /// Why `err` happened, when it is the authorizer's refusal.
    /// (A refused function fails as a plain error, so the noted reason decides too.)
    pub(super) fn refusal(&self, err: &rusqlite::Error) -> Option<String> {
        let noted = self.refused.lock().ok().and_then(|mut r| r.take());
        let denied = err.sqlite_error_code() == Some(ErrorCode::AuthorizationForStatementDenied);
        match noted {
            Some(reason) => Some(reason),
            None if denied => Some("the statement is not a read".into()),
            None => None,
        }
    }

    /// Prepare `sql`, refusing any statement SQLite itself does not call read-only.
    pub(super) fn prepare_read(&self, sql: &str) -> rusqlite::Result<rusqlite::Statement<'_>> {
        if let Ok(mut refused) = self.refused.lock() {
            *refused = None;
        }
        let stmt = self.conn.prepare(sql)?;
        // VACUUM passes the authorizer (it has no action code of its own), and a
        // read-only connection still runs `VACUUM INTO`: SQLite's own verdict stops it.
        if !stmt.readonly() {
            let verb = sql
                .split_whitespace()
                .next()
                .unwrap_or("it")
                .to_ascii_uppercase();
            let reason = if verb == "VACUUM" {
                "VACUUM rewrites the database, and VACUUM INTO writes a copy of it to a file".into()
            } else {
                format!("{verb} would write")
            };
            if let Ok(mut refused) = self.refused.lock() {
                *refused = Some(reason);
            }
            return Err(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_AUTH),
                None,
            ));
        }
        Ok(stmt)
    }
}

/// Open a database for reading only, with the check's time limit on locks and queries.
/// A database that is not there or cannot be opened is a check hb cannot evaluate
/// (unknown), never a failing target: a wrong path must not restart a service.
pub(super) fn open_read_only(path: &Path, timeout: Duration) -> Result<ReadOnlyDb, Observation> {
    match std::fs::metadata(path) {
        Ok(_) => {}
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Err(Observation::unknown(format!(
                "database {} does not exist",
                path.display()
            )))
        }
        Err(err) => {
            return Err(Observation::unknown(format!(
                "cannot read database {}: {err}",
                path.display()
            )))
        }
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let cannot_open = |e: rusqlite::Error| {
        Observation::unknown(format!("cannot open database {}: {e}", path.display()))
    };
    let conn = Connection::open_with_flags(path, flags).map_err(cannot_open)?;
    conn.busy_timeout(timeout).map_err(cannot_open)?;
    // A query that runs past the deadline is interrupted rather than holding the run.
    let deadline = crate::clock::deadline(timeout);
    conn.progress_handler(1000, Some(move || Instant::now() > deadline));
    let refused = Arc::new(Mutex::new(None));
    let noted = refused.clone();
    conn.authorizer(Some(move |ctx: AuthContext<'_>| {
        match read_only(&ctx.action) {
            Ok(()) => Authorization::Allow,
            Err(reason) => {
                // The first refusal says most: creating a table is refused before the
                // insert into the schema it implies.
                if let Ok(mut slot) = noted.lock() {
                    slot.get_or_insert(reason);
                }
                Authorization::Deny
            }
        }
    }));
    Ok(ReadOnlyDb { conn, refused })
}

/// Pragmas that only report; with an argument, it names what to report on
/// (`table_info(tasks)`, `integrity_check(10)`), never a new setting.
const REPORTING_PRAGMAS: &[&str] = &[
    "foreign_key_check",
    "foreign_key_list",
    "index_info",
    "index_list",
    "index_xinfo",
    "integrity_check",
    "quick_check",
    "table_info",
    "table_list",
    "table_xinfo",
];

/// Pragmas that read a value, allowed without an argument only (with one, they set it).
const READING_PRAGMAS: &[&str] = &[
    "application_id",
    "collation_list",
    "compile_options",
    "data_version",
    "database_list",
    "encoding",
    "foreign_keys",
    "freelist_count",
    "function_list",
    "journal_mode",
    "module_list",
    "page_count",
    "page_size",
    "pragma_list",
    "schema_version",
    "user_version",
];

/// The authorizer's rule: reads, reporting pragmas and pure functions; nothing that
/// writes, opens another file or changes the connection.
fn read_only(action: &AuthAction<'_>) -> Result<(), String> {
    match action {
        AuthAction::Select | AuthAction::Read { .. } | AuthAction::Recursive => Ok(()),
        AuthAction::Function { function_name } => {
            let name = function_name.to_ascii_lowercase();
            if matches!(name.as_str(), "load_extension" | "fts3_tokenizer") {
                Err(format!("function {name}() is not allowed"))
            } else {
                Ok(())
            }
        }
        AuthAction::Pragma {
            pragma_name,
            pragma_value,
        } => {
            let name = pragma_name.to_ascii_lowercase();
            let reports = REPORTING_PRAGMAS.contains(&name.as_str());
            let reads = READING_PRAGMAS.contains(&name.as_str()) && pragma_value.is_none();
            if reports || reads {
                Ok(())
            } else if pragma_value.is_some() {
                Err(format!("PRAGMA {name} with a value changes a setting"))
            } else {
                Err(format!("PRAGMA {name} is not a reporting pragma"))
            }
        }
        AuthAction::Attach { .. } => Err("ATTACH opens another database file".into()),
        AuthAction::Detach { .. } => Err("DETACH is not a read".into()),
        AuthAction::Insert { table_name }
        | AuthAction::Update { table_name, .. }
        | AuthAction::Delete { table_name } => {
            if table_name.starts_with("sqlite_") {
                Err(format!(
                    "the statement writes to {table_name} (it changes the schema or statistics)"
                ))
            } else {
                Err(format!("the statement writes to table {table_name}"))
            }
        }
        AuthAction::Transaction { .. } | AuthAction::Savepoint { .. } => {
            Err("transaction control is not needed by a one-statement check".into())
        }
        other => Err(format!("{} is not a read", describe(other))),
    }
}

/// A statement kind as SQL spells it, for refusals.
fn describe(action: &AuthAction<'_>) -> &'static str {
    match action {
        AuthAction::CreateIndex { .. } | AuthAction::CreateTempIndex { .. } => "CREATE INDEX",
        AuthAction::CreateTable { .. } | AuthAction::CreateTempTable { .. } => "CREATE TABLE",
        AuthAction::CreateTrigger { .. } | AuthAction::CreateTempTrigger { .. } => "CREATE TRIGGER",
        AuthAction::CreateView { .. } | AuthAction::CreateTempView { .. } => "CREATE VIEW",
        AuthAction::CreateVtable { .. } => "CREATE VIRTUAL TABLE",
        AuthAction::DropIndex { .. } | AuthAction::DropTempIndex { .. } => "DROP INDEX",
        AuthAction::DropTable { .. } | AuthAction::DropTempTable { .. } => "DROP TABLE",
        AuthAction::DropTrigger { .. } | AuthAction::DropTempTrigger { .. } => "DROP TRIGGER",
        AuthAction::DropView { .. } | AuthAction::DropTempView { .. } => "DROP VIEW",
        AuthAction::DropVtable { .. } => "DROP VIRTUAL TABLE",
        AuthAction::AlterTable { .. } => "ALTER TABLE",
        AuthAction::Reindex { .. } => "REINDEX",
        AuthAction::Analyze { .. } => "ANALYZE",
        _ => "the statement",
    }
}

/// A failed statement is the target's fault when the database is corrupt, locked past
/// the time limit or unreadable from disk, or the query ran out of time: the check
/// judged it failing. Anything else (SQL that does not prepare, no such table, a file
/// that cannot be opened, a write refused by the read-only connection) means the check
/// cannot be evaluated: unknown.
pub(super) fn classify(err: &rusqlite::Error, timeout: impl std::fmt::Display) -> Observation {
    match err.sqlite_error_code() {
        Some(ErrorCode::OperationInterrupted) => {
            Observation::failed(format!("query timed out after {timeout}"))
        }
        Some(
            ErrorCode::NotADatabase
            | ErrorCode::DatabaseCorrupt
            | ErrorCode::DatabaseBusy
            | ErrorCode::DatabaseLocked
            | ErrorCode::SystemIoFailure,
        ) => Observation::failed(err.to_string()),
        _ => Observation::unknown(format!("query failed: {err}")),
    }
}

impl Observe for SqlCheck {
    fn observe(&self, timeout: Span, ctx: &RunContext) -> Observation {
        let started = Instant::now();
        let rows = match &self.database {
            Database::Sqlite(path) => sqlite_rows(self, &ctx.resolve(path), timeout, ctx.now),
            Database::Postgres(pg) => postgres_rows(self, pg, timeout, ctx),
        };
        match rows {
            Ok(rows) if self.metrics => judge_series(self, rows),
            Ok(rows) => {
                let reading = rows
                    .into_iter()
                    .next()
                    .map(|(first, _)| first)
                    .unwrap_or(Reading::Null);
                // "queue depth 4": the value says what it is (the condition follows).
                let value = &self.value;
                Observation::ok(format!(
                    "{} {}",
                    value.label,
                    reading.with_unit(value.unit())
                ))
                .with_reading(reading)
            }
            Err(not_judged) => not_judged,
        }
        .with_latency(started.elapsed())
    }
}

/// The query's rows from a SQLite file, or why there are none.
fn sqlite_rows(
    check: &SqlCheck,
    path: &Path,
    timeout: Span,
    now: i64,
) -> Result<Vec<(Reading, Reading)>, Observation> {
    let conn = open_read_only(path, timeout.0)?;
    run_query(&conn, &check.query, now, check.metrics).map_err(|err| match conn.refusal(&err) {
        Some(reason) => Observation::unknown(format!(
            "query refused: {reason}; sql checks only read (the database is opened read-only)"
        )),
        None => classify(&err, timeout),
    })
}

/// The query's rows from PostgreSQL, on the run's connection to the database, in a
/// read-only transaction with the check's timeout as `statement_timeout`.
fn postgres_rows(
    check: &SqlCheck,
    pg: &Postgres,
    timeout: Span,
    ctx: &RunContext,
) -> Result<Vec<(Reading, Reading)>, Observation> {
    let connector =
        postgres::Connector::new(pg, &ctx.base_dir, timeout).map_err(Observation::unknown)?;
    ctx.postgres.with_client(&connector, timeout, |client| {
        let rows = postgres::read_only(client, timeout, |tx| {
            postgres::query_rows(tx, &check.query, ctx.now, check.metrics)
        });
        match rows {
            Ok(Ok(rows)) => Ok(rows),
            Ok(Err(not_evaluated)) => Err(Observation::unknown(not_evaluated)),
            Err(err) => Err(postgres::classify(&err, timeout)),
        }
    })
}

/// The rows' first two columns; `:now` is bound to hb's clock (unix seconds) when used.
fn run_query(
    conn: &ReadOnlyDb,
    query: &str,
    now: i64,
    all_rows: bool,
) -> rusqlite::Result<Vec<(Reading, Reading)>> {
    let mut stmt = conn.prepare_read(query)?;
    if let Some(index) = stmt.parameter_index(":now")? {
        stmt.raw_bind_parameter(index, now)?;
    }
    let columns = stmt.column_count();
    let mut rows = stmt.raw_query();
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let first = reading(row.get_ref(0)?);
        let second = if columns > 1 {
            reading(row.get_ref(1)?)
        } else {
            Reading::Null
        };
        out.push((first, second));
        if !all_rows {
            break;
        }
    }
    Ok(out)
}

fn reading(value: ValueRef<'_>) -> Reading {
    match value {
        ValueRef::Null => Reading::Null,
        ValueRef::Integer(i) => Reading::Number(i as f64),
        ValueRef::Real(r) => Reading::Number(r),
        ValueRef::Text(t) => Reading::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Reading::Text(format!("<{} bytes>", b.len())),
    }
}

/// Metrics mode: each `(label, value)` row is a series point, judged on its own; the
/// check's value is their sum.
fn judge_series(check: &SqlCheck, rows: Vec<(Reading, Reading)>) -> Observation {
    let unit = check.value.unit();
    let mut status = Status::Ok;
    let mut reasons = Vec::new();
    let mut metrics = Vec::new();
    let mut total = 0.0;
    for (label, value) in rows {
        let label = match label {
            Reading::Text(t) => t,
            Reading::Null => "(null)".to_string(),
            other => other.to_string(),
        };
        let Some(number) = value.number() else {
            return Observation::unknown(format!(
                "series {label:?}: value {value} is not a number (metrics queries return label, value)"
            ));
        };
        let (verdict, reason) = judge(&value, &check.value.condition, unit);
        if verdict != Status::Ok {
            reasons.push(format!("{label} {} ({reason})", format_value(number, unit)));
            status = status.worse(verdict);
        }
        total += number;
        metrics.push(Metric {
            label,
            value: number,
            unit: unit.map(str::to_string),
        });
    }
    let summary = format!(
        "{}: {} series, total {}",
        check.value.label,
        metrics.len(),
        format_value(total, unit)
    );
    let message = if reasons.is_empty() {
        summary
    } else {
        format!("{summary}; {}", reasons.join("; "))
    };
    let mut obs = Observation::ok(message).with_reading(Reading::Number(total));
    obs.status = status;
    obs.metrics = metrics;
    obs.judged = true;
    obs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app_db(dir: &Path) -> std::path::PathBuf {
        let path = dir.join("app.db");
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE tasks (id INTEGER PRIMARY KEY, status TEXT);
             CREATE INDEX tasks_status ON tasks (status);
             INSERT INTO tasks (status) VALUES ('queued'), ('done');",
        )
        .unwrap();
        path
    }

    fn refused(db: &ReadOnlyDb, sql: &str) -> Option<String> {
        match db
            .prepare_read(sql)
            .and_then(|mut s| s.raw_query().next().map(|_| ()))
        {
            Ok(()) => None,
            Err(err) => Some(db.refusal(&err).unwrap_or_else(|| format!("other: {err}"))),
        }
    }

    #[test]
    fn only_reads_are_allowed() {
        let dir = tempfile::tempdir().unwrap();
        let path = app_db(dir.path());
        let db = open_read_only(&path, Duration::from_secs(1)).unwrap();
        let copy = dir.path().join("copy.db");
        for sql in [
            format!("VACUUM INTO '{}'", copy.display()),
            format!("ATTACH '{}' AS other", copy.display()),
            "VACUUM".into(),
            "DELETE FROM tasks".into(),
            "CREATE TABLE t (x)".into(),
            "CREATE TEMP TABLE t (x)".into(),
            "PRAGMA user_version = 5".into(),
            "PRAGMA journal_mode = DELETE".into(),
            "PRAGMA query_only = 0".into(),
            "BEGIN IMMEDIATE".into(),
            "REINDEX".into(),
            "ANALYZE".into(),
            "SELECT load_extension('x')".into(),
        ] {
            let why = refused(&db, &sql);
            assert!(
                why.as_deref().is_some_and(|w| !w.starts_with("other")),
                "{sql}: {why:?}"
            );
        }
        assert!(!copy.exists());
        for sql in [
            "SELECT count(*) FROM tasks",
            "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 3) SELECT max(x) FROM n",
            "PRAGMA integrity_check",
            "PRAGMA foreign_key_check",
            "PRAGMA user_version",
            "PRAGMA table_info(tasks)",
            "SELECT name FROM pragma_table_info('tasks')",
        ] {
            assert_eq!(refused(&db, sql), None, "{sql}");
        }
    }
}
