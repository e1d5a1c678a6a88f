//! `hb checks`: the check board; one check over a window (`GET /health/checks/NAME`); the
//! results of a run of checks; the config's lint.

use std::time::Duration;

use anyhow::Result;
use serde::Serialize;

use crate::checks::lint::{self, Level, Problem};
use crate::checks::{self, AlertRules, Check, CheckOutcome, CheckState, Shown, Status, Trigger};
use crate::clock;
use crate::clock::format_opt;
use crate::config::{self, Config, Loaded};
use crate::exit::HbError;
use crate::silence::{Cover, Silences};
use crate::store::{trigger_counts, CheckHistoryRow, Store};
use crate::view::silences::CoverView;

/// `hb checks --json`: every configured check, in config order.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Board {
    /// Whether `on_failure` commands run at all (`[actions] enabled`).
    pub remediation: checks::RemediationStatus,
    pub checks: Vec<BoardCheck>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct BoardCheck {
    pub name: String,
    pub group: checks::Group,
    #[serde(rename = "type")]
    pub kind: checks::Kind,
    pub every: String,
    pub every_secs: i64,
    pub severity: checks::Severity,
    pub enabled: bool,
    pub skip_unless_env: Option<String>,
    pub description: Option<String>,
    /// The latest recorded result, from any run; null when the check never ran.
    pub status: Option<Status>,
    pub since: Option<String>,
    pub last_run_at: Option<String>,
    pub last_run_id: Option<i64>,
    pub last_message: Option<String>,
    /// Whether that latest result counted: false for `hb checks run` and the demo's run,
    /// which are shown but move none of the counted fields below.
    pub counted: bool,
    /// The counted state: the heartbeat's (`hb cycle`) results only. Null when no cycle
    /// has run the check.
    pub counted_status: Option<Status>,
    pub counted_at: Option<String>,
    pub counted_run_id: Option<i64>,
    pub failing_since: Option<String>,
    pub next_due_at: Option<String>,
    pub due: bool,
    pub consecutive_failures: u32,
    pub consecutive_successes: u32,
    pub alert_after: u32,
    /// `"3 of 5"`: alerts once that many of the last runs failed (instead of alert_after).
    pub fail_within: Option<String>,
    pub recover_after: u32,
    pub escalate_after: u32,
    /// Flap detection: this many changes within `flap_window` runs (0: off).
    pub flap_changes: u32,
    pub flap_window: u32,
    /// Its alert rule fired and it has not recovered (`recover_after` successes) since.
    pub alerting: bool,
    /// Alerting, but passing now: waiting for `recover_after` successes in a row.
    pub recovering: bool,
    /// Critical for `escalate_after` runs in a row.
    pub escalated: bool,
    /// With `fail_within`: failed runs among the last Y, and how many runs that was.
    pub recent: Option<Recent>,
    pub flapping: bool,
    pub flapping_since: Option<String>,
    /// Status changes within the last `flap_window` runs.
    pub changes: u32,
    /// What the rules' windows say: "2 of the last 5 runs failed (alerts at 3 of 5)",
    /// "flapping: 7 changes in 20 runs", "recovering: 1 of 3 successes (critical before)".
    pub note: Option<String>,
    /// The silence covering it now: it runs and records, and alerts nothing.
    pub silenced: Option<CoverView>,
    /// After a status that did not count: " (manual, not counted)".
    #[serde(skip)]
    pub mark: &'static str,
    #[serde(skip)]
    pub since_ts: Option<i64>,
    #[serde(skip)]
    pub next_due_ts: Option<i64>,
}

impl BoardCheck {
    /// The latest result did not count (a manual or demo run).
    pub fn shown_uncounted(&self) -> bool {
        self.status.is_some() && !self.counted
    }

    /// After the status on the board: ", flapping", ", recovering", " (silenced)".
    pub fn state_mark(&self) -> String {
        let mut mark = String::new();
        if self.flapping {
            mark.push_str(", flapping");
        } else if self.recovering {
            mark.push_str(", recovering");
        }
        if self.silenced.is_some() {
            mark.push_str(" (silenced)");
        }
        mark
    }

    /// What the board says under the table about this check: its rules' windows and the
    /// silence covering it.
    pub fn notes(&self) -> Vec<String> {
        let mut notes: Vec<String> = self.note.iter().cloned().collect();
        if let Some(cover) = &self.silenced {
            notes.push(format!(
                "{}: it runs and records, and alerts, escalates and remediates nothing",
                cover.line()
            ));
        }
        notes
    }

