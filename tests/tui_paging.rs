//! The Actuals screen in an order without an index (amount, supplier): `s` reads the ids of what
//! the filter selects once and every page after it is read by id (issue 12, speed). These tests
//! walk the whole list a row and a page at a time and compare it with the ORDER BY the export
//! streams; and a change by another process makes the reload read the ids again. The fixture is
//! the demo plus 600 actuals on one phase in 2022-23 ("today" is 26/08/2022): actual i (0..600)
//! dated 1 April 2022 + (i mod 300) days, supplier "S{i mod 7}", amount (i x 37 mod 1000) pounds
//! and i pence, so amounts and suppliers repeat and the ties fall back to the id.

mod common;

use chrono::NaiveDate;
use common::tui::*;
use crossterm::event::KeyCode;
use outturn::domain::Money;
use outturn::store;
use outturn::store::entities as e;
use outturn::tui::action::{Action, Screen};
use outturn::tui::app::App;
use outturn::tui::handle;
use rusqlite::Connection;

fn selected(app: &App) -> i64 {
    app.actuals.get(app.actuals.cursor).unwrap().id
}

/// The selected ids walking the list with `k` until the cursor stops moving.
fn walk(app: &mut App, conn: &mut Connection, k: KeyCode) -> Vec<i64> {
    let mut out = vec![selected(app)];
    loop {
        let before = app.actuals.cursor;
        key(app, conn, k);
        if app.actuals.cursor == before {
            return out;
        }
        out.push(selected(app));
    }
}

#[test]
fn sorted_paging_over_the_ids_gives_the_order_by_rows() {
    let (_dir, db) = six_hundred_actuals();
    let (mut app, mut conn) = app_on(&db, 80, 24);
    show(&mut app, &mut conn, Screen::Actuals);
    // The date order reads by key and keeps no ids.
    assert!(app.actuals.ids.is_none());
    // 600 + the demo's two 2022-23 actuals.
    assert_eq!(app.actuals.total, 602);
    for (press, label) in [
        ('s', "amount ascending"),
        ('S', "amount descending"),
        ('s', "supplier ascending"),
        ('S', "supplier descending"),
    ] {
        key(&mut app, &mut conn, KeyCode::Home);
        key(&mut app, &mut conn, KeyCode::Char(press));
        let f = app.actuals.filter.clone();
        let want = ordered_ids(&conn, &f);
        assert_eq!(want.len(), 602);
        assert_eq!(app.actuals.ids.as_deref(), Some(&want[..]), "{label}");
        // The window holds a page (256 rows), not the list.
        assert!(app.actuals.rows.len() <= 256);
        key(&mut app, &mut conn, KeyCode::Home);
        // A row at a time to the end, each row the next of the ORDER BY.
        assert_eq!(walk(&mut app, &mut conn, KeyCode::Down), want, "{label}");
        // Back up a page at a time: every 17th row (80x24 shows 17 rows) from the end.
        let up = walk(&mut app, &mut conn, KeyCode::PageUp);
        let mut by_page: Vec<i64> = want.iter().rev().step_by(17).copied().collect();
        if by_page.last() != want.first() {
            by_page.push(want[0]);
        }
        assert_eq!(up, by_page, "{label}");
        key(&mut app, &mut conn, KeyCode::End);
        assert_eq!(selected(&app), want[601], "{label}");
        key(&mut app, &mut conn, KeyCode::Home);
        assert_eq!(selected(&app), want[0], "{label}");
    }
}

#[test]
fn a_reload_after_another_process_changes_reads_the_ids_again() {
    let (_dir, db) = six_hundred_actuals();
    let (mut app, mut conn) = app_on(&db, 80, 24);
    show(&mut app, &mut conn, Screen::Actuals);
    // Amount, largest first (the sort keeps the selected record: Home, then the 5th row).
    key(&mut app, &mut conn, KeyCode::Char('S'));
    key(&mut app, &mut conn, KeyCode::Char('s'));
    key(&mut app, &mut conn, KeyCode::Char('S'));
    assert_eq!(
        app.actuals.filter.sort.by,
        outturn::store::entities::ActualOrder::Amount
    );
    assert!(app.actuals.filter.sort.desc);
    key(&mut app, &mut conn, KeyCode::Home);
    for _ in 0..4 {
        key(&mut app, &mut conn, KeyCode::Down);
    }
    let kept = selected(&app);
    // Another process adds the largest actual of the year and deletes the smallest.
    let mut other = store::open_existing(&db).unwrap();
    let smallest = *app.actuals.ids.as_ref().unwrap().last().unwrap();
    let phase = e::list_phases(&other, None).unwrap()[0].id;
    let tx = store::write_tx(&mut other).unwrap();
    let added = e::add_actual(
        &tx,
        &e::NewActual {
            phase_id: phase,
            contract_id: None,
            date: NaiveDate::from_ymd_opt(2022, 8, 1).unwrap(),
            supplier: "Live".into(),
            description: String::new(),
            reference: "LIVE-1".into(),
            amount: Money::from_pence(99_999_999),
        },
    )
    .unwrap();
    tx.commit().unwrap();
    other
        .execute("DELETE FROM actual WHERE id = ?1", [smallest])
        .unwrap();
    handle(&mut app, &mut conn, Action::Changed);
    let want = ordered_ids(&conn, &app.actuals.filter);
    assert_eq!(want[0], added);
    assert!(!want.contains(&smallest));
    assert_eq!(app.actuals.ids.as_deref(), Some(&want[..]));
    assert_eq!(app.actuals.total, 602);
    // The selection stays on its record (now the 6th row: the new actual is above it).
    assert_eq!(selected(&app), kept);
    key(&mut app, &mut conn, KeyCode::Home);
    assert_eq!(selected(&app), added);
    key(&mut app, &mut conn, KeyCode::End);
    assert_eq!(selected(&app), want[601]);
}
