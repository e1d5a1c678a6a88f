//! `hb alerts`: channels against real servers on 127.0.0.1 (aiosmtpd for SMTP, an HTTP
//! server thread for Discord and webhooks), the outbox, digests, and secrets.

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::support::http::{Reply, Server};
use super::support::smtp::{body, header, SmtpSink};
use super::support::ReservedPort;
use super::Hb;

mod reliability;

// ---------------------------------------------------------------------------------
// Helpers

fn email_channel(port: u16) -> String {
    format!(
        r#"
[[alerts.channel]]
name = "ops-email"
type = "email"
smtp_host = "127.0.0.1"
smtp_port = {port}
tls = "none"
timeout = "5s"
from = "hb@example.com"
to = ["ops@example.com", "oncall@example.com"]
username_env = "HB_TEST_SMTP_USER"
password_env = "HB_TEST_SMTP_PASSWORD"
"#
    )
}

const SMTP_USER: &str = "hb-user";
const SMTP_PASSWORD: &str = "pw-Zq8vK2mN5xR7";

/// `hb` with the test channels' secrets in its environment.
fn run(hb: &Hb, env: &[(&str, &str)], args: &[&str]) -> std::process::Output {
    let mut cmd = hb.cmd();
    cmd.env("HB_TEST_SMTP_USER", SMTP_USER)
        .env("HB_TEST_SMTP_PASSWORD", SMTP_PASSWORD);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.args(args).output().expect("run hb")
}

fn ok(hb: &Hb, env: &[(&str, &str)], args: &[&str]) -> String {
    Hb::succeeded(args, run(hb, env, args))
}

fn outbox(hb: &Hb, all: bool) -> Value {
    let mut args = vec!["alerts", "outbox", "--json"];
    if all {
        args.push("--all");
    }
    serde_json::from_str(&ok(hb, &[], &args)).expect("outbox JSON")
}

fn hmac_hex(key: &str, body: &str) -> String {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key.as_bytes());
    ring::hmac::sign(&key, body.as_bytes())
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

// ---------------------------------------------------------------------------------
// Email

#[test]
fn email_test_and_alert_reach_a_real_smtp_server() {
    let hb = Hb::new();
    let sink = SmtpSink::start(hb.dir.path());
    let port = sink.port();
    hb.write(
        "heartbeat.toml",
        &format!(
            "{}\n[alerts.routes]\ncritical = [\"ops-email\"]\n",
            email_channel(port)
        ),
    );

    let out = ok(&hb, &[], &["alerts", "test", "ops-email"]);
    assert!(
        out.contains("ops-email (email): accepted: SMTP 250 2.0.0 OK queued by hb-test-sink"),
        "{out}"
    );

    ok(
        &hb,
        &[],
        &[
            "alerts",
            "send",
            "--priority",
            "critical",
            "--subject",
            "API down",
            "--message",
            "GET /health: connection refused",
        ],
    );
    let messages = sink.messages();
    assert_eq!(messages.len(), 2, "{messages:?}");
    for m in &messages {
        assert_eq!(m["mail_from"], "hb@example.com");
        assert_eq!(
            m["rcpt_tos"],
            serde_json::json!(["ops@example.com", "oncall@example.com"])
        );
        assert_eq!(m["login"], SMTP_USER);
        assert_eq!(m["password"], SMTP_PASSWORD);
    }
    let test = messages[0]["content"].as_str().unwrap();
    assert_eq!(
        header(test, "Subject").as_deref(),
        Some("hb: [test] test message for channel ops-email")
    );
    assert!(
        body(test).contains("the channel `ops-email` works"),
        "{test}"
    );

    let alert = messages[1]["content"].as_str().unwrap();
    assert_eq!(
        header(alert, "Subject").as_deref(),
        Some("hb: [critical] API down")
    );
    assert_eq!(header(alert, "From").as_deref(), Some("hb@example.com"));
    let text = body(alert);
    assert!(
        text.starts_with("[critical] API down\n\nGET /health: connection refused\n"),
        "{text}"
    );
    assert!(text.contains("key: adhoc:API down\n"), "{text}");
    let outbox = outbox(&hb, true);
    assert_eq!(outbox["rows"][0]["status"], "delivered");
}

