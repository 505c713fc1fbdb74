//! Hardening, round three (issue 26, items 10, 11 and 18 to 21): bounded texts and totals, clear
//! one-line errors, small faults. Each test runs the real binary on a demo database, "today"
//! pinned to 05/12/2026 as in the hostile run.

mod common;

use std::path::Path;

use common::{demo_db, snapshot, stderr};

const TODAY: &str = "2026-12-05";

fn run(db: &Path, args: &[&str]) -> std::process::Output {
    common::bin()
        .env("OUTTURN_TODAY", TODAY)
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

/// Exit status 2, one line on standard error containing `needle`, and the books unchanged.
fn refused(db: &Path, args: &[&str], needle: &str) {
    let before = snapshot(db);
    let o = run(db, args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(err.contains(needle), "{needle:?} not in {err}");
    assert_eq!(snapshot(db), before, "{args:?} changed the books");
}

/// An import refused: exit status 2, the problem on the first line of standard error (the count
/// follows), and the books unchanged.
fn import_refused(db: &Path, args: &[&str], needle: &str) {
    let before = snapshot(db);
    let o = run(db, args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    assert!(
        err.lines().next().unwrap().contains(needle),
        "{needle:?} not in {err}"
    );
    assert!(err.lines().count() <= 2, "{err}");
    assert_eq!(snapshot(db), before, "{args:?} changed the books");
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

// Item 10: every text field has its limit, from the command line and from imports.
#[test]
fn texts_of_the_newer_records_are_bounded() {
    let (dir, db) = demo_db();
    let name = "N".repeat(501);
    let note = "N".repeat(4001);
    refused(
        &db,
        &[
            "comment",
            "add",
            "--phase",
            "WOL-DTP/PH2",
            "--fy",
            "2017-18",
            "--period",
            "P9",
            "--text",
            &note,
        ],
        "--text: 4001 characters is too long (at most 4000)",
    );
    refused(
        &db,
        &[
            "benefit",
            "add",
            "--programme",
            "WOL-DTP",
            "--description",
            &name,
            "--kind",
            "cashable",
        ],
        "--description: 501 characters is too long (at most 500)",
    );
    refused(
        &db,
        &[
            "benefit",
            "add",
            "--programme",
            "WOL-DTP",
            "--description",
            "Less paper",
            "--kind",
            "cashable",
            "--owner",
            &name,
        ],
        "--owner: 501 characters is too long",
    );
    refused(
        &db,
        &[
            "milestone",
            "add",
            "--phase",
            "WOL-DTP/PH2",
            "--name",
            &name,
            "--baseline",
            "2027-03-31",
        ],
        "--name: 501 characters is too long",
    );
    for (option, value, needle) in [
        ("--funder", &name, "--funder: 501 characters is too long"),
        ("--note", &note, "--note: 4001 characters is too long"),
    ] {
        refused(
            &db,
            &[
                "funding",
                "add",
                "--phase",
                "WOL-DTP/PH2",
                "--fy",
                "2027-28",
                "--source",
                "grant",
                "--amount",
                "100",
                option,
                value,
            ],
            needle,
        );
    }
    refused(
        &db,
        &["period", "reopen", "2017-18", "P1", "--reason", &note],
        "--reason: 4001 characters is too long",
    );
    refused(
        &db,
        &["forecast", "withdraw", "1", "--reason", &note],
        "--reason: 4001 characters is too long",
    );
    let benefits = write(
        dir.path(),
        "benefits.csv",
        &format!(
            "Programme,Phase,Description,Kind,Owner,Financial year,Target\n\
             WOL-DTP,,{name},cashable,Me,2027-28,100\n"
        ),
    );
    import_refused(
        &db,
        &["import", "benefits", &benefits],
        "line 2, column Description: 501 characters is too long",
    );
    let funding = write(
        dir.path(),
        "funding.csv",
        &format!(
            "Programme,Phase,Financial year,Source,Amount,Funder,Note\n\
             WOL-DTP,PH2,2027-28,grant,100,DfE,{note}\n"
        ),
    );
    import_refused(
        &db,
        &["import", "funding", &funding],
        "line 2, column Note: 4001 characters is too long",
    );
}
