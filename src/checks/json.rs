//! JSON conditions over many values: `json_path` (RFC 9535 JSONPath, through
//! `serde_json_path`) selects values of an http check's JSON answer, and
//! `json_condition` holds them (`all == "closed"`, `any == "open"`, `none == "open"`,
//! `count > 0`); thresholds, when set, hold each selected value.

use serde_json::Value as Json;
use serde_json_path::JsonPath;

use super::judge::{format_value, judge, Observation, Reading};
use super::model::{CompareOp, JsonCondition, JsonSelection, Quantifier, Status};

/// How many selected values a message names before "... (N more)".
const NAMED: usize = 10;

pub fn parse_path(text: &str) -> Result<JsonPath, String> {
    JsonPath::parse(text).map_err(|e| format!("not a JSONPath ({e}): e.g. \"$.breakers[*].state\""))
}

/// `QUANTIFIER OP LITERAL`: `all`, `any`, `none` or `count`; `==`, `!=`, `<`, `<=`,
/// `>`, `>=`; a JSON literal (a "string", a number, true, false or null).
pub fn parse_condition(text: &str) -> Result<JsonCondition, String> {
    const FORM: &str = "write QUANTIFIER OP VALUE: all == \"closed\", any == \"open\", \
                        none == \"open\", count > 0, all < 100";
    let text = text.trim();
    let split = text
        .find(|c: char| c.is_whitespace() || "=!<>".contains(c))
        .unwrap_or(text.len());
    let (word, rest) = text.split_at(split);
    let quantifier = match word {
        "all" => Quantifier::All,
        "any" => Quantifier::Any,
        "none" => Quantifier::None,
        "count" => Quantifier::Count,
        _ => return Err(format!("{text:?}: {FORM}")),
    };
    let rest = rest.trim_start();
    let (op, operand) = [
        ("==", CompareOp::Eq),
        ("!=", CompareOp::Ne),
        ("<=", CompareOp::Le),
        (">=", CompareOp::Ge),
        ("<", CompareOp::Lt),
        (">", CompareOp::Gt),
    ]
    .into_iter()
    .find_map(|(symbol, op)| rest.strip_prefix(symbol).map(|operand| (op, operand)))
    .ok_or_else(|| format!("{text:?}: {FORM}"))?;
    let operand: Json = serde_json::from_str(operand.trim()).map_err(|_| {
        format!("{text:?}: the value is not a JSON literal (strings in double quotes): {FORM}")
    })?;
    if operand.is_array() || operand.is_object() {
        return Err(format!(
            "{text:?}: compare with a string, number, boolean or null"
        ));
    }
    let ordered = !matches!(op, CompareOp::Eq | CompareOp::Ne);
    if (quantifier == Quantifier::Count || ordered) && !operand.is_number() {
        return Err(format!("{text:?}: {} compares with a number", symbol(op)));
    }
    Ok(JsonCondition {
        quantifier,
        op,
        operand,
    })
}

fn symbol(op: CompareOp) -> &'static str {
    match op {
        CompareOp::Eq => "==",
        CompareOp::Ne => "!=",
        CompareOp::Lt => "<",
        CompareOp::Le => "<=",
        CompareOp::Gt => ">",
        CompareOp::Ge => ">=",
    }
}

impl std::fmt::Display for JsonCondition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let word = match self.quantifier {
            Quantifier::All => "all",
            Quantifier::Any => "any",
            Quantifier::None => "none",
            Quantifier::Count => "count",
        };
        write!(f, "{word} {} {}", symbol(self.op), self.operand)
    }
}

/// `value OP operand`: numbers by value (1 == 1.0), anything else as JSON equality.
fn compare(value: &Json, op: CompareOp, operand: &Json) -> bool {
    if let (Some(a), Some(b)) = (value.as_f64(), operand.as_f64()) {
        return match op {
            CompareOp::Eq => a == b,
            CompareOp::Ne => a != b,
            CompareOp::Lt => a < b,
            CompareOp::Le => a <= b,
            CompareOp::Gt => a > b,
            CompareOp::Ge => a >= b,
        };
    }
    match op {
        CompareOp::Eq => value == operand,
        CompareOp::Ne => value != operand,
        _ => false,
    }
}

