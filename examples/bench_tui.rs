//! TUI benchmark: `cargo run --release --example bench_tui [-- ROWS]`.
//!
//! Builds a database of 200 phases (10 programmes of 20) and 1,000,000 actuals over five
//! financial years (bulk insert in one transaction), then, in a fresh child process so that
//! memory is measured without the build: opens it, draws the first full frame to a 140x40
//! TestBackend (from process start), and drives key presses through the same path as the
//! terminal (key -> action -> update -> effects -> draw): scrolling the actuals, changing the FY,
//! opening a phase, and the live reload after another process adds an actual (on each screen
//! and order of the actuals, in the year shown and in another). Prints medians and the peak resident memory (VmHWM).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use outturn::domain::model::{AllocationStatus, DeliveryStatus};
use outturn::domain::{FinancialYear, Money};
use outturn::store::{self, entities as e};
use outturn::tui::action::Action;
use outturn::tui::app::App;
use outturn::tui::ui::{self, Theme};
use outturn::tui::{handle, keymap};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const PROGRAMMES: usize = 10;
const PHASES_EACH: usize = 20;

fn build(path: &Path, rows: u64) -> anyhow::Result<()> {
    let mut conn = store::open(path)?;
    let tx = store::write_tx(&mut conn)?;
    let mut phases = Vec::new();
    for p in 0..PROGRAMMES {
        let prog = e::add_programme(
            &tx,
            &e::NewProgramme {
                code: format!("PRG{p:02}"),
                name: format!("Capital programme {p}"),
                organisation: "Bench Council".into(),
                status: DeliveryStatus::Active,
            },
        )?;
        for ph in 0..PHASES_EACH {
            let id = e::add_phase(
                &tx,
                &e::NewPhase {
                    programme_id: prog,
                    code: format!("PH{ph:02}"),
                    name: format!("Scheme {p}-{ph}"),
                    status: DeliveryStatus::Active,
                    officer: None,
                },
            )?;
            e::add_allocation(
                &tx,
                &e::NewAllocation {
                    phase_id: id,
                    first_fy: FinancialYear::new(2019)?,
                    last_fy: FinancialYear::new(2023)?,
                    amount: Money::from_pence(500_000_000),
                    status: AllocationStatus::Approved,
                    decision_id: None,
                    profile: None,
                    note: String::new(),
                },
            )?;
            phases.push(id);
        }
    }
    tx.commit()?;
    let start = NaiveDate::from_ymd_opt(2019, 4, 1).unwrap_or_default();
    let days = 5 * 365;
    // A million rows a transaction, the log folded into the file after each: at ten million the
    // write-ahead log would otherwise grow to the size of the database beside it.
    let mut tx = store::write_tx(&mut conn)?;
    for i in 0..rows {
        if i > 0 && i % 1_000_000 == 0 {
            tx.commit()?;
            conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
            tx = store::write_tx(&mut conn)?;
        }
        let date = start + chrono::Days::new(i * days / rows.max(1));
        e::insert_actual_row(
            &tx,
            &e::NewActual {
                phase_id: phases[(i as usize * 7919) % phases.len()],
                contract_id: None,
                date,
                supplier: format!("Supplier {}", i % 500),
                description: format!("Invoice line {i}"),
                reference: format!("INV-{i:07}"),
                amount: Money::from_pence(10_000 + (i as i64 * 37) % 500_000),
            },
            None,
        )?;
    }
    tx.commit()?;
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
    Ok(())
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn max(v: &[Duration]) -> Duration {
    v.iter().copied().max().unwrap_or_default()
}

/// The effect's variant name (its Debug text up to the first brace or space, never all of it:
/// an effect may carry a list of two million ids).
fn effect_name(effect: &outturn::tui::action::Effect) -> String {
    struct Word(String);
    impl std::fmt::Write for Word {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            for c in s.chars() {
                if !c.is_alphanumeric() {
                    return Err(std::fmt::Error);
                }
                self.0.push(c);
            }
            Ok(())
        }
    }
    let mut w = Word(String::new());
    let _ = std::fmt::Write::write_fmt(&mut w, format_args!("{effect:?}"));
    w.0
}

fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

