//! Benchmark of `outturn report financing ... --csv` over a large synthetic database.
//!
//! `cargo run --release --example bench_financing [-- --actuals N --runs N]`
//!
//! Builds (once per size, cached under target/bench-financing/) the database of `bench_report`
//! (10 programmes x 20 phases, N actuals, default 1,000,000, over five years) plus five approved
//! funding lines per phase for 2017-18 (grant with a spend-by date, s106, capital receipts,
//! revenue, borrowing), then runs the release binary
//! `outturn --db DB report financing --fy 2017-18 --period 7 --csv OUT` N times (default 11) and
//! prints the median, fastest and slowest wall time of the whole process and its peak resident
//! memory (through /usr/bin/time when installed). Then it closes 2017-18 P7 on a copy (timed once:
//! the report's and the financing statement's snapshots) and times the financing statement of the
//! closed period (its snapshot). Not run in CI.

mod common;

use outturn::domain::financing::FundingSource;
use outturn::domain::model::AllocationStatus;
use outturn::domain::{FinancialYear, Money};
use outturn::store::{Db, entities as e};

use common::{arg, bench_dir, build_db, measure, release_binary, run_once};

/// Five approved funding lines per phase for 2017-18 (a grant with a spend-by date, s106,
/// capital receipts, revenue, borrowing).
fn add_funding(tx: &Db) -> String {
    let fy = FinancialYear::new(2017).expect("2017-18");
    let sources = [
        FundingSource::Grant,
        FundingSource::S106,
        FundingSource::CapitalReceipts,
        FundingSource::Revenue,
        FundingSource::Borrowing,
    ];
    let mut lines = 0;
    for p in e::list_phases(tx, None).expect("phases") {
        for (i, source) in sources.iter().enumerate() {
            e::add_funding(
                tx,
                &e::NewFunding {
                    phase_id: p.id,
                    fy,
                    source: *source,
                    amount: Money::from_pence(200_000_000 + i as i64 * 1_234_567),
                    status: AllocationStatus::Approved,
                    funder: None,
                    spend_by: source
                        .is_contribution()
                        .then(|| chrono::NaiveDate::from_ymd_opt(2018, 3, 31))
                        .flatten(),
                    decision_id: None,
                    note: String::new(),
                },
            )
            .expect("funding line");
            lines += 1;
        }
    }
    format!(", {lines} funding lines")
}

fn main() {
    let actuals = arg("--actuals", 1_000_000);
    let runs = arg("--runs", 11).max(1);
    let bin = release_binary();
    let dir = bench_dir("bench-financing");
    let db = dir.join(format!("synthetic-{actuals}.db"));
    build_db(&db, actuals, add_funding);
    let out = dir.join("financing.csv");
    let out = out.to_str().expect("a UTF-8 path");
    measure(
        &format!("report financing 2017-18 P7 --csv, {actuals} actuals, 200 phases x 5 sources"),
        &bin,
        &db,
        &[
            "report",
            "financing",
            "--fy",
            "2017-18",
            "--period",
            "7",
            "--csv",
            out,
        ],
        runs,
    );
    let lines = std::fs::read_to_string(out)
        .map(|s| s.lines().count())
        .unwrap_or(0);
    println!("  CSV: {lines} lines in {out}");

    // Closing P7 on a fresh copy (the report's snapshot and the financing statement's, in the
    // closing transaction), once; then the financing statement of the closed period (its snapshot).
    let closed = dir.join(format!("closed-{actuals}.db"));
    let _ = std::fs::remove_file(&closed);
    std::fs::copy(&db, &closed).expect("copy the database");
    let took = run_once(
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
        "period close 2017-18 P7 (report and financing snapshots), {actuals} actuals, 200 phases x 5 sources: {:.1} ms (once)",
        took.as_secs_f64() * 1e3
    );
    measure(
        &format!(
            "report financing 2017-18 P7 --csv of the closed period (the snapshot), {actuals} actuals"
        ),
        &bin,
        &closed,
        &[
            "report",
            "financing",
            "--fy",
            "2017-18",
            "--period",
            "7",
            "--csv",
            out,
        ],
        runs,
    );
}
