//! Notification transitions become alerts in the outbox, inside the transaction of the
//! module that caused them, so a killed cycle never records a notice without its alert.
//!
//! No storms: a group of more than [`AGGREGATE_OVER`] notices of one kind and priority
//! for one channel in one cycle (the first cycle over a big portfolio) becomes one alert
//! to that channel that counts them and lists the first few. Grouping never changes where
//! an alert goes: notices are grouped per channel of their own route (a check's `route`,
//! else their priority's), so each channel hears of exactly the notices routed to it.

use std::collections::{BTreeMap, HashMap};

use anyhow::Result;

use super::system;
use crate::alert::{self, Alert, AlertKind, AlertsConfig, Priority};
use crate::store::{NotificationRow, Transitions, Tx};

pub const AGGREGATE_OVER: usize = 20;
const LISTED: usize = 10;

/// Notices fetched per query while planning: memory stays flat however many changed.
const CHUNK: usize = 500;

/// What a recovery alert says instead of the failure's own text: what recovered and how
/// long it failed (`system::recovery`), or that a check stopped flapping.
#[derive(Debug, Clone, PartialEq)]
pub struct Recovery {
    /// The whole subject: "Recovered: payments is ok again after 4 failed runs (2h 5m)".
    pub subject: String,
    pub message: String,
}

/// How a resolved notice is announced, by dedup key.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolution {
    Say(Recovery),
    /// Not at all: another notice says it (a check's failure, when it starts flapping).
    Quiet,
}

/// The subject of a recovery alert for a notice whose subject is `subject`.
fn recovery_subject(subject: &str) -> String {
    format!("Recovered: {subject}")
}

/// Queue the alerts for `transitions`. Resolved notices are announced only when
/// `recoveries` is given (checks that heal: yes; a portfolio finding that went away: no),
/// in its words where it has them. `routes` maps a notice's dedup key to a check's own
/// route.
pub fn enqueue_transitions(
    tx: &Tx<'_>,
    alerts: &AlertsConfig,
    transitions: &Transitions,
    recoveries: Option<&HashMap<String, Resolution>>,
    routes: &HashMap<String, Vec<String>>,
    now: i64,
) -> Result<usize> {
    let routed = Priority::ALL
        .iter()
        .any(|p| !alerts.routes.for_priority(*p).is_empty());
    if !routed && routes.is_empty() {
        // Nobody is told anything: do not even read the notices.
        return Ok(0);
    }
    let mut queued = 0;
    let mut batches = vec![
        (AlertKind::New, &transitions.new),
        (AlertKind::Renotify, &transitions.renotified),
    ];
    if recoveries.is_some() {
        batches.push((AlertKind::Recovery, &transitions.resolved));
    }
    for (kind, ids) in batches {
        let mut planner = Planner::default();
        for chunk in ids.chunks(CHUNK) {
            for mut row in tx.notifications_by_id(chunk)? {
                // A recovery tells what healed, not the failure it replaces.
                if kind == AlertKind::Recovery {
                    match recoveries.and_then(|texts| texts.get(&row.dedup_key)) {
                        Some(Resolution::Quiet) => continue,
                        Some(Resolution::Say(text)) => {
                            row.subject = text.subject.clone();
                            row.message = text.message.clone();
                        }
                        None => row.subject = recovery_subject(&row.subject),
                    }
                }
                let route = routes.get(&row.dedup_key).map(Vec::as_slice);
                let channels = alerts.routes.channels_for(row.priority, kind, route);
                planner.add(row, &channels);
            }
        }
        for (channel, alert) in planner.finish(kind, now) {
            queued += alert::enqueue_to(tx, &[channel.as_str()], &alert)?.len();
        }
    }
    Ok(queued)
}

/// Escalations go to the escalation route (and their priority's), once each.
pub fn enqueue_escalations(
    tx: &Tx<'_>,
    alerts: &AlertsConfig,
    ids: &[i64],
    now: i64,
) -> Result<usize> {
    let mut queued = 0;
    for row in tx.notifications_by_id(ids)? {
        let mut alert = Alert::new(
            Priority::Critical,
            AlertKind::Escalation,
            row.subject,
            row.message,
            row.dedup_key,
            now,
        );
        alert.notification_id = Some(row.id);
        alert.check = system::check_of(&alert.dedup_key).map(String::from);
        queued += alert::enqueue(tx, alerts, &alert, None)?.len();
    }
    Ok(queued)
}

/// Groups notices by (channel, priority, kind), keeping a count and only the rows it may
/// need: all of a small group, the first few of a big one.
#[derive(Default)]
pub struct Planner {
    /// Keyed by the kind's text: groups of one priority go out in its alphabetical order.
    groups: BTreeMap<(String, Priority, &'static str), (usize, Vec<NotificationRow>)>,
}

impl Planner {
    /// Count `row` for each of the channels its route names (none: nobody hears of it).
    pub fn add(&mut self, row: NotificationRow, channels: &[&str]) {
        for channel in channels {
            let key = (channel.to_string(), row.priority, row.kind.as_str());
            let (count, rows) = self.groups.entry(key).or_default();
            *count += 1;
            if rows.len() <= AGGREGATE_OVER {
                rows.push(row.clone());
            }
        }
    }

