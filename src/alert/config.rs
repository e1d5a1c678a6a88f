//! `[alerts]` in heartbeat.toml: channels, routes, and how long delivery is retried.
//!
//! A channel is read as one flat table (the keys of every type) so that serde names the
//! exact line of an unknown or mistyped key; `validate` then checks which keys apply to
//! which type and resolves each table into a typed `ChannelConfig`. Route entries keep
//! their position (`Spanned`) so a route naming an unknown channel is reported at its
//! line.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use super::secret::{Redactor, Secret, SecretSource};
use super::{AlertKind, Priority};
use crate::duration::Span;
use crate::issue::{ConfigIssue, Position};

/// `[alerts]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AlertsConfig {
    /// `[[alerts.channel]]` as written; see `channels()` for the validated form.
    channel: Vec<ChannelSpec>,
    pub routes: Routes,
    /// An alert still undelivered this long after it was queued (and tried as often as
    /// the backoff tries in that time) is marked failed.
    #[serde(deserialize_with = "crate::duration::de::period")]
    pub give_up_after: Span,
    /// The longest one delivery run (a cycle's, `hb alerts deliver`) spends sending: a
    /// channel whose timeout no longer fits in what is left waits for the next run.
    delivery_budget: Option<Spanned<Span>>,
    /// An event notification (a reminder due, a watchlist match) resolves itself this long
    /// after it was created, or as soon as it is acknowledged and delivered.
    pub event_ttl: Span,
    #[serde(skip)]
    channels: Vec<ChannelConfig>,
    /// The config file's directory: relative secret files are read from there.
    #[serde(skip)]
    pub base_dir: Option<PathBuf>,
    /// Secrets the config names outside the channels (see `note_secrets`).
    #[serde(skip)]
    secrets_elsewhere: Vec<SecretSource>,
    #[serde(skip)]
    secret_values: Vec<Secret>,
    /// Built on first use, once per command.
    #[serde(skip)]
    redactor: OnceLock<Arc<Redactor>>,
}

impl Default for AlertsConfig {
    fn default() -> Self {
        AlertsConfig {
            channel: Vec::new(),
            routes: Routes::default(),
            give_up_after: Span::secs(7 * 86_400),
            delivery_budget: None,
            event_ttl: Span::secs(7 * 86_400),
            channels: Vec::new(),
            base_dir: None,
            secrets_elsewhere: Vec::new(),
            secret_values: Vec::new(),
            redactor: OnceLock::new(),
        }
    }
}

/// `[alerts.routes]`: which channels hear which priority, and escalations.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Routes {
    low: Vec<Spanned<String>>,
    medium: Vec<Spanned<String>>,
    high: Vec<Spanned<String>>,
    critical: Vec<Spanned<String>>,
    escalation: Vec<Spanned<String>>,
    /// A condition that stays bad is told again after this long, not every cycle.
    #[serde(deserialize_with = "crate::duration::de::period")]
    pub renotify_after: Span,
}

impl Default for Routes {
    fn default() -> Self {
        Routes {
            low: Vec::new(),
            medium: Vec::new(),
            high: Vec::new(),
            critical: Vec::new(),
            escalation: Vec::new(),
            renotify_after: Span::secs(86_400),
        }
    }
}

impl Routes {
    /// The channels of one priority's route, as configured.
    pub fn for_priority(&self, priority: Priority) -> Vec<&str> {
        let list = match priority {
            Priority::Low => &self.low,
            Priority::Medium => &self.medium,
            Priority::High => &self.high,
            Priority::Critical => &self.critical,
        };
        list.iter().map(|s| s.get_ref().as_str()).collect()
    }

    pub fn escalation(&self) -> Vec<&str> {
        self.escalation
            .iter()
            .map(|s| s.get_ref().as_str())
            .collect()
    }

