//! Benchmark of `outturn import actuals`: generates the synthetic extracts (1,000,000 actual lines
//! over 200 phases by default), then for each run imports them into a fresh database file and
//! times the import (validated, indexed, committed). If `sqlite3` is on the PATH, it also times
//! sqlite3's own `.import` of the same file into a bare table after each of those runs (the two
//! alternate, so that other work on the machine slows both alike). Prints medians,
//! rows/s and the peak resident memory during an import.
//!
//! `--synchronous normal` times with the setting Outturn used before FULL, for comparison.
//!
//! ```text
//! cargo run --release --example bench_import [-- --actuals 1000000 --phases 200 --runs 3]
//! cargo run --release --example bench_import -- --writes 200 [--synchronous normal]
//! ```
//!
//! Not run in CI. For the peak memory of the command line itself:
//! `/usr/bin/time -f %M target/release/outturn import actuals DIR/actuals.csv`.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use outturn::io::import::{self, ActualsOptions};
use outturn::io::synthetic::{self, GenOptions};
use outturn::store;

fn arg(args: &[String], name: &str, default: u64) -> u64 {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Peak resident set size of this process in KiB (Linux), if known.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// Resets this process's peak resident set size to its current size (Linux), so that the peak
/// read afterwards is that of the work in between.
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Imports the files into a fresh database; returns the time and the peak memory (KiB) of the
/// actuals import.
fn ours(
    dir: &Path,
    run: u64,
    programmes: &[synthetic::GenProgramme],
) -> anyhow::Result<(Duration, Option<u64>)> {
    let db = dir.join(format!("bench-{run}.db"));
    let mut conn = store::open(&db)?;
    relax(&conn)?;
    common::programmes_and_budgets(&mut conn, dir, programmes)?;
    reset_peak_rss();
    let started = Instant::now();
    let outcome = import::import_actuals(
        &mut conn,
        &dir.join("actuals.csv"),
        &ActualsOptions::default(),
        &mut |_, _| {},
    )
    .map_err(|e| anyhow::anyhow!("actuals import: {}", e.lines().join("; ")))?;
    let took = started.elapsed();
    let peak = peak_rss_kib();
    drop(conn);
    let _ = std::fs::remove_file(&db);
    let _ = std::fs::remove_file(dir.join(format!("bench-{run}.db-wal")));
    let _ = std::fs::remove_file(dir.join(format!("bench-{run}.db-shm")));
    println!(
        "  run {run}: outturn {} rows in {:.2} s, peak resident memory {:.0} MB",
        outcome.rows,
        took.as_secs_f64(),
        peak.unwrap_or(0) as f64 / 1024.0
    );
    Ok((took, peak))
}

/// With `--synchronous normal`, the setting Outturn used before FULL, for the comparison in the
/// README (Outturn itself always opens with FULL).
fn relax(conn: &store::Db) -> anyhow::Result<()> {
    if std::env::args().any(|a| a == "normal") {
        conn.pragma_update(None, "synchronous", "NORMAL")?;
    }
    Ok(())
}

/// `--writes N`: N interactive writes as the command line makes them (open the database, one
/// transaction adding a programme, close); returns the mean time of one.
fn writes(dir: &Path, n: u64) -> anyhow::Result<Duration> {
    let db = dir.join("writes.db");
    let started = Instant::now();
    for i in 0..n {
        let mut conn = store::open(&db)?;
        relax(&conn)?;
        let tx = store::write_tx(&mut conn)?;
        outturn::store::entities::add_programme(
            &tx,
            &outturn::store::entities::NewProgramme {
                code: format!("W{i}"),
                name: "Write".into(),
                organisation: String::new(),
                status: outturn::domain::model::DeliveryStatus::Active,
            },
        )?;
        tx.commit()?;
    }
    Ok(started.elapsed() / n.max(1) as u32)
}

fn sqlite3(dir: &Path, run: u64) -> Option<Duration> {
    let db = dir.join(format!("sqlite3-{run}.db"));
    let started = Instant::now();
    let status = Command::new("sqlite3")
        .arg(&db)
        .arg(".mode csv")
        .arg(format!(".import {} t", dir.join("actuals.csv").display()))
        .status()
        .ok()?;
    let took = started.elapsed();
    let _ = std::fs::remove_file(&db);
    status.success().then(|| {
        println!("  run {run}: sqlite3 .import {:.2} s", took.as_secs_f64());
        took
    })
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let opts = GenOptions {
        actuals: arg(&args, "--actuals", 1_000_000),
        phases: arg(&args, "--phases", 200) as u32,
        seed: arg(&args, "--seed", 1),
    };
    let runs = arg(&args, "--runs", 3).max(1);
    let dir = tempfile::tempdir()?;
    let n_writes = arg(&args, "--writes", 0);
    if n_writes > 0 {
        let each = writes(dir.path(), n_writes)?;
        println!(
            "{n_writes} interactive writes (open, one transaction, close): {:.2} ms each",
            each.as_secs_f64() * 1000.0
        );
        return Ok(());
    }
    let started = Instant::now();
    let summary = synthetic::generate(dir.path(), opts)?;
    let size = std::fs::metadata(dir.path().join("actuals.csv"))
        .map(|m| m.len())
        .unwrap_or(0);
    println!(
        "Generated {} actual lines ({:.1} MB) over {} phases in {:.2} s.",
        summary.actual_rows,
        size as f64 / 1e6,
        opts.phases,
        started.elapsed().as_secs_f64()
    );

    // The two are run alternately, so that a machine busy with other work slows both alike.
    println!("outturn import actuals, then sqlite3 .import into a bare table, alternately:");
    let mut results = Vec::new();
    let mut theirs = Vec::new();
    for r in 0..runs {
        results.push(ours(dir.path(), r, &summary.programmes)?);
        theirs.extend(sqlite3(dir.path(), r));
    }
    // Later runs in this process start with memory the allocator kept from earlier ones, so the
    // first run's peak is the one a fresh `outturn import actuals` process would see.
    let peak = results.first().and_then(|r| r.1);
    let ours_median = median(results.into_iter().map(|r| r.0).collect());

    let rate = summary.actual_rows as f64 / ours_median.as_secs_f64();
    println!(
        "\nmedian of {runs}: outturn {:.2} s ({:.0} rows/s)",
        ours_median.as_secs_f64(),
        rate
    );
    if !theirs.is_empty() {
        let theirs_median = median(theirs);
        println!(
            "median of {runs}: sqlite3 .import {:.2} s; outturn takes {:.2}x as long (target: at most 1.5x)",
            theirs_median.as_secs_f64(),
            ours_median.as_secs_f64() / theirs_median.as_secs_f64()
        );
    } else {
        println!("sqlite3 not found: install it (apt-get install -y sqlite3) to compare");
    }
    if let Some(kib) = peak {
        println!(
            "peak resident memory during the first import: {:.0} MB (target: under 200 MB)",
            kib as f64 / 1024.0
        );
    }
    Ok(())
}
