//! Issue 26 item 8: a forged event appended to the audit log with the right chain hash. The
//! replay and the tables agree, so `check` finds it in two other ways: the replay refuses an event
//! that changes a row locked by a close in force at that event, and each closed period's kept
//! report is compared with what the rows its close locked add up to.
//!
//! The demo's actual 1 is £212,400.00 on 30/11/2017 (2017-18 P8), the only actual of WOL-DTP/ICT
//! up to P10; 2017-18 P10 is closed (through 31/01/2018), so its report keeps ICT's actual to date
//! at £212,400.00.

mod common;

use std::path::Path;

use common::forge::append_event;
use common::{demo_db, ok, run, stdout};
use rusqlite::Connection;

/// The image of the row of `table` matching `filter`, as Outturn's capture writes it.
fn image(conn: &Connection, table: &str, filter: &str) -> String {
    let columns: Vec<String> = conn
        .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let pairs: Vec<String> = columns.iter().map(|c| format!("'{c}', \"{c}\"")).collect();
    conn.query_row(
        &format!(
            "SELECT json_object({}) FROM {table} WHERE {filter}",
            pairs.join(", ")
        ),
        [],
        |r| r.get(0),
    )
    .unwrap()
}

/// The `images` of an event writing one row (JSON text).
fn images(table: &str, key: &str, before: Option<&str>, after: Option<&str>) -> String {
    serde_json::json!([{ "t": table, "k": key, "b": before, "a": after }]).to_string()
}

/// The demo, after `before_close` (each a command line), with 2017-18 P10 closed, `check` clean.
fn closed_demo(before_close: &[&str]) -> (tempfile::TempDir, std::path::PathBuf) {
    let (dir, db) = demo_db();
    let close = ["period close 2017-18 P10 --allow-missing-comments"];
    for line in before_close.iter().chain(&close) {
        ok(&db, &line.split(' ').collect::<Vec<_>>());
    }
    assert_eq!(ok(&db, &["check"]), "ok: 12 checks passed\n");
    (dir, db)
}

/// Deletes actual 1 and appends the event that says Outturn did, with the right hash.
fn forge_delete_of_actual_1(conn: &Connection) -> i64 {
    let row = image(conn, "actual", "id = 1");
    conn.execute("DELETE FROM actual WHERE id = 1", []).unwrap();
    append_event(
        conn,
        ("delete", "actual", Some(1)),
        Some(&row),
        None,
        &images("actual", "[1]", Some(&row), None),
    )
}

fn check_findings(db: &Path) -> Vec<String> {
    let o = run(db, &["check"]);
    assert_eq!(o.status.code(), Some(1), "check passed: {}", stdout(&o));
    stdout(&o).lines().map(str::to_string).collect()
}

const SNAPSHOT_FINDING: &str = "snapshot 2017-18 P10: WOL-DTP/ICT actual to date is £0.00 from the rows its close locked, £212,400.00 in the report kept at the close: a locked row was changed outside Outturn";

#[test]
fn a_forged_delete_of_a_locked_actual_is_found_twice() {
    let (_dir, db) = closed_demo(&[]);
    let conn = Connection::open(&db).unwrap();
    let event = forge_delete_of_actual_1(&conn);
    let found = check_findings(&db);
    // The replay agrees with the tables (the forgery is consistent); the lock and the kept report
    // do not.
    assert_eq!(
        found,
        vec![
            format!(
                "audit: event {event} changes actual 1 dated 30/11/2017, in a period that was closed through 31/01/2018 when it was written: Outturn refuses that, so the event was not written by Outturn"
            ),
            SNAPSHOT_FINDING.to_string(),
        ]
    );
}

#[test]
fn a_forged_reopen_around_the_delete_is_found_by_the_kept_report() {
    let (_dir, db) = closed_demo(&[]);
    let conn = Connection::open(&db).unwrap();
    // The forger also lifts the lock for the delete (a reopen that discards nothing) and puts it
    // back after, each step an event with the right hash.
    let closed = image(&conn, "closed_period", "fy = 2017 AND period = 10");
    conn.execute("DELETE FROM closed_period", []).unwrap();
    append_event(
        &conn,
        ("reopen", "period", None),
        None,
        Some("{}"),
        &images("closed_period", "[2017,10]", Some(&closed), None),
    );
    forge_delete_of_actual_1(&conn);
    conn.execute(
        "INSERT INTO closed_period SELECT value ->> 'fy', value ->> 'period',
           value ->> 'through_date', value ->> 'who', value ->> 'at' FROM json_each(json_array(json(?1)))",
        [&closed],
    )
    .unwrap();
    append_event(
        &conn,
        ("close", "period", None),
        None,
        Some("{}"),
        &images("closed_period", "[2017,10]", None, Some(&closed)),
    );
    // No lock was in force at the delete as the log tells it; the report kept at the close of P10
    // still says £212,400.00.
    assert_eq!(check_findings(&db), vec![SNAPSHOT_FINDING.to_string()]);
}

#[test]
fn a_forged_edit_of_a_locked_change_is_found() {
    // An approved addition of £50,000.00 to WOL-DTP/PH2 effective 15/01/2018 (P10, change 2).
    let (_dir, db) = closed_demo(&[
        "change add --kind addition --programme WOL-DTP --phase PH2 --fy 2017-18 --amount £50,000 --effective 15/01/2018 --status approved",
    ]);
    let conn = Connection::open(&db).unwrap();
    let before = image(&conn, "budget_change", "id = 2");
    conn.execute(
        "UPDATE budget_change SET amount_pence = 5000100, version = version + 1 WHERE id = 2",
        [],
    )
    .unwrap();
    let after = image(&conn, "budget_change", "id = 2");
    let event = append_event(
        &conn,
        ("edit", "change", Some(2)),
        Some(&before),
        Some(&after),
        &images("budget_change", "[2]", Some(&before), Some(&after)),
    );
    assert_eq!(
        check_findings(&db),
        vec![
            format!(
                "audit: event {event} changes budget change 2 dated 15/01/2018, in a period that was closed through 31/01/2018 when it was written: Outturn refuses that, so the event was not written by Outturn"
            ),
            // 5,000,000 pence kept; 5,000,100 now.
            "snapshot 2017-18 P10: WOL-DTP/PH2 approved changes is £50,001.00 from the rows its close locked, £50,000.00 in the report kept at the close: a locked row was changed outside Outturn".to_string(),
        ]
    );
}
