//! Completions and man pages, timers, the Prometheus textfile, the dead-man's switch, and
//! the output conventions every command follows.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::support::http::{Reply, Server};
use crate::support::{now_ts, ReservedPort};
use crate::Hb;

/// Every file under `dir`, by path relative to it.
fn files_under(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    for sub in ["completions", "man"] {
        let Ok(entries) = std::fs::read_dir(dir.join(sub)) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("dir entry").path();
            let content = std::fs::read(&path).expect("read generated file");
            let relative = path.strip_prefix(dir).expect("under dir").to_path_buf();
            files.insert(relative, content);
        }
    }
    files
}

#[test]
fn completions_and_man_pages_match_the_cli() {
    let hb = Hb::new();
    let out = hb.path("assets");
    hb.ok(&["generate-assets", out.to_str().unwrap()]);
    let generated = files_under(&out);
    let checked_in = files_under(Path::new(env!("CARGO_MANIFEST_DIR")));
    assert!(
        generated.keys().any(|p| p.ends_with("hb.1"))
            && generated.keys().any(|p| p.ends_with("hb.bash")),
        "{:?}",
        generated.keys()
    );
    let mut problems = Vec::new();
    for (path, content) in &generated {
        match checked_in.get(path) {
            None => problems.push(format!("missing: {}", path.display())),
            Some(ours) if ours != content => problems.push(format!("differs: {}", path.display())),
            Some(_) => {}
        }
    }
    for path in checked_in.keys().filter(|p| !generated.contains_key(*p)) {
        problems.push(format!("no longer generated: {}", path.display()));
    }
    assert!(
        problems.is_empty(),
        "completions/ and man/ are out of date with the CLI:\n  {}\n\
         regenerate them with `cargo run -- generate-assets` (from the repository root) and commit the result",
        problems.join("\n  ")
    );
}

/// The man pages are valid roff as mandoc reads them: no error or unsupported request.
#[test]
fn man_pages_pass_mandoc_lint() {
    if !crate::support::require_tool("mandoc", "mandoc", "to lint the man pages") {
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let pages: Vec<PathBuf> = files_under(root)
        .into_keys()
        .filter(|path| path.starts_with("man"))
        .map(|path| root.join(path))
        .collect();
    assert!(pages.len() > 10, "{pages:?}");
    let out = std::process::Command::new("mandoc")
        .args(["-Tlint", "-W", "error"])
        .args(&pages)
        .output()
        .expect("run mandoc");
    assert!(
        out.status.success() && out.stdout.is_empty(),
        "mandoc -Tlint found errors:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let page = std::fs::read_to_string(root.join("man/hb-alerts-ack.1")).unwrap();
    assert!(
        page.contains(&format!("\"hb {}\"", env!("CARGO_PKG_VERSION"))),
        "the footer names hb: {}",
        page.lines().nth(2).unwrap_or_default()
    );
}

#[test]
fn generate_assets_is_hidden() {
    let hb = Hb::new();
    let help = hb.ok(&["--help"]);
    assert!(!help.contains("generate-assets"), "{help}");
}

// ---- hb schedule -------------------------------------------------------------------

fn hb_binary() -> PathBuf {
    std::fs::canonicalize(assert_cmd::cargo::cargo_bin("hb")).expect("hb binary")
}

/// `# file: PATH` blocks of `hb schedule systemd`, as (path, content).
fn split_unit_files(text: &str) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if let Some(path) = line.strip_prefix("# file: ") {
            files.push((path.to_string(), String::new()));
        } else if let Some((_, content)) = files.last_mut() {
            content.push_str(line);
            content.push('\n');
        }
    }
    files
}

/// A unit file as sections of key/value pairs (comments and blank lines dropped);
/// panics on a line that is neither.
fn parse_unit(path: &str, text: &str) -> BTreeMap<String, Vec<(String, String)>> {
    let mut sections: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            sections.entry(name.to_string()).or_default();
            current = Some(name.to_string());
            continue;
        }
        let (key, value) = line
            .split_once('=')
            .unwrap_or_else(|| panic!("{path}: not a key=value line: {line:?}"));
        let section = current
            .as_ref()
            .unwrap_or_else(|| panic!("{path}: key before any section: {line:?}"));
        sections
            .get_mut(section)
            .expect("section")
            .push((key.trim().to_string(), value.trim().to_string()));
    }
    sections
}

