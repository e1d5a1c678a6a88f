//! `[runlog]`: the protocol's `agent_runs` log. Each cycle (the timer's and the full
//! protocol's) gets one row in the application's database, SQLite or PostgreSQL:
//! `id` (a UUID), `tenant_id = 'system'`, `agent_id = 'clawkeeper'`, `task_id =
//! 'heartbeat-{start}'`, `status` (`completed` or `failed`), and the start and end in
//! the columns `started_column`/`finished_column` name, if any.
//!
//! Exactly once: the entry (with its id) is queued in hb's store with the cycle's own
//! writes, so hb's run never waits on the application; it is then written, and marked
//! written in hb's store once the application has committed it. A write that fails, or
//! a cycle killed before the mark, leaves the entry pending: the next cycle writes it
//! again with the same id, and the insert adds nothing when the application already has
//! that id. Two cycles never run at once (the cycle lock), so nothing else races it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Result;
use serde::{Deserialize, Serialize};

use crate::checks::model::{Database, Postgres, SslMode};
use crate::checks::postgres;
use crate::duration::{de, Span};
use crate::store::{RunlogEntry, Store};

/// `[runlog]` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RunlogToml {
    database: String,
    password_env: Option<String>,
    sslmode: Option<SslMode>,
    ca_file: Option<PathBuf>,
    table: Option<String>,
    agent_id: Option<String>,
    tenant_id: Option<String>,
    started_column: Option<String>,
    finished_column: Option<String>,
    #[serde(default, deserialize_with = "de::opt_time_limit")]
    timeout: Option<Span>,
}

/// `[runlog]`, resolved.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "RunlogToml")]
pub struct RunlogConfig {
    pub database: Database,
    /// `agent_runs`, or `schema.table`.
    pub table: String,
    pub agent_id: String,
    pub tenant_id: String,
    /// Columns for the cycle's start and end (none when not named).
    pub started_column: Option<String>,
    pub finished_column: Option<String>,
    /// Each write's time limit (connect, lock waits, the statements).
    pub timeout: Span,
}

const DEFAULT_TIMEOUT: Span = Span::secs(10);

impl TryFrom<RunlogToml> for RunlogConfig {
    type Error = String;

    fn try_from(raw: RunlogToml) -> Result<Self, String> {
        if raw.database.trim().is_empty() {
            return Err("`database` is empty: a SQLite file or a postgres:// URL".into());
        }
        let database =
            postgres::database(&raw.database, raw.password_env, raw.sslmode, raw.ca_file)
                .map_err(|(key, message)| format!("`{key}`: {message}"))?;
        let table = raw.table.unwrap_or_else(|| "agent_runs".into());
        if !table.split('.').all(is_identifier) || table.split('.').count() > 2 {
            return Err(format!(
                "`table` {table:?}: a table name (letters, digits, _), optionally schema.table"
            ));
        }
        for column in [&raw.started_column, &raw.finished_column]
            .into_iter()
            .flatten()
        {
            if !is_identifier(column) {
                return Err(format!(
                    "column {column:?}: a column name (letters, digits, _)"
                ));
            }
        }
        let agent_id = raw.agent_id.unwrap_or_else(|| "clawkeeper".into());
        let tenant_id = raw.tenant_id.unwrap_or_else(|| "system".into());
        if agent_id.trim().is_empty() || tenant_id.trim().is_empty() {
            return Err("`agent_id` and `tenant_id` must not be empty".into());
        }
        Ok(RunlogConfig {
            database,
            table,
            agent_id,
            tenant_id,
            started_column: raw.started_column,
            finished_column: raw.finished_column,
            timeout: raw.timeout.unwrap_or(DEFAULT_TIMEOUT),
        })
    }
}

