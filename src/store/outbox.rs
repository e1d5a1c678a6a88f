//! The alert outbox: every alert is a row per channel before anything is sent, so a
//! failed or killed delivery loses nothing (at-least-once).
//!
//! A row is `pending` until the channel's server accepted it (`delivered`), or until it
//! stayed undelivered past `give_up_after` (`failed`). Delivery first *claims* the due rows (one
//! attempt counted, `next_attempt_at` pushed out by a lease) so that two processes never
//! send the same row at once and a killed sender's rows come due again after the lease.

use anyhow::{Context, Result};
use rusqlite::{params, Connection, Row};

use super::Store;

/// A row to write: the alert's JSON and the columns that are queried.
#[derive(Debug, Clone)]
pub struct NewOutboxRow<'a> {
    pub channel: &'a str,
    pub priority: &'a str,
    pub kind: &'a str,
    pub subject: &'a str,
    pub dedup_key: &'a str,
    pub notification_id: Option<i64>,
    /// The alert as JSON: what the channel will send.
    pub payload: &'a str,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OutboxRow {
    pub id: i64,
    pub channel: String,
    pub priority: String,
    pub kind: String,
    pub subject: String,
    pub dedup_key: String,
    pub notification_id: Option<i64>,
    pub payload: String,
    pub created_at: i64,
    pub attempts: i64,
    pub last_attempt_at: Option<i64>,
    pub last_error: Option<String>,
    pub next_attempt_at: i64,
    pub delivered_at: Option<i64>,
    pub status: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxCounts {
    pub pending: i64,
    pub failed: i64,
}

fn outbox_filter(include_delivered: bool) -> &'static str {
    if include_delivered {
        ""
    } else {
        "WHERE status IN ('pending', 'failed')"
    }
}

const COLUMNS: &str = "id, channel, priority, kind, subject, dedup_key, notification_id, payload, \
     created_at, attempts, last_attempt_at, last_error, next_attempt_at, delivered_at, status";

fn row(r: &Row<'_>) -> rusqlite::Result<OutboxRow> {
    Ok(OutboxRow {
        id: r.get(0)?,
        channel: r.get(1)?,
        priority: r.get(2)?,
        kind: r.get(3)?,
        subject: r.get(4)?,
        dedup_key: r.get(5)?,
        notification_id: r.get(6)?,
        payload: r.get(7)?,
        created_at: r.get(8)?,
        attempts: r.get(9)?,
        last_attempt_at: r.get(10)?,
        last_error: r.get(11)?,
        next_attempt_at: r.get(12)?,
        delivered_at: r.get(13)?,
        status: r.get(14)?,
    })
}

/// Queue one alert for one channel, due at once. Takes a connection (a `Transaction`
/// derefs to one) so the caller queues in the same transaction as the state change
/// that caused the alert.
pub fn insert(conn: &Connection, new: &NewOutboxRow<'_>) -> Result<i64> {
    conn.execute(
        "INSERT INTO alert_outbox (channel, priority, kind, subject, dedup_key, notification_id,
                                   payload, created_at, next_attempt_at, status)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, 'pending')",
        params![
            new.channel,
            new.priority,
            new.kind,
            new.subject,
            new.dedup_key,
            new.notification_id,
            new.payload,
            new.created_at,
        ],
    )
    .with_context(|| format!("could not queue an alert for channel {}", new.channel))?;
    Ok(conn.last_insert_rowid())
}

impl Store {
    /// Mark failed the pending rows queued before `created_before`: an alert that could
    /// not be delivered for that long is news no more. Returns how many.
    pub fn outbox_give_up(&mut self, created_before: i64, now: i64) -> Result<usize> {
        self.transaction(|tx| {
            Ok(tx.execute(
                "UPDATE alert_outbox
                 SET status = 'failed', next_attempt_at = ?2,
                     last_error = 'gave up: not delivered within give_up_after'
                          || CASE WHEN last_error IS NULL THEN '' ELSE ' (last error: ' || last_error || ')' END
                 WHERE status = 'pending' AND created_at < ?1",
                params![created_before, now],
            )?)
        })
    }

