//! Issue 25: the rules PostgreSQL enforces itself, tried through plain connections as each role
//! (what `psql` as that login could do), on a throwaway cluster (tests/common/pg.rs). Each test
//! makes its own database and logins: a council (organisation 1) with a lead, an officer and a
//! viewer, and a second council with a lead and an officer.

mod common;

use std::io::Write;
use std::time::{Duration, Instant};

use common::pg::{self, Cluster, TestDb};
use outturn::store::audit::{AuditEvent, GENESIS, event_hash};
use postgres::Client;

/// Two councils on one server.
struct Team {
    db: TestDb,
    org: i64,
    lead: String,
    officer: String,
    viewer: String,
    org2: i64,
    lead2: String,
    officer2: String,
}

/// The councils, or None when the PostgreSQL half is skipped (said loudly by the harness; a
/// failure under `OUTTURN_REQUIRE_POSTGRES=1`).
fn team() -> Option<Team> {
    let mut db = pg::migrated_database()?;
    let (org, lead) = db.create_org("Council One");
    let officer = db.add_member(&lead, "officer", "officer");
    let viewer = db.add_member(&lead, "viewer", "viewer");
    let (org2, lead2) = db.create_org("Council Two");
    let officer2 = db.add_member(&lead2, "officer", "officer");
    Some(Team {
        db,
        org,
        lead,
        officer,
        viewer,
        org2,
        lead2,
        officer2,
    })
}

impl Team {
    fn as_(&self, login: &str) -> Client {
        self.db.connect_as(login)
    }
}

/// The server's message for a refused statement.
fn refused<T: std::fmt::Debug>(r: Result<T, postgres::Error>) -> String {
    let e = r.expect_err("the statement should have been refused");
    e.as_db_error()
        .map(|d| d.message().to_string())
        .unwrap_or_else(|| e.to_string())
}

/// The SQLSTATE of a refused statement.
fn code<T: std::fmt::Debug>(r: Result<T, postgres::Error>) -> String {
    r.expect_err("the statement should have been refused")
        .code()
        .map(|c| c.code().to_string())
        .unwrap_or_default()
}

/// A programme and a phase in the login's council; returns the phase's id.
fn programme_and_phase(c: &mut Client, code: &str) -> i64 {
    let p: i64 = c
        .query_one(
            "INSERT INTO programme(code, name) VALUES ($1, 'Prog') RETURNING id",
            &[&code],
        )
        .unwrap()
        .get(0);
    c.query_one(
        "INSERT INTO phase(programme_id, code, name) VALUES ($1, 'A', 'Scheme A') RETURNING id",
        &[&p],
    )
    .unwrap()
    .get(0)
}

fn count(c: &mut Client, table: &str) -> i64 {
    c.query_one(&format!("SELECT count(*) FROM {table}"), &[])
        .unwrap()
        .get(0)
}

#[test]
fn the_audit_log_takes_no_insert_update_delete_or_truncate_from_anyone() {
    let Some(t) = team() else { return };
    let mut o = t.as_(&t.officer);
    // An event, through the only way in.
    o.query_one(
        "SELECT outturn_audit_append(NULL, 'add', 'programme', 1, NULL, NULL, NULL)",
        &[],
    )
    .unwrap();
    for sql in [
        "INSERT INTO audit(id, at, who, action, entity, prev_hash, hash) VALUES (2, 'a', 'b', 'c', 'd', 'e', 'f')",
        "UPDATE audit SET who = 'mallory'",
        "DELETE FROM audit",
        "TRUNCATE audit",
    ] {
        assert_eq!(
            refused(o.batch_execute(sql)),
            "permission denied for table audit",
            "{sql}"
        );
    }
    // The owner (a superuser taking the role: nobody logs in as it) and a superuser itself.
    let mut admin = t.db.admin();
    admin.batch_execute("SET ROLE outturn_owner").unwrap();
    for (sql, words) in [
        ("DELETE FROM audit", "deleted"),
        ("UPDATE audit SET who = 'mallory'", "changed"),
        ("TRUNCATE audit", "deleted"),
    ] {
        assert_eq!(
            refused(admin.batch_execute(sql)),
            format!("the audit log is append-only: events cannot be {words}"),
            "{sql}"
        );
    }
    admin.batch_execute("RESET ROLE").unwrap();
    assert_eq!(
        code(admin.batch_execute("DELETE FROM audit")),
        "OT002",
        "a superuser's DELETE"
    );
    assert_eq!(
        admin
            .query_one("SELECT count(*) FROM audit", &[])
            .unwrap()
            .get::<_, i64>(0),
        1
    );
}

#[test]
fn a_viewer_reads_and_cannot_write() {
    let Some(t) = team() else { return };
    let phase = programme_and_phase(&mut t.as_(&t.officer), "P");
    let mut v = t.as_(&t.viewer);
    assert_eq!(count(&mut v, "programme"), 1);
    assert_eq!(count(&mut v, "phase"), 1);
    for (sql, table) in [
        (
            "INSERT INTO programme(code, name) VALUES ('Q', 'Q')",
            "programme",
        ),
        ("UPDATE phase SET name = 'Renamed'", "phase"),
        ("DELETE FROM phase", "phase"),
        (
            "INSERT INTO actual(phase_id, date, fy, period, amount_pence) VALUES (1, '2024-06-01', 2024, 3, 1)",
            "actual",
        ),
    ] {
        assert_eq!(
            refused(v.batch_execute(sql)),
            format!("permission denied for table {table}"),
            "{sql}"
        );
    }
    assert_eq!(
        refused(v.batch_execute(
            "SELECT outturn_audit_append(NULL, 'add', 'programme', 1, NULL, NULL, NULL)"
        )),
        "permission denied for function outturn_audit_append"
    );
    let name: String = v
        .query_one("SELECT name FROM phase WHERE id = $1", &[&phase])
        .unwrap()
        .get(0);
    assert_eq!(name, "Scheme A");
}

