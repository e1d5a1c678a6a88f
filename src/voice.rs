//! The spoken sentence of each answer: what an assistant says aloud (`hb mcp`'s text
//! content starts with it) and, for status, insights and a cycle, the `voice_summary` of
//! the CLI's `--json`, so the shell and the assistant say the same thing. Pure functions
//! of the documents; a property's sentence is the pipeline's own (`pipeline::heartbeat`).
//!
//! Words for speech: counts up to twelve are words ("five stale properties", "Twelve
//! things"), larger ones digits with thousands separators ("20 checks", "1,250 runs"),
//! zero is "no"; durations are digits and a unit ("3 minutes ago").

use crate::checks::Status;
use crate::cycle::{CycleReport, ModuleStatus};
use crate::insights::FindingKind;
use crate::store::RunStatus;
use crate::view::alerts::{Acknowledged, NotificationList};
use crate::view::checks::{Board, RunReport};
use crate::view::logs::{Run, RunDetail, RunList};
use crate::view::property::{ListFilter, PropertyList};
use crate::view::status::{CheckBoardRow, SystemStatus};

const WORDS: [&str; 13] = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve",
];

/// A count as it is said: "one" to "twelve" in words, then digits ("1,250").
pub fn number(n: i64) -> String {
    match usize::try_from(n) {
        Ok(i) if i < WORDS.len() => WORDS[i].to_string(),
        _ => grouped(n),
    }
}

/// Digits with thousands separators: `1250000` is "1,250,000".
fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

/// "no stale properties", "one stale property", "12 ..." is "twelve stale properties".
pub fn count(n: i64, one: &str, many: &str) -> String {
    match n {
        0 => format!("no {many}"),
        1 => format!("one {one}"),
        _ => format!("{} {many}", number(n)),
    }
}

/// "a", "a and b", "a, b and c".
pub fn and_list(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [first @ .., last] => format!("{} and {last}", first.join(", ")),
    }
}

/// The sentence's first letter in upper case.
fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A span in its largest whole unit: "40 seconds", "1 minute", "3 hours", "2 days".
pub fn span(secs: i64) -> String {
    let secs = secs.max(0);
    let (n, unit) = match secs {
        s if s < 60 => (s, "second"),
        s if s < 3_600 => (s / 60, "minute"),
        s if s < 86_400 => (s / 3_600, "hour"),
        s => (s / 86_400, "day"),
    };
    format!("{} {unit}{}", grouped(n), if n == 1 { "" } else { "s" })
}

/// How long something took: "212 milliseconds", "1 millisecond", "6.6 seconds".
pub fn took(ms: i64) -> String {
    if ms < 1_000 {
        let ms = ms.max(0);
        format!("{ms} millisecond{}", if ms == 1 { "" } else { "s" })
    } else {
        let secs = (ms as f64 / 100.0).round() / 10.0;
        format!("{secs} seconds")
    }
}

/// "3 minutes ago", or "just now" under a second.
fn ago(secs: i64) -> String {
    if secs < 1 {
        "just now".into()
    } else {
        format!("{} ago", span(secs))
    }
}

/// An RFC 3339 time as said: "25 November 2026 at 12:00 UTC" (as given when it is not one).
pub fn when(rfc3339: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(rfc3339) {
        Ok(t) => t
            .with_timezone(&chrono::Utc)
            .format("%-d %B %Y at %H:%M UTC")
            .to_string(),
        Err(_) => rfc3339.to_string(),
    }
}

/// `hb status`: "The system heartbeat is running: last cycle 3 minutes ago; 20 checks,
/// one failing: payments." Overdue says so (the answer to "is the agent running?").
pub fn status(status: &SystemStatus, cadence_secs: i64) -> String {
    let heartbeat = match &status.last_cycle {
        None => "The system heartbeat has not run yet: no cycle has run".to_string(),
        Some(last) => {
            let outcome = match last.status {
                RunStatus::Failed => ", which failed",
                RunStatus::Aborted => ", which was aborted",
                RunStatus::Running => ", still running",
                RunStatus::Ok => "",
            };
            if last.overdue {
                format!(
                    "The system heartbeat is overdue: last cycle {}{outcome}, more than twice its \
                     cadence of {}",
                    ago(last.age_seconds),
                    span(cadence_secs)
                )
            } else {
                format!(
                    "The system heartbeat is running: last cycle {}{outcome}",
                    ago(last.age_seconds)
                )
            }
        }
    };
    format!("{heartbeat}; {}.", checks_said(&status.checks))
}

