//! The TUI's forms for the lifecycle operations (issue 12 item 1): approving and withdrawing a
//! projected allocation (`A`, `W` on Budget), amending and withdrawing a proposed change (`m`,
//! `w`), withdrawing the standing forecast of a phase (`F` on a Report row). Each is driven with
//! keys; the database is checked to hold what the command line would have written. "Today" is
//! 26/08/2022 (2022-23 P5) on the demo.

mod common;
use common::tui::*;

use chrono::NaiveDate;
use crossterm::event::KeyCode;
use outturn::domain::model::{AllocationStatus, ChangeKind, ChangeStatus};
use outturn::domain::{Money, Period};
use outturn::store::entities as e;
use outturn::tui::app::{App, Mode};
use rusqlite::Connection;

fn phase_id(conn: &Connection, prog: &str, code: &str) -> i64 {
    e::phase_ref(conn, Some(prog), code).unwrap().id
}

/// A projected £100,000.00 for WIR-SCP/DT1 in 2022-23 only.
fn projected(conn: &Connection) {
    e::add_allocation(
        conn,
        &e::NewAllocation {
            phase_id: phase_id(conn, "WIR-SCP", "DT1"),
            first_fy: fy22(),
            last_fy: fy22(),
            amount: pounds("100000"),
            status: AllocationStatus::Projected,
            decision_id: None,
            profile: None,
            note: String::new(),
        },
    )
    .unwrap();
}

fn the_projected(conn: &Connection) -> i64 {
    e::list_allocations(conn, None, None)
        .unwrap()
        .into_iter()
        .filter(|a| a.amount == pounds("100000") && a.phase_code == "DT1")
        .map(|a| a.id)
        .max()
        .unwrap()
}

fn dt1_row(app: &App) -> outturn::domain::report::ReportRow {
    app.figures
        .as_ref()
        .unwrap()
        .phase_row("WIR-SCP", "DT1")
        .unwrap()
        .clone()
}

#[test]
fn a_approves_a_projected_allocation_by_a_decision() {
    let (_dir, path) = demo_file_with(projected);
    let (mut app, mut conn) = app_on(&path, 80, 24);
    let id = the_projected(&conn);
    let before = dt1_row(&app);
    let decision = e::list_decisions(&conn).unwrap().remove(0);
    key(&mut app, &mut conn, KeyCode::Char('4'));
    key(&mut app, &mut conn, KeyCode::Char('A'));
    match &app.mode {
        Mode::Form(f) => assert_eq!(f.fields[0].value.text(), id.to_string()),
        other => panic!("{other:?}"),
    }
    key(&mut app, &mut conn, KeyCode::Tab);
    // An unknown decision is refused on the decision field, nothing written.
    typed(&mut app, &mut conn, "NO-SUCH-DECISION");
    key(&mut app, &mut conn, KeyCode::Enter);
    assert_eq!(
        e::get_allocation(&conn, id).unwrap().status,
        AllocationStatus::Projected
    );
    match &app.mode {
        Mode::Form(f) => {
            assert_eq!(f.focus, 1);
            let err = f.fields[1].error.as_deref().unwrap();
            assert!(err.contains("NO-SUCH-DECISION"), "{err}");
        }
        other => panic!("{other:?}"),
    }
    // Ctrl-U clears the field; the real reference then approves.
    key_ctrl_u(&mut app, &mut conn);
    typed(&mut app, &mut conn, &decision.reference);
    insta::assert_snapshot!("approve_allocation_80x24", screen_text(&app, 80, 24));
    key(&mut app, &mut conn, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Normal, "{:?}", app.status);
    let a = e::get_allocation(&conn, id).unwrap();
    assert_eq!(a.status, AllocationStatus::Approved);
    assert_eq!(
        a.decision_reference.as_deref(),
        Some(decision.reference.as_str())
    );
    // No date typed: the decision's own date, as `allocation approve` without --date.
    assert_eq!(a.status_date, Some(decision.date));
    // £100,000.00 moves from Pending approval into Original budget.
    let after = dt1_row(&app);
    assert_eq!(after.original - before.original, pounds("100000"));
    assert_eq!(before.pending - after.pending, pounds("100000"));
    assert!(app.status.as_ref().unwrap().text.contains("approved by"));
}

