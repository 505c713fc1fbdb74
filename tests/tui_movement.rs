//! The TUI's movement view (issue 13 item 3), the dashboard chart's value labels, Tab completing
//! an import path and the import naming the encoding it read, and text cut with `…` on the
//! Budget, Contracts and Decisions screens (issue 12 items 6 and 8). Snapshots at 80x24 and
//! 140x40 on the demo data; "today" is 26/08/2022.

mod common;

use std::path::{Path, PathBuf};

use common::tui::{app_on, key, typed};
use crossterm::event::KeyCode;
use outturn::domain::movement::Bridge;
use outturn::domain::report::RowKind;
use outturn::domain::{FinancialYear, Money, Period};
use outturn::store::{self, entities as e};
use outturn::tui::action::{Action, Screen};
use outturn::tui::app::{App, Mode};
use outturn::tui::handle;
use rusqlite::Connection;

/// The screen as text, the snapshot's time stamp (the real clock at `period close`) replaced.
fn screen_text(app: &App, conn: &Connection, w: u16, h: u16) -> String {
    let mut out = common::tui::screen_text(app, w, h);
    for s in e::list_snapshots(conn).unwrap() {
        out = out.replace(&s.at, &"2022-08-01T09:00:00Z"[..s.at.len().min(20)]);
    }
    out
}

/// The bridge of phase `code` in the loaded view.
fn bridge_of(d: &outturn::tui::movement::MovementData, code: &str) -> Bridge {
    d.rows.iter().find(|r| r.phase_code == code).unwrap().bridge
}

fn pounds(s: &str) -> Money {
    Money::parse(s).unwrap()
}

fn fy22() -> FinancialYear {
    FinancialYear::new(2022).unwrap()
}

fn p(n: u8) -> Period {
    Period::new(n).unwrap()
}

/// `outturn change add ARGS --effective DATE --status approved` on `db`.
fn approved_change(db: &Path, args: &[&str], effective: &str) {
    let mut all = vec!["change", "add"];
    all.extend_from_slice(args);
    all.extend(["--effective", effective, "--status", "approved"]);
    common::ok(db, &all);
}

/// The demo with 2022-23 P4 closed (its report kept as a snapshot), then three approved
/// changes effective in August (P5): an addition of £100,000 to DT1, a reprofile of £50,000 of
/// DT1 from 2022-23 to 2023-24, and a virement of £30,000 from DT1 to ICT.
fn bridged_demo() -> (tempfile::TempDir, PathBuf) {
    let (dir, db) = common::demo_db();
    common::ok(
        &db,
        &[
            "period",
            "close",
            "2022-23",
            "P4",
            "--allow-missing-comments",
        ],
    );
    let fy = ["--fy", "2022-23", "--amount"];
    approved_change(
        &db,
        &[
            &["--kind", "addition", "--phase", "DT1"][..],
            &fy,
            &["100000"],
        ]
        .concat(),
        "15/08/2022",
    );
    approved_change(
        &db,
        &[
            "--kind",
            "reprofile",
            "--phase",
            "DT1",
            "--from-fy",
            "2022-23",
            "--to-fy",
            "2023-24",
            "--amount",
            "50000",
        ],
        "16/08/2022",
    );
    approved_change(
        &db,
        &[
            &[
                "--kind",
                "virement",
                "--from-phase",
                "DT1",
                "--to-phase",
                "ICT",
            ][..],
            &fy,
            &["30000"],
        ]
        .concat(),
        "17/08/2022",
    );
    (dir, db)
}

