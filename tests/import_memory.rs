//! Issue 17 items 11 and 12: an actuals import keeps its per-row bookkeeping out of memory (the
//! line of each written row in a temporary file, SQLite's temporary tables and sorts in files,
//! duplicates streamed), and still names the right lines; duplicate detection among many rows of
//! one phase and one date finds exactly the rows already held.

use std::path::Path;

use outturn::domain::model::DeliveryStatus;
use outturn::io::import::{ActualsOptions, ImportError, MAX_LISTED, import_actuals};
use outturn::store::{self, check, entities as e};
use rusqlite::Connection;

/// A database file with programme P and phases A and B.
fn setup(dir: &Path) -> Connection {
    let mut conn = store::open(&dir.join("t.db")).unwrap();
    let tx = store::write_tx(&mut conn).unwrap();
    let programme = e::add_programme(
        &tx,
        &e::NewProgramme {
            code: "P".into(),
            name: "Programme".into(),
            organisation: String::new(),
            status: DeliveryStatus::Active,
        },
    )
    .unwrap();
    for code in ["A", "B"] {
        e::add_phase(
            &tx,
            &e::NewPhase {
                programme_id: programme,
                code: code.into(),
                name: format!("Phase {code}"),
                status: DeliveryStatus::Active,
                officer: None,
            },
        )
        .unwrap();
    }
    tx.commit().unwrap();
    conn
}

fn import(
    conn: &mut Connection,
    dir: &Path,
    name: &str,
    text: &str,
    skip: bool,
) -> Result<outturn::io::import::ImportOutcome, ImportError> {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    let opts = ActualsOptions {
        skip_duplicates: skip,
        ..Default::default()
    };
    import_actuals(conn, &path, &opts, &mut |_, _| {})
}

const HEADER: &str = "Date,Phase,Supplier,Description,Reference,Amount\n";

fn count(conn: &Connection) -> i64 {
    conn.query_row("SELECT count(*) FROM actual", [], |r| r.get(0))
        .unwrap()
}

/// Line 2 + i: phase B for even i and A for odd i (so the rows are written in another order than
/// the file's: all of A, then all of B), a date that falls as i runs down, reference R{i}, £(i+1).
fn line(i: u64) -> String {
    let phase = if i.is_multiple_of(2) { "B" } else { "A" };
    let day = 28 - (i % 28);
    format!("{day:02}/06/2023,{phase},S,D,R{i},{}.00\n", i + 1)
}

#[test]
fn duplicates_past_the_cap_are_listed_by_their_first_lines_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = setup(dir.path());
    let mut first = String::from(HEADER);
    for i in 0..300 {
        first.push_str(&line(i));
    }
    let o = import(&mut conn, dir.path(), "first.csv", &first, false).unwrap();
    assert_eq!(o.rows, 300);
    // The same 300 lines after one new line: the new row is line 2, R0..R299 are lines 3..=302,
    // all 300 duplicates (more than the 4 x 50 the import keeps while it looks).
    let again = format!(
        "{HEADER}01/07/2023,A,S,D,NEW,5.00\n{}",
        &first[HEADER.len()..]
    );
    let err = import(&mut conn, dir.path(), "again.csv", &again, false).unwrap_err();
    let lines = err.lines();
    let ImportError::Duplicates { problems, more } = err else {
        panic!("{}", lines.join("\n"));
    };
    assert_eq!((problems.len(), more), (MAX_LISTED, 300 - MAX_LISTED));
    // Lines 3..=52 in file order, whatever order the rows were written in.
    assert_eq!(
        problems.iter().map(|p| p.line).collect::<Vec<_>>(),
        (3..=52).collect::<Vec<u64>>()
    );
    // Line 3 is R0: 28/06/2023 on phase B, £1.00. The first import wrote phase A's 150 odd rows
    // (ids 1..=150), then phase B's 150 even rows by date: R0 is on the last day, 28/06, with
    // the 10 other even i = 28, 56, ..., 280 after it (by line), so 150 - 11 = 139 B rows come
    // before it and it is actual 150 + 139 + 1 = 290.
    assert_eq!(
        problems[0].to_string(),
        "line 3, column Reference: 'R0' dated 28/06/2023 for £1.00 on P/B is already in the \
         ledger (actual 290): leave it out, or import with --skip-duplicates"
    );
    assert_eq!(lines[MAX_LISTED], "and 250 more");
    assert!(lines[MAX_LISTED + 1].starts_with("300 rows are already in the ledger"));
    assert_eq!(count(&conn), 300, "nothing of the refused file was written");

    // With --skip-duplicates only the new row is written: 300 skipped, £5.00.
    let o = import(&mut conn, dir.path(), "again.csv", &again, true).unwrap();
    assert_eq!(
        (o.rows, o.skipped_duplicates, o.total.pence()),
        (1, 300, 500)
    );
    assert_eq!(count(&conn), 301);
    assert!(check::run(&conn).unwrap().is_clean());
}