#[test]
fn w_withdraws_a_projected_allocation_after_a_question() {
    let (_dir, path) = demo_file_with(projected);
    let (mut app, mut conn) = app_on(&path, 80, 24);
    let id = the_projected(&conn);
    let before = dt1_row(&app);
    key(&mut app, &mut conn, KeyCode::Char('4'));
    key(&mut app, &mut conn, KeyCode::Char('W'));
    key(&mut app, &mut conn, KeyCode::Tab);
    // An empty reason is refused on the reason field, as `--reason ''` is.
    key(&mut app, &mut conn, KeyCode::Enter);
    match &app.mode {
        Mode::Form(f) => assert_eq!(f.focus, 1, "{:?}", f.fields[1].error),
        other => panic!("{other:?}"),
    }
    typed(&mut app, &mut conn, "scheme dropped");
    insta::assert_snapshot!("withdraw_allocation_80x24", screen_text(&app, 80, 24));
    key(&mut app, &mut conn, KeyCode::Enter);
    // n: nothing changes.
    key(&mut app, &mut conn, KeyCode::Char('n'));
    assert_eq!(
        e::get_allocation(&conn, id).unwrap().status,
        AllocationStatus::Projected
    );
    key(&mut app, &mut conn, KeyCode::Char('W'));
    key(&mut app, &mut conn, KeyCode::Tab);
    typed(&mut app, &mut conn, "scheme dropped");
    key(&mut app, &mut conn, KeyCode::Enter);
    key(&mut app, &mut conn, KeyCode::Char('y'));
    let a = e::get_allocation(&conn, id).unwrap();
    assert_eq!(a.status, AllocationStatus::Withdrawn);
    assert_eq!(a.status_reason, "scheme dropped");
    assert_eq!(a.status_date, Some(today()));
    // It leaves Pending approval; Original budget is unchanged.
    let after = dt1_row(&app);
    assert_eq!(before.pending - after.pending, pounds("100000"));
    assert_eq!(after.original, before.original);
}

/// A proposed £250,000.00 virement from WIR-SCP/DT1 to itself is not allowed, so from DT1 to the
/// demo's other phase of the same programme, 2022-23, effective 01/08/2022.
fn proposed_virement(conn: &Connection) {
    let from = phase_id(conn, "WIR-SCP", "DT1");
    let to = e::list_phases(conn, None)
        .unwrap()
        .into_iter()
        .find(|p| p.id != from)
        .unwrap()
        .id;
    e::add_change(
        conn,
        &e::NewChange {
            kind: ChangeKind::Virement,
            amount: pounds("250000"),
            from: Some((from, fy22())),
            to: Some((to, fy22())),
            effective: NaiveDate::from_ymd_opt(2022, 8, 1).unwrap(),
            status: ChangeStatus::Proposed,
            decision_id: None,
            reason: "cover the overspend".into(),
        },
    )
    .unwrap();
}

/// Selects the proposed change on the Budget screen; returns its id.
fn select_proposed(app: &mut App, conn: &mut Connection) -> i64 {
    key(app, conn, KeyCode::Char('4'));
    let changes = app.budget.as_ref().unwrap().changes.clone();
    let at = changes
        .iter()
        .position(|c| c.status == ChangeStatus::Proposed)
        .unwrap();
    for _ in 0..at {
        key(app, conn, KeyCode::Down);
    }
    changes[at].id
}

