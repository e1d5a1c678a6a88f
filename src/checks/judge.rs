//! The pure judgement of what a check observed: its value against `expect` or the
//! thresholds, the severity cap, and the messages that name the value and its limits.

use std::fmt;
use std::time::Duration;

use serde::Serialize;

use super::model::{
    Check, CheckOutcome, Condition, Expected, Metric, Severity, Status, Thresholds, Value,
};

/// What a check's value was, before any condition is applied.
#[derive(Debug, Clone, PartialEq)]
pub enum Reading {
    Number(f64),
    Text(String),
    Bool(bool),
    Null,
}

impl Reading {
    pub fn number(&self) -> Option<f64> {
        match self {
            Reading::Number(n) => Some(*n),
            Reading::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
            Reading::Text(t) => t.trim().parse().ok(),
            Reading::Null => None,
        }
    }

    /// The reading with the check's unit (numbers only).
    pub fn with_unit(&self, unit: Option<&str>) -> String {
        match self {
            Reading::Number(n) => format_value(*n, unit),
            other => other.to_string(),
        }
    }
}

impl fmt::Display for Reading {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reading::Number(n) => f.write_str(&format_number(*n)),
            Reading::Text(t) => write!(f, "{t:?}"),
            Reading::Bool(b) => write!(f, "{b}"),
            Reading::Null => f.write_str("null"),
        }
    }
}