fn key<'a>(
    sections: &'a BTreeMap<String, Vec<(String, String)>>,
    section: &str,
    name: &str,
) -> Option<&'a str> {
    sections
        .get(section)?
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

#[test]
fn schedule_systemd_prints_valid_units() {
    let hb = Hb::new();
    let config = hb.write(
        "heartbeat.toml",
        "[store]\npath = \"hb.db\"\n\n[schedule]\nsystem = \"5m\"\nprotocol = \"4h\"\n",
    );
    let config = std::fs::canonicalize(config).unwrap();
    let text = hb
        .cmd()
        .env_remove("HB_DB")
        .args(["schedule", "systemd"])
        .output()
        .unwrap();
    assert!(text.status.success(), "{text:?}");
    let text = String::from_utf8(text.stdout).unwrap();
    let files = split_unit_files(&text);
    let names: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        names,
        [
            "~/.config/systemd/user/hb-cycle.service",
            "~/.config/systemd/user/hb-cycle.timer",
            "~/.config/systemd/user/hb-protocol.service",
            "~/.config/systemd/user/hb-protocol.timer",
            "~/.config/systemd/user/hb-serve.service",
        ]
    );
    let binary = hb_binary();
    for (path, content) in &files {
        let unit = parse_unit(path, content);
        assert!(key(&unit, "Unit", "Description").is_some(), "{path}");
        if path.ends_with("hb-serve.service") {
            // Long-running, restarted on failure, sandboxed but able to read the store.
            assert_eq!(key(&unit, "Service", "Type"), Some("simple"), "{content}");
            assert_eq!(key(&unit, "Service", "Restart"), Some("on-failure"));
            let exec = key(&unit, "Service", "ExecStart").expect("ExecStart");
            let words: Vec<&str> = exec.split_whitespace().collect();
            assert_eq!(Path::new(words[0]), binary, "{exec}");
            assert_eq!(words[1..], ["--config", config.to_str().unwrap(), "serve"]);
            assert_eq!(key(&unit, "Service", "ProtectSystem"), Some("strict"));
            assert_eq!(key(&unit, "Service", "NoNewPrivileges"), Some("yes"));
            let store_dir = std::fs::canonicalize(hb.dir.path()).unwrap();
            assert_eq!(
                key(&unit, "Service", "ReadWritePaths"),
                Some(format!("-{}", store_dir.display()).as_str()),
                "the store's directory stays writable (SQLite's -wal and -shm)"
            );
            assert_eq!(key(&unit, "Install", "WantedBy"), Some("default.target"));
        } else if path.ends_with(".service") {
            assert_eq!(key(&unit, "Service", "Type"), Some("oneshot"), "{path}");
            let exec = key(&unit, "Service", "ExecStart").expect("ExecStart");
            let words: Vec<&str> = exec.split_whitespace().collect();
            assert!(words[0].starts_with('/'), "absolute binary: {exec}");
            assert_eq!(Path::new(words[0]), binary, "{exec}");
            assert_eq!(
                words[1..3],
                ["--config", config.to_str().unwrap()],
                "{exec}"
            );
            assert!(!exec.contains("--db"), "the config names the store: {exec}");
            let expected: &[&str] = if path.contains("protocol") {
                &["cycle", "--all"]
            } else {
                &["cycle"]
            };
            assert_eq!(&words[3..], expected, "{exec}");
            assert!(
                content.contains("# OnFailure="),
                "OnFailure hint: {content}"
            );
        } else {
            let calendar = key(&unit, "Timer", "OnCalendar");
            assert!(
                calendar.is_some() || key(&unit, "Timer", "OnUnitActiveSec").is_some(),
                "{path}: {content}"
            );
            assert_eq!(key(&unit, "Timer", "Persistent"), Some("true"), "{path}");
            assert!(
                key(&unit, "Timer", "RandomizedDelaySec").is_some(),
                "{path}"
            );
            assert_eq!(key(&unit, "Install", "WantedBy"), Some("timers.target"));
            let expected = if path.contains("protocol") {
                "00/4:02"
            } else {
                "*:00/5"
            };
            assert_eq!(calendar, Some(expected), "{path}");
        }
    }
    systemd_analyze_verify(&hb, &files);
}

