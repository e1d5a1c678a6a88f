//! The open notices of one source, read in one statement for a pass that adds every
//! finding of that source: each finding is looked up here instead of in the open-key
//! index and the table (two B-tree descents per finding, which were half of a daily full
//! reconcile on the 1M demo store).

use std::cell::Cell;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;

use anyhow::{Context, Result};
use hashbrown::HashTable;
use rusqlite::Connection;

use crate::alert::{OpenNotice, Priority};

/// The most notices a pass reserves room for ahead (more still fit, growing).
const MAX_RESERVED: usize = 1 << 24;
/// About a key's length (22 bytes on average on the demo store, up to 34).
const KEY_BYTES: usize = 24;

/// Column by column, in ascending id; about 40 bytes a notice with its slot in `by_key`.
pub(super) struct OpenNotices {
    ids: Vec<i64>,
    notified_at: Vec<i64>,
    priority: Vec<Priority>,
    acknowledged: Vec<bool>,
    seen: Vec<bool>,
    /// Every key end to end (one allocation, not one a key); key `i` ends at `key_ends[i]`.
    keys: String,
    key_ends: Vec<usize>,
    /// Indexes into the columns, by their key's hash.
    by_key: HashTable<u32>,
    hasher: RandomState,
    /// The notice after the last one found: a pass finds its notices in about the order
    /// it wrote them, so the next key is most often this one's (no hash, no random read).
    next: Cell<usize>,
}

impl OpenNotices {
    /// Read `source`'s open notices: their ids from the open-notice index, then their
    /// rows in id order (the order they sit in the table, so each page is read once).
    pub(super) fn read(conn: &Connection, source: &str) -> Result<OpenNotices> {
        // Sized once from the kept counts: growing by doubling rehashed the table and
        // copied the columns, and held old and new at once (a hint: a wrong count only
        // costs the growing again).
        let expected: i64 = conn
            .prepare_cached(
                "SELECT coalesce(sum(n), 0) FROM notification_counts WHERE source = ?1",
            )?
            .query_row([source], |row| row.get(0))?;
        let n = usize::try_from(expected).unwrap_or(0).min(MAX_RESERVED);
        let mut open = OpenNotices {
            ids: Vec::with_capacity(n),
            notified_at: Vec::with_capacity(n),
            priority: Vec::with_capacity(n),
            acknowledged: Vec::with_capacity(n),
            seen: Vec::with_capacity(n),
            keys: String::with_capacity(n * KEY_BYTES),
            key_ends: Vec::with_capacity(n),
            by_key: HashTable::with_capacity(n),
            hasher: RandomState::new(),
            next: Cell::new(0),
        };
        let mut stmt = conn.prepare_cached(
            "SELECT id, dedup_key, notified_at, acked_at, priority FROM notifications
             WHERE id IN (SELECT id FROM notifications
                          WHERE source = ?1 AND resolved_at IS NULL)
             ORDER BY id",
        )?;
        let mut rows = stmt.query([source])?;
        while let Some(row) = rows.next()? {
            let key = row.get_ref(1)?.as_str()?;
            let hash = open.hasher.hash_one(key);
            let index = u32::try_from(open.ids.len())
                .context("more open notices than one pass can hold")?;
            open.keys.push_str(key);
            open.key_ends.push(open.keys.len());
            open.ids.push(row.get(0)?);
            open.notified_at.push(row.get(2)?);
            open.acknowledged
                .push(row.get::<_, Option<i64>>(3)?.is_some());
            open.priority.push(row.get(4)?);
            open.seen.push(false);
            let OpenNotices {
                by_key,
                hasher,
                keys,
                key_ends,
                ..
            } = &mut open;
            // The open-key index is unique: no key comes twice.
            by_key.insert_unique(hash, index, |&i| {
                hasher.hash_one(key_at(keys, key_ends, i as usize))
            });
        }
        Ok(open)
    }

    /// The index of the open notice of `key`, if this source holds one.
    pub(super) fn find(&self, key: &str) -> Option<usize> {
        let next = self.next.get();
        let found = if next < self.ids.len() && key_at(&self.keys, &self.key_ends, next) == key {
            Some(next)
        } else {
            self.by_key
                .find(self.hasher.hash_one(key), |&i| {
                    key_at(&self.keys, &self.key_ends, i as usize) == key
                })
                .map(|&i| i as usize)
        };
        if let Some(i) = found {
            self.next.set(i + 1);
        }
        found
    }

    pub(super) fn notice(&self, i: usize) -> (i64, OpenNotice) {
        (
            self.ids[i],
            OpenNotice {
                notified_at: self.notified_at[i],
                acknowledged: self.acknowledged[i],
                priority: self.priority[i],
            },
        )
    }

    pub(super) fn is_seen(&self, i: usize) -> bool {
        self.seen[i]
    }

    pub(super) fn mark_seen(&mut self, i: usize) {
        self.seen[i] = true;
    }

    /// Whether the notice `id` is one of these and was seen.
    pub(super) fn saw_id(&self, id: i64) -> bool {
        self.ids.binary_search(&id).is_ok_and(|i| self.seen[i])
    }

    /// The notices not seen in this pass, in id order.
    pub(super) fn unseen(&self) -> Vec<(i64, OpenNotice)> {
        (0..self.ids.len())
            .filter(|&i| !self.seen[i])
            .map(|i| self.notice(i))
            .collect()
    }
}

fn key_at<'k>(keys: &'k str, ends: &[usize], i: usize) -> &'k str {
    let start = if i == 0 { 0 } else { ends[i - 1] };
    &keys[start..ends[i]]
}
