//! `hb alerts`: the notifications the cycle raised, the outbox of deliveries, and what a
//! test, a send or a delivery did.

use anyhow::Result;
use serde::Serialize;

use crate::alert::channels::{Accepted, Failure};
use crate::alert::config::ChannelConfig;
use crate::alert::{AlertKind, DeliveryReport, Priority};
use crate::clock;
use crate::clock::format_opt;
use crate::store::outbox::RejectionRow;
use crate::store::{NotificationFilter, NotificationRow, OutboxRow, OutboxStatus, Store};

/// `hb alerts --json`: the notifications listed, and how many match.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct NotificationList {
    /// Notifications the filter matches, whatever the limit.
    pub total: u64,
    pub notifications: Vec<Notification>,
    /// What was asked, for saying what an empty list means.
    #[serde(skip)]
    pub asked_all: bool,
    #[serde(skip)]
    pub asked_filtered: bool,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Notification {
    pub id: i64,
    pub priority: Priority,
    pub kind: String,
    pub source: String,
    pub subject: String,
    pub message: String,
    pub property_id: Option<i64>,
    pub dedup_key: String,
    pub created_at: String,
    pub notified_at: String,
    pub notify_count: i64,
    pub acked_at: Option<String>,
    pub resolved_at: Option<String>,
    /// open, acked or resolved.
    pub state: &'static str,
}

impl From<NotificationRow> for Notification {
    fn from(n: NotificationRow) -> Self {
        let state = if n.resolved_at.is_some() {
            "resolved"
        } else if n.acked_at.is_some() {
            "acked"
        } else {
            "open"
        };
        Notification {
            id: n.id,
            priority: n.priority,
            kind: n.kind.to_string(),
            source: n.source,
            subject: n.subject,
            message: n.message,
            property_id: n.property_id,
            dedup_key: n.dedup_key,
            created_at: clock::format_ts(n.created_at),
            notified_at: clock::format_ts(n.notified_at),
            notify_count: n.notify_count,
            acked_at: format_opt(n.acked_at),
            resolved_at: format_opt(n.resolved_at),
            state,
        }
    }
}

/// The notifications `filter` matches, most urgent and newest first.
pub fn notifications(store: &Store, filter: &NotificationFilter) -> Result<NotificationList> {
    let notifications: Vec<Notification> = store
        .notifications(filter)?
        .into_iter()
        .map(Notification::from)
        .collect();
    let total = match filter.limit {
        Some(limit) if notifications.len() >= limit => store.count_notifications(filter)?,
        _ => notifications.len() as u64,
    };
    Ok(NotificationList {
        total,
        notifications,
        asked_all: filter.all,
        asked_filtered: filter.priority.is_some() || filter.kind.is_some(),
    })
}

/// `hb alerts ack --json`.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Acknowledged {
    pub acknowledged: Vec<i64>,
}

/// `hb alerts outbox --json`.
#[derive(Debug, Serialize)]
pub struct Outbox {
    pub pending: i64,
    pub failed: i64,
    /// Rows listed without the limit (with `all`, delivered ones too).
    pub total: u64,
    pub rows: Vec<OutboxEntry>,
    /// Recipients a mail server refused for good; the others still get the alerts.
    pub rejected_recipients: Vec<RejectedRecipient>,
}

#[derive(Debug, Serialize)]
pub struct OutboxEntry {
    pub id: i64,
    pub channel: String,
    pub priority: Priority,
    pub kind: AlertKind,
    pub subject: String,
    pub dedup_key: String,
    pub status: OutboxStatus,
    pub attempts: i64,
    pub created_at: Option<String>,
    pub last_attempt_at: Option<String>,
    /// When a pending row is tried next (null once delivered or failed).
    pub next_attempt_at: Option<String>,
    pub delivered_at: Option<String>,
    pub last_error: Option<String>,
    #[serde(skip)]
    pub next_attempt_ts: Option<i64>,
}

impl From<OutboxRow> for OutboxEntry {
    fn from(r: OutboxRow) -> Self {
        let pending = r.status == OutboxStatus::Pending;
        OutboxEntry {
            id: r.id,
            channel: r.channel,
            priority: r.priority,
            kind: r.kind,
            subject: r.subject,
            dedup_key: r.dedup_key,
            status: r.status,
            attempts: r.attempts,
            created_at: format_opt(Some(r.created_at)),
            last_attempt_at: format_opt(r.last_attempt_at),
            next_attempt_at: format_opt(pending.then_some(r.next_attempt_at)),
            next_attempt_ts: pending.then_some(r.next_attempt_at),
            delivered_at: format_opt(r.delivered_at),
            last_error: r.last_error,
        }
    }
}

