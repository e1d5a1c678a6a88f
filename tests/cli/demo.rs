//! `hb demo` and `hb init`

use std::path::{Path, PathBuf};

use rusqlite::Connection;
use serde_json::Value;

use super::support::now_ts;
use super::Hb;

/// `hb demo --dir DIR --properties N --json`, returning the document.
fn demo(hb: &Hb, dir: &str, properties: u32) -> Value {
    let n = properties.to_string();
    let out = demo_cmd(hb)
        .args(["demo", "--dir", dir, "--properties", &n, "--json"])
        .output()
        .expect("run hb");
    assert!(
        out.status.success(),
        "hb demo failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("demo --json is JSON")
}

/// `hb` as a newcomer runs it on the demo: no store override, and none of the
/// variables that turn on the demo's optional checks.
fn demo_cmd(hb: &Hb) -> assert_cmd::Command {
    let mut cmd = hb.cmd();
    cmd.env_remove("HB_DB")
        .env_remove("QUICKBOOKS_REALM_ID")
        .env_remove("APP_STATUS_URL")
        .env_remove("APP_DATABASE_URL");
    cmd
}

/// What each demo check reports, by design. Two fail on purpose: an API key expires in
/// 3 days (a warning-severity check), and nothing listens where `payments` connects
/// (critical). QuickBooks is skipped without $QUICKBOOKS_REALM_ID. `disk` assumes the
/// machine has 5 % free, and `payments` that nothing listens on 127.0.0.1:12111.
/// The orchestrators, breakers and limiters wait for $APP_STATUS_URL, rls and tenant
/// isolation on PostgreSQL for $APP_DATABASE_URL: skipped.
const DEMO_STATUSES: [(&str, &str, &str); 25] = [
    ("orchestrators", "system", "skipped"),
    ("circuit-breakers", "system", "skipped"),
    ("rate-limiters", "system", "skipped"),
    ("database", "system", "ok"),
    ("worker-heartbeat", "system", "ok"),
    ("worker-pool", "system", "ok"),
    ("disk", "system", "ok"),
    ("heartbeat", "system", "ok"),
    ("queue-depth", "queue", "ok"),
    ("stuck-tasks", "queue", "ok"),
    ("error-rate", "queue", "ok"),
    ("task-latency", "queue", "ok"),
    ("cost-per-tenant", "queue", "ok"),
    ("tokens-per-tenant", "queue", "ok"),
    ("audit-log-continuous", "integrity", "ok"),
    ("ledger-balanced", "integrity", "ok"),
    ("no-orphans", "integrity", "ok"),
    ("tenant-isolation", "security", "ok"),
    ("rls", "security", "skipped"),
    ("tenant-isolation-postgres", "security", "skipped"),
    ("unauthorized-access", "security", "ok"),
    ("api-keys-expiring", "security", "warning"),
    ("payments", "integration", "critical"),
    ("xero-sync", "integration", "ok"),
    ("quickbooks-sync", "integration", "skipped"),
];

/// `(name, group, status)` of each result, in order.
fn statuses(results: &Value) -> Vec<(String, String, String)> {
    results
        .as_array()
        .expect("an array of results")
        .iter()
        .map(|r| {
            let field = |key: &str| r[key].as_str().unwrap_or_default().to_string();
            (field("name"), field("group"), field("status"))
        })
        .collect()
}

fn expected_statuses() -> Vec<(String, String, String)> {
    DEMO_STATUSES
        .iter()
        .map(|(n, g, s)| (n.to_string(), g.to_string(), s.to_string()))
        .collect()
}

fn open(path: &Path) -> Connection {
    Connection::open(path).expect("open demo store")
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

fn canonical(path: PathBuf) -> PathBuf {
    std::fs::canonicalize(&path).unwrap_or(path)
}

#[test]
fn demo_creates_store_and_config_in_dir() {
    let hb = Hb::new();
    let doc = demo(&hb, "d", 300);
    let store = PathBuf::from(doc["store"].as_str().expect("store"));
    let config = PathBuf::from(doc["config"].as_str().expect("config"));
    assert_eq!(store, canonical(hb.path("d")).join("demo.db"));
    assert_eq!(config, canonical(hb.path("d")).join("heartbeat.toml"));
    let text = std::fs::read_to_string(&config).expect("demo config");
    assert!(text.contains("path = \"demo.db\""), "{text}");

    let counts = &doc["counts"];
    assert_eq!(counts["properties"], 300);
    let conn = open(&store);
    for (key, table) in [
        ("properties", "properties"),
        ("contracts", "contracts"),
        ("contacts", "contacts"),
        ("interactions", "interactions"),
        ("watchlists", "watchlists"),
        ("price_points", "price_history"),
        ("reminders", "reminders"),
    ] {
        let rows = count(&conn, &format!("SELECT count(*) FROM {table}"));
        assert!(rows > 0, "{table} is empty");
        assert_eq!(counts[key], rows, "counts.{key} vs table {table}");
    }
    let stages = &counts["by_stage"];
    let stage_sum: i64 = [
        "new",
        "enriched",
        "researched",
        "waiting_for_contracts",
        "complete",
    ]
    .iter()
    .map(|s| stages[s].as_i64().expect("stage count"))
    .sum();
    assert_eq!(stage_sum, 300);

    // The demo config is the one hb reads through HB_CONFIG; it leads to the demo store.
    let out = hb
        .cmd()
        .env_remove("HB_DB")
        .env("HB_CONFIG", &config)
        .args(["property", "1", "--json"])
        .output()
        .expect("run hb");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn demo_is_deterministic() {
    let hb = Hb::new();
    let a = demo(&hb, "a", 300);
    let b = demo(&hb, "b", 300);
    assert_eq!(a["counts"], b["counts"]);

    let db_a = hb.path("a").join("demo.db");
    let db_b = hb.path("b").join("demo.db");
    for id in ["7", "42", "300"] {
        let pa = hb.json(&["--db", db_a.to_str().unwrap(), "property", id]);
        let pb = hb.json(&["--db", db_b.to_str().unwrap(), "property", id]);
        assert_eq!(pa, pb, "property {id}");
    }
    // Every row of every table, not just what the heartbeat shows.
    let dump = |db: &Path| -> Vec<String> {
        let conn = open(db);
        let mut lines = Vec::new();
        for table in [
            "properties",
            "contracts",
            "contacts",
            "interactions",
            "watchlists",
            "price_history",
            "reminders",
        ] {
            lines.extend(dump_table(&conn, table, "1, 2"));
        }
        lines
    };
    assert_eq!(dump(&db_a), dump(&db_b));
}

#[test]
fn demo_is_fresh_on_every_run() {
    let hb = Hb::new();
    demo(&hb, "d", 300);
    let doc = demo(&hb, "d", 40);
    assert_eq!(doc["counts"]["properties"], 40);
    let conn = open(&hb.path("d").join("demo.db"));
    assert_eq!(count(&conn, "SELECT count(*) FROM properties"), 40);
}

#[test]
fn demo_shows_every_stage_and_health() {
    let hb = Hb::new();
    let doc = demo(&hb, "d", 300);
    let db = hb.path("d").join("demo.db");
    let db = db.to_str().unwrap();
    for stage in [
        "new",
        "enriched",
        "researched",
        "waiting-for-contracts",
        "complete",
    ] {
        let rows = hb.json(&[
            "--db", db, "property", "list", "--stage", stage, "--limit", "1",
        ]);
        assert_eq!(
            rows["properties"].as_array().map(Vec::len),
            Some(1),
            "stage {stage}"
        );
    }
    for health in ["healthy", "stale", "blocked"] {
        let rows = hb.json(&[
            "--db", db, "property", "list", "--health", health, "--limit", "1000",
        ]);
        let rows = rows["properties"].as_array().expect("list");
        assert_eq!(
            rows.len() as i64,
            doc["counts"]["by_health"][health].as_i64().unwrap(),
            "health {health}"
        );
        assert!(!rows.is_empty(), "no {health} property");
    }

    let conn = open(Path::new(db));
    let count_at_now = |sql: &str| {
        let sql = sql
            .replace(":now", &now_ts().to_string())
            .replace(":day", "86400");
        count(&conn, &sql)
    };
    let some = |what: &str, sql: &str| assert!(count_at_now(sql) > 0, "no {what}: {sql}");
    some(
        "property blocked by a recorded reason",
        "SELECT count(*) FROM properties WHERE blocked_reason IS NOT NULL",
    );
    some(
        "property blocked only by a missed deadline",
        "SELECT count(*) FROM properties p WHERE blocked_reason IS NULL AND EXISTS (
            SELECT 1 FROM contracts c WHERE c.property_id = p.id
            AND c.status IN ('attached','sent','signed') AND c.deadline_at <= :now)",
    );
    some(
        "open contract due within 7 days",
        "SELECT count(*) FROM contracts WHERE status IN ('attached','sent','signed')
            AND deadline_at > :now AND deadline_at <= :now + 7 * :day",
    );
    some(
        "contract sent and unsigned for over 5 days",
        "SELECT count(*) FROM contracts WHERE status = 'sent' AND sent_at < :now - 5 * :day",
    );
    some(
        "contact with a recent interaction",
        "SELECT count(*) FROM contacts c WHERE (SELECT max(at) FROM interactions i
            WHERE i.contact_id = c.id) > :now - 3 * :day",
    );
    some(
        "cooling contact",
        "SELECT count(*) FROM contacts c WHERE (SELECT max(at) FROM interactions i
            WHERE i.contact_id = c.id) < :now - 21 * :day",
    );
    some(
        "price history in the last 60 days",
        "SELECT count(DISTINCT property_id) FROM price_history WHERE at >= :now - 60 * :day",
    );
    some(
        "due reminder",
        "SELECT count(*) FROM reminders WHERE due_at <= :now",
    );
    for recurrence in ["daily", "weekly", "monthly", "every 3d"] {
        some(
            recurrence,
            &format!("SELECT count(*) FROM reminders WHERE recurrence = '{recurrence}'"),
        );
    }
    some("watchlist", "SELECT count(*) FROM watchlists");
    for (what, sql) in [
        (
            "price",
            "SELECT count(*) FROM price_history WHERE at > :now",
        ),
        (
            "interaction",
            "SELECT count(*) FROM interactions WHERE at > :now",
        ),
        (
            "creation",
            "SELECT count(*) FROM properties WHERE created_at > :now",
        ),
    ] {
        assert_eq!(count_at_now(sql), 0, "no {what} lies in the future");
    }
}

