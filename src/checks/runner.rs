//! Running checks: which are due, a bounded pool of threads, a watchdog per check, and
//! remediation (`on_failure`) with its re-check.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::judge::{evaluate, Evaluated, Observation};
use super::model::{
    ActionResult, Check, CheckKind, CheckOutcome, FanOut, Kind, Metric, Remediation, Silenced,
    Status,
};
use super::{command, CheckState};
use crate::alert::secret::Redactor;
use crate::duration::Span;
use crate::silence::Cover;

/// One check type: what it observes of its target, given its typed config and the
/// check's `timeout`. Each type implements it in its own file.
pub(super) trait Observe {
    fn observe(&self, timeout: Span, ctx: &RunContext) -> Observation;
}

/// `[actions]`: `enabled = false` turns every check's `on_failure` commands off at once.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ActionsConfig {
    pub enabled: bool,
}

impl Default for ActionsConfig {
    fn default() -> Self {
        ActionsConfig { enabled: true }
    }
}

/// Whether a run may start `on_failure` commands at all. `Off` carries the reason that
/// each failing check with remediation records instead ("remediation not run: ...").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actions {
    On,
    Off(&'static str),
}

impl Actions {
    /// `[actions] enabled = false` is the global brake: it wins over any request.
    pub fn under(self, config: &ActionsConfig) -> Actions {
        if config.enabled {
            self
        } else {
            Actions::Off(ACTIONS_DISABLED)
        }
    }
}

const ACTIONS_DISABLED: &str = "remediation is off ([actions] enabled = false)";

/// Whether remediation runs at all, as the boards (`hb checks`, `hb status`) show it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RemediationStatus {
    pub enabled: bool,
    /// Why not, when it is off.
    pub reason: Option<&'static str>,
}

impl RemediationStatus {
    pub fn of(config: &ActionsConfig) -> Self {
        match Actions::On.under(config) {
            Actions::On => RemediationStatus {
                enabled: true,
                reason: None,
            },
            Actions::Off(reason) => RemediationStatus {
                enabled: false,
                reason: Some(reason),
            },
        }
    }

    /// The board's line when remediation is off.
    pub fn notice(&self) -> Option<String> {
        self.reason
            .map(|reason| format!("{reason}: no on_failure command runs"))
    }
}

/// What a result means for the check's `on_failure` commands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemediationPlan {
    /// Nothing to remediate: no commands, or the result is ok or skipped.
    None,
    Run,
    /// Remediation would apply but does not run, for this reason.
    Held(String),
}

/// The rule of remediation, in one place. Commands run only for a judged failure
/// (warning or critical) of a check that has passed here before, while actions are on:
/// - unknown is hb not knowing (a missing file, a bad query, a name that does not
///   resolve), and restarting a service over it would do harm;
/// - a check that has never passed cannot tell a broken target from a wrong address or
///   an app that is not installed here, and remediation repairs what once worked.
/// - a silenced check (a maintenance window) is being worked on: nothing restarts it.
pub fn remediation_plan(
    check: &Check,
    status: Status,
    actions: Actions,
    has_passed: bool,
    silence: Option<&Cover>,
) -> RemediationPlan {
    if check.common.on_failure.is_empty() || !status.is_failure() {
        return RemediationPlan::None;
    }
    if status == Status::Unknown {
        return RemediationPlan::Held(
            "the check could not be evaluated (unknown); remediation runs only on a judged failure"
                .into(),
        );
    }
    if let Actions::Off(reason) = actions {
        return RemediationPlan::Held(reason.into());
    }
    if !has_passed {
        return RemediationPlan::Held(format!(
            "{} has never passed here; remediation runs once it has (a wrong address or an \
             app that is not installed here must not restart anything)",
            check.common.name
        ));
    }
    if let Some(cover) = silence {
        return RemediationPlan::Held(format!(
            "silenced by {} until {} ({})",
            cover.by,
            crate::clock::format_ts(cover.until),
            cover.reason
        ));
    }
    RemediationPlan::Run
}

