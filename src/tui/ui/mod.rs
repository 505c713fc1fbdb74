//! Drawing: pure functions from the state (and a fixed `today`) to a frame. Nothing here queries
//! the database or changes the state. Shared pieces (tabs, header, status, footer generated from
//! the keymap, popups, money cells, the colour theme) live here; each screen has its own file.

mod budget;
mod contracts;
mod dashboard;
mod decisions;
mod lists;
mod milestones;
mod report;

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Gauge, Paragraph, Wrap};

use super::action::Screen;
use super::app::{App, Mode};
use super::form::Form;
use super::keymap;
use crate::domain::Money;
use crate::domain::report::Rag;

/// The smallest terminal Outturn draws in.
pub const MIN_WIDTH: u16 = 80;
/// The smallest terminal height Outturn draws in.
pub const MIN_HEIGHT: u16 = 24;

/// Colours, or none (NO_COLOR): meaning is then carried by brackets, words and bold/reverse.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub colour: bool,
}

impl Theme {
    /// A style with a foreground colour when colour is on.
    fn fg(self, c: Color) -> Style {
        if self.colour {
            Style::default().fg(c)
        } else {
            Style::default()
        }
    }
    /// Negative money and over budget.
    pub fn red(self) -> Style {
        self.fg(Color::Red)
    }
    /// Near budget, things to act on.
    pub fn amber(self) -> Style {
        self.fg(Color::Yellow)
    }
    /// Within budget.
    pub fn green(self) -> Style {
        self.fg(Color::Green)
    }
    /// Headings.
    pub fn heading(self) -> Style {
        Style::default().add_modifier(Modifier::BOLD)
    }
    /// The selected row.
    pub fn selected(self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED)
    }
    /// Secondary text.
    pub fn dim(self) -> Style {
        if self.colour {
            Style::default().fg(Color::DarkGray)
        } else {
            Style::default()
        }
    }
    /// The style of a RAG rating.
    pub fn rag(self, r: Rag) -> Style {
        match r {
            Rag::Red => self.red().add_modifier(Modifier::BOLD),
            Rag::Amber => self.amber().add_modifier(Modifier::BOLD),
            Rag::Green => self.green(),
        }
    }
}

/// Money on screen: `£1,378,513.09`, negatives in brackets (and red).
pub fn money(m: Money, t: Theme) -> Span<'static> {
    let style = if m.is_negative() {
        t.red()
    } else {
        Style::default()
    };
    Span::styled(m.bracketed(), style)
}

/// Money in the short form where room is short: `£3.0m`, `(£12.5k)`.
pub fn money_short(m: Money, t: Theme) -> Span<'static> {
    if m.is_negative() {
        Span::styled(format!("({})", m.abs().short()), t.red())
    } else {
        Span::raw(m.short())
    }
}

/// Money, full when it fits `width`, else short.
pub fn money_fit(m: Money, width: usize, t: Theme) -> Span<'static> {
    let full = money(m, t);
    if full.content.chars().count() <= width {
        full
    } else {
        money_short(m, t)
    }
}

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, app: &App, today: NaiveDate, theme: Theme) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area);
        return;
    }
    let [tabs, header, body, status, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    draw_tabs(frame, tabs, app, theme);
    draw_header(frame, header, app, today, theme);
    match app.screen {
        Screen::Dashboard => dashboard::draw(frame, body, app, theme),
        Screen::Programmes => lists::programmes(frame, body, app, theme),
        Screen::Decisions => decisions::draw(frame, body, app, theme),
        Screen::Budget => budget::draw(frame, body, app, theme),
        Screen::Contracts => contracts::draw(frame, body, app, today, theme),
        Screen::Actuals => lists::actuals(frame, body, app, theme),
        Screen::Report => report::draw(frame, body, app, theme),
        Screen::Audit => lists::audit(frame, body, app, theme),
    }
    draw_status(frame, status, app, theme);
    draw_footer(frame, footer, app, theme);
    draw_popup(frame, body, app, theme);
}

fn too_small(frame: &mut Frame, area: Rect) {
    let text = vec![
        Line::from("Outturn needs a terminal of at least 80 x 24."),
        Line::from(format!("This one is {} x {}.", area.width, area.height)),
        Line::from("Make the window larger, or press q to quit."),
    ];
    let h = (text.len() as u16).min(area.height);
    let y = area.y + area.height.saturating_sub(h) / 2;
    frame.render_widget(
        Paragraph::new(text)
            .alignment(ratatui::layout::Alignment::Center)
            .wrap(Wrap { trim: true }),
        Rect::new(area.x, y, area.width, h),
    );
}