/// A number as people read it: no trailing `.0`, at most three decimals.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{n:.0}")
    } else {
        let s = format!("{n:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// A value with its unit as people read it: `0.833%`, `23.3 s`, `4` (a `%` sticks to the
/// number; a word unit gets a space).
pub fn format_value(n: f64, unit: Option<&str>) -> String {
    match unit.map(str::trim).filter(|u| !u.is_empty()) {
        None => format_number(n),
        Some("%") => format!("{}%", format_number(n)),
        Some(unit) => format!("{} {unit}", format_number(n)),
    }
}

impl Thresholds {
    /// Every limit in words: "warn above 80, critical above 100".
    pub fn describe(&self, unit: Option<&str>) -> String {
        let v = |n: f64| format_value(n, unit);
        let mut parts = Vec::new();
        if let Some(n) = self.warn_above {
            parts.push(format!("warn above {}", v(n)));
        }
        if let Some(n) = self.crit_above {
            parts.push(format!("critical above {}", v(n)));
        }
        if let Some(n) = self.warn_below {
            parts.push(format!("warn below {}", v(n)));
        }
        if let Some(n) = self.crit_below {
            parts.push(format!("critical below {}", v(n)));
        }
        parts.join(", ")
    }

    /// The limits a passing value meets first, each way: "warn above 80".
    fn nearest(&self, unit: Option<&str>) -> String {
        Thresholds {
            warn_above: self.warn_above,
            crit_above: self.crit_above.filter(|_| self.warn_above.is_none()),
            warn_below: self.warn_below,
            crit_below: self.crit_below.filter(|_| self.warn_below.is_none()),
        }
        .describe(unit)
    }
}

impl Condition {
    /// Every limit of the condition in words ("warn above 80, critical above 100",
    /// "expected 0"); empty when there is none.
    pub fn describe(&self, unit: Option<&str>) -> String {
        match self {
            Condition::None => String::new(),
            Condition::Expect(expected) => expected_text(expected, unit),
            Condition::Thresholds(t) => t.describe(unit),
        }
    }

    /// What a passing value is held to, in words ("warn above 80", "expected 0");
    /// None when it is held to nothing.
    pub fn held_to(&self, unit: Option<&str>) -> Option<String> {
        let text = match self {
            Condition::None => String::new(),
            Condition::Expect(expected) => expected_text(expected, unit),
            Condition::Thresholds(t) => t.nearest(unit),
        };
        (!text.is_empty()).then_some(text)
    }
}

/// What one execution of a check type saw. `status` is the type's own verdict before
/// `expect`/thresholds and the severity cap: `Critical` means "failed".
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    pub status: Status,
    pub message: String,
    /// The reading that `expect` and the thresholds judge (None: nothing to judge).
    pub reading: Option<Reading>,
    pub latency_ms: Option<u64>,
    pub metrics: Vec<Metric>,
    /// The type already applied `expect`/thresholds (per row of a metrics query).
    pub judged: bool,
}

impl Observation {
    pub fn ok(message: impl Into<String>) -> Self {
        Observation {
            status: Status::Ok,
            message: message.into(),
            reading: None,
            latency_ms: None,
            metrics: Vec::new(),
            judged: false,
        }
    }

    pub fn failed(message: impl Into<String>) -> Self {
        Observation {
            status: Status::Critical,
            ..Observation::ok(message)
        }
    }

    pub fn unknown(message: impl Into<String>) -> Self {
        Observation {
            status: Status::Unknown,
            ..Observation::ok(message)
        }
    }

    pub fn with_reading(mut self, reading: Reading) -> Self {
        self.reading = Some(reading);
        self
    }

    pub fn with_latency(mut self, latency: Duration) -> Self {
        self.latency_ms = Some(latency.as_millis() as u64);
        self
    }
}

/// Judge a reading against its condition: the status and, when not ok, the limit it
/// broke ("critical above 100%"; the observation's message already shows the value).
pub fn judge(reading: &Reading, condition: &Condition, unit: Option<&str>) -> (Status, String) {
    let t = match condition {
        Condition::None => return (Status::Ok, String::new()),
        Condition::Expect(expected) => {
            let equal = match (expected, reading) {
                (Expected::Number(want), got) => {
                    got.number().is_some_and(|n| nearly_equal(n, *want))
                }
                (Expected::Text(want), Reading::Text(got)) => got == want,
                (Expected::Text(want), got @ (Reading::Number(_) | Reading::Bool(_))) => {
                    got.to_string() == *want
                }
                (Expected::Bool(want), got) => match got {
                    Reading::Bool(b) => b == want,
                    other => other.number() == Some(if *want { 1.0 } else { 0.0 }),
                },
                (_, Reading::Null) => false,
            };
            return if equal {
                (Status::Ok, String::new())
            } else {
                (Status::Critical, expected_text(expected, unit))
            };
        }
        Condition::Thresholds(t) => t,
    };
    if t.is_empty() {
        return (Status::Ok, String::new());
    }
    let Some(value) = reading.number() else {
        return (
            Status::Unknown,
            "not a number, cannot compare with the thresholds".to_string(),
        );
    };
    let n = |limit: f64| format_value(limit, unit);
    if let Some(limit) = t.crit_above.filter(|limit| value > *limit) {
        return (Status::Critical, format!("critical above {}", n(limit)));
    }
    if let Some(limit) = t.crit_below.filter(|limit| value < *limit) {
        return (Status::Critical, format!("critical below {}", n(limit)));
    }
    if let Some(limit) = t.warn_above.filter(|limit| value > *limit) {
        return (Status::Warning, format!("warn above {}", n(limit)));
    }
    if let Some(limit) = t.warn_below.filter(|limit| value < *limit) {
        return (Status::Warning, format!("warn below {}", n(limit)));
    }
    (Status::Ok, String::new())
}

/// "expected 0 USD": a number gets the value's unit.
pub fn expected_text(expected: &Expected, unit: Option<&str>) -> String {
    match expected {
        Expected::Number(n) => format!("expected {}", format_value(*n, unit)),
        other => format!("expected {other}"),
    }
}

/// A message and, in parentheses, what its value is held to or broke.
fn annotate(message: String, note: String) -> String {
    if message.is_empty() {
        note
    } else {
        format!("{message} ({note})")
    }
}

fn nearly_equal(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// A failure counts as the check's severity at most: a warning-severity check never
/// reports critical. Unknown and skipped are not failures of the target and stay as they are.
pub fn cap(status: Status, severity: Severity) -> Status {
    match (status, severity) {
        (Status::Critical, Severity::Warning) => Status::Warning,
        (status, _) => status,
    }
}

/// An observation after conditions and severity: what a run records.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluated {
    pub status: Status,
    pub message: String,
    pub value: Option<f64>,
    pub latency_ms: Option<u64>,
    pub metrics: Vec<Metric>,
}

impl Evaluated {
    /// A result with only a status and a message (skipped, crashed).
    pub fn bare(status: Status, message: String) -> Self {
        Evaluated {
            status,
            message,
            value: None,
            latency_ms: None,
            metrics: Vec::new(),
        }
    }
}

/// Combine a type's observation with the check's condition and severity.
pub fn evaluate(check: &Check, obs: Observation) -> Evaluated {
    let mut status = obs.status;
    let mut message = obs.message;
    if let (Status::Ok, false, Some(reading), Some(value)) =
        (status, obs.judged, &obs.reading, check.kind.value())
    {
        let Value {
            condition, unit, ..
        } = value;
        let unit = unit.as_deref();
        let (verdict, reason) = judge(reading, condition, unit);
        if verdict != Status::Ok {
            status = verdict;
            message = annotate(message, reason);
        } else if let Some(held_to) = condition.held_to(unit) {
            message = annotate(message, held_to);
        }
    }
    Evaluated {
        status: cap(status, check.common.severity),
        message,
        value: obs.reading.as_ref().and_then(Reading::number),
        latency_ms: obs.latency_ms,
        metrics: obs.metrics,
    }
}

/// The worst status of a set of outcomes (ok when there are none).
pub fn worst(outcomes: &[CheckOutcome]) -> Status {
    outcomes
        .iter()
        .fold(Status::Ok, |acc, outcome| acc.worse(outcome.status))
}

/// "3 checks: 2 ok, 1 critical".
pub fn summary(outcomes: &[CheckOutcome]) -> String {
    let order = [
        Status::Ok,
        Status::Warning,
        Status::Critical,
        Status::Unknown,
        Status::Skipped,
    ];
    let counts: Vec<String> = order
        .iter()
        .filter_map(|status| {
            let n = outcomes.iter().filter(|o| o.status == *status).count();
            (n > 0).then(|| format!("{n} {status}"))
        })
        .collect();
    let noun = if outcomes.len() == 1 {
        "check"
    } else {
        "checks"
    };
    format!("{} {noun}: {}", outcomes.len(), counts.join(", "))
}

/// A check over a window: how often it was up, how fast it answered.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct WindowStats {
    /// Results that counted (skipped ones do not).
    pub runs: usize,
    /// Share of counted results that were ok, in percent (one decimal).
    pub uptime_percent: Option<f64>,
    pub avg_latency_ms: Option<f64>,
    /// Nearest-rank 95th percentile.
    pub p95_latency_ms: Option<f64>,
}

