//! The Budget screen's Financing view (issue 14 item 1): `$` shows the year's funding lines and,
//! per phase, approved funding, projected funding beside it, the funding gap (revised budget -
//! approved funding), unfunded to date and what actual to date is met from, by source. `n` adds a
//! funding line, `e` edits the selected one, `w` withdraws it (after a question), each through the
//! store functions `outturn funding` uses. "Today" is 26/08/2022 (2022-23 P5) on the demo.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use crossterm::event::KeyCode;
use outturn::domain::model::AllocationStatus;
use outturn::domain::{Money, Period};
use outturn::store::{self, entities as e};
use outturn::tui::app::{App, Mode};
use rusqlite::Connection;

mod common;
use common::tui::*;

/// The demo database, with an approved addition of £100,000.00 to WIR-SCP/DT1 for 2022-23: its
/// revised budget becomes 804,132.63 + 100,000.00 = £904,132.63 against approved funding of
/// grant 304,132.63 + reserves 500,000.00 = £804,132.63, a gap of £100,000.00. And £1,000.00 spent
/// on DT1 on 10/05/2022 (P2): met from the grant (grants first), nothing unfunded.
fn demo_with_gap() -> (tempfile::TempDir, PathBuf) {
    demo_file_with(|tx| {
        let phase_id = e::phase_ref(tx, Some("WIR-SCP"), "DT1").unwrap().id;
        let decision = e::list_decisions(tx).unwrap().remove(0).id;
        e::add_allocation(
            tx,
            &e::NewAllocation {
                phase_id,
                first_fy: fy22(),
                last_fy: fy22(),
                amount: pounds("100000"),
                status: AllocationStatus::Approved,
                decision_id: Some(decision),
                profile: None,
                note: String::new(),
            },
        )
        .unwrap();
        e::add_actual(
            tx,
            &e::NewActual {
                phase_id,
                contract_id: None,
                date: NaiveDate::from_ymd_opt(2022, 5, 10).unwrap(),
                supplier: "Example Supplier".into(),
                description: "Survey".into(),
                reference: "INV-F1".into(),
                amount: pounds("1000"),
            },
        )
        .unwrap();
    })
}

/// The Financing view of the Budget screen (2022-23 as at P5).
fn financing_view(path: &Path, w: u16, h: u16) -> (App, Connection) {
    let (mut app, mut conn) = app_on(path, w, h);
    key(&mut app, &mut conn, KeyCode::Char('4'));
    key(&mut app, &mut conn, KeyCode::Char('$'));
    assert!(app.budget_financing);
    (app, conn)
}

/// DT1's funding gap in 2022-23 as at P5, as the store works it out.
fn dt1_gap(conn: &Connection) -> Money {
    store::financing::statement(conn, fy22(), Period::new(5).unwrap(), None)
        .unwrap()
        .phase_row("WIR-SCP", "DT1")
        .unwrap()
        .gap
}

/// The screen line that starts (after the border) with `WIR-SCP/DT1` in the phase table.
fn dt1_line(text: &str) -> String {
    text.lines()
        .rfind(|l| l.starts_with("│WIR-SCP/DT1"))
        .unwrap_or_else(|| panic!("{text}"))
        .to_string()
}

#[test]
fn the_financing_view_at_80x24_and_140x40() {
    let (_d, path) = demo_with_gap();
    for (w, h) in [(80, 24), (140, 40)] {
        let (app, _conn) = financing_view(&path, w, h);
        let text = screen_text(&app, w, h);
        // The gap: 904,132.63 - 804,132.63 = £100,000.00, beside approved funding of £804,132.63.
        assert!(text.contains("Funding lines in 2022-23"), "{text}");
        let line = dt1_line(&text);
        if w >= 120 {
            assert!(line.contains("£904,132.63"), "{line}");
            assert!(line.contains("£804,132.63"), "{line}");
            assert!(line.contains("£100,000.00"), "{line}");
            assert!(line.contains("grant £1,000.00"), "{line}");
        }
        assert!(text.contains("$ back"), "{text}");
        insta::assert_snapshot!(format!("financing_view_{w}x{h}"), text);
    }
}

#[test]
fn the_add_form_at_80x24_and_140x40() {
    let (_d, path) = demo_with_gap();
    for (w, h) in [(80, 24), (140, 40)] {
        let (mut app, mut conn) = financing_view(&path, w, h);
        key(&mut app, &mut conn, KeyCode::Char('n'));
        match &app.mode {
            Mode::Form(f) => {
                // Pre-filled with the selected line's phase and the year shown.
                assert_eq!(f.fields[0].value.text(), "WIR-SCP/DT1");
                assert_eq!(f.fields[1].value.text(), "2022-23");
                assert_eq!(f.fields[4].value.text(), "approved");
            }
            other => panic!("{other:?}"),
        }
        insta::assert_snapshot!(
            format!("financing_add_form_{w}x{h}"),
            screen_text(&app, w, h)
        );
    }
}

