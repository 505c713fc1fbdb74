//! Issue 17, items 7-9 and 11-15: inputs that break the ledger, and an audit trail that direct SQL
//! cannot fool. Each attack below is made with rusqlite directly, as the sqlite3 shell would, and
//! must end in a `check` finding (exit status 1) naming the record.

mod common;

use std::path::Path;

use common::forge::{event_hash, rehash_chain};
use common::{demo_db, ok, run, stderr, stdout};
use rusqlite::{Connection, params};

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

/// A demo database with one actual of £100.00 in 2017-18 P10 (31/01/2018) and P10 closed.
/// Returns the actual's id.
fn closed_books() -> (tempfile::TempDir, std::path::PathBuf, i64) {
    let (dir, db) = demo_db();
    let out = ok(
        &db,
        &[
            "actual",
            "add",
            "--phase",
            "PH2",
            "--date",
            "2018-01-31",
            "--amount",
            "100.00",
            "--reference",
            "INV-1",
        ],
    );
    let id: i64 = raw(&db)
        .query_row("SELECT max(id) FROM actual", [], |r| r.get(0))
        .unwrap();
    assert!(out.contains(&format!("actual {id}")), "{out}");
    ok(
        &db,
        &[
            "period",
            "close",
            "2017-18",
            "P10",
            "--allow-missing-comments",
        ],
    );
    assert!(ok(&db, &["check"]).starts_with("ok: "));
    (dir, db, id)
}

