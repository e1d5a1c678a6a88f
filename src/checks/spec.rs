//! `[[check]]` as written, and its resolution into a typed `Check`.
//!
//! A check is read as one flat table (the keys of every type) so that serde names the
//! exact line of an unknown or mistyped key. Resolution then reads, for the check's
//! type, the keys that type uses: any other key written in the table does not apply to
//! it, and a key the type needs and that is not written is missing. Each error names
//! the key and its line.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use serde::Deserialize;

use super::model::{
    Check, CheckCommon, CheckKind, CommandCheck, CommandLine, Condition, CycleCheck, Database,
    DiskCheck, Expected, FanOut, FileAgeCheck, Group, HttpCheck, IntegrityCheck, JsonField,
    JsonSelection, Kind, Recheck, RlsCheck, Severity, SqlCheck, SslMode, Target, TcpCheck,
    Thresholds, TlsCheck, TlsSource, Value, Written,
};
use super::state::{Flap, Within, MAX_WINDOW};
use super::{http, json, postgres};
use crate::duration::{de, Span};
use crate::issue::{ConfigIssue, Position};

const DEFAULT_TIMEOUT: Span = Span::secs(10);
const DEFAULT_REMEDIATION_TIMEOUT: Span = Span::secs(60);

const METHODS: [&str; 7] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/// One `[[check]]` as written: the common keys, then the keys of each type (which of
/// them apply is the resolution's business).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckSpec {
    name: String,
    group: Group,
    #[serde(rename = "type")]
    kind: Kind,
    description: Option<String>,
    #[serde(default, deserialize_with = "de::opt_cadence")]
    every: Option<Span>,
    severity: Option<Severity>,
    #[serde(default, deserialize_with = "de::opt_time_limit")]
    timeout: Option<Span>,
    enabled: Option<bool>,
    skip_unless_env: Option<String>,
    alert_after: Option<u32>,
    fail_within: Option<String>,
    recover_after: Option<u32>,
    escalate_after: Option<u32>,
    flap_changes: Option<u32>,
    flap_window: Option<u32>,
    route: Option<Vec<String>>,
    on_failure: Option<Vec<Vec<String>>>,
    recheck: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_wait")]
    recheck_delay: Option<Span>,
    #[serde(default, deserialize_with = "de::opt_time_limit")]
    remediation_timeout: Option<Span>,

    // The value of the types that judge one.
    label: Option<String>,
    unit: Option<String>,
    warn_above: Option<f64>,
    crit_above: Option<f64>,
    warn_below: Option<f64>,
    crit_below: Option<f64>,
    expect: Option<Expected>,

    // http
    url: Option<String>,
    method: Option<String>,
    headers: Option<BTreeMap<String, String>>,
    body: Option<String>,
    expect_status: Option<u16>,
    max_latency_ms: Option<u64>,
    body_contains: Option<String>,
    json_field: Option<String>,
    json_path: Option<String>,
    json_condition: Option<String>,
    follow_redirects: Option<bool>,

    // tcp, tls
    address: Option<String>,
    server_name: Option<String>,

    // sql, sqlite_integrity, rls
    database: Option<String>,
    query: Option<String>,
    metrics: Option<bool>,
    password_env: Option<String>,
    sslmode: Option<SslMode>,
    ca_file: Option<PathBuf>,

    // rls
    schemas: Option<Vec<String>>,
    exclude: Option<Vec<String>>,
    allow_bypass: Option<Vec<String>>,

    // http, tcp, tls, sql, rls: the same check on each of several targets
    targets: Option<Vec<TargetSpec>>,

    // command
    command: Option<CommandLine>,
    shell: Option<bool>,

    // file_age, disk, tls (a PEM file)
    path: Option<PathBuf>,
    #[serde(default, deserialize_with = "de::opt_period")]
    max_age: Option<Span>,

    // cycle
    #[serde(default, deserialize_with = "de::opt_period")]
    window: Option<Span>,
}

/// One of `targets`: the URL, address or database itself (also its name in messages),
/// or a table that names it.
#[derive(Debug, Clone)]
enum TargetSpec {
    Plain(String),
    Named(NamedTarget),
}

