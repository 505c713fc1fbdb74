//! Turning a key press into an [`Action`] with the one table of key bindings
//! ([`super::bindings::BINDINGS`]), and the `?` help and the footer generated from the same
//! table, so the keys a person reads about are the keys that work. It changes no state.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// The context a key arrives in, part of this module's interface ([`footer`] takes one).
pub use super::action::Context;
use super::action::{Action, Command, Screen};
use super::app::{App, Mode};
pub use super::bindings::{BINDINGS, Binding, Key, Scope};

/// Keys whose second entry means the opposite command (shown as one binding).
fn paired(command: Command, index: usize) -> Command {
    match (command, index) {
        (Command::PrevYear, 1) => Command::NextYear,
        (Command::PrevPeriod, 1) => Command::NextPeriod,
        (Command::NextScreen, 1) => Command::PrevScreen,
        (Command::FromEarlier, 1) => Command::FromLater,
        (c, _) => c,
    }
}

fn applies(scope: Scope, ctx: Context) -> bool {
    match (scope, ctx) {
        (Scope::Everywhere, Context::Screen(_) | Context::Movement) => true,
        (Scope::Movement, Context::Movement) => true,
        (Scope::On(list), Context::Screen(s)) => list.contains(&s),
        (Scope::Form, Context::Form) => true,
        (Scope::Popup, Context::Popup) => true,
        _ => false,
    }
}

fn matches(key: &Key, ev: &KeyEvent) -> bool {
    let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
    match (key.code, ev.code) {
        (KeyCode::Char(a), KeyCode::Char(b)) => a == b && key.ctrl == ctrl,
        (a, b) => a == b && key.ctrl == ctrl,
    }
}

/// The command a key asks for in a context.
pub fn command_for(ctx: Context, ev: &KeyEvent) -> Option<Command> {
    for binding in BINDINGS.iter().filter(|b| applies(b.scope, ctx)) {
        if let Some(i) = binding.keys.iter().position(|k| matches(k, ev)) {
            return Some(paired(binding.command, i));
        }
    }
    if let Context::Screen(_) | Context::Movement = ctx
        && let KeyCode::Char(c @ '1'..='8') = ev.code
    {
        let n = c as usize - '1' as usize;
        return Some(Command::Show(Screen::ALL[n]));
    }
    None
}

/// The action for a key press in the app's current state (typing in a form becomes input).
pub fn action_for_key(app: &App, ev: &KeyEvent) -> Option<Action> {
    if ev.kind == KeyEventKind::Release {
        return None;
    }
    if app.too_small() {
        // Only the size message is drawn: q (or Ctrl-C) quits, even with a form open.
        let quit = matches!(ev.code, KeyCode::Char('q'))
            || (ev.code == KeyCode::Char('c') && ev.modifiers.contains(KeyModifiers::CONTROL));
        return quit.then_some(Action::Command(Command::Quit));
    }
    let ctx = app.context();
    if let Some(c) = command_for(ctx, ev) {
        return Some(Action::Command(c));
    }
    if let (Context::Form, KeyCode::Char(c)) = (ctx, ev.code)
        && !ev.modifiers.contains(KeyModifiers::CONTROL)
        && matches!(app.mode, Mode::Form(_))
    {
        return Some(Action::Input(c));
    }
    None
}

/// How a key is written in the help and footer.
pub fn key_label(key: &Key) -> String {
    let base = match key.code {
        KeyCode::Char(' ') => "Space".to_string(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        KeyCode::Left => "←".into(),
        KeyCode::Right => "→".into(),
        KeyCode::Enter => "Enter".into(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::BackTab => "S-Tab".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::PageDown => "PgDn".into(),
        KeyCode::Home => "Home".into(),
        KeyCode::End => "End".into(),
        KeyCode::Backspace => "Bksp".into(),
        KeyCode::Delete => "Del".into(),
        other => format!("{other:?}"),
    };
    if key.ctrl { format!("^{base}") } else { base }
}

/// All of a binding's keys, `↑/k`.
pub fn keys_label(b: &Binding) -> String {
    b.keys.iter().map(key_label).collect::<Vec<_>>().join("/")
}

/// The footer for a context: the first key of each footer binding and a short help.
pub fn footer(ctx: Context) -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> = Vec::new();
    let mut claimed: Vec<Key> = Vec::new();
    for b in BINDINGS.iter().filter(|b| applies(b.scope, ctx)) {
        // A binding whose keys an earlier one here takes (the year keys in the movement view)
        // does not work here: it is not shown.
        let shadowed = b.keys.iter().all(|k| claimed.contains(k));
        claimed.extend(b.keys.iter().copied());
        if !b.footer || shadowed {
            continue;
        }
        // Up and Down share one footer entry.
        let keys = match b.command {
            Command::Up => "↑↓".to_string(),
            Command::PrevYear | Command::PrevPeriod | Command::FromEarlier => {
                keys_label(b).replace('/', "")
            }
            Command::AlertsDown => "JK".to_string(),
            _ => key_label(&b.keys[0]),
        };
        let help = match b.command {
            Command::Up => "move",
            Command::PrevYear => "year",
            Command::PrevPeriod => "period",
            Command::NextScreen => "screen",
            Command::Help => "help",
            Command::Open if ctx == Context::Screen(Screen::Report) => "open",
            Command::ToggleCells => "CSV cells",
            Command::AlertsDown => "alerts",
            Command::Movement if ctx == Context::Movement => "report",
            Command::Movement => "movement",
            Command::FromEarlier => "from",
            Command::NextField => "next field",
            Command::Left if ctx == Context::Movement => "causes",
            Command::Batches => "batches",
            Command::Forecast => "forecast",
            Command::Export => "export",
            Command::VaryContract => "vary",
            Command::ToggleFinancing => "financing",
            _ => b.help,
        };
        out.push((keys, help));
    }
    out
}

/// The help text: every binding, grouped by where it applies.
pub fn help_lines() -> Vec<(String, String, String)> {
    BINDINGS
        .iter()
        .map(|b| {
            let scope = match b.scope {
                Scope::Everywhere => "everywhere".to_string(),
                Scope::On(list) if list.len() == Screen::ALL.len() => "every screen".to_string(),
                Scope::On(list) => list
                    .iter()
                    .map(|s| s.title())
                    .collect::<Vec<_>>()
                    .join(", "),
                Scope::Form => "in a form".to_string(),
                Scope::Popup => "in a popup".to_string(),
                Scope::Movement => "movement view (M on Report)".to_string(),
            };
            (keys_label(b), b.help.to_string(), scope)
        })
        .chain(std::iter::once((
            "1-8".to_string(),
            "go to a screen".to_string(),
            "everywhere".to_string(),
        )))
        .collect()
}
