//! The TUI's forms for the records figures rest on (issue 12 item 1): add, edit and delete
//! programmes and phases (Phases screen), decisions (Decisions), contracts and frameworks
//! (Contracts), milestones and benefits (the phase view); the allocations cursor on Budget; `u`
//! for each. Driven with keys on the demo ("today" 26/08/2022); the database is checked through
//! the store to hold exactly what was typed.

use chrono::NaiveDate;
use crossterm::event::KeyCode;
use outturn::domain::benefit::{BenefitKind, BenefitStatus};
use outturn::domain::milestone::MilestoneStatus;
use outturn::domain::model::{AllocationStatus, DeliveryStatus};
use outturn::domain::{FinancialYear, Money, Period};
use outturn::store::{self, entities as e};
use outturn::tui::action::Action;
use outturn::tui::app::{App, Mode};
use outturn::tui::handle;
use rusqlite::Connection;

mod common;
use common::tui::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn ch(app: &mut App, conn: &mut Connection, c: char) {
    key(app, conn, KeyCode::Char(c));
}

/// Fills the open form from its first field: each value typed (over a pre-filled one), then
/// Tab; `=` keeps what is there, `~` empties it (Ctrl-U).
fn fill(app: &mut App, conn: &mut Connection, values: &[&str]) {
    for v in values {
        match *v {
            "=" => {}
            "~" => key_ctrl_u(app, conn),
            v => typed(app, conn, v),
        }
        key(app, conn, KeyCode::Tab);
    }
}

/// The form at both sizes.
fn snap(app: &mut App, conn: &mut Connection, name: &str) {
    insta::assert_snapshot!(format!("{name}_80x24"), screen_text(app, 80, 24));
    handle(app, conn, Action::Resize(140, 40));
    insta::assert_snapshot!(format!("{name}_140x40"), screen_text(app, 140, 40));
    handle(app, conn, Action::Resize(80, 24));
}

fn form_values(app: &App) -> Vec<String> {
    match &app.mode {
        Mode::Form(f) => f
            .fields
            .iter()
            .map(|f| f.value.text().to_string())
            .collect(),
        other => panic!("no form: {other:?}"),
    }
}

fn field_error(app: &App, i: usize) -> String {
    match &app.mode {
        Mode::Form(f) => {
            assert_eq!(f.focus, i, "{:?}", f.fields);
            f.fields[i].error.clone().unwrap_or_default()
        }
        other => panic!("no form: {other:?}"),
    }
}

fn status(app: &App) -> String {
    app.status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default()
}

fn saved(app: &App) {
    assert_eq!(app.mode, Mode::Normal, "{:?}", app.status);
}

/// Moves the tree cursor to the row whose text starts with `code` (a programme or phase code).
fn select_tree(app: &mut App, conn: &mut Connection, prog: &str, phase: Option<&str>) {
    key(app, conn, KeyCode::Home);
    let rows: Vec<(String, Option<String>)> = app
        .tree
        .as_ref()
        .unwrap()
        .rows()
        .iter()
        .map(|r| match r {
            outturn::tui::state::TreeRow::Programme(p) => (p.code.clone(), None),
            outturn::tui::state::TreeRow::Phase(p) => {
                (p.programme_code.clone(), Some(p.code.clone()))
            }
        })
        .collect();
    let at = rows
        .iter()
        .position(|(p, c)| p == prog && c.as_deref() == phase)
        .unwrap();
    for _ in 0..at {
        key(app, conn, KeyCode::Down);
    }
}

