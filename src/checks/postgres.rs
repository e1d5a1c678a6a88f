//! PostgreSQL for `sql` and `rls` checks and the runlog: which `database` strings name
//! a server, logging in (the password from the environment, TLS by `sslmode`), one
//! connection per database per run, read-only transactions with a statement timeout,
//! reading values, and errors in an operator's words.
//!
//! The client is the blocking `postgres` crate: it runs its own small runtime inside,
//! so hb has no async code.

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use postgres::config::Host;
use postgres::error::SqlState;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{FromSql, ToSql, Type};
use postgres::{Client, NoTls};
use rust_decimal::prelude::ToPrimitive;

use super::http;
use super::judge::{Observation, Reading};
use super::model::{Database, Postgres, SslMode};
use crate::duration::Span;

/// The libpq keys a `key=value` conninfo starts with (what tells it from a file path).
const CONNINFO_KEYS: &[&str] = &[
    "host",
    "hostaddr",
    "port",
    "dbname",
    "user",
    "password",
    "application_name",
    "connect_timeout",
    "options",
    "sslmode",
    "target_session_attrs",
    "keepalives",
    "keepalives_idle",
];

/// Whether a `database` string names a PostgreSQL server: a `postgres://` or
/// `postgresql://` URL, a `key=value` conninfo, or one `${VAR}` (a connection string
/// from the environment). Anything else is a SQLite file.
pub fn is_postgres(text: &str) -> bool {
    let text = text.trim();
    if text.starts_with("postgres://") || text.starts_with("postgresql://") {
        return true;
    }
    if text.starts_with("${") && text.ends_with('}') && text.matches("${").count() == 1 {
        return true;
    }
    text.split_whitespace()
        .next()
        .and_then(|first| first.split_once('='))
        .is_some_and(|(key, _)| CONNINFO_KEYS.contains(&key.trim()))
}

/// A `database` string and the PostgreSQL keys written beside it, as a `Database`;
/// the error says what is wrong (the caller names the key and line).
pub fn database(
    text: &str,
    password_env: Option<String>,
    sslmode: Option<SslMode>,
    ca_file: Option<PathBuf>,
) -> Result<Database, (&'static str, String)> {
    if !is_postgres(text) {
        for (key, set) in [
            ("password_env", password_env.is_some()),
            ("sslmode", sslmode.is_some()),
            ("ca_file", ca_file.is_some()),
        ] {
            if set {
                return Err((
                    key,
                    format!(
                        "`{key}` applies to a PostgreSQL database; {text:?} is a SQLite file \
                         (a PostgreSQL database is a postgres:// URL or a host=... dbname=... string)"
                    ),
                ));
            }
        }
        return Ok(Database::Sqlite(PathBuf::from(text)));
    }
    let pg = Postgres {
        conninfo: text.trim().to_string(),
        password_env,
        sslmode,
        ca_file,
    };
    validate(&pg)?;
    Ok(Database::Postgres(pg))
}

/// What can be told of a PostgreSQL database from the config alone: a `${VAR}`
/// template is well formed, and a written conninfo parses, names a host and a user,
/// carries no password and leaves TLS to `sslmode`/`ca_file`.
pub fn validate(pg: &Postgres) -> Result<(), (&'static str, String)> {
    http::check_template(&pg.conninfo).map_err(|e| ("database", e))?;
    if let Some(var) = &pg.password_env {
        if var.trim().is_empty() {
            return Err(("password_env", "name an environment variable".into()));
        }
    }
    if pg.sslmode == Some(SslMode::VerifyFull) && pg.ca_file.is_none() {
        return Err(("ca_file", verify_full_needs_ca(false)));
    }
    if pg.ca_file.is_some() && pg.sslmode.is_some_and(|m| m != SslMode::VerifyFull) {
        return Err((
            "ca_file",
            "ca_file is the CA that sslmode = \"verify-full\" trusts: set that mode, or drop ca_file"
                .into(),
        ));
    }
    if http::template_vars(&pg.conninfo).is_empty() {
        let config = parse_conninfo(&pg.conninfo, true).map_err(|e| ("database", e))?;
        if effective_sslmode(pg, &config) == SslMode::VerifyFull && pg.ca_file.is_none() {
            return Err(("ca_file", verify_full_needs_ca(true)));
        }
    }
    Ok(())
}

