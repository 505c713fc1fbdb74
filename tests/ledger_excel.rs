//! Ledger extracts that come as Excel workbooks (issue 24): the same profiles and rules as a
//! CSV, the sheet's row numbers in messages, money cells held as binary floating point read
//! through their shortest decimal and refused where that is not whole pence, date cells and
//! Excel serial days. The workbooks are written here with rust_xlsxwriter, as Excel would save
//! them. Budgets and funding lines read the same way. Totals worked by hand in the comments.

mod common;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use common::books::two_phases;
use common::ledger::{add_oracle_profile, add_sap_profile, batch_profiles, edit_profile, fixture};
use common::{ok, run, snapshot, stderr, stdout};
use rust_xlsxwriter::{Format, Formula, Workbook};

/// A cell as Excel holds it.
#[derive(Clone, Copy)]
enum C<'a> {
    /// Text.
    S(&'a str),
    /// A number (binary floating point, as Excel keeps every number).
    N(f64),
    /// A date cell (a serial day shown with a date format).
    D(i32, u32, u32),
    /// A formula and the result Excel saved with it (`#N/A`: an error).
    F(&'a str, &'a str),
    /// Nothing.
    E,
}

/// Writes `sheets` (name, rows) to a workbook at `path`.
fn workbook(path: &Path, sheets: &[(&str, Vec<Vec<C>>)]) {
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    for (name, rows) in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match *cell {
                    C::S(s) => {
                        sheet.write_string(r, c, s).unwrap();
                    }
                    C::N(n) => {
                        sheet.write_number(r, c, n).unwrap();
                    }
                    C::D(y, m, d) => {
                        let day = NaiveDate::from_ymd_opt(y, m, d).unwrap();
                        sheet.write_datetime_with_format(r, c, day, &date).unwrap();
                    }
                    C::F(formula, result) => {
                        let f = Formula::new(formula).set_result(result);
                        sheet.write_formula(r, c, f).unwrap();
                    }
                    C::E => {}
                }
            }
        }
    }
    book.save(path).unwrap();
}

const UNIT4_HEADER: [C; 7] = [
    C::S("Trans Date"),
    C::S("Cost Centre"),
    C::S("Project"),
    C::S("Supplier Name"),
    C::S("Narrative"),
    C::S("Voucher No"),
    C::S("Net (£)"),
];

/// A Unit4 extract saved as a workbook: a title row, the header on row 2, date cells, codes as
/// text and as a number, money as floats. The `amounts` go on rows 3 to 7.
fn unit4_rows(amounts: [C<'static>; 5], dates: [C<'static>; 5]) -> Vec<Vec<C<'static>>> {
    let codes = [
        (C::S("CC100"), "PRJ7", "Resurfacing"),
        (C::S("CC200"), "PRJ8", "Lighting"),
        (C::S("CC200"), "PRJ8", "Drainage"),
        (C::S("CC100"), "PRJ7", "Credit: overcharge"),
        (C::N(300.0), "PRJ9", "Kerbs"),
    ];
    let mut rows = vec![
        vec![C::S("Capital transactions, period 9")],
        UNIT4_HEADER.to_vec(),
    ];
    for (i, ((cc, project, text), (amount, date))) in codes
        .into_iter()
        .zip(amounts.into_iter().zip(dates))
        .enumerate()
    {
        let voucher: &'static str = ["V2001", "V2002", "V2003", "V2004", "V2005"][i];
        rows.push(vec![
            date,
            cc,
            C::S(project),
            C::S("Acme Ltd"),
            C::S(text),
            C::S(voucher),
            amount,
        ]);
    }
    rows
}

const UNIT4_DATES: [C; 5] = [
    C::D(2024, 12, 3),
    C::D(2024, 12, 4),
    C::D(2024, 12, 5),
    C::D(2024, 12, 6),
    C::S("09-DEC-2024"),
];

/// The database with the Unit4 profile (code columns, dd-mon-yyyy) and its code map.
fn unit4_books(name: &str) -> (tempfile::TempDir, PathBuf) {
    let (dir, db) = two_phases(name, ["£10,000", "£10,000"]);
    ok(
        &db,
        &[
            "import",
            "profile",
            "add",
            "unit4",
            "--map",
            "Trans Date=Date,Supplier Name=Supplier,Narrative=Description,Voucher No=Reference,\
             Net (£)=Amount",
            "--code-columns",
            "Cost Centre,Project",
            "--date-format",
            "dd-mon-yyyy",
        ],
    );
    for (code, phase) in [
        ("CC100+PRJ7", "P/A"),
        ("CC200+PRJ8", "P/B"),
        ("300+PRJ9", "P/A"),
    ] {
        ok(&db, &["import", "codes", "add", code, phase]);
    }
    (dir, db)
}

