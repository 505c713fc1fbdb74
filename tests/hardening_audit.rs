//! Issue 17, items 7-9 and 11-15: inputs that break the ledger, and an audit trail that direct SQL
//! cannot fool. Each attack below is made with rusqlite directly, as the sqlite3 shell would, and
//! must end in a `check` finding (exit status 1) naming the record.

mod common;

use std::path::Path;

use common::{demo_db, ok, run, stderr, stdout};
use rusqlite::{Connection, params};
use sha2::{Digest, Sha256};

/// Runs `check` and returns its output, asserting it failed.
fn check_fails(db: &Path, extra: &[&str]) -> String {
    let mut args = vec!["check"];
    args.extend_from_slice(extra);
    let o = run(db, &args);
    assert_eq!(o.status.code(), Some(1), "check passed: {}", stdout(&o));
    stdout(&o)
}

fn raw(db: &Path) -> Connection {
    Connection::open(db).unwrap()
}

/// The hash of an audit event as Outturn computes it (what an attacker who read the source would
/// recompute): SHA-256 over length-prefixed fields.
fn event_hash(prev: &str, row: &[Option<String>]) -> String {
    // row: id, at, who, action, entity, entity_id, before, after, as_name, images
    let mut h = Sha256::new();
    let nul = "\u{0}".to_string();
    let mut parts: Vec<String> = vec![prev.to_string()];
    parts.extend(row[..6].iter().map(|v| v.clone().unwrap_or_default()));
    parts.push(row[6].clone().unwrap_or(nul.clone()));
    parts.push(row[7].clone().unwrap_or(nul.clone()));
    if row[8].is_some() || row[9].is_some() {
        parts.push(row[8].clone().unwrap_or(nul.clone()));
        parts.push(row[9].clone().unwrap_or(nul));
    }
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Recomputes every hash of the chain, as an attacker covering their tracks would.
fn rehash_chain(conn: &Connection) {
    conn.execute_batch("DROP TRIGGER IF EXISTS audit_no_update").unwrap();
    let rows: Vec<Vec<Option<String>>> = conn
        .prepare(
            "SELECT CAST(id AS TEXT), at, who, action, entity, CAST(entity_id AS TEXT), before, after, as_name, images
             FROM audit ORDER BY id",
        )
        .unwrap()
        .query_map([], |r| (0..10).map(|i| r.get(i)).collect())
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut prev = "0".repeat(64);
    for row in rows {
        let hash = event_hash(&prev, &row);
        conn.execute(
            "UPDATE audit SET prev_hash = ?2, hash = ?3 WHERE id = ?1",
            params![row[0], prev, hash],
        )
        .unwrap();
        prev = hash;
    }
}

/// A demo database with one actual of £100.00 in 2017-18 P10 (31/01/2018) and P10 closed.
/// Returns the actual's id.
fn closed_books() -> (tempfile::TempDir, std::path::PathBuf, i64) {
    let (dir, db) = demo_db();
    let out = ok(
        &db,
        &[
            "actual", "add", "--phase", "PH2", "--date", "2018-01-31", "--amount", "100.00",
            "--reference", "INV-1",
        ],
    );
    let id: i64 = raw(&db)
        .query_row("SELECT max(id) FROM actual", [], |r| r.get(0))
        .unwrap();
    assert!(out.contains(&format!("actual {id}")), "{out}");
    ok(&db, &["period", "close", "2017-18", "P10"]);
    assert!(ok(&db, &["check"]).starts_with("ok: "));
    (dir, db, id)
}

#[test]
fn attack_direct_update_of_an_actual_is_found() {
    let (_d, db, id) = closed_books();
    raw(&db)
        .execute("UPDATE actual SET amount_pence = 9999999 WHERE id = ?1", [id])
        .unwrap();
    let out = check_fails(&db, &[]);
    // 100.00 in the log = 10000 pence; the table now says 9999999.
    assert!(
        out.contains(&format!(
            "actual {id}: differs from the audit log: amount_pence is 9999999 in the table, 10000 in the log"
        )),
        "{out}"
    );
}

#[test]
fn attack_direct_delete_of_an_actual_is_found() {
    let (_d, db, id) = closed_books();
    raw(&db)
        .execute("DELETE FROM actual WHERE id = ?1", [id])
        .unwrap();
    let out = check_fails(&db, &[]);
    assert!(
        out.contains(&format!(
            "actual {id}: is in the audit log but not in the table (deleted outside Outturn)"
        )),
        "{out}"
    );
}

#[test]
fn attack_direct_insert_of_an_actual_is_found() {
    let (_d, db, _) = closed_books();
    let conn = raw(&db);
    conn.execute(
        "INSERT INTO actual(id, phase_id, date, fy, period, amount_pence) VALUES (900, 1, '2017-06-01', 2017, 3, 5)",
        [],
    )
    .unwrap();
    let out = check_fails(&db, &[]);
    assert!(
        out.contains("actual 900: is not in the audit log (written outside Outturn)"),
        "{out}"
    );
}

#[test]
fn attack_deleting_a_closed_period_lifts_the_lock_and_is_found() {
    let (_d, db, _) = closed_books();
    raw(&db).execute("DELETE FROM closed_period", []).unwrap();
    let out = check_fails(&db, &[]);
    assert!(
        out.contains("closed_period 2017,10: is in the audit log but not in the table"),
        "{out}"
    );
}

#[test]
fn attack_closed_actual_changed_and_events_rewritten_and_rehashed_is_found_by_the_seal() {
    let (dir, db, id) = closed_books();
    let seal = dir.path().join("seal.json");
    let printed = ok(&db, &["audit", "seal", "--out", seal.to_str().unwrap()]);
    let written = std::fs::read_to_string(&seal).unwrap();
    assert_eq!(printed, written);
    let head: serde_json::Value = serde_json::from_str(&written).unwrap();
    let conn = raw(&db);
    let (last, count): (i64, i64) = conn
        .query_row("SELECT max(id), count(*) FROM audit", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(head["id"], last);
    assert_eq!(head["count"], count);
    // First, the amount changed and the chain merely rehashed: the replay finds the row.
    conn.execute("UPDATE actual SET amount_pence = 1 WHERE id = ?1", [id])
        .unwrap();
    rehash_chain(&conn);
    let out = check_fails(&db, &[]);
    assert!(out.contains(&format!("actual {id}: differs")), "{out}");
    // Then the event's row image rewritten to match, and rehashed: the log and the table agree,
    // and only the seal kept elsewhere shows the history was rewritten.
    let images: String = conn
        .query_row(
            "SELECT images FROM audit WHERE entity = 'actual' AND entity_id = ?1",
            [id],
            |r| r.get(0),
        )
        .unwrap();
    let forged = images.replace(r#"\"amount_pence\":10000"#, r#"\"amount_pence\":1"#);
    assert_ne!(forged, images);
    conn.execute(
        "UPDATE audit SET images = ?2 WHERE entity = 'actual' AND entity_id = ?1",
        params![id, forged],
    )
    .unwrap();
    rehash_chain(&conn);
    conn.execute_batch(
        "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: events cannot be changed');
END;",
    )
    .unwrap();
    let out = check_fails(&db, &["--seal", seal.to_str().unwrap()]);
    assert!(
        out.contains(&format!(
            "seal: event {last} no longer has the sealed hash {}",
            head["hash"].as_str().unwrap()
        )),
        "{out}"
    );
}

#[test]
fn attack_last_event_deleted_with_the_trigger_dropped_is_found() {
    let (dir, db, _) = closed_books();
    let seal = dir.path().join("seal.json");
    ok(&db, &["audit", "seal", "--out", seal.to_str().unwrap()]);
    let conn = raw(&db);
    let last: i64 = conn
        .query_row("SELECT max(id) FROM audit", [], |r| r.get(0))
        .unwrap();
    conn.execute_batch("DROP TRIGGER audit_no_delete").unwrap();
    conn.execute("DELETE FROM audit WHERE id = ?1", [last]).unwrap();
    let out = check_fails(&db, &["--seal", seal.to_str().unwrap()]);
    // The last event closed 2017-18 P10: its row now has no event; the trigger is gone; the seal's
    // event is no longer there.
    assert!(
        out.contains("closed_period 2017,10: is not in the audit log"),
        "{out}"
    );
    assert!(
        out.contains("schema: the trigger audit_no_delete on audit is missing"),
        "{out}"
    );
    assert!(
        out.contains(&format!("seal: event {last} (sealed at")),
        "{out}"
    );
}

#[test]
fn attack_backdated_event_appended_is_found() {
    let (_d, db, _) = closed_books();
    let conn = raw(&db);
    let (last, prev): (i64, String) = conn
        .query_row(
            "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let id = last + 1;
    let row: Vec<Option<String>> = vec![
        Some(id.to_string()),
        Some("2001-01-01T00:00:00Z".into()),
        Some("mallory".into()),
        Some("add".into()),
        Some("programme".into()),
        None,
        None,
        Some("{}".into()),
        None,
        None,
    ];
    let hash = event_hash(&prev, &row);
    conn.execute(
        "INSERT INTO audit(id, at, who, action, entity, after, prev_hash, hash)
         VALUES (?1, '2001-01-01T00:00:00Z', 'mallory', 'add', 'programme', '{}', ?2, ?3)",
        params![id, prev, hash],
    )
    .unwrap();
    let out = check_fails(&db, &[]);
    assert!(
        out.contains(&format!(
            "audit: event {id} is dated 2001-01-01T00:00:00Z, before the event before it"
        )),
        "{out}"
    );
    // The chain itself is intact: the finding is the date alone.
    assert!(!out.contains("was altered"), "{out}");
}

#[test]
fn attack_both_audit_triggers_dropped_is_found() {
    let (_d, db, _) = closed_books();
    raw(&db)
        .execute_batch("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;")
        .unwrap();
    let out = check_fails(&db, &[]);
    assert!(
        out.contains("schema: the trigger audit_no_update on audit is missing"),
        "{out}"
    );
    assert!(
        out.contains("schema: the trigger audit_no_delete on audit is missing"),
        "{out}"
    );
}

#[test]
fn attack_trigger_ignoring_one_users_audit_events_is_found() {
    let (_d, db, _) = closed_books();
    raw(&db)
        .execute_batch(
            "CREATE TRIGGER quiet BEFORE INSERT ON audit WHEN NEW.as_name = 'mallory'
             BEGIN SELECT RAISE(IGNORE); END;",
        )
        .unwrap();
    let o = common::run_as(
        &db,
        "mallory",
        &[
            "actual", "add", "--phase", "PH2", "--date", "2018-02-01", "--amount", "5.00",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let id: i64 = raw(&db)
        .query_row("SELECT max(id) FROM actual", [], |r| r.get(0))
        .unwrap();
    let out = check_fails(&db, &[]);
    assert!(
        out.contains("schema: the trigger quiet on audit is not Outturn's"),
        "{out}"
    );
    // The actual mallory added has no event.
    assert!(
        out.contains(&format!("actual {id}: is not in the audit log")),
        "{out}"
    );
}

const LEDGER: &str = "Date,Programme,Phase,Supplier,Description,Reference,Amount\n\
    02/04/2023,WIR-SCP,DT1,Acme,Licences,A-1,100.00\n\
    03/04/2023,WIR-SCP,DT1,Acme,Licences,A-2,250.00\n\
    04/04/2023,WIR-SCP,DT1,Acme,Licences,A-3,-50.00\n";

#[test]
fn imported_actuals_are_checked_by_their_batch_digest_even_after_an_edit() {
    let (dir, db) = demo_db();
    let file = dir.path().join("ledger.csv");
    std::fs::write(&file, LEDGER).unwrap();
    ok(&db, &["import", "actuals", file.to_str().unwrap()]);
    let conn = raw(&db);
    let (first, batch): (i64, i64) = conn
        .query_row(
            "SELECT min(id), max(batch_id) FROM actual WHERE batch_id IS NOT NULL",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    // A row of the batch deleted through Outturn: the batch's digest is rebuilt from its image
    // before the delete, and the rest still match.
    ok(&db, &["actual", "delete", &first.to_string()]);
    assert!(ok(&db, &["check"]).starts_with("ok: "));
    // Another row of the batch changed behind Outturn's back.
    conn.execute(
        "UPDATE actual SET amount_pence = amount_pence + 1 WHERE id = ?1",
        [first + 1],
    )
    .unwrap();
    let out = check_fails(&db, &[]);
    assert!(out.contains(&format!("import batch {batch}: its actuals are not the 3")), "{out}");
    // Undone through Outturn: its rows go, and the log says so.
    conn.execute(
        "UPDATE actual SET amount_pence = amount_pence - 1 WHERE id = ?1",
        [first + 1],
    )
    .unwrap();
    ok(&db, &["import", "undo", &batch.to_string()]);
    assert!(ok(&db, &["check"]).starts_with("ok: "));
    // `audit --entity import` finds the import and its undo (stored as import_batch).
    let listed = ok(&db, &["audit", "--entity", "import", "--format", "csv"]);
    assert_eq!(listed.lines().count(), 3, "{listed}");
    assert!(listed.contains(",import,import_batch,") && listed.contains(",undo,import_batch,"));
}

#[test]
fn the_audit_who_is_the_login_with_outturn_user_beside_it() {
    let (_d, db) = demo_db();
    let login = outturn::store::os_login();
    let o = common::bin()
        .env("OUTTURN_USER", "officer-a")
        .env("USER", "mallory")
        .env("LOGNAME", "mallory")
        .args(["--db", db.to_str().unwrap()])
        .args(["actual", "add", "--phase", "PH2", "--date", "2018-02-01", "--amount", "5.00"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let json = ok(&db, &["audit", "--limit", "1", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v[0]["who"], login.as_str());
    assert_eq!(v[0]["as_name"], "officer-a");
    assert_ne!(login, "mallory");
    let table = ok(&db, &["audit", "--limit", "1"]);
    assert!(
        table.contains(&format!("{login} (as officer-a)")),
        "{table}"
    );
    // Without OUTTURN_USER, the login alone.
    let o = common::bin()
        .env_remove("OUTTURN_USER")
        .args(["--db", db.to_str().unwrap()])
        .args(["actual", "add", "--phase", "PH2", "--date", "2018-02-02", "--amount", "5.00"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let json = ok(&db, &["audit", "--limit", "1", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v[0]["who"], login.as_str());
    assert!(v[0]["as_name"].is_null());
}
