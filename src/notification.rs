//! What a notification is about: its kind, one enum for every module that raises one,
//! so `hb alerts --kind` accepts exactly the kinds that exist.

use std::fmt;

use clap::builder::PossibleValue;
use clap::ValueEnum;

use crate::insights::FindingKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NotificationKind {
    /// A portfolio finding (the kinds of `hb insights`).
    Finding(FindingKind),
    /// market: a new property matched a saved watchlist.
    WatchlistMatch,
    /// market: an area's median list price moved.
    PriceShift,
    /// relationships: a contact's score dropped.
    CoolingRelationship,
    /// scheduled: a reminder fell due.
    Reminder,
    /// system: a health check failed.
    CheckFailed,
    /// system: a health check changes status too often to alert on each change.
    CheckFlapping,
    /// A check or the cycle itself kept failing: the escalation route was told.
    Escalation,
}

impl NotificationKind {
    pub const ALL: [NotificationKind; 15] = [
        NotificationKind::Finding(FindingKind::BlockedProperty),
        NotificationKind::Finding(FindingKind::DeadlinePassed),
        NotificationKind::Finding(FindingKind::DeadlineNear),
        NotificationKind::Finding(FindingKind::StaleProperty),
        NotificationKind::Finding(FindingKind::ContractUnsigned),
        NotificationKind::Finding(FindingKind::HighScoreIdle),
        NotificationKind::Finding(FindingKind::MissingEnrichment),
        NotificationKind::Finding(FindingKind::MissingSkipTrace),
        NotificationKind::WatchlistMatch,
        NotificationKind::PriceShift,
        NotificationKind::CoolingRelationship,
        NotificationKind::Reminder,
        NotificationKind::CheckFailed,
        NotificationKind::CheckFlapping,
        NotificationKind::Escalation,
    ];

    /// The stored spelling (the `kind` of `hb alerts --json`).
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::Finding(kind) => kind.as_str(),
            NotificationKind::WatchlistMatch => "watchlist_match",
            NotificationKind::PriceShift => "price_shift",
            NotificationKind::CoolingRelationship => "cooling_relationship",
            NotificationKind::Reminder => "reminder",
            NotificationKind::CheckFailed => "check_failed",
            NotificationKind::CheckFlapping => "check_flapping",
            NotificationKind::Escalation => "escalation",
        }
    }
}

impl From<FindingKind> for NotificationKind {
    fn from(kind: FindingKind) -> Self {
        NotificationKind::Finding(kind)
    }
}

impl fmt::Display for NotificationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl ValueEnum for NotificationKind {
    fn value_variants<'a>() -> &'a [Self] {
        &NotificationKind::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_own_spelling() {
        let mut names: Vec<&str> = NotificationKind::ALL.iter().map(|k| k.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), NotificationKind::ALL.len());
    }
}