#[test]
fn the_movement_view_bridges_the_last_report_to_the_period_shown_by_cause() {
    let (_dir, db) = bridged_demo();
    let (mut app, mut conn) = app_on(&db, 140, 40);
    key(&mut app, &mut conn, KeyCode::Char('7'));
    assert_eq!((app.fy, app.period), (Some(fy22()), Some(p(5))));
    key(&mut app, &mut conn, KeyCode::Char('M'));
    let d = app.movement.as_ref().unwrap().data.clone().unwrap();
    // The last report before P5 is the P4 snapshot.
    assert_eq!(d.from, Some(p(4)));
    assert!(
        d.from_basis.starts_with("P4 (snapshot of "),
        "{}",
        d.from_basis
    );
    assert_eq!(d.to_basis, "P5 (live)");
    // Exactly what `outturn report movement --fy 2022-23 --from P4 --to P5` computes.
    assert_eq!(
        d.rows,
        store::cabinet::movement(&conn, fy22(), p(4), p(5), None).unwrap()
    );
    // By hand. DT1: £804,132.63 at P4; + £100,000 addition - £50,000 reprofiled out of the year
    // - £30,000 vired to ICT = + £20,000 -> £824,132.63.
    let dt1 = bridge_of(&d, "DT1");
    let mut causes = [Money::ZERO; 7];
    causes[1] = pounds("100000");
    causes[4] = pounds("-50000");
    causes[6] = pounds("-30000");
    assert_eq!(
        dt1,
        Bridge {
            from_revised: pounds("804132.63"),
            causes,
            other: Money::ZERO,
            to_revised: pounds("824132.63"),
        }
    );
    // ICT: nothing at P4, + £30,000 vired in.
    let ict = bridge_of(&d, "ICT");
    assert_eq!(ict.causes[5], pounds("30000"));
    assert_eq!(ict.movement(), pounds("30000"));
    // The grand total: £100,000 - £50,000 + £30,000 - £30,000 = £50,000
    // = £854,132.63 - £804,132.63, the lines adding up to the movement.
    let grand = d.rows.last().unwrap();
    assert_eq!(grand.kind, RowKind::GrandTotal);
    assert_eq!(grand.bridge.movement(), pounds("50000"));
    assert_eq!(
        grand.bridge.causes.iter().copied().sum::<Money>(),
        grand.bridge.movement()
    );

    let wide = screen_text(&app, &conn, 140, 40);
    assert!(wide.contains("Movement in revised budget 2022-23 from P4 (snapshot of"));
    assert!(wide.contains("(£50,000.00)"), "{wide}");
    insta::assert_snapshot!("movement_140x40", wide);
    // The selected row's bridge: DT1 is the first row.
    assert!(wide.contains("= Budget movement"), "{wide}");
    assert!(wide.contains("£20,000.00"), "{wide}");

    // The grand total's bridge at 80x24 (End: the last row).
    handle(&mut app, &mut conn, Action::Resize(80, 24));
    key(&mut app, &mut conn, KeyCode::Char('G'));
    let narrow = screen_text(&app, &conn, 80, 24);
    assert!(narrow.contains(" Grand total "), "{narrow}");
    assert!(narrow.contains("£50,000.00"), "{narrow}");
    insta::assert_snapshot!("movement_80x24", narrow);
    for line in narrow.lines() {
        assert!(line.chars().count() <= 80);
    }
    // The footer is the movement view's: the year keys give way to the earlier report.
    assert!(narrow.contains("[] from"), "{narrow}");
    assert!(!narrow.contains("[] year"), "{narrow}");
    assert!(
        narrow.contains("? help") && narrow.contains("q quit"),
        "{narrow}"
    );

    // [ : from P3, read live (P3 is open). The changes are all effective in P5, so the bridge is
    // the same figures from a live P3.
    key(&mut app, &mut conn, KeyCode::Char('['));
    let d3 = app.movement.as_ref().unwrap().data.clone().unwrap();
    assert_eq!(d3.from, Some(p(3)));
    assert_eq!(d3.from_basis, "P3 (live)");
    assert_eq!(
        d3.rows,
        store::cabinet::movement(&conn, fy22(), p(3), p(5), None).unwrap()
    );
    assert_eq!(d3.rows.last().unwrap().bridge.movement(), pounds("50000"));
    // ] twice: back to P4, then no later (P5 is the period shown).
    key(&mut app, &mut conn, KeyCode::Char(']'));
    assert_eq!(
        app.movement.as_ref().unwrap().data.as_ref().unwrap().from,
        Some(p(4))
    );
    key(&mut app, &mut conn, KeyCode::Char(']'));
    assert_eq!(
        app.movement.as_ref().unwrap().data.as_ref().unwrap().from,
        Some(p(4))
    );
    assert!(
        app.status
            .as_ref()
            .unwrap()
            .text
            .contains("before the period shown")
    );

    // Esc returns to the report; M opens the view again.
    key(&mut app, &mut conn, KeyCode::Esc);
    assert!(app.movement.is_none());
    assert_eq!(app.screen, Screen::Report);
    assert!(screen_text(&app, &conn, 80, 24).contains("Monitoring report 2022-23 P5"));
    key(&mut app, &mut conn, KeyCode::Char('M'));
    assert!(app.movement.is_some());
    key(&mut app, &mut conn, KeyCode::Char('M'));
    assert!(app.movement.is_none());
    // Another screen closes the view: back on the Report screen, the report shows.
    key(&mut app, &mut conn, KeyCode::Char('M'));
    key(&mut app, &mut conn, KeyCode::Char('6'));
    assert_eq!(
        (app.screen, app.movement.is_none()),
        (Screen::Actuals, true)
    );
    key(&mut app, &mut conn, KeyCode::Char('7'));
    assert!(screen_text(&app, &conn, 80, 24).contains("Monitoring report 2022-23 P5"));
}

