//! `App::update` continued: the keys of the records figures rest on. On the Phases screen `n`
//! adds a phase, `N` a programme, `e` edits and `d` deletes the selected row; in the phase view
//! `J`/`K` select a milestone or benefit, `m`/`b` add one, `E` edits it, `c` completes the
//! milestone, `r` enters what the benefit realised, `W` withdraws it. On Decisions `n`/`e`/`d`.
//! On Contracts `n`/`E`/`d` add, edit and delete a contract, `t` shows the frameworks instead
//! (then `n`, `e`/`E`, `d` act on them; `N` adds a framework from either). On Budget `←`/`→`
//! move the cursor between the allocations and the changes; `A`/`W` act on the selected
//! allocation.

use super::action::records::{RecordKey, RecordOp, Values};
use super::action::{Command, Effect, Screen, WriteOp};
use super::app::{App, Mode, Status};
use super::form::{self, Form, records as rf};
use super::records_view::sorted_milestones;
use super::state::{ListState, TreeRow};
use crate::domain::benefit::Benefit;
use crate::domain::milestone::Milestone;
use crate::domain::model::{AllocationStatus, Framework};
use crate::ops::{benefit_open, phase_values};
use crate::tui::action::records::{DecisionValues, FrameworkValues, ProgrammeValues};

/// A milestone or benefit of the phase view.
enum Item {
    Milestone(Milestone),
    Benefit(Benefit),
}

impl App {
    /// The records keys; None when `c` is not one of them here.
    pub(super) fn records_command(&mut self, c: Command) -> Option<Vec<Effect>> {
        use Command as C;
        use RecordKey as K;
        Some(match (self.screen, c) {
            (Screen::Programmes, C::Add) => self.add_phase(),
            (Screen::Programmes, C::Records(K::AddOther)) => self.form(rf::programme_form(None)),
            (Screen::Programmes, C::Edit) => self.edit_tree_row(),
            (Screen::Programmes, C::Delete) => self.delete_tree_row(),
            (Screen::Programmes, C::Records(K::NextItem)) => self.move_item(1),
            (Screen::Programmes, C::Records(K::PrevItem)) => self.move_item(-1),
            (Screen::Programmes, C::Records(k)) => self.item_key(k),
            (Screen::Decisions, C::Add) => self.form(rf::decision_form(None, self.today)),
            (Screen::Decisions, C::Edit | C::Delete) => self.decision_key(c == C::Edit),
            (Screen::Contracts, C::Records(K::Frameworks)) => {
                let shown = !self.records.frameworks_shown;
                self.records.frameworks_shown = shown;
                if shown {
                    vec![Effect::LoadFrameworks]
                } else {
                    vec![]
                }
            }
            (Screen::Contracts, C::Records(K::AddOther)) => self.form(rf::framework_form(None)),
            (Screen::Contracts, C::Add) if self.records.frameworks_shown => {
                self.form(rf::framework_form(None))
            }
            (Screen::Contracts, C::Add) => {
                let phase = self
                    .focus
                    .as_ref()
                    .map(|(p, c)| format!("{p}/{c}"))
                    .unwrap_or_default();
                self.form(rf::add_contract_form(phase, self.today))
            }
            (Screen::Contracts, C::Edit | C::Records(K::EditItem) | C::Exercise | C::Delete)
                if self.records.frameworks_shown =>
            {
                self.framework_key(c == C::Delete)
            }
            (Screen::Contracts, C::Edit | C::Records(K::EditItem) | C::Delete) => {
                self.contract_key(c == C::Delete)
            }
            (Screen::Contracts, C::VaryContract) if self.records.frameworks_shown => {
                self.note("Press t to show the contracts, then v varies the selected one");
                vec![]
            }
            (Screen::Contracts, C::Up | C::Down | C::PageUp | C::PageDown | C::Top | C::Bottom)
                if self.records.frameworks_shown =>
            {
                let n = self.records.frameworks.as_ref().map_or(0, Vec::len);
                let delta = self.step(c);
                self.records.framework_list.move_by(delta, n);
                vec![]
            }
            (Screen::Budget, C::Records(K::Pane)) => {
                self.records.allocations_pane = !self.records.allocations_pane;
                vec![]
            }
            (Screen::Budget, C::Up | C::Down | C::PageUp | C::PageDown | C::Top | C::Bottom)
                if self.records.allocations_pane =>
            {
                let n = self.budget.as_ref().map_or(0, |b| b.allocations.len());
                let delta = self.step(c);
                self.records.allocation_list.move_by(delta, n);
                vec![]
            }
            (Screen::Budget, C::ApproveAllocation | C::WithdrawAllocation)
                if self.records.allocations_pane =>
            {
                self.selected_allocation(c == C::ApproveAllocation)
            }
            _ => return None,
        })
    }

