use std::process::ExitCode;

use clap::Parser;

mod alert;
mod assets;
mod cadence;
mod checks;
mod cli;
mod clock;
mod cmd;
mod config;
mod cycle;
mod deadman;
mod demo;
mod duration;
mod exit;
mod export;
mod insights;
mod notification;
mod output;
mod pipeline;
mod recurrence;
mod store;
mod timers;

fn main() -> ExitCode {
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
