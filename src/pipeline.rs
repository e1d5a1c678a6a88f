//! The acquisition pipeline of one property: stage, checklist, health, next action.
//!
//! Pure functions over plain facts and a `now` (unix seconds); no I/O. The store keeps
//! `stage` and `stage_entered_at` as derived columns computed by [`derive`], so queries
//! over a million properties can use an index instead of recomputing every stage.

use serde::Serialize;

use crate::clock::{self, DAY_SECS};
use crate::config::StaleDays;

/// `--stage` takes the JSON's spelling (`waiting_for_contracts`); the kebab-case one
/// stays as an alias.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    clap::ValueEnum,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[value(rename_all = "snake_case")]
pub enum Stage {
    New,
    Enriched,
    Researched,
    #[value(alias = "waiting-for-contracts")]
    WaitingForContracts,
    Complete,
}

impl Stage {
    pub const ALL: [Stage; 5] = [
        Stage::New,
        Stage::Enriched,
        Stage::Researched,
        Stage::WaitingForContracts,
        Stage::Complete,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::New => "new",
            Stage::Enriched => "enriched",
            Stage::Researched => "researched",
            Stage::WaitingForContracts => "waiting_for_contracts",
            Stage::Complete => "complete",
        }
    }

    pub fn parse(s: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|stage| stage.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Stage::New => "New Property",
            Stage::Enriched => "Enriched",
            Stage::Researched => "Researched",
            Stage::WaitingForContracts => "Waiting for Contracts",
            Stage::Complete => "Complete",
        }
    }

    /// Days in this stage after which a property is stale; `None`: never stale.
    pub fn stale_after_days(self, stale: &StaleDays) -> Option<f64> {
        match self {
            Stage::New => Some(stale.new),
            Stage::Enriched => Some(stale.enriched),
            Stage::Researched => Some(stale.researched),
            Stage::WaitingForContracts => Some(stale.waiting_for_contracts),
            Stage::Complete => None,
        }
    }

    fn action(self) -> &'static str {
        match self {
            Stage::New => "Run Zillow enrichment",
            Stage::Enriched => "Run skip trace to find owner",
            Stage::Researched => "Attach purchase contracts",
            Stage::WaitingForContracts => "Get the open contracts signed and completed",
            Stage::Complete => "Nothing: every contract is completed",
        }
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, clap::ValueEnum, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Health {
    Healthy,
    Stale,
    /// On hold until a resume date (`hb property snooze`): neither healthy nor stale.
    Snoozed,
    Blocked,
}