/// The check board in words, by each check's counted state (what the verdict reads):
/// "20 checks, one failing: payments", "20 checks, none failing".
fn checks_said(board: &[CheckBoardRow]) -> String {
    let enabled: Vec<&CheckBoardRow> = board.iter().filter(|c| c.enabled).collect();
    if board.is_empty() {
        return "no checks are configured".into();
    }
    if enabled.is_empty() {
        return format!(
            "{}, all disabled",
            count(board.len() as i64, "check", "checks")
        );
    }
    let named = |wanted: &[Status]| -> Vec<String> {
        enabled
            .iter()
            .filter(|c| c.counted_status.is_some_and(|s| wanted.contains(&s)))
            .map(|c| c.name.clone())
            .collect()
    };
    let failing = named(&[Status::Warning, Status::Critical]);
    let unknown = named(&[Status::Unknown]);
    let mut said = count(enabled.len() as i64, "check", "checks");
    if enabled.iter().all(|c| c.counted_status.is_none()) {
        // Only a cycle's results count: a demo's or a manual run's are shown, not judged.
        said.push_str(", none run by a cycle yet");
        return said;
    }
    if failing.is_empty() && unknown.is_empty() {
        said.push_str(", none failing");
    }
    if !failing.is_empty() {
        let n = number(failing.len() as i64);
        said.push_str(&format!(", {n} failing: {}", and_list(&failing)));
    }
    if !unknown.is_empty() {
        let n = number(unknown.len() as i64);
        said.push_str(&format!(", {n} not evaluated: {}", and_list(&unknown)));
    }
    said
}

/// `hb status` without a store: nothing ever ran here.
pub fn no_store() -> String {
    "The system heartbeat has not run yet: there is no store, so no cycle has run.".into()
}

/// `hb insights`: "Twelve things need attention: five stale properties, ...".
pub fn insights(total: i64, by_kind: &[(FindingKind, i64)], snoozed: u64) -> String {
    // Snoozed properties wait for a known reason: said apart, never as attention.
    let waiting = match snoozed {
        0 => String::new(),
        1 => " One property is snoozed.".to_string(),
        n => format!(
            " {} properties are snoozed.",
            capitalized(&number(n as i64))
        ),
    };
    if total == 0 {
        return format!("Nothing needs attention: no stale, blocked or overdue work.{waiting}");
    }
    let kinds: Vec<String> = by_kind
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(kind, n)| count(*n, kind.singular(), kind.plural()))
        .collect();
    let (noun, verb) = if total == 1 {
        ("thing", "needs")
    } else {
        ("things", "need")
    };
    format!(
        "{} {noun} {verb} attention: {}.{waiting}",
        capitalized(&number(total)),
        and_list(&kinds)
    )
}

/// `hb cycle`: "Cycle 12 completed in 212 milliseconds: it found three stale properties
/// and one reminder due; four new notifications."
pub fn cycle(report: &CycleReport) -> String {
    let name = match (report.dry_run, report.run_id) {
        (true, _) => "A dry run of the cycle".to_string(),
        (false, Some(id)) => format!("Cycle {id}"),
        (false, None) => "The cycle".to_string(),
    };
    let mut said = format!("{name} completed in {}", took(report.duration_ms));
    if report.dry_run {
        said.push_str(" and wrote nothing");
    }
    let failed: Vec<String> = report
        .modules
        .iter()
        .filter(|m| m.status == ModuleStatus::Failed)
        .map(|m| m.module.as_str().to_string())
        .collect();
    if !failed.is_empty() {
        let noun = if failed.len() == 1 {
            "module"
        } else {
            "modules"
        };
        said.push_str(&format!(", but the {} {noun} failed", and_list(&failed)));
    }
    let found: Vec<String> = report
        .modules
        .iter()
        .flat_map(|m| m.items.iter())
        .filter(|item| item.count > 0)
        .map(|item| count(item.count, item.one, item.what))
        .collect();
    if found.is_empty() {
        said.push_str(": it found nothing to report");
    } else {
        said.push_str(&format!(": it found {}", and_list(&found)));
    }
    if !report.dry_run {
        let n = &report.notifications;
        said.push_str(&format!(
            "; {}",
            count(n.new as i64, "new notification", "new notifications")
        ));
        if n.resolved > 0 {
            said.push_str(&format!(", {} resolved", number(n.resolved as i64)));
        }
        if report.alerts.failed > 0 || report.alerts.error.is_some() {
            let channels = report.alerts.failed.max(1) as i64;
            said.push_str(&format!(
                "; alert delivery failed for {}, kept for the next cycle",
                count(channels, "channel", "channels")
            ));
        }
    }
    said.push('.');
    said
}

/// `hb property list`: "There are 42 stale properties; the most overdue is property #5 at
/// 12 Oak Ave, 3.2 days past its stage's limit."
pub fn property_list(list: &PropertyList, filter: &ListFilter) -> String {
    let health = filter
        .health
        .map(|h| format!("{} ", h.as_str()))
        .unwrap_or_default();
    let stage = filter
        .stage
        .map(|s| format!(" in {}", s.label()))
        .unwrap_or_default();
    let total = list.total as i64;
    let verb = if total == 1 { "is" } else { "are" };
    let mut said = format!(
        "There {verb} {}{stage}",
        count(
            total,
            &format!("{health}property"),
            &format!("{health}properties")
        )
    );
    let most = list
        .properties
        .first()
        .and_then(|p| p.overdue_days.filter(|d| *d > 0.0).map(|d| (p, d)));
    if let Some((p, days)) = most {
        said.push_str(&format!(
            "; the most overdue is property #{} at {}, {} day{} past its stage's limit",
            p.property_id,
            p.address,
            crate::pipeline::format_days(days),
            if days == 1.0 { "" } else { "s" }
        ));
    }
    said.push('.');
    said
}