/// The outbox, newest first: undelivered rows (`all`: delivered ones too), at most `limit`.
pub fn outbox(store: &Store, all: bool, limit: Option<usize>) -> Result<Outbox> {
    let counts = store.outbox_counts()?;
    let rows = store.outbox_list(all, limit)?;
    Ok(Outbox {
        pending: counts.pending,
        failed: counts.failed,
        total: store.outbox_total(all)?,
        rows: rows.into_iter().map(OutboxEntry::from).collect(),
        rejected_recipients: store
            .outbox_rejections()?
            .into_iter()
            .map(RejectedRecipient::from)
            .collect(),
    })
}

/// A recipient a mail server refused for good, once per (channel, address).
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct RejectedRecipient {
    pub channel: String,
    pub recipient: String,
    /// The server's reply (redacted).
    pub reply: String,
    pub first_at: String,
    pub last_at: String,
}

impl From<RejectionRow> for RejectedRecipient {
    fn from(r: RejectionRow) -> Self {
        RejectedRecipient {
            channel: r.channel,
            recipient: r.recipient,
            reply: r.reply,
            first_at: clock::format_ts(r.first_at),
            last_at: clock::format_ts(r.last_at),
        }
    }
}

impl RejectedRecipient {
    /// `ops-email refuses gone@example.com since 2026-11-25T12:00:00Z: 550 5.1.1 no such user`
    pub fn line(&self) -> String {
        format!(
            "{} refuses {} since {}: {}",
            self.channel, self.recipient, self.first_at, self.reply
        )
    }
}

/// `hb alerts test CHANNEL --json`: what the channel's server answered.
#[derive(Debug, Serialize)]
pub struct ChannelTest {
    pub channel: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub ok: bool,
    /// What the server answered (SMTP code and text, HTTP status and body).
    pub answer: Option<String>,
    pub error: Option<String>,
}

impl ChannelTest {
    /// What sending a test message through `channel` gave.
    pub fn of(channel: &ChannelConfig, result: &Result<Accepted, Failure>) -> Self {
        ChannelTest {
            channel: channel.name.clone(),
            kind: channel.kind.type_name(),
            ok: result.is_ok(),
            answer: result.as_ref().ok().map(|a| a.answer.clone()),
            error: result.as_ref().err().map(|f| f.error.clone()),
        }
    }
}

/// `hb alerts send --json`: where an ad-hoc alert was queued, and its delivery.
#[derive(Debug, Serialize)]
pub struct Sent {
    pub queued: Vec<i64>,
    pub channels: Vec<String>,
    /// Null with --queue-only.
    pub delivery: Option<Delivery>,
}

impl Sent {
    /// An alert queued as `queued` for `channels`, and what delivering it did (None: only
    /// queued).
    pub fn new(queued: Vec<i64>, channels: Vec<String>, delivery: Option<&DeliveryReport>) -> Self {
        Sent {
            queued,
            channels,
            delivery: delivery.map(Delivery::from),
        }
    }
}

/// `hb alerts deliver --json`: what one delivery of the outbox did.
#[derive(Debug, Serialize)]
pub struct Delivery {
    pub delivered: usize,
    pub retrying: usize,
    pub gave_up: usize,
    pub channels: Vec<ChannelDelivery>,
    /// Channels left for the next run: the delivery budget had no room for them.
    pub deferred: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct ChannelDelivery {
    pub channel: String,
    pub alerts: usize,
    pub delivered: bool,
    /// Refused for good: marked failed, not retried.
    pub permanent: bool,
    pub answer: Option<String>,
    pub error: Option<String>,
    /// Recipients refused for good, with the server's reply.
    pub rejected: Vec<String>,
    pub next_attempt_at: Option<String>,
}

impl From<&DeliveryReport> for Delivery {
    fn from(r: &DeliveryReport) -> Self {
        Delivery {
            delivered: r.delivered(),
            retrying: r.retrying(),
            gave_up: r.gave_up,
            channels: r
                .channels
                .iter()
                .map(|c| ChannelDelivery {
                    channel: c.channel.clone(),
                    alerts: c.alerts,
                    delivered: c.delivered,
                    permanent: c.permanent,
                    answer: c.answer.clone(),
                    error: c.error.clone(),
                    rejected: c.rejected.clone(),
                    next_attempt_at: format_opt(c.next_attempt_at),
                })
                .collect(),
            deferred: r.deferred.clone(),
        }
    }
}

impl Delivery {
    /// Nothing was due: no channel tried, none given up or deferred.
    pub fn is_empty(&self) -> bool {
        self.channels.is_empty() && self.gave_up == 0 && self.deferred.is_empty()
    }
}