#[test]
fn only_a_lead_closes_and_nothing_dated_in_a_closed_period_is_written() {
    let Some(t) = team() else { return };
    let mut o = t.as_(&t.officer);
    let phase = programme_and_phase(&mut o, "P");
    let close = "INSERT INTO closed_period(fy, period, through_date, who, at) \
                 VALUES (2024, 2, '2024-05-31', 'lead', '2024-06-03T09:00:00Z')";
    assert_eq!(
        refused(o.batch_execute(close)),
        "permission denied for table closed_period"
    );
    let mut lead = t.as_(&t.lead);
    lead.batch_execute(close).unwrap();

    let actual = "INSERT INTO actual(phase_id, date, fy, period, amount_pence) \
                  VALUES ($1, $2, 2024, $3, 100) RETURNING id";
    let r = o.query_one(actual, &[&phase, &"2024-05-31", &2i64]);
    assert_eq!(
        code(o.query_one(actual, &[&phase, &"2024-05-31", &2i64])),
        "OT001"
    );
    assert_eq!(
        refused(r),
        "an actual dated 31/05/2024 falls in a closed period (closed through 2024-25 P2)"
    );
    // The day after the lock date is open.
    let id: i64 = o
        .query_one(actual, &[&phase, &"2024-06-01", &3i64])
        .unwrap()
        .get(0);
    assert_eq!(
        refused(o.execute(
            "UPDATE actual SET date = '2024-05-02', period = 2 WHERE id = $1",
            &[&id]
        )),
        "the edited actual dated 02/05/2024 falls in a closed period (closed through 2024-25 P2)"
    );
    assert_eq!(
        refused(o.batch_execute(&format!(
            "INSERT INTO forecast(phase_id, fy, as_at_period, as_at_date, amount_pence) \
             VALUES ({phase}, 2024, 2, '2024-05-15', 7)"
        ))),
        "a forecast dated 15/05/2024 falls in a closed period (closed through 2024-25 P2)"
    );
    assert_eq!(
        refused(o.batch_execute(&format!(
            "INSERT INTO budget_change(kind, amount_pence, to_phase_id, to_fy, effective_date, status) \
             VALUES ('addition', 5, {phase}, 2024, '2024-04-30', 'proposed')"
        ))),
        "a budget change dated 30/04/2024 falls in a closed period (closed through 2024-25 P2)"
    );
    // A lead may not write there either; reopening (a lead's delete) opens it again.
    assert_eq!(
        code(lead.query_one(actual, &[&phase, &"2024-04-01", &1i64])),
        "OT001"
    );
    lead.batch_execute("DELETE FROM closed_period").unwrap();
    o.query_one(actual, &[&phase, &"2024-05-31", &2i64])
        .unwrap();
    assert_eq!(count(&mut o, "actual"), 2);
}

