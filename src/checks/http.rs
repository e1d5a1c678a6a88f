//! `http`: one request; status, latency, body substring or a JSON field.
//!
//! Secrets come from the environment as `${VAR}` in the URL or header values. Header
//! values are never printed; their values, and the URL's, are redacted from the
//! outcome by the config's one redactor (`runner::run_one`), with everything else.

use std::io::Read;
use std::time::Instant;

use super::judge::Observation;
use super::model::HttpCheck;
use super::runner::{Observe, RunContext};
use crate::duration::Span;

/// Enough for a health document; a larger body is read up to this and judged on that.
const MAX_BODY: u64 = 1 << 20;

impl Observe for HttpCheck {
    fn observe(&self, timeout: Span, _ctx: &RunContext) -> Observation {
        let url = match expand(&self.url) {
            Ok(url) => url,
            Err(err) => return Observation::unknown(format!("url: {err}")),
        };
        let mut headers = Vec::new();
        for (name, value) in &self.headers {
            match expand(value) {
                Ok(value) => headers.push((name.as_str(), value)),
                Err(err) => return Observation::unknown(format!("header {name}: {err}")),
            }
        }
        // The URL as written: a `${VAR}` stays a name, never its value.
        let shown = format!("{} {}", self.method, self.url);

        let started = Instant::now();
        let (response, note) = match request(self, timeout, &url, &headers) {
            Ok(answered) => answered,
            Err(failure) => {
                let message = format!("{shown}: {}", failure.message);
                let obs = if failure.target_failed {
                    Observation::failed(message)
                } else {
                    Observation::unknown(message)
                };
                return obs.with_latency(started.elapsed());
            }
        };
        let status = response.status();
        let mut body = Vec::new();
        let read = response.into_reader().take(MAX_BODY).read_to_end(&mut body);
        let latency = started.elapsed();
        if let Err(err) = read {
            return Observation::failed(format!("{shown}: reading the body: {err}"))
                .with_latency(latency);
        }
        let mut obs = judge_response(self, status, &body, latency);
        if let Some(note) = note {
            obs.message = format!("{} ({note})", obs.message);
        }
        obs
    }
}

/// A request that got no answer, worded, and whether that is the target's fault.
struct TransportFailure {
    target_failed: bool,
    message: String,
}

/// At most this many redirects are followed (with `follow_redirects = true`).
const MAX_REDIRECTS: usize = 10;

/// Send the check's request within `timeout`. Redirects are followed only with `follow_redirects`, and
/// never to another origin (scheme, host, port) when the check sends configured
/// headers: they may hold a key meant for this origin alone. The note says why a
/// redirect was not followed; the 3xx is then judged like any status. An error is a
/// transport failure, worded.
fn request(
    check: &HttpCheck,
    timeout: Span,
    url: &str,
    headers: &[(&str, String)],
) -> Result<(ureq::Response, Option<String>), TransportFailure> {
    // ureq would re-send every custom header to wherever a redirect points.
    let agent = ureq::AgentBuilder::new().redirects(0).build();
    let deadline = crate::clock::deadline(timeout.0);
    let mut method = check.method.clone();
    let mut body = check.body.clone();
    let mut url = url.to_string();
    let mut hops = 0;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let mut request = agent.request(&method, &url).timeout(left);
        for (name, value) in headers {
            request = request.set(name, value);
        }
        let response = match match &body {
            Some(body) => request.send_string(body),
            None => request.call(),
        } {
            Ok(response) | Err(ureq::Error::Status(_, response)) => response,
            Err(ureq::Error::Transport(err)) => {
                return Err(TransportFailure {
                    target_failed: target_failed(err.kind()),
                    message: transport_message(&err, timeout),
                })
            }
        };
        let status = response.status();
        if !(300..400).contains(&status) || !check.follow_redirects {
            return Ok((response, None));
        }
        let Some(next) = response
            .header("location")
            .and_then(|to| url::Url::parse(response.get_url()).ok()?.join(to).ok())
        else {
            return Ok((response, None));
        };
        let here = url::Url::parse(&url).map(|u| u.origin());
        if !headers.is_empty() && here.as_ref().ok() != Some(&next.origin()) {
            let note = format!(
                "redirect to {} not followed: another origin, and this check sends configured headers",
                next.origin().ascii_serialization()
            );
            return Ok((response, Some(note)));
        }
        if hops == MAX_REDIRECTS {
            return Ok((
                response,
                Some(format!("stopped after {MAX_REDIRECTS} redirects")),
            ));
        }
        hops += 1;
        // As browsers do: 303, and 301/302 after a POST, continue with a GET.
        if status == 303 || (matches!(status, 301 | 302) && method == "POST") {
            method = "GET".into();
            body = None;
        }
        url = next.to_string();
    }
}

