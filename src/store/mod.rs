//! The SQLite store: the only module that writes SQL for hb's own tables.
//!
//! One file, WAL, a busy timeout, foreign keys on, and migrations applied in order in one
//! exclusive transaction, tracked by `PRAGMA user_version`. Times are unix seconds (UTC).
//! Every write runs in a [`Tx`]; enums are stored as their text (`column`).

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use percent_encoding::{percent_encode, AsciiSet, CONTROLS};
use rusqlite::{Connection, OpenFlags};

use crate::exit::HbError;

mod briefs;
mod changes;
mod checks;
mod column;
mod contracts;
mod demo;
mod import;
mod insights;
mod market;
mod metrics;
#[cfg(test)]
mod mirrors;
pub mod modules;
mod notifications;
mod open_notices;
pub mod outbox;
mod properties;
mod runlog;
mod runs;
mod schema;
mod silences;

pub use briefs::SentBrief;
pub use changes::{Moment, Watermark};
pub use checks::{trigger_counts, CheckHistoryRow, Counting, DEMO_TRIGGER};
pub use contracts::ContractRow;
pub use demo::{DemoContact, DemoContract, DemoProperty, DemoReminder, DemoWatchlist, LoadStep};
pub use insights::{FindingQuery, FindingRow};
pub use market::{Area, Listings, WindowMedian};
pub use notifications::{
    Draftable, NotificationDraft, NotificationFilter, NotificationRow, Reconciler, Transitions,
    REMINDER_SOURCE, WATCHLIST_SOURCE,
};
pub use outbox::{NewOutboxRow, OutboxRow, OutboxStatus};
pub use properties::{HealthFilter, PropertyFactsUpdate, PropertyListRow, PropertyRecord};
pub use runlog::RunlogEntry;
pub use runs::{LockOutcome, ModuleResultRow, RunFilter, RunRow, RunStatus};
pub use silences::Removal;

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The bytes SQLite aims to stay within (`PRAGMA soft_heap_limit`), page cache and sorts
/// together: past it the page cache recycles pages and a sort writes out its runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemoryBudget {
    /// What a writer starts with: a pass over everything (a full reconcile, an import).
    Bulk,
    /// A pass over what changed reads a few thousand pages: 8 MiB kept the 5-minute cycle
    /// on the 1M demo store at 23 MB peak instead of 31 MB, in the same time.
    Incremental,
}

impl MemoryBudget {
    fn bytes(self) -> i64 {
        match self {
            MemoryBudget::Bulk => 16 << 20,
            MemoryBudget::Incremental => 8 << 20,
        }
    }
}

