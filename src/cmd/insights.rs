//! `hb insights`: what needs attention now. Reads only.

use std::collections::BTreeMap;

use anyhow::Result;
use comfy_table::Cell;
use serde::Serialize;

use super::Ctx;
use crate::cli::InsightsArgs;
use crate::exit;
use crate::insights::{self, Finding};
use crate::output;

#[derive(Debug, Serialize)]
struct InsightsOut {
    generated_at: String,
    /// Every finding, whatever the limit.
    total: i64,
    counts: BTreeMap<&'static str, i64>,
    /// The most urgent findings, at most `--limit` (0: all).
    findings: Vec<FindingOut>,
}

#[derive(Debug, Serialize)]
struct FindingOut {
    #[serde(flatten)]
    finding: Finding,
    since: Option<String>,
}

pub fn run(ctx: &mut Ctx, args: InsightsArgs) -> Result<u8> {
    let store = ctx.read_store()?;
    let config = &ctx.config()?.config;
    let (cfg, stale) = (config.insights.clone(), config.property.stale_days);
    let now = ctx.clock.now_ts();
    let limit = crate::cli::row_limit(args.limit);
    if args.print_sql {
        for statement in insights::scan_sql(&store, &cfg, &stale, now)? {
            output::print(statement)?;
        }
        return Ok(exit::OK);
    }

    let counts = insights::counts(&store, &cfg, &stale, now)?;
    // The top `limit` overall are among the top `limit` of each kind.
    let mut findings = Vec::new();
    insights::scan(&store, &cfg, &stale, now, limit, |f| {
        findings.push(f);
        Ok(())
    })?;
    findings.sort_by(|a, b| {
        b.priority
            .cmp(&a.priority)
            .then(
                a.since
                    .unwrap_or(i64::MIN)
                    .cmp(&b.since.unwrap_or(i64::MIN)),
            )
            .then(a.property_id.cmp(&b.property_id))
    });
    if let Some(limit) = limit {
        findings.truncate(limit);
    }
    let out = InsightsOut {
        generated_at: crate::clock::format_ts(now),
        total: counts.iter().map(|(_, n)| n).sum(),
        counts: counts.iter().map(|(k, n)| (k.as_str(), *n)).collect(),
        findings: findings
            .into_iter()
            .map(|finding| FindingOut {
                since: output::ts(finding.since),
                finding,
            })
            .collect(),
    };

    if ctx.out.json {
        output::print_json(&out)?;
        return Ok(exit::OK);
    }
    if ctx.out.quiet {
        return Ok(exit::OK);
    }
    if out.total == 0 {
        output::print("nothing needs attention: no stale, blocked or overdue work")?;
        return Ok(exit::OK);
    }
    let o = ctx.out;
    let mut table = o.table(["Priority", "Kind", "Property", "Finding", "Since"]);
    for f in &out.findings {
        table.add_row(vec![
            o.status_cell(f.finding.priority.as_str()),
            Cell::new(f.finding.kind.as_str()),
            Cell::new(f.finding.property_id),
            Cell::new(&f.finding.subject),
            Cell::new(output::ts_short(f.finding.since)),
        ]);
    }
    output::print(table)?;
    let summary: Vec<String> = counts
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(kind, n)| format!("{n} {}", kind.plural()))
        .collect();
    output::print(format!("{} findings: {}", out.total, summary.join(", ")))?;
    o.note_truncated(out.findings.len(), out.total.max(0) as u64);
    Ok(exit::OK)
}
