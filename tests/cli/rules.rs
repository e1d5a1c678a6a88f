//! The alerting rules, cycle by cycle under the fixed clock, through a real webhook
//! receiver on 127.0.0.1: `recover_after`, `fail_within`, flap detection, the deadline
//! ladder and property snoozes. Each test drives many `hb cycle` runs with `HB_NOW`
//! steps and asserts every alert that arrived, in order.

use serde_json::Value;

use super::support::at;
use super::support::http::Server;
use super::Hb;

const MINUTE: i64 = 60;
const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

/// A webhook channel to `server`, routed for every priority (and escalations).
pub fn webhook(server: &Server) -> String {
    format!(
        "[[alerts.channel]]\nname = \"hook\"\ntype = \"webhook\"\nurl = \"{}\"\n\n\
         [alerts.routes]\nlow = [\"hook\"]\nmedium = [\"hook\"]\nhigh = [\"hook\"]\n\
         critical = [\"hook\"]\nescalation = [\"hook\"]\n",
        server.url("/hook")
    )
}

/// `hb cycle` at the harness's clock moved by `offset` seconds.
pub fn cycle_at(hb: &Hb, offset: i64) {
    hb.ok(&["cycle", "--now", &at(offset)]);
}

/// Every alert the receiver got so far, in order: (check or dedup key, kind, subject).
pub fn received(server: &Server) -> Vec<(String, String, String)> {
    server
        .requests()
        .iter()
        .flat_map(|r| r.json()["alerts"].as_array().cloned().unwrap_or_default())
        .map(|a: Value| {
            let key = a["dedup_key"].as_str().unwrap_or_default().to_string();
            (
                key,
                a["kind"].as_str().unwrap_or_default().to_string(),
                a["subject"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// A command check that follows `pattern` one run at a time (`f` fails critical, `o`
/// passes), then passes: its runs counted in a file of its own.
fn patterned(hb: &Hb, name: &str, pattern: &str, every: &str, extra: &str) -> String {
    let dir = hb.path(name);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("pattern"), format!("{pattern}\n")).unwrap();
    format!(
        "[[check]]\nname = \"{name}\"\ngroup = \"integration\"\ntype = \"command\"\n\
         every = \"{every}\"\n{extra}\n\
         command = [\"sh\", \"-c\", \"cd '{dir}' && n=$(cat n 2>/dev/null || echo 0); \
         n=$((n + 1)); echo $n > n; c=$(cut -c$n pattern); \
         if [ \\\"$c\\\" = f ]; then echo 'CRITICAL - down'; exit 2; fi; echo 'OK - up'\"]\n\n",
        dir = dir.display()
    )
}

/// (run number from 1, what came): one entry per alert, the run it came after.
fn by_run(hb: &Hb, server: &Server, runs: usize, step: i64) -> Vec<(usize, String, String)> {
    let mut seen = 0;
    let mut out = Vec::new();
    for run in 1..=runs {
        cycle_at(hb, (run as i64 - 1) * step);
        let all = received(server);
        for (key, kind, _) in &all[seen..] {
            out.push((run, key.clone(), kind.clone()));
        }
        seen = all.len();
    }
    out
}

fn entries(list: &[(usize, &str, &str)]) -> Vec<(usize, String, String)> {
    list.iter()
        .map(|(run, key, kind)| (*run, key.to_string(), kind.to_string()))
        .collect()
}

/// A day of a check failing 2 runs of every 5, under three sets of rules: the default
/// (alert on each failure, recover on each success, flap detection), `fail_within = "3
/// of 5"` (never 3 of the last 5: no alert at all), and `fail_within = "2 of 5"` with
/// `recover_after = 3`.
#[test]
fn a_check_failing_two_of_every_five_runs_for_a_day_sends_exactly_what_its_rules_say() {
    let hb = Hb::new();
    let server = Server::scripted(Vec::new());
    let pattern = "ffooo".repeat(5);
    let mut config = webhook(&server);
    config.push_str(&patterned(&hb, "plain", &pattern, "1h", ""));
    config.push_str(&patterned(
        &hb,
        "windowed",
        &pattern,
        "1h",
        "fail_within = \"3 of 5\"\nflap_changes = 0",
    ));
    config.push_str(&patterned(
        &hb,
        "patient",
        &pattern,
        "1h",
        "fail_within = \"2 of 5\"\nrecover_after = 3\nflap_changes = 0",
    ));
    hb.write("heartbeat.toml", &config);
    let got = by_run(&hb, &server, 24, HOUR);
    let plain = |run, kind| (run, "check:plain", kind);
    let patient = |run, kind| (run, "check:patient", kind);
    let want = entries(&[
        plain(1, "new"),
        plain(3, "recovery"),
        patient(2, "new"),
        patient(5, "recovery"),
        plain(6, "new"),
        patient(6, "new"),
        plain(8, "recovery"),
        patient(10, "recovery"),
        plain(11, "new"),
        patient(11, "new"),
        plain(13, "recovery"),
        patient(15, "recovery"),
        // The sixth change in twenty runs: one flapping notice, and no alert per change.
        (16, "flapping:check:plain", "new"),
        patient(16, "new"),
        patient(20, "recovery"),
        patient(21, "new"),
    ]);
    let mut sorted_got = got.clone();
    let mut sorted_want = want.clone();
    sorted_got.sort();
    sorted_want.sort();
    assert_eq!(sorted_got, sorted_want, "{got:#?}");

    // The board shows the window, and the flapping.
    let board = hb.json(&["checks"]);
    let row = |name: &str| {
        board["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .cloned()
            .unwrap()
    };
    let windowed = row("windowed");
    assert_eq!(
        windowed["note"], "2 of the last 5 runs failed (alerts at 3 of 5)",
        "{windowed}"
    );
    assert_eq!(
        (
            windowed["recent"]["failed"].as_u64(),
            windowed["alerting"].as_bool()
        ),
        (Some(2), Some(false))
    );
    assert_eq!(row("plain")["flapping"], true);
    let table = hb.ok(&["checks"]);
    assert!(
        table.contains("windowed: 2 of the last 5 runs failed (alerts at 3 of 5)"),
        "{table}"
    );
    let status = hb.json_code(&["status"]).0;
    let plain_row = status["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "plain")
        .cloned()
        .unwrap();
    assert_eq!(plain_row["flapping"], true, "{plain_row}");
    // The flapping notice is a notification of its own kind.
    let flapping = hb.json(&["alerts", "--kind", "check_flapping"]);
    assert_eq!(flapping["total"], 1, "{flapping}");
    assert!(flapping["notifications"][0]["subject"]
        .as_str()
        .unwrap()
        .starts_with("plain is flapping: "));
}

/// Two checks that bounce the same way, 40 times, one with flap detection: it sends
/// one notice when it starts flapping and one when it settles; the other, 40.
#[test]
fn a_flapping_check_sends_two_notices_not_forty() {
    let hb = Hb::new();
    let server = Server::scripted(Vec::new());
    // Quick flips first (no alert: alert_after = 2), then 20 bounces of two failures and
    // two successes (each one an alert and a recovery), then steady.
    let pattern = format!("{}{}{}", "fo".repeat(3), "ffoo".repeat(20), "o".repeat(20));
    let runs = pattern.len();
    let rules = "alert_after = 2\nrecover_after = 2";
    let mut config = webhook(&server);
    config.push_str(&patterned(&hb, "detected", &pattern, "5m", rules));
    config.push_str(&patterned(
        &hb,
        "undetected",
        &pattern,
        "5m",
        &format!("{rules}\nflap_changes = 0"),
    ));
    hb.write("heartbeat.toml", &config);
    let got = by_run(&hb, &server, runs, 5 * MINUTE);
    let of = |check: &str| -> Vec<(usize, String)> {
        got.iter()
            .filter(|(_, key, _)| key.ends_with(&format!("check:{check}")))
            .map(|(run, key, kind)| (*run, format!("{key} {kind}")))
            .collect()
    };
    let detected = of("detected");
    assert_eq!(detected.len(), 2, "{detected:?}");
    assert_eq!(detected[0], (7, "flapping:check:detected new".to_string()));
    assert_eq!(detected[1].1, "flapping:check:detected recovery");
    assert_eq!(of("undetected").len(), 40, "{:?}", of("undetected"));
    let all = received(&server);
    let settled = all
        .iter()
        .find(|(key, kind, _)| key == "flapping:check:detected" && kind == "recovery")
        .unwrap();
    assert_eq!(
        settled.2,
        "detected stopped flapping: 2 changes in its last 20 runs; it is ok now"
    );
}

/// A contract due in 8 days, the cycle every 12 hours: told 7, 3 and 1 day ahead (the
/// last at high priority) and once when it passes (critical), each step once.
#[test]
fn a_deadline_is_told_seven_three_and_one_day_ahead_and_when_it_passes_each_once() {
    let hb = Hb::new();
    let server = Server::scripted(Vec::new());
    hb.write("heartbeat.toml", &webhook(&server));
    let file = hb.write(
        "p.csv",
        "id,address,created_at,enriched_at,skip_traced_at\n5,123 Main St,2026-11-20,2026-11-21,2026-11-22\n",
    );
    hb.ok(&["import", "properties", file.to_str().unwrap()]);
    hb.ok(&[
        "contract",
        "attach",
        "5",
        "--name",
        "Purchase agreement",
        "--deadline",
        &at(8 * DAY),
    ]);
    let mut seen = 0;
    let mut got = Vec::new();
    for step in 0..=19 {
        cycle_at(&hb, step * 12 * HOUR);
        let all = received(&server);
        for (key, kind, subject) in &all[seen..] {
            if key.starts_with("deadline") {
                got.push((
                    step * 12 * HOUR / DAY,
                    key.clone(),
                    kind.clone(),
                    subject.clone(),
                ));
            }
        }
        seen = all.len();
    }
    let steps: Vec<(i64, &str)> = got
        .iter()
        .map(|(day, key, _, _)| (*day, key.as_str()))
        .collect();
    assert_eq!(
        steps,
        [
            (1, "deadline_near:1:7d"),
            (5, "deadline_near:1:3d"),
            (7, "deadline_near:1:1d"),
            (8, "deadline_passed:1"),
        ],
        "{got:#?}"
    );
    assert!(got.iter().all(|(_, _, kind, _)| kind == "new"), "{got:#?}");
    let notices = hb.json(&["alerts", "--all", "--limit", "0"]);
    let priority = |key: &str| {
        notices["notifications"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["dedup_key"] == key)
            .map(|n| n["priority"].as_str().unwrap().to_string())
            .unwrap()
    };
    assert_eq!(priority("deadline_near:1:7d"), "medium");
    assert_eq!(priority("deadline_near:1:3d"), "medium");
    assert_eq!(priority("deadline_near:1:1d"), "high");
    assert_eq!(priority("deadline_passed:1"), "critical");
    // Blocked, as before the ladder.
    let property = hb.json(&["property", "5", "--now", &at(9 * DAY)]);
    assert_eq!(property["health"], "blocked", "{property}");
}

/// A stale property snoozed for three days: its stale notice goes, nothing comes while
/// it waits, and after the resume date its clock starts again: stale three days later,
/// told once.
#[test]
fn a_snoozed_property_is_not_told_stale_until_its_resume_date_and_once_after() {
    let hb = Hb::new();
    let server = Server::scripted(Vec::new());
    hb.write("heartbeat.toml", &webhook(&server));
    let file = hb.write("p.csv", "id,address,created_at\n5,123 Main St,2026-11-15\n");
    hb.ok(&["import", "properties", file.to_str().unwrap()]);
    cycle_at(&hb, 0);
    let stale = |server: &Server| -> Vec<String> {
        received(server)
            .into_iter()
            .filter(|(key, _, _)| key.starts_with("stale:5"))
            .map(|(_, kind, subject)| format!("{kind}: {subject}"))
            .collect()
    };
    assert_eq!(stale(&server).len(), 1, "stale when first seen");
    let resume = at(3 * DAY);
    let out = hb.ok(&[
        "property",
        "snooze",
        "5",
        "--until",
        &resume,
        "--reason",
        "waiting on probate",
    ]);
    assert!(
        out.contains("snoozed until 2026-11-28 (waiting on probate)"),
        "{out}"
    );
    let snoozed = hb.json(&["property", "list", "--health", "snoozed"]);
    assert_eq!(snoozed["total"], 1);
    assert_eq!(
        snoozed["properties"][0]["snooze_reason"],
        "waiting on probate"
    );
    let insights = hb.json(&["insights"]);
    assert_eq!(insights["snoozed"]["total"], 1, "{insights}");
    assert_eq!(insights["counts"]["stale_property"], 0);
    // Every 6 hours for a week: quiet until 3 days after the resume date.
    for step in 1..=28 {
        cycle_at(&hb, step * 6 * HOUR);
        let told = stale(&server);
        let when = step * 6 * HOUR;
        if when <= 6 * DAY {
            assert_eq!(told.len(), 1, "nothing new at +{}h: {told:?}", when / HOUR);
        }
    }
    let told = stale(&server);
    assert_eq!(told.len(), 2, "{told:?}");
    assert!(
        told[1].starts_with("new: Property #5 is stale: 3.")
            && told[1].ends_with(" days in New Property since its snooze ended (limit 3)"),
        "{told:?}"
    );
    let property = hb.json(&["property", "5", "--now", &at(7 * DAY)]);
    assert_eq!(
        (property["health"].as_str(), property["clock_from"].as_str()),
        (Some("stale"), Some("2026-11-28T12:00:00Z"))
    );
}
