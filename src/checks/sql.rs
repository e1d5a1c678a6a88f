//! `sql`: a query against a SQLite database opened read-only, judged by `expect` or
//! thresholds; with `metrics = true` its `(label, value)` rows become metric series.

use std::path::Path;
use std::time::{Duration, Instant};

use rusqlite::types::ValueRef;
use rusqlite::{Connection, ErrorCode, OpenFlags};

use super::{format_value, judge, CheckConfig, Metric, Observation, Reading, RunContext, Status};

/// Open a database for reading only, with the check's time limit on locks and queries.
pub(super) fn open_read_only(path: &Path, timeout: Duration) -> Result<Connection, String> {
    if !path.exists() {
        return Err(format!("database {} does not exist", path.display()));
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    conn.busy_timeout(timeout)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    // A query that runs past the deadline is interrupted rather than holding the run.
    let deadline = Instant::now() + timeout;
    conn.progress_handler(1000, Some(move || Instant::now() > deadline));
    Ok(conn)
}

/// A failed statement is the target's fault when the file is missing, corrupt or
/// locked, or the query ran out of time; otherwise (bad SQL, no such table) the check
/// cannot be evaluated.
pub(super) fn classify(err: &rusqlite::Error, timeout: impl std::fmt::Display) -> Observation {
    match err.sqlite_error_code() {
        Some(ErrorCode::OperationInterrupted) => {
            Observation::failed(format!("query timed out after {timeout}"))
        }
        Some(
            ErrorCode::NotADatabase
            | ErrorCode::DatabaseCorrupt
            | ErrorCode::CannotOpen
            | ErrorCode::DatabaseBusy
            | ErrorCode::DatabaseLocked
            | ErrorCode::SystemIoFailure,
        ) => Observation::failed(err.to_string()),
        _ => Observation::unknown(format!("query failed: {err}")),
    }
}

pub fn observe(check: &CheckConfig, ctx: &RunContext) -> Observation {
    let path = ctx.resolve(check.database.as_deref().unwrap_or(Path::new("")));
    let started = Instant::now();
    let conn = match open_read_only(&path, check.timeout.0) {
        Ok(conn) => conn,
        Err(message) => return Observation::failed(message),
    };
    let query = check.query.as_deref().unwrap_or_default();
    match run_query(&conn, query, ctx.now, check.metrics) {
        Ok(rows) => {
            let obs = if check.metrics {
                judge_series(check, rows)
            } else {
                let reading = rows
                    .into_iter()
                    .next()
                    .map(|(first, _)| first)
                    .unwrap_or(Reading::Null);
                // "queue depth 4": the value says what it is (the condition follows).
                Observation::ok(format!(
                    "{} {}",
                    check.label(),
                    reading.with_unit(check.unit())
                ))
                .with_reading(reading)
            };
            obs.with_latency(started.elapsed())
        }
        Err(err) => classify(&err, check.timeout).with_latency(started.elapsed()),
    }
}

/// The rows' first two columns; `:now` is bound to hb's clock (unix seconds) when used.
fn run_query(
    conn: &Connection,
    query: &str,
    now: i64,
    all_rows: bool,
) -> rusqlite::Result<Vec<(Reading, Reading)>> {
    let mut stmt = conn.prepare(query)?;
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
fn judge_series(check: &CheckConfig, rows: Vec<(Reading, Reading)>) -> Observation {
    let thresholds = check.thresholds();
    let unit = check.unit();
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
        let (verdict, reason) = judge(&value, check.expect.as_ref(), &thresholds, unit);
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
        check.label(),
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
