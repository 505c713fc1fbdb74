//! Importing actuals and budgets from CSV extracts: every kind of bad input leaves the database
//! unchanged and names the line; encodings, BOM and CRLF; re-import, duplicates, undo; a
//! 100,000-line round trip through the monitoring report.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use outturn::domain::model::{AllocationStatus, DeliveryStatus};
use outturn::domain::report::RowKind;
use outturn::domain::{FinancialYear, Money, Period};
use outturn::io::import::{
    self, ActualsOptions, BudgetsOptions, ImportError, ImportOutcome, MAX_LISTED,
};
use outturn::store::{self, entities as e, locks};
use rusqlite::Connection;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn fy(s: &str) -> FinancialYear {
    FinancialYear::parse(s).unwrap()
}

/// Programmes WOL (phases PH2, ICT) and WIR (phases PH2, DT1): PH2 is ambiguous without a
/// programme. Contract C-100 belongs to WOL/ICT. Decision D-1.
fn setup() -> Connection {
    let mut conn = store::open_in_memory().unwrap();
    let tx = store::write_tx(&mut conn).unwrap();
    let programme = |code: &str| {
        e::add_programme(
            &tx,
            &e::NewProgramme {
                code: code.into(),
                name: format!("{code} programme"),
                organisation: String::new(),
                status: DeliveryStatus::Active,
            },
        )
        .unwrap()
    };
    let wol = programme("WOL");
    let wir = programme("WIR");
    let phase = |programme_id: i64, code: &str| {
        e::add_phase(
            &tx,
            &e::NewPhase {
                programme_id,
                code: code.into(),
                name: format!("{code} scheme"),
                status: DeliveryStatus::Active,
                officer: None,
            },
        )
        .unwrap()
    };
    phase(wol, "PH2");
    let ict = phase(wol, "ICT");
    phase(wir, "PH2");
    phase(wir, "DT1");
    e::add_contract(
        &tx,
        &e::NewContract {
            reference: "C-100".into(),
            title: "Licences".into(),
            supplier: "Capita plc".into(),
            phase_id: ict,
            framework_id: None,
            value: Money::parse("£100k").unwrap(),
            start: d("2022-04-01"),
            term_months: 12,
            award_decision_id: None,
            extensions: Vec::new(),
            profile: Vec::new(),
        },
    )
    .unwrap();
    e::add_decision(
        &tx,
        &e::NewDecision {
            reference: "D-1".into(),
            programme_id: Some(wol),
            body: "Council".into(),
            date: d("2022-03-01"),
            item: None,
            key_decision: false,
            call_in: false,
            outcome: "approved".into(),
            link: None,
            summary: String::new(),
        },
    )
    .unwrap();
    tx.commit().unwrap();
    conn
}

/// Counts and sums of everything an import or undo could touch.
#[derive(Debug, PartialEq, Eq)]
struct Snapshot {
    actuals: i64,
    actual_pence: i64,
    batches: i64,
    undone: i64,
    audit: i64,
    allocations: i64,
    allocation_pence: i64,
    phases: i64,
}

fn snapshot(conn: &Connection) -> Snapshot {
    let q = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    Snapshot {
        actuals: q("SELECT count(*) FROM actual"),
        actual_pence: q("SELECT coalesce(sum(amount_pence), 0) FROM actual"),
        batches: q("SELECT count(*) FROM import_batch"),
        undone: q("SELECT count(*) FROM import_batch WHERE undone_at IS NOT NULL"),
        audit: q("SELECT count(*) FROM audit"),
        allocations: q("SELECT count(*) FROM allocation"),
        allocation_pence: q("SELECT coalesce(sum(amount_pence), 0) FROM allocation"),
        phases: q("SELECT count(*) FROM phase"),
    }
}

fn actuals(
    conn: &mut Connection,
    path: &Path,
    opts: &ActualsOptions,
) -> Result<ImportOutcome, ImportError> {
    import::import_actuals(conn, path, opts, &mut |_, _| {})
}

fn budgets(
    conn: &mut Connection,
    path: &Path,
    opts: &BudgetsOptions,
) -> Result<ImportOutcome, ImportError> {
    import::import_budgets(conn, path, opts, &mut |_, _| {})
}