#[test]
fn programmes_and_phases_are_added_edited_deleted_and_undone_from_the_phases_screen() {
    let (_dir, path) = demo_file_with(|_| {});
    let (mut app, mut conn) = app_on(&path, 80, 24);
    ch(&mut app, &mut conn, '2');
    ch(&mut app, &mut conn, 'N');
    assert_eq!(form_values(&app), ["", "", "", "active"]);
    fill(
        &mut app,
        &mut conn,
        &["ABC-LIB", "Libraries renewal", "Anytown Council", "planned"],
    );
    snap(&mut app, &mut conn, "add_programme");
    key(&mut app, &mut conn, KeyCode::Enter);
    saved(&app);
    let p = e::list_programmes(&conn)
        .unwrap()
        .into_iter()
        .find(|p| p.code == "ABC-LIB")
        .unwrap();
    assert_eq!(
        (p.name.as_str(), p.organisation.as_str(), p.status),
        (
            "Libraries renewal",
            "Anytown Council",
            DeliveryStatus::Planned
        )
    );
    // A second programme with the same code is refused on the Code field.
    ch(&mut app, &mut conn, 'N');
    fill(&mut app, &mut conn, &["ABC-LIB", "Again"]);
    key(&mut app, &mut conn, KeyCode::Enter);
    assert!(field_error(&app, 0).contains("already exists"));
    key(&mut app, &mut conn, KeyCode::Esc);
    ch(&mut app, &mut conn, 'y');

    // n on the programme: a phase of it, the programme pre-filled.
    select_tree(&mut app, &mut conn, "ABC-LIB", None);
    ch(&mut app, &mut conn, 'n');
    assert_eq!(form_values(&app), ["ABC-LIB", "", "", "active", ""]);
    fill(
        &mut app,
        &mut conn,
        &["=", "CEN", "Central library", "=", "R Patel"],
    );
    snap(&mut app, &mut conn, "add_phase");
    key(&mut app, &mut conn, KeyCode::Enter);
    saved(&app);
    let ph = e::phase_ref(&conn, Some("ABC-LIB"), "CEN").unwrap().id;
    let got = e::get_phase(&conn, ph).unwrap();
    assert_eq!(
        (got.name.as_str(), got.status, got.officer.as_deref()),
        ("Central library", DeliveryStatus::Active, Some("R Patel"))
    );

    // e on the phase: pre-filled as read; the name changed; u puts it back.
    select_tree(&mut app, &mut conn, "ABC-LIB", Some("CEN"));
    ch(&mut app, &mut conn, 'e');
    assert_eq!(
        form_values(&app),
        ["ABC-LIB", "CEN", "Central library", "active", "R Patel"]
    );
    snap(&mut app, &mut conn, "edit_phase");
    fill(
        &mut app,
        &mut conn,
        &["=", "=", "Central library and archive"],
    );
    key(&mut app, &mut conn, KeyCode::Enter);
    saved(&app);
    assert_eq!(
        e::get_phase(&conn, ph).unwrap().name,
        "Central library and archive"
    );
    ch(&mut app, &mut conn, 'u');
    assert!(status(&app).starts_with("Undone: "), "{}", status(&app));
    assert_eq!(e::get_phase(&conn, ph).unwrap().name, "Central library");

    // The programme has a phase behind it: its delete is refused with the store's message.
    select_tree(&mut app, &mut conn, "ABC-LIB", None);
    ch(&mut app, &mut conn, 'd');
    assert!(matches!(app.mode, Mode::Confirm { .. }), "{:?}", app.mode);
    ch(&mut app, &mut conn, 'y');
    assert!(
        status(&app).contains("programme ABC-LIB cannot be deleted: 1 phase(s) refer to it"),
        "{}",
        status(&app)
    );
    key(&mut app, &mut conn, KeyCode::Esc);
    assert!(e::programme_id(&conn, "ABC-LIB").is_ok());
    // WIR-SCP/DT1 has allocations, contracts and actuals behind it: refused too.
    select_tree(&mut app, &mut conn, "WIR-SCP", Some("DT1"));
    ch(&mut app, &mut conn, 'd');
    ch(&mut app, &mut conn, 'y');
    assert!(
        status(&app).contains("cannot be deleted"),
        "{}",
        status(&app)
    );
    key(&mut app, &mut conn, KeyCode::Esc);

    // The new phase has nothing behind it: deleted; u adds it back with the same values.
    select_tree(&mut app, &mut conn, "ABC-LIB", Some("CEN"));
    ch(&mut app, &mut conn, 'd');
    ch(&mut app, &mut conn, 'y');
    saved(&app);
    assert!(e::phase_ref(&conn, Some("ABC-LIB"), "CEN").is_err());
    ch(&mut app, &mut conn, 'u');
    let back = e::get_phase(
        &conn,
        e::phase_ref(&conn, Some("ABC-LIB"), "CEN").unwrap().id,
    )
    .unwrap();
    assert_eq!(
        (back.name.as_str(), back.status, back.officer.as_deref()),
        ("Central library", DeliveryStatus::Active, Some("R Patel"))
    );
}

