//! `http`: one request; status, latency, body substring or a JSON field.
//!
//! Secrets come from the environment as `${VAR}` in the URL or header values. Their
//! values are redacted from every message, and header values are never printed.

use std::io::Read;
use std::time::Instant;

use super::{CheckConfig, Observation, Reading};

/// Enough for a health document; a larger body is read up to this and judged on that.
const MAX_BODY: u64 = 1 << 20;

pub fn observe(check: &CheckConfig) -> Observation {
    let mut secrets = Vec::new();
    let template = check.url.as_deref().unwrap_or_default();
    let url = match expand(template, &mut secrets) {
        Ok(url) => url,
        Err(err) => return Observation::unknown(format!("url: {err}")),
    };
    let mut headers = Vec::new();
    for (name, value) in check.headers.iter().flatten() {
        match expand(value, &mut secrets) {
            Ok(value) => headers.push((name.as_str(), value)),
            Err(err) => return Observation::unknown(format!("header {name}: {err}")),
        }
    }
    let method = check
        .method
        .as_deref()
        .unwrap_or("GET")
        .to_ascii_uppercase();
    // The URL as written: a `${VAR}` stays a name, never its value.
    let shown = format!("{method} {template}");

    let agent = ureq::AgentBuilder::new().timeout(check.timeout.0).build();
    let mut request = agent.request(&method, &url);
    for (name, value) in &headers {
        request = request.set(name, value);
    }
    let started = Instant::now();
    let result = match &check.body {
        Some(body) => request.send_string(body),
        None => request.call(),
    };
    let response = match result {
        Ok(response) | Err(ureq::Error::Status(_, response)) => response,
        Err(ureq::Error::Transport(err)) => {
            let message = redact(&format!("{shown}: {}", transport_message(&err)), &secrets);
            return Observation::failed(message).with_latency(started.elapsed());
        }
    };
    let status = response.status();
    let mut body = Vec::new();
    let read = response.into_reader().take(MAX_BODY).read_to_end(&mut body);
    let latency = started.elapsed();
    let ms = latency.as_millis();
    if let Err(err) = read {
        return Observation::failed(redact(
            &format!("{shown}: reading the body: {err}"),
            &secrets,
        ))
        .with_latency(latency);
    }

    let status_ok = match check.expect_status {
        Some(want) => status == want,
        None => (200..300).contains(&status),
    };
    if !status_ok {
        let want = check
            .expect_status
            .map(|s| s.to_string())
            .unwrap_or_else(|| "2xx".into());
        return Observation::failed(format!("HTTP {status} in {ms} ms, expected {want}"))
            .with_latency(latency);
    }
    if let Some(limit) = check.max_latency_ms {
        if ms > u128::from(limit) {
            return Observation::failed(format!(
                "HTTP {status} in {ms} ms, over the limit of {limit} ms"
            ))
            .with_latency(latency);
        }
    }
    let text = String::from_utf8_lossy(&body);
    if let Some(needle) = &check.body_contains {
        if !text.contains(needle.as_str()) {
            return Observation::failed(format!(
                "HTTP {status} in {ms} ms, but the body does not contain {needle:?}"
            ))
            .with_latency(latency);
        }
    }
    let mut obs = Observation::ok(format!("HTTP {status} in {ms} ms")).with_latency(latency);
    if let Some(field) = &check.json_field {
        let json: serde_json::Value = match serde_json::from_str(&text) {
            Ok(json) => json,
            Err(err) => {
                return Observation::failed(format!(
                    "HTTP {status} in {ms} ms, but the body is not JSON ({err})"
                ))
                .with_latency(latency)
            }
        };
        match json_field(&json, field) {
            Some(value) => {
                obs.message = format!(
                    "HTTP {status} in {ms} ms: {field} = {}",
                    reading(value).with_unit(check.unit())
                );
                obs.reading = Some(reading(value));
            }
            None => {
                return Observation::failed(format!(
                    "HTTP {status} in {ms} ms, but the JSON has no field `{field}`"
                ))
                .with_latency(latency)
            }
        }
    }
    obs
}

/// ureq's transport errors repeat the URL; keep the kind and the cause.
fn transport_message(err: &ureq::Transport) -> String {
    let mut message = err.kind().to_string();
    if let Some(detail) = err.message() {
        message = format!("{message}: {detail}");
    }
    if let Some(source) = std::error::Error::source(err) {
        message = format!("{message}: {source}");
    }
    message
}

