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
