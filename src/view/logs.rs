//! `hb logs`: the run log, and `hb logs RUN_ID`: one run in detail.

use anyhow::Result;
use serde::Serialize;

use crate::checks::{Group, Silenced, Status};
use crate::clock;
use crate::clock::format_opt;
use crate::config::Config;
use crate::cycle::scan::ScanKind;
use crate::cycle::{Module, ModuleStatus};
use crate::exit::HbError;
use crate::store::{RunFilter, RunRow, RunStatus, Store};

/// One run as the log lists it (one NDJSON line of `hb logs --ndjson`).
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Run {
    pub id: i64,
    pub trigger: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub status: RunStatus,
    pub duration_ms: Option<i64>,
    pub pid: Option<i64>,
    /// What the run wrote about itself (a cycle's report), or null.
    pub summary: serde_json::Value,
}

impl Run {
    /// The summary's one line (`cycle 12 ok in 210 ms: ...`), or "".
    pub fn line(&self) -> &str {
        self.summary
            .get("line")
            .and_then(|l| l.as_str())
            .unwrap_or("")
    }

    /// The warnings the run recorded.
    pub fn warnings(&self) -> impl Iterator<Item = &str> {
        let warnings = self.summary.get("warnings").and_then(|w| w.as_array());
        warnings.into_iter().flatten().filter_map(|w| w.as_str())
    }
}

impl From<RunRow> for Run {
    fn from(run: RunRow) -> Self {
        Run {
            id: run.id,
            trigger: run.trigger,
            started_at: clock::format_ts(run.started_at),
            finished_at: format_opt(run.finished_at),
            status: run.status,
            duration_ms: run.duration_ms,
            pid: run.pid,
            summary: run
                .summary
                .as_deref()
                .and_then(|s| serde_json::from_str(s).ok())
                .unwrap_or(serde_json::Value::Null),
        }
    }
}

/// `hb logs --json`: the runs listed, and how many match.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct RunList {
    /// Runs the filters match, whatever the limit.
    pub total: u64,
    pub runs: Vec<Run>,
}

/// `hb logs RUN_ID --json`: the run, its modules' results and its checks' results.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct RunDetail {
    #[serde(flatten)]
    pub run: Run,
    pub modules: Vec<ModuleResult>,
    pub checks: Vec<CheckResult>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct CheckResult {
    pub name: String,
    pub group: Group,
    pub status: Status,
    pub latency_ms: Option<i64>,
    pub message: String,
    pub value: Option<f64>,
    /// What the remediation commands did, when the check failed and had some.
    pub remediation: Option<serde_json::Value>,
    /// The silence the result fell in and what it held back (null: none).
    pub silenced: Option<SilencedView>,
}

/// What a silence held back in one run of a check.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SilencedView {
    /// `silence #3`, `[[silence]] 1`.
    pub by: String,
    pub reason: String,
    pub until: String,
    /// `alert`, `escalation`, `flapping notice`, `remediation`.
    pub held: Vec<String>,
}

impl From<&Silenced> for SilencedView {
    fn from(s: &Silenced) -> Self {
        SilencedView {
            by: s.by.clone(),
            reason: s.reason.clone(),
            until: clock::format_ts(s.until),
            held: s.held.clone(),
        }
    }
}

impl SilencedView {
    /// `silenced by silence #3 until 2026-11-25T14:00:00Z (db migration): held alert`.
    pub fn line(&self) -> String {
        let held = if self.held.is_empty() {
            "nothing to hold".to_string()
        } else {
            format!("held {}", self.held.join(", "))
        };
        format!(
            "silenced by {} until {} ({}): {held}",
            self.by, self.until, self.reason
        )
    }
}

