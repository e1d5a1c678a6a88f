//! Prometheus metrics: the textfile for node_exporter's textfile collector, written after
//! each cycle (`[export] prometheus_textfile`), and `GET /metrics` of `hb serve`: the same
//! series from the same [`snapshot`] and [`render`].
//!
//! [`render`] is pure; [`write_textfile`] replaces the file atomically (a temp file in the
//! same directory, then a rename), so the collector never reads half a file. A failed
//! export is the caller's warning, never the cycle's failure.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use anyhow::{Context, Result};

use crate::alert::Priority;
use crate::config::{Config, Loaded};
use crate::cycle::CycleReport;
use crate::pipeline::{Health, Stage};
use crate::store::{RunStatus, Store};

/// One configured check's last counted state.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckMetric {
    pub name: String,
    pub group: String,
    /// Nagios: 0 ok, 1 warning, 2 critical, 3 unknown.
    pub status_code: u8,
    /// `None` when the check did not measure one (skipped, timed out before connecting).
    pub latency_ms: Option<f64>,
}

/// The cycle the metrics describe.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CycleFacts {
    /// Unix seconds at which the cycle started (hb's clock).
    pub started_at: i64,
    pub duration_ms: i64,
    pub ok: bool,
}

/// Everything one exposition says.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// None when no cycle has finished yet: the cycle's series are left out.
    pub cycle: Option<CycleFacts>,
    /// Open notifications per priority; missing priorities are written as 0.
    pub open_notifications: Vec<(Priority, i64)>,
    pub properties: Vec<(Stage, Health, i64)>,
    pub checks: Vec<CheckMetric>,
}

/// The Prometheus text exposition format (0.0.4): HELP and TYPE before each family,
/// one sample per series, label values escaped.
pub fn render(s: &Snapshot) -> String {
    let mut out = String::new();
    let mut family = |name: &str, help: &str, samples: &[(Vec<(&str, &str)>, f64)]| {
        if samples.is_empty() {
            return;
        }
        let _ = writeln!(out, "# HELP {name} {}", escape_help(help));
        let _ = writeln!(out, "# TYPE {name} gauge");
        for (labels, value) in samples {
            let _ = writeln!(
                out,
                "{name}{} {}",
                render_labels(labels),
                format_value(*value)
            );
        }
    };
    let cycle = |value: fn(&CycleFacts) -> f64| -> Vec<(Vec<(&str, &str)>, f64)> {
        s.cycle.iter().map(|c| (vec![], value(c))).collect()
    };
    family(
        "hb_last_cycle_timestamp_seconds",
        "Unix time at which the last completed hb cycle started.",
        &cycle(|c| c.started_at as f64),
    );
    family(
        "hb_cycle_duration_seconds",
        "How long the last hb cycle took.",
        &cycle(|c| c.duration_ms as f64 / 1000.0),
    );
    family(
        "hb_cycle_success",
        "1 if every module of the last hb cycle succeeded, else 0.",
        &cycle(|c| if c.ok { 1.0 } else { 0.0 }),
    );
    let notifications: Vec<(Vec<(&str, &str)>, f64)> = Priority::ALL
        .iter()
        .map(|p| {
            let n = s
                .open_notifications
                .iter()
                .find(|(priority, _)| priority == p)
                .map(|(_, n)| *n)
                .unwrap_or(0);
            (vec![("priority", p.as_str())], n as f64)
        })
        .collect();
    family(
        "hb_open_notifications",
        "Open (unacknowledged, unresolved) notifications by priority.",
        &notifications,
    );
    let properties: Vec<(Vec<(&str, &str)>, f64)> = s
        .properties
        .iter()
        .map(|(stage, health, n)| {
            (
                vec![("stage", stage.as_str()), ("health", health.as_str())],
                *n as f64,
            )
        })
        .collect();
    family(
        "hb_properties",
        "Properties by pipeline stage and health.",
        &properties,
    );
    // One series per check: a second check with the same name and group is dropped.
    let mut checks: Vec<&CheckMetric> = Vec::new();
    for check in &s.checks {
        if !checks
            .iter()
            .any(|c| c.name == check.name && c.group == check.group)
        {
            checks.push(check);
        }
    }
    let status: Vec<_> = checks
        .iter()
        .map(|c| (check_labels(c), f64::from(c.status_code)))
        .collect();
    family(
        "hb_check_status",
        "Last status of each health check: 0 ok, 1 warning, 2 critical, 3 unknown.",
        &status,
    );
    let latency: Vec<_> = checks
        .iter()
        .filter_map(|c| c.latency_ms.map(|ms| (check_labels(c), ms / 1000.0)))
        .collect();
    family(
        "hb_check_latency_seconds",
        "Latency of each health check's last run.",
        &latency,
    );
    out
}

