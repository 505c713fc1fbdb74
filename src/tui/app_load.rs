//! `App::update` continued: loading what the current screen needs, reloading after a write, and
//! taking what was loaded into the state.

use super::action::{Effect, Loaded, Screen};
use super::app::{App, Mode};
use super::form::{Form, FormKind};
use super::state::{ReportRowKey, StartAt, filter_label, report_row_key};
use crate::ops::types::PageRequest;

impl App {
    /// The effects that load what the current screen needs.
    pub(super) fn load_screen(&mut self) -> Vec<Effect> {
        let (Some(fy), Some(period)) = (self.fy, self.period) else {
            return vec![];
        };
        match self.screen {
            Screen::Dashboard | Screen::Report => {
                let stale = self.chart_stale && self.screen == Screen::Dashboard;
                if !stale
                    && self
                        .figures
                        .as_ref()
                        .is_some_and(|f| f.fy == fy && f.period == period)
                {
                    vec![]
                } else {
                    vec![Effect::LoadFigures {
                        fy: Some(fy),
                        period: Some(period),
                        chart: self.figures.is_none() || stale,
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
            Screen::Budget => vec![Effect::LoadBudget {
                fy,
                period: self.period,
            }],
            Screen::Contracts => self.contracts_effects(),
            Screen::Audit => vec![Effect::LoadAudit {
                shown: self.audit_shown.clone(),
            }],
            Screen::Actuals => {
                let mut out = Vec::new();
                if self.tree.is_none() {
                    out.push(Effect::LoadTree);
                }
                if !self.actuals.loaded {
                    out.push(self.load_actuals((PageRequest::First, StartAt::At(0)), true));
                }
                out
            }
        }
    }

    /// Loads a page of actuals for the filter in force; `count` recounts the total first.
    pub(super) fn load_actuals(
        &self,
        (request, start): (PageRequest, StartAt),
        count: bool,
    ) -> Effect {
        if !count && let Some((start, ids)) = self.actuals.id_page(start) {
            return Effect::LoadActualIds {
                filter: self.actuals.filter.clone(),
                start,
                ids,
            };
        }
        Effect::LoadActuals {
            filter: self.actuals.filter.clone(),
            request,
            start,
            count,
        }
    }

    pub(super) fn reload_figures(&mut self) -> Vec<Effect> {
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

    pub(super) fn reload_after_write(&mut self) -> Vec<Effect> {
        // Before the list is marked stale: a sorted list is mended from the write's audit event.
        let window = (self.screen == Screen::Actuals).then(|| self.actuals_reload());
        self.report_keep = self.selected_report_row();
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
        if let Some(window) = window {
            // Keep the place: reload the window at the cursor.
            out.retain(|e| !matches!(e, Effect::LoadActuals { .. }));
            out.push(window);
        }
        out
    }

    /// Reloads the actuals window where it is (recounting the total).
    pub(super) fn actuals_window(&self) -> Effect {
        self.load_actuals(self.actuals.window_page(), true)
    }

    /// Reloads the actuals window where it is after a change (another process's, or a write
    /// here): in an order read through the ids, mending them from what changed since they were
    /// read.
    pub(super) fn actuals_reload(&self) -> Effect {
        match (&self.actuals.ids, &self.actuals.ids_mark) {
            (Some(ids), Some(mark)) if self.actuals.loaded => Effect::ReloadSortedActuals {
                filter: self.actuals.filter.clone(),
                held: (ids.clone(), mark.clone()),
                top: self.actuals.top as u64,
            },
            _ => self.actuals_window(),
        }
    }

    /// The key of the Report row selected, on the Report screen.
    fn selected_report_row(&self) -> Option<ReportRowKey> {
        let f = self
            .figures
            .as_ref()
            .filter(|_| self.screen == Screen::Report)?;
        f.report.rows.get(self.cards.cursor).map(report_row_key)
    }

    /// Puts the Report's selection back on the row it was on before the figures were read again
    /// (after a save from the Report screen, or another process's change), once they are sorted.
    pub(super) fn restore_report_row(&mut self) {
        let Some(keep) = self.report_keep.take() else {
            return;
        };
        if let Some(i) = self
            .figures
            .as_ref()
            .and_then(|f| f.report.rows.iter().position(|r| report_row_key(r) == keep))
        {
            self.cards.cursor = i;
        }
    }

    /// Keeps the cursor visible and asks for the page that covers the visible rows.
    pub(super) fn scroll_actuals(&mut self) -> Vec<Effect> {
        let h = self.list_rows() as usize;
        let page = self.actuals.scroll(h);
        page.map(|p| self.load_actuals(p, false))
            .into_iter()
            .collect()
    }

    pub(super) fn loaded(&mut self, l: Loaded) -> Vec<Effect> {
        match l {
            Loaded::Figures(mut f) => {
                // The same report read again (another process's change): keep its row.
                let same = self
                    .figures
                    .as_ref()
                    .is_some_and(|old| (old.fy, old.period) == (f.fy, f.period));
                if self.report_keep.is_none() && same {
                    self.report_keep = self.selected_report_row();
                }
                if f.chart {
                    self.chart_stale = false;
                }
                if !f.chart
                    && let Some(old) = self.figures.take()
                {
                    f.keep_chart(old);
                }
                let first = self.fy.is_none();
                self.fy = Some(f.fy);
                self.period = Some(f.period);
                if first {
                    self.actuals.filter.fy = Some(f.fy);
                    self.actuals.filter_label = filter_label(&self.actuals.filter, "");
                }
                // The cursor is the Report's row there, a programme card elsewhere.
                self.cards.clamp(if self.screen == Screen::Report {
                    f.report.rows.len()
                } else {
                    f.programmes.len()
                });
                self.figures = Some(*f);
                self.reload_movement()
            }
            Loaded::Tree(t) => {
                self.tree_list.clamp(t.rows().len());
                self.tree = Some(t);
                vec![]
            }
            Loaded::Phase(p) => {
                self.phase = Some(*p);
                vec![]
            }
            Loaded::Decisions(r) => {
                self.decision_list.clamp(r.decisions.len());
                self.register = Some(r);
                vec![]
            }
            Loaded::Budget(mut b) => {
                if let Some((prog, phase)) = &self.focus {
                    let on = |s: &Option<crate::domain::model::BudgetSide>| {
                        s.as_ref()
                            .is_some_and(|s| &s.programme_code == prog && &s.phase_code == phase)
                    };
                    b.changes.retain(|c| on(&c.from) || on(&c.to));
                    b.allocations
                        .retain(|a| &a.programme_code == prog && &a.phase_code == phase);
                }
                self.focus_funding(&mut b);
                self.budget_list.clamp(b.changes.len());
                self.records.allocation_list.clamp(b.allocations.len());
                self.budget = Some(b);
                vec![]
            }
            Loaded::Contracts(mut c) => {
                if let Some((prog, phase)) = &self.focus {
                    c.retain(|r| {
                        &r.contract.programme_code == prog && &r.contract.phase_code == phase
                    });
                }
                self.contract_list.clamp(c.len());
                self.contracts = Some(c);
                vec![]
            }
            Loaded::Frameworks(f) => self.take_frameworks(f),
            Loaded::Batches(b) => self.show_batches(b),
            Loaded::Movement(m) => self.take_movement(*m),
            Loaded::Audit { shown, events } => self.take_audit(shown, events),
            Loaded::Actuals {
                filter,
                total,
                start,
                rows,
                applied,
                ids,
            } => {
                let page_by_ids = total.is_none() && self.actuals.ids.is_some();
                if !self.actuals.take_page(filter, total, (start, rows), ids) {
                    // A page for an old filter.
                    return vec![];
                }
                if applied
                    && matches!(
                        self.mode,
                        Mode::Form(Form {
                            kind: FormKind::Filter,
                            ..
                        })
                    )
                {
                    self.mode = Mode::Normal;
                }
                let label = filter_label(&self.actuals.filter, &self.phase_filter_text());
                self.actuals.filter_label = label;
                // The cursor may need rows the page did not bring (after a reload).
                let h = self.list_rows() as usize;
                let again = self.actuals.scroll(h);
                // A page read by id is what the ids hold (fewer rows only where another process
                // deleted some, which its reload mends): asking again could loop.
                again
                    .filter(|_| !page_by_ids)
                    .filter(|(request, _)| {
                        self.actuals.ids.is_some() || !matches!(request, PageRequest::Offset(_))
                    })
                    .map(|p| self.load_actuals(p, false))
                    .into_iter()
                    .collect()
            }
        }
    }
}
