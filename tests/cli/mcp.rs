//! `hb mcp`: the Model Context Protocol server, driven by the real Python MCP client
//! (`tests/mcp_client.py`, see `support::mcp`) on a demo store, in the client's default
//! mode (2026-07-28, no handshake) and in its `initialize` modes (2025-11-25, 2025-06-18).

use std::path::PathBuf;

use serde_json::{json, Value};

use crate::support::{at, mcp};
use crate::Hb;

/// The read tools, as tools/list names them (sorted).
const READ_TOOLS: [&str; 7] = [
    "get_heartbeat_log",
    "get_insights",
    "get_property_heartbeat",
    "get_system_heartbeat_status",
    "list_alerts",
    "list_checks",
    "list_properties",
];
const WRITE_TOOLS: [&str; 3] = [
    "acknowledge_alert",
    "run_health_checks",
    "trigger_system_heartbeat_cycle",
];

/// A demo sandbox after its first cycle, read at `clock`.
struct Demo {
    hb: Hb,
    config: PathBuf,
    clock: String,
}

impl Demo {
    /// `hb demo` (60 properties), then `hb cycle --all` two minutes later, so the store has
    /// a cycle, notifications and counted checks.
    fn new() -> Demo {
        let hb = Hb::new();
        let out = hb
            .cmd()
            .env_remove("HB_DB")
            .args(["demo", "--dir", "d", "--properties", "60", "-q"])
            .output()
            .expect("run hb demo");
        Hb::succeeded(&["demo"], out);
        let mut demo = Demo {
            config: hb.path("d").join("heartbeat.toml"),
            hb,
            clock: at(120),
        };
        demo.cli(&["cycle", "--all", "-q"]);
        demo.clock = at(300);
        demo
    }

    /// hb on the demo's config and store, at the demo's clock.
    fn command(&self) -> std::process::Command {
        let mut cmd = self.hb.std_cmd();
        cmd.env_remove("HB_DB")
            .env("HB_CONFIG", &self.config)
            .env("HB_NOW", &self.clock);
        cmd
    }

    /// `hb ARGS` on the demo, asserting success; its stdout.
    fn cli(&self, args: &[&str]) -> String {
        let out = self.command().args(args).output().expect("run hb");
        Hb::succeeded(args, out)
    }

    /// `hb ARGS --json` on the demo, whatever its (Nagios) exit code.
    fn json(&self, args: &[&str]) -> Value {
        let out = self
            .command()
            .args(args)
            .arg("--json")
            .output()
            .expect("run hb");
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "hb {args:?} --json is not JSON ({e}): {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )
        })
    }

    /// The Python client in `mode` against `hb mcp HB_ARGS`, making the calls of `plan`.
    fn session(
        &self,
        python: &std::path::Path,
        mode: &str,
        plan: &Value,
        hb_args: &[&str],
    ) -> Value {
        let file = self.hb.write(
            &format!("plan-{mode}.json"),
            &serde_json::to_string(plan).expect("plan"),
        );
        let file = file.to_string_lossy().into_owned();
        mcp::run(
            python,
            &self.command(),
            self.hb.dir.path(),
            &["session", mode, &file],
            hb_args,
        )
    }
}

/// The calls of a report, in the order made.
fn calls(report: &Value) -> &Vec<Value> {
    report["calls"].as_array().expect("calls")
}

