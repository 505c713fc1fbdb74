//! `outturn pack`: the committee pack read back with calamine (and LibreOffice when installed):
//! every Monitoring, Movement and Financing cell against its CSV, the Contracts, Benefits and
//! Milestones sheets worked by hand,
//! the formats in the workbook's XML, determinism, and the refused outputs.
//!
//! How a workbook number is compared with the CSV's text: the CSV cell is read exactly as a
//! Decimal; the workbook cell is an f64, turned into a Decimal from its shortest text (exact) and
//! rounded to the CSV cell's places (2 for money, 1 for percentages). Amounts up to Money's limit
//! (£1e12, 15 significant digits with the pennies) round-trip through f64 exactly, so the two are
//! equal to the penny or the test fails.

mod common;

use std::path::{Path, PathBuf};

use calamine::Data;
use chrono::NaiveDate;
use common::workbook::{date, sheet, xml};
use common::{demo_db, ok, run, stderr};
use rust_decimal::Decimal;

/// The demo plus: a phase whose name is a formula, a contract whose supplier is one (two
/// extension options), £25,000 paid on it in P8 and a £12.50 credit in P9.
fn pack_db() -> (tempfile::TempDir, PathBuf) {
    let (dir, db) = demo_db();
    let evil = "=HYPERLINK(\"http://x\",\"y\")";
    ok(
        &db,
        &[
            "phase",
            "add",
            "--programme",
            "WOL-DTP",
            "--code",
            "EVIL",
            "--name",
            evil,
        ],
    );
    #[rustfmt::skip]
    ok(&db, &["allocation", "add", "--programme", "WOL-DTP", "--phase", "EVIL", "--fy", "2017-18", "--amount", "1000"]);
    #[rustfmt::skip]
    ok(&db, &["contract", "add", "--reference", "C-EVIL", "--supplier", evil, "--programme", "WOL-DTP",
        "--phase", "PH2", "--value", "120000", "--start", "2017-10-01", "--term", "12",
        "--extension", "6", "--extension", "12", "--extension-due", "2018-06-30"]);
    #[rustfmt::skip]
    ok(&db, &["actual", "add", "--programme", "WOL-DTP", "--phase", "PH2", "--contract", "C-EVIL",
        "--date", "2017-11-15", "--amount", "25000"]);
    #[rustfmt::skip]
    ok(&db, &["actual", "add", "--programme", "WOL-DTP", "--phase", "ICT", "--date", "2017-12-05", "--amount=-12.50"]);
    (dir, db)
}

fn pack(db: &Path, extra: &[&str]) -> PathBuf {
    let out = db.with_file_name(format!("pack{}.xlsx", extra.len()));
    let mut args = vec!["pack", "--fy", "2017-18", "--period", "9"];
    args.extend_from_slice(extra);
    args.extend(["--xlsx", out.to_str().unwrap()]);
    let said = ok(db, &args);
    assert!(
        said.starts_with(
            "Wrote the 2017-18 P9 committee pack (sheets Summary, Monitoring, Movement, Financing, Contracts, Benefits, Milestones;"
        ),
        "{said}"
    );
    out
}

