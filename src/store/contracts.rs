//! Contracts of a property: attach, status events, deadlines. Every write refreshes the
//! property's derived stage in the same transaction.

use anyhow::Result;
use rusqlite::{params, OptionalExtension};

use super::{ensure_changed, not_found, Store};
use crate::clock;
use crate::exit::HbError;
use crate::pipeline::{self, ContractStatus, ContractTimes};

#[derive(Debug, Clone, PartialEq)]
pub struct ContractRow {
    pub id: i64,
    pub property_id: i64,
    pub name: String,
    pub status: ContractStatus,
    pub attached_at: i64,
    pub sent_at: Option<i64>,
    pub signed_at: Option<i64>,
    pub completed_at: Option<i64>,
    pub cancelled_at: Option<i64>,
    pub deadline_at: Option<i64>,
}

impl ContractRow {
    pub fn times(&self) -> ContractTimes {
        ContractTimes {
            attached_at: self.attached_at,
            sent_at: self.sent_at,
            signed_at: self.signed_at,
            completed_at: self.completed_at,
            cancelled_at: self.cancelled_at,
        }
    }
}

impl Store {
    pub fn attach_contract(
        &mut self,
        property_id: i64,
        name: &str,
        deadline_at: Option<i64>,
        attached_at: i64,
        now: i64,
    ) -> Result<i64> {
        self.transaction(|tx| {
            let exists: Option<i64> = tx
                .conn()
                .query_row(
                    "SELECT id FROM properties WHERE id = ?1",
                    [property_id],
                    |r| r.get(0),
                )
                .optional()?;
            if exists.is_none() {
                return Err(not_found("property", property_id));
            }
            tx.conn().execute(
                "INSERT INTO contracts (property_id, name, status, attached_at, deadline_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    property_id,
                    name,
                    ContractStatus::Attached,
                    attached_at,
                    deadline_at
                ],
            )?;
            let id = tx.conn().last_insert_rowid();
            tx.refresh_derived(property_id, now)?;
            Ok(id)
        })
    }

    /// Move a contract to `status` at `at`. Contracts move forward only
    /// (attached, sent, signed, completed); any open contract can be cancelled.
    pub fn contract_event(
        &mut self,
        contract_id: i64,
        status: ContractStatus,
        at: i64,
        now: i64,
    ) -> Result<ContractRow> {
        self.transaction(|tx| {
            let current = contract(tx.conn(), contract_id)?;
            if !current.status.is_open() {
                return Err(HbError::Data(format!(
                    "contract {contract_id} is already {}: it cannot become {} (contracts only move forward; \
                     see them with `hb contract list PROPERTY_ID`)",
                    current.status.as_str(),
                    status.as_str()
                ))
                .into());
            }
            if !current.status.can_move_to(status) {
                return Err(HbError::Data(format!(
                    "contract {contract_id} is {}: it cannot go back to {} (contracts only move forward: \
                     attached, sent, signed, completed; any open one can be cancelled)",
                    current.status.as_str(),
                    status.as_str()
                ))
                .into());
            }
            let mut times = current.times();
            times.set(status, at);
            let column = status.time_column();
            if let Err(order) = pipeline::check_time_order(&times) {
                return Err(HbError::Data(format!(
                    "contract {contract_id} cannot be {} at {}: it was {} at {}, and a contract's \
                     times run forward (attached, sent, signed, then completed or cancelled): \
                     pass --at a time after that",
                    status.as_str(),
                    clock::format_ts(order.at),
                    order.after.trim_end_matches("_at"),
                    clock::format_ts(order.after_at)
                ))
                .into());
            }
            tx.conn().execute(
                &format!("UPDATE contracts SET status = ?2, {column} = ?3 WHERE id = ?1"),
                params![contract_id, status, at],
            )?;
            tx.refresh_derived(current.property_id, now)?;
            contract(tx.conn(), contract_id)
        })
    }

    pub fn set_contract_deadline(
        &mut self,
        contract_id: i64,
        deadline_at: Option<i64>,
        now: i64,
    ) -> Result<ContractRow> {
        self.transaction(|tx| {
            let changed = tx.conn().execute(
                "UPDATE contracts SET deadline_at = ?2 WHERE id = ?1",
                params![contract_id, deadline_at],
            )?;
            ensure_changed(changed, "contract", contract_id)?;
            let row = contract(tx.conn(), contract_id)?;
            tx.refresh_derived(row.property_id, now)?;
            Ok(row)
        })
    }

    pub fn contracts_of(&self, property_id: i64) -> Result<Vec<ContractRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{SELECT_CONTRACT} WHERE property_id = ?1 ORDER BY id"
        ))?;
        let rows = stmt.query_map([property_id], contract_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

pub(super) const SELECT_CONTRACT: &str =
    "SELECT id, property_id, name, status, attached_at, sent_at, signed_at,
    completed_at, cancelled_at, deadline_at FROM contracts";

fn contract(conn: &rusqlite::Connection, id: i64) -> Result<ContractRow> {
    conn.prepare_cached(&format!("{SELECT_CONTRACT} WHERE id = ?1"))?
        .query_row([id], contract_row)
        .optional()?
        .ok_or_else(|| not_found("contract", id))
}

pub(super) fn contract_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<ContractRow> {
    Ok(ContractRow {
        id: row.get(0)?,
        property_id: row.get(1)?,
        name: row.get(2)?,
        status: row.get(3)?,
        attached_at: row.get(4)?,
        sent_at: row.get(5)?,
        signed_at: row.get(6)?,
        completed_at: row.get(7)?,
        cancelled_at: row.get(8)?,
        deadline_at: row.get(9)?,
    })
}
