//! Actuals entered by hand give the same output on SQLite and on PostgreSQL (issue 25): adding
//! (with its warnings, or refused under `--strict`), listing with filters, editing against a
//! version, deleting, and a closed period holding them. The script runs on fresh books on each
//! engine (`common::engines`); the expected transcript is written by hand from DOMAIN.md's rules,
//! the figures worked out above the test. Today is pinned to 05/12/2026 (2026-27 P9).

mod common;
#[path = "engines_steps/mod.rs"]
mod steps;

use common::engines::same_on_both;
use steps::audit_of;
use steps::{dtp, ok, refused};

/// Actual 1, INV-1, £1,000.00 on 15/04/2026 (2026-27 P1); actual 2, a credit of £250.50 on
/// 20/05/2026 (P2) against contract C-1; actual 3, INV-1 again on 01/06/2026 (P3) for £999.99:
/// warned, since INV-1 is on actual 1 with another date and amount. An actual dated 10/12/2026 is
/// after today: refused under `--strict` (nothing written, so the next id is still 4), warned
/// without it. `--supplier acme` finds "Acme Ltd" and "ACME LTD" (case is ignored) but not "Bolt
/// plc". Actual 1 edited to £1,200.00 moves to version 2; a second edit that read version 1 is
/// refused. With 2026-27 closed through P2 (31/05/2026), actual 1 (P1) can no longer be edited
/// nor an actual added on 01/05/2026, while actual 3 (P3) can still be deleted: actuals 1, 2 and
/// 4 are left, and P2 of 2026-27 holds only the credit.
#[test]
fn actuals_by_hand_read_the_same_on_both_engines() {
    let t = same_on_both(|b| {
        dtp(b);
        let mut t = String::new();
        b.ok(&[
            "contract",
            "add",
            "--reference",
            "C-1",
            "--title",
            "Hosting",
            "--supplier",
            "Bolt plc",
            "--phase",
            "DTP/P1",
            "--value",
            "5,000",
            "--start",
            "01/04/2026",
            "--term",
            "12",
        ]);
        let add = |date: &str, supplier: &str, reference: &str, amount: &str| {
            [
                "actual",
                "add",
                "--phase",
                "DTP/P1",
                "--date",
                date,
                "--supplier",
                supplier,
                "--reference",
                reference,
                "--amount",
                amount,
            ]
            .map(String::from)
            .to_vec()
        };
        let strs = |v: &[String]| {
            v.iter()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join("\u{1}")
        };
        let args = |v: &[String]| strs(v).split('\u{1}').map(String::from).collect::<Vec<_>>();
        let run = |v: Vec<String>, how: fn(&common::engines::Books, &[&str]) -> String| {
            let a = args(&v);
            how(b, &a.iter().map(String::as_str).collect::<Vec<_>>())
        };
        t += &run(add("15/04/2026", "Acme Ltd", "INV-1", "1,000.00"), ok);
        let mut credit = add("20/05/2026", "Bolt plc", "CR-7", "(250.50)");
        credit.extend(["--contract".to_string(), "C-1".to_string()]);
        t += &run(credit, ok);
        t += &run(add("01/06/2026", "ACME LTD", "INV-1", "999.99"), |b, a| {
            b.warned(a)
        });
        let mut strict = add("10/12/2026", "Acme Ltd", "INV-9", "10");
        strict.push("--strict".into());
        t += &run(strict, refused);
        t += &run(add("10/12/2026", "Acme Ltd", "INV-9", "10"), |b, a| {
            b.warned(a)
        });
        t += &ok(b, &["actual", "list", "--supplier", "acme"]);
        t += &ok(
            b,
            &[
                "actual",
                "edit",
                "1",
                "--amount",
                "1200",
                "--expected-version",
                "1",
            ],
        );
        t += &refused(
            b,
            &[
                "actual",
                "edit",
                "1",
                "--amount",
                "1300",
                "--expected-version",
                "1",
            ],
        );
        b.ok(&[
            "comment",
            "add",
            "--phase",
            "DTP/P1",
            "--fy",
            "2026-27",
            "--period",
            "P2",
            "--text",
            "Hosting contract let; no budget yet",
        ]);
        t += &ok(b, &["period", "close", "2026-27", "P2"]);
        t += &refused(b, &["actual", "edit", "1", "--amount", "1"]);
        t += &run(add("01/05/2026", "Acme Ltd", "INV-5", "5"), refused);
        t += &ok(b, &["actual", "delete", "3"]);
        t += &ok(b, &["actual", "list", "--format", "csv"]);
        t += &ok(b, &["actual", "list", "--fy", "2026-27", "--period", "P2"]);
        t
    });
    let expected = concat!(
        "Added actual 1: £1,000.00 on 15/04/2026.\n",
        "Added actual 2: -£250.50 on 20/05/2026.\n",
        "warning: actual 3 reference 'INV-1' is also on actual 1 dated 15/04/2026 for £1,000.00: another date or amount (a duplicate?)\n",
        "Added actual 3: £999.99 on 01/06/2026.\n",
        "outturn: refused under --strict: the actual dated 10/12/2026 is after today (05/12/2026): is the date right?\n",
        "warning: actual 4 dated 10/12/2026 is after today (05/12/2026): is the date right?\n",
        "Added actual 4: £10.00 on 10/12/2026.\n",
        "Id        Date  FY       Period  Programme  Phase  Contract  Supplier  Description  Reference     Amount\n",
        " 1  15/04/2026  2026-27  P1      DTP        P1               Acme Ltd               INV-1      £1,000.00\n",
        " 3  01/06/2026  2026-27  P3      DTP        P1               ACME LTD               INV-1        £999.99\n",
        " 4  10/12/2026  2026-27  P9      DTP        P1               Acme Ltd               INV-9         £10.00\n",
        "Actual 1: £1,200.00 on 15/04/2026 (2026-27 P1), version 2.\n",
        "outturn: actual 1 was changed by <login> (as test-officer) at <time> since you opened it: reload it and make your change again\n",
        "Closed 2026-27 P2: everything dated on or before 31/05/2026 is locked. Its report is kept as a snapshot (3 rows, 1 programme; its financing statement beside it, 3 rows; `outturn report list`).\n",
        "outturn: an actual dated 15/04/2026 falls in a closed period (closed through 2026-27 P2): reopen it with `outturn period reopen` and a reason, or date the entry in an open period\n",
        "outturn: an actual dated 01/05/2026 falls in a closed period (closed through 2026-27 P2): reopen it with `outturn period reopen` and a reason, or date the entry in an open period\n",
        "Deleted actual 3.\n",
        "Id,Date,FY,Period,Programme,Phase,Contract,Supplier,Description,Reference,Amount\n",
        "1,2026-04-15,2026-27,P1,DTP,P1,,Acme Ltd,,INV-1,1200.00\n",
        "2,2026-05-20,2026-27,P2,DTP,P1,C-1,Bolt plc,,CR-7,-250.50\n",
        "4,2026-12-10,2026-27,P9,DTP,P1,,Acme Ltd,,INV-9,10.00\n",
        "Id        Date  FY       Period  Programme  Phase  Contract  Supplier  Description  Reference     Amount\n",
        " 2  20/05/2026  2026-27  P2      DTP        P1     C-1       Bolt plc               CR-7       (£250.50)\n",
    );
    assert_eq!(t, expected);
}

