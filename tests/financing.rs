//! Financing end to end: funding lines, the order of application, credits, unfunded spend, a
//! virement that moves budget without its funding, the statement on the demo data (golden CSV),
//! `config set financing.order`, and an all-or-nothing funding import. Figures worked by hand.

mod common;

use common::books::{self, actual};
use common::{demo_db, ok, run, snapshot, stderr, stdout};
use std::path::Path;

/// Programme P with phases A and B; A has £1,000.00 and B £100.00 approved for 2024-25.
fn base() -> (tempfile::TempDir, std::path::PathBuf) {
    books::two_phases("f.db", ["1000", "100"])
}

fn funding(db: &Path, args: &[&str]) {
    let mut a = vec!["funding", "add", "--fy", "2024-25"];
    a.extend_from_slice(args);
    ok(db, &a);
}

/// The statement's CSV rows (header left out) as at `period`.
fn statement(db: &Path, period: &str) -> Vec<String> {
    ok(
        db,
        &[
            "report",
            "financing",
            "--fy",
            "2024-25",
            "--period",
            period,
            "--csv",
            "-",
        ],
    )
    .lines()
    .skip(1)
    .map(String::from)
    .collect()
}

#[test]
fn grants_by_spend_by_date_then_borrowing_credits_unfunded_and_a_virement_gap() {
    let (_dir, db) = base();
    // Scheme A: grant G1 £300.00 spend by 31/03/2026 (line 1), grant G2 £200.00 spend by
    // 30/09/2025 (line 2), borrowing £500.00 (line 3). Scheme B: reserves £80.00 (line 4) and a
    // projected s106 £40.00 (line 5).
    funding(
        &db,
        &[
            "--phase",
            "A",
            "--source",
            "grant",
            "--amount",
            "300",
            "--spend-by",
            "31/03/2026",
            "--funder",
            "DfE",
        ],
    );
    funding(
        &db,
        &[
            "--phase",
            "A",
            "--source",
            "grant",
            "--amount",
            "200",
            "--spend-by",
            "2025-09-30",
        ],
    );
    funding(
        &db,
        &["--phase", "A", "--source", "borrowing", "--amount", "500"],
    );
    funding(
        &db,
        &["--phase", "B", "--source", "reserves", "--amount", "80"],
    );
    funding(
        &db,
        &[
            "--phase",
            "B",
            "--source",
            "s106",
            "--amount",
            "40",
            "--status",
            "projected",
        ],
    );
    // A: £450.00 in May (P2), £100.00 in June (P3), a credit of £50.00 in June (P3).
    actual(&db, "A", "10/05/2024", "450.00", "INV-1");
    actual(&db, "A", "12/06/2024", "100.00", "INV-2");
    actual(&db, "A", "20/06/2024", "(50.00)", "CR-1");
    // B: £130.00 in May: overspent beyond its £100.00 budget and its £80.00 funding.
    actual(&db, "B", "15/05/2024", "130.00", "INV-3");

    // As at P2: A has spent £450.00: G2 (due first) £200.00, then G1 £250.00 of its £300.00.
    // A: revised 1000, funding 300+200+500 = 1000, gap 0. B: revised 100, approved funding 80
    // (the projected s106 is not in it), gap 20; spent 130: reserves 80, unfunded 50.
    // Totals: revised 1100, grant 500, reserves 80, borrowing 500, total 1080, gap 20; applied
    // grant 450, reserves 80, unfunded 50.
    let rows = statement(&db, "P2");
    assert_eq!(
        rows,
        [
            "P,A,Scheme A,2024-25,P2,1000.00,500.00,0.00,0.00,0.00,0.00,0.00,0.00,500.00,1000.00,0.00,450.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00",
            "P,B,Scheme B,2024-25,P2,100.00,0.00,0.00,0.00,0.00,0.00,80.00,0.00,0.00,80.00,20.00,0.00,0.00,0.00,0.00,0.00,80.00,0.00,0.00,50.00",
            "P,Programme total,,2024-25,P2,1100.00,500.00,0.00,0.00,0.00,0.00,80.00,0.00,500.00,1080.00,20.00,450.00,0.00,0.00,0.00,0.00,80.00,0.00,0.00,50.00",
            ",Grand total,,2024-25,P2,1100.00,500.00,0.00,0.00,0.00,0.00,80.00,0.00,500.00,1080.00,20.00,450.00,0.00,0.00,0.00,0.00,80.00,0.00,0.00,50.00",
        ]
    );
    // As at P3: A's actual to date is 450 + 100 - 50 = 500. Without the credit it would be 550
    // and borrowing would meet £50.00; with it the grants (200 + 300) meet it all and borrowing
    // nothing.
    let rows = statement(&db, "P3");
    assert!(
        rows[0].ends_with(",1000.00,0.00,500.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00"),
        "{}",
        rows[0]
    );

    // A virement of £200.00 from A to B moves budget, not funding: A revised 800 against 1000 of
    // funding (gap -200, a surplus); B revised 300 against 80 (gap 220). Total gap still 20.
    ok(
        &db,
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
            "2024-25",
            "--amount",
            "200",
            "--status",
            "approved",
            "--effective",
            "01/06/2024",
        ],
    );
    let rows = statement(&db, "P3");
    let gap = |r: &str| r.split(',').nth(15).unwrap().to_string();
    assert_eq!(gap(&rows[0]), "-200.00");
    assert_eq!(gap(&rows[1]), "220.00");
    assert_eq!(gap(&rows[3]), "20.00");
    // The summary shows the same gap, and the projected s106 beside it (at P12, same figures).
    let summary = ok(&db, &["summary", "--fy", "2024-25"]);
    let b = summary.lines().find(|l| l.contains("Scheme B")).unwrap();
    assert!(
        b.contains("£80.00") && b.contains("£220.00") && b.trim_end().ends_with("£40.00"),
        "{b}"
    );

    // Borrowing first, if the council says so: as at P2 A's £450.00 comes from borrowing alone.
    ok(
        &db,
        &[
            "config",
            "set",
            "financing.order",
            "borrowing,grant,s106,cil,capital-receipts,revenue,reserves,other",
        ],
    );
    let rows = statement(&db, "P2");
    assert!(
        rows[0].ends_with(",0.00,0.00,0.00,0.00,0.00,0.00,0.00,450.00,0.00"),
        "{}",
        rows[0]
    );
    assert_eq!(
        ok(&db, &["config", "get", "financing.order"]).trim(),
        "borrowing,grant,s106,cil,capital receipts,revenue,reserves,other"
    );
    let o = run(&db, &["config", "set", "financing.order", "grant,loans"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("'loans' is not a funding source"),
        "{}",
        stderr(&o)
    );

    // Withdrawn lines count nowhere: withdraw G2 (line 2) and A's funding is 800.
    ok(&db, &["funding", "withdraw", "2"]);
    let rows = statement(&db, "P2");
    assert_eq!(rows[0].split(',').nth(14).unwrap(), "800.00");
}