/// By the value's own type, not `untagged` (which tries each variant in turn): a table's
/// own error, an unknown key in it say, is told as itself.
impl<'de> Deserialize<'de> for TargetSpec {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = TargetSpec;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(
                    "a string (a URL, host:port or database), or a table with `name` and one \
                     of `url`, `address`, `database`",
                )
            }
            fn visit_str<E>(self, v: &str) -> Result<TargetSpec, E> {
                Ok(TargetSpec::Plain(v.to_string()))
            }
            fn visit_string<E>(self, v: String) -> Result<TargetSpec, E> {
                Ok(TargetSpec::Plain(v))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<TargetSpec, A::Error> {
                NamedTarget::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(TargetSpec::Named)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct NamedTarget {
    name: String,
    url: Option<String>,
    address: Option<String>,
    database: Option<String>,
}

/// Resolve every `[[check]]` table, each with where it was written, in config order.
/// A check without `every` follows `protocol` (`[schedule] protocol`). The first
/// problem is the error.
pub fn resolve(
    tables: Vec<(CheckSpec, Written)>,
    protocol: Span,
) -> Result<Vec<Check>, ConfigIssue> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut checks = Vec::with_capacity(tables.len());
    for (index, (spec, written)) in tables.into_iter().enumerate() {
        let name_line = written.line_of("name");
        if let Some(first) = seen.get(&spec.name) {
            return Err(ConfigIssue {
                at: Some(Position::Line(name_line)),
                key: format!("check[{index}].name"),
                message: format!(
                    "duplicate check name `{}` (first declared at line {first})",
                    spec.name
                ),
            });
        }
        seen.insert(spec.name.clone(), name_line);
        checks.push(spec.resolve(index, written, protocol)?);
    }
    Ok(checks)
}

/// Reading a check's keys: which keys its resolution used, so that any other key
/// written in the table is reported as not applying to its type.
#[derive(Clone)]
struct Reader {
    index: usize,
    kind: Kind,
    written: Written,
    used: Vec<&'static str>,
}

/// Read one key of the spec, by its field's name (the key as written).
macro_rules! read {
    ($reader:ident, $spec:ident . $key:ident) => {
        $reader.read(stringify!($key), $spec.$key.take())
    };
}

impl Reader {
    fn read<T>(&mut self, key: &'static str, value: Option<T>) -> Option<T> {
        self.used.push(key);
        value
    }

    fn issue(&self, key: &str, message: impl Into<String>) -> ConfigIssue {
        ConfigIssue {
            at: Some(Position::Line(self.written.line_of(key))),
            key: format!("check[{}].{key}", self.index),
            message: message.into(),
        }
    }

    fn kind(&self) -> &'static str {
        self.kind.as_str()
    }

    /// A key the type needs.
    fn required<T>(&self, key: &str, value: Option<T>) -> Result<T, ConfigIssue> {
        value.ok_or_else(|| self.issue(key, format!("a {} check needs `{key}`", self.kind())))
    }

    /// Every key written in the table that the resolution did not read: a key of
    /// another type.
    fn refuse_others(&self) -> Result<(), ConfigIssue> {
        match self
            .written
            .keys
            .iter()
            .find(|(key, _)| !self.used.contains(&key.as_str()))
        {
            Some((key, _)) => Err(self.issue(
                key,
                format!("`{key}` does not apply to a {} check", self.kind()),
            )),
            None => Ok(()),
        }
    }
}