    /// For each channel: one alert per notice, or one per group when the group is large;
    /// most urgent first (digests list alerts in the order they were queued).
    pub fn finish(self, kind: AlertKind, now: i64) -> Vec<(String, Alert)> {
        let mut by_channel: BTreeMap<String, Vec<Alert>> = BTreeMap::new();
        for ((channel, priority, notice_kind), (count, rows)) in self.groups.into_iter().rev() {
            let out = by_channel.entry(channel).or_default();
            if count <= AGGREGATE_OVER {
                for row in rows {
                    // A recovery's subject was chosen with its words (`enqueue_transitions`).
                    let subject = match kind {
                        AlertKind::Renotify => format!("Still open: {}", row.subject),
                        _ => row.subject.clone(),
                    };
                    let mut alert =
                        Alert::new(priority, kind, subject, row.message, row.dedup_key, now);
                    alert.property_id = row.property_id;
                    alert.check = system::check_of(&alert.dedup_key).map(String::from);
                    alert.notification_id = Some(row.id);
                    out.push(alert);
                }
                continue;
            }
            let verb = match kind {
                AlertKind::Renotify => "still open",
                AlertKind::Recovery => "recovered",
                _ => "new",
            };
            let mut message: Vec<String> = rows
                .iter()
                .take(LISTED)
                .map(|row| format!("- {}", row.subject))
                .collect();
            message.push(format!(
                "... and {} more: `hb alerts --kind {notice_kind} --priority {}` lists them all.",
                count - LISTED,
                priority.as_str()
            ));
            out.push(Alert::new(
                priority,
                kind,
                format!("{count} {verb} {notice_kind} notifications"),
                message.join("\n"),
                format!("group:{notice_kind}:{}:{verb}", priority.as_str()),
                now,
            ));
        }
        by_channel
            .into_iter()
            .flat_map(|(channel, alerts)| alerts.into_iter().map(move |a| (channel.clone(), a)))
            .collect()
    }
}

/// Plan the alerts for a set of notices all at once.
#[cfg(test)]
pub fn plan(rows: &[NotificationRow], kind: AlertKind, now: i64) -> Vec<Alert> {
    let mut planner = Planner::default();
    for row in rows {
        planner.add(row.clone(), &["c"]);
    }
    planner
        .finish(kind, now)
        .into_iter()
        .map(|(_, a)| a)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notification::NotificationKind;

    fn row(id: i64, kind: &str, priority: &str) -> NotificationRow {
        NotificationRow {
            id,
            source: "portfolio".into(),
            dedup_key: format!("{kind}:{id}"),
            kind: NotificationKind::ALL
                .into_iter()
                .find(|k| k.as_str() == kind)
                .unwrap(),
            priority: priority.parse().unwrap(),
            subject: format!("subject {id}"),
            message: format!("message {id}"),
            property_id: Some(id),
            created_at: 0,
            notified_at: 0,
            notify_count: 1,
            acked_at: None,
            resolved_at: None,
        }
    }

    #[test]
    fn small_groups_alert_one_by_one_most_urgent_first() {
        let rows = vec![
            row(1, "stale_property", "medium"),
            row(2, "blocked_property", "high"),
        ];
        let alerts = plan(&rows, AlertKind::New, 100);
        assert_eq!(alerts.len(), 2);
        assert_eq!(alerts[0].notification_id, Some(2));
        assert_eq!(alerts[0].priority, Priority::High);
        assert_eq!(alerts[1].subject, "subject 1");
    }

    #[test]
    fn big_groups_collapse_into_one_alert() {
        let rows: Vec<_> = (1..=500)
            .map(|i| row(i, "stale_property", "medium"))
            .collect();
        let alerts = plan(&rows, AlertKind::New, 100);
        assert_eq!(alerts.len(), 1);
        assert_eq!(alerts[0].subject, "500 new stale_property notifications");
        assert!(
            alerts[0].message.contains("and 490 more"),
            "{}",
            alerts[0].message
        );
        assert_eq!(alerts[0].message.lines().count(), 11);
    }

    #[test]
    fn renotify_and_recovery_say_so() {
        let rows = vec![row(1, "check_failed", "critical")];
        assert_eq!(
            plan(&rows, AlertKind::Renotify, 0)[0].subject,
            "Still open: subject 1"
        );
        assert_eq!(recovery_subject("subject 1"), "Recovered: subject 1");
        // A recovery keeps the subject it was given (its own words, or the line above).
        assert_eq!(plan(&rows, AlertKind::Recovery, 0)[0].subject, "subject 1");
    }
}
