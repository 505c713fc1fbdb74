//! Benchmark of duplicate detection when every row shares one phase and one date (issue 17 item
//! 11: 20,000 such rows onto 20,000 once took 68 s). For each size N (default 20,000 and 40,000)
//! and each run: a fresh database with one phase, an import of N ledger lines all dated
//! 15/06/2023 on that phase (references R0..), then, timed, an import of N more lines of the same
//! phase and date of which every second one repeats a line of the first file (same reference,
//! date and amount): once as it is, refused listing the first 50 duplicates of N/2, and once with
//! `--skip-duplicates`, which writes the N/2 new lines and leaves out the N/2 held. Prints each
//! run and the medians.
//!
//! ```text
//! cargo run --release --example bench_duplicates [-- --runs 3 --sizes 20000,40000]
//! ```
//!
//! Not run in CI.

use std::path::Path;
use std::time::{Duration, Instant};

use outturn::domain::model::DeliveryStatus;
use outturn::io::import::{self, ActualsOptions, ImportError};
use outturn::store::{self, entities as e};

fn arg<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// A ledger file of the `rows` lines `first..first + rows`, all on phase A and 15/06/2023; line i
/// has reference R{i} and amount £(i + 1).00.
fn ledger(path: &Path, rows: impl Iterator<Item = u64>) -> anyhow::Result<()> {
    let mut text = String::from("Date,Phase,Supplier,Description,Reference,Amount\n");
    for i in rows {
        text.push_str(&format!("15/06/2023,A,Supplier,Work,R{i},{}.00\n", i + 1));
    }
    std::fs::write(path, text)?;
    Ok(())
}

/// One run at size `n`: (time of the refused import, time of the import with --skip-duplicates).
fn run(dir: &Path, n: u64, r: usize) -> anyhow::Result<(Duration, Duration)> {
    let db = dir.join(format!("dup-{n}-{r}.db"));
    let mut conn = store::open(&db)?;
    {
        let tx = store::write_tx(&mut conn)?;
        let programme = e::add_programme(
            &tx,
            &e::NewProgramme {
                code: "P".into(),
                name: "Programme".into(),
                organisation: String::new(),
                status: DeliveryStatus::Active,
            },
        )?;
        e::add_phase(
            &tx,
            &e::NewPhase {
                programme_id: programme,
                code: "A".into(),
                name: "Phase A".into(),
                status: DeliveryStatus::Active,
                officer: None,
            },
        )?;
        tx.commit()?;
    }
    let (first, second) = (dir.join("first.csv"), dir.join("second.csv"));
    ledger(&first, 0..n)?;
    // Every second line repeats one of the first file (R0, R2, ...); the others are new.
    ledger(
        &second,
        (0..n).map(|i| if i.is_multiple_of(2) { i } else { n + i }),
    )?;
    let lines = |e: ImportError| anyhow::anyhow!("{}", e.lines().join("; "));
    let o = import::import_actuals(
        &mut conn,
        &first,
        &ActualsOptions::default(),
        &mut |_, _| {},
    )
    .map_err(lines)?;
    anyhow::ensure!(o.rows == n, "first import wrote {} rows", o.rows);

    let started = Instant::now();
    let refused = import::import_actuals(
        &mut conn,
        &second,
        &ActualsOptions::default(),
        &mut |_, _| {},
    );
    let refused_took = started.elapsed();
    match refused {
        Err(ImportError::Duplicates { problems, more }) => {
            anyhow::ensure!(
                problems.len() + more == (n / 2) as usize && problems[0].line == 2,
                "expected {} duplicates from line 2, got {} + {more}",
                n / 2,
                problems.len()
            );
        }
        other => anyhow::bail!("expected the duplicates to be refused, got {other:?}"),
    }

    let skip = ActualsOptions {
        skip_duplicates: true,
        ..Default::default()
    };
    let started = Instant::now();
    let o = import::import_actuals(&mut conn, &second, &skip, &mut |_, _| {}).map_err(lines)?;
    let skip_took = started.elapsed();
    anyhow::ensure!(
        o.rows == n / 2 && o.skipped_duplicates == n / 2,
        "expected {} written and {} skipped, got {} and {}",
        n / 2,
        n / 2,
        o.rows,
        o.skipped_duplicates
    );
    drop(conn);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    println!(
        "  {n} onto {n}, run {r}: refused (finding {} duplicates) in {:.3} s; --skip-duplicates in {:.3} s",
        n / 2,
        refused_took.as_secs_f64(),
        skip_took.as_secs_f64()
    );
    Ok((refused_took, skip_took))
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let runs: usize = arg(&args, "--runs")
        .and_then(|v| v.parse().ok())
        .unwrap_or(3)
        .max(1);
    let sizes: Vec<u64> = arg(&args, "--sizes")
        .unwrap_or("20000,40000")
        .split(',')
        .filter_map(|s| s.trim().replace('_', "").parse().ok())
        .collect();
    let dir = tempfile::tempdir()?;
    let mut summary = Vec::new();
    for &n in &sizes {
        let results = (0..runs)
            .map(|r| run(dir.path(), n, r))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let refused = median(results.iter().map(|r| r.0).collect());
        let skipped = median(results.iter().map(|r| r.1).collect());
        summary.push((n, refused, skipped));
    }
    println!("\nmedians of {runs} runs (one phase, one date):");
    for (n, refused, skipped) in summary {
        println!(
            "  {n} rows onto {n}: refused {:.3} s, --skip-duplicates {:.3} s",
            refused.as_secs_f64(),
            skipped.as_secs_f64()
        );
    }
    Ok(())
}