    /// Where an alert goes. `route_override` (a check's own channel list) replaces the
    /// priority's route; an escalation also goes to the escalation route (the people
    /// who were told all along are still told). Order is kept, duplicates dropped.
    /// A test alert has no route: it is sent to the channel under test.
    pub fn channels_for<'a>(
        &'a self,
        priority: Priority,
        kind: AlertKind,
        route_override: Option<&'a [String]>,
    ) -> Vec<&'a str> {
        // A test goes to the channel under test, the brief to `[brief] route`.
        if matches!(kind, AlertKind::Test | AlertKind::Brief) {
            return Vec::new();
        }
        let mut out: Vec<&str> = match route_override {
            Some(list) => list.iter().map(String::as_str).collect(),
            None => self.for_priority(priority),
        };
        if kind == AlertKind::Escalation {
            out.extend(self.escalation());
        }
        let mut seen = HashSet::new();
        out.retain(|name| seen.insert(*name));
        out
    }

    fn entries(&self) -> impl Iterator<Item = (&'static str, &Spanned<String>)> {
        [
            ("low", &self.low),
            ("medium", &self.medium),
            ("high", &self.high),
            ("critical", &self.critical),
            ("escalation", &self.escalation),
        ]
        .into_iter()
        .flat_map(|(key, list)| list.iter().map(move |entry| (key, entry)))
    }
}

/// A validated channel.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelConfig {
    pub name: String,
    /// Connect, read and write limit of one send.
    pub timeout: Duration,
    pub kind: ChannelKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ChannelKind {
    Email(EmailConfig),
    Discord(DiscordConfig),
    Webhook(WebhookConfig),
    Stderr,
}

