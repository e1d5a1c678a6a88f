//! The sample application `hb demo` watches: a small SQLite database of the platform's
//! back office (tenants, tasks, audit log, ledger, API keys, deals and documents, access
//! log, accounting syncs) and its worker's heartbeat file.
//!
//! This is NOT hb's store. It stands in for the application's own database, which the
//! demo's `sql` checks read the way the shipped protocol reads /var/lib/app/app.db, so
//! its schema and SQL live here and not in `src/store/` (hb's own tables only).
//!
//! Fixed size (about 3,500 rows, whatever `--properties` says) and deterministic: the
//! same `now` gives the same rows. Every time is relative to `now`, and the numbers are
//! chosen so that each demo check passes except the two that fail on purpose: one API
//! key expires in 3 days (a warning), and nothing listens where the payments check
//! looks (critical; see the demo's heartbeat.toml).

use std::path::Path;
use std::time::{Duration, UNIX_EPOCH};

use anyhow::{Context, Result};
use rusqlite::{params, Connection, Transaction};

use super::{Rng, STREETS, SUFFIXES};

/// The database's file name, next to the demo's heartbeat.toml.
pub const DB_FILE: &str = "app.db";
/// The worker's heartbeat file, next to it.
pub const HEARTBEAT_FILE: &str = "worker.heartbeat";

const SEED: u64 = 0x4842_4150_5044_4201; // "HBAPPDB", 1
const MINUTE: i64 = 60;
const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

const SCHEMA: &str = "
CREATE TABLE tenants (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    plan TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
-- The work queue: queued -> running -> done | failed.
CREATE TABLE tasks (
    id INTEGER PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    kind TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    created_at INTEGER NOT NULL,
    started_at INTEGER,
    finished_at INTEGER,
    error TEXT,
    tokens INTEGER NOT NULL DEFAULT 0,
    cost_usd REAL NOT NULL DEFAULT 0
);
CREATE INDEX tasks_status ON tasks (status);
CREATE INDEX tasks_finished_at ON tasks (finished_at);
-- Append-only; `id` is the sequence number, so a missing id is a deleted entry.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    tenant_id TEXT REFERENCES tenants (id),
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT
);
-- Double-entry ledger. Amounts are cents, signed in the account's normal direction
-- (+ grows an asset, a liability or equity), so every transaction's asset lines sum
-- to its liability and equity lines.
CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    account_type TEXT NOT NULL CHECK (account_type IN ('asset', 'liability', 'equity'))
);
CREATE TABLE ledger_transactions (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    memo TEXT NOT NULL
);
CREATE TABLE ledger_entries (
    id INTEGER PRIMARY KEY,
    transaction_id INTEGER NOT NULL REFERENCES ledger_transactions (id),
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    amount_cents INTEGER NOT NULL
);
CREATE VIEW account_balances AS
    SELECT a.code, a.name, a.account_type, coalesce(sum(e.amount_cents), 0) / 100.0 AS balance
    FROM accounts a LEFT JOIN ledger_entries e ON e.account_id = a.id
    GROUP BY a.id ORDER BY a.code;
CREATE TABLE api_keys (
    id INTEGER PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    name TEXT NOT NULL,
    prefix TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at INTEGER
);
-- Tenant-owned rows: a document must belong to a deal of its own tenant.
CREATE TABLE deals (
    id INTEGER PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    address TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    deal_id INTEGER NOT NULL REFERENCES deals (id),
    name TEXT NOT NULL,
    uploaded_at INTEGER NOT NULL
);
CREATE TABLE auth_events (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    tenant_id TEXT REFERENCES tenants (id),
    api_key_id INTEGER REFERENCES api_keys (id),
    ip TEXT NOT NULL,
    path TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('allowed', 'denied')),
    reason TEXT
);
-- The heartbeat log: one row per hb cycle, written by hb's [runlog].
CREATE TABLE agent_runs (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    task_id TEXT NOT NULL,
    status TEXT NOT NULL,
    started_at INTEGER,
    finished_at INTEGER
);
CREATE TABLE accounting_syncs (
    id INTEGER PRIMARY KEY,
    provider TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
    started_at INTEGER NOT NULL,
    finished_at INTEGER NOT NULL,
    records INTEGER NOT NULL
);
";

