//! Email over SMTP with lettre: STARTTLS, implicit TLS, or plain for a local relay.
//!
//! The conversation is driven one command at a time (lettre's `SmtpConnection`) so that
//! each recipient's answer counts on its own: a recipient the server refuses for good
//! (5xx to RCPT) is left out and reported, and the others still get the mail. What the
//! answers mean for the outbox:
//! - a refusal of the message itself (5xx to MAIL FROM, to DATA or to the content, or to
//!   every recipient) is permanent: retrying the same message cannot help;
//! - a temporary answer (4xx, to anything), a refused login, and any connection or TLS
//!   problem are the channel's, and retried: nobody got the message, so nobody gets it
//!   twice.

use std::time::Duration;

use anyhow::Context;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use base64::Engine;
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::{Credentials, DEFAULT_MECHANISMS};
use lettre::transport::smtp::client::{SmtpConnection, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};
use lettre::transport::smtp::Error as SmtpError;
use lettre::Message;

use super::{ChannelError, Delivered, Rejected, SendContext};
use crate::alert::config::{EmailConfig, TlsMode, UserSource};
use crate::alert::secret::{Redactor, Secret};
use crate::alert::{digest, Alert};

pub(super) fn send(
    cfg: &EmailConfig,
    timeout: Duration,
    alerts: &[Alert],
    cx: &SendContext<'_>,
) -> Result<Delivered, ChannelError> {
    let message = message(cfg, alerts)?;
    let host = cfg.smtp_host.as_str();
    let port = cfg.smtp_port;
    let login = login(cfg, cx)?;
    // Server replies may quote what we sent (a 535 echoing the AUTH line): every text
    // of this conversation is scrubbed of the credentials in each form they travel in.
    let scrub = match &login {
        Some(credentials) => credential_redactor(cx.redactor, credentials),
        None => cx.redactor.clone(),
    };
    let at = format!("SMTP {host}:{port}");
    let fail = |what: &str, err: &SmtpError| ChannelError {
        message: scrub.redact(&format!("{at}: {what}{}", reply(err))),
        permanent: false,
        rejected: Vec::new(),
        retry_after: None,
    };

    let hello = ClientId::default();
    let wrapper = match cfg.tls {
        TlsMode::Tls => Some(tls_parameters(host)?),
        _ => None,
    };
    let mut conn =
        SmtpConnection::connect((host, port), Some(timeout), &hello, wrapper.as_ref(), None)
            .map_err(|e| fail("", &e))?;
    if cfg.tls == TlsMode::Starttls {
        conn.starttls(&tls_parameters(host)?, &hello)
            .map_err(|e| fail("", &e))?;
    }
    if let Some(login) = &login {
        conn.auth(DEFAULT_MECHANISMS, &login.credentials)
            .map_err(|e| {
                conn.abort();
                fail("login refused: ", &e)
            })?;
    }

    let envelope = message.envelope().clone();
    let bytes = message.formatted();
    let mut options = Vec::new();
    let addresses = envelope.to().iter().chain(envelope.from());
    if addresses.map(AsRef::<str>::as_ref).any(|a| !a.is_ascii()) {
        if !conn.server_info().supports_feature(Extension::SmtpUtfEight) {
            conn.abort();
            return Err(ChannelError::new(format!(
                "{at}: an address is not ASCII and the server does not support SMTPUTF8"
            )));
        }
        options.push(MailParameter::SmtpUtfEight);
    }
    if !bytes.is_ascii() {
        if !conn.server_info().supports_feature(Extension::EightBitMime) {
            conn.abort();
            return Err(ChannelError::new(format!(
                "{at}: the message is not ASCII and the server does not support 8BITMIME"
            )));
        }
        options.push(MailParameter::Body(MailBodyParameter::EightBitMime));
    }
    conn.command(Mail::new(envelope.from().cloned(), options))
        .map_err(|e| {
            conn.abort();
            ChannelError {
                permanent: e.is_permanent(),
                ..fail("sender refused: ", &e)
            }
        })?;

    let mut accepted = Vec::new();
    let mut rejected = Vec::new();
    for to in envelope.to() {
        match conn.command(Rcpt::new(to.clone(), Vec::new())) {
            Ok(_) => accepted.push(to.to_string()),
            Err(e) if e.is_permanent() => rejected.push(Rejected {
                recipient: to.to_string(),
                reply: scrub.redact(&reply(&e)),
            }),
            // Temporary (greylisting, a full mailbox) or the connection broke: nobody
            // was sent anything yet, so the whole message waits for the next try.
            Err(e) => {
                conn.abort();
                return Err(ChannelError {
                    rejected,
                    ..fail(&format!("recipient {to} deferred: "), &e)
                });
            }
        }
    }
    if accepted.is_empty() {
        conn.abort();
        let refused: Vec<String> = rejected.iter().map(Rejected::describe).collect();
        return Err(ChannelError {
            message: format!("{at}: every recipient was refused: {}", refused.join("; ")),
            permanent: true,
            rejected,
            retry_after: None,
        });
    }
    let content = |conn: &mut SmtpConnection| {
        conn.command(Data)?;
        conn.message(&bytes)
    };
    let response = match content(&mut conn) {
        Ok(response) => response,
        Err(e) => {
            conn.abort();
            return Err(ChannelError {
                permanent: e.is_permanent(),
                rejected,
                ..fail("message refused: ", &e)
            });
        }
    };
    // Accepted: a failed QUIT changes nothing.
    let _ = conn.quit();
    let text: Vec<&str> = response.message().collect();
    let mut answer = format!("SMTP {} {}", response.code(), text.join(" "));
    if !rejected.is_empty() {
        let refused: Vec<String> = rejected.iter().map(Rejected::describe).collect();
        answer.push_str(&format!("; not delivered to {}", refused.join("; ")));
    }
    Ok(Delivered {
        answer: scrub.redact(&answer),
        rejected,
    })
}

