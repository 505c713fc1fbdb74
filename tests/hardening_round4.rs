//! Hardening, round four (issue 26, items 6, 7, 18 and 21): what was reported stays reported (an
//! approval counts from its date; the progress report of a closed half is read from the
//! snapshots), and a restore or an import meets the rest of the system plainly. Each test runs the
//! real binary, "today" pinned to 05/12/2026 as in the hostile run.

mod common;

use std::path::{Path, PathBuf};

use common::hostile::{refused, run};
use common::{stderr, stdout};

/// Runs a command that must succeed and returns its standard output.
fn ok(db: &Path, args: &[&str]) -> String {
    let o = run(db, args);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    stdout(&o)
}

/// The cell under `column` of the first row whose `Phase` cell is `phase`.
fn cell(csv: &str, phase: &str, column: &str) -> String {
    let mut lines = csv.lines().map(|l| l.split(',').collect::<Vec<_>>());
    let header = lines.next().unwrap();
    let at = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("no column {name} in {header:?}"))
    };
    let (phase_at, column_at) = (at("Phase"), at(column));
    let row = lines
        .find(|cells| cells.get(phase_at) == Some(&phase))
        .unwrap_or_else(|| panic!("no row {phase} in {csv}"));
    row[column_at].to_string()
}

/// Programme P, phase A: £400,000 entered as approved for 2023-24 (allocation 1), and £100,000
/// projected (allocation 2) approved by decision D1 on 15/07/2023 (P4).
fn books_with_a_july_approval() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db");
    for line in [
        "init",
        "programme add --code P --name Prog",
        "phase add --programme P --code A --name Alpha",
        "decision add --reference D1 --body Council --date 15/07/2023",
        "allocation add --programme P --phase A --fy 2023-24 --amount £400,000",
        "allocation add --programme P --phase A --fy 2023-24 --amount £100,000 --status projected",
        "allocation approve 2 --decision D1 --date 15/07/2023",
    ] {
        ok(&db, &line.split(' ').collect::<Vec<_>>());
    }
    (dir, db)
}

fn report(db: &Path, period: &str) -> String {
    ok(
        db,
        &[
            "report", "--fy", "2023-24", "--period", period, "--csv", "-",
        ],
    )
}

fn movement(db: &Path) -> String {
    ok(
        db,
        &[
            "report", "movement", "--fy", "2023-24", "--from", "P3", "--to", "P4", "--csv", "-",
        ],
    )
}

fn close_in(db: &Path, fy: &str, period: &str) {
    ok(
        db,
        &["period", "close", fy, period, "--allow-missing-comments"],
    );
}

fn close(db: &Path, period: &str) {
    close_in(db, "2023-24", period);
}

// Item 7: an allocation approved on 15/07/2023 is pending in April to June and Original budget
// from July (P4) on.
#[test]
fn an_approval_counts_from_its_date() {
    let (_dir, db) = books_with_a_july_approval();
    for p in ["P1", "P3"] {
        let r = report(&db, p);
        // Only the £400,000 entered as approved; the £100,000 is still pending approval.
        assert_eq!(cell(&r, "A", "Original budget"), "400000.00", "{p}: {r}");
        assert_eq!(cell(&r, "A", "Revised budget"), "400000.00");
        assert_eq!(cell(&r, "A", "Pending approval"), "100000.00");
        assert_eq!(cell(&r, "Grand total", "Original budget"), "400000.00");
    }
    for p in ["P4", "P12"] {
        let r = report(&db, p);
        // 400,000 + 100,000 = 500,000, nothing pending.
        assert_eq!(cell(&r, "A", "Original budget"), "500000.00", "{p}: {r}");
        assert_eq!(cell(&r, "A", "Pending approval"), "0.00");
    }
}

// Item 7: the bridge from P3 to P4 shows the approval as "New approvals", before and after the
// two periods are reopened and closed again.
#[test]
fn the_bridge_keeps_a_new_approval_through_a_reopen() {
    let (_dir, db) = books_with_a_july_approval();
    close(&db, "P3");
    close(&db, "P4");
    let expect = |m: &str| {
        // 400,000 at P3 + 100,000 approved on 15/07/2023 = 500,000 at P4.
        assert_eq!(cell(m, "A", "Revised budget at from"), "400000.00", "{m}");
        assert_eq!(cell(m, "A", "New approvals"), "100000.00");
        assert_eq!(cell(m, "A", "Revised budget at to"), "500000.00");
        assert_eq!(cell(m, "Grand total", "Budget movement"), "100000.00");
    };
    let first = movement(&db);
    expect(&first);
    ok(
        &db,
        &[
            "period",
            "reopen",
            "2023-24",
            "P3",
            "--reason",
            "late invoice",
        ],
    );
    close(&db, "P3");
    close(&db, "P4");
    let again = movement(&db);
    expect(&again);
    assert_eq!(first, again);
    // The P3 snapshot taken again still holds the approval as pending.
    assert_eq!(
        cell(&report(&db, "P3"), "A", "Pending approval"),
        "100000.00"
    );
}

