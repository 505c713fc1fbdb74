//! Officers writing at once on a PostgreSQL server (issue 25 item 4): separate processes, each
//! with its own connection, started together. Of two edits of the same version exactly one
//! wins and the other is told of the conflict (exit status 2); of two approvals of reductions
//! that each fit the budget but not both, one is refused, and the budget never goes below zero.
//! Plain READ COMMITTED would let both through and leave -400.

mod common;

use common::engines::Books;

/// Runs the steps at once; returns each one's (exit status, stderr), in the order given.
fn at_once(b: &Books, steps: &[Vec<String>]) -> Vec<(i32, String)> {
    let steps: Vec<Vec<&str>> = steps
        .iter()
        .map(|s| s.iter().map(String::as_str).collect())
        .collect();
    let steps: Vec<&[&str]> = steps.iter().map(Vec::as_slice).collect();
    b.at_once(&steps)
        .into_iter()
        .map(|o| {
            (
                o.status.code().unwrap_or(-1),
                String::from_utf8(o.stderr).unwrap(),
            )
        })
        .collect()
}

/// Fresh books on the server with programme DTP and its phase P1, or None when the PostgreSQL
/// half is skipped.
fn books_with_one_phase() -> Option<Books> {
    let b = Books::postgres()?;
    b.ok(&["programme", "add", "--code", "DTP", "--name", "Digital"]);
    b.ok(&[
        "phase",
        "add",
        "--programme",
        "DTP",
        "--code",
        "P1",
        "--name",
        "Cloud",
    ]);
    Some(b)
}

/// A ledger file in `dir` of `n` lines for DTP/P1 in May 2026 (line i: reference INV-i, the
/// amount `amount(i)`).
fn ledger(dir: &tempfile::TempDir, n: u32, amount: impl Fn(u32) -> String) -> std::path::PathBuf {
    let file = dir.path().join("ledger.csv");
    let mut csv = String::from("Date,Phase,Supplier,Description,Reference,Amount\n");
    for i in 1..=n {
        csv.push_str(&format!(
            "{:02}/05/2026,DTP/P1,Supplier {},Work,INV-{i},{}\n",
            1 + i % 28,
            i % 50,
            amount(i)
        ));
    }
    std::fs::write(&file, csv).unwrap();
    file
}

/// `n` steps each adding £1.00 to DTP/P1 on 02/06/2026, with references `prefix-0` onwards.
fn adds_of_one_pound(n: usize, prefix: &str) -> Vec<Vec<String>> {
    (0..n)
        .map(|i| {
            strings(&[
                "actual",
                "add",
                "--phase",
                "DTP/P1",
                "--date",
                "02/06/2026",
                "--amount",
                "1",
                "--reference",
                &format!("{prefix}-{i}"),
            ])
        })
        .collect()
}

/// Asserts the ledger holds `rows` actuals adding up to `pence`, and that `check` passes.
fn ledger_holds(b: &Books, rows: usize, pence: i64) {
    let listed = b.ok(&["actual", "list", "--limit", "100000", "--format", "csv"]);
    let lines: Vec<&str> = listed.lines().skip(1).collect();
    assert_eq!(lines.len(), rows);
    let sum: i64 = lines
        .iter()
        .map(|r| {
            let amount = r.rsplit(',').next().unwrap();
            let (pounds, p) = amount.split_once('.').unwrap();
            pounds.parse::<i64>().unwrap() * 100 + p.parse::<i64>().unwrap()
        })
        .sum();
    assert_eq!(sum, pence);
    let checked = b.ok(&["check"]);
    assert!(checked.ends_with(" checks passed\n"), "{checked}");
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

#[test]
fn of_two_edits_of_the_same_version_exactly_one_wins() {
    let Some(b) = Books::postgres() else {
        return;
    };
    b.ok(&["programme", "add", "--code", "DTP", "--name", "Digital"]);
    for round in 1..=4 {
        let version = round.to_string();
        let steps: Vec<Vec<String>> = (0..3)
            .map(|i| {
                strings(&[
                    "programme",
                    "edit",
                    "DTP",
                    "--name",
                    &format!("Digital {round}.{i}"),
                    "--expected-version",
                    &version,
                ])
            })
            .collect();
        let outcomes = at_once(&b, &steps);
        let won: Vec<_> = outcomes.iter().filter(|(c, _)| *c == 0).collect();
        assert_eq!(won.len(), 1, "round {round}: {outcomes:?}");
        for (code, err) in outcomes.iter().filter(|(c, _)| *c != 0) {
            assert_eq!(*code, 2, "round {round}: {err}");
            assert!(
                err.contains("this programme was changed by") && err.contains("reload it"),
                "round {round}: {err}"
            );
        }
    }
    let list = b.ok(&["programme", "list", "--format", "csv"]);
    assert!(list.contains("DTP,Digital 4."), "{list}");
}

#[test]
fn of_two_approvals_that_each_fit_one_is_refused() {
    let Some(b) = Books::postgres() else {
        return;
    };
    b.ok(&["programme", "add", "--code", "SCH", "--name", "Schools"]);
    b.ok(&[
        "phase",
        "add",
        "--programme",
        "SCH",
        "--code",
        "P1",
        "--name",
        "Phase one",
    ]);
    b.ok(&[
        "allocation",
        "add",
        "--phase",
        "SCH/P1",
        "--fy",
        "2026-27",
        "--amount",
        "1000",
    ]);
    let reduction = |status: &str| {
        strings(&[
            "change",
            "add",
            "--kind",
            "reduction",
            "--phase",
            "SCH/P1",
            "--fy",
            "2026-27",
            "--amount",
            "700",
            "--effective",
            "01/11/2026",
            "--status",
            status,
        ])
    };
    // Two recorded as approved at the same moment: tests/engines_register.rs, on both engines.
    b.ok(&[
        "change",
        "add",
        "--kind",
        "reduction",
        "--phase",
        "SCH/P1",
        "--fy",
        "2026-27",
        "--amount",
        "700",
        "--effective",
        "01/11/2026",
        "--status",
        "approved",
    ]);
    // Proposed one after the other, then approved at the same moment: only one is approved.
    b.ok(&reduction("proposed")
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>());
    b.ok(&[
        "allocation",
        "add",
        "--phase",
        "SCH/P1",
        "--fy",
        "2026-27",
        "--amount",
        "400",
    ]);
    b.ok(&reduction("proposed")
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>());
    let ids: Vec<String> = b
        .ok(&["change", "list", "--format", "csv"])
        .lines()
        .skip(1)
        .filter(|l| l.contains(",proposed"))
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 2, "{ids:?}");
    let outcomes = at_once(
        &b,
        &[
            strings(&["change", "approve", &ids[0]]),
            strings(&["change", "approve", &ids[1]]),
        ],
    );
    assert_eq!(
        outcomes.iter().filter(|(c, _)| *c == 0).count(),
        1,
        "{outcomes:?}"
    );
    // 1,000 + 400 - 700 - 700 = 0 at most: never below zero.
    let list = b.ok(&["change", "list", "--format", "csv"]);
    assert_eq!(list.matches(",approved").count(), 2, "{list}");
}