#[test]
fn another_council_sees_none_of_the_rows_and_cannot_write_into_them() {
    let Some(t) = team() else { return };
    let mut o1 = t.as_(&t.officer);
    let phase = programme_and_phase(&mut o1, "P");
    o1.batch_execute(&format!(
        "BEGIN; INSERT INTO actual(phase_id, date, fy, period, amount_pence) \
         VALUES ({phase}, '2024-06-01', 2024, 3, 100); \
         SELECT outturn_audit_append(NULL, 'add', 'actual', 1, NULL, NULL, NULL); COMMIT;"
    ))
    .unwrap();
    let mut o2 = t.as_(&t.officer2);
    for table in ["programme", "phase", "actual", "actual_total", "audit"] {
        assert_eq!(count(&mut o1, table), 1, "{table} in council 1");
        assert_eq!(count(&mut o2, table), 0, "{table} in council 2");
    }
    assert_eq!(
        refused(o2.execute(
            "INSERT INTO programme(code, name, organisation, status, version, org_id) \
             VALUES ('Q', 'Q', '', 'active', 1, $1)",
            &[&t.org]
        )),
        "new row violates row-level security policy for table \"programme\""
    );
    // The same code is free in another council; its rows cannot point into the first.
    let p2: i64 = o2
        .query_one(
            "INSERT INTO programme(code, name) VALUES ('P', 'Theirs') RETURNING org_id",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(p2, t.org2);
    assert!(
        refused(o2.execute(
            "INSERT INTO actual(phase_id, date, fy, period, amount_pence) VALUES ($1, '2024-06-01', 2024, 3, 1)",
            &[&phase]
        ))
        .contains("violates foreign key constraint"),
    );
    assert_eq!(o2.execute("UPDATE phase SET name = 'X'", &[]).unwrap(), 0);
    assert_eq!(o2.execute("DELETE FROM actual", &[]).unwrap(), 0);
    assert_eq!(count(&mut o1, "actual"), 1);
}

#[test]
fn who_is_the_login_whatever_role_is_set_or_name_given() {
    let Some(t) = team() else { return };
    let mut lead = t.as_(&t.lead);
    lead.batch_execute("SET ROLE outturn_officer").unwrap();
    lead.batch_execute(
        "BEGIN; INSERT INTO programme(code, name) VALUES ('P', 'Prog'); \
         SELECT outturn_audit_append(NULL, 'add', 'programme', 1, NULL, NULL, 'someone else'); COMMIT;",
    )
    .unwrap();
    let row = lead
        .query_one("SELECT who, as_name, current_user::text FROM audit", &[])
        .unwrap();
    assert_eq!(row.get::<_, String>(0), t.lead);
    assert_eq!(
        row.get::<_, Option<String>>(1).as_deref(),
        Some("someone else")
    );
    assert_eq!(row.get::<_, String>(2), "outturn_officer");
    // An officer cannot take a lead's role.
    assert_eq!(
        refused(t.as_(&t.officer).batch_execute("SET ROLE outturn_lead")),
        "permission denied to set role \"outturn_lead\""
    );
}

#[test]
fn only_a_lead_approves_a_budget_change() {
    let Some(t) = team() else { return };
    let mut o = t.as_(&t.officer);
    let phase = programme_and_phase(&mut o, "P");
    let id: i64 = o
        .query_one(
            "INSERT INTO budget_change(kind, amount_pence, to_phase_id, to_fy, effective_date, status) \
             VALUES ('addition', 500, $1, 2024, '2024-07-01', 'proposed') RETURNING id",
            &[&phase],
        )
        .unwrap()
        .get(0);
    let approve = "UPDATE budget_change SET status = 'approved' WHERE id = $1";
    assert_eq!(
        refused(o.execute(approve, &[&id])),
        format!(
            "only a lead can approve a budget change: {} is not a lead",
            t.officer
        )
    );
    assert_eq!(
        code(o.batch_execute(&format!(
            "INSERT INTO budget_change(kind, amount_pence, to_phase_id, to_fy, effective_date, status) \
             VALUES ('addition', 1, {phase}, 2024, '2024-07-01', 'approved')"
        ))),
        "OT004"
    );
    assert_eq!(t.as_(&t.lead).execute(approve, &[&id]).unwrap(), 1);
    let status: String = o
        .query_one("SELECT status FROM budget_change WHERE id = $1", &[&id])
        .unwrap()
        .get(0);
    assert_eq!(status, "approved");
}

/// The audited writes both engines make in the chain test: (statements, action, entity, id,
/// after). Plain SQL that runs unchanged on SQLite and PostgreSQL.
const EVENTS: &[(&[&str], &str, &str, i64, &str)] = &[
    (
        &[
            "INSERT INTO programme(code, name, organisation) VALUES ('P', 'Prog \"quoted\" \\ é', 'Council')",
        ],
        "add",
        "programme",
        1,
        "P",
    ),
    (
        &[
            "INSERT INTO phase(programme_id, code, name) VALUES (1, 'A', 'Scheme A')",
            "INSERT INTO actual(phase_id, date, fy, period, supplier, description, reference, amount_pence) \
             VALUES (1, '2024-05-01', 2024, 2, 'Acme Ltd', 'line one\nline two\tend', 'INV-1', 12345)",
        ],
        "add",
        "actual",
        1,
        "INV-1",
    ),
    (
        &[
            "UPDATE actual SET amount_pence = 999, version = version + 1 WHERE id = 1",
            "UPDATE actual SET supplier = 'Acme' WHERE id = 1",
            "INSERT INTO setting(key, value) VALUES ('rag.red_pct', '5')",
        ],
        "edit",
        "actual",
        1,
        "999",
    ),
    (
        &[
            "DELETE FROM actual WHERE id = 1",
            "INSERT INTO allocation(phase_id, first_fy, last_fy, amount_pence, status) \
             VALUES (1, 2024, 2025, 100000, 'approved')",
            "INSERT INTO allocation_profile(allocation_id, fy, amount_pence) VALUES (1, 2024, 60000)",
            "INSERT INTO allocation_profile(allocation_id, fy, amount_pence) VALUES (1, 2025, 40000)",
            "UPDATE setting SET key = 'rag.amber_pct' WHERE key = 'rag.red_pct'",
        ],
        "delete",
        "actual",
        1,
        "gone",
    ),
    (
        &["DELETE FROM allocation WHERE id = 1"],
        "delete",
        "allocation",
        1,
        "cascade",
    ),
];

#[test]
fn the_chain_verifies_with_rusts_hash_and_the_images_are_sqlites() {
    let Some(t) = team() else { return };
    // SQLite: the store's own capture and audit::record.
    let books = outturn::store::Books::in_memory().unwrap();
    for (statements, action, entity, id, after) in EVENTS {
        for sql in *statements {
            books.execute(sql, []).unwrap();
        }
        outturn::store::audit::record(&books, action, entity, Some(*id), None::<&()>, Some(after))
            .unwrap();
    }
    let sqlite_images: Vec<String> = books
        .prepare("SELECT images FROM audit ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();

    // PostgreSQL: the same writes, each event appended in its transaction.
    let mut o = t.as_(&t.officer);
    for (statements, action, entity, id, after) in EVENTS {
        let mut tx = o.transaction().unwrap();
        for sql in *statements {
            tx.batch_execute(sql).unwrap();
        }
        let after = serde_json::to_string(after).unwrap();
        tx.query_one(
            "SELECT outturn_audit_append($1, $2, $3, $4, NULL, $5, $6)",
            &[
                &"2026-12-05T10:00:00Z",
                action,
                entity,
                id,
                &after,
                &"officer-a",
            ],
        )
        .unwrap();
        tx.commit().unwrap();
    }
    // The other council's first event is its own number 1.
    let mut o2 = t.as_(&t.officer2);
    let first: i64 = o2
        .query_one(
            "SELECT outturn_audit_append(NULL, 'add', 'programme', NULL, NULL, NULL, NULL)",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(first, 1);

    let rows = o
        .query(
            "SELECT id, at, who, action, entity, entity_id, before, after, as_name, images, prev_hash, hash \
             FROM audit ORDER BY id",
            &[],
        )
        .unwrap();
    assert_eq!(rows.len(), EVENTS.len());
    let mut prev = GENESIS.to_string();
    for (i, r) in rows.iter().enumerate() {
        let e = AuditEvent {
            id: r.get(0),
            at: r.get(1),
            who: r.get(2),
            action: r.get(3),
            entity: r.get(4),
            entity_id: r.get(5),
            before: r.get(6),
            after: r.get(7),
            as_name: r.get(8),
            images: r.get(9),
        };
        assert_eq!(e.id, i as i64 + 1, "ids run 1, 2, 3 per council");
        assert_eq!(e.who, t.officer);
        assert_eq!(
            r.get::<_, String>(10),
            prev,
            "event {} follows the one before",
            e.id
        );
        let hash: String = r.get(11);
        assert_eq!(event_hash(&prev, &e), hash, "event {}'s hash", e.id);
        if EVENTS[i]
            .0
            .iter()
            .any(|sql| sql.starts_with("DELETE FROM allocation"))
        {
            // A cascade: the same entries, the parent noted before its cascaded rows on
            // PostgreSQL (which runs a cascade after the statement's own rows), after on SQLite.
            let entries = |images: &str| {
                let mut v: Vec<String> = serde_json::from_str::<Vec<serde_json::Value>>(images)
                    .unwrap()
                    .iter()
                    .map(|e| e.to_string())
                    .collect();
                let parent = v.iter().position(|e| e.ends_with(r#""t":"allocation"}"#));
                (parent, {
                    v.sort();
                    v
                })
            };
            let (pg_parent, pg) = entries(e.images.as_deref().unwrap());
            let (sqlite_parent, sqlite) = entries(&sqlite_images[i]);
            assert_eq!(pg, sqlite, "event {}'s row images", e.id);
            assert_eq!((pg_parent, sqlite_parent), (Some(0), Some(2)));
        } else {
            assert_eq!(
                e.images.as_deref(),
                Some(sqlite_images[i].as_str()),
                "event {}'s row images",
                e.id
            );
        }
        prev = hash;
    }
    // The images are the rows, not an empty list: the first event's, by hand.
    assert_eq!(
        sqlite_images[0],
        r#"[{"t":"programme","k":"[1]","b":null,"a":"{\"id\":1,\"code\":\"P\",\"name\":\"Prog \\\"quoted\\\" \\\\ é\",\"organisation\":\"Council\",\"status\":\"active\",\"version\":1}"}]"#
    );
    // Nothing noted is left behind once drained.
    assert_eq!(
        t.db.admin()
            .query_one("SELECT count(*) FROM audit_capture", &[])
            .unwrap()
            .get::<_, i64>(0),
        0
    );
}

/// actual_total as (fy, phase, period, contract, pence, n), in key order.
fn totals(c: &mut Client) -> Vec<(i64, i64, i64, i64, i64, i64)> {
    c.query(
        "SELECT fy, phase_id, period, contract_id, amount_pence, n FROM actual_total ORDER BY 1, 2, 3, 4",
        &[],
    )
    .unwrap()
    .iter()
    .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5)))
    .collect()
}

/// The same, summed from the actuals themselves.
fn summed(c: &mut Client) -> Vec<(i64, i64, i64, i64, i64, i64)> {
    c.query(
        "SELECT fy, phase_id, period, coalesce(contract_id, 0), sum(amount_pence)::bigint, count(*) \
         FROM actual GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4",
        &[],
    )
    .unwrap()
    .iter()
    .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5)))
    .collect()
}

