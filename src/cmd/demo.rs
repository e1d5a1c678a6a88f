//! `hb demo`: a fresh, deterministic sample portfolio in its own store, then a look at it.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use super::init::{absolute, write_config, SHIPPED_CONFIG};
use super::Ctx;
use crate::cli::{DemoArgs, InsightsArgs};
use crate::config;
use crate::demo::{self, Counts};
use crate::exit::{self, HbError};
use crate::output::{self, Output};
use crate::pipeline::Stage;
use crate::store::{HealthFilter, LoadStep, Store};

const DB_FILE: &str = "demo.db";
/// First line of the demo's config: how a rerun knows the file is its own to rewrite.
const MARKER: &str = "# hb demo config:";

#[derive(Debug, Serialize)]
struct DemoOut {
    store: PathBuf,
    config: PathBuf,
    counts: Counts,
}

pub fn run(ctx: &mut Ctx, args: DemoArgs) -> Result<u8> {
    if args.properties == 0 {
        return Err(HbError::Usage("--properties must be at least 1".into()).into());
    }
    let dir = match args.dir {
        Some(dir) => dir,
        None => config::data_dir()?.join("demo"),
    };
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("could not create demo directory {}", dir.display()))?;
    let dir = absolute(&dir);

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
    write_config(&config_path, &demo_config())?;
    let loaded = config::load_file(&config_path)?;
    let db_path = loaded.store_path(None)?;
    remove_store(&db_path)?;

    let stale = loaded.config.property.stale_days;
    let now = ctx.clock.now_ts();
    let mut store = Store::open(&db_path)?;
    let watchlists = demo::watchlists(args.properties, now);
    let reminders = demo::team_reminders(now);
    let mut counts = Counts::default();
    let bar = progress_bar(&ctx.out, u64::from(args.properties));
    let properties =
        demo::properties(args.properties, now, stale).inspect(|p| counts.add(p, &stale, now));
    store.load_demo(
        properties,
        &watchlists,
        &reminders,
        now,
        |step| match step {
            LoadStep::Properties(n) => bar.set_position(n),
            LoadStep::Indexes if !bar.is_hidden() => {
                // The last few seconds of a big load have no count to show.
                if let Ok(style) =
                    ProgressStyle::with_template("{spinner} building indexes ({elapsed})")
                {
                    bar.set_style(style);
                }
                bar.enable_steady_tick(Duration::from_millis(120));
            }
            LoadStep::Indexes => {}
        },
    )?;
    bar.finish_and_clear();
    counts.watchlists = watchlists.len() as u64;
    counts.reminders += reminders.len() as u64;

    let out = DemoOut {
        store: db_path.clone(),
        config: config_path.clone(),
        counts,
    };
    if ctx.out.json {
        output::print_json(&out)?;
        return Ok(exit::OK);
    }
    if ctx.out.quiet {
        return Ok(exit::OK);
    }
    print_summary(&out, ctx.global.db.is_some())?;

    // From here on this invocation looks at the demo, whatever HB_DB or HB_CONFIG say.
    ctx.global.db = Some(db_path);
    ctx.global.config = Some(config_path);
    ctx.loaded = Some(loaded);
    output::print("")?;
    super::insights::run(ctx, InsightsArgs { limit: 10 })
        .context("the demo store is ready, but its insights could not be shown")?;

    let (id, why) = featured(&store, &stale, now)?;
    output::print(format!(
        "\nOne property heartbeat ({why}): hb property {id}"
    ))?;
    let view = super::property::view(&store, id, &stale, now)?;
    super::property::print_view(&ctx.out, &view)?;
    Ok(exit::OK)
}

/// The shipped config with the demo's store, marked as the demo's own.
fn demo_config() -> String {
    let body = SHIPPED_CONFIG.replacen(
        "path = \"heartbeat.db\"",
        &format!("path = \"{DB_FILE}\""),
        1,
    );
    format!("{MARKER} written by `hb demo`, rewritten on every run.\n#\n{body}")
}

/// A fresh demo: the old store goes, with its WAL and journal.
fn remove_store(db: &Path) -> Result<()> {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut name = db.as_os_str().to_owned();
        name.push(suffix);
        let path = PathBuf::from(name);
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => {
                return Err(err)
                    .with_context(|| format!("could not remove old demo store {}", path.display()))
            }
        }
    }
    Ok(())
}

/// A bar on stderr for people watching; nothing for scripts, `-q` or `--json`.
fn progress_bar(out: &Output, len: u64) -> ProgressBar {
    if out.json || out.quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template(
        "writing demo properties {bar:40} {human_pos}/{human_len} ({eta} left)",
    ) {
        bar.set_style(style);
    }
    bar
}

fn print_summary(out: &DemoOut, db_overridden: bool) -> Result<()> {
    let c = &out.counts;
    let s = &c.by_stage;
    let h = &c.by_health;
    let quote = |p: &Path| shell_quote(&p.display().to_string());
    output::print(format!("Demo store: {}", out.store.display()))?;
    output::print(format!(
        "  {} properties: {} new, {} enriched, {} researched, {} waiting for contracts, {} complete",
        c.properties, s.new, s.enriched, s.researched, s.waiting_for_contracts, s.complete
    ))?;
    output::print(format!(
        "  health: {} healthy, {} stale, {} blocked",
        h.healthy, h.stale, h.blocked
    ))?;
    output::print(format!(
        "  {} contracts, {} contacts with {} interactions, {} watchlists, {} price points, {} reminders",
        c.contracts, c.contacts, c.interactions, c.watchlists, c.price_points, c.reminders
    ))?;
    output::print(format!(
        "Point hb at it: export HB_CONFIG={}",
        quote(&out.config)
    ))?;
    output::print(format!(
        "            or: hb --db {} insights",
        quote(&out.store)
    ))?;
    if db_overridden {
        output::print("note: HB_DB (or --db) is set and wins over HB_CONFIG: unset it first")?;
    }
    Ok(())
}

/// A property worth a look: the longest-stale enriched one, else any stale or blocked one.
fn featured(store: &Store, stale: &config::StaleDays, now: i64) -> Result<(i64, &'static str)> {
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
        if let Some(row) = store.list_stage(stage, health, stale, now, 1)?.first() {
            return Ok((row.id, why));
        }
    }
    Ok((1, "the first property"))
}

/// `path` as one shell word.
fn shell_quote(text: &str) -> String {
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
        let text = demo_config();
        assert!(text.starts_with(MARKER));
        let config = config::parse(&text).expect("demo config parses");
        assert_eq!(config.store.path, Some(PathBuf::from(DB_FILE)));
    }

    #[test]
    fn quotes_paths_for_the_shell() {
        assert_eq!(shell_quote("/tmp/hb/demo.db"), "/tmp/hb/demo.db");
        assert_eq!(shell_quote("/tmp/my demo"), "'/tmp/my demo'");
        assert_eq!(shell_quote("/tmp/it's"), r"'/tmp/it'\''s'");
    }
}