/// `a.b.0.c`: object keys, and indexes into arrays.
pub fn json_field<'a>(json: &'a serde_json::Value, path: &str) -> Option<&'a serde_json::Value> {
    path.split('.')
        .try_fold(json, |value, segment| match value {
            serde_json::Value::Object(map) => map.get(segment),
            serde_json::Value::Array(items) => {
                segment.parse::<usize>().ok().and_then(|i| items.get(i))
            }
            _ => None,
        })
}

fn reading(value: &serde_json::Value) -> Reading {
    match value {
        serde_json::Value::Null => Reading::Null,
        serde_json::Value::Bool(b) => Reading::Bool(*b),
        serde_json::Value::Number(n) => n.as_f64().map(Reading::Number).unwrap_or(Reading::Null),
        serde_json::Value::String(s) => Reading::Text(s.clone()),
        other => Reading::Text(other.to_string()),
    }
}

/// The names of the `${VAR}`s in a template.
pub fn template_vars(template: &str) -> Vec<String> {
    let mut vars = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        match after.find('}') {
            Some(end) => {
                vars.push(after[..end].to_string());
                rest = &after[end + 1..];
            }
            None => break,
        }
    }
    vars
}

/// Reject an unterminated `${` or a bad variable name.
pub fn check_template(template: &str) -> Result<(), String> {
    let opened = template.matches("${").count();
    let vars = template_vars(template);
    if vars.len() != opened {
        return Err(format!("unterminated `${{` in {template:?}"));
    }
    for var in vars {
        let valid = !var.is_empty()
            && var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !var.starts_with(|c: char| c.is_ascii_digit());
        if !valid {
            return Err(format!(
                "invalid environment variable name {var:?} in `${{...}}`"
            ));
        }
    }
    Ok(())
}

/// Replace each `${VAR}` with its value, remembering the values as secrets.
pub fn expand(template: &str, secrets: &mut Vec<String>) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after
            .find('}')
            .ok_or_else(|| format!("unterminated `${{` in {template:?}"))?;
        let var = &after[..end];
        let value = std::env::var(var)
            .ok()
            .filter(|v| !v.is_empty())
            .ok_or_else(|| format!("${var} is not set"))?;
        out.push_str(&value);
        secrets.push(value);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Replace every secret value in a message with `***`.
pub fn redact(message: &str, secrets: &[String]) -> String {
    secrets
        .iter()
        .filter(|s| !s.is_empty())
        .fold(message.to_string(), |m, secret| {
            m.replace(secret.as_str(), "***")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates() {
        assert_eq!(
            template_vars("Bearer ${TOKEN} ${X_2}"),
            vec!["TOKEN", "X_2"]
        );
        assert!(check_template("Bearer ${TOKEN}").is_ok());
        assert!(check_template("Bearer ${TOKEN").is_err());
        assert!(check_template("${1X}").is_err());
        assert!(check_template("${}").is_err());
        let mut secrets = Vec::new();
        assert_eq!(
            expand("Bearer ${HB_SURELY_UNSET_VAR_1}", &mut secrets).unwrap_err(),
            "$HB_SURELY_UNSET_VAR_1 is not set"
        );
        assert_eq!(expand("plain", &mut secrets).unwrap(), "plain");
    }

    #[test]
    fn redaction_hides_every_secret() {
        let secrets = vec!["s3cr3t".to_string(), String::new()];
        assert_eq!(
            redact("GET /x?k=s3cr3t failed: s3cr3t", &secrets),
            "GET /x?k=*** failed: ***"
        );
    }

    #[test]
    fn json_paths() {
        let json: serde_json::Value =
            serde_json::from_str(r#"{"workers":{"available":3},"items":[{"id":7}],"ok":true}"#)
                .unwrap();
        assert_eq!(
            json_field(&json, "workers.available"),
            Some(&serde_json::json!(3))
        );
        assert_eq!(json_field(&json, "items.0.id"), Some(&serde_json::json!(7)));
        assert_eq!(json_field(&json, "items.1.id"), None);
        assert_eq!(json_field(&json, "ok"), Some(&serde_json::json!(true)));
        assert_eq!(json_field(&json, "missing.x"), None);
    }
}
