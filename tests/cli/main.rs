//! Integration tests: the built binary against a temporary store with a fixed clock.
//! One test binary, a module per subcommand.

mod alerts;
mod brief;
mod checks;
mod cycle;
mod demo;
mod ecosystem;
mod fan_out;
mod import;
mod mcp;
mod messages;
mod output;
mod pg;
mod property;
mod rules;
mod runlog;
mod serve;
mod silence;
mod store;
mod support;
mod validate;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

/// The fixed clock of every test unless a test moves it.
pub const NOW: &str = "2026-11-25T12:00:00Z";

/// A sandbox: its own directory, store, config dirs and clock; no `HB_*` leaks in.
pub struct Hb {
    pub dir: TempDir,
    pub now: String,
}

impl Default for Hb {
    fn default() -> Self {
        Self::new()
    }
}

impl Hb {
    pub fn new() -> Self {
        Hb {
            dir: tempfile::tempdir().expect("temp dir"),
            now: NOW.to_string(),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn db(&self) -> PathBuf {
        self.path("hb.db")
    }

    /// `hb` with the sandbox's store and clock, run in the sandbox directory.
    pub fn cmd(&self) -> Command {
        Command::from_std(self.std_cmd())
    }

    /// The same, as a std command (to spawn processes that run side by side).
    pub fn std_cmd(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("hb"));
        for (key, _) in std::env::vars() {
            if key.starts_with("HB_") || key == "NO_COLOR" || key.starts_with("XDG_") {
                cmd.env_remove(key);
            }
        }
        cmd.current_dir(self.dir.path())
            .env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.path("xdg-config"))
            .env("XDG_DATA_HOME", self.path("xdg-data"))
            .env("HB_DB", self.db())
            .env("HB_NOW", &self.now)
            .env("TERM", "dumb");
        cmd
    }

    /// Run `hb ARGS` and return stdout, asserting success.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).output().expect("run hb");
        Self::succeeded(args, out)
    }

    /// stdout of `hb ARGS` that ran as `out`, asserting it succeeded.
    pub fn succeeded(args: &[&str], out: std::process::Output) -> String {
        assert!(
            out.status.success(),
            "hb {args:?} failed with {:?}\nstdout: {}\nstderr: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Run `hb ARGS --json` and parse stdout.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut all: Vec<&str> = args.to_vec();
        all.push("--json");
        let out = self.ok(&all);
        serde_json::from_str(&out)
            .unwrap_or_else(|e| panic!("hb {args:?} --json is not JSON ({e}): {out}"))
    }

    /// Run `hb ARGS --json`, whatever its exit code, and parse stdout (Nagios-style commands).
    pub fn json_code(&self, args: &[&str]) -> (serde_json::Value, i32) {
        let out = self
            .cmd()
            .args(args)
            .arg("--json")
            .output()
            .expect("run hb");
        let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "hb {args:?} --json is not JSON ({e}): {}",
                String::from_utf8_lossy(&out.stdout)
            )
        });
        (v, out.status.code().unwrap_or(-1))
    }

    pub fn write(&self, name: &str, content: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, content).expect("write file");
        path
    }

    /// A direct read of the store, for asserting what was (not) written.
    pub fn query_i64(&self, sql: &str) -> i64 {
        let conn = rusqlite::Connection::open(self.db()).expect("open store");
        conn.query_row(sql, [], |r| r.get(0)).expect("query")
    }
}

pub fn exists(path: &Path) -> bool {
    path.exists()
}