#[test]
fn bad_funding_options_are_refused_naming_them() {
    let (_dir, db) = base();
    let before = snapshot(&db);
    for (args, want) in [
        (
            vec!["--phase", "A", "--source", "loan", "--amount", "1"],
            "--source: 'loan' is not a funding source",
        ),
        (
            vec!["--phase", "A", "--source", "grant", "--amount", "1.005"],
            "--amount:",
        ),
        (
            vec!["--phase", "A", "--source", "grant", "--amount", "0"],
            "--amount: '0.00' must be more than zero",
        ),
        (
            vec![
                "--phase",
                "A",
                "--source",
                "grant",
                "--amount",
                "1",
                "--spend-by",
                "09/31/2025",
            ],
            "--spend-by:",
        ),
        (
            vec!["--phase", "Z", "--source", "grant", "--amount", "1"],
            "--phase: no phase 'Z'",
        ),
    ] {
        let mut a = vec!["funding", "add", "--fy", "2024-25"];
        a.extend(args);
        let o = run(&db, &a);
        assert_eq!(o.status.code(), Some(2), "{a:?}");
        assert!(stderr(&o).contains(want), "{a:?}: {}", stderr(&o));
    }
    assert_eq!(snapshot(&db), before);
}

#[test]
fn the_statement_on_the_demo_data_matches_the_golden_csv() {
    let (dir, db) = demo_db();
    // By hand (data/wolverhampton.toml): ICT revised £1,000,000.00, actual to date at P12
    // £662,493.60; approved revenue £250,000.00 + borrowing £600,000.00 = £850,000.00, gap
    // £150,000.00 (the reserves £150,000.00 are only projected); applied: revenue £250,000.00,
    // borrowing 662,493.60 - 250,000.00 = £412,493.60. PH2 revised £3,000,000.00, actual to date
    // £1,414,090.55: grant £1,000,000.00 first, capital receipts £414,090.55 of £500,000.00,
    // borrowing nothing.
    let out = dir.path().join("fin.csv");
    let msg = ok(
        &db,
        &[
            "report",
            "financing",
            "--fy",
            "2017-18",
            "--period",
            "12",
            "--csv",
            out.to_str().unwrap(),
        ],
    );
    assert!(
        msg.starts_with("Wrote the 2017-18 P12 financing statement (4 rows)"),
        "{msg}"
    );
    let got = std::fs::read_to_string(&out).unwrap();
    let golden = std::fs::read_to_string("tests/fixtures/financing_demo_2017-18_P12.csv").unwrap();
    assert_eq!(got, golden);
    // The same database gives the same bytes.
    let again = ok(
        &db,
        &[
            "report",
            "financing",
            "--fy",
            "2017-18",
            "--period",
            "12",
            "--csv",
            "-",
        ],
    );
    assert_eq!(again, golden);
    // On the terminal: a table with the order used.
    let table = ok(
        &db,
        &["report", "financing", "--fy", "2017-18", "--period", "12"],
    );
    assert!(
        table.contains("grant,s106,cil,capital receipts,revenue,reserves,other,borrowing"),
        "{table}"
    );
    assert!(table.contains("£412,493.60"), "{table}");
}

