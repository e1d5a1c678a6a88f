//! Queueing alerts and delivering the outbox: one digest per channel per run, retried
//! with backoff until the server accepts, so an outage of a channel loses nothing.
//!
//! Guarantee: at-least-once. A row is marked delivered only after its server accepted
//! the message; a process killed between the two sends it again after the lease.

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::{Context, Result};
use rusqlite::Connection;
use serde::Serialize;

use super::channels::{self, SendContext};
use super::{Alert, AlertsConfig};
use crate::store::{outbox as rows, NewOutboxRow, OutboxRow, Store};

/// How long a claimed row is reserved for the process that claimed it: longer than
/// any one run's sends take (timeouts and rate-limit waits are bounded far below).
pub const LEASE_SECS: i64 = 600;
/// At most this many rows per run; the rest go out on the next.
pub const BATCH_LIMIT: usize = 1000;
/// The longest one send waits out a 429 before leaving the rest to a later run.
pub const MAX_RATE_LIMIT_WAIT: Duration = Duration::from_secs(10);
/// Retry delays: 1m, 2m, 4m, ... capped at 1h.
const BACKOFF_BASE_SECS: i64 = 60;
const BACKOFF_MAX_SECS: i64 = 3600;

/// Queue `alert` for the channels its route names (or `route_override`, a check's own
/// list). Call it with the transaction that records the state change behind the
/// alert, so both commit or neither. Returns the outbox ids (none: no route).
pub fn enqueue(
    conn: &Connection,
    alerts: &AlertsConfig,
    alert: &Alert,
    route_override: Option<&[String]>,
) -> Result<Vec<i64>> {
    let channels = alerts
        .routes
        .channels_for(alert.priority, alert.kind, route_override);
    // The one redaction of what is queued: a check's message may quote a secret.
    let redactor = alerts.redactor();
    let alert = Alert {
        subject: redactor.redact(&alert.subject),
        message: redactor.redact(&alert.message),
        ..alert.clone()
    };
    enqueue_to(conn, &channels, &alert)
}

/// Queue `alert` for exactly these channels. A name the config does not declare is
/// queued anyway and marked failed by the next delivery, where the operator sees it.
pub fn enqueue_to(conn: &Connection, channels: &[&str], alert: &Alert) -> Result<Vec<i64>> {
    let payload = serde_json::to_string(alert).context("could not encode an alert")?;
    let mut ids = Vec::with_capacity(channels.len());
    for channel in channels {
        ids.push(rows::insert(
            conn,
            &NewOutboxRow {
                channel,
                priority: alert.priority.as_str(),
                kind: alert.kind.as_str(),
                subject: &alert.subject,
                dedup_key: &alert.dedup_key,
                notification_id: alert.notification_id,
                payload: &payload,
                created_at: alert.created_at,
            },
        )?);
    }
    Ok(ids)
}

/// What one delivery run did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DeliveryReport {
    /// One entry per channel that had something due.
    pub channels: Vec<ChannelDelivery>,
    /// Rows marked failed this run: older than give_up_after.
    pub gave_up: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChannelDelivery {
    pub channel: String,
    /// Alerts in the one message sent.
    pub alerts: usize,
    pub delivered: bool,
    /// What the server answered (redacted).
    pub answer: Option<String>,
    /// Why it failed (redacted).
    pub error: Option<String>,
    /// When a failed delivery is tried again (unix seconds).
    pub next_attempt_at: Option<i64>,
}

impl DeliveryReport {
    pub fn delivered(&self) -> usize {
        self.channels
            .iter()
            .filter(|c| c.delivered)
            .map(|c| c.alerts)
            .sum()
    }

    pub fn retrying(&self) -> usize {
        self.channels
            .iter()
            .filter(|c| !c.delivered)
            .map(|c| c.alerts)
            .sum()
    }

    pub fn all_delivered(&self) -> bool {
        self.channels.iter().all(|c| c.delivered)
    }
}

/// The delay before try number `attempts + 1`: 1m·2^(attempts-1), at most 1h.
pub fn backoff_secs(attempts: i64) -> i64 {
    let exponent = attempts.saturating_sub(1).clamp(0, 30) as u32;
    BACKOFF_BASE_SECS
        .saturating_mul(1_i64 << exponent)
        .min(BACKOFF_MAX_SECS)
}