    /// The counted streak: "3 failed", "12 ok", "skipped", "-" (no cycle ran it).
    pub fn streak(&self) -> String {
        match self.counted_status {
            None => "-".into(),
            Some(_) if self.consecutive_failures > 0 => {
                format!("{} failed", self.consecutive_failures)
            }
            Some(_) if self.consecutive_successes > 0 => {
                format!("{} ok", self.consecutive_successes)
            }
            Some(status) => status.to_string(),
        }
    }
}

/// Failed runs among the last ones (`fail_within`).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Recent {
    pub failed: u32,
    pub runs: u32,
    /// The rule: alert at this many failures of `of` runs.
    pub alerts_at: u32,
    pub of: u32,
}

/// The board at `now` (`store`: None when there is none yet, so nothing ran).
pub fn board(store: Option<&Store>, config: &Config, now: i64) -> Result<Board> {
    let (mut states, latest) = match store {
        Some(store) => {
            let names = config.check.iter().map(|c| c.common.name.as_str());
            (store.check_states()?, store.latest_results(names)?)
        }
        None => Default::default(),
    };
    let silences = silences_at(store, config, now)?;
    let checks = config
        .check
        .iter()
        .map(|check| {
            let state = states.remove(&check.common.name);
            let shown = Shown::of(
                state.as_ref(),
                latest.get(&check.common.name),
                trigger_counts,
            );
            let cover = silences.covering(&check.common.name, check.common.group, now);
            board_check(check, state.as_ref(), shown.as_ref(), cover, now)
        })
        .collect();
    Ok(Board {
        remediation: checks::RemediationStatus::of(&config.actions),
        checks,
    })
}

/// What may silence a check at `now`: the stored silences (none without a store) and
/// the config's windows.
pub fn silences_at(store: Option<&Store>, config: &Config, now: i64) -> Result<Silences> {
    match store {
        Some(store) => crate::cycle::system::silences(store, config, now),
        None => Ok(Silences {
            stored: Vec::new(),
            windows: config.silences.clone(),
        }),
    }
}

/// One check on the board: its config, what the board shows, its counted state.
fn board_check(
    check: &Check,
    state: Option<&CheckState>,
    shown: Option<&Shown>,
    silenced: Option<Cover>,
    now: i64,
) -> BoardCheck {
    let rules = AlertRules::of(check);
    let recent = match (rules.trigger, state) {
        (Trigger::Within(within), Some(state)) => {
            let (failed, runs) = state.failed_within(within.runs);
            Some(Recent {
                failed,
                runs,
                alerts_at: within.failures,
                of: within.runs,
            })
        }
        _ => None,
    };
    let last = state.map(|s| s.last_run_at);
    let next_due = check
        .common
        .enabled
        .then(|| crate::cadence::due_at(last, check.common.every.as_secs(), now).max(now));
    BoardCheck {
        name: check.common.name.clone(),
        group: check.common.group,
        kind: check.tag(),
        every: check.common.every.to_string(),
        every_secs: check.common.every.as_secs(),
        severity: check.common.severity,
        enabled: check.common.enabled,
        skip_unless_env: check.common.skip_unless_env.clone(),
        description: check.common.description.clone(),
        status: shown.map(|s| s.status),
        since: format_opt(shown.map(|s| s.since)),
        last_run_at: format_opt(shown.map(|s| s.at)),
        last_run_id: shown.and_then(|s| s.run_id),
        last_message: shown.map(|s| s.message.clone()),
        counted: shown.is_some_and(|s| s.not_counted.is_none()),
        counted_status: state.map(|s| s.status),
        counted_at: format_opt(last),
        counted_run_id: state.and_then(|s| s.last_run_id),
        failing_since: format_opt(state.and_then(|s| s.failing_since)),
        next_due_at: format_opt(next_due),
        due: check.common.enabled && checks::is_due(check.common.every, last, now),
        consecutive_failures: state.map_or(0, |s| s.consecutive_failures),
        consecutive_successes: state.map_or(0, |s| s.consecutive_successes),
        alert_after: check.common.alert_after,
        fail_within: check.common.fail_within.map(|w| w.to_string()),
        recover_after: check.common.recover_after,
        escalate_after: check.common.escalate_after,
        flap_changes: rules.flap.map_or(0, |f| f.changes),
        flap_window: rules.flap.map_or(0, |f| f.window),
        alerting: state.is_some_and(|s| s.is_alerting()),
        recovering: state.is_some_and(|s| s.is_recovering()),
        escalated: state.is_some_and(|s| s.should_escalate(&rules)),
        recent,
        flapping: state.is_some_and(|s| s.is_flapping()),
        flapping_since: format_opt(state.and_then(|s| s.flapping_since)),
        changes: state.map_or(0, |s| s.changes_within(rules.flap.map_or(0, |f| f.window))),
        note: state.and_then(|s| s.window_note(&rules)),
        silenced: silenced.map(CoverView::from),
        mark: shown.map_or("", Shown::mark),
        since_ts: shown.map(|s| s.since),
        next_due_ts: next_due,
    }
}

