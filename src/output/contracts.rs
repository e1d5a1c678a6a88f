//! `hb contract ...` for people.

use anyhow::Result;
use comfy_table::Cell;

use super::{print, Output, Render};
use crate::view::contracts::Contract;

impl Render for Vec<Contract> {
    fn render(&self, out: &Output) -> Result<()> {
        let mut table = out.table(["ID", "Property", "Name", "Status", "Attached", "Deadline"]);
        for c in self {
            table.add_row(vec![
                Cell::new(c.id),
                Cell::new(c.property_id),
                Cell::new(&c.name),
                Cell::new(c.status),
                Cell::new(c.attached_at.as_deref().unwrap_or("-")),
                Cell::new(c.deadline_at.as_deref().unwrap_or("-")),
            ]);
        }
        print(table)
    }
}
