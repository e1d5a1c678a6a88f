//! `hb contract list PROPERTY_ID`, and the contract each `hb contract` step leaves.

use anyhow::Result;
use serde::Serialize;

use crate::clock::format_opt;
use crate::store::{ContractRow, Store};

/// One contract with its steps' times (`hb contract ... --json` prints a list of them).
#[derive(Debug, Serialize)]
pub struct Contract {
    pub id: i64,
    pub property_id: i64,
    pub name: String,
    pub status: &'static str,
    pub attached_at: Option<String>,
    pub sent_at: Option<String>,
    pub signed_at: Option<String>,
    pub completed_at: Option<String>,
    pub cancelled_at: Option<String>,
    pub deadline_at: Option<String>,
}

impl From<&ContractRow> for Contract {
    fn from(c: &ContractRow) -> Self {
        Contract {
            id: c.id,
            property_id: c.property_id,
            name: c.name.clone(),
            status: c.status.as_str(),
            attached_at: format_opt(Some(c.attached_at)),
            sent_at: format_opt(c.sent_at),
            signed_at: format_opt(c.signed_at),
            completed_at: format_opt(c.completed_at),
            cancelled_at: format_opt(c.cancelled_at),
            deadline_at: format_opt(c.deadline_at),
        }
    }
}

/// The contracts of one property; an unknown property is `HbError::NotFound`.
pub fn of_property(store: &Store, property_id: i64) -> Result<Vec<Contract>> {
    if store.property_facts(property_id)?.is_none() {
        return Err(crate::store::not_found("property", property_id));
    }
    Ok(store
        .contracts_of(property_id)?
        .iter()
        .map(Contract::from)
        .collect())
}
