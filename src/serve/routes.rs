//! The endpoints: each answers with the read model's document for its question (the bytes
//! of the CLI's `--json`), read from the store at the moment of the request.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;
use chrono::{DateTime, Utc};

use super::http::{Request, Response, JSON};
use super::security::Token;
use crate::clock::Clock;
use crate::config::Loaded;
use crate::exit::{self, HbError};
use crate::store::Store;
use crate::view;
use crate::view::health::{self, HealthStatus};

/// What every request reads: the config (loaded once, at start), the store's path and the
/// clock (`--now` fixes it for every request; otherwise each request reads the time).
pub struct App {
    pub loaded: Loaded,
    pub store_path: PathBuf,
    pub fixed_now: Option<DateTime<Utc>>,
    pub token: Option<Token>,
}

/// The endpoints, for 404's message and the README.
pub const ENDPOINTS: &str = "/health, /livez, /readyz, /health/heartbeat, /health/checks, \
     /health/checks/NAME, /health/properties/ID, /health/insights, /metrics";

/// `?limit=` when none is given: as the CLI's lists.
const DEFAULT_LIMIT: usize = 50;

#[derive(Debug, PartialEq, Eq)]
enum Route<'a> {
    Livez,
    Readyz,
    Health,
    Heartbeat,
    Checks,
    Check(String),
    Property(&'a str),
    Insights,
    Metrics,
}

impl<'a> Route<'a> {
    fn of(path: &'a str) -> Option<Route<'a>> {
        // One trailing slash is forgiven (`/health/checks/`).
        let path = match path.strip_suffix('/') {
            Some(p) if !p.is_empty() => p,
            _ => path,
        };
        Some(match path {
            "/livez" => Route::Livez,
            "/readyz" => Route::Readyz,
            "/health" => Route::Health,
            "/health/heartbeat" => Route::Heartbeat,
            "/health/checks" => Route::Checks,
            "/health/insights" => Route::Insights,
            "/metrics" => Route::Metrics,
            _ => {
                if let Some(name) = path.strip_prefix("/health/checks/") {
                    let name = percent_encoding::percent_decode_str(name)
                        .decode_utf8()
                        .ok()?;
                    (!name.is_empty() && !name.contains('/'))
                        .then(|| Route::Check(name.into_owned()))?
                } else if let Some(id) = path.strip_prefix("/health/properties/") {
                    (!id.is_empty() && !id.contains('/')).then_some(Route::Property(id))?
                } else {
                    return None;
                }
            }
        })
    }

    /// The query parameters it takes.
    fn params(&self) -> &'static [&'static str] {
        match self {
            Route::Check(_) => &["window", "limit"],
            Route::Insights => &["limit"],
            _ => &[],
        }
    }
}

impl App {
    /// The answer to `request`; never panics the worker (see `serve::worker`).
    pub fn answer(&self, request: &Request) -> Response {
        let path = request.path();
        let route = Route::of(path);
        // Every path but /livez needs the token, before anything says what exists.
        match &self.token {
            Some(token) => {
                if route != Some(Route::Livez) && !token.admits(request.header("authorization")) {
                    return Response::error(
                        401,
                        "a bearer token is required: send `Authorization: Bearer TOKEN` with \
                         the token of this server's --token-env variable",
                    )
                    .with_header("WWW-Authenticate", "Bearer realm=\"hb\"");
                }
            }
            None => {
                // Without a token only this machine may ask: a web page that rebinds its
                // own name to 127.0.0.1 still sends that name.
                if let Some(host) = request.header("host").filter(|h| !is_loopback_host(h)) {
                    return Response::error(
                        421,
                        &format!(
                            "this server answers requests for localhost or a loopback address, \
                             not `{host}`: without a token it serves this machine alone \
                             (serve other names with --token-env)"
                        ),
                    );
                }
            }
        }
        let Some(route) = route else {
            return Response::error(
                404,
                &format!("no endpoint at {path}: hb serve answers {ENDPOINTS}"),
            );
        };
        if request.method != "GET" && request.method != "HEAD" {
            return Response::error(
                405,
                &format!(
                    "{} is not allowed: the endpoints only read (GET or HEAD)",
                    request.method
                ),
            )
            .with_header("Allow", "GET, HEAD");
        }
        let params = match Params::parse(request.query(), route.params(), path) {
            Ok(params) => params,
            Err(message) => return Response::error(400, &message),
        };
        let now = Clock::new(self.fixed_now).now_ts();
        match self.route(&route, &params, now) {
            Ok(response) => response,
            Err(err) => self.failure(&route, &err),
        }
    }