#[test]
fn running_totals_follow_inserts_updates_deletes_and_a_bulk_load() {
    let Some(t) = team() else { return };
    let mut o = t.as_(&t.officer);
    let a = programme_and_phase(&mut o, "P");
    let b: i64 = o
        .query_one(
            "INSERT INTO phase(programme_id, code, name) SELECT programme_id, 'B', 'Scheme B' \
             FROM phase WHERE id = $1 RETURNING id",
            &[&a],
        )
        .unwrap()
        .get(0);
    let c: i64 = o
        .query_one(
            "INSERT INTO contract(reference, title, supplier, phase_id, value_pence, original_value_pence, \
             start_date, term_months) VALUES ('C1', 'Works', 'Acme', $1, 0, 0, '2024-04-01', 12) RETURNING id",
            &[&a],
        )
        .unwrap()
        .get(0);
    let ids: Vec<i64> = o
        .query(
            "INSERT INTO actual(phase_id, contract_id, date, fy, period, amount_pence) VALUES \
             ($1, NULL, '2024-05-01', 2024, 2, 100), ($1, NULL, '2024-05-20', 2024, 2, 250), \
             ($1, $2, '2024-06-03', 2024, 3, 40) RETURNING id",
            &[&a, &c],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        totals(&mut o),
        vec![(2024, a, 2, 0, 350, 2), (2024, a, 3, c, 40, 1)]
    );
    // A new amount, and an actual moved to phase B.
    o.execute(
        "UPDATE actual SET amount_pence = 300 WHERE id = $1",
        &[&ids[1]],
    )
    .unwrap();
    o.execute(
        "UPDATE actual SET phase_id = $2 WHERE id = $1",
        &[&ids[0], &b],
    )
    .unwrap();
    assert_eq!(
        totals(&mut o),
        vec![
            (2024, a, 2, 0, 300, 1),
            (2024, a, 3, c, 40, 1),
            (2024, b, 2, 0, 100, 1)
        ]
    );
    // An edit that moves no money touches no total; the last actual of a total removes it.
    o.execute("UPDATE actual SET supplier = 'Acme'", &[])
        .unwrap();
    o.execute("DELETE FROM actual WHERE id = $1", &[&ids[2]])
        .unwrap();
    assert_eq!(
        totals(&mut o),
        vec![(2024, a, 2, 0, 300, 1), (2024, b, 2, 0, 100, 1)]
    );

    // COPY cannot write into a table under row-level security: a bulk load copies into a
    // staging table of the session's own and moves the rows in one INSERT ... SELECT (one
    // statement: the totals trigger runs once).
    let direct = t
        .as_(&t.officer)
        .copy_in("COPY actual(phase_id, date, fy, period, amount_pence) FROM STDIN")
        .map(|_| ());
    assert_eq!(
        refused(direct),
        "COPY FROM not supported with row-level security"
    );
    let started = Instant::now();
    let mut tx = o.transaction().unwrap();
    tx.batch_execute(
        "CREATE TEMP TABLE actual_load (phase_id BIGINT, date TEXT, fy BIGINT, period BIGINT, \
         amount_pence BIGINT) ON COMMIT DROP",
    )
    .unwrap();
    let mut w = tx
        .copy_in("COPY actual_load FROM STDIN (FORMAT csv)")
        .unwrap();
    let mut expected_total: i64 = 0;
    for i in 0..10_000i64 {
        let phase = if i % 2 == 0 { a } else { b };
        let period = i % 12 + 1;
        let month = (period + 2) % 12 + 1;
        let year = if month >= 4 { 2025 } else { 2026 };
        writeln!(w, "{phase},{year}-{month:02}-15,2025,{period},{}", i + 1).unwrap();
        expected_total += i + 1;
    }
    assert_eq!(w.finish().unwrap(), 10_000);
    tx.batch_execute(
        "INSERT INTO actual(phase_id, date, fy, period, amount_pence) \
         SELECT phase_id, date, fy, period, amount_pence FROM actual_load",
    )
    .unwrap();
    tx.commit().unwrap();
    let load = started.elapsed();
    assert!(load < Duration::from_secs(60), "10,000 rows took {load:?}");
    eprintln!("10,000 actuals copied and moved in {} ms", load.as_millis());
    assert_eq!(totals(&mut o), summed(&mut o));
    let (sum, n): (i64, i64) = {
        let r = o
            .query_one(
                "SELECT sum(amount_pence)::bigint, sum(n)::bigint FROM actual_total WHERE fy = 2025",
                &[],
            )
            .unwrap();
        (r.get(0), r.get(1))
    };
    assert_eq!((sum, n), (expected_total, 10_000));
    assert_eq!(expected_total, 50_005_000);
    // P1 of 2025 is rows 0, 12, 24 ... 9996 (all even, so all phase A's), amounts i + 1:
    // 834 rows, 1 + 13 + ... + 9997 = 834 * (1 + 9997) / 2.
    let p1: i64 = (0..10_000i64).filter(|i| i % 12 == 0).map(|i| i + 1).sum();
    assert_eq!(p1, 834 * 9998 / 2);
    let got: i64 = o
        .query_one(
            "SELECT amount_pence FROM actual_total WHERE fy = 2025 AND phase_id = $1 AND period = 1",
            &[&a],
        )
        .unwrap()
        .get(0);
    assert_eq!(got, p1);
    // Removing the load (one statement, as undoing a batch does) takes its totals with it.
    o.execute("DELETE FROM actual WHERE fy = 2025", &[])
        .unwrap();
    assert_eq!(
        totals(&mut o),
        vec![(2024, a, 2, 0, 300, 1), (2024, b, 2, 0, 100, 1)]
    );
    assert_eq!(totals(&mut o), summed(&mut o));
}

