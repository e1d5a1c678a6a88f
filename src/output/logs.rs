//! `hb logs` and `hb logs RUN_ID` for people.

use anyhow::Result;
use comfy_table::Cell;

use super::{ellipsize, print, Output, Render, CELL_MAX};
use crate::view::logs::{RunDetail, RunList};

/// Milliseconds, or `-`.
fn ms(value: Option<i64>) -> String {
    value.map(|d| d.to_string()).unwrap_or_else(|| "-".into())
}

impl Render for RunList {
    fn render(&self, out: &Output) -> Result<()> {
        if self.runs.is_empty() {
            return print("no runs match");
        }
        let mut table = out.table(["Run", "Trigger", "Started", "Status", "ms", "Summary"]);
        for run in &self.runs {
            table.add_row(vec![
                Cell::new(run.id),
                Cell::new(&run.trigger),
                Cell::new(&run.started_at),
                out.status_cell(run.status.as_str()),
                Cell::new(ms(run.duration_ms)),
                // A cycle's line can run to hundreds of characters: its start here,
                // the whole of it in `hb logs RUN_ID` and --json.
                Cell::new(ellipsize(run.line(), CELL_MAX)),
            ]);
        }
        print(table)?;
        out.note_truncated(self.runs.len(), self.total);
        Ok(())
    }
}

impl Render for RunDetail {
    fn render(&self, out: &Output) -> Result<()> {
        let r = &self.run;
        print(format!(
            "run {} ({}) {} at {}, {} ms",
            r.id,
            r.trigger,
            r.status,
            r.started_at,
            ms(r.duration_ms)
        ))?;
        for warning in r.warnings() {
            print(format!("warning: {warning}"))?;
        }
        // The whole summary here, as text: the list's cell shows its start.
        if let Some(line) = r.summary.get("line").and_then(|l| l.as_str()) {
            print(line)?;
        }
        // Messages too long for a cell, in full under the tables.
        let mut long = Vec::new();
        let mut table = out.table([
            "Module", "Status", "Findings", "ms", "Scan", "Rows", "Message",
        ]);
        for m in &self.modules {
            let message = m.message.as_deref().unwrap_or("");
            if message.chars().count() > CELL_MAX {
                long.push((m.module.as_str(), message.to_string()));
            }
            table.add_row(vec![
                Cell::new(m.module.as_str()),
                out.status_cell(m.status.as_str()),
                Cell::new(m.findings),
                Cell::new(m.duration_ms),
                Cell::new(m.scan.map_or("-", |kind| kind.as_str())),
                Cell::new(m.rows.map_or("-".to_string(), |rows| rows.to_string())),
                Cell::new(ellipsize(message, CELL_MAX)),
            ]);
        }
        if !self.modules.is_empty() {
            print(table)?;
        }
        if !self.checks.is_empty() {
            let mut table = out.table(["Check", "Group", "Status", "ms", "Message"]);
            for c in &self.checks {
                let remediated = match (&c.remediation, c.remediation_held()) {
                    (None, _) => String::new(),
                    (Some(_), Some(why)) => format!(" (remediation not run: {why})"),
                    (Some(_), None) => " (remediation ran)".to_string(),
                };
                let silenced = c
                    .silenced
                    .as_ref()
                    .map(|s| format!(" ({})", s.line()))
                    .unwrap_or_default();
                let message = format!("{}{remediated}{silenced}", c.message);
                if message.chars().count() > CELL_MAX {
                    long.push((c.name.as_str(), message.clone()));
                }
                let status = match c.silenced {
                    Some(_) => format!("{} (silenced)", c.status),
                    None => c.status.to_string(),
                };
                table.add_row(vec![
                    Cell::new(&c.name),
                    Cell::new(c.group.as_str()),
                    out.status_cell(&status),
                    Cell::new(ms(c.latency_ms)),
                    Cell::new(ellipsize(&message, CELL_MAX)),
                ]);
            }
            print(table)?;
        }
        for (name, message) in long {
            print(format!("{name}: {message}"))?;
        }
        Ok(())
    }
}
