//! Queueing alerts and delivering the outbox: one digest per channel per run (and the
//! daily brief as a message of its own), retried with backoff until the server accepts,
//! so an outage of a channel loses nothing.
//!
//! Guarantee: at-least-once. A row is marked delivered only after its server accepted
//! the message; a process killed between the two sends it again after the lease, and a
//! send abandoned at its deadline is sent again by a later run.
//!
//! Fairness: each channel is claimed and sent on its own, the channel with the most
//! urgent row first, each with its own share of rows (critical first, then oldest), so a
//! dead channel's backlog never holds up another channel. Every send is bounded by its
//! channel's timeout and the run by `delivery_budget`; what does not fit waits, unclaimed,
//! for the next run.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde::Serialize;

use super::channels::{self, Rejected, SendContext};
use super::{Alert, AlertKind, AlertsConfig};
use crate::store::{NewOutboxRow, OutboxRow, Store, Tx};

/// How long a claimed row is reserved for the process that claimed it: longer than
/// any one run takes (its sends fit in `delivery_budget`, at most 4 minutes).
pub const LEASE_SECS: i64 = 600;
/// At most this many rows of one channel per run (one digest); the rest go out on the
/// next.
pub const CHANNEL_SHARE: usize = 1000;
/// The longest one send waits out a 429 before leaving the rest to a later run.
pub const MAX_RATE_LIMIT_WAIT: Duration = Duration::from_secs(10);
/// Retry delays: 1m, 2m, 4m, ... capped at 1h.
const BACKOFF_BASE_SECS: i64 = 60;
const BACKOFF_MAX_SECS: i64 = 3600;

/// Queue `alert` for the channels its route names (or `route_override`, a check's own
/// list). Call it with the transaction that records the state change behind the
/// alert, so both commit or neither. Returns the outbox ids (none: no route).
pub fn enqueue(
    tx: &Tx<'_>,
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
    enqueue_to(tx, &channels, &alert)
}

/// Queue `alert` for exactly these channels. A name the config does not declare is
/// queued anyway and marked failed by the next delivery, where the operator sees it.
pub fn enqueue_to(tx: &Tx<'_>, channels: &[&str], alert: &Alert) -> Result<Vec<i64>> {
    let payload = serde_json::to_string(alert).context("could not encode an alert")?;
    let mut ids = Vec::with_capacity(channels.len());
    for channel in channels {
        ids.push(tx.queue_alert(&NewOutboxRow {
            channel,
            priority: alert.priority,
            kind: alert.kind,
            subject: &alert.subject,
            dedup_key: &alert.dedup_key,
            notification_id: alert.notification_id,
            payload: &payload,
            created_at: alert.created_at,
        })?);
    }
    Ok(ids)
}

