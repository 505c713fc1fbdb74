//! Benefits, milestones and the six-monthly progress report, end to end through the binary, with
//! figures worked by hand.

mod common;

use std::path::Path;

use common::{ok, run, snapshot, stderr, stdout};

/// Programme T with phases A and B, budgets, actuals and a forecast in 2017-18:
/// - A: approved £100,000.00; actuals 15/05/2017 £10,000.00 (P2, H1) and 20/11/2017 £30,000.00
///   (P8, H2); forecast £95,000.00 entered as at P9.
/// - B: approved £50,000.00; actual 10/01/2018 £45,000.50 (P10, H2); 05/04/2018 £999.99 is 2018-19.
fn spend_db() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    ok(&db, &["init"]);
    ok(
        &db,
        &[
            "programme",
            "add",
            "--code",
            "T",
            "--name",
            "Test <b>programme</b>",
            "--organisation",
            "Council of \"Quotes\" & Co",
        ],
    );
    ok(
        &db,
        &[
            "phase",
            "add",
            "--programme",
            "T",
            "--code",
            "A",
            "--name",
            "Alpha",
        ],
    );
    ok(
        &db,
        &[
            "phase",
            "add",
            "--programme",
            "T",
            "--code",
            "B",
            "--name",
            "Beta",
        ],
    );
    ok(
        &db,
        &[
            "allocation",
            "add",
            "--programme",
            "T",
            "--phase",
            "A",
            "--fy",
            "2017-18",
            "--amount",
            "£100k",
        ],
    );
    ok(
        &db,
        &[
            "allocation",
            "add",
            "--programme",
            "T",
            "--phase",
            "B",
            "--fy",
            "2017-18",
            "--amount",
            "£50k",
        ],
    );
    for (phase, date, amount) in [
        ("A", "15/05/2017", "10000.00"),
        ("A", "20/11/2017", "30000.00"),
        ("B", "10/01/2018", "45000.50"),
        ("B", "05/04/2018", "999.99"),
    ] {
        ok(
            &db,
            &[
                "actual",
                "add",
                "--programme",
                "T",
                "--phase",
                phase,
                "--date",
                date,
                "--amount",
                amount,
            ],
        );
    }
    ok(
        &db,
        &[
            "forecast",
            "add",
            "--programme",
            "T",
            "--phase",
            "A",
            "--fy",
            "2017-18",
            "--period",
            "P9",
            "--amount",
            "95000",
        ],
    );
    (dir, db)
}

