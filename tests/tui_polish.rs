//! The TUI's rough edges (issue 12 items 5, 6 and 8): the keymap knows the view a screen shows
//! (the Budget screen's Financing view, the Contracts screen's frameworks, the phase view on the
//! Phases screen), so the footer and `?` help show the keys that work there and a key bound only
//! to another view does not act; `s` sort and `x` export are in the footer where there is room;
//! every key clears the status line; below 80 x 24 keys never reach a hidden form, view or
//! question, and `q` quits. The demo database; "today" is 26/08/2022 (2022-23 P5).

mod common;

use common::tui::*;
use crossterm::event::{KeyCode, KeyModifiers};
use outturn::domain::model::ChangeStatus;
use outturn::tui::action::{Command, Context, Screen, View};
use outturn::tui::app::{App, Mode};
use outturn::tui::keymap;
use rusqlite::Connection;

fn ch(app: &mut App, conn: &mut Connection, c: char) {
    key(app, conn, KeyCode::Char(c));
}

fn status(app: &App) -> String {
    app.status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default()
}

/// The last line of the screen drawn at `w` x `h`: the footer.
fn footer_line(app: &App, w: u16, h: u16) -> String {
    let text = screen_text(app, w, h);
    text.lines().last().unwrap_or_default().to_string()
}

/// The Budget screen's Financing view.
fn financing(w: u16, h: u16) -> (App, Connection) {
    let (mut app, mut conn) = demo_app(w, h);
    show(&mut app, &mut conn, Screen::Budget);
    ch(&mut app, &mut conn, '$');
    assert!(app.budget_financing);
    (app, conn)
}

/// The Contracts screen's frameworks.
fn frameworks(w: u16, h: u16) -> (App, Connection) {
    let (mut app, mut conn) = demo_app(w, h);
    show(&mut app, &mut conn, Screen::Contracts);
    ch(&mut app, &mut conn, 't');
    assert!(app.records.frameworks_shown);
    (app, conn)
}

/// The phase view of the first phase on the Phases screen (the tree's second row).
fn phase_view(w: u16, h: u16) -> (App, Connection) {
    let (mut app, mut conn) = demo_app(w, h);
    show(&mut app, &mut conn, Screen::Programmes);
    key(&mut app, &mut conn, KeyCode::Down);
    key(&mut app, &mut conn, KeyCode::Enter);
    assert!(app.phase.is_some());
    (app, conn)
}

#[test]
fn the_context_names_the_view_shown() {
    let (app, _c) = financing(80, 24);
    assert_eq!(app.context(), Context::View(View::Financing));
    let (app, _c) = frameworks(80, 24);
    assert_eq!(app.context(), Context::View(View::Frameworks));
    let (app, _c) = phase_view(80, 24);
    assert_eq!(app.context(), Context::View(View::Phase));
    let (mut app, mut conn) = demo_app(80, 24);
    show(&mut app, &mut conn, Screen::Budget);
    assert_eq!(app.context(), Context::Screen(Screen::Budget));
    ch(&mut app, &mut conn, 'M');
    assert_eq!(app.context(), Context::Screen(Screen::Budget));
    show(&mut app, &mut conn, Screen::Report);
    ch(&mut app, &mut conn, 'M');
    assert_eq!(app.context(), Context::Movement);
}

#[test]
fn the_financing_view_footer_shows_its_own_keys() {
    for (w, h) in [(80, 24), (140, 40)] {
        let (app, _c) = financing(w, h);
        let footer = footer_line(&app, w, h);
        for want in [
            "n add",
            "e edit",
            "w withdraw",
            "$ back",
            "? help",
            "q quit",
        ] {
            assert!(footer.contains(want), "{want} missing at {w}: {footer}");
        }
        for gone in [
            "approve",
            "reject",
            "reprofile",
            "financing",
            "s sort",
            "x export",
        ] {
            assert!(!footer.contains(gone), "{gone} shown at {w}: {footer}");
        }
        insta::assert_snapshot!(format!("financing_{w}x{h}"), screen_text(&app, w, h));
    }
}

#[test]
fn the_budget_footer_says_left_right_switch_between_the_lists() {
    for (w, h) in [(80, 24), (140, 40)] {
        let (mut app, mut conn) = demo_app(w, h);
        show(&mut app, &mut conn, Screen::Budget);
        let text = screen_text(&app, w, h);
        let footer = text.lines().last().unwrap_or_default();
        for want in [
            "$ financing",
            "←→ switch list",
            "n add",
            "a approve",
            "? help",
            "q quit",
        ] {
            assert!(footer.contains(want), "{want} missing at {w}: {footer}");
        }
        assert!(text.contains("(← → allocations"), "{text}");
        insta::assert_snapshot!(format!("budget_{w}x{h}"), text);
        // → moves the cursor to the allocations and back.
        assert!(!app.records.allocations_pane);
        key(&mut app, &mut conn, KeyCode::Right);
        assert!(app.records.allocations_pane);
        key(&mut app, &mut conn, KeyCode::Left);
        assert!(!app.records.allocations_pane);
    }
}

