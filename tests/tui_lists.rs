//! The TUI's lists sort by their columns (`s` next column, `S` the other way) and export what
//! they show to CSV (`x`), asking before a file is replaced (issue 12 item 4). The fixture is the
//! demo plus five actuals in 2022-23 with pence, credits and suppliers that sort differently by
//! case, a second contract and two budget changes, all added with the command line. "Today" is
//! 26/08/2022 (2022-23 P5).

mod common;

use std::path::{Path, PathBuf};

use common::tui::*;
use crossterm::event::KeyCode;
use outturn::domain::{FinancialYear, Period};
use outturn::store;
use outturn::tui::action::{Action, Command, Screen};
use outturn::tui::app::{App, Mode};
use outturn::tui::handle;
use rusqlite::Connection;

/// The demo and, added with the command line (the demo's actuals are ids 1 to 10):
/// 11 A 20/04/2022 P1 Zeta Ltd        £1,250.50  "=SUM(A1) adjustment"  ref Z-1
/// 12 B 03/05/2022 P2 acme services   -£12.34    "credit note"          ref -CR-7
/// 13 C 15/06/2022 P3 Acme Ltd        £999.99    "design"             
/// 14 D 15/06/2022 P3 Beta plc        £0.05      "survey, phase 1"      ref B-3
/// 15 E 01/07/2022 P4 Acme Ltd        -£100.00   "build"              
/// all on WIR-SCP/DT1; contract WIR-X (Acme Ltd, £999,999.99 from 01/05/2022 for 6 months);
/// changes 2 (addition £500.00, effective 01/08/2022) and 3 (reduction £49.99, 15/07/2022) to
/// DT1 in 2022-23.
fn fixture() -> (tempfile::TempDir, PathBuf) {
    let (dir, db) = common::demo_db();
    let add = |date: &str, supplier: &str, description: &str, reference: &str, amount: &str| {
        common::ok(
            &db,
            &[
                "actual",
                "add",
                "--date",
                date,
                "--programme",
                "WIR-SCP",
                "--phase",
                "DT1",
                "--supplier",
                supplier,
                "--description",
                description,
                &format!("--reference={reference}"),
                &format!("--amount={amount}"),
            ],
        );
    };
    add(
        "2022-04-20",
        "Zeta Ltd",
        "=SUM(A1) adjustment",
        "Z-1",
        "1250.50",
    );
    add(
        "2022-05-03",
        "acme services",
        "credit note",
        "-CR-7",
        "(12.34)",
    );
    add("2022-06-15", "Acme Ltd", "design", "A-2", "999.99");
    add("2022-06-15", "Beta plc", "survey, phase 1", "B-3", "0.05");
    add("2022-07-01", "Acme Ltd", "build", "A-3", "(100.00)");
    common::ok(
        &db,
        &[
            "contract",
            "add",
            "--reference",
            "WIR-X",
            "--supplier",
            "Acme Ltd",
            "--programme",
            "WIR-SCP",
            "--phase",
            "DT1",
            "--value",
            "999999.99",
            "--start",
            "2022-05-01",
            "--term",
            "6",
        ],
    );
    for (kind, amount, effective) in [
        ("addition", "500.00", "2022-08-01"),
        ("reduction", "49.99", "2022-07-15"),
    ] {
        common::ok(
            &db,
            &[
                "change",
                "add",
                "--kind",
                kind,
                "--programme",
                "WIR-SCP",
                "--phase",
                "DT1",
                "--fy",
                "2022-23",
                "--amount",
                amount,
                "--effective",
                effective,
            ],
        );
    }
    (dir, db)
}

/// An app on `db` exporting to `exports` by default.
fn app_in(db: &Path, exports: &Path, w: u16, h: u16) -> (App, Connection) {
    let mut conn = store::open(db).unwrap();
    let mut app = App::new(today(), exports.to_path_buf());
    handle(&mut app, &mut conn, Action::Resize(w, h));
    handle(&mut app, &mut conn, Action::Start);
    (app, conn)
}

/// The references of the actuals in view, in order.
fn actual_refs(app: &App) -> Vec<String> {
    (0..app.actuals.total as usize)
        .map(|i| app.actuals.get(i).unwrap().reference.clone())
        .collect()
}

fn selected_ref(app: &App) -> String {
    app.actuals
        .get(app.actuals.cursor)
        .unwrap()
        .reference
        .clone()
}

