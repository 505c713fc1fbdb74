//! The live reload after another process's change (issue 12, speed: under 50 ms at ten million
//! actuals): what the Dashboard, the Report and the Actuals show after it is the database as it
//! is now, whether the change is in the year shown or in another; in the date order the window
//! is read by key and its position worked out from the running totals, and in an order read
//! through the ids (amount, supplier) the ids are mended from the audit log; both must land
//! exactly where a fresh read would. "Today" is 26/08/2022 (2022-23 P5) on the demo.

mod common;

use chrono::NaiveDate;
use common::tui::*;
use crossterm::event::KeyCode;
use outturn::domain::report::RowKind;
use outturn::domain::{FinancialYear, Money};
use outturn::store;
use outturn::store::entities::{self as e, ActualEdit, ActualOrder};
use outturn::tui::action::{Action, Screen};
use outturn::tui::app::App;
use outturn::tui::handle;
use outturn::tui::live::Watch;
use rusqlite::Connection;

/// Another process (a second connection) adds an actual of `amount` on WIR-SCP/DT1, dated `date`.
fn add_elsewhere(path: &std::path::Path, date: NaiveDate, amount: &str, reference: &str) -> i64 {
    let mut other = store::open(path).unwrap();
    let tx = store::write_tx(&mut other).unwrap();
    let phase = e::phase_ref(&tx, Some("WIR-SCP"), "DT1").unwrap().id;
    let id = e::add_actual(
        &tx,
        &e::NewActual {
            phase_id: phase,
            contract_id: None,
            date,
            supplier: "Other Council".into(),
            description: "Recharge".into(),
            reference: reference.into(),
            amount: pounds(amount),
        },
    )
    .unwrap();
    tx.commit().unwrap();
    id
}

fn grand_actual(app: &App) -> Money {
    let f = app.figures.as_ref().unwrap();
    f.report
        .rows
        .iter()
        .find(|r| r.kind == RowKind::GrandTotal)
        .unwrap()
        .actual_to_date
}

fn dt1_actual(app: &App) -> Money {
    let f = app.figures.as_ref().unwrap();
    f.phase_row("WIR-SCP", "DT1").unwrap().actual_to_date
}

fn bar(app: &App, year: i32) -> Money {
    let fy = FinancialYear::new(year).unwrap();
    let f = app.figures.as_ref().unwrap();
    f.by_year.iter().find(|b| b.fy == fy).unwrap().actual
}

/// The figures a freshly opened TUI shows, moved on to P5 as the test is: the reloaded ones must
/// equal them.
fn fresh(path: &std::path::Path) -> App {
    let (mut app, mut conn) = app_on(path, 140, 40);
    to_todays_period(&mut app, &mut conn);
    app
}

