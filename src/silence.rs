//! Silences (maintenance windows): a time during which a check still runs and records,
//! but does not alert, escalate or remediate.
//!
//! Two kinds: one made by `hb silence add` (stored: one check, a group or every check,
//! from a start until an end or until removed), and a recurring window of the config
//! (`[[silence]] checks = [...] every = "sunday 02:00" for = "1h"`). Which silence covers
//! a check at a moment is decided here, purely; times are UTC.

use chrono::Weekday;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::checks::Group;
use crate::clock::{self, DAY_SECS};
use crate::duration::Span;
use crate::issue::{ConfigIssue, Position};

/// What a silence covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "scope", content = "target", rename_all = "lowercase")]
pub enum Scope {
    Check(String),
    Group(Group),
    All,
}

impl Scope {
    pub fn covers(&self, check: &str, group: Group) -> bool {
        match self {
            Scope::Check(name) => name == check,
            Scope::Group(g) => *g == group,
            Scope::All => true,
        }
    }

    /// `payments`, `group queue`, `every check`.
    pub fn describe(&self) -> String {
        match self {
            Scope::Check(name) => name.clone(),
            Scope::Group(group) => format!("group {}", group.as_str()),
            Scope::All => "every check".into(),
        }
    }

    /// The stored `scope` column: `check`, `group` or `all`.
    pub fn kind(&self) -> &'static str {
        match self {
            Scope::Check(_) => "check",
            Scope::Group(_) => "group",
            Scope::All => "all",
        }
    }

    /// The stored `target` column: the check's name, the group, or nothing.
    pub fn target(&self) -> Option<&str> {
        match self {
            Scope::Check(name) => Some(name),
            Scope::Group(group) => Some(group.as_str()),
            Scope::All => None,
        }
    }

    /// Back from the stored columns; None for a combination no scope spells.
    pub fn stored(kind: &str, target: Option<&str>) -> Option<Scope> {
        match (kind, target) {
            ("check", Some(name)) => Some(Scope::Check(name.to_string())),
            ("group", Some(group)) => Group::ALL
                .into_iter()
                .find(|g| g.as_str() == group)
                .map(Scope::Group),
            ("all", None) => Some(Scope::All),
            _ => None,
        }
    }
}

/// A silence made with `hb silence add`.
#[derive(Debug, Clone, PartialEq)]
pub struct Silence {
    pub id: i64,
    pub scope: Scope,
    pub starts_at: i64,
    pub ends_at: i64,
    pub reason: String,
    pub created_at: i64,
    /// `hb silence remove`: it ended then, if that was before `ends_at`.
    pub removed_at: Option<i64>,
}

/// Where a silence stands at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    Upcoming,
    Active,
    Ended,
    Removed,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Upcoming => "upcoming",
            Phase::Active => "active",
            Phase::Ended => "ended",
            Phase::Removed => "removed",
        }
    }
}

impl Silence {
    /// When it ends (or ended): its end, or its removal if that came first.
    pub fn end(&self) -> i64 {
        self.removed_at
            .map_or(self.ends_at, |removed| removed.min(self.ends_at))
    }

    pub fn is_active(&self, at: i64) -> bool {
        self.starts_at <= at && at < self.end()
    }

    pub fn phase(&self, at: i64) -> Phase {
        if self.is_active(at) {
            Phase::Active
        } else if at < self.starts_at && self.removed_at.is_none() {
            Phase::Upcoming
        } else if self.removed_at.is_some_and(|r| r < self.ends_at) {
            Phase::Removed
        } else {
            Phase::Ended
        }
    }

    /// `silence #3`.
    pub fn label(&self) -> String {
        format!("silence #{}", self.id)
    }
}

/// How a silence made with `hb silence add` ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// `--for 2h`: this long after it starts.
    For(std::time::Duration),
    /// `--until TIME`.
    Until(i64),
}

/// A silence about to be added: checked, not yet stored.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSilence {
    pub scope: Scope,
    pub starts_at: i64,
    pub ends_at: i64,
    pub reason: String,
}

/// The longest silence: a year (a maintenance window, not a way to turn a check off:
/// `enabled = false` does that).
const LONGEST: std::time::Duration = std::time::Duration::from_secs(366 * 86_400);

