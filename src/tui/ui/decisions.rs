//! The decision register: each decision, and what it approved.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Wrap};

use super::fit::{self, Column, Fit};
use super::lists::table;
use super::{Theme, cut};
use crate::domain::calendar::uk_date;
use crate::tui::app::App;

/// Draws the register.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, t: Theme) {
    let Some(reg) = &app.register else {
        frame.render_widget(Paragraph::new(" Loading…"), area);
        return;
    };
    let [list, detail] =
        Layout::vertical([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(area);
    // Dates and references are never cut; the body and the outcome share the rest, cut with `…`.
    let dates: Vec<String> = reg.decisions.iter().map(|d| uk_date(d.date)).collect();
    let headers: Vec<String> = crate::tui::sort::DECISIONS
        .iter()
        .enumerate()
        .map(|(i, h)| crate::tui::sort::header(h, i, app.sorts.decisions))
        .collect();
    let cols = [
        Column::new(&headers[0], Fit::Code, &dates),
        Column::new(
            &headers[1],
            Fit::Text,
            reg.decisions.iter().map(|d| &d.body),
        ),
        Column::new(
            &headers[2],
            Fit::Code,
            reg.decisions.iter().map(|d| &d.reference),
        ),
        Column::new(
            &headers[3],
            Fit::Text,
            reg.decisions.iter().map(|d| &d.outcome),
        ),
    ];
    let w = fit::widths(&cols, list.width.saturating_sub(2) as usize);
    let heads = fit::headers(&cols, &w);
    let rows = reg
        .decisions
        .iter()
        .zip(dates)
        .map(|(d, date)| {
            vec![
                Cell::from(date),
                Cell::from(cut(&d.body, w[1])),
                Cell::from(d.reference.clone()),
                Cell::from(cut(&d.outcome, w[3])),
            ]
        })
        .collect();
    table(
        frame,
        list,
        Block::default()
            .borders(Borders::ALL)
            .title(format!(" Decisions ({}) ", reg.decisions.len())),
        &heads.iter().map(String::as_str).collect::<Vec<_>>(),
        &fit::constraints(&w),
        rows,
        Some(app.decision_list),
        t,
    );
    let Some(d) = reg.decisions.get(app.decision_list.cursor) else {
        frame.render_widget(
            Paragraph::new("No decisions recorded.").block(Block::default().borders(Borders::ALL)),
            detail,
        );
        return;
    };
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!("{} ", d.body), t.heading()),
            Span::raw(format!(
                "{}{}; key decision: {}; subject to call-in: {}",
                uk_date(d.date),
                d.item
                    .as_ref()
                    .map(|i| format!(", {i}"))
                    .unwrap_or_default(),
                if d.key_decision { "yes" } else { "no" },
                if d.call_in { "yes" } else { "no" }
            )),
        ]),
        Line::from(d.summary.clone()),
        Line::styled("Approved:", t.heading()),
    ];
    let at = app.decision_list.cursor;
    let approved = reg.approved.get(at).filter(|l| !l.is_empty());
    let noted = reg.noted.get(at).filter(|l| !l.is_empty());
    match (approved, noted) {
        (Some(list), _) => lines.extend(list.iter().map(|l| Line::from(format!("  {l}")))),
        (None, Some(_)) => lines.push(Line::styled("  nothing", t.dim())),
        (None, None) => lines.push(Line::styled("  nothing recorded against it", t.dim())),
    }
    // What it noted or recommended without approving it (a projected allocation, a change not
    // approved) is never listed as approved.
    if let Some(list) = noted {
        lines.push(Line::styled(
            "Recorded against it, not approved:",
            t.heading(),
        ));
        lines.extend(list.iter().map(|l| Line::from(format!("  {l}"))));
    }
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: true }).block(
            Block::default()
                .borders(Borders::ALL)
                .title(format!(" {} ", d.reference)),
        ),
        detail,
    );
}
