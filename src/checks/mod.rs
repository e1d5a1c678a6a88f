//! The health checks of the protocol: their config, the pure evaluation of what a check
//! observed, and the runner that executes due checks on a bounded pool of threads.
//!
//! Each check type lives in its own file and turns a `CheckConfig` into an
//! `Observation`; everything shared (thresholds, `expect`, severity, remediation,
//! timeouts) happens here, once.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Result;
use serde::{Deserialize, Deserializer, Serialize};

use crate::alert::secret::Redactor;
use crate::config::Loaded;
use crate::duration::Span;

pub mod command;
mod cycle;
mod disk;
pub mod doc;
mod file_age;
mod http;
mod integrity;
pub mod manual;
mod sql;
mod state;
mod tcp;
mod tls;
pub mod validate;

pub use state::{CheckState, RecordedResult, Shown};

/// The protocol's groups, in the order the protocol lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
        }
    }

    /// What the recorded `value` of this type means (for docs and `hb status`).
    pub fn value_meaning(self) -> Option<&'static str> {
        match self {
            Kind::Http => Some("the JSON field's value, when `json_field` is set"),
            Kind::Tcp => None,
            Kind::Sql => Some("the query's first column (with `metrics`, the sum of the series)"),
            Kind::SqliteIntegrity => Some("problems found"),
            Kind::Command => Some("the first perfdata value"),
            Kind::FileAge => Some("age in seconds"),
            Kind::Disk => Some("free space in %"),
            Kind::Tls => Some("days until the certificate expires"),
            Kind::Cycle => Some("longest gap between cycles, in seconds"),
        }
    }
}

/// What a failure of the check counts as: the worst status it can report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

/// The worst status of a set of outcomes (ok when there are none).
pub fn worst(outcomes: &[CheckOutcome]) -> Status {
    outcomes
        .iter()
        .fold(Status::Ok, |acc, outcome| acc.worse(outcome.status))
}

/// `expect = 0`, `expect = "ok"`, `expect = true`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Expected {
    Bool(bool),
    Number(f64),
    Text(String),
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
    /// The argv to execute: `sh -c STRING` for a shell line.
    pub fn argv(&self, shell: bool) -> Vec<String> {
        match (self, shell) {
            (CommandLine::Shell(line), _) => vec!["sh".into(), "-c".into(), line.clone()],
            (CommandLine::Argv(argv), true) => {
                vec!["sh".into(), "-c".into(), argv.join(" ")]
            }
            (CommandLine::Argv(argv), false) => argv.clone(),
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

pub const DEFAULT_TIMEOUT: Span = Span::secs(10);
pub const DEFAULT_REMEDIATION_TIMEOUT: Span = Span::secs(60);

/// One `[[check]]`. Common keys first, then the keys of each type; `validate` rejects a
/// type-specific key on a type that does not use it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckConfig {
    /// Spanned so that errors about this check can name its line.
    #[serde(rename = "name")]
    pub(crate) name_spanned: toml::Spanned<String>,
    #[serde(skip)]
    pub name: String,
    /// Line of the check's `[[check]]` header in the config file (0 when unknown).
    #[serde(skip)]
    pub line: usize,
    pub group: Group,
    #[serde(rename = "type")]
    pub kind: Kind,
    /// One line for HEARTBEAT.md: what the check guarantees ("API responding < 100 ms").
    pub description: Option<String>,
    /// What the value is, in messages ("queue depth"): default, the name in words.
    pub label: Option<String>,
    /// The value's unit in messages (`%`, `s`, `USD`): default, the type's own.
    pub unit: Option<String>,
    /// As written; `every` holds the effective cadence (`[schedule] protocol` if unset).
    #[serde(
        rename = "every",
        default,
        deserialize_with = "crate::duration::de::opt_cadence"
    )]
    pub(crate) every_raw: Option<Span>,
    #[serde(skip, default = "default_every")]
    pub every: Span,
    #[serde(default)]
    pub severity: Severity,
    #[serde(
        default = "default_timeout",
        deserialize_with = "crate::duration::de::time_limit"
    )]
    pub timeout: Span,
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Skipped (not failed) when this environment variable is unset or empty.
    pub skip_unless_env: Option<String>,
    #[serde(default = "one")]
    pub alert_after: u32,
    #[serde(default = "three")]
    pub escalate_after: u32,
    /// Channels this check alerts instead of its priority's route (`[alerts.routes]`).
    pub route: Option<Vec<String>>,
    /// Remediation commands (argv arrays), run in order when the check fails.
    #[serde(default)]
    pub on_failure: Vec<Vec<String>>,
    /// Run the check again after the remediation; the re-check's result is what counts.
    #[serde(default)]
    pub recheck: bool,
    /// Wait this long after the remediation before the re-check.
    #[serde(default, deserialize_with = "crate::duration::de::opt_wait")]
    pub recheck_delay: Option<Span>,
    /// Time limit of each remediation command (default 60s).
    #[serde(default, deserialize_with = "crate::duration::de::opt_time_limit")]
    pub remediation_timeout: Option<Span>,

    // Conditions on the check's value (sql, http with json_field, command, disk, tls).
    pub warn_above: Option<f64>,
    pub crit_above: Option<f64>,
    pub warn_below: Option<f64>,
    pub crit_below: Option<f64>,
    pub expect: Option<Expected>,

    // http
    pub url: Option<String>,
    pub method: Option<String>,
    /// Values may contain `${VAR}`, read from the environment and never printed.
    pub headers: Option<BTreeMap<String, String>>,
    pub body: Option<String>,
    pub expect_status: Option<u16>,
    pub max_latency_ms: Option<u64>,
    pub body_contains: Option<String>,
    /// Dotted path into a JSON response (`workers.available`, `items.0.id`).
    pub json_field: Option<String>,
    /// Follow 3xx redirects (never to another origin when `headers` are set); without
    /// it a 3xx is judged by `expect_status` like any status.
    #[serde(default)]
    pub follow_redirects: bool,

    // tcp, tls
    pub address: Option<String>,
    pub server_name: Option<String>,

    // sql, sqlite_integrity
    pub database: Option<PathBuf>,
    pub query: Option<String>,
    /// The query returns `(label, value)` rows, recorded as metric series.
    #[serde(default)]
    pub metrics: bool,

    // command
    pub command: Option<CommandLine>,
    #[serde(default)]
    pub shell: bool,

    // file_age, disk, tls (a PEM file)
    pub path: Option<PathBuf>,
    #[serde(default, deserialize_with = "crate::duration::de::opt_period")]
    pub max_age: Option<Span>,

    // cycle
    /// How far back the cycle check looks for gaps (default: the check's `every`).
    #[serde(default, deserialize_with = "crate::duration::de::opt_period")]
    pub window: Option<Span>,
}

