//! How hb's enums are stored: each as its `as_str` text, written and read here and
//! nowhere else. Text this hb does not know (a newer hb's, a hand edit) is an error that
//! names the column and the value, never a silent default.

use std::fmt;
use std::sync::LazyLock;

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

use crate::alert::{AlertKind, Priority};
use crate::checks::{Group, Status};
use crate::cycle::scan::ScanKind;
use crate::cycle::{Module, ModuleStatus};
use crate::notification::NotificationKind;
use crate::pipeline::{ContractStatus, Stage};

use super::outbox::OutboxStatus;
use super::runs::RunStatus;

/// A value read from `column` that no variant spells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownText {
    pub column: &'static str,
    pub value: String,
}

impl fmt::Display for UnknownText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "column {} holds {:?}, which this hb does not know (a newer hb or a hand edit \
             wrote it)",
            self.column, self.value
        )
    }
}

impl std::error::Error for UnknownText {}

fn read<T>(
    value: ValueRef<'_>,
    column: &'static str,
    parse: impl Fn(&str) -> Option<T>,
) -> FromSqlResult<T> {
    let text = value.as_str()?;
    parse(text).ok_or_else(|| {
        FromSqlError::Other(Box::new(UnknownText {
            column,
            value: text.to_string(),
        }))
    })
}

/// `ToSql` and `FromSql` for an enum with `as_str`, read back by `parse` (exact).
macro_rules! stored_as_text {
    ($ty:ty, $column:literal, $parse:expr) => {
        impl ToSql for $ty {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.as_str()))
            }
        }

        impl FromSql for $ty {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                read(value, $column, $parse)
            }
        }
    };
    // Read back as the variant of `ALL` it spells.
    ($ty:ty, $column:literal) => {
        stored_as_text!($ty, $column, |text| <$ty>::ALL
            .into_iter()
            .find(|v| v.as_str() == text));
    };
}

stored_as_text!(Stage, "properties.stage");
stored_as_text!(ContractStatus, "contracts.status");
stored_as_text!(Priority, "notifications.priority or alert_outbox.priority");
stored_as_text!(NotificationKind, "notifications.kind");
stored_as_text!(AlertKind, "alert_outbox.kind");
stored_as_text!(OutboxStatus, "alert_outbox.status");
stored_as_text!(RunStatus, "runs.status");
stored_as_text!(Module, "module_results.module or module_state.module");
stored_as_text!(ModuleStatus, "module_results.status");
stored_as_text!(ScanKind, "module_results.scan");
stored_as_text!(
    Status,
    "check_results.status or check_state.status",
    Status::parse
);
stored_as_text!(Group, "check_results.check_group");

/// `'text'`: an enum's stored text as an SQL literal, for the statements a partial index
/// must serve (the planner matches literals, not parameters).
pub(crate) fn literal(text: &'static str) -> String {
    format!("'{text}'")
}

/// `('a','b')`: values as an SQL list, for `IN` (the texts hold no quotes).
fn sql_list(texts: impl IntoIterator<Item = &'static str>) -> String {
    let quoted: Vec<String> = texts.into_iter().map(literal).collect();
    format!("({})", quoted.join(","))
}

/// The open contract statuses as an SQL list, `ContractStatus::OPEN` in its order: the
/// text the partial indexes on open contracts were declared with, so the planner
/// matches them.
pub(crate) static OPEN_CONTRACT_STATUSES: LazyLock<String> =
    LazyLock::new(|| sql_list(ContractStatus::OPEN.map(ContractStatus::as_str)));

/// `CASE column WHEN 'low' THEN 0 ... END`: a priority's rank in SQL, the order of
/// `Priority` (low < critical), for ORDER BY.
pub(crate) fn priority_rank_sql(column: &str) -> String {
    let arms: Vec<String> = Priority::ALL
        .iter()
        .enumerate()
        .map(|(rank, p)| format!("WHEN '{}' THEN {rank}", p.as_str()))
        .collect();
    format!("CASE {column} {} END", arms.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::Connection;

    #[test]
    fn priority_rank_follows_the_enum_order() {
        let conn = Connection::open_in_memory().unwrap();
        let ranks: Vec<i64> = Priority::ALL
            .iter()
            .map(|p| {
                conn.query_row(&format!("SELECT {}", priority_rank_sql("?1")), [p], |r| {
                    r.get(0)
                })
                .unwrap()
            })
            .collect();
        assert_eq!(ranks, [0, 1, 2, 3]);
        assert!(Priority::Low < Priority::Critical);
    }

    #[test]
    fn every_variant_round_trips_and_unknown_text_is_an_error() {
        let conn = Connection::open_in_memory().unwrap();
        for stage in Stage::ALL {
            let back: Stage = conn.query_row("SELECT ?1", [stage], |r| r.get(0)).unwrap();
            assert_eq!(back, stage);
        }
        for kind in NotificationKind::ALL {
            let back: NotificationKind = conn.query_row("SELECT ?1", [kind], |r| r.get(0)).unwrap();
            assert_eq!(back, kind);
        }
        let err = conn
            .query_row("SELECT 'waiting'", [], |r| r.get::<_, Stage>(0))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("column properties.stage holds \"waiting\""),
            "{err}"
        );
        let err = conn
            .query_row("SELECT 'urgent'", [], |r| r.get::<_, Priority>(0))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("column notifications.priority or alert_outbox.priority holds \"urgent\""),
            "{err}"
        );
        // Exact: the stored spelling, not a lenient parse.
        assert!(conn
            .query_row("SELECT 'HIGH'", [], |r| r.get::<_, Priority>(0))
            .is_err());
    }
}