/// What a selected value is called in messages: its own `name` (or `id`) when it is an
/// object, else its parent object's, else where it is (`$['breakers'][2]['state']`).
fn name_of(doc: &Json, location: &serde_json_path::NormalizedPath<'_>, value: &Json) -> String {
    let named = |object: &Json| {
        ["name", "id"].iter().find_map(|key| match object.get(key) {
            Some(Json::String(s)) => Some(s.clone()),
            Some(Json::Number(n)) => Some(n.to_string()),
            _ => None,
        })
    };
    if let Some(name) = named(value) {
        return name;
    }
    let elements: Vec<_> = location.iter().collect();
    if let Some((_, parents)) = elements.split_last() {
        let parent = parents.iter().try_fold(doc, |node, element| {
            match (element.as_name(), element.as_index()) {
                (Some(key), _) => node.get(key),
                (None, Some(index)) => node.get(index),
                (None, None) => None,
            }
        });
        if let Some(name) = parent.and_then(named) {
            return name;
        }
    }
    location.to_string()
}

fn shown(value: &Json, unit: Option<&str>) -> String {
    match value.as_f64() {
        Some(n) => format_value(n, unit),
        None => value.to_string(),
    }
}

/// "stripe, bank, ... (3 more)".
fn list(names: &[String]) -> String {
    let mut text = names
        .iter()
        .take(NAMED)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > NAMED {
        text.push_str(&format!(", ... ({} more)", names.len() - NAMED));
    }
    text
}

/// Judge a JSON document by a selection. The message says how many values the path
/// selected and names those that break the condition; the reading is how many values
/// meet the comparison (`count`: how many are selected).
pub fn judge_selection(doc: &Json, selection: &JsonSelection) -> Observation {
    let path = match parse_path(&selection.path) {
        Ok(path) => path,
        Err(message) => return Observation::unknown(message),
    };
    let located = path.query_located(doc);
    let unit = selection.value.unit();
    let label = &selection.value.label;
    let total = located.len();
    let values: Vec<(String, &Json)> = located
        .iter()
        .map(|node| (name_of(doc, node.location(), node.node()), node.node()))
        .collect();
    let mut status = Status::Ok;
    let mut parts = Vec::new();
    let mut meeting = total;
    if let Some(condition) = &selection.condition {
        let meets = |v: &Json| compare(v, condition.op, &condition.operand);
        let matching: Vec<&(String, &Json)> = values.iter().filter(|(_, v)| meets(v)).collect();
        let failing: Vec<String> = values
            .iter()
            .filter(|(_, v)| !meets(v))
            .map(|(name, v)| format!("{name} = {}", shown(v, unit)))
            .collect();
        let matched: Vec<String> = matching.iter().map(|(name, _)| name.clone()).collect();
        let comparison = format!("{} {}", symbol(condition.op), condition.operand);
        meeting = matching.len();
        let (holds, text) = match condition.quantifier {
            Quantifier::All if total == 0 => (
                false,
                format!("{} selects no values, expected {condition}", selection.path),
            ),
            Quantifier::All if failing.is_empty() => (true, format!("all {total} {comparison}")),
            Quantifier::All => (
                false,
                format!(
                    "{} of {total} not {comparison}: {}",
                    failing.len(),
                    list(&failing)
                ),
            ),
            Quantifier::Any if matched.is_empty() => (
                false,
                format!("none of {total} {comparison}, expected {condition}"),
            ),
            Quantifier::Any => (
                true,
                format!(
                    "{} of {total} {comparison} ({})",
                    matched.len(),
                    list(&matched)
                ),
            ),
            Quantifier::None if matched.is_empty() => {
                (true, format!("none of {total} {comparison}"))
            }
            Quantifier::None => (
                false,
                format!(
                    "{} of {total} {comparison}: {}",
                    matched.len(),
                    list(&matched)
                ),
            ),
            Quantifier::Count => {
                meeting = total;
                let holds = compare(&Json::from(total), condition.op, &condition.operand);
                let text = if holds {
                    format!("{total} values (count {comparison})")
                } else {
                    format!("{total} values, expected {condition}")
                };
                (holds, text)
            }
        };
        if !holds {
            status = Status::Critical;
        }
        parts.push(text);
    }
    if !matches!(selection.value.condition, super::model::Condition::None) {
        let mut reasons = Vec::new();
        for (name, value) in &values {
            let (verdict, reason) = judge(&reading(value), &selection.value.condition, unit);
            if verdict != Status::Ok {
                status = status.worse(verdict);
                reasons.push(format!("{name} {} ({reason})", shown(value, unit)));
            }
        }
        if reasons.is_empty() {
            let held = selection.value.condition.held_to(unit).unwrap_or_default();
            parts.push(format!("{total} values within limits ({held})"));
        } else {
            parts.push(format!(
                "{} of {total} out of limits: {}",
                reasons.len(),
                list(&reasons)
            ));
        }
    }
    let mut obs = Observation::ok(format!("{label}: {}", parts.join("; ")))
        .with_reading(Reading::Number(meeting as f64));
    obs.status = status;
    obs.judged = true;
    obs
}

