//! The TUI's vocabulary: the screens, the commands keys ask for, the actions that change the
//! state, and the effects (loads, writes, exports) an update asks the loop to run. A leaf: it
//! imports only the view data of [`super::state`] (itself a leaf), the domain and the operations'
//! types, never the app, the forms or the keymap.

use std::path::PathBuf;

/// The values of the record forms (kept with the operations they feed).
pub mod records {
    pub use crate::ops::records::*;
}

pub use crate::ops::step::{FundingLine, Step as WriteOp, UndoStep};

use super::line_edit::Edit;
use super::state::{BudgetData, ContractRow, Figures, PhaseDetail, Register, StartAt, Tree};
use crate::domain::model::Actual;
use crate::domain::report::ReportRow;
use crate::domain::{FinancialYear, Money, Period};
use crate::ops::types::{ActualFilter, ActualSort, AuditEvent, Batch, PageRequest};

/// The screens, in tab order (number keys 1 to 8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Screen {
    Dashboard,
    Programmes,
    Decisions,
    Budget,
    Contracts,
    Actuals,
    Report,
    Audit,
}

impl Screen {
    /// Every screen in tab order.
    pub const ALL: [Screen; 8] = [
        Screen::Dashboard,
        Screen::Programmes,
        Screen::Decisions,
        Screen::Budget,
        Screen::Contracts,
        Screen::Actuals,
        Screen::Report,
        Screen::Audit,
    ];

    /// The tab title, the same at every width (all eight fit 80 columns).
    pub fn title(self) -> &'static str {
        match self {
            Screen::Dashboard => "Dashboard",
            Screen::Programmes => "Phases",
            Screen::Decisions => "Decisions",
            Screen::Budget => "Budget",
            Screen::Contracts => "Contracts",
            Screen::Actuals => "Actuals",
            Screen::Report => "Report",
            Screen::Audit => "Audit",
        }
    }

    /// Position in the tab order, from 0.
    pub fn index(self) -> usize {
        Screen::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }

    /// The next screen (wrapping).
    pub fn next(self) -> Screen {
        Screen::ALL[(self.index() + 1) % Screen::ALL.len()]
    }

    /// The previous screen (wrapping).
    pub fn prev(self) -> Screen {
        Screen::ALL[(self.index() + Screen::ALL.len() - 1) % Screen::ALL.len()]
    }
}

/// What a bound key asks for. State changes happen only in `App::update`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Quit,
    Help,
    NextScreen,
    PrevScreen,
    Show(Screen),
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Open,
    Back,
    PrevYear,
    NextYear,
    PrevPeriod,
    NextPeriod,
    Filter,
    Export,
    Approve,
    Reject,
    Exercise,
    Add,
    Reprofile,
    Vire,
    Delete,
    Edit,
    Undo,
    Import,
    /// Enter a forecast outturn (Report row, phase view).
    Forecast,
    /// Close the period shown (after a question).
    ClosePeriod,
    /// Reopen the period shown (a form asks the reason).
    ReopenPeriod,
    /// Budget: approve a projected allocation (a form asks the decision and date).
    ApproveAllocation,
    /// Budget: withdraw a projected allocation (a form asks the reason).
    WithdrawAllocation,
    /// Budget: amend the selected proposed change.
    AmendChange,
    /// Budget: withdraw the selected proposed change (a form asks the reason).
    WithdrawChange,
    /// Contracts: vary the selected contract's value (a form asks the value and month).
    VaryContract,
    /// Report row: add or edit the variance comment for the phase, year and period.
    Comment,
    /// Report: carry the previous period's comments forward to the period shown.
    CarryComments,
    /// Report row, phase view: withdraw the standing forecast (a form asks the reason).
    WithdrawForecast,
    /// The import batches, to undo one.
    Batches,
    /// Report: the exact CSV cells, or money as the officer reads it.
    ToggleCells,
    /// Report: open (or close) the movement view, the bridge from the last report by cause.
    Movement,
    /// Movement view: bridge from an earlier / a later period.
    FromEarlier,
    FromLater,
    /// Lists: sort by the next column (`s`); the same column the other way (`S`).
    Sort,
    SortReverse,
    /// Budget: the Financing view of the year shown, or back to changes and allocations.
    ToggleFinancing,
    /// Dashboard: scroll the alerts panel one alert down / up.
    AlertsDown,
    AlertsUp,
    /// Adding, editing and deleting programmes, phases, decisions, frameworks, contracts,
    /// milestones and benefits ([`records`]).
    Records(records::RecordKey),
    // In a form or popup.
    NextField,
    PrevField,
    Submit,
    Cancel,
    /// Editing the focused field (cursor keys, Backspace, Delete, Ctrl-U, Ctrl-W).
    Line(Edit),
    /// A key bound to nothing here: it only clears the status line.
    Unbound,
    /// A key that works only in another view of the screen: the message says where.
    Elsewhere(&'static str),
}

