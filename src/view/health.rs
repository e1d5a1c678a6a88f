//! `GET /health`, `/readyz` and `/livez`: the heartbeat's verdict in the IETF health-check
//! response format (draft-inadarei-api-health-check), whether the store can answer, and
//! whether the process does.
//!
//! `/health` is computed from `hb status`'s verdict ([`status::assess`], the part of
//! `hb status` that decides), never from one of its own: ok is `pass`, warning `warn`,
//! critical and unknown `fail`.

use std::path::Path;

use anyhow::Result;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::status::{self, Assessment, LastCycle};
use crate::checks::Status;
use crate::config::Config;
use crate::store::{RunStatus, Store};

/// The media type of the health document.
pub const CONTENT_TYPE: &str = "application/health+json";

/// The three states of the format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum HealthStatus {
    Pass,
    Warn,
    Fail,
}

impl HealthStatus {
    /// The `hb status` verdict in the format's words.
    pub fn of(verdict: Status) -> Self {
        match verdict {
            Status::Ok | Status::Skipped => HealthStatus::Pass,
            Status::Warning => HealthStatus::Warn,
            Status::Critical | Status::Unknown => HealthStatus::Fail,
        }
    }

    /// 200 for pass and warn (still serving), 503 for fail: what load balancers read.
    pub fn http_status(self) -> u16 {
        match self {
            HealthStatus::Pass | HealthStatus::Warn => 200,
            HealthStatus::Fail => 503,
        }
    }
}

/// `GET /health`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Health {
    pub status: HealthStatus,
    /// The format's public version of this service's interface.
    pub version: &'static str,
    pub release_id: &'static str,
    pub service_id: &'static str,
    pub description: &'static str,
    /// Why the status is what it is, worst first (empty when all is well).
    pub notes: Vec<String>,
    /// The notes in one line, when the status is not pass.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    /// `hb:lastCycleAge` for the heartbeat itself, then `NAME:responseTime` per check.
    pub checks: Components,
}

/// One reading of a component.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Component {
    pub component_id: String,
    pub component_type: &'static str,
    pub status: HealthStatus,
    pub observed_value: Option<serde_json::Value>,
    pub observed_unit: &'static str,
    /// When the reading was taken (null: never).
    pub time: Option<String>,
    /// What is wrong, when the status is not pass.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
}

/// The format's `checks` object, in the order the components were added (the heartbeat,
/// then the checks in config order).
#[derive(Debug, Default)]
pub struct Components(pub Vec<(String, Component)>);

impl Serialize for Components {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, component) in &self.0 {
            // The format's value is an array of readings: one node each here.
            map.serialize_entry(key, std::slice::from_ref(component))?;
        }
        map.end()
    }
}

/// The key of the heartbeat's own reading.
pub const HEARTBEAT_KEY: &str = "hb:lastCycleAge";

/// `GET /health` from `hb status`'s verdict.
pub fn health(assessment: &Assessment) -> Health {
    let notes = notes(assessment);
    let checks = components(assessment);
    let status = HealthStatus::of(assessment.status);
    Health {
        status,
        version: "1",
        release_id: env!("CARGO_PKG_VERSION"),
        service_id: "hb",
        description: "hb: the heartbeat of the deal platform (the verdict of `hb status`)",
        output: (status != HealthStatus::Pass && !notes.is_empty()).then(|| notes.join("; ")),
        notes,
        checks,
    }
}

/// The notes: the status verdict's reasons (`hb status`'s document has no spoken summary
/// yet; when it gains one, it leads here).
fn notes(assessment: &Assessment) -> Vec<String> {
    assessment.reasons.clone()
}

