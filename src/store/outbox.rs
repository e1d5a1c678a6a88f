//! The alert outbox: every alert is a row per channel before anything is sent, so a
//! failed or killed delivery loses nothing (at-least-once).
//!
//! A row is `pending` until the channel's server accepted it (`delivered`), until the
//! server refused it for good, or until it stayed undelivered past `give_up_after`
//! (`failed`). Delivery claims one channel's due rows at a time (one attempt counted,
//! `next_attempt_at` pushed out by a lease, `leased_until` set) so that two processes
//! never send the same row at once and a killed sender's rows come due again after the
//! lease. Each row keeps its own backoff.

use std::sync::LazyLock;

use anyhow::{Context, Result};
use rusqlite::{named_params, params, Row};

use super::column::{literal, priority_rank_sql};
use super::{Store, Tx};
use crate::alert::{AlertKind, Priority};

/// Where an outbox row is: waiting to be sent (or being sent), accepted by its channel,
/// or given up on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OutboxStatus {
    Pending,
    Delivered,
    Failed,
}

impl OutboxStatus {
    pub const ALL: [OutboxStatus; 3] = [
        OutboxStatus::Pending,
        OutboxStatus::Delivered,
        OutboxStatus::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OutboxStatus::Pending => "pending",
            OutboxStatus::Delivered => "delivered",
            OutboxStatus::Failed => "failed",
        }
    }
}

impl std::fmt::Display for OutboxStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A row to write: the alert's JSON and the columns that are queried.
#[derive(Debug, Clone)]
pub struct NewOutboxRow<'a> {
    pub channel: &'a str,
    pub priority: Priority,
    pub kind: AlertKind,
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
    pub priority: Priority,
    pub kind: AlertKind,
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
    pub status: OutboxStatus,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxCounts {
    pub pending: i64,
    pub failed: i64,
}

fn outbox_filter(include_delivered: bool) -> String {
    if include_delivered {
        String::new()
    } else {
        format!(
            "WHERE status IN ({}, {})",
            literal(OutboxStatus::Pending.as_str()),
            literal(OutboxStatus::Failed.as_str())
        )
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

impl Tx<'_> {
    /// Queue one alert for one channel, due at once, in the same transaction as the
    /// state change that caused the alert.
    pub fn queue_alert(&self, new: &NewOutboxRow<'_>) -> Result<i64> {
        let conn = self.conn();
        conn.prepare_cached(
            "INSERT INTO alert_outbox (channel, priority, kind, subject, dedup_key, notification_id,
                                       payload, created_at, next_attempt_at, status)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9)",
        )?
        .execute(params![
            new.channel,
            new.priority,
            new.kind,
            new.subject,
            new.dedup_key,
            new.notification_id,
            new.payload,
            new.created_at,
            OutboxStatus::Pending,
        ])
        .with_context(|| format!("could not queue an alert for channel {}", new.channel))?;
        Ok(conn.last_insert_rowid())
    }
}

/// `status = 'pending'`, as a literal: the partial indexes on pending rows match it.
static PENDING: LazyLock<String> =
    LazyLock::new(|| format!("status = {}", literal(OutboxStatus::Pending.as_str())));

/// A pending row is due when its next attempt has come, or when it was last tried (or
/// queued) after `?now`: a clock that went back must not park it until that time comes
/// again.
static DUE: LazyLock<String> = LazyLock::new(|| {
    format!(
        "{} AND (next_attempt_at <= :now OR coalesce(last_attempt_at, created_at) > :now)",
        *PENDING
    )
});

/// A recipient the server refused for good, as recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct RejectionRow {
    pub channel: String,
    pub recipient: String,
    pub reply: String,
    pub first_at: i64,
    pub last_at: i64,
}

impl Store {
    /// Mark failed the pending rows queued before `created_before` that were tried at
    /// least `min_attempts` times: an alert that could not be delivered for that long is
    /// news no more. Both must hold, so one run under a wrong clock gives nothing up.
    /// Rows another delivery holds are left to it. Returns how many.
    pub fn outbox_give_up(
        &mut self,
        created_before: i64,
        min_attempts: i64,
        now: i64,
    ) -> Result<usize> {
        self.transaction(|tx| {
            Ok(tx.conn().execute(
                &format!(
                    "UPDATE alert_outbox
                     SET status = ?4, next_attempt_at = ?3,
                         last_error = 'gave up: not delivered within give_up_after'
                              || CASE WHEN last_error IS NULL THEN '' ELSE ' (last error: ' || last_error || ')' END
                     WHERE {} AND created_at < ?1 AND attempts >= ?2
                       AND (leased_until IS NULL OR leased_until <= ?3)",
                    *PENDING
                ),
                params![created_before, min_attempts, now, OutboxStatus::Failed],
            )?)
        })
    }