#[test]
fn a_lead_grants_and_lists_the_team_and_an_officer_cannot() {
    let Some(mut t) = team() else { return };
    let newcomer = t.db.create_login("newcomer");
    let mut lead = t.as_(&t.lead);
    lead.execute("SELECT outturn_team_grant($1, 'officer')", &[&newcomer])
        .unwrap();
    let list: Vec<(String, String)> = lead
        .query("SELECT login, role FROM outturn_team_list()", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let mut expected = vec![
        (t.lead.clone(), "lead".to_string()),
        (t.officer.clone(), "officer".to_string()),
        (t.viewer.clone(), "viewer".to_string()),
        (newcomer.clone(), "officer".to_string()),
    ];
    expected.sort();
    assert_eq!(list, expected);
    // The newcomer writes as an officer of this council; made a viewer, no longer.
    let mut n = t.as_(&newcomer);
    n.batch_execute("INSERT INTO programme(code, name) VALUES ('N', 'New')")
        .unwrap();
    lead.execute("SELECT outturn_team_grant($1, 'viewer')", &[&newcomer])
        .unwrap();
    let mut n = t.as_(&newcomer);
    assert_eq!(
        refused(n.batch_execute("INSERT INTO programme(code, name) VALUES ('M', 'M')")),
        "permission denied for table programme"
    );
    assert_eq!(count(&mut n, "programme"), 1);

    let mut o = t.as_(&t.officer);
    assert_eq!(
        refused(o.execute("SELECT outturn_team_grant($1, 'lead')", &[&t.officer])),
        "permission denied for function outturn_team_grant"
    );
    assert_eq!(
        refused(o.query("SELECT * FROM outturn_team_list()", &[])),
        "permission denied for function outturn_team_list"
    );
    // Another council's lead cannot take this council's officer; nobody grants a missing login
    // or a made-up role; the last lead stays a lead.
    let mut lead2 = t.as_(&t.lead2);
    assert_eq!(
        refused(lead2.execute("SELECT outturn_team_grant($1, 'officer')", &[&t.officer])),
        format!(
            "{} belongs to another organisation on this server",
            t.officer
        )
    );
    assert_eq!(
        refused(lead.execute("SELECT outturn_team_grant('nobody_here', 'officer')", &[])),
        "there is no login nobody_here on this server"
    );
    assert_eq!(
        refused(lead.execute("SELECT outturn_team_grant($1, 'admin')", &[&newcomer])),
        "--role: 'admin' is not a role: give viewer, officer or lead"
    );
    assert_eq!(
        refused(lead.execute("SELECT outturn_team_grant($1, 'officer')", &[&t.lead])),
        format!(
            "{} is the last lead of the organisation: make another login a lead first",
            t.lead
        )
    );
    let _ = (t.org, t.org2);
}

fn alive(pid: u32) -> bool {
    pg::process_runs(pid)
}

#[test]
fn the_harness_leaves_no_postgres_process_behind() {
    let Some(bin) = pg::binaries_or_skip() else {
        return;
    };
    // Stopped by the harness.
    let c = Cluster::start(&bin, std::process::id());
    eprintln!("cluster started in {} ms", c.started_in.as_millis());
    let pid = c.postmaster_pid().expect("postmaster.pid");
    assert!(alive(pid));
    c.admin("postgres").batch_execute("SELECT 1").unwrap();
    c.stop();
    assert!(!alive(pid), "postmaster {pid} still runs after stop");
    assert!(!c.dir.as_ref().unwrap().exists());

    // Stopped by the watchdog once the process it watches has gone (as when a test binary
    // ends: statics are never dropped).
    let mut watched = std::process::Command::new("sleep")
        .arg("1")
        .spawn()
        .unwrap();
    let c = Cluster::start(&bin, watched.id());
    let pid = c.postmaster_pid().expect("postmaster.pid");
    assert!(alive(pid));
    watched.wait().unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while (alive(pid) || c.dir.as_ref().unwrap().exists()) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(!alive(pid), "postmaster {pid} outlived the watched process");
    assert!(!c.dir.as_ref().unwrap().exists());
}

#[test]
fn a_close_waits_for_writes_in_flight_and_nothing_dated_in_it_commits_after() {
    let Some(t) = team() else { return };
    let mut o = t.as_(&t.officer);
    let phase = programme_and_phase(&mut o, "P");
    let insert = "INSERT INTO actual(phase_id, date, fy, period, amount_pence) VALUES ($1, $2, 2024, $3, 100)";
    let close = |through: &'static str, period: i64| {
        let mut lead = t.as_(&t.lead);
        std::thread::spawn(move || {
            lead.execute(
                "INSERT INTO closed_period(fy, period, through_date, who, at) \
                 VALUES (2024, $1, $2, 'lead', '2024-07-01T09:00:00Z')",
                &[&period, &through],
            )
        })
    };

    // A write in flight dated in the period: the close waits for it to commit.
    let mut w = o.transaction().unwrap();
    w.execute(insert, &[&phase, &"2024-05-10", &2i64]).unwrap();
    let closing = close("2024-05-31", 2);
    std::thread::sleep(Duration::from_millis(700));
    assert!(
        !closing.is_finished(),
        "the close did not wait for the write"
    );
    w.commit().unwrap();
    closing.join().unwrap().unwrap();
    assert_eq!(count(&mut o, "actual"), 1);

    // A close in flight: a write dated in the period waits for it, then is refused.
    let mut lead = t.as_(&t.lead);
    let mut c = lead.transaction().unwrap();
    c.execute(
        "INSERT INTO closed_period(fy, period, through_date, who, at) \
         VALUES (2024, 3, '2024-06-30', 'lead', '2024-07-01T09:00:00Z')",
        &[],
    )
    .unwrap();
    let mut o2 = t.as_(&t.officer);
    let writing = std::thread::spawn(move || {
        o2.execute(insert, &[&phase, &"2024-06-10", &3i64])
            .map_err(|e| e.as_db_error().map(|d| d.message().to_string()))
    });
    std::thread::sleep(Duration::from_millis(700));
    assert!(
        !writing.is_finished(),
        "the write did not wait for the close"
    );
    c.commit().unwrap();
    assert_eq!(
        writing.join().unwrap(),
        Err(Some(
            "an actual dated 10/06/2024 falls in a closed period (closed through 2024-25 P3)"
                .to_string()
        ))
    );
    assert_eq!(count(&mut o, "actual"), 1);
}