fn pounds(s: &str) -> Money {
    Money::parse(s).unwrap()
}

/// Imports `fixture` expecting it refused; checks nothing changed and returns every line shown.
fn refused(conn: &mut Connection, name: &str, opts: &ActualsOptions) -> Vec<String> {
    let before = snapshot(conn);
    let err = actuals(conn, &fixture(name), opts).unwrap_err();
    assert!(err.is_user_error(), "{err}");
    assert_eq!(snapshot(conn), before, "{name} changed the database");
    err.lines()
}

#[test]
fn good_file_with_bom_crlf_quotes_and_every_money_spelling() {
    let mut conn = setup();
    let before = snapshot(&conn);
    let mut calls = Vec::new();
    let path = fixture("good_bom_crlf.csv");
    let o = import::import_actuals(
        &mut conn,
        &path,
        &ActualsOptions::default(),
        &mut |done, total| calls.push((done, total)),
    )
    .unwrap();
    // 1,234.00 + £1,234.56 - £12.50 + (1,234.00) + £250k
    //   = 1234.00 + 1234.56 - 12.50 - 1234.00 + 250000.00 = 251222.06
    assert_eq!(o.rows, 5);
    assert_eq!(o.total, pounds("251,222.06"));
    assert_eq!(o.encoding, "UTF-8");
    assert!(!o.encoding_detected);
    // 2022-23: WOL/ICT 1234.56 + 250000.00, WOL/PH2 1234.00, WIR/DT1 -12.50; 2023-24: WOL/PH2 -1234.00.
    assert_eq!(
        o.by_fy_phase,
        vec![
            (fy("2022-23"), "WIR/DT1".to_string(), 1, pounds("-12.50")),
            (
                fy("2022-23"),
                "WOL/ICT".to_string(),
                2,
                pounds("251,234.56")
            ),
            (fy("2022-23"), "WOL/PH2".to_string(), 1, pounds("1,234.00")),
            (fy("2023-24"), "WOL/PH2".to_string(), 1, pounds("-1,234.00")),
        ]
    );
    let file_len = std::fs::metadata(&path).unwrap().len();
    assert_eq!(calls.last(), Some(&(file_len, file_len)));

    let after = snapshot(&conn);
    assert_eq!(after.actuals, before.actuals + 5);
    assert_eq!(after.actual_pence - before.actual_pence, 25_122_206);
    assert_eq!(after.batches, 1);
    assert_eq!(
        after.audit,
        before.audit + 1,
        "one audit event for the batch"
    );
    let event = outturn::store::audit::list(&conn, &Default::default())
        .unwrap()
        .remove(0);
    assert_eq!(
        (event.action.as_str(), event.entity.as_str()),
        ("import", "import_batch")
    );
    assert!(event.after.unwrap().contains("\"rows\":5"));

    let rows = e::list_actuals(&conn, &Default::default(), 0, 100).unwrap();
    let by_ref = |r: &str| rows.iter().find(|a| a.reference == r).unwrap().clone();
    let inv1 = by_ref("INV-1");
    assert_eq!(inv1.supplier, "Microsoft, Ltd");
    assert_eq!(inv1.description, "Licences \"E5\"");
    assert_eq!(inv1.date, d("2022-08-26"));
    let inv2 = by_ref("INV-2");
    assert_eq!(inv2.contract_reference.as_deref(), Some("C-100"));
    assert_eq!(inv2.description, "Two-line\r\ndescription");
    assert_eq!(inv2.amount, pounds("1234.56"));
    assert_eq!(by_ref("CN-4").amount, pounds("-1234.00"));
    assert_eq!(by_ref("INV-5").amount, pounds("250000"));
    assert!(rows.iter().all(|a| a.batch_id == o.batch_id));

    let batch = &import::list_batches(&conn).unwrap()[0];
    assert_eq!(batch.kind, "actuals");
    assert_eq!(batch.file_name, "good_bom_crlf.csv");
    assert_eq!(batch.rows, 5);
    assert_eq!(batch.total, pounds("251,222.06"));
    use sha2::Digest;
    let sha: String = sha2::Sha256::digest(std::fs::read(&path).unwrap())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(batch.sha256, sha);
}