fn default_every() -> Span {
    Span::secs(4 * 3600)
}
fn default_timeout() -> Span {
    DEFAULT_TIMEOUT
}
fn yes() -> bool {
    true
}
fn one() -> u32 {
    1
}
fn three() -> u32 {
    3
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

    /// Every limit in words: "warn above 80, critical above 100".
    pub fn describe(&self, unit: Option<&str>) -> String {
        let v = |n: f64| format_value(n, unit);
        let mut parts = Vec::new();
        if let Some(n) = self.warn_above {
            parts.push(format!("warn above {}", v(n)));
        }
        if let Some(n) = self.crit_above {
            parts.push(format!("critical above {}", v(n)));
        }
        if let Some(n) = self.warn_below {
            parts.push(format!("warn below {}", v(n)));
        }
        if let Some(n) = self.crit_below {
            parts.push(format!("critical below {}", v(n)));
        }
        parts.join(", ")
    }

    /// The limits a passing value meets first, each way: "warn above 80".
    fn nearest(&self, unit: Option<&str>) -> String {
        Thresholds {
            warn_above: self.warn_above,
            crit_above: self.crit_above.filter(|_| self.warn_above.is_none()),
            warn_below: self.warn_below,
            crit_below: self.crit_below.filter(|_| self.warn_below.is_none()),
        }
        .describe(unit)
    }
}

/// A value with its unit as people read it: `0.833%`, `23.3 s`, `4` (a `%` sticks to the
/// number; a word unit gets a space).
pub fn format_value(n: f64, unit: Option<&str>) -> String {
    match unit.map(str::trim).filter(|u| !u.is_empty()) {
        None => format_number(n),
        Some("%") => format!("{}%", format_number(n)),
        Some(unit) => format!("{} {unit}", format_number(n)),
    }
}

impl CheckConfig {
    /// The thresholds that apply: as configured, else the type's defaults (disk and tls).
    pub fn thresholds(&self) -> Thresholds {
        let configured = Thresholds {
            warn_above: self.warn_above,
            crit_above: self.crit_above,
            warn_below: self.warn_below,
            crit_below: self.crit_below,
        };
        if !configured.is_empty() || self.expect.is_some() {
            return configured;
        }
        match self.kind {
            Kind::Disk => Thresholds {
                warn_below: Some(20.0),
                crit_below: Some(10.0),
                ..Thresholds::default()
            },
            Kind::Tls => Thresholds {
                warn_below: Some(21.0),
                crit_below: Some(7.0),
                ..Thresholds::default()
            },
            _ => configured,
        }
    }

    /// What the value is called in messages: `label`, else the name with `-`/`_` as spaces.
    pub fn label(&self) -> String {
        self.label
            .clone()
            .unwrap_or_else(|| self.name.replace(['-', '_'], " "))
    }

    /// The value's unit: `unit`, else the type's own (disk `%`, tls `days`).
    pub fn unit(&self) -> Option<&str> {
        self.unit.as_deref().or(match self.kind {
            Kind::Disk => Some("%"),
            Kind::Tls => Some("days"),
            _ => None,
        })
    }

    pub fn remediation_timeout(&self) -> Duration {
        self.remediation_timeout
            .unwrap_or(DEFAULT_REMEDIATION_TIMEOUT)
            .0
    }

    /// The environment variables whose values the check sends (`${VAR}` in the URL
    /// and header values): secrets, redacted wherever they would appear.
    pub fn secret_vars(&self) -> Vec<String> {
        let mut vars: Vec<String> = self
            .url
            .iter()
            .flat_map(|u| http::template_vars(u))
            .collect();
        for value in self.headers.iter().flat_map(|h| h.values()) {
            vars.extend(http::template_vars(value));
        }
        vars
    }

