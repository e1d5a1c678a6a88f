//! `hb silence ...` for people.

use anyhow::Result;
use comfy_table::Cell;

use super::{print, Output, Render};
use crate::view::silences::{Removed, SilenceList, SilenceView, WindowView};

impl Render for SilenceList {
    fn render(&self, out: &Output) -> Result<()> {
        if self.silences.is_empty() {
            print("no silence in effect or to come (hb silence add CHECK --for 2h --reason ...)")?;
        } else {
            let mut table = out.table(["ID", "Covers", "From", "Until", "State", "Reason"]);
            for s in &self.silences {
                table.add_row(vec![
                    Cell::new(s.id),
                    Cell::new(&s.covers),
                    Cell::new(&s.starts_at),
                    Cell::new(&s.ends_at),
                    Cell::new(s.phase.as_str()),
                    Cell::new(&s.reason),
                ]);
            }
            print(table)?;
        }
        if !self.windows.is_empty() {
            print(windows(out, &self.windows))?;
        }
        Ok(())
    }
}

/// The config's windows, with their current or next opening.
fn windows(out: &Output, windows: &[WindowView]) -> comfy_table::Table {
    let mut table = out.table(["Window", "Covers", "Every (UTC)", "For", "Next", "Reason"]);
    for w in windows {
        let next = if w.active {
            format!("now, until {}", w.ends_at)
        } else {
            w.starts_at.clone()
        };
        table.add_row(vec![
            Cell::new(&w.window),
            Cell::new(&w.covers),
            Cell::new(&w.every),
            Cell::new(&w.length),
            Cell::new(next),
            Cell::new(&w.reason),
        ]);
    }
    table
}

impl Render for SilenceView {
    fn render(&self, _out: &Output) -> Result<()> {
        print(format!(
            "silence #{}: {} from {} until {} ({}); remove it with `hb silence remove {}`",
            self.id, self.covers, self.starts_at, self.ends_at, self.reason, self.id
        ))
    }
}

impl Render for Removed {
    fn render(&self, _out: &Output) -> Result<()> {
        let s = &self.silence;
        if self.removed {
            print(format!(
                "silence #{} ({}) ended at {}",
                s.id, s.covers, s.ends_at
            ))
        } else {
            print(format!(
                "silence #{} ({}) had already ended at {}; nothing changed",
                s.id, s.covers, s.ends_at
            ))
        }
    }
}