/// `systemd-analyze verify` on the units (a verify that hangs or fails for reasons of this
/// host, as in some containers, is said on stderr and not held against the units).
fn systemd_analyze_verify(hb: &Hb, files: &[(String, String)]) {
    if !crate::support::require_tool("systemd-analyze", "systemd", "to verify the units") {
        return;
    }
    let dir = hb.path("units");
    std::fs::create_dir_all(&dir).unwrap();
    let mut paths = Vec::new();
    for (path, content) in files {
        let name = path.rsplit('/').next().unwrap();
        let file = dir.join(name);
        std::fs::write(&file, content).unwrap();
        paths.push(file);
    }
    let mut child = std::process::Command::new("systemd-analyze")
        .arg("verify")
        .arg("--man=no")
        .args(&paths)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Bounded: a verify that hangs (no D-Bus, odd container) is not a failure of ours.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            eprintln!("systemd-analyze verify timed out: skipped");
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Complaints about our units name them; anything else is about this host.
    let ours: Vec<&str> = stderr.lines().filter(|l| l.contains("hb-")).collect();
    assert!(ours.is_empty(), "systemd-analyze verify:\n{stderr}");
    if !out.status.success() {
        eprintln!("systemd-analyze verify failed for reasons of this host: {stderr}");
    }
}

/// One cron field: `*`, `*/N`, `N`, `N-M`, `N-M/S`, or a comma list of those.
fn is_cron_field(field: &str, max: u32) -> bool {
    let number = |s: &str| s.parse::<u32>().is_ok_and(|n| n <= max);
    field.split(',').all(|part| {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (r, Some(s)),
            None => (part, None),
        };
        let range_ok = range == "*"
            || number(range)
            || range
                .split_once('-')
                .is_some_and(|(a, b)| number(a) && number(b));
        range_ok && step.is_none_or(|s| s.parse::<u32>().is_ok_and(|n| n > 0))
    })
}

#[test]
fn schedule_cron_lines_are_five_fields_and_the_absolute_binary() {
    let hb = Hb::new();
    // No config file: a comment says so and the store is passed with --db.
    let text = hb.ok(&["schedule", "cron"]);
    assert!(text.contains("# No config file is in use"), "{text}");
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .collect();
    assert_eq!(lines.len(), 2, "{text}");
    let binary = hb_binary();
    for (line, fields) in lines
        .iter()
        .zip([["*/5", "*", "*", "*", "*"], ["2", "*/4", "*", "*", "*"]])
    {
        let words: Vec<&str> = line.split_whitespace().collect();
        for (word, max) in words[..5].iter().zip([59, 23, 31, 12, 7]) {
            assert!(is_cron_field(word, max), "{word} in {line}");
        }
        assert_eq!(words[..5], fields, "{line}");
        assert_eq!(Path::new(words[5]), binary, "absolute binary: {line}");
        assert_eq!(words[6], "--db");
        assert_eq!(Path::new(words[7]), hb.db(), "{line}");
        assert!(line.ends_with(" -q"), "{line}");
    }
    assert!(lines[1].contains(" cycle --all -q"), "{}", lines[1]);

    // A cadence no wall clock can express is a config error that says what to use.
    hb.write("heartbeat.toml", "[schedule]\nsystem = \"7m\"\n");
    hb.cmd()
        .args(["schedule", "cron"])
        .assert()
        .code(78)
        .stderr(predicates::str::contains("divides an hour"));

    // --json: one document with the jobs.
    hb.write("heartbeat.toml", "");
    let doc = hb.json(&["schedule", "cron"]);
    assert_eq!(doc["jobs"][0]["schedule"], "*/5 * * * *");
    assert_eq!(
        doc["jobs"][1]["command"]
            .as_array()
            .unwrap()
            .last()
            .unwrap(),
        "-q"
    );
}

// ---- Prometheus textfile -----------------------------------------------------------

/// A parsed exposition: (family name -> type) and the series seen, in order.
#[derive(Debug, Default)]
struct Exposition {
    types: BTreeMap<String, String>,
    series: Vec<(String, BTreeMap<String, String>, f64)>,
}

