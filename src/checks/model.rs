//! What a check is once its `[[check]]` table is resolved (`spec`), and what one run of
//! it records. Each type has its own struct with the keys it uses, typed; the keys every
//! check has are in `CheckCommon`.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Deserializer, Serialize};

use crate::alert::secret::Redactor;
use crate::duration::Span;

use super::judge::format_number;
use super::state::{Flap, Within};

/// The protocol's groups, in the order the protocol lists them.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    clap::ValueEnum,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    System,
    Queue,
    Integrity,
    Security,
    Integration,
}

impl Group {
    pub const ALL: [Group; 5] = [
        Group::System,
        Group::Queue,
        Group::Integrity,
        Group::Security,
        Group::Integration,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Group::System => "system",
            Group::Queue => "queue",
            Group::Integrity => "integrity",
            Group::Security => "security",
            Group::Integration => "integration",
        }
    }
}

/// A check's `type`, as written and recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Http,
    Tcp,
    Sql,
    SqliteIntegrity,
    Command,
    FileAge,
    Disk,
    Tls,
    Cycle,
    Rls,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Http => "http",
            Kind::Tcp => "tcp",
            Kind::Sql => "sql",
            Kind::SqliteIntegrity => "sqlite_integrity",
            Kind::Command => "command",
            Kind::FileAge => "file_age",
            Kind::Disk => "disk",
            Kind::Tls => "tls",
            Kind::Cycle => "cycle",
            Kind::Rls => "rls",
        }
    }

    /// What the recorded `value` of this type means (for docs and `hb status`).
    pub fn value_meaning(self) -> Option<&'static str> {
        match self {
            Kind::Http => Some(
                "the JSON field's value (`json_field`), or how many selected values meet the \
                 condition (`json_path`)",
            ),
            Kind::Tcp => None,
            Kind::Sql => Some("the query's first column (with `metrics`, the sum of the series)"),
            Kind::SqliteIntegrity => Some("problems found"),
            Kind::Command => Some("the first perfdata value"),
            Kind::FileAge => Some("age in seconds"),
            Kind::Disk => Some("free space in %"),
            Kind::Tls => Some("days until the certificate expires"),
            Kind::Cycle => Some("longest gap between cycles, in seconds"),
            Kind::Rls => Some("tables without row-level security, and roles that bypass it"),
        }
    }
}

/// What a failure of the check counts as: the worst status it can report.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Warning,
    #[default]
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }
}

