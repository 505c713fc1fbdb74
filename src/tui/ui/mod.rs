//! Drawing: pure functions from the state (and a fixed `today`) to a frame. Nothing here queries
//! the database or changes the state. Shared pieces (tabs, header, status, footer generated from
//! the keymap, popups, money cells, the colour theme) live here; each screen has its own file.

mod budget;
mod chart;
mod contracts;
mod dashboard;
mod decisions;
mod financing;
mod fit;
mod lists;
mod milestones;
mod movement;
mod records;
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

pub use super::state::{MIN_HEIGHT, MIN_WIDTH};
use super::state::{STATUS_LINES, status_wrapped};

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
        Constraint::Length(status_height(app, area.width)),
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
        Screen::Report if app.movement.is_some() => movement::draw(frame, body, app, theme),
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
    // The same names at every width: "1 Dashboard 2 Phases ... 8 Audit" is exactly 80 wide.
    let mut spans = Vec::new();
    for (i, s) in Screen::ALL.iter().enumerate() {
        let sep = if i == 0 { "" } else { " " };
        spans.push(Span::raw(sep));
        let text = format!("{} {}", i + 1, s.title());
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
        closed_label(app, t),
        Span::styled(" < >", t.dim()),
        Span::raw(format!(
            "  today {}",
            crate::domain::calendar::uk_date(today)
        )),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}

/// " closed" (bold red) when the period shown is in a closed period, " open" otherwise.
fn closed_label(app: &App, t: Theme) -> Span<'static> {
    let closed = match (app.fy, app.period, app.figures.as_ref()) {
        (Some(fy), Some(p), Some(f)) => f.closed_through.is_some_and(|c| fy.period_end(p) <= c),
        _ => return Span::raw(""),
    };
    if closed {
        Span::styled(" closed", t.red().add_modifier(Modifier::BOLD))
    } else {
        Span::styled(" open", t.dim())
    }
}

/// The status message as drawn: a space, then its words wrapped to `width`, at most
/// [`STATUS_LINES`] lines (one line when there is no message).
fn status_lines(app: &App, width: u16) -> Vec<String> {
    let mut lines = status_wrapped(app.status.as_ref().map(|s| s.text.as_str()), width);
    let width = (width as usize).saturating_sub(1).max(1);
    if lines.len() > STATUS_LINES {
        lines.truncate(STATUS_LINES);
        if let Some(last) = lines.last_mut() {
            *last = cut(&format!("{last} …"), width);
        }
    }
    lines.into_iter().map(|l| format!(" {l}")).collect()
}

/// The lines the status line takes at `width`: a message too long for one line is wrapped, not
/// cut (up to [`STATUS_LINES`]); the screen above gives way.
pub fn status_height(app: &App, width: u16) -> u16 {
    status_lines(app, width).len() as u16
}

fn draw_status(frame: &mut Frame, area: Rect, app: &App, t: Theme) {
    if let Some(s) = &app.status {
        let style = if s.error {
            t.red().add_modifier(Modifier::BOLD)
        } else {
            t.green()
        };
        let lines: Vec<Line> = status_lines(app, area.width)
            .into_iter()
            .map(|l| Line::from(Span::styled(l, style)))
            .collect();
        frame.render_widget(Paragraph::new(lines), area);
    }
}

