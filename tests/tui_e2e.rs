//! End to end: the real binary in a pseudo-terminal (tmux). Opens the demo database, moves to the
//! Report screen, exports the CSV with `x`, checks the file is byte for byte the report CSV for
//! the same FY and period, quits, and checks the terminal was restored (alternate screen left,
//! the shell prompt back). Fails loudly when tmux is missing: CI installs it (.ci/run).

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
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(needle) {
                return s;
            }
            if start.elapsed() > Duration::from_secs(30) {
                panic!("waited 30 s for {needle:?}; the screen shows:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(100));
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

    tmux.keys(&["7"]);
    tmux.wait_for("Monitoring report 2022-23 P5");
    tmux.keys(&["x"]);
    tmux.wait_for("Export the monitoring report as CSV");
    tmux.keys(&["Enter"]);
    let expected_path = dir.path().join("outturn-2022-23-P5.csv");
    tmux.wait_for("Exported 3 rows to");

    let written = std::fs::read(&expected_path).unwrap();
    // The same bytes as `outturn report --csv -` for 2022-23 P5: the CLI and the TUI both write
    // through io::report::write_csv over store::figures::report.
    let conn = store::open_existing(&db).unwrap();
    let (report, _) = store::cabinet::report(
        &conn,
        FinancialYear::new(2022).unwrap(),
        Period::new(5).unwrap(),
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
