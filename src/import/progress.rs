//! The progress bar of a big import: on stderr, only on a terminal.

use indicatif::{ProgressBar, ProgressStyle};

/// Files this big (or with this many rows) get a progress bar on a terminal.
const BIG_FILE_BYTES: u64 = 1 << 20;
const BIG_FILE_ROWS: u64 = 10_000;

/// How much of the input there is, for the progress bar.
#[derive(Debug, Clone, Copy)]
pub enum Total {
    Bytes(u64),
    Rows(u64),
    Unknown,
}

/// A progress bar on stderr for big inputs, only on a terminal (decided by the caller).
pub struct Progress {
    show: bool,
    total: Total,
    bar: Option<ProgressBar>,
}

impl Progress {
    pub fn new(show: bool, total: Total) -> Self {
        let bar = match total {
            Total::Bytes(n) if show && n > BIG_FILE_BYTES => Some(bar(n, "{bytes}/{total_bytes}")),
            Total::Rows(n) if show && n > BIG_FILE_ROWS => Some(bar(n, "{pos}/{len} rows")),
            _ => None,
        };
        Progress { show, total, bar }
    }

    /// Rows done so far, and the byte offset (or row count) the bar measures.
    pub fn at(&mut self, rows: u64, position: u64) {
        // Updating every row would cost more than the bar is worth.
        if !rows.is_multiple_of(256) {
            return;
        }
        if self.bar.is_none() && self.show && rows >= BIG_FILE_ROWS {
            if let Total::Unknown = self.total {
                // Standard input: no size, so a counter once the input turns out big.
                let spinner = ProgressBar::new_spinner().with_style(
                    ProgressStyle::with_template(
                        "{spinner} importing: {human_pos} rows ({elapsed})",
                    )
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                );
                spinner.set_draw_target(indicatif::ProgressDrawTarget::stderr());
                self.bar = Some(spinner);
            }
        }
        if let Some(bar) = &self.bar {
            match self.total {
                Total::Unknown => bar.set_position(rows),
                Total::Bytes(_) | Total::Rows(_) => bar.set_position(position),
            }
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn bar(len: u64, counter: &str) -> ProgressBar {
    let template = format!("importing [{{bar:40}}] {counter} ({{eta}} left)");
    let style = ProgressStyle::with_template(&template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
    ProgressBar::with_draw_target(Some(len), indicatif::ProgressDrawTarget::stderr())
        .with_style(style)
}