impl CheckSpec {
    fn resolve(
        mut self,
        index: usize,
        written: Written,
        protocol: Span,
    ) -> Result<Check, ConfigIssue> {
        let mut r = Reader {
            index,
            kind: self.kind,
            written,
            used: vec!["name", "group", "type"],
        };
        let name = std::mem::take(&mut self.name);
        if name.is_empty()
            || !name
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '-' | '_' | '.'))
        {
            return Err(r.issue(
                "name",
                format!("invalid check name {name:?}: use letters, digits, `-`, `_` and `.`"),
            ));
        }
        let s = &mut self;
        let description = read!(r, s.description);
        let every = read!(r, s.every).unwrap_or(protocol);
        let severity = read!(r, s.severity).unwrap_or_default();
        let timeout = read!(r, s.timeout).unwrap_or(DEFAULT_TIMEOUT);
        let enabled = read!(r, s.enabled).unwrap_or(true);
        let skip_unless_env = read!(r, s.skip_unless_env);
        let written_alert_after = read!(r, s.alert_after);
        let alert_after = written_alert_after.unwrap_or(1);
        let fail_within = read!(r, s.fail_within);
        let recover_after = read!(r, s.recover_after).unwrap_or(1);
        let escalate_after = read!(r, s.escalate_after).unwrap_or(3);
        let flap_changes = read!(r, s.flap_changes);
        let flap_window = read!(r, s.flap_window);
        let route = read!(r, s.route);
        let on_failure = read!(r, s.on_failure).unwrap_or_default();
        let recheck = read!(r, s.recheck).unwrap_or(false);
        let recheck_delay = read!(r, s.recheck_delay);
        let remediation_timeout =
            read!(r, s.remediation_timeout).unwrap_or(DEFAULT_REMEDIATION_TIMEOUT);

        if alert_after == 0 {
            return Err(r.issue("alert_after", "alert_after must be at least 1"));
        }
        let fail_within = match fail_within {
            Some(_) if written_alert_after.is_some() => {
                return Err(r.issue(
                    "fail_within",
                    "set either alert_after (failures in a row) or fail_within (X of the last                      Y runs), not both",
                ))
            }
            Some(text) => Some(Within::parse(&text).map_err(|e| r.issue("fail_within", e))?),
            None => None,
        };
        if recover_after == 0 {
            return Err(r.issue("recover_after", "recover_after must be at least 1"));
        }
        if escalate_after == 0 {
            return Err(r.issue("escalate_after", "escalate_after must be at least 1"));
        }
        if fail_within.is_none() && escalate_after < alert_after {
            return Err(r.issue(
                "escalate_after",
                format!("escalate_after ({escalate_after}) must be at least alert_after ({alert_after})"),
            ));
        }
        let flap = flap_rule(&r, flap_changes, flap_window)?;
        if on_failure
            .iter()
            .any(|argv| argv.first().is_none_or(|p| p.is_empty()))
        {
            return Err(r.issue(
                "on_failure",
                "each remediation is an argv array with a program first, e.g. [\"systemctl\", \"restart\", \"api\"]",
            ));
        }
        if recheck && on_failure.is_empty() {
            return Err(r.issue(
                "recheck",
                "recheck needs remediation commands in `on_failure`",
            ));
        }
        if recheck_delay.is_some() && !recheck {
            return Err(r.issue("recheck_delay", "recheck_delay needs recheck = true"));
        }
        if skip_unless_env
            .as_deref()
            .is_some_and(|v| v.trim().is_empty())
        {
            return Err(r.issue("skip_unless_env", "name an environment variable"));
        }

        let (kind, targets) = match read!(r, s.targets) {
            None => (s.resolve_kind(&mut r, &name, every)?, None),
            Some(targets) => {
                let fan_out = s.fan_out(&mut r, &name, every, targets)?;
                (fan_out.targets[0].kind.clone(), Some(fan_out))
            }
        };
        Ok(Check {
            common: CheckCommon {
                name,
                group: s.group,
                description,
                every,
                severity,
                timeout,
                enabled,
                skip_unless_env,
                alert_after,
                fail_within,
                recover_after,
                escalate_after,
                flap,
                route,
                on_failure,
                recheck: recheck.then_some(Recheck {
                    delay: recheck_delay,
                }),
                remediation_timeout,
                written: r.written,
            },
            kind,
            targets,
        })
    }

    /// The type's own keys, resolved.
    fn resolve_kind(
        &mut self,
        r: &mut Reader,
        name: &str,
        every: Span,
    ) -> Result<CheckKind, ConfigIssue> {
        let s = self;
        Ok(match s.kind {
            Kind::Http => CheckKind::Http(s.http(r, name)?),
            Kind::Tcp => CheckKind::Tcp(s.tcp(r)?),
            Kind::Sql => CheckKind::Sql(s.sql(r, name)?),
            Kind::SqliteIntegrity => CheckKind::SqliteIntegrity(s.integrity(r)?),
            Kind::Command => CheckKind::Command(s.command(r, name)?),
            Kind::FileAge => CheckKind::FileAge(s.file_age(r)?),
            Kind::Disk => CheckKind::Disk(s.disk(r, name)?),
            Kind::Tls => CheckKind::Tls(s.tls(r, name)?),
            Kind::Cycle => CheckKind::Cycle(s.cycle(r, every)?),
            Kind::Rls => CheckKind::Rls(s.rls(r)?),
        })
    }

    /// `targets = [...]`: the type resolved once per target, with the target in place
    /// of its one key (`url`, `address` or `database`), which is then not written.
    fn fan_out(
        &mut self,
        r: &mut Reader,
        name: &str,
        every: Span,
        targets: Vec<TargetSpec>,
    ) -> Result<FanOut, ConfigIssue> {
        let key = match self.kind {
            Kind::Http => "url",
            Kind::Tcp | Kind::Tls => "address",
            Kind::Sql | Kind::Rls => "database",
            other => {
                return Err(r.issue(
                    "targets",
                    format!(
                        "`targets` does not apply to a {} check (http, tcp, tls, sql and rls checks take them)",
                        other.as_str()
                    ),
                ))
            }
        };
        if r.written.keys.iter().any(|(k, _)| k == key) {
            return Err(r.issue(key, format!("use either `{key}` or `targets`, not both")));
        }
        if targets.is_empty() {
            return Err(r.issue("targets", "`targets` is empty: list at least one"));
        }
        // With targets, `label` names them: "2 of 9 orchestrators unreachable".
        r.used.push("label");
        let noun = self
            .label
            .clone()
            .unwrap_or_else(|| name.replace(['-', '_'], " "));
        let mut resolved: Vec<Target> = Vec::with_capacity(targets.len());
        let mut last = r.clone();
        for target in targets {
            let (target_name, value) = match target {
                TargetSpec::Plain(value) => (shown_target(&value), value),
                TargetSpec::Named(named) => {
                    let given = [
                        ("url", named.url),
                        ("address", named.address),
                        ("database", named.database),
                    ];
                    let mut value = None;
                    for (k, v) in given {
                        match v {
                            Some(v) if k == key => value = Some(v),
                            Some(_) => {
                                return Err(r.issue(
                                    "targets",
                                    format!(
                                        "target {:?}: a {} check's targets name their `{key}`, not `{k}`",
                                        named.name,
                                        self.kind.as_str()
                                    ),
                                ))
                            }
                            None => {}
                        }
                    }
                    let value = value.ok_or_else(|| {
                        r.issue("targets", format!("target {:?} needs `{key}`", named.name))
                    })?;
                    (named.name, value)
                }
            };
            if resolved.iter().any(|t| t.name == target_name) {
                return Err(r.issue(
                    "targets",
                    format!("two targets are named {target_name:?}: give each its own name"),
                ));
            }
            let mut spec = self.clone();
            match key {
                "url" => spec.url = Some(value),
                "address" => spec.address = Some(value),
                _ => spec.database = Some(value),
            }
            let mut reader = r.clone();
            let kind = spec
                .resolve_kind(&mut reader, name, every)
                .map_err(|issue| {
                    r.issue(
                        "targets",
                        format!("target {target_name:?}: {}", issue.message),
                    )
                })?;
            last = reader;
            resolved.push(Target {
                name: target_name,
                kind,
            });
        }
        *r = last;
        Ok(FanOut {
            noun,
            targets: resolved,
        })
    }

    /// `expect` (where the type compares a value for equality), the thresholds, and
    /// how messages name the value.
    fn value_keys(&mut self, r: &mut Reader, with_expect: bool) -> ValueKeys {
        let s = self;
        ValueKeys {
            expect: if with_expect {
                read!(r, s.expect)
            } else {
                None
            },
            thresholds: Thresholds {
                warn_above: read!(r, s.warn_above),
                crit_above: read!(r, s.crit_above),
                warn_below: read!(r, s.warn_below),
                crit_below: read!(r, s.crit_below),
            },
            label: read!(r, s.label),
            unit: read!(r, s.unit),
        }
    }

    fn http(&mut self, r: &mut Reader, name: &str) -> Result<HttpCheck, ConfigIssue> {
        let s = self;
        let url = read!(r, s.url);
        let method = read!(r, s.method);
        let headers = read!(r, s.headers).unwrap_or_default();
        let body = read!(r, s.body);
        let expect_status = read!(r, s.expect_status);
        let max_latency_ms = read!(r, s.max_latency_ms);
        let body_contains = read!(r, s.body_contains);
        let json_field = read!(r, s.json_field);
        let json_path = read!(r, s.json_path);
        let json_condition = read!(r, s.json_condition);
        let follow_redirects = read!(r, s.follow_redirects).unwrap_or(false);
        let value = s.value_keys(r, true);
        r.refuse_others()?;
        let url = r.required("url", url)?;
        if let Some(path) = json_path {
            if json_field.is_some() {
                return Err(r.issue(
                    "json_path",
                    "use either `json_field` (one value) or `json_path` (many), not both",
                ));
            }
            if value.expect.is_some() {
                return Err(r.issue(
                    "expect",
                    "with json_path, write the condition as json_condition (e.g. 'all == \"closed\"')",
                ));
            }
            json::parse_path(&path).map_err(|e| r.issue("json_path", e))?;
            let condition = json_condition
                .map(|text| json::parse_condition(&text))
                .transpose()
                .map_err(|e| r.issue("json_condition", e))?;
            if condition.is_none() && !value.has_condition() {
                return Err(r.issue(
                    "json_path",
                    "json_path needs a condition: json_condition (all/any/none/count, e.g. \
                     'all == \"closed\"') or thresholds on each value",
                ));
            }
            let value = value.resolve(r, name, Defaults::NONE)?;
            let mut check = s.http_request(r, url, method, headers, body, expect_status)?;
            check.max_latency_ms = max_latency_ms;
            check.body_contains = body_contains;
            check.follow_redirects = follow_redirects;
            check.json_path = Some(Box::new(JsonSelection {
                path,
                condition,
                value,
            }));
            return Ok(check);
        }
        if json_condition.is_some() {
            return Err(r.issue(
                "json_condition",
                "json_condition holds the values `json_path` selects: set json_path",
            ));
        }
        let judged = value.has_condition();
        let described = [
            ("label", value.label.is_some()),
            ("unit", value.unit.is_some()),
        ];
        let value = value.resolve(r, name, Defaults::NONE)?;
        let mut check = s.http_request(r, url, method, headers, body, expect_status)?;
        check.json = match json_field {
            Some(path) if judged => Some(JsonField { path, value }),
            Some(_) => {
                return Err(r.issue(
                    "json_field",
                    "json_field needs a condition: `expect` or thresholds",
                ))
            }
            None if judged => return Err(r.issue(
                "json_field",
                "`expect` and thresholds of an http check apply to a JSON field: set `json_field`",
            )),
            None => {
                if let Some((key, _)) = described.iter().find(|(_, set)| *set) {
                    return Err(r.issue(
                        key,
                        format!("`{key}` of an http check names its JSON field's value: set `json_field`"),
                    ));
                }
                None
            }
        };
        check.max_latency_ms = max_latency_ms;
        check.body_contains = body_contains;
        check.follow_redirects = follow_redirects;
        Ok(check)
    }

    /// The request of an http check, its parts checked.
    fn http_request(
        &self,
        r: &Reader,
        url: String,
        method: Option<String>,
        headers: BTreeMap<String, String>,
        body: Option<String>,
        expect_status: Option<u16>,
    ) -> Result<HttpCheck, ConfigIssue> {
        if !(url.starts_with("http://") || url.starts_with("https://") || url.starts_with("${")) {
            return Err(r.issue("url", format!("{url:?} is not an http:// or https:// URL")));
        }
        http::check_template(&url).map_err(|e| r.issue("url", e))?;
        let method = method.unwrap_or_else(|| "GET".into()).to_ascii_uppercase();
        if !METHODS.contains(&method.as_str()) {
            return Err(r.issue(
                "method",
                format!("unknown method {method:?}: one of {}", METHODS.join(", ")),
            ));
        }
        if let Some(status) = expect_status.filter(|s| !(100..=599).contains(s)) {
            return Err(r.issue("expect_status", format!("{status} is not an HTTP status")));
        }
        for value in headers.values() {
            http::check_template(value).map_err(|e| r.issue("headers", e))?;
        }
        Ok(HttpCheck {
            url,
            method,
            headers,
            body,
            expect_status,
            max_latency_ms: None,
            body_contains: None,
            json: None,
            json_path: None,
            follow_redirects: false,
        })
    }

    fn tcp(&mut self, r: &mut Reader) -> Result<TcpCheck, ConfigIssue> {
        let s = self;
        let address = read!(r, s.address);
        r.refuse_others()?;
        let address = r.required("address", address)?;
        check_address(&address).map_err(|message| r.issue("address", message))?;
        Ok(TcpCheck { address })
    }

    fn sql(&mut self, r: &mut Reader, name: &str) -> Result<SqlCheck, ConfigIssue> {
        let s = self;
        let database = s.database_keys(r)?;
        let query = read!(r, s.query);
        let metrics = read!(r, s.metrics).unwrap_or(false);
        let value = s.value_keys(r, true);
        r.refuse_others()?;
        let database = r.required("database", database)?;
        let query = r.required("query", query)?;
        let value = value.resolve(r, name, Defaults::NONE)?;
        if query.trim().is_empty() {
            return Err(r.issue("query", "the query is empty"));
        }
        Ok(SqlCheck {
            database,
            query,
            metrics,
            value,
        })
    }

    /// `database` and, for PostgreSQL, `password_env`, `sslmode` and `ca_file`.
    fn database_keys(&mut self, r: &mut Reader) -> Result<Option<Database>, ConfigIssue> {
        let s = self;
        let database = read!(r, s.database);
        let password_env = read!(r, s.password_env);
        let sslmode = read!(r, s.sslmode);
        let ca_file = read!(r, s.ca_file);
        let Some(text) = database else {
            return Ok(None);
        };
        if text.trim().is_empty() {
            return Err(r.issue(
                "database",
                "the database is empty: a file or a postgres:// URL",
            ));
        }
        postgres::database(&text, password_env, sslmode, ca_file)
            .map(Some)
            .map_err(|(key, message)| r.issue(key, message))
    }

    fn integrity(&mut self, r: &mut Reader) -> Result<IntegrityCheck, ConfigIssue> {
        let s = self;
        let database = read!(r, s.database);
        r.refuse_others()?;
        let database = r.required("database", database)?;
        if postgres::is_postgres(&database) {
            return Err(r.issue(
                "database",
                "sqlite_integrity checks a SQLite file; on PostgreSQL write a sql check \
                 (amcheck's bt_index_check, or a query for orphaned rows)",
            ));
        }
        Ok(IntegrityCheck {
            database: PathBuf::from(database),
        })
    }

    fn command(&mut self, r: &mut Reader, name: &str) -> Result<CommandCheck, ConfigIssue> {
        let s = self;
        let command = read!(r, s.command);
        let shell = read!(r, s.shell).unwrap_or(false);
        let value = s.value_keys(r, true);
        r.refuse_others()?;
        let command = r.required("command", command)?;
        let value = value.resolve(r, name, Defaults::NONE)?;
        let command = match (command, shell) {
            (CommandLine::Shell(_), false) => {
                return Err(r.issue(
                    "command",
                    "a command string runs through the shell: set shell = true, or write it as an array",
                ))
            }
            (CommandLine::Argv(argv), _) if argv.first().is_none_or(|p| p.is_empty()) => {
                return Err(r.issue("command", "the command needs a program"))
            }
            (CommandLine::Argv(argv), true) if argv.len() > 1 => {
                return Err(r.issue(
                    "command",
                    "with shell = true, write the command as one string",
                ))
            }
            // One string in an array, for the shell.
            (CommandLine::Argv(mut argv), true) => CommandLine::Shell(argv.remove(0)),
            (line, _) => line,
        };
        Ok(CommandCheck { command, value })
    }

    fn file_age(&mut self, r: &mut Reader) -> Result<FileAgeCheck, ConfigIssue> {
        let s = self;
        let path = read!(r, s.path);
        let max_age = read!(r, s.max_age);
        r.refuse_others()?;
        Ok(FileAgeCheck {
            path: r.required("path", path)?,
            max_age: r.required("max_age", max_age)?,
        })
    }

    fn disk(&mut self, r: &mut Reader, name: &str) -> Result<DiskCheck, ConfigIssue> {
        let s = self;
        let path = read!(r, s.path);
        let value = s.value_keys(r, false);
        r.refuse_others()?;
        let path = r.required("path", path)?;
        let value = value.resolve(r, name, Defaults::DISK)?;
        Ok(DiskCheck { path, value })
    }

    fn tls(&mut self, r: &mut Reader, name: &str) -> Result<TlsCheck, ConfigIssue> {
        let s = self;
        let address = read!(r, s.address);
        let server_name = read!(r, s.server_name);
        let path = read!(r, s.path);
        let value = s.value_keys(r, false);
        r.refuse_others()?;
        let value = value.resolve(r, name, Defaults::TLS)?;
        let source = match (address, path) {
            (Some(address), None) => {
                check_address(&address).map_err(|message| r.issue("address", message))?;
                TlsSource::Server {
                    address,
                    server_name,
                }
            }
            (None, Some(_)) if server_name.is_some() => {
                return Err(r.issue("server_name", "server_name needs `address`"))
            }
            (None, Some(path)) => TlsSource::File(path),
            _ => {
                return Err(r.issue(
                    "address",
                    "a tls check needs either `address` (host:port) or `path` (a PEM file)",
                ))
            }
        };
        Ok(TlsCheck { source, value })
    }

    fn rls(&mut self, r: &mut Reader) -> Result<RlsCheck, ConfigIssue> {
        let s = self;
        let database = s.database_keys(r)?;
        let schemas = read!(r, s.schemas).unwrap_or_else(|| vec!["public".into()]);
        let exclude = read!(r, s.exclude).unwrap_or_default();
        let allow_bypass = read!(r, s.allow_bypass).unwrap_or_default();
        r.refuse_others()?;
        let database = match r.required("database", database)? {
            Database::Postgres(pg) => pg,
            Database::Sqlite(path) => {
                return Err(r.issue(
                    "database",
                    format!(
                        "an rls check reads PostgreSQL's catalogs: {} is a SQLite file (give a \
                         postgres:// URL or host=... dbname=...)",
                        path.display()
                    ),
                ))
            }
        };
        if schemas.is_empty() || schemas.iter().any(|s| s.trim().is_empty()) {
            return Err(r.issue(
                "schemas",
                "name at least one schema (default: [\"public\"])",
            ));
        }
        Ok(RlsCheck {
            database,
            schemas,
            exclude,
            allow_bypass,
        })
    }

    fn cycle(&mut self, r: &mut Reader, every: Span) -> Result<CycleCheck, ConfigIssue> {
        let s = self;
        let window = read!(r, s.window);
        r.refuse_others()?;
        Ok(CycleCheck {
            window: window.unwrap_or(every),
        })
    }
}

