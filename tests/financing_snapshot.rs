//! The financing statement is part of the period-close snapshot (issue 14 item 4): `period close`
//! stores it beside the report; `report financing` for a closed period prints it byte for byte
//! whatever changed since (a late funding line, a late actual, `financing.order`); `period reopen`
//! discards it (audited) and the next close takes the new figures; a database closed before the
//! financing snapshot was kept gets it from the live figures on first open. Figures by hand.

mod common;

use common::books::actual;
use common::{ok, run, stderr, stdout};
use std::path::Path;

const HEADER: &str = "Programme,Phase,Phase name,Financial year,Period,Revised budget,Grant approved,S106 approved,CIL approved,Capital receipts approved,Revenue approved,Reserves approved,Other approved,Borrowing approved,Total funding,Funding gap,Grant applied,S106 applied,CIL applied,Capital receipts applied,Revenue applied,Reserves applied,Other applied,Borrowing applied,Unfunded to date\n";

/// The P6 statement when the period is closed. Default order (grant, s106, cil, capital receipts,
/// revenue, reserves, other, borrowing).
/// A: revised £1,000.00; approved grant £300.00 + borrowing £500.00 = £800.00; gap 1,000 - 800 =
///    £200.00. Actual to date £600.00 (P2): grant 300.00 first, then borrowing 600 - 300 = 300.00;
///    unfunded 0.
/// B: revised £100.00; reserves £80.00; gap 100 - 80 = £20.00. Actual £90.00 (P3): reserves 80.00,
///    unfunded 90 - 80 = £10.00.
/// Totals: revised 1,100.00; grant 300, reserves 80, borrowing 500 = 880.00; gap 220.00; applied
///    grant 300, reserves 80, borrowing 300; unfunded 10.00.
const CLOSED_P6: &str = "\
P,A,Scheme A,2024-25,P6,1000.00,300.00,0.00,0.00,0.00,0.00,0.00,0.00,500.00,800.00,200.00,300.00,0.00,0.00,0.00,0.00,0.00,0.00,300.00,0.00
P,B,Scheme B,2024-25,P6,100.00,0.00,0.00,0.00,0.00,0.00,80.00,0.00,0.00,80.00,20.00,0.00,0.00,0.00,0.00,0.00,80.00,0.00,0.00,10.00
P,Programme total,,2024-25,P6,1100.00,300.00,0.00,0.00,0.00,0.00,80.00,0.00,500.00,880.00,220.00,300.00,0.00,0.00,0.00,0.00,80.00,0.00,300.00,10.00
,Grand total,,2024-25,P6,1100.00,300.00,0.00,0.00,0.00,0.00,80.00,0.00,500.00,880.00,220.00,300.00,0.00,0.00,0.00,0.00,80.00,0.00,300.00,10.00
";

/// The P6 statement after the late changes, reopened, a capital receipt of £150.00 for A added,
/// and closed again. Order now borrowing first; B renamed.
/// A: approved grant 300 + capital receipts 150 + borrowing 500 = £950.00; gap 1,000 - 950 =
///    £50.00. Actual to date at P6 still £600.00 (the £50.00 is dated in P7): borrowing 500.00
///    first, then grant 600 - 500 = 100.00; capital receipts nothing; unfunded 0.
/// B: unchanged (reserves 80.00 applied, unfunded 10.00).
/// Totals: approved grant 300, capital receipts 150, reserves 80, borrowing 500 = 1,030.00; gap
///    1,100 - 1,030 = 70.00; applied grant 100, reserves 80, borrowing 500; unfunded 10.00.
const RECLOSED_P6: &str = "\
P,A,Scheme A,2024-25,P6,1000.00,300.00,0.00,0.00,150.00,0.00,0.00,0.00,500.00,950.00,50.00,100.00,0.00,0.00,0.00,0.00,0.00,0.00,500.00,0.00
P,B,Scheme B (phase 1),2024-25,P6,100.00,0.00,0.00,0.00,0.00,0.00,80.00,0.00,0.00,80.00,20.00,0.00,0.00,0.00,0.00,0.00,80.00,0.00,0.00,10.00
P,Programme total,,2024-25,P6,1100.00,300.00,0.00,0.00,150.00,0.00,80.00,0.00,500.00,1030.00,70.00,100.00,0.00,0.00,0.00,0.00,80.00,0.00,500.00,10.00
,Grand total,,2024-25,P6,1100.00,300.00,0.00,0.00,150.00,0.00,80.00,0.00,500.00,1030.00,70.00,100.00,0.00,0.00,0.00,0.00,80.00,0.00,500.00,10.00
";

/// A capital receipt of £150.00 for A in 2024-25: refused while P6 is closed, added after reopening.
const CAPITAL_RECEIPT: [&str; 10] = [
    "funding",
    "add",
    "--phase",
    "A",
    "--fy",
    "2024-25",
    "--source",
    "capital receipts",
    "--amount",
    "150",
];

