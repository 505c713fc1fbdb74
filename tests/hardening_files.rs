//! Hardening, files and databases (issue 17, items 1-6, 10 and 16): no file clobbered, no foreign
//! database touched, restore checked in full, one-line errors, nothing from the data reaching the
//! terminal unescaped. Each test runs the real binary on a demo database in a temporary folder.

mod common;

use std::path::Path;

use common::{demo_db, ok, run, snapshot, stderr, stdout};
use sha2::{Digest, Sha256};

fn hash(p: &Path) -> String {
    Sha256::digest(std::fs::read(p).unwrap())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn journal_mode(p: &Path) -> String {
    let conn = rusqlite::Connection::open(p).unwrap();
    conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap()
}

/// Exit status 2 and exactly one line on standard error, containing `needle`.
fn refused(o: &std::process::Output, needle: &str) -> String {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(err.contains(needle), "{needle:?} not in {err}");
    err
}

#[cfg(unix)]
fn report_args(csv: &Path) -> Vec<String> {
    ["report", "--fy", "2022-23", "--period", "5", "--csv"]
        .iter()
        .map(|s| s.to_string())
        .chain([csv.display().to_string()])
        .collect()
}

#[cfg(unix)]
fn run_s(db: &Path, args: &[String]) -> std::process::Output {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run(db, &args)
}

// Item 1: only a new path or a writable regular file is written; a link is followed and kept.
#[cfg(unix)]
#[test]
fn output_files_refuse_devices_fifos_folders_read_only_files_and_dangling_links() {
    use std::os::unix::fs::{PermissionsExt, symlink};
    let (dir, db) = demo_db();
    let d = dir.path();

    // A device: refused before anything is opened for writing (its metadata is only read).
    let o = run(&db, &["backup", "/dev/null", "--force"]);
    refused(&o, "not a regular file");
    let o = run_s(&db, &report_args(Path::new("/dev/stdout")));
    refused(&o, "give `-` to write to standard output");

    // A folder, a read-only file, a dangling link into a missing folder.
    let o = run_s(&db, &report_args(d));
    refused(&o, "is a folder");
    let ro = d.join("ro.csv");
    std::fs::write(&ro, "keep").unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o444)).unwrap();
    refused(&run_s(&db, &report_args(&ro)), "read-only");
    refused(
        &run(&db, &["backup", ro.to_str().unwrap(), "--force"]),
        "read-only",
    );
    assert_eq!(std::fs::read(&ro).unwrap(), b"keep");
    let dangling = d.join("dangling.csv");
    symlink(d.join("missing/r.csv"), &dangling).unwrap();
    refused(&run_s(&db, &report_args(&dangling)), "does not exist");
    assert!(!d.join("missing").exists());

    // A FIFO (when mkfifo exists here).
    let fifo = d.join("fifo");
    if std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success())
    {
        refused(
            &run(&db, &["backup", fifo.to_str().unwrap(), "--force"]),
            "not a regular file",
        );
        refused(&run_s(&db, &report_args(&fifo)), "not a regular file");
    }

    // A link to a regular file: the target is replaced, the link stays a link.
    let real = d.join("real.csv");
    std::fs::write(&real, "old").unwrap();
    let link = d.join("link.csv");
    symlink("real.csv", &link).unwrap();
    let o = run_s(&db, &report_args(&link));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let csv = std::fs::read_to_string(&real).unwrap();
    // `--csv -` still writes to standard output, the same bytes.
    let dash = ok(
        &db,
        &["report", "--fy", "2022-23", "--period", "5", "--csv", "-"],
    );
    assert_eq!(csv, dash);
    assert!(csv.starts_with("Programme,Phase,"), "{csv}");

    // A backup without --force over an existing file is refused; nothing half-written is left.
    let b = d.join("b.db");
    ok(&db, &["backup", b.to_str().unwrap()]);
    refused(
        &run(&db, &["backup", b.to_str().unwrap()]),
        "already exists",
    );
    let leftovers: Vec<_> = std::fs::read_dir(d)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".partial-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