impl Health {
    pub const ALL: [Health; 4] = [
        Health::Healthy,
        Health::Stale,
        Health::Snoozed,
        Health::Blocked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Health::Healthy => "healthy",
            Health::Stale => "stale",
            Health::Snoozed => "snoozed",
            Health::Blocked => "blocked",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ContractStatus {
    Attached,
    Sent,
    Signed,
    Completed,
    Cancelled,
}

impl ContractStatus {
    pub const ALL: [ContractStatus; 5] = [
        ContractStatus::Attached,
        ContractStatus::Sent,
        ContractStatus::Signed,
        ContractStatus::Completed,
        ContractStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ContractStatus::Attached => "attached",
            ContractStatus::Sent => "sent",
            ContractStatus::Signed => "signed",
            ContractStatus::Completed => "completed",
            ContractStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<ContractStatus> {
        ContractStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
    }

    /// Still to be completed: counts for the stage and its deadline can block. The store
    /// writes this list into its SQL (and its partial indexes were declared with it).
    pub const OPEN: [ContractStatus; 3] = [
        ContractStatus::Attached,
        ContractStatus::Sent,
        ContractStatus::Signed,
    ];

    pub fn is_open(self) -> bool {
        ContractStatus::OPEN.contains(&self)
    }

    /// The moves a contract may make: forward only (attached, sent, signed, completed,
    /// steps may be skipped), and any open contract can be cancelled. A completed or
    /// cancelled contract moves no more.
    pub fn can_move_to(self, to: ContractStatus) -> bool {
        self.is_open() && (to == ContractStatus::Cancelled || to.step() > self.step())
    }

    /// Whether a contract now `status` may have a recorded time for this step: the step
    /// it is at, or one it moved through on the way there.
    pub fn may_have_passed(self, status: ContractStatus) -> bool {
        self == status || self.can_move_to(status)
    }

    /// Place in the forward order; cancelled ends it from any open step.
    fn step(self) -> u8 {
        match self {
            ContractStatus::Attached => 0,
            ContractStatus::Sent => 1,
            ContractStatus::Signed => 2,
            ContractStatus::Completed => 3,
            ContractStatus::Cancelled => 4,
        }
    }

    /// The column that records when a contract took this step.
    pub fn time_column(self) -> &'static str {
        match self {
            ContractStatus::Attached => "attached_at",
            ContractStatus::Sent => "sent_at",
            ContractStatus::Signed => "signed_at",
            ContractStatus::Completed => "completed_at",
            ContractStatus::Cancelled => "cancelled_at",
        }
    }
}

/// Does this contract's deadline block its property at `now`? An open contract whose
/// deadline has come (a deadline at `now` has passed).
pub fn deadline_missed(status: ContractStatus, deadline_at: Option<i64>, now: i64) -> bool {
    status.is_open() && deadline_at.is_some_and(|d| d <= now)
}

/// The times a contract's steps happened (unix seconds), as recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContractTimes {
    pub attached_at: i64,
    pub sent_at: Option<i64>,
    pub signed_at: Option<i64>,
    pub completed_at: Option<i64>,
    pub cancelled_at: Option<i64>,
}

/// A step recorded before a step that comes earlier: time ran backwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeOrder {
    /// The later step's column (`completed_at`) and time.
    pub column: &'static str,
    pub at: i64,
    /// The earlier step it precedes, and its time.
    pub after: &'static str,
    pub after_at: i64,
}

impl std::fmt::Display for TimeOrder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} is before {} {}: a contract's times run forward (attached, sent, signed, \
             then completed or cancelled)",
            self.column,
            clock::format_ts(self.at),
            self.after,
            clock::format_ts(self.after_at)
        )
    }
}

impl ContractTimes {
    /// When the contract took `step`, if it did.
    pub fn at(&self, step: ContractStatus) -> Option<i64> {
        match step {
            ContractStatus::Attached => Some(self.attached_at),
            ContractStatus::Sent => self.sent_at,
            ContractStatus::Signed => self.signed_at,
            ContractStatus::Completed => self.completed_at,
            ContractStatus::Cancelled => self.cancelled_at,
        }
    }

    pub fn set(&mut self, step: ContractStatus, at: i64) {
        match step {
            ContractStatus::Attached => self.attached_at = at,
            ContractStatus::Sent => self.sent_at = Some(at),
            ContractStatus::Signed => self.signed_at = Some(at),
            ContractStatus::Completed => self.completed_at = Some(at),
            ContractStatus::Cancelled => self.cancelled_at = Some(at),
        }
    }
}