/// What one delivery run did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DeliveryReport {
    /// One entry per channel that had something due and was served.
    pub channels: Vec<ChannelDelivery>,
    /// Rows marked failed this run: older than give_up_after and tried enough.
    pub gave_up: usize,
    /// Channels with rows due that this run left for the next: the delivery budget had
    /// no room left for their timeout. Nothing of theirs was claimed.
    pub deferred: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChannelDelivery {
    pub channel: String,
    /// Alerts in the one message sent.
    pub alerts: usize,
    pub delivered: bool,
    /// The server refused the message for good: its rows are failed, not retried.
    pub permanent: bool,
    /// What the server answered (redacted).
    pub answer: Option<String>,
    /// Why it failed (redacted).
    pub error: Option<String>,
    /// Recipients the server refused for good (email), each with its reply.
    pub rejected: Vec<String>,
    /// When a failed delivery is first tried again (unix seconds); rows keep their own
    /// backoff, so some may wait longer.
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
            .filter(|c| !c.delivered && !c.permanent)
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

/// How many tries the backoff makes within `give_up_after_secs` of an alert's first:
/// a row is given up only once it was tried that often *and* that long has passed by
/// the clock, so neither a clock that jumps ahead nor a burst of runs gives up early
/// (7 days: 173 tries; 1 hour: 6).
pub fn give_up_attempts(give_up_after_secs: i64) -> i64 {
    let mut attempts = 1;
    let mut elapsed: i64 = 0;
    // Bounded: the delay reaches its cap after a few doublings.
    for _ in 0..64 {
        let step = backoff_secs(attempts);
        if step == BACKOFF_MAX_SECS {
            return attempts
                .saturating_add(give_up_after_secs.saturating_sub(elapsed).max(0) / step);
        }
        if elapsed.saturating_add(step) > give_up_after_secs {
            return attempts;
        }
        elapsed += step;
        attempts += 1;
    }
    attempts
}

/// Send what is due at `now`: give up on what can't be delivered, then serve each
/// channel with rows due, most urgent first: claim its share, send one digest within its
/// timeout, record the outcome. Stops starting sends when the delivery budget has no
/// room for the next channel's timeout.
pub fn deliver_pending(
    store: &mut Store,
    alerts: &AlertsConfig,
    now: i64,
) -> Result<DeliveryReport> {
    let started = Instant::now();
    let give_up_after = alerts.give_up_after.as_secs();
    let gave_up = store.outbox_give_up(
        now.saturating_sub(give_up_after),
        give_up_attempts(give_up_after),
        now,
    )?;
    let mut report = DeliveryReport {
        gave_up,
        ..DeliveryReport::default()
    };
    let due = store.outbox_due_channels(now)?;
    if due.is_empty() {
        return Ok(report);
    }
    let redactor = alerts.redactor();
    let cx = SendContext::new(alerts, &redactor, now);
    let budget = alerts.delivery_budget();
    for name in due {
        let channel = alerts.channel(&name);
        let needs = channel.map_or(Duration::ZERO, |c| c.timeout);
        if needs > budget.saturating_sub(started.elapsed()) {
            report.deferred.push(name);
            continue;
        }
        let group = store.outbox_claim_channel(&name, now, now + LEASE_SECS, CHANNEL_SHARE)?;
        if group.is_empty() {
            // Another delivery claimed them meanwhile.
            continue;
        }
        let Some(channel) = channel else {
            // Kept, not failed: a run that read the wrong config (cron in another
            // directory, a missing --config) must not throw alerts away.
            let error = format!(
                "channel `{name}` is not declared in the config: declare it again, or these \
                 alerts are given up after give_up_after ({})",
                alerts.give_up_after
            );
            report
                .channels
                .push(retry(store, name, &group, &error, None, Vec::new(), now)?);
            continue;
        };
        let mut items = Vec::with_capacity(group.len());
        let mut readable = Vec::with_capacity(group.len());
        for row in group {
            match serde_json::from_str::<Alert>(&row.payload) {
                Ok(alert) => {
                    items.push((Some(row.id), alert));
                    readable.push(row);
                }
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
        // The daily brief is a digest itself: it goes as its own message, after the rest.
        let mut messages: Vec<(Vec<Item>, Vec<OutboxRow>)> = Vec::new();
        let (mut rest, mut rest_rows) = (Vec::new(), Vec::new());
        for (item, row) in items.into_iter().zip(readable) {
            if item.1.kind == AlertKind::Brief {
                messages.push((vec![item], vec![row]));
            } else {
                rest.push(item);
                rest_rows.push(row);
            }
        }
        if !rest.is_empty() {
            messages.insert(0, (rest, rest_rows));
        }
        let mut down: Option<String> = None;
        for (items, readable) in messages {
            let entry = match &down {
                // The channel failed this run: the rest waits with the same error.
                Some(error) => retry(store, name.clone(), &readable, error, None, Vec::new(), now)?,
                None => send_message(store, channel, &name, &items, &readable, &cx, now)?,
            };
            if !entry.delivered && !entry.permanent {
                down = entry.error.clone();
            }
            report.channels.push(entry);
        }
    }
    Ok(report)
}

/// An alert to send, with its outbox row's id.
type Item = (Option<i64>, Alert);

/// Send one message of `items` (the rows `readable`) to `channel`, and record the outcome:
/// delivered, refused for good, or kept for a retry with backoff.
fn send_message(
    store: &mut Store,
    channel: &super::config::ChannelConfig,
    name: &str,
    items: &[(Option<i64>, Alert)],
    readable: &[OutboxRow],
    cx: &SendContext<'_>,
    now: i64,
) -> Result<ChannelDelivery> {
    let name = name.to_string();
    let ids: Vec<i64> = readable.iter().map(|r| r.id).collect();
    Ok(match channels::send(channel, items, cx) {
        Ok(accepted) => {
            store.outbox_mark_delivered(&ids, now)?;
            note_recipients(store, &name, &accepted.rejected, true, now)?;
            // It works again: what waits out a backoff for it goes on the next run.
            store.outbox_wake_channel(&name, now)?;
            ChannelDelivery {
                channel: name,
                alerts: ids.len(),
                delivered: true,
                permanent: false,
                answer: Some(accepted.answer),
                error: None,
                rejected: accepted.rejected.iter().map(Rejected::describe).collect(),
                next_attempt_at: None,
            }
        }
        Err(failure) if failure.permanent => {
            let error = format!("refused for good, not retried: {}", failure.error);
            store.outbox_mark_failed(&ids, &error, now)?;
            note_recipients(store, &name, &failure.rejected, false, now)?;
            ChannelDelivery {
                channel: name,
                alerts: ids.len(),
                delivered: false,
                permanent: true,
                answer: None,
                error: Some(error),
                rejected: failure.rejected.iter().map(Rejected::describe).collect(),
                next_attempt_at: None,
            }
        }
        Err(failure) => {
            note_recipients(store, &name, &failure.rejected, false, now)?;
            let rejected = failure.rejected.iter().map(Rejected::describe).collect();
            retry(
                store,
                name,
                readable,
                &failure.error,
                failure.retry_after,
                rejected,
                now,
            )?
        }
    })
}

/// Keep `rows` pending, each due again after its own backoff (or the server's
/// `retry_after`, when longer): a new alert waits a minute after its first failure,
/// however long the channel's older alerts have been waiting.
fn retry(
    store: &mut Store,
    channel: String,
    rows: &[OutboxRow],
    error: &str,
    retry_after: Option<Duration>,
    rejected: Vec<String>,
    now: i64,
) -> Result<ChannelDelivery> {
    let asked = retry_after
        .map(|d| d.as_secs_f64().ceil() as i64)
        .unwrap_or(0);
    let retries: Vec<(i64, i64)> = rows
        .iter()
        .map(|r| {
            (
                r.id,
                now.saturating_add(backoff_secs(r.attempts).max(asked)),
            )
        })
        .collect();
    store.outbox_mark_retry(&retries, error)?;
    Ok(ChannelDelivery {
        channel,
        alerts: rows.len(),
        delivered: false,
        permanent: false,
        answer: None,
        error: Some(error.to_string()),
        rejected,
        next_attempt_at: retries.iter().map(|(_, next)| *next).min(),
    })
}

/// Record the recipients refused for good; `complete`: the message went out to every
/// recipient, so earlier refusals of others no longer hold.
fn note_recipients(
    store: &mut Store,
    channel: &str,
    rejected: &[Rejected],
    complete: bool,
    now: i64,
) -> Result<()> {
    if rejected.is_empty() && !complete {
        return Ok(());
    }
    let rejected: Vec<(String, String)> = rejected
        .iter()
        .map(|r| (r.recipient.clone(), r.reply.clone()))
        .collect();
    store.outbox_note_recipients(channel, &rejected, complete, now)
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
        // A week later by the clock, but tried only twice (a clock that jumped ahead):
        // kept.
        let week = 7 * 86_400;
        let mut t = 100 + week + 1;
        assert_eq!(deliver_pending(&mut store, &alerts, t).unwrap().gave_up, 0);
        // Given up once it was also tried as often as the backoff tries in a week.
        let mut runs = 0;
        while deliver_pending(&mut store, &alerts, t).unwrap().gave_up == 0 {
            runs += 1;
            assert!(runs < 300, "never given up");
            t = store.outbox_list(false, Some(1)).unwrap()[0].next_attempt_at;
        }
        let row = &store.outbox_list(false, Some(1)).unwrap()[0];
        assert_eq!(row.status, crate::store::OutboxStatus::Failed);
        assert_eq!(row.attempts, give_up_attempts(week));
    }

    #[test]
    fn give_up_needs_the_tries_the_backoff_makes_in_that_time() {
        assert_eq!(give_up_attempts(7 * 86_400), 173);
        // 1m + 2m + 4m + 8m + 16m = 31m of waits: six tries; the seventh at 63m.
        assert_eq!(give_up_attempts(3600), 6);
        assert_eq!(give_up_attempts(59), 1);
        assert_eq!(give_up_attempts(0), 1);
        assert!(give_up_attempts(i64::MAX) > 1_000_000);
    }
}