#[test]
fn demo_prints_the_store_and_how_to_use_it() {
    let hb = Hb::new();
    let out = hb
        .cmd()
        .args(["demo", "--dir", "d", "--properties", "300"])
        .output()
        .expect("run hb");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let dir = canonical(hb.path("d"));
    assert!(
        stdout.contains(&format!("Demo store: {}", dir.join("demo.db").display())),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "export HB_CONFIG={}",
            dir.join("heartbeat.toml").display()
        )),
        "{stdout}"
    );
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains("findings:"),
        "the insights are shown: {stdout}"
    );
    assert!(stdout.contains("One property heartbeat"), "{stdout}");
    assert!(stdout.contains("Next step:"), "{stdout}");

    // The check board, why the failing checks fail, and where to go next.
    let config = dir.join("heartbeat.toml");
    assert!(
        stdout.contains("25 checks: 17 ok, 1 warning, 1 critical, 6 skipped"),
        "{stdout}"
    );
    assert!(stdout.contains("| ledger-balanced "), "{stdout}");
    assert!(
        stdout.contains("payments (critical): Payment gateway reachable (fails on purpose"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("hb --config {} cycle", config.display())),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("hb --config {} checks", config.display())),
        "{stdout}"
    );
}

#[test]
fn demo_config_validates() {
    let hb = Hb::new();
    let doc = demo(&hb, "d", 20);
    let config = doc["config"].as_str().expect("config");
    let out = demo_cmd(&hb)
        .args(["--config", config, "checks", "validate", "--json"])
        .output()
        .expect("run hb");
    let report: Value = serde_json::from_slice(&out.stdout).expect("validate --json");
    assert_eq!(out.status.code(), Some(0), "{report:#}");
    assert_eq!(report["checks"], 25);
    assert_eq!(report["errors"], 0, "{report:#}");
    assert_eq!(report["warnings"], 0, "{report:#}");
}

