//! Scheduled: due reminders become notifications once; recurring ones move on.

use anyhow::Result;

use super::{ModuleEnv, ModuleOutcome, SummaryItem};
use crate::clock;
use crate::notification::NotificationKind;
use crate::recurrence::Recurrence;
use crate::store::modules::{self as sql};
use crate::store::Store;
use crate::store::{insert_event, NotificationDraft, Transitions, REMINDER_SOURCE};

pub fn run(store: &Store, env: &ModuleEnv) -> Result<ModuleOutcome> {
    let conn = store.conn();
    let due = sql::due_reminders(conn, env.now)?;
    let mut transitions = Transitions::default();
    let mut ids = Vec::new();
    for reminder in &due {
        let on = reminder
            .property_id
            .map(|p| format!(" (property #{p})"))
            .unwrap_or_default();
        let draft = NotificationDraft {
            // One occurrence, one key: a recurring reminder notifies again next time.
            dedup_key: format!("reminder:{}:{}", reminder.id, reminder.due_at),
            kind: NotificationKind::Reminder,
            priority: "medium".into(),
            subject: format!("Reminder: {}{on}", reminder.title),
            message: format!(
                "Reminder #{} \"{}\" was due {}.",
                reminder.id,
                reminder.title,
                clock::format_ts(reminder.due_at)
            ),
            property_id: reminder.property_id,
        };
        if let Some(id) = insert_event(conn, REMINDER_SOURCE, &draft, env.now, env.run_id)? {
            transitions.new.push(id);
        }
        // An unreadable recurrence (imported before validation) fires once, like a one-off.
        let next = reminder
            .recurrence
            .as_deref()
            .filter(|r| !r.trim().is_empty())
            .and_then(|r| Recurrence::parse(r).ok())
            .map(|r| r.next_after(reminder.due_at, env.now));
        sql::advance_reminder(conn, reminder.id, next, env.now)?;
        ids.push(reminder.id);
    }
    Ok(ModuleOutcome {
        findings: due.len() as i64,
        message: format!("{} reminders due", due.len()),
        items: vec![SummaryItem::new(
            due.len() as i64,
            "reminder due",
            "reminders due",
            ids,
        )],
        transitions,
    })
}
