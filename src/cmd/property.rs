//! `hb property ID | list | set ID ...`

use anyhow::Result;
use comfy_table::Cell;
use serde::Serialize;

use super::Ctx;
use crate::cli::{PropertyArgs, PropertyCommand, PropertyListArgs, PropertySetArgs};
use crate::clock;
use crate::exit::{self, HbError};
use crate::output::{self, Output};
use crate::pipeline::{self, Health, Stage};
use crate::store::{HealthFilter, PropertyFactsUpdate, Store};

pub fn run(ctx: &mut Ctx, args: PropertyArgs) -> Result<u8> {
    match (args.command, args.id) {
        (Some(PropertyCommand::List(list)), _) => run_list(ctx, list),
        (Some(PropertyCommand::Set(set)), _) => run_set(ctx, set),
        (None, Some(id)) => {
            let store = ctx.read_store()?;
            let stale = ctx.config()?.config.property.stale_days;
            let view = view(&store, id, &stale, ctx.clock.now_ts())?;
            print_view(&ctx.out, &view)?;
            Ok(exit::OK)
        }
        (None, None) => Err(HbError::Usage(
            "a property id or a subcommand is required: e.g. `hb property 5` or `hb property list`"
                .into(),
        )
        .into()),
    }
}

/// The property heartbeat as scripts read it (`--json`).
#[derive(Debug, Serialize)]
pub struct PropertyView {
    pub property_id: i64,
    pub address: String,
    pub stage: Stage,
    pub stage_label: &'static str,
    pub stage_entered_at: Option<String>,
    pub checklist: Vec<ChecklistView>,
    pub health: Health,
    pub days_in_stage: f64,
    pub stale_after_days: Option<f64>,
    pub blocked_reason: Option<String>,
    pub next_action: String,
    pub voice_summary: String,
    pub contracts: Vec<ContractView>,
}

