//! `[runlog]`: one `agent_runs` row per cycle in the application's database (SQLite and
//! PostgreSQL), written after hb's own commit; a failure alerted and retried, and no row
//! twice, a killed cycle included.

use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::pg::server::{server, WRITER, WRITER_PASSWORD};
use crate::Hb;

const AGENT_RUNS: &str = "CREATE TABLE agent_runs (
    id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, agent_id TEXT NOT NULL,
    task_id TEXT NOT NULL, status TEXT NOT NULL, started_at INTEGER, finished_at TEXT)";

fn sqlite_config(hb: &Hb) {
    hb.write(
        "heartbeat.toml",
        "[runlog]\ndatabase = \"app.db\"\nstarted_column = \"started_at\"\n\
         finished_column = \"finished_at\"\n\n\
         [[alerts.channel]]\nname = \"ops\"\ntype = \"stderr\"\n\n\
         [alerts.routes]\nhigh = [\"ops\"]\n",
    );
}

/// `hb --now AT cycle --json` with the sandbox's config, and what it printed on stderr.
fn cycle(hb: &Hb, at: &str, env: &[(&str, &str)]) -> (Value, String) {
    let mut cmd = hb.cmd();
    cmd.args(["--config", "heartbeat.toml", "--now", at, "cycle", "--json"]);
    for (key, value) in env {
        cmd.env(key, value);
    }
    let out = cmd.output().expect("run hb");
    assert_eq!(
        out.status.code(),
        Some(0),
        "the cycle completes whatever the runlog does: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        serde_json::from_slice(&out.stdout).expect("cycle --json"),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn sqlite_rows(hb: &Hb) -> Vec<(String, String, String, String, String, i64, String)> {
    let conn = rusqlite::Connection::open(hb.path("app.db")).unwrap();
    let mut stmt = conn
        .prepare("SELECT id, tenant_id, agent_id, task_id, status, started_at, finished_at FROM agent_runs ORDER BY task_id")
        .unwrap();
    stmt.query_map([], |r| {
        Ok((
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
            r.get(6)?,
        ))
    })
    .unwrap()
    .collect::<rusqlite::Result<Vec<_>>>()
    .unwrap()
}

#[test]
fn each_cycle_writes_one_agent_runs_row_to_a_sqlite_database() {
    let hb = Hb::new();
    sqlite_config(&hb);
    rusqlite::Connection::open(hb.path("app.db"))
        .unwrap()
        .execute_batch(AGENT_RUNS)
        .unwrap();
    let times = [
        "2026-11-25T12:00:00Z",
        "2026-11-25T12:05:00Z",
        "2026-11-25T12:10:00Z",
    ];
    for at in times {
        let (doc, _) = cycle(&hb, at, &[]);
        assert_eq!(doc["runlog"]["error"], Value::Null, "{doc:#}");
        assert_eq!(doc["runlog"]["pending"], 0);
    }
    let rows = sqlite_rows(&hb);
    assert_eq!(rows.len(), 3, "{rows:#?}");
    for (row, at) in rows.iter().zip(times) {
        assert!(uuid_like(&row.0), "{row:?}");
        assert_eq!((row.1.as_str(), row.2.as_str()), ("system", "clawkeeper"));
        assert_eq!(row.3, format!("heartbeat-{at}"));
        assert_eq!(row.4, "completed");
        // An INTEGER column gets unix seconds, a TEXT one RFC 3339.
        let secs = chrono::DateTime::parse_from_rfc3339(at)
            .unwrap()
            .timestamp();
        assert_eq!(row.5, secs);
        assert!(row.6.starts_with("2026-11-25T12:"), "{row:?}");
    }
    // A dry run is no heartbeat.
    hb.ok(&[
        "--config",
        "heartbeat.toml",
        "--now",
        "2026-11-25T12:15:00Z",
        "cycle",
        "--dry-run",
    ]);
    assert_eq!(sqlite_rows(&hb).len(), 3);
}

fn uuid_like(text: &str) -> bool {
    text.len() == 36 && text.chars().filter(|c| *c == '-').count() == 4
}

#[test]
fn a_failed_write_is_alerted_retried_and_never_doubled() {
    let hb = Hb::new();
    sqlite_config(&hb);
    // The table is missing: the cycle completes, the row waits, the operator is told.
    rusqlite::Connection::open(hb.path("app.db")).unwrap();
    let (doc, stderr) = cycle(&hb, "2026-11-25T12:00:00Z", &[]);
    assert_eq!(doc["status"], "ok");
    assert_eq!(doc["runlog"]["pending"], 1);
    let error = doc["runlog"]["error"].as_str().unwrap().to_string();
    assert_eq!(
        error,
        format!(
            "table agent_runs does not exist in {}",
            hb.path("app.db").display()
        )
    );
    assert!(
        doc["line"]
            .as_str()
            .unwrap()
            .contains("agent_runs not written (retried next cycle)"),
        "{doc:#}"
    );
    assert!(
        stderr.contains("Runlog: 1 row not written to agent_runs"),
        "{stderr}"
    );
    let open = hb.json(&["--config", "heartbeat.toml", "alerts"])["notifications"].clone();
    assert!(
        open.to_string().contains("Runlog: 1 row not written"),
        "{open:#}"
    );
    // hb's own run is recorded whatever the application did.
    let (runs, _) = (
        hb.query_i64("SELECT count(*) FROM runs WHERE status = 'ok'"),
        (),
    );
    assert_eq!(runs, 1);

    let (doc, _) = cycle(&hb, "2026-11-25T12:05:00Z", &[]);
    assert_eq!(doc["runlog"]["pending"], 2);
    // The table appears: the next cycle writes both rows, once each, and says it healed.
    rusqlite::Connection::open(hb.path("app.db"))
        .unwrap()
        .execute_batch(AGENT_RUNS)
        .unwrap();
    let (doc, stderr) = cycle(&hb, "2026-11-25T12:10:00Z", &[]);
    assert_eq!(
        doc["runlog"]["written"].as_array().unwrap().len(),
        3,
        "{doc:#}"
    );
    assert_eq!(doc["runlog"]["pending"], 0);
    assert!(
        stderr.contains("Recovered: Runlog: the heartbeat log is written to agent_runs again"),
        "{stderr}"
    );
    let rows = sqlite_rows(&hb);
    assert_eq!(rows.len(), 3);
    assert_eq!(
        rows.iter().map(|r| r.3.as_str()).collect::<Vec<_>>(),
        [
            "heartbeat-2026-11-25T12:00:00Z",
            "heartbeat-2026-11-25T12:05:00Z",
            "heartbeat-2026-11-25T12:10:00Z"
        ]
    );
    let open = hb.json(&["--config", "heartbeat.toml", "alerts"])["notifications"].clone();
    assert!(!open.to_string().contains("Runlog"), "{open:#}");

    // A cycle killed after the application committed and before hb marked it: the
    // store says pending, the application has the row. The next cycle adds nothing.
    let store = rusqlite::Connection::open(hb.db()).unwrap();
    store
        .execute(
            "UPDATE runlog_entries SET written_at = NULL WHERE run_id = 3",
            [],
        )
        .unwrap();
    let (doc, _) = cycle(&hb, "2026-11-25T12:15:00Z", &[]);
    assert_eq!(doc["runlog"]["pending"], 0, "{doc:#}");
    assert_eq!(sqlite_rows(&hb).len(), 4);
    let third: i64 = rusqlite::Connection::open(hb.path("app.db"))
        .unwrap()
        .query_row(
            "SELECT count(*) FROM agent_runs WHERE task_id = 'heartbeat-2026-11-25T12:10:00Z'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(third, 1);
}

#[test]
fn postgres_gets_one_row_per_cycle_and_none_twice_after_a_killed_cycle() {
    let Some(server) = server() else {
        return;
    };
    let db = server.database("runlog");
    let hb = Hb::new();
    hb.write(
        "heartbeat.toml",
        &format!(
            "[runlog]\ndatabase = \"{}\"\npassword_env = \"HB_RUNLOG_PASSWORD\"\n\
             started_column = \"started_at\"\nfinished_column = \"finished_at\"\ntimeout = \"30s\"\n",
            server.url(WRITER, &db)
        ),
    );
    let env = [("HB_RUNLOG_PASSWORD", WRITER_PASSWORD)];
    let (doc, _) = cycle(&hb, "2026-11-25T12:00:00Z", &env);
    assert_eq!(doc["runlog"]["written"], serde_json::json!([1]), "{doc:#}");

    // The second cycle blocks on a lock the application holds, and is killed there.
    let mut app = server.superuser(&db);
    let mut lock = app.transaction().unwrap();
    lock.batch_execute("LOCK TABLE agent_runs IN ACCESS EXCLUSIVE MODE")
        .unwrap();
    let mut killed = hb
        .std_cmd()
        .args([
            "--config",
            "heartbeat.toml",
            "--now",
            "2026-11-25T12:05:00Z",
            "cycle",
        ])
        .env("HB_RUNLOG_PASSWORD", WRITER_PASSWORD)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut watcher = server.superuser(&db);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let waiting: i64 = watcher
            .query_one(
                "SELECT count(*) FROM pg_stat_activity WHERE usename = 'hb_writer' AND wait_event_type = 'Lock'",
                &[],
            )
            .unwrap()
            .get(0);
        if waiting > 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the cycle never reached the runlog write"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    killed.kill().unwrap();
    killed.wait().unwrap();
    lock.rollback().unwrap();

    // The next cycle marks the killed one aborted and writes its row (failed) and its own.
    let (doc, _) = cycle(&hb, "2026-11-25T12:10:00Z", &env);
    assert_eq!(doc["aborted_runs"], serde_json::json!([2]), "{doc:#}");
    assert_eq!(
        doc["runlog"]["written"],
        serde_json::json!([2, 3]),
        "{doc:#}"
    );
    // And a cycle killed after the application's commit, before hb's mark, adds nothing.
    rusqlite::Connection::open(hb.db())
        .unwrap()
        .execute(
            "UPDATE runlog_entries SET written_at = NULL WHERE run_id = 3",
            [],
        )
        .unwrap();
    let (doc, _) = cycle(&hb, "2026-11-25T12:15:00Z", &env);
    assert_eq!(
        doc["runlog"]["written"],
        serde_json::json!([3, 4]),
        "{doc:#}"
    );

    let rows: Vec<(String, String, String, String)> = app
        .query(
            "SELECT task_id, status, tenant_id, agent_id FROM agent_runs ORDER BY task_id",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect();
    let expected = [
        ("heartbeat-2026-11-25T12:00:00Z", "completed"),
        ("heartbeat-2026-11-25T12:05:00Z", "failed"),
        ("heartbeat-2026-11-25T12:10:00Z", "completed"),
        ("heartbeat-2026-11-25T12:15:00Z", "completed"),
    ];
    assert_eq!(rows.len(), expected.len(), "{rows:#?}");
    for (row, (task, status)) in rows.iter().zip(expected) {
        assert_eq!((row.0.as_str(), row.1.as_str()), (task, status));
        assert_eq!((row.2.as_str(), row.3.as_str()), ("system", "clawkeeper"));
    }
    let started: chrono::DateTime<chrono::Utc> = app
        .query_one(
            "SELECT started_at FROM agent_runs WHERE task_id = 'heartbeat-2026-11-25T12:00:00Z'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(started.to_rfc3339(), "2026-11-25T12:00:00+00:00");
}
