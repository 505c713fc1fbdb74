//! Turning a key press into an [`Action`] with the one table of key bindings
//! ([`super::bindings::BINDINGS`]), and the `?` help and the footer generated from the same
//! table, so the keys a person reads about are the keys that work. It changes no state.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// The context a key arrives in, part of this module's interface ([`footer`] takes one).
pub use super::action::Context;
use super::action::{Action, Command, Screen, View};
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

/// The views, for finding the keys of a screen's other views.
const VIEWS: [View; 3] = [View::Financing, View::Frameworks, View::Phase];

/// True when a view replaces its screen's own keys (the Financing view, the frameworks); the
/// phase view adds to the Phases screen's keys, the tree staying on screen.
fn replaces(v: View) -> bool {
    v != View::Phase
}

fn applies(scope: Scope, ctx: Context) -> bool {
    match (scope, ctx) {
        (Scope::Everywhere, Context::Screen(_) | Context::View(_) | Context::Movement) => true,
        (Scope::Movement, Context::Movement) => true,
        (Scope::On(list) | Scope::Main(list), Context::Screen(s)) => list.contains(&s),
        (Scope::On(list), Context::View(v)) => list.contains(&v.screen()),
        (Scope::Main(list), Context::View(v)) => !replaces(v) && list.contains(&v.screen()),
        (Scope::In(views), Context::View(v)) => views.contains(&v),
        (Scope::Form, Context::Form) => true,
        (Scope::Popup, Context::Popup) => true,
        _ => false,
    }
}

/// The other views of the screen a context shows (its main view counts as one).
fn siblings(ctx: Context) -> Vec<Context> {
    let screen = match ctx {
        Context::Screen(s) => s,
        Context::View(v) => v.screen(),
        _ => return vec![],
    };
    std::iter::once(Context::Screen(screen))
        .chain(
            VIEWS
                .iter()
                .filter(|v| v.screen() == screen)
                .map(|v| Context::View(*v)),
        )
        .filter(|c| *c != ctx)
        .collect()
}

/// What a key bound only to another view of the screen says when pressed here (None: nothing).
fn elsewhere(ctx: Context, c: Command) -> Option<&'static str> {
    use super::action::records::RecordKey as K;
    Some(match (ctx, c) {
        (Context::View(View::Financing), _) => {
            "That key acts on allocations and changes: press $ to show them"
        }
        (Context::Screen(Screen::Budget), Command::Edit) => {
            "e edits a funding line: press $ for the Financing view"
        }
        (Context::Screen(Screen::Budget), _) => {
            "That key acts on a funding line: press $ for the Financing view"
        }
        (Context::View(View::Frameworks), Command::VaryContract) => {
            "Press t to show the contracts, then v varies the selected one"
        }
        (Context::View(View::Frameworks), _) => {
            "That key acts on the contracts: press t to show them"
        }
        (Context::Screen(Screen::Programmes), Command::Back) => return None,
        (Context::Screen(Screen::Programmes), Command::Records(K::NextItem | K::PrevItem)) => {
            "Open a phase with milestones or benefits (Enter) to select one"
        }
        (Context::Screen(Screen::Programmes), _) => {
            "Open a phase first (Enter on it): its milestones and benefits are in the phase view"
        }
        _ => return None,
    })
}

fn matches(key: &Key, ev: &KeyEvent) -> bool {
    let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
    match (key.code, ev.code) {
        (KeyCode::Char(a), KeyCode::Char(b)) => a == b && key.ctrl == ctrl,
        (a, b) => a == b && key.ctrl == ctrl,
    }
}

/// The command a key asks for in a context. A key bound only to another view of the screen
/// does not act: it asks for [`Command::Elsewhere`] (the message saying where it works) or
/// [`Command::Unbound`].
pub fn command_for(ctx: Context, ev: &KeyEvent) -> Option<Command> {
    if let Some(c) = bound(ctx, ev) {
        return Some(c);
    }
    if let Context::Screen(_) | Context::View(_) | Context::Movement = ctx
        && let KeyCode::Char(c @ '1'..='8') = ev.code
    {
        let n = c as usize - '1' as usize;
        return Some(Command::Show(Screen::ALL[n]));
    }
    let other = siblings(ctx).into_iter().find_map(|s| bound(s, ev))?;
    Some(elsewhere(ctx, other).map_or(Command::Unbound, Command::Elsewhere))
}