#[test]
fn the_frameworks_footer_shows_its_own_keys() {
    for (w, h) in [(80, 24), (140, 40)] {
        let (app, _c) = frameworks(w, h);
        let footer = footer_line(&app, w, h);
        for want in [
            "n add",
            "e edit",
            "d delete",
            "t contracts",
            "? help",
            "q quit",
        ] {
            assert!(footer.contains(want), "{want} missing at {w}: {footer}");
        }
        for gone in ["v vary", "e exercise", "s sort", "x export", "frameworks"] {
            assert!(!footer.contains(gone), "{gone} shown at {w}: {footer}");
        }
        insta::assert_snapshot!(format!("frameworks_{w}x{h}"), screen_text(&app, w, h));
    }
    // The contracts list itself keeps v and e.
    let (mut app, mut conn) = frameworks(140, 40);
    ch(&mut app, &mut conn, 't');
    let footer = footer_line(&app, 140, 40);
    for want in ["v vary", "e exercise", "t frameworks", "s sort", "x export"] {
        assert!(footer.contains(want), "{want} missing: {footer}");
    }
}

#[test]
fn the_phase_view_shows_its_keys_in_the_footer_and_title() {
    for (w, h) in [(80, 24), (140, 40)] {
        let (app, _c) = phase_view(w, h);
        let text = screen_text(&app, w, h);
        let footer = text.lines().last().unwrap_or_default();
        for want in [
            "JK select",
            "m milestone",
            "b benefit",
            "E edit item",
            "c complete",
            "? help",
            "q quit",
        ] {
            assert!(footer.contains(want), "{want} missing at {w}: {footer}");
        }
        // The bottom border of the phase pane lists them all (by key alone where narrow).
        let keys = if w >= 140 {
            " J/K select · m milestone · b benefit · E edit · c complete · r realise · W withdraw "
        } else {
            " keys J/K m b E c r W (? says what they do) "
        };
        assert!(text.contains(keys), "{text}");
        insta::assert_snapshot!(format!("phase_view_{w}x{h}"), text);
    }
    let (app, _c) = phase_view(140, 40);
    let footer = footer_line(&app, 140, 40);
    for want in [
        "E edit item",
        "c complete",
        "r realise",
        "W withdraw",
        "Esc close",
    ] {
        assert!(footer.contains(want), "{want} missing: {footer}");
    }
    assert!(screen_text(&app, 140, 40).contains("r realise · W withdraw "));
    // Without an open phase, none of them is in the footer.
    let (mut app, mut conn) = demo_app(140, 40);
    show(&mut app, &mut conn, Screen::Programmes);
    let footer = footer_line(&app, 140, 40);
    assert!(
        !footer.contains("milestone") && !footer.contains("JK"),
        "{footer}"
    );
}

#[test]
fn sort_and_export_are_in_the_footer_where_there_is_room() {
    // Decisions at 80: n add, e edit, d delete take 25 of the 63 columns left beside ? help and
    // q quit; s sort (8) and x export (10) fit after them.
    let (mut app, mut conn) = demo_app(80, 24);
    show(&mut app, &mut conn, Screen::Decisions);
    let footer = footer_line(&app, 80, 24);
    assert!(
        footer.starts_with(" n add  e edit  d delete  s sort  x export"),
        "{footer}"
    );
    // At 140 every list's footer has them.
    for s in [
        Screen::Programmes,
        Screen::Decisions,
        Screen::Budget,
        Screen::Contracts,
        Screen::Actuals,
        Screen::Audit,
    ] {
        let (mut app, mut conn) = demo_app(140, 40);
        show(&mut app, &mut conn, s);
        let footer = footer_line(&app, 140, 40);
        assert!(
            footer.contains("s sort") && footer.contains("x export"),
            "{s:?}: {footer}"
        );
    }
}