/// Check a silence before it is added: a check it names exists (`checks`: the config's),
/// it has a reason, and it ends in the future, after it starts, within a year of its start.
pub fn plan(
    scope: Scope,
    from: Option<i64>,
    end: End,
    reason: &str,
    checks: &[&str],
    now: i64,
) -> Result<NewSilence, String> {
    if let Scope::Check(name) = &scope {
        if !checks.contains(&name.as_str()) {
            return Err(if checks.is_empty() {
                format!("no check named `{name}`: the config declares no checks")
            } else {
                format!(
                    "no check named `{name}` (the checks: {})",
                    checks.join(", ")
                )
            });
        }
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err("--reason must say why (it is shown wherever the silence is)".into());
    }
    let starts_at = from.unwrap_or(now);
    let ends_at = match end {
        End::For(length) if length < std::time::Duration::from_secs(60) || length > LONGEST => {
            return Err(format!(
                "--for {}: a silence lasts from 1m to 366d",
                clock::format_duration(length)
            ))
        }
        End::For(length) => starts_at.saturating_add(length.as_secs() as i64),
        End::Until(until) => until,
    };
    if ends_at <= now {
        return Err(format!(
            "the silence would end at {}, which is not after now ({}): give a later --until or a --for",
            clock::format_ts(ends_at),
            clock::format_ts(now)
        ));
    }
    if ends_at <= starts_at {
        return Err(format!(
            "the silence would end at {}, before it starts ({})",
            clock::format_ts(ends_at),
            clock::format_ts(starts_at)
        ));
    }
    if ends_at - starts_at > LONGEST.as_secs() as i64 {
        return Err(
            "a silence lasts at most 366d; to stop running a check, set `enabled = false`".into(),
        );
    }
    Ok(NewSilence {
        scope,
        starts_at,
        ends_at,
        reason: reason.to_string(),
    })
}

/// When a recurring window opens: a weekday (or every day) at a time of day, UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recurring {
    /// None: every day.
    pub day: Option<Weekday>,
    /// Minutes after midnight.
    pub minute: u32,
}

impl Recurring {
    /// `sunday 02:00`, `sun 2:00`, `daily 23:30`.
    pub fn parse(text: &str) -> Result<Recurring, String> {
        let bad = || {
            format!(
                "{text:?} is not a day and a time: write a weekday or `daily` and HH:MM in \
                 UTC, e.g. \"sunday 02:00\" or \"daily 03:30\""
            )
        };
        let (day, time) = text
            .trim()
            .split_once(char::is_whitespace)
            .ok_or_else(bad)?;
        let day = match day.to_ascii_lowercase().as_str() {
            "daily" => None,
            name => Some(name.parse::<Weekday>().map_err(|_| bad())?),
        };
        let (h, m) = time.trim().split_once(':').ok_or_else(bad)?;
        let (h, m): (u32, u32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        if h > 23 || m > 59 || time.trim().len() > 5 {
            return Err(bad());
        }
        Ok(Recurring {
            day,
            minute: h * 60 + m,
        })
    }

    /// How often it opens, in seconds.
    pub fn period(&self) -> i64 {
        match self.day {
            Some(_) => 7 * DAY_SECS,
            None => DAY_SECS,
        }
    }

    /// The latest opening at or before `at`.
    pub fn last_start(&self, at: i64) -> i64 {
        let day = at.div_euclid(DAY_SECS);
        let first = match self.day {
            None => day,
            Some(weekday) => {
                // 1970-01-01 was a Thursday: Monday-based weekday of day 0 is 3.
                let today = (day + 3).rem_euclid(7);
                day - today + i64::from(weekday.num_days_from_monday())
            }
        };
        let start = first * DAY_SECS + i64::from(self.minute) * 60;
        if start > at {
            start - self.period()
        } else {
            start
        }
    }
}

impl std::fmt::Display for Recurring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let day = match self.day {
            None => "daily".to_string(),
            Some(day) => clock::weekday_name(day).to_string(),
        };
        write!(f, "{day} {:02}:{:02}", self.minute / 60, self.minute % 60)
    }
}

/// `[[silence]]` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WindowSpec {
    #[serde(default)]
    checks: Vec<Spanned<String>>,
    #[serde(default)]
    groups: Vec<Group>,
    #[serde(default)]
    all: bool,
    every: Spanned<String>,
    #[serde(rename = "for", deserialize_with = "crate::duration::de::period")]
    length: Span,
    reason: Option<String>,
}

/// A recurring maintenance window of the config, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    /// Its place among the `[[silence]]` tables, from 1.
    pub number: usize,
    pub scopes: Vec<Scope>,
    pub every: Recurring,
    pub length: Span,
    pub reason: String,
}

