//! `hb import KIND FILE|-`: files of rows (CSV, JSON, NDJSON) read, typed and checked
//! before the store writes them.
//!
//! - [`columns`]: what columns each kind may have, and the header check;
//! - `read`: the file, its format and every row, each error naming the file and row;
//! - `parse`: a row to a typed [`Record`], each error naming the column (pure);
//! - `progress`: the bar a big file gets on a terminal;
//! - [`record`]: the records, which `store::Importer` writes in one transaction.
//!
//! The first bad row aborts the whole file, so an import is all or nothing.

use std::fmt;

use clap::ValueEnum;
use serde::Serialize;

pub mod columns;
mod parse;
mod progress;
mod read;
pub mod record;

pub use progress::Progress;
pub use read::Rows;
pub use record::{ColumnError, Field, Record, Upsert};

/// What an import file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportKind {
    Properties,
    Contracts,
    Contacts,
    Interactions,
    Watchlists,
    Reminders,
    Prices,
}

/// How an import file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportFormat {
    Csv,
    Json,
    Ndjson,
}

impl ImportKind {
    /// What one row (`count` 1) or many rows of this kind are called.
    pub fn noun(self, count: u64) -> &'static str {
        let (one, many) = match self {
            ImportKind::Properties => ("property", "properties"),
            ImportKind::Contracts => ("contract", "contracts"),
            ImportKind::Contacts => ("contact", "contacts"),
            ImportKind::Interactions => ("interaction", "interactions"),
            ImportKind::Watchlists => ("watchlist", "watchlists"),
            ImportKind::Reminders => ("reminder", "reminders"),
            ImportKind::Prices => ("price", "prices"),
        };
        if count == 1 {
            one
        } else {
            many
        }
    }
}

// ---------------------------------------------------------------------------------------
// The summary

/// What an import did (`hb import --json`): `imported 3 properties: 2 new, 1 updated`.
#[derive(Debug, Serialize)]
pub struct Summary {
    kind: &'static str,
    total: u64,
    new: u64,
    updated: u64,
    /// Rows already stored as given (duplicate interactions, same prices, id-only rows).
    unchanged: u64,
    #[serde(skip)]
    import_kind: ImportKind,
}

impl Summary {
    pub fn new(kind: ImportKind) -> Self {
        Summary {
            kind: kind.noun(2),
            total: 0,
            new: 0,
            updated: 0,
            unchanged: 0,
            import_kind: kind,
        }
    }

    pub fn count(&mut self, outcome: Upsert) {
        self.total += 1;
        match outcome {
            Upsert::New => self.new += 1,
            Upsert::Updated => self.updated += 1,
            Upsert::Unchanged => self.unchanged += 1,
        }
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "imported {} {}: {} new, {} updated",
            self.total,
            self.import_kind.noun(self.total),
            self.new,
            self.updated
        )?;
        if self.unchanged > 0 {
            write!(f, ", {} unchanged", self.unchanged)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_line() {
        let mut s = Summary::new(ImportKind::Properties);
        for outcome in [Upsert::New, Upsert::New, Upsert::Updated] {
            s.count(outcome);
        }
        assert_eq!(s.to_string(), "imported 3 properties: 2 new, 1 updated");
        let mut s = Summary::new(ImportKind::Interactions);
        s.count(Upsert::Unchanged);
        assert_eq!(
            s.to_string(),
            "imported 1 interaction: 0 new, 0 updated, 1 unchanged"
        );
    }
}