/// What a run of checks needs besides the checks: the clock, where relative paths start,
/// the hb store and cadence for the built-in `cycle` check, and which checks have passed
/// before (remediation waits for that).
#[derive(Debug, Clone)]
pub struct RunContext {
    pub now: i64,
    /// The config file's directory: relative paths start there.
    pub base_dir: PathBuf,
    pub store_path: Option<PathBuf>,
    /// `[schedule] system`: the cadence the `cycle` check holds the run log to.
    pub cycle_cadence: Span,
    /// Names of the checks that hb has seen pass (any recorded run).
    pub passed: Arc<HashSet<String>>,
    /// The config's redactor: applied to every outcome before anyone sees it.
    pub redactor: Arc<Redactor>,
    /// The checks a silence covers now, with the silence: they run, and remediate nothing.
    pub silenced: Arc<HashMap<String, Cover>>,
    /// The run's PostgreSQL connections: one per database, shared by its checks.
    pub postgres: Arc<super::postgres::Connections>,
}

impl RunContext {
    /// Remember which checks have passed here before (`Store::passed_checks`).
    pub fn with_passed(mut self, passed: HashSet<String>) -> Self {
        self.passed = Arc::new(passed);
        self
    }

    /// The checks under a silence now (`silence::Silences::covering`).
    pub fn with_silenced(mut self, silenced: HashMap<String, Cover>) -> Self {
        self.silenced = Arc::new(silenced);
        self
    }

    /// A path from the config, relative to the config file's directory (an absolute
    /// path stays as it is).
    pub fn resolve(&self, path: &Path) -> PathBuf {
        self.base_dir.join(path)
    }
}

/// Checks mostly wait on the network or a child process, so many at once cost little;
/// the bound keeps a config with hundreds of checks from opening hundreds of sockets.
const MAX_PARALLEL: usize = 64;

/// The watchdog's margin over a check's own timeout: each type enforces its timeout, and
/// the watchdog catches what cannot be (a hung DNS lookup or network filesystem).
const WATCHDOG_GRACE: Duration = Duration::from_secs(2);

/// Whether a check is due (the cycle's cadence rule, `cadence::is_due`).
pub fn is_due(every: Span, last_run_at: Option<i64>, now: i64) -> bool {
    crate::cadence::is_due(last_run_at, every.as_secs(), now)
}

/// The enabled checks that are due at `now`, in config order.
pub fn due_checks<'a>(
    checks: &'a [Check],
    states: &HashMap<String, CheckState>,
    now: i64,
) -> Vec<&'a Check> {
    checks
        .iter()
        .filter(|c| c.common.enabled)
        .filter(|c| {
            let last = states.get(&c.common.name).map(|s| s.last_run_at);
            is_due(c.common.every, last, now)
        })
        .collect()
}

/// Run checks on a bounded pool of threads, `on_failure` commands as `actions` allow
/// (see `remediation_plan`); outcomes come back in the order given.
pub fn run_checks(checks: &[&Check], ctx: &RunContext, actions: Actions) -> Vec<CheckOutcome> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<CheckOutcome>>> = Mutex::new(vec![None; checks.len()]);
    let workers = MAX_PARALLEL.min(checks.len()).max(1);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(check) = checks.get(index) else {
                    break;
                };
                let outcome = run_one(check, ctx, actions);
                if let Ok(mut results) = results.lock() {
                    results[index] = Some(outcome);
                }
            });
        }
    });
    let results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    results
        .into_iter()
        .zip(checks)
        .map(|(outcome, check)| {
            // Only a panic inside a worker leaves a hole; report it instead of losing it.
            outcome.unwrap_or_else(|| {
                let crashed = Evaluated::bare(Status::Unknown, "the check crashed".into());
                outcome_of(check, ctx.now, Duration::ZERO, crashed, None)
            })
        })
        .collect()
}

/// One check, start to finish: skip rules, execution, remediation and re-check. The
/// outcome is redacted here, once: what a target answered may quote a secret (a body
/// echoing an API key), and from here it goes to the store, the logs and alerts.
fn run_one(check: &Check, ctx: &RunContext, actions: Actions) -> CheckOutcome {
    run_unredacted(check, ctx, actions).redacted(&ctx.redactor)
}

