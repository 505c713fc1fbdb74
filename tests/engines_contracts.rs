//! Contracts (with their extension options and variations), import profiles and the ledger code
//! map give the same output on SQLite and on PostgreSQL (issue 25); forecasts, funding, benefits
//! and milestones are in `engines_delivery.rs`. Each script runs on fresh books on each engine
//! (`common::engines`); the expected transcripts are written by hand from DOMAIN.md's rules, the
//! figures worked out above each test. Today is pinned to 05/12/2026 (2026-27 P9).
//!
//! Closed periods are tested on SQLite only (`period close` does not run on a server yet):
//! [`closed_periods_refuse_contract_forecast_and_milestone_steps_on_sqlite`].

mod common;
#[path = "engines_steps/mod.rs"]
mod steps;

use common::engines::{Books, Place, same_on_both};
use steps::{audit_of, dtp, last_after, ok, refused};

/// C-001: £1,200.00 from April 2026 for 12 months, £100.00 a month to March 2027. Exercising its
/// first option (6 months, estimated £300.00) adds £300.00 as £50.00 a month for April to
/// September 2027: £1,500.00 over 18 months, and the contract's version moves from 1 to 2. Varied
/// to £1,800.00 from 2027-01: the £300.00 is spread over the 9 months 2027-01 to 2027-09; to
/// £800.00 it is refused, since April to December 2026 already hold 9 x £100.00 = £900.00.
#[test]
fn contracts_options_and_variations_read_the_same_on_both_engines() {
    let t = same_on_both(|b| {
        dtp(b);
        let mut t = String::new();
        t += &ok(
            b,
            &[
                "contract",
                "add",
                "--reference",
                "C-001",
                "--title",
                "Hosting",
                "--supplier",
                "Acme Ltd",
                "--phase",
                "DTP/P1",
                "--value",
                "1,200.00",
                "--start",
                "01/04/2026",
                "--term",
                "12",
                "--extension",
                "6",
                "--extension-value",
                "300",
                "--award-decision",
                "CAB-1",
                "--extension-due",
                "01/02/2027",
                "--extension",
                "3",
            ],
        );
        t += &refused(
            b,
            &[
                "contract",
                "add",
                "--reference",
                "C-001",
                "--supplier",
                "Other",
                "--phase",
                "DTP/P1",
                "--value",
                "10",
                "--start",
                "01/04/2026",
                "--term",
                "12",
            ],
        );
        t += &refused(
            b,
            &[
                "contract",
                "add",
                "--reference",
                "C-002",
                "--supplier",
                "Other",
                "--phase",
                "DTP/P1",
                "--value",
                "10",
                "--start",
                "01/04/2026",
                "--term",
                "601",
            ],
        );
        t += &ok(b, &["contract", "list"]);
        t += &refused(b, &["contract", "exercise", "C-001", "--decision", "CAB-9"]);
        t += &ok(
            b,
            &[
                "contract",
                "exercise",
                "C-001",
                "--date",
                "01/12/2026",
                "--decision",
                "CAB-1",
            ],
        );
        t += &refused(b, &["contract", "exercise", "C-001", "--option", "1"]);
        t += &refused(
            b,
            &[
                "contract",
                "vary",
                "C-001",
                "--value",
                "1,800",
                "--effective",
                "2027-01",
                "--expected-version",
                "1",
            ],
        );
        t += &refused(
            b,
            &[
                "contract",
                "vary",
                "C-001",
                "--value",
                "800",
                "--effective",
                "2027-01",
            ],
        );
        t += &ok(
            b,
            &[
                "contract",
                "vary",
                "C-001",
                "--value",
                "1,800",
                "--effective",
                "2027-01",
                "--expected-version",
                "2",
                "--decision",
                "CAB-1",
            ],
        );
        // The audit log shows the old and new value and the effective month.
        let after = last_after(b, "contract");
        t += &after[..after.find(",\"contract\"").unwrap()];
        t += "\n";
        t += &ok(
            b,
            &[
                "contract",
                "edit",
                "C-001",
                "--title",
                "Cloud hosting",
                "--expected-version",
                "3",
            ],
        );
        t += &refused(
            b,
            &[
                "contract",
                "edit",
                "C-001",
                "--supplier",
                "Acme plc",
                "--expected-version",
                "3",
            ],
        );
        t += &ok(
            b,
            &["contract", "list", "--programme", "DTP", "--format", "csv"],
        );
        t += &ok(b, &["contract", "list", "--format", "json"]);
        t += &audit_of(b, "contract", false);
        t += &refused(
            b,
            &["contract", "delete", "C-001", "--expected-version", "3"],
        );
        t += &ok(
            b,
            &["contract", "delete", "C-001", "--expected-version", "4"],
        );
        t += &ok(b, &["contract", "list"]);
        t
    });
    assert_eq!(
        t,
        "Added contract C-001, £1,200.00.\n\
         outturn: --reference: contract 'C-001' already exists\n\
         outturn: --term: '601' is not a number of months (1 to 600)\n\
         Reference  Programme  Phase  Supplier      Value       Start       Term  Framework  Framework end  Extensions                                                               Title\n\
         C-001      DTP        P1     Acme Ltd  £1,200.00  01/04/2026  12 months                            6 months option £300.00, decision due 01/02/2027; 3 months option £0.00  Hosting\n\
         outturn: --decision: no decision 'CAB-9'; list them with `outturn decision list`\n\
         Extension option 1 of C-001 exercised: £300.00 added, value now £1,500.00, term now 18 months to 2027-09.\n\
         outturn: extension option 1 of C-001 is already exercised\n\
         outturn: contract 1 was changed by <login> (as test-officer) at <time> since you opened it: reload it and make your change again\n\
         outturn: --value: £800.00 is less than the £900.00 the months before 2027-01 already hold\n\
         Contract C-001 varied from £1,500.00 to £1,800.00 effective 2027-01: £300.00 over 2027-01 to 2027-09.\n\
         {\"old_value\":\"1500.00\",\"new_value\":\"1800.00\",\"effective\":\"2027-01\"\n\
         Contract C-001 edited, version 4.\n\
         outturn: contract 1 was changed by <login> (as test-officer) at <time> since you opened it: reload it and make your change again\n\
         Reference,Programme,Phase,Supplier,Value,Start,Term,Framework,Framework end,Extensions,Title\n\
         C-001,DTP,P1,Acme Ltd,1800.00,2026-04-01,18 months,,,\"6 months exercised £300.00, decision due 01/02/2027; 3 months option £0.00\",Cloud hosting\n\
         [\n\
         \x20 {\n\
         \x20   \"id\": 1,\n\
         \x20   \"reference\": \"C-001\",\n\
         \x20   \"title\": \"Cloud hosting\",\n\
         \x20   \"supplier\": \"Acme Ltd\",\n\
         \x20   \"phase_id\": 1,\n\
         \x20   \"programme_code\": \"DTP\",\n\
         \x20   \"phase_code\": \"P1\",\n\
         \x20   \"framework\": null,\n\
         \x20   \"value\": \"1800.00\",\n\
         \x20   \"original_value\": \"1200.00\",\n\
         \x20   \"start\": \"2026-04-01\",\n\
         \x20   \"term_months\": 12,\n\
         \x20   \"award_decision_reference\": \"CAB-1\",\n\
         \x20   \"extensions\": [\n\
         \x20     {\n\
         \x20       \"id\": 1,\n\
         \x20       \"contract_id\": 1,\n\
         \x20       \"months\": 6,\n\
         \x20       \"value\": \"300.00\",\n\
         \x20       \"decision_due\": \"2027-02-01\",\n\
         \x20       \"exercised\": true,\n\
         \x20       \"decision_reference\": \"CAB-1\",\n\
         \x20       \"exercised_value\": \"300.00\",\n\
         \x20       \"exercised_on\": \"2026-12-01\",\n\
         \x20       \"seq\": 1,\n\
         \x20       \"version\": 2\n\
         \x20     },\n\
         \x20     {\n\
         \x20       \"id\": 2,\n\
         \x20       \"contract_id\": 1,\n\
         \x20       \"months\": 3,\n\
         \x20       \"value\": \"0.00\",\n\
         \x20       \"decision_due\": null,\n\
         \x20       \"exercised\": false,\n\
         \x20       \"decision_reference\": null,\n\
         \x20       \"exercised_value\": null,\n\
         \x20       \"exercised_on\": null,\n\
         \x20       \"seq\": null,\n\
         \x20       \"version\": 1\n\
         \x20     }\n\
         \x20   ],\n\
         \x20   \"variations\": [\n\
         \x20     {\n\
         \x20       \"id\": 1,\n\
         \x20       \"seq\": 2,\n\
         \x20       \"effective\": {\n\
         \x20         \"year\": 2027,\n\
         \x20         \"month\": 1\n\
         \x20       },\n\
         \x20       \"old_value\": \"1500.00\",\n\
         \x20       \"new_value\": \"1800.00\",\n\
         \x20       \"decision_reference\": \"CAB-1\",\n\
         \x20       \"varied_on\": \"2026-12-05\"\n\
         \x20     }\n\
         \x20   ],\n\
         \x20   \"version\": 4\n\
         \x20 }\n\
         ]\n\
         Who | Action | Entity | Record\n\
         <login> (as test-officer) | edit | contract | 1\n\
         <login> (as test-officer) | vary | contract | 1\n\
         <login> (as test-officer) | exercise | contract | 1\n\
         <login> (as test-officer) | add | contract | 1\n\
         outturn: contract 1 was changed by <login> (as test-officer) at <time> since you opened it: reload it and make your change again\n\
         Deleted contract C-001.\n\
         Reference  Programme  Phase  Supplier  Value  Start  Term  Framework  Framework end  Extensions  Title\n"
    );
}

