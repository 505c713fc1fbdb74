//! The TUI's state and `App::update`, the only place it changes. An update may ask for effects
//! (loading a screen's data, a database write, an export); the loop in `tui::mod` runs them and
//! feeds their results back as actions. Nothing here touches the database or the terminal.

use std::path::PathBuf;

use chrono::NaiveDate;

use super::keymap::{Command, Context, Screen};
use crate::domain::model::{
    Actual, Allocation, AllocationStatus, BudgetChange, ChangeKind, ChangeStatus, Contract,
    Decision, Phase, Programme,
};
use crate::domain::report::{Rag, Report, ReportRow};
use crate::domain::{FinancialYear, Money, Period};
use crate::store::audit::AuditEvent;
use crate::store::browse::PageRequest;
use crate::store::edit::ActualEdit;
use crate::store::entities::ActualFilter;

/// Rows fetched per page of actuals (at least twice the tallest list).
pub const PAGE: u64 = 256;

/// Lines of chrome around a list screen's rows: tabs, header, block borders, table header, status
/// and footer.
pub const LIST_CHROME: u16 = 7;

/// Rows of a list that fit a terminal `height` lines tall.
pub fn list_height(height: u16) -> u16 {
    height.saturating_sub(LIST_CHROME).max(1)
}

/// One budget year in the dashboard chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearBar {
    pub fy: FinancialYear,
    pub revised: Money,
    pub actual: Money,
    pub forecast: Money,
}

/// A dashboard alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    /// Red for money over budget, amber for things to act on.
    pub level: Rag,
    pub text: String,
}

/// What the dashboard and the report screen show for the selected FY and period.
#[derive(Debug, Clone)]
pub struct Figures {
    pub fy: FinancialYear,
    pub period: Period,
    /// Years with any figure (for the chart and the FY selector).
    pub years: Vec<FinancialYear>,
    pub programmes: Vec<Programme>,
    pub report: Report,
    pub by_year: Vec<YearBar>,
    /// False when `years` and `by_year` were not reloaded (kept from before).
    pub chart: bool,
    pub alerts: Vec<Alert>,
}

/// The programmes and phases tree.
#[derive(Debug, Clone, Default)]
pub struct Tree {
    pub programmes: Vec<Programme>,
    pub phases: Vec<Phase>,
}

impl Tree {
    /// The rows of the tree in order: a programme then its phases.
    pub fn rows(&self) -> Vec<TreeRow<'_>> {
        let mut out = Vec::new();
        for p in &self.programmes {
            out.push(TreeRow::Programme(p));
            for ph in self.phases.iter().filter(|ph| ph.programme_id == p.id) {
                out.push(TreeRow::Phase(ph));
            }
        }
        out
    }
}

/// A row of the tree.
#[derive(Debug, Clone, Copy)]
pub enum TreeRow<'a> {
    Programme(&'a Programme),
    Phase(&'a Phase),
}

/// One phase, drilled into for a financial year.
#[derive(Debug, Clone)]
pub struct PhaseDetail {
    pub phase: Phase,
    pub fy: FinancialYear,
    pub period: Period,
    pub row: Option<ReportRow>,
    pub allocations: Vec<Allocation>,
    pub changes: Vec<BudgetChange>,
    pub contracts: Vec<Contract>,
    /// The first page of the phase's actuals in the year.
    pub actuals: Vec<Actual>,
    pub actual_count: u64,
}

/// The decision register with what each decision approved.
#[derive(Debug, Clone, Default)]
pub struct Register {
    pub decisions: Vec<Decision>,
    /// Per decision (same order): one line per allocation, change, contract or extension.
    pub approved: Vec<Vec<String>>,
}

/// Allocations and budget changes for the selected FY.
#[derive(Debug, Clone)]
pub struct BudgetData {
    pub fy: FinancialYear,
    pub allocations: Vec<Allocation>,
    pub changes: Vec<BudgetChange>,
}

/// A contract with what has been paid and what is still committed.
#[derive(Debug, Clone)]
pub struct ContractRow {
    pub contract: Contract,
    /// The actuals against the contract dated up to the TUI's today.
    pub paid: Money,
    /// Profile (with exercised extensions) less paid, floored at zero.
    pub outstanding: Money,
    pub framework_end: Option<NaiveDate>,
}

/// The actuals list: a window of rows paged from the database around the cursor.
#[derive(Debug, Clone, Default)]
pub struct ActualsView {
    pub filter: ActualFilter,
    /// A readable summary of the filter ("2022-23, supplier ~ micro").
    pub filter_label: String,
    /// Matching rows in the database.
    pub total: u64,
    /// Absolute index of `rows[0]`.
    pub start: u64,
    pub rows: Vec<Actual>,
    /// Absolute index of the selected row.
    pub cursor: u64,
    /// Absolute index of the first visible row.
    pub top: u64,
    /// True once loaded for the current filter.
    pub loaded: bool,
}

impl ActualsView {
    /// The row at absolute index `i`, when it is in the window.
    pub fn get(&self, i: u64) -> Option<&Actual> {
        i.checked_sub(self.start)
            .and_then(|o| self.rows.get(o as usize))
    }
}

/// Where a page of actuals sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartAt {
    /// Its first row is at this absolute index.
    At(u64),
    /// Its last row is just before this absolute index.
    EndingBefore(u64),
    /// It ends at the last row.
    End,
}

/// A form field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub label: &'static str,
    pub value: String,
    /// What is wrong with the value, shown under it; the value is kept.
    pub error: Option<String>,
    /// An example of what to type.
    pub hint: &'static str,
}

impl Field {
    fn new(label: &'static str, value: impl Into<String>, hint: &'static str) -> Field {
        Field {
            label,
            value: value.into(),
            error: None,
            hint,
        }
    }
}