/// Every group produces a real result; exactly the two planned failures fail.
#[test]
fn demo_checks_run_against_the_sample_app() {
    let hb = Hb::new();
    let doc = demo(&hb, "d", 20);
    let app_db = canonical(hb.path("d")).join("app.db");
    assert_eq!(
        doc["app_database"].as_str().map(PathBuf::from),
        Some(app_db)
    );
    let board = statuses(&doc["checks"]);
    assert_eq!(board, expected_statuses());
    for group in ["system", "queue", "integrity", "security", "integration"] {
        assert!(
            board.iter().any(|(_, g, s)| g == group && s != "skipped"),
            "no real result in group {group}"
        );
    }

    // Recorded as the heartbeat's first run: `hb checks` shows the same board.
    let config = doc["config"].as_str().expect("config");
    let out = demo_cmd(&hb)
        .args(["--config", config, "checks", "--json"])
        .output()
        .expect("run hb");
    assert!(out.status.success());
    let list: Value = serde_json::from_slice(&out.stdout).expect("checks --json");
    assert_eq!(statuses(&list["checks"]), expected_statuses());

    // With the variable set, the optional QuickBooks check runs, and passes.
    let out = demo_cmd(&hb)
        .env("QUICKBOOKS_REALM_ID", "demo")
        .args([
            "--config",
            config,
            "checks",
            "run",
            "quickbooks-sync",
            "--json",
        ])
        .output()
        .expect("run hb");
    let run: Value = serde_json::from_slice(&out.stdout).expect("checks run --json");
    assert_eq!(run["results"][0]["status"], "ok", "{run:#}");
}

