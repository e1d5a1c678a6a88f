//! Notifications: findings turned into notices, de-duplicated by key.
//!
//! A *condition* source (portfolio, price shifts, cooling relationships, checks) reports
//! its whole current set of findings each time it runs; [`Reconciler`] carries out
//! `alert::decide` for each against the open notice of its key (one probe of the open-key
//! index per finding, no temp table), then resolves what was not seen. An *event* (a
//! reminder due, a watchlist match) is inserted once under a unique key and never
//! re-notified.

use anyhow::Result;
use std::collections::{BTreeSet, HashSet};

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::column::priority_rank_sql;
use super::open_notices::OpenNotices;
use super::outbox::OutboxStatus;
use super::{Store, Tx};
use crate::alert::{self, Decision, OpenNotice, Priority};
use crate::notification::NotificationKind;

/// A finding as the notification layer sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct NotificationDraft {
    pub dedup_key: String,
    pub kind: NotificationKind,
    pub priority: Priority,
    pub subject: String,
    pub message: String,
    pub property_id: Option<i64>,
}

/// What a reconcile did: notification ids by transition.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Transitions {
    pub new: Vec<i64>,
    pub renotified: Vec<i64>,
    pub resolved: Vec<i64>,
}

impl Transitions {
    pub fn extend(&mut self, other: Transitions) {
        self.new.extend(other.new);
        self.renotified.extend(other.renotified);
        self.resolved.extend(other.resolved);
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NotificationRow {
    pub id: i64,
    pub source: String,
    pub dedup_key: String,
    pub kind: NotificationKind,
    pub priority: Priority,
    pub subject: String,
    pub message: String,
    pub property_id: Option<i64>,
    pub created_at: i64,
    pub notified_at: i64,
    pub notify_count: i64,
    pub acked_at: Option<i64>,
    pub resolved_at: Option<i64>,
}

#[derive(Debug, Clone, Default)]
pub struct NotificationFilter {
    pub priority: Option<Priority>,
    pub kind: Option<NotificationKind>,
    /// Include acknowledged and resolved ones.
    pub all: bool,
    /// None: every row.
    pub limit: Option<usize>,
}

/// A finding to reconcile, drafted in words only when they are told (a new notice, or
/// one told again): its key and priority decide, and most findings of a pass persist.
pub trait Draftable {
    fn dedup_key(&self) -> &str;
    fn priority(&self) -> Priority;
    fn into_draft(self) -> NotificationDraft;
}

impl Draftable for &NotificationDraft {
    fn dedup_key(&self) -> &str {
        &self.dedup_key
    }
    fn priority(&self) -> Priority {
        self.priority
    }
    fn into_draft(self) -> NotificationDraft {
        self.clone()
    }
}

/// Compares one source's current findings with its open notices, one finding at a time,
/// and does what `alert::decide` says; memory holds only the ids of the notices seen.
pub struct Reconciler<'t> {
    tx: &'t Tx<'t>,
    source: String,
    now: i64,
    renotify_after: i64,
    run_id: Option<i64>,
    seen: HashSet<i64>,
    transitions: Transitions,
    /// Some when the source had no open notice as the pass began (its first run): every
    /// finding is new and nothing can be re-notified or resolved, so the findings are
    /// written together at the end, in one statement when there are many.
    staged: Option<Staged>,
    /// Some for a pass that read its source's open notices ahead (`reading_open_notices`).
    open: Option<OpenNotices>,
}

/// The new findings of a pass that began with no open notice of its source.
#[derive(Default)]
struct Staged {
    /// The first [`PENDING`] drafts, written one by one if the pass stays small.
    pending: Vec<NotificationDraft>,
    /// Past that, every draft goes to the temp table `notification_drafts` and one
    /// `INSERT ... SELECT` writes them: one statement per pass instead of one per finding
    /// (each statement with triggers journals every page it changes).
    spilled: bool,
    /// Every draft added, by kind and priority: the open counts a bulk write adds.
    tally: Vec<(NotificationKind, Priority, i64)>,
    added: usize,
}

/// Drafts a staged pass holds in memory before it moves them to a temp table.
const PENDING: usize = 512;

impl<'s> Tx<'s> {
    /// Reconcile `source`'s findings at `now`: add each, then `apply`. A persisting
    /// finding is re-notified `renotify_after` seconds after its last notice.
    pub fn reconciler<'t>(
        &'t self,
        source: &str,
        now: i64,
        renotify_after: i64,
        run_id: Option<i64>,
    ) -> Reconciler<'t>
    where
        's: 't,
    {
        // Asked of the rows, not the kept counts; an error stages nothing (the exact path).
        let nothing_open = self
            .conn()
            .prepare_cached(
                "SELECT NOT EXISTS (SELECT 1 FROM notifications
                                    WHERE source = ?1 AND resolved_at IS NULL)",
            )
            .and_then(|mut stmt| stmt.query_row([source], |row| row.get::<_, bool>(0)))
            .unwrap_or(false);
        Reconciler {
            tx: self,
            source: source.to_string(),
            now,
            renotify_after,
            run_id,
            seen: HashSet::new(),
            transitions: Transitions::default(),
            staged: nothing_open.then(Staged::default),
            open: None,
        }
    }

    /// Insert an event notification unless one with its key was ever recorded; returns
    /// its id.
    pub fn insert_event(
        &self,
        source: &str,
        draft: &NotificationDraft,
        now: i64,
        run_id: Option<i64>,
    ) -> Result<Option<i64>> {
        let id = insert_notification(
            self.conn(),
            "WHERE NOT EXISTS (SELECT 1 FROM notifications WHERE dedup_key = ?2)",
            source,
            draft,
            now,
            run_id,
        )?;
        Ok(id)
    }

    /// Event notifications to insert together, each as [`Tx::insert_event`] would: past
    /// [`PENDING`] of them in one statement (a first run matches tens of thousands).
    pub fn events<'t>(&'t self, source: &str, now: i64, run_id: Option<i64>) -> Events<'t>
    where
        's: 't,
    {
        Events {
            tx: self,
            source: source.to_string(),
            now,
            run_id,
            staged: Staged::default(),
        }
    }

    /// Resolve the event notifications that are settled: acknowledged with every alert
    /// of theirs delivered (or none queued), or created at least `ttl` seconds ago. An
    /// event has no condition that could clear it, so without this it stays open
    /// forever. Returns how many were resolved. Their alerts are unaffected: delivery
    /// does not read `resolved_at`.
    pub fn settle_events(&self, now: i64, ttl: i64) -> Result<usize> {
        Ok(self
            .conn()
            .prepare_cached(
                "UPDATE notifications SET resolved_at = ?1
                 WHERE id IN (
                     SELECT id FROM notifications
                     WHERE source IN (?3, ?4) AND resolved_at IS NULL AND created_at <= ?1 - ?2
                     UNION
                     SELECT id FROM notifications n INDEXED BY notifications_open_acked
                     WHERE source IN (?3, ?4) AND resolved_at IS NULL AND acked_at IS NOT NULL
                       AND NOT EXISTS (SELECT 1 FROM alert_outbox o
                                       WHERE o.notification_id = n.id AND o.status <> ?5))",
            )?
            .execute(params![
                now,
                ttl,
                REMINDER_SOURCE,
                WATCHLIST_SOURCE,
                OutboxStatus::Delivered
            ])?)
    }
}

