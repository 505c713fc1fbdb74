//! The committee pack's contracts after an exercised extension (issue 23 item 4: the Contracts
//! sheet shows what `contract list` and the report's commitments show) and a closed period's
//! pack frozen (issue 26 item 5: the contracts, benefits and milestones kept at the close, the
//! same workbook byte for byte whatever happens later).

mod common;

use std::path::{Path, PathBuf};

use calamine::Data;
use chrono::NaiveDate;
use common::workbook::{cell, date, sheet};
use common::{demo_db, ok, run, stderr};

fn pack(db: &Path, fy: &str, period: &str, name: &str) -> PathBuf {
    let out = db.with_file_name(name);
    ok(
        db,
        &[
            "pack",
            "--fy",
            fy,
            "--period",
            period,
            "--xlsx",
            out.to_str().unwrap(),
        ],
    );
    out
}

fn csv_rows(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// The demo plus K-EXT on WOL-DTP/ICT: £120,000 over 12 months from 01/10/2017 with a 12-month
/// option estimated at £70,000, £25,000 paid on it on 15/11/2017, and the option exercised on
/// 01/06/2018 at £65,000 (not the estimate).
fn exercised_db() -> (tempfile::TempDir, PathBuf) {
    let (dir, db) = demo_db();
    #[rustfmt::skip]
    ok(&db, &["contract", "add", "--reference", "K-EXT", "--supplier", "Acme", "--programme", "WOL-DTP",
        "--phase", "ICT", "--value", "120000", "--start", "2017-10-01", "--term", "12",
        "--extension", "12", "--extension-value", "70000", "--extension-due", "2018-06-30"]);
    #[rustfmt::skip]
    ok(&db, &["actual", "add", "--programme", "WOL-DTP", "--phase", "ICT", "--contract", "K-EXT",
        "--date", "2017-11-15", "--amount", "25000"]);
    ok(
        &db,
        &[
            "contract",
            "exercise",
            "K-EXT",
            "--value",
            "65000",
            "--date",
            "2018-06-01",
        ],
    );
    (dir, db)
}

/// Issue 23 item 4, worked by hand. After the exercise: value £120,000 + £65,000 = £185,000;
/// term 12 + 12 = 24 months, to 30/09/2019. The profile: £10,000 a month October 2017 to
/// September 2018, then £65,000 over October 2018 to September 2019 (£5,416.66 a month, the
/// last £5,416.74). To 31/03/2019 that is £120,000 + 6 x £5,416.66 = £152,499.96; less £25,000
/// paid, £127,499.96 committed in 2018-19, which is ICT's Commitments in the 2018-19 P3 report.
#[test]
fn the_contracts_sheet_after_an_exercise_shows_what_contract_list_and_the_report_show() {
    let (_d, db) = exercised_db();
    let path = pack(&db, "2018-19", "3", "p3.xlsx");
    let k = sheet(&path, "Contracts");
    // K-EXT, the Wirral call-off, the total.
    assert_eq!(k.len(), 4);
    assert_eq!(cell(&k, 1, "Reference"), Data::String("K-EXT".into()));
    assert_eq!(cell(&k, 1, "Value"), Data::Float(185_000.0));
    assert_eq!(cell(&k, 1, "Paid to date"), Data::Float(25_000.0));
    assert_eq!(cell(&k, 1, "Committed in year"), Data::Float(127_499.96));
    assert_eq!(cell(&k, 1, "Term (months)"), Data::Float(24.0));
    assert_eq!(
        date(&cell(&k, 1, "End")),
        NaiveDate::from_ymd_opt(2019, 9, 30).unwrap()
    );
    assert_eq!(cell(&k, 1, "Option (months)"), Data::Float(12.0));
    assert_eq!(cell(&k, 1, "Option estimate"), Data::Float(70_000.0));
    assert_eq!(cell(&k, 1, "Option exercised"), Data::String("Yes".into()));
    assert_eq!(cell(&k, 1, "Exercised value"), Data::Float(65_000.0));
    // The Wirral call-off's option is not exercised: no exercised value.
    assert_eq!(cell(&k, 2, "Option exercised"), Data::String("No".into()));
    assert_eq!(cell(&k, 2, "Exercised value"), Data::Empty);

    // `contract list` says the same.
    let list = csv_rows(&ok(&db, &["contract", "list", "--format", "csv"]));
    let row = list.iter().find(|r| r[0] == "K-EXT").unwrap();
    // Reference,Programme,Phase,Supplier,Value,Start,Term,Framework,Framework end,Extensions,Title
    assert_eq!(row[4], "185000.00");
    assert_eq!(row[6], "24 months");
    assert!(
        row[9].starts_with("12 months exercised £65,000.00"),
        "{}",
        row[9]
    );
    // And the report: ICT's commitments are K-EXT's committed in year, to the penny.
    let report = csv_rows(&ok(
        &db,
        &["report", "--fy", "2018-19", "--period", "3", "--csv", "-"],
    ));
    let ict = report.iter().find(|r| r[1] == "ICT").unwrap();
    // Programme,Phase,Phase name,Financial year,Period,Original budget,Approved changes,
    // Revised budget,Pending approval,Actual in period,Actual to date,Commitments
    assert_eq!(ict[11], "127499.96");
    assert_eq!(cell(&k, 3, "Committed in year"), Data::Float(127_499.96));
}

/// The demo plus K-EXT (£120,000 over 12 months from 01/10/2017, on WOL-DTP/ICT) and a £50,000
/// addition to ICT approved effective 15/10/2017 (P7), with 2017-18 P6 and P7 closed: the P7
/// pack has a bridge from P6 (ICT's £50,000 of additions).
fn closed_p7_db() -> (tempfile::TempDir, PathBuf) {
    let (dir, db) = demo_db();
    #[rustfmt::skip]
    ok(&db, &["contract", "add", "--reference", "K-EXT", "--supplier", "Acme", "--programme", "WOL-DTP",
        "--phase", "ICT", "--value", "120000", "--start", "2017-10-01", "--term", "12"]);
    #[rustfmt::skip]
    ok(&db, &["change", "add", "--kind", "addition", "--amount", "50000", "--programme", "WOL-DTP",
        "--phase", "ICT", "--fy", "2017-18", "--effective", "2017-10-15", "--status", "approved"]);
    for p in ["P6", "P7"] {
        ok(
            &db,
            &["period", "close", "2017-18", p, "--allow-missing-comments"],
        );
    }
    (dir, db)
}

/// What happens after the close of P7: K-EXT varied to £150,000 from January 2018 (P10, open), the
/// phase ICT, its programme, a benefit and a milestone renamed, a framework's end moved.
fn after_the_close(db: &Path) {
    #[rustfmt::skip]
    let steps: [&[&str]; 5] = [
        &["contract", "vary", "K-EXT", "--value", "150000", "--effective", "2018-01"],
        &["phase", "edit", "WOL-DTP/ICT", "--name", "ICT renamed later"],
        &["programme", "edit", "WOL-DTP", "--name", "Programme renamed later"],
        &["benefit", "edit", "2", "--description", "Benefit renamed later"],
        &["milestone", "edit", "3", "--name", "Milestone renamed later"],
    ];
    for args in steps {
        ok(db, args);
    }
}

/// Issue 26 item 5. As at P7 K-EXT's profile puts £10,000 in each of October 2017 to March 2018:
/// £60,000 committed in 2017-18. The variation adds £30,000 over January to September 2018
/// (£3,333.33 a month, the last £3,333.36), so a live P7 would show £60,000 + 3 x £3,333.33 =
/// £69,999.99; the kept P7 still shows £60,000, and the names as they were.
#[test]
fn a_closed_periods_pack_is_the_same_workbook_byte_for_byte() {
    let (_d, db) = closed_p7_db();
    let before = std::fs::read(pack(&db, "2017-18", "7", "before.xlsx")).unwrap();
    after_the_close(&db);
    let after_path = pack(&db, "2017-18", "7", "after.xlsx");
    let after = std::fs::read(&after_path).unwrap();
    assert!(before == after, "the closed P7 pack changed");
    let k = sheet(&after_path, "Contracts");
    assert_eq!(cell(&k, 1, "Reference"), Data::String("K-EXT".into()));
    assert_eq!(cell(&k, 1, "Value"), Data::Float(120_000.0));
    assert_eq!(cell(&k, 1, "Committed in year"), Data::Float(60_000.0));
    let m = sheet(&after_path, "Milestones");
    assert!(
        m.iter()
            .any(|r| r.contains(&Data::String("ICT capital programme".into())))
    );
    assert!(m.iter().any(|r| r.contains(&Data::String(
        "Wi-Fi rollout complete (illustrative)".into()
    ))));
    let mv = sheet(&after_path, "Movement");
    assert_eq!(cell(&mv, 1, "Phase"), Data::String("ICT".into()));
    assert_eq!(
        cell(&mv, 1, "Phase name"),
        Data::String("ICT capital programme".into())
    );
    let b = sheet(&after_path, "Benefits");
    assert!(b.iter().any(|r| r.contains(&Data::String(
        "Reduced printing and postage (illustrative)".into()
    ))));

    // The row counts of a closed period are those kept.
    let conn = outturn::store::open(&db).unwrap();
    let c = outturn::store::pack::line_counts(
        &conn,
        outturn::domain::FinancialYear::parse("2017-18").unwrap(),
        outturn::domain::Period::parse("7").unwrap(),
        None,
    )
    .unwrap();
    assert_eq!(c.contracts + c.further_options + 1, k.len() - 1);
    assert_eq!(c.milestones, m.len() - 1);
    assert_eq!(c.benefits, b.len() - 1);
    drop(conn);

    // The open P8 is live: the variation and the new names show.
    let p8 = pack(&db, "2017-18", "8", "p8.xlsx");
    let k = sheet(&p8, "Contracts");
    assert_eq!(cell(&k, 1, "Value"), Data::Float(150_000.0));
    assert_eq!(cell(&k, 1, "Committed in year"), Data::Float(69_999.99));
    let m = sheet(&p8, "Milestones");
    assert!(
        m.iter()
            .any(|r| r.contains(&Data::String("ICT renamed later".into())))
    );

    // Reopening P7 discards what was kept: its pack is worked out again, with today's names.
    ok(
        &db,
        &[
            "period",
            "reopen",
            "2017-18",
            "P7",
            "--reason",
            "late invoice",
        ],
    );
    let reopened = pack(&db, "2017-18", "7", "reopened.xlsx");
    assert!(std::fs::read(&reopened).unwrap() != before);
    let k = sheet(&reopened, "Contracts");
    assert_eq!(cell(&k, 1, "Committed in year"), Data::Float(69_999.99));
    let m = sheet(&reopened, "Milestones");
    assert!(
        m.iter()
            .any(|r| r.contains(&Data::String("Milestone renamed later".into())))
    );
    // Closed again, it keeps the figures of the new close, and they hold.
    ok(
        &db,
        &[
            "period",
            "close",
            "2017-18",
            "P7",
            "--allow-missing-comments",
        ],
    );
    let again = std::fs::read(pack(&db, "2017-18", "7", "again.xlsx")).unwrap();
    ok(
        &db,
        &[
            "phase",
            "edit",
            "WOL-DTP/ICT",
            "--name",
            "Renamed once more",
        ],
    );
    assert!(std::fs::read(pack(&db, "2017-18", "7", "again2.xlsx")).unwrap() == again);
}

/// A period closed before version 13 kept no contracts, benefits or milestones: the first open
/// of the upgraded database keeps them from the records as they stand then, and from then on
/// the period's pack holds.
#[test]
fn a_period_closed_before_version_13_keeps_its_pack_lines_on_first_open() {
    let (_d, db) = closed_p7_db();
    let before = std::fs::read(pack(&db, "2017-18", "7", "before.xlsx")).unwrap();
    {
        // Make it what version 12 left: none of the tables of step 13.
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(
            "DROP TABLE snapshot_contract_option; DROP TABLE snapshot_contract_row;
             DROP TABLE snapshot_benefit_row; DROP TABLE snapshot_milestone_row;
             DROP TABLE snapshot_pack; PRAGMA user_version = 12;",
        )
        .unwrap();
    }
    // Opened (and upgraded) by a read; nothing is said, since the report was kept already.
    let o = run(&db, &["report", "list"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let kept: i64 = conn
        .query_row("SELECT count(*) FROM snapshot_pack", [], |r| r.get(0))
        .unwrap();
    assert_eq!(kept, 2, "P6 and P7");
    let owed: i64 = conn
        .query_row("SELECT count(*) FROM snapshot_owed", [], |r| r.get(0))
        .unwrap();
    assert_eq!(owed, 0);
    drop(conn);
    // Nothing had changed since the close, so the pack is what it was; and it now holds.
    assert!(std::fs::read(pack(&db, "2017-18", "7", "upgraded.xlsx")).unwrap() == before);
    after_the_close(&db);
    assert!(std::fs::read(pack(&db, "2017-18", "7", "later.xlsx")).unwrap() == before);
    let o = run(&db, &["check"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// Issue 26 item 15: a sheet past Excel's 1,048,576 rows is refused before anything is read or
/// written, naming it. The demo's two benefits with a 2017-18 target and 1,048,574 more (put in
/// with SQL: the steps would audit each) make 1,048,576 rows under the header: one too many.
#[test]
fn a_benefits_sheet_past_excels_row_limit_is_refused_by_name_and_nothing_is_written() {
    let (dir, db) = demo_db();
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(
            "INSERT INTO benefit(programme_id, description, kind, owner)
               WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 1048574)
               SELECT (SELECT id FROM programme WHERE code = 'WOL-DTP'), 'B' || i, 'cashable', ''
               FROM k;
             INSERT INTO benefit_target(benefit_id, fy, amount_pence)
               SELECT id, 2017, 100 FROM benefit WHERE description GLOB 'B[0-9]*';",
        )
        .unwrap();
    }
    let out = dir.path().join("big.xlsx");
    let o = run(
        &db,
        &[
            "pack",
            "--fy",
            "2017-18",
            "--period",
            "9",
            "--xlsx",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "outturn: --xlsx: the Benefits sheet would have 1,048,577 rows with its header, past \
         Excel's limit of 1,048,576 rows a sheet: make the pack of one programme (--programme); \
         nothing was written\n"
    );
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with("x.db"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    // One programme's pack (WIR-SCP has none of them) is made.
    ok(
        &db,
        &[
            "pack",
            "--fy",
            "2017-18",
            "--period",
            "9",
            "--programme",
            "WIR-SCP",
            "--xlsx",
            out.to_str().unwrap(),
        ],
    );
}
