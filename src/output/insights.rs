//! `hb insights` for people.

use anyhow::Result;
use comfy_table::Cell;

use super::{print, short_time, Output, Render};
use crate::view::insights::Insights;

impl Render for Insights {
    fn render(&self, out: &Output) -> Result<()> {
        self.render_findings(out)?;
        if self.snoozed.total > 0 {
            let listed: Vec<String> = self
                .snoozed
                .properties
                .iter()
                .map(|p| {
                    let why = p
                        .snooze_reason
                        .as_deref()
                        .map(|r| format!(" ({r})"))
                        .unwrap_or_default();
                    let until = p.snoozed_until.get(..10).unwrap_or(&p.snoozed_until);
                    format!("#{} until {until}{why}", p.property_id)
                })
                .collect();
            let more = self.snoozed.total as usize - listed.len();
            print(format!(
                "snoozed ({}): {}{}",
                self.snoozed.total,
                listed.join(", "),
                if more > 0 {
                    format!(", and {more} more")
                } else {
                    String::new()
                }
            ))?;
        }
        Ok(())
    }
}

impl Insights {
    fn render_findings(&self, out: &Output) -> Result<()> {
        if self.total == 0 {
            return print("nothing needs attention: no stale, blocked or overdue work");
        }
        let mut table = out.table(["Priority", "Kind", "Property", "Finding", "Since"]);
        for f in &self.findings {
            table.add_row(vec![
                out.status_cell(f.finding.priority.as_str()),
                Cell::new(f.finding.kind.as_str()),
                Cell::new(f.finding.property_id),
                Cell::new(&f.finding.subject),
                Cell::new(short_time(f.finding.since)),
            ]);
        }
        print(table)?;
        let summary: Vec<String> = self
            .by_kind
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(kind, n)| format!("{n} {}", kind.plural()))
            .collect();
        print(format!("{} findings: {}", self.total, summary.join(", ")))?;
        out.note_truncated(self.findings.len(), self.total.max(0) as u64);
        Ok(())
    }
}