#[test]
fn adding_a_programme_is_undone_by_deleting_it_and_an_edit_changed_underneath_is_not_saved() {
    let (_dir, path) = demo_file_with(|_| {});
    let (mut app, mut conn) = app_on(&path, 80, 24);
    ch(&mut app, &mut conn, '2');
    ch(&mut app, &mut conn, 'N');
    fill(&mut app, &mut conn, &["ABC-LIB", "Libraries", "", "="]);
    key(&mut app, &mut conn, KeyCode::Enter);
    saved(&app);
    ch(&mut app, &mut conn, 'u');
    assert!(
        e::programme_id(&conn, "ABC-LIB").is_err(),
        "{}",
        status(&app)
    );

    // e on WIR-SCP, then another officer renames it before the save.
    select_tree(&mut app, &mut conn, "WIR-SCP", None);
    ch(&mut app, &mut conn, 'e');
    snap(&mut app, &mut conn, "edit_programme");
    let id = e::programme_id(&conn, "WIR-SCP").unwrap();
    {
        let mut other = store::open(&path).unwrap();
        let tx = store::write_tx(&mut other).unwrap();
        e::edit_programme(
            &tx,
            id,
            None,
            &e::ProgrammeEdit {
                name: Some("Renamed elsewhere".into()),
                ..Default::default()
            },
        )
        .unwrap();
        tx.commit().unwrap();
    }
    fill(&mut app, &mut conn, &["=", "Mine"]);
    key(&mut app, &mut conn, KeyCode::Enter);
    match &app.mode {
        Mode::Message { title, .. } => {
            assert_eq!(title, "Not saved: someone else changed this programme")
        }
        other => panic!("{other:?}"),
    }
    let p = e::list_programmes(&conn)
        .unwrap()
        .into_iter()
        .find(|p| p.id == id)
        .unwrap();
    assert_eq!(p.name, "Renamed elsewhere");
}

#[test]
fn decisions_are_added_edited_deleted_and_undone_from_the_decisions_screen() {
    let (_dir, path) = demo_file_with(|_| {});
    let (mut app, mut conn) = app_on(&path, 80, 24);
    let logged = decision_events(&conn).len();
    ch(&mut app, &mut conn, '3');
    ch(&mut app, &mut conn, 'n');
    assert_eq!(
        form_values(&app),
        ["", "", "", "26/08/2022", "", "no", "no", "approved", "", ""]
    );
    // A date that is not one is refused on the Date field.
    fill(
        &mut app,
        &mut conn,
        &["WIR-CAB-2022-09-15-4", "WIR-SCP", "Cabinet", "31/09/2022"],
    );
    key(&mut app, &mut conn, KeyCode::Enter);
    assert!(field_error(&app, 3).contains("'31/09/2022' is not a date"));
    fill(&mut app, &mut conn, &["~"]);
    key(&mut app, &mut conn, KeyCode::BackTab);
    typed(&mut app, &mut conn, "15/09/2022");
    key(&mut app, &mut conn, KeyCode::Tab);
    fill(
        &mut app,
        &mut conn,
        &[
            "Item 4",
            "yes",
            "=",
            "=",
            "https://example.org/m.pdf",
            "Phase 2 budget",
        ],
    );
    snap(&mut app, &mut conn, "add_decision");
    key(&mut app, &mut conn, KeyCode::Enter);
    saved(&app);
    let find = |conn: &Connection, r: &str| {
        e::list_decisions(conn)
            .unwrap()
            .into_iter()
            .find(|x| x.reference == r)
    };
    let got = find(&conn, "WIR-CAB-2022-09-15-4").unwrap();
    assert_eq!(got.programme_code.as_deref(), Some("WIR-SCP"));
    assert_eq!(got.body, "Cabinet");
    assert_eq!(got.date, d(2022, 9, 15));
    assert_eq!(got.item.as_deref(), Some("Item 4"));
    assert!(got.key_decision && !got.call_in);
    assert_eq!(got.outcome, "approved");
    assert_eq!(got.link.as_deref(), Some("https://example.org/m.pdf"));
    assert_eq!(got.summary, "Phase 2 budget");

    // Select it, edit the body and clear the link; u restores both.
    let at = app
        .register
        .as_ref()
        .unwrap()
        .decisions
        .iter()
        .position(|x| x.reference == "WIR-CAB-2022-09-15-4")
        .unwrap();
    key(&mut app, &mut conn, KeyCode::Home);
    for _ in 0..at {
        key(&mut app, &mut conn, KeyCode::Down);
    }
    ch(&mut app, &mut conn, 'e');
    assert_eq!(form_values(&app)[2], "Cabinet");
    fill(
        &mut app,
        &mut conn,
        &["=", "=", "Council", "=", "=", "=", "=", "=", "~"],
    );
    key(&mut app, &mut conn, KeyCode::Enter);
    saved(&app);
    let got = find(&conn, "WIR-CAB-2022-09-15-4").unwrap();
    assert_eq!((got.body.as_str(), got.link), ("Council", None));
    ch(&mut app, &mut conn, 'u');
    let got = find(&conn, "WIR-CAB-2022-09-15-4").unwrap();
    assert_eq!(
        (got.body.as_str(), got.link.as_deref()),
        ("Cabinet", Some("https://example.org/m.pdf"))
    );

    // Delete: allowed (nothing refers to it); u adds it back.
    ch(&mut app, &mut conn, 'd');
    ch(&mut app, &mut conn, 'y');
    saved(&app);
    assert!(find(&conn, "WIR-CAB-2022-09-15-4").is_none());
    ch(&mut app, &mut conn, 'u');
    assert_eq!(find(&conn, "WIR-CAB-2022-09-15-4").unwrap().body, "Cabinet");
    // Each change and each undo is one audited event, newest first.
    let events = decision_events(&conn);
    assert_eq!(
        events[..events.len() - logged],
        ["add", "delete", "edit", "edit", "add"]
    );

    // The decision that approved the demo's allocations cannot be deleted.
    let used = e::list_allocations(&conn, None, None)
        .unwrap()
        .into_iter()
        .find_map(|a| a.decision_reference)
        .unwrap();
    let at = app
        .register
        .as_ref()
        .unwrap()
        .decisions
        .iter()
        .position(|x| x.reference == used)
        .unwrap();
    key(&mut app, &mut conn, KeyCode::Home);
    for _ in 0..at {
        key(&mut app, &mut conn, KeyCode::Down);
    }
    ch(&mut app, &mut conn, 'd');
    ch(&mut app, &mut conn, 'y');
    assert!(
        status(&app).contains("cannot be deleted"),
        "{}",
        status(&app)
    );
    assert!(find(&conn, &used).is_some());
    // The refused delete wrote nothing, not even to the audit log.
    assert_eq!(decision_events(&conn), events);
}

