//! Hardening, round three (issue 26, items 10, 11 and 18 to 21): bounded texts and totals, clear
//! one-line errors, small faults. Each test runs the real binary on a demo database, "today"
//! pinned to 05/12/2026 as in the hostile run.

mod common;

use std::path::Path;

use common::{demo_db, snapshot, stderr};

use common::hostile::{TODAY, refused, run};

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

// Item 18: clear one-line errors, naming the option or the file's line and column.
#[test]
fn new_phases_of_a_budget_import_are_bounded_by_line_and_column() {
    let (dir, db) = demo_db();
    let code = "C".repeat(41);
    let name = "N".repeat(501);
    let f = write(
        dir.path(),
        "code.csv",
        &format!(
            "Programme,Phase,Financial year,Amount,Phase name\nWOL-DTP,{code},2027-28,100,x\n"
        ),
    );
    import_refused(
        &db,
        &["import", "budgets", "--create-missing", &f],
        "line 2, column Phase: 41 characters is too long (at most 40)",
    );
    let f = write(
        dir.path(),
        "name.csv",
        &format!(
            "Programme,Phase,Financial year,Amount,Phase name\nWOL-DTP,NEW,2027-28,100,{name}\n"
        ),
    );
    import_refused(
        &db,
        &["import", "budgets", "--create-missing", &f],
        "line 2, column Phase name: 501 characters is too long (at most 500)",
    );
}

#[test]
fn version_0_a_long_supplier_a_folder_and_a_link_loop_are_named() {
    let (dir, db) = demo_db();
    refused(
        &db,
        &[
            "milestone",
            "edit",
            "5",
            "--name",
            "Go-live",
            "--expected-version",
            "0",
        ],
        "--expected-version: 0 is not a version: versions start at 1",
    );
    let o = run(
        &db,
        &[
            "milestone",
            "edit",
            "5",
            "--name",
            "Go-live",
            "--expected-version",
            "9",
        ],
    );
    let err = stderr(&o);
    assert!(err.contains("milestone 5 is at version 1"), "{err}");
    assert!(!err.contains("id "), "no internal id: {err}");
    refused(
        &db,
        &["actual", "list", "--supplier", &"%".repeat(60_000)],
        "--supplier: 60000 characters is too long (at most 500)",
    );
    let folder = dir.path().join("folder");
    std::fs::create_dir(&folder).unwrap();
    for args in [&["actual", "list"][..], &["init"][..]] {
        let o = run(&folder, args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("is a folder, not a database file"), "{err}");
    }
    // A loop of symbolic links (Unix: Windows links need privileges).
    #[cfg(unix)]
    {
        let (a, b) = (dir.path().join("loop1"), dir.path().join("loop2"));
        std::os::unix::fs::symlink(&b, &a).unwrap();
        std::os::unix::fs::symlink(&a, &b).unwrap();
        for args in [&["actual", "list"][..], &["init"][..]] {
            let o = run(&a, args);
            let err = stderr(&o);
            assert_eq!(o.status.code(), Some(2), "{err}");
            assert_eq!(err.lines().count(), 1, "{err}");
            assert!(
                err.contains("--db:") && err.contains("is a loop of symbolic links"),
                "{err}"
            );
        }
    }
}

#[test]
fn targets_and_profiles_take_thousands_separators() {
    let (_dir, db) = demo_db();
    let o = run(
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
            "--target",
            "2027-28=£250,000,2028-29=£1,000.50",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        common::stdout(&o).contains("£251,000.50"),
        "{}",
        common::stdout(&o)
    );
    refused(
        &db,
        &[
            "benefit",
            "add",
            "--programme",
            "WOL-DTP",
            "--description",
            "More paper",
            "--kind",
            "cashable",
            "--target",
            "2027-28=£250,000,2028=5",
        ],
        "--target: '2028'",
    );
}

