//! `App::update` continued: the keys that act on a selected record (open a phase, approve or
//! reject a change, exercise an extension, enter a forecast, close or reopen a period, undo an
//! import), the drill-down from a Report cell, and reloading after another process's change.

use super::action::{Effect, Screen, WriteOp};
use super::app::{App, Mode, Status};
use super::form;
use super::state::{ListState, TreeRow, filter_label, report_column};
use crate::domain::FinancialYear;
use crate::domain::report::RowKind;
use crate::ops::types::Batch;

/// Report columns (as in the CSV) that the drill-down treats specially.
const COL_APPROVED_CHANGES: usize = 6;
const COL_PENDING: usize = 8;
const COL_ACTUAL_IN_PERIOD: usize = 9;
const COL_COMMITMENTS: usize = 11;

impl App {
    /// The contract the actuals are filtered to, by its reference (every row shown is against
    /// it, so the first row names it).
    pub(super) fn contract_filter_text(&self) -> String {
        if self.actuals.filter.contract_id.is_none() {
            return String::new();
        }
        self.actuals
            .rows
            .first()
            .and_then(|a| a.contract_reference.clone())
            .unwrap_or_default()
    }

    pub(super) fn open_phase(&mut self) -> Vec<Effect> {
        let (Some(fy), Some(period)) = (self.fy, self.period) else {
            return vec![];
        };
        let Some(t) = &self.tree else { return vec![] };
        match t.rows().get(self.tree_list.cursor) {
            Some(TreeRow::Phase(p)) => vec![Effect::LoadPhase {
                phase_id: p.id,
                fy,
                period,
                row: self
                    .figures
                    .as_ref()
                    .filter(|f| f.fy == fy && f.period == period)
                    .and_then(|f| f.phase_row(&p.programme_code, &p.code))
                    .map(|r| Box::new(r.clone())),
            }],
            _ => {
                self.note("Move to a phase (not a programme) to open it");
                vec![]
            }
        }
    }

    /// `a`/`r`: the form asking the decision approving or rejecting the selected proposed change.
    pub(super) fn decide(&mut self, approve: bool) -> Vec<Effect> {
        let Some(ch) = self.proposed_change("approved or rejected") else {
            return vec![];
        };
        self.mode = Mode::Form(form::decide_change_form(&ch, approve));
        vec![]
    }

    pub(super) fn exercise(&mut self) -> Vec<Effect> {
        let Some(row) = self
            .contracts
            .as_ref()
            .and_then(|c| c.get(self.contract_list.cursor))
        else {
            return vec![];
        };
        let c = &row.contract;
        match c.extensions.iter().find(|e| !e.exercised) {
            Some(opt) => {
                let form = form::exercise_form(c, opt, self.today);
                self.mode = Mode::Form(form);
                vec![]
            }
            None => {
                let text = format!("{} has no unexercised extension option", c.reference);
                self.note(text);
                vec![]
            }
        }
    }

    /// The phase the officer is on, as `PROG/PHASE`: the open phase (Programmes), the selected
    /// report row (Report, Dashboard) or the actuals filter.
    fn current_phase(&self) -> String {
        match self.screen {
            Screen::Programmes => self
                .phase
                .as_ref()
                .map(|p| format!("{}/{}", p.phase.programme_code, p.phase.code))
                .unwrap_or_default(),
            Screen::Report => self
                .figures
                .as_ref()
                .and_then(|f| f.report.rows.get(self.cards.cursor))
                .filter(|r| r.kind == RowKind::Phase)
                .map(|r| format!("{}/{}", r.programme_code, r.phase_code))
                .unwrap_or_default(),
            _ => String::new(),
        }
    }

    /// `f`: the forecast form for the phase in view, pre-filled with its forecast as shown.
    pub(super) fn forecast(&mut self) -> Vec<Effect> {
        let phase = self.current_phase();
        let amount = match self.screen {
            Screen::Programmes => self.phase.as_ref().and_then(|p| p.row.as_ref()),
            _ => self
                .figures
                .as_ref()
                .and_then(|f| f.report.rows.get(self.cards.cursor))
                .filter(|r| r.kind == RowKind::Phase),
        }
        .map(|r| r.forecast.plain())
        .unwrap_or_default();
        self.mode = Mode::Form(form::forecast_form(phase, self.fy, self.period, amount));
        vec![]
    }

