//! `hb checks`: every check type against a real target on 127.0.0.1 or on disk.

use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use serde::Deserialize;
use serde_json::Value;

use super::support::http::{Reply, Server};
use super::support::{at, now_ts, ReservedPort};
use super::{Hb, NOW};

// ---------------------------------------------------------------------------------
// Targets

/// The HTTP target of the http checks. The path says what to do, in pairs:
/// `/status/503`, `/delay/200`, `/json`, `/headers` (echo the request head),
/// `/hang` (never answer within a test's timeouts); anything else answers 200 `ok`.
fn target() -> Server {
    Server::start(|_, request| {
        let segments: Vec<&str> = request.path.trim_matches('/').split('/').collect();
        let mut reply = Reply::text(200, "ok");
        let mut i = 0;
        while i < segments.len() {
            let number = |default| {
                segments
                    .get(i + 1)
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(default)
            };
            match segments[i] {
                "status" => {
                    reply.status = number(500) as u16;
                    i += 1;
                }
                "delay" => {
                    reply = reply.after(Duration::from_millis(number(0)));
                    i += 1;
                }
                "json" => {
                    reply = Reply::json(
                        200,
                        r#"{"status":"ok","workers":{"available":1,"total":4}}"#,
                    )
                    .after(reply.delay);
                }
                "headers" => reply = reply.body(request.head.clone()),
                "hang" => return Reply::hang(),
                _ => {}
            }
            i += 1;
        }
        reply
    })
}

fn set_mtime(path: &Path, ts: i64) {
    let time = SystemTime::UNIX_EPOCH + Duration::from_secs(ts as u64);
    std::fs::File::options()
        .write(true)
        .open(path)
        .expect("open")
        .set_modified(time)
        .expect("set mtime");
}

/// `[[check]]` text from its fields (group defaults to system).
fn check(name: &str, kind: &str, fields: &str) -> String {
    let group = if fields.contains("group =") {
        String::new()
    } else {
        "group = \"system\"\n".to_string()
    };
    format!("[[check]]\nname = \"{name}\"\n{group}type = \"{kind}\"\n{fields}\n\n")
}

/// Run `hb ARGS --json` whatever its exit code: (code, document).
fn run_json(hb: &Hb, args: &[&str]) -> (i32, Value) {
    let out = hb.cmd().args(args).arg("--json").output().expect("run hb");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let doc = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "hb {args:?} --json is not JSON ({e}): {stdout}\nstderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), doc)
}

/// `hb checks run NAME... --json`: (exit code, results by position).
fn run_checks(hb: &Hb, names: &[&str]) -> (i32, Vec<Value>) {
    let mut args = vec!["checks", "run"];
    args.extend_from_slice(names);
    let (code, doc) = run_json(hb, &args);
    (code, doc["results"].as_array().cloned().unwrap_or_default())
}

fn one(hb: &Hb, name: &str) -> (i32, Value) {
    let (code, mut results) = run_checks(hb, &[name]);
    assert_eq!(results.len(), 1, "{results:?}");
    (code, results.remove(0))
}

fn sqlite(path: &Path, sql: &str) {
    let conn = rusqlite::Connection::open(path).expect("open fixture");
    conn.execute_batch(sql).expect("fixture sql");
}

// ---------------------------------------------------------------------------------
// http

#[test]
fn http_status_and_latency_are_recorded() {
    let hb = Hb::new();
    let server = target();
    let port = server.port();
    hb.write(
        "heartbeat.toml",
        &(check(
            "api",
            "http",
            &format!("url = \"http://127.0.0.1:{port}/status/200\"\nexpect_status = 200\nmax_latency_ms = 2000"),
        ) + &check("api-down", "http", &format!("url = \"http://127.0.0.1:{port}/status/503\"\nexpect_status = 200"))),
    );
    let (code, result) = one(&hb, "api");
    assert_eq!(code, 0, "{result}");
    assert_eq!(result["status"], "ok");
    assert!(result["latency_ms"].is_u64(), "{result}");
    assert!(
        result["message"]
            .as_str()
            .unwrap()
            .starts_with("HTTP 200 in"),
        "{result}"
    );

    let (code, result) = one(&hb, "api-down");
    assert_eq!(code, 2);
    assert_eq!(result["status"], "critical");
    assert!(
        result["message"].as_str().unwrap().contains("HTTP 503"),
        "{result}"
    );
    assert!(
        result["latency_ms"].is_u64(),
        "latency is recorded for failures too: {result}"
    );

    assert_eq!(
        hb.query_i64("SELECT count(*) FROM check_results WHERE latency_ms IS NOT NULL"),
        2
    );
    // Both runs did their work: ok, whatever they found (a critical is a finding).
    assert_eq!(
        hb.query_i64("SELECT count(*) FROM runs WHERE trigger = 'checks' AND status = 'ok' AND finished_at IS NOT NULL AND duration_ms IS NOT NULL"),
        2
    );
}

#[test]
fn http_latency_limit_and_severity() {
    let hb = Hb::new();
    let server = target();
    let port = server.port();
    let url = format!("url = \"http://127.0.0.1:{port}/delay/300\"\nmax_latency_ms = 100");
    hb.write(
        "heartbeat.toml",
        &(check("slow", "http", &url)
            + &check(
                "slow-warn",
                "http",
                &format!("{url}\nseverity = \"warning\""),
            )),
    );
    let (code, result) = one(&hb, "slow");
    assert_eq!(code, 2);
    assert!(
        result["message"]
            .as_str()
            .unwrap()
            .contains("over the limit of 100 ms"),
        "{result}"
    );
    assert!(result["latency_ms"].as_u64().unwrap() >= 300, "{result}");
    let (code, result) = one(&hb, "slow-warn");
    assert_eq!((code, result["status"].as_str()), (1, Some("warning")));
}

#[test]
fn http_body_and_json_conditions() {
    let hb = Hb::new();
    let server = target();
    let port = server.port();
    let base = format!("http://127.0.0.1:{port}");
    hb.write(
        "heartbeat.toml",
        &[
            check("body", "http", &format!("url = \"{base}/json\"\nbody_contains = \"workers\"")),
            check("body-missing", "http", &format!("url = \"{base}/json\"\nbody_contains = \"nope\"")),
            check("json-status", "http", &format!("url = \"{base}/json\"\njson_field = \"status\"\nexpect = \"ok\"")),
            check(
                "capacity",
                "http",
                &format!("url = \"{base}/json\"\njson_field = \"workers.available\"\nwarn_below = 3\ncrit_below = 2"),
            ),
            check("not-json", "http", &format!("url = \"{base}/status/200\"\njson_field = \"a\"\nexpect = 1")),
        ]
        .concat(),
    );
    let (code, results) = run_checks(
        &hb,
        &[
            "body",
            "body-missing",
            "json-status",
            "capacity",
            "not-json",
        ],
    );
    assert_eq!(code, 2);
    let status: Vec<&str> = results
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(status, ["ok", "critical", "ok", "critical", "critical"]);
    assert_eq!(results[3]["value"], 1.0);
    let message = results[3]["message"].as_str().unwrap();
    assert!(
        message.ends_with("workers.available = 1 (critical below 2)"),
        "{message}"
    );
    assert!(results[4]["message"].as_str().unwrap().contains("not JSON"));
}

