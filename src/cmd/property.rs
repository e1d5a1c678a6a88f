//! `hb property ID | list | set ID ...`

use anyhow::Result;

use super::Ctx;
use crate::cli::{
    PropertyArgs, PropertyCommand, PropertyListArgs, PropertySetArgs, PropertySnoozeArgs,
};
use crate::clock;
use crate::exit::{self, HbError};
use crate::store::PropertyFactsUpdate;
use crate::view::property::{self, ListFilter};

pub fn run(ctx: &mut Ctx, args: PropertyArgs) -> Result<u8> {
    match (args.command, args.id) {
        (Some(PropertyCommand::List(list)), _) => run_list(ctx, list),
        (Some(PropertyCommand::Set(set)), _) => run_set(ctx, set),
        (Some(PropertyCommand::Snooze(snooze)), _) => run_snooze(ctx, snooze),
        (None, Some(id)) => {
            let (store, now) = (ctx.read_store()?, ctx.clock.now_ts());
            let heartbeat = property::heartbeat(&store, &ctx.config()?.config, id, now)?;
            ctx.out.show(&heartbeat)?;
            Ok(exit::OK)
        }
        (None, None) => Err(HbError::Usage(
            "a property id or a subcommand is required: e.g. `hb property 5` or `hb property list`"
                .into(),
        )
        .into()),
    }
}

fn run_list(ctx: &mut Ctx, args: PropertyListArgs) -> Result<u8> {
    let store = ctx.read_store()?;
    let filter = ListFilter {
        health: args.health,
        stage: args.stage,
        limit: crate::cli::row_limit(args.limit),
    };
    let now = ctx.clock.now_ts();
    let list = property::list(&store, &ctx.config()?.config, filter, now)?;
    ctx.out.show(&list)?;
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
    let mut store = ctx.write_store()?;
    let now = clock.now_ts();
    store.update_property_facts(args.id, &update, now)?;
    let heartbeat = property::heartbeat(&store, &ctx.config()?.config, args.id, now)?;
    ctx.out.show(&heartbeat)?;
    Ok(exit::OK)
}

fn run_snooze(ctx: &mut Ctx, args: PropertySnoozeArgs) -> Result<u8> {
    let now = ctx.clock.now_ts();
    let hold = match (args.until, args.reason.as_deref()) {
        (Some(until), Some(reason)) => {
            Some(crate::pipeline::snooze(until.timestamp(), reason, now).map_err(HbError::Usage)?)
        }
        // clap: --until needs --reason; --clear takes neither.
        _ => None,
    };
    let mut store = ctx.write_store()?;
    store.snooze_property(args.id, hold.as_ref().map(|(u, r)| (*u, r.as_str())), now)?;
    let heartbeat = property::heartbeat(&store, &ctx.config()?.config, args.id, now)?;
    ctx.out.show(&heartbeat)?;
    Ok(exit::OK)
}