/// The value keys of a check, before their rules.
struct ValueKeys {
    expect: Option<Expected>,
    thresholds: Thresholds,
    label: Option<String>,
    unit: Option<String>,
}

/// What a type judges its value by when the check says nothing: disk and tls have
/// thresholds and a unit of their own.
struct Defaults {
    thresholds: Option<Thresholds>,
    unit: Option<&'static str>,
}

impl Defaults {
    const NONE: Defaults = Defaults {
        thresholds: None,
        unit: None,
    };
    const DISK: Defaults = Defaults {
        thresholds: Some(Thresholds {
            warn_above: None,
            crit_above: None,
            warn_below: Some(20.0),
            crit_below: Some(10.0),
        }),
        unit: Some("%"),
    };
    const TLS: Defaults = Defaults {
        thresholds: Some(Thresholds {
            warn_above: None,
            crit_above: None,
            warn_below: Some(21.0),
            crit_below: Some(7.0),
        }),
        unit: Some("days"),
    };
}

impl ValueKeys {
    fn has_condition(&self) -> bool {
        self.expect.is_some() || !self.thresholds.is_empty()
    }

    fn resolve(self, r: &Reader, name: &str, defaults: Defaults) -> Result<Value, ConfigIssue> {
        let t = self.thresholds;
        let condition = match self.expect {
            Some(_) if !t.is_empty() => {
                return Err(r.issue(
                    "expect",
                    "use either `expect` or thresholds (warn_/crit_above/below), not both",
                ))
            }
            Some(expected) => Condition::Expect(expected),
            None if !t.is_empty() => Condition::Thresholds(t),
            None => defaults
                .thresholds
                .map_or(Condition::None, Condition::Thresholds),
        };
        if let (Some(warn), Some(crit)) = (t.warn_above, t.crit_above) {
            if warn > crit {
                return Err(r.issue(
                    "warn_above",
                    format!(
                        "warn_above ({warn}) is above crit_above ({crit}), so the check would go \
                         critical before it warns: lower warn_above or raise crit_above"
                    ),
                ));
            }
        }
        if let (Some(warn), Some(crit)) = (t.warn_below, t.crit_below) {
            if warn < crit {
                return Err(r.issue(
                    "warn_below",
                    format!(
                        "warn_below ({warn}) is below crit_below ({crit}), so the check would go \
                         critical before it warns: raise warn_below or lower crit_below"
                    ),
                ));
            }
        }
        Ok(Value {
            condition,
            label: self.label.unwrap_or_else(|| name.replace(['-', '_'], " ")),
            unit: self.unit.or(defaults.unit.map(str::to_string)),
        })
    }
}

