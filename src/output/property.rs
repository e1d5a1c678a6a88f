//! `hb property ID` and `hb property list` for people.

use anyhow::Result;
use comfy_table::Cell;

use super::{print, Output, Render};
use crate::pipeline;
use crate::view::property::{PropertyHeartbeat, PropertyList};

impl Render for PropertyHeartbeat {
    fn render(&self, out: &Output) -> Result<()> {
        let mut table = out.table(vec![
            format!("Property #{}", self.property_id),
            self.address.clone(),
        ]);
        table.add_row(vec![Cell::new("Stage"), Cell::new(self.stage_label)]);
        table.add_row(vec![
            Cell::new("Health"),
            out.status_cell(self.health.as_str()),
        ]);
        let limit = self
            .stale_after_days
            .map(|d| format!(" (stale after {})", pipeline::format_days(d)))
            .unwrap_or_default();
        table.add_row(vec![
            Cell::new("Days in stage"),
            Cell::new(format!("{:.1}{limit}", self.days_in_stage)),
        ]);
        if let Some(reason) = &self.blocked_reason {
            table.add_row(vec![Cell::new("Blocked"), Cell::new(reason)]);
        }
        if let Some(until) = &self.snoozed_until {
            let why = self
                .snooze_reason
                .as_deref()
                .map(|r| format!(": {r}"))
                .unwrap_or_default();
            table.add_row(vec![
                Cell::new("Snoozed"),
                Cell::new(format!("until {until}{why}")),
            ]);
        }
        if let Some(from) = &self.clock_from {
            table.add_row(vec![
                Cell::new("Clock"),
                Cell::new(format!("since {from} (its snooze ended)")),
            ]);
        }
        for item in &self.checklist {
            let mark = if item.done { "[x]" } else { "[ ]" };
            let when = item
                .done_at
                .as_deref()
                .map(|t| format!("  {t}"))
                .unwrap_or_default();
            table.add_row(vec![
                Cell::new(item.label),
                Cell::new(format!("{mark}{when}")),
            ]);
        }
        for contract in &self.contracts {
            let deadline = contract
                .deadline_at
                .as_deref()
                .map(|d| format!(", deadline {d}"))
                .unwrap_or_default();
            table.add_row(vec![
                Cell::new(format!("Contract #{}", contract.id)),
                Cell::new(format!("{}: {}{deadline}", contract.name, contract.status)),
            ]);
        }
        table.add_row(vec![Cell::new("Next action"), Cell::new(&self.next_action)]);
        print(table)?;
        print(&self.voice_summary)
    }
}

impl Render for PropertyList {
    fn render(&self, out: &Output) -> Result<()> {
        if self.properties.is_empty() {
            return print("no properties match");
        }
        let mut table = out.table([
            "ID", "Address", "Stage", "Health", "Days", "Overdue", "Score",
        ]);
        for row in &self.properties {
            let place = match (&row.city, &row.state) {
                (Some(city), Some(state)) => format!("{}, {city} {state}", row.address),
                _ => row.address.clone(),
            };
            table.add_row(vec![
                Cell::new(row.property_id),
                Cell::new(place),
                Cell::new(row.stage.label()),
                out.status_cell(&match (&row.snoozed_until, &row.snooze_reason) {
                    (Some(until), Some(why)) => {
                        format!("snoozed until {} ({why})", until.get(..10).unwrap_or(until))
                    }
                    (Some(until), None) => {
                        format!("snoozed until {}", until.get(..10).unwrap_or(until))
                    }
                    _ => row.health.as_str().to_string(),
                }),
                Cell::new(format!("{:.1}", row.days_in_stage)),
                Cell::new(
                    row.overdue_days
                        .map(|d| format!("{d:+.1}"))
                        .unwrap_or_else(|| "-".into()),
                ),
                Cell::new(
                    row.score
                        .map(|s| format!("{s:.0}"))
                        .unwrap_or_else(|| "-".into()),
                ),
            ]);
        }
        print(table)?;
        out.note_truncated(self.properties.len(), self.total);
        Ok(())
    }
}
