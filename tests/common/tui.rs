//! Helpers shared by the TUI test binaries: the demo database (in memory, or in a file a second
//! connection can change), an app opened on it, keys typed into it, and its screen as text.
//! "Today" is 26/08/2022 (2022-23 P5) on the demo.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use outturn::domain::{FinancialYear, Money};
use outturn::store;
use outturn::tui::action::{Action, Command, Screen};
use outturn::tui::app::App;
use outturn::tui::ui::{self, Theme};
use outturn::tui::{handle, keymap};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rusqlite::Connection;

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2022, 8, 26).unwrap()
}

pub fn fy22() -> FinancialYear {
    FinancialYear::new(2022).unwrap()
}

pub fn pounds(s: &str) -> Money {
    Money::parse(s).unwrap()
}

/// The demo database in memory, its audit stamps fixed so that the Audit screen is stable.
pub fn demo_db() -> Connection {
    let mut conn = store::open_in_memory().unwrap();
    let tx = store::write_tx(&mut conn).unwrap();
    outturn::io::demo::load_all(&tx).unwrap();
    tx.commit().unwrap();
    // The audit log records the real clock and user; fix them so the Audit screen is stable.
    // (Test database only: lift the append-only trigger to rewrite the stamps.)
    conn.execute_batch(
        "DROP TRIGGER audit_no_update; UPDATE audit SET at = '2022-08-26T09:00:00Z', who = 'officer'",
    )
    .unwrap();
    conn
}

/// An app on the in-memory demo at `w` x `h`, audit times in British Summer Time (UTC+1).
pub fn demo_app(w: u16, h: u16) -> (App, Connection) {
    let mut conn = demo_db();
    let mut app = App::new(today(), PathBuf::from("/tmp/exports"));
    // Audit times in British Summer Time (UTC+1), whatever the machine's zone.
    app.utc_offset = chrono::FixedOffset::east_opt(3600);
    handle(&mut app, &mut conn, Action::Resize(w, h));
    handle(&mut app, &mut conn, Action::Start);
    (app, conn)
}

/// The demo database in a file (so that a second connection can change it).
pub fn demo_file() -> (tempfile::TempDir, PathBuf) {
    demo_file_with(|_| {})
}

/// The demo database in a file, with `setup` run on it before the TUI opens.
pub fn demo_file_with(setup: impl FnOnce(&Connection)) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    let mut conn = store::open(&path).unwrap();
    let tx = store::write_tx(&mut conn).unwrap();
    outturn::io::demo::load_all(&tx).unwrap();
    setup(&tx);
    tx.commit().unwrap();
    (dir, path)
}

/// An app on the database file at `path`, `w` x `h`.
pub fn app_on(path: &Path, w: u16, h: u16) -> (App, Connection) {
    let mut conn = store::open(path).unwrap();
    let mut app = App::new(today(), PathBuf::from("/tmp/exports"));
    handle(&mut app, &mut conn, Action::Resize(w, h));
    handle(&mut app, &mut conn, Action::Start);
    (app, conn)
}

pub fn key_with(app: &mut App, conn: &mut Connection, code: KeyCode, m: KeyModifiers) {
    if let Some(a) = keymap::action_for_key(app, &KeyEvent::new(code, m)) {
        handle(app, conn, a);
    }
}

pub fn key(app: &mut App, conn: &mut Connection, code: KeyCode) {
    key_with(app, conn, code, KeyModifiers::NONE);
}

pub fn key_ctrl_u(app: &mut App, conn: &mut Connection) {
    key_with(app, conn, KeyCode::Char('u'), KeyModifiers::CONTROL);
}

/// Types `s` into the focused field of the open form (or as keys on a screen).
pub fn typed(app: &mut App, conn: &mut Connection, s: &str) {
    for c in s.chars() {
        key(app, conn, KeyCode::Char(c));
    }
}

pub fn show(app: &mut App, conn: &mut Connection, s: Screen) {
    handle(app, conn, Action::Command(Command::Show(s)));
}

/// The app drawn on a `w` x `h` test terminal.
pub fn render(app: &App, w: u16, h: u16, colour: bool) -> Terminal<TestBackend> {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| ui::draw(f, app, today(), Theme { colour }))
        .unwrap();
    term
}

/// A test terminal's cells as text, a line per row.
pub fn text_of(term: &Terminal<TestBackend>) -> String {
    let buf = term.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

/// The app drawn without colour at `w` x `h`, as text.
pub fn screen_text(app: &App, w: u16, h: u16) -> String {
    text_of(&render(app, w, h, false))
}

/// The demo plus 600 actuals on its first phase in 2022-23: actual i (0..600) dated 1 April
/// 2022 plus (i mod 300) days, supplier "S{i mod 7}", reference "P-{i:04}", amount (i x 37 mod
/// 1000) pounds and i pence, so that amounts and suppliers repeat and ties fall back to the id.
pub fn six_hundred_actuals() -> (tempfile::TempDir, PathBuf) {
    demo_file_with(|conn| {
        let phase = outturn::store::entities::list_phases(conn, None).unwrap()[0].id;
        let start = NaiveDate::from_ymd_opt(2022, 4, 1).unwrap();
        for i in 0..600i64 {
            outturn::store::entities::insert_actual_row(
                conn,
                &outturn::store::entities::NewActual {
                    phase_id: phase,
                    contract_id: None,
                    date: start + chrono::Days::new((i % 300) as u64),
                    supplier: format!("S{}", i % 7),
                    description: format!("line {i}"),
                    reference: format!("P-{i:04}"),
                    amount: Money::from_pence((i * 37 % 1000) * 100 + i),
                },
                None,
            )
            .unwrap();
        }
    })
}

/// Every id the filter selects in its order, as the export streams it (ORDER BY in SQLite).
pub fn ordered_ids(conn: &Connection, f: &outturn::store::entities::ActualFilter) -> Vec<i64> {
    let mut out = Vec::new();
    outturn::store::browse::each_actual_sorted(conn, f, &mut |a| -> store::Result<()> {
        out.push(a.id);
        Ok(())
    })
    .unwrap();
    out
}

/// Moves the app on to 2022-23 P5 (August), the period today (26/08/2022) is in, where the
/// demo's August payments are: the TUI opens on P4 (July), the month being reported (nothing is
/// closed, and July is the latest period that has ended).
pub fn to_todays_period(app: &mut App, conn: &mut Connection) {
    assert_eq!(
        app.period,
        outturn::domain::Period::new(4).ok(),
        "opens on P4"
    );
    key(app, conn, KeyCode::Char('>'));
    assert_eq!(app.period, outturn::domain::Period::new(5).ok());
}
