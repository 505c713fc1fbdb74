//! The TUI without a terminal: every screen rendered on the demo data at 80x24 and 140x40 with
//! "today" fixed at 26/08/2022 (insta snapshots), colour that carries meaning checked cell by cell,
//! and key handling checked as key -> action -> state.

mod common;
use common::tui::*;

use std::path::PathBuf;

use chrono::NaiveDate;
use crossterm::event::KeyCode;
use outturn::domain::{FinancialYear, Period};
use outturn::store;
use outturn::tui::action::{Action, Command, Screen};
use outturn::tui::app::{App, Mode};
use outturn::tui::handle;
use outturn::tui::keymap;
use outturn::tui::ui::{self, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rusqlite::Connection;

/// Every screen at both sizes, and the phase drill-down.
#[test]
fn snapshots_of_every_screen() {
    for (w, h) in [(80u16, 24u16), (140, 40)] {
        let (mut app, mut conn) = demo_app(w, h);
        for s in Screen::ALL {
            show(&mut app, &mut conn, s);
            let term = render(&app, w, h, true);
            insta::assert_snapshot!(
                format!("{}_{w}x{h}", s.title().to_lowercase()),
                term.backend()
            );
        }
        // Programmes: move to the first phase (row 2) and open it.
        show(&mut app, &mut conn, Screen::Programmes);
        key(&mut app, &mut conn, KeyCode::Down);
        key(&mut app, &mut conn, KeyCode::Enter);
        let term = render(&app, w, h, true);
        insta::assert_snapshot!(format!("phase_{w}x{h}"), term.backend());
    }
}

#[test]
fn snapshots_of_popups_and_a_small_terminal() {
    let (mut app, mut conn) = demo_app(80, 24);
    key(&mut app, &mut conn, KeyCode::Char('?'));
    insta::assert_snapshot!("help_80x24", render(&app, 80, 24, false).backend());
    key(&mut app, &mut conn, KeyCode::Esc);
    assert_eq!(app.mode, Mode::Normal);

    // A form keeps what was typed and says what is wrong.
    show(&mut app, &mut conn, Screen::Actuals);
    key(&mut app, &mut conn, KeyCode::Char('n'));
    // Date (kept), phase, contract (empty), supplier, description, reference, amount.
    for text in ["", "DT1", "", "Acme Ltd", "Licences", "INV-9", "12.345"] {
        for c in text.chars() {
            key(&mut app, &mut conn, KeyCode::Char(c));
        }
        key(&mut app, &mut conn, KeyCode::Tab);
    }
    key(&mut app, &mut conn, KeyCode::Enter);
    match &app.mode {
        Mode::Form(f) => {
            assert_eq!(f.focus, 6, "the amount is the field in error");
            assert_eq!(f.fields[6].value.text(), "12.345", "what was typed is kept");
            assert!(f.fields[6].error.as_deref().unwrap().contains("12.345"));
        }
        other => panic!("the form should stay open: {other:?}"),
    }
    insta::assert_snapshot!("form_error_80x24", render(&app, 80, 24, false).backend());

    let (app, _conn) = demo_app(60, 20);
    insta::assert_snapshot!("too_small_60x20", render(&app, 60, 20, true).backend());
    // Tiny terminals never panic.
    for (w, h) in [(1, 1), (0, 0), (79, 24), (80, 23)] {
        let t = render(&app, w, h, true);
        if w > 40 {
            assert!(text_of(&t).contains("at least 80 x 24"), "{w}x{h}");
        }
    }
}

/// Adds one actual by hand through the store (outside the TUI), in one transaction.
fn add_actual(
    conn: &mut Connection,
    phase: (&str, &str),
    date: (i32, u32, u32),
    pounds: i64,
    reference: &str,
) {
    use outturn::store::entities as e;
    let tx = store::write_tx(conn).unwrap();
    let phase_id = e::phase_ref(&tx, Some(phase.0), phase.1).unwrap().id;
    e::add_actual(
        &tx,
        &e::NewActual {
            phase_id,
            contract_id: None,
            date: NaiveDate::from_ymd_opt(date.0, date.1, date.2).unwrap(),
            supplier: "Example Supplies Ltd".into(),
            description: "test line".into(),
            reference: reference.into(),
            amount: outturn::domain::Money::from_pence(pounds * 100),
        },
    )
    .unwrap();
    tx.commit().unwrap();
}

fn fg_of(term: &Terminal<TestBackend>, needle: &str) -> Vec<ratatui::style::Color> {
    let buf = term.backend().buffer();
    let mut out = Vec::new();
    for y in 0..buf.area.height {
        let line: String = (0..buf.area.width)
            .map(|x| buf[(x, y)].symbol().to_string())
            .collect();
        if let Some(col) = line.find(needle) {
            let x = line[..col].chars().count() as u16;
            out.push(buf[(x, y)].fg);
        }
    }
    out
}

/// Over budget is red (and still readable without colour).
#[test]
fn red_rag_is_red_and_readable_without_colour() {
    let (mut app, mut conn) = demo_app(140, 40);
    // DT1 in 2022-23: revised £804,132.63, commitments £804,132.63 (the contract's 7 months in
    // the year, nothing paid by P5). £100,000 paid on 01/08/2022 (P5, no contract) makes actual +
    // commitments £904,132.63 > £804,132.63: Red.
    add_actual(
        &mut conn,
        ("WIR-SCP", "DT1"),
        (2022, 8, 1),
        100_000,
        "EXTRA-1",
    );
    // On to P5 (the TUI opens on P4, the month being reported), which reloads the figures.
    to_todays_period(&mut app, &mut conn);
    let f = app.figures.as_ref().unwrap();
    assert_eq!(f.period, Period::new(5).unwrap());
    let text = render(&app, 140, 40, true);
    assert_eq!(
        fg_of(&text, " Red "),
        vec![ratatui::style::Color::Red],
        "the card's RAG"
    );
    let f = app.figures.as_ref().unwrap();
    assert_eq!(
        f.alerts[0].text,
        "Digital transformation phase 1: spent and committed £904,132.63 against a revised budget of £804,132.63 in 2022-23"
    );
    show(&mut app, &mut conn, Screen::Report);
    // RAG is on screen as the report opens (issue 23 item 11: read with Revised budget, Actual
    // to date, Forecast outturn and Variance).
    let term = render(&app, 140, 40, true);
    let reds = fg_of(&term, "Red");
    assert_eq!(reds.len(), 3, "phase, programme total, grand total rows");
    assert!(reds.iter().all(|c| *c == ratatui::style::Color::Red));
    let plain = render(&app, 140, 40, false);
    assert!(
        fg_of(&plain, "Red")
            .iter()
            .all(|c| *c == ratatui::style::Color::Reset)
    );
}

#[test]
fn keys_move_between_screens_and_years() {
    let (mut app, mut conn) = demo_app(80, 24);
    // Today 26/08/2022, nothing closed: open on the month being reported, the latest period
    // that has ended, 2022-23 P4 (July; August, P5, has not ended).
    assert_eq!(app.fy, Some(FinancialYear::new(2022).unwrap()));
    assert_eq!(app.period, Period::new(4).ok());
    key(&mut app, &mut conn, KeyCode::Tab);
    assert_eq!(app.screen, Screen::Programmes);
    key(&mut app, &mut conn, KeyCode::BackTab);
    assert_eq!(app.screen, Screen::Dashboard);
    key(&mut app, &mut conn, KeyCode::Char('7'));
    assert_eq!(app.screen, Screen::Report);
    // ] moves to 2023-24, a past-or-future year shown as at P12, everywhere.
    key(&mut app, &mut conn, KeyCode::Char(']'));
    assert_eq!(app.fy, Some(FinancialYear::new(2023).unwrap()));
    assert_eq!(app.period, Period::new(12).ok());
    let f = app.figures.as_ref().unwrap();
    assert_eq!(f.fy.label(), "2023-24");
    // 2023-24 DT1: the 2023-24 share £574,380.46 approved; the £250k addition is proposed (pending).
    let dt1 = &f.report.rows[0];
    assert_eq!(dt1.revised.plain(), "574380.46");
    assert_eq!(dt1.pending.plain(), "250000.00");
    assert_eq!(app.actuals.filter.fy, app.fy);
    // [ back to 2022-23, the year being reported: its month being reported, P4; < moves to P3.
    key(&mut app, &mut conn, KeyCode::Char('['));
    assert_eq!(app.period, Period::new(4).ok());
    key(&mut app, &mut conn, KeyCode::Char('<'));
    assert_eq!(app.period, Period::new(3).ok());
    key(&mut app, &mut conn, KeyCode::Char('q'));
    assert!(app.quit);
}

#[test]
fn opens_on_the_latest_year_with_figures_when_today_has_none() {
    let mut conn = demo_db();
    // 2025-26 has no figures; the latest year with any is 2023-24.
    let mut app = App::new(
        NaiveDate::from_ymd_opt(2025, 6, 1).unwrap(),
        PathBuf::from("."),
    );
    handle(&mut app, &mut conn, Action::Start);
    assert_eq!(app.fy, Some(FinancialYear::new(2023).unwrap()));
    assert_eq!(app.period, Period::new(12).ok());
}

#[test]
fn filter_actuals_by_supplier_and_year() {
    let (mut app, mut conn) = demo_app(80, 24);
    show(&mut app, &mut conn, Screen::Actuals);
    // 2022-23 holds two Microsoft invoices (31/10/2022, 31/01/2023); 28/04/2023 is 2023-24.
    assert_eq!(app.actuals.total, 2);
    key(&mut app, &mut conn, KeyCode::Char('/'));
    // Clear the year, skip period, phase and contract, type the supplier.
    for _ in 0..7 {
        key(&mut app, &mut conn, KeyCode::Backspace);
    }
    for _ in 0..4 {
        key(&mut app, &mut conn, KeyCode::Tab);
    }
    for c in "micro".chars() {
        key(&mut app, &mut conn, KeyCode::Char(c));
    }
    key(&mut app, &mut conn, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(app.actuals.total, 3, "all years: three Microsoft invoices");
    assert_eq!(app.actuals.filter_label, "all years, supplier ~ micro");
    // A phase that does not exist is refused in the form, which stays open with the text.
    key(&mut app, &mut conn, KeyCode::Char('/'));
    key(&mut app, &mut conn, KeyCode::Tab);
    key(&mut app, &mut conn, KeyCode::Tab);
    for c in "NOPE".chars() {
        key(&mut app, &mut conn, KeyCode::Char(c));
    }
    key(&mut app, &mut conn, KeyCode::Enter);
    match &app.mode {
        Mode::Form(f) => {
            assert_eq!(f.fields[2].value.text(), "NOPE");
            assert!(f.fields[2].error.as_deref().unwrap().contains("NOPE"));
        }
        other => panic!("form should stay open: {other:?}"),
    }
}

#[test]
fn scrolls_a_long_list_a_page_at_a_time() {
    let (mut app, mut conn) = demo_app(80, 24);
    // 1,000 actuals in 2022-23, one per reference L0000..L0999, dated by day from 01/04/2022
    // (so date order is reference order); plus the two Microsoft invoices (31/10/2022, 31/01/2023).
    {
        use outturn::store::entities as e;
        let tx = store::write_tx(&mut conn).unwrap();
        let phase_id = e::phase_ref(&tx, Some("WIR-SCP"), "DT1").unwrap().id;
        for i in 0..1000u64 {
            let date = NaiveDate::from_ymd_opt(2022, 4, 1).unwrap() + chrono::Days::new(i % 300);
            e::insert_actual_row(
                &tx,
                &e::NewActual {
                    phase_id,
                    contract_id: None,
                    date,
                    supplier: "Bulk".into(),
                    description: String::new(),
                    reference: format!("L{i:04}"),
                    amount: outturn::domain::Money::from_pence(100),
                },
                None,
            )
            .unwrap();
        }
        tx.commit().unwrap();
    }
    show(&mut app, &mut conn, Screen::Actuals);
    assert_eq!(app.actuals.total, 1002);
    assert!(app.actuals.rows.len() <= outturn::tui::app::PAGE as usize);
    key(&mut app, &mut conn, KeyCode::End);
    assert_eq!(app.actuals.cursor, 1001);
    // The last by date: 31/01/2023 is after every bulk date (the latest is 25/01/2023).
    assert_eq!(app.actuals.get(1001).unwrap().reference, "MS-INV-0002");
    // Page up many times, then walk down one by one: every row is there, in order.
    // 17 rows a page at 80x24: 40 pages up from 1001 is row 321.
    for _ in 0..40 {
        key(&mut app, &mut conn, KeyCode::PageUp);
    }
    assert_eq!(app.actuals.cursor, 1001 - 40 * 17);
    let mut seen = Vec::new();
    for _ in 0..600 {
        let a = app
            .actuals
            .get(app.actuals.cursor)
            .expect("cursor row is loaded");
        seen.push((a.date, a.id));
        key(&mut app, &mut conn, KeyCode::Down);
    }
    for (i, w) in seen.windows(2).enumerate() {
        assert!(w[0] < w[1], "strictly in date, id order at {i}: {w:?}");
    }
    key(&mut app, &mut conn, KeyCode::Home);
    assert_eq!(app.actuals.cursor, 0);
    assert_eq!(app.actuals.get(0).unwrap().reference, "L0000");
    let term = render(&app, 80, 24, true);
    assert!(text_of(&term).contains("row 1 of 1002"));
}

#[test]
fn add_then_undo_and_delete_then_undo() {
    let (mut app, mut conn) = demo_app(80, 24);
    to_todays_period(&mut app, &mut conn);
    show(&mut app, &mut conn, Screen::Actuals);
    assert_eq!(app.actuals.total, 2);
    key(&mut app, &mut conn, KeyCode::Char('n'));
    for text in [
        "",
        "WIR-SCP/DT1",
        "",
        "Acme Ltd",
        "Licences",
        "INV-9",
        "£1,250.50",
    ] {
        for c in text.chars() {
            key(&mut app, &mut conn, KeyCode::Char(c));
        }
        key(&mut app, &mut conn, KeyCode::Tab);
    }
    key(&mut app, &mut conn, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(app.actuals.total, 3);
    assert_eq!(
        app.status.as_ref().unwrap().text,
        "Added actual INV-9 of £1,250.50"
    );
    // The dashboard now has £1,250.50 actual to date for DT1 (dated 26/08/2022, P5).
    let f = app.figures.as_ref().unwrap();
    assert_eq!(f.report.rows[0].actual_to_date.plain(), "1250.50");
    key(&mut app, &mut conn, KeyCode::Char('u'));
    assert_eq!(app.actuals.total, 2);
    assert!(app.status.as_ref().unwrap().text.starts_with("Undone"));
    // Delete the first row (asks first; n keeps it).
    key(&mut app, &mut conn, KeyCode::Char('d'));
    key(&mut app, &mut conn, KeyCode::Char('n'));
    assert_eq!(app.actuals.total, 2);
    key(&mut app, &mut conn, KeyCode::Char('d'));
    key(&mut app, &mut conn, KeyCode::Char('y'));
    assert_eq!(app.actuals.total, 1);
    key(&mut app, &mut conn, KeyCode::Char('u'));
    assert_eq!(app.actuals.total, 2);
    assert_eq!(app.actuals.get(0).unwrap().reference, "MS-INV-0001");
    // Nothing left to undo.
    key(&mut app, &mut conn, KeyCode::Char('u'));
    assert!(
        app.status
            .as_ref()
            .unwrap()
            .text
            .starts_with("Nothing to undo")
    );
}

#[test]
fn approve_a_proposed_change_and_exercise_an_extension() {
    let (mut app, mut conn) = demo_app(80, 24);
    key(&mut app, &mut conn, KeyCode::Char(']'));
    show(&mut app, &mut conn, Screen::Budget);
    let b = app.budget.as_ref().unwrap();
    assert_eq!(b.changes.len(), 1);
    // `a` asks the decision approving it (optional, as `change approve --decision`), then y/n.
    key(&mut app, &mut conn, KeyCode::Char('a'));
    assert!(matches!(app.mode, Mode::Form(_)), "{:?}", app.mode);
    typed(&mut app, &mut conn, "WIR-DOR-2022-08-26");
    key(&mut app, &mut conn, KeyCode::Enter);
    match &app.mode {
        Mode::Confirm { question, .. } => assert!(
            question.contains("Approve change 1 by decision WIR-DOR-2022-08-26?"),
            "{question}"
        ),
        other => panic!("{other:?}"),
    }
    key(&mut app, &mut conn, KeyCode::Char('y'));
    let b = app.budget.as_ref().unwrap();
    assert_eq!(b.changes[0].status.to_string(), "approved");
    assert_eq!(
        b.changes[0].decision_reference.as_deref(),
        Some("WIR-DOR-2022-08-26")
    );
    // 2023-24 revised budget: £574,380.46 + £250,000.00 = £824,380.46 (effective 01/07/2023 <= P12).
    assert_eq!(
        app.figures.as_ref().unwrap().report.rows[0].revised.plain(),
        "824380.46"
    );
    key(&mut app, &mut conn, KeyCode::Char('a'));
    assert!(app.status.as_ref().unwrap().error, "already approved");

    show(&mut app, &mut conn, Screen::Contracts);
    key(&mut app, &mut conn, KeyCode::Char('e'));
    // The form asks the value it adds (the option's estimate as it opens), the decision
    // (optional) and the date (today as it opens), then a question.
    key(&mut app, &mut conn, KeyCode::Enter);
    key(&mut app, &mut conn, KeyCode::Char('y'));
    let c = &app.contracts.as_ref().unwrap()[0];
    assert!(c.contract.extensions[0].exercised);
    assert!(app.status.as_ref().unwrap().text.contains("Exercised"));
}

#[test]
fn export_writes_the_same_bytes_as_the_report_csv() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = demo_db();
    let mut app = App::new(today(), dir.path().to_path_buf());
    handle(&mut app, &mut conn, Action::Resize(80, 24));
    handle(&mut app, &mut conn, Action::Start);
    key(&mut app, &mut conn, KeyCode::Char('7'));
    key(&mut app, &mut conn, KeyCode::Char('x'));
    key(&mut app, &mut conn, KeyCode::Enter);
    // The report shown: 2022-23 as at P4, the month being reported.
    let path = dir.path().join("outturn-2022-23-P4.csv");
    let written = std::fs::read_to_string(&path).unwrap();
    let (report, _) = store::cabinet::report(
        &conn,
        FinancialYear::new(2022).unwrap(),
        Period::new(4).unwrap(),
        None,
        None,
    )
    .unwrap();
    assert_eq!(written, outturn::io::report::csv_string(&report));
    assert!(written.starts_with("Programme,Phase,Phase name,Financial year,Period,"));
    let status = &app.status.as_ref().unwrap().text;
    assert_eq!(status, &format!("Exported 3 rows to {}", path.display()));
    // A folder that does not exist: the form stays open and says so; nothing is written.
    key(&mut app, &mut conn, KeyCode::Char('x'));
    for _ in 0..200 {
        key(&mut app, &mut conn, KeyCode::Backspace);
    }
    for c in "/no/such/folder/x.csv".chars() {
        key(&mut app, &mut conn, KeyCode::Char(c));
    }
    key(&mut app, &mut conn, KeyCode::Enter);
    match &app.mode {
        Mode::Form(f) => assert!(
            f.fields[0]
                .error
                .as_deref()
                .unwrap()
                .contains("/no/such/folder")
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn spend_against_a_projected_allocation_is_an_alert() {
    let (mut app, mut conn) = demo_app(80, 24);
    // Future phases has only the projected £11.0m; a payment in 2018-19 is spend against it.
    add_actual(&mut conn, ("WOL-DTP", "FUT"), (2018, 6, 1), 5_000, "FUT-1");
    for _ in 0..4 {
        key(&mut app, &mut conn, KeyCode::Char('['));
    }
    assert_eq!(app.fy, Some(FinancialYear::new(2018).unwrap()));
    let f = app.figures.as_ref().unwrap();
    let texts: Vec<&str> = f.alerts.iter().map(|a| a.text.as_str()).collect();
    assert!(
        texts.contains(&"Future phases: spend against a projected allocation (£5,000.00 spent and committed, none of it approved)"),
        "{texts:?}"
    );
}

#[test]
fn help_and_footer_come_from_the_keymap() {
    let help = keymap::help_lines(keymap::Context::Screen(Screen::Report));
    for b in keymap::BINDINGS {
        assert!(
            help.iter()
                .any(|(k, h, _)| *k == keymap::keys_label(b) && h == b.help)
        );
    }
    let footer = keymap::footer(keymap::Context::Screen(Screen::Report));
    assert!(footer.iter().any(|(k, h)| k == "x" && *h == "export"));
    let footer = keymap::footer(keymap::Context::Screen(Screen::Dashboard));
    assert!(
        !footer.iter().any(|(k, _)| k == "x"),
        "x is only on the Report screen"
    );
}

/// Every actual's reference and amount, in ledger order (straight from the database).
fn ledger(conn: &Connection) -> Vec<(String, i64)> {
    let mut st = conn
        .prepare("SELECT reference, amount_pence FROM actual ORDER BY date, id")
        .unwrap();
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn the_import_form_offers_the_saved_profiles_and_the_batch_records_the_one_used() {
    use outturn::domain::ledger::{AmountShape, DateFormat, HeaderRule, ImportProfile};
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("unit4-aug.csv");
    std::fs::write(
        &file,
        "Capital transactions, period 5\n\
         Trans Date,Programme,Scheme,Supplier Name,Narrative,Voucher No,Net\n\
         01-AUG-2022,WIR-SCP,DT1,Acme Ltd,Laptops,U4-1,\"1,200.00\"\n\
         15-AUG-2022,WIR-SCP,DT1,Acme Ltd,Credit note,U4-2,-200.50\n",
    )
    .unwrap();
    let (mut app, mut conn) = demo_app(80, 24);
    let profile = |name: &str| ImportProfile {
        name: name.into(),
        map: [
            ("Trans Date", "Date"),
            ("Scheme", "Phase"),
            ("Supplier Name", "Supplier"),
            ("Narrative", "Description"),
            ("Voucher No", "Reference"),
            ("Net", "Amount"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .to_vec(),
        header: HeaderRule::Find,
        encoding: None,
        date_format: DateFormat::DayMonYear,
        amount: AmountShape::Signed,
        code_columns: Vec::new(),
    };
    for name in ["oracle", "unit4"] {
        outturn::ops::import::add_profile(&mut conn, &profile(name)).unwrap();
    }
    show(&mut app, &mut conn, Screen::Actuals);
    key(&mut app, &mut conn, KeyCode::Char('i'));
    typed(&mut app, &mut conn, &file.display().to_string());
    // Tab leaves the whole path as it is and moves on to the profile; Tab there offers the saved
    // profiles in turn, back to the first after the last.
    let profile_field = |app: &App| match &app.mode {
        Mode::Form(f) => (f.focus, f.fields[1].value.text().to_string()),
        other => panic!("{other:?}"),
    };
    key(&mut app, &mut conn, KeyCode::Tab);
    assert_eq!(profile_field(&app), (1, String::new()));
    key(&mut app, &mut conn, KeyCode::Tab);
    assert_eq!(profile_field(&app), (1, "oracle".to_string()));
    key(&mut app, &mut conn, KeyCode::Tab);
    assert_eq!(profile_field(&app), (1, "unit4".to_string()));
    key(&mut app, &mut conn, KeyCode::Tab);
    assert_eq!(profile_field(&app), (1, "oracle".to_string()));
    key(&mut app, &mut conn, KeyCode::Tab);
    key(&mut app, &mut conn, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Normal);
    // £1,200.00 - £200.50 = £999.50, read with the title line and dd-mon-yyyy dates.
    let status = &app.status.as_ref().unwrap().text;
    assert!(
        status.starts_with("Imported 2 rows totalling £999.50 from unit4-aug.csv"),
        "{status}"
    );
    let batches = outturn::ops::import::list(&conn).unwrap();
    assert_eq!(batches.last().unwrap().profile.as_deref(), Some("unit4"));
}

#[test]
fn import_a_ledger_csv_from_the_actuals_screen() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("ledger-2022-08.csv");
    std::fs::write(
        &good,
        "Date,Programme,Phase,Supplier,Description,Reference,Amount\n\
         01/08/2022,WIR-SCP,DT1,Acme Ltd,Laptops,IMP-1,\"£1,200.00\"\n\
         15/08/2022,WIR-SCP,DT1,Acme Ltd,Credit note,IMP-2,(200.50)\n",
    )
    .unwrap();
    let (mut app, mut conn) = demo_app(80, 24);
    to_todays_period(&mut app, &mut conn);
    show(&mut app, &mut conn, Screen::Actuals);
    // 2022-23 holds the two Microsoft invoices before the import.
    assert_eq!(app.actuals.total, 2);
    key(&mut app, &mut conn, KeyCode::Char('i'));
    typed(&mut app, &mut conn, &good.display().to_string());
    key(&mut app, &mut conn, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Normal);
    // £1,200.00 - £200.50 = £999.50 over two rows.
    let status = &app.status.as_ref().unwrap().text;
    assert!(
        status.starts_with("Imported 2 rows totalling £999.50 from ledger-2022-08.csv"),
        "{status}"
    );
    // The list is reloaded: 2 + 2 rows in 2022-23, the August rows first by date.
    assert_eq!(app.actuals.total, 4);
    let refs: Vec<&str> = app
        .actuals
        .rows
        .iter()
        .map(|a| a.reference.as_str())
        .collect();
    assert_eq!(refs, ["IMP-1", "IMP-2", "MS-INV-0001", "MS-INV-0002"]);
    // DT1 in 2022-23 as at P5 now has £999.50 actual to date.
    let f = app.figures.as_ref().unwrap();
    assert_eq!(f.report.rows[0].actual_to_date.plain(), "999.50");

    // A bad amount on line 3: a popup names it, and nothing is written.
    let before = ledger(&conn);
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "Date,Programme,Phase,Supplier,Description,Reference,Amount\n\
         02/08/2022,WIR-SCP,DT1,Acme Ltd,Laptops,BAD-1,100.00\n\
         03/08/2022,WIR-SCP,DT1,Acme Ltd,Laptops,BAD-2,12.345\n",
    )
    .unwrap();
    key(&mut app, &mut conn, KeyCode::Char('i'));
    typed(&mut app, &mut conn, &bad.display().to_string());
    key(&mut app, &mut conn, KeyCode::Enter);
    match &app.mode {
        Mode::Message {
            title,
            lines,
            error,
            ..
        } => {
            assert!(error);
            assert!(title.starts_with("Nothing was imported"), "{title}");
            assert!(lines[0].starts_with("line 3, column Amount:"), "{lines:?}");
            assert!(lines[0].contains("12.345"), "{lines:?}");
            assert!(lines.last().unwrap().contains("1 problem"), "{lines:?}");
        }
        other => panic!("an error popup: {other:?}"),
    }
    let term = render(&app, 80, 24, false);
    assert!(text_of(&term).contains("line 3, column Amount"));
    assert_eq!(ledger(&conn), before, "nothing written");
    key(&mut app, &mut conn, KeyCode::Esc);
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(app.actuals.total, 4);
}

/// The import gauge is redrawn from the import's progress (bytes read of the file's size).
#[test]
fn import_progress_redraws_the_gauge() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("one.csv");
    let csv = "Date,Programme,Phase,Supplier,Description,Reference,Amount\n\
               01/08/2022,WIR-SCP,DT1,Acme Ltd,Laptops,P-1,10.00\n";
    std::fs::write(&path, csv).unwrap();
    let (mut app, mut conn) = demo_app(80, 24);
    show(&mut app, &mut conn, Screen::Actuals);
    key(&mut app, &mut conn, KeyCode::Char('i'));
    typed(&mut app, &mut conn, &path.display().to_string());
    let mut seen = Vec::new();
    let submit = Action::Command(Command::Submit);
    outturn::tui::handle_with(&mut app, &mut conn, submit, &mut |app| {
        if let Mode::Progress { done, total, .. } = &app.mode {
            let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
            term.draw(|f| ui::draw(f, app, today(), Theme { colour: false }))
                .unwrap();
            seen.push((*done, *total, text_of(&term).contains("Importing")));
        }
    });
    // The file is 58 + 51 = 109 bytes (header line, one row, each with its newline).
    let size = csv.len() as u64;
    assert_eq!(size, 109);
    assert!(!seen.is_empty());
    assert!(
        seen.iter()
            .all(|(d, t, drawn)| *d <= *t && *t == size && *drawn),
        "{seen:?}"
    );
    assert_eq!(app.mode, Mode::Normal);
}

/// Clears the focused form field and types `text`.
fn retype(app: &mut App, conn: &mut Connection, text: &str) {
    for _ in 0..60 {
        key(app, conn, KeyCode::Backspace);
    }
    typed(app, conn, text);
}

#[test]
fn edit_an_actual_undo_it_and_meet_a_stale_version() {
    let (mut app, mut conn) = demo_app(80, 24);
    show(&mut app, &mut conn, Screen::Actuals);
    let first = app.actuals.get(0).unwrap().clone();
    assert_eq!(first.reference, "MS-INV-0001");
    let (old_amount, old_date) = (first.amount, first.date);
    // Enter opens the edit form, filled in with the row as read.
    key(&mut app, &mut conn, KeyCode::Enter);
    match &app.mode {
        Mode::Form(f) => {
            let values: Vec<&str> = f.fields.iter().map(|f| f.value.text()).collect();
            assert_eq!(values[0], outturn::domain::calendar::uk_date(old_date));
            assert_eq!(values[1], first.supplier);
            assert_eq!(values[3], "MS-INV-0001");
            assert_eq!(values[4], old_amount.full());
        }
        other => panic!("the edit form: {other:?}"),
    }
    // The same inline validation as adding: a third decimal place is refused on the amount.
    for _ in 0..4 {
        key(&mut app, &mut conn, KeyCode::Tab);
    }
    retype(&mut app, &mut conn, "1.005");
    key(&mut app, &mut conn, KeyCode::Enter);
    match &app.mode {
        Mode::Form(f) => {
            assert_eq!(f.focus, 4);
            assert!(f.fields[4].error.as_deref().unwrap().contains("1.005"));
        }
        other => panic!("the form stays open: {other:?}"),
    }
    retype(&mut app, &mut conn, "£5,000.25");
    key(&mut app, &mut conn, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Normal);
    let saved = app.actuals.get(0).unwrap().clone();
    assert_eq!(saved.id, first.id);
    assert_eq!(saved.amount.plain(), "5000.25");
    assert_eq!(saved.version, first.version + 1);
    assert!(
        app.status
            .as_ref()
            .unwrap()
            .text
            .starts_with("Saved actual MS-INV-0001: £5,000.25"),
        "{:?}",
        app.status
    );
    // u puts the values back, as a further edit of the version just saved.
    key(&mut app, &mut conn, KeyCode::Char('u'));
    let back = app.actuals.get(0).unwrap().clone();
    assert_eq!(back.amount, old_amount);
    assert_eq!(back.date, old_date);
    assert_eq!(back.version, first.version + 2);
    assert!(app.status.as_ref().unwrap().text.starts_with("Undone"));

    // Someone else edits the row after the form is opened: saving is refused, naming who and
    // when, and the row keeps their change.
    key(&mut app, &mut conn, KeyCode::Char('e'));
    {
        let tx = store::write_tx(&mut conn).unwrap();
        store::edit::edit_actual(
            &tx,
            first.id,
            None,
            &store::edit::ActualEdit {
                amount: Some(outturn::domain::Money::from_pence(777)),
                ..Default::default()
            },
        )
        .unwrap();
        tx.commit().unwrap();
    }
    for _ in 0..4 {
        key(&mut app, &mut conn, KeyCode::Tab);
    }
    retype(&mut app, &mut conn, "1.00");
    key(&mut app, &mut conn, KeyCode::Enter);
    match &app.mode {
        Mode::Message { lines, error, .. } => {
            assert!(error);
            let who = store::current_user();
            assert!(
                lines[0].contains(&format!("changed by {who} at ")),
                "{lines:?}"
            );
        }
        other => panic!("a conflict message: {other:?}"),
    }
    let amount: i64 = conn
        .query_row(
            "SELECT amount_pence FROM actual WHERE id = ?1",
            [first.id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(amount, 777, "the other edit stands");
    // The list is reloaded under the message: it shows their £7.77.
    assert_eq!(app.actuals.get(0).unwrap().amount.plain(), "7.77");
}

/// Contracts: paid counts only invoices dated up to the TUI's today; later ones are outstanding.
#[test]
fn contract_paid_is_paid_to_today() {
    let paid_on = |day: NaiveDate| {
        let mut conn = demo_db();
        let mut app = App::new(day, PathBuf::from("."));
        handle(&mut app, &mut conn, Action::Resize(80, 24));
        handle(&mut app, &mut conn, Action::Start);
        show(&mut app, &mut conn, Screen::Contracts);
        let r = &app.contracts.as_ref().unwrap()[0];
        assert_eq!(r.contract.reference, "WIR-MS-2022-001");
        (r.paid.full(), r.outstanding.full())
    };
    // 26/08/2022: the first invoice is dated 31/10/2022, so nothing is paid yet and the whole
    // £1,378,513.09 is outstanding.
    assert_eq!(
        paid_on(today()),
        ("£0.00".to_string(), "£1,378,513.09".to_string())
    );
    // 01/02/2023: MS-INV-0001 £229,752.18 + MS-INV-0002 £344,628.27 = £574,380.45 paid
    // (MS-INV-0003, 28/04/2023, is not); outstanding £1,378,513.09 - £574,380.45 = £804,132.64.
    assert_eq!(
        paid_on(NaiveDate::from_ymd_opt(2023, 2, 1).unwrap()),
        ("£574,380.45".to_string(), "£804,132.64".to_string())
    );
}

/// Issue 23 item 13: `x` to a `.xlsx` path writes the committee pack, and the status line says
/// so as `outturn pack` does (not "Exported 3 rows"): 2022-23 P4 has one phase, DT1, and three
/// report rows (DT1, the WIR-SCP total, the grand total).
#[test]
fn export_to_a_workbook_says_it_wrote_the_committee_pack() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = demo_db();
    let mut app = App::new(today(), dir.path().to_path_buf());
    handle(&mut app, &mut conn, Action::Resize(140, 40));
    handle(&mut app, &mut conn, Action::Start);
    key(&mut app, &mut conn, KeyCode::Char('7'));
    key(&mut app, &mut conn, KeyCode::Char('x'));
    let path = dir.path().join("pack.xlsx");
    key_ctrl_u(&mut app, &mut conn);
    typed(&mut app, &mut conn, &path.display().to_string());
    key(&mut app, &mut conn, KeyCode::Enter);
    let status = &app.status.as_ref().unwrap().text;
    assert!(
        status.starts_with("Exported the 2022-23 P4 committee pack (sheets Summary"),
        "{status}"
    );
    assert!(
        status.ends_with(&format!(
            "; 1 phase row, 3 report rows in all) to {}",
            path.display()
        )),
        "{status}"
    );
    assert!(std::fs::read(&path).unwrap().starts_with(b"PK"));
}