impl CheckResult {
    /// Why remediation did not run, when it was held back.
    pub fn remediation_held(&self) -> Option<&str> {
        self.remediation
            .as_ref()
            .and_then(|r| r.get("held"))
            .and_then(|h| h.as_str())
    }
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ModuleResult {
    pub module: Module,
    pub status: ModuleStatus,
    pub findings: i64,
    pub duration_ms: i64,
    pub message: Option<String>,
    /// full or incremental, for a module that keeps incremental state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scan: Option<ScanKind>,
    /// How many rows that module read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows: Option<i64>,
}

/// The runs `filter` matches, newest first. A `check` filter must name a check of the
/// config or of the run log: a typo is `HbError::Usage`, not an empty list.
pub fn runs(store: &Store, config: &Config, filter: &RunFilter) -> Result<RunList> {
    if let Some(name) = &filter.check {
        known_check(store, config, name)?;
    }
    let runs: Vec<Run> = store.runs(filter)?.into_iter().map(Run::from).collect();
    let total = match filter.limit {
        Some(limit) if runs.len() >= limit => store.count_runs(filter)?,
        _ => runs.len() as u64,
    };
    Ok(RunList { total, runs })
}

/// One run in detail; an unknown id is `HbError::NotFound`.
pub fn run(store: &Store, id: i64) -> Result<RunDetail> {
    let run = store.run(id)?.ok_or_else(|| {
        HbError::NotFound(format!("no run with id {id} (list runs with `hb logs`)"))
    })?;
    let modules = store
        .module_results(id)?
        .into_iter()
        .map(|m| ModuleResult {
            module: m.module,
            status: m.status,
            findings: m.findings,
            duration_ms: m.duration_ms,
            message: m.message,
            scan: m.scan.map(|(kind, _)| kind),
            rows: m.scan.map(|(_, rows)| rows),
        })
        .collect();
    let checks = store
        .check_results(id)?
        .into_iter()
        .map(|c| CheckResult {
            name: c.name,
            group: c.group,
            status: c.status,
            latency_ms: c.latency_ms,
            message: c.message,
            value: c.value,
            remediation: c
                .remediation
                .as_deref()
                .and_then(|r| serde_json::from_str(r).ok()),
            silenced: c.silenced.as_ref().map(SilencedView::from),
        })
        .collect();
    Ok(RunDetail {
        run: run.into(),
        modules,
        checks,
    })
}

/// The latest cycle (not a manual run of the checks) in detail, if any ran.
pub fn last_cycle(store: &Store) -> Result<Option<RunDetail>> {
    match store.last_run()? {
        Some(last) => run(store, last.id).map(Some),
        None => Ok(None),
    }
}

/// `name` must be a check of the config or of the run log.
fn known_check(store: &Store, config: &Config, name: &str) -> Result<()> {
    let mut known: Vec<String> = config.check.iter().map(|c| c.common.name.clone()).collect();
    if known.iter().any(|k| k == name) {
        return Ok(());
    }
    let recorded = store.recorded_check_names()?;
    if recorded.iter().any(|k| k == name) {
        return Ok(());
    }
    known.extend(recorded);
    known.sort();
    known.dedup();
    let hint = if known.is_empty() {
        "no check is configured or was ever recorded".to_string()
    } else {
        format!("known checks: {}", known.join(", "))
    };
    Err(HbError::Usage(format!("--check: no check named `{name}` ({hint})")).into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::LockOutcome;

    const NOW: i64 = 1_800_000_000;

    fn run_at(store: &mut Store, trigger: &str, at: i64, status: RunStatus) -> i64 {
        let LockOutcome::Acquired { run_id, .. } =
            store.begin_run(trigger, 1, at, |_| false).expect("run")
        else {
            panic!("busy")
        };
        let summary = format!(r#"{{"line": "{trigger} at {at}", "warnings": ["w{run_id}"]}}"#);
        store
            .finish_run(run_id, status, at, 7, &summary)
            .expect("finish");
        run_id
    }

    /// `GET /health/heartbeat`: the latest cycle, not a later manual run of the checks.
    #[test]
    fn the_last_cycle_is_the_latest_run_that_is_not_a_manual_check_run() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut store = Store::open(&dir.path().join("hb.db")).expect("store");
        assert!(last_cycle(&store).expect("read").is_none());
        run_at(&mut store, "timer", NOW - 600, RunStatus::Ok);
        let cycle = run_at(&mut store, "all", NOW - 300, RunStatus::Failed);
        run_at(&mut store, "checks", NOW - 60, RunStatus::Ok);

        let last = last_cycle(&store).expect("read").expect("a cycle ran");
        assert_eq!(last.run.id, cycle);
        assert_eq!(last.run.status, RunStatus::Failed);
        assert_eq!(last.run.line(), format!("all at {}", NOW - 300));
        assert_eq!(
            last.run.warnings().collect::<Vec<_>>(),
            [format!("w{cycle}")]
        );
        // The document `hb logs RUN_ID --json` prints: the run's fields, then its results.
        let json = serde_json::to_value(&last).expect("serializes");
        assert_eq!(json["trigger"], "all");
        assert_eq!(json["status"], "failed");
        assert!(json["modules"].as_array().is_some_and(|m| m.is_empty()));

        let err = run(&store, 99).expect_err("no such run");
        assert_eq!(
            err.to_string(),
            "no run with id 99 (list runs with `hb logs`)"
        );
        assert!(matches!(
            err.downcast_ref::<HbError>(),
            Some(HbError::NotFound(_))
        ));
    }
}
