//! SQL of the market's kept price windows (`price_window_counts`, `price_window_medians`,
//! `price_areas_dirty`) and of its watchlist matches by change watermark.

use std::collections::BTreeSet;

use anyhow::Result;
use rusqlite::{params, OptionalExtension};

use super::{Store, Tx};
use crate::cycle::market::{Listing, Watchlist};

/// An area of the price windows: state ('' for none) and city.
pub type Area = (String, String);

/// One window of one area: how many points, and the pivot at its lower median.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowMedian {
    pub state: String,
    pub city: String,
    /// 0: the window before, 1: the last window.
    pub window: i64,
    pub total: i64,
    pub pivot: Option<f64>,
    /// Points priced below the pivot.
    pub below: i64,
}

/// The properties a run matches against the watchlists.
#[derive(Debug, Clone, Copy)]
pub enum Listings {
    /// Changed (new or updated) after this change sequence: by the change index.
    ChangedAfter(i64),
    /// Created at or after this moment: a first run's look back.
    CreatedSince(i64),
}

impl Store {
    /// Every saved watchlist, by id.
    pub fn watchlists(&self) -> Result<Vec<Watchlist>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, name, city, state, zip, kind, max_price, min_beds, min_score
             FROM watchlists ORDER BY id",
        )?;
        let rows = stmt.query_map([], |row| {
            Ok(Watchlist {
                id: row.get(0)?,
                name: row.get(1)?,
                city: row.get(2)?,
                state: row.get(3)?,
                zip: row.get(4)?,
                kind: row.get(5)?,
                max_price: number(row.get_ref(6)?),
                min_beds: number(row.get_ref(7)?),
                min_score: number(row.get_ref(8)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Call `each` with every listing of `which`, by id; returns how many were read.
    pub fn each_listing(
        &self,
        which: Listings,
        mut each: impl FnMut(&Listing) -> Result<()>,
    ) -> Result<usize> {
        // By the change index: the planner, asked for `ORDER BY id`, would rather walk
        // every property in id order (the hourly run read the whole table).
        let (from, bound) = match which {
            Listings::ChangedAfter(seq) => (
                "properties INDEXED BY properties_changed WHERE change_seq > ?1",
                seq,
            ),
            Listings::CreatedSince(at) => ("properties WHERE created_at >= ?1", at),
        };
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT id, address, city, state, zip, kind, list_price, beds, score
             FROM {from} ORDER BY id"
        ))?;
        let mut rows = stmt.query([bound])?;
        let mut read = 0;
        while let Some(row) = rows.next()? {
            read += 1;
            each(&Listing {
                id: row.get(0)?,
                address: row.get(1)?,
                city: row.get(2)?,
                state: row.get(3)?,
                zip: row.get(4)?,
                kind: row.get(5)?,
                list_price: number(row.get_ref(6)?),
                beds: number(row.get_ref(7)?),
                score: number(row.get_ref(8)?),
            })?;
        }
        Ok(read)
    }

    /// Whether `property_id` matched `watchlist_id` before (and was notified).
    pub fn watchlist_matched(&self, watchlist_id: i64, property_id: i64) -> Result<bool> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT 1 FROM watchlist_matches WHERE watchlist_id = ?1 AND property_id = ?2",
            )?
            .query_row([watchlist_id, property_id], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// The areas of the price points changed after `seq`, and of the properties that
    /// moved area with their points: the areas a run counts again from the history.
    pub fn price_areas_to_recount(&self, seq: i64) -> Result<BTreeSet<Area>> {
        let mut areas = BTreeSet::new();
        for sql in [
            "SELECT DISTINCT coalesce(p.state, ''), p.city
             FROM price_history h JOIN properties p ON p.id = h.property_id
             WHERE h.change_seq > ?1 AND p.city IS NOT NULL",
            "SELECT state, city FROM price_areas_dirty WHERE ?1 IS NOT NULL",
        ] {
            let mut stmt = self.conn().prepare_cached(sql)?;
            let rows = stmt.query_map([seq], |row| Ok((row.get(0)?, row.get(1)?)))?;
            for row in rows {
                areas.insert(row?);
            }
        }
        Ok(areas)
    }

    pub fn window_medians(&self) -> Result<Vec<WindowMedian>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT state, city, window, total, pivot, below FROM price_window_medians
             ORDER BY state, city, window",
        )?;
        let rows = stmt.query_map([], |row| {
            Ok(WindowMedian {
                state: row.get(0)?,
                city: row.get(1)?,
                window: row.get(2)?,
                total: row.get(3)?,
                pivot: row.get(4)?,
                below: row.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// How many points of the window have this price.
    pub fn window_price_count(&self, area: &Area, window: i64, price: f64) -> Result<i64> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT n FROM price_window_counts
                 WHERE state = ?1 AND city = ?2 AND window = ?3 AND price = ?4",
            )?
            .query_row(params![area.0, area.1, window, price], |row| row.get(0))
            .optional()?
            .unwrap_or(0))
    }

    /// The next price held in the window above (`up`) or below `price`, with its count.
    pub fn window_price_next(
        &self,
        area: &Area,
        window: i64,
        price: f64,
        up: bool,
    ) -> Result<Option<(f64, i64)>> {
        let sql = if up {
            "SELECT price, n FROM price_window_counts
             WHERE state = ?1 AND city = ?2 AND window = ?3 AND price > ?4 AND n > 0
             ORDER BY price LIMIT 1"
        } else {
            "SELECT price, n FROM price_window_counts
             WHERE state = ?1 AND city = ?2 AND window = ?3 AND price < ?4 AND n > 0
             ORDER BY price DESC LIMIT 1"
        };
        Ok(self
            .conn()
            .prepare_cached(sql)?
            .query_row(params![area.0, area.1, window, price], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .optional()?)
    }
}

impl Tx<'_> {
    /// Count the points of `area` (or of every area) recorded in `[now - 2 window, now)`
    /// into their windows again, and place each window's pivot at its lower median: in
    /// SQL, grouped and ranked there, so a million points never come into memory.
    /// Returns how many windows it counted.
    pub fn recount_price_windows(
        &self,
        area: Option<&Area>,
        now: i64,
        window: i64,
    ) -> Result<usize> {
        self.clear_price_windows(area)?;
        let conn = self.conn();
        let (from, mid) = (now - 2 * window, now - window);
        let empty = String::new();
        let (state, city) = area.map_or((&empty, &empty), |(s, c)| (s, c));
        // By area through its index.
        let points = match area {
            Some((state, _)) if state.is_empty() => {
                "FROM properties p JOIN price_history h ON h.property_id = p.id
                 WHERE (p.state IS NULL OR p.state = '') AND ?4 = '' AND p.city = ?5
                   AND h.at >= ?1 AND h.at < ?3"
            }
            Some(_) => {
                "FROM properties p JOIN price_history h ON h.property_id = p.id
                 WHERE p.state = ?4 AND p.city = ?5 AND h.at >= ?1 AND h.at < ?3"
            }
            // Properties outer (CROSS JOIN keeps the order), each one's points by the
            // history's key: the planner would rather walk the history by `at` and look
            // every property up at random, re-reading its pages (5 s instead of 0.6 s on
            // the 1M demo store).
            None => {
                "FROM properties p CROSS JOIN price_history h ON h.property_id = p.id
                 WHERE p.city IS NOT NULL AND +h.at >= ?1 AND +h.at < ?3 AND ?4 = ?5"
            }
        };
        // Each point counted into its row of the kept counts (their primary key), not
        // grouped first: a GROUP BY sorted every point in up to 32 MiB of memory (the
        // sorter's share is the page cache's size).
        conn.prepare_cached(&format!(
            "INSERT INTO price_window_counts (state, city, window, price, n)
             SELECT coalesce(p.state, ''), p.city, CASE WHEN h.at < ?2 THEN 0 ELSE 1 END,
                    h.price, 1
             {points}
             ON CONFLICT (state, city, window, price) DO UPDATE SET n = n + 1"
        ))?
        .execute(params![from, mid, now, state, city])?;
        let only = if area.is_some() {
            "WHERE state = ?1 AND city = ?2"
        } else {
            "WHERE ?1 = ?2"
        };
        Ok(conn
            .prepare_cached(&format!(
                "INSERT INTO price_window_medians (state, city, window, total, pivot, below)
                 SELECT state, city, window, total, price, cum - n FROM (
                     SELECT state, city, window, price, n,
                            sum(n) OVER (PARTITION BY state, city, window ORDER BY price
                                         ROWS UNBOUNDED PRECEDING) AS cum,
                            sum(n) OVER (PARTITION BY state, city, window) AS total
                     FROM price_window_counts {only})
                 WHERE cum - n <= (total - 1) / 2 AND cum > (total - 1) / 2"
            ))?
            .execute(params![state, city])?)
    }

    /// Forget the kept windows of `area`, or of every area.
    pub fn clear_price_windows(&self, area: Option<&Area>) -> Result<()> {
        let conn = self.conn();
        match area {
            Some((state, city)) => {
                for table in ["price_window_counts", "price_window_medians"] {
                    conn.prepare_cached(&format!(
                        "DELETE FROM {table} WHERE state = ?1 AND city = ?2"
                    ))?
                    .execute(params![state, city])?;
                }
            }
            None => conn.execute_batch(
                "DELETE FROM price_window_counts; DELETE FROM price_window_medians;",
            )?,
        }
        Ok(())
    }

    pub fn clear_dirty_price_areas(&self) -> Result<()> {
        self.conn()
            .prepare_cached("DELETE FROM price_areas_dirty")?
            .execute([])?;
        Ok(())
    }

    /// Add `n` (negative: remove) points of `price` to a window.
    pub fn add_window_price(&self, area: &Area, window: i64, price: f64, n: i64) -> Result<()> {
        let conn = self.conn();
        conn.prepare_cached(
            "INSERT INTO price_window_counts (state, city, window, price, n)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (state, city, window, price) DO UPDATE SET n = n + excluded.n",
        )?
        .execute(params![area.0, area.1, window, price, n])?;
        if n < 0 {
            conn.prepare_cached(
                "DELETE FROM price_window_counts
                 WHERE state = ?1 AND city = ?2 AND window = ?3 AND price = ?4 AND n <= 0",
            )?
            .execute(params![area.0, area.1, window, price])?;
        }
        Ok(())
    }

    pub fn set_window_median(&self, m: &WindowMedian) -> Result<()> {
        self.conn()
            .prepare_cached(
                "INSERT INTO price_window_medians (state, city, window, total, pivot, below)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (state, city, window) DO UPDATE SET total = excluded.total,
                    pivot = excluded.pivot, below = excluded.below",
            )?
            .execute(params![
                m.state, m.city, m.window, m.total, m.pivot, m.below
            ])?;
        Ok(())
    }
}

/// A number column as the watchlist rule compares it: an integer or a real; anything
/// else (NULL, or text an import let through) holds no number.
fn number(value: rusqlite::types::ValueRef<'_>) -> Option<f64> {
    match value {
        rusqlite::types::ValueRef::Integer(i) => Some(i as f64),
        rusqlite::types::ValueRef::Real(r) => Some(r),
        _ => None,
    }
}
