//! Helpers shared by the test binaries that run the `outturn` binary end to end.
#![allow(dead_code)] // each test binary uses its own subset

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Small books built through the command line.
pub mod books;
/// The same steps on SQLite and on PostgreSQL (issue 25).
pub mod engines;
/// Forging the audit log: recomputed hashes, appended events.
pub mod forge;
/// The hostile run's conventions (today pinned, one-line refusals).
pub mod hostile;
/// The steps the ledger-extract tests share.
pub mod ledger;
/// A throwaway PostgreSQL cluster and a database per test (issue 25).
pub mod pg;
/// The in-memory TUI helpers.
pub mod tui;
/// Reading a workbook back (calamine, its XML, LibreOffice).
pub mod workbook;

pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_outturn"));
    c.env_remove("OUTTURN_DB")
        .env("OUTTURN_USER", "test-officer");
    c
}

pub fn run(db: &Path, args: &[&str]) -> Output {
    run_as(db, "test-officer", args)
}

pub fn run_as(db: &Path, who: &str, args: &[&str]) -> Output {
    bin()
        .env("OUTTURN_USER", who)
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("run outturn")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn ok(db: &Path, args: &[&str]) -> String {
    let o = run(db, args);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    stdout(&o)
}

/// `outturn period close FY PERIOD --allow-missing-comments` on `db`.
pub fn close(db: &Path, fy: &str, period: &str) {
    ok(
        db,
        &["period", "close", fy, period, "--allow-missing-comments"],
    );
}

pub fn demo_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db");
    ok(&db, &["init", "--demo"]);
    (dir, db)
}

/// Every row of every table, as text, to prove a refused command changed nothing.
pub fn snapshot(db: &Path) -> String {
    let conn = rusqlite::Connection::open(db).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut out = String::new();
    for table in tables {
        let mut st = conn.prepare(&format!("SELECT * FROM {table}")).unwrap();
        let n = st.column_count();
        let rows = st
            .query_map([], |r| {
                let mut line = String::new();
                for i in 0..n {
                    let v: rusqlite::types::Value = r.get(i)?;
                    line.push_str(&format!("{v:?}|"));
                }
                Ok(line)
            })
            .unwrap();
        for r in rows {
            out.push_str(&format!("{table}:{}\n", r.unwrap()));
        }
    }
    out
}