#[test]
fn a_reload_after_an_actual_in_another_year_then_in_the_year_shown() {
    let (_dir, path) = demo_file();
    let (mut app, mut conn) = app_on(&path, 140, 40);
    to_todays_period(&mut app, &mut conn);
    let mut watch = Watch::new(&conn).unwrap();
    assert_eq!(app.screen, Screen::Dashboard);
    let (grand, dt1) = (grand_actual(&app), dt1_actual(&app));
    let (bar19, bar22) = (bar(&app, 2019), bar(&app, 2022));
    // The chart's 2022-23 bar is the report's grand total (to P5, the period shown).
    assert_eq!(bar22, grand);

    // The chart's years: 2017-18, 2018-19, 2019-20, 2022-23, 2023-24; 2019-20 has no actual.
    assert_eq!(bar19, Money::ZERO);
    // 1. On the Dashboard, £1,234.56 in 2019-20 (15/06/2019, its P3): 2022-23's figures stand,
    // 2019-20's bar (its report to P12) grows by exactly that.
    add_elsewhere(
        &path,
        NaiveDate::from_ymd_opt(2019, 6, 15).unwrap(),
        "1234.56",
        "LIVE-19",
    );
    assert!(watch.changed(&conn).unwrap());
    handle(&mut app, &mut conn, Action::Changed);
    assert_eq!(grand_actual(&app), grand);
    assert_eq!(dt1_actual(&app), dt1);
    assert_eq!(bar(&app, 2019), bar19 + pounds("1234.56"));
    assert_eq!(bar(&app, 2022), bar22);
    let now = fresh(&path);
    let (f, g) = (app.figures.as_ref().unwrap(), now.figures.as_ref().unwrap());
    assert_eq!(f.report, g.report);
    assert_eq!(f.by_year, g.by_year);

    // 2. On the Actuals (2022-23, date order): MS-INV-0001 (31/10/2022, £229,752.18) and
    // MS-INV-0002 (31/01/2023, £344,628.27); the 2019-20 actual is not in the list.
    key(&mut app, &mut conn, KeyCode::Char('6'));
    assert_eq!(app.actuals.total, 2);
    // £229,752.18 + £344,628.27 = £574,380.45.
    assert_eq!(app.actuals.sum, pounds("574380.45"));
    key(&mut app, &mut conn, KeyCode::Down);
    let selected = app.actuals.get(app.actuals.cursor).unwrap().id;
    // Another £1,000.00 in 2019-20: the list stands.
    add_elsewhere(
        &path,
        NaiveDate::from_ymd_opt(2019, 7, 1).unwrap(),
        "1000.00",
        "LIVE-19B",
    );
    assert!(watch.changed(&conn).unwrap());
    handle(&mut app, &mut conn, Action::Changed);
    assert_eq!(app.actuals.total, 2);
    assert_eq!(app.actuals.sum, pounds("574380.45"));
    assert_eq!(app.actuals.cursor, 1);
    assert_eq!(app.actuals.get(1).unwrap().id, selected);
    // £100.00 on 15/06/2022 (2022-23 P3): first in the date order, the selection moves to the
    // third row with its record; 3 rows, £574,380.45 + £100.00 = £574,480.45.
    let live = add_elsewhere(
        &path,
        NaiveDate::from_ymd_opt(2022, 6, 15).unwrap(),
        "100.00",
        "LIVE-22",
    );
    assert!(watch.changed(&conn).unwrap());
    handle(&mut app, &mut conn, Action::Changed);
    assert_eq!(app.actuals.total, 3);
    assert_eq!(app.actuals.sum, pounds("574480.45"));
    assert_eq!(app.actuals.start, 0);
    let ids: Vec<i64> = app.actuals.rows.iter().map(|a| a.id).collect();
    assert_eq!(ids[0], live);
    assert_eq!(ids[2], selected);
    assert_eq!(app.actuals.cursor, 2);
    assert!(screen_text(&app, 140, 40).contains("LIVE-22"));

    // 3. The Report (reloaded with the Actuals): DT1 and the grand total to P5 grow by £100.00
    // (both actuals of 2022-23 before fall after P5: the grand total to P5 was £0.00).
    assert_eq!(grand, Money::ZERO);
    key(&mut app, &mut conn, KeyCode::Char('7'));
    assert_eq!(dt1_actual(&app), dt1 + pounds("100.00"));
    assert_eq!(grand_actual(&app), grand + pounds("100.00"));
    // 4. The Dashboard: its chart was left stale by the reload elsewhere and is read again:
    // 2019-20 £1,234.56 + £1,000.00 = £2,234.56, 2022-23 £100.00.
    key(&mut app, &mut conn, KeyCode::Char('1'));
    assert_eq!(bar(&app, 2019), bar19 + pounds("2234.56"));
    assert_eq!(bar(&app, 2022), bar22 + pounds("100.00"));
    let now = fresh(&path);
    let (f, g) = (app.figures.as_ref().unwrap(), now.figures.as_ref().unwrap());
    assert_eq!(f.report, g.report);
    assert_eq!(f.by_year, g.by_year);
    // And on the Report itself, a change in the year shown: £50.00 on 01/08/2022 (P5).
    key(&mut app, &mut conn, KeyCode::Char('7'));
    add_elsewhere(
        &path,
        NaiveDate::from_ymd_opt(2022, 8, 1).unwrap(),
        "50.00",
        "LIVE-P5",
    );
    assert!(watch.changed(&conn).unwrap());
    handle(&mut app, &mut conn, Action::Changed);
    assert_eq!(dt1_actual(&app), dt1 + pounds("150.00"));
    assert_eq!(grand_actual(&app), grand + pounds("150.00"));
    let row = app
        .figures
        .as_ref()
        .unwrap()
        .phase_row("WIR-SCP", "DT1")
        .unwrap()
        .clone();
    let now = fresh(&path);
    assert_eq!(
        now.figures.as_ref().unwrap().phase_row("WIR-SCP", "DT1"),
        Some(&row)
    );
}