pub fn window_stats(results: &[(Status, Option<i64>)]) -> WindowStats {
    let counted: Vec<&(Status, Option<i64>)> = results
        .iter()
        .filter(|(s, _)| *s != Status::Skipped)
        .collect();
    let ok = counted.iter().filter(|(s, _)| *s == Status::Ok).count();
    let mut latencies: Vec<i64> = results.iter().filter_map(|(_, l)| *l).collect();
    latencies.sort_unstable();
    let round = |x: f64| (x * 10.0).round() / 10.0;
    WindowStats {
        runs: counted.len(),
        uptime_percent: (!counted.is_empty())
            .then(|| round(ok as f64 / counted.len() as f64 * 100.0)),
        avg_latency_ms: (!latencies.is_empty())
            .then(|| round(latencies.iter().sum::<i64>() as f64 / latencies.len() as f64)),
        p95_latency_ms: (!latencies.is_empty()).then(|| {
            let rank = ((latencies.len() as f64) * 0.95).ceil() as usize;
            latencies[rank.clamp(1, latencies.len()) - 1] as f64
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_stats_uptime_average_and_p95() {
        let mut results: Vec<(Status, Option<i64>)> =
            (1..=19).map(|i| (Status::Ok, Some(i * 10))).collect();
        results.push((Status::Critical, Some(1000)));
        results.push((Status::Skipped, None));
        let stats = window_stats(&results);
        assert_eq!(stats.runs, 20);
        assert_eq!(stats.uptime_percent, Some(95.0));
        assert_eq!(stats.avg_latency_ms, Some(145.0));
        assert_eq!(stats.p95_latency_ms, Some(190.0));
        assert_eq!(window_stats(&[]).uptime_percent, None);
    }

    fn t(wa: Option<f64>, ca: Option<f64>, wb: Option<f64>, cb: Option<f64>) -> Condition {
        Condition::Thresholds(Thresholds {
            warn_above: wa,
            crit_above: ca,
            warn_below: wb,
            crit_below: cb,
        })
    }

    #[test]
    fn thresholds_above_and_below() {
        let above = t(Some(80.0), Some(100.0), None, None);
        assert_eq!(judge(&Reading::Number(50.0), &above, None).0, Status::Ok);
        assert_eq!(judge(&Reading::Number(80.0), &above, None).0, Status::Ok);
        assert_eq!(
            judge(&Reading::Number(81.0), &above, None).0,
            Status::Warning
        );
        let (status, why) = judge(&Reading::Number(120.0), &above, None);
        assert_eq!(status, Status::Critical);
        assert_eq!(why, "critical above 100");

        let below = t(None, None, Some(20.0), Some(10.0));
        assert_eq!(judge(&Reading::Number(25.0), &below, None).0, Status::Ok);
        assert_eq!(
            judge(&Reading::Number(15.5), &below, None).0,
            Status::Warning
        );
        assert_eq!(
            judge(&Reading::Number(5.0), &below, None).0,
            Status::Critical
        );
    }

    #[test]
    fn thresholds_need_a_number() {
        let above = t(None, Some(1.0), None, None);
        assert_eq!(judge(&Reading::Null, &above, None).0, Status::Unknown);
        assert_eq!(
            judge(&Reading::Text("abc".into()), &above, None).0,
            Status::Unknown
        );
        assert_eq!(
            judge(&Reading::Text("3".into()), &above, None).0,
            Status::Critical
        );
    }

    #[test]
    fn expect_compares_numbers_text_and_bools() {
        let zero = Condition::Expect(Expected::Number(0.0));
        assert_eq!(judge(&Reading::Number(0.0), &zero, None).0, Status::Ok);
        assert_eq!(judge(&Reading::Number(1e-12), &zero, None).0, Status::Ok);
        let (status, why) = judge(&Reading::Number(2.5), &zero, None);
        assert_eq!(status, Status::Critical);
        assert_eq!(why, "expected 0");
        assert_eq!(judge(&Reading::Null, &zero, None).0, Status::Critical);
        let ok = Condition::Expect(Expected::Text("ok".into()));
        assert_eq!(judge(&Reading::Text("ok".into()), &ok, None).0, Status::Ok);
        assert_eq!(
            judge(&Reading::Text("degraded".into()), &ok, None).0,
            Status::Critical
        );
        let yes = Condition::Expect(Expected::Bool(true));
        assert_eq!(judge(&Reading::Bool(true), &yes, None).0, Status::Ok);
        assert_eq!(judge(&Reading::Number(1.0), &yes, None).0, Status::Ok);
        assert_eq!(judge(&Reading::Number(0.0), &yes, None).0, Status::Critical);
    }

    #[test]
    fn severity_caps_failures() {
        assert_eq!(cap(Status::Critical, Severity::Warning), Status::Warning);
        assert_eq!(cap(Status::Critical, Severity::Critical), Status::Critical);
        assert_eq!(cap(Status::Unknown, Severity::Warning), Status::Unknown);
        assert_eq!(cap(Status::Ok, Severity::Warning), Status::Ok);
    }

    #[test]
    fn worst_and_exit_codes() {
        assert_eq!(Status::Ok.worse(Status::Warning), Status::Warning);
        assert_eq!(Status::Warning.worse(Status::Unknown), Status::Unknown);
        assert_eq!(Status::Critical.worse(Status::Unknown), Status::Critical);
        assert_eq!(Status::Skipped.worse(Status::Ok), Status::Ok);
        assert_eq!(Status::Skipped.exit_code(), 0);
        assert_eq!(Status::Warning.exit_code(), 1);
        assert_eq!(Status::Critical.exit_code(), 2);
        assert_eq!(Status::Unknown.exit_code(), 3);
        assert!(!Status::Skipped.is_failure());
        assert!(Status::Unknown.is_failure());
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(format_number(100.0), "100");
        assert_eq!(format_number(2.5), "2.5");
        assert_eq!(format_number(1.0 / 3.0), "0.333");
        assert_eq!(format_number(-4.0), "-4");
    }
}
