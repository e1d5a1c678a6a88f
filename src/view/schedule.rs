//! `hb schedule cron|systemd`: the timer entries for the two cadences, as text and as a
//! document for provisioning tools.

use anyhow::Result;
use serde::Serialize;

use crate::cli::ScheduleKind;
use crate::exit::HbError;
use crate::timers::{self, Job, Plan, UnitFile};

/// `hb schedule KIND --json`.
#[derive(Debug, Serialize)]
pub struct Schedule {
    pub kind: &'static str,
    pub binary: String,
    pub config: Option<String>,
    pub db: Option<String>,
    pub jobs: Vec<ScheduledJob>,
    /// systemd: the unit files.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<UnitFile>,
    /// The text as printed without --json.
    pub text: String,
}

#[derive(Debug, Serialize)]
pub struct ScheduledJob {
    #[serde(flatten)]
    pub job: Job,
    /// cron: the five fields; systemd: the OnCalendar= value.
    pub schedule: String,
}

/// The entries of `kind` for `plan`. A cadence no calendar can express is a config error.
pub fn schedule(kind: ScheduleKind, plan: &Plan) -> Result<Schedule> {
    let config_error = |e: anyhow::Error| HbError::Config(format!("[schedule]: {e:#}"));
    // cron mails what a job prints: its jobs run quiet.
    let quiet = kind == ScheduleKind::Cron;
    let jobs = plan.jobs(quiet);
    let (name, text, files, schedules) = match kind {
        ScheduleKind::Cron => {
            let text = timers::render_cron(plan).map_err(config_error)?;
            let schedules = jobs
                .iter()
                .map(|j| timers::cron_schedule(j.period, j.offset_minutes))
                .collect::<Result<Vec<_>>>()
                .map_err(config_error)?;
            ("cron", text, Vec::new(), schedules)
        }
        ScheduleKind::Systemd => {
            let files = timers::render_systemd(plan).map_err(config_error)?;
            let text = timers::render_systemd_text(plan, &files);
            let schedules = jobs
                .iter()
                .map(|j| timers::calendar_spec(j.period, j.offset_minutes))
                .collect::<Result<Vec<_>>>()
                .map_err(config_error)?;
            ("systemd", text, files, schedules)
        }
    };
    Ok(Schedule {
        kind: name,
        binary: plan.exe.display().to_string(),
        config: plan.config.as_ref().map(|p| p.display().to_string()),
        db: plan.db.as_ref().map(|p| p.display().to_string()),
        jobs: jobs
            .into_iter()
            .zip(schedules)
            .map(|(job, schedule)| ScheduledJob { job, schedule })
            .collect(),
        files,
        text,
    })
}