/// `INSERT INTO notifications ... SELECT <the draft> <condition> RETURNING id`: a new
/// notice, first notified now; None when `condition` (over ?1-?9) kept it out.
fn insert_notification(
    conn: &Connection,
    condition: &str,
    source: &str,
    draft: &NotificationDraft,
    now: i64,
    run_id: Option<i64>,
) -> Result<Option<i64>> {
    let mut stmt = conn.prepare_cached(&format!(
        "INSERT INTO notifications (source, dedup_key, kind, priority, subject, message,
            property_id, created_at, notified_at, last_seen_at, run_id)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?8, ?9 {condition}
         RETURNING id"
    ))?;
    let mut rows = stmt.query(params![
        source,
        draft.dedup_key,
        draft.kind,
        draft.priority,
        draft.subject,
        draft.message,
        draft.property_id,
        now,
        run_id
    ])?;
    Ok(match rows.next()? {
        Some(row) => Some(row.get(0)?),
        None => None,
    })
}

/// The open notice of a finding's key, and where it sits among those read ahead.
struct Open {
    id: i64,
    notice: OpenNotice,
    read_ahead: Option<usize>,
}

/// An open notice as `SELECT id, notified_at, acked_at, priority` reads it.
fn open_notice(row: &Row<'_>) -> rusqlite::Result<(i64, OpenNotice)> {
    Ok((
        row.get(0)?,
        OpenNotice {
            notified_at: row.get(1)?,
            acknowledged: row.get::<_, Option<i64>>(2)?.is_some(),
            priority: row.get(3)?,
        },
    ))
}