#[test]
fn a_funding_import_with_a_bad_row_leaves_nothing_and_a_good_one_can_be_undone() {
    let (dir, db) = base();
    let before = snapshot(&db);
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "Programme,Phase,Financial year,Source,Amount,Spend by,Funder\n\
         P,A,2024-25,grant,\"£1,000.00\",31/03/2026,DfE\n\
         P,B,2024-25,capital-receipts,12.345,,\n",
    )
    .unwrap();
    let o = run(&db, &["import", "funding", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("line 3, column Amount: '12.345'"), "{err}");
    assert!(err.contains("nothing was imported"), "{err}");
    assert_eq!(snapshot(&db), before);

    let good = dir.path().join("good.csv");
    std::fs::write(
        &good,
        "Programme,Phase,Financial year,Source,Amount,Status,Spend by,Funder\n\
         P,A,2024-25,grant,\"£1,000.00\",,31/03/2026,DfE\n\
         P,B,2024-25,Capital Receipts,(0.00),projected,,\n",
    )
    .unwrap();
    let o = run(&db, &["import", "funding", good.to_str().unwrap()]);
    assert!(
        stderr(&o).contains("line 3, column Amount: '(0.00)' must be more than zero"),
        "{}",
        stderr(&o)
    );
    std::fs::write(
        &good,
        "Programme,Phase,Financial year,Source,Amount,Status,Spend by,Funder\n\
         P,A,2024-25,grant,\"£1,000.00\",,31/03/2026,DfE\n\
         P,B,2024-25,Capital Receipts,40.50,projected,,\n",
    )
    .unwrap();
    // 1,000.00 + 40.50 = 1,040.50 over two lines.
    let msg = ok(&db, &["import", "funding", good.to_str().unwrap()]);
    assert!(
        msg.contains("Imported 2 funding lines from good.csv as batch 1: total £1,040.50."),
        "{msg}"
    );
    let list = ok(&db, &["funding", "list", "--format", "csv"]);
    assert!(
        list.contains("1,P,A,2024-25,grant,1000.00,approved,DfE,2026-03-31,"),
        "{list}"
    );
    assert!(
        list.contains("2,P,B,2024-25,capital receipts,40.50,projected,,,"),
        "{list}"
    );
    let o = run(&db, &["import", "funding", good.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "a file imported before is refused"
    );
    ok(&db, &["import", "undo", "1"]);
    assert_eq!(
        ok(&db, &["funding", "list", "--format", "csv"])
            .lines()
            .count(),
        1
    );
    assert!(stdout(&run(&db, &["import", "list"])).contains("funding"));
}

/// Issue 23 item 5: a funding line for a year is accepted after a period of that year is closed
/// (the close keeps the statement as reported); `funding finalise` locks the year's lines,
/// `funding reopen` with a reason unlocks them; both audited.
#[test]
fn funding_follows_the_budget_after_a_close_until_the_year_is_finalised() {
    let (_dir, db) = base();
    actual(&db, "A", "10/06/2024", "400.00", "INV-1");
    ok(
        &db,
        &[
            "period",
            "close",
            "2024-25",
            "P3",
            "--allow-missing-comments",
        ],
    );
    // After the close of P3, A gets a grant of £300.00: accepted (it used to be refused as
    // falling in a closed period).
    funding(
        &db,
        &["--phase", "A", "--source", "grant", "--amount", "300"],
    );
    // P3 as reported stays as reported: no funding, A's gap its whole £1,000.00, its £400.00
    // unfunded.
    let p3 = statement(&db, "P3");
    let col = |r: &str, i: usize| r.split(',').nth(i).unwrap().to_string();
    assert_eq!(
        (col(&p3[0], 14), col(&p3[0], 15), col(&p3[0], 24)),
        ("0.00".into(), "1000.00".into(), "400.00".into())
    );
    // P4 (open) follows the line: funding £300.00, gap 1000 - 300 = £700.00; the grant meets
    // £300.00 of the £400.00 spent and £100.00 is unfunded.
    let p4 = statement(&db, "P4");
    assert_eq!(
        (
            col(&p4[0], 14),
            col(&p4[0], 15),
            col(&p4[0], 16),
            col(&p4[0], 24)
        ),
        (
            "300.00".into(),
            "700.00".into(),
            "300.00".into(),
            "100.00".into()
        )
    );

    // Finalised with its outturn, the year's lines are locked: add, edit and withdraw refused,
    // nothing written, the message naming what is wrong and how to reopen.
    let out = ok(&db, &["funding", "finalise", "--fy", "2024-25"]);
    assert!(
        out.starts_with("Finalised the financing of 2024-25"),
        "{out}"
    );
    let before = snapshot(&db);
    for args in [
        &[
            "funding", "add", "--fy", "2024-25", "--phase", "B", "--source", "reserves",
            "--amount", "50",
        ][..],
        &["funding", "edit", "1", "--amount", "350"],
        &["funding", "withdraw", "1"],
    ] {
        let o = run(&db, args);
        assert!(!o.status.success(), "{args:?}");
        let e = stderr(&o);
        assert!(
            e.contains("the funding lines for 2024-25 are locked: the year's financing was finalised with its outturn by ")
                && e.contains("reopen the year's financing with `outturn funding reopen --fy 2024-25 --reason ...`")
                && !e.contains("date the entry"),
            "{e}"
        );
    }
    assert_eq!(snapshot(&db), before);
    // Finalised twice is refused; so is a year that has not ended.
    let o = run(&db, &["funding", "finalise", "--fy", "2024-25"]);
    assert!(stderr(&o).contains("already finalised"), "{}", stderr(&o));
    let o = run(&db, &["funding", "finalise", "--fy", "2999-00"]);
    assert!(
        stderr(&o).contains("before the year has ended (it ends on 31/03/3000)"),
        "{}",
        stderr(&o)
    );
    // Another year's lines are not locked.
    ok(
        &db,
        &[
            "funding",
            "add",
            "--fy",
            "2025-26",
            "--phase",
            "A",
            "--source",
            "borrowing",
            "--amount",
            "10",
        ],
    );
    // Reopened with a reason, the line can be changed again: withdrawn, A's P4 funding is 0.
    let o = run(
        &db,
        &["funding", "reopen", "--fy", "2024-25", "--reason", " "],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let out = ok(
        &db,
        &[
            "funding",
            "reopen",
            "--fy",
            "2024-25",
            "--reason",
            "DfE moved the grant",
        ],
    );
    assert!(
        out.starts_with("Reopened the financing of 2024-25"),
        "{out}"
    );
    ok(&db, &["funding", "withdraw", "1"]);
    assert_eq!(col(&statement(&db, "P4")[0], 14), "0.00");
    // One audited event each for the finalise and the reopen, the reason in the reopen's.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let events: Vec<(String, String)> = conn
        .prepare(
            "SELECT action, coalesce(after, '') FROM audit WHERE entity = 'financing' ORDER BY id",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].0, "finalise");
    assert_eq!(events[1].0, "reopen");
    assert!(
        events[1].1.contains("DfE moved the grant"),
        "{:?}",
        events[1]
    );
    ok(&db, &["check"]);
}

/// Issue 23 item 5, imports: a funding file for a year with a closed period is imported and
/// undone as any other; once the year's financing is finalised both are refused until it is
/// reopened.
#[test]
fn a_funding_import_follows_the_finalised_year_not_the_closed_period() {
    let (dir, db) = base();
    ok(
        &db,
        &[
            "period",
            "close",
            "2024-25",
            "P3",
            "--allow-missing-comments",
        ],
    );
    let file = dir.path().join("funding.csv");
    std::fs::write(
        &file,
        "Programme,Phase,Financial year,Source,Amount\nP,A,2024-25,grant,250.00\n",
    )
    .unwrap();
    let out = ok(&db, &["import", "funding", file.to_str().unwrap()]);
    assert!(out.contains("total £250.00"), "{out}");
    ok(&db, &["funding", "finalise", "--fy", "2024-25"]);
    let before = snapshot(&db);
    let o = run(&db, &["import", "undo", "1"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("the funding lines for 2024-25 are locked"),
        "{}",
        stderr(&o)
    );
    let second = dir.path().join("more.csv");
    std::fs::write(
        &second,
        "Programme,Phase,Financial year,Source,Amount\nP,B,2024-25,reserves,40.00\n",
    )
    .unwrap();
    let o = run(&db, &["import", "funding", second.to_str().unwrap()]);
    assert!(
        stderr(&o).contains("line 2: the funding lines for 2024-25 are locked"),
        "{}",
        stderr(&o)
    );
    assert_eq!(snapshot(&db), before);
    ok(
        &db,
        &[
            "funding",
            "reopen",
            "--fy",
            "2024-25",
            "--reason",
            "grant withdrawn",
        ],
    );
    ok(&db, &["import", "undo", "1"]);
    assert_eq!(
        ok(&db, &["funding", "list", "--format", "csv"])
            .lines()
            .count(),
        1,
        "only the header: the undo removed the imported line"
    );
}
