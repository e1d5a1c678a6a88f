//! Output conventions: closed pipes keep the verdict, `--limit`, truncated tables.

use std::process::Stdio;

use crate::Hb;

/// One check that always fails critically, recorded once, so `hb status` is critical.
fn critical_store() -> Hb {
    let hb = Hb::new();
    hb.write(
        "heartbeat.toml",
        "[[check]]\nname = \"always-down\"\ngroup = \"system\"\ntype = \"command\"\n\
         command = \"echo 'CRITICAL - down'; exit 2\"\nshell = true\n",
    );
    // Only the heartbeat's own runs count for `hb status`.
    hb.ok(&["cycle", "--only", "system", "--only", "portfolio"]);
    hb
}

/// Run `hb ARGS` with stdout a pipe whose reader is already gone: the exit code.
fn exit_code_into_closed_pipe(hb: &Hb, args: &[&str]) -> (Option<i32>, String) {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let out = hb
        .std_cmd()
        .args(args)
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .expect("run hb");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_closed_pipe_stops_the_printing_not_the_nagios_verdict() {
    let hb = critical_store();
    // What the plain runs exit with...
    assert_eq!(
        hb.cmd().arg("status").output().unwrap().status.code(),
        Some(2)
    );
    // ...is what `hb status | head -1` exits with.
    for args in [
        &["status"][..],
        &["status", "--json"],
        &["checks", "run", "--all"],
        &["checks", "run", "--all", "--json"],
        &["checks", "run", "always-down", "--no-record"],
    ] {
        let (code, stderr) = exit_code_into_closed_pipe(&hb, args);
        assert_eq!(code, Some(2), "hb {args:?} into a closed pipe: {stderr}");
        assert!(!stderr.contains("error"), "hb {args:?}: {stderr}");
    }
    // Commands that just print still exit 0, quietly.
    for args in [&["logs"][..], &["checks", "doc"], &["alerts"]] {
        let (code, stderr) = exit_code_into_closed_pipe(&hb, args);
        assert_eq!(code, Some(0), "hb {args:?} into a closed pipe: {stderr}");
        assert_eq!(stderr, "", "hb {args:?}");
    }
}

/// 60 properties new since 2026-11-01 (stale), one of them blocked by a passed deadline;
/// one cycle turns them into notifications, routed to a console channel.
fn big_portfolio() -> Hb {
    let hb = Hb::new();
    hb.write(
        "heartbeat.toml",
        "[store]\npath = \"hb.db\"\n\n[[alerts.channel]]\nname = \"console\"\ntype = \"stderr\"\n\n\
         [alerts.routes]\nmedium = [\"console\"]\nhigh = [\"console\"]\ncritical = [\"console\"]\n",
    );
    let mut csv = String::from("id,address,created_at\n");
    for id in 1..=60 {
        csv.push_str(&format!("{id},{id} Main St,2026-11-01\n"));
    }
    let file = hb.write("properties.csv", &csv);
    hb.ok(&["import", "properties", file.to_str().unwrap()]);
    let contracts = hb.write(
        "contracts.csv",
        "id,property_id,name,attached_at,deadline_at\n1,60,Purchase agreement,2026-11-02,2026-11-20\n",
    );
    hb.ok(&["import", "contracts", contracts.to_str().unwrap()]);
    hb.ok(&["cycle"]);
    hb
}

/// `hb ARGS`: (exit code, stdout, stderr).
fn run(hb: &Hb, args: &[&str]) -> (Option<i32>, String, String) {
    let out = hb.cmd().args(args).output().expect("run hb");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Data rows of a piped (markdown) table: lines starting with `|`, minus header and rule.
fn table_rows(stdout: &str) -> usize {
    stdout
        .lines()
        .filter(|l| l.starts_with('|'))
        .count()
        .saturating_sub(2)
}

#[test]
fn limit_zero_means_all_in_every_list() {
    let hb = big_portfolio();
    let open = hb.json(&["alerts", "--limit", "0"]);
    let total = open["total"].as_u64().unwrap();
    assert!(total > 60, "60 stale, 1 missed deadline, ...: {open}");
    assert_eq!(
        open["notifications"].as_array().unwrap().len() as u64,
        total
    );
    let (code, stdout, stderr) = run(&hb, &["alerts", "--limit", "0"]);
    assert_eq!(code, Some(0));
    assert!(!stdout.contains("no open notifications"), "{stdout}");
    assert_eq!(table_rows(&stdout) as u64, total, "{stdout}");
    assert_eq!(stderr, "", "nothing was left out");

    let properties = hb.json(&["property", "list", "--limit", "0"]);
    assert_eq!(properties["total"], 60);
    assert_eq!(properties["properties"].as_array().unwrap().len(), 60);
    let (_, stdout, _) = run(&hb, &["property", "list", "--limit", "0"]);
    assert_eq!(table_rows(&stdout), 60, "{stdout}");

    let insights = hb.json(&["insights", "--limit", "0"]);
    assert_eq!(
        insights["findings"].as_array().unwrap().len() as u64,
        insights["total"].as_u64().unwrap()
    );

    let logs = hb.json(&["logs", "--limit", "0"]);
    assert_eq!(logs["total"], 1);
    assert_eq!(logs["runs"].as_array().unwrap().len(), 1);
    let (_, stdout, _) = run(&hb, &["logs", "--limit", "0"]);
    assert_eq!(table_rows(&stdout), 1, "{stdout}");

    let outbox = hb.json(&["alerts", "outbox", "--all", "--limit", "0"]);
    let rows = outbox["rows"].as_array().unwrap().len();
    assert!(rows >= 2, "{outbox}");
    assert_eq!(outbox["total"], rows);
}

#[test]
fn a_truncated_table_says_how_much_is_left_on_stderr() {
    let hb = big_portfolio();
    hb.ok(&["cycle", "--now", "2026-11-25T12:05:00Z"]);
    let total = hb.json(&["alerts"])["total"].as_u64().unwrap();
    for (args, shown, total) in [
        (&["alerts"][..], 50, total),
        (&["alerts", "list", "--limit", "10"], 10, total),
        (&["property", "list"], 50, 60),
        (
            &["property", "list", "--health", "stale", "--limit", "5"],
            5,
            59,
        ),
        (&["logs", "--limit", "1"], 1, 2),
        (&["alerts", "outbox", "--all", "--limit", "1"], 1, 0),
    ] {
        let total = if total == 0 {
            hb.json(&["alerts", "outbox", "--all"])["total"]
                .as_u64()
                .unwrap()
        } else {
            total
        };
        let (code, stdout, stderr) = run(&hb, args);
        assert_eq!(code, Some(0), "hb {args:?}: {stderr}");
        assert_eq!(table_rows(&stdout), shown, "hb {args:?}: {stdout}");
        assert_eq!(
            stderr,
            format!("showing {shown} of {total}; --limit N for more (--limit 0 for all)\n"),
            "hb {args:?}"
        );
        assert!(
            !stdout.contains("showing"),
            "stdout is only the data: {stdout}"
        );
        // JSON carries the total instead, and no note.
        let mut json = args.to_vec();
        json.push("--json");
        let (_, doc, stderr) = run(&hb, &json);
        assert_eq!(stderr, "", "hb {json:?}");
        let doc: serde_json::Value = serde_json::from_str(&doc).unwrap();
        assert_eq!(doc["total"], total, "hb {json:?}: {doc}");
    }
    // insights: 60 stale and more, 50 shown.
    let (_, _, stderr) = run(&hb, &["insights"]);
    let total = hb.json(&["insights"])["total"].as_u64().unwrap();
    assert_eq!(
        stderr,
        format!("showing 50 of {total}; --limit N for more (--limit 0 for all)\n")
    );
    // -q prints nothing, not even the note.
    let (_, stdout, stderr) = run(&hb, &["alerts", "-q"]);
    assert_eq!((stdout.as_str(), stderr.as_str()), ("", ""));
}

#[test]
fn property_list_gives_the_same_blocked_reason_as_the_property() {
    let hb = big_portfolio();
    let one = hb.json(&["property", "60"]);
    assert_eq!(one["health"], "blocked");
    assert_eq!(
        one["blocked_reason"],
        "contract #1 \"Purchase agreement\" missed its deadline of 2026-11-20"
    );
    let list = hb.json(&["property", "list", "--health", "blocked"]);
    assert_eq!(list["total"], 1);
    let row = &list["properties"][0];
    assert_eq!(row["property_id"], 60);
    assert_eq!(row["blocked_reason"], one["blocked_reason"]);
    // A recorded blocker wins in both.
    hb.ok(&["property", "set", "60", "--blocked", "Title dispute"]);
    let list = hb.json(&["property", "list", "--health", "blocked"]);
    assert_eq!(list["properties"][0]["blocked_reason"], "Title dispute");
    assert_eq!(
        hb.json(&["property", "60"])["blocked_reason"],
        "Title dispute"
    );
}

#[test]
fn filters_are_validated_and_case_insensitive() {
    let hb = big_portfolio();
    for (args, listed) in [
        (
            &["logs", "--status", "okk"][..],
            "running, ok, failed, aborted",
        ),
        (
            &["logs", "--module", "nosuch"],
            "portfolio, market, relationships, system, predictive, scheduled",
        ),
        (&["alerts", "--kind", "bogus"], "stale_property"),
        (
            &["alerts", "--priority", "urgent"],
            "low, medium, high, critical",
        ),
        (
            &["property", "list", "--stage", "waiting"],
            "waiting_for_contracts",
        ),
        (
            &["property", "list", "--health", "sick"],
            "healthy, stale, snoozed, blocked",
        ),
    ] {
        let (code, stdout, stderr) = run(&hb, args);
        assert_eq!(code, Some(64), "hb {args:?}: {stdout}");
        assert!(stderr.contains(listed), "hb {args:?}: {stderr}");
        assert_eq!(stdout, "");
    }
    // Accepted in any case, and they work.
    let critical = hb.json(&["alerts", "--priority", "CRITICAL"]);
    assert_eq!(critical["total"], 1, "the missed deadline: {critical}");
    assert_eq!(critical["notifications"][0]["priority"], "critical");
    let stale = hb.json(&["alerts", "--kind", "Stale_Property", "--limit", "0"]);
    assert_eq!(stale["total"], 59);
    assert_eq!(hb.json(&["logs", "--status", "OK"])["total"], 1);
    assert_eq!(hb.json(&["logs", "--module", "Portfolio"])["total"], 1);
}

#[test]
fn logs_check_names_a_check_of_the_config_or_the_run_log() {
    let hb = Hb::new();
    hb.write(
        "heartbeat.toml",
        "[[check]]\nname = \"api\"\ngroup = \"system\"\ntype = \"command\"\ncommand = [\"true\"]\n\n\
         [[check]]\nname = \"never-ran\"\ngroup = \"system\"\ntype = \"command\"\ncommand = [\"true\"]\n",
    );
    hb.ok(&["checks", "run", "api"]);
    assert_eq!(hb.json(&["logs", "--check", "api"])["total"], 1);
    // Configured but never run: an honest empty answer.
    assert_eq!(hb.json(&["logs", "--check", "never-ran"])["total"], 0);
    // A typo is an error naming what exists.
    let (code, stdout, stderr) = run(&hb, &["logs", "--check", "apii"]);
    assert_eq!(code, Some(64), "{stdout}");
    assert!(
        stderr.contains("no check named `apii` (known checks: api, never-ran)"),
        "{stderr}"
    );
    // A check removed from the config is still in the run log.
    hb.write(
        "heartbeat.toml",
        "[[check]]\nname = \"never-ran\"\ngroup = \"system\"\ntype = \"command\"\ncommand = [\"true\"]\n",
    );
    assert_eq!(hb.json(&["logs", "--check", "api"])["total"], 1);
}

#[test]
fn stage_names_are_the_json_spelling() {
    let hb = big_portfolio();
    let stage = hb.json(&["property", "60"])["stage"].clone();
    assert_eq!(stage, "waiting_for_contracts");
    for spelling in [
        "waiting_for_contracts",
        "waiting-for-contracts",
        "WAITING_FOR_CONTRACTS",
    ] {
        let list = hb.json(&["property", "list", "--stage", spelling]);
        assert_eq!(list["total"], 1, "--stage {spelling}");
        assert_eq!(list["properties"][0]["stage"], stage);
    }
}