fn status(app: &App) -> String {
    app.status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default()
}

#[test]
fn actuals_sort_by_amount_and_supplier_keeping_the_selected_row() {
    let (_dir, db) = fixture();
    let (mut app, mut conn) = app_on(&db, 80, 24);
    show(&mut app, &mut conn, Screen::Actuals);
    // 2022-23 by date: A B C D E, then the demo's MS-INV-0001 (31/10/2022) and -0002 (31/01/2023).
    assert_eq!(
        actual_refs(&app),
        [
            "Z-1",
            "-CR-7",
            "A-2",
            "B-3",
            "A-3",
            "MS-INV-0001",
            "MS-INV-0002"
        ]
    );
    // 1,250.50 - 12.34 + 999.99 + 0.05 - 100.00 + 229,752.18 + 344,628.27 = 576,518.65.
    assert!(screen_text(&app, 80, 24).contains("row 1 of 7 · total £576,518.65"));
    for _ in 0..3 {
        key(&mut app, &mut conn, KeyCode::Down);
    }
    assert_eq!(selected_ref(&app), "B-3");
    // s: by amount, smallest first: -100.00, -12.34, 0.05, 999.99, 1,250.50, 229,752.18,
    // 344,628.27 (as text "-100.00" < "-12.34" too, but "0.05" < "1250.50" < "229752.18" <
    // "344628.27" < "999.99" would put 999.99 last).
    key(&mut app, &mut conn, KeyCode::Char('s'));
    assert_eq!(
        actual_refs(&app),
        [
            "A-3",
            "-CR-7",
            "B-3",
            "A-2",
            "Z-1",
            "MS-INV-0001",
            "MS-INV-0002"
        ]
    );
    assert_eq!(selected_ref(&app), "B-3");
    assert_eq!(app.actuals.cursor, 2);
    let text = screen_text(&app, 80, 24);
    assert!(text.contains("Amount ▲"), "{text}");
    // S: the same column the other way.
    key(&mut app, &mut conn, KeyCode::Char('S'));
    assert_eq!(
        actual_refs(&app),
        [
            "MS-INV-0002",
            "MS-INV-0001",
            "Z-1",
            "A-2",
            "B-3",
            "-CR-7",
            "A-3"
        ]
    );
    assert_eq!(selected_ref(&app), "B-3");
    assert!(screen_text(&app, 80, 24).contains("Amount ▼"));
    // s: by supplier (byte order: capitals first), then id: Acme Ltd (13, 15), Beta plc,
    // Microsoft Limited (8, 9), Zeta Ltd, acme services.
    key(&mut app, &mut conn, KeyCode::Char('s'));
    assert_eq!(
        actual_refs(&app),
        [
            "A-2",
            "A-3",
            "B-3",
            "MS-INV-0001",
            "MS-INV-0002",
            "Z-1",
            "-CR-7"
        ]
    );
    assert_eq!(selected_ref(&app), "B-3");
    // The count and total do not change with the order.
    assert!(screen_text(&app, 80, 24).contains("row 3 of 7 · total £576,518.65"));
    // s: back to the date, the sort kept when the filter changes.
    key(&mut app, &mut conn, KeyCode::Char('s'));
    assert_eq!(actual_refs(&app)[0], "Z-1");
    key(&mut app, &mut conn, KeyCode::Char('S'));
    assert_eq!(actual_refs(&app)[0], "MS-INV-0002");
    key(&mut app, &mut conn, KeyCode::Char('/'));
    for _ in 0..4 {
        key(&mut app, &mut conn, KeyCode::Tab);
    }
    typed(&mut app, &mut conn, "acme");
    key(&mut app, &mut conn, KeyCode::Enter);
    // Acme by date, newest first: E 01/07, C 15/06, B 03/05.
    assert_eq!(actual_refs(&app), ["A-3", "A-2", "-CR-7"]);
}

/// The actuals the supplier filter `acme` selects in 2022-23, by amount, largest first.
const ACME_BY_AMOUNT: &str = "tests/fixtures/tui_lists_actuals_acme.csv";

