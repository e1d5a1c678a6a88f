//! `hb property ID` (one property's heartbeat) and `hb property list` (the portfolio, most
//! overdue first).

use anyhow::Result;
use serde::Serialize;

use crate::clock;
use crate::clock::format_opt;
use crate::config::{Config, StaleDays};
use crate::pipeline::{self, Health, Stage};
use crate::store::{HealthFilter, PropertyListRow, Store};

/// The property heartbeat (`hb property ID --json`).
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct PropertyHeartbeat {
    pub property_id: i64,
    pub address: String,
    pub stage: Stage,
    pub stage_label: &'static str,
    pub stage_entered_at: Option<String>,
    pub checklist: Vec<ChecklistEntry>,
    pub health: Health,
    pub days_in_stage: f64,
    pub stale_after_days: Option<f64>,
    pub blocked_reason: Option<String>,
    /// While snoozed (`hb property snooze`): its resume date and why; null otherwise.
    pub snoozed_until: Option<String>,
    pub snooze_reason: Option<String>,
    /// When its stale clock started, if not when it entered its stage: the resume date
    /// of a snooze that ended since.
    pub clock_from: Option<String>,
    pub next_action: String,
    pub voice_summary: String,
    pub contracts: Vec<ContractEntry>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ChecklistEntry {
    pub key: &'static str,
    pub label: &'static str,
    pub done: bool,
    pub done_at: Option<String>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ContractEntry {
    pub id: i64,
    pub name: String,
    pub status: &'static str,
    pub deadline_at: Option<String>,
}

/// One property's heartbeat at `now`; an unknown id is `HbError::NotFound`.
pub fn heartbeat(store: &Store, config: &Config, id: i64, now: i64) -> Result<PropertyHeartbeat> {
    let facts = store
        .property_facts(id)?
        .ok_or_else(|| crate::store::not_found("property", id))?;
    let hb = pipeline::heartbeat(&facts, &config.property.stale_days, now);
    Ok(PropertyHeartbeat {
        property_id: facts.id,
        address: facts.address.clone(),
        stage: hb.stage,
        stage_label: hb.stage.label(),
        stage_entered_at: format_opt(Some(hb.stage_entered_at)),
        checklist: hb
            .checklist
            .iter()
            .map(|item| ChecklistEntry {
                key: item.key,
                label: item.label,
                done: item.done,
                done_at: format_opt(item.done_at),
            })
            .collect(),
        health: hb.health,
        days_in_stage: hb.days_in_stage,
        stale_after_days: hb.stale_after_days,
        blocked_reason: hb.blocked_reason,
        snoozed_until: format_opt(hb.snoozed_until),
        snooze_reason: hb.snooze_reason,
        clock_from: format_opt(hb.clock_from),
        next_action: hb.next_action,
        voice_summary: hb.voice_summary,
        contracts: facts
            .contracts
            .iter()
            .map(|c| ContractEntry {
                id: c.id,
                name: c.name.clone(),
                status: c.status.as_str(),
                deadline_at: format_opt(c.deadline_at),
            })
            .collect(),
    })
}

/// Which properties a list wants.
#[derive(Debug, Clone, Copy, Default)]
pub struct ListFilter {
    pub health: Option<Health>,
    pub stage: Option<Stage>,
    /// None: every match.
    pub limit: Option<usize>,
}

/// `hb property list --json`: the rows shown, and how many match.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct PropertyList {
    /// Properties the filters match, whatever the limit.
    pub total: u64,
    pub properties: Vec<ListedProperty>,
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ListedProperty {
    pub property_id: i64,
    pub address: String,
    pub city: Option<String>,
    pub state: Option<String>,
    pub stage: Stage,
    pub health: Health,
    pub days_in_stage: f64,
    pub stale_after_days: Option<f64>,
    /// Days past the stage's stale threshold (negative: days left); null for complete.
    pub overdue_days: Option<f64>,
    pub score: Option<f64>,
    pub blocked_reason: Option<String>,
    /// While snoozed: its resume date and why (absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snoozed_until: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snooze_reason: Option<String>,
}

/// The properties that match `filter` at `now`, most overdue first.
pub fn list(store: &Store, config: &Config, filter: ListFilter, now: i64) -> Result<PropertyList> {
    let stale = &config.property.stale_days;
    let health = health_filter(filter.health);
    let stages: Vec<Stage> = match filter.stage {
        Some(stage) => vec![stage],
        None => Stage::ALL.to_vec(),
    };
    // Each stage's oldest rows come from its index; the most overdue overall are among them.
    let mut rows = Vec::new();
    let mut total = 0;
    for stage in stages {
        let listed = store.list_stage(stage, health, stale, now, filter.limit)?;
        // Counting costs a scan: only when the limit may have cut the stage short.
        total += match filter.limit {
            Some(limit) if listed.len() >= limit => store.count_stage(stage, health, stale, now)?,
            _ => listed.len() as u64,
        };
        rows.extend(
            listed
                .into_iter()
                .map(|row| listed_property(row, stale, now)),
        );
    }
    most_overdue_first(&mut rows);
    if let Some(limit) = filter.limit {
        rows.truncate(limit);
    }
    Ok(PropertyList {
        total,
        properties: rows,
    })
}

/// The store's filter for a health the list asks for.
pub fn health_filter(health: Option<Health>) -> HealthFilter {
    match health {
        None => HealthFilter::Any,
        Some(Health::Healthy) => HealthFilter::Healthy,
        Some(Health::Stale) => HealthFilter::Stale,
        Some(Health::Snoozed) => HealthFilter::Snoozed,
        Some(Health::Blocked) => HealthFilter::Blocked,
    }
}

/// A listed row as the list shows it at `now`: the same health, days and blocked reason
/// as the property's heartbeat.
pub fn listed_property(row: PropertyListRow, stale: &StaleDays, now: i64) -> ListedProperty {
    let stage = row.stage;
    let stale_after_days = stage.stale_after_days(stale);
    // Overdue by its clock: from its resume date when a snooze ended since it entered.
    let clock = pipeline::clock_start(row.stage_entered_at, row.snoozed_until);
    let exact_days = (now - clock) as f64 / clock::DAY_SECS as f64;
    let snoozed = pipeline::is_snoozed(row.snoozed_until, now);
    let health = pipeline::health(
        row.blocked,
        stage,
        row.stage_entered_at,
        row.snoozed_until,
        stale,
        now,
    );
    ListedProperty {
        property_id: row.id,
        address: row.address,
        city: row.city,
        state: row.state,
        stage,
        health,
        days_in_stage: clock::days_between(row.stage_entered_at, now),
        stale_after_days,
        overdue_days: stale_after_days.map(|limit| ((exact_days - limit) * 10.0).round() / 10.0),
        score: row.score,
        blocked_reason: pipeline::blocked_reason(
            row.blocked_reason.as_deref(),
            row.missed.as_ref(),
        ),
        snoozed_until: format_opt(row.snoozed_until.filter(|_| snoozed)),
        snooze_reason: row.snooze_reason.filter(|_| snoozed),
    }
}

/// The list's order: most overdue first (complete, never overdue, last), then by id.
pub fn most_overdue_first(rows: &mut [ListedProperty]) {
    rows.sort_by(|a, b| {
        let key = |r: &ListedProperty| r.overdue_days.unwrap_or(f64::NEG_INFINITY);
        key(b)
            .total_cmp(&key(a))
            .then(a.property_id.cmp(&b.property_id))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::MissedDeadline;

    const NOW: i64 = 1_800_000_000;
    const DAY: i64 = clock::DAY_SECS;

    fn row(id: i64, stage: Stage, days_ago: f64) -> PropertyListRow {
        PropertyListRow {
            id,
            address: format!("{id} Main St"),
            city: Some("Austin".into()),
            state: Some("TX".into()),
            stage,
            stage_entered_at: NOW - (days_ago * DAY as f64) as i64,
            score: None,
            blocked: false,
            blocked_reason: None,
            missed: None,
            snoozed_until: None,
            snooze_reason: None,
        }
    }

    #[test]
    fn a_listed_row_has_the_heartbeats_health_and_overdue_days() {
        let stale = StaleDays::default();
        // enriched is stale after 5 days: 6.25 days in stage is 1.3 days overdue.
        let p = listed_property(row(1, Stage::Enriched, 6.25), &stale, NOW);
        assert_eq!(p.health, Health::Stale);
        assert_eq!(p.stale_after_days, Some(5.0));
        assert_eq!(p.overdue_days, Some(1.3));
        let p = listed_property(row(2, Stage::New, 1.0), &stale, NOW);
        assert_eq!(p.health, Health::Healthy);
        assert_eq!(p.overdue_days, Some(-2.0));
        // Snoozed: says until when and why; once resumed, overdue counts from then.
        let snoozed = PropertyListRow {
            snoozed_until: Some(NOW + DAY),
            snooze_reason: Some("probate".into()),
            ..row(3, Stage::Enriched, 30.0)
        };
        let p = listed_property(snoozed, &stale, NOW);
        assert_eq!(
            (
                p.health,
                p.snoozed_until.as_deref(),
                p.snooze_reason.as_deref()
            ),
            (
                Health::Snoozed,
                Some("2027-01-16T08:00:00Z"),
                Some("probate")
            )
        );
        let resumed = PropertyListRow {
            snoozed_until: Some(NOW - DAY),
            ..row(4, Stage::Enriched, 30.0)
        };
        let p = listed_property(resumed, &stale, NOW);
        assert_eq!(
            (p.health, p.overdue_days, p.snoozed_until),
            (Health::Healthy, Some(-4.0), None)
        );
        let p = listed_property(row(3, Stage::Complete, 40.0), &stale, NOW);
        assert_eq!((p.health, p.overdue_days), (Health::Healthy, None));

        // Blocked wins over stale, and says why in the heartbeat's words.
        let mut blocked = row(4, Stage::Enriched, 9.0);
        blocked.blocked = true;
        blocked.missed = Some(MissedDeadline {
            contract_id: 12,
            name: "Purchase".into(),
            deadline_at: NOW - DAY,
        });
        let p = listed_property(blocked, &stale, NOW);
        assert_eq!(p.health, Health::Blocked);
        let reason = p.blocked_reason.unwrap_or_default();
        assert!(
            reason.starts_with("contract #12 \"Purchase\" missed"),
            "{reason}"
        );
    }

    #[test]
    fn most_overdue_comes_first_and_complete_last() {
        let stale = StaleDays::default();
        let mut rows: Vec<ListedProperty> = [
            row(5, Stage::Complete, 90.0),
            row(3, Stage::New, 4.0),
            row(2, Stage::Enriched, 9.0),
            row(1, Stage::New, 4.0),
        ]
        .into_iter()
        .map(|r| listed_property(r, &stale, NOW))
        .collect();
        most_overdue_first(&mut rows);
        let ids: Vec<i64> = rows.iter().map(|r| r.property_id).collect();
        assert_eq!(ids, [2, 1, 3, 5]);
    }

    #[test]
    fn health_filters_map_one_to_one() {
        assert_eq!(health_filter(None), HealthFilter::Any);
        assert_eq!(health_filter(Some(Health::Stale)), HealthFilter::Stale);
        assert_eq!(health_filter(Some(Health::Blocked)), HealthFilter::Blocked);
        assert_eq!(health_filter(Some(Health::Healthy)), HealthFilter::Healthy);
    }
}