fn verify_full_needs_ca(by_default: bool) -> String {
    let mode = if by_default {
        "sslmode \"verify-full\" (the default for a host other than loopback)"
    } else {
        "sslmode \"verify-full\""
    };
    format!(
        "{mode} verifies the server's certificate against ca_file: set ca_file to the CA \
         certificate (PEM) that signed it, or sslmode = \"require\" to encrypt without verifying"
    )
}

/// Parse a conninfo (a URL or `key=value` pairs). `written`: it is the config's text,
/// where a password does not belong.
fn parse_conninfo(conninfo: &str, written: bool) -> Result<postgres::Config, String> {
    let lowered = conninfo.to_ascii_lowercase();
    for (key, instead) in [
        (
            "sslmode",
            "the `sslmode` key (disable, require or verify-full)",
        ),
        ("sslrootcert", "the `ca_file` key"),
    ] {
        if lowered.contains(key) {
            return Err(format!(
                "write {key} as {instead}, not in the connection string"
            ));
        }
    }
    let config = postgres::Config::from_str(conninfo).map_err(|e| {
        format!("not a PostgreSQL connection string (postgres://USER@HOST:PORT/DB or host=... dbname=...): {e}")
    })?;
    if written && config.get_password().is_some() {
        return Err(
            "the connection string holds a password: keep it out of the file and name the \
             environment variable that holds it in `password_env`"
                .into(),
        );
    }
    if config.get_hosts().is_empty() && config.get_hostaddrs().is_empty() {
        return Err(
            "the connection string names no host: postgres://USER@HOST/DB or host=...".into(),
        );
    }
    if config.get_user().is_none() {
        return Err(
            "the connection string names no user: postgres://USER@HOST/DB or user=...".into(),
        );
    }
    Ok(config)
}

/// `sslmode`, else `disable` when every host is on this machine (loopback or a unix
/// socket: TLS protects nothing there), else `verify-full`.
fn effective_sslmode(pg: &Postgres, config: &postgres::Config) -> SslMode {
    if let Some(mode) = pg.sslmode {
        return mode;
    }
    let local_host = |host: &Host| match host {
        Host::Tcp(name) => {
            name == "localhost" || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
        }
        #[cfg(unix)]
        Host::Unix(_) => true,
    };
    let local = config.get_hosts().iter().all(local_host)
        && config.get_hostaddrs().iter().all(IpAddr::is_loopback);
    if local {
        SslMode::Disable
    } else {
        SslMode::VerifyFull
    }
}

/// `user@host:port/dbname`: how messages name a database (never with a password).
pub fn display(config: &postgres::Config) -> String {
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .map(|host| match host {
            Host::Tcp(name) => name.clone(),
            #[cfg(unix)]
            Host::Unix(path) => path.display().to_string(),
        })
        .chain(config.get_hostaddrs().iter().map(IpAddr::to_string))
        .collect();
    let port = config.get_ports().first().copied().unwrap_or(5432);
    format!(
        "{}@{}:{port}/{}",
        config.get_user().unwrap_or("?"),
        hosts.join(","),
        config
            .get_dbname()
            .unwrap_or(config.get_user().unwrap_or("?"))
    )
}

/// A database resolved for connecting: the client's config with the password and the
/// time limit, TLS, and how messages name it.
pub struct Connector {
    config: postgres::Config,
    tls: Option<rustls::ClientConfig>,
    pub display: String,
    /// Which connection of the run this is (the conninfo as expanded, and how hb logs in).
    key: String,
}

impl Connector {
    /// Resolve `pg` now: `${VAR}`s and the password from the environment, TLS from
    /// `sslmode` and `ca_file` (relative to `base_dir`). An error is why hb cannot try.
    pub fn new(pg: &Postgres, base_dir: &Path, timeout: Span) -> Result<Connector, String> {
        let written = http::template_vars(&pg.conninfo).is_empty();
        let conninfo = http::expand(&pg.conninfo)?;
        let mut config = parse_conninfo(&conninfo, written)?;
        let shown = display(&config);
        let mode = effective_sslmode(pg, &config);
        if let Some(var) = &pg.password_env {
            let password = std::env::var(var)
                .ok()
                .filter(|v| !v.is_empty())
                .ok_or_else(|| {
                    format!("${var} is not set: it holds the password of {shown} (password_env)")
                })?;
            config.password(password);
        }
        if config.get_application_name().is_none() {
            config.application_name("hb");
        }
        config.connect_timeout(timeout.0.max(Duration::from_millis(1)));
        let tls = match mode {
            SslMode::Disable => {
                config.ssl_mode(postgres::config::SslMode::Disable);
                None
            }
            SslMode::Require | SslMode::VerifyFull => {
                config.ssl_mode(postgres::config::SslMode::Require);
                Some(tls_config(mode, pg.ca_file.as_deref(), base_dir)?)
            }
        };
        let key = format!(
            "{conninfo}\u{0}{:?}\u{0}{}\u{0}{:?}",
            pg.password_env,
            mode.as_str(),
            pg.ca_file
        );
        Ok(Connector {
            config,
            tls,
            display: shown,
            key,
        })
    }

