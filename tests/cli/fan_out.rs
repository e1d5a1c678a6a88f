//! One check over many things: `targets` (nine orchestrators as one check) and JSON
//! conditions over the values a JSONPath selects (circuit breakers, rate limiters),
//! against servers on 127.0.0.1.

use std::sync::{Arc, Mutex};

use serde_json::Value;

use crate::support::http::{Reply, Server};
use crate::support::ReservedPort;
use crate::Hb;

/// `hb checks run --all --json` with `config`: the results.
fn run_all(hb: &Hb, config: &str) -> Vec<Value> {
    hb.write("heartbeat.toml", config);
    let out = hb
        .cmd()
        .args([
            "--config",
            "heartbeat.toml",
            "checks",
            "run",
            "--all",
            "--json",
        ])
        .output()
        .expect("run hb");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    doc["results"].as_array().cloned().unwrap_or_default()
}

fn result<'a>(results: &'a [Value], name: &str) -> &'a Value {
    results
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no {name}: {results:#?}"))
}

#[test]
fn nine_orchestrators_are_one_check_that_names_the_unreachable_ones() {
    let hb = Hb::new();
    // Nine listening ports; orch-3 and orch-7 point first at reserved ports where nothing
    // listens (refused, like a server that is down).
    let up: Vec<std::net::TcpListener> = (0..9)
        .map(|_| std::net::TcpListener::bind("127.0.0.1:0").unwrap())
        .collect();
    let down = [ReservedPort::new(), ReservedPort::new()];
    let config_with = |down_ports: &[u16; 2]| {
        let targets: Vec<String> = (1..=9)
            .map(|i| {
                let port = match i {
                    3 => down_ports[0],
                    7 => down_ports[1],
                    _ => up[i - 1].local_addr().unwrap().port(),
                };
                format!("{{ name = \"orch-{i}\", address = \"127.0.0.1:{port}\" }}")
            })
            .collect();
        format!(
            "[[check]]\nname = \"orchestrators\"\ngroup = \"system\"\ntype = \"tcp\"\n\
             description = \"All 9 orchestrators reachable\"\ntimeout = \"2s\"\n\
             targets = [{}]\n",
            targets.join(", ")
        )
    };
    let config = config_with(&[down[0].port(), down[1].port()]);
    let results = run_all(&hb, &config);
    assert_eq!(results.len(), 1, "one check, one result: {results:#?}");
    let r = &results[0];
    assert_eq!(r["status"], "critical");
    let message = r["message"].as_str().unwrap();
    assert!(
        message.starts_with("2 of 9 orchestrators unreachable: orch-3, orch-7 (orch-3: cannot connect to 127.0.0.1:"),
        "{message}"
    );
    assert!(message.contains("; orch-7: cannot connect to"), "{message}");
    assert_eq!(r["value"], 2.0);
    // Each target is reported: its latency as a series.
    let labels: Vec<&str> = r["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels.len(), 9, "{labels:?}");
    assert!(labels.contains(&"orch-1") && labels.contains(&"orch-9"));

    // All up: one line says so.
    let port = |i: usize| up[i].local_addr().unwrap().port();
    let config = config_with(&[port(2), port(6)]);
    let results = run_all(&hb, &config);
    assert_eq!(results[0]["status"], "ok");
    assert_eq!(results[0]["message"], "all 9 orchestrators reachable");

    // HEARTBEAT.md lists the targets of the one check.
    let doc = hb.ok(&["--config", "heartbeat.toml", "checks", "doc"]);
    assert!(
        doc.contains("Each target accepts a TCP connection within 2s, one alert naming the failing ones; 9 orchestrators: `orch-1` (`127.0.0.1:"),
        "{doc}"
    );
}

#[test]
fn targets_are_checked_when_the_config_loads() {
    let hb = Hb::new();
    for (body, key, says) in [
        (
            "type = \"tcp\"\naddress = \"127.0.0.1:1\"\ntargets = [\"127.0.0.1:2\"]\n",
            "check[0].address",
            "either `address` or `targets`",
        ),
        (
            "type = \"tcp\"\ntargets = []\n",
            "check[0].targets",
            "`targets` is empty",
        ),
        (
            "type = \"tcp\"\ntargets = [\"127.0.0.1:2\", \"127.0.0.1:2\"]\n",
            "check[0].targets",
            "two targets are named",
        ),
        (
            "type = \"tcp\"\ntargets = [\"nope\"]\n",
            "check[0].targets",
            "target \"nope\": \"nope\" is not host:port",
        ),
        (
            "type = \"tcp\"\ntargets = [{ name = \"a\", url = \"http://x/\" }]\n",
            "check[0].targets",
            "name their `address`, not `url`",
        ),
        (
            "type = \"disk\"\npath = \"/\"\ntargets = [\"/\"]\n",
            "check[0].targets",
            "does not apply to a disk check",
        ),
        // A target's own mistake, at its place: a key misspelt, a value of no use.
        (
            "type = \"tcp\"\ntargets = [\"127.0.0.1:2\", { name = \"a\", adress = \"127.0.0.1:3\" }]\n",
            "check[0].targets[1].adress",
            "unknown field `adress`, expected one of `name`, `url`, `address`, `database`",
        ),
        (
            "type = \"tcp\"\ntargets = [5]\n",
            "check[0].targets[0]",
            "invalid type: integer `5`, expected a string (a URL, host:port or database), or a \
             table with `name` and one of `url`, `address`, `database`",
        ),
    ] {
        hb.write(
            "heartbeat.toml",
            &format!("[[check]]\nname = \"o\"\ngroup = \"system\"\n{body}"),
        );
        let out = hb
            .cmd()
            .args(["--config", "heartbeat.toml", "checks", "validate"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(78), "{body}");
        // validate prints its findings; the config error is on one of the two streams.
        let stderr = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stderr.contains(&format!("key `{key}`")), "{body}: {stderr}");
        assert!(stderr.contains(says), "{body}: {stderr}");
    }
}

const STATUS: &str = r#"{
  "breakers": [
    {"name": "stripe", "state": "closed"},
    {"name": "bank", "state": "open"},
    {"name": "xero", "state": "closed"}
  ],
  "rate_limiters": [
    {"name": "public-api", "enabled": true, "remaining": 120},
    {"name": "search", "enabled": true, "remaining": 3}
  ]
}"#;

