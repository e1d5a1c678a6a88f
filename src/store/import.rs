//! Imports: the typed records of `crate::import` upserted inside one transaction per
//! file. Problems a row can have that only the store can see (a missing property, a
//! required column for a new row) come back as [`ColumnError`], so the caller can name
//! the row.

use std::collections::BTreeSet;

use anyhow::Result;
use rusqlite::types::Null;
use rusqlite::{params, Connection, OptionalExtension, ToSql};

use super::contracts::{contract_row, SELECT_CONTRACT};
use super::{ContractRow, PropertyRecord, Store, Tx};
use crate::import::record::{
    ContactImport, ContractImport, InteractionImport, PriceImport, PropertyImport, ReminderImport,
    WatchlistImport,
};
use crate::import::{ColumnError, Field, Record, Upsert};
use crate::pipeline::{self, ContractStatus, ContractTimes};

/// Writes the rows of one import; lives inside the import's transaction.
pub struct Importer<'t> {
    tx: &'t Tx<'t>,
    now: i64,
    /// Properties whose contracts changed: their stage is refreshed once, at the end.
    touched: BTreeSet<i64>,
}

impl Store {
    /// Run one import in one transaction: an error anywhere writes nothing.
    pub fn import<T>(
        &mut self,
        now: i64,
        f: impl FnOnce(&mut Importer<'_>) -> Result<T>,
    ) -> Result<T> {
        self.transaction(|tx| {
            let mut importer = Importer {
                tx,
                now,
                touched: BTreeSet::new(),
            };
            let value = f(&mut importer)?;
            importer.finish()?;
            Ok(value)
        })
    }
}

/// The SET list of an update: only the columns the file has.
type Sets<'a> = Vec<(&'static str, &'a dyn ToSql)>;

fn push<'a, T: ToSql>(sets: &mut Sets<'a>, column: &'static str, field: &'a Field<T>) {
    match field {
        Field::Keep => {}
        Field::Clear => sets.push((column, &Null)),
        Field::Set(value) => sets.push((column, value)),
    }
}

fn push_some<'a, T: ToSql>(sets: &mut Sets<'a>, column: &'static str, value: &'a Option<T>) {
    if let Some(value) = value {
        sets.push((column, value));
    }
}