/// The command of the binding for a key in a context, if one applies there.
fn bound(ctx: Context, ev: &KeyEvent) -> Option<Command> {
    BINDINGS
        .iter()
        .filter(|b| applies(b.scope, ctx))
        .find_map(|b| {
            let i = b.keys.iter().position(|k| matches(k, ev))?;
            Some(paired(b.command, i))
        })
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
    // A key that does nothing still clears the status line.
    Some(Action::Command(Command::Unbound))
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

/// The bindings that work in a context, in table order: one whose keys an earlier one takes
/// (the year keys in the movement view) does not work there and is left out.
fn working(ctx: Context) -> Vec<&'static Binding> {
    let mut out = Vec::new();
    let mut claimed: Vec<Key> = Vec::new();
    for b in BINDINGS.iter().filter(|b| applies(b.scope, ctx)) {
        let shadowed = b.keys.iter().all(|k| claimed.contains(k));
        claimed.extend(b.keys.iter().copied());
        if !shadowed {
            out.push(b);
        }
    }
    out
}

/// Where a binding comes in the footer: the view's own keys, then the screen's, then sort and
/// export, then the keys of every screen (`? help` and `q quit` are kept whatever the width).
fn footer_rank(b: &Binding) -> u8 {
    match (b.scope, b.command) {
        (Scope::In(_) | Scope::Movement | Scope::Form | Scope::Popup, _) => 0,
        (_, Command::Sort | Command::SortReverse) => 2,
        (Scope::Main(list), Command::Export) if list.len() > 1 => 2,
        (Scope::Everywhere, _) => 3,
        (Scope::On(list), _) if list.len() == Screen::ALL.len() => 3,
        _ => 1,
    }
}

/// The footer's keys for a binding: its first key, or the pair (`↑↓`, `[]`, `JK`).
fn footer_keys(b: &Binding) -> String {
    use super::action::records::RecordKey as K;
    match b.command {
        Command::Up => "↑↓".to_string(),
        Command::PrevYear | Command::PrevPeriod | Command::FromEarlier => {
            keys_label(b).replace('/', "")
        }
        Command::AlertsDown | Command::Records(K::NextItem) => "JK".to_string(),
        Command::Records(K::Pane) | Command::Left => "←→".to_string(),
        _ => key_label(&b.keys[0]),
    }
}

/// The footer's short word for a binding in a context (the help has the full text).
fn footer_help(b: &Binding, ctx: Context) -> &'static str {
    use super::action::records::RecordKey as K;
    match b.command {
        Command::Up => "move",
        Command::PrevYear => "year",
        Command::PrevPeriod => "period",
        Command::NextScreen => "screen",
        Command::Help => "help",
        Command::Open => "open",
        Command::Back if ctx == Context::View(View::Phase) => "close",
        Command::ToggleCells => "CSV cells",
        Command::AlertsDown => "alerts",
        Command::Movement if ctx == Context::Movement => "report",
        Command::Movement => "movement",
        Command::FromEarlier => "from",
        Command::NextField => "next field",
        Command::Left if ctx == Context::Movement => "causes",
        Command::Left => "columns",
        Command::Batches => "batches",
        Command::Forecast => "forecast",
        Command::Export => "export",
        Command::Sort => "sort",
        Command::Filter => "filter",
        Command::Add => "add",
        Command::Edit => "edit",
        Command::Delete => "delete",
        Command::Import => "import",
        Command::Approve => "approve",
        Command::Reject => "reject",
        Command::Reprofile => "reprofile",
        Command::Vire => "vire",
        Command::Exercise => "exercise",
        Command::VaryContract => "vary",
        Command::WithdrawChange | Command::Records(K::WithdrawBenefit) => "withdraw",
        Command::ToggleFinancing if ctx == Context::View(View::Financing) => "back",
        Command::ToggleFinancing => "financing",
        Command::Records(K::Pane) => "switch list",
        Command::Records(K::Frameworks) if ctx == Context::View(View::Frameworks) => "contracts",
        Command::Records(K::Frameworks) => "frameworks",
        Command::Records(K::NextItem) => "select",
        Command::Records(K::AddMilestone) => "milestone",
        Command::Records(K::AddBenefit) => "benefit",
        Command::Records(K::EditItem) if ctx == Context::View(View::Phase) => "edit item",
        Command::Records(K::EditItem) => "edit",
        Command::Records(K::Complete) => "complete",
        Command::Records(K::Realise) => "realise",
        _ => b.help,
    }
}