#[test]
fn a_duplicate_among_many_rows_of_one_phase_and_date_is_found_in_the_file_and_the_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = setup(dir.path());
    // 3,000 rows held, all phase A on 15/06/2023: references H0..H2999, £1.00 each.
    let mut held = String::from(HEADER);
    for i in 0..3_000 {
        held.push_str(&format!("15/06/2023,A,S,D,H{i},1.00\n"));
    }
    import(&mut conn, dir.path(), "held.csv", &held, false).unwrap();
    // 3,000 new rows of the same phase and date (N0..N2999, £1.00). Line 1,002 (N1000 replaced)
    // repeats H1234 exactly; line 2,002 repeats it too (two identical rows in the file, both
    // already held); line 2,502 has H2000's reference with another amount, which is no duplicate.
    let mut new = String::from(HEADER);
    for i in 0..3_000 {
        let row = match i {
            1000 | 2000 => "15/06/2023,A,S,D,H1234,1.00\n".to_string(),
            2500 => "15/06/2023,A,S,D,H2000,1.01\n".to_string(),
            _ => format!("15/06/2023,A,S,D,N{i},1.00\n"),
        };
        new.push_str(&row);
    }
    let err = import(&mut conn, dir.path(), "new.csv", &new, false).unwrap_err();
    let ImportError::Duplicates { problems, more } = &err else {
        panic!("{}", err.lines().join("\n"));
    };
    assert_eq!(more, &0);
    // H1234 is actual 1,235 (ids 1..=3000 in file order: one phase, one date).
    let expected = |line: u64| {
        format!(
            "line {line}, column Reference: 'H1234' dated 15/06/2023 for £1.00 on P/A is already \
             in the ledger (actual 1235): leave it out, or import with --skip-duplicates"
        )
    };
    assert_eq!(
        problems.iter().map(|p| p.to_string()).collect::<Vec<_>>(),
        vec![expected(1002), expected(2002)]
    );
    assert_eq!(count(&conn), 3_000);
    let o = import(&mut conn, dir.path(), "new.csv", &new, true).unwrap();
    // 3,000 - 2 written: 2,997 at £1.00 and H2000 at £1.01 = £2,998.01.
    assert_eq!((o.rows, o.skipped_duplicates), (2_998, 2));
    assert_eq!(o.total.pence(), 2_997 * 100 + 101);
    assert_eq!(count(&conn), 5_998);
    assert!(check::run(&conn).unwrap().is_clean());
}

#[test]
fn after_an_import_temporary_storage_is_restored_and_writes_are_still_audited() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = setup(dir.path());
    let before: i64 = conn
        .query_row("PRAGMA temp_store", [], |r| r.get(0))
        .unwrap();
    let text = format!("{HEADER}{}{}", line(0), line(1));
    import(&mut conn, dir.path(), "two.csv", &text, false).unwrap();
    let after: i64 = conn
        .query_row("PRAGMA temp_store", [], |r| r.get(0))
        .unwrap();
    assert_eq!(after, before);
    // A refused import restores it too.
    let bad = format!("{HEADER}31/02/2023,A,S,D,X,1.00\n");
    assert!(import(&mut conn, dir.path(), "bad.csv", &bad, false).is_err());
    let after_refusal: i64 = conn
        .query_row("PRAGMA temp_store", [], |r| r.get(0))
        .unwrap();
    assert_eq!(after_refusal, before);
    // The audit capture (TEMP triggers, dropped when temp_store changes) is back: a programme
    // added now carries its row image, so `check`'s replay of the log matches the tables.
    let tx = store::write_tx(&mut conn).unwrap();
    e::add_programme(
        &tx,
        &e::NewProgramme {
            code: "Q".into(),
            name: "Another".into(),
            organisation: String::new(),
            status: DeliveryStatus::Active,
        },
    )
    .unwrap();
    tx.commit().unwrap();
    let report = check::run(&conn).unwrap();
    assert!(report.is_clean(), "{:?}", report.findings);
}
