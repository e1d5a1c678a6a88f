//! `hb schedule cron|systemd`: print timer entries for the two cadences.

use anyhow::{Context, Result};
use serde::Serialize;

use super::Ctx;
use crate::cli::{ScheduleArgs, ScheduleKind};
use crate::exit::{self, HbError};
use crate::output;
use crate::timers::{self, Job, Plan, UnitFile};

#[derive(Debug, Serialize)]
struct ScheduleOut {
    kind: &'static str,
    binary: String,
    config: Option<String>,
    db: Option<String>,
    jobs: Vec<JobOut>,
    /// systemd: the unit files.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    files: Vec<UnitFile>,
    /// The text as printed without --json.
    text: String,
}

#[derive(Debug, Serialize)]
struct JobOut {
    #[serde(flatten)]
    job: Job,
    /// cron: the five fields; systemd: the OnCalendar= value.
    schedule: String,
}

pub fn run(ctx: &mut Ctx, args: ScheduleArgs) -> Result<u8> {
    let exe = std::env::current_exe()
        .context("could not find the path of the running hb binary: run it by its full path")?;
    let loaded = ctx.config()?.clone();
    // The timer's environment has no HB_DB: pass the store when it was given, or when no
    // config file names it.
    let db = if ctx.global.db.is_some() || loaded.path.is_none() {
        Some(timers::absolute(&ctx.store_path()?))
    } else {
        None
    };
    let plan = Plan {
        exe: timers::absolute(&exe),
        config: loaded.path.as_deref().map(timers::absolute),
        db,
        system: loaded.config.schedule.system.0,
        protocol: loaded.config.schedule.protocol.0,
    };
    // A cadence no calendar can express is a config problem.
    let config_error = |e: anyhow::Error| HbError::Config(format!("[schedule]: {e:#}"));
    let quiet = args.kind == ScheduleKind::Cron;
    let (kind, text, files, schedules) = match args.kind {
        ScheduleKind::Cron => {
            let text = timers::render_cron(&plan).map_err(config_error)?;
            let schedules = plan
                .jobs(quiet)
                .iter()
                .map(|j| timers::cron_schedule(j.period, j.offset_minutes))
                .collect::<Result<Vec<_>>>()
                .map_err(config_error)?;
            ("cron", text, Vec::new(), schedules)
        }
        ScheduleKind::Systemd => {
            let files = timers::render_systemd(&plan).map_err(config_error)?;
            let text = timers::render_systemd_text(&plan, &files);
            let schedules = plan
                .jobs(quiet)
                .iter()
                .map(|j| timers::calendar_spec(j.period, j.offset_minutes))
                .collect::<Result<Vec<_>>>()
                .map_err(config_error)?;
            ("systemd", text, files, schedules)
        }
    };
    if ctx.out.json {
        let out = ScheduleOut {
            kind,
            binary: plan.exe.display().to_string(),
            config: plan.config.as_ref().map(|p| p.display().to_string()),
            db: plan.db.as_ref().map(|p| p.display().to_string()),
            jobs: plan
                .jobs(quiet)
                .into_iter()
                .zip(schedules)
                .map(|(job, schedule)| JobOut { job, schedule })
                .collect(),
            files,
            text,
        };
        output::print_json(&out)?;
    } else if !ctx.out.quiet {
        output::print(text.trim_end())?;
    }
    Ok(exit::OK)
}
