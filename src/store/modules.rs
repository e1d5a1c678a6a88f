//! SQL of the cycle's market, relationships, predictive and scheduled modules. Each
//! function runs on the connection of the module's transaction.

use anyhow::Result;
use rusqlite::{named_params, params, Connection};

use crate::config::StaleDays;
use crate::pipeline;

/// A (watchlist, property) pair not notified before.
#[derive(Debug, Clone, PartialEq)]
pub struct WatchlistMatch {
    pub watchlist_id: i64,
    pub watchlist_name: String,
    pub property_id: i64,
    pub address: String,
    pub city: Option<String>,
    pub list_price: Option<f64>,
}

/// New properties (id above `after_id`, created at or after `created_since`) matching a
/// watchlist, minus pairs already matched.
pub fn new_watchlist_matches(
    conn: &Connection,
    after_id: i64,
    created_since: i64,
) -> Result<Vec<WatchlistMatch>> {
    let mut stmt = conn.prepare_cached(
        "SELECT w.id, w.name, p.id, p.address, p.city, p.list_price
         FROM properties p JOIN watchlists w
           ON (w.city IS NULL OR p.city = w.city COLLATE NOCASE)
          AND (w.state IS NULL OR p.state = w.state COLLATE NOCASE)
          AND (w.zip IS NULL OR p.zip = w.zip)
          AND (w.kind IS NULL OR p.kind = w.kind COLLATE NOCASE)
          AND (w.max_price IS NULL OR p.list_price <= w.max_price)
          AND (w.min_beds IS NULL OR p.beds >= w.min_beds)
          AND (w.min_score IS NULL OR p.score >= w.min_score)
         WHERE p.id > ?1 AND p.created_at >= ?2
           AND NOT EXISTS (SELECT 1 FROM watchlist_matches m WHERE m.watchlist_id = w.id AND m.property_id = p.id)
         ORDER BY p.id, w.id",
    )?;
    let rows = stmt.query_map(params![after_id, created_since], |row| {
        Ok(WatchlistMatch {
            watchlist_id: row.get(0)?,
            watchlist_name: row.get(1)?,
            property_id: row.get(2)?,
            address: row.get(3)?,
            city: row.get(4)?,
            list_price: row.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

pub fn record_watchlist_match(
    conn: &Connection,
    watchlist_id: i64,
    property_id: i64,
    now: i64,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO watchlist_matches (watchlist_id, property_id, matched_at) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![watchlist_id, property_id, now])?;
    Ok(())
}

pub fn max_property_id(conn: &Connection) -> Result<i64> {
    Ok(
        conn.query_row("SELECT coalesce(max(id), 0) FROM properties", [], |row| {
            row.get(0)
        })?,
    )
}

/// One recorded list price, with the area of its property.
#[derive(Debug, Clone, PartialEq)]
pub struct PricePoint {
    pub state: String,
    pub city: String,
    pub at: i64,
    pub price: f64,
}

/// List prices recorded in [from, to), with the area of their property.
pub fn price_points(conn: &Connection, from: i64, to: i64) -> Result<Vec<PricePoint>> {
    let mut stmt = conn.prepare_cached(
        "SELECT coalesce(p.state, ''), p.city, h.at, h.price
         FROM price_history h JOIN properties p ON p.id = h.property_id
         WHERE h.at >= ?1 AND h.at < ?2 AND p.city IS NOT NULL",
    )?;
    let rows = stmt.query_map(params![from, to], |row| {
        Ok(PricePoint {
            state: row.get(0)?,
            city: row.get(1)?,
            at: row.get(2)?,
            price: row.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// A contact's interaction history in brief, now and one comparison window ago.
#[derive(Debug, Clone, PartialEq)]
pub struct ContactActivity {
    pub contact_id: i64,
    pub name: String,
    /// The last interaction up to `now`, and how many since `now - frequency window`.
    pub last_at: Option<i64>,
    pub recent_count: i64,
    /// The same as of `then` (one comparison window ago): what the score was then.
    pub last_at_then: Option<i64>,
    pub recent_count_then: i64,
}

/// Every contact with its last interaction and its count over the frequency window, as of
/// `now` and as of `then`, in one pass over the interactions.
pub fn contact_activity(
    conn: &Connection,
    now: i64,
    then: i64,
    frequency_window: i64,
) -> Result<Vec<ContactActivity>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.name,
                max(i.at), coalesce(sum(i.at >= :now - :window), 0),
                max(CASE WHEN i.at <= :then THEN i.at END),
                coalesce(sum(i.at <= :then AND i.at >= :then - :window), 0)
         FROM contacts c
         LEFT JOIN interactions i ON i.contact_id = c.id AND i.at <= :now
         GROUP BY c.id ORDER BY c.id",
    )?;
    let rows = stmt.query_map(
        named_params! { ":now": now, ":then": then, ":window": frequency_window },
        |row| {
            Ok(ContactActivity {
                contact_id: row.get(0)?,
                name: row.get(1)?,
                last_at: row.get(2)?,
                recent_count: row.get(3)?,
                last_at_then: row.get(4)?,
                recent_count_then: row.get(5)?,
            })
        },
    )?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Save a contact's new score, keeping the one it replaces.
pub fn save_contact_score(conn: &Connection, contact_id: i64, score: f64, now: i64) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO contact_scores (contact_id, score, previous_score, scored_at) VALUES (?1, ?2, NULL, ?3)
         ON CONFLICT (contact_id) DO UPDATE SET previous_score = score, score = excluded.score,
            scored_at = excluded.scored_at",
    )?
    .execute(params![contact_id, score, now])?;
    Ok(())
}

/// Recompute every property's close probability in one statement; returns how many
/// changed. The formula is `predictive::close_probability` in SQL (kept in step by a test).
pub fn update_close_probabilities(conn: &Connection, stale: &StaleDays, now: i64) -> Result<usize> {
    let cutoff = |days: f64| now.saturating_sub(pipeline::days_to_secs(days));
    let sql = format!(
        "UPDATE properties SET close_probability = new.p
         FROM (SELECT id, round(min(1.0,
                CASE stage WHEN 'complete' THEN 1.0 ELSE
                  (CASE stage WHEN 'new' THEN 0.05 WHEN 'enriched' THEN 0.10 WHEN 'researched' THEN 0.20
                              ELSE 0.50 END)
                  * (CASE WHEN {blocked} THEN 0.5
                          WHEN stage_entered_at < (CASE stage WHEN 'new' THEN :c_new WHEN 'enriched' THEN :c_enriched
                               WHEN 'researched' THEN :c_researched ELSE :c_waiting END) THEN 0.8
                          ELSE 1.0 END)
                  * (0.5 + coalesce(min(max(score, 0), 100), 50) / 200.0)
                END), 2) AS p
               FROM properties p) AS new
         WHERE properties.id = new.id AND properties.close_probability IS NOT new.p",
        blocked = super::properties::BLOCKED_SQL
    );
    Ok(conn.execute(
        &sql,
        named_params! {
            ":now": now,
            ":c_new": cutoff(stale.new),
            ":c_enriched": cutoff(stale.enriched),
            ":c_researched": cutoff(stale.researched),
            ":c_waiting": cutoff(stale.waiting_for_contracts),
        },
    )?)
}

#[derive(Debug, Clone, PartialEq)]
pub struct DueReminder {
    pub id: i64,
    pub title: String,
    pub due_at: i64,
    pub property_id: Option<i64>,
    pub recurrence: Option<String>,
}

pub fn due_reminders(conn: &Connection, now: i64) -> Result<Vec<DueReminder>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, title, due_at, property_id, recurrence FROM reminders
         WHERE notified_at IS NULL AND due_at <= ?1 ORDER BY due_at, id",
    )?;
    let rows = stmt.query_map([now], |row| {
        Ok(DueReminder {
            id: row.get(0)?,
            title: row.get(1)?,
            due_at: row.get(2)?,
            property_id: row.get(3)?,
            recurrence: row.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// A notified reminder: a recurring one moves to its next occurrence, a one-off is done.
pub fn advance_reminder(
    conn: &Connection,
    id: i64,
    next_due_at: Option<i64>,
    now: i64,
) -> Result<()> {
    match next_due_at {
        Some(next) => conn
            .prepare_cached("UPDATE reminders SET due_at = ?2, notified_at = NULL WHERE id = ?1")?
            .execute(params![id, next])?,
        None => conn
            .prepare_cached("UPDATE reminders SET notified_at = ?2 WHERE id = ?1")?
            .execute(params![id, now])?,
    };
    Ok(())
}