/// A ledger file imported on each engine. `first.csv`: three rows for DTP/P1, £100.00 on
/// 10/04/2026 (INV-1), £250.25 on 12/05/2026 (INV-2) and a credit of £50.00 on 12/05/2026
/// (CR-1): 3 rows, £300.25. A second file repeating INV-2 (same phase, date, amount and
/// reference) and adding £10.00 on 11/12/2026 (after today, warned) imports with
/// `--skip-duplicates` 1 row, £10.00, leaving 1 out; again without it, it is refused naming
/// the bytes it was imported from before. `again.csv` repeats INV-1 on line 3 (actual 1):
/// refused, naming it. Actual is £310.25 in 2026-27. `bad.csv` has a date in
/// the wrong format on line 3 and a phase that does not exist on line 4: refused, naming both,
/// and nothing is written. The batches, the actuals and the audit log then read the same, and
/// `check`, which replays the log (each batch's digest against its rows), passes on both; the
/// server's books copied to a file pass it there too.
#[test]
fn ledger_imports_read_the_same_on_both_engines() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| steps::file_in(&dir, name, text);
    let first = write(
        "first.csv",
        "Date,Phase,Supplier,Description,Reference,Amount\n\
         10/04/2026,DTP/P1,Acme Ltd,Hosting,INV-1,100.00\n\
         12/05/2026,DTP/P1,Acme Ltd,Hosting,INV-2,250.25\n\
         12/05/2026,DTP/P1,Acme Ltd,Refund,CR-1,-50.00\n",
    );
    let second = write(
        "second.csv",
        "Date,Phase,Supplier,Description,Reference,Amount\n\
         12/05/2026,DTP/P1,Acme Ltd,Hosting,INV-2,250.25\n\
         11/12/2026,DTP/P1,Bolt plc,Licences,INV-3,10.00\n",
    );
    let again = write(
        "again.csv",
        "Date,Phase,Supplier,Description,Reference,Amount\n\
         01/06/2026,DTP/P1,Acme Ltd,Hosting,INV-7,5.00\n\
         10/04/2026,DTP/P1,Acme Ltd,Hosting,INV-1,100.00\n",
    );
    let bad = write(
        "bad.csv",
        "Date,Phase,Supplier,Description,Reference,Amount\n\
         01/06/2026,DTP/P1,Acme Ltd,Hosting,INV-4,1.00\n\
         2026/06/02,DTP/P1,Acme Ltd,Hosting,INV-5,1.00\n\
         03/06/2026,DTP/P9,Acme Ltd,Hosting,INV-6,1.00\n",
    );
    let t = same_on_both(|b| {
        dtp(b);
        let mut t = String::new();
        t += &ok(b, &["import", "actuals", &first]);
        t += &b.warned(&["import", "actuals", &second, "--skip-duplicates"]);
        // Refusals last: a server's sequences never go back, so ids a refused import took are
        // not given again (SQLite gives them again), and later ids would differ.
        t += &refused(b, &["import", "actuals", &second]);
        t += &refused(b, &["import", "actuals", &again]);
        t += &refused(b, &["import", "actuals", &bad]);
        t += &ok(b, &["actual", "list", "--format", "csv"]);
        t += &ok(b, &["summary", "--fy", "2026-27"]);
        t += &steps::timeless(&audit_of(b, "import_batch", true));
        // The log replayed (each batch's count and SHA-256 against its rows) finds nothing.
        let checked = b.ok(&["check"]);
        assert!(checked.ends_with(" checks passed\n"), "{checked}");
        t
    });
    let expected = concat!(
        "Imported 3 rows from first.csv as batch 1: total £300.25.\n",
        "FY       Phase   Rows    Total\n",
        "2026-27  DTP/P1     3  £300.25\n",
        "Total               3  £300.25\n",
        "warning: line 3: dated 11/12/2026 is after today (05/12/2026): is the date right?\n",
        "Imported 1 row from second.csv as batch 2: total £10.00.\n",
        "Left out 1 row already in the ledger (--skip-duplicates).\n",
        "FY       Phase   Rows   Total\n",
        "2026-27  DTP/P1     1  £10.00\n",
        "Total               1  £10.00\n",
        "this file was already imported as batch 2 (second.csv, 1 row, £10.00, by <login> (as test-officer) at <time>): nothing was imported; to load it again, undo that batch first with `outturn import undo 2`\n",
        "line 3, column Reference: 'INV-1' dated 10/04/2026 for £100.00 on DTP/P1 is already in the ledger (actual 1): leave it out, or import with --skip-duplicates\n",
        "1 row is already in the ledger: nothing was imported; leave them out of the file, or import with --skip-duplicates\n",
        "line 3, column Date: '2026/06/02' is not a date: year-first dates need dashes; use DD/MM/YYYY or YYYY-MM-DD, e.g. 02/06/2026 or 2026-06-02\n",
        "line 4, column Phase: no phase 'P9' in programme DTP; its phases: P1\n",
        "2 problems in the file: nothing was imported; correct the rows and import the file again\n",
        "Id,Date,FY,Period,Programme,Phase,Contract,Supplier,Description,Reference,Amount\n",
        "1,2026-04-10,2026-27,P1,DTP,P1,,Acme Ltd,Hosting,INV-1,100.00\n",
        "2,2026-05-12,2026-27,P2,DTP,P1,,Acme Ltd,Hosting,INV-2,250.25\n",
        "3,2026-05-12,2026-27,P2,DTP,P1,,Acme Ltd,Refund,CR-1,-50.00\n",
        "5,2026-12-11,2026-27,P9,DTP,P1,,Bolt plc,Licences,INV-3,10.00\n",
        "FY       Programme  Phase            Name             Approved budget  Pending approval  Committed   Actual   Headroom  Profile  Approved funding  Funding gap  Projected funding\n",
        "2026-27  DTP        P1               Cloud migration            £0.00             £0.00      £0.00  £310.25  (£310.25)                      £0.00        £0.00              £0.00\n",
        "2026-27  DTP        Programme total                             £0.00             £0.00      £0.00  £310.25  (£310.25)                      £0.00        £0.00              £0.00\n",
        "2026-27             Grand total                                 £0.00             £0.00      £0.00  £310.25  (£310.25)                      £0.00        £0.00              £0.00\n",
        "Who | Action | Entity | Record | Before | After\n",
        "<login> (as test-officer) | import | import_batch | 2 |  | {\"batch\":{\"id\":2,\"kind\":\"actuals\",\"file_name\":\"second.csv\",\"sha256\":\"39443fad589e4d793a23893a8f6a4979adb17b4cc66b543c7b4b1fd60865c04c\",\"rows\":1,\"total\":\"10.00\",\"who\":\"<login> (as test-officer)\",\"at\":\"<time>\",\"undone_at\":null,\"profile\":null},\"encoding\":\"UTF-8\",\"skipped_duplicates\":1,\"created_phases\":0,\"by_fy_phase\":[{\"fy\":\"2026-27\",\"phase\":\"DTP/P1\",\"rows\":1,\"total\":\"10.00\"}]}\n",
        "<login> (as test-officer) | import | import_batch | 1 |  | {\"batch\":{\"id\":1,\"kind\":\"actuals\",\"file_name\":\"first.csv\",\"sha256\":\"bb8a449220d4bdf2bf968cd0384a323323c094f079bd92817fef4e8570985ef1\",\"rows\":3,\"total\":\"300.25\",\"who\":\"<login> (as test-officer)\",\"at\":\"<time>\",\"undone_at\":null,\"profile\":null},\"encoding\":\"UTF-8\",\"skipped_duplicates\":0,\"created_phases\":0,\"by_fy_phase\":[{\"fy\":\"2026-27\",\"phase\":\"DTP/P1\",\"rows\":3,\"total\":\"300.25\"}]}\n",
    );
    assert_eq!(t, expected);
    if let Some(server) = common::engines::Books::postgres() {
        dtp(&server);
        server.ok(&["import", "actuals", &first]);
        server.warned(&["import", "actuals", &second, "--skip-duplicates"]);
        let file = dir.path().join("copied.db").display().to_string();
        server.ok(&["copy", "--from", &server.locator(), "--to", &file]);
        let check = common::bin()
            .args(["--db", &file, "check"])
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&check.stdout);
        assert!(
            check.status.success(),
            "{said}{}",
            String::from_utf8_lossy(&check.stderr)
        );
        assert!(said.contains("ok"), "{said}");
    }
}

