//! Trustworthy books (issue 6), end to end on the real binary: the audit trail, closed periods,
//! writers side by side, SIGKILL at random moments, `outturn check` on corrupted databases,
//! backup and restore, and hostile input.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use outturn::domain::calendar::{parse_date, parse_month, uk_date};
use outturn::domain::{FinancialYear, Money, Period};
use proptest::prelude::*;

mod common;
use common::{bin, demo_db, ok, run, run_as, snapshot, stderr, stdout};

fn sql<T: rusqlite::types::FromSql>(db: &Path, q: &str) -> T {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(q, [], |r| r.get(0)).unwrap()
}

/// The monitoring report CSV, as the report code builds it.
fn report_csv(db: &Path, fy: &str, period: &str) -> String {
    let conn = outturn::store::open_existing(db).unwrap();
    let (r, _) = outturn::store::cabinet::report(
        &conn,
        FinancialYear::parse(fy).unwrap(),
        Period::parse(period).unwrap(),
        None,
        None,
    )
    .unwrap();
    outturn::io::report::csv_string(&r)
}

fn audit_count(db: &Path) -> i64 {
    sql(db, "SELECT count(*) FROM audit")
}

fn check_is_clean(db: &Path) {
    let o = run(db, &["check"]);
    assert!(
        o.status.success() && stdout(&o) == "ok: 12 checks passed\n",
        "check: {}{}",
        stdout(&o),
        stderr(&o)
    );
}

// ---------------------------------------------------------------------------------------------
// 1. Audit trail
// ---------------------------------------------------------------------------------------------

