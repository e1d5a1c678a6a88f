//! `hb alerts [list] | ack ID | test CHANNEL | outbox | send | deliver`

mod notifications;

use anyhow::Result;

use super::Ctx;
use crate::alert::{self, adhoc, AlertsConfig};
use crate::cli::{AlertsArgs, AlertsCommand, AlertsOutboxArgs, AlertsSendArgs};
use crate::exit;
use crate::view::alerts::{ChannelTest, Delivery, Sent};

pub fn run(ctx: &mut Ctx, args: AlertsArgs) -> Result<u8> {
    match args.command {
        // The notifications the cycle raised (notifications.rs); the rest is delivery.
        None => notifications::list(ctx, args.list),
        Some(AlertsCommand::List(list)) => notifications::list(ctx, list),
        Some(AlertsCommand::Ack { ids }) => notifications::ack(ctx, &ids),
        Some(AlertsCommand::Test { channel }) => run_test(ctx, &channel),
        Some(AlertsCommand::Outbox(args)) => run_outbox(ctx, args),
        Some(AlertsCommand::Send(args)) => run_send(ctx, args),
        Some(AlertsCommand::Deliver) => run_deliver(ctx),
    }
}

fn alerts_config(ctx: &mut Ctx) -> Result<AlertsConfig> {
    Ok(ctx.config()?.config.alerts.clone())
}

fn run_test(ctx: &mut Ctx, name: &str) -> Result<u8> {
    let alerts = alerts_config(ctx)?;
    let (channel, result) = adhoc::test(&alerts, name, ctx.clock.now_ts())?;
    let test = ChannelTest::of(channel, &result);
    ctx.out.show(&test)?;
    test.report_failure();
    Ok(if test.ok { exit::OK } else { exit::FAILURE })
}

fn run_outbox(ctx: &mut Ctx, args: AlertsOutboxArgs) -> Result<u8> {
    let store = ctx.read_store()?;
    let limit = crate::cli::row_limit(args.limit);
    ctx.out
        .show(&crate::view::alerts::outbox(&store, args.all, limit)?)?;
    Ok(exit::OK)
}

fn run_send(ctx: &mut Ctx, args: AlertsSendArgs) -> Result<u8> {
    let alerts = alerts_config(ctx)?;
    let now = ctx.clock.now_ts();
    let request = adhoc::Request {
        priority: args.priority,
        escalate: args.escalate,
        subject: args.subject,
        message: args.message,
        key: args.key,
        channels: args.channels,
        property_id: args.property,
    };
    // Checked and routed before the store is opened (or created).
    let prepared = adhoc::prepare(&alerts, request, now)?;
    let mut store = ctx.open_or_create_store()?;
    let queued = prepared.queue(&mut store, &alerts)?;
    let delivery = if args.queue_only {
        None
    } else {
        Some(alert::deliver_pending(&mut store, &alerts, now)?)
    };
    let sent = Sent::new(queued, prepared.channels, delivery.as_ref());
    ctx.out.show(&sent)?;
    // The alert is safe in the outbox either way: a failed send is retried, not lost.
    if let Some(delivery) = &sent.delivery {
        delivery.report_failures("warning");
    }
    Ok(exit::OK)
}

/// Exit 1 when a channel failed this run: the alerts stay queued, but whoever runs
/// this by hand (or from a script) should know delivery is not working.
fn run_deliver(ctx: &mut Ctx) -> Result<u8> {
    let alerts = alerts_config(ctx)?;
    let now = ctx.clock.now_ts();
    let mut store = ctx.open_or_create_store()?;
    let report = alert::deliver_pending(&mut store, &alerts, now)?;
    let delivery = Delivery::from(&report);
    ctx.out.show(&delivery)?;
    delivery.report_failures("error");
    if report.all_delivered() {
        Ok(exit::OK)
    } else {
        Ok(exit::FAILURE)
    }
}