fn draw_tabs(frame: &mut Frame, area: Rect, app: &App, t: Theme) {
    let wide = area.width >= 100;
    let mut spans = Vec::new();
    for (i, s) in Screen::ALL.iter().enumerate() {
        let title = if wide { s.title() } else { s.short_title() };
        let text = format!(" {} {}", i + 1, title);
        let style = if *s == app.screen {
            t.selected().add_modifier(Modifier::BOLD)
        } else {
            Style::default()
        };
        spans.push(Span::styled(text, style));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_header(frame: &mut Frame, area: Rect, app: &App, today: NaiveDate, t: Theme) {
    let fy = app.fy.map(|f| f.label()).unwrap_or_else(|| "…".into());
    let period = app
        .period
        .map(|p| format!("{} ({})", p.label(), p.month_name()))
        .unwrap_or_default();
    let line = Line::from(vec![
        Span::styled(format!(" FY {fy}"), t.heading()),
        Span::styled(" [ ]", t.dim()),
        Span::raw(format!("  as at {period}")),
        Span::styled(" < >", t.dim()),
        Span::raw(format!(
            "  today {}",
            crate::domain::calendar::uk_date(today)
        )),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}

fn draw_status(frame: &mut Frame, area: Rect, app: &App, t: Theme) {
    if let Some(s) = &app.status {
        let style = if s.error {
            t.red().add_modifier(Modifier::BOLD)
        } else {
            t.green()
        };
        frame.render_widget(
            Paragraph::new(Line::from(Span::styled(format!(" {}", s.text), style))),
            area,
        );
    }
}

fn draw_footer(frame: &mut Frame, area: Rect, app: &App, t: Theme) {
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1usize;
    for (keys, help) in keymap::footer(app.context()) {
        let len = keys.chars().count() + help.chars().count() + 3;
        if used + len > area.width as usize {
            break;
        }
        used += len;
        spans.push(Span::styled(keys, t.heading()));
        spans.push(Span::styled(format!(" {help}  "), t.dim()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// A rectangle `w` x `h` centred in `area` (clamped to it).
pub fn centred(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

fn draw_popup(frame: &mut Frame, area: Rect, app: &App, t: Theme) {
    match &app.mode {
        Mode::Normal => {}
        Mode::Help { scroll } => {
            let rows = keymap::help_lines();
            let lines: Vec<Line> = rows
                .iter()
                .map(|(k, h, s)| {
                    Line::from(vec![
                        Span::styled(format!("{k:<18}"), t.heading()),
                        Span::raw(h.to_string()),
                        Span::styled(format!("  ({s})"), t.dim()),
                    ])
                })
                .collect();
            let r = centred(area, area.width.saturating_sub(4).min(96), area.height);
            frame.render_widget(Clear, r);
            frame.render_widget(
                Paragraph::new(lines).scroll((*scroll, 0)).block(
                    Block::default()
                        .borders(Borders::ALL)
                        .title(" Keys (from the keymap; Esc closes, ↑↓ scroll) "),
                ),
                r,
            );
        }
        Mode::Message {
            title,
            lines,
            scroll,
            error,
        } => {
            let r = centred(
                area,
                area.width.saturating_sub(8).min(90),
                (lines.len() as u16 + 4).min(area.height),
            );
            frame.render_widget(Clear, r);
            let style = if *error { t.red() } else { Style::default() };
            let mut text: Vec<Line> = lines.iter().map(|l| Line::from(l.clone())).collect();
            text.push(Line::from(""));
            text.push(Line::styled("Esc closes", t.dim()));
            frame.render_widget(
                Paragraph::new(text)
                    .wrap(Wrap { trim: false })
                    .scroll((*scroll, 0))
                    .block(
                        Block::default()
                            .borders(Borders::ALL)
                            .border_style(style)
                            .title(format!(" {title} ")),
                    ),
                r,
            );
        }
        Mode::Confirm { question, .. } => {
            let r = centred(area, area.width.saturating_sub(10).min(70), 5);
            frame.render_widget(Clear, r);
            frame.render_widget(
                Paragraph::new(question.clone())
                    .wrap(Wrap { trim: true })
                    .block(Block::default().borders(Borders::ALL).title(" Confirm ")),
                r,
            );
        }
        Mode::Form(form) => draw_form(frame, area, form, t),
        Mode::Progress { label, done, total } => {
            let r = centred(area, area.width.saturating_sub(10).min(70), 3);
            frame.render_widget(Clear, r);
            let pct = if *total == 0 {
                0
            } else {
                (done.saturating_mul(100) / total).min(100) as u16
            };
            frame.render_widget(
                Gauge::default()
                    .block(
                        Block::default()
                            .borders(Borders::ALL)
                            .title(format!(" {label} ")),
                    )
                    .percent(pct)
                    .label(format!(
                        "{} of {} KiB read",
                        done.div_ceil(1024),
                        total.div_ceil(1024)
                    )),
                r,
            );
        }
    }
}

fn draw_form(frame: &mut Frame, area: Rect, form: &Form, t: Theme) {
    let mut lines: Vec<Line> = Vec::new();
    for (i, f) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        let marker = if focused { "▶ " } else { "  " };
        let value_style = if focused {
            Style::default().add_modifier(Modifier::UNDERLINED)
        } else {
            Style::default()
        };
        let mut spans = vec![
            Span::raw(marker),
            Span::styled(format!("{:<22}", f.label), t.heading()),
            Span::styled(f.value.clone(), value_style),
        ];
        if focused {
            spans.push(Span::styled("_", t.dim()));
        }
        if f.value.is_empty() {
            spans.push(Span::styled(format!("  e.g. {}", f.hint), t.dim()));
        }
        lines.push(Line::from(spans));
        if let Some(e) = &f.error {
            lines.push(Line::from(Span::styled(
                format!("    ✗ {e}"),
                t.red().add_modifier(Modifier::BOLD),
            )));
        }
    }
    lines.push(Line::from(""));
    lines.push(Line::styled(
        "Enter saves · Tab next field · Esc cancels",
        t.dim(),
    ));
    let h = (lines.len() as u16 + 2).min(area.height);
    let r = centred(area, area.width.saturating_sub(4).min(100), h);
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .title(format!(" {} ", form.title)),
        ),
        r,
    );
}
