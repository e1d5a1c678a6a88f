//! `hb import KIND FILE|-`: CSV, JSON or NDJSON rows upserted in one transaction.

use std::io::IsTerminal;

use anyhow::Result;

use super::Ctx;
use crate::cli::ImportArgs;
use crate::exit;
use crate::import::{Progress, Rows, Summary};

pub fn run(ctx: &mut Ctx, args: ImportArgs) -> Result<u8> {
    // The header is checked (and JSON parsed) before the store is opened or created.
    let rows = Rows::open(&args.file, args.format, args.kind)?;
    let now = ctx.clock.now_ts();
    let mut store = ctx.open_or_create_store()?;
    let show = !ctx.out.quiet && !ctx.out.json && std::io::stderr().is_terminal();
    let mut progress = Progress::new(show, rows.total());
    let mut summary = Summary::new(args.kind);
    let result = store.import(now, |importer| {
        rows.for_each(&mut progress, |record| {
            summary.count(importer.write(&record)?);
            Ok(())
        })
    });
    progress.finish();
    result?;
    ctx.out.show(&summary)?;
    Ok(exit::OK)
}