/// A first import, into a ledger holding no actuals, whose file holds reference INV-1 twice
/// (£100.00 on 10/04/2026, line 2; £120.00 on 20/05/2026, line 4): both lines are warned of,
/// each naming the other's actual (written in date order: line 2 as actual 1, line 3 as 2,
/// line 4 as 3), and all three rows (£470.25) are imported, on both engines. On a server only
/// the rows whose references the import met twice are read back for it.
#[test]
fn a_first_import_warns_of_a_reference_its_file_holds_twice_on_both_engines() {
    let dir = tempfile::tempdir().unwrap();
    let twice = steps::file_in(
        &dir,
        "twice.csv",
        "Date,Phase,Supplier,Description,Reference,Amount\n\
         10/04/2026,DTP/P1,Acme Ltd,Hosting,INV-1,100.00\n\
         12/05/2026,DTP/P1,Acme Ltd,Hosting,INV-2,250.25\n\
         20/05/2026,DTP/P1,Acme Ltd,Hosting,INV-1,120.00\n",
    );
    let t = same_on_both(|b| {
        dtp(b);
        b.warned(&["import", "actuals", &twice])
    });
    let expected = concat!(
        "warning: line 2: reference 'INV-1' is also on actual 3 dated 20/05/2026 for £120.00: another date or amount (a duplicate?)\n",
        "warning: line 4: reference 'INV-1' is also on actual 1 dated 10/04/2026 for £100.00: another date or amount (a duplicate?)\n",
        "Imported 3 rows from twice.csv as batch 1: total £470.25.\n",
        "FY       Phase   Rows    Total\n",
        "2026-27  DTP/P1     3  £470.25\n",
        "Total               3  £470.25\n",
    );
    assert_eq!(t, expected);
}
