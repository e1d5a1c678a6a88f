//! Typed records of an import: what one row says, per column, before the store writes it.
//!
//! A record says, per column, whether the file left it out (keep what the store has),
//! emptied it (clear it) or gave a value. Problems a row can have that only the store can
//! see (a missing property, a required column for a new row) come back as
//! [`ColumnError`] too, so the caller can name the row.

use std::fmt;

use crate::pipeline::ContractStatus;

/// One column of an imported row.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Field<T> {
    /// Not in the file: an update keeps the stored value.
    #[default]
    Keep,
    /// Empty cell or `null`: the value is unset.
    Clear,
    Set(T),
}

impl<T: Clone> Field<T> {
    pub fn value(&self) -> Option<&T> {
        match self {
            Field::Set(v) => Some(v),
            Field::Keep | Field::Clear => None,
        }
    }

    pub fn is_keep(&self) -> bool {
        matches!(self, Field::Keep)
    }

    /// The value after applying this column to what the store had.
    pub fn apply(&self, stored: Option<T>) -> Option<T> {
        match self {
            Field::Keep => stored,
            Field::Clear => None,
            Field::Set(v) => Some(v.clone()),
        }
    }
}

/// What is wrong with one column of one row; the caller adds the row.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnError {
    pub column: String,
    pub reason: String,
}

impl ColumnError {
    pub fn new(column: impl Into<String>, reason: impl Into<String>) -> Self {
        ColumnError {
            column: column.into(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for ColumnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "column {}: {}", self.column, self.reason)
    }
}

impl std::error::Error for ColumnError {}

/// What importing one row did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upsert {
    New,
    Updated,
    /// The row was already there as given (a duplicate interaction, the same price).
    Unchanged,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct PropertyImport {
    pub id: Option<i64>,
    pub external_ref: Field<String>,
    /// Required for a new property; `None` keeps the stored address.
    pub address: Option<String>,
    pub city: Field<String>,
    pub state: Field<String>,
    pub zip: Field<String>,
    pub kind: Field<String>,
    pub list_price: Field<f64>,
    pub beds: Field<i64>,
    pub baths: Field<f64>,
    pub sqft: Field<i64>,
    pub score: Field<f64>,
    /// `None`: now for a new property, unchanged for an existing one.
    pub created_at: Option<i64>,
    pub enriched_at: Field<i64>,
    pub skip_traced_at: Field<i64>,
    pub blocked_reason: Field<String>,
    pub last_action_at: Field<i64>,
    /// A hold's resume date (ahead: snoozed; past: its clock runs from it), and why.
    pub snoozed_until: Field<i64>,
    pub snooze_reason: Field<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContractImport {
    pub id: Option<i64>,
    /// Required for a new contract.
    pub property_id: Option<i64>,
    /// Required for a new contract.
    pub name: Option<String>,
    /// `None`: inferred from the times given.
    pub status: Option<ContractStatus>,
    /// `None`: now for a new contract, unchanged for an existing one.
    pub attached_at: Option<i64>,
    pub sent_at: Field<i64>,
    pub signed_at: Field<i64>,
    pub completed_at: Field<i64>,
    pub cancelled_at: Field<i64>,
    pub deadline_at: Field<i64>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContactImport {
    pub id: Option<i64>,
    /// Required for a new contact.
    pub name: Option<String>,
    pub email: Field<String>,
    pub phone: Field<String>,
    pub property_id: Field<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct InteractionImport {
    pub contact_id: i64,
    pub at: i64,
    pub kind: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct WatchlistImport {
    pub id: Option<i64>,
    /// Required for a new watchlist.
    pub name: Option<String>,
    pub city: Field<String>,
    pub state: Field<String>,
    pub zip: Field<String>,
    pub kind: Field<String>,
    pub max_price: Field<f64>,
    pub min_beds: Field<i64>,
    pub min_score: Field<f64>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReminderImport {
    pub id: Option<i64>,
    /// Required for a new reminder.
    pub title: Option<String>,
    /// Required for a new reminder.
    pub due_at: Option<i64>,
    pub property_id: Field<i64>,
    /// Normalised: `daily`, `weekly`, `monthly` or `every Nd`.
    pub recurrence: Field<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PriceImport {
    pub property_id: i64,
    pub at: i64,
    pub price: f64,
}

/// One parsed row, of the kind the file holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    Property(PropertyImport),
    Contract(ContractImport),
    Contact(ContactImport),
    Interaction(InteractionImport),
    Watchlist(WatchlistImport),
    Reminder(ReminderImport),
    Price(PriceImport),
}