/// The actions of the audit log's decision events, newest first.
fn decision_events(conn: &Connection) -> Vec<String> {
    store::audit::list(
        conn,
        &store::audit::AuditFilter {
            since: None,
            entity: Some("decision".into()),
            limit: None,
        },
    )
    .unwrap()
    .into_iter()
    .map(|e| e.action)
    .collect()
}

#[test]
fn contracts_with_extensions_and_frameworks_are_added_edited_deleted_and_undone() {
    let (_dir, path) = demo_file_with(|_| {});
    let (mut app, mut conn) = app_on(&path, 80, 24);
    ch(&mut app, &mut conn, '5');
    ch(&mut app, &mut conn, 'n');
    fill(
        &mut app,
        &mut conn,
        &[
            "WIR-MS-2022-002",
            "Support desk",
            "Acme Ltd",
            "WIR-SCP/DT1",
            "G-Cloud 12",
            "£120,000.00",
            "01/09/2022",
            "24",
            "",
            "12=£60k@31/03/2024; 6",
        ],
    );
    snap(&mut app, &mut conn, "add_contract");
    key(&mut app, &mut conn, KeyCode::Enter);
    saved(&app);
    let (cid, _) = e::contract_ref(&conn, "WIR-MS-2022-002").unwrap();
    let c = e::get_contract(&conn, cid).unwrap();
    assert_eq!(
        (c.title.as_str(), c.supplier.as_str(), c.phase_code.as_str()),
        ("Support desk", "Acme Ltd", "DT1")
    );
    assert_eq!(c.framework.as_deref(), Some("G-Cloud 12"));
    assert_eq!(
        (c.value, c.start, c.term_months),
        (pounds("120000"), d(2022, 9, 1), 24)
    );
    let ext: Vec<_> = c
        .extensions
        .iter()
        .map(|x| (x.months, x.value, x.decision_due))
        .collect();
    assert_eq!(
        ext,
        [
            (12, pounds("60000"), Some(d(2024, 3, 31))),
            (6, Money::ZERO, None)
        ]
    );

    // E edits the selected contract: its title and supplier; u puts them back.
    let at = app
        .contracts
        .as_ref()
        .unwrap()
        .iter()
        .position(|r| r.contract.id == cid)
        .unwrap();
    key(&mut app, &mut conn, KeyCode::Home);
    for _ in 0..at {
        key(&mut app, &mut conn, KeyCode::Down);
    }
    ch(&mut app, &mut conn, 'E');
    assert_eq!(
        form_values(&app),
        ["Support desk", "Acme Ltd", "G-Cloud 12", ""]
    );
    snap(&mut app, &mut conn, "edit_contract");
    fill(&mut app, &mut conn, &["Service desk", "Acme Limited", "~"]);
    key(&mut app, &mut conn, KeyCode::Enter);
    saved(&app);
    assert!(
        status(&app).starts_with("Saved contract WIR-MS-2022-002 (version "),
        "{}",
        status(&app)
    );
    let c = e::get_contract(&conn, cid).unwrap();
    assert_eq!(
        (
            c.title.as_str(),
            c.supplier.as_str(),
            c.framework.as_deref()
        ),
        ("Service desk", "Acme Limited", None)
    );
    ch(&mut app, &mut conn, 'u');
    let c = e::get_contract(&conn, cid).unwrap();
    assert_eq!(
        (
            c.title.as_str(),
            c.supplier.as_str(),
            c.framework.as_deref()
        ),
        ("Support desk", "Acme Ltd", Some("G-Cloud 12"))
    );

    // d: the new contract has no actuals: deleted; u adds it back with its extensions.
    ch(&mut app, &mut conn, 'd');
    ch(&mut app, &mut conn, 'y');
    saved(&app);
    assert!(e::contract_ref(&conn, "WIR-MS-2022-002").is_err());
    ch(&mut app, &mut conn, 'u');
    let (cid, _) = e::contract_ref(&conn, "WIR-MS-2022-002").unwrap();
    let c = e::get_contract(&conn, cid).unwrap();
    assert_eq!(
        (c.value, c.term_months, c.extensions.len()),
        (pounds("120000"), 24, 2)
    );

    // The demo's contract has actuals against it: refused with the store's message.
    let at = app
        .contracts
        .as_ref()
        .unwrap()
        .iter()
        .position(|r| r.contract.reference == "WIR-MS-2022-001")
        .unwrap();
    key(&mut app, &mut conn, KeyCode::Home);
    for _ in 0..at {
        key(&mut app, &mut conn, KeyCode::Down);
    }
    ch(&mut app, &mut conn, 'd');
    ch(&mut app, &mut conn, 'y');
    assert!(
        status(&app).contains("contract WIR-MS-2022-001 cannot be deleted"),
        "{}",
        status(&app)
    );
    key(&mut app, &mut conn, KeyCode::Esc);

    // t: the frameworks. n adds one, e edits it, d deletes it; G-Cloud 12 is in use.
    ch(&mut app, &mut conn, 't');
    assert!(app.records.frameworks.is_some());
    ch(&mut app, &mut conn, 'n');
    fill(
        &mut app,
        &mut conn,
        &["YPO ICT", "YPO-001", "31/03/2026", ""],
    );
    snap(&mut app, &mut conn, "add_framework");
    key(&mut app, &mut conn, KeyCode::Enter);
    saved(&app);
    let find = |conn: &Connection| {
        e::list_frameworks(conn)
            .unwrap()
            .into_iter()
            .find(|f| f.reference == "YPO-001")
    };
    let f = find(&conn).unwrap();
    assert_eq!(
        (f.name.as_str(), f.planned_end, f.actual_end),
        ("YPO ICT", Some(d(2026, 3, 31)), None)
    );
    snap(&mut app, &mut conn, "frameworks");
    let names: Vec<String> = app
        .records
        .frameworks
        .as_ref()
        .unwrap()
        .iter()
        .map(|f| f.name.clone())
        .collect();
    let ypo = names.iter().position(|n| n == "YPO ICT").unwrap();
    let gcloud = names.iter().position(|n| n == "G-Cloud 12").unwrap();
    key(&mut app, &mut conn, KeyCode::Home);
    for _ in 0..ypo {
        key(&mut app, &mut conn, KeyCode::Down);
    }
    ch(&mut app, &mut conn, 'e');
    assert_eq!(form_values(&app), ["YPO ICT", "YPO-001", "31/03/2026", ""]);
    fill(&mut app, &mut conn, &["=", "=", "=", "30/06/2026"]);
    key(&mut app, &mut conn, KeyCode::Enter);
    saved(&app);
    assert_eq!(find(&conn).unwrap().actual_end, Some(d(2026, 6, 30)));
    ch(&mut app, &mut conn, 'd');
    ch(&mut app, &mut conn, 'y');
    saved(&app);
    assert!(find(&conn).is_none());
    ch(&mut app, &mut conn, 'u');
    assert_eq!(find(&conn).unwrap().actual_end, Some(d(2026, 6, 30)));
    key(&mut app, &mut conn, KeyCode::Home);
    for _ in 0..gcloud {
        key(&mut app, &mut conn, KeyCode::Down);
    }
    ch(&mut app, &mut conn, 'd');
    ch(&mut app, &mut conn, 'y');
    assert!(
        status(&app).contains("cannot be deleted"),
        "{}",
        status(&app)
    );
}

