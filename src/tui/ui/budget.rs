//! The Budget screen: the selected year's allocations and budget changes. Changes can be
//! approved or rejected; allocations added; money reprofiled or vired (as proposed changes).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Block, Borders, Cell, Paragraph};

use super::Theme;
use super::lists::{money_cell, table};
use crate::domain::calendar::uk_date;
use crate::domain::model::{BudgetSide, ChangeStatus};
use crate::tui::app::App;

fn side(s: &Option<BudgetSide>) -> String {
    s.as_ref()
        .map(|s| format!("{}/{} {}", s.programme_code, s.phase_code, s.fy.label()))
        .unwrap_or_else(|| "-".into())
}

/// Draws the budget screen.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, t: Theme) {
    if app.budget_financing {
        return super::financing::draw(frame, area, app, t);
    }
    let Some(b) = &app.budget else {
        frame.render_widget(Paragraph::new(" Loading…"), area);
        return;
    };
    let [top, bottom] =
        Layout::vertical([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(area);
    let rows = b
        .allocations
        .iter()
        .map(|a| {
            let share = a
                .profile
                .iter()
                .find(|p| p.fy == b.fy)
                .map(|p| p.amount)
                .unwrap_or(a.amount);
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
        &["Id", "Phase", "In this year", "Years", "Status", "Decision"],
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
        &["Id", "Kind", "Amount", "From", "To", "Effective", "Status"],
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