fn add(db: &Path, args: &[&str]) {
    ok(db, args);
}

/// Programme P: phase A (£1,000.00 for 2024-25; grant £300.00 spend by 31/03/2026, borrowing
/// £500.00; £600.00 spent on 10/05/2024) and phase B (£100.00; reserves £80.00; £90.00 spent on
/// 01/06/2024).
fn books() -> (tempfile::TempDir, std::path::PathBuf) {
    let (dir, db) = common::books::two_phases("s.db", ["1000", "100"]);
    for (phase, source, amount, spend_by) in [
        ("A", "grant", "300", Some("2026-03-31")),
        ("A", "borrowing", "500", None),
        ("B", "reserves", "80", None),
    ] {
        let mut a = vec![
            "funding", "add", "--phase", phase, "--fy", "2024-25", "--source", source, "--amount",
            amount,
        ];
        if let Some(d) = spend_by {
            a.extend(["--spend-by", d]);
        }
        add(&db, &a);
    }
    actual(&db, "A", "2024-05-10", "600", "INV-1");
    actual(&db, "B", "2024-06-01", "90", "INV-2");
    (dir, db)
}

fn p6_csv(db: &Path, extra: &[&str]) -> String {
    let mut a = vec![
        "report",
        "financing",
        "--fy",
        "2024-25",
        "--period",
        "P6",
        "--csv",
        "-",
    ];
    a.extend_from_slice(extra);
    ok(db, &a)
}

/// What can change after the close: a capital receipt of £150.00 for A in the closed year
/// (funding lines are not locked by closed periods, issue 23 item 5), £50.00 spent on A on
/// 05/10/2024 (P7), borrowing first in the order of application, and B renamed "Scheme B
/// (phase 1)". The funding, the order and the name would change the P6 statement if it were
/// worked out live.
fn late_changes(db: &Path) {
    add(db, &CAPITAL_RECEIPT);
    actual(db, "A", "2024-10-05", "50", "INV-3");
    add(
        db,
        &[
            "config",
            "set",
            "financing.order",
            "borrowing,grant,s106,cil,capital receipts,revenue,reserves,other",
        ],
    );
    add(
        db,
        &["phase", "edit", "P/B", "--name", "Scheme B (phase 1)"],
    );
}