#[test]
fn dry_run_reports_and_writes_nothing() {
    let mut conn = setup();
    let before = snapshot(&conn);
    let opts = ActualsOptions {
        dry_run: true,
        ..Default::default()
    };
    let o = actuals(&mut conn, &fixture("good_bom_crlf.csv"), &opts).unwrap();
    assert_eq!(
        (o.batch_id, o.rows, o.total),
        (None, 5, pounds("251,222.06"))
    );
    assert!(o.dry_run);
    assert_eq!(snapshot(&conn), before);
    // A dry run does not count as an import: the real one still goes ahead.
    let o = actuals(
        &mut conn,
        &fixture("good_bom_crlf.csv"),
        &ActualsOptions::default(),
    )
    .unwrap();
    assert_eq!(o.rows, 5);
}

#[test]
fn bad_rows_are_listed_by_line_and_column_and_nothing_is_written() {
    let mut conn = setup();
    let o = ActualsOptions::default();
    let cases: &[(&str, &[&str])] = &[
        (
            "bad_unknown_phase.csv",
            &["line 3, column Phase: no phase 'NOPE' in programme WOL"],
        ),
        (
            "bad_ambiguous_phase.csv",
            &[
                "line 3, column Phase: 'PH2' is a phase of several programmes (",
                "in a Programme column",
            ],
        ),
        (
            "bad_unknown_contract.csv",
            &["line 3, column Contract: no contract 'C-999'"],
        ),
        (
            "bad_contract_other_phase.csv",
            &["line 3, column Contract: contract 'C-100' belongs to phase WOL/ICT, not WOL/PH2"],
        ),
        (
            "bad_dates.csv",
            &[
                "line 3, column Date: '31/02/2023' is not a date: February 2023 has 28 days",
                "line 4, column Date: '08/26/2022' is not a date",
            ],
        ),
        // The row before spans lines 3 to 5 (a quoted description with two line breaks).
        (
            "bad_amount_decimals.csv",
            &["line 6, column Amount: '12.345' has more than two decimal places"],
        ),
        (
            "bad_amount_foreign.csv",
            &["line 3, column Amount: '1.234,56' is not an amount: use 1,234.56"],
        ),
        (
            "bad_empty_cell.csv",
            &["line 3, column Reference: '' is empty"],
        ),
        (
            "bad_field_count.csv",
            &["line 3: has 9 fields where the header has 8"],
        ),
    ];
    for (name, expected) in cases {
        let lines = refused(&mut conn, name, &o);
        for want in *expected {
            assert!(
                lines.iter().any(|l| l.contains(want)),
                "{name}: no line contains {want:?} in {lines:#?}"
            );
        }
        assert!(
            lines.last().unwrap().contains("nothing was imported"),
            "{lines:?}"
        );
        // Only the bad rows are listed: line 2 is good in every case.
        assert!(
            !lines.iter().any(|l| l.starts_with("line 2")),
            "{name}: {lines:?}"
        );
    }
    let header = refused(&mut conn, "bad_header.csv", &o);
    assert_eq!(header.len(), 1);
    assert!(header[0].contains("no 'Amount' column"), "{header:?}");
    assert!(header[0].contains("--map"), "{header:?}");
}

#[test]
fn every_bad_row_is_counted_beyond_the_listed_fifty() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.csv");
    let mut text = String::from("Date,Phase,Supplier,Description,Reference,Amount\n");
    for i in 0..60 {
        text.push_str(&format!("26/08/2022,ICT,S,D,R{i},1.001\n"));
    }
    text.push_str("26/08/2022,ICT,S,D,R-OK,1.00\n");
    std::fs::write(&path, text).unwrap();
    let mut conn = setup();
    let before = snapshot(&conn);
    let err = actuals(&mut conn, &path, &ActualsOptions::default()).unwrap_err();
    let ImportError::Rows { problems, more } = &err else {
        panic!("{err}");
    };
    // 60 bad rows on lines 2..=61: 50 listed (lines 2..=51), 10 counted.
    assert_eq!((problems.len(), *more), (MAX_LISTED, 10));
    assert_eq!(problems[0].line, 2);
    assert_eq!(problems[49].line, 51);
    let lines = err.lines();
    assert_eq!(lines.len(), 52);
    assert_eq!(lines[50], "and 10 more");
    assert!(lines[51].starts_with("60 problems in the file: nothing was imported"));
    assert_eq!(snapshot(&conn), before);
}