#[test]
fn attack_direct_update_of_an_actual_is_found() {
    let (_d, db, id) = closed_books();
    raw(&db)
        .execute(
            "UPDATE actual SET amount_pence = 9999999 WHERE id = ?1",
            [id],
        )
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
    conn.execute("DELETE FROM audit WHERE id = ?1", [last])
        .unwrap();
    let out = check_fails(&db, &["--seal", seal.to_str().unwrap()]);
    // The last event took the financing snapshot of 2017-18 P10 as it closed (beside the report's,
    // snapshot 1): its rows now have no event; the trigger is gone; the seal's event is no longer
    // there.
    assert!(out.contains("snapshot 2: is not in the audit log"), "{out}");
    assert!(
        out.contains("snapshot_financing_row 2,0: is not in the audit log"),
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
            "actual",
            "add",
            "--phase",
            "PH2",
            "--date",
            "2018-02-01",
            "--amount",
            "5.00",
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
    assert!(
        out.contains(&format!("import batch {batch}: its actuals are not the 3")),
        "{out}"
    );
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
        .args([
            "actual",
            "add",
            "--phase",
            "PH2",
            "--date",
            "2018-02-01",
            "--amount",
            "5.00",
        ])
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
        .args([
            "actual",
            "add",
            "--phase",
            "PH2",
            "--date",
            "2018-02-02",
            "--amount",
            "5.00",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let json = ok(&db, &["audit", "--limit", "1", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v[0]["who"], login.as_str());
    assert!(v[0]["as_name"].is_null());
}

/// Runs and asserts exit status 2; returns stderr.
fn refused(db: &Path, args: &[&str]) -> String {
    let o = run(db, args);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{args:?}: {}{}",
        stdout(&o),
        stderr(&o)
    );
    stderr(&o)
}

#[test]
fn item7_a_date_before_the_supported_range_is_refused_by_add_and_by_import() {
    let (dir, db) = demo_db();
    let before = common::snapshot(&db);
    let err = refused(
        &db,
        &[
            "actual",
            "add",
            "--phase",
            "PH2",
            "--date",
            "15/01/1900",
            "--amount",
            "1.00",
        ],
    );
    assert!(
        err.contains("'15/01/1900' is not a date: dates run from 01/04/1900 to 31/03/3000"),
        "{err}"
    );
    let file = dir.path().join("old.csv");
    std::fs::write(
        &file,
        "Date,Programme,Phase,Supplier,Description,Reference,Amount\n\
         02/04/2023,WIR-SCP,DT1,Acme,Licences,A-1,100.00\n\
         15/01/1900,WIR-SCP,DT1,Acme,Licences,A-2,250.00\n",
    )
    .unwrap();
    let err = refused(&db, &["import", "actuals", file.to_str().unwrap()]);
    assert!(
        err.contains("line 3, column Date: '15/01/1900' is not a date: dates run from 01/04/1900"),
        "{err}"
    );
    // A forecast's or a contract's date goes through the same parser.
    let err = refused(
        &db,
        &[
            "decision",
            "add",
            "--reference",
            "OLD-1",
            "--body",
            "Council",
            "--date",
            "31/03/1900",
        ],
    );
    assert!(err.contains("dates run from 01/04/1900"), "{err}");
    assert_eq!(common::snapshot(&db), before);
}

#[test]
fn item8_totals_beyond_sqlite_integer_are_refused_before_writing() {
    let (dir, db) = demo_db();
    // 40,000 rows of £1,000,000,000,000.00 = 100,000,000,000,000 pence each:
    // one file is 40,000 x 1e14 = 4e18 pence; two are 8e18 (under 9,223,372,036,854,775,807);
    // a third would make 1.2e19 for phase DT1 in 2023-24, beyond what SQLite's INTEGER holds.
    let write = |name: &str, prefix: &str| {
        let mut text = String::from("Date,Programme,Phase,Supplier,Description,Reference,Amount\n");
        for i in 0..40_000 {
            let day = 1 + i % 28;
            text.push_str(&format!(
                "{day:02}/05/2023,WIR-SCP,DT1,Big,Huge,{prefix}-{i},1000000000000.00\n"
            ));
        }
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let (a, b, c) = (
        write("a.csv", "A"),
        write("b.csv", "B"),
        write("c.csv", "C"),
    );
    ok(&db, &["import", "actuals", a.to_str().unwrap()]);
    ok(&db, &["import", "actuals", b.to_str().unwrap()]);
    let before = common::snapshot(&db);
    let err = refused(&db, &["import", "actuals", c.to_str().unwrap()]);
    assert!(err.contains("more than Outturn can hold"), "{err}");
    assert_eq!(
        common::snapshot(&db),
        before,
        "nothing of the third import was written"
    );
    ok(&db, &["report", "--fy", "2023-24", "--period", "P2"]);
    ok(&db, &["summary"]);
    assert!(ok(&db, &["check"]).starts_with("ok: "));
    // An actual typed in still fits: 8e18 + 1e14 = 8,000,100,000,000,000,000 pence.
    ok(
        &db,
        &[
            "actual",
            "add",
            "--phase",
            "DT1",
            "--date",
            "01/06/2023",
            "--amount",
            "£1,000,000,000,000.00",
        ],
    );
    assert!(ok(&db, &["check"]).starts_with("ok: "));
}

#[test]
fn item9_a_utf8_file_with_a_stray_byte_is_refused_naming_line_and_column() {
    let (dir, db) = demo_db();
    let header = b"Date,Programme,Phase,Supplier,Description,Reference,Amount\n".to_vec();
    let mut bytes = header.clone();
    bytes.extend_from_slice("02/04/2023,WIR-SCP,DT1,Café £,Licences,A-1,100.00\n".as_bytes());
    // "03/04/2023," is 11 bytes, "WIR-SCP," 8, "DT1," 4, "Acme " 5: the stray 0xA3 is byte 29.
    bytes.extend_from_slice(b"03/04/2023,WIR-SCP,DT1,Acme \xa3,Licences,A-2,250.00\n");
    let file = dir.path().join("mixed.csv");
    std::fs::write(&file, &bytes).unwrap();
    let before = common::snapshot(&db);
    let err = refused(&db, &["import", "actuals", file.to_str().unwrap()]);
    assert!(
        err.contains("the file is UTF-8 except for 1 byte that is not (line 3 column 29)"),
        "{err}"
    );
    assert_eq!(common::snapshot(&db), before);
    // Said to be Windows-1252, it is read so.
    ok(
        &db,
        &[
            "import",
            "actuals",
            file.to_str().unwrap(),
            "--encoding",
            "windows-1252",
        ],
    );
    // A true Windows-1252 file (no UTF-8 characters at all) is still detected and read.
    let mut cp = header;
    cp.extend_from_slice(b"05/04/2023,WIR-SCP,DT1,Caf\xe9 \xa3,Licences,A-3,1.00\n");
    let file = dir.path().join("cp1252.csv");
    std::fs::write(&file, &cp).unwrap();
    let out = ok(&db, &["import", "actuals", file.to_str().unwrap()]);
    assert!(out.to_lowercase().contains("windows-1252"), "{out}");
    let listed = ok(
        &db,
        &["actual", "list", "--supplier", "Café £", "--format", "csv"],
    );
    assert_eq!(listed.lines().count(), 2, "{listed}");
}

#[test]
fn item11_duplicates_on_a_crowded_day_are_found_exactly() {
    let (dir, db) = demo_db();
    let write = |name: &str, from: u32, to: u32| {
        let mut text = String::from("Date,Programme,Phase,Supplier,Description,Reference,Amount\n");
        for i in from..to {
            text.push_str(&format!("03/04/2023,WIR-SCP,DT1,S,D,R-{i},1.00\n"));
        }
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    // 5,000 rows R-0..R-4999 on one phase and day; then 5,000 rows R-2500..R-7499: the 2,500
    // references R-2500..R-4999 are in both, the other 2,500 are new.
    ok(
        &db,
        &[
            "import",
            "actuals",
            write("a.csv", 0, 5_000).to_str().unwrap(),
        ],
    );
    let second = write("b.csv", 2_500, 7_500);
    let started = std::time::Instant::now();
    let err = refused(&db, &["import", "actuals", second.to_str().unwrap()]);
    assert!(err.contains("2500 rows are already in the ledger"), "{err}");
    let out = ok(
        &db,
        &[
            "import",
            "actuals",
            second.to_str().unwrap(),
            "--skip-duplicates",
        ],
    );
    assert!(started.elapsed().as_secs() < 60);
    assert!(out.contains("2,500") || out.contains("2500"), "{out}");
    let n: i64 = raw(&db)
        .query_row(
            "SELECT count(*) FROM actual WHERE reference LIKE 'R-%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    // 5,000 + 2,500 new.
    assert_eq!(n, 7_500);
}

#[test]
fn item12_inputs_without_bounds_are_refused() {
    let (dir, db) = demo_db();
    let err = refused(
        &db,
        &[
            "gen",
            "--actuals",
            "10",
            "--phases",
            "4294967295",
            "--out",
            dir.path().join("g").to_str().unwrap(),
        ],
    );
    assert!(
        err.contains("--phases: '4294967295': generate from 1 to 10000 phases"),
        "{err}"
    );
    let err = refused(&db, &["import", "actuals", "/dev/zero"]);
    assert!(err.contains("/dev/zero is not a regular file"), "{err}");
    let fifo = dir.path().join("fifo");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let err = refused(&db, &["import", "actuals", fifo.to_str().unwrap()]);
    assert!(err.contains("is not a regular file"), "{err}");
    let err = refused(
        &db,
        &["import", "actuals", "x.csv", "--map", "A=Date,A=Phase"],
    );
    assert!(
        err.contains("--map: the file column 'A' is mapped twice"),
        "{err}"
    );
    let err = refused(
        &db,
        &["import", "actuals", "x.csv", "--map", "A=Date,B=Date"],
    );
    assert!(err.contains("--map: Date is mapped to twice"), "{err}");
    // `%` and `_` are matched as themselves: no demo supplier has either.
    for s in ["%", "_"] {
        let listed = ok(&db, &["actual", "list", "--supplier", s, "--format", "csv"]);
        assert_eq!(listed.lines().count(), 1, "{s}: {listed}");
    }
    ok(
        &db,
        &[
            "actual",
            "add",
            "--phase",
            "PH2",
            "--date",
            "2018-01-31",
            "--amount",
            "1.00",
            "--supplier",
            "100% Ltd",
        ],
    );
    let listed = ok(
        &db,
        &["actual", "list", "--supplier", "%", "--format", "csv"],
    );
    assert_eq!(listed.lines().count(), 2, "{listed}");
}

#[test]
fn item15_states_check_would_flag_are_refused_with_the_reason() {
    let (dir, db) = demo_db();
    // Negative yearly shares: £10.00 as 2032-33 £15.00 and 2033-34 -£5.00.
    let err = refused(
        &db,
        &[
            "allocation",
            "add",
            "--phase",
            "DT1",
            "--fy",
            "2032-33",
            "--to-fy",
            "2033-34",
            "--amount",
            "10.00",
            "--profile",
            "2032-33=15.00,2033-34=-5.00",
        ],
    );
    assert!(err.contains("2033-34=-£5.00 is negative"), "{err}");
    // A reprofile after a reduction: £10.00 over 2030-31 and 2031-32 (assumed £5.00 each), an
    // approved reduction of £5.00 in 2031-32 leaves £0.00 there; moving all £10.00 into 2030-31
    // would leave 2031-32 at -£5.00.
    ok(
        &db,
        &[
            "allocation",
            "add",
            "--phase",
            "DT1",
            "--fy",
            "2030-31",
            "--to-fy",
            "2031-32",
            "--amount",
            "10.00",
        ],
    );
    let id: i64 = raw(&db)
        .query_row("SELECT max(id) FROM allocation", [], |r| r.get(0))
        .unwrap();
    ok(
        &db,
        &[
            "change",
            "add",
            "--kind",
            "reduction",
            "--phase",
            "DT1",
            "--fy",
            "2031-32",
            "--amount",
            "5.00",
            "--status",
            "approved",
            "--effective",
            "01/05/2031",
        ],
    );
    let before = common::snapshot(&db);
    let err = refused(
        &db,
        &[
            "allocation",
            "profile",
            &id.to_string(),
            "--profile",
            "2030-31=10.00,2031-32=0.00",
        ],
    );
    assert!(err.contains("its approved budget there is -£5.00"), "{err}");
    assert_eq!(common::snapshot(&db), before);
    // Undoing a budget import that an approved reduction drew on: £100.00 in 2035-36, reduced
    // by £60.00; without the import the year would stand at -£60.00.
    let file = dir.path().join("budgets.csv");
    std::fs::write(
        &file,
        "Programme,Phase,Financial year,Amount\nWIR-SCP,DT1,2035-36,100.00\n",
    )
    .unwrap();
    ok(&db, &["import", "budgets", file.to_str().unwrap()]);
    let batch: i64 = raw(&db)
        .query_row("SELECT max(id) FROM import_batch", [], |r| r.get(0))
        .unwrap();
    ok(
        &db,
        &[
            "change",
            "add",
            "--kind",
            "reduction",
            "--phase",
            "DT1",
            "--fy",
            "2035-36",
            "--amount",
            "60.00",
            "--status",
            "approved",
            "--effective",
            "01/05/2035",
        ],
    );
    let before = common::snapshot(&db);
    let err = refused(&db, &["import", "undo", &batch.to_string()]);
    assert!(
        err.contains(&format!("undoing batch {batch} is refused")),
        "{err}"
    );
    assert!(
        err.contains("its approved budget there is -£60.00"),
        "{err}"
    );
    assert_eq!(common::snapshot(&db), before);
    assert!(ok(&db, &["check"]).starts_with("ok: "));
}