    /// The channels that have rows due at `now`, the one with the most urgent row first
    /// (then the one waiting longest): the order in which a delivery run serves them.
    pub fn outbox_due_channels(&self, now: i64) -> Result<Vec<String>> {
        let mut stmt = self.conn().prepare(&format!(
            "SELECT channel FROM alert_outbox WHERE {}
             GROUP BY channel ORDER BY max({}) DESC, min(id)",
            *DUE,
            priority_rank_sql("priority")
        ))?;
        let rows = stmt
            .query_map(named_params! {":now": now}, |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(rows)
    }

    /// Pending rows whose times lie after `now` (last tried, or queued, in the future):
    /// the clock went back, or a run had a wrong clock.
    pub fn outbox_rows_after(&self, now: i64) -> Result<i64> {
        Ok(self.conn().query_row(
            &format!(
                "SELECT count(*) FROM alert_outbox
                 WHERE {} AND coalesce(last_attempt_at, created_at) > ?1",
                *PENDING
            ),
            [now],
            |r| r.get(0),
        )?)
    }

    /// Claim up to `limit` rows of `channel` due at `now`, most urgent first, then
    /// oldest: count the attempt and lease them until `lease_until`, so a concurrent
    /// delivery skips them and a killed one's rows come due again later. A queue time
    /// after `now` (a wrong clock) is brought back to `now`, so give-up age counts from
    /// a time that happened.
    pub fn outbox_claim_channel(
        &mut self,
        channel: &str,
        now: i64,
        lease_until: i64,
        limit: usize,
    ) -> Result<Vec<OutboxRow>> {
        self.transaction(|tx| {
            let mut stmt = tx.conn().prepare(&format!(
                "SELECT {COLUMNS} FROM alert_outbox WHERE channel = :channel AND {}
                 ORDER BY {} DESC, id LIMIT :limit",
                *DUE,
                priority_rank_sql("priority")
            ))?;
            let rows = stmt
                .query_map(
                    named_params! {":channel": channel, ":now": now, ":limit": limit as i64},
                    row,
                )?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let mut update = tx.conn().prepare(
                "UPDATE alert_outbox
                 SET attempts = attempts + 1, last_attempt_at = ?2, next_attempt_at = ?3,
                     leased_until = ?3, created_at = min(created_at, ?2)
                 WHERE id = ?1",
            )?;
            let mut claimed = Vec::with_capacity(rows.len());
            for mut r in rows {
                update.execute(params![r.id, now, lease_until])?;
                r.attempts += 1;
                r.last_attempt_at = Some(now);
                r.next_attempt_at = lease_until;
                r.created_at = r.created_at.min(now);
                claimed.push(r);
            }
            Ok(claimed)
        })
    }

    /// The server accepted these rows.
    pub fn outbox_mark_delivered(&mut self, ids: &[i64], now: i64) -> Result<()> {
        self.transaction(|tx| {
            let mut stmt = tx.conn().prepare(
                "UPDATE alert_outbox
                 SET status = ?3, delivered_at = ?2, last_error = NULL, leased_until = NULL
                 WHERE id = ?1 AND status = ?4",
            )?;
            for id in ids {
                stmt.execute(params![
                    id,
                    now,
                    OutboxStatus::Delivered,
                    OutboxStatus::Pending
                ])?;
            }
            Ok(())
        })
    }

    /// A delivery of these rows failed for now: keep them pending, each due again at its
    /// own time (`(id, next_attempt_at)`). `error` must already be redacted.
    pub fn outbox_mark_retry(&mut self, retries: &[(i64, i64)], error: &str) -> Result<()> {
        self.transaction(|tx| {
            let mut stmt = tx.conn().prepare(
                "UPDATE alert_outbox SET last_error = ?2, next_attempt_at = ?3, leased_until = NULL
                 WHERE id = ?1 AND status = ?4",
            )?;
            for (id, next_attempt_at) in retries {
                stmt.execute(params![id, error, next_attempt_at, OutboxStatus::Pending])?;
            }
            Ok(())
        })
    }

    /// These rows can never be delivered (an unreadable payload, a message the server
    /// refused for good): stop retrying them. `error` must already be redacted.
    pub fn outbox_mark_failed(&mut self, ids: &[i64], error: &str, now: i64) -> Result<()> {
        self.transaction(|tx| {
            let mut stmt = tx.conn().prepare(
                "UPDATE alert_outbox
                 SET status = ?4, last_error = ?2, next_attempt_at = ?3, leased_until = NULL
                 WHERE id = ?1 AND status = ?5",
            )?;
            for id in ids {
                stmt.execute(params![
                    id,
                    error,
                    now,
                    OutboxStatus::Failed,
                    OutboxStatus::Pending
                ])?;
            }
            Ok(())
        })
    }

    /// `channel` delivered again: every row waiting out a backoff for it is due at
    /// `now`. Rows another delivery holds are left alone. Returns how many.
    pub fn outbox_wake_channel(&mut self, channel: &str, now: i64) -> Result<usize> {
        self.transaction(|tx| {
            Ok(tx.conn().execute(
                &format!(
                    "UPDATE alert_outbox SET next_attempt_at = ?2
                     WHERE channel = ?1 AND {} AND next_attempt_at > ?2
                       AND leased_until IS NULL",
                    *PENDING
                ),
                params![channel, now],
            )?)
        })
    }

    /// Remember the recipients `channel`'s server refused for good, once per address (a
    /// later refusal updates the reply and time). `complete`: the message went to every
    /// recipient configured now, so any other address recorded for the channel was
    /// accepted, or is no longer configured, and is forgotten.
    pub fn outbox_note_recipients(
        &mut self,
        channel: &str,
        rejected: &[(String, String)],
        complete: bool,
        now: i64,
    ) -> Result<()> {
        self.transaction(|tx| {
            if complete {
                let keep: Vec<&str> = rejected.iter().map(|(r, _)| r.as_str()).collect();
                let keep = serde_json::to_string(&keep)?;
                tx.conn().execute(
                    "DELETE FROM alert_rejections WHERE channel = ?1
                       AND recipient NOT IN (SELECT value FROM json_each(?2))",
                    params![channel, keep],
                )?;
            }
            let mut upsert = tx.conn().prepare(
                "INSERT INTO alert_rejections (channel, recipient, reply, first_at, last_at)
                 VALUES (?1, ?2, ?3, ?4, ?4)
                 ON CONFLICT (channel, recipient)
                 DO UPDATE SET reply = excluded.reply, last_at = excluded.last_at",
            )?;
            for (recipient, reply) in rejected {
                upsert.execute(params![channel, recipient, reply, now])?;
            }
            Ok(())
        })
    }

    /// Every recipient a mail server refused for good, by channel and address.
    pub fn outbox_rejections(&self) -> Result<Vec<RejectionRow>> {
        let mut stmt = self.conn().prepare(
            "SELECT channel, recipient, reply, first_at, last_at FROM alert_rejections
             ORDER BY channel, recipient",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(RejectionRow {
                    channel: r.get(0)?,
                    recipient: r.get(1)?,
                    reply: r.get(2)?,
                    first_at: r.get(3)?,
                    last_at: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

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
            "SELECT count(*) FILTER (WHERE status = ?1), count(*) FILTER (WHERE status = ?2)
             FROM alert_outbox",
            params![OutboxStatus::Pending, OutboxStatus::Failed],
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
                tx.queue_alert(&NewOutboxRow {
                    channel,
                    priority: Priority::High,
                    kind: AlertKind::New,
                    subject: "s",
                    dedup_key: "k",
                    notification_id: None,
                    payload: "{}",
                    created_at: at,
                })
            })
            .unwrap()
    }