/// Parse the Prometheus text format strictly enough to catch what the collector rejects:
/// HELP and TYPE once per family and before its samples, valid names, escaped label
/// values, float values, and no series twice.
fn parse_exposition(text: &str) -> Exposition {
    let valid_name = |s: &str| {
        !s.is_empty()
            && s.chars().enumerate().all(|(i, c)| {
                c.is_ascii_alphabetic() || c == '_' || c == ':' || (i > 0 && c.is_ascii_digit())
            })
    };
    assert!(text.ends_with('\n'), "ends with a newline");
    let mut expo = Exposition::default();
    let mut helped: Vec<String> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let name = rest.split(' ').next().unwrap();
            assert!(valid_name(name), "{line}");
            assert!(!helped.contains(&name.to_string()), "HELP twice: {line}");
            assert!(
                !expo.series.iter().any(|(n, _, _)| n == name),
                "HELP after samples: {line}"
            );
            helped.push(name.to_string());
            continue;
        }
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').expect("TYPE name kind");
            assert!(["gauge", "counter", "histogram", "summary", "untyped"].contains(&kind));
            assert!(
                expo.types.insert(name.into(), kind.into()).is_none(),
                "TYPE twice: {line}"
            );
            assert!(
                !expo.series.iter().any(|(n, _, _)| n == name),
                "TYPE after samples: {line}"
            );
            continue;
        }
        assert!(
            !line.starts_with('#') && !line.is_empty(),
            "stray line {line:?}"
        );
        let (name, rest) = match line.find(['{', ' ']) {
            Some(i) => line.split_at(i),
            None => panic!("no value: {line}"),
        };
        assert!(valid_name(name), "{line}");
        assert!(expo.types.contains_key(name), "sample before TYPE: {line}");
        let mut labels = BTreeMap::new();
        let value_text = if let Some(mut body) = rest.strip_prefix('{') {
            loop {
                if let Some(after) = body.strip_prefix('}') {
                    break after;
                }
                let (label, after) = body.split_once("=\"").expect("label=\"value\"");
                assert!(valid_name(label.trim_start_matches(',')), "{line}");
                // An escaped value runs to the first unescaped quote.
                let mut value = String::new();
                let mut chars = after.char_indices();
                let end = loop {
                    match chars.next().expect("closing quote") {
                        (_, '\\') => match chars.next().expect("escape").1 {
                            'n' => value.push('\n'),
                            c @ ('\\' | '"') => value.push(c),
                            c => panic!("bad escape \\{c} in {line}"),
                        },
                        (i, '"') => break i,
                        (_, c) => value.push(c),
                    }
                };
                labels.insert(label.trim_start_matches(',').to_string(), value);
                body = &after[end + 1..];
            }
        } else {
            rest
        };
        let value: f64 = value_text
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("value: {line}"));
        let key = format!("{name}{labels:?}");
        assert!(seen.insert(key), "duplicate series: {line}");
        expo.series.push((name.to_string(), labels, value));
    }
    for name in expo.types.keys() {
        assert!(helped.contains(name), "TYPE without HELP: {name}");
    }
    expo
}

fn sample(expo: &Exposition, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    expo.series
        .iter()
        .find(|(n, l, _)| {
            n == name
                && l.len() == labels.len()
                && labels
                    .iter()
                    .all(|(k, v)| l.get(*k).map(String::as_str) == Some(*v))
        })
        .map(|(_, _, v)| *v)
}

/// A portfolio straight into the store: what `hb import` will do, without depending on it.
fn seed_portfolio(hb: &Hb) {
    // Creates the store; portfolio stays due for the next cycle.
    hb.ok(&["cycle", "-q", "--only", "scheduled"]);
    let conn = rusqlite::Connection::open(hb.db()).unwrap();
    let now = now_ts();
    let day = 86_400;
    conn.execute_batch(&format!(
        "INSERT INTO properties (id, address, created_at, stage, stage_entered_at, updated_at, blocked_reason) VALUES
            (1, '1 Main St', {fresh}, 'new', {fresh}, {now}, NULL),
            (2, '2 Main St', {old}, 'new', {old}, {now}, NULL),
            (3, '3 Main St', {old}, 'new', {old}, {now}, 'Title dispute'),
            (4, '4 Main St', {old}, 'complete', {old}, {now}, NULL);",
        fresh = now - day,
        old = now - 30 * day,
    ))
    .unwrap();
}

