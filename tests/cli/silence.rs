//! `hb silence` and maintenance windows: a silenced check still runs and records, sends
//! nothing, escalates and remediates nothing, and alerts at once when the silence ends;
//! what it held back shows in `hb logs` and `hb status`.

use super::rules::{cycle_at, received, webhook};
use super::support::at;
use super::support::http::Server;
use super::Hb;

const MINUTE: i64 = 60;

/// A tcp-free check that fails while `down` exists, with a remediation that counts its
/// runs in `remedied`.
fn payments(hb: &Hb, extra: &str) -> String {
    format!(
        "[[check]]\nname = \"payments\"\ngroup = \"integration\"\ntype = \"command\"\n\
         every = \"5m\"\n{extra}\n\
         command = [\"sh\", \"-c\", \"if [ -e '{down}' ]; then echo 'CRITICAL - gateway down'; \
         exit 2; fi; echo 'OK - gateway up'\"]\n\
         on_failure = [[\"sh\", \"-c\", \"echo x >> '{remedied}'\"]]\n",
        down = hb.path("down").display(),
        remedied = hb.path("remedied").display(),
    )
}

fn remediations(hb: &Hb) -> usize {
    std::fs::read_to_string(hb.path("remedied"))
        .map(|s| s.lines().count())
        .unwrap_or(0)
}