#[test]
fn rows_in_a_closed_period_are_refused() {
    let mut conn = setup();
    {
        let tx = store::write_tx(&mut conn).unwrap();
        // Closing 2022-23 P5 locks everything dated up to 31/08/2022.
        locks::close_period(&tx, fy("2022-23"), Period::new(5).unwrap()).unwrap();
        tx.commit().unwrap();
    }
    let lines = refused(&mut conn, "good_bom_crlf.csv", &ActualsOptions::default());
    // Only INV-1 (26/08/2022, line 2) is in the closed period; INV-2 is dated 01/09/2022.
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].starts_with("line 2, column Date: '26/08/2022' falls in a closed period (closed through 31/08/2022, 2022-23 P5)"), "{lines:?}");
}

#[test]
fn windows_1252_is_detected_and_stored_without_mojibake() {
    let mut conn = setup();
    let o = actuals(
        &mut conn,
        &fixture("windows1252.csv"),
        &ActualsOptions::default(),
    )
    .unwrap();
    assert_eq!((o.encoding, o.encoding_detected), ("windows-1252", true));
    // £12.50 + £1,000.00 = £1,012.50
    assert_eq!(o.total, pounds("1012.50"));
    let rows = e::list_actuals(&conn, &Default::default(), 0, 10).unwrap();
    assert_eq!(rows[0].supplier, "Café Digital Ltd");
    assert_eq!(rows[0].description, "Refund £12.50 – lunch");
    assert_eq!(rows[0].amount, pounds("12.50"));
    assert_eq!(rows[1].amount, pounds("1000.00"));
    for r in &rows {
        assert!(
            !r.supplier.contains('Ã')
                && !r.description.contains('Â')
                && !r.description.contains('\u{fffd}')
        );
    }
}

#[test]
fn encoding_can_be_forced_and_utf8_is_checked() {
    let mut conn = setup();
    let utf8 = ActualsOptions {
        encoding: Some("utf-8".into()),
        ..Default::default()
    };
    let lines = refused(&mut conn, "windows1252.csv", &utf8);
    assert!(
        lines[0].starts_with("line 2 is not valid UTF-8"),
        "{lines:?}"
    );
    let bogus = ActualsOptions {
        encoding: Some("klingon".into()),
        ..Default::default()
    };
    let lines = refused(&mut conn, "windows1252.csv", &bogus);
    assert!(
        lines[0].contains("'klingon' is not an encoding"),
        "{lines:?}"
    );
    let cp1252 = ActualsOptions {
        encoding: Some("windows-1252".into()),
        ..Default::default()
    };
    let o = actuals(&mut conn, &fixture("windows1252.csv"), &cp1252).unwrap();
    assert_eq!(
        (o.encoding, o.encoding_detected, o.rows),
        ("windows-1252", false, 2)
    );
}

#[test]
fn map_renames_another_systems_columns() {
    let mut conn = setup();
    let spec = "Trans Date=Date, Cost Centre=Phase,Vendor=Supplier,Narrative=Description,Doc No=Reference,Net=Amount";
    let opts = ActualsOptions {
        map: import::parse_map(spec).unwrap(),
        ..Default::default()
    };
    let o = actuals(&mut conn, &fixture("other_system.csv"), &opts).unwrap();
    // 100.00 + (25.00) = 75.00; the VAT column is not read.
    assert_eq!((o.rows, o.total), (2, pounds("75.00")));
    let bad = ActualsOptions {
        map: import::parse_map("Net=Amount,Trans Date=When").unwrap(),
        ..Default::default()
    };
    let lines = refused(&mut conn, "other_system.csv", &bad);
    assert!(
        lines[0].contains("'When' is not a column Outturn reads"),
        "{lines:?}"
    );
    assert!(import::parse_map("Net").is_err());
}

