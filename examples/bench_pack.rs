//! Benchmark of `outturn pack ... --xlsx` (the committee pack) over a large synthetic database.
//!
//! `cargo run --release --example bench_pack [-- --actuals N --runs N --benefits N]`
//!
//! Uses (building it once per size, cached under target/bench-report/, shared with
//! bench_report) a database of 10 programmes x 20 phases with allocations, contracts, forecasts
//! and N actuals (default 1,000,000) over five financial years, builds the release binary, then
//! runs `outturn --db DB pack --fy 2017-18 --period 9 --xlsx OUT` N times (default 11) and prints
//! the median, fastest and slowest wall time of the whole process, and its peak resident memory
//! (through /usr/bin/time when installed). With `--benefits N` (e.g. 100000) it then measures the
//! pack of a database of 100,000 actuals and N benefits, each with a 2017-18 target and every
//! other one a realisation, so the Benefits sheet has N rows (the sheets are streamed: memory
//! stays flat). Not run in CI.

mod common;

use common::{arg, bench_dir, build_db, demo_db, measure, release_binary};
use outturn::store::Db;

/// Adds `n` benefits to the first programme, each with a 2017-18 target, every other one with a
/// realisation as at P6 (in SQL: the steps would audit each one, which is not what is measured).
fn add_benefits(tx: &Db, n: usize) -> String {
    tx.execute_batch(&format!(
        "INSERT INTO benefit(programme_id, description, kind, owner)
           WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < {n})
           SELECT (SELECT min(id) FROM programme),
                  'Synthetic benefit ' || i || ': savings from moving a service online (illustrative)',
                  'cashable', 'Owner ' || (i % 50) FROM k;
         INSERT INTO benefit_target(benefit_id, fy, amount_pence) SELECT id, 2017, 100000 + id FROM benefit;
         INSERT INTO benefit_realisation(benefit_id, fy, as_at_period, realised_pence, forecast_pence)
           SELECT id, 2017, 6, 10 * id, 5 * id FROM benefit WHERE id % 2 = 0;"
    ))
    .expect("benefits");
    format!(", {n} benefits")
}

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
    let benefits = arg("--benefits", 0);
    if benefits > 0 {
        let db = dir.join(format!("synthetic-100000-benefits-{benefits}.db"));
        build_db(&db, 100_000, |tx| add_benefits(tx, benefits));
        measure(
            &format!("pack 2017-18 P9 --xlsx, {benefits} benefits, 100000 actuals"),
            &bin,
            &db,
            &pack,
            runs,
        );
        let bytes = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
        println!("  workbook: {bytes} bytes in {out}");
    }
}
