//! `App::update` continued: the Budget screen's Financing view. `$` toggles the screen between
//! its allocations and changes and the Financing view of the year shown; in that view the cursor
//! moves over the funding lines, `n` adds one, `e` edits the selected one and `w` withdraws it
//! (after a question). The keys of the other view that act on a selected change say so instead.

use super::action::{Command, Effect, Screen, WriteOp};
use super::app::{App, Mode};
use super::form;
use super::state::BudgetData;
use crate::domain::financing::Funding;
use crate::domain::model::AllocationStatus;
use crate::domain::report::RowKind;

impl App {
    /// `$`: the Financing view, or back to the allocations and changes.
    pub(super) fn toggle_financing(&mut self) -> Vec<Effect> {
        self.budget_financing = !self.budget_financing;
        if self.screen != Screen::Budget || self.budget.is_none() {
            return self.show(Screen::Budget);
        }
        vec![]
    }

    /// The selected funding line of the Financing view.
    fn selected_funding(&self) -> Option<&Funding> {
        self.budget
            .as_ref()
            .and_then(|b| b.funding.get(self.funding_list.cursor))
    }

    /// The Budget screen's keys that depend on the view shown; None when the key does what it
    /// does anywhere.
    pub(super) fn funding_command(&mut self, c: Command) -> Option<Vec<Effect>> {
        if !self.budget_financing {
            return (c == Command::Edit).then(|| {
                self.note("e edits a funding line: press $ for the Financing view");
                vec![]
            });
        }
        let n = self.budget.as_ref().map_or(0, |b| b.funding.len());
        let page = self.list_rows() as i64;
        let delta = match c {
            Command::Up => Some(-1),
            Command::Down => Some(1),
            Command::PageUp => Some(-page),
            Command::PageDown => Some(page),
            Command::Top => Some(i64::MIN / 2),
            Command::Bottom => Some(i64::MAX / 2),
            _ => None,
        };
        if let Some(d) = delta {
            self.funding_list.move_by(d, n);
            return Some(vec![]);
        }
        Some(match c {
            Command::Add => {
                let phase = self
                    .selected_funding()
                    .map(|f| format!("{}/{}", f.programme_code, f.phase_code))
                    .or_else(|| self.focus.as_ref().map(|(p, c)| format!("{p}/{c}")))
                    .unwrap_or_default();
                let fy = self.budget.as_ref().map(|b| b.fy).or(self.fy);
                self.mode = Mode::Form(form::add_funding_form(phase, fy));
                vec![]
            }
            Command::Edit => match self.selected_funding().cloned() {
                Some(f) if f.status == AllocationStatus::Withdrawn => self.refuse(format!(
                    "Funding line {} is withdrawn: it can no longer be edited",
                    f.id
                )),
                Some(f) => {
                    self.mode = Mode::Form(form::edit_funding_form(&f));
                    vec![]
                }
                None => self.refuse("No funding line to edit: n adds one"),
            },
            Command::WithdrawChange => match self.selected_funding().cloned() {
                Some(f) if f.status == AllocationStatus::Withdrawn => self.refuse(format!(
                    "Funding line {} is already withdrawn: nothing to do",
                    f.id
                )),
                Some(f) => self.confirm(
                    format!(
                        "Withdraw funding line {} ({} {} for {}/{} {})? It stays listed and counts nowhere; this cannot be undone here. y/n",
                        f.id,
                        f.amount.full(),
                        f.source,
                        f.programme_code,
                        f.phase_code,
                        f.fy.label()
                    ),
                    WriteOp::WithdrawFunding {
                        id: f.id,
                        version: f.version,
                    },
                ),
                None => self.refuse("No funding line to withdraw"),
            },
            Command::Approve
            | Command::Reject
            | Command::AmendChange
            | Command::ApproveAllocation
            | Command::WithdrawAllocation
            | Command::Records(_)
            | Command::Sort
            | Command::SortReverse
            | Command::Export => {
                self.refuse("That key acts on allocations and changes: press $ to show them")
            }
            _ => return None,
        })
    }

    /// Narrows the Financing view to the phase a drill-down focused on, and keeps its cursor in
    /// the list.
    pub(super) fn focus_funding(&mut self, b: &mut BudgetData) {
        if let Some((prog, phase)) = &self.focus {
            b.funding
                .retain(|f| &f.programme_code == prog && &f.phase_code == phase);
            if let Some(s) = b.financing.as_mut() {
                s.rows.retain(|r| {
                    r.kind == RowKind::Phase && &r.programme_code == prog && &r.phase_code == phase
                });
            }
        }
        self.funding_list.clamp(b.funding.len());
    }
}
