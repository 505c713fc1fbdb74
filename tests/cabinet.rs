//! The report as it goes to Cabinet, end to end through the `outturn` binary: snapshots on close,
//! the five columns after RAG, the movement bridge, variance commentary, reopen and re-close, and a
//! database closed before snapshots were kept. Every figure is worked by hand in the comments.

mod common;

use std::path::{Path, PathBuf};

use common::{ok, run, stderr, stdout};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn csv(db: &Path, period: &str, extra: &[&str]) -> String {
    let mut args = vec![
        "report", "--fy", "2017-18", "--period", period, "--csv", "-",
    ];
    args.extend_from_slice(extra);
    ok(db, &args)
}

/// Programme CAB with phases A (Alpha) and B (Beta), 2017-18:
/// - approved allocations A £1,000,000 and B £500,000;
/// - actuals A £200,000 (15/06/2017, P3) and B £100,000 (01/07/2017, P4);
/// - forecasts as at P6: A £1,050,000 (variance +£50,000 = 5.0 %: no comment needed), B £500,000.
fn setup() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cabinet.db");
    ok(&db, &["init"]);
    for args in [
        &[
            "programme",
            "add",
            "--code",
            "CAB",
            "--name",
            "Cabinet test programme",
        ][..],
        &[
            "phase",
            "add",
            "--programme",
            "CAB",
            "--code",
            "A",
            "--name",
            "Alpha",
        ],
        &[
            "phase",
            "add",
            "--programme",
            "CAB",
            "--code",
            "B",
            "--name",
            "Beta",
        ],
        &[
            "allocation",
            "add",
            "--phase",
            "A",
            "--fy",
            "2017-18",
            "--amount",
            "£1m",
        ],
        &[
            "allocation",
            "add",
            "--phase",
            "B",
            "--fy",
            "2017-18",
            "--amount",
            "£500k",
        ],
        &[
            "actual",
            "add",
            "--phase",
            "A",
            "--date",
            "15/06/2017",
            "--amount",
            "200000",
        ],
        &[
            "actual",
            "add",
            "--phase",
            "B",
            "--date",
            "01/07/2017",
            "--amount",
            "100000",
        ],
        &[
            "forecast", "add", "--phase", "A", "--fy", "2017-18", "--period", "P6", "--amount",
            "1050000",
        ],
        &[
            "forecast", "add", "--phase", "B", "--fy", "2017-18", "--period", "P6", "--amount",
            "500000",
        ],
    ] {
        ok(&db, args);
    }
    (dir, db)
}

/// Between P6 and P9: a reprofile of £200,000 of A into 2018-19 (15/11/2017), a virement of
/// £50,000 from A to B (01/12/2017), an addition of £75,000 to B (10/10/2017), all approved; a late
/// proposal (£30,000 for A) and a new contract on B (£120,000 over 12 months from 01/10/2017); an
/// actual of £50,000 on A in December (P9); forecasts as at P9: A £600,000, B £625,000.
fn after_p6(db: &Path) {
    for args in [
        &[
            "change",
            "add",
            "--kind",
            "reprofile",
            "--phase",
            "A",
            "--from-fy",
            "2017-18",
            "--to-fy",
            "2018-19",
            "--amount",
            "200000",
            "--effective",
            "15/11/2017",
            "--status",
            "approved",
        ][..],
        &[
            "change",
            "add",
            "--kind",
            "virement",
            "--from-phase",
            "A",
            "--to-phase",
            "B",
            "--fy",
            "2017-18",
            "--amount",
            "50000",
            "--effective",
            "01/12/2017",
            "--status",
            "approved",
        ],
        &[
            "change",
            "add",
            "--kind",
            "addition",
            "--phase",
            "B",
            "--fy",
            "2017-18",
            "--amount",
            "75000",
            "--effective",
            "10/10/2017",
            "--status",
            "approved",
        ],
        &[
            "change",
            "add",
            "--kind",
            "addition",
            "--phase",
            "A",
            "--fy",
            "2017-18",
            "--amount",
            "30000",
            "--effective",
            "15/10/2017",
        ],
        &[
            "contract",
            "add",
            "--reference",
            "C1",
            "--supplier",
            "S",
            "--phase",
            "B",
            "--value",
            "120000",
            "--start",
            "01/10/2017",
            "--term",
            "12",
        ],
        &[
            "actual",
            "add",
            "--phase",
            "A",
            "--date",
            "05/12/2017",
            "--amount",
            "50000",
        ],
        &[
            "forecast", "add", "--phase", "A", "--fy", "2017-18", "--period", "P9", "--amount",
            "600000",
        ],
        &[
            "forecast", "add", "--phase", "B", "--fy", "2017-18", "--period", "P9", "--amount",
            "625000",
        ],
    ] {
        ok(db, args);
    }
}