/// How a run ended, as said after "run 12 ...".
fn ended(run: &Run) -> String {
    let took = run
        .duration_ms
        .map(|ms| format!(" in {}", took(ms)))
        .unwrap_or_default();
    match run.status {
        RunStatus::Ok => format!("completed{took}"),
        RunStatus::Failed => format!("failed{took}"),
        RunStatus::Aborted => "was aborted".into(),
        RunStatus::Running => "is still running".into(),
    }
}

/// What a run is, by its trigger: "a timer cycle", "a manual run of checks".
fn kind_of_run(trigger: &str) -> String {
    match trigger {
        "timer" => "a timer cycle".into(),
        "all" => "a cycle of every module".into(),
        "checks" => "a manual run of checks".into(),
        "demo" => "the demo's run of checks".into(),
        other => match other.strip_prefix("only:") {
            Some(modules) => format!("a cycle of {}", modules.replace(',', ", ")),
            None => format!("a {other} run"),
        },
    }
}

/// `hb logs`: "12 runs are recorded; the latest, run 12, a timer cycle started 25
/// November 2026 at 12:00 UTC, completed in 212 milliseconds."
pub fn runs(list: &RunList) -> String {
    let Some(latest) = list.runs.first() else {
        return "No runs are recorded yet: no cycle has run.".into();
    };
    let total = list.total as i64;
    let verb = if total == 1 { "is" } else { "are" };
    let mut said = format!(
        "{} {verb} recorded; the latest, run {}, {} started {}, {}.",
        capitalized(&count(total, "run", "runs")),
        latest.id,
        kind_of_run(&latest.trigger),
        when(&latest.started_at),
        ended(latest)
    );
    if let Some(voice) = recorded_voice(latest) {
        said.push(' ');
        said.push_str(voice);
    }
    said
}

/// A cycle's own sentence, as its report recorded it (runs from before hb had one: none).
fn recorded_voice(run: &Run) -> Option<&str> {
    run.summary.get("voice_summary").and_then(|v| v.as_str())
}

/// `hb logs RUN_ID`: "Run 12, a timer cycle started ..., completed in 212 milliseconds:
/// six modules ran, one failed: market; 20 checks ran, one failing: payments."
pub fn run(detail: &RunDetail) -> String {
    let run = &detail.run;
    let mut said = format!(
        "Run {}, {} started {}, {}",
        run.id,
        kind_of_run(&run.trigger),
        when(&run.started_at),
        ended(run)
    );
    let mut parts = Vec::new();
    let ran: Vec<_> = detail
        .modules
        .iter()
        .filter(|m| m.status != ModuleStatus::Skipped)
        .collect();
    if !ran.is_empty() {
        let failed: Vec<String> = ran
            .iter()
            .filter(|m| m.status == ModuleStatus::Failed)
            .map(|m| m.module.as_str().to_string())
            .collect();
        let mut part = format!("{} ran", count(ran.len() as i64, "module", "modules"));
        if !failed.is_empty() {
            part.push_str(&format!(
                ", {} failed: {}",
                number(failed.len() as i64),
                and_list(&failed)
            ));
        }
        parts.push(part);
    }
    if !detail.checks.is_empty() {
        let failing: Vec<String> = detail
            .checks
            .iter()
            .filter(|c| matches!(c.status, Status::Warning | Status::Critical))
            .map(|c| c.name.clone())
            .collect();
        let mut part = format!(
            "{} ran",
            count(detail.checks.len() as i64, "check", "checks")
        );
        if failing.is_empty() {
            part.push_str(", none failing");
        } else {
            part.push_str(&format!(
                ", {} failing: {}",
                number(failing.len() as i64),
                and_list(&failing)
            ));
        }
        parts.push(part);
    }
    if !parts.is_empty() {
        said.push_str(": ");
        said.push_str(&parts.join("; "));
    }
    said.push('.');
    said
}

/// Statuses counted as said: "17 ok, one warning and two critical".
fn statuses_said(statuses: &[Option<Status>]) -> String {
    let mut parts = Vec::new();
    for status in [
        Status::Ok,
        Status::Warning,
        Status::Critical,
        Status::Unknown,
        Status::Skipped,
    ] {
        let n = statuses.iter().filter(|s| **s == Some(status)).count();
        if n > 0 {
            parts.push(format!("{} {}", number(n as i64), status.as_str()));
        }
    }
    let never = statuses.iter().filter(|s| s.is_none()).count();
    if never > 0 {
        parts.push(format!("{} never run", number(never as i64)));
    }
    and_list(&parts)
}

/// `hb checks`: "20 checks: 17 ok, one warning, one critical and one never run;
/// failing: payments and api." By each check's latest result, as the board shows it.
pub fn board(board: &Board) -> String {
    if board.checks.is_empty() {
        return "No checks are configured.".into();
    }
    let enabled: Vec<_> = board.checks.iter().filter(|c| c.enabled).collect();
    let statuses: Vec<Option<Status>> = enabled.iter().map(|c| c.status).collect();
    let mut said = capitalized(&count(board.checks.len() as i64, "check", "checks"));
    if !statuses.is_empty() {
        said.push_str(&format!(": {}", statuses_said(&statuses)));
    }
    let disabled = board.checks.len() - enabled.len();
    if disabled > 0 {
        said.push_str(&format!(", {} disabled", number(disabled as i64)));
    }
    let failing: Vec<String> = enabled
        .iter()
        .filter(|c| matches!(c.status, Some(Status::Warning | Status::Critical)))
        .map(|c| c.name.clone())
        .collect();
    if !failing.is_empty() {
        said.push_str(&format!("; failing: {}", and_list(&failing)));
    }
    said.push('.');
    said
}

