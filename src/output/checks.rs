//! `hb checks`, `hb checks run` and `hb checks validate` for people.

use anyhow::Result;
use comfy_table::Cell;

use super::{print, short_time, Output, Render};
use crate::checks::lint::Level;
use crate::checks::{display_argv, format_number};
use crate::config;
use crate::view::checks::{Board, RunReport, Validation};

impl Board {
    /// The board, and with `verbose` what each check guarantees under it.
    pub fn render_verbose(&self, out: &Output, verbose: bool) -> Result<()> {
        if out.json || out.quiet {
            return out.show(self);
        }
        self.render(out)?;
        if verbose && !self.checks.is_empty() {
            // What each check guarantees, under the board (as in HEARTBEAT.md).
            for row in &self.checks {
                if let Some(description) = &row.description {
                    print(format!("  {}: {description}", row.name))?;
                }
            }
        }
        Ok(())
    }
}

impl Render for Board {
    fn render(&self, out: &Output) -> Result<()> {
        if self.checks.is_empty() {
            return print("no checks configured: add [[check]] tables to heartbeat.toml");
        }
        if let Some(notice) = self.remediation.notice() {
            print(notice)?;
        }
        let mut table = out.table([
            "Name", "Group", "Type", "Every", "Status", "Since", "Counted", "Next due",
        ]);
        let mut uncounted = false;
        for row in &self.checks {
            uncounted |= row.shown_uncounted();
            let status = match row.status {
                Some(status) => format!("{status}{}{}", row.mark, row.state_mark()),
                None => "never run".to_string(),
            };
            let next = if !row.enabled {
                "disabled".to_string()
            } else if row.due {
                "now".to_string()
            } else {
                short_time(row.next_due_ts)
            };
            table.add_row(vec![
                Cell::new(&row.name),
                Cell::new(row.group.as_str()),
                Cell::new(row.kind.as_str()),
                Cell::new(&row.every),
                out.status_cell(&status),
                Cell::new(short_time(row.since_ts)),
                Cell::new(row.streak()),
                Cell::new(next),
            ]);
        }
        print(table)?;
        for row in &self.checks {
            for note in row.notes() {
                print(format!("  {}: {note}", row.name))?;
            }
        }
        if uncounted {
            print(
                "not counted: results of `hb checks run` and `hb demo` are shown, but only `hb cycle` \
                 runs count toward alert_after and escalate_after (Counted)",
            )?;
        }
        Ok(())
    }
}

impl Render for RunReport {
    fn render(&self, out: &Output) -> Result<()> {
        if self.results.is_empty() {
            return print("no checks to run");
        }
        let mut table = out.table(["Name", "Group", "Status", "Latency", "Value", "Message"]);
        for r in &self.results {
            table.add_row(vec![
                Cell::new(&r.name),
                Cell::new(r.group.as_str()),
                out.status_cell(r.status.as_str()),
                Cell::new(
                    r.latency_ms
                        .map(|l| format!("{l} ms"))
                        .unwrap_or_else(|| "-".into()),
                ),
                Cell::new(r.value.map(format_number).unwrap_or_else(|| "-".into())),
                Cell::new(&r.message),
            ]);
        }
        print(table)?;
        for r in &self.results {
            let Some(rem) = &r.remediation else { continue };
            if let Some(why) = &rem.held {
                print(format!(
                    "{}: {}, remediation not run: {why}",
                    r.name, r.status
                ))?;
                continue;
            }
            print(format!(
                "{}: {} ({}), remediation:",
                r.name, rem.initial_status, rem.initial_message
            ))?;
            for action in &rem.actions {
                let result = match (action.exit_code, action.timed_out) {
                    (_, true) => "timed out, killed".to_string(),
                    (Some(code), _) => format!("exit {code}"),
                    (None, false) => "did not run".to_string(),
                };
                print(format!(
                    "  {} -> {result} in {} ms",
                    display_argv(&action.command),
                    action.duration_ms
                ))?;
            }
            if rem.rechecked {
                let verdict = if rem.recovered {
                    "recovered"
                } else {
                    "still failing"
                };
                print(format!("  re-check: {} ({verdict})", r.status))?;
            }
        }
        let summary = format!("{}: exit {}", self.status, self.exit_code);
        let run = self
            .run_id
            .map(|id| format!(", recorded as run {id}"))
            .unwrap_or_else(|| ", not recorded".to_string());
        print(format!("{summary}{run}"))
    }
}

impl Validation {
    /// The problems, one line each, even with `-q` (they are what validate is for); then
    /// the count, unless quiet.
    pub fn show_problems(&self, out: &Output) -> Result<()> {
        if out.json {
            return super::print_json(self);
        }
        let file = self.file.as_deref().unwrap_or(config::FILE_NAME);
        for p in &self.problems {
            // A parse error is already rendered with its file and line.
            if p.line.is_none() && p.check.is_none() {
                print(format!("error: {}", p.message))?;
                continue;
            }
            let level = match p.level {
                Level::Error => "error",
                Level::Warning => "warning",
            };
            let mut text = file.to_string();
            if let Some(line) = p.line {
                text.push_str(&format!(":{line}"));
            }
            text.push_str(&format!(": {level}"));
            if let Some(check) = &p.check {
                text.push_str(&format!(": check `{check}`"));
            }
            if let Some(key) = &p.key {
                text.push_str(&format!(": key `{key}`"));
            }
            text.push_str(&format!(": {}", p.message));
            print(text)?;
        }
        if out.quiet {
            return Ok(());
        }
        print(format!(
            "{file}: {} checks, {} errors, {} warnings",
            self.checks, self.errors, self.warnings
        ))
    }
}