/// (id, name, plan, share of the work in %).
const TENANTS: [(&str, &str, &str, u32); 4] = [
    ("acme", "Acme Realty", "pro", 40),
    ("bayside", "Bayside Homes", "team", 25),
    ("cedar", "Cedar Capital", "pro", 20),
    ("dunmore", "Dunmore Property Group", "starter", 15),
];

/// (kind, fewest tokens, most tokens).
const TASK_KINDS: [(&str, i64, i64); 5] = [
    ("enrich_listing", 800, 2_500),
    ("skip_trace_summary", 400, 1_200),
    ("draft_contract", 3_000, 9_000),
    ("score_deal", 600, 1_500),
    ("email_digest", 1_500, 4_000),
];

/// Model price per token, in dollars.
const USD_PER_TOKEN: f64 = 0.000_01;

/// Create the database at `path`, which must not exist yet.
pub fn create(path: &Path, now: i64) -> Result<()> {
    let mut conn = Connection::open(path)
        .with_context(|| format!("could not create demo app database {}", path.display()))?;
    // Foreign keys on while writing: a generator mistake fails here, not in a check.
    conn.execute_batch("PRAGMA foreign_keys = ON;")?;
    conn.execute_batch(SCHEMA)
        .context("could not create the demo app's tables")?;
    let tx = conn.transaction()?;
    let mut rng = Rng::new(SEED);
    tenants(&tx, now)?;
    tasks(&tx, &mut rng, now)?;
    audit_log(&tx, &mut rng, now)?;
    ledger(&tx, &mut rng, now)?;
    api_keys(&tx, &mut rng, now)?;
    deals_and_documents(&tx, &mut rng, now)?;
    auth_events(&tx, &mut rng, now)?;
    accounting_syncs(&tx, &mut rng, now)?;
    tx.commit()
        .with_context(|| format!("could not write demo app database {}", path.display()))
}

/// The app's status documents, next to the database, for an HTTP server to serve (the
/// demo's breakers, rate limiters and orchestrators checks read them from
/// `$APP_STATUS_URL`): `status.json`, and `orchestrators/orch-N.json` for the nine.
pub const STATUS_FILE: &str = "status.json";
pub const ORCHESTRATORS_DIR: &str = "orchestrators";

pub fn write_status(dir: &Path) -> Result<()> {
    let status = serde_json::json!({
        "breakers": [
            {"name": "stripe", "state": "closed", "failures": 0},
            {"name": "bank-data", "state": "closed", "failures": 1},
            {"name": "quickbooks", "state": "closed", "failures": 0},
            {"name": "zillow", "state": "closed", "failures": 2},
        ],
        "rate_limiters": [
            {"name": "public-api", "enabled": true, "remaining": 840},
            {"name": "skip-trace", "enabled": true, "remaining": 95},
            {"name": "llm", "enabled": true, "remaining": 31},
        ],
    });
    let write = |path: &Path, text: String| {
        std::fs::write(path, text).with_context(|| format!("could not write {}", path.display()))
    };
    write(&dir.join(STATUS_FILE), format!("{status:#}\n"))?;
    let orchestrators = dir.join(ORCHESTRATORS_DIR);
    std::fs::create_dir_all(&orchestrators)
        .with_context(|| format!("could not create {}", orchestrators.display()))?;
    for i in 1..=9 {
        let health = serde_json::json!({"name": format!("orch-{i}"), "status": "ok"});
        write(
            &orchestrators.join(format!("orch-{i}.json")),
            format!("{health}\n"),
        )?;
    }
    Ok(())
}

/// Write the worker's heartbeat file as if the worker touched it 20 seconds before
/// `now` (hb's clock, which `file_age` compares with, not the wall clock).
pub fn touch_heartbeat(path: &Path, now: i64) -> Result<()> {
    let write = || -> std::io::Result<()> {
        let file = std::fs::File::create(path)?;
        std::io::Write::write_all(&mut &file, b"demo worker alive\n")?;
        let touched = UNIX_EPOCH + Duration::from_secs((now - 20).max(0) as u64);
        file.set_modified(touched)
    };
    write().with_context(|| format!("could not write heartbeat file {}", path.display()))
}

fn tenants(tx: &Transaction, now: i64) -> Result<()> {
    let mut stmt =
        tx.prepare("INSERT INTO tenants (id, name, plan, created_at) VALUES (?1, ?2, ?3, ?4)")?;
    for (i, (id, name, plan, _)) in TENANTS.iter().enumerate() {
        stmt.execute(params![id, name, plan, now - (400 - 60 * i as i64) * DAY])?;
    }
    Ok(())
}

