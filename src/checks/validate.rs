//! Checking `[[check]]` tables beyond what serde can: per-type keys, duplicates,
//! consistent thresholds (errors when the config loads), and the environment lint of
//! `hb checks validate` (files and programs that do not exist here).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{http, CheckConfig, CommandLine, Kind};
use crate::config::{line_of, Config, ParseError};

/// Keys that only some types use, with whether this check sets them.
fn type_keys(c: &CheckConfig) -> [(&'static str, bool); 23] {
    [
        ("warn_above", c.warn_above.is_some()),
        ("crit_above", c.crit_above.is_some()),
        ("warn_below", c.warn_below.is_some()),
        ("crit_below", c.crit_below.is_some()),
        ("expect", c.expect.is_some()),
        ("url", c.url.is_some()),
        ("method", c.method.is_some()),
        ("headers", c.headers.is_some()),
        ("body", c.body.is_some()),
        ("expect_status", c.expect_status.is_some()),
        ("max_latency_ms", c.max_latency_ms.is_some()),
        ("body_contains", c.body_contains.is_some()),
        ("json_field", c.json_field.is_some()),
        ("follow_redirects", c.follow_redirects),
        ("address", c.address.is_some()),
        ("server_name", c.server_name.is_some()),
        ("database", c.database.is_some()),
        ("query", c.query.is_some()),
        ("metrics", c.metrics),
        ("command", c.command.is_some()),
        ("shell", c.shell),
        ("path", c.path.is_some()),
        ("max_age", c.max_age.is_some()),
    ]
}

const VALUE_KEYS: [&str; 5] = [
    "warn_above",
    "crit_above",
    "warn_below",
    "crit_below",
    "expect",
];

/// The type-specific keys each type accepts.
fn allowed(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Http => &[
            "url",
            "method",
            "headers",
            "body",
            "expect_status",
            "max_latency_ms",
            "body_contains",
            "json_field",
            "follow_redirects",
            "warn_above",
            "crit_above",
            "warn_below",
            "crit_below",
            "expect",
        ],
        Kind::Tcp => &["address"],
        Kind::Sql => &[
            "database",
            "query",
            "metrics",
            "warn_above",
            "crit_above",
            "warn_below",
            "crit_below",
            "expect",
        ],
        Kind::SqliteIntegrity => &["database"],
        Kind::Command => &[
            "command",
            "shell",
            "warn_above",
            "crit_above",
            "warn_below",
            "crit_below",
            "expect",
        ],
        Kind::FileAge => &["path", "max_age"],
        Kind::Disk => &[
            "path",
            "warn_above",
            "crit_above",
            "warn_below",
            "crit_below",
        ],
        Kind::Tls => &[
            "address",
            "server_name",
            "path",
            "warn_above",
            "crit_above",
            "warn_below",
            "crit_below",
        ],
        Kind::Cycle => &["window"],
    }
}

/// The type-specific keys each type needs.
fn required(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Http => &["url"],
        Kind::Tcp => &["address"],
        Kind::Sql => &["database", "query"],
        Kind::SqliteIntegrity => &["database"],
        Kind::Command => &["command"],
        Kind::FileAge => &["path", "max_age"],
        Kind::Disk => &["path"],
        Kind::Tls | Kind::Cycle => &[],
    }
}

const METHODS: [&str; 7] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/// Complete and check the `[[check]]` tables of a parsed config: names, lines, effective
/// cadences, per-type keys. The first problem is an error naming its line and key.
pub fn finish(config: &mut Config, text: &str) -> Result<(), ParseError> {
    let protocol = config.schedule.protocol;
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (index, check) in config.check.iter_mut().enumerate() {
        check.name = check.name_spanned.get_ref().clone();
        let name_at = check.name_spanned.span().start;
        check.line = header_line(text, name_at);
        check.every = check.every_raw.unwrap_or(protocol);
        let err = |key: &str, message: String| ParseError {
            line: Some(key_line(text, check.line, key).unwrap_or(check.line)),
            key: Some(format!("check[{index}].{key}")),
            message,
        };
        if let Some(first) = seen.get(&check.name) {
            return Err(ParseError {
                line: Some(line_of(text, name_at)),
                key: Some(format!("check[{index}].name")),
                message: format!(
                    "duplicate check name `{}` (first declared at line {first})",
                    check.name
                ),
            });
        }
        seen.insert(check.name.clone(), line_of(text, name_at));
        if let Err((key, message)) = check_one(check) {
            return Err(err(key, message));
        }
        if let Some(route) = &check.route {
            config
                .alerts
                .check_channel_names(route)
                .map_err(|message| err("route", message))?;
        }
    }
    Ok(())
}