#[test]
fn the_tables_and_columns_are_sqlites_in_order_with_org_id_last() {
    let Some(db) = pg::migrated_database() else {
        return;
    };
    let books = outturn::store::Books::in_memory().unwrap();
    let sqlite_tables: Vec<String> = books
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut admin = db.admin();
    let mut books_tables: Vec<String> = admin
        .query("SELECT outturn_books_tables()", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    books_tables.sort();
    assert_eq!(books_tables, sqlite_tables);
    let mut pg_tables: Vec<String> = admin
        .query(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' \
             ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    pg_tables.retain(|t| {
        ![
            "meta",
            "organisation",
            "member",
            "audit_capture",
            "audit_imported",
        ]
        .contains(&t.as_str())
    });
    assert_eq!(pg_tables, sqlite_tables);

    for table in &sqlite_tables {
        let sqlite: Vec<(String, String)> = books
            .prepare("SELECT name, type FROM pragma_table_info(?1) ORDER BY cid")
            .unwrap()
            .query_map([table], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let pg: Vec<(String, String, Option<String>)> = admin
            .query(
                "SELECT column_name::text, udt_name::text, collation_name::text \
                 FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 \
                 ORDER BY ordinal_position",
                &[table],
            )
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect();
        assert_eq!(
            pg.last(),
            Some(&("org_id".to_string(), "int8".to_string(), None)),
            "{table}"
        );
        assert_eq!(pg.len(), sqlite.len() + 1, "{table}");
        for ((name, ty), (pg_name, pg_ty, collation)) in sqlite.iter().zip(&pg) {
            assert_eq!(name, pg_name, "{table}: column order");
            let expected = match (table.as_str(), name.as_str(), ty.as_str()) {
                ("import_profile", "name", _) => "citext",
                (_, _, "INTEGER") => "int8",
                (_, _, "TEXT") => "text",
                other => panic!("{table}.{name}: SQLite type {other:?}"),
            };
            assert_eq!(pg_ty, expected, "{table}.{name}");
            if expected != "int8" {
                assert_eq!(
                    collation.as_deref(),
                    Some("C"),
                    "{table}.{name}: byte order"
                );
            }
        }
    }
    // SQLite's `date(x) = x` checks and their translation agree.
    for x in [
        "2024-02-29",
        "2023-02-29",
        "2024-04-31",
        "2024-2-01",
        "2024-13-01",
        "2024-12-31",
        "24-01-01",
        "2024-01-01T00:00",
        " 2024-01-01",
        "",
    ] {
        let sqlite: bool = books
            .query_row("SELECT coalesce(date(?1) = ?1, 0)", [x], |r| r.get(0))
            .unwrap();
        let pg: bool = admin
            .query_one("SELECT outturn_is_date($1)", &[&x])
            .unwrap()
            .get(0);
        assert_eq!(pg, sqlite, "{x:?}");
    }
    let meta: Vec<(String, String)> = admin
        .query("SELECT key, value FROM meta ORDER BY key", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(
        meta,
        vec![
            ("application".to_string(), "outturn".to_string()),
            (
                "schema_version".to_string(),
                outturn::store::SCHEMA_VERSION.to_string()
            ),
        ]
    );
}

#[test]
fn a_lead_copies_a_sqlite_log_verbatim_and_only_into_a_log_of_no_events_of_its_own() {
    let Some(t) = team() else { return };
    // A log written by SQLite.
    let books = outturn::store::Books::in_memory().unwrap();
    books
        .execute("INSERT INTO programme(code, name) VALUES ('P', 'Prog')", [])
        .unwrap();
    outturn::store::audit::record(&books, "add", "programme", Some(1), None::<&()>, Some(&"P"))
        .unwrap();
    books
        .execute("UPDATE programme SET name = 'Programme'", [])
        .unwrap();
    outturn::store::audit::record(&books, "edit", "programme", Some(1), Some(&"P"), Some(&"P"))
        .unwrap();
    type Row = (
        i64,
        String,
        String,
        String,
        String,
        Option<i64>,
        Option<String>,
        Option<String>,
        String,
        String,
        Option<String>,
        Option<String>,
    );
    let events: Vec<Row> = books
        .prepare(
            "SELECT id, at, who, action, entity, entity_id, before, after, prev_hash, hash, as_name, images \
             FROM audit ORDER BY id",
        )
        .unwrap()
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
                r.get(10)?,
                r.get(11)?,
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let import = "SELECT outturn_audit_import($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";
    let put = |c: &mut Client, e: &Row| {
        c.execute(
            import,
            &[
                &e.0, &e.1, &e.2, &e.3, &e.4, &e.5, &e.6, &e.7, &e.8, &e.9, &e.10, &e.11,
            ],
        )
    };
    assert_eq!(
        refused(put(&mut t.as_(&t.officer), &events[0])),
        "permission denied for function outturn_audit_import"
    );
    let mut lead = t.as_(&t.lead);
    // Out of order, or altered: refused.
    assert_eq!(
        refused(put(&mut lead, &events[1])),
        "audit: event 2 does not follow the event before it (the log holds 0 events)"
    );
    let mut forged = events[0].clone();
    forged.2 = "mallory".into();
    assert_eq!(
        refused(put(&mut lead, &forged)),
        "audit: event 1 was altered after it was written"
    );
    for e in &events {
        put(&mut lead, e).unwrap();
    }
    // The copied events are SQLite's, byte for byte; the server's own follow on.
    let copied: Vec<(i64, String, String)> = lead
        .query("SELECT id, who, hash FROM audit ORDER BY id", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    assert_eq!(
        copied,
        events
            .iter()
            .map(|e| (e.0, e.2.clone(), e.9.clone()))
            .collect::<Vec<_>>()
    );
    let next: i64 = lead
        .query_one(
            "SELECT outturn_audit_append(NULL, 'add', 'programme', NULL, NULL, NULL, NULL)",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(next, 3);
    let prev: String = lead
        .query_one("SELECT prev_hash FROM audit WHERE id = 3", &[])
        .unwrap()
        .get(0);
    assert_eq!(prev, events[1].9);
    // Once the server has written an event of its own, nothing more comes from outside.
    let mut late = events[1].clone();
    late.0 = 4;
    assert_eq!(
        refused(put(&mut lead, &late)),
        "the audit log of these books already holds events of its own: a log can only be copied into books that have none"
    );
}

#[test]
fn after_rows_kept_their_own_ids_a_lead_moves_the_sequences_past_them() {
    let Some(t) = team() else { return };
    let mut o = t.as_(&t.officer);
    o.batch_execute("INSERT INTO programme(id, code, name) VALUES (50, 'P', 'Copied')")
        .unwrap();
    assert_eq!(
        refused(o.batch_execute("SELECT outturn_identity_resync()")),
        "permission denied for function outturn_identity_resync"
    );
    t.as_(&t.lead)
        .batch_execute("SELECT outturn_identity_resync()")
        .unwrap();
    let id: i64 = o
        .query_one(
            "INSERT INTO programme(code, name) VALUES ('Q', 'New') RETURNING id",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(id, 51);
}

#[test]
fn an_actual_refers_only_to_its_councils_records_and_keeps_them() {
    let Some(t) = team() else { return };
    let mut o = t.as_(&t.officer);
    let phase = programme_and_phase(&mut o, "P");
    let other = programme_and_phase(&mut t.as_(&t.officer2), "P");
    let insert = "INSERT INTO actual(phase_id, contract_id, date, fy, period, amount_pence, batch_id) \
                  VALUES ($1, $2, '2024-06-01', 2024, 3, 100, $3)";
    let none: Option<i64> = None;
    let e = o
        .execute(insert, &[&other, &none, &none])
        .expect_err("another council's phase");
    let db = e.as_db_error().unwrap();
    assert_eq!(db.code().code(), "23503");
    assert_eq!(
        db.message(),
        "insert or update on table \"actual\" violates foreign key constraint \"actual_phase_id_fkey\""
    );
    assert_eq!(
        db.detail(),
        Some(format!("Key (phase_id)=({other}) is not present in table \"phase\".").as_str())
    );
    assert_eq!(
        refused(o.execute(insert, &[&phase, &Some(999i64), &none])),
        "insert or update on table \"actual\" violates foreign key constraint \"actual_contract_id_fkey\""
    );
    assert_eq!(
        refused(o.execute(insert, &[&phase, &none, &Some(999i64)])),
        "insert or update on table \"actual\" violates foreign key constraint \"actual_batch_id_fkey\""
    );
    o.execute(insert, &[&phase, &none, &none]).unwrap();
    assert_eq!(
        refused(o.execute("DELETE FROM phase WHERE id = $1", &[&phase])),
        "update or delete on table \"phase\" violates foreign key constraint \"actual_phase_id_fkey\" on table \"actual\""
    );
    assert_eq!(
        refused(o.execute("UPDATE actual SET phase_id = $1", &[&other])),
        "insert or update on table \"actual\" violates foreign key constraint \"actual_phase_id_fkey\""
    );
    assert_eq!(count(&mut o, "phase"), 1);
}

#[test]
fn only_a_lead_finalises_financing_and_its_funding_lines_are_then_locked() {
    let Some(t) = team() else { return };
    let mut o = t.as_(&t.officer);
    let phase = programme_and_phase(&mut o, "P");
    let add = "INSERT INTO funding(phase_id, fy, source, amount_pence, status) \
               VALUES ($1, 2024, 'grant', 5000, 'approved') RETURNING id";
    let id: i64 = o.query_one(add, &[&phase]).unwrap().get(0);
    let finalise =
        "INSERT INTO financing_final(fy, who, at) VALUES (2024, 'jlead', '2025-06-01T09:00:00Z')";
    assert_eq!(
        refused(o.batch_execute(finalise)),
        "permission denied for table financing_final"
    );
    t.as_(&t.lead).batch_execute(finalise).unwrap();
    let locked = "the funding lines for 2024-25 are locked: the year's financing was finalised \
                  with its outturn by jlead at 2025-06-01T09:00:00Z, and nothing was changed";
    assert_eq!(refused(o.query_one(add, &[&phase])), locked);
    assert_eq!(
        refused(o.execute("UPDATE funding SET amount_pence = 1 WHERE id = $1", &[&id])),
        locked
    );
    assert_eq!(
        refused(o.execute("DELETE FROM funding WHERE id = $1", &[&id])),
        locked
    );
    // Another year's lines are free.
    o.batch_execute(&format!(
        "INSERT INTO funding(phase_id, fy, source, amount_pence, status) \
         VALUES ({phase}, 2025, 'grant', 1, 'projected')"
    ))
    .unwrap();
    t.as_(&t.lead)
        .batch_execute("DELETE FROM financing_final WHERE fy = 2024")
        .unwrap();
    assert_eq!(
        o.execute("UPDATE funding SET amount_pence = 1 WHERE id = $1", &[&id])
            .unwrap(),
        1
    );
}
