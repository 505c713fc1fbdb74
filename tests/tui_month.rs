//! The TUI for the whole month (issue 12): live reload of what another process changes, the
//! drill-down from a Report cell to the actuals behind it, forecasts, closing and reopening
//! periods, undoing an import, the line editor in forms, asking before discarding a form, and
//! snapshots of the new screens and forms at 80x24 and 140x40. "Today" is 26/08/2022 on the demo.

mod common;
use common::tui::*;

use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyModifiers};
use outturn::domain::Period;
use outturn::store::{self, entities as e};
use outturn::tui::action::{Action, Screen};
use outturn::tui::app::{App, Mode};
use outturn::tui::handle;
use outturn::tui::live::Watch;

/// Another process (here a second connection) adds an actual and enters a forecast: the watch
/// sees the data version move, and one reload shows both, keeping the selected actual.
#[test]
fn another_process_changes_show_after_one_reload() {
    let (_dir, path) = demo_file();
    let (mut app, mut conn) = app_on(&path, 140, 40);
    let mut watch = Watch::new(&conn).unwrap();
    key(&mut app, &mut conn, KeyCode::Char('6'));
    // 2022-23 holds two actuals: MS-INV-0001 (31/10/2022) then MS-INV-0002 (31/01/2023).
    assert_eq!(app.actuals.total, 2);
    key(&mut app, &mut conn, KeyCode::Down);
    let selected = app.actuals.get(app.actuals.cursor).unwrap().id;
    assert!(!watch.changed(&conn).unwrap());

    let mut other = store::open(&path).unwrap();
    let tx = store::write_tx(&mut other).unwrap();
    let phase = e::phase_ref(&tx, Some("WIR-SCP"), "DT1").unwrap().id;
    e::add_actual(
        &tx,
        &e::NewActual {
            phase_id: phase,
            contract_id: None,
            date: NaiveDate::from_ymd_opt(2022, 6, 15).unwrap(),
            supplier: "Other Council".into(),
            description: "Recharge".into(),
            reference: "LIVE-1".into(),
            amount: pounds("1000.00"),
        },
    )
    .unwrap();
    e::set_forecast(
        &tx,
        &e::NewForecast {
            phase_id: phase,
            fy: fy22(),
            // As at P4, the month being reported, which the TUI opens on.
            as_at: Period::new(4).unwrap(),
            amount: pounds("777777.77"),
            note: String::new(),
        },
    )
    .unwrap();
    tx.commit().unwrap();

    assert!(
        watch.changed(&conn).unwrap(),
        "the other commit moved the data version"
    );
    handle(&mut app, &mut conn, Action::Changed);
    // Three rows now: 15/06/2022 sorts first, so the selected MS-INV-0002 moved to index 2.
    assert_eq!(app.actuals.total, 3);
    // £229,752.18 + £344,628.27 + £1,000.00 = £575,380.45.
    assert_eq!(app.actuals.sum, pounds("575380.45"));
    assert_eq!(app.actuals.get(app.actuals.cursor).unwrap().id, selected);
    assert!(screen_text(&app, 140, 40).contains("LIVE-1"));
    // The report shows the new forecast.
    let f = app.figures.as_ref().unwrap();
    let row = f.phase_row("WIR-SCP", "DT1").unwrap();
    assert_eq!(row.forecast, pounds("777777.77"));
}

