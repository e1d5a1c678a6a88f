//! The columns each kind of import may have, and the header check.

use serde_json::{Map, Value};

use super::{ColumnError, ImportKind};

/// The columns a file of `kind` may have; anything else is an error.
pub fn columns(kind: ImportKind) -> &'static [&'static str] {
    match kind {
        ImportKind::Properties => &[
            "id",
            "external_ref",
            "address",
            "city",
            "state",
            "zip",
            "kind",
            "list_price",
            "beds",
            "baths",
            "sqft",
            "score",
            "created_at",
            "enriched_at",
            "skip_traced_at",
            "blocked_reason",
            "last_action_at",
            "snoozed_until",
            "snooze_reason",
        ],
        ImportKind::Contracts => &[
            "id",
            "property_id",
            "name",
            "status",
            "attached_at",
            "sent_at",
            "signed_at",
            "completed_at",
            "cancelled_at",
            "deadline_at",
        ],
        ImportKind::Contacts => &["id", "name", "email", "phone", "property_id"],
        ImportKind::Interactions => &["contact_id", "at", "kind"],
        ImportKind::Watchlists => &[
            "id",
            "name",
            "city",
            "state",
            "zip",
            "kind",
            "max_price",
            "min_beds",
            "min_score",
        ],
        ImportKind::Reminders => &["id", "title", "due_at", "property_id", "recurrence"],
        ImportKind::Prices => &["property_id", "at", "price"],
    }
}

/// Columns without which no row of `kind` can be written (kinds with no `id` to update by).
fn required_columns(kind: ImportKind) -> &'static [&'static str] {
    match kind {
        ImportKind::Interactions => &["contact_id", "at", "kind"],
        ImportKind::Prices => &["property_id", "at", "price"],
        _ => &[],
    }
}

fn unknown_column(name: &str, kind: ImportKind) -> ColumnError {
    ColumnError::new(
        name,
        format!(
            "unknown column; {} have {}",
            kind.noun(2),
            columns(kind).join(", ")
        ),
    )
}

/// The header of a CSV file: known columns, each once, and the required ones present.
pub(super) fn check_header(headers: &[String], kind: ImportKind) -> Result<(), ColumnError> {
    for (i, name) in headers.iter().enumerate() {
        if name.is_empty() {
            return Err(ColumnError::new(
                format!("#{}", i + 1),
                "the header names no column here",
            ));
        }
        if !columns(kind).contains(&name.as_str()) {
            return Err(unknown_column(name, kind));
        }
        if headers[..i].contains(name) {
            return Err(ColumnError::new(name, "appears twice in the header"));
        }
    }
    if headers.is_empty() {
        return Ok(());
    }
    match required_columns(kind)
        .iter()
        .find(|c| !headers.iter().any(|h| h == *c))
    {
        Some(missing) => Err(ColumnError::new(
            *missing,
            format!("missing: every {} needs it", kind.noun(1)),
        )),
        None => Ok(()),
    }
}

pub(super) fn check_keys(map: &Map<String, Value>, kind: ImportKind) -> Result<(), ColumnError> {
    match map.keys().find(|k| !columns(kind).contains(&k.as_str())) {
        Some(key) => Err(unknown_column(key, kind)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_checked() {
        let h = |cols: &[&str]| cols.iter().map(|c| c.to_string()).collect::<Vec<_>>();
        assert!(check_header(&h(&["id", "enriched_at"]), ImportKind::Properties).is_ok());
        let err = check_header(&h(&["id", "colour"]), ImportKind::Properties).unwrap_err();
        assert_eq!(err.column, "colour");
        assert!(err.reason.starts_with("unknown column"), "{err}");
        assert!(check_header(&h(&["id", "id"]), ImportKind::Properties).is_err());
        assert_eq!(
            check_header(&h(&["contact_id", "kind"]), ImportKind::Interactions)
                .unwrap_err()
                .column,
            "at"
        );
    }
}
