//! `hb property`, `hb contract`, `hb insights`, config and exit codes.

use predicates::prelude::*;

use crate::Hb;

/// Five properties around the fixed clock (2026-11-25T12:00Z):
/// 5 enriched 1.5 days ago (healthy), 6 new for 4.5 days (stale), 7 skip traced 8.5 days
/// ago (stale, more overdue), 8 blocked, 9 enriched 6.5 days ago (stale, score 95).
const PORTFOLIO: &str = "\
id,address,city,state,zip,created_at,enriched_at,skip_traced_at,blocked_reason,score
5,123 Main St,Austin,TX,78701,2026-11-20,2026-11-24,,,40
6,9 Elm St,Austin,TX,78702,2026-11-21,,,,
7,1 Oak Ave,Dallas,TX,75201,2026-11-10,2026-11-12,2026-11-17,,
8,4 Pine Rd,Dallas,TX,75202,2026-11-24,,,Title dispute,
9,77 Lake Dr,Houston,TX,77002,2026-11-18,2026-11-19,,,95
";

fn portfolio() -> Hb {
    let hb = Hb::new();
    let file = hb.write("properties.csv", PORTFOLIO);
    hb.ok(&["import", "properties", file.to_str().unwrap()]);
    hb
}

#[test]
fn property_heartbeat_json() {
    let hb = portfolio();
    let v = hb.json(&["property", "5"]);
    assert_eq!(v["property_id"], 5);
    assert_eq!(v["address"], "123 Main St");
    assert_eq!(v["stage"], "enriched");
    assert_eq!(v["stage_label"], "Enriched");
    assert_eq!(v["health"], "healthy");
    assert_eq!(v["days_in_stage"], 1.5);
    assert_eq!(v["stale_after_days"], 5.0);
    assert_eq!(v["next_action"], "Run skip trace to find owner");
    assert_eq!(
        v["voice_summary"],
        "Property #5 at 123 Main St is Enriched and healthy. Next step: run skip trace to find owner."
    );
    let checklist = v["checklist"].as_array().unwrap();
    assert_eq!(checklist.len(), 4);
    assert_eq!(checklist[0]["key"], "enrichment");
    assert_eq!(checklist[0]["done"], true);
    assert_eq!(checklist[0]["done_at"], "2026-11-24T00:00:00Z");
    assert_eq!(checklist[1]["key"], "skip_trace");
    assert_eq!(checklist[1]["done"], false);
    assert!(checklist[1]["done_at"].is_null());
}

#[test]
fn property_heartbeat_table() {
    let hb = portfolio();
    let out = hb.ok(&["property", "6"]);
    assert!(out.contains("New Property"), "{out}");
    assert!(out.contains("stale"), "{out}");
    assert!(out.contains("4.5 (stale after 3)"), "{out}");
    assert!(out.contains("Run Zillow enrichment"), "{out}");
    assert!(!out.contains('\u{1b}'), "no colour when piped: {out}");
}