#[test]
fn milestones_and_benefits_are_added_edited_completed_realised_and_withdrawn_in_the_phase_view() {
    let (_dir, path) = demo_file_with(|_| {});
    let (mut app, mut conn) = app_on(&path, 80, 24);
    ch(&mut app, &mut conn, '2');
    // Without an open phase, m says where milestones are.
    ch(&mut app, &mut conn, 'm');
    assert!(
        status(&app).contains("Open a phase first"),
        "{}",
        status(&app)
    );
    select_tree(&mut app, &mut conn, "WIR-SCP", Some("DT1"));
    key(&mut app, &mut conn, KeyCode::Enter);
    assert!(app.phase.is_some());
    let dt1 = e::phase_ref(&conn, Some("WIR-SCP"), "DT1").unwrap().id;

    ch(&mut app, &mut conn, 'm');
    assert_eq!(form_values(&app), ["WIR-SCP/DT1", "", "", "", "planned"]);
    fill(
        &mut app,
        &mut conn,
        &[
            "=",
            "Data centre exit",
            "31/12/2022",
            "31/01/2023",
            "in progress",
        ],
    );
    snap(&mut app, &mut conn, "add_milestone");
    key(&mut app, &mut conn, KeyCode::Enter);
    saved(&app);
    let find = |conn: &Connection| {
        e::list_milestones(conn, None, Some(dt1))
            .unwrap()
            .into_iter()
            .find(|m| m.name == "Data centre exit")
            .unwrap()
    };
    let m = find(&conn);
    assert_eq!(
        (m.baseline, m.forecast, m.status),
        (
            d(2022, 12, 31),
            Some(d(2023, 1, 31)),
            MilestoneStatus::InProgress
        )
    );

    // The milestones in baseline order: 27/09/2022, 31/12/2022 (the new one), 31/03/2023. J
    // selects the second; E edits it; u puts it back.
    ch(&mut app, &mut conn, 'J');
    ch(&mut app, &mut conn, 'E');
    assert_eq!(
        form_values(&app),
        [
            "WIR-SCP/DT1",
            "Data centre exit",
            "31/12/2022",
            "31/01/2023",
            "in progress"
        ]
    );
    snap(&mut app, &mut conn, "edit_milestone");
    fill(&mut app, &mut conn, &["=", "=", "=", "28/02/2023"]);
    key(&mut app, &mut conn, KeyCode::Enter);
    saved(&app);
    assert_eq!(find(&conn).forecast, Some(d(2023, 2, 28)));
    ch(&mut app, &mut conn, 'u');
    assert_eq!(find(&conn).forecast, Some(d(2023, 1, 31)));

    // c completes it on the date typed; u reopens it (status and forecast as they were).
    ch(&mut app, &mut conn, 'c');
    assert_eq!(form_values(&app), ["26/08/2022"]);
    snap(&mut app, &mut conn, "complete_milestone");
    key(&mut app, &mut conn, KeyCode::Enter);
    saved(&app);
    let m = find(&conn);
    assert_eq!(
        (m.status, m.actual),
        (MilestoneStatus::Complete, Some(today()))
    );
    ch(&mut app, &mut conn, 'u');
    let m = find(&conn);
    assert_eq!(
        (m.status, m.actual, m.forecast),
        (MilestoneStatus::InProgress, None, Some(d(2023, 1, 31)))
    );

    // b adds a benefit of the phase with two targets (a thousands comma inside one).
    ch(&mut app, &mut conn, 'b');
    assert_eq!(
        form_values(&app),
        ["WIR-SCP", "DT1", "", "cashable", "", ""]
    );
    fill(
        &mut app,
        &mut conn,
        &[
            "=",
            "=",
            "Lower licence costs",
            "=",
            "Head of ICT",
            "2022-23=£1,250.50; 2023-24=£40k",
        ],
    );
    snap(&mut app, &mut conn, "add_benefit");
    key(&mut app, &mut conn, KeyCode::Enter);
    saved(&app);
    let find_b = |conn: &Connection| {
        e::list_benefits(conn, None, true)
            .unwrap()
            .into_iter()
            .find(|b| b.description == "Lower licence costs")
            .unwrap()
    };
    let b = find_b(&conn);
    assert_eq!(
        (b.phase_code.as_deref(), b.kind, b.owner.as_str()),
        (Some("DT1"), BenefitKind::Cashable, "Head of ICT")
    );
    let fy22 = FinancialYear::new(2022).unwrap();
    assert_eq!(b.target(fy22), pounds("1250.50"));
    assert_eq!(b.target(fy22.next()), pounds("40000"));

    // The benefits follow the three milestones: the demo's (4), then the new one.
    let at = 3 + app
        .phase
        .as_ref()
        .unwrap()
        .benefits
        .iter()
        .position(|p| p.benefit.id == b.id)
        .unwrap();
    for _ in 0..10 {
        ch(&mut app, &mut conn, 'K');
    }
    for _ in 0..at {
        ch(&mut app, &mut conn, 'J');
    }
    ch(&mut app, &mut conn, 'E');
    snap(&mut app, &mut conn, "edit_benefit");
    fill(
        &mut app,
        &mut conn,
        &["=", "=", "=", "=", "Director of ICT"],
    );
    key(&mut app, &mut conn, KeyCode::Enter);
    saved(&app);
    assert_eq!(find_b(&conn).owner, "Director of ICT");
    ch(&mut app, &mut conn, 'u');
    assert_eq!(find_b(&conn).owner, "Head of ICT");

    // r: realised £500.25 to P4 2022-23 (the month being reported, which the TUI opens on), a
    // further £700.25 forecast (expected £1,200.50).
    ch(&mut app, &mut conn, 'r');
    assert_eq!(form_values(&app), ["2022-23", "P4", "", "£0.00"]);
    fill(&mut app, &mut conn, &["=", "=", "£500.25", "£700.25"]);
    snap(&mut app, &mut conn, "realise_benefit");
    key(&mut app, &mut conn, KeyCode::Enter);
    saved(&app);
    let r = e::list_realisations(&conn, None, Some(fy22))
        .unwrap()
        .into_iter()
        .find(|r| r.benefit_id == b.id)
        .unwrap();
    assert_eq!(
        (r.as_at, r.realised, r.forecast),
        (Period::new(4).unwrap(), pounds("500.25"), pounds("700.25"))
    );

    // W withdraws it after a question.
    ch(&mut app, &mut conn, 'W');
    assert!(matches!(app.mode, Mode::Confirm { .. }), "{:?}", app.mode);
    ch(&mut app, &mut conn, 'y');
    saved(&app);
    assert_eq!(find_b(&conn).status, BenefitStatus::Withdrawn);
}