/// A JSON value as a reading (for `expect`, thresholds and messages).
pub fn reading(value: &Json) -> Reading {
    match value {
        Json::Null => Reading::Null,
        Json::Bool(b) => Reading::Bool(*b),
        Json::Number(n) => n.as_f64().map(Reading::Number).unwrap_or(Reading::Null),
        Json::String(s) => Reading::Text(s.clone()),
        other => Reading::Text(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::model::{Condition, Thresholds, Value};

    fn selection(path: &str, condition: &str) -> JsonSelection {
        JsonSelection {
            path: path.into(),
            condition: Some(parse_condition(condition).unwrap()),
            value: Value {
                condition: Condition::None,
                label: "breakers".into(),
                unit: None,
            },
        }
    }

    const DOC: &str = r#"{"breakers": [
        {"name": "stripe", "state": "closed", "failures": 0},
        {"name": "bank", "state": "open", "failures": 12},
        {"name": "xero", "state": "half_open", "failures": 3},
        {"name": "maps", "state": "closed", "failures": 1}
    ], "limiters": {"api": {"remaining": 80}, "search": {"remaining": 2}}}"#;

    fn run(path: &str, condition: &str) -> Observation {
        let doc: Json = serde_json::from_str(DOC).unwrap();
        judge_selection(&doc, &selection(path, condition))
    }

    #[test]
    fn conditions_parse_or_say_how_to_write_them() {
        let c = parse_condition(r#"all == "closed""#).unwrap();
        assert_eq!((c.quantifier, c.op), (Quantifier::All, CompareOp::Eq));
        assert_eq!(c.to_string(), r#"all == "closed""#);
        assert_eq!(parse_condition("count>0").unwrap().op, CompareOp::Gt);
        assert_eq!(
            parse_condition("none <= 2.5").unwrap().operand,
            serde_json::json!(2.5)
        );
        for bad in [
            "every == 1",
            "all ~ 1",
            "all == closed",
            "count > \"x\"",
            "all < \"a\"",
            "all == [1]",
        ] {
            assert!(parse_condition(bad).is_err(), "{bad}");
        }
        assert!(parse_path("$.breakers[*].state").is_ok());
        assert!(parse_path("breakers.state").is_err());
    }

    #[test]
    fn each_quantifier_names_the_values_that_decide() {
        let all = run("$.breakers[*].state", r#"all == "closed""#);
        assert_eq!(all.status, Status::Critical);
        assert_eq!(
            all.message,
            r#"breakers: 2 of 4 not == "closed": bank = "open", xero = "half_open""#
        );
        assert_eq!(all.reading, Some(Reading::Number(2.0)));
        let any = run("$.breakers[*].state", r#"any == "open""#);
        assert_eq!(
            (any.status, any.message.as_str()),
            (Status::Ok, r#"breakers: 1 of 4 == "open" (bank)"#)
        );
        let none = run("$.breakers[*].state", r#"none == "open""#);
        assert_eq!(
            (none.status, none.message.as_str()),
            (Status::Critical, r#"breakers: 1 of 4 == "open": bank"#)
        );
        let count = run("$.breakers[?@.state == 'open']", "count > 0");
        assert_eq!(
            (count.status, count.message.as_str()),
            (Status::Ok, "breakers: 1 values (count > 0)")
        );
        let empty = run("$.missing[*]", r#"all == "closed""#);
        assert_eq!(empty.status, Status::Critical);
        assert!(
            empty.message.contains("selects no values"),
            "{}",
            empty.message
        );
        let numeric = run("$.breakers[*].failures", "all < 10");
        assert_eq!(numeric.message, "breakers: 1 of 4 not < 10: bank = 12");
        // Without a name field, a value is named by its parent's key or its place.
        let limiters = run("$.limiters.*.remaining", "all > 5");
        assert_eq!(
            limiters.message,
            "breakers: 1 of 2 not > 5: $['limiters']['search']['remaining'] = 2"
        );
    }

    #[test]
    fn thresholds_hold_each_selected_value() {
        let doc: Json = serde_json::from_str(DOC).unwrap();
        let mut sel = selection("$.breakers[*].failures", "count > 0");
        sel.value.condition = Condition::Thresholds(Thresholds {
            warn_above: Some(2.0),
            crit_above: Some(10.0),
            ..Thresholds::default()
        });
        let obs = judge_selection(&doc, &sel);
        assert_eq!(obs.status, Status::Critical);
        assert_eq!(
            obs.message,
            "breakers: 4 values (count > 0); 2 of 4 out of limits: bank 12 (critical above 10), xero 3 (warn above 2)"
        );
    }
}
