//! Dead-man's switch: Healthchecks.io-style pings around each cycle (`[deadman]`).
//!
//! `{url}/start` when a cycle begins, `{url}` when it completes with every module ok,
//! `{url}/fail` when a module failed or the cycle errored. The service alerts when the
//! pings stop, which is what catches a heartbeat that no longer runs at all. A ping that
//! fails is a warning on stderr, never the cycle's failure. The URL is a secret (it is
//! the check's identity): messages show only its scheme and host.

use std::time::Duration;

use crate::config::DeadmanConfig;
use crate::cycle::CycleReport;
use crate::exit::HbError;
use crate::store::RunStatus;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ping {
    Start,
    Success,
    Fail,
}

impl Ping {
    fn suffix(self) -> &'static str {
        match self {
            Ping::Start => "/start",
            Ping::Success => "",
            Ping::Fail => "/fail",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Ping::Start => "start",
            Ping::Success => "success",
            Ping::Fail => "fail",
        }
    }

    /// The ping that ends a cycle. `None` when another cycle holds the lock: that cycle
    /// reports for itself, and a busy timer is not the heartbeat failing.
    pub fn after(result: &anyhow::Result<CycleReport>) -> Option<Ping> {
        match result {
            Ok(report) if report.status == RunStatus::Ok => Some(Ping::Success),
            Ok(_) => Some(Ping::Fail),
            Err(err) if is_busy(err) => None,
            Err(_) => Some(Ping::Fail),
        }
    }
}

fn is_busy(err: &anyhow::Error) -> bool {
    err.chain()
        .any(|c| matches!(c.downcast_ref::<HbError>(), Some(HbError::Busy(_))))
}

/// A configured switch; `None` from [`Deadman::from_config`] when there is none.
pub struct Deadman {
    url: String,
    agent: ureq::Agent,
}

impl Deadman {
    /// The switch of the config, reading the URL from `url_env` when set. A named
    /// variable that is unset is a warning (the service will notice the missing pings).
    pub fn from_config(config: &DeadmanConfig) -> Option<Deadman> {
        let url = match (&config.url, &config.url_env) {
            (Some(url), _) => url.clone(),
            (None, Some(var)) => match std::env::var(var) {
                Ok(url) if !url.trim().is_empty() => url,
                _ => {
                    eprintln!(
                        "warning: [deadman] url_env names ${var}, which is not set: no dead-man pings \
                         sent; set it in the environment of the timer (see `hb schedule`)"
                    );
                    return None;
                }
            },
            (None, None) => return None,
        };
        let agent = ureq::AgentBuilder::new()
            .timeout(config.timeout.0.max(Duration::from_millis(100)))
            .build();
        Some(Deadman {
            url: url.trim().trim_end_matches('/').to_string(),
            agent,
        })
    }

    /// Send one ping; a failure is printed as a warning with the URL redacted.
    pub fn ping(&self, ping: Ping) {
        let url = format!("{}{}", self.url, ping.suffix());
        if let Err(err) = self.agent.get(&url).call() {
            let reason = describe(&err).replace(&self.url, &redact(&self.url));
            eprintln!(
                "warning: dead-man ping {} to {} failed: {reason} (the cycle is unaffected; \
                 check [deadman] and the network)",
                ping.name(),
                redact(&self.url),
            );
        }
    }
}

/// What went wrong, without ureq's Display (which starts with the whole URL).
fn describe(err: &ureq::Error) -> String {
    match err {
        ureq::Error::Status(code, _) => format!("HTTP {code}"),
        ureq::Error::Transport(transport) => crate::error_text::transport(transport),
    }
}

/// `https://hc-ping.com/<uuid>` -> `https://hc-ping.com/***`: scheme and host only.
pub fn redact(url: &str) -> String {
    let (scheme, rest) = match url.split_once("://") {
        Some((scheme, rest)) => (format!("{scheme}://"), rest),
        None => (String::new(), url),
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    // user:password@host: keep the host only.
    let host = authority.rsplit('@').next().unwrap_or(authority);
    if host.is_empty() {
        return "***".into();
    }
    format!("{scheme}{host}/***")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_keeps_scheme_and_host_only() {
        assert_eq!(
            redact("https://hc-ping.com/5f3c-uuid"),
            "https://hc-ping.com/***"
        );
        assert_eq!(
            redact("http://user:secret@127.0.0.1:8080/ping/abc?x=1"),
            "http://127.0.0.1:8080/***"
        );
        assert_eq!(redact("not a url"), "not a url/***");
        assert_eq!(redact(""), "***");
    }

    #[test]
    fn busy_cycles_do_not_ping_fail() {
        let busy: anyhow::Result<CycleReport> =
            Err(anyhow::Error::from(HbError::Busy("another cycle".into())).context("cycle"));
        assert_eq!(Ping::after(&busy), None);
        let broken: anyhow::Result<CycleReport> = Err(anyhow::anyhow!("no store"));
        assert_eq!(Ping::after(&broken), Some(Ping::Fail));
    }
}
