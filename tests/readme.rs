//! The README shows the TUI as it is: its Dashboard and Report screens on the demo at 100x30, drawn
//! the way the other TUI tests draw them ("today" fixed at 26/08/2022), must equal the block
//! between the README's `screens` markers. After a deliberate change to either screen,
//! `UPDATE_README=1 cargo test --test readme` writes the new capture into the README for review.

mod common;
use common::tui::*;

use outturn::tui::action::Screen;

const BEGIN: &str = "<!-- screens: begin -->";
const END: &str = "<!-- screens: end -->";

/// A screen as text, without the spaces at the ends of its lines.
fn capture(screen: Screen) -> String {
    let (mut app, mut conn) = demo_app(100, 30);
    show(&mut app, &mut conn, screen);
    let text = screen_text(&app, 100, 30);
    let mut out = String::new();
    for l in text.lines() {
        out.push_str(l.trim_end());
        out.push('\n');
    }
    out
}

#[test]
fn the_readme_shows_the_dashboard_and_report_as_they_are() {
    let expected = format!(
        "{BEGIN}\n```text\n{}```\n\n```text\n{}```\n{END}",
        capture(Screen::Dashboard),
        capture(Screen::Report)
    );
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let readme = std::fs::read_to_string(path).unwrap();
    let start = readme
        .find(BEGIN)
        .expect("README.md has the screens begin marker");
    let end = readme[start..]
        .find(END)
        .expect("and the end marker after it")
        + start
        + END.len();
    let shown = &readme[start..end];
    if shown != expected && std::env::var_os("UPDATE_README").is_some() {
        let updated = format!("{}{expected}{}", &readme[..start], &readme[end..]);
        std::fs::write(path, updated).unwrap();
        return;
    }
    assert!(
        shown == expected,
        "the README's capture of the TUI differs from the screens drawn now; after a deliberate \
         change run `UPDATE_README=1 cargo test --test readme` and review the diff.\nNow:\n{expected}"
    );
}
