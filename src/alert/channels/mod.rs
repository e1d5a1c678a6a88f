//! The channels: one send of one message (a digest of the alerts given) per call.
//!
//! A send returns what the server answered (SMTP code and text, HTTP status and a
//! snippet of the body) or why it failed. Every text that leaves here has been through
//! the `Redactor`, so no caller can print or store a secret by accident.

use std::path::Path;
use std::time::Duration;

use super::config::{ChannelConfig, ChannelKind, UrlSource};
use super::secret::Redactor;
use super::{digest, Alert, AlertsConfig};

mod discord;
mod email;
mod http;
mod stderr;
mod webhook;

/// What one send needs besides the channel and the alerts.
#[derive(Debug, Clone, Copy)]
pub struct SendContext<'a> {
    /// Directory of the config file: relative secret files are read from there.
    pub base_dir: Option<&'a Path>,
    pub redactor: &'a Redactor,
    /// The clock's instant, for `sent_at` in payloads.
    pub now: i64,
    /// The longest a send waits out a rate limit (429) before giving up for this run.
    pub max_rate_limit_wait: Duration,
}

/// A message the server accepted, and its answer (redacted).
#[derive(Debug, Clone, PartialEq)]
pub struct Accepted {
    pub answer: String,
}

/// Why a send failed (redacted), and how long the server asked us to wait, if it did.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub error: String,
    pub retry_after: Option<Duration>,
}

/// A channel's own error before redaction.
#[derive(Debug)]
struct ChannelError {
    message: String,
    retry_after: Option<Duration>,
}

impl From<anyhow::Error> for ChannelError {
    fn from(err: anyhow::Error) -> Self {
        ChannelError {
            message: format!("{err:#}"),
            retry_after: None,
        }
    }
}

impl ChannelError {
    fn new(message: impl Into<String>) -> Self {
        ChannelError {
            message: message.into(),
            retry_after: None,
        }
    }
}

/// Send `alerts` (each with its outbox id, `None` for a test) to `channel` as one message.
pub fn send(
    channel: &ChannelConfig,
    alerts: &[(Option<i64>, Alert)],
    cx: &SendContext<'_>,
) -> Result<Accepted, Failure> {
    let mut sorted = alerts.to_vec();
    sorted.sort_by_key(|(_, a)| digest::sort_key(a));
    let plain: Vec<Alert> = sorted.iter().map(|(_, a)| a.clone()).collect();
    let result = match &channel.kind {
        ChannelKind::Email(cfg) => email::send(cfg, channel.timeout, &plain, cx),
        ChannelKind::Discord(cfg) => discord::send(cfg, channel.timeout, &plain, cx),
        ChannelKind::Webhook(cfg) => {
            webhook::send(&channel.name, cfg, channel.timeout, &sorted, cx)
        }
        ChannelKind::Stderr => stderr::send(&plain),
    };
    match result {
        Ok(answer) => Ok(Accepted {
            answer: cx.redactor.redact(&answer),
        }),
        Err(err) => Err(Failure {
            error: cx.redactor.redact(&err.message),
            retry_after: err.retry_after,
        }),
    }
}

/// A redactor that knows every secret the configured channels can resolve now. Built
/// once per command, before anything is sent or printed.
pub fn redactor(alerts: &AlertsConfig) -> Redactor {
    let mut redactor = Redactor::new();
    let base = alerts.base_dir.as_deref();
    for channel in alerts.channels() {
        let sources = match &channel.kind {
            ChannelKind::Email(cfg) => cfg.password.iter().collect::<Vec<_>>(),
            ChannelKind::Discord(cfg) => vec![&cfg.webhook_url],
            ChannelKind::Webhook(cfg) => {
                let mut v: Vec<_> = cfg.secret.iter().collect();
                if let UrlSource::Secret(source) = &cfg.url {
                    v.push(source);
                }
                v
            }
            ChannelKind::Stderr => Vec::new(),
        };
        for source in sources {
            // A secret that can't be read now can't leak either; its send will say why.
            if let Ok(secret) = source.resolve(base) {
                redactor.add(&secret);
            }
        }
    }
    redactor
}
