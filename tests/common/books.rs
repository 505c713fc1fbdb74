//! Small books built through the command line, shared by the financing tests.

use std::path::{Path, PathBuf};

use super::ok;

/// A new database `name` holding programme P ("Prog", Council) with phases A ("Scheme A") and B
/// ("Scheme B"), each with the approved 2024-25 allocation given (`budgets` = [A, B]).
pub fn two_phases(name: &str, budgets: [&str; 2]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join(name);
    ok(&db, &["init"]);
    ok(
        &db,
        &[
            "programme",
            "add",
            "--code",
            "P",
            "--name",
            "Prog",
            "--organisation",
            "Council",
        ],
    );
    for ((code, name), amount) in [("A", "Scheme A"), ("B", "Scheme B")]
        .into_iter()
        .zip(budgets)
    {
        ok(
            &db,
            &[
                "phase",
                "add",
                "--programme",
                "P",
                "--code",
                code,
                "--name",
                name,
            ],
        );
        ok(
            &db,
            &[
                "allocation",
                "add",
                "--phase",
                code,
                "--fy",
                "2024-25",
                "--amount",
                amount,
            ],
        );
    }
    (dir, db)
}

/// Adds an actual of `amount` to `phase` on `date` (ISO) with `reference`.
pub fn actual(db: &Path, phase: &str, date: &str, amount: &str, reference: &str) {
    ok(
        db,
        &[
            "actual",
            "add",
            "--phase",
            phase,
            "--date",
            date,
            "--amount",
            amount,
            "--reference",
            reference,
        ],
    );
}