fn measure(path: &Path, process_start: Instant) -> anyhow::Result<()> {
    let today = NaiveDate::from_ymd_opt(2023, 8, 26).unwrap_or_default();
    let theme = Theme { colour: true };
    let (w, h) = (140, 40);
    let mut conn = store::open_existing(path)?;
    let mut app = App::new(today, PathBuf::from("."));
    let mut term = Terminal::new(TestBackend::new(w, h))?;
    handle(&mut app, &mut conn, Action::Resize(w, h));
    handle(&mut app, &mut conn, Action::Start);
    term.draw(|f| ui::draw(f, &app, today, theme))?;
    let first_frame = process_start.elapsed();
    println!("first full frame (dashboard, from process start): {first_frame:?}");

    let mut press = |app: &mut App, conn: &mut rusqlite::Connection, code: KeyCode| {
        let t = Instant::now();
        let ev = KeyEvent::new(code, KeyModifiers::NONE);
        if let Some(a) = keymap::action_for_key(app, &ev) {
            handle(app, conn, a);
        }
        let _ = term.draw(|f| ui::draw(f, app, today, theme));
        t.elapsed()
    };

    // Every screen once (entering it loads its data).
    for (n, name) in [
        ('2', "programmes"),
        ('3', "decisions"),
        ('4', "budget"),
        ('5', "contracts"),
        ('6', "actuals"),
        ('7', "report"),
        ('8', "audit"),
        ('1', "dashboard"),
    ] {
        let d = press(&mut app, &mut conn, KeyCode::Char(n));
        println!("enter {name:<10} {d:?}");
    }

    // Actuals: scroll through the year's rows.
    press(&mut app, &mut conn, KeyCode::Char('6'));
    println!(
        "actuals in view: {} rows of {}",
        app.actuals.rows.len(),
        app.actuals.total
    );
    let mut down = Vec::new();
    for _ in 0..2000 {
        down.push(press(&mut app, &mut conn, KeyCode::Down));
    }
    let mut pages = Vec::new();
    for _ in 0..300 {
        pages.push(press(&mut app, &mut conn, KeyCode::PageDown));
    }
    let mut jumps = Vec::new();
    for _ in 0..5 {
        jumps.push(press(&mut app, &mut conn, KeyCode::End));
        jumps.push(press(&mut app, &mut conn, KeyCode::Home));
    }
    println!(
        "actuals: down median {:?} (max {:?}); page down median {:?} (max {:?}); home/end median {:?} (max {:?})",
        median(down.clone()),
        max(&down),
        median(pages.clone()),
        max(&pages),
        median(jumps.clone()),
        max(&jumps)
    );

    // Actuals sorted by amount and by supplier (ORDER BY in the database, paged by key): the
    // `s` that re-sorts (keeping the selected row), then page down and the ends in that order.
    for (label, keys) in [
        ("amount", &[KeyCode::Char('s')][..]),
        ("supplier", &[KeyCode::Char('s')][..]),
        ("supplier descending", &[KeyCode::Char('S')][..]),
    ] {
        let mut sorts = Vec::new();
        for k in keys {
            sorts.push(press(&mut app, &mut conn, *k));
        }
        let mut pages = Vec::new();
        for _ in 0..100 {
            pages.push(press(&mut app, &mut conn, KeyCode::PageDown));
        }
        let mut jumps = Vec::new();
        for _ in 0..3 {
            jumps.push(press(&mut app, &mut conn, KeyCode::End));
            jumps.push(press(&mut app, &mut conn, KeyCode::Home));
        }
        println!(
            "actuals by {label}: s {:?}; page down median {:?} (max {:?}); home/end median {:?} (max {:?})",
            sorts[0],
            median(pages.clone()),
            max(&pages),
            median(jumps.clone()),
            max(&jumps)
        );
    }
    // Back to the date order, then `x`: every actual of the year, streamed to a CSV file.
    press(&mut app, &mut conn, KeyCode::Char('s'));
    let out = std::env::temp_dir().join(format!("bench-tui-export-{}.csv", std::process::id()));
    let t = Instant::now();
    let action = outturn::tui::effects::run(
        &mut conn,
        today,
        outturn::tui::action::Effect::Export {
            path: out.clone(),
            what: outturn::tui::action::ExportWhat::Actuals(app.actuals.filter.clone()),
            replace: true,
        },
        &mut |_, _| {},
    );
    println!(
        "export the year's actuals to CSV: {:?} ({action:?}, {} MB)",
        t.elapsed(),
        std::fs::metadata(&out)
            .map(|m| m.len() / 1_000_000)
            .unwrap_or(0)
    );
    let _ = std::fs::remove_file(&out);

    // Changing the FY (on the dashboard: the report for the year plus the chart).
    press(&mut app, &mut conn, KeyCode::Char('1'));
    let mut years = Vec::new();
    for i in 0..10 {
        let k = if i % 2 == 0 { '[' } else { ']' };
        years.push(press(&mut app, &mut conn, KeyCode::Char(k)));
    }
    println!(
        "change FY (dashboard): median {:?} (max {:?})",
        median(years.clone()),
        max(&years)
    );

    // Opening a phase.
    press(&mut app, &mut conn, KeyCode::Char('2'));
    let mut opens = Vec::new();
    for _ in 0..10 {
        press(&mut app, &mut conn, KeyCode::Down);
        opens.push(press(&mut app, &mut conn, KeyCode::Enter));
    }
    println!(
        "open a phase: median {:?} (max {:?})",
        median(opens.clone()),
        max(&opens)
    );
    // Live reload: another connection adds an actual; the tick notices the data version and
    // reloads the screen, drawing it. On each screen (and each order of the actuals) four
    // reloads: two after an actual in the year shown, two after one in an earlier year. The
    // slowest effect of each reload is named (the effects run as `handle` runs them).
    let mut other = store::open_existing(path)?;
    let phase = e::list_phases(&other, None)?
        .first()
        .map(|p| p.id)
        .unwrap_or_default();
    let mut watch = outturn::tui::live::Watch::new(&conn)?;
    let mut live_term = Terminal::new(TestBackend::new(w, h))?;
    let earlier = NaiveDate::from_ymd_opt(2020, 6, 1).unwrap_or_default();
    let mut n = 0;
    for (label, keys) in [
        ("dashboard", &[KeyCode::Char('1')][..]),
        ("report", &[KeyCode::Char('7')][..]),
        // At the end of the year: the most rows before the window.
        (
            "actuals (date order)",
            &[KeyCode::Char('6'), KeyCode::End][..],
        ),
        ("actuals by amount", &[KeyCode::Char('s')][..]),
        ("actuals by supplier", &[KeyCode::Char('s')][..]),
        ("programmes", &[KeyCode::Char('s'), KeyCode::Char('2')][..]),
    ] {
        for k in keys {
            press(&mut app, &mut conn, *k);
        }
        let mut times = Vec::new();
        let mut slowest = (Duration::ZERO, String::new());
        for i in 0..4 {
            n += 1;
            let tx = store::write_tx(&mut other)?;
            e::add_actual(
                &tx,
                &e::NewActual {
                    phase_id: phase,
                    contract_id: None,
                    date: if i % 2 == 0 { today } else { earlier },
                    supplier: "Live reload".into(),
                    description: String::new(),
                    reference: format!("LIVE-{n}"),
                    amount: Money::from_pence(100),
                },
            )?;
            tx.commit()?;
            let t = Instant::now();
            anyhow::ensure!(watch.changed(&conn)?, "the change was not noticed");
            let mut queue = std::collections::VecDeque::from([Action::Changed]);
            while let Some(a) = queue.pop_front() {
                for effect in app.update(a) {
                    let name = effect_name(&effect);
                    let te = Instant::now();
                    queue.push_back(outturn::tui::effects::run(
                        &mut conn,
                        today,
                        effect,
                        &mut |_, _| {},
                    ));
                    if te.elapsed() > slowest.0 {
                        slowest = (te.elapsed(), name);
                    }
                }
            }
            live_term.draw(|f| ui::draw(f, &app, today, theme))?;
            times.push(t.elapsed());
        }
        println!(
            "live reload on {label:<21} median {:?} (max {:?}; slowest effect {} {:?})",
            median(times.clone()),
            max(&times),
            slowest.1,
            slowest.0
        );
    }
    println!("peak resident memory: {} MB", peak_rss_kb() / 1024);
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let process_start = Instant::now();
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--measure") {
        let path = PathBuf::from(args.get(2).cloned().unwrap_or_default());
        return measure(&path, process_start);
    }
    let rows: u64 = args
        .get(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    // `bench_tui ROWS DB`: keep (and reuse) the database at DB; otherwise a temporary folder.
    let dir = tempfile::tempdir()?;
    let path = args
        .get(2)
        .map(PathBuf::from)
        .unwrap_or_else(|| dir.path().join("bench.db"));
    if path.exists() {
        println!("reusing {}", path.display());
    } else {
        let t = Instant::now();
        build(&path, rows)?;
        println!(
            "built {rows} actuals, {} phases in {:?}",
            PROGRAMMES * PHASES_EACH,
            t.elapsed()
        );
    }
    // Measure in a fresh process: memory and start-up without the build.
    for run in 1..=3 {
        println!("--- run {run}");
        let status = std::process::Command::new(std::env::current_exe()?)
            .arg("--measure")
            .arg(&path)
            .status()?;
        anyhow::ensure!(status.success(), "measurement run failed");
    }
    Ok(())
}
