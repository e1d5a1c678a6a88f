//! The tools' arguments: what each accepts (its input schema, generated from these types)
//! and the CLI flag each argument stands for.

use std::borrow::Cow;

use clap::ValueEnum;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer};

use crate::alert::Priority;
use crate::cycle::Module;
use crate::notification::NotificationKind;
use crate::pipeline::{Health, Stage};

/// A value the CLI takes from a fixed list (`--health stale`): the same names, in any
/// case, as the flag; the schema lists them.
#[derive(Debug, Clone, Copy)]
pub struct Choice<T>(pub T);

/// The names a value enum accepts, as the CLI spells them.
fn names<T: ValueEnum>() -> Vec<String> {
    T::value_variants()
        .iter()
        .filter_map(|v| v.to_possible_value())
        .map(|v| v.get_name().to_string())
        .collect()
}

impl<'de, T: ValueEnum> Deserialize<'de> for Choice<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let given = String::deserialize(deserializer)?;
        T::from_str(&given, true).map(Choice).map_err(|_| {
            serde::de::Error::custom(format!(
                "{given:?} is not one of {}",
                names::<T>().join(", ")
            ))
        })
    }
}

impl<T: ValueEnum + 'static> JsonSchema for Choice<T> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        let name = std::any::type_name::<T>();
        Cow::Borrowed(name.rsplit("::").next().unwrap_or(name))
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        schemars::json_schema!({ "type": "string", "enum": names::<T>() })
    }
}

/// The value of an optional choice.
pub fn chosen<T: Copy>(choice: Option<Choice<T>>) -> Option<T> {
    choice.map(|c| c.0)
}

/// No arguments: any given is an error that names it.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoArgs {}

/// `hb property ID`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PropertyArgs {
    /// The property's id, e.g. 5 ("What's the heartbeat on property 5?").
    pub property_id: i64,
}

/// `hb property list [--health H] [--stage S] [--limit N]`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListPropertiesArgs {
    /// Only properties of this health.
    #[serde(default)]
    pub health: Option<Choice<Health>>,
    /// Only properties in this stage.
    #[serde(default)]
    pub stage: Option<Choice<Stage>>,
    /// At most this many, most overdue first (default 50; 0: all). `total` counts every match.
    #[serde(default)]
    pub limit: Option<usize>,
}

/// `hb insights [--limit N]`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InsightsArgs {
    /// At most this many findings, most urgent first (default 50; 0: all). `total` and
    /// `counts` count them all.
    #[serde(default)]
    pub limit: Option<usize>,
}

/// `hb status [--window D]`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusArgs {
    /// The window of the uptime, latency and completion figures, e.g. "24h" (the
    /// default), "7d", "30d".
    #[serde(default)]
    pub window: Option<String>,
}

/// `hb logs [RUN_ID] [--limit N]`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LogArgs {
    /// One run in detail (its modules' and checks' results); without it, the latest runs.
    #[serde(default)]
    pub run_id: Option<i64>,
    /// At most this many runs, newest first (default 20; 0: all). 1 is the last cycle.
    #[serde(default)]
    pub limit: Option<usize>,
}

/// `hb alerts [--priority P] [--kind K] [--all] [--limit N]`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AlertsArgs {
    /// Only notifications of this priority.
    #[serde(default)]
    pub priority: Option<Choice<Priority>>,
    /// Only notifications of this kind.
    #[serde(default)]
    pub kind: Option<Choice<NotificationKind>>,
    /// With acknowledged and resolved ones too (default: open ones only).
    #[serde(default)]
    pub all: bool,
    /// At most this many, most urgent and newest first (default 50; 0: all).
    #[serde(default)]
    pub limit: Option<usize>,
}

/// `hb cycle [--only M]... [--dry-run]`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CycleArgs {
    /// Run exactly these modules, due or not (default: the modules that are due, as the
    /// timer runs them).
    #[serde(default)]
    pub modules: Option<Vec<Choice<Module>>>,
    /// Compute and report, write nothing (not even the run log), remediate nothing.
    #[serde(default)]
    pub dry_run: bool,
}

/// `hb checks run NAME...` (recorded, never remediating).
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChecksArgs {
    /// The checks to run, by name (default: every enabled check). `list_checks` lists them.
    #[serde(default)]
    pub names: Option<Vec<String>>,
}

/// `hb alerts ack ID...`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AckArgs {
    /// The notifications to acknowledge, by id (all or none: an unknown id acknowledges
    /// none). `list_alerts` lists them.
    #[schemars(length(min = 1))]
    pub ids: Vec<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_take_the_cli_names_in_any_case_and_list_them_when_wrong() {
        let args: ListPropertiesArgs =
            serde_json::from_str(r#"{"health":"STALE","stage":"waiting_for_contracts"}"#)
                .expect("parses");
        assert_eq!(chosen(args.health), Some(Health::Stale));
        assert_eq!(chosen(args.stage), Some(Stage::WaitingForContracts));
        let err = serde_json::from_str::<ListPropertiesArgs>(r#"{"health":"sick"}"#)
            .expect_err("not a health");
        assert!(
            err.to_string()
                .starts_with(r#""sick" is not one of healthy, stale, snoozed, blocked"#),
            "{err}"
        );
        let err = serde_json::from_str::<ListPropertiesArgs>(r#"{"colour":"red"}"#)
            .expect_err("not an argument");
        assert!(err.to_string().contains("unknown field `colour`"), "{err}");
    }

    #[test]
    fn the_schema_lists_a_choices_names() {
        let schema = schemars::schema_for!(AlertsArgs);
        let value = serde_json::to_value(&schema).expect("serializes");
        let priority = &value["properties"]["priority"];
        let listed = serde_json::to_string(priority).expect("serializes");
        assert!(
            listed.contains(r#"["low","medium","high","critical""#),
            "{listed}"
        );
        assert_eq!(value["additionalProperties"], false);
    }
}