fn run_unredacted(check: &Check, ctx: &RunContext, actions: Actions) -> CheckOutcome {
    let started = Instant::now();
    let common = &check.common;
    if !common.enabled {
        let why = "disabled in the config (enabled = false)";
        return skipped(check, ctx.now, why.into());
    }
    if let Some(var) = common.skip_unless_env.as_deref() {
        if check.skipped_by_env() {
            return skipped(check, ctx.now, format!("not configured: ${var} is not set"));
        }
    }
    let first = execute(check, ctx);
    let has_passed = ctx.passed.contains(&common.name);
    let silence = ctx.silenced.get(&common.name);
    let plan = remediation_plan(check, first.status, actions, has_passed, silence);
    // What the silence held back: remediation that would have run without it.
    let held_by_silence = silence.is_some()
        && remediation_plan(check, first.status, actions, has_passed, None) == RemediationPlan::Run;
    let mut outcome = match plan {
        RemediationPlan::None => outcome_of(check, ctx.now, started.elapsed(), first, None),
        RemediationPlan::Held(why) => {
            let held = Remediation {
                initial_status: first.status,
                initial_message: first.message.clone(),
                actions: Vec::new(),
                rechecked: false,
                recovered: false,
                held: Some(why),
            };
            outcome_of(check, ctx.now, started.elapsed(), first, Some(held))
        }
        RemediationPlan::Run => remediate(check, ctx, started, first),
    };
    outcome.silenced = silence.map(|cover| Silenced {
        by: cover.by.clone(),
        reason: cover.reason.clone(),
        until: cover.until,
        held: if held_by_silence {
            vec!["remediation".into()]
        } else {
            Vec::new()
        },
    });
    outcome
}

/// Run the check's `on_failure` commands after `first`, then its re-check if it has one.
fn remediate(check: &Check, ctx: &RunContext, started: Instant, first: Evaluated) -> CheckOutcome {
    let common = &check.common;
    let actions: Vec<ActionResult> = common
        .on_failure
        .iter()
        .map(|argv| command::run_action(argv, common.remediation_timeout.0, &ctx.base_dir))
        .collect();
    let mut remediation = Remediation {
        initial_status: first.status,
        initial_message: first.message.clone(),
        actions,
        rechecked: false,
        recovered: false,
        held: None,
    };
    let last = match common.recheck {
        Some(recheck) => {
            if let Some(delay) = recheck.delay {
                std::thread::sleep(delay.0);
            }
            let again = execute(check, ctx);
            remediation.rechecked = true;
            remediation.recovered = again.status == Status::Ok;
            again
        }
        None => first,
    };
    outcome_of(check, ctx.now, started.elapsed(), last, Some(remediation))
}

fn skipped(check: &Check, now: i64, message: String) -> CheckOutcome {
    let evaluated = Evaluated::bare(Status::Skipped, message);
    outcome_of(check, now, Duration::ZERO, evaluated, None)
}

fn outcome_of(
    check: &Check,
    now: i64,
    elapsed: Duration,
    evaluated: Evaluated,
    remediation: Option<Remediation>,
) -> CheckOutcome {
    CheckOutcome {
        name: check.common.name.clone(),
        group: check.common.group,
        kind: check.tag(),
        severity: check.common.severity,
        status: evaluated.status,
        message: evaluated.message,
        value: evaluated.value,
        latency_ms: evaluated.latency_ms,
        started_at: now,
        duration_ms: elapsed.as_millis() as u64,
        metrics: evaluated.metrics,
        remediation,
        silenced: None,
    }
}

/// Execute the check's type under a watchdog: the type runs on its own thread (each
/// target on its own, side by side), and if it overruns its timeout (plus a grace) the
/// run moves on and reports the timeout. An abandoned thread ends with the process.
fn execute(check: &Check, ctx: &RunContext) -> Evaluated {
    let timeout = check.common.timeout;
    let deadline = crate::clock::deadline(timeout.0.saturating_add(WATCHDOG_GRACE));
    let Some(fan_out) = &check.targets else {
        let waiting = watched(&check.kind, &check.common.name, timeout, ctx);
        return evaluate(check, waiting.wait(deadline, timeout));
    };
    let waiting: Vec<(&str, Watched)> = fan_out
        .targets
        .iter()
        .map(|target| {
            let thread = format!("check {} {}", check.common.name, target.name);
            (
                target.name.as_str(),
                watched(&target.kind, &thread, timeout, ctx),
            )
        })
        .collect();
    let results = waiting
        .into_iter()
        .map(|(name, watched)| (name, evaluate(check, watched.wait(deadline, timeout))))
        .collect::<Vec<_>>();
    combine_targets(check.tag(), fan_out, &results)
}

/// A type observing on its own thread, or why it could not start.
enum Watched {
    Running(mpsc::Receiver<Observation>),
    NotStarted(Observation),
}

