//! How alerts read: one message per channel per delivery, however many alerts are due.
//!
//! Pure functions from alerts to text or JSON: thirty alerts in one cycle become one
//! email ("hb: 30 alerts (3 critical, 12 high, 15 low)"), one Discord message (ten
//! embeds, then a summary line) and one webhook POST, never thirty.

use std::cmp::Reverse;

use serde::Serialize;
use serde_json::{json, Value};

use super::{Alert, AlertKind, Priority};
use crate::clock;

/// Discord's limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits).
pub const DISCORD_MAX_EMBEDS: usize = 10;
pub const DISCORD_TITLE_MAX: usize = 256;
pub const DISCORD_DESCRIPTION_MAX: usize = 4096;
pub const DISCORD_FOOTER_MAX: usize = 2048;
pub const DISCORD_EMBEDS_TOTAL_MAX: usize = 6000;
pub const DISCORD_CONTENT_MAX: usize = 2000;

/// A digest lists each alert's message up to this length; the rest is in `hb alerts`.
const DIGEST_MESSAGE_MAX: usize = 2000;

/// The order of a digest: problems before recoveries, most urgent first, then oldest.
pub fn sort_key(a: &Alert) -> (bool, Reverse<Priority>, i64, String) {
    (
        a.kind == AlertKind::Recovery,
        Reverse(a.priority),
        a.created_at,
        a.dedup_key.clone(),
    )
}

/// One line naming an alert: `[critical] API down`, `[resolved] API down`.
pub fn headline(alert: &Alert) -> String {
    let subject = one_line(&alert.subject);
    match alert.kind {
        AlertKind::New => format!("[{}] {subject}", alert.priority),
        AlertKind::Renotify => format!("[{}] {subject} (still open)", alert.priority),
        AlertKind::Recovery => format!("[resolved] {subject}"),
        AlertKind::Escalation => format!("[{}, escalated] {subject}", alert.priority),
        AlertKind::Test => format!("[test] {subject}"),
        AlertKind::Brief => format!("[brief] {subject}"),
    }
}

/// `hb: 30 alerts (3 critical, 12 high, 15 low)`, or the headline of a single alert.
pub fn summary(alerts: &[Alert]) -> String {
    match alerts {
        [] => "hb: no alerts".to_string(),
        [one] => format!("hb: {}", headline(one)),
        many => format!("hb: {} alerts ({})", many.len(), counts(many)),
    }
}

/// `3 critical, 12 high, 2 resolved`: problems by priority, highest first; recoveries.
pub fn counts(alerts: &[Alert]) -> String {
    let mut parts = Vec::new();
    for priority in Priority::ALL.into_iter().rev() {
        let n = alerts
            .iter()
            .filter(|a| a.kind != AlertKind::Recovery && a.priority == priority)
            .count();
        if n > 0 {
            parts.push(format!("{n} {priority}"));
        }
    }
    let resolved = alerts
        .iter()
        .filter(|a| a.kind == AlertKind::Recovery)
        .count();
    if resolved > 0 {
        parts.push(format!("{resolved} resolved"));
    }
    parts.join(", ")
}

pub fn email_subject(alerts: &[Alert]) -> String {
    summary(alerts)
}

/// The plain-text body of an email.
pub fn email_body(alerts: &[Alert]) -> String {
    let mut out = body_text(alerts);
    out.push_str(
        "\n-- \nSent by hb. Open notifications: hb alerts; undelivered alerts: hb alerts outbox.\n",
    );
    out
}

/// The stderr channel: the body, its first line marked as hb's.
pub fn plain_text(alerts: &[Alert]) -> String {
    format!("hb: {}", body_text(alerts))
}

fn body_text(alerts: &[Alert]) -> String {
    let mut out = String::new();
    match alerts {
        [] => {}
        [one] => {
            out.push_str(&headline(one));
            out.push_str("\n\n");
            if !one.message.trim().is_empty() {
                out.push_str(one.message.trim_end());
                out.push_str("\n\n");
            }
            out.push_str(&format!("priority: {}\nkind: {}\n", one.priority, one.kind));
            if let Some(check) = &one.check {
                out.push_str(&format!("check: {check}\n"));
            }
            if let Some(id) = one.property_id {
                out.push_str(&format!("property: {id}\n"));
            }
            out.push_str(&format!(
                "key: {}\nat: {}\n",
                one.dedup_key,
                clock::format_ts(one.created_at)
            ));
        }
        many => {
            out.push_str(&format!(
                "{} alerts ({}), most urgent first.\n",
                many.len(),
                counts(many)
            ));
            for (n, alert) in many.iter().enumerate() {
                out.push_str(&format!("\n{}. {}\n", n + 1, headline(alert)));
                let message = truncate(alert.message.trim(), DIGEST_MESSAGE_MAX);
                for line in message.lines() {
                    out.push_str(&format!("   {line}\n"));
                }
                out.push_str(&format!("   {}\n", context_line(alert)));
            }
        }
    }
    out
}