/// The window and the selection are where a fresh read of the list puts them.
fn window_is_exact(app: &App, conn: &Connection, label: &str) {
    let want = ordered_ids(conn, &app.actuals.filter);
    assert_eq!(app.actuals.total, want.len() as u64, "{label}");
    let start = app.actuals.start as usize;
    let ids: Vec<i64> = app.actuals.rows.iter().map(|a| a.id).collect();
    assert_eq!(ids, want[start..start + ids.len()], "{label}");
    let selected = app.actuals.get(app.actuals.cursor).unwrap().id;
    assert_eq!(want[app.actuals.cursor], selected, "{label}");
    if let Some(held) = &app.actuals.ids {
        assert_eq!(held, &want, "{label}");
    }
}

#[test]
fn the_date_order_reload_lands_where_a_fresh_read_does() {
    let (_dir, path) = six_hundred_actuals();
    let (mut app, mut conn) = app_on(&path, 80, 24);
    let mut watch = Watch::new(&conn).unwrap();
    show(&mut app, &mut conn, Screen::Actuals);
    // 600 + the demo's two 2022-23 actuals.
    assert_eq!(app.actuals.total, 602);
    for _ in 0..20 {
        key(&mut app, &mut conn, KeyCode::PageDown);
    }
    let selected = app.actuals.get(app.actuals.cursor).unwrap().id;
    let at = app.actuals.cursor;
    assert!(at > 300, "deep in the list: {at}");
    let sum = app.actuals.sum;
    // Another process adds three actuals on 1 April 2022 (before the window) and deletes (as
    // the TUI or the CLI does, audited) the tenth row of the list: 602 + 3 - 1 = 604 rows, the
    // selected record 3 - 1 = 2 rows further down.
    let tenth = ordered_ids(&conn, &app.actuals.filter)[9];
    let gone = e::get_actual(&conn, tenth).unwrap().amount;
    for n in 0..3 {
        add_elsewhere(
            &path,
            NaiveDate::from_ymd_opt(2022, 4, 1).unwrap(),
            "10.00",
            &format!("E{n}"),
        );
    }
    let mut other = store::open(&path).unwrap();
    let tx = store::write_tx(&mut other).unwrap();
    e::delete_actual(&tx, tenth, None).unwrap();
    tx.commit().unwrap();
    assert!(watch.changed(&conn).unwrap());
    handle(&mut app, &mut conn, Action::Changed);
    assert_eq!(app.actuals.total, 604);
    assert_eq!(app.actuals.sum, sum + pounds("30.00") - gone);
    assert_eq!(app.actuals.cursor, at + 2);
    assert_eq!(app.actuals.get(app.actuals.cursor).unwrap().id, selected);
    window_is_exact(&app, &conn, "date order, rows added and removed above");
    // Latest first, at the end of the list: another row on the last day of the year comes
    // first in the list, so everything (the window at the end included) moves one down.
    key(&mut app, &mut conn, KeyCode::Char('S'));
    // `S` reverses the order: the date, latest first; End goes to the earliest row.
    assert_eq!(app.actuals.filter.sort.by, ActualOrder::Date);
    assert!(app.actuals.filter.sort.desc);
    assert!(app.actuals.ids.is_none());
    key(&mut app, &mut conn, KeyCode::End);
    let last = app.actuals.get(app.actuals.cursor).unwrap().id;
    add_elsewhere(
        &path,
        NaiveDate::from_ymd_opt(2023, 3, 31).unwrap(),
        "1.00",
        "E-END",
    );
    assert!(watch.changed(&conn).unwrap());
    handle(&mut app, &mut conn, Action::Changed);
    assert_eq!(app.actuals.total, 605);
    assert_eq!(app.actuals.get(app.actuals.cursor).unwrap().id, last);
    window_is_exact(&app, &conn, "after S, at the end");
}

