//! The environment lint of `hb checks validate`: what only this machine can tell about
//! resolved checks (files, directories and programs that do not exist here). The
//! structural rules are the resolution's (`spec`): a config that breaks them does not load.

use std::path::Path;

use serde::Serialize;

use super::model::{Check, CheckKind, CommandLine, Database, RlsCheck, SqlCheck, TlsSource};
use super::sql;

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

/// What only this machine can tell: files, directories and programs the checks use,
/// with relative paths starting at `base_dir` (the config file's directory). A check
/// that would not run here (disabled, or its `skip_unless_env` unset) gets warnings
/// instead of errors.
pub fn lint(checks: &[Check], base_dir: &Path) -> Vec<Problem> {
    let mut problems = Vec::new();
    for check in checks {
        let common = &check.common;
        let active = common.enabled && !check.skipped_by_env();
        let mut report = |severe: bool, key: &str, message: String| {
            problems.push(Problem {
                level: if severe && active {
                    Level::Error
                } else {
                    Level::Warning
                },
                line: Some(common.written.line_of(key)),
                check: Some(common.name.clone()),
                key: Some(key.to_string()),
                message,
            })
        };
        match &check.kind {
            CheckKind::Sql(SqlCheck {
                database: Database::Sqlite(database),
                query,
                ..
            }) => {
                let full = base_dir.join(database);
                if !full.is_file() {
                    report(true, "database", missing_database(database));
                } else if let Some(problem) = prepare_problem(&full, query, common.timeout.0) {
                    report(true, "query", problem);
                }
            }
            // A check skipped here reads no secrets here either.
            CheckKind::Sql(SqlCheck {
                database: Database::Postgres(pg),
                ..
            })
            | CheckKind::Rls(RlsCheck { database: pg, .. })
                if active =>
            {
                for var in pg.secret_vars() {
                    if std::env::var_os(&var).is_none_or(|v| v.is_empty()) {
                        let key = if pg.password_env.as_deref() == Some(var.as_str()) {
                            "password_env"
                        } else {
                            "database"
                        };
                        report(
                            false,
                            key,
                            format!("${var} is not set here: the check will be unknown"),
                        );
                    }
                }
                if let Some(ca_file) = pg.ca_file.as_ref().filter(|f| !base_dir.join(f).exists()) {
                    report(
                        true,
                        "ca_file",
                        format!("{} does not exist", ca_file.display()),
                    );
                }
            }
            CheckKind::Sql(_) | CheckKind::Rls(_) => {}
            CheckKind::SqliteIntegrity(integrity) => {
                if !base_dir.join(&integrity.database).is_file() {
                    report(true, "database", missing_database(&integrity.database));
                }
            }
            CheckKind::Command(command) => {
                if let CommandLine::Argv(argv) = &command.command {
                    if let Some(problem) = find_program(&argv[0], base_dir) {
                        report(true, "command", problem);
                    }
                }
            }
            CheckKind::FileAge(file_age) => {
                let full = base_dir.join(&file_age.path);
                match full.parent() {
                    Some(dir) if !dir.as_os_str().is_empty() && !dir.is_dir() => report(
                        true,
                        "path",
                        format!("directory {} does not exist", dir.display()),
                    ),
                    _ if !full.exists() => report(
                        false,
                        "path",
                        format!("{} does not exist yet", file_age.path.display()),
                    ),
                    _ => {}
                }
            }
            CheckKind::Disk(disk) => missing_path(&mut report, base_dir, &disk.path),
            CheckKind::Tls(tls) => {
                if let TlsSource::File(path) = &tls.source {
                    missing_path(&mut report, base_dir, path);
                }
            }
            // A check skipped here reads no secrets here either.
            CheckKind::Http(http) if active => {
                for var in check.secret_vars() {
                    if std::env::var_os(&var).is_none_or(|v| v.is_empty()) {
                        let key = if http.url.contains(&format!("${{{var}}}")) {
                            "url"
                        } else {
                            "headers"
                        };
                        report(
                            false,
                            key,
                            format!("${var} is not set here: the check will be unknown"),
                        );
                    }
                }
            }
            CheckKind::Http(_) | CheckKind::Tcp(_) | CheckKind::Cycle(_) => {}
        }
        for argv in &common.on_failure {
            if let Some(problem) = find_program(&argv[0], base_dir) {
                report(true, "on_failure", problem);
            }
        }
    }
    problems
}

fn missing_database(database: &Path) -> String {
    format!(
        "{} does not exist: fix the path (relative paths start at the config's directory)",
        database.display()
    )
}

fn missing_path(report: &mut impl FnMut(bool, &str, String), base_dir: &Path, path: &Path) {
    if !base_dir.join(path).exists() {
        report(true, "path", format!("{} does not exist", path.display()));
    }
}

/// Why a query will not run against `database`, found by preparing it (never executing
/// it) on a read-only connection: bad syntax, a table or column that is not there.
fn prepare_problem(database: &Path, query: &str, timeout: std::time::Duration) -> Option<String> {
    let db = match sql::open_read_only(database, timeout) {
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
        let full = base_dir.join(program);
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