impl Reconciler<'_> {
    /// For a pass that adds every finding of its source (one that ends in `apply`): read
    /// the source's open notices in one statement and look each finding up among them,
    /// not in the index. Memory for every open notice (about 40 bytes and its key) buys
    /// two B-tree descents per finding.
    pub fn reading_open_notices(mut self) -> Result<Self> {
        if self.staged.is_none() {
            let expected = self
                .tx
                .open_counts_by_kind(&self.source)?
                .iter()
                .map(|(_, n)| n)
                .sum();
            self.open = Some(OpenNotices::read(self.tx.conn(), &self.source, expected)?);
        }
        Ok(self)
    }

    /// The open notice of `dedup_key`, under any source: from those read ahead when it
    /// is one of them, else from the index.
    fn open_notice_of(&self, dedup_key: &str) -> Result<Option<Open>> {
        if let Some((open, i)) = self
            .open
            .as_ref()
            .and_then(|open| open.find(dedup_key).map(|i| (open, i)))
        {
            let (id, notice) = open.notice(i);
            return Ok(Some(Open {
                id,
                notice,
                read_ahead: Some(i),
            }));
        }
        // Not this source's when the pass began: a key new to it, or open under another.
        Ok(self
            .tx
            .conn()
            .prepare_cached(
                "SELECT id, notified_at, acked_at, priority FROM notifications
                 WHERE dedup_key = ?1 AND resolved_at IS NULL",
            )?
            .query_row([dedup_key], open_notice)
            .optional()?
            .map(|(id, notice)| Open {
                id,
                notice,
                read_ahead: None,
            }))
    }

    fn was_seen(&self, open: &Open) -> bool {
        match (open.read_ahead, &self.open) {
            (Some(i), Some(read)) => read.is_seen(i),
            _ => self.seen.contains(&open.id),
        }
    }

    fn mark_seen(&mut self, open: &Open) {
        match (open.read_ahead, &mut self.open) {
            (Some(i), Some(read)) => read.mark_seen(i),
            _ => {
                self.seen.insert(open.id);
            }
        }
    }

    /// Whether the notice `id` was seen in this pass, however it was found.
    fn saw(&self, id: i64) -> bool {
        self.seen.contains(&id) || self.open.as_ref().is_some_and(|open| open.saw_id(id))
    }

    pub fn add(&mut self, finding: impl Draftable) -> Result<()> {
        self.add_with(finding, self.renotify_after)
    }

    /// Add a finding that is told once: never re-notified on the timer (only when it gets
    /// worse).
    pub fn add_once(&mut self, finding: impl Draftable) -> Result<()> {
        self.add_with(finding, i64::MAX / 4)
    }

    /// Add a finding that is due to be told again now if its notice is open: what a
    /// silence held back goes out as soon as it ends.
    pub fn add_due(&mut self, finding: impl Draftable) -> Result<()> {
        self.add_with(finding, 0)
    }

    /// Leave the open notice of `dedup_key` as it is (not re-notified, not resolved):
    /// a silenced check's notices wait for the silence to end.
    pub fn keep(&mut self, dedup_key: &str) -> Result<()> {
        if let Some(open) = self.open_notice_of(dedup_key)? {
            self.mark_seen(&open);
        }
        Ok(())
    }

    fn add_with(&mut self, finding: impl Draftable, renotify_after: i64) -> Result<()> {
        let open = self.open_notice_of(finding.dedup_key())?;
        // A staged pass writes its new findings at the end; a key open under another
        // source is decided now, as in any pass.
        if let (Some(staged), None) = (self.staged.as_mut(), &open) {
            return staged.add(self.tx, finding.into_draft());
        }
        // The same key twice in one pass counts once.
        if open.as_ref().is_some_and(|open| self.was_seen(open)) {
            return Ok(());
        }
        let conn = self.tx.conn();
        let decision = alert::decide(
            Some(finding.priority()),
            open.as_ref().map(|open| &open.notice),
            self.now,
            renotify_after,
        );
        match (decision, open) {
            (Decision::New, _) => {
                let draft = finding.into_draft();
                let id =
                    insert_notification(conn, "", &self.source, &draft, self.now, self.run_id)?
                        .ok_or_else(|| anyhow::anyhow!("a notification insert returned no id"))?;
                self.seen.insert(id);
                self.transitions.new.push(id);
            }
            (Decision::Renotify, Some(open)) => {
                self.mark_seen(&open);
                let (id, draft) = (open.id, finding.into_draft());
                conn.prepare_cached(
                    "UPDATE notifications SET notified_at = ?2, notify_count = notify_count + 1,
                        last_seen_at = ?2, subject = ?3, message = ?4, priority = ?5, run_id = ?6
                     WHERE id = ?1",
                )?
                .execute(params![
                    id,
                    self.now,
                    draft.subject,
                    draft.message,
                    draft.priority,
                    self.run_id
                ])?;
                self.transitions.renotified.push(id);
            }
            (_, Some(open)) => {
                self.mark_seen(&open);
            }
            (_, None) => {}
        }
        Ok(())
    }

    /// Resolve the source's open notices that were not seen in this pass.
    pub fn apply(mut self) -> Result<Transitions> {
        if self.write_staged()? {
            return self.finish();
        }
        if let Some(open) = &self.open {
            let unseen = open.unseen();
            self.resolve_unseen(&unseen)?;
            return self.finish();
        }
        // The ids from the index alone; the rows only of the few not seen.
        let unseen: Vec<i64> = {
            let mut stmt = self.tx.conn().prepare_cached(
                "SELECT id FROM notifications WHERE source = ?1 AND resolved_at IS NULL",
            )?;
            let rows = stmt.query_map([&self.source], |row| row.get(0))?;
            let mut unseen = Vec::new();
            for id in rows {
                let id = id?;
                if !self.seen.contains(&id) {
                    unseen.push(id);
                }
            }
            unseen
        };
        let mut open = Vec::with_capacity(unseen.len());
        {
            let mut stmt = self.tx.conn().prepare_cached(
                "SELECT id, notified_at, acked_at, priority FROM notifications WHERE id = ?1",
            )?;
            for id in unseen {
                open.push(stmt.query_row([id], open_notice)?);
            }
        }
        self.resolve_unseen(&open)?;
        self.finish()
    }

    /// Resolve the open notices of the properties `ids` that were not seen in this pass:
    /// an incremental pass saw every finding of these properties, and no other's.
    pub fn apply_to_properties(self, ids: &BTreeSet<i64>) -> Result<Transitions> {
        self.apply_to("property_id", ids)
    }

    /// Resolve the open notices of `keys` that were not seen in this pass: an
    /// incremental pass saw every finding these keys could have, and no other's.
    pub fn apply_to_keys(self, keys: &[String]) -> Result<Transitions> {
        self.apply_to("dedup_key", keys)
    }

    /// Resolve the unseen open notices of this source whose `column` is one of `values`.
    fn apply_to<V: rusqlite::ToSql>(
        mut self,
        column: &str,
        values: impl IntoIterator<Item = V>,
    ) -> Result<Transitions> {
        if self.write_staged()? {
            return self.finish();
        }
        let mut open = Vec::new();
        {
            let mut stmt = self.tx.conn().prepare_cached(&format!(
                "SELECT id, notified_at, acked_at, priority FROM notifications
                 WHERE {column} = ?1 AND resolved_at IS NULL AND +source = ?2"
            ))?;
            for value in values {
                let rows = stmt.query_map(params![value, self.source], open_notice)?;
                for row in rows {
                    open.push(row?);
                }
            }
        }
        self.resolve_unseen(&open)?;
        self.finish()
    }

    fn resolve_unseen(&mut self, open: &[(i64, OpenNotice)]) -> Result<()> {
        let conn = self.tx.conn();
        let mut resolve =
            conn.prepare_cached("UPDATE notifications SET resolved_at = ?2 WHERE id = ?1")?;
        let mut resolved = Vec::new();
        for (id, notice) in open.iter().filter(|(id, _)| !self.saw(*id)) {
            if alert::decide(None, Some(notice), self.now, self.renotify_after) == Decision::Resolve
            {
                resolve.execute(params![id, self.now])?;
                resolved.push(*id);
            }
        }
        self.transitions.resolved.extend(resolved);
        Ok(())
    }

    /// Write a staged pass's new findings, in the order they came (the first of a key
    /// twice counts once); false when the pass was not staged. Nothing of the source was
    /// open as it began, so nothing is left to resolve.
    fn write_staged(&mut self) -> Result<bool> {
        let Some(staged) = self.staged.take() else {
            return Ok(false);
        };
        let conn = self.tx.conn();
        if !staged.spilled {
            let mut written = HashSet::new();
            for draft in &staged.pending {
                if written.insert(draft.dedup_key.as_str()) {
                    let id =
                        insert_notification(conn, "", &self.source, draft, self.now, self.run_id)?
                            .ok_or_else(|| {
                                anyhow::anyhow!("a notification insert returned no id")
                            })?;
                    self.transitions.new.push(id);
                }
            }
            return Ok(true);
        }
        let new = match insert_staged_in_bulk(conn, &staged, &self.source, self.now, self.run_id)? {
            Some(new) => new,
            None => insert_staged(conn, "", &self.source, self.now, self.run_id)?,
        };
        self.transitions.new.extend(new);
        Ok(true)
    }

    fn finish(self) -> Result<Transitions> {
        Ok(self.transitions)
    }
}

