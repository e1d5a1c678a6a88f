//! `hb import KIND FILE|-`: CSV, JSON or NDJSON rows upserted in one transaction.
//!
//! This module reads the file and turns each row into a typed record (pure functions,
//! errors naming the column); the store writes the records. The first bad row aborts
//! the whole file, so an import is all or nothing.

use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader, IsTerminal, Read};
use std::path::Path;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use serde_json::{Map, Value};

use super::Ctx;
use crate::cli::{ImportArgs, ImportFormat, ImportKind};
use crate::clock;
use crate::exit::{self, HbError};
use crate::output;
use crate::pipeline::ContractStatus;
use crate::recurrence::Recurrence;
use crate::store::{
    ColumnError, ContactImport, ContractImport, Field, Importer, InteractionImport, PriceImport,
    PropertyImport, ReminderImport, Upsert, WatchlistImport,
};

/// Files this big (or with this many rows) get a progress bar on a terminal.
const BIG_FILE_BYTES: u64 = 1 << 20;
const BIG_FILE_ROWS: u64 = 10_000;

pub fn run(ctx: &mut Ctx, args: ImportArgs) -> Result<u8> {
    let kind = args.kind;
    let format = format_of(&args.file, args.format)?;
    let input = Input::open(&args.file)?;
    let source = input.name.clone();
    // The header is checked (and JSON parsed) before the store is opened or created.
    let rows = Rows::read(input, format, kind)?;

    let now = ctx.clock.now_ts();
    let mut store = ctx.store()?;
    let show = !ctx.out.quiet && !ctx.out.json && std::io::stderr().is_terminal();
    let mut progress = Progress::new(show, rows.total());
    let mut summary = Summary::new(kind);
    let result = store.import(now, |importer| {
        rows.for_each(&source, kind, &mut progress, |row| {
            summary.count(import_row(importer, kind, row)?);
            Ok(())
        })
    });
    progress.finish();
    result?;

    if ctx.out.json {
        output::print_json(&summary)?;
    } else if !ctx.out.quiet {
        output::print(&summary)?;
    }
    Ok(exit::OK)
}

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

fn kind_name(kind: ImportKind, count: u64) -> &'static str {
    let (one, many) = match kind {
        ImportKind::Properties => ("property", "properties"),
        ImportKind::Contracts => ("contract", "contracts"),
        ImportKind::Contacts => ("contact", "contacts"),
        ImportKind::Interactions => ("interaction", "interactions"),
        ImportKind::Watchlists => ("watchlist", "watchlists"),
        ImportKind::Reminders => ("reminder", "reminders"),
        ImportKind::Prices => ("price", "prices"),
    };
    if count == 1 {
        one
    } else {
        many
    }
}

fn import_row(importer: &mut Importer<'_>, kind: ImportKind, row: &dyn Row) -> Result<Upsert> {
    match kind {
        ImportKind::Properties => importer.property(&parse_property(row)?),
        ImportKind::Contracts => importer.contract(&parse_contract(row)?),
        ImportKind::Contacts => importer.contact(&parse_contact(row)?),
        ImportKind::Interactions => importer.interaction(&parse_interaction(row)?),
        ImportKind::Watchlists => importer.watchlist(&parse_watchlist(row)?),
        ImportKind::Reminders => importer.reminder(&parse_reminder(row)?),
        ImportKind::Prices => importer.price(&parse_price(row)?),
    }
}

// ---------------------------------------------------------------------------------------
// The summary

#[derive(Debug, Serialize)]
struct Summary {
    kind: &'static str,
    total: u64,
    new: u64,
    updated: u64,
    /// Rows already stored as given (duplicate interactions, same prices, id-only rows).
    unchanged: u64,
    #[serde(skip)]
    import_kind: ImportKind,
}

impl Summary {
    fn new(kind: ImportKind) -> Self {
        Summary {
            kind: kind_name(kind, 2),
            total: 0,
            new: 0,
            updated: 0,
            unchanged: 0,
            import_kind: kind,
        }
    }

