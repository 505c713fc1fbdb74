//! Benchmark of `outturn pack ... --xlsx` (the committee pack) over a large synthetic database.
//!
//! `cargo run --release --example bench_pack [-- --actuals N --runs N]`
//!
//! Uses (building it once per size, cached under target/bench-report/, shared with
//! bench_report) a database of 10 programmes x 20 phases with allocations, contracts, forecasts
//! and N actuals (default 1,000,000) over five financial years, builds the release binary, then
//! runs `outturn --db DB pack --fy 2017-18 --period 9 --xlsx OUT` N times (default 11) and prints
//! the median, fastest and slowest wall time of the whole process, and its peak resident memory
//! (through /usr/bin/time when installed). Not run in CI.

mod common;

use common::{arg, bench_dir, build_db, demo_db, measure, release_binary};

fn main() {
    let actuals = arg("--actuals", 1_000_000);
    let runs = arg("--runs", 11).max(1);
    let bin = release_binary();
    let dir = bench_dir("bench-report");
    let db = dir.join(format!("synthetic-{actuals}.db"));
    build_db(&db, actuals, |_| String::new());
    let out = dir.join("pack.xlsx");
    let out = out.to_str().expect("a UTF-8 path");
    let pack = ["pack", "--fy", "2017-18", "--period", "9", "--xlsx", out];
    measure(
        &format!("pack 2017-18 P9 --xlsx, {actuals} actuals, 200 phases"),
        &bin,
        &db,
        &pack,
        runs,
    );
    let bytes = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
    println!("  workbook: {bytes} bytes in {out}");
    measure(
        "pack 2017-18 P9 --xlsx, demo database",
        &bin,
        &demo_db(&dir),
        &pack,
        runs,
    );
}
