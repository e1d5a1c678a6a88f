//! `hb alerts [list] | ack ID | test CHANNEL | outbox | send | deliver`

mod notifications;

use anyhow::Result;
use serde::Serialize;

use super::Ctx;
use crate::alert::channels::{self, SendContext};
use crate::alert::outbox::MAX_RATE_LIMIT_WAIT;
use crate::alert::{self, Alert, AlertKind, AlertsConfig, DeliveryReport};
use crate::cli::{AlertsArgs, AlertsCommand, AlertsOutboxArgs, AlertsSendArgs};
use crate::exit::{self, HbError};
use crate::output::{self, Output};
use crate::store::outbox::RejectionRow;
use crate::store::OutboxRow;

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

#[derive(Debug, Serialize)]
struct TestView {
    channel: String,
    #[serde(rename = "type")]
    kind: &'static str,
    ok: bool,
    /// What the server answered (SMTP code and text, HTTP status and body).
    answer: Option<String>,
    error: Option<String>,
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
    let view = TestView {
        channel: channel.name.clone(),
        kind: channel.kind.type_name(),
        ok: result.is_ok(),
        answer: result.as_ref().ok().map(|a| a.answer.clone()),
        error: result.as_ref().err().map(|f| f.error.clone()),
    };
    if ctx.out.json {
        output::print_json(&view)?;
    } else if let Some(answer) = &view.answer {
        if !ctx.out.quiet {
            output::print(format!(
                "{} ({}): accepted: {answer}",
                view.channel, view.kind
            ))?;
        }
    }
    if let Some(error) = &view.error {
        eprintln!(
            "error: {} ({}): test message not delivered: {error}",
            view.channel, view.kind
        );
        return Ok(exit::FAILURE);
    }
    Ok(exit::OK)
}

#[derive(Debug, Serialize)]
struct OutboxView {
    pending: i64,
    failed: i64,
    /// Rows listed without `--limit` (with `--all`, delivered ones too).
    total: u64,
    rows: Vec<OutboxRowView>,
    /// Recipients a mail server refused for good; the others still get the alerts.
    rejected_recipients: Vec<RejectedRecipientView>,
}

/// A recipient a mail server refused for good, once per (channel, address).
#[derive(Debug, Serialize)]
pub struct RejectedRecipientView {
    pub channel: String,
    pub recipient: String,
    /// The server's reply (redacted).
    pub reply: String,
    pub first_at: String,
    pub last_at: String,
}

impl From<RejectionRow> for RejectedRecipientView {
    fn from(r: RejectionRow) -> Self {
        RejectedRecipientView {
            channel: r.channel,
            recipient: r.recipient,
            reply: r.reply,
            first_at: crate::clock::format_ts(r.first_at),
            last_at: crate::clock::format_ts(r.last_at),
        }
    }
}

impl RejectedRecipientView {
    /// `ops-email refuses gone@example.com since 2026-11-25T12:00:00Z: 550 5.1.1 no such user`
    pub fn line(&self) -> String {
        format!(
            "{} refuses {} since {}: {}",
            self.channel, self.recipient, self.first_at, self.reply
        )
    }
}

#[derive(Debug, Serialize)]
struct OutboxRowView {
    id: i64,
    channel: String,
    priority: String,
    kind: String,
    subject: String,
    dedup_key: String,
    status: String,
    attempts: i64,
    created_at: Option<String>,
    last_attempt_at: Option<String>,
    /// When a pending row is tried next (null once delivered or failed).
    next_attempt_at: Option<String>,
    delivered_at: Option<String>,
    last_error: Option<String>,
    #[serde(skip)]
    next_attempt_ts: Option<i64>,
}

impl From<OutboxRow> for OutboxRowView {
    fn from(r: OutboxRow) -> Self {
        let pending = r.status == crate::store::OutboxStatus::Pending;
        OutboxRowView {
            id: r.id,
            channel: r.channel,
            priority: r.priority.to_string(),
            kind: r.kind.to_string(),
            subject: r.subject,
            dedup_key: r.dedup_key,
            status: r.status.to_string(),
            attempts: r.attempts,
            created_at: output::ts(Some(r.created_at)),
            last_attempt_at: output::ts(r.last_attempt_at),
            next_attempt_at: output::ts(pending.then_some(r.next_attempt_at)),
            next_attempt_ts: pending.then_some(r.next_attempt_at),
            delivered_at: output::ts(r.delivered_at),
            last_error: r.last_error,
        }
    }
}

fn run_outbox(ctx: &mut Ctx, args: AlertsOutboxArgs) -> Result<u8> {
    let store = ctx.read_store()?;
    let counts = store.outbox_counts()?;
    let rows = store.outbox_list(args.all, crate::cli::row_limit(args.limit))?;
    let view = OutboxView {
        pending: counts.pending,
        failed: counts.failed,
        total: store.outbox_total(args.all)?,
        rows: rows.into_iter().map(OutboxRowView::from).collect(),
        rejected_recipients: store
            .outbox_rejections()?
            .into_iter()
            .map(RejectedRecipientView::from)
            .collect(),
    };
    if ctx.out.json {
        output::print_json(&view)?;
        return Ok(exit::OK);
    }
    if ctx.out.quiet {
        return Ok(exit::OK);
    }
    let print_rejected = || -> Result<()> {
        for r in &view.rejected_recipients {
            output::print(format!("Recipient refused: {}", r.line()))?;
        }
        Ok(())
    };
    if view.rows.is_empty() {
        output::print("The outbox is empty: every alert was delivered.")?;
        print_rejected()?;
        return Ok(exit::OK);
    }
    let out = &ctx.out;
    let mut table = out.table([
        "ID",
        "CHANNEL",
        "PRIORITY",
        "SUBJECT",
        "STATUS",
        "TRIES",
        "NEXT TRY",
        "LAST ERROR",
    ]);
    for row in &view.rows {
        table.add_row(vec![
            row.id.to_string().into(),
            row.channel.clone().into(),
            out.status_cell(&row.priority),
            row.subject.clone().into(),
            out.status_cell(&row.status),
            row.attempts.to_string().into(),
            output::ts_short(row.next_attempt_ts).into(),
            row.last_error.clone().unwrap_or_else(|| "-".into()).into(),
        ]);
    }
    output::print(table)?;
    output::print(format!(
        "{} pending, {} failed. Failed alerts are not retried; pending ones are, with backoff.",
        view.pending, view.failed
    ))?;
    print_rejected()?;
    out.note_truncated(view.rows.len(), view.total);
    Ok(exit::OK)
}

