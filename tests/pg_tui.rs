//! The TUI on books on a PostgreSQL server (issue 25): every screen but the audit log (which
//! names the login and the clock's times) draws the same as on the same books in a file; a
//! change another officer commits shows on the next tick, heard by `LISTEN`/`NOTIFY`, never
//! before its commit and never from another council; and an officer's own step is written from
//! the TUI's form on the server. Today is 26/08/2022 (the demo's).

mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use common::engines::{Books, Place};
use common::tui::{screen_text, today};
use outturn::ops::Store;
use outturn::tui::action::{Action, Command, Screen};
use outturn::tui::app::App;
use outturn::tui::handle;
use outturn::tui::live::Watch;

/// An app on `books`, `w` x `h`, started as the TUI starts.
fn app_on(books: &mut impl Store, w: u16, h: u16) -> App {
    let mut app = App::new(today(), PathBuf::from("/tmp/exports"));
    handle(&mut app, books, Action::Resize(w, h));
    handle(&mut app, books, Action::Start);
    app
}

fn show(app: &mut App, books: &mut impl Store, s: Screen) {
    handle(app, books, Action::Command(Command::Show(s)));
}

/// The demo in a file, and the same books copied to a new server database by its lead; the
/// file's path and the server's books (connected in this process, as the TUI connects).
fn demo_on_both() -> Option<(
    tempfile::TempDir,
    PathBuf,
    Books,
    outturn::ops::types::PgBooks,
)> {
    let server = Books::postgres()?;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("demo.db");
    let made = common::bin()
        .arg("--db")
        .arg(&file)
        .args(["init", "--demo"])
        .output()
        .unwrap();
    assert!(made.status.success());
    server.ok(&[
        "copy",
        "--from",
        file.to_str().unwrap(),
        "--to",
        &server.locator(),
    ]);
    let pg = outturn::ops::server::connect(&server.locator(), "the test server", false).unwrap();
    Some((dir, file, server, pg))
}

#[test]
fn every_screen_draws_the_same_on_a_server_as_on_a_file() {
    let Some((_dir, file, _server, mut pg)) = demo_on_both() else {
        return;
    };
    let mut sqlite = outturn::store::open(&file).unwrap();
    for (w, h) in [(80u16, 24u16), (140, 40)] {
        let mut on_file = app_on(&mut sqlite, w, h);
        let mut on_server = app_on(&mut pg, w, h);
        for s in Screen::ALL.into_iter().filter(|s| *s != Screen::Audit) {
            show(&mut on_file, &mut sqlite, s);
            show(&mut on_server, &mut pg, s);
            let text = screen_text(&on_file, w, h);
            assert!(text.contains(s.title()), "{text}");
            assert_eq!(
                screen_text(&on_server, w, h),
                text,
                "{} at {w}x{h}: the server (left) and the file (right) differ",
                s.title()
            );
        }
    }
}