/// The snapshot events of the audit log, oldest first: (action, kind of the snapshot).
fn snapshot_events(db: &Path) -> Vec<(String, String)> {
    let json = ok(db, &["audit", "--entity", "snapshot", "--format", "json"]);
    let events: serde_json::Value = serde_json::from_str(&json).unwrap();
    let mut out: Vec<(String, String)> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let header = if e["after"]["kind"].is_string() {
                &e["after"]
            } else {
                &e["before"]
            };
            (
                e["action"].as_str().unwrap().to_string(),
                header["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    out.reverse();
    out
}

#[test]
fn a_closed_period_keeps_its_financing_statement_whatever_changes_until_reopened() {
    let (_d, db) = books();
    let before = p6_csv(&db, &[]);
    assert_eq!(before, format!("{HEADER}{CLOSED_P6}"));
    let closed = ok(
        &db,
        &[
            "period",
            "close",
            "2024-25",
            "P6",
            "--allow-missing-comments",
        ],
    );
    assert!(
        closed.contains("its financing statement beside it, 4 rows;"),
        "{closed}"
    );
    late_changes(&db);
    // The live statement as at P7 shows the changes (the closed P6 does not): A's actual to date
    // is 600 + 50 = £650.00, met borrowing first: borrowing 500.00, then grant 150.00; its
    // funding is grant 300 + capital receipts 150 + borrowing 500 = £950.00, a gap of £50.00.
    let p7 = ok(
        &db,
        &[
            "report",
            "financing",
            "--fy",
            "2024-25",
            "--period",
            "P7",
            "--csv",
            "-",
        ],
    );
    assert!(
        p7.contains("P,A,Scheme A,2024-25,P7,1000.00,300.00,0.00,0.00,150.00,0.00,0.00,0.00,500.00,950.00,50.00,150.00,0.00,0.00,0.00,0.00,0.00,0.00,500.00,0.00\nP,B,Scheme B (phase 1),"),
        "{p7}"
    );
    // P6: byte for byte what it was at the close; narrowed to P (its only programme) the same.
    assert_eq!(p6_csv(&db, &[]), before);
    assert_eq!(p6_csv(&db, &["--programme", "P"]), before);
    // The terminal table says it is the snapshot and keeps the order used at the close.
    let screen = ok(
        &db,
        &["report", "financing", "--fy", "2024-25", "--period", "P6"],
    );
    assert!(screen.contains("(closed: the snapshot taken "), "{screen}");
    assert!(
        screen.contains(
            "in the order grant,s106,cil,capital receipts,revenue,reserves,other,borrowing."
        ),
        "{screen}"
    );
    // `report list` shows it beside the report: one programme, 4 rows, taken at the close.
    let list = ok(&db, &["report", "list", "--format", "csv"]);
    let kinds: Vec<(&str, &str, &str)> = list
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0], f[2], f[7])
        })
        .collect();
    assert_eq!(
        kinds,
        vec![("monitoring", "P6", "close"), ("financing", "P6", "close")]
    );
    assert!(list.contains("financing,2024-25,P6,1,4,"), "{list}");

    // Reopen: both snapshots are discarded; P6 is worked out live again, with the new funding and
    // order; closing again keeps those figures.
    let reopened = ok(
        &db,
        &[
            "period",
            "reopen",
            "2024-25",
            "P6",
            "--reason",
            "capital receipt agreed late",
        ],
    );
    assert!(reopened.contains("2 snapshots discarded"), "{reopened}");
    assert_eq!(p6_csv(&db, &[]), format!("{HEADER}{RECLOSED_P6}"));
    ok(
        &db,
        &[
            "period",
            "close",
            "2024-25",
            "P6",
            "--allow-missing-comments",
        ],
    );
    actual(&db, "B", "2024-11-02", "5", "INV-4");
    assert_eq!(p6_csv(&db, &[]), format!("{HEADER}{RECLOSED_P6}"));

    // The audit trail: each take and the discards, the financing ones beside the report's.
    let events = snapshot_events(&db);
    let ev = |a: &str, k: &str| (a.to_string(), k.to_string());
    assert_eq!(
        events,
        vec![
            ev("take", "monitoring"),
            ev("take", "financing"),
            ev("discard", "financing"),
            ev("discard", "monitoring"),
            ev("take", "monitoring"),
            ev("take", "financing"),
        ]
    );
    let json = ok(&db, &["audit", "--entity", "snapshot", "--format", "json"]);
    assert!(json.contains("capital receipt agreed late"), "{json}");
    let o = run(&db, &["check"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
}

#[test]
fn the_committee_pack_reads_the_financing_snapshot_of_a_closed_period() {
    let (d, db) = books();
    ok(
        &db,
        &[
            "period",
            "close",
            "2024-25",
            "P6",
            "--allow-missing-comments",
        ],
    );
    late_changes(&db);
    let pack = d.path().join("pack.xlsx");
    ok(
        &db,
        &[
            "pack",
            "--fy",
            "2024-25",
            "--period",
            "P6",
            "--xlsx",
            pack.to_str().unwrap(),
        ],
    );
    // Row for row and to the penny the statement as closed (CLOSED_P6), not the live one.
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let mut wb: Xlsx<_> = open_workbook(&pack).unwrap();
    let range = wb.worksheet_range("Financing").unwrap();
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Float(f) => format!("{f:.2}"),
                    Data::String(s) => s.clone(),
                    Data::Empty => String::new(),
                    other => format!("{other:?}"),
                })
                .collect()
        })
        .collect();
    let want: Vec<Vec<String>> = format!("{HEADER}{CLOSED_P6}")
        .lines()
        .map(|l| l.split(',').map(String::from).collect())
        .collect();
    assert_eq!(rows, want);
}

#[test]
fn a_database_closed_before_the_financing_snapshot_gets_it_on_first_open() {
    let (_d, db) = books();
    ok(
        &db,
        &[
            "period",
            "close",
            "2024-25",
            "P6",
            "--allow-missing-comments",
        ],
    );
    {
        // Make it what version 7 left: no financing snapshot, none of the tables of steps 8 to 13.
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(
            "PRAGMA foreign_keys = ON;
             DELETE FROM snapshot WHERE kind = 'financing';
             DROP TABLE snapshot_contract_option; DROP TABLE snapshot_contract_row;
             DROP TABLE snapshot_benefit_row; DROP TABLE snapshot_milestone_row;
             DROP TABLE snapshot_pack;
             DROP TABLE snapshot_financing_source; DROP TABLE snapshot_financing_row;
             DROP TABLE snapshot_financing; DROP TABLE financing_final;
             DROP TABLE import_profile; DROP TABLE ledger_code;
             DROP INDEX actual_reference;
             ALTER TABLE import_batch DROP COLUMN profile;
             PRAGMA user_version = 7;",
        )
        .unwrap();
    }
    let o = run(&db, &["report", "list", "--format", "csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "outturn: note: this database was closed before the financing statement was kept in the snapshot; took the financing snapshot of 2024-25 P6 from the live figures now (`outturn report list`)\n"
    );
    assert!(
        stdout(&o).contains("financing,2024-25,P6,1,4,"),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).contains(",upgrade,"), "{}", stdout(&o));
    // Said once; the snapshot holds the figures as they stood, and holds them from now on.
    assert_eq!(stderr(&run(&db, &["report", "list"])), "");
    late_changes(&db);
    assert_eq!(p6_csv(&db, &[]), format!("{HEADER}{CLOSED_P6}"));
    let o = run(&db, &["check"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
}
