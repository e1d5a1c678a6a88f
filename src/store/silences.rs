//! Silences made with `hb silence add`: kept after they end, so `hb silence list --all`
//! and the run log can say what silenced what.

use anyhow::Result;
use rusqlite::{params, OptionalExtension, Row};

use super::{Store, Tx};
use crate::silence::{NewSilence, Scope, Silence};

const SELECT_SILENCE: &str =
    "SELECT id, scope, target, starts_at, ends_at, reason, created_at, removed_at FROM silences";

/// What `hb silence remove` found.
#[derive(Debug, Clone, PartialEq)]
pub enum Removal {
    /// It was active or upcoming, and ends now.
    Removed(Silence),
    /// It had already ended (or been removed): nothing changed.
    AlreadyOver(Silence),
}

impl Store {
    /// Silences that end after `since` (or ended then), oldest first: what may cover a
    /// check at `since` or later.
    pub fn silences_ending_after(&self, since: i64) -> Result<Vec<Silence>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{SELECT_SILENCE} WHERE ends_at > ?1 AND coalesce(removed_at, ends_at) > ?1 ORDER BY id"
        ))?;
        let rows = stmt.query_map([since], silence_row)?;
        collect(rows)
    }

    /// Every silence, newest first (at most `limit`).
    pub fn silences(&self, limit: Option<usize>) -> Result<Vec<Silence>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("{SELECT_SILENCE} ORDER BY id DESC LIMIT ?1"))?;
        let rows = stmt.query_map([limit.map_or(-1, |l| l as i64)], silence_row)?;
        collect(rows)
    }

    pub fn silence(&self, id: i64) -> Result<Option<Silence>> {
        Ok(self
            .conn
            .prepare_cached(&format!("{SELECT_SILENCE} WHERE id = ?1"))?
            .query_row([id], silence_row)
            .optional()?)
    }

    /// Record a silence (`silence::plan` checked it); returns it with its id.
    pub fn add_silence(&mut self, new: &NewSilence, now: i64) -> Result<Silence> {
        let id = self.transaction(|tx| {
            tx.conn().execute(
                "INSERT INTO silences (scope, target, starts_at, ends_at, reason, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    new.scope.kind(),
                    new.scope.target(),
                    new.starts_at,
                    new.ends_at,
                    new.reason,
                    now
                ],
            )?;
            Ok(tx.conn().last_insert_rowid())
        })?;
        self.silence(id)?
            .ok_or_else(|| anyhow::anyhow!("silence #{id} was not recorded"))
    }

    /// End a silence now (`hb silence remove`); an unknown id is an error that names it.
    pub fn remove_silence(&mut self, id: i64, now: i64) -> Result<Removal> {
        let Some(silence) = self.silence(id)? else {
            return Err(crate::exit::HbError::NotFound(format!(
                "no silence with id {id} (list them with `hb silence list --all`)"
            ))
            .into());
        };
        if silence.end() <= now {
            return Ok(Removal::AlreadyOver(silence));
        }
        self.transaction(|tx| {
            tx.conn().execute(
                "UPDATE silences SET removed_at = ?2 WHERE id = ?1",
                params![id, now],
            )?;
            Ok(())
        })?;
        Ok(Removal::Removed(Silence {
            removed_at: Some(now),
            ..silence
        }))
    }
}

impl Tx<'_> {
    /// Forget silences that ended before `before` (the run log's retention).
    pub fn prune_silences(&self, before: i64) -> Result<usize> {
        Ok(self.conn().execute(
            "DELETE FROM silences WHERE coalesce(min(removed_at, ends_at), ends_at) < ?1",
            [before],
        )?)
    }
}

fn collect(rows: impl Iterator<Item = rusqlite::Result<Silence>>) -> Result<Vec<Silence>> {
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

fn silence_row(row: &Row<'_>) -> rusqlite::Result<Silence> {
    let kind: String = row.get(1)?;
    let target: Option<String> = row.get(2)?;
    let scope = Scope::stored(&kind, target.as_deref()).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            1,
            rusqlite::types::Type::Text,
            format!(
                "silences.scope holds {kind:?} with target {target:?}, which this hb does not know"
            )
            .into(),
        )
    })?;
    Ok(Silence {
        id: row.get(0)?,
        scope,
        starts_at: row.get(3)?,
        ends_at: row.get(4)?,
        reason: row.get(5)?,
        created_at: row.get(6)?,
        removed_at: row.get(7)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Group;

    #[test]
    fn silences_are_added_listed_removed_and_pruned() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("hb.db")).unwrap();
        let new = |scope, ends_at, reason: &str| NewSilence {
            scope,
            starts_at: 100,
            ends_at,
            reason: reason.into(),
        };
        let one = store
            .add_silence(&new(Scope::Check("payments".into()), 200, "migration"), 90)
            .unwrap();
        let two = store
            .add_silence(&new(Scope::Group(Group::Queue), 1000, "drain"), 90)
            .unwrap();
        assert_eq!(
            (one.id, one.scope.clone(), one.reason.as_str()),
            (1, Scope::Check("payments".into()), "migration")
        );
        assert_eq!(
            store.silences(None).unwrap(),
            vec![two.clone(), one.clone()]
        );
        assert_eq!(store.silences_ending_after(150).unwrap().len(), 2);
        assert_eq!(store.silences_ending_after(200).unwrap(), vec![two.clone()]);
        match store.remove_silence(2, 300).unwrap() {
            Removal::Removed(s) => assert_eq!(s.end(), 300),
            other => panic!("{other:?}"),
        }
        assert!(store.silences_ending_after(300).unwrap().is_empty());
        assert!(matches!(
            store.remove_silence(1, 300).unwrap(),
            Removal::AlreadyOver(_)
        ));
        let err = store.remove_silence(7, 300).unwrap_err().to_string();
        assert!(err.contains("no silence with id 7"), "{err}");
        assert_eq!(store.transaction(|tx| tx.prune_silences(250)).unwrap(), 1);
        assert_eq!(store.silences(None).unwrap().len(), 1);
    }
}