/// Event notifications staged by [`Tx::events`].
pub struct Events<'t> {
    tx: &'t Tx<'t>,
    source: String,
    now: i64,
    run_id: Option<i64>,
    staged: Staged,
}

impl Events<'_> {
    pub fn add(&mut self, draft: &NotificationDraft) -> Result<()> {
        self.staged.add(self.tx, draft.clone())
    }

    /// Insert them, in the order added: the ids of those inserted (none of a key ever
    /// recorded, the first of a key added twice).
    pub fn finish(self) -> Result<Vec<i64>> {
        if !self.staged.spilled {
            let mut new = Vec::new();
            for draft in &self.staged.pending {
                new.extend(
                    self.tx
                        .insert_event(&self.source, draft, self.now, self.run_id)?,
                );
            }
            return Ok(new);
        }
        // The SELECT reads the table it fills, so SQLite runs it to the end first: NOT
        // EXISTS sees only the keys recorded before.
        insert_staged(
            self.tx.conn(),
            "WHERE NOT EXISTS (SELECT 1 FROM notifications n WHERE n.dedup_key = d.dedup_key)",
            &self.source,
            self.now,
            self.run_id,
        )
    }
}

impl Staged {
    fn add(&mut self, tx: &Tx<'_>, draft: NotificationDraft) -> Result<()> {
        self.added += 1;
        match self
            .tally
            .iter_mut()
            .find(|(kind, priority, _)| *kind == draft.kind && *priority == draft.priority)
        {
            Some((_, _, n)) => *n += 1,
            None => self.tally.push((draft.kind, draft.priority, 1)),
        }
        if !self.spilled && self.pending.len() < PENDING {
            self.pending.push(draft);
            return Ok(());
        }
        let conn = tx.conn();
        if !self.spilled {
            conn.execute_batch(
                "CREATE TEMP TABLE IF NOT EXISTS notification_drafts (
                    seq INTEGER PRIMARY KEY,
                    dedup_key TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    priority TEXT NOT NULL,
                    subject TEXT NOT NULL,
                    message TEXT NOT NULL,
                    property_id INTEGER
                 );
                 DELETE FROM temp.notification_drafts;",
            )?;
            self.spilled = true;
            for pending in std::mem::take(&mut self.pending) {
                stage_draft(conn, &pending)?;
            }
        }
        stage_draft(conn, &draft)
    }
}

/// `INSERT ... SELECT` the staged drafts `condition` (over `d`) lets through, in the
/// order staged, each new and first notified now; their ids. The open-key index keeps
/// the first of a key staged twice and IGNORE skips the rest (a GROUP BY would sort
/// every key, in up to the page cache's size of memory).
fn insert_staged(
    conn: &Connection,
    condition: &str,
    source: &str,
    now: i64,
    run_id: Option<i64>,
) -> Result<Vec<i64>> {
    // Ids are given in order past the largest: the new rows are those past it.
    let before: i64 = conn
        .prepare_cached("SELECT coalesce(max(id), 0) FROM notifications")?
        .query_row([], |row| row.get(0))?;
    conn.prepare_cached(&format!(
        "INSERT OR IGNORE INTO notifications (source, dedup_key, kind, priority, subject,
            message, property_id, created_at, notified_at, last_seen_at, run_id)
         SELECT ?1, d.dedup_key, d.kind, d.priority, d.subject, d.message, d.property_id,
                ?2, ?2, ?2, ?3
         FROM temp.notification_drafts d {condition} ORDER BY d.seq"
    ))?
    .execute(params![source, now, run_id])?;
    let mut new = Vec::new();
    let mut stmt = conn.prepare_cached("SELECT id FROM notifications WHERE id > ?1 ORDER BY id")?;
    for id in stmt.query_map([before], |row| row.get(0))? {
        new.push(id?);
    }
    conn.prepare_cached("DELETE FROM temp.notification_drafts")?
        .execute([])?;
    Ok(new)
}

/// The one trigger on `notifications` that fires on insert: [`insert_staged_in_bulk`]
/// does its work (the open counts) itself. A test holds the schema to this.
const COUNTED_INSERTED: &str = "notifications_counted_inserted";

