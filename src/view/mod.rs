//! The read model: one document per question, whichever door asks it.
//!
//! The CLI's `--json`, an assistant's tool result and an HTTP endpoint's body are the same
//! document: each function here reads the store (and the config) at `now` and returns a
//! `#[derive(Serialize)]` struct; none of them prints. Commands render these documents
//! (`src/output.rs` for tables and JSON); errors a door must tell apart stay typed
//! (`HbError::NotFound` for an unknown id, `HbError::Usage` for a filter naming nothing).
//!
//! One file per question:
//! - [`property`]: one property's heartbeat (`hb property ID`) and the portfolio list.
//! - [`insights`]: what needs attention now.
//! - [`status`]: is the heartbeat alive, with the Nagios verdict and its reasons.
//! - [`health`]: that verdict in the IETF health-check format (`GET /health`), readiness
//!   and liveness.
//! - [`logs`]: the run log, and one run in detail.
//! - [`checks`]: the check board, one check over a window, and a manual run's results.
//! - [`alerts`]: notifications, the outbox, and what a delivery did.
//! - [`brief`]: the daily brief (`hb brief`), as the cycle sends it.
//! - [`contracts`]: a property's contracts.
//! - [`schedule`]: the timer entries (`hb schedule`).
//! - [`silences`]: the silences and the config's maintenance windows (`hb silence`).

pub mod alerts;
pub mod brief;
pub mod checks;
pub mod contracts;
pub mod health;
pub mod insights;
pub mod logs;
pub mod property;
pub mod schedule;
pub mod silences;
pub mod status;
