//! `hb import`

use crate::{exists, Hb};

/// 2026-11-25T12:00:00Z, the harness clock, in unix seconds.
const NOW_TS: i64 = 1_795_608_000;
/// 2026-11-20T00:00:00Z
const NOV_20: i64 = 1_795_132_800;

const PROPERTIES_CSV: &str = "\
id,external_ref,address,city,state,zip,kind,list_price,beds,baths,sqft,score,created_at,enriched_at,skip_traced_at
1,Z-1,12 Oak Ave,Austin,TX,78701,single_family,350000,3,2,1400,72,2026-11-18,2026-11-20,
2,Z-2,9 Elm St,Austin,TX,78702,condo,210000,2,1.5,900,,2026-11-19,2026-11-20,2026-11-21T09:30:00Z
3,Z-3,4 Pine Rd,Dallas,TX,75201,,,,,,,,,
";

/// Run `hb ARGS` expecting failure; returns (exit code, stderr).
fn fail(hb: &Hb, args: &[&str], stdin: Option<&str>) -> (i32, String) {
    let mut cmd = hb.cmd();
    cmd.args(args);
    if let Some(input) = stdin {
        cmd.write_stdin(input);
    }
    let out = cmd.output().expect("run hb");
    assert!(
        !out.status.success(),
        "hb {args:?} should fail\nstdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn stdin_ok(hb: &Hb, args: &[&str], stdin: &str) -> String {
    let out = hb
        .cmd()
        .args(args)
        .write_stdin(stdin)
        .output()
        .expect("run hb");
    assert!(
        out.status.success(),
        "hb {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn count(hb: &Hb, table: &str) -> i64 {
    hb.query_i64(&format!("SELECT count(*) FROM {table}"))
}

fn checklist_done(view: &serde_json::Value, key: &str) -> bool {
    view["checklist"]
        .as_array()
        .expect("checklist")
        .iter()
        .find(|item| item["key"] == key)
        .map(|item| item["done"] == true)
        .expect("checklist item")
}

#[test]
fn csv_import_writes_rows_with_their_derived_stage() {
    let hb = Hb::new();
    hb.write("props.csv", PROPERTIES_CSV);
    let out = hb.ok(&["import", "properties", "props.csv"]);
    assert_eq!(out.trim(), "imported 3 properties: 3 new, 0 updated");
    assert_eq!(count(&hb, "properties"), 3);
    assert_eq!(
        hb.query_i64(
            "SELECT count(*) FROM properties WHERE id = 1 AND external_ref = 'Z-1' \
             AND list_price = 350000 AND beds = 3 AND baths = 2 AND sqft = 1400 AND score = 72 \
             AND zip = '78701' AND kind = 'single_family'"
        ),
        1
    );

    let one = hb.json(&["property", "1"]);
    assert_eq!(one["stage"], "enriched");
    assert!(checklist_done(&one, "enrichment"));
    assert!(!checklist_done(&one, "skip_trace"));
    let two = hb.json(&["property", "2"]);
    assert_eq!(two["stage"], "researched");
    assert_eq!(two["stage_entered_at"], "2026-11-21T09:30:00Z");
    // No created_at: the clock's now.
    let three = hb.json(&["property", "3"]);
    assert_eq!(three["stage"], "new");
    assert_eq!(
        hb.query_i64("SELECT created_at FROM properties WHERE id = 3"),
        NOW_TS
    );
    assert_eq!(
        hb.query_i64("SELECT count(*) FROM properties WHERE id = 3 AND list_price IS NULL"),
        1
    );
}

#[test]
fn json_array_import() {
    let hb = Hb::new();
    hb.write(
        "props.json",
        r#"[
          {"id": 10, "address": "1 Bay St", "city": "Tampa", "zip": 33601, "list_price": 199000.5,
           "enriched_at": "2026-11-20", "skip_traced_at": null},
          {"external_ref": "MLS-7", "address": "2 Bay St", "beds": 4}
        ]"#,
    );
    let out = hb.ok(&["import", "properties", "props.json"]);
    assert_eq!(out.trim(), "imported 2 properties: 2 new, 0 updated");
    assert_eq!(
        hb.query_i64(
            "SELECT count(*) FROM properties WHERE id = 10 AND zip = '33601' \
             AND list_price = 199000.5 AND skip_traced_at IS NULL"
        ),
        1
    );
    assert_eq!(
        hb.query_i64("SELECT beds FROM properties WHERE external_ref = 'MLS-7'"),
        4
    );
    assert_eq!(hb.json(&["property", "10"])["stage"], "enriched");
}

#[test]
fn ndjson_import_skips_blank_lines() {
    let hb = Hb::new();
    hb.write(
        "props.ndjson",
        "{\"id\": 1, \"address\": \"1 Main St\", \"skip_traced_at\": \"2026-11-21\"}\n\n\
         {\"id\": 2, \"address\": \"2 Main St\"}\n",
    );
    let out = hb.ok(&["import", "properties", "props.ndjson"]);
    assert_eq!(out.trim(), "imported 2 properties: 2 new, 0 updated");
    let one = hb.json(&["property", "1"]);
    assert_eq!(one["stage"], "researched");
    assert!(checklist_done(&one, "skip_trace"));
}

#[test]
fn second_import_updates_and_keeps_absent_columns() {
    let hb = Hb::new();
    hb.write("props.csv", PROPERTIES_CSV);
    hb.ok(&["import", "properties", "props.csv"]);

    hb.write(
        "enriched.csv",
        "id,enriched_at\n3,2026-11-24\n1,2026-11-22T10:00:00Z\n",
    );
    let out = hb.ok(&["import", "properties", "enriched.csv"]);
    assert_eq!(out.trim(), "imported 2 properties: 0 new, 2 updated");
    assert_eq!(count(&hb, "properties"), 3);
    // Address, city and price are not in the file: untouched.
    assert_eq!(
        hb.query_i64(
            "SELECT count(*) FROM properties WHERE id = 1 AND address = '12 Oak Ave' \
             AND city = 'Austin' AND list_price = 350000 AND score = 72"
        ),
        1
    );
    let three = hb.json(&["property", "3"]);
    assert_eq!(three["stage"], "enriched");
    assert_eq!(three["stage_entered_at"], "2026-11-24T00:00:00Z");

    // By external_ref when there is no id; an empty cell clears.
    hb.write("refs.csv", "external_ref,score,city\nZ-2,91,\n");
    let out = hb.ok(&["import", "properties", "refs.csv", "--json"]);
    let summary: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(summary["kind"], "properties");
    assert_eq!(summary["total"], 1);
    assert_eq!(summary["new"], 0);
    assert_eq!(summary["updated"], 1);
    assert_eq!(
        hb.query_i64(
            "SELECT count(*) FROM properties WHERE id = 2 AND score = 91 AND city IS NULL \
             AND address = '9 Elm St'"
        ),
        1
    );
}

#[test]
fn bad_row_in_the_middle_writes_nothing() {
    let hb = Hb::new();
    hb.write(
        "bad.csv",
        "address,list_price\n1 A St,100\n2 B St,200\n3 C St,abc\n4 D St,400\n",
    );
    let (code, stderr) = fail(&hb, &["import", "properties", "bad.csv"], None);
    assert_eq!(code, 65, "{stderr}");
    assert!(stderr.contains("bad.csv"), "{stderr}");
    assert!(stderr.contains("row 3 (line 4)"), "{stderr}");
    assert!(stderr.contains("list_price"), "{stderr}");
    assert!(stderr.contains("\"abc\""), "{stderr}");
    assert_eq!(count(&hb, "properties"), 0);

    // Into a store with data: still nothing from the bad file.
    hb.write("props.csv", PROPERTIES_CSV);
    hb.ok(&["import", "properties", "props.csv"]);
    hb.write(
        "bad.json",
        r#"[{"id": 1, "address": "changed"}, {"address": "new"}, {"address": "x", "enriched_at": "soon"}]"#,
    );
    let (code, stderr) = fail(&hb, &["import", "properties", "bad.json"], None);
    assert_eq!(code, 65, "{stderr}");
    assert!(stderr.contains("row 3, column enriched_at"), "{stderr}");
    assert_eq!(count(&hb, "properties"), 3);
    assert_eq!(
        hb.query_i64("SELECT count(*) FROM properties WHERE address = 'changed'"),
        0
    );
}

#[test]
fn unknown_column_is_an_error() {
    let hb = Hb::new();
    hb.write("props.csv", "address,colour\n1 Main St,red\n");
    let (code, stderr) = fail(&hb, &["import", "properties", "props.csv"], None);
    assert_eq!(code, 65, "{stderr}");
    assert!(stderr.contains("unknown column"), "{stderr}");
    assert!(stderr.contains("colour"), "{stderr}");

    hb.write(
        "props.ndjson",
        "{\"address\": \"x\"}\n{\"address\": \"y\", \"colour\": 1}\n",
    );
    let (code, stderr) = fail(&hb, &["import", "properties", "props.ndjson"], None);
    assert_eq!(code, 65, "{stderr}");
    assert!(stderr.contains("row 2 (line 2), column colour"), "{stderr}");
    assert_eq!(count(&hb, "properties"), 0);
}

#[test]
fn malformed_files_are_data_errors() {
    let hb = Hb::new();
    hb.write("short.csv", "address,city\n1 Main St,Austin\n2 Main St\n");
    let (code, stderr) = fail(&hb, &["import", "properties", "short.csv"], None);
    assert_eq!(code, 65, "{stderr}");
    assert!(stderr.contains("row 2 (line 3)"), "{stderr}");

    hb.write("broken.json", "[{\"address\": \"x\"},\n {\"address\": }]");
    let (code, stderr) = fail(&hb, &["import", "properties", "broken.json"], None);
    assert_eq!(code, 65, "{stderr}");
    assert!(stderr.contains("line 2"), "{stderr}");

    hb.write("object.json", "{\"address\": \"x\"}");
    let (code, stderr) = fail(&hb, &["import", "properties", "object.json"], None);
    assert_eq!(code, 65, "{stderr}");
    assert!(stderr.contains("expected a JSON array"), "{stderr}");
}

#[test]
fn missing_file_fails_without_creating_a_store() {
    let hb = Hb::new();
    let (code, stderr) = fail(&hb, &["import", "properties", "nope.csv"], None);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("nope.csv"), "{stderr}");
    assert!(!exists(&hb.db()));

    hb.write("props.txt", "address\nx\n");
    let (code, stderr) = fail(&hb, &["import", "properties", "props.txt"], None);
    assert_eq!(code, 64, "{stderr}");
    assert!(stderr.contains("--format"), "{stderr}");
}