#[test]
fn http_headers_come_from_the_environment_and_are_never_printed() {
    let hb = Hb::new();
    let closed = ReservedPort::new();
    let server = target();
    let port = server.port();
    let secret = "s3cret-token-value";
    hb.write(
        "heartbeat.toml",
        &[
            check(
                "auth",
                "http",
                &format!(
                    "url = \"http://127.0.0.1:{port}/headers\"\nheaders = {{ Authorization = \"Bearer ${{HB_TEST_TOKEN}}\" }}\nbody_contains = \"Bearer {secret}\""
                ),
            ),
            check(
                "auth-down",
                "http",
                &format!(
                    "url = \"http://127.0.0.1:{}/${{HB_TEST_TOKEN}}\"\nheaders = {{ X-Key = \"${{HB_TEST_TOKEN}}\" }}",
                    closed.port()
                ),
            ),
            check(
                "auth-unset",
                "http",
                &format!("url = \"http://127.0.0.1:{port}/\"\nheaders = {{ X-Key = \"${{HB_TEST_UNSET}}\" }}"),
            ),
        ]
        .concat(),
    );
    let out = hb
        .cmd()
        .env("HB_TEST_TOKEN", secret)
        .args(["checks", "run", "auth", "auth-down", "auth-unset", "--json"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    let status: Vec<&str> = doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(status, ["ok", "critical", "unknown"], "{stdout}");
    assert!(doc["results"][2]["message"]
        .as_str()
        .unwrap()
        .contains("$HB_TEST_UNSET is not set"));
    assert!(!stdout.contains(secret), "the secret leaked: {stdout}");
    assert!(!String::from_utf8_lossy(&out.stderr).contains(secret));
    assert_eq!(
        hb.query_i64(&format!(
            "SELECT count(*) FROM check_results WHERE message LIKE '%{secret}%'"
        )),
        0
    );
}

/// An HTTP server on 127.0.0.1 (it keeps every request). `/to/PORT/REST` redirects
/// (302) to `http://127.0.0.1:PORT/REST`; `/here/REST` redirects to `/REST` on itself;
/// anything else answers 200 `ok`.
fn redirecting_server() -> Server {
    Server::start(|_, request| {
        let path = request.path.as_str();
        let location = if let Some(rest) = path.strip_prefix("/to/") {
            let (port, rest) = rest.split_once('/').unwrap_or((rest, ""));
            Some(format!("http://127.0.0.1:{port}/{rest}"))
        } else {
            path.strip_prefix("/here").map(str::to_string)
        };
        match location {
            Some(to) => Reply::status(302).header("Location", to),
            None => Reply::text(200, "ok"),
        }
    })
}

/// The request heads a server got, in order.
fn heads(server: &Server) -> Vec<String> {
    server.requests().into_iter().map(|r| r.head).collect()
}

#[test]
fn redirects_are_followed_only_when_asked_and_never_to_another_origin_with_headers() {
    let hb = Hb::new();
    let (front, elsewhere) = (redirecting_server(), redirecting_server());
    let (port, other) = (front.port(), elsewhere.port());
    let secret = "k3y-for-the-front-only";
    let key = "headers = { X-Api-Key = \"${HB_TEST_KEY}\" }";
    let url = |path: &str| format!("url = \"http://127.0.0.1:{port}{path}\"");
    hb.write(
        "heartbeat.toml",
        &[
            check(
                "plain",
                "http",
                &format!("{}\n{key}", url(&format!("/to/{other}/x"))),
            ),
            check(
                "expects-302",
                "http",
                &format!(
                    "{}\n{key}\nexpect_status = 302",
                    url(&format!("/to/{other}/x"))
                ),
            ),
            check(
                "cross",
                "http",
                &format!(
                    "{}\n{key}\nfollow_redirects = true",
                    url(&format!("/to/{other}/x"))
                ),
            ),
            check(
                "same",
                "http",
                &format!("{}\n{key}\nfollow_redirects = true", url("/here/ok")),
            ),
            check(
                "cross-no-headers",
                "http",
                &format!(
                    "{}\nfollow_redirects = true",
                    url(&format!("/to/{other}/open"))
                ),
            ),
        ]
        .concat(),
    );
    let out = hb
        .cmd()
        .env("HB_TEST_KEY", secret)
        .args([
            "checks",
            "run",
            "plain",
            "expects-302",
            "cross",
            "same",
            "cross-no-headers",
            "--json",
        ])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = doc["results"].as_array().unwrap();
    let said = |i: usize| results[i]["message"].as_str().unwrap().to_string();
    // Not asked to follow: the 302 is the answer.
    assert_eq!(results[0]["status"], "critical", "{:?}", results[0]);
    assert!(said(0).starts_with("HTTP 302 in "), "{}", said(0));
    assert!(said(0).contains("expected 2xx"), "{}", said(0));
    assert_eq!(results[1]["status"], "ok", "{:?}", results[1]);
    // Asked, but the other origin would get the key.
    assert_eq!(results[2]["status"], "critical", "{:?}", results[2]);
    assert!(
        said(2).contains(&format!("redirect to http://127.0.0.1:{other} not followed: another origin, and this check sends configured headers")),
        "{}",
        said(2)
    );
    assert_eq!(results[3]["status"], "ok", "{:?}", results[3]);
    assert_eq!(results[4]["status"], "ok", "{:?}", results[4]);
    // The other origin saw one request, the header-less one; the front saw the key.
    let elsewhere = heads(&elsewhere);
    assert_eq!(elsewhere.len(), 1, "{elsewhere:?}");
    assert!(elsewhere[0].starts_with("GET /open "), "{elsewhere:?}");
    assert!(
        !elsewhere.iter().any(|h| h.contains(secret)),
        "{elsewhere:?}"
    );
    let front = heads(&front);
    assert!(
        front
            .iter()
            .any(|h| h.starts_with("GET /ok ") && h.contains(secret)),
        "{front:?}"
    );
}

/// A TCP listener that accepts and never says a word: a TLS handshake with it hangs.
fn silent_listener() -> (u16, TcpListener) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    (port, listener)
}

#[test]
fn a_tls_handshake_that_never_completes_says_so() {
    let hb = Hb::new();
    // The kernel completes the TCP handshake from the backlog; nothing ever answers.
    let (port, _listener) = silent_listener();
    hb.write(
        "heartbeat.toml",
        &(check(
            "tls-silent",
            "tls",
            &format!("address = \"127.0.0.1:{port}\"\ntimeout = \"1s\""),
        ) + &check(
            "https-silent",
            "http",
            &format!("url = \"https://127.0.0.1:{port}/health\"\ntimeout = \"1s\""),
        )),
    );
    let started = Instant::now();
    let (code, results) = run_checks(&hb, &["tls-silent", "https-silent"]);
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(code, 2);
    assert_eq!(
        results[0]["message"],
        format!("127.0.0.1:{port}: TLS handshake timed out after 1s")
    );
    assert_eq!(
        results[1]["message"],
        format!("GET https://127.0.0.1:{port}/health: TLS handshake timed out after 1s")
    );
}

#[test]
fn a_hung_http_target_is_cut_at_the_timeout() {
    let hb = Hb::new();
    let server = target();
    let port = server.port();
    hb.write(
        "heartbeat.toml",
        &check(
            "hung",
            "http",
            &format!("url = \"http://127.0.0.1:{port}/hang\"\ntimeout = \"1s\""),
        ),
    );
    let started = Instant::now();
    let (code, result) = one(&hb, "hung");
    let elapsed = started.elapsed();
    assert_eq!(code, 2, "{result}");
    assert!(elapsed < Duration::from_secs(4), "took {elapsed:?}");
}

#[test]
fn fifty_slow_http_checks_run_in_parallel() {
    let hb = Hb::new();
    let server = target();
    let port = server.port();
    let config: String = (0..50)
        .map(|i| {
            check(
                &format!("api-{i}"),
                "http",
                &format!("url = \"http://127.0.0.1:{port}/delay/200\""),
            )
        })
        .collect();
    hb.write("heartbeat.toml", &config);
    let started = Instant::now();
    let (code, doc) = run_json(&hb, &["checks", "run", "--all"]);
    let elapsed = started.elapsed();
    eprintln!("50 http checks of 200 ms each: {elapsed:?} wall time");
    assert_eq!(code, 0, "{doc}");
    let results = doc["results"].as_array().unwrap();
    assert_eq!(results.len(), 50);
    assert!(results.iter().all(|r| r["status"] == "ok"));
    assert!(elapsed < Duration::from_secs(2), "took {elapsed:?}");
}

// ---------------------------------------------------------------------------------
// tcp

#[test]
fn tcp_open_and_closed_ports() {
    let hb = Hb::new();
    let closed = ReservedPort::new();
    let open = TcpListener::bind("127.0.0.1:0").unwrap();
    let open_port = open.local_addr().unwrap().port();
    hb.write(
        "heartbeat.toml",
        &(check(
            "open",
            "tcp",
            &format!("address = \"127.0.0.1:{open_port}\"\ntimeout = \"2s\""),
        ) + &check(
            "closed",
            "tcp",
            &format!(
                "address = \"127.0.0.1:{}\"\ntimeout = \"2s\"",
                closed.port()
            ),
        )),
    );
    let (code, results) = run_checks(&hb, &["open", "closed"]);
    assert_eq!(code, 2);
    assert_eq!(results[0]["status"], "ok", "{:?}", results[0]);
    assert!(results[0]["message"]
        .as_str()
        .unwrap()
        .starts_with("connected to"));
    assert_eq!(results[1]["status"], "critical");
    assert!(results[1]["message"]
        .as_str()
        .unwrap()
        .contains("cannot connect"));
    drop(open);
}

// ---------------------------------------------------------------------------------
// sql and sqlite_integrity

fn app_db(hb: &Hb) -> std::path::PathBuf {
    let db = hb.path("app.db");
    let now = now_ts();
    sqlite(
        &db,
        &format!(
            "CREATE TABLE tasks (id INTEGER PRIMARY KEY, status TEXT, started_at INTEGER, tenant TEXT, cost REAL);
             INSERT INTO tasks (status, started_at, tenant, cost) VALUES
               ('queued', NULL, 'acme', 1.5), ('queued', NULL, 'acme', 2.0),
               ('running', {stuck}, 'globex', 30.0), ('running', {fresh}, 'acme', 0.5);
             CREATE TABLE ledger (account TEXT, kind TEXT, amount REAL);",
            stuck = now - 2 * 3600,
            fresh = now - 60
        ),
    );
    db
}

#[test]
fn sql_thresholds_expect_and_the_clock() {
    let mut hb = Hb::new();
    app_db(&hb);
    let db = "database = 'app.db'";
    hb.write(
        "heartbeat.toml",
        &[
            check("depth-ok", "sql", &format!("{db}\nquery = \"SELECT count(*) FROM tasks WHERE status = 'queued'\"\nwarn_above = 80\ncrit_above = 100")),
            check("depth-warn", "sql", &format!("{db}\nquery = \"SELECT count(*) FROM tasks WHERE status = 'queued'\"\nwarn_above = 1\ncrit_above = 5")),
            check("depth-crit", "sql", &format!("{db}\nquery = \"SELECT count(*) FROM tasks\"\nwarn_above = 1\ncrit_above = 3")),
            check("floor", "sql", &format!("{db}\nquery = \"SELECT count(*) FROM tasks\"\nwarn_below = 10\ncrit_below = 2")),
            // `:now` is hb's clock: one task has run for two hours.
            check("stuck", "sql", &format!("{db}\nquery = \"SELECT count(*) FROM tasks WHERE status = 'running' AND started_at < :now - 3600\"\nexpect = 0")),
            check("bad-query", "sql", &format!("{db}\nquery = \"SELECT nope FROM missing\"\nexpect = 0")),
            check("no-db", "sql", "database = 'absent.db'\nquery = \"SELECT 1\"\nexpect = 1"),
        ]
        .concat(),
    );
    let names = [
        "depth-ok",
        "depth-warn",
        "depth-crit",
        "floor",
        "stuck",
        "bad-query",
        "no-db",
    ];
    let (code, results) = run_checks(&hb, &names);
    assert_eq!(code, 2);
    let status: Vec<&str> = results
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        status,
        ["ok", "warning", "critical", "warning", "critical", "unknown", "unknown"]
    );
    assert_eq!(results[0]["value"], 2.0);
    assert_eq!(results[0]["message"], "depth ok 2 (warn above 80)");
    assert_eq!(results[2]["message"], "depth crit 4 (critical above 3)");
    assert_eq!(results[4]["message"], "stuck 1 (expected 0)");
    assert!(
        results[5]["message"]
            .as_str()
            .unwrap()
            .contains("no such table"),
        "{:?}",
        results[5]
    );
    assert!(results[6]["message"]
        .as_str()
        .unwrap()
        .contains("does not exist"));

    // The same stuck-task query an hour earlier finds nothing stuck.
    hb.now = at(-3600 - 120);
    let (code, result) = one(&hb, "stuck");
    assert_eq!(
        (code, result["status"].as_str()),
        (0, Some("ok")),
        "{result}"
    );
}