#[test]
fn every_write_adds_one_audit_event_and_the_log_cannot_be_rewritten() {
    let (_d, db) = demo_db();
    let base = audit_count(&db);
    // Each command below is one write, so one event each, in the order run.
    let writes: &[(&[&str], &str, &str)] = &[
        (
            &[
                "actual",
                "add",
                "--date",
                "2018-03-10",
                "--phase",
                "PH2",
                "--amount",
                "100",
            ],
            "add",
            "actual",
        ),
        (
            &["actual", "edit", "11", "--amount", "150"],
            "edit",
            "actual",
        ),
        (&["actual", "delete", "11"], "delete", "actual"),
        (
            &[
                "forecast", "add", "--phase", "PH2", "--fy", "2017-18", "--period", "P11",
                "--amount", "2.9m",
            ],
            "add",
            "forecast",
        ),
        (
            &[
                "change",
                "add",
                "--kind",
                "addition",
                "--phase",
                "PH2",
                "--fy",
                "2017-18",
                "--amount",
                "10k",
                "--effective",
                "2018-03-01",
            ],
            "add",
            "budget_change",
        ),
        (&["change", "approve", "2"], "approved", "budget_change"),
        (
            &[
                "allocation",
                "profile",
                "3",
                "--profile",
                "2018-19=6m,2019-20=5m",
            ],
            "reprofile",
            "allocation",
        ),
        (
            &["contract", "vary", "WIR-MS-2022-001", "--value", "1400000"],
            "vary",
            "contract",
        ),
        (
            &["contract", "exercise", "WIR-MS-2022-001"],
            "exercise",
            "contract",
        ),
        (
            &[
                "period",
                "close",
                "2017-18",
                "P6",
                "--allow-missing-comments",
            ],
            "close",
            "period",
        ),
        (
            &[
                "period",
                "reopen",
                "2017-18",
                "P6",
                "--reason",
                "late invoice",
            ],
            "reopen",
            "period",
        ),
    ];
    let mut expected = base;
    for (args, action, entity) in writes.iter() {
        ok(&db, args);
        // Closing also takes the period's snapshots (the report's and the financing
        // statement's), and reopening discards them: two more events, in the same transaction,
        // after the period's own.
        let events = if *entity == "period" { 3 } else { 1 };
        expected += events;
        assert_eq!(audit_count(&db), expected, "{args:?}");
        let json = ok(&db, &["audit", "--limit", "3", "--format", "json"]);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let own = &v[events as usize - 1];
        assert_eq!(own["action"], *action, "{args:?}");
        assert_eq!(own["entity"], *entity, "{args:?}");
        // The login from the system, with OUTTURN_USER beside it (issue 17).
        assert_eq!(own["who"], outturn::store::os_login().as_str());
        assert_eq!(own["as_name"], "test-officer");
        if events == 3 {
            assert_eq!(v[0]["entity"], "snapshot", "{args:?}");
            assert_eq!(v[1]["entity"], "snapshot", "{args:?}");
        }
    }
    // The edit records the before and after: £100.00 -> £150.00.
    let json = ok(&db, &["audit", "--entity", "actual", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let edit = v
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "edit")
        .unwrap();
    assert_eq!(edit["before"]["amount"], "100.00");
    assert_eq!(edit["after"]["amount"], "150.00");
    // The reopen carries its reason.
    let reopen = ok(&db, &["audit", "--entity", "period", "--limit", "1"]);
    assert!(reopen.contains("late invoice"), "{reopen}");
    // The filters: only contract events; none in the future; a limit.
    let csv = ok(&db, &["audit", "--entity", "contract", "--format", "csv"]);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("Id,When,Who,Action,Entity,Record,Before,After")
    );
    let rows: Vec<&str> = lines.collect();
    // The demo adds one contract; then vary and exercise.
    assert_eq!(rows.len(), 3, "{csv}");
    assert!(rows.iter().all(|r| r.contains(",contract,")), "{csv}");
    let future = ok(&db, &["audit", "--since", "2999-01-01", "--format", "csv"]);
    assert_eq!(future.lines().count(), 1, "{future}");
    let since_today = ok(&db, &["audit", "--since", "2000-01-01", "--format", "json"]);
    let n = serde_json::from_str::<serde_json::Value>(&since_today)
        .unwrap()
        .as_array()
        .unwrap()
        .len() as i64;
    assert_eq!(n, audit_count(&db));
    let bad = run(&db, &["audit", "--entity", "invoice"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("--entity: 'invoice'"));

    // A refused write adds no event.
    let before = audit_count(&db);
    let o = run(&db, &["actual", "edit", "999", "--amount", "1"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(audit_count(&db), before);

    // The sqlite3 shell cannot rewrite the log; dropping the triggers is caught by check.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let e = conn
        .execute("UPDATE audit SET who = 'mallory' WHERE id = 2", [])
        .unwrap_err()
        .to_string();
    assert!(e.contains("append-only"), "{e}");
    assert!(conn.execute("DELETE FROM audit WHERE id = 2", []).is_err());
    check_is_clean(&db);
    conn.execute_batch("DROP TRIGGER audit_no_update; UPDATE audit SET after = '{}' WHERE id = 2;")
        .unwrap();
    drop(conn);
    let o = run(&db, &["check"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stdout(&o),
        "audit: event 2 was altered after it was written\n\
         schema: the trigger audit_no_update on audit is missing: restore a backup taken before it went\n"
    );
}

// ---------------------------------------------------------------------------------------------
// 2. Closed periods
// ---------------------------------------------------------------------------------------------

#[test]
fn closed_period_refuses_every_dated_write_and_its_report_stays_byte_identical() {
    let (_d, db) = demo_db();
    // Set up before closing: a proposed change effective in P9 and a contract from June 2017.
    ok(
        &db,
        &[
            "change",
            "add",
            "--kind",
            "addition",
            "--phase",
            "PH2",
            "--fy",
            "2017-18",
            "--amount",
            "10k",
            "--effective",
            "2017-12-01",
        ],
    );
    ok(
        &db,
        &[
            "contract",
            "add",
            "--reference",
            "WOL-C1",
            "--supplier",
            "Acme",
            "--phase",
            "PH2",
            "--value",
            "120000",
            "--start",
            "2017-06-01",
            "--term",
            "12",
            "--extension",
            "6",
        ],
    );
    let reports_before = [
        report_csv(&db, "2017-18", "P7"),
        report_csv(&db, "2017-18", "P10"),
    ];
    let out = ok(
        &db,
        &[
            "period",
            "close",
            "2017-18",
            "P10",
            "--allow-missing-comments",
        ],
    );
    assert!(
        out.starts_with("Closed 2017-18 P10: everything dated on or before 31/01/2018 is locked. Its report is kept as a snapshot"),
        "{out}"
    );
    let list = ok(&db, &["period", "list", "--format", "csv"]);
    assert!(
        list.starts_with(&format!(
            "FY,Period,Locked through,Closed by,Closed at\n2017-18,P10,2018-01-31,{} (as test-officer),",
            outturn::store::os_login()
        )),
        "{list}"
    );
    let frozen = snapshot(&db);
    // Actuals 2 (15/12/2017) and 3 (31/01/2018) lie in the closed period; 4 (15/02/2018) does not.
    let refused: &[&[&str]] = &[
        &[
            "actual",
            "add",
            "--date",
            "15/01/2018",
            "--phase",
            "PH2",
            "--amount",
            "1",
        ],
        &["actual", "delete", "3"],
        &["actual", "edit", "2", "--amount", "1"],
        &["actual", "edit", "2", "--date", "2018-02-10"],
        &["actual", "edit", "4", "--date", "2018-01-10"],
        &[
            "forecast", "add", "--phase", "PH2", "--fy", "2017-18", "--period", "P10", "--amount",
            "1m",
        ],
        &[
            "change",
            "add",
            "--kind",
            "addition",
            "--phase",
            "PH2",
            "--fy",
            "2017-18",
            "--amount",
            "1",
            "--effective",
            "2018-01-31",
            "--status",
            "approved",
        ],
        &["change", "approve", "2"],
        &["change", "reject", "2"],
        &[
            "allocation",
            "add",
            "--phase",
            "PH2",
            "--fy",
            "2017-18",
            "--amount",
            "1",
        ],
        &[
            "allocation",
            "add",
            "--phase",
            "FUT",
            "--fy",
            "2017-18",
            "--to-fy",
            "2018-19",
            "--amount",
            "2",
        ],
        &["allocation", "profile", "1", "--profile", "2017-18=3m"],
        &[
            "contract",
            "add",
            "--reference",
            "WOL-C2",
            "--supplier",
            "Acme",
            "--phase",
            "PH2",
            "--value",
            "1",
            "--start",
            "2018-01-01",
            "--term",
            "1",
        ],
        &["contract", "vary", "WOL-C1", "--value", "130000"],
    ];
    for args in refused {
        let o = run(&db, args);
        assert_eq!(o.status.code(), Some(2), "{args:?} was not refused");
        let e = stderr(&o);
        assert!(
            e.contains("closed period (closed through 2017-18 P10)"),
            "{args:?}: {e}"
        );
        assert_eq!(e.lines().count(), 1, "{e}");
    }
    assert_eq!(snapshot(&db), frozen, "a refused write changed something");

    // Writes dated after the closed period still go through and leave its reports alone:
    // an actual in P11, a forecast as at P11, and the zero-value extension of WOL-C1.
    ok(
        &db,
        &[
            "actual",
            "add",
            "--date",
            "2018-02-10",
            "--phase",
            "PH2",
            "--amount",
            "5000",
        ],
    );
    ok(&db, &["actual", "edit", "4", "--amount", "148975.21"]);
    ok(
        &db,
        &[
            "forecast", "add", "--phase", "PH2", "--fy", "2017-18", "--period", "P11", "--amount",
            "2.8m",
        ],
    );
    ok(&db, &["contract", "exercise", "WOL-C1"]);
    assert_eq!(
        [
            report_csv(&db, "2017-18", "P7"),
            report_csv(&db, "2017-18", "P10")
        ],
        reports_before
    );
    assert_ne!(report_csv(&db, "2017-18", "P11"), "");

    // Reopening needs a reason, and then the refused delete goes through.
    let o = run(&db, &["period", "reopen", "2017-18", "P10"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(
        &db,
        &["period", "reopen", "2017-18", "P10", "--reason", " "],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--reason"), "{}", stderr(&o));
    ok(
        &db,
        &[
            "period",
            "reopen",
            "2017-18",
            "P10",
            "--reason",
            "duplicate invoice found",
        ],
    );
    ok(&db, &["actual", "delete", "3"]);
    assert_ne!(report_csv(&db, "2017-18", "P10"), reports_before[1]);
    check_is_clean(&db);
}

// ---------------------------------------------------------------------------------------------
// 3. Concurrent use
// ---------------------------------------------------------------------------------------------

#[test]
fn writers_side_by_side_lose_nothing() {
    let (_d, db) = demo_db();
    let (n0, sum0, audit0): (i64, i64, i64) = (
        sql(&db, "SELECT count(*) FROM actual"),
        sql(&db, "SELECT sum(amount_pence) FROM actual"),
        audit_count(&db),
    );
    const WRITERS: i64 = 4;
    const EACH: i64 = 50;
    let reader_db = db.clone();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader_stop = stop.clone();
    // A reader checks the database while the writers write: it never fails or waits out.
    let reader = std::thread::spawn(move || {
        let mut runs = 0;
        while !reader_stop.load(std::sync::atomic::Ordering::Relaxed) {
            let o = run(&reader_db, &["check"]);
            assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
            runs += 1;
        }
        runs
    });
    let writers: Vec<_> = (1..=WRITERS)
        .map(|w| {
            let db = db.clone();
            std::thread::spawn(move || {
                for i in 0..EACH {
                    // Writer w adds £w.ii, i.e. 100w + i pence, with reference W<w>-<i>.
                    let o = run_as(
                        &db,
                        &format!("writer-{w}"),
                        &[
                            "actual",
                            "add",
                            "--date",
                            "2018-03-15",
                            "--phase",
                            "PH2",
                            "--amount",
                            &format!("{w}.{i:02}"),
                            "--reference",
                            &format!("W{w}-{i}"),
                        ],
                    );
                    assert!(o.status.success(), "writer {w} #{i}: {}", stderr(&o));
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let reads = reader.join().unwrap();
    assert!(reads >= 1);
    // 4 x 50 = 200 rows; total = 50 x 100 x (1+2+3+4) + 4 x (0+1+...+49) = 50,000 + 4,900
    // = 54,900 pence = £549.00.
    let n: i64 = sql(&db, "SELECT count(*) FROM actual");
    let sum: i64 = sql(&db, "SELECT sum(amount_pence) FROM actual");
    assert_eq!(n - n0, 200);
    assert_eq!(sum - sum0, 54_900);
    let distinct: i64 = sql(
        &db,
        "SELECT count(DISTINCT reference) FROM actual WHERE reference GLOB 'W[1-4]-*'",
    );
    assert_eq!(distinct, 200);
    assert_eq!(audit_count(&db) - audit0, 200);
    for w in 1..=WRITERS {
        let by: i64 = sql(
            &db,
            // The name each writer gave is recorded beside the login (issue 17).
            &format!("SELECT count(*) FROM audit WHERE as_name = 'writer-{w}'"),
        );
        assert_eq!(by, EACH);
    }
    check_is_clean(&db);
}

#[test]
fn stale_edit_is_refused_naming_who_changed_it_and_when() {
    let (_d, db) = demo_db();
    // Bob reads actual 4 (version 1).
    let json = ok(&db, &["actual", "list", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let read = v.as_array().unwrap().iter().find(|a| a["id"] == 4).unwrap()["version"]
        .as_i64()
        .unwrap();
    assert_eq!(read, 1);
    // Alice changes it meanwhile.
    let o = run_as(&db, "alice", &["actual", "edit", "4", "--amount", "150000"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let at: String = sql(&db, "SELECT at FROM audit ORDER BY id DESC LIMIT 1");
    // Bob's save is refused with who and when; Alice's figure stands.
    let o = run_as(
        &db,
        "bob",
        &[
            "actual",
            "edit",
            "4",
            "--amount",
            "1",
            "--expected-version",
            &read.to_string(),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        // The login, with the name OUTTURN_USER gave beside it (issue 17).
        e.contains(&format!(
            "was changed by {} (as alice) at {at} since you opened it",
            outturn::store::os_login()
        )),
        "{e}"
    );
    let amount: i64 = sql(&db, "SELECT amount_pence FROM actual WHERE id = 4");
    assert_eq!(amount, 15_000_000);
    // With the version he now reads (2), his edit goes through.
    let o = run_as(
        &db,
        "bob",
        &[
            "actual",
            "edit",
            "4",
            "--amount",
            "1",
            "--expected-version",
            "2",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
}

// ---------------------------------------------------------------------------------------------
// 4. Crash safety
// ---------------------------------------------------------------------------------------------

/// A tiny deterministic generator for kill delays (the seed is printed on failure).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

/// What a database holds, for all-or-nothing comparisons.
type State = Vec<i64>;

/// A bulk write to kill: how to prepare a folder, the command to run on it, and how to read the
/// state that must afterwards be exactly `before` or exactly `after`.
struct CrashCase {
    name: &'static str,
    prepare: fn(&Path) -> PathBuf,
    args: fn(&Path) -> Vec<String>,
    state: fn(&Path) -> State,
    /// The span of kill delays in ms, from the undisturbed run's duration.
    span: fn(Duration) -> u64,
}

/// Delays from 0 to twice the undisturbed run (at most 200 ms), so kills land before, during
/// and after a short write.
fn short_span(took: Duration) -> u64 {
    (took.as_millis() as u64 * 2).clamp(5, 200)
}

/// How the kills of one case came out.
#[derive(Debug, Default, Clone)]
struct Outcomes {
    /// The kill delays (ms) that left nothing.
    none_delays: Vec<u64>,
    /// The database held none of the write.
    none: u32,
    /// The database held all of it.
    whole: u32,
    /// Of `none`, how many kills landed while the process was still running (mid-write).
    mid_none: u32,
    /// Of `whole`, how many kills landed while the process was still running (after its commit).
    mid_whole: u32,
}

fn counts(db: &Path) -> State {
    if !db.exists() || std::fs::metadata(db).map(|m| m.len()).unwrap_or(0) == 0 {
        return vec![0, 0, 0, 0];
    }
    let conn = outturn::store::open_existing(db).unwrap();
    let q = |s: &str| -> i64 { conn.query_row(s, [], |r| r.get(0)).unwrap() };
    vec![
        q("SELECT count(*) FROM programme"),
        q("SELECT count(*) FROM actual"),
        q("SELECT coalesce(sum(amount_pence), 0) FROM actual"),
        q("SELECT count(*) FROM audit"),
    ]
}

/// Runs `case` to completion once (to learn its duration and final state), then `iterations`
/// times killed with SIGKILL after a random delay; every time, `outturn check` passes and the
/// state is all or nothing.
fn kill_at_random_moments(case: &CrashCase, iterations: u32, seed: u64) -> Outcomes {
    let dir = tempfile::tempdir().unwrap();
    let db = (case.prepare)(dir.path());
    let before = (case.state)(&db);
    let t = Instant::now();
    let o = bin()
        .args((case.args)(dir.path()))
        .output()
        .expect("run outturn");
    let took = t.elapsed();
    assert!(o.status.success(), "{}: {}", case.name, stderr(&o));
    let after = (case.state)(&db);
    assert_ne!(before, after, "{}: the batch changed nothing", case.name);
    // The first kill is immediate and the last lets it finish.
    let span = (case.span)(took);
    let mut rng = Rng(seed);
    let mut out = Outcomes::default();
    for i in 0..iterations {
        let dir = tempfile::tempdir().unwrap();
        let db = (case.prepare)(dir.path());
        let last = i + 1 == iterations;
        let delay = match i {
            0 => 0,
            _ if last => span * 3,
            _ => rng.below(span + 1),
        };
        let mut child = bin()
            .args((case.args)(dir.path()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn outturn");
        let running = if last {
            // However slow the machine, the last run finishes: it must leave the whole batch.
            let _ = child.wait();
            false
        } else {
            std::thread::sleep(Duration::from_millis(delay));
            matches!(child.try_wait(), Ok(None))
        };
        let _ = child.kill(); // SIGKILL; an error means it had already finished.
        let _ = child.wait();
        if db.exists() {
            check_is_clean(&db);
        }
        let state = (case.state)(&db);
        if state == before {
            out.none += 1;
            out.none_delays.push(delay);
            out.mid_none += u32::from(running);
        } else if state == after {
            out.whole += 1;
            out.mid_whole += u32::from(running);
        } else {
            panic!(
                "{} (seed {seed}, kill after {delay} ms): half-written: {state:?}, \
                 expected {before:?} or {after:?}",
                case.name
            );
        }
    }
    assert!(
        out.none >= 1 && out.whole >= 1,
        "{}: {} none, {} whole",
        case.name,
        out.none,
        out.whole
    );
    eprintln!(
        "{}: {iterations} kills within {span} ms (undisturbed run {} ms): {} left nothing \
         ({} of them mid-run), {} the whole batch ({} of them mid-run)",
        case.name,
        took.as_millis(),
        out.none,
        out.mid_none,
        out.whole,
        out.mid_whole
    );
    out
}

/// True when process `pid` holds SQLite's write lock on the write-ahead-log database `db`: the
/// byte at offset 120 of `db-shm` (WAL_WRITE_LOCK), which a connection holds from the start of a
/// write transaction to its end. Read from /proc/locks, without touching the database, so the
/// probe never delays the writer.
#[cfg(unix)]
fn holds_write_lock(pid: u32, db: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let Ok(meta) = std::fs::metadata(format!("{}-shm", db.display())) else {
        return false;
    };
    let (ino, pid) = (meta.ino().to_string(), pid.to_string());
    let locks = std::fs::read_to_string("/proc/locks").unwrap_or_default();
    locks.lines().any(|l| {
        // "7: POSIX  ADVISORY  WRITE 4321 fd:01:1234567 120 120" (waiters have "->" second)
        let f: Vec<&str> = l.split_whitespace().collect();
        f.len() >= 8
            && f[1] == "POSIX"
            && f[3] == "WRITE"
            && f[4] == pid
            && f[5].rsplit(':').next() == Some(ino.as_str())
            && f[6] == "120"
    })
}

/// Runs `case` until `wanted` SIGKILLs have landed inside its write transaction (at most
/// `attempts` runs): each run is killed a random moment after the process is seen holding the
/// write lock, and counts when the lock was still held just before the kill and nothing was
/// written. Every run must leave all or nothing and `check` clean. No timing is
/// assumed: when a kill comes too late (after the commit), the next waits less.
#[cfg(unix)]
fn kill_inside_transaction(case: &CrashCase, wanted: u32, attempts: u32, seed: u64) -> u32 {
    let dir = tempfile::tempdir().unwrap();
    let db = (case.prepare)(dir.path());
    let before = (case.state)(&db);
    let o = bin()
        .args((case.args)(dir.path()))
        .output()
        .expect("run outturn");
    assert!(o.status.success(), "{}: {}", case.name, stderr(&o));
    let after = (case.state)(&db);
    let mut rng = Rng(seed);
    let mut max_delay = 64u64;
    let mut inside = 0;
    let mut tries = 0;
    while inside < wanted && tries < attempts {
        tries += 1;
        let dir = tempfile::tempdir().unwrap();
        let db = (case.prepare)(dir.path());
        let mut child = bin()
            .args((case.args)(dir.path()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn outturn");
        let pid = child.id();
        let waiting = Instant::now();
        let mut seen = false;
        while waiting.elapsed() < Duration::from_secs(300) {
            if holds_write_lock(pid, &db) {
                seen = true;
                break;
            }
            if !matches!(child.try_wait(), Ok(None)) {
                break;
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        let delay = rng.below(max_delay + 1);
        if seen {
            std::thread::sleep(Duration::from_millis(delay));
        }
        let held = seen && holds_write_lock(pid, &db);
        let _ = child.kill();
        let _ = child.wait();
        if db.exists() {
            check_is_clean(&db);
        }
        let state = (case.state)(&db);
        assert!(
            state == before || state == after,
            "{} (seed {seed}): half-written: {state:?}, expected {before:?} or {after:?}",
            case.name
        );
        // Held just before the kill and nothing written: the kill landed before the commit. (Held
        // and the whole batch written: it committed in the instant between probe and kill.)
        if held && state == before {
            inside += 1;
        } else {
            max_delay /= 2;
        }
    }
    eprintln!(
        "{}: {inside} of {tries} kills landed inside the write transaction",
        case.name
    );
    assert!(
        inside >= wanted,
        "{} (seed {seed}): only {inside} of {tries} kills landed inside the write transaction",
        case.name
    );
    inside
}

fn db_arg(dir: &Path) -> Vec<String> {
    vec!["--db".into(), dir.join("x.db").display().to_string()]
}

#[test]
fn killed_bulk_writes_leave_all_or_nothing() {
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64 | 1)
        .unwrap_or(0x9E37_79B9_7F4A_7C15);
    let cases = [
        // The whole demo (2 programmes, 10 actuals, 32 audit events) in one transaction.
        CrashCase {
            name: "init --demo",
            prepare: |dir| dir.join("x.db"),
            args: |dir| {
                let mut a = db_arg(dir);
                a.extend(["init".into(), "--demo".into()]);
                a
            },
            state: counts,
            span: short_span,
        },
        // Restoring a backup over a database: the target is the old one or the backup, whole.
        CrashCase {
            name: "restore --force",
            prepare: |dir| {
                let db = dir.join("x.db");
                ok(&db, &["init", "--demo"]);
                ok(&db, &["backup", dir.join("b.db").to_str().unwrap()]);
                ok(
                    &db,
                    &[
                        "actual",
                        "add",
                        "--date",
                        "2018-03-01",
                        "--phase",
                        "PH2",
                        "--amount",
                        "7.77",
                    ],
                );
                db
            },
            args: |dir| {
                let mut a = db_arg(dir);
                a.extend([
                    "restore".into(),
                    dir.join("b.db").display().to_string(),
                    "--force".into(),
                ]);
                a
            },
            state: counts,
            span: short_span,
        },
    ];
    for case in &cases {
        kill_at_random_moments(case, 20, seed);
    }
}

/// Rows in the crash test's ledger file: 30,000 generated lines make a file of about 2.6 MB,
/// above the 2.4 MB (20,000 rows at 120 bytes) from which an import takes the bulk path.
const CRASH_ROWS: &str = "30000";

/// A demo database with the generated programme and phases, and the generated ledger file,
/// made once: `before.db` (file not imported), `after.db` (imported as batch 2), `actuals.csv`.
fn import_template() -> &'static Path {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("rely-import-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let db = dir.join("before.db");
        ok(&db, &["init", "--demo"]);
        let gen_dir = dir.join("gen");
        let g = gen_dir.to_str().unwrap();
        ok(
            &db,
            &[
                "gen",
                "--actuals",
                CRASH_ROWS,
                "--phases",
                "4",
                "--out",
                g,
                "--create-programmes",
            ],
        );
        let budgets = gen_dir.join("budgets.csv");
        ok(
            &db,
            &[
                "import",
                "budgets",
                budgets.to_str().unwrap(),
                "--create-missing",
            ],
        );
        std::fs::rename(gen_dir.join("actuals.csv"), dir.join("actuals.csv")).unwrap();
        let size = std::fs::metadata(dir.join("actuals.csv")).unwrap().len();
        assert!(
            size >= 2_400_000,
            "the file must take the bulk path: {size} bytes"
        );
        std::fs::copy(&db, dir.join("after.db")).unwrap();
        let csv = dir.join("actuals.csv");
        let out = ok(
            &dir.join("after.db"),
            &["import", "actuals", csv.to_str().unwrap()],
        );
        assert!(out.starts_with("Imported 30,000 rows"), "{out}");
        dir
    })
}

/// The indexes and triggers on `actual`, as SQL, in name order.
fn actual_schema(conn: &rusqlite::Connection) -> Vec<String> {
    conn.prepare(
        "SELECT type || ' ' || name || ': ' || sql FROM sqlite_master
         WHERE tbl_name = 'actual' AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY name",
    )
    .unwrap()
    .query_map([], |r| r.get(0))
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

/// For imports and undos: the counts, the batches (and how many are undone), the running totals;
/// and the schema on `actual` must be a fresh database's whatever happened.
fn import_state(db: &Path) -> State {
    let conn = outturn::store::open_existing(db).unwrap();
    let fresh = outturn::store::open_in_memory().unwrap();
    assert_eq!(
        actual_schema(&conn),
        actual_schema(&fresh),
        "{}",
        db.display()
    );
    assert_eq!(actual_schema(&fresh).len(), 7, "4 indexes and 3 triggers");
    let q = |s: &str| -> i64 { conn.query_row(s, [], |r| r.get(0)).unwrap() };
    vec![
        q("SELECT count(*) FROM actual"),
        q("SELECT coalesce(sum(amount_pence), 0) FROM actual"),
        q("SELECT count(*) FROM import_batch"),
        q("SELECT count(*) FROM import_batch WHERE undone_at IS NOT NULL"),
        q("SELECT count(*) FROM audit"),
        q("SELECT coalesce(sum(amount_pence), 0) FROM actual_total"),
    ]
}

fn copy_template(name: &str, dir: &Path) -> PathBuf {
    let db = dir.join("x.db");
    std::fs::copy(import_template().join(name), &db).unwrap();
    db
}

/// Delays across the whole undisturbed run and a little beyond, so most kills land mid-import.
fn long_span(took: Duration) -> u64 {
    took.as_millis() as u64 * 6 / 5
}

#[test]
fn killed_imports_and_undos_leave_all_or_nothing() {
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64 | 1)
        .unwrap_or(0x9E37_79B9_7F4A_7C15);
    let cases = [
        // 30,000 rows on the bulk path: indexes dropped and rebuilt, the totals trigger
        // suspended and the totals added in one pass, all in one transaction.
        CrashCase {
            name: "import actuals",
            prepare: |dir| copy_template("before.db", dir),
            args: |dir| {
                let mut a = db_arg(dir);
                let csv = import_template().join("actuals.csv");
                a.extend(["import".into(), "actuals".into(), csv.display().to_string()]);
                a
            },
            state: import_state,
            span: long_span,
        },
        // Undoing that batch: 30,000 deletes, each through the totals trigger.
        CrashCase {
            name: "import undo",
            prepare: |dir| copy_template("after.db", dir),
            args: |dir| {
                let mut a = db_arg(dir);
                a.extend(["import".into(), "undo".into(), "2".into()]);
                a
            },
            state: import_state,
            span: long_span,
        },
    ];
    // Kills at random moments of the whole run: each leaves all or nothing.
    kill_at_random_moments(&cases[0], 20, seed);
    kill_at_random_moments(&cases[1], 12, seed ^ 0x5555);
    // Kills that certainly land inside the write transaction (the process holds SQLite's write
    // lock just before it is killed), however loaded the machine: each leaves nothing. The lock
    // is seen in /proc/locks: Unix only.
    #[cfg(unix)]
    {
        kill_inside_transaction(&cases[0], 3, 20, seed);
        kill_inside_transaction(&cases[1], 2, 20, seed ^ 0x5555);
    }
    let _ = std::fs::remove_dir_all(import_template());
}

// ---------------------------------------------------------------------------------------------
// 5. outturn check
// ---------------------------------------------------------------------------------------------

#[test]
fn check_names_each_kind_of_corruption_in_one_line() {
    let (dir, template) = demo_db();
    check_is_clean(&template);
    // (what is done behind Outturn's back, the lines check must print)
    let cases: &[(&str, &[&str])] = &[
        (
            "UPDATE allocation_profile SET amount_pence = amount_pence + 1 WHERE allocation_id = 1",
            // Phase 2: £3,000,000.00 plus one penny in its only year.
            // ... and the row differs from what the audit log says (issue 17: replay).
            &[
                "allocation 1: its profile adds up to £3,000,000.01, not its amount £3,000,000.00",
                "allocation_profile 1,2017: differs from the audit log: amount_pence is 300000001 in the table, 300000000 in the log",
            ],
        ),
        (
            "INSERT INTO allocation_profile(allocation_id, fy, amount_pence) VALUES (1, 2030, 0)",
            &[
                "allocation 1: its profile has a share in 2030-31, outside its years 2017-18 to 2017-18",
                "allocation_profile 1,2030: is not in the audit log (written outside Outturn)",
            ],
        ),
        (
            "PRAGMA foreign_keys = OFF; UPDATE actual SET phase_id = 999 WHERE id = 1",
            &[
                "foreign key: actual row 1 refers to a phase that does not exist",
                "actual 1: is on phase id 999, which does not exist",
                "actual 1: differs from the audit log: phase_id is 999 in the table, 3 in the log",
            ],
        ),
        (
            // Actual 1 is dated 30/11/2017: 2017-18 P8.
            "UPDATE actual SET period = 9 WHERE id = 1",
            &[
                "actual 1: dated 2017-11-30 is filed under 2017-18 P9, but that date is in 2017-18 P8",
                "actual 1: differs from the audit log: period is 9 in the table, 8 in the log",
            ],
        ),
        (
            // £4,000,000.00 out of Phase 2's £3,000,000.00 in 2017-18 leaves -£1,000,000.00.
            "INSERT INTO budget_change(kind, amount_pence, from_phase_id, from_fy, effective_date, status)
             VALUES ('reduction', 400000000, 2, 2017, '2017-12-01', 'approved')",
            &[
                "budget: approved changes move more out of WOL-DTP/PH2 in 2017-18 than it has: its approved budget there is -£1,000,000.00",
                "budget_change 2: is not in the audit log (written outside Outturn)",
            ],
        ),
        (
            "INSERT INTO contract_profile(contract_id, month, amount_pence) VALUES (1, '2022-09', 100)",
            &[
                "contract WIR-MS-2022-001: its monthly profile adds up to £1.00, not its value £1,378,513.09",
                "contract_profile 1,\"2022-09\": is not in the audit log (written outside Outturn)",
            ],
        ),
        (
            "INSERT INTO closed_period(fy, period, through_date, who, at) VALUES (2017, 7, '2017-10-15', 'x', 'y')",
            &[
                "closed period 2017-18 P7: locked through 2017-10-15, which is not the end of that period",
                "closed_period 2017,7: is not in the audit log (written outside Outturn)",
            ],
        ),
        (
            "DROP TRIGGER audit_no_update; UPDATE audit SET who = 'mallory' WHERE id = 3",
            &[
                "audit: event 3 was altered after it was written",
                "schema: the trigger audit_no_update on audit is missing: restore a backup taken before it went",
            ],
        ),
        (
            "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id = 3",
            &[
                "audit: event 3 is missing (next is 4)",
                "audit: event 4 does not follow the event before it",
                "schema: the trigger audit_no_delete on audit is missing: restore a backup taken before it went",
                // Event 3 added phase 2: without it, the phase has no event.
                "phase 2: is not in the audit log (written outside Outturn)",
            ],
        ),
        (
            // Actual 1 (£212,400.00, 2017-18 P8, phase 3, no contract) is its total's only actual.
            "UPDATE actual_total SET amount_pence = amount_pence + 1 WHERE fy = 2017 AND phase_id = 3 AND period = 8",
            &["actual totals: 2017-18 P8 WOL-DTP/ICT (no contract) holds £212,400.01 over 1 actual, but its actuals add up to £212,400.00 over 1 actual"],
        ),
        (
            "UPDATE actual_total SET n = 3 WHERE fy = 2017 AND phase_id = 3 AND period = 8",
            &["actual totals: 2017-18 P8 WOL-DTP/ICT (no contract) holds £212,400.00 over 3 actuals, but its actuals add up to £212,400.00 over 1 actual"],
        ),
        (
            // A stale total: nothing is filed under 2019-20.
            "INSERT INTO actual_total(fy, phase_id, period, contract_id, amount_pence, n) VALUES (2019, 2, 1, 0, 500, 2)",
            &["actual totals: 2019-20 P1 WOL-DTP/PH2 (no contract) holds £5.00 over 2 actuals, but there are no actuals there"],
        ),
        (
            // Actual 8: £229,752.18 on contract 1 in 2022-23 P7.
            "DELETE FROM actual_total WHERE fy = 2022 AND period = 7",
            &["actual totals: 2022-23 P7 WIR-SCP/DT1 (contract WIR-MS-2022-001) has no running total, but its actuals add up to £229,752.18 over 1 actual"],
        ),
        (
            "DROP TRIGGER actual_total_insert",
            &["schema: the trigger actual_total_insert on actual is missing: restore a backup taken before it went"],
        ),
        (
            "DROP INDEX actual_phase_date; DROP INDEX actual_date",
            &[
                "schema: the index actual_date on actual is missing: restore a backup taken before it went",
                "schema: the index actual_phase_date on actual is missing: restore a backup taken before it went",
            ],
        ),
        (
            "DROP INDEX actual_date; CREATE INDEX actual_date ON actual(reference)",
            &["schema: the index actual_date on actual differs from Outturn's definition: restore a backup"],
        ),
    ];
    let mut wrong = Vec::new();
    for (i, (corruption, expected)) in cases.iter().enumerate() {
        let db = dir.path().join(format!("case{i}.db"));
        std::fs::copy(&template, &db).unwrap();
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(corruption).unwrap();
        drop(conn);
        let o = run(&db, &["check"]);
        assert_eq!(o.status.code(), Some(1), "{corruption}");
        let want: String = expected.iter().map(|l| format!("{l}\n")).collect();
        if stdout(&o) != want {
            wrong.push(format!("{corruption}\n{}", stdout(&o)));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));

    // A damaged page: overwrite the root page of an index with garbage.
    let db = dir.path().join("pages.db");
    std::fs::copy(&template, &db).unwrap();
    let (root, page_size): (i64, i64) = {
        let conn = rusqlite::Connection::open(&db).unwrap();
        (
            conn.query_row(
                "SELECT rootpage FROM sqlite_master WHERE name = 'actual_date'",
                [],
                |r| r.get(0),
            )
            .unwrap(),
            conn.query_row("PRAGMA page_size", [], |r| r.get(0))
                .unwrap(),
        )
    };
    let mut bytes = std::fs::read(&db).unwrap();
    let start = ((root - 1) * page_size) as usize;
    bytes[start..start + page_size as usize].fill(0xA5);
    std::fs::write(&db, bytes).unwrap();
    let o = run(&db, &["check"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        !out.is_empty() && out.lines().all(|l| l.starts_with("integrity: ")),
        "{out}"
    );
}

// ---------------------------------------------------------------------------------------------
// 6. Backup and restore
// ---------------------------------------------------------------------------------------------

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn backup_while_in_use_and_restore_only_what_checks_out() {
    let (dir, db) = demo_db();
    let backup = dir.path().join("monday.db");
    let b = backup.to_str().unwrap();

    // Back up while another process writes: the backup is a consistent snapshot.
    let writer_db = db.clone();
    let writer = std::thread::spawn(move || {
        for i in 0..15 {
            ok(
                &writer_db,
                &[
                    "actual",
                    "add",
                    "--date",
                    "2018-03-02",
                    "--phase",
                    "ICT",
                    "--amount",
                    &format!("{}", i + 1),
                ],
            );
        }
    });
    // A reader holds the database open throughout (as the TUI would).
    let holder = rusqlite::Connection::open(&db).unwrap();
    let _: i64 = holder
        .query_row("SELECT count(*) FROM actual", [], |r| r.get(0))
        .unwrap();
    let out = ok(&db, &["backup", b]);
    assert!(out.starts_with("Backed up "), "{out}");
    writer.join().unwrap();
    #[cfg(unix)]
    assert_eq!(mode(&backup), 0o600);
    check_is_clean(&backup);
    let o = run(&db, &["backup", b]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("already exists"), "{}", stderr(&o));
    let snapshot_actuals: i64 = sql(&backup, "SELECT count(*) FROM actual");
    // The demo's 10 actuals plus however many of the 15 had committed.
    assert!((10..=25).contains(&snapshot_actuals), "{snapshot_actuals}");
    let snap_sum: i64 = sql(&backup, "SELECT sum(amount_pence) FROM actual");
    // The demo's actuals total £2,995,592.87; the k writes that made it into the snapshot add
    // £1 + ... + £k = k(k+1)/2 pounds (they commit in order).
    let demo_sum = 299_559_287;
    let k = snapshot_actuals - 10;
    assert_eq!(snap_sum - demo_sum, k * (k + 1) / 2 * 100);
    let ok_force = run(&db, &["backup", b, "--force"]);
    assert!(ok_force.status.success(), "{}", stderr(&ok_force));

    // Restore over the live database is refused while the holder has it open.
    let o = run(&db, &["restore", b, "--force"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is in use"), "{}", stderr(&o));
    drop(holder);
    // It holds data: --force is needed.
    let o = run(&db, &["restore", b]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("already holds data"), "{}", stderr(&o));
    ok(
        &db,
        &[
            "actual",
            "add",
            "--date",
            "2018-03-03",
            "--phase",
            "ICT",
            "--amount",
            "999",
        ],
    );
    let backup_state = snapshot(&backup);
    let out = ok(&db, &["restore", b, "--force"]);
    assert!(out.starts_with("Restored "), "{out}");
    assert_eq!(snapshot(&db), backup_state);
    #[cfg(unix)]
    assert_eq!(mode(&db), 0o600);
    check_is_clean(&db);

    // A restore into a new place makes an owner-only file.
    let fresh = dir.path().join("new/place.db");
    ok(&fresh, &["restore", b]);
    #[cfg(unix)]
    assert_eq!(mode(&fresh), 0o600);

    // Backups that do not check out are refused, and the target is left alone.
    let before = snapshot(&db);
    let garbage = dir.path().join("garbage.db");
    std::fs::write(
        &garbage,
        b"this is not a database, just some bytes".repeat(200),
    )
    .unwrap();
    let tampered = dir.path().join("tampered.db");
    std::fs::copy(&backup, &tampered).unwrap();
    rusqlite::Connection::open(&tampered)
        .unwrap()
        .execute_batch("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id = 5;")
        .unwrap();
    let newer = dir.path().join("newer.db");
    std::fs::copy(&backup, &newer).unwrap();
    rusqlite::Connection::open(&newer)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    for (file, why) in [
        (&garbage, "not a usable Outturn backup"),
        (&tampered, "its audit log was altered"),
        (&newer, "newer than this Outturn understands"),
        (&dir.path().join("missing.db"), "no backup file"),
    ] {
        let o = run(&db, &["restore", file.to_str().unwrap(), "--force"]);
        assert_eq!(o.status.code(), Some(2), "{}", file.display());
        assert!(stderr(&o).contains(why), "{}", stderr(&o));
    }
    assert_eq!(snapshot(&db), before);
}

// ---------------------------------------------------------------------------------------------
// 7. Hostile input
// ---------------------------------------------------------------------------------------------

#[test]
fn text_that_looks_like_sql_or_a_formula_is_stored_and_exported_as_text() {
    let (_d, db) = demo_db();
    let supplier = "'); DROP TABLE actual;--";
    let description = "=1+1";
    let reference = "@SUM(A1:A9)";
    let o = run_as(
        &db,
        "=HYPERLINK(\"http://x\")",
        &[
            "actual",
            "add",
            "--date",
            "2018-03-05",
            "--phase",
            "PH2",
            "--amount",
            "-12.50",
            "--supplier",
            supplier,
            "--description",
            description,
            "--reference",
            reference,
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    // The table survived and the row holds the text exactly.
    // The demo holds 10 actuals; this is the 11th.
    let n: i64 = sql(&db, "SELECT count(*) FROM actual");
    assert_eq!(n, 11);
    let json = ok(&db, &["actual", "list", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let row = v
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["supplier"] == supplier)
        .unwrap();
    assert_eq!(row["description"], description);
    assert_eq!(row["reference"], reference);
    assert_eq!(row["amount"], "-12.50");
    // CSV: formula-like text gets a leading quote; the negative amount stays a number.
    let csv = ok(&db, &["actual", "list", "--format", "csv"]);
    let line = csv.lines().find(|l| l.contains("DROP TABLE")).unwrap();
    assert_eq!(
        line,
        "11,2018-03-05,2017-18,P12,WOL-DTP,PH2,,'); DROP TABLE actual;--,'=1+1,'@SUM(A1:A9),-12.50"
    );
    let table = ok(&db, &["actual", "list"]);
    assert!(table.contains(" =1+1 "), "{table}");
    // The audit CSV shows the formula-like name given by OUTTURN_USER beside the login, so the
    // cell starts with the login (issue 17); the JSON keeps the name exactly.
    let audit = ok(&db, &["audit", "--limit", "1", "--format", "csv"]);
    assert!(
        audit.contains(&format!(
            ",\"{} (as =HYPERLINK(\"\"http://x\"\"))\",add,actual,11,",
            outturn::store::os_login()
        )),
        "{audit}"
    );
    // A phase named like a formula comes out of the report CSV as text.
    ok(
        &db,
        &[
            "phase",
            "add",
            "--programme",
            "WOL-DTP",
            "--code",
            "EVIL",
            "--name",
            "+cmd|' /C calc'!A0",
        ],
    );
    ok(
        &db,
        &[
            "allocation",
            "add",
            "--phase",
            "EVIL",
            "--fy",
            "2017-18",
            "--amount",
            "1",
        ],
    );
    let report = report_csv(&db, "2017-18", "P12");
    assert!(
        report.contains("\nWOL-DTP,EVIL,'+cmd|' /C calc'!A0,2017-18,P12,1.00,"),
        "{report}"
    );
}

/// Strings that look nearly like each kind of input, plus anything at all.
fn near(alphabet: &'static str) -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::string::string_regex(alphabet).unwrap(),
        1 => any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]

    /// Money: never panics; whatever parses prints and parses back to the same pence.
    #[test]
    fn money_parser_survives_anything(s in near("[-£0-9,.()kKmMbn ]{0,24}")) {
        if let Ok(m) = Money::parse(&s) {
            prop_assert!(m.abs() <= outturn::domain::money::MAX_ABS);
            prop_assert_eq!(Money::parse(&m.plain()).ok(), Some(m));
            prop_assert_eq!(Money::parse(&m.full()).ok(), Some(m));
            prop_assert_eq!(Money::parse(&m.bracketed()).ok(), Some(m));
        }
    }

    /// Money: every amount within the limit round-trips through each printed form.
    #[test]
    fn every_amount_round_trips(p in -100_000_000_000_000i64..=100_000_000_000_000i64) {
        let m = Money::from_pence(p);
        prop_assert_eq!(Money::parse(&m.plain()).ok(), Some(m));
        prop_assert_eq!(Money::parse(&m.full()).ok(), Some(m));
        prop_assert_eq!(Money::parse(&m.bracketed()).ok(), Some(m));
        prop_assert_eq!(m.pence(), p);
    }

    /// Dates: never panics; whatever parses is a real date that prints and parses back.
    #[test]
    fn date_parser_survives_anything(s in near("[0-9/ -]{0,14}")) {
        if let Ok(d) = parse_date(&s) {
            prop_assert_eq!(parse_date(&d.format("%Y-%m-%d").to_string()).ok(), Some(d));
            prop_assert_eq!(parse_date(&uk_date(d)).ok(), Some(d));
            // Only the two spellings: the year is written out in full in the input.
            let year = d.format("%Y").to_string();
            prop_assert!(s.contains(&year), "{} from {:?}", d, s);
        }
    }

    /// Dates: every supported day (01/04/1900 to 31/03/3000, the financial years 1900-01 to
    /// 2999-00) round-trips in both spellings.
    #[test]
    fn every_date_round_trips(days in 0i64..401_766) {
        let d = chrono::NaiveDate::from_ymd_opt(1900, 4, 1).unwrap() + chrono::Duration::days(days);
        prop_assert_eq!(parse_date(&uk_date(d)).ok(), Some(d));
        prop_assert_eq!(parse_date(&d.format("%Y-%m-%d").to_string()).ok(), Some(d));
    }

    /// Financial years, periods and months: never panic; what parses prints and parses back.
    #[test]
    fn year_and_period_parsers_survive_anything(
        y in near("(FY|fy|Fy)? ?[0-9]{0,5}[-/]?[0-9]{0,5}"),
        p in near("[Pp]?[0-9+-]{0,4}"),
        m in near("[0-9+-]{0,8}"),
    ) {
        if let Ok(fy) = FinancialYear::parse(&y) {
            prop_assert_eq!(FinancialYear::parse(&fy.label()).ok(), Some(fy));
            prop_assert!(y.contains(&fy.start_year().to_string()));
        }
        if let Ok(period) = Period::parse(&p) {
            prop_assert_eq!(Period::parse(&period.label()).ok(), Some(period));
            prop_assert!((1..=12).contains(&period.number()));
        }
        if let Ok((fy, period)) = parse_month(&m) {
            let first = fy.period_start(period);
            prop_assert_eq!(m.trim(), first.format("%Y-%m").to_string());
        }
    }

    /// Every financial year and period round-trips through its label.
    #[test]
    fn every_year_and_period_round_trips(y in 1900i32..=2998, n in 1u8..=12) {
        let fy = FinancialYear::new(y).unwrap();
        prop_assert_eq!(FinancialYear::parse(&fy.label()).ok(), Some(fy));
        let p = Period::new(n).unwrap();
        prop_assert_eq!(Period::parse(&p.label()).ok(), Some(p));
    }
}

// ---------------------------------------------------------------------------------------------
// 8. Fuzzing the CSV import of actuals
// ---------------------------------------------------------------------------------------------

/// Cells that are nearly right, right, or hostile, for every column of a ledger line.
fn fuzz_cell() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        // Dates: good, impossible (31/02/2018), American, ISO, two-digit years.
        proptest::sample::select(vec![
            "30/11/2017",
            "31/02/2018",
            "29/02/2020",
            "29/02/2019",
            "2017-12-01",
            "12/31/2017",
            "01/04/18",
            "1/4/2018",
            "00/00/0000",
            "31/12/9999",
            "2022-08-26",
        ])
        .prop_map(|s| s.as_bytes().to_vec()),
        // Programme, phase and contract codes the demo has, and some it has not.
        proptest::sample::select(vec![
            "WOL-DTP",
            "WIR-SCP",
            "PH1",
            "PH2",
            "ICT",
            "FUT",
            "DT1",
            "NOPE",
            "WIR-MS-2022-001",
            "C-999",
            "",
        ])
        .prop_map(|s| s.as_bytes().to_vec()),
        // Amounts: good, bracketed, foreign, too precise, huge, scientific.
        proptest::sample::select(vec![
            "100.00",
            "£1,234.56",
            "(5.00)",
            "-0.01",
            "0",
            "1.234,56",
            "12.345",
            "1e5",
            "99999999999999999999",
            "92233720368547758.07",
            "-92233720368547758.08",
            "£9,999,999,999,999.99",
            "\u{a3}3.0m",
            " 7 ",
        ])
        .prop_map(|s| s.as_bytes().to_vec()),
        // Text with quotes, commas, line breaks and a raw Windows-1252 pound sign (0xA3).
        proptest::collection::vec(
            proptest::sample::select(vec![b'a', b'"', b',', b'\r', b'\n', 0xA3, b' ', b'=', b'1']),
            0..12,
        ),
        // A long field.
        (1usize..6000).prop_map(|n| vec![b'x'; n]),
        // Anything at all.
        proptest::collection::vec(any::<u8>(), 0..16),
    ]
}

/// A ledger file: a header (usually right) and lines of cells, then random bytes dropped in
/// (quotes, commas, CR, LF, 0xA3); or bytes with no shape at all.
fn fuzz_file() -> impl Strategy<Value = Vec<u8>> {
    let header = prop_oneof![
        4 => Just("Date,Programme,Phase,Contract,Supplier,Description,Reference,Amount".to_string()),
        1 => Just("Date,Phase,Supplier,Description,Reference,Amount".to_string()),
        1 => near("[A-Za-z, \"]{0,40}"),
    ];
    let good_line = (
        proptest::sample::select(vec!["30/11/2017", "01/12/2017", "15/03/2018", "2017-10-02"]),
        proptest::sample::select(vec!["PH1", "PH2", "ICT"]),
        0u32..100_000,
    )
        .prop_map(|(d, ph, p)| {
            format!(
                "{d},WOL-DTP,{ph},,Supplier,Item,REF-{p},{}.{:02}",
                p / 100,
                p % 100
            )
            .into_bytes()
        });
    let cells_line =
        proptest::collection::vec(fuzz_cell(), 0..10).prop_map(|cells| cells.join(&b","[..]));
    let line = prop_oneof![12 => good_line, 1 => cells_line];
    let shaped = (
        any::<bool>(),
        header,
        proptest::collection::vec(line, 0..12),
        any::<bool>(),
        prop_oneof![
            2 => Just(Vec::new()),
            1 => proptest::collection::vec(
                (
                    any::<prop::sample::Index>(),
                    proptest::sample::select(vec![b'"', b',', b'\r', b'\n', 0xA3, 0]),
                ),
                1..4,
            ),
        ],
    )
        .prop_map(|(bom, header, lines, crlf, inserts)| {
            let mut out = Vec::new();
            if bom {
                out.extend_from_slice(b"\xEF\xBB\xBF");
            }
            out.extend_from_slice(header.as_bytes());
            for l in lines {
                out.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
                out.extend_from_slice(&l);
            }
            for (at, byte) in inserts {
                let at = at.index(out.len() + 1);
                out.insert(at, byte);
            }
            out
        });
    prop_oneof![
        5 => shaped,
        1 => proptest::collection::vec(any::<u8>(), 0..400),
    ]
}

/// What an import may change, to compare before and after.
fn ledger_state(conn: &rusqlite::Connection) -> Vec<i64> {
    let q = |s: &str| -> i64 { conn.query_row(s, [], |r| r.get(0)).unwrap() };
    vec![
        q("SELECT count(*) FROM actual"),
        q("SELECT coalesce(sum(amount_pence), 0) FROM actual"),
        q("SELECT count(*) FROM import_batch"),
        q("SELECT count(*) FROM audit"),
        q("SELECT coalesce(sum(amount_pence), 0) FROM actual_total"),
        q("SELECT count(*) FROM actual_total"),
        q("SELECT count(*) FROM sqlite_master"),
    ]
}

thread_local! {
    /// The demo database, loaded once; each case starts from a copy of it.
    static DEMO: rusqlite::Connection = {
        let mut conn = outturn::store::open_in_memory().unwrap();
        let tx = outturn::store::write_tx(&mut conn).unwrap();
        outturn::io::demo::load_all(&tx).unwrap();
        tx.commit().unwrap();
        conn
    };
    static FUZZ_DIR: tempfile::TempDir = tempfile::tempdir().unwrap();
}

fn demo_copy() -> rusqlite::Connection {
    let mut conn = outturn::store::open_in_memory().unwrap();
    DEMO.with(|demo| {
        rusqlite::backup::Backup::new(demo, &mut conn)
            .unwrap()
            .run_to_completion(1_000, Duration::ZERO, None)
            .unwrap()
    });
    conn
}

/// Fuzz cases run by [`import_of_any_file_is_all_or_nothing`].
const FUZZ_CASES: u32 = 3_000;

/// Importing any file never panics: it either succeeds with the batch wholly present (its
/// rows, total, batch record and one audit event, and `check` clean) or fails with the
/// database exactly as it was.
#[test]
fn import_of_any_file_is_all_or_nothing() {
    let strategy = (
        fuzz_file(),
        proptest::bool::weighted(0.1),
        any::<bool>(),
        prop_oneof![
            6 => Just(None),
            1 => proptest::sample::select(vec![Some("utf-8"), Some("windows-1252"), Some("latin9")]),
        ],
    );
    // (imported, dry runs, refused)
    let tally = std::cell::Cell::new((0u32, 0u32, 0u32));
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::with_cases(FUZZ_CASES)
    });
    let result = runner.run(&strategy, |(bytes, dry_run, skip_duplicates, encoding)| {
        let mut conn = demo_copy();
        let path = FUZZ_DIR.with(|d| d.path().join("ledger.csv"));
        std::fs::write(&path, &bytes).unwrap();
        let before = ledger_state(&conn);
        let schema = actual_schema(&conn);
        let opts = outturn::io::import::ActualsOptions {
            map: Vec::new(),
            dry_run,
            skip_duplicates,
            encoding: encoding.map(str::to_string),
            profile: None,
            sheet: None,
        };
        let result = outturn::io::import::import_actuals(&mut conn, &path, &opts, &mut |_, _| {});
        let after = ledger_state(&conn);
        prop_assert_eq!(actual_schema(&conn), schema);
        let (mut imported, mut dry, mut refused) = tally.get();
        match result {
            Ok(o) if o.dry_run => {
                dry += 1;
                prop_assert_eq!(after, before);
            }
            Ok(o) => {
                imported += 1;
                let batch = o.batch_id.unwrap();
                let q = |s: &str| -> i64 { conn.query_row(s, [batch], |r| r.get(0)).unwrap() };
                // Count and sum grow by exactly the batch; one batch record and one audit event.
                prop_assert!(o.rows > 0);
                prop_assert_eq!(after[0], before[0] + o.rows as i64);
                prop_assert_eq!(after[1], before[1] + o.total.pence());
                prop_assert_eq!(after[2], before[2] + 1);
                prop_assert_eq!(after[3], before[3] + 1);
                prop_assert_eq!(after[4], before[4] + o.total.pence());
                prop_assert_eq!(after[6], before[6]);
                prop_assert_eq!(
                    q("SELECT count(*) FROM actual WHERE batch_id = ?1"),
                    o.rows as i64
                );
                prop_assert_eq!(
                    q("SELECT coalesce(sum(amount_pence), 0) FROM actual WHERE batch_id = ?1"),
                    o.total.pence()
                );
                prop_assert_eq!(
                    q("SELECT rows FROM import_batch WHERE id = ?1"),
                    o.rows as i64
                );
                prop_assert_eq!(
                    q("SELECT total_pence FROM import_batch WHERE id = ?1"),
                    o.total.pence()
                );
                let report = outturn::store::check::run(&conn).unwrap();
                prop_assert!(report.is_clean(), "{:?}", report.findings);
            }
            Err(_) => {
                refused += 1;
                prop_assert_eq!(after, before);
            }
        }
        tally.set((imported, dry, refused));
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let (imported, dry, refused) = tally.get();
    eprintln!(
        "import fuzz: {FUZZ_CASES} files: {imported} imported, {dry} dry runs, {refused} refused"
    );
    // The generator must reach both outcomes often, or the test proves little.
    assert!(imported >= FUZZ_CASES / 20, "{imported} imported");
    assert!(refused >= FUZZ_CASES / 4, "{refused} refused");
}
