//! Email over SMTP with lettre: STARTTLS, implicit TLS, or plain for a local relay.

use std::time::Duration;

use anyhow::Context;
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{Message, SmtpTransport, Transport};

use super::{ChannelError, SendContext};
use crate::alert::config::{EmailConfig, TlsMode, UserSource};
use crate::alert::{digest, Alert};

pub(super) fn send(
    cfg: &EmailConfig,
    timeout: Duration,
    alerts: &[Alert],
    cx: &SendContext<'_>,
) -> Result<String, ChannelError> {
    let message = message(cfg, alerts)?;
    let host = cfg.smtp_host.as_str();
    let tls = match cfg.tls {
        TlsMode::None => Tls::None,
        TlsMode::Starttls => Tls::Required(tls_parameters(host)?),
        TlsMode::Tls => Tls::Wrapper(tls_parameters(host)?),
    };
    let mut builder = SmtpTransport::builder_dangerous(host)
        .port(cfg.smtp_port)
        .tls(tls)
        .timeout(Some(timeout));
    if let (Some(user), Some(password)) = (&cfg.username, &cfg.password) {
        let user = match user {
            UserSource::Literal(user) => user.clone(),
            UserSource::Env(var) => std::env::var(var)
                .ok()
                .filter(|v| !v.is_empty())
                .ok_or_else(|| {
                    ChannelError::new(format!("environment variable {var} is not set"))
                })?,
        };
        let password = password.resolve(cx.base_dir).context("no SMTP password")?;
        builder = builder.credentials(Credentials::new(user, password.expose().to_string()));
    }
    let response = builder.build().send(&message).map_err(|e| {
        ChannelError::new(format!(
            "SMTP {host}:{}: {}",
            cfg.smtp_port,
            error_chain(&e)
        ))
    })?;
    let text: Vec<&str> = response.message().collect();
    Ok(format!("SMTP {} {}", response.code(), text.join(" ")))
}

fn tls_parameters(host: &str) -> Result<TlsParameters, ChannelError> {
    TlsParameters::new(host.to_string())
        .map_err(|e| ChannelError::new(format!("TLS setup for {host}: {}", error_chain(&e))))
}

/// The email of a digest: sender, recipients, subject and plain-text body.
fn message(cfg: &EmailConfig, alerts: &[Alert]) -> Result<Message, ChannelError> {
    // Addresses were checked when the config loaded; parse errors here are still named.
    let from: Mailbox = cfg
        .from
        .parse()
        .map_err(|e| ChannelError::new(format!("bad from address {:?}: {e}", cfg.from)))?;
    let mut builder = Message::builder()
        .from(from)
        .subject(digest::email_subject(alerts))
        .header(ContentType::TEXT_PLAIN);
    for to in &cfg.to {
        let mailbox: Mailbox = to
            .parse()
            .map_err(|e| ChannelError::new(format!("bad to address {to:?}: {e}")))?;
        builder = builder.to(mailbox);
    }
    builder
        .body(digest::email_body(alerts))
        .map_err(|e| ChannelError::new(format!("could not build the email: {e}")))
}

/// lettre's error and its causes ("connection refused" is a cause, not the message).
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    // Bounded: error chains are short, but never trust a cycle.
    for _ in 0..8 {
        let Some(cause) = source else { break };
        let text = cause.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = cause.source();
    }
    out
}