/// Flap detection from `flap_changes` and `flap_window` (defaults 6 in 20; `flap_changes
/// = 0` turns it off).
fn flap_rule(
    r: &Reader,
    changes: Option<u32>,
    window: Option<u32>,
) -> Result<Option<Flap>, ConfigIssue> {
    let changes = changes.unwrap_or(Flap::DEFAULT.changes);
    let window = window.unwrap_or(Flap::DEFAULT.window);
    if changes == 0 {
        return Ok(None);
    }
    if !(2..=MAX_WINDOW).contains(&window) {
        return Err(r.issue(
            "flap_window",
            format!("flap_window is a number of runs from 2 to {MAX_WINDOW} (hb keeps that many)"),
        ));
    }
    if changes > window {
        return Err(r.issue(
            "flap_changes",
            format!(
                "flap_changes ({changes}) cannot exceed flap_window ({window}): a window of \
                 {window} runs holds at most {window} changes (0 turns flap detection off)"
            ),
        ));
    }
    Ok(Some(Flap { changes, window }))
}

/// How a target written as a plain string is named in messages: a URL or address as
/// it is, a PostgreSQL database as `user@host:port/db` (never a password).
fn shown_target(value: &str) -> String {
    if postgres::is_postgres(value) && http::template_vars(value).is_empty() {
        if let Ok(config) = value.parse::<::postgres::Config>() {
            return postgres::display(&config);
        }
    }
    value.to_string()
}