#[test]
fn actuals_export_writes_every_row_the_filter_selects_in_its_order() {
    let (dir, db) = fixture();
    let exports = dir.path().join("exports");
    std::fs::create_dir(&exports).unwrap();
    // 80x24 shows 17 rows: the export is of every row the filter selects, not the page.
    let (mut app, mut conn) = app_in(&db, &exports, 80, 24);
    show(&mut app, &mut conn, Screen::Actuals);
    key(&mut app, &mut conn, KeyCode::Char('/'));
    for _ in 0..4 {
        key(&mut app, &mut conn, KeyCode::Tab);
    }
    typed(&mut app, &mut conn, "acme");
    key(&mut app, &mut conn, KeyCode::Enter);
    key(&mut app, &mut conn, KeyCode::Char('s'));
    key(&mut app, &mut conn, KeyCode::Char('S'));
    // acme (any case): B -12.34, C 999.99, E -100.00; 999.99 - 12.34 - 100.00 = 887.65.
    let shown = screen_text(&app, 80, 24);
    assert!(shown.contains("row 2 of 3 · total £887.65"), "{shown}");
    key(&mut app, &mut conn, KeyCode::Char('x'));
    let path = exports.join("outturn-actuals-2022-23.csv");
    match &app.mode {
        Mode::Form(f) => {
            assert_eq!(f.title, "Export the 3 actuals the filter selects as CSV");
            assert_eq!(f.fields[0].value.text(), path.display().to_string());
        }
        other => panic!("{other:?}"),
    }
    key(&mut app, &mut conn, KeyCode::Enter);
    assert_eq!(
        status(&app),
        format!("Exported 3 rows to {}", path.display())
    );
    // Byte for byte: the CLI's columns; largest first: C 999.99, B -12.34, E -100.00; the
    // reference -CR-7 is text, so it gets a leading '; amounts are figures, so they do not.
    let written = std::fs::read(&path).unwrap();
    assert_eq!(written, std::fs::read(ACME_BY_AMOUNT).unwrap());
    // The amounts add up to the total on screen: 999.99 - 12.34 - 100.00 = 887.65.
    let text = String::from_utf8(written).unwrap();
    let pence: i64 = text
        .lines()
        .skip(1)
        .map(|l| {
            let a = l.rsplit(',').next().unwrap();
            outturn::domain::Money::parse(a).unwrap().pence()
        })
        .sum();
    assert_eq!(pence, 88765);
}

#[test]
fn export_asks_before_overwriting_and_refuses_special_files() {
    let (dir, db) = fixture();
    let exports = dir.path().join("exports");
    std::fs::create_dir(&exports).unwrap();
    let (mut app, mut conn) = app_in(&db, &exports, 80, 24);
    show(&mut app, &mut conn, Screen::Decisions);
    let path = exports.join("outturn-decisions.csv");
    std::fs::write(&path, "old\n").unwrap();
    key(&mut app, &mut conn, KeyCode::Char('x'));
    key(&mut app, &mut conn, KeyCode::Enter);
    match &app.mode {
        Mode::Confirm { question, .. } => {
            assert_eq!(question, &format!("Overwrite {}? y/n", path.display()))
        }
        other => panic!("{other:?}"),
    }
    // The temporary folder's name, masked to its own length so the layout is kept.
    let tmp = dir.path().display().to_string();
    let masked = format!("{:X<w$}", "/tmp", w = tmp.chars().count());
    insta::assert_snapshot!(
        "overwrite_question_80x24",
        screen_text(&app, 80, 24).replace(&tmp, &masked)
    );
    // n: nothing written.
    key(&mut app, &mut conn, KeyCode::Char('n'));
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "old\n");
    // y: replaced, the register in its order (by date), every column as the screen names it.
    key(&mut app, &mut conn, KeyCode::Char('x'));
    key(&mut app, &mut conn, KeyCode::Enter);
    key(&mut app, &mut conn, KeyCode::Char('y'));
    assert_eq!(
        status(&app),
        format!("Exported 5 rows to {}", path.display())
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "Date,Body,Reference,Outcome\n\
         2017-10-10,Scrutiny Board,WOL-SB-2017-10-10-5,pre-decision scrutiny\n\
         2017-10-18,Cabinet,WOL-CAB-2017-10-18-5,recommended to Council\n\
         2017-11-08,Council,WOL-COU-2017-11-08-6,approved\n\
         2021-12-07,Policy and Resources Committee,WIR-PRC-2021-12-07,approved\n\
         2022-08-26,Director of Resources,WIR-DOR-2022-08-26,Recommendations Approved\n"
    );
    // A device is refused under the field; nothing is asked, the form stays open.
    key(&mut app, &mut conn, KeyCode::Char('x'));
    outturn_ctrl_u(&mut app, &mut conn);
    typed(&mut app, &mut conn, "/dev/null");
    key(&mut app, &mut conn, KeyCode::Enter);
    match &app.mode {
        Mode::Form(f) => {
            let e = f.fields[0].error.as_deref().unwrap();
            assert!(e.contains("system device"), "{e}");
        }
        other => panic!("{other:?}"),
    }
    // A folder too.
    outturn_ctrl_u(&mut app, &mut conn);
    typed(&mut app, &mut conn, &exports.display().to_string());
    key(&mut app, &mut conn, KeyCode::Enter);
    match &app.mode {
        Mode::Form(f) => assert!(f.fields[0].error.as_deref().unwrap().contains("a folder")),
        other => panic!("{other:?}"),
    }
}