    /// True when `skip_unless_env` names a variable that is unset or empty.
    pub fn skipped_by_env(&self) -> bool {
        self.skip_unless_env
            .as_deref()
            .is_some_and(|var| std::env::var_os(var).is_none_or(|v| v.is_empty()))
    }
}

/// A labelled value a check recorded (perfdata, `metrics = true` rows).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metric {
    pub label: String,
    pub value: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}

/// What a check's value was, before any condition is applied.
#[derive(Debug, Clone, PartialEq)]
pub enum Reading {
    Number(f64),
    Text(String),
    Bool(bool),
    Null,
}

impl Reading {
    pub fn number(&self) -> Option<f64> {
        match self {
            Reading::Number(n) => Some(*n),
            Reading::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
            Reading::Text(t) => t.trim().parse().ok(),
            Reading::Null => None,
        }
    }
}

impl Reading {
    /// The reading with the check's unit (numbers only).
    pub fn with_unit(&self, unit: Option<&str>) -> String {
        match self {
            Reading::Number(n) => format_value(*n, unit),
            other => other.to_string(),
        }
    }
}

impl fmt::Display for Reading {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reading::Number(n) => f.write_str(&format_number(*n)),
            Reading::Text(t) => write!(f, "{t:?}"),
            Reading::Bool(b) => write!(f, "{b}"),
            Reading::Null => f.write_str("null"),
        }
    }
}

/// A number as people read it: no trailing `.0`, at most three decimals.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{n:.0}")
    } else {
        let s = format!("{n:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// What one execution of a check type saw. `status` is the type's own verdict before
/// `expect`/thresholds and the severity cap: `Critical` means "failed".
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    pub status: Status,
    pub message: String,
    /// The reading that `expect` and the thresholds judge (None: nothing to judge).
    pub reading: Option<Reading>,
    pub latency_ms: Option<u64>,
    pub metrics: Vec<Metric>,
    /// The type already applied `expect`/thresholds (per row of a metrics query).
    pub judged: bool,
}

impl Observation {
    pub fn ok(message: impl Into<String>) -> Self {
        Observation {
            status: Status::Ok,
            message: message.into(),
            reading: None,
            latency_ms: None,
            metrics: Vec::new(),
            judged: false,
        }
    }

    pub fn failed(message: impl Into<String>) -> Self {
        Observation {
            status: Status::Critical,
            ..Observation::ok(message)
        }
    }

    pub fn unknown(message: impl Into<String>) -> Self {
        Observation {
            status: Status::Unknown,
            ..Observation::ok(message)
        }
    }

    pub fn with_reading(mut self, reading: Reading) -> Self {
        self.reading = Some(reading);
        self
    }

    pub fn with_latency(mut self, latency: Duration) -> Self {
        self.latency_ms = Some(latency.as_millis() as u64);
        self
    }
}

/// Judge a reading against `expect` or thresholds: the status and, when not ok, the limit
/// it broke ("critical above 100%"; the observation's message already shows the value).
pub fn judge(
    reading: &Reading,
    expect: Option<&Expected>,
    t: &Thresholds,
    unit: Option<&str>,
) -> (Status, String) {
    if let Some(expected) = expect {
        let equal = match (expected, reading) {
            (Expected::Number(want), got) => got.number().is_some_and(|n| nearly_equal(n, *want)),
            (Expected::Text(want), Reading::Text(got)) => got == want,
            (Expected::Text(want), got @ (Reading::Number(_) | Reading::Bool(_))) => {
                got.to_string() == *want
            }
            (Expected::Bool(want), got) => match got {
                Reading::Bool(b) => b == want,
                other => other.number() == Some(if *want { 1.0 } else { 0.0 }),
            },
            (_, Reading::Null) => false,
        };
        return if equal {
            (Status::Ok, String::new())
        } else {
            (Status::Critical, expected_text(expected, unit))
        };
    }
    if t.is_empty() {
        return (Status::Ok, String::new());
    }
    let Some(value) = reading.number() else {
        return (
            Status::Unknown,
            "not a number, cannot compare with the thresholds".to_string(),
        );
    };
    let n = |limit: f64| format_value(limit, unit);
    if let Some(limit) = t.crit_above.filter(|limit| value > *limit) {
        return (Status::Critical, format!("critical above {}", n(limit)));
    }
    if let Some(limit) = t.crit_below.filter(|limit| value < *limit) {
        return (Status::Critical, format!("critical below {}", n(limit)));
    }
    if let Some(limit) = t.warn_above.filter(|limit| value > *limit) {
        return (Status::Warning, format!("warn above {}", n(limit)));
    }
    if let Some(limit) = t.warn_below.filter(|limit| value < *limit) {
        return (Status::Warning, format!("warn below {}", n(limit)));
    }
    (Status::Ok, String::new())
}

/// The condition a passing value is held to, in words ("warn above 80", "expected 0");
/// None when it has none.
pub fn condition(expect: Option<&Expected>, t: &Thresholds, unit: Option<&str>) -> Option<String> {
    let text = match expect {
        Some(expected) => expected_text(expected, unit),
        None => t.nearest(unit),
    };
    (!text.is_empty()).then_some(text)
}

/// "expected 0 USD": a number gets the value's unit.
pub fn expected_text(expected: &Expected, unit: Option<&str>) -> String {
    match expected {
        Expected::Number(n) => format!("expected {}", format_value(*n, unit)),
        other => format!("expected {other}"),
    }
}

/// A message and, in parentheses, what its value is held to or broke.
fn annotate(message: String, note: String) -> String {
    if message.is_empty() {
        note
    } else {
        format!("{message} ({note})")
    }
}

fn nearly_equal(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// A failure counts as the check's severity at most: a warning-severity check never
/// reports critical. Unknown and skipped are not failures of the target and stay as they are.
pub fn cap(status: Status, severity: Severity) -> Status {
    match (status, severity) {
        (Status::Critical, Severity::Warning) => Status::Warning,
        (status, _) => status,
    }
}

/// Combine a type's observation with the check's conditions and severity.
pub fn evaluate(check: &CheckConfig, obs: Observation) -> Evaluated {
    let mut status = obs.status;
    let mut message = obs.message;
    if status == Status::Ok && !obs.judged {
        if let Some(reading) = &obs.reading {
            let (expect, thresholds, unit) =
                (check.expect.as_ref(), check.thresholds(), check.unit());
            let (verdict, reason) = judge(reading, expect, &thresholds, unit);
            if verdict != Status::Ok {
                status = verdict;
                message = annotate(message, reason);
            } else if let Some(held_to) = condition(expect, &thresholds, unit) {
                message = annotate(message, held_to);
            }
        }
    }
    Evaluated {
        status: cap(status, check.severity),
        message,
        value: obs.reading.as_ref().and_then(Reading::number),
        latency_ms: obs.latency_ms,
        metrics: obs.metrics,
    }
}

/// An observation after conditions and severity: what a run records.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluated {
    pub status: Status,
    pub message: String,
    pub value: Option<f64>,
    pub latency_ms: Option<u64>,
    pub metrics: Vec<Metric>,
}

/// One remediation command's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

/// Whether a run may start `on_failure` commands at all. `Off` carries the reason that
/// each failing check with remediation records instead ("remediation not run: ...").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actions {
    On,
    Off(&'static str),
}

impl Actions {
    /// `[actions] enabled = false` is the global brake: it wins over any request.
    pub fn under(self, config: &crate::config::ActionsConfig) -> Actions {
        if config.enabled {
            self
        } else {
            Actions::Off(ACTIONS_DISABLED)
        }
    }
}

pub const ACTIONS_DISABLED: &str = "remediation is off ([actions] enabled = false)";

/// Whether remediation runs at all, as the boards (`hb checks`, `hb status`) show it.
#[derive(Debug, Clone, Serialize)]
pub struct RemediationStatus {
    pub enabled: bool,
    /// Why not, when it is off.
    pub reason: Option<&'static str>,
}

impl RemediationStatus {
    pub fn of(config: &crate::config::Config) -> Self {
        match Actions::On.under(&config.actions) {
            Actions::On => RemediationStatus {
                enabled: true,
                reason: None,
            },
            Actions::Off(reason) => RemediationStatus {
                enabled: false,
                reason: Some(reason),
            },
        }
    }

    /// The board's line when remediation is off.
    pub fn notice(&self) -> Option<String> {
        self.reason
            .map(|reason| format!("{reason}: no on_failure command runs"))
    }
}

/// What a result means for the check's `on_failure` commands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemediationPlan {
    /// Nothing to remediate: no commands, or the result is ok or skipped.
    None,
    Run,
    /// Remediation would apply but does not run, for this reason.
    Held(String),
}