    fn queue_as(store: &mut Store, channel: &str, priority: Priority, at: i64) -> i64 {
        let id = queue(store, channel, at);
        store
            .conn()
            .execute(
                "UPDATE alert_outbox SET priority = ?2 WHERE id = ?1",
                params![id, priority],
            )
            .unwrap();
        id
    }

    #[test]
    fn claim_counts_an_attempt_and_leases() {
        let (_dir, mut store) = store();
        let id = queue(&mut store, "mail", 100);
        let claimed = store.outbox_claim_channel("mail", 100, 700, 10).unwrap();
        assert_eq!(claimed.len(), 1);
        assert_eq!(claimed[0].attempts, 1);
        // Leased: not due again before the lease ends, and not woken by its channel.
        assert!(store
            .outbox_claim_channel("mail", 699, 1300, 10)
            .unwrap()
            .is_empty());
        assert_eq!(store.outbox_wake_channel("mail", 650).unwrap(), 0);
        assert_eq!(
            store.outbox_claim_channel("mail", 700, 1300, 10).unwrap()[0].attempts,
            2
        );
        store.outbox_mark_retry(&[(id, 900)], "boom").unwrap();
        let rows = store.outbox_list(false, Some(10)).unwrap();
        assert_eq!(rows[0].last_error.as_deref(), Some("boom"));
        assert_eq!(rows[0].next_attempt_at, 900);
        // Waiting out a backoff: a channel that delivers again wakes it.
        assert_eq!(store.outbox_wake_channel("mail", 800).unwrap(), 1);
        assert_eq!(
            store.outbox_list(false, Some(10)).unwrap()[0].next_attempt_at,
            800
        );
        store.outbox_mark_delivered(&[id], 950).unwrap();
        assert!(store.outbox_list(false, Some(10)).unwrap().is_empty());
        assert_eq!(
            store.outbox_list(true, Some(10)).unwrap()[0].delivered_at,
            Some(950)
        );
        assert_eq!(store.outbox_counts().unwrap(), OutboxCounts::default());
    }

