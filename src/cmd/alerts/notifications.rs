//! `hb alerts [list]` and `hb alerts ack`: the notifications the cycle raised.

use anyhow::Result;
use comfy_table::Cell;
use serde::Serialize;

use crate::cli::AlertsListArgs;
use crate::clock;
use crate::cmd::Ctx;
use crate::exit;
use crate::output;
use crate::store::{NotificationFilter, NotificationRow};

#[derive(Debug, Serialize)]
struct NotificationOut {
    id: i64,
    priority: String,
    kind: String,
    source: String,
    subject: String,
    message: String,
    property_id: Option<i64>,
    dedup_key: String,
    created_at: String,
    notified_at: String,
    notify_count: i64,
    acked_at: Option<String>,
    resolved_at: Option<String>,
    /// open, acked or resolved.
    state: &'static str,
}

impl From<NotificationRow> for NotificationOut {
    fn from(n: NotificationRow) -> Self {
        let state = if n.resolved_at.is_some() {
            "resolved"
        } else if n.acked_at.is_some() {
            "acked"
        } else {
            "open"
        };
        NotificationOut {
            id: n.id,
            priority: n.priority.to_string(),
            kind: n.kind.to_string(),
            source: n.source,
            subject: n.subject,
            message: n.message,
            property_id: n.property_id,
            dedup_key: n.dedup_key,
            created_at: clock::format_ts(n.created_at),
            notified_at: clock::format_ts(n.notified_at),
            notify_count: n.notify_count,
            acked_at: output::ts(n.acked_at),
            resolved_at: output::ts(n.resolved_at),
            state,
        }
    }
}

#[derive(Debug, Serialize)]
struct ListOut {
    /// Notifications the filter matches, whatever `--limit`.
    total: u64,
    notifications: Vec<NotificationOut>,
}

pub fn list(ctx: &mut Ctx, args: AlertsListArgs) -> Result<u8> {
    let store = ctx.read_store()?;
    let filter = NotificationFilter {
        priority: args.priority,
        kind: args.kind,
        all: args.all,
        limit: crate::cli::row_limit(args.limit),
    };
    let notifications: Vec<NotificationOut> = store
        .notifications(&filter)?
        .into_iter()
        .map(NotificationOut::from)
        .collect();
    let total = match filter.limit {
        Some(limit) if notifications.len() >= limit => store.count_notifications(&filter)?,
        _ => notifications.len() as u64,
    };
    let out = ListOut {
        total,
        notifications,
    };
    if ctx.out.json {
        output::print_json(&out)?;
    } else if !ctx.out.quiet {
        if out.notifications.is_empty() {
            let filtered = filter.priority.is_some() || filter.kind.is_some();
            output::print(match (filter.all, filtered) {
                (true, false) => "no notifications",
                (false, false) => "no open notifications",
                (true, true) => "no notifications match",
                (false, true) => "no open notifications match",
            })?;
            return Ok(exit::OK);
        }
        let o = ctx.out;
        let mut table = o.table(["ID", "Priority", "Kind", "Subject", "Since", "State"]);
        for n in &out.notifications {
            table.add_row(vec![
                Cell::new(n.id),
                o.status_cell(&n.priority),
                Cell::new(&n.kind),
                Cell::new(&n.subject),
                Cell::new(&n.created_at),
                Cell::new(n.state),
            ]);
        }
        output::print(table)?;
        o.note_truncated(out.notifications.len(), out.total);
    }
    Ok(exit::OK)
}

pub fn ack(ctx: &mut Ctx, ids: &[i64]) -> Result<u8> {
    let mut store = ctx.existing_store()?;
    store.ack_notifications(ids, ctx.clock.now_ts())?;
    if !ctx.out.quiet && !ctx.out.json {
        let list: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
        output::print(format!("acknowledged {}", list.join(", ")))?;
    } else if ctx.out.json {
        output::print_json(&serde_json::json!({ "acknowledged": ids }))?;
    }
    Ok(exit::OK)
}