// Item 7: a year's budget may not go below zero at any date, and an approval only counts from its
// date: taking £450,000 out effective 01/06/2023 would leave -£50,000 until 15/07/2023.
#[test]
fn a_reduction_before_an_approval_cannot_spend_it() {
    let (_dir, db) = books_with_a_july_approval();
    let reduce = |effective: &'static str| -> Vec<&'static str> {
        vec![
            "change",
            "add",
            "--kind",
            "reduction",
            "--programme",
            "P",
            "--phase",
            "A",
            "--fy",
            "2023-24",
            "--amount",
            "£450,000",
            "--status",
            "approved",
            "--effective",
            effective,
        ]
    };
    refused(
        &db,
        &reduce("01/06/2023"),
        "would take its revised budget to -£50,000.00 on 01/06/2023",
    );
    // Effective on the day of the approval: 400,000 + 100,000 - 450,000 = 50,000.
    ok(&db, &reduce("15/07/2023"));
    assert_eq!(cell(&report(&db, "P4"), "A", "Revised budget"), "50000.00");
}

fn progress(db: &Path, format: &str) -> String {
    let mut args: Vec<&str> = "report progress --programme WOL-DTP --half 2017-18H2"
        .split(' ')
        .collect();
    args.extend([format, "-"]);
    ok(db, &args)
}

// Item 6: a closed half's progress report reads from the snapshots. On the demo, Phase 2's
// 2017-18 variance at P12 is 2,600,000 - 3,000,000 = -400,000, an underspend of 13.3 %: Amber
// beyond the default 10 %, Green once Amber starts beyond 15 %.
#[test]
fn a_closed_half_keeps_the_thresholds_it_was_reported_with() {
    let (_dir, db) = common::demo_db();
    let rag = |csv: &str| cell(csv, "PH2", "RAG");
    close_in(&db, "2017-18", "P12");
    let (csv, html) = (progress(&db, "--csv"), progress(&db, "--html"));
    assert_eq!(rag(&csv), "Amber");
    ok(&db, &["config", "set", "rag.amber_underspend_pct", "15"]);
    // The half as it was reported, byte for byte, and the same RAG as the monthly P12 snapshot.
    assert_eq!(progress(&db, "--csv"), csv);
    assert_eq!(progress(&db, "--html"), html);
    let p12 = ok(
        &db,
        &["report", "--fy", "2017-18", "--period", "P12", "--csv", "-"],
    );
    assert_eq!(rag(&p12), "Amber");
    // Reopened, the half is live again and rated with today's thresholds.
    ok(
        &db,
        &["period", "reopen", "2017-18", "P12", "--reason", "recheck"],
    );
    assert_eq!(rag(&progress(&db, "--csv")), "Green");
}

/// Exit status 2 and one line on standard error holding `needle`.
fn one_line_refusal(o: &std::process::Output, needle: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains(needle), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

// Item 21: a restore does not go ahead while another program holds the database open, even one
// that takes no SQLite lock (here `sleep`, with the file as its standard input).
#[cfg(target_os = "linux")]
#[test]
fn a_restore_waits_for_every_program_holding_the_file() {
    let (dir, db) = common::demo_db();
    let backup = dir.path().join("b.db");
    let backup = backup.to_str().unwrap();
    ok(&db, &["backup", backup]);
    let mut holder = std::process::Command::new("sleep")
        .arg("60")
        .stdin(std::fs::File::open(&db).unwrap())
        .spawn()
        .unwrap();
    let needle = format!(
        "is open in another program (sleep, process {}): close it there and run the restore again; nothing was restored",
        holder.id()
    );
    let o = run(&db, &["restore", backup, "--force"]);
    let _ = holder.kill();
    let _ = holder.wait();
    one_line_refusal(&o, &needle);
    // Once it has let go, the restore goes ahead.
    assert!(ok(&db, &["restore", backup, "--force"]).starts_with("Restored "));
}

// Item 18: a write while a restore replaces the database says so at once (it neither waits 30
// seconds for the restore's lock nor calls the database read-only). A restore writes its checked
// copy beside the database as `.NAME.partial-PID` while it works; here a running `sleep` stands
// for the restore's process.
#[cfg(target_os = "linux")]
#[test]
fn a_write_during_a_restore_says_a_restore_is_under_way() {
    let (dir, db) = common::demo_db();
    let mut restore = std::process::Command::new("sleep")
        .arg("60")
        .spawn()
        .unwrap();
    let partial = dir.path().join(format!(".x.db.partial-{}", restore.id()));
    std::fs::write(&partial, b"").unwrap();
    let needle = format!(
        "x.db is being restored from a backup (a restore, process {}): run the command again when the restore has finished; nothing was changed",
        restore.id()
    );
    let add = "actual add --programme WOL-DTP --phase PH2 --date 2018-01-31 --amount 10.00";
    let add: Vec<&str> = add.split(' ').collect();
    let o = run(&db, &add);
    let _ = restore.kill();
    let _ = restore.wait();
    one_line_refusal(&o, &needle);
    // The restore's process gone, its leftover copy holds nothing up.
    ok(&db, &add);
}

/// Where a command runs in [`in_small_tmpfs`].
struct Tmpfs<'a> {
    /// An empty folder to mount it on.
    mount: &'a Path,
    /// Its size (`64k`).
    size: &'a str,
    /// TMPDIR points there.
    tmpdir: bool,
    /// The database is copied there first (as `x.db`) and used there.
    database_there: bool,
}

