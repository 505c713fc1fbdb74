//! The hostile run's conventions: the real binary on a database, "today" pinned to 05/12/2026,
//! and a refusal that is exit status 2, one line, and nothing changed.

use std::path::Path;
use std::process::Output;

use super::{bin, snapshot, stderr};

/// "Today" in the hostile run.
pub const TODAY: &str = "2026-12-05";

/// Runs `outturn --db DB ARGS` with today pinned to [`TODAY`].
pub fn run(db: &Path, args: &[&str]) -> Output {
    bin()
        .env("OUTTURN_TODAY", TODAY)
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

/// Exit status 2, one line on standard error containing `needle`, and the books unchanged.
pub fn refused(db: &Path, args: &[&str], needle: &str) {
    let before = snapshot(db);
    let o = run(db, args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(err.contains(needle), "{needle:?} not in {err}");
    assert_eq!(snapshot(db), before, "{args:?} changed the books");
}
