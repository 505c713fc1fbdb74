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

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(|v| v.replace('_', "").parse().expect("a whole number"))
        .unwrap_or(default)
}

fn release_binary() -> PathBuf {
    let cargo = option_env!("CARGO").unwrap_or("cargo");
    let status = Command::new(cargo)
        .args(["build", "--release", "--quiet", "--bin", "outturn"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .expect("cargo runs");
    assert!(status.success(), "cargo build --release failed");
    // target/release/examples/bench_pack -> target/release/outturn
    let exe = std::env::current_exe().expect("current exe");
    exe.parent()
        .and_then(Path::parent)
        .expect("target/release")
        .join("outturn")
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
    let s =
        outturn::io::synthetic::fill_database(&tx, 10, 20, actuals, 2017).expect("synthetic data");
    tx.commit().expect("commit");
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;")
        .expect("checkpoint");
    drop(conn);
    std::fs::rename(&tmp, path).expect("rename");
    println!(
        "built {} in {:.1} s: {} programmes, {} phases, {} contracts, {} actuals",
        path.display(),
        started.elapsed().as_secs_f64(),
        s.programmes,
        s.phases,
        s.contracts,
        s.actuals
    );
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let actuals = arg("--actuals", 1_000_000);
    let runs = arg("--runs", 11).max(1);
    let bin = release_binary();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-report");
    std::fs::create_dir_all(&dir).expect("bench folder");
    let db = dir.join(format!("synthetic-{actuals}.db"));
    build_db(&db, actuals);
    let out = dir.join("pack.xlsx");
    let pack_args = |db: &Path| -> Vec<String> {
        vec![
            "--db".into(),
            db.display().to_string(),
            "pack".into(),
            "--fy".into(),
            "2017-18".into(),
            "--period".into(),
            "9".into(),
            "--xlsx".into(),
            out.display().to_string(),
        ]
    };
    let run_once = |db: &Path| -> Duration {
        let started = Instant::now();
        let o = Command::new(&bin)
            .args(pack_args(db))
            .output()
            .expect("outturn runs");
        let took = started.elapsed();
        assert!(
            o.status.success(),
            "pack failed: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        took
    };
    let measure = |label: &str, db: &Path| {
        run_once(db); // warm the page cache
        let times: Vec<Duration> = (0..runs).map(|_| run_once(db)).collect();
        let min = times.iter().min().copied().unwrap_or_default();
        let max = times.iter().max().copied().unwrap_or_default();
        let med = median(times);
        let rss = peak_rss_kib(&bin, &pack_args(db));
        println!(
            "{label}: median {:.1} ms (min {:.1}, max {:.1}) over {runs} runs; peak RSS {}",
            med.as_secs_f64() * 1e3,
            min.as_secs_f64() * 1e3,
            max.as_secs_f64() * 1e3,
            rss.map(|k| format!("{:.1} MB", k as f64 / 1024.0))
                .unwrap_or_else(|| "not measured (install GNU time: apt-get install time)".into())
        );
    };
    let bytes = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    measure(
        &format!("pack 2017-18 P9 --xlsx, {actuals} actuals, 200 phases"),
        &db,
    );
    println!("  workbook: {} bytes in {}", bytes(&out), out.display());

    let demo = dir.join("demo.db");
    if !demo.exists() {
        let mut conn = outturn::store::open(&demo).expect("open demo");
        let tx = outturn::store::write_tx(&mut conn).expect("tx");
        outturn::io::demo::load_all(&tx).expect("demo");
        tx.commit().expect("commit");
    }
    measure("pack 2017-18 P9 --xlsx, demo database", &demo);
}

/// Peak resident set size of one run, in KiB, from GNU time's `%M`.
fn peak_rss_kib(bin: &Path, args: &[String]) -> Option<u64> {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        return None;
    }
    let o = Command::new(time)
        .arg("-f")
        .arg("%M")
        .arg(bin)
        .args(args)
        .output()
        .ok()?;
    String::from_utf8_lossy(&o.stderr)
        .lines()
        .last()?
        .trim()
        .parse()
        .ok()
}
