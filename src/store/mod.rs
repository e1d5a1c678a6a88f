//! The SQLite store: the only module that writes SQL for hb's own tables.
//!
//! One file, WAL, a busy timeout, foreign keys on, and migrations applied in order in one
//! exclusive transaction, tracked by `PRAGMA user_version`. Times are unix seconds (UTC).

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use rusqlite::{Connection, OpenFlags};

use crate::exit::HbError;

mod checks;
mod contracts;
mod demo;
mod import;
mod insights;
mod metrics;
pub mod modules;
mod notifications;
pub mod outbox;
mod properties;
mod runs;
mod schema;

#[allow(unused_imports)] // for `hb cycle`, which records checks inside its own transaction
pub use checks::{record_check_results_in, CheckResultRow, MetricRow};
pub use contracts::ContractRow;
pub use demo::{DemoContact, DemoContract, DemoProperty, DemoReminder, DemoWatchlist, LoadStep};
pub use import::{
    ColumnError, ContactImport, ContractImport, Field, Importer, InteractionImport, PriceImport,
    PropertyImport, ReminderImport, Upsert, WatchlistImport,
};
pub use insights::{FindingQuery, FindingRow};
pub use notifications::{
    insert_event, NotificationDraft, NotificationFilter, NotificationRow, Reconciler, Transitions,
};
pub use outbox::{NewOutboxRow, OutboxRow};
pub use properties::{HealthFilter, PropertyFactsUpdate, PropertyRecord};
pub use runs::{
    module_cursor, record_module_result, set_module_cursor, LockOutcome, ModuleResultRow,
    RunFilter, RunRow, RunStatus,
};

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

impl Store {
    /// Open the store, creating the file (and its directory) and migrating as needed.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| {
                format!("could not create the store's directory {}", dir.display())
            })?;
        }
        Self::open_with(path, OpenFlags::default())
    }

    /// Open a store that must already exist (commands that only read).
    pub fn open_existing(path: &Path) -> Result<Store> {
        if !path.exists() {
            return Err(HbError::NotFound(format!(
                "no store at {}: create one with `hb init`, `hb import` or `hb demo`, or pass --db",
                path.display()
            ))
            .into());
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        match Self::open_with(path, flags) {
            Ok(store) => Ok(store),
            // A read-only file (or directory) still serves readers when its schema is current.
            Err(err) if is_read_only(&err) => Self::open_with(
                path,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            ),
            Err(err) => Err(err),
        }
    }

    fn open_with(path: &Path, flags: OpenFlags) -> Result<Store> {
        let describe = || {
            format!(
                "could not open store {} (it must be a readable and writable SQLite file: \
                 fix its permissions, or pass --db)",
                path.display()
            )
        };
        let mut conn = Connection::open_with_flags(path, flags).with_context(describe)?;
        conn.busy_timeout(BUSY_TIMEOUT).with_context(describe)?;
        let read_only = flags.contains(OpenFlags::SQLITE_OPEN_READ_ONLY);
        if !read_only {
            // WAL lets readers (status, insights) run while a cycle writes.
            conn.pragma_update(None, "journal_mode", "WAL")
                .with_context(describe)?;
            conn.pragma_update(None, "synchronous", "NORMAL")
                .with_context(describe)?;
        }
        conn.pragma_update(None, "foreign_keys", true)
            .with_context(describe)?;
        // Big stores are read at random (findings, notifications): a 32 MiB page cache
        // instead of SQLite's 2 MiB default saves a read syscall per page (memory maps
        // gained little more here and inflate RSS with the whole mapped file).
        conn.pragma_update(None, "cache_size", -32_768)
            .with_context(describe)?;
        schema::migrate(&mut conn, read_only)
            .with_context(|| format!("could not prepare store {}", path.display()))?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Run `f` in one transaction: everything it writes commits together or not at all.
    pub fn transaction<T>(
        &mut self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .with_context(|| busy_hint(&self.path))?;
        let value = f(&tx)?;
        tx.commit()
            .with_context(|| format!("could not commit to store {}", self.path.display()))?;
        Ok(value)
    }

    /// Run `f` in one write transaction on `&self`, so `f` can read through the same
    /// store while it writes. `commit = false` rolls back (dry runs). An error rolls back.
    pub fn write<T>(&self, commit: bool, f: impl FnOnce(&Store) -> Result<T>) -> Result<T> {
        self.conn
            .execute_batch("BEGIN IMMEDIATE")
            .with_context(|| busy_hint(&self.path))?;
        let result = f(self).and_then(|value| {
            let end = if commit { "COMMIT" } else { "ROLLBACK" };
            self.conn
                .execute_batch(end)
                .with_context(|| format!("could not commit to store {}", self.path.display()))?;
            Ok(value)
        });
        if result.is_err() && !self.conn.is_autocommit() {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
        result
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }
}

fn busy_hint(path: &Path) -> String {
    format!(
        "could not start a write on store {} (if it is locked, another process holds a write on it \
         for longer than {}s: try again when it ends)",
        path.display(),
        BUSY_TIMEOUT.as_secs()
    )
}

fn is_read_only(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<rusqlite::Error>()
            .and_then(|e| e.sqlite_error_code())
            == Some(rusqlite::ErrorCode::ReadOnly)
            || cause
                .downcast_ref::<rusqlite::Error>()
                .and_then(|e| e.sqlite_error_code())
                == Some(rusqlite::ErrorCode::CannotOpen)
    })
}

/// The error a write gets when a row it needs does not exist.
pub fn not_found(what: &str, id: i64) -> anyhow::Error {
    let hint = match what {
        "property" => " (list them with `hb property list`)",
        "contract" => " (a property's contracts: `hb contract list PROPERTY_ID`)",
        _ => "",
    };
    HbError::NotFound(format!("no {what} with id {id}{hint}")).into()
}

pub(crate) fn ensure_changed(changed: usize, what: &str, id: i64) -> Result<()> {
    if changed == 0 {
        return Err(not_found(what, id));
    }
    Ok(())
}
