//! The demo's sandbox (`hb demo`): a fresh directory with the demo's config, a sample
//! application for its checks, a store with a sample portfolio, and one run of the checks
//! recorded as the heartbeat's first; the same for the same clock.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use serde::Serialize;

use super::{app, Counts};
use crate::checks::{self, Check, CheckOutcome, Group, Status};
use crate::config::{self, Loaded};
use crate::exit::HbError;
use crate::pipeline::Stage;
use crate::setup::{write_config, SHIPPED_CONFIG};
use crate::store::{HealthFilter, LoadStep, LockOutcome, RunStatus, Store};

const DB_FILE: &str = "demo.db";
/// First line of the demo's config: how a rerun knows the file is its own to rewrite.
const MARKER: &str = "# hb demo config:";
/// The alerts and checks of the demo, appended to the shipped settings.
const PROTOCOL: &str = include_str!("protocol.toml");
/// `runs.trigger` of the demo's one run of the checks. Not `checks` (what `hb checks
/// run` records): the demo's run is the heartbeat's first, which the `cycle` check and
/// `hb status` count, so the demo's board is not "no cycle has run yet". Its check
/// results are shown, not counted (`store::trigger_counts`).
const TRIGGER: &str = crate::store::DEMO_TRIGGER;

/// `hb demo --json`: what the sandbox holds.
#[derive(Debug, Serialize)]
pub struct Sandbox {
    pub store: PathBuf,
    pub config: PathBuf,
    /// The sample application's database, which the demo's checks read.
    pub app_database: PathBuf,
    pub counts: Counts,
    /// The demo's checks, run once, in config order.
    pub checks: Vec<BoardRow>,
    /// "20 checks: 17 ok, 1 warning, 1 critical, 1 skipped".
    #[serde(skip)]
    pub tally: String,
}

#[derive(Debug, Serialize)]
pub struct BoardRow {
    pub name: String,
    pub group: Group,
    pub status: Status,
    pub message: String,
    /// What the check guarantees (its `description`).
    #[serde(skip)]
    pub description: Option<String>,
}

/// A sandbox built, with what the demo goes on to show.
pub struct Built {
    pub sandbox: Sandbox,
    pub loaded: Loaded,
    pub store: Store,
}

/// Build the sandbox in `dir` (made absolute; created if needed) with `properties` (at
/// least 1) properties at `now`; `on_step` hears how the load goes (for a progress bar). A config
/// in `dir` that the demo did not write is never replaced.
pub fn build(
    dir: &Path,
    properties: u32,
    now: i64,
    on_step: impl FnMut(LoadStep),
) -> Result<Built> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("could not create demo directory {}", dir.display()))?;
    let dir = crate::setup::canonical(dir);

    let config_path = dir.join(config::FILE_NAME);
    if let Ok(existing) = std::fs::read_to_string(&config_path) {
        // `--dir .` in a project must not clobber the operator's own config.
        if !existing.starts_with(MARKER) {
            bail!(
                "{} exists and was not written by `hb demo`: pass another --dir",
                config_path.display()
            );
        }
    }
    write_config(&config_path, &demo_config(&config_path))?;
    let loaded = config::load_file(&config_path)?;
    let db_path = loaded.store_path(None)?;
    remove_db(&db_path)?;

    // The application the checks watch comes first: the checks run after the load.
    let app_db = dir.join(app::DB_FILE);
    remove_db(&app_db)?;
    app::create(&app_db, now)?;
    app::touch_heartbeat(&dir.join(app::HEARTBEAT_FILE), now)?;
    app::write_status(&dir)?;

    let stale = loaded.config.property.stale_days;
    let mut store = Store::open(&db_path)?;
    let watchlists = super::watchlists(properties, now);
    let reminders = super::team_reminders(now);
    let mut counts = Counts::default();
    let portfolio =
        super::properties(properties, now, stale).inspect(|p| counts.add(p, &stale, now));
    store.load_demo(portfolio, &watchlists, &reminders, now, on_step)?;
    counts.watchlists = watchlists.len() as u64;
    counts.reminders += reminders.len() as u64;

    let outcomes = run_checks(&mut store, &loaded, now)?;
    let description = |name: &str| {
        loaded
            .config
            .check
            .iter()
            .find(|c| c.common.name == name)
            .and_then(|c| c.common.description.clone())
    };
    let sandbox = Sandbox {
        tally: checks::summary(&outcomes),
        store: db_path,
        config: config_path,
        app_database: app_db,
        counts,
        checks: outcomes
            .iter()
            .map(|o| BoardRow {
                name: o.name.clone(),
                group: o.group,
                status: o.status,
                message: o.message.clone(),
                description: description(&o.name),
            })
            .collect(),
    };
    Ok(Built {
        sandbox,
        loaded,
        store,
    })
}