/// The rule of remediation, in one place. Commands run only for a judged failure
/// (warning or critical) of a check that has passed here before, while actions are on:
/// - unknown is hb not knowing (a missing file, a bad query, a name that does not
///   resolve), and restarting a service over it would do harm;
/// - a check that has never passed cannot tell a broken target from a wrong address or
///   an app that is not installed here, and remediation repairs what once worked.
pub fn remediation_plan(
    check: &CheckConfig,
    status: Status,
    actions: Actions,
    has_passed: bool,
) -> RemediationPlan {
    if check.on_failure.is_empty() || !status.is_failure() {
        return RemediationPlan::None;
    }
    if status == Status::Unknown {
        return RemediationPlan::Held(
            "the check could not be evaluated (unknown); remediation runs only on a judged failure"
                .into(),
        );
    }
    if let Actions::Off(reason) = actions {
        return RemediationPlan::Held(reason.into());
    }
    if !has_passed {
        return RemediationPlan::Held(format!(
            "{} has never passed here; remediation runs once it has (a wrong address or an \
             app that is not installed here must not restart anything)",
            check.name
        ));
    }
    RemediationPlan::Run
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

/// What a run of checks needs besides the checks: the clock, where relative paths start,
/// the hb store and cadence for the built-in `cycle` check, and which checks have passed
/// before (remediation waits for that).
#[derive(Debug, Clone)]
pub struct RunContext {
    pub now: i64,
    pub base_dir: PathBuf,
    pub store_path: Option<PathBuf>,
    /// `[schedule] system`: the cadence the `cycle` check holds the run log to.
    pub cycle_cadence: Span,
    /// Names of the checks that hb has seen pass (any recorded run).
    pub passed: Arc<HashSet<String>>,
    /// The config's redactor: applied to every outcome before anyone sees it.
    pub redactor: Arc<Redactor>,
}

impl RunContext {
    pub fn new(loaded: &Loaded, store_path: Option<PathBuf>, now: i64) -> Self {
        let base_dir = loaded
            .path
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        RunContext {
            now,
            base_dir,
            store_path,
            cycle_cadence: loaded.config.schedule.system,
            passed: Arc::default(),
            redactor: loaded.config.alerts.redactor(),
        }
    }

    /// Remember which checks have passed here before (`Store::passed_checks`).
    pub fn with_passed(mut self, passed: HashSet<String>) -> Self {
        self.passed = Arc::new(passed);
        self
    }

    /// A path from the config, relative to the config file's directory.
    pub fn resolve(&self, path: &Path) -> PathBuf {
        if path.is_relative() {
            self.base_dir.join(path)
        } else {
            path.to_path_buf()
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct RunOptions {
    /// Whether `on_failure` commands may run (see `remediation_plan`).
    pub actions: Actions,
    /// At most this many checks at once.
    pub parallel: usize,
}

impl RunOptions {
    pub fn new(actions: Actions) -> Self {
        RunOptions {
            actions,
            parallel: MAX_PARALLEL,
        }
    }
}

/// Checks mostly wait on the network or a child process, so many at once cost little;
/// the bound keeps a config with hundreds of checks from opening hundreds of sockets.
pub const MAX_PARALLEL: usize = 64;

/// The watchdog's margin over a check's own timeout: each type enforces its timeout, and
/// the watchdog catches what cannot be (a hung DNS lookup or network filesystem).
const WATCHDOG_GRACE: Duration = Duration::from_secs(2);

/// Whether a check is due (the cycle's cadence rule, `cycle::schedule`).
pub fn is_due(every: Span, last_run_at: Option<i64>, now: i64) -> bool {
    crate::cadence::is_due(last_run_at, every.as_secs(), now)
}

/// "3 checks: 2 ok, 1 critical".
pub fn summary(outcomes: &[CheckOutcome]) -> String {
    let order = [
        Status::Ok,
        Status::Warning,
        Status::Critical,
        Status::Unknown,
        Status::Skipped,
    ];
    let counts: Vec<String> = order
        .iter()
        .filter_map(|status| {
            let n = outcomes.iter().filter(|o| o.status == *status).count();
            (n > 0).then(|| format!("{n} {status}"))
        })
        .collect();
    let noun = if outcomes.len() == 1 {
        "check"
    } else {
        "checks"
    };
    format!("{} {noun}: {}", outcomes.len(), counts.join(", "))
}

/// A check over a window: how often it was up, how fast it answered.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WindowStats {
    /// Results that counted (skipped ones do not).
    pub runs: usize,
    /// Share of counted results that were ok, in percent (one decimal).
    pub uptime_percent: Option<f64>,
    pub avg_latency_ms: Option<f64>,
    /// Nearest-rank 95th percentile.
    pub p95_latency_ms: Option<f64>,
}

pub fn window_stats(results: &[(Status, Option<i64>)]) -> WindowStats {
    let counted: Vec<&(Status, Option<i64>)> = results
        .iter()
        .filter(|(s, _)| *s != Status::Skipped)
        .collect();
    let ok = counted.iter().filter(|(s, _)| *s == Status::Ok).count();
    let mut latencies: Vec<i64> = results.iter().filter_map(|(_, l)| *l).collect();
    latencies.sort_unstable();
    let round = |x: f64| (x * 10.0).round() / 10.0;
    WindowStats {
        runs: counted.len(),
        uptime_percent: (!counted.is_empty())
            .then(|| round(ok as f64 / counted.len() as f64 * 100.0)),
        avg_latency_ms: (!latencies.is_empty())
            .then(|| round(latencies.iter().sum::<i64>() as f64 / latencies.len() as f64)),
        p95_latency_ms: (!latencies.is_empty()).then(|| {
            let rank = ((latencies.len() as f64) * 0.95).ceil() as usize;
            latencies[rank.clamp(1, latencies.len()) - 1] as f64
        }),
    }
}

/// The enabled checks that are due at `now`, in config order.
pub fn due_checks<'a>(
    checks: &'a [CheckConfig],
    states: &HashMap<String, CheckState>,
    now: i64,
) -> Vec<&'a CheckConfig> {
    checks
        .iter()
        .filter(|c| c.enabled)
        .filter(|c| is_due(c.every, states.get(&c.name).map(|s| s.last_run_at), now))
        .collect()
}

/// Run checks on a bounded pool of threads; outcomes come back in the order given.
pub fn run_checks(
    checks: &[&CheckConfig],
    ctx: &RunContext,
    opts: RunOptions,
) -> Vec<CheckOutcome> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<CheckOutcome>>> = Mutex::new(vec![None; checks.len()]);
    let workers = opts.parallel.clamp(1, checks.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(check) = checks.get(index) else {
                    break;
                };
                let outcome = run_one(check, ctx, opts);
                if let Ok(mut results) = results.lock() {
                    results[index] = Some(outcome);
                }
            });
        }
    });
    let results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    results
        .into_iter()
        .zip(checks)
        .map(|(outcome, check)| {
            // Only a panic inside a worker leaves a hole; report it instead of losing it.
            outcome.unwrap_or_else(|| {
                outcome_of(
                    check,
                    ctx.now,
                    Duration::ZERO,
                    Evaluated {
                        status: Status::Unknown,
                        message: "the check crashed".into(),
                        value: None,
                        latency_ms: None,
                        metrics: Vec::new(),
                    },
                    None,
                )
            })
        })
        .collect()
}