/// `hb checks run`: "Ran three checks by hand, recorded as run 14 (shown, not counted
/// toward alerts): two ok and one critical; failing: payments."
pub fn checks_run(report: &RunReport) -> String {
    if report.results.is_empty() {
        return "No checks ran: none were selected.".into();
    }
    let n = report.results.len() as i64;
    let recorded = match report.run_id {
        Some(id) => format!(", recorded as run {id} (shown, not counted toward alerts)"),
        None => ", not recorded".into(),
    };
    let statuses: Vec<Option<Status>> = report.results.iter().map(|r| Some(r.status)).collect();
    let mut said = format!(
        "Ran {} by hand{recorded}: {}",
        count(n, "check", "checks"),
        statuses_said(&statuses)
    );
    let failing: Vec<String> = report
        .results
        .iter()
        .filter(|r| matches!(r.status, Status::Warning | Status::Critical))
        .map(|r| r.name.clone())
        .collect();
    if !failing.is_empty() {
        said.push_str(&format!("; failing: {}", and_list(&failing)));
    }
    said.push('.');
    said
}

/// `hb alerts`: "There are 42 open notifications; the most urgent is #12, high: Property
/// #5 is blocked."
pub fn notifications(list: &NotificationList) -> String {
    let (one, many) = if list.asked_all {
        ("notification", "notifications")
    } else {
        ("open notification", "open notifications")
    };
    let matching = if list.asked_filtered {
        " matching the filter"
    } else {
        ""
    };
    let total = list.total as i64;
    let verb = if total == 1 { "is" } else { "are" };
    let mut said = format!("There {verb} {}{matching}", count(total, one, many));
    if let Some(first) = list.notifications.first() {
        said.push_str(&format!(
            "; the most urgent is #{}, {}: {}",
            first.id,
            first.priority,
            first.subject.trim_end_matches('.')
        ));
    }
    said.push('.');
    said
}