#[test]
fn a_silence_over_a_failing_check_sends_nothing_then_alerts_at_its_end() {
    let mut hb = Hb::new();
    let server = Server::scripted(Vec::new());
    hb.write(
        "heartbeat.toml",
        &format!("{}\n{}", webhook(&server), payments(&hb, "")),
    );
    // It passes, then fails: alerted, and remediated (it has passed here before).
    cycle_at(&hb, 0);
    std::fs::write(hb.path("down"), "").unwrap();
    cycle_at(&hb, 5 * MINUTE);
    assert_eq!(received(&server).len(), 1);
    assert_eq!(remediations(&hb), 1);

    // Maintenance from 12:10 for 20 minutes.
    hb.now = at(10 * MINUTE);
    let added = hb.json(&[
        "silence",
        "add",
        "payments",
        "--for",
        "20m",
        "--reason",
        "gateway migration",
    ]);
    assert_eq!(
        (added["id"].as_i64(), added["phase"].as_str()),
        (Some(1), Some("active"))
    );
    for m in [10, 15, 20, 25] {
        cycle_at(&hb, m * MINUTE);
    }
    assert_eq!(
        received(&server).len(),
        1,
        "nothing while silenced: {:?}",
        received(&server)
    );
    assert_eq!(remediations(&hb), 1, "no remediation while silenced");
    // It ran and recorded every time, and says what the silence held back.
    let results = hb.query_i64("SELECT count(*) FROM check_results WHERE silenced IS NOT NULL");
    assert_eq!(results, 4);
    let runs = hb.json(&["logs", "--limit", "1"]);
    let run_id = runs["runs"][0]["id"].as_i64().unwrap().to_string();
    let detail = hb.json(&["logs", &run_id]);
    let silenced = &detail["checks"][0]["silenced"];
    assert_eq!(silenced["by"], "silence #1", "{detail}");
    assert_eq!(silenced["reason"], "gateway migration");
    assert_eq!(silenced["until"], at(30 * MINUTE));
    let held: Vec<&str> = silenced["held"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap())
        .collect();
    // Critical in a row: the 3rd failure would have escalated too.
    assert_eq!(held, ["alert", "escalation", "remediation"], "{detail}");
    assert!(
        runs["runs"][0]["summary"]["line"]
            .as_str()
            .unwrap()
            .contains("1 silenced check (payments)"),
        "{runs}"
    );
    let log = hb.ok(&["logs", &run_id]);
    assert!(log.contains("critical (silenced)"), "{log}");

    hb.now = at(25 * MINUTE);
    let (status, code) = hb.json_code(&["status"]);
    assert_eq!(status["silences"]["silences"][0]["id"], 1, "{status}");
    let held = &status["silences"]["held"][0];
    assert_eq!(
        (
            held["check"].as_str(),
            held["results"].as_u64(),
            held["counts"]["alert"].as_u64()
        ),
        (Some("payments"), Some(4), Some(4)),
        "{status}"
    );
    // A failure under maintenance is said, but is not the verdict (the open notice from
    // before the silence still is: critical).
    let reasons = status["reasons"].to_string();
    assert!(reasons.contains("silenced by silence #1"), "{reasons}");
    assert_eq!(
        code, 2,
        "the critical notification opened before the silence"
    );
    let table =
        String::from_utf8_lossy(&hb.cmd().arg("status").output().unwrap().stdout).into_owned();
    assert!(
        table.contains("payments under silence #1 (gateway migration): 4 results"),
        "{table}"
    );

    // Asked by hand to remediate, under the silence: it still does not.
    let out = hb
        .cmd()
        .args([
            "checks",
            "run",
            "payments",
            "--remediate",
            "--now",
            &at(26 * MINUTE),
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("remediation not run: silenced by silence #1 until"),
        "{stdout}"
    );
    assert_eq!(remediations(&hb), 1);

    // 12:30: the silence is over and the check still fails: told at once.
    cycle_at(&hb, 30 * MINUTE);
    let got = received(&server);
    assert_eq!(got.len(), 3, "{got:?}");
    let kinds: Vec<&str> = got[1..].iter().map(|(_, kind, _)| kind.as_str()).collect();
    assert_eq!(kinds, ["renotify", "escalation"], "{got:?}");
    assert_eq!(remediations(&hb), 2, "remediation runs again");
}

#[test]
fn a_check_that_fails_under_a_silence_alerts_when_it_ends_and_a_window_recurs() {
    let hb = Hb::new();
    let server = Server::scripted(Vec::new());
    std::fs::write(hb.path("down"), "").unwrap();
    // NOW is a Wednesday, 12:00: the window opens every Wednesday at 11:50 for 30m.
    hb.write(
        "heartbeat.toml",
        &format!(
            "{}\n{}\n[[silence]]\nchecks = [\"payments\"]\nevery = \"wednesday 11:50\"\n\
             for = \"30m\"\nreason = \"weekly gateway maintenance\"\n",
            webhook(&server),
            payments(&hb, "")
        ),
    );
    let list = hb.json(&["silence", "list"]);
    assert_eq!(list["windows"][0]["active"], true, "{list}");
    assert_eq!(list["windows"][0]["ends_at"], at(20 * MINUTE));
    for m in [0, 5, 10, 15] {
        cycle_at(&hb, m * MINUTE);
    }
    assert!(received(&server).is_empty(), "{:?}", received(&server));
    let board = hb.json(&["checks"]);
    assert_eq!(board["checks"][0]["silenced"]["by"], "[[silence]] 1");
    cycle_at(&hb, 20 * MINUTE);
    let got = received(&server);
    let kinds: Vec<&str> = got.iter().map(|(_, kind, _)| kind.as_str()).collect();
    // Failing since 12:00 and under the window until 12:20: alert and escalation at once.
    assert_eq!(kinds, ["new", "escalation"], "{got:?}");
    // A week later the window holds it back again (the check is still failing).
    cycle_at(&hb, 7 * 86_400);
    assert_eq!(received(&server).len(), 2);
    let next = hb.json(&["silence", "list", "--now", &at(7 * 86_400 + 30 * MINUTE)]);
    assert_eq!(
        next["windows"][0]["starts_at"],
        at(14 * 86_400 - 10 * MINUTE)
    );
}

#[test]
fn silences_are_listed_removed_and_refused_when_they_make_no_sense() {
    let hb = Hb::new();
    hb.write("heartbeat.toml", &payments(&hb, ""));
    let out = hb.ok(&[
        "silence",
        "add",
        "--group",
        "integration",
        "--until",
        "2026-11-26",
        "--reason",
        "vendor outage",
    ]);
    assert_eq!(
        out.trim(),
        "silence #1: group integration from 2026-11-25T12:00:00Z until 2026-11-26T00:00:00Z \
         (vendor outage); remove it with `hb silence remove 1`"
    );
    hb.ok(&[
        "silence",
        "add",
        "--all",
        "--for",
        "1h",
        "--reason",
        "deploy",
        "--from",
        &at(3600),
    ]);
    let list = hb.json(&["silence"]);
    let phases: Vec<&str> = list["silences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["phase"].as_str().unwrap())
        .collect();
    assert_eq!(phases, ["upcoming", "active"]);
    for (args, code, says) in [
        (
            &["silence", "add", "paymnts", "--for", "1h", "--reason", "x"][..],
            64,
            "no check named `paymnts` (the checks: payments)",
        ),
        (
            &["silence", "add", "payments", "--for", "1h"],
            64,
            "--reason",
        ),
        (
            &["silence", "add", "payments", "--reason", "x"],
            64,
            "--for",
        ),
        (
            &[
                "silence", "add", "payments", "--for", "soon", "--reason", "x",
            ],
            64,
            "--for",
        ),
        (
            &[
                "silence",
                "add",
                "payments",
                "--until",
                "2026-11-01",
                "--reason",
                "x",
            ],
            64,
            "not after now",
        ),
        (&["silence", "remove", "9"], 1, "no silence with id 9"),
    ] {
        let out = hb.cmd().args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
    assert_eq!(
        hb.query_i64("SELECT count(*) FROM silences"),
        2,
        "nothing half-written"
    );
    let removed = hb.json(&["silence", "remove", "1"]);
    assert_eq!(
        (
            removed["removed"].as_bool(),
            removed["silence"]["phase"].as_str()
        ),
        (Some(true), Some("removed"))
    );
    let again = hb.ok(&["silence", "remove", "1"]);
    assert!(again.contains("had already ended"), "{again}");
    assert_eq!(
        hb.json(&["silence"])["silences"].as_array().unwrap().len(),
        1
    );
    assert_eq!(
        hb.json(&["silence", "list", "--all"])["silences"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // A window naming an unknown check is a config error at its line.
    hb.write(
        "heartbeat.toml",
        &format!(
            "{}\n[[silence]]\nchecks = [\"paymnts\"]\nevery = \"sunday 02:00\"\nfor = \"1h\"\n",
            payments(&hb, "")
        ),
    );
    let out = hb.cmd().args(["silence", "list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(78));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("key `silence[0].checks`: no check named `paymnts`"),
        "{stderr}"
    );
}
