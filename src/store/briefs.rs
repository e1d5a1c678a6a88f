//! Which days' daily briefs were sent: the brief goes out once a day, whatever the
//! number of cycles.

use anyhow::Result;
use rusqlite::{params, OptionalExtension};

use super::{Store, Tx};

/// A brief that was sent.
#[derive(Debug, Clone, PartialEq)]
pub struct SentBrief {
    /// Days since 1970-01-01 (UTC).
    pub day: i64,
    pub sent_at: i64,
    pub run_id: Option<i64>,
    pub channels: Vec<String>,
    pub subject: String,
}

impl Store {
    /// The latest brief sent, if any.
    pub fn last_brief(&self) -> Result<Option<SentBrief>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT day, sent_at, run_id, channels, subject FROM briefs
                 ORDER BY day DESC LIMIT 1",
            )?
            .query_row([], |row| {
                let channels: String = row.get(3)?;
                Ok(SentBrief {
                    day: row.get(0)?,
                    sent_at: row.get(1)?,
                    run_id: row.get(2)?,
                    channels: channels
                        .split(',')
                        .filter(|c| !c.is_empty())
                        .map(str::to_string)
                        .collect(),
                    subject: row.get(4)?,
                })
            })
            .optional()?)
    }
}

impl Tx<'_> {
    /// Record the day's brief as sent (queued, in the transaction that queues it).
    pub fn record_brief(&self, brief: &SentBrief) -> Result<()> {
        self.conn().execute(
            "INSERT INTO briefs (day, sent_at, run_id, channels, subject)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                brief.day,
                brief.sent_at,
                brief.run_id,
                brief.channels.join(","),
                brief.subject
            ],
        )?;
        Ok(())
    }
}