#[test]
fn cycle_writes_the_prometheus_textfile() {
    let hb = Hb::new();
    std::fs::create_dir(hb.path("textfile")).unwrap();
    hb.write(
        "heartbeat.toml",
        "[store]\npath = \"hb.db\"\n\n[export]\nprometheus_textfile = \"textfile/hb.prom\"\n",
    );
    seed_portfolio(&hb);
    let prom = hb.path("textfile/hb.prom");
    hb.ok(&["cycle", "-q"]);
    let text = std::fs::read_to_string(&prom).expect("textfile written");
    let expo = parse_exposition(&text);
    assert_eq!(
        sample(&expo, "hb_last_cycle_timestamp_seconds", &[]),
        Some(now_ts() as f64)
    );
    assert_eq!(sample(&expo, "hb_cycle_success", &[]), Some(1.0));
    assert!(sample(&expo, "hb_cycle_duration_seconds", &[]).is_some());
    let props = |stage, health| {
        sample(
            &expo,
            "hb_properties",
            &[("stage", stage), ("health", health)],
        )
    };
    assert_eq!(props("new", "healthy"), Some(1.0));
    assert_eq!(props("new", "stale"), Some(1.0));
    assert_eq!(props("new", "blocked"), Some(1.0));
    assert_eq!(props("complete", "healthy"), Some(1.0));
    assert_eq!(props("complete", "stale"), Some(0.0));
    // The cycle noticed the blocked (high) and stale (medium) properties.
    assert_eq!(
        sample(&expo, "hb_open_notifications", &[("priority", "high")]),
        Some(1.0)
    );
    assert!(sample(&expo, "hb_open_notifications", &[("priority", "medium")]).unwrap() >= 1.0);
    assert_eq!(
        sample(&expo, "hb_open_notifications", &[("priority", "critical")]),
        Some(0.0)
    );
    for (name, kind) in &expo.types {
        assert!(name.starts_with("hb_"), "{name}");
        assert_eq!(kind, "gauge", "{name}");
    }

    // A dry run leaves it alone.
    std::fs::remove_file(&prom).unwrap();
    hb.ok(&["cycle", "--dry-run"]);
    assert!(!prom.exists(), "a dry run exports nothing");
}

#[test]
fn textfile_is_replaced_atomically() {
    let hb = Hb::new();
    let dir = hb.path("textfile");
    std::fs::create_dir(&dir).unwrap();
    hb.write(
        "heartbeat.toml",
        "[store]\npath = \"hb.db\"\n\n[export]\nprometheus_textfile = \"textfile/hb.prom\"\n",
    );
    hb.ok(&["cycle", "-q"]);
    let prom = dir.join("hb.prom");
    // A reader polls the file while cycles rewrite it: every read is a whole exposition.
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let done = done.clone();
        let prom = prom.clone();
        std::thread::spawn(move || {
            let mut reads = 0;
            for _ in 0..200_000 {
                if done.load(std::sync::atomic::Ordering::SeqCst) {
                    break;
                }
                let text = std::fs::read_to_string(&prom).expect("the file is always there");
                assert!(
                    text.starts_with("# HELP hb_last_cycle_timestamp_seconds")
                        && text
                            .ends_with("hb_properties{stage=\"complete\",health=\"blocked\"} 0\n"),
                    "partial read: {text:?}"
                );
                reads += 1;
            }
            reads
        })
    };
    for minute in 1..=8 {
        hb.cmd()
            .env_remove("HB_DB")
            .env("HB_NOW", format!("2026-11-25T12:{:02}:00Z", minute * 5))
            .args(["cycle", "-q"])
            .assert()
            .success();
    }
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    let reads = reader.join().expect("reader saw only whole files");
    assert!(reads > 0);
    let text = std::fs::read_to_string(&prom).unwrap();
    parse_exposition(&text);
    // The last of the cycles, at 12:40.
    let last = now_ts() + 40 * 60;
    assert!(
        text.contains(&format!("hb_last_cycle_timestamp_seconds {last}\n")),
        "{text}"
    );
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["hb.prom"], "no temp files left behind");
}

#[test]
fn a_failed_export_warns_and_the_cycle_succeeds() {
    let hb = Hb::new();
    hb.write(
        "heartbeat.toml",
        "[store]\npath = \"hb.db\"\n\n[export]\nprometheus_textfile = \"missing-dir/hb.prom\"\n",
    );
    hb.cmd()
        .env_remove("HB_DB")
        .args(["cycle", "-q"])
        .assert()
        .success()
        .stdout("")
        .stderr(predicates::str::contains(
            "warning: could not write the Prometheus textfile",
        ))
        .stderr(predicates::str::contains("the cycle is unaffected"));
    assert_eq!(
        hb.query_i64("SELECT count(*) FROM runs WHERE status = 'ok'"),
        1
    );
}