    #[test]
    fn channels_are_served_most_urgent_first_and_claimed_apart() {
        let (_dir, mut store) = store();
        for _ in 0..3 {
            queue_as(&mut store, "mail", Priority::Low, 100);
        }
        let critical = queue_as(&mut store, "hook", Priority::Critical, 200);
        queue_as(&mut store, "mail", Priority::High, 300);
        assert_eq!(store.outbox_due_channels(300).unwrap(), ["hook", "mail"]);
        let mail = store.outbox_claim_channel("mail", 300, 900, 2).unwrap();
        let priorities: Vec<&str> = mail.iter().map(|r| r.priority.as_str()).collect();
        assert_eq!(priorities, ["high", "low"], "most urgent, then oldest");
        assert!(mail.iter().all(|r| r.channel == "mail"));
        let hook = store.outbox_claim_channel("hook", 300, 900, 2).unwrap();
        assert_eq!(hook.iter().map(|r| r.id).collect::<Vec<_>>(), [critical]);
    }

    #[test]
    fn rows_from_a_future_clock_are_due_and_their_queue_time_comes_back() {
        let (_dir, mut store) = store();
        // Queued and tried by a run whose clock said 4_000_000_000.
        let id = queue(&mut store, "mail", 4_000_000_000);
        store
            .outbox_claim_channel("mail", 4_000_000_000, 4_000_000_600, 10)
            .unwrap();
        store
            .outbox_mark_retry(&[(id, 4_000_000_060)], "refused")
            .unwrap();
        assert_eq!(store.outbox_rows_after(1000).unwrap(), 1);
        assert_eq!(store.outbox_due_channels(1000).unwrap(), ["mail"]);
        let claimed = store.outbox_claim_channel("mail", 1000, 1600, 10).unwrap();
        assert_eq!((claimed[0].attempts, claimed[0].created_at), (2, 1000));
        assert_eq!(store.outbox_rows_after(1000).unwrap(), 0);
    }

    #[test]
    fn give_up_on_old_rows_after_enough_attempts() {
        let (_dir, mut store) = store();
        let old = queue(&mut store, "mail", 100);
        queue(&mut store, "mail", 500);
        store.outbox_claim_channel("mail", 100, 700, 1).unwrap();
        store.outbox_mark_retry(&[(old, 150)], "refused").unwrap();
        // Old enough, but tried once where two tries are asked for: kept.
        assert_eq!(store.outbox_give_up(200, 2, 600).unwrap(), 0);
        assert_eq!(store.outbox_give_up(200, 1, 600).unwrap(), 1);
        let counts = store.outbox_counts().unwrap();
        assert_eq!(
            counts,
            OutboxCounts {
                pending: 1,
                failed: 1
            }
        );
        let rows = store.outbox_list(false, Some(10)).unwrap();
        let failed = rows
            .iter()
            .find(|r| r.status == OutboxStatus::Failed)
            .unwrap();
        assert_eq!(
            failed.last_error.as_deref(),
            Some("gave up: not delivered within give_up_after (last error: refused)")
        );
    }

    #[test]
    fn rejected_recipients_are_kept_once_and_forgotten_when_accepted() {
        let (_dir, mut store) = store();
        let gone = vec![(
            "gone@example.com".to_string(),
            "550 no such user".to_string(),
        )];
        let old = vec![("old@example.com".to_string(), "550".to_string())];
        store
            .outbox_note_recipients("mail", &old, false, 50)
            .unwrap();
        store
            .outbox_note_recipients("mail", &gone, false, 100)
            .unwrap();
        // A delivery to every configured recipient: what it did not refuse is forgotten.
        store
            .outbox_note_recipients("mail", &gone, true, 200)
            .unwrap();
        let rows = store.outbox_rejections().unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].recipient, "gone@example.com");
        assert_eq!((rows[0].first_at, rows[0].last_at), (100, 200));
        store
            .outbox_note_recipients("mail", &[], true, 300)
            .unwrap();
        assert!(store.outbox_rejections().unwrap().is_empty());
    }
}