fn check_labels(c: &CheckMetric) -> Vec<(&str, &str)> {
    vec![("check", c.name.as_str()), ("group", c.group.as_str())]
}

fn render_labels(labels: &[(&str, &str)]) -> String {
    if labels.is_empty() {
        return String::new();
    }
    let pairs: Vec<String> = labels
        .iter()
        .map(|(k, v)| format!("{k}=\"{}\"", escape_label(v)))
        .collect();
    format!("{{{}}}", pairs.join(","))
}

/// Label values escape backslash, double quote and newline.
fn escape_label(value: &str) -> String {
    value
        .replace('\\', r"\\")
        .replace('"', "\\\"")
        .replace('\n', r"\n")
}

/// HELP text escapes backslash and newline.
fn escape_help(text: &str) -> String {
    text.replace('\\', r"\\").replace('\n', r"\n")
}

/// Go's ParseFloat reads Rust's shortest round-trip form; the special values have
/// Prometheus spellings.
fn format_value(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "+Inf" } else { "-Inf" }.into()
    } else {
        format!("{v}")
    }
}

/// What the store says at `now`, about `cycle`.
pub fn snapshot(
    config: &Config,
    store: &Store,
    cycle: Option<CycleFacts>,
    now: i64,
) -> Result<Snapshot> {
    // Every configured check's last known state, not only those that ran this cycle.
    let states = store.check_states()?;
    let checks = config
        .check
        .iter()
        .filter_map(|check| {
            states.get(&check.common.name).map(|state| CheckMetric {
                name: check.common.name.clone(),
                group: check.common.group.as_str().into(),
                status_code: state.status.exit_code(),
                latency_ms: state.last_latency_ms.map(|ms| ms as f64),
            })
        })
        .collect();
    Ok(Snapshot {
        cycle,
        open_notifications: store.open_notification_counts()?,
        properties: store.count_by_stage_health(&config.property.stale_days, now)?,
        checks,
    })
}

/// `GET /metrics`: the exposition at `now`, about the latest cycle that finished.
pub fn exposition(config: &Config, store: &Store, now: i64) -> Result<String> {
    let cycle = store.last_finished_run()?.map(|run| CycleFacts {
        started_at: run.started_at,
        duration_ms: run.duration_ms.unwrap_or(0),
        ok: run.status == RunStatus::Ok,
    });
    Ok(render(&snapshot(config, store, cycle, now)?))
}

/// The media type of the text exposition format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Gather the snapshot of a completed cycle and write it to `[export] prometheus_textfile`,
/// if set.
pub fn write_textfile(
    loaded: &Loaded,
    store: &Store,
    report: &CycleReport,
    now: i64,
) -> Result<()> {
    let Some(path) = &loaded.config.export.prometheus_textfile else {
        return Ok(());
    };
    let cycle = CycleFacts {
        started_at: now,
        duration_ms: report.duration_ms,
        ok: report.status == RunStatus::Ok,
    };
    let snapshot = snapshot(&loaded.config, store, Some(cycle), now)?;
    let path = loaded.resolve(path);
    write_atomic(&path, render(&snapshot).as_bytes())
        .with_context(|| format!("could not write the Prometheus textfile {}", path.display()))
}

