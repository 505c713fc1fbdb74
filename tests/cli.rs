//! The command line end to end, on the demo data: figures checked against the seed documents and
//! worked out by hand; malformed input refused with exit status 2 and the database unchanged.

mod common;
use common::{bin, demo_db, run, snapshot, stderr, stdout};

fn line_with<'a>(text: &'a str, needles: &[&str]) -> &'a str {
    text.lines()
        .find(|l| needles.iter().all(|n| l.contains(n)))
        .unwrap_or_else(|| panic!("no line with {needles:?} in\n{text}"))
}

#[test]
fn summary_shows_the_seed_figures() {
    let (_d, db) = demo_db();
    let o = run(&db, &["summary", "--fy", "2017-18"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = stdout(&o);
    // Council 08/11/2017: £3.0m for Phase 2 and £1.0m for the ICT capital programme, 2017-18.
    assert!(line_with(&s, &["2017-18", "PH2"]).contains("£3,000,000.00"));
    assert!(line_with(&s, &["2017-18", "ICT"]).contains("£1,000,000.00"));

    let o = run(&db, &["summary", "--fy", "2018-19"]);
    let s = stdout(&o);
    // Cabinet noted £11.0m (future phases) and £5.0m (ICT) over two years: half each year,
    // pending approval, on an assumed profile.
    let fut = line_with(&s, &["2018-19", "FUT"]);
    assert!(
        fut.contains("£5,500,000.00") && fut.contains("assumed"),
        "{fut}"
    );
    let ict = line_with(&s, &["2018-19", "ICT"]);
    assert!(
        ict.contains("£2,500,000.00") && ict.contains("assumed"),
        "{ict}"
    );
    // Pending is never in the approved budget.
    assert!(fut.contains("£0.00"));
}

#[test]
fn contract_and_framework_list_as_the_decision_says() {
    let (_d, db) = demo_db();
    let s = stdout(&run(&db, &["contract", "list"]));
    let line = line_with(&s, &["WIR-MS-2022-001"]);
    assert!(line.contains("£1,378,513.09"), "{line}");
    assert!(line.contains("12 months option"), "{line}");
    assert!(
        line.contains("G-Cloud 12") && line.contains("27/09/2022"),
        "{line}"
    );

    let csv = stdout(&run(&db, &["contract", "list", "--format", "csv"]));
    assert!(csv.contains(",1378513.09,"), "{csv}");
    let json = stdout(&run(&db, &["contract", "list", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v[0]["value"], "1378513.09");
    assert_eq!(v[0]["extensions"][0]["months"], 12);
    assert_eq!(v[0]["extensions"][0]["exercised"], false);

    let fw = stdout(&run(&db, &["framework", "list", "--format", "csv"]));
    assert_eq!(
        fw,
        "Name,Reference,Planned end,Actual end\nG-Cloud 12,RM1557.12,2022-09-27,\n"
    );
}

#[test]
fn init_refuses_a_database_that_holds_data() {
    let (_d, db) = demo_db();
    let before = snapshot(&db);
    let o = run(&db, &["init", "--demo"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("already holds data"), "{}", stderr(&o));
    assert_eq!(snapshot(&db), before);
}

#[test]
fn malformed_amounts_and_years_are_refused_on_every_add() {
    let (_d, db) = demo_db();
    let before = snapshot(&db);
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "allocation",
                "add",
                "--phase",
                "PH2",
                "--fy",
                "2017-18",
                "--amount",
                "12.345",
            ],
            "--amount: '12.345'",
        ),
        (
            &[
                "allocation",
                "add",
                "--phase",
                "PH2",
                "--fy",
                "2017-19",
                "--amount",
                "1",
            ],
            "--fy: '2017-19'",
        ),
        (
            &[
                "allocation",
                "add",
                "--programme",
                "WIR-SCP",
                "--phase",
                "PH2",
                "--fy",
                "2017-18",
                "--amount",
                "1",
            ],
            "phase",
        ),
        (
            &[
                "actual",
                "add",
                "--phase",
                "PH2",
                "--date",
                "08/26/2022",
                "--amount",
                "1",
            ],
            "--date: '08/26/2022'",
        ),
        (
            &[
                "actual",
                "add",
                "--phase",
                "PH2",
                "--date",
                "26/08/2022",
                "--amount",
                "1.378.513,09",
            ],
            "--amount: '1.378.513,09'",
        ),
        (
            &[
                "actual",
                "add",
                "--phase",
                "NOPE",
                "--date",
                "26/08/2022",
                "--amount",
                "1",
            ],
            "NOPE",
        ),
        (
            &[
                "change", "add", "--kind", "addition", "--phase", "PH2", "--fy", "2017/19",
                "--amount", "£1m",
            ],
            "--fy: '2017/19'",
        ),
        (
            &[
                "change", "add", "--kind", "addition", "--phase", "PH2", "--fy", "2017-18",
                "--amount", "12,34",
            ],
            "--amount: '12,34'",
        ),
        (
            &[
                "forecast", "add", "--phase", "PH2", "--fy", "2017-18", "--period", "P13",
                "--amount", "1",
            ],
            "--period: 'P13'",
        ),
        (
            &[
                "forecast", "add", "--phase", "PH2", "--fy", "2017-18", "--period", "P7",
                "--amount", "",
            ],
            "--amount",
        ),
        (
            &[
                "contract",
                "add",
                "--reference",
                "C2",
                "--supplier",
                "S",
                "--phase",
                "PH2",
                "--value",
                "£1.2345678m",
                "--start",
                "01/04/2017",
                "--term",
                "12",
            ],
            "--value",
        ),
        (
            &[
                "framework",
                "add",
                "--name",
                "F2",
                "--planned-end",
                "31/02/2018",
            ],
            "--planned-end: '31/02/2018'",
        ),
        (
            &[
                "decision",
                "add",
                "--reference",
                "D9",
                "--body",
                "Cabinet",
                "--date",
                "2022/08/26",
            ],
            "--date",
        ),
        (
            &[
                "phase",
                "add",
                "--programme",
                "NOPE",
                "--code",
                "X",
                "--name",
                "X",
            ],
            "NOPE",
        ),
        (
            &[
                "programme",
                "add",
                "--code",
                "P9",
                "--name",
                "X",
                "--status",
                "bogus",
            ],
            "--status: 'bogus'",
        ),
    ];
    for (args, needle) in cases {
        let o = run(&db, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        let err = stderr(&o);
        assert_eq!(err.lines().count(), 1, "one line for {args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
    assert_eq!(snapshot(&db), before, "a refused add changed the database");
}

#[test]
fn adds_accept_council_spellings_and_list_them() {
    let (_d, db) = demo_db();
    let ok = |args: &[&str]| {
        let o = run(&db, args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        stdout(&o)
    };
    ok(&[
        "programme",
        "add",
        "--code",
        "TST",
        "--name",
        "Test programme",
        "--organisation",
        "Example Council",
    ]);
    ok(&[
        "phase",
        "add",
        "--programme",
        "TST",
        "--code",
        "PH2",
        "--name",
        "Same code as Wolverhampton",
    ]);
    // PH2 is now ambiguous without --programme.
    let o = run(
        &db,
        &[
            "actual",
            "add",
            "--phase",
            "PH2",
            "--date",
            "2022-08-26",
            "--amount",
            "1",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--programme"), "{}", stderr(&o));
    ok(&[
        "decision",
        "add",
        "--reference",
        "TST-1",
        "--body",
        "Cabinet",
        "--date",
        "26/08/2022",
        "--key",
    ]);
    ok(&[
        "allocation",
        "add",
        "--programme",
        "TST",
        "--phase",
        "PH2",
        "--fy",
        "FY2022-23",
        "--to-fy",
        "2024/25",
        "--amount",
        "£250k",
        "--decision",
        "TST-1",
    ]);
    ok(&[
        "actual",
        "add",
        "--programme",
        "TST",
        "--phase",
        "PH2",
        "--date",
        "26/08/2022",
        "--amount",
        "(12.50)",
        "--supplier",
        "Credit Ltd",
    ]);
    ok(&[
        "actual",
        "add",
        "--programme",
        "TST",
        "--phase",
        "PH2",
        "--date",
        "2022-09-01",
        "--amount",
        "-£0.50",
    ]);
    // £250,000.00 over three years: 83,333.33 + 83,333.33 + 83,333.34.
    let csv = ok(&[
        "allocation",
        "list",
        "--programme",
        "TST",
        "--format",
        "csv",
    ]);
    assert!(
        csv.contains("2022-23 83333.33; 2023-24 83333.33; 2024-25 83333.34"),
        "{csv}"
    );
    assert!(csv.contains(",250000.00,approved,"), "{csv}");
    let csv = ok(&["actual", "list", "--programme", "TST", "--format", "csv"]);
    assert!(
        csv.contains(",2022-23,P5,TST,PH2,,Credit Ltd,,,-12.50\n"),
        "{csv}"
    );
    assert!(csv.contains(",-0.50\n"), "{csv}");
    let table = ok(&["actual", "list", "--programme", "TST"]);
    assert!(table.contains("(£12.50)"), "{table}");
}

#[test]
fn reprofile_moves_budget_between_years() {
    let (_d, db) = demo_db();
    let ok = |args: &[&str]| {
        let o = run(&db, args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        stdout(&o)
    };
    // Phase 2 has £3,000,000.00 in 2017-18; move £400,000.00 to 2018-19.
    ok(&[
        "change",
        "add",
        "--kind",
        "reprofile",
        "--phase",
        "PH2",
        "--from-fy",
        "2017-18",
        "--to-fy",
        "2018-19",
        "--amount",
        "£400k",
        "--effective",
        "15/03/2018",
        "--status",
        "approved",
    ]);
    let s = ok(&["summary", "--fy", "2017-18"]);
    assert!(line_with(&s, &["2017-18", "PH2"]).contains("£2,600,000.00"));
    let s = ok(&["summary", "--fy", "2018-19"]);
    assert!(line_with(&s, &["2018-19", "PH2"]).contains("£400,000.00"));
    // More than the year has cannot move out.
    let o = run(
        &db,
        &[
            "change",
            "add",
            "--kind",
            "reduction",
            "--phase",
            "PH2",
            "--fy",
            "2017-18",
            "--amount",
            "£2.7m",
            "--status",
            "approved",
            "--effective",
            "2018-03-20",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("£2,600,000.00"), "{}", stderr(&o));
}

#[test]
fn the_interface_without_a_terminal_says_so() {
    let (_d, db) = demo_db();
    for args in [vec![], vec!["demo"]] {
        let o = bin()
            .arg("--db")
            .arg(&db)
            .args(&args)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&o).contains("the interface needs a terminal"),
            "{args:?}: {}",
            stderr(&o)
        );
    }
}