/// Which form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    Filter,
    Export,
    Import,
    AddActual,
    /// Editing actual `id` as read at `version`.
    EditActual {
        id: i64,
        version: i64,
    },
    AddAllocation,
    Reprofile,
    Vire,
}

/// An add/edit form with inline validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    pub kind: FormKind,
    pub title: String,
    pub fields: Vec<Field>,
    pub focus: usize,
}

impl Form {
    fn value(&self, i: usize) -> &str {
        self.fields.get(i).map(|f| f.value.trim()).unwrap_or("")
    }
}

/// What is over the screen.
#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    /// Nothing.
    Normal,
    /// The help, generated from the keymap.
    Help { scroll: u16 },
    /// A message (an error when `error`), scrollable.
    Message {
        title: String,
        lines: Vec<String>,
        scroll: u16,
        error: bool,
    },
    /// A yes/no question; yes runs the effect.
    Confirm { question: String, effect: Effect },
    /// A form.
    Form(Form),
    /// An import in progress.
    Progress {
        label: String,
        done: u64,
        total: u64,
    },
}

/// A database write asked for by the officer.
#[derive(Debug, Clone, PartialEq)]
pub enum WriteOp {
    DecideChange {
        id: i64,
        version: i64,
        status: ChangeStatus,
    },
    Exercise {
        option_id: i64,
        version: i64,
        contract: String,
    },
    AddActual {
        phase: String,
        contract: Option<String>,
        date: NaiveDate,
        supplier: String,
        description: String,
        reference: String,
        amount: Money,
    },
    DeleteActual(Box<Actual>),
    /// Change actual `id`, as read at `version` (a newer version is a conflict).
    EditActual {
        id: i64,
        version: i64,
        edit: ActualEdit,
    },
    AddAllocation {
        phase: String,
        first_fy: FinancialYear,
        last_fy: FinancialYear,
        amount: Money,
        status: AllocationStatus,
        decision: Option<String>,
    },
    AddChange {
        kind: ChangeKind,
        from_phase: String,
        to_phase: String,
        from_fy: FinancialYear,
        to_fy: FinancialYear,
        amount: Money,
        effective: NaiveDate,
        reason: String,
    },
    /// Undo: delete an actual added in this session.
    RemoveActual {
        id: i64,
    },
}

/// How to undo a change made in this session.
#[derive(Debug, Clone, PartialEq)]
pub struct UndoStep {
    /// "adding actual INV-1".
    pub what: String,
    pub op: WriteOp,
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
    },
    LoadContracts,
    LoadAudit,
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
        phase: String,
        supplier: String,
        text: String,
    },
    Export {
        path: PathBuf,
        fy: FinancialYear,
        period: Period,
    },
    Import {
        path: PathBuf,
    },
    Write {
        op: WriteOp,
        /// An undo rather than a new change (not itself undoable).
        undoing: bool,
    },
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
    Audit(Vec<AuditEvent>),
    Actuals {
        filter: ActualFilter,
        total: Option<u64>,
        start: u64,
        rows: Vec<Actual>,
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
        rows: usize,
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
    },
    /// Import progress: bytes read of the file's size.
    Progress {
        done: u64,
        total: u64,
    },
    /// Something failed: shown as a message, nothing half-written.
    Failed {
        title: String,
        lines: Vec<String>,
    },
}

/// A message in the status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub error: bool,
}

/// The whole state of the TUI.
#[derive(Debug, Clone)]
pub struct App {
    pub screen: Screen,
    pub mode: Mode,
    pub fy: Option<FinancialYear>,
    pub period: Option<Period>,
    pub today: NaiveDate,
    pub size: (u16, u16),
    pub figures: Option<Figures>,
    pub card_scroll: usize,
    pub tree: Option<Tree>,
    pub tree_cursor: usize,
    pub phase: Option<PhaseDetail>,
    pub register: Option<Register>,
    pub decision_cursor: usize,
    pub budget: Option<BudgetData>,
    pub budget_cursor: usize,
    pub contracts: Option<Vec<ContractRow>>,
    pub contract_cursor: usize,
    pub actuals: ActualsView,
    pub audit: Option<Vec<AuditEvent>>,
    pub audit_cursor: usize,
    /// First report column shown after the phase columns.
    pub report_col: usize,
    pub status: Option<Status>,
    pub undo: Vec<UndoStep>,
    pub quit: bool,
    /// Where exports go by default.
    pub export_dir: PathBuf,
}

fn clamp_move(cursor: usize, len: usize, delta: i64) -> usize {
    if len == 0 {
        return 0;
    }
    let c = cursor as i64 + delta;
    c.clamp(0, len as i64 - 1) as usize
}

impl App {
    /// A new app as of `today`, exporting to `export_dir` by default.
    pub fn new(today: NaiveDate, export_dir: PathBuf) -> App {
        App {
            screen: Screen::Dashboard,
            mode: Mode::Normal,
            fy: None,
            period: None,
            today,
            size: (80, 24),
            figures: None,
            card_scroll: 0,
            tree: None,
            tree_cursor: 0,
            phase: None,
            register: None,
            decision_cursor: 0,
            budget: None,
            budget_cursor: 0,
            contracts: None,
            contract_cursor: 0,
            actuals: ActualsView::default(),
            audit: None,
            audit_cursor: 0,
            report_col: 0,
            status: None,
            undo: Vec::new(),
            quit: false,
            export_dir,
        }
    }

    /// Where key presses go now.
    pub fn context(&self) -> Context {
        match self.mode {
            Mode::Normal => Context::Screen(self.screen),
            Mode::Form(_) => Context::Form,
            _ => Context::Popup,
        }
    }