/// One check, start to finish: skip rules, execution, remediation and re-check. The
/// outcome is redacted here, once: what a target answered may quote a secret (a body
/// echoing an API key), and from here it goes to the store, the logs and alerts.
pub fn run_one(check: &CheckConfig, ctx: &RunContext, opts: RunOptions) -> CheckOutcome {
    run_unredacted(check, ctx, opts).redacted(&ctx.redactor)
}

fn run_unredacted(check: &CheckConfig, ctx: &RunContext, opts: RunOptions) -> CheckOutcome {
    let started = Instant::now();
    if !check.enabled {
        return skipped(
            check,
            ctx.now,
            "disabled in the config (enabled = false)".into(),
        );
    }
    if check.skipped_by_env() {
        let var = check.skip_unless_env.as_deref().unwrap_or_default();
        return skipped(check, ctx.now, format!("not configured: ${var} is not set"));
    }
    let first = execute(check, ctx);
    let has_passed = ctx.passed.contains(&check.name);
    match remediation_plan(check, first.status, opts.actions, has_passed) {
        RemediationPlan::None => return outcome_of(check, ctx.now, started.elapsed(), first, None),
        RemediationPlan::Held(why) => {
            let held = Remediation {
                initial_status: first.status,
                initial_message: first.message.clone(),
                actions: Vec::new(),
                rechecked: false,
                recovered: false,
                held: Some(why),
            };
            return outcome_of(check, ctx.now, started.elapsed(), first, Some(held));
        }
        RemediationPlan::Run => {}
    }
    let actions: Vec<ActionResult> = check
        .on_failure
        .iter()
        .map(|argv| command::run_action(argv, check.remediation_timeout(), &ctx.base_dir))
        .collect();
    let mut remediation = Remediation {
        initial_status: first.status,
        initial_message: first.message.clone(),
        actions,
        rechecked: false,
        recovered: false,
        held: None,
    };
    let last = if check.recheck {
        if let Some(delay) = check.recheck_delay {
            std::thread::sleep(delay.0);
        }
        let again = execute(check, ctx);
        remediation.rechecked = true;
        remediation.recovered = again.status == Status::Ok;
        again
    } else {
        first
    };
    outcome_of(check, ctx.now, started.elapsed(), last, Some(remediation))
}

