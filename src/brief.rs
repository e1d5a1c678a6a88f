//! The daily brief: once a day, one digest of what needs attention, the shape an
//! acquisitions team reads over coffee: counts by kind, the top properties with their
//! next action, failing checks, and the deadlines of the week.
//!
//! `[brief] at = "08:00"` (UTC) and `route = [...]`: the first cycle at or after `at`
//! each day sends it to each channel of the route, once. When it is due and how it
//! reads are decided here, purely; `view::brief` gathers what it says.

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::clock::{self, DAY_SECS};
use crate::issue::{ConfigIssue, Position};

/// How many properties the brief lists.
pub const TOP_PROPERTIES: usize = 10;
/// Deadlines within this many days are "this week".
pub const DEADLINE_DAYS: i64 = 7;

/// `[brief]` as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BriefSpec {
    at: Option<Spanned<String>>,
    #[serde(default)]
    route: Vec<Spanned<String>>,
}

/// `[brief]`, resolved: when each day, and to which channels (none: not sent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BriefConfig {
    /// Minutes after midnight, UTC.
    pub at: u32,
    pub route: Vec<String>,
}

impl Default for BriefConfig {
    fn default() -> Self {
        BriefConfig {
            at: 8 * 60,
            route: Vec::new(),
        }
    }
}

impl BriefConfig {
    /// `08:00`.
    pub fn at_text(&self) -> String {
        format!("{:02}:{:02}", self.at / 60, self.at % 60)
    }

    /// The day (days since 1970-01-01, UTC) whose brief is due at `now`: today's, once
    /// `at` has come, unless it was sent (`last_day`). None when nothing is due or
    /// nobody is routed.
    pub fn due_day(&self, last_day: Option<i64>, now: i64) -> Option<i64> {
        if self.route.is_empty() {
            return None;
        }
        let today = now.div_euclid(DAY_SECS);
        let at = today * DAY_SECS + i64::from(self.at) * 60;
        (now >= at && last_day.is_none_or(|day| day < today)).then_some(today)
    }
}

/// Resolve `[brief]`: `at` is HH:MM; every channel of `route` must be declared
/// (`known` says whether one is, or why not).
pub fn resolve(
    spec: BriefSpec,
    known: impl Fn(&str) -> Result<(), String>,
) -> Result<BriefConfig, ConfigIssue> {
    let mut config = BriefConfig::default();
    if let Some(at) = spec.at {
        config.at = parse_at(at.get_ref()).ok_or_else(|| ConfigIssue {
            at: Some(Position::Offset(at.span().start)),
            key: "brief.at".into(),
            message: format!(
                "{:?} is not a time of day: write HH:MM in UTC, e.g. \"08:00\"",
                at.get_ref()
            ),
        })?;
    }
    for channel in &spec.route {
        known(channel.get_ref()).map_err(|message| ConfigIssue {
            at: Some(Position::Offset(channel.span().start)),
            key: "brief.route".into(),
            message,
        })?;
        config.route.push(channel.get_ref().clone());
    }
    Ok(config)
}

fn parse_at(text: &str) -> Option<u32> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60 && m_digits(text)).then_some(h * 60 + m)
}

/// The minutes are two digits (`08:00`, not `8:0`).
fn m_digits(text: &str) -> bool {
    text.trim()
        .split_once(':')
        .is_some_and(|(_, m)| m.len() == 2)
}

