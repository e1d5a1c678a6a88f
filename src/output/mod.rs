//! Rendering: tables for people, JSON for scripts. Commands get a document from the
//! read model (`src/view/`) or the domain and hand it here: `--json` prints the document
//! itself, otherwise its [`Render`] impl (one file per question, as in `src/view/`) prints
//! it for people.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Result;
use comfy_table::{presets, Cell, Color, ContentArrangement, Table};
use serde::Serialize;

use crate::cli::ColorChoice;

mod alerts;
mod brief;
mod checks;
mod contracts;
mod cycle;
mod demo;
mod import;
mod init;
mod insights;
mod logs;
mod property;
mod schedule;
mod silences;
mod status;

/// A document as people read it: what `hb` prints without `--json`.
pub trait Render: Serialize {
    fn render(&self, out: &Output) -> Result<()>;
}

/// How this invocation prints.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    pub json: bool,
    pub color: bool,
    pub quiet: bool,
}

impl Output {
    pub fn new(json: bool, choice: ColorChoice, quiet: bool) -> Self {
        Output {
            json,
            color: use_color(choice),
            quiet,
        }
    }

    /// The document: itself with `--json`, its rendering otherwise, nothing with `-q`.
    pub fn show<T: Render>(&self, doc: &T) -> Result<()> {
        if self.json {
            print_json(doc)
        } else if self.quiet {
            Ok(())
        } else {
            doc.render(self)
        }
    }

    /// A table that fits the terminal, styled only when colour is on.
    pub fn table<I, S>(&self, header: I) -> Table
    where
        I: IntoIterator<Item = S>,
        S: Into<Cell>,
    {
        let mut table = Table::new();
        table
            .load_preset(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic);
        if !std::io::stdout().is_terminal() {
            // Piped: no terminal width to fit, and plain ASCII for scripts and mail.
            table.load_preset(presets::ASCII_MARKDOWN);
        }
        if !self.color {
            // force_no_tty also drops the terminal's width: keep fitting it (NO_COLOR on a
            // terminal still wants a table that fits).
            let width = table.width();
            table.force_no_tty();
            if let Some(width) = width {
                table.set_width(width);
            }
        } else {
            table.enforce_styling();
        }
        table.set_header(header);
        table
    }

    /// After a table cut by `--limit`: how much was left out, on stderr (a script reading
    /// stdout gets only rows; `--json` documents carry `total` instead).
    pub fn note_truncated(&self, shown: usize, total: u64) {
        if !self.quiet && !self.json && (shown as u64) < total {
            eprintln!("showing {shown} of {total}; --limit N for more (--limit 0 for all)");
        }
    }

    /// A cell coloured by a status word (healthy/ok green, stale/warning yellow, ...).
    pub fn status_cell(&self, status: &str) -> Cell {
        let cell = Cell::new(status);
        if !self.color {
            return cell;
        }
        // The first word decides: "critical (manual, not counted)" is still critical.
        match status.split_whitespace().next().unwrap_or_default() {
            "healthy" | "ok" | "delivered" | "resolved" => cell.fg(Color::Green),
            "stale" | "warning" | "medium" | "pending" | "overdue" => cell.fg(Color::Yellow),
            "blocked" | "critical" | "failed" | "high" | "aborted" => cell.fg(Color::Red),
            "unknown" | "skipped" | "low" => cell.fg(Color::DarkGrey),
            _ => cell,
        }
    }
}

/// auto = stdout is a terminal, `NO_COLOR` unset or empty, `TERM` not `dumb`.
pub fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
                && std::io::stdout().is_terminal()
        }
    }
}

/// Set once stdout's reader has gone (`hb status | head -1`).
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// True once a write found stdout closed: long loops may stop producing output.
pub fn stdout_closed() -> bool {
    STDOUT_CLOSED.load(Ordering::Relaxed)
}

/// Every write to stdout goes through here. A closed pipe stops the printing, not the
/// command: later writes are skipped, so `hb status | head -1` still exits with its verdict.
fn write_stdout(
    write: impl FnOnce(&mut std::io::StdoutLock<'static>) -> std::io::Result<()>,
) -> Result<()> {
    if stdout_closed() {
        return Ok(());
    }
    let mut out = std::io::stdout().lock();
    match write(&mut out).and_then(|()| out.flush()) {
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
            Ok(())
        }
        result => Ok(result?),
    }
}

/// Write one pretty JSON document to stdout.
pub fn print_json<T: Serialize>(value: &T) -> Result<()> {
    write_stdout(|out| {
        serde_json::to_writer_pretty(&mut *out, value)?;
        writeln!(out)
    })
}

/// Write one compact JSON line to stdout (NDJSON streams).
pub fn print_json_line<T: Serialize>(value: &T) -> Result<()> {
    write_stdout(|out| {
        serde_json::to_writer(&mut *out, value)?;
        writeln!(out)
    })
}

/// Write text and a newline to stdout.
pub fn print(text: impl std::fmt::Display) -> Result<()> {
    write_stdout(|out| writeln!(out, "{text}"))
}

/// Write text exactly as given (no newline added) to stdout.
pub fn print_raw(text: &str) -> Result<()> {
    write_stdout(|out| out.write_all(text.as_bytes()))
}

/// Table cells of free text (messages, summaries) stay within this many characters; the
/// full text is in `--json` and the detail views.
pub const CELL_MAX: usize = 100;

/// `text` cut to at most `max` characters, ending in `…` when it was cut.
pub fn ellipsize(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.truncate(cut.trim_end().len());
    cut.push('…');
    cut
}

/// Times in tables: `2026-11-25 08:00`, or `-` (documents carry RFC 3339).
pub fn short_time(ts: Option<i64>) -> String {
    ts.map(|t| {
        crate::clock::from_ts(t)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    })
    .unwrap_or_else(|| "-".into())
}