/// The login, resolved now: `None` when the channel has none.
struct Login {
    user: String,
    credentials: Credentials,
    password: Secret,
}

fn login(cfg: &EmailConfig, cx: &SendContext<'_>) -> Result<Option<Login>, ChannelError> {
    let (Some(user), Some(password)) = (&cfg.username, &cfg.password) else {
        return Ok(None);
    };
    let user = match user {
        UserSource::Literal(user) => user.clone(),
        UserSource::Env(var) => std::env::var(var)
            .ok()
            .filter(|v| !v.is_empty())
            .ok_or_else(|| ChannelError::new(format!("environment variable {var} is not set")))?,
    };
    let password = password.resolve(cx.base_dir).context("no SMTP password")?;
    Ok(Some(Login {
        credentials: Credentials::new(user.clone(), password.expose().to_string()),
        user,
        password,
    }))
}

/// `base` plus the forms the login travels in: AUTH PLAIN's base64 of
/// `\0user\0password` (and of `user\0user\0password`, which some clients send), AUTH
/// LOGIN's base64 of the password. Unpadded, so a quote that drops the `=` still matches.
fn credential_redactor(base: &Redactor, login: &Login) -> Redactor {
    let mut redactor = base.clone();
    let (user, password) = (login.user.as_str(), login.password.expose());
    redactor.add(&login.password);
    for form in [
        format!("\0{user}\0{password}"),
        format!("{user}\0{user}\0{password}"),
        password.to_string(),
    ] {
        redactor.add(&Secret::new(STANDARD_NO_PAD.encode(form)));
    }
    redactor
}

fn tls_parameters(host: &str) -> Result<TlsParameters, ChannelError> {
    TlsParameters::new(host.to_string()).map_err(|e| {
        ChannelError::new(format!(
            "TLS setup for {host}: {}",
            crate::error_text::chain(&e)
        ))
    })
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

/// A server's negative answer as it said it: `550 5.1.1 <gone@example.com>: no such user`.
fn reply(err: &SmtpError) -> String {
    match (err.status(), std::error::Error::source(err)) {
        (Some(code), Some(text)) => format!("{code} {text}"),
        (Some(code), None) => code.to_string(),
        _ => crate::error_text::chain(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_scrubbed_in_every_form_they_travel_in() {
        let login = Login {
            user: "hb-user".into(),
            credentials: Credentials::new("hb-user".into(), "pw-Zq8vK2mN5xR7".into()),
            password: Secret::new("pw-Zq8vK2mN5xR7"),
        };
        let redactor = credential_redactor(&Redactor::new(), &login);
        let plain = STANDARD_NO_PAD.encode("\0hb-user\0pw-Zq8vK2mN5xR7");
        let doubled =
            base64::engine::general_purpose::STANDARD.encode("hb-user\0hb-user\0pw-Zq8vK2mN5xR7");
        let reply =
            format!("535 5.7.8 rejected AUTH PLAIN {plain}= and {doubled} for pw-Zq8vK2mN5xR7");
        let out = redactor.redact(&reply);
        assert!(
            !out.contains(&plain) && !out.contains("pw-Zq8vK2mN5xR7"),
            "{out}"
        );
        assert!(!out.contains(doubled.trim_end_matches('=')), "{out}");
        assert!(
            out.starts_with("535 5.7.8 rejected AUTH PLAIN ***"),
            "{out}"
        );
    }
}
