//! Reading an import file: CSV with a header row, a JSON array of objects, or NDJSON;
//! every error names the file and the row (and line) at fault.

use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use anyhow::{Context, Result};
use serde_json::Value;

use super::columns::{check_header, check_keys, columns};
use super::parse::{self, describe, CsvRow};
use super::progress::{Progress, Total};
use super::{ColumnError, ImportFormat, ImportKind, Record};

use crate::exit::HbError;

fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

pub fn format_of(path: &Path, given: Option<ImportFormat>) -> Result<ImportFormat> {
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

/// The rows of one input, read as far as its header (or, for JSON, whole): a file that
/// cannot be imported fails here, before the store is opened.
pub struct Rows {
    /// How errors name the input: the path, or `stdin`.
    source: String,
    kind: ImportKind,
    body: Body,
}

enum Body {
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
    /// Open `path` (`-`: standard input) as `format` (None: by its extension) and check
    /// that it can hold rows of `kind`.
    pub fn open(path: &Path, format: Option<ImportFormat>, kind: ImportKind) -> Result<Rows> {
        let format = format_of(path, format)?;
        let input = Input::open(path)?;
        let source = input.name.clone();
        let body = Self::read(input, format, kind)?;
        Ok(Rows { source, kind, body })
    }

    fn read(input: Input, format: ImportFormat, kind: ImportKind) -> Result<Body> {
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
                Ok(Body::Csv {
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
                    Value::Array(items) => Ok(Body::Json(items)),
                    other => Err(data_error(format!(
                        "{source}: expected a JSON array of objects, found {}",
                        describe(&other)
                    ))),
                }
            }
            ImportFormat::Ndjson => Ok(Body::Ndjson {
                reader: BufReader::with_capacity(1 << 16, input.reader),
                size: input.size,
            }),
        }
    }

    /// How much there is to read, for the progress bar.
    pub fn total(&self) -> Total {
        match &self.body {
            Body::Csv { size, .. } | Body::Ndjson { size, .. } => {
                size.map_or(Total::Unknown, Total::Bytes)
            }
            Body::Json(items) => Total::Rows(items.len() as u64),
        }
    }

    /// Call `f` with the record of every data row, in order; any error (the row's own, or
    /// what `f` returns) names the file and row. The first error stops the reading.
    pub fn for_each(
        self,
        progress: &mut Progress,
        mut f: impl FnMut(Record) -> Result<()>,
    ) -> Result<()> {
        let (source, kind) = (self.source.as_str(), self.kind);
        let mut f = |row: &dyn parse::Row| -> Result<()> { f(parse::record(kind, row)?) };
        match self.body {
            Body::Csv {
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
            Body::Json(items) => {
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
            Body::Ndjson { mut reader, .. } => {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
