//! `hb serve`: the real server on 127.0.0.1 (port 0, kept by the server), asked by real
//! HTTP clients (ureq; curl where installed; raw sockets for what clients never send).

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::Value;

use crate::support::{at, require_tool};
use crate::Hb;

// ---- the documents, as a client reads them ------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct HealthDoc {
    status: String,
    version: String,
    release_id: String,
    service_id: String,
    description: String,
    notes: Vec<String>,
    #[serde(default)]
    output: Option<String>,
    checks: BTreeMap<String, Vec<ComponentDoc>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ComponentDoc {
    component_id: String,
    component_type: String,
    status: String,
    observed_value: Option<Value>,
    observed_unit: String,
    time: Option<String>,
    #[serde(default)]
    output: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReadyDoc {
    ready: bool,
    checks: Vec<ProbeDoc>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProbeDoc {
    name: String,
    ok: bool,
    message: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LiveDoc {
    status: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ErrorDoc {
    status: u16,
    error: String,
    message: String,
}

/// One recorded result in `/health/checks/NAME`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct CheckRecordDoc {
    run_id: i64,
    trigger: String,
    counted: bool,
    status: String,
    started_at: String,
    latency_ms: Option<i64>,
    value: Option<f64>,
    message: String,
}

// ---- the server under test ----------------------------------------------------------

/// `hb serve --listen 127.0.0.1:0` in the sandbox; its port from its first line.
struct Served {
    child: Child,
    port: u16,
    stderr: Arc<Mutex<String>>,
}

/// An answer as the client saw it.
#[derive(Debug)]
struct Reply {
    status: u16,
    content_type: String,
    headers: BTreeMap<String, String>,
    body: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    fn doc<T: for<'de> Deserialize<'de>>(&self) -> T {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("unexpected shape ({e}): {}", self.body))
    }

    /// An error: its status, a JSON body of the documented shape, and its message.
    fn error(&self, status: u16) -> String {
        assert_eq!(self.status, status, "{self:?}");
        assert_eq!(self.content_type, "application/json", "{self:?}");
        let doc: ErrorDoc = self.doc();
        assert_eq!(doc.status, status);
        assert!(!doc.error.is_empty());
        doc.message
    }
}

impl Served {
    fn start(hb: &Hb, args: &[&str], env: &[(&str, &str)]) -> Served {
        let mut cmd = hb.std_cmd();
        cmd.args(["serve", "--listen", "127.0.0.1:0"]).args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn hb serve");
        let (tx, rx) = std::sync::mpsc::channel();
        let stderr = Arc::new(Mutex::new(String::new()));
        let pipe = child.stderr.take().expect("stderr");
        let collected = stderr.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                if let Some(port) = line
                    .split("http://127.0.0.1:")
                    .nth(1)
                    .and_then(|rest| rest.split(' ').next())
                    .and_then(|p| p.parse::<u16>().ok())
                {
                    let _ = tx.send(port);
                }
                let mut all = collected.lock().expect("lock");
                all.push_str(&line);
                all.push('\n');
            }
        });
        let port = rx
            .recv_timeout(Duration::from_secs(20))
            .unwrap_or_else(|_| {
                let _ = child.kill();
                panic!(
                    "hb serve did not say where it listens: {}",
                    stderr.lock().expect("lock")
                )
            });
        Served {
            child,
            port,
            stderr,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn get(&self, path: &str) -> Reply {
        self.ask("GET", path, None)
    }

    fn ask(&self, method: &str, path: &str, token: Option<&str>) -> Reply {
        let agent = ureq::AgentBuilder::new()
            .timeout(Duration::from_secs(20))
            .build();
        let mut request = agent.request(method, &self.url(path));
        if let Some(token) = token {
            request = request.set("Authorization", &format!("Bearer {token}"));
        }
        let response = match request.call() {
            Ok(response) => response,
            Err(ureq::Error::Status(_, response)) => response,
            Err(err) => panic!("{method} {path}: {err}"),
        };
        let headers = response
            .headers_names()
            .into_iter()
            .filter_map(|name| {
                let value = response.header(&name)?.to_string();
                Some((name.to_ascii_lowercase(), value))
            })
            .collect();
        Reply {
            status: response.status(),
            content_type: response.header("content-type").unwrap_or("").to_string(),
            headers,
            body: response.into_string().expect("body"),
        }
    }

    fn stderr(&self) -> String {
        self.stderr.lock().expect("lock").clone()
    }

    /// SIGTERM, then the exit code and everything it said.
    fn stop(mut self) -> (Option<i32>, String, String) {
        terminate(&self.child);
        let code = wait(&mut self.child, Duration::from_secs(20));
        let mut stdout = String::new();
        if let Some(mut out) = self.child.stdout.take() {
            let _ = out.read_to_string(&mut stdout);
        }
        // The reader thread has the last lines once the pipe closes.
        std::thread::sleep(Duration::from_millis(50));
        (code, stdout, self.stderr())
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn terminate(child: &Child) {
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
}

fn wait(child: &mut Child, limit: Duration) -> Option<i32> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status.code();
        }
        assert!(
            Instant::now() < deadline,
            "hb serve did not exit after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A raw request on a socket of its own, and whatever came back.
fn raw(port: u16, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    // A server that answers before it has read everything may reset the rest: fine.
    let _ = stream.write_all(request);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

// ---- the sandbox ----------------------------------------------------------------------

/// A config with one command check whose exit code (Nagios) is the file `code`, checked
/// every cycle; a property to ask about.
fn sandbox(extra: &str) -> Hb {
    let hb = Hb::new();
    hb.write("code", "0\n");
    let code = hb.path("code");
    hb.write(
        "heartbeat.toml",
        &format!(
            r#"[store]
path = "hb.db"

[modules.system]
every = "1m"

[[check]]
name = "api"
group = "system"
type = "command"
command = ["sh", "-c", "echo api answers; exit $(cat {code})"]
every = "1m"
{extra}"#,
            code = code.display()
        ),
    );
    hb.write(
        "properties.csv",
        "id,address,city,state,created_at\n1,1 Main St,Austin,TX,2026-11-24\n",
    );
    hb.ok(&["import", "properties", "properties.csv", "-q"]);
    hb
}

/// One cycle, `ago` seconds before the sandbox's clock, with the check exiting `code`.
fn cycle(hb: &Hb, ago: i64, code: u8) {
    hb.write("code", &format!("{code}\n"));
    let out = hb
        .cmd()
        .env("HB_NOW", at(-ago))
        .args(["cycle", "-q"])
        .output()
        .expect("run hb");
    Hb::succeeded(&["cycle"], out);
}

// ---- the tests --------------------------------------------------------------------------

#[test]
fn every_endpoint_answers_with_its_status_type_and_document() {
    let hb = sandbox("");
    cycle(&hb, 120, 0);
    let served = Served::start(&hb, &[], &[]);

    let health = served.get("/health");
    assert_eq!(health.status, 200, "{health:?}");
    assert_eq!(health.content_type, "application/health+json");
    assert_eq!(
        health.headers.get("cache-control").map(String::as_str),
        Some("no-store")
    );
    let doc: HealthDoc = health.doc();
    assert_eq!((doc.status.as_str(), doc.version.as_str()), ("pass", "1"));
    assert_eq!(doc.service_id, "hb");
    assert!(!doc.release_id.is_empty() && !doc.description.is_empty());
    assert!(doc.notes.is_empty() && doc.output.is_none(), "{doc:?}");
    let keys: Vec<&str> = doc.checks.keys().map(String::as_str).collect();
    assert_eq!(keys, ["api:responseTime", "hb:lastCycleAge"]);
    let heartbeat = &doc.checks["hb:lastCycleAge"][0];
    assert_eq!(heartbeat.component_id, "hb");
    assert_eq!(heartbeat.component_type, "system");
    assert_eq!(heartbeat.status, "pass");
    assert_eq!(heartbeat.observed_value, Some(Value::from(120)));
    assert_eq!(heartbeat.observed_unit, "s");
    assert_eq!(heartbeat.time.as_deref(), Some(at(-120).as_str()));
    let api = &doc.checks["api:responseTime"][0];
    assert_eq!(
        (api.component_id.as_str(), api.status.as_str()),
        ("api", "pass")
    );
    assert_eq!(api.observed_unit, "ms");
    assert!(
        api.observed_value.as_ref().is_some_and(Value::is_number),
        "{api:?}"
    );
    assert!(api.output.is_none());

    let live = served.get("/livez");
    assert_eq!(
        (live.status, live.content_type.as_str()),
        (200, "application/json")
    );
    assert_eq!(live.doc::<LiveDoc>().status, "pass");

    let ready = served.get("/readyz");
    assert_eq!(
        (ready.status, ready.content_type.as_str()),
        (200, "application/json")
    );
    let ready: ReadyDoc = ready.doc();
    assert!(ready.ready, "{ready:?}");
    let probes: Vec<(&str, bool)> = ready
        .checks
        .iter()
        .map(|p| (p.name.as_str(), p.ok))
        .collect();
    assert_eq!(
        probes,
        [("store", true), ("schema", true), ("heartbeat", true)]
    );
    assert!(ready.checks[2].message.contains("2m ago"), "{ready:?}");

    // The CLI's --json documents, byte for byte the same answers.
    let runs = hb.json(&["logs"]);
    let last = runs["runs"][0]["id"]
        .as_i64()
        .expect("a run id")
        .to_string();
    for (path, cli) in [
        ("/health/heartbeat", vec!["logs", last.as_str()]),
        ("/health/checks", vec!["checks"]),
        ("/health/properties/1", vec!["property", "1"]),
        ("/health/insights", vec!["insights"]),
        ("/health/insights?limit=1", vec!["insights", "--limit", "1"]),
    ] {
        let reply = served.get(path);
        assert_eq!(reply.status, 200, "{path}: {reply:?}");
        assert_eq!(reply.content_type, "application/json", "{path}");
        assert_eq!(reply.json(), hb.json(&cli), "{path} is `hb {cli:?} --json`");
    }
    // /health's notes are the status verdict's reasons.
    let (status, _) = hb.json_code(&["status"]);
    assert_eq!(status["reasons"], serde_json::json!([]));

    // One check over a window: the board's fields, the window's figures, its results.
    let check = served.get("/health/checks/api?window=1h&limit=5");
    assert_eq!(
        (check.status, check.content_type.as_str()),
        (200, "application/json")
    );
    let check = check.json();
    assert_eq!(check["name"], "api");
    assert_eq!(check["window"], "1h");
    assert_eq!(check["runs"], 1);
    assert_eq!(check["uptime_percent"], 100.0);
    let results: Vec<CheckRecordDoc> =
        serde_json::from_value(check["results"].clone()).expect("results' shape");
    assert_eq!(results.len(), 1);
    assert_eq!(
        (results[0].status.as_str(), results[0].counted),
        ("ok", true)
    );
    assert_eq!(results[0].message, "api answers");

    let metrics = served.get("/metrics");
    assert_eq!(metrics.status, 200);
    assert_eq!(
        metrics.content_type,
        "text/plain; version=0.0.4; charset=utf-8"
    );
    assert!(metrics
        .body
        .contains("hb_check_status{check=\"api\",group=\"system\"} 0\n"));

    // HEAD: the same status and headers, no body.
    let head = served.ask("HEAD", "/health", None);
    assert_eq!((head.status, head.body.as_str()), (200, ""));
    assert_eq!(head.content_type, "application/health+json");

    if require_tool("curl", "curl", "to ask the server as curl does") {
        let out = std::process::Command::new("curl")
            .args([
                "-s",
                "-o",
                "/dev/null",
                "-w",
                "%{http_code} %{content_type}",
            ])
            .arg(served.url("/health"))
            .output()
            .expect("curl");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "200 application/health+json"
        );
    }

    let (code, stdout, stderr) = served.stop();
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    // One line per request: time, client, method, path, status, milliseconds.
    let line = stderr
        .lines()
        .find(|l| l.contains(" GET /health/insights?limit=1 "))
        .unwrap_or_else(|| panic!("no log line: {stderr}"));
    let words: Vec<&str> = line.split(' ').collect();
    assert_eq!(
        words[1..5],
        ["127.0.0.1", "GET", "/health/insights?limit=1", "200"],
        "{line}"
    );
    assert!(
        words[5].parse::<f64>().is_ok() && words[6] == "ms",
        "{line}"
    );
    assert!(stderr.contains(" HEAD /health 200 "), "{stderr}");
}

#[test]
fn health_is_200_or_503_as_the_board_changes() {
    let hb = sandbox("");
    cycle(&hb, 400, 0);
    let served = Served::start(&hb, &[], &[]);
    let verdict = |served: &Served| {
        let reply = served.get("/health");
        let doc: HealthDoc = reply.doc();
        (
            reply.status,
            doc.status.clone(),
            doc.checks["api:responseTime"][0].status.clone(),
            doc,
        )
    };
    let (code, status, api, _) = verdict(&served);
    assert_eq!((code, status.as_str(), api.as_str()), (200, "pass", "pass"));

    // Warning: still serving (200), and it says why.
    cycle(&hb, 300, 1);
    let (code, status, api, doc) = verdict(&served);
    assert_eq!((code, status.as_str(), api.as_str()), (200, "warn", "warn"));
    let (cli, exit) = hb.json_code(&["status"]);
    assert_eq!(exit, 1);
    let reasons: Vec<String> = serde_json::from_value(cli["reasons"].clone()).expect("reasons");
    assert_eq!(doc.notes, reasons, "the notes are hb status's reasons");
    assert!(
        doc.output
            .as_deref()
            .is_some_and(|o| o.contains("check api is warning")),
        "{doc:?}"
    );
    let api = &doc.checks["api:responseTime"][0];
    assert!(
        api.output
            .as_deref()
            .is_some_and(|o| o.contains("warning since")),
        "{api:?}"
    );

    // Critical: 503, and so are readers that balance on it.
    cycle(&hb, 200, 2);
    let (code, status, api, _) = verdict(&served);
    assert_eq!((code, status.as_str(), api.as_str()), (503, "fail", "fail"));
    assert_eq!(
        served.get("/readyz").status,
        200,
        "ready: the store answers"
    );

    // Healed: 200 again, from the same running server.
    cycle(&hb, 100, 0);
    let (code, status, api, _) = verdict(&served);
    assert_eq!((code, status.as_str(), api.as_str()), (200, "pass", "pass"));
    drop(served);

    // An hour later without a cycle: the heartbeat is overdue, 503, and not ready.
    let later = Hb {
        now: at(3600),
        ..hb
    };
    let served = Served::start(&later, &[], &[]);
    let (code, status, _, doc) = verdict(&served);
    assert_eq!((code, status.as_str()), (503, "fail"));
    let heartbeat = &doc.checks["hb:lastCycleAge"][0];
    assert_eq!(heartbeat.status, "fail");
    assert_eq!(heartbeat.observed_value, Some(Value::from(3700)));
    let ready = served.get("/readyz");
    assert_eq!(ready.status, 503);
    let ready: ReadyDoc = ready.doc();
    assert!(!ready.ready);
    assert!(
        ready.checks[2].message.contains("is the timer running?"),
        "{ready:?}"
    );
}

#[test]
fn errors_have_their_status_and_a_json_body() {
    let hb = sandbox("");
    cycle(&hb, 60, 0);
    let served = Served::start(&hb, &[], &[]);

    let message = served.get("/nope").error(404);
    assert!(
        message.starts_with("no endpoint at /nope: hb serve answers /health,"),
        "{message}"
    );

    let post = served.ask("POST", "/health", None);
    post.error(405);
    assert_eq!(
        post.headers.get("allow").map(String::as_str),
        Some("GET, HEAD")
    );
    served.ask("DELETE", "/health/checks/api", None).error(405);

    // Unknown ids: 404 with the CLI's message.
    let cli = hb.cmd().args(["property", "999"]).output().expect("run hb");
    let cli = String::from_utf8_lossy(&cli.stderr).into_owned();
    let message = served.get("/health/properties/999").error(404);
    assert_eq!(format!("error: {message}\n"), cli);
    let message = served.get("/health/checks/apii").error(404);
    assert_eq!(message, "no check named `apii` (known checks: api)");

    // Bad parameters: 400, saying what is accepted.
    let message = served.get("/health/properties/abc").error(400);
    assert!(message.contains("`abc` is not a property id"), "{message}");
    let message = served.get("/health/checks/api?window=soon").error(400);
    assert!(message.starts_with("window: "), "{message}");
    let message = served.get("/health/insights?limit=many").error(400);
    assert!(
        message.starts_with("limit: `many` is not a number"),
        "{message}"
    );
    let message = served.get("/health?verbose=1").error(400);
    assert_eq!(
        message,
        "unknown query parameter `verbose` for /health (it takes none)"
    );
    let message = served.get("/health/insights?window=1h").error(400);
    assert!(message.ends_with("(it takes: limit)"), "{message}");

    // What a client library never sends: an oversized head, and garbage.
    let big = format!(
        "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "a".repeat(17 * 1024)
    );
    let answer = raw(served.port, big.as_bytes());
    assert!(
        answer.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"),
        "{answer}"
    );
    assert!(
        answer.contains("Content-Type: application/json\r\n"),
        "{answer}"
    );
    assert!(
        answer.contains("\"message\": \"the request head is larger than 16 KiB"),
        "{answer}"
    );
    // Without a token, only requests for this machine (a rebinding web page names its own).
    let answer = raw(
        served.port,
        b"GET /health HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n",
    );
    assert!(
        answer.starts_with("HTTP/1.1 421 Misdirected Request\r\n"),
        "{answer}"
    );
    assert!(answer.contains("not `evil.example`"), "{answer}");
    let answer = raw(served.port, b"\x16\x03\x01\x02\x00 not http\r\n\r\n");
    assert!(
        answer.starts_with("HTTP/1.1 400 Bad Request\r\n"),
        "{answer}"
    );
    // The server lives on.
    assert_eq!(served.get("/livez").status, 200);
    let (code, _, stderr) = served.stop();
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains(" - - 431 "), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn without_a_store_it_says_what_to_do() {
    let hb = Hb::new();
    let served = Served::start(&hb, &[], &[]);
    let health = served.get("/health");
    assert_eq!(
        (health.status, health.content_type.as_str()),
        (503, "application/health+json")
    );
    let doc: HealthDoc = health.doc();
    assert_eq!(doc.status, "fail");
    assert!(doc.notes[0].starts_with("no store at "), "{doc:?}");
    assert_eq!(doc.checks["hb:lastCycleAge"][0].status, "fail");

    assert_eq!(served.get("/livez").status, 200);
    let ready = served.get("/readyz");
    assert_eq!(ready.status, 503);
    let ready: ReadyDoc = ready.doc();
    assert!(!ready.ready && !ready.checks[0].ok, "{ready:?}");

    for path in [
        "/health/insights",
        "/health/heartbeat",
        "/metrics",
        "/health/properties/1",
    ] {
        let reply = served.get(path);
        let message = reply.error(503);
        assert!(message.starts_with("no store at "), "{path}: {message}");
        assert!(message.contains("Run `hb cycle`"), "{path}: {message}");
        assert!(reply.headers.contains_key("retry-after"), "{path}");
    }
    // The board has an answer without a store: every check, never run (as `hb checks`).
    assert_eq!(served.get("/health/checks").json(), hb.json(&["checks"]));
    assert!(!hb.db().exists(), "asking never creates the store");
}

#[test]
fn a_locked_store_is_503_and_sigterm_finishes_the_requests_in_flight() {
    let hb = sandbox("");
    cycle(&hb, 60, 0);
    let served = Served::start(&hb, &[], &[]);
    assert_eq!(served.get("/health/insights").status, 200);

    // Another process holds the store past the busy timeout (5 s).
    let lock = || {
        let conn = rusqlite::Connection::open(hb.db()).expect("open");
        conn.execute_batch(
            "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; \
             UPDATE properties SET address = address; COMMIT;",
        )
        .expect("lock");
        conn
    };
    let held = lock();
    let started = Instant::now();
    let locked = served.get("/health/insights");
    let message = locked.error(503);
    assert!(
        started.elapsed() >= Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    assert!(
        message.contains("stayed locked past the busy timeout"),
        "{message}"
    );
    assert!(locked.headers.contains_key("retry-after"));
    // While one worker waits on the lock, the others answer what needs no store.
    assert_eq!(served.get("/livez").status, 200);

    // A request in flight when SIGTERM comes is answered, then the server exits 0.
    let url = served.url("/health/properties/1");
    let in_flight = std::thread::spawn(move || {
        let response = ureq::get(&url).timeout(Duration::from_secs(20)).call();
        match response {
            Ok(r) => (r.status(), r.into_string().unwrap_or_default()),
            Err(ureq::Error::Status(code, r)) => (code, r.into_string().unwrap_or_default()),
            Err(err) => panic!("{err}"),
        }
    });
    // Long enough for the server to have read it, on a busy machine too.
    std::thread::sleep(Duration::from_millis(1000));
    terminate(&served.child);
    std::thread::sleep(Duration::from_millis(500));
    // Stopped accepting: a new connection is refused.
    assert!(TcpStream::connect(("127.0.0.1", served.port)).is_err());
    drop(held);
    let (status, body) = in_flight.join().expect("in-flight request");
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        serde_json::from_str::<Value>(&body).expect("JSON")["property_id"],
        1
    );
    let (code, _, stderr) = served.stop_after_signal();
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("GET /health/properties/1 200"), "{stderr}");
}

impl Served {
    /// The exit after a SIGTERM already sent.
    fn stop_after_signal(mut self) -> (Option<i32>, String, String) {
        let code = wait(&mut self.child, Duration::from_secs(20));
        std::thread::sleep(Duration::from_millis(50));
        (code, String::new(), self.stderr())
    }
}

const TOKEN: &str = "test-token-0123456789abcdef";

#[test]
fn a_token_guards_every_path_but_livez_and_never_prints() {
    let hb = sandbox("");
    cycle(&hb, 60, 0);
    let env = [("HB_TEST_SERVE_TOKEN", TOKEN)];
    let served = Served::start(&hb, &["--token-env", "HB_TEST_SERVE_TOKEN"], &env);
    for path in ["/health", "/readyz", "/metrics", "/health/checks", "/nope"] {
        let refused = served.get(path);
        let message = refused.error(401);
        assert!(message.contains("Authorization: Bearer"), "{message}");
        assert_eq!(
            refused.headers.get("www-authenticate").map(String::as_str),
            Some("Bearer realm=\"hb\""),
            "{path}"
        );
        served
            .ask("GET", path, Some("test-token-0123456789abcdeX"))
            .error(401);
    }
    assert_eq!(served.get("/livez").status, 200, "/livez needs no token");
    assert_eq!(served.ask("GET", "/health", Some(TOKEN)).status, 200);
    assert_eq!(served.ask("GET", "/nope", Some(TOKEN)).status, 404);
    // A secret in a query string never reaches the log.
    let tokened = format!("/health/insights?limit=1&access_token={TOKEN}");
    assert_eq!(served.ask("GET", &tokened, Some(TOKEN)).status, 400);
    let (code, stdout, stderr) = served.stop();
    assert_eq!(code, Some(0));
    assert!(stderr.contains("a bearer token is required"), "{stderr}");
    assert!(
        stderr.contains("GET /health/insights?limit=1&access_token=*** 400"),
        "{stderr}"
    );
    assert!(
        !stderr.contains(TOKEN) && !stdout.contains(TOKEN),
        "{stderr}"
    );

    // From the config, too.
    hb.write(
        "heartbeat.toml",
        &format!(
            "{}\n[serve]\ntoken_env = \"HB_TEST_SERVE_TOKEN\"\n",
            std::fs::read_to_string(hb.path("heartbeat.toml")).expect("config")
        ),
    );
    let served = Served::start(&hb, &[], &env);
    assert_eq!(served.get("/health").status, 401);
    assert_eq!(served.ask("GET", "/health", Some(TOKEN)).status, 200);
}

#[test]
fn anything_but_loopback_without_a_token_refuses_to_start() {
    let hb = sandbox("");
    let refuse = |args: &[&str], env: &[(&str, &str)]| {
        let mut cmd = hb.cmd();
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd
            .arg("serve")
            .args(args)
            .timeout(Duration::from_secs(20))
            .output()
            .expect("run hb");
        assert_eq!(out.status.code(), Some(78), "{args:?}: {out:?}");
        assert!(out.stdout.is_empty());
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let err = refuse(&["--listen", "0.0.0.0:9810"], &[]);
    assert!(
        err.starts_with("error: refusing to listen on 0.0.0.0:9810 without a token"),
        "{err}"
    );
    assert!(err.contains("--token-env NAME"), "{err}");
    let err = refuse(&["--listen", "[::]:9810"], &[]);
    assert!(err.contains("refusing to listen on [::]:9810"), "{err}");
    let err = refuse(
        &[
            "--listen",
            "0.0.0.0:9810",
            "--token-env",
            "HB_TEST_UNSET_TOKEN",
        ],
        &[],
    );
    assert!(
        err.contains("$HB_TEST_UNSET_TOKEN (--token-env / [serve] token_env) is not set"),
        "{err}"
    );
    let short = [("HB_TEST_SHORT_TOKEN", "tiny-secret")];
    let err = refuse(&["--token-env", "HB_TEST_SHORT_TOKEN"], &short);
    assert!(err.contains("shorter than 16 characters"), "{err}");
    assert!(
        !err.contains("tiny-secret"),
        "the token never prints: {err}"
    );

    hb.write(
        "heartbeat.toml",
        "[store]\npath = \"hb.db\"\n\n[serve]\nlisten = \"0.0.0.0:9810\"\n",
    );
    let err = refuse(&[], &[]);
    assert!(
        err.contains("refusing to listen on 0.0.0.0:9810 without a token"),
        "{err}"
    );
    hb.write("heartbeat.toml", "[serve]\nlisten = \"localhost\"\n");
    let err = refuse(&[], &[]);
    assert!(
        err.contains("heartbeat.toml:2: key `serve.listen`"),
        "{err}"
    );
}

#[test]
fn idle_connections_do_not_hold_up_health() {
    let hb = sandbox("");
    cycle(&hb, 60, 0);
    let served = Served::start(&hb, &[], &[]);
    // Twenty clients connect and say nothing.
    let idle: Vec<TcpStream> = (0..20)
        .map(|_| TcpStream::connect(("127.0.0.1", served.port)).expect("connect"))
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    let times: Vec<Duration> = (0..3)
        .map(|_| {
            let started = Instant::now();
            assert_eq!(served.get("/health").status, 200);
            started.elapsed()
        })
        .collect();
    // Best of three: a shared machine may stall one, never all (a server whose workers
    // wait on the idle clients answers after their 5 s timeout).
    let best = times.iter().min().expect("times");
    assert!(*best < Duration::from_millis(100), "{times:?}");
    assert!(
        times.iter().all(|t| *t < Duration::from_secs(2)),
        "{times:?}"
    );
    drop(idle);
    let (code, _, stderr) = served.stop();
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn past_the_connection_limit_a_client_hears_503_and_the_server_recovers() {
    let hb = sandbox("");
    cycle(&hb, 60, 0);
    let served = Served::start(&hb, &[], &[]);
    // hb serve's MAX_CONNECTIONS, all open and silent.
    let idle: Vec<TcpStream> = (0..256)
        .map(|_| TcpStream::connect(("127.0.0.1", served.port)).expect("connect"))
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let answer = raw(
        served.port,
        b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n",
    );
    assert!(
        answer.starts_with("HTTP/1.1 503 Service Unavailable\r\n"),
        "{answer}"
    );
    assert!(
        answer.contains("too many connections (at most 256)"),
        "{answer}"
    );
    assert!(answer.contains("Retry-After: 1\r\n"), "{answer}");
    drop(idle);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let answer = raw(
            served.port,
            b"GET /livez HTTP/1.1\r\nConnection: close\r\n\r\n",
        );
        if answer.starts_with("HTTP/1.1 200 OK\r\n") {
            break;
        }
        assert!(Instant::now() < deadline, "no recovery: {answer}");
        std::thread::sleep(Duration::from_millis(50));
    }
    let (code, _, stderr) = served.stop();
    assert_eq!(code, Some(0), "{stderr}");
}

/// Each sample line's name and labels (values dropped), and every family's TYPE.
fn series(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.rsplit_once(' ').map(|(series, _)| series.to_string()))
        .collect()
}

#[test]
fn metrics_are_the_textfile_series_and_pass_promtool() {
    let hb = sandbox("\n[export]\nprometheus_textfile = \"hb.prom\"\n");
    cycle(&hb, 60, 2);
    let served = Served::start(&hb, &[], &[]);
    let metrics = served.get("/metrics");
    assert_eq!(metrics.status, 200);
    assert_eq!(
        metrics.content_type,
        "text/plain; version=0.0.4; charset=utf-8"
    );
    let textfile = std::fs::read_to_string(hb.path("hb.prom")).expect("textfile");
    assert_eq!(series(&metrics.body), series(&textfile));
    assert!(metrics
        .body
        .contains("hb_check_status{check=\"api\",group=\"system\"} 2\n"));
    assert!(metrics.body.contains(&format!(
        "hb_last_cycle_timestamp_seconds {}\n",
        crate::support::now_ts() - 60
    )));
    assert!(
        metrics.body.contains("hb_cycle_success 1\n"),
        "{}",
        metrics.body
    );
    if require_tool("promtool", "prometheus", "to check the /metrics exposition") {
        let mut promtool = std::process::Command::new("promtool")
            .args(["check", "metrics"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("promtool");
        promtool
            .stdin
            .take()
            .expect("stdin")
            .write_all(metrics.body.as_bytes())
            .expect("write");
        let out = promtool.wait_with_output().expect("promtool");
        assert!(
            out.status.success(),
            "promtool check metrics: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// The TCP port `pid` listens on, from /proc (a quiet server does not say it).
fn listening_port(pid: u32) -> Option<u16> {
    let inodes: BTreeSet<String> = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .ok()?
        .filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
        .filter_map(|link| {
            let link = link.to_string_lossy().into_owned();
            Some(
                link.strip_prefix("socket:[")?
                    .strip_suffix(']')?
                    .to_string(),
            )
        })
        .collect();
    let table = std::fs::read_to_string(format!("/proc/{pid}/net/tcp")).ok()?;
    table.lines().skip(1).find_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let listening = fields.get(3) == Some(&"0A");
        let ours = fields.get(9).is_some_and(|inode| inodes.contains(*inode));
        let port = fields.get(1)?.rsplit_once(':')?.1;
        (listening && ours).then(|| u16::from_str_radix(port, 16).ok())?
    })
}

#[test]
fn quiet_logs_nothing() {
    let hb = sandbox("");
    cycle(&hb, 60, 0);
    let mut child = hb
        .std_cmd()
        .args(["serve", "--listen", "127.0.0.1:0", "-q"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let deadline = Instant::now() + Duration::from_secs(20);
    let port = loop {
        if let Some(port) = listening_port(child.id()) {
            break port;
        }
        assert!(Instant::now() < deadline, "hb serve -q never listened");
        std::thread::sleep(Duration::from_millis(20));
    };
    let reply = ureq::get(&format!("http://127.0.0.1:{port}/health"))
        .timeout(Duration::from_secs(20))
        .call()
        .expect("health");
    assert_eq!(reply.status(), 200);
    terminate(&child);
    assert_eq!(wait(&mut child, Duration::from_secs(20)), Some(0));
    let out = child.wait_with_output().expect("output");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
}