#[test]
fn unknown_and_malformed_ids() {
    let hb = portfolio();
    hb.cmd()
        .args(["property", "99"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("no property with id 99"));
    hb.cmd().args(["property", "five"]).assert().code(64);
    hb.cmd()
        .args(["property", "set", "99", "--enriched"])
        .assert()
        .code(1);
    hb.cmd().args(["nonsense"]).assert().code(64);
}

#[test]
fn reading_a_missing_store_says_how_to_create_one() {
    let hb = Hb::new();
    hb.cmd().args(["property", "1"]).assert().code(1).stderr(
        predicate::str::starts_with("error: no store at").and(predicate::str::contains("hb init")),
    );
    assert!(!hb.db().exists(), "a read must not create the store");
}

#[test]
fn manual_facts_move_the_stage() {
    let hb = portfolio();
    let v = hb.json(&[
        "property",
        "set",
        "5",
        "--skip-traced",
        "2026-11-25T06:00:00Z",
    ]);
    assert_eq!(v["stage"], "researched");
    assert_eq!(v["days_in_stage"], 0.3);
    let v = hb.json(&["property", "set", "5", "--blocked", "Owner unreachable"]);
    assert_eq!(v["health"], "blocked");
    assert_eq!(v["blocked_reason"], "Owner unreachable");
    assert_eq!(v["next_action"], "Resolve the blocker: Owner unreachable");
    let v = hb.json(&["property", "set", "5", "--unblocked", "--score", "88"]);
    assert_eq!(v["health"], "healthy");
    assert!(v["blocked_reason"].is_null());
    hb.cmd()
        .args(["property", "set", "5", "--score", "101"])
        .assert()
        .code(64);
    hb.cmd().args(["property", "set", "5"]).assert().code(64);
}

#[test]
fn contracts_drive_waiting_and_complete() {
    let hb = portfolio();
    let out = hb.json(&[
        "contract",
        "attach",
        "5",
        "--name",
        "Purchase agreement",
        "--deadline",
        "2026-12-01",
    ]);
    let id = out[0]["id"].as_i64().unwrap();
    let v = hb.json(&["property", "5"]);
    assert_eq!(v["stage"], "waiting_for_contracts");
    assert_eq!(v["checklist"][2]["done"], true);
    assert_eq!(v["checklist"][2]["done_at"], "2026-11-25T12:00:00Z");
    hb.ok(&["contract", "sent", &id.to_string()]);
    hb.ok(&["contract", "signed", &id.to_string()]);
    // Backwards is refused and changes nothing.
    hb.cmd()
        .args(["contract", "sent", &id.to_string()])
        .assert()
        .code(65)
        .stderr(predicate::str::contains("cannot go back to sent"));
    hb.ok(&[
        "contract",
        "completed",
        &id.to_string(),
        "--at",
        "2026-11-25T13:00:00Z",
    ]);
    let v = hb.json(&["property", "5"]);
    assert_eq!(v["stage"], "complete");
    assert_eq!(v["checklist"][3]["done_at"], "2026-11-25T13:00:00Z");
    hb.cmd()
        .args(["contract", "sent", "999"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no contract with id 999"));
    hb.cmd()
        .args(["contract", "attach", "999", "--name", "x"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no property with id 999"));
}

#[test]
fn a_missed_deadline_blocks() {
    let hb = portfolio();
    hb.ok(&[
        "contract",
        "attach",
        "5",
        "--name",
        "Purchase",
        "--deadline",
        "2026-11-25T11:00:00Z",
    ]);
    let v = hb.json(&["property", "5"]);
    assert_eq!(v["health"], "blocked");
    assert!(
        v["blocked_reason"]
            .as_str()
            .unwrap()
            .contains("missed its deadline"),
        "{v}"
    );
    // Moving the deadline out unblocks.
    hb.ok(&["contract", "deadline", "1", "2026-12-10"]);
    assert_eq!(hb.json(&["property", "5"])["health"], "healthy");
}

#[test]
fn list_is_most_overdue_first_with_filters() {
    let hb = portfolio();
    let list = hb.json(&["property", "list"]);
    assert_eq!(list["total"], 5);
    let ids: Vec<i64> = list["properties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["property_id"].as_i64().unwrap())
        .collect();
    // 7: 8.5 days in researched (limit 7) = +1.5; 6: 4.5 in new (3) = +1.5; 9: 6.5 in enriched (5) = +1.5.
    // Ties by id; then 8 (blocked, -2.5) and 5 (-3.5).
    assert_eq!(ids, vec![6, 7, 9, 8, 5]);
    let stale = &hb.json(&["property", "list", "--health", "stale"])["properties"];
    assert_eq!(stale.as_array().unwrap().len(), 3);
    assert!(stale
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["health"] == "stale"));
    let blocked = &hb.json(&["property", "list", "--health", "blocked"])["properties"];
    assert_eq!(blocked[0]["property_id"], 8);
    let enriched = hb.json(&["property", "list", "--stage", "enriched", "--limit", "1"]);
    assert_eq!(enriched["total"], 2, "5 and 9 are enriched");
    assert_eq!(enriched["properties"].as_array().unwrap().len(), 1);
    assert_eq!(enriched["properties"][0]["property_id"], 9);
}

#[test]
fn stale_thresholds_come_from_config() {
    let hb = portfolio();
    hb.write(
        "heartbeat.toml",
        "[store]\npath = \"hb.db\"\n\n[property.stale_days]\nenriched = 1\n",
    );
    let mut cmd = hb.cmd();
    cmd.env_remove("HB_DB").args(["property", "5", "--json"]);
    let out = cmd.output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["health"], "stale");
    assert_eq!(v["stale_after_days"], 1.0);
}

#[test]
fn config_errors_name_file_line_and_key() {
    let hb = portfolio();
    let path = hb.write(
        "bad.toml",
        "[store]\nretention_days = 3\n\n[property.stale_days]\nneww = 4\n",
    );
    hb.cmd()
        .args(["--config", path.to_str().unwrap(), "property", "5"])
        .assert()
        .code(78)
        .stderr(
            predicate::str::contains("bad.toml:5")
                .and(predicate::str::contains("property.stale_days.neww"))
                .and(predicate::str::starts_with("error:")),
        );
    hb.cmd()
        .env("HB_CONFIG", hb.path("missing.toml"))
        .args(["property", "5"])
        .assert()
        .code(78);
    let path = hb.write("bad2.toml", "[modules.market]\nevery = \"whenever\"\n");
    hb.cmd()
        .args(["--config", path.to_str().unwrap(), "insights"])
        .assert()
        .code(78)
        .stderr(
            predicate::str::contains("bad2.toml:2")
                .and(predicate::str::contains("modules.market.every")),
        );
}

#[test]
fn insights_highest_priority_first() {
    let hb = portfolio();
    hb.ok(&[
        "contract",
        "attach",
        "5",
        "--name",
        "Purchase",
        "--deadline",
        "2026-11-27",
    ]);
    let v = hb.json(&["insights"]);
    assert_eq!(v["counts"]["blocked_property"], 1);
    assert_eq!(v["counts"]["stale_property"], 3);
    assert_eq!(v["counts"]["deadline_near"], 1);
    assert_eq!(v["counts"]["high_score_idle"], 1);
    assert_eq!(v["counts"]["deadline_passed"], 0);
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(findings[0]["kind"], "blocked_property");
    assert_eq!(findings[0]["priority"], "high");
    let priorities: Vec<&str> = findings
        .iter()
        .map(|f| f["priority"].as_str().unwrap())
        .collect();
    let rank = |p: &str| {
        ["critical", "high", "medium", "low"]
            .iter()
            .position(|x| *x == p)
            .unwrap()
    };
    assert!(
        priorities.windows(2).all(|w| rank(w[0]) <= rank(w[1])),
        "{priorities:?}"
    );
    let keys: Vec<&str> = findings
        .iter()
        .map(|f| f["dedup_key"].as_str().unwrap())
        .collect();
    assert!(keys.contains(&"stale:7:researched"), "{keys:?}");
    // Keyed by the step of the deadline ladder it is at (3 days ahead, of 7, 3, 1).
    assert!(keys.contains(&"deadline_near:1:3d"), "{keys:?}");
    let total = v["total"].as_i64().unwrap();
    assert_eq!(total as usize, findings.len());

    let limited = hb.json(&["insights", "--limit", "2"]);
    assert_eq!(limited["findings"].as_array().unwrap().len(), 2);
    assert_eq!(limited["total"], total);
    let table = hb.ok(&["insights"]);
    assert!(
        table.contains("Property #8 is blocked: Title dispute"),
        "{table}"
    );
}

#[test]
fn json_is_one_document_and_quiet_prints_nothing() {
    let hb = portfolio();
    hb.cmd()
        .args(["property", "5", "-q"])
        .assert()
        .success()
        .stdout("");
    hb.cmd()
        .args(["insights", "-q"])
        .assert()
        .success()
        .stdout("");
}

#[test]
fn contract_times_cannot_run_backwards() {
    let hb = portfolio();
    let out = hb.json(&[
        "contract",
        "attach",
        "5",
        "--name",
        "Purchase agreement",
        "--at",
        "2026-11-20T09:00:00Z",
    ]);
    let id = out[0]["id"].as_i64().unwrap().to_string();
    // Sent before it was attached.
    hb.cmd()
        .args(["contract", "sent", &id, "--at", "2026-11-19"])
        .assert()
        .code(65)
        .stderr(predicate::str::contains(format!(
            "contract {id} cannot be sent at 2026-11-19T00:00:00Z: it was attached at \
             2026-11-20T09:00:00Z, and a contract's times run forward"
        )));
    hb.ok(&["contract", "sent", &id, "--at", "2026-11-21"]);
    hb.ok(&["contract", "signed", &id, "--at", "2026-11-23T10:00:00Z"]);
    // Completed before it was signed: refused, and nothing changes.
    hb.cmd()
        .args(["contract", "completed", &id, "--at", "2026-11-22"])
        .assert()
        .code(65)
        .stderr(predicate::str::contains(format!(
            "contract {id} cannot be completed at 2026-11-22T00:00:00Z: it was signed at \
             2026-11-23T10:00:00Z"
        )))
        .stderr(predicate::str::contains("pass --at a time after that"));
    let v = hb.json(&["property", "5"]);
    assert_eq!(v["stage"], "waiting_for_contracts");
    assert_eq!(v["contracts"][0]["status"], "signed");
    // A cancellation comes after what it cancels too.
    hb.cmd()
        .args(["contract", "cancelled", &id, "--at", "2026-11-23T09:59:59Z"])
        .assert()
        .code(65);
    hb.ok(&["contract", "completed", &id, "--at", "2026-11-23T10:00:00Z"]);
    assert_eq!(hb.json(&["property", "5"])["stage"], "complete");
}

#[test]
fn a_snooze_holds_a_property_until_its_resume_date_and_clear_ends_it() {
    let hb = Hb::new();
    let file = hb.write(
        "p.csv",
        "id,address,created_at,enriched_at\n5,123 Main St,2026-11-01,2026-11-02\n",
    );
    hb.ok(&["import", "properties", file.to_str().unwrap()]);
    assert_eq!(hb.json(&["property", "5"])["health"], "stale");
    let held = hb.json(&[
        "property",
        "snooze",
        "5",
        "--until",
        "2026-12-20",
        "--reason",
        "waiting on probate",
    ]);
    assert_eq!(held["health"], "snoozed");
    assert_eq!(held["snoozed_until"], "2026-12-20T00:00:00Z");
    assert_eq!(held["snooze_reason"], "waiting on probate");
    assert_eq!(
        held["voice_summary"],
        "Property #5 at 123 Main St is Enriched and snoozed until 2026-12-20 (waiting on probate). \
         Next step: run skip trace to find owner."
    );
    let table = hb.ok(&["property", "list", "--health", "SNOOZED"]);
    assert!(
        table.contains("snoozed until 2026-12-20 (waiting on probate)"),
        "{table}"
    );
    assert_eq!(
        hb.json(&["property", "list", "--health", "stale"])["total"],
        0
    );
    // Refused, and nothing changes: a date not ahead, no reason, an unknown property.
    for (args, code, says) in [
        (
            &[
                "property",
                "snooze",
                "5",
                "--until",
                "2026-11-01",
                "--reason",
                "x",
            ][..],
            64,
            "is not after now",
        ),
        (
            &["property", "snooze", "5", "--until", "2026-12-24"],
            64,
            "--reason",
        ),
        (&["property", "snooze", "5"], 64, "--until"),
        (
            &[
                "property",
                "snooze",
                "9",
                "--until",
                "2026-12-24",
                "--reason",
                "x",
            ],
            1,
            "no property with id 9",
        ),
    ] {
        let out = hb.cmd().args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
    assert_eq!(
        hb.json(&["property", "5"])["snoozed_until"],
        "2026-12-20T00:00:00Z"
    );
    // Cleared: the hold ends now, and its clock starts again now.
    let cleared = hb.json(&["property", "snooze", "5", "--clear"]);
    assert_eq!(cleared["health"], "healthy", "{cleared}");
    assert_eq!(cleared["clock_from"], crate::NOW);
    assert_eq!(cleared["snoozed_until"], serde_json::Value::Null);
    let later = hb.json(&["property", "5", "--now", "2026-12-01T12:00:01Z"]);
    assert_eq!(
        later["health"], "stale",
        "5 days for enriched, from the clear"
    );
}