    /// Log in. The error is worded for the operator: which server, and what to fix.
    pub fn connect(&self) -> Result<Client, String> {
        let connected = match &self.tls {
            None => self.config.connect(NoTls),
            Some(tls) => self
                .config
                .connect(tokio_postgres_rustls::MakeRustlsConnect::new(tls.clone())),
        };
        connected.map_err(|err| self.login_error(&err))
    }

    fn login_error(&self, err: &postgres::Error) -> String {
        let user = self.config.get_user().unwrap_or("?");
        match err.code() {
            Some(code)
                if *code == SqlState::INVALID_PASSWORD
                    || *code == SqlState::INVALID_AUTHORIZATION_SPECIFICATION =>
            {
                format!(
                    "PostgreSQL {} refused the login of {user}: {}",
                    self.display,
                    db_message(err)
                )
            }
            Some(code) if *code == SqlState::INVALID_CATALOG_NAME => {
                format!("PostgreSQL {}: {}", self.display, db_message(err))
            }
            Some(_) => format!(
                "cannot log in to PostgreSQL {}: {}",
                self.display,
                db_message(err)
            ),
            None => format!(
                "cannot connect to PostgreSQL {}: {}",
                self.display,
                crate::error_text::chain(err)
            ),
        }
    }
}

/// TLS for `require` (encrypted; any certificate, its signatures still checked) and
/// `verify-full` (the chain to `ca_file`, and the host name).
fn tls_config(
    mode: SslMode,
    ca_file: Option<&Path>,
    base_dir: &Path,
) -> Result<rustls::ClientConfig, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS setup: {e}"))?;
    let config = match (mode, ca_file) {
        (SslMode::VerifyFull, Some(ca_file)) => {
            let path = base_dir.join(ca_file);
            let certs = super::tls::read_pem(&path)
                .map_err(|e| format!("ca_file {}: {e}", path.display()))?;
            let mut roots = rustls::RootCertStore::empty();
            for cert in certs {
                roots
                    .add(cert)
                    .map_err(|e| format!("ca_file {}: {e}", path.display()))?;
            }
            builder.with_root_certificates(roots).with_no_client_auth()
        }
        (SslMode::VerifyFull, None) => return Err(verify_full_needs_ca(false)),
        _ => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(super::tls::AnyCertificate(provider)))
            .with_no_client_auth(),
    };
    Ok(config)
}

/// The server's own words for an error it sent, else the error and its causes.
pub fn db_message(err: &postgres::Error) -> String {
    match err.as_db_error() {
        Some(db) => db.message().to_string(),
        None => crate::error_text::chain(err),
    }
}

/// The connections of one run: one per database, opened by the first check that needs
/// it and reused by the others (one at a time); a login that failed is not tried again
/// in the same run, so ten checks on a down server cost one connect timeout.
#[derive(Default)]
pub struct Connections {
    slots: Mutex<HashMap<String, Arc<Slot>>>,
}

impl std::fmt::Debug for Connections {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let open = self.slots.lock().map(|s| s.len()).unwrap_or(0);
        write!(f, "Connections({open})")
    }
}

/// One database's connection: taken by one check at a time (`busy`), the others wait
/// on `freed`.
#[derive(Default)]
struct Slot {
    state: Mutex<SlotState>,
    freed: Condvar,
}

#[derive(Default)]
struct SlotState {
    busy: bool,
    conn: Conn,
}

#[derive(Default)]
enum Conn {
    #[default]
    Empty,
    Open(Box<Client>),
    Failed(String),
}

