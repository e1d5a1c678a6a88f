//! Bulk load of a generated demo portfolio into a fresh store.
//!
//! The records are plain data built by `crate::demo`; this module only writes them.
//! Everything goes in one transaction through cached statements, so a million
//! properties load in seconds.

use anyhow::{Context, Result};
use rusqlite::{params, Connection, Statement};

use super::properties::PropertyRecord;
use super::Store;
use crate::pipeline::{self, ContractFacts, ContractStatus, Derived};

/// One generated property with everything that hangs off it.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoProperty {
    /// `id` is set: the demo numbers its properties 1..=N.
    pub property: PropertyRecord,
    pub contracts: Vec<DemoContract>,
    pub contacts: Vec<DemoContact>,
    pub reminders: Vec<DemoReminder>,
    /// `(at, price)`, oldest first, at distinct times.
    pub prices: Vec<(i64, f64)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DemoContract {
    pub name: &'static str,
    pub status: ContractStatus,
    pub attached_at: i64,
    pub sent_at: Option<i64>,
    pub signed_at: Option<i64>,
    pub completed_at: Option<i64>,
    pub cancelled_at: Option<i64>,
    pub deadline_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DemoContact {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub created_at: i64,
    /// `(at, kind)` at distinct times.
    pub interactions: Vec<(i64, &'static str)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DemoReminder {
    pub title: String,
    pub due_at: i64,
    /// `daily`, `weekly`, `monthly` or `every Nd`.
    pub recurrence: Option<&'static str>,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DemoWatchlist {
    pub name: String,
    pub city: Option<String>,
    pub state: Option<String>,
    pub zip: Option<String>,
    pub kind: Option<String>,
    pub max_price: Option<f64>,
    pub min_beds: Option<i64>,
    pub min_score: Option<f64>,
    pub created_at: i64,
}

/// Where a load is, for a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadStep {
    /// This many properties (with their rows) written so far.
    Properties(u64),
    /// All rows written; building the indexes.
    Indexes,
}

impl DemoProperty {
    /// The derived stage columns, from the facts and the contracts, as every write computes them.
    pub fn derived(&self) -> Derived {
        let contracts: Vec<ContractFacts> = self
            .contracts
            .iter()
            .map(|c| ContractFacts {
                // Ids are assigned by the store; derive does not look at them.
                id: 0,
                name: String::new(),
                status: c.status,
                attached_at: c.attached_at,
                completed_at: c.completed_at,
                deadline_at: c.deadline_at,
            })
            .collect();
        let p = &self.property;
        pipeline::derive(p.created_at, p.enriched_at, p.skip_traced_at, &contracts)
    }
}

impl Store {
    /// Write a generated portfolio into this (fresh) store in one transaction.
    /// `progress` hears how far it got, now and then.
    pub fn load_demo(
        &mut self,
        properties: impl IntoIterator<Item = DemoProperty>,
        watchlists: &[DemoWatchlist],
        global_reminders: &[DemoReminder],
        now: i64,
        mut progress: impl FnMut(LoadStep),
    ) -> Result<()> {
        // The file was just created and is rebuilt by the next `hb demo` anyway, so
        // durability buys nothing: no fsyncs, no WAL copy of every page. The journal stays
        // (in memory) so a failed load still rolls back. A big cache and in-memory temp
        // storage let the index builds at the end sort without spilling to disk.
        self.set_pragmas(&[
            ("journal_mode", "MEMORY"),
            ("synchronous", "OFF"),
            ("cache_size", "-262144"),
            ("temp_store", "MEMORY"),
        ])?;
        let loaded = self.transaction(|tx| {
            // Index entries inserted one by one, in random key order, are most of the cost
            // of a bulk load; building each index once at the end (a sort) is much faster.
            // Same transaction: on failure the schema rolls back with the rows.
            let indexes = secondary_indexes(tx.conn())?;
            for (name, _) in &indexes {
                tx.conn()
                    .execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))?;
            }
            let mut loader = Loader::new(tx.conn())?;
            let mut written = 0u64;
            for p in properties {
                loader.property(&p, now)?;
                written += 1;
                if written.is_multiple_of(4096) {
                    progress(LoadStep::Properties(written));
                }
            }
            progress(LoadStep::Properties(written));
            for r in global_reminders {
                loader.reminder(r, None)?;
            }
            drop(loader);
            let mut stmt = tx.conn().prepare(
                "INSERT INTO watchlists (name, city, state, zip, kind, max_price, min_beds,
                    min_score, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?;
            for w in watchlists {
                stmt.execute(params![
                    w.name,
                    w.city,
                    w.state,
                    w.zip,
                    w.kind,
                    w.max_price,
                    w.min_beds,
                    w.min_score,
                    w.created_at
                ])?;
            }
            progress(LoadStep::Indexes);
            for (_, sql) in &indexes {
                tx.conn().execute_batch(sql)?;
            }
            Ok(())
        });
        // Back to what every other command opens the store with, loaded or not.
        let restored = self.set_pragmas(&[
            ("journal_mode", "WAL"),
            ("synchronous", "NORMAL"),
            ("cache_size", "-2000"),
            ("temp_store", "DEFAULT"),
        ]);
        loaded.and(restored)
    }

    fn set_pragmas(&self, pragmas: &[(&str, &str)]) -> Result<()> {
        for (name, value) in pragmas {
            self.conn
                .pragma_update(None, name, value)
                .with_context(|| {
                    format!("could not set {name} on store {}", self.path.display())
                })?;
        }
        Ok(())
    }
}

