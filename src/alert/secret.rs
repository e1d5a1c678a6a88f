//! Secrets (SMTP passwords, webhook URLs, HMAC keys) and the redaction pass every error
//! string goes through before it is stored or printed.
//!
//! A secret is read from the environment or a file when a channel sends, never from the
//! config itself, and never printed: `Secret`'s Debug and Display show `***`. Errors from
//! the HTTP and SMTP libraries can still quote a secret (ureq puts the URL, which for
//! Discord holds the token, into its errors), so `Redactor` scrubs every known secret out
//! of any text that leaves a channel.
//!
//! The config's one redactor (`AlertsConfig::redactor`) knows every secret hb can read:
//! channel secrets, each `${VAR}` of the checks' URLs and headers, the dead-man URL.
//! It is applied where a check's outcome is made and where an alert is queued, so
//! nothing a check saw (a body echoing a key) reaches the store, a log or a channel.

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

pub const MASK: &str = "***";

/// A value that must never be shown.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value itself, for the one place that needs it (a header, a login).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

/// Where a secret comes from: only its name or path is ever printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    Env(String),
    File(PathBuf),
}

impl SecretSource {
    /// Read the secret; `base` resolves a relative file path (the config's directory).
    /// Surrounding whitespace (a file's trailing newline) is not part of it.
    pub fn resolve(&self, base: Option<&Path>) -> Result<Secret> {
        let value = match self {
            SecretSource::Env(var) => match std::env::var(var) {
                Ok(value) => value,
                Err(std::env::VarError::NotPresent) => {
                    bail!("environment variable {var} is not set")
                }
                Err(std::env::VarError::NotUnicode(_)) => {
                    bail!("environment variable {var} is not valid UTF-8")
                }
            },
            SecretSource::File(path) => {
                let path = match base {
                    Some(dir) if path.is_relative() => dir.join(path),
                    _ => path.clone(),
                };
                // The io error names only the path and the OS reason, never the content.
                std::fs::read_to_string(&path)
                    .with_context(|| format!("could not read secret file {}", path.display()))?
            }
        };
        let value = value.trim();
        if value.is_empty() {
            bail!("{} is empty", self.describe());
        }
        Ok(Secret::new(value))
    }

    pub fn describe(&self) -> String {
        match self {
            SecretSource::Env(var) => format!("environment variable {var}"),
            SecretSource::File(path) => format!("secret file {}", path.display()),
        }
    }
}

/// Scrubs known secrets out of text. Built from every secret a command resolved.
#[derive(Default, Clone)]
pub struct Redactor {
    needles: Vec<String>,
}

/// Never the needles themselves: a debug print of a config must not leak them.
impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Redactor({} needles)", self.needles.len())
    }
}

impl Redactor {
    pub fn new() -> Self {
        Redactor::default()
    }

    /// Remember a secret, in the forms it may be quoted in.
    pub fn add(&mut self, secret: &Secret) {
        let value = secret.expose();
        self.push(value);
        self.push(&utf8_percent_encode(value, QUOTED).to_string());
        // A URL secret (a webhook) is often quoted in part: its path or query after a
        // normalisation. The long path segments and the query are the tokens.
        if let Some(rest) = value
            .strip_prefix("https://")
            .or_else(|| value.strip_prefix("http://"))
        {
            let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
            self.push(query);
            for segment in path.split('/').skip(1) {
                if segment.len() >= 16 {
                    self.push(segment);
                }
            }
        }
    }

    fn push(&mut self, needle: &str) {
        if !needle.is_empty() && !self.needles.iter().any(|n| n == needle) {
            self.needles.push(needle.to_string());
            // Longest first, so a whole URL is masked before its own segments.
            self.needles.sort_by_key(|n| std::cmp::Reverse(n.len()));
        }
    }

    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_string();
        for needle in &self.needles {
            if out.contains(needle.as_str()) {
                out = out.replace(needle.as_str(), MASK);
            }
        }
        out
    }
}

/// How a URL quotes a secret (in its userinfo or query): everything but RFC 3986's
/// unreserved characters percent-encoded.
const QUOTED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_never_formats_its_value() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s}"), "***");
        assert_eq!(format!("{s:?}"), "***");
        assert_eq!(format!("{:?}", Some(s.clone())), "Some(***)");
        assert_eq!(s.expose(), "hunter2");
    }

    #[test]
    fn redacts_whole_url_and_its_token() {
        let url = "https://discord.com/api/webhooks/123456/AbCdEfGhIjKlMnOpQrStUvWxYz";
        let mut r = Redactor::new();
        r.add(&Secret::new(url));
        assert_eq!(
            r.redact(
                "https://discord.com/api/webhooks/123456/AbCdEfGhIjKlMnOpQrStUvWxYz: Connection refused"
            ),
            "***: Connection refused"
        );
        assert_eq!(
            r.redact("POST /api/webhooks/123456/AbCdEfGhIjKlMnOpQrStUvWxYz failed"),
            "POST /api/webhooks/123456/*** failed"
        );
    }

    #[test]
    fn redacts_percent_encoded_form() {
        let mut r = Redactor::new();
        r.add(&Secret::new("p@ss word"));
        assert_eq!(r.redact("user:p%40ss%20word@host"), "user:***@host");
        assert_eq!(r.redact("got p@ss word"), "got ***");
    }

    #[test]
    fn env_source_names_the_variable_not_a_value() {
        let err = SecretSource::Env("HB_TEST_SURELY_UNSET_VAR".into())
            .resolve(None)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "environment variable HB_TEST_SURELY_UNSET_VAR is not set"
        );
    }

    #[test]
    fn file_source_trims_and_resolves_relative_paths() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("pw"), "s3cret\n").unwrap();
        let secret = SecretSource::File("pw".into())
            .resolve(Some(dir.path()))
            .unwrap();
        assert_eq!(secret.expose(), "s3cret");
    }
}