/// `hb checks run --all` on the demo exits 2, Nagios critical: `payments` is critical
/// (the worst), `api-keys-expiring` a warning, the skipped check counts as ok.
#[test]
fn demo_checks_run_all_exits_critical() {
    let hb = Hb::new();
    let doc = demo(&hb, "d", 20);
    let config = doc["config"].as_str().expect("config");
    let out = demo_cmd(&hb)
        .args(["--config", config, "checks", "run", "--all", "--json"])
        .output()
        .expect("run hb");
    let run: Value = serde_json::from_slice(&out.stdout).expect("checks run --json");
    assert_eq!(out.status.code(), Some(2), "{run:#}");
    assert_eq!(run["status"], "critical");
    assert_eq!(statuses(&run["results"]), expected_statuses());
}

/// The demo's alert route: a cycle on the demo prints its high-priority alerts on stderr.
#[test]
fn demo_cycle_alerts_on_stderr() {
    let hb = Hb::new();
    let doc = demo(&hb, "d", 300);
    let config = doc["config"].as_str().expect("config");
    let out = demo_cmd(&hb)
        .args(["--config", config, "cycle"])
        .output()
        .expect("run hb");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("[high]"), "{stderr}");
}

/// The demo's own run and manual `hb checks run`s are shown, but only `hb cycle` counts:
/// two manual runs of the failing `payments` must not make the next cycle say "failed 3
/// times in a row" nor escalate.
#[test]
fn manual_runs_on_the_demo_do_not_escalate_the_next_cycle() {
    let hb = Hb::new();
    let doc = demo(&hb, "d", 20);
    let config = doc["config"].as_str().expect("config");
    let at = |minutes: i64| {
        chrono::DateTime::from_timestamp(now_ts() + minutes * 60, 0)
            .unwrap()
            .to_rfc3339()
    };
    for minute in [1, 2] {
        let out = demo_cmd(&hb)
            .env("HB_NOW", at(minute))
            .args(["--config", config, "checks", "run", "payments"])
            .output()
            .expect("run hb");
        assert_eq!(out.status.code(), Some(2));
    }
    let out = demo_cmd(&hb)
        .env("HB_NOW", at(5))
        .args(["--config", config, "cycle"])
        .output()
        .expect("run hb");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("times in a row"), "{stderr}");
    assert!(!stderr.to_lowercase().contains("escalat"), "{stderr}");
    let conn = open(&hb.path("d").join("demo.db"));
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM notifications WHERE kind = 'escalation'"
        ),
        0
    );
    // The cycle ran payments itself (the manual runs did not make it "not due"), once.
    assert_eq!(
        count(
            &conn,
            "SELECT consecutive_failures FROM check_state WHERE name = 'payments'"
        ),
        1
    );
    // The board says which runs counted.
    let out = demo_cmd(&hb)
        .env("HB_NOW", at(5))
        .args(["--config", config, "checks", "list", "--json"])
        .output()
        .expect("run hb");
    let list: Value = serde_json::from_slice(&out.stdout).expect("checks list --json");
    let payments = list["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "payments")
        .unwrap();
    assert_eq!(payments["counted"], true, "{payments}");
    assert_eq!(payments["consecutive_failures"], 1);
}