    /// Rows visible in a list.
    pub fn list_rows(&self) -> u16 {
        list_height(self.size.1)
    }

    /// The default export path: `outturn-2022-23-P5.csv` in the export folder.
    pub fn default_export_path(&self) -> Option<PathBuf> {
        let (fy, p) = (self.fy?, self.period?);
        Some(
            self.export_dir
                .join(format!("outturn-{}-{}.csv", fy.label(), p.label())),
        )
    }

    /// The period to show for a year: today's in the current year, else P12.
    pub fn period_for(&self, fy: FinancialYear) -> Period {
        if FinancialYear::containing(self.today) == fy {
            Period::of_date(self.today)
        } else {
            Period::new(12).unwrap_or(Period::of_date(self.today))
        }
    }

    /// Applies an action; returns the effects the loop must run.
    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Start => vec![Effect::LoadFigures {
                fy: None,
                period: None,
                chart: true,
            }],
            Action::Resize(w, h) => {
                self.size = (w, h);
                self.scroll_actuals()
            }
            Action::Command(c) => self.command(c),
            Action::Input(ch) => {
                if let Mode::Form(f) = &mut self.mode
                    && let Some(field) = f.fields.get_mut(f.focus)
                {
                    field.value.push(ch);
                    field.error = None;
                }
                vec![]
            }
            Action::Loaded(l) => self.loaded(l),
            Action::Wrote { message, undo } => {
                self.mode = Mode::Normal;
                self.status = Some(Status {
                    text: message,
                    error: false,
                });
                if let Some(u) = undo {
                    self.undo.push(u);
                }
                self.reload_after_write()
            }
            Action::Exported { path, rows } => {
                self.mode = Mode::Normal;
                self.status = Some(Status {
                    text: format!("Wrote {rows} rows to {}", path.display()),
                    error: false,
                });
                vec![]
            }
            Action::FormRejected { field, message } => {
                if let Mode::Form(f) = &mut self.mode {
                    let i = field.min(f.fields.len().saturating_sub(1));
                    if let Some(fl) = f.fields.get_mut(i) {
                        fl.error = Some(message);
                    }
                    f.focus = i;
                } else {
                    self.fail("Refused", vec![message]);
                }
                vec![]
            }
            Action::Imported {
                file,
                rows,
                total,
                batch_id,
            } => {
                self.mode = Mode::Normal;
                let undo = batch_id
                    .map(|b| format!(" (batch {b}; `outturn import undo {b}` removes it)"))
                    .unwrap_or_default();
                self.status = Some(Status {
                    text: format!(
                        "Imported {rows} rows totalling {} from {file}{undo}",
                        total.full()
                    ),
                    error: false,
                });
                self.reload_after_write()
            }
            Action::Progress { done, total } => {
                if let Mode::Progress {
                    done: d, total: t, ..
                } = &mut self.mode
                {
                    *d = done;
                    *t = total;
                }
                vec![]
            }
            Action::Failed { title, lines } => {
                self.fail(&title, lines);
                if self.screen == Screen::Actuals && self.actuals.loaded {
                    // Show the rows as they are now (after a conflict, the other person's change).
                    vec![self.actuals_window()]
                } else {
                    vec![]
                }
            }
        }
    }

    fn fail(&mut self, title: &str, lines: Vec<String>) {
        self.status = Some(Status {
            text: format!("{title}: {}", lines.first().cloned().unwrap_or_default()),
            error: true,
        });
        self.mode = Mode::Message {
            title: title.to_string(),
            lines,
            scroll: 0,
            error: true,
        };
    }

    fn command(&mut self, c: Command) -> Vec<Effect> {
        match &mut self.mode {
            Mode::Normal => self.screen_command(c),
            Mode::Form(_) => self.form_command(c),
            Mode::Help { scroll } | Mode::Message { scroll, .. } => {
                match c {
                    Command::Up => *scroll = scroll.saturating_sub(1),
                    Command::Down => *scroll = scroll.saturating_add(1),
                    Command::Cancel | Command::Submit => self.mode = Mode::Normal,
                    _ => {}
                }
                vec![]
            }
            Mode::Confirm { effect, .. } => {
                let effect = effect.clone();
                match c {
                    Command::Submit => {
                        self.mode = Mode::Normal;
                        vec![effect]
                    }
                    Command::Cancel => {
                        self.mode = Mode::Normal;
                        self.status = Some(Status {
                            text: "Cancelled: nothing was changed".into(),
                            error: false,
                        });
                        vec![]
                    }
                    _ => vec![],
                }
            }
            Mode::Progress { .. } => vec![],
        }
    }

    fn screen_command(&mut self, c: Command) -> Vec<Effect> {
        match c {
            Command::Quit => {
                self.quit = true;
                vec![]
            }
            Command::Help => {
                self.mode = Mode::Help { scroll: 0 };
                vec![]
            }
            Command::NextScreen => self.show(self.screen.next()),
            Command::PrevScreen => self.show(self.screen.prev()),
            Command::Show(s) => self.show(s),
            Command::PrevYear | Command::NextYear => self.change_year(c == Command::NextYear),
            Command::PrevPeriod | Command::NextPeriod => {
                let Some(p) = self.period else { return vec![] };
                let next = if c == Command::NextPeriod {
                    p.next()
                } else {
                    p.prev()
                };
                match next {
                    Some(p) => {
                        self.period = Some(p);
                        self.reload_figures()
                    }
                    None => vec![],
                }
            }
            Command::Up => self.move_cursor(-1),
            Command::Down => self.move_cursor(1),
            Command::PageUp => self.move_cursor(-(self.list_rows() as i64)),
            Command::PageDown => self.move_cursor(self.list_rows() as i64),
            Command::Top => self.move_cursor(i64::MIN / 2),
            Command::Bottom => self.move_cursor(i64::MAX / 2),
            Command::Left => {
                self.report_col = self.report_col.saturating_sub(1);
                vec![]
            }
            Command::Right => {
                self.report_col = (self.report_col + 1).min(REPORT_SCROLL_COLUMNS - 1);
                vec![]
            }
            Command::Open => self.open_phase(),
            Command::Back => {
                self.phase = None;
                vec![]
            }
            Command::Filter => {
                let f = &self.actuals.filter;
                self.mode = Mode::Form(Form {
                    kind: FormKind::Filter,
                    title: "Filter actuals (empty = any)".into(),
                    fields: vec![
                        Field::new(
                            "Financial year",
                            f.fy.map(|y| y.label()).unwrap_or_default(),
                            "2022-23",
                        ),
                        Field::new(
                            "Period",
                            f.period.map(|p| p.label()).unwrap_or_default(),
                            "P5",
                        ),
                        Field::new("Phase", self.phase_filter_text(), "WIR-SCP/DT1 or DT1"),
                        Field::new(
                            "Supplier contains",
                            f.supplier.clone().unwrap_or_default(),
                            "Microsoft",
                        ),
                        Field::new(
                            "Description or reference contains",
                            f.text.clone().unwrap_or_default(),
                            "INV-0001",
                        ),
                    ],
                    focus: 0,
                });
                vec![]
            }
            Command::Export => {
                let path = self
                    .default_export_path()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                self.mode = Mode::Form(Form {
                    kind: FormKind::Export,
                    title: "Export the monitoring report as CSV".into(),
                    fields: vec![Field::new("Write to", path, "outturn-2022-23-P5.csv")],
                    focus: 0,
                });
                vec![]
            }
            Command::Import => {
                self.mode = Mode::Form(Form {
                    kind: FormKind::Import,
                    title: "Import actuals from a ledger CSV".into(),
                    fields: vec![Field::new("CSV file", "", "ledger-2022-08.csv")],
                    focus: 0,
                });
                vec![]
            }
            Command::Add => {
                self.mode = Mode::Form(match self.screen {
                    Screen::Budget => self.allocation_form(),
                    _ => self.actual_form(),
                });
                vec![]
            }
            Command::Reprofile | Command::Vire => {
                let fy = self.fy.map(|f| f.label()).unwrap_or_default();
                let next = self.fy.map(|f| f.next().label()).unwrap_or_default();
                let today = crate::domain::calendar::uk_date(self.today);
                self.mode = Mode::Form(if c == Command::Reprofile {
                    Form {
                        kind: FormKind::Reprofile,
                        title: "Reprofile between years (proposed; approve with a)".into(),
                        fields: vec![
                            Field::new("Phase", "", "WIR-SCP/DT1"),
                            Field::new("From year", fy, "2022-23"),
                            Field::new("To year", next, "2023-24"),
                            Field::new("Amount", "", "£250k"),
                            Field::new("Effective date", today, "26/08/2022"),
                            Field::new("Reason", "", "Slippage into next year"),
                        ],
                        focus: 0,
                    }
                } else {
                    Form {
                        kind: FormKind::Vire,
                        title: "Vire between phases (proposed; approve with a)".into(),
                        fields: vec![
                            Field::new("From phase", "", "WOL-DTP/ICT"),
                            Field::new("To phase", "", "WOL-DTP/P2"),
                            Field::new("Year", fy, "2022-23"),
                            Field::new("Amount", "", "£250k"),
                            Field::new("Effective date", today, "26/08/2022"),
                            Field::new("Reason", "", "Cover the overspend"),
                        ],
                        focus: 0,
                    }
                });
                vec![]
            }
            Command::Approve | Command::Reject => self.decide(c == Command::Approve),
            Command::Exercise => self.exercise(),
            Command::Edit => {
                let Some(a) = self.actuals.get(self.actuals.cursor) else {
                    return vec![];
                };
                self.mode = Mode::Form(edit_actual_form(a));
                vec![]
            }
            Command::Delete => {
                let Some(a) = self.actuals.get(self.actuals.cursor).cloned() else {
                    return vec![];
                };
                self.mode = Mode::Confirm {
                    question: format!(
                        "Delete actual {} of {} dated {} ({})? y/n",
                        a.reference,
                        a.amount.bracketed(),
                        crate::domain::calendar::uk_date(a.date),
                        a.supplier
                    ),
                    effect: Effect::Write {
                        op: WriteOp::DeleteActual(Box::new(a)),
                        undoing: false,
                    },
                };
                vec![]
            }
            Command::Undo => match self.undo.pop() {
                Some(step) => vec![Effect::Write {
                    op: step.op,
                    undoing: true,
                }],
                None => {
                    self.status = Some(Status {
                        text: "Nothing to undo: only adding, editing or deleting an actual in this session can be undone here".into(),
                        error: false,
                    });
                    vec![]
                }
            },
            Command::NextField
            | Command::PrevField
            | Command::Submit
            | Command::Cancel
            | Command::Erase => vec![],
        }
    }

    fn phase_filter_text(&self) -> String {
        let Some(id) = self.actuals.filter.phase_id else {
            return String::new();
        };
        self.tree
            .as_ref()
            .and_then(|t| t.phases.iter().find(|p| p.id == id))
            .map(|p| format!("{}/{}", p.programme_code, p.code))
            .unwrap_or_default()
    }

    fn actual_form(&self) -> Form {
        Form {
            kind: FormKind::AddActual,
            title: "Add an actual".into(),
            fields: vec![
                Field::new(
                    "Date",
                    crate::domain::calendar::uk_date(self.today),
                    "26/08/2022",
                ),
                Field::new("Phase", self.phase_filter_text(), "WIR-SCP/DT1"),
                Field::new("Contract (optional)", "", "WIR-MS-2022-001"),
                Field::new("Supplier", "", "Microsoft Limited"),
                Field::new("Description", "", "Call-off services"),
                Field::new("Reference", "", "INV-0004"),
                Field::new("Amount", "", "£12,500.00 or (12.50) for a credit"),
            ],
            focus: 0,
        }
    }

    fn allocation_form(&self) -> Form {
        let fy = self.fy.map(|f| f.label()).unwrap_or_default();
        Form {
            kind: FormKind::AddAllocation,
            title: "Add an allocation".into(),
            fields: vec![
                Field::new("Phase", "", "WIR-SCP/DT1"),
                Field::new("First year", fy, "2022-23"),
                Field::new("Last year (optional)", "", "2023-24"),
                Field::new("Amount", "", "£3.0m"),
                Field::new("Status", "approved", "approved, projected or withdrawn"),
                Field::new("Decision (optional)", "", "WIR-DOR-2022-08-26"),
            ],
            focus: 0,
        }
    }

    fn form_command(&mut self, c: Command) -> Vec<Effect> {
        let Mode::Form(f) = &mut self.mode else {
            return vec![];
        };
        match c {
            Command::Cancel => {
                self.mode = Mode::Normal;
                vec![]
            }
            Command::NextField => {
                f.focus = (f.focus + 1) % f.fields.len().max(1);
                vec![]
            }
            Command::PrevField => {
                f.focus = (f.focus + f.fields.len().max(1) - 1) % f.fields.len().max(1);
                vec![]
            }
            Command::Erase => {
                if let Some(field) = f.fields.get_mut(f.focus) {
                    field.value.pop();
                    field.error = None;
                }
                vec![]
            }
            Command::Submit => {
                let form = f.clone();
                match form_effect(&form, self) {
                    Ok(effect) => {
                        if let Effect::Import { path } = &effect {
                            self.mode = Mode::Progress {
                                label: format!("Importing {}", path.display()),
                                done: 0,
                                total: 0,
                            };
                        }
                        vec![effect]
                    }
                    Err((i, msg)) => {
                        if let Mode::Form(f) = &mut self.mode {
                            if let Some(field) = f.fields.get_mut(i) {
                                field.error = Some(msg);
                            }
                            f.focus = i;
                        }
                        vec![]
                    }
                }
            }
            _ => vec![],
        }
    }

    fn show(&mut self, s: Screen) -> Vec<Effect> {
        self.screen = s;
        self.load_screen()
    }

    /// The effects that load what the current screen needs.
    fn load_screen(&mut self) -> Vec<Effect> {
        let (Some(fy), Some(period)) = (self.fy, self.period) else {
            return vec![];
        };
        match self.screen {
            Screen::Dashboard | Screen::Report => {
                if self
                    .figures
                    .as_ref()
                    .is_some_and(|f| f.fy == fy && f.period == period)
                {
                    vec![]
                } else {
                    vec![Effect::LoadFigures {
                        fy: Some(fy),
                        period: Some(period),
                        chart: self.figures.is_none(),
                    }]
                }
            }
            Screen::Programmes => {
                let mut out = vec![Effect::LoadTree];
                if let Some(p) = &self.phase {
                    out.push(Effect::LoadPhase {
                        phase_id: p.phase.id,
                        fy,
                        period,
                        row: None,
                    });
                }
                out
            }
            Screen::Decisions => vec![Effect::LoadDecisions],
            Screen::Budget => vec![Effect::LoadBudget { fy }],
            Screen::Contracts => vec![Effect::LoadContracts],
            Screen::Audit => vec![Effect::LoadAudit],
            Screen::Actuals => {
                let mut out = Vec::new();
                if self.tree.is_none() {
                    out.push(Effect::LoadTree);
                }
                if !self.actuals.loaded {
                    out.push(self.first_actuals_page());
                }
                out
            }
        }
    }

    fn first_actuals_page(&self) -> Effect {
        Effect::LoadActuals {
            filter: self.actuals.filter.clone(),
            request: PageRequest::First,
            start: StartAt::At(0),
            count: true,
        }
    }

    fn reload_figures(&mut self) -> Vec<Effect> {
        let mut out = vec![Effect::LoadFigures {
            fy: self.fy,
            period: self.period,
            chart: self.figures.is_none(),
        }];
        if !matches!(self.screen, Screen::Dashboard | Screen::Report) {
            out.extend(self.load_screen());
        }
        out
    }

    fn reload_after_write(&mut self) -> Vec<Effect> {
        self.figures = None;
        self.actuals.loaded = false;
        let mut out = self.load_screen();
        if !matches!(self.screen, Screen::Dashboard | Screen::Report) {
            out.push(Effect::LoadFigures {
                fy: self.fy,
                period: self.period,
                chart: true,
            });
        }
        if self.screen == Screen::Actuals {
            // Keep the place: reload the window at the cursor.
            out.retain(|e| !matches!(e, Effect::LoadActuals { .. }));
            out.push(self.actuals_window());
        }
        out
    }

    /// Reloads the actuals window where it is (recounting the total).
    fn actuals_window(&self) -> Effect {
        Effect::LoadActuals {
            filter: self.actuals.filter.clone(),
            request: if self.actuals.top == 0 {
                PageRequest::First
            } else {
                PageRequest::Offset(self.actuals.top)
            },
            start: StartAt::At(self.actuals.top),
            count: true,
        }
    }

    fn change_year(&mut self, next: bool) -> Vec<Effect> {
        let Some(fy) = self.fy else { return vec![] };
        let years = self
            .figures
            .as_ref()
            .map(|f| f.years.clone())
            .unwrap_or_default();
        let target = if next { fy.next() } else { fy.prev() };
        // Stay within the years with figures, give or take one on either side.
        let lo = years.first().copied().map(|y| y.prev());
        let hi = years.last().copied().map(|y| y.next());
        if lo.is_some_and(|lo| target < lo) || hi.is_some_and(|hi| target > hi) {
            self.status = Some(Status {
                text: format!("No figures beyond {}", fy.label()),
                error: false,
            });
            return vec![];
        }
        self.fy = Some(target);
        self.period = Some(self.period_for(target));
        self.actuals.filter.fy = Some(target);
        self.actuals.filter.period = None;
        self.actuals.filter_label = filter_label(&self.actuals.filter, &self.phase_filter_text());
        self.actuals.loaded = false;
        self.reload_figures()
    }

    fn move_cursor(&mut self, delta: i64) -> Vec<Effect> {
        match self.screen {
            Screen::Dashboard => {
                let n = self
                    .figures
                    .as_ref()
                    .map(|f| f.programmes.len())
                    .unwrap_or(0);
                self.card_scroll = clamp_move(self.card_scroll, n, delta.signum());
                vec![]
            }
            Screen::Programmes => {
                if let Some(t) = &self.tree {
                    self.tree_cursor = clamp_move(self.tree_cursor, t.rows().len(), delta);
                }
                vec![]
            }
            Screen::Decisions => {
                let n = self.register.as_ref().map_or(0, |r| r.decisions.len());
                self.decision_cursor = clamp_move(self.decision_cursor, n, delta);
                vec![]
            }
            Screen::Budget => {
                let n = self.budget.as_ref().map_or(0, |b| b.changes.len());
                self.budget_cursor = clamp_move(self.budget_cursor, n, delta);
                vec![]
            }
            Screen::Contracts => {
                let n = self.contracts.as_ref().map_or(0, Vec::len);
                self.contract_cursor = clamp_move(self.contract_cursor, n, delta);
                vec![]
            }
            Screen::Audit => {
                let n = self.audit.as_ref().map_or(0, Vec::len);
                self.audit_cursor = clamp_move(self.audit_cursor, n, delta);
                vec![]
            }
            Screen::Report => {
                let n = self.figures.as_ref().map_or(0, |f| f.report.rows.len());
                self.card_scroll = clamp_move(self.card_scroll, n, delta);
                vec![]
            }
            Screen::Actuals => {
                let v = &mut self.actuals;
                if v.total == 0 {
                    return vec![];
                }
                let c = (v.cursor as i64).saturating_add(delta);
                v.cursor = c.clamp(0, v.total as i64 - 1) as u64;
                self.scroll_actuals()
            }
        }
    }

    /// Keeps the cursor visible and asks for the page that covers the visible rows.
    fn scroll_actuals(&mut self) -> Vec<Effect> {
        let h = self.list_rows() as u64;
        let v = &mut self.actuals;
        if !v.loaded || v.total == 0 {
            return vec![];
        }
        if v.cursor < v.top {
            v.top = v.cursor;
        } else if v.cursor >= v.top + h {
            v.top = v.cursor + 1 - h;
        }
        let last_top = v.total.saturating_sub(h);
        v.top = v.top.min(last_top);
        let need_end = (v.top + h).min(v.total);
        let end = v.start + v.rows.len() as u64;
        if v.top >= v.start && need_end <= end {
            return vec![];
        }
        let filter = v.filter.clone();
        let (request, start) = if v.top == 0 {
            (PageRequest::First, StartAt::At(0))
        } else if need_end == v.total && v.total > PAGE {
            (PageRequest::Last, StartAt::End)
        } else if let Some(anchor) = v.get(v.top.wrapping_sub(1)).filter(|_| v.top > v.start) {
            (
                PageRequest::After {
                    date: anchor.date,
                    id: anchor.id,
                },
                StartAt::At(v.top),
            )
        } else if let Some(anchor) = v.get(need_end) {
            (
                PageRequest::Before {
                    date: anchor.date,
                    id: anchor.id,
                },
                StartAt::EndingBefore(need_end),
            )
        } else {
            (PageRequest::Offset(v.top), StartAt::At(v.top))
        };
        vec![Effect::LoadActuals {
            filter,
            request,
            start,
            count: false,
        }]
    }

    fn open_phase(&mut self) -> Vec<Effect> {
        let (Some(fy), Some(period)) = (self.fy, self.period) else {
            return vec![];
        };
        let Some(t) = &self.tree else { return vec![] };
        match t.rows().get(self.tree_cursor) {
            Some(TreeRow::Phase(p)) => vec![Effect::LoadPhase {
                phase_id: p.id,
                fy,
                period,
                row: self
                    .figures
                    .as_ref()
                    .filter(|f| f.fy == fy && f.period == period)
                    .map(|f| {
                        f.report
                            .rows
                            .iter()
                            .find(|r| {
                                r.kind == crate::domain::report::RowKind::Phase
                                    && r.programme_code == p.programme_code
                                    && r.phase_code == p.code
                            })
                            .cloned()
                    })
                    .map(|r| r.map(Box::new))
                    .unwrap_or(None),
            }],
            _ => {
                self.status = Some(Status {
                    text: "Move to a phase (not a programme) to open it".into(),
                    error: false,
                });
                vec![]
            }
        }
    }

    fn decide(&mut self, approve: bool) -> Vec<Effect> {
        let Some(ch) = self
            .budget
            .as_ref()
            .and_then(|b| b.changes.get(self.budget_cursor))
        else {
            return vec![];
        };
        if ch.status != ChangeStatus::Proposed {
            self.status = Some(Status {
                text: format!(
                    "Change {} is already {}: only a proposed change can be approved or rejected",
                    ch.id, ch.status
                ),
                error: true,
            });
            return vec![];
        }
        let status = if approve {
            ChangeStatus::Approved
        } else {
            ChangeStatus::Rejected
        };
        self.mode = Mode::Confirm {
            question: format!(
                "{} change {} ({} of {})? This cannot be undone here. y/n",
                if approve { "Approve" } else { "Reject" },
                ch.id,
                ch.kind,
                ch.amount.full()
            ),
            effect: Effect::Write {
                op: WriteOp::DecideChange {
                    id: ch.id,
                    version: ch.version,
                    status,
                },
                undoing: false,
            },
        };
        vec![]
    }

    fn exercise(&mut self) -> Vec<Effect> {
        let Some(row) = self
            .contracts
            .as_ref()
            .and_then(|c| c.get(self.contract_cursor))
        else {
            return vec![];
        };
        let c = &row.contract;
        match c.extensions.iter().find(|e| !e.exercised) {
            Some(opt) => {
                self.mode = Mode::Confirm {
                    question: format!(
                        "Exercise the {}-month extension of {} (adds {})? This cannot be undone here. y/n",
                        opt.months,
                        c.reference,
                        opt.value.full()
                    ),
                    effect: Effect::Write {
                        op: WriteOp::Exercise {
                            option_id: opt.id,
                            version: opt.version,
                            contract: c.reference.clone(),
                        },
                        undoing: false,
                    },
                };
            }
            None => {
                self.status = Some(Status {
                    text: format!("{} has no unexercised extension option", c.reference),
                    error: false,
                });
            }
        }
        vec![]
    }

    fn loaded(&mut self, l: Loaded) -> Vec<Effect> {
        match l {
            Loaded::Figures(mut f) => {
                if !f.chart
                    && let Some(old) = self.figures.take()
                {
                    f.years = old.years;
                    f.by_year = old.by_year;
                    f.chart = true;
                }
                let first = self.fy.is_none();
                self.fy = Some(f.fy);
                self.period = Some(f.period);
                if first {
                    self.actuals.filter.fy = Some(f.fy);
                    self.actuals.filter_label = filter_label(&self.actuals.filter, "");
                }
                self.card_scroll = self.card_scroll.min(f.programmes.len().saturating_sub(1));
                self.figures = Some(*f);
                vec![]
            }
            Loaded::Tree(t) => {
                self.tree_cursor = self.tree_cursor.min(t.rows().len().saturating_sub(1));
                self.tree = Some(t);
                vec![]
            }
            Loaded::Phase(p) => {
                self.phase = Some(*p);
                vec![]
            }
            Loaded::Decisions(r) => {
                self.decision_cursor = self
                    .decision_cursor
                    .min(r.decisions.len().saturating_sub(1));
                self.register = Some(r);
                vec![]
            }
            Loaded::Budget(b) => {
                self.budget_cursor = self.budget_cursor.min(b.changes.len().saturating_sub(1));
                self.budget = Some(b);
                vec![]
            }
            Loaded::Contracts(c) => {
                self.contract_cursor = self.contract_cursor.min(c.len().saturating_sub(1));
                self.contracts = Some(c);
                vec![]
            }
            Loaded::Audit(a) => {
                self.audit_cursor = self.audit_cursor.min(a.len().saturating_sub(1));
                self.audit = Some(a);
                vec![]
            }
            Loaded::Actuals {
                filter,
                total,
                start,
                rows,
            } => {
                let v = &mut self.actuals;
                if let Some(t) = total {
                    if filter != v.filter || !v.loaded {
                        v.cursor = v.cursor.min(t.saturating_sub(1));
                        v.top = v.top.min(v.cursor);
                    }
                    if filter != v.filter {
                        v.cursor = 0;
                        v.top = 0;
                    }
                    v.total = t;
                    v.filter = filter;
                    v.loaded = true;
                } else if filter != v.filter {
                    // A page for an old filter.
                    return vec![];
                }
                v.start = start;
                v.rows = rows;
                if matches!(
                    self.mode,
                    Mode::Form(Form {
                        kind: FormKind::Filter,
                        ..
                    })
                ) {
                    self.mode = Mode::Normal;
                }
                let label = filter_label(&self.actuals.filter, &self.phase_filter_text());
                self.actuals.filter_label = label;
                // The cursor may need rows the page did not bring (after a reload).
                let again = self.scroll_actuals();
                again
                    .into_iter()
                    .filter(|e| match e {
                        Effect::LoadActuals { request, .. } => {
                            !matches!(request, PageRequest::Offset(_))
                        }
                        _ => true,
                    })
                    .take(1)
                    .collect()
            }
        }
    }
}