/// The footer: the keys that matter here, as many as fit; on a screen `? help` and `q quit` are
/// always kept (last), whatever else has to go.
fn draw_footer(frame: &mut Frame, area: Rect, app: &App, t: Theme) {
    let entries = keymap::footer(app.context());
    let len = |(k, h): &(String, &str)| k.chars().count() + h.chars().count() + 3;
    let kept = |(k, _): &(String, &str)| k == "?" || k == "q";
    let reserved: usize = entries.iter().filter(|e| kept(e)).map(len).sum();
    let mut room = (area.width as usize).saturating_sub(1 + reserved);
    let mut shown = Vec::new();
    for e in &entries {
        if kept(e) {
            shown.push(e);
        } else if len(e) <= room {
            room -= len(e);
            shown.push(e);
        }
    }
    let mut spans = vec![Span::raw(" ")];
    for (keys, help) in shown {
        spans.push(Span::styled(keys.clone(), t.heading()));
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
            let rows = keymap::help_lines(app.view_context());
            let lines: Vec<Line> = rows
                .iter()
                .map(|(k, h, s)| {
                    if k.is_empty() {
                        // A heading: the keys that work here, then the others.
                        return Line::styled(h.clone(), t.heading());
                    }
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
        Mode::Discard(form) => {
            draw_form(frame, area, form, t);
            let r = centred(area, area.width.saturating_sub(10).min(60), 5);
            frame.render_widget(Clear, r);
            frame.render_widget(
                Paragraph::new(format!(
                    "Discard what you typed in \"{}\"? y discards, n goes back to the form",
                    form.title
                ))
                .wrap(Wrap { trim: true })
                .block(Block::default().borders(Borders::ALL).title(" Discard? ")),
                r,
            );
        }
        Mode::Batches { batches, list } => batches_popup(frame, area, batches, list, t),
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
        ];
        if focused {
            // The cursor is the reversed character (or a reversed space at the end); a fresh
            // pre-filled value (replaced by typing) is shown reversed whole.
            let (before, at, after) = f.value.split();
            if f.value.is_fresh() {
                spans.push(Span::styled(f.value.text().to_string(), t.selected()));
            } else {
                spans.push(Span::styled(before.to_string(), value_style));
                spans.push(Span::styled(
                    at.map_or(" ".to_string(), String::from),
                    t.selected(),
                ));
                spans.push(Span::styled(after.to_string(), value_style));
            }
        } else {
            spans.push(Span::styled(f.value.text().to_string(), value_style));
        }
        if f.value.text().is_empty() {
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
        "Enter saves · Tab next · ←→ Home End move · ^U ^W erase · Esc cancels",
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

/// The import batches, newest first: Enter undoes the selected one (after a question).
fn batches_popup(
    frame: &mut Frame,
    area: Rect,
    batches: &[crate::ops::types::Batch],
    list: &crate::tui::state::ListState,
    t: Theme,
) {
    let r = centred(
        area,
        area.width.saturating_sub(4).min(110),
        (batches.len() as u16 + 4).min(area.height),
    );
    let h = r.height.saturating_sub(4) as usize;
    let start = list.window_start(batches.len(), h);
    let inner = r.width.saturating_sub(2) as usize;
    let mut lines: Vec<Line> = batches
        .iter()
        .enumerate()
        .skip(start)
        .take(h)
        .map(|(i, b)| {
            let state = match &b.undone_at {
                Some(_) => "undone".to_string(),
                None => format!("{} rows {}", b.rows, b.total.bracketed()),
            };
            let head = format!("{:>4} {:<8} ", b.id, b.kind);
            let tail = format!("  {state}  {}", b.at.get(..16).unwrap_or(&b.at));
            let room = inner.saturating_sub(head.chars().count() + tail.chars().count());
            let text = format!("{head}{}{tail}", cut(&b.file_name, room));
            let style = if i == list.cursor {
                t.selected()
            } else if b.undone_at.is_some() {
                t.dim()
            } else {
                Style::default()
            };
            Line::styled(text, style)
        })
        .collect();
    lines.push(Line::from(""));
    lines.push(Line::styled(
        "↑↓ choose · Enter undoes the batch · Esc closes",
        t.dim(),
    ));
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" Import batches (newest first) "),
        ),
        r,
    );
}

/// `text` in at most `width` characters, cut with `…` at the end when it does not fit.
pub fn cut(text: &str, width: usize) -> String {
    let n = text.chars().count();
    if n <= width {
        return text.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut out: String = text.chars().take(width - 1).collect();
    out.push('…');
    out
}