#[test]
fn sql_opens_the_database_read_only() {
    let hb = Hb::new();
    app_db(&hb);
    let copy = hb.path("copy.db");
    let attached = hb.path("attached.db");
    let query = |name: &str, sql: &str| {
        check(
            name,
            "sql",
            &format!("database = 'app.db'\nquery = \"{sql}\"\nexpect = 1"),
        )
    };
    hb.write(
        "heartbeat.toml",
        &[
            query("writer", "DELETE FROM tasks RETURNING 1"),
            query("vacuum-into", &format!("VACUUM INTO '{}'", copy.display())),
            query(
                "attach",
                &format!("ATTACH '{}' AS other", attached.display()),
            ),
            query("pragma-write", "PRAGMA user_version = 7"),
            query("reader", "SELECT count(*) = 4 FROM tasks"),
            check("integrity", "sqlite_integrity", "database = 'app.db'"),
        ]
        .concat(),
    );
    let (_, results) = run_checks(
        &hb,
        &[
            "writer",
            "vacuum-into",
            "attach",
            "pragma-write",
            "reader",
            "integrity",
        ],
    );
    let said = |i: usize| results[i]["message"].as_str().unwrap().to_string();
    for (i, why) in [
        (0, "the statement writes to table tasks"),
        (1, "VACUUM INTO writes a copy of it to a file"),
        (2, "ATTACH opens another database file"),
        (3, "PRAGMA user_version with a value changes a setting"),
    ] {
        assert_eq!(results[i]["status"], "unknown", "{:?}", results[i]);
        assert!(said(i).starts_with("query refused: "), "{}", said(i));
        assert!(said(i).contains(why), "{}", said(i));
        assert!(said(i).contains("read-only"), "{}", said(i));
    }
    assert!(!copy.exists(), "VACUUM INTO wrote {}", copy.display());
    assert!(!attached.exists(), "ATTACH created {}", attached.display());
    assert_eq!(results[4]["status"], "ok", "{:?}", results[4]);
    assert_eq!(results[5]["status"], "ok", "{:?}", results[5]);
    let conn = rusqlite::Connection::open(hb.path("app.db")).unwrap();
    let n: i64 = conn
        .query_row("SELECT count(*) FROM tasks", [], |r| r.get(0))
        .unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!((n, version), (4, 0));
}

#[test]
fn ledger_balance_assets_equal_liabilities_plus_equity() {
    let hb = Hb::new();
    sqlite(
        &hb.path("balanced.db"),
        "CREATE TABLE ledger (kind TEXT, amount REAL);
         INSERT INTO ledger VALUES ('asset', 1000.10), ('asset', 250), ('liability', 700.05), ('equity', 550.05);",
    );
    sqlite(
        &hb.path("unbalanced.db"),
        "CREATE TABLE ledger (kind TEXT, amount REAL);
         INSERT INTO ledger VALUES ('asset', 1000), ('liability', 700), ('equity', 250);",
    );
    let query = "query = \"\"\"SELECT round(
        coalesce(sum(CASE WHEN kind = 'asset' THEN amount END), 0)
      - coalesce(sum(CASE WHEN kind = 'liability' THEN amount END), 0)
      - coalesce(sum(CASE WHEN kind = 'equity' THEN amount END), 0), 2) FROM ledger\"\"\"\nexpect = 0\ngroup = \"integrity\"";
    hb.write(
        "heartbeat.toml",
        &(check(
            "balanced",
            "sql",
            &format!("database = 'balanced.db'\n{query}"),
        ) + &check(
            "unbalanced",
            "sql",
            &format!("database = 'unbalanced.db'\n{query}"),
        )),
    );
    let (code, results) = run_checks(&hb, &["balanced", "unbalanced"]);
    assert_eq!(code, 2);
    assert_eq!(results[0]["status"], "ok", "{:?}", results[0]);
    assert_eq!(results[1]["status"], "critical");
    assert_eq!(results[1]["message"], "unbalanced 50 (expected 0)");
}

#[test]
fn sql_metrics_record_series_per_label() {
    let hb = Hb::new();
    app_db(&hb);
    hb.write(
        "heartbeat.toml",
        &check(
            "cost-per-tenant",
            "sql",
            "database = 'app.db'\nquery = \"SELECT tenant, sum(cost) FROM tasks GROUP BY tenant ORDER BY tenant\"\nmetrics = true\nwarn_above = 20\ncrit_above = 25",
        ),
    );
    let (code, result) = one(&hb, "cost-per-tenant");
    assert_eq!(code, 2, "{result}");
    assert_eq!(result["value"], 34.0);
    assert_eq!(
        result["message"],
        "cost per tenant: 2 series, total 34; globex 30 (critical above 25)"
    );
    assert_eq!(result["metrics"][0]["label"], "acme");
    assert_eq!(result["metrics"][0]["value"], 4.0);
    assert_eq!(
        hb.query_i64("SELECT count(*) FROM metric_values WHERE check_name = 'cost-per-tenant' AND label = 'globex' AND value = 30"),
        1
    );
}