#[test]
fn an_added_benefit_is_undone_by_withdrawing_it() {
    let (_dir, path) = demo_file_with(|_| {});
    let (mut app, mut conn) = app_on(&path, 80, 24);
    ch(&mut app, &mut conn, '2');
    select_tree(&mut app, &mut conn, "WIR-SCP", Some("DT1"));
    key(&mut app, &mut conn, KeyCode::Enter);
    ch(&mut app, &mut conn, 'b');
    fill(
        &mut app,
        &mut conn,
        &["=", "=", "Fewer servers", "=", "", ""],
    );
    key(&mut app, &mut conn, KeyCode::Enter);
    saved(&app);
    ch(&mut app, &mut conn, 'u');
    let b = e::list_benefits(&conn, None, true)
        .unwrap()
        .into_iter()
        .find(|b| b.description == "Fewer servers")
        .unwrap();
    assert_eq!(b.status, BenefitStatus::Withdrawn);
}

#[test]
fn the_budget_cursor_moves_to_the_allocations_and_a_approves_the_selected_one() {
    let (_dir, path) = demo_file_with(|conn| {
        e::add_allocation(
            conn,
            &e::NewAllocation {
                phase_id: e::phase_ref(conn, Some("WIR-SCP"), "DT1").unwrap().id,
                first_fy: FinancialYear::new(2022).unwrap(),
                last_fy: FinancialYear::new(2022).unwrap(),
                amount: pounds("100000"),
                status: AllocationStatus::Projected,
                decision_id: None,
                profile: None,
                note: String::new(),
            },
        )
        .unwrap();
    });
    let (mut app, mut conn) = app_on(&path, 80, 24);
    ch(&mut app, &mut conn, '4');
    let allocations = app.budget.as_ref().unwrap().allocations.clone();
    let at = allocations
        .iter()
        .position(|a| a.status == AllocationStatus::Projected)
        .unwrap();
    ch(&mut app, &mut conn, 'l');
    assert!(app.records.allocations_pane);
    // On an approved allocation A says why not.
    let approved = allocations
        .iter()
        .position(|a| a.status == AllocationStatus::Approved)
        .unwrap();
    key(&mut app, &mut conn, KeyCode::Home);
    for _ in 0..approved {
        key(&mut app, &mut conn, KeyCode::Down);
    }
    ch(&mut app, &mut conn, 'A');
    assert_eq!(app.mode, Mode::Normal);
    assert!(
        status(&app).contains("only a projected allocation"),
        "{}",
        status(&app)
    );
    key(&mut app, &mut conn, KeyCode::Home);
    for _ in 0..at {
        key(&mut app, &mut conn, KeyCode::Down);
    }
    assert_eq!(app.records.allocation_list.cursor, at);
    // The changes' cursor did not move.
    assert_eq!(app.budget_list.cursor, 0);
    ch(&mut app, &mut conn, 'A');
    assert_eq!(form_values(&app)[0], allocations[at].id.to_string());
    let decision = e::list_decisions(&conn).unwrap().remove(0);
    fill(&mut app, &mut conn, &["=", &decision.reference]);
    key(&mut app, &mut conn, KeyCode::Enter);
    saved(&app);
    assert_eq!(
        e::get_allocation(&conn, allocations[at].id).unwrap().status,
        AllocationStatus::Approved
    );
    // h goes back to the changes.
    ch(&mut app, &mut conn, 'h');
    assert!(!app.records.allocations_pane);
}