/// One check: its place on the board, its figures over the window, its recent results
/// (`GET /health/checks/NAME?window=24h`).
#[derive(Debug, Serialize)]
pub struct CheckDetail {
    #[serde(flatten)]
    pub check: BoardCheck,
    /// The window the figures and results cover, e.g. `24h`.
    pub window: String,
    /// Counted results in the window (the heartbeat's: a manual run changes no figure).
    #[serde(flatten)]
    pub figures: checks::WindowStats,
    /// Its results in the window from any run, newest first, at most the limit.
    pub results: Vec<CheckRecord>,
}

/// One recorded result of a check.
#[derive(Debug, Serialize)]
pub struct CheckRecord {
    pub run_id: i64,
    pub trigger: String,
    /// Whether it counted toward the streaks and figures.
    pub counted: bool,
    pub status: Status,
    pub started_at: String,
    pub latency_ms: Option<i64>,
    pub value: Option<f64>,
    pub message: String,
}

impl From<CheckHistoryRow> for CheckRecord {
    fn from(row: CheckHistoryRow) -> Self {
        CheckRecord {
            counted: trigger_counts(&row.trigger),
            run_id: row.run_id,
            trigger: row.trigger,
            status: row.status,
            started_at: clock::format_ts(row.started_at),
            latency_ms: row.latency_ms,
            value: row.value,
            message: row.message,
        }
    }
}

/// The check `name` at `now` over `window`, with at most `limit` results (None: all in
/// the window). A name the config does not declare is `HbError::NotFound`.
pub fn detail(
    store: &Store,
    config: &Config,
    name: &str,
    now: i64,
    window: Duration,
    limit: Option<usize>,
) -> Result<CheckDetail> {
    let check = config
        .check
        .iter()
        .find(|c| c.common.name == name)
        .ok_or_else(|| HbError::NotFound(checks::manual::no_such_check(config, name)))?;
    let state = store.check_states()?.remove(name);
    let latest = store.latest_results([name])?;
    let shown = Shown::of(state.as_ref(), latest.get(name), trigger_counts);
    let history = store.check_history(name, now.saturating_sub(window.as_secs() as i64))?;
    let counted: Vec<(Status, Option<i64>)> = history
        .iter()
        .filter(|r| trigger_counts(&r.trigger))
        .map(|r| (r.status, r.latency_ms))
        .collect();
    let figures = checks::window_stats(&counted);
    let cover = silences_at(Some(store), config, now)?.covering(name, check.common.group, now);
    Ok(CheckDetail {
        check: board_check(check, state.as_ref(), shown.as_ref(), cover, now),
        window: clock::format_duration(window),
        figures,
        results: history
            .into_iter()
            .take(limit.unwrap_or(usize::MAX))
            .map(CheckRecord::from)
            .collect(),
    })
}

/// `hb checks run --json`: what a run of checks found.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct RunReport {
    /// The `runs` row the results were recorded under (null with --no-record).
    pub run_id: Option<i64>,
    pub recorded: bool,
    pub status: Status,
    pub exit_code: u8,
    pub results: Vec<RunResult>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct RunResult {
    pub name: String,
    pub group: checks::Group,
    #[serde(rename = "type")]
    pub kind: checks::Kind,
    pub severity: checks::Severity,
    pub status: Status,
    pub message: String,
    pub value: Option<f64>,
    pub latency_ms: Option<u64>,
    pub started_at: String,
    pub duration_ms: u64,
    pub metrics: Vec<checks::Metric>,
    pub remediation: Option<checks::Remediation>,
}

