//! The first start: `outturn` with no database yet (a double-click on outturn.exe in Explorer,
//! or a new officer typing `outturn`). Rather than a one-line error, in a terminal the officer
//! is offered to create the database where it belongs, to look round the demo first, or to quit.

use std::path::Path;

use crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Flex, Layout};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::ui::Theme;

/// What the officer chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// Create an empty database at the path, then open it.
    Create,
    /// Open the demo programmes in a temporary database (nothing kept).
    Demo,
    /// Leave, creating nothing.
    Quit,
}

/// The choice a key makes: `c` create, `d` demo, `q`, Esc or Ctrl+C quit; other keys none.
pub fn choice_for_key(key: &KeyEvent) -> Option<Choice> {
    if key.kind != KeyEventKind::Press {
        return None;
    }
    match key.code {
        KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => Some(Choice::Quit),
        KeyCode::Char('c' | 'C') => Some(Choice::Create),
        KeyCode::Char('d' | 'D') => Some(Choice::Demo),
        KeyCode::Char('q' | 'Q') | KeyCode::Esc => Some(Choice::Quit),
        _ => None,
    }
}

/// Draws the offer for a database that does not exist at `path` (shown as given).
pub fn draw(f: &mut Frame, path: &Path, theme: Theme) {
    let key = |k: &'static str| Span::styled(k, theme.heading());
    let lines = vec![
        Line::styled("Welcome to Outturn", theme.heading()),
        Line::raw(""),
        Line::raw(format!("There is no database at {} yet.", path.display())),
        Line::raw(""),
        Line::from(vec![
            key("  c  "),
            Span::raw("Create an empty database there and open it"),
        ]),
        Line::from(vec![
            key("  d  "),
            Span::raw("Open the demo programmes (a temporary copy: nothing is kept)"),
        ]),
        Line::from(vec![key("  q  "), Span::raw("Quit, creating nothing")]),
        Line::raw(""),
        Line::styled(
            "Another place: quit and run `outturn --db PATH`, or set OUTTURN_DB.",
            theme.dim(),
        ),
    ];
    let area = f.area();
    let width = area.width.min(76);
    // The rows the text takes once wrapped to the box (word wrapping can take one more each),
    // and the two borders.
    let inner = usize::from(width.saturating_sub(2)).max(1);
    let rows: usize = lines
        .iter()
        .map(|l| match l.width() {
            0 => 1,
            w if w <= inner => 1,
            w => w.div_ceil(inner) + 1,
        })
        .sum();
    let height = u16::try_from(rows + 2).unwrap_or(u16::MAX).min(area.height);
    let [row] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(area);
    let [boxed] = Layout::horizontal([Constraint::Length(width)])
        .flex(Flex::Center)
        .areas(row);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Outturn: no database yet ");
    f.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false })
            .alignment(Alignment::Left),
        boxed,
    );
}

/// Shows the offer in the terminal until the officer chooses; the terminal is restored after.
pub fn ask(path: &Path) -> anyhow::Result<Choice> {
    let theme = super::theme_from_env();
    let mut terminal = ratatui::try_init()?;
    let result = (|| -> anyhow::Result<Choice> {
        loop {
            terminal.draw(|f| draw(f, path, theme))?;
            if let Event::Key(key) = event::read()?
                && let Some(choice) = choice_for_key(&key)
            {
                return Ok(choice);
            }
        }
    })();
    ratatui::try_restore()?;
    result
}

/// After a failure, when Explorer started the program in a console window of its own (see
/// [`crate::io::platform::console::started_in_own_window`]): waits for a key, so the message
/// can be read before the window closes. Does nothing anywhere else (on Unix, or from a shell).
pub fn keep_window_open_after_error() {
    if !crate::io::platform::console::started_in_own_window() {
        return;
    }
    eprintln!("Press any key to close this window.");
    if crossterm::terminal::enable_raw_mode().is_err() {
        return;
    }
    while let Ok(e) = event::read() {
        if matches!(e, Event::Key(k) if k.kind == KeyEventKind::Press) {
            break;
        }
    }
    let _ = crossterm::terminal::disable_raw_mode();
}
