//! The store as another user sees it: readers need no write access, writers say why
//! they cannot write. Run as an unprivileged user (`nobody`) when the tests run as root.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

use crate::support::{has_tool, tool_missing};
use crate::Hb;

const PORTFOLIO: &str = "\
id,address,created_at,enriched_at
1,12 Oak Ave,2026-11-01,
2,9 Elm St,2026-11-20,2026-11-24
";

/// A store written by this (owning) user: two properties, one cycle.
fn owned_store() -> Hb {
    let hb = Hb::new();
    let file = hb.write("properties.csv", PORTFOLIO);
    hb.ok(&["import", "properties", file.to_str().unwrap()]);
    hb.ok(&["cycle"]);
    hb
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// How to run a command as `nobody`: runuser or setpriv (util-linux).
fn switch_user() -> Option<Vec<&'static str>> {
    if has_tool("runuser") {
        Some(vec!["runuser", "-u", "nobody", "--"])
    } else if has_tool("setpriv") {
        Some(vec![
            "setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
        ])
    } else {
        None
    }
}

/// `hb ARGS` as a user who does not own the store: `nobody` when this runs as root (CI
/// does), else this user, whom the permissions already bind. None: cannot switch here.
fn as_other_user(hb: &Hb, args: &[&str]) -> Option<Output> {
    let mut cmd = hb.std_cmd();
    cmd.args(args);
    if !rustix::process::geteuid().is_root() {
        return Some(cmd.output().expect("run hb"));
    }
    let Some(prefix) = switch_user() else {
        tool_missing(
            "`runuser` or `setpriv` (util-linux)",
            "to run hb as nobody when the tests run as root",
        );
        return None;
    };
    let mut wrapped = Command::new(prefix[0]);
    wrapped
        .args(&prefix[1..])
        .arg(cmd.get_program())
        .args(cmd.get_args());
    for (key, value) in cmd.get_envs() {
        match value {
            Some(value) => wrapped.env(key, value),
            None => wrapped.env_remove(key),
        };
    }
    if let Some(dir) = cmd.get_current_dir() {
        wrapped.current_dir(dir);
    }
    Some(wrapped.output().expect("run hb as nobody"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// What every reader must still do, and every writer must refuse in plain words.
fn readers_read_and_writers_explain(hb: &Hb, problem: &str) {
    let as_owner = hb.cmd().arg("status").output().unwrap();
    let Some(status) = as_other_user(hb, &["status"]) else {
        return;
    };
    assert_eq!(
        status.status.code(),
        as_owner.status.code(),
        "status: {}",
        text(&status.stderr)
    );
    assert_eq!(text(&status.stdout), text(&as_owner.stdout));
    for args in [
        &["property", "1", "--json"][..],
        &["property", "list"],
        &["insights"],
        &["logs"],
        &["alerts"],
        &["alerts", "outbox"],
        &["checks"],
        &["contract", "list", "1"],
    ] {
        let out = as_other_user(hb, args).unwrap();
        assert!(out.status.success(), "hb {args:?}: {}", text(&out.stderr));
        assert_eq!(
            text(&out.stdout),
            text(&hb.cmd().args(args).output().unwrap().stdout),
            "hb {args:?} reads what the owner reads"
        );
    }
    for args in [
        &["property", "set", "1", "--enriched"][..],
        &["contract", "attach", "1", "--name", "Purchase agreement"],
        &["cycle"],
    ] {
        let out = as_other_user(hb, args).unwrap();
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "hb {args:?}: {stderr}");
        assert!(
            stderr.contains(&format!("cannot write store {}", hb.db().display())),
            "hb {args:?} names the file: {stderr}"
        );
        assert!(stderr.contains(problem), "hb {args:?}: {stderr}");
        assert!(
            !stderr.contains("SQLITE") && !stderr.contains("readonly database"),
            "plain words, not a SQLite constant: {stderr}"
        );
    }
    // Nothing was written, and no file of the other user's was left next to the store.
    let facts = hb.json(&["property", "1"]);
    assert_eq!(facts["checklist"][0]["done"], false);
    let owner = std::fs::metadata(hb.db()).unwrap();
    for entry in std::fs::read_dir(hb.dir.path()).unwrap() {
        let meta = entry.unwrap().metadata().unwrap();
        use std::os::unix::fs::MetadataExt;
        assert_eq!(meta.uid(), owner.uid(), "a file another user created");
    }
}

#[test]
fn a_read_only_directory_still_serves_readers() {
    let hb = owned_store();
    // Anyone may write the file, but only the owner may create files next to it (as
    // SQLite must, for its write-ahead log), as on a directory the owner keeps to itself.
    chmod(hb.dir.path(), 0o755);
    chmod(&hb.db(), 0o666);
    readers_read_and_writers_explain(&hb, "its directory");
}

#[test]
fn a_read_only_file_still_serves_readers() {
    let hb = owned_store();
    // The directory is open to all (like /tmp); the file may be read, not written.
    chmod(hb.dir.path(), 0o1777);
    chmod(&hb.db(), 0o444);
    readers_read_and_writers_explain(&hb, "the file is read-only for this user");
}

#[test]
fn a_reader_sees_writes_still_in_the_write_ahead_log() {
    let hb = owned_store();
    chmod(hb.dir.path(), 0o755);
    chmod(&hb.db(), 0o644);
    // A reader of the owner's holds a snapshot, so no checkpoint can move the next write
    // out of the log into the file.
    let conn = rusqlite::Connection::open(hb.db()).unwrap();
    conn.execute_batch("BEGIN").unwrap();
    let _: i64 = conn
        .query_row("SELECT count(*) FROM properties", [], |r| r.get(0))
        .unwrap();
    hb.ok(&["property", "set", "2", "--blocked", "Title dispute"]);
    assert!(hb.path("hb.db-wal").exists());
    let Some(out) = as_other_user(&hb, &["property", "2", "--json"]) else {
        return;
    };
    assert!(out.status.success(), "{}", text(&out.stderr));
    let view: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(view["blocked_reason"], "Title dispute");
    conn.execute_batch("COMMIT").unwrap();
}

#[test]
fn a_store_that_needs_migrating_says_who_can_migrate_it() {
    let hb = owned_store();
    let conn = rusqlite::Connection::open(hb.db()).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    conn.pragma_update(None, "user_version", version - 1)
        .unwrap();
    drop(conn);
    chmod(hb.dir.path(), 0o755);
    chmod(&hb.db(), 0o644);
    for args in [&["status"][..], &["property", "1"]] {
        let Some(out) = as_other_user(&hb, args) else {
            return;
        };
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "hb {args:?}: {stderr}");
        assert!(
            stderr.contains(&format!(
                "store {} needs migrating (schema version {} -> {version})",
                hb.db().display(),
                version - 1
            )),
            "{stderr}"
        );
        assert!(
            stderr.contains("run `hb` once as its owner to migrate"),
            "{stderr}"
        );
    }
}