// Item 2: a symlinked --db is resolved once: restore replaces the real file, the link stays.
#[cfg(unix)]
#[test]
fn restore_through_a_symlinked_db_replaces_the_real_database() {
    let (dir, real) = demo_db();
    let link = dir.path().join("link.db");
    std::os::unix::fs::symlink("x.db", &link).unwrap();
    let b = dir.path().join("b.db");
    ok(&link, &["backup", b.to_str().unwrap()]);
    let at_backup = snapshot(&real);
    ok(
        &link,
        &[
            "programme",
            "add",
            "--code",
            "NEW",
            "--name",
            "Added after the backup",
        ],
    );
    assert!(ok(&real, &["programme", "list"]).contains("NEW"));
    ok(&link, &["restore", b.to_str().unwrap(), "--force"]);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read_link(&link).unwrap(), Path::new("x.db"));
    assert!(!ok(&real, &["programme", "list"]).contains("NEW"));
    assert_eq!(snapshot(&real), at_backup);
}

// Item 3: databases are marked; a foreign or newer one is refused with every byte unchanged.
#[test]
fn foreign_and_newer_databases_are_refused_untouched_and_ours_are_marked() {
    let dir = tempfile::tempdir().unwrap();
    let app_id = |p: &Path| -> i64 {
        rusqlite::Connection::open(p)
            .unwrap()
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .unwrap()
    };
    // A new database carries "OUTT".
    let ours = dir.path().join("ours.db");
    ok(&ours, &["init"]);
    assert_eq!(app_id(&ours), 0x4F55_5454);

    // Another application's database: no table added, journal mode kept, every byte the same.
    let foreign = dir.path().join("foreign.db");
    {
        let c = rusqlite::Connection::open(&foreign).unwrap();
        c.execute_batch("CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes(body) VALUES ('x');")
            .unwrap();
    }
    let before = hash(&foreign);
    for args in [
        &["programme", "list"][..],
        &["init"],
        &["check"],
        &["backup", "/tmp/never.db"],
    ] {
        let o = run(&foreign, args);
        refused(&o, "is not an Outturn database");
    }
    assert_eq!(hash(&foreign), before);
    assert_eq!(journal_mode(&foreign), "delete");
    // A foreign application id is refused even with no tables.
    let marked = dir.path().join("marked.db");
    {
        let c = rusqlite::Connection::open(&marked).unwrap();
        c.pragma_update(None, "application_id", 1234).unwrap();
    }
    let before = hash(&marked);
    refused(&run(&marked, &["init"]), "another application");
    assert_eq!(hash(&marked), before);

    // A newer Outturn database (rollback journal) keeps its journal mode and every byte.
    let newer = dir.path().join("newer.db");
    ok(&newer, &["init"]);
    {
        let c = rusqlite::Connection::open(&newer).unwrap();
        let _: String = c
            .query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))
            .unwrap();
        c.pragma_update(None, "user_version", 99).unwrap();
    }
    let before = hash(&newer);
    refused(
        &run(&newer, &["programme", "list"]),
        "newer than this Outturn",
    );
    assert_eq!(hash(&newer), before);
    assert_eq!(journal_mode(&newer), "delete");

    // An Outturn database from before the mark is marked on its next open.
    {
        let c = rusqlite::Connection::open(&ours).unwrap();
        c.pragma_update(None, "application_id", 0).unwrap();
    }
    ok(&ours, &["programme", "list"]);
    assert_eq!(app_id(&ours), 0x4F55_5454);
}

// Item 4: restore runs the whole check on the backup and refuses on any finding.
#[test]
fn restore_refuses_a_backup_whose_running_totals_were_raised() {
    let (dir, db) = demo_db();
    let b = dir.path().join("b.db");
    ok(&db, &["backup", b.to_str().unwrap()]);
    {
        // £1m added to the running totals by direct SQL, a trigger dropped to hide the tracks.
        let c = rusqlite::Connection::open(&b).unwrap();
        c.execute_batch(
            "DROP TRIGGER actual_total_update;
             UPDATE actual_total SET amount_pence = amount_pence + 100000000;",
        )
        .unwrap();
    }
    let before = snapshot(&db);
    let o = run(&db, &["restore", b.to_str().unwrap(), "--force"]);
    let err = refused(&o, "fails the books' check");
    // The 2017-18 P8 actual of £212,400.00 now totals £212,400.00 + £1,000,000.00 = £1,212,400.00.
    assert!(
        err.contains(
            "2017-18 P8 WOL-DTP/ICT (no contract) holds £1,212,400.00 over 1 actual, \
             but its actuals add up to £212,400.00"
        ),
        "{err}"
    );
    // 10 raised totals and the dropped trigger: 11 findings.
    assert!(err.contains("(11 findings)"), "{err}");
    assert!(err.contains("nothing was restored"), "{err}");
    assert_eq!(snapshot(&db), before);
    let leftovers = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".partial-"))
        .count();
    assert_eq!(leftovers, 0);
}

