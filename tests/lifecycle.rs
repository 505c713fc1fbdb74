//! The life of a record, end to end through the command line: each transition (approve, withdraw,
//! exercise with and without a value, a variation effective mid-term after a close, a forecast
//! withdrawn, a reduction covered only at year end refused) with the report rows before and after,
//! every figure worked out by hand from DOMAIN.md in the comments.

mod common;

use std::path::{Path, PathBuf};

use common::{bin, ok, run, snapshot, stderr, stdout};

/// A database with programme P ("Prog") holding phase A ("Alpha") and decision D1.
fn setup() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("life.db");
    ok(&db, &["init"]);
    ok(&db, &["programme", "add", "--code", "P", "--name", "Prog"]);
    ok(
        &db,
        &[
            "phase",
            "add",
            "--programme",
            "P",
            "--code",
            "A",
            "--name",
            "Alpha",
        ],
    );
    ok(
        &db,
        &[
            "decision",
            "add",
            "--reference",
            "D1",
            "--body",
            "Council",
            "--date",
            "2025-04-10",
        ],
    );
    (dir, db)
}

/// The report's rows for FY 2025-26 (or `fy`) as at `period`, without the header.
fn rows(db: &Path, fy: &str, period: &str) -> Vec<String> {
    let out = ok(
        db,
        &["report", "--fy", fy, "--period", period, "--csv", "-"],
    );
    out.lines().skip(1).map(str::to_string).collect()
}

fn phase_row(db: &Path, fy: &str, period: &str) -> String {
    let r = rows(db, fy, period);
    r.into_iter()
        .find(|l| l.starts_with("P,A,"))
        .unwrap_or_default()
}

fn approved(db: &Path, amount: &str) {
    ok(
        db,
        &[
            "allocation",
            "add",
            "--phase",
            "P/A",
            "--fy",
            "2025-26",
            "--amount",
            amount,
            "--decision",
            "D1",
        ],
    );
}