    /// `C`: close the period shown, after a question.
    pub(super) fn close_period(&mut self) -> Vec<Effect> {
        let (Some(fy), Some(period)) = (self.fy, self.period) else {
            return vec![];
        };
        let question = format!(
            "Close {} {}? Everything dated on or before {} is then locked (u or R reopens it). y/n",
            fy.label(),
            period.label(),
            crate::domain::calendar::uk_date(fy.period_end(period))
        );
        self.mode = Mode::Confirm {
            question,
            effect: Effect::Write {
                op: WriteOp::ClosePeriod {
                    fy,
                    period,
                    allow_missing_comments: false,
                },
                undoing: false,
            },
        };
        vec![]
    }

    /// `O`: carry the comments of the period before the one shown forward to it, where a phase
    /// has none (each marked "(carried from P7)", changed with `o`).
    pub(super) fn carry_comments(&mut self) -> Vec<Effect> {
        let (Some(fy), Some(period)) = (self.fy, self.period) else {
            return vec![];
        };
        let Some(from) = period.prev() else {
            self.note("P1 is the first period of the year: there are no earlier comments to carry");
            return vec![];
        };
        vec![Effect::Write {
            op: WriteOp::CarryComments {
                fy,
                from,
                to: period,
            },
            undoing: false,
        }]
    }

    /// `R`: reopen the period shown (a form asks the reason).
    pub(super) fn reopen_period(&mut self) -> Vec<Effect> {
        let (Some(fy), Some(period)) = (self.fy, self.period) else {
            return vec![];
        };
        self.mode = Mode::Form(form::reopen_form(fy, period));
        vec![]
    }

    /// The import batches arrived: show them to pick one to undo.
    pub(super) fn show_batches(&mut self, mut batches: Vec<Batch>) -> Vec<Effect> {
        if batches.is_empty() {
            self.note("No import batches yet: nothing to undo");
            return vec![];
        }
        batches.reverse();
        self.mode = Mode::Batches {
            batches,
            list: ListState::default(),
        };
        vec![]
    }

    /// Enter on a batch: ask before undoing it.
    pub(super) fn pick_batch(&mut self, b: &Batch) -> Vec<Effect> {
        if let Some(at) = &b.undone_at {
            self.mode = Mode::Normal;
            self.status = Some(Status {
                text: format!(
                    "Batch {} ({}) was already undone at {at}",
                    b.id, b.file_name
                ),
                error: true,
            });
            return vec![];
        }
        self.mode = Mode::Confirm {
            question: format!(
                "Undo import batch {} ({}: {} totalling {})? Its rows are removed. y/n",
                b.id,
                b.file_name,
                crate::domain::text::counted(b.rows, "row"),
                b.total.bracketed()
            ),
            effect: Effect::Write {
                op: WriteOp::UndoImport {
                    id: b.id,
                    file: b.file_name.clone(),
                },
                undoing: false,
            },
        };
        vec![]
    }

    /// Enter on a Report row: what is behind the selected column (the first one after Phase).
    /// Actuals columns open the Actuals screen filtered to the phase (or all phases, on the grand
    /// total) and the periods that make up the cell; Commitments the phase's contracts; Approved
    /// changes and Pending the phase's budget changes.
    pub(super) fn drill_down(&mut self) -> Vec<Effect> {
        let (Some(f), Some(fy), Some(period)) = (&self.figures, self.fy, self.period) else {
            return vec![];
        };
        let Some(row) = f.report.rows.get(self.cards.cursor) else {
            return vec![];
        };
        let phase = match row.kind {
            RowKind::Phase => format!("{}/{}", row.programme_code, row.phase_code),
            RowKind::GrandTotal => String::new(),
            _ => {
                self.note("Enter opens a phase or the grand total: move to a phase row");
                return vec![];
            }
        };
        let col = report_column(self.report_col, self.report_cells);
        if col == COL_COMMITMENTS || col == COL_APPROVED_CHANGES || col == COL_PENDING {
            if phase.is_empty() {
                self.note("Move to a phase row to see its contracts or changes");
                return vec![];
            }
            self.focus = Some((row.programme_code.clone(), row.phase_code.clone()));
            let to = if col == COL_COMMITMENTS {
                Screen::Contracts
            } else {
                Screen::Budget
            };
            return self.show(to);
        }
        let (first, last) = if col == COL_ACTUAL_IN_PERIOD {
            (Some(period), None)
        } else {
            (None, Some(period))
        };
        self.screen = Screen::Actuals;
        let mut out = Vec::new();
        if self.tree.is_none() {
            out.push(Effect::LoadTree);
        }
        out.push(Effect::ApplyFilter {
            fy: Some(fy),
            period: first,
            to_period: last,
            phase,
            contract: String::new(),
            supplier: String::new(),
            text: String::new(),
            sort: self.actuals.filter.sort,
        });
        out
    }