impl Store {
    /// Open the store to write, creating the file (and its directory) and migrating as
    /// needed.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| {
                format!("could not create the store's directory {}", dir.display())
            })?;
        }
        Self::open_writable(path, OpenFlags::default())
    }

    /// Open a store that must already exist, to write.
    pub fn open_existing(path: &Path) -> Result<Store> {
        ensure_exists(path)?;
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        Self::open_writable(path, flags)
    }

    /// Open a store that must already exist, to read only: no write access is needed and
    /// nothing is written (no migration, no journal mode) when the schema is current. A
    /// store that needs migrating is migrated by its owner and an error for anyone else.
    ///
    /// SQLite reads a WAL database through its `-shm` index, which it creates next to the
    /// file when there is none (see <https://www.sqlite.org/wal.html>, "Read-Only
    /// Databases"). A user who may not write the store must not create files its owner
    /// then cannot write, so such a user reads through the index of a live connection
    /// when there is one, and otherwise opens the file `immutable`: with no connection
    /// open, the file alone holds every committed write.
    pub fn open_read_only(path: &Path) -> Result<Store> {
        ensure_exists(path)?;
        let read_only = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let sidecar = |suffix: &str| {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            PathBuf::from(name)
        };
        let (wal, shm) = (sidecar("-wal"), sidecar("-shm"));
        let owner = can_write(path) && path.parent().is_none_or(|dir| can_write(or_dot(dir)));
        let conn = if owner {
            // Read-write, though nothing is written: the last connection to close then
            // folds the log back into the file and removes it, as after any writer.
            Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_WRITE
                    | OpenFlags::SQLITE_OPEN_NO_MUTEX
                    | OpenFlags::SQLITE_OPEN_URI,
            )
        } else if wal.exists() && shm.exists() {
            Connection::open_with_flags(path, read_only)
        } else if wal.metadata().is_ok_and(|m| m.len() > 0) {
            // A writer that was killed left committed writes in its log: only a user who
            // may write can fold them back in.
            return Err(anyhow::anyhow!(
                "cannot read store {}: its write-ahead log {} holds writes not yet in the file, \
                 and this user may not write the store to apply them: run `hb` once as its \
                 owner (any command), then read again",
                path.display(),
                wal.display()
            ));
        } else {
            Connection::open_with_flags(immutable_uri(path), read_only)
        };
        let conn = conn.map_err(|err| unreadable(path, err.into()))?;
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(|err| unreadable(path, err.into()))?;
        conn.pragma_update(None, "cache_size", -32_768)
            .map_err(|err| unreadable(path, err.into()))?;
        match schema::version(&conn).map_err(|err| unreadable(path, err))? {
            schema::CURRENT => {}
            // The owner migrates, as any command that writes would.
            _ if owner => {
                drop(conn);
                return Self::open_existing(path);
            }
            version => return Err(schema::needs_migrating(path, version)),
        }
        Ok(Store {
            conn,
            path: path.to_path_buf(),
        })
    }

    fn open_writable(path: &Path, flags: OpenFlags) -> Result<Store> {
        let opened = Self::configure_writable(path, flags);
        match opened {
            Ok(store) => Ok(store),
            // Permissions, in plain words, rather than a SQLite constant.
            Err(err) => Err(match write_problem(path) {
                Some(problem) if is_permission_error(&err) => anyhow::anyhow!("{problem}"),
                _ => err,
            }),
        }
    }

    fn configure_writable(path: &Path, flags: OpenFlags) -> Result<Store> {
        let describe = || format!("could not open store {}", path.display());
        let mut conn = Connection::open_with_flags(path, flags).with_context(describe)?;
        // SQLite falls back to read-only on a file it may not write; a writer says so now,
        // not at its first write.
        if conn.is_readonly(rusqlite::DatabaseName::Main)? {
            return Err(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_READONLY),
                None,
            ))
            .with_context(describe);
        }
        conn.busy_timeout(BUSY_TIMEOUT).with_context(describe)?;
        // WAL lets readers (status, insights) run while a cycle writes.
        conn.pragma_update(None, "journal_mode", "WAL")
            .with_context(describe)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .with_context(describe)?;
        conn.pragma_update(None, "foreign_keys", true)
            .with_context(describe)?;
        // Big stores are read at random (findings, notifications): a 32 MiB page cache
        // instead of SQLite's 2 MiB default saves a read syscall per page (memory maps
        // gained little more here and inflate RSS with the whole mapped file).
        conn.pragma_update(None, "cache_size", -32_768)
            .with_context(describe)?;
        // What SQLite holds in all: past this its page cache recycles pages and a sort
        // writes out its runs, instead of each growing to its own 32 MiB (the hourly
        // cycle's modules filled the cache with pages they read once).
        conn.pragma_update(None, "soft_heap_limit", MemoryBudget::Bulk.bytes())
            .with_context(describe)?;
        schema::migrate(&mut conn)
            .with_context(|| format!("could not prepare store {}", path.display()))?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The store's schema version, and the one this hb expects.
    pub fn schema_version(&self) -> Result<(i64, i64)> {
        Ok((schema::version(&self.conn)?, schema::CURRENT))
    }

    /// Run `f` in one write transaction: everything it writes commits together or not
    /// at all (an error rolls back).
    pub fn transaction<T>(&mut self, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        self.transaction_then(End::Commit, f)
    }

    /// Run `f` in one write transaction that ends as `end` says when `f` succeeds: a dry
    /// run computes and writes as a real one would, then rolls back.
    pub fn transaction_then<T>(
        &mut self,
        end: End,
        f: impl FnOnce(&Tx<'_>) -> Result<T>,
    ) -> Result<T> {
        // Unchecked: `&mut self` already keeps every other use of the connection out.
        let tx = rusqlite::Transaction::new_unchecked(
            &self.conn,
            rusqlite::TransactionBehavior::Immediate,
        )
        .with_context(|| busy_hint(&self.path))?;
        let tx = Tx { store: self, tx };
        // An error drops `tx`, which rolls back.
        let value = f(&tx)?;
        match end {
            End::Commit => tx
                .tx
                .commit()
                .with_context(|| format!("could not commit to store {}", self.path.display()))?,
            End::Rollback => tx.tx.rollback()?,
        }
        Ok(value)
    }

    fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Set what SQLite may hold from now on (it is the process's limit, and a store is
    /// the process's one connection that writes).
    pub fn set_memory_budget(&self, budget: MemoryBudget) -> Result<()> {
        self.conn
            .pragma_update(None, "soft_heap_limit", budget.bytes())?;
        Ok(())
    }
}

/// How a transaction ends when its work succeeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    Commit,
    /// A dry run: nothing it wrote stays.
    Rollback,
}