fn is_identifier(name: &str) -> bool {
    name.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl RunlogConfig {
    /// The environment variables it reads secrets from (for the redactor).
    pub fn secret_vars(&self) -> Vec<String> {
        match &self.database {
            Database::Postgres(pg) => pg.secret_vars(),
            Database::Sqlite(_) => Vec::new(),
        }
    }
}

/// How many pending entries one cycle writes at most (a long outage catches up over
/// a few cycles rather than holding one).
const BATCH: usize = 100;

/// The entry of a cycle: `heartbeat-{start}`, a fresh UUID, its status.
pub fn entry(run_id: i64, failed: bool, started_at: i64, finished_at: i64) -> RunlogEntry {
    RunlogEntry {
        run_id,
        entry_id: uuid::Uuid::new_v4().to_string(),
        task_id: format!("heartbeat-{}", crate::clock::format_ts(started_at)),
        status: if failed { "failed" } else { "completed" },
        started_at,
        finished_at,
        attempts: 0,
        last_error: None,
    }
}

/// What a cycle's runlog write did.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct RunlogReport {
    /// Runs whose rows the application has now (including rows written before a kill).
    pub written: Vec<i64>,
    /// Entries still waiting (retried by the next cycle).
    pub pending: i64,
    /// Why the write failed, if it did.
    pub error: Option<String>,
    /// Failed attempts of the oldest pending entry.
    #[serde(skip)]
    pub attempts: i64,
}

/// Write every pending entry (oldest first) to the application's table; marks what it
/// wrote in hb's store. Never fails the cycle: an error is in the report.
pub fn write_pending(
    store: &mut Store,
    config: &RunlogConfig,
    base_dir: &Path,
    now: i64,
) -> Result<RunlogReport> {
    let pending = store.pending_runlog(BATCH)?;
    let mut report = RunlogReport::default();
    if pending.is_empty() {
        return Ok(report);
    }
    let mut writer = match Writer::open(config, base_dir) {
        Ok(writer) => Some(writer),
        Err(error) => {
            report.error = Some(error);
            None
        }
    };
    for entry in &pending {
        let result = match writer.as_mut() {
            Some(writer) => writer.write(config, entry),
            None => Err(report.error.clone().unwrap_or_default()),
        };
        match result {
            Ok(()) => {
                store.transaction(|tx| tx.runlog_written(entry.run_id, now))?;
                report.written.push(entry.run_id);
            }
            Err(error) => {
                store.transaction(|tx| tx.runlog_failed(entry.run_id, &error, now))?;
                report.attempts = report.attempts.max(entry.attempts + 1);
                report.error.get_or_insert(error);
                // The rest would fail alike: they wait for the next cycle, in order.
                break;
            }
        }
    }
    report.pending = store.pending_runlog_count()?;
    Ok(report)
}

/// A connection to the application's database for the runlog, with the table's layout.
enum Writer {
    Sqlite(rusqlite::Connection, Layout),
    Postgres(Box<::postgres::Client>, Layout, Duration),
}

/// The columns hb writes and how: their SQL type (PostgreSQL casts) and whether a time
/// goes in as unix seconds (a number column) or RFC 3339 text.
struct Layout {
    /// The table as SQL names it (quoted as needed).
    table: String,
    columns: Vec<(String, String, bool)>,
}

impl Layout {
    fn column(&self, name: &str) -> Option<&(String, String, bool)> {
        self.columns.iter().find(|(c, _, _)| c == name)
    }
}

/// The columns every `agent_runs` row has.
const COLUMNS: [&str; 5] = ["id", "tenant_id", "agent_id", "task_id", "status"];

impl Writer {
    fn open(config: &RunlogConfig, base_dir: &Path) -> Result<Writer, String> {
        match &config.database {
            Database::Sqlite(path) => open_sqlite(&base_dir.join(path), config),
            Database::Postgres(pg) => open_postgres(pg, config, base_dir),
        }
    }