/// A staged pass that at least doubles the table (a first cycle: 656k findings into an
/// empty one) writes faster without the table's indexes and its insert trigger: one
/// append, then each index built by one sort, instead of nine B-trees growing at random
/// keys (6.0 s instead of 11 s for the 1M demo's portfolio). All in a savepoint, put
/// back exactly as the schema has them. None, with nothing written, for a smaller pass
/// or when the rebuild fails, as it does when a key of the pass is open already or
/// staged twice (the open-key index would not rebuild): then `insert_staged` skips those.
fn insert_staged_in_bulk(
    conn: &Connection,
    staged: &Staged,
    source: &str,
    now: i64,
    run_id: Option<i64>,
) -> Result<Option<Vec<i64>>> {
    let rows: usize = conn
        .prepare_cached("SELECT count(*) FROM (SELECT 1 FROM notifications LIMIT ?1)")?
        .query_row([staged.added.saturating_add(1)], |row| row.get(0))?;
    if staged.added < rows {
        return Ok(None);
    }
    // An index build sorts in up to the page cache's size of memory: 8 MiB builds as
    // fast here as 32 MiB, and the same pass peaks at 22 MB instead of 58 MB (sqlite3 CLI).
    let cache_size: i64 = conn.pragma_query_value(None, "cache_size", |row| row.get(0))?;
    conn.pragma_update(None, "cache_size", -8_192)?;
    conn.execute_batch("SAVEPOINT notifications_bulk")?;
    let rebuilt = rebuild_around_insert(conn, staged, source, now, run_id);
    conn.pragma_update(None, "cache_size", cache_size)?;
    match rebuilt {
        Ok(new) => {
            conn.execute_batch("RELEASE notifications_bulk")?;
            Ok(Some(new))
        }
        // The exact path decides and reports: a key twice or already open skips as ever,
        // and any other failure (a statement still reading the table, a full disk) comes
        // again there, in its words.
        Err(_) => {
            conn.execute_batch("ROLLBACK TO notifications_bulk; RELEASE notifications_bulk")?;
            Ok(None)
        }
    }
}

fn rebuild_around_insert(
    conn: &Connection,
    staged: &Staged,
    source: &str,
    now: i64,
    run_id: Option<i64>,
) -> Result<Vec<i64>> {
    // The unique index first: a duplicate key fails the rebuild before the others.
    let schema: Vec<(String, String, String)> = conn
        .prepare(
            "SELECT type, name, sql FROM sqlite_master
             WHERE tbl_name = 'notifications' AND sql IS NOT NULL
               AND (type = 'index' OR (type = 'trigger' AND name = ?1))
             ORDER BY type = 'trigger', sql NOT LIKE 'CREATE UNIQUE%', name",
        )?
        .query_map([COUNTED_INSERTED], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    for (kind, name, _) in &schema {
        conn.execute_batch(&format!("DROP {} \"{}\"", kind.to_uppercase(), name))?;
    }
    let new = insert_staged(conn, "", source, now, run_id)?;
    for (_, _, sql) in &schema {
        conn.execute_batch(sql)?;
    }
    let mut count = conn.prepare_cached(
        "INSERT INTO notification_counts (source, kind, priority, acked, n)
         VALUES (?1, ?2, ?3, 0, ?4)
         ON CONFLICT (source, kind, priority, acked) DO UPDATE SET n = n + excluded.n",
    )?;
    for (kind, priority, n) in &staged.tally {
        count.execute(params![source, kind, priority, n])?;
    }
    Ok(new)
}

fn stage_draft(conn: &Connection, draft: &NotificationDraft) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO temp.notification_drafts (dedup_key, kind, priority, subject, message,
            property_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        draft.dedup_key,
        draft.kind,
        draft.priority,
        draft.subject,
        draft.message,
        draft.property_id
    ])?;
    Ok(())
}

/// (source, kind, priority, acked, kept, counted) of a maintained count that is wrong.
#[cfg(test)]
pub(crate) type CountDrift = (String, String, String, bool, i64, i64);

/// SQL for "a notice of this kind is told again on the timer": the told-once kinds of
/// the deadline ladder (`FindingKind::renotifies`) left out. The partial index
/// `notifications_renotify` (migration 12) has this condition word for word, so the
/// queries of the notices due again read only those.
pub(crate) const RETOLD_SQL: &str = "kind NOT IN ('deadline_passed', 'deadline_near')";

/// The sources of event notifications (`insert_event`): a reminder due, a watchlist match.
pub const REMINDER_SOURCE: &str = "scheduled";
pub const WATCHLIST_SOURCE: &str = "market.match";

const SELECT_NOTIFICATION: &str =
    "SELECT id, source, dedup_key, kind, priority, subject, message, property_id,
    created_at, notified_at, notify_count, acked_at, resolved_at FROM notifications";

impl Store {
    pub fn notifications(&self, filter: &NotificationFilter) -> Result<Vec<NotificationRow>> {
        let (clause, mut args) = notification_where(filter);
        let sql = format!(
            "{SELECT_NOTIFICATION} WHERE {clause}
             ORDER BY {} DESC, created_at DESC, id DESC LIMIT ?",
            priority_rank_sql("priority")
        );
        args.push(Box::new(filter.limit.map_or(-1, |l| l as i64)));
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), notification_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// How many notifications the filter matches, whatever its limit. Open ones are
    /// counted from the maintained counts, however many there are.
    pub fn count_notifications(&self, filter: &NotificationFilter) -> Result<u64> {
        if !filter.all {
            let mut sql =
                String::from("SELECT coalesce(sum(n), 0) FROM notification_counts WHERE acked = 0");
            let mut args: Vec<Box<dyn rusqlite::ToSql>> = Vec::new();
            if let Some(priority) = filter.priority {
                sql.push_str(" AND priority = ?");
                args.push(Box::new(priority));
            }
            if let Some(kind) = filter.kind {
                sql.push_str(" AND kind = ?");
                args.push(Box::new(kind));
            }
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let n: i64 =
                stmt.query_row(rusqlite::params_from_iter(args.iter()), |row| row.get(0))?;
            return Ok(n.max(0) as u64);
        }
        let (clause, args) = notification_where(filter);
        let sql = format!("SELECT count(*) FROM notifications WHERE {clause}");
        let mut stmt = self.conn.prepare(&sql)?;
        Ok(stmt.query_row(rusqlite::params_from_iter(args.iter()), |row| row.get(0))?)
    }