impl Window {
    /// `[[silence]] 1`.
    pub fn label(&self) -> String {
        format!("[[silence]] {}", self.number)
    }

    /// The opening that covers `at`, as (start, end), if one does.
    pub fn covering(&self, at: i64) -> Option<(i64, i64)> {
        let start = self.every.last_start(at);
        let end = start.saturating_add(self.length.as_secs());
        (at < end).then_some((start, end))
    }

    /// The opening covering `at`, else the next one.
    pub fn current_or_next(&self, at: i64) -> (i64, i64) {
        self.covering(at).unwrap_or_else(|| {
            let start = self.every.last_start(at) + self.every.period();
            (start, start.saturating_add(self.length.as_secs()))
        })
    }

    pub fn covers(&self, check: &str, group: Group) -> bool {
        self.scopes.iter().any(|s| s.covers(check, group))
    }

    /// `payments, api`, `group queue`, `every check`.
    pub fn describe_scope(&self) -> String {
        let parts: Vec<String> = self.scopes.iter().map(Scope::describe).collect();
        parts.join(", ")
    }
}

/// Resolve the `[[silence]]` tables: one scope (`checks`, `groups` or `all = true`), a
/// day and time, a length that fits in its period; every check it names must exist.
pub fn resolve_windows(
    specs: Vec<WindowSpec>,
    check_names: &[&str],
) -> Result<Vec<Window>, ConfigIssue> {
    let mut windows = Vec::with_capacity(specs.len());
    for (index, spec) in specs.into_iter().enumerate() {
        let at = Some(Position::Offset(spec.every.span().start));
        let issue = |key: &str, message: String| ConfigIssue {
            at,
            key: format!("silence[{index}].{key}"),
            message,
        };
        let scopes_written = [!spec.checks.is_empty(), !spec.groups.is_empty(), spec.all];
        if scopes_written.iter().filter(|w| **w).count() != 1 {
            return Err(issue(
                "checks",
                "a [[silence]] names what it silences with exactly one of `checks = [...]`, \
                 `groups = [...]` or `all = true`"
                    .into(),
            ));
        }
        let every = Recurring::parse(spec.every.get_ref()).map_err(|e| issue("every", e))?;
        if spec.length.as_secs() < 60 || spec.length.as_secs() > every.period() {
            return Err(issue(
                "for",
                format!(
                    "a window {every} lasts from 1m to {} (`for = \"1h\"`), not {}",
                    clock::format_duration(std::time::Duration::from_secs(every.period() as u64)),
                    spec.length
                ),
            ));
        }
        let mut scopes = Vec::new();
        for name in &spec.checks {
            if !check_names.contains(&name.get_ref().as_str()) {
                return Err(ConfigIssue {
                    at: Some(Position::Offset(name.span().start)),
                    key: format!("silence[{index}].checks"),
                    message: format!(
                        "no check named `{}` (the checks: {})",
                        name.get_ref(),
                        check_names.join(", ")
                    ),
                });
            }
            scopes.push(Scope::Check(name.get_ref().clone()));
        }
        scopes.extend(spec.groups.iter().map(|g| Scope::Group(*g)));
        if spec.all {
            scopes.push(Scope::All);
        }
        windows.push(Window {
            number: index + 1,
            scopes,
            every,
            length: spec.length,
            reason: spec
                .reason
                .unwrap_or_else(|| "recurring maintenance window".into()),
        });
    }
    Ok(windows)
}

/// The silence covering a check at a moment: which one, why, and until when.
#[derive(Debug, Clone, PartialEq)]
pub struct Cover {
    /// `silence #3`, `[[silence]] 1`.
    pub by: String,
    pub reason: String,
    pub until: i64,
}

/// Everything that may silence a check: the stored silences and the config's windows.
#[derive(Debug, Clone, Default)]
pub struct Silences {
    pub stored: Vec<Silence>,
    pub windows: Vec<Window>,
}

impl Silences {
    /// The silence covering the check at `at`; of several, the one that lasts longest.
    pub fn covering(&self, check: &str, group: Group, at: i64) -> Option<Cover> {
        let stored = self
            .stored
            .iter()
            .filter(|s| s.is_active(at) && s.scope.covers(check, group))
            .map(|s| Cover {
                by: s.label(),
                reason: s.reason.clone(),
                until: s.end(),
            });
        let windows = self
            .windows
            .iter()
            .filter(|w| w.covers(check, group))
            .filter_map(|w| {
                w.covering(at).map(|(_, end)| Cover {
                    by: w.label(),
                    reason: w.reason.clone(),
                    until: end,
                })
            });
        stored.chain(windows).max_by_key(|c| c.until)
    }

