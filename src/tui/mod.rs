//! The terminal interface. Data flows one way: key -> [`keymap`] -> [`action::Action`] ->
//! [`app::App::update`] (the only place state changes) -> [`action::Effect`]s run by [`effects`]
//! against the database -> result actions -> update. [`ui`] draws from the state alone.
//! Layers, each importing only those before it: [`state`] (view data, list state) ->
//! [`action`] (the vocabulary) -> [`form`] -> [`app`] -> [`keymap`], [`effects`], [`ui`].
//! The terminal is restored on exit and on a panic (ratatui's hook).

pub mod action;
pub mod app;
mod app_audit;
mod app_funding;
mod app_life;
mod app_lists;
mod app_load;
mod app_month;
mod app_movement;
mod app_records;
mod app_views;
pub mod bindings;
pub mod complete;
pub mod effects;
mod export;
pub mod first_run;
pub mod form;
pub mod keymap;
pub mod line_edit;
pub mod live;
pub mod movement;
pub mod records_view;
pub mod sort;
pub mod state;
pub mod ui;
pub use std::collections::VecDeque;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::ops::Store;
use chrono::NaiveDate;
use crossterm::event::{self, Event};

use action::Action;
use app::App;
use ui::Theme;

/// Applies an action and runs every effect it leads to, feeding results back, until none remain.
/// The loop, the tests and the benchmark all drive the app through this.
pub fn handle(app: &mut App, conn: &mut impl Store, action: Action) {
    handle_with(app, conn, action, &mut |_| {});
}

/// How often the loop, when no key arrives, checks whether another process changed the database.
const TICK: Duration = Duration::from_millis(250);

/// How often a long effect (an import) redraws its progress.
const PROGRESS_REDRAW: Duration = Duration::from_millis(100);

/// [`handle`], calling `redraw` with the app as progress arrives from a long effect (at most
/// every 100 ms), so the gauge moves while the import runs on this thread.
pub fn handle_with(
    app: &mut App,
    conn: &mut impl Store,
    action: Action,
    redraw: &mut dyn FnMut(&App),
) {
    let mut queue = VecDeque::from([action]);
    while let Some(a) = queue.pop_front() {
        let effects = app.update(a);
        for effect in effects {
            let today = app.today;
            let mut last: Option<Instant> = None;
            let mut progress = |done: u64, total: u64| {
                app.update(Action::Progress { done, total });
                if last.is_none_or(|t| t.elapsed() >= PROGRESS_REDRAW) {
                    redraw(app);
                    last = Some(Instant::now());
                }
            };
            let result = effects::run(conn, today, effect, &mut progress);
            queue.push_back(result);
        }
    }
}

/// The theme for this terminal: no colour when `NO_COLOR` is set (to anything non-empty).
pub fn theme_from_env() -> Theme {
    Theme {
        colour: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}

/// Signals that end the TUI cleanly. On Unix: SIGTERM, SIGHUP (`kill`, the terminal closed) and
/// SIGINT (`kill -INT`; Ctrl+C itself arrives as a key in raw mode).
#[cfg(unix)]
const STOP_SIGNALS: &[std::ffi::c_int] = &[
    signal_hook::consts::SIGTERM,
    signal_hook::consts::SIGHUP,
    signal_hook::consts::SIGINT,
];

#[cfg(unix)]
/// How long the loop has, after a stop signal, to notice it and leave by itself.
const STOP_GRACE: Duration = Duration::from_millis(600);

/// The same after a hang-up (the terminal closed).
#[cfg(unix)]
const HANGUP_GRACE: Duration = Duration::from_millis(100);

/// Ends the process soon after a stop signal even when the loop cannot notice it: with its
/// terminal gone, the terminal library can spin reading end-of-file and never return to the loop
/// (crossterm #793). Every write is committed in its own transaction as it is made, so leaving
/// loses no committed work; the terminal is restored as far as it still can be.
#[cfg(unix)]
fn exit_on_stop_signals(stop: std::sync::Arc<std::sync::atomic::AtomicBool>) -> anyhow::Result<()> {
    let mut signals = signal_hook::iterator::Signals::new(STOP_SIGNALS)?;
    std::thread::Builder::new()
        .name("stop-signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                stop.store(true, std::sync::atomic::Ordering::Relaxed);
                // A hang-up means the terminal is gone: the loop may never see the flag, and
                // every moment spent waiting is spent spinning on end-of-file.
                let grace = if signal == signal_hook::consts::SIGHUP {
                    HANGUP_GRACE
                } else {
                    STOP_GRACE
                };
                std::thread::sleep(grace);
                let _ = ratatui::try_restore();
                // As `q` would have: the officer's work is committed.
                std::process::exit(0);
            }
        })?;
    Ok(())
}