fn names(report: &Value) -> Vec<String> {
    let tools = report["tools"].as_array().expect("tools");
    tools
        .iter()
        .map(|t| t["name"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// The text of a call that must be a tool error (isError), with no client-side failure.
fn tool_error(call: &Value) -> String {
    assert_eq!(call["client_error"], Value::Null, "{call}");
    assert_eq!(call["is_error"], true, "expected a tool error: {call}");
    call["texts"][0].as_str().unwrap_or_default().to_string()
}

/// A successful call's structured content, after checking its texts: the spoken
/// sentence first, then the document itself as JSON.
fn answer(call: &Value) -> &Value {
    assert_eq!(call["client_error"], Value::Null, "{call}");
    assert_eq!(call["is_error"], false, "{call}");
    let texts = call["texts"].as_array().expect("texts");
    let voice = texts[0].as_str().unwrap_or_default();
    assert!(
        voice.ends_with('.')
            && voice
                .chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit()),
        "the first text is one spoken sentence: {voice:?}"
    );
    let document: Value = serde_json::from_str(texts[1].as_str().unwrap_or_default())
        .expect("the second text is the document");
    assert_eq!(document, call["structured"], "{}", call["name"]);
    &call["structured"]
}

/// Each read tool with the arguments asked, and the CLI command that asks the same.
fn read_questions() -> Vec<(Value, Vec<&'static str>)> {
    vec![
        (
            json!({"name": "get_property_heartbeat", "arguments": {"property_id": 5}}),
            vec!["property", "5"],
        ),
        (
            json!({"name": "list_properties", "arguments": {}}),
            vec!["property", "list"],
        ),
        (
            json!({"name": "list_properties", "arguments": {"health": "stale", "stage": "new", "limit": 3}}),
            vec![
                "property", "list", "--health", "stale", "--stage", "new", "--limit", "3",
            ],
        ),
        (
            json!({"name": "get_insights", "arguments": {}}),
            vec!["insights"],
        ),
        (
            json!({"name": "get_insights", "arguments": {"limit": 0}}),
            vec!["insights", "--limit", "0"],
        ),
        (
            json!({"name": "get_system_heartbeat_status", "arguments": {}}),
            vec!["status"],
        ),
        (
            json!({"name": "get_system_heartbeat_status", "arguments": {"window": "7d"}}),
            vec!["status", "--window", "7d"],
        ),
        (
            json!({"name": "get_heartbeat_log", "arguments": {}}),
            vec!["logs"],
        ),
        (
            json!({"name": "get_heartbeat_log", "arguments": {"limit": 1}}),
            vec!["logs", "--limit", "1"],
        ),
        (
            json!({"name": "get_heartbeat_log", "arguments": {"run_id": 2}}),
            vec!["logs", "2"],
        ),
        (
            json!({"name": "list_checks", "arguments": {}}),
            vec!["checks"],
        ),
        (
            json!({"name": "list_alerts", "arguments": {}}),
            vec!["alerts"],
        ),
        (
            json!({"name": "list_alerts", "arguments": {"priority": "HIGH", "limit": 2}}),
            vec!["alerts", "--priority", "high", "--limit", "2"],
        ),
        (
            json!({"name": "list_alerts", "arguments": {"all": true, "kind": "stale_property", "limit": 4}}),
            vec![
                "alerts",
                "--all",
                "--kind",
                "stale_property",
                "--limit",
                "4",
            ],
        ),
    ]
}

/// Calls an assistant gets wrong, and what each tool error must say.
fn bad_calls() -> Vec<(Value, &'static str)> {
    vec![
        (
            json!({"name": "get_weather", "arguments": {}}),
            "no tool named `get_weather`: the tools are get_heartbeat_log, get_insights",
        ),
        (
            json!({"name": "get_property_heartbeat", "arguments": {}}),
            "bad arguments for `get_property_heartbeat`: missing field `property_id`",
        ),
        (
            json!({"name": "get_property_heartbeat", "arguments": {"property_id": "five"}}),
            "bad arguments for `get_property_heartbeat`: invalid type: string \"five\"",
        ),
        (
            json!({"name": "get_property_heartbeat", "arguments": {"property_id": 5, "verbose": true}}),
            "unknown field `verbose`",
        ),
        (
            json!({"name": "get_property_heartbeat", "arguments": {"property_id": 99999}}),
            "no property with id 99999",
        ),
        (
            json!({"name": "list_properties", "arguments": {"health": "sick"}}),
            "\"sick\" is not one of healthy, stale, snoozed, blocked",
        ),
        (
            json!({"name": "get_system_heartbeat_status", "arguments": {"window": "soon"}}),
            "window: ",
        ),
        (
            json!({"name": "get_heartbeat_log", "arguments": {"run_id": 999}}),
            "no run with id 999",
        ),
        (
            json!({"name": "trigger_system_heartbeat_cycle", "arguments": {}}),
            "restart it as `hb mcp --allow-writes`, or set `[mcp] allow_writes = true`",
        ),
        (
            json!({"name": "run_health_checks", "arguments": {}}),
            "`run_health_checks` writes, and this server is read-only",
        ),
        (
            json!({"name": "acknowledge_alert", "arguments": {"ids": [1]}}),
            "`acknowledge_alert` writes, and this server is read-only",
        ),
    ]
}

#[test]
fn mcp_read_tools_answer_as_the_cli_in_every_protocol_mode() {
    let Some(python) = mcp::python() else { return };
    let demo = Demo::new();
    let questions = read_questions();
    let bad = bad_calls();
    let plan: Vec<Value> = questions
        .iter()
        .map(|(call, _)| call.clone())
        .chain(bad.iter().map(|(call, _)| call.clone()))
        .collect();
    let expected: Vec<Value> = questions.iter().map(|(_, args)| demo.json(args)).collect();
    let runs_before = demo.json(&["logs", "--limit", "0"])["total"].clone();

    for (mode, version) in [
        ("auto", "2026-07-28"),
        ("legacy", "2025-11-25"),
        ("2025-06-18", "2025-06-18"),
    ] {
        let report = demo.session(&python, mode, &json!(plan), &["mcp"]);
        assert_eq!(report["protocol_version"], version, "{mode}");
        assert_eq!(report["server_name"], "hb", "{mode}");
        assert_eq!(names(&report), READ_TOOLS, "{mode}: read-only by default");
        for tool in report["tools"].as_array().expect("tools") {
            assert_eq!(
                tool["annotations"],
                json!({
                    "title": tool["annotations"]["title"],
                    "readOnlyHint": true,
                    "destructiveHint": false,
                    "idempotentHint": true,
                    "openWorldHint": false
                }),
                "{mode}: {}",
                tool["name"]
            );
            assert!(tool["annotations"]["title"].is_string(), "{tool}");
            assert_eq!(
                tool["output_schema"]["type"], "object",
                "{mode}: {}",
                tool["name"]
            );
            assert_eq!(
                tool["input_schema"]["type"], "object",
                "{mode}: {}",
                tool["name"]
            );
        }

        let made = calls(&report);
        for (i, ((call, args), cli)) in questions.iter().zip(&expected).enumerate() {
            let structured = answer(&made[i]);
            assert_eq!(
                structured,
                cli,
                "{mode}: {call} is `hb {} --json`",
                args.join(" ")
            );
            if let Some(voice) = cli.get("voice_summary") {
                assert_eq!(
                    made[i]["texts"][0], *voice,
                    "{mode}: {call} says the CLI's sentence"
                );
            }
        }
        for (j, (call, says)) in bad.iter().enumerate() {
            let text = tool_error(&made[questions.len() + j]);
            assert!(text.contains(says), "{mode}: {call}: {text}");
        }
    }
    // Nothing the read-only server did wrote a run.
    assert_eq!(demo.json(&["logs", "--limit", "0"])["total"], runs_before);
}

#[test]
fn mcp_voice_summaries_are_the_clis() {
    let Some(python) = mcp::python() else { return };
    let demo = Demo::new();
    let plan = json!([
        {"name": "get_system_heartbeat_status", "arguments": {}},
        {"name": "get_insights", "arguments": {}},
        {"name": "get_heartbeat_log", "arguments": {"limit": 1}},
    ]);
    let report = demo.session(&python, "auto", &plan, &["mcp"]);
    let made = calls(&report);
    let status = demo.json(&["status"]);
    let voice = status["voice_summary"].as_str().unwrap_or_default();
    let board = demo.json(&["checks"]);
    let enabled = board["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|c| c["enabled"] == true)
        .count();
    assert!(enabled > 12, "the demo's protocol: {enabled} checks");
    assert!(
        voice.starts_with(&format!(
            "The system heartbeat is running: last cycle 3 minutes ago; {enabled} checks, "
        )),
        "{voice}"
    );
    assert_eq!(made[0]["texts"][0], voice);
    let insights = demo.json(&["insights"]);
    let voice = insights["voice_summary"].as_str().unwrap_or_default();
    assert!(voice.contains(" things need attention: "), "{voice}");
    assert_eq!(made[1]["texts"][0], voice);
    // The last cycle's own sentence, as `hb cycle --json` said it, closes the log's.
    let last = demo.json(&["logs", "--limit", "1"]);
    let said = last["runs"][0]["summary"]["voice_summary"]
        .as_str()
        .unwrap_or_default();
    assert!(said.starts_with("Cycle 2 completed in "), "{said}");
    let log_voice = made[2]["texts"][0].as_str().unwrap_or_default();
    assert!(log_voice.starts_with("Two runs are recorded; the latest, run 2, a cycle of every module started 25 November 2026 at 12:02 UTC, completed in "), "{log_voice}");
    assert!(log_voice.ends_with(said), "{log_voice}");
    // `hb cycle --json` says its own.
    let dry = demo.json(&["cycle", "--dry-run"]);
    let voice = dry["voice_summary"].as_str().unwrap_or_default();
    assert!(
        voice.starts_with("A dry run of the cycle completed in "),
        "{voice}"
    );
}

#[test]
fn mcp_without_a_store_answers_status_and_says_what_to_do_for_the_rest() {
    let Some(python) = mcp::python() else { return };
    let demo = Demo::new();
    let missing = demo.hb.path("nowhere.db");
    let mut command = demo.command();
    command.env("HB_DB", &missing);
    let plan = json!([
        {"name": "get_system_heartbeat_status", "arguments": {}},
        {"name": "get_property_heartbeat", "arguments": {"property_id": 5}},
        {"name": "list_checks", "arguments": {}},
    ]);
    let file = demo.hb.write("plan-nostore.json", &plan.to_string());
    let report = mcp::run(
        &python,
        &command,
        demo.hb.dir.path(),
        &["session", "legacy", &file.to_string_lossy()],
        &["mcp"],
    );
    let made = calls(&report);
    let status = answer(&made[0]);
    assert_eq!(status["status"], "unknown");
    assert_eq!(
        made[0]["texts"][0],
        "The system heartbeat has not run yet: there is no store, so no cycle has run."
    );
    let text = tool_error(&made[1]);
    assert_eq!(
        text,
        format!(
            "no store at {}: create one with `hb init`, `hb import` or `hb demo`, or pass --db",
            missing.display()
        )
    );
    // The board needs no store: the config's checks, none run.
    let board = answer(&made[2]);
    let configured = demo.json(&["checks"])["checks"].as_array().map(Vec::len);
    assert_eq!(board["checks"].as_array().map(Vec::len), configured);
    assert!(board["checks"][0]["status"].is_null(), "{board}");
    assert!(!missing.exists(), "a read never creates the store");
}

#[test]
fn mcp_write_tools_only_with_allow_writes_and_each_does_what_its_command_does() {
    let Some(python) = mcp::python() else { return };
    let demo = Demo::new();
    let open = demo.json(&["alerts", "--limit", "2"]);
    let ids: Vec<i64> = open["notifications"]
        .as_array()
        .expect("notifications")
        .iter()
        .filter_map(|n| n["id"].as_i64())
        .collect();
    assert_eq!(
        ids.len(),
        2,
        "the demo's cycle raised notifications: {open}"
    );
    // The worker's heartbeat file goes stale: a manual run finds it and must not run its
    // remediation (`touch worker.heartbeat`).
    let heartbeat = demo.hb.path("d").join("worker.heartbeat");
    let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
    std::fs::File::options()
        .write(true)
        .open(&heartbeat)
        .and_then(|f| f.set_modified(old))
        .expect("age the worker's heartbeat");

    let plan = json!([
        {"name": "acknowledge_alert", "arguments": {"ids": ids}},
        {"name": "acknowledge_alert", "arguments": {"ids": [ids[0], 999999]}},
        {"name": "acknowledge_alert", "arguments": {"ids": []}},
        {"name": "run_health_checks", "arguments": {"names": ["worker-heartbeat", "payments"]}},
        {"name": "run_health_checks", "arguments": {"names": ["nope"]}},
        {"name": "trigger_system_heartbeat_cycle", "arguments": {"modules": ["portfolio", "scheduled"]}},
        {"name": "trigger_system_heartbeat_cycle", "arguments": {"dry_run": true}},
        {"name": "trigger_system_heartbeat_cycle", "arguments": {"modules": ["weather"]}},
    ]);
    let report = demo.session(&python, "auto", &plan, &["mcp", "--allow-writes"]);
    let mut all: Vec<&str> = READ_TOOLS.iter().chain(&WRITE_TOOLS).copied().collect();
    all.sort();
    assert_eq!(names(&report), all);
    let hints = |name: &str| {
        let tools = report["tools"].as_array().expect("tools");
        let tool = tools.iter().find(|t| t["name"] == name).expect(name);
        let a = &tool["annotations"];
        (
            a["readOnlyHint"].clone(),
            a["destructiveHint"].clone(),
            a["idempotentHint"].clone(),
            a["openWorldHint"].clone(),
        )
    };
    // A cycle may remediate and alert people; a manual run of checks reaches the services
    // and records a run; acknowledging twice changes nothing more.
    assert_eq!(
        hints("trigger_system_heartbeat_cycle"),
        (json!(false), json!(true), json!(false), json!(true))
    );
    assert_eq!(
        hints("run_health_checks"),
        (json!(false), json!(false), json!(false), json!(true))
    );
    assert_eq!(
        hints("acknowledge_alert"),
        (json!(false), json!(false), json!(true), json!(false))
    );

    let made = calls(&report);
    assert_eq!(answer(&made[0]), &json!({"acknowledged": ids}));
    assert_eq!(
        made[0]["texts"][0],
        format!("Acknowledged notifications {} and {}.", ids[0], ids[1])
    );
    let text = tool_error(&made[1]);
    assert!(
        text.contains("no notification with id 999999 (nothing was acknowledged"),
        "{text}"
    );
    assert!(
        text.ends_with("; list_alerts (with all: true) lists them"),
        "{text}"
    );
    let text = tool_error(&made[2]);
    assert!(text.starts_with("`ids` is empty: give the ids"), "{text}");
    let acked = demo.json(&["alerts", "--all", "--limit", "0"]);
    let acked_ids: Vec<i64> = acked["notifications"]
        .as_array()
        .expect("notifications")
        .iter()
        .filter(|n| n["state"] == "acked")
        .filter_map(|n| n["id"].as_i64())
        .collect();
    assert_eq!(acked_ids.len(), 2, "{acked_ids:?}");
    assert!(ids.iter().all(|id| acked_ids.contains(id)));

    let checks = answer(&made[3]);
    assert_eq!(checks["recorded"], true);
    let results = checks["results"].as_array().expect("results");
    assert_eq!(results[0]["name"], "worker-heartbeat");
    assert_ne!(results[0]["status"], "ok", "{checks}");
    assert_eq!(results[0]["remediation"]["actions"], json!([]), "{checks}");
    let modified = std::fs::metadata(&heartbeat)
        .and_then(|m| m.modified())
        .expect("mtime");
    assert_eq!(modified, old, "a manual run never remediates");
    let run_id = checks["run_id"].as_i64().expect("a recorded run");
    let logged = demo.json(&["logs", &run_id.to_string()]);
    assert_eq!(logged["trigger"], "checks");
    let voice = made[3]["texts"][0].as_str().unwrap_or_default();
    assert!(
        voice.starts_with(&format!(
            "Ran two checks by hand, recorded as run {run_id} (shown, not counted toward alerts): "
        )),
        "{voice}"
    );
    assert!(tool_error(&made[4]).contains("no check named `nope` (known checks: "));

    let cycle = answer(&made[5]);
    let cycle_id = cycle["run_id"].as_i64().expect("a cycle run");
    assert_eq!(cycle["dry_run"], false);
    let modules: Vec<(&str, &str)> = cycle["modules"]
        .as_array()
        .expect("modules")
        .iter()
        .map(|m| {
            (
                m["module"].as_str().unwrap_or_default(),
                m["status"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(modules[0], ("portfolio", "ok"));
    assert_eq!(modules[1], ("market", "skipped"));
    // The run's recorded summary is the very document the tool returned.
    assert_eq!(
        demo.json(&["logs", &cycle_id.to_string()])["summary"],
        *cycle
    );
    assert_eq!(made[5]["texts"][0], cycle["voice_summary"]);
    let dry = answer(&made[6]);
    assert_eq!(
        (dry["dry_run"].clone(), dry["run_id"].clone()),
        (json!(true), Value::Null)
    );
    assert!(tool_error(&made[7]).contains("\"weather\" is not one of portfolio, market"));

    // `[mcp] allow_writes = true` does what the flag does.
    let mut text = std::fs::read_to_string(&demo.config).expect("config");
    text.push_str("\n[mcp]\nallow_writes = true\n");
    std::fs::write(&demo.config, text).expect("config");
    let report = demo.session(&python, "legacy", &json!([]), &["mcp"]);
    assert_eq!(names(&report), all);
}

#[test]
fn mcp_a_cycle_already_running_is_a_tool_error_at_once() {
    let Some(python) = mcp::python() else { return };
    let demo = Demo::new();
    // A live hb process (an import waiting on stdin) holds the cycle lock.
    let mut holder = demo
        .hb
        .std_cmd()
        .env("HB_DB", demo.hb.path("other.db"))
        .args(["import", "properties", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start a lock holder");
    let pid = holder.id();
    let store = demo.hb.path("d").join("demo.db");
    rusqlite::Connection::open(&store)
        .and_then(|c| {
            c.execute_batch(&format!(
                "INSERT INTO runs (id, trigger, started_at, status, pid) VALUES (60, 'timer', 1795000000, 'running', {pid});
                 INSERT OR REPLACE INTO cycle_lock (id, pid, run_id, started_at) VALUES (1, {pid}, 60, 1795000000);"
            ))
        })
        .expect("take the lock");
    let started = std::time::Instant::now();
    let report = demo.session(
        &python,
        "auto",
        &json!([{"name": "trigger_system_heartbeat_cycle", "arguments": {}}]),
        &["mcp", "--allow-writes"],
    );
    let took = started.elapsed();
    let _ = holder.kill();
    let _ = holder.wait();
    let text = tool_error(&calls(&report)[0]);
    assert!(
        text.starts_with(&format!(
            "another cycle is running (pid {pid} since 2026-11-18T"
        )),
        "{text}"
    );
    assert!(text.ends_with("try again when it ends"), "{text}");
    assert!(took < std::time::Duration::from_secs(10), "took {took:?}");
}

/// A JSON-RPC request line.
fn request(id: i64, method: &str, params: Value) -> String {
    json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}).to_string()
}

#[test]
fn mcp_keeps_serving_after_bad_lines_and_stdout_is_only_protocol() {
    let Some(python) = mcp::python() else { return };
    let demo = Demo::new();
    let initialize = request(
        1,
        "initialize",
        json!({"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}),
    );
    let call = |id: i64, name: &str, arguments: Value| {
        request(
            id,
            "tools/call",
            json!({"name": name, "arguments": arguments}),
        )
    };
    let plan = json!([
        {"send": "{not json"},
        {"send": initialize},
        {"send": json!({"jsonrpc": "2.0", "method": "notifications/initialized"}).to_string(), "reply": false},
        {"send": "not even close"},
        {"send": json!({"jsonrpc": "2.0", "id": 7, "hello": 1}).to_string()},
        {"send": "", "reply": false},
        {"send": request(2, "tools/list", json!({}))},
        {"send": call(3, "get_property_heartbeat", json!({"property_id": 5}))},
        {"send": request(4, "no/such/method", json!({}))},
        {"send": call(5, "get_weather", json!({}))},
    ]);
    let file = demo.hb.write("plan-raw.json", &plan.to_string());
    let report = mcp::run(
        &python,
        &demo.command(),
        demo.hb.dir.path(),
        &["raw", &file.to_string_lossy()],
        &["mcp"],
    );
    assert_eq!(
        report["exit_code"], 0,
        "EOF on stdin ends it cleanly: {report}"
    );
    let replies: Vec<Value> = report["replies"]
        .as_array()
        .expect("replies")
        .iter()
        .map(|r| serde_json::from_str(r.as_str().expect("a reply")).expect("JSON"))
        .collect();
    // Before and after the handshake, a line that is not JSON is a parse error, id null.
    for reply in [&replies[0], &replies[2]] {
        assert_eq!(reply["id"], Value::Null, "{reply}");
        assert_eq!(reply["error"]["code"], -32700, "{reply}");
        let message = reply["error"]["message"].as_str().unwrap_or_default();
        assert!(
            message.contains("send one JSON-RPC 2.0 message per line"),
            "{message}"
        );
    }
    assert_eq!(replies[1]["id"], 1);
    assert_eq!(replies[1]["result"]["protocolVersion"], "2025-06-18");
    assert_eq!(replies[1]["result"]["serverInfo"]["name"], "hb");
    assert_eq!(
        (
            replies[3]["id"].clone(),
            replies[3]["error"]["code"].clone()
        ),
        (json!(7), json!(-32600))
    );
    assert_eq!(replies[4]["id"], 2);
    assert_eq!(
        replies[4]["result"]["tools"].as_array().map(Vec::len),
        Some(7)
    );
    assert_eq!(replies[5]["id"], 3);
    assert_eq!(
        replies[5]["result"]["structuredContent"],
        demo.json(&["property", "5"])
    );
    assert_eq!(
        (
            replies[6]["id"].clone(),
            replies[6]["error"]["code"].clone()
        ),
        (json!(4), json!(-32601))
    );
    assert_eq!(replies[7]["result"]["isError"], true);

    // Every line on stdout is a JSON-RPC 2.0 message; diagnostics went to stderr.
    let stdout = report["stdout"].as_array().expect("stdout");
    assert_eq!(stdout.len(), 8, "{stdout:?}");
    for line in stdout {
        let message: Value = serde_json::from_str(line.as_str().unwrap_or_default()).expect("JSON");
        assert_eq!(message["jsonrpc"], "2.0", "{message}");
    }
    let stderr = report["stderr"].as_str().unwrap_or_default();
    assert!(
        stderr.starts_with("hb mcp: serving 7 tools on stdio for store "),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn mcp_ends_cleanly_when_stdin_closes_before_anything() {
    let hb = Hb::new();
    let out = hb
        .cmd()
        .args(["mcp", "-q"])
        .write_stdin("")
        .output()
        .expect("run hb mcp");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(out.stdout.is_empty() && out.stderr.is_empty(), "{out:?}");
}

#[test]
fn mcp_no_secret_reaches_any_tool_output() {
    use crate::support::http::{Reply, Server};
    use crate::support::ReservedPort;
    let Some(python) = mcp::python() else { return };
    let demo = Demo::new();
    let secret = "mcp-s3cret-token";
    let dead_secret = "deadman-uuid-s3cret";
    // A partner API that echoes the credentials it was sent, and a pinger that is down.
    let echo = Server::start(|_, request| {
        let sent = request
            .header("authorization")
            .unwrap_or("none")
            .to_string();
        Reply::text(500, format!("refused credentials {sent}"))
    });
    let down = ReservedPort::new();
    let mut config = std::fs::read_to_string(&demo.config).expect("config");
    config.push_str(&format!(
        "\n[[check]]\nname = \"partner-api\"\ngroup = \"integration\"\ntype = \"http\"\n\
         url = \"{}?token=${{MCP_TEST_SECRET}}\"\n\
         headers = {{ Authorization = \"Bearer ${{MCP_TEST_SECRET}}\" }}\nevery = \"5m\"\ntimeout = \"2s\"\n\
         \n[deadman]\nurl_env = \"MCP_TEST_DEADMAN\"\ntimeout = \"1s\"\n",
        echo.url("/health")
    ));
    std::fs::write(&demo.config, config).expect("config");
    let mut command = demo.command();
    command.env("MCP_TEST_SECRET", secret).env(
        "MCP_TEST_DEADMAN",
        down.url(&format!("/ping/{dead_secret}")),
    );
    let plan = json!([
        {"name": "run_health_checks", "arguments": {"names": ["partner-api"]}},
        {"name": "trigger_system_heartbeat_cycle", "arguments": {"modules": ["system"]}},
        {"name": "list_checks", "arguments": {}},
        {"name": "get_system_heartbeat_status", "arguments": {}},
        {"name": "get_heartbeat_log", "arguments": {"limit": 0}},
        {"name": "get_heartbeat_log", "arguments": {"run_id": 3}},
        {"name": "list_alerts", "arguments": {"all": true, "limit": 0}},
    ]);
    let file = demo.hb.write("plan-secret.json", &plan.to_string());
    let report = mcp::run(
        &python,
        &command,
        demo.hb.dir.path(),
        &["session", "auto", &file.to_string_lossy()],
        &["mcp", "--allow-writes"],
    );
    let made = calls(&report);
    let checked = answer(&made[0]);
    assert_eq!(checked["results"][0]["status"], "critical", "{checked}");
    assert!(
        echo.requests()
            .iter()
            .any(|r| r.header("authorization") == Some(&format!("Bearer {secret}"))),
        "the check sent the secret to its service"
    );
    for call in made {
        answer(call);
    }
    let everything = report.to_string();
    assert!(
        !everything.contains(secret),
        "the secret leaked: {everything}"
    );
    assert!(
        !everything.contains(dead_secret),
        "the dead-man URL leaked: {everything}"
    );
}

#[test]
fn mcp_a_locked_store_is_a_tool_error_that_says_to_try_again() {
    let Some(python) = mcp::python() else { return };
    let demo = Demo::new();
    let store = demo.hb.path("d").join("demo.db");
    let holder = rusqlite::Connection::open(&store).expect("open the store");
    // Another writer in the middle of its transaction, past hb's busy timeout.
    holder
        .execute_batch("BEGIN IMMEDIATE")
        .expect("hold the write lock");
    let report = demo.session(
        &python,
        "auto",
        &json!([
            {"name": "acknowledge_alert", "arguments": {"ids": [1]}},
            {"name": "get_property_heartbeat", "arguments": {"property_id": 5}},
        ]),
        &["mcp", "--allow-writes"],
    );
    holder.execute_batch("ROLLBACK").expect("release the lock");
    let made = calls(&report);
    let text = tool_error(&made[0]);
    assert!(text.contains("locked"), "{text}");
    assert!(text.contains("try again"), "{text}");
    // Readers are not held up by a writer (the store's write-ahead log).
    answer(&made[1]);
}
