//! Discord webhooks: one message with an embed per alert (see `digest::discord_payload`).

use std::time::Duration;

use anyhow::Context;

use super::{http, ChannelError, SendContext};
use crate::alert::config::DiscordConfig;
use crate::alert::{digest, Alert};

pub(super) fn send(
    cfg: &DiscordConfig,
    timeout: Duration,
    alerts: &[Alert],
    cx: &SendContext<'_>,
) -> Result<String, ChannelError> {
    let url = cfg
        .webhook_url
        .resolve(cx.base_dir)
        .context("no webhook URL")?;
    let body = serde_json::to_string(&digest::discord_payload(alerts))
        .context("could not encode the Discord message")?;
    http::post_json(url.expose(), &body, &[], timeout, cx.max_rate_limit_wait)
}