/// Signals that end the TUI cleanly. Windows has no SIGHUP: signal_hook offers SIGTERM, SIGINT
/// and SIGBREAK (Ctrl+Break, which raw mode does not turn into a key) there.
#[cfg(windows)]
const STOP_SIGNALS: &[std::ffi::c_int] = &[
    signal_hook::consts::SIGTERM,
    signal_hook::consts::SIGINT,
    signal_hook::consts::SIGBREAK,
];

/// Runs the TUI on an open database until the officer quits.
pub fn run(mut conn: impl Store, today: NaiveDate, export_dir: PathBuf) -> anyhow::Result<()> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(crate::error::UserError(
            "the interface needs a terminal: run `outturn` in one, or use the subcommands in scripts (see `outturn --help`)".into(),
        )
        .into());
    }
    let theme = theme_from_env();
    // The signals that end the TUI as `q` does: the flag is read on every turn of the loop (at
    // least twice a second) and the terminal restored below.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    for signal in STOP_SIGNALS {
        signal_hook::flag::register(*signal, std::sync::Arc::clone(&stop))?;
    }
    #[cfg(unix)]
    exit_on_stop_signals(std::sync::Arc::clone(&stop))?;
    // Installs a panic hook that restores the terminal before the panic message prints.
    let mut terminal = ratatui::try_init()?;
    let result = (|| -> anyhow::Result<()> {
        let mut app = App::new(today, export_dir);
        let size = terminal.size()?;
        handle(&mut app, &mut conn, Action::Resize(size.width, size.height));
        handle(&mut app, &mut conn, Action::Start);
        let mut watch = live::Watch::new(&conn)?;
        let mut checked = Instant::now();
        loop {
            terminal.draw(|f| ui::draw(f, &app, today, theme))?;
            if app.quit || stop.load(std::sync::atomic::Ordering::Relaxed) {
                return Ok(());
            }
            // The tick (also between keys): reload what another process changed. A failed
            // check (the database busy) waits for the next tick.
            if checked.elapsed() >= TICK {
                checked = Instant::now();
                if watch.changed(&conn).unwrap_or(false) {
                    handle(&mut app, &mut conn, Action::Changed);
                    continue;
                }
            }
            // A terminal that has gone away (end of file, or an input/output error on the tty)
            // ends the TUI: there is no one left to read the screen.
            if !event::poll(TICK)? {
                continue;
            }
            match event::read()? {
                Event::Key(key) => {
                    if let Some(action) = keymap::action_for_key(&app, &key) {
                        handle_with(&mut app, &mut conn, action, &mut |app| {
                            // A failed redraw only loses a frame of the gauge.
                            let _ = terminal.draw(|f| ui::draw(f, app, today, theme));
                        });
                    } else if app.size.0 < ui::MIN_WIDTH || app.size.1 < ui::MIN_HEIGHT {
                        // Too small to draw: q still quits (handled above); nothing else to do.
                    }
                }
                Event::Resize(w, h) => handle(&mut app, &mut conn, Action::Resize(w, h)),
                _ => {}
            }
        }
    })();
    ratatui::try_restore()?;
    result
}