impl Importer<'_> {
    fn conn(&self) -> &Connection {
        self.tx.conn()
    }

    /// Write one record, whatever its kind.
    pub fn write(&mut self, record: &Record) -> Result<Upsert> {
        match record {
            Record::Property(p) => self.property(p),
            Record::Contract(c) => self.contract(c),
            Record::Contact(c) => self.contact(c),
            Record::Interaction(i) => self.interaction(i),
            Record::Watchlist(w) => self.watchlist(w),
            Record::Reminder(r) => self.reminder(r),
            Record::Price(p) => self.price(p),
        }
    }

    pub fn property(&mut self, p: &PropertyImport) -> Result<Upsert> {
        let owner = match p.external_ref.value() {
            Some(external_ref) => self
                .conn()
                .prepare_cached("SELECT id FROM properties WHERE external_ref = ?1")?
                .query_row([external_ref], |r| r.get::<_, i64>(0))
                .optional()?,
            None => None,
        };
        let existing = match p.id {
            Some(id) => {
                // Checked here rather than left to the UNIQUE index, to name the column.
                if let Some(owner) = owner.filter(|&owner| owner != id) {
                    return Err(ColumnError::new(
                        "external_ref",
                        format!("already belongs to property {owner}"),
                    )
                    .into());
                }
                self.exists("properties", id)?.then_some(id)
            }
            None => owner,
        };
        let Some(id) = existing else {
            let address = p.address.clone().ok_or_else(|| {
                let why = match p.id {
                    Some(id) => format!("required for a new property (no property has id {id})"),
                    None => "required for a new property".to_string(),
                };
                ColumnError::new("address", why)
            })?;
            let record = PropertyRecord {
                id: p.id,
                external_ref: p.external_ref.value().cloned(),
                address,
                city: p.city.value().cloned(),
                state: p.state.value().cloned(),
                zip: p.zip.value().cloned(),
                kind: p.kind.value().cloned(),
                list_price: p.list_price.value().copied(),
                beds: p.beds.value().copied(),
                baths: p.baths.value().copied(),
                sqft: p.sqft.value().copied(),
                score: p.score.value().copied(),
                created_at: p.created_at.unwrap_or(self.now),
                enriched_at: p.enriched_at.value().copied(),
                skip_traced_at: p.skip_traced_at.value().copied(),
                blocked_reason: p.blocked_reason.value().cloned(),
                last_action_at: p.last_action_at.value().copied(),
                snoozed_until: p.snoozed_until.value().copied(),
                snooze_reason: p.snooze_reason.value().cloned(),
            };
            self.tx.insert_property(&record, self.now)?;
            return Ok(Upsert::New);
        };

        let mut sets = Sets::new();
        push(&mut sets, "external_ref", &p.external_ref);
        push_some(&mut sets, "address", &p.address);
        push(&mut sets, "city", &p.city);
        push(&mut sets, "state", &p.state);
        push(&mut sets, "zip", &p.zip);
        push(&mut sets, "kind", &p.kind);
        push(&mut sets, "list_price", &p.list_price);
        push(&mut sets, "beds", &p.beds);
        push(&mut sets, "baths", &p.baths);
        push(&mut sets, "sqft", &p.sqft);
        push(&mut sets, "score", &p.score);
        push_some(&mut sets, "created_at", &p.created_at);
        push(&mut sets, "enriched_at", &p.enriched_at);
        push(&mut sets, "skip_traced_at", &p.skip_traced_at);
        push(&mut sets, "blocked_reason", &p.blocked_reason);
        push(&mut sets, "last_action_at", &p.last_action_at);
        push(&mut sets, "snoozed_until", &p.snoozed_until);
        push(&mut sets, "snooze_reason", &p.snooze_reason);
        if sets.is_empty() {
            return Ok(Upsert::Unchanged);
        }
        sets.push(("updated_at", &self.now));
        self.update("properties", id, &sets)?;
        // Only these facts (and contracts) move the stage; skipping the refresh
        // otherwise keeps big re-imports of prices or scores cheap.
        if p.created_at.is_some() || !p.enriched_at.is_keep() || !p.skip_traced_at.is_keep() {
            self.tx.refresh_derived(id, self.now)?;
        }
        Ok(Upsert::Updated)
    }

    pub fn contract(&mut self, c: &ContractImport) -> Result<Upsert> {
        let existing = match c.id {
            Some(id) => self
                .conn()
                .prepare_cached(&format!("{SELECT_CONTRACT} WHERE id = ?1"))?
                .query_row([id], contract_row)
                .optional()?,
            None => None,
        };
        if let Some(property_id) = c.property_id {
            self.require("property_id", "properties", "property", property_id)?;
        }
        let row = resolve_contract(existing.as_ref(), c, self.now)?;
        let values = params![
            row.property_id,
            row.name,
            row.status,
            row.attached_at,
            row.sent_at,
            row.signed_at,
            row.completed_at,
            row.cancelled_at,
            row.deadline_at,
        ];
        let outcome = match &existing {
            Some(old) => {
                let mut all: Vec<&dyn ToSql> = vec![&old.id];
                all.extend_from_slice(values);
                self.conn()
                    .prepare_cached(
                        "UPDATE contracts SET property_id = ?2, name = ?3, status = ?4,
                            attached_at = ?5, sent_at = ?6, signed_at = ?7, completed_at = ?8,
                            cancelled_at = ?9, deadline_at = ?10
                         WHERE id = ?1",
                    )?
                    .execute(all.as_slice())?;
                // A contract moved to another property leaves the old one to refresh too.
                self.touched.insert(old.property_id);
                Upsert::Updated
            }
            None => {
                let mut all: Vec<&dyn ToSql> = vec![&c.id];
                all.extend_from_slice(values);
                self.conn()
                    .prepare_cached(
                        "INSERT INTO contracts (id, property_id, name, status, attached_at,
                            sent_at, signed_at, completed_at, cancelled_at, deadline_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                    )?
                    .execute(all.as_slice())?;
                Upsert::New
            }
        };
        self.touched.insert(row.property_id);
        Ok(outcome)
    }

    pub fn contact(&mut self, c: &ContactImport) -> Result<Upsert> {
        if let Some(property_id) = c.property_id.value() {
            self.require("property_id", "properties", "property", *property_id)?;
        }
        if let Some(id) = self.existing("contacts", c.id)? {
            let mut sets = Sets::new();
            push_some(&mut sets, "name", &c.name);
            push(&mut sets, "email", &c.email);
            push(&mut sets, "phone", &c.phone);
            push(&mut sets, "property_id", &c.property_id);
            return self.update_or_unchanged("contacts", id, &sets);
        }
        let name = required(&c.name, "name", "contact", c.id)?;
        self.conn()
            .prepare_cached(
                "INSERT INTO contacts (id, name, email, phone, property_id, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                c.id,
                name,
                c.email.value(),
                c.phone.value(),
                c.property_id.value(),
                self.now
            ])?;
        Ok(Upsert::New)
    }

    pub fn interaction(&mut self, i: &InteractionImport) -> Result<Upsert> {
        self.require("contact_id", "contacts", "contact", i.contact_id)?;
        let inserted = self
            .conn()
            .prepare_cached(
                "INSERT INTO interactions (contact_id, at, kind) VALUES (?1, ?2, ?3)
                 ON CONFLICT (contact_id, at, kind) DO NOTHING",
            )?
            .execute(params![i.contact_id, i.at, i.kind])?;
        Ok(if inserted == 0 {
            Upsert::Unchanged
        } else {
            Upsert::New
        })
    }

    pub fn watchlist(&mut self, w: &WatchlistImport) -> Result<Upsert> {
        if let Some(id) = self.existing("watchlists", w.id)? {
            let mut sets = Sets::new();
            push_some(&mut sets, "name", &w.name);
            push(&mut sets, "city", &w.city);
            push(&mut sets, "state", &w.state);
            push(&mut sets, "zip", &w.zip);
            push(&mut sets, "kind", &w.kind);
            push(&mut sets, "max_price", &w.max_price);
            push(&mut sets, "min_beds", &w.min_beds);
            push(&mut sets, "min_score", &w.min_score);
            return self.update_or_unchanged("watchlists", id, &sets);
        }
        let name = required(&w.name, "name", "watchlist", w.id)?;
        self.conn()
            .prepare_cached(
                "INSERT INTO watchlists (id, name, city, state, zip, kind, max_price, min_beds,
                    min_score, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(params![
                w.id,
                name,
                w.city.value(),
                w.state.value(),
                w.zip.value(),
                w.kind.value(),
                w.max_price.value(),
                w.min_beds.value(),
                w.min_score.value(),
                self.now
            ])?;
        Ok(Upsert::New)
    }

    pub fn reminder(&mut self, r: &ReminderImport) -> Result<Upsert> {
        if let Some(property_id) = r.property_id.value() {
            self.require("property_id", "properties", "property", *property_id)?;
        }
        if let Some(id) = self.existing("reminders", r.id)? {
            let mut sets = Sets::new();
            push_some(&mut sets, "title", &r.title);
            push_some(&mut sets, "due_at", &r.due_at);
            push(&mut sets, "property_id", &r.property_id);
            push(&mut sets, "recurrence", &r.recurrence);
            return self.update_or_unchanged("reminders", id, &sets);
        }
        let title = required(&r.title, "title", "reminder", r.id)?;
        let due_at = required(&r.due_at, "due_at", "reminder", r.id)?;
        self.conn()
            .prepare_cached(
                "INSERT INTO reminders (id, title, due_at, property_id, recurrence, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                r.id,
                title,
                due_at,
                r.property_id.value(),
                r.recurrence.value(),
                self.now
            ])?;
        Ok(Upsert::New)
    }

    pub fn price(&mut self, p: &PriceImport) -> Result<Upsert> {
        self.require("property_id", "properties", "property", p.property_id)?;
        let stored: Option<f64> = self
            .conn()
            .prepare_cached("SELECT price FROM price_history WHERE property_id = ?1 AND at = ?2")?
            .query_row(params![p.property_id, p.at], |r| r.get(0))
            .optional()?;
        match stored {
            Some(price) if price == p.price => Ok(Upsert::Unchanged),
            Some(_) => {
                self.conn()
                    .prepare_cached(
                        "UPDATE price_history SET price = ?3 WHERE property_id = ?1 AND at = ?2",
                    )?
                    .execute(params![p.property_id, p.at, p.price])?;
                Ok(Upsert::Updated)
            }
            None => {
                self.conn()
                    .prepare_cached(
                        "INSERT INTO price_history (property_id, at, price) VALUES (?1, ?2, ?3)",
                    )?
                    .execute(params![p.property_id, p.at, p.price])?;
                Ok(Upsert::New)
            }
        }
    }

    /// Refresh the stage of every property whose contracts changed.
    fn finish(&mut self) -> Result<()> {
        for &id in &self.touched {
            self.tx.refresh_derived(id, self.now)?;
        }
        Ok(())
    }

    fn exists(&self, table: &'static str, id: i64) -> Result<bool> {
        Ok(self
            .conn()
            .prepare_cached(&format!("SELECT 1 FROM {table} WHERE id = ?1"))?
            .query_row([id], |_| Ok(()))
            .optional()?
            .is_some())
    }

    fn existing(&self, table: &'static str, id: Option<i64>) -> Result<Option<i64>> {
        match id {
            Some(id) if self.exists(table, id)? => Ok(Some(id)),
            _ => Ok(None),
        }
    }

    /// A reference must point at an existing row; checked here to name the column.
    fn require(&self, column: &str, table: &'static str, what: &str, id: i64) -> Result<()> {
        if self.exists(table, id)? {
            Ok(())
        } else {
            Err(ColumnError::new(column, format!("no {what} with id {id}")).into())
        }
    }

    fn update_or_unchanged(&self, table: &'static str, id: i64, sets: &Sets<'_>) -> Result<Upsert> {
        if sets.is_empty() {
            return Ok(Upsert::Unchanged);
        }
        self.update(table, id, sets)?;
        Ok(Upsert::Updated)
    }

    /// `UPDATE table SET <only the given columns> WHERE id = ?`. The statement text depends
    /// only on which columns a file has, so the cache serves every row of a CSV file.
    fn update(&self, table: &'static str, id: i64, sets: &Sets<'_>) -> Result<()> {
        let assignments: Vec<String> = sets
            .iter()
            .enumerate()
            .map(|(i, (column, _))| format!("{column} = ?{}", i + 2))
            .collect();
        let sql = format!(
            "UPDATE {table} SET {} WHERE id = ?1",
            assignments.join(", ")
        );
        let mut values: Vec<&dyn ToSql> = Vec::with_capacity(sets.len() + 1);
        values.push(&id);
        values.extend(sets.iter().map(|(_, value)| *value));
        self.conn()
            .prepare_cached(&sql)?
            .execute(values.as_slice())?;
        Ok(())
    }
}