#[test]
fn a_projected_allocation_approved_moves_from_pending_to_original_once() {
    let (_d, db) = setup();
    ok(
        &db,
        &[
            "allocation",
            "add",
            "--programme",
            "P",
            "--phase",
            "A",
            "--fy",
            "2025-26",
            "--amount",
            "£1m",
            "--status",
            "projected",
        ],
    );
    // Projected £1,000,000.00: Pending approval only. Revised 0, nothing spent or committed, so
    // the derived forecast is 0, variance 0, the percentages empty (zero budget), Green.
    assert_eq!(
        rows(&db, "2025-26", "P3"),
        [
            "P,A,Alpha,2025-26,P3,0.00,0.00,0.00,1000000.00,0.00,0.00,0.00,0.00,0.00,derived,0.00,,,Green,,,,,",
            "P,Programme total,,2025-26,P3,0.00,0.00,0.00,1000000.00,0.00,0.00,0.00,0.00,0.00,,0.00,,,Green,,,,,",
            ",Grand total,,2025-26,P3,0.00,0.00,0.00,1000000.00,0.00,0.00,0.00,0.00,0.00,,0.00,,,Green,,,,,",
        ]
    );
    let out = ok(
        &db,
        &[
            "allocation",
            "approve",
            "1",
            "--decision",
            "D1",
            "--date",
            "2025-06-01",
        ],
    );
    assert!(out.contains("now counts in Original budget"), "{out}");
    // Approved: Original 1,000,000.00 and Pending 0.00 (never both). Headroom = 1,000,000 - 0 - 0;
    // forecast derived 0; variance 0 - 1,000,000 = -1,000,000 (-100.0 %); spent 0.0 %; an
    // underspend beyond 10 %: Amber.
    assert_eq!(
        rows(&db, "2025-26", "P3")[0],
        "P,A,Alpha,2025-26,P3,1000000.00,0.00,1000000.00,0.00,0.00,0.00,0.00,1000000.00,0.00,derived,-1000000.00,-100.0,0.0,Amber,,,,,"
    );
    // The summary agrees: the same £1m approved, nothing pending.
    let summary = ok(&db, &["summary", "--fy", "2025-26"]);
    assert!(summary.contains("£1,000,000.00"), "{summary}");
    // Approving twice, or withdrawing an approved allocation, is refused.
    let o = run(&db, &["allocation", "approve", "1", "--decision", "D1"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&db, &["allocation", "withdraw", "1", "--reason", "x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("changed through budget changes"));
}

#[test]
fn a_withdrawn_allocation_leaves_pending_approval() {
    let (_d, db) = setup();
    approved(&db, "100");
    ok(
        &db,
        &[
            "allocation",
            "add",
            "--phase",
            "P/A",
            "--fy",
            "2025-26",
            "--amount",
            "250k",
            "--status",
            "projected",
        ],
    );
    // £100.00 approved, £250,000.00 projected: pending 250,000.00; variance 0 - 100 = -100.00.
    assert_eq!(
        phase_row(&db, "2025-26", "P1"),
        "P,A,Alpha,2025-26,P1,100.00,0.00,100.00,250000.00,0.00,0.00,0.00,100.00,0.00,derived,-100.00,-100.0,0.0,Amber,,,,,"
    );
    let o = run(&db, &["allocation", "withdraw", "2", "--reason", " "]);
    assert_eq!(o.status.code(), Some(2));
    ok(
        &db,
        &["allocation", "withdraw", "2", "--reason", "not going ahead"],
    );
    // Withdrawn: Pending 0.00; the rest unchanged.
    assert_eq!(
        phase_row(&db, "2025-26", "P1"),
        "P,A,Alpha,2025-26,P1,100.00,0.00,100.00,0.00,0.00,0.00,0.00,100.00,0.00,derived,-100.00,-100.0,0.0,Amber,,,,,"
    );
}

#[test]
fn exercising_with_and_without_a_value_extends_the_profile_and_the_term() {
    let (_d, db) = setup();
    approved(&db, "20000");
    ok(
        &db,
        &[
            "contract",
            "add",
            "--reference",
            "C1",
            "--supplier",
            "Acme",
            "--phase",
            "P/A",
            "--value",
            "12000",
            "--start",
            "2025-04-01",
            "--term",
            "6",
            "--extension",
            "6",
            "--extension-value",
            "£3k",
            "--extension-due",
            "2025-09-01",
            "--extension",
            "3",
        ],
    );
    // £12,000.00 over April-September: profiled to the end of 2025-26 = 12,000, paid 0:
    // commitments 12,000; headroom 20,000 - 12,000 = 8,000; forecast derived 12,000;
    // variance -8,000 (-40.0 %): Amber.
    assert_eq!(
        phase_row(&db, "2025-26", "P6"),
        "P,A,Alpha,2025-26,P6,20000.00,0.00,20000.00,0.00,0.00,0.00,12000.00,8000.00,12000.00,derived,-8000.00,-40.0,0.0,Amber,,,,,"
    );
    // Exercised at £4,500.00 (given, not the £3,000.00 estimate): October-March, £750.00 a
    // month, all in 2025-26: commitments 16,500; headroom 3,500; variance -3,500 (-17.5 %).
    let out = ok(
        &db,
        &[
            "contract",
            "exercise",
            "C1",
            "--value",
            "4500",
            "--decision",
            "D1",
        ],
    );
    assert!(
        out.contains("£4,500.00 added, value now £16,500.00, term now 12 months to 2026-03"),
        "{out}"
    );
    assert_eq!(
        phase_row(&db, "2025-26", "P6"),
        "P,A,Alpha,2025-26,P6,20000.00,0.00,20000.00,0.00,0.00,0.00,16500.00,3500.00,16500.00,derived,-3500.00,-17.5,0.0,Amber,,,,,"
    );
    // The 3-month option has no value: the term grows to 15 months (to June 2026), no figure moves.
    let out = ok(&db, &["contract", "exercise", "C1", "--decision", "D1"]);
    assert!(
        out.contains("£0.00 added, value now £16,500.00, term now 15 months to 2026-06"),
        "{out}"
    );
    assert_eq!(
        phase_row(&db, "2025-26", "P6"),
        "P,A,Alpha,2025-26,P6,20000.00,0.00,20000.00,0.00,0.00,0.00,16500.00,3500.00,16500.00,derived,-3500.00,-17.5,0.0,Amber,,,,,"
    );
    let list = ok(&db, &["contract", "list", "--format", "csv"]);
    assert!(list.contains(",15 months,"), "{list}");
}

#[test]
fn a_variation_effective_mid_term_after_a_close_spreads_from_its_month() {
    let (_d, db) = setup();
    approved(&db, "20000");
    ok(
        &db,
        &[
            "contract",
            "add",
            "--reference",
            "C2",
            "--supplier",
            "Acme",
            "--phase",
            "P/A",
            "--value",
            "12000",
            "--start",
            "2025-04-01",
            "--term",
            "12",
        ],
    );
    ok(
        &db,
        &[
            "actual",
            "add",
            "--date",
            "2025-06-15",
            "--phase",
            "P/A",
            "--contract",
            "C2",
            "--amount",
            "3000",
            "--reference",
            "INV-1",
        ],
    );
    ok(
        &db,
        &[
            "period",
            "close",
            "2025-26",
            "P6",
            "--allow-missing-comments",
        ],
    );
    // Before: profiled to end of FY 12,000 less paid 3,000 = 9,000 committed; headroom
    // 20,000 - 3,000 - 9,000 = 8,000; forecast 3,000 + 9,000 = 12,000; variance -8,000 (-40.0 %);
    // spent 3,000 / 20,000 = 15.0 %.
    let before = "P,A,Alpha,2025-26,P7,20000.00,0.00,20000.00,0.00,0.00,3000.00,9000.00,8000.00,12000.00,derived,-8000.00,-40.0,15.0,Amber,20000.00,0.00,12000.00,0.00,";
    // After RAG: the P6 snapshot (closed) had a revised budget of 20,000.00 and a derived
    // forecast of 12,000.00 (nothing paid, 12,000.00 committed), so both movements are 0.00.
    assert_eq!(phase_row(&db, "2025-26", "P7"), before);
    // Effective in September (closed) is refused, nothing written.
    let frozen = snapshot(&db);
    let o = run(
        &db,
        &[
            "contract",
            "vary",
            "C2",
            "--value",
            "13000",
            "--effective",
            "2025-09",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("closed period"), "{}", stderr(&o));
    assert_eq!(snapshot(&db), frozen);
    // From October: +£1,000.00 over October-March (6 months): 166.66 x 5 + 166.70; the months
    // before keep £1,000.00. Profiled to end of FY 13,000 less 3,000 paid = 10,000 committed;
    // headroom 7,000; forecast 13,000; variance -7,000 (-35.0 %).
    let out = ok(
        &db,
        &[
            "contract",
            "vary",
            "C2",
            "--value",
            "13000",
            "--effective",
            "2025-10",
        ],
    );
    assert!(
        out.contains("varied from £12,000.00 to £13,000.00 effective 2025-10"),
        "{out}"
    );
    assert_eq!(
        phase_row(&db, "2025-26", "P7"),
        "P,A,Alpha,2025-26,P7,20000.00,0.00,20000.00,0.00,0.00,3000.00,10000.00,7000.00,13000.00,derived,-7000.00,-35.0,15.0,Amber,20000.00,0.00,12000.00,1000.00,"
    );
    // The audit log shows the old and new value and the effective month.
    let audit = ok(&db, &["audit", "--format", "csv"]);
    assert!(audit.contains("old_value"), "{audit}");
    assert!(audit.contains("2025-10"), "{audit}");
}

#[test]
fn a_withdrawn_forecast_is_ignored_and_a_later_year_is_entered_as_at_a_date() {
    let (_d, db) = setup();
    approved(&db, "20000");
    ok(
        &db,
        &[
            "forecast", "add", "--phase", "P/A", "--fy", "2025-26", "--period", "P5", "--amount",
            "18000",
        ],
    );
    // Forecast 18,000 entered P5: variance 18,000 - 20,000 = -2,000 (-10.0 %): exactly 10 % is
    // not beyond 10 %: Green.
    assert_eq!(
        phase_row(&db, "2025-26", "P6"),
        "P,A,Alpha,2025-26,P6,20000.00,0.00,20000.00,0.00,0.00,0.00,0.00,20000.00,18000.00,entered P5,-2000.00,-10.0,0.0,Green,,,,,"
    );
    ok(
        &db,
        &["forecast", "withdraw", "1", "--reason", "wrong phase"],
    );
    // Withdrawn: derived 0 + 0 = 0; variance -20,000 (-100.0 %): Amber.
    assert_eq!(
        phase_row(&db, "2025-26", "P6"),
        "P,A,Alpha,2025-26,P6,20000.00,0.00,20000.00,0.00,0.00,0.00,0.00,20000.00,0.00,derived,-20000.00,-100.0,0.0,Amber,,,,,"
    );
    // Next year's £6,000.00 budget, forecast as at 30/11/2025 (2025-26 P8) at £5,000.00:
    // variance -1,000 / 6,000 = -16.7 %: Amber; basis names the earlier year.
    ok(
        &db,
        &[
            "allocation",
            "add",
            "--phase",
            "P/A",
            "--fy",
            "2026-27",
            "--amount",
            "6000",
        ],
    );
    ok(
        &db,
        &[
            "forecast",
            "add",
            "--phase",
            "P/A",
            "--fy",
            "2026-27",
            "--as-at",
            "2025-11-30",
            "--amount",
            "5000",
        ],
    );
    assert_eq!(
        phase_row(&db, "2026-27", "P1"),
        "P,A,Alpha,2026-27,P1,6000.00,0.00,6000.00,0.00,0.00,0.00,0.00,6000.00,5000.00,entered 2025-26 P8,-1000.00,-16.7,0.0,Amber,,,,,"
    );
    // One as at an earlier date of the same month is kept beside it (DOMAIN.md, "Forecast"): the
    // report still takes the latest as-at date, 30/11/2025, so £5,000.
    let out = ok(
        &db,
        &[
            "forecast",
            "add",
            "--phase",
            "P/A",
            "--fy",
            "2026-27",
            "--as-at",
            "15/11/2025",
            "--amount",
            "5500",
        ],
    );
    assert!(!out.contains("replacing"), "{out}");
    assert_eq!(
        phase_row(&db, "2026-27", "P1"),
        "P,A,Alpha,2026-27,P1,6000.00,0.00,6000.00,0.00,0.00,0.00,0.00,6000.00,5000.00,entered 2025-26 P8,-1000.00,-16.7,0.0,Amber,,,,,"
    );
    // One as at the same date replaces it and says so: -500 / 6,000 = -8.3 %: Green.
    let out = ok(
        &db,
        &[
            "forecast",
            "add",
            "--phase",
            "P/A",
            "--fy",
            "2026-27",
            "--as-at",
            "30/11/2025",
            "--amount",
            "5500",
        ],
    );
    assert!(
        out.contains("replacing £5,000.00 as at 30/11/2025"),
        "{out}"
    );
    assert_eq!(
        phase_row(&db, "2026-27", "P1"),
        "P,A,Alpha,2026-27,P1,6000.00,0.00,6000.00,0.00,0.00,0.00,0.00,6000.00,5500.00,entered 2025-26 P8,-500.00,-8.3,0.0,Green,,,,,"
    );
}

#[test]
fn a_reduction_covered_only_at_year_end_is_refused() {
    let (_d, db) = setup();
    approved(&db, "100");
    ok(
        &db,
        &[
            "change",
            "add",
            "--kind",
            "addition",
            "--phase",
            "P/A",
            "--fy",
            "2025-26",
            "--amount",
            "50",
            "--effective",
            "2025-12-10",
            "--status",
            "approved",
        ],
    );
    // P6: the December addition is not yet effective: revised 100. P9: 100 + 50 = 150.
    let p6 = "P,A,Alpha,2025-26,P6,100.00,0.00,100.00,0.00,0.00,0.00,0.00,100.00,0.00,derived,-100.00,-100.0,0.0,Amber,,,,,";
    let p9 = "P,A,Alpha,2025-26,P9,100.00,50.00,150.00,0.00,0.00,0.00,0.00,150.00,0.00,derived,-150.00,-100.0,0.0,Amber,,,,,";
    assert_eq!(phase_row(&db, "2025-26", "P6"), p6);
    assert_eq!(phase_row(&db, "2025-26", "P9"), p9);
    // £120.00 out effective 15/05/2025 (P2): 100 - 120 = -20.00 from P2 to P8, though the year
    // ends at +30.00. Refused, and nothing changes.
    let o = run(
        &db,
        &[
            "change",
            "add",
            "--kind",
            "reduction",
            "--phase",
            "P/A",
            "--fy",
            "2025-26",
            "--amount",
            "120",
            "--effective",
            "2025-05-15",
            "--status",
            "approved",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("would take its revised budget to -£20.00 on 15/05/2025 (2025-26 P2)"),
        "{}",
        stderr(&o)
    );
    assert_eq!(phase_row(&db, "2025-26", "P6"), p6);
    assert_eq!(phase_row(&db, "2025-26", "P9"), p9);
    // Proposed, then approved: refused at approval the same way.
    ok(
        &db,
        &[
            "change",
            "add",
            "--kind",
            "reduction",
            "--phase",
            "P/A",
            "--fy",
            "2025-26",
            "--amount",
            "120",
            "--effective",
            "2025-05-15",
        ],
    );
    let o = run(&db, &["change", "approve", "2"]);
    assert_eq!(o.status.code(), Some(2));
    // Amended to take effect with the addition, it is covered: 150 - 120 = 30 at P9.
    ok(&db, &["change", "amend", "2", "--effective", "2025-12-10"]);
    ok(&db, &["change", "approve", "2"]);
    assert_eq!(
        phase_row(&db, "2025-26", "P9"),
        "P,A,Alpha,2025-26,P9,100.00,-70.00,30.00,0.00,0.00,0.00,0.00,30.00,0.00,derived,-30.00,-100.0,0.0,Amber,,,,,"
    );
}

#[test]
fn warnings_for_future_dates_duplicate_references_and_shorthand() {
    let (_d, db) = setup();
    approved(&db, "20000");
    let add = |args: &[&str]| {
        bin()
            .env("OUTTURN_TODAY", "2025-11-15")
            .arg("--db")
            .arg(&db)
            .args(args)
            .output()
            .unwrap()
    };
    let o = add(&[
        "actual",
        "add",
        "--date",
        "2025-10-01",
        "--phase",
        "P/A",
        "--amount",
        "1.5k",
        "--reference",
        "INV-9",
    ]);
    assert!(o.status.success());
    assert_eq!(
        stdout(&o),
        "Added actual 1: £1,500.00 (1.5k read as £1,500.00) on 01/10/2025.\n"
    );
    let frozen = snapshot(&db);
    let future = [
        "actual",
        "add",
        "--date",
        "2025-12-01",
        "--phase",
        "P/A",
        "--amount",
        "10",
        "--reference",
        "INV-9",
        "--strict",
    ];
    let o = add(&future);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        snapshot(&db),
        frozen,
        "a refused --strict add wrote something"
    );
    let o = add(&future[..future.len() - 1]);
    assert!(o.status.success());
    assert_eq!(
        stderr(&o),
        "warning: actual 2 dated 01/12/2025 is after today (15/11/2025): is the date right?\n\
         warning: actual 2 reference 'INV-9' is also on actual 1 dated 01/10/2025 for £1,500.00: another date or amount (a duplicate?)\n"
    );
    // The import lists the same warnings by line, in a dry run too; --strict refuses.
    let file = db.with_file_name("ledger.csv");
    std::fs::write(
        &file,
        "Date,Phase,Supplier,Description,Reference,Amount\n\
         2025-10-02,P/A,Acme,Works,INV-9,20.00\n\
         2025-10-03,P/A,Acme,Works,INV-10,30.00\n",
    )
    .unwrap();
    let f = file.to_str().unwrap();
    let o = add(&["import", "actuals", f, "--dry-run"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("warning: line 2: reference 'INV-9' is also on actual 1"),
        "{}",
        stderr(&o)
    );
    let before = snapshot(&db);
    let o = add(&["import", "actuals", f, "--strict"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("Refused under --strict: 1 row(s) with warnings"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        snapshot(&db),
        before,
        "a refused --strict import wrote something"
    );
    let o = add(&["import", "actuals", f]);
    assert!(o.status.success());
}

#[test]
fn records_are_corrected_and_deleted_only_when_unused() {
    let (_d, db) = setup();
    ok(
        &db,
        &[
            "phase",
            "edit",
            "P/A",
            "--status",
            "delivered",
            "--expected-version",
            "1",
        ],
    );
    let o = run(&db, &["phase", "edit", "P/A", "--status", "active"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(
        &db,
        &[
            "phase",
            "edit",
            "P/A",
            "--name",
            "X",
            "--expected-version",
            "1",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "a stale version is refused");
    approved(&db, "100");
    let o = run(&db, &["decision", "delete", "D1"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o).trim(),
        "outturn: decision D1 cannot be deleted: 1 allocation(s) refer to it"
    );
    ok(
        &db,
        &[
            "framework",
            "add",
            "--name",
            "G-Cloud 12",
            "--planned-end",
            "2022-09-27",
        ],
    );
    ok(
        &db,
        &[
            "framework",
            "edit",
            "G-Cloud 12",
            "--actual-end",
            "2022-10-27",
        ],
    );
    let list = ok(&db, &["framework", "list", "--format", "csv"]);
    assert!(list.contains("2022-10-27"), "{list}");
    ok(&db, &["framework", "delete", "G-Cloud 12"]);
    ok(&db, &["programme", "edit", "P", "--name", "Programme P"]);
    let audit = ok(&db, &["audit", "--format", "csv"]);
    assert!(audit.contains("Programme P"), "{audit}");
}

#[test]
fn report_with_no_year_or_period_is_the_current_year_as_at_its_last_closed_period() {
    let (_d, db) = setup();
    approved(&db, "100");
    ok(
        &db,
        &[
            "period",
            "close",
            "2025-26",
            "P6",
            "--allow-missing-comments",
        ],
    );
    let o = bin()
        .env("OUTTURN_TODAY", "2025-11-15")
        .arg("--db")
        .arg(&db)
        .args(["report", "--csv", "-"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "Report for 2025-26 as at P6 (its last closed period); give --fy and --period for another.\n"
    );
    let out = stdout(&o);
    assert!(out.starts_with("Programme,Phase,"), "{out}");
    assert!(out.contains("\nP,A,Alpha,2025-26,P6,100.00,"), "{out}");
}

#[test]
fn a_budgets_import_approves_a_projected_line_by_its_id() {
    let (_d, db) = setup();
    ok(
        &db,
        &[
            "allocation",
            "add",
            "--phase",
            "P/A",
            "--fy",
            "2025-26",
            "--amount",
            "5000",
            "--status",
            "projected",
        ],
    );
    let file = db.with_file_name("budgets.csv");
    std::fs::write(
        &file,
        "Programme,Phase,Financial year,Amount,Status,Decision,Allocation\n\
         P,A,2025-26,5000.00,approved,D1,1\n",
    )
    .unwrap();
    // Before: £5,000.00 pending. After: Original 5,000.00, Pending 0.00, no second line.
    assert_eq!(
        phase_row(&db, "2025-26", "P1"),
        "P,A,Alpha,2025-26,P1,0.00,0.00,0.00,5000.00,0.00,0.00,0.00,0.00,0.00,derived,0.00,,,Green,,,,,"
    );
    ok(&db, &["import", "budgets", file.to_str().unwrap()]);
    assert_eq!(
        phase_row(&db, "2025-26", "P1"),
        "P,A,Alpha,2025-26,P1,5000.00,0.00,5000.00,0.00,0.00,0.00,0.00,5000.00,0.00,derived,-5000.00,-100.0,0.0,Amber,,,,,"
    );
    let list = ok(&db, &["allocation", "list", "--format", "csv"]);
    assert_eq!(list.lines().count(), 2, "{list}");
}

/// Issue 23 item 6: a final account agreed after the term is a variation that puts the whole
/// difference in its month (DOMAIN.md, "Contract").
#[test]
fn a_variation_after_the_term_puts_the_whole_difference_in_its_month() {
    let (_d, db) = setup();
    approved(&db, "20000");
    // £6,000.00 over April to September 2025 (£1,000.00 a month), paid in full in September.
    ok(
        &db,
        &[
            "contract",
            "add",
            "--reference",
            "C3",
            "--supplier",
            "Acme",
            "--phase",
            "P/A",
            "--value",
            "6000",
            "--start",
            "2025-04-01",
            "--term",
            "6",
        ],
    );
    ok(
        &db,
        &[
            "actual",
            "add",
            "--date",
            "2025-09-20",
            "--phase",
            "P/A",
            "--contract",
            "C3",
            "--amount",
            "6000",
            "--reference",
            "INV-1",
        ],
    );
    ok(
        &db,
        &[
            "period",
            "close",
            "2025-26",
            "P6",
            "--allow-missing-comments",
        ],
    );
    // Before its start is refused, naming the term.
    let o = run(
        &db,
        &[
            "contract",
            "vary",
            "C3",
            "--value",
            "6900",
            "--effective",
            "2025-03",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("2025-03 is before the start of contract C3 (2025-04 to 2025-09)"),
        "{}",
        stderr(&o)
    );
    // The final account, £6,900.00, agreed in November (after the term): the whole £900.00 in
    // November; the closed months keep what they held.
    let out = ok(
        &db,
        &[
            "contract",
            "vary",
            "C3",
            "--value",
            "6900",
            "--effective",
            "2025-11",
        ],
    );
    assert!(
        out.contains(
            "varied from £6,000.00 to £6,900.00 effective 2025-11: £900.00 all in 2025-11, after the term ended in 2025-09"
        ),
        "{out}"
    );
    // P8: profiled to the end of the year 6,900 less 6,000 paid = 900 committed; headroom
    // 20,000 - 6,000 - 900 = 13,100; forecast 6,000 + 900 = 6,900; variance -13,100
    // (-65.5 %); spent 6,000 / 20,000 = 30.0 %. At P6 (snapshot) the forecast was 6,000: the
    // movement is 900.
    assert_eq!(
        phase_row(&db, "2025-26", "P8"),
        "P,A,Alpha,2025-26,P8,20000.00,0.00,20000.00,0.00,0.00,6000.00,900.00,13100.00,6900.00,derived,-13100.00,-65.5,30.0,Amber,20000.00,0.00,6000.00,900.00,"
    );
    // Revised down to £6,400.00 in December: -£500.00 in December, so 400 is committed;
    // headroom 13,600; forecast 6,400; variance -13,600 (-68.0 %); movement 400.
    ok(
        &db,
        &[
            "contract",
            "vary",
            "C3",
            "--value",
            "6400",
            "--effective",
            "2025-12",
        ],
    );
    assert_eq!(
        phase_row(&db, "2025-26", "P8"),
        "P,A,Alpha,2025-26,P8,20000.00,0.00,20000.00,0.00,0.00,6000.00,400.00,13600.00,6400.00,derived,-13600.00,-68.0,30.0,Amber,20000.00,0.00,6000.00,400.00,"
    );
    ok(&db, &["check"]);
}