/// The demo's config, marked as its own: the shipped settings with the demo's store,
/// then the demo's alerts and checks.
fn demo_config(config_path: &Path) -> String {
    let settings = shipped_settings(SHIPPED_CONFIG).replacen(
        "path = \"heartbeat.db\"",
        &format!("path = \"{DB_FILE}\""),
        1,
    );
    let dir = config_path.parent().unwrap_or(Path::new("."));
    let protocol = PROTOCOL
        .replace(
            "THIS_FILE",
            &shell_quote(&config_path.display().to_string()),
        )
        .replace("THIS_DIR", &shell_quote(&dir.display().to_string()));
    format!(
        "{MARKER} written by `hb demo`, rewritten on every run.\n#\n{}\n\n{protocol}",
        settings.trim_end()
    )
}

/// The shipped config up to its alerts and checks (the first divider, `[[check]]` or
/// `[alerts...]`): the demo brings its own, and the shipped ones read files that only
/// exist on a server.
fn shipped_settings(shipped: &str) -> &str {
    let mut at = 0;
    for line in shipped.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with("# ----")
            || trimmed.starts_with("[[check]]")
            || trimmed.starts_with("[alerts")
            || trimmed.starts_with("[[alerts")
        {
            break;
        }
        at += line.len();
    }
    &shipped[..at]
}

/// Run the demo's checks once and record them as the heartbeat's first run, so that
/// `hb checks`, `hb status` and `hb logs` show them (as not counted: the first `hb cycle`
/// runs every check again and starts the streaks). The run is `ok` whatever the
/// checks found: like a cycle, it completed, and findings are results, not errors.
fn run_checks(store: &mut Store, loaded: &Loaded, now: i64) -> Result<Vec<CheckOutcome>> {
    let pid = i64::from(std::process::id());
    let run_id = match store.begin_run(TRIGGER, pid, now, crate::cycle::is_alive)? {
        LockOutcome::Acquired { run_id, .. } => run_id,
        // The store was created a moment ago; only a concurrent `hb demo` gets here.
        LockOutcome::Busy(holder) => {
            return Err(HbError::Busy(format!(
                "another process (pid {}) is writing the demo store: try again when it ends",
                holder.pid
            ))
            .into())
        }
    };
    let started = Instant::now();
    let enabled: Vec<&Check> = loaded
        .config
        .check
        .iter()
        .filter(|c| c.common.enabled)
        .collect();
    let run_ctx = loaded.check_context(Some(store.path().to_path_buf()), now);
    // Like `hb checks run`, the demo's own run shows results and changes nothing.
    let actions = checks::Actions::Off("the demo's run does not remediate");
    let outcomes = checks::run_checks(&enabled, &run_ctx, actions);
    store.record_check_results(run_id, &outcomes, crate::store::Counting::Shown)?;
    let elapsed = started.elapsed().as_millis() as i64;
    let summary = serde_json::json!({ "line": format!("hb demo: {}", checks::summary(&outcomes)) });
    store.finish_run(run_id, RunStatus::Ok, now, elapsed, &summary.to_string())?;
    Ok(outcomes)
}

