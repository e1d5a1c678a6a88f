//! `hb brief` and the daily brief the cycle sends: once a day per channel of its route,
//! at the first cycle at or after `[brief] at`, through a real SMTP server (aiosmtpd).

use super::rules::cycle_at;
use super::support::smtp::{body, header, SmtpSink};
use super::Hb;

const MINUTE: i64 = 60;
const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

fn config(port: u16) -> String {
    format!(
        "[[alerts.channel]]\nname = \"ops-email\"\ntype = \"email\"\nsmtp_host = \"127.0.0.1\"\n\
         smtp_port = {port}\ntls = \"none\"\ntimeout = \"5s\"\nfrom = \"hb@example.com\"\n\
         to = [\"acquisitions@example.com\"]\n\n\
         [alerts.routes]\ncritical = [\"ops-email\"]\n\n\
         [brief]\nat = \"08:00\"\nroute = [\"ops-email\"]\n\n\
         [[check]]\nname = \"payments\"\ngroup = \"integration\"\ntype = \"command\"\n\
         every = \"5m\"\ncommand = [\"sh\", \"-c\", \"echo 'CRITICAL - gateway down'; exit 2\"]\n"
    )
}

/// Seconds from the harness's clock (12:00) to 08:00 the next morning.
const NEXT_MORNING: i64 = DAY - 4 * HOUR;

#[test]
fn the_brief_arrives_once_a_day_not_every_five_minutes() {
    let hb = Hb::new();
    let sink = SmtpSink::start(hb.dir.path());
    hb.write("heartbeat.toml", &config(sink.port()));
    let file = hb.write(
        "p.csv",
        "id,address,created_at,blocked_reason\n5,123 Main St,2026-11-01,Title dispute\n6,9 Elm St,2026-11-10,\n",
    );
    hb.ok(&["import", "properties", file.to_str().unwrap()]);
    hb.ok(&[
        "contract",
        "attach",
        "6",
        "--name",
        "Purchase agreement",
        "--deadline",
        "2026-11-29",
    ]);
    // Two mornings, a cycle every 5 minutes from 08:00 to 09:20, and the afternoon; the
    // first cycle also alerts the failing check.
    for day in 0..2 {
        for step in 0..=16 {
            cycle_at(&hb, NEXT_MORNING + day * DAY + step * 5 * MINUTE);
        }
        cycle_at(&hb, NEXT_MORNING + day * DAY + 8 * HOUR);
    }
    let briefs: Vec<String> = sink
        .messages()
        .iter()
        .map(|m| m["content"].as_str().unwrap().to_string())
        .filter(|content| header(content, "Subject").is_some_and(|s| s.contains("[brief]")))
        .collect();
    assert_eq!(briefs.len(), 2, "one a day: {briefs:#?}");
    let subject = header(&briefs[0], "Subject").unwrap();
    assert_eq!(
        subject,
        "hb: [brief] Daily brief 2026-11-26: 3 findings, 1 failing check, 1 deadline this week"
    );
    let text = body(&briefs[0]);
    for line in [
        "Needs attention: 3 findings: 1 blocked property, 1 contract deadline near, 1 property missing enrichment.",
        "1. #5 123 Main St (blocked): Property #5 is blocked: Title dispute. Next: Resolve the blocker: Title dispute",
        "- payments critical since",
        "Deadlines this week (1):",
        "contract #1 \"Purchase agreement\" of property #6 9 Elm St (in 2.7 days)",
    ] {
        assert!(text.contains(line), "{line:?} missing:\n{text}");
    }
    assert!(header(&briefs[1], "Subject")
        .unwrap()
        .contains("Daily brief 2026-11-27"));
    // Its own message, though the check's alert went out in the same cycle.
    assert!(!text.contains("alerts ("), "{text}");
    let others = sink.messages().len() - briefs.len();
    assert_eq!(
        others, 3,
        "the check's alert, its escalation, and its re-notification a day later"
    );
    // Recorded once per day: what hb status says, and the outbox's kind.
    let (status, _) = hb.json_code(&["status"]);
    assert_eq!(status["brief"]["at"], "08:00", "{status}");
    assert_eq!(status["brief"]["last_sent_at"], "2026-11-27T08:00:00Z");
    let outbox = hb.json(&["alerts", "outbox", "--all", "--limit", "0"]);
    let brief_rows = outbox["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == "brief")
        .count();
    assert_eq!(brief_rows, 2);
    // The cycle that sent it says so.
    let runs = hb.json(&["logs", "--limit", "0"]);
    let sent: Vec<&str> = runs["runs"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["summary"]["brief"]["day"].as_str())
        .collect();
    assert_eq!(sent, ["2026-11-27", "2026-11-26"]);
}

#[test]
fn hb_brief_prints_it_on_demand_and_sends_nothing() {
    let hb = Hb::new();
    let file = hb.write(
        "p.csv",
        "id,address,created_at,snoozed_until,snooze_reason\n5,123 Main St,2026-11-01,,\n\
         6,9 Elm St,2026-11-01,2026-12-20,waiting on probate\n",
    );
    hb.ok(&["import", "properties", file.to_str().unwrap()]);
    let doc = hb.json(&["brief"]);
    assert_eq!(doc["day"], "2026-11-25");
    assert_eq!(doc["findings"], 1, "{doc}");
    assert_eq!(doc["snoozed"], 1);
    assert_eq!(doc["properties"][0]["property_id"], 5);
    assert_eq!(doc["properties"][0]["next_action"], "Run Zillow enrichment");
    assert_eq!(doc["route"].as_array().unwrap().len(), 0);
    let text = hb.ok(&["brief"]);
    assert!(
        text.starts_with(
            "Daily brief 2026-11-25: 1 finding, 0 failing checks, 0 deadlines this week\n"
        ),
        "{text}"
    );
    assert!(text.contains("On hold: 1 snoozed property"), "{text}");
    assert_eq!(hb.query_i64("SELECT count(*) FROM alert_outbox"), 0);
    // A route naming no channel is a config error.
    hb.write("heartbeat.toml", "[brief]\nroute = [\"nobody\"]\n");
    let out = hb.cmd().arg("brief").output().unwrap();
    assert_eq!(out.status.code(), Some(78));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("key `brief.route`: unknown alert channel `nobody`"));
}
