//! The Budget screen's Financing view (`$`): the year's funding lines, and per phase the revised
//! budget, approved funding, projected funding (beside, never in, the approved figure), the
//! funding gap (revised budget - approved funding), what is unfunded to date and how actual to
//! date is met, by source (DOMAIN.md "Financing"). Money as £ with brackets; text that does not
//! fit is cut with `…`; codes are never cut.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Block, Borders, Cell, Paragraph};

use super::lists::{money_cell, table};
use super::{Theme, cut};
use crate::domain::Money;
use crate::domain::calendar::uk_date;
use crate::domain::financing::{FinancingRow, FundingSource};
use crate::domain::model::AllocationStatus;
use crate::domain::report::RowKind;
use crate::tui::app::App;
use crate::tui::state::BudgetData;

/// The widest of `texts` (at least `min`): a column of codes, never cut.
fn widest<T: AsRef<str>>(texts: impl Iterator<Item = T>, min: usize) -> u16 {
    texts
        .map(|t| t.as_ref().chars().count())
        .max()
        .unwrap_or(0)
        .max(min) as u16
}

/// What is left of `inner` after `fixed` columns and the spaces between `columns` of them.
fn rest(inner: u16, fixed: &[u16], columns: usize) -> usize {
    let used: u16 = fixed.iter().sum::<u16>() + columns.saturating_sub(1) as u16;
    inner.saturating_sub(used) as usize
}

/// Actual to date met per source, `grant £300.00, borrowing £500.00` (none: `-`).
fn applied_text(r: &FinancingRow) -> String {
    let parts: Vec<String> = FundingSource::ALL
        .iter()
        .zip(r.applied.iter())
        .filter(|(_, m)| !m.is_zero())
        .map(|(s, m)| format!("{} {}", s.as_str(), m.bracketed()))
        .collect();
    if parts.is_empty() {
        "-".into()
    } else {
        parts.join(", ")
    }
}

/// Draws the Financing view of the year loaded for the Budget screen.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, t: Theme) {
    let Some(b) = &app.budget else {
        frame.render_widget(Paragraph::new(" Loading…"), area);
        return;
    };
    let [top, bottom] =
        Layout::vertical([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(area);
    lines(frame, top, app, b, t);
    phases(frame, bottom, b, t);
}

fn lines(frame: &mut Frame, area: Rect, app: &App, b: &BudgetData, t: Theme) {
    let inner = area.width.saturating_sub(2);
    let phase_w = widest(
        b.funding
            .iter()
            .map(|f| format!("{}/{}", f.programme_code, f.phase_code)),
        5,
    );
    let source_w = widest(b.funding.iter().map(|f| f.source.as_str()), 6);
    let decision_w = widest(
        b.funding
            .iter()
            .map(|f| f.decision_reference.as_deref().unwrap_or("")),
        8,
    );
    let money_w: u16 = if inner >= 120 { 15 } else { 12 };
    let fixed = [phase_w, source_w, money_w, 9, 10, decision_w];
    let funder_w = rest(inner, &fixed, fixed.len() + 1);
    let rows = b
        .funding
        .iter()
        .map(|f| {
            let status = Cell::from(f.status.as_str()).style(match f.status {
                AllocationStatus::Approved => t.green(),
                AllocationStatus::Projected => t.amber(),
                AllocationStatus::Withdrawn => t.dim(),
            });
            vec![
                Cell::from(format!("{}/{}", f.programme_code, f.phase_code)),
                Cell::from(f.source.as_str()),
                money_cell(f.amount, money_w as usize, t),
                status,
                Cell::from(f.spend_by.map(uk_date).unwrap_or_else(|| "-".into())),
                Cell::from(f.decision_reference.clone().unwrap_or_else(|| "-".into())),
                Cell::from(cut(f.funder.as_deref().unwrap_or("-"), funder_w)),
            ]
        })
        .collect();
    let widths: Vec<Constraint> = fixed
        .iter()
        .map(|w| Constraint::Length(*w))
        .chain(std::iter::once(Constraint::Min(0)))
        .collect();
    let title = cut(
        &format!(
            " Funding lines in {} (n add, e edit, w withdraw, $ back to changes) ",
            b.fy.label()
        ),
        inner as usize,
    );
    table(
        frame,
        area,
        Block::default().borders(Borders::ALL).title(title),
        &[
            "Phase", "Source", "Amount", "Status", "Spend by", "Decision", "Funder",
        ],
        &widths,
        rows,
        (!b.funding.is_empty()).then_some(app.funding_list),
        t,
    );
}

fn phases(frame: &mut Frame, area: Rect, b: &BudgetData, t: Theme) {
    let inner = area.width.saturating_sub(2);
    let Some(s) = &b.financing else {
        frame.render_widget(Paragraph::new(" Loading…"), area);
        return;
    };
    let label = |r: &FinancingRow| match r.kind {
        RowKind::Phase => format!("{}/{}", r.programme_code, r.phase_code),
        RowKind::ProgrammeTotal => format!("{} total", r.programme_code),
        RowKind::GrandTotal => "Grand total".to_string(),
    };
    let labels: Vec<String> = s.rows.iter().map(label).collect();
    let phase_w = widest(labels.iter(), 5);
    let money_w: u16 = if inner >= 120 { 14 } else { 10 };
    let fixed = [phase_w, money_w, money_w, money_w, money_w, money_w];
    let applied_w = rest(inner, &fixed, fixed.len() + 1);
    let gap_cell = |m: Money| {
        let c = money_cell(m, money_w as usize, t);
        if m > Money::ZERO {
            c.style(t.amber())
        } else {
            c
        }
    };
    let rows = s
        .rows
        .iter()
        .zip(&labels)
        .map(|(r, l)| {
            let row = vec![
                Cell::from(l.clone()),
                money_cell(r.revised, money_w as usize, t),
                money_cell(r.total_funding, money_w as usize, t),
                money_cell(r.projected, money_w as usize, t),
                gap_cell(r.gap),
                money_cell(r.unfunded, money_w as usize, t),
                Cell::from(cut(&applied_text(r), applied_w)),
            ];
            if r.kind == RowKind::Phase {
                row
            } else {
                row.into_iter().map(|c| c.style(t.heading())).collect()
            }
        })
        .collect();
    let widths: Vec<Constraint> = fixed
        .iter()
        .map(|w| Constraint::Length(*w))
        .chain(std::iter::once(Constraint::Min(0)))
        .collect();
    let title = cut(
        &format!(
            " Financing {} as at {}: gap = revised - approved; projected beside, never in it ",
            s.fy.label(),
            s.period.label()
        ),
        inner as usize,
    );
    let applied_head = cut("Applied to date", applied_w);
    table(
        frame,
        area,
        Block::default().borders(Borders::ALL).title(title),
        &[
            "Phase",
            "Revised",
            "Approved",
            "Projected",
            "Gap",
            "Unfunded",
            &applied_head,
        ],
        &widths,
        rows,
        None,
        t,
    );
}
