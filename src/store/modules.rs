//! SQL of the cycle's market, relationships, predictive and scheduled modules: reads on
//! the store, writes on the module's transaction.

use anyhow::Result;
use rusqlite::{named_params, params, OptionalExtension};

use super::properties::{stale_sql, BLOCKED_SQL};
use super::{Store, Tx};
use crate::config::StaleDays;
use crate::cycle::predictive;
use crate::cycle::Module;
use crate::pipeline::{self, Health, Stage};

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

/// One recorded list price, with the area of its property.
#[derive(Debug, Clone, PartialEq)]
pub struct PricePoint {
    pub state: String,
    pub city: String,
    pub at: i64,
    pub price: f64,
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

#[derive(Debug, Clone, PartialEq)]
pub struct DueReminder {
    pub id: i64,
    pub title: String,
    pub due_at: i64,
    pub property_id: Option<i64>,
    pub recurrence: Option<String>,
}

impl Store {
    /// New properties (id above `after_id`, created at or after `created_since`) matching a
    /// watchlist, minus pairs already matched.
    pub fn new_watchlist_matches(
        &self,
        after_id: i64,
        created_since: i64,
    ) -> Result<Vec<WatchlistMatch>> {
        let mut stmt = self.conn().prepare_cached(
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
               AND NOT EXISTS (SELECT 1 FROM watchlist_matches m
                               WHERE m.watchlist_id = w.id AND m.property_id = p.id)
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

    pub fn max_property_id(&self) -> Result<i64> {
        Ok(self
            .conn()
            .query_row("SELECT coalesce(max(id), 0) FROM properties", [], |row| {
                row.get(0)
            })?)
    }

    /// A module's saved position (market: the last property id it has seen).
    pub fn module_cursor(&self, module: Module) -> Result<Option<i64>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT cursor FROM module_state WHERE module = ?1")?
            .query_row([module], |row| row.get(0))
            .optional()?
            .flatten())
    }