fn import(db: &Path, file: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["import", "actuals", file.to_str().unwrap()];
    args.extend_from_slice(extra);
    run(db, &args)
}

#[test]
fn a_unit4_workbook_with_a_title_row_and_float_money_imports_to_the_penny() {
    let (dir, db) = unit4_books("x1.db");
    let path = dir.path().join("unit4-period9.xlsx");
    let amounts = [
        C::N(500.0),
        C::N(120.1),
        C::N(75.35),
        C::N(-50.0),
        C::N(1234.56),
    ];
    let notes = vec![vec![C::S("Nothing to import here")]];
    workbook(
        &path,
        &[
            ("Extract", unit4_rows(amounts, UNIT4_DATES)),
            ("Notes", notes),
        ],
    );
    let o = import(&db, &path, &["--profile", "unit4"]);
    let out = stdout(&o);
    assert!(o.status.success(), "{}", stderr(&o));
    // A: 500.00 - 50.00 + 1,234.56 (cost centre 300, a number cell) = 1,684.56;
    // B: 120.10 + 75.35 = 195.45; total 1,880.01.
    assert!(
        out.contains("Imported 5 rows from unit4-period9.xlsx as batch 1: total £1,880.01."),
        "{out}"
    );
    assert!(
        out.contains("£1,684.56") && out.contains("£195.45"),
        "{out}"
    );
    let list = ok(&db, &["actual", "list", "--format", "csv"]);
    // The date cells are the days they show; the text date is read in the profile's format.
    for day in ["2024-12-03", "2024-12-06", "2024-12-09"] {
        assert!(list.contains(day), "{day}: {list}");
    }
    assert!(list.contains("120.10") && list.contains("-50.00"), "{list}");
    let batches = ok(&db, &["import", "list", "--format", "csv"]);
    assert!(
        batches.contains("unit4"),
        "the batch names its profile: {batches}"
    );
    // The same workbook again is the same file: refused.
    let o = import(&db, &path, &["--profile", "unit4"]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
}

#[test]
fn bad_cells_of_a_workbook_are_named_by_sheet_row_and_column_and_nothing_is_written() {
    let (dir, db) = unit4_books("x2.db");
    let path = dir.path().join("bad.xlsx");
    // Row 3: 12.345 is not whole pence. Row 4: 0.1 + 0.2 held as a float is
    // 0.30000000000000004, not 0.30. Row 5: a text date in another format. Row 6: fine.
    // Row 7: fine (0.1 + 0.7 is not 0.8 but 0.7999999999999999: refused too).
    let amounts = [
        C::N(12.345),
        C::N(0.1 + 0.2),
        C::N(10.0),
        C::N(0.3),
        C::N(0.1 + 0.7),
    ];
    let mut dates = UNIT4_DATES;
    dates[2] = C::S("2024-12-05");
    let mut rows = unit4_rows(amounts, dates);
    // Row 8: a lookup that failed in the workbook.
    let mut lookup = rows[2].clone();
    lookup[5] = C::S("V2006");
    lookup[6] = C::F("=VLOOKUP(A1,Rates!A:B,2,FALSE)", "#N/A");
    rows.push(lookup);
    workbook(&path, &[("Extract", rows)]);
    let before = snapshot(&db);
    let o = import(&db, &path, &["--profile", "unit4"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines,
        [
            "line 3, column Amount: '12.345' has more than two decimal places: amounts are exact \
             to the penny, e.g. 12.34",
            "line 4, column Amount: '0.30000000000000004' has more than two decimal places: \
             amounts are exact to the penny, e.g. 12.34",
            "line 5, column Date: '2024-12-05' is not a date in the profile's format dd-mon-yyyy",
            "line 7, column Amount: '0.7999999999999999' has more than two decimal places: \
             amounts are exact to the penny, e.g. 12.34",
            "line 8, column Amount: '#N/A' is an error in the workbook: correct the cell's \
             formula and import the file again",
            "5 problems in the file: nothing was imported; correct the rows and import the file \
             again",
        ],
        "{err}"
    );
    assert_eq!(snapshot(&db), before, "a refused workbook changes nothing");
}

#[test]
fn a_named_sheet_debit_and_credit_and_excel_serial_days() {
    let (dir, db) = two_phases("x3.db", ["£20,000", "£20,000"]);
    add_oracle_profile(&db, &["--date-format", "excel", "--amount", "debit-credit"]);
    let header = vec![
        C::S("Accounting Date"),
        C::S("Project"),
        C::S("Vendor"),
        C::S("Line Description"),
        C::S("Journal"),
        C::S("Entered Dr"),
        C::S("Entered Cr"),
    ];
    let line = |date: C<'static>, project, journal, dr: C<'static>, cr: C<'static>| {
        vec![
            date,
            C::S(project),
            C::S("Build Co"),
            C::S("Works"),
            C::S(journal),
            dr,
            cr,
        ]
    };
    // 45629 is 03/12/2024 (days since 30/12/1899); a date cell reads as its day too.
    let gl = vec![
        header,
        line(C::N(45629.0), "A", "J-1", C::N(10000.0), C::E),
        line(C::D(2024, 12, 4), "B", "J-2", C::N(2500.5), C::E),
        line(C::N(45635.0), "A", "J-3", C::E, C::N(125.25)),
        line(C::N(45635.0), "B", "J-4", C::N(40.0), C::N(15.0)),
    ];
    let path = dir.path().join("gl.xlsx");
    workbook(
        &path,
        &[
            ("Summary", vec![vec![C::S("Total"), C::N(1.0)]]),
            ("GL lines", gl),
        ],
    );
    let before = snapshot(&db);
    // The first sheet is not the extract.
    let o = import(&db, &path, &["--profile", "oracle"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no line within the first 20 holds every column"),
        "{}",
        stderr(&o)
    );
    let o = import(&db, &path, &["--profile", "oracle", "--sheet", "Ledger"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("has no sheet 'Ledger': its sheets are 'Summary', 'GL lines'"),
        "{}",
        stderr(&o)
    );
    // Row 5 holds both a debit and a credit: refused with its row and column.
    let o = import(&db, &path, &["--profile", "oracle", "--sheet", "GL lines"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(
            "line 5, column Credit: Debit '40' and Credit '15' are both filled: leave one empty"
        ),
        "{}",
        stderr(&o)
    );
    assert_eq!(snapshot(&db), before);
    edit_profile(&db, "oracle", &["--amount", "debit-credit-net"]);
    let o = import(&db, &path, &["--profile", "oracle", "--sheet", "GL lines"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // A: 10,000.00 - 125.25 = 9,874.75; B: 2,500.50 + (40.00 - 15.00) = 2,525.50;
    // total 12,400.25.
    let out = stdout(&o);
    assert!(out.contains("total £12,400.25."), "{out}");
    assert!(
        out.contains("£9,874.75") && out.contains("£2,525.50"),
        "{out}"
    );
    let list = ok(&db, &["actual", "list", "--format", "csv"]);
    assert!(
        list.contains("2024-12-03") && list.contains("2024-12-04") && list.contains("2024-12-09"),
        "{list}"
    );
}

#[test]
fn a_sheet_on_a_csv_is_refused() {
    let (dir, db) = two_phases("x4.db", ["£1", "£1"]);
    let path = dir.path().join("a.csv");
    std::fs::write(
        &path,
        "Date,Phase,Supplier,Description,Reference,Amount\n01/12/2024,A,S,D,R1,1.00\n",
    )
    .unwrap();
    let o = import(&db, &path, &["--sheet", "Sheet1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("is not an Excel workbook (a CSV has no sheets)"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn budgets_and_funding_read_a_profile_a_title_line_and_a_workbook() {
    let (dir, db) = two_phases("x5.db", ["£1,000", "£1,000"]);
    ok(
        &db,
        &[
            "import",
            "profile",
            "add",
            "plan",
            "--map",
            "Scheme=Phase,Year=Financial year,Value=Amount",
        ],
    );
    // Budgets from a workbook with a title row; money as floats, the year as text.
    let path = dir.path().join("budgets.xlsx");
    let rows = vec![
        vec![C::S("Capital budget 2025-26, approved by Cabinet")],
        vec![C::E],
        vec![
            C::S("Programme"),
            C::S("Scheme"),
            C::S("Year"),
            C::S("Value"),
        ],
        vec![C::S("P"), C::S("A"), C::S("2025-26"), C::N(15000.5)],
        vec![C::S("P"), C::S("B"), C::S("2025-26"), C::N(2500.25)],
    ];
    workbook(&path, &[("Budget", rows)]);
    let o = run(
        &db,
        &[
            "import",
            "budgets",
            path.to_str().unwrap(),
            "--profile",
            "plan",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    // 15,000.50 + 2,500.25 = 17,500.75.
    assert!(stdout(&o).contains("total £17,500.75"), "{}", stdout(&o));
    // A bad float in a budgets workbook is named by its row.
    let bad = dir.path().join("bad-budgets.xlsx");
    let rows = vec![
        vec![
            C::S("Programme"),
            C::S("Phase"),
            C::S("Financial year"),
            C::S("Amount"),
        ],
        vec![C::S("P"), C::S("A"), C::S("2026-27"), C::N(0.1 + 0.2)],
    ];
    workbook(&bad, &[("Budget", rows)]);
    let o = run(&db, &["import", "budgets", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("line 2, column Amount: '0.30000000000000004' has more than two"),
        "{}",
        stderr(&o)
    );
    // Funding lines from a CSV with a title line, read with the same profile.
    let funding = dir.path().join("funding.csv");
    std::fs::write(
        &funding,
        "Funding plan 2024-25\n\
         Programme,Scheme,Year,Source,Value\n\
         P,A,2024-25,grant,\"1,000.00\"\n\
         P,B,2024-25,Capital Receipts,40.50\n",
    )
    .unwrap();
    let o = run(
        &db,
        &[
            "import",
            "funding",
            funding.to_str().unwrap(),
            "--profile",
            "plan",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    // 1,000.00 + 40.50 = 1,040.50.
    assert!(stdout(&o).contains("total £1,040.50"), "{}", stdout(&o));
    assert_eq!(
        batch_profiles(&db),
        [Some("plan".to_string()), Some("plan".to_string())]
    );
}

#[test]
fn the_sap_fixture_as_a_workbook_imports_as_its_csv_does() {
    // tests/fixtures/ledgers/sap_fbl3n.csv written as Excel would hold it: the title rows, a
    // blank row, the header, dates as text (`dd.mm.yyyy`, as SAP writes them), document
    // numbers as numbers, and the amounts as floats (credits negative).
    let header = [
        "Posting Date",
        "Document Number",
        "Document Type",
        "Cost Center",
        "WBS Element",
        "Vendor",
        "Text",
        "Amount in Local Currency",
        "LCurr",
    ]
    .map(C::S)
    .to_vec();
    let line = |date, doc: f64, kind, cc, wbs, vendor, text, amount: f64| {
        [
            C::S(date),
            C::N(doc),
            C::S(kind),
            C::S(cc),
            C::S(wbs),
            C::S(vendor),
            C::S(text),
            C::N(amount),
            C::S("GBP"),
        ]
        .to_vec()
    };
    let rows = vec![
        vec![C::S("G/L Account Line Item Display")],
        vec![C::S(
            "Company Code 1000  G/L Account 450000 Capital works in progress",
        )],
        vec![C::E],
        header,
        line(
            "04.11.2024",
            5100001234.0,
            "KR",
            "CC4410",
            "P-0101-01",
            "Acme Ltd",
            "Resurfacing stage 1",
            12500.0,
        ),
        line(
            "11.11.2024",
            5100001240.0,
            "KR",
            "CC4420",
            "P-0102-03",
            "Bright Lights plc",
            "Column replacement",
            3210.45,
        ),
        line(
            "18.11.2024",
            5100001251.0,
            "KG",
            "CC4410",
            "P-0101-01",
            "Acme Ltd",
            "Credit memo: overcharge",
            -1250.0,
        ),
        line(
            "25.11.2024",
            100004567.0,
            "SA",
            "CC4420",
            "P-0102-03",
            "",
            "Accrual reversal",
            -210.45,
        ),
    ];
    let totals = |file: &Path, db: &Path| {
        add_sap_profile(db);
        let o = import(db, file, &["--profile", "sap"]);
        assert!(o.status.success(), "{}", stderr(&o));
        let list = ok(db, &["actual", "list", "--format", "csv"]);
        let amounts: Vec<String> = list
            .lines()
            .skip(1)
            .map(|l| l.rsplit(',').next().unwrap().to_string())
            .collect();
        (
            stdout(&o).lines().skip(1).collect::<Vec<_>>().join("\n"),
            amounts,
        )
    };
    let (dir, xlsx_db) = two_phases("sapx.db", ["£20,000", "£20,000"]);
    let path = dir.path().join("sap_fbl3n.xlsx");
    workbook(&path, &[("Sheet1", rows)]);
    let (from_xlsx, xlsx_amounts) = totals(&path, &xlsx_db);
    let (_dir2, csv_db) = two_phases("sapc.db", ["£20,000", "£20,000"]);
    let (from_csv, csv_amounts) = totals(&fixture("sap_fbl3n.csv"), &csv_db);
    // A: 12,500.00 - 1,250.00 = 11,250.00; B: 3,210.45 - 210.45 = 3,000.00; total 14,250.00.
    assert!(
        from_xlsx.contains("£11,250.00") && from_xlsx.contains("£14,250.00"),
        "{from_xlsx}"
    );
    assert_eq!(from_xlsx, from_csv);
    assert_eq!(xlsx_amounts, csv_amounts);
    let list = ok(&xlsx_db, &["actual", "list", "--format", "csv"]);
    assert!(
        list.contains("5100001251"),
        "a document number held as a number: {list}"
    );
}
