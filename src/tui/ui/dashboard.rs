//! The dashboard: one card per programme for the selected FY, budget against actual and forecast
//! by FY, and the alerts.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::{Theme, money_fit};
use crate::domain::Money;
use crate::domain::report::{Rag, ReportRow, RowKind, percent_text};
use crate::tui::app::App;
use crate::tui::state::{CARD_HEIGHT, Figures, alert_lines, alerts_max_top};

const CARD_WIDTH: u16 = 38;

/// Draws the dashboard.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, t: Theme) {
    let Some(f) = &app.figures else {
        frame.render_widget(Paragraph::new(" Loading the figures…"), area);
        return;
    };
    let columns = (area.width / CARD_WIDTH).clamp(1, 4);
    let card_rows = if area.height >= 34 { 2 } else { 1 };
    let [cards, bottom] = Layout::vertical([
        Constraint::Length(CARD_HEIGHT * card_rows),
        Constraint::Min(4),
    ])
    .areas(area);
    draw_cards(frame, cards, f, app.cards.cursor, columns, card_rows, t);
    let [chart, alerts] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(bottom);
    super::chart::draw(frame, chart, f, t);
    draw_alerts(frame, alerts, f, app.alerts_top, t);
}

fn draw_cards(
    frame: &mut Frame,
    area: Rect,
    f: &Figures,
    scroll: usize,
    columns: u16,
    rows: u16,
    t: Theme,
) {
    let per_page = (columns * rows) as usize;
    let first = scroll.min(f.programmes.len().saturating_sub(1));
    let shown: Vec<_> = f.programmes.iter().skip(first).take(per_page).collect();
    let row_areas =
        Layout::vertical(vec![Constraint::Length(CARD_HEIGHT); rows as usize]).split(area);
    for (i, p) in shown.iter().enumerate() {
        let r = i / columns as usize;
        let c = i % columns as usize;
        let Some(row_area) = row_areas.get(r) else {
            break;
        };
        let cols = Layout::horizontal(vec![Constraint::Ratio(1, columns as u32); columns as usize])
            .split(*row_area);
        let total = f
            .report
            .rows
            .iter()
            .find(|r| r.kind == RowKind::ProgrammeTotal && r.programme_code == p.code);
        let more = if i + 1 == shown.len() && first + shown.len() < f.programmes.len() {
            format!(" +{} more (↓) ", f.programmes.len() - first - shown.len())
        } else {
            String::new()
        };
        draw_card(frame, cols[c], &p.code, &p.name, total, f, &more, t);
    }
}

#[allow(clippy::too_many_arguments)]
fn draw_card(
    frame: &mut Frame,
    area: Rect,
    code: &str,
    name: &str,
    total: Option<&ReportRow>,
    f: &Figures,
    more: &str,
    t: Theme,
) {
    let title_w = (area.width as usize).saturating_sub(12);
    let mut block = Block::default()
        .borders(Borders::ALL)
        .title(Line::from(Span::styled(
            format!(" {} ", super::cut(&format!("{code} {name}"), title_w)),
            t.heading(),
        )));
    if let Some(r) = total {
        block = block.title(
            Line::from(Span::styled(format!(" {} ", r.rag.label()), t.rag(r.rag))).right_aligned(),
        );
    }
    if !more.is_empty() {
        block = block.title_bottom(Line::from(more.to_string()).right_aligned());
    }
    let inner_w = area.width.saturating_sub(2) as usize;
    let label_w = 17usize;
    let money_w = inner_w.saturating_sub(label_w + 1);
    let mut lines = Vec::new();
    match total {
        None => lines.push(Line::from(format!("No figures in {}", f.fy.label()))),
        Some(r) => {
            let row = |label: &str, m: Money, style: Option<Style>| {
                let mut s = money_fit(m, money_w, t);
                if let Some(st) = style {
                    s = s.style(st);
                }
                Line::from(vec![Span::raw(format!("{label:<label_w$}")), s])
            };
            let over = r.actual_to_date + r.commitments > r.revised;
            lines.push(row("Revised budget", r.revised, None));
            lines.push(row(
                "Actual to date",
                r.actual_to_date,
                over.then(|| t.red()),
            ));
            lines.push(row("Commitments", r.commitments, None));
            lines.push(row("Headroom", r.headroom, None));
            lines.push(row("Forecast outturn", r.forecast, None));
            let mut v = vec![
                Span::raw(format!("{:<label_w$}", "Variance")),
                money_fit(r.variance, money_w.saturating_sub(9), t),
            ];
            let pct = percent_text(r.variance_pct);
            if !pct.is_empty() {
                v.push(Span::raw(format!(" {pct}%")));
            }
            if r.variance.is_negative() {
                v[1] = v[1].clone().style(t.red());
            } else if r.rag != Rag::Green && !r.variance.is_zero() {
                v[1] = v[1].clone().style(t.rag(r.rag));
            }
            lines.push(Line::from(v));
            if let Some(gap) = f.financing.as_ref().and_then(|s| {
                s.rows
                    .iter()
                    .find(|g| g.kind == RowKind::ProgrammeTotal && g.programme_code == code)
            }) {
                let style = (gap.gap > Money::ZERO).then(|| t.rag(Rag::Amber));
                lines.push(row("Funding gap", gap.gap, style));
            }
        }
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// The alerts, from alert `top` (J/K scroll, never past the point where the last is shown: when
/// they all fit nothing scrolls); the title says which are shown when they do not all fit.
fn draw_alerts(frame: &mut Frame, area: Rect, f: &Figures, top: usize, t: Theme) {
    let n = f.alerts.len();
    let inner_w = area.width.saturating_sub(2).max(1) as usize;
    let inner_h = area.height.saturating_sub(2) as usize;
    let top = top.min(alerts_max_top(&f.alerts, inner_w, inner_h));
    // How many alerts fit from `top` (each wrapped to whole lines of the panel's width).
    let mut used = 0;
    let mut fit = 0;
    for a in f.alerts.iter().skip(top) {
        let lines = alert_lines("• ", &a.text, inner_w).len();
        if used + lines > inner_h {
            break;
        }
        used += lines;
        fit += 1;
    }
    let title = if top == 0 && fit >= n {
        format!(" Alerts ({n}) ")
    } else {
        format!(
            " Alerts {}-{} of {n} (J/K scroll) ",
            top + 1,
            (top + fit.max(1)).min(n)
        )
    };
    let block = Block::default().borders(Borders::ALL).title(title);
    let lines: Vec<Line> = if f.alerts.is_empty() {
        vec![Line::from("Nothing needs attention.")]
    } else {
        // Wrapped here, as the scroll counts the lines, the mark coloured on the first.
        let mut lines = Vec::new();
        for a in f.alerts.iter().skip(top) {
            let (mark, style) = match a.level {
                Rag::Red => ("! ", t.red()),
                _ => ("• ", t.amber()),
            };
            for (i, l) in alert_lines(mark, &a.text, inner_w).into_iter().enumerate() {
                lines.push(match l.strip_prefix(mark).filter(|_| i == 0) {
                    Some(rest) => {
                        Line::from(vec![Span::styled(mark, style), Span::raw(rest.to_string())])
                    }
                    None => Line::from(l),
                });
            }
        }
        lines
    };
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