    /// Another process changed the database: reload what is on screen, keeping the selection
    /// (the selected actual by its id) and whatever form or popup is open.
    pub(super) fn external_change(&mut self) -> Vec<Effect> {
        self.actuals.keep_id = self.actuals.get(self.actuals.cursor).map(|a| a.id);
        // The figures on screen stay until the new ones arrive (in the same run of effects). The
        // chart (every year's report) is reloaded only where it is shown.
        let chart = self.screen == Screen::Dashboard;
        self.chart_stale |= !chart;
        let mut out = vec![Effect::LoadFigures {
            fy: self.fy,
            period: self.period,
            chart,
        }];
        match self.screen {
            Screen::Dashboard | Screen::Report => {}
            Screen::Actuals => out.push(self.actuals_reload()),
            _ => out.extend(self.load_screen()),
        }
        out
    }

    pub(super) fn change_year(&mut self, next: bool) -> Vec<Effect> {
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
            self.note(format!("No figures beyond {}", fy.label()));
            return vec![];
        }
        self.fy = Some(target);
        // The year being reported opens on the month being reported, another on its period to
        // show (today's, or P12).
        let closed_through = self.figures.as_ref().and_then(|f| f.closed_through);
        let (reported, month) = FinancialYear::reporting_period(self.today, closed_through);
        self.period = Some(if target == reported {
            month
        } else {
            target.period_to_show(self.today)
        });
        self.actuals.filter.fy = Some(target);
        self.actuals.filter.period = None;
        // Another year's list: from its first row (an index into this year's means nothing).
        self.actuals.list = ListState::default();
        self.actuals.filter_label = filter_label(&self.actuals.filter, &self.phase_filter_text());
        self.actuals.loaded = false;
        self.reload_figures()
    }

    pub(super) fn move_cursor(&mut self, delta: i64) -> Vec<Effect> {
        match self.screen {
            Screen::Dashboard => {
                let n = self.figures.as_ref().map_or(0, |f| f.programmes.len());
                // The cards move one at a time, whatever the step.
                self.cards.move_by(delta.signum(), n);
            }
            Screen::Programmes => {
                if let Some(t) = &self.tree {
                    self.tree_list.move_by(delta, t.rows().len());
                }
            }
            Screen::Decisions => {
                let n = self.register.as_ref().map_or(0, |r| r.decisions.len());
                self.decision_list.move_by(delta, n);
            }
            Screen::Budget => {
                let n = self.budget.as_ref().map_or(0, |b| b.changes.len());
                self.budget_list.move_by(delta, n);
            }
            Screen::Contracts => {
                let n = self.contracts.as_ref().map_or(0, Vec::len);
                self.contract_list.move_by(delta, n);
            }
            Screen::Audit => {
                let n = self.audit.as_ref().map_or(0, Vec::len);
                self.audit_list.move_by(delta, n);
            }
            Screen::Report => {
                let n = self.figures.as_ref().map_or(0, |f| f.report.rows.len());
                self.cards.move_by(delta, n);
            }
            Screen::Actuals => {
                if self.actuals.total == 0 {
                    return vec![];
                }
                let total = self.actuals.total as usize;
                self.actuals.move_by(delta, total);
                return self.scroll_actuals();
            }
        }
        vec![]
    }
}