/// A form stays open across a reload; an actual deleted underneath is a clear message on save,
/// not an error under the Date field.
#[test]
fn a_row_deleted_underneath_is_a_message_and_a_reload() {
    let (_dir, path) = demo_file();
    let (mut app, mut conn) = app_on(&path, 80, 24);
    key(&mut app, &mut conn, KeyCode::Char('6'));
    key(&mut app, &mut conn, KeyCode::Char('e'));
    assert!(matches!(app.mode, Mode::Form(_)));
    let id = app.actuals.get(0).unwrap().id;
    let mut other = store::open(&path).unwrap();
    let tx = store::write_tx(&mut other).unwrap();
    e::delete_actual(&tx, id, None).unwrap();
    tx.commit().unwrap();
    handle(&mut app, &mut conn, Action::Changed);
    assert!(matches!(app.mode, Mode::Form(_)), "the open form is kept");
    assert_eq!(app.actuals.total, 1, "the list behind it reloaded");
    key(&mut app, &mut conn, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Normal);
    let status = app.status.clone().unwrap();
    assert!(status.error);
    assert!(
        status.text.contains("MS-INV-0001") || status.text.contains("no longer there"),
        "{}",
        status.text
    );
    assert!(status.text.contains("deleted"), "{}", status.text);
}

/// Enter on a Report cell opens the actuals behind it, whose total equals the cell.
#[test]
fn drill_down_from_the_report_to_the_actuals_that_make_the_cell() {
    let (_dir, path) = demo_file();
    let (mut app, mut conn) = app_on(&path, 140, 40);
    key(&mut app, &mut conn, KeyCode::Char('7'));
    // P4 (the month being reported) -> P10 (January 2023): both 2022-23 invoices are to date.
    for _ in 0..6 {
        key(&mut app, &mut conn, KeyCode::Char('>'));
    }
    assert_eq!(app.period, Period::new(10).ok());
    let cell = app.figures.as_ref().unwrap().report.rows[0].actual_to_date;
    // £229,752.18 (31/10/2022) + £344,628.27 (31/01/2023) = £574,380.45.
    assert_eq!(cell, pounds("574380.45"));
    // The selected column: move right to "Actual to date" (as read: Phase name, Revised budget,
    // Actual to date = 2 steps).
    for _ in 0..2 {
        key(&mut app, &mut conn, KeyCode::Right);
    }
    assert!(screen_text(&app, 140, 40).contains("Enter: Actual to date"));
    key(&mut app, &mut conn, KeyCode::Enter);
    assert_eq!(app.screen, Screen::Actuals);
    assert_eq!(app.actuals.total, 2);
    assert_eq!(app.actuals.sum, cell);
    assert_eq!(
        app.actuals.filter_label,
        "2022-23 P1-P10, phase WIR-SCP/DT1"
    );
    insta::assert_snapshot!("drilled_actuals_140x40", screen_text(&app, 140, 40));

    // "Actual in period" (seven steps right, past Forecast outturn, Variance, RAG, Original
    // budget, Approved changes and Pending approval): January only, MS-INV-0002 = £344,628.27.
    key(&mut app, &mut conn, KeyCode::Char('7'));
    for _ in 0..7 {
        key(&mut app, &mut conn, KeyCode::Right);
    }
    assert!(screen_text(&app, 140, 40).contains("Enter: Actual in period"));
    key(&mut app, &mut conn, KeyCode::Enter);
    assert_eq!(app.actuals.total, 1);
    assert_eq!(app.actuals.sum, pounds("344628.27"));
    assert_eq!(
        app.actuals.sum,
        app.figures.as_ref().unwrap().report.rows[0].actual_in_period
    );
}

