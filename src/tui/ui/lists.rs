//! The list screens: the programme and phase tree with its drill-down, the actuals (a window of a
//! possibly huge list), and the audit history. Also the shared table helper.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, Wrap};

use super::{Theme, cut, money, money_fit};
use crate::domain::audit_words::{changes, kind_word, local_time_in};
use crate::domain::calendar::uk_date;
use crate::ops::types::{ActualOrder, ActualSort};
use crate::tui::app::App;
use crate::tui::state::{ListState, TreeRow};

/// Draws a table of `rows` (already cells) with a header, the `cursor` row highlighted and the
/// window scrolled to keep it visible.
#[allow(clippy::too_many_arguments)]
pub(super) fn table<'a>(
    frame: &mut Frame,
    area: Rect,
    block: Block<'a>,
    headers: &[&'a str],
    widths: &[Constraint],
    rows: Vec<Vec<Cell<'a>>>,
    list: Option<ListState>,
    t: Theme,
) {
    let h = area.height.saturating_sub(3) as usize;
    let start = list.map_or(0, |l| l.window_start(rows.len(), h));
    let cursor = list.map(|l| l.cursor);
    let body = rows
        .into_iter()
        .enumerate()
        .skip(start)
        .take(h)
        .map(|(i, cells)| {
            let r = Row::new(cells);
            if Some(i) == cursor {
                r.style(t.selected())
            } else {
                r
            }
        });
    let header = Row::new(headers.iter().map(|h| Cell::from(*h).style(t.heading())));
    frame.render_widget(
        Table::new(body, widths.to_vec())
            .header(header)
            .column_spacing(1)
            .block(block),
        area,
    );
}

/// A right-aligned money cell.
pub(super) fn money_cell(m: crate::domain::Money, width: usize, t: Theme) -> Cell<'static> {
    let s = money_fit(m, width, t);
    let style = s.style;
    Cell::from(Line::from(Span::styled(s.content.into_owned(), style)).right_aligned())
}

