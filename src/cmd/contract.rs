//! `hb contract attach|sent|signed|completed|cancelled|deadline|list`

use anyhow::Result;
use comfy_table::Cell;
use serde::Serialize;

use super::Ctx;
use crate::cli::{ContractCommand, ContractEventArgs};
use crate::exit;
use crate::output;
use crate::pipeline::ContractStatus;
use crate::store::ContractRow;

#[derive(Debug, Serialize)]
struct ContractOut {
    id: i64,
    property_id: i64,
    name: String,
    status: &'static str,
    attached_at: Option<String>,
    sent_at: Option<String>,
    signed_at: Option<String>,
    completed_at: Option<String>,
    cancelled_at: Option<String>,
    deadline_at: Option<String>,
}

impl From<&ContractRow> for ContractOut {
    fn from(c: &ContractRow) -> Self {
        ContractOut {
            id: c.id,
            property_id: c.property_id,
            name: c.name.clone(),
            status: c.status.as_str(),
            attached_at: output::ts(Some(c.attached_at)),
            sent_at: output::ts(c.sent_at),
            signed_at: output::ts(c.signed_at),
            completed_at: output::ts(c.completed_at),
            cancelled_at: output::ts(c.cancelled_at),
            deadline_at: output::ts(c.deadline_at),
        }
    }
}

pub fn run(ctx: &mut Ctx, command: ContractCommand) -> Result<u8> {
    let now = ctx.clock.now_ts();
    // Listing only reads; every other subcommand writes.
    let mut store = if matches!(command, ContractCommand::List { .. }) {
        ctx.read_store()?
    } else {
        ctx.existing_store()?
    };
    let event =
        |store: &mut crate::store::Store, args: ContractEventArgs, status: ContractStatus| {
            let at = args.at.map(|t| t.timestamp()).unwrap_or(now);
            store.contract_event(args.contract_id, status, at, now)
        };
    let rows = match command {
        ContractCommand::Attach {
            property_id,
            name,
            deadline,
            at,
        } => {
            let at = at.map(|t| t.timestamp()).unwrap_or(now);
            let id = store.attach_contract(
                property_id,
                &name,
                deadline.map(|t| t.timestamp()),
                at,
                now,
            )?;
            store
                .contracts_of(property_id)?
                .into_iter()
                .filter(|c| c.id == id)
                .collect()
        }
        ContractCommand::Sent(args) => vec![event(&mut store, args, ContractStatus::Sent)?],
        ContractCommand::Signed(args) => vec![event(&mut store, args, ContractStatus::Signed)?],
        ContractCommand::Completed(args) => {
            vec![event(&mut store, args, ContractStatus::Completed)?]
        }
        ContractCommand::Cancelled(args) => {
            vec![event(&mut store, args, ContractStatus::Cancelled)?]
        }
        ContractCommand::Deadline {
            contract_id,
            deadline,
            clear,
        } => {
            let deadline = if clear {
                None
            } else {
                deadline.map(|t| t.timestamp())
            };
            vec![store.set_contract_deadline(contract_id, deadline, now)?]
        }
        ContractCommand::List { property_id } => {
            if store.property_facts(property_id)?.is_none() {
                return Err(crate::store::not_found("property", property_id));
            }
            store.contracts_of(property_id)?
        }
    };
    let rows: Vec<ContractOut> = rows.iter().map(ContractOut::from).collect();
    if ctx.out.json {
        output::print_json(&rows)?;
    } else if !ctx.out.quiet {
        let mut table = ctx
            .out
            .table(["ID", "Property", "Name", "Status", "Attached", "Deadline"]);
        for c in &rows {
            table.add_row(vec![
                Cell::new(c.id),
                Cell::new(c.property_id),
                Cell::new(&c.name),
                Cell::new(c.status),
                Cell::new(c.attached_at.as_deref().unwrap_or("-")),
                Cell::new(c.deadline_at.as_deref().unwrap_or("-")),
            ]);
        }
        output::print(table)?;
    }
    Ok(exit::OK)
}