/// A contract's steps happen in order: attached, sent, signed, completed; a cancellation
/// comes after every step it cancels. Skipped steps (attached, then completed) are fine.
pub fn check_time_order(t: &ContractTimes) -> Result<(), TimeOrder> {
    // The latest step so far: each later step must not precede it.
    let mut latest: Option<(&'static str, i64)> = None;
    for step in ContractStatus::ALL {
        let column = step.time_column();
        let Some(at) = t.at(step) else { continue };
        if let Some((after, after_at)) = latest {
            if at < after_at {
                return Err(TimeOrder {
                    column,
                    at,
                    after,
                    after_at,
                });
            }
        }
        latest = Some((column, at));
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq)]
pub struct ContractFacts {
    pub id: i64,
    pub name: String,
    pub status: ContractStatus,
    pub attached_at: i64,
    pub completed_at: Option<i64>,
    pub deadline_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PropertyFacts {
    pub id: i64,
    pub address: String,
    pub created_at: i64,
    pub enriched_at: Option<i64>,
    pub skip_traced_at: Option<i64>,
    pub blocked_reason: Option<String>,
    /// The resume date of its latest snooze (ahead: snoozed; past: its clock ran from it).
    pub snoozed_until: Option<i64>,
    pub snooze_reason: Option<String>,
    pub contracts: Vec<ContractFacts>,
}

/// Is a property snoozed at `now`: its resume date is still ahead.
pub fn is_snoozed(snoozed_until: Option<i64>, now: i64) -> bool {
    snoozed_until.is_some_and(|until| until > now)
}

/// A hold about to be recorded (`hb property snooze`): its resume date is ahead of `now`
/// and it says why. Returns the resume date and the reason, trimmed.
pub fn snooze(until: i64, reason: &str, now: i64) -> Result<(i64, String), String> {
    if until <= now {
        return Err(format!(
            "--until {} is not after now ({}): a snooze holds a property until a date ahead",
            clock::format_ts(until),
            clock::format_ts(now)
        ));
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err("--reason must say what the property waits for".into());
    }
    Ok((until, reason.to_string()))
}

/// When a property's clock starts: when it entered its stage, or its resume date if it
/// was snoozed since (on the resume date its clock starts again). Staleness and the
/// other "nothing happened" findings count from here.
pub fn clock_start(stage_entered_at: i64, snoozed_until: Option<i64>) -> i64 {
    snoozed_until.map_or(stage_entered_at, |until| until.max(stage_entered_at))
}

/// What the facts imply, independent of the clock: stored with the property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Derived {
    pub stage: Stage,
    pub stage_entered_at: i64,
    /// First attachment among contracts that still count (not cancelled).
    pub contracts_attached_at: Option<i64>,
    /// When the last contract was completed, once every counting contract is.
    pub contracts_completed_at: Option<i64>,
}

/// The stage is the furthest step the facts reach; it was entered when the fact that
/// moved it there happened. Cancelled contracts do not count.
pub fn derive(
    created_at: i64,
    enriched_at: Option<i64>,
    skip_traced_at: Option<i64>,
    contracts: &[ContractFacts],
) -> Derived {
    let counting: Vec<&ContractFacts> = contracts
        .iter()
        .filter(|c| c.status != ContractStatus::Cancelled)
        .collect();
    let contracts_attached_at = counting.iter().map(|c| c.attached_at).min();
    let all_completed = !counting.is_empty()
        && counting
            .iter()
            .all(|c| c.status == ContractStatus::Completed);
    let contracts_completed_at = if all_completed {
        // A completed contract without a time counts as completed when attached.
        counting
            .iter()
            .map(|c| c.completed_at.unwrap_or(c.attached_at))
            .max()
    } else {
        None
    };
    let (stage, stage_entered_at) = if let Some(at) = contracts_completed_at {
        (Stage::Complete, at)
    } else if let Some(at) = contracts_attached_at {
        (Stage::WaitingForContracts, at)
    } else if let Some(at) = skip_traced_at {
        (Stage::Researched, at)
    } else if let Some(at) = enriched_at {
        (Stage::Enriched, at)
    } else {
        (Stage::New, created_at)
    };
    Derived {
        stage,
        stage_entered_at,
        contracts_attached_at,
        contracts_completed_at,
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChecklistItem {
    pub key: &'static str,
    pub label: &'static str,
    pub done: bool,
    /// Unix seconds; rendered by the output layer.
    #[serde(skip)]
    pub done_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Heartbeat {
    pub stage: Stage,
    pub stage_entered_at: i64,
    pub checklist: Vec<ChecklistItem>,
    pub days_in_stage: f64,
    pub stale_after_days: Option<f64>,
    pub health: Health,
    pub blocked_reason: Option<String>,
    /// While snoozed: until when, and why.
    pub snoozed_until: Option<i64>,
    pub snooze_reason: Option<String>,
    /// When its stale clock started, when that is not when it entered its stage (a
    /// snooze ended since).
    pub clock_from: Option<i64>,
    pub next_action: String,
    pub voice_summary: String,
}

/// A property of `stage` is stale at `now` when it entered the stage before this time
/// (`None`: the stage is never stale). Exact seconds: the store's queries compare
/// `stage_entered_at < cutoff` with this same cutoff.
pub fn stale_cutoff(stage: Stage, stale: &StaleDays, now: i64) -> Option<i64> {
    stage
        .stale_after_days(stale)
        .map(|days| now.saturating_sub(days_to_secs(days)))
}

/// Is a property stale at `now`: in its stage for longer than the stage's threshold?
pub fn is_stale(stage: Stage, stage_entered_at: i64, stale: &StaleDays, now: i64) -> bool {
    stale_cutoff(stage, stale, now).is_some_and(|cutoff| stage_entered_at < cutoff)
}

/// A property's health: blocked (a recorded blocker or a missed deadline: `blocked`)
/// wins over snoozed (its resume date is ahead), which wins over stale (counted from its
/// clock's start, `clock_start`), and a property that is none of them is healthy. The one
/// definition every view uses; the store's SQL mirrors it (a test compares the two).
pub fn health(
    blocked: bool,
    stage: Stage,
    stage_entered_at: i64,
    snoozed_until: Option<i64>,
    stale: &StaleDays,
    now: i64,
) -> Health {
    if blocked {
        Health::Blocked
    } else if is_snoozed(snoozed_until, now) {
        Health::Snoozed
    } else if is_stale(
        stage,
        clock_start(stage_entered_at, snoozed_until),
        stale,
        now,
    ) {
        Health::Stale
    } else {
        Health::Healthy
    }
}

pub fn days_to_secs(days: f64) -> i64 {
    (days * DAY_SECS as f64).round() as i64
}

/// An open contract whose deadline has passed: it blocks its property.
#[derive(Debug, Clone, PartialEq)]
pub struct MissedDeadline {
    pub contract_id: i64,
    pub name: String,
    pub deadline_at: i64,
}

/// The first open contract whose deadline has passed at `now` (the lowest id on a tie).
fn missed_deadline(contracts: &[ContractFacts], now: i64) -> Option<MissedDeadline> {
    contracts
        .iter()
        .filter(|c| deadline_missed(c.status, c.deadline_at, now))
        .min_by_key(|c| (c.deadline_at, c.id))
        .map(|c| MissedDeadline {
            contract_id: c.id,
            name: c.name.clone(),
            deadline_at: c.deadline_at.unwrap_or(now),
        })
}

/// Why a property is blocked: its recorded blocker, else the deadline it missed. Every
/// view of a property (`hb property ID`, `hb property list`) says it in these words.
pub fn blocked_reason(recorded: Option<&str>, missed: Option<&MissedDeadline>) -> Option<String> {
    recorded.map(str::to_string).or_else(|| {
        missed.map(|m| {
            format!(
                "contract #{} \"{}\" missed its deadline of {}",
                m.contract_id,
                m.name,
                clock::from_ts(m.deadline_at).format("%Y-%m-%d")
            )
        })
    })
}

pub fn heartbeat(facts: &PropertyFacts, stale: &StaleDays, now: i64) -> Heartbeat {
    let derived = derive(
        facts.created_at,
        facts.enriched_at,
        facts.skip_traced_at,
        &facts.contracts,
    );
    let checklist = vec![
        ChecklistItem {
            key: "enrichment",
            label: "Zillow enrichment",
            done: facts.enriched_at.is_some(),
            done_at: facts.enriched_at,
        },
        ChecklistItem {
            key: "skip_trace",
            label: "Skip trace",
            done: facts.skip_traced_at.is_some(),
            done_at: facts.skip_traced_at,
        },
        ChecklistItem {
            key: "contracts_attached",
            label: "Contracts attached",
            done: derived.contracts_attached_at.is_some(),
            done_at: derived.contracts_attached_at,
        },
        ChecklistItem {
            key: "contracts_completed",
            label: "Contracts completed",
            done: derived.contracts_completed_at.is_some(),
            done_at: derived.contracts_completed_at,
        },
    ];
    let days_in_stage = clock::days_between(derived.stage_entered_at, now);
    let stale_after_days = derived.stage.stale_after_days(stale);

    let missed = missed_deadline(&facts.contracts, now);
    let blocked_reason = blocked_reason(facts.blocked_reason.as_deref(), missed.as_ref());
    let health = health(
        blocked_reason.is_some(),
        derived.stage,
        derived.stage_entered_at,
        facts.snoozed_until,
        stale,
        now,
    );
    let snoozed = is_snoozed(facts.snoozed_until, now);
    let clock = clock_start(derived.stage_entered_at, facts.snoozed_until);

    let next_action = match (&facts.blocked_reason, &missed) {
        (Some(reason), _) => format!("Resolve the blocker: {reason}"),
        (None, Some(m)) => format!(
            "Extend or cancel contract #{} \"{}\": its deadline passed",
            m.contract_id, m.name
        ),
        (None, None) => {
            // A later stage reached with an earlier step skipped: that step comes first.
            if derived.stage > Stage::Enriched && facts.enriched_at.is_none() {
                format!("{} (skipped so far)", Stage::New.action())
            } else if derived.stage > Stage::Researched && facts.skip_traced_at.is_none() {
                format!("{} (skipped so far)", Stage::Enriched.action())
            } else {
                derived.stage.action().to_string()
            }
        }
    };

    let limit = stale_after_days.map(format_days).unwrap_or_default();
    let health_phrase = match health {
        Health::Healthy => "healthy".to_string(),
        Health::Stale if clock > derived.stage_entered_at => format!(
            "stale after {:.1} days since its snooze ended (limit {limit})",
            clock::days_between(clock, now)
        ),
        Health::Stale => format!("stale after {days_in_stage:.1} days in stage (limit {limit})"),
        Health::Snoozed => snooze_phrase(facts),
        Health::Blocked if snoozed => format!("blocked (and {})", snooze_phrase(facts)),
        Health::Blocked => "blocked".to_string(),
    };
    let voice_summary = format!(
        "Property #{} at {} is {} and {}. Next step: {}.",
        facts.id,
        facts.address,
        derived.stage.label(),
        health_phrase,
        lowercase_first(next_action.trim_end_matches('.'))
    );

    Heartbeat {
        stage: derived.stage,
        stage_entered_at: derived.stage_entered_at,
        checklist,
        days_in_stage,
        stale_after_days,
        health,
        blocked_reason,
        snoozed_until: facts.snoozed_until.filter(|_| snoozed),
        snooze_reason: facts.snooze_reason.clone().filter(|_| snoozed),
        clock_from: (!snoozed && clock > derived.stage_entered_at).then_some(clock),
        next_action,
        voice_summary,
    }
}

/// `snoozed until 2026-12-20 (waiting on probate)`.
fn snooze_phrase(facts: &PropertyFacts) -> String {
    let until = facts
        .snoozed_until
        .map(|u| clock::from_ts(u).format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    match facts.snooze_reason.as_deref() {
        Some(reason) => format!("snoozed until {until} ({reason})"),
        None => format!("snoozed until {until}"),
    }
}

/// `3` rather than `3.0`, `2.5` as is.
pub fn format_days(days: f64) -> String {
    if days.fract() == 0.0 {
        format!("{days:.0}")
    } else {
        format!("{days}")
    }
}

fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;

    fn facts() -> PropertyFacts {
        PropertyFacts {
            id: 5,
            address: "123 Main St".into(),
            created_at: NOW - 10 * DAY_SECS,
            enriched_at: None,
            skip_traced_at: None,
            blocked_reason: None,
            snoozed_until: None,
            snooze_reason: None,
            contracts: vec![],
        }
    }

    fn contract(id: i64, status: ContractStatus, attached_at: i64) -> ContractFacts {
        ContractFacts {
            id,
            name: format!("C{id}"),
            status,
            attached_at,
            completed_at: None,
            deadline_at: None,
        }
    }

    #[test]
    fn new_property_is_stale_after_three_days() {
        let mut f = facts();
        f.created_at = NOW - 3 * DAY_SECS;
        let hb = heartbeat(&f, &StaleDays::default(), NOW);
        assert_eq!(hb.stage, Stage::New);
        assert_eq!(
            hb.health,
            Health::Healthy,
            "exactly at the threshold is not over it"
        );
        f.created_at -= 1;
        let hb = heartbeat(&f, &StaleDays::default(), NOW);
        assert_eq!(hb.health, Health::Stale);
        assert_eq!(hb.stale_after_days, Some(3.0));
        assert_eq!(hb.next_action, "Run Zillow enrichment");
    }

    #[test]
    fn enriched_voice_summary() {
        let mut f = facts();
        f.enriched_at = Some(NOW - DAY_SECS - DAY_SECS / 2);
        let hb = heartbeat(&f, &StaleDays::default(), NOW);
        assert_eq!(hb.stage, Stage::Enriched);
        assert_eq!(hb.days_in_stage, 1.5);
        assert_eq!(
            hb.voice_summary,
            "Property #5 at 123 Main St is Enriched and healthy. Next step: run skip trace to find owner."
        );
        assert!(hb.checklist[0].done);
        assert_eq!(hb.checklist[0].done_at, f.enriched_at);
        assert!(!hb.checklist[1].done);
    }

    #[test]
    fn stages_follow_the_facts() {
        let mut f = facts();
        f.enriched_at = Some(NOW - 9 * DAY_SECS);
        f.skip_traced_at = Some(NOW - 8 * DAY_SECS);
        assert_eq!(
            heartbeat(&f, &StaleDays::default(), NOW).stage,
            Stage::Researched
        );
        f.contracts = vec![contract(1, ContractStatus::Sent, NOW - 7 * DAY_SECS)];
        let hb = heartbeat(&f, &StaleDays::default(), NOW);
        assert_eq!(hb.stage, Stage::WaitingForContracts);
        assert_eq!(hb.stage_entered_at, NOW - 7 * DAY_SECS);
        f.contracts[0].status = ContractStatus::Completed;
        f.contracts[0].completed_at = Some(NOW - DAY_SECS);
        f.contracts
            .push(contract(2, ContractStatus::Cancelled, NOW - 2 * DAY_SECS));
        let hb = heartbeat(&f, &StaleDays::default(), NOW);
        assert_eq!(hb.stage, Stage::Complete);
        assert_eq!(hb.stage_entered_at, NOW - DAY_SECS);
        assert!(hb.checklist.iter().all(|item| item.done));
        // Complete is never stale.
        let hb = heartbeat(&f, &StaleDays::default(), NOW + 1000 * DAY_SECS);
        assert_eq!(hb.health, Health::Healthy);
    }

    #[test]
    fn only_cancelled_contracts_fall_back_to_researched() {
        let mut f = facts();
        f.skip_traced_at = Some(NOW - DAY_SECS);
        f.contracts = vec![contract(1, ContractStatus::Cancelled, NOW)];
        let d = derive(f.created_at, f.enriched_at, f.skip_traced_at, &f.contracts);
        assert_eq!(d.stage, Stage::Researched);
        assert_eq!(d.contracts_attached_at, None);
    }

    #[test]
    fn contract_times_run_forward() {
        let t = ContractTimes {
            attached_at: 100,
            sent_at: Some(200),
            signed_at: Some(300),
            completed_at: Some(400),
            cancelled_at: None,
        };
        assert_eq!(check_time_order(&t), Ok(()));
        // Skipped steps and equal times are fine.
        let skipped = ContractTimes {
            sent_at: None,
            signed_at: None,
            completed_at: Some(100),
            ..t
        };
        assert_eq!(check_time_order(&skipped), Ok(()));
        let backwards = ContractTimes {
            completed_at: Some(250),
            ..t
        };
        assert_eq!(
            check_time_order(&backwards),
            Err(TimeOrder {
                column: "completed_at",
                at: 250,
                after: "signed_at",
                after_at: 300
            })
        );
        // Against the latest earlier step, even when one in between was skipped.
        let sent_late = ContractTimes {
            sent_at: Some(500),
            signed_at: None,
            ..t
        };
        assert_eq!(check_time_order(&sent_late).unwrap_err().after, "sent_at");
        let cancelled_early = ContractTimes {
            attached_at: 100,
            sent_at: None,
            signed_at: None,
            completed_at: None,
            cancelled_at: Some(50),
        };
        assert_eq!(
            check_time_order(&cancelled_early).unwrap_err().after,
            "attached_at"
        );
        let cancelled_before_signing = ContractTimes {
            completed_at: None,
            cancelled_at: Some(250),
            ..t
        };
        assert_eq!(
            check_time_order(&cancelled_before_signing).unwrap_err(),
            TimeOrder {
                column: "cancelled_at",
                at: 250,
                after: "signed_at",
                after_at: 300
            }
        );
    }

    #[test]
    fn contracts_move_forward_and_any_open_one_can_be_cancelled() {
        use ContractStatus::*;
        assert!(Attached.can_move_to(Sent));
        assert!(Attached.can_move_to(Completed), "a step may be skipped");
        assert!(Signed.can_move_to(Cancelled));
        assert!(!Signed.can_move_to(Sent), "never back");
        assert!(!Sent.can_move_to(Sent));
        for done in [Completed, Cancelled] {
            for to in ContractStatus::ALL {
                assert!(!done.can_move_to(to), "{done:?} -> {to:?}");
            }
        }
        // The times a status may carry: its own and the steps it passed on the way.
        assert!(Sent.may_have_passed(Cancelled));
        assert!(Signed.may_have_passed(Signed));
        assert!(!Completed.may_have_passed(Cancelled));
        assert!(!Signed.may_have_passed(Sent));
    }

    #[test]
    fn health_is_blocked_then_stale_then_healthy() {
        let stale = StaleDays::default();
        let limit = days_to_secs(stale.new);
        let at_limit = NOW - limit;
        assert_eq!(pipeline_health(false, at_limit), Health::Healthy);
        assert_eq!(pipeline_health(false, at_limit - 1), Health::Stale);
        assert_eq!(pipeline_health(true, at_limit - 1), Health::Blocked);
        assert_eq!(stale_cutoff(Stage::New, &stale, NOW), Some(at_limit));
        assert_eq!(stale_cutoff(Stage::Complete, &stale, NOW), None);
        // A deadline at the clock has come; a closed contract's never blocks.
        assert!(deadline_missed(ContractStatus::Signed, Some(NOW), NOW));
        assert!(!deadline_missed(ContractStatus::Signed, Some(NOW + 1), NOW));
        assert!(!deadline_missed(
            ContractStatus::Completed,
            Some(NOW - 1),
            NOW
        ));
        assert!(!deadline_missed(ContractStatus::Sent, None, NOW));
    }

    fn pipeline_health(blocked: bool, entered: i64) -> Health {
        health(
            blocked,
            Stage::New,
            entered,
            None,
            &StaleDays::default(),
            NOW,
        )
    }

    #[test]
    fn a_snoozed_property_is_neither_healthy_nor_stale_and_its_clock_restarts_on_resume() {
        let mut f = facts();
        f.enriched_at = Some(NOW - 31 * DAY_SECS);
        f.skip_traced_at = Some(NOW - 30 * DAY_SECS);
        f.snoozed_until = Some(NOW + 10 * DAY_SECS);
        f.snooze_reason = Some("waiting on probate".into());
        let stale = StaleDays::default();
        let hb = heartbeat(&f, &stale, NOW);
        assert_eq!(hb.health, Health::Snoozed);
        assert_eq!((hb.snoozed_until, hb.clock_from), (f.snoozed_until, None));
        assert!(
            hb.voice_summary.contains(
                "is Researched and snoozed until 2027-01-25 (waiting on probate). Next step: attach"
            ),
            "{}",
            hb.voice_summary
        );
        // On the resume date its clock starts again: healthy for the stage's 7 days...
        let resume = NOW + 10 * DAY_SECS;
        let hb = heartbeat(&f, &stale, resume);
        assert_eq!((hb.health, hb.clock_from), (Health::Healthy, Some(resume)));
        assert_eq!(hb.snoozed_until, None, "no longer snoozed");
        assert_eq!(
            heartbeat(&f, &stale, resume + 7 * DAY_SECS).health,
            Health::Healthy
        );
        // ...then judged as usual.
        let later = heartbeat(&f, &stale, resume + 7 * DAY_SECS + 1);
        assert_eq!(later.health, Health::Stale);
        assert!(
            later
                .voice_summary
                .contains("stale after 7.0 days since its snooze ended (limit 7)"),
            "{}",
            later.voice_summary
        );
        // A blocker still blocks a snoozed property, and says it is snoozed too.
        f.blocked_reason = Some("Title dispute".into());
        let blocked = heartbeat(&f, &stale, NOW);
        assert_eq!(blocked.health, Health::Blocked);
        assert!(
            blocked.voice_summary.contains("blocked (and snoozed until"),
            "{}",
            blocked.voice_summary
        );
        assert_eq!(
            clock_start(100, Some(50)),
            100,
            "a snooze that ended before the stage began"
        );
        assert_eq!(
            snooze(NOW + 1, " probate ", NOW),
            Ok((NOW + 1, "probate".into()))
        );
        assert!(snooze(NOW, "probate", NOW)
            .unwrap_err()
            .contains("not after now"));
        assert!(snooze(NOW + 1, " ", NOW).unwrap_err().contains("--reason"));
        assert!(
            !is_snoozed(Some(NOW), NOW),
            "the resume date itself is not snoozed"
        );
    }

    #[test]
    fn blocker_and_missed_deadline_block() {
        let mut f = facts();
        f.blocked_reason = Some("Title dispute".into());
        let hb = heartbeat(&f, &StaleDays::default(), NOW);
        assert_eq!(hb.health, Health::Blocked);
        assert_eq!(hb.next_action, "Resolve the blocker: Title dispute");

        let mut f = facts();
        let mut c = contract(3, ContractStatus::Signed, NOW - 2 * DAY_SECS);
        c.deadline_at = Some(NOW - 60);
        f.contracts = vec![c];
        let hb = heartbeat(&f, &StaleDays::default(), NOW);
        assert_eq!(hb.health, Health::Blocked);
        assert!(hb.blocked_reason.unwrap().contains("missed its deadline"));
        // A deadline still ahead does not block.
        let hb = heartbeat(&f, &StaleDays::default(), NOW - 120);
        assert_eq!(hb.health, Health::Healthy);
    }

    #[test]
    fn stale_voice_names_days_and_limit() {
        let mut f = facts();
        f.enriched_at = Some(NOW - 6 * DAY_SECS);
        let hb = heartbeat(&f, &StaleDays::default(), NOW);
        assert_eq!(hb.health, Health::Stale);
        assert!(
            hb.voice_summary
                .contains("is Enriched and stale after 6.0 days in stage (limit 5)"),
            "{}",
            hb.voice_summary
        );
    }

    #[test]
    fn skipped_step_is_the_next_action() {
        let mut f = facts();
        f.enriched_at = None;
        f.skip_traced_at = Some(NOW - DAY_SECS);
        let hb = heartbeat(&f, &StaleDays::default(), NOW);
        assert_eq!(hb.stage, Stage::Researched);
        assert_eq!(hb.next_action, "Run Zillow enrichment (skipped so far)");
    }
}