/// A view of a screen with keys of its own (the keymap scopes bindings to it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// The Budget screen's Financing view (`$`): the funding lines instead of the changes.
    Financing,
    /// The Contracts screen's frameworks list (`t`) instead of the contracts.
    Frameworks,
    /// The phase view on the Phases screen (Enter on a phase): its milestones and benefits.
    Phase,
}

impl View {
    /// The screen the view belongs to.
    pub fn screen(self) -> Screen {
        match self {
            View::Financing => Screen::Budget,
            View::Frameworks => Screen::Contracts,
            View::Phase => Screen::Programmes,
        }
    }

    /// How the help names the view.
    pub fn title(self) -> &'static str {
        match self {
            View::Financing => "Budget: Financing view ($)",
            View::Frameworks => "Contracts: frameworks (t)",
            View::Phase => "Phases: phase view (Enter on a phase)",
        }
    }
}

/// The context a key press arrives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// A screen with nothing over it (its main view).
    Screen(Screen),
    /// A view of a screen with keys of its own, with nothing over it.
    View(View),
    /// The movement view is open over the Report screen.
    Movement,
    /// A form is open.
    Form,
    /// A popup is open.
    Popup,
}

/// Work for the loop: loads, writes, exports.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// The dashboard and report figures; None picks the default FY / period.
    LoadFigures {
        fy: Option<FinancialYear>,
        period: Option<Period>,
        /// Also the years with figures and the chart (every year's report): at start and after
        /// a change, not on every change of year.
        chart: bool,
    },
    LoadTree,
    LoadPhase {
        phase_id: i64,
        fy: FinancialYear,
        period: Period,
        /// The phase's report row when the figures for the year are already loaded.
        row: Option<Box<ReportRow>>,
    },
    LoadDecisions,
    LoadBudget {
        fy: FinancialYear,
        /// The period the Financing view applies spend to (None: the period to show of `fy`).
        period: Option<Period>,
    },
    LoadContracts,
    /// The frameworks (the Contracts screen's other list).
    LoadFrameworks,
    /// The audit trail, as the filter shows it.
    LoadAudit {
        shown: crate::domain::audit_words::AuditShown,
    },
    LoadBatches,
    /// The movement bridge of `fy` from `from` (None: the last report) to `to`.
    LoadMovement {
        fy: FinancialYear,
        from: Option<Period>,
        to: Period,
    },
    /// Complete the path typed in field `field` of the open form (Tab).
    CompletePath {
        field: usize,
        text: String,
    },
    /// Offer the saved import profile after `text` in field `field` of the import form (Tab).
    CompleteProfile {
        field: usize,
        text: String,
    },
    /// A page of actuals; `count` recounts the total first.
    LoadActuals {
        filter: ActualFilter,
        request: PageRequest,
        start: StartAt,
        count: bool,
    },
    /// Resolve a filter form (the phase code) and load the first page.
    ApplyFilter {
        fy: Option<FinancialYear>,
        period: Option<Period>,
        /// The last period of a range `period`..=`to_period`.
        to_period: Option<Period>,
        phase: String,
        contract: String,
        supplier: String,
        text: String,
        /// The order in force (a new filter keeps it).
        sort: ActualSort,
    },
    /// Write what a screen shows to `path` (through `OutputFile`); an existing file is replaced
    /// only when `replace` (else the officer is asked first).
    Export {
        path: PathBuf,
        what: ExportWhat,
        replace: bool,
    },
    /// Sort the actuals (the filter carries the order) and load the page that keeps actual
    /// `keep` selected, in a list `height` rows tall.
    SortActuals {
        filter: ActualFilter,
        keep: Option<i64>,
        height: u64,
    },
    /// Another process changed the database: mend the id list of actuals in an order without an
    /// index (`held`, as read at its audit mark) from the actuals changed since, or read it
    /// again, and load the page from index `top`, with the count and total.
    ReloadSortedActuals {
        filter: ActualFilter,
        held: super::state::IdList,
        top: u64,
    },
    /// The actuals with these ids (a slice, from absolute index `start`, of the view's id list).
    LoadActualIds {
        filter: ActualFilter,
        start: u64,
        ids: Vec<i64>,
    },
    Import {
        path: PathBuf,
        /// The saved import profile to read it with.
        profile: Option<String>,
    },
    Write {
        op: WriteOp,
        /// An undo rather than a new change (not itself undoable).
        undoing: bool,
    },
}

