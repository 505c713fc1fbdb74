//! What the whole-process benchmarks share: options, the release binary, the synthetic database
//! (built once per size, cached under `target/`), the demo database, and timing a command with
//! its median, fastest and slowest wall time and its peak resident memory.
#![allow(dead_code)] // each benchmark uses its own subset

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use outturn::store::Db;

/// A whole-number option `--name N` (underscores allowed), or `default`.
pub fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(|v| v.replace('_', "").parse().expect("a whole number"))
        .unwrap_or(default)
}

/// Builds the release `outturn` binary and returns its path (beside `target/release/examples`).
/// With `OUTTURN_BENCH_BIN` set, that binary is used as it is (a long run keeps measuring the
/// binary it started with while the sources change).
pub fn release_binary() -> PathBuf {
    if let Some(bin) = std::env::var_os("OUTTURN_BENCH_BIN") {
        return PathBuf::from(bin);
    }
    let cargo = option_env!("CARGO").unwrap_or("cargo");
    let status = Command::new(cargo)
        .args(["build", "--release", "--quiet", "--bin", "outturn"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .expect("cargo runs");
    assert!(status.success(), "cargo build --release failed");
    let exe = std::env::current_exe().expect("current exe");
    exe.parent()
        .and_then(Path::parent)
        .expect("target/release")
        .join("outturn")
}

/// The folder `target/NAME`, created.
pub fn bench_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join(name);
    std::fs::create_dir_all(&dir).expect("bench folder");
    dir
}

/// Builds (unless it exists) the synthetic database at `path`: 10 programmes x 20 phases with
/// allocations, contracts, forecasts and `actuals` actuals from 2017-18; `extra` adds to it in
/// the same transaction and returns a description of what it added.
pub fn build_db(path: &Path, actuals: usize, extra: impl FnOnce(&Db) -> String) {
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
    let added = extra(&tx);
    tx.commit().expect("commit");
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;")
        .expect("checkpoint");
    drop(conn);
    std::fs::rename(&tmp, path).expect("rename");
    println!(
        "built {} in {:.1} s: {} programmes, {} phases, {} contracts, {} actuals{added}",
        path.display(),
        started.elapsed().as_secs_f64(),
        s.programmes,
        s.phases,
        s.contracts,
        s.actuals
    );
}

/// Adds the generated `programmes` to `conn` and imports the generated `budgets.csv` in `dir`
/// (its phases created), as `outturn gen` files are loaded.
pub fn programmes_and_budgets(
    conn: &mut Db,
    dir: &Path,
    programmes: &[outturn::io::synthetic::GenProgramme],
) -> anyhow::Result<()> {
    {
        let tx = outturn::store::write_tx(conn)?;
        outturn::io::synthetic::create_programmes(&tx, programmes)?;
        tx.commit()?;
    }
    let budgets = outturn::io::import::BudgetsOptions {
        create_missing: true,
        ..Default::default()
    };
    outturn::io::import::import_budgets(conn, &dir.join("budgets.csv"), &budgets, &mut |_, _| {})
        .map_err(|e| anyhow::anyhow!("budgets import: {}", e.lines().join("; ")))?;
    Ok(())
}

/// The demo database in `dir` (built once).
pub fn demo_db(dir: &Path) -> PathBuf {
    let demo = dir.join("demo.db");
    if !demo.exists() {
        let mut conn = outturn::store::open(&demo).expect("open demo");
        let tx = outturn::store::write_tx(&mut conn).expect("tx");
        outturn::io::demo::load_all(&tx).expect("demo");
        tx.commit().expect("commit");
    }
    demo
}

/// Runs `bin --db DB ARGS...` once, asserting it succeeds, and returns its wall time.
pub fn run_once(bin: &Path, db: &Path, args: &[&str]) -> Duration {
    run_with_output(bin, db, args).0
}

/// [`run_once`], also returning what it printed on standard output.
pub fn run_with_output(bin: &Path, db: &Path, args: &[&str]) -> (Duration, String) {
    let started = Instant::now();
    let o = Command::new(bin)
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("outturn runs");
    let took = started.elapsed();
    assert!(
        o.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    (took, String::from_utf8_lossy(&o.stdout).into_owned())
}

/// Times `bin --db DB ARGS...` `runs` times after one warming run, and prints the median,
/// fastest and slowest wall time and the peak resident memory under `label`.
pub fn measure(label: &str, bin: &Path, db: &Path, args: &[&str], runs: usize) {
    run_once(bin, db, args); // warm the page cache
    let mut times: Vec<Duration> = (0..runs).map(|_| run_once(bin, db, args)).collect();
    times.sort();
    let rss = peak_rss_kib(bin, db, args);
    println!(
        "{label}: median {:.1} ms (min {:.1}, max {:.1}) over {runs} runs; peak RSS {}",
        times[times.len() / 2].as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3,
        rss.map(|k| format!("{:.1} MB", k as f64 / 1024.0))
            .unwrap_or_else(|| "not measured (install GNU time: apt-get install time)".into())
    );
}

/// Peak resident set size of one run, in KiB, from GNU time's `%M`.
fn peak_rss_kib(bin: &Path, db: &Path, args: &[&str]) -> Option<u64> {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        return None;
    }
    let o = Command::new(time)
        .arg("-f")
        .arg("%M")
        .arg(bin)
        .arg("--db")
        .arg(db)
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