/// `check api · property 5 · key check:api · 2026-11-25T12:00:00Z`
fn context_line(alert: &Alert) -> String {
    let mut parts = Vec::new();
    if let Some(check) = &alert.check {
        parts.push(format!("check {check}"));
    }
    if let Some(id) = alert.property_id {
        parts.push(format!("property {id}"));
    }
    parts.push(format!("key {}", alert.dedup_key));
    parts.push(clock::format_ts(alert.created_at));
    parts.join(" · ")
}

/// Embed colours: red, orange, yellow, grey by priority; green for a recovery, blue for
/// a test or the daily brief.
pub fn color(alert: &Alert) -> u32 {
    match alert.kind {
        AlertKind::Recovery => 0x2E_CC_71,
        AlertKind::Test | AlertKind::Brief => 0x34_98_DB,
        _ => match alert.priority {
            Priority::Critical => 0xE7_4C_3C,
            Priority::High => 0xE6_7E_22,
            Priority::Medium => 0xF1_C4_0F,
            Priority::Low => 0x95_A5_A6,
        },
    }
}

/// One Discord webhook message for the alerts (sorted already): an embed per alert up
/// to ten, within the 6000-character total, and a summary line for a digest that says
/// how many were not shown.
pub fn discord_payload(alerts: &[Alert]) -> Value {
    let shown = alerts.len().min(DISCORD_MAX_EMBEDS);
    // Each embed gets an equal share of the total, so one long message can't crowd
    // out the others.
    let share = DISCORD_EMBEDS_TOTAL_MAX / shown.max(1);
    let mut embeds = Vec::with_capacity(shown);
    let mut used = 0;
    for alert in &alerts[..shown] {
        let title = truncate(&headline(alert), DISCORD_TITLE_MAX.min(share / 2));
        let footer = truncate(&context_line(alert), DISCORD_FOOTER_MAX.min(share / 4));
        let room = share
            .saturating_sub(len(&title) + len(&footer))
            .min(DISCORD_DESCRIPTION_MAX);
        let description = truncate(alert.message.trim(), room);
        used += len(&title) + len(&footer) + len(&description);
        embeds.push(json!({
            "title": title,
            "description": description,
            "color": color(alert),
            "timestamp": clock::format_ts(alert.created_at),
            "footer": { "text": footer },
        }));
    }
    debug_assert!(used <= DISCORD_EMBEDS_TOTAL_MAX);
    let mut payload = json!({
        "username": "hb",
        "embeds": embeds,
        // Alert text is data: it must never ping @everyone or a role.
        "allowed_mentions": { "parse": [] },
    });
    if alerts.len() > 1 {
        let mut content = summary(alerts);
        if alerts.len() > shown {
            let rest = &alerts[shown..];
            content.push_str(&format!(
                "\nShowing the {shown} most urgent; {} more not shown ({}). See `hb alerts`.",
                rest.len(),
                counts(rest)
            ));
        }
        payload["content"] = Value::String(truncate(&content, DISCORD_CONTENT_MAX));
    }
    payload
}

/// The documented JSON document of the webhook channel.
#[derive(Debug, Serialize)]
pub struct WebhookPayload<'a> {
    /// Always "hb".
    pub source: &'static str,
    /// Bumped on an incompatible change of this document.
    pub version: u32,
    pub channel: &'a str,
    pub sent_at: String,
    pub summary: String,
    pub alerts: Vec<WebhookAlert<'a>>,
}

#[derive(Debug, Serialize)]
pub struct WebhookAlert<'a> {
    /// The outbox id: the same on every retry, so a receiver can drop duplicates.
    pub id: Option<i64>,
    pub priority: Priority,
    pub kind: AlertKind,
    pub subject: &'a str,
    pub message: &'a str,
    pub dedup_key: &'a str,
    pub created_at: String,
    pub property_id: Option<i64>,
    pub check: Option<&'a str>,
    pub notification_id: Option<i64>,
}

