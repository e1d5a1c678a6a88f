//! Standard error: the demo's channel, and a cron job's (cron mails what it prints).

use std::io::Write;

use super::ChannelError;
use crate::alert::{digest, Alert};

pub(super) fn send(alerts: &[Alert]) -> Result<String, ChannelError> {
    let text = digest::plain_text(alerts);
    let mut err = std::io::stderr().lock();
    err.write_all(text.as_bytes())
        .and_then(|_| err.flush())
        .map_err(|e| ChannelError::new(format!("could not write to standard error: {e}")))?;
    Ok("written to standard error".to_string())
}