fn skipped(check: &CheckConfig, now: i64, message: String) -> CheckOutcome {
    outcome_of(
        check,
        now,
        Duration::ZERO,
        Evaluated {
            status: Status::Skipped,
            message,
            value: None,
            latency_ms: None,
            metrics: Vec::new(),
        },
        None,
    )
}

fn outcome_of(
    check: &CheckConfig,
    now: i64,
    elapsed: Duration,
    evaluated: Evaluated,
    remediation: Option<Remediation>,
) -> CheckOutcome {
    CheckOutcome {
        name: check.name.clone(),
        group: check.group,
        kind: check.kind,
        severity: check.severity,
        status: evaluated.status,
        message: evaluated.message,
        value: evaluated.value,
        latency_ms: evaluated.latency_ms,
        started_at: now,
        duration_ms: elapsed.as_millis() as u64,
        metrics: evaluated.metrics,
        remediation,
    }
}

/// Execute the check's type under a watchdog: the type runs on its own thread, and if it
/// overruns its timeout (plus a grace) the run moves on and reports the timeout. The
/// abandoned thread ends with the process.
fn execute(check: &CheckConfig, ctx: &RunContext) -> Evaluated {
    let (tx, rx) = mpsc::channel();
    let owned = Arc::new(check.clone());
    let ctx_owned = ctx.clone();
    let spawned = std::thread::Builder::new()
        .name(format!("check {}", check.name))
        .spawn(move || {
            let obs = observe(&owned, &ctx_owned);
            let _ = tx.send(obs);
        });
    let obs = match spawned {
        Err(err) => Observation::unknown(format!("could not start a thread: {err}")),
        Ok(_) => match rx.recv_timeout(check.timeout.0.saturating_add(WATCHDOG_GRACE)) {
            Ok(obs) => obs,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                Observation::failed(format!("timed out after {}", check.timeout))
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                Observation::unknown("the check crashed".to_string())
            }
        },
    };
    evaluate(check, obs)
}

