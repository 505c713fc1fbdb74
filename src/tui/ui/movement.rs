//! The movement view (`M` on the Report screen): the bridge of the revised budget from an earlier
//! report to the period shown, per phase and in total, by cause, as `outturn report movement`
//! computes it. A table of every row (Programme and Phase stay put, the causes scroll with ← →)
//! and, under it, the selected row's bridge line by line, its causes adding up to the movement.
//! Money as £ with negatives in brackets, short (`£1.2m`) where it does not fit; text cut with
//! `…`, codes never.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table};

use super::report::codes;
use super::{Theme, cut, money, money_short};
use crate::domain::Money;
use crate::domain::movement::{Bridge, CAUSES, MovementRow};
use crate::domain::report::RowKind;
use crate::tui::app::App;
use crate::tui::movement::{MovementData, MovementView};

/// The short headers of the causes in the table (the bridge panel uses the full names).
const CAUSE_HEADERS: [&str; 7] = [
    "Approvals",
    "Additions",
    "Reductions",
    "Reprof in",
    "Reprof out",
    "Vire in",
    "Vire out",
];

/// Draws the movement view.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, t: Theme) {
    let Some(view) = &app.movement else {
        return;
    };
    let Some(d) = &view.data else {
        frame.render_widget(Paragraph::new(" Loading the movement…"), area);
        return;
    };
    let width = area.width.saturating_sub(4) as usize;
    let title = |basis: &dyn Fn(&str) -> String| match d.from {
        Some(_) => format!(
            " Movement in revised budget {} from {} to {} ",
            d.fy.label(),
            basis(&d.from_basis),
            basis(&d.to_basis)
        ),
        None => format!(" Movement in revised budget {} ", d.fy.label()),
    };
    // Where the snapshot's time does not fit: `P4 (snapshot)`.
    let mut title = title(&|b| b.to_string());
    if title.chars().count() > width {
        title = title_short(&title, d);
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .title(cut(&title, width));
    let Some(from) = d.from else {
        frame.render_widget(
            Paragraph::new(format!(
                "No period of {} before {}: there is no earlier report to bridge from (> moves the period shown; M or Esc returns to the report).",
                d.fy.label(),
                d.to.label()
            ))
            .wrap(ratatui::widgets::Wrap { trim: true })
            .block(block),
            area,
        );
        return;
    };
    let other = d.rows.iter().any(|r| !r.bridge.other.is_zero());
    // One column of lines (the two reports, the causes, the movement) when there is room, else
    // two side by side.
    let lines = 10 + usize::from(other);
    let one_column = area.height as usize >= lines + 2 + 10;
    let panel_h = if one_column {
        lines + 2
    } else {
        lines.div_ceil(2) + 2
    } as u16;
    let [top, bottom] =
        Layout::vertical([Constraint::Min(4), Constraint::Length(panel_h)]).areas(area);
    table(frame, top, block, d, view, (from, other), t);
    if let Some(r) = d.rows.get(view.list.cursor) {
        panel(frame, bottom, r, d, (from, other, one_column), t);
    }
}

/// The title with each basis as `P4 (snapshot)` instead of `P4 (snapshot of <when>)`.
fn title_short(title: &str, d: &MovementData) -> String {
    [&d.from_basis, &d.to_basis]
        .iter()
        .fold(title.to_string(), |t, b| {
            match b.split_once(" (snapshot of ") {
                Some((p, _)) => t.replace(b.as_str(), &format!("{p} (snapshot)")),
                None => t,
            }
        })
}

/// The money columns after the codes: header and value of a bridge.
fn columns(d: &MovementData, from: crate::domain::Period, other: bool) -> Vec<(String, Column)> {
    let mut out = vec![(format!("At {}", from.label()), Column::From)];
    out.extend(
        CAUSE_HEADERS
            .iter()
            .enumerate()
            .map(|(i, h)| (h.to_string(), Column::Cause(i))),
    );
    if other {
        out.push(("Other".into(), Column::Other));
    }
    out.push((format!("At {}", d.to.label()), Column::To));
    out.push(("Movement".into(), Column::Movement));
    out
}

/// Which figure of a bridge a column shows.
#[derive(Clone, Copy)]
enum Column {
    From,
    Cause(usize),
    Other,
    To,
    Movement,
}

impl Column {
    fn of(self, b: &Bridge) -> Money {
        match self {
            Column::From => b.from_revised,
            Column::Cause(i) => b.causes[i],
            Column::Other => b.other,
            Column::To => b.to_revised,
            Column::Movement => b.movement(),
        }
    }
}

/// Money as text: full (`£1,378,513.09`, `(£5.00)`) or short (`£1.38m`, `(£12.5k)`).
fn money_text(m: Money, short: bool) -> String {
    if short {
        money_short(m, Theme { colour: false }).content.into_owned()
    } else {
        money(m, Theme { colour: false }).content.into_owned()
    }
}