/// A check's hold on a slot: what it gives back (its connection) when it is done,
/// also when it panics.
struct Lease<'a> {
    slot: &'a Slot,
    conn: Conn,
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        let mut state = self.slot.state.lock().unwrap_or_else(|e| e.into_inner());
        state.conn = std::mem::take(&mut self.conn);
        state.busy = false;
        self.slot.freed.notify_one();
    }
}

impl Connections {
    /// Run `f` with the run's connection to `connector`'s database, waiting at most
    /// `timeout` for another check to finish with it. The error is an observation:
    /// a database hb cannot log in to is unknown, never a failing target.
    pub fn with_client<T>(
        &self,
        connector: &Connector,
        timeout: Span,
        f: impl FnOnce(&mut Client) -> Result<T, Observation>,
    ) -> Result<T, Observation> {
        let slot = {
            let mut slots = self
                .slots
                .lock()
                .map_err(|_| Observation::unknown("the connection pool is poisoned"))?;
            slots.entry(connector.key.clone()).or_default().clone()
        };
        let deadline = crate::clock::deadline(timeout.0);
        let mut lease = {
            let mut state = slot.state.lock().unwrap_or_else(|e| e.into_inner());
            while state.busy {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Err(Observation::unknown(format!(
                        "the connection to PostgreSQL {} was busy with other checks for {timeout}",
                        connector.display
                    )));
                }
                state = slot
                    .freed
                    .wait_timeout(state, left)
                    .map(|(state, _)| state)
                    .unwrap_or_else(|e| e.into_inner().0);
            }
            state.busy = true;
            Lease {
                slot: &slot,
                conn: std::mem::take(&mut state.conn),
            }
        };
        if matches!(&lease.conn, Conn::Open(client) if client.is_closed()) {
            lease.conn = Conn::Empty;
        }
        if let Conn::Empty = lease.conn {
            lease.conn = match connector.connect() {
                Ok(client) => Conn::Open(Box::new(client)),
                Err(message) => Conn::Failed(message),
            };
        }
        match &mut lease.conn {
            Conn::Open(client) => f(client),
            Conn::Failed(message) => Err(Observation::unknown(message.clone())),
            Conn::Empty => Err(Observation::unknown("no connection")),
        }
    }
}

/// Run `f` in a read-only transaction whose statements stop after `timeout`, rolled
/// back after (a check commits nothing). The transaction opens with its timeout in one
/// round trip: on loopback, round trips are most of a check's time.
pub fn read_only<T>(
    client: &mut Client,
    timeout: Span,
    f: impl FnOnce(&mut Client) -> Result<T, postgres::Error>,
) -> Result<T, postgres::Error> {
    client.batch_execute(&format!(
        "START TRANSACTION READ ONLY; SET LOCAL statement_timeout = {}",
        statement_timeout_ms(timeout)
    ))?;
    let result = f(client);
    // A broken connection fails here too; the next check finds it closed and reconnects.
    let _ = client.batch_execute("ROLLBACK");
    result
}

/// `statement_timeout` in milliseconds: at least 1 (0 would mean none).
pub fn statement_timeout_ms(timeout: Span) -> u64 {
    (timeout.0.as_millis() as u64).clamp(1, i32::MAX as u64)
}

/// A query's error as an observation. The target failing: the query ran out of time,
/// the server is shutting down, out of resources or broken. Anything else (a refused
/// write, SQL that does not prepare, a missing table or privilege) is a check hb
/// cannot evaluate.
pub fn classify(err: &postgres::Error, timeout: Span) -> Observation {
    let Some(code) = err.code() else {
        return if err.is_closed() {
            Observation::failed(format!(
                "the connection closed: {}",
                crate::error_text::chain(err)
            ))
        } else {
            Observation::unknown(format!("query failed: {}", crate::error_text::chain(err)))
        };
    };
    let message = db_message(err);
    if *code == SqlState::QUERY_CANCELED {
        return Observation::failed(format!("query timed out after {timeout} ({message})"));
    }
    if *code == SqlState::READ_ONLY_SQL_TRANSACTION {
        return Observation::unknown(format!(
            "query refused: {message}; sql checks only read (every query runs in a read-only transaction)"
        ));
    }
    let class = &code.code()[..2];
    if matches!(class, "08" | "53" | "57" | "58" | "XX") {
        Observation::failed(message)
    } else {
        Observation::unknown(format!("query failed: {message}"))
    }
}