fn tenant(rng: &mut Rng) -> &'static str {
    let weights: Vec<(&str, u32)> = TENANTS.iter().map(|t| (t.0, t.3)).collect();
    rng.weighted(&weights)
}

/// A day of finished work (one task every 30 s, about 1 % failed, none of it slow),
/// three tasks running for a minute or two, and four just queued.
fn tasks(tx: &Transaction, rng: &mut Rng, now: i64) -> Result<()> {
    let mut stmt = tx.prepare(
        "INSERT INTO tasks (tenant_id, kind, status, created_at, started_at, finished_at,
             error, tokens, cost_usd)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    let work = |rng: &mut Rng| {
        let (kind, lo, hi) = *rng.pick(&TASK_KINDS);
        let tokens = rng.int(lo, hi);
        let cost = (tokens as f64 * USD_PER_TOKEN * 10_000.0).round() / 10_000.0;
        (tenant(rng), kind, tokens, cost)
    };
    const FINISHED: i64 = 2_880;
    const ERRORS: [&str; 3] = [
        "Zillow API timed out after 30s",
        "skip-trace provider returned 502",
        "contract template missing a required field",
    ];
    for k in 0..FINISHED {
        let (tenant, kind, tokens, cost) = work(rng);
        let finished = now - DAY + 30 * k + rng.int(0, 25);
        let started = finished - rng.int(4, 45);
        let created = started - rng.int(1, 30);
        // Deterministic failures, about 1 in 100: the error rate stays under 2 %.
        let failed = k % 97 == 41;
        let (status, error) = if failed {
            ("failed", Some(*rng.pick(&ERRORS)))
        } else {
            ("done", None)
        };
        stmt.execute(params![
            tenant, kind, status, created, started, finished, error, tokens, cost
        ])?;
    }
    for started_ago in [35, 80, 140] {
        let (tenant, kind, _, _) = work(rng);
        let started = now - started_ago;
        stmt.execute(params![
            tenant,
            kind,
            "running",
            started - rng.int(1, 20),
            started,
            None::<i64>,
            None::<&str>,
            0,
            0.0
        ])?;
    }
    for created_ago in [3, 9, 14, 22] {
        let (tenant, kind, _, _) = work(rng);
        stmt.execute(params![
            tenant,
            kind,
            "queued",
            now - created_ago,
            None::<i64>,
            None::<i64>,
            None::<&str>,
            0,
            0.0
        ])?;
    }
    Ok(())
}