#[test]
fn every_footer_keeps_help_and_quit_at_80_columns_and_the_tabs_never_change() {
    let tabs = "1 Dashboard 2 Phases 3 Decisions 4 Budget 5 Contracts 6 Actuals 7 Report 8 Audit";
    let mut apps: Vec<(App, Connection)> = Vec::new();
    for s in Screen::ALL {
        let (mut app, mut conn) = demo_app(80, 24);
        show(&mut app, &mut conn, s);
        apps.push((app, conn));
    }
    apps.push(financing(80, 24));
    apps.push(frameworks(80, 24));
    apps.push(phase_view(80, 24));
    for (app, _c) in &apps {
        let text = screen_text(app, 80, 24);
        let footer = text.lines().last().unwrap_or_default();
        assert!(
            footer.contains("? help") && footer.contains("q quit"),
            "{:?}: {footer}",
            app.context()
        );
        assert_eq!(text.lines().next().unwrap_or_default(), tabs);
    }
}

#[test]
fn keys_of_the_other_view_do_not_act_and_say_where_they_work() {
    // Financing view: a would approve the selected proposed change; it is refused, the change
    // stays proposed and no form opens for p or v.
    let (mut app, mut conn) = financing(80, 24);
    let proposed = |app: &App| {
        app.budget
            .as_ref()
            .unwrap()
            .changes
            .iter()
            .filter(|c| c.status == ChangeStatus::Proposed)
            .count()
    };
    let before = proposed(&app);
    for c in ['a', 'r', 'm', 'A', 'p', 'v', 's', 'x'] {
        ch(&mut app, &mut conn, c);
        assert_eq!(app.mode, Mode::Normal, "{c} opened something");
        assert_eq!(
            status(&app),
            "That key acts on allocations and changes: press $ to show them",
            "{c}"
        );
    }
    key(&mut app, &mut conn, KeyCode::Right);
    assert!(!app.records.allocations_pane);
    show(&mut app, &mut conn, Screen::Budget);
    assert_eq!(proposed(&app), before);
    // The changes view: e edits a funding line only in the Financing view.
    ch(&mut app, &mut conn, '$');
    assert!(!app.budget_financing);
    ch(&mut app, &mut conn, 'e');
    assert_eq!(
        status(&app),
        "e edits a funding line: press $ for the Financing view"
    );
    assert_eq!(app.mode, Mode::Normal);

    // Frameworks: v and sort are refused; e edits the framework (not exercise an option).
    let (mut app, mut conn) = frameworks(80, 24);
    ch(&mut app, &mut conn, 'v');
    assert_eq!(
        status(&app),
        "Press t to show the contracts, then v varies the selected one"
    );
    ch(&mut app, &mut conn, 's');
    assert_eq!(
        status(&app),
        "That key acts on the contracts: press t to show them"
    );
    assert_eq!(app.sorts, Default::default());
    ch(&mut app, &mut conn, 'e');
    let Mode::Form(f) = &app.mode else {
        panic!("no form: {:?}", app.mode)
    };
    assert!(f.title.to_lowercase().contains("framework"), "{}", f.title);

    // Phases without an open phase: the phase view's keys say where they work; Esc does nothing.
    let (mut app, mut conn) = demo_app(80, 24);
    show(&mut app, &mut conn, Screen::Programmes);
    for c in ['m', 'b', 'E', 'c', 'r', 'W'] {
        ch(&mut app, &mut conn, c);
        assert_eq!(app.mode, Mode::Normal, "{c}");
        assert_eq!(
            status(&app),
            "Open a phase first (Enter on it): its milestones and benefits are in the phase view",
            "{c}"
        );
    }
    ch(&mut app, &mut conn, 'J');
    assert_eq!(
        status(&app),
        "Open a phase with milestones or benefits (Enter) to select one"
    );
    key(&mut app, &mut conn, KeyCode::Esc);
    assert_eq!(status(&app), "");
    assert_eq!(app.mode, Mode::Normal);
}

#[test]
fn the_help_lists_the_keys_that_work_here_first() {
    let rows = keymap::help_lines(Context::View(View::Financing));
    assert_eq!(
        rows[0].1,
        "Keys that work here (Budget: Financing view ($))"
    );
    let other = rows.iter().position(|r| r.1 == "Other keys").unwrap();
    let here: Vec<&str> = rows[1..other].iter().map(|r| r.1.as_str()).collect();
    assert_eq!(
        &here[..3],
        &[
            "add a funding line",
            "edit the selected funding line",
            "withdraw the selected funding line (asks first)"
        ]
    );
    assert!(here.contains(&"help: every key") && here.contains(&"quit"));
    assert!(
        !here.contains(&"approve the proposed change (decision)"),
        "{here:?}"
    );
    assert!(
        rows[other..]
            .iter()
            .any(|r| r.1 == "approve the proposed change (decision)")
    );
    // Every binding is in the help once, wherever it is opened.
    for ctx in [
        Context::Screen(Screen::Budget),
        Context::View(View::Phase),
        Context::Movement,
    ] {
        let rows = keymap::help_lines(ctx);
        let all = keymap::key_list();
        assert_eq!(all.len(), keymap::BINDINGS.len() + 1);
        for row in &all {
            let n = rows.iter().filter(|r| *r == row).count();
            assert_eq!(n, all.iter().filter(|r| *r == row).count(), "{row:?}");
        }
        assert_eq!(rows.iter().filter(|r| !r.0.is_empty()).count(), all.len());
    }
    // Drawn over the Financing view.
    let (mut app, mut conn) = financing(80, 24);
    ch(&mut app, &mut conn, '?');
    insta::assert_snapshot!("help_financing_80x24", screen_text(&app, 80, 24));
}

