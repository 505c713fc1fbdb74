//! The Report screen: the monitoring report as a finance officer reads it (money as £ with
//! negatives in brackets, short `£1.38m` when the screen is narrow, RAG as a coloured word), or
//! with `c` the exact CSV cells. Programme and Phase stay put while the other columns scroll
//! (← →): as read, the phase name and the columns read together come first (Revised budget,
//! Actual to date, Forecast outturn, Variance, RAG), then the rest; the exact cells keep the
//! CSV's order. The first column after the codes is the selected one, and Enter opens what is
//! behind it.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table};

use super::{Theme, cut};
use crate::domain::Money;
use crate::domain::report::RowKind;
use crate::io::report::{MoneyStyle, report_table};
use crate::io::table::{Cell as TCell, formula_safe};
use crate::tui::app::App;
use crate::tui::state::{report_column, report_columns};

/// Columns holding money (as in the CSV), those after RAG included.
const MONEY: [usize; 14] = [5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 19, 20, 21, 22];
/// How many scrolling columns are read together as the report opens: the phase name, Revised
/// budget, Actual to date, Forecast outturn, Variance and RAG.
const READ_TOGETHER: usize = 6;
/// A header is cut to this width (with …) only when the column would not fit with it whole.
const HEADER_CUT: usize = 10;
/// The RAG column.
const RAG: usize = 18;
/// The phase name column, the only free text (cut with `…` beyond this).
const NAME: usize = 2;
const NAME_MAX: usize = 28;
const NAME_SHORT: usize = 16;
/// Below this width money is shown short (`£1.38m`).
const FULL_MONEY_WIDTH: u16 = 120;

/// How a cell is shown, and whether it is a number (right-aligned) that is negative.
fn shown(c: &TCell, col: usize, exact: bool, short: bool) -> (String, bool, bool) {
    match c {
        TCell::Text(s) => (formula_safe(s).into_owned(), false, false),
        TCell::Num(s) if exact || !MONEY.contains(&col) => (s.clone(), true, s.starts_with('-')),
        TCell::Num(s) => match Money::parse(s) {
            Ok(m) if short && m.is_negative() => (format!("({})", m.abs().short()), true, true),
            Ok(m) if short => (m.short(), true, false),
            Ok(m) => (m.bracketed(), true, m.is_negative()),
            Err(_) => (s.clone(), true, false),
        },
    }
}

/// The Programme and Phase cells of a row: total rows abbreviated so that they never widen the
/// code columns ("Total", "All"). The movement view's rows too.
pub(super) fn codes(kind: RowKind, programme_code: &str, phase_code: &str) -> (String, String) {
    match kind {
        RowKind::Phase => (programme_code.to_string(), phase_code.to_string()),
        RowKind::ProgrammeTotal => (programme_code.to_string(), "Total".into()),
        RowKind::GrandTotal => ("All".into(), "Total".into()),
    }
}