    fn count(&mut self, outcome: Upsert) {
        self.total += 1;
        match outcome {
            Upsert::New => self.new += 1,
            Upsert::Updated => self.updated += 1,
            Upsert::Unchanged => self.unchanged += 1,
        }
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "imported {} {}: {} new, {} updated",
            self.total,
            kind_name(self.import_kind, self.total),
            self.new,
            self.updated
        )?;
        if self.unchanged > 0 {
            write!(f, ", {} unchanged", self.unchanged)?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// Reading the file

fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

fn format_of(path: &Path, given: Option<ImportFormat>) -> Result<ImportFormat> {
    if let Some(format) = given {
        return Ok(format);
    }
    if is_stdin(path) {
        return Ok(ImportFormat::Csv);
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("csv") => Ok(ImportFormat::Csv),
        Some("json") => Ok(ImportFormat::Json),
        Some("ndjson" | "jsonl") => Ok(ImportFormat::Ndjson),
        _ => Err(HbError::Usage(format!(
            "cannot tell the format of {} from its name (.csv, .json, .ndjson, .jsonl): \
             pass --format csv, json or ndjson",
            path.display()
        ))
        .into()),
    }
}

struct Input {
    /// How errors name the input: the path, or `stdin`.
    name: String,
    reader: Box<dyn Read>,
    /// Bytes, when known (a regular file).
    size: Option<u64>,
}

impl Input {
    fn open(path: &Path) -> Result<Input> {
        if is_stdin(path) {
            return Ok(Input {
                name: "stdin".into(),
                reader: Box::new(std::io::stdin().lock()),
                size: None,
            });
        }
        let file = File::open(path).map_err(|err| -> anyhow::Error {
            if err.kind() == std::io::ErrorKind::NotFound {
                HbError::NotFound(format!("no file {} to import", path.display())).into()
            } else {
                anyhow::Error::new(err).context(format!("could not open {}", path.display()))
            }
        })?;
        let meta = file
            .metadata()
            .with_context(|| format!("could not read {}", path.display()))?;
        if meta.is_dir() {
            return Err(HbError::NotFound(format!(
                "{} is a directory, not a file to import",
                path.display()
            ))
            .into());
        }
        Ok(Input {
            name: path.display().to_string(),
            reader: Box::new(file),
            // Pipes and devices report 0.
            size: meta.is_file().then_some(meta.len()).filter(|&n| n > 0),
        })
    }
}

/// Where a row is: its number among the data rows (1-based), and its line when known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pos {
    row: u64,
    line: Option<u64>,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "row {}", self.row)?;
        if let Some(line) = self.line {
            write!(f, " (line {line})")?;
        }
        Ok(())
    }
}

fn data_error(message: String) -> anyhow::Error {
    HbError::Data(format!("{message}; nothing was imported")).into()
}

/// A row's error with the file and row named, typed by what went wrong.
fn at_row(err: anyhow::Error, source: &str, pos: Pos) -> anyhow::Error {
    if let Some(col) = err.downcast_ref::<ColumnError>() {
        return data_error(format!(
            "{source}: {pos}, column {}: {}",
            col.column, col.reason
        ));
    }
    // A UNIQUE or CHECK constraint (an external_ref used twice) is the data's fault too.
    let constraint = err.chain().any(|cause| {
        cause
            .downcast_ref::<rusqlite::Error>()
            .and_then(|e| e.sqlite_error_code())
            == Some(rusqlite::ErrorCode::ConstraintViolation)
    });
    if constraint {
        return data_error(format!("{source}: {pos}: {err:#}"));
    }
    err.context(format!("{source}: {pos}"))
}

/// serde_json's message without its " at line L column C" (we say where ourselves).
fn json_message(err: &serde_json::Error) -> String {
    let text = err.to_string();
    let suffix = format!(" at line {} column {}", err.line(), err.column());
    text.strip_suffix(&suffix).unwrap_or(&text).to_string()
}

fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn unknown_column(name: &str, kind: ImportKind) -> ColumnError {
    ColumnError::new(
        name,
        format!(
            "unknown column; {} have {}",
            kind_name(kind, 2),
            columns(kind).join(", ")
        ),
    )
}

/// The header of a CSV file: known columns, each once, and the required ones present.
fn check_header(headers: &[String], kind: ImportKind) -> Result<(), ColumnError> {
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
            format!("missing: every {} needs it", kind_name(kind, 1)),
        )),
        None => Ok(()),
    }
}

fn check_keys(map: &Map<String, Value>, kind: ImportKind) -> Result<(), ColumnError> {
    match map.keys().find(|k| !columns(kind).contains(&k.as_str())) {
        Some(key) => Err(unknown_column(key, kind)),
        None => Ok(()),
    }
}

/// How much of the input there is, for the progress bar.
#[derive(Debug, Clone, Copy)]
enum Total {
    Bytes(u64),
    Rows(u64),
    Unknown,
}

enum Rows {
    Csv {
        reader: csv::Reader<Box<dyn Read>>,
        headers: Vec<String>,
        size: Option<u64>,
    },
    /// A JSON array is parsed whole: serde_json cannot stream its elements.
    Json(Vec<Value>),
    Ndjson {
        reader: BufReader<Box<dyn Read>>,
        size: Option<u64>,
    },
}

impl Rows {
    fn read(input: Input, format: ImportFormat, kind: ImportKind) -> Result<Rows> {
        let source = input.name;
        match format {
            ImportFormat::Csv => {
                let mut reader = csv::ReaderBuilder::new()
                    .trim(csv::Trim::All)
                    .from_reader(input.reader);
                let headers: Vec<String> = reader
                    .headers()
                    .map_err(|e| csv_error(&source, e))?
                    .iter()
                    .map(str::to_string)
                    .collect();
                if headers.is_empty() {
                    return Err(data_error(format!(
                        "{source} is empty: no header row (a CSV file starts with \
                         one naming its columns: {})",
                        columns(kind).join(",")
                    )));
                }
                check_header(&headers, kind).map_err(|e| {
                    data_error(format!(
                        "{source}: line 1 (the header), column {}: {}",
                        e.column, e.reason
                    ))
                })?;
                Ok(Rows::Csv {
                    reader,
                    headers,
                    size: input.size,
                })
            }
            ImportFormat::Json => {
                let mut text = String::new();
                let mut reader = input.reader;
                reader.read_to_string(&mut text).map_err(|e| {
                    if e.kind() == std::io::ErrorKind::InvalidData {
                        data_error(format!("{source}: not UTF-8 text"))
                    } else {
                        anyhow::Error::new(e).context(format!("could not read {source}"))
                    }
                })?;
                if text.trim().is_empty() {
                    return Err(data_error(format!(
                        "{source} is empty: no JSON array (a JSON file holds one \
                         array of objects; `[]` for none)"
                    )));
                }
                let value: Value = serde_json::from_str(&text).map_err(|e| {
                    let hint = if text.trim_start().starts_with('{') {
                        " (a JSON file holds one array of objects; for one object per line \
                         pass --format ndjson)"
                    } else {
                        ""
                    };
                    data_error(format!(
                        "{source}: line {}, column {}: invalid JSON: {}{hint}",
                        e.line(),
                        e.column(),
                        json_message(&e)
                    ))
                })?;
                match value {
                    Value::Array(items) => Ok(Rows::Json(items)),
                    other => Err(data_error(format!(
                        "{source}: expected a JSON array of objects, found {}",
                        describe(&other)
                    ))),
                }
            }
            ImportFormat::Ndjson => Ok(Rows::Ndjson {
                reader: BufReader::with_capacity(1 << 16, input.reader),
                size: input.size,
            }),
        }
    }

    fn total(&self) -> Total {
        match self {
            Rows::Csv { size, .. } | Rows::Ndjson { size, .. } => {
                size.map_or(Total::Unknown, Total::Bytes)
            }
            Rows::Json(items) => Total::Rows(items.len() as u64),
        }
    }

