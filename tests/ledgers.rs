//! Ledger extracts as councils' systems export them, read with saved import profiles: a title
//! line above the header, Windows-1252 and CRLF, named date formats, Debit and Credit columns.
//! Totals are worked by hand in tests/fixtures/ledgers/README.md.

mod common;

use std::path::{Path, PathBuf};

use common::books::two_phases;
use common::ledger::{add_oracle_profile, add_sap_profile, batch_profiles, edit_profile, fixture};
use common::{ok, run, snapshot, stderr};

fn ledger(name: &str) -> PathBuf {
    fixture(name)
}

fn import(db: &Path, file: &str, profile: &str) -> std::process::Output {
    let file = ledger(file);
    run(
        db,
        &[
            "import",
            "actuals",
            file.to_str().unwrap(),
            "--profile",
            profile,
        ],
    )
}

#[test]
fn a_unit4_extract_with_a_title_line_imports_with_its_profile() {
    let (_dir, db) = two_phases("u4.db", ["£10,000", "£10,000"]);
    // Without a profile the title line is refused as the header.
    let o = run(
        &db,
        &[
            "import",
            "actuals",
            ledger("unit4_period8.csv").to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("line 1: the header has no"),
        "{}",
        stderr(&o)
    );
    ok(
        &db,
        &[
            "import",
            "profile",
            "add",
            "unit4",
            "--map",
            "Trans Date=Date,Capital Scheme=Phase,Supplier Name=Supplier,Narrative=Description,\
             Voucher No=Reference,Net (£)=Amount",
            "--header",
            "find",
            "--encoding",
            "windows-1252",
            "--date-format",
            "dd-mon-yyyy",
        ],
    );
    let list = ok(&db, &["import", "profile", "list"]);
    assert!(
        list.contains("unit4") && list.contains("dd-mon-yyyy"),
        "{list}"
    );
    let o = import(&db, "unit4_period8.csv", "unit4");
    let out = common::stdout(&o);
    assert!(o.status.success(), "{}", stderr(&o));
    // A: 1,250.00 - 200.00 = 1,050.00; B: 310.45; total 1,360.45.
    assert!(
        out.contains("Imported 3 rows from unit4_period8.csv as batch 1: total £1,360.45."),
        "{out}"
    );
    assert!(out.contains("1,050.00") && out.contains("310.45"), "{out}");
    assert_eq!(batch_profiles(&db), vec![Some("unit4".to_string())]);
    let actuals = ok(&db, &["actual", "list", "--format", "csv"]);
    assert!(actuals.contains("Café Supplies"), "{actuals}");
    assert!(
        actuals.contains("2024-11-05") || actuals.contains("05/11/2024"),
        "{actuals}"
    );
}

#[test]
fn debit_and_credit_both_filled_is_refused_with_its_line_unless_the_profile_nets_them() {
    let (_dir, db) = two_phases("gl.db", ["£20,000", "£20,000"]);
    add_oracle_profile(
        &db,
        &[
            "--header",
            "0",
            "--date-format",
            "yyyy-mm-dd",
            "--amount",
            "debit-credit",
        ],
    );
    let before = snapshot(&db);
    let o = import(&db, "oracle_gl_both_filled.csv", "oracle");
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("line 5, column Credit: Debit '40.00' and Credit '15.00' are both filled"),
        "{err}"
    );
    assert_eq!(snapshot(&db), before, "a refused file changes nothing");
    edit_profile(&db, "oracle", &["--amount", "debit-credit-net"]);
    // 10,000.00 + 2,500.50 - 125.25 + (40.00 - 15.00) = 12,400.25.
    let o = import(&db, "oracle_gl_both_filled.csv", "oracle");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        common::stdout(&o).contains("total £12,400.25."),
        "{}",
        common::stdout(&o)
    );
    assert_eq!(batch_profiles(&db), vec![Some("oracle".to_string())]);
}