/// Waits up to `limit` for the watch to hear a change, as the TUI's loop asks on each tick.
fn heard_within(watch: &mut Watch, pg: &impl outturn::ops::Sql, limit: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if watch.changed(pg).unwrap() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

#[test]
fn another_officers_commit_shows_within_a_second_and_nothing_before_it_or_from_elsewhere() {
    let Some((_dir, _file, mut server, mut pg)) = demo_on_both() else {
        return;
    };
    let Place::Server { db, login } = &server.place else {
        unreachable!()
    };
    let mut app = app_on(&mut pg, 140, 40);
    show(&mut app, &mut pg, Screen::Actuals);
    let mut watch = Watch::new(&pg).unwrap();
    assert!(!watch.changed(&pg).unwrap());

    // Another officer's step, open but not committed: nothing is heard.
    let mut other = db.connect_as(login);
    let mut tx = other.transaction().unwrap();
    tx.batch_execute(
        "INSERT INTO actual(phase_id, date, fy, period, supplier, reference, amount_pence)
           SELECT id, '2022-08-20', 2022, 5, 'Elsewhere Ltd', 'LIVE-1', 12345 FROM phase
           WHERE code = 'DT1';
         SELECT outturn_audit_append(NULL, 'add', 'actual', NULL, NULL, NULL, NULL);",
    )
    .unwrap();
    assert!(
        !heard_within(&mut watch, &pg, Duration::from_millis(600)),
        "heard before the commit"
    );
    tx.commit().unwrap();
    let committed = Instant::now();
    assert!(heard_within(&mut watch, &pg, Duration::from_secs(1)));
    assert!(committed.elapsed() < Duration::from_secs(1));
    handle(&mut app, &mut pg, Action::Changed);
    assert!(
        screen_text(&app, 140, 40).contains("Elsewhere Ltd"),
        "{}",
        screen_text(&app, 140, 40)
    );

    // Another council on the same server: its change is not heard.
    let Place::Server { db, .. } = &mut server.place else {
        unreachable!()
    };
    let (_, lead2) = db.create_org("Othertown");
    db.connect_as(&lead2)
        .batch_execute(
            "BEGIN;
             INSERT INTO programme(code, name, organisation, status)
               VALUES ('OTH', 'Theirs', 'Othertown', 'active');
             SELECT outturn_audit_append(NULL, 'add', 'programme', NULL, NULL, NULL, NULL);
             COMMIT;",
        )
        .unwrap();
    assert!(
        !heard_within(&mut watch, &pg, Duration::from_millis(600)),
        "heard another council's change"
    );
}

#[test]
fn an_officers_own_write_from_the_tui_is_not_news_to_itself() {
    let Some((_dir, _file, _server, mut pg)) = demo_on_both() else {
        return;
    };
    let mut app = app_on(&mut pg, 140, 40);
    let mut watch = Watch::new(&pg).unwrap();
    use outturn::ops::records::{ProgrammeValues, RecordOp, Values};
    let step = outturn::ops::Step::Record(Box::new(RecordOp::Add(Values::Programme(
        ProgrammeValues {
            code: "NEW".into(),
            name: "New programme".into(),
            organisation: String::new(),
            status: outturn::domain::model::DeliveryStatus::Active,
        },
    ))));
    let done = outturn::ops::apply(&mut pg, &step).unwrap();
    assert!(done.message.contains("NEW"), "{}", done.message);
    assert!(!heard_within(&mut watch, &pg, Duration::from_millis(300)));
    show(&mut app, &mut pg, Screen::Programmes);
    assert!(screen_text(&app, 140, 40).contains("New programme"));
}

/// Presses `code` as a key on the app, as the TUI's loop does.
fn press(app: &mut App, books: &mut impl Store, code: crossterm::event::KeyCode) {
    let key = crossterm::event::KeyEvent::new(code, crossterm::event::KeyModifiers::NONE);
    if let Some(a) = outturn::tui::keymap::action_for_key(app, &key) {
        handle(app, books, a);
    }
}

/// The actuals list filtered (all years, supplier "micro": the filter ignores case) and sorted
/// by each column both ways: the same rows, totals and order on a server as in the file.
#[test]
fn the_actuals_list_filters_and_sorts_the_same_on_a_server() {
    use crossterm::event::KeyCode;
    let Some((_dir, file, _server, mut pg)) = demo_on_both() else {
        return;
    };
    let mut sqlite = outturn::store::open(&file).unwrap();
    let mut on_file = app_on(&mut sqlite, 120, 30);
    let mut on_server = app_on(&mut pg, 120, 30);
    show(&mut on_file, &mut sqlite, Screen::Actuals);
    show(&mut on_server, &mut pg, Screen::Actuals);
    let mut keys = vec![KeyCode::Char('/')];
    keys.extend([KeyCode::Backspace; 7]);
    keys.extend([KeyCode::Tab; 4]);
    keys.extend("MICRO".chars().map(KeyCode::Char));
    keys.push(KeyCode::Enter);
    let mut seen = Vec::new();
    for (i, k) in keys
        .into_iter()
        .chain([
            KeyCode::Char('s'),
            KeyCode::Char('S'),
            KeyCode::Char('s'),
            KeyCode::Down,
        ])
        .enumerate()
    {
        press(&mut on_file, &mut sqlite, k);
        press(&mut on_server, &mut pg, k);
        let text = screen_text(&on_file, 120, 30);
        assert_eq!(
            screen_text(&on_server, 120, 30),
            text,
            "after key {i} ({k:?})"
        );
        seen.push(text);
    }
    let filtered = &seen[seen.len() - 5];
    assert!(filtered.contains("row 1 of 3"), "{filtered}");
}
