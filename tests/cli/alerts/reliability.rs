//! What hb promises about alert delivery, each against real servers on 127.0.0.1 that
//! misbehave the way real ones do: routes kept through grouping, a wrong clock, servers
//! that trickle or never answer, recipients refused, dead channels with a backlog,
//! backoff per alert, credentials quoted back, the `check` of a check's alert.
//! README "Reliability" lists these tests by name.

use std::io::Write;
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::Value;

use super::{email_channel, ok, outbox, run, SMTP_PASSWORD, SMTP_USER};
use crate::support::http::{Reply, Request, Server};
use crate::support::smtp::{body, header, SmtpSink};
use crate::support::{at, ReservedPort};
use crate::Hb;

fn json_of(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A webhook channel named `name` posting to `url`, with `timeout`.
fn webhook(name: &str, url: &str, timeout: &str) -> String {
    format!(
        "\n[[alerts.channel]]\nname = \"{name}\"\ntype = \"webhook\"\nurl = \"{url}\"\ntimeout = \"{timeout}\"\n"
    )
}

/// A command check that fails critically (or passes), with its own route.
fn command_check(name: &str, pass: bool, route: Option<&str>) -> String {
    let script = if pass {
        "echo 'OK - fine'".to_string()
    } else {
        format!("echo 'CRITICAL - {name} down'; exit 2")
    };
    let route = route
        .map(|r| format!("route = [\"{r}\"]\n"))
        .unwrap_or_default();
    format!(
        "\n[[check]]\nname = \"{name}\"\ngroup = \"system\"\ntype = \"command\"\n\
         command = [\"sh\", \"-c\", \"{script}\"]\nevery = \"5m\"\nseverity = \"critical\"\n{route}"
    )
}

/// The alerts of every POST a server received, flattened.
fn alerts_received(requests: &[Request]) -> Vec<Value> {
    requests
        .iter()
        .flat_map(|r| r.json()["alerts"].as_array().cloned().unwrap_or_default())
        .collect()
}

// ---------------------------------------------------------------------------------
// Servers that misbehave

/// An SMTP server whose greeting never ends: `220-` lines, a byte every 50 ms.
fn trickling_greeting() -> Server {
    Server::raw(|mut stream, stopped| {
        let line = b"220-hb-test: still greeting you\r\n";
        let deadline = Instant::now() + Duration::from_secs(20);
        'outer: while Instant::now() < deadline {
            for byte in line {
                if stopped() || stream.write_all(&[*byte]).is_err() {
                    break 'outer;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    })
}

/// Answers the n-th request with `delays[n]`'s wait and status (later ones: the last).
fn answering_after(delays: Vec<(Duration, u16)>) -> Server {
    Server::start(move |n, _| {
        let (delay, status) = delays[n.min(delays.len() - 1)];
        Reply::status(status).after(delay)
    })
}

// ---------------------------------------------------------------------------------
// 1. Grouping never changes where an alert goes

#[test]
fn grouping_many_routed_checks_keeps_each_checks_route() {
    let hb = Hb::new();
    let hook = Server::scripted(Vec::new());
    let other = Server::scripted(Vec::new());
    // 25 checks routed to `hook` alone, one to `other`, and no priority route at all.
    let mut config =
        webhook("hook", &hook.url("/hook"), "3s") + &webhook("other", &other.url("/other"), "3s");
    for n in 0..25 {
        config.push_str(&command_check(&format!("svc-{n:02}"), false, Some("hook")));
    }
    config.push_str(&command_check("billing", false, Some("other")));
    hb.write("heartbeat.toml", &config);

    let out = run(&hb, &[], &["cycle", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json_of(&out)["notifications"]["new"], 26);

    // `hook` hears of its 25 as one alert that counts them: grouped within its route.
    let requests = hook.requests();
    assert_eq!(requests.len(), 1, "one message to hook");
    let alerts = alerts_received(&requests);
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(alerts[0]["subject"], "25 new check_failed notifications");
    assert!(
        !alerts[0]["message"].as_str().unwrap().contains("billing"),
        "hook is not told of a check routed elsewhere: {}",
        alerts[0]["message"]
    );
    // `other` hears of exactly its one check, by name.
    let alerts = alerts_received(&other.requests());
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(alerts[0]["dedup_key"], "check:billing");
    let rows = outbox(&hb, true);
    assert_eq!(rows["rows"].as_array().unwrap().len(), 2, "{rows}");
    assert_eq!(rows["pending"], 0);
}

// ---------------------------------------------------------------------------------
// 2. A wrong future clock

#[test]
fn a_cycle_under_a_wrong_future_clock_neither_gives_up_alerts_nor_stops_checks() {
    let hb = Hb::new();
    // Refuses the first two posts (the alert waits), then accepts.
    let server = Server::scripted(vec![Reply::status(500), Reply::status(500)]);
    hb.write(
        "heartbeat.toml",
        &format!(
            "{}{}\n[alerts.routes]\nhigh = [\"hook\"]\n",
            webhook("hook", &server.url("/hook"), "3s"),
            command_check("api", true, None)
        ),
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
            "Queue depth 140",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(outbox(&hb, false)["rows"][0]["attempts"], 1);

    // One cycle with a clock 74 years ahead: tries again, gives nothing up.
    let future = run(
        &hb,
        &[("HB_NOW", "2100-01-01T00:00:00Z")],
        &["cycle", "--json"],
    );
    assert!(future.status.success(), "{}", stderr(&future));
    let row = &outbox(&hb, false)["rows"][0];
    assert_eq!(row["status"], "pending", "not given up: {row}");
    assert_eq!(row["attempts"], 2);
    assert_eq!(json_of(&future)["alerts"]["failed"], 1);

    // The clock is right again: everything stamped in 2100 is due now, with a warning.
    let back = run(&hb, &[("HB_NOW", &at(300))], &["cycle", "--json"]);
    assert!(back.status.success(), "{}", stderr(&back));
    let err = stderr(&back);
    assert!(
        err.contains("warning: stored times are after the clock (2026-11-25T12:05:00Z)")
            && err.contains("last run of modules")
            && err.contains("system (2100-01-01T00:00:00Z)")
            && err.contains("last run of checks api (2100-01-01T00:00:00Z)")
            && err.contains("1 pending alert last tried or queued then"),
        "{err}"
    );
    let report = json_of(&back);
    let system = report["modules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["module"] == "system")
        .unwrap()
        .clone();
    assert_eq!(system["status"], "ok", "{system}");
    assert_eq!(system["message"], "ran 1 check: 1 ok", "{system}");
    assert_eq!(
        report["alerts"]["delivered"], 1,
        "the waiting alert went out"
    );
    assert_eq!(outbox(&hb, true)["rows"][0]["status"], "delivered");
    // The warning is in the run's log too.
    let run_id = report["run_id"].as_i64().unwrap().to_string();
    let log = ok(&hb, &[], &["logs", &run_id]);
    assert!(
        log.contains("warning: stored times are after the clock"),
        "{log}"
    );

    // And the next normal cycle is quiet: the stamps are back in the present.
    let next = run(&hb, &[("HB_NOW", &at(600))], &["cycle", "--json"]);
    assert!(next.status.success());
    assert!(!stderr(&next).contains("stored times"), "{}", stderr(&next));
    assert!(json_of(&next)["warnings"].as_array().unwrap().is_empty());
}

// ---------------------------------------------------------------------------------
// 3. Overall send deadlines and the delivery budget

#[test]
fn an_endless_smtp_greeting_cannot_hang_the_cycle() {
    let hb = Hb::new();
    let server = trickling_greeting();
    hb.write(
        "heartbeat.toml",
        &format!(
            "{}\n[alerts.routes]\ncritical = [\"ops-email\"]\n",
            email_channel(server.port()).replace("timeout = \"5s\"", "timeout = \"1s\"")
        ),
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
            "--queue-only",
        ],
    );
    let started = Instant::now();
    let mut child = super::spawn(
        &hb,
        &[
            ("HB_TEST_SMTP_USER", SMTP_USER),
            ("HB_TEST_SMTP_PASSWORD", SMTP_PASSWORD),
        ],
        &["cycle"],
    );
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            panic!("hb cycle still running after 10 s against a 1 s timeout");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success());
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(server.connections(), 1, "hb did talk to it");
    let row = &outbox(&hb, false)["rows"][0];
    assert_eq!(row["status"], "pending", "abandoned, not delivered: {row}");
    assert_eq!(row["attempts"], 1);
    assert!(
        row["last_error"]
            .as_str()
            .unwrap()
            .contains("no complete answer within the channel's timeout of 1s"),
        "{row}"
    );
    // The next cycle runs (no lock left behind) and tries again after the backoff.
    let next = run(&hb, &[("HB_NOW", &at(300))], &["cycle"]);
    assert_eq!(next.status.code(), Some(0), "{}", stderr(&next));
    assert_eq!(outbox(&hb, false)["rows"][0]["attempts"], 2);
}

#[test]
fn an_abandoned_send_is_sent_again_never_lost() {
    let hb = Hb::new();
    // The first post is answered only after hb gave up on it; the second at once.
    let server = answering_after(vec![
        (Duration::from_millis(2500), 200),
        (Duration::ZERO, 204),
    ]);
    hb.write(
        "heartbeat.toml",
        &format!(
            "{}\n[alerts.routes]\nhigh = [\"hook\"]\n",
            webhook("hook", &server.url("/hook"), "1s")
        ),
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
            "Disk full",
        ],
    );
    assert!(out.status.success());
    assert!(stderr(&out).contains("no complete answer within the channel's timeout of 1s"));
    // The server got it, but hb never heard so: kept, not marked delivered.
    assert_eq!(server.requests().len(), 1);
    assert_eq!(outbox(&hb, false)["rows"][0]["status"], "pending");
    std::thread::sleep(Duration::from_millis(1600));
    // The abandoned send "succeeded" meanwhile; the alert still goes out again.
    let out = ok(&hb, &[("HB_NOW", &at(60))], &["alerts", "deliver"]);
    assert!(out.contains("hook: delivered 1 alert"), "{out}");
    let ids: Vec<Value> = alerts_received(&server.requests())
        .iter()
        .map(|a| a["id"].clone())
        .collect();
    assert_eq!(ids.len(), 2, "a duplicate, with the same id: {ids:?}");
    assert_eq!(ids[0], ids[1]);
    assert_eq!(outbox(&hb, true)["rows"][0]["status"], "delivered");
}

#[test]
fn the_delivery_budget_leaves_the_rest_for_the_next_run() {
    let hb = Hb::new();
    let silent = answering_after(vec![(Duration::from_secs(5), 204)]);
    let url = silent.url("/hook");
    hb.write(
        "heartbeat.toml",
        &format!(
            "[alerts]\ndelivery_budget = \"2500ms\"\n{}{}{}\n[alerts.routes]\ncritical = [\"a\", \"b\", \"c\"]\n",
            webhook("a", &url, "1s"),
            webhook("b", &url, "1s"),
            webhook("c", &url, "1s"),
        ),
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
            "x",
            "--queue-only",
        ],
    );
    let started = Instant::now();
    let out = run(&hb, &[], &["alerts", "deliver", "--json"]);
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(1));
    assert!(took < Duration::from_millis(2500 + 1500), "took {took:?}");
    let report = json_of(&out);
    assert_eq!(report["channels"].as_array().unwrap().len(), 2, "{report}");
    assert_eq!(report["deferred"], serde_json::json!(["c"]), "{report}");
    // The channel left over was not even claimed: no attempt counted against it.
    let rows = outbox(&hb, false);
    let c = rows["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["channel"] == "c")
        .unwrap()
        .clone();
    assert_eq!(c["attempts"], 0, "{c}");
    // A budget a channel's timeout does not fit in is a config error.
    hb.write(
        "heartbeat.toml",
        &format!(
            "[alerts]\ndelivery_budget = \"2s\"\n{}",
            webhook("a", &url, "3s")
        ),
    );
    let out = run(&hb, &[], &["alerts", "outbox"]);
    assert_eq!(out.status.code(), Some(78));
    assert!(
        stderr(&out).contains("key `alerts.channel[0].timeout`: channel `a` has a timeout of 3s but [alerts] delivery_budget is 2s"),
        "{}",
        stderr(&out)
    );
}

// ---------------------------------------------------------------------------------
// 4. Refused recipients, permanent and temporary failures

/// The email channel of alerts.rs with three recipients, one of them unknown.
fn three_recipients(port: u16) -> String {
    email_channel(port).replace(
        "to = [\"ops@example.com\", \"oncall@example.com\"]",
        "to = [\"ops@example.com\", \"gone@example.com\", \"oncall@example.com\"]",
    ) + "\n[alerts.routes]\ncritical = [\"ops-email\"]\n"
}

fn send_critical(hb: &Hb, subject: &str) -> std::process::Output {
    run(
        hb,
        &[],
        &[
            "alerts",
            "send",
            "--priority",
            "critical",
            "--subject",
            subject,
        ],
    )
}

#[test]
fn one_refused_recipient_does_not_silence_email_for_the_others() {
    let hb = Hb::new();
    let sink = SmtpSink::start_with(hb.dir.path(), &["--refuse-rcpt", "gone@example.com"]);
    let port = sink.port();
    hb.write("heartbeat.toml", &three_recipients(port));

    let out = send_critical(&hb, "API down");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("warning: ops-email: recipient refused for good: gone@example.com (550 5.1.1 <gone@example.com>: Recipient address rejected: User unknown)"),
        "{}",
        stderr(&out)
    );
    let messages = sink.messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(
        messages[0]["rcpt_tos"],
        serde_json::json!(["ops@example.com", "oncall@example.com"])
    );
    assert_eq!(outbox(&hb, true)["rows"][0]["status"], "delivered");

    // A second alert: delivered again, the refusal recorded once.
    let later = run(
        &hb,
        &[("HB_NOW", &at(600))],
        &[
            "alerts",
            "send",
            "--priority",
            "critical",
            "--subject",
            "Still down",
        ],
    );
    assert!(later.status.success());
    assert_eq!(sink.messages().len(), 2);
    let rejected = outbox(&hb, true)["rejected_recipients"].clone();
    assert_eq!(rejected.as_array().unwrap().len(), 1, "{rejected}");
    assert_eq!(rejected[0]["channel"], "ops-email");
    assert_eq!(rejected[0]["recipient"], "gone@example.com");
    assert_eq!(rejected[0]["first_at"], "2026-11-25T12:00:00Z");
    assert_eq!(rejected[0]["last_at"], "2026-11-25T12:10:00Z");
    assert!(rejected[0]["reply"]
        .as_str()
        .unwrap()
        .starts_with("550 5.1.1"));
    let table = ok(&hb, &[], &["alerts", "outbox"]);
    assert!(
        table.contains("Recipient refused: ops-email refuses gone@example.com since 2026-11-25T12:00:00Z: 550 5.1.1"),
        "{table}"
    );
    // `hb status` says so, as a warning.
    let cycle = run(&hb, &[("HB_NOW", &at(600))], &["cycle"]);
    assert!(cycle.status.success(), "{}", stderr(&cycle));
    let (status, code) = hb.json_code(&["status", "--now", &at(600)]);
    assert_eq!(code, 1, "{status}");
    assert_eq!(
        status["rejected_recipients"][0]["recipient"],
        "gone@example.com"
    );
    assert!(
        status["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r.as_str().unwrap().starts_with(
                "alerts do not reach a recipient: ops-email refuses gone@example.com"
            )),
        "{status}"
    );
    // The address is taken out of `to`: the next delivery forgets the refusal.
    hb.write("heartbeat.toml", &email_channel(port));
    ok(
        &hb,
        &[("HB_NOW", &at(900))],
        &[
            "alerts",
            "send",
            "--priority",
            "low",
            "--subject",
            "y",
            "--channel",
            "ops-email",
        ],
    );
    assert_eq!(sink.messages().len(), 3);
    assert!(outbox(&hb, true)["rejected_recipients"]
        .as_array()
        .unwrap()
        .is_empty());
}

#[test]
fn a_permanent_refusal_fails_the_message_and_a_temporary_one_is_retried() {
    // 554 at the end of DATA: the message itself is refused, retrying cannot help.
    let hb = Hb::new();
    let sink = SmtpSink::start_with(hb.dir.path(), &["--refuse-data"]);
    let port = sink.port();
    hb.write("heartbeat.toml", &three_recipients(port));
    let out = send_critical(&hb, "API down");
    assert!(
        stderr(&out).contains("not delivered: refused for good, not retried: SMTP 127.0.0.1:")
            && stderr(&out).contains("message refused: 554 5.6.0 Message refused by hb-test-sink")
            && stderr(&out).contains("marked failed"),
        "{}",
        stderr(&out)
    );
    let rows = outbox(&hb, false);
    assert_eq!(rows["failed"], 1, "{rows}");
    assert_eq!(rows["rows"][0]["attempts"], 1);
    let later = ok(&hb, &[("HB_NOW", &at(3600))], &["alerts", "deliver"]);
    assert!(later.contains("Nothing is due"), "not retried: {later}");
    assert!(sink.messages().is_empty());
    drop(sink);

    // 450 to a recipient: temporary; nobody is sent anything, all is retried later.
    let hb = Hb::new();
    let sink = SmtpSink::start_with(hb.dir.path(), &["--defer-rcpt", "gone@example.com"]);
    let port = sink.port();
    hb.write("heartbeat.toml", &three_recipients(port));
    let out = send_critical(&hb, "API down");
    assert!(
        stderr(&out).contains(
            "recipient gone@example.com deferred: 450 4.2.1 <gone@example.com>: Mailbox busy"
        ) && stderr(&out).contains("next try at 2026-11-25T12:01:00Z"),
        "{}",
        stderr(&out)
    );
    let row = &outbox(&hb, false)["rows"][0];
    assert_eq!(row["status"], "pending", "{row}");
    assert_eq!(row["next_attempt_at"], "2026-11-25T12:01:00Z");
    assert!(sink.messages().is_empty(), "no one got a half-sent message");
    assert!(outbox(&hb, false)["rejected_recipients"]
        .as_array()
        .unwrap()
        .is_empty());
}

// ---------------------------------------------------------------------------------
// 5. A dead channel's backlog

#[test]
fn a_dead_channels_backlog_does_not_delay_a_critical_webhook() {
    let hb = Hb::new();
    let hook = Server::scripted(Vec::new());
    let relay = ReservedPort::new();
    hb.write(
        "heartbeat.toml",
        &format!(
            "{}{}",
            email_channel(relay.port()).replace("timeout = \"5s\"", "timeout = \"1s\""),
            webhook("hook", &hook.url("/hook"), "3s")
        ),
    );
    // 2,500 alerts wait for a relay that is down.
    ok(
        &hb,
        &[],
        &[
            "alerts",
            "send",
            "--priority",
            "low",
            "--subject",
            "backlog",
            "--channel",
            "ops-email",
            "--queue-only",
        ],
    );
    let conn = rusqlite::Connection::open(hb.db()).expect("open store");
    conn.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2499)
         INSERT INTO alert_outbox (channel, priority, kind, subject, dedup_key, payload,
                                   created_at, next_attempt_at, status)
         SELECT channel, priority, kind, subject || ' ' || i, dedup_key || ':' || i, payload,
                created_at, next_attempt_at, status
         FROM alert_outbox, n",
        [],
    )
    .expect("copy the backlog");
    drop(conn);
    assert_eq!(outbox(&hb, false)["pending"], 2500);
    // One critical email among them, queued last.
    ok(
        &hb,
        &[],
        &[
            "alerts",
            "send",
            "--priority",
            "critical",
            "--subject",
            "Mail critical",
            "--channel",
            "ops-email",
            "--queue-only",
        ],
    );

    // A new critical webhook alert goes out in the same run as it is sent.
    let started = Instant::now();
    let out = run(
        &hb,
        &[],
        &[
            "alerts",
            "send",
            "--priority",
            "critical",
            "--subject",
            "API down",
            "--channel",
            "hook",
            "--json",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(started.elapsed() < Duration::from_secs(10));
    let alerts = alerts_received(&hook.requests());
    assert_eq!(alerts.len(), 1, "delivered at once: {}", stderr(&out));
    assert_eq!(alerts[0]["subject"], "API down");
    // The dead relay got its own share, critical first: 1,000 tried, the rest untouched.
    let tried = hb.query_i64(
        "SELECT count(*) FROM alert_outbox WHERE channel = 'ops-email' AND attempts = 1",
    );
    assert_eq!(tried, 1000);
    let critical_tried =
        hb.query_i64("SELECT attempts FROM alert_outbox WHERE subject = 'Mail critical'");
    assert_eq!(critical_tried, 1, "the critical email was in the share");
}

// ---------------------------------------------------------------------------------
// 6. Backoff per alert, and a channel that works again

#[test]
fn new_alerts_keep_their_own_backoff_and_go_once_the_channel_is_back() {
    let hb = Hb::new();
    // Seven refusals, then the server is back.
    let server = Server::scripted(vec![Reply::status(500); 7]);
    hb.write(
        "heartbeat.toml",
        &format!(
            "{}\n[alerts.routes]\nhigh = [\"hook\"]\n",
            webhook("hook", &server.url("/hook"), "3s")
        ),
    );
    let deliver = |secs: i64| run(&hb, &[("HB_NOW", &at(secs))], &["alerts", "deliver"]);
    ok(
        &hb,
        &[],
        &[
            "alerts",
            "send",
            "--priority",
            "high",
            "--subject",
            "old",
            "--queue-only",
        ],
    );
    // Six failures at 0, 1m, 3m, 7m, 15m, 31m: the old alert next waits 32 min.
    let mut t = 0;
    for backoff in [60, 120, 240, 480, 960] {
        deliver(t);
        t += backoff;
    }
    deliver(t);
    let old_next = t + 1920;
    assert_eq!(
        outbox(&hb, false)["rows"][0]["next_attempt_at"],
        at(old_next)
    );
    // A new alert, queued just before both are due, fails with the old one once...
    ok(
        &hb,
        &[("HB_NOW", &at(old_next - 10))],
        &[
            "alerts",
            "send",
            "--priority",
            "high",
            "--subject",
            "new",
            "--queue-only",
        ],
    );
    let out = deliver(old_next);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        alerts_received(&server.requests()[6..]).len(),
        2,
        "both in one digest"
    );
    let rows = outbox(&hb, false);
    let next_of = |subject: &str| {
        rows["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["subject"] == subject)
            .unwrap()["next_attempt_at"]
            .clone()
    };
    // ... and waits its own minute, not the old one's hour.
    assert_eq!(next_of("new"), at(old_next + 60));
    assert_eq!(next_of("old"), at(old_next + 3600));

    // The server is back: the new one goes, and the old one goes on the very next run.
    let back = run(
        &hb,
        &[("HB_NOW", &at(old_next + 60))],
        &["alerts", "deliver"],
    );
    assert!(back.status.success(), "{}", stderr(&back));
    let next = run(
        &hb,
        &[("HB_NOW", &at(old_next + 60 + 300))],
        &["alerts", "deliver"],
    );
    assert!(
        String::from_utf8_lossy(&next.stdout).contains("hook: delivered 1 alert"),
        "the old alert did not wait out its hour: {}",
        String::from_utf8_lossy(&next.stdout)
    );
    let rows = outbox(&hb, true);
    assert_eq!(rows["pending"], 0, "{rows}");
}

// ---------------------------------------------------------------------------------
// 10(c). Credentials quoted back by the server

#[test]
fn an_smtp_server_quoting_the_auth_line_never_shows_the_credentials() {
    let hb = Hb::new();
    let sink = SmtpSink::start_with(hb.dir.path(), &["--auth-echo"]);
    let port = sink.port();
    hb.write(
        "heartbeat.toml",
        &format!(
            "{}\n[alerts.routes]\ncritical = [\"ops-email\"]\n",
            email_channel(port)
        ),
    );
    let b64 = base64::engine::general_purpose::STANDARD;
    let forms = [
        SMTP_PASSWORD.to_string(),
        b64.encode(format!("\0{SMTP_USER}\0{SMTP_PASSWORD}")),
        b64.encode(format!("\0{SMTP_USER}\0{SMTP_PASSWORD}"))
            .trim_end_matches('=')
            .to_string(),
        b64.encode(format!("{SMTP_USER}\0{SMTP_USER}\0{SMTP_PASSWORD}")),
        b64.encode(SMTP_PASSWORD),
    ];
    let mut all = String::new();
    for args in [
        &["alerts", "test", "ops-email"][..],
        &["alerts", "test", "ops-email", "--json"],
        &["alerts", "send", "--priority", "critical", "--subject", "x"],
        &["alerts", "outbox", "--json"],
    ] {
        let out = run(&hb, &[], args);
        all.push_str(&String::from_utf8_lossy(&out.stdout));
        all.push_str(&stderr(&out));
    }
    for form in forms {
        assert!(!all.contains(&form), "{form:?} leaked:\n{all}");
    }
    assert!(
        all.contains("login refused: 535 5.7.8 Authentication failed for AUTH PLAIN ***"),
        "the refusal is still shown: {all}"
    );
    // A refused login is the channel's problem, fixed in its config: retried, not failed.
    assert_eq!(outbox(&hb, false)["rows"][0]["status"], "pending");
}

// ---------------------------------------------------------------------------------
// 11. `check` in alert payloads

#[test]
fn check_alerts_name_their_check_in_the_webhook_payload_and_the_email() {
    let hb = Hb::new();
    let sink = SmtpSink::start(hb.dir.path());
    let port = sink.port();
    let hook = Server::scripted(Vec::new());
    hb.write(
        "heartbeat.toml",
        &format!(
            "{}{}{}escalate_after = 1\n\n[alerts.routes]\ncritical = [\"hook\"]\nescalation = [\"hook\"]\n",
            email_channel(port),
            webhook("hook", &hook.url("/hook"), "3s"),
            // Its own route: email hears of the failure alone, hook of it and its escalation.
            command_check("api", false, Some("hook\", \"ops-email")),
        ),
    );
    let out = run(&hb, &[], &["cycle"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let alerts = alerts_received(&hook.requests());
    let kinds: Vec<&str> = alerts.iter().map(|a| a["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["new", "escalation"], "{alerts:?}");
    for alert in &alerts {
        assert_eq!(alert["check"], "api", "{alert}");
    }
    let messages = sink.messages();
    assert_eq!(messages.len(), 1);
    let content = messages[0]["content"].as_str().unwrap();
    assert_eq!(
        header(content, "Subject").as_deref(),
        Some("hb: [critical] Check api is critical: CRITICAL - api down")
    );
    assert!(
        body(content).contains("\ncheck: api\n"),
        "{}",
        body(content)
    );
}