fn outturn_ctrl_u(app: &mut App, conn: &mut Connection) {
    key_ctrl_u(app, conn);
}

#[test]
fn decisions_contracts_and_changes_sort_by_their_columns() {
    let (dir, db) = fixture();
    let (mut app, mut conn) = app_in(&db, dir.path(), 140, 40);
    // Decisions: select WOL-SB (first by date); s Date, s Body: Cabinet, Council, Director of
    // Resources, Policy and Resources Committee, Scrutiny Board; S the other way.
    show(&mut app, &mut conn, Screen::Decisions);
    let refs = |app: &App| -> Vec<String> {
        let r = app.register.as_ref().unwrap();
        r.decisions.iter().map(|d| d.reference.clone()).collect()
    };
    assert_eq!(refs(&app)[0], "WOL-SB-2017-10-10-5");
    key(&mut app, &mut conn, KeyCode::Char('s'));
    key(&mut app, &mut conn, KeyCode::Char('s'));
    assert_eq!(
        refs(&app),
        [
            "WOL-CAB-2017-10-18-5",
            "WOL-COU-2017-11-08-6",
            "WIR-DOR-2022-08-26",
            "WIR-PRC-2021-12-07",
            "WOL-SB-2017-10-10-5"
        ]
    );
    assert_eq!(app.decision_list.cursor, 4);
    // What each decision approved moved with it: WIR-DOR's is the Microsoft contract.
    let reg = app.register.as_ref().unwrap();
    assert!(
        reg.approved[2]
            .iter()
            .any(|l| l.contains("WIR-MS-2022-001"))
    );
    assert!(screen_text(&app, 140, 40).contains("Body ▲"));
    key(&mut app, &mut conn, KeyCode::Char('S'));
    assert_eq!(refs(&app)[0], "WOL-SB-2017-10-10-5");
    assert_eq!(app.decision_list.cursor, 0);

    // Contracts: by value, smallest first: WIR-X £999,999.99 before WIR-MS £1,378,513.09 (as
    // text "999999.99" would come after "1378513.09"); the selection stays on WIR-MS.
    show(&mut app, &mut conn, Screen::Contracts);
    let refs = |app: &App| -> Vec<String> {
        let c = app.contracts.as_ref().unwrap();
        c.iter().map(|r| r.contract.reference.clone()).collect()
    };
    assert_eq!(refs(&app), ["WIR-MS-2022-001", "WIR-X"]);
    for _ in 0..3 {
        key(&mut app, &mut conn, KeyCode::Char('s'));
    }
    assert_eq!(refs(&app), ["WIR-X", "WIR-MS-2022-001"]);
    assert_eq!(app.contract_list.cursor, 1);
    assert!(screen_text(&app, 140, 40).contains("Value ▲"));

    // Budget changes in 2022-23: s Id, s Kind, s Amount: £49.99 (3), £500.00 (2); S: 2, 3.
    show(&mut app, &mut conn, Screen::Budget);
    let ids = |app: &App| -> Vec<i64> {
        let b = app.budget.as_ref().unwrap();
        b.changes.iter().map(|c| c.id).collect()
    };
    for _ in 0..3 {
        key(&mut app, &mut conn, KeyCode::Char('s'));
    }
    assert_eq!(ids(&app), [3, 2]);
    key(&mut app, &mut conn, KeyCode::Char('S'));
    assert_eq!(ids(&app), [2, 3]);
    assert!(screen_text(&app, 140, 40).contains("Amount ▼"));
    // The sort stays after a reload (another year and back).
    key(&mut app, &mut conn, KeyCode::Char(']'));
    key(&mut app, &mut conn, KeyCode::Char('['));
    assert_eq!(ids(&app), [2, 3]);
}