/// The result of one run of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Ok,
    Warning,
    Critical,
    /// The check could not be evaluated (a bad query, a missing secret, a plugin's 3).
    Unknown,
    /// Not applicable here (`skip_unless_env` unset, or `enabled = false`).
    Skipped,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warning => "warning",
            Status::Critical => "critical",
            Status::Unknown => "unknown",
            Status::Skipped => "skipped",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Some(match s {
            "ok" => Status::Ok,
            "warning" => Status::Warning,
            "critical" => Status::Critical,
            "unknown" => Status::Unknown,
            "skipped" => Status::Skipped,
            _ => return None,
        })
    }

    /// Counts towards `alert_after`/`escalate_after`: anything that is neither ok nor skipped.
    pub fn is_failure(self) -> bool {
        matches!(self, Status::Warning | Status::Critical | Status::Unknown)
    }

    /// Order for "the worst result": skipped < ok < warning < unknown < critical. Unknown
    /// ranks above warning because a check that cannot tell may hide a critical.
    pub fn rank(self) -> u8 {
        match self {
            Status::Skipped => 0,
            Status::Ok => 1,
            Status::Warning => 2,
            Status::Unknown => 3,
            Status::Critical => 4,
        }
    }

    /// Nagios exit code: 0 ok (and skipped), 1 warning, 2 critical, 3 unknown.
    pub fn exit_code(self) -> u8 {
        match self {
            Status::Ok | Status::Skipped => crate::exit::OK,
            Status::Warning => crate::exit::WARNING,
            Status::Critical => crate::exit::CRITICAL,
            Status::Unknown => crate::exit::UNKNOWN,
        }
    }

    pub fn worse(self, other: Status) -> Status {
        if other.rank() > self.rank() {
            other
        } else {
            self
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `expect = 0`, `expect = "ok"`, `expect = true`.
#[derive(Debug, Clone, PartialEq)]
pub enum Expected {
    Bool(bool),
    Number(f64),
    Text(String),
}

/// By the value's own type, not `untagged`: that buffers the value, tries each variant
/// in turn, and says only "did not match any variant of untagged enum Expected".
impl<'de> Deserialize<'de> for Expected {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Expected;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number, a string or a boolean")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Expected, E> {
                Ok(Expected::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Expected, E> {
                Ok(Expected::Number(v as f64))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Expected, E> {
                Ok(Expected::Number(v as f64))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Expected, E> {
                Ok(Expected::Number(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Expected, E> {
                Ok(Expected::Text(v.to_string()))
            }
            fn visit_string<E>(self, v: String) -> Result<Expected, E> {
                Ok(Expected::Text(v))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expected::Bool(b) => write!(f, "{b}"),
            Expected::Number(n) => f.write_str(&format_number(*n)),
            Expected::Text(t) => write!(f, "{t:?}"),
        }
    }
}

/// The four thresholds of a value; the `crit_*` ones are capped by the check's severity.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Thresholds {
    pub warn_above: Option<f64>,
    pub crit_above: Option<f64>,
    pub warn_below: Option<f64>,
    pub crit_below: Option<f64>,
}

impl Thresholds {
    pub fn is_empty(&self) -> bool {
        *self == Thresholds::default()
    }
}

/// What a value is held to: `expect`, thresholds, or nothing (it is only recorded).
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    None,
    Expect(Expected),
    Thresholds(Thresholds),
}

/// The value of the types that judge one (http with `json_field`, sql, command, disk,
/// tls): its condition and how messages name it.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub condition: Condition,
    /// What the value is called in messages: `label`, else the name with `-`/`_` as spaces.
    pub label: String,
    /// The value's unit: `unit`, else the type's own (disk `%`, tls `days`).
    pub unit: Option<String>,
}

impl Value {
    pub fn unit(&self) -> Option<&str> {
        self.unit.as_deref()
    }
}

/// A program and its arguments: an array, or (with `shell = true`) one string for `sh -c`.
#[derive(Debug, Clone, PartialEq)]
pub enum CommandLine {
    Argv(Vec<String>),
    Shell(String),
}

impl<'de> Deserialize<'de> for CommandLine {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = CommandLine;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "an array of strings (program and arguments), or a string with shell = true",
                )
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<CommandLine, E> {
                Ok(CommandLine::Shell(v.to_string()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<CommandLine, A::Error> {
                let mut argv = Vec::new();
                while let Some(arg) = seq.next_element::<String>()? {
                    argv.push(arg);
                }
                Ok(CommandLine::Argv(argv))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl CommandLine {
    /// The argv to execute: `sh -c LINE` for a shell line.
    pub fn argv(&self) -> Vec<String> {
        match self {
            CommandLine::Shell(line) => vec!["sh".into(), "-c".into(), line.clone()],
            CommandLine::Argv(argv) => argv.clone(),
        }
    }

    pub fn display(&self) -> String {
        match self {
            CommandLine::Shell(line) => line.clone(),
            CommandLine::Argv(argv) => display_argv(argv),
        }
    }
}

/// An argv as an operator would type it (arguments with spaces quoted).
pub fn display_argv(argv: &[String]) -> String {
    argv.iter()
        .map(|a| {
            if a.is_empty() || a.contains(|c: char| c.is_whitespace() || c == '\'' || c == '"') {
                format!("'{}'", a.replace('\'', r"'\''"))
            } else {
                a.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Where a `[[check]]` table was written: the line of its header and of each key in it,
/// in file order. Errors and lint findings name the key's line, else the header's.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Written {
    pub line: usize,
    pub keys: Vec<(String, usize)>,
}

impl Written {
    /// The line of `key` if it is written in the table, else the table's header line.
    pub fn line_of(&self, key: &str) -> usize {
        self.keys
            .iter()
            .find(|(k, _)| k == key)
            .map_or(self.line, |(_, line)| *line)
    }
}

/// One `[[check]]`, resolved: the keys every check has, and its type's own.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub common: CheckCommon,
    /// The type; with `targets`, the first target's.
    pub kind: CheckKind,
    /// `targets = [...]`: the same check on each target, reported as one.
    pub targets: Option<FanOut>,
}

/// A check fanned out over `targets`: each target's own resolved kind, and how the
/// message names them ("2 of 9 orchestrators unreachable: orch-3, orch-7").
#[derive(Debug, Clone, PartialEq)]
pub struct FanOut {
    /// What the targets are, plural: `label`, else the name with `-`/`_` as spaces.
    pub noun: String,
    pub targets: Vec<Target>,
}

/// One of a check's `targets`: its name in messages and its type's keys for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub name: String,
    pub kind: CheckKind,
}

/// The keys every check has, with their defaults applied.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckCommon {
    pub name: String,
    pub group: Group,
    /// One line for HEARTBEAT.md: what the check guarantees ("API responding < 100 ms").
    pub description: Option<String>,
    /// The effective cadence: `every`, else `[schedule] protocol`.
    pub every: Span,
    pub severity: Severity,
    pub timeout: Span,
    pub enabled: bool,
    /// Skipped (not failed) when this environment variable is unset or empty.
    pub skip_unless_env: Option<String>,
    /// Alert after this many failed runs in a row (unless `fail_within` is set).
    pub alert_after: u32,
    /// Alert once X of the last Y runs failed, instead of `alert_after`.
    pub fail_within: Option<Within>,
    /// An alerting check recovers after this many successes in a row.
    pub recover_after: u32,
    pub escalate_after: u32,
    /// Flap detection (`flap_changes` in `flap_window`); None when `flap_changes = 0`.
    pub flap: Option<Flap>,
    /// Channels this check alerts instead of its priority's route (`[alerts.routes]`).
    pub route: Option<Vec<String>>,
    /// Remediation commands (argv arrays, each with a program), run in order when the
    /// check fails.
    pub on_failure: Vec<Vec<String>>,
    /// Run the check again after the remediation; the re-check's result is what counts.
    pub recheck: Option<Recheck>,
    /// Time limit of each remediation command.
    pub remediation_timeout: Span,
    pub written: Written,
}

/// `recheck = true`, and how long to wait before it (`recheck_delay`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Recheck {
    pub delay: Option<Span>,
}

/// A check's type and the keys only that type has.
#[derive(Debug, Clone, PartialEq)]
pub enum CheckKind {
    Http(HttpCheck),
    Tcp(TcpCheck),
    Sql(SqlCheck),
    SqliteIntegrity(IntegrityCheck),
    Command(CommandCheck),
    FileAge(FileAgeCheck),
    Disk(DiskCheck),
    Tls(TlsCheck),
    Cycle(CycleCheck),
    Rls(RlsCheck),
}

impl CheckKind {
    /// The type as written and recorded.
    pub fn tag(&self) -> Kind {
        match self {
            CheckKind::Http(_) => Kind::Http,
            CheckKind::Tcp(_) => Kind::Tcp,
            CheckKind::Sql(_) => Kind::Sql,
            CheckKind::SqliteIntegrity(_) => Kind::SqliteIntegrity,
            CheckKind::Command(_) => Kind::Command,
            CheckKind::FileAge(_) => Kind::FileAge,
            CheckKind::Disk(_) => Kind::Disk,
            CheckKind::Tls(_) => Kind::Tls,
            CheckKind::Cycle(_) => Kind::Cycle,
            CheckKind::Rls(_) => Kind::Rls,
        }
    }

    /// The value `expect`/thresholds judge, for the types that judge one.
    pub fn value(&self) -> Option<&Value> {
        match self {
            CheckKind::Http(http) => match (&http.json, &http.json_path) {
                (Some(json), _) => Some(&json.value),
                (None, Some(selection)) => Some(&selection.value),
                (None, None) => None,
            },
            CheckKind::Sql(sql) => Some(&sql.value),
            CheckKind::Command(command) => Some(&command.value),
            CheckKind::Disk(disk) => Some(&disk.value),
            CheckKind::Tls(tls) => Some(&tls.value),
            CheckKind::Tcp(_)
            | CheckKind::SqliteIntegrity(_)
            | CheckKind::FileAge(_)
            | CheckKind::Cycle(_)
            | CheckKind::Rls(_) => None,
        }
    }
}

/// `http`: one request; status, latency, body substring or a JSON field.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpCheck {
    /// May contain `${VAR}`, read from the environment and never printed.
    pub url: String,
    /// Upper case (`GET` when not written).
    pub method: String,
    /// Values may contain `${VAR}`, read from the environment and never printed.
    pub headers: BTreeMap<String, String>,
    pub body: Option<String>,
    /// None: any 2xx.
    pub expect_status: Option<u16>,
    pub max_latency_ms: Option<u64>,
    pub body_contains: Option<String>,
    pub json: Option<JsonField>,
    /// `json_path`: a JSONPath selecting many values, and what they are held to.
    pub json_path: Option<Box<JsonSelection>>,
    /// Follow 3xx redirects (never to another origin when `headers` are set); without
    /// it a 3xx is judged by `expect_status` like any status.
    pub follow_redirects: bool,
}

/// `json_field`: a dotted path into a JSON response (`workers.available`, `items.0.id`)
/// and what its value is held to.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonField {
    pub path: String,
    pub value: Value,
}

/// `json_path` (RFC 9535, `$.breakers[*].state`) and `json_condition` over the values
/// it selects; thresholds, if any, hold each selected value.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonSelection {
    pub path: String,
    pub condition: Option<JsonCondition>,
    pub value: Value,
}

/// `json_condition`: `all == "closed"`, `any == "open"`, `none == "open"`, `count > 0`.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonCondition {
    pub quantifier: Quantifier,
    pub op: CompareOp,
    /// A JSON literal: a string, number, boolean or null.
    pub operand: serde_json::Value,
}

/// Which of the selected values must meet the comparison (`count`: how many are selected).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantifier {
    All,
    Any,
    None,
    Count,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// `tcp`: `host:port` accepts a connection.
#[derive(Debug, Clone, PartialEq)]
pub struct TcpCheck {
    pub address: String,
}

/// An application database: a SQLite file or a PostgreSQL server.
#[derive(Debug, Clone, PartialEq)]
pub enum Database {
    /// As written: relative to the config file's directory.
    Sqlite(PathBuf),
    Postgres(Postgres),
}

impl Database {
    /// The database as the config names it: a path, or the conninfo (never a password).
    pub fn describe(&self) -> String {
        match self {
            Database::Sqlite(path) => path.display().to_string(),
            Database::Postgres(pg) => pg.conninfo.clone(),
        }
    }
}

/// A PostgreSQL database: where it is, and how hb logs in and protects the connection.
#[derive(Debug, Clone, PartialEq)]
pub struct Postgres {
    /// A `postgres://` URL or a `key=value` conninfo, as written (no password in it);
    /// `${VAR}` parts come from the environment.
    pub conninfo: String,
    /// The environment variable holding the password (never the file).
    pub password_env: Option<String>,
    /// None: `disable` when every host is on loopback (or a socket), else `verify-full`.
    pub sslmode: Option<SslMode>,
    /// The CA certificate(s) that `verify-full` trusts, relative to the config file.
    pub ca_file: Option<PathBuf>,
}

/// TLS to PostgreSQL, as libpq names the modes hb supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SslMode {
    /// No TLS.
    Disable,
    /// Encrypted, the server's certificate not verified.
    Require,
    /// Encrypted, the certificate verified against `ca_file` and the host name.
    VerifyFull,
}

impl SslMode {
    pub fn as_str(self) -> &'static str {
        match self {
            SslMode::Disable => "disable",
            SslMode::Require => "require",
            SslMode::VerifyFull => "verify-full",
        }
    }
}

/// `sql`: a query on an application database, opened read-only.
#[derive(Debug, Clone, PartialEq)]
pub struct SqlCheck {
    pub database: Database,
    pub query: String,
    /// The query returns `(label, value)` rows, recorded as metric series.
    pub metrics: bool,
    pub value: Value,
}

/// `sqlite_integrity`: `integrity_check` and `foreign_key_check` on a database.
#[derive(Debug, Clone, PartialEq)]
pub struct IntegrityCheck {
    pub database: PathBuf,
}

/// `command`: a Nagios plugin.
#[derive(Debug, Clone, PartialEq)]
pub struct CommandCheck {
    /// `Shell` with `shell = true`, `Argv` (a program first) without.
    pub command: CommandLine,
    pub value: Value,
}

/// `file_age`: a file modified within `max_age`.
#[derive(Debug, Clone, PartialEq)]
pub struct FileAgeCheck {
    pub path: PathBuf,
    pub max_age: Span,
}

/// `disk`: free space on the filesystem holding `path`.
#[derive(Debug, Clone, PartialEq)]
pub struct DiskCheck {
    pub path: PathBuf,
    pub value: Value,
}

/// `tls`: days until a certificate expires.
#[derive(Debug, Clone, PartialEq)]
pub struct TlsCheck {
    pub source: TlsSource,
    pub value: Value,
}

/// Where the tls check reads its certificates.
#[derive(Debug, Clone, PartialEq)]
pub enum TlsSource {
    /// A server's handshake; the name it is asked for defaults to the address's host.
    Server {
        address: String,
        server_name: Option<String>,
    },
    /// A PEM file.
    File(PathBuf),
}

/// `rls`: every table of `schemas` has row-level security enabled and forced and at
/// least one policy, and no role bypasses it but those allowed.
#[derive(Debug, Clone, PartialEq)]
pub struct RlsCheck {
    pub database: Postgres,
    pub schemas: Vec<String>,
    /// Tables meant to be shared: `name` (in any of the schemas) or `schema.name`.
    pub exclude: Vec<String>,
    /// Roles that may bypass row-level security (BYPASSRLS or superuser).
    pub allow_bypass: Vec<String>,
}

/// `cycle` (built in): no gap in the run log longer than twice `[schedule] system`.
#[derive(Debug, Clone, PartialEq)]
pub struct CycleCheck {
    /// How far back it looks: `window`, else the check's `every`.
    pub window: Span,
}

impl CheckKind {
    /// The environment variables whose values this type sends: `${VAR}` in an http URL
    /// and header values, a PostgreSQL conninfo, and `password_env`.
    fn secret_vars(&self) -> Vec<String> {
        match self {
            CheckKind::Http(http) => {
                let mut vars = super::http::template_vars(&http.url);
                for value in http.headers.values() {
                    vars.extend(super::http::template_vars(value));
                }
                vars
            }
            CheckKind::Sql(SqlCheck {
                database: Database::Postgres(pg),
                ..
            })
            | CheckKind::Rls(RlsCheck { database: pg, .. }) => pg.secret_vars(),
            _ => Vec::new(),
        }
    }
}

impl Postgres {
    /// `${VAR}`s of the conninfo (it may hold a password) and the password variable.
    pub fn secret_vars(&self) -> Vec<String> {
        let mut vars = super::http::template_vars(&self.conninfo);
        vars.extend(self.password_env.iter().cloned());
        vars
    }
}

impl Check {
    /// The type as written and recorded.
    pub fn tag(&self) -> Kind {
        self.kind.tag()
    }

    /// The environment variables whose values the check sends (`${VAR}` in the URL
    /// and header values): secrets, redacted wherever they would appear.
    pub fn secret_vars(&self) -> Vec<String> {
        let mut vars = Vec::new();
        let kinds = match &self.targets {
            Some(fan_out) => fan_out.targets.iter().map(|t| &t.kind).collect(),
            None => vec![&self.kind],
        };
        for kind in kinds {
            vars.extend(kind.secret_vars());
        }
        vars.dedup();
        vars
    }

    /// True when `skip_unless_env` names a variable that is unset or empty.
    pub fn skipped_by_env(&self) -> bool {
        self.common
            .skip_unless_env
            .as_deref()
            .is_some_and(|var| std::env::var_os(var).is_none_or(|v| v.is_empty()))
    }
}

/// A labelled value a check recorded (perfdata, `metrics = true` rows).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Metric {
    pub label: String,
    pub value: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}

