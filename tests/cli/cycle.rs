//! `hb cycle`, `hb status`, `hb logs`, `hb alerts`.

use chrono::{DateTime, Duration, Utc};
use predicates::prelude::*;

use crate::Hb;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl Hb {
    /// `hb cycle --json` at time `now`.
    fn cycle_at(&self, now: DateTime<Utc>) -> serde_json::Value {
        let out = self
            .cmd()
            .env("HB_NOW", ts(now))
            .args(["cycle", "--json"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "cycle failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    fn count(&self, sql: &str) -> i64 {
        self.query_i64(sql)
    }

    fn import(&self, kind: &str, csv: &str) {
        let file = self.write(&format!("{kind}.csv"), csv);
        self.ok(&["import", kind, file.to_str().unwrap()]);
    }
}

fn module<'a>(report: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    report["modules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["module"] == name)
        .unwrap()
}

#[test]
fn stale_property_notifies_once_renotifies_after_a_day_and_resolves_when_fixed() {
    let hb = Hb::new();
    // Stale (new for more than 3 days) from 2026-11-25T12:05Z on.
    hb.import(
        "properties",
        "id,address,created_at\n1,1 Main St,2026-11-22T12:05:00Z\n",
    );
    let stale = "SELECT count(*) FROM notifications WHERE kind = 'stale_property'";
    let start = at("2026-11-25T12:00:00Z");
    hb.cycle_at(start);
    assert_eq!(hb.count(stale), 0);

    let crossed = start + Duration::minutes(10);
    let report = hb.cycle_at(crossed);
    assert_eq!(
        hb.count(stale),
        1,
        "exactly one notification when it crosses the threshold"
    );
    assert!(
        report["line"]
            .as_str()
            .unwrap()
            .contains("1 stale property (1)"),
        "{}",
        report["line"]
    );

    // A day of 5-minute cycles on an unchanged portfolio: nothing new.
    let mut now = crossed;
    for _ in 0..287 {
        now += Duration::minutes(5);
        let report = hb.cycle_at(now);
        assert_eq!(report["notifications"]["new"], 0, "at {now}: {report}");
        assert_eq!(
            report["notifications"]["renotified"], 0,
            "at {now}: {report}"
        );
    }
    assert_eq!(hb.count(stale), 1);
    assert_eq!(
        hb.count("SELECT notify_count FROM notifications WHERE kind = 'stale_property'"),
        1
    );

    // 24 hours after the first notice: one re-notification, still one row.
    let report = hb.cycle_at(crossed + Duration::hours(24));
    assert_eq!(report["notifications"]["renotified"], 1, "{report}");
    assert_eq!(
        hb.count("SELECT notify_count FROM notifications WHERE kind = 'stale_property'"),
        2
    );
    let report = hb.cycle_at(crossed + Duration::hours(24) + Duration::minutes(5));
    assert_eq!(report["notifications"]["renotified"], 0);

    // Fixing the property resolves it.
    let fixed_at = crossed + Duration::hours(25);
    hb.cmd()
        .env("HB_NOW", ts(fixed_at))
        .args(["property", "set", "1", "--enriched"])
        .assert()
        .success();
    let report = hb.cycle_at(fixed_at + Duration::minutes(5));
    assert_eq!(report["notifications"]["resolved"], 1, "{report}");
    assert_eq!(hb.count("SELECT count(*) FROM notifications WHERE kind = 'stale_property' AND resolved_at IS NULL"), 0);
    let open = &hb.json(&["alerts"])["notifications"];
    assert!(
        open.as_array()
            .unwrap()
            .iter()
            .all(|n| n["kind"] != "stale_property"),
        "{open}"
    );
}

#[test]
fn watchlist_match_and_reminders_notify_once() {
    let hb = Hb::new();
    hb.import(
        "watchlists",
        "id,name,city,max_price,min_beds\n1,Austin starters,Austin,400000,3\n",
    );
    let start = at("2026-11-25T12:00:00Z");
    hb.cycle_at(start);
    // Added after the first market run: new.
    hb.import(
        "properties",
        "id,address,city,list_price,beds,created_at\n\
         10,5 Elm St,Austin,350000,3,2026-11-25T12:01:00Z\n\
         11,6 Elm St,Austin,550000,3,2026-11-25T12:01:00Z\n\
         12,7 Elm St,Dallas,350000,3,2026-11-25T12:01:00Z\n",
    );
    hb.import(
        "reminders",
        "id,title,due_at,recurrence\n1,Call the title company,2026-11-25T12:30:00Z,\n2,Weekly pipeline review,2026-11-25T12:30:00Z,weekly\n",
    );
    let matches = "SELECT count(*) FROM notifications WHERE kind = 'watchlist_match'";
    let reminders = "SELECT count(*) FROM notifications WHERE kind = 'reminder'";
    let mut now = start + Duration::hours(1);
    for _ in 0..3 {
        hb.cycle_at(now);
        now += Duration::hours(1);
    }
    assert_eq!(hb.count(matches), 1, "one match, once, across three cycles");
    assert_eq!(
        hb.count("SELECT property_id FROM notifications WHERE kind = 'watchlist_match'"),
        10
    );
    assert_eq!(hb.count(reminders), 2, "each due reminder once");
    // The weekly reminder moved to its next occurrence; the one-off is done.
    assert_eq!(
        hb.count("SELECT due_at FROM reminders WHERE id = 2"),
        at("2026-12-02T12:30:00Z").timestamp()
    );
    assert_eq!(
        hb.count("SELECT count(*) FROM reminders WHERE id = 1 AND notified_at IS NOT NULL"),
        1
    );
    // A week later the weekly one is due again: one more notification.
    hb.cycle_at(at("2026-12-02T12:31:00Z"));
    assert_eq!(hb.count(reminders), 3);
}

#[test]
fn module_cadence_is_respected() {
    let hb = Hb::new();
    hb.write(
        "heartbeat.toml",
        "[store]\npath = \"hb.db\"\n\n[modules.market]\nevery = \"1h\"\n",
    );
    let run = |now: DateTime<Utc>| -> serde_json::Value {
        let out = hb
            .cmd()
            .env_remove("HB_DB")
            .env("HB_NOW", ts(now))
            .args(["cycle", "--json"])
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let start = at("2026-11-25T12:00:00Z");
    assert_eq!(module(&run(start), "market")["status"], "ok");
    let report = run(start + Duration::minutes(5));
    assert_eq!(module(&report, "market")["status"], "skipped");
    assert_eq!(
        module(&report, "portfolio")["status"],
        "ok",
        "portfolio runs every 5 minutes"
    );
    // A timer firing a few seconds early still counts as due.
    assert_eq!(
        module(
            &run(start + Duration::minutes(60) - Duration::seconds(5)),
            "market"
        )["status"],
        "ok"
    );
}

#[test]
fn only_all_and_dry_run() {
    let hb = Hb::new();
    hb.import(
        "properties",
        "id,address,created_at\n1,1 Main St,2026-11-01\n",
    );
    // A dry run computes, prints and writes nothing.
    let out = hb.ok(&["cycle", "--dry-run"]);
    assert!(out.starts_with("dry-run cycle ok"), "{out}");
    assert!(out.contains("1 stale property (1)"), "{out}");
    assert_eq!(hb.count("SELECT count(*) FROM runs"), 0);
    assert_eq!(hb.count("SELECT count(*) FROM notifications"), 0);

    let report = hb.json(&["cycle", "--only", "market", "--only", "scheduled"]);
    let ran: Vec<&str> = report["modules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["status"] == "ok")
        .map(|m| m["module"].as_str().unwrap())
        .collect();
    assert_eq!(ran, vec!["market", "scheduled"]);
    hb.cmd()
        .args(["cycle", "--only", "weather"])
        .assert()
        .code(64)
        .stderr(predicate::str::contains("unknown module \"weather\""));
    let report = hb.json(&["cycle", "--all"]);
    assert!(
        report["modules"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["status"] == "ok"),
        "{report}"
    );
}

#[test]
fn quiet_cycle_prints_nothing_and_summary_line_is_one_line() {
    let hb = Hb::new();
    hb.cmd().args(["cycle", "-q"]).assert().success().stdout("");
    let out = hb.ok(&["cycle", "--all"]);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.starts_with("cycle 2 ok in "), "{out}");
    assert!(out.trim_end().ends_with("0 new notifications"), "{out}");
}

#[test]
fn a_killed_cycle_is_marked_aborted() {
    let hb = Hb::new();
    hb.ok(&["cycle"]);
    {
        let conn = rusqlite::Connection::open(hb.db()).unwrap();
        // A cycle whose process is gone: its run still says running and it holds the lock.
        conn.execute_batch(
            "INSERT INTO runs (id, trigger, started_at, status, pid) VALUES (50, 'timer', 1795000000, 'running', 2147483000);
             INSERT OR REPLACE INTO cycle_lock (id, pid, run_id, started_at) VALUES (1, 2147483000, 50, 1795000000);",
        )
        .unwrap();
    }
    let report = hb.json(&["cycle"]);
    assert_eq!(report["aborted_runs"], serde_json::json!([50]));
    assert_eq!(report["status"], "ok");
    let run = hb.json(&["logs", "50"]);
    assert_eq!(run["status"], "aborted");
    assert_eq!(
        hb.count("SELECT count(*) FROM cycle_lock"),
        0,
        "the lock is released at the end"
    );
}

#[test]
fn a_live_cycle_holds_the_lock() {
    let hb = Hb::new();
    hb.ok(&["cycle"]);
    // A live hb process (an import waiting on stdin) recorded as the lock holder.
    let mut holder = std::process::Command::new(assert_cmd::cargo::cargo_bin("hb"))
        .args(["import", "properties", "-"])
        .env("HB_DB", hb.path("other.db"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let pid = holder.id();
    {
        let conn = rusqlite::Connection::open(hb.db()).unwrap();
        conn.execute_batch(&format!(
            "INSERT INTO runs (id, trigger, started_at, status, pid) VALUES (60, 'timer', 1795000000, 'running', {pid});
             INSERT OR REPLACE INTO cycle_lock (id, pid, run_id, started_at) VALUES (1, {pid}, 60, 1795000000);"
        ))
        .unwrap();
    }
    let runs_before = hb.count("SELECT count(*) FROM runs");
    hb.cmd()
        .args(["cycle"])
        .assert()
        .code(75)
        .stdout("")
        .stderr(predicate::str::contains(format!(
            "another cycle is running (pid {pid} since 2026-11-18T"
        )));
    assert_eq!(
        hb.count("SELECT count(*) FROM runs"),
        runs_before,
        "a busy cycle writes nothing"
    );
    drop(holder.stdin.take());
    holder.wait().unwrap();
    // Its process is gone: the next cycle takes over and marks the run aborted.
    let report = hb.json(&["cycle"]);
    assert_eq!(report["aborted_runs"], serde_json::json!([60]));
}

#[test]
fn status_exit_codes() {
    let hb = Hb::new();
    // Never ran: unknown.
    hb.cmd()
        .args(["status"])
        .assert()
        .code(3)
        .stdout(predicate::str::contains("UNKNOWN"));
    hb.cycle_at(at("2026-11-25T12:00:00Z"));
    let v = hb.json(&["status"]);
    assert_eq!(v["status"], "ok");
    hb.cmd().args(["status"]).assert().code(0);
    // Overdue: the last cycle is older than twice the 5-minute cadence.
    hb.cmd()
        .env("HB_NOW", "2026-11-25T12:11:00Z")
        .args(["status"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("OVERDUE"));
    hb.cmd()
        .env("HB_NOW", "2026-11-25T12:09:00Z")
        .args(["status"])
        .assert()
        .code(0);
    // A blocked property raises a high-priority notification: warning.
    hb.import(
        "properties",
        "id,address,blocked_reason\n1,1 Main St,Title dispute\n",
    );
    hb.cycle_at(at("2026-11-25T12:05:00Z"));
    let (v, code) = hb.json_code(&["status"]);
    assert_eq!(code, 1);
    assert_eq!(v["status"], "warning", "{v}");
    assert_eq!(v["open_notifications"]["high"], 1);
    assert!(
        v["top_actions"][0]["subject"]
            .as_str()
            .unwrap()
            .contains("blocked"),
        "{v}"
    );
    // Acknowledged, it no longer counts.
    let id = v["top_actions"][0]["id"].as_i64().unwrap().to_string();
    hb.ok(&["alerts", "ack", &id]);
    hb.cmd().args(["status"]).assert().code(0);
}

#[test]
fn logs_list_filter_and_detail() {
    let hb = Hb::new();
    let start = at("2026-11-25T12:00:00Z");
    for i in 0..3 {
        hb.cycle_at(start + Duration::minutes(5 * i));
    }
    let logs = hb.json(&["logs"]);
    assert_eq!(logs["total"], 3);
    let runs = &logs["runs"];
    assert_eq!(runs.as_array().unwrap().len(), 3);
    assert_eq!(runs[0]["id"], 3, "newest first");
    assert_eq!(runs[0]["status"], "ok");
    let ndjson = hb.ok(&["logs", "--ndjson", "--limit", "2"]);
    assert_eq!(ndjson.lines().count(), 2);
    for line in ndjson.lines() {
        serde_json::from_str::<serde_json::Value>(line).unwrap();
    }
    let recent = hb
        .cmd()
        .env("HB_NOW", "2026-11-25T12:12:00Z")
        .args(["logs", "--since", "5m", "--json"])
        .output()
        .unwrap();
    let recent: serde_json::Value = serde_json::from_slice(&recent.stdout).unwrap();
    assert_eq!(recent["runs"].as_array().unwrap().len(), 1);
    let detail = hb.json(&["logs", "1"]);
    assert_eq!(detail["modules"].as_array().unwrap().len(), 6);
    assert!(
        hb.json(&["logs", "--module", "market"])["runs"]
            .as_array()
            .unwrap()
            .len()
            == 1,
        "market ran only in the first cycle"
    );
    assert!(hb.json(&["logs", "--status", "failed"])["runs"]
        .as_array()
        .unwrap()
        .is_empty());
    hb.cmd()
        .args(["logs", "99"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no run with id 99"));
    let table = hb.ok(&["logs"]);
    assert!(table.contains("cycle 3 ok"), "{table}");
}

#[test]
fn retention_prunes_old_runs() {
    let hb = Hb::new();
    hb.write(
        "heartbeat.toml",
        "[store]\npath = \"hb.db\"\nretention_days = 1\n",
    );
    let run = |now: DateTime<Utc>| {
        hb.cmd()
            .env_remove("HB_DB")
            .env("HB_NOW", ts(now))
            .args(["cycle", "-q"])
            .assert()
            .success();
    };
    let start = at("2026-11-25T12:00:00Z");
    run(start);
    run(start + Duration::hours(1));
    run(start + Duration::hours(25));
    assert_eq!(
        hb.count("SELECT count(*) FROM runs"),
        2,
        "the run older than a day is gone"
    );
    assert_eq!(
        hb.count("SELECT count(*) FROM module_results WHERE run_id = 1"),
        0
    );
}

#[test]
fn alerts_list_filters_and_ack_errors() {
    let hb = Hb::new();
    hb.import(
        "properties",
        "id,address,created_at,blocked_reason\n1,1 Main St,2026-11-01,\n2,2 Main St,2026-11-25,Lawsuit\n",
    );
    hb.ok(&["cycle"]);
    let high = &hb.json(&["alerts", "--priority", "high"])["notifications"];
    assert_eq!(high.as_array().unwrap().len(), 1);
    assert_eq!(high[0]["kind"], "blocked_property");
    let stale = &hb.json(&["alerts", "list", "--kind", "stale_property"])["notifications"];
    assert_eq!(stale.as_array().unwrap().len(), 1);
    hb.cmd()
        .args(["alerts", "--priority", "urgent"])
        .assert()
        .code(64);
    hb.cmd()
        .args(["alerts", "ack", "1", "999"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no notification with id 999"));
    assert_eq!(
        hb.count("SELECT count(*) FROM notifications WHERE acked_at IS NOT NULL"),
        0,
        "all or nothing"
    );
    hb.ok(&["alerts", "ack", "1"]);
    assert_eq!(hb.json(&["alerts", "--all"])["total"], 2);
}

#[test]
fn routed_findings_alert_once_through_the_outbox() {
    let hb = Hb::new();
    hb.write(
        "heartbeat.toml",
        "[store]\npath = \"hb.db\"\n\n[[alerts.channel]]\nname = \"console\"\ntype = \"stderr\"\n\n\
         [alerts.routes]\nhigh = [\"console\"]\n",
    );
    hb.import(
        "properties",
        "id,address,blocked_reason\n1,1 Main St,Title dispute\n2,2 Main St,\n",
    );
    let cycle = |now: &str| {
        hb.cmd()
            .env_remove("HB_DB")
            .env("HB_NOW", now)
            .args(["cycle"])
            .output()
            .unwrap()
    };
    let first = cycle("2026-11-25T12:00:00Z");
    assert!(first.status.success());
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(
        stderr.contains("[high] Property #1 is blocked: Title dispute"),
        "{stderr}"
    );
    assert_eq!(
        hb.count("SELECT count(*) FROM alert_outbox WHERE status = 'delivered'"),
        1
    );
    // Unchanged portfolio: no second alert.
    let second = cycle("2026-11-25T12:05:00Z");
    assert_eq!(String::from_utf8_lossy(&second.stderr), "");
    assert_eq!(hb.count("SELECT count(*) FROM alert_outbox"), 1);
}

#[test]
fn two_cycles_started_together_one_runs_the_other_exits_busy() {
    let hb = Hb::new();
    // A real check that takes a second keeps the first cycle running.
    hb.write(
        "heartbeat.toml",
        "[store]\npath = \"hb.db\"\n\n[[check]]\nname = \"slow\"\ngroup = \"system\"\ntype = \"command\"\n\
         command = [\"sh\", \"-c\", \"sleep 1; echo OK\"]\nevery = \"5m\"\n",
    );
    hb.cmd()
        .env_remove("HB_DB")
        .args(["cycle", "--dry-run"])
        .assert()
        .code(1); // no store yet: nothing to dry-run
    let spawn = || {
        hb.std_cmd()
            .env_remove("HB_DB")
            .arg("cycle")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let first = spawn();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let second = spawn();
    let (first, second) = (
        first.wait_with_output().unwrap(),
        second.wait_with_output().unwrap(),
    );
    let codes = [first.status.code(), second.status.code()];
    assert!(
        codes.contains(&Some(0)) && codes.contains(&Some(75)),
        "{codes:?}"
    );
    let busy = if first.status.code() == Some(75) {
        &first
    } else {
        &second
    };
    let stderr = String::from_utf8_lossy(&busy.stderr);
    assert!(
        stderr.starts_with("error: another cycle is running (pid "),
        "{stderr}"
    );
    assert!(busy.stdout.is_empty());
    assert_eq!(hb.count("SELECT count(*) FROM runs"), 1, "exactly one ran");
    assert_eq!(hb.count("SELECT count(*) FROM check_results"), 1);
}

#[test]
fn run_log_shows_check_results_and_remediation() {
    let mut hb = Hb::new();
    let marker = hb.path("restarted");
    hb.write(
        "heartbeat.toml",
        &format!(
            "[store]\npath = \"hb.db\"\n\n[[check]]\nname = \"worker\"\ngroup = \"system\"\ntype = \"command\"\n\
             command = [\"sh\", \"-c\", \"if [ -e down ]; then echo 'CRITICAL - worker down'; exit 2; fi; echo OK\"]\n\
             every = \"5m\"\non_failure = [[\"touch\", \"{}\"]]\n",
            marker.display()
        ),
    );
    let run = |hb: &Hb, args: &[&str]| -> serde_json::Value {
        let out = hb
            .cmd()
            .env_remove("HB_DB")
            .args(args)
            .arg("--json")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    // The worker runs, then goes down: a judged failure of a check that has passed.
    run(&hb, &["cycle"]);
    hb.write("down", "");
    hb.now = ts(at(crate::NOW) + Duration::minutes(5));
    let run = |args: &[&str]| run(&hb, args);
    let report = run(&["cycle"]);
    assert!(
        report["line"]
            .as_str()
            .unwrap()
            .contains("1 failing check (worker)"),
        "{report}"
    );
    assert!(marker.exists(), "the remediation command ran");
    let detail = run(&["logs", "2"]);
    let check = &detail["checks"][0];
    assert_eq!(check["name"], "worker");
    assert_eq!(check["status"], "critical");
    assert_eq!(check["message"], "CRITICAL - worker down");
    assert!(
        !check["remediation"].is_null(),
        "remediation is logged with the run: {detail}"
    );
    assert_eq!(
        run(&["logs", "--check", "worker"])["runs"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn status_shows_the_check_board_over_the_window() {
    let hb = Hb::new();
    let flag = hb.path("up");
    std::fs::write(&flag, "").unwrap();
    hb.write(
        "heartbeat.toml",
        &format!(
            "[store]\npath = \"hb.db\"\n\n[[check]]\nname = \"api\"\ngroup = \"system\"\ntype = \"command\"\n\
             command = [\"sh\", \"-c\", \"if [ -f '{}' ]; then echo 'OK - up|time=0.2s'; else echo 'CRITICAL - down'; exit 2; fi\"]\n\
             every = \"5m\"\n",
            flag.display()
        ),
    );
    let at = |m: i64| ts(at("2026-11-25T12:00:00Z") + Duration::minutes(m));
    let cycle = |m: i64| {
        hb.cmd()
            .env_remove("HB_DB")
            .env("HB_NOW", at(m))
            .args(["cycle", "-q"])
            .assert()
            .success();
    };
    for m in [0, 5, 10] {
        cycle(m);
    }
    std::fs::remove_file(&flag).unwrap();
    cycle(15);
    let status = |m: i64| {
        let out = hb
            .cmd()
            .env_remove("HB_DB")
            .env("HB_NOW", at(m))
            .args(["status", "--json"])
            .output()
            .unwrap();
        (
            serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap(),
            out.status.code(),
        )
    };
    let (v, code) = status(16);
    assert_eq!(code, Some(2), "a critical check makes status critical: {v}");
    let api = &v["checks"][0];
    assert_eq!(api["name"], "api");
    assert_eq!(api["status"], "critical");
    assert_eq!(api["since"], "2026-11-25T12:15:00Z");
    assert_eq!(api["runs"], 4);
    assert_eq!(api["uptime_percent"], 75.0);
    assert!(api["p95_latency_ms"].is_number(), "{api}");
    assert!(v["reasons"].as_array().unwrap().iter().any(|r| r
        .as_str()
        .unwrap()
        .starts_with("check api is critical since")));
    // Acknowledging the notice does not make a failing check healthy.
    let id = v["top_actions"][0]["id"].as_i64().unwrap().to_string();
    hb.cmd()
        .env_remove("HB_DB")
        .args(["alerts", "ack", &id])
        .assert()
        .success();
    assert_eq!(status(17).1, Some(2));
    let table = hb
        .cmd()
        .env_remove("HB_DB")
        .env("HB_NOW", at(17))
        .arg("status")
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(table.contains("| api ") && table.contains("75%"), "{table}");
}

#[test]
fn a_check_getting_worse_renotifies_at_once_even_when_acknowledged() {
    let hb = Hb::new();
    let level = hb.path("level");
    std::fs::write(&level, "1").unwrap();
    hb.write(
        "heartbeat.toml",
        &format!(
            "[store]\npath = \"hb.db\"\n\n[[check]]\nname = \"queue\"\ngroup = \"queue\"\ntype = \"command\"\n\
             command = [\"sh\", \"-c\", \"n=$(cat '{}'); echo \\\"LEVEL $n\\\"; exit $n\"]\nevery = \"5m\"\n",
            level.display()
        ),
    );
    let cycle = |m: i64| -> serde_json::Value {
        let now = ts(at("2026-11-25T12:00:00Z") + Duration::minutes(m));
        let out = hb
            .cmd()
            .env_remove("HB_DB")
            .env("HB_NOW", now)
            .args(["cycle", "--json"])
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let notice =
        "SELECT priority || ':' || notify_count FROM notifications WHERE kind = 'check_failed'";
    let text = |sql: &str| -> String {
        rusqlite::Connection::open(hb.db())
            .unwrap()
            .query_row(sql, [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(cycle(0)["notifications"]["new"], 1);
    assert_eq!(text(notice), "medium:1", "a warning is a medium notice");
    hb.cmd()
        .env_remove("HB_DB")
        .args(["alerts", "ack", "1"])
        .assert()
        .success();
    assert_eq!(
        cycle(5)["notifications"]["renotified"],
        0,
        "unchanged and acknowledged: quiet"
    );
    std::fs::write(&level, "2").unwrap();
    assert_eq!(
        cycle(10)["notifications"]["renotified"],
        1,
        "critical now: told at once"
    );
    assert_eq!(text(notice), "critical:2");
    assert_eq!(cycle(15)["notifications"]["renotified"], 0);
}

// ---------------------------------------------------------------------------------
// What runs: remediation only on a judged failure, and only when allowed

/// Fake `systemctl` and `app-ctl` first on PATH: each call appends its argv to `calls`.
fn fake_admin_tools(hb: &Hb) -> (std::path::PathBuf, String) {
    let bin = hb.path("fake-bin");
    std::fs::create_dir_all(&bin).unwrap();
    let calls = hb.path("calls");
    for tool in ["systemctl", "app-ctl"] {
        let path = bin.join(tool);
        std::fs::write(
            &path,
            format!("#!/bin/sh\necho \"{tool} $*\" >> '{}'\n", calls.display()),
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    (calls, path)
}

fn calls(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

#[test]
fn init_and_cycle_with_the_shipped_config_start_no_remediation() {
    let hb = Hb::new();
    let (log, path) = fake_admin_tools(&hb);
    hb.cmd().env("PATH", &path).arg("init").assert().success();
    let out = hb
        .cmd()
        .env("PATH", &path)
        .args(["cycle", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The app's paths do not exist here: nothing may be restarted or blocked.
    assert_eq!(
        calls(&log),
        "",
        "remediation ran on a machine without the app"
    );
    assert_eq!(
        hb.count("SELECT count(*) FROM check_results WHERE json_array_length(remediation, '$.actions') > 0"),
        0,
        "no remediation command was started, PATH or absolute"
    );
    // A missing database is unknown (not evaluated), never critical.
    assert_eq!(
        hb.count("SELECT count(*) FROM check_results WHERE check_name = 'ledger-balanced' AND status = 'unknown'"),
        1
    );
    assert_eq!(
        hb.count(
            "SELECT count(*) FROM check_results WHERE check_type = 'sql' AND status = 'critical'"
        ),
        0
    );
}

/// A worker heartbeat file whose check restarts the worker through the fake systemctl.
fn worker_config(hb: &Hb, extra: &str) {
    hb.write(
        "heartbeat.toml",
        &format!(
            "{extra}\n[[check]]\nname = \"worker\"\ngroup = \"system\"\ntype = \"file_age\"\n\
             path = \"worker.beat\"\nmax_age = \"2m\"\nevery = \"5m\"\n\
             on_failure = [[\"systemctl\", \"restart\", \"app-worker\"]]\n"
        ),
    );
    let beat = hb.write("worker.beat", "");
    // Fresh at 12:00 on the test clock, stale from 12:02 on.
    let t = at(crate::NOW).timestamp() as u64;
    std::fs::File::options()
        .write(true)
        .open(beat)
        .unwrap()
        .set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(t))
        .unwrap();
}

fn cycle_with(hb: &Hb, path: &str, minutes: i64, args: &[&str]) -> serde_json::Value {
    let out = hb
        .cmd()
        .env("PATH", path)
        .env("HB_NOW", ts(at(crate::NOW) + Duration::minutes(minutes)))
        .arg("cycle")
        .args(args)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn a_judged_failure_of_a_check_that_passed_runs_its_remediation() {
    let hb = Hb::new();
    let (log, path) = fake_admin_tools(&hb);
    worker_config(&hb, "");
    cycle_with(&hb, &path, 0, &[]);
    assert_eq!(calls(&log), "", "ok: nothing to do");
    cycle_with(&hb, &path, 5, &[]);
    assert_eq!(calls(&log), "systemctl restart app-worker\n");
    let detail = hb.json(&["logs", "2"]);
    assert_eq!(detail["checks"][0]["status"], "critical");
    assert_eq!(
        detail["checks"][0]["remediation"]["actions"][0]["exit_code"],
        0
    );
}

#[test]
fn a_check_that_never_passed_is_not_remediated() {
    let hb = Hb::new();
    let (log, path) = fake_admin_tools(&hb);
    worker_config(&hb, "");
    // Stale from its first run: a wrong path or a worker that is not installed here.
    cycle_with(&hb, &path, 5, &[]);
    assert_eq!(calls(&log), "");
    let detail = hb.json(&["logs", "1"]);
    let remediation = &detail["checks"][0]["remediation"];
    assert_eq!(remediation["actions"], serde_json::json!([]));
    assert!(
        remediation["held"]
            .as_str()
            .unwrap()
            .contains("worker has never passed here"),
        "{remediation}"
    );
}

#[test]
fn actions_disabled_and_no_remediate_turn_every_remediation_off() {
    let hb = Hb::new();
    let (log, path) = fake_admin_tools(&hb);
    worker_config(&hb, "");
    cycle_with(&hb, &path, 0, &[]);
    // --no-remediate: this cycle only.
    cycle_with(&hb, &path, 5, &["--no-remediate"]);
    assert_eq!(calls(&log), "");
    let detail = hb.json(&["logs", "2"]);
    assert_eq!(
        detail["checks"][0]["remediation"]["held"],
        "remediation is off for this cycle (hb cycle --no-remediate)"
    );

    // [actions] enabled = false: every cycle, and `hb checks run --remediate` too.
    worker_config(&hb, "[actions]\nenabled = false\n");
    cycle_with(&hb, &path, 10, &[]);
    let out = hb
        .cmd()
        .env("PATH", &path)
        .env("HB_NOW", ts(at(crate::NOW) + Duration::minutes(11)))
        .args(["checks", "run", "worker", "--remediate"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "worker: critical, remediation not run: remediation is off ([actions] enabled = false)"
        ),
        "{text}"
    );
    assert_eq!(calls(&log), "");
    let detail = hb.json(&["logs", "3"]);
    assert_eq!(
        detail["checks"][0]["remediation"]["held"],
        "remediation is off ([actions] enabled = false)"
    );

    // The board says so.
    let list = hb.json(&["checks", "list"]);
    assert_eq!(list["remediation"]["enabled"], false, "{list}");
    let table = hb.ok(&["checks"]);
    assert!(
        table.contains("remediation is off ([actions] enabled = false)"),
        "{table}"
    );
    let (status, _) = hb.json_code(&["status"]);
    assert_eq!(status["remediation"]["enabled"], false, "{status}");
    let out = hb.cmd().arg("status").output().unwrap();
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains("remediation is off ([actions] enabled = false)"),
        "{table}"
    );
}

#[test]
fn checks_run_remediates_only_when_asked_and_never_without_a_record() {
    let hb = Hb::new();
    let (log, path) = fake_admin_tools(&hb);
    worker_config(&hb, "");
    cycle_with(&hb, &path, 0, &[]);
    let run = |args: &[&str]| {
        hb.cmd()
            .env("PATH", &path)
            .env("HB_NOW", ts(at(crate::NOW) + Duration::minutes(5)))
            .args(["checks", "run", "worker"])
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("remediation not run: `hb checks run` remediates only with --remediate"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(calls(&log), "", "editing a config restarts nothing");
    let out = run(&["--no-record", "--remediate"]);
    assert_eq!(out.status.code(), Some(64), "--no-record never remediates");
    assert_eq!(calls(&log), "");
    let out = run(&["--remediate"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(calls(&log), "systemctl restart app-worker\n");
}

// ---------------------------------------------------------------------------------
// Run status means one thing: whether the run did its work, not what it found

#[test]
fn a_run_that_finds_a_critical_check_is_ok_and_failed_means_it_could_not_work() {
    let hb = Hb::new();
    hb.write(
        "heartbeat.toml",
        "[[check]]\nname = \"api\"\ngroup = \"system\"\ntype = \"command\"\n\
         command = [\"sh\", \"-c\", \"echo 'CRITICAL - down'; exit 2\"]\n",
    );
    let report = hb.json(&["cycle", "--all"]);
    assert_eq!(report["status"], "ok", "{report}");
    let out = hb.cmd().args(["checks", "run", "--all"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "the verdict is the exit code");
    let runs = hb.json(&["logs"]);
    let statuses: Vec<(&str, &str)> = runs["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["trigger"].as_str().unwrap(),
                r["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(statuses, [("checks", "ok"), ("all", "ok")]);
    assert_eq!(
        runs["runs"][0]["summary"]["line"], "checks run 2: 1 check: 1 critical",
        "{runs}"
    );
    assert!(hb.json(&["logs", "--status", "failed"])["runs"]
        .as_array()
        .unwrap()
        .is_empty());
    // The statuses are documented where scripts look for them.
    let help = hb.ok(&["logs", "--help"]);
    for line in [
        "running  in progress",
        "ok       completed",
        "failed   could not",
        "aborted  its process",
    ] {
        assert!(help.contains(line), "{line:?} missing: {help}");
    }
}

#[test]
fn recovery_says_what_recovered_and_how_long_it_failed() {
    let hb = Hb::new();
    let down = hb.path("down");
    std::fs::write(&down, "").unwrap();
    hb.write(
        "heartbeat.toml",
        &format!(
            "[[alerts.channel]]\nname = \"console\"\ntype = \"stderr\"\n\n\
             [alerts.routes]\ncritical = [\"console\"]\n\n\
             [[check]]\nname = \"payments\"\ngroup = \"integration\"\ntype = \"command\"\n\
             command = [\"sh\", \"-c\", \"if [ -e '{}' ]; then echo 'CRITICAL - gateway down'; exit 2; fi; echo 'OK - gateway up'\"]\n\
             every = \"5m\"\n",
            down.display()
        ),
    );
    let start = at(crate::NOW);
    for m in [0, 5, 10, 15] {
        hb.cycle_at(start + Duration::minutes(m));
    }
    std::fs::remove_file(&down).unwrap();
    let out = hb
        .cmd()
        .env(
            "HB_NOW",
            ts(start + Duration::minutes(20) + Duration::seconds(30)),
        )
        .arg("cycle")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Recovered: payments is ok again after 4 failed runs (20m 30s)"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("Recovered: Check payments is critical"),
        "{stderr}"
    );
    let conn = rusqlite::Connection::open(hb.db()).unwrap();
    let (subject, payload): (String, String) = conn
        .query_row(
            "SELECT subject, payload FROM alert_outbox WHERE kind = 'recovery'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        subject,
        "Recovered: payments is ok again after 4 failed runs (20m 30s)"
    );
    assert!(payload.contains("OK - gateway up"), "{payload}");
    assert!(
        payload.contains("the last failure was critical: CRITICAL - gateway down"),
        "{payload}"
    );
}

// ---------------------------------------------------------------------------------
// Cooling relationships under the shipped timers

/// A month of the shipped timers: `hb cycle --all` every 4 hours (the protocol, 2 minutes
/// past) and the 5-minute `hb cycle` whenever the relationships module is due by its own
/// cadence. Fred goes quiet after day 9 and must be found cooling; Wendy, in touch every
/// other day, and Nora, never contacted, must not.
#[test]
fn cooling_relationships_fire_under_the_shipped_timers() {
    let hb = Hb::new();
    let start = at(crate::NOW);
    let day = |d: i64| ts(start + Duration::days(d));
    hb.import(
        "contacts",
        "id,name\n1,Wendy Warm\n2,Fred Fading\n3,Nora Never\n",
    );
    let mut interactions = String::from("contact_id,at,kind\n");
    for d in (-60..=30).step_by(2) {
        interactions += &format!("1,{},call\n", day(d));
    }
    for d in (-60..=9).step_by(3) {
        interactions += &format!("2,{},call\n", day(d));
    }
    hb.import("interactions", &interactions);

    for hour in (0..30 * 24).step_by(4) {
        let protocol = start + Duration::hours(hour) + Duration::minutes(2);
        let out = hb
            .cmd()
            .env("HB_NOW", ts(protocol))
            .args(["cycle", "--all", "-q"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        // The 5-minute timer between two protocol runs, which runs relationships when
        // it is due by its own `every`.
        hb.cycle_at(start + Duration::hours(hour + 2));
    }
    let cooling = |contact: i64| {
        hb.count(&format!(
            "SELECT count(*) FROM notifications WHERE dedup_key = 'cooling:{contact}'"
        ))
    };
    assert!(
        cooling(2) >= 1,
        "Fred went quiet on day 9 and was never found cooling"
    );
    assert_eq!(cooling(1), 0, "Wendy is in touch every other day");
    assert_eq!(cooling(3), 0, "Nora was never contacted: nothing to cool");
    let subject: String = rusqlite::Connection::open(hb.db())
        .unwrap()
        .query_row(
            "SELECT subject FROM notifications WHERE dedup_key = 'cooling:2' ORDER BY id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        subject.starts_with("Relationship with Fred Fading is cooling: score ")
            && subject.ends_with(" over 7d"),
        "{subject}"
    );
}

// ---------------------------------------------------------------------------------
// Events do not pile up: acknowledged and delivered, or older than event_ttl

#[test]
fn event_notifications_settle_when_acknowledged_and_delivered_or_after_event_ttl() {
    let hb = Hb::new();
    let down = crate::support::ReservedPort::new();
    let closed = down.port();
    // Reminders are medium, routed nowhere; watchlist matches are too, except the
    // "Austin" match goes to a webhook that cannot be reached: its alert stays pending.
    hb.write(
        "heartbeat.toml",
        &format!(
            "[alerts]\nevent_ttl = \"2d\"\n\n\
             [[alerts.channel]]\nname = \"hook\"\ntype = \"webhook\"\nurl = \"http://127.0.0.1:{closed}/\"\n\n\
             [alerts.routes]\nmedium = [\"hook\"]\n"
        ),
    );
    let start = at(crate::NOW);
    hb.import("watchlists", "id,name,city\n1,Austin,Austin\n");
    hb.cycle_at(start);
    hb.import(
        "properties",
        "id,address,city,created_at\n10,5 Elm St,Austin,2026-11-25T12:01:00Z\n",
    );
    hb.import(
        "reminders",
        "id,title,due_at\n1,Call the title company,2026-11-25T12:30:00Z\n2,Send the survey,2026-11-25T12:30:00Z\n",
    );
    hb.cycle_at(start + Duration::hours(1));
    let open = |kind: &str| {
        hb.count(&format!(
            "SELECT count(*) FROM notifications WHERE kind = '{kind}' AND resolved_at IS NULL"
        ))
    };
    assert_eq!((open("reminder"), open("watchlist_match")), (2, 1));
    let id = |kind: &str| {
        hb.count(&format!(
            "SELECT min(id) FROM notifications WHERE kind = '{kind}'"
        ))
        .to_string()
    };
    // Delivered (the webhook is down, so make the reminder's outbox rows delivered by
    // hand as a working channel would) and acknowledged: settled at the next cycle.
    rusqlite::Connection::open(hb.db())
        .unwrap()
        .execute(
            "UPDATE alert_outbox SET status = 'delivered', delivered_at = 1
             WHERE notification_id IN (SELECT id FROM notifications WHERE kind = 'reminder')",
            [],
        )
        .unwrap();
    hb.ok(&["alerts", "ack", &id("reminder"), &id("watchlist_match")]);
    let report = hb.cycle_at(start + Duration::hours(2));
    assert_eq!(report["notifications"]["settled_events"], 1, "{report}");
    assert_eq!(
        open("reminder"),
        1,
        "the acknowledged, delivered reminder settled"
    );
    assert_eq!(
        open("watchlist_match"),
        1,
        "acknowledged but its alert is still undelivered: it stays"
    );
    // Past event_ttl everything settles, acknowledged or not, delivered or not.
    let report = hb.cycle_at(start + Duration::hours(1) + Duration::days(2));
    assert_eq!(report["notifications"]["settled_events"], 2, "{report}");
    assert_eq!((open("reminder"), open("watchlist_match")), (0, 0));
    let listed = hb.json(&["alerts"]);
    assert!(
        !listed.to_string().contains("Send the survey"),
        "an old event no longer sits in hb alerts: {listed}"
    );
}

#[test]
fn a_cycle_reads_what_changed_and_reconciles_in_full_when_asked_or_the_thresholds_change() {
    let hb = Hb::new();
    hb.import(
        "properties",
        "id,address,created_at\n1,1 Main St,2026-11-22T12:05:00Z\n",
    );
    let start = at("2026-11-25T12:00:00Z");
    let message = |report: &serde_json::Value| {
        module(report, "portfolio")["message"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let first = hb.cycle_at(start);
    assert!(
        message(&first).starts_with("full reconcile (first run)"),
        "{first}"
    );
    assert_eq!(module(&first, "portfolio")["scan"], "full");

    // Stale from 12:05 on: the moment falls in the window, nothing else is read.
    let second = hb.cycle_at(start + Duration::minutes(10));
    assert!(
        message(&second).starts_with(
            "incremental since 2026-11-25T12:00:00Z: 1 properties re-checked (0 changed, 1 by time, 0 due again)"
        ),
        "{second}"
    );
    assert_eq!(module(&second, "portfolio")["scan"], "incremental");
    let line = second["line"].as_str().unwrap();
    assert!(line.contains(" (incremental, "), "{line}");
    assert!(line.contains("1 stale property (1)"), "{line}");

    // --full, and the run log says which kind it was and what it read.
    let out = hb
        .cmd()
        .env("HB_NOW", ts(start + Duration::minutes(15)))
        .args(["cycle", "--full", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let full: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        message(&full).starts_with("full reconcile (asked for (--full)): 1 findings"),
        "{full}"
    );
    let run = full["run_id"].to_string();
    let detail = hb.json(&["logs", &run]);
    let portfolio = detail["modules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["module"] == "portfolio")
        .unwrap();
    assert_eq!(portfolio["scan"], "full", "{detail}");
    assert_eq!(portfolio["rows"], 1, "{detail}");
    let table = hb.ok(&["logs", &run]);
    assert!(table.contains("Scan") && table.contains("full"), "{table}");
    // Nothing changed since: the notice stays as it was.
    assert_eq!(
        hb.count("SELECT count(*) FROM notifications WHERE resolved_at IS NULL"),
        1
    );

    // New thresholds: the next cycle reconciles in full and says why. No longer stale
    // as new, the property now misses its enrichment.
    hb.write("heartbeat.toml", "[property.stale_days]\nnew = 10\n");
    let changed = hb.cycle_at(start + Duration::minutes(20));
    assert!(
        message(&changed)
            .starts_with("full reconcile (the thresholds changed since the last run): 1 findings"),
        "{changed}"
    );
    assert_eq!(changed["notifications"]["resolved"], 1, "{changed}");
    assert_eq!(
        hb.count(
            "SELECT count(*) FROM notifications WHERE resolved_at IS NULL AND kind = 'missing_enrichment'"
        ),
        1
    );
}

#[test]
fn market_matches_a_property_imported_later_with_a_lower_id() {
    let hb = Hb::new();
    hb.import("watchlists", "id,name,city\n1,Austin,Austin\n");
    hb.import(
        "properties",
        "id,address,city,created_at\n50,50 Elm St,Dallas,2026-11-25T11:00:00Z\n",
    );
    let start = at("2026-11-25T12:00:00Z");
    hb.cycle_at(start);
    // An id below every id the market has seen: still new to it.
    hb.import(
        "properties",
        "id,address,city,created_at\n5,5 Elm St,Austin,2026-11-25T12:30:00Z\n",
    );
    let report = hb.cycle_at(start + Duration::hours(1));
    let market = module(&report, "market");
    assert!(
        market["message"]
            .as_str()
            .unwrap()
            .starts_with("incremental: 1 watchlist matches"),
        "{market}"
    );
    assert_eq!(
        hb.count("SELECT property_id FROM notifications WHERE kind = 'watchlist_match'"),
        5
    );
}