    /// Insert the entry unless the table has its id already (a write before a kill).
    fn write(&mut self, config: &RunlogConfig, entry: &RunlogEntry) -> Result<(), String> {
        let (layout, quote): (&Layout, fn(&str) -> String) = match self {
            Writer::Sqlite(_, layout) => (layout, quote_sqlite),
            Writer::Postgres(_, layout, _) => (layout, quote_postgres),
        };
        let started = crate::clock::format_ts(entry.started_at);
        let finished = crate::clock::format_ts(entry.finished_at);
        let mut values: Vec<(String, String)> = vec![
            ("id".into(), entry.entry_id.clone()),
            ("tenant_id".into(), config.tenant_id.clone()),
            ("agent_id".into(), config.agent_id.clone()),
            ("task_id".into(), entry.task_id.clone()),
            ("status".into(), entry.status.to_string()),
        ];
        for (column, text, secs) in [
            (&config.started_column, &started, entry.started_at),
            (&config.finished_column, &finished, entry.finished_at),
        ] {
            if let Some(column) = column {
                let numeric = layout.column(column).is_some_and(|(_, _, n)| *n);
                let value = if numeric {
                    secs.to_string()
                } else {
                    text.clone()
                };
                values.push((column.clone(), value));
            }
        }
        let names: Vec<String> = values.iter().map(|(c, _)| quote(c)).collect();
        match self {
            Writer::Sqlite(conn, layout) => {
                let placeholders: Vec<String> =
                    (1..=values.len()).map(|i| format!("?{i}")).collect();
                let sql = format!(
                    "INSERT INTO {table} ({names}) SELECT {placeholders} WHERE NOT EXISTS \
                     (SELECT 1 FROM {table} WHERE {id} = ?1)",
                    table = layout.table,
                    names = names.join(", "),
                    placeholders = placeholders.join(", "),
                    id = quote_sqlite("id"),
                );
                let tx = conn.transaction().map_err(|e| sqlite_error(config, &e))?;
                let params: Vec<&dyn rusqlite::ToSql> = values
                    .iter()
                    .map(|(_, v)| v as &dyn rusqlite::ToSql)
                    .collect();
                tx.execute(&sql, params.as_slice())
                    .map_err(|e| sqlite_error(config, &e))?;
                tx.commit().map_err(|e| sqlite_error(config, &e))
            }
            Writer::Postgres(client, layout, timeout) => {
                let cast = |i: usize, column: &str| {
                    let ty = layout
                        .column(column)
                        .map_or("text", |(_, ty, _)| ty.as_str());
                    format!("${}::text::{ty}", i + 1)
                };
                let selected: Vec<String> = values
                    .iter()
                    .enumerate()
                    .map(|(i, (c, _))| cast(i, c))
                    .collect();
                let sql = format!(
                    "INSERT INTO {table} ({names}) SELECT {selected} WHERE NOT EXISTS \
                     (SELECT 1 FROM {table} WHERE {id} = {first})",
                    table = layout.table,
                    names = names.join(", "),
                    selected = selected.join(", "),
                    id = quote_postgres("id"),
                    first = cast(0, "id"),
                );
                let params: Vec<&(dyn ::postgres::types::ToSql + Sync)> = values
                    .iter()
                    .map(|(_, v)| v as &(dyn ::postgres::types::ToSql + Sync))
                    .collect();
                let ms = postgres::statement_timeout_ms(Span(*timeout));
                let mut tx = client.transaction().map_err(|e| postgres::db_message(&e))?;
                tx.batch_execute(&format!("SET LOCAL statement_timeout = {ms}"))
                    .map_err(|e| postgres::db_message(&e))?;
                tx.execute(&sql, &params)
                    .map_err(|e| postgres::db_message(&e))?;
                tx.commit().map_err(|e| postgres::db_message(&e))
            }
        }
    }
}