/// A fresh demo: the old database goes, with its WAL and journal.
fn remove_db(db: &Path) -> Result<()> {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut name = db.as_os_str().to_owned();
        name.push(suffix);
        let path = PathBuf::from(name);
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => {
                return Err(err)
                    .with_context(|| format!("could not remove old demo file {}", path.display()))
            }
        }
    }
    Ok(())
}

/// A property worth a look: the longest-stale enriched one, else any stale or blocked one.
pub fn featured(store: &Store, stale: &config::StaleDays, now: i64) -> Result<(i64, &'static str)> {
    let candidates = [
        (
            Stage::Enriched,
            HealthFilter::Stale,
            "the longest-stale enriched property",
        ),
        (
            Stage::Researched,
            HealthFilter::Stale,
            "the longest-stale researched property",
        ),
        (
            Stage::New,
            HealthFilter::Stale,
            "the longest-stale new property",
        ),
        (
            Stage::WaitingForContracts,
            HealthFilter::Blocked,
            "a blocked deal",
        ),
    ];
    for (stage, health, why) in candidates {
        if let Some(row) = store
            .list_stage(stage, health, stale, now, Some(1))?
            .first()
        {
            return Ok((row.id, why));
        }
    }
    Ok((1, "the first property"))
}

/// `path` as one shell word.
pub fn shell_quote(text: &str) -> String {
    let plain = text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+:,@%".contains(c));
    if plain && !text.is_empty() {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_config_points_at_the_demo_store() {
        let text = demo_config(Path::new("/tmp/hb demo/heartbeat.toml"));
        assert!(text.starts_with(MARKER));
        assert!(
            text.contains("hb --config '/tmp/hb demo/heartbeat.toml' cycle"),
            "{text}"
        );
        let config = config::parse(&text).expect("demo config parses");
        assert_eq!(config.store.path, Some(PathBuf::from(DB_FILE)));
    }

    /// The settings are the shipped ones; the checks and alerts are the demo's own.
    #[test]
    fn demo_config_keeps_the_shipped_settings() {
        let settings = shipped_settings(SHIPPED_CONFIG);
        assert!(settings.contains("[modules.scheduled]"), "{settings}");
        let shipped = config::parse(SHIPPED_CONFIG).expect("shipped config parses");
        let only_settings = config::parse(settings).expect("settings parse alone");
        assert!(only_settings.check.is_empty());
        assert_eq!(only_settings.schedule.system, shipped.schedule.system);
        assert_eq!(only_settings.schedule.protocol, shipped.schedule.protocol);
        assert_eq!(
            only_settings.property.stale_days,
            shipped.property.stale_days
        );
        assert_eq!(only_settings.insights, shipped.insights);

        let demo = config::parse(&demo_config(Path::new("heartbeat.toml"))).expect("parses");
        for group in Group::ALL {
            assert!(
                demo.check.iter().any(|c| c.common.group == group),
                "no {} check",
                group.as_str()
            );
        }
        for check in &demo.check {
            use crate::checks::model::{CheckKind, Database};
            let database = match &check.kind {
                CheckKind::Sql(sql) => match &sql.database {
                    Database::Sqlite(path) => path,
                    Database::Postgres(_) => continue,
                },
                CheckKind::SqliteIntegrity(integrity) => &integrity.database,
                _ => continue,
            };
            assert!(
                database.is_relative(),
                "{}: relative to the config",
                check.common.name
            );
        }
        assert_eq!(demo.alerts.channels().len(), 1);
    }

    #[test]
    fn quotes_paths_for_the_shell() {
        assert_eq!(shell_quote("/tmp/hb/demo.db"), "/tmp/hb/demo.db");
        assert_eq!(shell_quote("/tmp/my demo"), "'/tmp/my demo'");
        assert_eq!(shell_quote("/tmp/it's"), r"'/tmp/it'\''s'");
    }
}