#[derive(Debug, Serialize)]
struct SendView {
    queued: Vec<i64>,
    channels: Vec<String>,
    /// Null with --queue-only.
    delivery: Option<DeliveryView>,
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
    let view = SendView {
        queued,
        channels,
        delivery: delivery.as_ref().map(DeliveryView::from),
    };
    if ctx.out.json {
        output::print_json(&view)?;
    } else if !ctx.out.quiet {
        output::print(format!("Queued for {}.", view.channels.join(", ")))?;
        if let Some(delivery) = &view.delivery {
            print_delivery(&ctx.out, delivery)?;
        }
    }
    // The alert is safe in the outbox either way: a failed send is retried, not lost.
    if let Some(delivery) = &view.delivery {
        report_failures(delivery, "warning");
    }
    Ok(exit::OK)
}

#[derive(Debug, Serialize)]
struct DeliveryView {
    delivered: usize,
    retrying: usize,
    gave_up: usize,
    channels: Vec<ChannelDeliveryView>,
    /// Channels left for the next run: the delivery budget had no room for them.
    deferred: Vec<String>,
}

#[derive(Debug, Serialize)]
struct ChannelDeliveryView {
    channel: String,
    alerts: usize,
    delivered: bool,
    /// Refused for good: marked failed, not retried.
    permanent: bool,
    answer: Option<String>,
    error: Option<String>,
    /// Recipients refused for good, with the server's reply.
    rejected: Vec<String>,
    next_attempt_at: Option<String>,
}

impl From<&DeliveryReport> for DeliveryView {
    fn from(r: &DeliveryReport) -> Self {
        DeliveryView {
            delivered: r.delivered(),
            retrying: r.retrying(),
            gave_up: r.gave_up,
            channels: r
                .channels
                .iter()
                .map(|c| ChannelDeliveryView {
                    channel: c.channel.clone(),
                    alerts: c.alerts,
                    delivered: c.delivered,
                    permanent: c.permanent,
                    answer: c.answer.clone(),
                    error: c.error.clone(),
                    rejected: c.rejected.clone(),
                    next_attempt_at: output::ts(c.next_attempt_at),
                })
                .collect(),
            deferred: r.deferred.clone(),
        }
    }
}

fn print_delivery(out: &Output, view: &DeliveryView) -> Result<()> {
    if out.quiet {
        return Ok(());
    }
    if view.channels.is_empty() && view.gave_up == 0 && view.deferred.is_empty() {
        return output::print("Nothing is due in the outbox.");
    }
    // Failures are diagnostics: `report_failures` puts them on stderr.
    for c in view.channels.iter().filter(|c| c.delivered) {
        output::print(format!(
            "{}: delivered {} ({})",
            c.channel,
            plural(c.alerts, "alert"),
            c.answer.as_deref().unwrap_or("accepted")
        ))?;
    }
    if view.gave_up > 0 {
        output::print(format!(
            "Gave up on {} (see `hb alerts outbox`).",
            plural(view.gave_up, "alert")
        ))?;
    }
    if !view.deferred.is_empty() {
        output::print(format!(
            "Left for the next run (the delivery budget is used up): {}.",
            view.deferred.join(", ")
        ))?;
    }
    Ok(())
}

/// One stderr line per channel that failed, and per recipient refused; `label` is
/// `warning` or `error`.
fn report_failures(view: &DeliveryView, label: &str) {
    for c in &view.channels {
        for rejected in &c.rejected {
            eprintln!(
                "warning: {}: recipient refused for good: {rejected}",
                c.channel
            );
        }
        if c.delivered {
            continue;
        }
        let error = c.error.as_deref().unwrap_or("unknown error");
        if c.permanent {
            eprintln!(
                "{label}: {}: {} not delivered: {error}; marked failed (see `hb alerts outbox`)",
                c.channel,
                plural(c.alerts, "alert"),
            );
        } else {
            eprintln!(
                "{label}: {}: {} not delivered: {error}; kept in the outbox, next try at {}",
                c.channel,
                plural(c.alerts, "alert"),
                c.next_attempt_at.as_deref().unwrap_or("-")
            );
        }
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Exit 1 when a channel failed this run: the alerts stay queued, but whoever runs
/// this by hand (or from a script) should know delivery is not working.
fn run_deliver(ctx: &mut Ctx) -> Result<u8> {
    let alerts = alerts_config(ctx)?;
    let now = ctx.clock.now_ts();
    let mut store = ctx.store()?;
    let report = alert::deliver_pending(&mut store, &alerts, now)?;
    let view = DeliveryView::from(&report);
    if ctx.out.json {
        output::print_json(&view)?;
    } else {
        print_delivery(&ctx.out, &view)?;
    }
    report_failures(&view, "error");
    if report.all_delivered() {
        Ok(exit::OK)
    } else {
        Ok(exit::FAILURE)
    }
}