impl ChannelKind {
    pub fn type_name(&self) -> &'static str {
        match self {
            ChannelKind::Email(_) => "email",
            ChannelKind::Discord(_) => "discord",
            ChannelKind::Webhook(_) => "webhook",
            ChannelKind::Stderr => "stderr",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TlsMode {
    /// Plain connection upgraded with STARTTLS (port 587); refused if the server can't.
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only for a relay on this machine or a trusted network.
    None,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EmailConfig {
    pub smtp_host: String,
    pub smtp_port: u16,
    pub tls: TlsMode,
    pub from: String,
    pub to: Vec<String>,
    pub username: Option<UserSource>,
    pub password: Option<SecretSource>,
}

/// An SMTP login name: not a secret, but operators often keep it beside the password.
#[derive(Debug, Clone, PartialEq)]
pub enum UserSource {
    Literal(String),
    Env(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct DiscordConfig {
    pub webhook_url: SecretSource,
}

#[derive(Debug, Clone, PartialEq)]
pub enum UrlSource {
    /// Written in the config: not treated as a secret.
    Literal(String),
    Secret(SecretSource),
}

#[derive(Debug, Clone, PartialEq)]
pub struct WebhookConfig {
    pub url: UrlSource,
    /// The HMAC-SHA256 key of the signature header, if the receiver checks one.
    pub secret: Option<SecretSource>,
}

/// `[[alerts.channel]]` as written: every key of every type, checked by `validate`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ChannelSpec {
    name: Spanned<String>,
    #[serde(rename = "type")]
    kind: ChannelType,
    #[serde(default, deserialize_with = "crate::duration::de::opt_time_limit")]
    timeout: Option<Span>,
    // email
    smtp_host: Option<String>,
    smtp_port: Option<u16>,
    tls: Option<TlsMode>,
    from: Option<String>,
    to: Option<Vec<String>>,
    username: Option<String>,
    username_env: Option<String>,
    password_env: Option<String>,
    password_file: Option<PathBuf>,
    // discord
    webhook_url_env: Option<String>,
    webhook_url_file: Option<PathBuf>,
    // webhook
    url: Option<String>,
    url_env: Option<String>,
    url_file: Option<PathBuf>,
    secret_env: Option<String>,
    secret_file: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum ChannelType {
    Email,
    Discord,
    Webhook,
    Stderr,
}

const EMAIL_KEYS: &[&str] = &[
    "smtp_host",
    "smtp_port",
    "tls",
    "from",
    "to",
    "username",
    "username_env",
    "password_env",
    "password_file",
];
const DISCORD_KEYS: &[&str] = &["webhook_url_env", "webhook_url_file"];
const WEBHOOK_KEYS: &[&str] = &["url", "url_env", "url_file", "secret_env", "secret_file"];

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// A minute: a fifth of the 5-minute beat, room for several channels' timeouts.
const DEFAULT_DELIVERY_BUDGET: Duration = Duration::from_secs(60);
/// Delivery leases its rows for 10 minutes (`outbox::LEASE_SECS`): a run must end well
/// before, and before the next 5-minute cycle.
const MAX_DELIVERY_BUDGET: Duration = Duration::from_secs(240);

impl AlertsConfig {
    /// The longest one delivery run spends sending (`delivery_budget`, default 1m).
    pub fn delivery_budget(&self) -> Duration {
        self.delivery_budget
            .as_ref()
            .map_or(DEFAULT_DELIVERY_BUDGET, |b| b.get_ref().0)
    }

    /// The validated channels (empty until `validate` ran, as for a config without file).
    pub fn channels(&self) -> &[ChannelConfig] {
        &self.channels
    }

    pub fn channel(&self, name: &str) -> Option<&ChannelConfig> {
        self.channels.iter().find(|c| c.name == name)
    }

    /// Check every channel and route and resolve the typed channels. Config loading
    /// calls this; an error names the key and its position.
    pub fn validate(&mut self) -> Result<(), ConfigIssue> {
        let mut channels: Vec<ChannelConfig> = Vec::with_capacity(self.channel.len());
        for (index, spec) in self.channel.iter().enumerate() {
            let channel = spec.resolve(index)?;
            if channels.iter().any(|c| c.name == channel.name) {
                return Err(ConfigIssue {
                    at: Some(Position::Offset(spec.name.span().start)),
                    key: format!("alerts.channel[{index}].name"),
                    message: format!("a channel named `{}` is declared twice", channel.name),
                });
            }
            if channel.timeout > self.delivery_budget() {
                return Err(ConfigIssue {
                    at: Some(Position::Offset(spec.name.span().start)),
                    key: format!("alerts.channel[{index}].timeout"),
                    message: format!(
                        "channel `{}` has a timeout of {} but [alerts] delivery_budget is {}: \
                         a send must fit in one delivery run (lower the timeout or raise the budget)",
                        channel.name,
                        crate::clock::format_duration(channel.timeout),
                        crate::clock::format_duration(self.delivery_budget())
                    ),
                });
            }
            channels.push(channel);
        }
        if let Some(budget) = self
            .delivery_budget
            .as_ref()
            .filter(|b| b.get_ref().0 > MAX_DELIVERY_BUDGET)
        {
            return Err(ConfigIssue {
                at: Some(Position::Offset(budget.span().start)),
                key: "alerts.delivery_budget".into(),
                message: format!(
                    "{} is too long: at most {} (a delivery run must end before the next 5-minute cycle)",
                    budget.get_ref(),
                    crate::clock::format_duration(MAX_DELIVERY_BUDGET)
                ),
            });
        }
        for (route, entry) in self.routes.entries() {
            if !channels.iter().any(|c| &c.name == entry.get_ref()) {
                return Err(ConfigIssue {
                    at: Some(Position::Offset(entry.span().start)),
                    key: format!("alerts.routes.{route}"),
                    message: format!(
                        "unknown channel `{}`: declare it as [[alerts.channel]] with name = \"{}\" ({})",
                        entry.get_ref(),
                        entry.get_ref(),
                        known(&channels)
                    ),
                });
            }
        }
        self.channels = channels;
        Ok(())
    }

    /// Check a channel list given elsewhere (a check's own route).
    pub fn check_channel_names(&self, names: &[String]) -> Result<(), String> {
        for name in names {
            if self.channel(name).is_none() {
                return Err(format!(
                    "unknown alert channel `{name}` ({})",
                    known(&self.channels)
                ));
            }
        }
        Ok(())
    }

    pub fn set_base_dir(&mut self, dir: Option<&Path>) {
        self.base_dir = dir.map(Path::to_path_buf);
    }

    /// Remember the secrets the rest of the config names (the checks' `${VAR}`s, the
    /// dead-man URL), so the one redactor knows them too.
    pub fn note_secrets(&mut self, sources: Vec<SecretSource>, values: Vec<Secret>) {
        self.secrets_elsewhere = sources;
        self.secret_values = values;
        self.redactor = OnceLock::new();
    }

    /// The config's redactor: every secret hb can read now (channel secrets, password
    /// variables, check `${VAR}`s, the dead-man URL). Built once, on first use.
    pub fn redactor(&self) -> Arc<Redactor> {
        self.redactor
            .get_or_init(|| {
                let mut redactor = super::channels::redactor(self);
                for source in &self.secrets_elsewhere {
                    // What can't be read now can't leak either.
                    if let Ok(secret) = source.resolve(self.base_dir.as_deref()) {
                        redactor.add(&secret);
                    }
                }
                for secret in &self.secret_values {
                    redactor.add(secret);
                }
                Arc::new(redactor)
            })
            .clone()
    }
}

fn known(channels: &[ChannelConfig]) -> String {
    if channels.is_empty() {
        "no channels are declared".to_string()
    } else {
        let names: Vec<&str> = channels.iter().map(|c| c.name.as_str()).collect();
        format!("declared: {}", names.join(", "))
    }
}

impl ChannelSpec {
    fn present_keys(&self) -> Vec<&'static str> {
        let keys: [(&'static str, bool); 18] = [
            ("smtp_host", self.smtp_host.is_some()),
            ("smtp_port", self.smtp_port.is_some()),
            ("tls", self.tls.is_some()),
            ("from", self.from.is_some()),
            ("to", self.to.is_some()),
            ("username", self.username.is_some()),
            ("username_env", self.username_env.is_some()),
            ("password_env", self.password_env.is_some()),
            ("password_file", self.password_file.is_some()),
            ("webhook_url_env", self.webhook_url_env.is_some()),
            ("webhook_url_file", self.webhook_url_file.is_some()),
            ("url", self.url.is_some()),
            ("url_env", self.url_env.is_some()),
            ("url_file", self.url_file.is_some()),
            ("secret_env", self.secret_env.is_some()),
            ("secret_file", self.secret_file.is_some()),
            // Common keys: listed so the table stays complete; always allowed.
            ("name", true),
            ("timeout", self.timeout.is_some()),
        ];
        keys.into_iter()
            .filter(|(_, present)| *present)
            .map(|(key, _)| key)
            .collect()
    }

    fn resolve(&self, index: usize) -> Result<ChannelConfig, ConfigIssue> {
        let name = self.name.get_ref().trim().to_string();
        let issue = |key: &str, message: String| ConfigIssue {
            at: Some(Position::Offset(self.name.span().start)),
            key: format!("alerts.channel[{index}].{key}"),
            message,
        };
        if name.is_empty() {
            return Err(issue("name", "a channel needs a non-empty name".into()));
        }
        let (type_name, allowed) = match self.kind {
            ChannelType::Email => ("email", EMAIL_KEYS),
            ChannelType::Discord => ("discord", DISCORD_KEYS),
            ChannelType::Webhook => ("webhook", WEBHOOK_KEYS),
            ChannelType::Stderr => ("stderr", &[][..]),
        };
        for key in self.present_keys() {
            if key != "name" && key != "timeout" && !allowed.contains(&key) {
                let takes = if allowed.is_empty() {
                    "it takes only name and timeout".to_string()
                } else {
                    format!("it takes name, timeout, {}", allowed.join(", "))
                };
                return Err(issue(
                    key,
                    format!("`{key}` does not apply to {type_name} channel `{name}`: {takes}"),
                ));
            }
        }
        let one_of = |keys: [(&str, bool); 2]| -> Result<(), ConfigIssue> {
            if keys[0].1 && keys[1].1 {
                return Err(issue(
                    keys[1].0,
                    format!(
                        "channel `{name}` sets both `{}` and `{}`: keep one",
                        keys[0].0, keys[1].0
                    ),
                ));
            }
            Ok(())
        };
        let kind = match self.kind {
            ChannelType::Email => {
                let smtp_host = self.smtp_host.clone().unwrap_or_default();
                if smtp_host.trim().is_empty() {
                    return Err(issue(
                        "smtp_host",
                        format!("email channel `{name}` needs `smtp_host`"),
                    ));
                }
                let tls = self.tls.unwrap_or(TlsMode::Starttls);
                let from = self.from.clone().unwrap_or_default();
                check_mailbox(&from)
                    .map_err(|m| issue("from", format!("email channel `{name}`: `from` {m}")))?;
                let to = self.to.clone().unwrap_or_default();
                if to.is_empty() {
                    return Err(issue(
                        "to",
                        format!("email channel `{name}` needs `to`, a list of addresses"),
                    ));
                }
                for address in &to {
                    check_mailbox(address).map_err(|m| {
                        issue("to", format!("email channel `{name}`: `to` entry {m}"))
                    })?;
                }
                one_of([
                    ("username", self.username.is_some()),
                    ("username_env", self.username_env.is_some()),
                ])?;
                one_of([
                    ("password_env", self.password_env.is_some()),
                    ("password_file", self.password_file.is_some()),
                ])?;
                let username = match (&self.username, &self.username_env) {
                    (Some(user), _) => Some(UserSource::Literal(user.clone())),
                    (_, Some(var)) => Some(UserSource::Env(var.clone())),
                    _ => None,
                };
                let password = match (&self.password_env, &self.password_file) {
                    (Some(var), _) => Some(SecretSource::Env(var.clone())),
                    (_, Some(path)) => Some(SecretSource::File(path.clone())),
                    _ => None,
                };
                if username.is_some() != password.is_some() {
                    return Err(issue(
                        if username.is_some() { "password_env" } else { "username_env" },
                        format!(
                            "email channel `{name}` needs both a username and a password to log in, or neither"
                        ),
                    ));
                }
                if tls == TlsMode::None && password.is_some() && !is_loopback(&smtp_host) {
                    return Err(issue(
                        "tls",
                        format!(
                            "email channel `{name}` would send its password unencrypted to {smtp_host}: \
                             use tls = \"starttls\" or \"tls\" (\"none\" with a login is for a relay on this machine)"
                        ),
                    ));
                }
                let smtp_port = self.smtp_port.unwrap_or(match tls {
                    TlsMode::Starttls => 587,
                    TlsMode::Tls => 465,
                    TlsMode::None => 25,
                });
                ChannelKind::Email(EmailConfig {
                    smtp_host: smtp_host.trim().to_string(),
                    smtp_port,
                    tls,
                    from,
                    to,
                    username,
                    password,
                })
            }
            ChannelType::Discord => {
                one_of([
                    ("webhook_url_env", self.webhook_url_env.is_some()),
                    ("webhook_url_file", self.webhook_url_file.is_some()),
                ])?;
                let webhook_url = match (&self.webhook_url_env, &self.webhook_url_file) {
                    (Some(var), _) => SecretSource::Env(var.clone()),
                    (_, Some(path)) => SecretSource::File(path.clone()),
                    // The URL holds the webhook's token: it is never written in the config.
                    _ => {
                        return Err(issue(
                            "webhook_url_env",
                            format!(
                                "discord channel `{name}` needs `webhook_url_env` or `webhook_url_file` \
                                 (the URL holds a token, so it is not written in the config)"
                            ),
                        ))
                    }
                };
                ChannelKind::Discord(DiscordConfig { webhook_url })
            }
            ChannelType::Webhook => {
                let set = [
                    self.url.is_some(),
                    self.url_env.is_some(),
                    self.url_file.is_some(),
                ];
                let needs_one = || {
                    issue(
                        "url",
                        format!("webhook channel `{name}` needs exactly one of `url`, `url_env`, `url_file`"),
                    )
                };
                if set.iter().filter(|s| **s).count() > 1 {
                    return Err(needs_one());
                }
                let url = if let Some(url) = &self.url {
                    if !(url.starts_with("http://") || url.starts_with("https://")) {
                        return Err(issue(
                            "url",
                            format!("webhook channel `{name}`: `url` must start with http:// or https://"),
                        ));
                    }
                    UrlSource::Literal(url.clone())
                } else if let Some(var) = &self.url_env {
                    UrlSource::Secret(SecretSource::Env(var.clone()))
                } else if let Some(path) = &self.url_file {
                    UrlSource::Secret(SecretSource::File(path.clone()))
                } else {
                    return Err(needs_one());
                };
                one_of([
                    ("secret_env", self.secret_env.is_some()),
                    ("secret_file", self.secret_file.is_some()),
                ])?;
                let secret = match (&self.secret_env, &self.secret_file) {
                    (Some(var), _) => Some(SecretSource::Env(var.clone())),
                    (_, Some(path)) => Some(SecretSource::File(path.clone())),
                    _ => None,
                };
                ChannelKind::Webhook(WebhookConfig { url, secret })
            }
            ChannelType::Stderr => ChannelKind::Stderr,
        };
        Ok(ChannelConfig {
            name,
            timeout: self.timeout.map(|t| t.0).unwrap_or(DEFAULT_TIMEOUT),
            kind,
        })
    }
}

fn check_mailbox(address: &str) -> Result<(), String> {
    if address.trim().is_empty() {
        return Err("is required: an address such as hb@example.com".into());
    }
    address
        .parse::<lettre::message::Mailbox>()
        .map(|_| ())
        .map_err(|e| format!("{address:?} is not an email address ({e})"))
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim().trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config;

    const FULL: &str = r#"
[[alerts.channel]]
name = "ops-email"
type = "email"
smtp_host = "mail.example.com"
smtp_port = 587
tls = "starttls"
from = "hb@example.com"
to = ["ops@example.com"]
username_env = "HB_SMTP_USER"
password_env = "HB_SMTP_PASSWORD"

[[alerts.channel]]
name = "discord"
type = "discord"
webhook_url_env = "HB_DISCORD_WEBHOOK"

[alerts.routes]
high = ["discord"]
critical = ["discord", "ops-email"]
escalation = ["discord", "ops-email"]
renotify_after = "12h"
"#;

    fn parse(text: &str) -> Result<config::Config, config::ParseError> {
        config::parse(text)
    }

    #[test]
    fn design_example_parses_into_typed_channels() {
        let config = parse(FULL).unwrap();
        let alerts = &config.alerts;
        assert_eq!(alerts.channels().len(), 2);
        let email = alerts.channel("ops-email").unwrap();
        let ChannelKind::Email(email) = &email.kind else {
            panic!("not email: {email:?}")
        };
        assert_eq!(email.smtp_port, 587);
        assert_eq!(
            email.password,
            Some(SecretSource::Env("HB_SMTP_PASSWORD".into()))
        );
        assert_eq!(alerts.routes.renotify_after, Span::secs(12 * 3600));
        assert_eq!(
            alerts.routes.for_priority(Priority::Critical),
            vec!["discord", "ops-email"]
        );
        assert!(alerts.routes.for_priority(Priority::Low).is_empty());
    }

    #[test]
    fn defaults_without_alerts_section() {
        let config = parse("").unwrap();
        assert!(config.alerts.channels().is_empty());
        assert_eq!(config.alerts.routes.renotify_after, Span::secs(86_400));
        assert_eq!(config.alerts.give_up_after, Span::secs(7 * 86_400));
    }

    #[test]
    fn unknown_route_channel_names_line_and_key() {
        let text = FULL.replace("high = [\"discord\"]", "high = [\"discord\",\n  \"pager\"]");
        let err = parse(&text).unwrap_err();
        let line = text.lines().position(|l| l.contains("\"pager\"")).unwrap() + 1;
        assert_eq!(err.line, Some(line));
        assert_eq!(err.key.as_deref(), Some("alerts.routes.high"));
        assert!(
            err.message.contains("unknown channel `pager`"),
            "{}",
            err.message
        );
        assert!(
            err.message.contains("declared: ops-email, discord"),
            "{}",
            err.message
        );
    }

    #[test]
    fn unknown_key_in_a_channel_is_reported_at_its_line() {
        let text = FULL.replace("smtp_port = 587", "smtp_prot = 587");
        let err = parse(&text).unwrap_err();
        let line = text.lines().position(|l| l.contains("smtp_prot")).unwrap() + 1;
        assert_eq!(err.line, Some(line));
        assert_eq!(err.key.as_deref(), Some("alerts.channel[0].smtp_prot"));
    }

    #[test]
    fn key_of_another_type_is_refused() {
        let text = FULL.replace(
            "webhook_url_env = \"HB_DISCORD_WEBHOOK\"",
            "webhook_url_env = \"HB_DISCORD_WEBHOOK\"\nsmtp_host = \"x\"",
        );
        let err = parse(&text).unwrap_err();
        assert_eq!(err.key.as_deref(), Some("alerts.channel[1].smtp_host"));
        assert!(
            err.message.contains("does not apply to discord channel"),
            "{}",
            err.message
        );
    }

    #[test]
    fn plain_smtp_password_only_to_loopback() {
        let text = FULL.replace("tls = \"starttls\"", "tls = \"none\"");
        let err = parse(&text).unwrap_err();
        assert_eq!(err.key.as_deref(), Some("alerts.channel[0].tls"));
        let local = text.replace("mail.example.com", "127.0.0.1");
        let config = parse(&local).unwrap();
        let ChannelKind::Email(email) = &config.alerts.channel("ops-email").unwrap().kind else {
            panic!()
        };
        assert_eq!(email.smtp_port, 587);
    }

    #[test]
    fn missing_and_bad_values_are_named() {
        let err = parse("[[alerts.channel]]\nname = \"d\"\ntype = \"discord\"\n").unwrap_err();
        assert_eq!(err.line, Some(2));
        assert_eq!(
            err.key.as_deref(),
            Some("alerts.channel[0].webhook_url_env")
        );

        let err = parse("[[alerts.channel]]\nname = \"d\"\ntype = \"pager\"\n").unwrap_err();
        assert_eq!(err.line, Some(3));
        assert_eq!(err.key.as_deref(), Some("alerts.channel[0].type"));

        let err = parse(
            "[[alerts.channel]]\nname = \"e\"\ntype = \"email\"\nsmtp_host = \"h\"\nfrom = \"not an address\"\nto = [\"a@b.c\"]\n",
        )
        .unwrap_err();
        assert_eq!(err.key.as_deref(), Some("alerts.channel[0].from"));

        let err = parse(
            "[[alerts.channel]]\nname = \"s\"\ntype = \"stderr\"\n[[alerts.channel]]\nname = \"s\"\ntype = \"stderr\"\n",
        )
        .unwrap_err();
        assert_eq!(err.line, Some(5));
        assert!(err.message.contains("declared twice"), "{}", err.message);
    }

    #[test]
    fn delivery_budget_defaults_to_a_minute_and_must_fit_every_timeout() {
        assert_eq!(
            parse("").unwrap().alerts.delivery_budget(),
            Duration::from_secs(60)
        );
        let text = "[alerts]\ndelivery_budget = \"5m\"\n";
        let err = parse(text).unwrap_err();
        assert_eq!(err.line, Some(2));
        assert_eq!(err.key.as_deref(), Some("alerts.delivery_budget"));
        assert!(err.message.contains("at most 4m"), "{}", err.message);
        let text = "[alerts]\ndelivery_budget = \"5s\"\n[[alerts.channel]]\nname = \"s\"\ntype = \"stderr\"\n";
        let err = parse(text).unwrap_err();
        assert_eq!(err.key.as_deref(), Some("alerts.channel[0].timeout"));
        assert!(err.message.contains("timeout of 10s"), "{}", err.message);
    }

    #[test]
    fn routing_override_and_escalation() {
        let config = parse(FULL).unwrap();
        let routes = &config.alerts.routes;
        assert_eq!(
            routes.channels_for(Priority::High, AlertKind::New, None),
            vec!["discord"]
        );
        assert_eq!(
            routes.channels_for(Priority::High, AlertKind::Escalation, None),
            vec!["discord", "ops-email"]
        );
        let own = vec!["ops-email".to_string()];
        assert_eq!(
            routes.channels_for(Priority::High, AlertKind::Recovery, Some(&own)),
            vec!["ops-email"]
        );
        assert!(routes
            .channels_for(Priority::Critical, AlertKind::Test, None)
            .is_empty());
        assert!(config.alerts.check_channel_names(&own).is_ok());
        assert!(config
            .alerts
            .check_channel_names(&["pager".to_string()])
            .is_err());
    }
}
