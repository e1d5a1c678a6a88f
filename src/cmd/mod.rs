//! One module per subcommand: gather inputs, call the read model (`view/`) or the domain
//! (writes), hand the result to `output/`. No command builds a document or holds a rule.

use std::path::PathBuf;

use anyhow::Result;

use crate::cli::{Cli, Command, GlobalArgs};
use crate::clock::Clock;
use crate::config::{self, Loaded};
use crate::output::Output;
use crate::store::Store;

mod alerts;
mod brief;
mod checks;
mod contract;
mod cycle;
mod demo;
mod generate_assets;
mod import;
mod init;
mod insights;
mod logs;
mod mcp;
mod property;
mod schedule;
mod serve;
mod silence;
mod status;

/// What every command gets: the global flags, the clock, the output mode.
pub struct Ctx {
    pub global: GlobalArgs,
    pub clock: Clock,
    pub out: Output,
    loaded: Option<Loaded>,
}

impl Ctx {
    pub fn new(global: GlobalArgs) -> Self {
        let clock = Clock::new(global.now);
        let out = Output::new(global.json, global.color, global.quiet);
        Ctx {
            global,
            clock,
            out,
            loaded: None,
        }
    }

    /// The config, loaded once on first use (commands that need none never read it).
    pub fn config(&mut self) -> Result<&Loaded> {
        if self.loaded.is_none() {
            self.loaded = Some(config::load(self.global.config.as_deref())?);
        }
        Ok(self.loaded.get_or_insert_with(Loaded::default))
    }

    pub fn store_path(&mut self) -> Result<PathBuf> {
        let db = self.global.db.clone();
        self.config()?.store_path(db.as_deref())
    }

    /// The store for commands that write: created and migrated as needed.
    pub fn open_or_create_store(&mut self) -> Result<Store> {
        let path = self.store_path()?;
        Store::open(&path)
    }

    /// The store for commands that write to a store that must exist.
    pub fn write_store(&mut self) -> Result<Store> {
        let path = self.store_path()?;
        Store::open_existing(&path)
    }

    /// The store for commands that only read: it must exist, and write access is not
    /// needed (another user, a read-only mount).
    pub fn read_store(&mut self) -> Result<Store> {
        let path = self.store_path()?;
        Store::open_read_only(&path)
    }

    /// The store for commands that only read and have an answer without one (nothing has
    /// run yet): None when there is none. Never creates it.
    pub fn read_store_if_any(&mut self) -> Result<Option<Store>> {
        let path = self.store_path()?;
        if !path.exists() {
            return Ok(None);
        }
        Store::open_read_only(&path).map(Some)
    }
}

/// Run the parsed command; the result is the process exit code.
pub fn run(cli: Cli) -> Result<u8> {
    let mut ctx = Ctx::new(cli.global);
    match cli.command {
        Command::Property(args) => property::run(&mut ctx, args),
        Command::Contract(args) => contract::run(&mut ctx, args),
        Command::Import(args) => import::run(&mut ctx, args),
        Command::Insights(args) => insights::run(&mut ctx, args),
        Command::Init(args) => init::run(&mut ctx, args),
        Command::Demo(args) => demo::run(&mut ctx, args),
        Command::Cycle(args) => cycle::run(&mut ctx, args),
        Command::Status(args) => status::run(&mut ctx, args),
        Command::Logs(args) => logs::run(&mut ctx, args),
        Command::Checks(args) => checks::run(&mut ctx, args),
        Command::Alerts(args) => alerts::run(&mut ctx, args),
        Command::Silence(args) => silence::run(&mut ctx, args),
        Command::Brief => brief::run(&mut ctx),
        Command::Schedule(args) => schedule::run(&mut ctx, args),
        Command::Mcp(args) => mcp::run(&mut ctx, args),
        Command::Serve(args) => serve::run(&mut ctx, args),
        Command::GenerateAssets(args) => generate_assets::run(&mut ctx, args),
    }
}