#[derive(Debug, Serialize)]
pub struct ChecklistView {
    pub key: &'static str,
    pub label: &'static str,
    pub done: bool,
    pub done_at: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ContractView {
    pub id: i64,
    pub name: String,
    pub status: &'static str,
    pub deadline_at: Option<String>,
}

/// Compute one property's heartbeat at `now`.
pub fn view(
    store: &Store,
    id: i64,
    stale: &crate::config::StaleDays,
    now: i64,
) -> Result<PropertyView> {
    let facts = store
        .property_facts(id)?
        .ok_or_else(|| crate::store::not_found("property", id))?;
    let hb = pipeline::heartbeat(&facts, stale, now);
    Ok(PropertyView {
        property_id: facts.id,
        address: facts.address.clone(),
        stage: hb.stage,
        stage_label: hb.stage.label(),
        stage_entered_at: output::ts(Some(hb.stage_entered_at)),
        checklist: hb
            .checklist
            .iter()
            .map(|item| ChecklistView {
                key: item.key,
                label: item.label,
                done: item.done,
                done_at: output::ts(item.done_at),
            })
            .collect(),
        health: hb.health,
        days_in_stage: hb.days_in_stage,
        stale_after_days: hb.stale_after_days,
        blocked_reason: hb.blocked_reason,
        next_action: hb.next_action,
        voice_summary: hb.voice_summary,
        contracts: facts
            .contracts
            .iter()
            .map(|c| ContractView {
                id: c.id,
                name: c.name.clone(),
                status: c.status.as_str(),
                deadline_at: output::ts(c.deadline_at),
            })
            .collect(),
    })
}

pub fn print_view(out: &Output, view: &PropertyView) -> Result<()> {
    if out.json {
        return output::print_json(view);
    }
    if out.quiet {
        return Ok(());
    }
    let mut table = out.table(vec![
        format!("Property #{}", view.property_id),
        view.address.clone(),
    ]);
    table.add_row(vec![Cell::new("Stage"), Cell::new(view.stage_label)]);
    table.add_row(vec![
        Cell::new("Health"),
        out.status_cell(view.health.as_str()),
    ]);
    let limit = view
        .stale_after_days
        .map(|d| format!(" (stale after {})", pipeline::format_days(d)))
        .unwrap_or_default();
    table.add_row(vec![
        Cell::new("Days in stage"),
        Cell::new(format!("{:.1}{limit}", view.days_in_stage)),
    ]);
    if let Some(reason) = &view.blocked_reason {
        table.add_row(vec![Cell::new("Blocked"), Cell::new(reason)]);
    }
    for item in &view.checklist {
        let mark = if item.done { "[x]" } else { "[ ]" };
        let when = item
            .done_at
            .as_deref()
            .map(|t| format!("  {t}"))
            .unwrap_or_default();
        table.add_row(vec![
            Cell::new(item.label),
            Cell::new(format!("{mark}{when}")),
        ]);
    }
    for contract in &view.contracts {
        let deadline = contract
            .deadline_at
            .as_deref()
            .map(|d| format!(", deadline {d}"))
            .unwrap_or_default();
        table.add_row(vec![
            Cell::new(format!("Contract #{}", contract.id)),
            Cell::new(format!("{}: {}{deadline}", contract.name, contract.status)),
        ]);
    }
    table.add_row(vec![Cell::new("Next action"), Cell::new(&view.next_action)]);
    output::print(table)?;
    output::print(&view.voice_summary)
}

#[derive(Debug, Serialize)]
struct ListRow {
    property_id: i64,
    address: String,
    city: Option<String>,
    state: Option<String>,
    stage: Stage,
    health: Health,
    days_in_stage: f64,
    stale_after_days: Option<f64>,
    /// Days past the stage's stale threshold (negative: days left); null for complete.
    overdue_days: Option<f64>,
    score: Option<f64>,
    blocked_reason: Option<String>,
}

/// `hb property list --json`: the rows shown, and how many match.
#[derive(Debug, Serialize)]
struct ListOut {
    /// Properties the filters match, whatever `--limit`.
    total: u64,
    properties: Vec<ListRow>,
}

fn run_list(ctx: &mut Ctx, args: PropertyListArgs) -> Result<u8> {
    let store = ctx.read_store()?;
    let stale = ctx.config()?.config.property.stale_days;
    let now = ctx.clock.now_ts();
    let limit = crate::cli::row_limit(args.limit);
    let health = match args.health {
        None => HealthFilter::Any,
        Some(Health::Healthy) => HealthFilter::Healthy,
        Some(Health::Stale) => HealthFilter::Stale,
        Some(Health::Blocked) => HealthFilter::Blocked,
    };
    let stages: Vec<Stage> = match args.stage {
        Some(stage) => vec![stage],
        None => Stage::ALL.to_vec(),
    };
    // Each stage's oldest rows come from its index; the most overdue overall are among them.
    let mut rows = Vec::new();
    let mut total = 0;
    for stage in stages {
        let listed = store.list_stage(stage, health, &stale, now, limit)?;
        // Counting costs a scan: only when the limit may have cut the stage short.
        total += match limit {
            Some(limit) if listed.len() >= limit => {
                store.count_stage(stage, health, &stale, now)?
            }
            _ => listed.len() as u64,
        };
        for row in listed {
            let stale_after_days = stage.stale_after_days(&stale);
            let exact_days = (now - row.stage_entered_at) as f64 / clock::DAY_SECS as f64;
            let health = pipeline::health(row.blocked, stage, row.stage_entered_at, &stale, now);
            rows.push(ListRow {
                property_id: row.id,
                address: row.address,
                city: row.city,
                state: row.state,
                stage,
                health,
                days_in_stage: clock::days_between(row.stage_entered_at, now),
                stale_after_days,
                overdue_days: stale_after_days
                    .map(|limit| ((exact_days - limit) * 10.0).round() / 10.0),
                score: row.score,
                blocked_reason: pipeline::blocked_reason(
                    row.blocked_reason.as_deref(),
                    row.missed.as_ref(),
                ),
            });
        }
    }
    rows.sort_by(|a, b| {
        let key = |r: &ListRow| r.overdue_days.unwrap_or(f64::NEG_INFINITY);
        key(b)
            .total_cmp(&key(a))
            .then(a.property_id.cmp(&b.property_id))
    });
    if let Some(limit) = limit {
        rows.truncate(limit);
    }

    if ctx.out.json {
        output::print_json(&ListOut {
            total,
            properties: rows,
        })?;
        return Ok(exit::OK);
    }
    if ctx.out.quiet {
        return Ok(exit::OK);
    }
    let out = ctx.out;
    let mut table = out.table([
        "ID", "Address", "Stage", "Health", "Days", "Overdue", "Score",
    ]);
    for row in &rows {
        let place = match (&row.city, &row.state) {
            (Some(city), Some(state)) => format!("{}, {city} {state}", row.address),
            _ => row.address.clone(),
        };
        table.add_row(vec![
            Cell::new(row.property_id),
            Cell::new(place),
            Cell::new(row.stage.label()),
            out.status_cell(row.health.as_str()),
            Cell::new(format!("{:.1}", row.days_in_stage)),
            Cell::new(
                row.overdue_days
                    .map(|d| format!("{d:+.1}"))
                    .unwrap_or_else(|| "-".into()),
            ),
            Cell::new(
                row.score
                    .map(|s| format!("{s:.0}"))
                    .unwrap_or_else(|| "-".into()),
            ),
        ]);
    }
    if rows.is_empty() {
        output::print("no properties match")?;
    } else {
        output::print(table)?;
        out.note_truncated(rows.len(), total);
    }
    Ok(exit::OK)
}

fn run_set(ctx: &mut Ctx, args: PropertySetArgs) -> Result<u8> {
    let clock = ctx.clock;
    let time = |value: &Option<String>| -> Result<Option<i64>> {
        value
            .as_deref()
            .map(|v| clock::parse_time_or_now(v, &clock).map(|t| t.timestamp()))
            .transpose()
            .map_err(|e| HbError::Usage(format!("{e:#}")).into())
    };
    let update = PropertyFactsUpdate {
        enriched_at: time(&args.enriched)?,
        skip_traced_at: time(&args.skip_traced)?,
        blocked_reason: if args.unblocked {
            Some(None)
        } else {
            args.blocked.clone().map(Some)
        },
        score: args.score.map(f64::from),
        last_action_at: time(&args.acted)?,
    };
    let mut store = ctx.existing_store()?;
    let now = clock.now_ts();
    store.update_property_facts(args.id, &update, now)?;
    let stale = ctx.config()?.config.property.stale_days;
    let view = view(&store, args.id, &stale, now)?;
    print_view(&ctx.out, &view)?;
    Ok(exit::OK)
}