#[test]
fn an_undo_the_store_refuses_says_why_and_an_edit_of_a_deleted_record_says_it_is_gone() {
    let (_dir, path) = demo_file_with(|conn| {
        e::add_phase(
            conn,
            &e::NewPhase {
                programme_id: e::programme_id(conn, "WIR-SCP").unwrap(),
                code: "TMP".into(),
                name: "Temporary".into(),
                status: DeliveryStatus::Planned,
                officer: None,
            },
        )
        .unwrap();
    });
    let (mut app, mut conn) = app_on(&path, 80, 24);
    ch(&mut app, &mut conn, '2');
    select_tree(&mut app, &mut conn, "WIR-SCP", Some("TMP"));
    ch(&mut app, &mut conn, 'e');
    fill(&mut app, &mut conn, &["=", "=", "=", "active"]);
    key(&mut app, &mut conn, KeyCode::Enter);
    saved(&app);
    let id = e::phase_ref(&conn, Some("WIR-SCP"), "TMP").unwrap().id;
    assert_eq!(
        e::get_phase(&conn, id).unwrap().status,
        DeliveryStatus::Active
    );
    // A phase's status only moves forward: the undo is refused, and the message says why.
    ch(&mut app, &mut conn, 'u');
    assert!(
        status(&app).contains("a phase moves planned -> active -> delivered -> closed"),
        "{}",
        status(&app)
    );
    assert_eq!(
        e::get_phase(&conn, id).unwrap().status,
        DeliveryStatus::Active
    );
    key(&mut app, &mut conn, KeyCode::Esc);

    // The edit form is open when another officer deletes the phase.
    ch(&mut app, &mut conn, 'e');
    {
        let mut other = store::open(&path).unwrap();
        let tx = store::write_tx(&mut other).unwrap();
        e::delete_phase(&tx, id, None).unwrap();
        tx.commit().unwrap();
    }
    fill(&mut app, &mut conn, &["=", "=", "Renamed"]);
    key(&mut app, &mut conn, KeyCode::Enter);
    let err = field_error(&app, 0);
    assert!(
        err.contains("no phase") && err.contains("someone else deleted it"),
        "{err}"
    );
}