/// The programmes and phases tree, and the phase drilled into.
pub fn programmes(frame: &mut Frame, area: Rect, app: &App, t: Theme) {
    let Some(tree) = &app.tree else {
        frame.render_widget(Paragraph::new(" Loading…"), area);
        return;
    };
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(38), Constraint::Percentage(62)]).areas(area);
    let rows = tree.rows();
    let h = left.height.saturating_sub(2) as usize;
    let start = app.tree_list.window_start(rows.len(), h);
    let lines: Vec<Line> = rows
        .iter()
        .enumerate()
        .skip(start)
        .take(h)
        .map(|(i, r)| {
            let (text, style) = match r {
                TreeRow::Programme(p) => (format!("{} {}", p.code, p.name), t.heading()),
                TreeRow::Phase(p) => (
                    format!("  {} {} ({})", p.code, p.name, p.status),
                    Style::default(),
                ),
            };
            let style = if i == app.tree_list.cursor {
                style.patch(t.selected())
            } else {
                style
            };
            Line::styled(text, style)
        })
        .collect();
    frame.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(
            match app.sorts.tree {
                Some(s) => format!(
                    " Programmes and phases ({}) ",
                    crate::tui::sort::label(crate::tui::sort::TREE, s)
                ),
                None => " Programmes and phases (Enter opens) ".to_string(),
            },
        )),
        left,
    );
    let block = Block::default().borders(Borders::ALL);
    let Some(d) = &app.phase else {
        frame.render_widget(
            Paragraph::new("Choose a phase and press Enter to see its allocations, changes, contracts and actuals for the selected year.")
                .wrap(Wrap { trim: true })
                .block(block.title(" Phase ")),
            right,
        );
        return;
    };
    let w = right.width.saturating_sub(22) as usize;
    let mut lines: Vec<Line> = Vec::new();
    let fig = |label: &str, m: crate::domain::Money| {
        Line::from(vec![Span::raw(format!("{label:<20}")), money_fit(m, w, t)])
    };
    match &d.row {
        Some(r) => {
            lines.push(fig("Revised budget", r.revised));
            lines.push(fig("Pending approval", r.pending));
            lines.push(fig("Actual to date", r.actual_to_date));
            lines.push(fig("Commitments", r.commitments));
            lines.push(fig("Forecast outturn", r.forecast));
            lines.push(Line::from(vec![
                Span::raw(format!("{:<20}", "Variance / RAG")),
                money_fit(r.variance, w.saturating_sub(8), t),
                Span::raw("  "),
                Span::styled(r.rag.label(), t.rag(r.rag)),
            ]));
        }
        None => lines.push(Line::from(format!("No figures in {}", d.fy.label()))),
    }
    lines.push(Line::styled("Allocations", t.heading()));
    if d.allocations.is_empty() {
        lines.push(Line::styled("  none in this year", t.dim()));
    }
    for a in &d.allocations {
        let share = a
            .profile
            .iter()
            .find(|p| p.fy == d.fy)
            .map(|p| p.amount)
            .unwrap_or(a.amount);
        lines.push(Line::from(vec![
            Span::raw("  "),
            money(share, t),
            Span::raw(format!(
                " {} of {} ({}{})",
                d.fy.label(),
                a.amount.short(),
                a.status,
                if a.profile_assumed {
                    ", assumed split"
                } else {
                    ""
                }
            )),
        ]));
    }
    lines.push(Line::styled("Budget changes", t.heading()));
    if d.changes.is_empty() {
        lines.push(Line::styled("  none in this year", t.dim()));
    }
    for c in &d.changes {
        lines.push(Line::from(vec![
            Span::raw(format!("  {} {} ", c.id, c.kind)),
            money(c.amount, t),
            Span::raw(format!(" {} {}", c.status, uk_date(c.effective))),
        ]));
    }
    // The milestone or benefit J/K selected (milestones first).
    let (item, n) = (app.records.item, d.milestones.len());
    let total = n + d.benefits.len();
    let item = (total > 0).then(|| item.min(total - 1));
    lines.extend(super::milestones::timeline_lines(
        &d.milestones,
        item.filter(|i| *i < n),
        t,
    ));
    lines.extend(super::milestones::benefit_lines(
        &d.benefits,
        item.and_then(|i| i.checked_sub(n)),
        t,
    ));
    lines.push(Line::styled("Contracts", t.heading()));
    if d.contracts.is_empty() {
        lines.push(Line::styled("  none", t.dim()));
    }
    for c in &d.contracts {
        lines.push(Line::from(vec![
            Span::raw(format!("  {} {} ", c.reference, c.supplier)),
            money(c.value, t),
        ]));
    }
    lines.push(Line::styled(
        format!("Actuals in {}: {}", d.fy.label(), d.actual_count),
        t.heading(),
    ));
    for a in &d.actuals {
        lines.push(Line::from(vec![
            Span::raw(format!("  {} {} ", uk_date(a.date), a.reference)),
            money(a.amount, t),
        ]));
    }
    // The phase view's own keys, on the bottom border (cut with `…` where narrow).
    let inner = right.width.saturating_sub(2) as usize;
    let full =
        " J/K select · m milestone · b benefit · E edit · c complete · r realise · W withdraw ";
    let keys = if full.chars().count() <= inner {
        full
    } else {
        " keys J/K m b E c r W (? says what they do) "
    };
    frame.render_widget(
        Paragraph::new(lines).block(
            block
                .title(format!(
                    " {}/{} {}: {} as at {} (Esc closes) ",
                    d.phase.programme_code,
                    d.phase.code,
                    d.phase.name,
                    d.fy.label(),
                    d.period.label()
                ))
                .title_bottom(Line::from(cut(keys, inner))),
        ),
        right,
    );
}

