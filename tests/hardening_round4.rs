//! Hardening, round four (issue 26, items 6 and 7): what was reported stays reported. An approval
//! counts from its date; the progress report of a closed half is read from the snapshots. Each
//! test runs the real binary, "today" pinned to 05/12/2026 as in the hostile run.

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
