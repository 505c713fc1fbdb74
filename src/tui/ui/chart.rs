//! The dashboard's chart: budget, actual and forecast by financial year as bars on a money axis,
//! each bar labelled with its value in the chart's short form (`£1.2m`, `£574k`) just above it
//! (inside its top row when the bar is full height). Bars are as wide as the widest label, so as
//! many years are shown as fit, always including the year selected (`[` `]` move through them).

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::Theme;
use crate::domain::Money;
use crate::tui::state::{Figures, YearBar};

/// Partial blocks, in eighths of a row.
const EIGHTHS: [&str; 9] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"];

/// Draws the chart in `area`.
pub fn draw(frame: &mut Frame, area: Rect, f: &Figures, t: Theme) {
    let block = Block::default().borders(Borders::ALL);
    if f.by_year.is_empty() {
        frame.render_widget(
            Paragraph::new("No figures yet").block(block.title(" Budget, actual, forecast by FY ")),
            area,
        );
        return;
    }
    // The top of the scale: the largest figure of any year, so the scale holds as the years
    // scroll.
    let top = f
        .by_year
        .iter()
        .flat_map(|y| [y.revised, y.actual, y.forecast])
        .map(|m| m.pence().max(0))
        .max()
        .unwrap_or(0)
        .max(1);
    // Rows of bars: the panel less its borders, the legend and the year labels.
    let rows = area.height.saturating_sub(4).max(1) as i64;
    let mid = rows / 2;
    let marks = [
        (0, Money::from_pence(top).compact()),
        // The value at the top edge of the middle row: top x (rows - mid) / rows, in pence.
        (mid, Money::from_pence(top * (rows - mid) / rows).compact()),
        (rows, "£0".to_string()),
    ];
    let axis_w = marks
        .iter()
        .map(|(_, l)| l.chars().count())
        .max()
        .unwrap_or(2) as u16
        + 1;
    let inner = area.width.saturating_sub(2 + axis_w);
    // Each bar as wide as the widest label; each year three bars and a gap of one.
    let w = f
        .by_year
        .iter()
        .flat_map(|y| [y.revised, y.actual, y.forecast])
        .map(|m| m.compact().chars().count())
        .max()
        .unwrap_or(1) as u16;
    let group = 3 * w + 1;
    let fit = (inner / group).max(1) as usize;
    let start = f
        .by_year
        .iter()
        .position(|y| y.fy == f.fy)
        .map(|i| (i + 1).saturating_sub(fit))
        .unwrap_or(0)
        .min(f.by_year.len().saturating_sub(fit));
    let colour = |c: Color| {
        if t.colour {
            Style::default().fg(c)
        } else {
            Style::default()
        }
    };
    let styles = [
        colour(Color::Blue),
        colour(Color::Green),
        colour(Color::Magenta),
    ];
    let shown: Vec<&YearBar> = f.by_year.iter().skip(start).take(fit).collect();
    let title = if shown.len() < f.by_year.len() {
        format!(
            " Budget/actual/forecast: {} of {} years ",
            shown.len(),
            f.by_year.len()
        )
    } else {
        " Budget, actual, forecast by FY ".to_string()
    };
    let block = block.title(super::cut(&title, area.width.saturating_sub(2) as usize));
    let [legend, body] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(block.inner(area));
    frame.render_widget(block, area);
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled("▮ budget ", styles[0]),
            Span::styled("▮ actual ", styles[1]),
            Span::styled("▮ forecast", styles[2]),
        ])),
        legend,
    );
    let [axis, bars] =
        Layout::horizontal([Constraint::Length(axis_w), Constraint::Min(1)]).areas(body);
    let mut axis_lines = vec![Line::from(""); rows as usize + 1];
    for (row, label) in marks {
        if let Some(l) = axis_lines.get_mut(row as usize) {
            *l = Line::from(format!("{label:>w$}┤", w = axis_w as usize - 1));
        }
    }
    frame.render_widget(Paragraph::new(axis_lines), axis);
    let buf = frame.buffer_mut();
    for (g, y) in shown.iter().enumerate() {
        let x0 = bars.x + g as u16 * group;
        for (i, m) in [y.revised, y.actual, y.forecast].into_iter().enumerate() {
            let x = x0 + i as u16 * w;
            bar(buf, (x, w), (bars.y, rows), (m, top), styles[i]);
        }
        // The year under its bars, the selected one highlighted.
        let full = y.fy.label();
        let text = if full.chars().count() <= (3 * w) as usize {
            full.clone()
        } else {
            full[2..].to_string()
        };
        let style = if y.fy == f.fy {
            t.heading().patch(t.selected())
        } else {
            Style::default()
        };
        let yl = bars.y + rows as u16;
        if x0 < bars.right() && yl < bars.bottom() {
            buf.set_stringn(x0, yl, text, (bars.right() - x0) as usize, style);
        }
    }
}

/// One bar of `m` on a scale whose top (`top` pence) is `rows` rows high, at column `x` and `w`
/// wide, rows from `y`; its label just above it, or inside its top row when it is full height.
fn bar(
    buf: &mut Buffer,
    (x, w): (u16, u16),
    (y, rows): (u16, i64),
    (m, top): (Money, i64),
    style: Style,
) {
    if x + w > buf.area.right() {
        return;
    }
    let eighths = (i128::from(m.pence().max(0)) * i128::from(rows) * 8 / i128::from(top)) as i64;
    let (full, part) = (eighths / 8, eighths % 8);
    for r in 0..rows {
        // Row r from the top; the bar fills from the bottom (row rows - 1).
        let from_bottom = rows - 1 - r;
        let symbol = if from_bottom < full {
            EIGHTHS[8]
        } else if from_bottom == full {
            EIGHTHS[part as usize]
        } else {
            continue;
        };
        for dx in 0..w {
            buf[(x + dx, y + r as u16)]
                .set_symbol(symbol)
                .set_style(style);
        }
    }
    let height = full + i64::from(part > 0);
    let label = m.compact();
    let lx = x + (w.saturating_sub(label.chars().count() as u16)) / 2;
    if height < rows {
        let ly = y + (rows - 1 - height) as u16;
        buf.set_stringn(lx, ly, &label, w as usize, style);
    } else {
        buf.set_stringn(
            lx,
            y,
            &label,
            w as usize,
            style.add_modifier(Modifier::REVERSED),
        );
    }
}