#[test]
fn reimport_is_refused_and_duplicates_are_reported_or_skipped() {
    let mut conn = setup();
    let first = actuals(
        &mut conn,
        &fixture("good_bom_crlf.csv"),
        &ActualsOptions::default(),
    )
    .unwrap();
    let lines = refused(&mut conn, "good_bom_crlf.csv", &ActualsOptions::default());
    let batch = first.batch_id.unwrap();
    assert!(
        lines[0].starts_with(&format!(
            "this file was already imported as batch {batch} (good_bom_crlf.csv"
        )),
        "{lines:?}"
    );

    // The same rows plus one new one: a different file, but five rows are already held.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("again.csv");
    let mut bytes = std::fs::read(fixture("good_bom_crlf.csv")).unwrap();
    bytes.extend_from_slice(b"01/11/2022,,DT1,,Jones & Sons,New work,INV-6,99.99\r\n");
    std::fs::write(&path, &bytes).unwrap();
    let before = snapshot(&conn);
    let err = actuals(&mut conn, &path, &ActualsOptions::default()).unwrap_err();
    let ImportError::Duplicates { problems, more } = &err else {
        panic!("{err}");
    };
    assert_eq!(snapshot(&conn), before);
    assert_eq!(*more, 0);
    // Lines 2, 3 (spanning 3-4), 5, 6, 7.
    assert_eq!(
        problems.iter().map(|p| p.line).collect::<Vec<_>>(),
        vec![2, 3, 5, 6, 7]
    );
    assert!(problems[0].to_string().starts_with("line 2, column Reference: 'INV-1' dated 26/08/2022 for £1,234.00 on WOL/PH2 is already in the ledger"), "{}", problems[0]);
    assert!(err.lines().last().unwrap().contains("--skip-duplicates"));

    let skip = ActualsOptions {
        skip_duplicates: true,
        ..Default::default()
    };
    let o = actuals(&mut conn, &path, &skip).unwrap();
    assert_eq!(
        (o.rows, o.skipped_duplicates, o.total),
        (1, 5, pounds("99.99"))
    );
    assert_eq!(
        o.by_fy_phase,
        vec![(fy("2022-23"), "WIR/DT1".to_string(), 1, pounds("99.99"))]
    );
    let after = snapshot(&conn);
    assert_eq!(
        (after.actuals, after.actual_pence),
        (before.actuals + 1, before.actual_pence + 9_999)
    );
}

#[test]
fn undo_restores_the_exact_totals_and_is_audited() {
    let mut conn = setup();
    let base = snapshot(&conn);
    let o = actuals(
        &mut conn,
        &fixture("good_bom_crlf.csv"),
        &ActualsOptions::default(),
    )
    .unwrap();
    let other = actuals(&mut conn, &fixture("other_system.csv"), &ActualsOptions {
        map: import::parse_map("Trans Date=Date,Cost Centre=Phase,Vendor=Supplier,Narrative=Description,Doc No=Reference,Net=Amount").unwrap(),
        ..Default::default()
    })
    .unwrap();
    let batch = o.batch_id.unwrap();
    let b = import::undo_batch(&mut conn, batch).unwrap();
    assert_eq!((b.id, b.rows, b.total), (batch, 5, pounds("251,222.06")));
    assert!(b.undone_at.is_some());
    let after = snapshot(&conn);
    // Only the other batch's rows remain: 100.00 - 25.00 = 75.00.
    assert_eq!(
        (after.actuals, after.actual_pence),
        (base.actuals + 2, base.actual_pence + 7_500)
    );
    // Two imports and one undo: three events.
    assert_eq!(after.audit, base.audit + 3);
    let last = outturn::store::audit::list(&conn, &Default::default())
        .unwrap()
        .remove(0);
    assert_eq!(
        (last.action.as_str(), last.entity_id),
        ("undo", Some(batch))
    );

    let again = import::undo_batch(&mut conn, batch).unwrap_err();
    assert!(again.to_string().contains("already undone"), "{again}");
    assert_eq!(snapshot(&conn), after);
    assert!(
        import::undo_batch(&mut conn, 999)
            .unwrap_err()
            .to_string()
            .contains("no import batch '999'")
    );

    // Undone, the file may be imported again.
    let o2 = actuals(
        &mut conn,
        &fixture("good_bom_crlf.csv"),
        &ActualsOptions::default(),
    )
    .unwrap();
    assert_eq!(o2.total, pounds("251,222.06"));

    // A batch with a row in a closed period cannot be undone.
    {
        let tx = store::write_tx(&mut conn).unwrap();
        locks::close_period(&tx, fy("2022-23"), Period::new(5).unwrap()).unwrap();
        tx.commit().unwrap();
    }
    let before = snapshot(&conn);
    let err = import::undo_batch(&mut conn, o2.batch_id.unwrap()).unwrap_err();
    assert!(
        err.to_string()
            .contains("1 of its actuals are dated in a closed period"),
        "{err}"
    );
    assert_eq!(snapshot(&conn), before);
    let _ = other;
}

