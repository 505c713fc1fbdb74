//! Actuals entered by hand give the same output on SQLite and on PostgreSQL (issue 25): adding
//! (with its warnings, or refused under `--strict`), listing with filters, editing against a
//! version, deleting, and a closed period holding them. The script runs on fresh books on each
//! engine (`common::engines`); the expected transcript is written by hand from DOMAIN.md's rules,
//! the figures worked out above the test. Today is pinned to 05/12/2026 (2026-27 P9).

mod common;
#[path = "engines_steps/mod.rs"]
mod steps;

use common::engines::same_on_both;
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