/// `f` on a Report row enters a forecast; entering another as at the same period replaces it and
/// `u` puts the first back.
#[test]
fn a_forecast_from_the_report_row_and_its_undo() {
    let (_dir, path) = demo_file();
    let (mut app, mut conn) = app_on(&path, 80, 24);
    key(&mut app, &mut conn, KeyCode::Char('7'));
    key(&mut app, &mut conn, KeyCode::Char('f'));
    match &app.mode {
        Mode::Form(f) => {
            assert_eq!(f.fields[0].value.text(), "WIR-SCP/DT1");
            assert_eq!(f.fields[1].value.text(), "2022-23");
            // The month being reported (P4, July), which the TUI opens on.
            assert_eq!(f.fields[2].value.text(), "P4");
        }
        other => panic!("{other:?}"),
    }
    for _ in 0..3 {
        key(&mut app, &mut conn, KeyCode::Tab);
    }
    // The amount is pre-filled with the forecast shown: typing replaces it.
    typed(&mut app, &mut conn, "£800,000");
    insta::assert_snapshot!("forecast_form_80x24", screen_text(&app, 80, 24));
    key(&mut app, &mut conn, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Normal, "{:?}", app.status);
    let forecast = |app: &App| {
        app.figures
            .as_ref()
            .unwrap()
            .phase_row("WIR-SCP", "DT1")
            .unwrap()
            .forecast
    };
    assert_eq!(forecast(&app), pounds("800000"));
    key(&mut app, &mut conn, KeyCode::Char('f'));
    for _ in 0..3 {
        key(&mut app, &mut conn, KeyCode::Tab);
    }
    typed(&mut app, &mut conn, "810000");
    key(&mut app, &mut conn, KeyCode::Enter);
    assert_eq!(forecast(&app), pounds("810000"));
    key(&mut app, &mut conn, KeyCode::Char('u'));
    assert_eq!(
        forecast(&app),
        pounds("800000"),
        "u put the replaced forecast back"
    );
    let stored = e::list_forecasts(&conn, None, Some(fy22())).unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].amount, pounds("800000"));
}