    /// How far a cursor command moves.
    fn step(&self, c: Command) -> i64 {
        let page = self.list_rows() as i64;
        match c {
            Command::Up => -1,
            Command::Down => 1,
            Command::PageUp => -page,
            Command::PageDown => page,
            Command::Top => i64::MIN / 2,
            _ => i64::MAX / 2,
        }
    }

    fn form(&mut self, f: Form) -> Vec<Effect> {
        self.mode = Mode::Form(f);
        vec![]
    }

    pub(super) fn refuse(&mut self, text: impl Into<String>) -> Vec<Effect> {
        self.status = Some(Status {
            text: text.into(),
            error: true,
        });
        vec![]
    }

    fn delete(&mut self, id: i64, version: i64, values: Values) -> Vec<Effect> {
        let question = format!(
            "Delete {} {}? (refused while anything refers to it; u adds it back) y/n",
            values.kind(),
            values.name()
        );
        self.confirm(
            question,
            WriteOp::Record(Box::new(RecordOp::Delete {
                id,
                version: Some(version),
                values,
            })),
        )
    }

    fn tree_row(&self) -> Option<TreeRow<'_>> {
        let tree = self.tree.as_ref()?;
        tree.rows().get(self.tree_list.cursor).copied()
    }

    /// `n`: a phase of the selected row's programme.
    fn add_phase(&mut self) -> Vec<Effect> {
        let programme = match self.tree_row() {
            Some(TreeRow::Programme(p)) => p.code.clone(),
            Some(TreeRow::Phase(p)) => p.programme_code.clone(),
            None => String::new(),
        };
        self.form(rf::phase_form(programme, None))
    }

    fn edit_tree_row(&mut self) -> Vec<Effect> {
        let f = match self.tree_row() {
            Some(TreeRow::Programme(p)) => rf::programme_form(Some(p)),
            Some(TreeRow::Phase(p)) => rf::phase_form(p.programme_code.clone(), Some(p)),
            None => return vec![],
        };
        self.form(f)
    }

    fn delete_tree_row(&mut self) -> Vec<Effect> {
        let (id, version, values) = match self.tree_row() {
            Some(TreeRow::Programme(p)) => (
                p.id,
                p.version,
                Values::Programme(ProgrammeValues {
                    code: p.code.clone(),
                    name: p.name.clone(),
                    organisation: p.organisation.clone(),
                    status: p.status,
                }),
            ),
            Some(TreeRow::Phase(p)) => (p.id, p.version, Values::Phase(phase_values(p))),
            None => return vec![],
        };
        // The phase view closes when its phase may be deleted (it would have nothing to show).
        if self.phase.as_ref().is_some_and(|d| d.phase.id == id) {
            self.phase = None;
        }
        self.delete(id, version, values)
    }

    fn decision_key(&mut self, edit: bool) -> Vec<Effect> {
        let Some(d) = self
            .register
            .as_ref()
            .and_then(|r| r.decisions.get(self.decision_list.cursor))
            .cloned()
        else {
            return vec![];
        };
        if edit {
            return self.form(rf::decision_form(Some(&d), self.today));
        }
        let values = Values::Decision(DecisionValues {
            reference: d.reference.clone(),
            programme: d.programme_code.clone().unwrap_or_default(),
            body: d.body.clone(),
            date: d.date,
            item: d.item.clone().unwrap_or_default(),
            key_decision: d.key_decision,
            call_in: d.call_in,
            outcome: d.outcome.clone(),
            link: d.link.clone().unwrap_or_default(),
            summary: d.summary.clone(),
        });
        self.delete(d.id, d.version, values)
    }

    fn framework_key(&mut self, delete: bool) -> Vec<Effect> {
        let Some(f) = self
            .records
            .frameworks
            .as_ref()
            .and_then(|l| l.get(self.records.framework_list.cursor))
            .cloned()
        else {
            return vec![];
        };
        if !delete {
            return self.form(rf::framework_form(Some(&f)));
        }
        let values = Values::Framework(FrameworkValues {
            name: f.name.clone(),
            reference: f.reference.clone(),
            planned_end: f.planned_end,
            actual_end: f.actual_end,
        });
        self.delete(f.id, f.version, values)
    }

    fn contract_key(&mut self, delete: bool) -> Vec<Effect> {
        let Some(c) = self
            .contracts
            .as_ref()
            .and_then(|l| l.get(self.contract_list.cursor))
            .map(|r| r.contract.clone())
        else {
            return vec![];
        };
        if !delete {
            return self.form(rf::edit_contract_form(&c));
        }
        // The values are read again as the delete runs (with the explicit profile).
        let values = Values::Contract(crate::tui::action::records::ContractValues {
            reference: c.reference.clone(),
            title: c.title.clone(),
            supplier: c.supplier.clone(),
            phase: format!("{}/{}", c.programme_code, c.phase_code),
            framework: c.framework.clone().unwrap_or_default(),
            value: c.original_value,
            start: c.start,
            term_months: c.term_months,
            award_decision: c.award_decision_reference.clone().unwrap_or_default(),
            extensions: Vec::new(),
            profile: Vec::new(),
        });
        self.delete(c.id, c.version, values)
    }

    /// The contracts screen's loads: the contracts, and the frameworks when they are shown.
    pub(super) fn contracts_effects(&self) -> Vec<Effect> {
        let mut out = vec![Effect::LoadContracts];
        if self.records.frameworks_shown {
            out.push(Effect::LoadFrameworks);
        }
        out
    }

    pub(super) fn take_frameworks(&mut self, f: Vec<Framework>) -> Vec<Effect> {
        self.records.framework_list.clamp(f.len());
        self.records.frameworks = Some(f);
        vec![]
    }

    /// `A`/`W` with the cursor on the allocations: the form for the selected one.
    fn selected_allocation(&mut self, approve: bool) -> Vec<Effect> {
        let Some(a) = self
            .budget
            .as_ref()
            .and_then(|b| b.allocations.get(self.records.allocation_list.cursor))
            .cloned()
        else {
            return vec![];
        };
        if a.status != AllocationStatus::Projected {
            return self.refuse(format!(
                "Allocation {} is {}: only a projected allocation can be {}",
                a.id,
                a.status,
                if approve { "approved" } else { "withdrawn" }
            ));
        }
        let shown = [a];
        self.form(if approve {
            form::approve_allocation_form(&shown)
        } else {
            form::withdraw_allocation_form(&shown, self.today)
        })
    }

    /// The milestones and benefits of the open phase, in the order the phase view shows them.
    fn items(&self) -> Vec<Item> {
        let Some(d) = &self.phase else {
            return vec![];
        };
        sorted_milestones(&d.milestones)
            .into_iter()
            .map(|m| Item::Milestone(m.clone()))
            .chain(d.benefits.iter().map(|p| Item::Benefit(p.benefit.clone())))
            .collect()
    }

    fn move_item(&mut self, delta: i64) -> Vec<Effect> {
        let n = self.items().len();
        if n == 0 {
            self.note("Open a phase with milestones or benefits (Enter) to select one");
            return vec![];
        }
        let mut l = ListState {
            cursor: self.records.item.min(n - 1),
            top: 0,
        };
        l.move_by(delta, n);
        self.records.item = l.cursor;
        vec![]
    }

    /// The open phase as `PROG/PHASE`.
    fn open_phase_label(&self) -> Option<String> {
        self.phase
            .as_ref()
            .map(|d| format!("{}/{}", d.phase.programme_code, d.phase.code))
    }

    /// The phase-view keys: add a milestone or benefit, act on the selected one.
    fn item_key(&mut self, k: RecordKey) -> Vec<Effect> {
        let Some(phase) = self.open_phase_label() else {
            return self.refuse("Open a phase first (Enter on it): its milestones and benefits are in the phase view");
        };
        let items = self.items();
        let item = items.get(self.records.item.min(items.len().saturating_sub(1)));
        match (k, item) {
            (RecordKey::AddMilestone, _) => self.form(rf::milestone_form(phase, None)),
            (RecordKey::AddBenefit, _) => self.form(rf::benefit_form(&phase, None)),
            (RecordKey::EditItem, Some(Item::Milestone(m))) => {
                let f = rf::milestone_form(phase, Some(m));
                self.form(f)
            }
            (RecordKey::EditItem, Some(Item::Benefit(b))) => {
                let f = rf::benefit_form(&phase, Some(b));
                self.form(f)
            }
            (RecordKey::Complete, Some(Item::Milestone(m))) => {
                let f = rf::complete_form(m, self.today);
                self.form(f)
            }
            (RecordKey::Realise, Some(Item::Benefit(b))) if benefit_open(b) => {
                let f = rf::realise_form(b, self.fy, self.period);
                self.form(f)
            }
            (RecordKey::WithdrawBenefit, Some(Item::Benefit(b))) => {
                let op = RecordOp::WithdrawBenefit {
                    id: b.id,
                    version: Some(b.version),
                    description: b.description.clone(),
                };
                let question = rf::question(&op).unwrap_or_default();
                self.confirm(question, WriteOp::Record(Box::new(op)))
            }
            (RecordKey::Complete, _) => self.refuse("Select a milestone (J/K) to complete it"),
            (RecordKey::Realise | RecordKey::WithdrawBenefit, _) => {
                self.refuse("Select a benefit (J/K) that is not withdrawn")
            }
            (RecordKey::EditItem, None) => {
                self.refuse("The phase has no milestone or benefit to edit: m or b adds one")
            }
            _ => vec![],
        }
    }
}