fn components(assessment: &Assessment) -> Components {
    // Without a cycle, the first reason says why (no store, or nothing ran yet).
    let heartbeat = heartbeat_component(
        assessment.last_cycle.as_ref(),
        assessment.reasons.first().cloned(),
    );
    let mut components = vec![(HEARTBEAT_KEY.to_string(), heartbeat)];
    for row in &assessment.checks {
        // What the check adds to the verdict: its counted state, unknown as a warning;
        // nothing while a silence covers it (its failure is said, as in the verdict).
        let status = match row.counted_status {
            _ if row.silenced.is_some() => HealthStatus::Pass,
            Some(Status::Critical) if row.enabled => HealthStatus::Fail,
            Some(Status::Warning | Status::Unknown) if row.enabled => HealthStatus::Warn,
            _ => HealthStatus::Pass,
        };
        let failing = row.enabled && row.counted_status.is_some_and(Status::is_failure);
        let output = failing.then(|| {
            let silenced = row
                .silenced
                .as_ref()
                .map(|c| format!(" ({})", c.line()))
                .unwrap_or_default();
            format!(
                "{} since {}: {}{silenced}",
                row.counted_status.map_or("", Status::as_str),
                row.counted_since.as_deref().unwrap_or("-"),
                row.counted_message.as_deref().unwrap_or("")
            )
        });
        components.push((
            // The format splits keys at the colon.
            format!("{}:responseTime", row.name.replace(':', "_")),
            Component {
                component_id: row.name.clone(),
                component_type: "component",
                status,
                observed_value: row.counted_latency_ms.map(serde_json::Value::from),
                observed_unit: "ms",
                time: row.counted_at.clone(),
                output,
            },
        ));
    }
    Components(components)
}

/// The heartbeat itself: the age of the last cycle, against "overdue".
fn heartbeat_component(last: Option<&LastCycle>, none: Option<String>) -> Component {
    let (status, output) = match last {
        None => (
            HealthStatus::Fail,
            Some(none.unwrap_or_else(|| "no cycle has ever run".into())),
        ),
        Some(last) if last.overdue => (
            HealthStatus::Fail,
            Some(format!(
                "the last cycle started {} ago: overdue",
                status::format_secs(last.age_seconds)
            )),
        ),
        Some(last) if matches!(last.status, RunStatus::Failed | RunStatus::Aborted) => (
            HealthStatus::Warn,
            Some(format!(
                "the last cycle (run {}) {}",
                last.run_id, last.status
            )),
        ),
        Some(_) => (HealthStatus::Pass, None),
    };
    Component {
        component_id: "hb".into(),
        component_type: "system",
        status,
        observed_value: last.map(|l| l.age_seconds.into()),
        observed_unit: "s",
        time: last.map(|l| l.started_at.clone()),
        output,
    }
}

/// `GET /readyz`: can this instance answer (for orchestrators).
#[derive(Debug, Serialize)]
pub struct Readiness {
    pub ready: bool,
    /// The store, its schema, the heartbeat: each ok or why not.
    pub checks: Vec<Probe>,
}

#[derive(Debug, Serialize)]
pub struct Probe {
    pub name: &'static str,
    pub ok: bool,
    pub message: String,
}

impl Readiness {
    /// 200 when ready, 503 otherwise.
    pub fn http_status(&self) -> u16 {
        if self.ready {
            200
        } else {
            503
        }
    }
}

