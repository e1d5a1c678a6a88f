//! The health checks of the protocol.
//!
//! - `spec`: a `[[check]]` table as written, resolved into a typed `Check`;
//! - `model`: checks, their types' own structs, and what a run records;
//! - `judge`: the pure judgement of an observation (conditions, severity, messages);
//! - `runner`: which checks are due, the thread pool, the watchdog and remediation;
//! - one file per check type, each implementing `runner::Observe` for its struct;
//!   `postgres` connects to PostgreSQL (sql, rls, the runlog), `json` holds JSON
//!   conditions over many values;
//! - `lint` (`hb checks validate`), `doc` (`hb checks doc`), `state` (streaks);
//! - `manual`: a run by hand (`hb checks run`), recorded but not counted.

pub mod command;
mod cycle;
mod disk;
pub mod doc;
mod file_age;
mod http;
mod integrity;
mod json;
mod judge;
pub mod lint;
pub mod manual;
pub mod model;
pub mod postgres;
mod rls;
mod runner;
mod spec;
mod sql;
mod state;
mod tcp;
mod tls;

pub use judge::{format_number, summary, window_stats, worst, WindowStats};
pub use model::Silenced;
pub use model::{
    display_argv, Check, CheckOutcome, Group, Kind, Metric, Remediation, Severity, Status, Written,
};
pub use runner::{
    due_checks, is_due, run_checks, Actions, ActionsConfig, RemediationStatus, RunContext,
};
pub use spec::{resolve, CheckSpec};
pub use state::{
    decode_history, encode_history, next_states, AlertRules, CheckState, Flap, Incident,
    RecordedResult, Shown, Trigger,
};