#[test]
fn breakers_and_rate_limiters_are_judged_over_the_status_json() {
    let hb = Hb::new();
    let document = Arc::new(Mutex::new(STATUS.to_string()));
    let served = document.clone();
    let server = Server::start(move |_, _| Reply::json(200, served.lock().unwrap().clone()));
    let port = server.port();
    let check = |name: &str, fields: &str| {
        format!(
            "[[check]]\nname = \"{name}\"\ngroup = \"integration\"\ntype = \"http\"\n\
             url = \"http://127.0.0.1:{port}/internal/status\"\n{fields}\n\n"
        )
    };
    let config = [
        check("circuit-breakers", "json_path = \"$.breakers[*].state\"\njson_condition = 'all == \"closed\"'"),
        check("any-open", "json_path = \"$.breakers[*].state\"\njson_condition = 'any == \"open\"'"),
        check("none-open", "json_path = \"$.breakers[*].state\"\njson_condition = 'none == \"open\"'\nseverity = \"warning\""),
        check("rate-limiters", "json_path = \"$.rate_limiters[?@.enabled == true]\"\njson_condition = \"count > 0\""),
        check("limiter-headroom", "json_path = \"$.rate_limiters[*].remaining\"\nwarn_below = 10\ncrit_below = 1"),
    ]
    .concat();
    let results = run_all(&hb, &config);
    let seen = |name: &str| {
        let r = result(&results, name);
        (
            r["status"].as_str().unwrap().to_string(),
            r["message"].as_str().unwrap().to_string(),
        )
    };
    let (status, message) = seen("circuit-breakers");
    assert_eq!(status, "critical");
    assert!(
        message.ends_with(": circuit breakers: 1 of 3 not == \"closed\": bank = \"open\""),
        "{message}"
    );
    assert!(message.starts_with("HTTP 200 in "), "{message}");
    assert_eq!(result(&results, "circuit-breakers")["value"], 2.0);
    assert_eq!(seen("any-open").0, "ok");
    assert!(
        seen("any-open")
            .1
            .ends_with("any open: 1 of 3 == \"open\" (bank)"),
        "{:?}",
        seen("any-open")
    );
    assert_eq!(seen("none-open").0, "warning");
    assert_eq!(seen("rate-limiters").0, "ok");
    assert!(
        seen("rate-limiters")
            .1
            .ends_with("rate limiters: 2 values (count > 0)"),
        "{:?}",
        seen("rate-limiters")
    );
    let (status, message) = seen("limiter-headroom");
    assert_eq!(status, "warning");
    assert!(
        message.ends_with("limiter headroom: 1 of 2 out of limits: search 3 (warn below 10)"),
        "{message}"
    );

    // The bank's breaker closes and the limiters are switched off.
    *document.lock().unwrap() = STATUS
        .replace("\"open\"", "\"closed\"")
        .replace("\"enabled\": true", "\"enabled\": false");
    let results = run_all(&hb, &config);
    let seen = |name: &str| {
        result(&results, name)["status"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(seen("circuit-breakers"), "ok");
    assert!(result(&results, "circuit-breakers")["message"]
        .as_str()
        .unwrap()
        .ends_with("circuit breakers: all 3 == \"closed\""));
    assert_eq!(seen("any-open"), "critical");
    assert_eq!(seen("none-open"), "ok");
    assert_eq!(seen("rate-limiters"), "critical");
    assert!(result(&results, "rate-limiters")["message"]
        .as_str()
        .unwrap()
        .ends_with("rate limiters: 0 values, expected count > 0"));

    // A body that is not JSON is the target failing.
    *document.lock().unwrap() = "<html>maintenance</html>".into();
    let results = run_all(&hb, &config);
    let r = result(&results, "circuit-breakers");
    assert_eq!(r["status"], "critical");
    assert!(
        r["message"]
            .as_str()
            .unwrap()
            .contains("the body is not JSON"),
        "{r}"
    );
}

#[test]
fn json_conditions_are_checked_when_the_config_loads() {
    let hb = Hb::new();
    let head = "[[check]]\nname = \"b\"\ngroup = \"system\"\ntype = \"http\"\nurl = \"http://127.0.0.1:1/\"\n";
    for (body, key, says) in [
        (
            "json_path = \"breakers.state\"\njson_condition = \"count > 0\"\n",
            "check[0].json_path",
            "not a JSONPath",
        ),
        (
            "json_path = \"$.b[*]\"\n",
            "check[0].json_path",
            "json_path needs a condition",
        ),
        (
            "json_path = \"$.b[*]\"\njson_condition = \"most == 1\"\n",
            "check[0].json_condition",
            "write QUANTIFIER OP VALUE",
        ),
        (
            "json_path = \"$.b[*]\"\njson_condition = 'all == closed'\n",
            "check[0].json_condition",
            "not a JSON literal",
        ),
        (
            "json_condition = \"count > 0\"\n",
            "check[0].json_condition",
            "set json_path",
        ),
        (
            "json_field = \"a\"\njson_path = \"$.b\"\nexpect = 1\n",
            "check[0].json_path",
            "either `json_field`",
        ),
    ] {
        hb.write("heartbeat.toml", &format!("{head}{body}"));
        let out = hb
            .cmd()
            .args(["--config", "heartbeat.toml", "checks", "validate"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(78), "{body}");
        // validate prints its findings; the config error is on one of the two streams.
        let stderr = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stderr.contains(&format!("key `{key}`")), "{body}: {stderr}");
        assert!(stderr.contains(says), "{body}: {stderr}");
    }
}