#[test]
fn stdin_is_csv_unless_told_otherwise() {
    let hb = Hb::new();
    let out = stdin_ok(
        &hb,
        &["import", "properties", "-"],
        "id,address\n1,1 Main St\n",
    );
    assert_eq!(out.trim(), "imported 1 property: 1 new, 0 updated");
    let out = stdin_ok(
        &hb,
        &["import", "properties", "-", "--format", "json"],
        r#"[{"id": 1, "enriched_at": "2026-11-20"}, {"id": 2, "address": "2 Main St"}]"#,
    );
    assert_eq!(out.trim(), "imported 2 properties: 1 new, 1 updated");
    assert_eq!(hb.json(&["property", "1"])["stage"], "enriched");
    let out = stdin_ok(
        &hb,
        &["import", "properties", "-", "-q"],
        "id,score\n2,50\n",
    );
    assert_eq!(out, "");
}

#[test]
fn import_creates_a_store_that_does_not_exist() {
    let hb = Hb::new();
    let db = hb.path("nested/dir/new.db");
    hb.write("props.csv", PROPERTIES_CSV);
    hb.cmd()
        .args(["import", "properties", "props.csv"])
        .env("HB_DB", &db)
        .assert()
        .success();
    assert!(exists(&db));
    let conn = rusqlite::Connection::open(&db).expect("open");
    let n: i64 = conn
        .query_row("SELECT count(*) FROM properties", [], |r| r.get(0))
        .expect("count");
    assert_eq!(n, 3);
}