#[test]
fn adding_a_funding_line_in_the_tui_closes_the_gap_by_its_amount() {
    let (_d, path) = demo_with_gap();
    let (mut app, mut conn) = financing_view(&path, 140, 40);
    assert_eq!(dt1_gap(&conn), pounds("100000"));
    let audit_before = store::audit::count(&conn).unwrap();
    key(&mut app, &mut conn, KeyCode::Char('n'));
    // Phase and year as pre-filled; source borrowing; first a refused amount, then £60,000.00.
    key(&mut app, &mut conn, KeyCode::Tab);
    key(&mut app, &mut conn, KeyCode::Tab);
    typed(&mut app, &mut conn, "borrowing");
    key(&mut app, &mut conn, KeyCode::Tab);
    typed(&mut app, &mut conn, "-5");
    key(&mut app, &mut conn, KeyCode::Enter);
    match &app.mode {
        Mode::Form(f) => {
            assert_eq!(f.focus, 3);
            let err = f.fields[3].error.clone().unwrap_or_default();
            assert!(err.contains("must be more than zero"), "{err}");
        }
        other => panic!("{other:?}"),
    }
    key_ctrl_u(&mut app, &mut conn);
    typed(&mut app, &mut conn, "£60k");
    key(&mut app, &mut conn, KeyCode::Enter);
    assert!(matches!(app.mode, Mode::Normal), "{:?}", app.mode);
    // 904,132.63 - (804,132.63 + 60,000.00) = £40,000.00, on screen and in the database.
    assert_eq!(dt1_gap(&conn), pounds("40000"));
    let text = screen_text(&app, 140, 40);
    let line = dt1_line(&text);
    assert!(line.contains("£40,000.00"), "{line}");
    assert!(!line.contains("£100,000.00"), "{line}");
    assert!(text.contains("Added funding line"), "{text}");
    // One audited transaction: one event more.
    assert_eq!(store::audit::count(&conn).unwrap(), audit_before + 1);
    let added = e::list_funding(&conn, None, Some(fy22()))
        .unwrap()
        .into_iter()
        .find(|f| f.amount == pounds("60000"))
        .unwrap();
    assert_eq!(added.source.as_str(), "borrowing");
    assert_eq!(added.status, AllocationStatus::Approved);
}

#[test]
fn editing_and_withdrawing_the_selected_line_move_the_gap() {
    let (_d, path) = demo_with_gap();
    let (mut app, mut conn) = financing_view(&path, 140, 40);
    // The lines of 2022-23 by phase then id: DT1's grant (304,132.63) first, then its reserves.
    key(&mut app, &mut conn, KeyCode::Down);
    let reserves = app.budget.as_ref().unwrap().funding[1].clone();
    assert_eq!(reserves.amount, pounds("500000"));
    key(&mut app, &mut conn, KeyCode::Char('e'));
    // Amount 500,000.00 -> 450,000.00: gap 904,132.63 - (304,132.63 + 450,000.00) = £150,000.00.
    key(&mut app, &mut conn, KeyCode::Tab);
    key_ctrl_u(&mut app, &mut conn);
    typed(&mut app, &mut conn, "450000");
    key(&mut app, &mut conn, KeyCode::Enter);
    assert!(matches!(app.mode, Mode::Normal), "{:?}", app.mode);
    assert_eq!(dt1_gap(&conn), pounds("150000"));
    // Withdrawn (after the question): 904,132.63 - 304,132.63 = £600,000.00.
    key(&mut app, &mut conn, KeyCode::Char('w'));
    assert!(matches!(app.mode, Mode::Confirm { .. }), "{:?}", app.mode);
    key(&mut app, &mut conn, KeyCode::Char('y'));
    assert_eq!(dt1_gap(&conn), pounds("600000"));
    let line = dt1_line(&screen_text(&app, 140, 40));
    assert!(line.contains("£600,000.00"), "{line}");
    let events = store::audit::list(
        &conn,
        &store::audit::AuditFilter {
            entity: Some("funding".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let actions: Vec<&str> = events.iter().take(2).map(|e| e.action.as_str()).collect();
    assert_eq!(actions, vec!["withdraw", "edit"]);
}

/// Issue 23 item 13: a funding line of a year whose financing is finalised is refused with what
/// fixes it (reopening the year's financing), never the closed-period advice to date the entry,
/// which does not apply to funding; a closed period does not lock funding at all.
#[test]
fn the_funding_lock_says_to_reopen_the_financing_not_to_date_the_entry() {
    use outturn::domain::FinancialYear;
    use outturn::domain::financing::FundingSource;
    use outturn::tui::action::{Action, Effect, FundingLine, WriteOp};
    let (_dir, db) = common::demo_db();
    common::ok(&db, &["funding", "finalise", "--fy", "2017-18"]);
    common::close(&db, "2022-23", "P3");
    let mut conn = store::open(&db).unwrap();
    let line = |fy: i32, phase: &str| {
        WriteOp::AddFunding(Box::new(FundingLine {
            phase: phase.into(),
            fy: FinancialYear::new(fy).unwrap(),
            source: FundingSource::Grant,
            amount: pounds("100"),
            status: AllocationStatus::Approved,
            funder: None,
            spend_by: None,
            decision: None,
        }))
    };
    let run = |conn: &mut Connection, op: WriteOp| {
        outturn::tui::effects::run(
            conn,
            today(),
            Effect::Write { op, undoing: false },
            &mut |_, _| {},
        )
    };
    match run(&mut conn, line(2017, "WOL-DTP/PH2")) {
        Action::FormRejected { message, .. } => {
            assert!(message.contains("financing was finalised"), "{message}");
            assert!(!message.contains("date"), "{message}");
        }
        Action::Failed { lines, .. } => {
            let text = lines.join(" ");
            assert!(text.contains("reopen the year's financing"), "{text}");
            assert!(!text.contains("date it"), "{text}");
        }
        other => panic!("{other:?}"),
    }
    // 2022-23 P3 closed: a 2022-23 line is still added.
    assert!(matches!(
        run(&mut conn, line(2022, "WIR-SCP/DT1")),
        Action::Wrote { .. }
    ));
}