pub fn webhook_payload<'a>(
    channel: &'a str,
    alerts: &'a [(Option<i64>, Alert)],
    sent_at: i64,
) -> WebhookPayload<'a> {
    let plain: Vec<Alert> = alerts.iter().map(|(_, a)| a.clone()).collect();
    WebhookPayload {
        source: "hb",
        version: 1,
        channel,
        sent_at: clock::format_ts(sent_at),
        summary: summary(&plain),
        alerts: alerts
            .iter()
            .map(|(id, a)| WebhookAlert {
                id: *id,
                priority: a.priority,
                kind: a.kind,
                subject: &a.subject,
                message: &a.message,
                dedup_key: &a.dedup_key,
                created_at: clock::format_ts(a.created_at),
                property_id: a.property_id,
                check: a.check.as_deref(),
                notification_id: a.notification_id,
            })
            .collect(),
    }
}

/// Length as Discord counts it (UTF-16 code units, never fewer than chars).
fn len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// At most `max` UTF-16 units, ending in `…` when cut.
pub fn truncate(s: &str, max: usize) -> String {
    if len(s) <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        if used + c.len_utf16() > max - 1 {
            break;
        }
        used += c.len_utf16();
        out.push(c);
    }
    out.push('…');
    out
}

/// Subjects and titles are one line.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert(priority: Priority, kind: AlertKind, n: i64) -> Alert {
        let mut a = Alert::new(
            priority,
            kind,
            format!("alert {n}"),
            format!("message {n}\nsecond line"),
            format!("key:{n}"),
            1_800_000_000 + n,
        );
        a.check = Some(format!("check-{n}"));
        a
    }

    fn thirty() -> Vec<Alert> {
        let mut alerts: Vec<Alert> = (0..30)
            .map(|n| {
                let p = match n % 10 {
                    0..=2 => Priority::Critical,
                    3..=6 => Priority::High,
                    _ => Priority::Low,
                };
                alert(p, AlertKind::New, n)
            })
            .collect();
        alerts.sort_by_key(sort_key);
        alerts
    }

    #[test]
    fn headlines_by_kind() {
        assert_eq!(
            headline(&alert(Priority::High, AlertKind::New, 1)),
            "[high] alert 1"
        );
        assert_eq!(
            headline(&alert(Priority::High, AlertKind::Recovery, 1)),
            "[resolved] alert 1"
        );
        assert_eq!(
            headline(&alert(Priority::Critical, AlertKind::Escalation, 1)),
            "[critical, escalated] alert 1"
        );
        assert_eq!(
            headline(&alert(Priority::Low, AlertKind::Renotify, 1)),
            "[low] alert 1 (still open)"
        );
        let mut a = alert(Priority::Low, AlertKind::New, 1);
        a.subject = "two\nlines".into();
        assert_eq!(headline(&a), "[low] two lines");
    }

    #[test]
    fn sort_puts_urgent_first_and_recoveries_last() {
        let mut alerts = [
            alert(Priority::Critical, AlertKind::Recovery, 1),
            alert(Priority::Low, AlertKind::New, 2),
            alert(Priority::Critical, AlertKind::New, 3),
            alert(Priority::Critical, AlertKind::New, 0),
        ];
        alerts.sort_by_key(sort_key);
        let keys: Vec<&str> = alerts.iter().map(|a| a.dedup_key.as_str()).collect();
        assert_eq!(keys, ["key:0", "key:3", "key:2", "key:1"]);
    }

    #[test]
    fn digest_subject_counts_priorities() {
        let alerts = thirty();
        assert_eq!(
            email_subject(&alerts),
            "hb: 30 alerts (9 critical, 12 high, 9 low)"
        );
        let mut with_recovery = alerts.clone();
        with_recovery.push(alert(Priority::High, AlertKind::Recovery, 99));
        assert!(email_subject(&with_recovery).ends_with("9 low, 1 resolved)"));
        assert_eq!(email_subject(&alerts[..1]), "hb: [critical] alert 0");
    }

    #[test]
    fn digest_body_lists_every_alert() {
        let alerts = thirty();
        let body = email_body(&alerts);
        assert!(body.starts_with("30 alerts (9 critical, 12 high, 9 low), most urgent first.\n"));
        for a in &alerts {
            assert!(body.contains(&headline(a)), "{body}");
        }
        assert!(body.contains("\n1. [critical] alert 0\n   message 0\n   second line\n   check check-0 · key key:0 · "));
        assert!(body.contains("\n30. [low] alert 29\n"));
    }

    #[test]
    fn single_alert_body_has_details() {
        let mut a = alert(Priority::Critical, AlertKind::New, 7);
        a.property_id = Some(5);
        let body = email_body(&[a]);
        assert!(body.starts_with("[critical] alert 7\n\nmessage 7\nsecond line\n\npriority: critical\nkind: new\ncheck: check-7\nproperty: 5\nkey: key:7\nat: 2027-01-15T08:00:07Z\n"), "{body}");
    }

    #[test]
    fn discord_digest_has_ten_embeds_and_a_summary() {
        let alerts = thirty();
        let payload = discord_payload(&alerts);
        let embeds = payload["embeds"].as_array().unwrap();
        assert_eq!(embeds.len(), 10);
        assert_eq!(embeds[0]["title"], "[critical] alert 0");
        assert_eq!(embeds[0]["color"], 0xE74C3C);
        assert_eq!(embeds[9]["color"], 0xE67E22);
        let content = payload["content"].as_str().unwrap();
        assert!(
            content.starts_with("hb: 30 alerts (9 critical, 12 high, 9 low)"),
            "{content}"
        );
        assert!(
            content.contains("20 more not shown (11 high, 9 low)"),
            "{content}"
        );
        assert_eq!(payload["allowed_mentions"]["parse"], json!([]));
    }

    #[test]
    fn discord_single_alert_has_no_content() {
        let payload = discord_payload(&[alert(Priority::Low, AlertKind::Recovery, 1)]);
        assert!(payload.get("content").is_none());
        assert_eq!(payload["embeds"][0]["color"], 0x2ECC71);
    }

    #[test]
    fn discord_respects_length_limits() {
        let huge = "x".repeat(10_000);
        let mut alerts: Vec<Alert> = (0..12)
            .map(|n| {
                let mut a = alert(Priority::High, AlertKind::New, n);
                a.subject = format!("{n}{huge}");
                a.message = huge.clone();
                a
            })
            .collect();
        alerts.sort_by_key(sort_key);
        let payload = discord_payload(&alerts);
        let embeds = payload["embeds"].as_array().unwrap();
        let mut total = 0;
        for e in embeds {
            let title = e["title"].as_str().unwrap();
            let description = e["description"].as_str().unwrap();
            let footer = e["footer"]["text"].as_str().unwrap();
            assert!(len(title) <= DISCORD_TITLE_MAX);
            assert!(len(description) <= DISCORD_DESCRIPTION_MAX);
            total += len(title) + len(description) + len(footer);
        }
        assert!(total <= DISCORD_EMBEDS_TOTAL_MAX, "{total}");
        // One alert alone gets the full description.
        let one = discord_payload(&alerts[..1]);
        let description = one["embeds"][0]["description"].as_str().unwrap();
        assert_eq!(len(description), DISCORD_DESCRIPTION_MAX);
        assert!(description.ends_with('…'));
        assert_eq!(
            len(one["embeds"][0]["title"].as_str().unwrap()),
            DISCORD_TITLE_MAX
        );
    }

    #[test]
    fn truncate_counts_utf16() {
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("abcd", 3), "ab…");
        assert_eq!(truncate("😀😀😀", 4), "😀…");
        assert_eq!(truncate("abc", 0), "");
    }

    #[test]
    fn webhook_payload_shape() {
        let alerts = vec![(Some(17), alert(Priority::Critical, AlertKind::New, 1))];
        let doc = serde_json::to_value(webhook_payload("hook", &alerts, 1_800_000_000)).unwrap();
        assert_eq!(
            doc,
            json!({
                "source": "hb",
                "version": 1,
                "channel": "hook",
                "sent_at": "2027-01-15T08:00:00Z",
                "summary": "hb: [critical] alert 1",
                "alerts": [{
                    "id": 17,
                    "priority": "critical",
                    "kind": "new",
                    "subject": "alert 1",
                    "message": "message 1\nsecond line",
                    "dedup_key": "key:1",
                    "created_at": "2027-01-15T08:00:01Z",
                    "property_id": null,
                    "check": "check-1",
                    "notification_id": null,
                }]
            })
        );
    }
}