#[test]
fn email_test_reports_failure_with_exit_1() {
    let hb = Hb::new();
    let down = ReservedPort::new();
    hb.write("heartbeat.toml", &email_channel(down.port()));
    let out = run(&hb, &[], &["alerts", "test", "ops-email"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("error: ops-email (email): test message not delivered: SMTP 127.0.0.1:"),
        "{stderr}"
    );
    assert!(stderr.contains("Connection refused"), "{stderr}");
    // A test never queues anything, and needs no store.
    assert!(!hb.db().exists());

    let out = run(&hb, &[], &["alerts", "test", "pager"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("no alert channel named `pager` (declared: ops-email)"));
}

#[test]
fn starttls_is_required_when_configured() {
    let hb = Hb::new();
    let sink = SmtpSink::start(hb.dir.path());
    let port = sink.port();
    hb.write(
        "heartbeat.toml",
        &email_channel(port).replace("tls = \"none\"", "tls = \"starttls\""),
    );
    let out = run(&hb, &[], &["alerts", "test", "ops-email"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("not delivered: SMTP 127.0.0.1:")
            && stderr.contains("STARTTLS is not supported"),
        "{stderr}"
    );
    // The sink offers no STARTTLS: nothing, and no password, went over plain text.
    assert!(sink.messages().is_empty());
}

#[test]
fn smtp_outage_is_retried_with_backoff_then_delivered_exactly_once() {
    let hb = Hb::new();
    let down = ReservedPort::new();
    let port = down.port();
    hb.write(
        "heartbeat.toml",
        &format!(
            "{}\n[alerts.routes]\nhigh = [\"ops-email\"]\n",
            email_channel(port)
        ),
    );
    let time = super::support::at;
    ok(
        &hb,
        &[],
        &[
            "alerts",
            "send",
            "--priority",
            "high",
            "--subject",
            "Queue depth 140",
            "--queue-only",
        ],
    );

    // Three runs while the server is down, each after the previous backoff: 1m, 2m, 4m.
    let mut t = 0;
    for (attempt, backoff) in [(1, 60), (2, 120), (3, 240)] {
        let out = run(&hb, &[("HB_NOW", &time(t))], &["alerts", "deliver"]);
        assert_eq!(out.status.code(), Some(1), "run {attempt}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("Connection refused"), "{stderr}");
        let rows = outbox(&hb, false);
        let row = &rows["rows"][0];
        assert_eq!(row["status"], "pending");
        assert_eq!(row["attempts"], attempt);
        assert_eq!(row["next_attempt_at"], time(t + backoff).as_str());
        assert!(row["last_error"]
            .as_str()
            .unwrap()
            .contains("Connection refused"));
        // Not due yet: nothing is tried.
        let early = run(
            &hb,
            &[("HB_NOW", &time(t + backoff - 1))],
            &["alerts", "deliver"],
        );
        assert_eq!(early.status.code(), Some(0));
        assert!(String::from_utf8_lossy(&early.stdout).contains("Nothing is due"));
        t += backoff;
    }

    let sink = SmtpSink::start_on(hb.dir.path(), down, &[]);
    let out = ok(&hb, &[("HB_NOW", &time(t))], &["alerts", "deliver"]);
    assert!(
        out.contains("ops-email: delivered 1 alert (SMTP 250"),
        "{out}"
    );
    ok(&hb, &[("HB_NOW", &time(t + 3600))], &["alerts", "deliver"]);
    let messages = sink.messages();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert_eq!(
        header(messages[0]["content"].as_str().unwrap(), "Subject").as_deref(),
        Some("hb: [high] Queue depth 140")
    );
    let rows = outbox(&hb, true);
    assert_eq!(rows["pending"], 0);
    assert_eq!(rows["rows"][0]["status"], "delivered");
    assert_eq!(rows["rows"][0]["attempts"], 4);
    assert_eq!(rows["rows"][0]["delivered_at"], time(t).as_str());
    assert!(rows["rows"][0]["last_error"].is_null());
}

// ---------------------------------------------------------------------------------
// Discord

fn discord_config() -> &'static str {
    r#"
[[alerts.channel]]
name = "discord"
type = "discord"
webhook_url_env = "HB_TEST_DISCORD"
timeout = "5s"

[alerts.routes]
high = ["discord"]
critical = ["discord"]
"#
}

#[test]
fn discord_gets_embeds_coloured_by_priority_after_waiting_out_a_429() {
    let hb = Hb::new();
    let server = Server::scripted(vec![Reply::json(
        429,
        r#"{"message": "You are being rate limited.", "retry_after": 0.2, "global": false}"#,
    )]);
    let url = server.url("/api/webhooks/42/tok3n-abcdefghijklmnopqrstuvwxyz");
    hb.write("heartbeat.toml", discord_config());
    let env = [("HB_TEST_DISCORD", url.as_str())];
    for (priority, subject) in [("high", "Disk 91% full"), ("critical", "API down")] {
        ok(
            &hb,
            &env,
            &[
                "alerts",
                "send",
                "--priority",
                priority,
                "--subject",
                subject,
                "--queue-only",
            ],
        );
    }
    let out = ok(&hb, &env, &["alerts", "deliver"]);
    assert!(
        out.contains("discord: delivered 2 alerts (HTTP 204 No Content)"),
        "{out}"
    );

    let requests = server.requests();
    assert_eq!(requests.len(), 2, "one 429, then the retry");
    assert!(requests[1].at - requests[0].at >= Duration::from_millis(200));
    assert_eq!(requests[0].body, requests[1].body);
    let req = &requests[1];
    assert_eq!(
        req.path,
        "/api/webhooks/42/tok3n-abcdefghijklmnopqrstuvwxyz"
    );
    assert_eq!(req.header("content-type"), Some("application/json"));
    let payload = req.json();
    let embeds = payload["embeds"].as_array().unwrap();
    assert_eq!(embeds.len(), 2);
    assert_eq!(embeds[0]["title"], "[critical] API down");
    assert_eq!(embeds[0]["color"], 0xE74C3C);
    assert_eq!(embeds[1]["title"], "[high] Disk 91% full");
    assert_eq!(embeds[1]["color"], 0xE67E22);
    assert_eq!(payload["content"], "hb: 2 alerts (1 critical, 1 high)");
    assert_eq!(payload["allowed_mentions"]["parse"], serde_json::json!([]));
    assert_eq!(outbox(&hb, false)["pending"], 0);
}

#[test]
fn discord_long_rate_limit_is_left_for_a_later_run() {
    let hb = Hb::new();
    let server = Server::scripted(vec![Reply::status(429).header("Retry-After", "300")]);
    let url = server.url("/api/webhooks/42/tok3n-abcdefghijklmnopqrstuvwxyz");
    hb.write("heartbeat.toml", discord_config());
    let env = [("HB_TEST_DISCORD", url.as_str())];
    let started = Instant::now();
    let out = run(
        &hb,
        &env,
        &["alerts", "send", "--priority", "high", "--subject", "x"],
    );
    assert!(out.status.success(), "send exits 0: the alert is queued");
    assert!(started.elapsed() < Duration::from_secs(5), "no 300 s wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: discord: 1 alert not delivered: HTTP 429"),
        "{stderr}"
    );
    assert_eq!(server.requests().len(), 1);
    let row = &outbox(&hb, false)["rows"][0];
    // The server's 300 s beats the 1 m backoff.
    assert_eq!(row["next_attempt_at"], "2026-11-25T12:05:00Z");
}

#[test]
fn a_delivery_killed_mid_send_loses_nothing() {
    let hb = Hb::new();
    let server = Server::scripted(vec![Reply::hang()]);
    let url = server.url("/api/webhooks/42/tok3n-abcdefghijklmnopqrstuvwxyz");
    hb.write("heartbeat.toml", discord_config());
    let env = [("HB_TEST_DISCORD", url.as_str())];
    ok(
        &hb,
        &env,
        &[
            "alerts",
            "send",
            "--priority",
            "high",
            "--subject",
            "x",
            "--queue-only",
        ],
    );
    let mut child = spawn(&hb, &env, &["alerts", "deliver"]);
    let deadline = Instant::now() + Duration::from_secs(10);
    while server.requests().is_empty() {
        assert!(Instant::now() < deadline, "hb never sent");
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().expect("kill hb");
    let _ = child.wait();

    // Claimed, never confirmed: still pending, due again when the claim's lease ends.
    let row = &outbox(&hb, false)["rows"][0];
    assert_eq!(row["status"], "pending");
    assert_eq!(row["attempts"], 1);
    assert_eq!(row["next_attempt_at"], "2026-11-25T12:10:00Z");
    let out = ok(
        &hb,
        &[("HB_NOW", "2026-11-25T12:10:00Z"), env[0]],
        &["alerts", "deliver"],
    );
    assert!(out.contains("discord: delivered 1 alert"), "{out}");
    assert_eq!(server.requests().len(), 2);
}

/// `hb` as a child process, for a test that kills it.
fn spawn(hb: &Hb, env: &[(&str, &str)], args: &[&str]) -> Child {
    hb.std_cmd()
        .envs(env.iter().copied())
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn hb")
}

// ---------------------------------------------------------------------------------
// Webhook

#[test]
fn webhook_posts_the_documented_payload_with_an_hmac_signature() {
    let hb = Hb::new();
    let server = Server::scripted(vec![Reply::json(200, r#"{"ok":true}"#)]);
    hb.write(
        "heartbeat.toml",
        &format!(
            r#"
[[alerts.channel]]
name = "hook"
type = "webhook"
url = "{}"
secret_env = "HB_TEST_HMAC"

[alerts.routes]
medium = ["hook"]
"#,
            server.url("/hb")
        ),
    );
    let secret = "hmac-Kx93mQ0pLw";
    let env = [("HB_TEST_HMAC", secret)];
    let out = ok(
        &hb,
        &env,
        &[
            "alerts",
            "send",
            "--priority",
            "medium",
            "--subject",
            "Contract 7 unsigned",
            "--message",
            "sent 6 days ago",
            "--key",
            "unsigned:7",
            "--property",
            "5",
        ],
    );
    assert!(
        out.contains("hook: delivered 1 alert (HTTP 200 OK: {\"ok\":true})"),
        "{out}"
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let req = &requests[0];
    assert_eq!(req.path, "/hb");
    let expected = format!("sha256={}", hmac_hex(secret, &req.body));
    assert_eq!(req.header("X-Hb-Signature"), Some(expected.as_str()));
    let id = outbox(&hb, true)["rows"][0]["id"].clone();
    assert_eq!(
        req.json(),
        serde_json::json!({
            "source": "hb",
            "version": 1,
            "channel": "hook",
            "sent_at": "2026-11-25T12:00:00Z",
            "summary": "hb: [medium] Contract 7 unsigned",
            "alerts": [{
                "id": id,
                "priority": "medium",
                "kind": "new",
                "subject": "Contract 7 unsigned",
                "message": "sent 6 days ago",
                "dedup_key": "unsigned:7",
                "created_at": "2026-11-25T12:00:00Z",
                "property_id": 5,
                "check": null,
                "notification_id": null,
            }]
        })
    );
}

// ---------------------------------------------------------------------------------
// Digests

#[test]
fn thirty_alerts_go_out_as_one_message_per_channel() {
    let hb = Hb::new();
    let sink = SmtpSink::start(hb.dir.path());
    let port = sink.port();
    let server = Server::scripted(vec![]);
    hb.write(
        "heartbeat.toml",
        &format!(
            r#"{}
[[alerts.channel]]
name = "discord"
type = "discord"
webhook_url_env = "HB_TEST_DISCORD"

[alerts.routes]
low = ["ops-email", "discord"]
high = ["ops-email", "discord"]
critical = ["ops-email", "discord"]
"#,
            email_channel(port)
        ),
    );
    let url = server.url("/api/webhooks/1/tok3n-abcdefghijklmnopqrstuvwxyz");
    let env = [("HB_TEST_DISCORD", url.as_str())];
    for n in 0..30 {
        let priority = ["critical", "high", "low"][n % 3];
        let subject = format!("alert number {n}");
        ok(
            &hb,
            &env,
            &[
                "alerts",
                "send",
                "--priority",
                priority,
                "--subject",
                &subject,
                "--queue-only",
            ],
        );
    }
    assert_eq!(outbox(&hb, false)["pending"], 60);
    let out = ok(&hb, &env, &["alerts", "deliver"]);
    assert!(out.contains("ops-email: delivered 30 alerts"), "{out}");
    assert!(out.contains("discord: delivered 30 alerts"), "{out}");

    let messages = sink.messages();
    assert_eq!(messages.len(), 1);
    let content = messages[0]["content"].as_str().unwrap();
    assert_eq!(
        header(content, "Subject").as_deref(),
        Some("hb: 30 alerts (10 critical, 10 high, 10 low)")
    );
    let text = body(content);
    for n in 0..30 {
        assert!(
            text.contains(&format!("] alert number {n}\n")),
            "{n}: {text}"
        );
    }
    assert!(text.starts_with("30 alerts (10 critical, 10 high, 10 low), most urgent first.\n"));

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let payload = requests[0].json();
    assert_eq!(payload["embeds"].as_array().unwrap().len(), 10);
    assert!(payload["embeds"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["color"] == 0xE74C3C));
    let summary = payload["content"].as_str().unwrap();
    assert!(
        summary.starts_with("hb: 30 alerts (10 critical, 10 high, 10 low)"),
        "{summary}"
    );
    assert!(
        summary.contains("20 more not shown (10 high, 10 low)"),
        "{summary}"
    );
    assert_eq!(outbox(&hb, false)["pending"], 0);
}

// ---------------------------------------------------------------------------------
// Secrets and config

#[test]
fn secrets_never_appear_in_output_or_in_the_store() {
    let hb = Hb::new();
    let down = ReservedPort::new();
    // A server that echoes the path (with the token) back in its error body.
    let unknown = Reply::json(
        404,
        r#"{"message": "Unknown Webhook /api/webhooks/9/tok3n-SECRETabcdefghijklmnop"}"#,
    );
    let echo = Server::scripted(vec![unknown; 10]);
    let discord_token = "tok3n-SECRETabcdefghijklmnop";
    let discord_url = echo.url(&format!("/api/webhooks/9/{discord_token}"));
    let hook_url = down.url("/hook/url-SECRET-qwertyuiopasdf");
    let hmac = "hmac-SECRET-Kx93mQ0pLw";
    hb.write(
        "heartbeat.toml",
        &format!(
            r#"{}
[[alerts.channel]]
name = "discord"
type = "discord"
webhook_url_env = "HB_TEST_DISCORD"

[[alerts.channel]]
name = "hook"
type = "webhook"
url_env = "HB_TEST_HOOK_URL"
secret_env = "HB_TEST_HMAC"

[alerts.routes]
critical = ["ops-email", "discord", "hook"]
"#,
            email_channel(down.port())
        ),
    );
    let env = [
        ("HB_TEST_DISCORD", discord_url.as_str()),
        ("HB_TEST_HOOK_URL", hook_url.as_str()),
        ("HB_TEST_HMAC", hmac),
    ];
    let secrets = [
        SMTP_PASSWORD,
        discord_token,
        discord_url.as_str(),
        hook_url.as_str(),
        "url-SECRET-qwertyuiopasdf",
        hmac,
    ];
    let mut outputs = Vec::new();
    let later = "2026-11-25T12:05:00Z";
    let commands: [(&str, &[&str]); 9] = [
        (super::NOW, &["alerts", "test", "ops-email"]),
        (super::NOW, &["alerts", "test", "discord"]),
        (super::NOW, &["alerts", "test", "hook"]),
        (
            super::NOW,
            &[
                "alerts",
                "send",
                "--priority",
                "critical",
                "--subject",
                "API down",
            ],
        ),
        (later, &["alerts", "deliver", "-v"]),
        (later, &["alerts", "deliver", "--json"]),
        (later, &["alerts", "outbox"]),
        (later, &["alerts", "outbox", "--json", "--all"]),
        (later, &["alerts", "test", "discord", "--json"]),
    ];
    for (now, args) in commands {
        let mut env = env.to_vec();
        env.push(("HB_NOW", now));
        let out = run(&hb, &env, args);
        outputs.push((
            args.join(" "),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        ));
    }
    // The failures did happen and were reported, with the secrets masked.
    let all: String = outputs
        .iter()
        .map(|(cmd, o, e)| format!("$ hb {cmd}\n{o}{e}"))
        .collect();
    if std::env::var_os("HB_SHOW").is_some() {
        eprintln!("{all}");
    }
    assert!(all.contains("HTTP 404 Not Found"), "{all}");
    assert!(all.contains("Unknown Webhook /api/webhooks/9/***"), "{all}");
    assert!(all.contains("Connection refused"), "{all}");
    assert!(all.contains("\"attempts\": 2"), "deliver retried: {all}");
    for secret in secrets {
        assert!(!all.contains(secret), "{secret:?} leaked:\n{all}");
    }
    // Every text value of every table.
    let conn = rusqlite::Connection::open(hb.db()).expect("open store");
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut texts = 0;
    for table in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
        let columns = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            for i in 0..columns {
                if let Ok(rusqlite::types::ValueRef::Text(bytes)) = row.get_ref(i) {
                    let text = String::from_utf8_lossy(bytes);
                    texts += 1;
                    for secret in secrets {
                        assert!(
                            !text.contains(secret),
                            "{secret:?} stored in {table}: {text}"
                        );
                    }
                }
            }
        }
    }
    assert!(texts > 0, "the outbox has rows to scan");
}

/// An API on 127.0.0.1 that echoes the `X-Api-Key` it was sent in its JSON body, as a
/// misbehaving (or debugging) service does.
fn key_echo_server() -> Server {
    Server::start(|_, request| {
        let key = request.header("x-api-key").unwrap_or_default();
        Reply::json(
            200,
            serde_json::json!({"status": "degraded", "key": key}).to_string(),
        )
    })
}

/// Every `${VAR}` value is redacted once, where a check's outcome is made and where an
/// alert is queued: a body echoing the key reached status, checks, logs, alerts, the
/// outbox, the store and the Discord and webhook channels.
#[test]
fn a_key_echoed_by_a_target_is_redacted_everywhere() {
    let hb = Hb::new();
    let key = "k3y-ECHOED-9f8e7d6c5b4a";
    let api_server = key_echo_server();
    let api = api_server.port();
    let hook = Server::scripted(vec![]);
    let discord = Server::scripted(vec![]);
    let config = format!(
        r#"
[[check]]
name = "api"
group = "system"
type = "http"
url = "http://127.0.0.1:{api}/health?token=${{HB_TEST_API_KEY}}"
headers = {{ X-Api-Key = "${{HB_TEST_API_KEY}}" }}
json_field = "key"
expect = "ok"
every = "5m"
on_failure = [["sh", "-c", "echo restarting with $HB_TEST_API_KEY"]]

[[check]]
name = "plugin"
group = "system"
type = "command"
command = ["sh", "-c", "echo \"CRITICAL - rejected key $HB_TEST_API_KEY|$HB_TEST_API_KEY=1\"; exit 2"]
every = "5m"

[[alerts.channel]]
name = "hook"
type = "webhook"
url = "{}"

[[alerts.channel]]
name = "discord"
type = "discord"
webhook_url_env = "HB_TEST_DISCORD"

[alerts.routes]
critical = ["hook", "discord"]
"#,
        hook.url("/hook")
    );
    // Remediation runs only for a check that has passed here before: without its
    // condition, the api check passes once first.
    hb.write(
        "heartbeat.toml",
        &config.replace(
            "json_field = \"key\"\nexpect = \"ok\"\n",
            "body_contains = \"degraded\"\n",
        ),
    );
    let discord_url = discord.url("/api/webhooks/1/tok3n-abcdefghijklmnopq");
    let env = [
        ("HB_TEST_API_KEY", key),
        ("HB_TEST_DISCORD", discord_url.as_str()),
    ];
    let mut seen = String::new();
    let mut record = |args: &[&str]| {
        let out = run(&hb, &env, args);
        seen += &format!(
            "$ hb {}\n{}{}\n",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    };
    record(&["checks", "run", "api", "--json"]);
    hb.write("heartbeat.toml", &config);
    record(&["checks", "run", "--all", "--remediate", "--json"]);
    record(&["cycle", "--all", "-v"]);
    for args in [
        &["checks", "--json"][..],
        &["status", "--json"],
        &["logs", "--json"],
        &["alerts", "--json", "--all"],
        &["alerts", "outbox", "--json", "--all"],
    ] {
        record(args);
    }
    if std::env::var_os("HB_SHOW").is_some() {
        eprintln!("{seen}");
    }
    // The checks did see the key and said so, masked.
    assert!(
        seen.contains(r#"key = \"***\" (expected \"ok\")"#),
        "{seen}"
    );
    assert!(seen.contains("CRITICAL - rejected key ***"), "{seen}");
    assert!(seen.contains("restarting with ***"), "{seen}");
    assert!(!seen.contains(key), "the key leaked:\n{seen}");
    // The channels got the alerts, masked.
    let received: Vec<String> = hook
        .requests()
        .into_iter()
        .chain(discord.requests())
        .map(|r| r.body)
        .collect();
    assert!(received.len() >= 2, "{received:?}");
    let bodies = received.join("\n");
    assert!(bodies.contains("***"), "{bodies}");
    assert!(!bodies.contains(key), "the key reached a channel: {bodies}");
    // Nor is it anywhere in the store's bytes.
    for file in ["hb.db", "hb.db-wal"] {
        if let Ok(bytes) = std::fs::read(hb.path(file)) {
            assert!(
                !bytes.windows(key.len()).any(|w| w == key.as_bytes()),
                "the key is in {file}"
            );
        }
    }
}

#[test]
fn a_route_naming_an_unknown_channel_is_a_config_error() {
    let hb = Hb::new();
    hb.write(
        "heartbeat.toml",
        "[[alerts.channel]]\nname = \"console\"\ntype = \"stderr\"\n\n[alerts.routes]\nhigh = [\"console\", \"pager\"]\n",
    );
    let out = run(&hb, &[], &["alerts", "outbox"]);
    assert_eq!(out.status.code(), Some(78));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("heartbeat.toml:6: key `alerts.routes.high`: unknown channel `pager`"),
        "{stderr}"
    );
}

#[test]
fn stderr_channel_and_send_without_route() {
    let hb = Hb::new();
    hb.write(
        "heartbeat.toml",
        "[[alerts.channel]]\nname = \"console\"\ntype = \"stderr\"\n\n[alerts.routes]\nhigh = [\"console\"]\n",
    );
    let out = run(
        &hb,
        &[],
        &[
            "alerts",
            "send",
            "--priority",
            "high",
            "--subject",
            "Cycle overdue",
            "--message",
            "last cycle 31 minutes ago",
        ],
    );
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("hb: [high] Cycle overdue\n\nlast cycle 31 minutes ago\n"),
        "{stderr}"
    );
    let out = run(
        &hb,
        &[],
        &["alerts", "send", "--priority", "low", "--subject", "x"],
    );
    assert_eq!(out.status.code(), Some(64));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no channel is routed for priority low"));
    // An explicit channel overrides the route.
    ok(
        &hb,
        &[],
        &[
            "alerts",
            "send",
            "--priority",
            "low",
            "--subject",
            "x",
            "--channel",
            "console",
        ],
    );
    assert_eq!(outbox(&hb, true)["rows"].as_array().unwrap().len(), 2);
}

// ---------------------------------------------------------------------------------
// Through `hb cycle`: findings and checks, escalation, recovery, outages

/// `hb cycle` at `secs` after the fixed clock.
fn cycle_at(hb: &Hb, secs: i64) -> std::process::Output {
    let out = run(hb, &[("HB_NOW", &super::support::at(secs))], &["cycle"]);
    assert!(
        out.status.success(),
        "cycle failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The alert kinds (new, escalation, recovery, ...) of every webhook POST so far.
fn kinds_received(server: &Server) -> Vec<Vec<String>> {
    server
        .requests()
        .iter()
        .map(|r| {
            r.json()["alerts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["kind"].as_str().unwrap().to_string())
                .collect()
        })
        .collect()
}

#[test]
fn a_failing_check_escalates_on_the_third_cycle_once_and_recovery_rearms() {
    let hb = Hb::new();
    let server = Server::scripted(Vec::new());
    let flag = hb.path("api-up");
    hb.write(
        "heartbeat.toml",
        &format!(
            r#"
[[check]]
name = "api"
group = "system"
type = "command"
command = ["sh", "-c", "if [ -f '{flag}' ]; then echo 'OK - api up'; else echo 'CRITICAL - api down'; exit 2; fi"]
every = "5m"
severity = "critical"
escalate_after = 3

[[alerts.channel]]
name = "pager"
type = "webhook"
url = "{url}"

[alerts.routes]
critical = ["pager"]
escalation = ["pager"]
"#,
            flag = flag.display(),
            url = server.url("/hook"),
        ),
    );
    let minutes = |m: i64| m * 60;
    cycle_at(&hb, minutes(0));
    assert_eq!(
        kinds_received(&server),
        vec![vec!["new"]],
        "the failure alerts at once"
    );
    cycle_at(&hb, minutes(5));
    assert_eq!(
        server.requests().len(),
        1,
        "2 failing cycles: no escalation yet"
    );
    cycle_at(&hb, minutes(10));
    assert_eq!(
        kinds_received(&server)[1],
        vec!["escalation"],
        "the 3rd escalates"
    );
    let escalation = &server.requests()[1].json()["alerts"][0];
    assert!(
        escalation["subject"]
            .as_str()
            .unwrap()
            .contains("check api has failed 3 times in a row since 2026-11-25T12:00:00Z"),
        "{escalation}"
    );
    cycle_at(&hb, minutes(15));
    assert_eq!(
        server.requests().len(),
        2,
        "escalated once, not every cycle"
    );

    std::fs::write(&flag, "").unwrap();
    cycle_at(&hb, minutes(20));
    assert_eq!(
        kinds_received(&server)[2],
        vec!["recovery"],
        "one recovery message"
    );
    cycle_at(&hb, minutes(25));
    assert_eq!(server.requests().len(), 3);

    // Re-armed: a new failing streak alerts, then escalates again on its 3rd cycle.
    std::fs::remove_file(&flag).unwrap();
    for m in [30, 35, 40] {
        cycle_at(&hb, minutes(m));
    }
    let kinds = kinds_received(&server);
    assert_eq!(
        kinds[3..],
        [vec!["new".to_string()], vec!["escalation".to_string()]],
        "{kinds:?}"
    );
}

#[test]
fn smtp_down_for_three_cycles_then_the_alert_is_delivered_once() {
    let hb = Hb::new();
    let down = ReservedPort::new();
    let port = down.port();
    hb.write(
        "heartbeat.toml",
        &format!(
            "{}\n[alerts.routes]\nhigh = [\"ops-email\"]\n",
            email_channel(port)
        ),
    );
    let file = hb.write(
        "p.csv",
        "id,address,blocked_reason\n1,1 Main St,Title dispute\n",
    );
    ok(&hb, &[], &["import", "properties", file.to_str().unwrap()]);
    // Down: each cycle tries (after the backoff) and fails; the cycle still succeeds.
    for m in [0, 5, 10] {
        let out = cycle_at(&hb, m * 60);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("alert delivery failed"), "{stdout}");
    }
    assert_eq!(outbox(&hb, false)["rows"][0]["attempts"], 3);
    let sink = SmtpSink::start_on(hb.dir.path(), down, &[]);
    cycle_at(&hb, 15 * 60);
    cycle_at(&hb, 20 * 60);
    let messages = sink.messages();
    assert_eq!(messages.len(), 1, "delivered exactly once: {messages:?}");
    let content = messages[0]["content"].as_str().unwrap();
    assert!(
        body(content).contains("Property #1 is blocked: Title dispute"),
        "{content}"
    );
}

#[test]
fn thirty_findings_in_one_cycle_are_one_digest_per_channel() {
    let hb = Hb::new();
    let (a, b) = (Server::scripted(Vec::new()), Server::scripted(Vec::new()));
    hb.write(
        "heartbeat.toml",
        &format!(
            "[[alerts.channel]]\nname = \"a\"\ntype = \"webhook\"\nurl = \"{}\"\n\n\
             [[alerts.channel]]\nname = \"b\"\ntype = \"webhook\"\nurl = \"{}\"\n\n\
             [alerts.routes]\nmedium = [\"a\", \"b\"]\nhigh = [\"a\", \"b\"]\n",
            a.url("/a"),
            b.url("/b")
        ),
    );
    // 15 stale properties (medium) and 15 blocked ones (high): 30 findings.
    let mut csv = String::from("id,address,created_at,blocked_reason\n");
    for i in 1..=15 {
        csv.push_str(&format!("{i},{i} Main St,2026-11-01,\n"));
        csv.push_str(&format!(
            "{},{} Oak St,2026-11-25,Title dispute\n",
            100 + i,
            i
        ));
    }
    let file = hb.write("p.csv", &csv);
    ok(&hb, &[], &["import", "properties", file.to_str().unwrap()]);
    cycle_at(&hb, 0);
    for server in [&a, &b] {
        let requests = server.requests();
        assert_eq!(requests.len(), 1, "one message per channel");
        let alerts = requests[0].json()["alerts"].as_array().unwrap().clone();
        assert_eq!(alerts.len(), 30, "the digest carries all 30");
        assert_eq!(alerts[0]["priority"], "high", "most urgent first");
    }
}