// Item 5: every connection commits with synchronous = FULL.
#[test]
fn databases_are_opened_with_synchronous_full() {
    let dir = tempfile::tempdir().unwrap();
    let conn = outturn::store::open(&dir.path().join("s.db")).unwrap();
    let sync: i64 = conn
        .query_row("PRAGMA synchronous", [], |r| r.get(0))
        .unwrap();
    assert_eq!(sync, 2, "2 is FULL");
}

// Item 6: partial files of an interrupted backup or restore (a dead PID) go on the next run.
#[test]
fn stale_partial_files_are_removed_by_the_next_backup_and_restore() {
    let (dir, db) = demo_db();
    // 4194304 is above Linux's largest PID: that process is not running.
    let stale = dir.path().join(".b.db.partial-4194304");
    let stale_journal = dir.path().join(".b.db.partial-4194304-journal");
    std::fs::write(&stale, vec![0u8; 4096]).unwrap();
    std::fs::write(&stale_journal, "j").unwrap();
    let b = dir.path().join("b.db");
    ok(&db, &["backup", b.to_str().unwrap()]);
    assert!(!stale.exists() && !stale_journal.exists());
    let stale = dir.path().join(".x.db.partial-4194304");
    std::fs::write(&stale, "x").unwrap();
    ok(&db, &["restore", b.to_str().unwrap(), "--force"]);
    assert!(!stale.exists());
}

// Item 10: bad input is one line with exit 2, never a raw SQLite error.
#[test]
fn long_codes_repeated_profile_years_and_huge_text_are_refused_in_one_line() {
    let (dir, db) = demo_db();
    let before = snapshot(&db);
    let code41 = "A".repeat(41);
    let o = run(&db, &["programme", "add", "--code", &code41, "--name", "x"]);
    let err = refused(&o, "--code: 41 characters is too long (at most 40)");
    assert!(!err.contains("constraint"), "{err}");
    let o = run(
        &db,
        &[
            "allocation",
            "add",
            "--phase",
            "PH2",
            "--fy",
            "2017-18",
            "--to-fy",
            "2018-19",
            "--amount",
            "10",
            "--profile",
            "2017-18=5,2017-18=5",
        ],
    );
    let err = refused(&o, "2017-18 is given twice");
    assert!(!err.contains("UNIQUE"), "{err}");
    let supplier = "S".repeat(501);
    let o = run(
        &db,
        &[
            "actual",
            "add",
            "--phase",
            "PH2",
            "--date",
            "26/08/2022",
            "--amount",
            "1",
            "--supplier",
            &supplier,
        ],
    );
    refused(&o, "--supplier: 501 characters is too long (at most 500)");
    // A 5 MB supplier in an import: refused naming the line and column, not quoted back.
    let csv = dir.path().join("big.csv");
    std::fs::write(
        &csv,
        format!(
            "Date,Phase,Supplier,Description,Reference,Amount\n26/08/2022,PH2,{},d,r,1.00\n",
            "S".repeat(5_000_000)
        ),
    )
    .unwrap();
    let o = run(&db, &["import", "actuals", csv.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("line 2") && err.contains("Supplier"), "{err}");
    assert!(err.contains("5000000 characters is too long"), "{err}");
    assert!(err.len() < 2000, "the value is not printed back");
    assert_eq!(snapshot(&db), before);
}

// Item 10: a read-only database can still be read; a write is one line, printed once.
#[cfg(unix)]
#[test]
fn a_read_only_database_is_read_and_a_write_says_so_once() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, db) = demo_db();
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = hash(&db);
    assert!(ok(&db, &["programme", "list"]).contains("WIR-SCP"));
    ok(&db, &["report", "--fy", "2022-23", "--period", "5"]);
    assert!(ok(&db, &["check"]).starts_with("ok:"));
    let b = dir.path().join("b.db");
    ok(&db, &["backup", b.to_str().unwrap()]);
    assert!(ok(&b, &["programme", "list"]).contains("WIR-SCP"));
    let o = run(&db, &["programme", "add", "--code", "RO", "--name", "x"]);
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(err.matches("read-only").count(), 1, "printed once: {err}");
    assert!(err.contains("chmod u+w"), "{err}");
    assert_eq!(hash(&db), before);
}