#[test]
fn budgets_create_missing_phases_and_undo_removes_allocations() {
    let mut conn = setup();
    let base = snapshot(&conn);
    let path = fixture("budgets.csv");
    let err = budgets(&mut conn, &path, &BudgetsOptions::default()).unwrap_err();
    let lines = err.lines();
    assert_eq!(snapshot(&conn), base);
    assert!(
        lines[0].starts_with("line 4, column Phase: no phase 'NEW1' in programme WOL"),
        "{lines:?}"
    );
    assert!(lines[0].contains("--create-missing"));
    assert!(lines[1].starts_with("line 5, column Phase"), "{lines:?}");

    let opts = BudgetsOptions {
        create_missing: true,
        ..Default::default()
    };
    let o = budgets(&mut conn, &path, &opts).unwrap();
    // £3.0m + 1,000,000.00 + £5.5m + £5.5m = £15,000,000.00
    assert_eq!((o.rows, o.total, o.created_phases), (4, pounds("£15m"), 1));
    assert_eq!(
        o.by_fy_phase,
        vec![
            (fy("2022-23"), "WOL/ICT".to_string(), 1, pounds("£1m")),
            (fy("2022-23"), "WOL/PH2".to_string(), 1, pounds("£3m")),
            (fy("2023-24"), "WOL/NEW1".to_string(), 1, pounds("£5.5m")),
            (fy("2024-25"), "WOL/NEW1".to_string(), 1, pounds("£5.5m")),
        ]
    );
    let after = snapshot(&conn);
    assert_eq!(
        (after.allocations, after.allocation_pence, after.phases),
        (4, 1_500_000_000, base.phases + 1)
    );
    let allocations = e::list_allocations(&conn, None, None).unwrap();
    let ph2 = allocations.iter().find(|a| a.phase_code == "PH2").unwrap();
    assert_eq!(
        (ph2.status, ph2.decision_reference.as_deref()),
        (AllocationStatus::Approved, Some("D-1"))
    );
    let new1: Vec<_> = allocations
        .iter()
        .filter(|a| a.phase_code == "NEW1")
        .collect();
    assert!(new1.iter().all(|a| a.status == AllocationStatus::Projected));
    let phase = e::phase_ref(&conn, Some("WOL"), "NEW1").unwrap();
    assert_eq!(e::get_phase(&conn, phase.id).unwrap().name, "Future phases");

    let lines = budgets(&mut conn, &path, &opts).unwrap_err().lines();
    assert!(
        lines[0].starts_with("this file was already imported as batch"),
        "{lines:?}"
    );

    let b = import::undo_batch(&mut conn, o.batch_id.unwrap()).unwrap();
    assert_eq!(b.kind, "budgets");
    let undone = snapshot(&conn);
    // Allocations gone; the phase it created stays (it may have been used since).
    assert_eq!(
        (undone.allocations, undone.allocation_pence, undone.phases),
        (0, 0, base.phases + 1)
    );
}