/// Ready: the store at `path` opens for reading (`opened`), its schema is current, and the
/// last cycle is not overdue at `now`.
pub fn readiness(path: &Path, opened: Result<Store>, config: &Config, now: i64) -> Readiness {
    let probe = |name, ok, message: String| Probe { name, ok, message };
    let mut checks = Vec::new();
    match opened {
        Err(err) => {
            checks.push(probe("store", false, format!("{err:#}")));
            checks.push(probe(
                "schema",
                false,
                "not checked: the store did not open".into(),
            ));
            checks.push(probe(
                "heartbeat",
                false,
                "not checked: the store did not open".into(),
            ));
        }
        Ok(store) => {
            checks.push(probe(
                "store",
                true,
                format!("{} is readable", path.display()),
            ));
            checks.push(match store.schema_version() {
                Ok((version, current)) if version == current => {
                    probe("schema", true, format!("schema version {version} (current)"))
                }
                Ok((version, current)) => probe(
                    "schema",
                    false,
                    format!("schema version {version}, this hb expects {current}: run `hb status` once as the store's owner to migrate"),
                ),
                Err(err) => probe("schema", false, format!("{err:#}")),
            });
            checks.push(match status::last_cycle(&store, config, now) {
                Ok(None) => probe(
                    "heartbeat",
                    false,
                    "no cycle has ever run: run `hb cycle` or install the timer (`hb schedule`)"
                        .into(),
                ),
                Ok(Some(last)) if last.overdue => probe(
                    "heartbeat",
                    false,
                    format!(
                        "the last cycle started {} ago, more than twice the {} cadence: is the timer running?",
                        status::format_secs(last.age_seconds),
                        status::format_secs(config.schedule.system.as_secs())
                    ),
                ),
                Ok(Some(last)) => probe(
                    "heartbeat",
                    true,
                    format!(
                        "the last cycle started {} ago",
                        status::format_secs(last.age_seconds)
                    ),
                ),
                Err(err) => probe("heartbeat", false, format!("{err:#}")),
            });
        }
    }
    Readiness {
        ready: checks.iter().all(|c| c.ok),
        checks,
    }
}

/// `GET /livez`: the process answers.
#[derive(Debug, Serialize)]
pub struct Liveness {
    pub status: &'static str,
}