#[test]
fn import_profiles_and_the_code_map_read_the_same_on_both_engines() {
    let t = same_on_both(|b| {
        dtp(b);
        b.ok(&[
            "contract",
            "add",
            "--reference",
            "C-001",
            "--supplier",
            "Acme Ltd",
            "--phase",
            "DTP/P1",
            "--value",
            "1,200",
            "--start",
            "01/04/2026",
            "--term",
            "12",
        ]);
        let mut t = String::new();
        t += &ok(
            b,
            &[
                "import",
                "profile",
                "add",
                "Unit4",
                "--map",
                "Trans Date=Date,Net (£)=Amount",
                "--date-format",
                "yyyy-mm-dd",
                "--code-columns",
                "Cost Centre",
            ],
        );
        t += &refused(b, &["import", "profile", "add", "UNIT4"]);
        t += &ok(
            b,
            &["import", "profile", "edit", "unit4", "--rename", "Agresso"],
        );
        t += &ok(b, &["import", "profile", "add", "Oracle"]);
        t += &ok(b, &["import", "profile", "list"]);
        t += &ok(b, &["import", "profile", "delete", "ORACLE"]);
        t += &ok(b, &["import", "profile", "list", "--format", "csv"]);
        t += &ok(
            b,
            &[
                "import",
                "codes",
                "add",
                "CC100",
                "DTP/P1",
                "--contract",
                "C-001",
            ],
        );
        t += &refused(b, &["import", "codes", "add", "CC100", "DTP/P1"]);
        t += &refused(b, &["import", "codes", "add", "CC200", "DTP/P9"]);
        t += &ok(b, &["import", "codes", "add", "CC200+PRJ7", "DTP/P1"]);
        t += &ok(b, &["import", "codes", "list"]);
        t += &ok(b, &["import", "codes", "delete", "CC100"]);
        t += &ok(b, &["import", "codes", "list", "--format", "csv"]);
        t
    });
    assert_eq!(
        t,
        "Added import profile Unit4.\n\
         outturn: --name: import profile 'UNIT4' already exists: change it with `outturn import profile edit`\n\
         Changed import profile Agresso.\n\
         Added import profile Oracle.\n\
         Name     Header  Encoding  Date format  Amount  Code columns  Map\n\
         Agresso  find    detect    yyyy-mm-dd   signed  Cost Centre   Trans Date=Date,Net (£)=Amount\n\
         Oracle   find    detect    dd/mm/yyyy   signed\n\
         Deleted import profile Oracle.\n\
         Name,Header,Encoding,Date format,Amount,Code columns,Map\n\
         Agresso,find,detect,yyyy-mm-dd,signed,Cost Centre,\"Trans Date=Date,Net (£)=Amount\"\n\
         Mapped ledger code CC100 to DTP/P1 (contract C-001).\n\
         outturn: --code: ledger code 'CC100' is mapped already: delete it with `outturn import codes delete \"CC100\"` to map it again\n\
         outturn: --phase: no phase 'P9' in programme DTP; its phases: P1\n\
         Mapped ledger code CC200+PRJ7 to DTP/P1.\n\
         Code        Phase   Contract\n\
         CC100       DTP/P1  C-001\n\
         CC200+PRJ7  DTP/P1\n\
         Removed ledger code CC100 (was DTP/P1).\n\
         Code,Phase,Contract\n\
         CC200+PRJ7,DTP/P1,\n"
    );
}