/// Report columns that scroll horizontally (after Programme and Phase).
pub const REPORT_SCROLL_COLUMNS: usize = crate::io::report::COLUMNS.len() - 2;

/// A readable summary of an actuals filter.
pub fn filter_label(f: &ActualFilter, phase: &str) -> String {
    let mut parts = Vec::new();
    match (f.fy, f.period) {
        (Some(y), Some(p)) => parts.push(format!("{} {}", y.label(), p.label())),
        (Some(y), None) => parts.push(y.label()),
        _ => parts.push("all years".into()),
    }
    if !phase.is_empty() {
        parts.push(format!("phase {phase}"));
    }
    if let Some(s) = f.supplier.as_ref().filter(|s| !s.is_empty()) {
        parts.push(format!("supplier ~ {s}"));
    }
    if let Some(t) = f.text.as_ref().filter(|s| !s.is_empty()) {
        parts.push(format!("text ~ {t}"));
    }
    parts.join(", ")
}

/// The edit form for an actual, filled in with its values as read (phase and contract are shown
/// in the title: they are not edited here).
pub fn edit_actual_form(a: &Actual) -> Form {
    let contract = a
        .contract_reference
        .as_deref()
        .map(|c| format!(", contract {c}"))
        .unwrap_or_default();
    Form {
        kind: FormKind::EditActual {
            id: a.id,
            version: a.version,
        },
        title: format!(
            "Edit actual {} ({}/{}{contract})",
            a.reference, a.programme_code, a.phase_code
        ),
        fields: vec![
            Field::new(
                "Date",
                crate::domain::calendar::uk_date(a.date),
                "26/08/2022",
            ),
            Field::new("Supplier", a.supplier.clone(), "Microsoft Limited"),
            Field::new("Description", a.description.clone(), "Call-off services"),
            Field::new("Reference", a.reference.clone(), "INV-0004"),
            Field::new(
                "Amount",
                a.amount.full(),
                "£12,500.00 or (12.50) for a credit",
            ),
        ],
        focus: 0,
    }
}

