//! Budgets, funding and benefits imports, the batch list and undo give the same output on SQLite
//! and on PostgreSQL (issue 25); actuals are in `engines_actuals.rs`. Each script runs on fresh
//! books on each engine (`common::engines`); the expected transcript is written by hand from
//! DOMAIN.md's rules, the figures worked out above the test. Today is pinned to 05/12/2026.

mod common;
#[path = "engines_steps/mod.rs"]
mod steps;

use common::engines::same_on_both;
use steps::{dtp, ok, refused, timeless};

/// `budgets.csv`: £500,000.00 for DTP/P1 in 2026-27 under CAB-1, and £200,000.00 for a phase P2
/// (Data platform) created by `--create-missing`, in 2027-28: 2 rows, £700,000.00, 1 phase
/// created. `funding.csv`: a grant of £300,000.00 for DTP/P1 in 2026-27 from DfE and borrowing of
/// £200,000.00: 2 rows, £500,000.00. `benefits.csv`: one benefit (Cashable savings, DTP/P1) with
/// targets of £50,000.00 for 2026-27 and £75,000.00 for 2027-28: 1 benefit, £125,000.00. The
/// funding file again is refused as imported before (batch 2). The list then shows batches 1 to
/// 3; undoing batch 2 removes its 2 funding lines, after which the list marks it undone and
/// `funding list` is empty, while the budgets (and the phase created) stay.
#[test]
fn budgets_funding_and_benefits_imports_read_the_same_on_both_engines() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| steps::file_in(&dir, name, text);
    let budgets = write(
        "budgets.csv",
        "Programme,Phase,Phase name,Financial year,Amount,Decision\n\
         DTP,P1,,2026-27,\"500,000.00\",CAB-1\n\
         DTP,P2,Data platform,2027-28,200000,CAB-1\n",
    );
    let funding = write(
        "funding.csv",
        "Programme,Phase,Financial year,Source,Amount,Funder\n\
         DTP,P1,2026-27,grant,300000,DfE\n\
         DTP,P1,2026-27,borrowing,200000,\n",
    );
    let benefits = write(
        "benefits.csv",
        "Programme,Phase,Description,Kind,Financial year,Target\n\
         DTP,P1,Cashable savings,cashable,2026-27,50000\n\
         DTP,P1,Cashable savings,cashable,2027-28,75000\n",
    );
    let t = same_on_both(|b| {
        dtp(b);
        let mut t = String::new();
        t += &ok(b, &["import", "budgets", &budgets, "--create-missing"]);
        t += &ok(b, &["import", "funding", &funding]);
        t += &ok(b, &["import", "benefits", &benefits]);
        t += &refused(b, &["import", "funding", &funding]);
        t += &timeless(&ok(b, &["import", "list", "--format", "csv"]));
        t += &ok(b, &["import", "undo", "2"]);
        t += &timeless(&ok(b, &["import", "list", "--format", "csv"]));
        t += &ok(b, &["funding", "list"]);
        t += &ok(b, &["allocation", "list"]);
        t
    });
    let expected = concat!(
        "Imported 2 budget lines from budgets.csv as batch 1: total £700,000.00.\n",
        "Created 1 phase.\n",
        "FY       Phase   Rows        Total\n",
        "2026-27  DTP/P1     1  £500,000.00\n",
        "2027-28  DTP/P2     1  £200,000.00\n",
        "Total               2  £700,000.00\n",
        "Imported 2 funding lines from funding.csv as batch 2: total £500,000.00.\n",
        "FY       Phase   Rows        Total\n",
        "2026-27  DTP/P1     2  £500,000.00\n",
        "Total               2  £500,000.00\n",
        "Imported 2 benefit targets from benefits.csv as batch 3: total £125,000.00.\n",
        "FY       Phase   Rows        Total\n",
        "2026-27  DTP/P1     1   £50,000.00\n",
        "2027-28  DTP/P1     1   £75,000.00\n",
        "Total               2  £125,000.00\n",
        "this file was already imported as batch 2 (funding.csv, 2 rows, £500,000.00, by <login> (as test-officer) at <time>): nothing was imported; to load it again, undo that batch first with `outturn import undo 2`\n",
        "Batch,Kind,File,Profile,Rows,Total,Who,At,Undone,SHA-256\n",
        "1,budgets,budgets.csv,,2,700000.00,<login> (as test-officer),<time>,,728894794965572d5dc64c95e4d5ff89fe0e409ade5fb233f83c8cffa73fd13a\n",
        "2,funding,funding.csv,,2,500000.00,<login> (as test-officer),<time>,,ae50e73e4a48a18688cef7980d2e043ba10e62546df54771db2f623b19d04208\n",
        "3,benefits,benefits.csv,,2,125000.00,<login> (as test-officer),<time>,,0193fc00997fba838da993c72e263f5a8abae6f97fa98a2605ab1625444a9446\n",
        "Undid batch 2 (funding, funding.csv): removed 2 rows, total £500,000.00.\n",
        "Batch,Kind,File,Profile,Rows,Total,Who,At,Undone,SHA-256\n",
        "1,budgets,budgets.csv,,2,700000.00,<login> (as test-officer),<time>,,728894794965572d5dc64c95e4d5ff89fe0e409ade5fb233f83c8cffa73fd13a\n",
        "2,funding,funding.csv,,2,500000.00,<login> (as test-officer),<time>,<time>,ae50e73e4a48a18688cef7980d2e043ba10e62546df54771db2f623b19d04208\n",
        "3,benefits,benefits.csv,,2,125000.00,<login> (as test-officer),<time>,,0193fc00997fba838da993c72e263f5a8abae6f97fa98a2605ab1625444a9446\n",
        "Id  Programme  Phase  FY  Source  Amount  Status  Funder  Spend by  Decision\n",
        "Id  Programme  Phase  Years         Amount  Status    Profile              Assumed  Decision\n",
        " 1  DTP        P1     2026-27  £500,000.00  approved  2026-27 £500,000.00  no       CAB-1\n",
        " 2  DTP        P2     2027-28  £200,000.00  approved  2027-28 £200,000.00  no       CAB-1\n",
    );
    assert_eq!(t, expected);
}

/// `gen` with `--create-programmes` on each engine (a URL is never a path: on a server the
/// programmes go to the server), then the generated budgets and actuals imported: the same
/// batches, rows and totals, and the same summary, on both.
#[test]
fn generated_files_import_the_same_on_both_engines() {
    let dir = tempfile::tempdir().unwrap();
    let t = same_on_both(|b| {
        let on_server = matches!(b.place, common::engines::Place::Server { .. });
        let out = dir.path().join(if on_server { "server" } else { "file" });
        let out = out.to_str().unwrap();
        let mut t = ok(
            b,
            &[
                "gen",
                "--actuals",
                "400",
                "--phases",
                "3",
                "--out",
                out,
                "--create-programmes",
            ],
        )
        .replace(out, "<dir>")
        .replace(&b.locator().replace(&b.login(), "<login>"), "<books>");
        t += &ok(
            b,
            &[
                "import",
                "budgets",
                &format!("{out}/budgets.csv"),
                "--create-missing",
            ],
        );
        t += &ok(b, &["import", "actuals", &format!("{out}/actuals.csv")]);
        t += &ok(b, &["summary"]);
        t
    });
    assert!(
        t.contains("Created 1 programme in <books> (0 already there)."),
        "{t}"
    );
    assert!(
        t.contains("Imported 400 rows from actuals.csv as batch 2"),
        "{t}"
    );
}