/// Adds the milestones and benefits of the progress report test.
fn delivery(db: &Path) {
    // H2 of 2017-18 is 01/10/2017 to 31/03/2018.
    ok(
        db,
        &[
            "milestone",
            "add",
            "--programme",
            "T",
            "--phase",
            "A",
            "--name",
            "Design approved",
            "--baseline",
            "15/12/2017",
        ],
    );
    ok(
        db,
        &["milestone", "complete", "1", "--actual", "2017-12-10"],
    );
    ok(
        db,
        &[
            "milestone",
            "add",
            "--programme",
            "T",
            "--phase",
            "A",
            "--name",
            "Build complete",
            "--baseline",
            "2017-12-15",
            "--forecast",
            "2018-01-14",
        ],
    );
    ok(
        db,
        &[
            "milestone",
            "add",
            "--programme",
            "T",
            "--phase",
            "B",
            "--name",
            "Go-live",
            "--baseline",
            "2018-03-01",
            "--forecast",
            "2018-05-31",
        ],
    );
    ok(
        db,
        &["milestone", "complete", "3", "--actual", "2018-05-30"],
    );
    ok(
        db,
        &[
            "milestone",
            "add",
            "--programme",
            "T",
            "--phase",
            "A",
            "--name",
            "Later",
            "--baseline",
            "2018-06-01",
        ],
    );
    ok(
        db,
        &[
            "benefit",
            "add",
            "--programme",
            "T",
            "--phase",
            "A",
            "--description",
            "<script>alert('x')</script> & \"savings\"",
            "--kind",
            "cashable",
            "--owner",
            "O'Brien",
            "--target",
            "2017-18=£100k,2018-19=£150k",
        ],
    );
    ok(
        db,
        &[
            "benefit",
            "realise",
            "1",
            "--fy",
            "2017-18",
            "--period",
            "P6",
            "--realised",
            "40000",
            "--forecast",
            "60000",
        ],
    );
    ok(
        db,
        &[
            "benefit",
            "realise",
            "1",
            "--fy",
            "2017-18",
            "--period",
            "P12",
            "--realised",
            "95000",
        ],
    );
    ok(
        db,
        &[
            "benefit",
            "add",
            "--programme",
            "T",
            "--description",
            "Room hire income",
            "--kind",
            "income",
            "--owner",
            "Estates",
            "--target",
            "2017-18=£20k",
        ],
    );
    ok(
        db,
        &[
            "benefit",
            "realise",
            "2",
            "--fy",
            "2017-18",
            "--period",
            "9",
            "--realised",
            "18999.99",
            "--forecast",
            "0",
        ],
    );
    ok(
        db,
        &[
            "benefit",
            "add",
            "--programme",
            "T",
            "--phase",
            "B",
            "--description",
            "=SUM(A1)",
            "--kind",
            "non-cashable",
            "--target",
            "2017-18=£10k",
        ],
    );
    ok(
        db,
        &[
            "benefit",
            "realise",
            "3",
            "--fy",
            "2017-18",
            "--period",
            "P7",
            "--realised",
            "5000",
            "--forecast",
            "6000.01",
        ],
    );
    ok(
        db,
        &[
            "benefit",
            "add",
            "--programme",
            "T",
            "--description",
            "Dropped",
            "--kind",
            "cashable",
            "--target",
            "2017-18=£1m",
        ],
    );
    ok(db, &["benefit", "withdraw", "4"]);
}

fn golden(name: &str, got: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/benefits")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, got).unwrap();
    }
    let want = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        got, want,
        "{name} differs from its golden file (UPDATE_GOLDEN=1 rewrites it)"
    );
}

fn csv_rows(csv: &str) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    r.records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect()
}