// Item 19: a command line clap cannot read is one line, naming the argument; text options and
// `config set` values may begin with `-`.
#[test]
fn command_line_errors_are_one_line_and_values_may_begin_with_a_hyphen() {
    let (_dir, db) = demo_db();
    for (args, needle) in [
        (
            &["actual", "list", "--bogus"][..],
            "unexpected argument '--bogus' found: see `outturn actual list --help`",
        ),
        (
            &["actual", "add", "--amount", "5"][..],
            "the following required arguments were not provided: --date <DATE>, --phase <PHASE>",
        ),
        (
            &["frob"][..],
            "unrecognized subcommand 'frob': see `outturn --help`",
        ),
        (
            &["config", "set", "rag.red_overspend_pct", "-1"][..],
            "'-1' is not a percentage from 0 to 100",
        ),
    ] {
        refused(&db, args, needle);
    }
    let before = snapshot(&db);
    // An argument that is not UTF-8: Unix only (a Windows command line is UTF-16).
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let o = common::bin()
            .arg("--db")
            .arg(&db)
            .args(["actual", "list", "--supplier"])
            .arg(std::ffi::OsStr::from_bytes(b"caf\xe9"))
            .output()
            .unwrap();
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.contains("the value of --supplier is not valid UTF-8 ('caf\\xe9')"),
            "{err}"
        );
    }
    assert_eq!(snapshot(&db), before);
    for args in [
        &[
            "comment",
            "add",
            "--phase",
            "WOL-DTP/PH2",
            "--fy",
            "2026-27",
            "--period",
            "P8",
            "--text",
            "-5% on plan: tender late",
        ][..],
        &[
            "phase",
            "add",
            "--programme",
            "WOL-DTP",
            "--code",
            "HY",
            "--name",
            "-Hyphen",
        ][..],
        &["config", "set", "comment.variance_amount", "-0"][..],
    ] {
        let o = run(&db, args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    }
    let o = run(&db, &["--help"]);
    assert!(o.status.success());
    assert!(common::stdout(&o).contains("Usage: outturn"));
}

// Item 20: no internal ids in messages; the audit log is searched by every kind it names.
#[test]
fn messages_use_codes_and_audit_takes_every_kind() {
    let (_dir, db) = demo_db();
    let out = common::ok(
        &db,
        &[
            "phase",
            "add",
            "--programme",
            "WOL-DTP",
            "--code",
            "PH9",
            "--name",
            "Phase 9",
        ],
    );
    assert_eq!(out.trim(), "Added phase WOL-DTP/PH9.");
    common::ok(
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
        ],
    );
    common::ok(
        &db,
        &[
            "milestone",
            "add",
            "--phase",
            "WOL-DTP/PH9",
            "--name",
            "Start",
            "--baseline",
            "2027-03-31",
        ],
    );
    for (word, entity) in [("benefit", "benefit"), ("milestones", "milestone")] {
        let out = common::ok(&db, &["audit", "--entity", word, "--format", "csv"]);
        assert!(
            out.lines()
                .skip(1)
                .any(|l| l.contains(&format!(",{entity},"))),
            "{word}: {out}"
        );
    }
    refused(
        &db,
        &["audit", "--entity", "bogus"],
        "use one of programme, phase, decision, allocation, change, framework, contract, actual, \
         forecast, funding, period, import, setting, snapshot, comment, benefit, realisation, milestone",
    );
}

