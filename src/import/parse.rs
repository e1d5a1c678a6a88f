//! Rows to typed records (pure): each cell typed by its column, errors naming the column.

use std::fmt;

use serde_json::{Map, Value};

use super::record::{
    ContactImport, ContractImport, InteractionImport, PriceImport, PropertyImport, ReminderImport,
    WatchlistImport,
};
use super::{ColumnError, Field, ImportKind, Record};
use crate::clock;
use crate::pipeline::ContractStatus;
use crate::recurrence::Recurrence;

/// The record a row of `kind` describes.
pub fn record(kind: ImportKind, row: &dyn Row) -> Result<Record, ColumnError> {
    Ok(match kind {
        ImportKind::Properties => Record::Property(parse_property(row)?),
        ImportKind::Contracts => Record::Contract(parse_contract(row)?),
        ImportKind::Contacts => Record::Contact(parse_contact(row)?),
        ImportKind::Interactions => Record::Interaction(parse_interaction(row)?),
        ImportKind::Watchlists => Record::Watchlist(parse_watchlist(row)?),
        ImportKind::Reminders => Record::Reminder(parse_reminder(row)?),
        ImportKind::Prices => Record::Price(parse_price(row)?),
    })
}

pub(super) fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A cell as the file holds it.
#[derive(Debug, Clone, Copy)]
pub(super) enum Cell<'a> {
    /// An empty CSV cell, an empty string or `null`.
    Empty,
    Text(&'a str),
    /// A JSON number, boolean, array or object.
    Json(&'a Value),
}

/// One data row: its cells by column name, `None` for a column the row does not have.
pub(super) trait Row {
    fn cell(&self, column: &str) -> Option<Cell<'_>>;
}

pub(super) struct CsvRow<'a> {
    pub headers: &'a [String],
    pub record: &'a csv::StringRecord,
}

impl Row for CsvRow<'_> {
    fn cell(&self, column: &str) -> Option<Cell<'_>> {
        let index = self.headers.iter().position(|h| h == column)?;
        Some(match self.record.get(index).map(str::trim) {
            None | Some("") => Cell::Empty,
            Some(text) => Cell::Text(text),
        })
    }
}

impl Row for Map<String, Value> {
    fn cell(&self, column: &str) -> Option<Cell<'_>> {
        Some(match self.get(column)? {
            Value::Null => Cell::Empty,
            Value::String(s) if s.trim().is_empty() => Cell::Empty,
            Value::String(s) => Cell::Text(s.trim()),
            other => Cell::Json(other),
        })
    }
}

