//! The one table of key bindings ([`BINDINGS`]) and its vocabulary: what a key is, where a
//! binding applies, what it asks for and what the help says. the keymap module turns key presses
//! into actions with it and generates the help and the footer from it.

use crossterm::event::KeyCode;

use super::action::records::RecordKey;
use super::action::{Command, Screen, View};
use super::line_edit::Edit;

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// On every screen (no popup open).
    Everywhere,
    /// On these screens only, in any of their views.
    On(&'static [Screen]),
    /// On these screens' main views only (not in their Financing, frameworks or phase view).
    Main(&'static [Screen]),
    /// In these views only.
    In(&'static [View]),
    /// In a form (typing goes into the field).
    Form,
    /// In a popup (help, message, confirmation, import errors).
    Popup,
    /// In the movement view over the Report screen (global keys apply too, unless shadowed).
    Movement,
}

/// One key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    /// The key.
    pub code: KeyCode,
    /// Ctrl held (Shift is ignored for characters: `G` and `?` arrive with it on some terminals).
    pub ctrl: bool,
}

const fn k(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: false,
    }
}

const fn code(code: KeyCode) -> Key {
    Key { code, ctrl: false }
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: true,
    }
}

/// One binding: its keys, what they do, the help text, where they apply, and whether the footer
/// shows it.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    /// The keys (the first is the one shown first).
    pub keys: &'static [Key],
    /// What they ask for.
    pub command: Command,
    /// What the help and footer say.
    pub help: &'static str,
    /// Where the binding applies.
    pub scope: Scope,
    /// Shown in the footer.
    pub footer: bool,
}

const fn b(
    keys: &'static [Key],
    command: Command,
    help: &'static str,
    scope: Scope,
    footer: bool,
) -> Binding {
    Binding {
        keys,
        command,
        help,
        scope,
        footer,
    }
}

use Screen as S;

const LISTS: &[Screen] = &[
    S::Dashboard,
    S::Programmes,
    S::Decisions,
    S::Budget,
    S::Contracts,
    S::Actuals,
    S::Report,
    S::Audit,
];

/// The lists that sort (`s`) and export (`x`).
const SORTED: &[Screen] = &[
    S::Programmes,
    S::Decisions,
    S::Budget,
    S::Contracts,
    S::Actuals,
    S::Report,
    S::Audit,
];