fn check_address(address: &str) -> Result<(), String> {
    match address.rsplit_once(':') {
        Some((host, port)) if !host.is_empty() && port.parse::<u16>().is_ok() => Ok(()),
        _ => Err(format!("{address:?} is not host:port")),
    }
}

#[cfg(test)]
mod tests {
    use super::super::model::{CheckKind, Condition, TlsSource, Written};
    use super::{resolve, CheckSpec};
    use crate::config::parse;
    use crate::duration::Span;
    use crate::issue::{ConfigIssue, Position};

    /// The resolution alone, with the lines the parser would give: a key of another
    /// type at its line, a missing key at the table's header line.
    #[test]
    fn resolution_names_the_key_and_its_line() {
        let resolve_one = |text: &str| {
            let spec: CheckSpec = toml::from_str(text).unwrap();
            let keys = text
                .lines()
                .enumerate()
                .filter_map(|(i, line)| Some((line.split_once(" =")?.0.to_string(), 11 + i)))
                .collect();
            resolve(vec![(spec, Written { line: 10, keys })], Span::secs(60))
        };
        let tcp = "name = \"t\"\ngroup = \"system\"\ntype = \"tcp\"\n";
        assert_eq!(
            resolve_one(&format!("{tcp}address = \"h:1\"\nquery = \"x\"\n")).unwrap_err(),
            ConfigIssue {
                at: Some(Position::Line(15)),
                key: "check[0].query".into(),
                message: "`query` does not apply to a tcp check".into(),
            }
        );
        assert_eq!(
            resolve_one(tcp).unwrap_err(),
            ConfigIssue {
                at: Some(Position::Line(10)),
                key: "check[0].address".into(),
                message: "a tcp check needs `address`".into(),
            }
        );
        let check = resolve_one(&format!("{tcp}address = \"h:1\"\n")).unwrap();
        assert_eq!(check[0].common.every, Span::secs(60));
        assert!(matches!(&check[0].kind, CheckKind::Tcp(tcp) if tcp.address == "h:1"));
    }

