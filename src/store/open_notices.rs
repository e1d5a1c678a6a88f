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
    /// Read `source`'s open notices, in ascending id. `expected`, how many the kept
    /// counts say it holds, sizes the columns once: growing by doubling rehashed the
    /// table and copied the columns, and held old and new at once (a hint: a wrong count
    /// only costs the growing again).
    pub(super) fn read(conn: &Connection, source: &str, expected: i64) -> Result<OpenNotices> {
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
        // In the open-notice index's order (created, then id): id order unless a clock
        // stepped back, so the rows are read in the order they sit in the table. An
        // `ORDER BY id` (a sort of every id, then a lookup each) took half as long again
        // (0.46-0.55 s against 0.32-0.35 s for 676k notices on the 1M demo store).
        let mut stmt = conn.prepare_cached(
            "SELECT id, dedup_key, notified_at, acked_at, priority FROM notifications
             WHERE source = ?1 AND resolved_at IS NULL",
        )?;
        let mut rows = stmt.query([source])?;
        while let Some(row) = rows.next()? {
            open.keys.push_str(row.get_ref(1)?.as_str()?);
            open.key_ends.push(open.keys.len());
            open.ids.push(row.get(0)?);
            open.notified_at.push(row.get(2)?);
            open.acknowledged
                .push(row.get::<_, Option<i64>>(3)?.is_some());
            open.priority.push(row.get(4)?);
            open.seen.push(false);
        }
        u32::try_from(open.ids.len()).context("more open notices than one pass can hold")?;
        if !open.ids.is_sorted() {
            open = open.sorted_by_id();
        }
        let OpenNotices {
            by_key,
            hasher,
            keys,
            key_ends,
            ..
        } = &mut open;
        for index in 0..key_ends.len() {
            let hash = hasher.hash_one(key_at(keys, key_ends, index));
            // The open-key index is unique: no key comes twice.
            by_key.insert_unique(hash, index as u32, |&i| {
                hasher.hash_one(key_at(keys, key_ends, i as usize))
            });
        }
        Ok(open)
    }

    /// The same notices in ascending id (before any is hashed or seen).
    fn sorted_by_id(self) -> OpenNotices {
        let mut order: Vec<usize> = (0..self.ids.len()).collect();
        order.sort_unstable_by_key(|&i| self.ids[i]);
        let mut keys = String::with_capacity(self.keys.len());
        let mut key_ends = Vec::with_capacity(order.len());
        for &i in &order {
            keys.push_str(key_at(&self.keys, &self.key_ends, i));
            key_ends.push(keys.len());
        }
        OpenNotices {
            ids: order.iter().map(|&i| self.ids[i]).collect(),
            notified_at: order.iter().map(|&i| self.notified_at[i]).collect(),
            priority: order.iter().map(|&i| self.priority[i]).collect(),
            acknowledged: order.iter().map(|&i| self.acknowledged[i]).collect(),
            seen: vec![false; order.len()],
            keys,
            key_ends,
            by_key: self.by_key,
            hasher: self.hasher,
            next: Cell::new(0),
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Notices of `source`: (id, key, created_at, priority); one other source's and one
    /// resolved notice besides.
    fn store_with(notices: &[(i64, &str, i64, &str)]) -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::store::schema::migrate(&mut conn).unwrap();
        let insert = |id: i64, source: &str, key: &str, at: i64, priority: &str, resolved| {
            conn.execute(
                "INSERT INTO notifications (id, source, dedup_key, kind, priority, subject,
                    message, created_at, notified_at, last_seen_at, resolved_at)
                 VALUES (?1, ?2, ?3, 'stale_property', ?4, 's', 'm', ?5, ?5, ?5, ?6)",
                rusqlite::params![id, source, key, priority, at, resolved],
            )
            .unwrap();
        };
        for &(id, key, at, priority) in notices {
            insert(id, "portfolio", key, at, priority, None);
        }
        insert(900, "market", "match:1:1", 5, "low", None);
        insert(901, "portfolio", "stale:old", 5, "low", Some(6));
        conn
    }

    #[test]
    fn notices_come_in_id_order_whatever_the_order_they_were_created_in() {
        // Ids 3 and 1 were created after 7 (a clock that stepped back, or a replay).
        let conn = store_with(&[
            (7, "stale:7", 100, "high"),
            (3, "stale:3", 300, "low"),
            (1, "stale:1", 200, "critical"),
            (5, "stale:5", 100, "medium"),
        ]);
        // The count is a hint: too small, the same notices.
        let undersized = OpenNotices::read(&conn, "portfolio", 1).unwrap();
        assert_eq!(undersized.ids, vec![1, 3, 5, 7]);
        let mut open = OpenNotices::read(&conn, "portfolio", 4).unwrap();
        assert_eq!(open.ids, vec![1, 3, 5, 7]);
        for (id, key, notified_at, priority) in [
            (1, "stale:1", 200, Priority::Critical),
            (3, "stale:3", 300, Priority::Low),
            (5, "stale:5", 100, Priority::Medium),
            (7, "stale:7", 100, Priority::High),
        ] {
            let i = open.find(key).unwrap();
            let (found, notice) = open.notice(i);
            assert_eq!(
                (found, notice.notified_at, notice.priority),
                (id, notified_at, priority)
            );
        }
        assert_eq!(open.find("stale:old"), None, "resolved");
        assert_eq!(open.find("match:1:1"), None, "another source's");
        let i = open.find("stale:5").unwrap();
        open.mark_seen(i);
        assert!(open.saw_id(5) && !open.saw_id(3));
        let unseen: Vec<i64> = open.unseen().iter().map(|(id, _)| *id).collect();
        assert_eq!(unseen, vec![1, 3, 7]);
    }

    #[test]
    fn no_open_notice_reads_as_none() {
        let conn = store_with(&[]);
        let open = OpenNotices::read(&conn, "portfolio", 0).unwrap();
        assert!(open.ids.is_empty());
        assert_eq!(open.find("stale:old"), None);
    }
}