#[test]
fn status_messages_clear_on_the_next_key_whatever_it_does() {
    let (mut app, mut conn) = demo_app(80, 24);
    show(&mut app, &mut conn, Screen::Programmes);
    // An error (a refusal), then a key bound to nothing here.
    ch(&mut app, &mut conn, 'm');
    assert!(app.status.as_ref().is_some_and(|s| s.error));
    ch(&mut app, &mut conn, 'z');
    assert_eq!(app.status, None);
    // A key that does nothing: F5.
    ch(&mut app, &mut conn, 'm');
    key(&mut app, &mut conn, KeyCode::F(5));
    assert_eq!(app.status, None);
    // A screen switch.
    ch(&mut app, &mut conn, 'm');
    key(&mut app, &mut conn, KeyCode::Tab);
    assert_eq!(app.screen, Screen::Decisions);
    assert_eq!(app.status, None);
    // A form opened, then typing in it after a message.
    show(&mut app, &mut conn, Screen::Actuals);
    ch(&mut app, &mut conn, 'u'); // nothing to undo: a message
    assert!(status(&app).starts_with("Nothing to undo"));
    ch(&mut app, &mut conn, 'n');
    assert!(matches!(app.mode, Mode::Form(_)));
    assert_eq!(app.status, None);
    app.status = Some(outturn::tui::app::Status {
        text: "left over".into(),
        error: false,
    });
    ch(&mut app, &mut conn, '1');
    assert_eq!(app.status, None);
    // A number key that moves nowhere new (the screen shown) and a cancelled question.
    key(&mut app, &mut conn, KeyCode::Esc); // the form changed: asks
    ch(&mut app, &mut conn, 'n'); // back to the form
    assert!(matches!(app.mode, Mode::Form(_)));
    key(&mut app, &mut conn, KeyCode::Esc);
    ch(&mut app, &mut conn, 'y'); // discarded
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(status(&app), "Discarded: nothing was saved");
    ch(&mut app, &mut conn, 'u');
    assert!(status(&app).starts_with("Nothing to undo"));
    ch(&mut app, &mut conn, '6');
    assert_eq!(app.screen, Screen::Actuals);
    assert_eq!(app.status, None);
    // The status line drawn is empty.
    let text = screen_text(&app, 80, 24);
    assert_eq!(text.lines().nth(22).unwrap_or_default().trim(), "");
}

/// Drawn at 79 x 23: only the size message; keys do nothing; q quits.
fn too_small_then_q(mut app: App, mut conn: Connection, what: &str) -> Connection {
    handle_resize(&mut app, &mut conn, 79, 23);
    let before = format!("{:?}", app.mode);
    let context = app.context();
    let text = screen_text(&app, 79, 23);
    assert!(
        text.contains("Outturn needs a terminal of at least 80 x 24."),
        "{what}: {text}"
    );
    for c in ['x', '$', 't', 'M', 'y', 'n', '1'] {
        ch(&mut app, &mut conn, c);
    }
    for k in [
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Tab,
        KeyCode::Backspace,
    ] {
        key(&mut app, &mut conn, k);
    }
    assert_eq!(format!("{:?}", app.mode), before, "{what}");
    assert_eq!(app.context(), context, "{what}");
    assert!(!app.quit, "{what}");
    ch(&mut app, &mut conn, 'q');
    assert!(app.quit, "{what}: q did not quit");
    conn
}

fn handle_resize(app: &mut App, conn: &mut Connection, w: u16, h: u16) {
    outturn::tui::handle(app, conn, outturn::tui::action::Action::Resize(w, h));
}