    fn err(text: &str) -> (Option<usize>, Option<String>, String) {
        let e = parse(text).unwrap_err();
        (e.line, e.key, e.message)
    }

    const API: &str = "[[check]]\nname = \"api\"\ngroup = \"system\"\ntype = \"http\"\nurl = \"http://127.0.0.1:1/\"\n";

    #[test]
    fn a_valid_check_gets_name_line_and_cadence() {
        let config = parse(&format!("[schedule]\nprotocol = \"2h\"\n\n{API}")).unwrap();
        let check = &config.check[0].common;
        assert_eq!(check.name, "api");
        assert_eq!(check.written.line, 4);
        assert_eq!(check.every.as_secs(), 7200);
        assert_eq!(check.alert_after, 1);
        assert_eq!(check.escalate_after, 3);
    }

    #[test]
    fn duplicate_names_name_the_second_line() {
        let (line, key, message) = err(&format!("{API}\n{API}"));
        assert_eq!(line, Some(8));
        assert_eq!(key.as_deref(), Some("check[1].name"));
        assert!(
            message.contains("duplicate check name `api` (first declared at line 2)"),
            "{message}"
        );
    }

    #[test]
    fn unknown_type_and_keys_are_errors() {
        let (line, key, message) =
            err("[[check]]\nname = \"x\"\ngroup = \"system\"\ntype = \"ping\"\n");
        assert_eq!(line, Some(4));
        assert_eq!(key.as_deref(), Some("check[0].type"));
        assert!(message.contains("unknown variant `ping`"), "{message}");
        let (line, key, _) = err(&format!("{API}urll = \"x\"\n"));
        assert_eq!(line, Some(6));
        assert_eq!(key.as_deref(), Some("check[0].urll"));
    }

    #[test]
    fn keys_of_another_type_are_errors() {
        let (line, key, message) = err(&format!("{API}query = \"SELECT 1\"\n"));
        assert_eq!(line, Some(6));
        assert_eq!(key.as_deref(), Some("check[0].query"));
        assert_eq!(message, "`query` does not apply to a http check");
        let tcp =
            "[[check]]\nname = \"t\"\ngroup = \"system\"\ntype = \"tcp\"\naddress = \"h:1\"\n";
        let (_, key, message) = err(&format!("{tcp}follow_redirects = true\n"));
        assert_eq!(key.as_deref(), Some("check[0].follow_redirects"));
        assert_eq!(message, "`follow_redirects` does not apply to a tcp check");
        let CheckKind::Http(http) = &parse(&format!("{API}follow_redirects = true\n"))
            .unwrap()
            .check[0]
            .kind
        else {
            panic!("not http")
        };
        assert!(http.follow_redirects);
    }

    /// A key of another type is reported by the resolution at its own line, whatever
    /// keys follow it; a value key belongs only to the types that judge a value.
    #[test]
    fn a_key_of_another_type_is_named_at_its_line() {
        let text =
            "[schedule]\nsystem = \"5m\"\n\n[[check]]\nname = \"beat\"\ngroup = \"system\"\n\
                    type = \"cycle\"\nwindow = \"1h\"\nmax_age = \"2h\"\ndescription = \"x\"\n";
        let (line, key, message) = err(text);
        assert_eq!(line, Some(9));
        assert_eq!(key.as_deref(), Some("check[0].max_age"));
        assert_eq!(message, "`max_age` does not apply to a cycle check");
        let tcp =
            "[[check]]\nname = \"t\"\ngroup = \"system\"\ntype = \"tcp\"\naddress = \"h:1\"\n";
        let (line, key, message) = err(&format!("{tcp}unit = \"ms\"\n"));
        assert_eq!(line, Some(6));
        assert_eq!(key.as_deref(), Some("check[0].unit"));
        assert_eq!(message, "`unit` does not apply to a tcp check");
        let disk = "[[check]]\nname = \"d\"\ngroup = \"system\"\ntype = \"disk\"\npath = \"/\"\n";
        let (line, _, message) = err(&format!("{disk}\nexpect = 0\n"));
        assert_eq!(line, Some(7));
        assert_eq!(message, "`expect` does not apply to a disk check");
        // A key in a sub-table is named at the sub-table's header.
        let (line, key, _) = err(&format!("{tcp}\n[check.headers]\nA = \"b\"\n"));
        assert_eq!(line, Some(7));
        assert_eq!(key.as_deref(), Some("check[0].headers"));
    }

