//! End to end: the real binary in a pseudo-terminal (tmux). Opens the demo database, moves to the
//! Report screen, exports the CSV with `x`, checks the file is byte for byte the report CSV for
//! the same FY and period, quits, and checks the terminal was restored (alternate screen left,
//! the shell prompt back). Also: a second process adds an actual and a forecast through the
//! command line while the TUI is open, and the screen shows each within 2 seconds; and Enter on
//! a Report cell opens the Actuals screen whose total is the cell. Fails loudly when tmux is
//! missing: CI installs it (.ci/run).

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use outturn::domain::{FinancialYear, Period};
use outturn::store;

const BIN: &str = env!("CARGO_BIN_EXE_outturn");

/// Numbers the tmux servers of this run (tests run side by side).
static SESSIONS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

struct Tmux {
    socket: String,
}

impl Tmux {
    fn run(&self, args: &[&str]) -> Output {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .expect("tmux is required for this test: install it (apt-get install tmux)");
        assert!(
            out.status.success(),
            "tmux {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-t", "e2e"]).stdout).into_owned()
    }

    fn format(&self, f: &str) -> String {
        String::from_utf8_lossy(&self.run(&["display-message", "-p", "-t", "e2e", f]).stdout)
            .trim()
            .to_string()
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "e2e"];
        args.extend_from_slice(keys);
        self.run(&args);
    }

    fn wait_for(&self, needle: &str) -> String {
        self.wait_within(needle, Duration::from_secs(30))
    }

    /// Polls the pane until it shows `needle`; fails after `limit`.
    fn wait_within(&self, needle: &str, limit: Duration) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(needle) {
                return s;
            }
            if start.elapsed() > limit {
                panic!("waited {limit:?} for {needle:?}; the screen shows:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

fn init_demo(db: &Path) {
    let out = Command::new(BIN)
        .args(["--db", db.to_str().unwrap(), "init", "--demo"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A shell in a tmux session in `dir` running the TUI on `db` (through `launch`, a prefix such
/// as `sh -c 'echo $$ >pid; exec "$0" "$@"'`), then printing its exit status.
fn start_tui(dir: &Path, db: &Path, launch: &str) -> Tmux {
    let tmux = Tmux {
        socket: format!(
            "outturn-e2e-{}-{}",
            std::process::id(),
            SESSIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ),
    };
    let cwd = dir.to_str().unwrap();
    tmux.run(&[
        "new-session",
        "-d",
        "-s",
        "e2e",
        "-x",
        "100",
        "-y",
        "30",
        "-c",
        cwd,
        "-e",
        "OUTTURN_TODAY=2022-08-26",
        "sh",
    ]);
    // The typed text differs from the output, so seeing the output means the shell ran it.
    tmux.keys(&["echo shell-$((1 + 1))-ready", "Enter"]);
    tmux.wait_for("shell-2-ready");
    tmux.keys(&[
        &format!(
            "{launch} '{BIN}' --db '{}'; echo \"exit status $?\"",
            db.display()
        ),
        "Enter",
    ]);
    tmux
}

/// After the TUI ended: the alternate screen left, the shell's screen back and answering (the
/// terminal out of raw mode).
fn assert_terminal_restored(tmux: &Tmux) {
    let screen = tmux.wait_for("exit status 0");
    assert_eq!(tmux.format("#{alternate_on}"), "0", "alternate screen left");
    assert!(
        !screen.contains("1 Dashboard"),
        "the TUI is gone:\n{screen}"
    );
    assert!(
        screen.contains("shell-2-ready"),
        "the shell's screen is back:\n{screen}"
    );
    tmux.keys(&["echo after-$((40 + 2))", "Enter"]);
    tmux.wait_for("after-42");
}

#[test]
fn sigterm_and_sighup_restore_the_terminal_as_q_does() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    init_demo(&db);
    for signal in ["TERM", "HUP"] {
        let pid_file = dir.path().join(format!("pid-{signal}"));
        let launch = format!(
            "sh -c 'echo $$ >{}; exec \"$0\" \"$@\"'",
            pid_file.display()
        );
        let tmux = start_tui(dir.path(), &db, &launch);
        tmux.wait_for("1 Dashboard");
        assert_eq!(tmux.format("#{alternate_on}"), "1");
        let pid = std::fs::read_to_string(&pid_file).unwrap();
        let killed = Command::new("kill")
            .args([&format!("-{signal}"), pid.trim()])
            .status()
            .unwrap();
        assert!(killed.success());
        assert_terminal_restored(&tmux);
    }
}

/// CPU time used so far by process `pid` (user + system), from /proc; None once it has ended.
fn cpu_seconds(pid: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which is in parentheses): utime is the 14th field, stime
    // the 15th, in clock ticks (100 a second on Linux).
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    // A zombie has ended; only its parent has not collected it yet.
    if f.first() == Some(&"Z") {
        return None;
    }
    let ticks: u64 = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    Some(ticks as f64 / 100.0)
}

#[test]
fn sigint_restores_the_terminal_too() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    init_demo(&db);
    let pid_file = dir.path().join("pid-INT");
    let launch = format!(
        "sh -c 'echo $$ >{}; exec \"$0\" \"$@\"'",
        pid_file.display()
    );
    let tmux = start_tui(dir.path(), &db, &launch);
    tmux.wait_for("1 Dashboard");
    let pid = std::fs::read_to_string(&pid_file).unwrap();
    let killed = Command::new("kill")
        .args(["-INT", pid.trim()])
        .status()
        .unwrap();
    assert!(killed.success());
    assert_terminal_restored(&tmux);
}

/// Issue 26 item 4: a TUI whose terminal goes away (the terminal closed: its pseudo-terminal is
/// gone) ends within 2 seconds, using well under half a second of CPU, instead of spinning on
/// end-of-file for ever.
#[test]
fn the_tui_ends_when_its_terminal_goes_away() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    init_demo(&db);
    let pid_file = dir.path().join("pid-gone");
    let launch = format!(
        "sh -c 'echo $$ >{}; exec \"$0\" \"$@\"'",
        pid_file.display()
    );
    let tmux = start_tui(dir.path(), &db, &launch);
    tmux.wait_for("1 Dashboard");
    let pid = std::fs::read_to_string(&pid_file)
        .unwrap()
        .trim()
        .to_string();
    let before = cpu_seconds(&pid).expect("the TUI is running");
    // The terminal goes away: the server and its pseudo-terminals with it.
    tmux.run(&["kill-server"]);
    let start = Instant::now();
    let mut last = before;
    while let Some(cpu) = cpu_seconds(&pid) {
        last = cpu;
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "still running 2 s after its terminal went away ({:.2} s of CPU)",
            cpu - before
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(last - before < 0.5, "{:.2} s of CPU", last - before);
}

#[test]
fn export_from_the_report_screen_and_quit_restores_the_terminal() {
    let which = Command::new("sh")
        .args(["-c", "command -v tmux"])
        .output()
        .unwrap();
    assert!(
        which.status.success(),
        "tmux is required for this test and was not found: install it (apt-get install tmux)"
    );
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    init_demo(&db);

    let tmux = start_tui(dir.path(), &db, "");
    tmux.wait_for("1 Dashboard");
    assert_eq!(
        tmux.format("#{alternate_on}"),
        "1",
        "the TUI uses the alternate screen"
    );
    tmux.wait_for("G-Cloud 12 ends 27/09/2022: 32 days");

    // The Report opens on the month being reported: 2022-23 P4 (July, the latest ended).
    tmux.keys(&["7"]);
    tmux.wait_for("Monitoring report 2022-23 P4");
    tmux.keys(&["x"]);
    tmux.wait_for("Export the monitoring report as CSV");
    tmux.keys(&["Enter"]);
    let expected_path = dir.path().join("outturn-2022-23-P4.csv");
    tmux.wait_for("Exported 3 rows to");

    let written = std::fs::read(&expected_path).unwrap();
    // The same bytes as `outturn report --csv -` for 2022-23 P4: the CLI and the TUI both write
    // through io::report::write_csv over store::figures::report.
    let conn = store::open_existing(&db).unwrap();
    let (report, _) = store::cabinet::report(
        &conn,
        FinancialYear::new(2022).unwrap(),
        Period::new(4).unwrap(),
        None,
        None,
    )
    .unwrap();
    let mut expected = Vec::new();
    outturn::io::report::write_csv(&report, &mut expected).unwrap();
    assert_eq!(
        String::from_utf8(written).unwrap(),
        String::from_utf8(expected).unwrap()
    );

    tmux.keys(&["q"]);
    assert_terminal_restored(&tmux);
}

/// Runs the command line on `db` as a second process (the TUI's database, changed underneath it).
fn cli(db: &Path, args: &[&str]) {
    let out = Command::new(BIN)
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn another_process_adds_an_actual_and_a_forecast_and_the_screen_shows_both_within_2_s() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    init_demo(&db);
    let tmux = start_tui(dir.path(), &db, "");
    tmux.wait_for("1 Dashboard");
    tmux.keys(&["6"]);
    tmux.wait_for("MS-INV-0001");

    // The actual, dated in 2022-23 (the year shown), appears on the Actuals screen.
    cli(
        &db,
        &[
            "actual",
            "add",
            "--phase",
            "DT1",
            "--date",
            "15/06/2022",
            "--supplier",
            "Other Council",
            "--description",
            "Recharge",
            "--reference",
            "LIVE-E2E-1",
            "--amount",
            "1234.56",
        ],
    );
    tmux.wait_within("LIVE-E2E-1", Duration::from_secs(2));

    // The forecast for DT1 in 2022-23 as at P4 (the month being reported, which the dashboard
    // opens on) appears on the dashboard's WIR-SCP card. Before
    // it, with no forecast entered, Forecast outturn is actual to date + outstanding
    // commitments: £1,234.56 + £804,132.63 = £805,367.19.
    tmux.keys(&["1"]);
    tmux.wait_for("Forecast outturn £805,367.19");
    cli(
        &db,
        &[
            "forecast",
            "add",
            "--phase",
            "DT1",
            "--fy",
            "2022-23",
            "--period",
            "P4",
            "--amount",
            "777777.77",
        ],
    );
    tmux.wait_within("Forecast outturn £777,777.77", Duration::from_secs(2));

    tmux.keys(&["q"]);
    assert_terminal_restored(&tmux);
}

#[test]
fn drill_down_from_a_report_cell_opens_the_actuals_whose_total_is_the_cell() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    init_demo(&db);
    let tmux = start_tui(dir.path(), &db, "");
    tmux.wait_for("1 Dashboard");
    // Wide enough for money in full (the report shows £ in full from 120 columns).
    tmux.run(&["resize-window", "-t", "e2e", "-x", "140", "-y", "40"]);
    tmux.keys(&["7"]);
    tmux.wait_for("Monitoring report 2022-23 P4");
    // P4 -> P10 (January 2023): both 2022-23 invoices are to date.
    tmux.keys(&[">", ">", ">", ">", ">", ">"]);
    tmux.wait_for("Monitoring report 2022-23 P10");
    // The selected column: Phase name, Revised budget, Actual to date (2 steps right).
    tmux.keys(&["Right", "Right"]);
    let report = tmux.wait_for("Enter: Actual to date");
    // The cell as the database has it: £229,752.18 + £344,628.27 = £574,380.45.
    let conn = store::open_existing(&db).unwrap();
    let figures = store::figures::report(
        &conn,
        FinancialYear::new(2022).unwrap(),
        Period::new(10).unwrap(),
        None,
    )
    .unwrap();
    let cell = figures.rows[0].actual_to_date.bracketed();
    assert_eq!(cell, "£574,380.45");
    let row = report
        .lines()
        .find(|l| l.contains("WIR-SCP") && l.contains("DT1"))
        .unwrap();
    // The selected column is the first after the codes and the phase name.
    let after_codes = row.split("DT1").nth(1).unwrap();
    let first_money = after_codes
        .split_whitespace()
        .find(|w| w.starts_with('£') || w.starts_with("(£"))
        .unwrap();
    assert_eq!(first_money, cell, "the cell on screen: {row}");
    tmux.keys(&["Enter"]);
    let actuals = tmux.wait_for("Actuals: 2022-23 P1-P10, phase WIR-SCP/DT1");
    assert!(
        actuals.contains(&format!("row 1 of 2 · total {cell}")),
        "the Actuals screen's total is the cell:\n{actuals}"
    );
    tmux.keys(&["q"]);
    assert_terminal_restored(&tmux);
}

#[test]
fn no_database_says_how_to_create_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("missing.db");
    let out = Command::new(BIN)
        .args(["--db", db.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("outturn init"), "{err}");
    assert!(err.contains("outturn demo"), "{err}");
    assert!(!db.exists(), "nothing was created");
}

/// In a terminal, `outturn` with no database (a first start, or outturn.exe double-clicked in
/// Explorer) offers to create it, to open the demo, or to quit, instead of a one-line error
/// (issue 28, item 8). q creates nothing; d opens the demo in a temporary copy and creates
/// nothing; c creates the database, its folder too, and opens it.
#[test]
fn no_database_in_a_terminal_offers_to_create_it_or_open_the_demo() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("data").join("outturn.db");
    for (key, creates) in [("q", false), ("d", false), ("c", true)] {
        let tmux = start_tui(dir.path(), &db, "");
        let screen = tmux.wait_for("There is no database at");
        assert!(screen.contains("Create an empty database"), "{screen}");
        tmux.keys(&[key]);
        if key != "q" {
            tmux.wait_for("1 Dashboard");
            tmux.keys(&["q"]);
        }
        assert_terminal_restored(&tmux);
        assert_eq!(db.exists(), creates, "after {key}");
    }
    let out = Command::new(BIN)
        .args(["--db", db.to_str().unwrap(), "check"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the new database checks clean: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