/// Judge a response: status, latency limit, body and JSON conditions.
fn judge_response(
    check: &HttpCheck,
    status: u16,
    body: &[u8],
    latency: std::time::Duration,
) -> Observation {
    let ms = latency.as_millis();
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
    let text = String::from_utf8_lossy(body);
    if let Some(needle) = &check.body_contains {
        if !text.contains(needle.as_str()) {
            return Observation::failed(format!(
                "HTTP {status} in {ms} ms, but the body does not contain {needle:?}"
            ))
            .with_latency(latency);
        }
    }
    let mut obs = Observation::ok(format!("HTTP {status} in {ms} ms")).with_latency(latency);
    if check.json.is_none() && check.json_path.is_none() {
        return obs;
    }
    let json: serde_json::Value = match serde_json::from_str(&text) {
        Ok(json) => json,
        Err(err) => {
            return Observation::failed(format!(
                "HTTP {status} in {ms} ms, but the body is not JSON ({err})"
            ))
            .with_latency(latency)
        }
    };
    if let Some(selection) = &check.json_path {
        let mut judged = super::json::judge_selection(&json, selection).with_latency(latency);
        judged.message = format!("HTTP {status} in {ms} ms: {}", judged.message);
        return judged;
    }
    if let Some(wanted) = &check.json {
        let field = &wanted.path;
        match json_field(&json, field) {
            Some(value) => {
                obs.message = format!(
                    "HTTP {status} in {ms} ms: {field} = {}",
                    super::json::reading(value).with_unit(wanted.value.unit())
                );
                obs.reading = Some(super::json::reading(value));
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

/// Whether a transport error is the target failing (it refused, hung up, answered
/// garbage) rather than a request hb could not make: a URL or proxy setting that does
/// not parse, or a name that does not resolve, is unknown, as in Nagios' check_http.
fn target_failed(kind: ureq::ErrorKind) -> bool {
    use ureq::ErrorKind as K;
    match kind {
        K::ConnectionFailed
        | K::TooManyRedirects
        | K::BadStatus
        | K::BadHeader
        | K::Io
        | K::HTTP => true,
        K::InvalidUrl
        | K::UnknownScheme
        | K::Dns
        | K::InsecureRequestHttpsOnly
        | K::InvalidProxyUrl
        | K::ProxyConnect
        | K::ProxyUnauthorized => false,
    }
}

/// ureq's transport errors repeat the URL; keep the kind and the cause.
fn transport_message(err: &ureq::Transport, timeout: Span) -> String {
    let source = std::error::Error::source(err);
    let timed_out = source
        .and_then(|s| s.downcast_ref::<std::io::Error>())
        .is_some_and(super::tls::is_timeout);
    // A TLS server that never finishes its handshake fails as a read timeout
    // ("Resource temporarily unavailable") inside ureq's TLS setup.
    if timed_out && err.message() == Some("tls connection init failed") {
        return super::tls::handshake_timed_out(timeout);
    }
    crate::error_text::transport(err)
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

/// Replace each `${VAR}` with its value.
pub fn expand(template: &str) -> Result<String, String> {
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
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
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
        assert_eq!(
            expand("Bearer ${HB_SURELY_UNSET_VAR_1}").unwrap_err(),
            "$HB_SURELY_UNSET_VAR_1 is not set"
        );
        assert_eq!(expand("plain").unwrap(), "plain");
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
