//! The Contracts screen's other list: the procurement frameworks (`t` shows them), with their
//! reference, planned and actual ends and the days to their end; `n` adds, `e` edits, `d`
//! deletes one.

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::{Block, Borders, Cell, Paragraph};

use super::Theme;
use super::lists::table;
use crate::domain::calendar::uk_date;
use crate::tui::app::App;

/// Draws the frameworks.
pub fn frameworks(frame: &mut Frame, area: Rect, app: &App, today: NaiveDate, t: Theme) {
    let Some(list) = &app.records.frameworks else {
        frame.render_widget(Paragraph::new(" Loading…"), area);
        return;
    };
    let day = |d: Option<NaiveDate>| d.map(uk_date).unwrap_or_default();
    let rows = list
        .iter()
        .map(|f| {
            let left = f
                .end()
                .map(|e| (e - today).num_days())
                .map(|n| {
                    if n < 0 {
                        format!("ended {} days ago", -n)
                    } else {
                        format!("{n} days")
                    }
                })
                .unwrap_or_default();
            vec![
                Cell::from(f.name.clone()),
                Cell::from(f.reference.clone()),
                Cell::from(day(f.planned_end)),
                Cell::from(day(f.actual_end)),
                Cell::from(left).style(t.dim()),
            ]
        })
        .collect();
    table(
        frame,
        area,
        Block::default()
            .borders(Borders::ALL)
            .title(" Frameworks (t contracts; n add, e edit, d delete) "),
        &["Name", "Reference", "Planned end", "Actual end", "To end"],
        &[
            Constraint::Min(16),
            Constraint::Length(14),
            Constraint::Length(11),
            Constraint::Length(11),
            Constraint::Length(18),
        ],
        rows,
        (!list.is_empty()).then_some(app.records.framework_list),
        t,
    );
}