    /// Call `f` with every data row; any error names the file and row.
    fn for_each(
        self,
        source: &str,
        kind: ImportKind,
        progress: &mut Progress,
        mut f: impl FnMut(&dyn Row) -> Result<()>,
    ) -> Result<()> {
        match self {
            Rows::Csv {
                mut reader,
                headers,
                ..
            } => {
                let mut record = csv::StringRecord::new();
                let mut row = 0;
                while reader
                    .read_record(&mut record)
                    .map_err(|e| csv_error(source, e))?
                {
                    row += 1;
                    let pos = Pos {
                        row,
                        line: record.position().map(|p| p.line()),
                    };
                    let cells = CsvRow {
                        headers: &headers,
                        record: &record,
                    };
                    f(&cells).map_err(|e| at_row(e, source, pos))?;
                    progress.at(row, reader.position().byte());
                }
            }
            Rows::Json(items) => {
                for (i, item) in items.iter().enumerate() {
                    let pos = Pos {
                        row: i as u64 + 1,
                        line: None,
                    };
                    let Value::Object(map) = item else {
                        return Err(data_error(format!(
                            "{source}: {pos}: expected an object, found {}",
                            describe(item)
                        )));
                    };
                    check_keys(map, kind)
                        .map_err(anyhow::Error::from)
                        .and_then(|()| f(map))
                        .map_err(|e| at_row(e, source, pos))?;
                    progress.at(pos.row, pos.row);
                }
            }
            Rows::Ndjson { mut reader, .. } => {
                let mut text = String::new();
                let (mut line, mut row, mut bytes) = (0, 0, 0);
                loop {
                    text.clear();
                    let n = reader.read_line(&mut text).map_err(|e| {
                        if e.kind() == std::io::ErrorKind::InvalidData {
                            data_error(format!("{source}: line {}: not UTF-8 text", line + 1))
                        } else {
                            anyhow::Error::new(e).context(format!("could not read {source}"))
                        }
                    })?;
                    if n == 0 {
                        break;
                    }
                    line += 1;
                    bytes += n as u64;
                    if text.trim().is_empty() {
                        continue;
                    }
                    row += 1;
                    let pos = Pos {
                        row,
                        line: Some(line),
                    };
                    let value: Value = serde_json::from_str(&text).map_err(|e| {
                        data_error(format!(
                            "{source}: {pos}, column {}: invalid JSON: {}",
                            e.column(),
                            json_message(&e)
                        ))
                    })?;
                    let Value::Object(map) = &value else {
                        return Err(data_error(format!(
                            "{source}: {pos}: expected an object, found {}",
                            describe(&value)
                        )));
                    };
                    check_keys(map, kind)
                        .map_err(anyhow::Error::from)
                        .and_then(|()| f(map))
                        .map_err(|e| at_row(e, source, pos))?;
                    progress.at(row, bytes);
                }
                if row == 0 {
                    return Err(data_error(format!(
                        "{source} is empty: no rows (NDJSON holds one object per line)"
                    )));
                }
            }
        }
        Ok(())
    }
}

fn csv_error(source: &str, err: csv::Error) -> anyhow::Error {
    // The header is record 0, so a record's index is its data row number.
    let at = match err.position() {
        Some(p) if p.record() > 0 => format!(
            " {}:",
            Pos {
                row: p.record(),
                line: Some(p.line())
            }
        ),
        Some(p) => format!(" line {}:", p.line()),
        None => String::new(),
    };
    match err.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => data_error(format!(
            "{source}:{at} malformed CSV: {len} field{} where the header has {expected_len}",
            if *len == 1 { "" } else { "s" }
        )),
        csv::ErrorKind::Utf8 { .. } => {
            data_error(format!("{source}:{at} malformed CSV: not UTF-8 text"))
        }
        _ if err.is_io_error() => {
            anyhow::Error::new(err).context(format!("could not read {source}"))
        }
        _ => data_error(format!("{source}:{at} malformed CSV: {err}")),
    }
}