/// `hb alerts ack`: "Acknowledged notifications 12 and 13."
pub fn acknowledged(ack: &Acknowledged) -> String {
    let ids: Vec<String> = ack.acknowledged.iter().map(|id| id.to_string()).collect();
    match ids.len() {
        0 => "Acknowledged no notifications.".into(),
        1 => format!("Acknowledged notification {}.", ids[0]),
        _ => format!("Acknowledged notifications {}.", and_list(&ids)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::{self, Group, Kind, Severity};
    use crate::cycle::{AlertCounts, Module, ModuleReport, NotificationCounts, SummaryItem};
    use crate::pipeline::{Health, Stage};
    use crate::view::checks::{BoardCheck, RunResult};
    use crate::view::logs::{CheckResult, ModuleResult};
    use crate::view::property::ListedProperty;
    use crate::view::status::LastCycle;

    #[test]
    fn numbers_are_words_to_twelve_then_grouped_digits() {
        assert_eq!(number(0), "zero");
        assert_eq!(number(1), "one");
        assert_eq!(number(12), "twelve");
        assert_eq!(number(13), "13");
        assert_eq!(number(1_250), "1,250");
        assert_eq!(number(656_012), "656,012");
        assert_eq!(number(1_000_000), "1,000,000");
        assert_eq!(count(0, "check", "checks"), "no checks");
        assert_eq!(count(1, "check", "checks"), "one check");
        assert_eq!(count(5, "check", "checks"), "five checks");
        assert_eq!(count(20, "check", "checks"), "20 checks");
    }

    #[test]
    fn lists_spans_and_times_read_aloud() {
        assert_eq!(and_list(&[]), "");
        assert_eq!(and_list(&["a".into()]), "a");
        assert_eq!(and_list(&["a".into(), "b".into()]), "a and b");
        assert_eq!(
            and_list(&["a".into(), "b".into(), "c".into()]),
            "a, b and c"
        );
        assert_eq!(span(0), "0 seconds");
        assert_eq!(span(1), "1 second");
        assert_eq!(span(59), "59 seconds");
        assert_eq!(span(60), "1 minute");
        assert_eq!(span(200), "3 minutes");
        assert_eq!(span(7_200), "2 hours");
        assert_eq!(span(86_400), "1 day");
        assert_eq!(span(-5), "0 seconds");
        assert_eq!(took(1), "1 millisecond");
        assert_eq!(took(212), "212 milliseconds");
        assert_eq!(took(6_640), "6.6 seconds");
        assert_eq!(ago(0), "just now");
        assert_eq!(ago(180), "3 minutes ago");
        assert_eq!(
            when("2026-11-25T12:00:00Z"),
            "25 November 2026 at 12:00 UTC"
        );
        assert_eq!(when("not a time"), "not a time");
    }

    fn board_row(name: &str, enabled: bool, counted: Option<Status>) -> CheckBoardRow {
        CheckBoardRow {
            name: name.into(),
            group: "system",
            enabled,
            status: counted,
            since: None,
            message: None,
            counted: true,
            counted_status: counted,
            counted_since: None,
            counted_message: None,
            counted_at: None,
            counted_latency_ms: None,
            alerting: false,
            flapping: false,
            note: None,
            silenced: None,
            mark: "",
            window: checks::window_stats(&[]),
        }
    }

    fn system_status(last: Option<LastCycle>, checks: Vec<CheckBoardRow>) -> SystemStatus {
        SystemStatus {
            status: Status::Ok,
            reasons: Vec::new(),
            voice_summary: String::new(),
            last_cycle: last,
            modules: Vec::new(),
            open_notifications: Default::default(),
            top_actions: Vec::new(),
            remediation: checks::RemediationStatus {
                enabled: true,
                reason: None,
            },
            checks,
            metrics: Vec::new(),
            rejected_recipients: Vec::new(),
            silences: crate::view::status::SilencesStatus {
                silences: Vec::new(),
                windows: Vec::new(),
                held: Vec::new(),
            },
            brief: None,
            window: crate::view::status::WindowStats {
                window: "24h".into(),
                cycles: 0,
                ok: 0,
                failed: 0,
                aborted: 0,
                completion_rate: None,
            },
        }
    }

    fn last(status: RunStatus, age_seconds: i64, overdue: bool) -> Option<LastCycle> {
        Some(LastCycle {
            run_id: 7,
            started_at: "2026-11-25T12:00:00Z".into(),
            status,
            duration_ms: Some(10),
            age_seconds,
            overdue,
        })
    }

    fn twenty_checks(failing: &[(&str, Status)]) -> Vec<CheckBoardRow> {
        let mut rows: Vec<CheckBoardRow> = failing
            .iter()
            .map(|(name, status)| board_row(name, true, Some(*status)))
            .collect();
        while rows.len() < 20 {
            rows.push(board_row(
                &format!("c{}", rows.len()),
                true,
                Some(Status::Ok),
            ));
        }
        rows
    }

    #[test]
    fn status_says_running_with_the_failing_checks() {
        let s = system_status(
            last(RunStatus::Ok, 180, false),
            twenty_checks(&[("payments", Status::Critical)]),
        );
        assert_eq!(
            status(&s, 300),
            "The system heartbeat is running: last cycle 3 minutes ago; 20 checks, one failing: payments."
        );
        let s = system_status(
            last(RunStatus::Ok, 40, false),
            twenty_checks(&[
                ("payments", Status::Critical),
                ("api", Status::Warning),
                ("xero", Status::Unknown),
            ]),
        );
        assert_eq!(
            status(&s, 300),
            "The system heartbeat is running: last cycle 40 seconds ago; 20 checks, two failing: \
             payments and api, one not evaluated: xero."
        );
    }

    #[test]
    fn status_with_nothing_failing_zero_checks_or_all_disabled() {
        let s = system_status(last(RunStatus::Ok, 60, false), twenty_checks(&[]));
        assert_eq!(
            status(&s, 300),
            "The system heartbeat is running: last cycle 1 minute ago; 20 checks, none failing."
        );
        let s = system_status(last(RunStatus::Ok, 0, false), Vec::new());
        assert_eq!(
            status(&s, 300),
            "The system heartbeat is running: last cycle just now; no checks are configured."
        );
        let s = system_status(
            last(RunStatus::Ok, 60, false),
            vec![board_row("api", false, Some(Status::Critical))],
        );
        assert_eq!(
            status(&s, 300),
            "The system heartbeat is running: last cycle 1 minute ago; one check, all disabled."
        );
        let s = system_status(
            last(RunStatus::Ok, 60, false),
            vec![board_row("api", true, None), board_row("db", true, None)],
        );
        assert_eq!(
            status(&s, 300),
            "The system heartbeat is running: last cycle 1 minute ago; two checks, none run by a \
             cycle yet."
        );
        // A disabled check's old failure is not said; one enabled check is "one check".
        let s = system_status(
            last(RunStatus::Ok, 60, false),
            vec![
                board_row("api", true, Some(Status::Ok)),
                board_row("old", false, Some(Status::Critical)),
            ],
        );
        assert_eq!(
            status(&s, 300),
            "The system heartbeat is running: last cycle 1 minute ago; one check, none failing."
        );
    }

    #[test]
    fn status_says_overdue_and_how_the_last_cycle_ended() {
        let s = system_status(last(RunStatus::Ok, 7_200, true), twenty_checks(&[]));
        assert_eq!(
            status(&s, 300),
            "The system heartbeat is overdue: last cycle 2 hours ago, more than twice its \
             cadence of 5 minutes; 20 checks, none failing."
        );
        let s = system_status(last(RunStatus::Failed, 120, false), twenty_checks(&[]));
        assert_eq!(
            status(&s, 300),
            "The system heartbeat is running: last cycle 2 minutes ago, which failed; 20 checks, none failing."
        );
        let s = system_status(last(RunStatus::Aborted, 900, true), twenty_checks(&[]));
        assert!(
            status(&s, 300).starts_with(
                "The system heartbeat is overdue: last cycle 15 minutes ago, which was aborted,"
            ),
            "{}",
            status(&s, 300)
        );
    }

    #[test]
    fn status_before_any_cycle_and_without_a_store() {
        let s = system_status(None, twenty_checks(&[]));
        assert_eq!(
            status(&s, 300),
            "The system heartbeat has not run yet: no cycle has run; 20 checks, none failing."
        );
        assert_eq!(
            no_store(),
            "The system heartbeat has not run yet: there is no store, so no cycle has run."
        );
    }

    #[test]
    fn insights_count_things_and_kinds() {
        assert_eq!(
            insights(0, &[(FindingKind::StaleProperty, 0)], 0),
            "Nothing needs attention: no stale, blocked or overdue work."
        );
        assert_eq!(
            insights(1, &[(FindingKind::StaleProperty, 1)], 1),
            "One thing needs attention: one stale property. One property is snoozed."
        );
        assert_eq!(
            insights(0, &[], 3),
            "Nothing needs attention: no stale, blocked or overdue work. Three properties are \
             snoozed."
        );
        assert_eq!(
            insights(
                12,
                &[
                    (FindingKind::BlockedProperty, 2),
                    (FindingKind::DeadlinePassed, 0),
                    (FindingKind::StaleProperty, 5),
                    (FindingKind::MissingEnrichment, 5),
                ],
                0
            ),
            "Twelve things need attention: two blocked properties, five stale properties and \
             five properties missing enrichment."
        );
        assert_eq!(
            insights(656_000, &[(FindingKind::StaleProperty, 656_000)], 0),
            "656,000 things need attention: 656,000 stale properties."
        );
    }

    fn cycle_report(run_id: Option<i64>, dry_run: bool, modules: Vec<ModuleReport>) -> CycleReport {
        CycleReport {
            run_id,
            status: RunStatus::Ok,
            dry_run,
            started_at: "2026-11-25T12:00:00Z".into(),
            duration_ms: 212,
            modules,
            notifications: NotificationCounts::default(),
            alerts: AlertCounts::default(),
            aborted_runs: Vec::new(),
            pruned_runs: 0,
            warnings: Vec::new(),
            runlog: None,
            brief: None,
            line: String::new(),
            voice_summary: String::new(),
        }
    }

    fn module(module: Module, status: ModuleStatus, items: Vec<SummaryItem>) -> ModuleReport {
        ModuleReport {
            module,
            status,
            findings: items.iter().map(|i| i.count).sum(),
            duration_ms: 1,
            message: "it broke".into(),
            items,
            scan: None,
            rows: None,
        }
    }

    #[test]
    fn a_cycle_says_what_it_found_and_what_it_notified() {
        let mut report = cycle_report(
            Some(12),
            false,
            vec![
                module(
                    Module::Portfolio,
                    ModuleStatus::Ok,
                    vec![
                        SummaryItem::new(3, "stale property", "stale properties", vec![5, 12]),
                        SummaryItem::new(0, "blocked property", "blocked properties", vec![]),
                    ],
                ),
                module(
                    Module::Scheduled,
                    ModuleStatus::Ok,
                    vec![SummaryItem::new(
                        1,
                        "reminder due",
                        "reminders due",
                        vec![7],
                    )],
                ),
            ],
        );
        report.notifications.new = 4;
        assert_eq!(
            cycle(&report),
            "Cycle 12 completed in 212 milliseconds: it found three stale properties and one \
             reminder due; four new notifications."
        );
        report.notifications = NotificationCounts {
            new: 1,
            resolved: 2,
            ..Default::default()
        };
        report.alerts.failed = 2;
        assert_eq!(
            cycle(&report),
            "Cycle 12 completed in 212 milliseconds: it found three stale properties and one \
             reminder due; one new notification, two resolved; alert delivery failed for two \
             channels, kept for the next cycle."
        );
    }

    #[test]
    fn a_cycle_with_nothing_found_a_failure_or_a_dry_run() {
        let report = cycle_report(Some(3), false, Vec::new());
        assert_eq!(
            cycle(&report),
            "Cycle 3 completed in 212 milliseconds: it found nothing to report; no new notifications."
        );
        let report = cycle_report(
            Some(4),
            false,
            vec![
                module(Module::Market, ModuleStatus::Failed, Vec::new()),
                module(Module::System, ModuleStatus::Failed, Vec::new()),
            ],
        );
        assert_eq!(
            cycle(&report),
            "Cycle 4 completed in 212 milliseconds, but the market and system modules failed: \
             it found nothing to report; no new notifications."
        );
        let mut report = cycle_report(
            None,
            true,
            vec![module(
                Module::Portfolio,
                ModuleStatus::Ok,
                vec![SummaryItem::new(
                    1,
                    "stale property",
                    "stale properties",
                    vec![5],
                )],
            )],
        );
        report.notifications.new = 1;
        assert_eq!(
            cycle(&report),
            "A dry run of the cycle completed in 212 milliseconds and wrote nothing: it found \
             one stale property."
        );
    }

    fn listed(id: i64, overdue_days: Option<f64>) -> ListedProperty {
        ListedProperty {
            property_id: id,
            address: format!("{id} Oak Ave"),
            city: None,
            state: None,
            stage: Stage::Enriched,
            health: Health::Stale,
            days_in_stage: 8.2,
            stale_after_days: Some(5.0),
            overdue_days,
            score: None,
            blocked_reason: None,
            snoozed_until: None,
            snooze_reason: None,
        }
    }

    #[test]
    fn a_property_list_says_how_many_and_the_most_overdue() {
        let filter = ListFilter {
            health: Some(Health::Stale),
            stage: Some(Stage::Enriched),
            limit: Some(50),
        };
        let list = PropertyList {
            total: 42,
            properties: vec![listed(5, Some(3.2)), listed(6, Some(1.0))],
        };
        assert_eq!(
            property_list(&list, &filter),
            "There are 42 stale properties in Enriched; the most overdue is property #5 at 5 Oak \
             Ave, 3.2 days past its stage's limit."
        );
        let list = PropertyList {
            total: 1,
            properties: vec![listed(6, Some(1.0))],
        };
        assert_eq!(
            property_list(&list, &ListFilter::default()),
            "There is one property; the most overdue is property #6 at 6 Oak Ave, 1 day past \
             its stage's limit."
        );
        let list = PropertyList {
            total: 3,
            properties: vec![listed(6, Some(-1.0))],
        };
        assert_eq!(
            property_list(&list, &ListFilter::default()),
            "There are three properties."
        );
        let empty = PropertyList {
            total: 0,
            properties: Vec::new(),
        };
        assert_eq!(
            property_list(&empty, &filter),
            "There are no stale properties in Enriched."
        );
    }

    fn logged_run(id: i64, trigger: &str, status: RunStatus) -> Run {
        Run {
            id,
            trigger: trigger.into(),
            started_at: "2026-11-25T12:00:00Z".into(),
            finished_at: None,
            status,
            duration_ms: Some(212),
            pid: None,
            summary: serde_json::Value::Null,
        }
    }

    #[test]
    fn the_log_says_its_latest_run_and_that_runs_own_sentence() {
        assert_eq!(
            runs(&RunList {
                total: 0,
                runs: Vec::new()
            }),
            "No runs are recorded yet: no cycle has run."
        );
        let mut latest = logged_run(12, "timer", RunStatus::Ok);
        latest.summary = serde_json::json!({"voice_summary": "Cycle 12 completed in 212 milliseconds: it found nothing to report; no new notifications."});
        assert_eq!(
            runs(&RunList {
                total: 12,
                runs: vec![latest]
            }),
            "Twelve runs are recorded; the latest, run 12, a timer cycle started 25 November \
             2026 at 12:00 UTC, completed in 212 milliseconds. Cycle 12 completed in 212 \
             milliseconds: it found nothing to report; no new notifications."
        );
        assert_eq!(
            runs(&RunList {
                total: 1,
                runs: vec![logged_run(1, "checks", RunStatus::Running)]
            }),
            "One run is recorded; the latest, run 1, a manual run of checks started 25 November \
             2026 at 12:00 UTC, is still running."
        );
        let aborted = logged_run(2, "only:market,scheduled", RunStatus::Aborted);
        assert_eq!(
            runs(&RunList {
                total: 2,
                runs: vec![aborted]
            }),
            "Two runs are recorded; the latest, run 2, a cycle of market, scheduled started 25 \
             November 2026 at 12:00 UTC, was aborted."
        );
    }

    fn check_result(name: &str, status: Status) -> CheckResult {
        CheckResult {
            name: name.into(),
            group: Group::System,
            status,
            latency_ms: None,
            message: String::new(),
            value: None,
            remediation: None,
            silenced: None,
        }
    }

    fn module_result(module: Module, status: ModuleStatus) -> ModuleResult {
        ModuleResult {
            module,
            status,
            findings: 0,
            duration_ms: 1,
            message: None,
            scan: None,
            rows: None,
        }
    }

    #[test]
    fn one_run_says_its_modules_and_checks() {
        let detail = RunDetail {
            run: logged_run(12, "all", RunStatus::Failed),
            modules: vec![
                module_result(Module::Portfolio, ModuleStatus::Ok),
                module_result(Module::Market, ModuleStatus::Failed),
                module_result(Module::Scheduled, ModuleStatus::Skipped),
            ],
            checks: vec![
                check_result("api", Status::Ok),
                check_result("payments", Status::Critical),
            ],
        };
        assert_eq!(
            run(&detail),
            "Run 12, a cycle of every module started 25 November 2026 at 12:00 UTC, failed in \
             212 milliseconds: two modules ran, one failed: market; two checks ran, one \
             failing: payments."
        );
        let detail = RunDetail {
            run: logged_run(3, "checks", RunStatus::Ok),
            modules: Vec::new(),
            checks: vec![check_result("api", Status::Ok)],
        };
        assert_eq!(
            run(&detail),
            "Run 3, a manual run of checks started 25 November 2026 at 12:00 UTC, completed in \
             212 milliseconds: one check ran, none failing."
        );
        let detail = RunDetail {
            run: logged_run(4, "timer", RunStatus::Aborted),
            modules: Vec::new(),
            checks: Vec::new(),
        };
        assert_eq!(
            run(&detail),
            "Run 4, a timer cycle started 25 November 2026 at 12:00 UTC, was aborted."
        );
    }

    fn board_check(name: &str, enabled: bool, status: Option<Status>) -> BoardCheck {
        BoardCheck {
            name: name.into(),
            group: Group::System,
            kind: Kind::Http,
            every: "5m".into(),
            every_secs: 300,
            severity: Severity::Critical,
            enabled,
            skip_unless_env: None,
            description: None,
            status,
            since: None,
            last_run_at: None,
            last_run_id: None,
            last_message: None,
            counted: true,
            counted_status: status,
            counted_at: None,
            counted_run_id: None,
            failing_since: None,
            next_due_at: None,
            due: false,
            consecutive_failures: 0,
            consecutive_successes: 0,
            alert_after: 1,
            escalate_after: 3,
            fail_within: None,
            recover_after: 1,
            flap_changes: 6,
            flap_window: 20,
            alerting: false,
            recovering: false,
            escalated: false,
            recent: None,
            flapping: false,
            flapping_since: None,
            changes: 0,
            note: None,
            silenced: None,
            mark: "",
            since_ts: None,
            next_due_ts: None,
        }
    }

    fn remediation() -> checks::RemediationStatus {
        checks::RemediationStatus {
            enabled: true,
            reason: None,
        }
    }

    #[test]
    fn the_board_counts_statuses_and_names_the_failing() {
        let empty = Board {
            remediation: remediation(),
            checks: Vec::new(),
        };
        assert_eq!(board(&empty), "No checks are configured.");
        let mut checks: Vec<BoardCheck> = (0..17)
            .map(|i| board_check(&format!("c{i}"), true, Some(Status::Ok)))
            .collect();
        checks.push(board_check("api", true, Some(Status::Warning)));
        checks.push(board_check("payments", true, Some(Status::Critical)));
        checks.push(board_check("xero", true, None));
        checks.push(board_check("old", false, Some(Status::Critical)));
        let b = Board {
            remediation: remediation(),
            checks,
        };
        assert_eq!(
            board(&b),
            "21 checks: 17 ok, one warning, one critical and one never run, one disabled; \
             failing: api and payments."
        );
        let one = Board {
            remediation: remediation(),
            checks: vec![board_check("api", true, Some(Status::Ok))],
        };
        assert_eq!(board(&one), "One check: one ok.");
    }

    fn run_result(name: &str, status: Status) -> RunResult {
        RunResult {
            name: name.into(),
            group: Group::System,
            kind: Kind::Http,
            severity: Severity::Critical,
            status,
            message: String::new(),
            value: None,
            latency_ms: None,
            started_at: "2026-11-25T12:00:00Z".into(),
            duration_ms: 1,
            metrics: Vec::new(),
            remediation: None,
        }
    }

    #[test]
    fn a_manual_run_says_it_was_by_hand_and_not_counted() {
        let report = |run_id, results| RunReport {
            run_id,
            recorded: run_id.is_some(),
            status: Status::Ok,
            exit_code: 0,
            results,
        };
        assert_eq!(
            checks_run(&report(None, Vec::new())),
            "No checks ran: none were selected."
        );
        assert_eq!(
            checks_run(&report(
                Some(14),
                vec![
                    run_result("api", Status::Ok),
                    run_result("disk", Status::Ok),
                    run_result("payments", Status::Critical)
                ]
            )),
            "Ran three checks by hand, recorded as run 14 (shown, not counted toward alerts): \
             two ok and one critical; failing: payments."
        );
        assert_eq!(
            checks_run(&report(None, vec![run_result("api", Status::Skipped)])),
            "Ran one check by hand, not recorded: one skipped."
        );
    }

    fn notification_list(total: u64, all: bool, filtered: bool) -> NotificationList {
        NotificationList {
            total,
            notifications: Vec::new(),
            asked_all: all,
            asked_filtered: filtered,
        }
    }

    #[test]
    fn notifications_say_how_many_and_the_most_urgent() {
        assert_eq!(
            notifications(&notification_list(0, false, false)),
            "There are no open notifications."
        );
        assert_eq!(
            notifications(&notification_list(0, false, true)),
            "There are no open notifications matching the filter."
        );
        assert_eq!(
            notifications(&notification_list(3, true, false)),
            "There are three notifications."
        );
        let mut list = notification_list(1, false, false);
        list.notifications.push(crate::view::alerts::Notification {
            id: 12,
            priority: crate::alert::Priority::High,
            kind: "blocked_property".into(),
            source: "portfolio".into(),
            subject: "Property #5 is blocked.".into(),
            message: String::new(),
            property_id: Some(5),
            dedup_key: "blocked:5".into(),
            created_at: String::new(),
            notified_at: String::new(),
            notify_count: 1,
            acked_at: None,
            resolved_at: None,
            state: "open",
        });
        assert_eq!(
            notifications(&list),
            "There is one open notification; the most urgent is #12, high: Property #5 is blocked."
        );
    }

    #[test]
    fn acknowledgements_name_the_ids() {
        let ack = |ids: &[i64]| Acknowledged {
            acknowledged: ids.to_vec(),
        };
        assert_eq!(acknowledged(&ack(&[])), "Acknowledged no notifications.");
        assert_eq!(acknowledged(&ack(&[12])), "Acknowledged notification 12.");
        assert_eq!(
            acknowledged(&ack(&[12, 13, 14])),
            "Acknowledged notifications 12, 13 and 14."
        );
    }
}