fn required<'a, T>(
    value: &'a Option<T>,
    column: &str,
    what: &str,
    id: Option<i64>,
) -> Result<&'a T, ColumnError> {
    value.as_ref().ok_or_else(|| {
        let why = match id {
            Some(id) => format!("required for a new {what} (no {what} has id {id})"),
            None => format!("required for a new {what}"),
        };
        ColumnError::new(column, why)
    })
}

/// The contract a row describes, merged over the stored one, with a status that agrees
/// with its times. Without a status the furthest step with a time decides; the status's
/// own time defaults to now, as `hb contract sent` does; a step past the status cannot
/// have a time.
pub fn resolve_contract(
    existing: Option<&ContractRow>,
    c: &ContractImport,
    now: i64,
) -> Result<ContractRow, ColumnError> {
    let property_id = *required(
        &c.property_id.or(existing.map(|e| e.property_id)),
        "property_id",
        "contract",
        c.id,
    )?;
    let name = required(
        &c.name.clone().or_else(|| existing.map(|e| e.name.clone())),
        "name",
        "contract",
        c.id,
    )?
    .clone();
    let sent_at = c.sent_at.apply(existing.and_then(|e| e.sent_at));
    let signed_at = c.signed_at.apply(existing.and_then(|e| e.signed_at));
    let completed_at = c.completed_at.apply(existing.and_then(|e| e.completed_at));
    let cancelled_at = c.cancelled_at.apply(existing.and_then(|e| e.cancelled_at));
    // A new contract without attached_at was attached by its first recorded step at the
    // latest, else now.
    let attached_at = c
        .attached_at
        .or(existing.map(|e| e.attached_at))
        .unwrap_or_else(|| {
            [sent_at, signed_at, completed_at, cancelled_at]
                .into_iter()
                .flatten()
                .fold(now, i64::min)
        });
    let deadline_at = c.deadline_at.apply(existing.and_then(|e| e.deadline_at));

    let step_times_given = !(c.sent_at.is_keep()
        && c.signed_at.is_keep()
        && c.completed_at.is_keep()
        && c.cancelled_at.is_keep());
    let mut times = ContractTimes {
        attached_at,
        sent_at,
        signed_at,
        completed_at,
        cancelled_at,
    };
    let status = match (c.status, existing) {
        (Some(status), _) => status,
        (None, Some(e)) if !step_times_given => e.status,
        // The furthest step with a time (attached always has one).
        (None, _) => ContractStatus::ALL
            .into_iter()
            .rev()
            .find(|step| times.at(*step).is_some())
            .unwrap_or(ContractStatus::Attached),
    };
    if times.at(status).is_none() {
        times.set(status, now);
    }
    // A step the contract cannot have passed on its way to its status has no time.
    if let Some(step) = ContractStatus::ALL
        .into_iter()
        .find(|step| times.at(*step).is_some() && !step.may_have_passed(status))
    {
        return Err(ColumnError::new(
            step.time_column(),
            format!(
                "is set, but the contract's status is {}; clear it or change the status",
                status.as_str()
            ),
        ));
    }
    pipeline::check_time_order(&times)
        .map_err(|order| ColumnError::new(order.column, order.to_string()))?;
    let ContractTimes {
        attached_at,
        sent_at,
        signed_at,
        completed_at,
        cancelled_at,
    } = times;
    Ok(ContractRow {
        id: existing.map(|e| e.id).or(c.id).unwrap_or_default(),
        property_id,
        name,
        status,
        attached_at,
        sent_at,
        signed_at,
        completed_at,
        cancelled_at,
        deadline_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;

    fn new_contract() -> ContractImport {
        ContractImport {
            property_id: Some(5),
            name: Some("Purchase agreement".into()),
            ..ContractImport::default()
        }
    }

    fn stored() -> ContractRow {
        ContractRow {
            id: 9,
            property_id: 5,
            name: "Purchase agreement".into(),
            status: ContractStatus::Sent,
            attached_at: NOW - 100,
            sent_at: Some(NOW - 50),
            signed_at: None,
            completed_at: None,
            cancelled_at: None,
            deadline_at: Some(NOW + 1000),
        }
    }

    #[test]
    fn new_contract_defaults_to_attached_now() {
        let row = resolve_contract(None, &new_contract(), NOW).unwrap();
        assert_eq!(row.status, ContractStatus::Attached);
        assert_eq!(row.attached_at, NOW);
    }

    #[test]
    fn status_is_inferred_from_the_furthest_time() {
        let mut c = new_contract();
        c.sent_at = Field::Set(NOW - 20);
        c.signed_at = Field::Set(NOW - 10);
        let row = resolve_contract(None, &c, NOW).unwrap();
        assert_eq!(row.status, ContractStatus::Signed);
        assert_eq!(row.signed_at, Some(NOW - 10));
    }

    #[test]
    fn given_status_gets_its_time_and_rejects_later_steps() {
        let mut c = new_contract();
        c.status = Some(ContractStatus::Completed);
        let row = resolve_contract(None, &c, NOW).unwrap();
        assert_eq!(row.completed_at, Some(NOW));

        c.status = Some(ContractStatus::Sent);
        c.completed_at = Field::Set(NOW - 5);
        let err = resolve_contract(None, &c, NOW).unwrap_err();
        assert_eq!(err.column, "completed_at");
        assert!(err.reason.contains("status is sent"), "{}", err.reason);
    }

    #[test]
    fn a_completed_contract_cannot_be_cancelled() {
        let mut c = new_contract();
        c.status = Some(ContractStatus::Cancelled);
        c.completed_at = Field::Set(NOW);
        assert_eq!(
            resolve_contract(None, &c, NOW).unwrap_err().column,
            "completed_at"
        );
    }

    #[test]
    fn update_keeps_absent_columns_and_infers_from_new_times() {
        let c = ContractImport {
            id: Some(9),
            signed_at: Field::Set(NOW - 1),
            ..ContractImport::default()
        };
        let row = resolve_contract(Some(&stored()), &c, NOW).unwrap();
        assert_eq!(row.status, ContractStatus::Signed);
        assert_eq!(row.name, "Purchase agreement");
        assert_eq!(row.sent_at, Some(NOW - 50));
        assert_eq!(row.deadline_at, Some(NOW + 1000));

        // Only a deadline: the status stays as stored.
        let c = ContractImport {
            id: Some(9),
            deadline_at: Field::Clear,
            ..ContractImport::default()
        };
        let row = resolve_contract(Some(&stored()), &c, NOW).unwrap();
        assert_eq!(row.status, ContractStatus::Sent);
        assert_eq!(row.deadline_at, None);
    }

    #[test]
    fn new_contract_needs_property_and_name() {
        let c = ContractImport {
            id: Some(3),
            name: Some("X".into()),
            ..ContractImport::default()
        };
        let err = resolve_contract(None, &c, NOW).unwrap_err();
        assert_eq!(err.column, "property_id");
        assert!(
            err.reason.contains("no contract has id 3"),
            "{}",
            err.reason
        );
    }
}