#[test]
fn bad_budget_rows_are_listed_and_nothing_is_written() {
    let mut conn = setup();
    let before = snapshot(&conn);
    let opts = BudgetsOptions {
        create_missing: true,
        ..Default::default()
    };
    let lines = budgets(&mut conn, &fixture("budgets_bad.csv"), &opts)
        .unwrap_err()
        .lines();
    assert_eq!(snapshot(&conn), before);
    let expected = [
        "line 3, column Programme: no programme 'NOPROG'",
        "line 5, column Financial year: '2017-19' is not a financial year",
        "line 6, column Amount: '0.00' must be more than zero",
        "line 7, column Status: ",
        "line 8, column Decision: no decision 'D-404'",
    ];
    for (line, want) in lines.iter().zip(expected) {
        assert!(line.starts_with(want), "{line:?} should start {want:?}");
    }
    assert_eq!(lines.len(), expected.len() + 1, "{lines:#?}");
}

/// A 100,000-line file generated here with its own pseudo-random sequence; the monitoring
/// report's grand total actual to date per FY must equal the file's own sum per FY.
#[test]
fn hundred_thousand_lines_round_trip_to_the_report() {
    let mut conn = setup();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.csv");
    let phases = [
        ("WOL", "PH2"),
        ("WOL", "ICT"),
        ("WIR", "PH2"),
        ("WIR", "DT1"),
    ];
    let mut state: u64 = 42;
    let mut next = || {
        // A linear congruential generator (Knuth's MMIX constants).
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        state >> 33
    };
    let mut expected: std::collections::BTreeMap<i32, i64> = Default::default();
    let mut text = String::from("Date,Programme,Phase,Supplier,Description,Reference,Amount\n");
    let start = d("2021-04-01");
    for i in 0..100_000u64 {
        let date = start + chrono::Days::new(next() % 1095);
        let (programme, phase) = phases[(next() % 4) as usize];
        let pence = (next() % 2_000_000) as i64 - 100_000;
        let fy = FinancialYear::containing(date).start_year();
        *expected.entry(fy).or_default() += pence;
        let amount = format!(
            "{}{}.{:02}",
            if pence < 0 { "-" } else { "" },
            pence.abs() / 100,
            pence.abs() % 100
        );
        text.push_str(&format!(
            "{},{programme},{phase},Supplier {},\"Line {i}, generated\",R{i},{amount}\n",
            date.format("%d/%m/%Y"),
            i % 17
        ));
    }
    std::fs::write(&path, text).unwrap();
    let schema = |conn: &Connection| -> Vec<(String, String)> {
        let mut st = conn
            .prepare("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
            .unwrap();
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    };
    let schema_before = schema(&conn);
    let o = actuals(&mut conn, &path, &ActualsOptions::default()).unwrap();
    assert_eq!(o.rows, 100_000);
    // A file this size loads with the indexes rebuilt afterwards: they are all back, as they were,
    // and foreign keys are enforced again.
    assert_eq!(schema(&conn), schema_before);
    let fk: i64 = conn
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(fk, 1);
    let plan: String = conn
        .query_row(
            "EXPLAIN QUERY PLAN SELECT sum(amount_pence) FROM actual WHERE phase_id = 1 AND date >= '2022-04-01'",
            [],
            |r| r.get(3),
        )
        .unwrap();
    assert!(plan.contains("actual_phase_date"), "{plan}");
    assert_eq!(o.total.pence(), expected.values().sum::<i64>());
    assert_eq!(expected.len(), 3, "2021-22, 2022-23 and 2023-24");
    for (year, pence) in &expected {
        let year = FinancialYear::new(*year).unwrap();
        let report = store::figures::report(&conn, year, Period::LAST, None).unwrap();
        let grand = report
            .rows
            .iter()
            .find(|r| r.kind == RowKind::GrandTotal)
            .unwrap();
        assert_eq!(
            grand.actual_to_date,
            Money::from_pence(*pence),
            "{}",
            year.label()
        );
        let by_phase: i64 = o
            .by_fy_phase
            .iter()
            .filter(|l| l.0 == year)
            .map(|l| l.3.pence())
            .sum();
        assert_eq!(by_phase, *pence);
    }
}

#[test]
fn cli_exits_2_listing_bad_rows_and_gen_feeds_the_import() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("o.db");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_outturn"))
            .args(args)
            .env("OUTTURN_DB", &db)
            .env("OUTTURN_USER", "tester")
            .output()
            .unwrap()
    };
    assert!(run(&["init"]).status.success());
    let out = dir.path().join("gen");
    let out_s = out.to_str().unwrap();
    let g = run(&[
        "gen",
        "--actuals",
        "500",
        "--phases",
        "25",
        "--out",
        out_s,
        "--create-programmes",
    ]);
    assert!(g.status.success(), "{}", String::from_utf8_lossy(&g.stderr));
    let budgets_csv = out.join("budgets.csv");
    let actuals_csv = out.join("actuals.csv");
    let b = run(&[
        "import",
        "budgets",
        budgets_csv.to_str().unwrap(),
        "--create-missing",
    ]);
    assert!(b.status.success(), "{}", String::from_utf8_lossy(&b.stderr));
    // 25 phases x 3 years.
    assert!(String::from_utf8_lossy(&b.stdout).contains("Imported 75 budget lines"));
    assert!(String::from_utf8_lossy(&b.stdout).contains("Created 25 phases."));
    let a = run(&["import", "actuals", actuals_csv.to_str().unwrap()]);
    assert!(a.status.success(), "{}", String::from_utf8_lossy(&a.stderr));
    assert!(
        String::from_utf8_lossy(&a.stdout)
            .contains("Imported 500 rows from actuals.csv as batch 2")
    );

    let bad = run(&[
        "import",
        "actuals",
        fixture("bad_amount_decimals.csv").to_str().unwrap(),
    ]);
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("line 6, column Amount: '12.345' has more than two decimal places"),
        "{err}"
    );
    let list = run(&["import", "list", "--format", "csv"]);
    let text = String::from_utf8_lossy(&list.stdout);
    assert_eq!(text.lines().count(), 3, "header and two batches: {text}");
    assert!(
        text.lines()
            .nth(2)
            .unwrap()
            .starts_with("2,actuals,actuals.csv,,500,")
    );
    let u = run(&["import", "undo", "2"]);
    assert!(u.status.success());
    assert!(String::from_utf8_lossy(&u.stdout).contains("removed 500 rows"));
}