#[test]
fn phases_and_audit_sort_too() {
    let (dir, db) = fixture();
    let (mut app, mut conn) = app_in(&db, dir.path(), 140, 40);
    show(&mut app, &mut conn, Screen::Programmes);
    let codes = |app: &App| -> Vec<String> {
        let t = app.tree.as_ref().unwrap();
        t.rows()
            .iter()
            .map(|r| match r {
                outturn::tui::state::TreeRow::Programme(p) => p.code.clone(),
                outturn::tui::state::TreeRow::Phase(p) => p.code.clone(),
            })
            .collect()
    };
    // Select PH1 (WIR-SCP, DT1, WOL-DTP, FUT, ICT, PH1).
    for _ in 0..5 {
        key(&mut app, &mut conn, KeyCode::Down);
    }
    // s Code, s Name, S Name descending: programmes "Strategic Change Programme" after
    // "Digital Transformation Programme 2017-20"; WOL-DTP's phases Phase 2, Phase 1, ICT
    // capital programme, Future phases.
    key(&mut app, &mut conn, KeyCode::Char('s'));
    key(&mut app, &mut conn, KeyCode::Char('s'));
    key(&mut app, &mut conn, KeyCode::Char('S'));
    assert_eq!(
        codes(&app),
        ["WIR-SCP", "DT1", "WOL-DTP", "PH2", "PH1", "ICT", "FUT"]
    );
    assert_eq!(app.tree_list.cursor, 4);
    assert!(screen_text(&app, 140, 40).contains("sorted by Name ▼"));

    // Audit, by record kind: the words are in order, and the selected event stays selected.
    show(&mut app, &mut conn, Screen::Audit);
    key(&mut app, &mut conn, KeyCode::Down);
    let id = app.audit.as_ref().unwrap()[1].id;
    for _ in 0..4 {
        key(&mut app, &mut conn, KeyCode::Char('s'));
    }
    let events = app.audit.as_ref().unwrap();
    let kinds: Vec<String> = events
        .iter()
        .map(|e| outturn::domain::audit_words::kind_word(&e.entity))
        .collect();
    let mut sorted = kinds.clone();
    sorted.sort();
    assert_eq!(kinds, sorted);
    // The fixture's five actuals are the newest "actual" events; "actual" sorts first.
    assert_eq!(kinds[0], "actual");
    assert_eq!(events[app.audit_list.cursor].id, id);
    assert!(screen_text(&app, 140, 40).contains("Record ▲"));
}