#[test]
fn integrity_finds_orphans_and_corruption() {
    let hb = Hb::new();
    let schema = "PRAGMA foreign_keys = OFF;
        CREATE TABLE properties (id INTEGER PRIMARY KEY);
        CREATE TABLE contracts (id INTEGER PRIMARY KEY, property_id INTEGER REFERENCES properties (id));
        INSERT INTO properties VALUES (1);
        INSERT INTO contracts VALUES (1, 1);";
    sqlite(&hb.path("clean.db"), schema);
    sqlite(
        &hb.path("orphans.db"),
        &format!("{schema} INSERT INTO contracts VALUES (2, 99), (3, 98);"),
    );
    // A file that is not a database: what a truncated or overwritten store looks like.
    std::fs::write(hb.path("corrupt.db"), vec![0x5a; 8192]).unwrap();
    hb.write(
        "heartbeat.toml",
        &[
            check(
                "clean",
                "sqlite_integrity",
                "database = 'clean.db'\ngroup = \"integrity\"",
            ),
            check(
                "orphans",
                "sqlite_integrity",
                "database = 'orphans.db'\ngroup = \"integrity\"",
            ),
            check(
                "corrupt",
                "sqlite_integrity",
                "database = 'corrupt.db'\ngroup = \"integrity\"",
            ),
        ]
        .concat(),
    );
    let (code, results) = run_checks(&hb, &["clean", "orphans", "corrupt"]);
    assert_eq!(code, 2);
    assert_eq!(results[0]["status"], "ok", "{:?}", results[0]);
    assert_eq!(results[0]["value"], 0.0);
    assert_eq!(results[1]["status"], "critical");
    assert_eq!(
        results[1]["message"],
        "2 orphaned rows: 2 in contracts -> properties"
    );
    assert_eq!(results[1]["value"], 2.0);
    assert_eq!(results[2]["status"], "critical", "{:?}", results[2]);
    assert!(
        results[2]["message"]
            .as_str()
            .unwrap()
            .contains("not a database"),
        "{:?}",
        results[2]
    );
}

// ---------------------------------------------------------------------------------
// command

fn script(hb: &Hb, name: &str, body: &str) -> String {
    let path = hb.write(name, &format!("#!/bin/sh\n{body}\n"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    path.display().to_string()
}

#[test]
fn command_follows_nagios_conventions() {
    let hb = Hb::new();
    let mut config = String::new();
    for (code, word) in [(0, "OK"), (1, "WARNING"), (2, "CRITICAL"), (3, "UNKNOWN")] {
        let path = script(
            &hb,
            &format!("plugin{code}.sh"),
            &format!("echo '{word} - queue at {code}0 | depth={code}0;50;80;0 lag=1.5s'\necho 'long text'\nexit {code}"),
        );
        config += &check(
            &format!("plugin-{code}"),
            "command",
            &format!("command = ['{path}']"),
        );
    }
    config += &check(
        "shell",
        "command",
        "command = \"echo 'OK - piped' | cat\"\nshell = true",
    );
    config += &check(
        "missing",
        "command",
        "command = ['/nonexistent/check_thing']",
    );
    hb.write("heartbeat.toml", &config);
    let (code, results) = run_checks(
        &hb,
        &[
            "plugin-0", "plugin-1", "plugin-2", "plugin-3", "shell", "missing",
        ],
    );
    assert_eq!(code, 2);
    let status: Vec<&str> = results
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        status,
        ["ok", "warning", "critical", "unknown", "ok", "unknown"]
    );
    assert_eq!(results[1]["message"], "WARNING - queue at 10");
    assert_eq!(results[1]["value"], 10.0);
    assert_eq!(results[1]["metrics"][1]["label"], "lag");
    assert_eq!(results[1]["metrics"][1]["unit"], "s");
    assert_eq!(results[4]["message"], "OK - piped");
    assert_eq!(
        hb.query_i64("SELECT count(*) FROM metric_values WHERE check_name = 'plugin-2' AND label = 'depth' AND value = 20"),
        1
    );
    // Each exit code alone sets the process's exit code.
    for (name, want) in [("plugin-0", 0), ("plugin-1", 1), ("plugin-3", 3)] {
        assert_eq!(one(&hb, name).0, want, "{name}");
    }
}

#[test]
fn a_command_past_its_timeout_is_killed() {
    let hb = Hb::new();
    let pid_file = hb.path("sleeper.pid");
    // The sleep is a child of the script: killing only the script would leave it
    // holding the output pipe, and hb waiting for it.
    let path = script(
        &hb,
        "sleeper.sh",
        &format!("echo $$ > '{}'\nsleep 30\necho done", pid_file.display()),
    );
    hb.write(
        "heartbeat.toml",
        &check(
            "sleeper",
            "command",
            &format!("command = ['{path}']\ntimeout = \"1s\""),
        ),
    );
    let started = Instant::now();
    let (code, result) = one(&hb, "sleeper");
    let elapsed = started.elapsed();
    assert_eq!(code, 2, "{result}");
    assert!(
        result["message"]
            .as_str()
            .unwrap()
            .starts_with("timed out after 1s"),
        "{result}"
    );
    assert!(elapsed >= Duration::from_secs(1), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(4), "took {elapsed:?}");
    let pid = std::fs::read_to_string(&pid_file).unwrap();
    assert!(
        !Path::new(&format!("/proc/{}", pid.trim())).exists(),
        "the script still runs"
    );
}

/// Whether a process runs (not a zombie): `/proc/PID/stat` field 3 is its state.
fn alive(pid: &str) -> bool {
    std::fs::read_to_string(format!("/proc/{}/stat", pid.trim()))
        .ok()
        .and_then(|stat| {
            stat.rsplit_once(')')
                .map(|(_, rest)| !rest.trim_start().starts_with('Z'))
        })
        .unwrap_or(false)
}

/// Waits for a pid file a background process writes (it may lag its parent's exit).
fn read_pid(path: &Path) -> String {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if let Ok(pid) = std::fs::read_to_string(path) {
            if !pid.trim().is_empty() {
                return pid.trim().to_string();
            }
        }
        assert!(Instant::now() < deadline, "no pid in {}", path.display());
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_background_child_holding_stdout_loses_nothing_and_dies_with_the_check() {
    let hb = Hb::new();
    let pid_file = hb.path("child.pid");
    // The plugin prints its result, leaves a sleeper holding its stdout, and exits 0.
    let plugin = script(
        &hb,
        "plugin.sh",
        &format!(
            "echo 'OK - fine|v=5'\nsleep 1000 &\necho $! > '{}'\nexit 0",
            pid_file.display()
        ),
    );
    let remedy_pid = hb.path("remedy.pid");
    let remedy = script(
        &hb,
        "remedy.sh",
        &format!(
            "echo restarted\nsleep 1000 &\necho $! > '{}'\nexit 0",
            remedy_pid.display()
        ),
    );
    hb.write(
        "heartbeat.toml",
        &(check(
            "plugin",
            "command",
            &format!("command = ['{plugin}']\ntimeout = \"5s\""),
        ) + &check(
            "remedied",
            "command",
            &format!(
                "command = ['sh', '-c', 'if [ -e down ]; then echo CRITICAL - down; exit 2; fi; echo OK - up']\non_failure = [['{remedy}']]"
            ),
        )),
    );
    // Remediation waits until the check has passed here once.
    assert_eq!(one(&hb, "remedied").1["status"], "ok");
    hb.write("down", "");
    let started = Instant::now();
    let (_, doc) = run_json(&hb, &["checks", "run", "plugin", "remedied", "--remediate"]);
    let results = doc["results"].as_array().cloned().unwrap_or_default();
    let elapsed = started.elapsed();
    assert_eq!(results[0]["status"], "ok", "{:?}", results[0]);
    assert_eq!(results[0]["message"], "OK - fine");
    assert_eq!(results[0]["value"], 5.0);
    assert!(elapsed < Duration::from_secs(4), "took {elapsed:?}");
    let action = &results[1]["remediation"]["actions"][0];
    assert_eq!(action["exit_code"], 0, "{action}");
    assert_eq!(action["output"], "restarted");
    for pid in [read_pid(&pid_file), read_pid(&remedy_pid)] {
        assert!(!alive(&pid), "background child {pid} outlived the check");
    }
}

#[test]
fn a_child_that_left_the_process_group_is_reported() {
    let hb = Hb::new();
    let pid_file = hb.path("escaped.pid");
    // setsid puts the sleeper in a session of its own: killing the plugin's group
    // cannot reach it, and it keeps the plugin's stdout open.
    let plugin = script(
        &hb,
        "plugin.sh",
        &format!(
            "echo 'OK - fine|v=5'\nsetsid sh -c 'echo $$ > \"{}\"; exec sleep 1000' &\nexit 0",
            pid_file.display()
        ),
    );
    hb.write(
        "heartbeat.toml",
        &check(
            "plugin",
            "command",
            &format!("command = ['{plugin}']\ntimeout = \"5s\""),
        ),
    );
    let started = Instant::now();
    let (code, result) = one(&hb, "plugin");
    let elapsed = started.elapsed();
    let pid = read_pid(&pid_file);
    let escaped = alive(&pid);
    // The test started it: end it whatever the assertions say.
    let _ = std::process::Command::new("kill")
        .args(["-9", &pid])
        .status();
    assert!(escaped, "the setsid child should still run (pid {pid})");
    assert_eq!(code, 0, "{result}");
    assert_eq!(result["value"], 5.0);
    let message = result["message"].as_str().unwrap();
    assert!(message.starts_with("OK - fine ("), "{message}");
    assert!(
        message.contains("outside its process group (e.g. with setsid) still holds its output open and was left running"),
        "{message}"
    );
    assert!(elapsed < Duration::from_secs(4), "took {elapsed:?}");
}

// ---------------------------------------------------------------------------------
// file_age, disk

#[test]
fn file_age_fresh_stale_and_missing() {
    let hb = Hb::new();
    let fresh = hb.write("fresh.beat", "");
    let stale = hb.write("stale.beat", "");
    set_mtime(&fresh, now_ts() - 30);
    set_mtime(&stale, now_ts() - 600);
    hb.write(
        "heartbeat.toml",
        &[
            check("fresh", "file_age", "path = 'fresh.beat'\nmax_age = \"2m\""),
            check("stale", "file_age", "path = 'stale.beat'\nmax_age = \"2m\""),
            check(
                "missing",
                "file_age",
                "path = 'missing.beat'\nmax_age = \"2m\"\nseverity = \"warning\"",
            ),
        ]
        .concat(),
    );
    let (code, results) = run_checks(&hb, &["fresh", "stale", "missing"]);
    assert_eq!(code, 2);
    assert_eq!(results[0]["status"], "ok");
    assert_eq!(results[0]["value"], 30.0);
    assert_eq!(results[1]["status"], "critical");
    assert_eq!(
        results[1]["message"],
        "stale.beat last modified 10m ago, over the limit of 2m"
    );
    assert_eq!(results[2]["status"], "warning");
    assert_eq!(results[2]["message"], "missing.beat does not exist");
}

#[test]
fn disk_free_space_thresholds() {
    let hb = Hb::new();
    hb.write(
        "heartbeat.toml",
        &[
            check("disk-ok", "disk", "path = '.'\ncrit_below = 0.0001"),
            check("disk-full", "disk", "path = '.'\ncrit_below = 100.1"),
            check("disk-gone", "disk", "path = 'no/such/dir'"),
        ]
        .concat(),
    );
    let (code, results) = run_checks(&hb, &["disk-ok", "disk-full", "disk-gone"]);
    assert_eq!(code, 2);
    assert_eq!(results[0]["status"], "ok", "{:?}", results[0]);
    let free = results[0]["value"].as_f64().unwrap();
    assert!((0.0..=100.0).contains(&free));
    assert!(results[0]["message"]
        .as_str()
        .unwrap()
        .contains("% free on ."));
    assert_eq!(results[1]["status"], "critical");
    assert!(results[1]["message"]
        .as_str()
        .unwrap()
        .ends_with("(critical below 100.1%)"));
    // A path that is not there is a config that does not fit this machine.
    assert_eq!(results[2]["status"], "unknown", "{:?}", results[2]);
}

// ---------------------------------------------------------------------------------
// tls

fn certificate(not_after: (i32, u8, u8)) -> (rcgen::CertifiedKey, String) {
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    params.not_before = rcgen::date_time_ymd(2026, 1, 1);
    params.not_after = rcgen::date_time_ymd(not_after.0, not_after.1, not_after.2);
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    let pem = cert.pem();
    (
        rcgen::CertifiedKey {
            cert,
            key_pair: key,
        },
        pem,
    )
}

/// A TLS server on 127.0.0.1 presenting `cert`; it completes up to `max` handshakes.
fn tls_server(certified: rcgen::CertifiedKey, max: usize) -> u16 {
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(certified.key_pair.serialize_der().into());
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![certified.cert.der().clone()], key)
    .unwrap();
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(max) {
            let Ok(mut stream) = stream else { continue };
            let config = config.clone();
            std::thread::spawn(move || {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                let Ok(mut conn) = rustls::ServerConnection::new(config) else {
                    return;
                };
                while conn.is_handshaking() {
                    if conn.complete_io(&mut stream).is_err() {
                        return;
                    }
                }
                let _ = conn.complete_io(&mut stream);
            });
        }
    });
    port
}