/// One remediation command's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ActionResult {
    pub command: Vec<String>,
    /// None when it was killed or could not start.
    pub exit_code: Option<i32>,
    pub timed_out: bool,
    pub duration_ms: u64,
    /// The first lines of its output (or why it could not start).
    pub output: String,
}

/// What happened after a failure: the first result, the actions, and whether a re-check
/// ran; or, when the check has `on_failure` commands that did not run, why (`held`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Remediation {
    pub initial_status: Status,
    pub initial_message: String,
    pub actions: Vec<ActionResult>,
    pub rechecked: bool,
    /// The re-check passed: the failure healed within this run.
    pub recovered: bool,
    /// Why no command ran (remediation off, not asked for, not a judged failure, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held: Option<String>,
}

/// One check's result in one run: what the store records and the commands print.
/// Times are unix seconds; commands build their own output structs from it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckOutcome {
    pub name: String,
    pub group: Group,
    #[serde(rename = "type")]
    pub kind: Kind,
    pub severity: Severity,
    pub status: Status,
    pub message: String,
    pub value: Option<f64>,
    pub latency_ms: Option<u64>,
    /// Unix seconds (the invocation's clock).
    pub started_at: i64,
    pub duration_ms: u64,
    pub metrics: Vec<Metric>,
    pub remediation: Option<Remediation>,
    /// The silence this run fell in, and what it held back.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub silenced: Option<Silenced>,
}

/// What a silence (a maintenance window) held back in one run of a check: the check ran
/// and its result was recorded; these did not happen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Silenced {
    /// Which silence: `silence #3`, or `[[silence]] 1` of the config.
    pub by: String,
    pub reason: String,
    /// When it ends (unix seconds).
    pub until: i64,
    /// What it held back: `alert`, `escalation`, `flapping notice`, `remediation`.
    pub held: Vec<String>,
}

impl CheckOutcome {
    /// Every text of the outcome with the known secrets masked.
    pub fn redacted(mut self, redactor: &Redactor) -> Self {
        self.message = redactor.redact(&self.message);
        for metric in &mut self.metrics {
            metric.label = redactor.redact(&metric.label);
        }
        if let Some(remediation) = &mut self.remediation {
            remediation.initial_message = redactor.redact(&remediation.initial_message);
            for action in &mut remediation.actions {
                action.output = redactor.redact(&action.output);
            }
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argv_display_quotes_spaces() {
        let argv: Vec<String> = vec!["systemctl".into(), "restart".into(), "my api".into()];
        assert_eq!(display_argv(&argv), "systemctl restart 'my api'");
    }
}