fn quote_sqlite(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn quote_postgres(name: &str) -> String {
    quote_sqlite(name)
}

fn open_sqlite(path: &Path, config: &RunlogConfig) -> Result<Writer, String> {
    if !path.is_file() {
        return Err(format!("database {} does not exist", path.display()));
    }
    let flags =
        rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = rusqlite::Connection::open_with_flags(path, flags)
        .map_err(|e| format!("cannot open database {}: {e}", path.display()))?;
    conn.busy_timeout(config.timeout.0)
        .map_err(|e| sqlite_error(config, &e))?;
    let table = config
        .table
        .split('.')
        .map(quote_sqlite)
        .collect::<Vec<_>>()
        .join(".");
    let (schema, name) = match config.table.split_once('.') {
        Some((schema, name)) => (quote_sqlite(schema), name.to_string()),
        None => ("main".to_string(), config.table.clone()),
    };
    let mut stmt = conn
        .prepare(&format!(
            "PRAGMA {schema}.table_info({})",
            quote_sqlite(&name)
        ))
        .map_err(|e| sqlite_error(config, &e))?;
    let columns = stmt
        .query_map([], |row| {
            Ok((row.get::<_, String>(1)?, row.get::<_, String>(2)?))
        })
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
        .map_err(|e| sqlite_error(config, &e))?
        .into_iter()
        .map(|(column, ty)| {
            let upper = ty.to_ascii_uppercase();
            let numeric = upper.contains("INT") || upper.contains("REAL") || upper.contains("NUM");
            (column, ty, numeric)
        })
        .collect();
    drop(stmt);
    let layout = check_layout(
        config,
        Layout { table, columns },
        &path.display().to_string(),
    )?;
    Ok(Writer::Sqlite(conn, layout))
}

fn open_postgres(pg: &Postgres, config: &RunlogConfig, base_dir: &Path) -> Result<Writer, String> {
    let connector = postgres::Connector::new(pg, base_dir, config.timeout)?;
    let mut client = connector.connect()?;
    let found = client
        .query_opt("SELECT to_regclass($1)::text", &[&config.table])
        .map_err(|e| postgres::db_message(&e))?
        .and_then(|row| row.get::<_, Option<String>>(0));
    let Some(table) = found else {
        return Err(format!(
            "table {} does not exist in {} (or this role may not see it)",
            config.table, connector.display
        ));
    };
    let columns = client
        .query(
            "SELECT a.attname::text, format_type(a.atttypid, a.atttypmod), t.typcategory = 'N'
             FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
             WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped",
            &[&config.table],
        )
        .map_err(|e| postgres::db_message(&e))?
        .iter()
        .map(|row| (row.get(0), row.get(1), row.get(2)))
        .collect();
    let layout = check_layout(config, Layout { table, columns }, &connector.display)?;
    Ok(Writer::Postgres(Box::new(client), layout, config.timeout.0))
}

/// The table has every column hb writes.
fn check_layout(config: &RunlogConfig, layout: Layout, database: &str) -> Result<Layout, String> {
    if layout.columns.is_empty() {
        return Err(format!(
            "table {} does not exist in {database}",
            config.table
        ));
    }
    let wanted = COLUMNS
        .iter()
        .map(|c| c.to_string())
        .chain(config.started_column.iter().cloned())
        .chain(config.finished_column.iter().cloned());
    let missing: Vec<String> = wanted.filter(|c| layout.column(c).is_none()).collect();
    if !missing.is_empty() {
        return Err(format!(
            "table {} in {database} has no column {}",
            config.table,
            missing.join(", ")
        ));
    }
    Ok(layout)
}

fn sqlite_error(config: &RunlogConfig, err: &rusqlite::Error) -> String {
    format!("{}: {err}", config.database.describe())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_config_names_safe_identifiers() {
        let parse = |text: &str| crate::config::parse(text).map(|c| c.runlog);
        let config = parse("[runlog]\ndatabase = \"app.db\"\n").unwrap().unwrap();
        assert_eq!(config.table, "agent_runs");
        assert_eq!(config.agent_id, "clawkeeper");
        assert_eq!(config.tenant_id, "system");
        assert_eq!(config.database, Database::Sqlite("app.db".into()));
        let err = parse("[runlog]\ndatabase = \"app.db\"\ntable = \"runs; DROP\"\n").unwrap_err();
        assert_eq!(err.key.as_deref(), Some("runlog"));
        assert!(err.message.contains("a table name"), "{}", err.message);
        let err = parse("[runlog]\ndatabase = \"postgres://hb:pw@127.0.0.1/app\"\n").unwrap_err();
        assert!(err.message.contains("password_env"), "{}", err.message);
        assert!(parse("[runlog]\ndatabase = \"app.db\"\npassword_env = \"X\"\n").is_err());
        assert!(parse("").unwrap().is_none());
    }

    #[test]
    fn an_entry_names_its_heartbeat() {
        let e = entry(7, false, 1_795_608_000, 1_795_608_002);
        assert_eq!(e.task_id, "heartbeat-2026-11-25T12:00:00Z");
        assert_eq!(e.status, "completed");
        assert_eq!(
            uuid::Uuid::parse_str(&e.entry_id)
                .unwrap()
                .get_version_num(),
            4
        );
        assert_eq!(entry(7, true, 0, 0).status, "failed");
    }
}