    /// Whether a silence covering the check at `before` no longer does at `now`: its
    /// alerts, held back until now, go out at once.
    pub fn ended_between(&self, check: &str, group: Group, before: i64, now: i64) -> bool {
        self.covering(check, group, before).is_some() && self.covering(check, group, now).is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;

    /// 2026-11-25T12:00:00Z, a Wednesday.
    const WED_NOON: i64 = 1_795_608_000;

    fn silence(id: i64, scope: Scope, starts_at: i64, ends_at: i64) -> Silence {
        Silence {
            id,
            scope,
            starts_at,
            ends_at,
            reason: format!("reason {id}"),
            created_at: starts_at,
            removed_at: None,
        }
    }

    #[test]
    fn the_clock_constant_is_a_wednesday_noon() {
        assert_eq!(clock::format_ts(WED_NOON), "2026-11-25T12:00:00Z");
        assert_eq!(clock::from_ts(WED_NOON).weekday(), Weekday::Wed);
    }

    #[test]
    fn a_stored_silence_covers_its_scope_from_start_to_end_or_removal() {
        let mut s = silence(3, Scope::Check("payments".into()), 100, 200);
        assert!(!s.is_active(99));
        assert!(s.is_active(100));
        assert!(!s.is_active(200), "the end is not covered");
        assert_eq!(
            (s.phase(50), s.phase(150), s.phase(250)),
            (Phase::Upcoming, Phase::Active, Phase::Ended)
        );
        s.removed_at = Some(150);
        assert_eq!(
            (s.end(), s.is_active(160), s.phase(160)),
            (150, false, Phase::Removed)
        );
        // Removed after it ended: it simply ended.
        s.removed_at = Some(300);
        assert_eq!((s.end(), s.phase(400)), (200, Phase::Ended));
        let all = Silences {
            stored: vec![
                silence(1, Scope::Group(Group::Queue), 0, 1000),
                silence(2, Scope::All, 0, 500),
            ],
            windows: vec![],
        };
        let cover = all.covering("depth", Group::Queue, 10).unwrap();
        assert_eq!((cover.by.as_str(), cover.until), ("silence #1", 1000));
        assert_eq!(
            all.covering("api", Group::System, 10).unwrap().by,
            "silence #2"
        );
        assert_eq!(all.covering("api", Group::System, 500), None);
        assert!(all.ended_between("api", Group::System, 400, 600));
        assert!(!all.ended_between("depth", Group::Queue, 400, 600));
    }

    #[test]
    fn a_new_silence_names_a_check_that_exists_has_a_reason_and_ends_later() {
        let checks = ["payments", "api"];
        let ok = plan(
            Scope::Check("payments".into()),
            None,
            End::For(std::time::Duration::from_secs(7200)),
            " gateway migration ",
            &checks,
            WED_NOON,
        )
        .unwrap();
        assert_eq!(
            (ok.starts_at, ok.ends_at, ok.reason.as_str()),
            (WED_NOON, WED_NOON + 7200, "gateway migration")
        );
        let err = |scope: Scope, from: Option<i64>, end: End, reason: &str| {
            plan(scope, from, end, reason, &checks, WED_NOON).unwrap_err()
        };
        let hour = End::For(std::time::Duration::from_secs(3600));
        assert_eq!(
            err(Scope::Check("paymnts".into()), None, hour, "x"),
            "no check named `paymnts` (the checks: payments, api)"
        );
        assert!(err(Scope::All, None, hour, "  ").contains("--reason"));
        assert!(err(Scope::All, None, End::Until(WED_NOON), "x").contains("not after now"));
        assert!(err(
            Scope::All,
            Some(WED_NOON + 600),
            End::Until(WED_NOON + 60),
            "x"
        )
        .contains("before it starts"));
        assert!(err(
            Scope::All,
            None,
            End::For(std::time::Duration::from_secs(30)),
            "x"
        )
        .contains("1m to 366d"));
        // A planned one starts later; one already under way may have started earlier.
        let planned = plan(
            Scope::All,
            Some(WED_NOON + 3600),
            hour,
            "x",
            &checks,
            WED_NOON,
        )
        .unwrap();
        assert_eq!(planned.ends_at, WED_NOON + 7200);
        assert!(plan(
            Scope::All,
            Some(WED_NOON - 600),
            hour,
            "x",
            &checks,
            WED_NOON
        )
        .is_ok());
    }

    #[test]
    fn scopes_are_stored_as_kind_and_target() {
        for scope in [
            Scope::Check("api".into()),
            Scope::Group(Group::Security),
            Scope::All,
        ] {
            assert_eq!(Scope::stored(scope.kind(), scope.target()), Some(scope));
        }
        assert_eq!(Scope::stored("group", Some("nope")), None);
        assert_eq!(Scope::stored("all", Some("x")), None);
    }

    #[test]
    fn recurring_times_parse_and_open_weekly_or_daily() {
        let sunday = Recurring::parse("Sunday 02:00").unwrap();
        assert_eq!(sunday.to_string(), "sunday 02:00");
        // Wednesday noon: the last Sunday 02:00 was 3 days and 10 hours before.
        assert_eq!(
            sunday.last_start(WED_NOON),
            WED_NOON - 3 * DAY_SECS - 10 * 3600
        );
        let start = sunday.last_start(WED_NOON);
        assert_eq!(sunday.last_start(start), start, "at the opening itself");
        assert_eq!(sunday.last_start(start - 1), start - 7 * DAY_SECS);
        let daily = Recurring::parse("daily 23:30").unwrap();
        assert_eq!(
            daily.last_start(WED_NOON),
            WED_NOON - DAY_SECS + 11 * 3600 + 1800
        );
        assert_eq!(
            Recurring::parse("wed 12:00").unwrap().last_start(WED_NOON),
            WED_NOON
        );
        for bad in [
            "sunday",
            "someday 02:00",
            "sunday 25:00",
            "sunday 02:60",
            "02:00",
            "sunday 2",
        ] {
            assert!(Recurring::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_window_covers_its_openings_and_says_when_the_next_one_is() {
        let window = Window {
            number: 1,
            scopes: vec![Scope::Check("payments".into())],
            every: Recurring::parse("wednesday 11:30").unwrap(),
            length: Span::secs(3600),
            reason: "gateway maintenance".into(),
        };
        let open = WED_NOON - 1800;
        assert_eq!(window.covering(WED_NOON), Some((open, open + 3600)));
        assert_eq!(window.covering(open + 3600), None);
        assert_eq!(
            window.current_or_next(open + 3600),
            (open + 7 * DAY_SECS, open + 7 * DAY_SECS + 3600)
        );
        let silences = Silences {
            stored: vec![silence(
                9,
                Scope::Check("payments".into()),
                0,
                WED_NOON + 60,
            )],
            windows: vec![window],
        };
        // Both cover it: the one that lasts longer says until when.
        let cover = silences
            .covering("payments", Group::Integration, WED_NOON)
            .unwrap();
        assert_eq!(
            (cover.by.as_str(), cover.until),
            ("[[silence]] 1", open + 3600)
        );
        assert_eq!(silences.covering("api", Group::System, WED_NOON), None);
    }

    #[test]
    fn config_windows_name_one_scope_and_existing_checks() {
        let resolve = |text: &str| {
            #[derive(Deserialize)]
            struct Doc {
                silence: Vec<WindowSpec>,
            }
            let doc: Doc = toml::from_str(text).unwrap();
            resolve_windows(doc.silence, &["payments", "api"])
        };
        let ok = resolve(
            "[[silence]]\nchecks = [\"payments\"]\nevery = \"sunday 02:00\"\nfor = \"1h\"\n",
        )
        .unwrap();
        assert_eq!(ok[0].label(), "[[silence]] 1");
        assert_eq!(ok[0].reason, "recurring maintenance window");
        let err = resolve(
            "[[silence]]\nchecks = [\"paymnts\"]\nevery = \"sunday 02:00\"\nfor = \"1h\"\n",
        )
        .unwrap_err();
        assert_eq!(err.key, "silence[0].checks");
        assert!(
            err.message.contains("no check named `paymnts`"),
            "{}",
            err.message
        );
        let err = resolve("[[silence]]\nall = true\ngroups = [\"queue\"]\nevery = \"daily 02:00\"\nfor = \"1h\"\n")
            .unwrap_err();
        assert!(err.message.contains("exactly one"), "{}", err.message);
        let err = resolve("[[silence]]\nall = true\nevery = \"daily 02:00\"\nfor = \"2d\"\n")
            .unwrap_err();
        assert_eq!(err.key, "silence[0].for");
    }
}
