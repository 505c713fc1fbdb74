//! Hardening, round two (issue 26): frozen means frozen and bounded inputs. Each test runs the
//! real binary on a demo database, "today" pinned to 05/12/2026 as in the hostile run.

mod common;

use common::{demo_db, stderr};

use common::hostile::{TODAY, refused, run};

// Item 9: a period that has not ended is not closed, so today's entries stay possible.
#[test]
fn future_periods_cannot_be_closed() {
    let (_dir, db) = demo_db();
    refused(
        &db,
        &[
            "period",
            "close",
            "2027-28",
            "P12",
            "--allow-missing-comments",
        ],
        "2027-28 P12 has not ended (it ends on 31/03/2028)",
    );
    refused(
        &db,
        &[
            "period",
            "close",
            "2026-27",
            "P9",
            "--allow-missing-comments",
        ],
        "2026-27 P9 has not ended (it ends on 31/12/2026)",
    );
    let o = run(
        &db,
        &[
            "actual",
            "add",
            "--date",
            TODAY,
            "--phase",
            "WIR-SCP/DT1",
            "--supplier",
            "Acme",
            "--description",
            "Licences",
            "--reference",
            "INV-T",
            "--amount",
            "10",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
}

// Item 12: a text with no visible character is blank: it neither passes as a comment nor
// satisfies the close gate.
#[test]
fn an_invisible_comment_is_blank() {
    let (_dir, db) = demo_db();
    for text in ["\u{200B}", " \u{FEFF}\u{200D} "] {
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
                text,
            ],
            "--text: is empty: it is required",
        );
    }
}

// Item 13: no contract runs past the supported years, by its term or by an option exercised.
#[test]
fn contract_months_stay_within_the_supported_years() {
    let (_dir, db) = demo_db();
    refused(
        &db,
        &[
            "contract",
            "add",
            "--reference",
            "X",
            "--supplier",
            "A",
            "--programme",
            "WOL-DTP",
            "--phase",
            "ICT",
            "--value",
            "100",
            "--start",
            "01/01/3000",
            "--term",
            "24",
        ],
        "contract X would run to 3001-12, past the supported years",
    );
    let o = run(
        &db,
        &[
            "contract",
            "add",
            "--reference",
            "Y",
            "--supplier",
            "A",
            "--programme",
            "WOL-DTP",
            "--phase",
            "ICT",
            "--value",
            "100",
            "--start",
            "01/04/2999",
            "--term",
            "12",
            "--extension",
            "12",
            "--extension-value",
            "50",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    refused(
        &db,
        &["contract", "exercise", "Y"],
        "contract Y would run to 3001-03, past the supported years",
    );
}

// Item 2: one valid UTF-8 character beside stray bytes is a UTF-8 file with errors: refused,
// naming the bytes, never read whole as Windows-1252 (which stored `CafÃ©`).
#[test]
fn utf8_with_stray_bytes_is_refused_not_stored_as_mojibake() {
    let (dir, db) = demo_db();
    let file = dir.path().join("mixed.csv");
    let mut bytes = b"Date,Phase,Supplier,Description,Reference,Amount\n".to_vec();
    bytes.extend_from_slice("2022-08-01,WIR-SCP/DT1,Café,Licences,L-1,".as_bytes());
    bytes.extend_from_slice(b"\xA3100.00\n2022-08-02,WIR-SCP/DT1,Acme,Support,L-2,\xA350.00\n");
    std::fs::write(&file, &bytes).unwrap();
    let f = file.display().to_string();
    refused(
        &db,
        &["import", "actuals", &f],
        "the file is UTF-8 except for 2 bytes that are not (line 2 column 43, line 3 column 41)",
    );
    // Said to be Windows-1252, it is read so (the officer's choice).
    let o = run(
        &db,
        &["import", "actuals", &f, "--encoding", "windows-1252"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
}

// Item 14 and item 18 (UTF-16): junk is refused as soon as it shows, in one short line.
#[test]
fn junk_files_are_refused_early_and_quoted_short() {
    let (dir, db) = demo_db();
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p.display().to_string()
    };
    // NULs: refused at the first one (a whole file of them is not read into memory).
    let nul = write("nul.csv", &vec![0u8; 4 << 20]);
    refused(
        &db,
        &["import", "actuals", &nul],
        "line 1 column 1 holds a NUL byte: this is not a text file",
    );
    let nul2 = write(
        "nul2.csv",
        b"Date,Phase,Supplier,Description,Reference,Amount\n2022-08-01,WIR\0",
    );
    refused(
        &db,
        &["import", "actuals", &nul2],
        "line 2 column 15 holds a NUL byte",
    );
    // UTF-16, as Excel's "Unicode text" saves it.
    let utf16 = write("u16.csv", b"\xFF\xFED\0a\0t\0e\0");
    refused(&db, &["import", "actuals", &utf16], "save it as CSV UTF-8");
    // One line of 9 MiB with no end.
    let long = write("long.csv", &vec![b'a'; 9 << 20]);
    refused(
        &db,
        &["import", "actuals", &long],
        "line 1 is longer than 8388608 bytes",
    );
    // A header of junk is quoted to at most 200 characters.
    let header = format!("{}\n", "x,".repeat(50_000));
    let junk = write("junk.csv", header.as_bytes());
    let o = run(&db, &["import", "actuals", &junk]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.len() < 600, "{} bytes: {}", err.len(), &err[..300]);
}

// Item 16: `check --seal` reads only a regular file (a FIFO blocked for ever).
#[cfg(unix)]
#[test]
fn check_seal_reads_only_a_regular_file() {
    let (dir, db) = demo_db();
    let fifo = dir.path().join("seal.fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(
        made.is_ok_and(|s| s.success()),
        "mkfifo is part of coreutils"
    );
    let f = fifo.display().to_string();
    refused(&db, &["check", "--seal", &f], "is not a regular file");
    let d = dir.path().display().to_string();
    refused(&db, &["check", "--seal", &d], "is not a regular file");
}

// Item 3: a closed standard output is not the command's failure: a write that committed exits 0
// (a script that retries on failure would add it twice), and a read ends quietly.
#[test]
fn a_closed_stdout_after_a_commit_exits_0() {
    let (_dir, db) = demo_db();
    let closed_stdout = |args: &[&str]| {
        let mut child = common::bin()
            .env("OUTTURN_TODAY", TODAY)
            .arg("--db")
            .arg(&db)
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take()); // the reader goes away before anything is written
        child.wait_with_output().unwrap()
    };
    let o = closed_stdout(&[
        "actual",
        "add",
        "--date",
        "2026-12-01",
        "--phase",
        "WIR-SCP/DT1",
        "--supplier",
        "Acme",
        "--description",
        "Licences",
        "--reference",
        "INV-PIPE",
        "--amount",
        "10",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    let o = closed_stdout(&[
        "period",
        "close",
        "2017-18",
        "P4",
        "--allow-missing-comments",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = closed_stdout(&["actual", "list"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Committed exactly once each.
    let list = common::stdout(&run(&db, &["actual", "list", "--format", "csv"]));
    assert_eq!(list.matches("INV-PIPE").count(), 1, "{list}");
    let closed = common::stdout(&run(&db, &["period", "list"]));
    assert!(closed.contains("2017-18  P4"), "{closed}");
}