#[test]
fn tls_days_until_expiry_from_a_server_and_a_pem_file() {
    let hb = Hb::new();
    let closed = ReservedPort::new();
    // NOW is 2026-11-25T12:00Z.
    let (far, _) = certificate((2027, 3, 5));
    let (_, soon_pem) = certificate((2026, 12, 5));
    let (_, expired_pem) = certificate((2026, 11, 1));
    hb.write("soon.pem", &soon_pem);
    hb.write("expired.pem", &expired_pem);
    let port = tls_server(far, 5);
    hb.write(
        "heartbeat.toml",
        &[
            check("tls-server", "tls", &format!("address = \"127.0.0.1:{port}\"\nserver_name = \"localhost\"\ngroup = \"security\"")),
            check("tls-soon", "tls", "path = 'soon.pem'\ngroup = \"security\""),
            check("tls-expired", "tls", "path = 'expired.pem'\ngroup = \"security\""),
            check("tls-closed", "tls", &format!("address = \"127.0.0.1:{}\"\ntimeout = \"2s\"", closed.port())),
        ]
        .concat(),
    );
    let (code, results) = run_checks(
        &hb,
        &["tls-server", "tls-soon", "tls-expired", "tls-closed"],
    );
    assert_eq!(code, 2);
    assert_eq!(results[0]["status"], "ok", "{:?}", results[0]);
    assert_eq!(results[0]["value"], 99.5);
    assert!(results[0]["message"]
        .as_str()
        .unwrap()
        .contains("expires 2027-03-05T00:00:00Z"));
    assert_eq!(results[1]["status"], "warning", "{:?}", results[1]);
    assert_eq!(results[1]["value"], 9.5);
    assert_eq!(results[2]["status"], "critical");
    assert!(results[2]["message"]
        .as_str()
        .unwrap()
        .contains("expired 2026-11-01"));
    assert_eq!(results[3]["status"], "critical");
}

// ---------------------------------------------------------------------------------
// cycle

#[test]
fn cycle_check_watches_the_run_log() {
    let mut hb = Hb::new();
    hb.write(
        "heartbeat.toml",
        &("[schedule]\nsystem = \"5m\"\n\n".to_string()
            + &check("heartbeat", "cycle", "every = \"1h\"")),
    );
    // No store yet: nothing ran, which hb cannot call healthy.
    let (code, result) = one(&hb, "heartbeat");
    assert_eq!(code, 3, "{result}");
    assert!(result["message"]
        .as_str()
        .unwrap()
        .contains("no cycle has run yet"));

    // Cycles every 5 minutes for the last hour.
    let conn = rusqlite::Connection::open(hb.db()).unwrap();
    for i in 0..13 {
        conn.execute(
            "INSERT INTO runs (trigger, started_at, status) VALUES ('timer', ?1, 'ok')",
            [now_ts() - 3600 + i * 300],
        )
        .unwrap();
    }
    let (code, result) = one(&hb, "heartbeat");
    assert_eq!(code, 0, "{result}");
    assert_eq!(result["value"], 300.0);

    // Twenty minutes later nothing ran: a gap of 20m > 2 x 5m. `hb checks run` itself
    // records runs, and those do not count as cycles.
    hb.now = at(20 * 60);
    let (code, result) = one(&hb, "heartbeat");
    assert_eq!(code, 2, "{result}");
    assert_eq!(result["value"], 1200.0);
    assert!(
        result["message"]
            .as_str()
            .unwrap()
            .starts_with("no cycle for 20m"),
        "{result}"
    );
}

