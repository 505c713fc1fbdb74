//! `outturn copy` between a SQLite file and a PostgreSQL server, either way (issue 25): every
//! record and the audit log as written; afterwards the audit listing and the figures are the same
//! bytes, and `check` passes on the file that went there and back.

mod common;

use common::pg::{self, TestDb};

/// Runs outturn; returns (exit status, stdout, stderr).
fn outturn(args: &[&str]) -> (i32, String, String) {
    let o = common::bin()
        .env("OUTTURN_TODAY", "2026-12-05")
        .args(args)
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8(o.stderr).unwrap(),
    )
}

fn ok(args: &[&str]) -> String {
    let (code, out, err) = outturn(args);
    assert_eq!(code, 0, "{args:?}: {err}");
    out
}

/// The demo books in a file, and empty books on the server with a lead.
fn demo_and_server() -> Option<(tempfile::TempDir, String, TestDb, String)> {
    let mut db = pg::migrated_database()?;
    let (_, lead) = db.create_org("Wolverhampton");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("demo.db").display().to_string();
    ok(&["--db", &file, "init", "--demo"]);
    Some((dir, file, db, lead))
}

#[test]
fn the_demo_goes_to_a_server_and_back_unchanged() {
    let Some((dir, file, db, lead)) = demo_and_server() else {
        return;
    };
    let server = db.at(&lead);
    let events = ok(&["--db", &file, "audit", "--format", "csv"])
        .lines()
        .count()
        - 1;
    let out = ok(&["copy", "--from", &file, "--to", &server]);
    assert!(
        out.starts_with(&format!("Copied {file} to {server}: ")),
        "{out}"
    );
    assert!(
        out.ends_with(&format!(" {events} audit events (checked).\n")),
        "{out}"
    );
    // The log and the register read the same on the server.
    for args in [
        &["audit", "--format", "csv"][..],
        &["programme", "list"][..],
    ] {
        let on_file = ok(&[&["--db", file.as_str()][..], args].concat());
        let on_server = ok(&[&["--db", server.as_str()][..], args].concat());
        assert_eq!(on_server, on_file, "{args:?}");
    }
    // And back to a new file: check passes (the chain and the replay of every row image), and
    // the figures are the same bytes as the original's.
    let back = dir.path().join("back.db").display().to_string();
    ok(&["copy", "--from", &server, "--to", &back]);
    assert_eq!(ok(&["--db", &back, "check"]), ok(&["--db", &file, "check"]));
    for args in [
        &["audit", "--format", "csv"][..],
        &["summary"][..],
        &["report", "--fy", "2022-23", "--period", "5"][..],
    ] {
        assert_eq!(
            ok(&[&["--db", back.as_str()][..], args].concat()),
            ok(&[&["--db", file.as_str()][..], args].concat()),
            "{args:?}"
        );
    }
    // A file that exists is not replaced.
    let (code, _, err) = outturn(&["copy", "--from", &server, "--to", &back]);
    assert_eq!(code, 2);
    assert!(
        err.contains("already exists: a copy goes into a new file"),
        "{err}"
    );
}

#[test]
fn a_copy_goes_only_into_empty_books_and_only_by_a_lead() {
    let Some((_dir, file, mut db, lead)) = demo_and_server() else {
        return;
    };
    let officer = db.add_member(&lead, "officer", "officer");
    // An officer may not copy a log in: the server refuses, and nothing is written.
    let (code, _, err) = outturn(&["copy", "--from", &file, "--to", &db.at(&officer)]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("the server refused: permission denied for function outturn_audit_import"),
        "{err}"
    );
    let count = |table: &str| -> i64 {
        db.admin()
            .query_one(&format!("SELECT count(*) FROM {table}"), &[])
            .unwrap()
            .get(0)
    };
    assert_eq!((count("programme"), count("audit")), (0, 0));
    // Once copied, the books are not empty: a second copy is refused.
    ok(&["copy", "--from", &file, "--to", &db.at(&lead)]);
    let (code, _, err) = outturn(&["copy", "--from", &file, "--to", &db.at(&lead)]);
    assert_eq!(code, 2);
    assert!(err.contains("already hold records"), "{err}");
}

#[test]
fn a_file_whose_log_was_rewritten_is_not_copied() {
    let Some((_dir, file, db, lead)) = demo_and_server() else {
        return;
    };
    let c = rusqlite::Connection::open(&file).unwrap();
    c.execute_batch("DROP TRIGGER audit_no_update; UPDATE audit SET who = 'someone' WHERE id = 3;")
        .unwrap();
    drop(c);
    let (code, _, err) = outturn(&["copy", "--from", &file, "--to", &db.at(&lead)]);
    assert_eq!(code, 2);
    assert!(
        err.contains(
            "fails its check (audit: event 3 was altered after it was written): nothing was copied"
        ),
        "{err}"
    );
    let n: i64 = db
        .admin()
        .query_one("SELECT count(*) FROM programme", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 0);
}

#[test]
fn two_files_or_two_servers_are_not_a_copy() {
    let (code, _, err) = outturn(&["copy", "--from", "a.db", "--to", "b.db"]);
    assert_eq!(code, 2);
    assert!(err.contains("both files"), "{err}");
    let (code, _, err) = outturn(&[
        "copy",
        "--from",
        "postgres://a@h/x",
        "--to",
        "postgres://b@h/y",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("both servers"), "{err}");
}