#[test]
fn below_80_by_24_keys_reach_nothing_hidden_and_q_quits() {
    // A form open (an actual being added, with something typed).
    let (mut app, mut conn) = demo_app(80, 24);
    show(&mut app, &mut conn, Screen::Actuals);
    ch(&mut app, &mut conn, 'n');
    typed(&mut app, &mut conn, "01/08/2022");
    let _ = too_small_then_q(app, conn, "form");
    // The movement view.
    let (mut app, mut conn) = demo_app(80, 24);
    show(&mut app, &mut conn, Screen::Report);
    ch(&mut app, &mut conn, 'M');
    let _ = too_small_then_q(app, conn, "movement");
    // The Financing view.
    let (app, conn) = financing(80, 24);
    let _ = too_small_then_q(app, conn, "financing");
    // A confirmation (delete an actual?) open: y does not delete.
    let (mut app, mut conn) = demo_app(80, 24);
    show(&mut app, &mut conn, Screen::Actuals);
    ch(&mut app, &mut conn, 'd');
    assert!(matches!(app.mode, Mode::Confirm { .. }));
    let count = |c: &Connection| -> i64 {
        c.query_row("SELECT COUNT(*) FROM actual", [], |r| r.get(0))
            .unwrap()
    };
    let n = count(&conn);
    let conn = too_small_then_q(app, conn, "confirm");
    assert_eq!(count(&conn), n);
    // Typing that reaches the app some other way goes nowhere either.
    let (mut app, mut conn) = demo_app(80, 24);
    show(&mut app, &mut conn, Screen::Actuals);
    ch(&mut app, &mut conn, 'n');
    handle_resize(&mut app, &mut conn, 80, 23);
    let before = format!("{:?}", app.mode);
    outturn::tui::handle(
        &mut app,
        &mut conn,
        outturn::tui::action::Action::Input('7'),
    );
    assert_eq!(format!("{:?}", app.mode), before);
    // Ctrl-C quits too, with a form open.
    let (mut app, mut conn) = demo_app(80, 24);
    show(&mut app, &mut conn, Screen::Actuals);
    ch(&mut app, &mut conn, 'n');
    handle_resize(&mut app, &mut conn, 79, 23);
    key_with(
        &mut app,
        &mut conn,
        KeyCode::Char('c'),
        KeyModifiers::CONTROL,
    );
    assert!(app.quit);
    insta::assert_snapshot!("too_small_form_79x23", screen_text(&app, 79, 23));
}

#[test]
fn a_key_bound_nowhere_is_unbound() {
    let ev = crossterm::event::KeyEvent::new(KeyCode::Char('z'), KeyModifiers::NONE);
    assert_eq!(
        keymap::command_for(Context::Screen(Screen::Dashboard), &ev),
        None
    );
    let (app, _c) = demo_app(80, 24);
    assert!(matches!(
        keymap::action_for_key(&app, &ev),
        Some(outturn::tui::action::Action::Command(Command::Unbound))
    ));
}

/// The guide's key list (docs/tui.md): a row per binding, in the help's words (`| keys | what | where |`).
fn readme_key_table() -> String {
    let mut out = String::from("| Keys | What they do | Where |\n|---|---|---|\n");
    for (k, h, s) in keymap::key_list() {
        out.push_str(&format!("| `{k}` | {h} | {s} |\n"));
    }
    out
}

#[test]
fn the_guide_lists_every_key_once_in_the_words_of_the_help() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/tui.md")).unwrap();
    let table = readme_key_table();
    assert!(
        readme.contains(&table),
        "the key list of docs/tui.md differs from the bindings; it should read:\n{table}"
    );
    assert_eq!(readme.matches(&table).count(), 1);
    // Each binding once in it (with where it works: ↑/k moves in lists and in the movement view).
    for (k, h, s) in keymap::key_list() {
        let row = format!("| `{k}` | {h} | {s} |\n");
        assert_eq!(table.matches(&row).count(), 1, "{row}");
    }
}

/// Issue 23 item 13: a status message longer than the screen is wrapped, not cut, at 80 and at
/// 140 columns: `u` with nothing to undo says which changes it undoes, to the last word.
#[test]
fn a_long_status_message_is_wrapped_whole() {
    for (w, h) in [(80u16, 24u16), (140, 40)] {
        let (mut app, mut conn) = demo_app(w, h);
        key(&mut app, &mut conn, KeyCode::Char('u'));
        let said = app.status.as_ref().unwrap().text.clone();
        assert!(said.chars().count() > w as usize, "{said}");
        let text = screen_text(&app, w, h);
        // Every word of it is on the screen, in order, across the lines it takes.
        let shown: String = text
            .lines()
            .skip_while(|l| !l.starts_with(" Nothing to undo"))
            .take_while(|l| !l.trim().is_empty() && !l.contains("? help"))
            .map(str::trim)
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(shown, said, "{text}");
        insta::assert_snapshot!(format!("status_wrapped_{w}x{h}"), text);
    }
}