#[test]
fn report_rows_sort_within_their_programme_and_the_export_follows() {
    let (dir, db) = fixture();
    let (mut app, mut conn) = app_in(&db, dir.path(), 140, 40);
    show(&mut app, &mut conn, Screen::Report);
    let target = FinancialYear::new(2017).unwrap();
    for _ in 0..10 {
        if app.fy == Some(target) {
            break;
        }
        handle(&mut app, &mut conn, Action::Command(Command::PrevYear));
    }
    for _ in 0..12 {
        if app.period == Some(Period::new(9).unwrap()) {
            break;
        }
        handle(&mut app, &mut conn, Action::Command(Command::PrevPeriod));
    }
    assert_eq!(
        (app.fy, app.period),
        (Some(target), Some(Period::new(9).unwrap()))
    );
    let rows = |app: &App| -> Vec<String> {
        let f = app.figures.as_ref().unwrap();
        f.report
            .rows
            .iter()
            .map(|r| format!("{}/{}", r.programme_code, r.phase_code))
            .collect()
    };
    let natural = rows(&app);
    assert_eq!(natural[..2], ["WOL-DTP/ICT", "WOL-DTP/PH2"]);
    // The selected column: Variance % (the 14th after Programme and Phase as read: Phase name,
    // Revised budget, Actual to date, Forecast outturn, Variance, RAG, then the CSV's columns
    // from Original budget). ICT -78.8, PH2 -13.3.
    for _ in 0..13 {
        key(&mut app, &mut conn, KeyCode::Char('l'));
    }
    assert!(screen_text(&app, 140, 40).contains("Enter: Variance %"));
    // Select PH2.
    key(&mut app, &mut conn, KeyCode::Down);
    // s: ascending, -78.8 (ICT) before -13.3 (PH2): the report's own order.
    key(&mut app, &mut conn, KeyCode::Char('s'));
    assert_eq!(rows(&app), natural);
    // s again: descending, PH2 (-13.3) first (as text "-78.8" > "-13.3" would put ICT
    // first); the programme total and the grand total stay last.
    key(&mut app, &mut conn, KeyCode::Char('s'));
    let sorted = rows(&app);
    assert_eq!(sorted[..2], ["WOL-DTP/PH2", "WOL-DTP/ICT"]);
    assert_eq!(sorted[2..], natural[2..]);
    assert_eq!(app.cards.cursor, 0, "the selection stays on PH2");
    let text = screen_text(&app, 140, 40);
    // The header whole with its arrow (there is room for it).
    assert!(text.contains("Variance % ▼"), "{text}");
    insta::assert_snapshot!("report_sorted_140x40", text);
    // The export holds the rows in that order: the CLI's CSV with ICT and PH2 swapped.
    key(&mut app, &mut conn, KeyCode::Char('x'));
    key(&mut app, &mut conn, KeyCode::Enter);
    let path = dir.path().join("outturn-2017-18-P9.csv");
    let (report, _) =
        store::cabinet::report(&conn, target, Period::new(9).unwrap(), None, None).unwrap();
    let cli = outturn::io::report::csv_string(&report);
    let mut lines: Vec<&str> = cli.lines().collect();
    lines.swap(1, 2);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        lines.join("\n") + "\n"
    );
    assert_eq!(
        status(&app),
        format!("Exported 4 rows to {}", path.display())
    );
    // s a third time: the report's own order again, PH2 still selected.
    key(&mut app, &mut conn, KeyCode::Char('s'));
    assert_eq!(rows(&app), natural);
    assert_eq!(app.cards.cursor, 1);
}

#[test]
fn snapshots_of_a_sorted_header_and_the_export_form() {
    let (dir, db) = fixture();
    for (w, h) in [(80u16, 24u16), (140, 40)] {
        let (mut app, mut conn) = app_in(&db, Path::new("/tmp/exports"), w, h);
        show(&mut app, &mut conn, Screen::Actuals);
        key(&mut app, &mut conn, KeyCode::Char('s'));
        key(&mut app, &mut conn, KeyCode::Char('S'));
        insta::assert_snapshot!(
            format!("actuals_by_amount_{w}x{h}"),
            screen_text(&app, w, h)
        );
        key(&mut app, &mut conn, KeyCode::Char('x'));
        insta::assert_snapshot!(format!("export_form_{w}x{h}"), screen_text(&app, w, h));
    }
    drop(dir);
}

/// Issue 23 item 13: a decision that recommended or noted projected allocations does not list
/// them under "Approved:". WOL-CAB-2017-10-18-5 (recommended to Council) holds the £11.0m
/// projected for future phases and £5.0m for the ICT capital programme; WOL-COU-2017-11-08-6
/// approved £3.0m for Phase 2 and £1.0m for ICT.
#[test]
fn a_decision_that_noted_allocations_does_not_list_them_as_approved() {
    let (mut app, mut conn) = demo_app(140, 40);
    show(&mut app, &mut conn, Screen::Decisions);
    let at = |app: &App, r: &str| {
        let reg = app.register.as_ref().unwrap();
        reg.decisions.iter().position(|d| d.reference == r).unwrap()
    };
    app.decision_list.cursor = at(&app, "WOL-CAB-2017-10-18-5");
    let text = screen_text(&app, 140, 40);
    let approved = text.find("Approved:").unwrap();
    let noted = text.find("Recorded against it, not approved:").unwrap();
    let allocation = text.find("Allocation WOL-DTP/FUT").unwrap();
    assert!(approved < noted && noted < allocation, "{text}");
    assert!(text[approved..noted].contains("nothing"), "{text}");
    assert!(text.contains("£11,000,000.00 (projected)"), "{text}");
    insta::assert_snapshot!("decision_noted_140x40", text);
    app.decision_list.cursor = at(&app, "WOL-COU-2017-11-08-6");
    let text = screen_text(&app, 140, 40);
    assert!(!text.contains("not approved:"), "{text}");
    let approved = text.find("Approved:").unwrap();
    assert!(
        text[approved..].contains("£3,000,000.00 (approved)"),
        "{text}"
    );
}