/// `C` closes the period shown (the header says so), `u` reopens it, `R` reopens with a reason.
#[test]
fn close_and_reopen_the_period_shown() {
    let (_dir, path) = demo_file();
    let (mut app, mut conn) = app_on(&path, 80, 24);
    // The month being reported: P4 (July), the latest period that has ended on 26/08/2022.
    assert!(screen_text(&app, 80, 24).contains("as at P4 (July) open"));
    key(&mut app, &mut conn, KeyCode::Char('C'));
    assert!(matches!(app.mode, Mode::Confirm { .. }));
    key(&mut app, &mut conn, KeyCode::Char('y'));
    assert!(screen_text(&app, 80, 24).contains("as at P4 (July) closed"));
    assert_eq!(
        store::locks::locked_through(&conn).unwrap(),
        NaiveDate::from_ymd_opt(2022, 7, 31)
    );
    key(&mut app, &mut conn, KeyCode::Char('u'));
    assert_eq!(store::locks::locked_through(&conn).unwrap(), None);
    // Close again, then reopen with R: the reason is required.
    key(&mut app, &mut conn, KeyCode::Char('C'));
    key(&mut app, &mut conn, KeyCode::Char('y'));
    key(&mut app, &mut conn, KeyCode::Char('R'));
    insta::assert_snapshot!("reopen_form_80x24", screen_text(&app, 80, 24));
    key(&mut app, &mut conn, KeyCode::Enter);
    match &app.mode {
        Mode::Form(f) => assert!(f.fields[2].error.as_deref().unwrap().contains("required")),
        other => panic!("{other:?}"),
    }
    typed(&mut app, &mut conn, "late credit note");
    key(&mut app, &mut conn, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(store::locks::locked_through(&conn).unwrap(), None);
    assert!(screen_text(&app, 80, 24).contains("open"));
}

/// `b` lists the import batches; Enter and y undo one.
#[test]
fn undo_an_import_from_the_batches_list() {
    let (dir, path) = demo_file();
    let csv = dir.path().join("ledger.csv");
    std::fs::write(
        &csv,
        "Date,Phase,Supplier,Description,Reference,Amount\n\
         15/06/2022,DT1,Acme Ltd,Cables,IMP-1,100.00\n\
         16/06/2022,DT1,Acme Ltd,Plugs,IMP-2,23.45\n",
    )
    .unwrap();
    let (mut app, mut conn) = app_on(&path, 80, 24);
    key(&mut app, &mut conn, KeyCode::Char('6'));
    key(&mut app, &mut conn, KeyCode::Char('i'));
    // A quoted path, as a file manager pastes it.
    typed(&mut app, &mut conn, &format!("'{}'", csv.display()));
    key(&mut app, &mut conn, KeyCode::Enter);
    assert_eq!(app.actuals.total, 4, "{:?}", app.status);
    key(&mut app, &mut conn, KeyCode::Char('b'));
    assert!(matches!(app.mode, Mode::Batches { .. }));
    // (Not a snapshot: the batch carries the real clock.)
    for (w, h) in [(80u16, 24u16), (140, 40)] {
        let text = screen_text(&app, w, h);
        assert!(text.contains("Import batches (newest first)"), "{text}");
        assert!(
            text.contains("1 actuals  ledger.csv  2 rows £123.45"),
            "{text}"
        );
    }
    key(&mut app, &mut conn, KeyCode::Enter);
    assert!(matches!(app.mode, Mode::Confirm { .. }));
    key(&mut app, &mut conn, KeyCode::Char('y'));
    assert_eq!(app.actuals.total, 2, "the two imported rows are gone");
    // £100.00 + £23.45 = £123.45 removed.
    assert!(app.status.as_ref().unwrap().text.contains("£123.45"));
}

/// Typing over a pre-filled date replaces it; the cursor keys edit in place; Esc on a changed
/// form asks first.
#[test]
fn the_line_editor_and_esc_on_a_changed_form() {
    let (_dir, path) = demo_file();
    let (mut app, mut conn) = app_on(&path, 80, 24);
    key(&mut app, &mut conn, KeyCode::Char('6'));
    // Esc on an untouched form closes it at once.
    key(&mut app, &mut conn, KeyCode::Char('n'));
    key(&mut app, &mut conn, KeyCode::Esc);
    assert_eq!(app.mode, Mode::Normal);
    key(&mut app, &mut conn, KeyCode::Char('n'));
    typed(&mut app, &mut conn, "01/12/2022");
    let date = |app: &App| match &app.mode {
        Mode::Form(f) | Mode::Discard(f) => f.fields[0].value.text().to_string(),
        other => panic!("{other:?}"),
    };
    assert_eq!(date(&app), "01/12/2022", "not 26/08/202201/12/2022");
    key(&mut app, &mut conn, KeyCode::Home);
    key(&mut app, &mut conn, KeyCode::Delete);
    typed(&mut app, &mut conn, "3");
    assert_eq!(date(&app), "31/12/2022");
    key(&mut app, &mut conn, KeyCode::End);
    key_with(
        &mut app,
        &mut conn,
        KeyCode::Char('w'),
        KeyModifiers::CONTROL,
    );
    assert_eq!(date(&app), "");
    typed(&mut app, &mut conn, "02/12/2022");
    key(&mut app, &mut conn, KeyCode::Esc);
    assert!(matches!(app.mode, Mode::Discard(_)));
    insta::assert_snapshot!("discard_80x24", screen_text(&app, 80, 24));
    key(&mut app, &mut conn, KeyCode::Char('n'));
    assert_eq!(
        date(&app),
        "02/12/2022",
        "n goes back to the form as it was"
    );
    key(&mut app, &mut conn, KeyCode::Esc);
    key(&mut app, &mut conn, KeyCode::Char('y'));
    assert_eq!(app.mode, Mode::Normal);
}

/// A terminal below 80x24 draws only the message, and q quits even with a form open.
#[test]
fn q_quits_a_too_small_terminal_with_a_form_open() {
    let (_dir, path) = demo_file();
    let (mut app, mut conn) = app_on(&path, 80, 24);
    key(&mut app, &mut conn, KeyCode::Char('6'));
    key(&mut app, &mut conn, KeyCode::Char('n'));
    handle(&mut app, &mut conn, Action::Resize(60, 20));
    key(&mut app, &mut conn, KeyCode::Char('x'));
    match &app.mode {
        Mode::Form(f) => assert_eq!(f.fields[3].value.text(), "", "no key reached the form"),
        other => panic!("{other:?}"),
    }
    key(&mut app, &mut conn, KeyCode::Char('q'));
    assert!(app.quit);
}

/// At 80 columns the footer keeps `? help` and `q quit`, tab names are the full names, and the
/// report shows £ money (short), the RAG word, and `c` the exact CSV cells.
#[test]
fn the_report_as_read_and_as_the_csv() {
    for (w, h) in [(80u16, 24u16), (140, 40)] {
        let (_dir, path) = demo_file();
        let (mut app, mut conn) = app_on(&path, w, h);
        key(&mut app, &mut conn, KeyCode::Char('7'));
        let text = screen_text(&app, w, h);
        assert!(text.contains("1 Dashboard 2 Phases 3 Decisions"), "{text}");
        let footer = text.lines().nth(h as usize - 1).unwrap();
        assert!(
            footer.contains("? help") && footer.contains("q quit"),
            "{footer}"
        );
        // The revised budget, £804,132.63: short (£804.1k) at 80, in full at 140.
        if w == 80 {
            assert!(text.contains("£804.1k"), "{text}");
        } else {
            assert!(text.contains("£804,132.63"), "{text}");
        }
        insta::assert_snapshot!(format!("report_as_read_{w}x{h}"), text);
        key(&mut app, &mut conn, KeyCode::Char('c'));
        // Exact cells: scroll past Phase name, Financial year and Period to Original budget.
        for _ in 0..3 {
            key(&mut app, &mut conn, KeyCode::Right);
        }
        let text = screen_text(&app, w, h);
        assert!(text.contains("804132.63"), "{text}");
        insta::assert_snapshot!(format!("report_csv_cells_{w}x{h}"), text);
        // Scrolled on to the RAG word (CSV column 19, the five columns after RAG follow it):
        // `c` back to the report as read keeps RAG selected.
        for _ in 0..13 {
            key(&mut app, &mut conn, KeyCode::Right);
        }
        key(&mut app, &mut conn, KeyCode::Char('c'));
        let text = screen_text(&app, w, h);
        assert!(text.contains("Enter: RAG"), "{text}");
        assert!(text.contains("Green") || text.contains("Amber") || text.contains("Red"));
    }
}

/// Issue 23 item 9: the TUI opens on the month being reported. `on` is today; `close` a period
/// of 2022-23 to close first (through the command line, as an officer would).
fn opens_on(on: (i32, u32, u32), close: Option<&str>) -> (String, Option<Period>) {
    let (_dir, db) = common::demo_db();
    if let Some(p) = close {
        common::close(&db, "2022-23", p);
    }
    let mut conn = store::open(&db).unwrap();
    let today = NaiveDate::from_ymd_opt(on.0, on.1, on.2).unwrap();
    let mut app = App::new(today, std::path::PathBuf::from("/tmp/exports"));
    handle(&mut app, &mut conn, Action::Resize(80, 24));
    handle(&mut app, &mut conn, Action::Start);
    (app.fy.unwrap().label(), app.period)
}

#[test]
fn the_tui_opens_on_the_month_being_reported() {
    let p = |n| Period::new(n).ok();
    // Nothing closed, 26/08/2022: July (P4) is the latest period that has ended; P5 has not.
    assert_eq!(opens_on((2022, 8, 26), None), ("2022-23".into(), p(4)));
    // Early January 2023: December (P9) has ended.
    assert_eq!(opens_on((2023, 1, 5), None), ("2022-23".into(), p(9)));
    // 2022-23 P2 closed (through 31/05/2022): P3 is being reported, though P4 has ended.
    assert_eq!(
        opens_on((2022, 8, 26), Some("P2")),
        ("2022-23".into(), p(3))
    );
    // P4 closed on 26/08/2022: P5, the first period after it.
    assert_eq!(
        opens_on((2022, 8, 26), Some("P4")),
        ("2022-23".into(), p(5))
    );
}

/// Issue 23 item 10: after a forecast saved with `f` on the Report screen (and a comment saved
/// with `o`) the selection stays on the row it was on, so the next forecast goes to the same
/// phase. 2017-18 (`[` five times from 2022-23) has three phases here: ICT, PH2 and PH3 (added
/// with £1,000.00), rows 0-2, then the programme total and the grand total. PH3 is row 2, past
/// the two programme cards the cursor was once clamped to.
#[test]
fn the_report_selection_stays_on_its_row_after_a_save() {
    let (_dir, path) = common::demo_db();
    for line in [
        "phase add --programme WOL-DTP --code PH3 --name Phase_3",
        "allocation add --phase WOL-DTP/PH3 --fy 2017-18 --amount 1000 --status approved",
    ] {
        common::ok(&path, &line.split_whitespace().collect::<Vec<_>>());
    }
    let (mut app, mut conn) = app_on(&path, 80, 24);
    key(&mut app, &mut conn, KeyCode::Char('7'));
    for _ in 0..5 {
        key(&mut app, &mut conn, KeyCode::Char('['));
    }
    assert_eq!(app.fy.unwrap().label(), "2017-18");
    // Down twice from the first row is PH3.
    assert_eq!(app.cards.cursor, 0);
    key(&mut app, &mut conn, KeyCode::Down);
    key(&mut app, &mut conn, KeyCode::Down);
    let selected = |app: &App| {
        let r = &app.figures.as_ref().unwrap().report.rows[app.cards.cursor];
        format!("{}/{}", r.programme_code, r.phase_code)
    };
    assert_eq!(selected(&app), "WOL-DTP/PH3");
    for (k, text) in [('f', "£2,500"), ('o', "Contractor late")] {
        key(&mut app, &mut conn, KeyCode::Char(k));
        match &app.mode {
            Mode::Form(f) => assert_eq!(f.fields[0].value.text(), "WOL-DTP/PH3"),
            other => panic!("{other:?}"),
        }
        for _ in 0..3 {
            key(&mut app, &mut conn, KeyCode::Tab);
        }
        typed(&mut app, &mut conn, text);
        key(&mut app, &mut conn, KeyCode::Enter);
        assert_eq!(app.mode, Mode::Normal, "{:?}", app.status);
        assert_eq!(app.cards.cursor, 2, "after {k}");
        assert_eq!(selected(&app), "WOL-DTP/PH3", "after {k}");
    }
    let ph3 = app
        .figures
        .as_ref()
        .unwrap()
        .phase_row("WOL-DTP", "PH3")
        .unwrap()
        .forecast;
    assert_eq!(ph3, pounds("2500"));
}

/// Issue 23 item 11: the columns after RAG in £ like the rest. With 2022-23 P3 closed, the
/// report as at P4 has a last report: DT1's revised budget then was £804,132.63 (nothing has
/// moved it since, so the budget movement is £0.00). They come last as read, after the columns
/// read together and the rest (15 steps right); at 140x40 all five are on screen, headers whole.
#[test]
fn the_columns_after_rag_are_money_as_read() {
    let (_dir, db) = common::demo_db();
    common::close(&db, "2022-23", "P3");
    for (w, h) in [(140u16, 40u16), (80, 24)] {
        let (mut app, mut conn) = app_on(&db, w, h);
        key(&mut app, &mut conn, KeyCode::Char('7'));
        assert_eq!(app.period, Period::new(4).ok());
        for _ in 0..15 {
            key(&mut app, &mut conn, KeyCode::Right);
        }
        let text = screen_text(&app, w, h);
        assert!(
            text.contains("Enter: Revised budget at last report"),
            "{text}"
        );
        if w == 140 {
            assert!(
                text.contains("Revised budget at last report Budget movement"),
                "{text}"
            );
            assert!(text.contains("£804,132.63"), "{text}");
            assert!(!text.contains("804132.63 "), "{text}");
        } else {
            assert!(text.contains("£804.1k"), "{text}");
        }
        insta::assert_snapshot!(format!("report_after_rag_{w}x{h}"), text);
    }
}