// ---- dead-man's switch -------------------------------------------------------------

const SECRET: &str = "0f1e2d3c-secret-uuid";

/// A dead-man's switch on 127.0.0.1: answers every ping 200.
fn ping_server() -> Server {
    Server::start(|_, _| Reply::text(200, "OK"))
}

/// Its ping URL, with the secret in the path as hc-ping's.
fn ping_url(server: &Server) -> String {
    server.url(&format!("/ping/{SECRET}"))
}

/// The paths it was pinged at, in order.
fn paths(server: &Server) -> Vec<String> {
    server.requests().into_iter().map(|r| r.path).collect()
}

fn deadman_config(hb: &Hb, url: &str) {
    hb.write(
        "heartbeat.toml",
        &format!("[store]\npath = \"hb.db\"\n\n[deadman]\nurl = \"{url}\"\ntimeout = \"2s\"\n"),
    );
}

/// Make the market module fail for real: its writes hit a trigger that aborts them, as a
/// storage fault confined to one module would. The module's transaction rolls back, its
/// failure is recorded, and the cycle completes with status "failed".
fn break_market_module(hb: &Hb) {
    hb.ok(&["cycle", "-q", "--only", "scheduled"]);
    let conn = rusqlite::Connection::open(hb.db()).unwrap();
    conn.execute_batch(
        "CREATE TRIGGER market_fault_insert BEFORE INSERT ON module_state WHEN NEW.module = 'market'
         BEGIN SELECT RAISE(ABORT, 'simulated storage fault'); END;
         CREATE TRIGGER market_fault_update BEFORE UPDATE ON module_state WHEN NEW.module = 'market'
         BEGIN SELECT RAISE(ABORT, 'simulated storage fault'); END;",
    )
    .unwrap();
}

#[test]
fn deadman_pings_start_then_success() {
    let hb = Hb::new();
    let server = ping_server();
    deadman_config(&hb, &format!("{}/", ping_url(&server)));
    hb.ok(&["cycle", "-q"]);
    assert_eq!(
        paths(&server),
        [format!("/ping/{SECRET}/start"), format!("/ping/{SECRET}")]
    );
    // A dry run tells no one.
    hb.ok(&["cycle", "--dry-run"]);
    assert_eq!(paths(&server).len(), 2);
}

#[test]
fn deadman_url_can_come_from_the_environment() {
    let hb = Hb::new();
    let server = ping_server();
    hb.write(
        "heartbeat.toml",
        "[store]\npath = \"hb.db\"\n\n[deadman]\nurl_env = \"HB_TEST_DEADMAN_URL\"\n",
    );
    hb.cmd()
        .env("HB_TEST_DEADMAN_URL", ping_url(&server))
        .args(["cycle", "-q"])
        .assert()
        .success()
        .stderr("");
    assert_eq!(paths(&server).len(), 2);
    // Unset: a warning that says what to do, and the cycle runs.
    hb.cmd()
        .env("HB_NOW", "2026-11-25T12:05:00Z")
        .args(["cycle", "-q"])
        .assert()
        .success()
        .stderr(predicates::str::contains(
            "$HB_TEST_DEADMAN_URL, which is not set",
        ));
    assert_eq!(paths(&server).len(), 2);
}