/// Every binding. Screen-specific bindings come before global ones with the same key.
pub static BINDINGS: &[Binding] = &[
    // Forms.
    b(
        &[code(KeyCode::Enter)],
        Command::Submit,
        "save / confirm",
        Scope::Form,
        true,
    ),
    b(
        &[code(KeyCode::Esc)],
        Command::Cancel,
        "cancel (nothing is saved)",
        Scope::Form,
        true,
    ),
    b(
        &[code(KeyCode::Tab), code(KeyCode::Down)],
        Command::NextField,
        "next field (in a file path: completes it first)",
        Scope::Form,
        true,
    ),
    b(
        &[code(KeyCode::BackTab), code(KeyCode::Up)],
        Command::PrevField,
        "previous field",
        Scope::Form,
        false,
    ),
    b(
        &[code(KeyCode::Backspace)],
        Command::Line(Edit::Backspace),
        "erase the character before the cursor",
        Scope::Form,
        false,
    ),
    b(
        &[code(KeyCode::Delete)],
        Command::Line(Edit::Delete),
        "erase the character at the cursor",
        Scope::Form,
        false,
    ),
    b(
        &[code(KeyCode::Left)],
        Command::Line(Edit::Left),
        "cursor left (then typing inserts)",
        Scope::Form,
        false,
    ),
    b(
        &[code(KeyCode::Right)],
        Command::Line(Edit::Right),
        "cursor right",
        Scope::Form,
        false,
    ),
    b(
        &[code(KeyCode::Home), ctrl('a')],
        Command::Line(Edit::Home),
        "cursor to the start",
        Scope::Form,
        false,
    ),
    b(
        &[code(KeyCode::End), ctrl('e')],
        Command::Line(Edit::End),
        "cursor to the end",
        Scope::Form,
        false,
    ),
    b(
        &[ctrl('u')],
        Command::Line(Edit::KillToStart),
        "erase to the start of the field",
        Scope::Form,
        false,
    ),
    b(
        &[ctrl('w')],
        Command::Line(Edit::KillWord),
        "erase the word before the cursor",
        Scope::Form,
        false,
    ),
    // Popups.
    b(
        &[k('y'), code(KeyCode::Enter)],
        Command::Submit,
        "yes / confirm",
        Scope::Popup,
        true,
    ),
    b(
        &[code(KeyCode::Esc), k('n'), k('q'), k('?')],
        Command::Cancel,
        "close / no",
        Scope::Popup,
        true,
    ),
    b(
        &[code(KeyCode::Up), k('k')],
        Command::Up,
        "scroll up / down",
        Scope::Popup,
        true,
    ),
    b(
        &[code(KeyCode::Down), k('j')],
        Command::Down,
        "scroll down",
        Scope::Popup,
        false,
    ),
    // Screen actions.
    b(
        &[code(KeyCode::Enter)],
        Command::Open,
        "open the phase",
        Scope::On(&[S::Programmes]),
        true,
    ),
    b(
        &[code(KeyCode::Enter)],
        Command::Open,
        "open what is behind the cell (actuals, contracts, changes)",
        Scope::On(&[S::Report]),
        true,
    ),
    b(
        &[code(KeyCode::Esc)],
        Command::Back,
        "show every phase again (after Enter on a report row)",
        Scope::On(&[S::Contracts, S::Budget]),
        false,
    ),
    b(
        &[k('x')],
        Command::Export,
        "export the CSV",
        Scope::On(&[S::Report]),
        true,
    ),
    b(
        &[k('M')],
        Command::Movement,
        "movement since the last report, by cause (the bridge)",
        Scope::On(&[S::Report]),
        true,
    ),
    b(
        &[code(KeyCode::Esc), k('M')],
        Command::Movement,
        "back to the report",
        Scope::Movement,
        true,
    ),
    b(
        &[k('['), k(']')],
        Command::FromEarlier,
        "bridge from an earlier / a later report (< > move the period shown)",
        Scope::Movement,
        true,
    ),
    b(
        &[code(KeyCode::Up), k('k')],
        Command::Up,
        "move up",
        Scope::Movement,
        true,
    ),
    b(
        &[code(KeyCode::Down), k('j')],
        Command::Down,
        "move down",
        Scope::Movement,
        false,
    ),
    b(
        &[code(KeyCode::Home), k('g')],
        Command::Top,
        "first row",
        Scope::Movement,
        false,
    ),
    b(
        &[code(KeyCode::End), k('G')],
        Command::Bottom,
        "last row (the grand total)",
        Scope::Movement,
        false,
    ),
    b(
        &[code(KeyCode::Left), k('h')],
        Command::Left,
        "scroll the causes left",
        Scope::Movement,
        true,
    ),
    b(
        &[code(KeyCode::Right), k('l')],
        Command::Right,
        "scroll the causes right",
        Scope::Movement,
        false,
    ),
    b(
        &[k('s')],
        Command::Sort,
        "sort by the next column (Report: by the selected column)",
        Scope::Main(SORTED),
        true,
    ),
    b(
        &[k('x')],
        Command::Export,
        "export the list as shown (filter, order, every row) to CSV",
        Scope::Main(SORTED),
        true,
    ),
    b(
        &[k('S')],
        Command::SortReverse,
        "reverse the sort",
        Scope::Main(SORTED),
        false,
    ),
    b(
        &[k('c')],
        Command::ToggleCells,
        "exact CSV cells / money as read",
        Scope::On(&[S::Report]),
        true,
    ),
    b(
        &[k('f')],
        Command::Forecast,
        "enter a forecast outturn for the phase",
        Scope::On(&[S::Report, S::Programmes]),
        true,
    ),
    b(
        &[k('b')],
        Command::Batches,
        "import batches: undo one",
        Scope::On(&[S::Actuals]),
        true,
    ),
    b(
        &[code(KeyCode::Left), k('h')],
        Command::Left,
        "scroll columns left",
        Scope::On(&[S::Report]),
        true,
    ),
    b(
        &[code(KeyCode::Right), k('l')],
        Command::Right,
        "scroll columns right",
        Scope::On(&[S::Report]),
        false,
    ),
    b(
        &[k('/')],
        Command::Filter,
        "filter (year, period, phase, supplier, text)",
        Scope::On(&[S::Actuals]),
        true,
    ),
    b(
        &[k('J')],
        Command::AlertsDown,
        "scroll the alerts down",
        Scope::On(&[S::Dashboard]),
        true,
    ),
    b(
        &[k('K')],
        Command::AlertsUp,
        "scroll the alerts up",
        Scope::On(&[S::Dashboard]),
        false,
    ),
    b(
        &[k('/')],
        Command::Filter,
        "filter (record kind, user, dates)",
        Scope::On(&[S::Audit]),
        true,
    ),
    b(
        &[k('$')],
        Command::ToggleFinancing,
        "Financing view of the year (funding lines, gap, applied by source) / back to the changes",
        Scope::On(&[S::Budget]),
        true,
    ),
    b(
        &[k('n')],
        Command::Add,
        "add a funding line",
        Scope::In(&[View::Financing]),
        true,
    ),
    b(
        &[k('e')],
        Command::Edit,
        "edit the selected funding line",
        Scope::In(&[View::Financing]),
        true,
    ),
    b(
        &[k('w')],
        Command::WithdrawChange,
        "withdraw the selected funding line (asks first)",
        Scope::In(&[View::Financing]),
        true,
    ),
    b(
        &[code(KeyCode::Left), k('h'), code(KeyCode::Right), k('l')],
        Command::Records(RecordKey::Pane),
        "switch between the changes and the allocations (the cursor's list)",
        Scope::Main(&[S::Budget]),
        true,
    ),
    b(
        &[k('n')],
        Command::Add,
        "add an actual",
        Scope::On(&[S::Actuals]),
        true,
    ),
    b(
        &[k('n')],
        Command::Add,
        "add an allocation",
        Scope::Main(&[S::Budget]),
        true,
    ),
    b(
        &[k('e'), code(KeyCode::Enter)],
        Command::Edit,
        "edit the actual",
        Scope::On(&[S::Actuals]),
        true,
    ),
    b(
        &[k('d')],
        Command::Delete,
        "delete the actual",
        Scope::On(&[S::Actuals]),
        true,
    ),
    b(
        &[k('i')],
        Command::Import,
        "import a ledger CSV",
        Scope::On(&[S::Actuals]),
        true,
    ),
    b(
        &[k('a')],
        Command::Approve,
        "approve the proposed change (decision)",
        Scope::Main(&[S::Budget]),
        true,
    ),
    b(
        &[k('r')],
        Command::Reject,
        "reject the proposed change (decision)",
        Scope::Main(&[S::Budget]),
        true,
    ),
    b(
        &[k('p')],
        Command::Reprofile,
        "reprofile between years",
        Scope::Main(&[S::Budget]),
        true,
    ),
    b(
        &[k('v')],
        Command::Vire,
        "vire between phases",
        Scope::Main(&[S::Budget]),
        true,
    ),
    b(
        &[k('A')],
        Command::ApproveAllocation,
        "approve a projected allocation (decision, date)",
        Scope::Main(&[S::Budget]),
        false,
    ),
    b(
        &[k('W')],
        Command::WithdrawAllocation,
        "withdraw a projected allocation (reason)",
        Scope::Main(&[S::Budget]),
        false,
    ),
    b(
        &[k('m')],
        Command::AmendChange,
        "amend the proposed change (amount, date, reason)",
        Scope::Main(&[S::Budget]),
        false,
    ),
    b(
        &[k('w')],
        Command::WithdrawChange,
        "withdraw the proposed change (reason)",
        Scope::Main(&[S::Budget]),
        false,
    ),
    b(
        &[k('o')],
        Command::Comment,
        "add or change the phase's variance comment for the period",
        Scope::On(&[S::Report]),
        false,
    ),
    b(
        &[k('O')],
        Command::CarryComments,
        "carry the previous period's comments forward to the period shown",
        Scope::On(&[S::Report]),
        false,
    ),
    b(
        &[k('F')],
        Command::WithdrawForecast,
        "withdraw the phase's standing forecast (reason)",
        Scope::On(&[S::Report, S::Programmes]),
        false,
    ),
    b(
        &[k('v')],
        Command::VaryContract,
        "vary the contract's value (new value, month, decision)",
        Scope::Main(&[S::Contracts]),
        true,
    ),
    b(
        &[k('e')],
        Command::Exercise,
        "exercise an extension option (value, decision, date)",
        Scope::Main(&[S::Contracts]),
        true,
    ),
    // Programmes, phases, decisions, frameworks, contracts, milestones, benefits (app_records).
    b(
        &[k('n')],
        Command::Add,
        "add a phase to the selected programme",
        Scope::On(&[S::Programmes]),
        true,
    ),
    b(
        &[k('n')],
        Command::Add,
        "add a decision",
        Scope::On(&[S::Decisions]),
        true,
    ),
    b(
        &[k('n')],
        Command::Add,
        "add a contract",
        Scope::Main(&[S::Contracts]),
        true,
    ),
    b(
        &[k('n')],
        Command::Add,
        "add a framework",
        Scope::In(&[View::Frameworks]),
        true,
    ),
    b(
        &[k('e')],
        Command::Edit,
        "edit the selected framework",
        Scope::In(&[View::Frameworks]),
        true,
    ),
    b(
        &[k('N')],
        Command::Records(RecordKey::AddOther),
        "add a programme (Phases) / a framework (Contracts)",
        Scope::On(&[S::Programmes, S::Contracts]),
        false,
    ),
    b(
        &[k('e')],
        Command::Edit,
        "edit the selected programme, phase or decision",
        Scope::On(&[S::Programmes, S::Decisions]),
        true,
    ),
    b(
        &[k('E')],
        Command::Records(RecordKey::EditItem),
        "edit the selected contract (the framework while they are shown)",
        Scope::On(&[S::Contracts]),
        true,
    ),
    b(
        &[k('d')],
        Command::Delete,
        "delete the selected row (asks first; refused while records refer to it)",
        Scope::On(&[S::Programmes, S::Decisions, S::Contracts]),
        true,
    ),
    b(
        &[k('J')],
        Command::Records(RecordKey::NextItem),
        "select the next milestone or benefit of the open phase",
        Scope::In(&[View::Phase]),
        true,
    ),
    b(
        &[k('K')],
        Command::Records(RecordKey::PrevItem),
        "select the previous milestone or benefit of the open phase",
        Scope::In(&[View::Phase]),
        false,
    ),
    b(
        &[k('m')],
        Command::Records(RecordKey::AddMilestone),
        "add a milestone to the open phase",
        Scope::In(&[View::Phase]),
        true,
    ),
    b(
        &[k('b')],
        Command::Records(RecordKey::AddBenefit),
        "add a benefit to the open phase",
        Scope::In(&[View::Phase]),
        true,
    ),
    b(
        &[k('E')],
        Command::Records(RecordKey::EditItem),
        "edit the selected milestone or benefit",
        Scope::In(&[View::Phase]),
        true,
    ),
    b(
        &[k('c')],
        Command::Records(RecordKey::Complete),
        "complete the selected milestone (actual date)",
        Scope::In(&[View::Phase]),
        true,
    ),
    b(
        &[k('r')],
        Command::Records(RecordKey::Realise),
        "enter what the selected benefit realised (year, period, amounts)",
        Scope::In(&[View::Phase]),
        true,
    ),
    b(
        &[k('W')],
        Command::Records(RecordKey::WithdrawBenefit),
        "withdraw the selected benefit (asks first)",
        Scope::In(&[View::Phase]),
        true,
    ),
    b(
        &[code(KeyCode::Esc)],
        Command::Back,
        "close the phase view",
        Scope::In(&[View::Phase]),
        true,
    ),
    b(
        &[k('t')],
        Command::Records(RecordKey::Frameworks),
        "show the frameworks / the contracts",
        Scope::On(&[S::Contracts]),
        true,
    ),
    // Everywhere.
    b(
        &[code(KeyCode::Up), k('k')],
        Command::Up,
        "move up",
        Scope::On(LISTS),
        true,
    ),
    b(
        &[code(KeyCode::Down), k('j')],
        Command::Down,
        "move down",
        Scope::On(LISTS),
        false,
    ),
    b(
        &[code(KeyCode::PageUp), ctrl('u')],
        Command::PageUp,
        "page up",
        Scope::On(LISTS),
        false,
    ),
    b(
        &[code(KeyCode::PageDown), ctrl('d')],
        Command::PageDown,
        "page down",
        Scope::On(LISTS),
        false,
    ),
    b(
        &[code(KeyCode::Home), k('g')],
        Command::Top,
        "first row",
        Scope::On(LISTS),
        false,
    ),
    b(
        &[code(KeyCode::End), k('G')],
        Command::Bottom,
        "last row",
        Scope::On(LISTS),
        false,
    ),
    b(
        &[k('['), k(']')],
        Command::PrevYear,
        "previous / next financial year",
        Scope::Everywhere,
        true,
    ),
    b(
        &[k('<'), k('>')],
        Command::PrevPeriod,
        "previous / next period",
        Scope::Everywhere,
        true,
    ),
    b(
        &[code(KeyCode::Tab), code(KeyCode::BackTab)],
        Command::NextScreen,
        "next / previous screen (or 1-8)",
        Scope::Everywhere,
        true,
    ),
    b(
        &[k('C')],
        Command::ClosePeriod,
        "close the period shown (after a question)",
        Scope::Everywhere,
        false,
    ),
    b(
        &[k('R')],
        Command::ReopenPeriod,
        "reopen the period shown (with a reason)",
        Scope::Everywhere,
        false,
    ),
    b(
        &[k('u')],
        Command::Undo,
        "undo your last change (where safe)",
        Scope::Everywhere,
        false,
    ),
    b(
        &[k('?')],
        Command::Help,
        "help: every key",
        Scope::Everywhere,
        true,
    ),
    b(
        &[k('q'), ctrl('c')],
        Command::Quit,
        "quit",
        Scope::Everywhere,
        true,
    ),
];