fn table(
    frame: &mut Frame,
    area: Rect,
    block: Block,
    d: &MovementData,
    view: &MovementView,
    (from, other): (crate::domain::Period, bool),
    t: Theme,
) {
    let inner = area.width.saturating_sub(2) as usize;
    let cols = columns(d, from, other);
    let code_cells: Vec<(String, String)> = d
        .rows
        .iter()
        .map(|r| codes(r.kind, &r.programme_code, &r.phase_code))
        .collect();
    let code_w = |f: fn(&(String, String)) -> &String, head: &str| {
        code_cells
            .iter()
            .map(|c| f(c).chars().count())
            .chain([head.chars().count()])
            .max()
            .unwrap_or(1)
    };
    let (prog_w, phase_w) = (code_w(|c| &c.0, "Programme"), code_w(|c| &c.1, "Phase"));
    let width_of = |c: Column, head: &str, short: bool| {
        d.rows
            .iter()
            .map(|r| money_text(c.of(&r.bridge), short).chars().count())
            .max()
            .unwrap_or(1)
            .max(head.chars().count().min(10))
    };
    let fixed = prog_w + phase_w + 2;
    let full: usize = cols.iter().map(|(h, c)| width_of(*c, h, false) + 1).sum();
    let short = fixed + full > inner;
    let start = view.col.min(cols.len().saturating_sub(1));
    let mut shown: Vec<(usize, usize)> = Vec::new();
    let mut used = fixed;
    for (i, (h, c)) in cols.iter().enumerate().skip(start) {
        let w = width_of(*c, h, short);
        if used + w > inner && !shown.is_empty() {
            break;
        }
        used += w + 1;
        shown.push((i, w));
    }
    let header = Row::new(
        [
            Cell::from("Programme").style(t.heading()),
            Cell::from("Phase").style(t.heading()),
        ]
        .into_iter()
        .chain(shown.iter().map(|(i, w)| {
            let h = cut(&cols[*i].0, *w);
            Cell::from(Line::from(h).right_aligned()).style(t.heading())
        })),
    );
    let h = area.height.saturating_sub(3) as usize;
    let first = view.list.window_start(d.rows.len(), h);
    let rows = d
        .rows
        .iter()
        .zip(&code_cells)
        .enumerate()
        .skip(first)
        .take(h)
        .map(|(i, (r, (p, ph)))| {
            let cells = [Cell::from(p.clone()), Cell::from(ph.clone())]
                .into_iter()
                .chain(shown.iter().map(|(c, _)| {
                    let m = cols[*c].1.of(&r.bridge);
                    let style = if m.is_negative() {
                        t.red()
                    } else {
                        Style::default()
                    };
                    Cell::from(Line::from(money_text(m, short)).right_aligned()).style(style)
                }));
            let mut style = if r.kind == RowKind::Phase {
                Style::default()
            } else {
                t.heading()
            };
            if i == view.list.cursor {
                style = style.patch(t.selected());
            }
            Row::new(cells).style(style)
        });
    let widths: Vec<Constraint> = [prog_w, phase_w]
        .iter()
        .chain(shown.iter().map(|(_, w)| w))
        .map(|w| Constraint::Length(*w as u16))
        .collect();
    let last = shown.last().map_or(start, |(i, _)| *i);
    let more = format!(
        " [ ] from · columns {}-{} of {} (← →) ",
        start + 1,
        last + 1,
        cols.len()
    );
    frame.render_widget(
        Table::new(rows, widths)
            .header(header)
            .column_spacing(1)
            .block(block.title_bottom(Line::from(cut(&more, inner)).right_aligned())),
        area,
    );
}

/// The selected row's bridge: the earlier report, each cause, the movement (the causes' sum)
/// and the later report.
fn panel(
    frame: &mut Frame,
    area: Rect,
    r: &MovementRow,
    d: &MovementData,
    (from, other, one_column): (crate::domain::Period, bool, bool),
    t: Theme,
) {
    let b = &r.bridge;
    let mut items: Vec<(String, Money)> = vec![(
        format!("Revised budget at {}", from.label()),
        b.from_revised,
    )];
    items.extend(
        CAUSES
            .iter()
            .zip(b.causes)
            .map(|(c, m)| (format!("  {c}"), m)),
    );
    if other {
        items.push(("  Other (not explained)".into(), b.other));
    }
    items.push(("= Budget movement".into(), b.movement()));
    items.push((format!("Revised budget at {}", d.to.label()), b.to_revised));
    let inner = area.width.saturating_sub(2) as usize;
    let line = |(label, m): &(String, Money), w: usize| -> Vec<Span<'static>> {
        let label_w = 24.min(w.saturating_sub(8));
        let room = w.saturating_sub(label_w);
        let mut text = money_text(*m, false);
        if text.chars().count() > room {
            text = money_text(*m, true);
        }
        let style = if m.is_negative() {
            t.red()
        } else {
            Style::default()
        };
        let head = if label.starts_with('=') || label.starts_with('R') {
            t.heading()
        } else {
            Style::default()
        };
        vec![
            Span::styled(format!("{:<label_w$}", cut(label, label_w)), head),
            Span::styled(format!("{text:>room$}"), style),
        ]
    };
    let lines: Vec<Line> = if one_column {
        let w = inner.min(48);
        items.iter().map(|i| Line::from(line(i, w))).collect()
    } else {
        // Two columns: the first half of the lines left, the rest right.
        let half = items.len().div_ceil(2);
        let w = (inner.saturating_sub(3) / 2).min(48);
        (0..half)
            .map(|k| {
                let mut spans = line(&items[k], w);
                if let Some(right) = items.get(k + half) {
                    spans.push(Span::styled(" │ ", t.dim()));
                    spans.extend(line(right, w));
                }
                Line::from(spans)
            })
            .collect()
    };
    let (p, ph) = codes(r.kind, &r.programme_code, &r.phase_code);
    let head = match r.kind {
        RowKind::Phase => format!(" {p}/{ph} "),
        RowKind::ProgrammeTotal => format!(" {p} programme total "),
        RowKind::GrandTotal => " Grand total ".to_string(),
    };
    // The codes are never cut: the name takes what is left.
    let room = inner.saturating_sub(head.chars().count() + 1);
    let title = if r.phase_name.is_empty() || room < 2 {
        head
    } else {
        format!("{head}{} ", cut(&r.phase_name, room.saturating_sub(1)))
    };
    frame.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(title)),
        area,
    );
}
