//! SQL of the cycle's market, relationships, predictive and scheduled modules: reads on
//! the store, writes on the module's transaction.

use std::collections::BTreeSet;

use anyhow::Result;
use rusqlite::{named_params, params};

use super::properties::{stale_sql, BLOCKED_SQL};
use super::{Store, Tx};
use crate::config::StaleDays;
use crate::cycle::predictive;
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
    /// `now` and as of `then`, in one pass over the interactions, contact by contact in id
    /// order (streamed: a portfolio's contacts never all come into memory).
    pub fn each_contact_activity(
        &self,
        now: i64,
        then: i64,
        frequency_window: i64,
        each: impl FnMut(ContactActivity) -> Result<()>,
    ) -> Result<()> {
        self.activity("", None, now, then, frequency_window, each)
    }

    /// The same for one contact.
    pub fn contact_activity_of(
        &self,
        id: i64,
        now: i64,
        then: i64,
        frequency_window: i64,
    ) -> Result<Option<ContactActivity>> {
        let mut found = None;
        self.activity(
            "WHERE c.id = :id",
            Some(id),
            now,
            then,
            frequency_window,
            |contact| {
                found = Some(contact);
                Ok(())
            },
        )?;
        Ok(found)
    }

    fn activity(
        &self,
        filter: &str,
        id: Option<i64>,
        now: i64,
        then: i64,
        frequency_window: i64,
        mut each: impl FnMut(ContactActivity) -> Result<()>,
    ) -> Result<()> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT c.id, c.name,
                    max(i.at), coalesce(sum(i.at >= :now - :window), 0),
                    max(CASE WHEN i.at <= :then THEN i.at END),
                    coalesce(sum(i.at <= :then AND i.at >= :then - :window), 0)
             FROM contacts c
             LEFT JOIN interactions i ON i.contact_id = c.id AND i.at <= :now
             {filter}
             GROUP BY c.id ORDER BY c.id"
        ))?;
        let mut params =
            named_params! { ":now": now, ":then": then, ":window": frequency_window }.to_vec();
        if let Some(id) = &id {
            params.push((":id", id));
        }
        let mut rows = stmt.query(params.as_slice())?;
        while let Some(row) = rows.next()? {
            each(ContactActivity {
                contact_id: row.get(0)?,
                name: row.get(1)?,
                last_at: row.get(2)?,
                recent_count: row.get(3)?,
                last_at_then: row.get(4)?,
                recent_count_then: row.get(5)?,
            })?;
        }
        Ok(())
    }

    /// When one contact's interactions happened, in order.
    pub fn interaction_times(&self, contact_id: i64) -> Result<Vec<i64>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT at FROM interactions WHERE contact_id = ?1 ORDER BY at")?;
        let rows = stmt.query_map([contact_id], |row| row.get(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Add the contacts changed after `seq` (they or their interactions) to `into`.
    pub fn contacts_changed_since(&self, seq: i64, into: &mut BTreeSet<i64>) -> Result<usize> {
        self.ids_into("SELECT id FROM contacts WHERE change_seq > ?1", seq, into)
    }

    /// Add the contacts whose reported score or cooling moves by itself at or before
    /// `now` to `into`.
    pub fn contacts_due(&self, now: i64, into: &mut BTreeSet<i64>) -> Result<usize> {
        self.ids_into(
            "SELECT contact_id FROM contact_scores WHERE next_at <= ?1",
            now,
            into,
        )
    }

    /// The keys of `source`'s open, unacknowledged notices last told at or before
    /// `cutoff`: due to be told again.
    pub fn keys_to_renotify(&self, source: &str, cutoff: i64) -> Result<Vec<String>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT dedup_key FROM notifications WHERE resolved_at IS NULL AND acked_at IS NULL
               AND {} AND notified_at <= ?2 AND +source = ?1",
            super::notifications::RETOLD_SQL
        ))?;
        let rows = stmt.query_map(params![source, cutoff], |row| row.get(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    fn ids_into(&self, sql: &str, value: i64, into: &mut BTreeSet<i64>) -> Result<usize> {
        let mut stmt = self.conn().prepare_cached(sql)?;
        let rows = stmt.query_map([value], |row| row.get(0))?;
        let mut read = 0;
        for row in rows {
            into.insert(row?);
            read += 1;
        }
        Ok(read)
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

    /// Save a contact's new score, keeping the one it replaces.
    /// `next_at`: when its reported score or cooling next moves by itself.
    pub fn save_contact_score(
        &self,
        contact_id: i64,
        score: f64,
        now: i64,
        next_at: Option<i64>,
    ) -> Result<()> {
        self.conn()
            .prepare_cached(
                "INSERT INTO contact_scores (contact_id, score, previous_score, scored_at, next_at)
                 VALUES (?1, ?2, NULL, ?3, ?4)
                 ON CONFLICT (contact_id) DO UPDATE SET previous_score = score,
                    score = excluded.score, scored_at = excluded.scored_at,
                    next_at = excluded.next_at",
            )?
            .execute(params![contact_id, score, now, next_at])?;
        Ok(())
    }

    /// Recompute every property's close probability in one statement; returns how many
    /// changed. `predictive::close_probability` in SQL, from the same constants (bound as
    /// parameters) and the store's health fragments; a test compares the two.
    pub fn update_close_probabilities(&self, stale: &StaleDays, now: i64) -> Result<usize> {
        self.close_probabilities_where(stale, now, None)
    }

    /// The same for the properties `ids` only (the incremental predictive run); returns
    /// how many changed.
    pub fn update_close_probabilities_of(
        &self,
        stale: &StaleDays,
        now: i64,
        ids: &std::collections::BTreeSet<i64>,
    ) -> Result<usize> {
        let mut changed = 0;
        for id in ids {
            changed += self.close_probabilities_where(stale, now, Some(*id))?;
        }
        Ok(changed)
    }

    fn close_probabilities_where(
        &self,
        stale: &StaleDays,
        now: i64,
        id: Option<i64>,
    ) -> Result<usize> {
        let sql = close_probability_sql(id.is_some());
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
        if let Some(id) = id {
            params.push((":id".into(), Box::new(id)));
        }
        let named: Vec<(&str, &dyn rusqlite::ToSql)> = params
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_ref()))
            .collect();
        Ok(self
            .conn()
            .prepare_cached(&sql)?
            .execute(named.as_slice())?)
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
/// `one`: for the property `:id` only.
fn close_probability_sql(one: bool) -> String {
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
               FROM properties p {only}) AS new
         WHERE properties.id = new.id AND properties.close_probability IS NOT new.p",
        base = by_stage("base"),
        blocked = *BLOCKED_SQL,
        stale = stale_sql(&by_stage("cutoff")),
        only = if one { "WHERE p.id = :id" } else { "" },
    )
}