    fn route(&self, route: &Route<'_>, params: &Params, now: i64) -> Result<Response> {
        let config = &self.loaded.config;
        Ok(match route {
            Route::Livez => Response::json(200, JSON, &health::liveness()),
            Route::Readyz => {
                let ready = health::readiness(&self.store_path, self.store(), config, now);
                Response::json(ready.http_status(), JSON, &ready)
            }
            Route::Health => {
                let store = self.store_if_any()?;
                // The verdict alone: the board's figures and the top actions are not part
                // of the format, and cost a scan of the open notifications.
                let assessment =
                    view::status::assess(store.as_ref(), &self.store_path, config, now, None)?;
                let doc = health::health(&assessment);
                Response::json(doc.status.http_status(), health::CONTENT_TYPE, &doc)
            }
            Route::Heartbeat => match view::logs::last_cycle(&self.store()?)? {
                Some(run) => Response::json(200, JSON, &run),
                None => Response::error(
                    404,
                    "no cycle has run yet: run `hb cycle` or install the timer (`hb schedule`)",
                ),
            },
            Route::Checks => {
                let store = self.store_if_any()?;
                Response::json(
                    200,
                    JSON,
                    &view::checks::board(store.as_ref(), config, now)?,
                )
            }
            Route::Check(name) => {
                let window = params.window()?;
                let limit = params.limit()?;
                let detail =
                    view::checks::detail(&self.store()?, config, name, now, window, limit)?;
                Response::json(200, JSON, &detail)
            }
            Route::Property(id) => {
                let id: i64 = id.parse().map_err(|_| {
                    HbError::Usage(format!(
                        "`{id}` is not a property id: use a number, e.g. /health/properties/5"
                    ))
                })?;
                let heartbeat = view::property::heartbeat(&self.store()?, config, id, now)?;
                Response::json(200, JSON, &heartbeat)
            }
            Route::Insights => {
                let limit = params.limit()?;
                let insights = view::insights::insights(&self.store()?, config, limit, now)?;
                Response::json(200, JSON, &insights)
            }
            Route::Metrics => {
                let text = crate::export::exposition(config, &self.store()?, now)?;
                Response::text(200, crate::export::CONTENT_TYPE, text)
            }
        })
    }

    /// The store, which must exist: a missing one is 503 (this server has nothing to
    /// read yet), not 404.
    fn store(&self) -> Result<Store> {
        if !self.store_path.exists() {
            return Err(Unavailable(format!(
                "no store at {}: nothing has run here yet. Run `hb cycle` (or `hb init`) with this \
                 config, or start hb serve with --db pointing at the store",
                self.store_path.display()
            ))
            .into());
        }
        Store::open_read_only(&self.store_path)
    }

    /// The store when there is one (`/health` and the board have an answer without).
    fn store_if_any(&self) -> Result<Option<Store>> {
        if !self.store_path.exists() {
            return Ok(None);
        }
        Store::open_read_only(&self.store_path).map(Some)
    }

    /// An error as its status code: a usage error 400, an unknown id 404 (with the CLI's
    /// message), a store that is missing, locked or unreadable 503 with what to do.
    fn failure(&self, route: &Route<'_>, err: &anyhow::Error) -> Response {
        let typed = err.chain().find_map(|c| c.downcast_ref::<HbError>());
        let (status, message) = match typed {
            Some(HbError::Usage(m)) => (400, m.clone()),
            Some(HbError::NotFound(m)) => (404, m.clone()),
            _ if exit::code_for(err) == exit::BUSY => (
                503,
                format!(
                    "{err:#}: the store {} stayed locked past the busy timeout (a long write \
                     holds it): try again shortly",
                    self.store_path.display()
                ),
            ),
            _ => match err.chain().find_map(|c| c.downcast_ref::<Unavailable>()) {
                Some(Unavailable(m)) => (503, m.clone()),
                None => (503, format!("cannot answer: {err:#}")),
            },
        };
        if *route == Route::Health {
            // A monitor reads /health in its own format, whatever went wrong.
            let doc = health::health(&view::status::Assessment {
                status: crate::checks::Status::Unknown,
                reasons: vec![message],
                last_cycle: None,
                open_notifications: Default::default(),
                checks: Vec::new(),
                rejected_recipients: Vec::new(),
            });
            return Response::json(HealthStatus::Fail.http_status(), health::CONTENT_TYPE, &doc)
                .with_header("Retry-After", "5");
        }
        let response = Response::error(status, &message);
        if status == 503 {
            response.with_header("Retry-After", "5")
        } else {
            response
        }
    }
}