/// What an export writes.
#[derive(Debug, Clone, PartialEq)]
pub enum ExportWhat {
    /// The monitoring report for `fy` as at `period` (CSV, or the committee pack for `.xlsx`),
    /// its phase rows in `sort`'s order within each programme.
    Report {
        fy: FinancialYear,
        period: Period,
        sort: Option<super::sort::Sort>,
    },
    /// Every actual the filter selects, in its order, streamed from the database.
    Actuals(ActualFilter),
    /// A list already on screen, as CSV cells.
    Table(crate::io::table::Table),
}

/// Data an effect loaded.
#[derive(Debug, Clone)]
pub enum Loaded {
    Figures(Box<Figures>),
    Tree(Tree),
    Phase(Box<PhaseDetail>),
    Decisions(Register),
    Budget(BudgetData),
    Contracts(Vec<ContractRow>),
    Frameworks(Vec<crate::domain::model::Framework>),
    Audit {
        shown: crate::domain::audit_words::AuditShown,
        events: Vec<AuditEvent>,
    },
    Batches(Vec<Batch>),
    Movement(Box<super::movement::MovementData>),
    Actuals {
        filter: ActualFilter,
        /// The count and sum of what the filter selects, when recounted.
        total: Option<(u64, Money)>,
        start: u64,
        rows: Vec<Actual>,
        /// The answer to a filter form (which then closes).
        applied: bool,
        /// With the total, in an order without an index: the ids of every row the filter
        /// selects, in that order (the view reads its pages through them), and where the audit
        /// log stood when they were read.
        ids: Option<super::state::IdList>,
    },
}

/// Everything that can change the state: commands from keys, typing, and effect results.
#[derive(Debug, Clone)]
pub enum Action {
    /// Open the app (first load).
    Start,
    /// The terminal size.
    Resize(u16, u16),
    Command(Command),
    /// A character typed into a form.
    Input(char),
    Loaded(Loaded),
    /// A write finished.
    Wrote {
        message: String,
        undo: Option<UndoStep>,
    },
    /// An export finished.
    Exported {
        path: PathBuf,
        /// What was written, in words: "3 rows", "the 2022-23 P4 committee pack (sheets ...)".
        what: String,
    },
    /// The export's file exists: ask before `effect` replaces it.
    AskOverwrite {
        question: String,
        effect: Box<Effect>,
    },
    /// A form's values were refused by the database (the field and why); the form stays open.
    FormRejected {
        field: usize,
        message: String,
    },
    /// An import finished: every row of `file` was written as batch `batch_id`.
    Imported {
        file: String,
        rows: u64,
        total: Money,
        batch_id: Option<i64>,
        /// How the file was read: `UTF-8` or `windows-1252`.
        encoding: &'static str,
        /// True when Windows-1252 was chosen because the bytes are not UTF-8.
        detected: bool,
    },
    /// The completion of the path in field `field` (None: nothing to complete: Tab moves on).
    PathCompleted {
        field: usize,
        text: Option<String>,
    },
    /// Import progress: bytes read of the file's size.
    Progress {
        done: u64,
        total: u64,
    },
    /// Another process changed the database (its data version moved): reload what is shown.
    Changed,
    /// The record a form or key acted on is no longer there (deleted by someone else).
    Gone {
        message: String,
    },
    /// Something failed: shown as a message, nothing half-written.
    Failed {
        title: String,
        lines: Vec<String>,
    },
}