fn csv_rows(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// A workbook number as a Decimal at `places`, exactly (see the module comment).
fn exact(f: f64, places: u32) -> Decimal {
    let d = Decimal::from_str_exact(&f.to_string()).unwrap();
    assert_eq!(d.round_dp(places), d, "{f} has more than {places} places");
    d.round_dp(places)
}

/// Asserts a workbook cell holds what the CSV cell says: a number equal to the penny (or to the
/// tenth of a percent), the text without the CSV's formula-guard apostrophe, or nothing.
fn assert_same(csv: &str, cell: &Data, at: &str) {
    match cell {
        Data::Float(f) => {
            let want = Decimal::from_str_exact(csv).unwrap_or_else(|_| {
                panic!("{at}: CSV '{csv}' is not a number but the workbook has {f}")
            });
            assert_eq!(exact(*f, want.scale()), want, "{at}");
        }
        Data::String(s) => {
            let unguarded = csv
                .strip_prefix('\'')
                .filter(|r| r.starts_with(['=', '+', '-', '@', '\t', '\r']))
                .unwrap_or(csv);
            assert_eq!(s, unguarded, "{at}");
        }
        Data::Empty => assert_eq!(csv, "", "{at}"),
        other => panic!("{at}: unexpected cell {other:?} for CSV '{csv}'"),
    }
}

#[test]
fn every_monitoring_cell_equals_the_csv_to_the_penny() {
    let (_d, db) = pack_db();
    for programme in [None, Some("WOL-DTP")] {
        let mut args = vec!["report", "--fy", "2017-18", "--period", "9", "--csv", "-"];
        let mut extra = vec![];
        if let Some(p) = programme {
            args.extend(["--programme", p]);
            extra = vec!["--programme", p];
        }
        let csv = csv_rows(&ok(&db, &args));
        let xlsx = sheet(&pack(&db, &extra), "Monitoring");
        assert_eq!(xlsx.len(), csv.len(), "same rows");
        for (r, (want, got)) in csv.iter().zip(&xlsx).enumerate() {
            assert_eq!(got.len(), want.len(), "row {r} width");
            for (c, (w, g)) in want.iter().zip(got).enumerate() {
                assert_same(w, g, &format!("{programme:?} row {r} column {}", csv[0][c]));
            }
        }
    }
}

/// Asserts every cell of a sheet equals the CSV's, row for row.
fn assert_sheet_is_csv(xlsx: &[Vec<Data>], csv: &[Vec<String>], what: &str) {
    assert_eq!(xlsx.len(), csv.len(), "{what}: same rows");
    for (r, (want, got)) in csv.iter().zip(xlsx).enumerate() {
        assert_eq!(got.len(), want.len(), "{what}: row {r} width");
        for (c, (w, g)) in want.iter().zip(got).enumerate() {
            assert_same(w, g, &format!("{what} row {r} column {}", csv[0][c]));
        }
    }
}

#[test]
fn every_movement_and_financing_cell_equals_the_csv_to_the_penny() {
    let (_d, db) = pack_db();
    // Before any period is closed the Movement sheet has the bridge's header and one note row.
    let path = pack(&db, &[]);
    let movement = sheet(&path, "Movement");
    assert_eq!(movement.len(), 2);
    assert_eq!(movement[0][0], Data::String("Programme".into()));
    assert_eq!(
        movement[1][0],
        Data::String(
            "No earlier report this year: no period of 2017-18 before P9 is closed, so there is no movement to show".into()
        )
    );
    // Close P6 (the last report), then move money in P8 and P9.
    ok(
        &db,
        &[
            "period",
            "close",
            "2017-18",
            "P6",
            "--allow-missing-comments",
        ],
    );
    #[rustfmt::skip]
    ok(&db, &["change", "add", "--kind", "virement", "--amount", "1234.56", "--programme", "WOL-DTP",
        "--from-phase", "PH2", "--to-phase", "ICT", "--fy", "2017-18", "--effective", "2017-11-10",
        "--status", "approved", "--reason", "test"]);
    #[rustfmt::skip]
    ok(&db, &["change", "add", "--kind", "addition", "--amount", "50000", "--programme", "WOL-DTP",
        "--phase", "ICT", "--fy", "2017-18", "--effective", "2017-12-01", "--status", "approved",
        "--reason", "test"]);
    for programme in [None, Some("WOL-DTP"), Some("WIR-SCP")] {
        let mut extra = vec![];
        if let Some(p) = programme {
            extra = vec!["--programme", p];
        }
        let path = pack(&db, &extra);
        let mut args = vec![
            "report", "movement", "--fy", "2017-18", "--from", "P6", "--to", "P9",
        ];
        args.extend(["--csv", "-"]);
        args.extend(&extra);
        let csv = csv_rows(&ok(&db, &args));
        let movement = sheet(&path, "Movement");
        assert_sheet_is_csv(&movement, &csv, &format!("{programme:?} Movement"));
        let mut args = vec!["report", "financing", "--fy", "2017-18", "--period", "9"];
        args.extend(["--csv", "-"]);
        args.extend(&extra);
        let csv = csv_rows(&ok(&db, &args));
        assert_sheet_is_csv(
            &sheet(&path, "Financing"),
            &csv,
            &format!("{programme:?} Financing"),
        );
        if programme != Some("WIR-SCP") {
            // By hand: ICT at P6 1,000,000; + 50,000 addition + 1,234.56 virement in = 1,051,234.56.
            // PH2 3,000,000 - 1,234.56 = 2,998,765.44. The total moves by the addition only.
            let col = |name: &str| {
                movement[0]
                    .iter()
                    .position(|h| h == &Data::String(name.into()))
                    .unwrap()
            };
            assert_eq!(movement[1][1], Data::String("EVIL".into()));
            assert_eq!(movement[2][1], Data::String("ICT".into()));
            assert_eq!(movement[2][col("From")], Data::String("P6".into()));
            assert_eq!(movement[2][col("Additions")], Data::Float(50_000.0));
            assert_eq!(movement[2][col("Virements in")], Data::Float(1_234.56));
            assert_eq!(
                movement[2][col("Revised budget at to")],
                Data::Float(1_051_234.56)
            );
            assert_eq!(movement[3][col("Virements out")], Data::Float(-1_234.56));
            assert_eq!(
                movement[3][col("Revised budget at to")],
                Data::Float(2_998_765.44)
            );
            assert_eq!(movement[4][1], Data::String("Programme total".into()));
            assert_eq!(movement[4][col("Budget movement")], Data::Float(50_000.0));
        }
    }
}

#[test]
fn benefits_and_milestones_as_at_the_period_worked_by_hand() {
    let (_d, db) = demo_db();
    // An entry for P10 is after the pack's period: the P9 pack still shows the P9 entry.
    ok(
        &db,
        &[
            "benefit",
            "realise",
            "2",
            "--fy",
            "2017-18",
            "--period",
            "P10",
            "--realised",
            "45000",
        ],
    );
    let path = pack(&db, &[]);
    let benefits = sheet(&path, "Benefits");
    let b = |r: usize, c: &str| {
        let i = benefits[0]
            .iter()
            .position(|h| h == &Data::String(c.into()))
            .unwrap();
        benefits[r][i].clone()
    };
    // Benefits 3 and 4 have no 2017-18 target and no entry: left out. Benefits 1 and 2 remain.
    assert_eq!(benefits.len(), 3);
    assert_eq!(b(1, "ID"), Data::Float(1.0));
    // Benefit 1: target 150,000; entered P6: 40,000 realised + 110,000 forecast = 150,000; Green.
    assert_eq!(b(1, "Target"), Data::Float(150_000.0));
    assert_eq!(b(1, "Entered"), Data::String("P6".into()));
    assert_eq!(b(1, "Expected"), Data::Float(150_000.0));
    assert_eq!(b(1, "Variance"), Data::Float(0.0));
    assert_eq!(b(1, "RAG"), Data::String("Green".into()));
    // Benefit 2: target 50,000; entered P9 (not P10): 30,000 + 25,000 = 55,000, variance +5,000,
    // a surplus of exactly 10 % (not beyond): Green.
    assert_eq!(b(2, "ID"), Data::Float(2.0));
    assert_eq!(b(2, "Entered"), Data::String("P9".into()));
    assert_eq!(b(2, "Realised to date"), Data::Float(30_000.0));
    assert_eq!(b(2, "Further forecast"), Data::Float(25_000.0));
    assert_eq!(b(2, "Variance"), Data::Float(5_000.0));
    assert_eq!(b(2, "RAG"), Data::String("Green".into()));

    let path = pack(&db, &["--programme", "WOL-DTP"]);
    let ms = sheet(&path, "Milestones");
    let m = |r: usize, c: &str| {
        let i = ms[0]
            .iter()
            .position(|h| h == &Data::String(c.into()))
            .unwrap();
        ms[r][i].clone()
    };
    let day = |d: &Data| match d {
        Data::DateTime(x) => {
            NaiveDate::from_ymd_opt(1899, 12, 30).unwrap() + chrono::Days::new(x.as_f64() as u64)
        }
        other => panic!("not a date: {other:?}"),
    };
    // WOL-DTP's three milestones, as `milestone list` orders them: 3, 1, 2.
    assert_eq!(ms.len(), 4);
    // 3 (Wi-Fi) was completed 22/03/2018, after 31/12/2017: as at P9 it is in progress with no
    // actual and no forecast, so slippage is baseline to baseline, 0 days, Green.
    assert_eq!(m(1, "ID"), Data::Float(3.0));
    assert_eq!(m(1, "Status"), Data::String("in progress".into()));
    assert_eq!(m(1, "Actual"), Data::Empty);
    assert_eq!(m(1, "Slippage days"), Data::Float(0.0));
    assert_eq!(m(1, "RAG"), Data::String("Green".into()));
    // 1 (portal) completed 20/12/2017 against 31/12/2017: -11 days, Green.
    assert_eq!(m(2, "ID"), Data::Float(1.0));
    assert_eq!(
        day(&m(2, "Actual")),
        NaiveDate::from_ymd_opt(2017, 12, 20).unwrap()
    );
    assert_eq!(m(2, "Slippage days"), Data::Float(-11.0));
    // 2 (go-live) forecast 30/04/2018 against 31/01/2018: 28 + 31 + 30 = 89 days, Amber.
    assert_eq!(m(3, "ID"), Data::Float(2.0));
    assert_eq!(
        day(&m(3, "Baseline")),
        NaiveDate::from_ymd_opt(2018, 1, 31).unwrap()
    );
    assert_eq!(
        day(&m(3, "Forecast")),
        NaiveDate::from_ymd_opt(2018, 4, 30).unwrap()
    );
    assert_eq!(m(3, "Slippage days"), Data::Float(89.0));
    assert_eq!(m(3, "RAG"), Data::String("Amber".into()));
}

#[test]
fn summary_and_contracts_carry_the_figures_worked_by_hand() {
    let (_d, db) = pack_db();
    let path = pack(&db, &[]);
    let summary = sheet(&path, "Summary");
    let s = |r: usize, c: &str| {
        let i = summary[0]
            .iter()
            .position(|h| h == &Data::String(c.into()))
            .unwrap();
        summary[r][i].clone()
    };
    // One programme has figures in 2017-18 (WOL-DTP: EVIL, ICT, PH2, all Amber); WIR-SCP has none.
    assert_eq!(summary.len(), 3);
    assert_eq!(s(1, "Programme"), Data::String("WOL-DTP".into()));
    assert_eq!(s(1, "Phases"), Data::Float(3.0));
    assert_eq!(s(1, "Amber"), Data::Float(3.0));
    assert_eq!(s(1, "Red"), Data::Float(0.0));
    // C-EVIL is WOL-DTP's only contract.
    assert_eq!(s(1, "Contracts"), Data::Float(1.0));
    // Revised: 1,000 + 1,000,000 + 3,000,000; actual to date 0 + (212,400 - 12.50) + 445,000.
    assert_eq!(s(1, "Revised budget"), Data::Float(4_001_000.0));
    assert_eq!(s(1, "Actual to date"), Data::Float(657_387.5));
    assert_eq!(s(1, "RAG"), Data::String("Amber".into()));
    assert_eq!(s(2, "Programme"), Data::String("Grand total".into()));
    assert_eq!(s(2, "Contracts"), Data::Float(1.0));

    let contracts = sheet(&path, "Contracts");
    let k = |r: usize, c: &str| {
        let i = contracts[0]
            .iter()
            .position(|h| h == &Data::String(c.into()))
            .unwrap();
        contracts[r][i].clone()
    };
    // By reference: C-EVIL, its second option on its own row, WIR-MS-2022-001, the total.
    assert_eq!(contracts.len(), 5);
    // The supplier is text, not a formula.
    assert_eq!(
        k(1, "Supplier"),
        Data::String("=HYPERLINK(\"http://x\",\"y\")".into())
    );
    // £120,000 over 12 months from October 2017 is £10,000 a month; to 31 March 2018 six months,
    // £60,000, less £25,000 paid by the end of P9: £35,000 committed in 2017-18.
    assert_eq!(k(1, "Value"), Data::Float(120_000.0));
    assert_eq!(k(1, "Paid to date"), Data::Float(25_000.0));
    assert_eq!(k(1, "Committed in year"), Data::Float(35_000.0));
    assert_eq!(k(1, "Term (months)"), Data::Float(12.0));
    assert_eq!(
        date(&k(1, "Start")),
        NaiveDate::from_ymd_opt(2017, 10, 1).unwrap()
    );
    assert_eq!(
        date(&k(1, "End")),
        NaiveDate::from_ymd_opt(2018, 9, 30).unwrap()
    );
    assert_eq!(k(1, "Option (months)"), Data::Float(6.0));
    assert_eq!(
        date(&k(1, "Option decision due")),
        NaiveDate::from_ymd_opt(2018, 6, 30).unwrap()
    );
    assert_eq!(k(2, "Reference"), Data::String("C-EVIL".into()));
    assert_eq!(k(2, "Option (months)"), Data::Float(12.0));
    assert_eq!(k(2, "Value"), Data::Empty);
    // The Wirral call-off: G-Cloud 12 ends 27/09/2022; as at 2017-18 P9 nothing is paid, and its
    // profile starts in 2022-23, so it commits nothing in 2017-18.
    assert_eq!(k(3, "Reference"), Data::String("WIR-MS-2022-001".into()));
    assert_eq!(k(3, "Value"), Data::Float(1_378_513.09));
    assert_eq!(
        date(&k(3, "Framework end")),
        NaiveDate::from_ymd_opt(2022, 9, 27).unwrap()
    );
    assert_eq!(k(3, "Committed in year"), Data::Float(0.0));
    // Total: 120,000 + 1,378,513.09; committed 35,000, the report's grand-total commitments.
    assert_eq!(k(4, "Programme"), Data::String("Grand total".into()));
    assert_eq!(k(4, "Value"), Data::Float(1_498_513.09));
    assert_eq!(k(4, "Committed in year"), Data::Float(35_000.0));
}

#[test]
fn the_workbook_is_formatted_for_print_and_filtering() {
    let (_d, db) = pack_db();
    let path = pack(&db, &[]);
    let styles = xml(&path, "xl/styles.xml");
    assert!(
        styles.contains("formatCode=\"£#,##0.00;[Red](£#,##0.00)\""),
        "{styles}"
    );
    assert!(
        styles.contains("formatCode=\"0.0&quot;%&quot;\""),
        "{styles}"
    );
    assert!(styles.contains("formatCode=\"dd/mm/yyyy\""), "{styles}");
    // Every row is Amber at P9: the amber fill is there, carrying the word (the red and green
    // fills are checked in the writer's unit test).
    assert!(styles.contains("FFFFEB9C"), "{styles}");
    let book = xml(&path, "xl/workbook.xml");
    let names: Vec<&str> = book
        .match_indices("<sheet name=\"")
        .map(|(i, _)| &book[i + 13..i + 20])
        .collect();
    assert_eq!(
        names,
        [
            "Summary", "Monitor", "Movemen", "Financi", "Contrac", "Benefit", "Milesto"
        ]
    );
    for n in 1..=7 {
        let ws = xml(&path, &format!("xl/worksheets/sheet{n}.xml"));
        assert!(ws.contains("state=\"frozen\""), "sheet{n} frozen");
        assert!(ws.contains("<autoFilter ref=\"A1:"), "sheet{n} filtered");
        assert!(ws.contains("paperSize=\"9\""), "sheet{n} A4");
        assert!(
            ws.contains("orientation=\"landscape\""),
            "sheet{n} landscape"
        );
        // Printed at 80 %, never shrunk to one page wide (tests/pack_print.rs has the rest).
        assert!(ws.contains("scale=\"80\""), "sheet{n} at 80 %");
        assert!(!ws.contains("fitToPage"), "sheet{n} not fitted to a page");
        assert!(
            ws.contains("2017-18 P9&amp;Ras at 31/12/2017"),
            "sheet{n} header"
        );
        assert!(!ws.contains("<f>"), "sheet{n} has no formula");
    }
    // Total rows bold: the Monitoring grand total's money cells use another style than a phase's.
    let ws = xml(&path, "xl/worksheets/sheet2.xml");
    let style_of = |cell: &str| {
        let tag = format!("<c r=\"{cell}\" s=\"");
        let i = ws.find(&tag).unwrap() + tag.len();
        ws[i..].split('"').next().unwrap().to_string()
    };
    assert_ne!(style_of("F2"), style_of("F6"));
    assert_eq!(
        style_of("F5"),
        style_of("F6"),
        "programme and grand total alike"
    );
    // The same on the Financing sheet (EVIL, ICT, PH2, the programme total, the grand total):
    // its Revised budget column is F.
    let ws = xml(&path, "xl/worksheets/sheet4.xml");
    let style_of = |cell: &str| {
        let tag = format!("<c r=\"{cell}\" s=\"");
        let i = ws.find(&tag).unwrap() + tag.len();
        ws[i..].split('"').next().unwrap().to_string()
    };
    assert_eq!(style_of("F2"), style_of("F4"), "phase rows alike");
    assert_ne!(style_of("F2"), style_of("F5"), "the total row is bold");
    assert_eq!(style_of("F5"), style_of("F6"));
}

#[test]
fn the_same_database_gives_the_same_bytes() {
    let (_d, db) = pack_db();
    let first = std::fs::read(pack(&db, &[])).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let second = std::fs::read(pack(&db, &[])).unwrap();
    assert!(first == second, "two packs of the same database differ");
}

#[test]
fn refused_outputs_name_the_option_and_change_nothing() {
    let (dir, db) = pack_db();
    let folder = dir.path().join("a-folder");
    std::fs::create_dir(&folder).unwrap();
    let o = run(
        &db,
        &[
            "pack",
            "--fy",
            "2017-18",
            "--period",
            "9",
            "--xlsx",
            folder.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--xlsx:") && stderr(&o).contains("is a folder"),
        "{}",
        stderr(&o)
    );
    let missing = dir.path().join("nope/p.xlsx");
    let o = run(
        &db,
        &[
            "pack",
            "--fy",
            "2017-18",
            "--period",
            "9",
            "--xlsx",
            missing.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--xlsx: ") && stderr(&o).contains("the folder"),
        "{}",
        stderr(&o)
    );
    let o = run(
        &db,
        &[
            "pack", "--fy", "2017-18", "--period", "13", "--xlsx", "x.xlsx",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--period: '13'"), "{}", stderr(&o));
    let o = run(
        &db,
        &[
            "pack",
            "--fy",
            "2017-18",
            "--period",
            "9",
            "--programme",
            "NOPE",
            "--xlsx",
            "x.xlsx",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--programme"), "{}", stderr(&o));
    // Nothing but the folder and the database files were left.
    let mut left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert!(
        left.iter()
            .all(|f| f == "a-folder" || f.starts_with("x.db")),
        "{left:?}"
    );
}

/// The counts the pack refuses a sheet past Excel's row limit by, before reading the records,
/// are the rows the sheets get: C-EVIL (two options: a row more) and the Wirral call-off and the
/// total on Contracts; the demo's benefits with a 2017-18 target (PH2's and ICT's); its five
/// milestones.
#[test]
fn the_row_counts_checked_before_reading_are_the_sheets_rows() {
    let (_d, db) = pack_db();
    let path = pack(&db, &[]);
    let conn = outturn::store::open(&db).unwrap();
    let (fy, p) = (
        outturn::domain::FinancialYear::parse("2017-18").unwrap(),
        outturn::domain::Period::parse("9").unwrap(),
    );
    let c = outturn::store::pack::line_counts(&conn, fy, p, None).unwrap();
    assert_eq!((c.contracts, c.further_options), (2, 1));
    assert_eq!(sheet(&path, "Contracts").len() - 1, 2 + 1 + 1);
    assert_eq!(c.benefits, 2);
    assert_eq!(sheet(&path, "Benefits").len() - 1, c.benefits);
    assert_eq!(c.milestones, 5);
    assert_eq!(sheet(&path, "Milestones").len() - 1, c.milestones);
}

/// Issue 26 item 21: a `pack` killed while writing leaves `.pack.xlsx.partial-PID` beside its
/// target (a process that is gone; 4194304 is above Linux's largest PID); the next `pack` into
/// that folder removes it, and a partial of a process still running is left alone.
#[test]
fn a_killed_packs_partial_file_is_removed_by_the_next_pack() {
    let (dir, db) = demo_db();
    let stale = dir.path().join(".pack0.xlsx.partial-4194304");
    std::fs::write(&stale, b"PK\x03\x04 half a workbook").unwrap();
    let live = dir
        .path()
        .join(format!(".other.xlsx.partial-{}", std::process::id()));
    std::fs::write(&live, b"being written").unwrap();
    let path = pack(&db, &[]);
    assert!(!stale.exists(), "the killed pack's partial file is gone");
    assert!(live.exists(), "a running process's partial file stays");
    assert!(sheet(&path, "Summary").len() > 1);
}

#[test]
fn libreoffice_opens_the_demo_pack_and_reads_the_same_cells() {
    let Some(office) = common::workbook::soffice("the LibreOffice check of the pack") else {
        return;
    };
    let (dir, db) = demo_db();
    let path = pack(&db, &[]);
    let out = dir.path().join("converted");
    common::workbook::convert(
        office,
        dir.path(),
        &path,
        "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
        &out,
    );
    let csv = csv_rows(&ok(
        &db,
        &["report", "--fy", "2017-18", "--period", "9", "--csv", "-"],
    ));
    // Recent versions write one file per sheet (pack0-Monitoring.csv); older ones the first only.
    let per_sheet = out.join("pack0-Monitoring.csv");
    if !per_sheet.exists() {
        // The first sheet only: Summary, whose WOL-DTP row carries the programme's total.
        let summary = csv_rows(&std::fs::read_to_string(out.join("pack0.csv")).unwrap());
        assert_eq!(summary[0][..2], ["Programme", "Programme name"]);
        assert_eq!(summary[1][0], "WOL-DTP");
        println!("NOTICE: this LibreOffice converts the first sheet only; Monitoring not compared");
        return;
    }
    let financing = csv_rows(&ok(
        &db,
        &[
            "report",
            "financing",
            "--fy",
            "2017-18",
            "--period",
            "9",
            "--csv",
            "-",
        ],
    ));
    for (name, ours) in [("Monitoring", csv), ("Financing", financing)] {
        let file = out.join(format!("pack0-{name}.csv"));
        let theirs = csv_rows(&std::fs::read_to_string(&file).unwrap());
        assert_eq!(theirs.len(), ours.len(), "{name}");
        for (r, (w, g)) in ours.iter().zip(&theirs).enumerate() {
            for (c, (w, g)) in w.iter().zip(g).enumerate() {
                // LibreOffice writes raw numbers without trailing zeros (1000000, 14): compare as
                // decimals when the CSV's cell is a number, as text otherwise.
                match (Decimal::from_str_exact(w), Decimal::from_str_exact(g)) {
                    (Ok(a), Ok(b)) => assert_eq!(a, b, "{name} row {r} column {c}"),
                    _ => assert_eq!(w, g, "{name} row {r} column {c}"),
                }
            }
        }
    }
}

#[test]
fn the_tui_export_writes_the_pack_for_an_xlsx_path_and_the_csv_otherwise() {
    use outturn::domain::{FinancialYear, Period};
    use outturn::tui::effects::{export, is_workbook};
    let (dir, db) = demo_db();
    let conn = outturn::store::open(&db).unwrap();
    let (fy, p) = (
        FinancialYear::parse("2017-18").unwrap(),
        Period::parse("9").unwrap(),
    );
    assert!(is_workbook(Path::new("pack.XLSX")) && !is_workbook(Path::new("pack.csv")));
    let xlsx = dir.path().join("outturn-2017-18-P9.xlsx");
    // WOL-DTP's ICT and PH2, its total and the grand total: 4 report rows.
    assert_eq!(export(&conn, &xlsx, fy, p).unwrap(), 4);
    let monitoring = sheet(&xlsx, "Monitoring");
    assert_eq!(monitoring.len(), 5);
    assert_eq!(monitoring[4][1], Data::String("Grand total".into()));
    let csv = dir.path().join("outturn-2017-18-P9.csv");
    assert_eq!(export(&conn, &csv, fy, p).unwrap(), 4);
    assert!(
        std::fs::read_to_string(&csv)
            .unwrap()
            .starts_with("Programme,Phase,")
    );
}
