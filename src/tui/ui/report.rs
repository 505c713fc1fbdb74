//! The Report screen: the monitoring report exactly as the CSV will be (same table, plain money),
//! with the columns after Programme and Phase scrolling sideways.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table};

use super::Theme;
use crate::domain::report::RowKind;
use crate::io::report::{MoneyStyle, report_table};
use crate::io::table::{Cell as TCell, formula_safe};
use crate::tui::app::App;

/// A cell as the CSV writes it (text made formula-safe, numbers untouched).
fn text(c: &TCell) -> (String, bool) {
    match c {
        TCell::Text(s) => (formula_safe(s).into_owned(), false),
        TCell::Num(s) => (s.clone(), true),
    }
}

/// Draws the report preview.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, t: Theme) {
    let Some(f) = &app.figures else {
        frame.render_widget(Paragraph::new(" Loading the report…"), area);
        return;
    };
    let table = report_table(&f.report, &f.after_rag, MoneyStyle::Plain);
    let path = app
        .default_export_path()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_default();
    let block = Block::default().borders(Borders::ALL).title(format!(
        " Monitoring report {} {}: the CSV as it will be written (x exports to {path}) ",
        f.fy.label(),
        f.period.label()
    ));
    if f.report.rows.is_empty() {
        frame.render_widget(
            Paragraph::new(format!(
                "No phase has a figure in {} as at {}: the CSV would hold the header only.",
                f.fy.label(),
                f.period.label()
            ))
            .block(block),
            area,
        );
        return;
    }
    let ncols = table.headers.len();
    // Always show Programme and Phase; the rest from the scroll position.
    let mut cols: Vec<usize> = vec![0, 1];
    cols.extend((2 + app.report_col).min(ncols)..ncols);
    let width_of = |i: usize| {
        table
            .rows
            .iter()
            .map(|r| text(&r[i]).0.chars().count())
            .chain(std::iter::once(table.headers[i].chars().count()))
            .max()
            .unwrap_or(1) as u16
    };
    let inner = area.width.saturating_sub(2);
    let mut used = 0u16;
    let mut shown = Vec::new();
    for &c in &cols {
        let w = width_of(c).min(40);
        if used + w > inner && !shown.is_empty() {
            break;
        }
        used += w + 1;
        shown.push((c, w));
    }
    let header = Row::new(
        shown
            .iter()
            .map(|(c, _)| Cell::from(table.headers[*c].clone()).style(t.heading())),
    );
    let h = area.height.saturating_sub(3) as usize;
    let start = app.cards.window_start(table.rows.len(), h);
    let rows = table
        .rows
        .iter()
        .zip(&f.report.rows)
        .enumerate()
        .skip(start)
        .take(h)
        .map(|(i, (cells, rr))| {
            let row = Row::new(shown.iter().map(|(c, w)| {
                let (s, num) = text(&cells[*c]);
                let s = if num {
                    format!("{s:>width$}", width = *w as usize)
                } else {
                    s
                };
                let mut cell = Cell::from(s);
                if *c == 18 {
                    cell = cell.style(t.rag(rr.rag));
                } else if num && s_is_negative(&cells[*c]) {
                    cell = cell.style(t.red());
                }
                cell
            }));
            let mut style = ratatui::style::Style::default();
            if rr.kind != RowKind::Phase {
                style = t.heading();
            }
            if i == app.cards.cursor {
                style = style.patch(t.selected());
            }
            row.style(style)
        });
    let widths: Vec<Constraint> = shown.iter().map(|(_, w)| Constraint::Length(*w)).collect();
    let more = if app.report_col + 2 > 2 || shown.len() < cols.len() {
        format!(
            " columns {}-{} of {} (← →) ",
            shown.get(2).map(|(c, _)| c + 1).unwrap_or(3),
            shown.last().map(|(c, _)| c + 1).unwrap_or(ncols),
            ncols
        )
    } else {
        String::new()
    };
    frame.render_widget(
        Table::new(rows, widths)
            .header(header)
            .column_spacing(1)
            .block(block.title_bottom(Line::from(more).right_aligned())),
        area,
    );
}

fn s_is_negative(c: &TCell) -> bool {
    matches!(c, TCell::Num(s) if s.starts_with('-'))
}
