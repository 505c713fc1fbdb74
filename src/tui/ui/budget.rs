//! The Budget screen: the selected year's allocations and budget changes. Changes can be
//! approved or rejected; allocations added; money reprofiled or vired (as proposed changes).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Block, Borders, Cell, Paragraph};

use super::fit::{self, Column, Fit};
use super::lists::{money_cell, table};
use super::{Theme, cut};
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
    let Some(b) = &app.budget else {
        frame.render_widget(Paragraph::new(" Loading…"), area);
        return;
    };
    let [top, bottom] =
        Layout::vertical([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(area);
    // Ids, phases, money, years and decision references are never cut; the status takes what
    // is left, cut with `…`.
    let shares: Vec<crate::domain::Money> = b
        .allocations
        .iter()
        .map(|a| {
            a.profile
                .iter()
                .find(|p| p.fy == b.fy)
                .map(|p| p.amount)
                .unwrap_or(a.amount)
        })
        .collect();
    let texts: Vec<[String; 5]> = b
        .allocations
        .iter()
        .map(|a| {
            [
                a.id.to_string(),
                format!("{}/{}", a.programme_code, a.phase_code),
                a.first_fy.range_label(a.last_fy),
                format!("{}{}", a.status, if a.profile_assumed { "*" } else { "" }),
                a.decision_reference.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let cols = [
        Column::new("Id", Fit::Code, texts.iter().map(|r| &r[0])),
        Column::new("Phase", Fit::Code, texts.iter().map(|r| &r[1])),
        Column::new(
            "In this year",
            Fit::Code,
            shares.iter().map(|m| m.bracketed()),
        ),
        Column::new("Years", Fit::Code, texts.iter().map(|r| &r[2])),
        Column::new("Status", Fit::Text, texts.iter().map(|r| &r[3])),
        Column::new("Decision", Fit::Code, texts.iter().map(|r| &r[4])),
    ];
    let w = fit::widths(&cols, top.width.saturating_sub(2) as usize);
    let heads = fit::headers(&cols, &w);
    let rows = texts
        .iter()
        .zip(&shares)
        .map(|(r, share)| {
            vec![
                Cell::from(r[0].clone()),
                Cell::from(r[1].clone()),
                money_cell(*share, w[2], t),
                Cell::from(r[2].clone()),
                Cell::from(cut(&r[3], w[4])),
                Cell::from(r[4].clone()),
            ]
        })
        .collect();
    table(
        frame,
        top,
        Block::default().borders(Borders::ALL).title(cut(
            &format!(
                " Allocations in {} (* split assumed; n adds, A approves, W withdraws) ",
                b.fy.label()
            ),
            top.width.saturating_sub(2) as usize,
        )),
        &heads.iter().map(String::as_str).collect::<Vec<_>>(),
        &fit::constraints(&w),
        rows,
        (app.records.allocations_pane && !b.allocations.is_empty())
            .then_some(app.records.allocation_list),
        t,
    );
    // Ids, money, phases with their years, and dates are never cut; the kind and the status
    // take what is left, cut with `…`.
    let texts: Vec<[String; 6]> = b
        .changes
        .iter()
        .map(|c| {
            [
                c.id.to_string(),
                c.kind.to_string(),
                side(&c.from),
                side(&c.to),
                uk_date(c.effective),
                c.status.to_string(),
            ]
        })
        .collect();
    let cols = [
        Column::new("Id", Fit::Code, texts.iter().map(|r| &r[0])),
        Column::new("Kind", Fit::Text, texts.iter().map(|r| &r[1])),
        Column::new(
            "Amount",
            Fit::Code,
            b.changes.iter().map(|c| c.amount.bracketed()),
        ),
        Column::new("From", Fit::Code, texts.iter().map(|r| &r[2])),
        Column::new("To", Fit::Code, texts.iter().map(|r| &r[3])),
        Column::new("Effective", Fit::Code, texts.iter().map(|r| &r[4])),
        Column::new("Status", Fit::Text, texts.iter().map(|r| &r[5])),
    ];
    let w = fit::widths(&cols, bottom.width.saturating_sub(2) as usize);
    let heads = fit::headers(&cols, &w);
    let rows = b
        .changes
        .iter()
        .zip(&texts)
        .map(|(c, r)| {
            let status = Cell::from(cut(&r[5], w[6])).style(match c.status {
                ChangeStatus::Proposed => t.amber(),
                ChangeStatus::Rejected | ChangeStatus::Withdrawn => t.dim(),
                ChangeStatus::Approved => t.green(),
            });
            vec![
                Cell::from(r[0].clone()),
                Cell::from(cut(&r[1], w[1])),
                money_cell(c.amount, w[2], t),
                Cell::from(r[2].clone()),
                Cell::from(r[3].clone()),
                Cell::from(r[4].clone()),
                status,
            ]
        })
        .collect();
    table(
        frame,
        bottom,
        Block::default().borders(Borders::ALL).title(cut(
            &format!(
                " Changes in {} (a approve, r reject, m amend, w withdraw, p/v new) ",
                b.fy.label()
            ),
            bottom.width.saturating_sub(2) as usize,
        )),
        &heads.iter().map(String::as_str).collect::<Vec<_>>(),
        &fit::constraints(&w),
        rows,
        (!app.records.allocations_pane && !b.changes.is_empty()).then_some(app.budget_list),
        t,
    );
}