/// Validates a form with the same parsers as the command line; the error names the field.
pub fn form_effect(form: &Form, app: &App) -> Result<Effect, (usize, String)> {
    use crate::domain::calendar::parse_date;
    let v = |i: usize| form.value(i).to_string();
    let fy = |i: usize| FinancialYear::parse(form.value(i)).map_err(|e| (i, e.to_string()));
    let money = |i: usize| Money::parse(form.value(i)).map_err(|e| (i, e.to_string()));
    let date = |i: usize| parse_date(form.value(i)).map_err(|e| (i, e.to_string()));
    let required = |i: usize| {
        if form.value(i).is_empty() {
            Err((
                i,
                format!("{} is required", form.fields[i].label.to_lowercase()),
            ))
        } else {
            Ok(v(i))
        }
    };
    let opt = |i: usize| Some(v(i)).filter(|s| !s.is_empty());
    match form.kind {
        FormKind::Filter => Ok(Effect::ApplyFilter {
            fy: if form.value(0).is_empty() {
                None
            } else {
                Some(fy(0)?)
            },
            period: if form.value(1).is_empty() {
                None
            } else {
                if form.value(0).is_empty() {
                    return Err((
                        1,
                        "a period needs a financial year: fill in the year".into(),
                    ));
                }
                Some(Period::parse(form.value(1)).map_err(|e| (1, e.to_string()))?)
            },
            phase: v(2),
            supplier: v(3),
            text: v(4),
        }),
        FormKind::Export => {
            let path = PathBuf::from(required(0)?);
            let (Some(fy), Some(period)) = (app.fy, app.period) else {
                return Err((0, "no report is loaded yet".into()));
            };
            Ok(Effect::Export { path, fy, period })
        }
        FormKind::Import => Ok(Effect::Import {
            path: PathBuf::from(required(0)?),
        }),
        FormKind::AddActual => {
            let date = date(0)?;
            let phase = required(1)?;
            let supplier = required(3)?;
            let amount = money(6)?;
            Ok(Effect::Write {
                op: WriteOp::AddActual {
                    phase,
                    contract: opt(2),
                    date,
                    supplier,
                    description: v(4),
                    reference: v(5),
                    amount,
                },
                undoing: false,
            })
        }
        FormKind::EditActual { id, version } => {
            // The same checks as adding: a real date, a supplier, an exact amount.
            let date = date(0)?;
            let supplier = required(1)?;
            let amount = money(4)?;
            Ok(Effect::Write {
                op: WriteOp::EditActual {
                    id,
                    version,
                    edit: ActualEdit {
                        amount: Some(amount),
                        date: Some(date),
                        supplier: Some(supplier),
                        description: Some(v(2)),
                        reference: Some(v(3)),
                    },
                },
                undoing: false,
            })
        }
        FormKind::AddAllocation => {
            let phase = required(0)?;
            let first_fy = fy(1)?;
            let last_fy = if form.value(2).is_empty() {
                first_fy
            } else {
                fy(2)?
            };
            if last_fy < first_fy {
                return Err((
                    2,
                    format!(
                        "'{}' is before the first year {}",
                        form.value(2),
                        first_fy.label()
                    ),
                ));
            }
            let amount = money(3)?;
            let status = AllocationStatus::parse(form.value(4)).map_err(|e| (4, e.to_string()))?;
            Ok(Effect::Write {
                op: WriteOp::AddAllocation {
                    phase,
                    first_fy,
                    last_fy,
                    amount,
                    status,
                    decision: opt(5),
                },
                undoing: false,
            })
        }
        FormKind::Reprofile => {
            let phase = required(0)?;
            let from_fy = fy(1)?;
            let to_fy = fy(2)?;
            if from_fy == to_fy {
                return Err((2, "a reprofile moves money to a different year".into()));
            }
            let amount = money(3)?;
            let effective = date(4)?;
            Ok(Effect::Write {
                op: WriteOp::AddChange {
                    kind: ChangeKind::Reprofile,
                    from_phase: phase.clone(),
                    to_phase: phase,
                    from_fy,
                    to_fy,
                    amount,
                    effective,
                    reason: v(5),
                },
                undoing: false,
            })
        }
        FormKind::Vire => {
            let from_phase = required(0)?;
            let to_phase = required(1)?;
            let year = fy(2)?;
            let amount = money(3)?;
            let effective = date(4)?;
            Ok(Effect::Write {
                op: WriteOp::AddChange {
                    kind: ChangeKind::Virement,
                    from_phase,
                    to_phase,
                    from_fy: year,
                    to_fy: year,
                    amount,
                    effective,
                    reason: v(5),
                },
                undoing: false,
            })
        }
    }
}