#[test]
fn deadman_pings_fail_when_a_module_fails() {
    let hb = Hb::new();
    let server = ping_server();
    deadman_config(&hb, &ping_url(&server));
    break_market_module(&hb);
    let report = hb.json(&["cycle"]);
    assert_eq!(report["status"], "failed", "{report}");
    let market = report["modules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["module"] == "market")
        .unwrap();
    assert!(
        market["message"]
            .as_str()
            .unwrap()
            .contains("simulated storage fault"),
        "{market}"
    );
    // The store-creating cycle pinged too: start+success, then start+fail.
    assert_eq!(
        paths(&server),
        [
            format!("/ping/{SECRET}/start"),
            format!("/ping/{SECRET}"),
            format!("/ping/{SECRET}/start"),
            format!("/ping/{SECRET}/fail"),
        ]
    );
}

#[test]
fn deadman_pings_fail_when_the_cycle_cannot_run() {
    let hb = Hb::new();
    let server = ping_server();
    deadman_config(&hb, &ping_url(&server));
    // The store path is a directory: the cycle errors after the start ping went out.
    std::fs::create_dir(hb.path("hb.db")).unwrap();
    hb.cmd()
        .env_remove("HB_DB")
        .args(["cycle", "-q"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("error: could not open store"));
    assert_eq!(
        paths(&server),
        [
            format!("/ping/{SECRET}/start"),
            format!("/ping/{SECRET}/fail")
        ]
    );
}

#[test]
fn an_unreachable_deadman_never_changes_the_exit_code() {
    let down = ReservedPort::new();
    let url = down.url(&format!("/ping/{SECRET}"));
    // A completed cycle: 0 with or without the pings.
    let hb = Hb::new();
    deadman_config(&hb, &url);
    let out = hb.cmd().args(["cycle", "-q"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: dead-man ping start to http://127.0.0.1:"),
        "{stderr}"
    );
    assert!(
        stderr.contains("warning: dead-man ping success to"),
        "{stderr}"
    );
    assert!(!stderr.contains(SECRET), "the URL is a secret: {stderr}");
    assert!(out.stdout.is_empty());

    // A failed module: still 0 (the cycle completed), and a fail ping attempted.
    let hb = Hb::new();
    deadman_config(&hb, &url);
    break_market_module(&hb);
    let out = hb.cmd().args(["cycle", "-q"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("dead-man ping fail to"), "{stderr}");
    assert!(!stderr.contains(SECRET), "{stderr}");

    // A cycle that cannot run: the same code as without a dead-man's switch.
    let codes: Vec<Option<i32>> = [true, false]
        .iter()
        .map(|&with_deadman| {
            let hb = Hb::new();
            if with_deadman {
                deadman_config(&hb, &url);
            } else {
                hb.write("heartbeat.toml", "[store]\npath = \"hb.db\"\n");
            }
            std::fs::create_dir(hb.path("hb.db")).unwrap();
            let out = hb
                .cmd()
                .env_remove("HB_DB")
                .args(["cycle"])
                .output()
                .unwrap();
            assert!(!String::from_utf8_lossy(&out.stderr).contains(SECRET));
            out.status.code()
        })
        .collect();
    assert_eq!(codes[0], codes[1]);
    assert_eq!(codes[0], Some(1));
}

// ---- output conventions ------------------------------------------------------------

/// A store with a cycle, notifications, properties and a contract: every reader has rows.
fn populated() -> Hb {
    let hb = Hb::new();
    seed_portfolio(&hb);
    hb.ok(&["contract", "attach", "1", "--name", "Purchase agreement"]);
    hb.ok(&["cycle", "-q"]);
    hb
}

/// Every command of this build that reads, as arguments.
const READERS: &[&[&str]] = &[
    &["property", "1"],
    &["property", "list"],
    &["contract", "list", "1"],
    &["insights"],
    &["status"],
    &["logs"],
    &["logs", "1"],
    &["alerts"],
    &["alerts", "list", "--all"],
    &["alerts", "outbox"],
    &["alerts", "outbox", "--all"],
    &["checks"],
    &["checks", "list"],
    &["schedule", "cron"],
    &["schedule", "systemd"],
];

/// `status` exits Nagios-style (1 = warning here: a high-priority notification is open).
fn run(hb: &Hb, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = hb.cmd();
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.args(args).output().unwrap();
    let allowed: &[i32] = if args.contains(&"status") {
        &[0, 1]
    } else {
        &[0]
    };
    assert!(
        out.status.code().is_some_and(|c| allowed.contains(&c)),
        "hb {args:?}: {:?}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn every_reader_speaks_json() {
    let hb = populated();
    for args in READERS {
        let mut all = args.to_vec();
        all.push("--json");
        let out = run(&hb, &all, &[]);
        let text = String::from_utf8(out.stdout).unwrap();
        serde_json::from_str::<serde_json::Value>(&text)
            .unwrap_or_else(|e| panic!("hb {all:?} is not one JSON document ({e}): {text}"));
        assert!(out.stderr.is_empty(), "hb {all:?}: nothing on stderr");
    }
}

#[test]
fn no_escape_codes_unless_asked_and_always_colours_a_table() {
    let hb = populated();
    for args in READERS {
        // Piped (the harness's stdout is a pipe) and with NO_COLOR on a colour TERM.
        for env in [
            &[][..],
            &[("NO_COLOR", "1"), ("TERM", "xterm-256color")][..],
        ] {
            let out = run(&hb, args, env);
            assert!(
                !out.stdout.contains(&0x1b),
                "hb {args:?} {env:?}: escape codes"
            );
            assert!(
                !out.stderr.contains(&0x1b),
                "hb {args:?} {env:?}: escape codes"
            );
        }
        let out = run(&hb, &[&["--color", "never"], *args].concat(), &[]);
        assert!(!out.stdout.contains(&0x1b), "hb --color never {args:?}");
    }
    for args in [
        &["status"][..],
        &["property", "list"],
        &["alerts"],
        &["logs"],
    ] {
        let out = run(
            &hb,
            &[&["--color", "always"], args].concat(),
            &[("NO_COLOR", "1")],
        );
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("\x1b["), "hb --color always {args:?}: {text}");
    }
}

#[test]
fn quiet_prints_nothing_but_errors() {
    let hb = populated();
    for args in READERS {
        let out = run(&hb, &[*args, &["-q"]].concat(), &[]);
        assert!(
            out.stdout.is_empty(),
            "hb {args:?} -q: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert!(out.stderr.is_empty(), "hb {args:?} -q");
    }
    hb.cmd()
        .env("HB_NOW", "2026-11-25T12:05:00Z")
        .args(["cycle", "-q"])
        .assert()
        .success()
        .stdout("")
        .stderr("");
    // Errors still show, and say what to do.
    hb.cmd()
        .args(["property", "99", "-q"])
        .assert()
        .code(1)
        .stderr("error: no property with id 99 (list them with `hb property list`)\n");
}

#[test]
fn errors_say_what_to_do_and_exit_with_their_class() {
    let hb = Hb::new();
    let cases: &[(&[&str], i32, &str)] = &[
        (&["logs"], 1, "or pass --db"),
        (
            &["status", "--window", "soon"],
            64,
            "expected e.g. 30s, 5m, 4h, 1d",
        ),
        (
            &["cycle", "--only", "weather"],
            64,
            "expected one of portfolio",
        ),
        (
            &["--config", "nope.toml", "status"],
            78,
            "create it with `hb init`",
        ),
        (
            &["property", "x"],
            64,
            "For more information, try '--help'.",
        ),
    ];
    for (args, code, hint) in cases {
        let out = hb.cmd().args(*args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(*code), "hb {args:?}: {stderr}");
        assert!(stderr.starts_with("error:"), "hb {args:?}: {stderr}");
        assert!(stderr.contains(hint), "hb {args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "hb {args:?}");
    }
    hb.write(
        "heartbeat.toml",
        "[deadman]\nurl = \"http://x/1\"\nurl_env = \"U\"\n",
    );
    hb.cmd()
        .args(["status"])
        .assert()
        .code(78)
        .stderr(predicates::str::contains(
            "heartbeat.toml:1: key `deadman`: set either `url` or `url_env`, not both",
        ));
}

/// On a terminal (a pty from `script`, when it is installed): colour on, and the table
/// fits the terminal's width.
#[test]
fn on_a_terminal_tables_fit_and_are_coloured() {
    if !crate::support::require_tool("script", "util-linux", "to give hb a terminal") {
        return;
    }
    let hb = populated();
    let hb_bin = hb_binary();
    for (no_color, coloured) in [(None, true), (Some("1"), false)] {
        let mut cmd = std::process::Command::new("script");
        for (key, _) in std::env::vars() {
            if key.starts_with("HB_") || key == "NO_COLOR" || key == "COLUMNS" {
                cmd.env_remove(key);
            }
        }
        if let Some(v) = no_color {
            cmd.env("NO_COLOR", v);
        }
        let output = cmd
            .args([
                "-qec",
                &format!("stty cols 60 rows 40; {} logs", hb_bin.display()),
                "/dev/null",
            ])
            .current_dir(hb.dir.path())
            .env("HOME", hb.dir.path())
            .env("HB_DB", hb.db())
            .env("HB_NOW", &hb.now)
            .env("TERM", "xterm-256color")
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(text.contains("Trigger"), "{text}");
        assert_eq!(
            text.contains("\x1b["),
            coloured,
            "NO_COLOR={no_color:?}: {text}"
        );
        for line in strip_ansi(&text).lines() {
            let width = line.trim_end_matches('\r').chars().count();
            assert!(width <= 60, "{width} columns: {line}");
        }
    }
}

fn strip_ansi(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            // CSI: ESC [ ... final byte in @..~
            if chars.next() == Some('[') {
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}