/// The footer for a context: the keys that work there, the view's own first, each with a short
/// word (the drawing keeps what fits, always `? help` and `q quit`).
pub fn footer(ctx: Context) -> Vec<(String, &'static str)> {
    let mut shown: Vec<&Binding> = working(ctx).into_iter().filter(|b| b.footer).collect();
    shown.sort_by_key(|b| footer_rank(b));
    let mut out: Vec<(String, &'static str)> = Vec::new();
    for b in shown {
        let help = footer_help(b, ctx);
        // Two keys that do the same here (`e` and `E` on the frameworks) show once.
        if !out.iter().any(|(_, h)| *h == help) {
            out.push((footer_keys(b), help));
        }
    }
    out
}

/// Where a binding applies, as the help says it.
fn scope_label(scope: Scope) -> String {
    let titles = |list: &[Screen]| {
        list.iter()
            .map(|s| s.title())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match scope {
        Scope::Everywhere => "everywhere".to_string(),
        Scope::On(list) if list.len() == Screen::ALL.len() => "every screen".to_string(),
        Scope::On(list) => titles(list),
        Scope::Main(list) if list.len() > 1 => {
            "every list but the Financing view and the frameworks".to_string()
        }
        Scope::Main(list) => format!("{} (main view)", titles(list)),
        Scope::In(views) => views
            .iter()
            .map(|v| v.title())
            .collect::<Vec<_>>()
            .join(", "),
        Scope::Form => "in a form".to_string(),
        Scope::Popup => "in a popup".to_string(),
        Scope::Movement => "movement view (M on Report)".to_string(),
    }
}

/// How the help names the context it was opened in.
fn context_label(ctx: Context) -> String {
    match ctx {
        Context::Screen(s) => s.title().to_string(),
        Context::View(v) => v.title().to_string(),
        Context::Movement => "Report: movement view (M)".to_string(),
        Context::Form => "a form".to_string(),
        Context::Popup => "a popup".to_string(),
    }
}

/// Every binding in table order, then the number keys: (keys, what they do, where), the rows
/// the help and the README's key list show.
pub fn key_list() -> Vec<(String, String, String)> {
    BINDINGS
        .iter()
        .map(|b| (keys_label(b), b.help.to_string(), scope_label(b.scope)))
        .chain(std::iter::once(numbers()))
        .collect()
}

fn numbers() -> (String, String, String) {
    (
        "1-8".to_string(),
        "go to a screen".to_string(),
        "everywhere".to_string(),
    )
}

/// The help text for the context it was opened in: first the keys that work there, then every
/// other binding, each with where it applies. A heading row has empty keys.
pub fn help_lines(ctx: Context) -> Vec<(String, String, String)> {
    let mut here = working(ctx);
    here.sort_by_key(|b| footer_rank(b));
    let row = |b: &Binding| (keys_label(b), b.help.to_string(), scope_label(b.scope));
    let numbers = numbers();
    let mut out = vec![(
        String::new(),
        format!("Keys that work here ({})", context_label(ctx)),
        String::new(),
    )];
    out.extend(here.iter().map(|b| row(b)));
    let on_screen = matches!(
        ctx,
        Context::Screen(_) | Context::View(_) | Context::Movement
    );
    if on_screen {
        out.push(numbers.clone());
    }
    out.push((String::new(), String::new(), String::new()));
    out.push((String::new(), "Other keys".to_string(), String::new()));
    out.extend(
        BINDINGS
            .iter()
            .filter(|b| !here.iter().any(|h| std::ptr::eq(*h, *b)))
            .map(row),
    );
    if !on_screen {
        out.push(numbers);
    }
    out
}
