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
//! memory (through /usr/bin/time when installed). Not run in CI.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use outturn::domain::financing::FundingSource;
use outturn::domain::model::AllocationStatus;
use outturn::domain::{FinancialYear, Money};
use outturn::store::entities as e;

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(|v| v.replace('_', "").parse().expect("a whole number"))
        .unwrap_or(default)
}

fn build_db(path: &Path, actuals: usize) {
    if path.exists() {
        println!("reusing {}", path.display());
        return;
    }
    let tmp = path.with_extension("building");
    let _ = std::fs::remove_file(&tmp);
    let started = Instant::now();
    let mut conn = outturn::store::open(&tmp).expect("open");
    let tx = outturn::store::write_tx(&mut conn).expect("tx");
    outturn::io::synthetic::fill_database(&tx, 10, 20, actuals, 2017).expect("synthetic data");
    let fy = FinancialYear::new(2017).expect("2017-18");
    let sources = [
        FundingSource::Grant,
        FundingSource::S106,
        FundingSource::CapitalReceipts,
        FundingSource::Revenue,
        FundingSource::Borrowing,
    ];
    let mut lines = 0;
    for p in e::list_phases(&tx, None).expect("phases") {
        for (i, source) in sources.iter().enumerate() {
            e::add_funding(
                &tx,
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
    tx.commit().expect("commit");
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;")
        .expect("checkpoint");
    drop(conn);
    std::fs::rename(&tmp, path).expect("rename");
    println!(
        "built {} in {:.1} s: {actuals} actuals, {lines} funding lines",
        path.display(),
        started.elapsed().as_secs_f64()
    );
}

fn main() {
    let actuals = arg("--actuals", 1_000_000);
    let runs = arg("--runs", 11).max(1);
    let cargo = option_env!("CARGO").unwrap_or("cargo");
    let built = Command::new(cargo)
        .args(["build", "--release", "--quiet", "--bin", "outturn"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .expect("cargo runs");
    assert!(built.success(), "cargo build --release failed");
    let exe = std::env::current_exe().expect("current exe");
    let bin = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/release")
        .join("outturn");
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-financing");
    std::fs::create_dir_all(&dir).expect("bench folder");
    let db = dir.join(format!("synthetic-{actuals}.db"));
    build_db(&db, actuals);
    let out = dir.join("financing.csv");
    let args: Vec<String> = [
        "--db",
        &db.display().to_string(),
        "report",
        "financing",
        "--fy",
        "2017-18",
        "--period",
        "7",
        "--csv",
        &out.display().to_string(),
    ]
    .map(String::from)
    .to_vec();
    let run_once = || -> Duration {
        let started = Instant::now();
        let o = Command::new(&bin)
            .args(&args)
            .output()
            .expect("outturn runs");
        let took = started.elapsed();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        took
    };
    run_once(); // warm the page cache
    let mut times: Vec<Duration> = (0..runs).map(|_| run_once()).collect();
    times.sort();
    let rss = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%M")
        .arg(&bin)
        .args(&args)
        .output()
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stderr)
                .lines()
                .last()
                .and_then(|l| l.trim().parse::<u64>().ok())
        });
    println!(
        "report financing 2017-18 P7 --csv, {actuals} actuals, 200 phases x 5 sources: median {:.1} ms \
         (min {:.1}, max {:.1}) over {runs} runs; peak RSS {}",
        times[times.len() / 2].as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3,
        rss.map(|k| format!("{:.1} MB", k as f64 / 1024.0))
            .unwrap_or_else(|| "not measured (install GNU time)".into())
    );
    let lines = std::fs::read_to_string(&out)
        .map(|s| s.lines().count())
        .unwrap_or(0);
    println!("  CSV: {lines} lines in {}", out.display());
}