#[test]
fn contracts_move_a_property_to_waiting_and_complete() {
    let hb = Hb::new();
    hb.write("props.csv", PROPERTIES_CSV);
    hb.ok(&["import", "properties", "props.csv"]);
    assert_eq!(hb.json(&["property", "2"])["stage"], "researched");

    hb.write(
        "contracts.csv",
        "id,property_id,name,status,attached_at,sent_at,deadline_at\n\
         100,2,Purchase agreement,sent,2026-11-22,2026-11-23,2026-12-15\n\
         101,2,Assignment,,2026-11-23,,\n",
    );
    let out = hb.ok(&["import", "contracts", "contracts.csv"]);
    assert_eq!(out.trim(), "imported 2 contracts: 2 new, 0 updated");
    let two = hb.json(&["property", "2"]);
    assert_eq!(two["stage"], "waiting_for_contracts");
    assert_eq!(two["stage_entered_at"], "2026-11-22T00:00:00Z");
    assert!(checklist_done(&two, "contracts_attached"));
    assert!(!checklist_done(&two, "contracts_completed"));
    assert_eq!(
        hb.query_i64("SELECT count(*) FROM contracts WHERE id = 101 AND status = 'attached'"),
        1
    );

    // Completing both (status inferred from completed_at) completes the property.
    hb.write(
        "done.ndjson",
        "{\"id\": 100, \"completed_at\": \"2026-11-24\"}\n\
         {\"id\": 101, \"status\": \"completed\", \"completed_at\": \"2026-11-25\"}\n",
    );
    let out = hb.ok(&["import", "contracts", "done.ndjson"]);
    assert_eq!(out.trim(), "imported 2 contracts: 0 new, 2 updated");
    let two = hb.json(&["property", "2"]);
    assert_eq!(two["stage"], "complete");
    assert!(checklist_done(&two, "contracts_completed"));
    // Absent columns kept.
    assert_eq!(
        hb.query_i64(
            "SELECT count(*) FROM contracts WHERE id = 100 AND name = 'Purchase agreement' \
             AND status = 'completed' AND deadline_at IS NOT NULL"
        ),
        1
    );
}