pub fn liveness() -> Liveness {
    Liveness { status: "pass" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::status::board_row as row;

    fn full(status: Status, reasons: &[&str], last: Option<LastCycle>) -> Assessment {
        Assessment {
            status,
            reasons: reasons.iter().map(|r| r.to_string()).collect(),
            last_cycle: last,
            open_notifications: Default::default(),
            checks: vec![
                row("api", true, Some(Status::Critical)),
                row("queue:depth", true, Some(Status::Unknown)),
                row("disk", true, Some(Status::Ok)),
                row("off", false, Some(Status::Critical)),
                row("never", true, None),
            ],
            rejected_recipients: Vec::new(),
        }
    }

    fn last(age: i64, overdue: bool, status: RunStatus) -> LastCycle {
        LastCycle {
            run_id: 7,
            started_at: "2026-11-25T11:58:00Z".into(),
            status,
            duration_ms: Some(40),
            age_seconds: age,
            overdue,
        }
    }

    #[test]
    fn the_verdict_maps_to_pass_warn_fail_and_its_http_status() {
        let cases = [
            (Status::Ok, HealthStatus::Pass, 200),
            (Status::Warning, HealthStatus::Warn, 200),
            (Status::Critical, HealthStatus::Fail, 503),
            (Status::Unknown, HealthStatus::Fail, 503),
        ];
        for (verdict, expected, code) in cases {
            let doc = health(&full(
                verdict,
                &["why"],
                Some(last(60, false, RunStatus::Ok)),
            ));
            assert_eq!(doc.status, expected, "{verdict:?}");
            assert_eq!(doc.status.http_status(), code, "{verdict:?}");
            assert_eq!(
                doc.output.is_some(),
                expected != HealthStatus::Pass,
                "{verdict:?}"
            );
        }
    }

    #[test]
    fn each_check_reads_as_it_counts_for_the_verdict() {
        let doc = health(&full(
            Status::Critical,
            &["check api is critical", "check queue:depth is unknown"],
            Some(last(60, false, RunStatus::Ok)),
        ));
        let keys: Vec<&str> = doc.checks.0.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            [
                HEARTBEAT_KEY,
                "api:responseTime",
                "queue_depth:responseTime",
                "disk:responseTime",
                "off:responseTime",
                "never:responseTime"
            ]
        );
        let status: Vec<HealthStatus> = doc.checks.0.iter().map(|(_, c)| c.status).collect();
        use HealthStatus::*;
        assert_eq!(status, [Pass, Fail, Warn, Pass, Pass, Pass]);
        let api = &doc.checks.0[1].1;
        assert_eq!(api.component_id, "api");
        assert_eq!(api.observed_value, Some(12.into()));
        assert_eq!(api.time.as_deref(), Some("2026-11-25T11:55:00Z"));
        assert_eq!(
            api.output.as_deref(),
            Some("critical since 2026-11-25T11:00:00Z: down")
        );
        assert_eq!(doc.checks.0[3].1.output, None);
        assert_eq!(doc.notes.len(), 2);
        assert_eq!(
            doc.output.as_deref(),
            Some("check api is critical; check queue:depth is unknown")
        );
        // The format: an array of readings under each key, camelCase fields.
        let json = serde_json::to_value(&doc).expect("serializes");
        assert_eq!(json["checks"]["api:responseTime"][0]["componentId"], "api");
        assert_eq!(json["releaseId"], env!("CARGO_PKG_VERSION"));
        assert!(json["checks"]["disk:responseTime"][0]
            .get("output")
            .is_none());
    }

    #[test]
    fn the_heartbeat_reads_its_age_against_overdue() {
        let component = |last| health(&full(Status::Ok, &[], last)).checks.0.remove(0).1;
        let fresh = component(Some(last(60, false, RunStatus::Ok)));
        assert_eq!(
            (fresh.status, fresh.observed_value, fresh.observed_unit),
            (HealthStatus::Pass, Some(60.into()), "s")
        );
        let overdue = component(Some(last(1200, true, RunStatus::Ok)));
        assert_eq!(overdue.status, HealthStatus::Fail);
        assert_eq!(
            overdue.output.as_deref(),
            Some("the last cycle started 20m ago: overdue")
        );
        let failed = component(Some(last(60, false, RunStatus::Failed)));
        assert_eq!(failed.status, HealthStatus::Warn);
        assert_eq!(
            failed.output.as_deref(),
            Some("the last cycle (run 7) failed")
        );
        let never = component(None);
        assert_eq!(
            (never.status, never.observed_value),
            (HealthStatus::Fail, None)
        );
    }

    #[test]
    fn no_store_fails_and_says_why() {
        let path = Path::new("/x/hb.db");
        let assessment =
            status::assess(None, path, &Config::default(), 1_000, None).expect("assess");
        let doc = health(&assessment);
        assert_eq!(doc.status, HealthStatus::Fail);
        assert_eq!(doc.notes, ["no store at /x/hb.db: no cycle has ever run"]);
        assert_eq!(doc.checks.0.len(), 1);
        assert_eq!(
            doc.checks.0[0].1.output.as_deref(),
            Some("no store at /x/hb.db: no cycle has ever run")
        );
    }

    #[test]
    fn readiness_needs_a_store_and_a_cycle_on_time() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("hb.db");
        let config = Config::default();
        let missing = readiness(&path, Store::open_read_only(&path), &config, 1_000);
        assert!(!missing.ready);
        assert_eq!(missing.http_status(), 503);
        assert!(
            missing.checks[0].message.starts_with("no store at"),
            "{:?}",
            missing.checks
        );

        let mut store = Store::open(&path).expect("store");
        let empty = readiness(&path, Store::open_read_only(&path), &config, 1_000);
        let oks: Vec<bool> = empty.checks.iter().map(|c| c.ok).collect();
        assert_eq!(oks, [true, true, false]);
        assert!(empty.checks[2].message.starts_with("no cycle has ever run"));

        let crate::store::LockOutcome::Acquired { run_id, .. } =
            store.begin_run("timer", 1, 1_000, |_| false).expect("run")
        else {
            panic!("busy")
        };
        store
            .finish_run(run_id, RunStatus::Ok, 1_001, 5, "{}")
            .expect("finish");
        let ready = readiness(&path, Store::open_read_only(&path), &config, 1_060);
        assert!(ready.ready, "{:?}", ready.checks);
        assert_eq!(ready.http_status(), 200);
        let late = readiness(&path, Store::open_read_only(&path), &config, 1_000 + 601);
        assert!(!late.ready);
        assert!(
            late.checks[2].message.contains("is the timer running?"),
            "{:?}",
            late.checks
        );
    }
}