impl RunReport {
    /// The outcomes of one run, worst status first in the verdict (the exit code).
    pub fn new(run_id: Option<i64>, outcomes: &[CheckOutcome]) -> Self {
        let status = checks::worst(outcomes);
        RunReport {
            run_id,
            recorded: run_id.is_some(),
            status,
            exit_code: status.exit_code(),
            results: outcomes.iter().map(RunResult::from).collect(),
        }
    }
}

impl From<&CheckOutcome> for RunResult {
    fn from(o: &CheckOutcome) -> Self {
        RunResult {
            name: o.name.clone(),
            group: o.group,
            kind: o.kind,
            severity: o.severity,
            status: o.status,
            message: o.message.clone(),
            value: o.value,
            latency_ms: o.latency_ms,
            started_at: clock::format_ts(o.started_at),
            duration_ms: o.duration_ms,
            metrics: o.metrics.clone(),
            remediation: o.remediation.clone(),
        }
    }
}

/// `hb checks validate --json`: the lint of the config's checks.
#[derive(Debug, Serialize)]
pub struct Validation {
    pub file: Option<String>,
    pub checks: usize,
    pub ok: bool,
    pub errors: usize,
    pub warnings: usize,
    pub problems: Vec<Problem>,
}

impl Validation {
    /// A config that does not parse: its error is the one problem.
    pub fn unparsable(file: Option<String>, message: String) -> Self {
        Validation {
            file,
            checks: 0,
            ok: false,
            errors: 1,
            warnings: 0,
            problems: vec![Problem {
                level: Level::Error,
                line: None,
                check: None,
                key: None,
                message,
            }],
        }
    }
}

/// Lint the checks of the loaded config file (without a file there is nothing to lint:
/// `HbError::Config`).
pub fn validate(loaded: &Loaded) -> Result<Validation> {
    let Some(path) = &loaded.path else {
        return Err(HbError::Config(format!(
            "no config file to validate: create {} or pass --config",
            config::FILE_NAME
        ))
        .into());
    };
    let problems = lint::lint(&loaded.config.check, loaded.base_dir());
    let errors = problems.iter().filter(|p| p.level == Level::Error).count();
    Ok(Validation {
        file: Some(path.display().to_string()),
        checks: loaded.config.check.len(),
        ok: errors == 0,
        errors,
        warnings: problems.len() - errors,
        problems,
    })
}

/// `hb checks doc --json`: the protocol in Markdown (HEARTBEAT.md).
#[derive(Debug, Serialize)]
pub struct ProtocolDoc {
    pub markdown: String,
}