/// With no closed period before the one shown the bridge starts at the period before it (live);
/// at P1 there is nothing to bridge from.
#[test]
fn without_a_closed_period_the_bridge_is_from_the_period_before() {
    let (_dir, db) = common::demo_db();
    let (mut app, mut conn) = app_on(&db, 80, 24);
    key(&mut app, &mut conn, KeyCode::Char('7'));
    key(&mut app, &mut conn, KeyCode::Char('M'));
    let d = app.movement.as_ref().unwrap().data.clone().unwrap();
    // The Report opens on P4, the month being reported (nothing closed, July the latest ended).
    assert_eq!((d.from, d.to), (Some(p(3)), p(4)));
    assert_eq!(d.from_basis, "P3 (live)");
    // Nothing moved DT1 between P3 and P4 in the demo: £804,132.63 both times.
    let grand = d.rows.last().unwrap().bridge;
    assert_eq!(grand.from_revised, pounds("804132.63"));
    assert_eq!(grand.movement(), Money::ZERO);
    // < three times (the period shown, with the view open): P1, nothing before it.
    for _ in 0..3 {
        key(&mut app, &mut conn, KeyCode::Char('<'));
    }
    assert_eq!(app.period, Some(p(1)));
    let d = app.movement.as_ref().unwrap().data.clone().unwrap();
    assert_eq!((d.from, d.to), (None, p(1)));
    assert!(screen_text(&app, &conn, 80, 24).contains("no earlier report to bridge from"));
}

/// Another process's change reaches the open view (the live reload reloads the bridge).
#[test]
fn the_open_view_follows_a_change_from_another_process() {
    let (_dir, db) = bridged_demo();
    let (mut app, mut conn) = app_on(&db, 80, 24);
    key(&mut app, &mut conn, KeyCode::Char('7'));
    key(&mut app, &mut conn, KeyCode::Char('M'));
    approved_change(
        &db,
        &[
            "--kind",
            "reduction",
            "--phase",
            "DT1",
            "--fy",
            "2022-23",
            "--amount",
            "4000",
        ],
        "18/08/2022",
    );
    handle(&mut app, &mut conn, Action::Changed);
    let d = app.movement.as_ref().unwrap().data.clone().unwrap();
    let dt1 = bridge_of(&d, "DT1");
    // + £100,000 - £4,000 - £50,000 - £30,000 = + £16,000.
    assert_eq!(dt1.causes[2], pounds("-4000"));
    assert_eq!(dt1.movement(), pounds("16000"));
}

