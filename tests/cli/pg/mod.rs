//! The protocol on PostgreSQL, against a real server (`server`): sql checks and their
//! conditions, the read-only transaction and the timeout, logins that fail, TLS by
//! sslmode, `rls`, and the runlog's `agent_runs` rows.

pub mod server;

use std::time::{Duration, Instant};

use serde_json::Value;

use self::server::{server, Server, READER, READER_PASSWORD};
use crate::Hb;

/// The variable the checks' `password_env` names in these tests.
const PASSWORD_ENV: &str = "APP_DB_PASSWORD";

/// A sandbox with its own database on the run's server (named after the test).
struct Pg {
    hb: Hb,
    server: &'static Server,
    db: String,
}

impl Pg {
    fn new(name: &str) -> Option<Pg> {
        let server = server()?;
        let db = server.database(name);
        Some(Pg {
            hb: Hb::new(),
            server,
            db,
        })
    }

    /// `postgres://hb_reader@127.0.0.1:PORT/DB`.
    fn reader_url(&self) -> String {
        self.server.url(READER, &self.db)
    }

    fn superuser(&self) -> postgres::Client {
        self.server.superuser(&self.db)
    }

    /// Write the config: `checks` after the sql checks' common database keys.
    fn config(&self, text: &str) {
        self.hb.write("heartbeat.toml", text);
    }

    /// `hb ARGS --json` with the reader's password in the environment: (code, document).
    fn run(&self, args: &[&str]) -> (i32, Value) {
        self.run_with(args, &[(PASSWORD_ENV, READER_PASSWORD)])
    }