/// A column as a `Field`: absent keeps, empty clears, else `parse` decides.
fn field<T>(
    row: &dyn Row,
    column: &str,
    parse: impl FnOnce(Cell<'_>) -> Result<T, String>,
) -> Result<Field<T>, ColumnError> {
    match row.cell(column) {
        None => Ok(Field::Keep),
        Some(Cell::Empty) => Ok(Field::Clear),
        Some(cell) => parse(cell)
            .map(Field::Set)
            .map_err(|reason| ColumnError::new(column, reason)),
    }
}

fn text(row: &dyn Row, column: &str) -> Result<Field<String>, ColumnError> {
    field(row, column, |cell| match cell {
        Cell::Text(s) => Ok(s.to_string()),
        // A zip code or reference written as a JSON number is still text.
        Cell::Json(Value::Number(n)) => Ok(n.to_string()),
        Cell::Json(v) => Err(format!("expected text, found {}", describe(v))),
        Cell::Empty => Err("empty".into()),
    })
}

fn whole(f: f64) -> Option<i64> {
    (f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15).then_some(f as i64)
}

fn int(row: &dyn Row, column: &str) -> Result<Field<i64>, ColumnError> {
    field(row, column, |cell| match cell {
        Cell::Text(s) => s
            .parse::<i64>()
            .ok()
            .or_else(|| s.parse::<f64>().ok().and_then(whole))
            .ok_or_else(|| format!("{s:?} is not a whole number")),
        Cell::Json(Value::Number(n)) => n
            .as_i64()
            .or_else(|| n.as_f64().and_then(whole))
            .ok_or_else(|| format!("{n} is not a whole number")),
        Cell::Json(v) => Err(format!("expected a whole number, found {}", describe(v))),
        Cell::Empty => Err("empty".into()),
    })
}

fn real(row: &dyn Row, column: &str) -> Result<Field<f64>, ColumnError> {
    field(row, column, |cell| match cell {
        Cell::Text(s) => s
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .ok_or_else(|| format!("{s:?} is not a number")),
        Cell::Json(Value::Number(n)) => n
            .as_f64()
            .filter(|f| f.is_finite())
            .ok_or_else(|| format!("{n} is not a number")),
        Cell::Json(v) => Err(format!("expected a number, found {}", describe(v))),
        Cell::Empty => Err("empty".into()),
    })
}

/// A time: RFC 3339 or `YYYY-MM-DD` (UTC midnight), as unix seconds.
fn time(row: &dyn Row, column: &str) -> Result<Field<i64>, ColumnError> {
    field(row, column, |cell| match cell {
        Cell::Text(s) => clock::parse_time(s).map(|t| t.timestamp()).map_err(|_| {
            format!(
                "{s:?} is not a time: expected RFC 3339 (2026-11-25T08:00:00Z) \
                     or a date (2026-11-25)"
            )
        }),
        Cell::Json(v) => Err(format!(
            "expected a time as a string such as \"2026-11-25\", found {}",
            describe(v)
        )),
        Cell::Empty => Err("empty".into()),
    })
}

fn at_least<T: PartialOrd + fmt::Display>(
    value: Field<T>,
    column: &str,
    min: T,
) -> Result<Field<T>, ColumnError> {
    match &value {
        Field::Set(v) if *v < min => Err(ColumnError::new(
            column,
            format!("{v} is below the minimum of {min}"),
        )),
        _ => Ok(value),
    }
}

/// A row id: a positive whole number; absent or empty means "no id" (a new row).
fn id(row: &dyn Row, column: &str) -> Result<Option<i64>, ColumnError> {
    match int(row, column)? {
        Field::Set(n) if n <= 0 => Err(ColumnError::new(
            column,
            format!("{n} is not an id: ids are positive whole numbers"),
        )),
        Field::Set(n) => Ok(Some(n)),
        Field::Keep | Field::Clear => Ok(None),
    }
}

/// A reference to another row (`property_id`): a positive whole number, or empty.
fn reference(row: &dyn Row, column: &str) -> Result<Field<i64>, ColumnError> {
    match int(row, column)? {
        Field::Set(n) if n <= 0 => Err(ColumnError::new(
            column,
            format!("{n} is not an id: ids are positive whole numbers"),
        )),
        other => Ok(other),
    }
}

/// A column the store cannot leave empty: absent keeps it, empty is an error.
fn not_empty<T>(value: Field<T>, column: &str) -> Result<Option<T>, ColumnError> {
    match value {
        Field::Keep => Ok(None),
        Field::Clear => Err(ColumnError::new(column, "must not be empty")),
        Field::Set(v) => Ok(Some(v)),
    }
}

/// A column every row of its kind needs.
fn needed<T>(value: Field<T>, column: &str) -> Result<T, ColumnError> {
    match value {
        Field::Set(v) => Ok(v),
        Field::Keep => Err(ColumnError::new(column, "missing: every row needs it")),
        Field::Clear => Err(ColumnError::new(column, "must not be empty")),
    }
}

fn parse_property(row: &dyn Row) -> Result<PropertyImport, ColumnError> {
    Ok(PropertyImport {
        id: id(row, "id")?,
        external_ref: text(row, "external_ref")?,
        address: not_empty(text(row, "address")?, "address")?,
        city: text(row, "city")?,
        state: text(row, "state")?,
        zip: text(row, "zip")?,
        kind: text(row, "kind")?,
        list_price: at_least(real(row, "list_price")?, "list_price", 0.0)?,
        beds: at_least(int(row, "beds")?, "beds", 0)?,
        baths: at_least(real(row, "baths")?, "baths", 0.0)?,
        sqft: at_least(int(row, "sqft")?, "sqft", 0)?,
        score: score(row, "score")?,
        // Empty means the default: now for a new property, unchanged otherwise.
        created_at: time(row, "created_at")?.value().copied(),
        enriched_at: time(row, "enriched_at")?,
        skip_traced_at: time(row, "skip_traced_at")?,
        blocked_reason: text(row, "blocked_reason")?,
        last_action_at: time(row, "last_action_at")?,
        snoozed_until: time(row, "snoozed_until")?,
        snooze_reason: text(row, "snooze_reason")?,
    })
}

fn score(row: &dyn Row, column: &str) -> Result<Field<f64>, ColumnError> {
    let value = at_least(real(row, column)?, column, 0.0)?;
    match value {
        Field::Set(v) if v > 100.0 => Err(ColumnError::new(
            column,
            format!("{v} is above the maximum of 100"),
        )),
        _ => Ok(value),
    }
}

fn parse_contract(row: &dyn Row) -> Result<ContractImport, ColumnError> {
    let status = field(row, "status", |cell| match cell {
        Cell::Text(s) => ContractStatus::parse(&s.to_ascii_lowercase()).ok_or_else(|| {
            format!("{s:?} is not a status: attached, sent, signed, completed or cancelled")
        }),
        Cell::Json(v) => Err(format!("expected a status, found {}", describe(v))),
        Cell::Empty => Err("empty".into()),
    })?;
    Ok(ContractImport {
        id: id(row, "id")?,
        property_id: not_empty(reference(row, "property_id")?, "property_id")?,
        name: not_empty(text(row, "name")?, "name")?,
        // Empty: inferred from the times.
        status: status.value().copied(),
        // Empty: now for a new contract, unchanged otherwise.
        attached_at: time(row, "attached_at")?.value().copied(),
        sent_at: time(row, "sent_at")?,
        signed_at: time(row, "signed_at")?,
        completed_at: time(row, "completed_at")?,
        cancelled_at: time(row, "cancelled_at")?,
        deadline_at: time(row, "deadline_at")?,
    })
}

fn parse_contact(row: &dyn Row) -> Result<ContactImport, ColumnError> {
    Ok(ContactImport {
        id: id(row, "id")?,
        name: not_empty(text(row, "name")?, "name")?,
        email: text(row, "email")?,
        phone: text(row, "phone")?,
        property_id: reference(row, "property_id")?,
    })
}

fn parse_interaction(row: &dyn Row) -> Result<InteractionImport, ColumnError> {
    Ok(InteractionImport {
        contact_id: needed(reference(row, "contact_id")?, "contact_id")?,
        at: needed(time(row, "at")?, "at")?,
        kind: needed(text(row, "kind")?, "kind")?,
    })
}

fn parse_watchlist(row: &dyn Row) -> Result<WatchlistImport, ColumnError> {
    Ok(WatchlistImport {
        id: id(row, "id")?,
        name: not_empty(text(row, "name")?, "name")?,
        city: text(row, "city")?,
        state: text(row, "state")?,
        zip: text(row, "zip")?,
        kind: text(row, "kind")?,
        max_price: at_least(real(row, "max_price")?, "max_price", 0.0)?,
        min_beds: at_least(int(row, "min_beds")?, "min_beds", 0)?,
        min_score: score(row, "min_score")?,
    })
}

fn parse_reminder(row: &dyn Row) -> Result<ReminderImport, ColumnError> {
    let recurrence = field(row, "recurrence", |cell| match cell {
        Cell::Text(s) => parse_recurrence(s),
        Cell::Json(v) => Err(format!("expected a recurrence, found {}", describe(v))),
        Cell::Empty => Err("empty".into()),
    })?;
    Ok(ReminderImport {
        id: id(row, "id")?,
        title: not_empty(text(row, "title")?, "title")?,
        due_at: not_empty(time(row, "due_at")?, "due_at")?,
        property_id: reference(row, "property_id")?,
        recurrence,
    })
}

/// A recurrence as the cycle reads it, stored in its canonical form (`Every 3D` -> `every 3d`).
fn parse_recurrence(s: &str) -> Result<String, String> {
    Recurrence::parse(s)
        .map(|r| r.to_string())
        .map_err(|e| format!("{e:#}"))
}

fn parse_price(row: &dyn Row) -> Result<PriceImport, ColumnError> {
    Ok(PriceImport {
        property_id: needed(reference(row, "property_id")?, "property_id")?,
        at: needed(time(row, "at")?, "at")?,
        price: needed(at_least(real(row, "price")?, "price", 0.0)?, "price")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json_row(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => panic!("not an object"),
        }
    }

    fn csv_row(header: &str, line: &str) -> (Vec<String>, csv::StringRecord) {
        let data = format!("{header}\n{line}\n");
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(data.as_bytes());
        let headers = reader
            .headers()
            .unwrap()
            .iter()
            .map(str::to_string)
            .collect();
        let record = reader.records().next().unwrap().unwrap();
        (headers, record)
    }

    fn property_from_csv(header: &str, line: &str) -> Result<PropertyImport, ColumnError> {
        let (headers, record) = csv_row(header, line);
        parse_property(&CsvRow {
            headers: &headers,
            record: &record,
        })
    }

    #[test]
    fn csv_property_row_becomes_a_record() {
        let p = property_from_csv(
            "id,address,city,list_price,beds,score,created_at,enriched_at,blocked_reason",
            "7, 12 Oak Ave ,Austin,350000,3,88.5,2026-11-01,2026-11-02T08:00:00Z,",
        )
        .unwrap();
        assert_eq!(p.id, Some(7));
        assert_eq!(p.address.as_deref(), Some("12 Oak Ave"));
        assert_eq!(p.city, Field::Set("Austin".into()));
        assert_eq!(p.list_price, Field::Set(350_000.0));
        assert_eq!(p.beds, Field::Set(3));
        assert_eq!(p.score, Field::Set(88.5));
        assert_eq!(
            p.created_at,
            Some(clock::parse_time("2026-11-01").unwrap().timestamp())
        );
        assert_eq!(
            p.enriched_at,
            Field::Set(
                clock::parse_time("2026-11-02T08:00:00Z")
                    .unwrap()
                    .timestamp()
            )
        );
        // Present but empty: cleared. Absent: kept.
        assert_eq!(p.blocked_reason, Field::Clear);
        assert_eq!(p.skip_traced_at, Field::Keep);
        assert_eq!(p.external_ref, Field::Keep);
    }

    #[test]
    fn bad_cells_name_their_column() {
        let err = property_from_csv("address,list_price", "1 Main St,abc").unwrap_err();
        assert_eq!(err.column, "list_price");
        assert!(err.reason.contains("\"abc\" is not a number"), "{err}");

        let err = property_from_csv("address,enriched_at", "1 Main St,25/11/2026").unwrap_err();
        assert_eq!(err.column, "enriched_at");
        assert!(err.reason.contains("not a time"), "{err}");

        assert_eq!(
            property_from_csv("address,score", "x,101")
                .unwrap_err()
                .column,
            "score"
        );
        assert_eq!(
            property_from_csv("address,beds", "x,-1")
                .unwrap_err()
                .column,
            "beds"
        );
        assert_eq!(
            property_from_csv("id,address", "0,x").unwrap_err().column,
            "id"
        );
        assert_eq!(
            property_from_csv("id,address", "3,").unwrap_err().reason,
            "must not be empty"
        );
    }

    #[test]
    fn whole_numbers_accept_a_zero_fraction() {
        let p = property_from_csv("address,sqft", "x,1200.0").unwrap();
        assert_eq!(p.sqft, Field::Set(1200));
        assert!(property_from_csv("address,sqft", "x,1200.5").is_err());
    }

    #[test]
    fn json_values_are_typed() {
        let row = json_row(serde_json::json!({
            "id": 3, "address": "1 Main St", "zip": 78701, "baths": 2.5,
            "enriched_at": null, "kind": ""
        }));
        let p = parse_property(&row).unwrap();
        assert_eq!(p.zip, Field::Set("78701".into()));
        assert_eq!(p.baths, Field::Set(2.5));
        assert_eq!(p.enriched_at, Field::Clear);
        assert_eq!(p.kind, Field::Clear);

        let row = json_row(serde_json::json!({"address": "x", "enriched_at": 1_800_000_000}));
        assert_eq!(parse_property(&row).unwrap_err().column, "enriched_at");
        let row = json_row(serde_json::json!({"address": "x", "beds": "three"}));
        assert_eq!(parse_property(&row).unwrap_err().column, "beds");
        let row = json_row(serde_json::json!({"address": ["x"]}));
        assert!(parse_property(&row)
            .unwrap_err()
            .reason
            .contains("found an array"));
    }

    #[test]
    fn contract_status_and_times() {
        let row = json_row(serde_json::json!({
            "property_id": 4, "name": "Purchase", "status": "Signed", "signed_at": "2026-11-20"
        }));
        let c = parse_contract(&row).unwrap();
        assert_eq!(c.status, Some(ContractStatus::Signed));
        assert_eq!(c.property_id, Some(4));
        let row = json_row(serde_json::json!({"property_id": 4, "name": "P", "status": "done"}));
        let err = parse_contract(&row).unwrap_err();
        assert_eq!(err.column, "status");
        assert!(err.reason.contains("attached, sent"), "{err}");
    }

    #[test]
    fn keyless_kinds_need_every_column() {
        let row = json_row(serde_json::json!({"contact_id": 1, "kind": "call"}));
        assert_eq!(parse_interaction(&row).unwrap_err().column, "at");
        let row = json_row(serde_json::json!({"property_id": 1, "at": "2026-11-01", "price": ""}));
        assert_eq!(
            parse_price(&row).unwrap_err().reason,
            "must not be empty".to_string()
        );
    }

    #[test]
    fn recurrences() {
        assert_eq!(parse_recurrence("Weekly").unwrap(), "weekly");
        assert_eq!(parse_recurrence(" every 3d ").unwrap(), "every 3d");
        assert_eq!(parse_recurrence("Every 14D").unwrap(), "every 14d");
        assert!(parse_recurrence("every 0d").is_err());
        assert!(parse_recurrence("every week").is_err());
        assert!(parse_recurrence("fortnightly").is_err());
    }
}