// Item 16: control characters from the data are escaped on the terminal, exact in CSV and JSON.
#[test]
fn control_characters_are_escaped_in_tables_and_errors_kept_in_csv_and_json() {
    let (dir, db) = demo_db();
    let evil = "\u{1b}]0;pwned\u{7}\u{202e}";
    ok(
        &db,
        &[
            "actual",
            "add",
            "--phase",
            "PH2",
            "--date",
            "26/08/2022",
            "--amount",
            "1",
            "--supplier",
            evil,
        ],
    );
    let table = ok(&db, &["actual", "list", "--phase", "PH2"]);
    assert!(table.contains("\\u{1b}]0;pwned\\u{7}\\u{202e}"), "{table}");
    assert!(!table.contains('\u{1b}') && !table.contains('\u{7}') && !table.contains('\u{202e}'));
    let csv = ok(
        &db,
        &["actual", "list", "--phase", "PH2", "--format", "csv"],
    );
    assert!(csv.contains(evil), "{csv}");
    let json = ok(
        &db,
        &["actual", "list", "--phase", "PH2", "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .any(|a| a["supplier"] == serde_json::Value::String(evil.into())),
        "{json}"
    );
    // An import error quoting a cell that holds ESC prints it escaped.
    let file = dir.path().join("bad.csv");
    std::fs::write(
        &file,
        "Date,Phase,Supplier,Description,Reference,Amount\n26/08/2022,\u{1b}[2J,s,d,r,1.00\n",
    )
    .unwrap();
    let o = run(&db, &["import", "actuals", file.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("\\u{1b}[2J"), "{err}");
    assert!(!err.contains('\u{1b}'), "{err}");
    // A message quoting a typed value escapes it too.
    let o = run(
        &db,
        &["programme", "add", "--code", "\u{1b}[2J", "--name", "x"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("\\u{1b}[2J"), "{}", stdout(&o));
}

/// Issue 25's first finding: a connection string given as `--db` (or `OUTTURN_DB`) is never taken
/// for a path. It is refused in one line, its password hidden, and no `postgresql:` folder or
/// SQLite file is made.
#[test]
fn a_connection_string_is_never_a_path() {
    // A connection string names a server (issue 25): never a folder and a SQLite file. `init`
    // refuses a password written into it, as the TUI on a server does. Each shows the string with its password hidden, and nothing is created.
    let dir = tempfile::tempdir().unwrap();
    for (given, hidden) in [
        (
            "postgresql://alice:s3cret@db.council.local/outturn",
            "postgresql://alice:***@db.council.local/outturn",
        ),
        (
            "host=db dbname=outturn password=s3cret",
            "host=db dbname=outturn password=***",
        ),
    ] {
        for (args, needle) in [
            (
                vec!["init"],
                format!("the connection string {hidden} holds a password"),
            ),
            (
                vec![],
                format!("the connection string {hidden} holds a password"),
            ),
        ] {
            let o = common::bin()
                .current_dir(dir.path())
                .arg("--db")
                .arg(given)
                .args(&args)
                .output()
                .unwrap();
            let err = refused(&o, &needle);
            assert!(!err.contains("s3cret"), "{err}");
        }
        let o = common::bin()
            .current_dir(dir.path())
            .env("OUTTURN_DB", given)
            .arg("init")
            .output()
            .unwrap();
        refused(&o, "holds a password");
    }
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "nothing is created: {left:?}");
}
