//! `hb alerts [list]` and `hb alerts ack`: the notifications the cycle raised.

use anyhow::Result;

use crate::cli::AlertsListArgs;
use crate::cmd::Ctx;
use crate::exit;
use crate::store::NotificationFilter;
use crate::view::alerts::{self, Acknowledged};

pub fn list(ctx: &mut Ctx, args: AlertsListArgs) -> Result<u8> {
    let store = ctx.read_store()?;
    let filter = NotificationFilter {
        priority: args.priority,
        kind: args.kind,
        all: args.all,
        limit: crate::cli::row_limit(args.limit),
    };
    ctx.out.show(&alerts::notifications(&store, &filter)?)?;
    Ok(exit::OK)
}

pub fn ack(ctx: &mut Ctx, ids: &[i64]) -> Result<u8> {
    let mut store = ctx.write_store()?;
    store.ack_notifications(ids, ctx.clock.now_ts())?;
    ctx.out.show(&Acknowledged {
        acknowledged: ids.to_vec(),
    })?;
    Ok(exit::OK)
}
