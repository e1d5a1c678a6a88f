//! `hb alerts [list] | ack ID | test CHANNEL | outbox | send | deliver`

mod notifications;

use anyhow::Result;

use super::Ctx;
use crate::alert::channels::{self, SendContext};
use crate::alert::outbox::MAX_RATE_LIMIT_WAIT;
use crate::alert::{self, Alert, AlertKind, AlertsConfig};
use crate::cli::{AlertsArgs, AlertsCommand, AlertsOutboxArgs, AlertsSendArgs};
use crate::exit::{self, HbError};
use crate::view::alerts::{ChannelTest, Delivery, Sent};

pub fn run(ctx: &mut Ctx, args: AlertsArgs) -> Result<u8> {
    match args.command {
        // Notifications (list, ack) belong to the cycle's notification issue.
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

fn unknown_channel(alerts: &AlertsConfig, name: &str) -> HbError {
    let declared: Vec<&str> = alerts.channels().iter().map(|c| c.name.as_str()).collect();
    let known = if declared.is_empty() {
        "no channels are declared: add [[alerts.channel]] to heartbeat.toml".to_string()
    } else {
        format!("declared: {}", declared.join(", "))
    };
    HbError::NotFound(format!("no alert channel named `{name}` ({known})"))
}

/// Send a test message straight to one channel (not through the outbox: the point is
/// to see the server's answer now).
fn run_test(ctx: &mut Ctx, name: &str) -> Result<u8> {
    let alerts = alerts_config(ctx)?;
    let channel = alerts
        .channel(name)
        .ok_or_else(|| unknown_channel(&alerts, name))?;
    let now = ctx.clock.now_ts();
    let redactor = channels::redactor(&alerts);
    let cx = SendContext {
        base_dir: alerts.base_dir.as_deref(),
        redactor: &redactor,
        now,
        max_rate_limit_wait: MAX_RATE_LIMIT_WAIT,
    };
    let result = channels::send(channel, &[(None, Alert::test(name, now))], &cx);
    let test = ChannelTest::of(channel, &result);
    ctx.out.show(&test)?;
    test.report_failure();
    Ok(if test.ok { exit::OK } else { exit::FAILURE })
}

fn run_outbox(ctx: &mut Ctx, args: AlertsOutboxArgs) -> Result<u8> {
    let store = ctx.read_store()?;
    ctx.out.show(&crate::view::alerts::outbox(
        &store,
        args.all,
        crate::cli::row_limit(args.limit),
    )?)?;
    Ok(exit::OK)
}

fn run_send(ctx: &mut Ctx, args: AlertsSendArgs) -> Result<u8> {
    let alerts = alerts_config(ctx)?;
    let now = ctx.clock.now_ts();
    let priority = args.priority;
    let kind = if args.escalate {
        AlertKind::Escalation
    } else {
        AlertKind::New
    };
    if args.subject.trim().is_empty() {
        return Err(HbError::Usage("--subject must not be empty".into()).into());
    }
    for name in &args.channels {
        if alerts.channel(name).is_none() {
            return Err(HbError::Usage(unknown_channel(&alerts, name).to_string()).into());
        }
    }
    let route_override = (!args.channels.is_empty()).then_some(args.channels.as_slice());
    let channels: Vec<String> = alerts
        .routes
        .channels_for(priority, kind, route_override)
        .into_iter()
        .map(String::from)
        .collect();
    if channels.is_empty() {
        return Err(HbError::Usage(format!(
            "no channel is routed for priority {priority}: add `{priority} = [\"CHANNEL\"]` to \
             [alerts.routes] in heartbeat.toml, or pass --channel NAME"
        ))
        .into());
    }
    let mut alert = Alert::new(
        priority,
        kind,
        args.subject.trim(),
        args.message,
        args.key
            .unwrap_or_else(|| format!("adhoc:{}", args.subject.trim())),
        now,
    );
    alert.property_id = args.property;
    let mut store = ctx.store()?;
    let queued = store.transaction(|tx| alert::enqueue(tx, &alerts, &alert, route_override))?;
    let delivery = if args.queue_only {
        None
    } else {
        Some(alert::deliver_pending(&mut store, &alerts, now)?)
    };
    let sent = Sent {
        queued,
        channels,
        delivery: delivery.as_ref().map(Delivery::from),
    };
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
    let mut store = ctx.store()?;
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