// ---------------------------------------------------------------------------------
// could not evaluate: unknown, and no remediation

#[test]
fn checks_that_cannot_be_evaluated_are_unknown_and_say_why() {
    let hb = Hb::new();
    app_db(&hb);
    // A name no resolver accepts (a label over 63 bytes): it fails without the network.
    let nowhere = format!("{}.invalid", "a".repeat(64));
    let touch = "on_failure = [[\"touch\", \"remediated\"]]";
    hb.write(
        "heartbeat.toml",
        &[
            check(
                "sql-no-db",
                "sql",
                &format!(
                    "database = '/nonexistent/app.db'\nquery = \"SELECT 1\"\nexpect = 1\n{touch}"
                ),
            ),
            check(
                "sql-bad-query",
                "sql",
                &format!("database = 'app.db'\nquery = \"selec 1\"\nexpect = 1\n{touch}"),
            ),
            check(
                "sql-dir",
                "sql",
                &format!("database = '.'\nquery = \"SELECT 1\"\nexpect = 1\n{touch}"),
            ),
            check(
                "integrity-no-db",
                "sqlite_integrity",
                &format!("database = 'absent.db'\n{touch}"),
            ),
            check(
                "tcp-no-dns",
                "tcp",
                &format!("address = \"{nowhere}:80\"\n{touch}"),
            ),
            check(
                "http-no-dns",
                "http",
                &format!("url = \"http://{nowhere}/\"\n{touch}"),
            ),
            check(
                "http-no-secret",
                "http",
                &format!("url = \"http://127.0.0.1:1/?k=${{HB_TEST_SURELY_UNSET}}\"\n{touch}"),
            ),
            check(
                "beat-no-dir",
                "file_age",
                &format!("path = 'no/such/dir/worker.beat'\nmax_age = \"1m\"\n{touch}"),
            ),
            check(
                "disk-no-path",
                "disk",
                &format!("path = 'no/such/dir'\n{touch}"),
            ),
            check(
                "tls-no-dns",
                "tls",
                &format!("address = \"{nowhere}:443\"\nserver_name = \"localhost\"\n{touch}"),
            ),
            check(
                "tls-no-pem",
                "tls",
                &format!("path = 'absent.pem'\n{touch}"),
            ),
            check(
                "command-missing",
                "command",
                &format!("command = ['/nonexistent/check_thing']\n{touch}"),
            ),
        ]
        .concat(),
    );
    let (code, doc) = run_json(&hb, &["checks", "run", "--all", "--remediate"]);
    assert_eq!(code, 3, "{doc}");
    let results = doc["results"].as_array().unwrap();
    assert_eq!(results.len(), 12);
    for result in results {
        assert_eq!(result["status"], "unknown", "{result}");
        assert_eq!(
            result["remediation"]["actions"],
            serde_json::json!([]),
            "{result}"
        );
    }
    let message = |name: &str| -> String {
        results.iter().find(|r| r["name"] == name).unwrap()["message"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        message("sql-no-db"),
        "database /nonexistent/app.db does not exist"
    );
    assert!(
        message("sql-bad-query").contains("syntax error"),
        "{}",
        message("sql-bad-query")
    );
    assert!(
        message("tcp-no-dns").starts_with("cannot resolve"),
        "{}",
        message("tcp-no-dns")
    );
    assert!(
        message("tls-no-dns").contains("cannot resolve"),
        "{}",
        message("tls-no-dns")
    );
    assert!(
        message("http-no-dns").contains("Dns Failed"),
        "{}",
        message("http-no-dns")
    );
    assert!(message("http-no-secret").contains("$HB_TEST_SURELY_UNSET is not set"));
    assert!(
        message("beat-no-dir").contains("its directory"),
        "{}",
        message("beat-no-dir")
    );
    assert!(
        !hb.path("remediated").exists(),
        "remediation ran on unknown"
    );
}

// ---------------------------------------------------------------------------------
// remediation, skip rules, cadence

#[test]
fn remediation_then_a_passing_recheck_counts_as_recovered() {
    let hb = Hb::new();
    hb.write(
        "heartbeat.toml",
        &(check(
            "worker-beat",
            "file_age",
            "path = 'worker.beat'\nmax_age = \"1d\"\non_failure = [[\"touch\", \"worker.beat\"]]\nrecheck = true",
        ) + &check(
            "still-down",
            "file_age",
            "path = 'never.beat'\nmax_age = \"1d\"\non_failure = [[\"sh\", \"-c\", \"echo restarting; exit 4\"]]",
        ) + &check(
            "cannot-tell",
            "command",
            "command = ['sh', '-c', 'echo UNKNOWN; exit 3']\non_failure = [[\"touch\", \"remediated\"]]",
        )),
    );
    // Remediation repairs what worked: both files pass once, then go missing.
    hb.write("worker.beat", "");
    hb.write("never.beat", "");
    set_mtime(&hb.path("worker.beat"), now_ts());
    set_mtime(&hb.path("never.beat"), now_ts());
    let (code, _) = run_checks(&hb, &["worker-beat", "still-down"]);
    assert_eq!(code, 0);
    std::fs::remove_file(hb.path("worker.beat")).unwrap();
    std::fs::remove_file(hb.path("never.beat")).unwrap();

    let (code, doc) = run_json(
        &hb,
        &[
            "checks",
            "run",
            "--remediate",
            "worker-beat",
            "still-down",
            "cannot-tell",
        ],
    );
    let results = doc["results"].as_array().unwrap();
    assert_eq!(code, 2);
    let recovered = &results[0];
    assert_eq!(recovered["status"], "ok", "{recovered}");
    let remediation = &recovered["remediation"];
    assert_eq!(remediation["initial_status"], "critical");
    assert_eq!(remediation["initial_message"], "worker.beat does not exist");
    assert_eq!(
        remediation["actions"][0]["command"],
        serde_json::json!(["touch", "worker.beat"])
    );
    assert_eq!(remediation["actions"][0]["exit_code"], 0);
    assert_eq!(
        (
            remediation["rechecked"].as_bool(),
            remediation["recovered"].as_bool()
        ),
        (Some(true), Some(true))
    );
    assert!(hb.path("worker.beat").exists());

    let failed = &results[1];
    assert_eq!(failed["status"], "critical");
    assert_eq!(failed["remediation"]["actions"][0]["exit_code"], 4);
    assert_eq!(failed["remediation"]["actions"][0]["output"], "restarting");
    assert_eq!(failed["remediation"]["rechecked"], false);

    // An unknown result is hb not knowing, not the target failing: no remediation.
    assert_eq!(results[2]["status"], "unknown");
    assert_eq!(results[2]["remediation"]["actions"], serde_json::json!([]));
    assert_eq!(
        results[2]["remediation"]["held"],
        "the check could not be evaluated (unknown); remediation runs only on a judged failure"
    );
    assert!(!hb.path("remediated").exists());

    // The log keeps the remediation with the run.
    assert_eq!(
        hb.query_i64("SELECT count(*) FROM check_results WHERE check_name = 'worker-beat' AND status = 'ok' AND json_extract(remediation, '$.recovered') = 1"),
        1
    );
}

#[test]
fn skip_unless_env_skips_and_enabled_false_never_runs() {
    let hb = Hb::new();
    let marker = hb.path("ran");
    hb.write(
        "heartbeat.toml",
        &[
            check("always", "command", "command = ['true']"),
            check(
                "qbo",
                "command",
                "command = ['true']\nskip_unless_env = \"HB_TEST_QBO_TOKEN\"",
            ),
            check(
                "off",
                "command",
                &format!(
                    "command = ['touch', '{}']\nenabled = false",
                    marker.display()
                ),
            ),
        ]
        .concat(),
    );
    let (code, doc) = run_json(&hb, &["checks", "run", "--all"]);
    assert_eq!(code, 0);
    let names: Vec<(&str, &str)> = doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["name"].as_str().unwrap(), r["status"].as_str().unwrap()))
        .collect();
    assert_eq!(names, [("always", "ok"), ("qbo", "skipped")]);
    assert_eq!(
        doc["results"][1]["message"],
        "not configured: $HB_TEST_QBO_TOKEN is not set"
    );

    let out = hb
        .cmd()
        .env("HB_TEST_QBO_TOKEN", "x")
        .args(["checks", "run", "qbo", "--json"])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["results"][0]["status"], "ok");

    // Named explicitly, a disabled check is still not run.
    let (code, result) = one(&hb, "off");
    assert_eq!((code, result["status"].as_str()), (0, Some("skipped")));
    assert!(!marker.exists());
    let (_, doc) = run_json(&hb, &["checks", "run", "--due"]);
    assert!(doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["name"] != "off"));
    assert!(!marker.exists());
}

