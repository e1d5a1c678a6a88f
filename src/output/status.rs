//! `hb status` for people.

use anyhow::Result;
use comfy_table::Cell;

use super::{print, Output, Render};
use crate::view::status::{StatusReport, SystemStatus};

impl Render for StatusReport {
    fn render(&self, out: &Output) -> Result<()> {
        match self {
            StatusReport::Full(status) => render(status, out),
            StatusReport::NoStore(none) => {
                for reason in &none.reasons {
                    print(format!("{}: {reason}", none.status.as_str().to_uppercase()))?;
                }
                Ok(())
            }
        }
    }
}

fn render(status: &SystemStatus, o: &Output) -> Result<()> {
    let verdict = status.status.as_str().to_uppercase();
    let headline = match &status.last_cycle {
        Some(last) => format!(
            "{verdict}: last cycle {} at {} ({}, {} ms){}",
            last.run_id,
            last.started_at,
            last.status,
            last.duration_ms.unwrap_or_default(),
            if last.overdue { ", OVERDUE" } else { "" }
        ),
        None => format!("{verdict}: no cycle has run yet"),
    };
    print(headline)?;
    for reason in &status.reasons {
        print(format!("  - {reason}"))?;
    }
    let mut table = o.table([
        "Module", "Every", "Last run", "Status", "Findings", "Next due",
    ]);
    for m in &status.modules {
        let state = if m.enabled {
            m.last_status.map_or("-", |s| s.as_str())
        } else {
            "disabled"
        };
        table.add_row(vec![
            Cell::new(m.module),
            Cell::new(&m.every),
            Cell::new(m.last_run_at.as_deref().unwrap_or("never")),
            o.status_cell(state),
            Cell::new(
                m.findings
                    .map(|f| f.to_string())
                    .unwrap_or_else(|| "-".into()),
            ),
            Cell::new(m.next_due_at.as_deref().unwrap_or("-")),
        ]);
    }
    print(table)?;
    if let Some(notice) = status.remediation.notice() {
        print(notice)?;
    }
    if !status.checks.is_empty() {
        let mut board = o.table([
            "Check", "Group", "Status", "Since", "Uptime", "Avg ms", "p95 ms",
        ]);
        for c in &status.checks {
            let shown = if c.enabled {
                let flapping = if c.flapping { ", flapping" } else { "" };
                let silenced = if c.silenced.is_some() {
                    " (silenced)"
                } else {
                    ""
                };
                format!(
                    "{}{}{flapping}{silenced}",
                    c.status.map_or("never ran", |s| s.as_str()),
                    c.mark
                )
            } else {
                "disabled".to_string()
            };
            let figure = |v: Option<f64>, suffix: &str| {
                v.map(|v| format!("{v}{suffix}"))
                    .unwrap_or_else(|| "-".into())
            };
            board.add_row(vec![
                Cell::new(&c.name),
                Cell::new(c.group),
                o.status_cell(&shown),
                Cell::new(c.since.as_deref().unwrap_or("-")),
                Cell::new(figure(c.window.uptime_percent, "%")),
                Cell::new(figure(c.window.avg_latency_ms, "")),
                Cell::new(figure(c.window.p95_latency_ms, "")),
            ]);
        }
        print(board)?;
        for c in &status.checks {
            if let Some(note) = &c.note {
                print(format!("  {}: {note}", c.name))?;
            }
        }
    }
    let silences = &status.silences;
    for s in &silences.silences {
        print(format!(
            "silence #{} ({}): {} from {} until {} ({})",
            s.id,
            s.phase.as_str(),
            s.covers,
            s.starts_at,
            s.ends_at,
            s.reason
        ))?;
    }
    for w in silences.windows.iter().filter(|w| w.active) {
        print(format!(
            "{} ({}): {} until {} ({})",
            w.window, w.every, w.covers, w.ends_at, w.reason
        ))?;
    }
    if !silences.held.is_empty() {
        print(format!(
            "held back by silences in the last {}:",
            status.window.window
        ))?;
        for held in &silences.held {
            print(format!("  {}", held.line()))?;
        }
    }
    for m in &status.metrics {
        print(format!(
            "metric {} {} = {}{}",
            m.check,
            m.label,
            m.value,
            m.unit
                .as_deref()
                .map(|u| format!(" {u}"))
                .unwrap_or_default()
        ))?;
    }
    let open: Vec<String> = ["critical", "high", "medium", "low"]
        .iter()
        .filter_map(|p| {
            status
                .open_notifications
                .get(*p)
                .map(|n| format!("{n} {p}"))
        })
        .collect();
    print(format!(
        "open notifications: {}",
        if open.is_empty() {
            "none".to_string()
        } else {
            open.join(", ")
        }
    ))?;
    if let Some(brief) = &status.brief {
        print(format!(
            "daily brief at {} UTC to {}; last sent: {}",
            brief.at,
            brief.route.join(", "),
            match (&brief.last_sent_at, &brief.last_subject) {
                (Some(at), Some(subject)) => format!("{at} ({subject})"),
                _ => "never".to_string(),
            }
        ))?;
    }
    let w = &status.window;
    print(format!(
        "last {}: {} cycles, {} ok, {} failed, {} aborted{}",
        w.window,
        w.cycles,
        w.ok,
        w.failed,
        w.aborted,
        w.completion_rate
            .map(|r| format!(" ({r}% completed)"))
            .unwrap_or_default()
    ))?;
    if !status.top_actions.is_empty() {
        print("top action items:")?;
        for a in &status.top_actions {
            print(format!("  #{} [{}] {}", a.id, a.priority, a.subject))?;
        }
    }
    Ok(())
}
