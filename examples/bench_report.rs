//! Benchmark of `outturn report ... --csv` over a large synthetic database.
//!
//! `cargo run --release --example bench_report [-- --actuals N --runs N --keep PATH]`
//!
//! Builds (once per size, cached under target/) a database of 10 programmes x 20 phases with
//! allocations, contracts, forecasts and N actuals (default 1,000,000) over five financial years,
//! builds the release binary, then runs `outturn --db DB report --fy 2017-18 --period 7 --csv OUT`
//! N times (default 11) and prints the median, fastest and slowest wall time of the whole process,
//! and its peak resident memory (through /usr/bin/time when installed). Then it closes 2017-18 P7
//! on a copy (`period close ... --allow-missing-comments`, timed once: the snapshot of every
//! programme) and times the report of that closed period (the snapshot). Not run in CI.

mod common;

use std::time::Instant;

use common::{arg, bench_dir, build_db, demo_db, measure, release_binary, run_once};

fn main() {
    let actuals = arg("--actuals", 1_000_000);
    let runs = arg("--runs", 11).max(1);
    let bin = release_binary();
    let dir = bench_dir("bench-report");
    let db = dir.join(format!("synthetic-{actuals}.db"));
    build_db(&db, actuals, |_| String::new());
    let out = dir.join("report.csv");
    let out = out.to_str().expect("a UTF-8 path");
    let report = ["report", "--fy", "2017-18", "--period", "7", "--csv", out];
    measure(
        &format!("report 2017-18 P7 --csv, {actuals} actuals, 200 phases"),
        &bin,
        &db,
        &report,
        runs,
    );
    let lines = std::fs::read_to_string(out)
        .map(|s| s.lines().count())
        .unwrap_or(0);
    println!("  CSV: {lines} lines in {out}");
    let demo = demo_db(&dir);
    measure(
        "report 2017-18 P7 --csv, demo database",
        &bin,
        &demo,
        &report,
        runs,
    );

    // Closing the period (the snapshot of every programme, in the closing transaction), once, on
    // a fresh copy; then the report of the closed period, which is that snapshot.
    let closed = dir.join(format!("closed-{actuals}.db"));
    let _ = std::fs::remove_file(&closed);
    std::fs::copy(&db, &closed).expect("copy the database");
    let started = Instant::now();
    run_once(
        &bin,
        &closed,
        &[
            "period",
            "close",
            "2017-18",
            "P7",
            "--allow-missing-comments",
        ],
    );
    println!(
        "period close 2017-18 P7 (snapshot of every programme), {actuals} actuals, 200 phases: {:.1} ms (once)",
        started.elapsed().as_secs_f64() * 1e3
    );
    measure(
        &format!("report 2017-18 P7 --csv of the closed period (the snapshot), {actuals} actuals"),
        &bin,
        &closed,
        &report,
        runs,
    );
}