#[test]
fn a_closed_report_is_its_snapshot_whatever_is_added_later() {
    let (_d, db) = setup();
    let before = csv(&db, "6", &[]);
    // P6 worked by hand: A revised 1,000,000, actual to date 200,000, headroom 800,000, forecast
    // 1,050,000 (variance 50,000 = 5.0 %, exactly +5 % is not over it: Amber for the overspend),
    // spent 20.0 %; B 500,000 / 100,000 / 400,000, variance 0: Green. Totals 1,500,000, 300,000,
    // 1,200,000, forecast 1,550,000, variance 50,000 = 3.3 %: Amber. No last report: empty cells.
    assert_eq!(
        before,
        std::fs::read_to_string(fixture("report-cabinet-2017-18-P6.csv")).unwrap()
    );
    let out = ok(&db, &["period", "close", "2017-18", "P6"]);
    assert!(
        out.contains("kept as a snapshot (4 rows, 1 programme;"),
        "{out}"
    );
    let narrowed = csv(&db, "6", &["--programme", "CAB"]);
    after_p6(&db);
    // Live, P6 would now show the late proposal as Pending (30,000) and the contract's
    // commitments (October to March, 6 x 10,000 = 60,000); the snapshot does not.
    assert_eq!(csv(&db, "6", &[]), before);
    assert_eq!(csv(&db, "6", &["--programme", "CAB"]), narrowed);
    assert_eq!(narrowed, before);
    // Other thresholds cannot recompute a closed report.
    let o = run(
        &db,
        &[
            "report",
            "--fy",
            "2017-18",
            "--period",
            "6",
            "--rag-red",
            "1",
            "--csv",
            "-",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with("outturn: --rag-red: 2017-18 P6 is closed"),
        "{}",
        stderr(&o)
    );
    let list = ok(&db, &["report", "list", "--format", "csv"]);
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(
        lines[0],
        "Report,FY,Period,Programmes,Rows,Taken by,Taken at,Source,RAG red %,RAG amber %"
    );
    assert!(
        lines[1].starts_with(&format!(
            "monitoring,2017-18,P6,1,4,{} (as test-officer),",
            outturn::store::os_login()
        )),
        "{list}"
    );
    assert!(lines[1].ends_with(",close,5,10"), "{list}");
}

#[test]
fn the_five_columns_movement_bridge_and_comments_before_close() {
    let (_d, db) = setup();
    ok(&db, &["period", "close", "2017-18", "P6"]);
    after_p6(&db);
    // Close P9: A's variance is 600,000 - 750,000 = -150,000 (-20.0 %): beyond 10 % and £100,000,
    // no comment: refused, listing it. B's is 625,000 - 625,000 = 0.
    let o = run(&db, &["period", "close", "2017-18", "P9"]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let e = stderr(&o);
    assert!(
        e.contains("2017-18 P9 was not closed: 1 row beyond the comment threshold"),
        "{e}"
    );
    assert!(e.contains("CAB/A (variance -£150,000.00, -20.0 %)"), "{e}");
    assert!(!e.contains("CAB/B"), "{e}");
    assert_eq!(e.lines().count(), 1, "{e}");
    // Nothing was closed.
    assert!(!ok(&db, &["period", "list", "--format", "csv"]).contains("P9"));
    // The dashboard's rule, through the same pure function: one row needs a comment.
    ok(
        &db,
        &[
            "comment",
            "add",
            "--phase",
            "A",
            "--fy",
            "2017-18",
            "--period",
            "P9",
            "--text",
            "Tender slipped to 2018-19",
        ],
    );
    assert_eq!(
        csv(&db, "9", &[]),
        std::fs::read_to_string(fixture("report-cabinet-2017-18-P9.csv")).unwrap()
    );
    // The bridge P6 (snapshot) -> P9 (live), worked by hand:
    // A: 1,000,000 - 200,000 (reprofile out) - 50,000 (virement out) = 750,000: -250,000.
    // B: 500,000 + 75,000 (addition) + 50,000 (virement in) = 625,000: +125,000.
    // The late proposal is not approved: no line.
    let bridge = ok(
        &db,
        &[
            "report", "movement", "--fy", "2017-18", "--from", "P6", "--to", "P9", "--csv", "-",
        ],
    );
    assert_eq!(
        bridge,
        std::fs::read_to_string(fixture("movement-cabinet-2017-18-P6-P9.csv")).unwrap()
    );
    let close = ok(&db, &["period", "close", "2017-18", "P9"]);
    assert!(close.contains("Closed 2017-18 P9"), "{close}");
    // The bridge between two snapshots is the same.
    let again = ok(
        &db,
        &[
            "report", "movement", "--fy", "2017-18", "--from", "P6", "--to", "P9", "--csv", "-",
        ],
    );
    assert_eq!(again, bridge);
    let o = run(
        &db,
        &[
            "report", "movement", "--fy", "2017-18", "--from", "P9", "--to", "P6",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--to: P6 is not after --from P9"),
        "{}",
        stderr(&o)
    );
    // A comment for a closed period cannot change.
    let o = run(&db, &["comment", "edit", "1", "--text", "rewritten"]);
    assert_eq!(o.status.code(), Some(2));
    let list = ok(
        &db,
        &["comment", "list", "--fy", "2017-18", "--format", "csv"],
    );
    assert!(
        list.contains(&format!(
            ",CAB,A,2017-18,P9,Tender slipped to 2018-19,{} (as test-officer),",
            outturn::store::os_login()
        )),
        "{list}"
    );
}

#[test]
fn close_with_missing_comments_allowed_then_reopen_and_reclose_audited() {
    let (_d, db) = setup();
    ok(&db, &["period", "close", "2017-18", "P6"]);
    after_p6(&db);
    let out = ok(
        &db,
        &[
            "period",
            "close",
            "2017-18",
            "P9",
            "--allow-missing-comments",
        ],
    );
    assert!(
        out.contains("Closed without a comment on 1 row beyond the threshold: CAB/A"),
        "{out}"
    );
    let first = csv(&db, "9", &[]);
    // The snapshot carries no commentary for A.
    assert!(
        first.contains(",Amber,1000000.00,-250000.00,1050000.00,-450000.00,\n"),
        "{first}"
    );
    let out = ok(
        &db,
        &[
            "period",
            "reopen",
            "2017-18",
            "P9",
            "--reason",
            "comment missing",
        ],
    );
    assert!(
        out.contains("1 closed period removed, 2 snapshots discarded"),
        "{out}"
    );
    ok(
        &db,
        &[
            "comment",
            "add",
            "--phase",
            "A",
            "--fy",
            "2017-18",
            "--period",
            "P9",
            "--text",
            "Tender slipped to 2018-19",
        ],
    );
    ok(&db, &["period", "close", "2017-18", "P9"]);
    assert_eq!(
        csv(&db, "9", &[]),
        std::fs::read_to_string(fixture("report-cabinet-2017-18-P9.csv")).unwrap()
    );
    let audit = ok(&db, &["audit", "--format", "csv"]);
    let snapshot_events: Vec<&str> = audit
        .lines()
        .filter(|l| l.contains(",snapshot,"))
        .map(|l| l.split(',').nth(3).unwrap())
        .collect();
    // Newest first: take P9 (again), discard P9, take P9, take P6; each for the report and its
    // financing statement.
    assert_eq!(
        snapshot_events,
        vec![
            "take", "take", "discard", "discard", "take", "take", "take", "take"
        ]
    );
    let list = ok(&db, &["report", "list", "--format", "csv"]);
    assert_eq!(list.lines().count(), 5, "{list}");
}

#[test]
fn a_database_closed_before_snapshots_gets_them_on_first_open() {
    let (_d, db) = setup();
    ok(&db, &["period", "close", "2017-18", "P6"]);
    let reported = csv(&db, "6", &[]);
    {
        // Make it what version 4 left: none of the tables of steps 5 to 12, P6 closed, user_version 4.
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(
            "DROP TABLE snapshot_contract_option; DROP TABLE snapshot_contract_row;
             DROP TABLE snapshot_benefit_row; DROP TABLE snapshot_milestone_row;
             DROP TABLE snapshot_pack;
             DROP TABLE snapshot_report_row; DROP TABLE snapshot_budget_line;
             DROP TABLE snapshot_financing_source; DROP TABLE snapshot_financing_row;
             DROP TABLE snapshot_financing; DROP TABLE financing_final;
             DROP TABLE import_profile; DROP TABLE ledger_code;
             DROP INDEX actual_reference;
             ALTER TABLE import_batch DROP COLUMN profile;
             DROP TABLE snapshot_owed; DROP TABLE variance_comment; DROP TABLE snapshot;
             DROP TABLE IF EXISTS funding; DROP TABLE IF EXISTS benefit_realisation;
             DROP TABLE IF EXISTS benefit_target; DROP TABLE IF EXISTS benefit;
             DROP TABLE IF EXISTS milestone;
             PRAGMA user_version = 4;",
        )
        .unwrap();
    }
    let o = run(&db, &["report", "list", "--format", "csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "outturn: note: this database was closed before reports were kept as snapshots; took the snapshot of 2017-18 P6 from the live figures now (`outturn report list`)\n"
    );
    assert!(
        stdout(&o).contains(&format!(
            "monitoring,2017-18,P6,1,4,{} (as test-officer),",
            outturn::store::os_login()
        )),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).contains(",upgrade,5,10"), "{}", stdout(&o));
    // Said once; and the snapshot is the report as it stood (nothing changed since the close).
    let o = run(&db, &["report", "list"]);
    assert_eq!(stderr(&o), "");
    assert_eq!(csv(&db, "6", &[]), reported);
    after_p6(&db);
    assert_eq!(csv(&db, "6", &[]), reported);
    let o = run(&db, &["check"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
}

/// Issue 23 item 7: a standing variance's comment is carried forward, marked, editable, and it
/// satisfies the close.
#[test]
fn a_comment_carried_forward_is_marked_and_satisfies_the_close() {
    let (_d, db) = setup();
    ok(&db, &["period", "close", "2017-18", "P6"]);
    after_p6(&db);
    ok(
        &db,
        &[
            "comment",
            "add",
            "--phase",
            "A",
            "--fy",
            "2017-18",
            "--period",
            "P9",
            "--text",
            "Tender slipped to 2018-19",
        ],
    );
    ok(&db, &["period", "close", "2017-18", "P9"]);
    // P10: A's forecast is still 600,000 (as at P9) against 750,000: -150,000 (-20.0 %), beyond
    // the threshold; with no comment for P10 the close is refused.
    let o = run(&db, &["period", "close", "2017-18", "P10"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("CAB/A (variance -£150,000.00, -20.0 %)"));
    // Backwards, or into a closed period, is refused.
    let o = run(
        &db,
        &[
            "comment", "carry", "--fy", "2017-18", "--from", "P9", "--to", "P8",
        ],
    );
    assert!(
        stderr(&o).contains("--to: P8 is not after P9"),
        "{}",
        stderr(&o)
    );
    let o = run(
        &db,
        &[
            "comment", "carry", "--fy", "2017-18", "--from", "P8", "--to", "P9",
        ],
    );
    assert!(stderr(&o).contains("closed period"), "{}", stderr(&o));
    // Carried to P10 (the period after P9 by default): comment 2, marked.
    let out = ok(
        &db,
        &["comment", "carry", "--fy", "2017-18", "--from", "P9"],
    );
    assert_eq!(
        out,
        "Carried 1 comment of 2017-18 P9 to P10: CAB/A (id 2); change one with `outturn comment edit ID --text ...`.\n"
    );
    let list = ok(
        &db,
        &[
            "comment", "list", "--fy", "2017-18", "--period", "P10", "--format", "csv",
        ],
    );
    assert!(
        list.contains("2,CAB,A,2017-18,P10,Tender slipped to 2018-19 (carried from P9),"),
        "{list}"
    );
    // Carried again: A has one for P10 now, so nothing is added.
    let out = ok(
        &db,
        &["comment", "carry", "--fy", "2017-18", "--from", "P9"],
    );
    assert_eq!(
        out,
        "Carried 0 comments of 2017-18 P9 to P10 (1 phase already had one for P10, kept as it is).\n"
    );
    // Editable like any other; the close now passes and the report carries the text.
    ok(
        &db,
        &[
            "comment",
            "edit",
            "2",
            "--text",
            "Tender slipped to 2018-19; award due in P11",
        ],
    );
    ok(&db, &["period", "close", "2017-18", "P10"]);
    assert!(
        csv(&db, "10", &[]).contains(",Tender slipped to 2018-19; award due in P11\n"),
        "{}",
        csv(&db, "10", &[])
    );
}
