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
    schemars::JsonSchema,
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

/// An open notification, as the decision about it needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenNotice {
    /// When it was last notified (unix seconds).
    pub notified_at: i64,
    pub acknowledged: bool,
    pub priority: Priority,
}

/// What to do with a condition's notification this pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Found, and nothing open for it: notify.
    New,
    /// Found again, and due: notify again (and record the finding's priority and words).
    Renotify,
    /// Open, and no longer found: it healed.
    Resolve,
    /// Leave it as it is.
    Nothing,
}

/// The notification rule, for a condition `found` this pass (with its priority) or not,
/// and its `open` notice if it has one: a new finding is notified; a persisting one is
/// re-notified once `renotify_after` seconds have passed since its last notice, never
/// while acknowledged, and at once when it got worse (a higher priority); one that
/// disappeared is resolved.
pub fn decide(
    found: Option<Priority>,
    open: Option<&OpenNotice>,
    now: i64,
    renotify_after: i64,
) -> Decision {
    match (found, open) {
        (Some(_), None) => Decision::New,
        (None, Some(_)) => Decision::Resolve,
        (None, None) => Decision::Nothing,
        (Some(priority), Some(open)) => {
            let due = !open.acknowledged && open.notified_at <= now.saturating_sub(renotify_after);
            if due || priority > open.priority {
                Decision::Renotify
            } else {
                Decision::Nothing
            }
        }
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
    /// The daily brief (`[brief]`): a digest of what needs attention, once a day.
    Brief,
}

impl AlertKind {
    pub const ALL: [AlertKind; 6] = [
        AlertKind::New,
        AlertKind::Renotify,
        AlertKind::Recovery,
        AlertKind::Escalation,
        AlertKind::Test,
        AlertKind::Brief,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::New => "new",
            AlertKind::Renotify => "renotify",
            AlertKind::Recovery => "recovery",
            AlertKind::Escalation => "escalation",
            AlertKind::Test => "test",
            AlertKind::Brief => "brief",
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

    fn open(notified_at: i64, acknowledged: bool, priority: Priority) -> OpenNotice {
        OpenNotice {
            notified_at,
            acknowledged,
            priority,
        }
    }

    #[test]
    fn decide_new_renotify_resolve_or_nothing() {
        const DAY: i64 = 86_400;
        let now = 10 * DAY;
        let medium = Some(Priority::Medium);
        assert_eq!(decide(medium, None, now, DAY), Decision::New);
        assert_eq!(decide(None, None, now, DAY), Decision::Nothing);
        let fresh = open(now - 60, false, Priority::Medium);
        assert_eq!(decide(None, Some(&fresh), now, DAY), Decision::Resolve);
        // Persisting: quiet until renotify_after has passed since the last notice.
        assert_eq!(decide(medium, Some(&fresh), now, DAY), Decision::Nothing);
        let day_old = open(now - DAY, false, Priority::Medium);
        assert_eq!(decide(medium, Some(&day_old), now, DAY), Decision::Renotify);
        // Acknowledged: never re-notified on the timer...
        let acked = open(now - 30 * DAY, true, Priority::Medium);
        assert_eq!(decide(medium, Some(&acked), now, DAY), Decision::Nothing);
        // ...but worse news is told at once, acknowledged or not.
        assert_eq!(
            decide(Some(Priority::High), Some(&acked), now, DAY),
            Decision::Renotify
        );
        assert_eq!(
            decide(Some(Priority::Critical), Some(&fresh), now, DAY),
            Decision::Renotify
        );
        // Better news waits for the timer like any other.
        assert_eq!(
            decide(Some(Priority::Low), Some(&fresh), now, DAY),
            Decision::Nothing
        );
        // A never-renotify interval does not overflow.
        assert_eq!(
            decide(medium, Some(&day_old), now, i64::MAX),
            Decision::Nothing
        );
    }

    #[test]
    fn alert_json_round_trips_and_omits_empty_options() {
        let alert = Alert::new(Priority::High, AlertKind::New, "s", "m", "k", 5);
        let json = serde_json::to_string(&alert).unwrap();
        assert!(!json.contains("property_id"), "{json}");
        assert_eq!(serde_json::from_str::<Alert>(&json).unwrap(), alert);
    }
}