// Item 21: small faults.
#[test]
fn small_faults_of_imports_packs_and_wording() {
    let (dir, db) = demo_db();
    // --skip-duplicates with every row a duplicate keeps no batch of no rows.
    let rows = "Date,Phase,Supplier,Description,Reference,Amount\n\
                2026-11-02,WOL-DTP/PH2,Acme,Licences,INV-Z1,10\n";
    let first = write(dir.path(), "first.csv", rows);
    let out = common::ok(&db, &["import", "actuals", &first]);
    assert!(out.contains("Imported 1 row from first.csv"), "{out}");
    let again = write(dir.path(), "again.csv", &format!("{rows}\n"));
    refused(
        &db,
        &["import", "actuals", &again, "--skip-duplicates"],
        "every row of again.csv is already in the ledger (1 row left out by --skip-duplicates)",
    );
    refused(
        &db,
        &["import", "actuals", &first],
        "(first.csv, 1 row, £10.00",
    );
    // A target name of 255 bytes can be written.
    let long = dir.path().join(format!("{}.xlsx", "p".repeat(250)));
    let o = run(
        &db,
        &[
            "pack",
            "--fy",
            "2017-18",
            "--period",
            "9",
            "--xlsx",
            long.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::metadata(&long).unwrap().len() > 0);
    // The path is printed with its control characters escaped.
    let odd = dir.path().join("a\u{1b}[31mb.xlsx");
    let o = run(
        &db,
        &[
            "pack",
            "--fy",
            "2017-18",
            "--period",
            "9",
            "--xlsx",
            odd.to_str().unwrap(),
        ],
    );
    let out = common::stdout(&o);
    assert!(
        out.contains("a\\u{1b}[31mb.xlsx") && !out.contains('\u{1b}'),
        "{out}"
    );
    assert!(out.contains("2 phase rows, 4 report rows in all"), "{out}");
    // `pack --xlsx -` onto a terminal is refused (the terminal is `script`'s pseudo-terminal).
    let cmd = format!(
        "OUTTURN_TODAY={TODAY} {} --db '{}' pack --fy 2017-18 --period 9 --xlsx -",
        env!("CARGO_BIN_EXE_outturn"),
        db.display()
    );
    let o = std::process::Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .output()
        .expect("script (util-linux) runs the command on a pseudo-terminal");
    let shown = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(2), "{shown}");
    assert!(
        shown.contains(
            "--xlsx: `-` writes the workbook's bytes to standard output, which is a terminal"
        ),
        "{shown}"
    );
    assert!(!shown.contains("PK"), "no workbook bytes on the terminal");
    // Wording: "an allocation status".
    refused(
        &db,
        &[
            "allocation",
            "add",
            "--phase",
            "WOL-DTP/PH2",
            "--fy",
            "2027-28",
            "--amount",
            "1",
            "--status",
            "bogus",
        ],
        "'bogus' is not an allocation status",
    );
}

// Item 11: funding lines are held to the same total limits as actuals.
#[test]
fn funding_totals_stay_within_what_sqlite_holds() {
    let (dir, db) = demo_db();
    // Funding already near the limit (put there directly: 92,234 lines of £1tn would take minutes).
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute(
        "INSERT INTO funding(phase_id, fy, source, amount_pence, status, note)
         SELECT id, 2027, 'grant', 9223372036854775000, 'approved', '' FROM phase WHERE code = 'PH2'",
        [],
    )
    .unwrap();
    drop(conn);
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
            "£1m",
        ],
        "the funding lines of WOL-DTP/PH2 in 2027-28 would add up to more than",
    );
    let f = write(
        dir.path(),
        "funding.csv",
        "Programme,Phase,Financial year,Source,Amount\nWOL-DTP,ICT,2027-28,grant,£1m\n",
    );
    refused(
        &db,
        &["import", "funding", &f],
        "all funding lines together would add up to more than",
    );
}

// Item 10: a text kept before the limits (put there directly) never makes the pack fail.
#[test]
fn the_pack_cuts_a_text_past_excels_limit() {
    let (dir, db) = demo_db();
    let conn = rusqlite::Connection::open(&db).unwrap();
    let n = conn
        .execute(
            "UPDATE benefit SET description = description || ?1",
            [" long".repeat(10_000)],
        )
        .unwrap();
    assert!(n > 0);
    drop(conn);
    let out = dir.path().join("pack.xlsx");
    let o = run(
        &db,
        &[
            "pack",
            "--fy",
            "2017-18",
            "--period",
            "9",
            "--xlsx",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    let mut marked = false;
    for i in 0..zip.len() {
        let mut part = String::new();
        if std::io::Read::read_to_string(&mut zip.by_index(i).unwrap(), &mut part).is_ok() {
            marked |= part.contains("[cut at Excel's limit of 32,767 characters:");
        }
    }
    assert!(marked, "the cut text carries its mark");
}