/// The first two columns of the query's rows (all of them, or only the first row);
/// `$1`, if the query has it, is hb's clock.
pub fn query_rows(
    client: &mut Client,
    query: &str,
    now: i64,
    all_rows: bool,
) -> Result<Result<Vec<(Reading, Reading)>, String>, postgres::Error> {
    // Without parameters the query goes in one round trip (parse, bind and execute
    // together); with `$1` it is prepared first, to bind the clock in the type it needs.
    if !query.contains('$') {
        let rows = client.query_typed_raw(query, std::iter::empty::<(&str, Type)>())?;
        return read_rows(rows, all_rows).map(Ok);
    }
    let stmt = client.prepare(query)?;
    let params: Vec<Box<dyn ToSql + Sync>> = match stmt.params() {
        [] => Vec::new(),
        [ty] => match clock_param(ty, now) {
            Some(param) => vec![param],
            None => {
                return Ok(Err(format!(
                    "$1 is of type {ty} here: hb binds its clock as unix seconds or a timestamp \
                     (write $1::bigint, to_timestamp($1::bigint) or $1::timestamptz)"
                )))
            }
        },
        more => {
            return Ok(Err(format!(
                "the query has {} parameters: only $1 (hb's clock) is bound",
                more.len()
            )))
        }
    };
    // Run even a statement without columns: the read-only transaction says why it is
    // refused.
    let rows = client.query_raw(&stmt, params.iter().map(|p| p.as_ref()))?;
    let out = read_rows(rows, all_rows)?;
    if stmt.columns().is_empty() {
        return Ok(Err(
            "the statement returns no columns: write a SELECT".into()
        ));
    }
    Ok(Ok(out))
}

/// The first two columns of each row (of the first only, without `all_rows`: the
/// others are never read off the wire).
fn read_rows(
    mut rows: postgres::RowIter<'_>,
    all_rows: bool,
) -> Result<Vec<(Reading, Reading)>, postgres::Error> {
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let first = row.try_get::<_, Cell>(0)?.0;
        let second = if row.len() > 1 {
            row.try_get::<_, Cell>(1)?.0
        } else {
            Reading::Null
        };
        out.push((first, second));
        if !all_rows {
            break;
        }
    }
    Ok(out)
}

/// hb's clock in the type the query gives `$1`.
fn clock_param(ty: &Type, now: i64) -> Option<Box<dyn ToSql + Sync>> {
    let at = chrono::DateTime::from_timestamp(now, 0)?;
    Some(match *ty {
        Type::INT8 => Box::new(now),
        Type::INT4 => Box::new(i32::try_from(now).ok()?),
        Type::FLOAT8 => Box::new(now as f64),
        Type::NUMERIC => Box::new(rust_decimal::Decimal::from(now)),
        Type::TIMESTAMPTZ => Box::new(at),
        Type::TIMESTAMP => Box::new(at.naive_utc()),
        Type::TEXT | Type::VARCHAR => Box::new(crate::clock::format_ts(now)),
        _ => return None,
    })
}

/// One value of a result row, whatever its type: numbers (NUMERIC too) and booleans as
/// such, text and times as text; another type asks for a cast.
pub struct Cell(pub Reading);