/// One write transaction on the store, the only way anything is written: every write
/// that runs inside a caller's transaction is a method of `Tx`, and the store's
/// one-shot writes open their own. Reads go through the store it derefs to and see the
/// transaction's writes.
pub struct Tx<'s> {
    store: &'s Store,
    tx: rusqlite::Transaction<'s>,
}

impl std::ops::Deref for Tx<'_> {
    type Target = Store;

    fn deref(&self) -> &Store {
        self.store
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

fn ensure_exists(path: &Path) -> Result<()> {
    if path.exists() {
        return Ok(());
    }
    Err(HbError::NotFound(format!(
        "no store at {}: create one with `hb init`, `hb import` or `hb demo`, or pass --db",
        path.display()
    ))
    .into())
}

/// `file:PATH?immutable=1`: read without locks or the WAL index (nothing else may be
/// writing; see `open_read_only`).
fn immutable_uri(path: &Path) -> String {
    format!(
        "file:{}?immutable=1",
        percent_encode(path.as_os_str().as_encoded_bytes(), URI_PATH)
    )
}

/// What a path must escape in a SQLite URI filename (`%`, `?` and `#` are special there;
/// SQLite decodes every `%HH`, so escaped controls and non-ASCII bytes come back intact).
const URI_PATH: &AsciiSet = &CONTROLS.add(b'%').add(b'?').add(b'#');

/// A directory for `access`: the empty parent of a bare file name is `.`.
fn or_dot(dir: &Path) -> &Path {
    if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    }
}

/// May this user write `path`? (Read-only mounts count as no.)
fn can_write(path: &Path) -> bool {
    #[cfg(unix)]
    {
        rustix::fs::access(path, rustix::fs::Access::WRITE_OK).is_ok()
    }
    #[cfg(not(unix))]
    {
        std::fs::metadata(path).is_ok_and(|m| !m.permissions().readonly())
    }
}

fn is_permission_error(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        matches!(
            cause
                .downcast_ref::<rusqlite::Error>()
                .and_then(rusqlite::Error::sqlite_error_code),
            Some(rusqlite::ErrorCode::ReadOnly | rusqlite::ErrorCode::CannotOpen)
        ) || cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::PermissionDenied)
    })
}

/// Why this user cannot write the store at `path`, in plain words (None: it could).
fn write_problem(path: &Path) -> Option<String> {
    let dir = or_dot(path.parent().unwrap_or(Path::new(".")));
    let fix = "run hb as the store's owner, or fix the permissions (or pass --db)";
    if path.exists() && !can_write(path) {
        return Some(format!(
            "cannot write store {}: the file is read-only for this user: {fix}",
            path.display()
        ));
    }
    if !can_write(dir) {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let what = if path.exists() {
            format!("SQLite keeps {name}-wal and {name}-shm next to the store while it writes")
        } else {
            "the store cannot be created there".to_string()
        };
        return Some(format!(
            "cannot write store {}: its directory {} is read-only for this user ({what}): {fix}",
            path.display(),
            dir.display()
        ));
    }
    None
}

/// A store this user cannot read: permissions in plain words, anything else with context.
fn unreadable(path: &Path, err: anyhow::Error) -> anyhow::Error {
    if is_permission_error(&err) {
        anyhow::anyhow!(
            "cannot read store {}: this user may not read the file (or its directory): \
             run hb as a user who may, or fix the permissions",
            path.display()
        )
    } else {
        err.context(format!("cannot read store {}", path.display()))
    }
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

#[cfg(test)]
impl Store {
    /// `EXPLAIN QUERY PLAN` of `sql`, one line per step: which indexes serve it.
    pub(crate) fn query_plan(&self, sql: &str) -> String {
        let mut stmt = self
            .conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .unwrap();
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<rusqlite::Result<Vec<_>>>()
            .unwrap();
        rows.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_immutable_uri_reaches_a_path_with_uri_characters() {
        let dir = tempfile::tempdir().unwrap();
        let odd = dir.path().join("50% off? #1 é");
        std::fs::create_dir(&odd).unwrap();
        let path = odd.join("hb.db");
        Connection::open(&path)
            .unwrap()
            .execute_batch("CREATE TABLE t (v); INSERT INTO t VALUES (42);")
            .unwrap();
        let uri = immutable_uri(&path);
        assert!(uri.contains("50%25 off%3F %231 %C3%A9"), "{uri}");
        let conn = Connection::open_with_flags(
            uri,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI,
        )
        .unwrap();
        let v: i64 = conn.query_row("SELECT v FROM t", [], |r| r.get(0)).unwrap();
        assert_eq!(v, 42);
    }
}
