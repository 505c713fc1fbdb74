//! `App::update` continued: the keys of the lifecycle operations. On the Budget screen `A`
//! approves and `W` withdraws a projected allocation, `m` amends and `w` withdraws the selected
//! proposed change; on a Report row or the phase view `F` withdraws the standing forecast.

use super::action::{Effect, Screen};
use super::app::{App, Mode, Status};
use super::form;
use crate::domain::model::{BudgetChange, ChangeStatus};
use crate::domain::report::RowKind;

impl App {
    /// The selected change when it is still proposed; otherwise says why not.
    pub(super) fn proposed_change(&mut self, verb: &str) -> Option<BudgetChange> {
        let ch = self
            .budget
            .as_ref()
            .and_then(|b| b.changes.get(self.budget_list.cursor))?
            .clone();
        if ch.status != ChangeStatus::Proposed {
            self.status = Some(Status {
                text: format!(
                    "Change {} is already {}: only a proposed change can be {verb}",
                    ch.id, ch.status
                ),
                error: true,
            });
            return None;
        }
        Some(ch)
    }

    /// `A`: the approval form for a projected allocation.
    pub(super) fn approve_allocation(&mut self) -> Vec<Effect> {
        let shown = self
            .budget
            .as_ref()
            .map(|b| b.allocations.clone())
            .unwrap_or_default();
        self.mode = Mode::Form(form::approve_allocation_form(&shown));
        vec![]
    }

    /// `W`: the withdrawal form for a projected allocation.
    pub(super) fn withdraw_allocation(&mut self) -> Vec<Effect> {
        let shown = self
            .budget
            .as_ref()
            .map(|b| b.allocations.clone())
            .unwrap_or_default();
        self.mode = Mode::Form(form::withdraw_allocation_form(&shown, self.today));
        vec![]
    }

    /// `m`: amend the selected proposed change.
    pub(super) fn amend_change(&mut self) -> Vec<Effect> {
        if let Some(ch) = self.proposed_change("amended") {
            self.mode = Mode::Form(form::amend_change_form(&ch));
        }
        vec![]
    }

    /// `w`: withdraw the selected proposed change (a form asks the reason).
    pub(super) fn withdraw_change(&mut self) -> Vec<Effect> {
        if let Some(ch) = self.proposed_change("withdrawn") {
            self.mode = Mode::Form(form::withdraw_change_form(&ch));
        }
        vec![]
    }

    /// `v`: vary the selected contract.
    pub(super) fn vary_contract(&mut self) -> Vec<Effect> {
        let Some(row) = self
            .contracts
            .as_ref()
            .and_then(|c| c.get(self.contract_list.cursor))
        else {
            return vec![];
        };
        self.mode = Mode::Form(form::vary_contract_form(
            &row.contract,
            self.today,
            self.figures.as_ref().and_then(|f| f.closed_through),
        ));
        vec![]
    }

    /// `o`: the variance comment of the selected Report row for the year and period shown.
    pub(super) fn comment(&mut self) -> Vec<Effect> {
        let Some(phase) = self.phase_in_view() else {
            self.note("Move to a phase row to comment on it");
            return vec![];
        };
        let current = self.comment_of(&phase);
        self.mode = Mode::Form(form::comment_form(phase, self.fy, self.period, &current));
        vec![]
    }

    /// The variance comment `phase` (`PROG/PHASE`) has in the report shown (empty for none).
    fn comment_of(&self, phase: &str) -> String {
        let Some(f) = self.figures.as_ref() else {
            return String::new();
        };
        f.report
            .rows
            .iter()
            .position(|r| {
                r.kind == RowKind::Phase
                    && format!("{}/{}", r.programme_code, r.phase_code) == phase
            })
            .and_then(|i| f.after_rag.get(i))
            .map(|a| a.commentary.clone())
            .unwrap_or_default()
    }

    /// The open phase (Phases screen) or the selected phase row (Report), as `PROG/PHASE`.
    fn phase_in_view(&self) -> Option<String> {
        match self.screen {
            Screen::Programmes => self
                .phase
                .as_ref()
                .map(|p| format!("{}/{}", p.phase.programme_code, p.phase.code)),
            _ => self
                .figures
                .as_ref()
                .and_then(|f| f.report.rows.get(self.cards.cursor))
                .filter(|r| r.kind == RowKind::Phase)
                .map(|r| format!("{}/{}", r.programme_code, r.phase_code)),
        }
    }

    /// `F`: withdraw the standing forecast of the phase in view for the year shown.
    pub(super) fn withdraw_forecast(&mut self) -> Vec<Effect> {
        let Some(phase) = self.phase_in_view() else {
            self.note("Move to a phase row (or open a phase) to withdraw its forecast");
            return vec![];
        };
        self.mode = Mode::Form(form::withdraw_forecast_form(phase, self.fy, self.today));
        vec![]
    }
}
