//! `hb silence add|list|remove`: maintenance windows made by hand.

use anyhow::Result;

use super::Ctx;
use crate::cli::{SilenceAddArgs, SilenceArgs, SilenceCommand};
use crate::exit::{self, HbError};
use crate::silence::{self, End, Scope};
use crate::store::Removal;
use crate::view::silences::{self as view, Removed, SilenceView};

pub fn run(ctx: &mut Ctx, args: SilenceArgs) -> Result<u8> {
    let now = ctx.clock.now_ts();
    match args.command {
        None => list(ctx, args.list.all, now),
        Some(SilenceCommand::List(list_args)) => list(ctx, list_args.all, now),
        Some(SilenceCommand::Add(add)) => {
            let new = plan(ctx, add, now)?;
            let mut store = ctx.open_or_create_store()?;
            let silence = store.add_silence(&new, now)?;
            ctx.out.show(&SilenceView::of(&silence, now))?;
            Ok(exit::OK)
        }
        Some(SilenceCommand::Remove { id }) => {
            let mut store = ctx.write_store()?;
            let removed = match store.remove_silence(id, now)? {
                Removal::Removed(s) => Removed {
                    removed: true,
                    silence: SilenceView::of(&s, now),
                },
                Removal::AlreadyOver(s) => Removed {
                    removed: false,
                    silence: SilenceView::of(&s, now),
                },
            };
            ctx.out.show(&removed)?;
            Ok(exit::OK)
        }
    }
}

fn list(ctx: &mut Ctx, all: bool, now: i64) -> Result<u8> {
    let store = ctx.read_store_if_any()?;
    let doc = view::list(store.as_ref(), &ctx.config()?.config, now, all)?;
    ctx.out.show(&doc)?;
    Ok(exit::OK)
}

/// The silence the arguments ask for, checked against the config's checks.
fn plan(ctx: &mut Ctx, add: SilenceAddArgs, now: i64) -> Result<silence::NewSilence> {
    let scope = match (add.check, add.group) {
        (Some(check), _) => Scope::Check(check),
        (None, Some(group)) => Scope::Group(group),
        (None, None) => Scope::All,
    };
    let end = match (add.length, add.until) {
        (Some(length), _) => End::For(
            crate::duration::ANY
                .parse(&length)
                .map_err(|e| HbError::Usage(format!("--for: {e:#}")))?,
        ),
        (None, Some(until)) => End::Until(until.timestamp()),
        // clap requires one of them.
        (None, None) => return Err(HbError::Usage("give --for or --until".into()).into()),
    };
    let config = &ctx.config()?.config;
    let names: Vec<&str> = config
        .check
        .iter()
        .map(|c| c.common.name.as_str())
        .collect();
    silence::plan(
        scope,
        add.from.map(|t| t.timestamp()),
        end,
        &add.reason,
        &names,
        now,
    )
    .map_err(|e| HbError::Usage(e).into())
}