    /// List prices recorded in [from, to), with the area of their property.
    pub fn price_points(&self, from: i64, to: i64) -> Result<Vec<PricePoint>> {
        let mut stmt = self.conn().prepare_cached(
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

    /// Every contact with its last interaction and its count over the frequency window, as of
    /// `now` and as of `then`, in one pass over the interactions.
    pub fn contact_activity(
        &self,
        now: i64,
        then: i64,
        frequency_window: i64,
    ) -> Result<Vec<ContactActivity>> {
        let mut stmt = self.conn().prepare_cached(
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

    pub fn due_reminders(&self, now: i64) -> Result<Vec<DueReminder>> {
        let mut stmt = self.conn().prepare_cached(
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
}

impl Tx<'_> {
    pub fn record_watchlist_match(
        &self,
        watchlist_id: i64,
        property_id: i64,
        now: i64,
    ) -> Result<()> {
        self.conn().prepare_cached(
        "INSERT OR IGNORE INTO watchlist_matches (watchlist_id, property_id, matched_at) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![watchlist_id, property_id, now])?;
        Ok(())
    }

    pub fn set_module_cursor(&self, module: Module, cursor: i64) -> Result<()> {
        self.conn()
            .prepare_cached(
                "INSERT INTO module_state (module, cursor) VALUES (?1, ?2)
                 ON CONFLICT (module) DO UPDATE SET cursor = excluded.cursor",
            )?
            .execute(params![module, cursor])?;
        Ok(())
    }

    /// Save a contact's new score, keeping the one it replaces.
    pub fn save_contact_score(&self, contact_id: i64, score: f64, now: i64) -> Result<()> {
        self.conn()
            .prepare_cached(
                "INSERT INTO contact_scores (contact_id, score, previous_score, scored_at)
                 VALUES (?1, ?2, NULL, ?3)
                 ON CONFLICT (contact_id) DO UPDATE SET previous_score = score,
                    score = excluded.score, scored_at = excluded.scored_at",
            )?
            .execute(params![contact_id, score, now])?;
        Ok(())
    }

    /// Recompute every property's close probability in one statement; returns how many
    /// changed. `predictive::close_probability` in SQL, from the same constants (bound as
    /// parameters) and the store's health fragments; a test compares the two.
    pub fn update_close_probabilities(&self, stale: &StaleDays, now: i64) -> Result<usize> {
        let sql = close_probability_sql();
        let mut params: Vec<(String, Box<dyn rusqlite::ToSql>)> = vec![
            (":now".into(), Box::new(now)),
            (
                ":blocked".into(),
                Box::new(predictive::health_factor(Health::Blocked)),
            ),
            (
                ":stale".into(),
                Box::new(predictive::health_factor(Health::Stale)),
            ),
            (
                ":healthy".into(),
                Box::new(predictive::health_factor(Health::Healthy)),
            ),
            (":score_min".into(), Box::new(predictive::SCORE_RANGE.0)),
            (":score_max".into(), Box::new(predictive::SCORE_RANGE.1)),
            (":unscored".into(), Box::new(predictive::UNSCORED)),
            (":score_base".into(), Box::new(predictive::SCORE_BASE)),
            (":score_span".into(), Box::new(predictive::SCORE_SPAN)),
            (":half_up".into(), Box::new(predictive::HALF_UP)),
        ];
        for stage in Stage::ALL {
            params.push((
                format!(":base_{}", stage.as_str()),
                Box::new(predictive::stage_base(stage)),
            ));
            // A stage that is never stale: no time is before its cutoff.
            let cutoff = pipeline::stale_cutoff(stage, stale, now).unwrap_or(i64::MIN);
            params.push((format!(":cutoff_{}", stage.as_str()), Box::new(cutoff)));
        }
        let named: Vec<(&str, &dyn rusqlite::ToSql)> = params
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_ref()))
            .collect();
        Ok(self.conn().execute(&sql, named.as_slice())?)
    }

    /// A notified reminder: a recurring one moves to its next occurrence, a one-off is done.
    pub fn advance_reminder(&self, id: i64, next_due_at: Option<i64>, now: i64) -> Result<()> {
        let conn = self.conn();
        match next_due_at {
            Some(next) => conn
                .prepare_cached(
                    "UPDATE reminders SET due_at = ?2, notified_at = NULL WHERE id = ?1",
                )?
                .execute(params![id, next])?,
            None => conn
                .prepare_cached("UPDATE reminders SET notified_at = ?2 WHERE id = ?1")?
                .execute(params![id, now])?,
        };
        Ok(())
    }
}

/// The statement of [`Tx::update_close_probabilities`]: `CASE`s over every stage, and the
/// rounding to cents as `predictive::round_to_cents` does it (the same float operations).
fn close_probability_sql() -> String {
    let by_stage = |prefix: &str| -> String {
        let arms: Vec<String> = Stage::ALL
            .iter()
            .map(|stage| format!("WHEN '{0}' THEN :{prefix}_{0}", stage.as_str()))
            .collect();
        format!("CASE p.stage {} END", arms.join(" "))
    };
    let complete = Stage::Complete.as_str();
    format!(
        "UPDATE properties SET close_probability = new.p
         FROM (SELECT p.id, CAST(min(1.0,
                CASE p.stage WHEN '{complete}' THEN :base_{complete} ELSE
                  ({base})
                  * (CASE WHEN {blocked} THEN :blocked WHEN {stale} THEN :stale ELSE :healthy END)
                  * (:score_base + coalesce(min(max(p.score, :score_min), :score_max), :unscored)
                                   / :score_span)
                END) * 100.0 + :half_up AS INTEGER) / 100.0 AS p
               FROM properties p) AS new
         WHERE properties.id = new.id AND properties.close_probability IS NOT new.p",
        base = by_stage("base"),
        blocked = *BLOCKED_SQL,
        stale = stale_sql(&by_stage("cutoff")),
    )
}
