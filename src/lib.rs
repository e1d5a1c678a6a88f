//! hb: the heartbeat of a real-estate deal platform and of the services behind it.
//!
//! The binary (`src/main.rs`) only calls [`main`]. The pure domain modules are public
//! so they can carry doc tests and benchmarks, and so is the read model ([`view`]), the
//! documents every door serves (some before any door prints them); everything else is
//! private to the crate, so the compiler still tells what is dead.

use std::process::ExitCode;

use clap::Parser;

mod alert;
mod assets;
mod brief;
pub mod cadence;
mod checks;
mod cli;
pub mod clock;
mod cmd;
mod config;
mod cycle;
mod deadman;
mod demo;
pub mod duration;
mod error_text;
mod exit;
mod export;
mod import;
mod insights;
mod issue;
mod mcp;
mod notification;
mod output;
pub mod pipeline;
pub mod recurrence;
mod runlog;
#[cfg(unix)]
mod serve;
mod setup;
mod silence;
mod store;
mod timers;
pub mod view;
mod voice;

/// Days in a stage after which a property is stale: part of [`pipeline`]'s interface.
pub use config::StaleDays;
/// The cycle's predictive module, for its pure close-probability rule.
pub use cycle::predictive;

/// The whole program: parse the command line, run the command, map the result to an
/// exit code (`main.rs` only calls this).
pub fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // Help and version go to stdout and succeed; anything else is a usage error.
            let code = if err.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            };
            let _ = err.print();
            return ExitCode::from(code);
        }
    };
    match cmd::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(err) if exit::is_broken_pipe(&err) => ExitCode::from(exit::OK),
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(exit::code_for(&err))
        }
    }
}