#[test]
fn demo_app_db_is_deterministic() {
    let hb = Hb::new();
    demo(&hb, "a", 20);
    demo(&hb, "b", 40);
    let dump = |db: &Path| -> Vec<String> {
        let conn = open(db);
        let mut lines = Vec::new();
        for table in [
            "tenants",
            "tasks",
            "audit_log",
            "accounts",
            "ledger_transactions",
            "ledger_entries",
            "api_keys",
            "deals",
            "documents",
            "auth_events",
            "accounting_syncs",
        ] {
            let rows = dump_table(&conn, table, "1");
            assert!(!rows.is_empty(), "{table} is empty");
            lines.extend(rows);
        }
        lines
    };
    // Same clock, same rows, whatever the portfolio's size.
    assert_eq!(
        dump(&hb.path("a").join("app.db")),
        dump(&hb.path("b").join("app.db"))
    );
}

#[test]
fn demo_defaults_to_the_data_dir() {
    let hb = Hb::new();
    let doc = hb.json(&["demo", "--properties", "20"]);
    let expected = canonical(hb.path("xdg-data").join("hb").join("demo")).join("demo.db");
    assert_eq!(doc["store"].as_str().map(PathBuf::from), Some(expected));
}

#[test]
fn demo_keeps_a_config_it_did_not_write() {
    let hb = Hb::new();
    std::fs::create_dir(hb.path("proj")).unwrap();
    let mine = hb.write("proj/heartbeat.toml", "[store]\npath = \"real.db\"\n");
    let out = hb
        .cmd()
        .args(["demo", "--dir", "proj", "--properties", "10"])
        .output()
        .expect("run hb");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("not written by `hb demo`"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(mine).unwrap(),
        "[store]\npath = \"real.db\"\n"
    );
}

#[test]
fn demo_needs_at_least_one_property() {
    let hb = Hb::new();
    let out = hb
        .cmd()
        .args(["demo", "--dir", "d", "--properties", "0"])
        .output()
        .expect("run hb");
    assert_eq!(out.status.code(), Some(64));
}

fn shipped_config() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("heartbeat.toml");
    std::fs::read_to_string(path).expect("shipped heartbeat.toml")
}