#[test]
fn half_year_progress_report_csv_and_html() {
    let (dir, db) = spend_db();
    delivery(&db);
    // Variance commentary: P8 is in H2 and is reported (its markup escaped in the HTML); P3 is
    // in H1 and is not.
    for (period, text) in [
        ("P8", "Tender <i>slipped</i> to 2018-19"),
        ("P3", "First half"),
    ] {
        ok(
            &db,
            &[
                "comment",
                "add",
                "--programme",
                "T",
                "--phase",
                "A",
                "--fy",
                "2017-18",
                "--period",
                period,
                "--text",
                text,
            ],
        );
    }
    let csv_path = dir.path().join("p.csv");
    let html_path = dir.path().join("p.html");
    ok(
        &db,
        &[
            "report",
            "progress",
            "--programme",
            "T",
            "--half",
            "2017-18 H2",
            "--csv",
            csv_path.to_str().unwrap(),
            "--html",
            html_path.to_str().unwrap(),
        ],
    );
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    let html = std::fs::read_to_string(&html_path).unwrap();
    // The other spelling gives the same bytes.
    let again = stdout(&run(
        &db,
        &[
            "report",
            "progress",
            "--programme",
            "T",
            "--half",
            "2017-18H2",
            "--csv",
            "-",
        ],
    ));
    assert_eq!(again, csv);

    let rows = csv_rows(&csv);
    let cols = |r: &Vec<String>, names: &[&str]| -> Vec<String> {
        let header = "Section,Programme,Half,Phase,Phase name,Item,Kind,Owner,Revised budget,Actual in half,Actual to date,Forecast outturn,Target,Realised to date,Further forecast,Variance,Baseline date,Forecast date,Actual date,Slippage days,Outcome,Period,Commentary,RAG";
        let h: Vec<&str> = header.split(',').collect();
        names
            .iter()
            .map(|n| r[h.iter().position(|c| c == n).unwrap()].clone())
            .collect()
    };
    let spend: Vec<Vec<String>> = rows
        .iter()
        .filter(|r| r[0] == "Spend")
        .map(|r| {
            cols(
                r,
                &[
                    "Phase",
                    "Revised budget",
                    "Actual in half",
                    "Actual to date",
                    "Forecast outturn",
                    "Variance",
                    "RAG",
                ],
            )
        })
        .collect();
    // A: in half 40,000 - 10,000 (to P6) = 30,000; forecast 95,000 entered; variance -5,000 (-5 %): Green.
    // B: in half 45,000.50; forecast derived 45,000.50 + 0; variance -4,999.50 (-9.999 %): Green.
    // Total: 150,000; 75,000.50; 85,000.50; 140,000.50; -9,999.50 (-6.7 %): Green.
    assert_eq!(
        spend,
        vec![
            vec![
                "A",
                "100000.00",
                "30000.00",
                "40000.00",
                "95000.00",
                "-5000.00",
                "Green"
            ],
            vec![
                "B", "50000.00", "45000.50", "45000.50", "45000.50", "-4999.50", "Green"
            ],
            vec![
                "Programme total",
                "150000.00",
                "75000.50",
                "85000.50",
                "140000.50",
                "-9999.50",
                "Green"
            ],
        ]
    );
    let milestones: Vec<Vec<String>> = rows
        .iter()
        .filter(|r| r[0] == "Milestone")
        .map(|r| {
            cols(
                r,
                &["Item", "Actual date", "Slippage days", "Outcome", "RAG"],
            )
        })
        .collect();
    // Design approved: done 10/12 against 15/12: -5, met. Build complete: forecast 14/01/2018, still
    // open at the half's end, so late by at least the days from its baseline 15/12/2017 to
    // 31/03/2018: 16 + 31 + 28 + 31 = 106 days: slipped, Red (DOMAIN.md, "Milestone"). Go-live: completed 30/05/2018, after the half, so as at
    // 31/03/2018 open; forecast 31/05/2018 - 01/03/2018 = 30 + 30 + 31 = 91 days: Red. "Later" is
    // due 01/06/2018: not in the half.
    assert_eq!(
        milestones,
        vec![
            vec!["Build complete", "", "106", "slipped", "Red"],
            vec!["Design approved", "2017-12-10", "-5", "met", "Green"],
            vec!["Go-live", "", "91", "slipped", "Red"],
        ]
    );
    let benefits: Vec<Vec<String>> = rows
        .iter()
        .filter(|r| r[0] == "Benefit")
        .map(|r| {
            cols(
                r,
                &[
                    "Item",
                    "Target",
                    "Realised to date",
                    "Further forecast",
                    "Variance",
                    "Period",
                    "RAG",
                ],
            )
        })
        .collect();
    // 1: 95,000 + 0 against 100,000: shortfall exactly 5 %: Amber.
    // 2: 18,999.99 against 20,000: shortfall 1,000.01 = 5.00005 %: Red.
    // 3: 5,000 + 6,000.01 = 11,000.01 against 10,000: surplus 10.0001 %: Amber. Its text starts with
    //    '=', so the CSV prefixes a quote. The withdrawn benefit is left out.
    assert_eq!(
        benefits,
        vec![
            vec![
                "<script>alert('x')</script> & \"savings\"",
                "100000.00",
                "95000.00",
                "0.00",
                "-5000.00",
                "P12",
                "Amber"
            ],
            vec![
                "Room hire income",
                "20000.00",
                "18999.99",
                "0.00",
                "-1000.01",
                "P9",
                "Red"
            ],
            vec![
                "'=SUM(A1)",
                "10000.00",
                "5000.00",
                "6000.01",
                "1000.01",
                "P7",
                "Amber"
            ],
        ]
    );
    assert!(html.contains("<p>Due in the half: 3. Met on or before baseline: 1. Slipped: 2.</p>"));
    // Markup from the database is shown as text.
    assert!(
        html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;savings&quot;")
    );
    assert!(html.contains("Test &lt;b&gt;programme&lt;/b&gt;") && html.contains("O&#39;Brien"));
    assert!(!html.contains("<script") && !html.contains("<b>"));
    assert!(html.contains("Tender &lt;i&gt;slipped&lt;/i&gt; to 2018-19"));
    assert!(csv.contains("Tender <i>slipped</i> to 2018-19") && !csv.contains("First half"));
    assert!(!html.contains("First half"));
    assert!(html.contains("@page { size: A4;"));
    assert!(
        !html.contains("http") && !html.contains("src="),
        "no external assets"
    );
    golden("progress-2017-18-H2.csv", &csv);
    golden("progress-2017-18-H2.html", &html);
}