#[test]
fn debit_less_credit_imports_to_the_penny_and_a_wrong_date_format_is_named() {
    let (_dir, db) = two_phases("gl2.db", ["£20,000", "£20,000"]);
    add_oracle_profile(
        &db,
        &["--date-format", "dd/mm/yyyy", "--amount", "debit-credit"],
    );
    let before = snapshot(&db);
    let o = import(&db, "oracle_gl_lines.csv", "oracle");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(
            "line 2, column Date: '2024-10-01' is not a date in the profile's format dd/mm/yyyy"
        ),
        "{}",
        stderr(&o)
    );
    assert_eq!(snapshot(&db), before);
    edit_profile(&db, "oracle", &["--date-format", "yyyy-mm-dd"]);
    let o = import(&db, "oracle_gl_lines.csv", "oracle");
    let out = common::stdout(&o);
    assert!(o.status.success(), "{}", stderr(&o));
    // A: 10,000.00 - 125.25 = 9,874.75; B: 2,500.50; total 12,375.25.
    assert!(out.contains("total £12,375.25."), "{out}");
    assert!(
        out.contains("9,874.75") && out.contains("2,500.50"),
        "{out}"
    );
}

#[test]
fn profiles_are_audited_and_an_unknown_one_is_named() {
    let (_dir, db) = two_phases("p.db", ["£1", "£1"]);
    ok(
        &db,
        &["import", "profile", "add", "sap", "--amount", "sign-column"],
    );
    ok(
        &db,
        &["import", "profile", "edit", "sap", "--rename", "sap-fbl3n"],
    );
    ok(&db, &["import", "profile", "delete", "sap-fbl3n"]);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let actions: Vec<String> = conn
        .prepare("SELECT action FROM audit WHERE entity = 'import_profile' ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(actions, ["add", "edit", "delete"]);
    let o = import(&db, "oracle_gl_lines.csv", "nobody");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no import profile 'nobody'"),
        "{}",
        stderr(&o)
    );
    let o = run(
        &db,
        &[
            "import",
            "profile",
            "add",
            "x",
            "--date-format",
            "mm/dd/yyyy",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("'mm/dd/yyyy' is not a date format"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn ledger_codes_map_cost_centre_and_project_and_an_unknown_code_is_named_once() {
    let (_dir, db) = two_phases("codes.db", ["£10,000", "£10,000"]);
    ok(
        &db,
        &[
            "import",
            "profile",
            "add",
            "unit4-cc",
            "--map",
            "Trans Date=Date,Supplier Name=Supplier,Narrative=Description,Voucher No=Reference,\
             Net (£)=Amount",
            "--code-columns",
            "Cost Centre,Project",
            "--date-format",
            "dd-mon-yyyy",
        ],
    );
    let codes = ledger("codes.csv");
    let out = ok(&db, &["import", "codes", "load", codes.to_str().unwrap()]);
    assert!(out.contains("Mapped 2 ledger codes"), "{out}");
    let list = ok(&db, &["import", "codes", "list", "--format", "csv"]);
    assert!(list.contains("CC100+PRJ7,P/A"), "{list}");
    let before = snapshot(&db);
    let o = import(&db, "unit4_cost_centres.csv", "unit4-cc");
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains(
            "line 5, column Cost Centre+Project: ledger code 'CC999+PRJ1' is not mapped (2 rows: \
             lines 5, 7): map it with `outturn import codes add \"CC999+PRJ1\" PROG/PHASE`"
        ),
        "{err}"
    );
    assert_eq!(err.matches("CC999+PRJ1' is not mapped").count(), 1, "{err}");
    assert_eq!(snapshot(&db), before, "a refused file changes nothing");
    ok(&db, &["import", "codes", "add", "CC999+PRJ1", "P/B"]);
    let o = import(&db, "unit4_cost_centres.csv", "unit4-cc");
    let out = common::stdout(&o);
    assert!(o.status.success(), "{}", stderr(&o));
    // A: 500.00 - 50.00 = 450.00; B: 120.10 + 75.00 + 25.00 = 220.10; total 670.10.
    assert!(out.contains("total £670.10."), "{out}");
    assert!(out.contains("450.00") && out.contains("220.10"), "{out}");
    ok(&db, &["import", "codes", "delete", "CC999+PRJ1"]);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let events: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit WHERE entity = 'ledger_code'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(events, 4, "two loaded, one added, one deleted");
    // The audit log replays to the books as they are, profiles and code map included.
    ok(&db, &["check"]);
}

#[test]
fn a_profile_that_skips_lines_reads_the_header_where_it_says() {
    let (_dir, db) = two_phases("skip.db", ["£10,000", "£10,000"]);
    let add = |header: &str| {
        let name = format!("skip{header}");
        ok(
            &db,
            &[
                "import",
                "profile",
                "add",
                &name,
                "--map",
                "Trans Date=Date,Capital Scheme=Phase,Supplier Name=Supplier,\
                 Narrative=Description,Voucher No=Reference,Net (£)=Amount",
                "--header",
                header,
                "--date-format",
                "dd-mon-yyyy",
            ],
        );
        name
    };
    // One line skipped: line 2 (the run line) is taken for the header, and named.
    let one = add("1");
    let o = import(&db, "unit4_period8.csv", &one);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("(line 2 has 'Run on 05/12/2024 by FINANCE')"),
        "{}",
        stderr(&o)
    );
    let two = add("2");
    let o = import(&db, "unit4_period8.csv", &two);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(common::stdout(&o).contains("total £1,360.45."));
}

#[test]
fn an_sap_fbl3n_extract_with_trailing_minus_credits_imports_to_the_penny() {
    let (_dir, db) = two_phases("sap.db", ["£20,000", "£20,000"]);
    add_sap_profile(&db);
    let o = import(&db, "sap_fbl3n.csv", "sap");
    let out = common::stdout(&o);
    assert!(o.status.success(), "{}", stderr(&o));
    // A (CC4410+P-0101-01): 12,500.00 - 1,250.00 = 11,250.00;
    // B (CC4420+P-0102-03): 3,210.45 - 210.45 = 3,000.00; total 14,250.00.
    assert!(
        out.contains("Imported 4 rows from sap_fbl3n.csv as batch 1: total £14,250.00."),
        "{out}"
    );
    assert!(
        out.contains("£11,250.00") && out.contains("£3,000.00"),
        "{out}"
    );
    let list = ok(&db, &["actual", "list", "--format", "csv"]);
    assert!(
        list.contains("2024-11-18") && list.contains("-1250.00"),
        "{list}"
    );
    assert_eq!(batch_profiles(&db), vec![Some("sap".to_string())]);
}

#[test]
fn an_sap_extract_with_a_debit_credit_indicator_reads_s_and_h() {
    let (_dir, db) = two_phases("sapdc.db", ["£20,000", "£20,000"]);
    add_sap_profile(&db);
    ok(
        &db,
        &[
            "import",
            "profile",
            "add",
            "sap-dc",
            "--map",
            "Posting Date=Date,Document Number=Reference,Vendor=Supplier,Text=Description,\
             Amount in LC=Amount,D/C=Sign",
            "--code-columns",
            "Cost Center,WBS Element",
            "--date-format",
            "dd.mm.yyyy",
            "--amount",
            "sign-column",
        ],
    );
    let o = import(&db, "sap_fbl3n_dc.csv", "sap-dc");
    let out = common::stdout(&o);
    assert!(o.status.success(), "{}", stderr(&o));
    // A: 8,000.00 (S, debit) - 400.00 (H, credit) = 7,600.00; B: 1,500.50; total 9,100.50.
    assert!(out.contains("total £9,100.50."), "{out}");
    assert!(
        out.contains("£7,600.00") && out.contains("£1,500.50"),
        "{out}"
    );
}
