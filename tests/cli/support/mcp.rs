//! A real MCP client for the `hb mcp` tests: the Python SDK (`mcp` on PyPI) driving
//! `tests/mcp_client.py`, from the virtual environment `.ci/run` creates
//! (`target/mcp-venv`), or the interpreter named by `MCP_TEST_PYTHON`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

/// The variable that names a Python with the `mcp` package, instead of the venv.
pub const PYTHON_VAR: &str = "MCP_TEST_PYTHON";

/// A Python that imports `mcp`, or None (then the test skips, or fails under `CI=true`).
pub fn python() -> Option<PathBuf> {
    let python = std::env::var_os(PYTHON_VAR)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("target/mcp-venv/bin/python")
        });
    let works = Command::new(&python)
        .args(["-c", "import mcp.client.client"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if works {
        return Some(python);
    }
    super::tool_missing(
        &format!(
            "the Python MCP SDK (`mcp` on PyPI) at {} ({PYTHON_VAR} names another Python)",
            python.display()
        ),
        "as the real MCP client of hb mcp: `python3 -m venv target/mcp-venv && \
         target/mcp-venv/bin/pip install mcp==2.3.0` (bash .ci/run does it)",
    );
    None
}

/// `tests/mcp_client.py ARGS -- HB [HB_ARGS]` run by `python`, with `hb`'s environment
/// taken from `command` (a `Hb` command: its clean environment and directory); returns
/// what the script wrote to its report file.
pub fn run(
    python: &Path,
    command: &std::process::Command,
    dir: &Path,
    args: &[&str],
    hb_args: &[&str],
) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mcp_client.py");
    let report = dir.join(format!(
        "mcp-report-{}.json",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default()
    ));
    let mut py = Command::new(python);
    py.arg(&script)
        .args(args)
        .arg(&report)
        .arg("--")
        .arg(command.get_program())
        .args(hb_args)
        .env_clear();
    for (key, value) in command.get_envs() {
        if let Some(value) = value {
            py.env(key, value);
        }
    }
    // The environment `Hb` gives hb, and a PATH for the checks' commands.
    if let Some(path) = std::env::var_os("PATH") {
        py.env("PATH", path);
    }
    if let Some(cwd) = command.get_current_dir() {
        py.current_dir(cwd);
    }
    let out = py.output().expect("run tests/mcp_client.py");
    assert!(
        out.status.success(),
        "mcp_client.py {args:?} failed ({:?})\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&report).expect("the client's report");
    serde_json::from_str(&text).expect("the client's report is JSON")
}