/// A progress bar on stderr for big inputs, only on a terminal (decided by the caller).
struct Progress {
    show: bool,
    total: Total,
    bar: Option<ProgressBar>,
}

impl Progress {
    fn new(show: bool, total: Total) -> Self {
        let bar = match total {
            Total::Bytes(n) if show && n > BIG_FILE_BYTES => Some(bar(n, "{bytes}/{total_bytes}")),
            Total::Rows(n) if show && n > BIG_FILE_ROWS => Some(bar(n, "{pos}/{len} rows")),
            _ => None,
        };
        Progress { show, total, bar }
    }

    /// Rows done so far, and the byte offset (or row count) the bar measures.
    fn at(&mut self, rows: u64, position: u64) {
        // Updating every row would cost more than the bar is worth.
        if !rows.is_multiple_of(256) {
            return;
        }
        if self.bar.is_none() && self.show && rows >= BIG_FILE_ROWS {
            if let Total::Unknown = self.total {
                // Standard input: no size, so a counter once the input turns out big.
                let spinner = ProgressBar::new_spinner().with_style(
                    ProgressStyle::with_template(
                        "{spinner} importing: {human_pos} rows ({elapsed})",
                    )
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                );
                spinner.set_draw_target(indicatif::ProgressDrawTarget::stderr());
                self.bar = Some(spinner);
            }
        }
        if let Some(bar) = &self.bar {
            match self.total {
                Total::Unknown => bar.set_position(rows),
                Total::Bytes(_) | Total::Rows(_) => bar.set_position(position),
            }
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn bar(len: u64, counter: &str) -> ProgressBar {
    let template = format!("importing [{{bar:40}}] {counter} ({{eta}} left)");
    let style = ProgressStyle::with_template(&template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
    ProgressBar::with_draw_target(Some(len), indicatif::ProgressDrawTarget::stderr())
        .with_style(style)
}

// ---------------------------------------------------------------------------------------
// Rows to typed records (pure)

/// A cell as the file holds it.
#[derive(Debug, Clone, Copy)]
enum Cell<'a> {
    /// An empty CSV cell, an empty string or `null`.
    Empty,
    Text(&'a str),
    /// A JSON number, boolean, array or object.
    Json(&'a Value),
}

/// One data row: its cells by column name, `None` for a column the row does not have.
trait Row {
    fn cell(&self, column: &str) -> Option<Cell<'_>>;
}

struct CsvRow<'a> {
    headers: &'a [String],
    record: &'a csv::StringRecord,
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

    #[test]
    fn formats_from_names() {
        let f = |name: &str| format_of(Path::new(name), None).ok();
        assert_eq!(f("a.csv"), Some(ImportFormat::Csv));
        assert_eq!(f("a.JSON"), Some(ImportFormat::Json));
        assert_eq!(f("a.jsonl"), Some(ImportFormat::Ndjson));
        assert_eq!(f("-"), Some(ImportFormat::Csv));
        assert_eq!(f("a.txt"), None);
        assert_eq!(
            format_of(Path::new("a.txt"), Some(ImportFormat::Ndjson)).ok(),
            Some(ImportFormat::Ndjson)
        );
    }

    #[test]
    fn positions_read_well() {
        assert_eq!(
            Pos {
                row: 3,
                line: Some(4)
            }
            .to_string(),
            "row 3 (line 4)"
        );
        assert_eq!(Pos { row: 3, line: None }.to_string(), "row 3");
    }

    #[test]
    fn summary_line() {
        let mut s = Summary::new(ImportKind::Properties);
        for outcome in [Upsert::New, Upsert::New, Upsert::Updated] {
            s.count(outcome);
        }
        assert_eq!(s.to_string(), "imported 3 properties: 2 new, 1 updated");
        let mut s = Summary::new(ImportKind::Interactions);
        s.count(Upsert::Unchanged);
        assert_eq!(
            s.to_string(),
            "imported 1 interaction: 0 new, 0 updated, 1 unchanged"
        );
    }
}
