//! The Contracts screen: value, term, paid to date, outstanding commitment, framework and the days
//! to its end, and extension options (e exercises the next one).

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Wrap};

use super::lists::{money_cell, table};
use super::{Theme, money};
use crate::domain::calendar::uk_date;
use crate::tui::app::App;

fn days_to(end: Option<NaiveDate>, today: NaiveDate) -> String {
    match end {
        Some(e) => {
            let n = (e - today).num_days();
            if n < 0 {
                format!("ended {} days ago", -n)
            } else {
                format!("{n} days")
            }
        }
        None => String::new(),
    }
}

/// Draws the contracts.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, today: NaiveDate, t: Theme) {
    let Some(list) = &app.contracts else {
        frame.render_widget(Paragraph::new(" Loading…"), area);
        return;
    };
    let headers: Vec<String> = crate::tui::sort::CONTRACTS
        .iter()
        .enumerate()
        .map(|(i, h)| crate::tui::sort::header(h, i, app.sorts.contracts))
        .collect();
    let [top, bottom] =
        Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area);
    let rows = list
        .iter()
        .map(|r| {
            let c = &r.contract;
            let soon = r
                .framework_end
                .map(|e| (0..=90).contains(&(e - today).num_days()))
                .unwrap_or(false);
            vec![
                Cell::from(c.reference.clone()),
                Cell::from(c.supplier.clone()),
                money_cell(c.value, 14, t),
                money_cell(r.paid, 14, t),
                money_cell(r.outstanding, 14, t),
                Cell::from(days_to(r.framework_end, today)).style(if soon {
                    t.amber()
                } else {
                    t.dim()
                }),
            ]
        })
        .collect();
    table(
        frame,
        top,
        Block::default()
            .borders(Borders::ALL)
            .title(format!(" Contracts ({}) ", list.len())),
        &headers.iter().map(String::as_str).collect::<Vec<_>>(),
        &[
            Constraint::Length(16),
            Constraint::Min(10),
            Constraint::Length(14),
            Constraint::Length(14),
            Constraint::Length(14),
            Constraint::Length(15),
        ],
        rows,
        (!list.is_empty()).then_some(app.contract_list),
        t,
    );
    let Some(r) = list.get(app.contract_list.cursor) else {
        frame.render_widget(
            Paragraph::new("No contracts.").block(Block::default().borders(Borders::ALL)),
            bottom,
        );
        return;
    };
    let c = &r.contract;
    let end = c.term_end();
    let mut lines = vec![
        Line::from(c.title.clone()),
        Line::from(vec![
            Span::styled("Value ", t.heading()),
            money(c.value, t),
            Span::raw(format!(
                "  term {} months, {} to {}",
                c.term_months,
                uk_date(c.start),
                uk_date(end)
            )),
        ]),
        Line::from(vec![
            Span::styled("Paid to today ", t.heading()),
            money(r.paid, t),
            Span::styled("  outstanding commitment ", t.heading()),
            money(r.outstanding, t),
        ]),
        Line::from(format!(
            "Phase {}/{}; framework {}{}; award decision {}",
            c.programme_code,
            c.phase_code,
            c.framework.clone().unwrap_or_else(|| "none".into()),
            r.framework_end
                .map(|e| format!(" ends {} ({})", uk_date(e), days_to(Some(e), today)))
                .unwrap_or_default(),
            c.award_decision_reference
                .clone()
                .unwrap_or_else(|| "-".into())
        )),
        Line::styled("Extension options (e exercises the next):", t.heading()),
    ];
    if c.extensions.is_empty() {
        lines.push(Line::styled("  none", t.dim()));
    }
    for x in &c.extensions {
        lines.push(Line::from(format!(
            "  {} months, adds {}, decision due {}: {}",
            x.months,
            x.value.full(),
            x.decision_due.map(uk_date).unwrap_or_else(|| "-".into()),
            if x.exercised {
                "exercised"
            } else {
                "not exercised (commits nothing)"
            }
        )));
    }
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: true }).block(
            Block::default()
                .borders(Borders::ALL)
                .title(format!(" {} ", c.reference)),
        ),
        bottom,
    );
}