/// A `Host` header naming this machine's loopback: `localhost` (or a name under it), or a
/// loopback address, with or without a port.
fn is_loopback_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        // `[::1]:9810`
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Nothing to read yet: 503 with what to do.
#[derive(Debug)]
struct Unavailable(String);

impl std::fmt::Display for Unavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unavailable {}

/// A request's query parameters: only those its endpoint takes, each once.
#[derive(Debug, Default)]
struct Params(Vec<(String, String)>);

impl Params {
    fn parse(query: Option<&str>, allowed: &[&str], path: &str) -> Result<Params, String> {
        let mut params: Vec<(String, String)> = Vec::new();
        for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |s: &str| {
                percent_encoding::percent_decode_str(&s.replace('+', " "))
                    .decode_utf8_lossy()
                    .into_owned()
            };
            let (name, value) = (decode(name), decode(value));
            if !allowed.contains(&name.as_str()) {
                let takes = if allowed.is_empty() {
                    "it takes none".to_string()
                } else {
                    format!("it takes: {}", allowed.join(", "))
                };
                return Err(format!(
                    "unknown query parameter `{name}` for {path} ({takes})"
                ));
            }
            if params.iter().any(|(n, _)| *n == name) {
                return Err(format!("query parameter `{name}` given twice"));
            }
            params.push((name, value));
        }
        Ok(Params(params))
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// `?window=24h` (the default), as `hb status --window` takes it.
    fn window(&self) -> Result<Duration> {
        let text = self.get("window").unwrap_or("24h");
        crate::duration::ANY
            .parse(text)
            .map_err(|e| HbError::Usage(format!("window: {e:#}")).into())
    }

    /// `?limit=N` (0: all), as the CLI's `--limit`.
    fn limit(&self) -> Result<Option<usize>> {
        match self.get("limit") {
            None => Ok(Some(DEFAULT_LIMIT)),
            Some(text) => text
                .trim()
                .parse::<usize>()
                .map(crate::cli::row_limit)
                .map_err(|_| {
                    HbError::Usage(format!(
                        "limit: `{text}` is not a number of rows (0 for all)"
                    ))
                    .into()
                }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_name_their_endpoint() {
        assert_eq!(Route::of("/health"), Some(Route::Health));
        assert_eq!(Route::of("/health/checks/"), Some(Route::Checks));
        assert_eq!(
            Route::of("/health/checks/queue%20depth"),
            Some(Route::Check("queue depth".into()))
        );
        assert_eq!(
            Route::of("/health/properties/5"),
            Some(Route::Property("5"))
        );
        for none in [
            "/",
            "/healthz",
            "/health/checks/a/b",
            "/health/properties/",
            "//health",
        ] {
            assert_eq!(Route::of(none), None, "{none}");
        }
    }

    #[test]
    fn without_a_token_only_loopback_names_are_served() {
        for ok in [
            "127.0.0.1:9810",
            "127.0.0.1",
            "localhost",
            "LOCALHOST:80",
            "[::1]:9810",
            "a.localhost",
        ] {
            assert!(is_loopback_host(ok), "{ok}");
        }
        for no in [
            "evil.example",
            "evil.example:9810",
            "10.0.0.5:9810",
            "[2001:db8::1]:80",
            "localhost.evil.example",
        ] {
            assert!(!is_loopback_host(no), "{no}");
        }
    }

    #[test]
    fn parameters_are_the_endpoints_own_once_each() {
        let p = Params::parse(Some("window=1h&limit=0"), &["window", "limit"], "/x").expect("ok");
        assert_eq!(p.window().expect("window"), Duration::from_secs(3600));
        assert_eq!(p.limit().expect("limit"), None);
        let defaults = Params::parse(None, &["limit"], "/x").expect("ok");
        assert_eq!(defaults.limit().expect("limit"), Some(DEFAULT_LIMIT));
        let err = Params::parse(Some("token=x"), &[], "/health").expect_err("unknown");
        assert_eq!(
            err,
            "unknown query parameter `token` for /health (it takes none)"
        );
        let err = Params::parse(Some("limit=1&limit=2"), &["limit"], "/x").expect_err("twice");
        assert!(err.contains("twice"), "{err}");
        let bad = Params::parse(Some("window=soon"), &["window"], "/x").expect("parses");
        assert!(bad
            .window()
            .expect_err("bad")
            .to_string()
            .starts_with("window: "));
        let bad = Params::parse(Some("limit=-1"), &["limit"], "/x").expect("parses");
        assert!(bad.limit().is_err());
    }
}