impl Watched {
    fn wait(self, deadline: Instant, timeout: Span) -> Observation {
        let rx = match self {
            Watched::Running(rx) => rx,
            Watched::NotStarted(obs) => return obs,
        };
        match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(obs) => obs,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                Observation::failed(format!("timed out after {timeout}"))
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                Observation::unknown("the check crashed".to_string())
            }
        }
    }
}

fn watched(kind: &CheckKind, thread: &str, timeout: Span, ctx: &RunContext) -> Watched {
    let (tx, rx) = mpsc::channel();
    let owned = kind.clone();
    let ctx_owned = ctx.clone();
    let spawned = std::thread::Builder::new()
        .name(thread.to_string())
        .spawn(move || {
            let obs = observe(&owned, timeout, &ctx_owned);
            let _ = tx.send(obs);
        });
    match spawned {
        Ok(_) => Watched::Running(rx),
        Err(err) => Watched::NotStarted(Observation::unknown(format!(
            "could not start a thread: {err}"
        ))),
    }
}

/// A fanned-out check as one result: the worst status of its targets, a message that
/// names the failing ones ("2 of 9 orchestrators unreachable: orch-3, orch-7 (orch-3:
/// ...)"), each target's value (else its latency) as a series, and the number of
/// failing targets as the value.
pub fn combine_targets(kind: Kind, fan_out: &FanOut, results: &[(&str, Evaluated)]) -> Evaluated {
    let (good, bad) = match kind {
        Kind::Tcp => ("reachable", "unreachable"),
        _ => ("ok", "failing"),
    };
    let status = results
        .iter()
        .fold(Status::Ok, |worst, (_, e)| worst.worse(e.status));
    let failing: Vec<&(&str, Evaluated)> = results
        .iter()
        .filter(|(_, e)| e.status.is_failure())
        .collect();
    let total = results.len();
    let noun = &fan_out.noun;
    let message = if failing.is_empty() {
        format!("all {total} {noun} {good}")
    } else {
        let names: Vec<&str> = failing.iter().map(|(name, _)| *name).collect();
        let details: Vec<String> = failing
            .iter()
            .map(|(name, e)| format!("{name}: {}", e.message))
            .collect();
        format!(
            "{} of {total} {noun} {bad}: {} ({})",
            failing.len(),
            names.join(", "),
            details.join("; ")
        )
    };
    let metrics = results
        .iter()
        .filter_map(|(name, e)| {
            let (value, unit) = match (e.value, e.latency_ms) {
                (Some(value), _) => (value, None),
                (None, Some(ms)) => (ms as f64, Some("ms".to_string())),
                (None, None) => return None,
            };
            Some(Metric {
                label: name.to_string(),
                value,
                unit,
            })
        })
        .collect();
    Evaluated {
        status,
        message,
        value: Some(failing.len() as f64),
        latency_ms: results.iter().filter_map(|(_, e)| e.latency_ms).max(),
        metrics,
    }
}

