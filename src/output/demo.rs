//! `hb demo` for people: what the sandbox holds, and its check board.

use std::path::Path;

use anyhow::Result;
use comfy_table::Cell;

use super::{print, Output, Render};
use crate::demo::sandbox::{shell_quote, Sandbox};

impl Sandbox {
    /// Where the demo is and what it holds, and how to point hb at it.
    pub fn show_summary(&self, db_overridden: bool) -> Result<()> {
        let c = &self.counts;
        let s = &c.by_stage;
        let h = &c.by_health;
        let quote = |p: &Path| shell_quote(&p.display().to_string());
        print(format!("Demo store: {}", self.store.display()))?;
        print(format!(
            "  {} properties: {} new, {} enriched, {} researched, {} waiting for contracts, {} complete",
            c.properties, s.new, s.enriched, s.researched, s.waiting_for_contracts, s.complete
        ))?;
        print(format!(
            "  health: {} healthy, {} stale, {} blocked",
            h.healthy, h.stale, h.blocked
        ))?;
        print(format!(
            "  {} contracts, {} contacts with {} interactions, {} watchlists, {} price points, {} reminders",
            c.contracts, c.contacts, c.interactions, c.watchlists, c.price_points, c.reminders
        ))?;
        print(format!(
            "Sample app database: {} (tenants, tasks, audit log, ledger, API keys, access log)",
            self.app_database.display()
        ))?;
        print(format!(
            "Point hb at it: export HB_CONFIG={}",
            quote(&self.config)
        ))?;
        print(format!(
            "            or: hb --db {} insights",
            quote(&self.store)
        ))?;
        if db_overridden {
            print("note: HB_DB (or --db) is set and wins over HB_CONFIG: unset it first")?;
        }
        Ok(())
    }
}

/// The check board, why each failing check fails, and where to go next.
impl Render for Sandbox {
    fn render(&self, out: &Output) -> Result<()> {
        print(format!(
            "Health checks of the sample app ({}): {}",
            self.app_database.display(),
            self.tally
        ))?;
        let mut table = out.table(["Check", "Group", "Status", "Message"]);
        for row in &self.checks {
            table.add_row(vec![
                Cell::new(&row.name),
                Cell::new(row.group.as_str()),
                out.status_cell(row.status.as_str()),
                Cell::new(&row.message),
            ]);
        }
        print(table)?;
        for row in self.checks.iter().filter(|r| r.status.is_failure()) {
            let description = row.description.as_deref().unwrap_or("");
            print(format!("  {} ({}): {description}", row.name, row.status))?;
        }
        let config = shell_quote(&self.config.display().to_string());
        print(format!(
            "Run a heartbeat on it: hb --config {config} cycle    (alerts print on stderr)"
        ))?;
        print(format!("          the board: hb --config {config} checks"))
    }
}
