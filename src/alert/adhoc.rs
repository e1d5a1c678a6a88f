//! Alerts sent by hand: a test message straight to one channel (`hb alerts test`), and an
//! ad-hoc alert through the routes and the outbox (`hb alerts send`).

use anyhow::Result;

use super::channels::{self, Accepted, Failure, SendContext};
use super::config::ChannelConfig;
use super::{enqueue, Alert, AlertKind, AlertsConfig, Priority};
use crate::exit::HbError;
use crate::store::Store;

/// A channel name the config does not declare (`HbError::NotFound`), naming the ones it does.
pub fn unknown_channel(alerts: &AlertsConfig, name: &str) -> HbError {
    let declared: Vec<&str> = alerts.channels().iter().map(|c| c.name.as_str()).collect();
    let known = if declared.is_empty() {
        "no channels are declared: add [[alerts.channel]] to heartbeat.toml".to_string()
    } else {
        format!("declared: {}", declared.join(", "))
    };
    HbError::NotFound(format!("no alert channel named `{name}` ({known})"))
}

/// Send a test message straight to the channel `name` (not through the outbox: the point
/// is to see the server's answer now).
pub fn test<'a>(
    alerts: &'a AlertsConfig,
    name: &str,
    now: i64,
) -> Result<(&'a ChannelConfig, Result<Accepted, Failure>)> {
    let channel = alerts
        .channel(name)
        .ok_or_else(|| unknown_channel(alerts, name))?;
    let redactor = alerts.redactor();
    let cx = SendContext::new(alerts, &redactor, now);
    let result = channels::send(channel, &[(None, Alert::test(name, now))], &cx);
    Ok((channel, result))
}

/// What an ad-hoc alert says and where it may go.
#[derive(Debug, Clone)]
pub struct Request {
    pub priority: Priority,
    /// Also tell the escalation route.
    pub escalate: bool,
    pub subject: String,
    pub message: String,
    /// Identifies the condition for receivers that deduplicate (default `adhoc:SUBJECT`).
    pub key: Option<String>,
    /// Instead of the route (empty: the route).
    pub channels: Vec<String>,
    pub property_id: Option<i64>,
}

/// An ad-hoc alert checked and routed, ready to queue.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub alert: Alert,
    /// The channels it goes to.
    pub channels: Vec<String>,
    route_override: Vec<String>,
}

/// Check and route `request` at `now`. A mistake is a usage error: an empty subject, a
/// channel that is not declared, a priority no channel is routed for.
pub fn prepare(alerts: &AlertsConfig, request: Request, now: i64) -> Result<Prepared> {
    let subject = request.subject.trim();
    if subject.is_empty() {
        return Err(HbError::Usage("--subject must not be empty".into()).into());
    }
    for name in &request.channels {
        if alerts.channel(name).is_none() {
            return Err(HbError::Usage(unknown_channel(alerts, name).to_string()).into());
        }
    }
    let kind = if request.escalate {
        AlertKind::Escalation
    } else {
        AlertKind::New
    };
    let priority = request.priority;
    let route_override = (!request.channels.is_empty()).then_some(request.channels.as_slice());
    let channels: Vec<String> = alerts
        .routes
        .channels_for(priority, kind, route_override)
        .into_iter()
        .map(String::from)
        .collect();
    if channels.is_empty() {
        return Err(HbError::Usage(format!(
            "no channel is routed for priority {priority}: add `{priority} = [\"CHANNEL\"]` to \
             [alerts.routes] in heartbeat.toml, or pass --channel NAME"
        ))
        .into());
    }
    let key = request.key.unwrap_or_else(|| format!("adhoc:{subject}"));
    let mut alert = Alert::new(priority, kind, subject, request.message, key, now);
    alert.property_id = request.property_id;
    Ok(Prepared {
        alert,
        channels,
        route_override: request.channels,
    })
}

impl Prepared {
    /// Queue it in the outbox, one row per channel; their ids.
    pub fn queue(&self, store: &mut Store, alerts: &AlertsConfig) -> Result<Vec<i64>> {
        let route_override =
            (!self.route_override.is_empty()).then_some(self.route_override.as_slice());
        store.transaction(|tx| enqueue(tx, alerts, &self.alert, route_override))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alerts() -> AlertsConfig {
        crate::config::parse(
            r#"
[[alerts.channel]]
name = "hook"
type = "webhook"
url = "http://127.0.0.1:9/hook"

[[alerts.channel]]
name = "pager"
type = "webhook"
url = "http://127.0.0.1:9/pager"

[alerts.routes]
high = ["hook"]
"#,
        )
        .expect("test config parses")
        .alerts
    }

    fn request(priority: Priority, subject: &str) -> Request {
        Request {
            priority,
            escalate: false,
            subject: subject.into(),
            message: "details".into(),
            key: None,
            channels: Vec::new(),
            property_id: Some(5),
        }
    }

    #[test]
    fn an_adhoc_alert_goes_by_its_route_and_is_keyed_by_its_subject() {
        let prepared =
            prepare(&alerts(), request(Priority::High, "  Disk full "), 100).expect("routed");
        assert_eq!(prepared.channels, ["hook"]);
        assert_eq!(prepared.alert.subject, "Disk full");
        assert_eq!(prepared.alert.dedup_key, "adhoc:Disk full");
        assert_eq!(prepared.alert.kind, AlertKind::New);
        assert_eq!(prepared.alert.property_id, Some(5));

        let mut direct = request(Priority::Low, "x");
        direct.channels = vec!["pager".into()];
        direct.escalate = true;
        let prepared = prepare(&alerts(), direct, 100).expect("sent where asked");
        assert_eq!(prepared.channels, ["pager"]);
        assert_eq!(prepared.alert.kind, AlertKind::Escalation);
    }

    #[test]
    fn mistakes_are_usage_errors_that_say_what_to_do() {
        let usage = |request: Request| {
            let err = prepare(&alerts(), request, 100).expect_err("refused");
            assert_eq!(crate::exit::code_for(&err), crate::exit::USAGE);
            err.to_string()
        };
        assert_eq!(
            usage(request(Priority::High, "  ")),
            "--subject must not be empty"
        );
        let mut unknown = request(Priority::High, "x");
        unknown.channels = vec!["sms".into()];
        assert_eq!(
            usage(unknown),
            "no alert channel named `sms` (declared: hook, pager)"
        );
        assert!(usage(request(Priority::Low, "x"))
            .starts_with("no channel is routed for priority low: add `low = [\"CHANNEL\"]`"));
    }
}
