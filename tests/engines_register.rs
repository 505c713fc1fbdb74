//! The register and the budgets give the same output on SQLite and on PostgreSQL (issue 25):
//! programmes (edit, delete), phases, decisions and frameworks; allocations and budget changes,
//! with the rule that an approved change never takes a phase's budget below zero at any date;
//! settings and variance commentary. Each script runs on fresh books on each engine
//! (`common::engines`); the expected transcripts are written by hand from DOMAIN.md's rules.
//! On a server only a lead approves a budget change: an officer's second login is refused.

mod common;

use common::engines::{Books, Place, same_on_both};

/// Closes the books through `through` (the end of `fy` `period`) as a lead would: written
/// straight into `closed_period`, since `period close` is not shared yet.
fn close_through(b: &Books, fy: i64, period: i64, through: &str) {
    let sql = "INSERT INTO closed_period(fy, period, through_date, who, at) \
               VALUES ($1, $2, $3, 'lead', '2026-12-01T09:00:00Z')";
    match &b.place {
        Place::File(dir) => {
            let conn = rusqlite::Connection::open(dir.path().join("books.db")).unwrap();
            conn.execute(
                &sql.replace('$', "?"),
                rusqlite::params![fy, period, through],
            )
            .unwrap();
        }
        Place::Server { db, login } => {
            db.connect_as(login)
                .execute(sql, &[&fy, &period, &through])
                .unwrap();
        }
    }
}

