//! `hb alerts`, `hb alerts outbox` and what a delivery did, for people.

use anyhow::Result;
use comfy_table::Cell;

use super::{print, short_time, Output, Render};
use crate::view::alerts::{Acknowledged, ChannelTest, Delivery, NotificationList, Outbox, Sent};

impl Render for NotificationList {
    fn render(&self, out: &Output) -> Result<()> {
        if self.notifications.is_empty() {
            return print(match (self.asked_all, self.asked_filtered) {
                (true, false) => "no notifications",
                (false, false) => "no open notifications",
                (true, true) => "no notifications match",
                (false, true) => "no open notifications match",
            });
        }
        let mut table = out.table(["ID", "Priority", "Kind", "Subject", "Since", "State"]);
        for n in &self.notifications {
            table.add_row(vec![
                Cell::new(n.id),
                out.status_cell(n.priority.as_str()),
                Cell::new(&n.kind),
                Cell::new(&n.subject),
                Cell::new(&n.created_at),
                Cell::new(n.state),
            ]);
        }
        print(table)?;
        out.note_truncated(self.notifications.len(), self.total);
        Ok(())
    }
}

impl Render for Acknowledged {
    fn render(&self, _out: &Output) -> Result<()> {
        let list: Vec<String> = self.acknowledged.iter().map(|i| i.to_string()).collect();
        print(format!("acknowledged {}", list.join(", ")))
    }
}

impl Render for Outbox {
    fn render(&self, out: &Output) -> Result<()> {
        let print_rejected = || -> Result<()> {
            for r in &self.rejected_recipients {
                print(format!("Recipient refused: {}", r.line()))?;
            }
            Ok(())
        };
        if self.rows.is_empty() {
            print("The outbox is empty: every alert was delivered.")?;
            return print_rejected();
        }
        let mut table = out.table([
            "ID",
            "CHANNEL",
            "PRIORITY",
            "SUBJECT",
            "STATUS",
            "TRIES",
            "NEXT TRY",
            "LAST ERROR",
        ]);
        for row in &self.rows {
            table.add_row(vec![
                row.id.to_string().into(),
                row.channel.clone().into(),
                out.status_cell(row.priority.as_str()),
                row.subject.clone().into(),
                out.status_cell(row.status.as_str()),
                row.attempts.to_string().into(),
                short_time(row.next_attempt_ts).into(),
                row.last_error.clone().unwrap_or_else(|| "-".into()).into(),
            ]);
        }
        print(table)?;
        print(format!(
            "{} pending, {} failed. Failed alerts are not retried; pending ones are, with backoff.",
            self.pending, self.failed
        ))?;
        print_rejected()?;
        out.note_truncated(self.rows.len(), self.total);
        Ok(())
    }
}

impl Render for ChannelTest {
    fn render(&self, _out: &Output) -> Result<()> {
        match &self.answer {
            Some(answer) => print(format!(
                "{} ({}): accepted: {answer}",
                self.channel, self.kind
            )),
            None => Ok(()),
        }
    }
}

impl ChannelTest {
    /// The failure on stderr, even with `-q` and `--json`.
    pub fn report_failure(&self) {
        if let Some(error) = &self.error {
            eprintln!(
                "error: {} ({}): test message not delivered: {error}",
                self.channel, self.kind
            );
        }
    }
}

impl Render for Sent {
    fn render(&self, out: &Output) -> Result<()> {
        print(format!("Queued for {}.", self.channels.join(", ")))?;
        match &self.delivery {
            Some(delivery) => delivery.render(out),
            None => Ok(()),
        }
    }
}

impl Render for Delivery {
    fn render(&self, _out: &Output) -> Result<()> {
        if self.is_empty() {
            return print("Nothing is due in the outbox.");
        }
        // Failures are diagnostics: `report_failures` puts them on stderr.
        for c in self.channels.iter().filter(|c| c.delivered) {
            print(format!(
                "{}: delivered {} ({})",
                c.channel,
                plural(c.alerts, "alert"),
                c.answer.as_deref().unwrap_or("accepted")
            ))?;
        }
        if self.gave_up > 0 {
            print(format!(
                "Gave up on {} (see `hb alerts outbox`).",
                plural(self.gave_up, "alert")
            ))?;
        }
        if !self.deferred.is_empty() {
            print(format!(
                "Left for the next run (the delivery budget is used up): {}.",
                self.deferred.join(", ")
            ))?;
        }
        Ok(())
    }
}

impl Delivery {
    /// One stderr line per channel that failed, and per recipient refused; `label` is
    /// `warning` or `error`. Diagnostics, so they print even with `-q` and `--json`.
    pub fn report_failures(&self, label: &str) {
        for c in &self.channels {
            for rejected in &c.rejected {
                eprintln!(
                    "warning: {}: recipient refused for good: {rejected}",
                    c.channel
                );
            }
            if c.delivered {
                continue;
            }
            let error = c.error.as_deref().unwrap_or("unknown error");
            if c.permanent {
                eprintln!(
                    "{label}: {}: {} not delivered: {error}; marked failed (see `hb alerts outbox`)",
                    c.channel,
                    plural(c.alerts, "alert"),
                );
            } else {
                eprintln!(
                    "{label}: {}: {} not delivered: {error}; kept in the outbox, next try at {}",
                    c.channel,
                    plural(c.alerts, "alert"),
                    c.next_attempt_at.as_deref().unwrap_or("-")
                );
            }
        }
    }
}

/// "1 alert", "3 alerts".
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
