//! The Budget screen: the selected year's allocations and budget changes. Changes can be
//! approved or rejected; allocations added; money reprofiled or vired (as proposed changes).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Block, Borders, Cell, Paragraph};

use super::fit::{self, Column, Fit};
use super::lists::{money_cell, table};
use super::{Theme, cut};
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
    if app.budget_financing {
        return super::financing::draw(frame, area, app, t);
    }
    let Some(b) = &app.budget else {
        frame.render_widget(Paragraph::new(" Loading…"), area);
        return;
    };
    let alloc_headers = headers(ALLOCATIONS, BudgetTable::Allocations, app);
    let change_headers = headers(CHANGES, BudgetTable::Changes, app);
    let [top, bottom] =
        Layout::vertical([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(area);
    // Ids, phases, money, years and decision references are never cut; the status takes what
    // is left, cut with `…`.
    let shares: Vec<crate::domain::Money> = b
        .allocations
        .iter()
        .map(|a| allocation_share(a, b.fy))
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
        Column::new(&alloc_headers[0], Fit::Code, texts.iter().map(|r| &r[0])),
        Column::new(&alloc_headers[1], Fit::Code, texts.iter().map(|r| &r[1])),
        Column::new(
            &alloc_headers[2],
            Fit::Code,
            shares.iter().map(|m| m.bracketed()),
        ),
        Column::new(&alloc_headers[3], Fit::Code, texts.iter().map(|r| &r[2])),
        Column::new(&alloc_headers[4], Fit::Text, texts.iter().map(|r| &r[3])),
        Column::new(&alloc_headers[5], Fit::Code, texts.iter().map(|r| &r[4])),
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
                " Allocations in {} (* split assumed; ← → changes; n adds, A approves, W withdraws) ",
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
        Column::new(&change_headers[0], Fit::Code, texts.iter().map(|r| &r[0])),
        Column::new(&change_headers[1], Fit::Text, texts.iter().map(|r| &r[1])),
        Column::new(
            &change_headers[2],
            Fit::Code,
            b.changes.iter().map(|c| c.amount.bracketed()),
        ),
        Column::new(&change_headers[3], Fit::Code, texts.iter().map(|r| &r[2])),
        Column::new(&change_headers[4], Fit::Code, texts.iter().map(|r| &r[3])),
        Column::new(&change_headers[5], Fit::Code, texts.iter().map(|r| &r[4])),
        Column::new(&change_headers[6], Fit::Text, texts.iter().map(|r| &r[5])),
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
                " Changes in {} (← → allocations; a approve, r reject, m amend, w withdraw, p/v new) ",
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