/// With 2026-27 P6 closed (through 30/09/2026): C-001 (£100.00 a month from April 2026) cannot
/// be varied below the £600.00 that April to September 2026 hold, nor from a closed month, nor
/// deleted (its profile puts money into closed months); it can be varied from October (£300.00
/// over the 6 months to March 2027) and its option exercised (months after its end).
///
/// SQLite only: `period close` does not run on a server yet, so the closed periods of a server
/// (its triggers and these steps' own checks) wait for it.
#[test]
fn closed_periods_refuse_contract_forecast_and_milestone_steps_on_sqlite() {
    let b = Books::sqlite();
    dtp(&b);
    let mut t = String::new();
    t += &ok(
        &b,
        &[
            "contract",
            "add",
            "--reference",
            "C-001",
            "--supplier",
            "Acme Ltd",
            "--phase",
            "DTP/P1",
            "--value",
            "1,200",
            "--start",
            "01/04/2026",
            "--term",
            "12",
            "--extension",
            "6",
            "--extension-value",
            "300",
        ],
    );
    b.ok(&[
        "milestone",
        "add",
        "--phase",
        "DTP/P1",
        "--name",
        "Go live",
        "--baseline",
        "30/09/2026",
    ]);
    let Place::File(dir) = &b.place else {
        unreachable!()
    };
    common::close(&dir.path().join("books.db"), "2026-27", "P6");
    t += &refused(
        &b,
        &[
            "contract",
            "add",
            "--reference",
            "C-002",
            "--supplier",
            "Acme Ltd",
            "--phase",
            "DTP/P1",
            "--value",
            "100",
            "--start",
            "01/09/2026",
            "--term",
            "2",
        ],
    );
    t += &refused(
        &b,
        &[
            "contract",
            "vary",
            "C-001",
            "--value",
            "1,500",
            "--effective",
            "2026-09",
        ],
    );
    t += &refused(
        &b,
        &[
            "contract",
            "vary",
            "C-001",
            "--value",
            "500",
            "--effective",
            "2026-10",
        ],
    );
    t += &ok(
        &b,
        &[
            "contract",
            "vary",
            "C-001",
            "--value",
            "1,500",
            "--effective",
            "2026-10",
        ],
    );
    t += &ok(
        &b,
        &["contract", "exercise", "C-001", "--date", "01/12/2026"],
    );
    t += &refused(&b, &["contract", "delete", "C-001"]);
    t += &refused(
        &b,
        &[
            "forecast", "add", "--phase", "DTP/P1", "--fy", "2026-27", "--period", "P6",
            "--amount", "1,000",
        ],
    );
    t += &ok(
        &b,
        &[
            "forecast", "add", "--phase", "DTP/P1", "--fy", "2026-27", "--period", "P7",
            "--amount", "1,000",
        ],
    );
    t += &refused(
        &b,
        &["milestone", "complete", "1", "--actual", "15/09/2026"],
    );
    t += &ok(
        &b,
        &["milestone", "complete", "1", "--actual", "01/10/2026"],
    );
    t += &ok(
        &b,
        &[
            "funding", "add", "--phase", "DTP/P1", "--fy", "2025-26", "--source", "grant",
            "--amount", "500",
        ],
    );
    t += &ok(&b, &["contract", "list", "--format", "csv"]);
    assert_eq!(
        t,
        "Added contract C-001, £1,200.00.\n\
         outturn: a contract starting dated 01/09/2026 falls in a closed period (closed through 2026-27 P6): reopen it with `outturn period reopen` and a reason, or date the entry in an open period\n\
         outturn: a variation of contract C-001 effective dated 01/09/2026 falls in a closed period (closed through 2026-27 P6): reopen it with `outturn period reopen` and a reason, or date the entry in an open period\n\
         outturn: --value: £500.00 is less than the £600.00 the months before 2026-10 already hold\n\
         Contract C-001 varied from £1,200.00 to £1,500.00 effective 2026-10: £300.00 over 2026-10 to 2027-03.\n\
         Extension option 1 of C-001 exercised: £300.00 added, value now £1,800.00, term now 18 months to 2027-09.\n\
         outturn: deleting contract C-001 would change what it puts into April 2026, which is in a closed period (closed through 2026-27 P6): reopen it with `outturn period reopen` and a reason first\n\
         outturn: a forecast dated 30/09/2026 falls in a closed period (closed through 2026-27 P6): reopen it with `outturn period reopen` and a reason, or date the entry in an open period\n\
         Forecast 1: £1,000.00 for 2026-27 as at 31/10/2026 (2026-27 P7).\n\
         outturn: a milestone completion dated 15/09/2026 falls in a closed period (closed through 2026-27 P6): reopen it with `outturn period reopen` and a reason, or date the entry in an open period\n\
         Milestone 1 (Go live): baseline 30/09/2026, slippage 1 days, Amber.\n\
         Added funding line 1: £500.00 grant (approved) for DTP/P1 2025-26.\n\
         Reference,Programme,Phase,Supplier,Value,Start,Term,Framework,Framework end,Extensions,Title\n\
         C-001,DTP,P1,Acme Ltd,1800.00,2026-04-01,18 months,,,6 months exercised £300.00,\n"
    );
}
