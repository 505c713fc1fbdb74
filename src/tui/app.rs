//! The TUI's state and `App::update`, the only place it changes. An update may ask for effects
//! (loading a screen's data, a database write, an export); the loop in `tui::mod` runs them and
//! feeds their results back as actions. Nothing here touches the database or the terminal.

use std::path::PathBuf;

use chrono::NaiveDate;

use super::action::{Action, Command, Context, Effect, Screen, UndoStep, WriteOp};
use super::form::{self, Form};
use super::state::{
    ActualsView, BudgetData, ContractRow, Figures, ListState, MIN_HEIGHT, MIN_WIDTH, PhaseDetail,
    Register, Tree, list_height, report_columns,
};
use crate::domain::audit_words::AuditShown;
use crate::domain::calendar::uk_date;
use crate::domain::{FinancialYear, Period};
use crate::ops::types::{AuditEvent, Batch};

/// Rows fetched per page of actuals (defined with the actuals view in [`super::state`]).
pub use super::state::PAGE;

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
    /// A changed form the officer pressed Esc on: y discards it, n goes back to it.
    Discard(Form),
    /// The import batches, newest first, to pick one to undo.
    Batches {
        batches: Vec<Batch>,
        list: ListState,
    },
    /// An import in progress.
    Progress {
        label: String,
        done: u64,
        total: u64,
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
    /// The dashboard's first card and the report's selected row (one cursor for both).
    pub cards: ListState,
    /// The Report row selected when the figures were last asked for again (kind, programme,
    /// phase): the selection stays on it when they arrive, wherever a sort puts it.
    pub report_keep: Option<super::state::ReportRowKey>,
    pub tree: Option<Tree>,
    pub tree_list: ListState,
    pub phase: Option<PhaseDetail>,
    pub register: Option<Register>,
    pub decision_list: ListState,
    pub budget: Option<BudgetData>,
    /// The selected budget change.
    pub budget_list: ListState,
    /// The Budget screen shows the Financing view (`$`) instead of allocations and changes.
    pub budget_financing: bool,
    /// The selected funding line of the Financing view.
    pub funding_list: ListState,
    pub contracts: Option<Vec<ContractRow>>,
    pub contract_list: ListState,
    pub actuals: ActualsView,
    pub audit: Option<Vec<AuditEvent>>,
    pub audit_list: ListState,
    /// The first alert shown in the dashboard's alerts panel (J/K scroll it).
    pub alerts_top: usize,
    /// The sort in force on each list (`s`, `S`); the actuals' is in their filter.
    pub sorts: super::sort::Sorts,
    /// Which audit events are shown (`/` on the Audit screen).
    pub audit_shown: AuditShown,
    /// The zone audit times are shown in: `None` is the machine's local time (tests fix one).
    pub utc_offset: Option<chrono::FixedOffset>,
    /// The selected report column after the phase columns (shown first after them).
    pub report_col: usize,
    /// The report shows the exact CSV cells (`c`) instead of money as the officer reads it.
    pub report_cells: bool,
    /// The phase (programme code, phase code) a drill-down narrowed the contracts and budget
    /// changes to; Esc clears it.
    pub focus: Option<(String, String)>,
    /// The dashboard chart misses another process's change (reloaded on entering the dashboard).
    pub chart_stale: bool,
    /// The movement view over the Report screen (`M`), while open.
    pub movement: Option<super::movement::MovementView>,
    pub status: Option<Status>,
    pub undo: Vec<UndoStep>,
    /// The frameworks list, the allocations cursor and the phase view's selected milestone or
    /// benefit (the records keys).
    pub records: super::records_view::RecordsView,
    pub quit: bool,
    /// Where exports go by default.
    pub export_dir: PathBuf,
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
            cards: ListState::default(),
            report_keep: None,
            tree: None,
            tree_list: ListState::default(),
            phase: None,
            register: None,
            decision_list: ListState::default(),
            budget: None,
            budget_list: ListState::default(),
            budget_financing: false,
            funding_list: ListState::default(),
            contracts: None,
            contract_list: ListState::default(),
            actuals: ActualsView::default(),
            audit: None,
            audit_list: ListState::default(),
            audit_shown: AuditShown::default(),
            sorts: Default::default(),
            alerts_top: 0,
            utc_offset: None,
            report_col: 0,
            report_cells: false,
            focus: None,
            chart_stale: false,
            movement: None,
            status: None,
            undo: Vec::new(),
            records: Default::default(),
            quit: false,
            export_dir,
        }
    }

    /// True when the terminal is below the smallest size drawn: only `q` (or Ctrl-C) works.
    pub fn too_small(&self) -> bool {
        self.size.0 < MIN_WIDTH || self.size.1 < MIN_HEIGHT
    }

    /// Where key presses go now.
    pub fn context(&self) -> Context {
        match self.mode {
            Mode::Normal => self.view_context(),
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
            Action::Command(c) => {
                // A message (or an error) is read by the next key, whatever that key does.
                self.status = None;
                self.command(c)
            }
            Action::Input(ch) => {
                self.status = None;
                // Never into a form that is not drawn (the terminal too small).
                if let Mode::Form(f) = &mut self.mode
                    && !(self.size.0 < MIN_WIDTH || self.size.1 < MIN_HEIGHT)
                {
                    f.type_char(ch);
                }
                vec![]
            }
            Action::Loaded(l) => {
                let figures = matches!(l, super::action::Loaded::Figures(_));
                let out = self.loaded(l);
                self.apply_sorts();
                if figures {
                    self.restore_report_row();
                }
                out
            }
            Action::Changed => self.external_change(),
            Action::Gone { message } => {
                if matches!(self.mode, Mode::Form(_) | Mode::Confirm { .. }) {
                    self.mode = Mode::Normal;
                }
                self.status = Some(Status {
                    text: message,
                    error: true,
                });
                self.reload_after_write()
            }
            Action::Wrote { message, undo } => {
                self.mode = Mode::Normal;
                self.note(message);
                if let Some(u) = undo {
                    self.undo.push(u);
                }
                self.reload_after_write()
            }
            Action::Exported { path, what } => {
                self.mode = Mode::Normal;
                self.note(format!("Exported {what} to {}", path.display()));
                vec![]
            }
            Action::AskOverwrite { question, effect } => {
                self.mode = Mode::Confirm {
                    question,
                    effect: *effect,
                };
                vec![]
            }
            Action::FormRejected { field, message } => {
                if let Mode::Form(f) = &mut self.mode {
                    f.refuse(field, message);
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
                encoding,
                detected,
            } => {
                self.mode = Mode::Normal;
                let read = if detected {
                    format!(", read as {encoding} (the file is not UTF-8)")
                } else {
                    format!(", read as {encoding}")
                };
                let undo = batch_id
                    .map(|b| format!(" (batch {b}; `outturn import undo {b}` removes it)"))
                    .unwrap_or_default();
                self.note(format!(
                    "Imported {} totalling {} from {file}{read}{undo}",
                    crate::domain::text::counted(rows, "row"),
                    total.full()
                ));
                if let Some(id) = batch_id {
                    self.undo.push(UndoStep {
                        what: format!("importing {file}"),
                        op: WriteOp::UndoImport { id, file },
                    });
                }
                self.reload_after_write()
            }
            Action::PathCompleted { field, text } => {
                self.path_completed(field, text);
                vec![]
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

    /// Puts `text` in the status line (not an error).
    pub(super) fn note(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            error: false,
        });
    }

    /// Opens `form` over the screen.
    fn open(&mut self, form: Form) -> Vec<Effect> {
        self.mode = Mode::Form(form);
        vec![]
    }

    /// Asks `question`; yes runs `op` (a new change, not an undo).
    pub(super) fn confirm(&mut self, question: String, op: WriteOp) -> Vec<Effect> {
        self.mode = Mode::Confirm {
            question,
            effect: Effect::Write { op, undoing: false },
        };
        vec![]
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
        if self.too_small() {
            // Nothing is drawn but the message: keys never go to a hidden form.
            self.quit |= c == Command::Quit;
            return vec![];
        }
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
                        self.note("Cancelled: nothing was changed");
                        vec![]
                    }
                    _ => vec![],
                }
            }
            Mode::Discard(form) => {
                match c {
                    Command::Submit => {
                        self.mode = Mode::Normal;
                        self.note("Discarded: nothing was saved");
                    }
                    Command::Cancel => self.mode = Mode::Form(form.clone()),
                    _ => {}
                }
                vec![]
            }
            Mode::Batches { batches, list } => match c {
                Command::Up | Command::Down => {
                    list.move_by(if c == Command::Up { -1 } else { 1 }, batches.len());
                    vec![]
                }
                Command::Submit => match batches.get(list.cursor).cloned() {
                    Some(b) => self.pick_batch(&b),
                    None => vec![],
                },
                Command::Cancel => {
                    self.mode = Mode::Normal;
                    vec![]
                }
                _ => vec![],
            },
            Mode::Progress { .. } => vec![],
        }
    }

    fn screen_command(&mut self, c: Command) -> Vec<Effect> {
        if let Some(effects) = self.movement_command(c) {
            return effects;
        }
        if self.screen == Screen::Budget
            && let Some(out) = self.funding_command(c)
        {
            return out;
        }
        if let Some(out) = self.records_command(c) {
            return out;
        }
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
                self.report_col = (self.report_col + 1)
                    .min(report_columns(self.report_cells).len().saturating_sub(3));
                vec![]
            }
            Command::Open if self.screen == Screen::Report => self.drill_down(),
            Command::Open => self.open_phase(),
            Command::Back => {
                self.phase = None;
                if self.focus.take().is_some() {
                    return self.load_screen();
                }
                vec![]
            }
            Command::Filter if self.screen == Screen::Audit => {
                self.open(form::audit_filter_form(&self.audit_shown))
            }
            Command::Filter => {
                let contract = self.contract_filter_text();
                self.open(form::filter_form(
                    &self.actuals.filter,
                    self.phase_filter_text(),
                    contract,
                ))
            }
            Command::Forecast => self.forecast(),
            Command::ClosePeriod => self.close_period(),
            Command::ReopenPeriod => self.reopen_period(),
            Command::Batches => vec![Effect::LoadBatches],
            Command::ToggleFinancing => self.toggle_financing(),
            Command::AlertsDown => self.scroll_alerts(1),
            Command::AlertsUp => self.scroll_alerts(-1),
            Command::ToggleCells => {
                // The same column stays selected in the other view.
                let col = super::state::report_column(self.report_col, self.report_cells);
                self.report_cells = !self.report_cells;
                self.report_col = super::state::report_col_of(col, self.report_cells);
                vec![]
            }
            Command::Export => self.export_form(),
            Command::Sort | Command::SortReverse => self.sort_list(c == Command::SortReverse),
            Command::Import => self.open(form::import_form()),
            Command::Add => self.open(match self.screen {
                Screen::Budget => form::add_allocation_form(self.fy),
                _ => form::add_actual_form(self.today, self.phase_filter_text()),
            }),
            Command::Reprofile => self.open(form::reprofile_form(self.fy, self.today)),
            Command::Vire => self.open(form::vire_form(self.fy, self.today)),
            Command::Approve | Command::Reject => self.decide(c == Command::Approve),
            Command::ApproveAllocation => self.approve_allocation(),
            Command::WithdrawAllocation => self.withdraw_allocation(),
            Command::AmendChange => self.amend_change(),
            Command::WithdrawChange => self.withdraw_change(),
            Command::WithdrawForecast => self.withdraw_forecast(),
            Command::VaryContract => self.vary_contract(),
            Command::Comment => self.comment(),
            Command::CarryComments => self.carry_comments(),
            Command::Exercise => self.exercise(),
            Command::Edit => {
                let Some(a) = self.actuals.get(self.actuals.cursor) else {
                    return vec![];
                };
                self.open(form::edit_actual_form(a))
            }
            Command::Delete => {
                let Some(a) = self.actuals.get(self.actuals.cursor).cloned() else {
                    return vec![];
                };
                let question = format!(
                    "Delete actual {} of {} dated {} ({})? y/n",
                    a.reference,
                    a.amount.bracketed(),
                    uk_date(a.date),
                    a.supplier
                );
                self.confirm(question, WriteOp::DeleteActual(Box::new(a)))
            }
            Command::Undo => match self.undo.pop() {
                Some(step) => vec![Effect::Write {
                    op: step.op,
                    undoing: true,
                }],
                None => {
                    self.note("Nothing to undo: u undoes your changes in this session to actuals, forecasts over an earlier one, closing or reopening a period, imports, and adding, editing or deleting programmes, phases, decisions, frameworks, contracts, milestones and benefits");
                    vec![]
                }
            },
            Command::Elsewhere(message) => self.refuse(message),
            Command::Records(_)
            | Command::Unbound
            | Command::NextField
            | Command::PrevField
            | Command::Submit
            | Command::Cancel
            | Command::Line(_)
            | Command::Movement
            | Command::FromEarlier
            | Command::FromLater => vec![],
        }
    }

    /// The phase the actuals are filtered to, as `PROG/PHASE` (empty for none or not known).
    pub(super) fn phase_filter_text(&self) -> String {
        let phase = self.actuals.filter.phase_id;
        let tree = self.tree.as_ref();
        phase
            .and_then(|id| tree?.phase_label(id))
            .unwrap_or_default()
    }

    fn form_command(&mut self, c: Command) -> Vec<Effect> {
        let Mode::Form(f) = &mut self.mode else {
            return vec![];
        };
        match c {
            Command::Cancel => {
                self.mode = if f.changed() {
                    Mode::Discard(f.clone())
                } else {
                    Mode::Normal
                };
                vec![]
            }
            Command::Line(e) => {
                f.edit(e);
                vec![]
            }
            Command::NextField => match Self::path_to_complete(f) {
                Some(effect) => vec![effect],
                None => {
                    f.next_field();
                    vec![]
                }
            },
            Command::PrevField => {
                f.prev_field();
                vec![]
            }
            Command::Submit => match form::form_effect(f, self.fy, self.period) {
                Ok(Effect::Write { op, undoing }) if form::question(&op).is_some() => {
                    // A step that cannot be undone here: ask first.
                    let question = form::question(&op).unwrap_or_default();
                    self.mode = Mode::Confirm {
                        question,
                        effect: Effect::Write { op, undoing },
                    };
                    vec![]
                }
                Ok(effect) => {
                    let effect = self.complete_effect(effect);
                    if let Effect::Import { path, .. } = &effect {
                        self.mode = Mode::Progress {
                            label: format!("Importing {}", path.display()),
                            done: 0,
                            total: 0,
                        };
                    }
                    vec![effect]
                }
                Err((i, msg)) => {
                    f.refuse(i, msg);
                    vec![]
                }
            },
            _ => vec![],
        }
    }

    pub(super) fn show(&mut self, s: Screen) -> Vec<Effect> {
        self.screen = s;
        self.load_screen()
    }
}