/// Replace `path` with `content` so that readers see the old file or the new one, never
/// a part: write a temp file next to it (same file system), sync, rename over.
pub fn write_atomic(path: &Path, content: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .context("the path names no file")?
        .to_string_lossy();
    // Not `*.prom`: the collector must never pick up the temp file itself.
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| -> Result<()> {
        let mut file = std::fs::File::create(&tmp)
            .with_context(|| format!("could not create {}", tmp.display()))?;
        file.write_all(content)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
            .with_context(|| format!("could not rename {} over it", tmp.display()))?;
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot() -> Snapshot {
        Snapshot {
            cycle: Some(CycleFacts {
                started_at: 1_795_000_000,
                duration_ms: 212,
                ok: true,
            }),
            open_notifications: vec![(Priority::High, 2), (Priority::Medium, 5)],
            properties: vec![
                (Stage::New, Health::Stale, 3),
                (Stage::WaitingForContracts, Health::Blocked, 1),
            ],
            checks: vec![],
        }
    }

    #[test]
    fn renders_the_text_format() {
        let text = render(&snapshot());
        let expected = "\
# HELP hb_last_cycle_timestamp_seconds Unix time at which the last completed hb cycle started.
# TYPE hb_last_cycle_timestamp_seconds gauge
hb_last_cycle_timestamp_seconds 1795000000
# HELP hb_cycle_duration_seconds How long the last hb cycle took.
# TYPE hb_cycle_duration_seconds gauge
hb_cycle_duration_seconds 0.212
# HELP hb_cycle_success 1 if every module of the last hb cycle succeeded, else 0.
# TYPE hb_cycle_success gauge
hb_cycle_success 1
# HELP hb_open_notifications Open (unacknowledged, unresolved) notifications by priority.
# TYPE hb_open_notifications gauge
hb_open_notifications{priority=\"low\"} 0
hb_open_notifications{priority=\"medium\"} 5
hb_open_notifications{priority=\"high\"} 2
hb_open_notifications{priority=\"critical\"} 0
# HELP hb_properties Properties by pipeline stage and health.
# TYPE hb_properties gauge
hb_properties{stage=\"new\",health=\"stale\"} 3
hb_properties{stage=\"waiting_for_contracts\",health=\"blocked\"} 1
";
        assert_eq!(text, expected);
    }

    #[test]
    fn checks_escape_labels_and_drop_duplicate_series() {
        let mut s = snapshot();
        if let Some(cycle) = &mut s.cycle {
            cycle.ok = false;
        }
        s.checks = vec![
            CheckMetric {
                name: "api \"v2\"\\health\nz".into(),
                group: "system".into(),
                status_code: 2,
                latency_ms: Some(42.0),
            },
            CheckMetric {
                name: "queue".into(),
                group: "queue".into(),
                status_code: 0,
                latency_ms: None,
            },
            CheckMetric {
                name: "queue".into(),
                group: "queue".into(),
                status_code: 1,
                latency_ms: Some(1.0),
            },
        ];
        let text = render(&s);
        assert!(text.contains("hb_cycle_success 0\n"), "{text}");
        assert!(
            text.contains(
                "hb_check_status{check=\"api \\\"v2\\\"\\\\health\\nz\",group=\"system\"} 2\n"
            ),
            "{text}"
        );
        assert!(text.contains("hb_check_status{check=\"queue\",group=\"queue\"} 0\n"));
        assert_eq!(text.matches("hb_check_status{check=\"queue\"").count(), 1);
        assert!(text.contains(
            "hb_check_latency_seconds{check=\"api \\\"v2\\\"\\\\health\\nz\",group=\"system\"} 0.042\n"
        ));
        // The first queue check has no latency; the duplicate's is dropped with it.
        assert!(
            !text.contains("hb_check_latency_seconds{check=\"queue\""),
            "{text}"
        );
    }

    #[test]
    fn without_a_finished_cycle_its_series_are_left_out() {
        let mut s = snapshot();
        s.cycle = None;
        let text = render(&s);
        assert!(!text.contains("hb_cycle"), "{text}");
        assert!(!text.contains("hb_last_cycle"), "{text}");
        assert!(text.starts_with("# HELP hb_open_notifications "), "{text}");
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hb.prom");
        write_atomic(&path, b"one\n").unwrap();
        write_atomic(&path, b"two\n").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two\n");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["hb.prom"]);
        let missing = dir.path().join("no-such-dir").join("hb.prom");
        assert!(write_atomic(&missing, b"x").is_err());
    }
}