/// Send what is due at `now`: give up on what can't be delivered, claim due rows, send
/// one digest per channel, and record each outcome.
pub fn deliver_pending(
    store: &mut Store,
    alerts: &AlertsConfig,
    now: i64,
) -> Result<DeliveryReport> {
    let gave_up = store.outbox_give_up(now.saturating_sub(alerts.give_up_after.as_secs()), now)?;
    let claimed = store.outbox_claim_due(now, now + LEASE_SECS, BATCH_LIMIT)?;
    let mut report = DeliveryReport {
        channels: Vec::new(),
        gave_up,
    };
    if claimed.is_empty() {
        return Ok(report);
    }
    let redactor = channels::redactor(alerts);
    let cx = SendContext {
        base_dir: alerts.base_dir.as_deref(),
        redactor: &redactor,
        now,
        max_rate_limit_wait: MAX_RATE_LIMIT_WAIT,
    };
    let mut by_channel: BTreeMap<String, Vec<OutboxRow>> = BTreeMap::new();
    for row in claimed {
        by_channel.entry(row.channel.clone()).or_default().push(row);
    }
    for (name, group) in by_channel {
        let ids: Vec<i64> = group.iter().map(|r| r.id).collect();
        let attempts = group.iter().map(|r| r.attempts).max().unwrap_or(1);
        let Some(channel) = alerts.channel(&name) else {
            // Kept, not failed: a run that read the wrong config (cron in another
            // directory, a missing --config) must not throw alerts away.
            let error = format!(
                "channel `{name}` is not declared in the config: declare it again, or these \
                 alerts are given up after give_up_after ({})",
                alerts.give_up_after
            );
            let next = now + backoff_secs(attempts);
            store.outbox_mark_retry(&ids, &error, next)?;
            report.channels.push(ChannelDelivery {
                channel: name,
                alerts: ids.len(),
                delivered: false,
                answer: None,
                error: Some(error),
                next_attempt_at: Some(next),
            });
            continue;
        };
        let mut items = Vec::with_capacity(group.len());
        for row in &group {
            match serde_json::from_str::<Alert>(&row.payload) {
                Ok(alert) => items.push((Some(row.id), alert)),
                Err(e) => store.outbox_mark_failed(
                    &[row.id],
                    &format!("unreadable outbox payload: {e}"),
                    now,
                )?,
            }
        }
        if items.is_empty() {
            continue;
        }
        let ids: Vec<i64> = items.iter().filter_map(|(id, _)| *id).collect();
        let entry = match channels::send(channel, &items, &cx) {
            Ok(accepted) => {
                store.outbox_mark_delivered(&ids, now)?;
                ChannelDelivery {
                    channel: name,
                    alerts: ids.len(),
                    delivered: true,
                    answer: Some(accepted.answer),
                    error: None,
                    next_attempt_at: None,
                }
            }
            Err(failure) => {
                let asked = failure
                    .retry_after
                    .map(|d| d.as_secs_f64().ceil() as i64)
                    .unwrap_or(0);
                let next = now + backoff_secs(attempts).max(asked);
                store.outbox_mark_retry(&ids, &failure.error, next)?;
                ChannelDelivery {
                    channel: name,
                    alerts: ids.len(),
                    delivered: false,
                    answer: None,
                    error: Some(failure.error),
                    next_attempt_at: Some(next),
                }
            }
        };
        report.channels.push(entry);
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alert::{AlertKind, Priority};

    #[test]
    fn backoff_doubles_from_a_minute_to_an_hour() {
        let delays: Vec<i64> = (1..=8).map(backoff_secs).collect();
        assert_eq!(delays, [60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(backoff_secs(0), 60);
        assert_eq!(backoff_secs(1000), 3600);
    }

    fn config(text: &str) -> AlertsConfig {
        crate::config::parse(text).unwrap().alerts
    }

    const STDERR_ROUTED: &str = r#"
[[alerts.channel]]
name = "console"
type = "stderr"

[[alerts.channel]]
name = "other"
type = "stderr"

[alerts.routes]
high = ["console", "other"]
escalation = ["console"]
"#;

    #[test]
    fn enqueue_follows_routes_within_the_callers_transaction() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("t.db")).unwrap();
        let alerts = config(STDERR_ROUTED);
        let alert = Alert::new(Priority::High, AlertKind::New, "s", "m", "k", 100);
        let ids = store
            .transaction(|tx| enqueue(tx, &alerts, &alert, None))
            .unwrap();
        assert_eq!(ids.len(), 2);
        // A rolled-back transaction queues nothing.
        let low = Alert::new(Priority::High, AlertKind::New, "s2", "m", "k2", 100);
        let failed: Result<()> = store.transaction(|tx| {
            enqueue(tx, &alerts, &low, None)?;
            anyhow::bail!("the cycle failed")
        });
        assert!(failed.is_err());
        assert_eq!(store.outbox_counts().unwrap().pending, 2);
        // No route, nothing queued.
        let quiet = Alert::new(Priority::Low, AlertKind::New, "s", "m", "k", 100);
        assert!(store
            .transaction(|tx| enqueue(tx, &alerts, &quiet, None))
            .unwrap()
            .is_empty());
    }

    #[test]
    fn delivers_one_digest_per_channel_and_marks_delivered() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("t.db")).unwrap();
        let alerts = config(STDERR_ROUTED);
        store
            .transaction(|tx| {
                for n in 0..5 {
                    let a = Alert::new(
                        Priority::High,
                        AlertKind::New,
                        "s",
                        "m",
                        format!("k{n}"),
                        100,
                    );
                    enqueue(tx, &alerts, &a, None)?;
                }
                enqueue_to(
                    tx,
                    &["removed"],
                    &Alert::new(Priority::Low, AlertKind::New, "s", "m", "k", 100),
                )?;
                Ok(())
            })
            .unwrap();
        let report = deliver_pending(&mut store, &alerts, 200).unwrap();
        assert_eq!(report.channels.len(), 3);
        let by_name = |n: &str| report.channels.iter().find(|c| c.channel == n).unwrap();
        assert!(by_name("console").delivered && by_name("console").alerts == 5);
        assert!(by_name("other").delivered && by_name("other").alerts == 5);
        let removed = by_name("removed");
        assert!(!removed.delivered);
        assert!(removed.error.as_deref().unwrap().contains("not declared"));
        assert_eq!(report.delivered(), 10);
        assert_eq!(report.retrying(), 1);
        let counts = store.outbox_counts().unwrap();
        assert_eq!((counts.pending, counts.failed), (1, 0));
        // Nothing due again until the backoff; then still kept, until give_up_after.
        assert!(deliver_pending(&mut store, &alerts, 259)
            .unwrap()
            .channels
            .is_empty());
        let week = 7 * 86_400;
        assert_eq!(
            deliver_pending(&mut store, &alerts, 100 + week + 1)
                .unwrap()
                .gave_up,
            1
        );
    }
}