#[test]
fn init_writes_config_and_store_and_refuses_to_overwrite() {
    let hb = Hb::new();
    let init = |args: &[&str]| {
        hb.cmd()
            .env_remove("HB_DB")
            .arg("init")
            .args(args)
            .output()
            .expect("run hb")
    };
    let out = init(&[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let config = hb.path("heartbeat.toml");
    let store = hb.path("heartbeat.db");
    assert_eq!(std::fs::read_to_string(&config).unwrap(), shipped_config());
    assert!(store.is_file(), "store created next to the config");
    assert!(stdout.contains("wrote config"), "{stdout}");
    assert!(stdout.contains("created store"), "{stdout}");

    // The written config is valid and leads to the new, empty store.
    let listed = hb
        .cmd()
        .env_remove("HB_DB")
        .args(["property", "list", "--json"])
        .output()
        .expect("run hb");
    assert!(
        listed.status.success(),
        "{}",
        String::from_utf8_lossy(&listed.stderr)
    );
    let listed: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(listed, serde_json::json!({"total": 0, "properties": []}));

    let edited = format!("# my edits\n{}", shipped_config());
    std::fs::write(&config, &edited).unwrap();
    let out = init(&[]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--force"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&config).unwrap(), edited);

    let out = init(&["--force"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("overwrote config"), "{stdout}");
    assert!(stdout.contains("kept existing store"), "{stdout}");
    assert_eq!(std::fs::read_to_string(&config).unwrap(), shipped_config());
}

#[test]
fn init_writes_at_the_config_path() {
    let hb = Hb::new();
    let doc = {
        let out = hb
            .cmd()
            .env_remove("HB_DB")
            .args(["--config", "etc/hb/site.toml", "init", "--json"])
            .output()
            .expect("run hb");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<Value>(&out.stdout).expect("json")
    };
    let dir = canonical(hb.path("etc/hb"));
    assert_eq!(
        doc["config"].as_str().map(PathBuf::from),
        Some(dir.join("site.toml"))
    );
    assert_eq!(
        doc["store"].as_str().map(PathBuf::from),
        Some(dir.join("heartbeat.db"))
    );
    assert_eq!(doc["store_created"], true);
    assert!(dir.join("heartbeat.db").is_file());
}

#[test]
fn init_creates_the_store_that_hb_db_names() {
    // --db / HB_DB win over the config's path, for init as for every command.
    let hb = Hb::new();
    let doc = hb.json(&["init"]);
    assert_eq!(
        doc["store"].as_str().map(PathBuf::from),
        Some(canonical(hb.db()))
    );
    assert!(hb.db().is_file());
    assert!(!hb.path("heartbeat.db").exists());
}

/// Every row of `table`, ordered by `order`, one line each: `table|value|value...`.
fn dump_table(conn: &rusqlite::Connection, table: &str, order: &str) -> Vec<String> {
    let mut stmt = conn
        .prepare(&format!("SELECT * FROM {table} ORDER BY {order}"))
        .expect("prepare");
    let columns = stmt.column_count();
    let rows = stmt
        .query_map([], |row| {
            let mut line = table.to_string();
            for i in 0..columns {
                let value: rusqlite::types::Value = row.get(i)?;
                line.push_str(&format!("|{value:?}"));
            }
            Ok(line)
        })
        .expect("query");
    rows.map(|r| r.expect("row")).collect()
}

/// Served (as the protocol's comment says), the demo's status documents pass the nine
/// orchestrators, the breakers and the limiters; every cycle writes its agent_runs row.
#[test]
fn the_demo_status_checks_pass_when_served_and_cycles_log_to_agent_runs() {
    use super::support::http::{Reply, Server};
    let hb = Hb::new();
    let doc = demo(&hb, "d", 20);
    let config = doc["config"].as_str().expect("config").to_string();
    let dir = Path::new(&config).parent().unwrap().to_path_buf();
    let root = dir.clone();
    let server = Server::start(move |_, request| {
        match std::fs::read_to_string(root.join(request.path.trim_start_matches('/'))) {
            Ok(body) => Reply::json(200, body),
            Err(_) => Reply::status(404),
        }
    });
    let base = server.url("");
    let base = base.trim_end_matches('/');
    let out = demo_cmd(&hb)
        .env("APP_STATUS_URL", base)
        .args([
            "--config",
            &config,
            "checks",
            "run",
            "orchestrators",
            "circuit-breakers",
            "rate-limiters",
            "--json",
        ])
        .output()
        .expect("run hb");
    let run: Value = serde_json::from_slice(&out.stdout).expect("checks run --json");
    let results = run["results"].as_array().unwrap();
    let seen: Vec<(&str, &str)> = results
        .iter()
        .map(|r| (r["name"].as_str().unwrap(), r["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        seen,
        [
            ("orchestrators", "ok"),
            ("circuit-breakers", "ok"),
            ("rate-limiters", "ok")
        ],
        "{run:#}"
    );
    assert_eq!(results[0]["message"], "all 9 orchestrators ok");
    // orch-3 goes away: one check, one message naming it.
    std::fs::remove_file(dir.join("orchestrators/orch-3.json")).unwrap();
    let out = demo_cmd(&hb)
        .env("APP_STATUS_URL", base)
        .args([
            "--config",
            &config,
            "checks",
            "run",
            "orchestrators",
            "--json",
        ])
        .output()
        .expect("run hb");
    let run: Value = serde_json::from_slice(&out.stdout).expect("checks run --json");
    let message = run["results"][0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("1 of 9 orchestrators failing: orch-3 (orch-3: HTTP 404"),
        "{message}"
    );

    demo_cmd(&hb)
        .args(["--config", &config, "cycle"])
        .assert()
        .success();
    let app = Connection::open(dir.join("app.db")).unwrap();
    let rows: i64 = app
        .query_row("SELECT count(*) FROM agent_runs WHERE agent_id = 'clawkeeper' AND status = 'completed'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 1);
}