    fn run_with(&self, args: &[&str], env: &[(&str, &str)]) -> (i32, Value) {
        let mut cmd = self.hb.cmd();
        cmd.args(["--config", "heartbeat.toml"])
            .args(args)
            .arg("--json");
        for (key, value) in env {
            cmd.env(key, value);
        }
        let out = cmd.output().expect("run hb");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let doc = serde_json::from_str(&stdout).unwrap_or_else(|e| {
            panic!(
                "hb {args:?} --json is not JSON ({e}): {stdout}\nstderr: {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        (out.status.code().unwrap_or(-1), doc)
    }

    /// `hb checks run --all --json`: the results by name.
    fn run_all(&self) -> Vec<Value> {
        let (_, doc) = self.run(&["checks", "run", "--all"]);
        doc["results"].as_array().cloned().unwrap_or_default()
    }

    fn count(&self, sql: &str) -> i64 {
        self.superuser()
            .query_one(sql, &[])
            .expect("count")
            .get::<_, i64>(0)
    }
}

fn by_name<'a>(results: &'a [Value], name: &str) -> &'a Value {
    results
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no result {name}: {results:#?}"))
}

fn status_message(results: &[Value], name: &str) -> (String, String) {
    let r = by_name(results, name);
    (
        r["status"].as_str().unwrap_or_default().to_string(),
        r["message"].as_str().unwrap_or_default().to_string(),
    )
}

/// A sql check on the reader's connection.
fn sql_check(pg: &Pg, name: &str, query: &str, condition: &str) -> String {
    format!(
        "[[check]]\nname = \"{name}\"\ngroup = \"queue\"\ntype = \"sql\"\n\
         database = \"{}\"\npassword_env = \"{PASSWORD_ENV}\"\nquery = \"\"\"{query}\"\"\"\n{condition}\n\n",
        pg.reader_url()
    )
}

#[test]
fn sql_conditions_on_postgres_judge_as_on_sqlite() {
    let Some(pg) = Pg::new("conditions") else {
        return;
    };
    let mut text = String::new();
    text += &sql_check(
        &pg,
        "queue-depth",
        "SELECT count(*) FROM tasks WHERE status = 'queued'",
        "warn_above = 2\ncrit_above = 10",
    );
    text += &sql_check(
        &pg,
        "queue-ok",
        "SELECT count(*) FROM tasks WHERE status = 'queued'",
        "warn_above = 5",
    );
    text += &sql_check(
        &pg,
        "queue-critical",
        "SELECT count(*) FROM tasks",
        "crit_above = 3",
    );
    // NUMERIC arithmetic: the ledger balances to 0.00.
    text += &sql_check(
        &pg,
        "ledger-balanced",
        "SELECT sum(CASE account_type WHEN 'asset' THEN amount ELSE -amount END) FROM ledger_entries",
        "expect = 0",
    );
    text += &sql_check(
        &pg,
        "tenant-name",
        "SELECT name FROM tenants WHERE id = 'acme'",
        "expect = \"Acme\"",
    );
    text += &sql_check(
        &pg,
        "tenant-name-wrong",
        "SELECT name FROM tenants WHERE id = 'acme'",
        "expect = \"Globex\"",
    );
    // $1 is hb's clock: a task running for more than an hour is stuck.
    text += &sql_check(
        &pg,
        "stuck-tasks",
        "SELECT count(*) FROM tasks WHERE status = 'running' AND started_at < $1 - 3600",
        "expect = 0",
    );
    text += &sql_check(
        &pg,
        "clock-as-timestamp",
        "SELECT extract(epoch FROM $1::timestamptz)",
        "expect = 1795608000",
    );
    text += &sql_check(
        &pg,
        "cost-per-tenant",
        "SELECT tenant_id, sum(cost_usd) FROM tasks GROUP BY tenant_id ORDER BY 1",
        "metrics = true\nunit = \"USD\"\nlabel = \"cost\"\nwarn_above = 50",
    );
    pg.config(&text);
    let results = pg.run_all();
    let s = |name| status_message(&results, name);
    assert_eq!(
        s("queue-depth"),
        ("warning".into(), "queue depth 3 (warn above 2)".into())
    );
    assert_eq!(
        s("queue-ok"),
        ("ok".into(), "queue ok 3 (warn above 5)".into())
    );
    assert_eq!(
        s("queue-critical"),
        (
            "critical".into(),
            "queue critical 4 (critical above 3)".into()
        )
    );
    assert_eq!(
        s("ledger-balanced"),
        ("ok".into(), "ledger balanced 0 (expected 0)".into())
    );
    assert_eq!(
        s("tenant-name"),
        (
            "ok".into(),
            "tenant name \"Acme\" (expected \"Acme\")".into()
        )
    );
    assert_eq!(s("tenant-name-wrong").0, "critical");
    // The running task started at 1795600000, long before the clock minus an hour.
    assert_eq!(
        s("stuck-tasks"),
        ("critical".into(), "stuck tasks 1 (expected 0)".into())
    );
    assert_eq!(
        s("clock-as-timestamp").0,
        "ok",
        "{:?}",
        s("clock-as-timestamp")
    );
    let cost = by_name(&results, "cost-per-tenant");
    assert_eq!(cost["status"], "warning", "{cost}");
    assert_eq!(
        cost["message"],
        "cost: 2 series, total 64.625 USD; globex 60.875 USD (warn above 50 USD)"
    );
    let metrics: Vec<(String, f64)> = cost["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["label"].as_str().unwrap().to_string(),
                m["value"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        metrics,
        vec![("acme".into(), 3.75), ("globex".into(), 60.875)]
    );
}

#[test]
fn the_checks_of_a_run_share_one_connection_per_database() {
    let Some(pg) = Pg::new("one_connection") else {
        return;
    };
    let mut text = String::new();
    for i in 0..5 {
        text += &sql_check(&pg, &format!("backend-{i}"), "SELECT pg_backend_pid()", "");
    }
    pg.config(&text);
    let pids = |results: Vec<Value>| -> Vec<i64> {
        results
            .iter()
            .map(|r| r["value"].as_f64().unwrap() as i64)
            .collect()
    };
    let first = pids(pg.run_all());
    assert_eq!(first.len(), 5);
    assert!(first.iter().all(|pid| *pid == first[0]), "{first:?}");
    // The next run opens its own.
    let second = pids(pg.run_all());
    assert!(second.iter().all(|pid| *pid == second[0]), "{second:?}");
    assert_ne!(first[0], second[0]);
}

#[test]
fn a_writing_query_is_refused_and_the_data_is_unchanged() {
    let Some(pg) = Pg::new("read_only") else {
        return;
    };
    // As the superuser, who could write anything: the read-only transaction refuses.
    let superuser = format!("postgres://postgres@127.0.0.1:{}/{}", pg.server.port, pg.db);
    let writes = [
        "DELETE FROM ledger_entries RETURNING 1",
        "UPDATE tasks SET status = 'done' RETURNING 1",
        "INSERT INTO countries VALUES ('FR') RETURNING 1",
        "CREATE TABLE scratch (x int)",
        "SELECT nextval('ledger_entries_id_seq')",
        "SELECT set_config('transaction_read_only', 'off', true)",
    ];
    let mut text = String::new();
    for (i, query) in writes.iter().enumerate() {
        text += &format!(
            "[[check]]\nname = \"write-{i}\"\ngroup = \"integrity\"\ntype = \"sql\"\n\
             database = \"{superuser}\"\npassword_env = \"PG_SUPER\"\nquery = \"{query}\"\n\n"
        );
    }
    pg.config(&text);
    let (_, doc) = pg.run_with(
        &["checks", "run", "--all"],
        &[("PG_SUPER", server::SUPERUSER_PASSWORD)],
    );
    let results = doc["results"].as_array().cloned().unwrap_or_default();
    assert_eq!(results.len(), writes.len());
    for r in &results {
        assert_eq!(r["status"], "unknown", "{r}");
        let message = r["message"].as_str().unwrap();
        assert!(
            message.contains("read-only transaction") || message.contains("read-write mode"),
            "{}: {message}",
            r["name"]
        );
    }
    assert!(by_name(&results, "write-0")["message"]
        .as_str()
        .unwrap()
        .starts_with("query refused: cannot execute DELETE in a read-only transaction"));
    assert_eq!(pg.count("SELECT count(*) FROM ledger_entries"), 3);
    assert_eq!(
        pg.count("SELECT count(*) FROM tasks WHERE status = 'done'"),
        0
    );
    assert_eq!(pg.count("SELECT count(*) FROM countries"), 2);
    assert_eq!(
        pg.count("SELECT count(*) FROM pg_tables WHERE tablename = 'scratch'"),
        0
    );
    assert_eq!(pg.count("SELECT last_value FROM ledger_entries_id_seq"), 3);
}

#[test]
fn a_slow_query_is_cut_by_the_timeout_and_the_connection_serves_on() {
    let Some(pg) = Pg::new("timeout") else {
        return;
    };
    let mut text = sql_check(&pg, "sleepy", "SELECT pg_sleep(10)", "timeout = \"1s\"");
    text += &sql_check(&pg, "after", "SELECT count(*) FROM tenants", "expect = 2");
    pg.config(&text);
    let started = Instant::now();
    let results = pg.run_all();
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "{:?}",
        started.elapsed()
    );
    let (status, message) = status_message(&results, "sleepy");
    assert_eq!(status, "critical");
    assert!(message.starts_with("query timed out after 1s"), "{message}");
    assert_eq!(status_message(&results, "after").0, "ok");
}

#[test]
fn a_wrong_password_or_a_down_server_is_unknown_and_remediates_nothing() {
    let Some(pg) = Pg::new("logins") else {
        return;
    };
    let closed = crate::support::ReservedPort::new();
    let down_port = closed.port();
    let marker = pg.hb.path("remediated");
    let remedy = format!("on_failure = [[\"touch\", \"{}\"]]", marker.display());
    let mut text = sql_check(
        &pg,
        "database",
        "SELECT 1",
        &format!("expect = 1\n{remedy}"),
    );
    text += &format!(
        "[[check]]\nname = \"down\"\ngroup = \"system\"\ntype = \"sql\"\n\
         database = \"postgres://{READER}@127.0.0.1:{down_port}/app\"\n\
         password_env = \"{PASSWORD_ENV}\"\nquery = \"SELECT 1\"\ntimeout = \"2s\"\n\n"
    );
    pg.config(&text);
    // First a good login: the check has passed here, so only unknown holds remediation.
    let (code, _) = pg.run(&["cycle", "--all"]);
    assert_eq!(code, 0);
    let later = ["--now", "2026-11-25T16:00:00Z", "cycle", "--all"];
    let (_, doc) = pg.run_with(&later, &[(PASSWORD_ENV, "not-the-password")]);
    assert_eq!(doc["status"], "ok", "{doc:#}");
    let (_, doc) = pg.run_with(
        &["checks", "run", "--all"],
        &[(PASSWORD_ENV, "not-the-password")],
    );
    let results = doc["results"].as_array().cloned().unwrap();
    let (status, message) = status_message(&results, "database");
    assert_eq!(status, "unknown");
    assert_eq!(
        message,
        format!(
            "PostgreSQL {READER}@127.0.0.1:{}/{} refused the login of {READER}: password \
             authentication failed for user \"{READER}\"",
            pg.server.port, pg.db
        )
    );
    let (status, message) = status_message(&results, "down");
    assert_eq!(status, "unknown");
    assert!(
        message.starts_with(&format!(
            "cannot connect to PostgreSQL {READER}@127.0.0.1:{down_port}/app: error connecting to server"
        )),
        "{message}"
    );
    assert!(message.contains("refused"), "{message}");
    assert!(!message.contains("not-the-password"));
    // The cycle with the wrong password recorded the unknown and held the remediation.
    let store = rusqlite::Connection::open(pg.hb.db()).unwrap();
    let (status, message, remediation): (String, String, String) = store
        .query_row(
            "SELECT c.status, c.message, c.remediation FROM check_results c
             JOIN runs r ON r.id = c.run_id
             WHERE c.check_name = 'database' AND r.trigger <> 'checks' ORDER BY c.id DESC LIMIT 1",
            [],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .unwrap();
    assert_eq!(status, "unknown");
    assert!(message.contains("refused the login"), "{message}");
    assert!(
        remediation.contains("remediation runs only on a judged failure"),
        "{remediation}"
    );
    assert!(!marker.exists(), "remediation ran on an unknown result");
    // No password variable at all: unknown, and it says which variable.
    let (_, doc) = pg.run_with(&["checks", "run", "database"], &[]);
    let message = doc["results"][0]["message"].as_str().unwrap().to_string();
    assert_eq!(doc["results"][0]["status"], "unknown");
    assert!(
        message.starts_with(&format!(
            "${PASSWORD_ENV} is not set: it holds the password of"
        )),
        "{message}"
    );
}

#[test]
fn tls_follows_sslmode() {
    let Some(pg) = Pg::new("tls") else {
        return;
    };
    let ssl = "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()";
    let ca = pg.server.ca_file.display().to_string();
    let other = pg.server.other_ca_file.display().to_string();
    let mut text = sql_check(&pg, "plain", ssl, "expect = false");
    text += &sql_check(&pg, "require", ssl, "expect = true\nsslmode = \"require\"");
    text += &sql_check(
        &pg,
        "verified",
        ssl,
        &format!("expect = true\nsslmode = \"verify-full\"\nca_file = \"{ca}\""),
    );
    text += &sql_check(
        &pg,
        "wrong-ca",
        ssl,
        &format!("sslmode = \"verify-full\"\nca_file = \"{other}\""),
    );
    pg.config(&text);
    let results = pg.run_all();
    for name in ["plain", "require", "verified"] {
        assert_eq!(
            status_message(&results, name).0,
            "ok",
            "{name}: {results:#?}"
        );
    }
    let (status, message) = status_message(&results, "wrong-ca");
    assert_eq!(status, "unknown");
    assert!(
        message.starts_with("cannot connect to PostgreSQL"),
        "{message}"
    );
    assert!(message.contains("certificate"), "{message}");
}

#[test]
fn rls_names_exactly_the_tables_that_fail_and_the_roles_that_bypass() {
    let Some(pg) = Pg::new("rls") else {
        return;
    };
    let rls = |extra: &str| {
        format!(
            "[[check]]\nname = \"rls\"\ngroup = \"security\"\ntype = \"rls\"\n\
             database = \"{}\"\npassword_env = \"{PASSWORD_ENV}\"\n{extra}\n",
            pg.reader_url()
        )
    };
    pg.config(&rls(
        "exclude = [\"countries\"]\nallow_bypass = [\"postgres\"]",
    ));
    let results = pg.run_all();
    let (status, message) = status_message(&results, "rls");
    assert_eq!(status, "critical");
    assert_eq!(
        message,
        "2 of 5 tables in public without row-level security: invoices: enabled but no policy \
         (denies all); ledger_entries: RLS disabled; 1 role bypassing it: etl (BYPASSRLS)"
    );
    assert_eq!(by_name(&results, "rls")["value"], 3.0);
    // Without the exclusion the shared table fails too; without leave the superuser too.
    pg.config(&rls(""));
    let (_, message) = status_message(&pg.run_all(), "rls");
    assert!(message.contains("countries: RLS disabled"), "{message}");
    assert!(message.contains("postgres (superuser)"), "{message}");
    // Fixed: every table under RLS, the bypass allowed.
    pg.superuser()
        .batch_execute(
            "ALTER TABLE ledger_entries ENABLE ROW LEVEL SECURITY;
             ALTER TABLE ledger_entries FORCE ROW LEVEL SECURITY;
             CREATE POLICY tenant_isolation ON ledger_entries USING (true);
             CREATE POLICY tenant_isolation ON invoices USING (true);",
        )
        .unwrap();
    pg.config(&rls(
        "exclude = [\"public.countries\"]\nallow_bypass = [\"postgres\", \"etl\"]",
    ));
    let (status, message) = status_message(&pg.run_all(), "rls");
    assert_eq!(
        (status.as_str(), message.as_str()),
        (
            "ok",
            "5 tables in public under row-level security (enabled, forced, with policies) (1 \
             excluded as shared); no role bypasses it but postgres, etl"
        )
    );
    // A schema that is not there is not a pass.
    pg.config(&rls(
        "schemas = [\"public\", \"billing\"]\nallow_bypass = [\"postgres\", \"etl\"]",
    ));
    let (status, message) = status_message(&pg.run_all(), "rls");
    assert_eq!(status, "unknown");
    assert!(message.starts_with("no schema billing in"), "{message}");
}

#[test]
fn targets_fan_out_over_databases() {
    let Some(pg) = Pg::new("fan_out") else {
        return;
    };
    let other = pg.server.database("fan_out_b");
    pg.superuser().batch_execute("SELECT 1").unwrap();
    pg.server
        .superuser(&other)
        .batch_execute("INSERT INTO tasks (tenant_id, status) SELECT 'acme', 'queued' FROM generate_series(1, 20)")
        .unwrap();
    pg.config(&format!(
        "[[check]]\nname = \"regions\"\ngroup = \"queue\"\ntype = \"sql\"\n\
         targets = [{{ name = \"eu\", database = \"{}\" }}, {{ name = \"us\", database = \"{}\" }}]\n\
         password_env = \"{PASSWORD_ENV}\"\nquery = \"SELECT count(*) FROM tasks WHERE status = 'queued'\"\n\
         label = \"regions\"\nwarn_above = 10\n",
        pg.reader_url(),
        pg.server.url(READER, &other)
    ));
    let results = pg.run_all();
    let (status, message) = status_message(&results, "regions");
    assert_eq!(status, "warning");
    assert_eq!(
        message,
        "1 of 2 regions failing: us (us: regions 23 (warn above 10))"
    );
}