#[test]
fn due_checks_respect_each_cadence() {
    let mut hb = Hb::new();
    hb.write(
        "heartbeat.toml",
        &(check("fast", "command", "command = ['true']\nevery = \"5m\"")
            + &check("slow", "command", "command = ['true']\nevery = \"1h\"")),
    );
    // What is due, then a heartbeat that runs it (only heartbeats move due times).
    let due_names = |hb: &Hb| -> Vec<String> {
        let (_, doc) = run_json(hb, &["checks", "run", "--due"]);
        hb.ok(&["cycle", "--only", "system"]);
        doc["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(due_names(&hb), ["fast", "slow"]);
    hb.now = at(60);
    assert!(due_names(&hb).is_empty());
    // A timer firing 20 s early still runs the 5-minute check.
    hb.now = at(280);
    assert_eq!(due_names(&hb), ["fast"]);
    hb.now = at(280 + 300);
    assert_eq!(due_names(&hb), ["fast"]);
    // A manual run does not postpone the heartbeat's run of a check.
    hb.now = at(3600 - 60);
    hb.ok(&["checks", "run", "slow"]);
    hb.now = at(3600);
    assert_eq!(due_names(&hb), ["fast", "slow"]);

    let (_, doc) = run_json(&hb, &["checks", "list"]);
    let fast = &doc["checks"][0];
    assert_eq!(fast["status"], "ok");
    assert_eq!(fast["consecutive_successes"], 4);
    assert_eq!(fast["since"], NOW);
    assert_eq!(fast["next_due_at"], at(3600 + 270));
    assert_eq!(fast["due"], false);
}

#[test]
fn state_counts_consecutive_failures() {
    let mut hb = Hb::new();
    hb.write(
        "heartbeat.toml",
        &check(
            "flaky",
            "file_age",
            "path = 'x.beat'\nmax_age = \"1m\"\nalert_after = 2\nescalate_after = 3\nevery = \"1m\"",
        ),
    );
    let flags = |hb: &Hb| {
        let (_, doc) = run_json(hb, &["checks", "list"]);
        let c = &doc["checks"][0];
        (
            c["consecutive_failures"].as_u64().unwrap(),
            c["alerting"].as_bool().unwrap(),
            c["escalated"].as_bool().unwrap(),
        )
    };
    let mut seen = Vec::new();
    for minute in 0..3 {
        hb.now = at(minute * 60);
        hb.ok(&["cycle", "--only", "system"]);
        seen.push(flags(&hb));
    }
    assert_eq!(seen, [(1, false, false), (2, true, false), (3, true, true)]);
    let (_, doc) = run_json(&hb, &["checks", "list"]);
    assert_eq!(doc["checks"][0]["failing_since"], NOW);
    hb.write("x.beat", "");
    hb.now = at(3 * 60);
    // The file is from the real clock; keep it fresh relative to the test clock.
    set_mtime(&hb.path("x.beat"), now_ts() + 3 * 60);
    hb.ok(&["cycle", "--only", "system"]);
    assert_eq!(flags(&hb), (0, false, false));
}

#[test]
fn manual_runs_are_shown_but_never_counted() {
    let mut hb = Hb::new();
    hb.write(
        "heartbeat.toml",
        &check(
            "flaky",
            "file_age",
            "path = 'x.beat'\nmax_age = \"1m\"\nalert_after = 2\nescalate_after = 3\nevery = \"5m\"",
        ),
    );
    // Three manual runs of a failing check: recorded, counted nowhere.
    for minute in 0..3 {
        hb.now = at(minute * 60);
        let (code, _) = one(&hb, "flaky");
        assert_eq!(code, 2);
    }
    let (_, doc) = run_json(&hb, &["checks", "list"]);
    let c = &doc["checks"][0];
    assert_eq!(
        c["status"], "critical",
        "the board shows the latest result: {c}"
    );
    assert_eq!(c["counted"], false);
    assert_eq!(c["last_run_id"], 3);
    assert!(c["counted_status"].is_null(), "{c}");
    assert_eq!(
        (
            c["consecutive_failures"].as_u64(),
            c["alerting"].as_bool(),
            c["escalated"].as_bool()
        ),
        (Some(0), Some(false), Some(false))
    );
    assert_eq!(c["due"], true, "manual runs do not postpone the heartbeat");
    let table = hb.ok(&["checks"]);
    let row = table.lines().find(|l| l.contains("| flaky ")).unwrap();
    assert!(row.contains("critical (manual, not counted)"), "{table}");
    assert!(table.contains("only `hb cycle` runs count"), "{table}");
    assert_eq!(hb.query_i64("SELECT count(*) FROM check_results"), 3);

    // The first heartbeat starts the streak at one: no escalation from manual runs.
    hb.now = at(3 * 60);
    hb.ok(&["cycle", "--only", "system"]);
    let (_, doc) = run_json(&hb, &["checks", "list"]);
    let c = &doc["checks"][0];
    assert_eq!(
        (c["counted"].as_bool(), c["counted_run_id"].as_i64()),
        (Some(true), Some(4))
    );
    assert_eq!(c["consecutive_failures"], 1);
    assert_eq!(
        hb.query_i64("SELECT count(*) FROM notifications"),
        0,
        "alert_after = 2"
    );
    let table = hb.ok(&["checks"]);
    let row = table.lines().find(|l| l.contains("| flaky ")).unwrap();
    assert!(
        row.contains("| critical ") && row.contains("1 failed"),
        "{table}"
    );
}

// ---------------------------------------------------------------------------------
// commands: run, list, validate, doc

#[test]
fn no_record_leaves_the_store_untouched() {
    let hb = Hb::new();
    hb.write(
        "heartbeat.toml",
        &check("t", "command", "command = ['true']"),
    );
    let (code, doc) = run_json(&hb, &["checks", "run", "t", "--no-record"]);
    assert_eq!(code, 0);
    assert_eq!(doc["recorded"], false);
    assert!(doc["run_id"].is_null());
    assert!(!hb.db().exists(), "the store was created");
    let out = hb.ok(&["checks", "run", "t"]);
    assert!(out.contains("recorded as run 1"), "{out}");
    hb.ok(&["checks", "run", "t", "--no-record"]);
    assert_eq!(hb.query_i64("SELECT count(*) FROM runs"), 1);
    assert_eq!(hb.query_i64("SELECT count(*) FROM check_results"), 1);
}

#[test]
fn run_output_is_a_stable_document() {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Run {
        run_id: Option<i64>,
        recorded: bool,
        status: String,
        exit_code: u8,
        results: Vec<Result>,
    }
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Result {
        name: String,
        group: String,
        #[serde(rename = "type")]
        kind: String,
        severity: String,
        status: String,
        message: String,
        value: Option<f64>,
        latency_ms: Option<u64>,
        started_at: String,
        duration_ms: u64,
        metrics: Vec<Value>,
        remediation: Option<Value>,
    }
    let hb = Hb::new();
    hb.write(
        "heartbeat.toml",
        &check(
            "t",
            "command",
            "command = ['sh', '-c', 'echo OK \\| x=1; exit 1']\nseverity = \"warning\"",
        ),
    );
    let (code, doc) = run_json(&hb, &["checks", "run", "t"]);
    assert_eq!(code, 1);
    let run: Run = serde_json::from_value(doc).expect("the documented shape");
    assert_eq!(
        (run.status.as_str(), run.exit_code, run.run_id),
        ("warning", 1, Some(1))
    );
    assert_eq!(run.results[0].started_at, NOW);
}

#[test]
fn unknown_check_names_are_usage_errors() {
    let hb = Hb::new();
    hb.write(
        "heartbeat.toml",
        &check("t", "command", "command = ['true']"),
    );
    let out = hb.cmd().args(["checks", "run", "nope"]).output().unwrap();
    assert_eq!(out.status.code(), Some(64));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no check named `nope` (known checks: t)"),
        "{stderr}"
    );
}

#[test]
fn list_shows_the_board() {
    let hb = Hb::new();
    hb.write(
        "heartbeat.toml",
        &(check("t", "command", "command = ['true']\nevery = \"5m\"")
            + &check("off", "command", "command = ['true']\nenabled = false")),
    );
    let out = hb.ok(&["checks"]);
    assert!(out.contains("never run"), "{out}");
    hb.ok(&["cycle", "--only", "system"]);
    let out = hb.ok(&["checks", "list"]);
    let row = out.lines().find(|l| l.contains("| t ")).unwrap_or_default();
    for cell in [
        "system",
        "command",
        "5m",
        "| ok ",
        "1 ok",
        "2026-11-25 12:00",
        "2026-11-25 12:04",
    ] {
        assert!(row.contains(cell), "{cell} missing: {out}");
    }
    assert!(
        out.lines()
            .any(|l| l.contains("| off ") && l.contains("disabled")),
        "{out}"
    );
}

#[test]
fn validate_names_file_and_line() {
    let hb = Hb::new();
    let good = check("api", "tcp", "address = \"127.0.0.1:1\"");
    hb.write(
        "heartbeat.toml",
        &(good.clone() + &check("db", "sql", "database = 'app.db'\nquery = \"SELECT 1\"")),
    );
    app_db(&hb);
    let out = hb.ok(&["checks", "validate"]);
    assert!(out.contains("2 checks, 0 errors"), "{out}");

    // A duplicate name.
    hb.write("heartbeat.toml", &(good.clone() + &good));
    let out = hb.cmd().args(["checks", "validate"]).output().unwrap();
    assert_eq!(out.status.code(), Some(78));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("heartbeat.toml:8: key `check[1].name`: duplicate check name `api` (first declared at line 2)"),
        "{text}"
    );

    // An unknown type.
    hb.write("heartbeat.toml", &(good.clone() + &check("p", "ping", "")));
    let out = hb.cmd().args(["checks", "validate"]).output().unwrap();
    assert_eq!(out.status.code(), Some(78));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("heartbeat.toml:10: key `check[1].type`: unknown variant `ping`"),
        "{text}"
    );
    // Every command refuses that config, as a config error.
    let out = hb.cmd().args(["checks", "list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(78));

    // A database that does not exist here, with --json.
    hb.write(
        "heartbeat.toml",
        &(good + &check("gone", "sql", "database = 'gone.db'\nquery = \"SELECT 1\"")),
    );
    let (code, doc) = run_json(&hb, &["checks", "validate"]);
    assert_eq!(code, 78);
    assert_eq!(doc["errors"], 1);
    let problem = &doc["problems"][0];
    assert_eq!(problem["line"], 11);
    assert_eq!(problem["check"], "gone");
    assert_eq!(problem["key"], "database");
    assert_eq!(
        problem["message"],
        "gone.db does not exist: fix the path (relative paths start at the config's directory)"
    );

    // A query the read-only connection would refuse; the file it names stays unwritten.
    hb.write(
        "heartbeat.toml",
        &check(
            "copy",
            "sql",
            "database = 'app.db'\nquery = \"VACUUM INTO 'copy.db'\"",
        ),
    );
    let (code, doc) = run_json(&hb, &["checks", "validate"]);
    assert_eq!(code, 78, "{doc}");
    let problem = &doc["problems"][0];
    assert_eq!(problem["key"], "query");
    assert_eq!(problem["line"], 6);
    assert!(
        problem["message"]
            .as_str()
            .unwrap()
            .starts_with("query refused: VACUUM rewrites the database"),
        "{problem}"
    );
    assert!(!hb.path("copy.db").exists());
}

/// Durations beyond their range are config errors at their line, never a crash later:
/// `timeout = "18446744073709551615s"` made every `hb cycle` panic (exit 101), and
/// 2^63 s wrapped around into "give up at once" and "re-notify every cycle".
#[test]
fn huge_durations_are_refused_at_their_line() {
    let hb = Hb::new();
    let tcp = check("api", "tcp", "address = \"127.0.0.1:1\"");
    for (extra, line, key, range) in [
        (
            "timeout = \"18446744073709551615s\"\n",
            6,
            "check[0].timeout",
            "a time limit is 1ms to 1h",
        ),
        (
            "every = \"500ms\"\n",
            6,
            "check[0].every",
            "a cadence is 1s to 366d",
        ),
        (
            "\n[alerts]\ngive_up_after = \"9223372036854775808s\"\n",
            8,
            "alerts.give_up_after",
            "a period is 1s to 3660d",
        ),
        (
            "\n[alerts.routes]\nrenotify_after = \"9223372036854775808s\"\n",
            8,
            "alerts.routes.renotify_after",
            "a period is 1s to 3660d",
        ),
    ] {
        let text = format!("{}\n{extra}", tcp.trim_end());
        hb.write("heartbeat.toml", &format!("{text}\n"));
        let want = format!("heartbeat.toml:{line}: key `{key}`: duration ");
        for args in [&["checks", "validate"][..], &["cycle", "--all"][..]] {
            let out = hb.cmd().args(args).output().unwrap();
            let said = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(out.status.code(), Some(78), "{args:?} {extra}: {said}");
            assert!(said.contains(&want), "{args:?}: {said}");
            assert!(said.contains(range), "{args:?}: {said}");
        }
    }
    assert!(!hb.db().exists(), "a refused config wrote the store");
}

#[test]
fn doc_is_markdown_of_the_protocol() {
    let hb = Hb::new();
    hb.write(
        "heartbeat.toml",
        &check(
            "depth",
            "sql",
            "group = \"queue\"\ndatabase = 'app.db'\nquery = \"SELECT 1\"\ncrit_above = 100",
        ),
    );
    let out = hb.ok(&["checks", "doc"]);
    assert!(out.starts_with("# HEARTBEAT\n"), "{out}");
    assert!(
        out.contains(
            "## Queue\n\n- [ ] **depth**\n  - `SELECT 1` on `app.db`: critical above 100.\n"
        ),
        "{out}"
    );
    let doc = hb.json(&["checks", "doc"]);
    assert_eq!(doc["markdown"].as_str(), Some(out.as_str()));
}

// ---------------------------------------------------------------------------------
// The shipped protocol

fn repo(path: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// The shipped, commented example config.
fn shipped_config() -> std::path::PathBuf {
    repo("heartbeat.toml")
}

#[test]
fn heartbeat_md_is_hb_checks_doc_of_the_shipped_config() {
    let hb = Hb::new();
    let config = shipped_config();
    let doc = hb.ok(&["--config", config.to_str().unwrap(), "checks", "doc"]);
    let committed = std::fs::read_to_string(repo("HEARTBEAT.md")).unwrap_or_default();
    assert!(
        committed == doc,
        "HEARTBEAT.md is out of date: regenerate it with\n  cargo run -- --config {} checks doc > HEARTBEAT.md",
        config.file_name().unwrap().to_string_lossy()
    );
}

#[test]
fn the_shipped_protocol_covers_every_group() {
    let hb = Hb::new();
    let config = shipped_config();
    let doc = hb.json(&["--config", config.to_str().unwrap(), "checks", "list"]);
    let checks = doc["checks"].as_array().unwrap();
    for group in ["system", "queue", "integrity", "security", "integration"] {
        assert!(
            checks.iter().any(|c| c["group"] == group),
            "no {group} check"
        );
    }
    for kind in [
        "http",
        "tcp",
        "sql",
        "sqlite_integrity",
        "command",
        "file_age",
        "disk",
        "tls",
        "cycle",
    ] {
        assert!(checks.iter().any(|c| c["type"] == kind), "no {kind} check");
    }
    // Only this machine's missing files and programs may fail validation.
    let (_, doc) = run_json(
        &hb,
        &["--config", config.to_str().unwrap(), "checks", "validate"],
    );
    for problem in doc["problems"].as_array().unwrap() {
        let message = problem["message"].as_str().unwrap();
        assert!(
            message.contains("does not exist")
                || message.contains("not on $PATH")
                || message.contains("is not set here"),
            "{problem}"
        );
    }
}
