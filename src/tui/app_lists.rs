//! `App::update` continued for the lists: `s` / `S` sort the list on screen by its columns (the
//! selection stays on its record), and `x` exports what the list shows (its filter and order,
//! every row) to CSV. Sorting the actuals is asked of the database (an effect); the other lists
//! are in memory and sorted here.

use super::action::{Effect, ExportWhat, Screen};
use super::app::App;
use super::form;
use super::sort::{
    self, ALLOCATIONS, AUDIT, BudgetTable, CHANGES, CONTRACTS, DECISIONS, Sort, TREE,
    allocation_share,
};
use super::state::{TreeRow, report_column};
use crate::domain::audit_words::{changes, kind_word, local_time_in};
use crate::io::table::{Cell, Table};
use crate::ops::types::{ActualOrder, ActualSort};

/// The orders of the Actuals screen, in the order `s` steps through them.
const ACTUAL_ORDERS: [ActualOrder; 3] = [
    ActualOrder::Date,
    ActualOrder::Amount,
    ActualOrder::Supplier,
];

fn money(m: crate::domain::Money) -> Cell {
    Cell::Num(m.plain())
}

fn date(d: chrono::NaiveDate) -> Cell {
    Cell::Num(d.format("%Y-%m-%d").to_string())
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

/// The rows of a list the App holds (when loaded).
type Rows<T> = fn(&App) -> Option<&[T]>;

/// The id of the row at `cursor`, read before a sort to find the same record after it.
fn id_at<T>(rows: Option<&[T]>, cursor: usize, id: impl Fn(&T) -> i64) -> Option<i64> {
    rows.and_then(|r| r.get(cursor)).map(id)
}

/// Where the record of id `keep` is now.
fn index_of<T>(rows: Option<&[T]>, keep: Option<i64>, id: impl Fn(&T) -> i64) -> Option<usize> {
    let keep = keep?;
    rows?.iter().position(|r| id(r) == keep)
}

impl App {
    /// `s` (`reverse` false): sort by the next column; `S`: the same column the other way. On
    /// the Report, `s` sorts by the selected column, then the other way, then back to the
    /// report's own order.
    pub(super) fn sort_list(&mut self, reverse: bool) -> Vec<Effect> {
        let step = |s: Option<Sort>, n: usize| {
            if reverse {
                Sort::reversed(s)
            } else {
                Sort::next(s, n)
            }
        };
        match self.screen {
            Screen::Programmes => {
                self.sorts.tree = Some(step(self.sorts.tree, TREE.len()));
                self.sort_tree_keeping();
            }
            Screen::Decisions => {
                self.sorts.decisions = Some(step(self.sorts.decisions, DECISIONS.len()));
                let rows: Rows<_> = |a| a.register.as_ref().map(|r| &r.decisions[..]);
                let keep = id_at(rows(self), self.decision_list.cursor, |d| d.id);
                self.apply_sorts();
                if let Some(i) = index_of(rows(self), keep, |d| d.id) {
                    self.decision_list.cursor = i;
                }
            }
            Screen::Budget => {
                // `s` runs through the changes' columns, then the allocations'.
                let next = match self.sorts.budget {
                    Some((table, s)) if reverse => (table, Sort::reversed(Some(s))),
                    None if reverse => (BudgetTable::Changes, Sort::reversed(None)),
                    None => (BudgetTable::Changes, Sort::next(None, CHANGES.len())),
                    Some((BudgetTable::Changes, s)) if s.col + 1 < CHANGES.len() => {
                        (BudgetTable::Changes, Sort::next(Some(s), CHANGES.len()))
                    }
                    Some((BudgetTable::Changes, _)) => (
                        BudgetTable::Allocations,
                        Sort::next(None, ALLOCATIONS.len()),
                    ),
                    Some((BudgetTable::Allocations, s)) if s.col + 1 < ALLOCATIONS.len() => (
                        BudgetTable::Allocations,
                        Sort::next(Some(s), ALLOCATIONS.len()),
                    ),
                    Some((BudgetTable::Allocations, _)) => {
                        (BudgetTable::Changes, Sort::next(None, CHANGES.len()))
                    }
                };
                self.sorts.budget = Some(next);
                let rows: Rows<_> = |a| a.budget.as_ref().map(|b| &b.changes[..]);
                let keep = id_at(rows(self), self.budget_list.cursor, |c| c.id);
                self.apply_sorts();
                if let Some(i) = index_of(rows(self), keep, |c| c.id) {
                    self.budget_list.cursor = i;
                }
            }
            Screen::Contracts => {
                self.sorts.contracts = Some(step(self.sorts.contracts, CONTRACTS.len()));
                let rows: Rows<_> = |a| a.contracts.as_deref();
                let keep = id_at(rows(self), self.contract_list.cursor, |r| r.contract.id);
                self.apply_sorts();
                if let Some(i) = index_of(rows(self), keep, |r| r.contract.id) {
                    self.contract_list.cursor = i;
                }
            }
            Screen::Audit => {
                self.sorts.audit = Some(step(self.sorts.audit, AUDIT.len()));
                let rows: Rows<_> = |a| a.audit.as_deref();
                let keep = id_at(rows(self), self.audit_list.cursor, |e| e.id);
                self.apply_sorts();
                if let Some(i) = index_of(rows(self), keep, |e| e.id) {
                    self.audit_list.cursor = i;
                }
            }
            Screen::Report => self.sort_report(reverse),
            Screen::Actuals => return self.sort_actuals(reverse),
            Screen::Dashboard => {}
        }
        vec![]
    }

    /// Sorts the tree, keeping the selected programme or phase selected.
    fn sort_tree_keeping(&mut self) {
        let keep = self.tree.as_ref().and_then(|t| {
            t.rows().get(self.tree_list.cursor).map(|r| match r {
                TreeRow::Programme(p) => (true, p.id),
                TreeRow::Phase(p) => (false, p.id),
            })
        });
        self.apply_sorts();
        if let Some(t) = &self.tree
            && let Some(i) = t.rows().iter().position(|r| {
                Some(match r {
                    TreeRow::Programme(p) => (true, p.id),
                    TreeRow::Phase(p) => (false, p.id),
                }) == keep
            })
        {
            self.tree_list.cursor = i;
        }
    }

    /// The Report: by the selected column ascending, then descending, then the report's own
    /// order (programme then phase code); `S` reverses.
    fn sort_report(&mut self, reverse: bool) {
        let col = report_column(self.report_col, self.report_cells);
        let now = self.sorts.report;
        self.sorts.report = match now {
            Some(s) if reverse => Some(Sort::reversed(Some(s))),
            None if reverse => Some(Sort { col, desc: true }),
            Some(s) if s.col == col && !s.desc => Some(Sort { col, desc: true }),
            Some(s) if s.col == col => None,
            _ => Some(Sort { col, desc: false }),
        };
        let key = super::state::report_row_key;
        let keep = self
            .figures
            .as_ref()
            .and_then(|f| f.report.rows.get(self.cards.cursor).map(key));
        match (self.sorts.report, &mut self.figures) {
            (Some(s), Some(f)) => sort::sort_report(&mut f.report, &mut f.after_rag, s),
            // The report's own order: each programme's phases by code.
            (None, Some(f)) => sort::sort_report(
                &mut f.report,
                &mut f.after_rag,
                Sort {
                    col: 1,
                    desc: false,
                },
            ),
            _ => {}
        }
        if let Some(f) = &self.figures
            && let Some(i) = f.report.rows.iter().position(|r| Some(key(r)) == keep)
        {
            self.cards.cursor = i;
        }
    }

    /// The Actuals: date, amount, supplier (in the database), keeping the selected actual.
    fn sort_actuals(&mut self, reverse: bool) -> Vec<Effect> {
        let now = self.actuals.filter.sort;
        let col = ACTUAL_ORDERS.iter().position(|o| *o == now.by).unwrap_or(0);
        let current = Sort {
            col,
            desc: now.desc,
        };
        let s = if reverse {
            Sort::reversed(Some(current))
        } else {
            Sort::next(Some(current), ACTUAL_ORDERS.len())
        };
        let mut filter = self.actuals.filter.clone();
        filter.sort = ActualSort {
            by: ACTUAL_ORDERS[s.col],
            desc: s.desc,
        };
        let keep = self.actuals.get(self.actuals.cursor).map(|a| a.id);
        self.actuals.keep_id = keep;
        vec![Effect::SortActuals {
            filter,
            keep,
            height: self.list_rows() as u64,
        }]
    }

    /// Puts each list's sort back after it is (re)loaded (the cursor keeps its place).
    pub(super) fn apply_sorts(&mut self) {
        if let (Some(s), Some(t)) = (self.sorts.tree, &mut self.tree) {
            sort::sort_tree(t, s);
        }
        if let (Some(s), Some(r)) = (self.sorts.decisions, &mut self.register) {
            sort::sort_register(r, s);
        }
        if let (Some((table, s)), Some(b)) = (self.sorts.budget, &mut self.budget) {
            sort::sort_budget(b, table, s);
        }
        if let (Some(s), Some(c)) = (self.sorts.contracts, &mut self.contracts) {
            sort::sort_contracts(c, s);
        }
        if let (Some(s), Some(e)) = (self.sorts.audit, &mut self.audit) {
            sort::sort_audit(e, s);
        }
        if let (Some(s), Some(f)) = (self.sorts.report, &mut self.figures) {
            sort::sort_report(&mut f.report, &mut f.after_rag, s);
        }
    }

    /// `x`: the export form, with a default file in the export folder.
    pub(super) fn export_form(&mut self) -> Vec<Effect> {
        let dir = |name: String| -> String {
            self.export_dir
                .join(format!("outturn-{name}.csv"))
                .display()
                .to_string()
        };
        let fy = self.fy.map(|y| y.label()).unwrap_or_default();
        let (what, path) = match self.screen {
            Screen::Report => {
                let path = self
                    .default_export_path()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                self.mode = super::app::Mode::Form(form::export_form(path));
                return vec![];
            }
            Screen::Actuals => {
                let f = &self.actuals.filter;
                let mut name = "actuals".to_string();
                if let Some(y) = f.fy {
                    name.push_str(&format!("-{}", y.label()));
                    match (f.period, f.to_period) {
                        (first, Some(last)) => name.push_str(&format!(
                            "-{}-{}",
                            first.unwrap_or(crate::domain::Period::FIRST).label(),
                            last.label()
                        )),
                        (Some(p), None) => name.push_str(&format!("-{}", p.label())),
                        (None, None) => {}
                    }
                }
                (
                    match self.actuals.total {
                        1 => "the 1 actual the filter selects".to_string(),
                        n => format!("the {n} actuals the filter selects"),
                    },
                    dir(name),
                )
            }
            Screen::Programmes => ("the programmes and phases".into(), dir("phases".into())),
            Screen::Decisions => ("the decisions".into(), dir("decisions".into())),
            Screen::Budget => match self.sorts.budget {
                Some((BudgetTable::Allocations, _)) => (
                    format!("the allocations in {fy}"),
                    dir(format!("allocations-{fy}")),
                ),
                _ => (
                    format!("the budget changes in {fy}"),
                    dir(format!("budget-changes-{fy}")),
                ),
            },
            Screen::Contracts => ("the contracts".into(), dir("contracts".into())),
            Screen::Audit => ("the changes shown".into(), dir("audit".into())),
            Screen::Dashboard => return vec![],
        };
        self.mode = super::app::Mode::Form(form::export_list_form(&what, path));
        vec![]
    }

    /// Fills in what only the app knows: what the screen shows (for an export), the order in
    /// force (for a new actuals filter).
    pub(super) fn complete_effect(&self, effect: Effect) -> Effect {
        match effect {
            Effect::Export {
                path,
                what: ExportWhat::Report { fy, period, .. },
                replace,
            } => {
                let what = match self.screen {
                    Screen::Report => ExportWhat::Report {
                        fy,
                        period,
                        sort: self.sorts.report,
                    },
                    Screen::Actuals => ExportWhat::Actuals(self.actuals.filter.clone()),
                    _ => ExportWhat::Table(self.list_table()),
                };
                Effect::Export {
                    path,
                    what,
                    replace,
                }
            }
            Effect::ApplyFilter {
                fy,
                period,
                to_period,
                phase,
                contract,
                supplier,
                text,
                ..
            } => Effect::ApplyFilter {
                fy,
                period,
                to_period,
                phase,
                contract,
                supplier,
                text,
                sort: self.actuals.filter.sort,
            },
            other => other,
        }
    }

    /// The list on screen as CSV cells, in the order shown, every row.
    pub(super) fn list_table(&self) -> Table {
        match self.screen {
            Screen::Programmes => {
                let mut t = Table::new(&["Programme", "Phase", "Name", "Status"]);
                for r in self.tree.iter().flat_map(|t| t.rows()) {
                    t.push(match r {
                        TreeRow::Programme(p) => vec![
                            text(p.code.clone()),
                            text(""),
                            text(p.name.clone()),
                            text(p.status.to_string()),
                        ],
                        TreeRow::Phase(p) => vec![
                            text(p.programme_code.clone()),
                            text(p.code.clone()),
                            text(p.name.clone()),
                            text(p.status.to_string()),
                        ],
                    });
                }
                t
            }
            Screen::Decisions => {
                let mut t = Table::new(DECISIONS);
                for d in self.register.iter().flat_map(|r| &r.decisions) {
                    t.push(vec![
                        date(d.date),
                        text(d.body.clone()),
                        text(d.reference.clone()),
                        text(d.outcome.clone()),
                    ]);
                }
                t
            }
            Screen::Budget => match (&self.budget, self.sorts.budget) {
                (Some(b), Some((BudgetTable::Allocations, _))) => {
                    let mut headers = ALLOCATIONS.to_vec();
                    headers.push("Split assumed");
                    let mut t = Table::new(&headers);
                    for a in &b.allocations {
                        t.push(vec![
                            Cell::Num(a.id.to_string()),
                            text(format!("{}/{}", a.programme_code, a.phase_code)),
                            money(allocation_share(a, b.fy)),
                            text(a.first_fy.range_label(a.last_fy)),
                            text(a.status.to_string()),
                            text(a.decision_reference.clone().unwrap_or_default()),
                            text(if a.profile_assumed { "yes" } else { "no" }),
                        ]);
                    }
                    t
                }
                (b, _) => {
                    let mut t = Table::new(CHANGES);
                    for c in b.iter().flat_map(|b| &b.changes) {
                        t.push(vec![
                            Cell::Num(c.id.to_string()),
                            text(c.kind.to_string()),
                            money(c.amount),
                            text(sort::side(&c.from)),
                            text(sort::side(&c.to)),
                            date(c.effective),
                            text(c.status.to_string()),
                        ]);
                    }
                    t
                }
            },
            Screen::Contracts => {
                let mut t = Table::new(CONTRACTS);
                for r in self.contracts.iter().flatten() {
                    t.push(vec![
                        text(r.contract.reference.clone()),
                        text(r.contract.supplier.clone()),
                        money(r.contract.value),
                        money(r.paid),
                        money(r.outstanding),
                        r.framework_end.map_or(text(""), date),
                    ]);
                }
                t
            }
            Screen::Audit => {
                let mut headers = AUDIT.to_vec();
                headers.push("What changed");
                let mut t = Table::new(&headers);
                for e in self.audit.iter().flatten() {
                    let what: Vec<String> = changes(e.before.as_deref(), e.after.as_deref())
                        .iter()
                        .map(|c| c.line())
                        .collect();
                    t.push(vec![
                        text(local_time_in(&e.at, self.utc_offset)),
                        text(e.who_label()),
                        text(e.action.clone()),
                        text(kind_word(&e.entity)),
                        e.entity_id.map_or(text(""), |i| Cell::Num(i.to_string())),
                        text(what.join("; ")),
                    ]);
                }
                t
            }
            Screen::Dashboard | Screen::Report | Screen::Actuals => Table::default(),
        }
    }
}