#[test]
fn contract_status_must_agree_with_its_times() {
    let hb = Hb::new();
    hb.write("props.csv", PROPERTIES_CSV);
    hb.ok(&["import", "properties", "props.csv"]);
    hb.write(
        "contracts.csv",
        "property_id,name,status,completed_at\n1,Purchase,sent,2026-11-24\n",
    );
    let (code, stderr) = fail(&hb, &["import", "contracts", "contracts.csv"], None);
    assert_eq!(code, 65, "{stderr}");
    assert!(
        stderr.contains("row 1 (line 2), column completed_at"),
        "{stderr}"
    );
    assert_eq!(count(&hb, "contracts"), 0);
}

#[test]
fn contract_for_a_missing_property_is_an_error() {
    let hb = Hb::new();
    hb.write("props.csv", PROPERTIES_CSV);
    hb.ok(&["import", "properties", "props.csv"]);
    hb.write(
        "contracts.csv",
        "property_id,name\n1,Purchase\n99,Purchase\n",
    );
    let (code, stderr) = fail(&hb, &["import", "contracts", "contracts.csv"], None);
    assert_eq!(code, 65, "{stderr}");
    assert!(
        stderr.contains("row 2 (line 3), column property_id: no property with id 99"),
        "{stderr}"
    );
    assert_eq!(count(&hb, "contracts"), 0);
    assert_eq!(hb.json(&["property", "1"])["stage"], "enriched");
}

