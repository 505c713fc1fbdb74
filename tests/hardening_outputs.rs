//! Hardening round two, item 1: no output ever lands on the books. Every option that writes a
//! file (report CSVs, the progress report, the pack, `gen --out`, `backup`, `audit seal --out`)
//! refuses the database itself, its `-wal`, `-shm` and `-journal` files, and any database another
//! program has open, directly or through a symbolic link; the database is left byte for byte.

mod common;

use std::path::Path;

use common::{demo_db, run, stderr};
use sha2::{Digest, Sha256};

fn hash(p: &Path) -> String {
    Sha256::digest(std::fs::read(p).unwrap())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Exit status 2 and exactly one line on standard error, containing `needle`.
fn refused(o: &std::process::Output, needle: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(err.contains(needle), "{needle:?} not in {err}");
    assert!(err.contains("nothing was written"), "{err}");
}

/// Every output option of the CLI, writing to `out`.
fn writers(out: &str) -> Vec<Vec<String>> {
    let v = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    vec![
        v(&["report", "--fy", "2022-23", "--period", "5", "--csv", out]),
        v(&[
            "report", "movement", "--fy", "2017-18", "--from", "P6", "--to", "P9", "--csv", out,
        ]),
        v(&[
            "report",
            "financing",
            "--fy",
            "2017-18",
            "--period",
            "9",
            "--csv",
            out,
        ]),
        v(&[
            "report",
            "progress",
            "--programme",
            "WOL-DTP",
            "--half",
            "2017-18H2",
            "--csv",
            out,
        ]),
        v(&[
            "report",
            "progress",
            "--programme",
            "WOL-DTP",
            "--half",
            "2017-18H2",
            "--html",
            out,
        ]),
        v(&["pack", "--fy", "2017-18", "--period", "9", "--xlsx", out]),
        v(&["backup", out, "--force"]),
    ]
}

#[test]
fn no_output_option_writes_over_the_database_or_its_journal_files() {
    // The folder is kept (it holds the database) and used by the Unix-only links below.
    let (_dir, db) = demo_db();
    let before = hash(&db);
    let db_s = db.display().to_string();
    for args in writers(&db_s) {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = run(&db, &a);
        refused(&o, "is the database itself");
        assert_eq!(hash(&db), before, "{args:?} changed the database");
    }
    // The journal files: `backup w.db-wal --force` used to succeed, and SQLite then deleted it.
    for suffix in ["-wal", "-shm", "-journal"] {
        let side = format!("{db_s}{suffix}");
        for args in writers(&side) {
            let a: Vec<&str> = args.iter().map(String::as_str).collect();
            let o = run(&db, &a);
            refused(&o, suffix);
            assert_eq!(hash(&db), before, "{args:?} changed the database");
            assert!(!Path::new(&side).exists() || suffix != "-journal");
        }
    }
    // Through a symbolic link to the database.
    #[cfg(unix)]
    {
        let link = _dir.path().join("report.csv");
        std::os::unix::fs::symlink(&db, &link).unwrap();
        let link_s = link.display().to_string();
        for args in writers(&link_s) {
            let a: Vec<&str> = args.iter().map(String::as_str).collect();
            let o = run(&db, &a);
            refused(&o, "the database itself (through the link to");
            assert_eq!(hash(&db), before, "{args:?} changed the database");
        }
        // `gen --out` writes actuals.csv in a folder: a link named actuals.csv to the database.
        let gen_dir = _dir.path().join("gen");
        std::fs::create_dir(&gen_dir).unwrap();
        std::os::unix::fs::symlink(&db, gen_dir.join("actuals.csv")).unwrap();
        let gen_s = gen_dir.display().to_string();
        let o = run(
            &db,
            &["gen", "--actuals", "10", "--phases", "1", "--out", &gen_s],
        );
        // `gen` opens no database unless asked: the file is still known for a database.
        refused(&o, "is a database, not a report file");
        assert_eq!(hash(&db), before);
    }
}

#[test]
fn another_database_is_never_a_report_and_an_open_one_never_a_backup() {
    let (dir, db) = demo_db();
    let (_other_dir, other) = demo_db();
    let other_s = other.display().to_string();
    let other_before = hash(&other);
    // A report over another Outturn database is refused: a database is not a report file.
    let o = run(
        &db,
        &[
            "report", "--fy", "2022-23", "--period", "5", "--csv", &other_s,
        ],
    );
    refused(&o, "is a database, not a report file");
    let o = run(
        &db,
        &[
            "pack", "--fy", "2017-18", "--period", "9", "--xlsx", &other_s,
        ],
    );
    refused(&o, "is a database, not a report file");
    assert_eq!(hash(&other), other_before);

    // A backup may replace an older backup (a database nothing has open) with --force ...
    let old = dir.path().join("old-backup.db");
    let o = run(&db, &["backup", &old.display().to_string()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&db, &["backup", &old.display().to_string(), "--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // ... but not a database another program has open: its -wal file is beside it.
    let conn = rusqlite::Connection::open(&other).unwrap();
    let _: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .unwrap();
    conn.execute_batch("BEGIN; CREATE TEMP TABLE t(x); COMMIT;")
        .unwrap();
    let _: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
        .unwrap();
    assert!(Path::new(&format!("{other_s}-wal")).exists());
    let o = run(&db, &["backup", &other_s, "--force"]);
    refused(&o, "another program has open");
    drop(conn);
}
