//! `hb checks validate`: what will certainly fail is caught before the first cycle, each
//! problem as FILE:LINE: key: what to do, and validating runs nothing.

use std::os::unix::fs::PermissionsExt;

use crate::Hb;

fn validate(hb: &Hb) -> (Option<i32>, String) {
    let out = hb.cmd().args(["checks", "validate"]).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// An app database with one table and one row.
fn app_db(hb: &Hb) {
    let conn = rusqlite::Connection::open(hb.path("app.db")).unwrap();
    conn.execute_batch("CREATE TABLE tasks (id INTEGER PRIMARY KEY, status TEXT); INSERT INTO tasks (status) VALUES ('queued');")
        .unwrap();
}

fn sql_check(name: &str, query: &str) -> String {
    format!(
        "[[check]]\nname = \"{name}\"\ngroup = \"queue\"\ntype = \"sql\"\ndatabase = \"app.db\"\nquery = \"{query}\"\n\n"
    )
}

fn command_check(name: &str, command: &str) -> String {
    format!("[[check]]\nname = \"{name}\"\ngroup = \"system\"\ntype = \"command\"\ncommand = {command}\n\n")
}

#[test]
fn stale_days_must_be_positive() {
    let hb = Hb::new();
    for (value, line) in [("0", 2), ("-2", 2), ("-0.5", 2)] {
        hb.write(
            "heartbeat.toml",
            &format!("[property.stale_days]\nnew = {value}\n"),
        );
        let (code, out) = validate(&hb);
        assert_eq!(code, Some(78), "{out}");
        assert!(
            out.contains(&format!(
                "heartbeat.toml:{line}: key `property.stale_days.new`: {value} days: a property is \
                 stale after this many days in the stage, so give a number of days above 0"
            )),
            "{out}"
        );
    }
    // Every command refuses it, as a config error (never "every property is stale").
    let out = hb.cmd().args(["property", "list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(78));
    hb.write("heartbeat.toml", "[property.stale_days]\nnew = 0.5\n");
    assert_eq!(validate(&hb).0, Some(0));
}

/// `expect` is a number, a string or a boolean; anything else is named as what it is.
#[test]
fn an_expected_value_of_another_type_says_which_types_are_meant() {
    let hb = Hb::new();
    for (value, says) in [
        ("[1, 2]", "invalid type: sequence"),
        ("{ a = 1 }", "invalid type: map"),
    ] {
        hb.write(
            "heartbeat.toml",
            &format!("{}expect = {value}\n", command_check("c", "[\"true\"]")),
        );
        let (code, out) = validate(&hb);
        assert_eq!(code, Some(78), "{out}");
        assert!(
            out.contains(&format!(
                "heartbeat.toml:7: key `check[0].expect`: {says}, expected a number, a string or \
                 a boolean"
            )),
            "{out}"
        );
    }
    for value in ["0", "2.5", "\"ok\"", "true"] {
        hb.write(
            "heartbeat.toml",
            &format!("{}expect = {value}\n", command_check("c", "[\"true\"]")),
        );
        assert_eq!(validate(&hb).0, Some(0), "{value}");
    }
}

#[test]
fn inverted_thresholds_say_what_to_do() {
    let hb = Hb::new();
    app_db(&hb);
    hb.write(
        "heartbeat.toml",
        &(sql_check("depth", "SELECT 1") + "warn_above = 100\ncrit_above = 80\n"),
    );
    let (code, out) = validate(&hb);
    assert_eq!(code, Some(78));
    assert!(
        out.contains(
            "heartbeat.toml:8: key `check[0].warn_above`: warn_above (100) is above crit_above (80), \
             so the check would go critical before it warns: lower warn_above or raise crit_above"
        ),
        "{out}"
    );
    hb.write(
        "heartbeat.toml",
        &(sql_check("free", "SELECT 1") + "warn_below = 5\ncrit_below = 10\n"),
    );
    let (code, out) = validate(&hb);
    assert_eq!(code, Some(78));
    assert!(
        out.contains("key `check[0].warn_below`: warn_below (5) is below crit_below (10), so the check would go critical before it warns: raise warn_below or lower crit_below"),
        "{out}"
    );
}

#[test]
fn sql_that_does_not_prepare_is_an_error_and_nothing_is_executed() {
    let hb = Hb::new();
    app_db(&hb);
    hb.write(
        "heartbeat.toml",
        &(sql_check("typo", "selec 1")
            + &sql_check("no-table", "SELECT count(*) FROM jobs")
            + &sql_check("fine", "SELECT count(*) FROM tasks WHERE status = 'queued'")
            // Prepared, never run: the row stays.
            + &sql_check("destructive", "DELETE FROM tasks")),
    );
    let (code, out) = validate(&hb);
    assert_eq!(code, Some(78), "{out}");
    let db = hb.path("app.db");
    assert!(
        out.contains(&format!(
            "heartbeat.toml:6: error: check `typo`: key `query`: the query does not prepare against {}: near \"selec\": syntax error",
            db.display()
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "heartbeat.toml:13: error: check `no-table`: key `query`: the query does not prepare against {}: no such table: jobs",
            db.display()
        )),
        "{out}"
    );
    assert!(out.contains("fix the SQL"), "{out}");
    // A write is refused at validation too: the read-only connection would refuse it.
    assert!(
        out.contains("heartbeat.toml:27: error: check `destructive`: key `query`: query refused: the statement writes to table tasks"),
        "{out}"
    );
    assert!(out.contains("4 checks, 3 errors, 0 warnings"), "{out}");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let rows: i64 = conn
        .query_row("SELECT count(*) FROM tasks", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 1, "validate executed a query");
    assert!(!hb.path("app.db-wal").exists() && !hb.path("app.db-journal").exists());
}

#[test]
fn programs_that_cannot_run_are_errors_and_nothing_runs() {
    let hb = Hb::new();
    let script = hb.write("check.sh", "#!/bin/sh\ntouch ran\necho OK\n");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o644)).unwrap();
    let runnable = hb.write("ok.sh", "#!/bin/sh\ntouch ran\necho OK\n");
    std::fs::set_permissions(&runnable, std::fs::Permissions::from_mode(0o755)).unwrap();
    hb.write(
        "heartbeat.toml",
        &(command_check("missing", "[\"no-such-plugin\", \"-w\", \"1\"]")
            + &command_check("not-executable", "[\"./check.sh\"]")
            + &command_check("gone", "[\"./nowhere.sh\"]")
            + &command_check("fine", "[\"./ok.sh\"]")
            + &command_check("on-path", "[\"sh\", \"-c\", \"touch ran\"]")),
    );
    let (code, out) = validate(&hb);
    assert_eq!(code, Some(78), "{out}");
    assert!(
        out.contains("heartbeat.toml:5: error: check `missing`: key `command`: program no-such-plugin is not on $PATH: install it, or give its full path"),
        "{out}"
    );
    assert!(
        out.contains("heartbeat.toml:11: error: check `not-executable`: key `command`: program ./check.sh is not executable: `chmod +x ./check.sh`, or run it through its interpreter ([\"sh\", \"./check.sh\"])"),
        "{out}"
    );
    assert!(
        out.contains("check `gone`: key `command`: program ./nowhere.sh does not exist"),
        "{out}"
    );
    assert!(out.contains("5 checks, 3 errors"), "{out}");
    assert!(!hb.path("ran").exists(), "validate ran a check's command");
}
