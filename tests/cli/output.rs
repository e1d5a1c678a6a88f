//! Output conventions: closed pipes keep the verdict, `--limit`, truncated tables.

use std::process::Stdio;

use crate::Hb;

/// One check that always fails critically, recorded once, so `hb status` is critical.
fn critical_store() -> Hb {
    let hb = Hb::new();
    hb.write(
        "heartbeat.toml",
        "[[check]]\nname = \"always-down\"\ngroup = \"system\"\ntype = \"command\"\n\
         command = \"echo 'CRITICAL - down'; exit 2\"\nshell = true\n",
    );
    let out = hb.cmd().args(["checks", "run", "--all"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    hb.ok(&["cycle", "--only", "portfolio"]);
    hb
}

/// Run `hb ARGS` with stdout a pipe whose reader is already gone: the exit code.
fn exit_code_into_closed_pipe(hb: &Hb, args: &[&str]) -> (Option<i32>, String) {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let out = hb
        .std_cmd()
        .args(args)
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .expect("run hb");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_closed_pipe_stops_the_printing_not_the_nagios_verdict() {
    let hb = critical_store();
    // What the plain runs exit with...
    assert_eq!(
        hb.cmd().arg("status").output().unwrap().status.code(),
        Some(2)
    );
    // ...is what `hb status | head -1` exits with.
    for args in [
        &["status"][..],
        &["status", "--json"],
        &["checks", "run", "--all"],
        &["checks", "run", "--all", "--json"],
        &["checks", "run", "always-down", "--no-record"],
    ] {
        let (code, stderr) = exit_code_into_closed_pipe(&hb, args);
        assert_eq!(code, Some(2), "hb {args:?} into a closed pipe: {stderr}");
        assert!(!stderr.contains("error"), "hb {args:?}: {stderr}");
    }
    // Commands that just print still exit 0, quietly.
    for args in [&["logs"][..], &["checks", "doc"], &["alerts"]] {
        let (code, stderr) = exit_code_into_closed_pipe(&hb, args);
        assert_eq!(code, Some(0), "hb {args:?} into a closed pipe: {stderr}");
        assert_eq!(stderr, "", "hb {args:?}");
    }
}
