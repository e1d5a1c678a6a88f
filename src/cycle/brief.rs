//! The daily brief, as the cycle sends it: once a day, the first cycle at or after
//! `[brief] at` queues one digest for each channel of `[brief] route`, and records the
//! day in the same transaction, so no later cycle sends it again.

use anyhow::Result;
use serde::Serialize;

use crate::alert::{self, Alert, AlertKind, Priority};
use crate::config::Config;
use crate::store::{SentBrief, Tx};

/// What the cycle did about the brief.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct BriefSent {
    /// The day it covers, `2026-11-25`.
    pub day: String,
    pub subject: String,
    pub channels: Vec<String>,
}

/// Queue today's brief if it is due and was not sent yet; None otherwise.
pub fn send_if_due(
    tx: &Tx<'_>,
    config: &Config,
    now: i64,
    run_id: i64,
) -> Result<Option<BriefSent>> {
    let last = tx.last_brief()?.map(|b| b.day);
    let Some(day) = config.brief.due_day(last, now) else {
        return Ok(None);
    };
    let brief = crate::view::brief::brief(tx, config, now)?;
    let redactor = config.alerts.redactor();
    let subject = redactor.redact(&brief.subject());
    let alert = Alert::new(
        Priority::Low,
        AlertKind::Brief,
        subject.clone(),
        redactor.redact(&brief.text()),
        format!("brief:{}", brief.day),
        now,
    );
    let channels: Vec<&str> = config.brief.route.iter().map(String::as_str).collect();
    alert::enqueue_to(tx, &channels, &alert)?;
    tx.record_brief(&SentBrief {
        day,
        sent_at: now,
        run_id: Some(run_id),
        channels: config.brief.route.clone(),
        subject: subject.clone(),
    })?;
    Ok(Some(BriefSent {
        day: brief.day,
        subject,
        channels: config.brief.route.clone(),
    }))
}
