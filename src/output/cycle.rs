//! `hb cycle` for people and for cron mail.

use std::io::IsTerminal;

use anyhow::Result;

use super::{print, print_json, Output};
use crate::cycle::{CycleReport, TERMINAL_WIDTH};
use crate::store::RunStatus;

impl CycleReport {
    /// The run: its warnings on stderr always (cron must mail them); then the document
    /// with `--json`, else a line per module on a terminal (with `verbose`, every id
    /// kept) and one line off it. `-q` prints nothing unless something failed.
    pub fn show(&self, out: &Output, verbose: bool) -> Result<()> {
        for warning in &self.warnings {
            eprintln!("warning: {warning}");
        }
        if out.json {
            return print_json(self);
        }
        let failed =
            self.status != RunStatus::Ok || self.alerts.failed > 0 || self.alerts.error.is_some();
        if out.quiet && !failed {
            return Ok(());
        }
        // A terminal gets a line per module that fits it; cron mail the one line.
        if std::io::stdout().is_terminal() && !verbose {
            for line in self.terminal_lines(TERMINAL_WIDTH) {
                print(line)?;
            }
        } else {
            print(self.summary_line())?;
        }
        if verbose {
            for m in &self.modules {
                print(format!(
                    "  {:<13} {:<7} {:>6} ms  {}",
                    m.module.as_str(),
                    m.status,
                    m.duration_ms,
                    m.message
                ))?;
                // Every id the module kept, for the operator to work through.
                for item in m.items.iter().filter(|i| i.count > 0) {
                    print(format!("      {}", item.render_all()))?;
                }
            }
        }
        Ok(())
    }
}
