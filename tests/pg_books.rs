//! Books on a PostgreSQL server through the command line (issue 25): `init` makes them on an
//! empty database through the migrations and refuses another application's database or a newer
//! Outturn's untouched; `team` is the lead's; the other commands refuse, naming what runs there.
//! Each test has its own database on the throwaway cluster of `common::pg`; with no PostgreSQL
//! binaries the tests say so and pass, except under `OUTTURN_REQUIRE_POSTGRES=1` (CI).

mod common;

use common::pg::{self, TestDb};

/// Runs outturn on the server; returns (exit status, stdout, stderr).
fn outturn(conninfo: &str, args: &[&str]) -> (i32, String, String) {
    let o = common::bin()
        .arg("--db")
        .arg(conninfo)
        .args(args)
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8(o.stderr).unwrap(),
    )
}

fn tables(db: &TestDb) -> Vec<String> {
    db.admin()
        .query(
            "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

#[test]
fn init_makes_the_books_through_the_migrations_once() {
    let Some(mut db) = pg::fresh_database() else {
        return;
    };
    let lead = db.create_login("lead");
    let dba = db.at(pg::ADMIN);
    let (code, out, err) = outturn(&dba, &["init", "--council", "Anytown", "--lead", &lead]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        format!("Created the books at {dba} for Anytown, with {lead} as its lead.\n")
    );
    let meta: Vec<(String, String)> = db
        .admin()
        .query("SELECT key, value FROM meta ORDER BY key", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(
        meta,
        vec![
            ("application".to_string(), "outturn".to_string()),
            ("schema_version".to_string(), "13".to_string())
        ]
    );
    assert!(tables(&db).contains(&"actual".to_string()));
    // The lead made is the council's, and may list its team.
    let (code, out, err) = outturn(&db.at(&lead), &["team", "list"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        format!("{:<w$}  Role\n{lead:<w$}  lead\n", "Login", w = lead.len())
    );
    // A second init changes nothing.
    let before = tables(&db);
    let (code, _, err) = outturn(&dba, &["init"]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        format!("outturn: {dba} already holds Outturn's books: nothing was changed\n")
    );
    assert_eq!(tables(&db), before);
}

#[test]
fn another_applications_database_is_refused_untouched() {
    let Some(db) = pg::fresh_database() else {
        return;
    };
    db.admin()
        .batch_execute("CREATE TABLE invoices(id BIGINT); INSERT INTO invoices VALUES (1)")
        .unwrap();
    let dba = db.at(pg::ADMIN);
    let (code, out, err) = outturn(&dba, &["init"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert_eq!(
        err,
        format!(
            "outturn: the database at {dba} holds another application's tables (invoices); Outturn left it untouched: give an empty database\n"
        )
    );
    assert_eq!(tables(&db), vec!["invoices".to_string()]);
    let n: i64 = db
        .admin()
        .query_one("SELECT count(*) FROM invoices", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 1);
}

#[test]
fn a_newer_outturns_books_are_refused() {
    let Some(mut db) = pg::migrated_database() else {
        return;
    };
    let (_, lead) = db.create_org("Anytown");
    db.admin()
        .batch_execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
        .unwrap();
    let (code, _, err) = outturn(&db.at(&lead), &["team", "list"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("were written by a newer Outturn (schema 99; this one knows up to 13)"),
        "{err}"
    );
    let (code, _, err) = outturn(&db.at(pg::ADMIN), &["init"]);
    assert_eq!(code, 2);
    assert!(err.contains("newer Outturn"), "{err}");
}

#[test]
fn a_lead_grants_roles_and_an_officer_cannot() {
    let Some(mut db) = pg::migrated_database() else {
        return;
    };
    let (_, lead) = db.create_org("Anytown");
    let bob = db.create_login("bob");
    let carol = db.create_login("carol");
    let (code, out, err) = outturn(&db.at(&lead), &["team", "grant", &bob, "--role", "officer"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        format!("{bob} is now in your council's team as officer.\n")
    );
    let (code, _, err) = outturn(&db.at(&lead), &["team", "grant", &carol, "--role", "boss"]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "outturn: --role: 'boss' is not a role; give viewer, officer or lead\n"
    );
    // Bob, an officer, may not grant.
    let (code, _, err) = outturn(&db.at(&bob), &["team", "grant", &carol, "--role", "lead"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("the server refused: permission denied"),
        "{err}"
    );
    assert!(err.contains("ask a lead of your team"), "{err}");
    let (code, out, _) = outturn(&db.at(&lead), &["team", "list"]);
    assert_eq!(code, 0);
    let w = lead.len().max(bob.len());
    let mut want = vec![(bob.clone(), "officer"), (lead.clone(), "lead")];
    want.sort();
    let mut expected = format!("{:<w$}  Role\n", "Login");
    for (login, role) in want {
        expected.push_str(&format!("{login:<w$}  {role}\n"));
    }
    assert_eq!(out, expected);
}

#[test]
fn the_tui_on_a_server_needs_a_terminal_as_on_a_file() {
    let Some(mut db) = pg::migrated_database() else {
        return;
    };
    let (_, lead) = db.create_org("Anytown");
    let conninfo = db.at(&lead);
    let (code, out, err) = outturn(&conninfo, &[]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert_eq!(
        err,
        "outturn: the interface needs a terminal: run `outturn` in one, or use the subcommands in scripts (see `outturn --help`)\n"
    );
}

/// Books with a programme added by `lead` through the server's audit function.
fn with_a_programme(db: &mut TestDb) -> String {
    let (_, lead) = db.create_org("Anytown");
    let mut c = db.connect_as(&lead);
    c.batch_execute(
        "BEGIN;
         INSERT INTO programme(code, name, organisation, status) VALUES ('DTP', 'Digital', 'Anytown', 'active');
         SELECT outturn_audit_append('2026-12-05T10:00:00Z', 'add', 'programme', 1, NULL, '{\"code\":\"DTP\"}', NULL);
         COMMIT;
         BEGIN;
         INSERT INTO phase(programme_id, code, name) VALUES (1, 'ICT', 'ICT');
         INSERT INTO actual(phase_id, date, fy, period, amount_pence) VALUES
             (1, '2026-05-01', 2026, 2, 1000000), (1, '2026-05-02', 2026, 2, 250);
         SELECT outturn_audit_append('2026-12-05T10:01:00Z', 'add', 'actual', NULL, NULL, NULL, NULL);
         COMMIT;",
    )
    .unwrap();
    lead
}

#[test]
fn the_dba_backs_up_and_restores_with_the_servers_tools_checked() {
    let Some(mut db) = pg::migrated_database() else {
        return;
    };
    let lead = with_a_programme(&mut db);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("books.dump");
    let file_s = file.display().to_string();
    // A lead is not the DBA.
    let (code, _, err) = outturn(&db.at(&lead), &["backup", &file_s]);
    assert_eq!(code, 2);
    assert!(err.contains("is taken by the server's DBA"), "{err}");
    assert!(!file.exists());
    let dba = db.at(pg::ADMIN);
    let (code, out, err) = outturn(&dba, &["backup", &file_s]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with(&format!(
            "Backed up {dba} to {file_s} with pg_dump (2 audit events, "
        )),
        "{out}"
    );
    // An existing file is replaced only when asked.
    let (code, _, err) = outturn(&dba, &["backup", &file_s]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--force"), "{err}");
    let Some(target) = pg::fresh_database() else {
        return;
    };
    let to = target.at(pg::ADMIN);
    let (code, out, err) = outturn(&to, &["restore", &file_s]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        format!("Restored {to} from {file_s} with pg_restore (2 audit events, checked).\n")
    );
    // The running totals come back as they were, not counted again by the triggers.
    let totals: (i64, i64) = {
        let row = target
            .admin()
            .query_one(
                "SELECT (SELECT sum(amount_pence)::bigint FROM actual_total),
                        (SELECT sum(amount_pence)::bigint FROM actual)",
                &[],
            )
            .unwrap();
        (row.get(0), row.get(1))
    };
    assert_eq!(totals, (1_000_250, 1_000_250));
    let name: String = target
        .admin()
        .query_one("SELECT name FROM programme", &[])
        .unwrap()
        .get(0);
    assert_eq!(name, "Digital");
    // Not over books already there.
    let (code, _, err) = outturn(&to, &["restore", &file_s]);
    assert_eq!(code, 2);
    assert!(err.contains("is not empty"), "{err}");
}

#[test]
fn a_restore_whose_audit_chain_is_broken_is_reported() {
    let Some(mut db) = pg::migrated_database() else {
        return;
    };
    with_a_programme(&mut db);
    // Rewritten behind the triggers' back (as only a superuser can), then backed up.
    db.admin()
        .batch_execute(
            "SET session_replication_role = replica; UPDATE audit SET action = 'edit'; RESET session_replication_role;",
        )
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("books.dump");
    let file_s = file.display().to_string();
    let (code, _, err) = outturn(&db.at(pg::ADMIN), &["backup", &file_s]);
    assert_eq!(code, 0, "{err}");
    let Some(target) = pg::fresh_database() else {
        return;
    };
    let to = target.at(pg::ADMIN);
    let (code, _, err) = outturn(&to, &["restore", &file_s]);
    assert_eq!(code, 2);
    assert!(
        err.contains("fail their check (Anytown: audit: event 1 was altered after it was written)"),
        "{err}"
    );
}

#[test]
fn a_file_that_is_not_a_backup_is_refused() {
    let Some(target) = pg::fresh_database() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("notes.txt");
    std::fs::write(&file, "not a dump").unwrap();
    let (code, _, err) = outturn(
        &target.at(pg::ADMIN),
        &["restore", &file.display().to_string()],
    );
    assert_eq!(code, 2);
    assert!(err.contains("pg_restore --list failed"), "{err}");
    let n: i64 = target
        .admin()
        .query_one(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(n, 0);
}
