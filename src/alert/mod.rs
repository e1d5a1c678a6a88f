//! Alerts: what one is, where it goes (routes), how it is worded (digest), how it is
//! sent (channels) and how it survives outages (outbox).
//!
//! The types and routing here are pure; the channels do I/O, and `outbox` is the
//! delivery loop over the store's outbox rows.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub mod adhoc;
pub mod channels;
pub mod config;
pub mod digest;
pub mod outbox;
pub mod secret;

pub use config::AlertsConfig;
pub use outbox::{deliver_pending, enqueue, enqueue_to, DeliveryReport};

/// How urgent an alert is; routes are keyed by it. Ordered: `Low < Critical`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    Low,
    Medium,
    High,
    Critical,
}

impl Priority {
    pub const ALL: [Priority; 4] = [
        Priority::Low,
        Priority::Medium,
        Priority::High,
        Priority::Critical,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Medium => "medium",
            Priority::High => "high",
            Priority::Critical => "critical",
        }
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Priority {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Priority::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                format!("unknown priority {s:?}: expected low, medium, high or critical")
            })
    }
}

/// Why an alert is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AlertKind {
    /// A condition was found for the first time.
    New,
    /// A condition is still there after `renotify_after`.
    Renotify,
    /// A condition that was alerted on has healed.
    Recovery,
    /// A condition failed long enough to tell the escalation route too.
    Escalation,
    /// `hb alerts test`: proves a channel works.
    Test,
}

impl AlertKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::New => "new",
            AlertKind::Renotify => "renotify",
            AlertKind::Recovery => "recovery",
            AlertKind::Escalation => "escalation",
            AlertKind::Test => "test",
        }
    }
}

impl fmt::Display for AlertKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One alert, as it is stored in the outbox (JSON) and handed to the channels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    pub priority: Priority,
    pub kind: AlertKind,
    /// One line: what happened ("API health check failing").
    pub subject: String,
    /// Detail, possibly several lines.
    pub message: String,
    /// Identifies the condition across cycles (`check:api`, `stale:property:5`).
    pub dedup_key: String,
    /// When this alert was raised (the cycle's clock), not when its condition began:
    /// `give_up_after` counts from here. Unix seconds.
    pub created_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub property_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<String>,
    /// The `notifications` row this alert tells about, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notification_id: Option<i64>,
}

impl Alert {
    pub fn new(
        priority: Priority,
        kind: AlertKind,
        subject: impl Into<String>,
        message: impl Into<String>,
        dedup_key: impl Into<String>,
        created_at: i64,
    ) -> Self {
        Alert {
            priority,
            kind,
            subject: subject.into(),
            message: message.into(),
            dedup_key: dedup_key.into(),
            created_at,
            property_id: None,
            check: None,
            notification_id: None,
        }
    }

    /// The message `hb alerts test CHANNEL` sends.
    pub fn test(channel: &str, now: i64) -> Self {
        Alert::new(
            Priority::Low,
            AlertKind::Test,
            format!("test message for channel {channel}"),
            format!(
                "This is a test from hb. If you can read it, the channel `{channel}` works \
                 and alerts routed to it will arrive."
            ),
            format!("test:{channel}"),
            now,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priorities_order_and_parse() {
        assert!(Priority::Low < Priority::Critical);
        assert_eq!("HIGH".parse::<Priority>(), Ok(Priority::High));
        assert!("urgent".parse::<Priority>().is_err());
    }

    #[test]
    fn alert_json_round_trips_and_omits_empty_options() {
        let alert = Alert::new(Priority::High, AlertKind::New, "s", "m", "k", 5);
        let json = serde_json::to_string(&alert).unwrap();
        assert!(!json.contains("property_id"), "{json}");
        assert_eq!(serde_json::from_str::<Alert>(&json).unwrap(), alert);
    }
}
