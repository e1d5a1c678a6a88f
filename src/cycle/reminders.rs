//! Scheduled: due reminders become notifications once; recurring ones move on.

use anyhow::Result;

use super::{ModuleEnv, ModuleOutcome, SummaryItem};
use crate::alert::Priority;
use crate::clock;
use crate::notification::NotificationKind;
use crate::recurrence::Recurrence;
use crate::store::{NotificationDraft, Transitions, Tx, REMINDER_SOURCE};

pub fn run(tx: &Tx<'_>, env: &ModuleEnv) -> Result<ModuleOutcome> {
    let due = tx.due_reminders(env.now)?;
    let mut transitions = Transitions::default();
    let mut ids = Vec::new();
    let mut events = tx.events(REMINDER_SOURCE, env.now, env.run_id);
    for reminder in &due {
        let on = reminder
            .property_id
            .map(|p| format!(" (property #{p})"))
            .unwrap_or_default();
        let draft = NotificationDraft {
            // One occurrence, one key: a recurring reminder notifies again next time.
            dedup_key: format!("reminder:{}:{}", reminder.id, reminder.due_at),
            kind: NotificationKind::Reminder,
            priority: Priority::Medium,
            subject: format!("Reminder: {}{on}", reminder.title),
            message: format!(
                "Reminder #{} \"{}\" was due {}.",
                reminder.id,
                reminder.title,
                clock::format_ts(reminder.due_at)
            ),
            property_id: reminder.property_id,
        };
        events.add(&draft)?;
        // An unreadable recurrence (imported before validation) fires once, like a one-off.
        let next = reminder
            .recurrence
            .as_deref()
            .filter(|r| !r.trim().is_empty())
            .and_then(|r| Recurrence::parse(r).ok())
            .map(|r| r.next_after(reminder.due_at, env.now));
        tx.advance_reminder(reminder.id, next, env.now)?;
        ids.push(reminder.id);
    }
    transitions.new.extend(events.finish()?);
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
        scan: None,
    })
}
