//! `hb contract attach|sent|signed|completed|cancelled|deadline|list`

use anyhow::Result;

use super::Ctx;
use crate::cli::{ContractCommand, ContractEventArgs};
use crate::exit;
use crate::pipeline::ContractStatus;
use crate::view::contracts::{self, Contract};

pub fn run(ctx: &mut Ctx, command: ContractCommand) -> Result<u8> {
    let now = ctx.clock.now_ts();
    // Listing only reads; every other subcommand writes.
    let mut store = if matches!(command, ContractCommand::List { .. }) {
        ctx.read_store()?
    } else {
        ctx.write_store()?
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
            ctx.out
                .show(&contracts::of_property(&store, property_id)?)?;
            return Ok(exit::OK);
        }
    };
    let rows: Vec<Contract> = rows.iter().map(Contract::from).collect();
    ctx.out.show(&rows)?;
    Ok(exit::OK)
}
