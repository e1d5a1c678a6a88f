//! A generic JSON webhook: one POST of `digest::WebhookPayload`, signed when a secret is
//! configured: `X-Hb-Signature: sha256=<hex of HMAC-SHA256(secret, body)>`.

use std::time::Duration;

use anyhow::Context;

use super::{http, ChannelError, SendContext};
use crate::alert::config::{UrlSource, WebhookConfig};
use crate::alert::{digest, Alert};

pub const SIGNATURE_HEADER: &str = "X-Hb-Signature";

pub(super) fn send(
    name: &str,
    cfg: &WebhookConfig,
    timeout: Duration,
    alerts: &[(Option<i64>, Alert)],
    cx: &SendContext<'_>,
) -> Result<String, ChannelError> {
    let url = match &cfg.url {
        UrlSource::Literal(url) => url.clone(),
        UrlSource::Secret(source) => source
            .resolve(cx.base_dir)
            .context("no webhook URL")?
            .expose()
            .to_string(),
    };
    let body = serde_json::to_string(&digest::webhook_payload(name, alerts, cx.now))
        .context("could not encode the webhook payload")?;
    let mut headers = Vec::new();
    if let Some(source) = &cfg.secret {
        let secret = source.resolve(cx.base_dir).context("no signing secret")?;
        headers.push((
            SIGNATURE_HEADER,
            format!(
                "sha256={}",
                sign(secret.expose().as_bytes(), body.as_bytes())
            ),
        ));
    }
    http::post_json(&url, &body, &headers, timeout, cx.max_rate_limit_wait)
}

/// Lowercase hex of HMAC-SHA256(key, body).
pub fn sign(key: &[u8], body: &[u8]) -> String {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key);
    ring::hmac::sign(&key, body)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        assert_eq!(
            sign(b"Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