/// Runs `outturn --db DB ARGS` with a small tmpfs mounted in a mount namespace of its own
/// (`unshare`: nothing outside the command sees the mount, and it goes with the command). None
/// when this system cannot make such a namespace (then the test says so, and fails under CI).
fn in_small_tmpfs(t: &Tmpfs, db: &Path, args: &[&str]) -> Option<std::process::Output> {
    let probe = std::process::Command::new("unshare")
        .args(["-rm", "true"])
        .status();
    if !probe.is_ok_and(|s| s.success()) {
        assert!(
            std::env::var_os("CI").is_none(),
            "unshare -rm is needed (user and mount namespaces) under CI"
        );
        eprintln!("SKIPPED: this system cannot make a mount namespace (unshare -rm)");
        return None;
    }
    let script = format!(
        "mount -t tmpfs -o size={} tmpfs \"$MOUNT\" && {} {} exec \"$BIN\" --db \"$DB\" \"$@\"",
        t.size,
        if t.database_there {
            "cp \"$DB\" \"$MOUNT/x.db\" && DB=\"$MOUNT/x.db\" &&"
        } else {
            ""
        },
        if t.tmpdir { "TMPDIR=\"$MOUNT\"" } else { "" },
    );
    let o = std::process::Command::new("unshare")
        .args(["-rm", "sh", "-c", &script, "sh"])
        .args(args)
        .env("MOUNT", t.mount)
        .env("BIN", env!("CARGO_BIN_EXE_outturn"))
        .env("DB", db)
        .env("OUTTURN_TODAY", "2026-12-05")
        .env("OUTTURN_USER", "test-officer")
        .env_remove("OUTTURN_DB")
        .env_remove("SQLITE_TMPDIR")
        .output()
        .unwrap();
    Some(o)
}

/// A file of `n` actuals on WOL-DTP/PH2 in November 2026.
fn many_actuals(dir: &Path, n: usize) -> String {
    let mut text = String::from("Date,Phase,Supplier,Description,Reference,Amount\n");
    for i in 0..n {
        text.push_str(&format!(
            "2026-11-{:02},WOL-DTP/PH2,Acme,Licences,INV-{i},1{}.00\n",
            1 + i % 28,
            i % 100
        ));
    }
    let p = dir.join("many.csv");
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

/// One line naming the disks, never blaming the database, and the command failed.
fn names_the_disk(o: &std::process::Output, temporary: &Path) {
    let err = stderr(o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains(&format!(
            "a disk is full: the disk of the database's folder, or of the temporary folder {} (set by TMPDIR)",
            temporary.display()
        )),
        "{err}"
    );
    assert!(!err.contains("database or disk is full"), "{err}");
    assert_ne!(o.status.code(), Some(0), "{err}");
}

/// An import of `rows` actuals into a copy of the demo with a small tmpfs as `t` says (mounted
/// on a new folder): what it printed, the tmpfs's folder, and whether the demo outside is as it
/// was. None when the system cannot mount one (see [`in_small_tmpfs`]).
fn import_in_tmpfs(
    size: &str,
    tmpdir: bool,
    database_there: bool,
    rows: usize,
) -> Option<(std::process::Output, PathBuf, bool)> {
    let (dir, db) = common::demo_db();
    let file = many_actuals(dir.path(), rows);
    let mount = dir.path().join("small");
    std::fs::create_dir(&mount).unwrap();
    let before = common::snapshot(&db);
    let t = Tmpfs {
        mount: &mount,
        size,
        tmpdir,
        database_there,
    };
    let o = in_small_tmpfs(&t, &db, &["import", "actuals", &file])?;
    let unchanged = common::snapshot(&db) == before;
    // The tmpfs went with the command: the folder is removed with `dir`.
    Some((o, mount, unchanged))
}

// Item 18: an import that fills the temporary folder (its line file: 24 bytes a row, 240 KB for
// 10,000 rows, in a 64 KB tmpfs) names that folder and the disk, not the database, on one line,
// and imports nothing.
#[cfg(target_os = "linux")]
#[test]
fn an_import_filling_the_temporary_folder_names_it() {
    let Some((o, mount, unchanged)) = import_in_tmpfs("64k", true, false, 10_000) else {
        return;
    };
    names_the_disk(&o, &mount);
    assert!(unchanged);
}

// Item 18: the same when the database's own disk fills during the import (a copy of the demo in
// a 2 MB tmpfs: the demo takes 1.2 MB, and 20,000 rows to write).
#[cfg(target_os = "linux")]
#[test]
fn an_import_filling_the_database_disk_names_the_disk() {
    let Some((o, _, _)) = import_in_tmpfs("2m", false, true, 20_000) else {
        return;
    };
    names_the_disk(&o, &std::env::temp_dir());
}
