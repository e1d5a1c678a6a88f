//! Exit codes, named in one place, and the typed errors that select them.
//!
//! Anything that is not one of these errors exits with `FAILURE`.

use std::fmt;

pub const OK: u8 = 0;
/// A command failed (unknown id, unreachable file, ...).
pub const FAILURE: u8 = 1;
/// Nagios conventions for `status` and `checks run`.
pub const WARNING: u8 = 1;
pub const CRITICAL: u8 = 2;
pub const UNKNOWN: u8 = 3;
/// BSD sysexits: bad command-line usage.
pub const USAGE: u8 = 64;
/// BSD sysexits: bad input data (an import row, a malformed file).
pub const DATA: u8 = 65;
/// BSD sysexits: temporary failure (another cycle runs, the store is locked).
pub const BUSY: u8 = 75;
/// BSD sysexits: configuration error.
pub const CONFIG: u8 = 78;

/// An error whose kind the operator (or a script) must be able to tell apart.
#[derive(Debug)]
pub enum HbError {
    Usage(String),
    Config(String),
    NotFound(String),
    Data(String),
    Busy(String),
}

impl HbError {
    pub fn exit_code(&self) -> u8 {
        match self {
            HbError::Usage(_) => USAGE,
            HbError::Config(_) => CONFIG,
            HbError::NotFound(_) => FAILURE,
            HbError::Data(_) => DATA,
            HbError::Busy(_) => BUSY,
        }
    }
}

impl fmt::Display for HbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HbError::Usage(m)
            | HbError::Config(m)
            | HbError::NotFound(m)
            | HbError::Data(m)
            | HbError::Busy(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for HbError {}

/// The exit code for an error chain: the first typed error in it decides.
pub fn code_for(err: &anyhow::Error) -> u8 {
    for cause in err.chain() {
        if let Some(hb) = cause.downcast_ref::<HbError>() {
            return hb.exit_code();
        }
        if let Some(sql) = cause.downcast_ref::<rusqlite::Error>() {
            if let Some(code) = sql.sqlite_error_code() {
                if matches!(
                    code,
                    rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                ) {
                    return BUSY;
                }
            }
        }
    }
    FAILURE
}

/// True when the error is a closed stdout (`hb logs | head`): exit quietly. The output
/// module absorbs closed pipes itself (so commands keep their exit code); this is the net
/// for any write that does not go through it.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        let io_kind = cause
            .downcast_ref::<std::io::Error>()
            .map(std::io::Error::kind)
            .or_else(|| {
                cause
                    .downcast_ref::<serde_json::Error>()
                    .and_then(serde_json::Error::io_error_kind)
            });
        io_kind == Some(std::io::ErrorKind::BrokenPipe)
    })
}