    /// Claim the pending rows due at `now` (oldest first, at most `limit`): count the
    /// attempt and push `next_attempt_at` to `lease_until`, so a concurrent delivery
    /// skips them and a killed one's rows come due again later.
    pub fn outbox_claim_due(
        &mut self,
        now: i64,
        lease_until: i64,
        limit: usize,
    ) -> Result<Vec<OutboxRow>> {
        self.transaction(|tx| {
            let mut stmt = tx.prepare(&format!(
                "SELECT {COLUMNS} FROM alert_outbox
                 WHERE status = 'pending' AND next_attempt_at <= ?1
                 ORDER BY id LIMIT ?2"
            ))?;
            let rows = stmt
                .query_map(params![now, limit as i64], row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let mut update = tx.prepare(
                "UPDATE alert_outbox
                 SET attempts = attempts + 1, last_attempt_at = ?2, next_attempt_at = ?3
                 WHERE id = ?1",
            )?;
            let mut claimed = Vec::with_capacity(rows.len());
            for mut r in rows {
                update.execute(params![r.id, now, lease_until])?;
                r.attempts += 1;
                r.last_attempt_at = Some(now);
                r.next_attempt_at = lease_until;
                claimed.push(r);
            }
            Ok(claimed)
        })
    }

    /// The server accepted these rows.
    pub fn outbox_mark_delivered(&mut self, ids: &[i64], now: i64) -> Result<()> {
        self.transaction(|tx| {
            let mut stmt = tx.prepare(
                "UPDATE alert_outbox
                 SET status = 'delivered', delivered_at = ?2, last_error = NULL
                 WHERE id = ?1 AND status = 'pending'",
            )?;
            for id in ids {
                stmt.execute(params![id, now])?;
            }
            Ok(())
        })
    }

    /// A delivery of these rows failed: keep them pending, due again at `next_attempt_at`.
    /// `error` must already be redacted.
    pub fn outbox_mark_retry(
        &mut self,
        ids: &[i64],
        error: &str,
        next_attempt_at: i64,
    ) -> Result<()> {
        self.transaction(|tx| {
            let mut stmt = tx.prepare(
                "UPDATE alert_outbox SET last_error = ?2, next_attempt_at = ?3
                 WHERE id = ?1 AND status = 'pending'",
            )?;
            for id in ids {
                stmt.execute(params![id, error, next_attempt_at])?;
            }
            Ok(())
        })
    }

    /// These rows can never be delivered (an unreadable payload): stop retrying them.
    pub fn outbox_mark_failed(&mut self, ids: &[i64], error: &str, now: i64) -> Result<()> {
        self.transaction(|tx| {
            let mut stmt = tx.prepare(
                "UPDATE alert_outbox SET status = 'failed', last_error = ?2, next_attempt_at = ?3
                 WHERE id = ?1 AND status = 'pending'",
            )?;
            for id in ids {
                stmt.execute(params![id, error, now])?;
            }
            Ok(())
        })
    }

    /// Pending and failed rows (and delivered ones with `include_delivered`), newest
    /// first.
    /// Pending and failed rows (and delivered ones with `include_delivered`), newest
    /// first; `limit` None: all of them.
    pub fn outbox_list(
        &self,
        include_delivered: bool,
        limit: Option<usize>,
    ) -> Result<Vec<OutboxRow>> {
        let mut stmt = self.conn().prepare(&format!(
            "SELECT {COLUMNS} FROM alert_outbox {} ORDER BY id DESC LIMIT ?1",
            outbox_filter(include_delivered)
        ))?;
        let rows = stmt
            .query_map([limit.map_or(-1, |l| l as i64)], row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// How many rows `outbox_list` would list without a limit.
    pub fn outbox_total(&self, include_delivered: bool) -> Result<u64> {
        Ok(self.conn().query_row(
            &format!(
                "SELECT count(*) FROM alert_outbox {}",
                outbox_filter(include_delivered)
            ),
            [],
            |r| r.get(0),
        )?)
    }

    pub fn outbox_counts(&self) -> Result<OutboxCounts> {
        let (pending, failed) = self.conn().query_row(
            "SELECT count(*) FILTER (WHERE status = 'pending'),
                    count(*) FILTER (WHERE status = 'failed')
             FROM alert_outbox",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(OutboxCounts { pending, failed })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("t.db")).unwrap();
        (dir, store)
    }

    fn queue(store: &mut Store, channel: &str, at: i64) -> i64 {
        store
            .transaction(|tx| {
                insert(
                    tx,
                    &NewOutboxRow {
                        channel,
                        priority: "high",
                        kind: "new",
                        subject: "s",
                        dedup_key: "k",
                        notification_id: None,
                        payload: "{}",
                        created_at: at,
                    },
                )
            })
            .unwrap()
    }

    #[test]
    fn claim_counts_an_attempt_and_leases() {
        let (_dir, mut store) = store();
        let id = queue(&mut store, "mail", 100);
        let claimed = store.outbox_claim_due(100, 700, 10).unwrap();
        assert_eq!(claimed.len(), 1);
        assert_eq!(claimed[0].attempts, 1);
        // Leased: not due again before the lease ends.
        assert!(store.outbox_claim_due(699, 1300, 10).unwrap().is_empty());
        assert_eq!(
            store.outbox_claim_due(700, 1300, 10).unwrap()[0].attempts,
            2
        );
        store.outbox_mark_retry(&[id], "boom", 900).unwrap();
        let rows = store.outbox_list(false, Some(10)).unwrap();
        assert_eq!(rows[0].last_error.as_deref(), Some("boom"));
        assert_eq!(rows[0].next_attempt_at, 900);
        store.outbox_mark_delivered(&[id], 950).unwrap();
        assert!(store.outbox_list(false, Some(10)).unwrap().is_empty());
        assert_eq!(
            store.outbox_list(true, Some(10)).unwrap()[0].delivered_at,
            Some(950)
        );
        assert_eq!(store.outbox_counts().unwrap(), OutboxCounts::default());
    }

    #[test]
    fn give_up_on_old_rows() {
        let (_dir, mut store) = store();
        let old = queue(&mut store, "mail", 100);
        queue(&mut store, "mail", 500);
        store.outbox_mark_retry(&[old], "refused", 150).unwrap();
        assert_eq!(store.outbox_give_up(200, 600).unwrap(), 1);
        let counts = store.outbox_counts().unwrap();
        assert_eq!(
            counts,
            OutboxCounts {
                pending: 1,
                failed: 1
            }
        );
        let rows = store.outbox_list(false, Some(10)).unwrap();
        let failed = rows.iter().find(|r| r.status == "failed").unwrap();
        assert_eq!(
            failed.last_error.as_deref(),
            Some("gave up: not delivered within give_up_after (last error: refused)")
        );
    }
}