#[test]
fn contacts_and_interactions_dedupe() {
    let hb = Hb::new();
    hb.write("props.csv", PROPERTIES_CSV);
    hb.ok(&["import", "properties", "props.csv"]);
    hb.write(
        "contacts.csv",
        "id,name,email,phone,property_id\n1,Ann Owner,ann@example.com,555-0100,1\n2,Bob,,,\n",
    );
    let out = hb.ok(&["import", "contacts", "contacts.csv"]);
    assert_eq!(out.trim(), "imported 2 contacts: 2 new, 0 updated");
    assert_eq!(
        hb.query_i64("SELECT property_id FROM contacts WHERE email = 'ann@example.com'"),
        1
    );

    let interactions =
        "contact_id,at,kind\n1,2026-11-20,call\n1,2026-11-21,email\n2,2026-11-20,call\n";
    hb.write("interactions.csv", interactions);
    let out = hb.ok(&["import", "interactions", "interactions.csv"]);
    assert_eq!(out.trim(), "imported 3 interactions: 3 new, 0 updated");
    let out = hb.ok(&["import", "interactions", "interactions.csv"]);
    assert_eq!(
        out.trim(),
        "imported 3 interactions: 0 new, 0 updated, 3 unchanged"
    );
    assert_eq!(count(&hb, "interactions"), 3);
    assert_eq!(
        hb.query_i64("SELECT at FROM interactions WHERE contact_id = 2"),
        NOV_20
    );

    hb.write("orphan.csv", "contact_id,at,kind\n7,2026-11-20,call\n");
    let (code, stderr) = fail(&hb, &["import", "interactions", "orphan.csv"], None);
    assert_eq!(code, 65, "{stderr}");
    assert!(
        stderr.contains("column contact_id: no contact with id 7"),
        "{stderr}"
    );
}

#[test]
fn watchlists_reminders_and_prices() {
    let hb = Hb::new();
    hb.write("props.csv", PROPERTIES_CSV);
    hb.ok(&["import", "properties", "props.csv"]);

    hb.write(
        "watch.json",
        r#"[{"id": 1, "name": "Austin starters", "city": "Austin", "state": "TX",
             "max_price": 300000, "min_beds": 2, "min_score": 60}]"#,
    );
    let out = hb.ok(&["import", "watchlists", "watch.json"]);
    assert_eq!(out.trim(), "imported 1 watchlist: 1 new, 0 updated");
    assert_eq!(
        hb.query_i64("SELECT min_beds FROM watchlists WHERE name = 'Austin starters'"),
        2
    );

    hb.write(
        "reminders.csv",
        "id,title,due_at,property_id,recurrence\n1,Call owner,2026-11-26,1,Every 3D\n2,Weekly review,2026-11-30,,weekly\n",
    );
    let out = hb.ok(&["import", "reminders", "reminders.csv"]);
    assert_eq!(out.trim(), "imported 2 reminders: 2 new, 0 updated");
    assert_eq!(
        hb.query_i64("SELECT count(*) FROM reminders WHERE id = 1 AND recurrence = 'every 3d'"),
        1
    );
    hb.write(
        "bad-reminders.csv",
        "title,due_at,recurrence\nX,2026-11-26,fortnightly\n",
    );
    let (code, stderr) = fail(&hb, &["import", "reminders", "bad-reminders.csv"], None);
    assert_eq!(code, 65, "{stderr}");
    assert!(stderr.contains("column recurrence"), "{stderr}");

    hb.write(
        "prices.csv",
        "property_id,at,price\n1,2026-11-01,360000\n1,2026-11-20,350000\n",
    );
    let out = hb.ok(&["import", "prices", "prices.csv"]);
    assert_eq!(out.trim(), "imported 2 prices: 2 new, 0 updated");
    hb.write(
        "prices2.csv",
        "property_id,at,price\n1,2026-11-20,345000\n1,2026-11-01,360000\n",
    );
    let out = hb.ok(&["import", "prices", "prices2.csv"]);
    assert_eq!(
        out.trim(),
        "imported 2 prices: 0 new, 1 updated, 1 unchanged"
    );
    assert_eq!(
        hb.query_i64(&format!(
            "SELECT CAST(price AS INTEGER) FROM price_history WHERE property_id = 1 AND at = {NOV_20}"
        )),
        345_000
    );
}