#[test]
fn first_half_counts_only_its_own_periods() {
    let (_dir, db) = spend_db();
    let csv = stdout(&run(
        &db,
        &[
            "report",
            "progress",
            "--programme",
            "T",
            "--half",
            "2017-18H1",
            "--csv",
            "-",
        ],
    ));
    let rows = csv_rows(&csv);
    // As at P6: A has spent 10,000 (May), all in H1; revised 100,000; the P9 forecast is not yet
    // entered, so the forecast is derived: 10,000 + 0 commitments; variance -90,000 (-90 %): Amber.
    let a = &rows[0];
    assert_eq!((a[0].as_str(), a[3].as_str()), ("Spend", "A"));
    assert_eq!(&a[8..12], ["100000.00", "10000.00", "10000.00", "10000.00"]);
    assert_eq!(a[23], "Amber");
    // B spent nothing by P6: in half 0.00.
    assert_eq!(rows[1][9], "0.00");
    assert!(
        !rows.iter().any(|r| r[0] != "Spend"),
        "no milestones or benefits yet"
    );
}

#[test]
fn bad_half_and_unknown_programme_are_one_line_errors() {
    let (_dir, db) = spend_db();
    let o = run(
        &db,
        &[
            "report",
            "progress",
            "--programme",
            "T",
            "--half",
            "2017-18H3",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--half: '2017-18H3' is not a half year"),
        "{}",
        stderr(&o)
    );
    let o = run(
        &db,
        &[
            "report",
            "progress",
            "--programme",
            "NOPE",
            "--half",
            "2017-18H1",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--programme"), "{}", stderr(&o));
}

#[test]
fn benefit_rag_at_the_thresholds_through_the_list() {
    let (_dir, db) = spend_db();
    // Target 2017-18 £100,000. As at P3: 80,000 + 20,000 = 100,000: Green. As at P4: 94,999.99:
    // shortfall 5,000.01 over 5 %: Red. As at P5: 110,000.00: surplus exactly 10 %: Green.
    // As at P6: 110,000.01: Amber.
    ok(
        &db,
        &[
            "benefit",
            "add",
            "--programme",
            "T",
            "--description",
            "Saving",
            "--kind",
            "cashable",
            "--target",
            "2017-18=100000",
        ],
    );
    for (p, realised, forecast) in [
        ("P3", "80000", "20000"),
        ("P4", "90000", "4999.99"),
        ("P5", "110000", "0"),
        ("P6", "60000", "50000.01"),
    ] {
        ok(
            &db,
            &[
                "benefit",
                "realise",
                "1",
                "--fy",
                "2017-18",
                "--period",
                p,
                "--realised",
                realised,
                "--forecast",
                forecast,
            ],
        );
    }
    let rag_at = |p: &str| {
        let csv = ok(
            &db,
            &[
                "benefit", "list", "--fy", "2017-18", "--period", p, "--format", "csv",
            ],
        );
        let row = csv_rows(&csv).remove(0);
        (row[12].clone(), row[13].clone(), row[14].clone())
    };
    assert_eq!(
        rag_at("P3"),
        ("100000.00".into(), "0.00".into(), "Green".into())
    );
    assert_eq!(
        rag_at("P4"),
        ("94999.99".into(), "-5000.01".into(), "Red".into())
    );
    assert_eq!(
        rag_at("P5"),
        ("110000.00".into(), "10000.00".into(), "Green".into())
    );
    assert_eq!(
        rag_at("P6"),
        ("110000.01".into(), "10000.01".into(), "Amber".into())
    );
    // Stricter thresholds from config apply to benefits too: red at 0 % makes any shortfall Red.
    ok(&db, &["config", "set", "rag.red_overspend_pct", "0"]);
    ok(
        &db,
        &[
            "benefit",
            "realise",
            "1",
            "--fy",
            "2017-18",
            "--period",
            "P7",
            "--realised",
            "99999.99",
        ],
    );
    assert_eq!(rag_at("P7").2, "Red");
}

#[test]
fn wrong_values_name_the_option_and_change_nothing() {
    let (_dir, db) = spend_db();
    let before = snapshot(&db);
    for (args, want) in [
        (
            vec![
                "benefit",
                "add",
                "--programme",
                "T",
                "--description",
                "X",
                "--kind",
                "saving",
            ],
            "--kind: 'saving' is not a benefit kind",
        ),
        (
            vec![
                "benefit",
                "add",
                "--programme",
                "T",
                "--description",
                "X",
                "--kind",
                "income",
                "--target",
                "2017-18=12.345",
            ],
            "--target:",
        ),
        (
            vec![
                "benefit",
                "add",
                "--programme",
                "T",
                "--description",
                "X",
                "--kind",
                "income",
                "--target",
                "2017-18",
            ],
            "--target: '2017-18' should be YEAR=AMOUNT",
        ),
        (
            vec![
                "benefit",
                "realise",
                "9",
                "--fy",
                "2017-18",
                "--period",
                "P6",
                "--realised",
                "1",
            ],
            "no benefit '9'",
        ),
        (
            vec![
                "milestone",
                "add",
                "--phase",
                "A",
                "--name",
                "M",
                "--baseline",
                "08/26/2022",
            ],
            "--baseline:",
        ),
        (
            vec![
                "milestone",
                "add",
                "--phase",
                "A",
                "--name",
                "M",
                "--baseline",
                "2022-08-26",
                "--status",
                "complete",
            ],
            "--status: 'complete' needs an actual date",
        ),
    ] {
        let o = run(&db, &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(want), "{args:?}: {}", stderr(&o));
    }
    assert_eq!(snapshot(&db), before);
}

#[test]
fn import_benefits_all_or_nothing_then_undo() {
    let (dir, db) = spend_db();
    let good = dir.path().join("benefits.csv");
    std::fs::write(
        &good,
        "Programme,Phase,Description,Kind,Owner,Financial year,Target\n\
         T,A,Fewer forms,cashable,Ops,2018-19,£250k\n\
         T,A,Fewer forms,cashable,Ops,2019-20,\"£500,000.00\"\n\
         T,,Income from hire,income,,2018-19,1200.50\n",
    )
    .unwrap();
    let before = snapshot(&db);
    let dry = ok(
        &db,
        &["import", "benefits", "--dry-run", good.to_str().unwrap()],
    );
    assert!(
        dry.contains(
            "Dry run: 3 benefit targets from benefits.csv would be imported, total £751,200.50"
        ),
        "{dry}"
    );
    assert_eq!(snapshot(&db), before, "a dry run writes nothing");
    let out = ok(&db, &["import", "benefits", good.to_str().unwrap()]);
    // 250,000 + 500,000 + 1,200.50 = 751,200.50 over three target rows.
    assert!(
        out.contains("Imported 3 benefit targets from benefits.csv as batch 1: total £751,200.50."),
        "{out}"
    );
    let list = ok(&db, &["benefit", "list", "--format", "csv"]);
    let rows = csv_rows(&list);
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (rows[0][3].as_str(), rows[0][7].as_str()),
        ("Fewer forms", "2018-19=250000.00,2019-20=500000.00")
    );

    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "Programme,Phase,Description,Kind,Owner,Financial year,Target\n\
         T,A,Good row,cashable,Ops,2018-19,100\n\
         T,Z,Unknown phase,cashable,Ops,2018-19,100\n\
         T,A,Good row,income,Ops,2019-20,100\n\
         T,A,Bad target,cashable,Ops,2018-19,12.345\n",
    )
    .unwrap();
    let before = snapshot(&db);
    let o = run(&db, &["import", "benefits", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("line 3, column Phase: no phase 'Z'"), "{err}");
    assert!(err.contains("line 5, column Target:"), "{err}");
    assert!(
        err.contains(
            "line 4, column Kind: 'income' differs from 'cashable' given for this benefit on line 2"
        ),
        "{err}"
    );
    assert_eq!(snapshot(&db), before, "nothing was imported");

    let out = ok(&db, &["import", "undo", "1"]);
    assert!(
        out.contains("Undid batch 1 (benefits, benefits.csv)"),
        "{out}"
    );
    assert_eq!(
        csv_rows(&ok(&db, &["benefit", "list", "--all", "--format", "csv"])).len(),
        0
    );
}

#[test]
fn demo_data_has_illustrative_benefits_and_milestones() {
    let (_dir, db) = common::demo_db();
    // An open milestone is late by at least the days since its baseline to today: pinned to the
    // day of the demo's contract award, before the go-live's baseline.
    let o = common::bin()
        .env("OUTTURN_TODAY", "2022-08-26")
        .args(["--db", db.to_str().unwrap()])
        .args([
            "milestone",
            "list",
            "--programme",
            "WIR-SCP",
            "--format",
            "csv",
        ])
        .output()
        .unwrap();
    let m = common::stdout(&o);
    // Go-live baseline 31/03/2023, forecast 30/06/2023: 30 + 31 + 30 = 91 days: Red.
    assert!(
        m.contains("Phase 1 go-live (illustrative),2023-03-31,2023-06-30,,in progress,91,Red"),
        "{m}"
    );
    let b = ok(
        &db,
        &[
            "benefit",
            "list",
            "--programme",
            "WOL-DTP",
            "--fy",
            "2017-18",
            "--format",
            "csv",
        ],
    );
    // Phase 2 savings: 145,000 + 0 against 150,000: shortfall 5,000 = 3.3 %: Amber.
    assert!(
        b.contains("150000.00,P12,145000.00,0.00,145000.00,-5000.00,Amber"),
        "{b}"
    );
}

/// Issue 23 item 13: a benefit's targets are shown in £ on screen (the table), like every other
/// amount, and stay plain decimals in CSV. The demo's benefit 1 has targets of £150,000.00,
/// £500,000.00 and £750,000.00 for 2017-18 to 2019-20.
#[test]
fn benefit_targets_are_money_on_screen_and_plain_in_csv() {
    let (_dir, db) = common::demo_db();
    let table = ok(&db, &["benefit", "list", "--programme", "WOL-DTP"]);
    assert!(
        table.contains("2017-18=£150,000.00; 2018-19=£500,000.00; 2019-20=£750,000.00"),
        "{table}"
    );
    let csv = ok(
        &db,
        &[
            "benefit",
            "list",
            "--programme",
            "WOL-DTP",
            "--format",
            "csv",
        ],
    );
    assert!(
        csv.contains("\"2017-18=150000.00,2018-19=500000.00,2019-20=750000.00\""),
        "{csv}"
    );
}