/// What the brief says: the document of `hb brief --json`, and the digest sent.
#[derive(Debug, Clone, Serialize)]
pub struct Brief {
    /// The day it covers, `2026-11-25`.
    pub day: String,
    pub generated_at: String,
    /// Every finding of the portfolio, and per kind (in priority order).
    pub findings: i64,
    pub counts: Vec<KindCount>,
    /// Properties on hold until a resume date: not nagged about, counted here.
    pub snoozed: i64,
    /// The most urgent properties, at most [`TOP_PROPERTIES`].
    pub properties: Vec<BriefProperty>,
    pub failing_checks: Vec<BriefCheck>,
    /// Open contracts due within [`DEADLINE_DAYS`] days, soonest first.
    pub deadlines: Vec<BriefDeadline>,
    /// The channels the cycle sends it to (`[brief] route`).
    pub route: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct KindCount {
    pub kind: &'static str,
    /// `stale properties`.
    pub label: &'static str,
    /// `stale property`.
    #[serde(skip)]
    pub one: &'static str,
    pub count: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct BriefProperty {
    pub property_id: i64,
    pub address: String,
    pub health: &'static str,
    /// Its most urgent finding.
    pub finding: String,
    pub next_action: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct BriefCheck {
    pub name: String,
    pub status: &'static str,
    pub since: String,
    pub message: String,
    pub flapping: bool,
    /// Covered by a silence (`silence #3 until ...`): failing, but expected.
    pub silenced: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BriefDeadline {
    pub contract_id: i64,
    pub contract: String,
    pub property_id: i64,
    pub address: String,
    pub deadline_at: String,
    pub days_left: f64,
}

impl Brief {
    /// One line: `Daily brief 2026-11-25: 42 findings, 2 failing checks, 3 deadlines this week`.
    pub fn subject(&self) -> String {
        let n = |count: usize, one: &str, many: &str| {
            format!("{count} {}", if count == 1 { one } else { many })
        };
        format!(
            "Daily brief {}: {}, {}, {}",
            self.day,
            n(self.findings.max(0) as usize, "finding", "findings"),
            n(self.failing_checks.len(), "failing check", "failing checks"),
            n(
                self.deadlines.len(),
                "deadline this week",
                "deadlines this week"
            )
        )
    }

    /// The digest's text, section by section.
    pub fn text(&self) -> String {
        let mut out = Vec::new();
        let counts: Vec<String> = self
            .counts
            .iter()
            .filter(|c| c.count > 0)
            .map(|c| format!("{} {}", c.count, if c.count == 1 { c.one } else { c.label }))
            .collect();
        out.push(if counts.is_empty() {
            "Needs attention: nothing in the portfolio.".to_string()
        } else {
            format!(
                "Needs attention: {} finding{}: {}.",
                self.findings,
                if self.findings == 1 { "" } else { "s" },
                counts.join(", ")
            )
        });
        if self.snoozed > 0 {
            out.push(format!(
                "On hold: {} snoozed propert{} (`hb property list --health snoozed`).",
                self.snoozed,
                if self.snoozed == 1 { "y" } else { "ies" }
            ));
        }
        if !self.properties.is_empty() {
            out.push(String::new());
            out.push("Top properties:".into());
            for (i, p) in self.properties.iter().enumerate() {
                out.push(format!(
                    "{}. #{} {} ({}): {}. Next: {}",
                    i + 1,
                    p.property_id,
                    p.address,
                    p.health,
                    p.finding,
                    p.next_action
                ));
            }
        }
        out.push(String::new());
        if self.failing_checks.is_empty() {
            out.push("Checks: all passing.".into());
        } else {
            out.push(format!("Failing checks ({}):", self.failing_checks.len()));
            for c in &self.failing_checks {
                let mut marks = String::new();
                if c.flapping {
                    marks.push_str(", flapping");
                }
                if let Some(silence) = &c.silenced {
                    marks.push_str(&format!(", {silence}"));
                }
                out.push(format!(
                    "- {} {} since {}{marks}: {}",
                    c.name, c.status, c.since, c.message
                ));
            }
        }
        out.push(String::new());
        if self.deadlines.is_empty() {
            out.push(format!("Deadlines: none in the next {DEADLINE_DAYS} days."));
        } else {
            out.push(format!("Deadlines this week ({}):", self.deadlines.len()));
            for d in &self.deadlines {
                out.push(format!(
                    "- {} contract #{} \"{}\" of property #{} {} (in {:.1} days)",
                    &d.deadline_at[..10.min(d.deadline_at.len())],
                    d.contract_id,
                    d.contract,
                    d.property_id,
                    d.address,
                    d.days_left
                ));
            }
        }
        out.join("\n")
    }
}

/// `2026-11-25`: the day a brief covers.
pub fn day_text(day: i64) -> String {
    clock::from_ts(day.saturating_mul(DAY_SECS))
        .format("%Y-%m-%d")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-11-25T12:00:00Z.
    const NOON: i64 = 1_795_608_000;

    fn config(at: u32) -> BriefConfig {
        BriefConfig {
            at,
            route: vec!["ops".into()],
        }
    }

    #[test]
    fn the_brief_is_due_once_a_day_from_its_time_on() {
        let today = NOON / DAY_SECS;
        let eight = config(8 * 60);
        let morning = today * DAY_SECS + 8 * 3600;
        assert_eq!(eight.due_day(None, morning - 1), None, "before 08:00");
        assert_eq!(eight.due_day(None, morning), Some(today));
        assert_eq!(eight.due_day(Some(today - 1), NOON), Some(today));
        // Sent today: not again, however many cycles run.
        assert_eq!(eight.due_day(Some(today), NOON), None);
        assert_eq!(eight.due_day(Some(today), morning + DAY_SECS - 1), None);
        assert_eq!(
            eight.due_day(Some(today), morning + DAY_SECS),
            Some(today + 1)
        );
        // Nobody to tell: never due.
        let unrouted = BriefConfig {
            route: vec![],
            ..eight
        };
        assert_eq!(unrouted.due_day(None, NOON), None);
        assert_eq!(day_text(today), "2026-11-25");
    }

    #[test]
    fn at_is_a_time_of_day_and_the_route_names_channels() {
        #[derive(Deserialize)]
        struct Doc {
            brief: BriefSpec,
        }
        let resolve_text = |text: &str| {
            let doc: Doc = toml::from_str(text).unwrap();
            resolve(doc.brief, |name| {
                if name == "ops" {
                    Ok(())
                } else {
                    Err(format!("unknown alert channel `{name}`"))
                }
            })
        };
        let ok = resolve_text("[brief]\nat = \"07:30\"\nroute = [\"ops\"]\n").unwrap();
        assert_eq!((ok.at, ok.at_text()), (450, "07:30".to_string()));
        for bad in ["24:00", "7:3", "noon", "08:60"] {
            let err = resolve_text(&format!("[brief]\nat = \"{bad}\"\n")).unwrap_err();
            assert_eq!(err.key, "brief.at", "{bad}");
        }
        let err = resolve_text("[brief]\nroute = [\"opps\"]\n").unwrap_err();
        assert_eq!(
            (err.key.as_str(), err.message.as_str()),
            ("brief.route", "unknown alert channel `opps`")
        );
        assert_eq!(resolve_text("[brief]\n").unwrap(), BriefConfig::default());
    }

    #[test]
    fn the_text_reads_section_by_section() {
        let brief = Brief {
            day: "2026-11-25".into(),
            generated_at: "2026-11-25T08:00:00Z".into(),
            findings: 3,
            counts: vec![
                KindCount {
                    kind: "blocked_property",
                    label: "blocked properties",
                    one: "blocked property",
                    count: 1,
                },
                KindCount {
                    kind: "stale_property",
                    label: "stale properties",
                    one: "stale property",
                    count: 2,
                },
                KindCount {
                    kind: "deadline_near",
                    label: "contract deadlines near",
                    one: "contract deadline near",
                    count: 0,
                },
            ],
            snoozed: 1,
            properties: vec![BriefProperty {
                property_id: 5,
                address: "123 Main St".into(),
                health: "blocked",
                finding: "Property #5 is blocked: Title dispute".into(),
                next_action: "Resolve the blocker: Title dispute".into(),
            }],
            failing_checks: vec![BriefCheck {
                name: "payments".into(),
                status: "critical",
                since: "2026-11-25T06:00:00Z".into(),
                message: "cannot connect".into(),
                flapping: false,
                silenced: None,
            }],
            deadlines: vec![BriefDeadline {
                contract_id: 12,
                contract: "Purchase".into(),
                property_id: 5,
                address: "123 Main St".into(),
                deadline_at: "2026-11-27T00:00:00Z".into(),
                days_left: 1.67,
            }],
            route: vec!["ops".into()],
        };
        assert_eq!(
            brief.subject(),
            "Daily brief 2026-11-25: 3 findings, 1 failing check, 1 deadline this week"
        );
        assert_eq!(
            brief.text(),
            "Needs attention: 3 findings: 1 blocked property, 2 stale properties.\n\
             On hold: 1 snoozed property (`hb property list --health snoozed`).\n\
             \n\
             Top properties:\n\
             1. #5 123 Main St (blocked): Property #5 is blocked: Title dispute. Next: Resolve the blocker: Title dispute\n\
             \n\
             Failing checks (1):\n\
             - payments critical since 2026-11-25T06:00:00Z: cannot connect\n\
             \n\
             Deadlines this week (1):\n\
             - 2026-11-27 contract #12 \"Purchase\" of property #5 123 Main St (in 1.7 days)"
        );
    }
}