    pub fn notifications_by_id(&self, ids: &[i64]) -> Result<Vec<NotificationRow>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("{SELECT_NOTIFICATION} WHERE id = ?1"))?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let mut rows = stmt.query_map([id], notification_row)?;
            if let Some(row) = rows.next() {
                out.push(row?);
            }
        }
        Ok(out)
    }

    /// Acknowledge: the notice stays until its condition clears, but is not re-notified.
    /// All or nothing: an id that does not exist is an error that names it, and nothing
    /// is acknowledged.
    pub fn ack_notifications(&mut self, ids: &[i64], now: i64) -> Result<()> {
        self.transaction(|tx| {
            let mut missing = Vec::new();
            for id in ids {
                let changed = tx.conn().execute(
                    "UPDATE notifications SET acked_at = coalesce(acked_at, ?2) WHERE id = ?1",
                    params![id, now],
                )?;
                if changed == 0 {
                    missing.push(*id);
                }
            }
            if !missing.is_empty() {
                // Nothing is acknowledged when any id is wrong: the operator retries as a whole.
                anyhow::bail!(crate::exit::HbError::NotFound(format!(
                    "no notification with id {} (nothing was acknowledged; list them with `hb alerts --all`)",
                    missing
                        .iter()
                        .map(|i| i.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
            Ok(())
        })
    }

    /// Open (unresolved, unacknowledged) notifications per priority.
    pub fn open_notification_counts(&self) -> Result<Vec<(Priority, i64)>> {
        // Kept by triggers (migration 7): four rows, whatever the number of notifications.
        let mut stmt = self.conn.prepare_cached(
            "SELECT priority, open FROM open_notification_counts WHERE open > 0 ORDER BY priority",
        )?;
        let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Open notifications (acknowledged or not) of `source` per kind, from the maintained
    /// counts.
    pub fn open_counts_by_kind(&self, source: &str) -> Result<Vec<(NotificationKind, i64)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT kind, sum(n) FROM notification_counts WHERE source = ?1
             GROUP BY kind HAVING sum(n) > 0",
        )?;
        let rows = stmt.query_map([source], |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The kind of every open notice of `source` on the properties `ids`.
    pub fn open_kinds_of_properties(
        &self,
        source: &str,
        ids: &BTreeSet<i64>,
    ) -> Result<Vec<NotificationKind>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT kind FROM notifications
             WHERE property_id = ?1 AND resolved_at IS NULL AND +source = ?2",
        )?;
        let mut kinds = Vec::new();
        for id in ids {
            for kind in stmt.query_map(params![id, source], |row| row.get(0))? {
                kinds.push(kind?);
            }
        }
        Ok(kinds)
    }

    /// The first `limit` properties (lowest ids) with an open notice of `source` and `kind`.
    pub fn open_property_ids(
        &self,
        source: &str,
        kind: NotificationKind,
        limit: usize,
    ) -> Result<Vec<i64>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT property_id FROM notifications
             WHERE source = ?1 AND kind = ?2 AND resolved_at IS NULL AND property_id IS NOT NULL
             ORDER BY property_id LIMIT ?3",
        )?;
        let rows = stmt.query_map(params![source, kind, limit as i64], |row| row.get(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Every open notice as (key, priority, message), by key: what two stores that
    /// should agree are compared on.
    #[cfg(test)]
    pub(crate) fn open_notices(&self) -> Result<Vec<(String, String, String)>> {
        let mut stmt = self.conn.prepare(
            "SELECT dedup_key, priority, message FROM notifications WHERE resolved_at IS NULL
             ORDER BY dedup_key",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Every property's stored close probability, by id.
    #[cfg(test)]
    pub(crate) fn close_probabilities(&self) -> Result<Vec<(i64, Option<f64>)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, close_probability FROM properties ORDER BY id")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The id of the open notice of `key`.
    #[cfg(test)]
    pub(crate) fn open_notice_id(&self, key: &str) -> Result<Option<i64>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id FROM notifications WHERE dedup_key = ?1 AND resolved_at IS NULL",
                [key],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// The maintained counts that differ from a count of the rows, as
    /// (source, kind, priority, acked, kept, counted): empty when they agree.
    #[cfg(test)]
    pub(crate) fn notification_count_drift(&self) -> Result<Vec<CountDrift>> {
        let mut stmt = self.conn.prepare(
            "WITH counted AS (SELECT source, kind, priority, acked_at IS NOT NULL AS acked,
                                     count(*) AS n
                              FROM notifications WHERE resolved_at IS NULL GROUP BY 1, 2, 3, 4),
                  kept AS (SELECT source, kind, priority, acked, n FROM notification_counts
                           WHERE n <> 0)
             SELECT coalesce(k.source, c.source), coalesce(k.kind, c.kind),
                    coalesce(k.priority, c.priority), coalesce(k.acked, c.acked),
                    coalesce(k.n, 0), coalesce(c.n, 0)
             FROM kept k FULL JOIN counted c
               ON c.source = k.source AND c.kind = k.kind AND c.priority = k.priority
              AND c.acked = k.acked
             WHERE coalesce(k.n, 0) <> coalesce(c.n, 0)",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

/// The WHERE clause of a notification filter and its arguments (without the limit).
fn notification_where(filter: &NotificationFilter) -> (String, Vec<Box<dyn rusqlite::ToSql>>) {
    let mut clause = String::from("1 = 1");
    let mut args: Vec<Box<dyn rusqlite::ToSql>> = Vec::new();
    if !filter.all {
        clause.push_str(" AND resolved_at IS NULL AND acked_at IS NULL");
    }
    if let Some(priority) = filter.priority {
        clause.push_str(" AND priority = ?");
        args.push(Box::new(priority));
    }
    if let Some(kind) = filter.kind {
        clause.push_str(" AND kind = ?");
        args.push(Box::new(kind));
    }
    (clause, args)
}

fn notification_row(row: &Row<'_>) -> rusqlite::Result<NotificationRow> {
    Ok(NotificationRow {
        id: row.get(0)?,
        source: row.get(1)?,
        dedup_key: row.get(2)?,
        kind: row.get(3)?,
        priority: row.get(4)?,
        subject: row.get(5)?,
        message: row.get(6)?,
        property_id: row.get(7)?,
        created_at: row.get(8)?,
        notified_at: row.get(9)?,
        notify_count: row.get(10)?,
        acked_at: row.get(11)?,
        resolved_at: row.get(12)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(key: &str) -> NotificationDraft {
        NotificationDraft {
            dedup_key: key.to_string(),
            kind: NotificationKind::CoolingRelationship,
            priority: Priority::Low,
            subject: format!("subject {key}"),
            message: format!("message {key}"),
            property_id: None,
        }
    }

    fn reconcile(store: &mut Store, source: &str, keys: &[String], now: i64) -> Transitions {
        reconcile_with(store, source, keys, now, false)
    }

    /// A full pass over `keys`; `ahead`: reading the source's open notices first.
    fn reconcile_with(
        store: &mut Store,
        source: &str,
        keys: &[String],
        now: i64,
        ahead: bool,
    ) -> Transitions {
        store
            .transaction(|tx| {
                let mut reconciler = tx.reconciler(source, now, 86_400, None);
                if ahead {
                    reconciler = reconciler.reading_open_notices()?;
                }
                for key in keys {
                    match key.strip_prefix("kept:") {
                        Some(kept) => reconciler.keep(kept)?,
                        None => reconciler.add(&draft(key))?,
                    }
                }
                reconciler.apply()
            })
            .unwrap()
    }

    /// A pass that reads its open notices ahead decides as one that asks the index for
    /// each: persisting, told again when due, a key twice once, a key open under another
    /// source left to it, one kept, the rest resolved, new ones added; acked ones alike.
    #[test]
    fn reading_the_open_notices_ahead_decides_as_asking_for_each() {
        let keys = |range: std::ops::Range<usize>| -> Vec<String> {
            range.map(|i| format!("k{i:04}")).collect()
        };
        let mut passes: Vec<Vec<String>> = vec![keys(0..40)];
        // Persisting, one twice, a key of another source, one kept, some gone, some new.
        let mut second = keys(5..50);
        second.insert(3, "k0007".to_string());
        second.push("shared".to_string());
        second.push("kept:k0001".to_string());
        passes.push(second);
        passes.push(keys(0..30)); // a day later: the persisting ones are told again
        let mut stores = Vec::new();
        for ahead in [false, true] {
            let dir = tempfile::tempdir().unwrap();
            let mut store = Store::open(&dir.path().join("t.db")).unwrap();
            reconcile(&mut store, "other", &["shared".to_string()], 50);
            let mut transitions = Vec::new();
            for (pass, now) in passes.iter().zip([100, 3_700, 100_000]) {
                transitions.push(reconcile_with(&mut store, "mine", pass, now, ahead));
                if now == 100 {
                    store
                        .ack_notifications(&transitions[0].new[..3], 150)
                        .unwrap();
                }
            }
            let open: Vec<(String, String, i64, i64)> = store
                .notifications(&NotificationFilter {
                    all: true,
                    ..Default::default()
                })
                .unwrap()
                .into_iter()
                .map(|r| {
                    (
                        r.source,
                        r.dedup_key,
                        r.notified_at,
                        r.resolved_at.unwrap_or(-1),
                    )
                })
                .collect();
            assert!(store.notification_count_drift().unwrap().is_empty());
            stores.push((transitions, open, dir));
        }
        assert_eq!(stores[0].0, stores[1].0);
        assert_eq!(stores[0].1, stores[1].1);
        let [_, second, third] = &stores[1].0[..] else {
            panic!("three passes")
        };
        assert_eq!(second.new.len(), 10, "k0040..k0049");
        assert!(second.renotified.is_empty(), "not due an hour later");
        assert_eq!(second.resolved.len(), 4, "k0000, k0002..k0004 (k0001 kept)");
        assert_eq!(third.new.len(), 4, "k0000, k0002..k0004 again");
        assert_eq!(third.renotified.len(), 25, "k0005..k0029 a day later");
        assert_eq!(
            third.resolved.len(),
            20,
            "k0030..k0049, not the other source's shared"
        );
    }

    /// A source's first pass writes its findings at the end (past `PENDING` of them in
    /// one statement): the same notices, ids in the order found, a key twice once, a key
    /// open under another source left to it, the kept counts right; later passes as ever.
    #[test]
    fn a_first_pass_small_or_large_writes_what_a_pass_one_by_one_would() {
        for n in [3, PENDING + 40] {
            let dir = tempfile::tempdir().unwrap();
            let mut store = Store::open(&dir.path().join("t.db")).unwrap();
            let theirs = reconcile(&mut store, "other", &["shared".to_string()], 100);
            let mut keys: Vec<String> = (0..n).map(|i| format!("k{i:04}")).collect();
            keys.insert(1, "k0000".to_string());
            keys.insert(2, "shared".to_string());

            let first = reconcile(&mut store, "mine", &keys, 200);
            assert_eq!(first.new.len(), n, "n = {n}");
            assert!(first.new.windows(2).all(|w| w[0] < w[1]));
            let rows = store.notifications_by_id(&first.new).unwrap();
            let written: Vec<&str> = rows.iter().map(|r| r.dedup_key.as_str()).collect();
            let distinct: Vec<String> = (0..n).map(|i| format!("k{i:04}")).collect();
            assert_eq!(
                written,
                distinct.iter().map(String::as_str).collect::<Vec<_>>()
            );
            assert!(rows.iter().all(|r| r.source == "mine"
                && r.message == format!("message {}", r.dedup_key)
                && r.created_at == 200
                && r.notified_at == 200));
            assert_eq!(store.open_notice_id("shared").unwrap(), Some(theirs.new[0]));
            assert!(store.notification_count_drift().unwrap().is_empty());

            // Persisting: nothing new; one gone: resolved.
            let again = reconcile(&mut store, "mine", &keys, 300);
            assert_eq!(again, Transitions::default());
            let gone = reconcile(&mut store, "mine", &keys[..keys.len() - 1], 400);
            assert_eq!(
                (gone.new.len(), gone.resolved),
                (0, vec![*first.new.last().unwrap()])
            );
            assert!(store.notification_count_drift().unwrap().is_empty());
        }
    }

    /// The schema's definitions of the table's indexes and triggers, by name.
    fn notifications_schema(store: &Store) -> Vec<(String, String)> {
        store
            .conn()
            .prepare(
                "SELECT name, sql FROM sqlite_master WHERE tbl_name = 'notifications'
                 ORDER BY name",
            )
            .unwrap()
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    /// Stage `keys` as one pass of `source` would, then write them in bulk if it can.
    fn bulk(store: &mut Store, source: &str, keys: &[String]) -> Option<Vec<i64>> {
        store
            .transaction(|tx| {
                let mut staged = Staged::default();
                for (i, key) in keys.iter().enumerate() {
                    let priority = [Priority::Low, Priority::High][i % 2];
                    staged.add(
                        tx,
                        NotificationDraft {
                            priority,
                            ..draft(key)
                        },
                    )?;
                }
                assert!(staged.spilled);
                insert_staged_in_bulk(tx.conn(), &staged, source, 200, None)
            })
            .unwrap()
    }

    /// A pass that at least doubles the table is written without its indexes and put
    /// back: the rows one by one would write, in order, the kept counts right, the schema
    /// as it was. A key twice or open already, or a pass smaller than the table, is left
    /// to the exact path with nothing written.
    #[test]
    fn a_pass_that_doubles_the_table_writes_in_bulk_what_one_by_one_would() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("t.db")).unwrap();
        let theirs: Vec<String> = ["shared", "gone"].map(String::from).to_vec();
        reconcile(&mut store, "other", &theirs, 100);
        reconcile(&mut store, "other", &theirs[..1], 150);
        let schema = notifications_schema(&store);
        let count = |store: &Store| store.count_notifications(&NotificationFilter::default());
        let before = count(&store).unwrap();
        let keys: Vec<String> = (0..PENDING + 40).map(|i| format!("k{i:04}")).collect();

        let mut twice = keys.clone();
        twice.push("k0007".to_string());
        let mut open = keys.clone();
        open.push("shared".to_string());
        for keys in [twice, open] {
            assert_eq!(bulk(&mut store, "mine", &keys), None);
            assert_eq!(count(&store).unwrap(), before);
            assert_eq!(notifications_schema(&store), schema);
        }

        let new = bulk(&mut store, "mine", &keys).expect("written in bulk");
        assert_eq!(new.len(), keys.len());
        assert!(new.windows(2).all(|w| w[0] < w[1]));
        let rows = store.notifications_by_id(&new).unwrap();
        let written: Vec<&str> = rows.iter().map(|r| r.dedup_key.as_str()).collect();
        assert_eq!(written, keys.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(rows.iter().all(|r| r.source == "mine"
            && r.message == format!("message {}", r.dedup_key)
            && (r.created_at, r.notified_at, r.resolved_at) == (200, 200, None)));
        assert!(store.notification_count_drift().unwrap().is_empty());
        assert_eq!(notifications_schema(&store), schema);
        // A pass smaller than the table is not; the rebuilt indexes hold.
        let fewer: Vec<String> = (0..PENDING + 1).map(|i| format!("x{i:04}")).collect();
        assert_eq!(bulk(&mut store, "later", &fewer), None);
        let gone = reconcile(&mut store, "mine", &keys[1..], 300);
        assert_eq!(gone.resolved, vec![new[0]]);
        assert!(store.notification_count_drift().unwrap().is_empty());
    }

    /// The bulk write does the work of the table's insert triggers itself: it knows of
    /// one, which keeps the open counts. A new trigger on insert must be taught to it.
    #[test]
    fn the_bulk_write_knows_every_trigger_on_insert() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("t.db")).unwrap();
        let on_insert: Vec<String> = store
            .conn()
            .prepare(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'
                 AND tbl_name = 'notifications' AND sql LIKE '% INSERT ON notifications%'",
            )
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(on_insert, vec![COUNTED_INSERTED.to_string()]);
    }

    /// Events, few or many: each key once ever (not again after it was resolved), the
    /// first of a key added twice, ids in the order added, as `insert_event` one by one.
    #[test]
    fn events_few_or_many_are_inserted_once_per_key() {
        for n in [3, PENDING + 40] {
            let dir = tempfile::tempdir().unwrap();
            let mut store = Store::open(&dir.path().join("t.db")).unwrap();
            let old = store
                .transaction(|tx| {
                    let id = tx.insert_event(REMINDER_SOURCE, &draft("k0001"), 100, None)?;
                    assert_eq!(tx.settle_events(100 + 10, 5)?, 1);
                    Ok(id)
                })
                .unwrap();
            assert!(old.is_some());
            let mut keys: Vec<String> = (0..n).map(|i| format!("k{i:04}")).collect();
            keys.insert(1, "k0000".to_string());
            let ids = store
                .transaction(|tx| {
                    let mut events = tx.events(REMINDER_SOURCE, 200, None);
                    for key in &keys {
                        events.add(&draft(key))?;
                    }
                    events.finish()
                })
                .unwrap();
            assert_eq!(ids.len(), n - 1, "n = {n}");
            assert!(ids.windows(2).all(|w| w[0] < w[1]));
            let written: Vec<String> = store
                .notifications_by_id(&ids)
                .unwrap()
                .into_iter()
                .map(|r| r.dedup_key)
                .collect();
            let expected: Vec<String> = (0..n)
                .filter(|i| *i != 1)
                .map(|i| format!("k{i:04}"))
                .collect();
            assert_eq!(written, expected);
            assert!(store.notification_count_drift().unwrap().is_empty());
        }
    }
}
