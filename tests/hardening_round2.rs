//! Hardening, round two (issue 26): frozen means frozen and bounded inputs. Each test runs the
//! real binary on a demo database, "today" pinned to 05/12/2026 as in the hostile run.

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