/// `(name, CREATE INDEX statement)` of every index the schema declares; the implicit
/// ones behind PRIMARY KEY and UNIQUE have no statement and stay.
fn secondary_indexes(conn: &Connection) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare(
        "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name",
    )?;
    let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The insert statements of a load, prepared once (a cache lookup per row shows up at
/// a million rows).
struct Loader<'c> {
    conn: &'c Connection,
    property: Statement<'c>,
    contract: Statement<'c>,
    contact: Statement<'c>,
    interaction: Statement<'c>,
    reminder: Statement<'c>,
    price: Statement<'c>,
}

impl<'c> Loader<'c> {
    fn new(conn: &'c Connection) -> Result<Self> {
        Ok(Loader {
            conn,
            property: conn.prepare(
                "INSERT INTO properties (id, external_ref, address, city, state, zip, kind,
                    list_price, beds, baths, sqft, score, created_at, enriched_at, skip_traced_at,
                    blocked_reason, last_action_at, contracts_attached_at, contracts_completed_at,
                    stage, stage_entered_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                    ?17, ?18, ?19, ?20, ?21, ?22)",
            )?,
            contract: conn.prepare(
                "INSERT INTO contracts (property_id, name, status, attached_at, sent_at,
                    signed_at, completed_at, cancelled_at, deadline_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?,
            contact: conn.prepare(
                "INSERT INTO contacts (name, email, phone, property_id, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?,
            interaction: conn
                .prepare("INSERT INTO interactions (contact_id, at, kind) VALUES (?1, ?2, ?3)")?,
            reminder: conn.prepare(
                "INSERT INTO reminders (title, due_at, property_id, recurrence, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?,
            price: conn.prepare(
                "INSERT INTO price_history (property_id, at, price) VALUES (?1, ?2, ?3)",
            )?,
        })
    }

    fn property(&mut self, p: &DemoProperty, now: i64) -> Result<()> {
        let derived = p.derived();
        let r = &p.property;
        self.property.execute(params![
            r.id,
            r.external_ref,
            r.address,
            r.city,
            r.state,
            r.zip,
            r.kind,
            r.list_price,
            r.beds,
            r.baths,
            r.sqft,
            r.score,
            r.created_at,
            r.enriched_at,
            r.skip_traced_at,
            r.blocked_reason,
            r.last_action_at,
            derived.contracts_attached_at,
            derived.contracts_completed_at,
            derived.stage,
            derived.stage_entered_at,
            now
        ])?;
        let property_id = self.conn.last_insert_rowid();
        for c in &p.contracts {
            self.contract.execute(params![
                property_id,
                c.name,
                c.status,
                c.attached_at,
                c.sent_at,
                c.signed_at,
                c.completed_at,
                c.cancelled_at,
                c.deadline_at
            ])?;
        }
        for contact in &p.contacts {
            self.contact.execute(params![
                contact.name,
                contact.email,
                contact.phone,
                property_id,
                contact.created_at
            ])?;
            let contact_id = self.conn.last_insert_rowid();
            for (at, kind) in &contact.interactions {
                self.interaction.execute(params![contact_id, at, kind])?;
            }
        }
        for reminder in &p.reminders {
            self.reminder(reminder, Some(property_id))?;
        }
        for (at, price) in &p.prices {
            self.price.execute(params![property_id, at, price])?;
        }
        Ok(())
    }

    fn reminder(&mut self, r: &DemoReminder, property_id: Option<i64>) -> Result<()> {
        self.reminder.execute(params![
            r.title,
            r.due_at,
            property_id,
            r.recurrence,
            r.created_at
        ])?;
        Ok(())
    }
}
