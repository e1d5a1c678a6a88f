//! One JSON POST with ureq, waiting out 429 rate limits within a bound.

use std::time::Duration;

use super::ChannelError;

/// Tries of one POST when the server answers 429 (the first try included).
const MAX_TRIES: u32 = 3;
/// How much of a response body an answer or error quotes.
const SNIPPET_MAX: usize = 300;

/// POST `body` (JSON) to `url` with extra `headers`. A 2xx answer is success; a 429 is
/// retried after the server's `retry_after` (JSON body, seconds) or `Retry-After`
/// header, as long as the total wait stays within `max_wait`; anything else fails.
pub fn post_json(
    url: &str,
    body: &str,
    headers: &[(&str, String)],
    timeout: Duration,
    max_wait: Duration,
) -> Result<String, ChannelError> {
    // No redirects: a signed payload or a webhook token must not follow a Location.
    let agent = ureq::AgentBuilder::new()
        .timeout(timeout)
        .redirects(0)
        .user_agent(concat!("hb/", env!("CARGO_PKG_VERSION")))
        .build();
    let mut waited = Duration::ZERO;
    for _ in 0..MAX_TRIES {
        let mut request = agent.post(url).set("Content-Type", "application/json");
        for (name, value) in headers {
            request = request.set(name, value);
        }
        let response = match request.send_string(body) {
            Ok(response) => response,
            Err(ureq::Error::Status(_, response)) => response,
            Err(ureq::Error::Transport(t)) => {
                return Err(ChannelError::new(crate::error_text::transport(&t)))
            }
        };
        let status = response.status();
        let status_text = response.status_text().to_string();
        let header_wait = response.header("retry-after").and_then(parse_seconds);
        let text = response.into_string().unwrap_or_default();
        let answer = if text.trim().is_empty() {
            format!("HTTP {status} {status_text}")
        } else {
            format!("HTTP {status} {status_text}: {}", snippet(&text))
        };
        if (200..300).contains(&status) {
            return Ok(answer);
        }
        if status != 429 {
            return Err(ChannelError::new(answer));
        }
        let wait = retry_after(&text)
            .or(header_wait)
            .unwrap_or(Duration::from_secs(1));
        if waited + wait > max_wait {
            return Err(ChannelError {
                retry_after: Some(wait),
                ..ChannelError::new(format!(
                    "{answer} (rate limited: the server asked to wait {:.1}s, more than this run waits)",
                    wait.as_secs_f64()
                ))
            });
        }
        std::thread::sleep(wait);
        waited += wait;
    }
    Err(ChannelError::new(format!(
        "still rate limited (HTTP 429) after {MAX_TRIES} tries"
    )))
}

/// Discord's 429 body: `{"retry_after": 0.2, ...}` in seconds (a float).
fn retry_after(body: &str) -> Option<Duration> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    seconds(value.get("retry_after")?.as_f64()?)
}

fn parse_seconds(header: &str) -> Option<Duration> {
    seconds(header.trim().parse::<f64>().ok()?)
}

fn seconds(s: f64) -> Option<Duration> {
    (s.is_finite() && s >= 0.0).then(|| Duration::from_secs_f64(s.min(86_400.0)))
}

fn snippet(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    crate::alert::digest::truncate(&one_line, SNIPPET_MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_from_body_or_header() {
        assert_eq!(
            retry_after(
                r#"{"message":"You are being rate limited.","retry_after":0.25,"global":false}"#
            ),
            Some(Duration::from_millis(250))
        );
        assert_eq!(retry_after("not json"), None);
        assert_eq!(parse_seconds("3"), Some(Duration::from_secs(3)));
        assert_eq!(parse_seconds("-1"), None);
        assert_eq!(parse_seconds("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    }
}