/// The actuals list: only the rows in view are in memory.
pub fn actuals(frame: &mut Frame, area: Rect, app: &App, t: Theme) {
    let v = &app.actuals;
    let position = if v.total == 0 {
        "no rows".to_string()
    } else {
        format!(
            "row {} of {} · total {}",
            v.cursor + 1,
            v.total,
            v.sum.bracketed()
        )
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" Actuals: {} (/ filters) ", v.filter_label))
        .title(Line::from(format!(" {position} ")).right_aligned());
    if !v.loaded {
        frame.render_widget(Paragraph::new("Loading…").block(block), area);
        return;
    }
    let wide = area.width >= 120;
    let h = app.list_rows() as usize;
    // Codes are never cut: the Phase column fits the longest in view; the supplier (and the
    // description) take what is left and are cut with `…`.
    let in_view = (v.top..(v.top + h).min(v.total as usize)).filter_map(|i| v.get(i));
    let phase_w = in_view
        .map(|a| a.programme_code.chars().count() + 1 + a.phase_code.chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    let fixed = 10 + 3 + phase_w + 14 + 16 + 6;
    let free = (area.width as usize).saturating_sub(2 + fixed);
    let (supplier_w, desc_w) = if wide {
        (free / 2, free - free / 2 - 1)
    } else {
        (free, 0)
    };
    let mut rows = Vec::new();
    for i in v.top..(v.top + h).min(v.total as usize) {
        let Some(a) = v.get(i) else {
            rows.push(Row::new(vec![Cell::from("…")]).style(if i == v.cursor {
                t.selected()
            } else {
                Style::default()
            }));
            continue;
        };
        let mut cells = vec![
            Cell::from(uk_date(a.date)),
            Cell::from(a.period.label()),
            Cell::from(format!("{}/{}", a.programme_code, a.phase_code)),
            Cell::from(super::cut(&a.supplier, supplier_w)),
            Cell::from(super::cut(&a.reference, 14)),
        ];
        if wide {
            cells.push(Cell::from(super::cut(&a.description, desc_w)));
        }
        cells.push(money_cell(a.amount, 16, t));
        let r = Row::new(cells);
        rows.push(if i == v.cursor {
            r.style(t.selected())
        } else {
            r
        });
    }
    // The sort on its column (Date, Supplier or Amount), once the officer has sorted: the
    // date order the list opens in is not marked.
    let order = v.filter.sort;
    let mark = |name: &str, by: ActualOrder| {
        if order.by == by && order != ActualSort::default() {
            format!("{name} {}", if order.desc { "▼" } else { "▲" })
        } else {
            name.to_string()
        }
    };
    let (date_h, supplier_h, amount_h) = (
        mark("Date", ActualOrder::Date),
        mark("Supplier", ActualOrder::Supplier),
        mark("Amount", ActualOrder::Amount),
    );
    let mut headers = vec![
        date_h.as_str(),
        "Per",
        "Phase",
        supplier_h.as_str(),
        "Reference",
    ];
    let mut widths = vec![
        Constraint::Length(10),
        Constraint::Length(3),
        Constraint::Length(phase_w as u16),
        Constraint::Length(supplier_w as u16),
        Constraint::Length(14),
    ];
    if wide {
        headers.push("Description");
        widths.push(Constraint::Length(desc_w as u16));
    }
    headers.push(amount_h.as_str());
    widths.push(Constraint::Length(16));
    let header = Row::new(
        headers
            .into_iter()
            .map(|h| Cell::from(h).style(t.heading())),
    );
    frame.render_widget(
        Table::new(rows, widths)
            .header(header)
            .column_spacing(1)
            .block(block),
        area,
    );
}

/// The audit history, newest first, in local time and the officer's words, with what the
/// selected event changed (`field: old -> new`).
pub fn audit(frame: &mut Frame, area: Rect, app: &App, t: Theme) {
    let Some(events) = &app.audit else {
        frame.render_widget(Paragraph::new(" Loading…"), area);
        return;
    };
    let [list, detail] =
        Layout::vertical([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(area);
    let rows = events
        .iter()
        .map(|e| {
            vec![
                Cell::from(local_time_in(&e.at, app.utc_offset)),
                Cell::from(e.who_label()),
                Cell::from(e.action.clone()),
                Cell::from(kind_word(&e.entity)),
                Cell::from(e.entity_id.map(|i| i.to_string()).unwrap_or_default()),
            ]
        })
        .collect();
    let headers: Vec<String> = crate::tui::sort::AUDIT
        .iter()
        .enumerate()
        .map(|(i, h)| crate::tui::sort::header(h, i, app.sorts.audit))
        .collect();
    let count = match events.len() {
        1 => "1 change".to_string(),
        n => format!("{n} changes"),
    };
    let title = if app.audit_shown.is_empty() {
        format!(" Audit: {count}, newest first ")
    } else {
        format!(
            " Audit: {count} ({}), newest first ",
            app.audit_shown.label()
        )
    };
    table(
        frame,
        list,
        Block::default().borders(Borders::ALL).title(title),
        &headers.iter().map(String::as_str).collect::<Vec<_>>(),
        &[
            Constraint::Length(19),
            Constraint::Length(12),
            Constraint::Length(10),
            Constraint::Length(19),
            Constraint::Min(4),
        ],
        rows,
        Some(app.audit_list),
        t,
    );
    let text: Vec<Line> = match events.get(app.audit_list.cursor) {
        Some(e) => {
            let found = changes(e.before.as_deref(), e.after.as_deref());
            let what = match (&e.before, &e.after) {
                (None, Some(_)) => "Added",
                (Some(_), None) => "Removed",
                _ => "Changed",
            };
            let mut lines = vec![Line::from(Span::styled(
                format!(
                    "{what} {}{}:",
                    kind_word(&e.entity),
                    e.entity_id.map(|i| format!(" {i}")).unwrap_or_default()
                ),
                t.heading(),
            ))];
            if found.is_empty() {
                lines.push(Line::from("(no field changed)"));
            }
            lines.extend(found.iter().map(|c| Line::from(c.line())));
            lines
        }
        None if app.audit_shown.is_empty() => vec![Line::from("No changes recorded yet.")],
        None => vec![Line::from("No change matches the filter (/ to change it).")],
    };
    frame.render_widget(
        Paragraph::new(text)
            .wrap(Wrap { trim: false })
            .block(Block::default().borders(Borders::ALL).title(" Change ")),
        detail,
    );
}