/// Dispatch to the check's type.
fn observe(kind: &CheckKind, timeout: Span, ctx: &RunContext) -> Observation {
    match kind {
        CheckKind::Http(check) => check.observe(timeout, ctx),
        CheckKind::Tcp(check) => check.observe(timeout, ctx),
        CheckKind::Sql(check) => check.observe(timeout, ctx),
        CheckKind::SqliteIntegrity(check) => check.observe(timeout, ctx),
        CheckKind::Command(check) => check.observe(timeout, ctx),
        CheckKind::FileAge(check) => check.observe(timeout, ctx),
        CheckKind::Disk(check) => check.observe(timeout, ctx),
        CheckKind::Tls(check) => check.observe(timeout, ctx),
        CheckKind::Cycle(check) => check.observe(timeout, ctx),
        CheckKind::Rls(check) => check.observe(timeout, ctx),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_with_tolerance() {
        let five = Span::secs(300);
        assert!(is_due(five, None, 1000));
        assert!(!is_due(five, Some(1000), 1000 + 200));
        // A timer firing 10 s early still runs the check: tolerance is min(30 s, 30 s).
        assert!(is_due(five, Some(1000), 1000 + 290));
        assert!(is_due(five, Some(1000), 1000 + 270));
        assert!(!is_due(five, Some(1000), 1000 + 269));
        let four_hours = Span::secs(4 * 3600);
        assert!(!is_due(four_hours, Some(0), 4 * 3600 - 31));
        assert!(is_due(four_hours, Some(0), 4 * 3600 - 30));
        assert_eq!(
            crate::cadence::next_due(Some(1000), five.as_secs()),
            Some(1270)
        );
        // Short cadences get a tenth: a 60 s check tolerates 6 s.
        assert!(!is_due(Span::secs(60), Some(0), 53));
        assert!(is_due(Span::secs(60), Some(0), 54));
    }

    /// 100 http checks against a target that answers in 100 ms finish well under a
    /// second: they run side by side, not one after the other.
    #[test]
    fn runs_checks_in_parallel() {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            for stream in listener.incoming().take(100) {
                let Ok(mut stream) = stream else { continue };
                std::thread::spawn(move || {
                    let mut buf = [0u8; 1024];
                    let _ = stream.read(&mut buf);
                    std::thread::sleep(Duration::from_millis(100));
                    let _ = stream.write_all(
                        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
                    );
                });
            }
        });
        let text: String = (0..100)
            .map(|i| {
                format!(
                    "[[check]]\nname = \"c{i}\"\ngroup = \"system\"\ntype = \"http\"\n\
                     url = \"http://127.0.0.1:{port}/\"\ntimeout = \"5s\"\n"
                )
            })
            .collect();
        let config = crate::config::parse(&text).unwrap();
        let checks: Vec<&Check> = config.check.iter().collect();
        let ctx = RunContext {
            now: 0,
            base_dir: PathBuf::from("."),
            store_path: None,
            cycle_cadence: Span::secs(300),
            passed: Arc::default(),
            redactor: Arc::default(),
            silenced: Arc::default(),
            postgres: Arc::default(),
        };
        let started = Instant::now();
        let outcomes = run_checks(&checks, &ctx, Actions::Off("test"));
        let elapsed = started.elapsed();
        assert!(
            outcomes.iter().all(|o| o.status == Status::Ok),
            "{outcomes:?}"
        );
        assert_eq!(outcomes[42].name, "c42");
        assert!(elapsed < Duration::from_millis(800), "took {elapsed:?}");
    }

    #[test]
    fn remediation_runs_only_on_a_judged_failure_of_a_check_that_passed() {
        let config = crate::config::parse(
            "[[check]]\nname = \"api\"\ngroup = \"system\"\ntype = \"tcp\"\naddress = \"127.0.0.1:1\"\n\
             on_failure = [[\"systemctl\", \"restart\", \"api\"]]\n\n\
             [[check]]\nname = \"plain\"\ngroup = \"system\"\ntype = \"tcp\"\naddress = \"127.0.0.1:1\"\n",
        )
        .unwrap();
        let (api, plain) = (&config.check[0], &config.check[1]);
        let plan =
            |check, status, actions, passed| remediation_plan(check, status, actions, passed, None);
        assert_eq!(
            plan(api, Status::Critical, Actions::On, true),
            RemediationPlan::Run
        );
        assert_eq!(
            plan(api, Status::Warning, Actions::On, true),
            RemediationPlan::Run
        );
        assert_eq!(
            plan(api, Status::Ok, Actions::On, true),
            RemediationPlan::None
        );
        assert_eq!(
            plan(api, Status::Skipped, Actions::On, true),
            RemediationPlan::None
        );
        assert_eq!(
            plan(plain, Status::Critical, Actions::On, true),
            RemediationPlan::None
        );
        let held = |p: RemediationPlan| match p {
            RemediationPlan::Held(why) => why,
            other => panic!("not held: {other:?}"),
        };
        assert!(held(plan(api, Status::Unknown, Actions::On, true)).contains("unknown"));
        assert_eq!(
            held(plan(api, Status::Critical, Actions::Off("off"), true)),
            "off"
        );
        assert!(held(plan(api, Status::Critical, Actions::On, false)).contains("never passed"));
        // A silenced check is being worked on: it is never restarted.
        let cover = Cover {
            by: "silence #3".into(),
            reason: "gateway migration".into(),
            until: 3600,
        };
        assert_eq!(
            held(remediation_plan(
                api,
                Status::Critical,
                Actions::On,
                true,
                Some(&cover)
            )),
            "silenced by silence #3 until 1970-01-01T01:00:00Z (gateway migration)"
        );
        let off = ActionsConfig { enabled: false };
        assert_eq!(Actions::On.under(&off), Actions::Off(ACTIONS_DISABLED));
        assert_eq!(
            Actions::Off("x").under(&ActionsConfig::default()),
            Actions::Off("x")
        );
    }
}
