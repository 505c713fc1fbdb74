//! Helpers for the TUI tests that drive the app in memory: an app on a database file as of
//! 26/08/2022, key presses through the keymap, and the screen as text.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use outturn::store;
use outturn::tui::action::Action;
use outturn::tui::app::App;
use outturn::tui::ui::{self, Theme};
use outturn::tui::{handle, keymap};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rusqlite::Connection;

/// "Today" in the TUI tests: 26/08/2022 (2022-23 P5 on the demo).
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2022, 8, 26).unwrap()
}

/// The app on the database at `path`, `w` x `h`, started (the first load done).
pub fn app_on(path: &Path, w: u16, h: u16) -> (App, Connection) {
    let mut conn = store::open(path).unwrap();
    let mut app = App::new(today(), PathBuf::from("/tmp/exports"));
    handle(&mut app, &mut conn, Action::Resize(w, h));
    handle(&mut app, &mut conn, Action::Start);
    (app, conn)
}

/// A key press, as the keymap reads it.
pub fn key(app: &mut App, conn: &mut Connection, code: KeyCode) {
    if let Some(a) = keymap::action_for_key(app, &KeyEvent::new(code, KeyModifiers::NONE)) {
        handle(app, conn, a);
    }
}

/// Typing `s`, a key per character.
pub fn typed(app: &mut App, conn: &mut Connection, s: &str) {
    for c in s.chars() {
        key(app, conn, KeyCode::Char(c));
    }
}

/// The screen drawn `w` x `h` without colour, as text (a line per row).
pub fn screen_text(app: &App, w: u16, h: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| ui::draw(f, app, today(), Theme { colour: false }))
        .unwrap();
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
