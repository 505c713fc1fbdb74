//! A team's month-end rush on a PostgreSQL server (issue 25), at scale: on a throwaway cluster
//! (the tests' harness), a council with a lead and eight officers; the synthetic programmes and
//! budgets; then, all at once, one officer imports the synthetic ledger (1,000,000 lines by
//! default), each officer adds five actuals one after another, and the lead closes 2022-23 P1,
//! reopens it and closes it again. Prints each step that failed, how long the whole took, and
//! what `check` says; exits with status 1 when any step failed or `check` did not pass.
//!
//! ```text
//! cargo run --release --example pg_team_month [-- --actuals 1000000 --phases 200]
//! ```
//!
//! Not run in CI (`tests/pg_concurrency.rs` runs the same at 30,000 lines). Needs PostgreSQL's
//! binaries, as the tests do.

mod common;
#[allow(dead_code)]
#[path = "../tests/common/pg.rs"]
mod pg;

use std::path::Path;
use std::process::{Command, Output};
use std::time::Instant;

use outturn::io::synthetic::{self, GenOptions};

fn main() -> anyhow::Result<()> {
    let opts = GenOptions {
        actuals: common::arg("--actuals", 1_000_000) as u64,
        phases: common::arg("--phases", 200) as u32,
        seed: 1,
    };
    let bin = common::release_binary();
    let dir = tempfile::tempdir_in(Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))?;
    let summary = synthetic::generate(dir.path(), opts)?;
    let Some(mut db) = pg::migrated_database() else {
        anyhow::bail!("no PostgreSQL binaries: nothing to run");
    };
    let (_, lead) = db.create_org("Month");
    let officers: Vec<String> = (0..8)
        .map(|_| db.add_member(&lead, "officer", "officer"))
        .collect();
    let run = |login: &str, args: &[&str]| -> Output {
        Command::new(&bin)
            .env("OUTTURN_TODAY", "2026-12-05")
            .args(["--db", &db.at(login)])
            .args(args)
            .output()
            .expect("outturn runs")
    };
    let file = dir.path().join("register.db");
    {
        let mut conn = outturn::store::open(&file)?;
        common::programmes_and_budgets(&mut conn, dir.path(), &summary.programmes)?;
    }
    let copied = run(
        &lead,
        &[
            "copy",
            "--from",
            file.to_str().unwrap(),
            "--to",
            &db.at(&lead),
        ],
    );
    anyhow::ensure!(copied.status.success(), "copy: {copied:?}");
    let csv = dir.path().join("actuals.csv");
    println!(
        "{} actual lines to import, 8 officers adding 5 each, a lead closing, reopening, closing.",
        summary.actual_rows
    );
    let started = Instant::now();
    let failed: Vec<String> = std::thread::scope(|s| {
        let mut runs = Vec::new();
        let (run, csv) = (&run, &csv);
        let importer = &officers[0];
        runs.push(s.spawn(move || {
            vec![(
                "import".to_string(),
                run(importer, &["import", "actuals", csv.to_str().unwrap()]),
            )]
        }));
        std::thread::sleep(std::time::Duration::from_millis(500));
        for (n, officer) in officers.iter().enumerate() {
            runs.push(s.spawn(move || {
                (1..=5)
                    .map(|k| {
                        let date = format!("2{k}/11/2026");
                        let reference = format!("O{n}-{k}");
                        let args = [
                            "actual",
                            "add",
                            "--phase",
                            "GEN01/PH001",
                            "--date",
                            &date,
                            "--amount",
                            "1",
                            "--reference",
                            &reference,
                        ];
                        (format!("officer {n} add {k}"), run(officer, &args))
                    })
                    .collect()
            }));
        }
        let lead = &lead;
        runs.push(s.spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(500));
            let close = [
                "period",
                "close",
                "2022-23",
                "P1",
                "--allow-missing-comments",
            ];
            let reopen = [
                "period",
                "reopen",
                "2022-23",
                "P1",
                "--reason",
                "late invoice",
            ];
            [&close[..], &reopen[..], &close[..]]
                .iter()
                .map(|args| (args[..2].join(" "), run(lead, args)))
                .collect()
        }));
        runs.into_iter()
            .flat_map(|r| r.join().expect("a step's thread"))
            .filter(|(_, o)| !o.status.success())
            .map(|(what, o)| format!("{what}: {}", String::from_utf8_lossy(&o.stderr).trim()))
            .collect()
    });
    println!(
        "all steps ended in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    for f in &failed {
        println!("FAILED {f}");
    }
    let checked = run(&lead, &["check"]);
    print!("{}", String::from_utf8_lossy(&checked.stdout));
    let listed = run(
        &lead,
        &[
            "actual",
            "list",
            "--phase",
            "GEN01/PH001",
            "--fy",
            "2026-27",
            "--format",
            "csv",
        ],
    );
    let added = String::from_utf8_lossy(&listed.stdout)
        .lines()
        .filter(|l| l.contains(",O"))
        .count();
    println!("officers' actuals in the books: {added} of 40");
    if !failed.is_empty() || !checked.status.success() || added != 40 {
        std::process::exit(1);
    }
    println!("every step committed");
    Ok(())
}