#[test]
fn m_amends_a_proposed_change_and_u_puts_it_back() {
    let (_dir, path) = demo_file_with(proposed_virement);
    let (mut app, mut conn) = app_on(&path, 80, 24);
    let id = select_proposed(&mut app, &mut conn);
    let read = e::get_change(&conn, id).unwrap();
    key(&mut app, &mut conn, KeyCode::Char('m'));
    // Pre-filled with the change as read: typing replaces the amount.
    typed(&mut app, &mut conn, "£300k");
    key(&mut app, &mut conn, KeyCode::Tab);
    typed(&mut app, &mut conn, "15/08/2022");
    key(&mut app, &mut conn, KeyCode::Tab);
    typed(&mut app, &mut conn, "revised cost");
    insta::assert_snapshot!("amend_change_80x24", screen_text(&app, 80, 24));
    key(&mut app, &mut conn, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Normal, "{:?}", app.status);
    let c = e::get_change(&conn, id).unwrap();
    // £300k reads as £300,000.00 (the command line's money parser).
    assert_eq!(c.amount, pounds("300000"));
    assert_eq!(c.effective, NaiveDate::from_ymd_opt(2022, 8, 15).unwrap());
    assert_eq!(c.reason, "revised cost");
    assert_eq!(c.status, ChangeStatus::Proposed);
    assert_eq!(c.version, read.version + 1);
    key(&mut app, &mut conn, KeyCode::Char('u'));
    let c = e::get_change(&conn, id).unwrap();
    assert_eq!(c.amount, pounds("250000"));
    assert_eq!(c.effective, read.effective);
    assert_eq!(c.reason, "cover the overspend");

    // Zero is refused on the amount field, as `change amend --amount 0` is.
    key(&mut app, &mut conn, KeyCode::Char('m'));
    typed(&mut app, &mut conn, "0");
    key(&mut app, &mut conn, KeyCode::Enter);
    match &app.mode {
        Mode::Form(f) => assert!(
            f.fields[0]
                .error
                .as_deref()
                .unwrap()
                .contains("more than zero"),
            "{:?}",
            f.fields[0].error
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn w_withdraws_a_proposed_change_with_a_reason() {
    let (_dir, path) = demo_file_with(proposed_virement);
    let (mut app, mut conn) = app_on(&path, 80, 24);
    let id = select_proposed(&mut app, &mut conn);
    key(&mut app, &mut conn, KeyCode::Char('w'));
    typed(&mut app, &mut conn, "superseded");
    insta::assert_snapshot!("withdraw_change_80x24", screen_text(&app, 80, 24));
    key(&mut app, &mut conn, KeyCode::Enter);
    key(&mut app, &mut conn, KeyCode::Char('y'));
    assert_eq!(
        e::get_change(&conn, id).unwrap().status,
        ChangeStatus::Withdrawn
    );
    // A withdrawn change cannot be amended or withdrawn again: the status line says so.
    key(&mut app, &mut conn, KeyCode::Char('w'));
    assert_eq!(app.mode, Mode::Normal);
    assert!(
        app.status
            .as_ref()
            .unwrap()
            .text
            .contains("already withdrawn")
    );
}

#[test]
fn f_withdraws_the_standing_forecast_of_a_report_row() {
    let (_dir, path) = demo_file_with(|conn| {
        e::set_forecast(
            conn,
            &e::NewForecast {
                phase_id: phase_id(conn, "WIR-SCP", "DT1"),
                fy: fy22(),
                as_at: Period::new(5).unwrap(),
                amount: pounds("800000"),
                note: String::new(),
            },
        )
        .unwrap();
    });
    let (mut app, mut conn) = app_on(&path, 80, 24);
    to_todays_period(&mut app, &mut conn);
    assert_eq!(dt1_row(&app).forecast, pounds("800000"));
    key(&mut app, &mut conn, KeyCode::Char('7'));
    key(&mut app, &mut conn, KeyCode::Char('F'));
    match &app.mode {
        Mode::Form(f) => {
            assert_eq!(f.fields[0].value.text(), "WIR-SCP/DT1");
            assert_eq!(f.fields[1].value.text(), "2022-23");
        }
        other => panic!("{other:?}"),
    }
    key(&mut app, &mut conn, KeyCode::Tab);
    key(&mut app, &mut conn, KeyCode::Tab);
    typed(&mut app, &mut conn, "wrong phase");
    insta::assert_snapshot!("withdraw_forecast_80x24", screen_text(&app, 80, 24));
    key(&mut app, &mut conn, KeyCode::Enter);
    key(&mut app, &mut conn, KeyCode::Char('y'));
    assert_eq!(app.mode, Mode::Normal, "{:?}", app.status);
    let stored = e::list_forecasts(&conn, None, Some(fy22())).unwrap();
    let f = stored
        .iter()
        .find(|f| f.amount == pounds("800000"))
        .unwrap();
    assert_eq!(f.withdrawn_on, Some(today()));
    assert_eq!(f.withdrawn_reason, "wrong phase");
    assert_ne!(dt1_row(&app).forecast, pounds("800000"));
    // Nothing left standing: a second F says so and changes nothing.
    key(&mut app, &mut conn, KeyCode::Char('F'));
    key(&mut app, &mut conn, KeyCode::Tab);
    key(&mut app, &mut conn, KeyCode::Tab);
    typed(&mut app, &mut conn, "again");
    key(&mut app, &mut conn, KeyCode::Enter);
    key(&mut app, &mut conn, KeyCode::Char('y'));
    assert!(
        app.status
            .as_ref()
            .unwrap()
            .text
            .contains("no standing forecast"),
        "{:?}",
        app.status
    );
}

#[test]
fn v_varies_the_selected_contract_from_a_month() {
    let (_dir, path) = demo_file_with(|_| {});
    let (mut app, mut conn) = app_on(&path, 80, 24);
    key(&mut app, &mut conn, KeyCode::Char('5'));
    let c = app.contracts.as_ref().unwrap()[0].contract.clone();
    let before = e::contract_profile(&conn, &c).unwrap();
    key(&mut app, &mut conn, KeyCode::Char('v'));
    match &app.mode {
        // Nothing is closed: the contract's first month, September 2022.
        Mode::Form(f) => assert_eq!(f.fields[1].value.text(), "2022-09"),
        other => panic!("{other:?}"),
    }
    // A month that is not one is refused on its field, as `--effective 13/2022` is.
    key(&mut app, &mut conn, KeyCode::Tab);
    typed(&mut app, &mut conn, "13/2022");
    key(&mut app, &mut conn, KeyCode::Enter);
    match &app.mode {
        Mode::Form(f) => assert!(
            f.fields[1]
                .error
                .as_deref()
                .unwrap()
                .contains("not a month"),
            "{:?}",
            f.fields[1].error
        ),
        other => panic!("{other:?}"),
    }
    key_ctrl_u(&mut app, &mut conn);
    typed(&mut app, &mut conn, "09/2022");
    key(&mut app, &mut conn, KeyCode::BackTab);
    // The new value: the old one plus £12,000.00.
    let new_value = c.value + pounds("12000");
    typed(&mut app, &mut conn, &new_value.plain());
    // The decision varying it, as `contract vary --decision`.
    key(&mut app, &mut conn, KeyCode::Tab);
    key(&mut app, &mut conn, KeyCode::Tab);
    typed(&mut app, &mut conn, "WIR-DOR-2022-08-26");
    insta::assert_snapshot!("vary_contract_80x24", screen_text(&app, 80, 24));
    key(&mut app, &mut conn, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Normal, "{:?}", app.status);
    let after_c = e::get_contract(&conn, c.id).unwrap();
    assert_eq!(after_c.value, new_value);
    assert_eq!(
        after_c
            .variations
            .last()
            .unwrap()
            .decision_reference
            .as_deref(),
        Some("WIR-DOR-2022-08-26")
    );
    let after = e::contract_profile(&conn, &after_c).unwrap();
    let sum = |p: &[(outturn::domain::profile::Month, Money)]| {
        p.iter().fold(Money::ZERO, |t, (_, m)| t + *m)
    };
    // The profile still sums to the value; months before September 2022 never change, and the
    // £12,000.00 is spread over September 2022 to the end of the term.
    assert_eq!(sum(&after), new_value);
    let sep = outturn::domain::profile::Month::parse_key("2022-09").unwrap();
    let early = |p: &[(outturn::domain::profile::Month, Money)]| {
        p.iter()
            .filter(|(m, _)| *m < sep)
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(early(&after), early(&before));
    let late = |p: &[(outturn::domain::profile::Month, Money)]| {
        p.iter()
            .filter(|(m, _)| *m >= sep)
            .fold(Money::ZERO, |t, (_, m)| t + *m)
    };
    assert_eq!(late(&after) - late(&before), pounds("12000"));
    assert!(app.status.as_ref().unwrap().text.contains("varied to"));
}

#[test]
fn e_exercises_an_extension_at_the_value_typed() {
    let (_dir, path) = demo_file_with(|_| {});
    let (mut app, mut conn) = app_on(&path, 80, 24);
    key(&mut app, &mut conn, KeyCode::Char('5'));
    let c = app.contracts.as_ref().unwrap()[0].contract.clone();
    let term = c.current_term_months();
    key(&mut app, &mut conn, KeyCode::Char('e'));
    match &app.mode {
        // Pre-filled with the option's estimate (£0.00 on the demo).
        Mode::Form(f) => assert_eq!(f.fields[0].value.text(), "£0.00"),
        other => panic!("{other:?}"),
    }
    typed(&mut app, &mut conn, "£50k");
    // The decision exercising it and the date it was exercised (today as the form opens), as
    // `contract exercise --decision --date`.
    key(&mut app, &mut conn, KeyCode::Tab);
    typed(&mut app, &mut conn, "WIR-DOR-2022-08-26");
    key(&mut app, &mut conn, KeyCode::Tab);
    match &app.mode {
        Mode::Form(f) => assert_eq!(f.fields[2].value.text(), "26/08/2022"),
        other => panic!("{other:?}"),
    }
    key_ctrl_u(&mut app, &mut conn);
    typed(&mut app, &mut conn, "20/08/2022");
    insta::assert_snapshot!("exercise_80x24", screen_text(&app, 80, 24));
    key(&mut app, &mut conn, KeyCode::Enter);
    match &app.mode {
        Mode::Confirm { question, .. } => assert!(
            question.contains("on 20/08/2022, adding £50,000.00 by decision WIR-DOR-2022-08-26?"),
            "{question}"
        ),
        other => panic!("{other:?}"),
    }
    key(&mut app, &mut conn, KeyCode::Char('y'));
    assert_eq!(app.mode, Mode::Normal, "{:?}", app.status);
    let after = e::get_contract(&conn, c.id).unwrap();
    // £1,378,513.09 + £50,000.00 = £1,428,513.09, and the term grows by the option's 12 months.
    assert_eq!(after.value, pounds("1428513.09"));
    assert_eq!(after.value - c.value, pounds("50000"));
    assert_eq!(after.current_term_months(), term + 12);
    assert!(after.extensions.iter().all(|x| x.exercised));
    let x = &after.extensions[0];
    assert_eq!(x.decision_reference.as_deref(), Some("WIR-DOR-2022-08-26"));
    assert_eq!(x.exercised_on, NaiveDate::from_ymd_opt(2022, 8, 20));
}

/// With 2022-23 P4 closed (through 31/07/2022), `v` on a contract that started in June 2022
/// pre-fills August 2022, the first open month, not June (which is closed and would be refused).
#[test]
fn v_pre_fills_the_first_open_month() {
    let (_dir, db) = common::demo_db();
    for line in [
        "contract add --reference C-JUNE --supplier Acme --programme WIR-SCP --phase DT1 --value 12000 --start 2022-06-01 --term 12",
        "period close 2022-23 P4 --allow-missing-comments",
    ] {
        common::ok(&db, &line.split_whitespace().collect::<Vec<_>>());
    }
    let (mut app, mut conn) = app_on(&db, 80, 24);
    key(&mut app, &mut conn, KeyCode::Char('5'));
    let at = app
        .contracts
        .as_ref()
        .unwrap()
        .iter()
        .position(|r| r.contract.reference == "C-JUNE")
        .unwrap();
    app.contract_list.cursor = at;
    key(&mut app, &mut conn, KeyCode::Char('v'));
    match &app.mode {
        Mode::Form(f) => assert_eq!(f.fields[1].value.text(), "2022-08"),
        other => panic!("{other:?}"),
    }
    // The month pre-filled is taken: £12,000.00 to £15,000.00 from August, no closed month moved.
    key_ctrl_u(&mut app, &mut conn);
    typed(&mut app, &mut conn, "15000");
    key(&mut app, &mut conn, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Normal, "{:?}", app.status);
    let id = app.contracts.as_ref().unwrap()[at].contract.id;
    let c = e::get_contract(&conn, id).unwrap();
    assert_eq!(c.value, pounds("15000"));
    assert_eq!(c.variations.last().unwrap().effective.key(), "2022-08");
}

#[test]
fn o_adds_then_changes_the_variance_comment_of_a_report_row() {
    let (_dir, path) = demo_file_with(|_| {});
    let (mut app, mut conn) = app_on(&path, 80, 24);
    to_todays_period(&mut app, &mut conn);
    key(&mut app, &mut conn, KeyCode::Char('7'));
    let comments = |conn: &Connection| {
        e::list_comments(conn, Some(fy22()), Some(Period::new(5).unwrap()))
            .unwrap()
            .into_iter()
            .filter(|c| c.programme_code == "WIR-SCP" && c.phase_code == "DT1")
            .map(|c| c.text)
            .collect::<Vec<_>>()
    };
    let before = comments(&conn);
    key(&mut app, &mut conn, KeyCode::Char('o'));
    match &app.mode {
        Mode::Form(f) => {
            assert_eq!(f.fields[0].value.text(), "WIR-SCP/DT1");
            assert_eq!(f.fields[1].value.text(), "2022-23");
            assert_eq!(f.fields[2].value.text(), "P5");
        }
        other => panic!("{other:?}"),
    }
    for _ in 0..3 {
        key(&mut app, &mut conn, KeyCode::Tab);
    }
    typed(&mut app, &mut conn, "Tender under estimate");
    insta::assert_snapshot!("comment_80x24", screen_text(&app, 80, 24));
    key(&mut app, &mut conn, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Normal, "{:?}", app.status);
    assert!(before.is_empty(), "{before:?}");
    assert_eq!(comments(&conn), vec!["Tender under estimate".to_string()]);
    // A second comment for the same phase and period replaces the first (issue 26 item 21: the
    // form shows the comment it replaces, pre-filled); typing over it replaces it; u puts it
    // back.
    key(&mut app, &mut conn, KeyCode::Char('o'));
    match &app.mode {
        Mode::Form(f) => {
            assert_eq!(f.fields[3].value.text(), "Tender under estimate");
            assert!(f.title.contains("replaces the one shown"), "{}", f.title);
        }
        other => panic!("{other:?}"),
    }
    for _ in 0..3 {
        key(&mut app, &mut conn, KeyCode::Tab);
    }
    insta::assert_snapshot!("comment_replaces_80x24", screen_text(&app, 80, 24));
    typed(&mut app, &mut conn, "Revised: retender");
    key(&mut app, &mut conn, KeyCode::Enter);
    assert_eq!(comments(&conn), vec!["Revised: retender".to_string()]);
    key(&mut app, &mut conn, KeyCode::Char('u'));
    assert_eq!(comments(&conn), vec!["Tender under estimate".to_string()]);
}

/// Issue 23 item 7: `O` on the Report screen carries the previous period's comments forward to
/// the period shown (2022-23 P5 on 26/08/2022), marked, where a phase has none.
#[test]
fn capital_o_carries_the_previous_periods_comments_to_the_period_shown() {
    let (_dir, path) = demo_file_with(|conn| {
        let dt1: i64 = conn
            .query_row(
                "SELECT ph.id FROM phase ph JOIN programme pr ON pr.id = ph.programme_id
                 WHERE pr.code = 'WIR-SCP' AND ph.code = 'DT1'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        e::add_comment(conn, dt1, fy22(), Period::new(4).unwrap(), "Licences late").unwrap();
    });
    let (mut app, mut conn) = app_on(&path, 80, 24);
    to_todays_period(&mut app, &mut conn);
    key(&mut app, &mut conn, KeyCode::Char('7'));
    key(&mut app, &mut conn, KeyCode::Char('O'));
    assert_eq!(app.mode, Mode::Normal, "{:?}", app.status);
    let p5: Vec<String> = e::list_comments(&conn, Some(fy22()), Some(Period::new(5).unwrap()))
        .unwrap()
        .into_iter()
        .map(|c| format!("{}/{}: {}", c.programme_code, c.phase_code, c.text))
        .collect();
    assert_eq!(
        p5,
        vec!["WIR-SCP/DT1: Licences late (carried from P4)".to_string()]
    );
    // Again: DT1 has its P5 comment, nothing more is added.
    key(&mut app, &mut conn, KeyCode::Char('O'));
    assert_eq!(
        e::list_comments(&conn, Some(fy22()), Some(Period::new(5).unwrap()))
            .unwrap()
            .len(),
        1
    );
}