#[test]
fn contract_times_cannot_run_backwards_in_an_import() {
    let hb = Hb::new();
    hb.write("props.csv", PROPERTIES_CSV);
    hb.ok(&["import", "properties", "props.csv"]);
    hb.write(
        "contracts.csv",
        "id,property_id,name,attached_at,sent_at,signed_at\n\
         1,2,Purchase,2026-11-20,2026-11-21,2026-11-22\n\
         2,2,Assignment,2026-11-20,2026-11-21,2026-11-18T08:00:00Z\n",
    );
    let (code, stderr) = fail(&hb, &["import", "contracts", "contracts.csv"], None);
    assert_eq!(code, 65, "{stderr}");
    assert!(
        stderr.contains(
            "row 2 (line 3), column signed_at: signed_at 2026-11-18T08:00:00Z is before sent_at \
             2026-11-21T00:00:00Z: a contract's times run forward"
        ),
        "{stderr}"
    );
    assert_eq!(count(&hb, "contracts"), 0, "all or nothing");

    // An update that would complete a stored contract before it was signed.
    hb.write(
        "contracts.csv",
        "id,property_id,name,attached_at,sent_at,signed_at\n1,2,Purchase,2026-11-20,2026-11-21,2026-11-22\n",
    );
    hb.ok(&["import", "contracts", "contracts.csv"]);
    hb.write(
        "done.ndjson",
        "{\"id\": 1, \"completed_at\": \"2026-11-21\"}\n",
    );
    let (code, stderr) = fail(&hb, &["import", "contracts", "done.ndjson"], None);
    assert_eq!(code, 65, "{stderr}");
    assert!(
        stderr.contains("row 1 (line 1), column completed_at: completed_at 2026-11-21T00:00:00Z is before signed_at 2026-11-22T00:00:00Z"),
        "{stderr}"
    );
    // Without attached_at, a new contract was attached by its first step (not "now").
    hb.write(
        "late.csv",
        "id,property_id,name,sent_at\n3,2,Addendum,2026-11-10\n",
    );
    hb.ok(&["import", "contracts", "late.csv"]);
    assert_eq!(
        hb.query_i64("SELECT attached_at FROM contracts WHERE id = 3"),
        hb.query_i64("SELECT sent_at FROM contracts WHERE id = 3")
    );
}

#[test]
fn an_empty_file_is_an_error_in_every_format() {
    let hb = Hb::new();
    for (name, expected) in [
        ("empty.csv", "empty.csv is empty: no header row"),
        ("blank.csv", "blank.csv is empty: no header row"),
        ("empty.json", "empty.json is empty: no JSON array"),
        ("empty.ndjson", "empty.ndjson is empty: no rows"),
        ("blank.jsonl", "blank.jsonl is empty: no rows"),
    ] {
        hb.write(
            name,
            if name.starts_with("blank") {
                "\n\n"
            } else {
                ""
            },
        );
        let (code, stderr) = fail(&hb, &["import", "properties", name], None);
        assert_eq!(code, 65, "{name}: {stderr}");
        assert!(stderr.contains(expected), "{name}: {stderr}");
        assert!(stderr.contains("nothing was imported"), "{stderr}");
    }
    let (code, stderr) = fail(&hb, &["import", "contracts", "-"], Some(""));
    assert_eq!(code, 65);
    assert!(stderr.contains("stdin is empty: no header row"), "{stderr}");
    // A header alone, or an empty array, is an explicit "no rows".
    hb.write("header.csv", "id,address\n");
    assert_eq!(
        hb.ok(&["import", "properties", "header.csv"]).trim(),
        "imported 0 properties: 0 new, 0 updated"
    );
    hb.write("none.json", "[]");
    assert_eq!(
        hb.ok(&["import", "properties", "none.json"]).trim(),
        "imported 0 properties: 0 new, 0 updated"
    );
}