/// One check's structural rules: `Err((key, message))`.
fn check_one(c: &CheckConfig) -> Result<(), (&'static str, String)> {
    let kind = c.kind.as_str();
    if c.name.is_empty()
        || !c
            .name
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '-' | '_' | '.'))
    {
        return Err((
            "name",
            format!(
                "invalid check name {:?}: use letters, digits, `-`, `_` and `.`",
                c.name
            ),
        ));
    }
    for (key, set) in type_keys(c) {
        if set && !allowed(c.kind).contains(&key) {
            return Err((key, format!("`{key}` does not apply to a {kind} check")));
        }
    }
    if c.window.is_some() && c.kind != Kind::Cycle {
        return Err((
            "window",
            format!("`window` does not apply to a {kind} check"),
        ));
    }
    for key in required(c.kind) {
        let set = type_keys(c).iter().any(|(k, set)| k == key && *set);
        if !set {
            return Err((key, format!("a {kind} check needs `{key}`")));
        }
    }
    let has_thresholds = [c.warn_above, c.crit_above, c.warn_below, c.crit_below]
        .iter()
        .any(Option::is_some);
    if c.expect.is_some() && has_thresholds {
        return Err((
            "expect",
            "use either `expect` or thresholds (warn_/crit_above/below), not both".into(),
        ));
    }
    if let (Some(warn), Some(crit)) = (c.warn_above, c.crit_above) {
        if warn > crit {
            return Err((
                "warn_above",
                format!(
                    "warn_above ({warn}) is above crit_above ({crit}), so the check would go \
                     critical before it warns: lower warn_above or raise crit_above"
                ),
            ));
        }
    }
    if let (Some(warn), Some(crit)) = (c.warn_below, c.crit_below) {
        if warn < crit {
            return Err((
                "warn_below",
                format!(
                    "warn_below ({warn}) is below crit_below ({crit}), so the check would go \
                     critical before it warns: raise warn_below or lower crit_below"
                ),
            ));
        }
    }
    if c.alert_after == 0 {
        return Err(("alert_after", "alert_after must be at least 1".into()));
    }
    if c.escalate_after < c.alert_after {
        return Err((
            "escalate_after",
            format!(
                "escalate_after ({}) must be at least alert_after ({})",
                c.escalate_after, c.alert_after
            ),
        ));
    }
    if c.on_failure
        .iter()
        .any(|argv| argv.first().is_none_or(|p| p.is_empty()))
    {
        return Err((
            "on_failure",
            "each remediation is an argv array with a program first, e.g. [\"systemctl\", \"restart\", \"api\"]".into(),
        ));
    }
    if c.recheck && c.on_failure.is_empty() {
        return Err((
            "recheck",
            "recheck needs remediation commands in `on_failure`".into(),
        ));
    }
    if c.recheck_delay.is_some() && !c.recheck {
        return Err(("recheck_delay", "recheck_delay needs recheck = true".into()));
    }
    if c.skip_unless_env
        .as_deref()
        .is_some_and(|v| v.trim().is_empty())
    {
        return Err(("skip_unless_env", "name an environment variable".into()));
    }
    match c.kind {
        Kind::Http => check_http(c)?,
        Kind::Tcp => check_address(c.address.as_deref().unwrap_or_default())?,
        Kind::Tls => match (&c.address, &c.path) {
            (Some(address), None) => check_address(address)?,
            (None, Some(_)) if c.server_name.is_some() => {
                return Err(("server_name", "server_name needs `address`".into()))
            }
            (None, Some(_)) => {}
            _ => {
                return Err((
                    "address",
                    "a tls check needs either `address` (host:port) or `path` (a PEM file)".into(),
                ))
            }
        },
        Kind::Command => match &c.command {
            Some(CommandLine::Shell(_)) if !c.shell => {
                return Err((
                    "command",
                    "a command string runs through the shell: set shell = true, or write it as an array".into(),
                ))
            }
            Some(CommandLine::Argv(argv)) if argv.first().is_none_or(|p| p.is_empty()) => {
                return Err(("command", "the command needs a program".into()))
            }
            Some(CommandLine::Argv(argv)) if c.shell && argv.len() > 1 => {
                return Err((
                    "command",
                    "with shell = true, write the command as one string".into(),
                ))
            }
            _ => {}
        },
        Kind::Sql if c.query.as_deref().is_some_and(|q| q.trim().is_empty()) => {
            return Err(("query", "the query is empty".into()));
        }
        _ => {}
    }
    Ok(())
}