#[test]
fn tab_completes_the_import_path_and_the_import_names_its_encoding() {
    let (_dir, db) = common::demo_db();
    let files = tempfile::tempdir().unwrap();
    // "Caf\xe9" is Windows-1252 (é), not UTF-8: the import detects it and says so.
    let mut bytes = b"Date,Programme,Phase,Supplier,Description,Reference,Amount\n\
        01/08/2022,WIR-SCP,DT1,Caf"
        .to_vec();
    bytes.extend_from_slice(b"\xe9 Ltd,Lunch,ENC-1,12.50\n");
    std::fs::write(files.path().join("ledger-aug.csv"), bytes).unwrap();
    std::fs::write(
        files.path().join("utf8.csv"),
        "Date,Programme,Phase,Supplier,Description,Reference,Amount\n\
         02/08/2022,WIR-SCP,DT1,Café Ltd,Lunch,ENC-2,7.50\n",
    )
    .unwrap();
    let (mut app, mut conn) = app_on(&db, 80, 24);
    key(&mut app, &mut conn, KeyCode::Char('6'));
    key(&mut app, &mut conn, KeyCode::Char('i'));
    let base = files.path().display().to_string();
    typed(&mut app, &mut conn, &format!("\"{base}/le"));
    key(&mut app, &mut conn, KeyCode::Tab);
    let Mode::Form(f) = &app.mode else {
        panic!("the import form stays open: {:?}", app.mode)
    };
    // One match: the whole name, the quote closed.
    assert_eq!(
        f.fields[0].value.text(),
        format!("\"{base}/ledger-aug.csv\"")
    );
    key(&mut app, &mut conn, KeyCode::Enter);
    let status = app.status.clone().unwrap().text;
    assert!(
        status.starts_with(
            "Imported 1 row totalling £12.50 from ledger-aug.csv, read as windows-1252 (the file is not UTF-8)"
        ),
        "{status}"
    );
    key(&mut app, &mut conn, KeyCode::Char('i'));
    typed(&mut app, &mut conn, &format!("{base}/u"));
    key(&mut app, &mut conn, KeyCode::Tab);
    key(&mut app, &mut conn, KeyCode::Enter);
    let status = app.status.clone().unwrap().text;
    assert!(
        status.starts_with("Imported 1 row totalling £7.50 from utf8.csv, read as UTF-8"),
        "{status}"
    );
}

/// Every bar of the chart carries its value (`£4.0m`, `£804k`, `£0`); a full-height bar has it
/// inside its top row. 2017-18 selected: its budget is the top of the scale.
#[test]
fn the_chart_labels_every_bar_with_its_value() {
    let (_dir, db) = common::demo_db();
    for (w, h) in [(80, 24), (140, 40)] {
        let (mut app, mut conn) = app_on(&db, w, h);
        // 2022-23 -> 2017-18: five years back ([ skips to the previous year with figures or not).
        while app.fy != FinancialYear::new(2017).ok() {
            key(&mut app, &mut conn, KeyCode::Char('['));
        }
        let f = app.figures.as_ref().unwrap();
        let y17 = f.by_year.iter().find(|y| y.fy == app.fy.unwrap()).unwrap();
        let text = screen_text(&app, &conn, w, h);
        for m in [y17.revised, y17.actual, y17.forecast] {
            assert!(text.contains(&m.compact()), "{} in\n{text}", m.compact());
        }
        insta::assert_snapshot!(format!("chart_2017_18_{w}x{h}"), text);
    }
}

/// Budget, Contracts and Decisions at 80x24 and 140x40: codes, years, dates and money whole;
/// only free text cut, and then with `…`.
#[test]
fn budget_contracts_and_decisions_cut_text_with_an_ellipsis_never_codes() {
    let (_dir, db) = bridged_demo();
    for (w, h) in [(80, 24), (140, 40)] {
        let (mut app, mut conn) = app_on(&db, w, h);
        for (n, name) in [('3', "decisions"), ('4', "budget"), ('5', "contracts")] {
            key(&mut app, &mut conn, KeyCode::Char(n));
            let text = screen_text(&app, &conn, w, h);
            for code in match name {
                "decisions" => &[
                    "WOL-SB-2017-10-10-5",
                    "WOL-CAB-2017-10-18-5",
                    "WIR-PRC-2021-12-07",
                    "WIR-DOR-2022-08-26",
                    "10/10/2017",
                ][..],
                "budget" => &[
                    "WIR-SCP/DT1",
                    "2022-23 to 2023-24",
                    "WIR-DOR-2022-08-26",
                    "WIR-SCP/DT1 2022-23",
                    "WIR-SCP/DT1 2023-24",
                    "WOL-DTP/ICT 2022-23",
                    "15/08/2022",
                    "£50,000.00",
                ][..],
                _ => &["WIR-MS-2022-001", "£1,378,513.09", "in 32 days"][..],
            } {
                assert!(
                    text.contains(code),
                    "{name} {w}x{h}: {code} whole in\n{text}"
                );
            }
            if w == 80 {
                // At 80 columns the long text gives way, visibly.
                let cut = match name {
                    "decisions" => "Policy and Resour",
                    "budget" => "appr…",
                    _ => "Micr…",
                };
                assert!(text.contains(cut), "{name}: {cut} in\n{text}");
                assert!(text.contains('…'), "{name}: an ellipsis in\n{text}");
            }
            insta::assert_snapshot!(format!("{name}_cut_{w}x{h}"), text);
        }
    }
}