/// Dispatch to the check's type.
fn observe(check: &CheckConfig, ctx: &RunContext) -> Observation {
    match check.kind {
        Kind::Http => http::observe(check),
        Kind::Tcp => tcp::observe(check),
        Kind::Sql => sql::observe(check, ctx),
        Kind::SqliteIntegrity => integrity::observe(check, ctx),
        Kind::Command => command::observe(check, ctx),
        Kind::FileAge => file_age::observe(check, ctx),
        Kind::Disk => disk::observe(check, ctx),
        Kind::Tls => tls::observe(check, ctx),
        Kind::Cycle => cycle::observe(check, ctx),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_stats_uptime_average_and_p95() {
        let mut results: Vec<(Status, Option<i64>)> =
            (1..=19).map(|i| (Status::Ok, Some(i * 10))).collect();
        results.push((Status::Critical, Some(1000)));
        results.push((Status::Skipped, None));
        let stats = window_stats(&results);
        assert_eq!(stats.runs, 20);
        assert_eq!(stats.uptime_percent, Some(95.0));
        assert_eq!(stats.avg_latency_ms, Some(145.0));
        assert_eq!(stats.p95_latency_ms, Some(190.0));
        assert_eq!(window_stats(&[]).uptime_percent, None);
    }

    fn t(wa: Option<f64>, ca: Option<f64>, wb: Option<f64>, cb: Option<f64>) -> Thresholds {
        Thresholds {
            warn_above: wa,
            crit_above: ca,
            warn_below: wb,
            crit_below: cb,
        }
    }

    #[test]
    fn thresholds_above_and_below() {
        let above = t(Some(80.0), Some(100.0), None, None);
        assert_eq!(
            judge(&Reading::Number(50.0), None, &above, None).0,
            Status::Ok
        );
        assert_eq!(
            judge(&Reading::Number(80.0), None, &above, None).0,
            Status::Ok
        );
        assert_eq!(
            judge(&Reading::Number(81.0), None, &above, None).0,
            Status::Warning
        );
        let (status, why) = judge(&Reading::Number(120.0), None, &above, None);
        assert_eq!(status, Status::Critical);
        assert_eq!(why, "critical above 100");

        let below = t(None, None, Some(20.0), Some(10.0));
        assert_eq!(
            judge(&Reading::Number(25.0), None, &below, None).0,
            Status::Ok
        );
        assert_eq!(
            judge(&Reading::Number(15.5), None, &below, None).0,
            Status::Warning
        );
        assert_eq!(
            judge(&Reading::Number(5.0), None, &below, None).0,
            Status::Critical
        );
    }

    #[test]
    fn thresholds_need_a_number() {
        let above = t(None, Some(1.0), None, None);
        assert_eq!(judge(&Reading::Null, None, &above, None).0, Status::Unknown);
        assert_eq!(
            judge(&Reading::Text("abc".into()), None, &above, None).0,
            Status::Unknown
        );
        assert_eq!(
            judge(&Reading::Text("3".into()), None, &above, None).0,
            Status::Critical
        );
    }

    #[test]
    fn expect_compares_numbers_text_and_bools() {
        let none = Thresholds::default();
        let zero = Expected::Number(0.0);
        assert_eq!(
            judge(&Reading::Number(0.0), Some(&zero), &none, None).0,
            Status::Ok
        );
        assert_eq!(
            judge(&Reading::Number(1e-12), Some(&zero), &none, None).0,
            Status::Ok
        );
        let (status, why) = judge(&Reading::Number(2.5), Some(&zero), &none, None);
        assert_eq!(status, Status::Critical);
        assert_eq!(why, "expected 0");
        assert_eq!(
            judge(&Reading::Null, Some(&zero), &none, None).0,
            Status::Critical
        );
        let ok = Expected::Text("ok".into());
        assert_eq!(
            judge(&Reading::Text("ok".into()), Some(&ok), &none, None).0,
            Status::Ok
        );
        assert_eq!(
            judge(&Reading::Text("degraded".into()), Some(&ok), &none, None).0,
            Status::Critical
        );
        let yes = Expected::Bool(true);
        assert_eq!(
            judge(&Reading::Bool(true), Some(&yes), &none, None).0,
            Status::Ok
        );
        assert_eq!(
            judge(&Reading::Number(1.0), Some(&yes), &none, None).0,
            Status::Ok
        );
        assert_eq!(
            judge(&Reading::Number(0.0), Some(&yes), &none, None).0,
            Status::Critical
        );
    }

    #[test]
    fn severity_caps_failures() {
        assert_eq!(cap(Status::Critical, Severity::Warning), Status::Warning);
        assert_eq!(cap(Status::Critical, Severity::Critical), Status::Critical);
        assert_eq!(cap(Status::Unknown, Severity::Warning), Status::Unknown);
        assert_eq!(cap(Status::Ok, Severity::Warning), Status::Ok);
    }

    #[test]
    fn worst_and_exit_codes() {
        assert_eq!(Status::Ok.worse(Status::Warning), Status::Warning);
        assert_eq!(Status::Warning.worse(Status::Unknown), Status::Unknown);
        assert_eq!(Status::Critical.worse(Status::Unknown), Status::Critical);
        assert_eq!(Status::Skipped.worse(Status::Ok), Status::Ok);
        assert_eq!(Status::Skipped.exit_code(), 0);
        assert_eq!(Status::Warning.exit_code(), 1);
        assert_eq!(Status::Critical.exit_code(), 2);
        assert_eq!(Status::Unknown.exit_code(), 3);
        assert!(!Status::Skipped.is_failure());
        assert!(Status::Unknown.is_failure());
    }

    #[test]
    fn due_with_tolerance() {
        let five = Span::secs(300);
        assert!(is_due(five, None, 1000));
        assert!(!is_due(five, Some(1000), 1000 + 200));
        // A timer firing 10 s early still runs the check: tolerance is min(30 s, 30 s).
        assert!(is_due(five, Some(1000), 1000 + 290));
        assert!(is_due(five, Some(1000), 1000 + 270));
        assert!(!is_due(five, Some(1000), 1000 + 269));
        let four_hours = Span::secs(4 * 3600);
        assert!(!is_due(four_hours, Some(0), 4 * 3600 - 31));
        assert!(is_due(four_hours, Some(0), 4 * 3600 - 30));
        assert_eq!(
            crate::cadence::next_due(Some(1000), five.as_secs()),
            Some(1270)
        );
        // Short cadences get a tenth: a 60 s check tolerates 6 s.
        assert!(!is_due(Span::secs(60), Some(0), 53));
        assert!(is_due(Span::secs(60), Some(0), 54));
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(format_number(100.0), "100");
        assert_eq!(format_number(2.5), "2.5");
        assert_eq!(format_number(1.0 / 3.0), "0.333");
        assert_eq!(format_number(-4.0), "-4");
    }

    /// 100 http checks against a target that answers in 100 ms finish well under a
    /// second: they run side by side, not one after the other.
    #[test]
    fn runs_checks_in_parallel() {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            for stream in listener.incoming().take(100) {
                let Ok(mut stream) = stream else { continue };
                std::thread::spawn(move || {
                    let mut buf = [0u8; 1024];
                    let _ = stream.read(&mut buf);
                    std::thread::sleep(Duration::from_millis(100));
                    let _ = stream.write_all(
                        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
                    );
                });
            }
        });
        let text: String = (0..100)
            .map(|i| {
                format!(
                    "[[check]]\nname = \"c{i}\"\ngroup = \"system\"\ntype = \"http\"\n\
                     url = \"http://127.0.0.1:{port}/\"\ntimeout = \"5s\"\n"
                )
            })
            .collect();
        let config = crate::config::parse(&text).unwrap();
        let checks: Vec<&CheckConfig> = config.check.iter().collect();
        let ctx = RunContext {
            now: 0,
            base_dir: PathBuf::from("."),
            store_path: None,
            cycle_cadence: Span::secs(300),
            passed: Arc::default(),
            redactor: Arc::default(),
        };
        let started = Instant::now();
        let outcomes = run_checks(&checks, &ctx, RunOptions::new(Actions::Off("test")));
        let elapsed = started.elapsed();
        assert!(
            outcomes.iter().all(|o| o.status == Status::Ok),
            "{outcomes:?}"
        );
        assert_eq!(outcomes[42].name, "c42");
        assert!(elapsed < Duration::from_millis(800), "took {elapsed:?}");
    }

    #[test]
    fn remediation_runs_only_on_a_judged_failure_of_a_check_that_passed() {
        let config = crate::config::parse(
            "[[check]]\nname = \"api\"\ngroup = \"system\"\ntype = \"tcp\"\naddress = \"127.0.0.1:1\"\n\
             on_failure = [[\"systemctl\", \"restart\", \"api\"]]\n\n\
             [[check]]\nname = \"plain\"\ngroup = \"system\"\ntype = \"tcp\"\naddress = \"127.0.0.1:1\"\n",
        )
        .unwrap();
        let (api, plain) = (&config.check[0], &config.check[1]);
        let plan =
            |check, status, actions, passed| remediation_plan(check, status, actions, passed);
        assert_eq!(
            plan(api, Status::Critical, Actions::On, true),
            RemediationPlan::Run
        );
        assert_eq!(
            plan(api, Status::Warning, Actions::On, true),
            RemediationPlan::Run
        );
        assert_eq!(
            plan(api, Status::Ok, Actions::On, true),
            RemediationPlan::None
        );
        assert_eq!(
            plan(api, Status::Skipped, Actions::On, true),
            RemediationPlan::None
        );
        assert_eq!(
            plan(plain, Status::Critical, Actions::On, true),
            RemediationPlan::None
        );
        let held = |p: RemediationPlan| match p {
            RemediationPlan::Held(why) => why,
            other => panic!("not held: {other:?}"),
        };
        assert!(held(plan(api, Status::Unknown, Actions::On, true)).contains("unknown"));
        assert_eq!(
            held(plan(api, Status::Critical, Actions::Off("off"), true)),
            "off"
        );
        assert!(held(plan(api, Status::Critical, Actions::On, false)).contains("never passed"));
        let off = crate::config::ActionsConfig { enabled: false };
        assert_eq!(Actions::On.under(&off), Actions::Off(ACTIONS_DISABLED));
        assert_eq!(
            Actions::Off("x").under(&crate::config::ActionsConfig::default()),
            Actions::Off("x")
        );
    }

    #[test]
    fn argv_display_quotes_spaces() {
        let argv: Vec<String> = vec!["systemctl".into(), "restart".into(), "my api".into()];
        assert_eq!(display_argv(&argv), "systemctl restart 'my api'");
    }
}