fn check_http(c: &CheckConfig) -> Result<(), (&'static str, String)> {
    let url = c.url.as_deref().unwrap_or_default();
    if !(url.starts_with("http://") || url.starts_with("https://") || url.starts_with("${")) {
        return Err(("url", format!("{url:?} is not an http:// or https:// URL")));
    }
    http::check_template(url).map_err(|e| ("url", e))?;
    if let Some(method) = &c.method {
        if !METHODS.contains(&method.to_ascii_uppercase().as_str()) {
            return Err((
                "method",
                format!("unknown method {method:?}: one of {}", METHODS.join(", ")),
            ));
        }
    }
    if let Some(status) = c.expect_status {
        if !(100..=599).contains(&status) {
            return Err(("expect_status", format!("{status} is not an HTTP status")));
        }
    }
    for value in c.headers.iter().flat_map(|h| h.values()) {
        http::check_template(value).map_err(|e| ("headers", e))?;
    }
    let judged = VALUE_KEYS
        .iter()
        .any(|k| type_keys(c).iter().any(|(key, set)| key == k && *set));
    if judged && c.json_field.is_none() {
        return Err((
            "json_field",
            "`expect` and thresholds of an http check apply to a JSON field: set `json_field`"
                .into(),
        ));
    }
    if c.json_field.is_some() && !judged {
        return Err((
            "json_field",
            "json_field needs a condition: `expect` or thresholds".into(),
        ));
    }
    Ok(())
}

fn check_address(address: &str) -> Result<(), (&'static str, String)> {
    match address.rsplit_once(':') {
        Some((host, port)) if !host.is_empty() && port.parse::<u16>().is_ok() => Ok(()),
        _ => Err(("address", format!("{address:?} is not host:port"))),
    }
}

/// Line of the `[[check]]` header above a check's `name` (the name's line if none).
fn header_line(text: &str, name_at: usize) -> usize {
    let before = text.get(..name_at).unwrap_or(text);
    match before.rfind("[[check]]") {
        Some(at) => line_of(text, at),
        None => line_of(text, name_at),
    }
}

/// Line of `key = ...` inside the check whose header is at `header`, if written there.
fn key_line(text: &str, header: usize, key: &str) -> Option<usize> {
    for (offset, line) in text.lines().enumerate().skip(header) {
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') {
            return None;
        }
        if let Some(rest) = trimmed.strip_prefix(key) {
            if rest.trim_start().starts_with('=') {
                return Some(offset + 1);
            }
        }
    }
    None
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Error,
    Warning,
}

/// A lint finding of `hb checks validate`.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    pub level: Level,
    pub line: Option<usize>,
    pub check: Option<String>,
    pub key: Option<String>,
    pub message: String,
}

/// What only this machine can tell: files, directories and programs the checks use.
/// A check that would not run here (disabled, or its `skip_unless_env` unset) gets
/// warnings instead of errors.
pub fn lint(checks: &[CheckConfig], text: &str, base_dir: &Path) -> Vec<Problem> {
    let mut problems = Vec::new();
    for check in checks {
        let active = check.enabled && !check.skipped_by_env();
        let mut report = |severe: bool, key: &str, message: String| {
            problems.push(Problem {
                level: if severe && active {
                    Level::Error
                } else {
                    Level::Warning
                },
                line: Some(key_line(text, check.line, key).unwrap_or(check.line)),
                check: Some(check.name.clone()),
                key: Some(key.to_string()),
                message,
            })
        };
        let resolve = |p: &Path| -> PathBuf {
            if p.is_relative() {
                base_dir.join(p)
            } else {
                p.to_path_buf()
            }
        };
        match check.kind {
            Kind::Sql | Kind::SqliteIntegrity => {
                if let Some(db) = &check.database {
                    let full = resolve(db);
                    if !full.is_file() {
                        report(
                            true,
                            "database",
                            format!(
                                "{} does not exist: fix the path (relative paths start at the \
                                 config's directory)",
                                db.display()
                            ),
                        );
                    } else if let (Kind::Sql, Some(query)) = (check.kind, &check.query) {
                        if let Some(problem) = prepare_problem(&full, query, check.timeout.0) {
                            report(true, "query", problem);
                        }
                    }
                }
            }
            Kind::Command => {
                if let Some(CommandLine::Argv(argv)) = &check.command {
                    if !check.shell {
                        if let Some(problem) = find_program(&argv[0], base_dir) {
                            report(true, "command", problem);
                        }
                    }
                }
            }
            Kind::FileAge => {
                if let Some(path) = &check.path {
                    let full = resolve(path);
                    match full.parent() {
                        Some(dir) if !dir.as_os_str().is_empty() && !dir.is_dir() => report(
                            true,
                            "path",
                            format!("directory {} does not exist", dir.display()),
                        ),
                        _ if !full.exists() => report(
                            false,
                            "path",
                            format!("{} does not exist yet", path.display()),
                        ),
                        _ => {}
                    }
                }
            }
            Kind::Disk | Kind::Tls => {
                if let Some(path) = &check.path {
                    if !resolve(path).exists() {
                        report(true, "path", format!("{} does not exist", path.display()));
                    }
                }
            }
            // A check skipped here reads no secrets here either.
            Kind::Http if active => {
                let mut vars = Vec::new();
                if let Some(url) = &check.url {
                    vars.extend(http::template_vars(url));
                }
                for value in check.headers.iter().flat_map(|h| h.values()) {
                    vars.extend(http::template_vars(value));
                }
                for var in vars {
                    if std::env::var_os(&var).is_none_or(|v| v.is_empty()) {
                        report(
                            false,
                            if check
                                .url
                                .as_deref()
                                .is_some_and(|u| u.contains(&format!("${{{var}}}")))
                            {
                                "url"
                            } else {
                                "headers"
                            },
                            format!("${var} is not set here: the check will be unknown"),
                        );
                    }
                }
            }
            Kind::Http | Kind::Tcp | Kind::Cycle => {}
        }
        for argv in &check.on_failure {
            if let Some(problem) = find_program(&argv[0], base_dir) {
                report(true, "on_failure", problem);
            }
        }
    }
    problems
}