/// `s` with each time stamp (`2026-12-05T10:11:12Z`) written as `<time>`.
fn without_times(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    while i < b.len() {
        let stamp = i + 20 <= b.len()
            && b[i..i + 20].iter().enumerate().all(|(k, c)| match k {
                4 | 7 => *c == b'-',
                10 => *c == b'T',
                13 | 16 => *c == b':',
                19 => *c == b'Z',
                _ => c.is_ascii_digit(),
            });
        if stamp {
            out.push_str("<time>");
            i += 20;
        } else {
            let ch = s[i..].chars().next().unwrap();
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

/// A refused step's message, the login and the time stamps written as `<login>` and `<time>`
/// (a conflict names who changed the record and when).
fn refused(b: &Books, args: &[&str]) -> String {
    without_times(&b.refused(args).replace(&b.login(), "<login>"))
}

#[test]
fn the_register_is_corrected_and_retired_the_same_on_both_engines() {
    let transcript = same_on_both(|b| {
        let mut t = String::new();
        t += &b.ok(&["programme", "add", "--code", "SCH", "--name", "Schools"]);
        t += &b.ok(&["programme", "add", "--code", "OLD", "--name", "Old"]);
        t += &b.ok(&[
            "programme",
            "edit",
            "SCH",
            "--name",
            "School places",
            "--expected-version",
            "1",
        ]);
        // A stale version: the edit above moved SCH to version 2.
        t += &refused(
            b,
            &[
                "programme",
                "edit",
                "SCH",
                "--status",
                "planned",
                "--expected-version",
                "1",
            ],
        );
        t += &refused(
            b,
            &[
                "programme",
                "edit",
                "SCH",
                "--expected-version",
                "3",
                "--name",
                "X",
            ],
        );
        t += &b.ok(&["programme", "delete", "OLD"]);
        t += &b.ok(&[
            "phase",
            "add",
            "--programme",
            "SCH",
            "--code",
            "P1",
            "--name",
            "Phase one",
            "--officer",
            "J Smith",
        ]);
        t += &b.ok(&[
            "phase",
            "add",
            "--programme",
            "SCH",
            "--code",
            "P2",
            "--name",
            "Phase two",
        ]);
        t += &refused(
            b,
            &[
                "phase",
                "add",
                "--programme",
                "SCH",
                "--code",
                "P1",
                "--name",
                "Again",
            ],
        );
        t += &refused(
            b,
            &[
                "phase",
                "add",
                "--programme",
                "SCH",
                "--code",
                "P3",
                "--name",
                "X",
                "--status",
                "done",
            ],
        );
        t += &b.ok(&[
            "phase",
            "edit",
            "SCH/P1",
            "--status",
            "delivered",
            "--officer",
            "",
        ]);
        t += &refused(b, &["phase", "edit", "SCH/P1", "--status", "active"]);
        t += &refused(b, &["phase", "edit", "SCH/P2", "--code", "P1"]);
        t += &b.ok(&["phase", "list"]);
        t += &refused(b, &["programme", "delete", "SCH"]);
        t += &b.ok(&["phase", "delete", "P2", "--programme", "SCH"]);
        t += &b.ok(&[
            "decision",
            "add",
            "--reference",
            "CAB-1",
            "--body",
            "Cabinet",
            "--date",
            "2026-06-30",
            "--programme",
            "SCH",
            "--item",
            "7",
            "--key",
            "--summary",
            "School places programme",
        ]);
        t += &b.ok(&[
            "decision",
            "add",
            "--reference",
            "DEL-9",
            "--body",
            "Director of Resources",
            "--date",
            "2026-05-01",
            "--call-in",
            "--summary",
            "Delegated",
        ]);
        t += &refused(
            b,
            &[
                "decision",
                "add",
                "--reference",
                "CAB-1",
                "--body",
                "Cabinet",
                "--date",
                "2026-07-01",
                "--summary",
                "Again",
            ],
        );
        t += &b.ok(&[
            "decision",
            "edit",
            "DEL-9",
            "--item",
            "12",
            "--key-decision",
            "yes",
            "--expected-version",
            "1",
        ]);
        t += &b.ok(&["decision", "list"]);
        t += &b.ok(&["decision", "delete", "DEL-9"]);
        t += &b.ok(&[
            "framework",
            "add",
            "--name",
            "SCAPE",
            "--reference",
            "SC-4",
            "--planned-end",
            "2027-03-31",
        ]);
        t += &b.ok(&[
            "framework",
            "add",
            "--name",
            "YORbuild",
            "--reference",
            "Y3",
        ]);
        t += &b.ok(&[
            "framework",
            "edit",
            "YORbuild",
            "--actual-end",
            "2026-10-31",
        ]);
        t += &refused(b, &["framework", "edit", "YORbuild", "--name", "SCAPE"]);
        t += &b.ok(&["framework", "list", "--format", "csv"]);
        t += &b.ok(&["framework", "delete", "SCAPE"]);
        t += &b.ok(&["framework", "list"]);
        t
    });
    assert_eq!(
        transcript,
        "Added programme SCH.\n\
         Added programme OLD.\n\
         Programme SCH (School places, active), version 2.\n\
         outturn: this programme was changed by <login> (as test-officer) at <time> since you opened it: reload it and make your change again\n\
         outturn: --expected-version: this programme is at version 2, never at version 3: read the version from the list again\n\
         Deleted programme OLD.\n\
         Added phase SCH/P1.\n\
         Added phase SCH/P2.\n\
         outturn: --code: phase 'P1' already exists in this programme\n\
         outturn: --status: 'done' is not a status: use one of planned, active, delivered, closed\n\
         Phase SCH/P1 (Phase one, delivered), version 2.\n\
         outturn: --status: 'active': a phase moves planned -> active -> delivered -> closed, and SCH/P1 is already delivered\n\
         outturn: edit: another phase already has that code, reference or name\n\
         Programme  Code  Name       Status     Officer\n\
         SCH        P1    Phase one  delivered\n\
         SCH        P2    Phase two  active\n\
         outturn: programme SCH cannot be deleted: 2 phase(s) refer to it\n\
         Deleted phase P2.\n\
         Added decision CAB-1.\n\
         Added decision DEL-9.\n\
         outturn: --reference: decision 'CAB-1' already exists\n\
         Decision DEL-9, version 2.\n\
         Reference        Date  Body                   Item  Key  Call-in  Outcome   Summary\n\
         DEL-9      01/05/2026  Director of Resources  12    yes  yes      approved  Delegated\n\
         CAB-1      30/06/2026  Cabinet                7     yes  no       approved  School places programme\n\
         Deleted decision DEL-9.\n\
         Added framework SCAPE.\n\
         Added framework YORbuild.\n\
         Framework YORbuild, version 2.\n\
         outturn: edit: another framework already has that code, reference or name\n\
         Name,Reference,Planned end,Actual end\n\
         SCAPE,SC-4,2027-03-31,\n\
         YORbuild,Y3,,2026-10-31\n\
         Deleted framework SCAPE.\n\
         Name      Reference  Planned end  Actual end\n\
         YORbuild  Y3                      31/10/2026\n"
    );
}

#[test]
fn allocations_and_budget_changes_keep_the_budget_rules_on_both_engines() {
    let transcript = same_on_both(|b| {
        let mut t = String::new();
        b.ok(&["programme", "add", "--code", "SCH", "--name", "Schools"]);
        b.ok(&[
            "phase",
            "add",
            "--programme",
            "SCH",
            "--code",
            "P1",
            "--name",
            "Phase one",
        ]);
        b.ok(&[
            "phase",
            "add",
            "--programme",
            "SCH",
            "--code",
            "P2",
            "--name",
            "Phase two",
        ]);
        b.ok(&[
            "decision",
            "add",
            "--reference",
            "CAB-1",
            "--body",
            "Cabinet",
            "--date",
            "2026-06-30",
            "--summary",
            "Capital programme",
        ]);
        t += &b.ok(&[
            "allocation",
            "add",
            "--programme",
            "SCH",
            "--phase",
            "P1",
            "--fy",
            "2026-27",
            "--amount",
            "1000",
        ]);
        t += &b.ok(&[
            "allocation",
            "add",
            "--phase",
            "SCH/P2",
            "--fy",
            "2026-27",
            "--to-fy",
            "2027-28",
            "--amount",
            "£300",
            "--status",
            "projected",
        ]);
        t += &refused(
            b,
            &[
                "allocation",
                "add",
                "--phase",
                "SCH/P2",
                "--fy",
                "2026-27",
                "--amount",
                "10",
                "--status",
                "pending",
            ],
        );
        t += &refused(
            b,
            &[
                "allocation",
                "profile",
                "2",
                "--profile",
                "2026-27=£100,2027-28=£100",
            ],
        );
        t += &b.ok(&[
            "allocation",
            "profile",
            "2",
            "--profile",
            "2026-27=£100,2027-28=£200",
        ]);
        // The reprofile moved allocation 2 to version 2.
        t += &refused(
            b,
            &[
                "allocation",
                "approve",
                "2",
                "--decision",
                "CAB-1",
                "--expected-version",
                "5",
            ],
        );
        t += &b.ok(&["allocation", "approve", "2", "--decision", "CAB-1"]);
        t += &b.ok(&[
            "allocation",
            "add",
            "--phase",
            "SCH/P2",
            "--fy",
            "2027-28",
            "--amount",
            "50",
            "--status",
            "projected",
        ]);
        t += &b.ok(&["allocation", "withdraw", "3", "--reason", "Not needed"]);
        t += &b.ok(&["allocation", "list"]);
        // P1 in 2026-27: £1,000.00, less £600.00 from 01/06/2026, plus £500.00 from 01/09/2026.
        t += &b.ok(&[
            "change",
            "add",
            "--kind",
            "reduction",
            "--phase",
            "SCH/P1",
            "--fy",
            "2026-27",
            "--amount",
            "600",
            "--effective",
            "2026-06-01",
            "--status",
            "approved",
        ]);
        t += &b.ok(&[
            "change",
            "add",
            "--kind",
            "addition",
            "--phase",
            "SCH/P1",
            "--fy",
            "2026-27",
            "--amount",
            "500",
            "--effective",
            "2026-09-01",
            "--status",
            "approved",
        ]);
        // £700.00 out on 01/07/2026: £900.00 by the year's end, but £400.00 - £700.00 = -£300.00
        // on 01/07/2026, before the addition.
        t += &refused(
            b,
            &[
                "change",
                "add",
                "--kind",
                "reduction",
                "--phase",
                "SCH/P1",
                "--fy",
                "2026-27",
                "--amount",
                "700",
                "--effective",
                "2026-07-01",
                "--status",
                "approved",
            ],
        );
        // More than the year has at all: £900.00.
        t += &refused(
            b,
            &[
                "change",
                "add",
                "--kind",
                "reduction",
                "--phase",
                "SCH/P1",
                "--fy",
                "2026-27",
                "--amount",
                "901",
                "--effective",
                "2026-11-01",
                "--status",
                "approved",
            ],
        );
        t += &b.ok(&[
            "change",
            "add",
            "--kind",
            "virement",
            "--from-phase",
            "SCH/P1",
            "--to-phase",
            "SCH/P2",
            "--fy",
            "2026-27",
            "--amount",
            "100",
            "--effective",
            "2026-10-01",
            "--reason",
            "Roof",
        ]);
        t += &b.ok(&[
            "change",
            "amend",
            "3",
            "--amount",
            "150",
            "--expected-version",
            "1",
        ]);
        t += &refused(
            b,
            &[
                "change",
                "amend",
                "3",
                "--amount",
                "120",
                "--expected-version",
                "1",
            ],
        );
        t += &b.ok(&["change", "approve", "3", "--decision", "CAB-1"]);
        t += &refused(b, &["change", "amend", "3", "--amount", "120"]);
        t += &b.ok(&[
            "change",
            "add",
            "--kind",
            "reprofile",
            "--phase",
            "SCH/P2",
            "--from-fy",
            "2026-27",
            "--to-fy",
            "2027-28",
            "--amount",
            "50",
            "--effective",
            "2026-11-01",
        ]);
        t += &b.ok(&["change", "reject", "4"]);
        t += &b.ok(&[
            "change",
            "add",
            "--kind",
            "reduction",
            "--phase",
            "SCH/P2",
            "--fy",
            "2027-28",
            "--amount",
            "10",
            "--effective",
            "2026-11-15",
        ]);
        t += &b.ok(&["change", "withdraw", "5", "--reason", "Duplicate"]);
        t += &refused(b, &["change", "approve", "5"]);
        close_through(b, 2026, 7, "2026-10-31");
        t += &refused(
            b,
            &[
                "change",
                "add",
                "--kind",
                "addition",
                "--phase",
                "SCH/P1",
                "--fy",
                "2026-27",
                "--amount",
                "5",
                "--effective",
                "2026-10-15",
            ],
        );
        t += &refused(
            b,
            &[
                "allocation",
                "add",
                "--phase",
                "SCH/P1",
                "--fy",
                "2026-27",
                "--amount",
                "5",
            ],
        );
        t += &b.ok(&["change", "list"]);
        t += &b.ok(&[
            "change",
            "list",
            "--programme",
            "SCH",
            "--fy",
            "2027-28",
            "--format",
            "csv",
        ]);
        t
    });
    assert_eq!(
        transcript,
        "Added allocation 1: £1,000.00 for SCH/P1 2026-27.\n\
         Added allocation 2: £300.00 for SCH/P2 2026-27 to 2027-28 (profile assumed: even split).\n\
         outturn: --status: 'pending' is not an allocation status: use one of approved, projected, withdrawn\n\
         outturn: --profile: the years add up to £200.00, not the allocation's £300.00\n\
         Allocation 2 reprofiled: 2026-27 £100.00; 2027-28 £200.00.\n\
         outturn: --expected-version: allocation 2 is at version 2, never at version 5: read the version from the list again\n\
         Allocation 2 approved by CAB-1 on 30/06/2026: £300.00 for SCH/P2 2026-27 to 2027-28 now counts in Original budget, no longer in Pending approval.\n\
         Added allocation 3: £50.00 for SCH/P2 2027-28.\n\
         Allocation 3 withdrawn: £50.00 for SCH/P2 2027-28 leaves Pending approval.\n\
         Id  Programme  Phase  Years                  Amount  Status     Profile                           Assumed  Decision\n\
         \x201  SCH        P1     2026-27             £1,000.00  approved   2026-27 £1,000.00                 no\n\
         \x202  SCH        P2     2026-27 to 2027-28    £300.00  approved   2026-27 £100.00; 2027-28 £200.00  no       CAB-1\n\
         \x203  SCH        P2     2027-28                £50.00  withdrawn  2027-28 £50.00                    no\n\
         Added reduction 1 (£600.00, approved).\n\
         Added addition 2 (£500.00, approved).\n\
         outturn: --amount: £700.00 out of SCH/P1 in 2026-27 effective 01/07/2026 would take its revised budget to -£300.00 on 01/07/2026 (2026-27 P4), though later changes may cover it: a year's budget may not go below zero at any date\n\
         outturn: --amount: £901.00 cannot move out of SCH/P1 in 2026-27: its approved budget there is £900.00\n\
         Added virement 3 (£100.00, proposed).\n\
         Change 3 amended: virement £150.00 effective 01/10/2026, version 2.\n\
         outturn: budget change 3 was changed by <login> (as test-officer) at <time> since you opened it: reload it and make your change again\n\
         Change 3 approved.\n\
         outturn: change 3 is approved: only a proposed change can be amended (an approved one is reversed by another change)\n\
         Added reprofile 4 (£50.00, proposed).\n\
         Change 4 rejected.\n\
         Added reduction 5 (£10.00, proposed).\n\
         Change 5 withdrawn.\n\
         outturn: change 5 is already withdrawn: only a proposed change can be approved or rejected\n\
         outturn: a budget change dated 15/10/2026 falls in a closed period (closed through 2026-27 P7): reopen it with `outturn period reopen` and a reason, or date the entry in an open period\n\
         outturn: an allocation for a year dated 01/04/2026 falls in a closed period (closed through 2026-27 P7): reopen it with `outturn period reopen` and a reason, or date the entry in an open period\n\
         Id  Kind        Amount  From            To               Effective  Status     Decision  Reason\n\
         \x201  reduction  £600.00  SCH/P1 2026-27                  01/06/2026  approved\n\
         \x202  addition   £500.00                  SCH/P1 2026-27  01/09/2026  approved\n\
         \x203  virement   £150.00  SCH/P1 2026-27  SCH/P2 2026-27  01/10/2026  approved   CAB-1     Roof\n\
         \x204  reprofile   £50.00  SCH/P2 2026-27  SCH/P2 2027-28  01/11/2026  rejected\n\
         \x205  reduction   £10.00  SCH/P2 2027-28                  15/11/2026  withdrawn\n\
         Id,Kind,Amount,From,To,Effective,Status,Decision,Reason\n\
         4,reprofile,50.00,SCH/P2 2026-27,SCH/P2 2027-28,2026-11-01,rejected,,\n\
         5,reduction,10.00,SCH/P2 2027-28,,2026-11-15,withdrawn,,\n"
    );
}

/// `comment list --format csv` without its Who and At columns (the officer's login and the
/// clock's time).
fn comments(b: &Books) -> String {
    let csv = b.ok(&["comment", "list", "--format", "csv"]);
    let mut out = String::new();
    for line in csv.lines() {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(line.as_bytes());
        let rec = r.records().next().unwrap().unwrap();
        let kept: Vec<&str> = rec
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != 6 && *i != 7)
            .map(|(_, f)| f)
            .collect();
        out += &(kept.join(" | ") + "\n");
    }
    out
}

#[test]
fn settings_and_variance_commentary_read_the_same_on_both_engines() {
    let transcript = same_on_both(|b| {
        let mut t = String::new();
        t += &b.ok(&["config", "set", "rag.red_overspend_pct", "7.50"]);
        t += &refused(b, &["config", "set", "rag.red_overspend_pct", "120"]);
        t += &refused(b, &["config", "get", "rag.colour"]);
        t += &b.ok(&["config", "set", "rag.red_overspend_pct", "6"]);
        t += &b.ok(&["config", "get", "rag.red_overspend_pct"]);
        t += &b.ok(&["config", "set", "comment.variance_amount", "£50k"]);
        t += &b.ok(&["config", "list"]);
        b.ok(&["programme", "add", "--code", "SCH", "--name", "Schools"]);
        b.ok(&[
            "phase",
            "add",
            "--programme",
            "SCH",
            "--code",
            "P1",
            "--name",
            "Phase one",
        ]);
        b.ok(&[
            "phase",
            "add",
            "--programme",
            "SCH",
            "--code",
            "P2",
            "--name",
            "Phase two",
        ]);
        t += &b.ok(&[
            "comment",
            "add",
            "--phase",
            "SCH/P1",
            "--fy",
            "2026-27",
            "--period",
            "P6",
            "--text",
            "Slippage on site",
        ]);
        t += &refused(
            b,
            &[
                "comment", "add", "--phase", "SCH/P1", "--fy", "2026-27", "--period", "P6",
                "--text", "Again",
            ],
        );
        t += &b.ok(&[
            "comment",
            "add",
            "--programme",
            "SCH",
            "--phase",
            "P2",
            "--fy",
            "2026-27",
            "--period",
            "P8",
            "--text",
            "On track",
        ]);
        t += &b.ok(&[
            "comment",
            "edit",
            "1",
            "--text",
            "Slippage: piling",
            "--expected-version",
            "1",
        ]);
        t += &refused(
            b,
            &[
                "comment",
                "edit",
                "1",
                "--text",
                "Late",
                "--expected-version",
                "1",
            ],
        );
        t += &b.ok(&[
            "comment", "carry", "--fy", "2026-27", "--from", "P6", "--to", "P8",
        ]);
        close_through(b, 2026, 7, "2026-10-31");
        t += &refused(b, &["comment", "edit", "1", "--text", "Too late"]);
        t += &refused(
            b,
            &[
                "comment", "add", "--phase", "SCH/P2", "--fy", "2026-27", "--period", "P7",
                "--text", "Too late",
            ],
        );
        t += &comments(b);
        t
    });
    assert_eq!(
        transcript,
        "rag.red_overspend_pct = 7.5\n\
         outturn: rag.red_overspend_pct: '120' is not a percentage from 0 to 100: write it as a plain number, e.g. 5 or 7.5\n\
         outturn: key: 'rag.colour' is not a setting: the settings are rag.red_overspend_pct, rag.amber_underspend_pct, comment.variance_pct, comment.variance_amount, financing.order\n\
         rag.red_overspend_pct = 6\n\
         6\n\
         comment.variance_amount = 50000.00\n\
         Key                                                                                  Value  Set      Meaning\n\
         rag.red_overspend_pct                                                                    6  set      Red when the variance is over +this % of the revised budget (percent, 0 to 100)\n\
         rag.amber_underspend_pct                                                                10  default  Amber when the underspend is beyond this % of the revised budget (percent, 0 to 100)\n\
         comment.variance_pct                                                                    10  default  A variance comment is required where |variance| is over this % of the revised budget (percent, 0 to 100)\n\
         comment.variance_amount                                                           50000.00  set      ... or where |variance| is over this amount (money, e.g. 100000 or £100k)\n\
         financing.order           grant,s106,cil,capital receipts,revenue,reserves,other,borrowing  default  The order funding meets spend: every source once, comma separated (borrowing last by default)\n\
         Added comment 1 for SCH/P1 2026-27 P6.\n\
         outturn: this phase already has a comment for 2026-27 P6 (id 1): change it with `outturn comment edit 1 --text ...`\n\
         Added comment 2 for P2 2026-27 P8.\n\
         Changed comment 1 (SCH/P1 2026-27 P6); now version 2.\n\
         outturn: comment 1 was changed since you opened it: reload it and make your change again\n\
         Carried 1 comment of 2026-27 P6 to P8: SCH/P1 (id 3); change one with `outturn comment edit ID --text ...`.\n\
         outturn: a comment for 2026-27 P6 dated 30/09/2026 falls in a closed period (closed through 2026-27 P7): reopen it with `outturn period reopen` and a reason, or date the entry in an open period\n\
         outturn: a comment for 2026-27 P7 dated 31/10/2026 falls in a closed period (closed through 2026-27 P7): reopen it with `outturn period reopen` and a reason, or date the entry in an open period\n\
         Id | Programme | Phase | FY | Period | Comment | Version\n\
         1 | SCH | P1 | 2026-27 | P6 | Slippage: piling | 2\n\
         3 | SCH | P1 | 2026-27 | P8 | Slippage: piling (carried from P6) | 1\n\
         2 | SCH | P2 | 2026-27 | P8 | On track | 1\n"
    );
}

/// On a server only a lead approves a budget change (the server's trigger), whatever the
/// officer's command line does; the officer may still propose one.
#[test]
fn an_officer_cannot_approve_a_budget_change_on_a_server() {
    let Some(mut server) = Books::postgres() else {
        return;
    };
    let officer_at = match &mut server.place {
        Place::Server { db, login } => {
            let officer = db.add_member(&login.clone(), "officer", "officer");
            (
                format!("{} dbname={} user={officer}", db.cluster.conninfo, db.name),
                officer,
            )
        }
        Place::File(_) => unreachable!("Books::postgres keeps its books on the server"),
    };
    let (at, officer) = officer_at;
    let as_officer = |args: &[&str]| {
        let o = common::bin()
            .env("OUTTURN_TODAY", "2026-12-05")
            .arg("--db")
            .arg(&at)
            .args(args)
            .output()
            .unwrap();
        (
            o.status.code(),
            String::from_utf8(o.stdout).unwrap(),
            String::from_utf8(o.stderr).unwrap(),
        )
    };
    server.ok(&["programme", "add", "--code", "SCH", "--name", "Schools"]);
    server.ok(&[
        "phase",
        "add",
        "--programme",
        "SCH",
        "--code",
        "P1",
        "--name",
        "Phase one",
    ]);
    server.ok(&[
        "allocation",
        "add",
        "--phase",
        "SCH/P1",
        "--fy",
        "2026-27",
        "--amount",
        "1000",
    ]);
    let add = [
        "change",
        "add",
        "--kind",
        "reduction",
        "--phase",
        "SCH/P1",
        "--fy",
        "2026-27",
        "--amount",
        "100",
        "--effective",
        "2026-11-01",
    ];
    assert_eq!(
        as_officer(&add),
        (
            Some(0),
            "Added reduction 1 (£100.00, proposed).\n".to_string(),
            String::new()
        )
    );
    let refusal = format!(
        "outturn: only a lead can approve a budget change: {officer} is not a lead; ask a lead of your organisation to approve it\n"
    );
    assert_eq!(
        as_officer(&["change", "approve", "1"]),
        (Some(2), String::new(), refusal.clone())
    );
    let mut approved = add.to_vec();
    approved.extend(["--status", "approved"]);
    assert_eq!(as_officer(&approved), (Some(2), String::new(), refusal));
    // Nothing was written: the lead still sees one proposed change, and approves it.
    assert_eq!(
        server.ok(&["change", "list", "--format", "csv"]),
        "Id,Kind,Amount,From,To,Effective,Status,Decision,Reason\n\
         1,reduction,100.00,SCH/P1 2026-27,,2026-11-01,proposed,,\n"
    );
    assert_eq!(
        server.ok(&["change", "approve", "1"]),
        "Change 1 approved.\n"
    );
}

/// Two officers approve a reduction of £700.00 against £1,000.00 at the same moment: one wins and
/// the other is refused, whatever the engine (issue 25: no lost update of the budget path).
#[test]
fn of_two_competing_reductions_one_is_refused_on_both_engines() {
    let race = |b: &Books| {
        b.ok(&["programme", "add", "--code", "SCH", "--name", "Schools"]);
        b.ok(&[
            "phase",
            "add",
            "--programme",
            "SCH",
            "--code",
            "P1",
            "--name",
            "Phase one",
        ]);
        b.ok(&[
            "allocation",
            "add",
            "--phase",
            "SCH/P1",
            "--fy",
            "2026-27",
            "--amount",
            "1000",
        ]);
        let reduce: &[&str] = &[
            "change",
            "add",
            "--kind",
            "reduction",
            "--phase",
            "SCH/P1",
            "--fy",
            "2026-27",
            "--amount",
            "700",
            "--effective",
            "2026-11-01",
            "--status",
            "approved",
        ];
        let mut outcomes: Vec<(Option<i32>, String)> = b
            .at_once(&[reduce, reduce])
            .into_iter()
            .map(|o| {
                let said = if o.status.success() {
                    o.stdout
                } else {
                    o.stderr
                };
                (o.status.code(), String::from_utf8(said).unwrap())
            })
            .collect();
        outcomes.sort();
        let won = outcomes[0].1.clone();
        assert!(
            won.starts_with("Added reduction ") && won.ends_with(" (£700.00, approved).\n"),
            "{outcomes:?}"
        );
        assert_eq!(
            (outcomes[0].0, outcomes[1].0, outcomes[1].1.as_str()),
            (
                Some(0),
                Some(2),
                "outturn: --amount: £700.00 cannot move out of SCH/P1 in 2026-27: its approved budget there is £300.00\n"
            ),
            "{outcomes:?}"
        );
        let listed = b.ok(&["change", "list", "--format", "csv"]);
        let rows: Vec<&str> = listed.lines().skip(1).collect();
        assert_eq!(rows.len(), 1, "{listed}");
        assert!(
            rows[0].ends_with(",reduction,700.00,SCH/P1 2026-27,,2026-11-01,approved,,"),
            "{listed}"
        );
    };
    race(&Books::sqlite());
    if let Some(server) = Books::postgres() {
        race(&server);
    }
}
