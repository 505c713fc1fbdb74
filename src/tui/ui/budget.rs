//! The Budget screen: the selected year's allocations and budget changes. Changes can be
//! approved or rejected; allocations added; money reprofiled or vired (as proposed changes).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Block, Borders, Cell, Paragraph};

use super::Theme;
use super::lists::{money_cell, table};
use crate::domain::calendar::uk_date;
use crate::domain::model::ChangeStatus;
use crate::tui::app::App;
use crate::tui::sort::{ALLOCATIONS, BudgetTable, CHANGES, allocation_share, header, side};

/// A table's headers with the sort shown (when the sort is on `table`).
fn headers(names: &[&str], table: BudgetTable, app: &App) -> Vec<String> {
    let sort = app
        .sorts
        .budget
        .filter(|(t, _)| *t == table)
        .map(|(_, s)| s);
    names
        .iter()
        .enumerate()
        .map(|(i, h)| header(h, i, sort))
        .collect()
}

/// Draws the budget screen.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, t: Theme) {
    let Some(b) = &app.budget else {
        frame.render_widget(Paragraph::new(" Loading…"), area);
        return;
    };
    let alloc_headers = headers(ALLOCATIONS, BudgetTable::Allocations, app);
    let change_headers = headers(CHANGES, BudgetTable::Changes, app);
    let [top, bottom] =
        Layout::vertical([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(area);
    let rows = b
        .allocations
        .iter()
        .map(|a| {
            let share = allocation_share(a, b.fy);
            let years = a.first_fy.range_label(a.last_fy);
            vec![
                Cell::from(a.id.to_string()),
                Cell::from(format!("{}/{}", a.programme_code, a.phase_code)),
                money_cell(share, 15, t),
                Cell::from(years),
                Cell::from(format!(
                    "{}{}",
                    a.status,
                    if a.profile_assumed { "*" } else { "" }
                )),
                Cell::from(a.decision_reference.clone().unwrap_or_default()),
            ]
        })
        .collect();
    table(
        frame,
        top,
        Block::default().borders(Borders::ALL).title(format!(
            " Allocations in {} (* split assumed; n adds, A approves, W withdraws) ",
            b.fy.label()
        )),
        &alloc_headers.iter().map(String::as_str).collect::<Vec<_>>(),
        &[
            Constraint::Length(3),
            Constraint::Length(14),
            Constraint::Length(15),
            Constraint::Length(18),
            Constraint::Length(10),
            Constraint::Min(10),
        ],
        rows,
        None,
        t,
    );
    let rows = b
        .changes
        .iter()
        .map(|c| {
            let status = Cell::from(c.status.to_string()).style(match c.status {
                ChangeStatus::Proposed => t.amber(),
                ChangeStatus::Rejected | ChangeStatus::Withdrawn => t.dim(),
                ChangeStatus::Approved => t.green(),
            });
            vec![
                Cell::from(c.id.to_string()),
                Cell::from(c.kind.to_string()),
                money_cell(c.amount, 14, t),
                Cell::from(side(&c.from)),
                Cell::from(side(&c.to)),
                Cell::from(uk_date(c.effective)),
                status,
            ]
        })
        .collect();
    table(
        frame,
        bottom,
        Block::default().borders(Borders::ALL).title(format!(
            " Changes in {} (a approve, r reject, m amend, w withdraw, p/v new) ",
            b.fy.label()
        )),
        &change_headers
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        &[
            Constraint::Length(4),
            Constraint::Length(9),
            Constraint::Length(14),
            Constraint::Min(12),
            Constraint::Min(12),
            Constraint::Length(10),
            Constraint::Length(8),
        ],
        rows,
        (!b.changes.is_empty()).then_some(app.budget_list),
        t,
    );
}