impl<'a> FromSql<'a> for Cell {
    fn from_sql(
        ty: &Type,
        raw: &'a [u8],
    ) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        let number = |n: f64| Ok(Cell(Reading::Number(n)));
        match *ty {
            Type::BOOL => Ok(Cell(Reading::Bool(bool::from_sql(ty, raw)?))),
            Type::INT2 => number(f64::from(i16::from_sql(ty, raw)?)),
            Type::INT4 => number(f64::from(i32::from_sql(ty, raw)?)),
            Type::INT8 => number(i64::from_sql(ty, raw)? as f64),
            Type::OID => number(f64::from(u32::from_sql(ty, raw)?)),
            Type::FLOAT4 => number(f64::from(f32::from_sql(ty, raw)?)),
            Type::FLOAT8 => number(f64::from_sql(ty, raw)?),
            Type::NUMERIC => {
                let decimal = rust_decimal::Decimal::from_sql(ty, raw)?;
                number(decimal.to_f64().ok_or("a NUMERIC out of range")?)
            }
            Type::TIMESTAMPTZ => {
                let at = chrono::DateTime::<chrono::Utc>::from_sql(ty, raw)?;
                Ok(Cell(Reading::Text(crate::clock::format_ts(at.timestamp()))))
            }
            Type::TIMESTAMP => {
                let at = chrono::NaiveDateTime::from_sql(ty, raw)?;
                Ok(Cell(Reading::Text(at.format("%Y-%m-%dT%H:%M:%S").to_string())))
            }
            Type::DATE => Ok(Cell(Reading::Text(
                chrono::NaiveDate::from_sql(ty, raw)?.to_string(),
            ))),
            _ if <&str as FromSql>::accepts(ty) => {
                Ok(Cell(Reading::Text(<&str>::from_sql(ty, raw)?.to_string())))
            }
            _ => Err(format!(
                "a {ty} column is neither a number nor text: cast it in the query (::numeric or ::text)"
            )
            .into()),
        }
    }

    fn from_sql_null(_: &Type) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(Cell(Reading::Null))
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pg(conninfo: &str) -> Postgres {
        Postgres {
            conninfo: conninfo.into(),
            password_env: None,
            sslmode: None,
            ca_file: None,
        }
    }

    #[test]
    fn which_strings_name_a_server() {
        for text in [
            "postgres://hb@db/app",
            "postgresql://hb@127.0.0.1:5433/app",
            "host=db dbname=app user=hb",
            "dbname=app host=/var/run/postgresql user=hb",
            "${APP_DATABASE_URL}",
        ] {
            assert!(is_postgres(text), "{text}");
        }
        for text in [
            "/var/lib/app/app.db",
            "app.db",
            "data/${X}/app.db",
            "a=b.db",
        ] {
            assert!(!is_postgres(text), "{text}");
        }
    }

    #[test]
    fn a_written_conninfo_is_checked_at_load() {
        let err = |conninfo: &str| validate(&pg(conninfo)).unwrap_err();
        assert_eq!(err("postgres://hb:secret@127.0.0.1/app").0, "database");
        assert!(err("postgres://hb:secret@127.0.0.1/app")
            .1
            .contains("password_env"));
        assert!(err("postgres://hb@127.0.0.1/app?sslmode=require")
            .1
            .contains("the `sslmode` key"));
        assert!(err("dbname=app user=hb").1.contains("names no host"));
        // A remote host is verified by default: that needs the CA.
        let (key, message) = err("postgres://hb@db.example.com/app");
        assert_eq!(key, "ca_file");
        assert!(
            message.contains("the default for a host other than loopback"),
            "{message}"
        );
        assert!(validate(&pg("postgres://hb@127.0.0.1:5433/app")).is_ok());
        assert!(validate(&pg("host=/var/run/postgresql dbname=app user=hb")).is_ok());
        assert!(validate(&pg("${APP_DATABASE_URL}")).is_ok());
        let require = Postgres {
            sslmode: Some(SslMode::Require),
            ..pg("postgres://hb@db.example.com/app")
        };
        assert!(validate(&require).is_ok());
    }

    #[test]
    fn loopback_goes_without_tls_and_other_hosts_verify() {
        let mode = |conninfo: &str| {
            let p = pg(conninfo);
            effective_sslmode(&p, &parse_conninfo(conninfo, true).unwrap())
        };
        assert_eq!(mode("postgres://hb@127.0.0.1/app"), SslMode::Disable);
        assert_eq!(mode("postgres://hb@localhost/app"), SslMode::Disable);
        assert_eq!(mode("host=/tmp dbname=app user=hb"), SslMode::Disable);
        assert_eq!(mode("postgres://hb@10.0.0.5/app"), SslMode::VerifyFull);
        let config = parse_conninfo("postgres://hb@127.0.0.1:5433/app", true).unwrap();
        assert_eq!(display(&config), "hb@127.0.0.1:5433/app");
    }

    #[test]
    fn a_password_comes_from_its_variable() {
        let p = Postgres {
            password_env: Some("HB_UNIT_PG_PASSWORD_UNSET".into()),
            ..pg("postgres://hb@127.0.0.1/app")
        };
        let err = Connector::new(&p, Path::new("."), Span::secs(1))
            .err()
            .unwrap();
        assert_eq!(
            err,
            "$HB_UNIT_PG_PASSWORD_UNSET is not set: it holds the password of hb@127.0.0.1:5432/app (password_env)"
        );
    }
}