    /// A key the type needs and that is not written is named at the check's header line.
    #[test]
    fn a_missing_required_key_is_named_at_the_header_line() {
        let text = "[store]\nretention_days = 3\n\n[[check]]\nname = \"age\"\ngroup = \"system\"\n\
                    type = \"file_age\"\npath = \"beat\"\n";
        let (line, key, message) = err(text);
        assert_eq!(line, Some(4));
        assert_eq!(key.as_deref(), Some("check[0].max_age"));
        assert_eq!(message, "a file_age check needs `max_age`");
        let (line, key, message) = err(&format!(
            "{API}\n[[check]]\nname = \"t\"\ngroup = \"system\"\ntype = \"tcp\"\n"
        ));
        assert_eq!(line, Some(7));
        assert_eq!(key.as_deref(), Some("check[1].address"));
        assert_eq!(message, "a tcp check needs `address`");
    }

    #[test]
    fn required_keys_and_consistency() {
        let (_, key, message) = err(
            "[[check]]\nname = \"q\"\ngroup = \"queue\"\ntype = \"sql\"\nquery = \"SELECT 1\"\n",
        );
        assert_eq!(key.as_deref(), Some("check[0].database"));
        assert_eq!(message, "a sql check needs `database`");
        let sql = "[[check]]\nname = \"q\"\ngroup = \"queue\"\ntype = \"sql\"\ndatabase = \"a.db\"\nquery = \"SELECT 1\"\n";
        let (line, _, message) = err(&format!("{sql}warn_above = 100\ncrit_above = 80\n"));
        assert_eq!(line, Some(7));
        assert!(message.contains("above crit_above"), "{message}");
        let (_, _, message) = err(&format!("{sql}expect = 0\ncrit_above = 80\n"));
        assert!(
            message.contains("either `expect` or thresholds"),
            "{message}"
        );
        let (_, key, _) = err(&format!("{sql}recheck = true\n"));
        assert_eq!(key.as_deref(), Some("check[0].recheck"));
        let (_, key, _) = err(&format!("{sql}every = \"often\"\n"));
        assert_eq!(key.as_deref(), Some("check[0].every"));
    }

    #[test]
    fn command_strings_need_the_shell() {
        let cmd = "[[check]]\nname = \"c\"\ngroup = \"system\"\ntype = \"command\"\n";
        let (_, key, message) = err(&format!("{cmd}command = \"echo hi | cat\"\n"));
        assert_eq!(key.as_deref(), Some("check[0].command"));
        assert!(message.contains("shell = true"), "{message}");
        assert!(parse(&format!("{cmd}command = \"echo hi | cat\"\nshell = true\n")).is_ok());
        assert!(parse(&format!("{cmd}command = [\"echo\", \"hi\"]\n")).is_ok());
    }

    #[test]
    fn http_conditions_need_a_json_field() {
        let (_, key, _) = err(&format!("{API}expect = \"ok\"\n"));
        assert_eq!(key.as_deref(), Some("check[0].json_field"));
        assert!(parse(&format!("{API}json_field = \"status\"\nexpect = \"ok\"\n")).is_ok());
        let (_, key, _) = err(&format!(
            "{API}headers = {{ Authorization = \"Bearer ${{TOKEN\" }}\n"
        ));
        assert_eq!(key.as_deref(), Some("check[0].headers"));
        let (line, key, _) = err(&format!("{API}unit = \"ms\"\n"));
        assert_eq!(line, Some(6));
        assert_eq!(key.as_deref(), Some("check[0].unit"));
    }

    /// Each type resolves into its own struct, with the defaults applied.
    #[test]
    fn types_resolve_with_their_defaults() {
        let config = parse(
            "[[check]]\nname = \"free-space\"\ngroup = \"system\"\ntype = \"disk\"\npath = \"/\"\n\n\
             [[check]]\nname = \"cert\"\ngroup = \"security\"\ntype = \"tls\"\npath = \"c.pem\"\nwarn_below = 30\n\n\
             [[check]]\nname = \"beat\"\ngroup = \"system\"\ntype = \"cycle\"\nevery = \"1h\"\n",
        )
        .unwrap();
        let value = config.check[0].kind.value().unwrap();
        assert_eq!(value.unit.as_deref(), Some("%"));
        assert_eq!(value.label, "free space");
        assert_eq!(
            value.condition.describe(value.unit()),
            "warn below 20%, critical below 10%"
        );
        let CheckKind::Tls(tls) = &config.check[1].kind else {
            panic!("not tls")
        };
        assert_eq!(tls.source, TlsSource::File("c.pem".into()));
        assert!(
            matches!(tls.value.condition, Condition::Thresholds(t) if t.warn_below == Some(30.0) && t.crit_below.is_none())
        );
        let CheckKind::Cycle(cycle) = &config.check[2].kind else {
            panic!("not cycle")
        };
        assert_eq!(cycle.window.as_secs(), 3600);
    }
}