#[test]
fn a_sorted_list_is_mended_from_the_audited_changes() {
    let (_dir, path) = six_hundred_actuals();
    let (mut app, mut conn) = app_on(&path, 80, 24);
    let mut watch = Watch::new(&conn).unwrap();
    show(&mut app, &mut conn, Screen::Actuals);
    // Supplier order (s twice: amount, then supplier), ascending.
    key(&mut app, &mut conn, KeyCode::Char('s'));
    key(&mut app, &mut conn, KeyCode::Char('s'));
    assert_eq!(app.actuals.filter.sort.by, ActualOrder::Supplier);
    for _ in 0..10 {
        key(&mut app, &mut conn, KeyCode::PageDown);
    }
    let selected = app.actuals.get(app.actuals.cursor).unwrap().id;
    window_is_exact(&app, &conn, "supplier order before");
    // Another process renames the supplier of the first row of the list to "ZZZ" (to the
    // end: the count and the totals do not change, only the audit log says it moved), adds an
    // "AAA" actual (to the top) and deletes the last row.
    let want = ordered_ids(&conn, &app.actuals.filter);
    let (first, last) = (want[0], want[601]);
    let mut other = store::open(&path).unwrap();
    let tx = store::write_tx(&mut other).unwrap();
    e::edit_actual(
        &tx,
        first,
        None,
        &ActualEdit {
            supplier: Some("ZZZ".into()),
            ..Default::default()
        },
    )
    .unwrap();
    tx.commit().unwrap();
    let tx = store::write_tx(&mut other).unwrap();
    let phase = e::list_phases(&tx, None).unwrap()[0].id;
    let added = e::add_actual(
        &tx,
        &e::NewActual {
            phase_id: phase,
            contract_id: None,
            date: NaiveDate::from_ymd_opt(2022, 9, 1).unwrap(),
            supplier: "AAA".into(),
            description: String::new(),
            reference: "LIVE-AAA".into(),
            amount: pounds("5.00"),
        },
    )
    .unwrap();
    e::delete_actual(&tx, last, None).unwrap();
    tx.commit().unwrap();
    assert!(watch.changed(&conn).unwrap());
    handle(&mut app, &mut conn, Action::Changed);
    // 602 + 1 - 1 = 602 rows: "AAA" first, the renamed row last.
    let now = ordered_ids(&conn, &app.actuals.filter);
    assert_eq!(now.len(), 602);
    assert_eq!(now[0], added);
    assert_eq!(now[601], first);
    window_is_exact(&app, &conn, "supplier order after");
    assert_eq!(app.actuals.get(app.actuals.cursor).unwrap().id, selected);
    key(&mut app, &mut conn, KeyCode::Home);
    assert_eq!(app.actuals.get(app.actuals.cursor).unwrap().id, added);
    key(&mut app, &mut conn, KeyCode::End);
    assert_eq!(app.actuals.get(app.actuals.cursor).unwrap().id, first);
}

#[test]
fn a_delete_here_and_its_undo_mend_the_sorted_list() {
    let (_dir, path) = six_hundred_actuals();
    let (mut app, mut conn) = app_on(&path, 80, 24);
    show(&mut app, &mut conn, Screen::Actuals);
    // Amount, largest first.
    key(&mut app, &mut conn, KeyCode::Char('s'));
    key(&mut app, &mut conn, KeyCode::Char('S'));
    assert_eq!(app.actuals.filter.sort.by, ActualOrder::Amount);
    for _ in 0..50 {
        key(&mut app, &mut conn, KeyCode::Down);
    }
    let doomed = app.actuals.get(app.actuals.cursor).unwrap().clone();
    let sum = app.actuals.sum;
    key(&mut app, &mut conn, KeyCode::Char('d'));
    key(&mut app, &mut conn, KeyCode::Char('y'));
    // 602 - 1 rows, the total less the deleted amount; the list is what a fresh read gives.
    assert_eq!(app.actuals.total, 601);
    assert_eq!(app.actuals.sum, sum - doomed.amount);
    assert!(!app.actuals.ids.as_ref().unwrap().contains(&doomed.id));
    window_is_exact(&app, &conn, "after the delete");
    key(&mut app, &mut conn, KeyCode::Char('u'));
    assert_eq!(app.actuals.total, 602);
    assert_eq!(app.actuals.sum, sum);
    window_is_exact(&app, &conn, "after its undo");
}