/// Why a query will not run against `database`, found by preparing it (never executing
/// it) on a read-only connection: bad syntax, a table or column that is not there.
fn prepare_problem(database: &Path, query: &str, timeout: std::time::Duration) -> Option<String> {
    let db = match super::sql::open_read_only(database, timeout) {
        Ok(db) => db,
        Err(obs) => return Some(format!("{}: the check cannot read it", obs.message)),
    };
    let err = db.prepare_read(query).err()?;
    if let Some(reason) = db.refusal(&err) {
        return Some(format!(
            "query refused: {reason}; sql checks only read: write a SELECT"
        ));
    }
    Some(format!(
        "the query does not prepare against {}: {err}: fix the SQL (try it with `sqlite3 -readonly {}`)",
        database.display(),
        database.display()
    ))
}

/// None when `program` can be executed: an executable file at that path, or one of that
/// name on `$PATH` (as the shell finds it).
fn find_program(program: &str, base_dir: &Path) -> Option<String> {
    if program.contains('/') {
        let path = Path::new(program);
        let full = if path.is_relative() {
            base_dir.join(path)
        } else {
            path.to_path_buf()
        };
        if !full.is_file() {
            return Some(format!(
                "program {program} does not exist: give the path of an executable (relative \
                 paths start at the config's directory)"
            ));
        }
        return (!is_executable(&full)).then(|| {
            format!(
                "program {program} is not executable: `chmod +x {program}`, or run it through \
                 its interpreter ([\"sh\", \"{program}\"])"
            )
        });
    }
    let found = std::env::var_os("PATH").is_some_and(|paths| {
        std::env::split_paths(&paths).any(|dir| {
            let candidate = dir.join(program);
            candidate.is_file() && is_executable(&candidate)
        })
    });
    (!found)
        .then(|| format!("program {program} is not on $PATH: install it, or give its full path"))
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        rustix::fs::access(path, rustix::fs::Access::EXEC_OK).is_ok()
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

#[cfg(test)]
mod tests {
    use crate::config::parse;

    fn err(text: &str) -> (Option<usize>, Option<String>, String) {
        let e = parse(text).unwrap_err();
        (e.line, e.key, e.message)
    }

    const API: &str = "[[check]]\nname = \"api\"\ngroup = \"system\"\ntype = \"http\"\nurl = \"http://127.0.0.1:1/\"\n";

    #[test]
    fn a_valid_check_gets_name_line_and_cadence() {
        let config = parse(&format!("[schedule]\nprotocol = \"2h\"\n\n{API}")).unwrap();
        let check = &config.check[0];
        assert_eq!(check.name, "api");
        assert_eq!(check.line, 4);
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
        assert!(
            parse(&format!("{API}follow_redirects = true\n"))
                .unwrap()
                .check[0]
                .follow_redirects
        );
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
    }
}