/// 240 entries over the last day, numbered without a gap, in time order.
fn audit_log(tx: &Transaction, rng: &mut Rng, now: i64) -> Result<()> {
    const ACTIONS: [(&str, &str, u32); 8] = [
        ("user.login", "session", 30),
        ("deal.update", "deal", 25),
        ("document.upload", "document", 15),
        ("contract.send", "contract", 10),
        ("ledger.post", "ledger_transaction", 8),
        ("user.invite", "user", 5),
        ("api_key.create", "api_key", 4),
        ("settings.change", "settings", 3),
    ];
    const PEOPLE: [&str; 4] = ["maria", "james", "priya", "tom"];
    let mut stmt = tx.prepare(
        "INSERT INTO audit_log (id, at, tenant_id, actor, action, target)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let weights: Vec<(usize, u32)> = ACTIONS.iter().enumerate().map(|(i, a)| (i, a.2)).collect();
    for id in 1..=240i64 {
        let at = now - DAY + 6 * MINUTE * (id - 1) + rng.int(0, 5 * MINUTE);
        let tenant = tenant(rng);
        let (action, object, _) = ACTIONS[rng.weighted(&weights)];
        let actor = format!("{}@{tenant}.example", rng.pick(&PEOPLE));
        let target = format!("{object}:{}", rng.int(1, 500));
        stmt.execute(params![id, at, tenant, actor, action, target])?;
    }
    Ok(())
}

/// Two months of a property investor's books: capital, a mortgage, two purchases, a
/// rehab, a sale at a profit, escrow, subscriptions and expenses. Each transaction is
/// balanced by construction.
fn ledger(tx: &Transaction, rng: &mut Rng, now: i64) -> Result<()> {
    const ACCOUNTS: [(&str, &str, &str); 9] = [
        ("1000", "Cash", "asset"),
        ("1100", "Escrow deposits held", "asset"),
        ("1200", "Accounts receivable", "asset"),
        ("1500", "Properties held for resale", "asset"),
        ("2000", "Accounts payable", "liability"),
        ("2100", "Escrow owed to buyers", "liability"),
        ("2500", "Mortgage notes payable", "liability"),
        ("3000", "Owner capital", "equity"),
        ("3100", "Retained earnings", "equity"),
    ];
    let mut account =
        tx.prepare("INSERT INTO accounts (id, code, name, account_type) VALUES (?1, ?2, ?3, ?4)")?;
    for (i, (code, name, kind)) in ACCOUNTS.iter().enumerate() {
        account.execute(params![i as i64 + 1, code, name, kind])?;
    }
    let id = |code: &str| -> i64 {
        ACCOUNTS
            .iter()
            .position(|a| a.0 == code)
            .map_or(0, |i| i as i64 + 1)
    };
    let mut dollars = |lo: i64, hi: i64| rng.int(lo, hi) * 100;
    let capital = dollars(600_000, 900_000);
    let loan = dollars(300_000, 450_000);
    let buy_a = dollars(280_000, 360_000);
    let buy_b = dollars(180_000, 240_000);
    let rehab = dollars(15_000, 40_000);
    let paid = rehab * 3 / 5;
    let earnest = dollars(5_000, 20_000);
    let basis = buy_a + rehab;
    let sale = basis + dollars(30_000, 70_000);
    let principal = dollars(1_500, 3_000);
    let invoiced = dollars(2_000, 6_000);
    let collected = invoiced * 2 / 3;
    let expenses = dollars(800, 2_500);
    let transactions = [
        (
            58,
            "Owner capital contribution",
            vec![("1000", capital), ("3000", capital)],
        ),
        (
            55,
            "Mortgage loan funded",
            vec![("1000", loan), ("2500", loan)],
        ),
        (
            50,
            "Purchase of 1208 Oak Ave",
            vec![("1500", buy_a), ("1000", -buy_a)],
        ),
        (
            41,
            "Purchase of 77 Cedar Ln",
            vec![("1500", buy_b), ("1000", -buy_b)],
        ),
        (
            35,
            "Rehab invoice for 1208 Oak Ave, on account",
            vec![("1500", rehab), ("2000", rehab)],
        ),
        (
            28,
            "Contractor paid in part",
            vec![("2000", -paid), ("1000", -paid)],
        ),
        (
            20,
            "Earnest money received for 77 Cedar Ln",
            vec![("1100", earnest), ("2100", earnest)],
        ),
        (
            14,
            "Sale of 1208 Oak Ave closed",
            vec![("1000", sale), ("1500", -basis), ("3100", sale - basis)],
        ),
        (
            13,
            "Mortgage principal payment",
            vec![("2500", -principal), ("1000", -principal)],
        ),
        (
            9,
            "Platform subscriptions invoiced",
            vec![("1200", invoiced), ("3100", invoiced)],
        ),
        (
            5,
            "Subscriptions collected",
            vec![("1000", collected), ("1200", -collected)],
        ),
        (
            2,
            "Office and software expenses",
            vec![("1000", -expenses), ("3100", -expenses)],
        ),
    ];
    let mut header =
        tx.prepare("INSERT INTO ledger_transactions (id, at, memo) VALUES (?1, ?2, ?3)")?;
    let mut line = tx.prepare(
        "INSERT INTO ledger_entries (transaction_id, account_id, amount_cents) VALUES (?1, ?2, ?3)",
    )?;
    for (n, (days_ago, memo, lines)) in transactions.iter().enumerate() {
        let txn = n as i64 + 1;
        let at = now - days_ago * DAY + rng.int(9 * HOUR, 17 * HOUR) - DAY / 2;
        header.execute(params![txn, at, memo])?;
        for (code, cents) in lines {
            line.execute(params![txn, id(code), cents])?;
        }
    }
    Ok(())
}

/// Each tenant's production key, a few more, one revoked; and bayside's Zapier key,
/// which expires in 3 days: the demo's purposely failing `api-keys-expiring`.
fn api_keys(tx: &Transaction, rng: &mut Rng, now: i64) -> Result<()> {
    // (tenant, name, expires in days, revoked days ago)
    const KEYS: [(&str, &str, i64, Option<i64>); 8] = [
        ("acme", "production", 212, None),
        ("acme", "ci", 95, None),
        ("bayside", "production", 160, None),
        ("bayside", "zapier", 3, None),
        ("cedar", "production", 301, None),
        ("cedar", "old-import", 6, Some(10)),
        ("dunmore", "production", 128, None),
        ("dunmore", "reporting", 47, None),
    ];
    let mut stmt = tx.prepare(
        "INSERT INTO api_keys (tenant_id, name, prefix, created_at, expires_at, last_used_at,
             revoked_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for (tenant, name, expires_in, revoked_ago) in KEYS {
        let prefix = format!("ak_live_{:06x}", rng.next_u64() & 0xff_ffff);
        // A few hours past the day, so "in 3 days" reads right at any hour.
        let expires = now + expires_in * DAY + 5 * HOUR;
        let created = expires - 365 * DAY;
        let revoked = revoked_ago.map(|d| now - d * DAY);
        let last_used = revoked.unwrap_or(now - rng.int(MINUTE, 6 * HOUR));
        stmt.execute(params![
            tenant, name, prefix, created, expires, last_used, revoked
        ])?;
    }
    Ok(())
}

/// 24 deals and 60 documents, each document filed under a deal of its own tenant.
fn deals_and_documents(tx: &Transaction, rng: &mut Rng, now: i64) -> Result<()> {
    const DOCUMENTS: [&str; 6] = [
        "Purchase agreement.pdf",
        "Inspection report.pdf",
        "Title commitment.pdf",
        "Seller disclosure.pdf",
        "Appraisal.pdf",
        "Closing statement.pdf",
    ];
    let mut deal = tx.prepare(
        "INSERT INTO deals (id, tenant_id, address, created_at) VALUES (?1, ?2, ?3, ?4)",
    )?;
    let mut owners = Vec::new();
    for id in 1..=24i64 {
        let tenant = tenant(rng);
        let address = format!(
            "{} {} {}",
            rng.int(100, 9999),
            rng.pick(STREETS),
            rng.pick(SUFFIXES)
        );
        let created = now - rng.int(2 * DAY, 90 * DAY);
        deal.execute(params![id, tenant, address, created])?;
        owners.push((id, tenant, created));
    }
    let mut document = tx.prepare(
        "INSERT INTO documents (tenant_id, deal_id, name, uploaded_at) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for _ in 0..60 {
        let (deal_id, tenant, created) = *rng.pick(&owners);
        let uploaded = created + rng.int(HOUR, (now - created).max(HOUR + 1));
        document.execute(params![
            tenant,
            deal_id,
            rng.pick(&DOCUMENTS),
            uploaded.min(now)
        ])?;
    }
    Ok(())
}

/// API traffic of the last day, and denied attempts: three in the last 4 hours (what
/// `unauthorized-access` counts, under its warning level) and four earlier.
fn auth_events(tx: &Transaction, rng: &mut Rng, now: i64) -> Result<()> {
    const PATHS: [&str; 5] = [
        "/v1/deals",
        "/v1/deals/{id}/documents",
        "/v1/tasks",
        "/v1/contacts",
        "/v1/ledger/transactions",
    ];
    // The keys in use: (api_keys id, its tenant), revoked and idle keys left out.
    const KEYS: [(i64, &str); 6] = [
        (1, "acme"),
        (2, "acme"),
        (3, "bayside"),
        (4, "bayside"),
        (5, "cedar"),
        (7, "dunmore"),
    ];
    // (at, tenant, key, why it was denied; None: allowed)
    let mut events = Vec::new();
    for k in 0..180i64 {
        let at = now - DAY + 8 * MINUTE * k + rng.int(0, 7 * MINUTE);
        let (key, tenant) = *rng.pick(&KEYS);
        events.push((at, Some(tenant), Some(key), None));
    }
    // (minutes ago, tenant, key, reason)
    let denied: [(i64, Option<&str>, Option<i64>, &str); 7] = [
        (25, None, None, "unknown API key"),
        (110, Some("cedar"), Some(6), "API key revoked"),
        (190, Some("acme"), Some(1), "deal belongs to another tenant"),
        (6 * 60 + 40, None, None, "unknown API key"),
        (9 * 60 + 5, None, None, "missing Authorization header"),
        (
            14 * 60 + 30,
            Some("dunmore"),
            Some(7),
            "scope ledger:write not granted",
        ),
        (20 * 60 + 15, None, None, "unknown API key"),
    ];
    for (ago, tenant, key, reason) in denied {
        events.push((now - ago * MINUTE, tenant, key, Some(reason)));
    }
    events.sort_by_key(|e| e.0);
    let mut stmt = tx.prepare(
        "INSERT INTO auth_events (at, tenant_id, api_key_id, ip, path, outcome, reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for (at, tenant, key, reason) in events {
        // Our own clients call from the private network; the denied, from outside.
        let (ip, outcome) = match reason {
            None => (
                format!("10.20.{}.{}", rng.int(0, 3), rng.int(2, 250)),
                "allowed",
            ),
            Some(_) => (format!("203.0.113.{}", rng.int(2, 250)), "denied"),
        };
        let path = rng
            .pick(&PATHS)
            .replace("{id}", &rng.int(1, 24).to_string());
        stmt.execute(params![at, tenant, key, ip, path, outcome, reason])?;
    }
    Ok(())
}

/// Xero every 6 hours (one failure yesterday, retried), QuickBooks daily.
fn accounting_syncs(tx: &Transaction, rng: &mut Rng, now: i64) -> Result<()> {
    let mut runs: Vec<(&str, &str, i64)> = Vec::new();
    for k in 0..8 {
        let finished = now - 2 * HOUR - 6 * HOUR * k;
        runs.push(("xero", "ok", finished));
        if k == 5 {
            runs.push(("xero", "failed", finished - 20 * MINUTE));
        }
    }
    for k in 0..3 {
        runs.push(("quickbooks", "ok", now - 5 * HOUR - DAY * k));
    }
    runs.sort_by_key(|r| r.2);
    let mut stmt = tx.prepare(
        "INSERT INTO accounting_syncs (provider, status, started_at, finished_at, records)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (provider, status, finished) in runs {
        let records = if status == "ok" { rng.int(3, 120) } else { 0 };
        stmt.execute(params![
            provider,
            status,
            finished - rng.int(20, 240),
            finished,
            records
        ])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(conn: &Connection, sql: &str) -> f64 {
        conn.query_row(sql, [], |r| r.get(0))
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// The facts the demo's checks read, worked out from the rows rather than trusted.
    #[test]
    fn books_balance_and_the_queue_is_healthy() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DB_FILE);
        let now = 1_795_000_000;
        create(&path, now).unwrap();
        let conn = Connection::open(&path).unwrap();
        let unbalanced = value(
            &conn,
            "SELECT count(*) FROM (SELECT e.transaction_id,
                 sum(CASE a.account_type WHEN 'asset' THEN e.amount_cents ELSE -e.amount_cents END) AS d
             FROM ledger_entries e JOIN accounts a ON a.id = e.account_id
             GROUP BY e.transaction_id) WHERE d <> 0",
        );
        assert_eq!(unbalanced, 0.0, "every transaction balances");
        let negative = value(
            &conn,
            "SELECT count(*) FROM account_balances WHERE balance < 0",
        );
        assert_eq!(negative, 0.0, "no account is overdrawn");
        let error_rate = value(
            &conn,
            &format!(
                "SELECT 100.0 * sum(status = 'failed') / count(*) FROM tasks
                 WHERE finished_at >= {now} - 3600"
            ),
        );
        assert!(error_rate > 0.0 && error_rate < 2.0, "{error_rate}");
        let expiring = value(
            &conn,
            &format!(
                "SELECT count(*) FROM api_keys WHERE revoked_at IS NULL
                 AND expires_at < {now} + 14 * 86400"
            ),
        );
        assert_eq!(expiring, 1.0);
        let future = value(
            &conn,
            &format!(
                "SELECT (SELECT count(*) FROM tasks WHERE created_at > {now} OR finished_at > {now})
                      + (SELECT count(*) FROM audit_log WHERE at > {now})
                      + (SELECT count(*) FROM documents WHERE uploaded_at > {now})"
            ),
        );
        assert_eq!(future, 0.0, "nothing happens after now");
    }

    #[test]
    fn refuses_to_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DB_FILE);
        create(&path, 1_000_000_000).unwrap();
        assert!(create(&path, 1_000_000_000).is_err());
    }
}
