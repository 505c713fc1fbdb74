//! The Contracts screen: value, term, paid to date, outstanding commitment, framework and the days
//! to its end, and extension options (e exercises the next one).

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Wrap};

use super::fit::{self, Column, Fit};
use super::lists::{money_cell, table};
use super::{Theme, cut, money};
use crate::domain::calendar::uk_date;
use crate::tui::app::App;

fn days_to(end: Option<NaiveDate>, today: NaiveDate) -> String {
    match end {
        Some(e) => {
            let n = (e - today).num_days();
            if n < 0 {
                format!("ended {} days ago", -n)
            } else {
                format!("in {n} days")
            }
        }
        None => String::new(),
    }
}

/// Draws the contracts.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, today: NaiveDate, t: Theme) {
    if app.records.frameworks_shown {
        return super::records::frameworks(frame, area, app, today, t);
    }
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
    // Codes, money and days never cut; the supplier takes what is left, cut with `…`.
    let ends: Vec<String> = list
        .iter()
        .map(|r| days_to(r.framework_end, today))
        .collect();
    let cols = [
        Column::new(
            &headers[0],
            Fit::Code,
            list.iter().map(|r| &r.contract.reference),
        ),
        Column::new(
            &headers[1],
            Fit::Text,
            list.iter().map(|r| &r.contract.supplier),
        ),
        Column::new(
            &headers[2],
            Fit::Code,
            list.iter().map(|r| r.contract.value.bracketed()),
        ),
        Column::new(
            &headers[3],
            Fit::Code,
            list.iter().map(|r| r.paid.bracketed()),
        ),
        Column::new(
            &headers[4],
            Fit::Code,
            list.iter().map(|r| r.outstanding.bracketed()),
        ),
        Column::new(&headers[5], Fit::Code, &ends),
    ];
    let w = fit::widths(&cols, top.width.saturating_sub(2) as usize);
    let heads = fit::headers(&cols, &w);
    let rows = list
        .iter()
        .zip(&ends)
        .map(|(r, end)| {
            let c = &r.contract;
            let soon = r
                .framework_end
                .map(|e| (0..=90).contains(&(e - today).num_days()))
                .unwrap_or(false);
            vec![
                Cell::from(c.reference.clone()),
                Cell::from(cut(&c.supplier, w[1])),
                money_cell(c.value, w[2], t),
                money_cell(r.paid, w[3], t),
                money_cell(r.outstanding, w[4], t),
                Cell::from(end.clone()).style(if soon { t.amber() } else { t.dim() }),
            ]
        })
        .collect();
    table(
        frame,
        top,
        Block::default()
            .borders(Borders::ALL)
            .title(format!(" Contracts ({}) ", list.len())),
        &heads.iter().map(String::as_str).collect::<Vec<_>>(),
        &fit::constraints(&w),
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