/// Draws the report.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, t: Theme) {
    let Some(f) = &app.figures else {
        frame.render_widget(Paragraph::new(" Loading the report…"), area);
        return;
    };
    let exact = app.report_cells;
    let short = !exact && area.width < FULL_MONEY_WIDTH;
    let table = report_table(&f.report, &f.after_rag, MoneyStyle::Plain);
    let what = if exact {
        "exact CSV cells (c: money as read)"
    } else {
        "c: exact CSV cells"
    };
    let sorted = app
        .sorts
        .report
        .map(|s| {
            let name = crate::io::report::COLUMNS
                .get(s.col)
                .copied()
                .unwrap_or("?");
            format!(" · sorted by {name} {}", crate::tui::sort::arrow(s))
        })
        .unwrap_or_default();
    let block = Block::default().borders(Borders::ALL).title(format!(
        " Monitoring report {} {}: {what}{sorted} ",
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
    // Every cell as shown, then each column sized to its content (codes never cut).
    let cells: Vec<Vec<(String, bool, bool)>> = table
        .rows
        .iter()
        .zip(&f.report.rows)
        .map(|(row, rr)| {
            let mut out: Vec<(String, bool, bool)> = row
                .iter()
                .enumerate()
                .map(|(i, c)| shown(c, i, exact, short))
                .collect();
            if !exact {
                let (p, ph) = codes(rr.kind, &rr.programme_code, &rr.phase_code);
                out[0].0 = p;
                out[1].0 = ph;
            }
            out
        })
        .collect();
    // Each column's width with its header whole, and with it cut (a long header is cut rather
    // than push a column off the screen, and only then).
    let width_of = |i: usize| {
        let content = cells
            .iter()
            .map(|r| r[i].0.chars().count())
            .max()
            .unwrap_or(1);
        // The sorted column's header carries its arrow too.
        let arrow = app.sorts.report.is_some_and(|s| s.col == i);
        let header = table.headers[i].chars().count() + if arrow { 2 } else { 0 };
        let w = if i == NAME {
            content.min(if short { NAME_SHORT } else { NAME_MAX })
        } else {
            content
        };
        (w.max(header) as u16, w.max(header.min(HEADER_CUT)) as u16)
    };
    let inner = area.width.saturating_sub(2);
    let order = report_columns(exact);
    let first = report_column(app.report_col, exact);
    // The codes, then the columns from the selected one while they fit: headers whole (the last
    // one cut if that lets it in), or every header cut (`cut_all`).
    let fit = |cut_all: bool| {
        let mut cols: Vec<(usize, u16)> = vec![(0, width_of(0).0), (1, width_of(1).0)];
        let mut used: u16 = cols.iter().map(|(_, w)| w + 1).sum();
        for &c in order.iter().skip_while(|c| **c != first) {
            let (whole, cut_to) = width_of(c);
            let w = if !cut_all && used + whole <= inner {
                whole
            } else if used + cut_to <= inner || cols.len() == 2 {
                cut_to
            } else {
                break;
            };
            used += w + 1;
            cols.push((c, w));
        }
        cols
    };
    // Headers are cut only when that shows more of the columns read together (the name and the
    // five after it) than whole headers do.
    let whole = fit(false);
    let shown_cols = if whole.len() < 2 + READ_TOGETHER {
        Some(fit(true))
            .filter(|c| c.len() > whole.len())
            .unwrap_or(whole)
    } else {
        whole
    };
    let header = Row::new(shown_cols.iter().map(|(c, w)| {
        let style = if *c == first {
            t.heading().patch(t.selected())
        } else {
            t.heading()
        };
        let text = match app.sorts.report {
            // The sorted column keeps its arrow however narrow it is.
            Some(s) if s.col == *c => format!(
                "{} {}",
                cut(&table.headers[*c], (*w as usize).saturating_sub(2)),
                crate::tui::sort::arrow(s)
            ),
            _ => cut(&table.headers[*c], *w as usize),
        };
        Cell::from(text).style(style)
    }));
    let h = area.height.saturating_sub(3) as usize;
    let start = app.cards.window_start(cells.len(), h);
    let rows = cells
        .iter()
        .zip(&f.report.rows)
        .enumerate()
        .skip(start)
        .take(h)
        .map(|(i, (row, rr))| {
            let r = Row::new(shown_cols.iter().map(|(c, w)| {
                let (s, num, negative) = &row[*c];
                let w = *w as usize;
                let s = cut(s, w);
                let s = if *num { format!("{s:>w$}") } else { s };
                let mut cell = Cell::from(s);
                if *c == RAG {
                    cell = cell.style(t.rag(rr.rag));
                } else if *negative {
                    cell = cell.style(t.red());
                }
                cell
            }));
            let mut style = Style::default();
            if rr.kind != RowKind::Phase {
                style = t.heading();
            }
            if i == app.cards.cursor {
                style = style.patch(t.selected());
            }
            r.style(style)
        });
    let widths: Vec<Constraint> = shown_cols
        .iter()
        .map(|(_, w)| Constraint::Length(*w))
        .collect();
    let last = shown_cols.last().map_or(first, |(c, _)| *c);
    let pos = |c: usize| order.iter().position(|o| *o == c).unwrap_or(0) + 1;
    let more = format!(
        " Enter: {} · columns {}-{} of {} (← →) ",
        table.headers[first],
        pos(first),
        pos(last),
        order.len()
    );
    frame.render_widget(
        Table::new(rows, widths)
            .header(header)
            .column_spacing(1)
            .block(block.title_bottom(Line::from(more).right_aligned())),
        area,
    );
}