#[test]
fn lines_are_physical_with_blank_lines_lf_and_no_final_line_end() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gaps.csv");
    // Line 1 header, 2 good, 3 and 4 blank, 5-6 a quoted two-line cell with a bad amount,
    // 7 blank, 8 a bad date with no line feed at the end of the file.
    std::fs::write(
        &path,
        "Date,Phase,Supplier,Description,Reference,Amount\n\
         26/08/2022,ICT,S,D,R1,1.00\n\n\n\
         26/08/2022,ICT,S,\"two\nlines\",R2,1.001\n\n\
         2022-13-01,ICT,S,D,R3,1.00",
    )
    .unwrap();
    let mut conn = setup();
    let before = snapshot(&conn);
    let err = actuals(&mut conn, &path, &ActualsOptions::default()).unwrap_err();
    let ImportError::Rows { problems, .. } = &err else {
        panic!("{err}");
    };
    assert_eq!(
        problems
            .iter()
            .map(|p| (p.line, p.column.as_str()))
            .collect::<Vec<_>>(),
        vec![(5, "Amount"), (8, "Date")]
    );
    assert_eq!(snapshot(&conn), before);
}

#[test]
fn a_quote_left_open_to_the_end_names_the_line_it_starts_on() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("open-quote.csv");
    // Line 1 header, line 2 opens a quote that never closes: the rest of the file is one cell.
    std::fs::write(
        &path,
        "Date,Phase,Supplier,Description,Reference,Amount\n\"26/08/2022,ICT,S,D,R1,1.00\n",
    )
    .unwrap();
    let mut conn = setup();
    let before = snapshot(&conn);
    let err = actuals(&mut conn, &path, &ActualsOptions::default()).unwrap_err();
    let ImportError::Rows { problems, .. } = &err else {
        panic!("{err}");
    };
    assert_eq!(problems.len(), 1, "{err}");
    assert_eq!(problems[0].line, 2, "{err}");
    assert!(problems[0].message.contains("double quotes"), "{err}");
    assert_eq!(snapshot(&conn), before);
}