/// A month's rush on a server: an import of 30,000 ledger lines, eight officers' processes each
/// adding five actuals one after another (£1.00 each, 40 in all), and a lead closing 2026-27 P1,
/// reopening it and closing it again, all at once. Every step commits: the officers queued behind
/// the import and the closes take their turns instead of stopping each other, and the import,
/// which holds the council's write locks for its length, is never the step stopped. Afterwards
/// the ledger holds 30,040 rows: the 30,000 imported (£0.01 to £300.00, £4,500,150.00 in all:
/// n(n+1)/2 pence for n = 30,000) and the 40 added; `check` passes.
#[test]
fn a_months_rush_of_an_import_officers_and_closes_all_commit() {
    let Some(b) = books_with_one_phase() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = ledger(&dir, 30_000, |i| format!("{}.{:02}", i / 100, i % 100));
    let import = b.spawn(&["import", "actuals", file.to_str().unwrap()]);
    std::thread::sleep(std::time::Duration::from_millis(300));
    let close = strings(&[
        "period",
        "close",
        "2026-27",
        "P1",
        "--allow-missing-comments",
    ]);
    let reopen = strings(&["period", "reopen", "2026-27", "P1", "--reason", "late"]);
    let lead = [close.clone(), reopen, close];
    let failed: Vec<String> = std::thread::scope(|s| {
        let mut runs = Vec::new();
        for officer in 0..8 {
            let b = &b;
            runs.push(s.spawn(move || {
                adds_of_one_pound(5, &format!("O{officer}"))
                    .iter()
                    .map(|step| b.run(&step.iter().map(String::as_str).collect::<Vec<_>>()))
                    .collect::<Vec<_>>()
            }));
        }
        let b = &b;
        runs.push(s.spawn(move || {
            lead.iter()
                .map(|step| b.run(&step.iter().map(String::as_str).collect::<Vec<_>>()))
                .collect()
        }));
        runs.into_iter()
            .flat_map(|r| r.join().unwrap())
            .filter(|o| !o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stderr).into_owned())
            .collect()
    });
    let imported = import.wait_with_output().unwrap();
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    assert!(failed.is_empty(), "{failed:#?}");
    ledger_holds(&b, 30_040, 450_015_000 + 4_000);
}

/// An import killed part-way (SIGKILL, the process gone mid-transaction) leaves nothing: no
/// batch, no actual, no audit event; the write locks it held go with its connection, so the next
/// officer's step commits at once.
#[test]
fn an_import_killed_part_way_leaves_nothing_and_holds_nothing() {
    let Some(b) = books_with_one_phase() else {
        return;
    };
    let events = b.ok(&["audit", "--format", "csv"]);
    let dir = tempfile::tempdir().unwrap();
    let file = ledger(&dir, 400_000, |_| "1.00".to_string());
    let mut import = b.spawn(&["import", "actuals", file.to_str().unwrap()]);
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(
        import.try_wait().unwrap().is_none(),
        "the import ended too soon to kill"
    );
    import.kill().unwrap();
    import.wait().unwrap();
    let started = std::time::Instant::now();
    let add = &adds_of_one_pound(1, "AFTER")[0];
    b.ok(&add.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    let listed = b.ok(&["actual", "list", "--format", "csv"]);
    assert_eq!(listed.lines().count(), 2, "{listed}");
    assert_eq!(
        b.ok(&["import", "list", "--format", "csv"]).lines().count(),
        1
    );
    let after = b.ok(&["audit", "--format", "csv"]);
    assert_eq!(after.lines().count(), events.lines().count() + 1);
}

/// Ten officers' processes add an actual to the same phase and period at the same moment: each
/// insert updates the same running total, so their steps take turns under the council's write
/// lock. All ten commit: £10.00 in all, ten rows.
#[test]
fn ten_officers_adding_to_one_phase_at_once_all_commit() {
    let Some(b) = books_with_one_phase() else {
        return;
    };
    let steps = adds_of_one_pound(10, "AT-ONCE");
    for (code, err) in at_once(&b, &steps) {
        assert_eq!(code, 0, "{err}");
    }
    let listed = b.ok(&["actual", "list", "--format", "csv"]);
    assert_eq!(listed.lines().count(), 11, "{listed}");
    let summary = b.ok(&["summary", "--fy", "2026-27"]);
    assert!(summary.contains("£10.00"), "{summary}");
}
