//! `hb silence list`: the silences in effect or to come (`--all`: every one kept), and
//! the config's recurring windows with their current or next opening; and the silence
//! `hb silence add` / `remove` leaves.

use anyhow::Result;
use serde::Serialize;

use crate::clock::{self, format_ts};
use crate::config::Config;
use crate::silence::{Cover, Phase, Silence, Window};
use crate::store::Store;

/// One silence made with `hb silence add`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SilenceView {
    pub id: i64,
    /// `check`, `group` or `all`.
    pub scope: &'static str,
    /// The check or group (null for `all`).
    pub target: Option<String>,
    /// `payments`, `group queue`, `every check`.
    pub covers: String,
    pub starts_at: String,
    /// When it ends, or ended (its removal, if that came first).
    pub ends_at: String,
    pub reason: String,
    pub created_at: String,
    pub removed_at: Option<String>,
    /// upcoming, active, ended or removed.
    pub phase: Phase,
}

impl SilenceView {
    pub fn of(s: &Silence, now: i64) -> SilenceView {
        SilenceView {
            id: s.id,
            scope: s.scope.kind(),
            target: s.scope.target().map(str::to_string),
            covers: s.scope.describe(),
            starts_at: format_ts(s.starts_at),
            ends_at: format_ts(s.end()),
            reason: s.reason.clone(),
            created_at: format_ts(s.created_at),
            removed_at: clock::format_opt(s.removed_at),
            phase: s.phase(now),
        }
    }
}

/// One `[[silence]]` window of the config.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct WindowView {
    /// `[[silence]] 1`.
    pub window: String,
    pub covers: String,
    /// `sunday 02:00` (UTC).
    pub every: String,
    #[serde(rename = "for")]
    pub length: String,
    pub reason: String,
    pub active: bool,
    /// The opening in effect, else the next one.
    pub starts_at: String,
    pub ends_at: String,
}

impl WindowView {
    pub fn of(w: &Window, now: i64) -> WindowView {
        let (start, end) = w.current_or_next(now);
        WindowView {
            window: w.label(),
            covers: w.describe_scope(),
            every: w.every.to_string(),
            length: w.length.to_string(),
            reason: w.reason.clone(),
            active: w.covering(now).is_some(),
            starts_at: format_ts(start),
            ends_at: format_ts(end),
        }
    }
}

/// The silence covering a check now, as the boards show it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CoverView {
    /// `silence #3`, `[[silence]] 1`.
    pub by: String,
    pub reason: String,
    pub until: String,
}

impl From<Cover> for CoverView {
    fn from(c: Cover) -> Self {
        CoverView {
            by: c.by,
            reason: c.reason,
            until: format_ts(c.until),
        }
    }
}

impl CoverView {
    /// `silenced by silence #3 until 2026-11-25T14:00:00Z (db migration)`.
    pub fn line(&self) -> String {
        format!(
            "silenced by {} until {} ({})",
            self.by, self.until, self.reason
        )
    }
}

/// `hb silence list --json`.
#[derive(Debug, Serialize)]
pub struct SilenceList {
    pub silences: Vec<SilenceView>,
    pub windows: Vec<WindowView>,
}

/// The silences active or upcoming at `now` (every one with `all`), newest first, and
/// the config's windows. Without a store there are only windows.
pub fn list(store: Option<&Store>, config: &Config, now: i64, all: bool) -> Result<SilenceList> {
    let stored = match store {
        Some(store) if all => store.silences(None)?,
        Some(store) => {
            let mut open = store.silences_ending_after(now)?;
            open.reverse();
            open
        }
        None => Vec::new(),
    };
    Ok(SilenceList {
        silences: stored.iter().map(|s| SilenceView::of(s, now)).collect(),
        windows: config
            .silences
            .iter()
            .map(|w| WindowView::of(w, now))
            .collect(),
    })
}

/// What `hb silence remove` did.
#[derive(Debug, Serialize)]
pub struct Removed {
    /// False when it had already ended: nothing changed.
    pub removed: bool,
    pub silence: SilenceView,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::silence::{NewSilence, Scope};

    #[test]
    fn the_list_holds_what_is_active_or_to_come_and_the_windows() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("hb.db")).unwrap();
        let add = |store: &mut Store, starts_at, ends_at| {
            let new = NewSilence {
                scope: Scope::All,
                starts_at,
                ends_at,
                reason: "r".into(),
            };
            store.add_silence(&new, 0).unwrap()
        };
        add(&mut store, 0, 100);
        add(&mut store, 0, 1000);
        add(&mut store, 2000, 3000);
        let config = crate::config::parse(
            "[[silence]]\nall = true\nevery = \"daily 00:00\"\nfor = \"1h\"\nreason = \"backups\"\n",
        )
        .unwrap();
        let doc = list(Some(&store), &config, 500, false).unwrap();
        let phases: Vec<(i64, Phase)> = doc.silences.iter().map(|s| (s.id, s.phase)).collect();
        assert_eq!(phases, [(3, Phase::Upcoming), (2, Phase::Active)]);
        assert_eq!(doc.silences[1].covers, "every check");
        assert_eq!(
            list(Some(&store), &config, 500, true)
                .unwrap()
                .silences
                .len(),
            3
        );
        let window = &doc.windows[0];
        assert_eq!(
            (window.window.as_str(), window.every.as_str(), window.active),
            ("[[silence]] 1", "daily 00:00", true)
        );
        assert_eq!(window.ends_at, "1970-01-01T01:00:00Z");
        let later = list(None, &config, 4000, false).unwrap();
        assert!(later.silences.is_empty());
        assert_eq!(
            (later.windows[0].active, later.windows[0].starts_at.as_str()),
            (false, "1970-01-02T00:00:00Z")
        );
    }
}
