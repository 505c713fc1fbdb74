//! The first start (issue 28, item 8): `outturn` with no database, in a terminal, offers to
//! create it, to open the demo, or to quit, instead of a one-line error. The screen is rendered
//! to ratatui's TestBackend; the whole path (keys, the database made, the TUI opened, the
//! terminal restored) runs the real binary in tmux in `tests/tui_e2e.rs`.

use std::path::Path;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use outturn::tui::first_run::{Choice, choice_for_key, draw};
use outturn::tui::ui::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn render(w: u16, h: u16) -> Terminal<TestBackend> {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    let path = Path::new("/home/officer/.local/share/outturn/outturn.db");
    term.draw(|f| draw(f, path, Theme { colour: false }))
        .unwrap();
    term
}

#[test]
fn the_offer_names_the_path_and_the_three_keys() {
    insta::assert_snapshot!("first_run_80x24", render(80, 24).backend());
    // Narrow: the box fits the terminal and the text wraps, nothing is cut off the right.
    insta::assert_snapshot!("first_run_50x20", render(50, 20).backend());
}

#[test]
fn keys_choose_create_demo_or_quit() {
    let key = |c: KeyCode, m: KeyModifiers| choice_for_key(&KeyEvent::new(c, m));
    let none = KeyModifiers::NONE;
    assert_eq!(key(KeyCode::Char('c'), none), Some(Choice::Create));
    assert_eq!(
        key(KeyCode::Char('C'), KeyModifiers::SHIFT),
        Some(Choice::Create)
    );
    assert_eq!(key(KeyCode::Char('d'), none), Some(Choice::Demo));
    assert_eq!(key(KeyCode::Char('q'), none), Some(Choice::Quit));
    assert_eq!(key(KeyCode::Esc, none), Some(Choice::Quit));
    // Ctrl+C quits rather than creating.
    assert_eq!(
        key(KeyCode::Char('c'), KeyModifiers::CONTROL),
        Some(Choice::Quit)
    );
    assert_eq!(key(KeyCode::Enter, none), None);
    assert_eq!(key(KeyCode::Char('x'), none), None);
}
