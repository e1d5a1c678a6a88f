//! A run of checks by hand (`hb checks run`; an assistant's `run_health_checks`): recorded
//! as a `checks` run that the boards show but that counts toward no streak, and that
//! remediates only when asked.

use std::collections::HashSet;
use std::path::Path;
use std::time::Instant;

use anyhow::Result;

use super::{run_checks, Actions, Check, CheckOutcome};
use crate::config::{Config, Loaded};
use crate::exit::HbError;
use crate::store::Store;

/// Which checks a manual run runs.
#[derive(Debug, Clone, Copy)]
pub enum Selection<'a> {
    /// These, in the order given, each once (an unknown name is a usage error).
    Named(&'a [String]),
    /// The enabled checks that are due by their `every`, as the cycle would run them.
    Due,
    /// Every enabled check.
    All,
}

/// What a manual run may do besides running the checks.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Record the run in the store (created if needed); false leaves it untouched.
    pub record: bool,
    /// Run the `on_failure` commands of checks that fail (never without `record`).
    pub remediate: bool,
}

/// What a manual run did.
#[derive(Debug)]
pub struct ManualRun {
    /// The `runs` row the results were recorded under (None: not recorded).
    pub run_id: Option<i64>,
    pub outcomes: Vec<CheckOutcome>,
}

/// Why a manual run did not remediate: it is what people run while editing a config.
const NOT_ASKED: &str = "`hb checks run` remediates only with --remediate";

/// Run the checks `selection` picks now, against the store at `store_path` (which the
/// built-in `cycle` check reads, and which a recorded run writes, creating it).
pub fn run(
    loaded: &Loaded,
    store_path: &Path,
    selection: Selection<'_>,
    options: Options,
    now: i64,
) -> Result<ManualRun> {
    let selected: Vec<&Check> = match selection {
        Selection::Named(names) => select(&loaded.config, names)?,
        Selection::Due => {
            let states = if store_path.exists() {
                Store::open_read_only(store_path)?.check_states()?
            } else {
                Default::default()
            };
            super::due_checks(&loaded.config.check, &states, now)
        }
        Selection::All => loaded
            .config
            .check
            .iter()
            .filter(|c| c.common.enabled)
            .collect(),
    };
    // A run that leaves no trace changes nothing.
    let actions = if options.remediate && options.record {
        Actions::On.under(&loaded.config.actions)
    } else {
        Actions::Off(NOT_ASKED)
    };
    let mut run_ctx = loaded.check_context(Some(store_path.to_path_buf()), now);
    if store_path.exists() {
        let store = Store::open_read_only(store_path)?;
        // A silenced check is being worked on: a manual run remediates nothing either.
        let silences = crate::cycle::system::silences(&store, &loaded.config, now)?;
        let silenced = selected
            .iter()
            .filter_map(|c| {
                let cover = silences.covering(&c.common.name, c.common.group, now)?;
                Some((c.common.name.clone(), cover))
            })
            .collect();
        run_ctx = run_ctx.with_silenced(silenced);
        if actions == Actions::On {
            // Remediation waits until a check has passed once (a wrong address is no outage).
            let remediable = selected.iter().filter(|c| !c.common.on_failure.is_empty());
            let passed = store.passed_checks(remediable.map(|c| c.common.name.as_str()))?;
            run_ctx = run_ctx.with_passed(passed);
        }
    }
    if !options.record || selected.is_empty() {
        return Ok(ManualRun {
            run_id: None,
            outcomes: run_checks(&selected, &run_ctx, actions),
        });
    }
    let mut store = Store::open(store_path)?;
    let started = Instant::now();
    let run_id = store.start_checks_run(now)?;
    let outcomes = run_checks(&selected, &run_ctx, actions);
    let elapsed = started.elapsed().as_millis() as u64;
    store.finish_checks_run(run_id, &outcomes, now, elapsed)?;
    Ok(ManualRun {
        run_id: Some(run_id),
        outcomes,
    })
}

/// The checks `names` names, in the order given, each once.
fn select<'a>(config: &'a Config, names: &[String]) -> Result<Vec<&'a Check>> {
    let mut seen = HashSet::new();
    let mut selected = Vec::new();
    for name in names {
        if !seen.insert(name.as_str()) {
            continue;
        }
        let check = config
            .check
            .iter()
            .find(|c| &c.common.name == name)
            .ok_or_else(|| HbError::Usage(no_such_check(config, name)))?;
        selected.push(check);
    }
    Ok(selected)
}

/// "no check named `x` (known checks: a, b)": what every door says of a name the config
/// does not declare.
pub fn no_such_check(config: &Config, name: &str) -> String {
    let known: Vec<&str> = config
        .check
        .iter()
        .map(|c| c.common.name.as_str())
        .collect();
    let hint = if known.is_empty() {
        "no checks are configured".to_string()
    } else {
        format!("known checks: {}", known.join(", "))
    };
    format!("no check named `{name}` ({hint})")
}
