//! What hb says: a check's value says what it is; summary lines and table cells stay
//! readable.

use crate::Hb;

fn sql_check(name: &str, query: &str, extra: &str) -> String {
    format!(
        "[[check]]\nname = \"{name}\"\ngroup = \"queue\"\ntype = \"sql\"\ndatabase = \"app.db\"\n\
         query = \"{query}\"\n{extra}\n\n"
    )
}

fn app_db(hb: &Hb) {
    rusqlite::Connection::open(hb.path("app.db"))
        .unwrap()
        .execute_batch("CREATE TABLE t (x)")
        .unwrap();
}

#[test]
fn a_checks_value_says_what_it_is() {
    let hb = Hb::new();
    app_db(&hb);
    hb.write(
        "heartbeat.toml",
        &[
            sql_check(
                "queue-depth",
                "SELECT 4",
                "warn_above = 80\ncrit_above = 100\ndescription = \"Queue depth < 100\"",
            ),
            sql_check(
                "error-rate",
                "SELECT 0.833",
                "unit = \"%\"\nwarn_above = 5\ncrit_above = 10",
            ),
            sql_check(
                "backlog",
                "SELECT 120",
                "label = \"tasks waiting\"\nunit = \"tasks\"\nwarn_above = 80\ncrit_above = 100",
            ),
            sql_check(
                "task_latency",
                "SELECT 50",
                "unit = \"s\"\nwarn_above = 45\ncrit_above = 60",
            ),
            sql_check("stuck", "SELECT 2", "expect = 0"),
            sql_check("floor", "SELECT 3", "warn_below = 10\ncrit_below = 2"),
            sql_check(
                "cost",
                "SELECT 'acme', 30 UNION ALL SELECT 'globex', 4",
                "metrics = true\nunit = \"USD\"\nlabel = \"cost today\"\ncrit_above = 25",
            ),
        ]
        .concat(),
    );
    let (doc, code) = hb.json_code(&["checks", "run", "--all"]);
    assert_eq!(code, 2, "{doc}");
    let messages: Vec<&str> = doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "queue depth 4 (warn above 80)",
            "error rate 0.833% (warn above 5%)",
            "tasks waiting 120 tasks (critical above 100 tasks)",
            "task latency 50 s (warn above 45 s)",
            "stuck 2 (expected 0)",
            "floor 3 (warn below 10)",
            "cost today: 2 series, total 34 USD; acme 30 USD (critical above 25 USD)",
        ]
    );
    assert_eq!(doc["results"][6]["metrics"][0]["unit"], "USD");
    // The board, and its descriptions on request.
    let board = hb.ok(&["checks"]);
    assert!(!board.contains("Queue depth < 100"), "{board}");
    let verbose = hb.ok(&["checks", "-v"]);
    assert!(
        verbose.contains("  queue-depth: Queue depth < 100\n"),
        "{verbose}"
    );
    assert_eq!(
        hb.json(&["checks", "list"])["checks"][0]["description"],
        "Queue depth < 100"
    );
}

/// The demo after one `hb cycle --all`: hundreds of findings of a dozen kinds.
fn busy_demo() -> Hb {
    let hb = Hb::new();
    let out = hb
        .cmd()
        .env_remove("HB_DB")
        .args(["demo", "--dir", "d"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = demo_hb(&hb)
        .env("HB_NOW", "2026-11-25T12:05:00Z")
        .args(["cycle", "--all"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    hb
}

fn demo_hb(hb: &Hb) -> std::process::Command {
    let mut cmd = hb.std_cmd();
    cmd.env_remove("HB_DB")
        .env("HB_CONFIG", hb.path("d/heartbeat.toml"));
    cmd
}

fn stdout(mut cmd: std::process::Command, args: &[&str]) -> String {
    let out = cmd.args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn logs_never_print_a_giant_cell() {
    let hb = busy_demo();
    let json: serde_json::Value =
        serde_json::from_str(&stdout(demo_hb(&hb), &["logs", "--json"])).unwrap();
    let line = json["runs"][0]["summary"]["line"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        line.chars().count() > 300,
        "a long line to start with: {line}"
    );
    let table = stdout(demo_hb(&hb), &["logs"]);
    for row in table.lines() {
        assert!(
            row.chars().count() < 200,
            "a {}-column row: {row}",
            row.chars().count()
        );
    }
    let start: String = line.chars().take(60).collect();
    assert!(table.contains(&start), "{table}");
    assert!(table.contains('…'), "the cut is shown: {table}");
    // The whole line in the run's detail.
    let run = json["runs"][0]["id"].to_string();
    let detail = stdout(demo_hb(&hb), &["logs", &run]);
    assert!(detail.lines().any(|l| l == line), "{detail}");
}

#[test]
fn cycle_lists_every_kept_id_under_verbose_and_in_json() {
    let hb = busy_demo();
    let report: serde_json::Value = serde_json::from_str(&stdout(
        demo_hb(&hb),
        &[
            "cycle",
            "--all",
            "--now",
            "2026-11-25T12:10:00Z",
            "--json",
            "--dry-run",
        ],
    ))
    .unwrap();
    let portfolio = &report["modules"][0];
    let stale = portfolio["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["what"] == "stale properties")
        .unwrap();
    let count = stale["count"].as_u64().unwrap();
    assert!(count > 100, "{stale}");
    assert_eq!(stale["ids"].as_array().unwrap().len(), 100, "the first 100");
    // Off a terminal: the one line for cron mail, three ids per kind.
    let plain = stdout(
        demo_hb(&hb),
        &[
            "cycle",
            "--all",
            "--now",
            "2026-11-25T12:10:00Z",
            "--dry-run",
        ],
    );
    assert_eq!(plain.lines().count(), 1, "{plain}");
    // -v: each module, then every id it kept.
    let verbose = stdout(
        demo_hb(&hb),
        &[
            "cycle",
            "--all",
            "--now",
            "2026-11-25T12:10:00Z",
            "--dry-run",
            "-v",
        ],
    );
    let ids: Vec<String> = stale["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i.to_string())
        .collect();
    let expected = format!(
        "      {count} stale properties: {}, ... (the first 100)",
        ids.join(", ")
    );
    assert!(verbose.lines().any(|l| l == expected), "{verbose}");
}

#[test]
fn on_a_terminal_the_cycle_prints_a_short_line_per_module() {
    let hb = busy_demo();
    // `script` gives hb a terminal for stdout.
    if !crate::support::require_tool("script", "util-linux", "to give hb a terminal") {
        return;
    }
    let hb_cmd = demo_hb(&hb);
    let mut line = format!("{:?}", hb_cmd.get_program());
    for arg in [
        "cycle",
        "--all",
        "--dry-run",
        "--now",
        "2026-11-25T12:10:00Z",
    ] {
        line.push(' ');
        line.push_str(arg);
    }
    let mut script = std::process::Command::new("script");
    script.args(["-qec", &line, "/dev/null"]);
    for (key, value) in hb_cmd.get_envs() {
        match value {
            Some(value) => script.env(key, value),
            None => script.env_remove(key),
        };
    }
    script.current_dir(hb.dir.path());
    let out = script.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).replace('\r', "");
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(lines[0].starts_with("dry-run cycle ok in "), "{text}");
    let portfolio = lines
        .iter()
        .find(|l| l.starts_with("  portfolio "))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(portfolio.contains("blocked properties"), "{portfolio}");
    assert!(portfolio.contains("more)"), "{portfolio}");
    for l in &lines {
        assert!(
            l.chars().count() <= 100,
            "{} columns: {l}",
            l.chars().count()
        );
    }
}