pub fn doc(config: &Config) -> ProtocolDoc {
    ProtocolDoc {
        markdown: checks::doc::markdown(
            &config.check,
            &config.silences,
            config.schedule.system,
            config.schedule.protocol,
            &config.actions,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::{Group, Kind, Severity};
    use crate::store::Counting;

    const NOW: i64 = 1_800_000_000;

    fn config() -> Config {
        config::parse(
            r#"
[[check]]
name = "api"
group = "system"
type = "tcp"
address = "127.0.0.1:9"
every = "5m"
alert_after = 2

[[check]]
name = "queue"
group = "queue"
type = "tcp"
address = "127.0.0.1:9"
every = "5m"
"#,
        )
        .expect("test config parses")
    }

    fn outcome(name: &str, status: Status, at: i64, latency_ms: u64) -> CheckOutcome {
        CheckOutcome {
            name: name.into(),
            group: Group::System,
            kind: Kind::Tcp,
            severity: Severity::Critical,
            status,
            message: format!("{name} is {status}"),
            value: None,
            latency_ms: Some(latency_ms),
            started_at: at,
            duration_ms: latency_ms,
            metrics: Vec::new(),
            remediation: None,
            silenced: None,
        }
    }

    /// A store where `api` ran in three cycles (ok, critical, critical), then once by hand.
    fn store(dir: &tempfile::TempDir) -> Store {
        let mut store = Store::open(&dir.path().join("hb.db")).expect("store");
        let pid = i64::from(std::process::id());
        for (i, status) in [Status::Ok, Status::Critical, Status::Critical]
            .into_iter()
            .enumerate()
        {
            let at = NOW - 900 + 300 * i as i64;
            let run_id = match store.begin_run("timer", pid, at, |_| true).expect("run") {
                crate::store::LockOutcome::Acquired { run_id, .. } => run_id,
                busy => panic!("{busy:?}"),
            };
            let outcomes = [outcome("api", status, at, 10 * (i as u64 + 1))];
            let states = store.check_states().expect("states");
            let next =
                crate::checks::next_states(&config().check, &states, &outcomes, Some(run_id));
            store
                .record_check_results(run_id, &outcomes, Counting::Counts(&next))
                .expect("record");
            store
                .finish_run(run_id, crate::store::RunStatus::Ok, at, 5, "{}")
                .expect("finish");
        }
        let run_id = store.start_checks_run(NOW - 10).expect("manual run");
        store
            .finish_checks_run(
                run_id,
                &[outcome("api", Status::Ok, NOW - 10, 500)],
                NOW - 10,
                1,
            )
            .expect("finish manual");
        store
    }

    #[test]
    fn one_check_has_its_streak_figures_and_recent_results() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = store(&dir);
        let config = config();
        let detail = detail(
            &store,
            &config,
            "api",
            NOW,
            Duration::from_secs(86_400),
            Some(3),
        )
        .expect("detail");
        // The board shows the manual ok, marked; the streak is the cycles'.
        assert_eq!(detail.check.status, Some(Status::Ok));
        assert!(detail.check.shown_uncounted());
        assert_eq!(detail.check.counted_status, Some(Status::Critical));
        assert_eq!(detail.check.consecutive_failures, 2);
        assert!(detail.check.alerting);
        assert_eq!(detail.check.streak(), "2 failed");
        // Figures: the three counted results (1 ok of 3), not the manual one.
        assert_eq!(detail.window, "1d");
        assert_eq!(detail.figures.runs, 3);
        assert_eq!(detail.figures.uptime_percent, Some(33.3));
        assert_eq!(detail.figures.avg_latency_ms, Some(20.0));
        assert_eq!(detail.figures.p95_latency_ms, Some(30.0));
        // Results: newest first, the manual one included and marked, cut at the limit.
        let results: Vec<(Status, bool, Option<i64>)> = detail
            .results
            .iter()
            .map(|r| (r.status, r.counted, r.latency_ms))
            .collect();
        assert_eq!(
            results,
            [
                (Status::Ok, false, Some(500)),
                (Status::Critical, true, Some(30)),
                (Status::Critical, true, Some(20)),
            ]
        );

        // The document's shape: the board's fields, then the window's.
        let json = serde_json::to_value(&detail).expect("serializes");
        for key in [
            "name",
            "counted_status",
            "window",
            "uptime_percent",
            "results",
        ] {
            assert!(json.get(key).is_some(), "{key} missing: {json}");
        }
        assert_eq!(json["results"][0]["trigger"], "checks");

        // A short window holds only the latest results.
        let recent = detail_in(&store, &config, "api", 400);
        assert_eq!(recent.figures.runs, 1);
        assert_eq!(recent.results.len(), 2);
    }

    fn detail_in(store: &Store, config: &Config, name: &str, secs: u64) -> CheckDetail {
        detail(store, config, name, NOW, Duration::from_secs(secs), None).expect("detail")
    }

    #[test]
    fn a_check_that_never_ran_has_no_figures() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = store(&dir);
        let detail = detail_in(&store, &config(), "queue", 86_400);
        assert_eq!(detail.check.status, None);
        assert_eq!(detail.check.streak(), "-");
        assert_eq!(detail.figures.runs, 0);
        assert_eq!(detail.figures.uptime_percent, None);
        assert!(detail.results.is_empty());
    }

    #[test]
    fn an_unknown_check_is_not_found_and_names_the_known_ones() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = store(&dir);
        let err = detail(
            &store,
            &config(),
            "apii",
            NOW,
            Duration::from_secs(60),
            None,
        )
        .expect_err("unknown check");
        assert_eq!(crate::exit::code_for(&err), crate::exit::FAILURE);
        assert!(matches!(
            err.downcast_ref::<HbError>(),
            Some(HbError::NotFound(_))
        ));
        assert_eq!(
            err.to_string(),
            "no check named `apii` (known checks: api, queue)"
        );
    }

    #[test]
    fn the_board_without_a_store_lists_every_check_as_never_run() {
        let board = board(None, &config(), NOW).expect("board");
        let names: Vec<&str> = board.checks.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["api", "queue"]);
        assert!(board.checks.iter().all(|c| c.status.is_none() && c.due));
        assert_eq!(board.checks[0].next_due_ts, Some(NOW));
    }
}
