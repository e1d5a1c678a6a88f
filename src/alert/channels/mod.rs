//! The channels: one send of one message (a digest of the alerts given) per call.
//!
//! A send returns what the server answered (SMTP code and text, HTTP status and a
//! snippet of the body) or why it failed. Every text that leaves here has been through
//! the `Redactor`, so no caller can print or store a secret by accident.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use super::config::{ChannelConfig, ChannelKind, UrlSource};
use super::secret::Redactor;
use super::{digest, Alert, AlertsConfig};
use crate::clock;

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

impl<'a> SendContext<'a> {
    /// The context of every send from this config: its directory, the config's one
    /// redactor (every secret hb knows of), the clock, the rate-limit wait.
    pub fn new(alerts: &'a AlertsConfig, redactor: &'a Redactor, now: i64) -> Self {
        SendContext {
            base_dir: alerts.base_dir.as_deref(),
            redactor,
            now,
            max_rate_limit_wait: super::outbox::MAX_RATE_LIMIT_WAIT,
        }
    }
}

/// A message the server accepted, and its answer (redacted).
#[derive(Debug, Clone, PartialEq)]
pub struct Accepted {
    pub answer: String,
    /// Email: the recipients it refused for good; the others still got the message.
    pub rejected: Vec<Rejected>,
}

/// Why a send failed (redacted), and how long the server asked us to wait, if it did.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub error: String,
    pub retry_after: Option<Duration>,
    /// The server refused this message for good (SMTP 5xx to the message): sending it
    /// again cannot help. Otherwise the failure is temporary and retried.
    pub permanent: bool,
    /// Email: recipients refused for good on the way.
    pub rejected: Vec<Rejected>,
}

/// A recipient the server refused for good, and its reply (redacted).
#[derive(Debug, Clone, PartialEq)]
pub struct Rejected {
    pub recipient: String,
    pub reply: String,
}

impl Rejected {
    /// `gone@example.com (550 5.1.1 no such user)`
    pub fn describe(&self) -> String {
        format!("{} ({})", self.recipient, self.reply)
    }
}

/// What a channel's own send returns on success, before redaction.
#[derive(Debug, Default)]
struct Delivered {
    answer: String,
    rejected: Vec<Rejected>,
}

impl From<String> for Delivered {
    fn from(answer: String) -> Self {
        Delivered {
            answer,
            ..Delivered::default()
        }
    }
}

/// A channel's own error before redaction.
#[derive(Debug, Default)]
struct ChannelError {
    message: String,
    retry_after: Option<Duration>,
    permanent: bool,
    rejected: Vec<Rejected>,
}

impl From<anyhow::Error> for ChannelError {
    fn from(err: anyhow::Error) -> Self {
        ChannelError::new(format!("{err:#}"))
    }
}

impl ChannelError {
    fn new(message: impl Into<String>) -> Self {
        ChannelError {
            message: message.into(),
            ..ChannelError::default()
        }
    }
}

/// Send `alerts` (each with its outbox id, `None` for a test) to `channel` as one message,
/// within the channel's `timeout` for the whole send.
///
/// The libraries bound each read, not a send: a server that trickles an endless answer
/// would hold the caller forever. So the send runs on its own thread and the caller stops
/// waiting at the deadline. An abandoned send is a temporary failure: its rows stay
/// pending and are sent again later, so if the abandoned thread still gets through, the
/// worst is a duplicate (at-least-once), never a lost alert; it reports to no one and
/// writes nothing, and it ends with the process.
pub fn send(
    channel: &ChannelConfig,
    alerts: &[(Option<i64>, Alert)],
    cx: &SendContext<'_>,
) -> Result<Accepted, Failure> {
    let mut sorted = alerts.to_vec();
    sorted.sort_by_key(|(_, a)| digest::sort_key(a));
    let timeout = channel.timeout;
    let job = Job {
        channel: channel.clone(),
        alerts: sorted,
        base_dir: cx.base_dir.map(Path::to_path_buf),
        redactor: cx.redactor.clone(),
        now: cx.now,
        // A rate limit waited out must leave room for the request after it.
        max_rate_limit_wait: cx.max_rate_limit_wait.min(timeout / 2),
    };
    let (tx, rx) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name(format!("send-{}", channel.name))
        .spawn(move || {
            // The receiver is gone once the deadline passed: nobody listens any more.
            let _ = tx.send(job.run());
        });
    let result = match spawned {
        Err(e) => Err(ChannelError::new(format!("could not start the send: {e}"))),
        Ok(_) => match rx.recv_timeout(timeout) {
            Ok(result) => result,
            Err(mpsc::RecvTimeoutError::Timeout) => Err(ChannelError::new(format!(
                "no complete answer within the channel's timeout of {}: the send was \
                 abandoned and its alerts stay queued",
                duration_text(timeout)
            ))),
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                Err(ChannelError::new("the send stopped unexpectedly"))
            }
        },
    };
    match result {
        Ok(delivered) => Ok(Accepted {
            answer: cx.redactor.redact(&delivered.answer),
            rejected: redact_rejected(cx.redactor, delivered.rejected),
        }),
        Err(err) => Err(Failure {
            error: cx.redactor.redact(&err.message),
            retry_after: err.retry_after,
            permanent: err.permanent,
            rejected: redact_rejected(cx.redactor, err.rejected),
        }),
    }
}

/// `3s`, `1m 30s`, or `1500ms` for a timeout that is not whole seconds.
fn duration_text(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        clock::format_duration(d)
    } else {
        format!("{}ms", d.as_millis())
    }
}

fn redact_rejected(redactor: &Redactor, rejected: Vec<Rejected>) -> Vec<Rejected> {
    rejected
        .into_iter()
        .map(|r| Rejected {
            reply: redactor.redact(&r.reply),
            recipient: r.recipient,
        })
        .collect()
}

/// One send with everything it needs owned, so it can run on its own thread.
struct Job {
    channel: ChannelConfig,
    alerts: Vec<(Option<i64>, Alert)>,
    base_dir: Option<PathBuf>,
    redactor: Redactor,
    now: i64,
    max_rate_limit_wait: Duration,
}

impl Job {
    fn run(&self) -> Result<Delivered, ChannelError> {
        let cx = SendContext {
            base_dir: self.base_dir.as_deref(),
            redactor: &self.redactor,
            now: self.now,
            max_rate_limit_wait: self.max_rate_limit_wait,
        };
        let plain: Vec<Alert> = self.alerts.iter().map(|(_, a)| a.clone()).collect();
        let timeout = self.channel.timeout;
        match &self.channel.kind {
            ChannelKind::Email(cfg) => email::send(cfg, timeout, &plain, &cx),
            ChannelKind::Discord(cfg) => discord::send(cfg, timeout, &plain, &cx).map(Into::into),
            ChannelKind::Webhook(cfg) => {
                webhook::send(&self.channel.name, cfg, timeout, &self.alerts, &cx).map(Into::into)
            }
            ChannelKind::Stderr => stderr::send(&plain).map(Into::into),
        }
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
